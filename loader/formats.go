package loader

import (
	"bufio"
	"fmt"
	"path"
	"sort"
	"strings"
	"sync"

	"k8s.io/apimachinery/pkg/api/meta"
)

// Format names the kind of dump, found from its content and layout.
type Format string

const (
	FormatKubectlGet         Format = "kubectl-get"
	FormatManifests          Format = "manifests"
	FormatClusterInfoDump    Format = "cluster-info-dump"
	FormatTroubleshootBundle Format = "troubleshoot-bundle"
	FormatMustGather         Format = "must-gather"
	FormatVeleroBackup       Format = "velero-backup"
	FormatSecretscanBundle   Format = "secretscan-bundle"
)

// layoutFormats are the formats recognised by their folder layout: files
// outside their object trees (analysis.json, version.yaml, host collectors,
// must-gather's timestamp...) hold no cluster objects and are dropped unread.
var layoutFormats = []Format{FormatSecretscanBundle, FormatTroubleshootBundle, FormatMustGather, FormatVeleroBackup}

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
	role   role
	format Format // the layout the path belongs to; "" for none
	decode decodeOptions
	// namespace is the namespace the path names (per-namespace files).
	namespace string
	// listFile marks a file that holds every object of its kind in namespace
	// (or cluster-wide): its presence means the kind was collected there.
	listFile bool
	// tentative marks a file that matched no layout: its objects count unless
	// the input turns out to be a layout format, whose other files are not objects.
	tentative bool
	// sniff marks a file whose name says nothing (.txt, no extension): it is
	// read only if its content looks like JSON or YAML objects.
	sniff bool
	// log identity, for roleLog
	pod, container string
	previous       bool
	special        func(l *loadState, name string, r *bufio.Reader, rt route) error
}

// layoutEvidence gathers, while reading, what file paths say about the format:
// which files of each layout were seen, for which kind and namespace.
type layoutEvidence struct {
	mu     sync.Mutex
	counts map[Format]int
	// kindFiles records, per format, the (kind, namespace) of each list file.
	kindFiles map[Format]map[string]map[string]bool
	// namespaces records, per format, the namespaces its paths name.
	namespaces map[Format]map[string]bool
	// failed records collection errors: kind -> namespace ("" for all) -> why.
	failed map[string]map[string]collectionFailure
	// crdFailed records custom resources troubleshoot failed to collect, by CRD name ("" for all).
	crdFailed map[string]collectionFailure
	// clusterInfoRoots counts, per folder, the cluster-info dump files below it
	// (nodes.<ext> in it, <ns>/<kind>.<ext> one level down): a real dump has both.
	clusterInfoRoots map[string]*clusterInfoRoot
	// textTables records cluster-info files printed as text tables: kind -> namespace.
	textTables map[string]map[string]bool
	// confirmed marks layout formats for which the input holds a file only that
	// tool writes (a typed List in a must-gather list file, Velero's
	// metadata/version...): a folder of manifests that merely has a
	// namespaces/<ns>/<ns>.yaml is not taken for a must-gather.
	confirmed map[Format]bool
	// mustGatherMarker: a file oc adm inspect writes at its root was seen.
	mustGatherMarker bool
}

type clusterInfoRoot struct {
	nodes bool
	files int
	kinds map[string]map[string]bool // kind -> namespace
}

func newLayoutEvidence() *layoutEvidence {
	return &layoutEvidence{
		counts:           map[Format]int{},
		kindFiles:        map[Format]map[string]map[string]bool{},
		namespaces:       map[Format]map[string]bool{},
		failed:           map[string]map[string]collectionFailure{},
		crdFailed:        map[string]collectionFailure{},
		clusterInfoRoots: map[string]*clusterInfoRoot{},
		textTables:       map[string]map[string]bool{},
		confirmed:        map[Format]bool{},
	}
}

// confirm records that the input holds a file only format f's tool writes.
func (e *layoutEvidence) confirm(f Format) {
	e.mu.Lock()
	e.confirmed[f] = true
	e.mu.Unlock()
}

