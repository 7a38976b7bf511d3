package analyzer

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"
)

// refPath is where in a pod spec a Secret is referenced.
type refPath int

const (
	refEnv refPath = iota + 1
	refEnvFrom
	refVolume
	refProjected
	refPullSecret
)

// SecretRef is one reference from a pod spec to a Secret (or to one key of it).
type SecretRef struct {
	Secret    string
	Key       string // "" when the whole Secret is used
	Optional  bool
	Path      refPath
	Container string // env and envFrom: the container
	// ContainerKind is "" for a regular container, "init" or "ephemeral".
	ContainerKind string
	Volume        string // volume and projected: the pod volume
	EnvVar        string // env: the variable
	Index         int    // imagePullSecrets: the position in the list
}

// Describe names the reference the way the report's "reference" field shows it.
func (r SecretRef) Describe() string {
	switch r.Path {
	case refEnv:
		return fmt.Sprintf("env %s (%s)", r.EnvVar, r.containerText())
	case refEnvFrom:
		return fmt.Sprintf("envFrom (%s)", r.containerText())
	case refVolume:
		return "volume " + r.Volume
	case refProjected:
		return "projected volume " + r.Volume
	case refPullSecret:
		return "imagePullSecrets"
	}
	return "reference"
}

// specPath is the field path of the reference within a pod spec, for evidence.
func (r SecretRef) specPath() string {
	switch r.Path {
	case refEnv:
		return fmt.Sprintf("%s[%s].env[%s].valueFrom.secretKeyRef{name: %s, key: %s}", r.containersField(), r.Container, r.EnvVar, r.Secret, r.Key)
	case refEnvFrom:
		return fmt.Sprintf("%s[%s].envFrom[].secretRef.name: %s", r.containersField(), r.Container, r.Secret)
	case refVolume:
		if r.Key != "" {
			return fmt.Sprintf("volumes[%s].secret{secretName: %s, items[].key: %s}", r.Volume, r.Secret, r.Key)
		}
		return fmt.Sprintf("volumes[%s].secret.secretName: %s", r.Volume, r.Secret)
	case refProjected:
		if r.Key != "" {
			return fmt.Sprintf("volumes[%s].projected.sources[].secret{name: %s, items[].key: %s}", r.Volume, r.Secret, r.Key)
		}
		return fmt.Sprintf("volumes[%s].projected.sources[].secret.name: %s", r.Volume, r.Secret)
	case refPullSecret:
		return fmt.Sprintf("imagePullSecrets[%d].name: %s", r.Index, r.Secret)
	}
	return r.Secret
}

// containerText names the reference's container with its kind: "init container migrate".
func (r SecretRef) containerText() string {
	if r.ContainerKind != "" {
		return r.ContainerKind + " container " + r.Container
	}
	return "container " + r.Container
}

// containersField is the pod spec list the reference's container is in.
func (r SecretRef) containersField() string {
	switch r.ContainerKind {
	case containerInit:
		return "initContainers"
	case containerEphemeral:
		return "ephemeralContainers"
	}
	return "containers"
}

// Container kinds of SecretRef.ContainerKind.
const (
	containerInit      = "init"
	containerEphemeral = "ephemeral"
)

func optional(b *bool) bool { return b != nil && *b }

// secretRefs lists every Secret reference of a pod spec: containers, init
// containers and ephemeral containers (env, envFrom), secret and projected
// volumes with their items, and imagePullSecrets. The order is stable.
func secretRefs(spec *corev1.PodSpec) []SecretRef {
	var refs []SecretRef
	containerRefs := func(kind, name string, env []corev1.EnvVar, envFrom []corev1.EnvFromSource) {
		for _, e := range env {
			if e.ValueFrom == nil || e.ValueFrom.SecretKeyRef == nil {
				continue
			}
			ref := e.ValueFrom.SecretKeyRef
			refs = append(refs, SecretRef{Secret: ref.Name, Key: ref.Key, Optional: optional(ref.Optional), Path: refEnv, Container: name, ContainerKind: kind, EnvVar: e.Name})
		}
		for _, from := range envFrom {
			if from.SecretRef == nil {
				continue
			}
			refs = append(refs, SecretRef{Secret: from.SecretRef.Name, Optional: optional(from.SecretRef.Optional), Path: refEnvFrom, Container: name, ContainerKind: kind})
		}
	}
	for _, c := range spec.InitContainers {
		containerRefs(containerInit, c.Name, c.Env, c.EnvFrom)
	}
	for _, c := range spec.Containers {
		containerRefs("", c.Name, c.Env, c.EnvFrom)
	}
	for _, c := range spec.EphemeralContainers {
		containerRefs(containerEphemeral, c.Name, c.Env, c.EnvFrom)
	}
	for _, v := range spec.Volumes {
		switch {
		case v.Secret != nil:
			refs = append(refs, itemRefs(SecretRef{Secret: v.Secret.SecretName, Optional: optional(v.Secret.Optional), Path: refVolume, Volume: v.Name}, v.Secret.Items)...)
		case v.Projected != nil:
			for _, src := range v.Projected.Sources {
				if src.Secret == nil {
					continue
				}
				refs = append(refs, itemRefs(SecretRef{Secret: src.Secret.Name, Optional: optional(src.Secret.Optional), Path: refProjected, Volume: v.Name}, src.Secret.Items)...)
			}
		}
	}
	for i, ps := range spec.ImagePullSecrets {
		refs = append(refs, SecretRef{Secret: ps.Name, Path: refPullSecret, Index: i})
	}
	return refs
}

