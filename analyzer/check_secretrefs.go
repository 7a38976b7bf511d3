package analyzer

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"

	"github.com/secretscan/secretscan/analyzer/messages"
	"github.com/secretscan/secretscan/internal/redact"
)

var secretRefCheck = &Check{
	Name: "secret-references",
	Doc: `Resolves every Secret a pod or pod template references (env secretKeyRef,
envFrom secretRef, secret and projected volumes with their items) against the
Secrets of the pod's namespace, honouring optional, and joins what events,
container states and conditions said about each one.`,
	IDs: []ID{SecretNotFound, SecretInOtherNamespace, SecretKeyNotFound, OptionalSecretMissing,
		SecretEmpty, SecretTypeMismatch, SATokenSecretNotFound, SecretMountFailed,
		NodeSecretForbidden, SecretCreatedAfterFailure},
	Run: runSecretRefs,
}

// usage is how one workload uses one Secret: every reference and the pods holding it.
type usage struct {
	Secret string
	Refs   []SecretRef
	// Pods maps a reference's description to the pods whose spec holds it.
	Pods map[string][]string
	// InTemplate is true when the current template holds the reference.
	InTemplate bool
}

func (u *usage) add(r SecretRef, pod string) {
	desc := r.Describe() + "\x00" + r.Key
	if _, ok := u.Pods[desc]; !ok {
		u.Refs = append(u.Refs, r)
		u.Pods[desc] = nil
	}
	if pod != "" {
		u.Pods[desc] = append(u.Pods[desc], pod)
	}
}

// pods returns the pods holding any of the given references.
func (u *usage) podsOf(refs []SecretRef) []string {
	var pods []string
	for _, r := range refs {
		pods = append(pods, u.Pods[r.Describe()+"\x00"+r.Key]...)
	}
	return unionSorted(nil, pods)
}

// usages groups a workload's non-pull Secret references by Secret name.
func usages(w *workload) map[string]*usage {
	out := map[string]*usage{}
	add := func(spec *corev1.PodSpec, pod string) {
		for _, r := range secretRefs(spec) {
			if r.Path == refPullSecret || r.Secret == "" {
				continue
			}
			u := out[r.Secret]
			if u == nil {
				u = &usage{Secret: r.Secret, Pods: map[string][]string{}}
				out[r.Secret] = u
			}
			u.add(r, pod)
			if pod == "" {
				u.InTemplate = true
			}
		}
	}
	if w.Template != nil {
		add(&w.Template.Spec, "")
	}
	for _, p := range w.Pods {
		add(&p.Spec, p.Name)
	}
	return out
}

// secretCauses are the signals about a Secret's existence, keys and mounting.
var secretCauses = map[messages.Cause]bool{
	messages.SecretNotFound: true, messages.SecretKeyNotFound: true, messages.VolumeKeyNotFound: true,
	messages.SecretCacheSyncFailed: true, messages.ObjectNotRegistered: true, messages.NodeForbidden: true,
	messages.MountTimeout: true, messages.NoKubeClient: true,
}

func runSecretRefs(p *pass) {
	for _, w := range p.workloads.list {
		uses := usages(w)
		bySecret := map[string][]observation{}
		var ambiguous, unattributed []observation
		for _, o := range p.observations[w] {
			if !secretCauses[o.Signal.Cause] {
				continue
			}
			if o.Secret == "" && len(o.Candidates) > 0 {
				ambiguous = append(ambiguous, o)
				continue
			}
			if o.Signal.Cause == messages.MountTimeout {
				// One signal per unmounted volume that mounts a Secret.
				for _, v := range o.Signal.Volumes {
					sig := o.Signal
					sig.Volume = v
					if name := secretOfSignal(w, o.Pod, sig); name != "" {
						o2 := o
						o2.Signal, o2.Secret = sig, name
						bySecret[name] = append(bySecret[name], o2)
					}
				}
				continue
			}
			if o.Secret == "" && o.Signal.Cause == messages.SecretCacheSyncFailed && w.Template == nil && len(w.Pods) == 0 {
				// A Secret volume that failed to mount, of a pod known from
				// its events only: which Secret it mounts is unknown.
				unattributed = append(unattributed, o)
				continue
			}
			if o.Secret == "" || (o.Signal.Cause == messages.NodeForbidden && o.Signal.Resource != "" && o.Signal.Resource != "secrets" && o.Signal.Resource != "secret") {
				continue
			}
			bySecret[o.Secret] = append(bySecret[o.Secret], o)
		}
		reportUnattributedMounts(p, w, unattributed)
		names := map[string]bool{}
		for n := range uses {
			names[n] = true
		}
		for n := range bySecret {
			names[n] = true
		}
		sorted := make([]string, 0, len(names))
		for n := range names {
			sorted = append(sorted, n)
		}
		sort.Strings(sorted)
		for _, name := range sorted {
			u := uses[name]
			if u == nil {
				u = &usage{Secret: name, Pods: map[string][]string{}}
			}
			checkSecretUse(p, w, u, bySecret[name])
		}
		reportAmbiguousVolumeKeys(p, w, ambiguous)
	}
}

// reportUnattributedMounts reports the Secret volumes of a workload known
// only from its events that the kubelet could not mount, by volume: the
// events do not name the Secret and the dump holds no spec that would.
func reportUnattributedMounts(p *pass, w *workload, obs []observation) {
	if len(obs) == 0 {
		return
	}
	sortObs(obs)
	volumes := map[string]bool{}
	for _, o := range obs {
		if o.Signal.Volume != "" {
			volumes["volume "+o.Signal.Volume] = true
		}
	}
	p.report(Finding{
		ID: SecretMountFailed, Namespace: w.Namespace, Object: w.ref(), Pods: podsOfObs(obs),
		Reference: strings.Join(sortedKeys(volumes), ", "), Evidence: obsEvidence(obs),
		Message:     fmt.Sprintf("a Secret volume could not be mounted: %s; the dump holds no spec of the pod, so which Secret the volume mounts is unknown", mountCause(obs)),
		Remediation: "Check the kubelet and apiserver connectivity of the node; delete the pod to retry on a fresh kubelet cache",
		Commands:    &Commands{Confirm: []string{fmt.Sprintf("kubectl get events -n %s --field-selector reason=FailedMount", shellArg(w.Namespace))}},
	})
}

