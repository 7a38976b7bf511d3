package messages

import (
	"strings"
	"testing"
)

// The one-pass matcher must find exactly what strings.Contains finds.
func TestKeywordMatcherAgreesWithContains(t *testing.T) {
	inputs := []string{"", "x", "not found", "nnot foundd", "secretsecret", "pull image pull", "401401", "a: not found"}
	for _, tc := range classifyCases {
		inputs = append(inputs, asciiLower(normalize(tc.message)))
	}
	inputs = append(inputs, keywords...)
	inputs = append(inputs, strings.Join(keywords, ""), strings.Join(keywords, " "))
	for _, in := range inputs {
		got := matcher.scan(in)
		for i, kw := range keywords {
			if want := strings.Contains(in, kw); got.has(i) != want {
				t.Errorf("scan(%.60q): keyword %q = %v, want %v", in, kw, got.has(i), want)
			}
		}
	}
}

func FuzzKeywordMatcher(f *testing.F) {
	for _, kw := range keywords {
		f.Add(kw)
	}
	f.Fuzz(func(t *testing.T, in string) {
		got := matcher.scan(in)
		for i, kw := range keywords {
			if want := strings.Contains(in, kw); got.has(i) != want {
				t.Fatalf("scan(%q): keyword %q = %v, want %v", in, kw, got.has(i), want)
			}
		}
	})
}
