package loader

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
)

// document is one object's bytes as found in a stream: a top-level value, or
// one element of a List's items (or of a bare array). Its kind may come from the
// enclosing List, since cluster-info dumps print items without kind.
type document struct {
	Raw  []byte
	YAML bool
	// Kind and APIVersion as found in the document itself (JSON only), or from the
	// enclosing List when the item has none.
	Kind, APIVersion string
	// ListKind is the enclosing List's kind ("" for a top-level object).
	ListKind string
	// ListLine is the line where the enclosing List starts (0 for a
	// top-level object): which objects one listing returned.
	ListLine int
	Line     int // line where the document starts
	Index    int // position in the enclosing List, -1 for a top-level document
	// BrokenString: a raw line break sits inside one of its strings (a
	// hard-wrapped paste); only the strict decoder reads it, and may repair it.
	BrokenString bool
}

// streamEvents receives what a splitter finds.
type streamEvents interface {
	document(d document)
	// logBlock receives a cluster-info dump's "==== START logs for container C of pod NS/P ====" block.
	logBlock(namespace, pod, container, text string, line int)
	// skipped reports bytes that could not be read as documents.
	skipped(line int, why string)
	// lost follows skipped when the bytes held objects: one item of a List,
	// a top-level value, or the rest of a List (see lostScope); kind is the
	// typed List's item kind or the value's own, "" when unknown.
	lost(kind string, scope lostScope)
	// list reports a typed List (kind "PodList", ...), even an empty one.
	list(kind string, line int)
}

// limits of the splitter; a document over maxDocument, or nested deeper than
// maxDepth (0: no limit), is skipped with a warning.
type splitLimits struct {
	maxDocument int64
	maxDepth    int
	maxObjects  int // 0: no limit
}

var (
	errDocumentTooLarge = errors.New("document too large")
	errTooDeep          = errors.New("document nested too deep")
	errTooManyObjects   = errors.New("document holds too many objects")
)

// tooLarge and tooDeep say why a document was skipped, and how to read it.
func (l splitLimits) tooLarge() string {
	return fmt.Sprintf("larger than %s; skipped (raise the limit with --max-document-bytes)", humanBytes(l.maxDocument))
}

func (l splitLimits) tooDeep() string {
	return fmt.Sprintf("nested deeper than %d levels; skipped (raise the limit with --max-depth)", l.maxDepth)
}

func (l splitLimits) tooManyObjects() string {
	return fmt.Sprintf("made of more than %d objects; skipped (raise the limit with --max-document-objects)", l.maxObjects)
}

// skipReason says why readValue refused a value, or "" for another error.
func (l splitLimits) skipReason(err error) string {
	switch err {
	case errDocumentTooLarge:
		return l.tooLarge()
	case errTooDeep:
		return l.tooDeep()
	case errTooManyObjects:
		return l.tooManyObjects()
	}
	return ""
}

// maxPendingBytes bounds the items of a List held until the List's kind is
// known (it may follow them): past it, they are handed out as they are.
const maxPendingBytes = 256 << 20

// logStart and logEnd frame the container logs that kubectl cluster-info dump
// prints between its Lists on stdout.
const (
	logStartPrefix = "==== START logs for container "
	logEndPrefix   = "==== END logs for container "
)

// parseLogHeader reads "==== START logs for container C of pod NS/P ====".
func parseLogHeader(line string) (namespace, pod, container string, ok bool) {
	line = strings.TrimRight(line, "\r\n ")
	if !strings.HasPrefix(line, logStartPrefix) || !strings.HasSuffix(line, " ====") {
		return "", "", "", false
	}
	rest := strings.TrimSuffix(strings.TrimPrefix(line, logStartPrefix), " ====")
	i := strings.LastIndex(rest, " of pod ")
	if i < 0 {
		return "", "", "", false
	}
	container = rest[:i]
	nsPod := rest[i+len(" of pod "):]
	j := strings.IndexByte(nsPod, '/')
	if j < 0 {
		return "", "", "", false
	}
	return nsPod[:j], nsPod[j+1:], container, container != ""
}

// lineReader reads lines, counting them, with a bound on line length so that a
// single 64 MiB line does not become a 64 MiB allocation.
type lineReader struct {
	r    *bufio.Reader
	line int // number of the line last returned
}