// legacyTokenName matches the Secrets the token controller created for
// ServiceAccounts before 1.24: "<sa>-token-<5 random chars>".
var legacyTokenName = regexp.MustCompile(`^(.+)-token-[a-z0-9]{5}$`)

// checkSecretUse decides what is wrong, if anything, with one workload's use of one Secret.
func checkSecretUse(p *pass, w *workload, u *usage, obs []observation) {
	ns := w.Namespace
	obs, superseded := splitSupersededSecretObs(w, u, obs)
	if len(superseded) > 0 {
		p.reportSupersededSecret(w, u, superseded)
		if len(u.Refs) == 0 && len(obs) == 0 {
			return
		}
	}
	secret, exists := p.idx.secrets[nsName{ns, u.Secret}]
	if exists {
		checkExistingSecret(p, w, u, secret, obs)
		return
	}
	covered, why := p.covers("Secret", ns, u.Secret)
	// An optional reference starts without the Secret whatever its producer says.
	pr := p.producerOf(ns, u.Secret)
	if pr != nil && !allOptional(u.Refs) {
		if !covered {
			p.noteGap("Secret", why, w)
		}
		p.reportProducer(w, u, pr, obs, why)
		return
	}
	if pr == nil && !allOptional(u.Refs) {
		p.noteUnlistedProducers(w)
	}
	var required, optionalRefs []SecretRef
	for _, r := range u.Refs {
		if r.Optional {
			optionalRefs = append(optionalRefs, r)
		} else {
			required = append(required, r)
		}
	}
	notFound := filterObs(obs, messages.SecretNotFound)
	keyObs := append(filterObs(obs, messages.SecretKeyNotFound), filterObs(obs, messages.VolumeKeyNotFound)...)

	if covered {
		if len(u.Refs) > 0 && len(required) == 0 {
			p.report(Finding{
				ID: OptionalSecretMissing, Namespace: ns, Object: w.ref(), Pods: u.podsOf(optionalRefs), Secret: u.Secret,
				Reference: describeRefs(optionalRefs),
				Message:   fmt.Sprintf("optional Secret %s/%s does not exist: the pods start without its data", ns, u.Secret),
				Evidence:  specEvidence(w, optionalRefs), Remediation: fmt.Sprintf("Create Secret %s in namespace %s if the application needs its data, or remove the reference from %s %s/%s", u.Secret, ns, w.Kind, ns, w.Name),
				Commands: &Commands{Confirm: []string{fmt.Sprintf("kubectl get secret %s -n %s", shellArg(u.Secret), shellArg(ns))}},
			})
			return
		}
		if len(required) == 0 && len(notFound) == 0 {
			return
		}
		p.reportMissingSecret(w, u, required, obs, "")
		return
	}

	// The dump holds no Secrets here: what events and status say is all there is.
	p.noteGap("Secret", why, w)
	if len(notFound) > 0 {
		if cleared, when := clearedAfter(w, notFound); cleared {
			p.report(Finding{
				ID: SecretCreatedAfterFailure, Namespace: ns, Object: w.ref(), Pods: podsOfObs(notFound), Secret: u.Secret,
				Reference: describeRefs(u.Refs),
				Message:   fmt.Sprintf("Secret %s/%s was not found until %s; the pods have run since, so it was probably created then (%s)", ns, u.Secret, when, why),
				Evidence:  obsEvidence(notFound), Remediation: "Nothing to do if the pods stay healthy; confirm the Secret exists on the live cluster",
				Commands: &Commands{Confirm: []string{fmt.Sprintf("kubectl get secret %s -n %s", shellArg(u.Secret), shellArg(ns))}},
			})
			return
		}
		p.reportMissingSecret(w, u, required, obs, why)
		return
	}
	if len(keyObs) > 0 {
		if cleared, when := clearedAfter(w, keyObs); cleared {
			p.report(Finding{
				ID: SecretCreatedAfterFailure, Namespace: ns, Object: w.ref(), Pods: podsOfObs(keyObs), Secret: u.Secret,
				Reference: describeRefs(refsWithKeys(u.Refs, keyObs)),
				Message:   fmt.Sprintf("Secret %s/%s lacked a key until %s; the pods have run since, so the key was probably added then (%s)", ns, u.Secret, when, why),
				Evidence:  obsEvidence(keyObs), Remediation: "Nothing to do if the pods stay healthy",
				Commands: &Commands{Confirm: []string{fmt.Sprintf("kubectl get secret %s -n %s -o json | jq '.data | keys'", shellArg(u.Secret), shellArg(ns))}},
			})
			return
		}
		p.reportMissingKeys(w, u, refsWithKeys(u.Refs, keyObs), keyObs, why)
		return
	}
	secretMountProblems(p, w, u, obs)
}

