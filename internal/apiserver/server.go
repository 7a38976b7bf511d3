// Package apiserver is a small, read-only Kubernetes API server for tests: it
// serves a fixed set of objects over the REST paths client-go uses (discovery,
// list and get, namespaced and cluster-scoped, paging, pod logs), and answers
// 403 for the resources and namespaces a test forbids. secretscan's collect and
// analyze --live are tested through client-go's real REST client against it,
// so no test needs a cluster.
//
// It serves objects as given: built from a kubectl dump with ReadFile, Secrets
// keep their real values, as on a cluster.
package apiserver

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/version"
)

// Logs serves container logs, e.g. loader.PodLogs or a LogMap.
type Logs interface {
	Log(namespace, pod, container string, previous bool) (text string, ok bool)
}

// LogKey names one container log.
type LogKey struct {
	Namespace, Pod, Container string
	Previous                  bool
}

// LogMap is a Logs held in a map.
type LogMap map[LogKey]string

// Log implements Logs.
func (m LogMap) Log(namespace, pod, container string, previous bool) (string, bool) {
	text, ok := m[LogKey{namespace, pod, container, previous}]
	return text, ok
}

// Server is an http.Handler serving objects as a Kubernetes API server does.
type Server struct {
	resources map[schema.GroupVersionResource]*resource
	// groups lists the API groups served, "" first, then sorted.
	groups []string
	logs   Logs

	mu       sync.Mutex
	denied   map[denyRule]int // HTTP status to answer
	requests []string
}

type resource struct {
	gvr        schema.GroupVersionResource
	kind       string
	namespaced bool
	builtin    bool
	objects    []*unstructured.Unstructured // sorted by namespace, then name
}

type denyRule struct {
	group, resource, namespace string // namespace "" for every namespace
}

// New serves objs. Namespaced objects without a namespace go to "default";
// custom resources are served in the group versions their objects (or their
// CustomResourceDefinitions) name; Events are served under both core/v1 and
// events.k8s.io/v1, as an API server does.
func New(objs []*unstructured.Unstructured, logs Logs) (*Server, error) {
	s := &Server{resources: map[schema.GroupVersionResource]*resource{}, denied: map[denyRule]int{}, logs: logs}
	for _, b := range builtins {
		gv, _ := schema.ParseGroupVersion(b.groupVersion)
		s.register(gv.WithResource(b.resource), b.kind, b.namespaced, true)
	}
	// CustomResourceDefinitions first: they say how their objects are served.
	for _, u := range objs {
		if u.GetKind() == "CustomResourceDefinition" {
			s.registerCRD(u)
		}
	}
	var coreEvents, modernEvents []*unstructured.Unstructured
	namespaces := map[string]bool{}
	for _, u := range objs {
		gvk := u.GroupVersionKind()
		if gvk.Kind == "" || gvk.Version == "" {
			return nil, fmt.Errorf("object %s/%s has no apiVersion or kind", u.GetNamespace(), u.GetName())
		}
		r := s.resourceOf(gvk)
		if r == nil {
			gvr, _ := meta.UnsafeGuessKindToResource(gvk)
			r = s.register(gvr, gvk.Kind, u.GetNamespace() != "", false)
		}
		if r.namespaced && u.GetNamespace() == "" {
			u.SetNamespace(metav1.NamespaceDefault)
		}
		if r.namespaced {
			namespaces[u.GetNamespace()] = true
		}
		switch gvk {
		case coreEventGVK:
			coreEvents = append(coreEvents, u)
			continue
		case modernEventGVK:
			modernEvents = append(modernEvents, u)
			continue
		}
		r.objects = append(r.objects, u)
	}
	asCore, asModern, err := eventViews(coreEvents, modernEvents)
	if err != nil {
		return nil, err
	}
	s.resources[coreEventGVK.GroupVersion().WithResource("events")].objects = asCore
	s.resources[modernEventGVK.GroupVersion().WithResource("events")].objects = asModern
	// Every namespace an object lives in exists.
	nsResource := s.resources[schema.GroupVersionResource{Version: "v1", Resource: "namespaces"}]
	for _, u := range nsResource.objects {
		delete(namespaces, u.GetName())
	}
	for ns := range namespaces {
		u := &unstructured.Unstructured{}
		u.SetAPIVersion("v1")
		u.SetKind("Namespace")
		u.SetName(ns)
		nsResource.objects = append(nsResource.objects, u)
	}
	groups := map[string]bool{}
	for gvr, r := range s.resources {
		groups[gvr.Group] = true
		sort.SliceStable(r.objects, func(i, j int) bool {
			a, b := r.objects[i], r.objects[j]
			if a.GetNamespace() != b.GetNamespace() {
				return a.GetNamespace() < b.GetNamespace()
			}
			return a.GetName() < b.GetName()
		})
	}
	for g := range groups {
		s.groups = append(s.groups, g)
	}
	sort.Strings(s.groups)
	return s, nil
}

