package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/tw"

	"github.com/secretscan/secretscan/analyzer"
)

// writeTable renders the kubectl-style table: a header saying what was read and
// what the format lacked, one row per finding grouped by severity and
// namespace, and a footer with totals. Wide adds evidence and remediation.
func writeTable(w io.Writer, r *Report, opts Options, wide bool) error {
	writeHeader(w, r)
	if len(r.Findings) == 0 {
		fmt.Fprintln(w, "No findings: every Secret reference checked resolves.")
		writeFooter(w, r)
		return nil
	}
	header := []string{"SEVERITY", "NAMESPACE", "WORKLOAD", "SECRET", "FINDING", "MESSAGE"}
	if wide {
		header = append(header, "EVIDENCE", "REMEDIATION")
	}
	table := tablewriter.NewTable(w,
		tablewriter.WithRendition(tw.Rendition{
			Borders:  tw.BorderNone,
			Settings: tw.Settings{Separators: tw.SeparatorsNone, Lines: tw.LinesNone},
		}),
		tablewriter.WithHeaderAutoFormat(tw.Off),
		tablewriter.WithHeaderAlignment(tw.AlignLeft),
		tablewriter.WithRowAlignment(tw.AlignLeft),
		tablewriter.WithPadding(tw.Padding{Left: "", Right: "   ", Overwrite: true}),
		tablewriter.WithTrimSpace(tw.Off),
	)
	table.Header(header)
	for _, f := range r.Findings {
		row := []string{severityCell(f.Severity, opts), dash(f.Namespace), workloadCell(f.Object), dash(f.Secret), string(f.ID), f.Message}
		if wide {
			row = append(row, strings.Join(f.Evidence, " | "), f.Remediation)
		}
		if err := table.Append(row); err != nil {
			return err
		}
	}
	if err := table.Render(); err != nil {
		return err
	}
	writeFooter(w, r)
	return nil
}

func writeHeader(w io.Writer, r *Report) {
	fmt.Fprintf(w, "Read %s (%s): %s\n", r.Source.Path, r.Source.Format, objectCounts(r.Source.Objects))
	if len(r.CoverageGaps) > 0 {
		fmt.Fprintf(w, "Not in this dump: %s\n", strings.Join(r.CoverageGaps, "; "))
	}
	if n := len(r.Warnings); n > 0 {
		fmt.Fprintf(w, "%d %s while reading (see -o json for each)\n", n, pluralWord(n, "warning", "warnings"))
	}
	fmt.Fprintln(w)
}

func writeFooter(w io.Writer, r *Report) {
	fmt.Fprintf(w, "\n%d %s, %d %s, %d info.", r.Summary.Error, pluralWord(r.Summary.Error, "error", "errors"),
		r.Summary.Warning, pluralWord(r.Summary.Warning, "warning", "warnings"), r.Summary.Info)
	if len(r.Findings) > 0 {
		fmt.Fprintf(w, " Run 'secretscan explain %s' for what a finding means and how to fix it.", r.Findings[0].ID)
	}
	fmt.Fprintln(w)
}

func pluralWord(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func workloadCell(o analyzer.ObjectRef) string {
	switch {
	case o.Kind == "" && o.Name == "":
		return "-"
	case o.Name == "":
		return o.Kind
	}
	return o.Kind + "/" + o.Name
}

const (
	ansiRed    = "\x1b[31m"
	ansiYellow = "\x1b[33m"
	ansiCyan   = "\x1b[36m"
	ansiReset  = "\x1b[0m"
)

func severityCell(s analyzer.Severity, opts Options) string {
	name := strings.ToUpper(s.String())
	if !opts.Color {
		return name
	}
	switch s {
	case analyzer.SeverityError:
		return ansiRed + name + ansiReset
	case analyzer.SeverityWarning:
		return ansiYellow + name + ansiReset
	}
	return ansiCyan + name + ansiReset
}
