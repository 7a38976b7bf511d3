package report

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/tw"

	"github.com/secretscan/secretscan/analyzer"
)

// tableHeader is kubectl's style: upper case, no borders. MESSAGE comes last
// because it is the one column that wraps.
var tableHeader = []string{"SEVERITY", "NAMESPACE", "WORKLOAD", "SECRET", "ID", "MESSAGE"}

const (
	// maxWarningsShown is how many warnings the table lists rather than counts.
	maxWarningsShown = 3
	// columnGap separates columns, as kubectl's printers do.
	columnGap = "   "
	// minMessageWidth is the narrowest MESSAGE column worth wrapping into (a
	// sentence in a narrower column is mostly line breaks); on a terminal too
	// narrow for it the message moves to its own lines under the row.
	minMessageWidth = 40
	// detailIndent indents wide's detail lines and messages moved under their row.
	detailIndent = "    "
	// detailLabelWidth fits the longest label, "Remediation:", plus a space.
	detailLabelWidth = 13
)

// writeTable renders the kubectl-style table: a header saying what was read and
// what the format lacked, one row per finding grouped by severity (then by
// namespace, the findings' order), and a footer with totals. Wide adds, under
// each row, its pods, reference, evidence, remediation and kubectl commands:
// those are lists and long sentences, unreadable as extra columns.
func writeTable(w io.Writer, r *Report, opts Options, wide bool) error {
	var b strings.Builder
	for _, line := range summaryLines(r, wide) {
		writeWrapped(&b, line, opts.Width, "  ")
	}
	b.WriteString("\n")
	if len(r.Findings) == 0 {
		b.WriteString(noFindingsText(r) + "\n")
	} else {
		writeRows(&b, r.Findings, opts, wide)
	}
	b.WriteString("\n")
	for _, line := range footerLines(r, opts, wide) {
		writeWrapped(&b, line, opts.Width, "")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// summaryLines are the header of table, wide and markdown: what was read, what
// the format lacked and how many warnings reading gave (wide lists them).
func summaryLines(r *Report, listWarnings bool) []string {
	lines := []string{fmt.Sprintf("Read %s (%s): %s", oneLine(r.Source.Path), oneLine(r.Source.Format), objectCounts(r.Source.Objects))}
	for _, g := range compactGaps(r.CoverageGaps) {
		lines = append(lines, g.Lead+": "+oneLine(g.Text()))
	}
	if n := warningTotal(r.Warnings); n > 0 {
		// A few warnings are shown where they are read (a mistyped -n says
		// so); many are only counted, and wide lists them.
		if listWarnings || n <= maxWarningsShown {
			lines = append(lines, fmt.Sprintf("%d %s while reading:", n, pluralWord(n, "warning", "warnings")))
			for _, warning := range r.Warnings {
				lines = append(lines, "  "+oneLine(warning))
			}
		} else {
			lines = append(lines, fmt.Sprintf("%d %s while reading (-o wide or -o json lists them)", n, pluralWord(n, "warning", "warnings")))
		}
	}
	return lines
}

func footerLines(r *Report, opts Options, wide bool) []string {
	lines := []string{totalsLine(r.Summary) + "."}
	if opts.Hidden > 0 {
		lines[0] = fmt.Sprintf("%s; %d more %s left out by -n, --only, --skip or --min-severity.", totalsLine(r.Summary), opts.Hidden, pluralWord(opts.Hidden, "finding", "findings"))
	}
	if hint := explainHint(r); hint != "" {
		if !wide {
			hint += " -o wide adds evidence and kubectl commands."
		}
		lines = append(lines, hint)
	}
	return lines
}

// writeWrapped writes one logical line, wrapped to width with continuation
// lines indented by hang (plus the line's own leading indent).
func writeWrapped(b *strings.Builder, line string, width int, hang string) {
	indent := line[:len(line)-len(strings.TrimLeft(line, " "))]
	for i, part := range wrapText(strings.TrimLeft(line, " "), width-len(indent)-len(hang)) {
		b.WriteString(indent)
		if i > 0 {
			b.WriteString(hang)
		}
		b.WriteString(part)
		b.WriteString("\n")
	}
}

// tableRow is one finding's cells, sanitized for the terminal.
type tableRow struct {
	severity analyzer.Severity
	cells    []string
}

func writeRows(b *strings.Builder, findings []analyzer.Finding, opts Options, wide bool) {
	rows := make([]tableRow, len(findings))
	for i, f := range findings {
		rows[i] = tableRow{f.Severity, []string{
			strings.ToUpper(f.Severity.String()), dash(f.Namespace), dash(workloadName(f.Object)),
			dash(f.Secret), string(f.ID), oneLine(f.Message),
		}}
		for c := 1; c < 5; c++ {
			rows[i].cells[c] = oneLine(rows[i].cells[c])
		}
	}

	// Every column but MESSAGE keeps its full width: an ID, a namespace or a
	// workload cut short is worse than a wrapped sentence.
	fixed := len(tableHeader) - 1
	widths := make([]int, fixed)
	for c := 0; c < fixed; c++ {
		widths[c] = displayWidth(tableHeader[c])
		for _, row := range rows {
			widths[c] = max(widths[c], displayWidth(row.cells[c]))
		}
	}
	prefixWidth := 0
	for _, wd := range widths {
		prefixWidth += wd + len(columnGap)
	}
	messageWidth := 0 // 0: no wrapping
	messageUnder := false
	if opts.Width > 0 {
		messageWidth = opts.Width - prefixWidth
		if messageWidth < minMessageWidth {
			messageUnder = true
			messageWidth = max(opts.Width-len(detailIndent), minMessageWidth)
		}
	}

	header := tableHeader
	if messageUnder {
		header = tableHeader[:fixed]
	}
	writeCells(b, header, widths, nil, opts)
	for i, row := range rows {
		if i > 0 && row.severity != rows[i-1].severity {
			b.WriteString("\n") // severity groups are separated by a blank line
		} else if i > 0 && wide {
			b.WriteString("\n") // so are wide's findings, each with its details
		}
		message := wrapText(row.cells[fixed], messageWidth)
		switch {
		case messageUnder && wide:
			// Among wide's labelled details, an unlabelled message would read
			// as part of the row above.
			writeCells(b, row.cells[:fixed], widths, &row.severity, opts)
			writeDetail(b, "Message:", []string{row.cells[fixed]}, opts.Width)
		case messageUnder:
			writeCells(b, row.cells[:fixed], widths, &row.severity, opts)
			for _, line := range message {
				b.WriteString(strings.TrimRight(detailIndent+line, " ") + "\n")
			}
		default:
			writeCells(b, append(append([]string(nil), row.cells[:fixed]...), message[0]), widths, &row.severity, opts)
			for _, line := range message[1:] {
				b.WriteString(strings.Repeat(" ", prefixWidth) + line + "\n")
			}
		}
		if wide {
			writeDetails(b, findings[i], opts.Width)
		}
	}
}

// writeCells writes one line of cells with tablewriter, each cell padded to its
// column's width; rows are rendered one at a time at the same fixed widths so
// that wide's detail lines can sit under their row and the columns still line
// up. Lines carry no trailing spaces. A non-nil severity colours the first cell
// when colour is on; tablewriter measures the plain text, so colour does not
// shift the columns.
func writeCells(b *strings.Builder, cells []string, widths []int, severity *analyzer.Severity, opts Options) {
	row := append([]string(nil), cells...)
	if severity != nil && opts.Color {
		row[0] = colorize(*severity, row[0])
	}
	columns := tw.NewMapper[int, int]()
	for c := range row {
		if c < len(row)-1 {
			columns.Set(c, widths[c]+len(columnGap))
		}
	}
	var buf bytes.Buffer
	table := tablewriter.NewTable(&buf,
		tablewriter.WithRendition(tw.Rendition{
			Borders:  tw.BorderNone,
			Settings: tw.Settings{Separators: tw.SeparatorsNone, Lines: tw.LinesNone},
		}),
		tablewriter.WithRowAlignment(tw.AlignLeft),
		tablewriter.WithPadding(tw.Padding{Left: "", Right: columnGap, Overwrite: true}),
		tablewriter.WithRowAutoWrap(tw.WrapNone),
		tablewriter.WithTrimSpace(tw.Off),
		tablewriter.WithColumnWidths(columns),
	)
	if err := table.Append(row); err == nil && table.Render() == nil {
		for _, line := range strings.Split(strings.TrimRight(buf.String(), "\n"), "\n") {
			// tablewriter closes a coloured cell's reset after its padding; drop
			// the stray reset so that plain terminals see plain text.
			b.WriteString(strings.TrimRight(strings.TrimSuffix(strings.TrimRight(line, " "), ansiReset), " ") + "\n")
		}
		return
	}
	// tablewriter refused the row (it never should): fall back to plain padding.
	var line strings.Builder
	for c, cell := range row {
		if c < len(row)-1 {
			cell = padRight(cell, widths[c]) + columnGap
		}
		line.WriteString(cell)
	}
	b.WriteString(strings.TrimRight(line.String(), " ") + "\n")
}

// writeDetails writes wide's lines under a row.
func writeDetails(b *strings.Builder, f analyzer.Finding, width int) {
	if len(f.Pods) > 0 {
		writeDetail(b, "Pods:", []string{oneLine(strings.Join(f.Pods, ", "))}, width)
	}
	if f.Reference != "" {
		writeDetail(b, "Reference:", []string{oneLine(f.Reference)}, width)
	}
	writeDetail(b, "Evidence:", oneLines(f.Evidence), width)
	if f.Remediation != "" {
		writeDetail(b, "Remediation:", []string{oneLine(f.Remediation)}, width)
	}
	if f.Commands != nil {
		// Commands are never wrapped: they are meant to be copied whole.
		writeCommands(b, "Confirm:", f.Commands.Confirm)
		writeCommands(b, "Fix:", f.Commands.Fix)
	}
}

// writeCommands writes commands under their label. A command of several lines
// (a heredoc manifest) keeps its lines, and those after the first start at
// column 0: a heredoc ends only at an unindented EOF line, so the command
// pastes into a shell as it is printed.
func writeCommands(b *strings.Builder, label string, commands []string) {
	head := padRight(label, detailLabelWidth)
	for _, c := range commands {
		if c == "" {
			continue
		}
		lines := strings.Split(textBlock(c), "\n")
		b.WriteString(strings.TrimRight(detailIndent+head+lines[0], " ") + "\n")
		for _, line := range lines[1:] {
			b.WriteString(strings.TrimRight(line, " ") + "\n")
		}
		head = strings.Repeat(" ", detailLabelWidth)
	}
}

// writeDetail writes one labelled detail, one value a line. A value wrapped to
// the width continues two columns further in, so that where one value ends and
// the next begins stays visible.
func writeDetail(b *strings.Builder, label string, values []string, width int) {
	const hang = "  "
	valueWidth := 0
	if width > 0 {
		valueWidth = max(width-len(detailIndent)-detailLabelWidth, minMessageWidth)
	}
	blank := strings.Repeat(" ", detailLabelWidth)
	for i, v := range values {
		head := blank
		if i == 0 {
			head = padRight(label, detailLabelWidth)
		}
		for j, line := range wrapHanging(v, valueWidth, valueWidth-len(hang)) {
			if j == 1 {
				head = blank + hang
			}
			b.WriteString(strings.TrimRight(detailIndent+head+line, " ") + "\n")
		}
	}
}

func oneLines(values []string) []string {
	out := make([]string, 0, len(values))
	for _, v := range values {
		if v != "" {
			out = append(out, oneLine(v))
		}
	}
	return out
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

const (
	ansiRed    = "\x1b[31m"
	ansiYellow = "\x1b[33m"
	ansiCyan   = "\x1b[36m"
	ansiReset  = "\x1b[0m"
)

func colorize(s analyzer.Severity, text string) string {
	switch s {
	case analyzer.SeverityError:
		return ansiRed + text + ansiReset
	case analyzer.SeverityWarning:
		return ansiYellow + text + ansiReset
	}
	return ansiCyan + text + ansiReset
}
