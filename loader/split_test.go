package loader

import (
	"bufio"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// recorder keeps what a splitter reports, as short strings.
type recorder struct {
	docs, logs, skips, lists, losses []string
}

func (r *recorder) document(d document) {
	r.docs = append(r.docs, fmt.Sprintf("%s@%d", d.Kind, d.Line))
}
func (r *recorder) logBlock(ns, pod, container, _ string, line int) {
	r.logs = append(r.logs, fmt.Sprintf("%s/%s/%s@%d", ns, pod, container, line))
}
func (r *recorder) skipped(_ int, why string) { r.skips = append(r.skips, why) }
func (r *recorder) lost(kind string, scope lostScope) {
	r.losses = append(r.losses, fmt.Sprintf("%s:%s", kind, []string{"none", "item", "top", "rest"}[scope]))
}
func (r *recorder) list(kind string, line int) {
	r.lists = append(r.lists, fmt.Sprintf("%s@%d", kind, line))
}

func splitJSONString(s string) *recorder {
	r := &recorder{}
	splitJSON(bufio.NewReaderSize(strings.NewReader(s), 64), r, splitLimits{maxDocument: 1 << 20})
	return r
}

// typedList is a List as kubectl prints it: kind and apiVersion first.
type typedList struct {
	Kind       string `json:"kind"`
	APIVersion string `json:"apiVersion"`
	Items      []any  `json:"items"`
}

// indent renders v as cluster-info dump does (json.MarshalIndent, 4 spaces).
func indent(v any) string {
	b, _ := json.MarshalIndent(v, "", "    ")
	return string(b) + "\n"
}

func podItems(names ...string) []any {
	var out []any
	for _, n := range names {
		out = append(out, map[string]any{"metadata": map[string]any{"name": n, "namespace": "shop"}})
	}
	return out
}

// TestJSONResync: a value cut off in a concatenated stream is skipped where
// the next top-level value (or log block) starts; nothing after it is lost.
func TestJSONResync(t *testing.T) {
	pods := indent(typedList{"PodList", "v1", podItems("a", "b", "c")})
	events := indent(typedList{"EventList", "v1", podItems("e1")})
	// Cut the PodList inside its second item: after "b"'s name line.
	cut := pods[:strings.Index(pods, `"b"`)+4]
	logs := "==== START logs for container web of pod shop/a ====\nhello\n==== END logs for container web of pod shop/a ====\n"
	flat := func(s string) string {
		var b strings.Builder
		for _, line := range strings.SplitAfter(s, "\n") {
			b.WriteString(strings.TrimLeft(line, " "))
		}
		return strings.ReplaceAll(b.String(), "\n", "\r\n")
	}
	tests := []struct {
		name    string
		stream  string
		docs    []string
		skipped []string
		logs    int
	}{
		{"indented: next List", cut + "\n" + events, []string{"Pod@5", "Event@18"},
			[]string{"line 11: item 2 of PodList is cut off: a new top-level object starts at line 14; lines 11-13 were skipped"}, 0},
		{"indentation lost, CRLF: next List", flat(cut + "\n" + events), []string{"Pod@5", "Event@18"},
			[]string{"line 11: item 2 of PodList is cut off: a new top-level object starts at line 14; lines 11-13 were skipped"}, 0},
		{"a log block follows", cut + "\n" + logs + events, []string{"Pod@5", "Event@21"},
			[]string{"line 11: item 2 of PodList is cut off: a new top-level object starts at line 14; lines 11-13 were skipped"}, 1},
		{"cut inside a string", pods[:strings.Index(pods, `"b"`)+2] + "\n" + events, []string{"Pod@5", "Event@18"},
			[]string{"line 11: item 2 of PodList is cut off: a new top-level object starts at line 14; lines 11-13 were skipped"}, 0},
		{"cut at the end of the input", cut, []string{"Pod@5"},
			[]string{"line 11: item 2 of PodList is cut off at the end of the input; skipped"}, 0},
		{"one value per line", `{"kind":"Pod","apiVersion":"v1","metadata":{"name":"a"` + "\n" + `{"kind":"Pod","apiVersion":"v1","metadata":{"name":"b"}}` + "\n", []string{"Pod@2"},
			[]string{"line 1: the object that starts here is cut off: a new top-level object starts at line 2; lines 1-1 were skipped"}, 0},
		{"intact stream", pods + events, []string{"Pod@5", "Pod@11", "Pod@17", "Event@29"}, nil, 0},
		// One damaged item of an indented List costs that item only: the
		// next item starts at the items' indentation.
		{"an item's closing brace lost", dropLine(pods, "        },\n", 1) + events, []string{"Pod@10", "Pod@16", "Event@28"},
			[]string{"line 5: item 1 of PodList has no end: the next item starts at line 10; lines 5-9 were skipped"}, 0},
		{"an item's opening brace lost", dropLine(pods, "        {\n", 2) + events, []string{"Pod@5", "Pod@16", "Event@28"},
			[]string{"line 11: text where item 2 of PodList should start; lines 11-15 were skipped"}, 0},
		{"the first item's opening brace lost", dropLine(pods, "        {\n", 1) + events, []string{"Pod@10", "Pod@16", "Event@28"},
			[]string{"line 5: text where item 1 of PodList should start; lines 5-9 were skipped"}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := splitJSONString(tt.stream)
			if !reflect.DeepEqual(r.docs, tt.docs) || !reflect.DeepEqual(r.skips, tt.skipped) || len(r.logs) != tt.logs {
				t.Errorf("docs %v skipped %q logs %v\nwant docs %v skipped %q", r.docs, r.skips, r.logs, tt.docs, tt.skipped)
			}
		})
	}
}

