package analyzer

import (
	"fmt"
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
		saObs := filterObs(obs, messages.ServiceAccountNotFound)
		sa := w.serviceAccount()
		for _, o := range saObs {
			if o.Signal.ServiceAccount != "" {
				sa = o.Signal.ServiceAccount
				break
			}
		}
		_, exists := p.idx.serviceAccounts[nsName{w.Namespace, sa}]
		covered, why := p.covers("ServiceAccount", w.Namespace, sa)
		specMissing := covered && !exists && (w.Template != nil || len(w.Pods) > 0)
		if !covered && len(saObs) == 0 && (w.Template != nil || len(w.Pods) > 0) {
			p.noteGap("ServiceAccount", why, w)
		}
		if specMissing || (len(saObs) > 0 && !exists) {
			var evidence []string
			if w.Template != nil || len(w.Pods) > 0 {
				evidence = append(evidence, fmt.Sprintf("%s %s/%s spec: serviceAccountName: %s", w.Kind, w.Namespace, w.Name, sa))
			}
			evidence = append(evidence, obsEvidence(saObs)...)
			msg := fmt.Sprintf("ServiceAccount %s/%s does not exist", w.Namespace, sa)
			switch {
			case len(saObs) > 0 && len(w.Pods) == 0:
				msg += ": the apiserver refuses every pod of the workload"
			case len(saObs) > 0:
				msg += ": the apiserver refuses new pods of the workload"
			default:
				msg += ": new pods of the workload will be refused at admission"
			}
			if !covered {
				msg += fmt.Sprintf(" (from events: %s)", why)
			}
			f := Finding{
				ID: ServiceAccountNotFound, Namespace: w.Namespace, Object: w.ref(), Pods: w.podNames(),
				Reference: "serviceAccountName " + sa, Message: msg, Evidence: evidence,
				Remediation: fmt.Sprintf("Create ServiceAccount %s in namespace %s, or fix serviceAccountName in %s %s/%s", sa, w.Namespace, w.Kind, w.Namespace, w.Name),
			}
			if commandSafe(sa) {
				f.Commands = &Commands{
					Confirm: []string{fmt.Sprintf("kubectl get serviceaccount %s -n %s", shellArg(sa), shellArg(w.Namespace))},
					Fix:     []string{fmt.Sprintf("kubectl create serviceaccount %s -n %s", shellArg(sa), shellArg(w.Namespace))},
				}
			}
			p.report(f)
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
		switch denied[0].Signal.Cause {
		case messages.MountableSecretDenied:
			msg += fmt.Sprintf(": ServiceAccount %s/%s does not list Secret %s among its secrets, and it enforces that", w.Namespace, w.serviceAccount(), secret)
		case messages.ServiceAccountTokenMissing:
			msg = fmt.Sprintf("the ServiceAccount admission plugin refuses the pods of %s %s/%s until the token controller has created ServiceAccount %s's token Secret (clusters before 1.24); if it persists, the token controller is not running", w.Kind, w.Namespace, w.Name, w.serviceAccount())
		default:
			if detail != "" {
				msg += ": " + detail
			}
		}
		p.report(Finding{
			ID: AdmissionDenied, Namespace: w.Namespace, Object: w.ref(), Pods: w.podNames(), Secret: secret,
			Reference: "pod creation", Message: msg, Evidence: obsEvidence(denied),
			Remediation: admissionRemedy(denied[0].Signal, w),
			Commands: &Commands{Confirm: []string{
				fmt.Sprintf("kubectl get events -n %s --field-selector reason=FailedCreate", shellArg(w.Namespace)),
				"kubectl get validatingwebhookconfigurations,validatingadmissionpolicies",
			}},
		})
	}
}

func admissionRemedy(sig messages.Signal, w *workload) string {
	switch {
	case sig.Cause == messages.ServiceAccountTokenMissing:
		return fmt.Sprintf("Usually clears within seconds once the token controller creates the token Secret; if it does not, check that kube-controller-manager runs with its service-account private key, then recreate the pods of %s %s/%s", w.Kind, w.Namespace, w.Name)
	case sig.Cause == messages.MountableSecretDenied:
		return fmt.Sprintf("List the Secret under the ServiceAccount's secrets (or imagePullSecrets), or remove the kubernetes.io/enforce-mountable-secrets annotation from ServiceAccount %s/%s", w.Namespace, w.serviceAccount())
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
