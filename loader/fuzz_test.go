package loader

import (
	"archive/tar"
	"archive/zip"
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Fuzz targets of the loader: format detection and decoding (FuzzLoad) and
// the archive walker (FuzzArchiveWalker). Their seed corpora are the small
// fixtures of the repository and the committed hostile seeds; `go test` runs
// the seeds, `make fuzz` runs each target for a while.

// fuzzLimits keep one fuzzing input cheap: the limits are what is tested, not
// their default sizes.
func fuzzLimits() Limits {
	return Limits{
		MaxTotalBytes:      8 << 20,
		MaxMemberBytes:     4 << 20,
		MaxDocumentBytes:   1 << 20,
		MaxArchiveDepth:    3,
		MaxDepth:           64,
		MaxDocumentObjects: 10000,
		MaxYAMLAliasNodes:  1000,
	}
}

// seedFiles returns the fixture inputs up to maxBytes, and the hostile seeds.
func seedFiles(f *testing.F, maxBytes int64, keep func(name string) bool) [][]byte {
	f.Helper()
	var paths []string
	for _, pattern := range []string{"../fixtures/*/dump*", "../fixtures/hostile/*"} {
		m, err := filepath.Glob(pattern)
		if err != nil {
			f.Fatal(err)
		}
		paths = append(paths, m...)
	}
	var out [][]byte
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil || !info.Mode().IsRegular() || info.Size() > maxBytes || !keep(p) {
			continue
		}
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		out = append(out, data)
	}
	if len(out) == 0 {
		f.Fatal("no seed files found")
	}
	return out
}

func FuzzLoad(f *testing.F) {
	for _, data := range seedFiles(f, 64<<10, func(string) bool { return true }) {
		f.Add(data)
	}
	for _, s := range []string{
		"", "{", "[", "---\n", "- null\n", "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndata: {k: '!!'}\n",
		`{"kind":"SecretList","apiVersion":"v1","items":[null,{"metadata":{"name":"s"},"data":{"k":1}}]}`,
		"a: &a [*a]\n", "kind: Pod\nmetadata: {name: p}\nspec: {containers: oops}\n",
		"==== START logs for container c of pod ns/p ====\nline\n",
		"-", "items:\n-\n  kind: Pod\n", "items:\n- kind: Pod\n$ junk\n- kind: Pod\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := Load(context.Background(), "-", Options{Limits: fuzzLimits(), Stdin: bytes.NewReader(data), Workers: 2})
		if err != nil {
			checkLine(t, "error", err.Error())
			var limit *LimitError
			if !errors.Is(err, ErrNothingRead) && !errors.As(err, &limit) {
				t.Fatalf("unexpected kind of error: %v", err)
			}
			return
		}
		for _, w := range d.Warnings {
			checkLine(t, "warning", w)
		}
		secrets, err := d.Client.CoreV1().Secrets("").List(context.Background(), metav1.ListOptions{})
		if err != nil {
			t.Fatalf("listing Secrets: %v", err)
		}
		for _, s := range secrets.Items {
			checkNoValues(t, &s)
		}
	})
}

// checkNoValues: a loaded Secret keeps no value but a sanitized docker config.
func checkNoValues(t *testing.T, s *corev1.Secret) {
	t.Helper()
	if len(s.StringData) > 0 {
		t.Fatalf("Secret %s kept stringData", s.Name)
	}
	for k, v := range s.Data {
		if len(v) == 0 || k == corev1.DockerConfigJsonKey || k == corev1.DockerConfigKey {
			continue
		}
		t.Fatalf("Secret %s kept a value for key %q", s.Name, k)
	}
}

// checkLine: a message is one printable line of bounded length.
func checkLine(t *testing.T, what, s string) {
	t.Helper()
	if !utf8.ValidString(s) || strings.ContainsAny(s, "\n\r\x1b\x00") || len(s) > 4096 {
		t.Fatalf("%s is not one bounded printable line: %.300q", what, s)
	}
}

func FuzzArchiveWalker(f *testing.F) {
	isArchive := func(name string) bool {
		return strings.HasSuffix(name, ".gz") || strings.HasSuffix(name, ".tgz") || strings.HasSuffix(name, ".tar") || strings.HasSuffix(name, ".zip")
	}
	for _, data := range seedFiles(f, 256<<10, isArchive) {
		f.Add(data)
	}
	f.Add(walkerSeedTar(f))
	f.Add(walkerSeedZip(f))
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(walkerSeedTar(f))
	zw.Close()
	f.Add(gz.Bytes())
	f.Fuzz(func(t *testing.T, data []byte) {
		limits := fuzzLimits()
		var leafBytes int64
		w := &inputWalker{
			ctx:    context.Background(),
			limits: limits,
			visit: func(name string, r *bufio.Reader, top bool) error {
				if !top {
					if clean, ok := memberName(name); !ok || clean != name {
						t.Fatalf("member %q reached the visitor uncleaned", name)
					}
				}
				checkLine(t, "member name", name)
				n, err := io.Copy(io.Discard, r)
				leafBytes += n
				return err
			},
			link: func(name, target string, hard bool) {
				if clean, ok := memberName(name); !ok || clean != name {
					t.Fatalf("link %q reached the visitor uncleaned", name)
				}
			},
			warn: func(s string) { checkLine(t, "warning", warningText(s)) },
		}
		err := w.walk("-", bytes.NewReader(data))
		var limit *LimitError
		if err != nil && !errors.As(err, &limit) {
			t.Fatalf("walk: unexpected error %v", err)
		}
		if err == nil && w.total > limits.MaxTotalBytes {
			t.Fatalf("read %d bytes, over the limit of %d", w.total, limits.MaxTotalBytes)
		}
		if leafBytes > limits.MaxTotalBytes+1<<20 {
			t.Fatalf("visited %d bytes, over the limit of %d", leafBytes, limits.MaxTotalBytes)
		}
	})
}

// walkerSeedTar holds every kind of member the walker must refuse or skip.
func walkerSeedTar(f *testing.F) []byte {
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	for _, h := range []*tar.Header{
		{Name: "ok/pods.yaml", Typeflag: tar.TypeReg, Size: 5},
		{Name: "../climb.yaml", Typeflag: tar.TypeReg, Size: 5},
		{Name: "/abs.yaml", Typeflag: tar.TypeReg, Size: 5},
		{Name: "link", Typeflag: tar.TypeSymlink, Linkname: "/etc/passwd"},
		{Name: "hard", Typeflag: tar.TypeLink, Linkname: "ok/pods.yaml"},
		{Name: "dev", Typeflag: tar.TypeChar},
		{Name: "dir/", Typeflag: tar.TypeDir},
	} {
		h.Mode = 0o600
		if err := tw.WriteHeader(h); err != nil {
			f.Fatal(err)
		}
		if h.Size > 0 {
			tw.Write([]byte("kind:"))
		}
	}
	tw.Close()
	return b.Bytes()
}

func walkerSeedZip(f *testing.F) []byte {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, name := range []string{"ok/pods.yaml", "../climb.yaml", "/abs.yaml"} {
		w, err := zw.Create(name)
		if err != nil {
			f.Fatal(err)
		}
		w.Write([]byte("kind: Pod\n"))
	}
	hdr := &zip.FileHeader{Name: "link"}
	hdr.SetMode(os.ModeSymlink | 0o777)
	w, _ := zw.CreateHeader(hdr)
	w.Write([]byte("/etc/passwd"))
	zw.Close()
	return b.Bytes()
}
