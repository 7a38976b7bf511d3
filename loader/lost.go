package loader

import (
	"bytes"
	"fmt"
	"path"
	"regexp"
	"slices"
	"sort"
	"strings"
)

// lostObject is an object the input holds but the loader could not read (a
// damaged or cut-off document, one over a limit), identified as far as its
// text allows: Kind, Namespace and Name may each be unknown (""). Coverage
// then never takes the object's absence from the dump for its absence from the
// cluster: a damaged copy of a Secret is not a missing Secret.
type lostObject struct {
	Kind, Namespace, Name string
}

// lostScope says how much of the input a splitter could not read.
type lostScope int

const (
	lostNone lostScope = iota // nothing but the text a warning names
	lostItem                  // one item of a List
	lostTop                   // one top-level value, which may be a List
	lostRest                  // the rest of a List: an unknown number of its items
)

// lostSet gathers what could not be read, in bounded memory: a hostile input
// can hold millions of damaged documents, and one record each was gigabytes.
// Lost objects are kept by name where their text told it, else counted by
// kind and namespace; rests are the kinds (in a namespace) of which an unknown
// number of objects was lost. Past maxLostKeys distinct entries, a named
// object counts as a rest of its kind (absence is then never judged for that
// kind there), and keys lose their namespace, then their kind.
type lostSet struct {
	names  map[recordKey]bool
	counts map[lostKey]int
	rests  map[lostKey]bool
}

const maxLostKeys = 1 << 16

func (s *lostSet) init() {
	if s.names == nil {
		s.names, s.counts, s.rests = map[recordKey]bool{}, map[lostKey]int{}, map[lostKey]bool{}
	}
}

func (s *lostSet) add(o lostObject) {
	s.init()
	if o.Kind != "" && o.Name != "" {
		k := recordKey{o.Kind, o.Namespace, o.Name}
		if s.names[k] || len(s.names) < maxLostKeys {
			s.names[k] = true
			return
		}
		s.addRest(lostKey{o.Kind, o.Namespace})
		return
	}
	s.addCount(lostKey{o.Kind, o.Namespace}, 1)
}

func (s *lostSet) addCount(k lostKey, n int) {
	s.init()
	s.counts[boundedKey(len(s.counts), k, func(k lostKey) bool { _, ok := s.counts[k]; return ok })] += n
}

func (s *lostSet) addRest(k lostKey) {
	s.init()
	s.rests[boundedKey(len(s.rests), k, func(k lostKey) bool { return s.rests[k] })] = true
}

// boundedKey returns k, or a wider key once a map holds maxLostKeys keys.
func boundedKey(n int, k lostKey, has func(lostKey) bool) lostKey {
	if n < maxLostKeys || has(k) {
		return k
	}
	if k.Namespace != "" {
		if wider := (lostKey{k.Kind, ""}); has(wider) {
			return wider
		}
	}
	return lostKey{}
}

// merge adds every record of other.
func (s *lostSet) merge(other lostSet) {
	for k := range other.names {
		s.add(lostObject{Kind: k.Kind, Namespace: k.Namespace, Name: k.Name})
	}
	for k, n := range other.counts {
		s.addCount(k, n)
	}
	for k := range other.rests {
		s.addRest(k)
	}
}

// markIn records the lost objects in the coverage.
func (s *lostSet) markIn(c *Coverage) {
	for k := range s.names {
		c.lostNames[k] = true
	}
	for k, n := range s.counts {
		c.lostKinds[k] += n
	}
	for _, k := range sortedLostKeys(s.rests) {
		c.markLostRest(k)
	}
}

func sortedLostKeys(m map[lostKey]bool) []lostKey {
	out := make([]lostKey, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Kind != out[j].Kind {
			return out[i].Kind < out[j].Kind
		}
		return out[i].Namespace < out[j].Namespace
	})
	return out
}

// addLost records an object that could not be read.
func (l *loadState) addLost(tentative bool, o lostObject) {
	l.mu.Lock()
	if tentative {
		l.tentativeLost.add(o)
	} else {
		l.lost.add(o)
	}
	l.mu.Unlock()
}

// addLostRest records that an unknown number of objects of kind ("" for any)
// in namespace ("" for any) could not be read.
func (l *loadState) addLostRest(tentative bool, k lostKey) {
	l.mu.Lock()
	if tentative {
		l.tentativeLost.addRest(k)
	} else {
		l.lost.addRest(k)
	}
	l.mu.Unlock()
}

