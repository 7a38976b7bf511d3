package loader

import (
	"bytes"
	"errors"
	"fmt"

	yamlv3 "go.yaml.in/yaml/v3"
)

// docLimits are the limits that apply to one document once split out.
type docLimits struct {
	maxBytes      int64
	maxDepth      int
	maxObjects    int
	maxAliasNodes int64
}

// limitError is a document skipped for a limit: its text names the flag that
// raises it, and never quotes the document.
type limitError struct{ text string }

func (e *limitError) Error() string { return e.text }

// checkShape refuses JSON text (a YAML document converted) nested deeper, or
// made of more objects, than the limits.
func checkShape(raw []byte, lim docLimits) error {
	depth, objects := 0, 0
	for i := 0; i < len(raw); i++ {
		switch raw[i] {
		case '"':
			end := stringEnd(raw, i)
			if end < 0 {
				return nil
			}
			i = end
		case '{', '[':
			depth++
			if lim.maxDepth > 0 && depth > lim.maxDepth {
				return &limitError{fmt.Sprintf("nested deeper than %d levels (raise the limit with --max-depth)", lim.maxDepth)}
			}
			if raw[i] == '{' {
				if objects++; lim.maxObjects > 0 && objects > lim.maxObjects {
					return &limitError{fmt.Sprintf("made of more than %d objects (raise the limit with --max-document-objects)", lim.maxObjects)}
				}
			}
		case '}', ']':
			depth--
		}
	}
	return nil
}

// checkYAMLAliases refuses a YAML document whose aliases expand it past the
// limits, before a decoder expands them: a "billion laughs" document of a few
// hundred bytes expands to gigabytes. The YAML decoder's own check ("excessive
// aliasing") lets a hundred aliases of a large value through. Only documents
// that may hold both an anchor and an alias are parsed for it.
func checkYAMLAliases(raw []byte, lim docLimits) error {
	if bytes.IndexByte(raw, '&') < 0 || bytes.IndexByte(raw, '*') < 0 {
		return nil
	}
	var root yamlv3.Node
	if err := yamlv3.Unmarshal(raw, &root); err != nil {
		return err
	}
	c := aliasCounter{memo: map[*yamlv3.Node]aliasCost{}, active: map[*yamlv3.Node]bool{}}
	expanded := c.cost(&root)
	switch {
	case c.cycle:
		return &limitError{"a YAML anchor contains an alias of itself"}
	case expanded.nodes-c.physical > lim.maxAliasNodes:
		return &limitError{fmt.Sprintf("YAML aliases expand the document by more than %d nodes (raise the limit with --max-yaml-alias-nodes)", lim.maxAliasNodes)}
	case expanded.bytes > lim.maxBytes:
		return &limitError{fmt.Sprintf("YAML aliases expand the document beyond %s (raise the limit with --max-document-bytes)", humanBytes(lim.maxBytes))}
	}
	return nil
}

// aliasCost is what a node weighs once its aliases are expanded: nodes, and
// about the bytes of its JSON.
type aliasCost struct{ nodes, bytes int64 }

// saturated keeps sums of costs from overflowing.
const saturated = int64(1) << 60

func (a aliasCost) plus(b aliasCost) aliasCost {
	return aliasCost{min(a.nodes+b.nodes, saturated), min(a.bytes+b.bytes, saturated)}
}

// aliasCounter weighs a node tree, each anchored node once (memo), so that the
// work is linear in the document whatever its expansion. An alias can only
// name an anchor defined before it, so the recursion is as deep as the
// document's nesting, which the parser bounds.
type aliasCounter struct {
	memo     map[*yamlv3.Node]aliasCost
	active   map[*yamlv3.Node]bool // anchored nodes being weighed: an alias of one is a cycle
	physical int64                 // nodes as written
	cycle    bool
}

func (c *aliasCounter) cost(n *yamlv3.Node) aliasCost {
	if n == nil {
		return aliasCost{}
	}
	if n.Kind == yamlv3.AliasNode {
		c.physical++
		if c.active[n.Alias] {
			c.cycle = true
			return aliasCost{}
		}
		return c.cost(n.Alias)
	}
	if v, ok := c.memo[n]; ok {
		return v
	}
	anchored := n.Anchor != ""
	if anchored {
		c.active[n] = true
	}
	c.physical++
	total := aliasCost{1, int64(len(n.Value)) + 3}
	for _, child := range n.Content {
		total = total.plus(c.cost(child))
	}
	if anchored {
		delete(c.active, n)
		c.memo[n] = total
	}
	return total
}

var errNullItem = errors.New("the item is null")
