package registryauth

// These tests run go-containerregistry (pkg/authn/kubernetes and pkg/name),
// the library the issue preferred, against the same rows as our own tests and
// pin down exactly where it disagrees with the kubelet. They are why match.go
// and normalize.go copy the kubelet's code instead of calling the library; if
// a library upgrade fixes a row, these tests fail and say so.

import (
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/authn"
	k8schain "github.com/google/go-containerregistry/pkg/authn/kubernetes"
	"github.com/google/go-containerregistry/pkg/name"
	corev1 "k8s.io/api/core/v1"
)

func pullSecret(t *testing.T, auths map[string]string) corev1.Secret {
	t.Helper()
	entries := map[string]map[string]string{}
	for key, auth := range auths {
		entries[key] = map[string]string{"auth": auth}
	}
	payload, err := json.Marshal(map[string]any{"auths": entries})
	if err != nil {
		t.Fatal(err)
	}
	return corev1.Secret{Type: corev1.SecretTypeDockerConfigJson, Data: map[string][]byte{corev1.DockerConfigJsonKey: payload}}
}

// ggcrCovers asks the library's keychain, built from one pull Secret with one
// entry, whether it has a credential for image, as remote.Image would ask it.
func ggcrCovers(t *testing.T, key, image string) bool {
	kc, err := k8schain.NewFromPullSecrets(context.Background(), []corev1.Secret{pullSecret(t, map[string]string{key: "dTpw"})})
	if err != nil {
		return false
	}
	ref, err := name.ParseReference(image)
	if err != nil {
		return false
	}
	auth, err := kc.Resolve(ref.Context())
	return err == nil && auth != authn.Anonymous
}

// ggcrNormalize is name.ParseReference's repository name, with the library's
// "index.docker.io" spelling of Docker Hub mapped to docker's "docker.io" so
// that only real disagreements count.
func ggcrNormalize(image string) string {
	ref, err := name.ParseReference(image)
	if err != nil {
		return ""
	}
	n := ref.Context().Name()
	if rest, ok := strings.CutPrefix(n, "index.docker.io/"); ok {
		n = "docker.io/" + rest
	}
	return n
}

func TestGGCRKeychainDisagreesOnRules(t *testing.T) {
	// Docker Hub images resolve as "index.docker.io/...", so docker.io keys
	// (two labels) never match and index.docker.io/<path> keys do; and there
	// is no isDefaultRegistryMatch fallback.
	want := []string{
		"docker.io covers Docker Hub",
		"docker.io covers index.docker.io images",
		"docker.io/team covers the namespace",
		"docker.io/library covers official images",
		"index.docker.io/team never matches (no fallback for paths)",
		"index.docker.io fallback also covers localhost (kubelet quirk)",
	}
	var got []string
	for _, row := range ruleRows {
		if ggcrCovers(t, row.key, row.image) != row.want {
			got = append(got, row.rule)
		}
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("go-containerregistry keychain now disagrees with the kubelet on rows\n%q\nwas\n%q", got, want)
	}
}

func TestGGCRNameDisagreesOnNormalization(t *testing.T) {
	want := []string{
		"uppercase first element is a domain",
		"64-hex image ID",
		"empty domain label",
		"path component starts with a separator",
		"triple underscore",
		"trailing slash",
		"name over 255 characters",
	}
	var got []string
	for _, row := range normalizeRows {
		if ggcrNormalize(row.image) != row.want {
			got = append(got, row.rule)
		}
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("go-containerregistry pkg/name now disagrees with docker normalization on rows\n%q\nwas\n%q", got, want)
	}
}

func TestGGCRKeychainGivesOneCredential(t *testing.T) {
	secrets := []corev1.Secret{
		pullSecret(t, map[string]string{"reg.example.com": "YTox"}),      // a:1
		pullSecret(t, map[string]string{"reg.example.com/team": "Yjoy"}), // b:2
	}
	kc, err := k8schain.NewFromPullSecrets(context.Background(), secrets)
	if err != nil {
		t.Fatal(err)
	}
	auth, err := kc.Resolve(name.MustParseReference("reg.example.com/team/app").Context())
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := auth.Authorization()
	if err != nil {
		t.Fatal(err)
	}
	// One authenticator, for the most specific key only, and nothing says which Secret.
	if cfg.Username != "b" {
		t.Errorf("library resolved user %q, want b", cfg.Username)
	}
	// The kubelet tries both, most specific first.
	k := NewKeyring([]Source{source("one", usable("reg.example.com")), source("two", usable("reg.example.com/team"))})
	want := []Match{{Secret: "two", Registry: "reg.example.com/team"}, {Secret: "one", Registry: "reg.example.com"}}
	if got := k.Lookup("reg.example.com/team/app"); !reflect.DeepEqual(got, want) {
		t.Errorf("Lookup = %+v, want %+v", got, want)
	}
}

func TestGGCRKeychainFailsOnOneBadKey(t *testing.T) {
	secrets := []corev1.Secret{pullSecret(t, map[string]string{"reg example.com": "YTox", "reg.example.com": "YTox"})}
	if _, err := k8schain.NewFromPullSecrets(context.Background(), secrets); err == nil {
		t.Errorf("library accepted a key that is not a URL; it used to fail the whole keychain")
	}
	// The kubelet skips that entry and keeps the other.
	k := NewKeyring([]Source{source("s", usable("reg example.com"), usable("reg.example.com"))})
	if got := k.Lookup("reg.example.com/app"); len(got) != 1 {
		t.Errorf("Lookup = %+v, want the one valid entry", got)
	}
}
