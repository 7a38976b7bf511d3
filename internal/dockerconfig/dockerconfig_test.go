package dockerconfig

import (
	"encoding/base64"
	"reflect"
	"strings"
	"testing"
)

func b64(s string) string    { return base64.StdEncoding.EncodeToString([]byte(s)) }
func rawB64(s string) string { return base64.RawStdEncoding.EncodeToString([]byte(s)) }

// parseRows are payloads as found in real pull Secrets and the kubelet's
// verdict on each. They also seed the Sanitize tests and the fuzzers.
var parseRows = []struct {
	name    string
	payload string
	legacy  bool
	want    Config
	wantErr string
}{
	{
		name:    "padded auth decodes with StdEncoding",
		payload: `{"auths":{"reg.example.com":{"auth":"` + b64("user:pw") + `"}}}`,
		want:    Config{Entries: []Entry{{Registry: "reg.example.com", Usable: true}}},
	},
	{
		name:    "unpadded auth decodes with RawStdEncoding",
		payload: `{"auths":{"reg.example.com":{"auth":"` + rawB64("user:pw") + `"}}}`,
		want:    Config{Entries: []Entry{{Registry: "reg.example.com", Usable: true}}},
	},
	{
		name:    "padding cut short is not base64",
		payload: `{"auths":{"reg.example.com":{"auth":"` + strings.TrimSuffix(b64("user:pw"), "=") + `"}}}`,
		want:    Config{Entries: []Entry{{Registry: "reg.example.com", Problem: ProblemAuthNotBase64}}},
	},
	{
		name:    "trailing space after padding: kubelet picks StdEncoding, which rejects the space",
		payload: `{"auths":{"reg.example.com":{"auth":"` + b64("user:pw") + ` "}}}`,
		want:    Config{Entries: []Entry{{Registry: "reg.example.com", Problem: ProblemAuthNotBase64}}},
	},
	{
		name:    "line break inside auth is skipped by the decoder",
		payload: `{"auths":{"reg.example.com":{"auth":"` + b64("user:pw")[:4] + `\n` + b64("user:pw")[4:] + `"}}}`,
		want:    Config{Entries: []Entry{{Registry: "reg.example.com", Usable: true}}},
	},
	{
		name:    "auth that is not base64",
		payload: `{"auths":{"reg.example.com":{"auth":"%%%%"}}}`,
		want:    Config{Entries: []Entry{{Registry: "reg.example.com", Problem: ProblemAuthNotBase64}}},
	},
	{
		name:    "auth without a colon",
		payload: `{"auths":{"reg.example.com":{"auth":"` + b64("userpw") + `"}}}`,
		want:    Config{Entries: []Entry{{Registry: "reg.example.com", Problem: ProblemAuthNotUserPass}}},
	},
	{
		name:    "auth of a bare colon still splits into user and password",
		payload: `{"auths":{"reg.example.com":{"auth":"` + b64(":") + `"}}}`,
		want:    Config{Entries: []Entry{{Registry: "reg.example.com", Usable: true}}},
	},
	{
		name:    "a bad auth overrides good username and password",
		payload: `{"auths":{"reg.example.com":{"auth":"%%%%","username":"u","password":"p"}}}`,
		want:    Config{Entries: []Entry{{Registry: "reg.example.com", Problem: ProblemAuthNotBase64}}},
	},
	{
		name:    "empty auth falls back to username and password",
		payload: `{"auths":{"reg.example.com":{"auth":"","username":"u","password":"p"}}}`,
		want:    Config{Entries: []Entry{{Registry: "reg.example.com", Usable: true}}},
	},
	{
		name:    "username only",
		payload: `{"auths":{"reg.example.com":{"username":"u"}}}`,
		want:    Config{Entries: []Entry{{Registry: "reg.example.com", Usable: true}}},
	},
	{
		name:    "password only",
		payload: `{"auths":{"reg.example.com":{"password":"p"}}}`,
		want:    Config{Entries: []Entry{{Registry: "reg.example.com", Usable: true}}},
	},
	{
		name:    "email only gives no credentials",
		payload: `{"auths":{"reg.example.com":{"email":"a@example.com"}}}`,
		want:    Config{Entries: []Entry{{Registry: "reg.example.com", Problem: ProblemNoCredentials}}},
	},
	{
		name:    "identity token is not read from Secrets",
		payload: `{"auths":{"reg.example.com":{"identitytoken":"t"}}}`,
		want:    Config{Entries: []Entry{{Registry: "reg.example.com", Problem: ProblemNoCredentials}}},
	},
	{
		name:    "null entry",
		payload: `{"auths":{"reg.example.com":null}}`,
		want:    Config{Entries: []Entry{{Registry: "reg.example.com", Problem: ProblemNoCredentials}}},
	},
	{
		name:    "field names match case-insensitively, as in encoding/json",
		payload: `{"AUTHS":{"reg.example.com":{"Auth":"` + b64("user:pw") + `"}}}`,
		want:    Config{Entries: []Entry{{Registry: "reg.example.com", Usable: true}}},
	},
	{
		name:    "entries sorted, keys kept as written (Docker Hub URL, redacted bundle key)",
		payload: `{"auths":{"***HIDDEN***":{"auth":"` + b64("a:b") + `"},"https://index.docker.io/v1/":{"auth":"` + b64("a:b") + `"},"*.example.com":{}}}`,
		want: Config{Entries: []Entry{
			{Registry: "***HIDDEN***", Usable: true},
			{Registry: "*.example.com", Problem: ProblemNoCredentials},
			{Registry: "https://index.docker.io/v1/", Usable: true},
		}},
	},
	{
		name:    "HttpHeaders are allowed and ignored",
		payload: `{"auths":{"reg.example.com":{"username":"u"}},"HttpHeaders":{"User-Agent":"x"}}`,
		want:    Config{Entries: []Entry{{Registry: "reg.example.com", Usable: true}}},
	},
	{
		name:    "no auths wrapper: zero credentials, silently",
		payload: `{"reg.example.com":{"auth":"` + b64("user:pw") + `"}}`,
		want:    Config{NoAuths: true},
	},
	{
		name:    "auths null",
		payload: `{"auths":null}`,
		want:    Config{NoAuths: true},
	},
	{
		name:    "auths empty is not NoAuths",
		payload: `{"auths":{}}`,
		want:    Config{},
	},
	{
		name:    "legacy .dockercfg map",
		payload: `{"reg.example.com":{"auth":"` + b64("user:pw") + `","email":"a@example.com"}}`,
		legacy:  true,
		want:    Config{Entries: []Entry{{Registry: "reg.example.com", Usable: true}}},
	},
	{
		name:    "legacy key given a .dockerconfigjson payload sees one entry named auths",
		payload: `{"auths":{"reg.example.com":{"auth":"` + b64("user:pw") + `"}}}`,
		legacy:  true,
		want:    Config{Entries: []Entry{{Registry: "auths", Problem: ProblemNoCredentials}}},
	},
	{
		name:    "legacy null",
		payload: `null`,
		legacy:  true,
		want:    Config{},
	},
	{name: "empty payload", payload: ``, wantErr: "empty payload"},
	{name: "not JSON", payload: `secret-password`, wantErr: "not valid JSON at byte 1"},
	{name: "trailing comma", payload: `{"auths":{"a":{"auth":"x"},}}`, wantErr: "not valid JSON at byte 28"},
	{name: "truncated", payload: `{"auths":{"a":{"auth":"x"`, wantErr: "not valid JSON at byte 25"},
	{name: "text after the object", payload: `{"auths":{}} x`, wantErr: "not valid JSON at byte 14"},
	{name: "auths is an array", payload: `{"auths":[]}`, wantErr: "not the expected JSON shape at byte 10"},
	{name: "username is a number", payload: `{"auths":{"a":{"username":5}}}`, wantErr: "not the expected JSON shape at byte 27"},
	{name: "HttpHeaders of the wrong type", payload: `{"auths":{},"HttpHeaders":1}`, wantErr: "not the expected JSON shape at byte 27"},
	{name: "top level array", payload: `["a"]`, wantErr: "not the expected JSON shape at byte 1"},
	{name: "legacy entry is a string", payload: `{"reg.example.com":"user:pw"}`, legacy: true, wantErr: "not the expected JSON shape at byte 28"},
}

