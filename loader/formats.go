package loader

import (
	"bufio"
	"fmt"
	"path"
	"strings"
	"sync"
)

// Format names the kind of dump, found from its content and layout.
type Format string

const (
	FormatKubectlGet         Format = "kubectl-get"
	FormatManifests          Format = "manifests"
	formatClusterInfoStdout  Format = "cluster-info-dump"
	FormatClusterInfoDump    Format = "cluster-info-dump"
	FormatTroubleshootBundle Format = "troubleshoot-bundle"
	FormatMustGather         Format = "must-gather"
	FormatVeleroBackup       Format = "velero-backup"
	FormatSecretscanBundle   Format = "secretscan-bundle"
)

// role says what a file of the input is.
type role int

const (
	roleObjects role = iota // Kubernetes objects (JSON or YAML)
	roleLog                 // one container's log
	roleSpecial             // a format's own record (errors, pull Secret registries, ...)
	roleSkip                // known not to hold objects
)

// route is what the path of a file says about it.
type route struct {
	role     role
	hintKind string // kind of items that carry none (old troubleshoot arrays)
	// log identity, for roleLog
	namespace, pod, container string
	previous                  bool
	special                   func(l *loadState, name string, r *bufio.Reader) error
}

// layoutEvidence counts, per format, the files whose path is typical of it.
type layoutEvidence struct {
	mu     sync.Mutex
	counts map[Format]int
	// clusterInfoNamespaces are the namespaces a cluster-info dump covered.
	namespaces map[Format]map[string]bool
	// kindFiles records, per format, which kinds had a file (and in which namespace).
	kindFiles map[Format]map[string]map[string]bool
	// failed records collection errors: kind -> namespace ("" for all) -> message.
	failed map[string]map[string]string
}

func newLayoutEvidence() *layoutEvidence {
	return &layoutEvidence{
		counts:     map[Format]int{},
		namespaces: map[Format]map[string]bool{},
		kindFiles:  map[Format]map[string]map[string]bool{},
		failed:     map[string]map[string]string{},
	}
}

func (e *layoutEvidence) note(f Format) {
	e.mu.Lock()
	e.counts[f]++
	e.mu.Unlock()
}

// noteKind records that format f has a file for kind in namespace.
func (e *layoutEvidence) noteKind(f Format, kind, namespace string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.counts[f]++
	if e.kindFiles[f] == nil {
		e.kindFiles[f] = map[string]map[string]bool{}
	}
	if e.kindFiles[f][kind] == nil {
		e.kindFiles[f][kind] = map[string]bool{}
	}
	e.kindFiles[f][kind][namespace] = true
	if namespace != "" {
		if e.namespaces[f] == nil {
			e.namespaces[f] = map[string]bool{}
		}
		e.namespaces[f][namespace] = true
	}
}

// noteFailed records that collecting kind in namespace failed.
func (e *layoutEvidence) noteFailed(kind, namespace, why string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.failed[kind] == nil {
		e.failed[kind] = map[string]string{}
	}
	e.failed[kind][namespace] = why
}

// clusterInfoFiles are the per-namespace files of kubectl cluster-info dump
// --output-directory, and the kinds they hold.
var clusterInfoFiles = map[string]string{
	"events": "Event", "pods": "Pod", "replicasets": "ReplicaSet", "deployments": "Deployment",
	"daemonsets": "DaemonSet", "services": "Service", "replication-controllers": "ReplicationController",
}

// clusterInfoKinds are the kinds cluster-info dump collects in each namespace.
var clusterInfoKinds = []string{"Event", "Pod", "ReplicaSet", "Deployment", "DaemonSet", "Service", "ReplicationController"}

