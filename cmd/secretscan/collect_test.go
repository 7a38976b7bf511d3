package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/secretscan/secretscan/internal/apiserver"
)

// testCluster is a test API server serving a fixture, and a kubeconfig whose
// current context points at it: collect and analyze --live reach it through
// clientcmd and client-go's REST client, as they would a cluster.
type testCluster struct {
	server     *apiserver.Server
	kubeconfig string
}

func startCluster(t *testing.T, dump string, logs apiserver.Logs) *testCluster {
	t.Helper()
	objs, err := apiserver.ReadFile(dump)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := apiserver.New(objs, logs)
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	kubeconfig := filepath.Join(t.TempDir(), "kubeconfig")
	config := fmt.Sprintf(`apiVersion: v1
kind: Config
clusters:
- name: test
  cluster: {server: %q}
users:
- name: test
  user: {token: not-a-secret}
contexts:
- name: test
  context: {cluster: test, user: test, namespace: shop}
current-context: test
`, hs.URL)
	if err := os.WriteFile(kubeconfig, []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	return &testCluster{server: srv, kubeconfig: kubeconfig}
}

// collectBundle runs secretscan collect against the cluster and returns the bundle's path.
func (tc *testCluster) collectBundle(t *testing.T, args ...string) string {
	t.Helper()
	bundle := filepath.Join(t.TempDir(), "bundle.tar.gz")
	args = append([]string{"collect", "--kubeconfig", tc.kubeconfig, "-o", bundle}, args...)
	code, _, stderr := runCLI(t, "", args...)
	if code != 0 {
		t.Fatalf("collect: exit %d: %s", code, stderr)
	}
	for _, req := range tc.server.Requests() {
		if !strings.HasPrefix(req, "GET ") {
			t.Errorf("collect must only read; it sent %s", req)
		}
	}
	return bundle
}

// analyzeJSON runs analyze -o json and decodes the report.
func analyzeJSON(t *testing.T, args ...string) jsonReport {
	t.Helper()
	code, stdout, stderr := runCLI(t, "", append([]string{"analyze", "-o", "json", "--fail-on", "none"}, args...)...)
	if code != 0 {
		t.Fatalf("analyze %s: exit %d: %s", strings.Join(args, " "), code, stderr)
	}
	var r jsonReport
	if err := json.Unmarshal([]byte(stdout), &r); err != nil {
		t.Fatalf("analyze %s: %v", strings.Join(args, " "), err)
	}
	return r
}

type jsonReport struct {
	Source struct {
		Format  string         `json:"format"`
		Objects map[string]int `json:"objects"`
	} `json:"source"`
	Coverage map[string]bool `json:"coverage"`
	Warnings []string        `json:"warnings"`
	Findings []jsonFinding   `json:"findings"`
}

type jsonFinding struct {
	ID        string            `json:"id"`
	Severity  string            `json:"severity"`
	Namespace string            `json:"namespace"`
	Object    map[string]string `json:"object"`
	Pods      []string          `json:"pods"`
	Secret    string            `json:"secret"`
	Reference string            `json:"reference"`
	Message   string            `json:"message"`
	Evidence  []string          `json:"evidence"`
	Remedy    string            `json:"remediation"`
	Commands  json.RawMessage   `json:"commands"`
}

// key is what must be the same whatever the source: the root cause, where, and whom it hits.
func (f jsonFinding) key() string {
	return fmt.Sprintf("%s %s %s %s/%s secret=%s pods=%s", f.Severity, f.ID, f.Namespace, f.Object["kind"], f.Object["name"], f.Secret, strings.Join(f.Pods, ","))
}

// diffFindings says how two reports' findings differ: first by key, then in
// full (message, evidence, remediation, commands).
func diffFindings(want, got []jsonFinding) []string {
	var out []string
	wk, gk := findingKeys(want), findingKeys(got)
	if !reflect.DeepEqual(wk, gk) {
		return []string{fmt.Sprintf("findings differ:\n  want %s\n  got  %s", strings.Join(wk, "\n       "), strings.Join(gk, "\n       "))}
	}
	for i := range want {
		if !reflect.DeepEqual(want[i], got[i]) {
			w, _ := json.Marshal(want[i])
			g, _ := json.Marshal(got[i])
			out = append(out, fmt.Sprintf("%s differs in its text:\n  want %s\n  got  %s", want[i].key(), w, g))
		}
	}
	return out
}

func findingKeys(fs []jsonFinding) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.key()
	}
	sort.Strings(out)
	return out
}