// TestJSONEmptyObjects: top-level "{}" hold no object; a run of them is one
// warning, however long.
func TestJSONEmptyObjects(t *testing.T) {
	pod := `{"kind":"Pod","apiVersion":"v1","metadata":{"name":"a"}}` + "\n"
	tests := []struct {
		name    string
		stream  string
		docs    []string
		skipped []string
	}{
		{"one", "{}\n", nil, []string{"line 1: an empty object {}, no Kubernetes object; skipped"}},
		{"a run", strings.Repeat("{}\n", 5) + " { \t}\r\n", nil, []string{"lines 1-6: 6 empty objects {}, no Kubernetes objects; skipped"}},
		{"on one line", "{}{} {}\n", nil, []string{"line 1: 3 empty objects {}, no Kubernetes objects; skipped"}},
		{"runs around an object", "{}\n{}\n" + pod + "{}\n", []string{"Pod@3"}, []string{
			"lines 1-2: 2 empty objects {}, no Kubernetes objects; skipped", "line 4: an empty object {}, no Kubernetes object; skipped"}},
		{"spread over lines is an object", "{\n}\n", []string{"@1"}, nil},
		{"an empty array is an empty list", "[]\n", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := splitJSONString(tt.stream)
			if !reflect.DeepEqual(r.docs, tt.docs) || !reflect.DeepEqual(r.skips, tt.skipped) || len(r.losses) != 0 {
				t.Errorf("docs %v skipped %q lost %v\nwant docs %v skipped %q", r.docs, r.skips, r.losses, tt.docs, tt.skipped)
			}
		})
	}
}

