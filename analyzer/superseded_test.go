package analyzer

import (
	"strings"
	"testing"
)

// rolledOut renders Deployment shop/web at revision 2 (podSpec) with its
// ReplicaSets: web-5c6d7e8f9 (revision 1, oldSpec, oldReplicas) and
// web-7d9f8c6b5 (revision 2, one pod running since 09:25).
func rolledOut(podSpec, oldSpec string, oldReplicas string) string {
	rs := func(name, rev, replicas, spec string) string {
		return `apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: ` + name + `
  namespace: shop
  uid: rs-` + name + `
  creationTimestamp: "2026-11-20T08:59:00Z"
  labels: {app: web, pod-template-hash: ` + strings.TrimPrefix(name, "web-") + `}
  annotations: {deployment.kubernetes.io/revision: "` + rev + `"}
  ownerReferences: [{apiVersion: apps/v1, kind: Deployment, name: web, uid: dep-web, controller: true}]
spec:
  replicas: ` + replicas + `
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
` + indent(spec, "      ")
	}
	pod := `apiVersion: v1
kind: Pod
metadata:
  name: web-7d9f8c6b5-abcde
  namespace: shop
  uid: pod-web-7d9f8c6b5-abcde
  labels: {app: web, pod-template-hash: 7d9f8c6b5}
  ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: web-7d9f8c6b5, uid: rs-web-7d9f8c6b5, controller: true}]
spec:
` + indent(podSpec, "  ") + `status:
  phase: Running
  containerStatuses:
  - {name: app, ready: true, restartCount: 0, image: "registry.example.com/web:2", imageID: "", state: {running: {startedAt: "2026-11-20T09:25:00Z"}}}
`
	return strings.Join([]string{deployment("web", podSpec), rs("web-5c6d7e8f9", "1", oldReplicas, oldSpec), rs("web-7d9f8c6b5", "2", "1", podSpec), pod}, "---\n")
}

