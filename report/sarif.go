package report

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"path/filepath"
	"strings"

	"github.com/secretscan/secretscan/analyzer"
)

const (
	sarifVersion   = "2.1.0"
	sarifSchemaURI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/os/schemas/sarif-schema-2.1.0.json"
	toolName       = "secretscan"
	toolInfoURI    = "https://github.com/secretscan/secretscan"
	// fingerprintKey names secretscan's partial fingerprint. GitHub reserves and
	// recomputes primaryLocationLineHash, so the tool's own key is versioned
	// instead: a change of what it hashes gets a new name, not new values.
	fingerprintKey = "secretscanFinding/v1"
)

// The SARIF 2.1.0 subset secretscan writes. Field order follows the spec's
// examples, so the output reads top-down: tool, invocation, artifacts, results.
type (
	sarifLog struct {
		Schema  string     `json:"$schema"`
		Version string     `json:"version"`
		Runs    []sarifRun `json:"runs"`
	}
	sarifRun struct {
		Tool        sarifTool         `json:"tool"`
		Invocations []sarifInvocation `json:"invocations"`
		Artifacts   []sarifArtifact   `json:"artifacts,omitempty"`
		Results     []sarifResult     `json:"results"`
		Properties  sarifRunProps     `json:"properties"`
	}
	sarifTool struct {
		Driver sarifDriver `json:"driver"`
	}
	sarifDriver struct {
		Name           string      `json:"name"`
		InformationURI string      `json:"informationUri"`
		Version        string      `json:"version,omitempty"`
		Rules          []sarifRule `json:"rules"`
	}
	sarifRule struct {
		ID                   string           `json:"id"`
		Name                 string           `json:"name"`
		ShortDescription     sarifMultiformat `json:"shortDescription"`
		FullDescription      sarifMultiformat `json:"fullDescription"`
		Help                 sarifMultiformat `json:"help"`
		DefaultConfiguration sarifRuleConfig  `json:"defaultConfiguration"`
	}
	sarifMultiformat struct {
		Text     string `json:"text"`
		Markdown string `json:"markdown,omitempty"`
	}
	sarifRuleConfig struct {
		Level string `json:"level"`
	}
	sarifInvocation struct {
		ExecutionSuccessful        bool                `json:"executionSuccessful"`
		ToolExecutionNotifications []sarifNotification `json:"toolExecutionNotifications,omitempty"`
	}
	sarifNotification struct {
		Level   string       `json:"level"`
		Message sarifMessage `json:"message"`
	}
	sarifMessage struct {
		Text     string `json:"text"`
		Markdown string `json:"markdown,omitempty"`
	}
	sarifArtifact struct {
		Location   sarifArtifactLocation `json:"location"`
		Roles      []string              `json:"roles"`
		Properties sarifArtifactProps    `json:"properties"`
	}
	sarifArtifactProps struct {
		Format  string         `json:"format"`
		Objects map[string]int `json:"objects"`
	}
	sarifArtifactLocation struct {
		URI   string `json:"uri"`
		Index *int   `json:"index,omitempty"`
	}
	sarifResult struct {
		RuleID              string            `json:"ruleId"`
		RuleIndex           *int              `json:"ruleIndex,omitempty"`
		Level               string            `json:"level"`
		Message             sarifMessage      `json:"message"`
		Locations           []sarifLocation   `json:"locations"`
		PartialFingerprints map[string]string `json:"partialFingerprints"`
		Properties          sarifResultProps  `json:"properties"`
	}
	sarifLocation struct {
		PhysicalLocation *sarifPhysicalLocation `json:"physicalLocation,omitempty"`
		LogicalLocations []sarifLogicalLocation `json:"logicalLocations"`
	}
	sarifPhysicalLocation struct {
		ArtifactLocation sarifArtifactLocation `json:"artifactLocation"`
	}
	sarifLogicalLocation struct {
		Name               string `json:"name,omitempty"`
		FullyQualifiedName string `json:"fullyQualifiedName"`
		Kind               string `json:"kind"`
	}
	// sarifResultProps carries the finding's fields that SARIF has no place for,
	// under the JSON contract's names.
	sarifResultProps struct {
		Namespace   string             `json:"namespace"`
		Object      analyzer.ObjectRef `json:"object"`
		Pods        []string           `json:"pods"`
		Secret      string             `json:"secret"`
		Reference   string             `json:"reference"`
		Evidence    []string           `json:"evidence"`
		Remediation string             `json:"remediation"`
		Commands    *analyzer.Commands `json:"commands,omitempty"`
	}
	sarifRunProps struct {
		SchemaVersion string           `json:"schemaVersion"`
		Coverage      map[string]bool  `json:"coverage"`
		Summary       analyzer.Summary `json:"summary"`
	}
)

