package main

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"sigs.k8s.io/yaml"
)

// The hostile corpus: inputs built at test time (bombs are never committed),
// each run end to end through run(). Each must give either a clear error
// (exit 2, one line on stderr) or a report holding every finding of the
// intact part it carries, within hostileTimeout and hostileMemory.
//
// go test ./cmd/secretscan -run TestHostileCorpus -hostile-dir DIR also
// writes the inputs to DIR, to try them on a built binary.

var hostileDir = flag.String("hostile-dir", "", "also write the hostile corpus inputs to this folder")

const (
	hostileTimeout = 60 * time.Second
	hostileMemory  = 1 << 30
)

// intactYAML is the part of a hostile input that is whole: a Deployment with
// two Secret problems, whose findings a partial report must hold.
const intactYAML = `apiVersion: v1
kind: List
items:
- apiVersion: apps/v1
  kind: Deployment
  metadata: {name: intact-web, namespace: hostile, uid: intact-d1}
  spec:
    selector: {matchLabels: {app: intact-web}}
    template:
      metadata: {labels: {app: intact-web}}
      spec:
        containers:
        - name: web
          image: nginx
          env:
          - name: TOKEN
            valueFrom: {secretKeyRef: {name: intact-present, key: missing-key}}
        volumes:
        - name: creds
          secret: {secretName: intact-missing}
- apiVersion: v1
  kind: Secret
  metadata: {name: intact-present, namespace: hostile}
  data: {token: aGVsbG8=}
`

// intactFindings are the findings of intactYAML: id and Secret.
var intactFindings = [][2]string{{"secret-not-found", "intact-missing"}, {"secret-key-not-found", "intact-present"}}

// intactJSON is intactYAML as one line of JSON.
func intactJSON(t testing.TB) string {
	j, err := yaml.YAMLToJSON([]byte(intactYAML))
	if err != nil {
		t.Fatal(err)
	}
	return string(j) + "\n"
}

// hostileInput is one input of the corpus.
type hostileInput struct {
	name string
	// build writes the input into dir and returns its path ("-" for stdin, with
	// the bytes to feed it).
	build func(t testing.TB, dir string) (path string, stdin []byte)
	args  []string
	// exit 2: stderr holds err. Otherwise a report with the intact findings,
	// and warnings holding each of warn.
	err  string
	warn []string
	// noIntact: a report, but the input carries no intact part.
	noIntact bool
}

