package rbac

import (
	"reflect"
	"strings"
	"testing"

	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// The expected answers are those of the kube-apiserver RBAC authorizer
// (plugin/pkg/auth/authorizer/rbac with DefaultRuleResolver) for the same
// objects and request.
func TestAuthorize(t *testing.T) {
	web := ServiceAccount("shop", "web")
	getDB := Request{Verb: "get", Resource: "secrets", Namespace: "shop", Name: "db-creds"}
	in := func(r Request, ns string) Request { r.Namespace = ns; return r }
	named := func(r Request, name string) Request { r.Name = name; return r }
	verb := func(r Request, v string) Request { r.Verb = v; return r }
	listShop := Request{Verb: "list", Resource: "secrets", Namespace: "shop"}
	podLog := Request{Verb: "get", Resource: "pods", Subresource: "log", Namespace: "shop", Name: "web-0"}

	readerRole := []rbacv1.Role{role("shop", "secret-reader", getSecrets)}
	readerClusterRole := []rbacv1.ClusterRole{clusterRole("secret-reader", getListSecrets)}
	aggKey, aggTrue := "rbac.example.com/aggregate-to-secrets", "true"

	tests := []struct {
		name    string
		objs    objects
		subject Subject
		req     Request
		allowed bool
		grants  []string
		misses  []string
	}{
		// --- Subject matching (appliesToUser) ---
		{
			// ServiceAccount subject: namespace and name equal the SA's.
			name:    "sa subject in rolebinding",
			objs:    objects{roles: readerRole, roleBindings: []rbacv1.RoleBinding{roleBinding("shop", "read", "Role", "secret-reader", saSubject("shop", "web"))}},
			subject: web, req: getDB, allowed: true,
			grants: l("RoleBinding shop/read -> Role secret-reader via ServiceAccount shop/web"),
		},
		{
			// Every SA token carries the group system:serviceaccounts.
			name:    "group system:serviceaccounts",
			objs:    objects{clusterRoles: readerClusterRole, clusterRoleBindings: []rbacv1.ClusterRoleBinding{clusterRoleBinding("all-sa", "ClusterRole", "secret-reader", groupSubject("system:serviceaccounts"))}},
			subject: web, req: getDB, allowed: true,
			grants: l("ClusterRoleBinding /all-sa -> ClusterRole secret-reader via Group system:serviceaccounts"),
		},
		{
			// ... and system:serviceaccounts:<its namespace>.
			name:    "group system:serviceaccounts:shop",
			objs:    objects{roles: readerRole, roleBindings: []rbacv1.RoleBinding{roleBinding("shop", "shop-sas", "Role", "secret-reader", groupSubject("system:serviceaccounts:shop"))}},
			subject: web, req: getDB, allowed: true,
			grants: l("RoleBinding shop/shop-sas -> Role secret-reader via Group system:serviceaccounts:shop"),
		},
		{
			// The namespace group of another namespace does not include the SA.
			name:    "group system:serviceaccounts:other does not match",
			objs:    objects{roles: readerRole, roleBindings: []rbacv1.RoleBinding{roleBinding("shop", "other-sas", "Role", "secret-reader", groupSubject("system:serviceaccounts:other"))}},
			subject: web, req: getDB, allowed: false,
			misses: l("binding-to-other-subject RoleBinding shop/other-sas"),
		},
		{
			// SA tokens are authenticated, so system:authenticated applies.
			name:    "group system:authenticated",
			objs:    objects{clusterRoles: readerClusterRole, clusterRoleBindings: []rbacv1.ClusterRoleBinding{clusterRoleBinding("everyone", "ClusterRole", "secret-reader", groupSubject("system:authenticated"))}},
			subject: web, req: getDB, allowed: true,
			grants: l("ClusterRoleBinding /everyone -> ClusterRole secret-reader via Group system:authenticated"),
		},
		{
			// The anonymous user is in system:unauthenticated, not system:authenticated.
			name:    "anonymous is not authenticated",
			objs:    objects{clusterRoles: readerClusterRole, clusterRoleBindings: []rbacv1.ClusterRoleBinding{clusterRoleBinding("everyone", "ClusterRole", "secret-reader", groupSubject("system:authenticated"))}},
			subject: ParseUser("system:anonymous"), req: getDB, allowed: false,
		},
		{
			// User subject: name equality.
			name:    "user subject",
			objs:    objects{roles: readerRole, roleBindings: []rbacv1.RoleBinding{roleBinding("shop", "alice-read", "Role", "secret-reader", userSubject("alice"))}},
			subject: ParseUser("alice"), req: getDB, allowed: true,
			grants: l("RoleBinding shop/alice-read -> Role secret-reader via User alice"),
		},
		{
			// User subject naming someone else.
			name:    "user subject for another user",
			objs:    objects{roles: readerRole, roleBindings: []rbacv1.RoleBinding{roleBinding("shop", "alice-read", "Role", "secret-reader", userSubject("alice"))}},
			subject: ParseUser("bob"), req: getDB, allowed: false,
			misses: l("binding-to-other-subject RoleBinding shop/alice-read"),
		},
		{
			// A User subject spelling the SA's user name matches it: the authorizer compares user names.
			name:    "user subject with the sa user name",
			objs:    objects{roles: readerRole, roleBindings: []rbacv1.RoleBinding{roleBinding("shop", "read", "Role", "secret-reader", userSubject("system:serviceaccount:shop:web"))}},
			subject: web, req: getDB, allowed: true,
			grants: l("RoleBinding shop/read -> Role secret-reader via User system:serviceaccount:shop:web"),
		},
		{
			// A ServiceAccount subject without namespace takes the RoleBinding's namespace.
			name:    "sa subject without namespace in rolebinding",
			objs:    objects{roles: readerRole, roleBindings: []rbacv1.RoleBinding{roleBinding("shop", "read", "Role", "secret-reader", rbacv1.Subject{Kind: "ServiceAccount", Name: "web"})}},
			subject: web, req: getDB, allowed: true,
			grants: l("RoleBinding shop/read -> Role secret-reader via ServiceAccount shop/web"),
		},
		{
			// ... but in a ClusterRoleBinding there is no namespace to default to: it matches nobody.
			name:    "sa subject without namespace in clusterrolebinding",
			objs:    objects{clusterRoles: readerClusterRole, clusterRoleBindings: []rbacv1.ClusterRoleBinding{clusterRoleBinding("read", "ClusterRole", "secret-reader", rbacv1.Subject{Kind: "ServiceAccount", Name: "web"})}},
			subject: web, req: getDB, allowed: false,
			misses: l("binding-to-other-subject ClusterRoleBinding /read"),
		},
		{
			// Subject kinds are compared exactly; "serviceaccount" is no kind the authorizer knows.
			name:    "subject kind is case-sensitive",
			objs:    objects{roles: readerRole, roleBindings: []rbacv1.RoleBinding{roleBinding("shop", "read", "Role", "secret-reader", rbacv1.Subject{Kind: "serviceaccount", Namespace: "shop", Name: "web"})}},
			subject: web, req: getDB, allowed: false,
			misses: l("binding-to-other-subject RoleBinding shop/read"),
		},
		{
			// An SA of the same name in another namespace is another user.
			name:    "same-name sa in another namespace",
			objs:    objects{roles: readerRole, roleBindings: []rbacv1.RoleBinding{roleBinding("shop", "read", "Role", "secret-reader", saSubject("other", "web"))}},
			subject: web, req: getDB, allowed: false,
			misses: l("binding-to-other-subject RoleBinding shop/read"),
		},
		{
			// Same, cluster-wide: the ClusterRoleBinding is reported because it names an SA called web.
			name:    "same-name sa in another namespace via clusterrolebinding",
			objs:    objects{clusterRoles: readerClusterRole, clusterRoleBindings: []rbacv1.ClusterRoleBinding{clusterRoleBinding("read", "ClusterRole", "secret-reader", saSubject("other", "web"))}},
			subject: web, req: getDB, allowed: false,
			misses: l("binding-to-other-subject ClusterRoleBinding /read"),
		},
		{
			// The usual mistake: the Role is bound to the default SA, the pod runs as web.
			name:    "default sa bound instead of web",
			objs:    objects{roles: readerRole, roleBindings: []rbacv1.RoleBinding{roleBinding("shop", "read", "Role", "secret-reader", saSubject("shop", "default"))}},
			subject: web, req: getDB, allowed: false,
			misses: l("binding-to-other-subject RoleBinding shop/read"),
		},
		{
			// Controllers' ClusterRoleBindings to system identities are not suggested.
			name: "system clusterrolebindings are not near misses",
			objs: objects{clusterRoles: readerClusterRole, clusterRoleBindings: []rbacv1.ClusterRoleBinding{
				clusterRoleBinding("system:controller:x", "ClusterRole", "secret-reader", saSubject("kube-system", "x-controller")),
				clusterRoleBinding("system:kcm", "ClusterRole", "secret-reader", userSubject("system:kube-controller-manager")),
			}},
			subject: web, req: getDB, allowed: false,
		},
		{
			// Node users carry system:nodes.
			name:    "node user via system:nodes",
			objs:    objects{clusterRoles: readerClusterRole, clusterRoleBindings: []rbacv1.ClusterRoleBinding{clusterRoleBinding("nodes", "ClusterRole", "secret-reader", groupSubject("system:nodes"))}},
			subject: ParseUser("system:node:n1"), req: getDB, allowed: true,
			grants: l("ClusterRoleBinding /nodes -> ClusterRole secret-reader via Group system:nodes"),
		},

		// --- Binding scope ---
		{
			// A RoleBinding may use a ClusterRole; it grants in the binding's namespace.
			name:    "clusterrole via rolebinding in its namespace",
			objs:    objects{clusterRoles: readerClusterRole, roleBindings: []rbacv1.RoleBinding{roleBinding("shop", "read", "ClusterRole", "secret-reader", saSubject("shop", "web"))}},
			subject: web, req: getDB, allowed: true,
			grants: l("RoleBinding shop/read -> ClusterRole secret-reader via ServiceAccount shop/web"),
		},
		{
			// ... and nowhere else.
			name:    "clusterrole via rolebinding in another namespace",
			objs:    objects{clusterRoles: readerClusterRole, roleBindings: []rbacv1.RoleBinding{roleBinding("shop", "read", "ClusterRole", "secret-reader", saSubject("shop", "web"))}},
			subject: web, req: in(getDB, "billing"), allowed: false,
			misses: l("other-namespace RoleBinding shop/read"),
		},
		{
			// A RoleBinding never grants a cluster-wide request (list across namespaces).
			name:    "rolebinding does not grant cluster-wide list",
			objs:    objects{clusterRoles: readerClusterRole, roleBindings: []rbacv1.RoleBinding{roleBinding("shop", "read", "ClusterRole", "secret-reader", saSubject("shop", "web"))}},
			subject: web, req: in(listShop, ""), allowed: false,
			misses: l("other-namespace RoleBinding shop/read"),
		},
		{
			// A ClusterRoleBinding grants in every namespace ...
			name:    "clusterrolebinding in another namespace",
			objs:    objects{clusterRoles: readerClusterRole, clusterRoleBindings: []rbacv1.ClusterRoleBinding{clusterRoleBinding("read", "ClusterRole", "secret-reader", saSubject("shop", "web"))}},
			subject: web, req: in(getDB, "kube-system"), allowed: true,
			grants: l("ClusterRoleBinding /read -> ClusterRole secret-reader via ServiceAccount shop/web"),
		},
		{
			// ... and cluster-wide.
			name:    "clusterrolebinding grants cluster-wide list",
			objs:    objects{clusterRoles: readerClusterRole, clusterRoleBindings: []rbacv1.ClusterRoleBinding{clusterRoleBinding("read", "ClusterRole", "secret-reader", saSubject("shop", "web"))}},
			subject: web, req: in(listShop, ""), allowed: true,
			grants: l("ClusterRoleBinding /read -> ClusterRole secret-reader via ServiceAccount shop/web"),
		},
		{
			// Every allowing rule is listed, ClusterRoleBindings first as the authorizer visits them.
			name: "all grants listed in visit order",
			objs: objects{
				roles:               []rbacv1.Role{role("shop", "secret-reader", getSecrets, rule(l("*"), l(""), l("secrets")))},
				clusterRoles:        readerClusterRole,
				roleBindings:        []rbacv1.RoleBinding{roleBinding("shop", "read", "Role", "secret-reader", saSubject("shop", "web"), groupSubject("system:serviceaccounts"))},
				clusterRoleBindings: []rbacv1.ClusterRoleBinding{clusterRoleBinding("z-read", "ClusterRole", "secret-reader", saSubject("shop", "web"))},
			},
			subject: web, req: getDB, allowed: true,
			grants: l(
				"ClusterRoleBinding /z-read -> ClusterRole secret-reader via ServiceAccount shop/web",
				"RoleBinding shop/read -> Role secret-reader via ServiceAccount shop/web",
				"RoleBinding shop/read -> Role secret-reader via ServiceAccount shop/web",
			),
		},

		// --- Rule matching (RuleAllows) ---
		{
			// verbs: ["*"] allows any verb.
			name:    "verb wildcard",
			objs:    objects{roles: []rbacv1.Role{role("shop", "r", rule(l("*"), l(""), l("secrets")))}, roleBindings: []rbacv1.RoleBinding{roleBinding("shop", "b", "Role", "r", saSubject("shop", "web"))}},
			subject: web, req: verb(getDB, "delete"), allowed: true,
			grants: l("RoleBinding shop/b -> Role r via ServiceAccount shop/web"),
		},
		{
			// apiGroups: ["*"] includes the core group.
			name:    "apigroup wildcard",
			objs:    objects{roles: []rbacv1.Role{role("shop", "r", rule(l("get"), l("*"), l("secrets")))}, roleBindings: []rbacv1.RoleBinding{roleBinding("shop", "b", "Role", "r", saSubject("shop", "web"))}},
			subject: web, req: getDB, allowed: true,
			grants: l("RoleBinding shop/b -> Role r via ServiceAccount shop/web"),
		},
		{
			// resources: ["*"] includes secrets.
			name:    "resource wildcard",
			objs:    objects{roles: []rbacv1.Role{role("shop", "r", rule(l("get"), l(""), l("*")))}, roleBindings: []rbacv1.RoleBinding{roleBinding("shop", "b", "Role", "r", saSubject("shop", "web"))}},
			subject: web, req: getDB, allowed: true,
			grants: l("RoleBinding shop/b -> Role r via ServiceAccount shop/web"),
		},
		{
			// Secrets are in the core group; a rule for "apps" does not reach them.
			name:    "apigroup mismatch",
			objs:    objects{roles: []rbacv1.Role{role("shop", "r", rule(l("get"), l("apps"), l("secrets")))}, roleBindings: []rbacv1.RoleBinding{roleBinding("shop", "b", "Role", "r", saSubject("shop", "web"))}},
			subject: web, req: getDB, allowed: false,
			misses: l("api-group RoleBinding shop/b"),
		},
		{
			// "*" resources in another group deny too, without a near miss: nothing names secrets.
			name:    "apigroup mismatch with resource wildcard",
			objs:    objects{roles: []rbacv1.Role{role("shop", "r", rule(l("get"), l("apps"), l("*")))}, roleBindings: []rbacv1.RoleBinding{roleBinding("shop", "b", "Role", "r", saSubject("shop", "web"))}},
			subject: web, req: getDB, allowed: false,
		},
		{
			// A rule without the requested verb.
			name:    "verb mismatch",
			objs:    objects{roles: readerRole, roleBindings: []rbacv1.RoleBinding{roleBinding("shop", "read", "Role", "secret-reader", saSubject("shop", "web"))}},
			subject: web, req: listShop, allowed: false,
			misses: l("verb RoleBinding shop/read"),
		},
		{
			// resourceNames: the named Secret is allowed ...
			name:    "resourcenames allow the named secret",
			objs:    objects{roles: []rbacv1.Role{role("shop", "r", rule(l("get", "list"), l(""), l("secrets"), "db-creds"))}, roleBindings: []rbacv1.RoleBinding{roleBinding("shop", "b", "Role", "r", saSubject("shop", "web"))}},
			subject: web, req: getDB, allowed: true,
			grants: l("RoleBinding shop/b -> Role r via ServiceAccount shop/web"),
		},
		{
			// ... another one is not ...
			name:    "resourcenames deny another secret",
			objs:    objects{roles: []rbacv1.Role{role("shop", "r", rule(l("get", "list"), l(""), l("secrets"), "db-creds"))}, roleBindings: []rbacv1.RoleBinding{roleBinding("shop", "b", "Role", "r", saSubject("shop", "web"))}},
			subject: web, req: named(getDB, "api-key"), allowed: false,
			misses: l("resource-names RoleBinding shop/b"),
		},
		{
			// ... nor a list without a name, even with list in the verbs.
			name:    "resourcenames deny nameless list",
			objs:    objects{roles: []rbacv1.Role{role("shop", "r", rule(l("get", "list"), l(""), l("secrets"), "db-creds"))}, roleBindings: []rbacv1.RoleBinding{roleBinding("shop", "b", "Role", "r", saSubject("shop", "web"))}},
			subject: web, req: listShop, allowed: false,
			misses: l("resource-names RoleBinding shop/b"),
		},
		{
			// A watch with fieldSelector metadata.name=db-creds carries the name, so it matches.
			name:    "resourcenames allow watch by name",
			objs:    objects{roles: []rbacv1.Role{role("shop", "r", rule(l("watch"), l(""), l("secrets"), "db-creds"))}, roleBindings: []rbacv1.RoleBinding{roleBinding("shop", "b", "Role", "r", saSubject("shop", "web"))}},
			subject: web, req: verb(getDB, "watch"), allowed: true,
			grants: l("RoleBinding shop/b -> Role r via ServiceAccount shop/web"),
		},
		{
			// create has no name at authorization time, so resourceNames never allow it.
			name:    "resourcenames deny create",
			objs:    objects{roles: []rbacv1.Role{role("shop", "r", rule(l("create"), l(""), l("secrets"), "db-creds"))}, roleBindings: []rbacv1.RoleBinding{roleBinding("shop", "b", "Role", "r", saSubject("shop", "web"))}},
			subject: web, req: named(verb(getDB, "create"), ""), allowed: false,
			misses: l("resource-names RoleBinding shop/b"),
		},

		// --- Subresources (ResourceMatches) ---
		{
			// "pods/log" allows the log subresource.
			name:    "subresource exact",
			objs:    objects{roles: []rbacv1.Role{role("shop", "r", rule(l("get"), l(""), l("pods/log")))}, roleBindings: []rbacv1.RoleBinding{roleBinding("shop", "b", "Role", "r", saSubject("shop", "web"))}},
			subject: web, req: podLog, allowed: true,
			grants: l("RoleBinding shop/b -> Role r via ServiceAccount shop/web"),
		},
		{
			// "pods" does not include its subresources.
			name:    "resource does not cover subresource",
			objs:    objects{roles: []rbacv1.Role{role("shop", "r", rule(l("get"), l(""), l("pods")))}, roleBindings: []rbacv1.RoleBinding{roleBinding("shop", "b", "Role", "r", saSubject("shop", "web"))}},
			subject: web, req: podLog, allowed: false,
		},
		{
			// "pods/log" does not include the pod itself.
			name:    "subresource does not cover resource",
			objs:    objects{roles: []rbacv1.Role{role("shop", "r", rule(l("get"), l(""), l("pods/log")))}, roleBindings: []rbacv1.RoleBinding{roleBinding("shop", "b", "Role", "r", saSubject("shop", "web"))}},
			subject: web, req: Request{Verb: "get", Resource: "pods", Namespace: "shop", Name: "web-0"}, allowed: false,
		},
		{
			// "*/log" allows the log subresource of any resource.
			name:    "star slash subresource",
			objs:    objects{roles: []rbacv1.Role{role("shop", "r", rule(l("get"), l(""), l("*/log")))}, roleBindings: []rbacv1.RoleBinding{roleBinding("shop", "b", "Role", "r", saSubject("shop", "web"))}},
			subject: web, req: podLog, allowed: true,
			grants: l("RoleBinding shop/b -> Role r via ServiceAccount shop/web"),
		},
		{
			// "*" allows subresources too.
			name:    "resource wildcard covers subresource",
			objs:    objects{roles: []rbacv1.Role{role("shop", "r", rule(l("get"), l(""), l("*")))}, roleBindings: []rbacv1.RoleBinding{roleBinding("shop", "b", "Role", "r", saSubject("shop", "web"))}},
			subject: web, req: podLog, allowed: true,
			grants: l("RoleBinding shop/b -> Role r via ServiceAccount shop/web"),
		},
		{
			// The authorizer has no "resource/*" form: "pods/*" is a literal that matches nothing real.
			name:    "resource slash star is literal",
			objs:    objects{roles: []rbacv1.Role{role("shop", "r", rule(l("get"), l(""), l("pods/*")))}, roleBindings: []rbacv1.RoleBinding{roleBinding("shop", "b", "Role", "r", saSubject("shop", "web"))}},
			subject: web, req: podLog, allowed: false,
		},
		{
			// TokenRequest is create on serviceaccounts/token, named after the SA.
			name:    "serviceaccount token subresource",
			objs:    objects{roles: []rbacv1.Role{role("shop", "r", rule(l("create"), l(""), l("serviceaccounts/token"), "web"))}, roleBindings: []rbacv1.RoleBinding{roleBinding("shop", "b", "Role", "r", saSubject("shop", "web"))}},
			subject: web, req: Request{Verb: "create", Resource: "serviceaccounts", Subresource: "token", Namespace: "shop", Name: "web"}, allowed: true,
			grants: l("RoleBinding shop/b -> Role r via ServiceAccount shop/web"),
		},

		// --- Aggregated ClusterRoles ---
		{
			// Dumped without rules: the aggregationRule selector is evaluated here.
			name: "aggregated clusterrole with empty rules",
			objs: objects{
				clusterRoles: []rbacv1.ClusterRole{
					aggregated("secrets-agg", nil, aggKey, aggTrue),
					labelled(clusterRole("secret-getter", getSecrets), aggKey, aggTrue),
					clusterRole("unlabelled", rule(l("*"), l("*"), l("*"))),
				},
				roleBindings: []rbacv1.RoleBinding{roleBinding("shop", "b", "ClusterRole", "secrets-agg", saSubject("shop", "web"))},
			},
			subject: web, req: getDB, allowed: true,
			grants: l("RoleBinding shop/b -> ClusterRole secrets-agg via ServiceAccount shop/web from secret-getter"),
		},
		{
			// The selector leaves out unlabelled roles: nothing but get is aggregated.
			name: "aggregated clusterrole takes only selected roles",
			objs: objects{
				clusterRoles: []rbacv1.ClusterRole{
					aggregated("secrets-agg", nil, aggKey, aggTrue),
					labelled(clusterRole("secret-getter", getSecrets), aggKey, aggTrue),
					clusterRole("unlabelled", rule(l("*"), l("*"), l("*"))),
				},
				roleBindings: []rbacv1.RoleBinding{roleBinding("shop", "b", "ClusterRole", "secrets-agg", saSubject("shop", "web"))},
			},
			subject: web, req: verb(getDB, "delete"), allowed: false,
			misses: l("verb RoleBinding shop/b"),
		},
		{
			// Rules filled in by the controller are used as dumped.
			name: "aggregated clusterrole with rules filled in",
			objs: objects{
				clusterRoles: []rbacv1.ClusterRole{aggregated("secrets-agg", nil, aggKey, "nothing-has-this", getSecrets)},
				roleBindings: []rbacv1.RoleBinding{roleBinding("shop", "b", "ClusterRole", "secrets-agg", saSubject("shop", "web"))},
			},
			subject: web, req: getDB, allowed: true,
			grants: l("RoleBinding shop/b -> ClusterRole secrets-agg via ServiceAccount shop/web"),
		},
		{
			// ... and not re-derived from the selector: the dump is what the authorizer sees.
			name: "aggregated clusterrole with rules is not re-aggregated",
			objs: objects{
				clusterRoles: []rbacv1.ClusterRole{
					aggregated("secrets-agg", nil, aggKey, aggTrue, rule(l("get"), l(""), l("configmaps"))),
					labelled(clusterRole("secret-getter", getSecrets), aggKey, aggTrue),
				},
				roleBindings: []rbacv1.RoleBinding{roleBinding("shop", "b", "ClusterRole", "secrets-agg", saSubject("shop", "web"))},
			},
			subject: web, req: getDB, allowed: false,
		},
		{
			// Nested: an unresolved aggregate selected by another is resolved through.
			name: "nested aggregation",
			objs: objects{
				clusterRoles: []rbacv1.ClusterRole{
					aggregated("outer", nil, "tier", "inner"),
					aggregated("inner", map[string]string{"tier": "inner"}, "tier", "leaf"),
					labelled(clusterRole("leaf", getSecrets), "tier", "leaf"),
				},
				roleBindings: []rbacv1.RoleBinding{roleBinding("shop", "b", "ClusterRole", "outer", saSubject("shop", "web"))},
			},
			subject: web, req: getDB, allowed: true,
			grants: l("RoleBinding shop/b -> ClusterRole outer via ServiceAccount shop/web from leaf"),
		},
		{
			// Aggregates selecting each other terminate and still collect the leaf's rules.
			name: "aggregation cycle",
			objs: objects{
				clusterRoles: []rbacv1.ClusterRole{
					aggregated("agg-a", map[string]string{"x": "1"}, "y", "1"),
					aggregated("agg-b", map[string]string{"y": "1"}, "x", "1"),
					labelled(clusterRole("leaf", getSecrets), "y", "1"),
				},
				roleBindings: []rbacv1.RoleBinding{
					roleBinding("shop", "a", "ClusterRole", "agg-a", saSubject("shop", "web")),
					roleBinding("shop", "b", "ClusterRole", "agg-b", saSubject("shop", "web")),
				},
			},
			subject: web, req: getDB, allowed: true,
			grants: l(
				"RoleBinding shop/a -> ClusterRole agg-a via ServiceAccount shop/web from leaf",
				"RoleBinding shop/b -> ClusterRole agg-b via ServiceAccount shop/web from leaf",
			),
		},

		// --- Role references (GetRoleReferenceRules) ---
		{
			// A binding to a Role the dump lacks grants nothing.
			name:    "binding to missing role",
			objs:    objects{roleBindings: []rbacv1.RoleBinding{roleBinding("shop", "read", "Role", "secret-reader", saSubject("shop", "web"))}},
			subject: web, req: getDB, allowed: false,
			misses: l("missing-role RoleBinding shop/read"),
		},
		{
			// Missing ClusterRole, through a ClusterRoleBinding.
			name:    "binding to missing clusterrole",
			objs:    objects{clusterRoleBindings: []rbacv1.ClusterRoleBinding{clusterRoleBinding("read", "ClusterRole", "secret-reader", saSubject("shop", "web"))}},
			subject: web, req: getDB, allowed: false,
			misses: l("missing-role ClusterRoleBinding /read"),
		},
		{
			// A Role is looked up in the binding's namespace only.
			name:    "role in another namespace is not found",
			objs:    objects{roles: []rbacv1.Role{role("other", "secret-reader", getSecrets)}, roleBindings: []rbacv1.RoleBinding{roleBinding("shop", "read", "Role", "secret-reader", saSubject("shop", "web"))}},
			subject: web, req: getDB, allowed: false,
			misses: l("missing-role RoleBinding shop/read"),
		},
		{
			// A ClusterRoleBinding referring to a Role finds none.
			name:    "clusterrolebinding to a role",
			objs:    objects{roles: readerRole, clusterRoleBindings: []rbacv1.ClusterRoleBinding{clusterRoleBinding("read", "Role", "secret-reader", saSubject("shop", "web"))}},
			subject: web, req: getDB, allowed: false,
			misses: l("missing-role ClusterRoleBinding /read"),
		},
		{
			// Missing roles bound to other subjects are not the subject's concern.
			name:    "missing role bound to someone else",
			objs:    objects{roleBindings: []rbacv1.RoleBinding{roleBinding("shop", "read", "Role", "secret-reader", saSubject("shop", "default"))}},
			subject: web, req: getDB, allowed: false,
		},

		// --- Near-miss ordering ---
		{
			// Closest first: the subject's own rules (names, verb), then its broken
			// bindings, then its bindings in other namespaces (the subject was
			// meant, the namespace is wrong), then other subjects' bindings.
			name: "near misses ordered by relevance",
			objs: objects{
				roles: []rbacv1.Role{
					role("shop", "names", rule(l("get"), l(""), l("secrets"), "db-creds-old")),
					role("shop", "lister", rule(l("list"), l(""), l("secrets"))),
					role("shop", "secret-reader", getSecrets),
					role("billing", "secret-reader", getSecrets),
				},
				roleBindings: []rbacv1.RoleBinding{
					roleBinding("shop", "z-names", "Role", "names", saSubject("shop", "web")),
					roleBinding("shop", "y-lister", "Role", "lister", saSubject("shop", "web")),
					roleBinding("shop", "x-missing", "Role", "gone", saSubject("shop", "web")),
					roleBinding("shop", "w-default", "Role", "secret-reader", saSubject("shop", "default")),
					roleBinding("billing", "v-billing", "Role", "secret-reader", saSubject("shop", "web")),
				},
			},
			subject: web, req: getDB, allowed: false,
			misses: l(
				"resource-names RoleBinding shop/z-names",
				"verb RoleBinding shop/y-lister",
				"missing-role RoleBinding shop/x-missing",
				"other-namespace RoleBinding billing/v-billing",
				"binding-to-other-subject RoleBinding shop/w-default",
			),
		},
		{
			// An empty dump denies with nothing to say.
			name:    "empty policy",
			subject: web, req: getDB, allowed: false,
		},
	}

	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := tc.objs.policy().Authorize(tc.subject, tc.req)
			if d.Allowed != tc.allowed {
				t.Errorf("Allowed = %v, want %v (decision %+v)", d.Allowed, tc.allowed, d)
			}
			var grants, misses []string
			for _, g := range d.Grants {
				grants = append(grants, grantString(g))
			}
			for _, m := range d.NearMisses {
				misses = append(misses, missString(m))
				if m.Detail == "" {
					t.Errorf("near miss %s has no detail", missString(m))
				}
			}
			if !reflect.DeepEqual(grants, tc.grants) {
				t.Errorf("grants:\n got %q\nwant %q", grants, tc.grants)
			}
			if !reflect.DeepEqual(misses, tc.misses) {
				t.Errorf("near misses:\n got %q\nwant %q", misses, tc.misses)
			}
			if d.Allowed && len(d.NearMisses) > 0 {
				t.Errorf("near misses on an allowed request: %q", misses)
			}
		})
	}
}

