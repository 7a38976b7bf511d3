package loader

import (
	"fmt"
	"sort"
	"strings"

	"github.com/secretscan/secretscan/internal/text"
)

// CollectionState says whether a source collected a kind.
type CollectionState int

const (
	// Collected: absence from the dump means absence from the cluster.
	Collected CollectionState = iota + 1
	// NotCollected: the format does not hold the kind.
	NotCollected
	// CollectionFailed: the collector tried and failed (e.g. forbidden); unknown, not absent.
	CollectionFailed
	// Partial: the format holds some objects of the kind only (troubleshoot's image pull Secrets).
	Partial
)

func (s CollectionState) String() string {
	switch s {
	case Collected:
		return "collected"
	case NotCollected:
		return "not collected"
	case CollectionFailed:
		return "collection failed"
	case Partial:
		return "partly collected"
	}
	return "unknown"
}

// Coverage records, per kind and namespace, what a source collected: the
// analyzers never call an object missing where its kind was not collected.
type Coverage struct {
	kinds map[string]*kindCoverage
	// records are single objects a source recorded as existing or not (troubleshoot
	// secrets/<ns>/<name>.json): authoritative for that name whatever the kind's state.
	records map[recordKey]bool
	// scope holds the namespaces the source covered at all (namespaces.json, the
	// namespace folders of a must-gather...): a kind collected in each of them is
	// collected everywhere the dump can speak of.
	scope map[string]bool
	// lostNames and lostKinds are objects the input held but the loader
	// could not read: by name where the text told it, else counted by kind
	// and namespace ("" for unknown). See lostReason.
	lostNames map[recordKey]bool
	lostKinds map[lostKey]int
	// lostRests are Lists cut off or damaged (see markLostRest).
	lostRests map[lostKey]bool
	// cutOffAt says where the input's archive ended early ("" when it did not).
	cutOffAt string
}

type kindCoverage struct {
	// state and why apply to every namespace not listed in namespaces.
	state      CollectionState
	why        string
	namespaces map[string]namespaceCoverage
	// perNamespace marks kinds the source collects namespace by namespace, so
	// that "collected in every covered namespace" counts as collected.
	perNamespace bool
}

type namespaceCoverage struct {
	state CollectionState
	why   string
}

type recordKey struct{ Kind, Namespace, Name string }

func newCoverage() *Coverage {
	return &Coverage{kinds: map[string]*kindCoverage{}, records: map[recordKey]bool{}, scope: map[string]bool{},
		lostNames: map[recordKey]bool{}, lostKinds: map[lostKey]int{}}
}

// set records the state of a kind in every namespace.
func (c *Coverage) set(kind string, state CollectionState, why string) {
	k := c.kind(kind)
	k.state, k.why = state, why
}

// setNamespace records the state of a kind in one namespace.
func (c *Coverage) setNamespace(kind, namespace string, state CollectionState, why string) {
	k := c.kind(kind)
	k.namespaces[namespace] = namespaceCoverage{state, why}
}

// setPerNamespace says kind was collected namespace by namespace: collected in
// the given namespaces, and elsewhere in the state given (with why).
func (c *Coverage) setPerNamespace(kind string, collectedIn map[string]bool, elsewhere CollectionState, why string) {
	k := c.kind(kind)
	k.state, k.why, k.perNamespace = elsewhere, why, true
	for ns := range collectedIn {
		if _, set := k.namespaces[ns]; !set {
			k.namespaces[ns] = namespaceCoverage{state: Collected}
		}
	}
}

// cutOff restates, for an archive that ended early, why a kind the input
// holds none of was not collected: its files may be among the members lost,
// whatever the format's own rules say (a collector's version, a layout).
// A kind it holds some of keeps its state, and every finding that rests on
// an object's absence says the object may be in the lost part (CutOff).
func (c *Coverage) cutOff(where string, counts map[string]int) {
	c.cutOffAt = where
	why := fmt.Sprintf("%s: what the rest held is unknown", where)
	for kind, k := range c.kinds {
		if k.state == NotCollected && counts[kind] == 0 {
			k.why = why
		}
		for ns, n := range k.namespaces {
			if n.state == NotCollected {
				k.namespaces[ns] = namespaceCoverage{NotCollected, why}
			}
		}
	}
}