// roundTripFixtures are the scenario fixtures a cluster can hold: kubectl get
// output with every kind the checks read, and the demo. The hand-written
// fixtures/secret-not-found is not one: it holds no ServiceAccount, so a
// cluster serving it lacks namespace shop's "default" ServiceAccount, and the
// live cluster rightly reports service-account-not-found where the dump
// (which does not hold ServiceAccounts) can only report a coverage gap. Nor is
// fixtures/events-only: events of objects that no cluster serving it holds.
func roundTripFixtures(t *testing.T) []string {
	t.Helper()
	matches, err := filepath.Glob(filepath.Join("..", "..", "fixtures", "*-kubectl", "dump.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	matches = append(matches, filepath.Join("..", "..", "fixtures", "demo", "dump.yaml"))
	if len(matches) < 20 {
		t.Fatalf("only %d fixtures found", len(matches))
	}
	return matches
}

// TestCollectRoundTrip serves every scenario fixture from the test API
// server, collects it, and checks that analyzing the bundle and analyzing the
// server live both give the findings that analyzing the fixture gives.
func TestCollectRoundTrip(t *testing.T) {
	for _, dump := range roundTripFixtures(t) {
		name := filepath.Base(filepath.Dir(dump))
		t.Run(name, func(t *testing.T) {
			want := analyzeJSON(t, dump)
			tc := startCluster(t, dump, nil)
			bundle := tc.collectBundle(t, "-A", "-q")
			fromBundle := analyzeJSON(t, bundle)
			if fromBundle.Source.Format != "secretscan-bundle" {
				t.Errorf("bundle read as %s", fromBundle.Source.Format)
			}
			for kind, covered := range fromBundle.Coverage {
				if !covered {
					t.Errorf("bundle: %s not covered; collect -A covers every kind", kind)
				}
			}
			for _, d := range diffFindings(want.Findings, fromBundle.Findings) {
				t.Errorf("bundle vs fixture: %s", d)
			}
			live := analyzeJSON(t, "--live", "--kubeconfig", tc.kubeconfig)
			for _, d := range diffFindings(want.Findings, live.Findings) {
				t.Errorf("live vs fixture: %s", d)
			}
			// The built-in kinds are read alike (live reads custom resources
			// only when a check needs them).
			for kind := range fromBundle.Coverage {
				if fromBundle.Source.Objects[kind] != live.Source.Objects[kind] {
					t.Errorf("%s read: %d from the bundle, %d live", kind, fromBundle.Source.Objects[kind], live.Source.Objects[kind])
				}
			}
		})
	}
}

func findingsWith(fs []jsonFinding, id string) []jsonFinding {
	var out []jsonFinding
	for _, f := range fs {
		if f.ID == id {
			out = append(out, f)
		}
	}
	return out
}

// TestCollectForbiddenSecrets: a 403 on Secrets is recorded as a failed
// collection, and both the bundle and --live report a Secret coverage gap
// instead of calling the referenced Secrets missing.
func TestCollectForbiddenSecrets(t *testing.T) {
	fixtures := filepath.Join("..", "..", "fixtures")
	for _, tt := range []struct {
		name string
		// wantNotFound: secret-not-found still comes from the kubelet's
		// events ("secret ... not found"), not from the Secrets' absence.
		wantNotFound int
	}{
		{"broken-spec-no-events-kubectl", 0},
		{"secret-not-found-kubectl", 2},
	} {
		t.Run(tt.name, func(t *testing.T) {
			tc := startCluster(t, filepath.Join(fixtures, tt.name, "dump.yaml"), nil)
			tc.server.Forbid("secrets", "")
			bundle := filepath.Join(t.TempDir(), "bundle.tar.gz")
			code, _, stderr := runCLI(t, "", "collect", "-A", "--kubeconfig", tc.kubeconfig, "-o", bundle)
			if code != 0 || !strings.Contains(stderr, "Secret (forbidden)") {
				t.Fatalf("collect: exit %d, want 0 and the failure named on stderr: %s", code, stderr)
			}
			fromBundle := analyzeJSON(t, bundle)
			live := analyzeJSON(t, "--live", "--kubeconfig", tc.kubeconfig)
			for name, r := range map[string]jsonReport{"bundle": fromBundle, "live": live} {
				if r.Coverage["Secret"] {
					t.Errorf("%s: coverage says Secrets were collected", name)
				}
				for kind, covered := range r.Coverage {
					if !covered && kind != "Secret" {
						t.Errorf("%s: %s not covered; only Secrets were forbidden", name, kind)
					}
				}
				gaps := findingsWith(r.Findings, "coverage-gap")
				if len(gaps) != 1 || gaps[0].Object["kind"] != "Secret" || !strings.Contains(gaps[0].Message, "forbidden") {
					t.Errorf("%s: want one coverage-gap for Secret naming the refusal, got %+v", name, gaps)
				}
				if got := len(findingsWith(r.Findings, "secret-not-found")); got != tt.wantNotFound {
					t.Errorf("%s: %d secret-not-found, want %d (only from events)", name, got, tt.wantNotFound)
				}
			}
			for _, d := range diffFindings(fromBundle.Findings, live.Findings) {
				t.Errorf("bundle vs live: %s", d)
			}
		})
	}
}

// TestCollectNamespaces: collect -n reads only the namespaces given; the
// bundle covers them, and analyzing it for them finds what the whole fixture does.
func TestCollectNamespaces(t *testing.T) {
	dump := filepath.Join("..", "..", "fixtures", "demo", "dump.yaml")
	want := analyzeJSON(t, "-n", "shop", dump)
	tc := startCluster(t, dump, nil)
	tc.server.Forbid("roles.rbac.authorization.k8s.io", "shop")
	bundle := tc.collectBundle(t, "-n", "shop", "-q")
	for _, req := range tc.server.Requests() {
		path := strings.SplitN(strings.TrimPrefix(req, "GET "), "?", 2)[0]
		if strings.Contains(path, "/namespaces/") && !strings.Contains(path, "/namespaces/shop/") {
			t.Errorf("collect -n shop read another namespace: %s", req)
		}
	}
	got := analyzeJSON(t, "-n", "shop", bundle)
	if got.Coverage["Role"] {
		t.Error("Roles were forbidden in shop: not covered")
	}
	// Without Roles, RBAC findings may only weaken to coverage gaps; the rest is the same.
	var wantKeys, gotKeys []string
	for _, f := range want.Findings {
		if f.ID != "rbac-secret-forbidden" && f.ID != "coverage-gap" {
			wantKeys = append(wantKeys, f.key())
		}
	}
	for _, f := range got.Findings {
		if f.ID != "rbac-secret-forbidden" && f.ID != "coverage-gap" {
			gotKeys = append(gotKeys, f.key())
		}
	}
	if !reflect.DeepEqual(wantKeys, gotKeys) {
		t.Errorf("collect -n shop:\n  want %s\n  got  %s", strings.Join(wantKeys, "\n       "), strings.Join(gotKeys, "\n       "))
	}
	gap := findingsWith(got.Findings, "coverage-gap")
	if len(gap) == 0 || !strings.Contains(gap[0].Message, "listing in namespace shop was forbidden") {
		t.Errorf("want a Role coverage gap naming the refusal in shop, got %+v", gap)
	}
}

// TestCollectLogs: an unhealthy container's log is read through the API, and
// the bundle keeps its failure lines only; --live reads the same log.
func TestCollectLogs(t *testing.T) {
	fixtures := filepath.Join("..", "..", "fixtures")
	const noise = "NOISE-LINE-4b1e: password=hunter2 printed by the application"
	logs := apiserver.LogMap{
		{Namespace: "shop", Pod: "orders-6b8985bb89-r2m2b", Container: "orders"}: noise + "\n" +
			`{"level":"error","msg":"cannot read database credentials","error":"secrets \"orders-db\" is forbidden: User \"system:serviceaccount:shop:orders\" cannot get resource \"secrets\" in API group \"\" in the namespace \"shop\""}` + "\n",
	}
	tc := startCluster(t, filepath.Join(fixtures, "rbac-secret-forbidden-near-miss-kubectl", "dump.yaml"), logs)
	bundle := tc.collectBundle(t, "-A", "-q")
	members := readBundle(t, bundle)
	logFile := "secretscan-bundle/logs/shop/orders-6b8985bb89-r2m2b/orders.log"
	if text, ok := members[logFile]; !ok || !strings.Contains(text, "is forbidden") {
		t.Fatalf("%s missing or without the denial: %q (members: %v)", logFile, text, bundleNames(members))
	}
	for name, text := range members {
		if strings.Contains(text, "NOISE-LINE-4b1e") || strings.Contains(text, "hunter2") {
			t.Errorf("%s holds a log line that says nothing about Secrets", name)
		}
	}
	if !strings.Contains(members["secretscan-bundle/secretscan-collection.yaml"], "previous: true") {
		t.Error("the previous instance's log (the container restarted) was not asked for")
	}
	fromBundle := analyzeJSON(t, bundle)
	live := analyzeJSON(t, "--live", "--kubeconfig", tc.kubeconfig)
	for _, d := range diffFindings(fromBundle.Findings, live.Findings) {
		t.Errorf("bundle vs live: %s", d)
	}
	found := false
	for _, f := range findingsWith(fromBundle.Findings, "rbac-secret-forbidden") {
		for _, e := range f.Evidence {
			found = found || strings.Contains(e, "container orders log:")
		}
	}
	if !found {
		t.Errorf("the log line is not quoted as evidence: %+v", fromBundle.Findings)
	}
}

// readBundle returns the files of a bundle by name.
func readBundle(t *testing.T, path string) map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(zr)
	out := map[string]string{}
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		out[hdr.Name] = string(data)
	}
}