func (s *Server) register(gvr schema.GroupVersionResource, kind string, namespaced, builtin bool) *resource {
	if r, ok := s.resources[gvr]; ok {
		return r
	}
	r := &resource{gvr: gvr, kind: kind, namespaced: namespaced, builtin: builtin}
	s.resources[gvr] = r
	return r
}

func (s *Server) registerCRD(u *unstructured.Unstructured) {
	group, _, _ := unstructured.NestedString(u.Object, "spec", "group")
	plural, _, _ := unstructured.NestedString(u.Object, "spec", "names", "plural")
	kind, _, _ := unstructured.NestedString(u.Object, "spec", "names", "kind")
	scope, _, _ := unstructured.NestedString(u.Object, "spec", "scope")
	versions, _, _ := unstructured.NestedSlice(u.Object, "spec", "versions")
	for _, v := range versions {
		m, ok := v.(map[string]any)
		if !ok {
			continue
		}
		name, _ := m["name"].(string)
		if served, _ := m["served"].(bool); served && name != "" && plural != "" && kind != "" {
			s.register(schema.GroupVersionResource{Group: group, Version: name, Resource: plural}, kind, scope != "Cluster", false)
		}
	}
}

func (s *Server) resourceOf(gvk schema.GroupVersionKind) *resource {
	for gvr, r := range s.resources {
		if gvr.Group == gvk.Group && gvr.Version == gvk.Version && r.kind == gvk.Kind {
			return r
		}
	}
	return nil
}

// Forbid makes the server answer 403 Forbidden for resource ("secrets",
// "deployments.apps", "externalsecrets.external-secrets.io", "pods/log") in
// namespace, or everywhere when namespace is "". A list across all namespaces
// is forbidden when any namespace is, as RBAC would have it.
func (s *Server) Forbid(resource, namespace string) {
	s.Fail(resource, namespace, http.StatusForbidden)
}

// Fail makes the server answer with status (403, 401, 500, 504...) as Forbid does.
func (s *Server) Fail(resource, namespace string, status int) {
	res, group, _ := strings.Cut(resource, ".")
	s.mu.Lock()
	defer s.mu.Unlock()
	s.denied[denyRule{group, res, namespace}] = status
}

// Requests returns every request served, as "METHOD /path?query".
func (s *Server) Requests() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.requests...)
}

