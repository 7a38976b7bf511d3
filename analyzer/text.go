package analyzer

import (
	"sort"
	"strings"

	"github.com/secretscan/secretscan/internal/text"
)

// closest returns the candidate most like name, for "did you mean" hints: at
// most a few edits away and less than half the name changed.
func closest(name string, candidates []string) (string, bool) {
	best, bestDist := "", -1
	for _, c := range candidates {
		if c == name {
			continue
		}
		d := editDistance(name, c)
		if prefixOf(name, c) {
			// db-creds for db-credentials: one name shortened.
			d = min(d, 3)
		} else if d > 3 || d*2 >= len(name) {
			continue
		}
		if bestDist < 0 || d < bestDist || (d == bestDist && c < best) {
			best, bestDist = c, d
		}
	}
	return best, bestDist >= 0
}

// editDistance is the Levenshtein distance, in bytes.
func editDistance(a, b string) int { return text.Levenshtein(a, b) }

// joinSorted lists distinct names, sorted, comma separated.
func joinSorted(names []string) string {
	set := map[string]bool{}
	for _, n := range names {
		set[n] = true
	}
	out := make([]string, 0, len(set))
	for n := range set {
		out = append(out, n)
	}
	sort.Strings(out)
	return strings.Join(out, ", ")
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// shellArg quotes a name for a command line when it holds anything a shell
// would interpret ("${IMAGE_PULL_SECRET}" from an unrendered template).
func shellArg(s string) string {
	safe := s != ""
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("._-:/=@%+,", r)) {
			safe = false
			break
		}
	}
	if safe {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// templateVariable reports a name that is an unexpanded template placeholder.
func templateVariable(name string) bool {
	return strings.Contains(name, "${") || strings.Contains(name, "{{") || strings.HasPrefix(name, "$")
}

// prefixOf is true when one name begins with the other, the shorter being a
// word of its own (at least four characters, ending where a separator may).
func prefixOf(a, b string) bool {
	short, long := a, b
	if len(short) > len(long) {
		short, long = long, short
	}
	return len(short) >= 4 && len(long)-len(short) <= 8 && strings.HasPrefix(long, short)
}

// clipWords shortens a message to about n bytes at a word boundary, marking
// the cut; the full text stays in the evidence.
func clipWords(s string, n int) string { return text.ClipWords(s, n) }