func (e *layoutEvidence) note(f Format) {
	e.mu.Lock()
	e.counts[f]++
	e.mu.Unlock()
}

// noteNamespace records that format f's paths name namespace.
func (e *layoutEvidence) noteNamespace(f Format, namespace string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.noteNamespaceLocked(f, namespace)
}

func (e *layoutEvidence) noteNamespaceLocked(f Format, namespace string) {
	if namespace == "" {
		return
	}
	if e.namespaces[f] == nil {
		e.namespaces[f] = map[string]bool{}
	}
	e.namespaces[f][namespace] = true
}

// noteKind records that format f has a list file for kind in namespace ("" for cluster-wide).
func (e *layoutEvidence) noteKind(f Format, kind, namespace string) {
	if kind == "" {
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.kindFiles[f] == nil {
		e.kindFiles[f] = map[string]map[string]bool{}
	}
	if e.kindFiles[f][kind] == nil {
		e.kindFiles[f][kind] = map[string]bool{}
	}
	e.kindFiles[f][kind][namespace] = true
	e.noteNamespaceLocked(f, namespace)
}

// noteFailed records that collecting kind in namespace ("" for every namespace) failed.
func (e *layoutEvidence) noteFailed(kind, namespace string, why collectionFailure) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.failed[kind] == nil {
		e.failed[kind] = map[string]collectionFailure{}
	}
	e.failed[kind][namespace] = why
}

// kindsOf returns the namespaces where format f had a list file of kind.
func (e *layoutEvidence) kindsOf(f Format, kind string) map[string]bool {
	return e.kindFiles[f][kind]
}

// clusterInfoFiles are the per-namespace files of kubectl cluster-info dump
// --output-directory, and the kinds they hold.
var clusterInfoFiles = map[string]string{
	"events": "Event", "pods": "Pod", "replicasets": "ReplicaSet", "deployments": "Deployment",
	"daemonsets": "DaemonSet", "services": "Service", "replication-controllers": "ReplicationController",
}

// clusterInfoKinds are the kinds cluster-info dump collects in each namespace.
var clusterInfoKinds = []string{"Event", "Pod", "ReplicaSet", "Deployment", "DaemonSet", "Service", "ReplicationController"}

// splitPath cleans a member name into its parts.
func splitPath(name string) []string {
	p := strings.TrimPrefix(path.Clean("/"+name), "/")
	return strings.Split(p, "/")
}

// route classifies a file of the input by its path. The whole input (top) is
// read by its content alone: a file's name outside a layout says nothing.
func (e *layoutEvidence) route(name string, top bool) route {
	if top {
		return route{role: roleObjects}
	}
	parts := splitPath(name)
	// Troubleshoot's records (secrets/<ns>/<name>.json) are tried after the
	// layouts whose paths can look alike (Velero's resources/secrets/...).
	for _, try := range []func([]string) (route, bool){e.routeTroubleshoot, e.routeVelero, e.routeMustGather, e.routeSecretscan, e.routeTroubleshootRecord, e.routeClusterInfo} {
		if r, ok := try(parts); ok {
			return r
		}
	}
	switch strings.ToLower(path.Ext(parts[len(parts)-1])) {
	case ".json", ".yaml", ".yml":
		e.note(FormatManifests)
		return route{role: roleObjects, tentative: true}
	}
	return route{role: roleObjects, tentative: true, sniff: true}
}

