package registryauth

import (
	"strings"
	"testing"
)

const hex64 = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

// normalizeRows follow distribution/reference ParseNormalizedNamed(image).Name(),
// which is what the kubelet hands to its keyring. want "" means an error.
var normalizeRows = []struct {
	rule  string
	image string
	want  string
}{
	{"bare name gets docker.io/library", "nginx", "docker.io/library/nginx"},
	{"tag removed", "nginx:1.25", "docker.io/library/nginx"},
	{"tag may be uppercase", "nginx:Latest", "docker.io/library/nginx"},
	{"digest removed", "nginx@sha256:" + hex64, "docker.io/library/nginx"},
	{"tag and digest removed", "nginx:1.25@sha256:" + hex64, "docker.io/library/nginx"},
	{"namespace without domain is on Docker Hub", "team/app", "docker.io/team/app"},
	{"first element without . or : is a path", "foo_bar/app", "docker.io/foo_bar/app"},
	{"docker.io single element gets library", "docker.io/nginx", "docker.io/library/nginx"},
	{"index.docker.io is docker.io", "index.docker.io/x/y", "docker.io/x/y"},
	{"index.docker.io single element gets library", "index.docker.io/x", "docker.io/library/x"},
	{"registry-1.docker.io is not aliased", "registry-1.docker.io/x/y", "registry-1.docker.io/x/y"},
	{"localhost is a domain", "localhost/x", "localhost/x"},
	{"localhost with port", "localhost:5000/x", "localhost:5000/x"},
	{"first element with : is a domain", "registry:5000/x", "registry:5000/x"},
	{"first element with . is a domain", "reg.example.com/team/app:v1", "reg.example.com/team/app"},
	{"domain with port keeps it", "reg.example.com:5000/team/app:v1", "reg.example.com:5000/team/app"},
	{"uppercase first element is a domain", "Foo/bar", "Foo/bar"},
	{"uppercase domain kept as written", "REG.example.com/app", "REG.example.com/app"},
	{"IPv6 domain", "[::1]:5000/x", "[::1]:5000/x"},
	{"separators: dash runs and double underscore", "reg.example.com/a--b/c__d.e", "reg.example.com/a--b/c__d.e"},

	{"empty", "", ""},
	{"unexpanded variable", "${IMAGE}", ""},
	{"uppercase repository", "Nginx", ""},
	{"uppercase path under a domain", "reg.example.com/App", ""},
	{"uppercase namespace", "reg.example.com/Team/app", ""},
	{"64-hex image ID", hex64, ""},
	{"empty domain label", "a..b/c", ""},
	{"path component starts with a separator", "x.com/-a", ""},
	{"triple underscore", "reg.example.com/a___b", ""},
	{"short digest", "nginx@sha256:abc", ""},
	{"digest of the wrong length", "nginx@sha256:" + hex64 + "00", ""},
	{"uppercase digest hex", "nginx@sha256:" + strings.ToUpper(hex64), ""},
	{"unsupported digest algorithm", "nginx@md5:" + hex64[:32], ""},
	{"leading space", " nginx", ""},
	{"empty tag", "nginx:", ""},
	{"two tags", "nginx:a:b", ""},
	{"trailing slash", "reg.example.com/app/", ""},
	{"domain only", "reg.example.com/", ""},
	{"name over 255 characters", "reg.example.com/" + strings.Repeat("a", 240), ""},
}

func TestNormalizeImage(t *testing.T) {
	for _, row := range normalizeRows {
		t.Run(row.rule, func(t *testing.T) {
			got, err := NormalizeImage(row.image)
			if row.want == "" {
				if err == nil {
					t.Fatalf("NormalizeImage(%q) = %q, want an error", row.image, got)
				}
				return
			}
			if err != nil || got != row.want {
				t.Fatalf("NormalizeImage(%q) = %q, %v; want %q", row.image, got, err, row.want)
			}
			// Normalized names are fixed points: Covers and Lookup accept either form.
			if again, err := NormalizeImage(got); err != nil || again != got {
				t.Fatalf("NormalizeImage(%q) = %q, %v; want it unchanged", got, again, err)
			}
		})
	}
}

func TestRegistry(t *testing.T) {
	for _, row := range []struct{ image, want string }{
		{"nginx", "docker.io"},
		{"index.docker.io/team/app", "docker.io"},
		{"registry-1.docker.io/team/app", "registry-1.docker.io"},
		{"reg.example.com:5000/team/app:v1", "reg.example.com:5000"},
		{"localhost/x", "localhost"},
		{"Foo/bar", "Foo"},
		{"${IMAGE}", ""},
	} {
		if got := Registry(row.image); got != row.want {
			t.Errorf("Registry(%q) = %q, want %q", row.image, got, row.want)
		}
	}
}
