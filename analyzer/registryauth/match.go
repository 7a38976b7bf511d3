package registryauth

import (
	"net"
	"net/url"
	"path/filepath"
	"strings"
)

// The kubelet's keyring rules, from k8s.io/kubernetes
// pkg/credentialprovider/keyring.go (v1.32; identical in 1.33+). They are
// copied rather than taken from
// github.com/google/go-containerregistry/pkg/authn/kubernetes, whose urlsMatch
// is the same code but unexported, and whose keychain gets rows of
// rules_test.go wrong (see ggcr_compare_test.go): it resolves Docker Hub
// images as "index.docker.io/..." so "docker.io" entries never cover them, it
// has no isDefaultRegistryMatch fallback, it returns only the first matching
// credential and not which Secret it came from, and one unparseable key fails
// the whole keychain where the kubelet skips the entry.

// defaultRegistryHost is the index key the kubelet falls back to for Docker
// Hub images when no key matched (keyring.go defaultRegistryHost).
const defaultRegistryHost = "index.docker.io"

// indexKey mirrors BasicDockerKeyring.Add: a scheme is optional, a leading
// /v1/ or /v2/ path is dropped, and the key is host[:port] plus what path
// remains. ok is false where the kubelet logs "Entry %q in dockercfg invalid"
// and ignores the entry.
func indexKey(registryKey string) (key string, ok bool) {
	value := registryKey
	if !strings.HasPrefix(value, "https://") && !strings.HasPrefix(value, "http://") {
		value = "https://" + value
	}
	parsed, err := url.Parse(value)
	if err != nil {
		return "", false
	}
	effectivePath := parsed.Path
	if strings.HasPrefix(effectivePath, "/v2/") || strings.HasPrefix(effectivePath, "/v1/") {
		effectivePath = effectivePath[3:]
	}
	if len(effectivePath) > 0 && effectivePath != "/" {
		return parsed.Host + effectivePath, true
	}
	return parsed.Host, true
}

// urlsMatch mirrors URLsMatchStr/URLsMatch: ports identical, the same number
// of dot-separated host labels, each label matched by filepath.Match (so '*',
// '?' and '[...]' stay within one label), and the key's path a plain string
// prefix of the image's path. Any parse or pattern error is "no match", as in
// Lookup.
func urlsMatch(globKey, image string) bool {
	glob, err := url.Parse("https://" + globKey)
	if err != nil {
		return false
	}
	target, err := url.Parse("https://" + image)
	if err != nil {
		return false
	}
	globParts, globPort := splitURL(glob)
	targetParts, targetPort := splitURL(target)
	if globPort != targetPort {
		return false
	}
	if len(globParts) != len(targetParts) {
		return false
	}
	if !strings.HasPrefix(target.Path, glob.Path) {
		return false
	}
	for i, part := range globParts {
		matched, err := filepath.Match(part, targetParts[i])
		if err != nil || !matched {
			return false
		}
	}
	return true
}

// splitURL mirrors SplitURL: host labels and port ("" when there is none).
func splitURL(u *url.URL) (parts []string, port string) {
	host, port, err := net.SplitHostPort(u.Host)
	if err != nil {
		host, port = u.Host, ""
	}
	return strings.Split(host, "."), port
}

// isDefaultRegistryMatch mirrors the kubelet's function of that name. On a
// normalized name it holds for docker.io images and also for any first element
// without '.' or ':' ("localhost/x", "Foo/bar"), a quirk kept on purpose.
func isDefaultRegistryMatch(image string) bool {
	parts := strings.SplitN(image, "/", 2)
	if len(parts[0]) == 0 {
		return false
	}
	if len(parts) == 1 {
		return true
	}
	if parts[0] == "docker.io" || parts[0] == "index.docker.io" {
		return true
	}
	return !strings.ContainsAny(parts[0], ".:")
}

// Covers reports whether a pull Secret entry key covers an image (normalized
// or raw) by the kubelet's keyring rules. An "index.docker.io" key covers
// Docker Hub images only through the kubelet's fallback, which in a keyring
// applies only when no other key matched; Keyring.Lookup models that.
func Covers(registryKey, image string) bool {
	name, err := NormalizeImage(image)
	if err != nil {
		return false
	}
	key, ok := indexKey(registryKey)
	if !ok {
		return false
	}
	if urlsMatch(key, name) {
		return true
	}
	return key == defaultRegistryHost && isDefaultRegistryMatch(name)
}