// routeClusterInfo recognises kubectl cluster-info dump --output-directory:
// nodes.<ext>, <ns>/<kind>.<ext> and <ns>/<pod>/logs.txt. Whether the input
// is such a dump is decided at the end (a folder of manifests may well hold a
// services.yaml); the kind hints are harmless either way.
func (e *layoutEvidence) routeClusterInfo(parts []string) (route, bool) {
	n := len(parts)
	base := parts[n-1]
	ext := path.Ext(base)
	stem := strings.TrimSuffix(base, ext)
	if kind, ok := clusterInfoFiles[stem]; ok && n >= 2 {
		ns := parts[n-2]
		root := e.clusterInfoRoot(strings.Join(parts[:n-2], "/"))
		switch ext {
		case ".json", ".yaml":
			e.mu.Lock()
			root.files++
			if root.kinds[kind] == nil {
				root.kinds[kind] = map[string]bool{}
			}
			root.kinds[kind][ns] = true
			e.mu.Unlock()
			return route{role: roleObjects, decode: decodeOptions{hintKind: kind}, namespace: ns, listFile: true, format: FormatClusterInfoDump}, true
		case ".txt":
			e.mu.Lock()
			root.files++
			if e.textTables[kind] == nil {
				e.textTables[kind] = map[string]bool{}
			}
			e.textTables[kind][ns] = true
			e.mu.Unlock()
			return route{role: roleSpecial, special: skipTextTable, format: FormatClusterInfoDump}, true
		}
	}
	if stem == "nodes" && (ext == ".json" || ext == ".yaml" || ext == ".txt") {
		root := e.clusterInfoRoot(strings.Join(parts[:n-1], "/"))
		e.mu.Lock()
		root.nodes = true
		e.mu.Unlock()
		if ext == ".txt" {
			return route{role: roleSpecial, special: skipTextTable, format: FormatClusterInfoDump}, true
		}
		return route{role: roleObjects, decode: decodeOptions{hintKind: "Node"}, format: FormatClusterInfoDump}, true
	}
	if base == "logs.txt" && n >= 3 {
		return route{role: roleSpecial, special: readLogBlocks, namespace: parts[n-3], pod: parts[n-2], format: FormatClusterInfoDump}, true
	}
	return route{}, false
}

func (e *layoutEvidence) clusterInfoRoot(dir string) *clusterInfoRoot {
	e.mu.Lock()
	defer e.mu.Unlock()
	r := e.clusterInfoRoots[dir]
	if r == nil {
		r = &clusterInfoRoot{kinds: map[string]map[string]bool{}}
		e.clusterInfoRoots[dir] = r
	}
	return r
}

// clusterInfoDump returns the root of a cluster-info dump folder, if the input
// holds one: nodes.<ext> beside at least one namespace folder with three or
// more of the files cluster-info dump writes for every namespace.
func (e *layoutEvidence) clusterInfoDump() (*clusterInfoRoot, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	var best *clusterInfoRoot
	for _, r := range e.clusterInfoRoots {
		if !r.nodes {
			continue
		}
		perNS := map[string]int{}
		for _, nss := range r.kinds {
			for ns := range nss {
				perNS[ns]++
			}
		}
		for _, c := range perNS {
			if c >= 3 && (best == nil || r.files > best.files) {
				best = r
			}
		}
	}
	return best, best != nil
}

// skipTextTable handles cluster-info dump's text output (-o other than json or
// yaml), which holds no objects that can be read back.
func skipTextTable(l *loadState, name string, _ *bufio.Reader, _ route) error {
	l.warn(fmt.Sprintf("%s: a text table (cluster-info dump run with -o other than json or yaml) holds no readable objects; skipped", name))
	return nil
}

// detectFormat decides the format from the evidence gathered while reading.
func (l *loadState) detectFormat(container Container) Format {
	e := l.layout
	best, bestCount := Format(""), 0
	e.mu.Lock()
	if e.mustGatherMarker {
		e.confirmed[FormatMustGather] = true
	}
	for _, f := range layoutFormats {
		if c := e.counts[f]; c > bestCount && e.confirmed[f] {
			best, bestCount = f, c
		}
	}
	manifests := e.counts[FormatManifests]
	e.mu.Unlock()
	if best != "" {
		return best
	}
	if _, ok := e.clusterInfoDump(); ok {
		return FormatClusterInfoDump
	}
	// A single stream: a cluster-info dump prints typed Lists of its kinds, in
	// order, starting with a NodeList, and container logs between them.
	l.mu.Lock()
	stream := l.logBlocks > 0 || (l.listKinds["NodeList"] && l.listKinds["EventList"] && l.listKinds["PodList"])
	l.mu.Unlock()
	// One that stopped early still has its NodeList and Lists in its order.
	if group, inOrder := l.clusterInfoLastGroup(); inOrder && len(group) >= 2 {
		stream = true
	}
	if stream {
		return FormatClusterInfoDump
	}
	if container == ContainerDirectory || manifests > 1 || l.objectFiles > 1 {
		return FormatManifests
	}
	return FormatKubectlGet
}