func TestParse(t *testing.T) {
	for _, row := range parseRows {
		t.Run(row.name, func(t *testing.T) {
			got, err := Parse([]byte(row.payload), row.legacy)
			if row.wantErr != "" {
				if err == nil || err.Error() != row.wantErr {
					t.Fatalf("Parse error = %v, want %q", err, row.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if !reflect.DeepEqual(got, row.want) {
				t.Errorf("Parse = %+v\nwant    %+v", got, row.want)
			}
		})
	}
}

func TestKubeletRejects(t *testing.T) {
	for _, row := range []struct {
		payload string
		want    bool
	}{
		{`{"auths":{"a":{"auth":"` + b64("u:p") + `"},"b":{}}}`, false},
		{`{"auths":{"a":{"auth":"` + b64("u:p") + `"},"b":{"auth":"%%%%"}}}`, true},
		{`{"auths":{"a":{"auth":"` + b64("up") + `"}}}`, true},
	} {
		cfg, err := Parse([]byte(row.payload), false)
		if err != nil {
			t.Fatalf("Parse(%s): %v", row.payload, err)
		}
		if got := cfg.KubeletRejects(); got != row.want {
			t.Errorf("KubeletRejects(%s) = %v, want %v", row.payload, got, row.want)
		}
	}
}

func TestSanitizeKeepsVerdict(t *testing.T) {
	for _, row := range parseRows {
		t.Run(row.name, func(t *testing.T) {
			checkSanitize(t, []byte(row.payload), row.legacy)
		})
	}
}

// checkSanitize asserts the Sanitize contract on one payload.
func checkSanitize(t *testing.T, payload []byte, legacy bool) {
	t.Helper()
	want, wantErr := Parse(payload, legacy)
	clean := Sanitize(payload, legacy)
	got, gotErr := Parse(clean, legacy)
	if (wantErr != nil) != (gotErr != nil) {
		t.Fatalf("Parse(original) error = %v, Parse(sanitized) error = %v", wantErr, gotErr)
	}
	if wantErr == nil && !reflect.DeepEqual(got, want) {
		t.Fatalf("Parse(sanitized) = %+v\nParse(original)  = %+v", got, want)
	}
	if again := Sanitize(clean, legacy); string(again) != string(clean) {
		t.Fatalf("Sanitize is not idempotent: %q then %q", clean, again)
	}
}

func TestSanitizeOutput(t *testing.T) {
	for _, row := range []struct {
		payload string
		legacy  bool
		want    string
	}{
		{`{"auths":{"b.example.com":{"auth":"` + b64("u:p") + `"},"a.example.com":{"username":"u","email":"e"}},"credsStore":"x"}`, false,
			`{"auths":{"a.example.com":{"auth":"cmVkYWN0ZWQ6cmVkYWN0ZWQ="},"b.example.com":{"auth":"cmVkYWN0ZWQ6cmVkYWN0ZWQ="}}}`},
		{`{"auths":{"a":{"auth":"%%%%"},"b":{"auth":"` + b64("up") + `"},"c":{}}}`, false,
			`{"auths":{"a":{"auth":"redacted:not-base64"},"b":{"auth":"cmVkYWN0ZWQ="},"c":{}}}`},
		{`{"reg.example.com":{"auth":"` + b64("u:p") + `"}}`, false, `{}`},
		{`{"auths":{}}`, false, `{"auths":{}}`},
		{`{"reg.example.com":{"auth":"` + b64("u:p") + `"}}`, true, `{"reg.example.com":{"auth":"cmVkYWN0ZWQ6cmVkYWN0ZWQ="}}`},
		{`{"<&>":{}}`, true, `{"<&>":{}}`},
		{`{"auths":`, false, `secretscan:redacted:not-json`},
		{``, false, ``},
	} {
		if got := string(Sanitize([]byte(row.payload), row.legacy)); got != row.want {
			t.Errorf("Sanitize(%s) = %s\nwant %s", row.payload, got, row.want)
		}
	}
}

// Credential values planted in every field a pull Secret can carry. Their
// 4-byte windows must not appear in sanitized payloads or in errors.
const (
	plantedUser     = "Qx7Vz9Kp"
	plantedPassword = "Jm3Wr8Ty"
	plantedEmail    = "Hb5Nc2Ld@corp.test"
	plantedToken    = "Fg4Sd6Xe"
)

func plantedValues() []string {
	return []string{
		plantedUser, plantedPassword, plantedEmail, plantedToken,
		b64(plantedUser + ":" + plantedPassword),
		rawB64(plantedUser + ":" + plantedPassword),
		b64(plantedUser + plantedPassword),
	}
}

func assertNoPlanted(t *testing.T, what string, out []byte) {
	t.Helper()
	for _, v := range plantedValues() {
		for i := 0; i+4 <= len(v); i++ {
			if strings.Contains(string(out), v[i:i+4]) {
				t.Errorf("%s contains %q from a credential value: %s", what, v[i:i+4], out)
			}
		}
	}
}

func TestSanitizeRemovesCredentials(t *testing.T) {
	full := `"username":"` + plantedUser + `","password":"` + plantedPassword + `","email":"` + plantedEmail + `"`
	for _, row := range []struct {
		payload string
		legacy  bool
	}{
		{`{"auths":{"reg.example.com":{"auth":"` + b64(plantedUser+":"+plantedPassword) + `",` + full + `}}}`, false},
		{`{"auths":{"reg.example.com":{"auth":"` + rawB64(plantedUser+":"+plantedPassword) + `"}}}`, false},
		{`{"auths":{"reg.example.com":{"auth":"` + b64(plantedUser+plantedPassword) + `"}}}`, false},
		{`{"auths":{"reg.example.com":{"auth":"` + plantedUser + plantedPassword + `!"}}}`, false},
		{`{"auths":{"reg.example.com":{` + full + `,"identitytoken":"` + plantedToken + `","registrytoken":"` + plantedToken + `"}},` +
			`"HttpHeaders":{"Authorization":"` + plantedToken + `"},"credHelpers":{"x":"` + plantedToken + `"}}`, false},
		{`{"reg.example.com":{` + full + `}}`, true},
		{`{"auths":{"reg.example.com":{"auth":"` + b64(plantedUser+":"+plantedPassword) + `",}}}`, false}, // broken JSON
		{`{"auths":{"reg.example.com":{"username":"` + plantedUser + `","password":5}}}`, false},          // wrong shape
		{`{"auths":{"reg.example.com":{"username":"` + plantedUser + `"}}}`, true},                        // shape legacy reads as no creds
	} {
		out := Sanitize([]byte(row.payload), row.legacy)
		assertNoPlanted(t, "Sanitize output", out)
		checkSanitize(t, []byte(row.payload), row.legacy)
		if _, err := Parse([]byte(row.payload), row.legacy); err != nil {
			assertNoPlanted(t, "Parse error", []byte(err.Error()))
		}
	}
}

func TestParseErrorsQuoteNoInput(t *testing.T) {
	for _, row := range []struct {
		payload string
		legacy  bool
	}{
		{plantedPassword, false},
		{plantedPassword, true},
		{`{"auths":{"` + plantedUser + `":{"auth":` + plantedPassword + `}}}`, false},
		{`{"` + plantedUser + `":{"auth":` + plantedPassword + `}}`, true},
		{`{"auths":{"r":{"username":"` + plantedUser + `","password":` + plantedPassword + `}}}`, false},
		{`{"auths":{"r":{"username":"` + plantedUser + `"}},"` + plantedToken + `"}`, false},
		{`{"auths":{"r":{"username":["` + plantedUser + `"]}}}`, false},
		{`{"r":{"password":{"` + plantedPassword + `":1}}}`, true},
	} {
		_, err := Parse([]byte(row.payload), row.legacy)
		if err == nil {
			t.Fatalf("Parse(%s, legacy=%v) succeeded, want an error", row.payload, row.legacy)
		}
		assertNoPlanted(t, "Parse error", []byte(err.Error()))
	}
}

func TestRegistryKeyUserinfoDropped(t *testing.T) {
	tests := []struct {
		name    string
		payload string
		want    []Entry
		rejects bool
	}{
		{"scheme and userinfo", `{"auths":{"https://u:PLANTED@reg.example.com/v1/":{"auth":"dTpw"}}}`,
			[]Entry{{Registry: "https://reg.example.com/v1/", Usable: true}}, false},
		{"no scheme", `{"auths":{"u:PLANTED@reg.example.com:5000":{"username":"u"}}}`,
			[]Entry{{Registry: "reg.example.com:5000", Usable: true}}, false},
		{"last @ ends userinfo", `{"auths":{"a@b:PLANTED@reg.example.com":{}}}`,
			[]Entry{{Registry: "reg.example.com", Problem: ProblemNoCredentials}}, false},
		{"@ in path is not userinfo", `{"auths":{"reg.example.com/team@x":{"auth":"dTpw"}}}`,
			[]Entry{{Registry: "reg.example.com/team@x", Usable: true}}, false},
		{"merged: usable wins over empty", `{"auths":{"reg.example.com":{},"u:PLANTED@reg.example.com":{"auth":"dTpw"}}}`,
			[]Entry{{Registry: "reg.example.com", Usable: true}}, false},
		{"merged: undecodable wins", `{"auths":{"reg.example.com":{"auth":"dTpw"},"u:PLANTED@reg.example.com":{"auth":"%%%"}}}`,
			[]Entry{{Registry: "reg.example.com", Problem: ProblemAuthNotBase64}}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := Parse([]byte(tt.payload), false)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(cfg.Entries, tt.want) || cfg.KubeletRejects() != tt.rejects {
				t.Errorf("Parse = %+v (rejects %v), want %+v (rejects %v)", cfg.Entries, cfg.KubeletRejects(), tt.want, tt.rejects)
			}
			sanitized := Sanitize([]byte(tt.payload), false)
			if strings.Contains(string(sanitized), "PLANTED") {
				t.Errorf("Sanitize keeps the userinfo: %s", sanitized)
			}
			again, err := Parse(sanitized, false)
			if err != nil || !reflect.DeepEqual(again, cfg) {
				t.Errorf("sanitized payload parses to %+v, %v; want %+v", again, err, cfg)
			}
		})
	}
}
