package analyzer

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
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
	// keyFix says where a key the Secret lacks has to be added.
	keyFix string
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
		keyFix:    "add it to the ExternalSecret's spec.data (or to the remote secret its dataFrom reads), then force a sync",
	},
	{
		Kind:      "SealedSecret",
		Resources: []schema.GroupVersionResource{{Group: "bitnami.com", Version: "v1alpha1", Resource: "sealedsecrets"}},
		// The controller names the Secret after the SealedSecret whatever the
		// template says (Unseal: secret.SetName(smeta.GetName())).
		target:    func(u *unstructured.Unstructured) string { return u.GetName() },
		readyType: "Synced",
		fix:       "re-seal the Secret with the controller's current public key (kubeseal --fetch-cert), or restore the sealing key the controller lost",
		keyFix:    "seal a Secret that holds it (kubeseal --merge-into the SealedSecret's file) and apply the result",
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
		keyFix:      "cert-manager writes only tls.crt, tls.key and, when the issuer returns one, ca.crt (plus spec.additionalOutputFormats): read one of those",
	},
}

// certificateRequests are where cert-manager says why an issuance waits: a
// Certificate stays Ready=False DoesNotExist, Issuing=True while its
// CertificateRequest is Pending on an Issuer that does not exist.
var certificateRequests = schema.GroupVersionResource{Group: "cert-manager.io", Version: "v1", Resource: "certificaterequests"}

// producer is one object that makes a Secret, and its state.
type producer struct {
	Kind, Namespace, Name string
	UID                   string
	Target                string
	// Owns is set when the Secret's own controller reference names the producer.
	Owns bool
	// State is "ready", "failed" or "progressing".
	State string
	// Condition is the whole state text: Quoted, then Note in parentheses.
	Condition string // "Ready=False SecretSyncedError: could not get secret data from provider"
	// Quoted is the controller's own words (clipped in messages), Note what
	// secretscan adds (never clipped): "from its events; the dump holds no ...".
	Quoted, Note string
	// Cause names a root cause found beyond the producer's own condition:
	// "ClusterIssuer letsencrypt-prod does not exist".
	Cause  string
	Since  time.Time
	Fix    string
	KeyFix string
	// Request is the CertificateRequest whose state gave the Cause; its events are quoted too.
	Request, RequestUID string
	// FillsOnly is set when the producer only adds to a Secret something else
	// must create (an ExternalSecret with creationPolicy Merge).
	FillsOnly bool
}

func (pr *producer) String() string { return pr.Kind + " " + pr.Namespace + "/" + pr.Name }

// setCondition records the producer's words and secretscan's note on them.
func (pr *producer) setCondition(quoted, note string) {
	pr.Quoted, pr.Note = quoted, note
	switch {
	case quoted == "":
		pr.Condition = note
	case note == "":
		pr.Condition = quoted
	default:
		pr.Condition = quoted + " (" + note + ")"
	}
}

// conditionText is Condition for a one-line message: only the quoted part is
// clipped, so secretscan's note always reads whole.
func (pr *producer) conditionText(n int) string {
	if pr.Quoted == "" {
		return pr.Note
	}
	text := clipWords(pr.Quoted, n)
	if pr.Note != "" {
		text += " (" + pr.Note + ")"
	}
	return text
}

// stateText says why a producer explains a Secret's state, for messages:
// "is not ready: ClusterIssuer x does not exist (CertificateRequest ...)".
func (pr *producer) stateText() string {
	verb := "is not ready"
	switch pr.State {
	case "progressing":
		verb = "is still progressing"
	case "ready":
		verb = "reports Ready"
	}
	if pr.Cause != "" {
		return fmt.Sprintf("%s: %s (%s)", verb, pr.Cause, pr.conditionText(220))
	}
	return fmt.Sprintf("%s (%s)", verb, pr.conditionText(220))
}

// evidenceLine says how the producer is tied to the Secret and in what state.
func (pr *producer) evidenceLine() string {
	if pr.Owns {
		return fmt.Sprintf("%s owns Secret %s per the Secret's ownerReferences (%s)", pr, pr.Target, pr.Condition)
	}
	return fmt.Sprintf("%s produces Secret %s (%s)", pr, pr.Target, pr.Condition)
}