func TestNearMissDetails(t *testing.T) {
	web := ServiceAccount("shop", "web")
	getDB := Request{Verb: "get", Resource: "secrets", Namespace: "shop", Name: "db-creds"}
	tests := []struct {
		name string
		objs objects
		req  Request
		want string
	}{
		{
			name: "resource-names",
			objs: objects{roles: []rbacv1.Role{role("shop", "secret-reader", rule(l("get"), l(""), l("secrets"), "db-creds-old"))}, roleBindings: []rbacv1.RoleBinding{roleBinding("shop", "read", "Role", "secret-reader", saSubject("shop", "web"))}},
			req:  getDB,
			want: "Role shop/secret-reader allows get on secrets [db-creds-old] only",
		},
		{
			name: "resource-names for a nameless list",
			objs: objects{roles: []rbacv1.Role{role("shop", "secret-reader", rule(l("get", "list"), l(""), l("secrets"), "db-creds"))}, roleBindings: []rbacv1.RoleBinding{roleBinding("shop", "read", "Role", "secret-reader", saSubject("shop", "web"))}},
			req:  Request{Verb: "list", Resource: "secrets", Namespace: "shop"},
			want: "Role shop/secret-reader allows get, list on secrets [db-creds] only; a rule with resourceNames never allows list without a name",
		},
		{
			name: "verb",
			objs: objects{clusterRoles: []rbacv1.ClusterRole{clusterRole("secret-reader", getSecrets)}, roleBindings: []rbacv1.RoleBinding{roleBinding("shop", "read", "ClusterRole", "secret-reader", saSubject("shop", "web"))}},
			req:  Request{Verb: "list", Resource: "secrets", Namespace: "shop"},
			want: "ClusterRole secret-reader allows get on secrets, not list",
		},
		{
			name: "api-group",
			objs: objects{roles: []rbacv1.Role{role("shop", "r", rule(l("get"), l("v1"), l("secrets")))}, roleBindings: []rbacv1.RoleBinding{roleBinding("shop", "b", "Role", "r", saSubject("shop", "web"))}},
			req:  getDB,
			want: `Role shop/r allows get on secrets in API group "v1", but secrets are in API group "" (core)`,
		},
		{
			name: "missing-role",
			objs: objects{roleBindings: []rbacv1.RoleBinding{roleBinding("shop", "read", "Role", "secret-reader", saSubject("shop", "web"))}},
			req:  getDB,
			want: "RoleBinding shop/read refers to Role shop/secret-reader, which is not in the dump, so it grants nothing",
		},
		{
			name: "missing-role: clusterrolebinding to a role",
			objs: objects{clusterRoleBindings: []rbacv1.ClusterRoleBinding{clusterRoleBinding("read", "Role", "secret-reader", saSubject("shop", "web"))}},
			req:  getDB,
			want: "ClusterRoleBinding read refers to Role secret-reader, but a ClusterRoleBinding can only use a ClusterRole, so it grants nothing",
		},
		{
			name: "binding-to-other-subject",
			objs: objects{roles: []rbacv1.Role{role("shop", "secret-reader", getSecrets)}, roleBindings: []rbacv1.RoleBinding{roleBinding("shop", "read", "Role", "secret-reader", saSubject("shop", "default"))}},
			req:  getDB,
			want: "RoleBinding shop/read grants get on secrets (Role shop/secret-reader) to ServiceAccount shop/default, not to ServiceAccount shop/web",
		},
		{
			name: "other-namespace",
			objs: objects{roles: []rbacv1.Role{role("billing", "secret-reader", getSecrets)}, roleBindings: []rbacv1.RoleBinding{roleBinding("billing", "read", "Role", "secret-reader", saSubject("shop", "web"))}},
			req:  getDB,
			want: "RoleBinding billing/read grants get on secrets (Role billing/secret-reader) in namespace billing only, not in shop",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := tc.objs.policy().Authorize(web, tc.req)
			if d.Allowed || len(d.NearMisses) != 1 {
				t.Fatalf("want one near miss on a denial, got %+v", d)
			}
			if got := d.NearMisses[0].Detail; got != tc.want {
				t.Errorf("Detail:\n got %q\nwant %q", got, tc.want)
			}
		})
	}
}

