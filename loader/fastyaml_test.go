package loader

import (
	"archive/tar"
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"

	"sigs.k8s.io/yaml"
)

// decodeJSONValue decodes JSON keeping numbers as their text, so that a
// number printed differently (1e+21 for 1000000000000000000000) differs.
func decodeJSONValue(b []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, fmt.Errorf("trailing data after the JSON value")
	}
	return v, nil
}

// checkFastYAML converts doc both ways; whenever the fast converter says ok,
// the general one must have succeeded with the same JSON value.
func checkFastYAML(t testing.TB, doc []byte) (ok bool) {
	t.Helper()
	got, ok := fastYAMLToJSON(doc)
	if !ok {
		return false
	}
	want, err := yaml.YAMLToJSON(doc)
	if err != nil {
		t.Fatalf("fast converter accepted what YAMLToJSON refuses (%v):\n%q\nfast: %s", err, doc, got)
	}
	g, err := decodeJSONValue(got)
	if err != nil {
		t.Fatalf("fast converter wrote invalid JSON (%v):\n%q\nfast: %s", err, doc, got)
	}
	if err := noDuplicateKeys(got); err != nil {
		t.Fatalf("fast converter wrote %v:\n%q\nfast: %s", err, doc, got)
	}
	w, err := decodeJSONValue(want)
	if err != nil {
		t.Fatalf("YAMLToJSON wrote invalid JSON: %v", err)
	}
	if !reflect.DeepEqual(g, w) {
		t.Fatalf("fast converter differs from YAMLToJSON on\n%q\nfast: %s\nwant: %s", doc, got, want)
	}
	return true
}

// noDuplicateKeys walks JSON tokens and refuses an object with a key twice.
func noDuplicateKeys(b []byte) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	type frame struct {
		obj  bool
		keys map[string]bool
		key  bool // next string token is a key
	}
	var stack []*frame
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		var top *frame
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		if top != nil && top.obj && top.key {
			if d, isDelim := tok.(json.Delim); isDelim && d == '}' {
				stack = stack[:len(stack)-1]
				continue
			}
			k := tok.(string)
			if top.keys[k] {
				return fmt.Errorf("duplicate key %q", k)
			}
			top.keys[k] = true
			top.key = false
			continue
		}
		if top != nil && top.obj {
			top.key = true
		}
		switch tok {
		case json.Delim('{'):
			stack = append(stack, &frame{obj: true, keys: map[string]bool{}, key: true})
		case json.Delim('['):
			stack = append(stack, &frame{})
		case json.Delim('}'), json.Delim(']'):
			stack = stack[:len(stack)-1]
		}
	}
}

