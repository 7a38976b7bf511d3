package analyzer

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/secretscan/secretscan/analyzer/messages"
)

var serviceAccountCheck = &Check{
	Name: "service-account-and-admission",
	Doc: `Finds workloads whose pods are refused at creation: a ServiceAccount that does
not exist (from the controllers' FailedCreate events and ReplicaFailure
conditions, or from the spec where the dump holds ServiceAccounts), and
admission webhooks or policies that deny the pods.`,
	IDs: []ID{ServiceAccountNotFound, AdmissionDenied},
	Run: runServiceAccounts,
}

func runServiceAccounts(p *pass) {
	for _, w := range p.workloads.list {
		obs := p.observations[w]
		hasSpec := w.Template != nil || len(w.Pods) > 0
		specSA := w.serviceAccount()
		// The spec's ServiceAccount, and each one the apiserver refused pods
		// for: an older revision's may differ from the spec's.
		var names []string
		if hasSpec {
			names = append(names, specSA)
		}
		refused := map[string][]observation{}
		for _, o := range filterObs(obs, messages.ServiceAccountNotFound) {
			name := o.Signal.ServiceAccount
			if name == "" {
				name = specSA
			}
			refused[name] = append(refused[name], o)
			names = appendUnique(names, name)
		}
		for _, sa := range names {
			checkServiceAccount(p, w, sa, refused[sa], hasSpec && sa == specSA)
		}

		denied := filterObs(obs, messages.AdmissionDenied, messages.MountableSecretDenied, messages.ServiceAccountTokenMissing)
		if len(denied) == 0 {
			continue
		}
		sortObs(denied)
		by := "an admission policy"
		if wh := denied[0].Signal.Webhook; wh != "" {
			by = "admission webhook " + wh
		}
		secret := ""
		if denied[0].Signal.Cause == messages.MountableSecretDenied {
			by = "the ServiceAccount admission plugin (kubernetes.io/enforce-mountable-secrets)"
			secret = denied[0].Signal.Secret
		}
		detail := admissionDetail(denied[0])
		msg := fmt.Sprintf("%s refuses the pods of %s %s/%s", by, w.Kind, w.Namespace, w.Name)
		callFailed := webhookCallFailed(denied[0])
		switch {
		case callFailed:
			msg = fmt.Sprintf("the apiserver could not call %s, so it refused the pods of %s %s/%s (the webhook's failurePolicy is Fail): %s", by, w.Kind, w.Namespace, w.Name, webhookCallDetail(denied[0]))
		case denied[0].Signal.Cause == messages.MountableSecretDenied:
			msg += fmt.Sprintf(": ServiceAccount %s/%s does not list Secret %s among its %s, and it enforces that", w.Namespace, w.serviceAccount(), secret, mountableList(denied[0].Signal))
		case denied[0].Signal.Cause == messages.ServiceAccountTokenMissing:
			msg = fmt.Sprintf("the ServiceAccount admission plugin refuses the pods of %s %s/%s until the token controller has created ServiceAccount %s's token Secret (clusters before 1.24); if it persists, the token controller is not running", w.Kind, w.Namespace, w.Name, w.serviceAccount())
		default:
			if detail != "" {
				msg += ": " + detail
			}
		}
		f := Finding{
			ID: AdmissionDenied, Namespace: w.Namespace, Object: w.ref(), Pods: w.podNames(), Secret: secret,
			Reference: "pod creation", Message: msg, Evidence: obsEvidence(denied),
			Remediation: admissionRemedy(denied[0].Signal, w),
			Commands: &Commands{Confirm: []string{
				fmt.Sprintf("kubectl get events -n %s --field-selector reason=FailedCreate", shellArg(w.Namespace)),
				"kubectl get validatingwebhookconfigurations,validatingadmissionpolicies",
			}},
		}
		if callFailed {
			f.Remediation = webhookCallRemedy(denied[0], w)
			f.Commands.Confirm = []string{
				fmt.Sprintf("kubectl get events -n %s --field-selector reason=FailedCreate", shellArg(w.Namespace)),
				"kubectl get validatingwebhookconfigurations,mutatingwebhookconfigurations -o custom-columns=NAME:.metadata.name,WEBHOOKS:.webhooks[*].name,FAILUREPOLICY:.webhooks[*].failurePolicy",
			}
			if svc, ns, ok := webhookService(denied[0].Text); ok {
				f.Commands.Confirm = append(f.Commands.Confirm, fmt.Sprintf("kubectl get endpoints %s -n %s", shellArg(svc), shellArg(ns)))
			}
		}
		// Pods created and running since the last refusal: whatever refused
		// them has stopped (a webhook back up, a policy changed).
		if !anyCurrent(denied) && podsRunSince(w, lastOf(denied)) {
			f.Severity = SeverityWarning
			f.Message += fmt.Sprintf(" (transient: the refusals end at %s and the pods have been created and run since)", timeOrUnknown(lastOf(denied)))
		}
		p.report(f)
	}
}

