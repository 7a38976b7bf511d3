package loader

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
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

// TestLostCoverage: what could not be read never reads as absent. A damaged
// object named by its text or its file's path is not absent, in whatever
// namespace when its own could not be read; a List cut off or damaged, whose
// lost items cannot be counted, leaves its kind partly collected there.
func TestLostCoverage(t *testing.T) {
	type covers struct {
		kind, ns, name string
		want           bool
		why            string
	}
	tbRoot := "support-bundle-2026-11-20T10_05_12/"
	tbCR := tbRoot + "cluster-resources/"
	troubleshoot := func(serviceAccounts string) []member {
		return []member{
			{name: tbRoot + "version.yaml", body: "apiVersion: troubleshoot.sh/v1beta2\nkind: SupportBundle\nspec:\n  versionNumber: v0.133.0\n"},
			{name: tbCR + "namespaces.json", body: `[{"metadata":{"name":"shop"}},{"metadata":{"name":"other"}}]`},
			{name: tbCR + "pods/shop.json", body: podListJSON},
			{name: tbCR + "serviceaccounts/other.json", body: "{\n  \"kind\": \"ServiceAccountList\",\n  \"apiVersion\": \"v1\",\n  \"metadata\": {},\n  \"items\": [\n    {\n      \"metadata\": {\"name\": \"default\", \"namespace\": \"other\"}\n    }\n  ]\n}\n"},
			{name: tbCR + "serviceaccounts/shop.json", body: serviceAccounts},
		}
	}
	saList := "{\n  \"kind\": \"ServiceAccountList\",\n  \"apiVersion\": \"v1\",\n  \"metadata\": {},\n  \"items\": [\n    {\n      \"metadata\": {\"name\": \"default\", \"namespace\": \"shop\"}\n    },\n    {\n      \"metadata\": {\"name\": \"puller\", \"namespace\": \"shop\"}\n    }\n  ]\n}\n"
	secretJSON := func(ns, name string) string {
		return `{"apiVersion":"v1","kind":"Secret","metadata":{"name":"` + name + `","namespace":"` + ns + `"},"data":{"k":"eA=="}}`
	}
	velero := func(okSecret string) []member {
		return files(
			"metadata/version", "1.1.0",
			"resources/secrets/namespaces/shop/db.json", secretJSON("shop", "db"),
			"resources/secrets/namespaces/shop/ok-secret.json", okSecret,
			"resources/pods/namespaces/shop/web-1.json", `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"web-1","namespace":"shop"}}`,
		)
	}
	mgRoot := "must-gather.local.1/quay-io-openshift-must-gather-sha256-abc/"
	tests := []struct {
		name   string
		input  func(t *testing.T) string
		covers []covers
		warn   string
	}{
		{"YAML item named before its namespace could be read", func(t *testing.T) string {
			return writeFile(t, "dump.yaml", "apiVersion: v1\nitems:\n- apiVersion: v1\n  kind: Secret\n  metadata:\n    name: db\n    namespace: shop\n- apiVersion: v1\n  kind: Secret\n  metadata:\n    name: db\n    namespace: other\n- apiVersion: v1\n  kind: Secret\n  metadata:\n    name: ok-secret\n  creationTimestamp: '2026-11-19T10:00:00Z'\n    namespace: shop\nkind: List\nmetadata: {}\n")
		}, []covers{
			{"Secret", "shop", "ok-secret", false, "a copy of Secret ok-secret whose namespace could not be read"},
			{"Secret", "other", "ok-secret", false, "whose namespace could not be read"},
			{"Secret", "shop", "absent", true, ""},
		}, "Secret ok-secret: invalid YAML"},
		{"YAML item with its namespace", func(t *testing.T) string {
			return writeFile(t, "dump.yaml", "apiVersion: v1\nitems:\n- apiVersion: v1\n  kind: Secret\n  metadata:\n    name: db\n    namespace: shop\n- apiVersion: v1\n  kind: Secret\n  metadata:\n    name: db\n    namespace: other\n- apiVersion: v1\n  kind: Secret\n  metadata:\n    name: ok-secret\n    namespace: shop\n  creationTimestamp: '2026-11-19T10:00:00Z'\n    uid: u1\nkind: List\nmetadata: {}\n")
		}, []covers{
			{"Secret", "shop", "ok-secret", false, "the dump's copy of Secret shop/ok-secret could not be read"},
			{"Secret", "other", "ok-secret", true, ""},
		}, "Secret shop/ok-secret: invalid YAML"},
		{"bundle List cut inside its first item", func(t *testing.T) string {
			return writeTarGz(t, troubleshoot(saList[:strings.Index(saList, `"name": "default"`)]))
		}, []covers{
			{"ServiceAccount", "shop", "default", false, "a list of ServiceAccounts of namespace shop in the dump is cut off or damaged"},
			{"ServiceAccount", "other", "default", true, ""},
			{"ServiceAccount", "other", "absent", true, ""},
		}, "item 1 of ServiceAccountList is cut off at the end of the input"},
		{"bundle List cut between items", func(t *testing.T) string {
			return writeTarGz(t, troubleshoot(saList[:strings.Index(saList, "    {\n      \"metadata\": {\"name\": \"puller\"")]))
		}, []covers{
			{"ServiceAccount", "shop", "puller", false, "cut off or damaged"},
		}, "the input ends inside the object that starts here"},
		{"bundle List cut before its items", func(t *testing.T) string {
			return writeTarGz(t, troubleshoot(saList[:strings.Index(saList, `"metadata"`)]))
		}, []covers{
			{"ServiceAccount", "shop", "default", false, "cut off or damaged"},
			{"ServiceAccount", "other", "absent", true, ""},
		}, "the input ends inside the object that starts here"},
		{"bundle List with one item damaged: one object, the List goes on", func(t *testing.T) string {
			return writeTarGz(t, troubleshoot(strings.Replace(saList, `"metadata": {"name": "default", "namespace": "shop"}`, `"metadata": {"name": "default", "namespace": "shop"`, 1)))
		}, []covers{
			{"ServiceAccount", "shop", "puller", true, ""},
			{"ServiceAccount", "shop", "absent", true, ""},
		}, "item 1 of ServiceAccountList has no end"},
		{"kubectl JSON List cut off: its kind is not known yet", func(t *testing.T) string {
			whole := `{"apiVersion":"v1","items":[` + secretJSON("shop", "db") + `,` + secretJSON("shop", "more") + `],"kind":"List","metadata":{}}`
			return writeFile(t, "dump.json", whole[:strings.Index(whole, `"more"`)])
		}, []covers{
			{"Secret", "shop", "more", false, "a list of objects in the dump is cut off or damaged"},
		}, "is cut off at the end of the input"},
		{"a List whose kind is no kind is not quoted", func(t *testing.T) string {
			return writeFile(t, "dump.json", `{"kind":"MARKER value List","apiVersion":"v1","items":[`+secretJSON("shop", "db")+`,{"kind":"Sec`)
		}, []covers{
			{"Secret", "shop", "more", false, "a list of objects in the dump is cut off or damaged"},
		}, "item 2 of"},
		{"kubectl YAML List cut off: no kind after its items", func(t *testing.T) string {
			return writeFile(t, "dump.yaml", "apiVersion: v1\nitems:\n- apiVersion: v1\n  kind: Secret\n  metadata:\n    name: db\n    namespace: shop\n- apiVersion: v1\n  kind: Secret\n  metadata:\n    name: more\n")
		}, []covers{
			{"Secret", "shop", "absent", false, "a list of objects in the dump is cut off or damaged"},
		}, "the input looks cut off at line 11"},
		{"YAML List with its kind first is whole", func(t *testing.T) string {
			return writeFile(t, "dump.yaml", "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Secret\n  metadata:\n    name: db\n    namespace: shop\n")
		}, []covers{
			{"Secret", "shop", "absent", true, ""},
		}, ""},
		{"Velero object file cut off: named by its path", func(t *testing.T) string {
			return writeTarGz(t, velero(secretJSON("shop", "ok-secret")[:20]))
		}, []covers{
			{"Secret", "shop", "ok-secret", false, "the dump's copy of Secret shop/ok-secret could not be read"},
			{"Secret", "shop", "absent", true, ""},
		}, "resources/secrets/namespaces/shop/ok-secret.json: line 1: the input ends inside the object"},
		{"Velero object file that does not decode: named by its path", func(t *testing.T) string {
			return writeTarGz(t, velero(`{"apiVersion":"v1","data":{"k":7},"kind":"Secret"}`))
		}, []covers{
			{"Secret", "shop", "ok-secret", false, "the dump's copy of Secret shop/ok-secret could not be read"},
			{"Secret", "shop", "absent", true, ""},
		}, "ok-secret.json: line 1: Secret shop/ok-secret:"},
		{"must-gather object file damaged before its name", func(t *testing.T) string {
			return writeTarGz(t, []member{
				{name: mgRoot + "timestamp", body: "2026-11-20 10:05:12.4 +0000 UTC m=+0.04\n"},
				{name: mgRoot + "namespaces/shop/core/secrets.yaml", body: "apiVersion: v1\nitems:\n- apiVersion: v1\n  kind: Secret\n  metadata:\n    name: db\n    namespace: shop\nkind: SecretList\nmetadata: {}\n"},
				{name: mgRoot + "namespaces/shop/core/secrets/tls.yaml", body: "apiVersion: v1\nkind: Secret\n\tbroken: [\nmetadata:\n  name: tls\n"},
			})
		}, []covers{
			{"Secret", "shop", "tls", false, "the dump's copy of Secret shop/tls could not be read"},
			{"Secret", "shop", "absent", true, ""},
		}, "secrets/tls.yaml: line 1"},
	}
	// The reasons of some gaps, by test and kind.
	gaps := map[string]map[string]string{
		"bundle List cut inside its first item": {
			"ServiceAccount": "the support bundle holds no ServiceAccounts for that namespace; a list that may hold them is cut off or damaged in namespace shop; see the warnings"},
		"kubectl JSON List cut off: its kind is not known yet": {
			"Secret": "this kubectl get output holds Secrets of namespace shop only; a list that may hold them is cut off or damaged; see the warnings",
			"Pod":    "this kubectl get output holds no Pods; a list that may hold them is cut off or damaged; see the warnings"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := load(t, tt.input(t))
			for _, c := range tt.covers {
				assertCovers(t, d.Coverage, c.kind, c.ns, c.name, c.want, c.why)
			}
			if tt.warn != "" && len(warningsContaining(d, tt.warn)) == 0 {
				t.Errorf("no warning holds %q: %q", tt.warn, d.Warnings)
			}
			for _, g := range d.Coverage.GapDetails() {
				if want, ok := gaps[tt.name][g.Kind]; ok && g.Reason != want {
					t.Errorf("%s gap: %q, want %q", g.Kind, g.Reason, want)
				}
			}
		})
	}
}

