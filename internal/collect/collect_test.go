package collect

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"net/http/httptest"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/kubernetes/fake"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/yaml"

	"github.com/secretscan/secretscan/internal/apiserver"
	"github.com/secretscan/secretscan/loader"
)

const clusterDump = `apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Event
  metadata: {name: a.1, namespace: shop, uid: core-1}
  involvedObject: {kind: Pod, name: a, namespace: shop}
  reason: FailedMount
  message: secret "db" not found
  type: Warning
- apiVersion: events.k8s.io/v1
  kind: Event
  metadata: {name: b.1, namespace: shop, uid: modern-1}
  regarding: {kind: Pod, name: b, namespace: shop}
  reason: FailedMount
  note: secret "db" not found
  type: Warning
- apiVersion: external-secrets.io/v1beta1
  kind: ExternalSecret
  metadata: {name: db, namespace: shop}
  spec: {target: {name: db}}
- apiVersion: v1
  kind: Pod
  metadata: {name: a, namespace: shop}
  spec: {containers: [{name: app, image: app:1}]}
  status:
    containerStatuses:
    - {name: app, restartCount: 2, state: {waiting: {reason: CrashLoopBackOff}}, lastState: {terminated: {exitCode: 1}}}
`

func collectFrom(t *testing.T, srv *apiserver.Server, opts Options) (*Result, []string, map[string]string) {
	t.Helper()
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	conn, err := ForConfig(&rest.Config{Host: hs.URL})
	if err != nil {
		t.Fatal(err)
	}
	opts.Now = func() time.Time { return time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC) }
	var buf bytes.Buffer
	res, err := Collect(context.Background(), conn.Client, conn.Dynamic, &buf, opts)
	if err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(zr)
	var order []string
	files := map[string]string{}
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if hdr.Mode != 0o600 {
			t.Errorf("%s: mode %o, want 0600", hdr.Name, hdr.Mode)
		}
		data, _ := io.ReadAll(tr)
		order = append(order, hdr.Name)
		files[hdr.Name] = string(data)
	}
	return res, order, files
}

func newServer(t *testing.T, dump string, logs apiserver.Logs) *apiserver.Server {
	t.Helper()
	objs, err := apiserver.ReadObjects(strings.NewReader(dump))
	if err != nil {
		t.Fatal(err)
	}
	srv, err := apiserver.New(objs, logs)
	if err != nil {
		t.Fatal(err)
	}
	return srv
}

func listOf(res *Result, kind, apiVersion string) *loader.BundleList {
	for i, l := range res.Collection.Lists {
		if l.Kind == kind && (apiVersion == "" || l.APIVersion == apiVersion) {
			return &res.Collection.Lists[i]
		}
	}
	return nil
}

