package loader

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// member is one entry of a test archive or folder: a file, or a link when
// link is set.
type member struct {
	name, body, link string
	hard             bool
}

func files(pairs ...string) []member {
	var out []member
	for i := 0; i+1 < len(pairs); i += 2 {
		out = append(out, member{name: pairs[i], body: pairs[i+1]})
	}
	return out
}

// writeTarGz writes members as a .tar.gz in a temporary folder.
func writeTarGz(t *testing.T, members []member) string {
	t.Helper()
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	for _, m := range members {
		hdr := &tar.Header{Name: m.name, Mode: 0o600, Size: int64(len(m.body)), ModTime: time.Unix(0, 0), Typeflag: tar.TypeReg}
		if m.link != "" {
			hdr.Typeflag, hdr.Linkname, hdr.Size = tar.TypeSymlink, m.link, 0
			if m.hard {
				hdr.Typeflag = tar.TypeLink
			}
		}
		if err := tw.WriteHeader(hdr); err != nil {
			t.Fatal(err)
		}
		if m.link == "" {
			if _, err := tw.Write([]byte(m.body)); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := gz.Close(); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "dump.tar.gz")
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// writeTree writes members into a temporary folder and returns it.
func writeTree(t *testing.T, members []member) string {
	t.Helper()
	root := t.TempDir()
	for _, m := range members {
		p := filepath.Join(root, filepath.FromSlash(m.name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if m.link != "" {
			if err := os.Symlink(m.link, p); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err := os.WriteFile(p, []byte(m.body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

// writeFile writes one file in a temporary folder.
func writeFile(t *testing.T, name, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func load(t *testing.T, path string) *Dump {
	t.Helper()
	d, err := Load(context.Background(), path, Options{Workers: 4})
	if err != nil {
		t.Fatalf("Load(%s): %v", path, err)
	}
	return d
}

func getPod(t *testing.T, d *Dump, ns, name string) *corev1.Pod {
	t.Helper()
	p, err := d.Client.CoreV1().Pods(ns).Get(context.Background(), name, metav1.GetOptions{})
	if err != nil {
		t.Fatalf("pod %s/%s: %v", ns, name, err)
	}
	return p
}

func getSecret(t *testing.T, d *Dump, ns, name string) *corev1.Secret {
	t.Helper()
	s, err := d.Client.CoreV1().Secrets(ns).Get(context.Background(), name, metav1.GetOptions{})
	if err != nil {
		t.Fatalf("secret %s/%s: %v", ns, name, err)
	}
	return s
}

func secretKeys(s *corev1.Secret) []string {
	var keys []string
	for k := range s.Data {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// assertCovers checks Coverage.Covers for (kind, namespace, name).
func assertCovers(t *testing.T, c *Coverage, kind, ns, name string, want bool, whyPart string) {
	t.Helper()
	got, why := c.Covers(kind, ns, name)
	if got != want {
		t.Errorf("Covers(%s, %q, %q) = %v (%s), want %v", kind, ns, name, got, why, want)
	}
	if whyPart != "" && !strings.Contains(why, whyPart) {
		t.Errorf("Covers(%s, %q, %q) why = %q, want it to mention %q", kind, ns, name, why, whyPart)
	}
}

func warningsContaining(d *Dump, part string) []string {
	var out []string
	for _, w := range d.Warnings {
		if strings.Contains(w, part) {
			out = append(out, w)
		}
	}
	return out
}

func base64Std(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

// assertNoMarker checks that a value planted in the input survives nowhere:
// not in any Secret (decoded or encoded) nor in any warning.
func assertNoMarker(t *testing.T, d *Dump, marker string) {
	t.Helper()
	encoded := base64Std(marker)
	for _, w := range d.Warnings {
		if strings.Contains(w, marker) || strings.Contains(w, encoded) {
			t.Errorf("warning quotes a value: %q", w)
		}
	}
	secrets, err := d.Client.CoreV1().Secrets("").List(context.Background(), metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range secrets.Items {
		b, _ := json.Marshal(s)
		if bytes.Contains(b, []byte(marker)) || bytes.Contains(b, []byte(encoded)) || bytes.Contains(b, []byte(base64Std(encoded))) {
			t.Errorf("Secret %s/%s keeps a value: %s", s.Namespace, s.Name, b)
		}
	}
}