// writeSARIF renders SARIF 2.1.0 for code-scanning dashboards: one rule per
// registered finding ID, whether or not it fired (so a dashboard can show what
// was checked), one result per finding located at the workload it names.
func writeSARIF(w io.Writer, r *Report, opts Options) error {
	rules := make([]sarifRule, len(analyzer.Definitions))
	ruleIndex := make(map[analyzer.ID]int, len(analyzer.Definitions))
	for i, d := range analyzer.Definitions {
		rules[i] = sarifRuleOf(d)
		ruleIndex[d.ID] = i
	}

	var artifacts []sarifArtifact
	var dump *sarifPhysicalLocation
	if r.Source.Path != "" {
		uri := sarifURI(r.Source.Path)
		artifacts = []sarifArtifact{{
			Location:   sarifArtifactLocation{URI: uri},
			Roles:      []string{"analysisTarget"},
			Properties: sarifArtifactProps{Format: r.Source.Format, Objects: r.Source.Objects},
		}}
		dump = &sarifPhysicalLocation{ArtifactLocation: sarifArtifactLocation{URI: uri, Index: intPtr(0)}}
	}

	results := make([]sarifResult, 0, len(r.Findings))
	for _, f := range r.Findings {
		res := sarifResult{
			RuleID:              string(f.ID),
			Level:               sarifLevel(f.Severity),
			Message:             sarifResultMessage(f),
			Locations:           []sarifLocation{{PhysicalLocation: dump, LogicalLocations: []sarifLogicalLocation{{Name: f.Object.Name, FullyQualifiedName: qualifiedName(f), Kind: "object"}}}},
			PartialFingerprints: map[string]string{fingerprintKey: findingFingerprint(f)},
			Properties: sarifResultProps{
				Namespace: f.Namespace, Object: f.Object, Pods: nonNil(f.Pods), Secret: f.Secret,
				Reference: f.Reference, Evidence: nonNil(f.Evidence), Remediation: f.Remediation, Commands: f.Commands,
			},
		}
		if i, ok := ruleIndex[f.ID]; ok {
			res.RuleIndex = intPtr(i)
		}
		results = append(results, res)
	}

	// What the dump lacked and could not read are about the run, not about a
	// workload: SARIF calls those tool execution notifications.
	var notes []sarifNotification
	for _, g := range compactGaps(r.CoverageGaps) {
		notes = append(notes, sarifNotification{Level: "note", Message: sarifMessage{Text: g.Lead + ": " + g.Text()}})
	}
	for _, warning := range r.Warnings {
		notes = append(notes, sarifNotification{Level: "warning", Message: sarifMessage{Text: warning}})
	}

	log := sarifLog{
		Schema:  sarifSchemaURI,
		Version: sarifVersion,
		Runs: []sarifRun{{
			Tool:        sarifTool{Driver: sarifDriver{Name: toolName, InformationURI: toolInfoURI, Version: opts.ToolVersion, Rules: rules}},
			Invocations: []sarifInvocation{{ExecutionSuccessful: true, ToolExecutionNotifications: notes}},
			Artifacts:   artifacts,
			Results:     results,
			Properties:  sarifRunProps{SchemaVersion: r.SchemaVersion, Coverage: r.Coverage, Summary: r.Summary},
		}},
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(log); err != nil {
		return err
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// sarifRuleOf describes a finding ID. The docs page is the long form; an ID
// whose page is missing falls back to its title, so the log stays valid.
func sarifRuleOf(d analyzer.Definition) sarifRule {
	page, ok := findingPage(string(d.ID))
	if !ok || strings.TrimSpace(page) == "" {
		page = d.Title
	}
	return sarifRule{
		ID:                   string(d.ID),
		Name:                 pascalCase(string(d.ID)),
		ShortDescription:     sarifMultiformat{Text: d.Title},
		FullDescription:      sarifMultiformat{Text: pageSummary(page, d.Title)},
		Help:                 sarifMultiformat{Text: fmt.Sprintf("%s. Run 'secretscan explain %s' for what it means and how to fix it.", d.Title, d.ID), Markdown: page},
		DefaultConfiguration: sarifRuleConfig{Level: sarifLevel(d.Severity)},
	}
}

// pageSummary is a docs page's first paragraph of prose, on one line, as
// SARIF's plain-text fullDescription wants it (the page itself goes to
// help.markdown); the title when the page has none.
func pageSummary(page, title string) string {
	for _, para := range strings.Split(page, "\n\n") {
		para = strings.TrimSpace(para)
		if para == "" || strings.HasPrefix(para, "#") || strings.HasPrefix(para, "Severity:") {
			continue
		}
		return strings.Join(strings.Fields(strings.ReplaceAll(para, "`", "")), " ")
	}
	return title
}

// sarifResultMessage is the finding's message; the markdown form adds the
// remediation and the kubectl commands, for viewers that render it.
func sarifResultMessage(f analyzer.Finding) sarifMessage {
	text := f.Message
	if text == "" {
		text = ruleTitle(f.ID)
	}
	if text == "" {
		text = string(f.ID)
	}
	msg := sarifMessage{Text: text}
	parts := []string{mdText(text)}
	if f.Remediation != "" {
		parts = append(parts, "**Remediation:** "+mdText(f.Remediation))
	}
	if f.Commands != nil && len(f.Commands.Confirm) > 0 {
		parts = append(parts, "**Confirm**", fenceBlock("sh", f.Commands.Confirm))
	}
	if f.Commands != nil && len(f.Commands.Fix) > 0 {
		parts = append(parts, "**Fix**", fenceBlock("sh", f.Commands.Fix))
	}
	if len(parts) > 1 {
		msg.Markdown = strings.Join(parts, "\n\n")
	}
	return msg
}

func sarifLevel(s analyzer.Severity) string {
	switch s {
	case analyzer.SeverityError:
		return "error"
	case analyzer.SeverityWarning:
		return "warning"
	case analyzer.SeverityInfo:
		return "note"
	}
	return "none"
}

// findingFingerprint identifies a finding across runs by what it is about, not
// by its wording or evidence (which change as events age): the ID, namespace,
// workload and Secret. NUL separates the fields, as no name contains it.
func findingFingerprint(f analyzer.Finding) string {
	h := sha256.Sum256([]byte(strings.Join([]string{string(f.ID), f.Namespace, f.Object.Kind, f.Object.Name, f.Secret}, "\x00")))
	return hex.EncodeToString(h[:])
}

// sarifURI turns the dump's path into a URI reference: relative paths stay
// relative (so a dashboard resolves them against the repository), absolute
// ones become file URIs, and both are percent-encoded.
func sarifURI(path string) string {
	p := filepath.ToSlash(path)
	if filepath.IsAbs(path) || strings.HasPrefix(p, "/") {
		if !strings.HasPrefix(p, "/") {
			p = "/" + p // a Windows drive, C:/dumps/x.yaml
		}
		return (&url.URL{Scheme: "file", Path: p}).String()
	}
	return (&url.URL{Path: p}).String()
}

// pascalCase names a rule: "secret-not-found" becomes "SecretNotFound".
func pascalCase(id string) string {
	var b strings.Builder
	for _, word := range strings.FieldsFunc(id, func(r rune) bool { return r == '-' || r == '_' }) {
		b.WriteString(strings.ToUpper(word[:1]) + word[1:])
	}
	return b.String()
}

func intPtr(i int) *int { return &i }

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