func TestCollectLayout(t *testing.T) {
	logs := apiserver.LogMap{
		{Namespace: "shop", Pod: "a", Container: "app"}:                 "starting\nsecrets \"db\" is forbidden: User \"system:serviceaccount:shop:default\" cannot get resource \"secrets\" in API group \"\" in the namespace \"shop\"\n",
		{Namespace: "shop", Pod: "a", Container: "app", Previous: true}: "starting\n",
	}
	res, order, files := collectFrom(t, newServer(t, clusterDump, logs), Options{LogTailLines: 100, SecretscanVersion: "v1.2.3"})
	if order[0] != "secretscan-bundle/secretscan-bundle.yaml" || order[len(order)-1] != "secretscan-bundle/secretscan-collection.yaml" {
		t.Errorf("the header goes first and the collection record last: %v", order)
	}
	var h loader.BundleHeader
	if err := yaml.Unmarshal([]byte(files[order[0]]), &h); err != nil {
		t.Fatal(err)
	}
	if h.Format != "secretscan-bundle" || h.FormatVersion != 1 || !h.AllNamespaces || h.SecretscanVersion != "v1.2.3" || h.ServerVersion == "" || h.Logs.TailLines != 100 {
		t.Errorf("header: %+v", h)
	}
	if !strings.HasPrefix(files[order[0]], "format: secretscan-bundle\nformatVersion: 1\n") {
		t.Errorf("the header starts with its format and version:\n%s", files[order[0]])
	}
	var c loader.BundleCollection
	if err := yaml.Unmarshal([]byte(files[order[len(order)-1]]), &c); err != nil || !reflect.DeepEqual(c.Lists, res.Collection.Lists) {
		t.Errorf("the collection record is the Result's: %v", err)
	}
	// An API server serves each Event under both APIs: the bundle holds it once.
	if l := listOf(res, "Event", "v1"); l == nil || l.Objects != 2 {
		t.Errorf("core Events: %+v", l)
	}
	if l := listOf(res, "Event", "events.k8s.io/v1"); l == nil || l.Objects != 0 || l.State != loader.BundleCollected {
		t.Errorf("events.k8s.io Events already in the core list are not written again: %+v", l)
	}
	// A custom resource is read in the first version served, and a CRD that is
	// not installed says so.
	if l := listOf(res, "ExternalSecret", ""); l == nil || l.APIVersion != "external-secrets.io/v1beta1" || l.Objects != 1 {
		t.Errorf("ExternalSecret: %+v", l)
	}
	if l := listOf(res, "Certificate", ""); l == nil || l.State != loader.BundleNotInstalled || l.APIVersion != "" {
		t.Errorf("Certificate: %+v", l)
	}
	if _, ok := files["secretscan-bundle/objects/externalsecrets.external-secrets.io/shop.json"]; !ok {
		t.Errorf("files: %v", order)
	}
	// Logs: failure lines only; a log with none is not written.
	if got := files["secretscan-bundle/logs/shop/a/app.log"]; !strings.HasPrefix(got, "secrets \"db\" is forbidden") || strings.Contains(got, "starting") {
		t.Errorf("current log: %q", got)
	}
	if _, ok := files["secretscan-bundle/logs/shop/a/app.previous.log"]; ok {
		t.Error("a log without failure lines is not written")
	}
	want := []loader.BundleLog{
		{Namespace: "shop", Pod: "a", Container: "app", State: "collected", Lines: 2, Kept: 1, File: "secretscan-bundle/logs/shop/a/app.log"},
		{Namespace: "shop", Pod: "a", Container: "app", Previous: true, State: "collected", Lines: 1},
	}
	if !reflect.DeepEqual(res.Collection.Logs, want) {
		t.Errorf("logs:\n got %+v\nwant %+v", res.Collection.Logs, want)
	}
}

func TestCollectRecordsFailures(t *testing.T) {
	srv := newServer(t, clusterDump, nil)
	srv.Forbid("secrets", "")
	srv.Fail("externalsecrets.external-secrets.io", "", 500)
	srv.Forbid("pods/log", "")
	res, _, _ := collectFrom(t, srv, Options{LogTailLines: 10})
	if l := listOf(res, "Secret", ""); l.State != loader.BundleFailed || l.Reason != "forbidden" {
		t.Errorf("Secret: %+v", l)
	}
	if l := listOf(res, "ExternalSecret", ""); l.State != loader.BundleFailed || l.Reason != "failed" || l.APIVersion != "external-secrets.io/v1beta1" {
		t.Errorf("ExternalSecret: %+v", l)
	}
	if l := listOf(res, "Pod", ""); l.State != loader.BundleCollected || l.Objects != 1 {
		t.Errorf("collection goes on after a failure: %+v", l)
	}
	for _, l := range res.Collection.Logs {
		if l.State != loader.BundleFailed || l.Reason != "forbidden" {
			t.Errorf("log: %+v", l)
		}
	}
	if got := res.Failed(); !reflect.DeepEqual(got, []string{"Secret (forbidden)", "ExternalSecret (failed)"}) {
		t.Errorf("Failed() = %v", got)
	}
}

func TestCollectNamespacesListedOneByOne(t *testing.T) {
	srv := newServer(t, clusterDump, nil)
	srv.Forbid("secrets", "web")
	res, _, files := collectFrom(t, srv, Options{Namespaces: []string{"web", "shop", "web"}})
	if !reflect.DeepEqual(res.Header.Namespaces, []string{"shop", "web"}) || res.Header.AllNamespaces {
		t.Errorf("header: %+v", res.Header)
	}
	var secrets []string
	for _, l := range res.Collection.Lists {
		if l.Kind == "Secret" {
			secrets = append(secrets, l.Namespace+"="+l.State)
		}
		if l.Kind == "ClusterRole" && l.Namespace != "" {
			t.Errorf("a cluster-scoped kind is listed once: %+v", l)
		}
	}
	if !reflect.DeepEqual(secrets, []string{"shop=collected", "web=failed"}) {
		t.Errorf("Secrets: %v", secrets)
	}
	if _, ok := files["secretscan-bundle/objects/pods/shop.json"]; !ok {
		t.Error("no pods/shop.json")
	}
	for _, req := range srv.Requests() {
		if strings.Contains(req, "/pods?") && !strings.Contains(req, "/namespaces/") {
			t.Errorf("listed pods across namespaces: %s", req)
		}
	}
}

