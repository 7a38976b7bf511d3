package analyzer

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// producerKind is a custom resource kind that creates Secrets.
type producerKind struct {
	Kind      string
	Resources []schema.GroupVersionResource // served versions, newest first
	// target returns the name of the Secret an object produces.
	target func(u *unstructured.Unstructured) string
	// readyType is the condition that says the Secret is in place.
	readyType string
	// failureType is a condition that carries the failure when readyType only
	// says "not there yet" (cert-manager keeps Ready=False DoesNotExist while
	// Issuing=False Failed says why).
	failureType string
	// fix says where the repair is, for remediation.
	fix string
}

var producerKinds = []producerKind{
	{
		Kind: "ExternalSecret",
		Resources: []schema.GroupVersionResource{
			{Group: "external-secrets.io", Version: "v1", Resource: "externalsecrets"},
			{Group: "external-secrets.io", Version: "v1beta1", Resource: "externalsecrets"},
		},
		target: func(u *unstructured.Unstructured) string {
			if name, _, _ := unstructured.NestedString(u.Object, "spec", "target", "name"); name != "" {
				return name
			}
			return u.GetName()
		},
		readyType: "Ready",
		fix:       "fix the ExternalSecret's SecretStore (provider credentials, the remote key's path and name), then force a sync",
	},
	{
		Kind:      "SealedSecret",
		Resources: []schema.GroupVersionResource{{Group: "bitnami.com", Version: "v1alpha1", Resource: "sealedsecrets"}},
		target: func(u *unstructured.Unstructured) string {
			if name, _, _ := unstructured.NestedString(u.Object, "spec", "template", "metadata", "name"); name != "" {
				return name
			}
			return u.GetName()
		},
		readyType: "Synced",
		fix:       "re-seal the Secret with the controller's current public key (kubeseal --fetch-cert), or restore the sealing key the controller lost",
	},
	{
		Kind:      "Certificate",
		Resources: []schema.GroupVersionResource{{Group: "cert-manager.io", Version: "v1", Resource: "certificates"}},
		target: func(u *unstructured.Unstructured) string {
			name, _, _ := unstructured.NestedString(u.Object, "spec", "secretName")
			return name
		},
		readyType:   "Ready",
		failureType: "Issuing",
		fix:         "fix what the Certificate's conditions name (its Issuer or ClusterIssuer, the ACME order or challenge, DNS, rate limits)",
	},
}

// producer is one object that makes a Secret, and its state.
type producer struct {
	Kind, Namespace, Name string
	UID                   string
	Target                string
	// State is "ready", "failed" or "progressing".
	State     string
	Condition string // "Ready=False SecretSyncedError: could not get secret data from provider"
	Since     time.Time
	Fix       string
}

func (pr *producer) String() string { return pr.Kind + " " + pr.Namespace + "/" + pr.Name }

// producerIndex finds the producer of a Secret by namespace and name.
type producerIndex struct {
	byTarget map[nsName][]*producer
	warnings []string
}

// listProducers lists each producer kind once through the dynamic client; a
// resource the cluster (or dump) does not serve is simply absent.
func listProducers(ctx context.Context, c Cluster) *producerIndex {
	idx := &producerIndex{byTarget: map[nsName][]*producer{}}
	if c.Dynamic == nil {
		return idx
	}
	seen := map[string]bool{}
	for _, pk := range producerKinds {
		for _, gvr := range pk.Resources {
			list, err := c.Dynamic.Resource(gvr).Namespace(metav1.NamespaceAll).List(ctx, metav1.ListOptions{})
			if err != nil {
				if !apierrors.IsNotFound(err) && !apierrors.IsForbidden(err) {
					idx.warnings = append(idx.warnings, fmt.Sprintf("listing %s failed: %v", gvr.GroupResource(), err))
				}
				continue
			}
			for i := range list.Items {
				u := &list.Items[i]
				key := pk.Kind + "/" + u.GetNamespace() + "/" + u.GetName()
				if seen[key] {
					continue
				}
				seen[key] = true
				target := pk.target(u)
				if target == "" {
					continue
				}
				pr := &producer{Kind: pk.Kind, Namespace: u.GetNamespace(), Name: u.GetName(), UID: string(u.GetUID()), Target: target, Fix: pk.fix}
				pr.State, pr.Condition, pr.Since = conditionState(u, pk.readyType)
				if pr.State != "ready" && pk.failureType != "" {
					if state, text, since := conditionState(u, pk.failureType); state == "failed" {
						pr.State, pr.Condition, pr.Since = state, text, since
					} else if failed, _, _ := unstructured.NestedString(u.Object, "status", "lastFailureTime"); failed != "" {
						pr.State = "failed"
						pr.Condition += fmt.Sprintf("; last failed issuance at %s", failed)
					}
				}
				k := nsName{pr.Namespace, target}
				idx.byTarget[k] = append(idx.byTarget[k], pr)
			}
		}
	}
	for _, list := range idx.byTarget {
		sort.Slice(list, func(i, j int) bool { return list[i].String() < list[j].String() })
	}
	return idx
}