// reportMissingSecret reports a Secret that does not exist (or that events say
// did not): in another namespace, a deleted legacy token, or simply absent.
func (p *pass) reportMissingSecret(w *workload, u *usage, required []SecretRef, obs []observation, uncoveredWhy string) {
	ns := w.Namespace
	report := func(f Finding) { p.report(forEphemeralOnly(w, required, f)) }
	notFound := filterObs(obs, messages.SecretNotFound)
	evidence := append(specEvidence(w, required), obsEvidence(filterObs(obs, messages.SecretNotFound, messages.MountTimeout))...)
	evidence = append(evidence, rolloutEvidence(w, u)...)
	pods := unionSorted(u.podsOf(required), podsOfObs(notFound))
	refs := describeRefs(required)
	if refs == "" {
		refs = describeObsRefs(notFound)
	}
	base := Finding{Namespace: ns, Object: w.ref(), Pods: pods, Secret: u.Secret, Reference: refs, Evidence: evidence}
	confirm := []string{fmt.Sprintf("kubectl get secret %s -n %s", shellArg(u.Secret), shellArg(ns))}
	if len(pods) > 0 {
		confirm = append(confirm, fmt.Sprintf("kubectl describe pod %s -n %s", shellArg(pods[0]), shellArg(ns)))
	}
	source := ""
	if uncoveredWhy != "" {
		source = fmt.Sprintf(" (from events and status: %s)", uncoveredWhy)
	}

	if m := legacyTokenName.FindStringSubmatch(u.Secret); m != nil && mountsAsVolume(u) {
		sa := m[1]
		f := base
		f.ID = SATokenSecretNotFound
		f.Message = fmt.Sprintf("legacy ServiceAccount token Secret %s/%s no longer exists%s; token Secrets are no longer auto-created (1.24+) and unused ones are cleaned up (on by default since 1.29)", ns, u.Secret, source)
		f.Remediation = fmt.Sprintf("Use the projected token volume (remove volume %s and let the ServiceAccount admission add kube-api-access), or create a long-lived token Secret annotated kubernetes.io/service-account.name: %s", describeVolumes(required), sa)
		f.Commands = &Commands{Confirm: confirm, Fix: []string{
			fmt.Sprintf("kubectl create -n %s -f - <<'EOF'\napiVersion: v1\nkind: Secret\nmetadata:\n  name: %s\n  annotations:\n    kubernetes.io/service-account.name: %s\ntype: kubernetes.io/service-account-token\nEOF", shellArg(ns), yamlScalar(u.Secret), yamlScalar(sa)),
		}}
		report(f)
		return
	}
	if uncoveredWhy == "" {
		if others := otherNamespaces(p.idx.secretNamespace[u.Secret], ns); len(others) > 0 {
			f := base
			f.ID = SecretInOtherNamespace
			f.Message = fmt.Sprintf("Secret %s does not exist in namespace %s but does in %s; pods can only use Secrets of their own namespace", u.Secret, ns, strings.Join(others, ", "))
			f.Remediation = fmt.Sprintf("Copy the Secret into namespace %s (the command below pipes it without printing its values), or point %s %s/%s at a Secret of its own namespace", ns, w.Kind, ns, w.Name)
			f.Commands = &Commands{Confirm: confirm}
			if commandSafe(others[0]) {
				f.Commands.Fix = []string{copySecretCommand(u.Secret, others[0], ns)}
			}
			report(f)
			return
		}
	}
	f := base
	f.ID = SecretNotFound
	f.Message = fmt.Sprintf("Secret %s/%s does not exist%s", ns, u.Secret, source)
	if templateVariable(u.Secret) {
		f.Message = fmt.Sprintf("Secret name %q is an unexpanded template variable: the manifest was applied without substitution", u.Secret)
		f.Remediation = fmt.Sprintf("Render the manifest of %s %s/%s with its variables substituted and apply it again", w.Kind, ns, w.Name)
		f.Commands = &Commands{Confirm: []string{fmt.Sprintf("kubectl get %s %s -n %s -o yaml", shellArg(strings.ToLower(w.Kind)), shellArg(w.Name), shellArg(ns))}}
		report(f)
		return
	}
	if uncoveredWhy == "" {
		if guess, ok := closest(u.Secret, unusedSecrets(w, p.idx.secretNames[ns])); ok {
			f.Message += fmt.Sprintf("; did you mean %s?", guess)
		}
	}
	f.Remediation = fmt.Sprintf("Create the Secret in namespace %s, or fix the name in %s %s/%s", ns, w.Kind, ns, w.Name)
	fix := fmt.Sprintf("kubectl create secret generic %s -n %s --from-literal=KEY=VALUE", shellArg(u.Secret), shellArg(ns))
	if keys := requiredKeys(required); len(keys) > 0 {
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = shellArg(fmt.Sprintf("--from-literal=%s=...", k))
		}
		fix = fmt.Sprintf("kubectl create secret generic %s -n %s %s", shellArg(u.Secret), shellArg(ns), strings.Join(parts, " "))
		if !lineSafe(keys...) {
			fix = ""
		}
	}
	f.Commands = &Commands{Confirm: confirm}
	if fix != "" {
		f.Commands.Fix = []string{fix}
	}
	report(f)
}

// copySecretCommand copies a Secret into another namespace without printing
// its values. create, not apply: apply would keep a second copy of the values
// in the last-applied-configuration annotation.
func copySecretCommand(name, from, to string) string {
	return fmt.Sprintf("kubectl get secret %s -n %s -o json | jq 'del(.metadata.namespace, .metadata.uid, .metadata.resourceVersion, .metadata.creationTimestamp, .metadata.ownerReferences, .metadata.managedFields, .metadata.annotations[\"kubectl.kubernetes.io/last-applied-configuration\"])' | kubectl create -n %s -f -", shellArg(name), shellArg(from), shellArg(to))
}

