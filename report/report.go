// Package report renders an analysis for people (table, wide, markdown, html)
// and for scripts (json, yaml, sarif). It knows output formats and nothing about
// Kubernetes internals: it formats the findings it is given.
package report

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/secretscan/secretscan/analyzer"
)

// SchemaVersion names the JSON contract (../shared/FINDINGS.md).
const SchemaVersion = "secretscan/v1"

// Report is everything a run has to say, in the JSON contract's shape.
type Report struct {
	SchemaVersion string             `json:"schemaVersion"`
	Source        Source             `json:"source"`
	Coverage      map[string]bool    `json:"coverage"`
	Warnings      []string           `json:"warnings"`
	Findings      []analyzer.Finding `json:"findings"`
	Summary       analyzer.Summary   `json:"summary"`

	// CoverageGaps says, one line per kind, what the source lacked (for the
	// table's header; the JSON has the coverage map).
	CoverageGaps []string `json:"-"`
}

// Source is what was read.
type Source struct {
	Path    string         `json:"path"`
	Format  string         `json:"format"`
	Objects map[string]int `json:"objects"`
}

// New assembles a report; findings are sorted as the contract says.
func New(src Source, coverage map[string]bool, gaps, warnings []string, findings []analyzer.Finding) *Report {
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
	analyzer.SortFindings(findings)
	return &Report{
		SchemaVersion: SchemaVersion, Source: src, Coverage: coverage, Warnings: warnings,
		Findings: findings, Summary: analyzer.Summarize(findings), CoverageGaps: gaps,
	}
}

// Options tune the human formats.
type Options struct {
	// Color enables ANSI colours (only on a terminal, never with NO_COLOR).
	Color bool
	// Width is the terminal width to fit; 0 means no fitting.
	Width int
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
	}
	return fmt.Errorf("unknown output format %q (want one of %s)", format, strings.Join(Formats, ", "))
}

// objectCounts renders "58 Pods, 67 Events, ..." largest first.
func objectCounts(objects map[string]int) string {
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
	parts := make([]string, 0, len(kinds))
	for _, k := range kinds {
		parts = append(parts, fmt.Sprintf("%d %s", objects[k], k))
	}
	return strings.Join(parts, ", ")
}
