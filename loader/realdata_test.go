package loader

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/secretscan/secretscan/internal/redact"
)

// TestRealData loads the public real-world dumps of fixtures/realdata (see its
// README) and checks what each one holds. The expected counts were computed
// independently of the loader: a Python script read every object file of each
// bundle's cluster-resources/ (JSON with json.load, the custom resources'
// YAML with PyYAML after quoting the redactor's bare ***HIDDEN***), skipped
// discovery, auth-cani-list, errors and log files, merged objects by UID, and
// counted them by kind; for the pasted cluster-info dump it split the
// top-level values by bracket counting and parsed each List and item with
// json.loads, joining line breaks inside strings for the one hard-wrapped Pod.
// The only difference by design is the kurl bundle's Secret: the pull Secret
// synthesised from image-pull-secrets/default/registry-creds.json.
func TestRealData(t *testing.T) {
	tests := []struct {
		file     string
		format   Format
		objects  map[string]int
		logs     int
		warnings []string // each warning must contain its entry, in order
	}{
		{
			file: "troubleshoot-v0.50-k3s-bundle.tar.gz", format: FormatTroubleshootBundle,
			objects: map[string]int{"Addon": 12, "ClusterRole": 69, "ClusterRoleBinding": 54, "CustomResourceDefinition": 12,
				"Deployment": 5, "Event": 5, "HelmChart": 2, "IngressRoute": 1, "Job": 2, "Namespace": 4, "Node": 1,
				"PersistentVolume": 4, "PersistentVolumeClaim": 4, "Pod": 8, "ReplicaSet": 6, "Role": 7, "RoleBinding": 9,
				"Service": 4, "StorageClass": 1},
			logs:     19,
			warnings: []string{"19 links were not followed (links never are); each points to a file read under its own path: support-bundle/all-logs/"},
		},
		{
			file: "troubleshoot-v0.123-k3s-bundle.tar.gz", format: FormatTroubleshootBundle,
			objects: map[string]int{"Addon": 13, "ClusterRole": 72, "ClusterRoleBinding": 57, "ConfigMap": 11,
				"CustomResourceDefinition": 23, "DaemonSet": 1, "Deployment": 4, "EndpointSlice": 4, "Endpoints": 4,
				"Event": 97, "HelmChart": 2, "IngressRoute": 1, "Job": 2, "Lease": 2, "Namespace": 4, "Node": 1, "Pod": 7,
				"PriorityClass": 2, "ReplicaSet": 4, "Role": 7, "RoleBinding": 9, "Service": 4, "ServiceAccount": 43,
				"StorageClass": 1},
			logs:     2,
			warnings: []string{"2 links were not followed"},
		},
		{
			file: "kurl-1.23-bundle.tar.gz", format: FormatTroubleshootBundle,
			objects: map[string]int{"BackupStorageLocation": 1, "BackupTarget": 1, "ConfigMap": 4, "CustomResourceDefinition": 32,
				"Deployment": 12, "Engine": 1, "EngineImage": 1, "Event": 67, "Installer": 1, "InstanceManager": 6, "Job": 1,
				"Namespace": 9, "Node": 3, "Node.longhorn.io": 3, "PersistentVolume": 1, "PersistentVolumeClaim": 1, "Pod": 58,
				"Replica": 3, "ReplicaSet": 13, "Secret": 1, "Service": 12, "Setting": 46, "StorageClass": 1, "Volume": 1},
			logs: 7,
		},
		{
			file: "minikube-1.31-cluster-info-dump-pasted.txt", format: FormatClusterInfoDump,
			objects:  map[string]int{"DaemonSet": 1, "Deployment": 1, "Event": 52, "Node": 1, "Pod": 7, "ReplicaSet": 1, "Service": 2},
			logs:     7,
			warnings: []string{"minikube-1.31-cluster-info-dump-pasted.txt: line 3524 (item 7 of the PodList): 3 line breaks inside JSON strings removed (the text was hard-wrapped, as when a dump is pasted from a terminal); the object was read"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			d := load(t, filepath.Join("..", "fixtures", "realdata", tt.file))
			if d.Source.Format != tt.format {
				t.Errorf("format = %s, want %s", d.Source.Format, tt.format)
			}
			if !reflect.DeepEqual(d.Source.Objects, tt.objects) {
				t.Errorf("objects =\n%v\nwant\n%v", d.Source.Objects, tt.objects)
			}
			if got := d.Logs.Count(); got != tt.logs {
				t.Errorf("logs = %d, want %d: %v", got, tt.logs, d.Logs.Containers())
			}
			if len(d.Warnings) != len(tt.warnings) {
				t.Fatalf("warnings =\n%s\nwant %d", strings.Join(d.Warnings, "\n"), len(tt.warnings))
			}
			for i, w := range tt.warnings {
				if !strings.Contains(d.Warnings[i], w) {
					t.Errorf("warning %d = %q, want it to contain %q", i, d.Warnings[i], w)
				}
			}
		})
	}
}

