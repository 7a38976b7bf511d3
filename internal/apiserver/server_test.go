package apiserver

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
)

const testDump = `apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Secret
  metadata: {name: db, namespace: shop}
  data: {password: c2VjcmV0}
- apiVersion: v1
  kind: Pod
  metadata: {name: web-1, namespace: shop}
  spec:
    containers: [{name: web, image: web:1}, {name: side, image: side:1}]
- apiVersion: v1
  kind: Pod
  metadata: {name: api-1}
  spec:
    containers: [{name: api, image: api:1}]
- apiVersion: rbac.authorization.k8s.io/v1
  kind: ClusterRole
  metadata: {name: reader}
- apiVersion: v1
  kind: Event
  metadata: {name: web-1.1, namespace: shop, uid: e1}
  involvedObject: {kind: Pod, name: web-1, namespace: shop}
  reason: FailedMount
  message: secret "db" not found
  type: Warning
  count: 3
---
apiVersion: external-secrets.io/v1beta1
kind: ExternalSecret
metadata: {name: db, namespace: shop}
spec: {target: {name: db}}
`

func startServer(t *testing.T) (*Server, kubernetes.Interface, dynamic.Interface) {
	t.Helper()
	objs, err := ReadObjects(strings.NewReader(testDump))
	if err != nil {
		t.Fatal(err)
	}
	logs := LogMap{{"shop", "web-1", "web", false}: "one\ntwo\nthree\n", {"shop", "web-1", "web", true}: "before\n"}
	srv, err := New(objs, logs)
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	cfg := &rest.Config{Host: hs.URL}
	client, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return srv, client, dyn
}

func TestListGetAndPaging(t *testing.T) {
	_, client, _ := startServer(t)
	ctx := context.Background()
	secret, err := client.CoreV1().Secrets("shop").Get(ctx, "db", metav1.GetOptions{})
	if err != nil || string(secret.Data["password"]) != "secret" {
		t.Fatalf("get: %v %v (the server serves real values)", secret, err)
	}
	if _, err := client.CoreV1().Secrets("shop").Get(ctx, "nope", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Errorf("missing object: %v, want NotFound", err)
	}
	pods, err := client.CoreV1().Pods("").List(ctx, metav1.ListOptions{Limit: 1})
	if err != nil || len(pods.Items) != 1 || pods.Continue == "" {
		t.Fatalf("first page: %v %v", pods, err)
	}
	if pods.Items[0].Namespace != "default" {
		t.Errorf("a pod without namespace is in default, listed first: %s", pods.Items[0].Namespace)
	}
	next, err := client.CoreV1().Pods("").List(ctx, metav1.ListOptions{Limit: 1, Continue: pods.Continue})
	if err != nil || len(next.Items) != 1 || next.Items[0].Name != "web-1" || next.Continue != "" {
		t.Fatalf("second page: %v %v", next, err)
	}
	roles, err := client.RbacV1().ClusterRoles().List(ctx, metav1.ListOptions{})
	if err != nil || len(roles.Items) != 1 {
		t.Fatalf("cluster-scoped list: %v %v", roles, err)
	}
	jobs, err := client.BatchV1().Jobs("shop").List(ctx, metav1.ListOptions{})
	if err != nil || len(jobs.Items) != 0 {
		t.Fatalf("a built-in kind with no object lists empty: %v %v", jobs, err)
	}
	ns, err := client.CoreV1().Namespaces().List(ctx, metav1.ListOptions{})
	if err != nil || len(ns.Items) != 2 {
		t.Fatalf("namespaces of the objects: %v %v", ns, err)
	}
}

func TestEventsServedByBothAPIs(t *testing.T) {
	_, client, _ := startServer(t)
	ctx := context.Background()
	core, err := client.CoreV1().Events("shop").List(ctx, metav1.ListOptions{})
	if err != nil || len(core.Items) != 1 {
		t.Fatalf("core: %v %v", core, err)
	}
	modern, err := client.EventsV1().Events("").List(ctx, metav1.ListOptions{})
	if err != nil || len(modern.Items) != 1 {
		t.Fatalf("events.k8s.io: %v %v", modern, err)
	}
	if e := modern.Items[0]; e.UID != "e1" || e.Note != `secret "db" not found` || e.Regarding.Name != "web-1" || e.DeprecatedCount != 3 {
		t.Errorf("converted event: %+v", e)
	}
}

