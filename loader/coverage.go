package loader

import (
	"fmt"
	"sort"
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
}

type kindCoverage struct {
	state      CollectionState
	why        string
	namespaces map[string]namespaceCoverage
}

type namespaceCoverage struct {
	state CollectionState
	why   string
}

type recordKey struct{ Kind, Namespace, Name string }

func newCoverage() *Coverage {
	return &Coverage{kinds: map[string]*kindCoverage{}, records: map[recordKey]bool{}}
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
		return NotCollected, fmt.Sprintf("the dump holds no %ss", kind)
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
		return true, ""
	}
	if why == "" {
		why = fmt.Sprintf("%ss were %s", kind, state)
	}
	return false, why
}

// reportedKinds are the kinds whose coverage the report shows: those the checks read.
var reportedKinds = []string{
	"Pod", "Event", "Secret", "ServiceAccount", "Deployment", "ReplicaSet", "StatefulSet", "DaemonSet",
	"Job", "CronJob", "ReplicationController", "Role", "RoleBinding", "ClusterRole", "ClusterRoleBinding",
}

// Summary returns, for each reported kind, whether it was collected everywhere
// (the JSON contract's "coverage" map).
func (c *Coverage) Summary() map[string]bool {
	out := make(map[string]bool, len(reportedKinds))
	for _, kind := range reportedKinds {
		k, ok := c.kinds[kind]
		full := ok && k.state == Collected
		if ok {
			for _, ns := range k.namespaces {
				if ns.state != Collected {
					full = false
				}
			}
		}
		out[kind] = full
	}
	return out
}

// Gaps lists, in a stable order, one line per reported kind not fully collected.
func (c *Coverage) Gaps() []string {
	var out []string
	for _, kind := range reportedKinds {
		k, ok := c.kinds[kind]
		if !ok {
			out = append(out, fmt.Sprintf("%s: not collected", kind))
			continue
		}
		var partial []string
		for ns, s := range k.namespaces {
			if s.state != Collected {
				partial = append(partial, fmt.Sprintf("%s (%s)", ns, s.state))
			}
		}
		sort.Strings(partial)
		switch {
		case k.state != Collected && k.why != "":
			out = append(out, fmt.Sprintf("%s: %s (%s)", kind, k.state, k.why))
		case k.state != Collected:
			out = append(out, fmt.Sprintf("%s: %s", kind, k.state))
		case len(partial) > 0:
			out = append(out, fmt.Sprintf("%s: not in %s", kind, joinLimited(partial, 5)))
		}
	}
	return out
}

func joinLimited(items []string, n int) string {
	if len(items) <= n {
		return fmt.Sprint(joinComma(items))
	}
	return fmt.Sprintf("%s and %d more", joinComma(items[:n]), len(items)-n)
}

func joinComma(items []string) string {
	out := ""
	for i, s := range items {
		if i > 0 {
			out += ", "
		}
		out += s
	}
	return out
}
