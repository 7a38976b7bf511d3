package loader

import (
	"bytes"
	"encoding/binary"
	"math"
	"strconv"
	"sync"
	"unicode/utf8"
)

// fastYAMLToJSON converts a YAML document in the block style kubectl (and any
// yaml.v2/sigs.k8s.io/yaml marshaller) prints to JSON, much faster than a general
// YAML parser. ok is false for anything outside that subset; the caller then uses
// the general converter, so the subset may be as small as correctness needs.
//
// Whenever ok is true the result is the JSON value sigs.k8s.io/yaml.YAMLToJSON
// gives for doc (keys in document order rather than sorted, strings escaped
// differently, numbers printed the same). The subset is what libyaml's scanner,
// as go.yaml.in/yaml/v2 ports it, reads without any of its rarer machinery:
//
//   - block mappings and sequences, compact ("- key: v", "- - x") and
//     indentless ("key:" followed by "- x" at the key's column);
//   - plain, single- and double-quoted scalars, on one line or folded over
//     several; block scalars (| and >, with chomping and indentation
//     indicators); the empty flow collections {} and [];
//   - comments (whole lines, and after a value or a block scalar header).
//
// It gives up (ok false) on: anchors, aliases, tags, "? " keys, the merge key
// "<<", flow collections other than {} and [], directives and document
// markers, tabs, carriage returns, control characters, invalid UTF-8 and the
// non-ASCII line breaks NEL, LS and PS, plain keys that resolve to null, an
// int or a float (a bool key becomes "true" or "false", as in YAMLToJSON),
// keys over fastYAMLMaxKey bytes, duplicate keys, .inf and .nan
// values (JSON has no such numbers: YAMLToJSON fails on them), nesting deeper
// than fastYAMLMaxDepth, output over 4x the input plus 1 MiB, and any layout
// it does not recognise (every one the general parser rejects among them).
// The JSON is a new slice the caller owns.
// Scalar typing follows yaml.v2's resolve (YAML 1.1 booleans yes/no/on/off...,
// ints in every base, floats) and encoding/json's number printing.
func fastYAMLToJSON(doc []byte) (json []byte, ok bool) {
	if !fastYAMLPrecheck(doc) {
		return nil, false
	}
	p := fyPool.Get().(*fyParser)
	defer p.release()
	p.d, p.out = doc, make([]byte, 0, len(doc)+len(doc)/8+16)
	pos, col := p.nextContent(0)
	if pos >= len(doc) {
		return append(p.out, "null"...), true
	}
	next, _, good := p.node(pos, col, -1)
	if !good || next < len(doc) || p.bad {
		return nil, false
	}
	if len(p.out) > 4*len(doc)+1<<20 {
		return nil, false
	}
	return p.out, true
}

// fyPool keeps parsers for their key stacks and scratch buffers.
var fyPool = sync.Pool{New: func() any { return &fyParser{keys: make([]fyKey, 0, 64)} }}

// release returns p to fyPool, without its document and output, and without
// buffers grown past what a usual document needs.
func (p *fyParser) release() {
	keys, scratch := p.keys[:0], p.scratch[:0]
	if cap(keys) > 1024 {
		keys = nil
	}
	if cap(scratch) > 64<<10 {
		scratch = nil
	}
	*p = fyParser{keys: keys, scratch: scratch}
	fyPool.Put(p)
}

// fastYAMLMaxDepth bounds the nesting of collections fastYAMLToJSON reads.
const fastYAMLMaxDepth = 1000

// fastYAMLMaxKey is how long (in bytes) a key may be, colon included: libyaml
// refuses an implicit key whose ':' is more than 1024 characters after its
// start; bytes are never fewer than characters.
const fastYAMLMaxKey = 1000

type fyParser struct {
	d       []byte
	out     []byte
	scratch []byte // decoded multi-line and escaped scalars
	keys    []fyKey
	depth   int
	bad     bool // a directive or document marker was found
}

// fyKey is where a mapping key's JSON string sits in out.
type fyKey struct{ start, end int }

