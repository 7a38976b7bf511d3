package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func runCLI(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), append([]string{"secretscan"}, args...), strings.NewReader(stdin), &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

// TestUsageErrors checks what a new user sees when something is off: one clear
// line on stderr, exit 2, nothing on stdout.
func TestUsageErrors(t *testing.T) {
	dump := filepath.Join("..", "..", "fixtures", "secret-not-found", "dump.yaml")
	garbage := filepath.Join(t.TempDir(), "garbage.bin")
	if err := os.WriteFile(garbage, []byte("\x00\x01\x02\xff\xfe garbage \x00"), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		args []string
		want string // in the stderr line
	}{
		{"missing file", []string{"analyze", "no-such-dump.tar.gz"}, "no-such-dump.tar.gz: no such file or folder"},
		{"unknown output", []string{"analyze", "-o", "xml", dump}, `unknown output format "xml"`},
		{"misspelled flag", []string{"analyze", "--namepsace", "shop", dump}, "unknown flag --namepsace; did you mean --namespace? (see --help)"},
		{"unknown short flag", []string{"analyze", "-x", dump}, "unknown flag -x (see --help)"},
		{"no dump", []string{"analyze"}, "analyze needs a DUMP"},
		{"two dumps", []string{"analyze", dump, dump}, "analyze takes one DUMP"},
		{"garbage", []string{"analyze", garbage}, "no Kubernetes objects found"},
		{"unknown severity", []string{"analyze", "--fail-on", "fatal", dump}, "--fail-on"},
		{"unknown ID", []string{"analyze", "--only", "secret-not-fond", dump}, "did you mean secret-not-found?"},
		{"unknown command", []string{"analyse", dump}, "unknown command"},
		{"explain unknown", []string{"explain", "secret-missing"}, "unknown finding ID"},
		{"kubeconfig with a dump", []string{"analyze", "--kubeconfig", "/nowhere", dump}, "--kubeconfig applies to --live only"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, "", tc.args...)
			if code != 2 {
				t.Errorf("exit %d, want 2 (stderr %q)", code, stderr)
			}
			if strings.Count(strings.TrimRight(stderr, "\n"), "\n") != 0 || !strings.HasPrefix(stderr, "secretscan: ") {
				t.Errorf("want one line on stderr starting with 'secretscan: ', got %q", stderr)
			}
			if !strings.Contains(stderr, tc.want) {
				t.Errorf("stderr %q lacks %q", stderr, tc.want)
			}
			if stdout != "" {
				t.Errorf("nothing should go to stdout, got %q", stdout)
			}
		})
	}
}

func TestExitStatusFollowsFailOn(t *testing.T) {
	dump := filepath.Join("..", "..", "fixtures", "secret-not-found", "dump.yaml")
	for _, tc := range []struct {
		failOn string
		want   int
	}{{"error", 1}, {"warning", 1}, {"info", 1}, {"none", 0}} {
		code, _, stderr := runCLI(t, "", "analyze", "-o", "json", "--fail-on", tc.failOn, dump)
		if code != tc.want {
			t.Errorf("--fail-on %s: exit %d, want %d (%s)", tc.failOn, code, tc.want, stderr)
		}
	}
	code, _, _ := runCLI(t, "", "analyze", "--skip", "secret-not-found,coverage-gap", dump)
	if code != 0 {
		t.Errorf("with every finding skipped: exit %d, want 0", code)
	}
}

func TestStdinAndDeterminism(t *testing.T) {
	dump := filepath.Join("..", "..", "fixtures", "secret-not-found", "dump.yaml")
	data, err := os.ReadFile(dump)
	if err != nil {
		t.Fatal(err)
	}
	_, fromFile, _ := runCLI(t, "", "analyze", "-o", "json", "--fail-on", "none", dump)
	code, fromStdin, stderr := runCLI(t, string(data), "analyze", "-o", "json", "--fail-on", "none", "-")
	if code != 0 {
		t.Fatalf("stdin: exit %d: %s", code, stderr)
	}
	if !strings.Contains(fromStdin, `"path": "stdin"`) {
		t.Errorf("stdin report should name its source stdin")
	}
	if strings.Replace(fromFile, `"path": "`+dump+`"`, `"path": "stdin"`, 1) != fromStdin {
		t.Errorf("the same dump from a file and from stdin gives different findings")
	}
	for _, format := range []string{"table", "wide", "json", "yaml", "markdown", "sarif", "html"} {
		_, first, _ := runCLI(t, "", "analyze", "-o", format, "--fail-on", "none", dump)
		_, second, _ := runCLI(t, "", "analyze", "-o", format, "--fail-on", "none", dump)
		if first != second || first == "" {
			t.Errorf("-o %s: two runs differ or are empty", format)
		}
	}
}

// TestCanIAsGroup: --as-group asks as kubectl auth can-i --as-group does.
func TestCanIAsGroup(t *testing.T) {
	dump := filepath.Join("..", "..", "fixtures", "rbac-secret-forbidden-group-binding-kubectl", "dump.yaml")
	tests := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--as", "alice"}, 1, "no\n"},
		{[]string{"--as", "alice", "--as-group", "system:serviceaccounts:shop"}, 0, "yes\n  granted by RoleBinding shop/serviceaccounts-read-secrets"},
		{[]string{"--as", "system:serviceaccount:shop:x"}, 0, "yes\n"},
		{[]string{"--as", "system:serviceaccount:shop:x", "--as-group", "devs"}, 1, "no\n"},
	}
	for _, tt := range tests {
		args := append(append([]string{"can-i", "get", "secrets", "-n", "shop"}, tt.args...), dump)
		code, stdout, stderr := runCLI(t, "", args...)
		if code != tt.code || !strings.HasPrefix(stdout, tt.want) {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want exit %d, %q", tt.args, code, stdout, stderr, tt.code, tt.want)
		}
	}
}

// TestKubectlStyleArguments: one-letter flags with their value attached
// (-ojson, -nshop) and "help COMMAND" read as kubectl users type them.
func TestKubectlStyleArguments(t *testing.T) {
	dump := filepath.Join("..", "..", "fixtures", "demo", "dump.yaml")
	code, stdout, stderr := runCLI(t, "", "analyze", dump, "-ojson", "-nshop", "--fail-on", "none")
	if code != 0 || !strings.HasPrefix(stdout, "{") || strings.Contains(stdout, `"namespace": "payments"`) {
		t.Errorf("-ojson -nshop: exit %d, stderr %q, stdout starts %.40q", code, stderr, stdout)
	}
	code, stdout, _ = runCLI(t, "", "help", "analyze")
	if code != 0 || !strings.Contains(stdout, "secretscan analyze") || !strings.Contains(stdout, "--output") {
		t.Errorf("help analyze: exit %d, stdout %.200q", code, stdout)
	}
}

// TestFiltersSayWhatTheyHid: a filtered table says how many findings it left out.
func TestFiltersSayWhatTheyHid(t *testing.T) {
	dump := filepath.Join("..", "..", "fixtures", "demo", "dump.yaml")
	_, stdout, _ := runCLI(t, "", "analyze", "--only", "secret-not-found", "--fail-on", "none", dump)
	if !strings.Contains(stdout, "10 more findings left out by -n, --only, --skip or --min-severity") {
		t.Errorf("table does not say what --only hid:\n%s", stdout)
	}
	_, stdout, _ = runCLI(t, "", "analyze", "--fail-on", "none", dump)
	if strings.Contains(stdout, "left out by") {
		t.Errorf("unfiltered table says findings were left out:\n%s", stdout)
	}
}