// checkExistingSecret checks a Secret that exists: the keys asked for, whether
// it is empty, whether its type fits, and whether failures in events predate it.
func checkExistingSecret(p *pass, w *workload, u *usage, s *corev1.Secret, obs []observation) {
	ns := w.Namespace
	var missingRequired, missingOptional []SecretRef
	for _, r := range u.Refs {
		if r.Key == "" || hasKey(s, r.Key) {
			continue
		}
		if !redact.KeysKnown(s) && !redact.KnownMissingKey(s, r.Key) {
			continue
		}
		if r.Optional {
			missingOptional = append(missingOptional, r)
		} else {
			missingRequired = append(missingRequired, r)
		}
	}
	if len(missingRequired) > 0 {
		keyObs := append(filterObs(obs, messages.SecretKeyNotFound), filterObs(obs, messages.VolumeKeyNotFound)...)
		p.reportMissingKeys(w, u, missingRequired, keyObs, "")
	}
	if len(missingOptional) > 0 {
		keys := requiredKeys(missingOptional)
		p.report(Finding{
			ID: OptionalSecretMissing, Namespace: ns, Object: w.ref(), Pods: u.podsOf(missingOptional), Secret: u.Secret,
			Reference: describeRefs(missingOptional),
			Message:   fmt.Sprintf("Secret %s/%s has no %s %s (optional): the pods start without %s", ns, u.Secret, plural(len(keys), "key", "keys"), strings.Join(keys, ", "), plural(len(keys), "it", "them")),
			Evidence:  specEvidence(w, missingOptional), Remediation: fmt.Sprintf("Add the %s to Secret %s/%s if the application needs %s", plural(len(keys), "key", "keys"), ns, u.Secret, plural(len(keys), "it", "them")),
			Commands: &Commands{Confirm: []string{fmt.Sprintf("kubectl get secret %s -n %s -o jsonpath='{.data}' | jq 'keys'", shellArg(u.Secret), shellArg(ns))}},
		})
	}
	if redact.KeysKnown(s) && len(s.Data) == 0 && len(s.StringData) == 0 && len(u.Refs) > 0 {
		f := Finding{
			ID: SecretEmpty, Namespace: ns, Object: w.ref(), Pods: u.podsOf(u.Refs), Secret: u.Secret,
			Reference:   describeRefs(u.Refs),
			Message:     fmt.Sprintf("Secret %s/%s has no data at all", ns, u.Secret),
			Evidence:    append(specEvidence(w, u.Refs), fmt.Sprintf("Secret %s/%s (type %s) has no keys", ns, u.Secret, secretType(s))),
			Remediation: fmt.Sprintf("Fill Secret %s/%s with the keys the application expects, or find what should have produced it", ns, u.Secret),
			Commands:    &Commands{Confirm: []string{fmt.Sprintf("kubectl get secret %s -n %s -o jsonpath='{.data}' | jq 'keys'", shellArg(u.Secret), shellArg(ns))}},
		}
		if pr := p.producerOf(ns, u.Secret); pr != nil {
			f.Message += fmt.Sprintf("; it is made by %s, which %s", pr, pr.stateText())
			f.Evidence = append(append([]string{pr.evidenceLine()}, p.producerEvents(pr)...), f.Evidence...)
			f.Remediation = fmt.Sprintf("Do not fill the Secret by hand (%s overwrites it): %s", pr, pr.Fix)
			if pr.State == "ready" {
				f.Remediation = fmt.Sprintf("Do not fill the Secret by hand (%s overwrites it): give %s the keys the application expects at its source", pr, pr)
			}
			f.Commands.Confirm = append(f.Commands.Confirm, producerConfirm(pr)...)
			f.Commands.Fix = producerFix(pr)
		}
		p.report(f)
	}
	if missing := missingTypeKeys(s); len(missing) > 0 {
		p.report(Finding{
			ID: SecretTypeMismatch, Namespace: ns, Object: w.ref(), Pods: u.podsOf(u.Refs), Secret: u.Secret,
			Reference:   describeRefs(u.Refs),
			Message:     fmt.Sprintf("Secret %s/%s is of type %s but lacks %s", ns, u.Secret, s.Type, strings.Join(missing, " and ")),
			Evidence:    append(specEvidence(w, u.Refs), fmt.Sprintf("Secret %s/%s type %s has keys [%s]", ns, u.Secret, s.Type, strings.Join(secretKeys(s), ", "))),
			Remediation: fmt.Sprintf("Add the keys its type requires (%s) to Secret %s/%s; a Secret's type cannot be changed in place, so to make it Opaque delete and recreate it", strings.Join(missing, ", "), ns, u.Secret),
			Commands: &Commands{Confirm: []string{
				fmt.Sprintf("kubectl get secret %s -n %s -o jsonpath='{.type}'", shellArg(u.Secret), shellArg(ns)),
				fmt.Sprintf("kubectl get secret %s -n %s -o json | jq '.data | keys'", shellArg(u.Secret), shellArg(ns)),
			}},
		})
	}

	// A Secret known to exist, but not which keys it holds (a support
	// bundle's existence record): a current missing-key failure is taken at
	// its word.
	// A key the record names as present is not taken for missing: that is a
	// disagreement between the parts of the dump, reported below.
	keyObs := filterObs(obs, messages.SecretKeyNotFound, messages.VolumeKeyNotFound)
	if !redact.KeysKnown(s) && len(keyObs) > 0 && len(missingRequired) == 0 {
		var unknown, recorded []observation
		for _, o := range keyObs {
			if o.Signal.Key != "" && hasKey(s, o.Signal.Key) {
				recorded = append(recorded, o)
			} else {
				unknown = append(unknown, o)
			}
		}
		if cleared, _ := clearedAfter(w, unknown); len(unknown) > 0 && !cleared {
			p.reportMissingKeys(w, u, refsWithKeys(u.Refs, unknown), unknown, "the dump records that the Secret exists, not which keys it holds")
			keyObs = recorded
		}
	}
	// Failures recorded before the Secret existed.
	failures := append(filterObs(obs, messages.SecretNotFound), keyObs...)
	if len(failures) > 0 && len(missingRequired) == 0 {
		last := lastOf(failures)
		created := s.CreationTimestamp.Time
		createdAfter := !created.IsZero() && !last.IsZero() && !created.Before(last)
		recovered := !anyCurrent(failures) && podsRunSince(w, last)
		if createdAfter || recovered {
			p.report(Finding{
				ID: SecretCreatedAfterFailure, Namespace: ns, Object: w.ref(), Pods: podsOfObs(failures), Secret: u.Secret,
				Reference: describeRefs(u.Refs),
				Message:   fmt.Sprintf("Secret %s/%s exists (created %s); the failures end at %s, so the problem has probably cleared", ns, u.Secret, timeOrUnknown(created), timeOrUnknown(last)),
				Evidence:  obsEvidence(failures), Remediation: "Nothing to do if the pods stay healthy; pods still waiting can be restarted with kubectl rollout restart",
				Commands: &Commands{Confirm: []string{fmt.Sprintf("kubectl get secret %s -n %s -o jsonpath='{.metadata.creationTimestamp}'", shellArg(u.Secret), shellArg(ns))}},
			})
		} else {
			f := Finding{
				ID: SecretMountFailed, Namespace: ns, Object: w.ref(), Pods: podsOfObs(failures), Secret: u.Secret,
				Reference: describeRefs(u.Refs),
				Message:   fmt.Sprintf("the kubelet reported Secret %s/%s missing although the dump holds it (%s): the dump's parts may come from different times, or the Secret was deleted and recreated", ns, u.Secret, createdText(created)),
				Evidence:  obsEvidence(failures), Remediation: "Check the Secret and the pod on the live cluster; restart the pod if the Secret exists",
				Commands: &Commands{Confirm: []string{fmt.Sprintf("kubectl get secret %s -n %s", shellArg(u.Secret), shellArg(ns))}},
			}
			if len(filterObs(failures, messages.SecretNotFound)) == 0 {
				// The kubelet said a key was missing, not the Secret.
				var keys []string
				for _, o := range failures {
					keys = appendUnique(keys, o.Signal.Key)
				}
				sort.Strings(keys)
				f.Message = fmt.Sprintf("the kubelet reported %s %s of Secret %s/%s missing although the dump's copy holds %s: the dump's parts may come from different times, or the key was added since", plural(len(keys), "key", "keys"), strings.Join(keys, ", "), ns, u.Secret, plural(len(keys), "it", "them"))
			}
			p.report(f)
		}
	}
	secretMountProblems(p, w, u, obs)
}

