package loader

import (
	"archive/tar"
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"
	"time"
)

// TestYAMLAliases: aliases are weighed before any decoder expands them.
func TestYAMLAliases(t *testing.T) {
	lim := docLimits{maxBytes: 1 << 20, maxAliasNodes: 1000}
	laughs, err := os.ReadFile("../fixtures/hostile/laughs.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, doc, want string // want: in the error, "" for none
	}{
		{"no aliases", "a: [1, 2]\nb: x&y*z\n", ""},
		{"a few aliases", "env: &env [{name: A, value: x}, {name: B, value: y}]\nc1: *env\nc2: *env\n", ""},
		{"billion laughs", string(laughs), "by more than 1000 nodes (raise the limit with --max-yaml-alias-nodes)"},
		{"long string", "a: &a " + strings.Repeat("x", 64<<10) + "\nb: [" + strings.Repeat("*a,", 40) + "*a]\n", "beyond 1 MiB (raise the limit with --max-document-bytes)"},
		{"anchor holding itself", "a: &a {x: *a}\n", "contains an alias of itself"},
		{"unknown alias", "a: *nope\nb: &x 1\n", "unknown anchor"},
	}
	for _, tc := range cases {
		err := checkYAMLAliases([]byte(tc.doc), lim)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%s: %v", tc.name, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%s: error %v, want %q", tc.name, err, tc.want)
		}
	}
}

// TestDocumentShape: depth and object counts of JSON documents are bounded
// in the splitter, before anything decodes them.
func TestDocumentShape(t *testing.T) {
	deep := strings.Repeat("[", 100) + strings.Repeat("]", 100)
	many := "[" + strings.Repeat("{},", 99) + "{}]"
	stream := `{"kind":"ConfigMap","metadata":{"name":"deep"},"data":` + deep + "}\n" +
		`{"kind":"List","items":[{"kind":"ConfigMap","metadata":{"name":"many"},"x":` + many + `},{"kind":"ConfigMap","metadata":{"name":"ok"}}]}` + "\n"
	r := &recorder{}
	splitJSON(bufio.NewReaderSize(strings.NewReader(stream), 64), r, splitLimits{maxDocument: 1 << 20, maxDepth: 50, maxObjects: 50})
	wantSkips := []string{
		"line 1: object nested deeper than 50 levels; skipped (raise the limit with --max-depth)",
		"line 2: item 1 of the list is made of more than 50 objects; skipped (raise the limit with --max-document-objects)",
	}
	if !reflect.DeepEqual(r.skips, wantSkips) {
		t.Errorf("skips = %q\nwant %q", r.skips, wantSkips)
	}
	if !reflect.DeepEqual(r.docs, []string{"ConfigMap@2"}) {
		t.Errorf("docs = %q", r.docs)
	}
	lim := docLimits{maxDepth: 50, maxObjects: 50}
	if err := checkShape([]byte(`{"a":"[[[[{{{{"}`), lim); err != nil {
		t.Errorf("brackets inside strings counted: %v", err)
	}
	if err := checkShape([]byte(deep), lim); err == nil || !strings.Contains(err.Error(), "--max-depth") {
		t.Errorf("deep: %v", err)
	}
	if err := checkShape([]byte(many), lim); err == nil || !strings.Contains(err.Error(), "--max-document-objects") {
		t.Errorf("many: %v", err)
	}
}

// TestTotalCountsSkippedMembers: the bytes of members that are skipped unread
// (binary, not objects) count toward the total, so that a tar of them cannot
// make the walker decompress without bound.
func TestTotalCountsSkippedMembers(t *testing.T) {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	tw := tar.NewWriter(zw)
	for i := 0; i < 8; i++ {
		tw.WriteHeader(&tar.Header{Name: fmt.Sprintf("blob%d.bin", i), Mode: 0o600, Size: 1 << 20, Typeflag: tar.TypeReg})
		tw.Write(make([]byte, 1<<20))
	}
	tw.Close()
	zw.Close()
	lim := DefaultLimits()
	lim.MaxTotalBytes = 4 << 20
	_, err := Load(context.Background(), "-", Options{Limits: lim, Stdin: bytes.NewReader(b.Bytes())})
	var limit *LimitError
	if !errors.As(err, &limit) || !strings.Contains(err.Error(), "exceeds 4 MiB (raise it with --max-total-bytes)") {
		t.Fatalf("err = %v, want the total limit", err)
	}
}