// conditionState reads a status condition of the conventional shape.
func conditionState(u *unstructured.Unstructured, condType string) (state, text string, since time.Time) {
	conds, _, _ := unstructured.NestedSlice(u.Object, "status", "conditions")
	for _, c := range conds {
		m, ok := c.(map[string]any)
		if !ok || m["type"] != condType {
			continue
		}
		status, _ := m["status"].(string)
		reason, _ := m["reason"].(string)
		message, _ := m["message"].(string)
		if ts, _ := m["lastTransitionTime"].(string); ts != "" {
			since, _ = time.Parse(time.RFC3339, ts)
		}
		text = strings.TrimSpace(fmt.Sprintf("%s=%s %s", condType, status, reason))
		if message != "" {
			text += ": " + oneLine(message)
		}
		switch {
		case status == "True":
			return "ready", text, since
		case status == "False" && isProgressReason(reason):
			return "progressing", text, since
		case status == "False":
			return "failed", text, since
		}
		return "progressing", text, since
	}
	return "progressing", "no " + condType + " condition yet", since
}

// isProgressReason recognises reasons that mean "not done yet" rather than "failed".
func isProgressReason(reason string) bool {
	switch reason {
	case "Issuing", "InProgress", "Pending", "Progressing", "DoesNotExist":
		return true
	}
	return false
}

// producerOf returns the producer of Secret namespace/name, if the cluster has one.
func (p *pass) producerOf(namespace, name string) *producer {
	p.shared.producersOnce.Do(func() {
		p.shared.producers = listProducers(p.ctx, p.cluster)
		p.shared.warn(p.shared.producers.warnings...)
	})
	list := p.shared.producers.byTarget[nsName{namespace, name}]
	if len(list) == 0 {
		return p.producerFromEvents(namespace, name)
	}
	// A failing producer explains more than a healthy one.
	for _, pr := range list {
		if pr.State == "failed" {
			return pr
		}
	}
	return list[0]
}

// producerEvents quotes the producer's own events, newest first.
func (p *pass) producerEvents(pr *producer) []string {
	var out []string
	for _, e := range p.idx.events.about(pr.Kind, pr.Namespace, pr.Name, "") {
		if e.Type == "Normal" && len(out) > 0 {
			continue
		}
		out = append(out, fmt.Sprintf("%s %s: %s", pr.Kind, pr.Name, e.evidence()))
		if len(out) >= 5 {
			break
		}
	}
	return out
}

