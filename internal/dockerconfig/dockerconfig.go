// Package dockerconfig reads the payload of an image pull Secret
// (".dockerconfigjson" or ".dockercfg") the way the kubelet does, and reports
// only what diagnosis needs: which registries it has entries for and whether
// each entry gives credentials. No credential value ever leaves this package,
// not even in errors: errors name byte offsets, never payload text.
package dockerconfig

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Problems an entry can have. They are fixed strings so callers can compare
// them and so they can never carry payload text.
const (
	ProblemAuthNotBase64   = "auth is not valid base64"
	ProblemAuthNotUserPass = "auth is not base64 of user:password"
	ProblemNoCredentials   = "no auth, username or password"
)

// Entry is one registry entry of a .dockerconfigjson "auths" map or a .dockercfg map.
type Entry struct {
	Registry string // the key as written, e.g. "https://index.docker.io/v1/", "reg.example.com:5000", "*.example.com"
	Usable   bool   // the kubelet would get credentials from it: auth decodes to "user:pass", or username/password set
	Problem  string // why not usable, without values: one of the Problem constants, empty when Usable
}

// Config is what a pull Secret's payload says.
type Config struct {
	Entries []Entry // sorted by Registry; nil when there are none
	NoAuths bool    // .dockerconfigjson parsed but has no "auths" object (the kubelet then sees zero credentials, silently)
}

// KubeletRejects reports whether the kubelet fails to read this payload at
// all. An auth field that does not decode makes the kubelet's
// DockerConfigEntry.UnmarshalJSON (pkg/credentialprovider/config.go) return an
// error, so MakeDockerKeyring fails and every pull of a pod using this Secret
// fails with that error, whatever its other Secrets hold. Parse keeps going
// instead, so that each entry can be judged.
func (c Config) KubeletRejects() bool {
	for _, e := range c.Entries {
		if e.Problem == ProblemAuthNotBase64 || e.Problem == ProblemAuthNotUserPass {
			return true
		}
	}
	return false
}

// configEntry mirrors the kubelet's dockerConfigEntryWithAuth: same fields,
// same tags, so encoding/json accepts and rejects exactly what the kubelet does
// (case-insensitive keys, null entries, wrong types).
type configEntry struct {
	Username string `json:"username,omitempty"`
	Password string `json:"password,omitempty"`
	Email    string `json:"email,omitempty"`
	Auth     string `json:"auth,omitempty"`
}

// configJSON mirrors the kubelet's DockerConfigJSON; HttpHeaders is decoded
// only so that a wrongly typed one is an error here as it is there.
type configJSON struct {
	Auths       map[string]configEntry `json:"auths"`
	HTTPHeaders map[string]string      `json:"HttpHeaders,omitempty"`
}

// Parse reads the payload of a Secret key: legacy=false for ".dockerconfigjson"
// ({"auths":{...}}), true for ".dockercfg" (the map itself).
// A payload that is not JSON, or not of the expected shape, gives an error that
// names a byte offset and never quotes the input.
func Parse(payload []byte, legacy bool) (Config, error) {
	if len(payload) == 0 {
		// The kubelet skips an empty payload without reading it.
		return Config{}, errors.New("empty payload")
	}
	var auths map[string]configEntry
	noAuths := false
	if legacy {
		if err := json.Unmarshal(payload, &auths); err != nil {
			return Config{}, describeJSONError(err)
		}
	} else {
		var doc configJSON
		if err := json.Unmarshal(payload, &doc); err != nil {
			return Config{}, describeJSONError(err)
		}
		auths = doc.Auths
		noAuths = doc.Auths == nil
	}

	var entries []Entry
	for registry, e := range auths {
		usable, problem := judge(e)
		entries = append(entries, Entry{Registry: withoutUserinfo(registry), Usable: usable, Problem: problem})
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].Registry < entries[j].Registry })
	entries = mergeSameRegistry(entries)
	return Config{Entries: entries, NoAuths: noAuths}, nil
}

// mergeSameRegistry folds entries whose keys differ only in userinfo (sorted
// entries are adjacent) into one with the verdict that decides: an entry the
// kubelet cannot decode makes it reject the whole payload; otherwise any
// usable entry gives the registry credentials.
func mergeSameRegistry(entries []Entry) []Entry {
	out := entries[:0]
	for _, e := range entries {
		if n := len(out); n > 0 && out[n-1].Registry == e.Registry {
			out[n-1] = decisive(out[n-1], e)
			continue
		}
		out = append(out, e)
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

func decisive(a, b Entry) Entry {
	rejects := func(e Entry) bool { return e.Problem == ProblemAuthNotBase64 || e.Problem == ProblemAuthNotUserPass }
	switch {
	case rejects(a):
		return a
	case rejects(b), b.Usable:
		return b
	}
	return a
}

// withoutUserinfo drops the "user:password@" a registry key may carry
// ("https://user:pass@registry.example.com"): a credential, never to be
// shown. The kubelet's keyring parses each key as a URL and matches on its
// host and path only (pkg/credentialprovider/keyring.go), so the key without
// userinfo matches the same images. As net/url does, the authority ends at the
// first '/', '?' or '#', and the userinfo at its last '@'.
func withoutUserinfo(key string) string {
	rest := key
	prefix := ""
	if i := strings.Index(rest, "://"); i >= 0 {
		prefix, rest = rest[:i+3], rest[i+3:]
	}
	end := len(rest)
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		end = i
	}
	at := strings.LastIndex(rest[:end], "@")
	if at < 0 {
		return key
	}
	return prefix + rest[at+1:]
}

// describeJSONError turns an encoding/json error into one that carries only a
// position: json's own messages quote input characters and field paths.
func describeJSONError(err error) error {
	var syntaxErr *json.SyntaxError
	if errors.As(err, &syntaxErr) {
		return fmt.Errorf("not valid JSON at byte %d", syntaxErr.Offset)
	}
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) {
		return fmt.Errorf("not the expected JSON shape at byte %d", typeErr.Offset)
	}
	return errors.New("not valid JSON")
}

// judge mirrors DockerConfigEntry.UnmarshalJSON and decodeDockerConfigFieldAuth
// (pkg/credentialprovider/config.go): a non-empty auth overrides username and
// password, StdEncoding is used when it ends in '=' (after trimming spaces) and
// RawStdEncoding otherwise, and the decoded text must contain a ':'.
func judge(e configEntry) (usable bool, problem string) {
	if len(e.Auth) > 0 {
		var decoded []byte
		var err error
		if strings.HasSuffix(strings.TrimSpace(e.Auth), "=") {
			decoded, err = base64.StdEncoding.DecodeString(e.Auth)
		} else {
			decoded, err = base64.RawStdEncoding.DecodeString(e.Auth)
		}
		if err != nil {
			return false, ProblemAuthNotBase64
		}
		if !strings.Contains(string(decoded), ":") {
			return false, ProblemAuthNotUserPass
		}
		return true, ""
	}
	if e.Username != "" || e.Password != "" {
		return true, ""
	}
	return false, ProblemNoCredentials
}
