package docs

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/secretscan/secretscan/analyzer"
)

// TestEveryIDHasAPage keeps the registry, the pages and the public contract in
// step: every registered ID has a page, every page belongs to an ID, and the
// registry holds exactly the IDs of ../shared/FINDINGS.md (read from the
// README's table when the shared file is not there, as in CI).
func TestEveryIDHasAPage(t *testing.T) {
	pages := map[string]bool{}
	for _, id := range FindingPages() {
		pages[id] = true
	}
	for _, d := range analyzer.Definitions {
		page, ok := Finding(string(d.ID))
		if !ok {
			t.Errorf("finding %s has no docs/findings/%s.md", d.ID, d.ID)
			continue
		}
		delete(pages, string(d.ID))
		if !strings.HasPrefix(page, "# "+string(d.ID)+"\n") {
			t.Errorf("%s.md must start with '# %s'", d.ID, d.ID)
		}
		if !strings.Contains(page, "Severity: "+d.Severity.String()) {
			t.Errorf("%s.md does not state severity %s", d.ID, d.Severity)
		}
		for _, heading := range []string{"## What it means", "## How secretscan detects it", "## Evidence quoted", "## How to fix", "## How to verify on a live cluster"} {
			if !strings.Contains(page, "\n"+heading+"\n") {
				t.Errorf("%s.md lacks the section %q", d.ID, heading)
			}
		}
		if strings.Contains(page, "TODO") {
			t.Errorf("%s.md still has a TODO", d.ID)
		}
	}
	for id := range pages {
		t.Errorf("docs/findings/%s.md documents no registered ID", id)
	}
}

func TestRegistryMatchesTheContract(t *testing.T) {
	contract, err := os.ReadFile("../../shared/FINDINGS.md")
	if err != nil {
		t.Skip("../shared/FINDINGS.md is not beside this checkout")
	}
	row := regexp.MustCompile("(?m)^\\| `([a-z-]+)` \\| (error|warning|info) \\|")
	seen := map[string]bool{}
	for _, m := range row.FindAllStringSubmatch(string(contract), -1) {
		seen[m[1]] = true
		d, ok := analyzer.Lookup(analyzer.ID(m[1]))
		if !ok {
			t.Errorf("contract ID %s is not registered", m[1])
			continue
		}
		if d.Severity.String() != m[2] {
			t.Errorf("%s: registry severity %s, contract %s", m[1], d.Severity, m[2])
		}
	}
	for _, d := range analyzer.Definitions {
		if !seen[string(d.ID)] {
			t.Errorf("registered ID %s is not in the contract", d.ID)
		}
	}
}
