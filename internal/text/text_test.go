package text

import "testing"

func TestLevenshtein(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want int
	}{{"", "", 0}, {"db-credentials", "db-credential", 1}, {"kitten", "sitting", 3}, {"", "abc", 3}} {
		if got := Levenshtein(tc.a, tc.b); got != tc.want {
			t.Errorf("Levenshtein(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}

func TestClipWords(t *testing.T) {
	for _, tc := range []struct {
		in   string
		n    int
		want string
	}{
		{"short", 10, "short"},
		{"the certificate request has failed to complete", 30, "the certificate request..."},
		{"ééééééééé", 8, "éé..."},
		{"abcdefghijklmnopqrstuvwxyz", 10, "abcdefg..."},
	} {
		if got := ClipWords(tc.in, tc.n); got != tc.want {
			t.Errorf("ClipWords(%q, %d) = %q, want %q", tc.in, tc.n, got, tc.want)
		}
		if len(ClipWords(tc.in, tc.n)) > max(tc.n, len(tc.in)) {
			t.Errorf("ClipWords(%q, %d) is too long", tc.in, tc.n)
		}
	}
}

func TestPluralKind(t *testing.T) {
	tests := []struct{ kind, want string }{
		{"Secret", "Secrets"}, {"NetworkPolicy", "NetworkPolicies"}, {"Ingress", "Ingresses"},
		{"Endpoints", "Endpoints"}, {"Gateway", "Gateways"}, {"", ""}, {"ComponentStatus", "ComponentStatuses"},
		{"Node.longhorn.io", "Nodes.longhorn.io"}, {"SecretProviderClass", "SecretProviderClasses"},
		{"Policy.kyverno.io", "Policies.kyverno.io"}, {"Mesh", "Meshes"},
	}
	for _, tc := range tests {
		if got := PluralKind(tc.kind); got != tc.want {
			t.Errorf("PluralKind(%q) = %q, want %q", tc.kind, got, tc.want)
		}
	}
}