// isLayoutFormat tells whether format f was recognised by its folder layout.
func isLayoutFormat(f Format) bool {
	for _, lf := range layoutFormats {
		if f == lf {
			return true
		}
	}
	return false
}

// coverage decides what the format collected.
func (l *loadState) coverage(format Format) *Coverage {
	c := newCoverage()
	switch format {
	case FormatClusterInfoDump:
		l.clusterInfoCoverage(c)
	case FormatTroubleshootBundle:
		l.troubleshootCoverage(c)
	case FormatMustGather:
		l.mustGatherCoverage(c)
	case FormatVeleroBackup:
		l.veleroCoverage(c)
	case FormatSecretscanBundle:
		l.secretscanCoverage(c)
	default:
		l.presenceCoverage(c, format)
	}
	if format == FormatClusterInfoDump || isLayoutFormat(format) {
		l.extra.cover(c)
	}
	if l.cutOff != "" {
		c.cutOff(l.cutOff, l.store.counts())
	}
	l.lost.markIn(c)
	return c
}

// clusterInfoCoverage: cluster-info dump lists Nodes once, then Events,
// ReplicationControllers, Services, DaemonSets, Deployments, ReplicaSets and
// Pods of each namespace it covers (kube-system and the current namespace
// unless told otherwise), and nothing else.
func (l *loadState) clusterInfoCoverage(c *Coverage) {
	for _, kind := range reportedKinds {
		c.set(kind, NotCollected, fmt.Sprintf("kubectl cluster-info dump holds no %s", pluralKind(kind)))
	}
	covered := map[string]map[string]bool{} // kind -> namespaces
	scope := map[string]bool{}
	if root, ok := l.layout.clusterInfoDump(); ok {
		for kind, nss := range root.kinds {
			covered[kind] = nss
			for ns := range nss {
				scope[ns] = true
			}
		}
	} else {
		// The stdout stream does not say which namespace an empty List was
		// for: the covered namespaces are those its objects and logs name.
		for _, st := range l.store.objects() {
			if isClusterInfoKind(st.d.kind) && st.key.Namespace != "" {
				scope[st.key.Namespace] = true
			}
		}
		for _, ns := range l.logs.namespaces() {
			scope[ns] = true
		}
		l.mu.Lock()
		for _, kind := range clusterInfoKinds {
			if l.listKinds[kind+"List"] {
				covered[kind] = scope
			}
		}
		l.mu.Unlock()
	}
	for ns := range scope {
		c.addScope(ns)
	}
	names := sortedKeys(scope)
	stoppedIn, notReached := "", map[string]bool{}
	if _, ok := l.layout.clusterInfoDump(); !ok {
		stoppedIn, notReached = l.clusterInfoStop()
	}
	for _, kind := range clusterInfoKinds {
		if covered[kind] == nil {
			// A dump that stopped early (cluster-info dump stops at the first
			// error) lacks the Lists it did not reach.
			why := fmt.Sprintf("this cluster-info dump holds no %s, as it stopped before listing them", pluralKind(kind))
			if notReached[kind] {
				why = fmt.Sprintf("this cluster-info dump stopped in namespace %s before listing its %s", stoppedIn, pluralKind(kind))
			}
			c.set(kind, NotCollected, why)
			continue
		}
		why := fmt.Sprintf("kubectl cluster-info dump covered only namespaces %s", joinLimited(names, 8))
		if len(names) == 0 {
			why = "kubectl cluster-info dump's Lists are all empty: which namespaces it covered is unknown"
		}
		if len(names) == 1 {
			why = fmt.Sprintf("kubectl cluster-info dump covered only namespace %s", names[0])
		}
		c.setPerNamespace(kind, covered[kind], NotCollected, why)
		if notReached[kind] {
			why := fmt.Sprintf("this cluster-info dump stopped in namespace %s before listing its %s", stoppedIn, pluralKind(kind))
			c.setNamespace(kind, stoppedIn, NotCollected, why)
			if len(names) == 1 {
				c.set(kind, NotCollected, why)
			}
		}
		for ns := range l.layout.textTables[kind] {
			c.setNamespace(kind, ns, NotCollected, "cluster-info dump printed them as a text table, which cannot be read back")
		}
	}
	if l.store.counts()["Node"] > 0 {
		c.set("Node", Collected, "")
	}
}