// reportMissingKeys reports keys a workload asks for that the Secret lacks.
func (p *pass) reportMissingKeys(w *workload, u *usage, refs []SecretRef, keyObs []observation, uncoveredWhy string) {
	ns := w.Namespace
	keys := requiredKeys(refs)
	for _, o := range keyObs {
		if o.Signal.Key != "" {
			keys = appendUnique(keys, o.Signal.Key)
		}
	}
	sort.Strings(keys)
	msg := fmt.Sprintf("Secret %s/%s has no %s %s", ns, u.Secret, plural(len(keys), "key", "keys"), strings.Join(keys, ", "))
	// Only a Secret whose every key the dump shows has a list worth quoting:
	// an existence record may name some keys, or none.
	if s, ok := p.idx.secrets[nsName{ns, u.Secret}]; ok && len(keys) == 1 && redact.KeysKnown(s) {
		if guess, ok := closest(keys[0], secretKeys(s)); ok {
			msg += fmt.Sprintf("; did you mean %s?", guess)
		}
		msg += fmt.Sprintf(" (it has: %s)", strings.Join(secretKeys(s), ", "))
	}
	if uncoveredWhy != "" {
		msg += fmt.Sprintf(" (from events and status: %s)", uncoveredWhy)
	}
	refDesc := describeRefs(refs)
	if refDesc == "" {
		refDesc = describeObsRefs(keyObs)
	}
	fix := make([]string, 0, 1)
	if len(keys) > 0 {
		parts := make([]string, len(keys))
		for i, k := range keys {
			// A JSON pointer escapes ~ and / in a key; the JSON string, what else it holds.
			pointer := "/data/" + strings.ReplaceAll(strings.ReplaceAll(k, "~", "~0"), "/", "~1")
			parts[i] = fmt.Sprintf(`{"op":"add","path":%s,"value":"<base64 value>"}`, jsonString(pointer))
		}
		// The patch is one shell word: shellArg single-quotes it, whatever the keys hold.
		fix = append(fix, fmt.Sprintf("kubectl patch secret %s -n %s --type=json -p %s", shellArg(u.Secret), shellArg(ns), shellArg("["+strings.Join(parts, ",")+"]")))
	}
	keyWord := plural(len(keys), "key", "keys")
	evidence := append(append(specEvidence(w, refs), obsEvidence(keyObs)...), rolloutEvidence(w, u)...)
	remediation := fmt.Sprintf("Add the missing %s to Secret %s/%s, or fix the key name in %s %s/%s", keyWord, ns, u.Secret, w.Kind, ns, w.Name)
	confirm := []string{fmt.Sprintf("kubectl get secret %s -n %s -o jsonpath='{.data}' | jq 'keys'", shellArg(u.Secret), shellArg(ns))}
	// A Secret a controller makes is fixed at that controller: a key patched
	// in by hand is overwritten at its next sync.
	if pr := p.producerOf(ns, u.Secret); pr != nil {
		msg += fmt.Sprintf("; it is made by %s, which %s", pr, pr.stateText())
		evidence = append(append([]string{pr.evidenceLine()}, p.producerEvents(pr)...), evidence...)
		if pr.State == "ready" {
			remediation = fmt.Sprintf("Do not patch the Secret (%s overwrites it): %s; or fix the key name in %s %s/%s", pr, pr.KeyFix, w.Kind, ns, w.Name)
			fix = nil
		} else {
			remediation = fmt.Sprintf("Do not patch the Secret by hand: %s; then check that it writes the %s, or fix the key name in %s %s/%s", pr.Fix, keyWord, w.Kind, ns, w.Name)
			fix = producerFix(pr)
		}
		confirm = append(confirm, producerConfirm(pr)...)
	}
	p.report(forEphemeralOnly(w, refs, Finding{
		ID: SecretKeyNotFound, Namespace: ns, Object: w.ref(), Pods: unionSorted(u.podsOf(refs), podsOfObs(keyObs)), Secret: u.Secret,
		Reference: refDesc, Message: msg, Evidence: evidence, Remediation: remediation,
		Commands: &Commands{Confirm: confirm, Fix: fix},
	}))
}