func TestNearMissCarriesGrant(t *testing.T) {
	objs := objects{
		roles:        []rbacv1.Role{role("shop", "secret-reader", getSecrets)},
		roleBindings: []rbacv1.RoleBinding{roleBinding("shop", "read", "Role", "secret-reader", saSubject("shop", "default"), userSubject("alice"))},
	}
	d := objs.policy().Authorize(ServiceAccount("shop", "web"), Request{Verb: "get", Resource: "secrets", Namespace: "shop", Name: "db"})
	want := NearMiss{
		Kind: NearMissBindingToOtherSubject,
		Grant: Grant{
			BindingKind: "RoleBinding", BindingNamespace: "shop", BindingName: "read",
			RoleKind: "Role", RoleName: "secret-reader", Rule: getSecrets,
			Via: "ServiceAccount shop/default, User alice",
		},
		Detail: "RoleBinding shop/read grants get on secrets (Role shop/secret-reader) to ServiceAccount shop/default, User alice, not to ServiceAccount shop/web",
	}
	if len(d.NearMisses) != 1 || !reflect.DeepEqual(d.NearMisses[0], want) {
		t.Errorf("near misses:\n got %+v\nwant %+v", d.NearMisses, want)
	}
}

func TestRulesFor(t *testing.T) {
	objs := objects{
		roles: []rbacv1.Role{
			role("shop", "mixed",
				rule(l("get"), l(""), l("secrets"), "db-creds"),
				rule(l("get"), l(""), l("configmaps")),
				rule(l("get"), l("apps"), l("secrets")),
				rule(l("update"), l(""), l("secrets/status")),
			),
		},
		clusterRoles: []rbacv1.ClusterRole{clusterRole("all", rule(l("list"), l("*"), l("*")))},
		roleBindings: []rbacv1.RoleBinding{
			roleBinding("shop", "mixed", "Role", "mixed", saSubject("shop", "web")),
			roleBinding("billing", "mixed", "Role", "mixed", saSubject("shop", "web")),
		},
		clusterRoleBindings: []rbacv1.ClusterRoleBinding{clusterRoleBinding("all", "ClusterRole", "all", groupSubject("system:serviceaccounts:shop"))},
	}
	p := objs.policy()
	web := ServiceAccount("shop", "web")

	var got []string
	for _, g := range p.RulesFor(web, "shop", "", "secrets") {
		got = append(got, grantString(g)+" "+describeRule(g.Rule, false))
	}
	want := l(
		"ClusterRoleBinding /all -> ClusterRole all via Group system:serviceaccounts:shop list on *",
		"RoleBinding shop/mixed -> Role mixed via ServiceAccount shop/web get on secrets [db-creds]",
		"RoleBinding shop/mixed -> Role mixed via ServiceAccount shop/web update on secrets/status",
	)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("RulesFor(shop):\n got %q\nwant %q", got, want)
	}

	// Cluster-wide: RoleBindings do not apply.
	if n := len(p.RulesFor(web, "", "", "secrets")); n != 1 {
		t.Errorf("RulesFor cluster-wide: %d grants, want 1", n)
	}
	// Another SA gets nothing from these bindings but the namespace group's.
	if n := len(p.RulesFor(ServiceAccount("billing", "web"), "billing", "", "secrets")); n != 0 {
		t.Errorf("RulesFor(billing/web): %d grants, want 0", n)
	}
}