// readLine returns the next line including its newline; long lines are returned
// whole unless over max, in which case they are consumed and truncated.
func (lr *lineReader) readLine(max int) ([]byte, bool, error) {
	var out []byte
	truncated := false
	for {
		chunk, err := lr.r.ReadSlice('\n')
		if len(out)+len(chunk) <= max {
			out = append(out, chunk...)
		} else {
			truncated = true
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		if len(out) > 0 || len(chunk) > 0 {
			lr.line++
		}
		return out, truncated, err
	}
}

// jsonSplitter finds JSON values in a stream: concatenated objects, Lists whose
// items it hands out one by one as they complete (so a 300 MB List never sits
// whole in memory), bare arrays of objects, and cluster-info dump log blocks
// between values. It only tracks strings and brackets: a damaged object is
// handed out as it is and fails later, in the decoder, with its line. A value
// cut off in the middle of a concatenated stream is detected where the next
// top-level value or log block starts (see atBoundary), so that one damaged
// object never swallows the rest of the stream.
type jsonSplitter struct {
	r      *bufio.Reader
	events streamEvents
	limits splitLimits
	line   int // current line, 1-based
	layout streamLayout
	// breakInString reports the last value read had a raw line break in a string.
	breakInString bool
	// empties counts the top-level "{}" read since the last value, from line
	// emptiesFrom to emptiesTo.
	empties                int64
	emptiesFrom, emptiesTo int
	// objects counts the JSON objects of the document being read.
	objects int
	// indent is the indentation of the byte skipSpace stopped at when it
	// starts a line (spaces only), else -1.
	indent int
	// itemIndent is, while the items of an indented List are read, the
	// indentation of their opening braces (0: unknown). json.MarshalIndent
	// puts nothing else there, so such a line inside an item means the item
	// lost its closing brace and the next one starts (see atItemBoundary).
	itemIndent int
}

// streamLayout is how the stream's values are printed, found from the first
// one; it decides which line starts can only be a new top-level value.
type streamLayout int

const (
	layoutUnknown  streamLayout = iota
	layoutIndented              // json.MarshalIndent: nested lines are indented
	layoutFlat                  // pretty-printed, indentation lost (pasted from a terminal)
	layoutLines                 // one compact value per line
)

// errBoundary means a new top-level value (or a log block) starts inside the
// value being read: that value is cut off, and reading goes on from there.
var errBoundary = errors.New("a new top-level value starts inside this one")

// errItemBoundary means the next item of an indented List starts inside the
// item being read: that item is cut off, and the List goes on from there.
var errItemBoundary = errors.New("the next item starts inside this one")

func splitJSON(r *bufio.Reader, ev streamEvents, limits splitLimits) error {
	s := &jsonSplitter{r: r, events: ev, limits: limits, line: 1}
	return s.run()
}

func (s *jsonSplitter) run() error {
	defer s.endEmpties()
	for {
		c, err := s.skipSpace()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if c == '{' && s.emptyObject() {
			continue
		}
		s.endEmpties()
		switch c {
		case '{', '[':
			if err := s.topValue(); err != nil {
				if err == io.EOF {
					return nil
				}
				return err
			}
		default:
			if err := s.textLine(); err != nil {
				if err == io.EOF {
					return nil
				}
				return err
			}
		}
	}
}

// emptyObject consumes a top-level "{}", which holds no object: a run of
// them is named in one warning (see endEmpties), as millions of them would
// otherwise cost a warning and a decoding each.
func (s *jsonSplitter) emptyObject() bool {
	b, _ := s.r.Peek(64)
	i := 1
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r') {
		i++
	}
	if i >= len(b) || b[i] != '}' {
		return false
	}
	s.r.Discard(i + 1)
	if s.empties == 0 {
		s.emptiesFrom = s.line
	}
	s.empties++
	s.emptiesTo = s.line
	return true
}

// endEmpties reports the run of empty objects just read, if any.
func (s *jsonSplitter) endEmpties() {
	switch {
	case s.empties == 1:
		s.events.skipped(s.emptiesFrom, fmt.Sprintf("line %d: an empty object {}, no Kubernetes object; skipped", s.emptiesFrom))
	case s.empties > 1 && s.emptiesFrom == s.emptiesTo:
		s.events.skipped(s.emptiesFrom, fmt.Sprintf("line %d: %d empty objects {}, no Kubernetes objects; skipped", s.emptiesFrom, s.empties))
	case s.empties > 1:
		s.events.skipped(s.emptiesFrom, fmt.Sprintf("lines %d-%d: %d empty objects {}, no Kubernetes objects; skipped", s.emptiesFrom, s.emptiesTo, s.empties))
	}
	s.empties = 0
}

// skipSpace consumes whitespace and returns the next byte without consuming it.
func (s *jsonSplitter) skipSpace() (byte, error) {
	s.indent = -1
	for {
		b, err := s.r.ReadByte()
		if err != nil {
			return 0, err
		}
		switch b {
		case '\n':
			s.line++
			s.indent = 0
		case ' ':
			if s.indent >= 0 {
				s.indent++
			}
		case '\t', '\r', 0xEF, 0xBB, 0xBF: // BOM bytes included
			s.indent = -1
		default:
			return b, s.r.UnreadByte()
		}
	}
}

// textLine handles a line between JSON values: a log block, or text to skip.
func (s *jsonSplitter) textLine() error {
	start := s.line
	lr := &lineReader{r: s.r}
	line, _, err := lr.readLine(64 << 10)
	s.line += lr.line
	if ns, pod, container, ok := parseLogHeader(string(line)); ok {
		return s.logBody(ns, pod, container, start)
	}
	// Skip the run of text up to the next line that starts a value or a log.
	skippedTo := start
	for err == nil {
		b, perr := s.r.Peek(1)
		if perr != nil || b[0] == '{' || b[0] == '[' {
			break
		}
		if peek, _ := s.r.Peek(len(logStartPrefix)); string(peek) == logStartPrefix {
			break
		}
		_, _, err = lr.readLine(64 << 10)
		s.line = start + lr.line
		skippedTo = s.line - 1
	}
	s.events.skipped(start, fmt.Sprintf("lines %d-%d are not JSON; skipped", start, max(start, skippedTo)))
	return err
}

// logBody reads a log block up to its END marker.
func (s *jsonSplitter) logBody(namespace, pod, container string, start int) error {
	var body bytes.Buffer
	lr := &lineReader{r: s.r}
	const maxLog = 8 << 20
	for {
		line, _, err := lr.readLine(1 << 20)
		if strings.HasPrefix(string(line), logEndPrefix) {
			s.line += lr.line
			s.events.logBlock(namespace, pod, container, body.String(), start)
			return err
		}
		if body.Len() < maxLog {
			body.Write(line)
		}
		if err != nil {
			s.line += lr.line
			s.events.logBlock(namespace, pod, container, body.String(), start)
			s.events.skipped(start, fmt.Sprintf("line %d: log block has no END marker", start))
			return err
		}
	}
}

// valueScanner tracks JSON strings and nesting over bytes fed to it.
type valueScanner struct {
	depth int
	// itemIndent, when positive, stops the scan after a line break followed
	// by that many spaces and '{' (see jsonSplitter.itemIndent).
	itemIndent int
	// maxDepth, if positive, is the deepest nesting allowed; tooDeep is set
	// when it is passed.
	maxDepth int
	tooDeep  bool
	// objects counts the objects opened; tooMany is set past maxObjects
	// (negative: no limit).
	objects    int
	maxObjects int
	tooMany    bool
	inString   bool
	escape     bool
	// breakInString is set when a raw line break sits inside a string: invalid
	// JSON (a hard-wrapped paste) that only the strict decoder may repair.
	breakInString bool
}