// lost implements streamEvents: the splitter dropped what it could not
// delimit or what was over a limit; kind is the enclosing typed List's item
// kind, or the value's own, or "". A top-level value of a file that holds a
// whole List (a bundle's pods/<ns>.json) is that List; one of a file that
// holds one object (a Velero backup's) is named by the file's path.
func (e *fileEvents) lost(kind string, scope lostScope) {
	// A List's kind is text from the input, shown in coverage reasons.
	if kind = validKind(kind); kind == "" {
		kind = e.rt.decode.hintKind
	}
	switch {
	case scope == lostNone:
	case scope == lostRest, scope == lostTop && e.rt.listFile:
		e.l.addLostRest(e.rt.tentative, lostKey{kind, e.rt.namespace})
	case scope == lostTop:
		e.l.addLost(e.rt.tentative, lostObject{Kind: kind, Namespace: e.rt.namespace, Name: e.objectName})
	default:
		e.l.addLost(e.rt.tentative, lostObject{Kind: kind, Namespace: e.rt.namespace})
	}
}

// objectFileName is the name of the object a file holds, when the layout
// names each object's file after it (Velero's resources/<gr>/namespaces/<ns>/<name>.json,
// must-gather's <plural>/<name>.yaml), else "".
func objectFileName(file string, rt route) string {
	if rt.listFile || (rt.format != FormatVeleroBackup && rt.format != FormatMustGather) {
		return ""
	}
	base := path.Base(file)
	return validName(strings.TrimSuffix(base, path.Ext(base)))
}

// lostIdentity names a document that failed to decode, from its text where
// that can be read, else from its List and the file's place in the layout.
func lostIdentity(j job) lostObject {
	d := j.doc
	o := sniffIdentity(d.Raw)
	if o.Kind == "" {
		o.Kind = validKind(d.Kind)
	}
	if o.Kind == "" {
		o.Kind = itemKind(d.ListKind)
	}
	if o.Kind == "" {
		o.Kind = j.opts.hintKind
	}
	if o.Namespace == "" {
		o.Namespace = j.namespace
	}
	if o.Name == "" && d.Index < 0 {
		o.Name = j.objectName
	}
	return o
}

// label names a damaged object in a warning, "Pod shop/web", when its text
// gave its name; "" when it did not (the position alone must do).
func (o lostObject) label() string {
	if o.Name == "" {
		return ""
	}
	return strings.TrimSpace(o.Kind + " " + joinNamespaced(o.Namespace, o.Name))
}

var (
	kindPattern = regexp.MustCompile(`^[A-Z][A-Za-z0-9]{0,62}$`)
	namePattern = regexp.MustCompile(`^[a-z0-9]([-a-z0-9.:]{0,251}[a-z0-9])?$`)
)

// validKind and validName accept only what Kubernetes accepts as a kind or
// an object name: text taken from a damaged document may be anything, a value
// included, and must not reach a warning unless it is a name.
func validKind(s string) string {
	if kindPattern.MatchString(s) {
		return s
	}
	return ""
}

func validName(s string) string {
	if namePattern.MatchString(s) {
		return s
	}
	return ""
}

// sniffIdentity reads kind, metadata.namespace and metadata.name from the text
// of a document that did not decode, JSON or YAML, as far as the text is
// sound up to them.
func sniffIdentity(raw []byte) lostObject {
	trimmed := bytes.TrimLeft(raw, " \t\r\n\ufeff")
	var kind, namespace, name string
	if len(trimmed) > 0 && trimmed[0] == '{' {
		kind, namespace, name = sniffJSONIdentity(trimmed)
	} else {
		kind, namespace, name = sniffYAMLIdentity(raw)
	}
	return lostObject{Kind: validKind(kind), Namespace: validName(namespace), Name: validName(name)}
}

