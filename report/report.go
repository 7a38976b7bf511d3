// Package report renders an analysis for people (table, wide, markdown, html)
// and for scripts (json, yaml, sarif). It knows output formats and nothing about
// Kubernetes internals: it formats the findings it is given, and renders nothing
// but the Report's fields plus the finding registry's titles and docs pages.
package report

import (
	"fmt"
	"io"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/secretscan/secretscan/analyzer"
	"github.com/secretscan/secretscan/docs"
	"github.com/secretscan/secretscan/internal/text"
)

// SchemaVersion names the JSON contract (../shared/FINDINGS.md).
const SchemaVersion = "secretscan/v1"

// Report is everything a run has to say, in the JSON contract's shape.
type Report struct {
	SchemaVersion string          `json:"schemaVersion"`
	Source        Source          `json:"source"`
	Coverage      map[string]bool `json:"coverage"`
	// CoverageGaps says, per kind the source did not hold in full, what it
	// lacked and why: collection state, reason and namespaces. The coverage
	// map is its one-bit summary; the human formats compact it.
	CoverageGaps []CoverageGap      `json:"coverageGaps"`
	Warnings     []string           `json:"warnings"`
	Findings     []analyzer.Finding `json:"findings"`
	Summary      analyzer.Summary   `json:"summary"`
}

// Source is what was read.
type Source struct {
	Path    string         `json:"path"`
	Format  string         `json:"format"`
	Objects map[string]int `json:"objects"`
}

// CoverageGap is one kind the source did not hold in full (loader.Gap, in
// words, so that report needs no loader import).
type CoverageGap struct {
	// Kind is the object kind, singular, e.g. "Secret".
	Kind string `json:"kind"`
	// State is how much of the kind was collected, in words: "not collected",
	// "collection failed" or "partly collected".
	State string `json:"state"`
	// Reason says why, in the loader's words, e.g. "kubectl cluster-info dump
	// holds no Secrets"; it may be empty.
	Reason string `json:"reason,omitempty"`
	// Namespaces lists, for a kind collected in some namespaces only, those
	// where it was not, e.g. "shop (not collected)"; empty when the gap
	// concerns every namespace.
	Namespaces []string `json:"namespaces,omitempty"`
}

// New assembles a report; findings are sorted as the contract says. Gaps keep
// the caller's order (the loader lists them most important kind first), which
// must therefore be stable.
func New(src Source, coverage map[string]bool, gaps []CoverageGap, warnings []string, findings []analyzer.Finding) *Report {
	if src.Objects == nil {
		src.Objects = map[string]int{}
	}
	if coverage == nil {
		coverage = map[string]bool{}
	}
	if warnings == nil {
		warnings = []string{}
	}
	if findings == nil {
		findings = []analyzer.Finding{}
	}
	if gaps == nil {
		gaps = []CoverageGap{}
	}
	analyzer.SortFindings(findings)
	return &Report{
		SchemaVersion: SchemaVersion, Source: src, Coverage: coverage, Warnings: warnings,
		Findings: findings, Summary: analyzer.Summarize(findings), CoverageGaps: gaps,
	}
}

// Options tune the rendering.
type Options struct {
	// Color enables ANSI colours in table and wide (only on a terminal, never
	// with NO_COLOR).
	Color bool
	// Width is the terminal width that table and wide fit; 0 means no fitting,
	// one line per finding.
	Width int
	// ToolVersion is secretscan's version, shown by sarif (tool.driver.version)
	// and html; empty leaves it out.
	ToolVersion string
	// Hidden counts the findings the command line's filters (-n, --only,
	// --skip, --min-severity) left out; table, wide and markdown say so.
	Hidden int
}

// Formats lists the output formats, in the order --help shows them.
var Formats = []string{"table", "wide", "json", "yaml", "markdown", "sarif", "html"}

// Write renders the report in the named format.
func Write(w io.Writer, r *Report, format string, opts Options) error {
	switch format {
	case "table", "":
		return writeTable(w, r, opts, false)
	case "wide":
		return writeTable(w, r, opts, true)
	case "json":
		return writeJSON(w, r)
	case "yaml":
		return writeYAML(w, r)
	case "markdown":
		return writeMarkdown(w, r, opts)
	case "sarif":
		return writeSARIF(w, r, opts)
	case "html":
		return writeHTML(w, r, opts)
	}
	return fmt.Errorf("unknown output format %q (want one of %s)", format, strings.Join(Formats, ", "))
}