// noteLayout decides the stream's layout from the first top-level value, whose
// opening byte has just been read.
func (s *jsonSplitter) noteLayout() {
	if s.layout != layoutUnknown {
		return
	}
	b, _ := s.r.Peek(64)
	b = bytes.TrimLeft(b, " \t\r")
	switch {
	case len(b) == 0:
	case b[0] != '\n':
		s.layout = layoutLines
	case len(b) > 1 && (b[1] == ' ' || b[1] == '\t'):
		s.layout = layoutIndented
	default:
		s.layout = layoutFlat
	}
}

// atBoundary reports whether the line about to be read can only start a new
// top-level value or a log block, so that a value still open there was cut off.
// Indented output puts "{" at column 0 only for top-level values; output whose
// indentation was lost still starts each List with "{" and a line
// `"kind": "...List"`, which no nested object of a dump has.
func (s *jsonSplitter) atBoundary() bool {
	if b, _ := s.r.Peek(1); len(b) == 0 || (b[0] != '{' && b[0] != '[' && b[0] != logStartPrefix[0]) {
		return false // the common case, decided without a longer look
	}
	b, _ := s.r.Peek(160)
	if bytes.HasPrefix(b, []byte(logStartPrefix)) {
		return true
	}
	if len(b) == 0 || (b[0] != '{' && !(s.layout == layoutLines && b[0] == '[')) {
		return false
	}
	if s.layout == layoutLines {
		return true
	}
	rest := bytes.TrimLeft(b[1:], " \t\r")
	if len(rest) == 0 || rest[0] != '\n' {
		return false
	}
	if s.layout == layoutIndented {
		return true
	}
	rest = bytes.TrimLeft(rest[1:], " \t\r")
	const kindKey = `"kind":`
	if !bytes.HasPrefix(rest, []byte(kindKey)) {
		return false
	}
	rest = bytes.TrimLeft(rest[len(kindKey):], " ")
	if len(rest) < 2 || rest[0] != '"' {
		return false
	}
	end := bytes.IndexByte(rest[1:], '"')
	return end > 0 && bytes.HasSuffix(rest[1:1+end], []byte("List"))
}

// topValue reads one top-level value. Objects with an "items" array are Lists:
// each item is handed out when it completes. Arrays are bare lists.
func (s *jsonSplitter) topValue() error {
	first, _ := s.r.ReadByte()
	startLine := s.line
	s.noteLayout()
	s.objects = 1
	if first == '[' {
		err := s.items(startLine, "", "", 0, s.events.document)
		if err == errBoundary {
			return nil
		}
		return err
	}
	// Read the object's top-level keys one by one.
	var top bytes.Buffer // the object without its items
	brokenString := false
	top.WriteByte('{')
	var kind, apiVersion string
	var pending []document // items without kind, waiting for the List's kind
	pendingBytes := 0
	sawItems := false
	// endList hands out the items kept for the List's kind, once it is known
	// or the List ends early.
	endList := func() {
		s.events.list(kind, startLine)
		for _, d := range pending {
			d.ListKind, d.Kind, d.APIVersion = kind, itemKind(kind), apiVersion
			s.events.document(d)
		}
		pending = nil
	}
	for {
		c, err := s.skipSpace()
		if err != nil {
			if sawItems {
				endList()
			}
			return s.truncated(startLine, err, topLoss(kind, sawItems))
		}
		if c == '}' {
			s.r.ReadByte()
			top.WriteByte('}')
			break
		}
		if c == ',' {
			s.r.ReadByte()
			top.WriteByte(',')
			continue
		}
		if c != '"' {
			// Not a key where a key must be: skip the rest as a damaged value.
			if sawItems {
				endList()
			}
			return s.damaged(startLine, topLoss(kind, sawItems))
		}
		keyIndent := s.indent
		key, err := s.readString()
		if err == nil {
			c, err = s.skipSpace()
			if err == nil && c != ':' {
				if sawItems {
					endList()
				}
				return s.damaged(startLine, topLoss(kind, sawItems))
			}
		}
		if err == nil {
			s.r.ReadByte()
			c, err = s.skipSpace()
		}
		if err != nil {
			if sawItems {
				endList()
			}
			return s.cutOff(startLine, err, topLoss(kind, sawItems))
		}
		if key == `"items"` && c == '[' {
			s.r.ReadByte()
			sawItems = true
			listKind, listAPI := kind, apiVersion
			// json.MarshalIndent indents each level alike: a List's items
			// twice as deep as its keys.
			err := s.items(startLine, listKind, listAPI, 2*max(keyIndent, 0), func(d document) {
				if d.Kind == "" && listKind == "" && pendingBytes+len(d.Raw) <= maxPendingBytes {
					pending = append(pending, d)
					pendingBytes += len(d.Raw)
					return
				}
				s.events.document(d)
			})
			if err != nil {
				endList()
				if err == errBoundary {
					return nil
				}
				return err
			}
			if top.Len() > 1 && top.Bytes()[top.Len()-1] != ',' && top.Bytes()[top.Len()-1] != '{' {
				top.WriteByte(',')
			}
			top.WriteString(`"items":[]`)
			continue
		}
		val, err := s.readValue(c, 1)
		brokenString = brokenString || s.breakInString
		if err == nil && key == `"items"` && string(val) == "null" {
			// An empty List as troubleshoot writes it.
			sawItems = true
			continue
		}
		if err != nil {
			if sawItems {
				endList()
			}
			if why := s.limits.skipReason(err); why != "" {
				s.events.skipped(startLine, fmt.Sprintf("line %d: object %s", startLine, why))
				s.lose(topLoss(kind, sawItems))
				return s.skipRest(1)
			}
			return s.cutOff(startLine, err, topLoss(kind, sawItems))
		}
		switch key {
		case `"kind"`:
			kind = unquote(val)
		case `"apiVersion"`:
			apiVersion = unquote(val)
		}
		top.WriteString(key)
		top.WriteByte(':')
		top.Write(val)
		if int64(top.Len()) > s.limits.maxDocument {
			s.events.skipped(startLine, fmt.Sprintf("line %d: object %s", startLine, s.limits.tooLarge()))
			s.lose(topLoss(kind, sawItems))
			return s.skipRest(1)
		}
	}
	if !sawItems {
		s.events.document(document{Raw: top.Bytes(), Kind: kind, APIVersion: apiVersion, Line: startLine, Index: -1, BrokenString: brokenString})
		return nil
	}
	endList()
	return nil
}