// sniffJSONIdentity walks the JSON tokens up to the first error: the string
// values of "kind" at depth 1 and of "name" and "namespace" in the top-level
// "metadata" object.
func sniffJSONIdentity(b []byte) (kind, namespace, name string) {
	type frame struct {
		object bool
		key    string // the key whose value is this container, in its parent
	}
	var stack []frame
	expectKey := false
	lastKey := ""
	for i := 0; i < len(b); i++ {
		switch c := b[i]; c {
		case '{', '[':
			stack = append(stack, frame{object: c == '{', key: lastKey})
			expectKey = c == '{'
			lastKey = ""
		case '}', ']':
			if len(stack) == 0 {
				return
			}
			stack = stack[:len(stack)-1]
			expectKey = false
			if len(stack) == 0 {
				return
			}
		case ',':
			expectKey = len(stack) > 0 && stack[len(stack)-1].object
		case ':':
			expectKey = false
		case '"':
			end := i + 1
			for end < len(b) && b[end] != '"' {
				if b[end] == '\\' {
					end++
				}
				end++
			}
			if end >= len(b) {
				return
			}
			text := string(b[i+1 : end])
			i = end
			if expectKey {
				lastKey = text
				continue
			}
			depth := len(stack)
			switch {
			case depth == 1 && lastKey == "kind":
				kind = text
			case depth == 2 && stack[1].key == "metadata" && lastKey == "name":
				name = text
			case depth == 2 && stack[1].key == "metadata" && lastKey == "namespace":
				namespace = text
			}
		}
	}
	return
}

// sniffYAMLIdentity reads the block or flow YAML kubectl writes: "kind: X" at
// the document's own indentation, and name and namespace one level under its
// "metadata:" (or in "metadata: {name: n, namespace: ns}").
func sniffYAMLIdentity(raw []byte) (kind, namespace, name string) {
	base := -1
	inMetadata := false
	metaIndent := -1
	for _, line := range strings.Split(string(raw), "\n") {
		text := strings.TrimRight(line, " \r\t")
		content := strings.TrimLeft(text, " ")
		if content == "" || strings.HasPrefix(content, "#") || content == "---" {
			continue
		}
		indent := len(text) - len(content)
		if base < 0 && strings.HasPrefix(content, "- ") {
			// The document is a List item: "- apiVersion: v1".
			content = strings.TrimLeft(content[2:], " ")
			indent = len(text) - len(content)
		}
		if base < 0 {
			base = indent
		}
		switch {
		case indent == base:
			inMetadata = false
			key, value, ok := strings.Cut(content, ":")
			if !ok {
				continue
			}
			value = yamlScalar(value)
			switch key {
			case "kind":
				kind = value
			case "metadata":
				if strings.HasPrefix(value, "{") {
					namespace, name = flowIdentity(value)
				} else {
					inMetadata, metaIndent = true, -1
				}
			}
		case indent > base && inMetadata:
			if metaIndent < 0 {
				metaIndent = indent
			}
			if indent != metaIndent {
				continue
			}
			key, value, ok := strings.Cut(content, ":")
			if !ok {
				continue
			}
			switch key {
			case "name":
				name = yamlScalar(value)
			case "namespace":
				namespace = yamlScalar(value)
			}
		case indent < base:
			return
		}
	}
	return
}

// flowIdentity reads name and namespace from "{name: n, namespace: ns, ...}".
func flowIdentity(flow string) (namespace, name string) {
	flow = strings.TrimSuffix(strings.TrimPrefix(flow, "{"), "}")
	for _, part := range strings.Split(flow, ",") {
		key, value, ok := strings.Cut(part, ":")
		if !ok {
			continue
		}
		switch strings.TrimSpace(key) {
		case "name":
			name = yamlScalar(value)
		case "namespace":
			namespace = yamlScalar(value)
		}
	}
	return
}

// yamlScalar unquotes a plain or quoted one-line scalar.
func yamlScalar(v string) string {
	v = strings.TrimSpace(v)
	if i := strings.Index(v, " #"); i >= 0 {
		v = strings.TrimSpace(v[:i])
	}
	if len(v) >= 2 && (v[0] == '"' || v[0] == '\'') && v[len(v)-1] == v[0] {
		v = v[1 : len(v)-1]
	}
	return v
}

// lostKey groups lost objects whose name is unknown; "" is any kind, or any namespace.
type lostKey struct{ Kind, Namespace string }

