package loader

import (
	"archive/tar"
	"bytes"
	"compress/bzip2"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestCompressedInputs: bzip2 is read like gzip; xz and zstd, which need
// modules the standard library lacks, are named with how to convert them.
func TestCompressedInputs(t *testing.T) {
	secret := `{"apiVersion":"v1","kind":"Secret","metadata":{"name":"db","namespace":"shop"}}` + "\n"
	bz := func(t *testing.T, data []byte) []byte {
		if _, err := exec.LookPath("bzip2"); err != nil {
			t.Skip("no bzip2 command to compress with")
		}
		cmd := exec.Command("bzip2", "-1", "-c")
		cmd.Stdin = bytes.NewReader(data)
		out, err := cmd.Output()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := bzip2.NewReader(bytes.NewReader(out)).Read(make([]byte, 1)); err != nil {
			t.Fatal(err)
		}
		return out
	}
	tarOf := func(t *testing.T) []byte {
		var b bytes.Buffer
		tw := tar.NewWriter(&b)
		tw.WriteHeader(&tar.Header{Name: "dump/secret.json", Mode: 0o600, Size: int64(len(secret)), Typeflag: tar.TypeReg})
		tw.Write([]byte(secret))
		if err := tw.Close(); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	tests := []struct {
		name      string
		build     func(t *testing.T) (string, []byte)
		container Container
		err       string
		warn      string
	}{
		{"bzip2 of one file", func(t *testing.T) (string, []byte) { return "dump.json.bz2", bz(t, []byte(secret)) }, ContainerBzip2, "", ""},
		{"tar.bz2", func(t *testing.T) (string, []byte) { return "dump.tar.bz2", bz(t, tarOf(t)) }, ContainerTarBzip2, "", ""},
		{"bzip2 cut off: the blocks before the cut are kept", func(t *testing.T) (string, []byte) {
			var b strings.Builder
			b.WriteString(secret)
			for i := 0; b.Len() < 400<<10; i++ {
				fmt.Fprintf(&b, `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c%d","namespace":"shop"}}`+"\n", i)
			}
			z := bz(t, []byte(b.String()))
			return "dump.json.bz2", z[:len(z)-40]
		}, ContainerBzip2, "", "dump.json: damaged bzip2 data; what was read before is kept"},
		{"xz", func(t *testing.T) (string, []byte) { return "dump.tar.xz", []byte("\xfd7zXZ\x00\x00\x04\xe6\xd6\xb4F") }, "",
			"dump.tar.xz: xz-compressed data, which secretscan does not read; decompress it first (xz -dk FILE, or tar xJf FILE for a .tar.xz) and pass the result; skipped", ""},
		{"zstd", func(t *testing.T) (string, []byte) { return "dump.tar.zst", []byte("\x28\xb5\x2f\xfd\x04\x58\x00\x00") }, "",
			"dump.tar.zst: zstd-compressed data, which secretscan does not read; decompress it first (zstd -d FILE, or tar --zstd -xf FILE for a .tar.zst)", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			name, data := tt.build(t)
			d, err := Load(context.Background(), writeFile(t, name, string(data)), Options{})
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err = %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if d.Source.Objects["Secret"] != 1 || d.Source.Container != tt.container {
				t.Errorf("objects %v, container %s; warnings %q", d.Source.Objects, d.Source.Container, d.Warnings)
			}
			if tt.warn != "" && len(warningsContaining(d, tt.warn)) == 0 {
				t.Errorf("no warning holds %q: %q", tt.warn, d.Warnings)
			}
		})
	}
}

// TestLinkArgument: the folder named on the command line may be a link to
// one; links inside it are still not followed.
func TestLinkArgument(t *testing.T) {
	root := writeTree(t, []member{
		{name: "dump/secret.json", body: `{"apiVersion":"v1","kind":"Secret","metadata":{"name":"db","namespace":"shop"}}`},
		{name: "dump/other.json", link: "../elsewhere.json"},
		{name: "elsewhere.json", body: `{"apiVersion":"v1","kind":"Secret","metadata":{"name":"far","namespace":"shop"}}`},
	})
	link := filepath.Join(t.TempDir(), "link-to-dump")
	if err := os.Symlink(filepath.Join(root, "dump"), link); err != nil {
		t.Skip(err)
	}
	d := load(t, link)
	if d.Source.Objects["Secret"] != 1 || d.Source.Container != ContainerDirectory {
		t.Errorf("objects %v, container %s", d.Source.Objects, d.Source.Container)
	}
	if len(warningsContaining(d, "other.json: link not followed")) != 1 {
		t.Errorf("warnings %q", d.Warnings)
	}
}