// itemKind is the kind of the items of a typed List: PodList -> Pod.
func itemKind(listKind string) string {
	if listKind == "List" || !strings.HasSuffix(listKind, "List") {
		return ""
	}
	return strings.TrimSuffix(listKind, "List")
}

// items reads the elements of an array whose '[' was consumed.
// indent is where the items' opening braces are expected, 0 if unknown: then
// the first item's tells.
func (s *jsonSplitter) items(listLine int, listKind, listAPI string, indent int, emit func(document)) error {
	defer func(saved int) { s.itemIndent = saved }(s.itemIndent)
	s.itemIndent = 0
	if s.layout == layoutIndented {
		s.itemIndent = indent
	}
	for i := 0; ; {
		c, err := s.skipSpace()
		if err != nil {
			return s.truncated(listLine, err, loss{itemKind(listKind), lostRest})
		}
		if i == 0 && c == '{' && s.layout == layoutIndented {
			// The first item tells where items start, whatever the keys said.
			s.itemIndent = max(s.indent, 0)
		}
		if s.itemIndent > 0 && c != '{' && c != ']' && c != ',' && c != '}' && c != 'n' {
			// Not an object where an item should start (its opening brace was
			// lost): skip to the next item, which keeps the List readable.
			line := s.line
			if err := s.skipToItem(); err != nil && err != errBoundary && err != io.EOF {
				return err
			} else if err != nil {
				s.events.skipped(line, fmt.Sprintf("line %d: text where item %d of %s should start; lines %d-%d were skipped, and the list ends there", line, i+1, orList(listKind), line, s.line-1))
				s.events.lost(itemKind(listKind), lostRest)
				return err
			}
			s.events.skipped(line, fmt.Sprintf("line %d: text where item %d of %s should start; lines %d-%d were skipped", line, i+1, orList(listKind), line, s.line-1))
			s.events.lost(itemKind(listKind), lostItem)
			i++
			continue
		}
		switch c {
		case ']':
			s.r.ReadByte()
			return nil
		case ',':
			s.r.ReadByte()
			continue
		case '}':
			// A stray closing brace: no value starts here.
			s.r.ReadByte()
			s.events.skipped(s.line, fmt.Sprintf("line %d: a '}' where item %d of %s should start; skipped", s.line, i+1, orList(listKind)))
			continue
		}
		line := s.line
		s.objects = 0
		val, err := s.readValue(c, 0)
		switch {
		case s.limits.skipReason(err) != "":
			s.events.skipped(line, fmt.Sprintf("line %d: item %d of %s is %s", line, i+1, orList(listKind), s.limits.skipReason(err)))
			s.events.lost(itemKind(listKind), lostItem)
			i++
			continue
		case err == errBoundary:
			s.events.skipped(line, fmt.Sprintf("line %d: item %d of %s is cut off: a new top-level object starts at line %d; lines %d-%d were skipped", line, i+1, orList(listKind), s.line, line, s.line-1))
			s.events.lost(itemKind(listKind), lostRest)
			return errBoundary
		case err == errItemBoundary:
			s.events.skipped(line, fmt.Sprintf("line %d: item %d of %s has no end: the next item starts at line %d; lines %d-%d were skipped", line, i+1, orList(listKind), s.line, line, s.line-1))
			s.events.lost(itemKind(listKind), lostItem)
			i++
			continue
		case err != nil && len(val) > 0:
			s.events.skipped(line, fmt.Sprintf("line %d: item %d of %s is cut off at the end of the input; skipped", line, i+1, orList(listKind)))
			s.events.lost(itemKind(listKind), lostRest)
			return io.EOF
		case err != nil:
			return s.truncated(listLine, err, loss{itemKind(listKind), lostRest})
		}
		if bytes.Equal(val, []byte("null")) {
			s.events.skipped(line, fmt.Sprintf("line %d: item %d of %s is null; skipped", line, i+1, orList(listKind)))
			i++
			continue
		}
		kind, api := peekTypeMeta(val)
		if kind == "" {
			kind, api = itemKind(listKind), listAPI
		}
		emit(document{Raw: val, Kind: kind, APIVersion: api, ListKind: listKind, ListLine: listLine, Line: line, Index: i, BrokenString: s.breakInString})
		i++
	}
}

func orList(kind string) string {
	if kind == "" || kind == "List" {
		return "the list"
	}
	return kind
}

// readString reads a JSON string starting at the current '"', returning it quoted.
func (s *jsonSplitter) readString() (string, error) {
	val, err := s.readValue('"', 0)
	return string(val), err
}

