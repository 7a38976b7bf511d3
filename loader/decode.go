package loader

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/kubernetes/scheme"
	"sigs.k8s.io/yaml"

	gojson "github.com/goccy/go-json"

	"github.com/secretscan/secretscan/internal/redact"
)

// knownKinds maps a kind to the group/version the analyzers read it in, for
// documents that carry a kind but no apiVersion (old troubleshoot arrays) and for
// objects written in older API versions (extensions/v1beta1 Deployments,
// batch/v1beta1 CronJobs), whose JSON fits the current type.
var knownKinds = sync.OnceValue(func() map[string]schema.GroupVersionKind {
	best := map[string]schema.GroupVersionKind{}
	for gvk := range scheme.Scheme.AllKnownTypes() {
		if gvk.Version == runtime.APIVersionInternal || strings.HasSuffix(gvk.Kind, "List") || strings.HasSuffix(gvk.Kind, "Options") {
			continue
		}
		have, ok := best[gvk.Kind]
		if !ok || preferGVK(gvk, have) {
			best[gvk.Kind] = gvk
		}
	}
	return best
})

// preferGVK orders candidate versions of a kind: the core group first (an Event
// without apiVersion is a core Event), then stable versions over beta over alpha.
func preferGVK(a, b schema.GroupVersionKind) bool {
	if (a.Group == "") != (b.Group == "") {
		return a.Group == ""
	}
	if ra, rb := versionRank(a.Version), versionRank(b.Version); ra != rb {
		return ra > rb
	}
	if a.Group != b.Group {
		// extensions is the old home of apps kinds.
		return b.Group == "extensions"
	}
	return a.Version > b.Version
}

func versionRank(v string) int {
	switch {
	case strings.Contains(v, "alpha"):
		return 1
	case strings.Contains(v, "beta"):
		return 2
	}
	return 3
}

// groupsOfKind are the API groups that have served the same kind with
// compatible JSON; an object in an older one is read as the current one.
var compatibleGroups = map[string]bool{"": true, "apps": true, "extensions": true, "batch": true, "rbac.authorization.k8s.io": true, "events.k8s.io": true, "networking.k8s.io": true, "policy": true}

// resolveGVK decides which Go type a document is read into.
func resolveGVK(apiVersion, kind string) (schema.GroupVersionKind, bool) {
	gv, err := schema.ParseGroupVersion(apiVersion)
	if err != nil {
		gv = schema.GroupVersion{}
	}
	gvk := gv.WithKind(kind)
	preferred, known := knownKinds()[kind]
	if apiVersion == "" {
		return preferred, known
	}
	if !scheme.Scheme.Recognizes(gvk) {
		return gvk, false
	}
	if known && preferred != gvk && preferred.Group == gvk.Group && compatibleGroups[gvk.Group] {
		return preferred, true
	}
	if known && preferred != gvk && gvk.Group == "extensions" && (preferred.Group == "apps" || preferred.Group == "networking.k8s.io" || preferred.Group == "policy") {
		return preferred, true
	}
	return gvk, true
}

// decodeError describes why a document could not be read, quoting positions and
// field names only: never the document's text, which may hold a Secret's value.
func decodeError(err error) string {
	var syntax *json.SyntaxError
	var typeErr *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax):
		return fmt.Sprintf("invalid JSON at byte %d of the object", syntax.Offset)
	case errors.As(err, &typeErr):
		// Value is "number 1234" for numbers: the literal may be a value.
		value, _, _ := strings.Cut(typeErr.Value, " ")
		if typeErr.Field == "" {
			return fmt.Sprintf("the object is a JSON %s where %s was expected", value, typeName(typeErr.Type.String()))
		}
		return fmt.Sprintf("field %s has a JSON %s where %s was expected", shortText(typeErr.Field), value, typeName(typeErr.Type.String()))
	}
	var limit *limitError
	if errors.As(err, &limit) {
		return limit.text
	}
	msg := err.Error()
	switch {
	case strings.Contains(msg, "illegal base64"):
		return "a value is not valid base64"
	case strings.Contains(msg, "excessive aliasing"):
		return "YAML aliases expand the document too much"
	case strings.Contains(msg, "exceeded max depth"):
		return fmt.Sprintf("nested deeper than %d levels, more than any decoder reads", MaxDepthCeiling)
	case strings.HasPrefix(msg, "error converting YAML to JSON"), strings.HasPrefix(msg, "yaml:"):
		// YAML errors quote a line number, sometimes a token; keep the line only.
		if i := strings.Index(msg, "line "); i >= 0 {
			rest := msg[i:]
			if j := strings.IndexByte(rest, ':'); j > 0 {
				rest = rest[:j]
			}
			return "invalid YAML at " + rest + " of the document"
		}
		return "invalid YAML"
	}
	return "the document does not decode"
}