// TestLostSetBounded: millions of damaged documents cost a bounded record;
// named objects past the bound leave their kind partly collected where they were.
func TestLostSetBounded(t *testing.T) {
	var s lostSet
	for i := 0; i < 3*maxLostKeys; i++ {
		s.add(lostObject{})
		s.add(lostObject{Kind: "Secret", Namespace: "ns" + strconv.Itoa(i)})
		s.add(lostObject{Kind: "Pod", Namespace: "shop", Name: "p" + strconv.Itoa(i)})
	}
	if len(s.names) > maxLostKeys || len(s.counts) > maxLostKeys+1 || len(s.rests) != 1 {
		t.Fatalf("names %d, counts %d, rests %d: unbounded", len(s.names), len(s.counts), len(s.rests))
	}
	if n := s.counts[lostKey{}]; n != 3*maxLostKeys+2*maxLostKeys+1 {
		t.Errorf("unknown objects counted %d", n)
	}
	if !s.rests[lostKey{"Pod", "shop"}] {
		t.Errorf("named objects past the bound are not a rest: %v", s.rests)
	}
	c := newCoverage()
	c.set("Pod", Collected, "")
	s.markIn(c)
	assertCovers(t, c, "Pod", "shop", "absent", false, "a list of Pods of namespace shop in the dump is cut off or damaged")
	assertCovers(t, c, "Pod", "other", "absent", true, "")

	var rests lostSet
	for i := 0; i < 3*maxLostKeys; i++ {
		rests.addRest(lostKey{"ConfigMap", "ns" + strconv.Itoa(i)})
	}
	if len(rests.rests) != maxLostKeys+1 || !rests.rests[lostKey{}] {
		t.Errorf("rests %d, any kind anywhere %v", len(rests.rests), rests.rests[lostKey{}])
	}
}
