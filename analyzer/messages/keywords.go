package messages

// keywordSet marks which keywords a message contains, by index.
type keywordSet [3]uint64

// maxKeywords is the capacity of a keywordSet.
const maxKeywords = len(keywordSet{}) * 64

func (k *keywordSet) add(i int)     { k[i/64] |= 1 << (i % 64) }
func (k keywordSet) has(i int) bool { return k[i/64]&(1<<(i%64)) != 0 }
func (k keywordSet) empty() bool    { return k == keywordSet{} }

func (k keywordSet) union(o keywordSet) keywordSet {
	for i := range k {
		k[i] |= o[i]
	}
	return k
}

func (k keywordSet) intersects(o keywordSet) bool {
	for i := range k {
		if k[i]&o[i] != 0 {
			return true
		}
	}
	return false
}

// keywordMatcher finds all keywords of a message in one pass (Aho-Corasick):
// one strings.Contains per keyword would read a message ~100 times.
type keywordMatcher struct {
	class  [256]uint8 // byte -> column; 0 for bytes no keyword has
	nclass int
	next   []int32 // next[state*nclass+class]
	out    []keywordSet
}

func newKeywordMatcher(words []string) *keywordMatcher {
	m := &keywordMatcher{nclass: 1}
	for _, w := range words {
		for i := 0; i < len(w); i++ {
			if m.class[w[i]] == 0 {
				m.class[w[i]] = uint8(m.nclass)
				m.nclass++
			}
		}
	}
	// The trie: state 0 is the root; -1 is "no edge yet".
	newState := func() int32 {
		for c := 0; c < m.nclass; c++ {
			m.next = append(m.next, -1)
		}
		m.out = append(m.out, keywordSet{})
		return int32(len(m.out) - 1)
	}
	newState()
	for i, w := range words {
		s := int32(0)
		for j := 0; j < len(w); j++ {
			e := int(s)*m.nclass + int(m.class[w[j]])
			if m.next[e] < 0 {
				t := newState()
				m.next[e] = t
			}
			s = m.next[e]
		}
		m.out[s].add(i)
	}
	// Breadth first: missing edges follow the failure link, and a state also
	// reports the keywords of its failure state (its longest proper suffix).
	fail := make([]int32, len(m.out))
	queue := []int32{}
	for c := 0; c < m.nclass; c++ {
		if t := m.next[c]; t > 0 {
			fail[t] = 0
			queue = append(queue, t)
		} else {
			m.next[c] = 0
		}
	}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		m.out[s] = m.out[s].union(m.out[fail[s]])
		for c := 0; c < m.nclass; c++ {
			e := int(s)*m.nclass + c
			f := m.next[int(fail[s])*m.nclass+c]
			if t := m.next[e]; t >= 0 {
				fail[t] = f
				queue = append(queue, t)
			} else {
				m.next[e] = f
			}
		}
	}
	return m
}

// scan returns the keywords found in s (already lower-cased like the keywords).
func (m *keywordMatcher) scan(s string) keywordSet {
	var hits keywordSet
	state := int32(0)
	for i := 0; i < len(s); i++ {
		state = m.next[int(state)*m.nclass+int(m.class[s[i]])]
		hits = hits.union(m.out[state])
	}
	return hits
}
