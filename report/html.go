package report

import (
	_ "embed"
	"html/template"
	"io"
	"sort"
	"strings"

	"github.com/secretscan/secretscan/analyzer"
)

// htmlTemplate is one self-contained page: inline CSS, no script, no external
// reference of any kind, so it opens offline from a ticket attachment. <details>
// does the collapsing. html/template escapes every value by context.
//
//go:embed html.tmpl
var htmlTemplateText string

var htmlTemplate = template.Must(template.New("report").Parse(htmlTemplateText))

// htmlPage is what the template sees: the report's fields, sanitized and
// arranged for display, and nothing else.
type htmlPage struct {
	Path, Format, ToolVersion string
	Totals                    analyzer.Summary
	TotalsText                string
	Objects                   []htmlCount
	ObjectTotal               int
	GapLines                  []string
	Coverage                  []htmlCoverage
	CoverageMissing           int
	Warnings                  []string
	WarningTotal              int
	NoFindings                string
	Groups                    []htmlGroup
	Rules                     []htmlRule
	ExplainID                 string
}

type htmlCount struct {
	Kind  string
	Count int
}

type htmlCoverage struct {
	Kind      string
	Collected bool
	State     string
	Reason    string
}

type htmlGroup struct {
	Severity string // error, warning, info: also the CSS class
	Heading  string // "Errors (3)"
	Findings []htmlFinding
}

type htmlFinding struct {
	N                                     int
	Severity, ID, Title, Where            string
	Namespace, Workload, Secret, Ref, Msg string
	Pods, Evidence, Confirm, Fix          []string
	Remediation                           string
}

type htmlRule struct {
	ID, Title, Page string
}

var severityHeadings = map[analyzer.Severity][2]string{
	analyzer.SeverityError:   {"Error", "Errors"},
	analyzer.SeverityWarning: {"Warning", "Warnings"},
	analyzer.SeverityInfo:    {"Info", "Info"},
}

func writeHTML(w io.Writer, r *Report, opts Options) error {
	page := htmlPage{
		Path: oneLine(r.Source.Path), Format: oneLine(r.Source.Format), ToolVersion: oneLine(opts.ToolVersion),
		Totals: r.Summary, TotalsText: totalsLine(r.Summary),
		Warnings: oneLines(r.Warnings), WarningTotal: warningTotal(r.Warnings), NoFindings: noFindingsText(r),
	}
	for _, k := range sortedKindsByCount(r.Source.Objects) {
		page.Objects = append(page.Objects, htmlCount{oneLine(k), r.Source.Objects[k]})
		page.ObjectTotal += r.Source.Objects[k]
	}
	for _, g := range compactGaps(r.CoverageGaps) {
		page.GapLines = append(page.GapLines, oneLine(g.Lead+": "+g.Text()))
	}
	// The coverage table lists every kind the report knows of: those of the
	// coverage map, and any gap's kind the map lacks.
	kinds := map[string]bool{}
	for k := range r.Coverage {
		kinds[k] = true
	}
	for _, g := range r.CoverageGaps {
		kinds[g.Kind] = true
	}
	for _, k := range sortedKeys(kinds) {
		row := htmlCoverage{Kind: oneLine(k), Collected: r.Coverage[k]}
		if g, ok := gapFor(r.CoverageGaps, k); ok {
			row.Collected = false
			var why []string
			if len(g.Namespaces) > 0 {
				why = append(why, "not in "+strings.Join(shortNamespaces(g.Namespaces), ", "))
			}
			if g.Reason != "" {
				why = append(why, g.Reason)
			}
			row.State, row.Reason = oneLine(g.State), oneLine(strings.Join(why, "; "))
		} else if !row.Collected {
			row.State = "not collected"
		}
		if !row.Collected {
			page.CoverageMissing++
		}
		page.Coverage = append(page.Coverage, row)
	}

	n := 0
	seen := map[analyzer.ID]bool{}
	for _, group := range severityGroups(r.Findings) {
		names := severityHeadings[group[0].Severity]
		if names[0] == "" {
			names = [2]string{"Other", "Other"}
		}
		heading := names[1]
		if len(group) == 1 {
			heading = names[0]
		}
		g := htmlGroup{Severity: group[0].Severity.String(), Heading: heading}
		for _, f := range group {
			n++
			g.Findings = append(g.Findings, htmlFindingOf(n, f))
			seen[f.ID] = true
		}
		page.Groups = append(page.Groups, g)
	}

	// The long form of each ID that fired travels with the page, for readers
	// who have the report but not the binary.
	ids := make([]string, 0, len(seen))
	for id := range seen {
		ids = append(ids, string(id))
	}
	sort.Strings(ids)
	for _, id := range ids {
		rule := htmlRule{ID: oneLine(id), Title: oneLine(ruleTitle(analyzer.ID(id)))}
		if p, ok := findingPage(id); ok {
			rule.Page = textBlock(strings.TrimSpace(p))
		}
		page.Rules = append(page.Rules, rule)
	}
	if len(r.Findings) > 0 {
		page.ExplainID = oneLine(string(r.Findings[0].ID))
	}

	var b strings.Builder
	if err := htmlTemplate.Execute(&b, page); err != nil {
		return err
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func htmlFindingOf(n int, f analyzer.Finding) htmlFinding {
	where := workloadName(f.Object)
	if f.Namespace != "" {
		where = f.Namespace + " / " + where
	}
	hf := htmlFinding{
		N: n, Severity: f.Severity.String(), ID: oneLine(string(f.ID)), Title: oneLine(ruleTitle(f.ID)),
		Where: oneLine(where), Namespace: oneLine(f.Namespace), Workload: oneLine(workloadName(f.Object)),
		Secret: oneLine(f.Secret), Ref: oneLine(f.Reference), Msg: oneLine(f.Message),
		Pods: oneLines(f.Pods), Evidence: oneLines(f.Evidence), Remediation: oneLine(f.Remediation),
	}
	if f.Commands != nil {
		hf.Confirm, hf.Fix = oneLines(f.Commands.Confirm), oneLines(f.Commands.Fix)
	}
	return hf
}
