package main

import (
	"os"
	"strings"
	"testing"
)

// TestCompletionCandidates: the candidates the completion script is given for
// the line typed so far (its last word the one being completed, when it is a
// flag; urfave/cli's --generate-bash-completion protocol).
func TestCompletionCandidates(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want []string // among the candidates
		none bool     // no candidates: the shell completes file names
	}{
		{"output formats", []string{"analyze", "-o"}, []string{"table", "wide", "json", "sarif", "html"}, false},
		{"long output flag", []string{"analyze", "dump.yaml", "--output"}, []string{"json", "markdown"}, false},
		{"fail-on severities", []string{"analyze", "--fail-on"}, []string{"none", "info", "warning", "error"}, false},
		{"finding IDs for --only", []string{"analyze", "--only"}, []string{"secret-not-found", "rbac-secret-forbidden"}, false},
		{"flags", []string{"analyze", "--nam"}, []string{"--namespace"}, false},
		{"explain takes an ID", []string{"explain"}, []string{"secret-key-not-found", "coverage-gap"}, false},
		{"a dump comes next", []string{"analyze", "dump.yaml"}, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append(append([]string{"secretscan"}, tt.args...), "--generate-bash-completion")
			// urfave/cli reads the line being completed from os.Args.
			saved := os.Args
			os.Args = args
			defer func() { os.Args = saved }()
			code, stdout, stderr := runCLI(t, "", args[1:]...)
			if code != 0 || stderr != "" {
				t.Fatalf("exit %d, stderr %q", code, stderr)
			}
			got := strings.Fields(stdout)
			if tt.none && len(got) > 0 {
				t.Errorf("candidates %v, want none", got)
			}
			for _, w := range tt.want {
				if !contains(got, w) {
					t.Errorf("candidates %v lack %q", got, w)
				}
			}
		})
	}
}
