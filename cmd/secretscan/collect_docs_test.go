package main

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"

	"github.com/secretscan/secretscan/internal/apiserver"
	"github.com/secretscan/secretscan/internal/collect"
)

func readCollectDoc(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "docs", "collect.md"))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// between returns the text of doc between the first start and the next end after it.
func between(t *testing.T, doc, start, end string) string {
	t.Helper()
	i := strings.Index(doc, start)
	if i < 0 {
		t.Fatalf("docs/collect.md has no %q", start)
	}
	rest := doc[i+len(start):]
	j := strings.Index(rest, end)
	if j < 0 {
		t.Fatalf("docs/collect.md has no %q after %q", end, start)
	}
	return rest[:j]
}

// TestKubectlRecipeSecretsFilter runs the jq filter of docs/collect.md on
// Secrets holding planted values: nothing of them may come out, and
// secretscan must read what does.
func TestKubectlRecipeSecretsFilter(t *testing.T) {
	jq, err := exec.LookPath("jq")
	if err != nil {
		t.Skip("jq is not installed")
	}
	program := between(t, readCollectDoc(t), "kubectl get secrets -A -o json | jq '", "' > secrets.json")
	// The cluster of the leak test, as `kubectl get secrets -A -o json` prints it.
	tc := leakyCluster(t)
	listed := secretsAsKubectlPrints(t, tc)
	cmd := exec.Command(jq, program)
	cmd.Stdin = strings.NewReader(listed)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("jq: %v: %s", err, out)
	}
	for _, form := range valueForms(planted) {
		if strings.Contains(string(out), form) {
			t.Errorf("the filtered Secrets hold a planted value (%q)", form)
		}
	}
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "secrets.json"), string(out))
	// The rest of the recipe's files: the workloads, without Secrets.
	writeFile(t, filepath.Join(dir, "workloads.yaml"), `apiVersion: v1
kind: List
items:
- apiVersion: apps/v1
  kind: Deployment
  metadata: {name: web, namespace: shop}
  spec:
    selector: {matchLabels: {app: web}}
    template:
      metadata: {labels: {app: web}}
      spec:
        imagePullSecrets: [{name: regcred}]
        containers:
        - name: web
          image: reg.example.com/web:1
          env:
          - {name: P, valueFrom: {secretKeyRef: {name: db, key: missing}}}
          - {name: T, valueFrom: {secretKeyRef: {name: db, key: token}}}
          volumeMounts: [{name: tls, mountPath: /tls}]
        volumes: [{name: tls, secret: {secretName: tls, items: [{key: ca.crt, path: ca.crt}]}}]
`)
	r := analyzeJSON(t, dir)
	var got []string
	for _, f := range r.Findings {
		if f.ID != "coverage-gap" {
			got = append(got, f.ID+" "+f.Secret)
		}
	}
	want := []string{"secret-key-not-found db", "secret-key-not-found tls"}
	if strings.Join(got, ", ") != strings.Join(want, ", ") {
		t.Errorf("findings %v, want %v (the key names survive the filter, token among them)", got, want)
	}
}

// secretsAsKubectlPrints lists the cluster's Secrets and prints them as
// kubectl get secrets -A -o json does (stringData merged into data, as the
// API server stores it).
func secretsAsKubectlPrints(t *testing.T, tc *testCluster) string {
	t.Helper()
	conn, err := collect.Connect(collect.ConnectOptions{Kubeconfig: tc.kubeconfig})
	if err != nil {
		t.Fatal(err)
	}
	list, err := conn.Client.CoreV1().Secrets("").List(context.Background(), metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	items := make([]corev1.Secret, 0, len(list.Items))
	for _, s := range list.Items {
		s.TypeMeta = metav1.TypeMeta{APIVersion: "v1", Kind: "Secret"}
		for k, v := range s.StringData {
			if s.Data == nil {
				s.Data = map[string][]byte{}
			}
			s.Data[k] = []byte(v)
		}
		s.StringData = nil
		items = append(items, s)
	}
	out, err := json.MarshalIndent(map[string]any{"apiVersion": "v1", "kind": "List", "metadata": map[string]any{"resourceVersion": ""}, "items": items}, "", "    ")
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

// TestCollectRoleInDocsSuffices: every request collect makes is allowed by the
// ClusterRole docs/collect.md gives customers.
func TestCollectRoleInDocsSuffices(t *testing.T) {
	var role rbacv1.ClusterRole
	if err := yaml.Unmarshal([]byte(between(t, readCollectDoc(t), "```yaml\n", "```")), &role); err != nil || role.Name != "secretscan-collect" {
		t.Fatalf("the ClusterRole of docs/collect.md: %v %+v", err, role)
	}
	allowed := func(group, resource, verb string) bool {
		for _, r := range role.Rules {
			if contains(r.APIGroups, group) && contains(r.Resources, resource) && contains(r.Verbs, verb) {
				return true
			}
		}
		return false
	}
	logs := apiserver.LogMap{{Namespace: "shop", Pod: "orders-6b8985bb89-r2m2b", Container: "orders"}: "x\n"}
	for _, args := range [][]string{{"-A"}, {"-n", "shop"}} {
		tc := startCluster(t, filepath.Join("..", "..", "fixtures", "rbac-secret-forbidden-near-miss-kubectl", "dump.yaml"), logs)
		tc.collectBundle(t, append(args, "-q")...)
		for _, req := range tc.server.Requests() {
			path := strings.SplitN(strings.TrimPrefix(req, "GET "), "?", 2)[0]
			parts := strings.Split(strings.Trim(path, "/"), "/")
			var group string
			switch {
			case path == "/version":
				continue // public: system:public-info-viewer
			case parts[0] == "api":
				parts = parts[2:]
			case parts[0] == "apis":
				group, parts = parts[1], parts[3:]
			}
			verb := "list"
			if len(parts) >= 2 && parts[0] == "namespaces" {
				parts = parts[2:]
			}
			resource := parts[0]
			if len(parts) == 3 && parts[2] == "log" {
				resource, verb = "pods/log", "get"
			} else if len(parts) != 1 {
				t.Errorf("collect %v made a request that is not a list: %s", args, req)
				continue
			}
			if !allowed(group, resource, verb) {
				t.Errorf("collect %v: %s is not allowed by the ClusterRole of docs/collect.md (%s %q %s)", args, req, verb, group, resource)
			}
		}
	}
}