// secretMountProblems reports mount failures with no missing-Secret cause: the
// node authorizer's refusal, cache sync timeouts, volumes left unmounted. It
// says whether it reported anything.
func secretMountProblems(p *pass, w *workload, u *usage, obs []observation) bool {
	ns := w.Namespace
	reported := false
	if nodeObs := filterObs(obs, messages.NodeForbidden); len(nodeObs) > 0 {
		nodes := map[string]bool{}
		for _, o := range nodeObs {
			if o.Signal.Node != "" {
				nodes[o.Signal.Node] = true
			}
		}
		nodeList := make([]string, 0, len(nodes))
		for n := range nodes {
			nodeList = append(nodeList, n)
		}
		sort.Strings(nodeList)
		msg := fmt.Sprintf("the node authorizer refused the kubelet access to Secret %s/%s", ns, u.Secret)
		if len(nodeList) > 0 {
			msg += " on " + strings.Join(nodeList, ", ")
		}
		remedy := "Usually clears by itself; if it persists, delete the pod so it is rescheduled, and check that the node's kubelet runs with its own system:node:<name> credentials"
		if user, unknown := unknownNodeUser(nodeObs); unknown {
			// The authorizer could not tell which node the kubelet is: its
			// credentials are in group system:nodes without a system:node:<name>
			// user name. No race: every Secret of every pod there is refused.
			msg += fmt.Sprintf(": unknown node for user %q, so the kubelet's credentials are not a node identity (user system:node:<node name> in group system:nodes), and it is refused every Secret until they are; this is the kubelet's identity, not the pod's ServiceAccount", user)
			remedy = "Give the node's kubelet a client certificate for user system:node:<node name> in group system:nodes (kubeadm join, or approve its CSR: kubectl get csr), restart the kubelet, then delete the pod so it is retried"
		} else {
			msg += "; this is the kubelet's identity, not the pod's ServiceAccount, and usually a race at scheduling or after the Secret was recreated"
		}
		p.report(Finding{
			ID: NodeSecretForbidden, Namespace: ns, Object: w.ref(), Pods: podsOfObs(nodeObs), Secret: u.Secret,
			Reference: describeRefs(u.Refs), Message: msg, Evidence: obsEvidence(nodeObs),
			Remediation: remedy,
			Commands:    &Commands{Confirm: []string{fmt.Sprintf("kubectl get pod -n %s -o wide | grep %s", shellArg(ns), shellArg(w.Name))}},
		})
		reported = true
	}
	var mountObs []observation
	for _, cause := range []messages.Cause{messages.NoKubeClient, messages.SecretCacheSyncFailed, messages.ObjectNotRegistered, messages.MountTimeout} {
		mountObs = append(mountObs, filterObs(obs, cause)...)
	}
	if len(mountObs) > 0 {
		sortObs(mountObs)
		f := Finding{
			ID: SecretMountFailed, Namespace: ns, Object: w.ref(), Pods: podsOfObs(mountObs), Secret: u.Secret,
			Reference: describeRefs(u.Refs), Evidence: obsEvidence(mountObs),
			Message:     fmt.Sprintf("Secret %s/%s could not be mounted: %s", ns, u.Secret, mountCause(mountObs)),
			Remediation: "Check the kubelet and apiserver connectivity of the node; delete the pod to retry on a fresh kubelet cache",
			Commands:    &Commands{Confirm: []string{fmt.Sprintf("kubectl get events -n %s --field-selector reason=FailedMount", shellArg(ns))}},
		}
		// A transient cache timeout on a pod that runs is a warning at most.
		if !anyCurrent(mountObs) && podsRunSince(w, lastOf(mountObs)) {
			f.Severity = SeverityWarning
			f.Message += " (transient: the pods have run since)"
		}
		p.report(f)
		reported = true
	}
	return reported
}

// unknownNodeUser finds the node authorizer's "unknown node for user" reason:
// the user is in group system:nodes but is not named system:node:<node>.
func unknownNodeUser(obs []observation) (string, bool) {
	for _, o := range obs {
		for _, text := range []string{o.Signal.Detail, o.Text} {
			if _, rest, ok := strings.Cut(text, "unknown node for user "); ok {
				rest = strings.TrimLeft(rest, `"'`)
				if i := strings.IndexAny(rest, "\"' \n"); i >= 0 {
					rest = rest[:i]
				}
				return rest, true
			}
		}
	}
	return "", false
}

func mountCause(obs []observation) string {
	switch obs[0].Signal.Cause {
	case messages.SecretCacheSyncFailed:
		return "the kubelet timed out syncing its Secret cache"
	case messages.ObjectNotRegistered:
		return "the kubelet had not registered the Secret for the pod (a known kubelet race)"
	case messages.NoKubeClient:
		return "the kubelet has no API client for this pod (a static pod, or a standalone kubelet), and static pods cannot use Secrets"
	}
	return "the volume stayed unmounted until the kubelet gave up waiting"
}