// TestRealDataDetails checks what the real bundles say beyond counts: their
// coverage, records and the logs' placement.
func TestRealDataDetails(t *testing.T) {
	dir := filepath.Join("..", "fixtures", "realdata")
	t.Run("troubleshoot v0.50: old names, no ServiceAccounts", func(t *testing.T) {
		d := load(t, filepath.Join(dir, "troubleshoot-v0.50-k3s-bundle.tar.gz"))
		c := d.Coverage
		assertCovers(t, c, "ServiceAccount", "default", "default", false, "since v0.70.3")
		assertCovers(t, c, "Secret", "default", "x", false, "only the registries")
		assertCovers(t, c, "ClusterRoleBinding", "", "", true, "") // clusterRoleBindings.json
		assertCovers(t, c, "Pod", "kube-system", "", true, "")
		assertCovers(t, c, "Role", "kube-public", "", true, "")
		assertCovers(t, c, "DaemonSet", "kube-system", "", false, "holds no DaemonSets")
		// hello-previous.log is the previous log of container hello.
		if _, ok := d.Logs.Log("default", "nginx-deployment-7986654d4-ztx2g", "hello", true); !ok {
			t.Errorf("previous log of hello missing: %v", d.Logs.Containers())
		}
		if _, ok := d.Logs.Log("default", "nginx-deployment-7986654d4-ztx2g", "hello-previous", false); ok {
			t.Errorf("hello-previous read as a container")
		}
	})
	t.Run("troubleshoot v0.123: a Secret recorded absent", func(t *testing.T) {
		d := load(t, filepath.Join(dir, "troubleshoot-v0.123-k3s-bundle.tar.gz"))
		c := d.Coverage
		assertCovers(t, c, "Secret", "default", "example-secret", true, "")
		assertCovers(t, c, "Secret", "default", "other-secret", false, "only the registries")
		assertCovers(t, c, "ServiceAccount", "kube-system", "coredns", true, "")
		if d.Source.Objects["Secret"] != 0 {
			t.Errorf("a record of an absent Secret became an object")
		}
	})
	t.Run("kurl: pull Secret with a redacted registry", func(t *testing.T) {
		d := load(t, filepath.Join(dir, "kurl-1.23-bundle.tar.gz"))
		s := getSecret(t, d, "default", "registry-creds")
		if redact.How(s) != redact.ValuesRegistriesOnly || s.Type != "kubernetes.io/dockerconfigjson" {
			t.Errorf("registry-creds: values %q, type %q", redact.How(s), s.Type)
		}
		payload := string(s.Data[".dockerconfigjson"])
		if !strings.Contains(payload, `"***HIDDEN***"`) || strings.Contains(payload, "kurl") {
			t.Errorf("payload %s: want the redacted registry and no user name", payload)
		}
		assertCovers(t, d.Coverage, "Secret", "default", "registry-creds", true, "")
		if _, ok := d.Logs.Log("velero", "velero-6996dd565b-xl44t", "velero", true); !ok {
			t.Errorf("velero previous log missing: %v", d.Logs.Containers())
		}
		if _, ok := d.Logs.Log("velero", "velero-6996dd565b-xl44t", "velero-velero-plugin-for-aws", false); !ok {
			t.Errorf("init container log missing: %v", d.Logs.Containers())
		}
	})
	t.Run("minikube: cluster-info stdout coverage", func(t *testing.T) {
		d := load(t, filepath.Join(dir, "minikube-1.31-cluster-info-dump-pasted.txt"))
		c := d.Coverage
		assertCovers(t, c, "Pod", "kube-system", "", true, "")
		assertCovers(t, c, "Event", "default", "", true, "")
		assertCovers(t, c, "Secret", "kube-system", "x", false, "cluster-info dump holds no Secrets")
		assertCovers(t, c, "Pod", "shop", "", false, "covered only namespaces default, kube-system")
		p := getPod(t, d, "kube-system", "storage-provisioner")
		if _, ok := p.Annotations[redact.LastAppliedAnnotation]; ok {
			t.Errorf("last-applied-configuration kept")
		}
		if _, ok := d.Logs.Log("kube-system", "etcd-minikube", "etcd", false); !ok {
			t.Errorf("etcd log block missing: %v", d.Logs.Containers())
		}
	})
}

// TestTruncatedRealData cuts the pasted cluster-info dump at many points: the
// loader must never fail or hang, must keep every List that ends before the
// cut, and must name the cut in a warning.
func TestTruncatedRealData(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "fixtures", "realdata", "minikube-1.31-cluster-info-dump-pasted.txt"))
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i < 24; i++ {
		cut := len(data) * i / 24
		t.Run(fmt.Sprint(cut), func(t *testing.T) {
			d, err := Load(context.Background(), writeFile(t, "dump.txt", string(data[:cut])), Options{Workers: 2})
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			if d.Source.Objects["Node"] != 1 {
				t.Errorf("the NodeList, complete before the cut, is lost: %v", d.Source.Objects)
			}
			if len(d.Warnings) == 0 && cut < len(data)-200 {
				t.Errorf("no warning names the cut at byte %d", cut)
			}
		})
	}
}
