// Package docs embeds the documentation pages that the binary prints:
// docs/findings/<id>.md for `secretscan explain <id>`.
package docs

import (
	"embed"
	"io/fs"
	"strings"
)

//go:embed findings/*.md
var findings embed.FS

// Finding returns the page of a finding ID.
func Finding(id string) (string, bool) {
	b, err := fs.ReadFile(findings, "findings/"+id+".md")
	if err != nil {
		return "", false
	}
	return string(b), true
}

// FindingPages lists the IDs that have a page.
func FindingPages() []string {
	entries, _ := fs.ReadDir(findings, "findings")
	ids := make([]string, 0, len(entries))
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".md") {
			ids = append(ids, strings.TrimSuffix(e.Name(), ".md"))
		}
	}
	return ids
}
