package report

import (
	"strings"
	"testing"
)

func TestCompactGaps(t *testing.T) {
	tests := []struct {
		name string
		gaps []CoverageGap
		want []string // "Lead: text"
	}{
		{"none", nil, nil},
		{
			"cluster-info dump: one reason, kind taken out",
			[]CoverageGap{
				{Kind: "Role", State: "not collected", Reason: "kubectl cluster-info dump holds no Roles"},
				{Kind: "RoleBinding", State: "not collected", Reason: "kubectl cluster-info dump holds no RoleBindings"},
				{Kind: "Secret", State: "not collected", Reason: "kubectl cluster-info dump holds no Secrets"},
			},
			[]string{"Not in this dump: Roles, RoleBindings, Secrets (kubectl cluster-info dump holds none)"},
		},
		{
			"different reasons stay apart",
			[]CoverageGap{
				{Kind: "Secret", State: "not collected", Reason: "these manifests hold no Secrets"},
				{Kind: "ServiceAccount", State: "not collected", Reason: "this kubectl get output holds no ServiceAccounts for this namespace"},
			},
			[]string{"Not in this dump: Secrets (these manifests hold none); ServiceAccounts (this kubectl get output holds none for this namespace)"},
		},
		{
			"states get their own lines, in a fixed order",
			[]CoverageGap{
				{Kind: "Secret", State: "partly collected", Reason: "troubleshoot bundles hold image pull Secrets only"},
				{Kind: "Role", State: "collection failed", Reason: "forbidden"},
				{Kind: "Job", State: "not collected"},
				{Kind: "Pod", State: "exploded", Reason: "new state"},
			},
			[]string{
				"Not in this dump: Jobs",
				"Could not be collected: Roles (forbidden)",
				"Only partly in this dump: Secrets (troubleshoot bundles hold image pull Secrets only)",
				"Exploded: Pods (new state)",
			},
		},
		{
			"namespaces of a partly collected kind, the redundant state dropped",
			[]CoverageGap{
				{Kind: "ServiceAccount", State: "partly collected", Reason: "this kubectl get output holds no ServiceAccounts for this namespace",
					Namespaces: []string{"a (not collected)", "b (collection failed)", "c (not collected)", "d (not collected)", "e (not collected)", "f (not collected)"}},
				{Kind: "Secret", State: "partly collected", Reason: "this kubectl get output holds no Secrets for this namespace", Namespaces: []string{"a (not collected)"}},
			},
			[]string{"Only partly in this dump: ServiceAccounts (not in a, b (collection failed), c, d, e and 1 more; this kubectl get output holds none for this namespace); Secrets (not in a; this kubectl get output holds none for this namespace)"},
		},
		{
			"a missing state reads as not collected",
			[]CoverageGap{{Kind: "Event"}},
			[]string{"Not in this dump: Events"},
		},
		{
			// "no Roles" must not match inside "no RoleBindings".
			"kind names that prefix others",
			[]CoverageGap{{Kind: "Role", State: "not collected", Reason: "holds no RoleBindings"}},
			[]string{"Not in this dump: Roles (holds no RoleBindings)"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, l := range compactGaps(tc.gaps) {
				got = append(got, l.Lead+": "+l.Text())
			}
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}

// TestNewKeepsGapOrderAndFillsNils: gaps keep the loader's order (most
// important kind first), and nil slices become [] and {} in the JSON, not null.
func TestNewKeepsGapOrderAndFillsNils(t *testing.T) {
	gaps := []CoverageGap{{Kind: "Secret"}, {Kind: "ServiceAccount"}, {Kind: "Job"}}
	r := New(Source{}, nil, gaps, nil, nil)
	if got := compactGaps(r.CoverageGaps); len(got) != 1 || got[0].Text() != "Secrets, ServiceAccounts, Jobs" {
		t.Errorf("gaps = %+v, want Secrets, ServiceAccounts, Jobs in that order", got)
	}
	out := render(t, r, "json", Options{})
	for _, want := range []string{`"objects": {}`, `"coverage": {}`, `"warnings": []`, `"findings": []`} {
		if !strings.Contains(out, want) {
			t.Errorf("json lacks %s:\n%s", want, out)
		}
	}
}
