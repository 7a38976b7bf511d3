package analyzer

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/secretscan/secretscan/analyzer/messages"
	"github.com/secretscan/secretscan/analyzer/rbac"
)

var rbacCheck = &Check{
	Name: "rbac-secret-access",
	Doc: `Joins "secrets ... is forbidden: User system:serviceaccount:..." from events,
terminated-container messages and logs with an offline RBAC evaluation of the
dumped Roles and bindings: what the ServiceAccount is granted on Secrets, which
binding nearly grants it, and the minimal Role and RoleBinding that would.`,
	IDs: []ID{RBACSecretForbidden},
	Run: runRBAC,
}

// rbacKinds are the kinds an RBAC answer needs.
var rbacKinds = []string{"Role", "RoleBinding", "ClusterRole", "ClusterRoleBinding"}

// policy builds the RBAC evaluator once per pass, from the dumped objects.
func (p *pass) policy() *rbac.Policy {
	p.shared.policyOnce.Do(func() {
		p.shared.policy = rbac.NewPolicy(p.idx.roles, p.idx.clusterRoles, p.idx.roleBindings, p.idx.clusterRoleBindings)
	})
	return p.shared.policy
}

// rbacCovered tells whether the dump holds the RBAC objects an answer for
// namespace needs; if not, which kind it lacks and why.
func (p *pass) rbacCovered(namespace string) (bool, string, string) {
	for _, kind := range rbacKinds {
		ns := namespace
		if strings.HasPrefix(kind, "Cluster") {
			ns = ""
		}
		if ok, why := p.covers(kind, ns, ""); !ok {
			return false, kind, why
		}
	}
	return true, "", ""
}

func runRBAC(p *pass) {
	for _, w := range p.workloads.list {
		denials := filterObs(p.observations[w], messages.RBACForbidden)
		// A denial "at the cluster scope" has no namespace: it is judged cluster-wide.
		type key struct{ user, namespace, secret string }
		groups := map[key][]observation{}
		var order []key
		for _, o := range denials {
			res := strings.ToLower(o.Signal.Resource)
			if res != "secrets" && res != "secret" {
				continue
			}
			if !strings.HasPrefix(o.Signal.User, "system:serviceaccount:") {
				continue
			}
			ns := o.Signal.Namespace
			if ns == "" && !strings.Contains(o.Evidence, "at the cluster scope") {
				ns = w.Namespace
			}
			k := key{o.Signal.User, ns, o.Signal.Secret}
			if _, ok := groups[k]; !ok {
				order = append(order, k)
			}
			groups[k] = append(groups[k], o)
		}
		for _, k := range order {
			reportRBACDenial(p, w, k.user, k.namespace, k.secret, groups[k])
		}
	}
}

