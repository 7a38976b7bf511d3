package registryauth

import (
	"reflect"
	"testing"

	"github.com/secretscan/secretscan/internal/dockerconfig"
)

func usable(registry string) dockerconfig.Entry {
	return dockerconfig.Entry{Registry: registry, Usable: true}
}

func noCreds(registry string) dockerconfig.Entry {
	return dockerconfig.Entry{Registry: registry, Problem: dockerconfig.ProblemNoCredentials}
}

func source(secret string, entries ...dockerconfig.Entry) Source {
	return Source{Secret: secret, Config: dockerconfig.Config{Entries: entries}}
}

func TestLookup(t *testing.T) {
	for _, row := range []struct {
		name    string
		sources []Source
		image   string
		want    []Match
	}{
		{
			name: "every matching entry, most specific key first, then Secret order",
			sources: []Source{
				source("a", usable("reg.example.com"), usable("reg.example.com/team")),
				source("b", usable("https://reg.example.com/v2/")),
			},
			image: "reg.example.com/team/app:v1",
			want: []Match{
				{Secret: "a", Registry: "reg.example.com/team"},
				{Secret: "a", Registry: "reg.example.com"},
				{Secret: "b", Registry: "https://reg.example.com/v2/"},
			},
		},
		{
			name:    "unusable entries are not tried",
			sources: []Source{source("a", noCreds("reg.example.com")), source("b", usable("*.example.com"))},
			image:   "reg.example.com/app",
			want:    []Match{{Secret: "b", Registry: "*.example.com"}},
		},
		{
			name:    "no match",
			sources: []Source{source("a", usable("reg.example.com"))},
			image:   "reg.example.com:5000/app",
			want:    nil,
		},
		{
			name:    "index.docker.io by fallback when nothing else matched",
			sources: []Source{source("a", usable("reg.example.com")), source("hub", usable("https://index.docker.io/v1/"))},
			image:   "nginx",
			want:    []Match{{Secret: "hub", Registry: "https://index.docker.io/v1/"}},
		},
		{
			name:    "no fallback once docker.io matched",
			sources: []Source{source("hub-legacy", usable("https://index.docker.io/v1/")), source("hub", usable("docker.io"))},
			image:   "nginx",
			want:    []Match{{Secret: "hub", Registry: "docker.io"}},
		},
		{
			name:    "an unusable docker.io entry still blocks the fallback",
			sources: []Source{source("hub-legacy", usable("https://index.docker.io/v1/")), source("hub", noCreds("docker.io"))},
			image:   "nginx",
			want:    nil,
		},
		{
			name:    "two spellings of one index key in one Secret, by entry key",
			sources: []Source{source("a", usable("index.docker.io"), usable("https://index.docker.io/v1/"))},
			image:   "team/app",
			want:    []Match{{Secret: "a", Registry: "https://index.docker.io/v1/"}, {Secret: "a", Registry: "index.docker.io"}},
		},
		{
			name:    "registry-1.docker.io is never used for Docker Hub images",
			sources: []Source{source("a", usable("registry-1.docker.io"))},
			image:   "nginx",
			want:    nil,
		},
		{
			name:    "invalid image name gets nothing",
			sources: []Source{source("a", usable("*"))},
			image:   "${IMAGE}",
			want:    nil,
		},
		{
			name:    "no Secrets",
			sources: nil,
			image:   "nginx",
			want:    nil,
		},
	} {
		t.Run(row.name, func(t *testing.T) {
			got := NewKeyring(row.sources).Lookup(row.image)
			if !reflect.DeepEqual(got, row.want) {
				t.Errorf("Lookup(%q) = %+v\nwant %+v", row.image, got, row.want)
			}
		})
	}
}

