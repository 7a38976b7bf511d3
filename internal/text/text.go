// Package text holds the small string measures several packages need: how far
// apart two names are (for "did you mean" hints) and how to shorten a message
// for a one-line report cell.
package text

import (
	"strings"
	"unicode/utf8"
)

// Levenshtein is the edit distance between a and b, in bytes.
func Levenshtein(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// ClipWords shortens s to at most n bytes, at a word boundary when one is
// near and never inside a UTF-8 sequence, and marks the cut with "...".
func ClipWords(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := max(n-3, 0)
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	if space := strings.LastIndexByte(s[:cut], ' '); space > cut-40 && space > 0 {
		cut = space
	}
	return strings.TrimRight(s[:cut], " ,;:") + "..."
}

// PluralKind is the plural of an object kind for prose: "Secrets",
// "NetworkPolicies", "Ingresses", "ComponentStatuses"; "Endpoints" is its own
// plural. A kind qualified by its group ("Node.longhorn.io", as troubleshoot
// names custom resources) keeps the group after the plural: "Nodes.longhorn.io".
func PluralKind(kind string) string {
	name, group, grouped := strings.Cut(kind, ".")
	switch {
	case name == "" || name == "Endpoints":
	case strings.HasSuffix(name, "s"), strings.HasSuffix(name, "sh"), strings.HasSuffix(name, "ch"), strings.HasSuffix(name, "x"):
		name += "es"
	case len(name) > 1 && strings.HasSuffix(name, "y") && !strings.ContainsRune("aeiouAEIOU", rune(name[len(name)-2])):
		name = name[:len(name)-1] + "ies"
	default:
		name += "s"
	}
	if grouped {
		return name + "." + group
	}
	return name
}