func hostileCorpus() []hostileInput {
	return []hostileInput{
		{name: "empty file", build: file("empty.yaml", ""), err: "no Kubernetes objects found in"},
		{name: "empty stdin", build: stdinOf(nil), err: "no Kubernetes objects found in stdin"},
		{name: "random bytes", build: func(t testing.TB, dir string) (string, []byte) {
			return write(t, dir, "random.bin", randomBytes(1<<20, 1)), nil
		}, err: "binary data, not JSON or YAML"},
		{name: "random bytes named yaml", build: func(t testing.TB, dir string) (string, []byte) {
			return write(t, dir, "random.yaml", randomBytes(1<<20, 2)), nil
		}, err: "no Kubernetes objects found"},
		{name: "random bytes after a gzip header", build: func(t testing.TB, dir string) (string, []byte) {
			return write(t, dir, "random.tar.gz", append([]byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff}, randomBytes(1<<20, 3)...)), nil
		}, err: "no Kubernetes objects found"},
		{name: "zero-filled 5 GiB gzip bomb", build: func(t testing.TB, dir string) (string, []byte) {
			return write(t, dir, "bomb.gz", zeroBomb()), nil
		}, err: "binary data, not JSON or YAML"},
		{name: "zero-filled 5 GiB gzip bomb on stdin", build: func(t testing.TB, dir string) (string, []byte) {
			return "-", zeroBomb()
		}, err: "binary data, not JSON or YAML"},
		{name: "blank 5 GiB gzip bomb stops at the limit", args: []string{"--max-total-bytes", "64MiB"}, build: func(t testing.TB, dir string) (string, []byte) {
			return write(t, dir, "blank.yaml.gz", append(gzipOf(t, []byte(intactYAML+"---\n")), repeatGzip(t, bytes.Repeat([]byte(" "), 1<<20), 5120)...)), nil
		}, err: "exceeds 64 MiB (raise it with --max-total-bytes)"},
		{name: "tar.gz with a 5 GiB zero member stops at the limit", args: []string{"--max-total-bytes", "4MiB"}, build: func(t testing.TB, dir string) (string, []byte) {
			var head bytes.Buffer
			tw := tar.NewWriter(&head)
			addTar(t, tw, &tar.Header{Name: "intact.yaml"}, intactYAML)
			if err := tw.WriteHeader(&tar.Header{Name: "bomb.bin", Mode: 0o600, Size: 5 << 30, Typeflag: tar.TypeReg}); err != nil {
				t.Fatal(err)
			}
			tw.Flush()
			return write(t, dir, "bomb.tar.gz", append(gzipOf(t, head.Bytes()), zeroBomb()...)), nil
		}, err: "exceeds 4 MiB (raise it with --max-total-bytes)"},
		{name: "tar.gz with a 5 GiB member of text stops at the limit of one file", args: []string{"--max-file-bytes", "2MiB"}, build: func(t testing.TB, dir string) (string, []byte) {
			// Held in memory when read through: a single 5 GiB "line" of zeros inside a YAML file.
			var head bytes.Buffer
			tw := tar.NewWriter(&head)
			addTar(t, tw, &tar.Header{Name: "intact.yaml"}, intactYAML)
			if err := tw.WriteHeader(&tar.Header{Name: "big.yaml", Mode: 0o600, Size: 5 << 30, Typeflag: tar.TypeReg}); err != nil {
				t.Fatal(err)
			}
			tw.Flush()
			return write(t, dir, "big.tar.gz", append(append(gzipOf(t, head.Bytes()), gzipOf(t, []byte("kind: ConfigMap\ndata: {x: "))...), repeatGzip(t, bytes.Repeat([]byte("a"), 1<<20), 5120)...)), nil
		}, err: "big.yaml (decompressed) exceeds 2 MiB (raise it with --max-file-bytes)"},
		{name: "truncated tar.gz", build: func(t testing.TB, dir string) (string, []byte) {
			data := tarGz(t, tarEntry{name: "intact.yaml", body: intactYAML}, tarEntry{name: "filler.yaml", body: fillerYAML(512 << 10)})
			return write(t, dir, "truncated.tar.gz", data[:len(data)*2/3]), nil
		}, warn: []string{"the archive is damaged or cut off"}},
		{name: "truncated gzip of one file", build: func(t testing.TB, dir string) (string, []byte) {
			data := gzipOf(t, []byte(intactYAML+"---\n"+fillerYAML(512<<10)))
			return write(t, dir, "dump.yaml.gz", data[:len(data)/2]), nil
		}, warn: []string{"the data ends early"}},
		{name: "truncated tar", build: func(t testing.TB, dir string) (string, []byte) {
			data := tarOf(t, tarEntry{name: "intact.yaml", body: intactYAML}, tarEntry{name: "filler.yaml", body: fillerYAML(256 << 10)})
			return write(t, dir, "truncated.tar", data[:len(data)/2]), nil
		}, warn: []string{"the archive is damaged or cut off"}},
		{name: "partly corrupt bundle", build: func(t testing.TB, dir string) (string, []byte) {
			data := tarGz(t, tarEntry{name: "intact.yaml", body: intactYAML}, tarEntry{name: "noise.yaml", body: noiseYAML(1 << 20)}, tarEntry{name: "after.yaml", body: intactYAML})
			for i := len(data) / 2; i < len(data)/2+64; i++ {
				data[i] ^= 0x5a
			}
			return write(t, dir, "corrupt.tar.gz", data), nil
		}, warn: []string{"corrupt.tar: the archive is damaged or cut off after 2 members"}},
		{name: "damaged members in a bundle", build: func(t testing.TB, dir string) (string, []byte) {
			return write(t, dir, "damaged.tar.gz", tarGz(t,
				tarEntry{name: "intact.yaml", body: intactYAML},
				tarEntry{name: "broken.json", body: `{"kind":"PodList","apiVersion":"v1","items":[{"metadata":{"name":"a","namespace":"hostile"}},{"metadata":`},
				tarEntry{name: "binary.yaml", body: string(randomBytes(4096, 4))},
			)), nil
		}, warn: []string{"broken.json: line 1: item 2 of PodList is cut off at the end of the input", "binary.yaml: binary data"}},
		{name: "file cut mid-document", build: func(t testing.TB, dir string) (string, []byte) {
			pod := "---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: cut\n  namespace: hostile\nspec:\n  containers:\n  - name: a\n    image: \"nginx"
			return write(t, dir, "cut.yaml", []byte(intactYAML+pod)), nil
		}, warn: []string{"cut.yaml: line 26: Pod hostile/cut: invalid YAML"}},
		{name: "JSON cut mid-object", build: func(t testing.TB, dir string) (string, []byte) {
			return write(t, dir, "cut.json", []byte(intactJSON(t)+`{"apiVersion":"v1","kind":"Pod","metadata":{"name":"cut","namespace":"hostile"},"spec":{"containers":[{"name":"a"`)), nil
		}, warn: []string{"cut.json: line 2: the input ends inside the object"}},
		{name: "damaged objects in a kubectl dump", build: func(t testing.TB, dir string) (string, []byte) {
			return write(t, dir, "damaged.yaml", []byte(intactYAML+`- null
-
- apiVersion: v1
  kind: Pod
  metadata: {namespace: hostile}
- apiVersion: apps/v1
  kind: Deployment
  metadata: {name: oops, namespace: hostile}
  spec:
    template:
      spec:
        containers: oops
- apiVersion: v1
  kind: Secret
  metadata: {name: bad-base64, namespace: hostile}
  data: {token: "!!not base64!!", good: aGVsbG8=}
- apiVersion: v1
  kind: Pod
  metadata: {name: uses-bad-base64, namespace: hostile}
  spec:
    containers:
    - name: a
      image: nginx
      env:
      - {name: T, valueFrom: {secretKeyRef: {name: bad-base64, key: token}}}
`)), nil
		}, warn: []string{
			"line 25: item 3 of the list is null; skipped",
			"line 26: item 4 of the list is null; skipped",
			"(item 5 of the list): the Pod has no name; skipped",
			"(item 6 of the list): Deployment hostile/oops: field spec.template.spec.containers has a JSON string where a Container was expected; skipped",
			`Secret hostile/bad-base64: the value of key "token" does not decode (not a base64 string); the key is kept, its size unknown`,
		}},
		{name: "YAML alias bomb (billion laughs)", build: func(t testing.TB, dir string) (string, []byte) {
			return write(t, dir, "laughs.yaml", []byte(intactYAML+"---\n"+billionLaughs)), nil
		}, warn: []string{"laughs.yaml: line 26: ConfigMap hostile/lol: YAML aliases expand the document by more than 10000 nodes (raise the limit with --max-yaml-alias-nodes); skipped"}},
		{name: "YAML alias bomb of a long string", build: func(t testing.TB, dir string) (string, []byte) {
			bomb := "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: long, namespace: hostile}\ndata:\n  a: &a " + strings.Repeat("x", 4<<20) + "\n  b: [" + strings.Repeat("*a, ", 99) + "*a]\n"
			return write(t, dir, "long-alias.yaml", []byte(intactYAML+"---\n"+bomb)), nil
		}, warn: []string{"YAML aliases expand the document beyond 16 MiB (raise the limit with --max-document-bytes); skipped"}},
		{name: "YAML anchor holding itself", build: func(t testing.TB, dir string) (string, []byte) {
			return write(t, dir, "self.yaml", []byte(intactYAML+"---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: self}\ndata: &a {x: *a}\n")), nil
		}, warn: []string{"self.yaml: line 26: "}},
		{name: "JSON nested 100000 deep", build: func(t testing.TB, dir string) (string, []byte) {
			deep := `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"deep","namespace":"hostile"},"data":{"x":` + strings.Repeat("[", 100000) + strings.Repeat("]", 100000) + "}}\n"
			return write(t, dir, "deep.json", []byte(deep+intactJSON(t))), nil
		}, warn: []string{"deep.json: line 1: object nested deeper than 1000 levels; skipped (raise the limit with --max-depth)"}},
		{name: "JSON List item nested 10 million deep", build: func(t testing.TB, dir string) (string, []byte) {
			deep := `{"kind":"List","apiVersion":"v1","items":[` + strings.Repeat("{\"a\":", 1e7) + "1" + strings.Repeat("}", 1e7) + "]}\n"
			return write(t, dir, "deeper.json", []byte(deep+intactJSON(t))), nil
		}, warn: []string{"deeper.json: line 1: item 1 of the list is nested deeper than 1000 levels; skipped (raise the limit with --max-depth)"}},
		{name: "YAML nested 5000 deep", build: func(t testing.TB, dir string) (string, []byte) {
			deep := "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: deep, namespace: hostile}\ndata:\n  x: " + strings.Repeat("[", 5000) + strings.Repeat("]", 5000) + "\n"
			return write(t, dir, "deep.yaml", []byte(intactYAML+"---\n"+deep)), nil
		}, warn: []string{"deep.yaml: line 26: ConfigMap hostile/deep: nested deeper than 1000 levels (raise the limit with --max-depth); skipped"}},
		{name: "YAML nested 100000 deep", build: func(t testing.TB, dir string) (string, []byte) {
			deep := "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: deep, namespace: hostile}\ndata:\n  x: " + strings.Repeat("[", 100000) + strings.Repeat("]", 100000) + "\n"
			return write(t, dir, "deeper.yaml", []byte(intactYAML+"---\n"+deep)), nil
		}, warn: []string{"deeper.yaml: line 26: ConfigMap hostile/deep: nested deeper than 10000 levels"}},
		{name: "64 MiB single JSON line", build: func(t testing.TB, dir string) (string, []byte) {
			line := `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"big","namespace":"hostile"},"data":{"x":"` + strings.Repeat("a", 64<<20) + "\"}}\n"
			return write(t, dir, "line.json", []byte(line+intactJSON(t))), nil
		}, warn: []string{"line.json: line 1: object larger than 16 MiB; skipped (raise the limit with --max-document-bytes)"}},
		{name: "64 MiB single YAML line", build: func(t testing.TB, dir string) (string, []byte) {
			line := "apiVersion: v1\nkind: Secret\nmetadata: {name: big, namespace: hostile}\ndata:\n  x: " + strings.Repeat("a", 64<<20) + "\n"
			return write(t, dir, "line.yaml", []byte(intactYAML+"---\n"+line)), nil
		}, warn: []string{"line.yaml: line 30 is longer than 16 MiB; the document holding it was skipped (raise the limit with --max-document-bytes)"}},
		{name: "64 MiB line without a line break", build: func(t testing.TB, dir string) (string, []byte) {
			return write(t, dir, "a.yaml", bytes.Repeat([]byte("a"), 64<<20)), nil
		}, err: "no Kubernetes objects found"},
		{name: "2 MiB document made of tiny YAML nodes", build: func(t testing.TB, dir string) (string, []byte) {
			var b strings.Builder
			b.WriteString("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: tiny, namespace: hostile}\nbinaryData:\n  x:\n")
			for b.Len() < 2<<20 {
				b.WriteString("  - 1\n")
			}
			return write(t, dir, "tiny.yaml", []byte(intactYAML+"---\n"+b.String())), nil
		}},
		{name: "document just under the size limit made of empty containers", build: func(t testing.TB, dir string) (string, []byte) {
			doc := `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"many","namespace":"hostile"},"spec":{"containers":[` + strings.Repeat("{},", (16<<20-200)/3) + "{}]}}\n"
			return write(t, dir, "containers.json", []byte(doc+intactJSON(t))), nil
		}, warn: []string{"containers.json: line 1: object made of more than 100000 objects; skipped (raise the limit with --max-document-objects)"}},
		{name: "many large documents", build: func(t testing.TB, dir string) (string, []byte) {
			var b strings.Builder
			b.WriteString(intactYAML)
			for i := 0; i < 8; i++ {
				fmt.Fprintf(&b, "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: big-%d, namespace: hostile}\ndata:\n  x: %s\n", i, strings.Repeat("b", 2<<20))
			}
			return write(t, dir, "many.yaml", []byte(b.String())), nil
		}, noIntact: false},
		{name: "path traversal, links and devices in a tar", build: func(t testing.TB, dir string) (string, []byte) {
			return write(t, dir, "evil.tar", tarOf(t,
				tarEntry{name: "intact.yaml", body: intactYAML},
				tarEntry{name: "../evil-climb.yaml", body: intactYAML},
				tarEntry{name: "a/../../evil-climb2.yaml", body: intactYAML},
				tarEntry{name: "/tmp/evil-abs.yaml", body: intactYAML},
				tarEntry{name: "C:\\evil-drive.yaml", body: intactYAML},
				tarEntry{name: "link.yaml", link: "/etc/passwd", typ: tar.TypeSymlink},
				tarEntry{name: "climb-link.yaml", link: "../../../etc/shadow", typ: tar.TypeSymlink},
				tarEntry{name: "hard.yaml", link: "/etc/passwd", typ: tar.TypeLink},
				tarEntry{name: "dev-null", typ: tar.TypeChar},
				tarEntry{name: "dev-sda", typ: tar.TypeBlock},
				tarEntry{name: "fifo", typ: tar.TypeFifo},
				tarEntry{name: "name\x1b[31mwith\nescapes.yaml", body: "kind: ["},
			)), nil
		}, warn: []string{
			`member "../evil-climb.yaml" has an absolute path or a ".." in it; skipped (nothing is ever extracted)`,
			`member "/tmp/evil-abs.yaml" has an absolute path or a ".." in it`,
			`member "C:\\evil-drive.yaml" has an absolute path or a ".." in it`,
			"link.yaml: link not followed (links never are)",
			"hard.yaml: link not followed",
			"member dev-null is not a regular file; skipped",
			"member fifo is not a regular file; skipped",
			"name?[31mwith?escapes.yaml: line 1: invalid YAML",
		}},
		{name: "path traversal and links in a zip", build: func(t testing.TB, dir string) (string, []byte) {
			return write(t, dir, "evil.zip", zipOf(t, map[string]string{"intact.yaml": intactYAML, "../evil-zip.yaml": intactYAML, "/evil-zip-abs.yaml": intactYAML}, map[string]string{"zlink.yaml": "/etc/passwd"})), nil
		}, warn: []string{`member "../evil-zip.yaml" has an absolute path or a ".." in it`, "zlink.yaml: link not followed"}},
		{name: "zip on stdin", build: func(t testing.TB, dir string) (string, []byte) {
			return "-", zipOf(t, map[string]string{"intact.yaml": intactYAML}, nil)
		}},
		{name: "duplicated members", build: func(t testing.TB, dir string) (string, []byte) {
			return write(t, dir, "dup.tar.gz", tarGz(t,
				tarEntry{name: "intact.yaml", body: intactYAML},
				tarEntry{name: "intact.yaml", body: intactYAML},
				tarEntry{name: "./intact.yaml", body: strings.ReplaceAll(intactYAML, "intact-d1", "intact-d1")},
				tarEntry{name: "copy/intact.yaml", body: intactYAML},
			)), nil
		}},
		{name: "50 MB of empty objects", build: func(t testing.TB, dir string) (string, []byte) {
			return write(t, dir, "empties.json", []byte(intactJSON(t)+strings.Repeat("{}\n", 50<<20/3))), nil
		}, warn: []string{fmt.Sprintf("lines 2-%d: %d empty objects {}, no Kubernetes objects; skipped", 50<<20/3+1, 50<<20/3)}},
		{name: "50 MB of objects without kind", build: func(t testing.TB, dir string) (string, []byte) {
			return write(t, dir, "kindless.json", []byte(intactJSON(t)+strings.Repeat(`{"a":1}`+"\n", 50<<20/8))), nil
		}, warn: []string{"line 2: the object has no kind; skipped", fmt.Sprintf("%d more warnings not shown", 50<<20/8-1000)}},
		{name: "empty objects on stdin past the limit", args: []string{"--max-total-bytes", "16MiB"}, build: func(t testing.TB, dir string) (string, []byte) {
			return "-", []byte(intactJSON(t) + strings.Repeat("{}\n", 32<<20/3))
		}, err: "the input (decompressed) exceeds 16 MiB (raise it with --max-total-bytes)"},
		{name: "a List cut off in a tar", build: func(t testing.TB, dir string) (string, []byte) {
			sa := `{"kind":"ServiceAccountList","apiVersion":"v1","items":[{"metadata":{"name":"default","namespace":"hostile"}},{"metadata":{"name":"bui`
			return write(t, dir, "cut-list.tar.gz", tarGz(t, tarEntry{name: "intact.yaml", body: intactYAML}, tarEntry{name: "sa.json", body: sa})), nil
		}, warn: []string{"sa.json: line 1: item 2 of ServiceAccountList is cut off at the end of the input; skipped"}},
		{name: "zip cut off (no central directory)", build: func(t testing.TB, dir string) (string, []byte) {
			data := zipOf(t, map[string]string{"a-intact.yaml": intactYAML, "b-filler.yaml": noiseYAML(256 << 10)}, nil)
			return write(t, dir, "cut.zip", data[:len(data)*2/3]), nil
		}, warn: []string{"cut.zip: the zip archive is cut off (its central directory is missing): 1 complete member was read from their local headers, and the rest is lost"}},
		{name: "zip cut off on stdin", build: func(t testing.TB, dir string) (string, []byte) {
			data := zipOf(t, map[string]string{"a-intact.yaml": intactYAML, "b-filler.yaml": noiseYAML(256 << 10)}, nil)
			return "-", data[:len(data)*2/3]
		}, warn: []string{"stdin: the zip archive is cut off"}},
		{name: "UTF-16 with broken surrogates and an odd last byte", build: func(t testing.TB, dir string) (string, []byte) {
			b := []byte{0xFF, 0xFE}
			for _, u := range utf16.Encode([]rune(intactYAML)) {
				b = append(b, byte(u), byte(u>>8))
			}
			b = append(b, '#', 0, 0x00, 0xD8, '\n', 0, 0x00, 0xDC, 'x')
			return write(t, dir, "ps.yaml", b), nil
		}},
		{name: "blank 5 GiB bzip2 bomb stops at the limit", args: []string{"--max-total-bytes", "64MiB"}, build: func(t testing.TB, dir string) (string, []byte) {
			return write(t, dir, "blank.yaml.bz2", append(bzip2Of(t, []byte(intactYAML+"---\n")), bytes.Repeat(bzip2Of(t, bytes.Repeat([]byte(" "), 1<<20)), 5120)...)), nil
		}, err: "exceeds 64 MiB (raise it with --max-total-bytes)"},
		{name: "xz data", build: func(t testing.TB, dir string) (string, []byte) {
			return write(t, dir, "dump.tar.xz", append([]byte("\xfd7zXZ\x00\x00\x04"), randomBytes(4096, 7)...)), nil
		}, err: "dump.tar.xz: xz-compressed data, which secretscan does not read"},
		{name: "every uid redacted to the same text", build: func(t testing.TB, dir string) (string, []byte) {
			redacted := strings.ReplaceAll(intactYAML, "uid: intact-d1", "uid: REDACTED")
			redacted = strings.ReplaceAll(redacted, "{name: intact-present, namespace: hostile}", "{name: intact-present, namespace: hostile, uid: REDACTED}")
			return write(t, dir, "redacted.yaml", []byte(redacted)), nil
		}, warn: []string{`2 objects share the uid "REDACTED" (the uids look redacted)`}},
		{name: "archives nested past the limit", build: func(t testing.TB, dir string) (string, []byte) {
			inner := tarGz(t, tarEntry{name: "deepest.yaml", body: intactYAML})
			for i := 0; i < 4; i++ {
				inner = tarGz(t, tarEntry{name: fmt.Sprintf("level%d.tar.gz", i), body: string(inner)})
			}
			return write(t, dir, "nested.tar.gz", tarGz(t, tarEntry{name: "intact.yaml", body: intactYAML}, tarEntry{name: "nested.tar.gz", body: string(inner)})), nil
		}, warn: []string{"archive nested deeper than 3 levels; skipped"}},
		{name: "invalid UTF-8", build: func(t testing.TB, dir string) (string, []byte) {
			bad := "---\napiVersion: v1\nkind: Pod\nmetadata: {name: \"bad\xff\xfe\", namespace: hostile}\n"
			badJSON := `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"bad-` + "\xc3\x28\xff" + `","namespace":"hostile"},"data":{"k` + "\xed\xa0\x80" + `":"v"}}`
			return write(t, dir, "utf8.tar", tarOf(t,
				tarEntry{name: "intact.yaml", body: intactYAML + bad},
				tarEntry{name: "bad.json", body: badJSON},
				tarEntry{name: "bad-\xff-name.yaml", body: intactYAML},
			)), nil
		}, warn: []string{"intact.yaml: line 26: invalid YAML"}},
		{name: "plain tar", build: func(t testing.TB, dir string) (string, []byte) {
			return write(t, dir, "plain.tar", tarOf(t, tarEntry{name: "dump/intact.yaml", body: intactYAML})), nil
		}},
		{name: "plain tar on stdin", build: func(t testing.TB, dir string) (string, []byte) {
			return "-", tarOf(t, tarEntry{name: "dump/intact.yaml", body: intactYAML})
		}},
		{name: "128k empty tar members", build: func(t testing.TB, dir string) (string, []byte) {
			var b bytes.Buffer
			tw := tar.NewWriter(&b)
			addTar(t, tw, &tar.Header{Name: "intact.yaml"}, intactYAML)
			hdr := &tar.Header{Name: "d/", Typeflag: tar.TypeDir, Mode: 0o700, Format: tar.FormatUSTAR}
			tw.WriteHeader(hdr)
			tw.Flush()
			one := b.Bytes()[b.Len()-512:]
			dirs := repeatGzip(t, bytes.Repeat(one, 1024), 128)
			return write(t, dir, "members.tar.gz", append(gzipOf(t, b.Bytes()), dirs...)), nil
		}},
	}
}

