package loader

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/kubernetes/scheme"
	"sigs.k8s.io/yaml"

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
		field := typeErr.Field
		if field == "" {
			field = "a field"
		}
		return fmt.Sprintf("field %s has a JSON %s where %s was expected", field, typeErr.Value, typeName(typeErr.Type.String()))
	}
	msg := err.Error()
	switch {
	case strings.Contains(msg, "illegal base64"):
		return "a value is not valid base64"
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

func typeName(t string) string {
	if i := strings.LastIndexByte(t, '.'); i >= 0 {
		t = t[i+1:]
	}
	return "a " + t
}

// decoded is one object read from a document.
type decoded struct {
	obj  runtime.Object
	gvk  schema.GroupVersionKind
	kind string
	// typed is false for kinds the scheme does not know (custom resources).
	typed bool
}

// decodeDocument reads a document into a typed object (or an unstructured one
// for unknown kinds) and strips values at once: managedFields,
// last-applied-configuration, and every Secret value.
func decodeDocument(d document) (decoded, error) {
	raw := d.Raw
	if d.YAML {
		j, err := yaml.YAMLToJSON(raw)
		if err != nil {
			return decoded{}, errors.New(decodeError(err))
		}
		raw = j
		if kind, api := peekTypeMeta(raw); kind != "" {
			d.Kind = kind
			if api != "" {
				d.APIVersion = api
			}
		}
	}
	if len(raw) == 0 || string(raw) == "null" {
		return decoded{}, errNoObject
	}
	if d.Kind == "" {
		if d.ListKind == "List" {
			return decoded{}, errors.New("an item of a List has no kind")
		}
		return decoded{}, errors.New("the object has no kind")
	}
	gvk, typed := resolveGVK(d.APIVersion, d.Kind)
	if typed {
		obj, err := scheme.Scheme.New(gvk)
		if err != nil {
			typed = false
		} else {
			if err := json.Unmarshal(raw, obj); err != nil {
				if d.Kind == "Secret" {
					return decoded{}, fmt.Errorf("Secret: %s", decodeError(err))
				}
				return decoded{}, errors.New(decodeError(err))
			}
			obj.GetObjectKind().SetGroupVersionKind(gvk)
			stripTyped(obj)
			return decoded{obj: obj, gvk: gvk, kind: gvk.Kind, typed: true}, nil
		}
	}
	var content map[string]any
	if err := json.Unmarshal(raw, &content); err != nil {
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
	if u.GetKind() == "Secret" || strings.HasSuffix(u.GetKind(), "List") {
		// A Secret the scheme could not type (an unknown apiVersion) is not kept:
		// its values would survive. Nested Lists are not objects.
		return decoded{}, fmt.Errorf("%s of apiVersion %q is not readable", u.GetKind(), u.GetAPIVersion())
	}
	stripUnstructured(u)
	gv, _ := schema.ParseGroupVersion(u.GetAPIVersion())
	return decoded{obj: u, gvk: gv.WithKind(u.GetKind()), kind: u.GetKind()}, nil
}

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
}

// stripUnstructured drops managedFields and value-bearing annotations of a custom
// resource, and the encrypted payloads of SealedSecrets.
func stripUnstructured(u *unstructured.Unstructured) {
	u.SetManagedFields(nil)
	if ann := u.GetAnnotations(); ann != nil {
		var meta metav1.ObjectMeta
		meta.Annotations = ann
		redact.ObjectMeta(&meta)
		if len(meta.Annotations) == 0 {
			unstructured.RemoveNestedField(u.Object, "metadata", "annotations")
		} else {
			u.SetAnnotations(meta.Annotations)
		}
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