// shortText bounds a name taken from the input (a field path, a key) for a
// warning: key names are not values, but a hostile one can be megabytes long.
func shortText(s string) string {
	s = safeName(s)
	if len(s) > 80 {
		cut := 77
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "..."
	}
	return s
}

func typeName(t string) string {
	if i := strings.LastIndexByte(t, '.'); i >= 0 {
		t = t[i+1:]
	}
	return "a " + t
}

// decoded is one object read from a document.
type decoded struct {
	// obj is the object as decoded; for typed kinds it is dropped once encoded
	// into raw (see encode).
	obj  runtime.Object
	gvk  schema.GroupVersionKind
	kind string
	// typed is false for kinds the scheme does not know (custom resources).
	typed bool
	// raw is a typed object in its protobuf encoding, the API server's own
	// storage format: about a fifth of the memory of the decoded object.
	raw []byte
	// The identity of the object, kept beside raw for merging and indexing.
	namespace, name, uid, resourceVersion string
	// joinedBreaks counts raw line breaks removed from inside JSON strings
	// (text hard-wrapped by a terminal); the warning says so.
	joinedBreaks int
	// badValues names the keys of a Secret whose values were not base64
	// strings: kept, with their size unknown; the warning says so.
	badValues []string
	// listing is, for a Secret that was an item of a List, which List: the
	// namespaces one listing returned tell what was asked for (see
	// presenceCoverage).
	listing listing
}

// listing names one List of the input: its file and first line.
type listing struct {
	file string
	line int
}

// secretSource says how a source treated Secret values before we read them.
type secretSource int

const (
	// secretValuesReal: values are as the API serves them (kubectl, Velero).
	secretValuesReal secretSource = iota
	// secretValuesMustGather: oc adm inspect replaced each value but tls.crt,
	// ca.crt and service-ca.crt by the text "<N> bytes long".
	secretValuesMustGather
)

// decodeOptions is what the file's path says about its documents.
type decodeOptions struct {
	hintKind, hintAPIVersion string
	secrets                  secretSource
	limits                   docLimits
}

