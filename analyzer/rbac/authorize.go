package rbac

import (
	"fmt"
	"sort"
	"strings"

	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/component-helpers/auth/rbac/validation"
)

// Request is one resource request as the apiserver's RequestInfo describes
// it. Name is empty for create and for list/watch without a
// metadata.name field selector; Namespace is empty for cluster-wide requests.
type Request struct {
	Verb, APIGroup, Resource, Subresource, Namespace, Name string
}

// Grant is a binding, the role it refers to and one rule of that role.
type Grant struct {
	BindingKind, BindingNamespace, BindingName string // "RoleBinding"/"ClusterRoleBinding"
	RoleKind, RoleName                         string // RoleName is the roleRef name; a Role lives in BindingNamespace
	Rule                                       rbacv1.PolicyRule
	// Via is how the binding reaches the subject: "ServiceAccount shop/web",
	// "Group system:serviceaccounts:shop", "User alice". In a
	// binding-to-other-subject near miss it lists whom the binding names instead.
	Via string
	// AggregatedFrom names the ClusterRole a rule came from when secretscan
	// resolved an aggregated ClusterRole the dump held without rules.
	AggregatedFrom string
}

// Near-miss kinds, in the order Decision.NearMisses lists them: the ones
// closest to the request (the subject already holds a rule for the resource)
// first.
const (
	NearMissResourceNames         = "resource-names"           // a rule for the resource that names other objects
	NearMissVerb                  = "verb"                     // a rule for the resource without this verb
	NearMissAPIGroup              = "api-group"                // a rule naming the resource in another API group
	NearMissMissingRole           = "missing-role"             // a binding to the subject whose role is not in the dump
	NearMissOtherNamespace        = "other-namespace"          // a RoleBinding to the subject that allows it elsewhere
	NearMissBindingToOtherSubject = "binding-to-other-subject" // a binding that would allow it, for someone else
)

// nearMissRank orders near misses. A binding to the very subject in the
// wrong namespace (a RoleBinding applied with the wrong -n) is closer than a
// binding that grants the right thing to someone else: the subject was meant.
var nearMissRank = map[string]int{
	NearMissResourceNames:         0,
	NearMissVerb:                  1,
	NearMissAPIGroup:              2,
	NearMissMissingRole:           3,
	NearMissOtherNamespace:        4,
	NearMissBindingToOtherSubject: 5,
}

// NearMiss is something close to a grant, and why it does not allow the request.
type NearMiss struct {
	Kind string // one of the NearMiss* constants
	Grant
	Detail string // one sentence, e.g. "Role shop/secret-reader allows get on secrets [db-creds-old] only"
}

// Decision is the authorizer's answer with its reasons.
type Decision struct {
	Allowed    bool
	Grants     []Grant    // every rule that allows it, in the order the authorizer visits them
	NearMisses []NearMiss // only when denied; most relevant first
}

// Authorize decides the request as the RBAC authorizer would: ClusterRoleBindings
// apply everywhere, RoleBindings only in their namespace, and any rule of a
// bound role that covers the request allows it.
func (p *Policy) Authorize(s Subject, r Request) Decision {
	var d Decision
	var misses []NearMiss
	for _, b := range p.bindingsFor(s, r.Namespace) {
		via := b.via(s)
		if b.role == nil {
			misses = append(misses, NearMiss{Kind: NearMissMissingRole, Grant: b.grant(ruleEntry{}, via), Detail: b.missingRoleDetail()})
			continue
		}
		for _, re := range b.role.rules {
			switch m := matchRule(re.rule, r); m {
			case matchAllowed:
				d.Grants = append(d.Grants, b.grant(re, via))
			case matchNone:
			default:
				misses = append(misses, NearMiss{Kind: string(m), Grant: b.grant(re, via), Detail: ruleMissDetail(m, b, re.rule, r)})
			}
		}
	}
	if len(d.Grants) > 0 {
		d.Allowed = true
		return d
	}
	misses = append(misses, p.otherSubjectMisses(s, r)...)
	misses = append(misses, p.otherNamespaceMisses(s, r)...)
	sort.SliceStable(misses, func(i, j int) bool { return nearMissLess(misses[i], misses[j]) })
	d.NearMisses = misses
	return d
}

