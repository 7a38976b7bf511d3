package loader

import (
	"fmt"
	"path"
	"strings"
)

// OpenShift must-gather and oc adm inspect trees: a namespace's resources are
// listed in namespaces/<ns>/<group|core>/<plural>.yaml (typed Lists, keys
// sorted, items with their kind), single objects in
// namespaces/<ns>/<group>/<plural>/<name>.yaml, the Namespace itself in
// namespaces/<ns>/<ns>.yaml, running pods again in
// namespaces/<ns>/pods/<pod>/<pod>.yaml with their logs in
// .../<pod>/<container>/<container>/logs/{current,previous}.log, and
// cluster-wide objects under cluster-scoped-resources/<group>/. Secret values
// are replaced by "<N> bytes long" except tls.crt, ca.crt and service-ca.crt;
// ServiceAccounts, Roles and RoleBindings are not gathered.

// mustGatherMarkers are files oc adm inspect writes at the root of its tree.
var mustGatherMarkers = map[string]bool{"timestamp": true, "event-filter.html": true, "aggregated-discovery-api.yaml": true, "aggregated-discovery-apis.yaml": true}

// routeMustGather recognises the files of a must-gather or inspect tree. The
// tree is confirmed by a typed List in one of its list files (see
// fileEvents.list) or by a root marker file.
func (e *layoutEvidence) routeMustGather(parts []string) (route, bool) {
	n := len(parts)
	if mustGatherMarkers[parts[n-1]] {
		e.mu.Lock()
		e.mustGatherMarker = true
		e.mu.Unlock()
	}
	for i := 0; i < n-1; i++ {
		switch parts[i] {
		case "namespaces":
			if r, ok := e.mustGatherNamespaced(parts[i+1:]); ok {
				return r, true
			}
		case "cluster-scoped-resources":
			if r, ok := e.mustGatherCluster(parts[i+1:]); ok {
				return r, true
			}
		}
	}
	return route{}, false
}

// mustGatherKind names the kind of a resource folder or list file; ok is false
// for names that fit no API group (a folder of manifests that happens to have
// a namespaces/ folder).
func mustGatherKind(group, plural string) (string, bool) {
	g := group
	if g == "core" {
		g = ""
	}
	kind := kindOfResource(g, plural)
	return kind, kind != "" || strings.Contains(group, ".")
}

func yamlStem(base string) (string, bool) {
	ext := path.Ext(base)
	return strings.TrimSuffix(base, ext), ext == ".yaml" || ext == ".yml"
}

func (e *layoutEvidence) mustGatherNamespaced(rel []string) (route, bool) {
	const f = FormatMustGather
	mg := decodeOptions{secrets: secretValuesMustGather}
	if len(rel) < 2 {
		// namespaces/<file>: not a must-gather path (a GitOps folder, say).
		return route{}, false
	}
	ns := rel[0]
	switch {
	case len(rel) == 2:
		if stem, ok := yamlStem(rel[1]); ok && stem == ns {
			e.note(f)
			e.noteNamespace(f, ns)
			mg.hintKind = "Namespace"
			return route{role: roleObjects, format: f, decode: mg}, true
		}
	case len(rel) == 3:
		plural, ok := yamlStem(rel[2])
		kind, known := mustGatherKind(rel[1], plural)
		if ok && known {
			e.note(f)
			e.noteKind(f, kind, ns)
			e.noteNamespace(f, ns)
			mg.hintKind = kind
			return route{role: roleObjects, format: f, decode: mg, namespace: ns, listFile: true}, true
		}
	case rel[1] == "pods" && len(rel) >= 4:
		e.note(f)
		pod := rel[2]
		if stem, ok := yamlStem(rel[3]); ok && len(rel) == 4 && stem == pod {
			mg.hintKind = "Pod"
			return route{role: roleObjects, format: f, decode: mg}, true
		}
		// <pod>/<container>/<container>/logs/{current,previous}.log; rotated/,
		// healthz, metrics and pprof files are not objects.
		if len(rel) == 7 && rel[3] == rel[4] && rel[5] == "logs" && (rel[6] == "current.log" || rel[6] == "previous.log") {
			return route{role: roleLog, format: f, namespace: ns, pod: pod, container: rel[3], previous: rel[6] == "previous.log"}, true
		}
		return route{role: roleSkip}, true
	case len(rel) == 4:
		_, ok := yamlStem(rel[3])
		kind, known := mustGatherKind(rel[1], rel[2])
		if ok && known {
			e.note(f)
			e.noteNamespace(f, ns)
			mg.hintKind = kind
			return route{role: roleObjects, format: f, decode: mg, namespace: ns}, true
		}
	}
	return route{}, false
}

func (e *layoutEvidence) mustGatherCluster(rel []string) (route, bool) {
	const f = FormatMustGather
	mg := decodeOptions{secrets: secretValuesMustGather}
	switch len(rel) {
	case 2:
		plural, ok := yamlStem(rel[1])
		kind, known := mustGatherKind(rel[0], plural)
		if ok && known {
			e.note(f)
			e.noteKind(f, kind, "")
			mg.hintKind = kind
			return route{role: roleObjects, format: f, decode: mg, listFile: true}, true
		}
	case 3:
		_, ok := yamlStem(rel[2])
		kind, known := mustGatherKind(rel[0], rel[1])
		if ok && known {
			e.note(f)
			mg.hintKind = kind
			return route{role: roleObjects, format: f, decode: mg}, true
		}
	}
	return route{}, false
}

// mustGatherCoverage: a kind is collected in a namespace whose folder has its
// list file; single-object files prove nothing about the objects not there.
func (l *loadState) mustGatherCoverage(c *Coverage) {
	const f = FormatMustGather
	e := l.layout
	for ns := range e.namespaces[f] {
		c.addScope(ns)
	}
	kinds := map[string]bool{}
	for _, k := range reportedKinds {
		kinds[k] = true
	}
	counts := l.store.counts()
	for k := range e.kindFiles[f] {
		kinds[k] = true
	}
	for kind := range kinds {
		files := e.kindsOf(f, kind)
		switch {
		case isClusterScoped(kind) && files[""]:
			c.set(kind, Collected, "")
		case !isClusterScoped(kind) && len(files) > 0:
			c.setPerNamespace(kind, files, NotCollected, fmt.Sprintf("the must-gather holds no list of %s for that namespace, single objects at most", pluralKind(kind)))
		case counts[kind] > 0:
			// Single objects (namespaces/<ns>/<group>/<plural>/<name>.yaml),
			// no list: what else the namespace holds is unknown.
			c.set(kind, Partial, fmt.Sprintf("this must-gather holds single %s but no list of them", pluralKind(kind)))
		default:
			c.set(kind, NotCollected, mustGatherMissing(kind))
		}
	}
}

func mustGatherMissing(kind string) string {
	switch kind {
	case "ServiceAccount", "Role", "RoleBinding":
		return fmt.Sprintf("must-gather's oc adm inspect does not gather %s", pluralKind(kind))
	}
	return fmt.Sprintf("this must-gather holds no %s", pluralKind(kind))
}