// reportProducer reports a missing Secret through the object that should make
// it: failed or progressing is secret-source-not-ready; Ready means the Secret
// was deleted after its last sync (or appeared after the dump). It says
// whether it reported anything.
func (p *pass) reportProducer(w *workload, u *usage, pr *producer, obs []observation, uncoveredWhy string) bool {
	ns := w.Namespace
	notFound := filterObs(obs, secretMissingCauses...)
	evidence := append([]string{fmt.Sprintf("%s produces Secret %s (%s)", pr, pr.Target, pr.Condition)}, p.producerEvents(pr)...)
	evidence = append(evidence, specEvidence(w, u.Refs)...)
	evidence = append(evidence, obsEvidence(notFound)...)
	base := Finding{Namespace: ns, Object: w.ref(), Pods: unionSorted(u.podsOf(u.Refs), podsOfObs(notFound)), Secret: u.Secret, Reference: describeRefs(u.Refs), Evidence: evidence}
	confirm := []string{
		fmt.Sprintf("kubectl get %s %s -n %s -o jsonpath='{.status.conditions}'", strings.ToLower(pr.Kind), pr.Name, ns),
		fmt.Sprintf("kubectl describe %s %s -n %s", strings.ToLower(pr.Kind), pr.Name, ns),
	}
	switch pr.State {
	case "failed":
		f := base
		f.ID = SecretSourceNotReady
		f.Message = fmt.Sprintf("Secret %s/%s is missing because %s is not ready (%s)", ns, u.Secret, pr, clipWords(pr.Condition, 220))
		f.Remediation = fmt.Sprintf("Do not create the Secret by hand: %s", pr.Fix)
		f.Commands = &Commands{Confirm: confirm, Fix: producerFix(pr)}
		p.report(f)
		return true
	case "progressing":
		f := base
		f.ID = SecretSourceNotReady
		f.Severity = SeverityWarning
		f.Message = fmt.Sprintf("Secret %s/%s does not exist yet: %s is still progressing (%s)", ns, u.Secret, pr, clipWords(pr.Condition, 220))
		f.Remediation = fmt.Sprintf("Wait for %s to become Ready; if it stays so, %s", pr, pr.Fix)
		f.Commands = &Commands{Confirm: confirm}
		p.report(f)
		return true
	}
	// Ready: the producer believes the Secret is in place.
	if uncoveredWhy != "" {
		if len(notFound) == 0 {
			return true
		}
		if !pr.Since.IsZero() && pr.Since.After(lastOf(notFound)) && !anyCurrent(notFound) {
			f := base
			f.ID = SecretCreatedAfterFailure
			f.Message = fmt.Sprintf("%s became Ready at %s, after the last failure at %s: Secret %s/%s was probably created then", pr, timeOrUnknown(pr.Since), timeOrUnknown(lastOf(notFound)), ns, u.Secret)
			f.Remediation = "Nothing to do if the pods stay healthy"
			f.Commands = &Commands{Confirm: append([]string{fmt.Sprintf("kubectl get secret %s -n %s", u.Secret, ns)}, confirm...)}
			p.report(f)
			return true
		}
	}
	f := base
	f.ID = SecretNotFound
	f.Message = fmt.Sprintf("Secret %s/%s does not exist although %s reports Ready (%s): it was probably deleted after the last sync", ns, u.Secret, pr, pr.Condition)
	f.Remediation = fmt.Sprintf("Make %s sync again rather than creating the Secret by hand", pr)
	f.Commands = &Commands{Confirm: confirm, Fix: producerFix(pr)}
	p.report(f)
	return true
}

// producerFix gives the command that makes a producer try again.
func producerFix(pr *producer) []string {
	switch pr.Kind {
	case "ExternalSecret":
		return []string{fmt.Sprintf("kubectl annotate externalsecret %s -n %s force-sync=$(date +%%s) --overwrite", pr.Name, pr.Namespace)}
	case "Certificate":
		return []string{fmt.Sprintf("cmctl renew %s -n %s", pr.Name, pr.Namespace)}
	case "SealedSecret":
		return []string{fmt.Sprintf("kubeseal --fetch-cert > cert.pem && kubeseal --cert cert.pem -o yaml < secret.yaml > sealed-%s.yaml && kubectl apply -f sealed-%s.yaml", pr.Name, pr.Name)}
	}
	return nil
}

// producerFromEvents finds a producer the dump holds no object of (a
// cluster-info dump has no custom resources) from its own events: an
// ExternalSecret, SealedSecret or Certificate named like the missing Secret
// that reported warnings.
func (p *pass) producerFromEvents(namespace, name string) *producer {
	for _, pk := range producerKinds {
		events := p.idx.events.about(pk.Kind, namespace, name, "")
		if len(events) == 0 {
			continue
		}
		pr := &producer{Kind: pk.Kind, Namespace: namespace, Name: name, Target: name, Fix: pk.fix, State: "progressing",
			Condition: fmt.Sprintf("known from its events only: the dump holds no %s objects", pk.Kind)}
		for _, e := range events {
			if e.Type == "Warning" {
				pr.State = "failed"
				pr.Condition = fmt.Sprintf("%s: %s (from its events; the dump holds no %s objects)", e.Reason, clip(oneLine(e.Message), 160), pk.Kind)
				pr.Since = e.Last
				break
			}
		}
		return pr
	}
	return nil
}
