package loader

import (
	"encoding/json"
	"testing"
)

func TestDropManagedFields(t *testing.T) {
	cases := []struct {
		name, in, want string
	}{
		{"none", `{"kind":"Pod","metadata":{"name":"a"}}`, `{"kind":"Pod","metadata":{"name":"a"}}`},
		{"first member", `{"kind":"Pod","metadata":{"managedFields":[{"manager":"x","fieldsV1":{"f:a":{}}}],"name":"a"}}`, `{"kind":"Pod","metadata":{"name":"a"}}`},
		{"middle member", `{"metadata":{"name":"a","managedFields":[{"m":"}"}],"uid":"u"},"spec":{}}`, `{"metadata":{"name":"a","uid":"u"},"spec":{}}`},
		{"last member", `{"metadata":{"name":"a","managedFields":[{"m":1}]}}`, `{"metadata":{"name":"a"}}`},
		{"only member", `{"metadata":{"managedFields":[]}}`, `{"metadata":{}}`},
		{"pretty printed", "{\n    \"metadata\": {\n        \"managedFields\": [\n            {}\n        ],\n        \"name\": \"a\"\n    }\n}", "{\n    \"metadata\": {\n        \n        \"name\": \"a\"\n    }\n}"},
		{"metadata after other members", `{"apiVersion":"v1","items":[1,{"a":"b"}],"metadata":{"a":"\"managedFields\"","managedFields":null}}`, `{"apiVersion":"v1","items":[1,{"a":"b"}],"metadata":{"a":"\"managedFields\""}}`},
		{"elsewhere is kept", `{"metadata":{"name":"a"},"spec":{"managedFields":[1]}}`, `{"metadata":{"name":"a"},"spec":{"managedFields":[1]}}`},
		{"in a string is kept", `{"metadata":{"annotations":{"x":"\"managedFields\": []"}}}`, `{"metadata":{"annotations":{"x":"\"managedFields\": []"}}}`},
		{"broken text is left alone", `{"metadata":{"managedFields":[{"a":`, `{"metadata":{"managedFields":[{"a":`},
		{"not an object", `["managedFields"]`, `["managedFields"]`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := string(dropManagedFields([]byte(tc.in)))
			if got != tc.want {
				t.Fatalf("got  %s\nwant %s", got, tc.want)
			}
			if json.Valid([]byte(tc.in)) && !json.Valid([]byte(got)) {
				t.Fatalf("valid JSON became invalid: %s", got)
			}
		})
	}
}

func FuzzDropManagedFields(f *testing.F) {
	f.Add([]byte(`{"metadata":{"name":"a","managedFields":[{"m":1}],"uid":"u"}}`))
	f.Add([]byte(`{"metadata":{"managedFields":[]}}`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		out := dropManagedFields(raw)
		if json.Valid(raw) && !json.Valid(out) {
			t.Fatalf("valid JSON became invalid:\n%s\n%s", raw, out)
		}
	})
}