func TestParseUser(t *testing.T) {
	tests := []struct {
		user string
		want Subject
		str  string
	}{
		{"system:serviceaccount:shop:web", Subject{User: "system:serviceaccount:shop:web", Groups: l("system:serviceaccounts", "system:serviceaccounts:shop", "system:authenticated")}, "ServiceAccount shop/web"},
		{"system:node:n1", Subject{User: "system:node:n1", Groups: l("system:nodes", "system:authenticated")}, "User system:node:n1"},
		{"alice", Subject{User: "alice", Groups: l("system:authenticated")}, "User alice"},
		{"system:anonymous", Subject{User: "system:anonymous", Groups: l("system:unauthenticated")}, "User system:anonymous"},
		// Malformed SA names are ordinary users, as SplitUsername rejects them.
		{"system:serviceaccount:shop", Subject{User: "system:serviceaccount:shop", Groups: l("system:authenticated")}, "User system:serviceaccount:shop"},
		{"system:serviceaccount:shop:web:x", Subject{User: "system:serviceaccount:shop:web:x", Groups: l("system:authenticated")}, "User system:serviceaccount:shop:web:x"},
		{"system:serviceaccount::web", Subject{User: "system:serviceaccount::web", Groups: l("system:authenticated")}, "User system:serviceaccount::web"},
	}
	for _, tc := range tests {
		got := ParseUser(tc.user)
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("ParseUser(%q) = %+v, want %+v", tc.user, got, tc.want)
		}
		if got.String() != tc.str {
			t.Errorf("ParseUser(%q).String() = %q, want %q", tc.user, got.String(), tc.str)
		}
	}
	if got, want := ServiceAccount("shop", "web"), ParseUser("system:serviceaccount:shop:web"); !reflect.DeepEqual(got, want) {
		t.Errorf("ServiceAccount = %+v, ParseUser = %+v", got, want)
	}
}