func bundleNames(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// TestAnalyzeRefusesNewerBundle: a bundle of a format version this secretscan
// does not know is refused in one line that names the version it needs.
func TestAnalyzeRefusesNewerBundle(t *testing.T) {
	tc := startCluster(t, filepath.Join("..", "..", "fixtures", "secret-not-found-kubectl", "dump.yaml"), nil)
	members := readBundle(t, tc.collectBundle(t, "-A", "-q"))
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	// Repacked in another order: the header need not come first.
	for _, name := range bundleNames(members) {
		text := strings.Replace(members[name], "formatVersion: 1", "formatVersion: 2", 1)
		text = strings.Replace(text, "secretscanVersion: dev", "secretscanVersion: v9.0.0", 1)
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o600, Size: int64(len(text)), Typeflag: tar.TypeReg}); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write([]byte(text)); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	newer := filepath.Join(t.TempDir(), "newer.tar.gz")
	writeFile(t, newer, buf.String())
	const want = "is a secretscan bundle of format version 2, written by secretscan v9.0.0; this secretscan reads format versions up to 1: upgrade secretscan to v9.0.0 or later\n"
	for _, tt := range []struct{ stdin, arg string }{{"", newer}, {buf.String(), "-"}} {
		code, stdout, stderr := runCLI(t, tt.stdin, "analyze", tt.arg)
		if code != exitUsage || stdout != "" || strings.Count(stderr, "\n") != 1 || !strings.HasSuffix(stderr, want) {
			t.Errorf("analyze %s: exit %d, stdout %q, stderr %q; want exit 2 and one line ending %q", tt.arg, code, stdout, stderr, want)
		}
	}
}