// billionLaughs expands to 10^9 strings.
const billionLaughs = `apiVersion: v1
kind: ConfigMap
metadata: {name: lol, namespace: hostile}
data:
  a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]
  b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]
  c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]
  d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]
  e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]
  f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]
  g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f,*f]
  h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g,*g]
  i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h,*h]
`

func TestHostileCorpus(t *testing.T) {
	if testing.Short() {
		t.Skip("builds multi-MiB inputs")
	}
	var dir string
	if *hostileDir != "" {
		dir = *hostileDir
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, in := range hostileCorpus() {
		t.Run(in.name, func(t *testing.T) {
			d := dir
			if d == "" {
				d = t.TempDir()
			}
			path, stdin := in.build(t, d)
			args := append([]string{"analyze", "-q", "-o", "json", "--fail-on", "none"}, in.args...)
			args = append(args, path)
			res := runMeasured(t, stdin, args...)
			t.Logf("%s: exit %d in %v, peak Go memory %d MiB", in.name, res.code, res.elapsed.Round(time.Millisecond), res.peak>>20)
			checkHostile(t, in, res)
		})
	}
	checkNothingWritten(t)
}

func checkHostile(t *testing.T, in hostileInput, res measured) {
	t.Helper()
	if res.elapsed > hostileTimeout {
		t.Errorf("took %v, more than %v", res.elapsed, hostileTimeout)
	}
	if res.peak > hostileMemory {
		t.Errorf("peak Go memory %d MiB, more than %d MiB", res.peak>>20, hostileMemory>>20)
	}
	if strings.Count(res.stderr, "\n") > 1 || (res.stderr != "" && !strings.HasSuffix(res.stderr, "\n")) {
		t.Errorf("stderr should be one line or empty, got %q", res.stderr)
	}
	if strings.Contains(res.stderr, "internal error") {
		t.Fatalf("crashed: %s", res.stderr)
	}
	if in.err != "" {
		if res.code != exitUsage || !strings.Contains(res.stderr, in.err) || res.stdout != "" {
			t.Fatalf("want exit 2 and %q on stderr, got exit %d, stderr %q, stdout %.200q", in.err, res.code, res.stderr, res.stdout)
		}
		if !utf8.ValidString(res.stderr) || strings.ContainsAny(strings.TrimSuffix(res.stderr, "\n"), "\x1b\r\n") {
			t.Errorf("stderr is not one printable line: %q", res.stderr)
		}
		return
	}
	if res.code != exitOK {
		t.Fatalf("want a report, got exit %d: %s", res.code, res.stderr)
	}
	if res.stderr != "" {
		t.Errorf("a report should leave stderr empty, got %q", res.stderr)
	}
	if !utf8.ValidString(res.stdout) {
		t.Errorf("the report is not valid UTF-8")
	}
	var rep struct {
		Warnings []string `json:"warnings"`
		Findings []struct {
			ID     string `json:"id"`
			Secret string `json:"secret"`
		} `json:"findings"`
	}
	if err := json.Unmarshal([]byte(res.stdout), &rep); err != nil {
		t.Fatalf("the report is not JSON: %v", err)
	}
	if !in.noIntact {
		for _, want := range intactFindings {
			found := false
			for _, f := range rep.Findings {
				found = found || (f.ID == want[0] && f.Secret == want[1])
			}
			if !found {
				t.Errorf("the intact part's finding %s (%s) is missing; findings %+v, warnings %q", want[0], want[1], rep.Findings, rep.Warnings)
			}
		}
	}
	for _, want := range in.warn {
		found := false
		for _, w := range rep.Warnings {
			found = found || strings.Contains(w, want)
		}
		if !found {
			shown := rep.Warnings
			if len(shown) > 20 {
				shown = append(shown[:10:10], shown[len(shown)-10:]...)
			}
			t.Errorf("no warning holds %q; warnings (first and last 10):\n%s", want, strings.Join(shown, "\n"))
		}
	}
	for _, w := range rep.Warnings {
		if strings.ContainsAny(w, "\n\r\x1b") || len(w) > 2000 {
			t.Errorf("warning is not one bounded printable line: %.300q", w)
		}
	}
}

// checkNothingWritten: no member of the corpus was written anywhere.
func checkNothingWritten(t *testing.T) {
	wd, _ := os.Getwd()
	for _, dir := range []string{wd, filepath.Dir(wd), os.TempDir(), "/tmp", "/"} {
		for _, name := range []string{"evil-climb.yaml", "evil-climb2.yaml", "evil-abs.yaml", "evil-zip.yaml", "evil-zip-abs.yaml", "C:\\evil-drive.yaml"} {
			if _, err := os.Lstat(filepath.Join(dir, name)); err == nil {
				t.Errorf("%s was written in %s", name, dir)
			}
		}
	}
}

// measured is one run of the CLI with its cost.
type measured struct {
	code           int
	stdout, stderr string
	elapsed        time.Duration
	peak           uint64 // most memory the Go runtime held from the OS while it ran
}

// runMeasured runs the CLI in this process, sampling the memory the Go
// runtime holds (heap, stacks, everything it mapped, less what it returned).
func runMeasured(t testing.TB, stdin []byte, args ...string) measured {
	t.Helper()
	runtime.GC()
	debug.FreeOSMemory()
	samples := []metrics.Sample{{Name: "/memory/classes/total:bytes"}, {Name: "/memory/classes/heap/released:bytes"}}
	var peak uint64
	sample := func() {
		metrics.Read(samples)
		if used := samples[0].Value.Uint64() - samples[1].Value.Uint64(); used > peak {
			peak = used
		}
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(2 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				sample()
			}
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 2*hostileTimeout)
	defer cancel()
	var stdout, stderr bytes.Buffer
	start := time.Now()
	code := run(ctx, append([]string{"secretscan"}, args...), bytes.NewReader(stdin), &stdout, &stderr)
	elapsed := time.Since(start)
	close(stop)
	wg.Wait()
	sample()
	// The memory budget of analyze raises the runtime's soft limit; put it back
	// (a negative limit only reads it).
	debug.SetMemoryLimit(math.MaxInt64)
	return measured{code: code, stdout: stdout.String(), stderr: stderr.String(), elapsed: elapsed, peak: peak}
}

// Builders of hostile inputs.

func write(t testing.TB, dir, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func file(name, body string) func(testing.TB, string) (string, []byte) {
	return func(t testing.TB, dir string) (string, []byte) { return write(t, dir, name, []byte(body)), nil }
}

func stdinOf(data []byte) func(testing.TB, string) (string, []byte) {
	return func(testing.TB, string) (string, []byte) { return "-", data }
}

func randomBytes(n int, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, seed))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

func gzipOf(t testing.TB, data []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
	if _, err := zw.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// bzip2Of compresses data with the bzip2 command (the standard library
// only decompresses); the test is skipped without it.
func bzip2Of(t testing.TB, data []byte) []byte {
	t.Helper()
	if _, err := exec.LookPath("bzip2"); err != nil {
		t.Skip("no bzip2 command to build the input with")
	}
	cmd := exec.Command("bzip2", "-1", "-c")
	cmd.Stdin = bytes.NewReader(data)
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// zeroBomb is 5 GiB of zeros as a 5 MiB multi-member gzip stream.
var zeroBomb = sync.OnceValue(func() []byte {
	var b bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
	zw.Write(make([]byte, 1<<20))
	zw.Close()
	return bytes.Repeat(b.Bytes(), 5120)
})

// repeatGzip is a multi-member gzip stream: chunk compressed once, repeated
// n times, which decompresses to n copies of chunk.
func repeatGzip(t testing.TB, chunk []byte, n int) []byte {
	one := gzipOf(t, chunk)
	return bytes.Repeat(one, n)
}

type tarEntry struct {
	name, body, link string
	typ              byte
}

func addTar(t testing.TB, tw *tar.Writer, hdr *tar.Header, body string) {
	t.Helper()
	if hdr.Typeflag == 0 {
		hdr.Typeflag = tar.TypeReg
	}
	hdr.Mode = 0o600
	if hdr.Typeflag == tar.TypeReg {
		hdr.Size = int64(len(body))
	}
	if err := tw.WriteHeader(hdr); err != nil {
		t.Fatal(err)
	}
	if hdr.Typeflag == tar.TypeReg {
		if _, err := io.WriteString(tw, body); err != nil {
			t.Fatal(err)
		}
	}
}

func tarOf(t testing.TB, entries ...tarEntry) []byte {
	t.Helper()
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	for _, e := range entries {
		addTar(t, tw, &tar.Header{Name: e.name, Linkname: e.link, Typeflag: e.typ}, e.body)
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func tarGz(t testing.TB, entries ...tarEntry) []byte { return gzipOf(t, tarOf(t, entries...)) }

func zipOf(t testing.TB, files, links map[string]string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, name := range sortedNames(files) {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(w, files[name])
	}
	for _, name := range sortedNames(links) {
		hdr := &zip.FileHeader{Name: name, Method: zip.Store}
		hdr.SetMode(os.ModeSymlink | 0o777)
		w, err := zw.CreateHeader(hdr)
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(w, links[name])
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func sortedNames(m map[string]string) []string {
	var names []string
	for k := range m {
		names = append(names, k)
	}
	for i := range names {
		for j := i + 1; j < len(names); j++ {
			if names[j] < names[i] {
				names[i], names[j] = names[j], names[i]
			}
		}
	}
	return names
}

// fillerYAML is about n bytes of ConfigMaps.
func fillerYAML(n int) string {
	var b strings.Builder
	for i := 0; b.Len() < n; i++ {
		fmt.Fprintf(&b, "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: filler-%d, namespace: hostile}\ndata: {k: v%d}\n", i, i)
	}
	return b.String()
}

// noiseYAML is about n bytes of YAML that does not compress, so that damage
// to a compressed archive lands inside it.
func noiseYAML(n int) string {
	r := rand.New(rand.NewPCG(5, 5))
	var b strings.Builder
	for i := 0; b.Len() < n; i++ {
		fmt.Fprintf(&b, "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: noise-%d, namespace: hostile}\ndata: {k: \"%016x%016x\"}\n", i, r.Uint64(), r.Uint64())
	}
	return b.String()
}