// webhookCallFailed tells a webhook the apiserver could not reach ("failed
// calling webhook": down, no endpoints, a timeout, a bad certificate) from a
// webhook that answered and denied.
func webhookCallFailed(o observation) bool {
	return strings.Contains(strings.ToLower(o.Text+" "+o.Signal.Detail), "failed calling webhook")
}

// webhookCallDetail is why the call failed: the text after "failed to call
// webhook: " (the request and its network or TLS error).
func webhookCallDetail(o observation) string {
	text := oneLine(o.Text)
	for _, marker := range []string{"failed to call webhook: ", "failed calling webhook "} {
		if i := strings.Index(strings.ToLower(text), marker); i >= 0 {
			if marker == "failed to call webhook: " {
				i += len(marker)
			}
			return clipWords(text[i:], 300)
		}
	}
	return admissionDetail(o)
}

// webhookServiceURL is the in-cluster Service a webhook call was posted to.
var webhookServiceURL = regexp.MustCompile(`https://([a-z0-9]([-a-z0-9]*[a-z0-9])?)\.([a-z0-9]([-a-z0-9]*[a-z0-9])?)\.svc[.:/]`)

// webhookService returns the Service and namespace a failed webhook call went to.
func webhookService(text string) (service, namespace string, ok bool) {
	m := webhookServiceURL.FindStringSubmatch(text)
	if m == nil {
		return "", "", false
	}
	return m[1], m[3], true
}

// webhookCallRemedy: an unreachable webhook is fixed at the webhook, not in
// the workload it refused.
func webhookCallRemedy(o observation, w *workload) string {
	target := "its Service"
	if svc, ns, ok := webhookService(o.Text); ok {
		target = fmt.Sprintf("Service %s/%s", ns, svc)
	}
	return fmt.Sprintf("Bring webhook %s back (%s must have ready endpoints, and its certificate must be valid), or set its failurePolicy to Ignore or narrow its rules if pods may be created without it; %s %s/%s itself needs no change", o.Signal.Webhook, target, w.Kind, w.Namespace, w.Name)
}

// checkServiceAccount reports a ServiceAccount of the workload that does not
// exist: the one its spec names (inSpec), or one the apiserver refused pods
// for (saObs).
func checkServiceAccount(p *pass, w *workload, sa string, saObs []observation, inSpec bool) {
	_, exists := p.idx.serviceAccounts[nsName{w.Namespace, sa}]
	covered, why := p.covers("ServiceAccount", w.Namespace, sa)
	if !covered && len(saObs) == 0 && inSpec {
		p.noteGap("ServiceAccount", why, w)
	}
	if exists || !(len(saObs) > 0 || (covered && inSpec)) {
		return
	}
	held := inSpec
	for _, pod := range w.Pods {
		held = held || specServiceAccount(&pod.Spec) == sa
	}
	msg := fmt.Sprintf("ServiceAccount %s/%s does not exist", w.Namespace, sa)
	source := ""
	if !covered {
		source = fmt.Sprintf(" (from events: %s)", why)
	}
	f := Finding{
		ID: ServiceAccountNotFound, Namespace: w.Namespace, Object: w.ref(), Pods: w.podNames(),
		Reference:   "serviceAccountName " + sa,
		Remediation: fmt.Sprintf("Create ServiceAccount %s in namespace %s, or fix serviceAccountName in %s %s/%s", sa, w.Namespace, w.Kind, w.Namespace, w.Name),
	}
	if commandSafe(sa) {
		f.Commands = &Commands{
			Confirm: []string{fmt.Sprintf("kubectl get serviceaccount %s -n %s", shellArg(sa), shellArg(w.Namespace))},
			Fix:     []string{fmt.Sprintf("kubectl create serviceaccount %s -n %s", shellArg(sa), shellArg(w.Namespace))},
		}
	}
	if revs := revisionsOf(w, saObs); !held && len(saObs) > 0 && len(revs) > 0 && allSuperseded(w, saObs) {
		// Only replaced revisions ran as it: the events are history.
		for _, r := range revs {
			if r.Template != nil && specServiceAccount(&r.Template.Spec) == sa {
				f.Evidence = append(f.Evidence, revisionSpecLine(w, r, "serviceAccountName: "+sa))
			}
		}
		f.Evidence = append(f.Evidence, obsEvidence(saObs)...)
		f.Evidence = append(f.Evidence, currentSpecLine(w, "serviceAccountName: "+w.serviceAccount()))
		f.Pods = nil
		f.Message = fmt.Sprintf("%s%s, but only %s ran as it: %s runs as %s instead, so no pod needs it", msg, source, revisionsText(revs), currentRevisionText(w), w.serviceAccount())
		p.report(supersededFinding(w, revs, f))
		return
	}
	// Quote the spec that names it: the workload's, else an older revision's
	// or a pod's; never one that names another.
	if inSpec {
		f.Evidence = append(f.Evidence, fmt.Sprintf("%s %s/%s spec: serviceAccountName: %s", w.Kind, w.Namespace, w.Name, sa))
	} else {
		for i := range w.Revisions {
			if r := &w.Revisions[i]; r.Template != nil && specServiceAccount(&r.Template.Spec) == sa {
				f.Evidence = append(f.Evidence, revisionSpecLine(w, r, "serviceAccountName: "+sa))
			}
		}
		for _, pod := range w.Pods {
			if specServiceAccount(&pod.Spec) == sa {
				f.Evidence = append(f.Evidence, fmt.Sprintf("Pod %s/%s spec: serviceAccountName: %s", w.Namespace, pod.Name, sa))
			}
		}
		if w.Template != nil {
			f.Remediation = fmt.Sprintf("Create ServiceAccount %s in namespace %s; the current template of %s %s/%s names %s, so only pods made from an earlier spec are refused for it", sa, w.Namespace, w.Kind, w.Namespace, w.Name, w.serviceAccount())
		}
	}
	f.Evidence = append(f.Evidence, obsEvidence(saObs)...)
	switch {
	case len(saObs) > 0 && len(w.Pods) == 0:
		msg += ": the apiserver refuses every pod of the workload"
	case len(saObs) > 0:
		msg += ": the apiserver refuses new pods of the workload"
	default:
		msg += ": new pods of the workload will be refused at admission"
	}
	f.Message = msg + source
	p.report(f)
}