// producerIndex finds the producer of a Secret by namespace and name, and a
// producer object by UID or by kind and name (for a Secret's ownerReferences).
type producerIndex struct {
	byTarget map[nsName][]*producer
	byUID    map[string]*producer
	byObject map[objectKey]*producer
	warnings []string
	// unavailable are the producer kinds that could not be listed (forbidden
	// on a live cluster, a collection that failed): why, by kind.
	unavailable map[string]string
}

// listProducers lists each producer kind once through the dynamic client; a
// resource the cluster (or dump) does not serve is simply absent.
func listProducers(ctx context.Context, c Cluster) *producerIndex {
	idx := &producerIndex{byTarget: map[nsName][]*producer{}, byUID: map[string]*producer{}, byObject: map[objectKey]*producer{}, unavailable: map[string]string{}}
	for _, pk := range producerKinds {
		if why, failed := c.collectionFailed(pk.Kind); failed {
			idx.unavailable[pk.Kind] = why
		}
	}
	if c.Dynamic == nil {
		return idx
	}
	waiting := false
	for _, pk := range producerKinds {
		listErr, listed := "", false
		for _, gvr := range pk.Resources {
			list, err := c.Dynamic.Resource(gvr).Namespace(metav1.NamespaceAll).List(ctx, metav1.ListOptions{})
			if err != nil {
				switch {
				case apierrors.IsForbidden(err):
					listErr = fmt.Sprintf("listing %s was forbidden", gvr.GroupResource())
				case !apierrors.IsNotFound(err):
					idx.warnings = append(idx.warnings, fmt.Sprintf("listing %s failed: %v", gvr.GroupResource(), err))
					listErr = fmt.Sprintf("listing %s failed", gvr.GroupResource())
				}
				continue
			}
			listed = true
			for i := range list.Items {
				u := &list.Items[i]
				key := objectKey{pk.Kind, u.GetNamespace(), u.GetName()}
				if idx.byObject[key] != nil {
					continue
				}
				target := pk.target(u)
				if target == "" {
					continue
				}
				pr := &producer{Kind: pk.Kind, Namespace: u.GetNamespace(), Name: u.GetName(), UID: string(u.GetUID()), Target: target, Fix: pk.fix, KeyFix: pk.keyFix}
				state, text, since := conditionState(u, pk.readyType)
				pr.State, pr.Since = state, since
				pr.setCondition(text, "")
				if pr.State != "ready" && pk.failureType != "" {
					if state, text, since := conditionState(u, pk.failureType); state == "failed" {
						pr.State, pr.Since = state, since
						pr.setCondition(text, "")
					} else if failed, _, _ := unstructured.NestedString(u.Object, "status", "lastFailureTime"); failed != "" {
						pr.State = "failed"
						pr.setCondition(pr.Quoted, "last failed issuance at "+failed)
					}
				}
				waiting = waiting || (pk.Kind == "Certificate" && pr.State == "progressing")
				idx.byObject[key] = pr
				if pr.UID != "" {
					idx.byUID[pr.UID] = pr
				}
				k := nsName{pr.Namespace, target}
				idx.byTarget[k] = append(idx.byTarget[k], pr)
			}
		}
		if listErr != "" && !listed {
			idx.unavailable[pk.Kind] = listErr
		}
	}
	if waiting {
		// Listed only when a Certificate waits: that is the only question they answer.
		list, err := c.Dynamic.Resource(certificateRequests).Namespace(metav1.NamespaceAll).List(ctx, metav1.ListOptions{})
		switch {
		case err == nil:
			idx.explainWaitingCertificates(list.Items)
		case !apierrors.IsNotFound(err) && !apierrors.IsForbidden(err):
			idx.warnings = append(idx.warnings, fmt.Sprintf("listing %s failed: %v", certificateRequests.GroupResource(), err))
		}
	}
	for _, list := range idx.byTarget {
		sort.Slice(list, func(i, j int) bool { return list[i].String() < list[j].String() })
	}
	return idx
}