// TestWarningsBounded: past maxWarnings, the first warnings in input order
// are kept whatever order they arrive in, and one line counts the others;
// warnings about files are not crowded out by those about documents.
func TestWarningsBounded(t *testing.T) {
	var want []string
	build := func(order []int) []string {
		var wl warningList
		for _, i := range order {
			wl.add(warning{seq: int64(i), text: fmt.Sprintf("doc %05d", i), doc: true})
		}
		wl.add(warning{seq: 5000, text: "the archive is damaged"})
		return wl.sorted()
	}
	order := make([]int, 3*maxWarnings)
	for i := range order {
		order[i] = i
	}
	want = build(order)
	rand.New(rand.NewPCG(1, 2)).Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
	if got := build(order); !reflect.DeepEqual(got, want) {
		t.Errorf("warnings kept depend on arrival order")
	}
	if len(want) != maxWarnings+2 || want[0] != "doc 00000" || want[maxWarnings-1] != fmt.Sprintf("doc %05d", maxWarnings-1) ||
		want[maxWarnings] != "the archive is damaged" || want[maxWarnings+1] != fmt.Sprintf("%d more warnings not shown", 2*maxWarnings) {
		t.Errorf("unexpected warnings: first %q, last %q", want[0], want[len(want)-2:])
	}
}

// TestSafeNames: names from an archive cannot forge lines or escapes.
func TestSafeNames(t *testing.T) {
	for in, want := range map[string]string{
		"ok/pods.yaml":         "ok/pods.yaml",
		"a\nb\x1b[31m.yaml":    "a?b?[31m.yaml",
		"bad-\xff-utf8.yaml":   "bad-?-utf8.yaml",
		"naïve/ünïcode.yaml":   "naïve/ünïcode.yaml",
		"c1\u0085control.yaml": "c1?control.yaml",
	} {
		if got := safeName(in); got != want {
			t.Errorf("safeName(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestManyDamagedDocuments: millions of empty or kindless documents cost
// bounded memory (no record or warning text each), and the warnings count
// them all; an endless stdin ends at the input limits.
func TestManyDamagedDocuments(t *testing.T) {
	const n = 20000
	tests := []struct {
		name  string
		input string
		limit int64
		err   string
		warns []string
	}{
		{"empty objects", strings.Repeat("{}\n", n) + `{"apiVersion":"v1","kind":"Secret","metadata":{"name":"s","namespace":"a"}}` + "\n", 0, "",
			[]string{fmt.Sprintf("stdin: lines 1-%d: %d empty objects {}, no Kubernetes objects; skipped", n, n)}},
		{"kindless objects", strings.Repeat(`{"a":1}`+"\n", n) + `{"apiVersion":"v1","kind":"Secret","metadata":{"name":"s","namespace":"a"}}` + "\n", 0, "",
			[]string{"stdin: line 1: the object has no kind; skipped", fmt.Sprintf("stdin: line %d: the object has no kind; skipped", maxWarnings), fmt.Sprintf("%d more warnings not shown", n-maxWarnings)}},
		{"empty objects past the total limit", strings.Repeat("{}\n", 1<<20), 1 << 20, "exceeds 1 MiB (raise it with --max-total-bytes)", nil},
		{"kindless objects past the total limit", strings.Repeat(`{"a":1}`+"\n", 1<<19), 1 << 20, "exceeds 1 MiB (raise it with --max-total-bytes)", nil},
		{"endless empty objects", "", 1 << 20, "exceeds 1 MiB (raise it with --max-total-bytes)", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lim := DefaultLimits()
			lim.MaxTotalBytes = tt.limit
			// A pipe hands out what was written so far: small reads.
			var stdin io.Reader = iotest.HalfReader(strings.NewReader(tt.input))
			if tt.input == "" {
				stdin = endless("{}\n")
			}
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			d, err := Load(ctx, "-", Options{Limits: lim, Stdin: stdin})
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err = %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(d.Warnings) > 2*maxWarnings+1 {
				t.Errorf("%d warnings", len(d.Warnings))
			}
			for _, w := range tt.warns {
				if len(warningsContaining(d, w)) == 0 {
					t.Errorf("no warning holds %q; first %q, last %q", w, d.Warnings[0], d.Warnings[len(d.Warnings)-1])
				}
			}
			if d.Source.Objects["Secret"] != 1 {
				t.Errorf("objects %v", d.Source.Objects)
			}
		})
	}
}

// endless is `yes text`: a stdin that never ends.
type endless string

func (e endless) Read(p []byte) (int, error) {
	n := 0
	for n+len(e) <= len(p) && n < 64<<10 {
		n += copy(p[n:], e)
	}
	return n, nil
}