// fastYAMLCases are the constructs kubectl's YAML holds, and the ones the
// fast converter leaves to the general one. want: 1 must convert, 0 must fall
// back, -1 either (only the result is checked).
var fastYAMLCases = []struct {
	name string
	yaml string
	want int
}{
	{"empty", "", 1},
	{"only comments", "# a\n\n  # b\n", 1},
	{"mapping", "apiVersion: v1\nkind: Pod\n", 1},
	{"nested", "metadata:\n  name: web\n  labels:\n    app: web\n", 1},
	{"no final newline", "a: b\nc: d", 1},
	{"dotted keys", "labels:\n  app.kubernetes.io/name: web\n  kubernetes.io/metadata.name: ns\n", 1},
	{"sequence same indent", "containers:\n- name: a\n  image: x\n- name: b\n  image: y\n", 1},
	{"sequence indented", "containers:\n  - name: a\n    image: x\n  - name: b\n", 1},
	{"sequence of scalars", "args:\n- --port=80\n- -v\n- \"8080\"\n", 1},
	{"nested sequences", "a:\n- - x\n  - y\n- - z\n", 1},
	{"top-level sequence", "- a: 1\n- b\n-\n- - c\n", 1},
	{"dash then newline", "items:\n-\n  name: a\n- \n  name: b\n", 1},
	{"compact wide dash", "-   a: 1\n    b: 2\n", 1},
	{"indentless in compact", "- a:\n  - x\n  b: 1\n", 1},
	{"empty values", "a:\nb: ~\nc: null\nd: Null\ne: NULL\nf:\n  # comment\ng: 1\n", 1},
	{"empty collections", "spec: {}\nitems: []\nx: { }\ny: [ ]\n", 1},
	{"top-level empty map", "{}\n", 1},
	{"booleans", "a: true\nb: False\nc: yes\nd: No\ne: on\nf: OFF\ng: y\nh: N\ni: TRUE\nj: yES\nk: Yes\n", 1},
	{"ints", "a: 0\nb: 1\nc: -1\nd: +1\ne: 0777\nf: 0x1F\ng: 0o17\nh: 1_000\ni: 0b101\nj: 08\nk: 9223372036854775807\nl: 9223372036854775808\nm: 18446744073709551616\nn: -9223372036854775809\no: 123456789012345678\np: -0\n", 1},
	{"floats", "a: 1.5\nb: 1e3\nc: .5\nd: -.5e-3\ne: 1.\nf: 1e21\ng: 1e-7\nh: 0.000001\ni: 1E400\nj: 1_0.5\nk: +1.5\nl: 6.02e+23\nm: 123456789.123456789\n", 1},
	{"special floats", "a: .inf\n", 0},
	{"nan", "a: .NaN\n", 0},
	{"negative inf", "a: -.Inf\n", 0},
	{"not numbers", "a: 1.2.3\nb: 12:30\nc: 0x\nd: 1e\ne: +\nf: -x\ng: 1_\nh: ._5\ni: 2026-11-20T10:00:00Z\nj: 2026-11-20\nk: 1-2\nl: 10Gi\nm: 500m\n", 1},
	{"timestamps quoted", "creationTimestamp: \"2026-11-20T10:00:00Z\"\nresourceVersion: \"1000010\"\n", 1},
	{"map words", "a: yesno\nb: nul\nc: ~x\nd: Off1\ne: tRUE\nf: o\n", 1},
	{"single quoted", "a: 'it''s'\nb: ''\nc: '#x: y'\nd: 'yes'\ne: '1'\n", 1},
	{"double quoted escapes", `a: "q\" b\\ n\n t\t u\u00e9 x\x41 0\0 e\e N\N _\_ L\L P\P U\U0001F600 s\/"` + "\n", 0},
	{"double quoted escapes ok", `a: "q\" b\\ n\n t\t u\u00e9 x\x41 xx\xe9 0\0 e\e N\N _\_ L\L P\P U\U0001F600 sp\ r\r a\a b\b v\v f\f sq\'"` + "\n", 1},
	{"bad escape", `a: "\q"` + "\n", 0},
	{"surrogate escape", `a: "\ud800"` + "\n", 0},
	{"quoted keys", "\"a b\": 1\n'c': 2\n\"\": 3\n\"1\": x\n'true': y\n", 1},
	{"key with colon", "a:b: 1\nhttp://x: 2\n", 1},
	{"key spaces before colon", "a  : 1\n\"b\" : 2\n", 1},
	{"comments", "# head\na: 1 # trailing\nb: \"x\" # c\nc: # empty\n  d: e\n# between\nf: |  # header comment\n  text\ng: x#y\n", 1},
	{"plain folded", "message: this is a long message that the emitter wrapped at eighty columns\n  and continued here\n  and here\n", 1},
	{"plain folded blank lines", "a: one\n\n  two\n\n\n  three\nb: 1\n", 1},
	{"plain folded in sequence", "- one\n  two\n- three\n", 1},
	{"plain multi-line top", "one\ntwo\n\nthree\n", 1},
	{"single folded", "a: 'one two\n  three''s\n\n  four'\n", 1},
	{"double folded", "a: \"one two\n  three\\\n  four\\ five\n\n  six\\n\"\n", 1},
	{"double folded emitter style", "a: \"a long string with  two spaces\n  \\ and an escaped space at the start of the continuation\"\n", 1},
	{"quoted unindented continuation", "a: \"one\ntwo\"\nb: 1\n", 1},
	{"literal", "a: |\n  line 1\n  line 2\nb: 1\n", 1},
	{"literal strip", "a: |-\n  line 1\n  line 2\n\nb: 1\n", 1},
	{"literal keep", "a: |+\n  line 1\n\n\nb: 1\n", 1},
	{"literal keep at end", "a: |+\n  line 1\n\n", 1},
	{"literal indent indicator", "a: |2-\n    indented first\n  second\nb: 1\n", 1},
	{"literal indent indicator nested", "x:\n  a: |2\n     three\n    two\n", 1},
	{"literal indicator order", "a: |-2\n   x\n", 1},
	{"literal leading blank lines", "a: |\n\n\n  x\n\n  y\n", 1},
	{"literal more indented lines", "a: |\n  x\n    y\n  z\n", 1},
	{"literal blank line with spaces", "a: |\n  x\n     \n  y\n", 1},
	{"literal empty", "a: |\nb: 1\n", 1},
	{"literal empty at end", "a: |", 1},
	{"literal no final newline", "a: |\n  x", 1},
	{"literal trailing spaces line", "a: |\n  x\n   ", 1},
	{"literal in sequence", "- |\n  x\n- |-\n  y\n", 1},
	{"literal top", "|\n x\n y\n", 1},
	{"literal with hash", "a: |\n  # not a comment\n  x: y\n", 1},
	{"folded", "a: >\n  one\n  two\n\n  three\n    more\n  four\n", 1},
	{"folded strip", "a: >-\n  one\n  two\n", 1},
	{"folded leading space lines", "a: >\n  x\n   lead\n  y\n  z\n\n   w\n", 1},
	{"folded less indented after more", "a: >\n   lead\n  x\n", 0},
	{"literal zero indicator", "a: |0\n  x\n", 0},
	{"literal bad header", "a: |x\n  x\n", 0},
	{"literal less indented leading blank", "a: |\n      \n  x\n", -1},
	{"unicode", "a: héllo wörld ✓ 😀\n\"ключ\": значение\n", 1},
	{"json escapes needed", "a: x\"y\\z\nb: <tag> & more\n", 1},
	{"plain with indicators inside", "a: b[0]{x},y\nb: -x\nc: :x\nd: ?x\ne: x:y\nf: 'x\ng: x'\n", 1},
	{"plain continuation with dash", "a: b\n  - c\n- d: e\n  - f\n", -1},
	{"item continuation with dash", "- a\n  - b\n", 1},
	{"value on next line", "key:    \n  value\n  more\n", 1},
	{"quoted blank line fold", "a: 'x\n\n  y'\nb: \"x\\\n  y\"\n", 1},
	{"top-level quoted", "'a'\n", 1},
	{"two indentless", "a:\n- b\nc:\n- d\n", 1},
	{"compact nesting", "- - - x\n    - y\n  - z\n", 1},
	{"percent continuation", "foo\n%bar\n", 1},
	{"percent in quoted", "a: \"x\n%y\"\n", 1},
	{"odd ints", "a: -1\nb: +.5\nc: -0b11\nd: 0b-1\ne: 0B1\nf: 0X1f\ng: 0O7\nh: +0x1\ni: 0b\nj: -0x8000000000000000\n", 1},
	{"key of 1000 bytes", strings.Repeat("k", 999) + ": v\n", 1},
	{"last-applied", "kubectl.kubernetes.io/last-applied-configuration: |\n  {\"apiVersion\":\"v1\",\"kind\":\"Secret\"}\n", 1},

	// Falls back.
	{"anchor", "a: &x 1\nb: *x\n", 0},
	{"alias", "a: *x\n", 0},
	{"tag", "a: !!str 1\n", 0},
	{"complex key", "? a\n: b\n", 0},
	{"merge key", "<<: {}\n", 0},
	{"merge key quoted", "\"<<\": 1\n", 1},
	{"merge value", "a: <<\n", 1},
	{"flow map", "a: {b: 1}\n", 0},
	{"flow seq", "a: [1, 2]\n", 0},
	{"document marker", "---\na: 1\n", 0},
	{"document end", "a: 1\n...\n", 0},
	{"directive", "%YAML 1.1\n---\na: 1\n", 0},
	{"tab", "a:\tb\n", 0},
	{"tab indent", "a:\n\tb: 1\n", 0},
	{"crlf", "a: 1\r\nb: 2\r\n", 0},
	{"duplicate key", "a: 1\na: 2\n", 0},
	{"duplicate key quoted", "a: 1\n\"a\": 2\n", 0},
	{"duplicate key many", "k00: 0\nk01: 0\nk02: 0\nk03: 0\nk04: 0\nk05: 0\nk06: 0\nk07: 0\nk08: 0\nk09: 0\nk10: 0\nk11: 0\nk12: 0\nk13: 0\nk14: 0\nk15: 0\nk16: 0\nk17: 0\nk18: 0\nk05: 1\n", 0},
	{"bool keys", "true: 1\nn: 2\n", 1},
	{"bool keys yes off", "Off: 3\nyes: 4\n", 1},
	{"duplicate bool keys", "true: 1\ny: 2\n", 0},
	{"int key", "1: a\n", 0},
	{"null key", "~: a\n", 0},
	{"key too long", strings.Repeat("k", 1100) + ": v\n", 0},
	{"bad indentation", "a:\n    b: 1\n  c: 2\n", 0},
	{"value after value", "a: b: c\n", 0},
	{"seq in value line", "a: - b\n", 0},
	{"sequence then key", "- a\nb: 1\n", 0},
	{"more indented after scalar", "a: 1 # c\n  b\n", 0},
	{"comment inside plain", "a: one\n  # c\n  two\n", 0},
	{"unclosed quote", "a: \"x\n", 0},
	{"invalid utf8", "a: \xff\n", 0},
	{"control character", "a: \x01\n", 0},
	{"nel", "a: x\u0085y\n", 0},
	{"bom", "\ufeffa: 1\n", 0},
	{"plain continuation with colon", "a: b\n  c: d\n", 0},
	{"quoted then text", "a: 'x' y\n", 0},
	{"scalar at mapping column", "a: 1\nb\n", 0},
}

