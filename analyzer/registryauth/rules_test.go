package registryauth

import "testing"

// ruleRows are the kubelet's keyring rules (reference section 3), a positive
// and a negative row for each. ggcr_compare_test.go runs the same rows
// through go-containerregistry's keychain.
var ruleRows = []struct {
	rule  string
	key   string
	image string
	want  bool
}{
	{"exact host", "reg.example.com", "reg.example.com/app:v1", true},
	{"other host", "reg.example.com", "other.example.com/app", false},

	{"https scheme stripped", "https://reg.example.com", "reg.example.com/app", true},
	{"http scheme stripped", "http://reg.example.com", "reg.example.com/app", true},
	{"other scheme not stripped", "ftp://reg.example.com", "reg.example.com/app", false},

	{"trailing /v1/ stripped", "https://reg.example.com/v1/", "reg.example.com/app", true},
	{"trailing /v2/ stripped", "reg.example.com/v2/", "reg.example.com/app", true},
	{"/v3/ is a real path", "reg.example.com/v3/", "reg.example.com/app", false},
	{"/v1 without slash is a real path", "index.docker.io/v1", "nginx", false},

	{"same port", "reg.example.com:5000", "reg.example.com:5000/app", true},
	{"key without port, image with port", "reg.example.com", "reg.example.com:5000/app", false},
	{"key with port, image without port", "reg.example.com:5000", "reg.example.com/app", false},
	{"default port is not implied", "reg.example.com:443", "reg.example.com/app", false},

	{"same label count", "example.com", "example.com/app", true},
	{"fewer labels in key", "example.com", "reg.example.com/app", false},

	{"* matches one label", "*.example.com", "a.example.com/app", true},
	{"* needs a label", "*.example.com", "example.com/app", false},
	{"* does not span labels", "*.example.com", "a.b.example.com/app", false},
	{"glob with port", "*.example.com:5000", "a.example.com:5000/app", true},
	{"glob with port needs the port", "*.example.com:5000", "a.example.com/app", false},
	// filepath.Match would take '?' and '[...]' too, but url.Parse gets there
	// first: '?' starts a query, so the key's host is cut to "reg-", and since
	// Go 1.24.8/1.25.2 (CVE-2025-47912) a '[' inside a host name is an invalid
	// IP literal, so the kubelet ignores the entry. Kubelets built with older
	// Go did match "[0-9]" as a class.
	{"? ends the host, so it never globs", "reg-?.example.com", "reg-1.example.com/app", false},
	{"[...] makes the key invalid", "reg-[0-9].example.com", "reg-7.example.com/app", false},
	{"bare * covers one-label hosts", "*", "localhost/app", true},
	{"bare * does not cover Docker Hub", "*", "nginx", false},

	{"path prefix", "reg.example.com/team", "reg.example.com/team/app", true},
	{"path prefix is a plain string prefix", "reg.example.com/team", "reg.example.com/team-b/app", true},
	{"different path", "reg.example.com/team-a", "reg.example.com/team-b/app", false},
	{"trailing slash in key path", "reg.example.com/team/", "reg.example.com/team/app", true},
	{"trailing slash stops the plain prefix", "reg.example.com/team/", "reg.example.com/team-b/app", false},
	{"key path longer than image path", "reg.example.com/team/app/sub", "reg.example.com/team/app", false},
	{"path after /v2/ kept", "https://reg.example.com/v2/team", "reg.example.com/team/app", true},
	{"path after /v2/ still must match", "https://reg.example.com/v2/team", "reg.example.com/other/app", false},

	{"docker.io covers Docker Hub", "docker.io", "nginx", true},
	{"docker.io covers index.docker.io images", "docker.io", "index.docker.io/team/app", true},
	{"docker.io does not cover others", "docker.io", "reg.example.com/app", false},
	{"docker.io/team covers the namespace", "docker.io/team", "team/app", true},
	{"docker.io/library covers official images", "docker.io/library", "nginx", true},
	{"docker.io/team does not cover another namespace", "docker.io/team", "other/app", false},
	{"index.docker.io covers Docker Hub by fallback", "index.docker.io", "nginx", true},
	{"index.docker.io covers docker.io images by fallback", "index.docker.io", "docker.io/team/app", true},
	{"https://index.docker.io/v1/ covers Docker Hub", "https://index.docker.io/v1/", "nginx", true},
	{"https://index.docker.io/v2/ covers Docker Hub", "https://index.docker.io/v2/", "team/app", true},
	{"index.docker.io does not cover others", "index.docker.io", "reg.example.com/app", false},
	{"index.docker.io/team never matches (no fallback for paths)", "index.docker.io/team", "team/app", false},
	{"index.docker.io fallback also covers localhost (kubelet quirk)", "index.docker.io", "localhost/app", true},
	{"registry-1.docker.io does not cover Docker Hub", "registry-1.docker.io", "nginx", false},
	{"registry-1.docker.io covers its own name", "registry-1.docker.io", "registry-1.docker.io/team/app", true},

	{"uppercase domain matches the same case", "REG.example.com", "REG.example.com/app", true},
	{"host match is case-sensitive", "reg.example.com", "REG.example.com/app", false},
	{"localhost key", "localhost", "localhost/app", true},
	{"localhost key needs the same port", "localhost", "localhost:5000/app", false},

	{"invalid image covers nothing", "reg.example.com", "reg.example.com/App", false},
	{"unexpanded variable covers nothing", "*", "${IMAGE}", false},
	{"key that is not a URL is ignored", "reg example.com", "reg.example.com/app", false},
	{"key with a bad port is ignored", "reg.example.com:port", "reg.example.com/app", false},
	{"redacted key covers nothing", "***HIDDEN***", "nginx", false},
}

func TestCovers(t *testing.T) {
	for _, row := range ruleRows {
		t.Run(row.rule, func(t *testing.T) {
			if got := Covers(row.key, row.image); got != row.want {
				t.Errorf("Covers(%q, %q) = %v, want %v", row.key, row.image, got, row.want)
			}
		})
	}
}
