// Package rbac answers "may this identity do VERB on RESOURCE/NAME in
// NAMESPACE?" from dumped RBAC objects, with the Kubernetes RBAC authorizer's
// semantics, and explains the answer: which bindings grant it or, when
// nothing does, which nearly did.
//
// The rule comparison itself is k8s.io/component-helpers/auth/rbac/validation
// (Covers), the maintained copy of the authorizer's matching; this package
// adds subject matching, binding/role resolution and aggregation the way
// pkg/registry/rbac/validation.DefaultRuleResolver and the ClusterRole
// aggregation controller do them.
package rbac

import (
	"fmt"
	"sort"

	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
)

const (
	kindRole               = "Role"
	kindClusterRole        = "ClusterRole"
	kindRoleBinding        = "RoleBinding"
	kindClusterRoleBinding = "ClusterRoleBinding"
)

// Policy indexes dumped RBAC objects once so that each Authorize call only
// touches the bindings that name the subject. It is read-only after
// NewPolicy and safe for concurrent use.
type Policy struct {
	roles        map[string]*roleEntry // by namespace + "/" + name
	clusterRoles map[string]*roleEntry // by name

	// Bindings naming a subject, the lookups Authorize makes.
	clusterBindingsBySubject map[subjectKey][]*bindingEntry
	roleBindingsBySubject    map[string]map[subjectKey][]*bindingEntry // namespace -> key

	// Lookups used only to explain a denial.
	roleBindingsByNamespace map[string][]*bindingEntry
	clusterRoleBindings     []*bindingEntry
	anyNamespaceBySubject   map[subjectKey][]*bindingEntry // RoleBindings of all namespaces

	objects  int
	warnings []string
}

type roleEntry struct {
	kind, namespace, name string
	rules                 []ruleEntry
}

type ruleEntry struct {
	rule           rbacv1.PolicyRule
	aggregatedFrom string // ClusterRole the rule was aggregated from, if resolved here
}

type bindingEntry struct {
	kind, namespace, name string
	roleRef               rbacv1.RoleRef
	subjects              []rbacv1.Subject
	role                  *roleEntry // nil when the roleRef resolves to nothing
	rank                  int        // position in a total order, so results never depend on map order
}

// NewPolicy indexes the dumped objects. The inputs are copied; later changes
// to them do not affect the Policy. When the dump holds two objects with the
// same identity, the last one wins, as a later write would on a cluster.
func NewPolicy(roles []rbacv1.Role, clusterRoles []rbacv1.ClusterRole, roleBindings []rbacv1.RoleBinding, clusterRoleBindings []rbacv1.ClusterRoleBinding) *Policy {
	p := &Policy{
		roles:                    make(map[string]*roleEntry, len(roles)),
		clusterRoles:             make(map[string]*roleEntry, len(clusterRoles)),
		clusterBindingsBySubject: map[subjectKey][]*bindingEntry{},
		roleBindingsBySubject:    map[string]map[subjectKey][]*bindingEntry{},
		roleBindingsByNamespace:  map[string][]*bindingEntry{},
		anyNamespaceBySubject:    map[subjectKey][]*bindingEntry{},
		objects:                  len(roles) + len(clusterRoles) + len(roleBindings) + len(clusterRoleBindings),
	}

	for i := range roles {
		r := &roles[i]
		p.roles[r.Namespace+"/"+r.Name] = &roleEntry{kind: kindRole, namespace: r.Namespace, name: r.Name, rules: copyRules(r.Rules, "")}
	}
	p.indexClusterRoles(clusterRoles)

	// Bindings in one total order (ClusterRoleBindings first, as the
	// authorizer visits them, then RoleBindings by namespace and name).
	var bindings []*bindingEntry
	for i := range clusterRoleBindings {
		b := &clusterRoleBindings[i]
		bindings = append(bindings, &bindingEntry{kind: kindClusterRoleBinding, name: b.Name, roleRef: b.RoleRef, subjects: copySubjects(b.Subjects)})
	}
	for i := range roleBindings {
		b := &roleBindings[i]
		bindings = append(bindings, &bindingEntry{kind: kindRoleBinding, namespace: b.Namespace, name: b.Name, roleRef: b.RoleRef, subjects: copySubjects(b.Subjects)})
	}
	bindings = dedupeBindings(bindings)
	sort.SliceStable(bindings, func(i, j int) bool { return bindingLess(bindings[i], bindings[j]) })

	for rank, b := range bindings {
		b.rank = rank
		b.role = p.resolveRoleRef(b)
		if b.kind == kindClusterRoleBinding {
			p.clusterRoleBindings = append(p.clusterRoleBindings, b)
		} else {
			p.roleBindingsByNamespace[b.namespace] = append(p.roleBindingsByNamespace[b.namespace], b)
		}
		for _, subject := range b.subjects {
			key, ok := keyForSubject(subject, b.namespace)
			if !ok {
				continue
			}
			if b.kind == kindClusterRoleBinding {
				p.clusterBindingsBySubject[key] = appendOnce(p.clusterBindingsBySubject[key], b)
				continue
			}
			byKey := p.roleBindingsBySubject[b.namespace]
			if byKey == nil {
				byKey = map[subjectKey][]*bindingEntry{}
				p.roleBindingsBySubject[b.namespace] = byKey
			}
			byKey[key] = appendOnce(byKey[key], b)
			p.anyNamespaceBySubject[key] = appendOnce(p.anyNamespaceBySubject[key], b)
		}
	}
	return p
}