func TestFastYAMLCases(t *testing.T) {
	for _, c := range fastYAMLCases {
		t.Run(c.name, func(t *testing.T) {
			ok := checkFastYAML(t, []byte(c.yaml))
			switch {
			case c.want == 1 && !ok:
				_, err := yaml.YAMLToJSON([]byte(c.yaml))
				t.Fatalf("fast converter fell back (YAMLToJSON error: %v)", err)
			case c.want == 0 && ok:
				got, _ := fastYAMLToJSON([]byte(c.yaml))
				t.Fatalf("fast converter did not fall back: %s", got)
			}
		})
	}
}

// TestFastYAMLDepth: deep nesting falls back, without a stack overflow.
func TestFastYAMLDepth(t *testing.T) {
	var b strings.Builder
	for i := 0; i < 5000; i++ {
		b.WriteString(strings.Repeat(" ", i))
		b.WriteString("a:\n")
	}
	if _, ok := fastYAMLToJSON([]byte(b.String())); ok {
		t.Fatal("5000 nested mappings: want a fallback")
	}
	if _, ok := fastYAMLToJSON([]byte(strings.Repeat("- ", 5000) + "x\n")); ok {
		t.Fatal("5000 nested sequences: want a fallback")
	}
	var small strings.Builder
	for i := 0; i < 100; i++ {
		small.WriteString(strings.Repeat(" ", i))
		small.WriteString("a:\n")
	}
	if !checkFastYAML(t, []byte(small.String())) {
		t.Fatal("100 nested mappings fell back")
	}
}