// A failure that only a replaced revision met (its ReplicaSet scaled to 0,
// the reference gone from the current template and pods) is info, quotes the
// old revision's spec and never the current spec as if it held the reference.
func TestFailuresOfSupersededRevisions(t *testing.T) {
	noSecrets := coverageStub{"Secret": "kubectl cluster-info dump holds no Secrets", "ServiceAccount": "kubectl cluster-info dump holds no ServiceAccounts"}
	app := func(extra string) string {
		return "containers:\n- name: app\n  image: registry.example.com/web:2\n" + extra
	}
	onOldPod := func(reason, message string) string {
		return eventDoc("e1", "Pod", "web-5c6d7e8f9-zzzzz", "pod-gone", "Warning", reason, "kubelet", message, "2026-11-20T09:20:00Z", 5)
	}
	saRefused := eventDoc("e1", "ReplicaSet", "web-5c6d7e8f9", "rs-web-5c6d7e8f9", "Warning", "FailedCreate", "replicaset-controller",
		`Error creating: pods "web-5c6d7e8f9-" is forbidden: error looking up service account shop/old-sa: serviceaccount "old-sa" not found`, "2026-11-20T09:20:00Z", 5)
	regcred := pullSecret("regcred", "kubernetes.io/dockerconfigjson", ".dockerconfigjson", dockerConfig("registry.example.com"))
	cases := []struct {
		name        string
		docs        []string
		cov         Coverage
		want        []string
		wantMessage string // in the message of the first finding that is no coverage-gap
		wantLine    string // an evidence line of that finding
		falseLine   string // in no evidence line
	}{
		{
			name:        "ServiceAccount of the old ReplicaSet",
			docs:        []string{rolledOut(app("serviceAccountName: default\n"), app("serviceAccountName: old-sa\n"), "0"), saRefused},
			want:        []string{"service-account-not-found info shop/Deployment/web "},
			wantMessage: "only revision 1 (ReplicaSet web-5c6d7e8f9, scaled to 0) ran as it: the current revision 2 (ReplicaSet web-7d9f8c6b5) runs as default instead",
			wantLine:    "ReplicaSet shop/web-5c6d7e8f9 (revision 1) spec: serviceAccountName: old-sa",
			falseLine:   "Deployment shop/web spec: serviceAccountName: old-sa",
		},
		{
			name:        "ServiceAccount of the old ReplicaSet, without ServiceAccounts in the dump",
			docs:        []string{rolledOut(app("serviceAccountName: default\n"), app("serviceAccountName: old-sa\n"), "0"), saRefused},
			cov:         noSecrets,
			want:        []string{"coverage-gap info /ServiceAccount/ ", "service-account-not-found info shop/Deployment/web "},
			wantMessage: "from events: kubectl cluster-info dump holds no ServiceAccounts), but only revision 1",
			falseLine:   "spec: serviceAccountName: old-sa (",
		},
		{
			name:      "old ReplicaSet still asked for pods: its refusals are current",
			docs:      []string{rolledOut(app("serviceAccountName: default\n"), app("serviceAccountName: old-sa\n"), "1"), saRefused},
			want:      []string{"service-account-not-found error shop/Deployment/web "},
			wantLine:  "ReplicaSet shop/web-5c6d7e8f9 (revision 1) spec: serviceAccountName: old-sa",
			falseLine: "Deployment shop/web spec: serviceAccountName: old-sa",
		},
		{
			name: "Secret renamed by the rollout",
			docs: []string{secret("db-creds-v2", "", "u"),
				rolledOut(app("volumes: [{name: creds, secret: {secretName: db-creds-v2}}]\n"), app("volumes: [{name: creds, secret: {secretName: db-creds}}]\n"), "0"),
				onOldPod("FailedMount", `MountVolume.SetUp failed for volume "creds" : secret "db-creds" not found`)},
			want:        []string{"secret-not-found info shop/Deployment/web db-creds"},
			wantMessage: "uses db-creds-v2 in volume creds instead",
			wantLine:    "Deployment shop/web spec (revision 2): volumes[creds].secret.secretName: db-creds-v2",
			falseLine:   "Deployment shop/web spec: volumes[creds].secret.secretName: db-creds",
		},
		{
			name: "Secret renamed by the rollout, without Secrets in the dump",
			docs: []string{rolledOut(app("volumes: [{name: creds, secret: {secretName: db-creds-v2}}]\n"), app("volumes: [{name: creds, secret: {secretName: db-creds}}]\n"), "0"),
				onOldPod("FailedMount", `MountVolume.SetUp failed for volume "creds" : secret "db-creds" not found`)},
			cov:         noSecrets,
			want:        []string{"coverage-gap info /Secret/ ", "coverage-gap info /ServiceAccount/ ", "secret-not-found info shop/Deployment/web db-creds"},
			wantMessage: "the kubelet reported Secret shop/db-creds not found (from events and status",
		},
		{
			name: "key renamed by the rollout",
			docs: []string{secret("db", "", "password"),
				rolledOut(app("  env: [{name: P, valueFrom: {secretKeyRef: {name: db, key: password}}}]\n"), app("  env: [{name: P, valueFrom: {secretKeyRef: {name: db, key: pasword}}}]\n"), "0"),
				onOldPod("Failed", "Error: couldn't find key pasword in Secret shop/db")},
			want:        []string{"secret-key-not-found info shop/Deployment/web db"},
			wantMessage: "reads key password of db in env P (container app) instead",
			wantLine:    "ReplicaSet shop/web-5c6d7e8f9 (revision 1) spec: containers[app].env[P].valueFrom.secretKeyRef{name: db, key: pasword}",
		},
		{
			name: "pull Secret renamed by the rollout, and the old pull's refusal",
			docs: []string{regcred,
				rolledOut(app("imagePullSecrets: [{name: regcred}]\n"), "containers: [{name: app, image: \"registry.example.com/web:1\"}]\nimagePullSecrets: [{name: old-regcred}]\n", "0"),
				onOldPod("FailedToRetrieveImagePullSecret", "Unable to retrieve some image pull secrets (old-regcred); attempting to pull the image may not succeed."),
				strings.Replace(onOldPod("Failed", `Failed to pull image "registry.example.com/web:1": failed to pull and unpack image "registry.example.com/web:1": failed to resolve reference "registry.example.com/web:1": pulling from host registry.example.com failed with status code [manifests 1]: 401 Unauthorized`), "name: e1", "name: e2", 1)},
			want:        []string{"pull-secret-not-found info shop/Deployment/web old-regcred"},
			wantMessage: "lists regcred instead",
			wantLine:    "ReplicaSet shop/web-5c6d7e8f9 (revision 1) spec: imagePullSecrets[0].name: old-regcred",
			falseLine:   "Deployment shop/web: imagePullSecrets[0].name: old-regcred",
		},
		{
			name: "the current template holds the reference too: not history",
			docs: []string{rolledOut(app("volumes: [{name: creds, secret: {secretName: db-creds}}]\n"), app("volumes: [{name: creds, secret: {secretName: db-creds}}]\n"), "0"),
				onOldPod("FailedMount", `MountVolume.SetUp failed for volume "creds" : secret "db-creds" not found`)},
			want: []string{"secret-not-found error shop/Deployment/web db-creds"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			findings := analyze(t, nsShop+"---\n"+strings.Join(tc.docs, "---\n"), tc.cov)
			sameLines(t, brief(findings), tc.want)
			var f Finding
			for _, g := range findings {
				if g.ID != CoverageGap {
					f = g
					break
				}
			}
			if tc.wantMessage != "" && !strings.Contains(f.Message, tc.wantMessage) {
				t.Errorf("message %q lacks %q", f.Message, tc.wantMessage)
			}
			if tc.wantLine != "" && !containsString(f.Evidence, tc.wantLine) {
				t.Errorf("evidence lacks %q:\n%s", tc.wantLine, strings.Join(f.Evidence, "\n"))
			}
			for _, g := range findings {
				for _, e := range g.Evidence {
					if tc.falseLine != "" && strings.Contains(e, tc.falseLine) {
						t.Errorf("%s quotes a spec that does not hold it: %s", g.ID, e)
					}
				}
				if g.Severity == SeverityInfo && g.ID != CoverageGap && g.Commands != nil && len(g.Commands.Fix) > 0 {
					t.Errorf("%s: history needs no fix, got %v", g.ID, g.Commands.Fix)
				}
			}
		})
	}
}