// CutOff implements analyzer.CutOffCoverage: where the input's archive ended
// early, "" when it did not.
func (c *Coverage) CutOff() string { return c.cutOffAt }

// addScope records namespaces the source covered.
func (c *Coverage) addScope(namespaces ...string) {
	for _, ns := range namespaces {
		if ns != "" {
			c.scope[ns] = true
		}
	}
}

func (c *Coverage) kind(kind string) *kindCoverage {
	k := c.kinds[kind]
	if k == nil {
		k = &kindCoverage{state: NotCollected, namespaces: map[string]namespaceCoverage{}}
		c.kinds[kind] = k
	}
	return k
}

// record notes that a source recorded one object as existing or not.
func (c *Coverage) record(kind, namespace, name string, exists bool) {
	c.records[recordKey{kind, namespace, name}] = exists
}

// State returns what was collected of kind in namespace, and why not where it was not.
func (c *Coverage) State(kind, namespace string) (CollectionState, string) {
	k, ok := c.kinds[kind]
	if !ok {
		return NotCollected, fmt.Sprintf("the dump holds no %s", pluralKind(kind))
	}
	if ns, ok := k.namespaces[namespace]; ok {
		return ns.state, ns.why
	}
	return k.state, k.why
}

// Covers implements analyzer.Coverage: absence means non-existence only where
// the kind was collected, or the source recorded that very object.
func (c *Coverage) Covers(kind, namespace, name string) (bool, string) {
	if name != "" {
		if _, ok := c.records[recordKey{kind, namespace, name}]; ok {
			return true, ""
		}
	}
	state, why := c.State(kind, namespace)
	if state == Collected {
		if why, lost := c.lostName(kind, namespace, name); lost {
			return false, why
		}
		return true, ""
	}
	if why == "" {
		why = fmt.Sprintf("%s were %s", pluralKind(kind), state)
	}
	return false, why
}

// CollectionFailed implements analyzer.CollectionFailures: the source tried
// to collect kind and failed, everywhere or in some namespace.
func (c *Coverage) CollectionFailed(kind string) (string, bool) {
	k, ok := c.kinds[kind]
	if !ok {
		return "", false
	}
	if k.state == CollectionFailed {
		return k.why, true
	}
	namespaces := make([]string, 0, len(k.namespaces))
	for ns := range k.namespaces {
		namespaces = append(namespaces, ns)
	}
	sort.Strings(namespaces)
	for _, ns := range namespaces {
		if k.namespaces[ns].state == CollectionFailed {
			return k.namespaces[ns].why, true
		}
	}
	return "", false
}

// reportedKinds are the kinds whose coverage the report shows: those the checks read.
var reportedKinds = []string{
	"Pod", "Event", "Secret", "ServiceAccount", "Deployment", "ReplicaSet", "StatefulSet", "DaemonSet",
	"Job", "CronJob", "ReplicationController", "Role", "RoleBinding", "ClusterRole", "ClusterRoleBinding",
}

// clusterScopedReported are the reported kinds that live outside namespaces.
var clusterScopedReported = map[string]bool{"ClusterRole": true, "ClusterRoleBinding": true}

// full reports whether kind was collected everywhere the dump can speak of.
func (c *Coverage) full(kind string) bool {
	k, ok := c.kinds[kind]
	if !ok {
		return false
	}
	if _, lost := c.lostAny(kind); lost {
		return false
	}
	if clusterScopedReported[kind] {
		s, _ := c.State(kind, "")
		return s == Collected
	}
	for _, ns := range k.namespaces {
		if ns.state != Collected {
			return false
		}
	}
	if k.state == Collected {
		return true
	}
	if !k.perNamespace || len(c.scope) == 0 {
		return false
	}
	for ns := range c.scope {
		if s, _ := c.State(kind, ns); s != Collected {
			return false
		}
	}
	return true
}