// TestFastYAMLRoundTrip marshals random values with sigs.k8s.io/yaml (as
// kubectl prints them) and converts them back: everything the marshaller
// writes must convert, to the same value.
func TestFastYAMLRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	n := 3000
	if testing.Short() {
		n = 300
	}
	fallbacks, expected := 0, 0
	for i := 0; i < n; i++ {
		v := randomValue(rng, 0)
		doc, err := yaml.Marshal(v)
		if err != nil {
			continue // DEL, for one: JSON holds it, YAML does not
		}
		if checkFastYAML(t, doc) {
			continue
		}
		// The emitter writes a key over 128 bytes or with a line break as
		// "? key", and LS (U+2028) as it is: both are left to YAMLToJSON.
		if bytes.Contains(doc, []byte("? ")) || bytes.Contains(doc, []byte("\u2028")) {
			expected++
			continue
		}
		fallbacks++
		t.Errorf("fell back on marshalled value:\n%q", doc)
	}
	t.Logf("round trip: %d documents; %d fell back on a complex key or LS, %d on anything else", n, expected, fallbacks)
}

var randomWords = []string{
	"", " ", "  ", "a", "web", "yes", "No", "on", "~", "null", "true", "0", "1", "-1", "0777", "0x1F", "1e3", "1.5",
	".inf", ".nan", "1_000", "2026-11-20", "2026-11-20T10:00:00Z", "-", "- x", "? x", ": x", "x: y", "x #y", "#x",
	"'", "\"", "''", "\\", "\\n", "\n", "\n\n", " lead", "trail ", "a  b", "\t", "tab\there", "é", "✓", "😀", "\u2028",
	"\u0085", "\x00", "\x1b", "\x7f", "{}", "[]", "{a}", "[1,2]", "&x", "*x", "!x", "|", ">", "%x", "@x", "`x",
	"<<", "---", "...", "--- x", "a:b", "http://example.com/x?y=1#z", "line1\nline2", "line1\n\nline2\n", "x\n ",
	"\n x", " \n", "\"quoted\"", "it's", "10Gi", "500m", "app.kubernetes.io/name", "=", ",", "y", "N",
}