// explainWaitingCertificates gives each progressing Certificate the cause its
// newest CertificateRequest states, when that request is stuck for good.
func (idx *producerIndex) explainWaitingCertificates(requests []unstructured.Unstructured) {
	newest := map[*producer]*unstructured.Unstructured{}
	for i := range requests {
		cr := &requests[i]
		cert := idx.certificateOf(cr)
		if cert == nil || cert.State != "progressing" {
			continue
		}
		if old := newest[cert]; old == nil || newerRequest(cr, old) {
			newest[cert] = cr
		}
	}
	for cert, cr := range newest {
		rs := requestState(cr, cr.GetNamespace())
		if rs.state != "failed" {
			continue
		}
		cert.State, cert.Cause, cert.Since = "failed", rs.cause, rs.since
		cert.Request, cert.RequestUID = cr.GetName(), string(cr.GetUID())
		cert.setCondition("CertificateRequest "+cr.GetName()+" "+rs.condition, "")
		if rs.fix != "" {
			cert.Fix = rs.fix
		}
	}
}

// certificateOf finds the Certificate a CertificateRequest was made for: its
// controller reference, else cert-manager's certificate-name annotation.
func (idx *producerIndex) certificateOf(cr *unstructured.Unstructured) *producer {
	for _, ref := range cr.GetOwnerReferences() {
		if ref.Kind != "Certificate" {
			continue
		}
		if pr := idx.byUID[string(ref.UID)]; pr != nil && pr.Kind == "Certificate" {
			return pr
		}
		if pr := idx.byObject[objectKey{"Certificate", cr.GetNamespace(), ref.Name}]; pr != nil && (ref.UID == "" || pr.UID == "" || string(ref.UID) == pr.UID) {
			return pr
		}
	}
	if name := cr.GetAnnotations()["cert-manager.io/certificate-name"]; name != "" {
		return idx.byObject[objectKey{"Certificate", cr.GetNamespace(), name}]
	}
	return nil
}

// newerRequest orders a Certificate's requests by cert-manager's revision
// annotation, then by creation time.
func newerRequest(a, b *unstructured.Unstructured) bool {
	ra, _ := strconv.Atoi(a.GetAnnotations()["cert-manager.io/certificate-revision"])
	rb, _ := strconv.Atoi(b.GetAnnotations()["cert-manager.io/certificate-revision"])
	if ra != rb {
		return ra > rb
	}
	ta, tb := a.GetCreationTimestamp().Time, b.GetCreationTimestamp().Time
	if !ta.Equal(tb) {
		return ta.After(tb)
	}
	return a.GetName() > b.GetName()
}

// requestVerdict is what a CertificateRequest says about its issuance.
type requestVerdict struct {
	state, cause, condition, fix string
	since                        time.Time
}

// requestState reads a CertificateRequest's Denied, InvalidRequest and Ready
// conditions. Pending is progress unless its message names a cause that will
// not clear by itself (see pendingCauses).
func requestState(cr *unstructured.Unstructured, namespace string) requestVerdict {
	issuerKind, _, _ := unstructured.NestedString(cr.Object, "spec", "issuerRef", "kind")
	issuerName, _, _ := unstructured.NestedString(cr.Object, "spec", "issuerRef", "name")
	for _, condType := range []string{"Denied", "InvalidRequest"} {
		if state, text, since := conditionState(cr, condType); state == "ready" {
			return requestVerdict{state: "failed", cause: "CertificateRequest " + cr.GetName() + " was " + map[string]string{"Denied": "denied by an approver", "InvalidRequest": "refused as invalid"}[condType], condition: text, since: since}
		}
	}
	state, text, since := conditionState(cr, "Ready")
	v := requestVerdict{state: state, condition: text, since: since}
	conds, _, _ := unstructured.NestedSlice(cr.Object, "status", "conditions")
	for _, c := range conds {
		m, _ := c.(map[string]any)
		if m == nil || m["type"] != "Ready" || m["status"] != "False" {
			continue
		}
		reason, _ := m["reason"].(string)
		message, _ := m["message"].(string)
		if reason == "Failed" {
			v.state = "failed"
			return v
		}
		if cause, fix, ok := pendingCause(message, issuerKind, issuerName, namespace); ok {
			v.state, v.cause, v.fix = "failed", cause, fix
		}
	}
	return v
}

