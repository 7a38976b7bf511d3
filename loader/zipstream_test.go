package loader

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"context"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// zipStyle is how a writer lays out its members.
type zipStyle int

const (
	zipGo         zipStyle = iota // Go's zip.Writer.Create: deflate, sizes in a data descriptor (bit 3)
	zipGoStored                   // Go's CreateHeader with Store: stored, sizes in a data descriptor
	zipKnownSizes                 // Python's zipfile, Info-ZIP: sizes in the local header
)

// zipBytes writes members in a style; it returns the archive and where each
// member's local header starts.
func zipBytes(t *testing.T, style zipStyle, members []member) ([]byte, []int) {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	var starts []int
	for _, m := range members {
		var w interface{ Write([]byte) (int, error) }
		var err error
		switch style {
		case zipGo:
			w, err = zw.Create(m.name)
		case zipGoStored:
			w, err = zw.CreateHeader(&zip.FileHeader{Name: m.name, Method: zip.Store})
		case zipKnownSizes:
			var comp bytes.Buffer
			fw, _ := flate.NewWriter(&comp, flate.BestCompression)
			fw.Write([]byte(m.body))
			fw.Close()
			w, err = zw.CreateRaw(&zip.FileHeader{Name: m.name, Method: zip.Deflate, CRC32: crc32.ChecksumIEEE([]byte(m.body)),
				CompressedSize64: uint64(comp.Len()), UncompressedSize64: uint64(len(m.body))})
			if err == nil {
				_, err = w.Write(comp.Bytes())
			}
			if err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(m.body))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	for _, m := range members {
		for at := 0; ; at++ {
			i := bytes.Index(data[at:], []byte("PK\x03\x04"))
			if i < 0 {
				t.Fatalf("no local header for %s", m.name)
			}
			at += i
			if bytes.HasPrefix(data[at+30:], []byte(m.name)) {
				starts = append(starts, at)
				break
			}
		}
	}
	return data, starts
}

// TestCutOffZip: a zip without its central directory is read from its local
// headers; what is complete is kept, and the warning says it is cut off.
func TestCutOffZip(t *testing.T) {
	secret := func(name string) string {
		return `{"apiVersion":"v1","kind":"Secret","metadata":{"name":"` + name + `","namespace":"shop"},"data":{"k":"eA=="}}` + "\n"
	}
	members := files("dump/a.json", secret("a"), "dump/b.json", secret("b"), "dump/c.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: shop}\n"+strings.Repeat("# filler\n", 200))
	// cut returns the archive cut at an offset chosen from the member starts.
	type cutAt func(data []byte, starts []int) []byte
	tests := []struct {
		name    string
		cut     cutAt
		objects map[string]int
		warns   []string
	}{
		{"cut inside the third member", func(d []byte, s []int) []byte { return d[:s[2]+60] },
			map[string]int{"Secret": 2}, []string{"dump.zip: the zip archive is cut off (its central directory is missing): 2 complete members were read from their local headers, and the rest is lost"}},
		{"cut inside a header", func(d []byte, s []int) []byte { return d[:s[1]+10] },
			map[string]int{"Secret": 1}, []string{"1 complete member was read"}},
		{"cut in the central directory", func(d []byte, s []int) []byte { return d[:len(d)-30] },
			map[string]int{"Secret": 2, "ConfigMap": 1}, []string{"dump.zip: the zip archive's central directory is damaged; its 3 members were read from their local headers"}},
		{"damaged between members", func(d []byte, s []int) []byte {
			out := append([]byte(nil), d[:len(d)-40]...)
			copy(out[s[2]:], "garbage!")
			return out
		}, map[string]int{"Secret": 2}, []string{"the zip archive is damaged after 2 complete members"}},
	}
	for _, style := range []zipStyle{zipGo, zipGoStored, zipKnownSizes} {
		data, starts := zipBytes(t, style, members)
		for _, tt := range tests {
			t.Run(fmt.Sprintf("style %d: %s", style, tt.name), func(t *testing.T) {
				p := filepath.Join(t.TempDir(), "dump.zip")
				os.WriteFile(p, tt.cut(data, starts), 0o600)
				for _, from := range []string{"file", "stdin"} {
					var d *Dump
					var err error
					if from == "file" {
						d, err = Load(context.Background(), p, Options{})
					} else {
						b, _ := os.ReadFile(p)
						d, err = Load(context.Background(), "-", Options{Stdin: bytes.NewReader(b)})
					}
					if err != nil {
						t.Fatalf("%s: %v", from, err)
					}
					if !reflect.DeepEqual(d.Source.Objects, tt.objects) {
						t.Errorf("%s: objects %v, want %v; warnings %q", from, d.Source.Objects, tt.objects, d.Warnings)
					}
					for _, w := range tt.warns {
						if from == "stdin" {
							w = strings.ReplaceAll(w, "dump.zip: ", "stdin: ")
						}
						if len(warningsContaining(d, w)) == 0 {
							t.Errorf("%s: no warning holds %q: %q", from, w, d.Warnings)
						}
					}
				}
			})
		}
	}
	t.Run("not a zip after its signature", func(t *testing.T) {
		_, err := Load(context.Background(), writeFile(t, "x.zip", "PK\x03\x04garbage"), Options{})
		if err == nil || !strings.Contains(err.Error(), "x.zip: not a readable zip archive; skipped") {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("a member's checksum does not match", func(t *testing.T) {
		data, starts := zipBytes(t, zipKnownSizes, files("a.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: shop}\n"))
		data = append([]byte(nil), data[:len(data)-30]...)
		data[starts[0]+14] ^= 0xFF // the CRC in the local header
		d := load(t, writeFile(t, "crc.zip", string(data)))
		if len(warningsContaining(d, "a.yaml: checksum mismatch")) == 0 {
			t.Errorf("warnings %q", d.Warnings)
		}
	})
}

// TestStoredUntilDescriptor: a stored member whose size follows its data
// ends at the descriptor whose sizes match, not at a look-alike in the data.
func TestStoredUntilDescriptor(t *testing.T) {
	lookAlike := "PK\x07\x08" + strings.Repeat("\x00", 20)
	data, _ := zipBytes(t, zipGoStored, files(
		"a.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: shop}\ndata: {k: \""+strings.Repeat("y", 70<<10)+"\"}\n",
		"notes.bin", strings.Repeat("z", 40<<10)+lookAlike+strings.Repeat("z", 40<<10),
		"b.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: b, namespace: shop}\n"))
	d := load(t, writeFile(t, "stored.zip", string(data[:len(data)-30])))
	if d.Source.Objects["ConfigMap"] != 2 || len(warningsContaining(d, "its 3 members were read from their local headers")) == 0 {
		t.Errorf("objects %v, warnings %q", d.Source.Objects, d.Warnings)
	}
}