// readValue reads one complete JSON value starting with byte c (not consumed).
// Strings may hold raw line breaks (terminals hard-wrap long lines when a dump is
// pasted); they are kept, and the decoder repairs or reports the damage. At each
// line break inside the value, atBoundary decides whether the value was cut off.
// base is the depth of the value in its document: a value nested deeper than
// the limit is consumed, not kept, and reported as errTooDeep.
func (s *jsonSplitter) readValue(c byte, base int) ([]byte, error) {
	var out []byte
	sc := valueScanner{maxDepth: s.limits.maxDepth - base, maxObjects: -1}
	if base == 0 && c == '{' {
		sc.itemIndent = s.itemIndent
	}
	if s.limits.maxObjects > 0 {
		sc.maxObjects = max(s.limits.maxObjects-s.objects, 0)
	}
	defer func() { s.objects += sc.objects }()
	switch c {
	case '{', '[', '"':
	default:
		// A literal: number, true, false, null.
		for {
			b, err := s.r.ReadByte()
			if err != nil {
				return out, err
			}
			if b == ',' || b == '}' || b == ']' || b == ' ' || b == '\n' || b == '\r' || b == '\t' {
				s.r.UnreadByte()
				return out, nil
			}
			out = append(out, b)
			if len(out) > 1024 {
				return out, fmt.Errorf("line %d: not JSON", s.line)
			}
		}
	}
	tooLarge := false
	for {
		buf, err := s.r.Peek(max(s.r.Buffered(), 1))
		if len(buf) == 0 {
			if err == nil {
				err = io.ErrUnexpectedEOF
			}
			return out, err
		}
		n, done := sc.feed(buf)
		newline := n > 0 && buf[n-1] == '\n'
		s.line += bytes.Count(buf[:n], []byte{'\n'})
		if !tooLarge {
			out = append(out, buf[:n]...)
		}
		s.r.Discard(n)
		s.breakInString = sc.breakInString
		if (sc.tooDeep || sc.tooMany) && !tooLarge {
			// Consume the rest of this value without keeping it.
			tooLarge, out = true, nil
		}
		if done {
			switch {
			case sc.tooDeep:
				return nil, errTooDeep
			case sc.tooMany:
				return nil, errTooManyObjects
			case tooLarge:
				return nil, errDocumentTooLarge
			}
			return out, nil
		}
		if newline && s.atBoundary() {
			return out, errBoundary
		}
		if newline && sc.itemIndent > 0 && !sc.inString && s.atItemBoundary() {
			return out, errItemBoundary
		}
		if !tooLarge && int64(len(out)) > s.limits.maxDocument {
			// Consume the rest of this value without keeping it.
			tooLarge, out = true, nil
		}
	}
}

// feed scans buf and returns how many bytes belong to the value and whether it
// ended. It also stops after a line break that may start a new top-level value
// (the next byte is '{', '[' or '=', or not yet buffered), so that the caller
// can look at that line; other line breaks are scanned through.
func (sc *valueScanner) feed(buf []byte) (int, bool) {
	for i := 0; i < len(buf); i++ {
		if sc.inString {
			if sc.escape {
				sc.escape = false
				if buf[i] == '\n' && mayStartValue(buf, i) {
					return i + 1, false
				}
				continue
			}
			// Jump to the next quote, backslash or line break.
			for i < len(buf) && !stringStop[buf[i]] {
				i++
			}
			if i == len(buf) {
				return len(buf), false
			}
			switch buf[i] {
			case '\n':
				sc.breakInString = true
				if mayStartValue(buf, i) {
					return i + 1, false
				}
				continue
			case '\\':
				sc.escape = true
				continue
			}
			sc.inString = false
			if sc.depth == 0 {
				return i + 1, true
			}
			continue
		}
		switch buf[i] {
		case '"':
			sc.inString = true
		case '{', '[':
			sc.depth++
			if sc.maxDepth > 0 && sc.depth > sc.maxDepth {
				sc.tooDeep = true
			}
			if buf[i] == '{' {
				sc.objects++
				if sc.maxObjects >= 0 && sc.objects > sc.maxObjects {
					sc.tooMany = true
				}
			}
		case '}', ']':
			sc.depth--
			if sc.depth <= 0 {
				return i + 1, true
			}
		case '\n':
			if mayStartValue(buf, i) || sc.mayStartItem(buf, i) {
				return i + 1, false
			}
		}
	}
	return len(buf), false
}

// mayStartItem tells whether the line after the break at buf[i] may start
// the next item of an indented List (or is not buffered far enough to tell).
func (sc *valueScanner) mayStartItem(buf []byte, i int) bool {
	if sc.itemIndent <= 0 {
		return false
	}
	j := i + 1 + sc.itemIndent
	if j >= len(buf) {
		return true
	}
	return buf[j] == '{' && isSpaces(buf[i+1:j])
}

func isSpaces(b []byte) bool {
	for _, c := range b {
		if c != ' ' {
			return false
		}
	}
	return true
}

// atItemBoundary reports whether the line about to be read starts the next
// item of the indented List being read: its indentation and then '{'.
func (s *jsonSplitter) atItemBoundary() bool {
	b, _ := s.r.Peek(s.itemIndent + 1)
	return len(b) == s.itemIndent+1 && b[s.itemIndent] == '{' && isSpaces(b[:s.itemIndent])
}

// skipToItem skips lines up to the next line that starts an item of the
// indented List being read, or ends the List (a ']' indented less), or starts
// a new top-level value (errBoundary).
func (s *jsonSplitter) skipToItem() error {
	for {
		if _, err := s.r.ReadSlice('\n'); err != nil && err != bufio.ErrBufferFull {
			return err
		} else if err == nil {
			s.line++
		}
		if s.atBoundary() {
			return errBoundary
		}
		if s.atItemBoundary() {
			return nil
		}
		b, _ := s.r.Peek(s.itemIndent + 1)
		if t := bytes.TrimLeft(b, " "); len(t) > 0 && t[0] == ']' && len(b)-len(t) < s.itemIndent {
			return nil
		}
	}
}

// stringStop marks the bytes that end a run of plain string content: a quote,
// a backslash or a line break (most strings are short, so a table beats
// bytes.IndexAny, which builds its set on every call).
var stringStop = [256]bool{'"': true, '\\': true, '\n': true}

// mayStartValue tells whether the line after the break at buf[i] may start a
// top-level value or a log block.
func mayStartValue(buf []byte, i int) bool {
	if i+1 >= len(buf) {
		return true
	}
	c := buf[i+1]
	return c == '{' || c == '[' || c == logStartPrefix[0]
}

