package loader

import (
	"fmt"
	"path"
	"strings"
)

// Velero backup tarballs: one object per file,
// resources/<resource.group>/namespaces/<ns>/<name>.json and
// resources/<resource.group>/cluster/<name>.json (core resources have no
// group suffix), the same object again under <version>-preferredversion/
// (and under each other version with EnableAPIGroupVersions), and
// metadata/version. Objects are whole, Secret values included; what was backed
// up depends on the backup's filters, which the tarball does not record.

// routeVelero recognises the files of a Velero backup.
func (e *layoutEvidence) routeVelero(parts []string) (route, bool) {
	const f = FormatVeleroBackup
	n := len(parts)
	if n >= 2 && parts[n-2] == "metadata" && parts[n-1] == "version" {
		e.note(f)
		e.confirm(f)
		return route{role: roleSkip}, true
	}
	for i := 0; i+3 < n; i++ {
		if parts[i] != "resources" {
			continue
		}
		gr, rest := parts[i+1], parts[i+2:]
		if strings.HasSuffix(rest[0], "-preferredversion") || (len(rest) >= 3 && isAPIVersion(rest[0]) && (rest[1] == "namespaces" || rest[1] == "cluster")) {
			// The same objects again, per API version: read once, unversioned.
			e.note(f)
			e.confirm(f)
			return route{role: roleSkip}, true
		}
		if path.Ext(parts[n-1]) != ".json" {
			continue
		}
		plural, group, _ := strings.Cut(gr, ".")
		hint := decodeOptions{hintKind: kindOfResource(group, plural)}
		switch {
		case rest[0] == "namespaces" && len(rest) == 3:
			e.note(f)
			e.noteNamespace(f, rest[1])
			return route{role: roleObjects, format: f, decode: hint, namespace: rest[1]}, true
		case rest[0] == "cluster" && len(rest) == 2:
			e.note(f)
			return route{role: roleObjects, format: f, decode: hint}, true
		}
	}
	return route{}, false
}

// isAPIVersion matches "v1", "v1beta1", "v2alpha3".
func isAPIVersion(s string) bool {
	if len(s) < 2 || s[0] != 'v' || s[1] < '0' || s[1] > '9' {
		return false
	}
	for _, c := range s[1:] {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z') {
			return false
		}
	}
	return true
}

// veleroCoverage: a kind is collected in a namespace where the backup holds
// at least one object of it. Elsewhere it is unknown: the backup's resource and
// label filters are not in the tarball, and an empty resource leaves no folder.
func (l *loadState) veleroCoverage(c *Coverage) {
	const f = FormatVeleroBackup
	present := map[string]map[string]bool{}
	for _, st := range l.store.objects() {
		if present[st.d.kind] == nil {
			present[st.d.kind] = map[string]bool{}
		}
		present[st.d.kind][st.key.Namespace] = true
		if st.key.Namespace != "" {
			c.addScope(st.key.Namespace)
		}
		if st.d.kind == "Namespace" {
			c.addScope(st.key.Name)
		}
	}
	for ns := range l.layout.namespaces[f] {
		c.addScope(ns)
	}
	kinds := map[string]bool{}
	for _, k := range reportedKinds {
		kinds[k] = true
	}
	for k := range present {
		kinds[k] = true
	}
	for kind := range kinds {
		plural := pluralKind(kind)
		switch {
		case len(present[kind]) == 0 && kind == "Event":
			c.set(kind, NotCollected, "this Velero backup holds no Events, which backups usually exclude")
		case len(present[kind]) == 0:
			c.set(kind, NotCollected, fmt.Sprintf("this Velero backup holds no %s: excluded from it, or none existed", plural))
		case isClusterScoped(kind):
			c.set(kind, Collected, "")
		default:
			c.setPerNamespace(kind, present[kind], NotCollected, fmt.Sprintf("the Velero backup holds no %s for that namespace: excluded from it, or none existed", plural))
		}
	}
}