func TestCustomResourcesAndDiscovery(t *testing.T) {
	_, client, dyn := startServer(t)
	ctx := context.Background()
	list, err := dyn.Resource(schema.GroupVersionResource{Group: "external-secrets.io", Version: "v1beta1", Resource: "externalsecrets"}).Namespace("").List(ctx, metav1.ListOptions{})
	if err != nil || len(list.Items) != 1 {
		t.Fatalf("custom resource: %v %v", list, err)
	}
	_, err = dyn.Resource(schema.GroupVersionResource{Group: "external-secrets.io", Version: "v1", Resource: "externalsecrets"}).Namespace("").List(ctx, metav1.ListOptions{})
	if !apierrors.IsNotFound(err) {
		t.Errorf("a version not served: %v, want NotFound", err)
	}
	_, err = dyn.Resource(schema.GroupVersionResource{Group: "bitnami.com", Version: "v1alpha1", Resource: "sealedsecrets"}).Namespace("").List(ctx, metav1.ListOptions{})
	if !apierrors.IsNotFound(err) {
		t.Errorf("a CRD not installed: %v, want NotFound", err)
	}
	groups, resources, err := client.Discovery().ServerGroupsAndResources()
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, g := range groups {
		names[g.Name] = true
	}
	for _, want := range []string{"", "apps", "batch", "rbac.authorization.k8s.io", "events.k8s.io", "external-secrets.io"} {
		if !names[want] {
			t.Errorf("discovery lacks group %q: %v", want, names)
		}
	}
	if len(resources) == 0 {
		t.Error("no resources discovered")
	}
	if v, err := client.Discovery().ServerVersion(); err != nil || v.GitVersion == "" {
		t.Errorf("version: %v %v", v, err)
	}
}

func TestForbidden(t *testing.T) {
	srv, client, _ := startServer(t)
	ctx := context.Background()
	srv.Forbid("secrets", "shop")
	if _, err := client.CoreV1().Secrets("").List(ctx, metav1.ListOptions{}); !apierrors.IsForbidden(err) {
		t.Errorf("all namespaces: %v, want Forbidden", err)
	} else if !strings.Contains(err.Error(), `cannot list resource "secrets" in API group "" at the cluster scope`) {
		t.Errorf("message: %v", err)
	}
	if _, err := client.CoreV1().Secrets("shop").Get(ctx, "db", metav1.GetOptions{}); !apierrors.IsForbidden(err) {
		t.Errorf("get in shop: %v, want Forbidden", err)
	}
	if _, err := client.CoreV1().Secrets("default").List(ctx, metav1.ListOptions{}); err != nil {
		t.Errorf("another namespace: %v", err)
	}
	srv.Forbid("deployments.apps", "")
	if _, err := client.AppsV1().Deployments("default").List(ctx, metav1.ListOptions{}); !apierrors.IsForbidden(err) {
		t.Errorf("everywhere: %v, want Forbidden", err)
	}
	srv.Fail("jobs.batch", "", 500)
	if _, err := client.BatchV1().Jobs("").List(ctx, metav1.ListOptions{}); !apierrors.IsInternalError(err) {
		t.Errorf("injected 500: %v", err)
	}
}

func TestLogs(t *testing.T) {
	srv, client, _ := startServer(t)
	ctx := context.Background()
	tail := int64(2)
	raw, err := client.CoreV1().Pods("shop").GetLogs("web-1", &corev1.PodLogOptions{Container: "web", TailLines: &tail}).DoRaw(ctx)
	if err != nil || string(raw) != "two\nthree\n" {
		t.Errorf("tail: %q %v", raw, err)
	}
	raw, err = client.CoreV1().Pods("shop").GetLogs("web-1", &corev1.PodLogOptions{Container: "web", Previous: true}).DoRaw(ctx)
	if err != nil || string(raw) != "before\n" {
		t.Errorf("previous: %q %v", raw, err)
	}
	if _, err := client.CoreV1().Pods("shop").GetLogs("web-1", &corev1.PodLogOptions{Container: "side", Previous: true}).DoRaw(ctx); !apierrors.IsBadRequest(err) {
		t.Errorf("no previous: %v, want BadRequest", err)
	}
	if _, err := client.CoreV1().Pods("shop").GetLogs("web-1", &corev1.PodLogOptions{}).DoRaw(ctx); !apierrors.IsBadRequest(err) {
		t.Errorf("two containers, none named: %v, want BadRequest", err)
	}
	for _, req := range srv.Requests() {
		if !strings.HasPrefix(req, "GET ") {
			t.Errorf("not a read: %s", req)
		}
	}
}

func TestReadOnly(t *testing.T) {
	_, client, _ := startServer(t)
	_, err := client.CoreV1().Secrets("shop").Create(context.Background(), &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "x"}}, metav1.CreateOptions{})
	if !apierrors.IsMethodNotSupported(err) {
		t.Errorf("create: %v, want MethodNotAllowed", err)
	}
}