// loss is what a skipped stretch of input held (see lostScope).
type loss struct {
	kind  string
	scope lostScope
}

func (s *jsonSplitter) lose(l loss) {
	if l.scope != lostNone {
		s.events.lost(l.kind, l.scope)
	}
}

// topLoss is what a top-level object skipped before its end held: nothing
// more than its own keys once its items were read; the rest of a List whose
// kind says it is one; else one object, maybe a List.
func topLoss(kind string, sawItems bool) loss {
	switch {
	case sawItems:
		return loss{scope: lostNone}
	case kind == "List" || strings.HasSuffix(kind, "List"):
		return loss{validKind(itemKind(kind)), lostRest}
	}
	return loss{validKind(kind), lostTop}
}

// truncated reports an input that ended inside a value.
func (s *jsonSplitter) truncated(line int, err error, l loss) error {
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		s.events.skipped(line, fmt.Sprintf("line %d: the input ends inside the object that starts here; the rest of it was skipped", line))
		s.lose(l)
		return io.EOF
	}
	return err
}

// cutOff reports a top-level object that ended early: at the end of the input,
// or where a new top-level value starts (reading goes on from there).
func (s *jsonSplitter) cutOff(line int, err error, l loss) error {
	if err == errBoundary {
		s.events.skipped(line, fmt.Sprintf("line %d: the object that starts here is cut off: a new top-level object starts at line %d; lines %d-%d were skipped", line, s.line, line, s.line-1))
		s.lose(l)
		return nil
	}
	return s.truncated(line, err, l)
}

// damaged skips the rest of a top-level object whose structure is broken.
func (s *jsonSplitter) damaged(line int, l loss) error {
	near := s.line
	err := s.skipRest(1)
	s.events.skipped(line, fmt.Sprintf("line %d: the object that starts here is not valid JSON (near line %d); lines %d-%d were skipped", line, near, line, max(line, s.line-1)))
	s.lose(l)
	return err
}

// skipRest consumes the rest of a value at the given depth, stopping early
// where a new top-level value starts.
func (s *jsonSplitter) skipRest(depth int) error {
	sc := valueScanner{depth: depth, maxObjects: -1}
	for {
		buf, err := s.r.Peek(max(s.r.Buffered(), 1))
		if len(buf) == 0 {
			if err == io.EOF {
				return nil
			}
			return err
		}
		n, done := sc.feed(buf)
		newline := n > 0 && buf[n-1] == '\n'
		s.line += bytes.Count(buf[:n], []byte{'\n'})
		s.r.Discard(n)
		if done || (newline && s.atBoundary()) {
			return nil
		}
	}
}

// peekTypeMeta finds the top-level "kind" and "apiVersion" of a JSON object
// without decoding it: it scans keys at depth 1 only.
func peekTypeMeta(obj []byte) (kind, apiVersion string) {
	depth := 0
	for i := 0; i < len(obj); i++ {
		switch obj[i] {
		case '"':
			end := stringEnd(obj, i)
			if end < 0 {
				return
			}
			if depth == 1 {
				key := obj[i+1 : end]
				j := end + 1
				for j < len(obj) && (obj[j] == ' ' || obj[j] == '\n' || obj[j] == '\r' || obj[j] == '\t') {
					j++
				}
				if j < len(obj) && obj[j] == ':' {
					j++
					for j < len(obj) && (obj[j] == ' ' || obj[j] == '\n' || obj[j] == '\r' || obj[j] == '\t') {
						j++
					}
					if j < len(obj) && obj[j] == '"' {
						vend := stringEnd(obj, j)
						if vend < 0 {
							return
						}
						switch string(key) {
						case "kind":
							kind = string(obj[j+1 : vend])
						case "apiVersion":
							apiVersion = string(obj[j+1 : vend])
						}
						if kind != "" && apiVersion != "" {
							return
						}
						i = vend
						continue
					}
				}
			}
			i = end
		case '{', '[':
			depth++
		case '}', ']':
			depth--
		}
	}
	return
}

// stringEnd returns the index of the quote closing the string opened at i.
func stringEnd(b []byte, i int) int {
	for j := i + 1; j < len(b); j++ {
		switch b[j] {
		case '\\':
			j++
		case '"':
			return j
		}
	}
	return -1
}

func unquote(val []byte) string {
	if len(val) >= 2 && val[0] == '"' && val[len(val)-1] == '"' {
		return string(val[1 : len(val)-1])
	}
	return string(val)
}

// yamlSplitter finds documents in a YAML stream: documents separated by "---",
// Lists whose items it hands out one by one (kubectl prints "items:" at column 0
// with each item starting "- "), and cluster-info dump log blocks. It reads line
// by line and never parses YAML itself; the decoder does, per document.
type yamlSplitter struct {
	lr     *lineReader
	events streamEvents
	limits splitLimits

	doc     bytes.Buffer // the document (for a List: without its items)
	docLine int
	kind    string
	api     string
	inItems bool
	isList  bool
	// itemsKey: the document has an "items:" key (a List, not a bare sequence).
	itemsKey  bool
	itemCol   int // column of the items' "- "
	item      bytes.Buffer
	itemLine  int
	itemIndex int
	tooLarge  bool
	pending   []document // items without kind, until the List's kind is known
	// pendingBytes bounds pending (see maxPendingBytes).
	pendingBytes int
}

func splitYAML(r *bufio.Reader, ev streamEvents, limits splitLimits) error {
	s := &yamlSplitter{lr: &lineReader{r: r}, events: ev, limits: limits, itemCol: -1}
	for {
		line, truncated, err := s.lr.readLine(int(min(limits.maxDocument, 1<<30)))
		if len(line) > 0 {
			if truncated {
				s.events.skipped(s.lr.line, fmt.Sprintf("line %d is longer than %s; the document holding it was skipped (raise the limit with --max-document-bytes)", s.lr.line, humanBytes(limits.maxDocument)))
				s.dropCurrent()
			} else if ns, pod, container, ok := parseLogHeader(string(line)); ok {
				s.flushDoc()
				if lerr := s.logBody(ns, pod, container); lerr != nil {
					err = lerr
				}
			} else {
				s.line(line)
			}
		}
		if err != nil {
			if err == io.EOF {
				s.endOfInput()
			}
			s.flushDoc()
			if err == io.EOF {
				return nil
			}
			return err
		}
	}
}