// TestJSONLostScopes: what the splitter says was lost: one item of a List
// that goes on, the rest of a List that is cut off (however many items that
// was), a top-level value.
func TestJSONLostScopes(t *testing.T) {
	pods := indent(typedList{"PodList", "v1", podItems("a", "b", "c")})
	events := indent(typedList{"EventList", "v1", podItems("e1")})
	sorted := `{"apiVersion":"v1","items":[{"kind":"Secret","metadata":{"name":"a"}},{"kind":"Secret","metadata":{"name":"b"}}],"kind":"List","metadata":{}}`
	tests := []struct {
		name   string
		stream string
		lost   []string
	}{
		{"cut inside an item", pods[:strings.Index(pods, `"b"`)+4], []string{"Pod:rest"}},
		{"cut between items", pods[:strings.Index(pods, `"b"`)-40], []string{"Pod:rest"}},
		{"cut before the items", pods[:strings.Index(pods, `"items"`)], []string{"Pod:rest"}},
		{"cut after the items", pods[:len(pods)-3], nil},
		{"cut off by the next List", pods[:strings.Index(pods, `"b"`)+4] + "\n" + events, []string{"Pod:rest"}},
		{"one item without its end", dropLine(pods, "        },\n", 1), []string{"Pod:item"}},
		{"kind after the items: unknown", sorted[:strings.Index(sorted, `"b"`)], []string{":rest"}},
		{"untyped List cut before its items", `{"kind":"List","apiVersion":"v1","items":`, []string{":rest"}},
		{"bare array cut", `[{"kind":"Secret","metadata":{"name":"a"}},{"kind":"Sec`, []string{":rest"}},
		{"one object cut", `{"kind":"Secret","metadata":{"name":"a"`, []string{"Secret:top"}},
		{"one object damaged", `{"kind":"Secret","metadata":{"name":"a"}, 7}` + "\n", []string{"Secret:top"}},
		{"one object of unknown kind cut", `{"metadata":{"name":"a"`, []string{":top"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := splitJSONString(tt.stream)
			if !reflect.DeepEqual(r.losses, tt.lost) {
				t.Errorf("lost %q, want %q (skipped %q)", r.losses, tt.lost, r.skips)
			}
		})
	}
}

// dropLine removes the nth (1-based) line of s equal to line.
func dropLine(s, line string, n int) string {
	lines := strings.SplitAfter(s, "\n")
	for i, l := range lines {
		if l == line {
			if n--; n == 0 {
				return strings.Join(append(lines[:i:i], lines[i+1:]...), "")
			}
		}
	}
	panic("no such line")
}

// TestJSONListKindAfterItems: items with no kind wait for the List's kind,
// even when it comes after them (sorted keys) or never (troubleshoot arrays).
func TestJSONListKindAfterItems(t *testing.T) {
	r := splitJSONString(`{"apiVersion":"v1","items":[{"metadata":{"name":"a"}}],"kind":"PodList","metadata":{}}` + "\n" +
		`{"kind":"SecretList","apiVersion":"v1","items":null}` + "\n" + `[{"metadata":{"name":"b"}}]`)
	if want := []string{"Pod@1", "@3"}; !reflect.DeepEqual(r.docs, want) {
		t.Errorf("docs %v, want %v", r.docs, want)
	}
	if want := []string{"PodList@1", "SecretList@2"}; !reflect.DeepEqual(r.lists, want) {
		t.Errorf("lists %v, want %v", r.lists, want)
	}
}

// TestJoinWrappedStrings: only raw line breaks inside strings are removed;
// nothing is ever added.
func TestJoinWrappedStrings(t *testing.T) {
	tests := []struct {
		name, in, want string
		breaks         int
	}{
		{"LF inside a string", "{\"a\": \"abc\ndef\"}", `{"a": "abcdef"}`, 1},
		{"CRLF inside a string", "{\"a\": \"abc\r\ndef\"}", `{"a": "abcdef"}`, 1},
		{"breaks outside strings kept", "{\r\n\"a\": \"x\"\r\n}", "{\r\n\"a\": \"x\"\r\n}", 0},
		{"escaped quote does not end the string", "{\"a\": \"x\\\"y\nz\"}", `{"a": "x\"yz"}`, 1},
		{"escaped backslash before the end", "{\"a\": \"x\\\\\", \"b\": \"c\nd\"}", `{"a": "x\\", "b": "cd"}`, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, n := joinWrappedStrings([]byte(tt.in))
			if string(got) != tt.want || n != tt.breaks {
				t.Errorf("got %q (%d), want %q (%d)", got, n, tt.want, tt.breaks)
			}
			if len(got) > len(tt.in) {
				t.Errorf("repair added bytes")
			}
		})
	}
}

