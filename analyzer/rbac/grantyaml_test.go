package rbac

import (
	"strings"
	"testing"

	rbacv1 "k8s.io/api/rbac/v1"
	"sigs.k8s.io/yaml"
)

func TestMinimalGrantYAMLText(t *testing.T) {
	want := `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: "web-read-db-creds"
  namespace: "shop"
rules:
- apiGroups: [""]
  resources: ["secrets"]
  verbs: ["get"]
  resourceNames: ["db-creds"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: "web-read-db-creds"
  namespace: "shop"
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: "web-read-db-creds"
subjects:
- kind: ServiceAccount
  name: "web"
  namespace: "shop"
`
	if got := MinimalGrantYAML("shop", "web", "get", "db-creds"); got != want {
		t.Errorf("MinimalGrantYAML:\n%s\nwant:\n%s", got, want)
	}
}

// The manifest, applied, must grant exactly what was asked and nothing more.
func TestMinimalGrantYAMLGrants(t *testing.T) {
	tests := []struct {
		name, verb, secret string
		wantName           string
		allowed, denied    []Request
	}{
		{
			name: "named get", verb: "get", secret: "db-creds", wantName: "web-read-db-creds",
			allowed: []Request{{Verb: "get", Resource: "secrets", Namespace: "shop", Name: "db-creds"}},
			denied: []Request{
				{Verb: "get", Resource: "secrets", Namespace: "shop", Name: "other"},
				{Verb: "list", Resource: "secrets", Namespace: "shop"},
				{Verb: "get", Resource: "secrets", Namespace: "billing", Name: "db-creds"},
			},
		},
		{
			name: "list without a name", verb: "list", wantName: "web-read-secrets",
			allowed: []Request{{Verb: "list", Resource: "secrets", Namespace: "shop"}},
			denied:  []Request{{Verb: "get", Resource: "secrets", Namespace: "shop", Name: "x"}},
		},
		{
			// create carries no name, so the name is dropped rather than producing a useless Role.
			name: "create drops the name", verb: "create", secret: "db-creds", wantName: "web-create-secrets",
			allowed: []Request{{Verb: "create", Resource: "secrets", Namespace: "shop"}},
		},
		{
			name: "empty verb means get", secret: "0123", wantName: "web-read-0123",
			allowed: []Request{{Verb: "get", Resource: "secrets", Namespace: "shop", Name: "0123"}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			manifest := MinimalGrantYAML("shop", "web", tc.verb, tc.secret)
			docs := strings.Split(manifest, "\n---\n")
			if len(docs) != 2 {
				t.Fatalf("want 2 documents, got %d:\n%s", len(docs), manifest)
			}
			var r rbacv1.Role
			var rb rbacv1.RoleBinding
			if err := yaml.UnmarshalStrict([]byte(docs[0]), &r); err != nil {
				t.Fatalf("Role: %v\n%s", err, docs[0])
			}
			if err := yaml.UnmarshalStrict([]byte(docs[1]), &rb); err != nil {
				t.Fatalf("RoleBinding: %v\n%s", err, docs[1])
			}
			if r.Name != tc.wantName || rb.Name != tc.wantName || rb.RoleRef.Name != tc.wantName {
				t.Errorf("names %q/%q/%q, want %q", r.Name, rb.Name, rb.RoleRef.Name, tc.wantName)
			}
			p := NewPolicy([]rbacv1.Role{r}, nil, []rbacv1.RoleBinding{rb}, nil)
			web := ServiceAccount("shop", "web")
			for _, req := range tc.allowed {
				if !p.Authorize(web, req).Allowed {
					t.Errorf("%+v denied, want allowed", req)
				}
			}
			for _, req := range tc.denied {
				if p.Authorize(web, req).Allowed {
					t.Errorf("%+v allowed, want denied", req)
				}
			}
			if p.Authorize(ServiceAccount("shop", "default"), Request{Verb: tc.verb, Resource: "secrets", Namespace: "shop", Name: tc.secret}).Allowed {
				t.Error("the default ServiceAccount is granted too")
			}
		})
	}
}

func TestGrantObjectNameLimit(t *testing.T) {
	name := grantObjectName(strings.Repeat("a", 200), "get", strings.Repeat("b", 46)+"-"+strings.Repeat("c", 100))
	if len(name) > maxObjectName || strings.HasSuffix(name, "-") {
		t.Errorf("name %q (%d chars) is not a valid object name", name, len(name))
	}
}