// pendingCauses are cert-manager's wordings for a CertificateRequest that
// waits on its issuer (pkg/controller/certificaterequests/sync.go, set as
// Ready=False Pending and recorded as Normal events IssuerNotFound and
// IssuerNotReady by each issuer type's controller):
//
//	Referenced "ClusterIssuer" not found: clusterissuer.cert-manager.io "letsencrypt-prod" not found
//	Referenced "Issuer" not found: issuer.cert-manager.io "ca-issuer" not found
//	Referenced issuer does not have a Ready status condition
var pendingCauses = []struct {
	pattern *regexp.Regexp
	// explain turns the match and the request's issuerRef into a cause and a fix.
	explain func(m []string, refKind, refName, namespace string) (cause, fix string)
}{
	{regexp.MustCompile(`^Referenced "([^"]+)" not found: (?:.*? )?"([^"]+)" not found`), func(m []string, _, _, namespace string) (string, string) {
		issuer := issuerName(m[1], m[2], namespace)
		return issuer + " does not exist", fmt.Sprintf("create %s, or point the Certificate's spec.issuerRef at one that exists; cert-manager retries the pending request by itself", issuer)
	}},
	{regexp.MustCompile(`^Referenced issuer does not have a Ready status condition`), func(_ []string, refKind, refName, namespace string) (string, string) {
		issuer := issuerName(refKind, refName, namespace)
		return issuer + " is not Ready", fmt.Sprintf("fix %s (kubectl describe it: its ACME account, CA Secret or Vault credentials); cert-manager retries the pending request once it is Ready", issuer)
	}},
}

// pendingCause matches a CertificateRequest's Pending message (condition or
// event) against pendingCauses.
func pendingCause(message, refKind, refName, namespace string) (cause, fix string, ok bool) {
	for _, pc := range pendingCauses {
		if m := pc.pattern.FindStringSubmatch(oneLine(message)); m != nil {
			cause, fix = pc.explain(m, refKind, refName, namespace)
			return cause, fix, true
		}
	}
	return "", "", false
}