// decodeDocument reads a document into a typed object (or an unstructured one
// for unknown kinds) and strips values at once: managedFields,
// last-applied-configuration, and every Secret value.
func decodeDocument(d document, opts decodeOptions) (decoded, error) {
	if d.Kind == "" && opts.hintKind != "" && !d.YAML {
		d.Kind, d.APIVersion = opts.hintKind, opts.hintAPIVersion
	}
	raw := d.Raw
	if d.YAML {
		j, err := yamlToJSON(raw, opts.limits)
		if err != nil && bytes.Contains(raw, []byte(hiddenMarker)) {
			// troubleshoot's redactor writes ***HIDDEN*** unquoted, which YAML
			// reads as a broken alias; quoting it restores what it meant.
			j, err = yamlToJSON(quoteHidden(raw), opts.limits)
		}
		if err != nil {
			return decoded{}, errors.New(decodeError(err))
		}
		if err := checkShape(j, opts.limits); err != nil {
			return decoded{}, err
		}
		raw = j
		if kind, api := peekTypeMeta(raw); kind != "" {
			d.Kind = kind
			if api != "" {
				d.APIVersion = api
			}
		}
		if d.Kind == "" && opts.hintKind != "" {
			d.Kind, d.APIVersion = opts.hintKind, opts.hintAPIVersion
		}
	}
	if d.Index >= 0 && isBuiltinList(d.Kind) {
		// kubectl never writes a List inside a List; one put together by
		// hand is not unpacked.
		return decoded{}, fmt.Errorf("the item is itself a %s, and a List inside a List is not unpacked", d.Kind)
	}
	if len(raw) == 0 || string(raw) == "null" {
		if d.Index >= 0 {
			return decoded{}, errNullItem
		}
		return decoded{}, errNoObject
	}
	if d.Kind == "" {
		if d.ListKind == "List" {
			return decoded{}, errors.New("an item of a List has no kind")
		}
		return decoded{}, errors.New("the object has no kind")
	}
	gvk, typed := resolveGVK(d.APIVersion, d.Kind)
	joined := 0
	if typed {
		obj, err := scheme.Scheme.New(gvk)
		if err != nil {
			typed = false
		} else {
			var err error
			if d.BrokenString {
				err = json.Unmarshal(raw, obj)
			} else {
				err = unmarshalTyped(dropManagedFields(raw), obj)
			}
			if isSyntaxError(err) {
				if fixed, n := joinWrappedStrings(raw); n > 0 {
					obj, _ = scheme.Scheme.New(gvk)
					if json.Unmarshal(fixed, obj) == nil {
						err, joined = nil, n
					}
				}
			}
			var bad []string
			if err != nil && d.Kind == "Secret" {
				if s, keys, ok := salvageSecret(raw); ok {
					obj, bad, err = s, keys, nil
				}
			}
			if err != nil {
				if d.Kind == "Secret" {
					return decoded{}, fmt.Errorf("Secret: %s", decodeError(err))
				}
				return decoded{}, errors.New(decodeError(err))
			}
			if err := needName(obj, gvk.Kind); err != nil {
				return decoded{}, err
			}
			obj.GetObjectKind().SetGroupVersionKind(gvk)
			if s, ok := obj.(*corev1.Secret); ok && opts.secrets == secretValuesMustGather {
				noteElidedValues(s)
			}
			stripTyped(obj)
			if s, ok := obj.(*corev1.Secret); ok && len(bad) > 0 {
				forgetSizes(s, bad)
			}
			return decoded{obj: obj, gvk: gvk, kind: gvk.Kind, typed: true, joinedBreaks: joined, badValues: bad}, nil
		}
	}
	var content map[string]any
	err := json.Unmarshal(raw, &content)
	if isSyntaxError(err) {
		if fixed, n := joinWrappedStrings(raw); n > 0 {
			content = nil
			if json.Unmarshal(fixed, &content) == nil {
				err, joined = nil, n
			}
		}
	}
	if err != nil {
		return decoded{}, errors.New(decodeError(err))
	}
	if content == nil {
		return decoded{}, errNoObject
	}
	u := &unstructured.Unstructured{Object: content}
	if u.GetAPIVersion() == "" {
		u.SetAPIVersion(d.APIVersion)
	}
	if u.GetKind() == "" {
		u.SetKind(d.Kind)
	}
	if u.GetKind() == "Secret" || isBuiltinList(u.GetKind()) || u.GetKind() == "List" {
		// A Secret the scheme could not type (an unknown apiVersion) is not kept:
		// its values would survive. Nested Lists are not objects.
		return decoded{}, fmt.Errorf("%s of apiVersion %q is not readable", shortText(u.GetKind()), shortText(u.GetAPIVersion()))
	}
	if err := needName(u, u.GetKind()); err != nil {
		return decoded{}, err
	}
	if u.GetAPIVersion() == "" || u.GetKind() == "" {
		// The scheme knows no such kind, so no version can be guessed, and an
		// object of no version cannot be served.
		return decoded{}, fmt.Errorf("%s has no apiVersion, and the kind is not a built-in one", shortText(orText(u.GetKind(), "an object without kind")))
	}
	stripUnstructured(u)
	gv, _ := schema.ParseGroupVersion(u.GetAPIVersion())
	return decoded{obj: u, gvk: gv.WithKind(u.GetKind()), kind: u.GetKind(), joinedBreaks: joined}, nil
}

func orText(s, otherwise string) string {
	if s == "" {
		return otherwise
	}
	return s
}

