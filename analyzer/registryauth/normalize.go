package registryauth

import (
	"errors"
	"regexp"
	"strings"
)

// Image names are normalized as the kubelet does before it consults its
// keyring: parsers.ParseImageName -> reference.ParseNormalizedNamed(image).Name()
// from github.com/distribution/reference (normalize.go, reference.go,
// regexp.go, v0.6). It is a copy rather than
// github.com/google/go-containerregistry/pkg/name because that package
// disagrees on rows of normalize_test.go (see ggcr_compare_test.go): it names
// Docker Hub "index.docker.io", rejects an uppercase first element that docker
// takes as a domain ("Foo/bar"), and accepts names docker rejects ("a..b/c",
// "x.com/-a", "reg.example.com/a___b", a bare 64-hex identifier).

const (
	defaultDomain       = "docker.io"
	legacyDefaultDomain = "index.docker.io"
	officialRepoPrefix  = "library/"
	nameTotalLengthMax  = 255
)

// The grammar of distribution/reference regexp.go, piece by piece.
const (
	alphanumeric        = `[a-z0-9]+`
	separator           = `(?:[._]|__|[-]+)`
	domainNameComponent = `(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])`
	optionalPort        = `(?::[0-9]+)?`
	tagPat              = `[\w][\w.-]{0,127}`
	digestPat           = `[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][[:xdigit:]]{32,}`
	identifierPat       = `([a-f0-9]{64})`
	ipv6address         = `\[(?:[a-fA-F0-9:]+)\]`

	domainName    = domainNameComponent + `(?:\.` + domainNameComponent + `)*`
	hostPat       = `(?:` + domainName + `|` + ipv6address + `)`
	domainAndPort = hostPat + optionalPort
	pathComponent = alphanumeric + `(?:` + separator + alphanumeric + `)*`
	remoteName    = pathComponent + `(?:/` + pathComponent + `)*`
	namePat       = `(?:` + domainAndPort + `/)?` + remoteName
)

// Compiled once and only read afterwards.
var (
	referenceRegexp          = regexp.MustCompile(`^(` + namePat + `)(?::(` + tagPat + `))?(?:@(` + digestPat + `))?$`)
	anchoredIdentifierRegexp = regexp.MustCompile(`^` + identifierPat + `$`)
	lowerHex                 = regexp.MustCompile(`^[a-f0-9]+$`)
)

// NormalizeImage returns the image name as the kubelet matches it:
// docker.io/library/nginx for "nginx", docker.io/x/y for "index.docker.io/x/y",
// tag and digest removed. Names that are not valid references ("${IMAGE}", an
// uppercase repository path, "") give an error; the kubelet reports those as
// InvalidImageName and never looks up credentials for them.
func NormalizeImage(image string) (string, error) {
	// ParseNormalizedNamed: a bare 64-hex string is an image ID, not a name.
	if anchoredIdentifierRegexp.MatchString(image) {
		return "", errors.New("invalid reference format: a 64-character hexadecimal string is an image ID, not a name")
	}
	domain, remainder := splitDockerDomain(image)
	remote := remainder
	if i := strings.IndexRune(remainder, ':'); i > -1 {
		remote = remainder[:i]
	}
	if strings.ToLower(remote) != remote {
		return "", errors.New("invalid reference format: repository name must be lowercase")
	}
	return parseName(domain + "/" + remainder)
}

// splitDockerDomain mirrors distribution/reference normalize.go: the first
// element is a domain when it contains '.' or ':', is "localhost", or has an
// uppercase letter; otherwise the image is on Docker Hub.
func splitDockerDomain(name string) (domain, remainder string) {
	i := strings.IndexRune(name, '/')
	if i == -1 || (!strings.ContainsAny(name[:i], ".:") && name[:i] != "localhost" && strings.ToLower(name[:i]) == name[:i]) {
		domain, remainder = defaultDomain, name
	} else {
		domain, remainder = name[:i], name[i+1:]
	}
	if domain == legacyDefaultDomain {
		domain = defaultDomain
	}
	if domain == defaultDomain && !strings.ContainsRune(remainder, '/') {
		remainder = officialRepoPrefix + remainder
	}
	return domain, remainder
}

// parseName mirrors reference.Parse and returns Name(), which is the whole
// name group of the match: domain and path joined as written.
func parseName(s string) (string, error) {
	m := referenceRegexp.FindStringSubmatch(s)
	if m == nil {
		if s == "" {
			return "", errors.New("repository name must have at least one component")
		}
		if referenceRegexp.MatchString(strings.ToLower(s)) {
			return "", errors.New("repository name must be lowercase")
		}
		return "", errors.New("invalid reference format")
	}
	if len(m[1]) > nameTotalLengthMax {
		return "", errors.New("repository name must not be more than 255 characters")
	}
	if m[3] != "" {
		if err := validateDigest(m[3]); err != nil {
			return "", err
		}
	}
	return m[1], nil
}

// validateDigest mirrors go-digest's Digest.Validate for the algorithms a
// kubelet links (sha256, sha384, sha512): hex must be lowercase and of the
// algorithm's exact length; any other algorithm is unsupported.
func validateDigest(d string) error {
	algorithm, encoded, _ := strings.Cut(d, ":")
	size := 0
	switch algorithm {
	case "sha256":
		size = 64
	case "sha384":
		size = 96
	case "sha512":
		size = 128
	}
	switch {
	case size == 0:
		return errors.New("unsupported digest algorithm")
	case len(encoded) != size:
		return errors.New("invalid checksum digest length")
	case !lowerHex.MatchString(encoded):
		return errors.New("invalid checksum digest format")
	}
	return nil
}

// Registry returns the registry host[:port] of an image, for messages:
// "docker.io" for Docker Hub images. It returns "" for an invalid image name.
func Registry(image string) string {
	name, err := NormalizeImage(image)
	if err != nil {
		return ""
	}
	domain, _, _ := strings.Cut(name, "/")
	return domain
}