func isClusterInfoKind(kind string) bool {
	for _, k := range clusterInfoKinds {
		if k == kind {
			return true
		}
	}
	return false
}

// presenceCoverage is the rule for kubectl get output and folders of manifests,
// which carry no record of what was asked for: a kind is collected if the dump
// holds any object (or a typed List) of it. Two kinds are judged per namespace:
// every namespace has a "default" ServiceAccount, so ServiceAccounts count as
// collected where any is present; Secrets count as collected where any is
// present, and everywhere only when one List holds Secrets of several
// namespaces (a listing with -A): Secrets listed namespace by namespace, or
// written one by one, are no proof that another namespace lacks some.
func (l *loadState) presenceCoverage(c *Coverage, format Format) {
	what := "this kubectl get output holds"
	if format == FormatManifests {
		what = "these manifests hold"
	}
	counts := l.store.counts()
	l.mu.Lock()
	listKinds := l.listKinds
	l.mu.Unlock()
	// RBAC kinds are asked for together (kubectl get roles,rolebindings,...):
	// where any is present, a kind with no object has none in the cluster.
	rbacPresent := false
	for _, kind := range []string{"Role", "RoleBinding", "ClusterRole", "ClusterRoleBinding"} {
		rbacPresent = rbacPresent || counts[kind] > 0 || listKinds[kind+"List"]
	}
	for _, kind := range reportedKinds {
		isRBAC := kind == "Role" || kind == "RoleBinding" || kind == "ClusterRole" || kind == "ClusterRoleBinding"
		if counts[kind] > 0 || listKinds[kind+"List"] || (isRBAC && rbacPresent) {
			c.set(kind, Collected, "")
		} else {
			c.set(kind, NotCollected, fmt.Sprintf("%s no %s", what, pluralKind(kind)))
		}
	}
	perNS := map[string]map[string]bool{"ServiceAccount": {}, "Secret": {}}
	secretListings := map[listing]map[string]bool{}
	allNamespaces := false
	for _, st := range l.store.objects() {
		if m, ok := perNS[st.d.kind]; ok {
			m[st.key.Namespace] = true
		}
		if st.d.kind == "Secret" && st.d.listing.line > 0 {
			nss := secretListings[st.d.listing]
			if nss == nil {
				nss = map[string]bool{}
				secretListings[st.d.listing] = nss
			}
			nss[st.key.Namespace] = true
			allNamespaces = allNamespaces || len(nss) > 1
		}
		if st.key.Namespace != "" {
			c.addScope(st.key.Namespace)
		}
	}
	if counts["ServiceAccount"] > 0 {
		c.setPerNamespace("ServiceAccount", perNS["ServiceAccount"], NotCollected, fmt.Sprintf("%s no ServiceAccounts for this namespace", what))
	}
	if counts["Secret"] > 0 && !allNamespaces {
		names := sortedKeys(perNS["Secret"])
		why := fmt.Sprintf("%s Secrets of namespace %s only", what, names[0])
		if len(names) > 1 {
			why = fmt.Sprintf("%s Secrets of namespaces %s only, none listed across namespaces", what, joinLimited(names, 8))
		}
		c.setPerNamespace("Secret", perNS["Secret"], NotCollected, why)
	}
}