// RulesFor lists the rules that reach the subject in namespace and mention
// the resource (or a subresource of it) in apiGroup, whatever their verbs or
// resourceNames: "what is this ServiceAccount granted on Secrets".
// An empty namespace gives the cluster-wide rules only.
func (p *Policy) RulesFor(s Subject, namespace, apiGroup, resource string) []Grant {
	var out []Grant
	for _, b := range p.bindingsFor(s, namespace) {
		if b.role == nil {
			continue
		}
		via := b.via(s)
		for _, re := range b.role.rules {
			if ruleMentions(re.rule, apiGroup, resource) {
				out = append(out, b.grant(re, via))
			}
		}
	}
	return out
}

// bindingsFor returns, in rank order, the bindings the authorizer would visit
// for the subject in namespace that name it: ClusterRoleBindings and, for a
// namespaced request, that namespace's RoleBindings. Only index entries for the
// subject's user name and groups are read.
func (p *Policy) bindingsFor(s Subject, namespace string) []*bindingEntry {
	var out []*bindingEntry
	seen := map[*bindingEntry]bool{}
	add := func(list []*bindingEntry) {
		for _, b := range list {
			if !seen[b] {
				seen[b] = true
				out = append(out, b)
			}
		}
	}
	byNamespace := p.roleBindingsBySubject[namespace]
	for _, key := range s.lookupKeys() {
		add(p.clusterBindingsBySubject[key])
		if namespace != "" {
			add(byNamespace[key])
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].rank < out[j].rank })
	return out
}

// otherSubjectMisses finds bindings in reach of the request whose role would
// allow it but which name other subjects: the "bound the default
// ServiceAccount instead of web" mistake. Only run on a denial.
func (p *Policy) otherSubjectMisses(s Subject, r Request) []NearMiss {
	var out []NearMiss
	consider := func(b *bindingEntry) {
		if b.role == nil || b.via(s) != "" {
			return
		}
		for _, re := range b.role.rules {
			if matchRule(re.rule, r) != matchAllowed {
				continue
			}
			to := b.describeSubjects()
			out = append(out, NearMiss{
				Kind:   NearMissBindingToOtherSubject,
				Grant:  b.grant(re, to),
				Detail: fmt.Sprintf("%s grants %s (%s) to %s, not to %s", b.describe(), describeRule(re.rule, false), b.describeRole(), to, s),
			})
			return // one rule is enough to make the point
		}
	}
	if r.Namespace != "" {
		for _, b := range p.roleBindingsByNamespace[r.Namespace] {
			consider(b)
		}
	}
	for _, b := range p.clusterRoleBindings {
		if b.namesSomeoneNear(s, r.Namespace) {
			consider(b)
		}
	}
	return out
}

// otherNamespaceMisses finds RoleBindings to the subject in other namespaces
// that would allow the request there. Only run on a denial.
func (p *Policy) otherNamespaceMisses(s Subject, r Request) []NearMiss {
	var bindings []*bindingEntry
	seen := map[*bindingEntry]bool{}
	for _, key := range s.lookupKeys() {
		for _, b := range p.anyNamespaceBySubject[key] {
			if b.namespace != r.Namespace && !seen[b] {
				seen[b] = true
				bindings = append(bindings, b)
			}
		}
	}
	sort.Slice(bindings, func(i, j int) bool { return bindings[i].rank < bindings[j].rank })

	where := "not in " + r.Namespace
	if r.Namespace == "" {
		where = "not cluster-wide"
	}
	var out []NearMiss
	for _, b := range bindings {
		if b.role == nil {
			continue
		}
		for _, re := range b.role.rules {
			if matchRule(re.rule, r) != matchAllowed {
				continue
			}
			out = append(out, NearMiss{
				Kind:   NearMissOtherNamespace,
				Grant:  b.grant(re, b.via(s)),
				Detail: fmt.Sprintf("%s grants %s (%s) in namespace %s only, %s", b.describe(), describeRule(re.rule, false), b.describeRole(), b.namespace, where),
			})
			break
		}
	}
	return out
}