func reportRBACDenial(p *pass, w *workload, user, namespace, secretName string, obs []observation) {
	subject := rbac.ParseUser(user)
	verbs := []string{}
	for _, o := range obs {
		if o.Signal.Verb != "" {
			verbs = appendUnique(verbs, o.Signal.Verb)
		}
	}
	sort.Strings(verbs)
	if len(verbs) == 0 {
		verbs = []string{"get"}
	}
	target := "Secrets in namespace " + namespace
	switch {
	case namespace == "":
		target = "Secrets across all namespaces"
	case secretName != "":
		target = "Secret " + namespace + "/" + secretName
	}
	sa := strings.TrimPrefix(user, "system:serviceaccount:")
	saNS, saName, _ := strings.Cut(sa, ":")
	f := Finding{
		ID: RBACSecretForbidden, Namespace: w.Namespace, Object: w.ref(), Pods: podsOfObs(obs), Secret: secretName,
		Reference: "API read by the application",
		Evidence:  obsEvidence(obs),
	}
	f.Message = fmt.Sprintf("ServiceAccount %s/%s was denied %s on %s", saNS, saName, strings.Join(verbs, ", "), target)
	canI := func(verb string) string {
		res := "secrets"
		if secretName != "" && verb != "list" && verb != "watch" {
			res += "/" + secretName
		}
		if namespace == "" {
			return fmt.Sprintf("kubectl auth can-i %s %s --all-namespaces --as %s", shellArg(verb), shellArg(res), shellArg(user))
		}
		return fmt.Sprintf("kubectl auth can-i %s %s -n %s --as %s", shellArg(verb), shellArg(res), shellArg(namespace), shellArg(user))
	}
	f.Commands = &Commands{}
	for _, v := range verbs {
		f.Commands.Confirm = append(f.Commands.Confirm, canI(v))
	}
	grantName := secretName
	if containsString(verbs, "list") || containsString(verbs, "watch") {
		grantName = ""
	}
	grantVerbs := verbs
	if containsString(verbs, "list") && !containsString(verbs, "watch") {
		// A denied list is most often an informer, which watches next.
		grantVerbs = append(append([]string(nil), verbs...), "watch")
	}
	manifest := rbac.GrantYAML(namespace, saNS, saName, grantVerbs, grantName)
	if namespace == "" {
		manifest = clusterGrantYAML(saNS, saName, grantVerbs)
	}
	// The manifest quotes every name (rbac.GrantYAML, clusterGrantYAML), so no
	// line of it can be EOF; a quoted heredoc expands nothing.
	f.Commands.Fix = []string{"kubectl apply -f - <<'EOF'\n" + strings.TrimRight(manifest, "\n") + "\nEOF"}
	// The names come from a log or event line: one with a line break or a
	// control character cannot be written on a copied command line at all.
	if !commandSafe(user, namespace, secretName, saNS, saName) || !commandSafe(verbs...) {
		f.Commands = nil
	}
	grantKind := "a Role and RoleBinding"
	if namespace == "" {
		grantKind = "a ClusterRole and ClusterRoleBinding"
	}
	f.Remediation = fmt.Sprintf("Grant ServiceAccount %s/%s %s on %s with %s (the minimal manifest is in the commands)", saNS, saName, strings.Join(verbs, ", "), target, grantKind)

	covered, kind, why := p.rbacCovered(namespace)
	if !covered {
		p.noteGap(kind, why, w)
		f.Message += fmt.Sprintf("; the dump holds no RBAC objects (%s), so what it is granted cannot be shown", why)
		p.report(f)
		return
	}
	pol := p.policy()
	allowedNow := true
	var grantsNow []string
	var nearMisses []string
	for _, verb := range verbs {
		req := rbac.Request{Verb: verb, Resource: "secrets", Namespace: namespace}
		if verb != "list" && verb != "watch" && verb != "create" {
			req.Name = secretName
		}
		d := pol.Authorize(subject, req)
		if d.Allowed {
			for _, g := range d.Grants {
				grantsNow = appendUnique(grantsNow, describeGrant(g))
			}
			continue
		}
		allowedNow = false
		for _, nm := range d.NearMisses {
			nearMisses = appendUnique(nearMisses, nm.Detail)
		}
	}
	var granted []string
	for _, g := range pol.RulesFor(subject, namespace, "", "secrets") {
		granted = appendUnique(granted, fmt.Sprintf("%s (%s)", describeRule(g), describeGrant(g)))
	}
	if len(granted) == 0 {
		where := "in namespace " + namespace
		if namespace == "" {
			where = "cluster-wide"
		}
		f.Evidence = append(f.Evidence, fmt.Sprintf("RBAC: %s is granted nothing on secrets %s", subject, where))
	} else {
		f.Evidence = append(f.Evidence, fmt.Sprintf("RBAC: %s is granted on secrets: %s", subject, strings.Join(granted, "; ")))
	}
	for _, nm := range nearMisses {
		f.Evidence = append(f.Evidence, "RBAC near miss: "+nm)
	}
	if allowedNow {
		f.Severity = SeverityWarning
		f.Message += fmt.Sprintf("; the dumped RBAC allows it now (%s), so the denial has probably cleared", strings.Join(grantsNow, "; "))
		f.Remediation = "Nothing to change if the application no longer logs the denial; restart it if it cached the failure"
		if f.Commands != nil {
			f.Commands.Fix = nil
		}
	} else if len(nearMisses) > 0 {
		f.Message += "; closest: " + nearMisses[0]
		f.Remediation += ", or fix the binding the closest near miss names"
	} else {
		f.Message += "; no Role or binding in the dump grants it"
	}
	p.report(f)
}

func describeGrant(g rbac.Grant) string {
	binding := g.BindingKind + " " + g.BindingName
	if g.BindingNamespace != "" {
		binding = g.BindingKind + " " + g.BindingNamespace + "/" + g.BindingName
	}
	s := fmt.Sprintf("%s -> %s %s", binding, g.RoleKind, g.RoleName)
	if g.Via != "" {
		s += " via " + g.Via
	}
	return s
}

func describeRule(g rbac.Grant) string {
	s := strings.Join(g.Rule.Verbs, ",") + " secrets"
	if len(g.Rule.ResourceNames) > 0 {
		s += " [" + strings.Join(g.Rule.ResourceNames, ", ") + "]"
	}
	return s
}

// CanIAnswer is `secretscan can-i`'s answer.
type CanIAnswer struct {
	// Known is false when the dump holds no RBAC objects to decide from.
	Known    bool
	Why      string // what the dump lacked, when !Known
	Decision rbac.Decision
}

// CanI answers "can user do verb on resource/name in namespace" from the RBAC
// objects the cluster serves, as `kubectl auth can-i` would on the live cluster.
func CanI(ctx context.Context, c Cluster, subject rbac.Subject, req rbac.Request) (CanIAnswer, error) {
	idx, err := buildIndex(ctx, c)
	if err != nil {
		return CanIAnswer{}, err
	}
	p := &pass{ctx: ctx, cluster: c, idx: idx, shared: &shared{}}
	if ok, _, why := p.rbacCovered(req.Namespace); !ok {
		return CanIAnswer{Why: why}, nil
	}
	pol := p.policy()
	if pol.Empty() {
		return CanIAnswer{Why: "the dump holds no Roles, ClusterRoles or bindings"}, nil
	}
	return CanIAnswer{Known: true, Decision: pol.Authorize(subject, req)}, nil
}

// clusterGrantYAML is the minimal ClusterRole and ClusterRoleBinding for a
// denial at the cluster scope (a list or watch of Secrets in every namespace).
func clusterGrantYAML(saNamespace, saName string, verbs []string) string {
	name := fmt.Sprintf("%s-%s-%s-secrets", saNamespace, saName, strings.Join(verbs, "-"))
	quoted := make([]string, len(verbs))
	for i, v := range verbs {
		quoted[i] = fmt.Sprintf("%q", v)
	}
	return fmt.Sprintf(`apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: %q
rules:
- apiGroups: [""]
  resources: ["secrets"]
  verbs: [%s]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: %q
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: %q
subjects:
- kind: ServiceAccount
  name: %q
  namespace: %q
`, name, strings.Join(quoted, ", "), name, name, saName, saNamespace)
}