func TestCovering(t *testing.T) {
	k := NewKeyring([]Source{
		source("a", noCreds("reg.example.com"), usable("other.example.com")),
		source("b", dockerconfig.Entry{Registry: "reg.example.com/team", Problem: dockerconfig.ProblemAuthNotBase64}, usable("reg.example.com")),
	})
	want := []Coverage{
		{Secret: "b", Registry: "reg.example.com/team", Problem: dockerconfig.ProblemAuthNotBase64},
		{Secret: "a", Registry: "reg.example.com", Problem: dockerconfig.ProblemNoCredentials},
		{Secret: "b", Registry: "reg.example.com", Usable: true},
	}
	if got := k.Covering("reg.example.com/team/app"); !reflect.DeepEqual(got, want) {
		t.Errorf("Covering = %+v\nwant %+v", got, want)
	}
	if got := k.Covering("elsewhere.example.com/app"); got != nil {
		t.Errorf("Covering(uncovered) = %+v, want nil", got)
	}
}

func TestRegistriesAndInvalid(t *testing.T) {
	k := NewKeyring([]Source{
		source("a", usable("reg.example.com"), noCreds("docker.io"), usable("reg example.com"), usable("reg-[0-9].example.com")),
		source("b", usable("reg.example.com"), usable("https://index.docker.io/v1/")),
	})
	wantRegs := []string{"docker.io", "https://index.docker.io/v1/", "reg.example.com"}
	if got := k.Registries(); !reflect.DeepEqual(got, wantRegs) {
		t.Errorf("Registries = %q, want %q", got, wantRegs)
	}
	// docker.io's only entry has no credentials: it covers nothing.
	wantUsable := []string{"https://index.docker.io/v1/", "reg.example.com"}
	if got := k.UsableRegistries(); !reflect.DeepEqual(got, wantUsable) {
		t.Errorf("UsableRegistries = %q, want %q", got, wantUsable)
	}
	if got := NewKeyring([]Source{source("a", noCreds("reg.example.com"))}).UsableRegistries(); got != nil {
		t.Errorf("UsableRegistries of entries without credentials = %q, want nil", got)
	}
	wantInvalid := []Match{{Secret: "a", Registry: "reg example.com"}, {Secret: "a", Registry: "reg-[0-9].example.com"}}
	if got := k.Invalid(); !reflect.DeepEqual(got, wantInvalid) {
		t.Errorf("Invalid = %+v, want %+v", got, wantInvalid)
	}
	if got := NewKeyring(nil).Registries(); got != nil {
		t.Errorf("Registries of an empty keyring = %q, want nil", got)
	}
}

// The keyring is built once per pod and then only read, so concurrent
// lookups are safe; -race checks it.
func TestKeyringConcurrentReads(t *testing.T) {
	k := NewKeyring([]Source{source("a", usable("docker.io"), usable("*.example.com"))})
	done := make(chan struct{})
	for range 4 {
		go func() {
			defer func() { done <- struct{}{} }()
			for range 100 {
				k.Lookup("nginx")
				k.Covering("a.example.com/app")
				k.Registries()
			}
		}()
	}
	for range 4 {
		<-done
	}
}

// End to end with dockerconfig: a parsed, sanitized payload still gives the
// same lookups, which is what the loader hands the analyzer.
func TestKeyringFromSanitizedPayload(t *testing.T) {
	payload := []byte(`{"auths":{"https://index.docker.io/v1/":{"auth":"dXNlcjpwdw=="},"reg.example.com":{"username":"u","password":"p"},"*.example.com":{}}}`)
	cfg, err := dockerconfig.Parse(dockerconfig.Sanitize(payload, false), false)
	if err != nil {
		t.Fatal(err)
	}
	k := NewKeyring([]Source{{Secret: "pull", Config: cfg}})
	if got, want := k.Lookup("busybox:1.36"), []Match{{Secret: "pull", Registry: "https://index.docker.io/v1/"}}; !reflect.DeepEqual(got, want) {
		t.Errorf("Lookup(busybox) = %+v, want %+v", got, want)
	}
	if got, want := k.Lookup("reg.example.com/app"), []Match{{Secret: "pull", Registry: "reg.example.com"}}; !reflect.DeepEqual(got, want) {
		t.Errorf("Lookup(reg.example.com/app) = %+v, want %+v", got, want)
	}
}