func nearMissLess(a, b NearMiss) bool {
	if ra, rb := nearMissRank[a.Kind], nearMissRank[b.Kind]; ra != rb {
		return ra < rb
	}
	// A RoleBinding in the request's namespace is closer to what the user
	// wrote than a cluster-wide binding.
	if a.BindingKind != b.BindingKind {
		return a.BindingKind == kindRoleBinding
	}
	if a.BindingNamespace != b.BindingNamespace {
		return a.BindingNamespace < b.BindingNamespace
	}
	return a.BindingName < b.BindingName
}

// ruleMatch is how one rule relates to one request.
type ruleMatch string

const (
	matchAllowed       ruleMatch = "allowed"
	matchNone          ruleMatch = ""
	matchResourceNames ruleMatch = NearMissResourceNames
	matchVerb          ruleMatch = NearMissVerb
	matchAPIGroup      ruleMatch = NearMissAPIGroup
)

// matchRule asks component-helpers' Covers whether the rule covers the
// request as a single-tuple servant rule, which is the authorizer's RuleAllows:
// the servant always carries the request name (possibly empty) so that a rule
// with resourceNames never covers a nameless request, as ResourceNameMatches
// does. Near misses are found by asking again with one field of the rule
// widened to "anything".
func matchRule(rule rbacv1.PolicyRule, r Request) ruleMatch {
	servant := []rbacv1.PolicyRule{{
		Verbs:         []string{r.Verb},
		APIGroups:     []string{r.APIGroup},
		Resources:     []string{combinedResource(r)},
		ResourceNames: []string{r.Name},
	}}
	covers := func(owner rbacv1.PolicyRule) bool {
		ok, _ := validation.Covers([]rbacv1.PolicyRule{owner}, servant)
		return ok
	}
	if covers(rule) {
		return matchAllowed
	}
	anyName := rule
	anyName.ResourceNames = nil
	if covers(anyName) {
		return matchResourceNames
	}
	anyVerb := anyName
	anyVerb.Verbs = []string{rbacv1.VerbAll}
	if covers(anyVerb) {
		return matchVerb
	}
	// Only a rule that spells the resource out is a plausible wrong-group
	// mistake (apiGroups: ["v1"] for secrets); "*" in another group is not.
	if has(rule.Resources, combinedResource(r)) {
		anyGroup := anyVerb
		anyGroup.APIGroups = []string{rbacv1.APIGroupAll}
		if covers(anyGroup) {
			return matchAPIGroup
		}
	}
	return matchNone
}

func combinedResource(r Request) string {
	if r.Subresource == "" {
		return r.Resource
	}
	return r.Resource + "/" + r.Subresource
}

// ruleMentions reports whether a rule is about the resource at all: the group
// matches and some resource entry is "*", the resource or one of its
// subresources.
func ruleMentions(rule rbacv1.PolicyRule, apiGroup, resource string) bool {
	if !has(rule.APIGroups, rbacv1.APIGroupAll) && !has(rule.APIGroups, apiGroup) {
		return false
	}
	for _, res := range rule.Resources {
		if res == rbacv1.ResourceAll || res == resource || strings.HasPrefix(res, resource+"/") {
			return true
		}
	}
	return false
}

func has(set []string, s string) bool {
	for _, e := range set {
		if e == s {
			return true
		}
	}
	return false
}

func ruleMissDetail(m ruleMatch, b *bindingEntry, rule rbacv1.PolicyRule, r Request) string {
	role := b.describeRole()
	switch m {
	case matchResourceNames:
		detail := fmt.Sprintf("%s allows %s only", role, describeRule(rule, false))
		if r.Name == "" {
			detail += fmt.Sprintf("; a rule with resourceNames never allows %s without a name", r.Verb)
		}
		return detail
	case matchVerb:
		return fmt.Sprintf("%s allows %s, not %s", role, describeRule(rule, false), r.Verb)
	case matchAPIGroup:
		return fmt.Sprintf("%s allows %s, but %s are in API group %s", role, describeRule(rule, true), r.Resource, quoteGroup(r.APIGroup))
	}
	return ""
}

