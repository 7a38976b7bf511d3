package report

import (
	"strings"
	"testing"

	"github.com/secretscan/secretscan/analyzer"
)

// TestTableFitsWidth: at any terminal width the rows keep every ID, severity,
// namespace and workload whole, and lose no word of any message; where the
// fixed columns fit, no line is wider than the terminal.
func TestTableFitsWidth(t *testing.T) {
	r := richReport()
	for _, format := range []string{"table", "wide"} {
		for _, width := range []int{0, 40, 60, 80, 100, 120, 160, 250} {
			out := render(t, r, format, Options{Width: width})
			lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
			rowPrefix := 0 // width of the widest row's fixed columns
			for _, f := range r.Findings {
				row := findLine(lines, string(f.ID))
				if row == "" {
					t.Fatalf("%s width %d: no line holds the ID %s", format, width, f.ID)
				}
				for _, cell := range []string{strings.ToUpper(f.Severity.String()), dash(f.Namespace), dash(workloadName(f.Object)), dash(f.Secret)} {
					if !containsField(row, cell) {
						t.Errorf("%s width %d: row of %s lacks %q whole: %q", format, width, f.ID, cell, row)
					}
				}
				rowPrefix = max(rowPrefix, strings.Index(row, string(f.ID))+len(f.ID))
				if !strings.Contains(strings.Join(strings.Fields(out), " "), f.Message) {
					t.Errorf("%s width %d: the message of %s lost words", format, width, f.ID)
				}
			}
			if width == 0 || width < rowPrefix {
				continue
			}
			for _, line := range lines {
				if displayWidth(line) > width && !isCommandLine(line) {
					t.Errorf("%s width %d: line of %d cells: %q", format, width, displayWidth(line), line)
				}
			}
		}
	}
}

// isCommandLine matches wide's command lines, which are never wrapped.
func isCommandLine(line string) bool {
	trimmed := strings.TrimSpace(line)
	for _, prefix := range []string{"Confirm:", "Fix:", "kubectl "} {
		if strings.HasPrefix(trimmed, prefix) {
			return true
		}
	}
	return false
}

func findLine(lines []string, field string) string {
	for _, l := range lines {
		if containsField(l, field) {
			return l
		}
	}
	return ""
}

// containsField reports whether s holds field as a whole space-separated token.
func containsField(s, field string) bool {
	for _, f := range strings.Fields(s) {
		if f == field {
			return true
		}
	}
	return false
}

// TestTableColor: colour only when asked, and then only on the severity, with
// the columns still aligned as without colour.
func TestTableColor(t *testing.T) {
	r := richReport()
	for _, format := range Formats {
		if out := render(t, r, format, Options{}); strings.Contains(out, "\x1b") {
			t.Errorf("%s without Color holds an escape sequence", format)
		}
	}
	for _, format := range []string{"table", "wide"} {
		colored := render(t, r, format, Options{Color: true})
		for _, want := range []string{ansiRed + "ERROR" + ansiReset, ansiYellow + "WARNING" + ansiReset, ansiCyan + "INFO" + ansiReset} {
			if !strings.Contains(colored, want) {
				t.Errorf("%s with Color lacks %q", format, want)
			}
		}
		stripped := strings.NewReplacer(ansiRed, "", ansiYellow, "", ansiCyan, "", ansiReset, "").Replace(colored)
		if plain := render(t, r, format, Options{}); stripped != plain {
			t.Errorf("%s: colour changes the layout:\n%s", format, firstDifference(plain, stripped))
		}
	}
	// Colour is for terminals: the other formats ignore it.
	for _, format := range []string{"json", "yaml", "markdown", "sarif", "html"} {
		if out := render(t, r, format, Options{Color: true}); strings.Contains(out, "\x1b") {
			t.Errorf("%s with Color holds an escape sequence", format)
		}
	}
}

// TestTerminalEscapesInDataAreDefused: a dump can carry escape sequences in an
// event message; printed raw they would drive the reader's terminal.
func TestTerminalEscapesInDataAreDefused(t *testing.T) {
	r := richReport()
	r.Findings[1].Evidence = append(r.Findings[1].Evidence, "kubelet: \x1b[2J\x1b]0;pwned\x07 cleared \u202eesrever")
	r.Findings[1].Message += "\x1b[31m"
	r.Warnings = append(r.Warnings, "file\x1b[1A.json")
	for _, format := range []string{"table", "wide", "markdown", "html"} {
		out := render(t, r, format, Options{Width: 100})
		if strings.ContainsAny(out, "\x1b\x07\u202e") {
			t.Errorf("%s passes a control character through", format)
		}
	}
	if out := render(t, r, "wide", Options{}); !strings.Contains(out, `kubelet: \x1b[2J\x1b]0;pwned\x07 cleared \u202eesrever`) {
		t.Errorf("wide does not show the escapes visibly:\n%s", out)
	}
}

