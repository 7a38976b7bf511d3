package report

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/secretscan/secretscan/analyzer"
	"github.com/secretscan/secretscan/docs"
)

// sarifSchema compiles the OASIS SARIF 2.1.0 schema from testdata (a verbatim
// copy of the standard's normative schema), with format assertions on, so that
// URIs are checked too.
func sarifSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "sarif-schema-2.1.0.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatalf("reading the SARIF schema: %v", err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	const url = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/os/schemas/sarif-schema-2.1.0.json"
	if err := c.AddResource(url, doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile(url)
	if err != nil {
		t.Fatalf("compiling the SARIF schema: %v", err)
	}
	return sch
}

func validateSARIF(t *testing.T, sch *jsonschema.Schema, out string) {
	t.Helper()
	inst, err := jsonschema.UnmarshalJSON(strings.NewReader(out))
	if err != nil {
		t.Fatalf("sarif output is not JSON: %v", err)
	}
	if err := sch.Validate(inst); err != nil {
		t.Errorf("sarif output does not validate against SARIF 2.1.0:\n%v", err)
	}
}

func TestSARIFValidatesAgainstSchema(t *testing.T) {
	sch := sarifSchema(t)
	absolute := richReport()
	absolute.Source.Path = "/var/tmp/dumps/prod #3/dump.tar.gz"
	noPath := richReport()
	noPath.Source.Path = ""
	for _, tc := range []struct {
		name string
		r    *Report
		opts Options
	}{
		{"rich", richReport(), Options{ToolVersion: testVersion}},
		{"empty", emptyReport(), Options{}},
		{"absolute path", absolute, Options{}},
		{"no path", noPath, Options{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			validateSARIF(t, sch, render(t, tc.r, "sarif", tc.opts))
		})
	}
}

// TestSARIFWithRealDocsValidates renders the rules from the real docs pages,
// whatever state they are in, and checks the log stays valid with every rule
// described.
func TestSARIFWithRealDocsValidates(t *testing.T) {
	findingPage = docs.Finding
	defer func() { findingPage = stubFindingPage }()
	out := render(t, richReport(), "sarif", Options{})
	validateSARIF(t, sarifSchema(t), out)
	var log sarifLog
	if err := json.Unmarshal([]byte(out), &log); err != nil {
		t.Fatal(err)
	}
	for _, rule := range log.Runs[0].Tool.Driver.Rules {
		if strings.TrimSpace(rule.Help.Markdown) == "" || rule.FullDescription.Text == "" {
			t.Errorf("rule %s has no help or full description", rule.ID)
		}
	}
}

// TestSARIFShape checks what dashboards rely on beyond the schema: one rule per
// registered ID, each result pointing at its own rule, the levels, and the
// locations.
func TestSARIFShape(t *testing.T) {
	var log sarifLog
	if err := json.Unmarshal([]byte(render(t, richReport(), "sarif", Options{ToolVersion: testVersion})), &log); err != nil {
		t.Fatal(err)
	}
	run := log.Runs[0]
	if got := run.Tool.Driver; got.Name != "secretscan" || got.Version != testVersion || got.InformationURI != toolInfoURI {
		t.Errorf("driver = %s %s %s", got.Name, got.Version, got.InformationURI)
	}
	if len(run.Tool.Driver.Rules) != len(analyzer.Definitions) {
		t.Fatalf("%d rules, want one per registered ID (%d)", len(run.Tool.Driver.Rules), len(analyzer.Definitions))
	}
	for i, d := range analyzer.Definitions {
		rule := run.Tool.Driver.Rules[i]
		if rule.ID != string(d.ID) || rule.ShortDescription.Text != d.Title || rule.DefaultConfiguration.Level != sarifLevel(d.Severity) {
			t.Errorf("rule %d = %s %q %s, want %s %q %s", i, rule.ID, rule.ShortDescription.Text, rule.DefaultConfiguration.Level, d.ID, d.Title, sarifLevel(d.Severity))
		}
	}
	wantLevels := map[analyzer.Severity]string{analyzer.SeverityError: "error", analyzer.SeverityWarning: "warning", analyzer.SeverityInfo: "note"}
	findings := richReport().Findings
	if len(run.Results) != len(findings) {
		t.Fatalf("%d results, want %d", len(run.Results), len(findings))
	}
	for i, res := range run.Results {
		f := findings[i]
		if res.RuleIndex == nil || run.Tool.Driver.Rules[*res.RuleIndex].ID != res.RuleID || res.RuleID != string(f.ID) {
			t.Errorf("result %d: ruleId %s, ruleIndex %v does not point at its rule", i, res.RuleID, res.RuleIndex)
		}
		if res.Level != wantLevels[f.Severity] {
			t.Errorf("result %d: level %s, want %s", i, res.Level, wantLevels[f.Severity])
		}
		loc := res.Locations[0]
		if loc.PhysicalLocation == nil || loc.PhysicalLocation.ArtifactLocation.URI != "dumps/cluster%20info.tar.gz" {
			t.Errorf("result %d: physical location %+v, want the dump", i, loc.PhysicalLocation)
		}
		if got, want := loc.LogicalLocations[0].FullyQualifiedName, qualifiedName(f); got != want || loc.LogicalLocations[0].Kind != "object" {
			t.Errorf("result %d: logical location %q, want %q", i, got, want)
		}
	}
	// The cluster-wide coverage gap has no namespace: its name is the kind alone.
	if got := qualifiedName(analyzer.Finding{Object: analyzer.ObjectRef{Kind: "Secret"}}); got != "Secret" {
		t.Errorf("qualifiedName of a cluster-wide gap = %q, want Secret", got)
	}
}