// fastYAMLPrecheck refuses the bytes the parser never has to think about:
// what YAML forbids or reads as something other than text (control
// characters, tabs, CR, invalid UTF-8, BOM, the non-ASCII line breaks).
func fastYAMLPrecheck(d []byte) bool {
	const (
		ones  = 0x0101010101010101
		lows  = 0x7f7f7f7f7f7f7f7f
		highs = 0x8080808080808080
	)
	n := len(d)
	for i := 0; i < n; {
		if i+8 <= n {
			// Eight bytes at once: line breaks, or printable ASCII.
			w := binary.LittleEndian.Uint64(d[i:])
			x := w ^ 0x0a0a0a0a0a0a0a0a
			nl := ^((x&lows + lows) | x | lows) // 0x80 in each '\n' byte
			w |= nl >> 2                        // '\n' becomes '*'
			del := w ^ lows
			if (w-0x20*ones)&^w&highs|w&highs|(del-ones)&^del&highs == 0 {
				i += 8
				continue
			}
		}
		b := d[i]
		if b >= 0x20 && b < 0x7f || b == '\n' {
			i++
			continue
		}
		if b < 0x80 {
			return false
		}
		r, size := utf8.DecodeRune(d[i:])
		if r == utf8.RuneError && size == 1 {
			return false
		}
		switch {
		case r < 0xa0, r == 0x2028, r == 0x2029, r == 0xfeff, r == 0xfffe, r == 0xffff:
			return false
		}
		i += size
	}
	return true
}

// atMarker tells whether a directive or a document marker starts at i, the
// start of a line.
func atMarker(d []byte, i int) bool {
	switch b := d[i]; b {
	case '%':
		return true
	case '-', '.':
		return i+2 < len(d) && d[i+1] == b && d[i+2] == b && blankz(d, i+3)
	}
	return false
}

// nextContent skips blank and comment lines from pos, the start of a line,
// and returns where the next line's content starts and its column; pos is
// len(d) and col -1 at the end of the document.
func (p *fyParser) nextContent(pos int) (int, int) {
	d := p.d
	n := len(d)
	for pos < n {
		start := pos
		for pos < n && d[pos] == ' ' {
			pos++
		}
		if pos == n {
			break
		}
		switch d[pos] {
		case '\n':
			pos++
			continue
		case '#':
			i := bytes.IndexByte(d[pos:], '\n')
			if i < 0 {
				return n, -1
			}
			pos += i + 1
			continue
		}
		if pos == start && atMarker(d, pos) {
			// A directive or another document: not for this converter. The
			// parse goes on, and its result is dropped.
			p.bad = true
		}
		return pos, pos - start
	}
	return n, -1
}

// endOfLine checks that only spaces and a comment follow pos on its line, and
// returns the start of the next line.
func (p *fyParser) endOfLine(pos int) (int, bool) {
	d := p.d
	n := len(d)
	for pos < n && d[pos] == ' ' {
		pos++
	}
	if pos == n {
		return n, true
	}
	switch d[pos] {
	case '\n':
		return pos + 1, true
	case '#':
		i := bytes.IndexByte(d[pos:], '\n')
		if i < 0 {
			return n, true
		}
		return pos + i + 1, true
	}
	return 0, false
}

// afterValue is endOfLine then nextContent.
func (p *fyParser) afterValue(pos int) (int, int, bool) {
	next, ok := p.endOfLine(pos)
	if !ok {
		return 0, 0, false
	}
	np, nc := p.nextContent(next)
	return np, nc, true
}

func blankz(d []byte, i int) bool {
	return i >= len(d) || d[i] == ' ' || d[i] == '\n'
}

// isDash tells whether a block sequence entry starts at pos.
func (p *fyParser) isDash(pos int) bool {
	return pos < len(p.d) && p.d[pos] == '-' && blankz(p.d, pos+1)
}

// node reads the node whose content starts at pos, column col (the first on
// its line, or after "- "), inside a block collection at indentation parent
// (-1 at the top). It returns where the next content line starts and its
// column.
func (p *fyParser) node(pos, col, parent int) (int, int, bool) {
	d := p.d
	switch c := d[pos]; c {
	case '-':
		if blankz(d, pos+1) {
			return p.sequence(pos, col, false)
		}
	case '?':
		if blankz(d, pos+1) {
			return 0, 0, false
		}
	case '"', '\'':
		if p.quotedIsKey(pos) {
			return p.mapping(pos, col)
		}
		return p.scalar(pos, parent)
	}
	if p.plainIsKey(pos) {
		return p.mapping(pos, col)
	}
	return p.scalar(pos, parent)
}

// plainIsKey tells whether the line from pos holds "key:" (a plain key
// followed by ':' and a space or the line's end) before any comment.
func (p *fyParser) plainIsKey(pos int) bool {
	d := p.d
	if !plainStart(d, pos) {
		return false
	}
	for i := pos; i < len(d); i++ {
		switch d[i] {
		case '\n':
			return false
		case ':':
			if blankz(d, i+1) {
				return true
			}
		case '#':
			if d[i-1] == ' ' {
				return false
			}
		}
	}
	return false
}