// deniedStatus returns the status a request for resource in namespace
// ("" for a list across all namespaces or a cluster-scoped resource) is denied with.
func (s *Server) deniedStatus(group, res, namespace string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if st, ok := s.denied[denyRule{group, res, ""}]; ok {
		return st
	}
	if namespace != "" {
		return s.denied[denyRule{group, res, namespace}]
	}
	for rule, st := range s.denied {
		if rule.group == group && rule.resource == res {
			return st
		}
	}
	return 0
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.requests = append(s.requests, r.Method+" "+r.URL.RequestURI())
	s.mu.Unlock()
	if r.Method != http.MethodGet {
		writeStatus(w, &apierrors.NewMethodNotSupported(schema.GroupResource{}, r.Method).ErrStatus)
		return
	}
	if r.URL.Query().Get("watch") == "true" || r.URL.Query().Get("watch") == "1" {
		writeStatus(w, &apierrors.NewBadRequest("watch is not supported by this test server").ErrStatus)
		return
	}
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	switch {
	case r.URL.Path == "/version":
		writeJSON(w, http.StatusOK, version.Info{Major: "1", Minor: "33", GitVersion: "v1.33.0", Platform: "linux/amd64"})
	case r.URL.Path == "/api":
		writeJSON(w, http.StatusOK, &metav1.APIVersions{TypeMeta: metav1.TypeMeta{Kind: "APIVersions"}, Versions: []string{"v1"}})
	case r.URL.Path == "/apis":
		s.serveGroups(w)
	case parts[0] == "api" && len(parts) >= 2:
		s.serveVersion(w, r, schema.GroupVersion{Version: parts[1]}, parts[2:])
	case parts[0] == "apis" && len(parts) == 2:
		s.serveGroup(w, parts[1])
	case parts[0] == "apis" && len(parts) >= 3:
		s.serveVersion(w, r, schema.GroupVersion{Group: parts[1], Version: parts[2]}, parts[3:])
	default:
		notFound(w)
	}
}

func (s *Server) versionsOf(group string) []string {
	set := map[string]bool{}
	for gvr := range s.resources {
		if gvr.Group == group {
			set[gvr.Version] = true
		}
	}
	out := make([]string, 0, len(set))
	for v := range set {
		out = append(out, v)
	}
	sort.Slice(out, func(i, j int) bool { return versionNewer(out[i], out[j]) })
	return out
}

// versionNewer orders v1 before v1beta1 before v1alpha1 (enough for tests).
func versionNewer(a, b string) bool {
	rank := func(v string) int {
		switch {
		case strings.Contains(v, "alpha"):
			return 2
		case strings.Contains(v, "beta"):
			return 1
		}
		return 0
	}
	if rank(a) != rank(b) {
		return rank(a) < rank(b)
	}
	return a > b
}

func (s *Server) apiGroup(group string) metav1.APIGroup {
	g := metav1.APIGroup{Name: group}
	for _, v := range s.versionsOf(group) {
		g.Versions = append(g.Versions, metav1.GroupVersionForDiscovery{GroupVersion: group + "/" + v, Version: v})
	}
	if len(g.Versions) > 0 {
		g.PreferredVersion = g.Versions[0]
	}
	return g
}

func (s *Server) serveGroups(w http.ResponseWriter) {
	list := metav1.APIGroupList{TypeMeta: metav1.TypeMeta{Kind: "APIGroupList", APIVersion: "v1"}}
	for _, g := range s.groups {
		if g != "" {
			list.Groups = append(list.Groups, s.apiGroup(g))
		}
	}
	writeJSON(w, http.StatusOK, list)
}

func (s *Server) serveGroup(w http.ResponseWriter, group string) {
	if group == "" || len(s.versionsOf(group)) == 0 {
		notFound(w)
		return
	}
	g := s.apiGroup(group)
	g.TypeMeta = metav1.TypeMeta{Kind: "APIGroup", APIVersion: "v1"}
	writeJSON(w, http.StatusOK, g)
}

// serveVersion serves /api/v1/... and /apis/<group>/<version>/...
func (s *Server) serveVersion(w http.ResponseWriter, r *http.Request, gv schema.GroupVersion, rest []string) {
	if len(s.versionsOf(gv.Group)) == 0 || !contains(s.versionsOf(gv.Group), gv.Version) {
		notFound(w)
		return
	}
	res := func(name string) *resource { return s.resources[gv.WithResource(name)] }
	switch {
	case len(rest) == 0:
		s.serveDiscovery(w, gv)
	case len(rest) == 1 && res(rest[0]) != nil:
		s.serveList(w, r, res(rest[0]), "")
	case len(rest) == 2 && res(rest[0]) != nil && !res(rest[0]).namespaced:
		s.serveGet(w, res(rest[0]), "", rest[1])
	case len(rest) == 3 && rest[0] == "namespaces" && res(rest[2]) != nil && res(rest[2]).namespaced:
		s.serveList(w, r, res(rest[2]), rest[1])
	case len(rest) == 4 && rest[0] == "namespaces" && res(rest[2]) != nil && res(rest[2]).namespaced:
		s.serveGet(w, res(rest[2]), rest[1], rest[3])
	case len(rest) == 5 && gv.Group == "" && rest[0] == "namespaces" && rest[2] == "pods" && rest[4] == "log":
		s.serveLog(w, r, rest[1], rest[3])
	default:
		notFound(w)
	}
}

