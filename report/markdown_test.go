package report

import (
	"strings"
	"testing"
)

func TestMarkdownEscaping(t *testing.T) {
	tests := []struct {
		name string
		fn   func(string) string
		in   string
		want string
	}{
		{"text plain", mdText, "Secret shop/db does not exist", "Secret shop/db does not exist"},
		{"text pipe", mdText, "a | b", `a \| b`},
		{"text backticks", mdText, "run `kubectl`", "run \\`kubectl\\`"},
		{"text html", mdText, "<script>x</script>", `\<script\>x\</script\>`},
		{"text emphasis", mdText, "DB_PASSWORD *x*", `DB\_PASSWORD \*x\*`},
		{"text entity", mdText, "&lt;", `\&lt;`},
		{"text link", mdText, "[a](b)", `\[a\](b)`},
		{"text newline", mdText, "one\n# two", "one # two"},
		{"cell empty", mdCell, "", "-"},
		{"code plain", mdCode, "db-credentials", "`db-credentials`"},
		{"code backtick inside", mdCode, "a`b", "``a`b``"},
		{"code backtick at edge", mdCode, "`a", "`` `a ``"},
		{"code pipe falls back to text", mdCode, "a|b", `a\|b`},
		{"code empty", mdCode, "", "-"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.fn(tc.in); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestFenceBlock(t *testing.T) {
	tests := []struct {
		name  string
		lines []string
		want  string
	}{
		{"plain", []string{"kubectl get secret x"}, "```sh\nkubectl get secret x\n```"},
		{"a fence inside gets a longer fence", []string{"echo ```", "x"}, "````sh\necho ```\nx\n````"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := fenceBlock("sh", tc.lines); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

// TestMarkdownTableCells: every row of the findings table has exactly the
// header's number of cells, whatever pipes the data holds.
func TestMarkdownTableCells(t *testing.T) {
	out := render(t, richReport(), "markdown", Options{})
	var rows []string
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "| ") || strings.HasPrefix(line, "|---") {
			rows = append(rows, line)
		}
	}
	if len(rows) != 2+len(richReport().Findings) {
		t.Fatalf("%d table lines, want header, delimiter and one per finding", len(rows))
	}
	want := unescapedPipes(rows[0])
	for _, row := range rows[1:] {
		if got := unescapedPipes(row); got != want {
			t.Errorf("row has %d cell separators, want %d: %s", got, want, row)
		}
	}
}

func unescapedPipes(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' {
			i++
			continue
		}
		if s[i] == '|' {
			n++
		}
	}
	return n
}

// TestMarkdownShowsRemediationCommands: commands are what makes a ticket
// actionable; each goes into a sh block as it is, to be copied.
func TestMarkdownShowsRemediationCommands(t *testing.T) {
	r := richReport()
	out := render(t, r, "markdown", Options{})
	for _, f := range r.Findings {
		if f.Commands == nil {
			continue
		}
		for _, c := range append(append([]string(nil), f.Commands.Confirm...), f.Commands.Fix...) {
			if !strings.Contains(out, "\n"+c+"\n") {
				t.Errorf("command %q is not on a line of its own", c)
			}
		}
	}
	if strings.Count(out, "```sh\n") < 5 {
		t.Errorf("%d sh blocks, want one per Confirm and Fix list", strings.Count(out, "```sh\n"))
	}
}