// quotedIsKey tells whether the quoted scalar at pos, on one line, is
// followed by ':' and a space or the line's end.
func (p *fyParser) quotedIsKey(pos int) bool {
	_, end, multi, ok := p.quoted(pos)
	if !ok || multi {
		return false
	}
	d := p.d
	for end < len(d) && d[end] == ' ' {
		end++
	}
	return end < len(d) && d[end] == ':' && blankz(d, end+1)
}

// plainStart tells whether a plain scalar may start at pos (block context).
func plainStart(d []byte, pos int) bool {
	switch d[pos] {
	case ' ', '\n', ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', '\'', '"', '%', '@', '`':
		return false
	case '-':
		return pos+1 < len(d) && d[pos+1] != ' ' && d[pos+1] != '\n'
	case '?', ':':
		return !blankz(d, pos+1)
	}
	return true
}

// mapping reads a block mapping whose first key starts at pos, column m.
func (p *fyParser) mapping(pos, m int) (int, int, bool) {
	if p.depth++; p.depth > fastYAMLMaxDepth {
		return 0, 0, false
	}
	d := p.d
	base := len(p.keys)
	var set map[string]struct{}
	p.out = append(p.out, '{')
	first := true
	var np, nc int
	for {
		if !first {
			p.out = append(p.out, ',')
		}
		first = false
		// The key.
		kstart := len(p.out)
		colon, ok := p.key(pos)
		if !ok {
			return 0, 0, false
		}
		k := fyKey{kstart, len(p.out)}
		key := p.out[k.start:k.end]
		// Duplicates: a linear search while the mapping is small, a set after.
		if set != nil {
			if _, dup := set[string(key)]; dup {
				return 0, 0, false
			}
			set[string(key)] = struct{}{}
		} else {
			for _, o := range p.keys[base:] {
				if bytes.Equal(p.out[o.start:o.end], key) {
					return 0, 0, false
				}
			}
			p.keys = append(p.keys, k)
			if len(p.keys)-base > 16 {
				set = make(map[string]struct{}, 64)
				for _, o := range p.keys[base:] {
					set[string(p.out[o.start:o.end])] = struct{}{}
				}
			}
		}
		p.out = append(p.out, ':')
		// The value.
		pos = colon + 1
		for pos < len(d) && d[pos] == ' ' {
			pos++
		}
		if pos == len(d) || d[pos] == '\n' || d[pos] == '#' {
			next, _ := p.endOfLine(pos)
			np, nc = p.nextContent(next)
			switch {
			case nc > m:
				np, nc, ok = p.node(np, nc, m)
			case nc == m && p.isDash(np):
				np, nc, ok = p.sequence(np, m, true)
			default:
				p.out = append(p.out, "null"...)
			}
		} else {
			np, nc, ok = p.inlineValue(pos, m)
		}
		if !ok {
			return 0, 0, false
		}
		if nc != m {
			break
		}
		pos = np
	}
	if nc > m {
		return 0, 0, false
	}
	p.keys = p.keys[:base]
	p.out = append(p.out, '}')
	p.depth--
	return np, nc, true
}

// key reads a mapping key at pos into out as a JSON string and returns the
// position of its ':'.
func (p *fyParser) key(pos int) (int, bool) {
	d := p.d
	var colon int
	switch d[pos] {
	case '"', '\'':
		s, end, multi, ok := p.quoted(pos)
		if !ok || multi {
			return 0, false
		}
		for end < len(d) && d[end] == ' ' {
			end++
		}
		if end >= len(d) || d[end] != ':' || !blankz(d, end+1) {
			return 0, false
		}
		colon = end
		p.out = appendJSONString(p.out, s)
	default:
		if !plainStart(d, pos) {
			return 0, false
		}
		colon = -1
	scan:
		for i := pos; i < len(d); i++ {
			switch d[i] {
			case '\n':
				break scan
			case ':':
				if blankz(d, i+1) {
					colon = i
					break scan
				}
			case '#':
				if d[i-1] == ' ' {
					break scan
				}
			}
		}
		if colon < 0 {
			return 0, false
		}
		end := colon
		for d[end-1] == ' ' {
			end--
		}
		k := d[pos:end]
		switch plainKeyKind(k) {
		case fyString:
			p.out = appendJSONString(p.out, k)
		case fyBool:
			// sigs.k8s.io/yaml turns a bool key into "true" or "false".
			switch string(k) {
			case "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON":
				p.out = append(p.out, `"true"`...)
			default:
				p.out = append(p.out, `"false"`...)
			}
		default:
			return 0, false
		}
	}
	if colon-pos > fastYAMLMaxKey {
		return 0, false
	}
	return colon, true
}

