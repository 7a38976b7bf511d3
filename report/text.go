package report

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/mattn/go-runewidth"
)

// cellWidth measures terminal cells with fixed rules: the default condition
// follows the locale (East Asian ambiguous widths), which would make the same
// report render differently on two machines.
var cellWidth = &runewidth.Condition{EastAsianWidth: false, StrictEmojiNeutral: true}

func displayWidth(s string) int { return cellWidth.StringWidth(s) }

// oneLine makes report text safe for a single terminal or markdown line: line
// breaks and tabs become spaces, and other control characters (a dump may carry
// terminal escape sequences in an event message) and bidi overrides are shown
// escaped instead of being interpreted.
func oneLine(s string) string {
	return sanitize(s, false)
}

// textBlock is oneLine for multi-line blocks: it keeps line breaks.
func textBlock(s string) string {
	return sanitize(s, true)
}

func sanitize(s string, keepNewlines bool) string {
	if isPlain(s) {
		return s
	}
	var b strings.Builder
	s = strings.ReplaceAll(s, "\r\n", "\n")
	for _, r := range s {
		switch {
		case r == '\n' && keepNewlines:
			b.WriteRune(r)
		case r == '\n' || r == '\r' || r == '\t':
			b.WriteByte(' ')
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		case r >= 0x80 && r <= 0x9f, isBidiControl(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// isPlain reports whether s needs no sanitizing, the common case. Invalid UTF-8
// is not plain: rewriting it turns each bad byte into U+FFFD.
func isPlain(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f || r >= 0x80 && r <= 0x9f || isBidiControl(r) {
			return false
		}
	}
	return true
}

// isBidiControl matches the explicit direction controls that can make text
// display in another order than it reads ("trojan source").
func isBidiControl(r rune) bool {
	return r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069 || r == 0x200e || r == 0x200f
}

// wrapText breaks s into lines of at most width cells, at spaces where it can
// and inside a word only where the word alone is wider than the line.
func wrapText(s string, width int) []string {
	return wrapHanging(s, width, width)
}

// wrapHanging is wrapText with a first line of first cells and the others of
// rest cells, for values whose continuation lines are indented further.
func wrapHanging(s string, first, rest int) []string {
	if first <= 0 || displayWidth(s) <= first {
		return []string{s}
	}
	rest = max(rest, 1)
	var lines []string
	var line strings.Builder
	lineWidth := 0
	limit := func() int {
		if len(lines) == 0 {
			return first
		}
		return rest
	}
	flush := func() {
		lines = append(lines, line.String())
		line.Reset()
		lineWidth = 0
	}
	for _, word := range strings.Fields(s) {
		ww := displayWidth(word)
		if lineWidth > 0 && lineWidth+1+ww <= limit() {
			line.WriteByte(' ')
			line.WriteString(word)
			lineWidth += 1 + ww
			continue
		}
		if lineWidth > 0 {
			flush()
		}
		for ww > limit() {
			head, tail := splitAtWidth(word, limit())
			lines = append(lines, head)
			word, ww = tail, displayWidth(tail)
		}
		line.WriteString(word)
		lineWidth = ww
	}
	if lineWidth > 0 || len(lines) == 0 {
		flush()
	}
	return lines
}

// splitAtWidth cuts s after at most width cells (at least one rune, so that
// wrapping always makes progress).
func splitAtWidth(s string, width int) (string, string) {
	w := 0
	for i, r := range s {
		rw := cellWidth.RuneWidth(r)
		if w+rw > width && i > 0 {
			return s[:i], s[i:]
		}
		w += rw
	}
	return s, ""
}

// padRight pads s with spaces to width cells.
func padRight(s string, width int) string {
	if n := width - displayWidth(s); n > 0 {
		return s + strings.Repeat(" ", n)
	}
	return s
}
