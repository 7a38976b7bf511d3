package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestDemoInEveryFormat keeps a golden report of the demo dump in every output
// format, for review as a whole: what a support engineer, a ticket, a
// code-scanning dashboard and a browser get from the same dump.
// `go test ./cmd/secretscan -update` rewrites them.
func TestDemoInEveryFormat(t *testing.T) {
	dir := filepath.Join("..", "..", "fixtures", "demo")
	dump := filepath.ToSlash(filepath.Join(dir, "dump.yaml"))
	files := map[string]string{
		"table": "report.txt", "wide": "report-wide.txt", "yaml": "report.yaml",
		"markdown": "report.md", "sarif": "report.sarif", "html": "report.html",
	}
	for format, name := range files {
		t.Run(format, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, "", "analyze", "-o", format, "--fail-on", "none", dump)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			golden := filepath.Join(dir, "golden", name)
			got := []byte(stdout)
			if *update {
				if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("no golden file (run go test ./cmd/secretscan -update): %v", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("-o %s differs from %s (run go test ./cmd/secretscan -update and review the diff):\n%s", format, golden, lineDiff(string(want), string(got)))
			}
		})
	}
}