// plainKeyKind resolves a plain key: fyString, fyBool, or fyBad for what
// this converter leaves to the general one (null, numbers, the merge key).
func plainKeyKind(k []byte) fyKind {
	switch resolveHint[k[0]] {
	case 0:
		if len(k) == 2 && k[0] == '<' && k[1] == '<' {
			return fyBad
		}
		return fyString
	case 'M':
		switch string(k) {
		case "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON",
			"n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF":
			return fyBool
		case "~", "null", "Null", "NULL":
			return fyBad
		}
		return fyString
	}
	if kind, _ := resolvePlain(k); kind == fyString {
		return fyString
	}
	return fyBad
}

// inlineValue reads the value that follows "key: " on the key's line.
func (p *fyParser) inlineValue(pos, m int) (int, int, bool) {
	d := p.d
	switch d[pos] {
	case '-', '?', ':':
		if blankz(d, pos+1) {
			return 0, 0, false
		}
	}
	return p.scalar(pos, m)
}

// sequence reads a block sequence whose first "-" is at pos, column s. An
// indentless sequence (at its parent key's column) ends at a line of that
// column that is not an entry.
func (p *fyParser) sequence(pos, s int, indentless bool) (int, int, bool) {
	if p.depth++; p.depth > fastYAMLMaxDepth {
		return 0, 0, false
	}
	d := p.d
	p.out = append(p.out, '[')
	first := true
	var np, nc int
	var ok bool
	for {
		if !first {
			p.out = append(p.out, ',')
		}
		first = false
		lineStart := pos - s
		pos++
		for pos < len(d) && d[pos] == ' ' {
			pos++
		}
		if pos == len(d) || d[pos] == '\n' || d[pos] == '#' {
			next, _ := p.endOfLine(pos)
			np, nc = p.nextContent(next)
			if nc > s {
				np, nc, ok = p.node(np, nc, s)
				if !ok {
					return 0, 0, false
				}
			} else {
				p.out = append(p.out, "null"...)
			}
		} else {
			np, nc, ok = p.node(pos, pos-lineStart, s)
			if !ok {
				return 0, 0, false
			}
		}
		if nc == s && p.isDash(np) {
			pos = np
			continue
		}
		if nc > s || nc == s && !indentless {
			return 0, 0, false
		}
		break
	}
	p.out = append(p.out, ']')
	p.depth--
	return np, nc, true
}

// scalar reads a scalar node (or {} or []) at pos, inside a block collection
// at indentation parent, and what follows it on its line.
func (p *fyParser) scalar(pos, parent int) (int, int, bool) {
	d := p.d
	switch d[pos] {
	case '"', '\'':
		s, end, _, ok := p.quoted(pos)
		if !ok {
			return 0, 0, false
		}
		p.out = appendJSONString(p.out, s)
		return p.afterValue(end)
	case '|', '>':
		s, next, ok := p.blockScalar(pos, parent)
		if !ok {
			return 0, 0, false
		}
		p.out = appendJSONString(p.out, s)
		np, nc := p.nextContent(next)
		return np, nc, true
	case '{', '[':
		closer := byte('}')
		if d[pos] == '[' {
			closer = ']'
		}
		i := pos + 1
		for i < len(d) && d[i] == ' ' {
			i++
		}
		if i == len(d) || d[i] != closer {
			return 0, 0, false
		}
		if closer == '}' {
			p.out = append(p.out, "{}"...)
		} else {
			p.out = append(p.out, "[]"...)
		}
		return p.afterValue(i + 1)
	}
	if !plainStart(d, pos) {
		return 0, 0, false
	}
	end, multi := p.plainEnd(pos, parent)
	v := d[pos:end]
	if multi {
		p.scratch = foldPlain(p.scratch[:0], v)
		v = p.scratch
	}
	if !p.appendPlain(v) {
		return 0, 0, false
	}
	return p.afterValue(end)
}

