package apiserver

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	corev1 "k8s.io/api/core/v1"
	eventsv1 "k8s.io/api/events/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/client-go/kubernetes/scheme"
)

// ReadFile reads the objects of a kubectl get -o yaml|json file (Lists are
// flattened, multi-document YAML is split) exactly as written: Secret values
// stay, as a real API server would serve them. Unlike the loader, nothing is
// redacted, slimmed or defaulted here.
func ReadFile(path string) ([]*unstructured.Unstructured, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	objs, err := ReadObjects(f)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	return objs, nil
}

// ReadObjects reads JSON or YAML objects (single, concatenated, multi-document
// or typed/untyped Lists) as they are written.
func ReadObjects(r io.Reader) ([]*unstructured.Unstructured, error) {
	dec := utilyaml.NewYAMLOrJSONDecoder(bufio.NewReaderSize(r, 1<<16), 1<<16)
	var out []*unstructured.Unstructured
	for {
		var content map[string]any
		if err := dec.Decode(&content); err != nil {
			if errors.Is(err, io.EOF) {
				return out, nil
			}
			return nil, err
		}
		if content == nil {
			continue
		}
		u := &unstructured.Unstructured{Object: content}
		if !u.IsList() {
			out = append(out, u)
			continue
		}
		items, _, _ := unstructured.NestedSlice(content, "items")
		for _, item := range items {
			m, ok := item.(map[string]any)
			if !ok {
				return nil, fmt.Errorf("an item of a %s is not an object", u.GetKind())
			}
			out = append(out, &unstructured.Unstructured{Object: m})
		}
	}
}

// ToUnstructured converts typed objects (their kind found from client-go's
// scheme when unset) for New.
func ToUnstructured(objs ...runtime.Object) ([]*unstructured.Unstructured, error) {
	out := make([]*unstructured.Unstructured, 0, len(objs))
	for _, obj := range objs {
		if u, ok := obj.(*unstructured.Unstructured); ok {
			out = append(out, u)
			continue
		}
		gvk := obj.GetObjectKind().GroupVersionKind()
		if gvk.Kind == "" {
			kinds, _, err := scheme.Scheme.ObjectKinds(obj)
			if err != nil || len(kinds) == 0 {
				return nil, fmt.Errorf("no kind for %T: %v", obj, err)
			}
			gvk = kinds[0]
		}
		content, err := runtime.DefaultUnstructuredConverter.ToUnstructured(obj)
		if err != nil {
			return nil, err
		}
		u := &unstructured.Unstructured{Object: content}
		u.SetGroupVersionKind(gvk)
		out = append(out, u)
	}
	return out, nil
}

// builtin is a resource every cluster serves, even with no object of it: an
// empty list from it means there are none.
type builtin struct {
	groupVersion, resource, kind string
	namespaced                   bool
}

// builtins are the resources the test server always serves: those secretscan
// reads, and a few that kubectl users expect.
var builtins = []builtin{
	{"v1", "pods", "Pod", true},
	{"v1", "secrets", "Secret", true},
	{"v1", "serviceaccounts", "ServiceAccount", true},
	{"v1", "events", "Event", true},
	{"v1", "replicationcontrollers", "ReplicationController", true},
	{"v1", "configmaps", "ConfigMap", true},
	{"v1", "services", "Service", true},
	{"v1", "namespaces", "Namespace", false},
	{"v1", "nodes", "Node", false},
	{"apps/v1", "deployments", "Deployment", true},
	{"apps/v1", "replicasets", "ReplicaSet", true},
	{"apps/v1", "statefulsets", "StatefulSet", true},
	{"apps/v1", "daemonsets", "DaemonSet", true},
	{"batch/v1", "jobs", "Job", true},
	{"batch/v1", "cronjobs", "CronJob", true},
	{"rbac.authorization.k8s.io/v1", "roles", "Role", true},
	{"rbac.authorization.k8s.io/v1", "rolebindings", "RoleBinding", true},
	{"rbac.authorization.k8s.io/v1", "clusterroles", "ClusterRole", false},
	{"rbac.authorization.k8s.io/v1", "clusterrolebindings", "ClusterRoleBinding", false},
	{"events.k8s.io/v1", "events", "Event", true},
	{"apiextensions.k8s.io/v1", "customresourcedefinitions", "CustomResourceDefinition", false},
}