// missingTypeKeys lists the keys a built-in Secret type requires and s lacks.
func missingTypeKeys(s *corev1.Secret) []string {
	if !redact.KeysKnown(s) {
		return nil
	}
	var missing []string
	need := func(keys ...string) {
		for _, k := range keys {
			if !hasKey(s, k) {
				missing = append(missing, k)
			}
		}
	}
	switch s.Type {
	case corev1.SecretTypeTLS:
		need(corev1.TLSCertKey, corev1.TLSPrivateKeyKey)
	case corev1.SecretTypeSSHAuth:
		need(corev1.SSHAuthPrivateKey)
	case corev1.SecretTypeBasicAuth:
		if !hasKey(s, corev1.BasicAuthUsernameKey) && !hasKey(s, corev1.BasicAuthPasswordKey) {
			missing = append(missing, corev1.BasicAuthUsernameKey+" or "+corev1.BasicAuthPasswordKey)
		}
	case corev1.SecretTypeDockerConfigJson:
		need(corev1.DockerConfigJsonKey)
	case corev1.SecretTypeDockercfg:
		need(corev1.DockerConfigKey)
	}
	return missing
}

func secretType(s *corev1.Secret) string {
	if s.Type == "" {
		return string(corev1.SecretTypeOpaque)
	}
	return string(s.Type)
}

func mountsAsVolume(u *usage) bool {
	for _, r := range u.Refs {
		if r.Path == refVolume || r.Path == refProjected {
			return true
		}
	}
	return len(u.Refs) == 0
}

func describeVolumes(refs []SecretRef) string {
	var names []string
	for _, r := range refs {
		if r.Volume != "" {
			names = append(names, r.Volume)
		}
	}
	return joinSorted(names)
}

func otherNamespaces(namespaces []string, ns string) []string {
	var out []string
	for _, n := range namespaces {
		if n != ns {
			out = append(out, n)
		}
	}
	return out
}

func requiredKeys(refs []SecretRef) []string {
	var keys []string
	for _, r := range refs {
		if r.Key != "" {
			keys = appendUnique(keys, r.Key)
		}
	}
	sort.Strings(keys)
	return keys
}

func describeRefs(refs []SecretRef) string {
	var parts []string
	for _, r := range refs {
		parts = appendUnique(parts, r.Describe())
	}
	return strings.Join(parts, ", ")
}

// describeObsRefs names references known only from events: the volumes they name.
func describeObsRefs(obs []observation) string {
	var parts []string
	for _, o := range obs {
		if o.Signal.Volume != "" {
			parts = appendUnique(parts, "volume "+o.Signal.Volume)
		}
	}
	sort.Strings(parts)
	return strings.Join(parts, ", ")
}

// specEvidence quotes where each reference is made: the workload's template
// when it holds it, else the pods that do (an ephemeral container added by
// kubectl debug, a pod of an older template, a workload whose template the
// dump lacks); never a spec that does not hold it.
func specEvidence(w *workload, refs []SecretRef) []string {
	var template []SecretRef
	if w.Template != nil {
		template = secretRefs(&w.Template.Spec)
	}
	var out []string
	for _, r := range refs {
		if containsRef(template, r) {
			out = appendUnique(out, fmt.Sprintf("%s %s/%s spec: %s", w.Kind, w.Namespace, w.Name, r.specPath()))
			continue
		}
		var pods []string
		for _, p := range w.Pods {
			if containsRef(secretRefs(&p.Spec), r) {
				pods = append(pods, p.Name)
			}
		}
		if len(pods) == 0 {
			continue
		}
		sort.Strings(pods)
		line := fmt.Sprintf("Pod %s/%s spec: %s", w.Namespace, pods[0], r.specPath())
		if len(pods) > 1 {
			line += fmt.Sprintf(" (and %d more %s)", len(pods)-1, plural(len(pods)-1, "pod", "pods"))
		}
		out = appendUnique(out, line)
	}
	return out
}

// forEphemeralOnly adjusts a finding whose references are all made by
// ephemeral containers (kubectl debug): they belong to the pod, not to the
// workload's template, and the pod's own containers run without them. Such
// a container cannot be changed or removed; it goes with its pod.
func forEphemeralOnly(w *workload, refs []SecretRef, f Finding) Finding {
	if len(refs) == 0 {
		return f
	}
	var containers []string
	for _, r := range refs {
		if r.ContainerKind != containerEphemeral {
			return f
		}
		containers = appendUnique(containers, r.Container)
	}
	pods := strings.Join(f.Pods, ", ")
	if pods == "" {
		pods = "its pod"
	}
	what := plural(len(containers), "ephemeral container ", "ephemeral containers ") + strings.Join(containers, ", ")
	if f.Severity == 0 || f.Severity == SeverityError {
		f.Severity = SeverityWarning
	}
	f.Message += fmt.Sprintf("; only %s of %s (added by kubectl debug) %s it: the pod's own containers run without it", what, pods, plural(len(containers), "needs", "need"))
	f.Remediation = fmt.Sprintf("Create the Secret (or key) in namespace %s if the debug session needs it; an ephemeral container cannot be changed or removed, so otherwise leave it (it goes away with the pod) or delete the pod. %s %s/%s itself needs no change", w.Namespace, w.Kind, w.Namespace, w.Name)
	return f
}

// containsRef tells whether refs make the very reference r.
func containsRef(refs []SecretRef, r SecretRef) bool {
	for _, o := range refs {
		if o.Path == r.Path && o.Container == r.Container && o.ContainerKind == r.ContainerKind && o.EnvVar == r.EnvVar &&
			o.Volume == r.Volume && o.Secret == r.Secret && o.Key == r.Key {
			return true
		}
	}
	return false
}

// filterObs keeps the observations of the given causes.
func filterObs(obs []observation, causes ...messages.Cause) []observation {
	var out []observation
	for _, o := range obs {
		for _, c := range causes {
			if o.Signal.Cause == c {
				out = append(out, o)
				break
			}
		}
	}
	return out
}

// secretMissingCauses are the signals that say a Secret or its key is absent.
var secretMissingCauses = []messages.Cause{messages.SecretNotFound, messages.SecretKeyNotFound, messages.VolumeKeyNotFound}