// Empty reports whether the dump held no RBAC objects at all, in which case
// no answer about permissions can be given.
func (p *Policy) Empty() bool { return p.objects == 0 }

// Warnings lists what the Policy could not use, such as an aggregationRule
// selector that does not parse.
func (p *Policy) Warnings() []string { return append([]string(nil), p.warnings...) }

// indexClusterRoles stores ClusterRoles, filling in the rules of aggregated
// ones the dump holds without rules, as the aggregation controller would.
func (p *Policy) indexClusterRoles(clusterRoles []rbacv1.ClusterRole) {
	byName := make(map[string]*rbacv1.ClusterRole, len(clusterRoles))
	for i := range clusterRoles {
		byName[clusterRoles[i].Name] = &clusterRoles[i]
	}
	names := make([]string, 0, len(byName))
	for name := range byName {
		names = append(names, name)
	}
	sort.Strings(names) // the controller visits matches sorted by name

	for _, name := range names {
		cr := byName[name]
		entry := &roleEntry{kind: kindClusterRole, name: name}
		if needsAggregation(cr) {
			entry.rules, _ = aggregate(cr, byName, names, map[string]bool{})
			p.warnings = append(p.warnings, selectorWarnings(cr)...)
		} else {
			entry.rules = copyRules(cr.Rules, "")
		}
		p.clusterRoles[name] = entry
	}
}

// needsAggregation: a live cluster's controller has already written the union
// into rules, so only an aggregated ClusterRole dumped without rules is
// resolved here.
func needsAggregation(cr *rbacv1.ClusterRole) bool {
	return cr.AggregationRule != nil && len(cr.Rules) == 0
}

// aggregate collects the rules of the ClusterRoles cr's selectors match,
// following ClusterRoleAggregationController.syncClusterRole: selectors in
// order, matches sorted by name, the role itself skipped, equal rules kept
// once, and no rules at all when a selector does not parse (the controller
// gives up on that role). Matches that are themselves unresolved aggregates
// are resolved recursively; the shared visited set makes cycles terminate.
func aggregate(cr *rbacv1.ClusterRole, byName map[string]*rbacv1.ClusterRole, sortedNames []string, visited map[string]bool) ([]ruleEntry, bool) {
	visited[cr.Name] = true
	selectors := make([]labels.Selector, 0, len(cr.AggregationRule.ClusterRoleSelectors))
	for i := range cr.AggregationRule.ClusterRoleSelectors {
		selector, err := metav1.LabelSelectorAsSelector(&cr.AggregationRule.ClusterRoleSelectors[i])
		if err != nil {
			return nil, false
		}
		selectors = append(selectors, selector)
	}
	var out []ruleEntry
	add := func(rule rbacv1.PolicyRule, from string) {
		if !ruleExists(out, rule) {
			out = append(out, ruleEntry{rule: *rule.DeepCopy(), aggregatedFrom: from})
		}
	}
	for _, selector := range selectors {
		for _, name := range sortedNames {
			match := byName[name]
			if visited[name] || !selector.Matches(labels.Set(match.Labels)) {
				continue
			}
			if needsAggregation(match) {
				nested, _ := aggregate(match, byName, sortedNames, visited)
				for _, re := range nested {
					add(re.rule, re.aggregatedFrom)
				}
				continue
			}
			visited[name] = true
			for _, rule := range match.Rules {
				add(rule, name)
			}
		}
	}
	return out, true
}

