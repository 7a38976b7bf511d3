package loader

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSniffIdentity(t *testing.T) {
	tests := []struct {
		name string
		raw  string
		want lostObject
	}{
		{"kubectl JSON, broken after metadata", `{"apiVersion":"v1","data":{"k":"eA=="},"kind":"Secret","metadata":{"name":"db","namespace":"shop"},"type":"Opaque",}}`,
			lostObject{"Secret", "shop", "db"}},
		{"JSON cut inside data", `{"apiVersion":"v1","data":{"k":"eA==`, lostObject{}},
		{"JSON nested name is not the object's", `{"kind":"Pod","spec":{"volumes":[{"name":"v"}]},"metadata":{"namespace":"a","labels":{"name":"x"}}`,
			lostObject{"Pod", "a", ""}},
		{"kubectl YAML item", "- apiVersion: v1\n  data:\n    k: eA==\n  kind: Secret\n  metadata:\n    annotations:\n      name: not-this\n    name: db\n    namespace: shop\n  type: [broken\n",
			lostObject{"Secret", "shop", "db"}},
		{"YAML flow metadata", "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: 'web', namespace: \"shop\"}\nbroken: [\n",
			lostObject{"ServiceAccount", "shop", "web"}},
		{"a value is never taken for a name", "kind: Secret\nmetadata:\n  name: \"s3cr3t value with spaces\"\n",
			lostObject{"Secret", "", ""}},
		{"not a kind", `{"kind":"not a kind","metadata":{"name":"x"}}`, lostObject{"", "", "x"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := sniffIdentity([]byte(tt.raw)); got != tt.want {
				t.Errorf("sniffIdentity = %+v, want %+v", got, tt.want)
			}
		})
	}
}

// TestDamagedObjectIsNotAbsent: a Secret whose copy in the dump is damaged is
// not taken for an absent one; one that cannot be named leaves its kind
// partly collected.
func TestDamagedObjectIsNotAbsent(t *testing.T) {
	dir := t.TempDir()
	named := filepath.Join(dir, "named.yaml")
	os.WriteFile(named, []byte(`apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Secret
  metadata: {name: ok, namespace: a}
- apiVersion: v1
  kind: Secret
  metadata: {name: s, namespace: a}
  data: {j: [1, 2}
`), 0o600)
	d, err := Load(context.Background(), named, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if covered, why := d.Coverage.Covers("Secret", "a", "s"); covered || why != "the dump's copy of Secret a/s could not be read (see the warnings)" {
		t.Errorf("damaged Secret a/s: covered %v, %q", covered, why)
	}
	if covered, _ := d.Coverage.Covers("Secret", "a", "other"); !covered {
		t.Error("another Secret's absence is still known")
	}
	if d.Coverage.Summary()["Secret"] {
		t.Error("Secrets are only partly read")
	}

	unnamed := filepath.Join(dir, "unnamed.json")
	os.WriteFile(unnamed, []byte(`{"apiVersion":"v1","kind":"Secret","metadata":{"name":"ok","namespace":"a"}}
{"apiVersion":"v1","data":{"k":"eA==}}
{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","namespace":"a"}}
`), 0o600)
	d, err = Load(context.Background(), unnamed, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if covered, _ := d.Coverage.Covers("Secret", "a", "s"); !covered {
		t.Error("an unnamed damaged object leaves absence judged (with a caveat)")
	}
	if n := d.Coverage.Unreadable("Secret", "a"); n != 1 {
		t.Errorf("Unreadable = %d, want 1", n)
	}
	reasons := map[string]string{}
	for _, g := range d.Coverage.GapDetails() {
		reasons[g.Kind] = g.State.String() + ": " + g.Reason
	}
	if want := "partly collected: 1 object could not be read and may be among them; see the warnings"; reasons["Secret"] != want {
		t.Errorf("Secret gap %q, want %q", reasons["Secret"], want)
	}
	// A kind the dump holds none of may be the damaged object all the same.
	if !strings.HasSuffix(reasons["Deployment"], "; 1 object could not be read and may be among them; see the warnings") {
		t.Errorf("Deployment gap %q", reasons["Deployment"])
	}
}