func (s *Server) serveDiscovery(w http.ResponseWriter, gv schema.GroupVersion) {
	list := metav1.APIResourceList{TypeMeta: metav1.TypeMeta{Kind: "APIResourceList", APIVersion: "v1"}, GroupVersion: gv.String()}
	for gvr, r := range s.resources {
		if gvr.GroupVersion() != gv {
			continue
		}
		list.APIResources = append(list.APIResources, metav1.APIResource{Name: gvr.Resource, Namespaced: r.namespaced, Kind: r.kind, Verbs: metav1.Verbs{"get", "list"}})
		if gvr.Resource == "pods" && gv.Group == "" {
			list.APIResources = append(list.APIResources, metav1.APIResource{Name: "pods/log", Namespaced: true, Kind: "Pod", Verbs: metav1.Verbs{"get"}})
		}
	}
	sort.Slice(list.APIResources, func(i, j int) bool { return list.APIResources[i].Name < list.APIResources[j].Name })
	writeJSON(w, http.StatusOK, list)
}

// refuse answers a denied request with the status an API server gives (the
// 403 message in RBAC's words) and says whether it did.
func (s *Server) refuse(w http.ResponseWriter, r *resource, verb, namespace string) bool {
	status := s.deniedStatus(r.gvr.Group, r.gvr.Resource, namespace)
	if status == 0 {
		return false
	}
	gr := r.gvr.GroupResource()
	where := "at the cluster scope"
	if namespace != "" {
		where = fmt.Sprintf("in the namespace %q", namespace)
	}
	var st *metav1.Status
	switch status {
	case http.StatusForbidden:
		st = &apierrors.NewForbidden(gr, "", fmt.Errorf("User \"system:serviceaccount:test:collector\" cannot %s resource %q in API group %q %s", verb, gr.Resource, gr.Group, where)).ErrStatus
	case http.StatusUnauthorized:
		st = &apierrors.NewUnauthorized("Unauthorized").ErrStatus
	default:
		st = &apierrors.NewGenericServerResponse(status, verb, gr, "", "injected failure", 0, true).ErrStatus
	}
	writeStatus(w, st)
	return true
}

func (s *Server) serveList(w http.ResponseWriter, req *http.Request, r *resource, namespace string) {
	if s.refuse(w, r, "list", namespace) {
		return
	}
	var items []*unstructured.Unstructured
	for _, u := range r.objects {
		if namespace == "" || u.GetNamespace() == namespace {
			items = append(items, u)
		}
	}
	q := req.URL.Query()
	start := 0
	if c := q.Get("continue"); c != "" {
		raw, err := base64.RawURLEncoding.DecodeString(c)
		n, err2 := strconv.Atoi(string(raw))
		if err != nil || err2 != nil || n < 0 || n > len(items) {
			writeStatus(w, &apierrors.NewBadRequest("invalid continue token").ErrStatus)
			return
		}
		start = n
	}
	end := len(items)
	next := ""
	if limit, err := strconv.Atoi(q.Get("limit")); err == nil && limit > 0 && start+limit < len(items) {
		end = start + limit
		next = base64.RawURLEncoding.EncodeToString([]byte(strconv.Itoa(end)))
	}
	page := make([]any, 0, end-start)
	for _, u := range items[start:end] {
		page = append(page, itemContent(u, r.builtin))
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"apiVersion": r.gvr.GroupVersion().String(),
		"kind":       r.kind + "List",
		"metadata":   map[string]any{"resourceVersion": "1", "continue": next},
		"items":      page,
	})
}