// Summary returns, for each reported kind, whether it was collected everywhere
// (the JSON contract's "coverage" map).
func (c *Coverage) Summary() map[string]bool {
	out := make(map[string]bool, len(reportedKinds))
	for _, kind := range reportedKinds {
		out[kind] = c.full(kind)
	}
	return out
}

// Gap is one reported kind that the source did not hold in full.
type Gap struct {
	Kind   string
	State  CollectionState
	Reason string
	// Namespaces lists, for a kind collected in some namespaces only, those
	// where it was not (with their state in parentheses); empty when the gap
	// concerns every namespace.
	Namespaces []string
}

// GapDetails lists, in the order of reportedKinds, each reported kind not
// fully collected, with its state and the source's reason.
func (c *Coverage) GapDetails() []Gap {
	var out []Gap
	for _, kind := range reportedKinds {
		if c.full(kind) {
			continue
		}
		lostNote := c.lostNote(kind)
		k, ok := c.kinds[kind]
		if !ok {
			out = append(out, Gap{Kind: kind, State: NotCollected, Reason: joinReasons(fmt.Sprintf("the dump holds no %s", pluralKind(kind)), lostNote)})
			continue
		}
		names := map[string]bool{}
		for ns := range k.namespaces {
			names[ns] = true
		}
		if k.perNamespace {
			for ns := range c.scope {
				names[ns] = true
			}
		}
		collectedSomewhere := k.state == Collected
		failedWhy := ""
		var missing []string
		for ns := range names {
			s, why := c.State(kind, ns)
			switch s {
			case Collected:
				collectedSomewhere = true
				continue
			case CollectionFailed:
				if failedWhy == "" || why < failedWhy {
					failedWhy = why
				}
			}
			missing = append(missing, fmt.Sprintf("%s (%s)", ns, s))
		}
		sort.Strings(missing)
		g := Gap{Kind: kind, State: k.state, Reason: k.why}
		if !collectedSomewhere {
			// Nowhere collected: the kind-wide state says it all.
			if k.state == NotCollected && failedWhy != "" {
				g.State, g.Reason, g.Namespaces = CollectionFailed, failedWhy, missing
			}
			g.Reason = joinReasons(g.Reason, lostNote)
			out = append(out, g)
			continue
		}
		g.State, g.Namespaces = Partial, missing
		if k.state == Collected {
			g.Reason = ""
		}
		if lostNote != "" && len(missing) == 0 {
			g.Reason = ""
		}
		if failedWhy != "" {
			g.State, g.Reason = CollectionFailed, failedWhy
		}
		g.Reason = joinReasons(g.Reason, lostNote)
		out = append(out, g)
	}
	return out
}

// joinReasons joins the non-empty reasons of one gap.
func joinReasons(reasons ...string) string {
	var out []string
	for _, r := range reasons {
		if r != "" {
			out = append(out, r)
		}
	}
	return strings.Join(out, "; ")
}

// Gaps lists, in a stable order, one line per reported kind not fully collected.
func (c *Coverage) Gaps() []string {
	var out []string
	for _, g := range c.GapDetails() {
		line := fmt.Sprintf("%s: %s", g.Kind, g.State)
		if len(g.Namespaces) > 0 {
			line = fmt.Sprintf("%s: not in %s", g.Kind, joinLimited(g.Namespaces, 5))
		}
		if g.Reason != "" {
			line += " (" + g.Reason + ")"
		}
		out = append(out, line)
	}
	return out
}

func joinLimited(items []string, n int) string {
	if len(items) <= n {
		return strings.Join(items, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(items[:n], ", "), len(items)-n)
}

// pluralKind names a kind in the plural, as the coverage reasons do.
func pluralKind(kind string) string {
	if kind == "" {
		return "objects"
	}
	return text.PluralKind(kind)
}