// selectorWarnings reports aggregationRule selectors that do not parse; the
// apiserver rejects them, so they only come from hand-written files.
func selectorWarnings(cr *rbacv1.ClusterRole) []string {
	var out []string
	for i := range cr.AggregationRule.ClusterRoleSelectors {
		if _, err := metav1.LabelSelectorAsSelector(&cr.AggregationRule.ClusterRoleSelectors[i]); err != nil {
			out = append(out, fmt.Sprintf("ClusterRole %s: aggregationRule selector %d does not parse, so the role gets no rules: %v", cr.Name, i, err))
		}
	}
	return out
}

func ruleExists(rules []ruleEntry, rule rbacv1.PolicyRule) bool {
	for _, r := range rules {
		if equality.Semantic.DeepEqual(r.rule, rule) {
			return true
		}
	}
	return false
}

// resolveRoleRef follows DefaultRuleResolver.GetRoleReferenceRules: a Role is
// looked up in the binding's namespace (none for a ClusterRoleBinding, so it
// is never found), a ClusterRole by name. The roleRef apiGroup is not checked
// there either.
func (p *Policy) resolveRoleRef(b *bindingEntry) *roleEntry {
	switch b.roleRef.Kind {
	case kindRole:
		if b.kind == kindClusterRoleBinding {
			return nil
		}
		return p.roles[b.namespace+"/"+b.roleRef.Name]
	case kindClusterRole:
		return p.clusterRoles[b.roleRef.Name]
	default:
		return nil
	}
}

func bindingLess(a, b *bindingEntry) bool {
	if a.kind != b.kind {
		return a.kind == kindClusterRoleBinding
	}
	if a.namespace != b.namespace {
		return a.namespace < b.namespace
	}
	return a.name < b.name
}

// dedupeBindings keeps the last of several bindings with the same identity.
func dedupeBindings(bindings []*bindingEntry) []*bindingEntry {
	type id struct{ kind, namespace, name string }
	last := make(map[id]int, len(bindings))
	for i, b := range bindings {
		last[id{b.kind, b.namespace, b.name}] = i
	}
	if len(last) == len(bindings) {
		return bindings
	}
	out := make([]*bindingEntry, 0, len(last))
	for i, b := range bindings {
		if last[id{b.kind, b.namespace, b.name}] == i {
			out = append(out, b)
		}
	}
	return out
}

// appendOnce skips a binding already filed under the key, which happens when
// it names the same identity twice; bindings arrive in rank order, so checking
// the last element is enough.
func appendOnce(list []*bindingEntry, b *bindingEntry) []*bindingEntry {
	if n := len(list); n > 0 && list[n-1] == b {
		return list
	}
	return append(list, b)
}

func copyRules(rules []rbacv1.PolicyRule, aggregatedFrom string) []ruleEntry {
	out := make([]ruleEntry, len(rules))
	for i := range rules {
		out[i] = ruleEntry{rule: *rules[i].DeepCopy(), aggregatedFrom: aggregatedFrom}
	}
	return out
}

func copySubjects(subjects []rbacv1.Subject) []rbacv1.Subject {
	return append([]rbacv1.Subject(nil), subjects...)
}
