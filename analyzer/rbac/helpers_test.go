package rbac

import (
	"fmt"

	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// objects is a dump's RBAC content, built with the helpers below.
type objects struct {
	roles               []rbacv1.Role
	clusterRoles        []rbacv1.ClusterRole
	roleBindings        []rbacv1.RoleBinding
	clusterRoleBindings []rbacv1.ClusterRoleBinding
}

func (o objects) policy() *Policy {
	return NewPolicy(o.roles, o.clusterRoles, o.roleBindings, o.clusterRoleBindings)
}

func l(s ...string) []string { return s }

func rule(verbs, groups, resources []string, names ...string) rbacv1.PolicyRule {
	return rbacv1.PolicyRule{Verbs: verbs, APIGroups: groups, Resources: resources, ResourceNames: names}
}

var (
	getSecrets     = rule(l("get"), l(""), l("secrets"))
	getListSecrets = rule(l("get", "list"), l(""), l("secrets"))
)

func role(ns, name string, rules ...rbacv1.PolicyRule) rbacv1.Role {
	return rbacv1.Role{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name}, Rules: rules}
}

func clusterRole(name string, rules ...rbacv1.PolicyRule) rbacv1.ClusterRole {
	return rbacv1.ClusterRole{ObjectMeta: metav1.ObjectMeta{Name: name}, Rules: rules}
}

// aggregated is a ClusterRole with an aggregationRule selecting matchLabels
// key=value, carrying the given labels itself.
func aggregated(name string, own map[string]string, selectKey, selectValue string, rules ...rbacv1.PolicyRule) rbacv1.ClusterRole {
	cr := clusterRole(name, rules...)
	cr.Labels = own
	cr.AggregationRule = &rbacv1.AggregationRule{ClusterRoleSelectors: []metav1.LabelSelector{{MatchLabels: map[string]string{selectKey: selectValue}}}}
	return cr
}

func labelled(cr rbacv1.ClusterRole, key, value string) rbacv1.ClusterRole {
	cr.Labels = map[string]string{key: value}
	return cr
}

func roleBinding(ns, name, roleKind, roleName string, subjects ...rbacv1.Subject) rbacv1.RoleBinding {
	return rbacv1.RoleBinding{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: roleKind, Name: roleName},
		Subjects:   subjects,
	}
}

func clusterRoleBinding(name, roleKind, roleName string, subjects ...rbacv1.Subject) rbacv1.ClusterRoleBinding {
	return rbacv1.ClusterRoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: roleKind, Name: roleName},
		Subjects:   subjects,
	}
}

func saSubject(ns, name string) rbacv1.Subject {
	return rbacv1.Subject{Kind: rbacv1.ServiceAccountKind, Namespace: ns, Name: name}
}

func userSubject(name string) rbacv1.Subject {
	return rbacv1.Subject{Kind: rbacv1.UserKind, APIGroup: rbacv1.GroupName, Name: name}
}

func groupSubject(name string) rbacv1.Subject {
	return rbacv1.Subject{Kind: rbacv1.GroupKind, APIGroup: rbacv1.GroupName, Name: name}
}

// grantString renders a grant compactly for table comparisons.
func grantString(g Grant) string {
	s := fmt.Sprintf("%s %s/%s -> %s %s via %s", g.BindingKind, g.BindingNamespace, g.BindingName, g.RoleKind, g.RoleName, g.Via)
	if g.AggregatedFrom != "" {
		s += " from " + g.AggregatedFrom
	}
	return s
}

func missString(m NearMiss) string {
	return fmt.Sprintf("%s %s %s/%s", m.Kind, m.BindingKind, m.BindingNamespace, m.BindingName)
}