func TestEmptyReportSaysNoFindings(t *testing.T) {
	for _, format := range []string{"table", "wide", "markdown", "html"} {
		out := render(t, emptyReport(), format, Options{})
		for _, want := range []string{"No findings", "dump.yaml", "0 errors, 0 warnings, 0 info"} {
			if !strings.Contains(out, want) {
				t.Errorf("%s of an empty report lacks %q:\n%s", format, want, out)
			}
		}
		if strings.Contains(out, "secretscan explain") {
			t.Errorf("%s of an empty report hints at explain with no ID to explain", format)
		}
	}
}

func TestWrapText(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		width int
		want  []string
	}{
		{"no width", "a b c", 0, []string{"a b c"}},
		{"fits", "a b c", 5, []string{"a b c"}},
		{"at spaces", "aa bb cc dd", 5, []string{"aa bb", "cc dd"}},
		{"long word split", "abcdefgh ij", 3, []string{"abc", "def", "gh", "ij"}},
		{"wide runes count double", "日本語 ab", 4, []string{"日本", "語", "ab"}},
		{"spaces collapse", "a    b", 1, []string{"a", "b"}},
		{"empty", "", 3, []string{""}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := wrapText(tc.in, tc.width)
			if strings.Join(got, "|") != strings.Join(tc.want, "|") {
				t.Errorf("wrapText(%q, %d) = %q, want %q", tc.in, tc.width, got, tc.want)
			}
		})
	}
	if got := wrapHanging("aa bb cc dd ee", 5, 3); strings.Join(got, "|") != "aa bb|cc|dd|ee" {
		t.Errorf("wrapHanging = %q", got)
	}
}

func TestOneLine(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain text", "plain text"},
		{"two\nlines\r\nand\ttab", "two lines and tab"},
		{"bell\x07 esc\x1b del\x7f", `bell\x07 esc\x1b del\x7f`},
		{"c1 \u009b", `c1 \u009b`},
		{"bidi \u202e \u2066", `bidi \u202e \u2066`},
		{"bad \xff utf8", "bad \uFFFD utf8"},
		{"ünïcødé ✓", "ünïcødé ✓"},
	}
	for _, tc := range tests {
		if got := oneLine(tc.in); got != tc.want {
			t.Errorf("oneLine(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	if got := textBlock("a\nb\x1b"); got != `a`+"\n"+`b\x1b` {
		t.Errorf("textBlock keeps newlines and escapes the rest: got %q", got)
	}
}

func TestObjectCounts(t *testing.T) {
	tests := []struct {
		in   map[string]int
		want string
	}{
		{nil, "no objects"},
		{map[string]int{"Pod": 1}, "1 Pod"},
		{map[string]int{"Pod": 2, "Event": 2, "NetworkPolicy": 3, "Ingress": 1}, "3 NetworkPolicies, 2 Events, 2 Pods, 1 Ingress"},
	}
	for _, tc := range tests {
		if got := objectCounts(tc.in); got != tc.want {
			t.Errorf("objectCounts(%v) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestTableRowsFollowReportOrder: rows come in the findings' order (severity,
// then namespace), one row per finding, a blank line between severities.
func TestTableRowsFollowReportOrder(t *testing.T) {
	r := richReport()
	out := render(t, r, "table", Options{})
	last := -1
	for _, f := range r.Findings {
		i := strings.Index(out, " "+string(f.ID)+" ")
		if i < last {
			t.Errorf("%s out of order", f.ID)
		}
		last = i
	}
	for _, pair := range [][2]analyzer.Severity{{analyzer.SeverityError, analyzer.SeverityWarning}, {analyzer.SeverityWarning, analyzer.SeverityInfo}} {
		if !strings.Contains(out, "\n\n"+strings.ToUpper(pair[1].String())+" ") {
			t.Errorf("no blank line before the first %s row", pair[1])
		}
	}
}

// TestWarningsCountThoseNotShown: the loader keeps the first warnings and
// counts the others in a last line; every format gives the real total, and a
// report without findings but with warnings says what it covers.
func TestWarningsCountThoseNotShown(t *testing.T) {
	r := emptyReport()
	r.Warnings = []string{"a.yaml: line 1: invalid YAML; skipped", "b.yaml: line 2: invalid YAML; skipped", "2371 more warnings not shown"}
	if n := warningTotal(r.Warnings); n != 2373 {
		t.Errorf("warningTotal = %d, want 2373", n)
	}
	for format, want := range map[string]string{"table": "2373 warnings while reading", "wide": "2373 warnings while reading:", "markdown": "2373 warnings while reading", "html": "2373 warnings while reading"} {
		out := render(t, r, format, Options{})
		if !strings.Contains(out, want) || !strings.Contains(out, "No findings in what could be read") {
			t.Errorf("%s lacks %q or the no-findings caveat:\n%s", format, want, out)
		}
	}
}
