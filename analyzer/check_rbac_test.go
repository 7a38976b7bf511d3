package analyzer

import (
	"strings"
	"testing"
)

// appPod is a running pod of Deployment shop/web, run as ServiceAccount web,
// whose container last terminated with msg.
func appPod(msg string) string {
	return `apiVersion: v1
kind: Pod
metadata:
  name: web-7d9f8c6b5-abcde
  namespace: shop
  uid: pod-web
  labels: {app: web, pod-template-hash: 7d9f8c6b5}
  ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: web-7d9f8c6b5, uid: rs-web, controller: true}]
spec:
  serviceAccountName: web
  containers: [{name: web, image: nginx}]
status:
  phase: Running
  containerStatuses:
  - name: web
    ready: false
    restartCount: 4
    image: nginx
    imageID: ""
    state: {waiting: {reason: CrashLoopBackOff, message: "back-off 1m20s restarting failed container=web pod=web-7d9f8c6b5-abcde_shop(pod-web)"}}
    lastState: {terminated: {exitCode: 1, reason: Error, finishedAt: "2026-11-20T10:00:00Z", message: '` + strings.ReplaceAll(msg, "'", "''") + `'}}
`
}

const webSA = `apiVersion: v1
kind: ServiceAccount
metadata: {name: web, namespace: shop}
`

const secretReader = `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: secret-reader, namespace: shop}
rules:
- {apiGroups: [""], resources: [secrets], verbs: [get], resourceNames: [db]}
`

func roleBinding(name, role, roleKind, subjects string) string {
	return `apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: ` + name + `, namespace: shop}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ` + roleKind + `, name: ` + role + `}
subjects:
` + subjects
}

const deniedGet = `secrets "db" is forbidden: User "system:serviceaccount:shop:web" cannot get resource "secrets" in API group "" in the namespace "shop"`

func TestRBACSecretForbidden(t *testing.T) {
	cases := []struct {
		name     string
		docs     []string
		want     []string
		evidence string // a line the finding's evidence must hold
		message  string // text the message must hold
	}{
		{
			name:     "bound to the default ServiceAccount instead",
			docs:     []string{secretReader, roleBinding("read-db", "secret-reader", "Role", "- {kind: ServiceAccount, name: default, namespace: shop}\n")},
			want:     []string{"rbac-secret-forbidden error shop/Deployment/web db"},
			evidence: "RBAC near miss:",
			message:  "closest:",
		},
		{
			// Its own binding applied with the wrong -n is closer than another
			// ServiceAccount's binding in the right namespace.
			name: "its own binding in another namespace, beside another ServiceAccount's",
			docs: []string{secretReader, roleBinding("cert-manager-secrets", "secret-reader", "Role", "- {kind: ServiceAccount, name: cert-manager, namespace: shop}\n"),
				strings.ReplaceAll(secretReader, "namespace: shop", "namespace: other"),
				strings.ReplaceAll(roleBinding("web-read-secrets", "secret-reader", "Role", "- {kind: ServiceAccount, name: web, namespace: shop}\n"), "{name: web-read-secrets, namespace: shop}", "{name: web-read-secrets, namespace: other}")},
			want:     []string{"rbac-secret-forbidden error shop/Deployment/web db"},
			evidence: "RBAC near miss: RoleBinding shop/cert-manager-secrets grants",
			message:  "closest: RoleBinding other/web-read-secrets grants get on secrets [db] (Role other/secret-reader) in namespace other only, not in shop",
		},
		{
			name: "allowed only by resourceNames for another Secret",
			docs: []string{strings.Replace(secretReader, "resourceNames: [db]", "resourceNames: [db-old]", 1),
				roleBinding("read-db", "secret-reader", "Role", "- {kind: ServiceAccount, name: web, namespace: shop}\n")},
			want:     []string{"rbac-secret-forbidden error shop/Deployment/web db"},
			evidence: "RBAC: ServiceAccount shop/web is granted on secrets: get secrets [db-old]",
		},
		{
			name:    "allowed now through a group binding: the denial cleared",
			docs:    []string{secretReader, roleBinding("read-db", "secret-reader", "Role", "- {kind: Group, name: 'system:serviceaccounts:shop', apiGroup: rbac.authorization.k8s.io}\n")},
			want:    []string{"rbac-secret-forbidden warning shop/Deployment/web db"},
			message: "probably cleared",
		},
		{
			name: "a ClusterRole bound by a RoleBinding allows it now",
			docs: []string{`apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: secrets-read}
rules: [{apiGroups: [""], resources: [secrets], verbs: [get, list]}]
`, roleBinding("read", "secrets-read", "ClusterRole", "- {kind: ServiceAccount, name: web, namespace: shop}\n")},
			want:    []string{"rbac-secret-forbidden warning shop/Deployment/web db"},
			message: "RoleBinding shop/read -> ClusterRole secrets-read",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			docs := append([]string{nsShop, webSA, webReplicaSet, appPod(deniedGet)}, tc.docs...)
			findings := analyze(t, strings.Join(docs, "---\n"), nil)
			sameLines(t, brief(findings), tc.want)
			if len(findings) == 0 {
				return
			}
			f := findings[0]
			if tc.evidence != "" && !strings.Contains(strings.Join(f.Evidence, "\n"), tc.evidence) {
				t.Errorf("evidence lacks %q:\n%s", tc.evidence, strings.Join(f.Evidence, "\n"))
			}
			if tc.message != "" && !strings.Contains(f.Message, tc.message) {
				t.Errorf("message lacks %q: %s", tc.message, f.Message)
			}
			if !strings.Contains(strings.Join(f.Evidence, "\n"), deniedGet) {
				t.Errorf("evidence does not quote the denial: %v", f.Evidence)
			}
			if f.Severity == SeverityError && (f.Commands == nil || len(f.Commands.Fix) == 0 || !strings.Contains(f.Commands.Fix[0], "kind: RoleBinding")) {
				t.Errorf("want a minimal Role and RoleBinding in the fix, got %+v", f.Commands)
			}
		})
	}
}

func TestRBACWithoutRBACObjects(t *testing.T) {
	docs := strings.Join([]string{nsShop, webSA, webReplicaSet, appPod(deniedGet)}, "---\n")
	findings := analyze(t, docs, coverageStub{"Role": "kubectl cluster-info dump holds no Roles", "RoleBinding": "x", "ClusterRole": "x", "ClusterRoleBinding": "x"})
	sameLines(t, brief(findings), []string{"rbac-secret-forbidden error shop/Deployment/web db", "coverage-gap info /Role/ "})
}