// yamlToJSON converts a YAML document once its aliases are known to expand
// within the limits.
func yamlToJSON(raw []byte, lim docLimits) ([]byte, error) {
	if lim.maxAliasNodes > 0 {
		if err := checkYAMLAliases(raw, lim); err != nil {
			return nil, err
		}
	}
	// kubectl's YAML is a small block-style subset: a single-pass converter
	// reads it an order of magnitude faster; anything else goes to the general one.
	if j, ok := fastYAMLToJSON(raw); ok {
		return j, nil
	}
	return yaml.YAMLToJSON(raw)
}

// needName refuses an object without a name: nothing can refer to it, and
// every nameless object of a kind and namespace would merge into one.
func needName(obj runtime.Object, kind string) error {
	acc, err := meta.Accessor(obj)
	if err != nil {
		return nil
	}
	if acc.GetName() != "" {
		return nil
	}
	if acc.GetGenerateName() != "" {
		return fmt.Errorf("the %s has no name, only a generateName", shortText(kind))
	}
	return fmt.Errorf("the %s has no name", shortText(kind))
}

// salvageSecret reads a Secret whose data holds a value that is not a base64
// string (a hand-edited manifest, a damaged dump): that key is kept with no
// value, so that the Secret and its other keys still count. It reports the
// keys so read, and false if the Secret is damaged elsewhere too.
func salvageSecret(raw []byte) (*corev1.Secret, []string, bool) {
	var top map[string]json.RawMessage
	if json.Unmarshal(raw, &top) != nil {
		return nil, nil, false
	}
	var bad []string
	for _, field := range []string{"data", "stringData"} {
		if top[field] == nil {
			continue
		}
		var values map[string]json.RawMessage
		if json.Unmarshal(top[field], &values) != nil {
			return nil, nil, false
		}
		for k, v := range values {
			var ok error
			if field == "data" {
				var b []byte
				ok = json.Unmarshal(v, &b)
			} else {
				var s *string
				ok = json.Unmarshal(v, &s)
			}
			if ok != nil {
				values[k] = json.RawMessage(`""`)
				bad = append(bad, k)
			}
		}
		fixed, err := json.Marshal(values)
		if err != nil {
			return nil, nil, false
		}
		top[field] = fixed
	}
	if len(bad) == 0 {
		return nil, nil, false
	}
	fixed, err := json.Marshal(top)
	if err != nil {
		return nil, nil, false
	}
	var s corev1.Secret
	if json.Unmarshal(fixed, &s) != nil {
		return nil, nil, false
	}
	sort.Strings(bad)
	return &s, bad, true
}

// forgetSizes drops the recorded sizes of keys whose values could not be read.
func forgetSizes(s *corev1.Secret, keys []string) {
	sizes := redact.Sizes(s)
	if sizes == nil {
		return
	}
	for _, k := range keys {
		delete(sizes, k)
	}
	s.Annotations[redact.SizesAnnotation] = redact.EncodeSizes(sizes)
}

func isSyntaxError(err error) bool {
	var syntax *json.SyntaxError
	return errors.As(err, &syntax)
}

// joinWrappedStrings removes raw line breaks (CR and LF) from inside JSON
// strings, where JSON allows none: a terminal that hard-wraps long lines puts
// them there when a dump is pasted. It only ever removes those bytes, so it
// cannot invent content; it returns how many breaks it removed.
func joinWrappedStrings(raw []byte) ([]byte, int) {
	out := make([]byte, 0, len(raw))
	inString, escape, breaks := false, false, 0
	for _, c := range raw {
		if inString {
			switch {
			case c == '\r':
				continue
			case c == '\n':
				breaks++
				continue
			case escape:
				escape = false
			case c == '\\':
				escape = true
			case c == '"':
				inString = false
			}
		} else if c == '"' {
			inString = true
		}
		out = append(out, c)
	}
	return out, breaks
}

// hiddenMarker is what troubleshoot's redactor writes in place of a value.
const hiddenMarker = "***HIDDEN***"