// describeRule renders a rule as "get, list on secrets [a, b]", adding the
// API groups when they are the point.
func describeRule(rule rbacv1.PolicyRule, withGroups bool) string {
	s := strings.Join(rule.Verbs, ", ") + " on " + strings.Join(rule.Resources, ", ")
	if len(rule.ResourceNames) > 0 {
		s += " [" + strings.Join(rule.ResourceNames, ", ") + "]"
	}
	if withGroups {
		groups := make([]string, len(rule.APIGroups))
		for i, g := range rule.APIGroups {
			groups[i] = quoteGroup(g)
		}
		s += " in API group " + strings.Join(groups, ", ")
	}
	return s
}

func quoteGroup(g string) string {
	if g == "" {
		return `"" (core)`
	}
	return `"` + g + `"`
}

func (b *bindingEntry) grant(re ruleEntry, via string) Grant {
	return Grant{
		BindingKind:      b.kind,
		BindingNamespace: b.namespace,
		BindingName:      b.name,
		RoleKind:         b.roleRef.Kind,
		RoleName:         b.roleRef.Name,
		Rule:             *re.rule.DeepCopy(),
		Via:              via,
		AggregatedFrom:   re.aggregatedFrom,
	}
}

// via names the first of the binding's subjects that matches, the one the
// authorizer's appliesTo would stop at, or "" when none does.
func (b *bindingEntry) via(s Subject) string {
	for _, subject := range b.subjects {
		if appliesTo(subject, b.namespace, s) {
			return describeSubject(subject, b.namespace)
		}
	}
	return ""
}

func (b *bindingEntry) describeSubjects() string {
	if len(b.subjects) == 0 {
		return "no subjects"
	}
	names := make([]string, len(b.subjects))
	for i, subject := range b.subjects {
		names[i] = describeSubject(subject, b.namespace)
	}
	return strings.Join(names, ", ")
}

// namesSomeoneNear keeps cluster-wide near misses to bindings a user could
// have meant: a ServiceAccount in the request's or the subject's namespace or
// with the subject's name, or a user or group that is not a built-in system:
// identity. Without it every controller's ClusterRoleBinding would be listed.
func (b *bindingEntry) namesSomeoneNear(s Subject, namespace string) bool {
	saNamespace, saName, isSA := s.serviceAccountNamespaceAndName()
	for _, subject := range b.subjects {
		switch subject.Kind {
		case rbacv1.ServiceAccountKind:
			if subject.Namespace == namespace || (isSA && (subject.Namespace == saNamespace || subject.Name == saName)) {
				return true
			}
		case rbacv1.UserKind, rbacv1.GroupKind:
			if !strings.HasPrefix(subject.Name, "system:") || subject.Name == serviceAccountGroupPrefix+namespace {
				return true
			}
		}
	}
	return false
}

func (b *bindingEntry) describe() string {
	if b.kind == kindClusterRoleBinding {
		return kindClusterRoleBinding + " " + b.name
	}
	return kindRoleBinding + " " + b.namespace + "/" + b.name
}

func (b *bindingEntry) describeRole() string {
	if b.roleRef.Kind == kindRole {
		return kindRole + " " + b.namespace + "/" + b.roleRef.Name
	}
	return b.roleRef.Kind + " " + b.roleRef.Name
}

func (b *bindingEntry) missingRoleDetail() string {
	switch {
	case b.roleRef.Kind == kindRole && b.kind == kindClusterRoleBinding:
		return fmt.Sprintf("%s refers to Role %s, but a ClusterRoleBinding can only use a ClusterRole, so it grants nothing", b.describe(), b.roleRef.Name)
	case b.roleRef.Kind != kindRole && b.roleRef.Kind != kindClusterRole:
		return fmt.Sprintf("%s refers to roleRef kind %q, which is neither Role nor ClusterRole, so it grants nothing", b.describe(), b.roleRef.Kind)
	default:
		return fmt.Sprintf("%s refers to %s, which is not in the dump, so it grants nothing", b.describe(), b.describeRole())
	}
}