// TestListIntoSplitsByNamespace: objects are written per namespace, and a
// namespace a server lists again later gets a further file, not a clash.
func TestListIntoSplitsByNamespace(t *testing.T) {
	pod := func(ns, name string) runtime.Object {
		return &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name}}
	}
	pages := [][]runtime.Object{{pod("a", "1"), pod("a", "2"), pod("b", "1")}, {pod("a", "3")}}
	var buf bytes.Buffer
	c := &collector{ctx: context.Background(), out: newBundleWriter(&buf, time.Time{}), result: &Result{}}
	rec := loader.BundleList{Kind: "Pod"}
	i := 0
	err := c.listInto(&rec, schema.GroupVersionKind{Version: "v1", Kind: "Pod"}, schema.GroupResource{Resource: "pods"}, true,
		func(metav1.ListOptions) ([]runtime.Object, string, error) {
			page := pages[i]
			i++
			if i < len(pages) {
				return page, "more", nil
			}
			return page, "", nil
		}, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"secretscan-bundle/objects/pods/a.json", "secretscan-bundle/objects/pods/b.json", "secretscan-bundle/objects/pods/a.2.json"}
	if !reflect.DeepEqual(rec.Files, want) || rec.Objects != 4 || rec.State != loader.BundleCollected {
		t.Errorf("got %+v, want files %v", rec, want)
	}
}

func TestLogTargets(t *testing.T) {
	running := corev1.ContainerState{Running: &corev1.ContainerStateRunning{}}
	waiting := corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{Reason: "CreateContainerConfigError"}}
	terminated := corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{ExitCode: 1}}
	pod := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "p"}, Status: corev1.PodStatus{
		InitContainerStatuses: []corev1.ContainerStatus{{Name: "init", State: terminated}},
		ContainerStatuses: []corev1.ContainerStatus{
			{Name: "healthy", State: running},
			{Name: "never-ran", State: waiting},
			{Name: "crashing", State: waiting, RestartCount: 4, LastTerminationState: terminated},
			{Name: "restarted", State: running, RestartCount: 1},
		},
	}}
	var got []string
	for _, t := range logTargetsOf(pod) {
		s := t.container
		if t.previous {
			s += " (previous)"
		}
		got = append(got, s)
	}
	sort.Strings(got)
	want := []string{"crashing", "crashing (previous)", "init", "restarted", "restarted (previous)"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

// TestBuiltinKindsAreReported: every kind collect lists is one the report shows.
func TestBuiltinKindsAreReported(t *testing.T) {
	seen := map[string]bool{}
	for _, k := range builtinKinds(fake.NewClientset()) {
		seen[k.gvk.Kind] = true
	}
	var got []string
	for k := range seen {
		got = append(got, k)
	}
	want := append([]string(nil), reportedKinds...)
	sort.Strings(got)
	sort.Strings(want)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("collected kinds %v, reported kinds %v", got, want)
	}
}

func TestAnyCollected(t *testing.T) {
	list := func(kind, state string) loader.BundleList {
		return loader.BundleList{Kind: kind, State: state}
	}
	tests := []struct {
		name  string
		lists []loader.BundleList
		want  bool
	}{
		{"a built-in kind listed", []loader.BundleList{list("Secret", loader.BundleFailed), list("Pod", loader.BundleCollected)}, true},
		{"only a custom resource listed", []loader.BundleList{list("Pod", loader.BundleFailed), list("ExternalSecret", loader.BundleCollected)}, false},
		{"nothing listed", []loader.BundleList{list("Pod", loader.BundleFailed)}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &Result{Collection: loader.BundleCollection{Lists: tt.lists}}
			if got := r.AnyCollected(); got != tt.want {
				t.Errorf("AnyCollected = %v, want %v", got, tt.want)
			}
		})
	}
}