// quoteHidden quotes every plain YAML value that starts with ***HIDDEN***
// ("key: ***HIDDEN***", "- ***HIDDEN***:10000"): YAML reads a leading '*' as
// an alias. Values are quoted whole, with YAML's single-quote escaping.
func quoteHidden(raw []byte) []byte {
	lines := bytes.SplitAfter(raw, []byte("\n"))
	for i, line := range lines {
		body := bytes.TrimRight(line, "\r\n")
		at := bytes.Index(body, []byte(hiddenMarker))
		if at < 0 {
			continue
		}
		before, value := body[:at], body[at:]
		if !bytes.HasSuffix(before, []byte(": ")) && !bytes.HasSuffix(before, []byte("- ")) {
			continue
		}
		fixed := append(append([]byte{}, before...), '\'')
		fixed = append(fixed, bytes.ReplaceAll(value, []byte("'"), []byte("''"))...)
		fixed = append(append(fixed, '\''), line[len(body):]...)
		lines[i] = fixed
	}
	return bytes.Join(lines, nil)
}

// elidedValue matches must-gather's replacement of a Secret value.
var elidedValue = regexp.MustCompile(`^([0-9]+) bytes long$`)

// noteElidedValues records, on a Secret read from a must-gather, that its
// values were elided by the source and which sizes the source recorded: "<N>
// bytes long" gives N; the public keys oc keeps (tls.crt, ca.crt,
// service-ca.crt) hold real values, whose length is the size.
func noteElidedValues(s *corev1.Secret) {
	sizes := make(map[string]int, len(s.Data))
	elided := false
	for k, v := range s.Data {
		if m := elidedValue.FindSubmatch(v); m != nil && !mustGatherPublicKeys[k] {
			if n, err := strconv.Atoi(string(m[1])); err == nil {
				sizes[k], elided = n, true
				continue
			}
		}
		sizes[k] = len(v)
	}
	if !elided {
		return
	}
	if s.Annotations == nil {
		s.Annotations = map[string]string{}
	}
	s.Annotations[redact.ValuesAnnotation] = redact.ValuesElided
	s.Annotations[redact.SizesAnnotation] = redact.EncodeSizes(sizes)
}

// mustGatherPublicKeys are the Secret keys oc adm inspect does not elide.
var mustGatherPublicKeys = map[string]bool{"tls.crt": true, "ca.crt": true, "service-ca.crt": true}

var errNoObject = errors.New("empty document")

// stripTyped drops what no analysis needs and what may hold values.
func stripTyped(obj runtime.Object) {
	if s, ok := obj.(*corev1.Secret); ok {
		redact.Secret(s)
		return
	}
	if m, ok := obj.(metav1.ObjectMetaAccessor); ok {
		if meta, ok := m.GetObjectMeta().(*metav1.ObjectMeta); ok {
			redact.ObjectMeta(meta)
		}
	}
	slim(obj)
}

// stripUnstructured drops managedFields and value-bearing annotations of a custom
// resource, and the encrypted payloads of SealedSecrets.
func stripUnstructured(u *unstructured.Unstructured) {
	u.SetManagedFields(nil)
	// Templates nested in a custom resource (a SealedSecret's or an
	// ExternalSecret's Secret template, a workload's pod template) have
	// metadata of their own.
	dropValueAnnotations(u.Object, 0)
	if u.GetKind() == "ExternalSecret" {
		// target.template.data holds the Secret's data as Go templates, which
		// may be literal values; keep the key names.
		blankValues(u.Object, "spec", "target", "template", "data")
	}
	if u.GetKind() == "SealedSecret" {
		// Ciphertext, but still nothing a report needs; keep the key names.
		if data, ok, _ := unstructured.NestedMap(u.Object, "spec", "encryptedData"); ok {
			for k := range data {
				data[k] = ""
			}
			_ = unstructured.SetNestedMap(u.Object, data, "spec", "encryptedData")
		}
		unstructured.RemoveNestedField(u.Object, "spec", "template", "data")
		unstructured.RemoveNestedField(u.Object, "spec", "template", "stringData")
	}
}