func TestCollectUsage(t *testing.T) {
	tc := startCluster(t, filepath.Join("..", "..", "fixtures", "secret-not-found-kubectl", "dump.yaml"), nil)
	dir := t.TempDir()
	unreachable := filepath.Join(dir, "unreachable")
	writeFile(t, unreachable, "apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: \"http://127.0.0.1:1\"}}]\nusers: [{name: u, user: {}}]\ncontexts: [{name: x, context: {cluster: c, user: u}}]\ncurrent-context: x\n")
	out := filepath.Join(dir, "out.tar.gz")
	for _, tt := range []struct {
		name string
		args []string
		want string
	}{
		{"-A and -n", []string{"collect", "-A", "-n", "shop", "--kubeconfig", tc.kubeconfig, "-o", out}, "-A and -n cannot be used together"},
		{"an argument", []string{"collect", "--kubeconfig", tc.kubeconfig, "bundle.tar.gz"}, "collect takes no arguments"},
		{"no kubeconfig", []string{"collect", "-A", "--kubeconfig", filepath.Join(dir, "missing"), "-o", out}, "kubeconfig"},
		{"unknown context", []string{"collect", "-A", "--kubeconfig", tc.kubeconfig, "--context", "nope", "-o", out}, `context "nope"`},
		{"unreachable", []string{"collect", "-A", "--kubeconfig", unreachable, "--request-timeout", "2s", "-o", out}, "reaching the API server"},
		{"live with a dump", []string{"analyze", "--live", "--kubeconfig", tc.kubeconfig, "dump.yaml"}, "takes no DUMP"},
		{"negative log lines", []string{"collect", "-A", "--log-lines", "-1", "--kubeconfig", tc.kubeconfig, "-o", out}, "--log-lines"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, "", tt.args...)
			if code != exitUsage || stdout != "" || strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit %d, stdout %q, stderr %q; want exit 2 and one line with %q", code, stdout, stderr, tt.want)
			}
			if _, err := os.Stat(out); err == nil {
				t.Error("a failed collect left a bundle behind")
			}
			if leftovers, _ := filepath.Glob(filepath.Join(dir, ".secretscan-bundle-*")); len(leftovers) > 0 {
				t.Errorf("a failed collect left %v", leftovers)
			}
		})
	}
}

