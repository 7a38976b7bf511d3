package dockerconfig

import (
	"reflect"
	"regexp"
	"sort"
	"testing"
)

// allowedError is every error text Parse may produce: positions, no input.
var allowedError = regexp.MustCompile(`^(empty payload|not valid JSON|not valid JSON at byte \d+|not the expected JSON shape at byte \d+)$`)

func addSeeds(f *testing.F) {
	for _, row := range parseRows {
		f.Add([]byte(row.payload), row.legacy)
	}
	f.Add([]byte(`{"auths":{"\u0061":{"auth":"x"},"a":{"auth":"`+b64("u:p")+`"}}}`), false)
	f.Add([]byte("{\"auths\":{\"\xff\xfe\":{\"username\":\"u\"}}}"), false)
	f.Add([]byte(`{"auths":{"a":{}},"AUTHS":{"b":{"password":"p"}}}`), false)
	f.Add(notJSONMarker, false)
}

func FuzzParse(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, payload []byte, legacy bool) {
		cfg, err := Parse(payload, legacy)
		if err != nil {
			if !allowedError.MatchString(err.Error()) {
				t.Fatalf("unexpected error text %q", err)
			}
			return
		}
		if !sort.SliceIsSorted(cfg.Entries, func(i, j int) bool { return cfg.Entries[i].Registry < cfg.Entries[j].Registry }) {
			t.Fatalf("entries not sorted: %+v", cfg.Entries)
		}
		for _, e := range cfg.Entries {
			switch {
			case e.Usable && e.Problem != "":
				t.Fatalf("usable entry with a problem: %+v", e)
			case !e.Usable && e.Problem != ProblemAuthNotBase64 && e.Problem != ProblemAuthNotUserPass && e.Problem != ProblemNoCredentials:
				t.Fatalf("unusable entry with unknown problem: %+v", e)
			}
		}
		if legacy && cfg.NoAuths {
			t.Fatalf("NoAuths set for a legacy payload")
		}
	})
}

func FuzzSanitize(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, payload []byte, legacy bool) {
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
			t.Fatalf("Sanitize not idempotent: %q then %q", clean, again)
		}
	})
}