// endOfInput notes a List the input ends inside of: kubectl and oc write a
// List's kind after its items (keys sorted), so a List with items and no
// kind is cut off, and how many items were lost is unknown.
func (s *yamlSplitter) endOfInput() {
	if !s.itemsKey || s.kind != "" {
		return
	}
	last := s.lr.line
	s.events.skipped(s.docLine, fmt.Sprintf("line %d: the List that starts here has no kind: after its items, where kubectl writes it: the input looks cut off at line %d, and items after it may be missing", s.docLine, last))
	s.events.lost("", lostRest)
	if s.inItems && s.item.Len() > 0 {
		// The item the input ends in may have lost its last lines (a Secret
		// without its type reads as Opaque): it is not read.
		s.events.skipped(s.itemLine, fmt.Sprintf("line %d: item %d of the List is where the input is cut off, and may be incomplete; skipped", s.itemLine, s.itemIndex+1))
		s.events.lost("", lostItem)
		s.item.Reset()
		s.itemLine = 0
	}
}

func (s *yamlSplitter) logBody(namespace, pod, container string) error {
	start := s.lr.line
	var body bytes.Buffer
	for {
		line, _, err := s.lr.readLine(1 << 20)
		if strings.HasPrefix(string(line), logEndPrefix) {
			s.events.logBlock(namespace, pod, container, body.String(), start)
			return err
		}
		if body.Len() < 8<<20 {
			body.Write(line)
		}
		if err != nil {
			s.events.logBlock(namespace, pod, container, body.String(), start)
			s.events.skipped(start, fmt.Sprintf("line %d: log block has no END marker", start))
			return err
		}
	}
}

func isDocSeparator(line []byte) bool {
	t := bytes.TrimRight(line, "\r\n")
	return bytes.Equal(t, []byte("---")) || bytes.HasPrefix(t, []byte("--- ")) || bytes.Equal(t, []byte("..."))
}

// isTopLevelKey tells a line that starts a mapping key at column 0 ("kind:
// List", "metadata:", "\"key\": v") from text that is not YAML.
func isTopLevelKey(line []byte) bool {
	if len(line) > 0 && (line[0] == '"' || line[0] == '\'') {
		end := bytes.IndexByte(line[1:], line[0])
		return end >= 0 && bytes.HasPrefix(line[end+2:], []byte(":"))
	}
	key, rest, found := bytes.Cut(line, []byte(":"))
	if !found || len(key) == 0 || (len(rest) > 0 && rest[0] != ' ' && rest[0] != '\t') {
		return false
	}
	for _, c := range key {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.' || c == '/') {
			return false
		}
	}
	return true
}

func indentOf(line []byte) int {
	n := 0
	for n < len(line) && line[n] == ' ' {
		n++
	}
	return n
}

func (s *yamlSplitter) line(line []byte) {
	if isDocSeparator(line) {
		s.flushDoc()
		return
	}
	trimmed := bytes.TrimRight(line, "\r\n")
	blank := len(bytes.TrimSpace(trimmed)) == 0 || bytes.HasPrefix(bytes.TrimLeft(trimmed, " "), []byte("#"))
	if s.doc.Len() == 0 && s.item.Len() == 0 && !s.inItems {
		if blank {
			return
		}
		s.docLine = s.lr.line
	}
	col := indentOf(trimmed)
	if !blank && col == 0 && trimmed[0] == '-' && (len(trimmed) == 1 || trimmed[1] == ' ') && s.item.Len() == 0 && !s.inItems && (s.doc.Len() == 0 || s.isList) {
		// A document that is a bare sequence of objects (troubleshoot's
		// custom-resources/*.yaml): each element is an item. In a List, items
		// after one of its own keys are still items.
		if s.doc.Len() == 0 {
			s.itemCol = -1
		}
		s.inItems, s.isList = true, true
	}
	if !blank && col == 0 && trimmed[0] != '-' && s.inItems && !isTopLevelKey(trimmed) {
		// Not YAML at all (a shell prompt or a note pasted between items):
		// skipped, and the items go on.
		s.events.skipped(s.lr.line, fmt.Sprintf("line %d is not YAML (text pasted inside a List's items?); skipped", s.lr.line))
		return
	}
	if !blank && col == 0 && trimmed[0] != '-' {
		// A top-level key ends an items block.
		if s.inItems {
			s.flushItem()
			s.inItems = false
		}
		key, value, _ := bytes.Cut(trimmed, []byte(":"))
		value = bytes.TrimSpace(value)
		switch string(key) {
		case "kind":
			s.kind = string(bytes.Trim(value, `"'`))
		case "apiVersion":
			s.api = string(bytes.Trim(value, `"'`))
		case "items":
			if len(value) == 0 {
				s.inItems, s.isList, s.itemsKey, s.itemCol = true, true, true, -1
				return
			}
			if string(value) == "[]" || string(value) == "null" || string(value) == "~" {
				s.isList = true
			}
		}
		s.appendDoc(line)
		return
	}
	if s.inItems {
		if !blank && trimmed[col] == '-' && (len(trimmed) == col+1 || trimmed[col+1] == ' ') && (s.itemCol < 0 || col == s.itemCol) {
			s.flushItem()
			s.itemCol = col
			s.itemLine = s.lr.line
			if len(trimmed) == col+1 {
				// A bare "-": the item's content starts on the next line.
				s.appendItem([]byte("\n"))
				return
			}
			// "- apiVersion: v1" becomes "  apiVersion: v1" so that dedenting by
			// itemCol+2 gives the item as a document of its own.
			s.appendItem(append(append(bytes.Repeat([]byte(" "), col), ' ', ' '), line[col+2:]...))
			return
		}
		if s.item.Len() > 0 || blank {
			s.appendItem(line)
			return
		}
	}
	s.appendDoc(line)
}