// TestCollectDefaultsToContextNamespace: without -n or -A, collect reads the
// context's namespace, and says so.
func TestCollectDefaultsToContextNamespace(t *testing.T) {
	tc := startCluster(t, filepath.Join("..", "..", "fixtures", "secret-not-found-kubectl", "dump.yaml"), nil)
	out := filepath.Join(t.TempDir(), "b.tar.gz")
	code, _, stderr := runCLI(t, "", "collect", "--kubeconfig", tc.kubeconfig, "-o", out)
	if code != 0 || !strings.Contains(stderr, "collecting namespace shop, the context's") || !strings.Contains(stderr, "from namespace shop") {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if header := readBundle(t, out)["secretscan-bundle/secretscan-bundle.yaml"]; !strings.Contains(header, "allNamespaces: false") || !strings.Contains(header, "- shop") {
		t.Errorf("header: %s", header)
	}
}

// TestCollectNothingAllowed: when every list is refused, no bundle is written.
func TestCollectNothingAllowed(t *testing.T) {
	tc := startCluster(t, filepath.Join("..", "..", "fixtures", "secret-not-found-kubectl", "dump.yaml"), nil)
	for _, r := range []string{"pods", "secrets", "serviceaccounts", "events", "replicationcontrollers", "events.events.k8s.io",
		"deployments.apps", "replicasets.apps", "statefulsets.apps", "daemonsets.apps", "jobs.batch", "cronjobs.batch",
		"roles.rbac.authorization.k8s.io", "rolebindings.rbac.authorization.k8s.io", "clusterroles.rbac.authorization.k8s.io", "clusterrolebindings.rbac.authorization.k8s.io"} {
		tc.server.Forbid(r, "")
	}
	out := filepath.Join(t.TempDir(), "b.tar.gz")
	code, _, stderr := runCLI(t, "", "collect", "-A", "--kubeconfig", tc.kubeconfig, "-o", out)
	if code != exitUsage || !strings.Contains(stderr, "nothing could be collected") || !strings.Contains(stderr, "Secret (forbidden)") {
		t.Errorf("exit %d: %s", code, stderr)
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("a bundle was written")
	}
}

// TestCollectToStdout: collect -o - writes the bundle to stdout, which
// analyze reads back from stdin.
func TestCollectToStdout(t *testing.T) {
	dump := filepath.Join("..", "..", "fixtures", "secret-key-not-found-kubectl", "dump.yaml")
	tc := startCluster(t, dump, nil)
	code, bundle, stderr := runCLI(t, "", "collect", "-A", "-q", "--kubeconfig", tc.kubeconfig, "-o", "-")
	if code != 0 || stderr != "" {
		t.Fatalf("collect -o -: exit %d: %s", code, stderr)
	}
	code, stdout, stderr := runCLI(t, bundle, "analyze", "-o", "json", "--fail-on", "none", "-")
	if code != 0 {
		t.Fatalf("analyze -: exit %d: %s", code, stderr)
	}
	var got jsonReport
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatal(err)
	}
	want := analyzeJSON(t, dump)
	if got.Source.Format != "secretscan-bundle" {
		t.Errorf("read as %s", got.Source.Format)
	}
	for _, d := range diffFindings(want.Findings, got.Findings) {
		t.Error(d)
	}
}

// TestFrozenBundleReadsAsItsScenario: fixtures/formats-secretscan, a bundle of
// format version 1 that is never regenerated, reads as the kubectl dump it
// was collected from, whatever version secretscan now writes.
func TestFrozenBundleReadsAsItsScenario(t *testing.T) {
	fixtures := filepath.Join("..", "..", "fixtures")
	want := analyzeJSON(t, filepath.Join(fixtures, "formats-kubectl", "dump.yaml"))
	got := analyzeJSON(t, filepath.Join(fixtures, "formats-secretscan", "dump.tar.gz"))
	if got.Source.Format != "secretscan-bundle" || len(got.Warnings) > 0 {
		t.Errorf("read as %s, warnings %v", got.Source.Format, got.Warnings)
	}
	for _, d := range diffFindings(want.Findings, got.Findings) {
		t.Error(d)
	}
}
