package rbac

import (
	"fmt"
	"testing"
	"time"

	rbacv1 "k8s.io/api/rbac/v1"
)

// benchPolicy builds a cluster of the given number of namespaces, each with
// 5 Roles and 5 RoleBindings (one per ServiceAccount app-0..app-4), plus
// cluster-wide objects shaped like a real control plane's.
func benchPolicy(namespaces int) *Policy { return benchObjects(namespaces).policy() }

func benchObjects(namespaces int) objects {
	var o objects
	for i := 0; i < namespaces; i++ {
		ns := fmt.Sprintf("ns-%d", i)
		rules := []rbacv1.PolicyRule{
			rule(l("get"), l(""), l("secrets"), "app-0-creds"),
			rule(l("get", "list", "watch"), l(""), l("secrets")),
			rule(l("get"), l(""), l("configmaps")),
			rule(l("*"), l(""), l("pods", "pods/log")),
			rule(l("get"), l(""), l("secrets"), "db"),
		}
		for j, r := range rules {
			name := fmt.Sprintf("role-%d", j)
			o.roles = append(o.roles, role(ns, name, r))
			o.roleBindings = append(o.roleBindings, roleBinding(ns, fmt.Sprintf("bind-%d", j), "Role", name, saSubject(ns, fmt.Sprintf("app-%d", j))))
		}
	}
	for i := 0; i < 60; i++ {
		name := fmt.Sprintf("system:controller:c%d", i)
		o.clusterRoles = append(o.clusterRoles, clusterRole(name, getListSecrets))
		o.clusterRoleBindings = append(o.clusterRoleBindings, clusterRoleBinding(name, "ClusterRole", name, saSubject("kube-system", fmt.Sprintf("c%d", i))))
	}
	o.clusterRoles = append(o.clusterRoles, clusterRole("system:basic-user", rule(l("create"), l("authorization.k8s.io"), l("selfsubjectaccessreviews"))))
	o.clusterRoleBindings = append(o.clusterRoleBindings, clusterRoleBinding("system:basic-user", "ClusterRole", "system:basic-user", groupSubject("system:authenticated")))
	return o
}

type benchRequest struct {
	subject Subject
	req     Request
}

// benchRequests spreads n requests over the namespaces and ServiceAccounts,
// about half of them denied so that near-miss search is measured too.
func benchRequests(namespaces, n int) []benchRequest {
	out := make([]benchRequest, n)
	for k := range out {
		ns := fmt.Sprintf("ns-%d", (k*7)%namespaces)
		sa := k % 5
		name := "db"
		if k%2 == 1 {
			name = "app-0-creds"
		}
		out[k] = benchRequest{
			subject: ServiceAccount(ns, fmt.Sprintf("app-%d", sa)),
			req:     Request{Verb: "get", Resource: "secrets", Namespace: ns, Name: name},
		}
	}
	return out
}

// A lookup touches only the subject's own bindings, however big the cluster.
func TestLookupIsIndexed(t *testing.T) {
	p := benchPolicy(400)
	web := ServiceAccount("ns-17", "app-1")
	var names []string
	for _, b := range p.bindingsFor(web, "ns-17") {
		names = append(names, b.describe())
	}
	if want := l("ClusterRoleBinding system:basic-user", "RoleBinding ns-17/bind-1"); fmt.Sprint(names) != fmt.Sprint(want) {
		t.Errorf("bindingsFor = %q, want only %q", names, want)
	}
	d := p.Authorize(web, Request{Verb: "get", Resource: "secrets", Namespace: "ns-17", Name: "db"})
	if !d.Allowed {
		t.Errorf("app-1 may get any Secret in its namespace: %+v", d)
	}
	d = p.Authorize(ServiceAccount("ns-17", "app-0"), Request{Verb: "get", Resource: "secrets", Namespace: "ns-17", Name: "db"})
	want := l(
		"resource-names RoleBinding ns-17/bind-0",
		"binding-to-other-subject RoleBinding ns-17/bind-1",
		"binding-to-other-subject RoleBinding ns-17/bind-4",
	)
	var got []string
	for _, m := range d.NearMisses {
		got = append(got, missString(m))
	}
	if d.Allowed || fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("app-0 near misses = %q, want %q", got, want)
	}
}

// BenchmarkAuthorize runs 2000 Authorize calls per op; ns/authorize staying
// flat from 40 to 4000 namespaces shows the lookups are indexed.
func BenchmarkAuthorize(b *testing.B) {
	for _, namespaces := range []int{40, 400, 4000} {
		b.Run(fmt.Sprintf("namespaces=%d", namespaces), func(b *testing.B) {
			p := benchPolicy(namespaces)
			reqs := benchRequests(namespaces, 2000)
			b.ReportAllocs()
			b.ResetTimer()
			start := time.Now()
			allowed := 0
			for i := 0; i < b.N; i++ {
				allowed = 0
				for _, r := range reqs {
					if p.Authorize(r.subject, r.req).Allowed {
						allowed++
					}
				}
			}
			b.ReportMetric(float64(time.Since(start).Nanoseconds())/float64(b.N*len(reqs)), "ns/authorize")
			b.ReportMetric(float64(allowed), "allowed")
		})
	}
}

func BenchmarkNewPolicy400(b *testing.B) {
	o := benchObjects(400)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		o.policy()
	}
}
