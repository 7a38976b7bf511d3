package loader

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/secretscan/secretscan/internal/redact"
)

// Small documents shared by the tests.
const (
	podListJSON = `{
    "kind": "PodList",
    "apiVersion": "v1",
    "metadata": {"resourceVersion": "10"},
    "items": [
        {
            "metadata": {"name": "web-1", "namespace": "shop", "uid": "u-web-1", "resourceVersion": "5"},
            "spec": {"containers": [{"name": "web", "image": "nginx"}]}
        }
    ]
}
`
	emptyList = `{
    "kind": "%s",
    "apiVersion": "v1",
    "metadata": {"resourceVersion": "10"},
    "items": []
}
`
	nodeListJSON = `{
    "kind": "NodeList",
    "apiVersion": "v1",
    "metadata": {"resourceVersion": "10"},
    "items": [
        {"metadata": {"name": "node-1", "uid": "u-node-1"}}
    ]
}
`
)

func list(kind string) string { return strings.Replace(emptyList, "%s", kind, 1) }

// clusterInfoFilesOf is a cluster-info dump --output-directory tree under prefix.
func clusterInfoFilesOf(prefix string) []member {
	m := files(prefix+"nodes.json", nodeListJSON, prefix+"shop/pods.json", podListJSON)
	for file, kind := range map[string]string{"events": "EventList", "replication-controllers": "ReplicationControllerList", "services": "ServiceList",
		"daemonsets": "DaemonSetList", "deployments": "DeploymentList", "replicasets": "ReplicaSetList"} {
		m = append(m, member{name: prefix + "shop/" + file + ".json", body: list(kind)})
	}
	m = append(m, member{name: prefix + "shop/web-1/logs.txt", body: "==== START logs for container web of pod shop/web-1 ====\nhello\n==== END logs for container web of pod shop/web-1 ====\n"})
	return m
}

func zipOf(t *testing.T, members []member) string {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, m := range members {
		w, err := zw.Create(m.name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(m.body))
	}
	zw.Close()
	p := filepath.Join(t.TempDir(), "dump.zip")
	os.WriteFile(p, buf.Bytes(), 0o600)
	return p
}

func gzipOf(t *testing.T, name, body string) string {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write([]byte(body))
	zw.Close()
	p := filepath.Join(t.TempDir(), name)
	os.WriteFile(p, buf.Bytes(), 0o600)
	return p
}

// TestFormatDetection: the format comes from content and layout, never from
// the file's name alone.
func TestFormatDetection(t *testing.T) {
	manifests := files("app/deploy.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: shop\n",
		"app/services.yaml", "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: shop\n",
		"app/deployments.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\n  namespace: shop\n",
		"README.md", "# The shop\nDeploy with kubectl apply -k.\n")
	tests := []struct {
		name   string
		input  func(t *testing.T) string
		format Format
		pods   int
	}{
		{"a .txt holding a JSON List", func(t *testing.T) string { return writeFile(t, "pods.txt", podListJSON) }, FormatKubectlGet, 1},
		{"a file with no extension holding YAML", func(t *testing.T) string {
			return writeFile(t, "dump", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web-1\n  namespace: shop\n")
		}, FormatKubectlGet, 1},
		{"a gzipped JSON file", func(t *testing.T) string { return gzipOf(t, "pods.json.gz", podListJSON) }, FormatKubectlGet, 1},
		{"nodes.json alone is kubectl output", func(t *testing.T) string { return writeFile(t, "nodes.json", nodeListJSON) }, FormatKubectlGet, 0},
		{"a folder of manifests", func(t *testing.T) string { return writeTree(t, manifests) }, FormatManifests, 0},
		{"a zip of manifests", func(t *testing.T) string { return zipOf(t, manifests) }, FormatManifests, 0},
		{"cluster-info folder, no top folder", func(t *testing.T) string { return writeTree(t, clusterInfoFilesOf("")) }, FormatClusterInfoDump, 1},
		{"cluster-info tar.gz with a top folder", func(t *testing.T) string { return writeTarGz(t, clusterInfoFilesOf("cluster-info/")) }, FormatClusterInfoDump, 1},
		{"cluster-info folder written with -o yaml", func(t *testing.T) string {
			m := files("nodes.yaml", "apiVersion: v1\nitems:\n- metadata:\n    name: node-1\nkind: NodeList\nmetadata: {}\n",
				"shop/pods.yaml", "apiVersion: v1\nitems:\n- metadata:\n    name: web-1\n    namespace: shop\nkind: PodList\nmetadata: {}\n")
			for _, f := range []string{"events", "services", "deployments"} {
				m = append(m, member{name: "shop/" + f + ".yaml", body: "apiVersion: v1\nitems: []\nkind: List\nmetadata: {}\n"})
			}
			return writeTree(t, m)
		}, FormatClusterInfoDump, 1},
		{"cluster-info stdout", func(t *testing.T) string {
			return writeFile(t, "dump.log", nodeListJSON+list("EventList")+podListJSON+"==== START logs for container web of pod shop/web-1 ====\nhi\n==== END logs for container web of pod shop/web-1 ====\n")
		}, FormatClusterInfoDump, 1},
		{"troubleshoot bundle", func(t *testing.T) string {
			return writeTarGz(t, files("sb/version.yaml", "apiVersion: troubleshoot.sh/v1beta2\nkind: SupportBundle\n", "sb/cluster-resources/pods/shop.json", podListJSON))
		}, FormatTroubleshootBundle, 1},
		{"must-gather", func(t *testing.T) string {
			return writeTarGz(t, files("mg/timestamp", "2026-11-20 10:05:12 +0000 UTC\n", "mg/namespaces/shop/core/pods.yaml", "apiVersion: v1\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata:\n    name: web-1\n    namespace: shop\nkind: PodList\nmetadata:\n  resourceVersion: \"1\"\n"))
		}, FormatMustGather, 1},
		{"velero backup", func(t *testing.T) string {
			return writeTarGz(t, files("metadata/version", "1.1.0", "resources/pods/namespaces/shop/web-1.json", `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"web-1","namespace":"shop","uid":"u1"}}`))
		}, FormatVeleroBackup, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := load(t, tt.input(t))
			if d.Source.Format != tt.format {
				t.Errorf("format = %s, want %s (warnings %v)", d.Source.Format, tt.format, d.Warnings)
			}
			if d.Source.Objects["Pod"] != tt.pods {
				t.Errorf("pods = %d, want %d (objects %v, warnings %v)", d.Source.Objects["Pod"], tt.pods, d.Source.Objects, d.Warnings)
			}
		})
	}
}