// obsEvidence quotes observations newest first, each text once. The same
// event on several pods (a Deployment's replicas all failing the same mount)
// is quoted once with the counts added up:
// Warning FailedMount (x24 on 2 pods, last 2026-11-20T10:04:00Z) kubelet: <message>
func obsEvidence(obs []observation) []string {
	type eventKey struct{ Type, Reason, Source, Message string }
	type merged struct {
		first   *observation
		count   int
		last    time.Time
		objects map[string]bool
	}
	groups := map[eventKey]*merged{}
	sorted := append([]observation(nil), obs...)
	sortObs(sorted)
	for i := range sorted {
		e := sorted[i].Event
		if e == nil {
			continue
		}
		k := eventKey{e.Type, e.Reason, e.Source, e.Message}
		g := groups[k]
		if g == nil {
			g = &merged{first: &sorted[i], objects: map[string]bool{}}
			groups[k] = g
		}
		if !g.objects[e.Object.Name+"\x00"+string(e.UID)] {
			g.objects[e.Object.Name+"\x00"+string(e.UID)] = true
			g.count += max(e.Count, 1)
		}
		if e.Last.After(g.last) {
			g.last = e.Last
		}
	}
	var out []string
	for i := range sorted {
		o := &sorted[i]
		if o.Event == nil {
			out = appendUnique(out, o.Evidence)
			continue
		}
		e := o.Event
		g := groups[eventKey{e.Type, e.Reason, e.Source, e.Message}]
		if g.first != o {
			continue
		}
		objects := map[string]bool{}
		for k := range g.objects {
			name, _, _ := strings.Cut(k, "\x00")
			objects[name] = true
		}
		if len(objects) <= 1 {
			out = appendUnique(out, e.evidence())
			continue
		}
		sum := *e
		sum.Count, sum.Last = g.count, g.last
		out = appendUnique(out, sum.evidenceOn(len(objects), strings.ToLower(e.Object.Kind)))
	}
	return out
}

func sortObs(obs []observation) {
	sort.SliceStable(obs, func(i, j int) bool {
		if obs[i].Current != obs[j].Current {
			return obs[i].Current
		}
		if !obs[i].Last.Equal(obs[j].Last) {
			return obs[i].Last.After(obs[j].Last)
		}
		return obs[i].Evidence < obs[j].Evidence
	})
}

func podsOfObs(obs []observation) []string {
	var pods []string
	for _, o := range obs {
		if o.Pod != "" {
			pods = append(pods, o.Pod)
		}
	}
	return unionSorted(nil, pods)
}

func lastOf(obs []observation) time.Time {
	var last time.Time
	for _, o := range obs {
		if o.Last.After(last) {
			last = o.Last
		}
	}
	return last
}

func anyCurrent(obs []observation) bool {
	for _, o := range obs {
		if o.Current {
			return true
		}
	}
	return false
}

// clearedAfter reports whether failures have cleared: none is the pods' present
// state, and every pod of the workload has been running since the last one.
func clearedAfter(w *workload, obs []observation) (bool, string) {
	if anyCurrent(obs) {
		return false, ""
	}
	last := lastOf(obs)
	if !podsRunSince(w, last) {
		return false, ""
	}
	return true, timeOrUnknown(last)
}

// podsRunSince reports whether the workload has pods and all of them are running
// with every container started at or after t.
func podsRunSince(w *workload, t time.Time) bool {
	if len(w.Pods) == 0 && w.Template == nil && len(w.EventPods) > 0 {
		// Known from events only: every pod they name started a container
		// after t (the kubelet's Started event).
		for _, started := range w.EventPods {
			if started.IsZero() || (!t.IsZero() && started.Before(t)) {
				return false
			}
		}
		return true
	}
	if len(w.Pods) == 0 {
		return false
	}
	for _, p := range w.Pods {
		if p.Status.Phase != corev1.PodRunning && p.Status.Phase != corev1.PodSucceeded {
			return false
		}
		for _, cs := range p.Status.ContainerStatuses {
			switch {
			case cs.State.Running != nil:
				if !t.IsZero() && cs.State.Running.StartedAt.Time.Before(t) {
					return false
				}
			case cs.State.Terminated != nil && cs.State.Terminated.ExitCode == 0:
			default:
				return false
			}
		}
	}
	return true
}

// createdText says when an object was created, as far as the dump knows.
func createdText(t time.Time) string {
	if t.IsZero() {
		return "creation time unknown"
	}
	return "created " + t.UTC().Format(time.RFC3339)
}

func timeOrUnknown(t time.Time) string {
	if t.IsZero() {
		return "an unknown time"
	}
	return t.UTC().Format(time.RFC3339)
}

// allOptional is true when a workload uses a Secret only through optional references.
func allOptional(refs []SecretRef) bool {
	for _, r := range refs {
		if !r.Optional {
			return false
		}
	}
	return len(refs) > 0
}

// refsWithKeys returns the references asking for one of the given keys.
func refsWithKeys(refs []SecretRef, obs []observation) []SecretRef {
	keys := map[string]bool{}
	for _, o := range obs {
		keys[o.Signal.Key] = true
	}
	var out []SecretRef
	for _, r := range refs {
		if r.Key != "" && keys[r.Key] {
			out = append(out, r)
		}
	}
	return out
}

// unusedSecrets are the Secret names a workload does not already use: the
// candidates for a "did you mean".
func unusedSecrets(w *workload, names []string) []string {
	used := map[string]bool{}
	for _, spec := range w.specs() {
		for _, r := range secretRefs(spec) {
			used[r.Secret] = true
		}
	}
	out := make([]string, 0, len(names))
	for _, n := range names {
		if !used[n] {
			out = append(out, n)
		}
	}
	return out
}