// kindOfResource maps "group/plural" (core group: "/pods") to the kind the
// scheme knows, for layouts that name files by resource (must-gather, Velero).
var kindOfResource = func() func(group, plural string) string {
	var once sync.Once
	var m map[string]string
	return func(group, plural string) string {
		once.Do(func() {
			m = map[string]string{}
			for kind, gvk := range knownKinds() {
				plural, _ := meta.UnsafeGuessKindToResource(gvk)
				m[gvk.Group+"/"+plural.Resource] = kind
			}
			// Kinds the scheme serves in more than one group.
			m["events.k8s.io/events"] = "Event"
			m["extensions/deployments"], m["extensions/replicasets"], m["extensions/daemonsets"] = "Deployment", "ReplicaSet", "DaemonSet"
		})
		return m[group+"/"+plural]
	}
}()

// collectionFailure is why a collector could not list a kind, in a few words.
type collectionFailure string

const (
	failedForbidden    collectionFailure = "forbidden"
	failedNotServed    collectionFailure = "not served"
	failedTimeout      collectionFailure = "timed out"
	failedUnauthorized collectionFailure = "unauthorized"
	failedOther        collectionFailure = "failed"
)

// classifyCollectionError reads a collector's error text, never quoting it
// (it may name users, hosts or paths).
func classifyCollectionError(msg string) collectionFailure {
	m := strings.ToLower(msg)
	switch {
	case strings.Contains(m, "forbidden"):
		return failedForbidden
	case strings.Contains(m, "could not find the requested resource"), strings.Contains(m, "the server doesn't have a resource type"), strings.Contains(m, "not found"):
		return failedNotServed
	case strings.Contains(m, "timeout"), strings.Contains(m, "deadline exceeded"), strings.Contains(m, "timed out"):
		return failedTimeout
	case strings.Contains(m, "unauthorized"):
		return failedUnauthorized
	}
	return failedOther
}

// describe says what failed, e.g. "troubleshoot was forbidden to list Events in namespace shop".
func (f collectionFailure) describe(tool, what string) string {
	switch f {
	case failedForbidden:
		return fmt.Sprintf("%s was forbidden to list %s", tool, what)
	case failedNotServed:
		return fmt.Sprintf("%s found %s not served by the API server", tool, what)
	case failedTimeout:
		return fmt.Sprintf("%s timed out listing %s", tool, what)
	case failedUnauthorized:
		return fmt.Sprintf("%s was unauthorized to list %s", tool, what)
	}
	return fmt.Sprintf("%s failed to list %s", tool, what)
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// coverageKinds are the kinds whose coverage a layout format states: those the
// report shows, and those it has files or collection errors for.
func (e *layoutEvidence) coverageKinds(f Format) map[string]bool {
	kinds := map[string]bool{}
	for _, k := range reportedKinds {
		kinds[k] = true
	}
	for k := range e.kindFiles[f] {
		kinds[k] = true
	}
	for k := range e.failed {
		kinds[k] = true
	}
	return kinds
}

// extraObjects is what the files that matched no layout held: which kinds in
// which namespaces, and the namespaces of each List of Secrets. In a layout
// format, only the files holding a kind the checks read (relevant) count: the
// collector's other files (API discovery, versions) are not the cluster's.
type extraObjects struct {
	fileOf         map[int64]string // document seq -> file
	relevant       map[string]bool
	kinds          map[string]map[string]bool
	secretListings map[listing]map[string]bool
}

func (e *extraObjects) note(file string, seq int64, d decoded) {
	if e.fileOf == nil {
		e.fileOf, e.relevant, e.kinds, e.secretListings = map[int64]string{}, map[string]bool{}, map[string]map[string]bool{}, map[listing]map[string]bool{}
	}
	e.fileOf[seq] = file
	if !isReportedKind(d.kind) {
		return
	}
	e.relevant[file] = true
	if e.kinds[d.kind] == nil {
		e.kinds[d.kind] = map[string]bool{}
	}
	e.kinds[d.kind][d.namespace] = true
	if d.kind == "Secret" && d.listing.line > 0 {
		if e.secretListings[d.listing] == nil {
			e.secretListings[d.listing] = map[string]bool{}
		}
		e.secretListings[d.listing][d.namespace] = true
	}
}

// cover adds to a layout's coverage what files outside it held, by the rule
// of kubectl get output: a kind counts as collected in the namespaces where
// those files hold some of it, and Secrets everywhere when one List holds
// Secrets of several namespaces (kubectl get secrets -A).
func (e *extraObjects) cover(c *Coverage) {
	for _, kind := range reportedKinds {
		for ns := range e.kinds[kind] {
			if s, _ := c.State(kind, ns); s != Collected {
				c.setNamespace(kind, ns, Collected, "")
			}
		}
	}
	for _, nss := range e.secretListings {
		if len(nss) > 1 {
			k := c.kind("Secret")
			k.state, k.why, k.perNamespace, k.namespaces = Collected, "", false, map[string]namespaceCoverage{}
			break
		}
	}
}

func displayNames(names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = displayName(n)
	}
	return out
}