func TestManifestsFolder(t *testing.T) {
	d := load(t, writeTree(t, files(
		"app/deploy.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: shop\n",
		"app/values.txt", "replicas: 3\n",
		"notes", "just text\n",
		"app/pod.txt", `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","namespace":"shop"}}`,
	)))
	if d.Source.Format != FormatManifests || d.Source.Objects["Deployment"] != 1 || d.Source.Objects["Pod"] != 1 {
		t.Fatalf("format %s, objects %v", d.Source.Format, d.Source.Objects)
	}
	want := []string{"2 files hold no JSON or YAML objects and were skipped: app/values.txt, notes"}
	if !reflect.DeepEqual(d.Warnings, want) {
		t.Errorf("warnings = %q, want %q", d.Warnings, want)
	}
}

// TestLinks: links are never followed; those pointing to a file read under its
// own path go in one summary line, others are named one by one.
func TestLinks(t *testing.T) {
	tests := []struct {
		name     string
		input    func(t *testing.T, m []member) string
		warnings []string
	}{
		{"tar", writeTarGz, []string{
			"1 link was not followed (links never are); each points to a file read under its own path: b/pods-twin.json",
			"b/elsewhere.json: link not followed (links never are), and its target is not in the input; skipped",
			"b/hard.json: link not followed (links never are), and its target is not in the input; skipped",
		}},
		{"folder", func(t *testing.T, m []member) string { return writeTree(t, m[:3]) }, []string{
			"1 link was not followed (links never are); each points to a file read under its own path: b/pods-twin.json",
			"b/elsewhere.json: link not followed (links never are), and its target is not in the input; skipped",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := load(t, tt.input(t, []member{
				{name: "a/pods.json", body: podListJSON},
				{name: "b/pods-twin.json", link: "../a/pods.json"},
				{name: "b/elsewhere.json", link: "/etc/passwd"},
				{name: "b/hard.json", link: "c/missing.json", hard: true},
			}))
			got := append([]string(nil), d.Warnings...)
			sort.Strings(got)
			sort.Strings(tt.warnings)
			if !reflect.DeepEqual(got, tt.warnings) {
				t.Errorf("warnings =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tt.warnings, "\n"))
			}
		})
	}
}

func TestTroubleshootBundle(t *testing.T) {
	root := "support-bundle-2026-11-20T10_05_12/"
	cr := root + "cluster-resources/"
	members := []member{
		{name: root + "version.yaml", body: "apiVersion: troubleshoot.sh/v1beta2\nkind: SupportBundle\nspec:\n  versionNumber: v0.133.0\n"},
		{name: root + "analysis.json", body: `[{"name":"x","insight":{"detail":"y"}}]`},
		{name: root + "host-collectors/system/node_list.json", body: `{"nodes":["node-1"]}`},
		{name: root + "execution-data/summary.txt", body: "collectors: 12\n"},
		{name: cr + "namespaces.json", body: `[{"metadata":{"name":"shop","uid":"ns-shop"}},{"metadata":{"name":"other","uid":"ns-other"}}]`},
		{name: cr + "nodes.json", body: nodeListJSON},
		// Old bundles: bare arrays without kind, the old file names.
		{name: cr + "pods/shop.json", body: `[
  {"metadata": {"name": "web-1", "namespace": "shop", "uid": "u-web-1"},
   "spec": {"containers": [{"name": "x"}, {"name": "x-previous"}, {"name": "y"}]}}
]`},
		{name: cr + "pods/other.json", body: `{"kind": "PodList", "apiVersion": "v1", "metadata": {}, "items": null}`},
		{name: cr + "resource-quotas/shop.json", body: `[{"metadata": {"name": "q", "namespace": "shop"}}]`},
		{name: cr + "clusterRoleBindings.json", body: `[{"metadata": {"name": "crb"}, "roleRef": {"kind": "ClusterRole", "name": "view"}}]`},
		{name: cr + "serviceaccounts/shop.json", body: `{"kind": "ServiceAccountList", "apiVersion": "v1", "metadata": {}, "items": [{"kind": "ServiceAccount", "apiVersion": "v1", "metadata": {"name": "default", "namespace": "shop"}}]}`},
		{name: cr + "events-errors.json", body: `{"shop": "events is forbidden: User \"x\" cannot list resource \"events\" in the namespace \"shop\""}`},
		{name: cr + "clusterroles-errors.json", body: `["clusterroles.rbac.authorization.k8s.io is forbidden"]`},
		{name: cr + "auth-cani-list/shop.json", body: `[{"verbs":["get"],"apiGroups":[""],"resources":["pods"]}]`},
		{name: cr + "groups.json", body: `[{"name":"apps"}]`},
		{name: cr + "resources.json", body: `[{"kind":"APIResourceList","groupVersion":"v1"}]`},
		{name: cr + "image-pull-secrets/shop/regcred.json", body: `{"***HIDDEN***":"robot-user","reg.example.com":"robot-user"}`},
		{name: cr + "custom-resources/widgets.example.com/shop.json", body: `[{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w","namespace":"shop","uid":"w1"}}]`},
		{name: cr + "custom-resources/widgets.example.com/shop.yaml", link: "shop.json"},
		{name: cr + "pods/logs/shop/web-1/x.log", body: "x current\n"},
		{name: cr + "pods/logs/shop/web-1/x-previous.log", body: "x-previous current\n"},
		{name: cr + "pods/logs/shop/web-1/x-previous-previous.log", body: "x-previous previous\n"},
		{name: cr + "pods/logs/shop/web-1/y-logs-errors.log", body: "container \"y\" in pod \"web-1\" is waiting to start: ContainerCreating"},
		{name: cr + "pods/logs/shop/gone-1/z-previous.log", body: "z previous\n"},
		// The secret collector's records at the bundle root; value is never kept.
		{name: root + "secrets/shop/whole.json", body: `{"namespace":"shop","name":"whole","key":"","secretExists":true,"keyExists":false}`},
		{name: root + "secrets/shop/api-creds/password.json", body: `{"namespace":"shop","name":"api-creds","key":"password","secretExists":true,"keyExists":false}`},
		{name: root + "secrets/shop/api-creds/token.json", body: `{"namespace":"shop","name":"api-creds","key":"token","secretExists":true,"keyExists":true,"value":"MARKER-SECRET-VALUE"}`},
		{name: root + "secrets/shop/db-credentials.json", body: `{"namespace":"shop","name":"db-credentials","key":"","secretExists":false,"keyExists":false}`},
		{name: root + "secrets-errors/shop/db-credentials.json", body: `["secrets \"db-credentials\" not found"]`},
		{name: root + "secrets-errors/shop/forbidden.json", body: `["secrets \"forbidden\" is forbidden"]`},
		{name: root + "configmaps/shop/cm.json", body: `{"namespace":"shop","name":"cm","key":"","configMapExists":false,"keyExists":false,"data":null}`},
	}
	d := load(t, writeTarGz(t, members))
	if d.Source.Format != FormatTroubleshootBundle {
		t.Fatalf("format %s", d.Source.Format)
	}
	want := map[string]int{"Namespace": 2, "Node": 1, "Pod": 1, "ResourceQuota": 1, "ClusterRoleBinding": 1, "ServiceAccount": 1, "Widget": 1, "Secret": 3}
	if !reflect.DeepEqual(d.Source.Objects, want) {
		t.Errorf("objects = %v, want %v", d.Source.Objects, want)
	}
	wantWarnings := []string{"1 link was not followed (links never are); each points to a file read under its own path: " + cr + "custom-resources/widgets.example.com/shop.yaml"}
	if !reflect.DeepEqual(d.Warnings, wantWarnings) {
		t.Errorf("warnings =\n%s", strings.Join(d.Warnings, "\n"))
	}

	c := d.Coverage
	t.Run("coverage", func(t *testing.T) {
		assertCovers(t, c, "Pod", "shop", "", true, "")
		assertCovers(t, c, "Pod", "other", "", true, "") // "items": null is an empty namespace
		assertCovers(t, c, "Event", "shop", "", false, "troubleshoot was forbidden to list Events in namespace shop")
		assertCovers(t, c, "ClusterRole", "", "", false, "troubleshoot was forbidden to list ClusterRoles")
		assertCovers(t, c, "ClusterRoleBinding", "", "", true, "")
		assertCovers(t, c, "ServiceAccount", "shop", "default", true, "")
		assertCovers(t, c, "ServiceAccount", "other", "default", false, "no ServiceAccounts for that namespace")
		assertCovers(t, c, "Secret", "shop", "anything", false, "only the registries")
		assertCovers(t, c, "Secret", "shop", "db-credentials", true, "") // recorded absent
		assertCovers(t, c, "Secret", "shop", "forbidden", false, "")     // an error: unknown
		assertCovers(t, c, "Widget", "shop", "", true, "")
		if s, _ := c.State("Event", "shop"); s != CollectionFailed {
			t.Errorf("Event state %s", s)
		}
		summary := c.Summary()
		if !summary["Pod"] || summary["Event"] || summary["Secret"] || !summary["ClusterRoleBinding"] {
			t.Errorf("summary %v", summary)
		}
		gaps := map[string]Gap{}
		for _, g := range c.GapDetails() {
			gaps[g.Kind] = g
		}
		if g := gaps["Event"]; g.State != CollectionFailed || !reflect.DeepEqual(g.Namespaces, []string{"other (not collected)", "shop (collection failed)"}) {
			t.Errorf("Event gap %+v", g)
		}
		if g := gaps["Secret"]; g.State != Partial {
			t.Errorf("Secret gap %+v", g)
		}
		if _, ok := gaps["Pod"]; ok {
			t.Errorf("Pod reported as a gap")
		}
	})
	t.Run("pull Secret", func(t *testing.T) {
		s := getSecret(t, d, "shop", "regcred")
		if redact.How(s) != redact.ValuesRegistriesOnly {
			t.Errorf("values %q", redact.How(s))
		}
		payload := string(s.Data[".dockerconfigjson"])
		for _, reg := range []string{`"***HIDDEN***"`, `"reg.example.com"`} {
			if !strings.Contains(payload, reg) {
				t.Errorf("payload %s lacks %s", payload, reg)
			}
		}
		if strings.Contains(payload, "robot-user") {
			t.Errorf("user name kept: %s", payload)
		}
	})
	t.Run("existence records", func(t *testing.T) {
		s := getSecret(t, d, "shop", "api-creds")
		if redact.How(s) != redact.ValuesExistenceOnly || !reflect.DeepEqual(secretKeys(s), []string{"token"}) ||
			!redact.KnownMissingKey(s, "password") || len(s.Data["token"]) != 0 {
			t.Errorf("api-creds: values %q, keys %v, annotations %v", redact.How(s), secretKeys(s), s.Annotations)
		}
		if s := getSecret(t, d, "shop", "whole"); redact.How(s) != redact.ValuesExistenceOnly || len(s.Data) != 0 {
			t.Errorf("whole: %v", s)
		}
		if _, err := d.Client.CoreV1().Secrets("shop").Get(context.Background(), "db-credentials", metav1.GetOptions{}); err == nil {
			t.Errorf("db-credentials recorded absent became an object")
		}
	})
	t.Run("logs", func(t *testing.T) {
		want := []string{
			"shop/gone-1/z (previous)", // pod unknown: the suffix says previous
			"shop/web-1/x",
			"shop/web-1/x-previous", // a container of that name: its current log
			"shop/web-1/x-previous (previous)",
		}
		if got := d.Logs.Containers(); !reflect.DeepEqual(got, want) {
			t.Errorf("logs = %v, want %v", got, want)
		}
	})
	t.Run("no value kept", func(t *testing.T) {
		assertNoMarker(t, d, "MARKER-SECRET-VALUE")
	})
}

// TestTroubleshootNamespacesShapes: namespaces.json is a NamespaceList, a
// bare array, or a single Namespace, by how the bundle was collected.
func TestTroubleshootNamespacesShapes(t *testing.T) {
	tests := []struct{ name, body string }{
		{"NamespaceList", `{"kind":"NamespaceList","apiVersion":"v1","metadata":{},"items":[{"kind":"Namespace","apiVersion":"v1","metadata":{"name":"shop"}},{"kind":"Namespace","apiVersion":"v1","metadata":{"name":"kube-system"}}]}`},
		{"bare array", `[{"metadata":{"name":"shop"}},{"metadata":{"name":"kube-system"}}]`},
		{"one Namespace", `{"kind":"Namespace","apiVersion":"v1","metadata":{"name":"shop"}}`},
		{"one Namespace without kind", `{"metadata":{"name":"shop"}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := load(t, writeTarGz(t, files("sb/cluster-resources/namespaces.json", tt.body, "sb/cluster-resources/pods/shop.json", podListJSON)))
			want := strings.Count(tt.body, `"name":`)
			if d.Source.Objects["Namespace"] != want || len(d.Warnings) != 0 {
				t.Errorf("namespaces = %d, want %d; warnings %v", d.Source.Objects["Namespace"], want, d.Warnings)
			}
		})
	}
}

func TestMustGather(t *testing.T) {
	root := "must-gather.local.1/quay-io-openshift-must-gather-sha256-abc/"
	ns := root + "namespaces/shop/"
	podYAML := "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web-1\n  namespace: shop\n  uid: u-web-1\n  resourceVersion: \"7\"\nspec:\n  containers:\n  - name: web\n    image: nginx\n"
	d := load(t, writeTarGz(t, []member{
		{name: root + "timestamp", body: "2026-11-20 10:05:12.4 +0000 UTC m=+0.04\n"},
		{name: root + "event-filter.html", body: "<html></html>\n"},
		{name: root + "aggregated-discovery-api.yaml", body: "---\napiVersion: apidiscovery.k8s.io/v2\nitems: []\nkind: APIGroupDiscoveryList\nmetadata: {}\n"},
		{name: ns + "shop.yaml", body: "---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  uid: ns-shop\n"},
		{name: ns + "core/pods.yaml", body: "---\napiVersion: v1\nitems:\n- " + strings.ReplaceAll(strings.TrimSuffix(podYAML, "\n"), "\n", "\n  ") + "\nkind: PodList\nmetadata:\n  resourceVersion: \"9\"\n"},
		{name: ns + "pods/web-1/web-1.yaml", body: "---\n" + strings.Replace(podYAML, `"7"`, `"8"`, 1)},
		{name: ns + "pods/web-1/web/web/logs/current.log", body: "2026-11-20T10:05:14.1Z listening\n"},
		{name: ns + "pods/web-1/web/web/logs/previous.log", body: ""},
		{name: ns + "pods/web-1/web/web/logs/rotated/web.log.20261120-100000", body: "old\n"},
		{name: ns + "pods/web-1/web/web/healthz/ready", body: "ok"},
		{name: ns + "core/secrets.yaml", body: `---
apiVersion: v1
items:
- apiVersion: v1
  data:
    ca.crt: ` + b64("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n") + `
    password: ` + b64("12 bytes long") + `
    token: ` + b64("0 bytes long") + `
  kind: Secret
  metadata:
    annotations:
      kubectl.kubernetes.io/last-applied-configuration: ""
    name: api-creds
    namespace: shop
  type: Opaque
kind: SecretList
metadata:
  resourceVersion: "9"
`},
		{name: ns + "apps/deployments.yaml", body: "---\napiVersion: apps/v1\nitems: []\nkind: DeploymentList\nmetadata:\n  resourceVersion: \"9\"\n"},
		{name: ns + "route.openshift.io/routes.yaml", body: "---\napiVersion: route.openshift.io/v1\nitems: []\nkind: RouteList\nmetadata:\n  resourceVersion: \"9\"\n"},
		{name: root + "namespaces/other/other.yaml", body: "---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: other\n"},
		{name: root + "cluster-scoped-resources/core/nodes/node-1.yaml", body: "---\napiVersion: v1\nkind: Node\nmetadata:\n  name: node-1\n"},
	}))
	if d.Source.Format != FormatMustGather || len(d.Warnings) != 0 {
		t.Fatalf("format %s, warnings %v", d.Source.Format, d.Warnings)
	}
	want := map[string]int{"Namespace": 2, "Pod": 1, "Secret": 1, "Node": 1}
	if !reflect.DeepEqual(d.Source.Objects, want) {
		t.Errorf("objects = %v, want %v", d.Source.Objects, want)
	}
	if p := getPod(t, d, "shop", "web-1"); p.ResourceVersion != "8" {
		t.Errorf("pod resourceVersion %s: the newer copy (pods/web-1/web-1.yaml) should win", p.ResourceVersion)
	}
	s := getSecret(t, d, "shop", "api-creds")
	sizes := redact.Sizes(s)
	caSize := len("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n")
	if redact.How(s) != redact.ValuesElided || !reflect.DeepEqual(sizes, map[string]int{"ca.crt": caSize, "password": 12, "token": 0}) {
		t.Errorf("api-creds: values %q sizes %v", redact.How(s), sizes)
	}
	for k, v := range s.Data {
		if len(v) != 0 {
			t.Errorf("value of %s kept", k)
		}
	}
	if !reflect.DeepEqual(d.Logs.Containers(), []string{"shop/web-1/web"}) {
		t.Errorf("logs %v", d.Logs.Containers())
	}
	c := d.Coverage
	assertCovers(t, c, "Secret", "shop", "x", true, "")
	assertCovers(t, c, "Secret", "other", "x", false, "no list of Secrets for that namespace")
	assertCovers(t, c, "ServiceAccount", "shop", "default", false, "does not gather ServiceAccounts")
	assertCovers(t, c, "Deployment", "shop", "", true, "")
	assertCovers(t, c, "Event", "shop", "", false, "")
}

func TestVeleroBackup(t *testing.T) {
	secret := `{"apiVersion":"v1","data":{"password":"TUFSS0VSLVNFQ1JFVA=="},"kind":"Secret","metadata":{"name":"db","namespace":"shop","uid":"s1","resourceVersion":"3"},"type":"Opaque"}`
	pod := `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"web-1","namespace":"shop","uid":"p1","resourceVersion":"4"}}`
	d := load(t, writeTarGz(t, files(
		"metadata/version", "1.1.0",
		"resources/namespaces/cluster/shop.json", `{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"shop","uid":"n1"}}`,
		"resources/namespaces/v1-preferredversion/cluster/shop.json", `{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"shop","uid":"n1"}}`,
		"resources/secrets/namespaces/shop/db.json", secret,
		"resources/secrets/v1-preferredversion/namespaces/shop/db.json", secret,
		"resources/pods/namespaces/shop/web-1.json", pod,
		"resources/pods/v1-preferredversion/namespaces/shop/web-1.json", pod,
		"resources/deployments.apps/namespaces/kube-system/coredns.json", `{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"coredns","namespace":"kube-system"}}`,
		"resources/horizontalpodautoscalers.autoscaling/v1/namespaces/shop/h.json", `{"apiVersion":"autoscaling/v1","kind":"HorizontalPodAutoscaler","metadata":{"name":"h","namespace":"shop"}}`,
	)))
	want := map[string]int{"Namespace": 1, "Secret": 1, "Pod": 1, "Deployment": 1}
	if d.Source.Format != FormatVeleroBackup || !reflect.DeepEqual(d.Source.Objects, want) || len(d.Warnings) != 0 {
		t.Fatalf("format %s, objects %v, warnings %v", d.Source.Format, d.Source.Objects, d.Warnings)
	}
	c := d.Coverage
	assertCovers(t, c, "Secret", "shop", "other", true, "")
	assertCovers(t, c, "Secret", "kube-system", "other", false, "no Secrets for that namespace")
	assertCovers(t, c, "Event", "shop", "", false, "which backups usually exclude")
	assertNoMarker(t, d, "MARKER-SECRET")
	if sizes := redact.Sizes(getSecret(t, d, "shop", "db")); sizes["password"] != len("MARKER-SECRET") {
		t.Errorf("sizes %v", sizes)
	}
}

func TestClusterInfoDump(t *testing.T) {
	t.Run("folder coverage per namespace", func(t *testing.T) {
		d := load(t, writeTarGz(t, clusterInfoFilesOf("cluster-info/")))
		c := d.Coverage
		assertCovers(t, c, "Pod", "shop", "", true, "")
		assertCovers(t, c, "Pod", "kube-system", "", false, "covered only namespace shop")
		assertCovers(t, c, "Secret", "shop", "x", false, "kubectl cluster-info dump holds no Secrets")
		assertCovers(t, c, "ServiceAccount", "shop", "default", false, "kubectl cluster-info dump holds no ServiceAccounts")
		if _, ok := d.Logs.Log("shop", "web-1", "web", false); !ok {
			t.Errorf("logs %v", d.Logs.Containers())
		}
		if got := d.Coverage.Summary(); !got["Pod"] || got["Secret"] {
			t.Errorf("summary %v", got)
		}
	})
	t.Run("stdout in YAML", func(t *testing.T) {
		// The YAML printer sorts keys, so each List's kind comes after its
		// kind-less items; "---" separates the Lists; logs sit between them.
		stream := `apiVersion: v1