// route classifies a file of the input by its path.
func (e *layoutEvidence) route(name string) route {
	p := strings.TrimPrefix(path.Clean("/"+name), "/")
	parts := strings.Split(p, "/")
	base := parts[len(parts)-1]
	ext := path.Ext(base)
	stem := strings.TrimSuffix(base, ext)

	if r, ok := e.routeTroubleshoot(parts); ok {
		return r
	}
	if r, ok := e.routeMustGather(parts); ok {
		return r
	}
	if r, ok := e.routeVelero(parts); ok {
		return r
	}
	if r, ok := e.routeSecretscan(parts); ok {
		return r
	}
	// kubectl cluster-info dump --output-directory: <ns>/<kind>.<ext>, nodes.<ext>, <ns>/<pod>/logs.txt
	if len(parts) >= 2 {
		if kind, ok := clusterInfoFiles[stem]; ok && (ext == ".json" || ext == ".yaml") {
			e.noteKind(FormatClusterInfoDump, kind, parts[len(parts)-2])
			return route{role: roleObjects, hintKind: kind}
		}
		if kind, ok := clusterInfoFiles[stem]; ok && ext == ".txt" {
			e.noteKind(FormatClusterInfoDump, kind, parts[len(parts)-2])
			return route{role: roleSpecial, special: skipTextTable}
		}
	}
	if (stem == "nodes") && (ext == ".json" || ext == ".yaml") && len(parts) <= 2 {
		e.note(FormatClusterInfoDump)
		return route{role: roleObjects, hintKind: "Node"}
	}
	if base == "logs.txt" && len(parts) >= 3 {
		e.note(FormatClusterInfoDump)
		return route{role: roleObjects}
	}
	switch ext {
	case ".json", ".yaml", ".yml", "":
		if ext != "" {
			e.note(FormatManifests)
		}
		return route{role: roleObjects}
	}
	return route{role: roleSkip}
}

// skipTextTable handles cluster-info dump's "-o wide" text tables, which
// hold no objects that can be read back.
func skipTextTable(l *loadState, name string, _ *bufio.Reader) error {
	l.warn(fmt.Sprintf("%s: a text table (cluster-info dump run with -o other than json or yaml) holds no readable objects; skipped", name))
	return nil
}

// routeTroubleshoot, routeMustGather, routeVelero and routeSecretscan recognise
// the layouts of those formats; see formats_*.go.
func (e *layoutEvidence) routeTroubleshoot(parts []string) (route, bool) { return route{}, false }
func (e *layoutEvidence) routeMustGather(parts []string) (route, bool)   { return route{}, false }
func (e *layoutEvidence) routeVelero(parts []string) (route, bool)       { return route{}, false }
func (e *layoutEvidence) routeSecretscan(parts []string) (route, bool)   { return route{}, false }

// detectFormat decides the format from the evidence gathered while reading.
func (l *loadState) detectFormat(container Container) Format {
	e := l.layout
	e.mu.Lock()
	defer e.mu.Unlock()
	best, bestCount := Format(""), 0
	for _, f := range []Format{FormatSecretscanBundle, FormatTroubleshootBundle, FormatMustGather, FormatVeleroBackup, FormatClusterInfoDump} {
		if c := e.counts[f]; c > bestCount {
			best, bestCount = f, c
		}
	}
	if best != "" {
		return best
	}
	// A single stream: a cluster-info dump prints typed Lists of its kinds, in order,
	// starting with a NodeList.
	if l.listKinds["NodeList"] && l.listKinds["EventList"] && l.listKinds["PodList"] {
		return FormatClusterInfoDump
	}
	if container == ContainerDirectory || e.counts[FormatManifests] > 1 {
		return FormatManifests
	}
	return FormatKubectlGet
}

// coverage decides what the format collected.
func (l *loadState) coverage(format Format) *Coverage {
	c := newCoverage()
	counts := l.store.counts()
	switch format {
	case FormatClusterInfoDump:
		for _, kind := range reportedKinds {
			c.set(kind, NotCollected, fmt.Sprintf("kubectl cluster-info dump holds no %ss", kind))
		}
		for _, kind := range clusterInfoKinds {
			c.set(kind, Collected, "")
		}
	default:
		l.presenceCoverage(c, counts, format)
	}
	return c
}

// presenceCoverage is the rule for kubectl get output and folders of manifests:
// a kind is collected if the dump holds any object (or a typed List) of it. Every
// namespace has a "default" ServiceAccount, so ServiceAccounts count as
// collected per namespace, where any is present.
func (l *loadState) presenceCoverage(c *Coverage, counts map[string]int, format Format) {
	what := "this kubectl get output holds"
	if format == FormatManifests {
		what = "these manifests hold"
	}
	for _, kind := range reportedKinds {
		if counts[kind] > 0 || l.listKinds[kind+"List"] {
			c.set(kind, Collected, "")
		} else {
			c.set(kind, NotCollected, fmt.Sprintf("%s no %ss", what, kind))
		}
	}
	if counts["ServiceAccount"] > 0 {
		namespaces := map[string]bool{}
		for _, st := range l.store.objects() {
			if st.d.kind == "ServiceAccount" {
				namespaces[st.key.Namespace] = true
			}
		}
		c.set("ServiceAccount", NotCollected, fmt.Sprintf("%s no ServiceAccounts for this namespace", what))
		for ns := range namespaces {
			c.setNamespace("ServiceAccount", ns, Collected, "")
		}
	}
}