// plainEnd finds where the plain scalar starting at pos ends, as libyaml's
// scanner does: at ": ", at " #", at a line less indented than parent+1, or
// at a comment line. multi tells it spans lines.
func (p *fyParser) plainEnd(pos, parent int) (end int, multi bool) {
	d := p.d
	n := len(d)
	indent := parent + 1
	end = pos
	afterBreak := false
	for {
		start := pos
		for pos < n {
			c := d[pos]
			if c == ' ' || c == '\n' {
				break
			}
			if c == ':' && blankz(d, pos+1) {
				break
			}
			pos++
		}
		if pos > start {
			end = pos
			if afterBreak {
				multi = true
			}
		}
		if pos == n || d[pos] == ':' {
			return end, multi
		}
		lineStart := -1
		for pos < n && (d[pos] == ' ' || d[pos] == '\n') {
			if d[pos] == '\n' {
				lineStart = pos + 1
			}
			pos++
		}
		if lineStart >= 0 {
			if pos-lineStart < indent {
				return end, multi
			}
			if pos == lineStart && pos < n && atMarker(d, pos) && d[pos] != '%' {
				// A document marker ends the scalar, and the document.
				p.bad = true
				return end, multi
			}
			afterBreak = true
		}
		if pos == n || d[pos] == '#' {
			return end, multi
		}
	}
}

// foldPlain joins the lines of a multi-line plain scalar: a single line break
// becomes a space, n > 1 breaks become n-1 newlines, and the spaces around
// breaks go.
func foldPlain(dst, v []byte) []byte {
	breaks := 0
	for len(v) > 0 {
		line := v
		i := bytes.IndexByte(v, '\n')
		if i >= 0 {
			line, v = v[:i], v[i+1:]
		} else {
			v = nil
		}
		line = bytes.Trim(line, " ")
		if len(line) == 0 {
			breaks++
			continue
		}
		if breaks == 1 {
			dst = append(dst, ' ')
		}
		for ; breaks > 1; breaks-- {
			dst = append(dst, '\n')
		}
		dst = append(dst, line...)
		breaks = 1
	}
	return dst
}

// quoted reads the quoted scalar at pos: its value (in d or in scratch), the
// position after its closing quote, and whether it spans lines.
func (p *fyParser) quoted(pos int) (s []byte, end int, multi bool, ok bool) {
	d := p.d
	single := d[pos] == '\''
	// The common case: one line, no escapes.
	if single {
		if i := bytes.IndexByte(d[pos+1:], '\''); i >= 0 {
			q := pos + 1 + i
			if (q+1 >= len(d) || d[q+1] != '\'') && bytes.IndexByte(d[pos+1:q], '\n') < 0 {
				return d[pos+1 : q], q + 1, false, true
			}
		}
	} else {
		for i := pos + 1; i < len(d); i++ {
			c := d[i]
			if c == '"' {
				return d[pos+1 : i], i + 1, false, true
			}
			if c == '\\' || c == '\n' {
				break
			}
		}
	}
	return p.quotedSlow(pos, single)
}

// quotedSlow is libyaml's yaml_parser_scan_flow_scalar.
func (p *fyParser) quotedSlow(pos int, single bool) (s []byte, end int, multi bool, ok bool) {
	d := p.d
	n := len(d)
	s = p.scratch[:0]
	pos++
	var whitespaces, leadingBreak, trailingBreaks int
	wsStart := 0
	for {
		if pos >= n {
			return nil, 0, false, false
		}
		if (d[pos-1] == '\n') && d[pos] != '%' && atMarker(d, pos) {
			return nil, 0, false, false
		}
		leadingBlanks := false
		for pos < n && d[pos] != ' ' && d[pos] != '\n' {
			c := d[pos]
			if single {
				if c == '\'' {
					if pos+1 < n && d[pos+1] == '\'' {
						s = append(s, '\'')
						pos += 2
						continue
					}
					break
				}
				s = append(s, c)
				pos++
				continue
			}
			if c == '"' {
				break
			}
			if c != '\\' {
				s = append(s, c)
				pos++
				continue
			}
			if pos+1 < n && d[pos+1] == '\n' {
				// An escaped line break.
				pos += 2
				leadingBlanks = true
				multi = true
				break
			}
			if pos+1 >= n {
				return nil, 0, false, false
			}
			code := 0
			switch d[pos+1] {
			case '0':
				s = append(s, 0)
			case 'a':
				s = append(s, 7)
			case 'b':
				s = append(s, 8)
			case 't':
				s = append(s, 9)
			case 'n':
				s = append(s, 10)
			case 'v':
				s = append(s, 11)
			case 'f':
				s = append(s, 12)
			case 'r':
				s = append(s, 13)
			case 'e':
				s = append(s, 0x1b)
			case ' ':
				s = append(s, ' ')
			case '"':
				s = append(s, '"')
			case '\'':
				s = append(s, '\'')
			case '\\':
				s = append(s, '\\')
			case 'N':
				s = append(s, 0xc2, 0x85)
			case '_':
				s = append(s, 0xc2, 0xa0)
			case 'L':
				s = append(s, 0xe2, 0x80, 0xa8)
			case 'P':
				s = append(s, 0xe2, 0x80, 0xa9)
			case 'x':
				code = 2
			case 'u':
				code = 4
			case 'U':
				code = 8
			default:
				return nil, 0, false, false
			}
			pos += 2
			if code > 0 {
				if pos+code > n {
					return nil, 0, false, false
				}
				v := 0
				for k := 0; k < code; k++ {
					h := unhex(d[pos+k])
					if h < 0 {
						return nil, 0, false, false
					}
					v = v<<4 + h
				}
				if v >= 0xd800 && v <= 0xdfff || v > 0x10ffff {
					return nil, 0, false, false
				}
				s = utf8.AppendRune(s, rune(v))
				pos += code
			}
		}
		if pos >= n {
			return nil, 0, false, false
		}
		if single && d[pos] == '\'' || !single && d[pos] == '"' {
			break
		}
		// Blanks and breaks.
		for pos < n && (d[pos] == ' ' || d[pos] == '\n') {
			if d[pos] == ' ' {
				if !leadingBlanks {
					if whitespaces == 0 {
						wsStart = pos
					}
					whitespaces++
				}
			} else {
				multi = true
				if !leadingBlanks {
					whitespaces = 0
					leadingBreak = 1
					leadingBlanks = true
				} else {
					trailingBreaks++
				}
			}
			pos++
		}
		if leadingBlanks {
			if leadingBreak > 0 {
				if trailingBreaks == 0 {
					s = append(s, ' ')
				}
			}
			for ; trailingBreaks > 0; trailingBreaks-- {
				s = append(s, '\n')
			}
			leadingBreak = 0
		} else {
			s = append(s, d[wsStart:wsStart+whitespaces]...)
			whitespaces = 0
		}
	}
	p.scratch = s
	return s, pos + 1, multi, true
}