// itemRefs expands a volume source into one reference per requested key, or one
// reference to the whole Secret when it lists no items.
func itemRefs(base SecretRef, items []corev1.KeyToPath) []SecretRef {
	if len(items) == 0 {
		return []SecretRef{base}
	}
	out := make([]SecretRef, 0, len(items))
	for _, it := range items {
		r := base
		r.Key = it.Key
		out = append(out, r)
	}
	return out
}

// volumeSecrets returns the Secrets a pod volume mounts that an event naming
// only the volume can mean: a secret volume's Secret; for a projected volume,
// the sources whose items name the missing key (only items can be missing),
// or every Secret source when none does (the event predates this spec).
// Optional sources cannot fail on a key and are left out when key is set.
func volumeSecrets(spec *corev1.PodSpec, volume, key string) []string {
	for _, v := range spec.Volumes {
		if v.Name != volume {
			continue
		}
		switch {
		case v.Secret != nil:
			return []string{v.Secret.SecretName}
		case v.Projected != nil:
			var all, naming []string
			for _, src := range v.Projected.Sources {
				// The kubelet skips the missing keys of an optional source.
				if src.Secret == nil || (key != "" && optional(src.Secret.Optional)) {
					continue
				}
				all = appendUnique(all, src.Secret.Name)
				for _, it := range src.Secret.Items {
					if key != "" && it.Key == key {
						naming = appendUnique(naming, src.Secret.Name)
					}
				}
			}
			if len(naming) > 0 {
				return naming
			}
			return all
		}
		return nil
	}
	return nil
}

// volumeRefs returns the references a volume makes to the given Secrets, for
// the evidence of a finding that can only name the volume.
func volumeRefs(spec *corev1.PodSpec, volume string, secrets []string) []SecretRef {
	var out []SecretRef
	for _, r := range secretRefs(spec) {
		if r.Volume == volume && (r.Path == refVolume || r.Path == refProjected) && slices.Contains(secrets, r.Secret) {
			out = append(out, r)
		}
	}
	return out
}

// secretKeys returns the key names a Secret holds (data and stringData), sorted.
func secretKeys(s *corev1.Secret) []string {
	keys := make([]string, 0, len(s.Data)+len(s.StringData))
	for k := range s.Data {
		keys = append(keys, k)
	}
	for k := range s.StringData {
		if _, dup := s.Data[k]; !dup {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	return keys
}

func hasKey(s *corev1.Secret, key string) bool {
	if _, ok := s.Data[key]; ok {
		return true
	}
	_, ok := s.StringData[key]
	return ok
}

// reportAmbiguousVolumeKeys reports keys that events say a projected volume
// lacks when the volume mounts several Secrets and neither its items nor the
// dump tell which one: the finding names the volume and every candidate rather
// than guessing.
func reportAmbiguousVolumeKeys(p *pass, w *workload, obs []observation) {
	groups := map[string][]observation{}
	var order []string
	for _, o := range obs {
		k := o.Signal.Volume + "\x00" + strings.Join(o.Candidates, "\x00")
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], o)
	}
	sort.Strings(order)
	ns := w.Namespace
	for _, k := range order {
		group := groups[k]
		volume, candidates := group[0].Signal.Volume, group[0].Candidates
		var keys, names, confirm []string
		for _, o := range group {
			keys = appendUnique(keys, o.Signal.Key)
		}
		sort.Strings(keys)
		source := ""
		for _, c := range candidates {
			names = append(names, ns+"/"+c)
			if commandSafe(c) {
				confirm = append(confirm, fmt.Sprintf("kubectl get secret %s -n %s -o jsonpath='{.data}' | jq 'keys'", shellArg(c), shellArg(ns)))
			}
			if covered, why := p.covers("Secret", ns, c); !covered {
				p.noteGap("Secret", why, w)
				source = fmt.Sprintf(" (from events and status: %s)", why)
			}
		}
		var refs []SecretRef
		for _, spec := range w.specs() {
			refs = append(refs, volumeRefs(spec, volume, candidates)...)
		}
		keyList := fmt.Sprintf("%s %s", plural(len(keys), "key", "keys"), strings.Join(keys, ", "))
		f := Finding{
			ID: SecretKeyNotFound, Namespace: ns, Object: w.ref(), Pods: podsOfObs(group),
			Reference:   "projected volume " + volume,
			Message:     fmt.Sprintf("one of Secrets %s lacks %s: projected volume %s mounts them all and the kubelet names only the volume%s", strings.Join(names, ", "), keyList, volume, source),
			Evidence:    append(specEvidence(w, refs), obsEvidence(group)...),
			Remediation: fmt.Sprintf("Find which of Secrets %s should hold %s and add it there, or fix items[].key of projected volume %s in %s %s/%s", strings.Join(candidates, ", "), keyList, volume, w.Kind, ns, w.Name),
			Commands:    &Commands{Confirm: confirm},
		}
		if cleared, when := clearedAfter(w, group); cleared {
			f.ID = SecretCreatedAfterFailure
			f.Message = fmt.Sprintf("one of Secrets %s lacked %s until %s (projected volume %s); the pods have run since, so it was probably added then%s", strings.Join(names, ", "), keyList, when, volume, source)
			f.Remediation = "Nothing to do if the pods stay healthy"
		}
		p.report(f)
	}
}