// mountableList is the ServiceAccount list the mountable-secrets check read:
// imagePullSecrets for a pull Secret, secrets for volumes and env.
func mountableList(sig messages.Signal) string {
	if len(sig.PullSecrets) > 0 || sig.Detail == "imagePullSecret" {
		return "imagePullSecrets"
	}
	return "secrets"
}

// allSuperseded tells whether every observation comes from a superseded revision.
func allSuperseded(w *workload, obs []observation) bool {
	for _, o := range obs {
		if supersededRevision(w, o) == nil {
			return false
		}
	}
	return len(obs) > 0
}

func admissionRemedy(sig messages.Signal, w *workload) string {
	switch {
	case sig.Cause == messages.ServiceAccountTokenMissing:
		return fmt.Sprintf("Usually clears within seconds once the token controller creates the token Secret; if it does not, check that kube-controller-manager runs with its service-account private key, then recreate the pods of %s %s/%s", w.Kind, w.Namespace, w.Name)
	case sig.Cause == messages.MountableSecretDenied:
		return fmt.Sprintf("List the Secret under the ServiceAccount's %s, or remove the kubernetes.io/enforce-mountable-secrets annotation from ServiceAccount %s/%s", mountableList(sig), w.Namespace, w.serviceAccount())
	case sig.Webhook != "":
		return fmt.Sprintf("Change %s %s/%s to satisfy webhook %s, or ask its owners for an exception", w.Kind, w.Namespace, w.Name, sig.Webhook)
	case strings.Contains(strings.ToLower(sig.Detail), "podsecurity"):
		return fmt.Sprintf("Make the pod template of %s %s/%s meet the namespace's Pod Security level, or relabel the namespace", w.Kind, w.Namespace, w.Name)
	}
	return fmt.Sprintf("Change %s %s/%s to satisfy the policy named in the evidence", w.Kind, w.Namespace, w.Name)
}

// admissionDetail is what the denial says, from the full message rather than
// the classifier's short detail: the policy and its rule are what a reader
// needs. Multi-line webhook texts (Kyverno lists each policy on a line) are
// folded onto one.
func admissionDetail(o observation) string {
	text := o.Text
	if text == "" {
		text = o.Signal.Detail
	}
	for _, marker := range []string{"denied the request: ", "is forbidden: "} {
		if i := strings.Index(text, marker); i >= 0 {
			text = text[i+len(marker):]
			break
		}
	}
	return clipWords(oneLine(text), 300)
}
