package main

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files of fixtures/ from the current output")

// TestGoldenFixtures runs `secretscan analyze -o json` on every scenario under
// fixtures/ and compares the report with the golden file beside it.
//
// A scenario is a folder holding one input named dump (dump.yaml, dump.json,
// dump.tar.gz, a dump/ folder, ...), an optional args file with extra flags (one
// per line), and want.json, the expected report. `go test ./... -update`
// rewrites want.json; review the diff.
func TestGoldenFixtures(t *testing.T) {
	scenarios, err := filepath.Glob(filepath.Join("..", "..", "fixtures", "*"))
	if err != nil {
		t.Fatal(err)
	}
	ran := 0
	for _, dir := range scenarios {
		input := findDumpInput(dir)
		if input == "" {
			continue
		}
		ran++
		dir := dir
		// Not parallel: urfave/cli writes package globals (its help and version
		// flags) while setting up each app.
		t.Run(filepath.Base(dir), func(t *testing.T) {
			args := []string{"secretscan", "analyze", "-o", "json", "--fail-on", "none"}
			if extra, err := os.ReadFile(filepath.Join(dir, "args")); err == nil {
				for _, a := range strings.Split(strings.TrimSpace(string(extra)), "\n") {
					if a = strings.TrimSpace(a); a != "" {
						args = append(args, a)
					}
				}
			}
			args = append(args, input)
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), args, strings.NewReader(""), &stdout, &stderr)
			if code != 0 {
				t.Fatalf("exit %d, stderr: %s", code, stderr.String())
			}
			got := bytes.ReplaceAll(stdout.Bytes(), []byte(`"path": "`+filepath.ToSlash(dir)+"/"), []byte(`"path": "`))
			want := filepath.Join(dir, "want.json")
			if *update {
				if err := os.WriteFile(want, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			expected, err := os.ReadFile(want)
			if err != nil {
				t.Fatalf("no golden file (run go test ./cmd/secretscan -update): %v", err)
			}
			if !bytes.Equal(got, expected) {
				t.Errorf("report differs from %s (run go test ./cmd/secretscan -update and review the diff):\n%s", want, lineDiff(string(expected), string(got)))
			}
		})
	}
	if ran == 0 {
		t.Fatal("no fixtures found")
	}
}

// findDumpInput returns the scenario's input: a file or folder named dump.*.
func findDumpInput(dir string) string {
	matches, _ := filepath.Glob(filepath.Join(dir, "dump*"))
	var inputs []string
	for _, m := range matches {
		if base := filepath.Base(m); base == "dump" || strings.HasPrefix(base, "dump.") {
			inputs = append(inputs, m)
		}
	}
	if len(inputs) != 1 {
		return ""
	}
	return filepath.ToSlash(inputs[0])
}

// lineDiff shows the first lines that differ, enough to see what changed.
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	shown := 0
	for i := 0; i < len(w) || i < len(g); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl == gl {
			continue
		}
		b.WriteString("line " + strconv.Itoa(i+1) + ":\n  want: " + wl + "\n  got:  " + gl + "\n")
		if shown++; shown >= 10 {
			b.WriteString("...\n")
			break
		}
	}
	return b.String()
}