// itemContent is an item as a list serves it: the items of a built-in kind's
// list carry no kind or apiVersion; those of custom resources do.
func itemContent(u *unstructured.Unstructured, builtin bool) map[string]any {
	if !builtin {
		return u.Object
	}
	out := make(map[string]any, len(u.Object))
	for k, v := range u.Object {
		if k != "kind" && k != "apiVersion" {
			out[k] = v
		}
	}
	return out
}

func (s *Server) find(r *resource, namespace, name string) *unstructured.Unstructured {
	for _, u := range r.objects {
		if u.GetNamespace() == namespace && u.GetName() == name {
			return u
		}
	}
	return nil
}

func (s *Server) serveGet(w http.ResponseWriter, r *resource, namespace, name string) {
	if s.refuse(w, r, "get", namespace) {
		return
	}
	u := s.find(r, namespace, name)
	if u == nil {
		writeStatus(w, &apierrors.NewNotFound(r.gvr.GroupResource(), name).ErrStatus)
		return
	}
	writeJSON(w, http.StatusOK, u.Object)
}

// serveLog serves /api/v1/namespaces/<ns>/pods/<pod>/log with container,
// previous, tailLines and limitBytes, answering as the kubelet does when a
// container has no such log.
func (s *Server) serveLog(w http.ResponseWriter, req *http.Request, namespace, name string) {
	pods := s.resources[schema.GroupVersionResource{Version: "v1", Resource: "pods"}]
	if status := s.deniedStatus("", "pods/log", namespace); status != 0 {
		s.refuse(w, &resource{gvr: schema.GroupVersionResource{Version: "v1", Resource: "pods/log"}}, "get", namespace)
		return
	}
	pod := s.find(pods, namespace, name)
	if pod == nil {
		writeStatus(w, &apierrors.NewNotFound(schema.GroupResource{Resource: "pods"}, name).ErrStatus)
		return
	}
	q := req.URL.Query()
	containers := containerNames(pod)
	container := q.Get("container")
	if container == "" {
		if len(containers) != 1 {
			writeStatus(w, &apierrors.NewBadRequest(fmt.Sprintf("a container name must be specified for pod %s, choose one of: %v", name, containers)).ErrStatus)
			return
		}
		container = containers[0]
	}
	if !contains(containers, container) {
		writeStatus(w, &apierrors.NewBadRequest(fmt.Sprintf("container %s is not valid for pod %s", container, name)).ErrStatus)
		return
	}
	previous := q.Get("previous") == "true"
	text, ok := "", false
	if s.logs != nil {
		text, ok = s.logs.Log(namespace, name, container, previous)
	}
	if !ok && previous {
		writeStatus(w, &apierrors.NewBadRequest(fmt.Sprintf("previous terminated container %q in pod %q not found", container, name)).ErrStatus)
		return
	}
	if n, err := strconv.Atoi(q.Get("tailLines")); err == nil {
		text = tailLines(text, n)
	}
	if n, err := strconv.Atoi(q.Get("limitBytes")); err == nil && n > 0 && len(text) > n {
		text = text[:n]
	}
	w.Header().Set("Content-Type", "text/plain")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte(text))
}

func containerNames(pod *unstructured.Unstructured) []string {
	var out []string
	for _, field := range []string{"initContainers", "containers", "ephemeralContainers"} {
		list, _, _ := unstructured.NestedSlice(pod.Object, "spec", field)
		for _, c := range list {
			if m, ok := c.(map[string]any); ok {
				if name, _ := m["name"].(string); name != "" {
					out = append(out, name)
				}
			}
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func notFound(w http.ResponseWriter) {
	writeStatus(w, &metav1.Status{Status: metav1.StatusFailure, Reason: metav1.StatusReasonNotFound, Code: http.StatusNotFound,
		Message: "the server could not find the requested resource"})
}

func writeStatus(w http.ResponseWriter, st *metav1.Status) {
	st.TypeMeta = metav1.TypeMeta{Kind: "Status", APIVersion: "v1"}
	writeJSON(w, int(st.Code), st)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