// TestImpersonate: --as-group replaces the groups the user name implies and
// keeps system:authenticated, as the apiserver's impersonation filter does.
func TestImpersonate(t *testing.T) {
	tests := []struct {
		user   string
		groups []string
		want   Subject
	}{
		{"alice", nil, Subject{User: "alice", Groups: l("system:authenticated")}},
		{"alice", l("devs"), Subject{User: "alice", Groups: l("devs", "system:authenticated")}},
		{"system:serviceaccount:shop:web", l("devs"), Subject{User: "system:serviceaccount:shop:web", Groups: l("devs", "system:authenticated")}},
		{"alice", l("system:unauthenticated"), Subject{User: "alice", Groups: l("system:unauthenticated")}},
		{"system:anonymous", l("devs"), Subject{User: "system:anonymous", Groups: l("devs")}},
	}
	for _, tc := range tests {
		if got := Impersonate(tc.user, tc.groups); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("Impersonate(%q, %q) = %+v, want %+v", tc.user, tc.groups, got, tc.want)
		}
	}
}

func TestEmpty(t *testing.T) {
	if !NewPolicy(nil, nil, nil, nil).Empty() {
		t.Error("policy of nothing is not Empty")
	}
	if NewPolicy(nil, []rbacv1.ClusterRole{clusterRole("x")}, nil, nil).Empty() {
		t.Error("policy with a ClusterRole is Empty")
	}
}

