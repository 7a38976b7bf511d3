package loader

import "bytes"

// dropManagedFields returns a JSON object without its metadata.managedFields,
// cut out of the text before decoding. Server-side apply bookkeeping is a third
// of a typical object in dumps that keep it (support bundles, cluster-info
// dumps, old kubectl), no check reads it, and decoding it only to throw it away
// costs time and garbage. The object is returned unchanged when it has none,
// or when its text is not the plain shape this expects.
func dropManagedFields(raw []byte) []byte {
	if bytes.Index(raw, []byte(`"managedFields"`)) < 0 {
		return raw
	}
	start, end, ok := managedFieldsSpan(raw)
	if !ok {
		return raw
	}
	out := make([]byte, 0, len(raw)-(end-start))
	out = append(out, raw[:start]...)
	return append(out, raw[end:]...)
}

// managedFieldsSpan finds `"managedFields": <value>` among the members of the
// top-level "metadata" object, with the comma that separates it from a
// neighbour, so that cutting [start, end) leaves valid JSON.
func managedFieldsSpan(raw []byte) (start, end int, ok bool) {
	i := skipSpace(raw, 0)
	if i >= len(raw) || raw[i] != '{' {
		return 0, 0, false
	}
	// Walk the top-level members to "metadata".
	i++
	for {
		i = skipSpace(raw, i)
		if i >= len(raw) || raw[i] != '"' {
			return 0, 0, false
		}
		keyEnd := stringEnd(raw, i)
		if keyEnd < 0 {
			return 0, 0, false
		}
		key := raw[i+1 : keyEnd]
		i = skipSpace(raw, keyEnd+1)
		if i >= len(raw) || raw[i] != ':' {
			return 0, 0, false
		}
		i = skipSpace(raw, i+1)
		if string(key) == "metadata" {
			return metadataMemberSpan(raw, i, "managedFields")
		}
		valueEnd, ok := jsonValueEnd(raw, i)
		if !ok {
			return 0, 0, false
		}
		i = skipSpace(raw, valueEnd)
		if i >= len(raw) || raw[i] != ',' {
			return 0, 0, false
		}
		i++
	}
}

// metadataMemberSpan finds member name of the object starting at i.
func metadataMemberSpan(raw []byte, i int, name string) (int, int, bool) {
	if i >= len(raw) || raw[i] != '{' {
		return 0, 0, false
	}
	i++
	prevEnd := -1 // end of the previous member's value, for a last-member cut
	for {
		i = skipSpace(raw, i)
		if i >= len(raw) || raw[i] != '"' {
			return 0, 0, false
		}
		memberStart := i
		keyEnd := stringEnd(raw, i)
		if keyEnd < 0 {
			return 0, 0, false
		}
		key := raw[i+1 : keyEnd]
		i = skipSpace(raw, keyEnd+1)
		if i >= len(raw) || raw[i] != ':' {
			return 0, 0, false
		}
		valueEnd, ok := jsonValueEnd(raw, skipSpace(raw, i+1))
		if !ok {
			return 0, 0, false
		}
		next := skipSpace(raw, valueEnd)
		if next >= len(raw) {
			return 0, 0, false
		}
		if string(key) == name {
			switch {
			case raw[next] == ',':
				// Cut the member and its following comma.
				return memberStart, next + 1, true
			case raw[next] == '}' && prevEnd >= 0:
				// The last member: cut from the end of the previous one.
				return prevEnd, valueEnd, true
			case raw[next] == '}':
				// The only member.
				return memberStart, valueEnd, true
			}
			return 0, 0, false
		}
		switch raw[next] {
		case ',':
			prevEnd = valueEnd
			i = next + 1
		default:
			return 0, 0, false // the end of metadata: no such member
		}
	}
}

// jsonValueEnd returns the index just after the JSON value starting at i.
func jsonValueEnd(raw []byte, i int) (int, bool) {
	if i >= len(raw) {
		return 0, false
	}
	switch raw[i] {
	case '"':
		end := stringEnd(raw, i)
		return end + 1, end >= 0
	case '{', '[':
		var sc valueScanner
		n, done := sc.feed(raw[i:])
		return i + n, done
	}
	// A literal: up to the next delimiter.
	j := i
	for j < len(raw) && raw[j] != ',' && raw[j] != '}' && raw[j] != ']' && raw[j] != ' ' && raw[j] != '\n' && raw[j] != '\r' && raw[j] != '\t' {
		j++
	}
	return j, j > i
}

func skipSpace(raw []byte, i int) int {
	for i < len(raw) && (raw[i] == ' ' || raw[i] == '\n' || raw[i] == '\r' || raw[i] == '\t') {
		i++
	}
	return i
}