// dropValueAnnotations removes value-bearing annotations (redact.ObjectMeta)
// from every "metadata" mapping of a decoded object, at any depth (bounded by
// the decoder's depth limit).
func dropValueAnnotations(v any, depth int) {
	if depth > MaxDepthCeiling {
		return
	}
	switch t := v.(type) {
	case map[string]any:
		if m, ok := t["metadata"].(map[string]any); ok {
			if ann, ok := m["annotations"].(map[string]any); ok {
				for _, a := range redact.DroppedAnnotations() {
					delete(ann, a)
				}
				if len(ann) == 0 {
					delete(m, "annotations")
				}
			}
		}
		for _, child := range t {
			dropValueAnnotations(child, depth+1)
		}
	case []any:
		for _, child := range t {
			dropValueAnnotations(child, depth+1)
		}
	}
}

// blankValues empties the string values of the mapping at path, keeping its keys.
func blankValues(obj map[string]any, path ...string) {
	m, ok, _ := unstructured.NestedMap(obj, path...)
	if !ok {
		return
	}
	for k := range m {
		m[k] = ""
	}
	_ = unstructured.SetNestedMap(obj, m, path...)
}

// protoObject is what every built-in API type implements (generated.pb.go).
type protoObject interface {
	runtime.Object
	Marshal() ([]byte, error)
	Unmarshal([]byte) error
}

// encode records the object's identity and, for typed kinds, replaces the
// object by its protobuf encoding. A dump's objects then sit in memory at
// about the size of their JSON without whitespace, instead of several times
// that; the tracker decodes them again when a reader lists them.
func (d *decoded) encode() error {
	acc, err := meta.Accessor(d.obj)
	if err != nil {
		return err
	}
	// Cloned: a decoder may hand out strings that share the document's
	// buffer, which would keep every document alive through its name.
	d.namespace, d.name = strings.Clone(acc.GetNamespace()), strings.Clone(acc.GetName())
	d.uid, d.resourceVersion = strings.Clone(string(acc.GetUID())), strings.Clone(acc.GetResourceVersion())
	if !d.typed {
		return nil
	}
	p, ok := d.obj.(protoObject)
	if !ok {
		return nil
	}
	raw, err := p.Marshal()
	if err != nil {
		return err
	}
	d.raw, d.obj = raw, nil
	return nil
}

// object returns the typed object, decoding raw when it was encoded.
func (d *decoded) object() (runtime.Object, error) {
	if d.obj != nil || d.raw == nil {
		return d.obj, nil
	}
	return decodeProto(d.gvk, d.raw)
}

// decodeProto rebuilds a typed object from its protobuf encoding.
func decodeProto(gvk schema.GroupVersionKind, raw []byte) (runtime.Object, error) {
	obj, err := scheme.Scheme.New(gvk)
	if err != nil {
		return nil, err
	}
	p, ok := obj.(protoObject)
	if !ok {
		return nil, fmt.Errorf("%s has no protobuf encoding", gvk.Kind)
	}
	if err := p.Unmarshal(raw); err != nil {
		return nil, err
	}
	obj.GetObjectKind().SetGroupVersionKind(gvk)
	return obj, nil
}

// unmarshalTyped decodes a document into a typed object with goccy/go-json,
// which reads the same JSON as encoding/json into the same structs (honouring
// the API types' own UnmarshalJSON methods) at two to three times the speed.
// On failure, encoding/json decodes it again: its errors are the ones
// decodeError knows how to describe without quoting the document.
func unmarshalTyped(raw []byte, obj any) error {
	if fastUnmarshal(raw, obj) == nil {
		return nil
	}
	return json.Unmarshal(raw, obj)
}

// fastUnmarshal is goccy/go-json guarded: a panic on hostile input is a
// decoding failure like any other, and the strict decoder gets its turn.
func fastUnmarshal(raw []byte, obj any) (err error) {
	defer func() {
		if recover() != nil {
			err = errors.New("the fast decoder failed")
		}
	}()
	return gojson.Unmarshal(raw, obj)
}

// isBuiltinList tells a List kind of the API (List, PodList, ...) from a
// custom kind whose name merely ends in "List".
func isBuiltinList(kind string) bool {
	if kind == "List" {
		return true
	}
	item, ok := strings.CutSuffix(kind, "List")
	if !ok {
		return false
	}
	_, known := knownKinds()[item]
	return known
}