// markLostRest records that an unknown number of objects of k.Kind ("" for
// any kind) in k.Namespace ("" for any namespace) could not be read: where
// the kind was collected, it is now only partly collected, so that no absence
// is judged there.
func (c *Coverage) markLostRest(k lostKey) {
	kinds := []string{k.Kind}
	if k.Kind == "" {
		kinds = make([]string, 0, len(c.kinds))
		for kind := range c.kinds {
			kinds = append(kinds, kind)
		}
		sort.Strings(kinds)
	}
	if c.lostRests == nil {
		c.lostRests = map[lostKey]bool{}
	}
	c.lostRests[k] = true
	for _, kind := range kinds {
		kc, ok := c.kinds[kind]
		if !ok {
			continue // not collected at all
		}
		why := lostRestReason(k.Kind, k.Namespace)
		if k.Namespace != "" {
			if s, _ := c.State(kind, k.Namespace); s == Collected {
				c.setNamespace(kind, k.Namespace, Partial, why)
			}
			continue
		}
		if kc.state == Collected {
			kc.state, kc.why = Partial, why
		}
		for ns, nc := range kc.namespaces {
			if nc.state == Collected {
				kc.namespaces[ns] = namespaceCoverage{Partial, why}
			}
		}
	}
}

func lostRestReason(kind, namespace string) string {
	where := ""
	if namespace != "" {
		where = " of namespace " + namespace
	}
	return fmt.Sprintf("a list of %s%s in the dump is cut off or damaged, so some may be missing from it (see the warnings)", pluralKind(kind), where)
}

// lostNote says, for a coverage gap of kind, what of it could not be read: ""
// when nothing.
func (c *Coverage) lostNote(kind string) string {
	var notes []string
	if n, lost := c.lostAny(kind); lost {
		notes = append(notes, fmt.Sprintf("%d %s could not be read and may be among them", n, plural(n, "object", "objects")))
	}
	var where []string
	anywhere := false
	for k := range c.lostRests {
		if kc := c.kinds[kind]; k.Namespace == "" && kc != nil && kc.why == lostRestReason(k.Kind, "") {
			continue // the gap's own reason says it
		}
		if k.Kind == kind || k.Kind == "" {
			anywhere = anywhere || k.Namespace == ""
			where = append(where, k.Namespace)
		}
	}
	switch {
	case anywhere:
		notes = append(notes, "a list that may hold them is cut off or damaged")
	case len(where) > 0:
		sort.Strings(where)
		where = slices.Compact(where)
		notes = append(notes, fmt.Sprintf("a list that may hold them is cut off or damaged in %s %s", plural(len(where), "namespace", "namespaces"), joinLimited(where, 5)))
	}
	if len(notes) == 0 {
		return ""
	}
	return strings.Join(notes, "; ") + "; see the warnings"
}

// lostName tells whether the dump's copy of kind namespace/name could not be
// read: one whose namespace could not be read counts in every namespace.
func (c *Coverage) lostName(kind, namespace, name string) (string, bool) {
	if name == "" {
		return "", false
	}
	if c.lostNames[recordKey{kind, namespace, name}] {
		return fmt.Sprintf("the dump's copy of %s %s could not be read (see the warnings)", kind, joinNamespaced(namespace, name)), true
	}
	if namespace != "" && c.lostNames[recordKey{kind, "", name}] {
		return fmt.Sprintf("the dump holds a copy of %s %s whose namespace could not be read (see the warnings)", kind, name), true
	}
	return "", false
}

// Unreadable implements analyzer.UnreadableCoverage: how many objects the
// dump held but could not read, of unknown name, may be of kind in namespace
// (any kind when theirs is unknown; any namespace when theirs is).
func (c *Coverage) Unreadable(kind, namespace string) int {
	n := 0
	for k := range map[lostKey]bool{{kind, namespace}: true, {kind, ""}: true, {"", namespace}: true, {"", ""}: true} {
		n += c.lostKinds[k]
	}
	return n
}

// lostAny reports whether an unreadable object may be of kind, anywhere.
func (c *Coverage) lostAny(kind string) (int, bool) {
	n := 0
	for k, count := range c.lostKinds {
		if k.Kind == kind || k.Kind == "" {
			n += count
		}
	}
	for k := range c.lostNames {
		if k.Kind == kind {
			n++
		}
	}
	return n, n > 0
}

func joinNamespaced(namespace, name string) string {
	if namespace == "" {
		return name
	}
	return namespace + "/" + name
}