// A selector that does not parse makes the aggregation controller give up on
// the role, so it grants nothing even though another selector is fine.
func TestBadSelectorGrantsNothing(t *testing.T) {
	cr := aggregated("agg", nil, "x", "1")
	cr.AggregationRule.ClusterRoleSelectors = append(cr.AggregationRule.ClusterRoleSelectors, metav1.LabelSelector{
		MatchExpressions: []metav1.LabelSelectorRequirement{{Key: "x", Operator: "Bogus"}},
	})
	p := NewPolicy(nil,
		[]rbacv1.ClusterRole{cr, labelled(clusterRole("leaf", getSecrets), "x", "1")},
		[]rbacv1.RoleBinding{roleBinding("shop", "b", "ClusterRole", "agg", saSubject("shop", "web"))}, nil)
	w := p.Warnings()
	if len(w) != 1 || !strings.Contains(w[0], "ClusterRole agg") {
		t.Errorf("Warnings = %q, want one about ClusterRole agg", w)
	}
	if d := p.Authorize(ServiceAccount("shop", "web"), Request{Verb: "get", Resource: "secrets", Namespace: "shop", Name: "x"}); d.Allowed {
		t.Errorf("allowed through a ClusterRole the controller cannot aggregate: %+v", d)
	}
}

// Later objects with the same identity replace earlier ones, as on a cluster.
func TestDuplicateObjectsLastWins(t *testing.T) {
	objs := objects{
		roles: []rbacv1.Role{role("shop", "r", getSecrets), role("shop", "r", rule(l("list"), l(""), l("secrets")))},
		roleBindings: []rbacv1.RoleBinding{
			roleBinding("shop", "b", "Role", "r", saSubject("shop", "web")),
			roleBinding("shop", "b", "Role", "r", saSubject("shop", "web")),
		},
	}
	d := objs.policy().Authorize(ServiceAccount("shop", "web"), Request{Verb: "list", Resource: "secrets", Namespace: "shop"})
	if !d.Allowed || len(d.Grants) != 1 {
		t.Errorf("decision = %+v, want one grant from the last Role", d)
	}
}