// issuerName names an issuer the way kubectl would find it: an Issuer with its
// namespace, a ClusterIssuer (or an external issuer kind) by name.
func issuerName(kind, name, namespace string) string {
	if kind == "" {
		kind = "Issuer"
	}
	if name == "" {
		return "the Certificate's issuer"
	}
	if kind == "Issuer" && namespace != "" {
		return "Issuer " + namespace + "/" + name
	}
	return kind + " " + name
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

// producerOf returns the producer of Secret namespace/name, if the cluster
// has one: an object whose target is that Secret, or the object the Secret's
// own controller reference names (a Secret that exists lacking a key).
func (p *pass) producerOf(namespace, name string) *producer {
	list := p.ownerProducers(namespace, name)
	for _, pr := range p.producers().byTarget[nsName{namespace, name}] {
		dup := false
		for _, o := range list {
			dup = dup || (o.Kind == pr.Kind && o.Name == pr.Name)
		}
		if !dup {
			list = append(list, pr)
		}
	}
	if len(list) == 0 {
		return p.producerFromEvents(namespace, name)
	}
	// A failing producer explains more than a healthy one; else the owner.
	for _, pr := range list {
		if pr.State == "failed" {
			return pr
		}
	}
	return list[0]
}

// producers lists the producers of the cluster, once for every namespace.
func (p *pass) producers() *producerIndex {
	p.shared.producersOnce.Do(func() {
		p.shared.producers = listProducers(p.ctx, p.cluster)
		p.shared.warn(p.shared.producers.warnings...)
	})
	return p.shared.producers
}

// noteUnlistedProducers records, for a workload whose Secret is missing with
// no producer found, each producer kind that could not be listed: the Secret
// may be one such a resource should make, which the dump cannot show.
func (p *pass) noteUnlistedProducers(w *workload) {
	unavailable := p.producers().unavailable
	kinds := make([]string, 0, len(unavailable))
	for kind := range unavailable {
		kinds = append(kinds, kind)
	}
	sort.Strings(kinds)
	for _, kind := range kinds {
		p.noteGap(kind, unavailable[kind], w)
	}
}

// ownerProducers are the producers a Secret of the dump names in its
// ownerReferences, controller first. A reference whose UID differs from the
// object of that name is about an earlier object and is skipped; a producer
// the dump lacks is looked for in its events.
func (p *pass) ownerProducers(namespace, name string) []*producer {
	s := p.idx.secrets[nsName{namespace, name}]
	if s == nil {
		return nil
	}
	refs := append([]metav1.OwnerReference(nil), s.OwnerReferences...)
	sort.SliceStable(refs, func(i, j int) bool {
		return refs[i].Controller != nil && *refs[i].Controller && (refs[j].Controller == nil || !*refs[j].Controller)
	})
	var out []*producer
	for _, ref := range refs {
		pk := producerKindOf(ref)
		if pk == nil {
			continue
		}
		idx := p.producers()
		pr := idx.byUID[string(ref.UID)]
		if pr == nil || pr.Kind != pk.Kind {
			pr = idx.byObject[objectKey{pk.Kind, namespace, ref.Name}]
			if pr != nil && ref.UID != "" && pr.UID != "" && string(ref.UID) != pr.UID {
				continue
			}
		}
		if pr == nil {
			pr = p.producerFromEventsOf(pk, namespace, ref.Name, name)
		}
		if pr == nil {
			continue
		}
		owned := *pr
		owned.Target, owned.Owns = name, true
		out = append(out, &owned)
	}
	return out
}

// producerKindOf matches an ownerReference to a producer kind by kind and API group.
func producerKindOf(ref metav1.OwnerReference) *producerKind {
	group, _, _ := strings.Cut(ref.APIVersion, "/")
	if !strings.Contains(ref.APIVersion, "/") {
		group = ""
	}
	for i := range producerKinds {
		pk := &producerKinds[i]
		if pk.Kind != ref.Kind {
			continue
		}
		for _, gvr := range pk.Resources {
			if gvr.Group == group {
				return pk
			}
		}
	}
	return nil
}

// producerEvents quotes the producer's own events, newest first, then those
// of the CertificateRequest that gave its cause (cert-manager records
// IssuerNotFound as a Normal event, once per issuer type's controller).
func (p *pass) producerEvents(pr *producer) []string {
	var out []string
	for _, e := range p.idx.events.about(pr.Kind, pr.Namespace, pr.Name, types.UID(pr.UID)) {
		if e.Type == "Normal" && len(out) > 0 {
			continue
		}
		out = append(out, fmt.Sprintf("%s %s: %s", pr.Kind, pr.Name, e.evidence()))
		if len(out) >= 5 {
			break
		}
	}
	if pr.Request == "" {
		return out
	}
	seen := map[string]bool{}
	quoted := 0
	for _, e := range p.idx.events.about("CertificateRequest", pr.Namespace, pr.Request, types.UID(pr.RequestUID)) {
		if e.Type == "Normal" && !requestEventReasons[e.Reason] || seen[e.Reason+"\x00"+e.Message] {
			continue
		}
		seen[e.Reason+"\x00"+e.Message] = true
		out = append(out, fmt.Sprintf("CertificateRequest %s: %s", pr.Request, e.evidence()))
		if quoted++; quoted >= 3 {
			break
		}
	}
	return out
}

// requestEventReasons are the Normal events of a CertificateRequest that say why it waits.
var requestEventReasons = map[string]bool{"IssuerNotFound": true, "IssuerNotReady": true, "IssuerTypeMissing": true}

// reportProducer reports a missing Secret through the object that should make
// it: failed or progressing is secret-source-not-ready; Ready means the Secret
// was deleted after its last sync (or appeared after the dump). It says
// whether it reported anything.
func (p *pass) reportProducer(w *workload, u *usage, pr *producer, obs []observation, uncoveredWhy string) bool {
	ns := w.Namespace
	notFound := filterObs(obs, secretMissingCauses...)
	evidence := append([]string{pr.evidenceLine()}, p.producerEvents(pr)...)
	evidence = append(evidence, specEvidence(w, u.Refs)...)
	evidence = append(evidence, obsEvidence(notFound)...)
	base := Finding{Namespace: ns, Object: w.ref(), Pods: unionSorted(u.podsOf(u.Refs), podsOfObs(notFound)), Secret: u.Secret, Reference: describeRefs(u.Refs), Evidence: evidence}
	confirm := producerConfirm(pr)
	switch pr.State {
	case "failed":
		f := base
		f.ID = SecretSourceNotReady
		f.Message = fmt.Sprintf("Secret %s/%s is missing because %s %s", ns, u.Secret, pr, pr.stateText())
		f.Remediation = fmt.Sprintf("Do not create the Secret by hand: %s", pr.Fix)
		if pr.FillsOnly {
			f.Remediation = fmt.Sprintf("Create Secret %s/%s: %s", ns, u.Secret, pr.Fix)
		}
		f.Commands = &Commands{Confirm: confirm, Fix: producerFix(pr)}
		p.report(f)
		return true
	case "progressing":
		f := base
		f.ID = SecretSourceNotReady
		f.Severity = SeverityWarning
		f.Message = fmt.Sprintf("Secret %s/%s does not exist yet: %s %s", ns, u.Secret, pr, pr.stateText())
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
			f.Commands = &Commands{Confirm: append([]string{fmt.Sprintf("kubectl get secret %s -n %s", shellArg(u.Secret), shellArg(ns))}, confirm...)}
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

// producerConfirm gives the commands that show a producer's state; none when
// its names cannot go on a command line.
func producerConfirm(pr *producer) []string {
	if !commandSafe(pr.Name, pr.Namespace) {
		return nil
	}
	kind, name, ns := shellArg(strings.ToLower(pr.Kind)), shellArg(pr.Name), shellArg(pr.Namespace)
	out := []string{
		fmt.Sprintf("kubectl get %s %s -n %s -o jsonpath='{.status.conditions}'", kind, name, ns),
		fmt.Sprintf("kubectl describe %s %s -n %s", kind, name, ns),
	}
	if pr.Request != "" && commandSafe(pr.Request) {
		out = append(out, fmt.Sprintf("kubectl describe certificaterequest %s -n %s", shellArg(pr.Request), ns))
	}
	return out
}

// producerFix gives the command that makes a producer try again; none when
// its names cannot go on a command line.
func producerFix(pr *producer) []string {
	if !commandSafe(pr.Name, pr.Namespace) {
		return nil
	}
	name, ns := shellArg(pr.Name), shellArg(pr.Namespace)
	switch pr.Kind {
	case "ExternalSecret":
		// $(date +%s) is the command's own: a new value forces the sync.
		return []string{fmt.Sprintf("kubectl annotate externalsecret %s -n %s force-sync=$(date +%%s) --overwrite", name, ns)}
	case "Certificate":
		return []string{fmt.Sprintf("cmctl renew %s -n %s", name, ns)}
	case "SealedSecret":
		// The name becomes a file name: a '/' would put the file elsewhere.
		if strings.Contains(pr.Name, "/") {
			return nil
		}
		file := shellArg("sealed-" + pr.Name + ".yaml")
		return []string{fmt.Sprintf("kubeseal --fetch-cert > cert.pem && kubeseal --cert cert.pem -o yaml < secret.yaml > %s && kubectl apply -f %s", file, file)}
	}
	return nil
}

// producerFromEvents finds a producer the dump holds no object of (a
// cluster-info dump has no custom resources) from its events: an
// ExternalSecret, SealedSecret or Certificate named like the missing Secret
// that reported warnings, or an ExternalSecret whose failure names the Secret.
func (p *pass) producerFromEvents(namespace, name string) *producer {
	for i := range producerKinds {
		if pr := p.producerFromEventsOf(&producerKinds[i], namespace, name, name); pr != nil {
			return pr
		}
	}
	return p.producerNamedInEvents(namespace, name)
}

// producerFromEventsOf builds producer kind/namespace/name, making Secret
// target, from the events about it; nil when there are none.
func (p *pass) producerFromEventsOf(pk *producerKind, namespace, name, target string) *producer {
	events := p.idx.events.about(pk.Kind, namespace, name, "")
	if len(events) == 0 {
		return nil
	}
	pr := &producer{Kind: pk.Kind, Namespace: namespace, Name: name, Target: target, Fix: pk.fix, KeyFix: pk.keyFix, State: "progressing"}
	pr.setCondition("", fmt.Sprintf("known from its events only: the dump holds no %s objects", pk.Kind))
	note := fmt.Sprintf("from its events; the dump holds no %s objects", pk.Kind)
	if pk.Kind == "Certificate" && p.requestFromEvents(pr, events, note) {
		return pr
	}
	for _, e := range events {
		if e.Type == "Warning" {
			pr.State = "failed"
			pr.setCondition(e.Reason+": "+oneLine(e.Message), note)
			pr.Since = e.Last
			break
		}
	}
	return pr
}

// requestCreated is cert-manager's event on a Certificate for each request it
// makes (certificates/requestmanager): Created new CertificateRequest resource "web-tls-1".
var requestCreated = regexp.MustCompile(`^Created new CertificateRequest resource "([^"]+)"`)

// requestFromEvents follows a Certificate's newest "Created new
// CertificateRequest" event to that request's events, and takes a
// pendingCauses wording there as the cause. It says whether it found one.
func (p *pass) requestFromEvents(pr *producer, certEvents []*event, note string) bool {
	for _, e := range certEvents {
		m := requestCreated.FindStringSubmatch(e.Message)
		if m == nil {
			continue
		}
		for _, re := range p.idx.events.about("CertificateRequest", pr.Namespace, m[1], "") {
			// Only the message names the issuer: its kind and name come from it.
			if cause, fix, ok := pendingCause(re.Message, "", "", pr.Namespace); ok {
				pr.State, pr.Cause, pr.Fix, pr.Since = "failed", cause, fix, re.Last
				pr.Request = m[1]
				pr.setCondition("CertificateRequest "+m[1]+" "+re.Reason+": "+oneLine(re.Message), note)
				return true
			}
		}
		return false // the newest request is the one that matters
	}
	return false
}

// namingEvents are external-secrets' failure wordings that name the target
// Secret (pkg/controllers/externalsecret, recorded as Warning UpdateFailed):
//
//	the desired secret stripe-keys was not found. With creationPolicy=Merge the secret won't be created
//	unable to patch secret stripe-keys: <error>
var namingEvents = []struct {
	kind    string
	pattern *regexp.Regexp
	// fillsOnly: the wording says the producer never creates the Secret.
	fillsOnly bool
	fix       string
}{
	{"ExternalSecret", regexp.MustCompile(`^the desired secret (\S+) was not found\. With creationPolicy=Merge`), true,
		"the ExternalSecret has spec.target.creationPolicy Merge, so it only adds its keys to a Secret that something else creates; create that Secret (or set creationPolicy to Owner), then force a sync"},
	{"ExternalSecret", regexp.MustCompile(`^unable to (?:get|mutate|patch) secret (\S+?):`), false, ""},
}

// producerNamedInEvents finds a producer whose warning events name the
// missing Secret although the producer has another name.
func (p *pass) producerNamedInEvents(namespace, name string) *producer {
	for _, e := range p.idx.events.byNamespace[namespace] {
		if e.Type != "Warning" {
			continue
		}
		for _, ne := range namingEvents {
			if e.Object.Kind != ne.kind {
				continue
			}
			if m := ne.pattern.FindStringSubmatch(e.Message); m == nil || m[1] != name {
				continue
			}
			pk := producerKindNamed(ne.kind)
			pr := p.producerFromEventsOf(pk, namespace, e.Object.Name, name)
			if pr == nil {
				continue
			}
			if ne.fix != "" {
				pr.Fix = ne.fix
			}
			pr.FillsOnly = ne.fillsOnly
			return pr
		}
	}
	return nil
}

func producerKindNamed(kind string) *producerKind {
	for i := range producerKinds {
		if producerKinds[i].Kind == kind {
			return &producerKinds[i]
		}
	}
	return nil
}