func randomString(rng *rand.Rand) string {
	var b strings.Builder
	parts := rng.Intn(4)
	if rng.Intn(4) == 0 {
		parts = 10 + rng.Intn(40) // long: the emitter folds it
	}
	for i := 0; i <= parts; i++ {
		if i > 0 && rng.Intn(3) > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(randomWords[rng.Intn(len(randomWords))])
	}
	return b.String()
}

func randomValue(rng *rand.Rand, depth int) any {
	k := rng.Intn(10)
	if depth > 4 {
		k = 5 + rng.Intn(5)
	}
	switch k {
	case 0, 1, 2:
		m := map[string]any{}
		for i := rng.Intn(5); i >= 0; i-- {
			m[randomString(rng)] = randomValue(rng, depth+1)
		}
		return m
	case 3, 4:
		var s []any
		for i := rng.Intn(4); i >= 0; i-- {
			s = append(s, randomValue(rng, depth+1))
		}
		if rng.Intn(5) == 0 {
			return []any{}
		}
		return s
	case 5:
		switch rng.Intn(5) {
		case 0:
			return rng.Int63() - rng.Int63()
		case 1:
			return rng.NormFloat64() * 1e6
		case 2:
			return rng.Intn(2) == 0
		case 3:
			return nil
		}
		return float64(rng.Intn(1000)) / 8
	}
	return randomString(rng)
}

// fyCollector gathers the documents a splitter finds.
type fyCollector struct{ docs [][]byte }

func (c *fyCollector) document(d document) {
	if d.YAML {
		c.docs = append(c.docs, d.Raw)
	}
}
func (c *fyCollector) logBlock(_, _, _, _ string, _ int) {}
func (c *fyCollector) skipped(int, string)               {}
func (c *fyCollector) lost(string, lostScope)            {}
func (c *fyCollector) list(string, int)                  {}

// splitYAMLDocs cuts a YAML stream into the documents the loader converts.
func splitYAMLDocs(tb testing.TB, data []byte) [][]byte {
	tb.Helper()
	c := &fyCollector{}
	if err := splitYAML(bufio.NewReader(bytes.NewReader(data)), c, splitLimits{maxDocument: 64 << 20}); err != nil {
		tb.Fatal(err)
	}
	return c.docs
}

