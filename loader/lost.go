package loader

import (
	"bytes"
	"regexp"
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

// addLost records an object that could not be read.
func (l *loadState) addLost(tentative bool, o lostObject) {
	l.mu.Lock()
	if tentative {
		l.tentativeLost = append(l.tentativeLost, o)
	} else {
		l.lost = append(l.lost, o)
	}
	l.mu.Unlock()
}

// lost implements streamEvents: the splitter dropped an object it could not
// delimit or that was over a limit; kind is the enclosing typed List's item
// kind, or "".
func (e *fileEvents) lost(kind string) {
	e.l.addLost(e.rt.tentative, lostObject{Kind: kind, Namespace: e.rt.namespace})
}

// lostIdentity names a document that failed to decode, from its text where
// that can be read, else from its List and the file's place in the layout.
func lostIdentity(d document, namespace string) lostObject {
	o := sniffIdentity(d.Raw)
	if o.Kind == "" {
		o.Kind = validKind(d.Kind)
	}
	if o.Kind == "" {
		o.Kind = itemKind(d.ListKind)
	}
	if o.Namespace == "" {
		o.Namespace = namespace
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

// markLost records in the coverage an object that could not be read.
func (c *Coverage) markLost(o lostObject) {
	if o.Kind != "" && o.Name != "" {
		c.lostNames[recordKey{o.Kind, o.Namespace, o.Name}] = true
		return
	}
	c.lostKinds[lostKey{o.Kind, o.Namespace}]++
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