// dropCurrent skips the item or document being read: a line of it was too
// long to keep, and what remains of it would read as a different object.
func (s *yamlSplitter) dropCurrent() {
	if s.inItems && s.item.Len() > 0 {
		s.events.lost(itemKind(s.kind), lostItem)
		s.item.Reset()
		s.itemLine = -1
		return
	}
	s.events.lost(validKind(s.kind), lostTop)
	s.tooLarge = true
	s.doc.Reset()
}

func (s *yamlSplitter) appendDoc(line []byte) {
	if s.tooLarge {
		return
	}
	if int64(s.doc.Len()+len(line)) > s.limits.maxDocument {
		s.tooLarge = true
		s.events.skipped(s.docLine, fmt.Sprintf("line %d: document %s", s.docLine, s.limits.tooLarge()))
		s.events.lost(validKind(s.kind), lostTop)
		s.doc.Reset()
		return
	}
	s.doc.Write(line)
}

func (s *yamlSplitter) appendItem(line []byte) {
	if int64(s.item.Len()+len(line)) > s.limits.maxDocument {
		if s.item.Len() > 0 {
			s.events.skipped(s.itemLine, fmt.Sprintf("line %d: item %d is %s", s.itemLine, s.itemIndex+1, s.limits.tooLarge()))
			s.events.lost(itemKind(s.kind), lostItem)
		}
		s.item.Reset()
		s.itemLine = -1
		return
	}
	if s.itemLine < 0 {
		return
	}
	s.item.Write(line)
}

// flushItem hands out the item collected so far.
func (s *yamlSplitter) flushItem() {
	if s.item.Len() == 0 || s.itemLine < 0 {
		if s.itemLine < 0 {
			s.itemIndex++ // a skipped item keeps its place in the numbering
		}
		s.item.Reset()
		s.itemLine = 0
		return
	}
	raw := dedent(s.item.Bytes(), s.itemCol+2)
	s.item.Reset()
	if isYAMLNull(raw) {
		s.events.skipped(s.itemLine, fmt.Sprintf("line %d: item %d of %s is null; skipped", s.itemLine, s.itemIndex+1, orList(s.kind)))
		s.itemIndex++
		return
	}
	kind, api := yamlTypeMeta(raw)
	d := document{Raw: raw, YAML: true, Kind: kind, APIVersion: api, ListLine: s.docLine, Line: s.itemLine, Index: s.itemIndex}
	s.itemIndex++
	if (kind == "" || api == "") && s.pendingBytes+len(raw) <= maxPendingBytes {
		// A typed List prints its kind after its items (keys are sorted): wait for it.
		s.pending = append(s.pending, d)
		s.pendingBytes += len(raw)
		return
	}
	s.events.document(d)
}

// flushDoc ends the current document.
func (s *yamlSplitter) flushDoc() {
	if s.inItems {
		s.flushItem()
	}
	if s.isList {
		if s.kind != "" {
			s.events.list(s.kind, s.docLine)
		}
		for _, d := range s.pending {
			d.ListKind = s.kind
			if d.Kind == "" {
				d.Kind = itemKind(s.kind)
			}
			if d.APIVersion == "" {
				d.APIVersion = s.api
			}
			s.events.document(d)
		}
	} else if s.doc.Len() > 0 && !s.tooLarge {
		raw := append([]byte(nil), s.doc.Bytes()...)
		s.events.document(document{Raw: raw, YAML: true, Kind: s.kind, APIVersion: s.api, Line: s.docLine, Index: -1})
	}
	s.doc.Reset()
	s.item.Reset()
	s.pending, s.pendingBytes = nil, 0
	s.kind, s.api = "", ""
	s.inItems, s.isList, s.itemsKey, s.tooLarge = false, false, false, false
	s.itemCol, s.itemIndex, s.itemLine = -1, 0, 0
}

// isYAMLNull tells whether an item holds nothing but a null (and comments).
func isYAMLNull(raw []byte) bool {
	var value []byte
	for _, line := range bytes.Split(raw, []byte("\n")) {
		line = bytes.TrimSpace(line)
		if len(line) == 0 || line[0] == '#' {
			continue
		}
		if value != nil {
			return false
		}
		value = line
	}
	switch string(value) {
	case "", "null", "Null", "NULL", "~":
		return true
	}
	return false
}

// dedent removes n leading spaces from every line that has them.
func dedent(b []byte, n int) []byte {
	out := make([]byte, 0, len(b))
	for len(b) > 0 {
		line := b
		if i := bytes.IndexByte(b, '\n'); i >= 0 {
			line, b = b[:i+1], b[i+1:]
		} else {
			b = nil
		}
		k := 0
		for k < n && k < len(line) && line[k] == ' ' {
			k++
		}
		out = append(out, line[k:]...)
	}
	return out
}

// yamlTypeMeta reads "kind:" and "apiVersion:" at column 0 of a YAML document.
func yamlTypeMeta(doc []byte) (kind, apiVersion string) {
	for len(doc) > 0 {
		line := doc
		if i := bytes.IndexByte(doc, '\n'); i >= 0 {
			line, doc = doc[:i], doc[i+1:]
		} else {
			doc = nil
		}
		line = bytes.TrimRight(line, "\r")
		switch {
		case bytes.HasPrefix(line, []byte("kind:")):
			kind = string(bytes.Trim(bytes.TrimSpace(line[5:]), `"'`))
		case bytes.HasPrefix(line, []byte("apiVersion:")):
			apiVersion = string(bytes.Trim(bytes.TrimSpace(line[11:]), `"'`))
		}
	}
	return
}