// fixtureYAMLFiles returns every YAML file of the fixtures, those inside
// their tar.gz archives (must-gather trees, support bundles) included.
func fixtureYAMLFiles(tb testing.TB) map[string][]byte {
	tb.Helper()
	files := map[string][]byte{}
	isYAML := func(name string) bool {
		return strings.HasSuffix(name, ".yaml") || strings.HasSuffix(name, ".yml")
	}
	err := filepath.WalkDir("../fixtures", func(path string, e os.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		switch {
		case isYAML(path):
			data, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			files[path] = data
		case strings.HasSuffix(path, ".tar.gz"):
			f, err := os.Open(path)
			if err != nil {
				return err
			}
			defer f.Close()
			zr, err := gzip.NewReader(f)
			if err != nil {
				return nil // a Git LFS pointer, or not gzip at all
			}
			tr := tar.NewReader(zr)
			for {
				h, err := tr.Next()
				if err != nil {
					break
				}
				if h.Typeflag != tar.TypeReg || !isYAML(h.Name) {
					continue
				}
				data, err := io.ReadAll(io.LimitReader(tr, 64<<20))
				if err != nil {
					break
				}
				files[path+"!"+h.Name] = data
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return files
}

var generatedDump struct {
	once sync.Once
	data []byte
	err  error
}

// generatedYAMLDump is `go run ./fixtures/gen -formats yaml`'s kubectl-style
// dump: $FASTYAML_DUMP if set, else generated once (20 namespaces, about 9 MB)
// into the temporary folder and kept for later runs.
func generatedYAMLDump(tb testing.TB) []byte {
	tb.Helper()
	generatedDump.once.Do(func() {
		if p := os.Getenv("FASTYAML_DUMP"); p != "" {
			generatedDump.data, generatedDump.err = os.ReadFile(p)
			return
		}
		dir := filepath.Join(os.TempDir(), "secretscan-fastyaml")
		path := filepath.Join(dir, "kubectl-20.yaml")
		if data, err := os.ReadFile(path); err == nil {
			generatedDump.data = data
			return
		}
		goBin, err := exec.LookPath("go")
		if err != nil {
			generatedDump.err = err
			return
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			generatedDump.err = err
			return
		}
		// Generated aside and renamed, so that an interrupted run leaves no
		// half-written dump for the next one.
		tmp, err := os.MkdirTemp(dir, "gen-")
		if err != nil {
			generatedDump.err = err
			return
		}
		defer os.RemoveAll(tmp)
		cmd := exec.Command(goBin, "run", "./fixtures/gen", "-namespaces", "20", "-formats", "yaml", "-out", tmp)
		cmd.Dir = ".."
		if out, err := cmd.CombinedOutput(); err != nil {
			generatedDump.err = fmt.Errorf("go run ./fixtures/gen: %v\n%s", err, out)
			return
		}
		if err := os.Rename(filepath.Join(tmp, "kubectl-20.yaml"), path); err != nil {
			generatedDump.err = err
			return
		}
		generatedDump.data, generatedDump.err = os.ReadFile(path)
	})
	if generatedDump.err != nil {
		tb.Skipf("no generated dump: %v", generatedDump.err)
	}
	return generatedDump.data
}

// TestFastYAMLFixtures is the differential test over every YAML document of
// the fixtures: each converts as YAMLToJSON does, and kubectl's dumps convert
// without falling back.
func TestFastYAMLFixtures(t *testing.T) {
	files := fixtureYAMLFiles(t)
	if len(files) < 40 {
		t.Fatalf("found %d fixture YAML files", len(files))
	}
	var docs, fallbacks, refused, kubectlDocs, kubectlFallbacks int
	for name, data := range files {
		kubectl := strings.Contains(name, "-kubectl/") || strings.HasSuffix(name, "demo/dump.yaml") || strings.Contains(name, "formats-mustgather")
		// The whole file too, though the loader never converts it whole
		// (it may hold several documents): only the result is checked.
		checkFastYAML(t, data)
		for _, doc := range splitYAMLDocs(t, data) {
			docs++
			if kubectl {
				kubectlDocs++
			}
			if !checkFastYAML(t, doc) {
				fallbacks++
				if kubectl {
					kubectlFallbacks++
				}
				if _, err := yaml.YAMLToJSON(doc); err != nil {
					refused++
				} else {
					t.Logf("%s: fell back on a %d-byte document", name, len(doc))
				}
			}
		}
	}
	t.Logf("fixtures: %d files, %d documents, %d fell back (%.2f%%; YAMLToJSON refuses %d of them); kubectl-style: %d documents, %d fell back",
		len(files), docs, fallbacks, 100*float64(fallbacks)/float64(docs), refused, kubectlDocs, kubectlFallbacks)
	if kubectlFallbacks > 0 {
		t.Errorf("%d kubectl-style documents fell back", kubectlFallbacks)
	}
}

// TestFastYAMLGenerated: the same over the generated kubectl -o yaml dump.
func TestFastYAMLGenerated(t *testing.T) {
	if testing.Short() {
		t.Skip("generates a 9 MB dump")
	}
	data := generatedYAMLDump(t)
	docs := splitYAMLDocs(t, data)
	fallbacks := 0
	for _, doc := range docs {
		if !checkFastYAML(t, doc) {
			fallbacks++
		}
	}
	t.Logf("generated dump: %d documents, %d fell back (%.3f%%)", len(docs), fallbacks, 100*float64(fallbacks)/float64(len(docs)))
	if fallbacks > 0 {
		t.Errorf("%d of %d kubectl documents fell back", fallbacks, len(docs))
	}
	// The whole List as one document, too.
	if !checkFastYAML(t, data) {
		t.Error("the whole dump fell back")
	}
}

func FuzzFastYAML(f *testing.F) {
	for _, c := range fastYAMLCases {
		f.Add([]byte(c.yaml))
	}
	for _, data := range fixtureYAMLFiles(f) {
		for i, doc := range splitYAMLDocs(f, data) {
			if i < 20 && len(doc) < 16<<10 {
				f.Add(doc)
			}
		}
	}
	// What the marshaller writes for odd values, and odd block layouts.
	rng := rand.New(rand.NewSource(3))
	for i := 0; i < 60; i++ {
		if doc, err := yaml.Marshal(randomValue(rng, 2)); err == nil {
			f.Add(doc)
		}
		f.Add(randomLinesDoc(rng))
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		if len(doc) > 64<<10 {
			return
		}
		checkFastYAML(t, doc)
	})
}

func benchmarkDocs(b *testing.B) ([][]byte, int64) {
	data := generatedYAMLDump(b)
	docs := splitYAMLDocs(b, data)
	var size int64
	for _, d := range docs {
		size += int64(len(d))
	}
	return docs, size
}

// BenchmarkFastYAML and BenchmarkYAMLToJSON convert every item of the
// generated kubectl dump, as the loader does (one op: the whole dump).
func BenchmarkFastYAML(b *testing.B) {
	docs, size := benchmarkDocs(b)
	b.SetBytes(size)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		for _, d := range docs {
			if _, ok := fastYAMLToJSON(d); !ok {
				b.Fatal("fell back")
			}
		}
	}
}

func BenchmarkYAMLToJSON(b *testing.B) {
	docs, size := benchmarkDocs(b)
	b.SetBytes(size)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		for _, d := range docs {
			if _, err := yaml.YAMLToJSON(d); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// fyLinePieces are what TestFastYAMLRandomLines builds documents from: the
// tokens of block YAML, in random order and indentation, so that most
// documents are odd and many invalid.
var fyLinePieces = []string{
	"- ", "-", "a: ", "b:", "a:", "c: ", "'x y'", "'x", "y'", "''", "\"x\\ny\"", "\"x", "y\"", "\"\\", "\\ ",
	"|", "|-", "|+", ">", ">-", "|2", "|1-", ">+2", "# c", " #c", "x", "x y", "1", "0x1f", "1e3", "~", "yes",
	"{}", "[]", "{ }", ": ", ":", "?", "? ", "'", "\"", "\\", "#", "a #b", "k:v", "  ", " ", "é", "&a", "*a",
	"!t", "-x", "- - ", "<<: ", "null: ", "\"k\": ", "'k': ", "1: ", "true: ", ".inf", "2026-01-02",
}

func randomLinesDoc(rng *rand.Rand) []byte {
	var b []byte
	for lines := 1 + rng.Intn(8); lines > 0; lines-- {
		b = append(b, strings.Repeat(" ", rng.Intn(7))...)
		for k := rng.Intn(4); k > 0; k-- {
			b = append(b, fyLinePieces[rng.Intn(len(fyLinePieces))]...)
		}
		if lines > 1 || rng.Intn(2) == 0 {
			b = append(b, '\n')
		}
	}
	return b
}

// TestFastYAMLRandomLines is a structured differential fuzz: random lines of
// YAML tokens at random indentations, each converted both ways.
func TestFastYAMLRandomLines(t *testing.T) {
	n := 200000
	if testing.Short() {
		n = 20000
	}
	seed := int64(2)
	if s := os.Getenv("FASTYAML_SEED"); s != "" {
		fmt.Sscan(s, &seed)
		n *= 10
	}
	rng := rand.New(rand.NewSource(seed))
	converted := 0
	for i := 0; i < n; i++ {
		if checkFastYAML(t, randomLinesDoc(rng)) {
			converted++
		}
	}
	t.Logf("%d random documents, %d converted by the fast converter", n, converted)
}
