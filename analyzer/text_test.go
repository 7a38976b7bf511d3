package analyzer

import "testing"

func TestClosestName(t *testing.T) {
	cases := []struct {
		name       string
		candidates []string
		want       string
	}{
		{"db-credentials", []string{"db-credential", "other"}, "db-credential"},
		{"db-creds", []string{"db-credentials"}, "db-credentials"}, // a shortened plural
		{"db-credentials", []string{"db-creds"}, "db-creds"},       // and the other way round
		{"vault-db-creds", []string{"vault-db-credentials"}, "vault-db-credentials"},
		{"db-cred", []string{"db-credentials"}, "db-credentials"}, // a plain prefix
		{"tls-certs", []string{"tls-certificates"}, "tls-certificates"},
		{"app-creds", []string{"app-credential"}, ""}, // the longer is no plural
		{"redis", []string{"postgres"}, ""},
	}
	for _, tc := range cases {
		got, ok := closest(tc.name, tc.candidates)
		if !ok {
			got = ""
		}
		if got != tc.want {
			t.Errorf("closest(%q, %v) = %q, want %q", tc.name, tc.candidates, got, tc.want)
		}
	}
}