// TestFindingFingerprint: dashboards dedupe across runs on the fingerprint, so
// it must ignore what changes between runs of the same problem (wording,
// evidence, pods) and tell apart what makes another problem.
func TestFindingFingerprint(t *testing.T) {
	base := analyzer.Finding{ID: analyzer.SecretNotFound, Severity: analyzer.SeverityError, Namespace: "shop",
		Object: analyzer.ObjectRef{Kind: "Deployment", Name: "web"}, Secret: "db", Message: "m", Evidence: []string{"e1"}, Pods: []string{"p1"}}
	same := func(mut func(*analyzer.Finding)) analyzer.Finding { f := base; mut(&f); return f }
	tests := []struct {
		name     string
		other    analyzer.Finding
		wantSame bool
	}{
		{"other message", same(func(f *analyzer.Finding) { f.Message = "reworded" }), true},
		{"other evidence", same(func(f *analyzer.Finding) { f.Evidence = []string{"e2", "e3"} }), true},
		{"other pods", same(func(f *analyzer.Finding) { f.Pods = []string{"p9"} }), true},
		{"other severity", same(func(f *analyzer.Finding) { f.Severity = analyzer.SeverityWarning }), true},
		{"other ID", same(func(f *analyzer.Finding) { f.ID = analyzer.SecretKeyNotFound }), false},
		{"other namespace", same(func(f *analyzer.Finding) { f.Namespace = "shop2" }), false},
		{"other kind", same(func(f *analyzer.Finding) { f.Object.Kind = "StatefulSet" }), false},
		{"other workload", same(func(f *analyzer.Finding) { f.Object.Name = "api" }), false},
		{"other secret", same(func(f *analyzer.Finding) { f.Secret = "db2" }), false},
		// Fields are separated, not concatenated: "shop"+"Deployment" must not
		// collide with "shopD"+"eployment".
		{"shifted boundary", same(func(f *analyzer.Finding) { f.Namespace, f.Object.Kind = "shopD", "eployment" }), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := findingFingerprint(tc.other) == findingFingerprint(base); got != tc.wantSame {
				t.Errorf("same fingerprint = %v, want %v", got, tc.wantSame)
			}
		})
	}
}

func TestSARIFURI(t *testing.T) {
	tests := []struct{ path, want string }{
		{"dump.yaml", "dump.yaml"},
		{"dumps/cluster info.tar.gz", "dumps/cluster%20info.tar.gz"},
		{"/var/tmp/dump #3.json", "file:///var/tmp/dump%20%233.json"},
		{"a:b/dump.yaml", "./a:b/dump.yaml"}, // a colon in the first segment would read as a scheme
		{"100%.yaml", "100%25.yaml"},
	}
	for _, tc := range tests {
		if got := sarifURI(tc.path); got != tc.want {
			t.Errorf("sarifURI(%q) = %q, want %q", tc.path, got, tc.want)
		}
	}
}

func TestPascalCase(t *testing.T) {
	tests := []struct{ id, want string }{
		{"secret-not-found", "SecretNotFound"},
		{"rbac-secret-forbidden", "RbacSecretForbidden"},
		{"coverage-gap", "CoverageGap"},
	}
	for _, tc := range tests {
		if got := pascalCase(tc.id); got != tc.want {
			t.Errorf("pascalCase(%q) = %q, want %q", tc.id, got, tc.want)
		}
	}
}

// TestSARIFSchemaRejectsInvalidLogs proves the validation above can fail: logs
// broken the ways a careless change would break them must not validate.
func TestSARIFSchemaRejectsInvalidLogs(t *testing.T) {
	sch := sarifSchema(t)
	valid := render(t, richReport(), "sarif", Options{})
	tests := []struct{ name, old, new string }{
		{"unknown level", `"level": "error"`, `"level": "fatal"`},
		{"string for a boolean", `"executionSuccessful": true`, `"executionSuccessful": "yes"`},
		{"wrong version", `"version": "2.1.0"`, `"version": "2.0.0"`},
		{"unknown result field", `"ruleId":`, `"rule_id": "x", "ruleId":`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			broken := strings.Replace(valid, tc.old, tc.new, 1)
			if broken == valid {
				t.Fatalf("%q not found in the output", tc.old)
			}
			inst, err := jsonschema.UnmarshalJSON(strings.NewReader(broken))
			if err != nil {
				t.Fatal(err)
			}
			if sch.Validate(inst) == nil {
				t.Errorf("a log with %s validates", tc.name)
			}
		})
	}
}
