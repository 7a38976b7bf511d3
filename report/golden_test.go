package report

import (
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// goldenCases are the files under testdata/: every format of the rich report,
// plus the table and wide fitted to terminal widths, and the empty report.
var goldenCases = []struct {
	name   string
	report func() *Report
	format string
	opts   Options
}{
	{"table", richReport, "table", Options{ToolVersion: testVersion}},
	{"wide", richReport, "wide", Options{ToolVersion: testVersion}},
	{"json", richReport, "json", Options{ToolVersion: testVersion}},
	{"yaml", richReport, "yaml", Options{ToolVersion: testVersion}},
	{"markdown", richReport, "markdown", Options{ToolVersion: testVersion}},
	{"sarif", richReport, "sarif", Options{ToolVersion: testVersion}},
	{"html", richReport, "html", Options{ToolVersion: testVersion}},
	{"table-width-120", richReport, "table", Options{Width: 120}},
	{"table-width-60", richReport, "table", Options{Width: 60}},
	{"wide-width-100", richReport, "wide", Options{Width: 100}},
	{"table-empty", emptyReport, "table", Options{}},
	{"markdown-empty", emptyReport, "markdown", Options{}},
}

// TestGolden compares each output with testdata/<name>.golden; `go test
// ./report -update` rewrites them, to be reviewed as a diff.
func TestGolden(t *testing.T) {
	for _, tc := range goldenCases {
		t.Run(tc.name, func(t *testing.T) {
			got := render(t, tc.report(), tc.format, tc.opts)
			path := filepath.Join("testdata", tc.name+".golden")
			if *update {
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("no golden file (run go test ./report -update): %v", err)
			}
			if got != string(want) {
				t.Errorf("output differs from %s (run go test ./report -update and review the diff):\n%s", path, firstDifference(string(want), got))
			}
		})
	}
}

// firstDifference shows the first differing line, enough to find the change.
func firstDifference(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			return fmt.Sprintf("line %d:\n- %s\n+ %s", i+1, wl, gl)
		}
	}
	return "(same lines, different bytes)"
}

// TestDeterministic renders the same report twice, the second built from its
// findings in another order, in every format: the outputs must be
// byte-identical (maps are iterated in sorted order, findings re-sorted).
func TestDeterministic(t *testing.T) {
	for _, format := range Formats {
		for _, opts := range []Options{{}, {Width: 80, Color: true, ToolVersion: testVersion}} {
			first := render(t, richReport(), format, opts)
			shuffled := richReport()
			// Rebuild from reversed findings: New must restore their order.
			rev := append(shuffled.Findings[:0:0], shuffled.Findings...)
			for i, j := 0, len(rev)-1; i < j; i, j = i+1, j-1 {
				rev[i], rev[j] = rev[j], rev[i]
			}
			second := render(t, New(shuffled.Source, shuffled.Coverage, shuffled.CoverageGaps, shuffled.Warnings, rev), format, opts)
			if first != second {
				t.Errorf("%s %+v: two renderings differ:\n%s", format, opts, firstDifference(first, second))
			}
		}
	}
}

// TestNoSecretValueRendered: a report never holds a Secret's value, and the
// renderers must draw on nothing but the report (no environment, no files).
// A marker planted outside the report, as a value would be, must appear in no
// format, neither plain nor base64-encoded as in a Secret's data.
func TestNoSecretValueRendered(t *testing.T) {
	const marker = "s3cr3t-VALUE-must-never-be-printed"
	t.Setenv("DB_PASSWORD", marker)
	t.Setenv("SECRETSCAN_TEST_SECRET_VALUE", base64.StdEncoding.EncodeToString([]byte(marker)))
	for _, format := range Formats {
		out := render(t, richReport(), format, Options{Color: true, Width: 100, ToolVersion: testVersion})
		for _, needle := range []string{marker, base64.StdEncoding.EncodeToString([]byte(marker))} {
			if strings.Contains(out, needle) {
				t.Errorf("%s output contains the planted value %q", format, needle)
			}
		}
	}
}

func TestUnknownFormat(t *testing.T) {
	err := Write(&strings.Builder{}, richReport(), "xml", Options{})
	if err == nil || !strings.Contains(err.Error(), "table, wide, json, yaml, markdown, sarif, html") {
		t.Fatalf("Write(xml) error = %v, want one listing the formats", err)
	}
}
