package analyzer

import (
	"fmt"
	"sort"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/secretscan/secretscan/analyzer/messages"
)

var csiCheck = &Check{
	Name: "secrets-store-csi",
	Doc: `Explains Secrets Store CSI volumes that fail to mount: a SecretProviderClass
that does not exist (cross-checked with the dump's SecretProviderClasses), a
provider or driver not installed on the node, or the provider's own error.`,
	IDs: []ID{CSISecretMountFailed},
	Run: runCSI,
}

const secretsStoreDriver = "secrets-store.csi.k8s.io"

var secretProviderClassResources = []schema.GroupVersionResource{
	{Group: "secrets-store.csi.x-k8s.io", Version: "v1", Resource: "secretproviderclasses"},
	{Group: "secrets-store.csi.x-k8s.io", Version: "v1alpha1", Resource: "secretproviderclasses"},
}

// providerClasses lists the SecretProviderClasses: their providers by
// namespace/name, and whether the source held the kind at all.
func providerClasses(p *pass) (map[nsName]string, bool) {
	classes := map[nsName]string{}
	held := false
	if p.cluster.Dynamic == nil {
		return classes, false
	}
	for _, gvr := range secretProviderClassResources {
		list, err := p.cluster.Dynamic.Resource(gvr).Namespace(metav1.NamespaceAll).List(p.ctx, metav1.ListOptions{})
		if err != nil {
			if !apierrors.IsNotFound(err) {
				p.shared.warn(fmt.Sprintf("listing %s failed: %v", gvr.GroupResource(), err))
			}
			continue
		}
		for _, u := range list.Items {
			held = true
			provider, _, _ := unstructured.NestedString(u.Object, "spec", "provider")
			classes[nsName{u.GetNamespace(), u.GetName()}] = provider
		}
	}
	return classes, held
}

// csiVolume is a Secrets Store CSI volume of a workload. InSpec is false for
// a volume known only from events (the dump holds no spec that shows it).
type csiVolume struct {
	Name, Class string
	InSpec      bool
}