// The answer must not depend on the order objects appear in the dump.
func TestDeterministicAcrossInputOrder(t *testing.T) {
	objs := objects{
		roles: []rbacv1.Role{role("shop", "a", getSecrets), role("shop", "b", getListSecrets), role("billing", "a", getSecrets)},
		clusterRoles: []rbacv1.ClusterRole{
			aggregated("agg", nil, "k", "v"),
			labelled(clusterRole("l1", getSecrets), "k", "v"),
			labelled(clusterRole("l2", rule(l("watch"), l(""), l("secrets"))), "k", "v"),
		},
		roleBindings: []rbacv1.RoleBinding{
			roleBinding("shop", "a", "Role", "a", saSubject("shop", "web")),
			roleBinding("shop", "b", "Role", "b", groupSubject("system:serviceaccounts")),
			roleBinding("shop", "c", "ClusterRole", "agg", saSubject("shop", "web")),
			roleBinding("shop", "d", "Role", "a", saSubject("shop", "default")),
			roleBinding("billing", "a", "Role", "a", saSubject("shop", "web")),
		},
		clusterRoleBindings: []rbacv1.ClusterRoleBinding{
			clusterRoleBinding("x", "ClusterRole", "agg", groupSubject("system:authenticated")),
			clusterRoleBinding("y", "ClusterRole", "gone", saSubject("shop", "web")),
		},
	}
	reversed := objects{
		roles:               reverse(objs.roles),
		clusterRoles:        reverse(objs.clusterRoles),
		roleBindings:        reverse(objs.roleBindings),
		clusterRoleBindings: reverse(objs.clusterRoleBindings),
	}
	web := ServiceAccount("shop", "web")
	for _, req := range []Request{
		{Verb: "get", Resource: "secrets", Namespace: "shop", Name: "db"},
		{Verb: "delete", Resource: "secrets", Namespace: "shop", Name: "db"},
		{Verb: "get", Resource: "secrets", Namespace: "other", Name: "db"},
	} {
		a, b := objs.policy().Authorize(web, req), reversed.policy().Authorize(web, req)
		if !reflect.DeepEqual(a, b) {
			t.Errorf("%+v: decisions differ with input order:\n%+v\n%+v", req, a, b)
		}
	}
}