// findingPage returns the docs page of a finding ID. Tests replace it with fixed
// pages so that the sarif and html golden files do not churn whenever a page
// under docs/findings is edited.
var findingPage = docs.Finding

// ruleTitle is the registry's one-line title of an ID, or "" for an ID the
// registry does not know.
func ruleTitle(id analyzer.ID) string {
	d, ok := analyzer.Lookup(id)
	if !ok {
		return ""
	}
	return d.Title
}

// objectCounts renders "58 Pods, 67 Events, ..." largest first.
func objectCounts(objects map[string]int) string {
	kinds := sortedKindsByCount(objects)
	if len(kinds) == 0 {
		return "no objects"
	}
	parts := make([]string, 0, len(kinds))
	for _, k := range kinds {
		n := objects[k]
		name := k
		if n != 1 {
			name = pluralKind(k)
		}
		parts = append(parts, fmt.Sprintf("%d %s", n, name))
	}
	return strings.Join(parts, ", ")
}

// sortedKindsByCount orders kinds largest count first, then by name.
func sortedKindsByCount(objects map[string]int) []string {
	kinds := make([]string, 0, len(objects))
	for k := range objects {
		kinds = append(kinds, k)
	}
	sort.Slice(kinds, func(i, j int) bool {
		if objects[kinds[i]] != objects[kinds[j]] {
			return objects[kinds[i]] > objects[kinds[j]]
		}
		return kinds[i] < kinds[j]
	})
	return kinds
}

// sortedKeys returns a map's keys in order, for deterministic output.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// pluralKind names several objects of a kind: Secrets, NetworkPolicies, Ingresses.
func pluralKind(kind string) string { return text.PluralKind(kind) }

func pluralWord(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// totalsLine is "2 errors, 1 warning, 0 info".
func totalsLine(s analyzer.Summary) string {
	return fmt.Sprintf("%d %s, %d %s, %d info", s.Error, pluralWord(s.Error, "error", "errors"),
		s.Warning, pluralWord(s.Warning, "warning", "warnings"), s.Info)
}

// workloadName is "Deployment/web", the bare kind where there is no name (a
// coverage gap names a kind), or "" where there is neither.
func workloadName(o analyzer.ObjectRef) string {
	switch {
	case o.Kind == "" && o.Name == "":
		return ""
	case o.Name == "":
		return o.Kind
	case o.Kind == "":
		return o.Name
	}
	return o.Kind + "/" + o.Name
}

// qualifiedName is "shop/Deployment/web": namespace, kind and name, skipping the
// empty ones (a cluster-wide finding has no namespace).
func qualifiedName(f analyzer.Finding) string {
	var parts []string
	for _, p := range []string{f.Namespace, f.Object.Kind, f.Object.Name} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, "/")
}

// severityGroups splits the sorted findings into runs of one severity, worst
// first, for the formats that group by severity.
func severityGroups(findings []analyzer.Finding) [][]analyzer.Finding {
	var groups [][]analyzer.Finding
	for i := 0; i < len(findings); {
		j := i + 1
		for j < len(findings) && findings[j].Severity == findings[i].Severity {
			j++
		}
		groups = append(groups, findings[i:j])
		i = j
	}
	return groups
}

// explainHint is the closing hint of the human formats.
func explainHint(r *Report) string {
	if len(r.Findings) == 0 {
		return ""
	}
	return fmt.Sprintf("Run 'secretscan explain %s' (or any other ID) for what a finding means and how to fix it.", r.Findings[0].ID)
}

// moreWarnings is the line the loader ends its warnings with when it kept only
// the first ones: "2371 more warnings not shown".
var moreWarnings = regexp.MustCompile(`^(\d+) more warnings? not shown$`)

// warningTotal counts the warnings reading gave, those not shown included:
// the "N more warnings not shown" line stands for N warnings.
func warningTotal(warnings []string) int {
	n := len(warnings)
	for _, w := range warnings {
		if m := moreWarnings.FindStringSubmatch(w); m != nil {
			more, err := strconv.Atoi(m[1])
			if err == nil {
				n += more - 1
			}
		}
	}
	return n
}

// noFindingsText is what a report without findings says: with warnings, some
// of the dump could not be read, and no finding is only about the rest.
func noFindingsText(r *Report) string {
	if len(r.Warnings) > 0 {
		return "No findings in what could be read (see the warnings)."
	}
	return "No findings."
}