func csiVolumes(w *workload) []csiVolume {
	seen := map[string]bool{}
	var out []csiVolume
	for _, spec := range w.specs() {
		for _, v := range spec.Volumes {
			if v.CSI == nil || v.CSI.Driver != secretsStoreDriver || seen[v.Name] {
				continue
			}
			seen[v.Name] = true
			out = append(out, csiVolume{Name: v.Name, Class: v.CSI.VolumeAttributes["secretProviderClass"], InSpec: true})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// secretsStoreObs drops "driver name X not found in the list of registered
// CSI drivers" for any driver but the Secrets Store one: that wording is
// shared by every CSI driver (EBS, EFS, ...), the other CSI causes are the
// Secrets Store driver's own.
func secretsStoreObs(obs []observation) []observation {
	out := obs[:0:0]
	for _, o := range obs {
		if o.Signal.Cause == messages.CSIDriverNotRegistered && o.Signal.Driver != secretsStoreDriver {
			continue
		}
		out = append(out, o)
	}
	return out
}

// otherVolumes names the volumes of the workload's specs that are not Secrets
// Store CSI volumes.
func otherVolumes(w *workload) map[string]bool {
	names := map[string]bool{}
	for _, spec := range w.specs() {
		for _, v := range spec.Volumes {
			if v.CSI == nil || v.CSI.Driver != secretsStoreDriver {
				names[v.Name] = true
			}
		}
	}
	return names
}

var csiCauses = []messages.Cause{messages.CSIClassNotFound, messages.CSIClassNotSet, messages.CSIProviderNotFound,
	messages.CSIDriverNotRegistered, messages.CSIProviderError, messages.CSISecretSyncFailed}

func runCSI(p *pass) {
	var classes map[nsName]string
	var held, listed bool
	for _, w := range p.workloads.list {
		vols := csiVolumes(w)
		obs := secretsStoreObs(filterObs(p.observations[w], csiCauses...))
		if len(vols) == 0 && len(obs) == 0 {
			continue
		}
		if !listed {
			p.shared.classesOnce.Do(func() {
				p.shared.classes, p.shared.classesHeld = providerClasses(p)
			})
			classes, held = p.shared.classes, p.shared.classesHeld
			listed = true
		}
		byVolume := map[string][]observation{}
		for _, o := range obs {
			byVolume[o.Signal.Volume] = append(byVolume[o.Signal.Volume], o)
		}
		for _, v := range vols {
			reportCSIVolume(p, w, v, byVolume[v.Name], classes, held)
			delete(byVolume, v.Name)
		}
		// Failures naming a volume the dump's specs do not show as a Secrets
		// Store volume: reported only when the workload's spec is not in the
		// dump at all (a volume the spec shows otherwise, a PVC or another
		// driver's, is not this check's business).
		other := otherVolumes(w)
		for _, name := range sortedKeys(byVolume) {
			if other[name] {
				continue
			}
			class := ""
			for _, o := range byVolume[name] {
				if o.Signal.Class != "" {
					class = o.Signal.Class
				}
			}
			reportCSIVolume(p, w, csiVolume{Name: name, Class: class}, byVolume[name], classes, held)
		}
	}
}

func reportCSIVolume(p *pass, w *workload, v csiVolume, obs []observation, classes map[nsName]string, held bool) {
	ns := w.Namespace
	provider, classExists := classes[nsName{ns, v.Class}]
	specMissing := held && v.Class != "" && !classExists
	if !held && v.Class != "" {
		p.noteGap("SecretProviderClass", "the dump holds no SecretProviderClasses", w)
	}
	if len(obs) == 0 && !specMissing && v.Class != "" {
		return
	}
	sortObs(obs)
	var cause messages.Signal
	if len(obs) > 0 {
		cause = obs[0].Signal
		if cause.Provider != "" {
			provider = cause.Provider
		}
	}
	ref := fmt.Sprintf("volume %s", v.Name)
	if v.Class != "" {
		ref += fmt.Sprintf(" (SecretProviderClass %s)", v.Class)
	}
	var evidence []string
	if v.InSpec {
		evidence = append(evidence, fmt.Sprintf("%s %s/%s spec: volumes[%s].csi{driver: %s, volumeAttributes.secretProviderClass: %s}", w.Kind, ns, w.Name, v.Name, secretsStoreDriver, dash(v.Class)))
	}
	evidence = append(evidence, obsEvidence(obs)...)
	var msg, fix string
	var confirm []string
	if commandSafe(v.Class) {
		confirm = append(confirm, fmt.Sprintf("kubectl get secretproviderclass %s -n %s -o yaml", shellArg(dash(v.Class)), shellArg(ns)))
	}
	switch {
	case (v.InSpec && v.Class == "") || cause.Cause == messages.CSIClassNotSet:
		msg = fmt.Sprintf("CSI volume %s sets no secretProviderClass attribute", v.Name)
		fix = fmt.Sprintf("Set volumeAttributes.secretProviderClass on volume %s of %s %s/%s", v.Name, w.Kind, ns, w.Name)
	case specMissing || cause.Cause == messages.CSIClassNotFound:
		msg = fmt.Sprintf("SecretProviderClass %s/%s, used by volume %s, does not exist", ns, v.Class, v.Name)
		if held {
			var others []string
			for k := range classes {
				if k.Namespace == ns {
					others = append(others, k.Name)
				}
			}
			if guess, ok := closest(v.Class, others); ok {
				msg += fmt.Sprintf("; did you mean %s?", guess)
			}
			for k := range classes {
				if k.Name == v.Class && k.Namespace != ns {
					msg += fmt.Sprintf(" (one exists in namespace %s; a SecretProviderClass must be in the pod's namespace)", k.Namespace)
					break
				}
			}
		}
		fix = fmt.Sprintf("Create SecretProviderClass %s in namespace %s, or fix the name in volume %s", v.Class, ns, v.Name)
	case cause.Cause == messages.CSIProviderNotFound:
		msg = fmt.Sprintf("the Secrets Store CSI provider %q is not installed on the node, so volume %s cannot mount", provider, v.Name)
		fix = fmt.Sprintf("Install the %s provider's DaemonSet on every node that runs these pods", dash(provider))
		if lineSafe(provider) {
			confirm = append(confirm, "kubectl get pods -A -l "+shellArg("app=csi-secrets-store-provider-"+provider))
		}
	case cause.Cause == messages.CSIDriverNotRegistered:
		msg = fmt.Sprintf("the Secrets Store CSI driver (%s) is not registered on the node, so volume %s cannot mount", secretsStoreDriver, v.Name)
		fix = "Install or repair the secrets-store-csi-driver DaemonSet on the node"
		confirm = append(confirm, "kubectl get csidriver "+secretsStoreDriver, "kubectl get pods -A -l app=secrets-store-csi-driver")
	case cause.Cause == messages.CSISecretSyncFailed:
		msg = fmt.Sprintf("the CSI driver mounted volume %s but could not sync it into a Kubernetes Secret", v.Name)
		fix = fmt.Sprintf("Check secretObjects of SecretProviderClass %s/%s against the objects the provider returns", ns, v.Class)
	default:
		msg = fmt.Sprintf("the Secrets Store CSI provider %s failed to mount volume %s", dash(provider), v.Name)
		if cause.Detail != "" {
			msg += ": " + cause.Detail
		}
		fix = fmt.Sprintf("Fix what the provider reports (its identity's access to the vault, object names in SecretProviderClass %s/%s)", ns, v.Class)
	}
	if provider != "" && !strings.Contains(msg, provider) {
		msg += fmt.Sprintf(" (provider %s)", provider)
	}
	f := Finding{
		ID: CSISecretMountFailed, Namespace: ns, Object: w.ref(), Pods: unionSorted(podsOfObs(obs), w.podNames()),
		Reference: ref, Message: msg, Evidence: evidence, Remediation: fix,
	}
	if len(confirm) > 0 {
		f.Commands = &Commands{Confirm: confirm}
	}
	p.report(f)
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
