package report

import (
	"fmt"
	"sort"
	"strings"
)

// gapGroup is kinds that lack coverage in the same way for the same reason, so
// that one line can say "Secrets, ServiceAccounts, Roles (kubectl cluster-info
// dump holds none)" instead of repeating the reason per kind. A kind missing in
// some namespaces only is a group of its own, as its namespaces are its own.
type gapGroup struct {
	Reason     string // with the kind taken out, e.g. "kubectl cluster-info dump holds none"
	Kinds      []string
	Namespaces []string
}

// gapLine is one line of the compact coverage summary: a lead such as "Not in
// this dump" and the groups it covers.
type gapLine struct {
	Lead   string
	Groups []gapGroup
}

// maxGapNamespaces bounds the namespaces a line names; the rest are counted.
const maxGapNamespaces = 5

// Text renders the line without its lead: "Secrets, Roles (reason); Jobs".
func (l gapLine) Text() string {
	parts := make([]string, 0, len(l.Groups))
	for _, g := range l.Groups {
		plural := make([]string, len(g.Kinds))
		for i, k := range g.Kinds {
			plural[i] = pluralKind(k)
		}
		var notes []string
		if len(g.Namespaces) > 0 {
			notes = append(notes, "not in "+joinLimited(g.Namespaces, maxGapNamespaces))
		}
		if g.Reason != "" {
			notes = append(notes, g.Reason)
		}
		part := strings.Join(plural, ", ")
		if len(notes) > 0 {
			part += " (" + strings.Join(notes, "; ") + ")"
		}
		parts = append(parts, part)
	}
	return strings.Join(parts, "; ")
}

func joinLimited(items []string, n int) string {
	if len(items) <= n {
		return strings.Join(items, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(items[:n], ", "), len(items)-n)
}

// gapLeads says, per collection state, how the summary line starts.
var gapLeads = []struct{ State, Lead string }{
	{"not collected", "Not in this dump"},
	{"collection failed", "Could not be collected"},
	{"partly collected", "Only partly in this dump"},
}

// compactGaps groups the report's gaps into one line per state, in the order of
// gapLeads (unknown states last, by name), kinds in the report's order.
func compactGaps(gaps []CoverageGap) []gapLine {
	byState := map[string][]gapGroup{}
	var states []string
	for _, g := range gaps {
		state := g.State
		if state == "" {
			state = "not collected"
		}
		reason := kindlessReason(g.Kind, g.Reason)
		groups, seen := byState[state]
		if !seen {
			states = append(states, state)
		}
		merged := false
		for i := range groups {
			if len(g.Namespaces) == 0 && len(groups[i].Namespaces) == 0 && groups[i].Reason == reason {
				groups[i].Kinds = append(groups[i].Kinds, g.Kind)
				merged = true
				break
			}
		}
		if !merged {
			groups = append(groups, gapGroup{Reason: reason, Kinds: []string{g.Kind}, Namespaces: shortNamespaces(g.Namespaces)})
		}
		byState[state] = groups
	}
	var lines []gapLine
	known := map[string]bool{}
	for _, l := range gapLeads {
		known[l.State] = true
		if groups, ok := byState[l.State]; ok {
			lines = append(lines, gapLine{Lead: l.Lead, Groups: groups})
		}
	}
	var others []string
	for _, s := range states {
		if !known[s] {
			others = append(others, s)
		}
	}
	sort.Strings(others)
	for _, s := range others {
		lines = append(lines, gapLine{Lead: capitalize(s), Groups: byState[s]})
	}
	return lines
}

// shortNamespaces drops the "(not collected)" the loader appends to each
// namespace: "not in shop" already says so. Other states stay.
func shortNamespaces(namespaces []string) []string {
	out := make([]string, len(namespaces))
	for i, ns := range namespaces {
		out[i] = strings.TrimSuffix(ns, " (not collected)")
	}
	return out
}

// kindlessReason takes the kind out of a reason so that reasons which differ
// only by kind compare equal: "kubectl cluster-info dump holds no Secrets"
// becomes "kubectl cluster-info dump holds none". A reason that does not name
// its kind that way is kept as it is.
func kindlessReason(kind, reason string) string {
	for _, plural := range []string{pluralKind(kind), kind + "s"} {
		if kind == "" {
			break
		}
		if i := indexWord(reason, "no "+plural); i >= 0 {
			return reason[:i] + "none" + reason[i+len("no "+plural):]
		}
	}
	return reason
}

// indexWord finds phrase in s where it is not part of a longer word, so that
// "no Roles" is not found inside "no RoleBindings".
func indexWord(s, phrase string) int {
	for from := 0; ; {
		i := strings.Index(s[from:], phrase)
		if i < 0 {
			return -1
		}
		i += from
		end := i + len(phrase)
		startOK := i == 0 || !isWordByte(s[i-1])
		endOK := end == len(s) || !isWordByte(s[end])
		if startOK && endOK {
			return i
		}
		from = i + 1
	}
}

func isWordByte(b byte) bool {
	return b == '_' || b >= '0' && b <= '9' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z'
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// gapFor returns the gap recorded for a kind, for the html coverage table.
func gapFor(gaps []CoverageGap, kind string) (CoverageGap, bool) {
	for _, g := range gaps {
		if g.Kind == kind {
			return g, true
		}
	}
	return CoverageGap{}, false
}