func reverse[T any](s []T) []T {
	out := make([]T, len(s))
	for i := range s {
		out[len(s)-1-i] = s[i]
	}
	return out
}

// The Policy copies what it keeps, and callers may modify what it returns.
func TestNoSharedState(t *testing.T) {
	roles := []rbacv1.Role{role("shop", "r", rule(l("get"), l(""), l("secrets")))}
	p := NewPolicy(roles, nil, []rbacv1.RoleBinding{roleBinding("shop", "b", "Role", "r", saSubject("shop", "web"))}, nil)
	roles[0].Rules[0].Verbs[0] = "delete"

	req := Request{Verb: "get", Resource: "secrets", Namespace: "shop", Name: "db"}
	d := p.Authorize(ServiceAccount("shop", "web"), req)
	if !d.Allowed {
		t.Fatal("changing the input after NewPolicy changed the answer")
	}
	d.Grants[0].Rule.Verbs[0] = "delete"
	if !p.Authorize(ServiceAccount("shop", "web"), req).Allowed {
		t.Fatal("changing a returned Grant changed the answer")
	}
}

func TestConcurrentAuthorize(t *testing.T) {
	p := benchPolicy(20)
	reqs := benchRequests(20, 200)
	done := make(chan struct{})
	for g := 0; g < 8; g++ {
		go func() {
			defer func() { done <- struct{}{} }()
			for _, r := range reqs {
				p.Authorize(r.subject, r.req)
			}
		}()
	}
	for g := 0; g < 8; g++ {
		<-done
	}
}
