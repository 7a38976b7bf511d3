package analyzer

import (
	"sort"
)

// ObjectRef names the top-level workload (or bare Pod) a finding is about.
type ObjectRef struct {
	Kind string `json:"kind"`
	Name string `json:"name"`
}

// Commands are kubectl command lines with the names filled in: Confirm checks the
// cause on the live cluster, Fix repairs it. Neither ever prints a Secret's value.
// Names come from the dump, so each is shell-quoted when it needs to be, and a
// command is left out when a name cannot be written on it safely.
type Commands struct {
	Confirm []string `json:"confirm,omitempty"`
	Fix     []string `json:"fix,omitempty"`
}

// Finding is one root cause: one per workload, Secret and ID (../shared/FINDINGS.md).
type Finding struct {
	ID          ID        `json:"id"`
	Severity    Severity  `json:"severity"`
	Namespace   string    `json:"namespace"`
	Object      ObjectRef `json:"object"`
	Pods        []string  `json:"pods"`
	Secret      string    `json:"secret"`
	Reference   string    `json:"reference"`
	Message     string    `json:"message"`
	Evidence    []string  `json:"evidence"`
	Remediation string    `json:"remediation"`
	Commands    *Commands `json:"commands,omitempty"`
}

// SortFindings orders findings as the contract says: severity (worst first),
// namespace, object, id, secret; reference and message break the remaining ties so
// that the same dump always gives byte-identical output.
func SortFindings(findings []Finding) {
	sort.SliceStable(findings, func(i, j int) bool {
		a, b := findings[i], findings[j]
		if a.Severity != b.Severity {
			return a.Severity > b.Severity
		}
		if a.Namespace != b.Namespace {
			return a.Namespace < b.Namespace
		}
		if a.Object.Kind != b.Object.Kind {
			return a.Object.Kind < b.Object.Kind
		}
		if a.Object.Name != b.Object.Name {
			return a.Object.Name < b.Object.Name
		}
		if a.ID != b.ID {
			return a.ID < b.ID
		}
		if a.Secret != b.Secret {
			return a.Secret < b.Secret
		}
		if a.Reference != b.Reference {
			return a.Reference < b.Reference
		}
		return a.Message < b.Message
	})
}

// Summary counts findings by severity.
type Summary struct {
	Error   int `json:"error"`
	Warning int `json:"warning"`
	Info    int `json:"info"`
}

// Summarize counts findings by severity.
func Summarize(findings []Finding) Summary {
	var s Summary
	for _, f := range findings {
		switch f.Severity {
		case SeverityError:
			s.Error++
		case SeverityWarning:
			s.Warning++
		case SeverityInfo:
			s.Info++
		}
	}
	return s
}
