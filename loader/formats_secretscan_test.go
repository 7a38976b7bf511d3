package loader

import (
	"archive/tar"
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// bundleBytes builds a secretscan bundle from files (name below
// secretscan-bundle/ -> content), in the order given.
func bundleBytes(t *testing.T, files ...[2]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	for _, f := range files {
		if err := tw.WriteHeader(&tar.Header{Name: BundleRoot + "/" + f[0], Mode: 0o600, Size: int64(len(f[1])), Typeflag: tar.TypeReg}); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write([]byte(f[1])); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func writeBundle(t *testing.T, files ...[2]string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "bundle.tar.gz")
	if err := os.WriteFile(path, bundleBytes(t, files...), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

const (
	testHeaderNS = "format: secretscan-bundle\nformatVersion: 1\nsecretscanVersion: v1.0.0\ncollectedAt: 2026-11-20T10:00:00Z\nallNamespaces: false\nnamespaces: [shop, web]\nlogs: {tailLines: 500, limitBytes: 1048576, kept: failure-lines}\n"
	testPods     = `{"apiVersion":"v1","kind":"PodList","metadata":{},"items":[
{"apiVersion":"v1","kind":"Pod","metadata":{"name":"web-1","namespace":"shop"},"spec":{"containers":[{"name":"web","image":"web:1"}]}}
]}`
	testSecrets = `{"apiVersion":"v1","kind":"SecretList","metadata":{},"items":[
{"apiVersion":"v1","kind":"Secret","metadata":{"name":"db","namespace":"shop","annotations":{"secretscan.io/values":"removed","secretscan.io/value-sizes":"{\"password\":12}"}},"data":{"password":""}}
]}`
)

// testCollection: -n shop -n web; Secrets forbidden in web, Roles forbidden
// everywhere (a cluster-scoped refusal), SealedSecrets not installed.
const testCollection = `formatVersion: 1
finishedAt: 2026-11-20T10:00:05Z
lists:
- {kind: Pod, apiVersion: v1, resource: pods, namespace: shop, state: collected, objects: 1, files: [secretscan-bundle/objects/pods/shop.json]}
- {kind: Pod, apiVersion: v1, resource: pods, namespace: web, state: collected, objects: 0}
- {kind: Secret, apiVersion: v1, resource: secrets, namespace: shop, state: collected, objects: 1, files: [secretscan-bundle/objects/secrets/shop.json]}
- {kind: Secret, apiVersion: v1, resource: secrets, namespace: web, state: failed, reason: forbidden, objects: 0}
- {kind: Event, apiVersion: events.k8s.io/v1, resource: events.events.k8s.io, namespace: shop, state: failed, reason: forbidden, objects: 0}
- {kind: Event, apiVersion: v1, resource: events, namespace: shop, state: collected, objects: 0}
- {kind: Event, apiVersion: v1, resource: events, namespace: web, state: collected, objects: 0}
- {kind: ClusterRole, apiVersion: rbac.authorization.k8s.io/v1, resource: clusterroles.rbac.authorization.k8s.io, state: failed, reason: forbidden, objects: 0}
- {kind: SealedSecret, resource: sealedsecrets.bitnami.com, namespace: shop, state: not-installed, objects: 0}
logs:
- {namespace: shop, pod: web-1, container: web, state: collected, lines: 10, kept: 1, file: secretscan-bundle/logs/shop/web-1/web.log}
`

func TestSecretscanBundleCoverage(t *testing.T) {
	path := writeBundle(t,
		[2]string{BundleHeaderFile, testHeaderNS},
		[2]string{"objects/secrets/shop.json", testSecrets},
		[2]string{"objects/pods/shop.json", testPods},
		[2]string{"logs/shop/web-1/web.log", "secrets \"db\" is forbidden: User \"system:serviceaccount:shop:web\" cannot get resource \"secrets\"\n"},
		[2]string{"logs/shop/web-1/web.previous.log", "before\n"},
		[2]string{BundleCollectionFile, testCollection},
	)
	d, err := Load(context.Background(), path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if d.Source.Format != FormatSecretscanBundle || len(d.Warnings) > 0 {
		t.Fatalf("format %s, warnings %v", d.Source.Format, d.Warnings)
	}
	if d.Source.Objects["Pod"] != 1 || d.Source.Objects["Secret"] != 1 {
		t.Errorf("objects: %v", d.Source.Objects)
	}
	if text, ok := d.Logs.Log("shop", "web-1", "web", false); !ok || !strings.Contains(text, "forbidden") {
		t.Errorf("current log: %q %v", text, ok)
	}
	if text, ok := d.Logs.Log("shop", "web-1", "web", true); !ok || text != "before\n" {
		t.Errorf("previous log: %q %v", text, ok)
	}
	for _, tt := range []struct {
		kind, ns string
		covered  bool
		why      string
	}{
		{"Pod", "shop", true, ""},
		{"Pod", "web", true, ""},
		{"Pod", "other", false, "secretscan collect was run for namespaces shop, web only"},
		{"Secret", "shop", true, ""},
		{"Secret", "web", false, "listing in namespace web was forbidden"},
		{"Event", "shop", true, ""}, // events.k8s.io's refusal does not count
		{"ClusterRole", "", false, "listing was forbidden"},
		{"SealedSecret", "shop", true, ""}, // not installed: none exists
		{"Role", "shop", false, "this bundle holds no Roles"},
	} {
		covered, why := d.Coverage.Covers(tt.kind, tt.ns, "")
		if covered != tt.covered || why != tt.why {
			t.Errorf("Covers(%s, %s) = %v %q, want %v %q", tt.kind, tt.ns, covered, why, tt.covered, tt.why)
		}
	}
	if s := d.Coverage.Summary(); !s["Pod"] || s["Secret"] || s["ClusterRole"] {
		t.Errorf("summary: %v", s)
	}
}

func TestSecretscanBundleAllNamespaces(t *testing.T) {
	path := writeBundle(t,
		[2]string{BundleHeaderFile, strings.Replace(strings.Replace(testHeaderNS, "allNamespaces: false", "allNamespaces: true", 1), "namespaces: [shop, web]\n", "", 1)},
		[2]string{"objects/pods/shop.json", testPods},
		[2]string{BundleCollectionFile, "formatVersion: 1\nlists:\n- {kind: Pod, apiVersion: v1, resource: pods, state: collected, objects: 1}\n- {kind: Secret, apiVersion: v1, resource: secrets, state: failed, reason: timed out}\n"},
	)
	d, err := Load(context.Background(), path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if covered, _ := d.Coverage.Covers("Pod", "anywhere", ""); !covered {
		t.Error("Pods listed in every namespace: covered everywhere")
	}
	if covered, why := d.Coverage.Covers("Secret", "shop", ""); covered || why != "secretscan collect timed out listing Secrets" {
		t.Errorf("Secret: %v %q", covered, why)
	}
}

// TestSecretscanBundleIncomplete: a bundle without its collection record (cut
// short) proves no absence.
func TestSecretscanBundleIncomplete(t *testing.T) {
	path := writeBundle(t, [2]string{BundleHeaderFile, testHeaderNS}, [2]string{"objects/pods/shop.json", testPods})
	d, err := Load(context.Background(), path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if d.Source.Format != FormatSecretscanBundle {
		t.Fatalf("format %s", d.Source.Format)
	}
	for _, kind := range []string{"Pod", "Secret", "Event"} {
		if covered, why := d.Coverage.Covers(kind, "shop", ""); covered || !strings.Contains(why, "no collection record") {
			t.Errorf("%s: %v %q", kind, covered, why)
		}
	}
	if len(d.Warnings) != 1 || !strings.Contains(d.Warnings[0], BundleCollectionFile+": the secretscan bundle lacks its collection record") {
		t.Errorf("warnings %q, want one naming the missing collection record", d.Warnings)
	}
	gaps := map[string]string{}
	for _, g := range d.Coverage.GapDetails() {
		gaps[g.Kind] = g.State.String()
	}
	if gaps["Pod"] != "partly collected" || gaps["Secret"] != "not collected" {
		t.Errorf("gaps %v: Pods held are partly collected, Secrets not collected", gaps)
	}
}

func TestSecretscanBundleNewerVersion(t *testing.T) {
	header := strings.Replace(strings.Replace(testHeaderNS, "formatVersion: 1", "formatVersion: 7", 1), "v1.0.0", "v3.1.0 (commit abc)", 1)
	data := bundleBytes(t, [2]string{BundleHeaderFile, header}, [2]string{"objects/pods/shop.json", testPods},
		[2]string{BundleCollectionFile, strings.Replace(testCollection, "formatVersion: 1", "formatVersion: 7", 1)})
	path := filepath.Join(t.TempDir(), "new.tar.gz")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	const want = "is a secretscan bundle of format version 7, written by secretscan v3.1.0; this secretscan reads format versions up to 1: upgrade secretscan to v3.1.0 or later"
	if err := CheckBundle(path, nil); err == nil || !strings.Contains(err.Error(), want) || !strings.HasPrefix(err.Error(), path) {
		t.Errorf("file: %v", err)
	}
	stdin := bufio.NewReaderSize(bytes.NewReader(data), 1<<20)
	if err := CheckBundle("-", stdin); err == nil || !strings.HasPrefix(err.Error(), "stdin "+want) {
		t.Errorf("stdin: %v", err)
	}
	if n, _ := stdin.Discard(len(data)); n != len(data) {
		t.Error("CheckBundle consumed stdin")
	}
	// Loaded anyway (a bundle inside another archive), nothing is taken as absent.
	d, err := Load(context.Background(), path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Warnings) != 1 || !strings.Contains(d.Warnings[0], want) {
		t.Errorf("warnings: %v", d.Warnings)
	}
	if covered, _ := d.Coverage.Covers("Secret", "shop", ""); covered {
		t.Error("a bundle this secretscan cannot read proves no absence")
	}
	// Older and current versions pass; other inputs pass.
	for _, p := range []string{writeBundle(t, [2]string{BundleHeaderFile, testHeaderNS}), filepath.Join("testdata", "does-not-exist")} {
		if err := CheckBundle(p, nil); err != nil {
			t.Errorf("%s: %v", p, err)
		}
	}
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, BundleRoot), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, BundleRoot, BundleHeaderFile), []byte(header), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := CheckBundle(dir, nil); err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("extracted folder: %v", err)
	}
}

// TestSecretscanBundleExtracted: an extracted bundle reads as the archive
// does, from its folder or the folder above.
func TestSecretscanBundleExtracted(t *testing.T) {
	dir := t.TempDir()
	for name, text := range map[string]string{
		BundleHeaderFile:            testHeaderNS,
		"objects/secrets/shop.json": testSecrets,
		"objects/pods/shop.json":    testPods,
		"logs/shop/web-1/web.log":   "secrets \"db\" is forbidden\n",
		BundleCollectionFile:        testCollection,
	} {
		p := filepath.Join(dir, BundleRoot, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	for _, root := range []string{dir, filepath.Join(dir, BundleRoot)} {
		d, err := Load(context.Background(), root, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if d.Source.Format != FormatSecretscanBundle || len(d.Warnings) > 0 || d.Source.Objects["Pod"] != 1 {
			t.Errorf("%s: format %s, objects %v, warnings %v", root, d.Source.Format, d.Source.Objects, d.Warnings)
		}
		if covered, why := d.Coverage.Covers("Secret", "web", ""); covered || why != "listing in namespace web was forbidden" {
			t.Errorf("%s: Secret in web: %v %q", root, covered, why)
		}
		if _, ok := d.Logs.Log("shop", "web-1", "web", false); !ok {
			t.Errorf("%s: log not read", root)
		}
	}
}