// TestWrappedItemRepair: a Pod whose only damage is a hard-wrapped string is
// read whole and said so; one that stays broken is skipped, naming its line.
func TestWrappedItemRepair(t *testing.T) {
	stream := "{\r\n\"kind\": \"PodList\",\r\n\"apiVersion\": \"v1\",\r\n\"items\": [\r\n" +
		"{\r\n\"metadata\": {\r\n\"name\": \"wrapped\",\r\n\"namespace\": \"shop\",\r\n\"annotations\": {\"note\": \"a long line that the ter\r\nminal wrapped\"}\r\n}\r\n},\r\n" +
		"{\r\n\"metadata\": {\r\n\"name\": \"broken\",\r\n\"namespace\": \"shop\"\r\n\"labels\": {}\r\n}\r\n},\r\n" +
		"{\r\n\"metadata\": {\r\n\"name\": \"fine\",\r\n\"namespace\": \"shop\"\r\n}\r\n}\r\n]\r\n}\r\n"
	d := load(t, writeFile(t, "dump.txt", stream))
	if d.Source.Objects["Pod"] != 2 {
		t.Fatalf("objects %v, warnings %v", d.Source.Objects, d.Warnings)
	}
	if note := getPod(t, d, "shop", "wrapped").Annotations["note"]; note != "a long line that the terminal wrapped" {
		t.Errorf("note %q", note)
	}
	want := []string{
		"dump.txt: line 5 (item 1 of the PodList): 1 line break inside JSON strings removed (the text was hard-wrapped, as when a dump is pasted from a terminal); the object was read",
		"dump.txt: line 13 (item 2 of the PodList): Pod labels/broken: invalid JSON at byte 59 of the object; skipped",
	}
	if !reflect.DeepEqual(d.Warnings, want) {
		t.Errorf("warnings =\n%s", strings.Join(d.Warnings, "\n"))
	}
}