var (
	coreEventGVK   = schema.GroupVersionKind{Version: "v1", Kind: "Event"}
	modernEventGVK = schema.GroupVersionKind{Group: "events.k8s.io", Version: "v1", Kind: "Event"}
)

// eventViews returns the events as both APIs serve them: an API server keeps
// one Event and serves it under core/v1 and events.k8s.io/v1 with the same UID.
func eventViews(core, modern []*unstructured.Unstructured) (asCore, asModern []*unstructured.Unstructured, err error) {
	for _, u := range core {
		var e corev1.Event
		if err := runtime.DefaultUnstructuredConverter.FromUnstructured(u.Object, &e); err != nil {
			return nil, nil, fmt.Errorf("event %s/%s: %w", u.GetNamespace(), u.GetName(), err)
		}
		m, err := toUnstructured(coreToModern(&e), modernEventGVK)
		if err != nil {
			return nil, nil, err
		}
		asCore, asModern = append(asCore, u), append(asModern, m)
	}
	for _, u := range modern {
		var e eventsv1.Event
		if err := runtime.DefaultUnstructuredConverter.FromUnstructured(u.Object, &e); err != nil {
			return nil, nil, fmt.Errorf("event %s/%s: %w", u.GetNamespace(), u.GetName(), err)
		}
		c, err := toUnstructured(modernToCore(&e), coreEventGVK)
		if err != nil {
			return nil, nil, err
		}
		asCore, asModern = append(asCore, c), append(asModern, u)
	}
	return asCore, asModern, nil
}

func toUnstructured(obj runtime.Object, gvk schema.GroupVersionKind) (*unstructured.Unstructured, error) {
	content, err := runtime.DefaultUnstructuredConverter.ToUnstructured(obj)
	if err != nil {
		return nil, err
	}
	u := &unstructured.Unstructured{Object: content}
	u.SetGroupVersionKind(gvk)
	return u, nil
}

// coreToModern follows the API server's conversion (pkg/apis/events/v1).
func coreToModern(e *corev1.Event) *eventsv1.Event {
	out := &eventsv1.Event{
		ObjectMeta:               e.ObjectMeta,
		EventTime:                e.EventTime,
		ReportingController:      e.ReportingController,
		ReportingInstance:        e.ReportingInstance,
		Action:                   e.Action,
		Reason:                   e.Reason,
		Regarding:                e.InvolvedObject,
		Related:                  e.Related,
		Note:                     e.Message,
		Type:                     e.Type,
		DeprecatedSource:         e.Source,
		DeprecatedFirstTimestamp: e.FirstTimestamp,
		DeprecatedLastTimestamp:  e.LastTimestamp,
		DeprecatedCount:          e.Count,
	}
	if e.Series != nil {
		out.Series = &eventsv1.EventSeries{Count: e.Series.Count, LastObservedTime: e.Series.LastObservedTime}
	}
	return out
}

func modernToCore(e *eventsv1.Event) *corev1.Event {
	out := &corev1.Event{
		ObjectMeta:          e.ObjectMeta,
		InvolvedObject:      e.Regarding,
		Reason:              e.Reason,
		Message:             e.Note,
		Source:              e.DeprecatedSource,
		FirstTimestamp:      e.DeprecatedFirstTimestamp,
		LastTimestamp:       e.DeprecatedLastTimestamp,
		Count:               e.DeprecatedCount,
		Type:                e.Type,
		EventTime:           e.EventTime,
		Related:             e.Related,
		Action:              e.Action,
		ReportingController: e.ReportingController,
		ReportingInstance:   e.ReportingInstance,
	}
	if e.Series != nil {
		out.Series = &corev1.EventSeries{Count: e.Series.Count, LastObservedTime: e.Series.LastObservedTime}
	}
	return out
}

// tailLines keeps the last n lines of a log, as the kubelet does for tailLines.
func tailLines(text string, n int) string {
	if n < 0 {
		return text
	}
	if n == 0 {
		return ""
	}
	trimmed := strings.TrimSuffix(text, "\n")
	lines := strings.Split(trimmed, "\n")
	if len(lines) <= n {
		return text
	}
	var b bytes.Buffer
	for _, l := range lines[len(lines)-n:] {
		b.WriteString(l)
		b.WriteByte('\n')
	}
	return b.String()
}
