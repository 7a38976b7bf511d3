package dockerconfig

import (
	"bytes"
	"encoding/json"
)

// notJSONMarker replaces a payload that Parse cannot read. It is itself not
// JSON, so the sanitized payload stays unreadable, as the original was.
var notJSONMarker = []byte("secretscan:redacted:not-json")

// Placeholder entries, one per verdict Parse can give, so that a sanitized
// payload is judged exactly as the original was. None holds a real value.
var placeholderEntry = map[string]string{
	// base64("redacted:redacted"): decodes to user:password.
	"": `{"auth":"cmVkYWN0ZWQ6cmVkYWN0ZWQ="}`,
	// ':' and '-' are outside the base64 alphabet.
	ProblemAuthNotBase64: `{"auth":"redacted:not-base64"}`,
	// base64("redacted"): decodes, but has no ':'.
	ProblemAuthNotUserPass: `{"auth":"cmVkYWN0ZWQ="}`,
	ProblemNoCredentials:   `{}`,
}

// Sanitize returns a payload with every credential replaced by a fixed
// placeholder, keeping exactly what Parse reports: the same registries, the
// same Usable/Problem per entry, NoAuths, and an unparseable payload stays
// unparseable. It is rebuilt from Parse's result rather than edited in place,
// so no byte of a credential (nor email, HttpHeaders or unknown fields) can
// survive. An empty payload stays empty: the kubelet skips it unread.
func Sanitize(payload []byte, legacy bool) []byte {
	if len(payload) == 0 {
		return []byte{}
	}
	cfg, err := Parse(payload, legacy)
	if err != nil {
		return append([]byte(nil), notJSONMarker...)
	}

	var out bytes.Buffer
	if !legacy {
		if cfg.NoAuths {
			return []byte("{}")
		}
		out.WriteString(`{"auths":`)
	}
	out.WriteByte('{')
	for i, e := range cfg.Entries {
		if i > 0 {
			out.WriteByte(',')
		}
		out.Write(encodeKey(e.Registry))
		out.WriteByte(':')
		out.WriteString(placeholderEntry[e.Problem])
	}
	out.WriteByte('}')
	if !legacy {
		out.WriteByte('}')
	}
	return out.Bytes()
}

// encodeKey writes a registry key as a JSON string without HTML escaping, so
// sanitized payloads stay readable; Parse decodes it back to the same key.
func encodeKey(key string) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(key); err != nil {
		// A string always encodes; keep the output valid JSON regardless.
		return []byte(`""`)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}
