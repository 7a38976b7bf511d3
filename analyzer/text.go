package analyzer

import (
	"encoding/json"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

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

// lineSafe reports whether names from the dump hold no control character.
// shellArg can quote anything else, but a line break ends a pasted command
// early and a terminal acts on escape sequences before the shell sees them.
func lineSafe(names ...string) bool {
	for _, s := range names {
		if !utf8.ValidString(s) {
			return false // a stray byte may be a C1 control to the terminal
		}
		for _, r := range s {
			if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
				return false
			}
		}
	}
	return true
}

// commandSafe reports whether names from the dump can stand as arguments of a
// copied command once shellArg has quoted them: on one line, and not taken
// for an option. Quoting does not stop kubectl from reading a name
// "--server=https://elsewhere" as its own flag, and sending the user's
// credentials there; no Kubernetes name begins with '-'.
func commandSafe(names ...string) bool {
	for _, n := range names {
		if !lineSafe(n) || strings.HasPrefix(n, "-") {
			return false
		}
	}
	return true
}

// yamlScalar writes a name from the dump as a YAML scalar: as it is when it
// is plainly a string, else double-quoted (Go's escapes are a subset of YAML's),
// so that "a: b", "#x", "*alias", "true" or a line break cannot change the
// document, nor end the heredoc it is sent in.
func yamlScalar(s string) string {
	plain := s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("._-/", r))
	}) < 0
	// A plain scalar that looks like a number, a boolean or null, or starts
	// with an indicator, would not read back as this string.
	if plain && !strings.ContainsAny(s[:1], "-.0123456789") && !yamlKeyword[strings.ToLower(s)] {
		return s
	}
	return strconv.Quote(s)
}

// yamlKeyword holds the plain scalars YAML 1.1 or 1.2 read as something other
// than a string.
var yamlKeyword = map[string]bool{
	"true": true, "false": true, "yes": true, "no": true, "on": true, "off": true,
	"y": true, "n": true, "null": true,
}

// jsonString writes s as a JSON string, for a patch's values; unlike
// json.Marshal it leaves <, > and & alone.
func jsonString(s string) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		panic("analyzer: a string cannot fail to encode: " + err.Error())
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// templateVariable reports a name that is an unexpanded template placeholder.
func templateVariable(name string) bool {
	return strings.Contains(name, "${") || strings.Contains(name, "{{") || strings.HasPrefix(name, "$")
}

// prefixOf is true when one name begins with the other, the shorter being a
// word of its own (at least four characters, ending where a separator may),
// or when the shorter is a shortened plural of the longer.
func prefixOf(a, b string) bool {
	short, long := a, b
	if len(short) > len(long) {
		short, long = long, short
	}
	if len(short) < 4 || len(long)-len(short) > 8 {
		return false
	}
	// A plural shortened keeps its s: db-creds for db-credentials, certs for certificates.
	if stem, ok := strings.CutSuffix(short, "s"); ok && len(stem) >= 4 && strings.HasSuffix(long, "s") && strings.HasPrefix(long, stem) {
		return true
	}
	return strings.HasPrefix(long, short)
}

// clipWords shortens a message to about n bytes at a word boundary, marking
// the cut; the full text stays in the evidence.
func clipWords(s string, n int) string { return text.ClipWords(s, n) }
