package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/secretscan/secretscan/analyzer"
)

// writeMarkdown renders GitHub-flavoured markdown to paste into a ticket: a
// summary, a table of findings, then one section per finding with its evidence
// and the kubectl commands that confirm and fix it. Text from the dump is
// escaped so that it cannot break the table, start a heading or inject HTML;
// evidence and commands go into fenced blocks, which show them verbatim.
func writeMarkdown(w io.Writer, r *Report, opts Options) error {
	var b strings.Builder
	b.WriteString("## secretscan report\n\n")
	fmt.Fprintf(&b, "**%s** in %s (%s): %s.\n\n", totalsLine(r.Summary), mdCode(r.Source.Path), mdText(r.Source.Format), objectCounts(r.Source.Objects))
	var notes []string
	if opts.Hidden > 0 {
		notes = append(notes, fmt.Sprintf("%d more %s left out by -n, --only, --skip or --min-severity", opts.Hidden, pluralWord(opts.Hidden, "finding", "findings")))
	}
	for _, g := range compactGaps(r.CoverageGaps) {
		notes = append(notes, mdText(g.Lead+": "+g.Text()))
	}
	if n := warningTotal(r.Warnings); n > 0 {
		notes = append(notes, fmt.Sprintf("%d %s while reading (listed under Warnings)", n, pluralWord(n, "warning", "warnings")))
	}
	for _, note := range notes {
		b.WriteString("- " + note + "\n")
	}
	if len(notes) > 0 {
		b.WriteString("\n")
	}

	if len(r.Findings) == 0 {
		b.WriteString(noFindingsText(r) + "\n")
	} else {
		writeMarkdownTable(&b, r.Findings)
		b.WriteString("\n### Findings\n")
		for i, f := range r.Findings {
			writeMarkdownFinding(&b, i+1, f)
		}
	}

	if len(r.Warnings) > 0 {
		b.WriteString("\n### Warnings\n\n")
		for _, warning := range r.Warnings {
			b.WriteString("- " + mdText(warning) + "\n")
		}
	}
	if len(r.Findings) > 0 {
		fmt.Fprintf(&b, "\nRun %s (or any other ID) for what a finding means and how to fix it.\n", mdCode("secretscan explain "+string(r.Findings[0].ID)))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func writeMarkdownTable(b *strings.Builder, findings []analyzer.Finding) {
	b.WriteString("| # | Severity | Namespace | Workload | Secret | ID | Message |\n")
	b.WriteString("|---:|---|---|---|---|---|---|\n")
	for i, f := range findings {
		cells := []string{
			fmt.Sprint(i + 1), f.Severity.String(), mdCell(f.Namespace), mdCell(workloadName(f.Object)),
			mdCell(f.Secret), mdCode(string(f.ID)), mdCell(f.Message),
		}
		b.WriteString("| " + strings.Join(cells, " | ") + " |\n")
	}
}

// writeMarkdownFinding writes a finding's section. Its heading is numbered like
// the table's # column, so the two can be matched without links (GitHub's
// heading anchors are not worth predicting).
func writeMarkdownFinding(b *strings.Builder, n int, f analyzer.Finding) {
	where := workloadName(f.Object)
	if f.Namespace != "" {
		where = f.Namespace + "/" + where
	}
	if where == "" {
		where = "cluster"
	}
	fmt.Fprintf(b, "\n#### %d. %s: %s\n\n", n, mdCode(string(f.ID)), mdText(where))
	if title := ruleTitle(f.ID); title != "" {
		b.WriteString("_" + mdText(title) + "_\n\n")
	}
	item := func(label, value string) {
		if value != "" {
			fmt.Fprintf(b, "- **%s:** %s\n", label, value)
		}
	}
	item("Severity", f.Severity.String())
	item("Message", mdText(f.Message))
	if f.Secret != "" {
		item("Secret", mdCode(f.Secret))
	}
	item("Reference", mdText(f.Reference))
	if len(f.Pods) > 0 {
		pods := make([]string, len(f.Pods))
		for i, p := range f.Pods {
			pods[i] = mdCode(p)
		}
		item("Pods", strings.Join(pods, ", "))
	}
	item("Remediation", mdText(f.Remediation))
	if len(f.Evidence) > 0 {
		b.WriteString("\n**Evidence**\n\n")
		writeFence(b, "text", f.Evidence)
	}
	if f.Commands != nil && len(f.Commands.Confirm) > 0 {
		b.WriteString("\n**Confirm**\n\n")
		writeFence(b, "sh", f.Commands.Confirm)
	}
	if f.Commands != nil && len(f.Commands.Fix) > 0 {
		b.WriteString("\n**Fix**\n\n")
		writeFence(b, "sh", f.Commands.Fix)
	}
}

// writeFence writes lines as a fenced code block.
func writeFence(b *strings.Builder, lang string, lines []string) {
	b.WriteString(fenceBlock(lang, lines) + "\n")
}

// fenceBlock is lines as a fenced code block (with no final newline), its fence
// one backtick longer than any run of backticks inside, so no content can close
// it early.
func fenceBlock(lang string, lines []string) string {
	body := make([]string, 0, len(lines))
	for _, l := range lines {
		body = append(body, textBlock(l))
	}
	text := strings.Join(body, "\n")
	fence := strings.Repeat("`", max(3, longestRun(text, '`')+1))
	return fence + lang + "\n" + text + "\n" + fence
}

func longestRun(s string, c byte) int {
	longest, run := 0, 0
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	return longest
}

// mdSpecial are the characters that markdown (with GFM tables, strikethrough and
// autolinks) may read as syntax inside a line of text; a backslash makes each
// literal (CommonMark escapes any ASCII punctuation). Escaped text never starts
// a line here, so line-start syntax (#, -, 1.) needs no escape.
const mdSpecial = "\\`*_[]<>|~&"

// mdText escapes text for one line of markdown.
func mdText(s string) string {
	s = oneLine(s)
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if strings.IndexByte(mdSpecial, s[i]) >= 0 {
			b.WriteByte('\\')
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// mdCell is mdText for a table cell, with "-" for an empty one.
func mdCell(s string) string {
	if s == "" {
		return "-"
	}
	return mdText(s)
}

// mdCode renders s as inline code, fenced by a backtick run longer than any
// inside. A value holding a pipe is rendered as escaped text instead: the pipe
// would end a GFM table cell, and its escape (\|) shows literally in a code span
// outside a table.
func mdCode(s string) string {
	s = oneLine(s)
	if s == "" {
		return "-"
	}
	if strings.Contains(s, "|") {
		return mdText(s)
	}
	fence := strings.Repeat("`", longestRun(s, '`')+1)
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		return fence + " " + s + " " + fence
	}
	return fence + s + fence
}