// TestWarningsQuoteNoValues: a damaged Secret is named by file, line and
// field, never by its content.
func TestWarningsQuoteNoValues(t *testing.T) {
	tests := []struct{ name, file, body string }{
		{"JSON syntax", "dump.json", `{"apiVersion":"v1","kind":"Secret","metadata":{"name":"s","namespace":"shop"},"data":{"k":"MARKER-VALUE" "x":1}}`},
		{"JSON type", "dump.json", `{"apiVersion":"v1","kind":"Secret","metadata":{"name":"s","namespace":"shop"},"data":{"k":["MARKER-VALUE"]}}`},
		{"bad base64", "dump.json", `{"apiVersion":"v1","kind":"Secret","metadata":{"name":"s","namespace":"shop"},"data":{"k":"MARKER-VALUE!!"}}`},
		{"YAML", "dump.yaml", "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\ndata:\n  k: MARKER-VALUE\n   bad: [\n"},
		{"stringData of unknown apiVersion", "dump.yaml", "apiVersion: v9\nkind: Secret\nmetadata:\n  name: s\nstringData:\n  k: MARKER-VALUE\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := writeFile(t, tt.file, tt.body+"\n"+`{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","namespace":"shop"}}`+"\n")
			if tt.file == "dump.yaml" {
				p = writeFile(t, tt.file, tt.body+"---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: shop\n")
			}
			d := load(t, p)
			if len(d.Warnings) == 0 {
				t.Fatalf("no warning")
			}
			assertNoMarker(t, d, "MARKER-VALUE")
			for _, w := range d.Warnings {
				if strings.Contains(w, "MARKER") {
					t.Errorf("warning quotes the document: %q", w)
				}
			}
		})
	}
}

func splitYAMLString(s string) *recorder {
	r := &recorder{}
	splitYAML(bufio.NewReaderSize(strings.NewReader(s), 64), r, splitLimits{maxDocument: 1 << 20})
	return r
}

func TestYAMLSplitter(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		docs  []string
		lists []string
		logs  int
		skips int
	}{
		{"kind after kind-less items", "apiVersion: v1\nitems:\n- metadata:\n    name: a\n- metadata:\n    name: b\nkind: PodList\nmetadata:\n  resourceVersion: \"1\"\n",
			[]string{"Pod@3", "Pod@5"}, []string{"PodList@1"}, 0, 0},
		{"empty List", "apiVersion: v1\nitems: []\nkind: SecretList\nmetadata: {}\n", nil, []string{"SecretList@1"}, 0, 0},
		{"Lists, separators and logs", "apiVersion: v1\nitems:\n- metadata:\n    name: n\nkind: NodeList\n==== START logs for container c of pod ns/p ====\nx\n==== END logs for container c of pod ns/p ====\n---\napiVersion: v1\nitems: []\nkind: EventList\n",
			[]string{"Node@3"}, []string{"NodeList@1", "EventList@10"}, 1, 0},
		{"bare sequence (troubleshoot custom resources)", "- apiVersion: example.com/v1\n  kind: Widget\n  metadata:\n    name: a\n- apiVersion: example.com/v1\n  kind: Widget\n  metadata:\n    name: b\n",
			[]string{"Widget@1", "Widget@5"}, nil, 0, 0},
		{"multi-document manifests", "apiVersion: v1\nkind: Secret\nmetadata:\n  name: a\n---\n# comment\napiVersion: v1\nkind: Pod\nmetadata:\n  name: b\n",
			[]string{"Secret@1", "Pod@7"}, nil, 0, 0},
		{"text pasted between a List's items", "apiVersion: v1\nitems:\n- kind: Pod\n  metadata:\n    name: a\n$ kubectl get secrets -o yaml\n- kind: Secret\n  metadata:\n    name: b\nkind: List\n",
			[]string{"Pod@3", "Secret@7"}, []string{"List@1"}, 0, 1},
		{"items after a List's own key", "apiVersion: v1\nitems:\n- kind: Pod\n  metadata:\n    name: a\nkind: List\n- kind: Pod\n  metadata:\n    name: b\n",
			[]string{"Pod@3", "Pod@7"}, []string{"List@1"}, 0, 0},
		{"bare dash with nothing after it", "-", nil, nil, 0, 1},
		{"List cut off inside its last item", "apiVersion: v1\nitems:\n- kind: Pod\n  metadata:\n    name: a\n- kind: Secret\n  metadata:\n    name: b\n", []string{"Pod@3"}, nil, 0, 2},
		{"bare dash item", "items:\n-\n  kind: Pod\n  metadata:\n    name: a\nkind: PodList\n", []string{"Pod@2"}, []string{"PodList@1"}, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := splitYAMLString(tt.in)
			if !reflect.DeepEqual(r.docs, tt.docs) || !reflect.DeepEqual(r.lists, tt.lists) || len(r.logs) != tt.logs || len(r.skips) != tt.skips {
				t.Errorf("docs %v lists %v logs %v skips %q\nwant docs %v lists %v logs %d skips %d", r.docs, r.lists, r.logs, r.skips, tt.docs, tt.lists, tt.logs, tt.skips)
			}
		})
	}
}

// TestQuoteHidden: troubleshoot's redactor leaves ***HIDDEN*** unquoted,
// which YAML cannot read; those values are quoted, nothing else changes.
func TestQuoteHidden(t *testing.T) {
	tests := []struct{ in, want string }{
		{"ip: ***HIDDEN***\n", "ip: '***HIDDEN***'\n"},
		{"  addr: ***HIDDEN***:10000\r\n", "  addr: '***HIDDEN***:10000'\r\n"},
		{"- ***HIDDEN***\n", "- '***HIDDEN***'\n"},
		{"url: http://***HIDDEN***:8181\n", "url: http://***HIDDEN***:8181\n"},
		{"f:tcp://***HIDDEN***:10000:\n", "f:tcp://***HIDDEN***:10000:\n"},
		{"x: ***HIDDEN***'s\n", "x: '***HIDDEN***''s'\n"},
	}
	for _, tt := range tests {
		if got := string(quoteHidden([]byte(tt.in))); got != tt.want {
			t.Errorf("quoteHidden(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
