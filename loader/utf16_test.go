package loader

import (
	"bufio"
	"io"
	"strings"
	"testing"
	"unicode/utf16"
)

// utf16Bytes encodes s as UTF-16, with a byte order mark when bom.
func utf16Bytes(s string, bigEndian, bom bool) []byte {
	var out []byte
	put := func(u uint16) {
		if bigEndian {
			out = append(out, byte(u>>8), byte(u))
		} else {
			out = append(out, byte(u), byte(u>>8))
		}
	}
	if bom {
		put(0xFEFF)
	}
	for _, u := range utf16.Encode([]rune(s)) {
		put(u)
	}
	return out
}

// TestUTF16Reader: UTF-16 decodes to the same text, whatever the chunk
// boundaries; damage becomes U+FFFD.
func TestUTF16Reader(t *testing.T) {
	long := strings.Repeat("a", 2047) + "😀" + strings.Repeat("é", 3000) + "end"
	tests := []struct {
		name      string
		in        []byte
		bigEndian bool
		want      string
	}{
		{"little endian", utf16Bytes("kind: Pod\r\n", false, false), false, "kind: Pod\r\n"},
		{"big endian", utf16Bytes("kind: Pod\n", true, false), true, "kind: Pod\n"},
		{"a pair across chunks", utf16Bytes(long, false, false), false, long},
		{"an unpaired high surrogate", append(utf16Bytes("a", false, false), 0x3D, 0xD8, 'b', 0), false, "a\uFFFDb"},
		{"an unpaired low surrogate at the end", append(utf16Bytes("a", false, false), 0x00, 0xDC), false, "a\uFFFD"},
		{"an odd last byte", append(utf16Bytes("ab", false, false), 'c'), false, "ab\uFFFD"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := io.ReadAll(newUTF16Reader(bufio.NewReaderSize(strings.NewReader(string(tt.in)), 16), tt.bigEndian, false))
			if err != nil || string(got) != tt.want {
				t.Errorf("got %.300q, %v; want %.300q", got, err, tt.want)
			}
		})
	}
}

// TestUTF16Files: kubectl output redirected by Windows PowerShell 5 is
// UTF-16; it is read as the UTF-8 text it stands for.
func TestUTF16Files(t *testing.T) {
	yamlDump := "apiVersion: v1\r\nkind: List\r\nitems:\r\n- apiVersion: v1\r\n  kind: Secret\r\n  metadata:\r\n    name: db\r\n    namespace: shop\r\n    annotations: {note: \"naïve 😀\"}\r\n"
	jsonDump := `{"apiVersion":"v1","kind":"Secret","metadata":{"name":"db","namespace":"shop"}}`
	tests := []struct {
		name string
		path func(t *testing.T) string
	}{
		{"YAML, little endian with BOM", func(t *testing.T) string { return writeFile(t, "dump.yaml", string(utf16Bytes(yamlDump, false, true))) }},
		{"JSON, big endian with BOM", func(t *testing.T) string { return writeFile(t, "dump.json", string(utf16Bytes(jsonDump, true, true))) }},
		{"YAML, little endian without BOM", func(t *testing.T) string {
			return writeFile(t, "dump.yaml", string(utf16Bytes(yamlDump, false, false)))
		}},
		{"gzipped", func(t *testing.T) string { return gzipOf(t, "dump.json.gz", string(utf16Bytes(jsonDump, false, true))) }},
		{"in a bundle", func(t *testing.T) string {
			return writeTarGz(t, []member{{name: "dump/secrets.yaml", body: string(utf16Bytes(yamlDump, false, true))}})
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := load(t, tt.path(t))
			if d.Source.Objects["Secret"] != 1 || len(d.Warnings) != 0 {
				t.Fatalf("objects %v, warnings %q", d.Source.Objects, d.Warnings)
			}
			if s := getSecret(t, d, "shop", "db"); strings.HasPrefix(tt.name, "YAML") && s.Annotations["note"] != "naïve 😀" {
				t.Errorf("annotation %q", s.Annotations["note"])
			}
		})
	}
}