func unhex(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

// blockScalar is libyaml's yaml_parser_scan_block_scalar for the block scalar
// whose indicator is at pos, inside a block collection at indentation parent.
// It returns the value and the start of the line where it stopped.
func (p *fyParser) blockScalar(pos, parent int) ([]byte, int, bool) {
	d := p.d
	n := len(d)
	literal := d[pos] == '|'
	pos++
	chomping, increment := 0, 0
	if pos < n && (d[pos] == '+' || d[pos] == '-') {
		chomping = 1
		if d[pos] == '-' {
			chomping = -1
		}
		pos++
		if pos < n && d[pos] >= '0' && d[pos] <= '9' {
			if d[pos] == '0' {
				return nil, 0, false
			}
			increment = int(d[pos] - '0')
			pos++
		}
	} else if pos < n && d[pos] >= '0' && d[pos] <= '9' {
		if d[pos] == '0' {
			return nil, 0, false
		}
		increment = int(d[pos] - '0')
		pos++
		if pos < n && (d[pos] == '+' || d[pos] == '-') {
			chomping = 1
			if d[pos] == '-' {
				chomping = -1
			}
			pos++
		}
	}
	next, ok := p.endOfLine(pos)
	if !ok {
		return nil, 0, false
	}
	s := p.scratch[:0]
	if next == n && (n == 0 || d[n-1] != '\n') {
		// The header ends the document.
		return s, n, true
	}
	pos = next
	indent := 0
	if increment > 0 {
		if parent >= 0 {
			indent = parent + increment
		} else {
			indent = increment
		}
	}
	col := 0
	trailing := 0
	// breaks eats indentation and empty lines, and settles the indentation.
	breaks := func() {
		maxIndent := 0
		for {
			col = 0
			for (indent == 0 || col < indent) && pos < n && d[pos] == ' ' {
				pos++
				col++
			}
			if col > maxIndent {
				maxIndent = col
			}
			if pos < n && d[pos] == '\n' {
				trailing++
				pos++
				continue
			}
			break
		}
		if indent == 0 {
			indent = max(maxIndent, parent+1, 1)
		}
	}
	breaks()
	leadingBreak := 0
	leadingBlank := false
	for col == indent && pos < n {
		trailingBlank := d[pos] == ' '
		if !literal && !leadingBlank && !trailingBlank && leadingBreak > 0 {
			if trailing == 0 {
				s = append(s, ' ')
			}
		} else {
			for ; leadingBreak > 0; leadingBreak-- {
				s = append(s, '\n')
			}
		}
		leadingBreak = 0
		for ; trailing > 0; trailing-- {
			s = append(s, '\n')
		}
		leadingBlank = trailingBlank
		eol := bytes.IndexByte(d[pos:], '\n')
		if eol < 0 {
			s = append(s, d[pos:]...)
			pos = n
			break
		}
		s = append(s, d[pos:pos+eol]...)
		pos += eol + 1
		leadingBreak = 1
		breaks()
	}
	if chomping != -1 && leadingBreak > 0 {
		s = append(s, '\n')
	}
	if chomping == 1 {
		for ; trailing > 0; trailing-- {
			s = append(s, '\n')
		}
	}
	p.scratch = s
	if pos == n {
		return s, n, true
	}
	return s, pos - col, true
}

// Plain scalar resolution, after go.yaml.in/yaml/v2's resolve.go.

type fyKind int

const (
	fyString fyKind = iota
	fyNull
	fyBool
	fyNumber // JSON text in the second result
	fyBad    // no JSON form (.inf, .nan)
)

// resolveHint is yaml.v2's resolveTable.
var resolveHint = func() (t [256]byte) {
	t['+'], t['-'] = 'S', 'S'
	for c := '0'; c <= '9'; c++ {
		t[c] = 'D'
	}
	for _, c := range "yYnNtTfFoO~" {
		t[c] = 'M'
	}
	t['.'] = '.'
	return
}()

// inResolveMap tells whether v is one of yaml.v2's resolveMap words whose
// hint is 'M' (booleans and nulls).
func inResolveMap(v []byte) bool {
	switch string(v) {
	case "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON",
		"n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF",
		"~", "null", "Null", "NULL":
		return true
	}
	return false
}

// appendPlain appends the JSON form of a plain scalar.
func (p *fyParser) appendPlain(v []byte) bool {
	switch resolveHint[v[0]] {
	case 0:
		p.out = appendJSONString(p.out, v)
		return true
	case 'M':
		switch string(v) {
		case "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON":
			p.out = append(p.out, "true"...)
		case "n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF":
			p.out = append(p.out, "false"...)
		case "~", "null", "Null", "NULL":
			p.out = append(p.out, "null"...)
		default:
			p.out = appendJSONString(p.out, v)
		}
		return true
	case 'D':
		// The common case: a short decimal integer without leading zeros.
		if len(v) <= 18 && (v[0] != '0' || len(v) == 1) {
			all := true
			for _, c := range v {
				if c < '0' || c > '9' {
					all = false
					break
				}
			}
			if all {
				p.out = append(p.out, v...)
				return true
			}
		}
	}
	kind, num := resolvePlain(v)
	switch kind {
	case fyString:
		p.out = appendJSONString(p.out, v)
	case fyNumber:
		p.out = append(p.out, num...)
	default:
		// resolvePlain leaves null and bool to the 'M' case above.
		return false
	}
	return true
}

// resolvePlain resolves a plain scalar whose first byte is a sign, a digit or
// a dot, as yaml.v2's resolve does for an untagged scalar decoded into an
// interface{}, and gives a number's JSON text as encoding/json prints it.
// (A timestamp decodes to its text, like any string.) Each strconv call of
// resolve is made only when the text has the syntax the call accepts: the
// others would fail, and failing allocates.
func resolvePlain(v []byte) (fyKind, string) {
	switch string(v) {
	case ".nan", ".NaN", ".NAN", ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF":
		return fyBad, ""
	}
	switch resolveHint[v[0]] {
	case 'M':
		if inResolveMap(v) {
			return fyBad, "" // bool or null: not for this function
		}
		return fyString, ""
	case '.':
		for _, c := range v {
			if !(c >= '0' && c <= '9' || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-' || c == '_') {
				return fyString, ""
			}
		}
		if f, err := strconv.ParseFloat(string(v), 64); err == nil {
			return jsonFloat(f)
		}
	case 'D', 'S':
		plain := v
		if bytes.IndexByte(v, '_') >= 0 {
			plain = bytes.ReplaceAll(v, []byte("_"), nil)
			if len(plain) == 0 {
				return fyString, ""
			}
		}
		if n, ok := shortDecimal(plain); ok {
			return fyNumber, strconv.FormatInt(n, 10)
		}
		if intSyntax(plain) {
			if i, err := strconv.ParseInt(string(plain), 0, 64); err == nil {
				return fyNumber, strconv.FormatInt(i, 10)
			}
			if u, err := strconv.ParseUint(string(plain), 0, 64); err == nil {
				return fyNumber, strconv.FormatUint(u, 10)
			}
		}
		if yamlStyleFloat(plain) {
			if f, err := strconv.ParseFloat(string(plain), 64); err == nil {
				return jsonFloat(f)
			}
		}
		if bytes.HasPrefix(plain, []byte("0b")) {
			if rest := plain[2:]; binarySyntax(rest, true) {
				if i, err := strconv.ParseInt(string(rest), 2, 64); err == nil {
					return fyNumber, strconv.FormatInt(i, 10)
				}
				if u, err := strconv.ParseUint(string(rest), 2, 64); err == nil {
					return fyNumber, strconv.FormatUint(u, 10)
				}
			}
		} else if bytes.HasPrefix(plain, []byte("-0b")) {
			if rest := plain[3:]; binarySyntax(rest, false) {
				if i, err := strconv.ParseInt("-"+string(rest), 2, 64); err == nil {
					return fyNumber, strconv.FormatInt(i, 10)
				}
			}
		}
	}
	return fyString, ""
}

// shortDecimal reads [+-]?[1-9][0-9]{0,17} or [+-]?0, which ParseInt reads
// the same way.
func shortDecimal(b []byte) (int64, bool) {
	neg := false
	if len(b) > 0 && (b[0] == '+' || b[0] == '-') {
		neg = b[0] == '-'
		b = b[1:]
	}
	if len(b) == 0 || len(b) > 18 || b[0] == '0' && len(b) > 1 {
		return 0, false
	}
	var n int64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	if neg {
		n = -n
	}
	return n, true
}

// intSyntax matches [+-]?(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|[0-9]+),
// all that strconv.ParseInt and ParseUint accept in base 0 without
// underscores (and more: they refuse 08, or what overflows).
func intSyntax(b []byte) bool {
	if len(b) > 0 && (b[0] == '+' || b[0] == '-') {
		b = b[1:]
	}
	digit := func(c byte) bool { return c >= '0' && c <= '9' }
	if len(b) > 2 && b[0] == '0' {
		switch b[1] {
		case 'x', 'X':
			digit = func(c byte) bool { return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' }
			b = b[2:]
		case 'o', 'O':
			digit = func(c byte) bool { return c >= '0' && c <= '7' }
			b = b[2:]
		case 'b', 'B':
			digit = func(c byte) bool { return c == '0' || c == '1' }
			b = b[2:]
		}
	}
	if len(b) == 0 {
		return false
	}
	for _, c := range b {
		if !digit(c) {
			return false
		}
	}
	return true
}

// binarySyntax matches [01]+, after an optional sign if signed: what
// strconv.ParseInt and ParseUint accept in base 2.
func binarySyntax(b []byte, signed bool) bool {
	if signed && len(b) > 0 && (b[0] == '+' || b[0] == '-') {
		b = b[1:]
	}
	if len(b) == 0 {
		return false
	}
	for _, c := range b {
		if c != '0' && c != '1' {
			return false
		}
	}
	return true
}

// yamlStyleFloat matches ^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$.
func yamlStyleFloat(s []byte) bool {
	i := 0
	if i < len(s) && (s[i] == '-' || s[i] == '+') {
		i++
	}
	digits := func() int {
		j := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		return i - j
	}
	if i < len(s) && s[i] == '.' {
		i++
		if digits() == 0 {
			return false
		}
	} else {
		if digits() == 0 {
			return false
		}
		if i < len(s) && s[i] == '.' {
			i++
			digits()
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '-' || s[i] == '+') {
			i++
		}
		if digits() == 0 {
			return false
		}
	}
	return i == len(s)
}

// jsonFloat prints f as encoding/json does; NaN and infinities have no JSON form.
func jsonFloat(f float64) (fyKind, string) {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return fyBad, ""
	}
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b := strconv.AppendFloat(nil, f, format, -1, 64)
	if format == 'e' {
		// clean up e-09 to e-9
		n := len(b)
		if n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return fyNumber, string(b)
}

// jsonEscape marks the bytes a JSON string cannot hold as they are.
var jsonEscape = func() (t [256]bool) {
	for c := 0; c < 0x20; c++ {
		t[c] = true
	}
	t['"'], t['\\'] = true, true
	return
}()

// appendJSONString appends s (valid UTF-8) as a JSON string.
func appendJSONString(dst, s []byte) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !jsonEscape[c] {
			continue
		}
		dst = append(dst, s[start:i]...)
		switch c {
		case '"':
			dst = append(dst, '\\', '"')
		case '\\':
			dst = append(dst, '\\', '\\')
		case '\n':
			dst = append(dst, '\\', 'n')
		case '\t':
			dst = append(dst, '\\', 't')
		case '\r':
			dst = append(dst, '\\', 'r')
		default:
			const hex = "0123456789abcdef"
			dst = append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		}
		start = i + 1
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}