func isReportedKind(kind string) bool {
	for _, k := range reportedKinds {
		if k == kind {
			return true
		}
	}
	return false
}

// listSeen is one typed List of the input, where it starts and its kind.
type listSeen struct {
	at   listing
	kind string
}

// clusterInfoNamespaceOrder is the order in which kubectl cluster-info dump
// lists each namespace's kinds (clusterinfo_dump.go); it stops at the first
// error, with nothing said.
var clusterInfoNamespaceOrder = []string{"EventList", "ReplicationControllerList", "ServiceList", "DaemonSetList", "DeploymentList", "ReplicaSetList", "PodList"}

// clusterInfoStop finds, in a cluster-info dump read from one stream, the
// namespace where the stream stopped and the kinds it never listed there: the
// last namespace's Lists that did not come. Nothing when the Lists are not
// in cluster-info's order or the namespace cannot be told.
func (l *loadState) clusterInfoStop() (string, map[string]bool) {
	group, ok := l.clusterInfoLastGroup()
	if !ok || len(group) == 0 || len(group) == len(clusterInfoNamespaceOrder) {
		return "", nil
	}
	namespaces := map[string]bool{}
	for _, tl := range group {
		for ns := range l.listNamespaces[tl.at] {
			namespaces[ns] = true
		}
	}
	if len(namespaces) != 1 {
		return "", nil
	}
	notReached := map[string]bool{}
	for _, kind := range clusterInfoNamespaceOrder[len(group):] {
		notReached[itemKind(kind)] = true
	}
	return sortedKeys(namespaces)[0], notReached
}

// clusterInfoLastGroup walks the input's typed Lists as cluster-info dump
// prints them, a NodeList and then each namespace's Lists in order, and
// returns the last namespace's; false when the Lists are not in that order.
func (l *loadState) clusterInfoLastGroup() ([]listSeen, bool) {
	l.mu.Lock()
	lists := l.lists
	l.mu.Unlock()
	if len(lists) == 0 || lists[0].kind != "NodeList" {
		return nil, false
	}
	var group []listSeen
	for _, tl := range lists[1:] {
		switch {
		case tl.kind == clusterInfoNamespaceOrder[0] && (len(group) == 0 || len(group) == len(clusterInfoNamespaceOrder)):
			group = []listSeen{tl}
		case len(group) > 0 && len(group) < len(clusterInfoNamespaceOrder) && tl.kind == clusterInfoNamespaceOrder[len(group)]:
			group = append(group, tl)
		default:
			return nil, false
		}
	}
	return group, true
}