items:
- metadata:
    name: node-1
    uid: u-node-1
kind: NodeList
metadata:
  resourceVersion: "10"
---
apiVersion: v1
items:
- involvedObject:
    kind: Pod
    name: web-1
    namespace: shop
  message: 'MountVolume.SetUp failed for volume "creds" : secret "db-credentials" not found'
  metadata:
    name: web-1.1808
    namespace: shop
  reason: FailedMount
  type: Warning
kind: EventList
metadata:
  resourceVersion: "10"
---
apiVersion: v1
items: []
kind: ReplicationControllerList
metadata:
  resourceVersion: "10"
---
apiVersion: v1
items:
- metadata:
    name: web-1
    namespace: shop
    uid: u-web-1
  spec:
    containers:
    - image: nginx
      name: web
- metadata:
    name: web-2
    namespace: shop
  spec:
    containers:
    - image: nginx
      name: web
kind: PodList
metadata:
  resourceVersion: "10"
==== START logs for container web of pod shop/web-1 ====
Request log error: container "web" in pod "web-1" is waiting to start: ContainerCreating
==== END logs for container web of pod shop/web-1 ====
==== START logs for container web of pod shop/web-2 ====
==== END logs for container web of pod shop/web-2 ====
`
		d := load(t, writeFile(t, "dump.txt", strings.ReplaceAll(stream, "\n", "\r\n")))
		want := map[string]int{"Node": 1, "Event": 1, "Pod": 2}
		if d.Source.Format != FormatClusterInfoDump || !reflect.DeepEqual(d.Source.Objects, want) || len(d.Warnings) != 0 {
			t.Fatalf("format %s, objects %v, warnings %v", d.Source.Format, d.Source.Objects, d.Warnings)
		}
		if d.Logs.Count() != 2 {
			t.Errorf("logs %v", d.Logs.Containers())
		}
		assertCovers(t, d.Coverage, "ReplicationController", "shop", "", true, "")
		assertCovers(t, d.Coverage, "Deployment", "shop", "", false, "holds no Deployments, as it stopped before listing them")
	})
	t.Run("text tables", func(t *testing.T) {
		m := clusterInfoFilesOf("")
		m = append(m, member{name: "kube-system/pods.txt", body: "NAME READY\n"}, member{name: "kube-system/events.json", body: list("EventList")},
			member{name: "kube-system/services.json", body: list("ServiceList")})
		d := load(t, writeTree(t, m))
		if len(warningsContaining(d, "kube-system/pods.txt: a text table")) != 1 {
			t.Errorf("warnings %v", d.Warnings)
		}
		assertCovers(t, d.Coverage, "Pod", "kube-system", "", false, "text table")
	})
}

// TestPresenceCoverage: what kubectl get output and manifests are taken to cover.
func TestPresenceCoverage(t *testing.T) {
	doc := func(kind, ns, name string) string {
		return "---\napiVersion: v1\nkind: " + kind + "\nmetadata:\n  name: " + name + "\n  namespace: " + ns + "\n"
	}
	tests := []struct {
		name              string
		body              string
		kind, ns, objName string
		covered           bool
		why               string
	}{
		{"Secrets of one namespace cover it", doc("Secret", "shop", "a") + doc("Pod", "web", "p"), "Secret", "shop", "b", true, ""},
		{"Secrets of one namespace say nothing of another", doc("Secret", "shop", "a") + doc("Pod", "web", "p"), "Secret", "web", "b", false, "Secrets of namespace shop only"},
		{"one List of Secrets of several namespaces: a listing with -A", "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Secret\n  metadata: {name: a, namespace: shop}\n- apiVersion: v1\n  kind: Secret\n  metadata: {name: k, namespace: kube-system}\n---\n", "Secret", "web", "b", true, ""},
		{"Secrets of several namespaces, one by one, say nothing of a third", doc("Secret", "shop", "a") + doc("Secret", "kube-system", "k"), "Secret", "web", "b", false, "Secrets of namespaces kube-system, shop only"},
		{"Lists of one namespace each say nothing of a third", "apiVersion: v1\nkind: SecretList\nitems:\n- metadata: {name: a, namespace: shop}\n---\napiVersion: v1\nkind: SecretList\nitems:\n- metadata: {name: k, namespace: kube-system}\n---\n", "Secret", "web", "b", false, "Secrets of namespaces kube-system, shop only"},
		{"no Secret at all", doc("Pod", "shop", "p"), "Secret", "shop", "b", false, "holds no Secrets"},
		{"ServiceAccounts where any is present", doc("ServiceAccount", "shop", "default"), "ServiceAccount", "shop", "api", true, ""},
		{"no ServiceAccount of that namespace", doc("ServiceAccount", "shop", "default"), "ServiceAccount", "web", "default", false, "no ServiceAccounts for this namespace"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := load(t, writeFile(t, "dump.yaml", tt.body))
			assertCovers(t, d.Coverage, tt.kind, tt.ns, tt.objName, tt.covered, tt.why)
		})
	}
}

// TestDedup: an object present in several files is kept once, the newest
// resourceVersion winning; same group, kind, namespace and name (or same UID,
// kind, namespace and name: one object served in two API groups).
func TestDedup(t *testing.T) {
	pod := func(uid, rv, image string) string {
		return `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"web-1","namespace":"shop","uid":"` + uid + `","resourceVersion":"` + rv + `"},"spec":{"containers":[{"name":"web","image":"` + image + `"}]}}` + "\n"
	}
	tests := []struct {
		name      string
		docs      []string
		pods      int
		wantImage string
	}{
		{"same UID, newer resourceVersion wins", []string{pod("u1", "9", "new"), pod("u1", "5", "old")}, 1, "new"},
		{"same UID, newer last", []string{pod("u1", "5", "old"), pod("u1", "9", "new")}, 1, "new"},
		{"same resourceVersion: the later copy", []string{pod("u1", "5", "first"), pod("u1", "5", "second")}, 1, "second"},
		{"no UIDs: by name", []string{pod("", "5", "old"), pod("", "6", "new")}, 1, "new"},
		{"recreated object: two UIDs, same name", []string{pod("u1", "5", "old"), pod("u2", "6", "new")}, 1, "new"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := load(t, writeFile(t, "dump.json", strings.Join(tt.docs, "")))
			if d.Source.Objects["Pod"] != tt.pods {
				t.Fatalf("pods %d", d.Source.Objects["Pod"])
			}
			if img := getPod(t, d, "shop", "web-1").Spec.Containers[0].Image; img != tt.wantImage {
				t.Errorf("image %s, want %s", img, tt.wantImage)
			}
		})
	}
	t.Run("a List and a per-object file", func(t *testing.T) {
		d := load(t, writeTarGz(t, files("a/pods.json", podListJSON, "b/web-1.json", `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"web-1","namespace":"shop","uid":"u-web-1","resourceVersion":"6"}}`)))
		if d.Source.Objects["Pod"] != 1 || getPod(t, d, "shop", "web-1").ResourceVersion != "6" {
			t.Errorf("objects %v", d.Source.Objects)
		}
	})
	t.Run("same name in two groups stays two", func(t *testing.T) {
		d := load(t, writeFile(t, "dump.yaml", "apiVersion: v1\nkind: Node\nmetadata:\n  name: n1\n---\napiVersion: longhorn.io/v1beta1\nkind: Node\nmetadata:\n  name: n1\n  namespace: longhorn-system\n"))
		want := map[string]int{"Node": 1, "Node.longhorn.io": 1}
		if !reflect.DeepEqual(d.Source.Objects, want) {
			t.Errorf("objects %v, want %v", d.Source.Objects, want)
		}
		gvr := schema.GroupVersionResource{Group: "longhorn.io", Version: "v1beta1", Resource: "nodes"}
		if _, err := d.Dynamic.Resource(gvr).Namespace("longhorn-system").Get(context.Background(), "n1", metav1.GetOptions{}); err != nil {
			t.Errorf("custom Node: %v", err)
		}
	})
}

// TestSharedUIDs: a UID shared by objects of different identities (uids
// redacted by a customer) merges nothing; the warning says so once.
func TestSharedUIDs(t *testing.T) {
	obj := func(api, kind, ns, name, uid string) string {
		meta := `"name":"` + name + `","uid":"` + uid + `"`
		if ns != "" {
			meta += `,"namespace":"` + ns + `"`
		}
		return `{"apiVersion":"` + api + `","kind":"` + kind + `","metadata":{` + meta + `}}` + "\n"
	}
	tests := []struct {
		name    string
		docs    []string
		objects map[string]int
		warning string // part of the one shared-uid warning; "" for none
	}{
		{"redacted uids across kinds", []string{
			obj("rbac.authorization.k8s.io/v1", "ClusterRoleBinding", "", "crb", "REDACTED"),
			obj("v1", "Secret", "shop", "s1", "REDACTED"),
			obj("v1", "Secret", "shop", "s2", "REDACTED"),
			obj("v1", "Pod", "shop", "p1", "REDACTED"),
		}, map[string]int{"ClusterRoleBinding": 1, "Secret": 2, "Pod": 1}, `4 objects share the uid "REDACTED" (the uids look redacted)`},
		{"same uid and name, other namespace", []string{obj("v1", "Secret", "a", "s", "x"), obj("v1", "Secret", "b", "s", "x")},
			map[string]int{"Secret": 2}, `2 objects share the uid "x"`},
		{"two shared uids", []string{obj("v1", "Secret", "a", "s", "x"), obj("v1", "Pod", "a", "s", "x"), obj("v1", "Secret", "a", "t", "y"), obj("v1", "Secret", "b", "t", "y"), obj("v1", "Secret", "c", "t", "y")},
			map[string]int{"Secret": 4, "Pod": 1}, `5 objects share 2 uids, 3 of them "y"`},
		{"same object twice", []string{obj("v1", "Secret", "a", "s", "x"), obj("v1", "Secret", "a", "s", "x")},
			map[string]int{"Secret": 1}, ""},
		{"same object in two API groups", []string{obj("v1", "Event", "a", "e", "x"), obj("events.k8s.io/v1", "Event", "a", "e", "x")},
			map[string]int{"Event": 1}, ""},
		{"empty uids", []string{obj("v1", "Secret", "a", "s", ""), obj("v1", "Pod", "a", "s", "")},
			map[string]int{"Secret": 1, "Pod": 1}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := load(t, writeFile(t, "dump.json", strings.Join(tt.docs, "")))
			if !reflect.DeepEqual(d.Source.Objects, tt.objects) {
				t.Errorf("objects %v, want %v", d.Source.Objects, tt.objects)
			}
			shared := warningsContaining(d, "look redacted")
			switch {
			case tt.warning == "" && len(shared) > 0:
				t.Errorf("unexpected warning %q", shared)
			case tt.warning != "" && (len(shared) != 1 || !strings.Contains(shared[0], tt.warning)):
				t.Errorf("warnings %q, want one holding %q", d.Warnings, tt.warning)
			}
		})
	}
}

func b64(s string) string {
	return base64Std(s)
}

// TestArchiveMembers: only regular members are read; climbing or absolute
// names and special files are named in a warning, nothing is written.
func TestArchiveMembers(t *testing.T) {
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	add := func(h *tar.Header, body string) {
		h.Size = int64(len(body))
		if h.Mode == 0 {
			h.Mode = 0o600
		}
		tw.WriteHeader(h)
		tw.Write([]byte(body))
	}
	add(&tar.Header{Name: "dump/pods.json", Typeflag: tar.TypeReg}, podListJSON)
	add(&tar.Header{Name: "../escape.json", Typeflag: tar.TypeReg}, podListJSON)
	add(&tar.Header{Name: "/etc/abs.json", Typeflag: tar.TypeReg}, podListJSON)
	add(&tar.Header{Name: "dump/x/../../inner.json", Typeflag: tar.TypeReg}, podListJSON)
	add(&tar.Header{Name: "dump/tty", Typeflag: tar.TypeChar, Devmajor: 5}, "")
	add(&tar.Header{Name: "dump/fifo", Typeflag: tar.TypeFifo}, "")
	tw.Close()
	gz.Close()
	d, err := Load(context.Background(), "-", Options{Stdin: bytes.NewReader(buf.Bytes())})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		`stdin: member "../escape.json" has an absolute path or a ".." in it; skipped (nothing is ever extracted)`,
		`stdin: member "/etc/abs.json" has an absolute path or a ".." in it; skipped (nothing is ever extracted)`,
		`stdin: member "dump/x/../../inner.json" has an absolute path or a ".." in it; skipped (nothing is ever extracted)`,
		"stdin: member dump/tty is not a regular file; skipped",
		"stdin: member dump/fifo is not a regular file; skipped",
	}
	if d.Source.Objects["Pod"] != 1 || d.Source.Container != ContainerTarGzip || !reflect.DeepEqual(d.Warnings, want) {
		t.Errorf("objects %v, container %s, warnings\n%s", d.Source.Objects, d.Source.Container, strings.Join(d.Warnings, "\n"))
	}
}

// TestLayoutNeedsConfirmation: a folder of manifests whose paths merely look
// like a layout keeps every manifest.
func TestLayoutNeedsConfirmation(t *testing.T) {
	tests := []struct {
		name   string
		tree   []member
		format Format
	}{
		{"namespaces/<ns>/<ns>.yaml in a GitOps repo", files(
			"namespaces/shop/shop.yaml", "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n",
			"namespaces/shop/apps/web.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: shop\n",
			"base/secret.yaml", "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n  namespace: shop\n"), FormatManifests},
		{"resources/<gr>/namespaces/... without Velero's metadata", files(
			"resources/secrets/namespaces/shop/s.json", `{"apiVersion":"v1","kind":"Secret","metadata":{"name":"s","namespace":"shop"}}`,
			"apps/web.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: shop\n"), FormatManifests},
		{"a real must-gather list", files(
			"mg/namespaces/shop/core/secrets.yaml", "apiVersion: v1\nitems: []\nkind: SecretList\nmetadata: {}\n",
			"mg/namespaces/shop/shop.yaml", "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n"), FormatMustGather},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := load(t, writeTree(t, tt.tree))
			if d.Source.Format != tt.format {
				t.Errorf("format %s, want %s", d.Source.Format, tt.format)
			}
			if tt.format == FormatManifests && d.Source.Objects["Secret"] != 1 {
				t.Errorf("objects %v: a manifest was dropped", d.Source.Objects)
			}
		})
	}
}

// A GitOps folder may have namespaces/<ns>.yaml: not a must-gather path, and
// never a reason to fail.
func TestManifestsFolderWithNamespacesFile(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "namespaces"), 0o755); err != nil {
		t.Fatal(err)
	}
	ns := "apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n"
	if err := os.WriteFile(filepath.Join(dir, "namespaces", "shop.yaml"), []byte(ns), 0o600); err != nil {
		t.Fatal(err)
	}
	d, err := Load(context.Background(), dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if d.Source.Objects["Namespace"] != 1 || d.Source.Format != FormatManifests {
		t.Errorf("got %v as %s", d.Source.Objects, d.Source.Format)
	}
}

// TestExtraKubectlOutputBesideALayout: kubectl get output added beside a
// bundle or a cluster-info dump is read, named in a warning when the layout
// is a collector's, and covers what it holds; the collector's own files that
// hold no objects the checks read stay out.
func TestExtraKubectlOutputBesideALayout(t *testing.T) {
	secretsAllNamespaces := `{"apiVersion":"v1","kind":"List","items":[
 {"apiVersion":"v1","kind":"Secret","metadata":{"name":"a","namespace":"shop"},"data":{"k":"dg=="}},
 {"apiVersion":"v1","kind":"Secret","metadata":{"name":"b","namespace":"payments"},"data":{"k":"dg=="}}]}`
	secretsOfShop := `{"apiVersion":"v1","kind":"List","items":[
 {"apiVersion":"v1","kind":"Secret","metadata":{"name":"a","namespace":"shop"},"data":{"k":"dg=="}}]}`
	root := "support-bundle/"
	bundle := []member{
		{name: root + "version.yaml", body: "apiVersion: troubleshoot.sh/v1beta2\nkind: SupportBundle\nspec:\n  versionNumber: v0.133.0\n"},
		{name: root + "cluster-resources/pods/shop.json", body: `{"kind":"PodList","apiVersion":"v1","items":[{"metadata":{"name":"p","namespace":"shop"}}]}`},
		{name: root + "discovery/apps.json", body: `{"apiVersion":"apidiscovery.k8s.io/v2","kind":"APIGroupDiscovery","metadata":{"name":"apps"}}`},
	}
	clusterInfo := []member{
		{name: "dump/nodes.json", body: nodeListJSON},
		{name: "dump/shop/pods.json", body: `{"kind":"PodList","apiVersion":"v1","items":[{"metadata":{"name":"p","namespace":"shop"}}]}`},
		{name: "dump/shop/events.json", body: `{"kind":"EventList","apiVersion":"v1","items":[]}`},
	}
	tests := []struct {
		name      string
		members   []member
		secrets   int
		coveredNS map[string]bool // namespace -> Secrets covered there
		warning   string
	}{
		{"troubleshoot bundle + kubectl get secrets -A", append(append([]member{}, bundle...), member{name: "kubectl-get-secrets.json", body: secretsAllNamespaces}),
			2, map[string]bool{"shop": true, "payments": true, "web": true}, "1 file outside the troubleshoot-bundle layout was read as kubectl get output: kubectl-get-secrets.json"},
		{"troubleshoot bundle + kubectl get secrets -n shop", append(append([]member{}, bundle...), member{name: "secrets-shop.json", body: secretsOfShop}),
			1, map[string]bool{"shop": true, "payments": false}, "secrets-shop.json"},
		{"cluster-info folder + kubectl get secrets -A", append(append([]member{}, clusterInfo...), member{name: "dump/secrets.json", body: secretsAllNamespaces}),
			2, map[string]bool{"shop": true, "web": true}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := load(t, writeTarGz(t, tt.members))
			if got := d.Source.Objects["Secret"]; got != tt.secrets {
				t.Errorf("Secrets read: %d, want %d (objects %v)", got, tt.secrets, d.Source.Objects)
			}
			if d.Source.Objects["APIGroupDiscovery"] != 0 {
				t.Errorf("the collector's discovery file was read as objects: %v", d.Source.Objects)
			}
			for ns, want := range tt.coveredNS {
				assertCovers(t, d.Coverage, "Secret", ns, "x", want, "")
			}
			if tt.warning != "" && !strings.Contains(strings.Join(d.Warnings, "\n"), tt.warning) {
				t.Errorf("warnings %q lack %q", d.Warnings, tt.warning)
			}
		})
	}
}

// TestClusterInfoStreamThatStopped: cluster-info dump prints each namespace's
// Lists in a fixed order and stops at the first error; Lists it never reached
// are not collected there.
func TestClusterInfoStreamThatStopped(t *testing.T) {
	list := func(kind, item string) string {
		return indent(map[string]any{"kind": kind, "apiVersion": "v1", "metadata": map[string]any{}, "items": []any{map[string]any{"metadata": map[string]any{"name": item, "namespace": "shop"}}}})
	}
	empty := func(kind string) string {
		return indent(map[string]any{"kind": kind, "apiVersion": "v1", "metadata": map[string]any{}, "items": []any{}})
	}
	head := nodeListJSON + "\n" + list("EventList", "e") + empty("ReplicationControllerList") + list("ServiceList", "s") + empty("DaemonSetList") + list("DeploymentList", "d")
	tests := []struct {
		name   string
		stream string
		pods   bool
		why    string
	}{
		{"stopped after the ReplicaSets", head + list("ReplicaSetList", "r"), false, "stopped in namespace shop before listing its Pods"},
		{"stopped after the Deployments", head, false, "stopped in namespace shop before listing its Pods"},
		{"complete", head + list("ReplicaSetList", "r") + list("PodList", "p"), true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := load(t, writeFile(t, "dump.json", tt.stream))
			if d.Source.Format != FormatClusterInfoDump {
				t.Fatalf("read as %s", d.Source.Format)
			}
			assertCovers(t, d.Coverage, "Pod", "shop", "p", tt.pods, tt.why)
		})
	}
}

// TestCutOffArchiveLeavesKindsUnknown: the kinds an archive cut short holds
// none of are unknown, whatever the format's own rules would say of them.
func TestCutOffArchiveLeavesKindsUnknown(t *testing.T) {
	root := "support-bundle/cluster-resources/"
	var members []member
	members = append(members, member{name: root + "pods/shop.json", body: `{"kind":"PodList","apiVersion":"v1","items":[{"metadata":{"name":"p","namespace":"shop"}}]}`})
	for i := 0; i < 40; i++ {
		members = append(members, member{name: fmt.Sprintf("%sconfigmaps/ns%02d.json", root, i), body: strings.Repeat(" ", 4000) + `{"kind":"ConfigMapList","apiVersion":"v1","items":[]}`})
	}
	members = append(members, member{name: root + "serviceaccounts/shop.json", body: `{"kind":"ServiceAccountList","apiVersion":"v1","items":[{"metadata":{"name":"default","namespace":"shop"}}]}`})
	full, err := os.ReadFile(writeTarGz(t, members))
	if err != nil {
		t.Fatal(err)
	}
	cut := writeFile(t, "cut.tar.gz", string(full[:len(full)*2/3]))
	d := load(t, cut)
	assertCovers(t, d.Coverage, "ServiceAccount", "shop", "default", false, "is cut off after")
}

// TestNestedListNamed: a List inside a List (never written by kubectl) is
// named plainly in its warning; a custom kind whose name ends in List is read.
func TestNestedListNamed(t *testing.T) {
	d := load(t, writeFile(t, "dump.yaml", `apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: List
  items: []
- apiVersion: example.com/v1
  kind: IPAllowList
  metadata: {name: a, namespace: shop}
- apiVersion: v1
  kind: Pod
  metadata: {name: p, namespace: shop}
`))
	if d.Source.Objects["IPAllowList"] != 1 || d.Source.Objects["Pod"] != 1 {
		t.Errorf("objects %v", d.Source.Objects)
	}
	if len(d.Warnings) != 1 || !strings.Contains(d.Warnings[0], "the item is itself a List, and a List inside a List is not unpacked") {
		t.Errorf("warnings %q", d.Warnings)
	}
}
