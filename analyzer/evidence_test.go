package analyzer

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"k8s.io/client-go/kubernetes/fake"
)

// webPods renders ReplicaSet web-7d9f8c6b5 of Deployment shop/web and one pod
// of it in the given status (indented as under status:).
func webPod(name, status string) string {
	return `apiVersion: v1
kind: Pod
metadata:
  name: ` + name + `
  namespace: shop
  uid: pod-` + name + `
  labels: {app: web, pod-template-hash: 7d9f8c6b5}
  ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: web-7d9f8c6b5, uid: rs-web, controller: true}]
spec:
  containers:
  - name: web
    image: nginx
    env:
    - {name: P, valueFrom: {secretKeyRef: {name: db, key: password}}}
  volumes:
  - name: creds
    secret: {secretName: db-credentials}
status:
` + indent(status, "  ")
}

const webReplicaSet = `apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: web-7d9f8c6b5
  namespace: shop
  uid: rs-web
  annotations: {deployment.kubernetes.io/revision: "2"}
  ownerReferences: [{apiVersion: apps/v1, kind: Deployment, name: web, uid: dep-web, controller: true}]
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: nginx}]
`

func eventDoc(name, kind, obj, uid, typ, reason, source, message, last string, count int) string {
	return `apiVersion: v1
kind: Event
metadata: {name: ` + name + `, namespace: shop}
involvedObject: {kind: ` + kind + `, name: ` + obj + `, namespace: shop, uid: ` + uid + `}
type: ` + typ + `
reason: ` + reason + `
source: {component: ` + source + `}
message: '` + strings.ReplaceAll(message, "'", "''") + `'
firstTimestamp: "2026-11-20T09:00:00Z"
lastTimestamp: "` + last + `"
count: ` + strconv.Itoa(count) + "\n"
}

const containerCreating = `phase: Pending
containerStatuses:
- name: web
  ready: false
  restartCount: 0
  image: nginx
  imageID: ""
  state: {waiting: {reason: ContainerCreating}}
`

const configError = `phase: Pending
containerStatuses:
- name: web
  ready: false
  restartCount: 0
  image: nginx
  imageID: ""
  state: {waiting: {reason: CreateContainerConfigError, message: "couldn't find key password in Secret shop/db"}}
`

func TestEventBasedFindingsWithoutSecrets(t *testing.T) {
	noSecrets := coverageStub{"Secret": "kubectl cluster-info dump holds no Secrets", "ServiceAccount": "kubectl cluster-info dump holds no ServiceAccounts"}
	docs := strings.Join([]string{
		webReplicaSet,
		webPod("web-7d9f8c6b5-abcde", containerCreating),
		eventDoc("e1", "Pod", "web-7d9f8c6b5-abcde", "pod-web-7d9f8c6b5-abcde", "Warning", "FailedMount", "kubelet",
			`MountVolume.SetUp failed for volume "creds" : secret "db-credentials" not found`, "2026-11-20T10:04:00Z", 12),
		webPod("web-7d9f8c6b5-fghij", configError),
		eventDoc("e2", "Pod", "web-7d9f8c6b5-fghij", "pod-web-7d9f8c6b5-fghij", "Warning", "Failed", "kubelet",
			`Error: couldn't find key password in Secret shop/db`, "2026-11-20T10:03:00Z", 7),
	}, "---\n")
	findings := analyze(t, docs, noSecrets)
	sameLines(t, brief(findings), []string{
		"secret-key-not-found error shop/Deployment/web db",
		"secret-not-found error shop/Deployment/web db-credentials",
		"coverage-gap info /Secret/ ",
		"coverage-gap info /ServiceAccount/ ",
	})
	notFound := findings[1]
	wantEvidence := `Warning FailedMount (x12, last 2026-11-20T10:04:00Z) kubelet: MountVolume.SetUp failed for volume "creds" : secret "db-credentials" not found`
	if !containsString(notFound.Evidence, wantEvidence) {
		t.Errorf("secret-not-found evidence lacks the event:\n%s", strings.Join(notFound.Evidence, "\n"))
	}
	if !strings.Contains(notFound.Message, "from events and status") {
		t.Errorf("message should say what it rests on: %s", notFound.Message)
	}
	if strings.Join(notFound.Pods, ",") != "web-7d9f8c6b5-abcde,web-7d9f8c6b5-fghij" {
		t.Errorf("pods = %v", notFound.Pods)
	}
}

func TestFailureThatClearedIsInfo(t *testing.T) {
	running := `phase: Running
containerStatuses:
- name: web
  ready: true
  restartCount: 0
  image: nginx
  imageID: ""
  state: {running: {startedAt: "2026-11-20T10:10:00Z"}}
`
	docs := strings.Join([]string{
		nsShop, webReplicaSet,
		secret("db-credentials", "", "x"), secret("db", "", "password"),
		webPod("web-7d9f8c6b5-abcde", running),
		eventDoc("e1", "Pod", "web-7d9f8c6b5-abcde", "pod-web-7d9f8c6b5-abcde", "Warning", "FailedMount", "kubelet",
			`MountVolume.SetUp failed for volume "creds" : secret "db-credentials" not found`, "2026-11-20T07:59:00Z", 3),
	}, "---\n")
	sameLines(t, brief(analyze(t, docs, nil)), []string{"secret-created-after-failure info shop/Deployment/web db-credentials"})
}

func TestBrokenSpecWithoutEventsIsReported(t *testing.T) {
	docs := strings.Join([]string{nsShop, webReplicaSet, secret("db", "", "password"), webPod("web-7d9f8c6b5-abcde", containerCreating)}, "---\n")
	sameLines(t, brief(analyze(t, docs, nil)), []string{"secret-not-found error shop/Deployment/web db-credentials"})
}

func TestServiceAccountRefusedAtCreation(t *testing.T) {
	sts := `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: shop, uid: sts-db}
spec:
  selector: {matchLabels: {app: db}}
  serviceName: db
  template:
    metadata: {labels: {app: db}}
    spec:
      serviceAccountName: db-sa
      containers: [{name: db, image: postgres}]
`
	cron := `apiVersion: batch/v1
kind: CronJob
metadata: {name: backup, namespace: shop, uid: cj-backup}
spec:
  schedule: "0 * * * *"
  jobTemplate:
    spec:
      template:
        spec:
          serviceAccountName: backup
          restartPolicy: Never
          containers: [{name: backup, image: busybox}]
`
	job := `apiVersion: batch/v1
kind: Job
metadata:
  name: backup-29400000
  namespace: shop
  uid: job-backup
  ownerReferences: [{apiVersion: batch/v1, kind: CronJob, name: backup, uid: cj-backup, controller: true}]
spec:
  template:
    spec:
      serviceAccountName: backup
      restartPolicy: Never
      containers: [{name: backup, image: busybox}]
`
	docs := strings.Join([]string{nsShop, sts, cron, job,
		eventDoc("e1", "StatefulSet", "db", "sts-db", "Warning", "FailedCreate", "statefulset-controller",
			`create Pod db-0 in StatefulSet db failed error: pods "db-0" is forbidden: error looking up service account shop/db-sa: serviceaccount "db-sa" not found`, "2026-11-20T10:00:00Z", 15),
		eventDoc("e2", "Job", "backup-29400000", "job-backup", "Warning", "FailedCreate", "job-controller",
			`Error creating: pods "backup-29400000-" is forbidden: error looking up service account shop/backup: serviceaccount "backup" not found`, "2026-11-20T10:00:00Z", 4),
	}, "---\n")
	findings := analyze(t, docs, nil)
	sameLines(t, brief(findings), []string{
		"service-account-not-found error shop/CronJob/backup ",
		"service-account-not-found error shop/StatefulSet/db ",
	})
	for _, f := range findings {
		if len(f.Evidence) < 2 {
			t.Errorf("%s/%s: want the spec and the FailedCreate event as evidence, got %v", f.Object.Kind, f.Object.Name, f.Evidence)
		}
	}
}

func TestRolloutThatRenamedTheSecret(t *testing.T) {
	rs := func(name, rev, secretName, created string) string {
		return `apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: ` + name + `
  namespace: shop
  uid: rs-` + name + `
  creationTimestamp: "` + created + `"
  annotations: {deployment.kubernetes.io/revision: "` + rev + `"}
  ownerReferences: [{apiVersion: apps/v1, kind: Deployment, name: web, uid: dep-web, controller: true}]
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: nginx}]
      volumes: [{name: creds, secret: {secretName: ` + secretName + `}}]
`
	}
	docs := strings.Join([]string{nsShop, secret("db-credentials", "", "password"),
		deployment("web", `containers: [{name: web, image: nginx}]
volumes: [{name: creds, secret: {secretName: db-creds}}]
`),
		rs("web-5f6d7c8b9", "2", "db-credentials", "2026-11-19T08:00:00Z"),
		rs("web-7d9f8c6b5", "3", "db-creds", "2026-11-20T10:02:00Z"),
	}, "---\n")
	findings := analyze(t, docs, nil)
	sameLines(t, brief(findings), []string{"secret-not-found error shop/Deployment/web db-creds"})
	want := "revision 3 (ReplicaSet web-7d9f8c6b5, created 2026-11-20T10:02:00Z) references db-creds in volume creds; revision 2 (ReplicaSet web-5f6d7c8b9) referenced db-credentials"
	if !containsString(findings[0].Evidence, want) {
		t.Errorf("evidence lacks the rollout:\n%s", strings.Join(findings[0].Evidence, "\n"))
	}
}

func TestNodeAuthorizerDenialIsNotBlamedOnTheServiceAccount(t *testing.T) {
	running := `phase: Running
containerStatuses:
- name: web
  ready: true
  restartCount: 0
  image: nginx
  imageID: ""
  state: {running: {startedAt: "2026-11-20T10:10:00Z"}}
`
	docs := strings.Join([]string{nsShop, webReplicaSet, secret("db-credentials", "", "x"), secret("db", "", "password"),
		webPod("web-7d9f8c6b5-abcde", running),
		eventDoc("e1", "Pod", "web-7d9f8c6b5-abcde", "pod-web-7d9f8c6b5-abcde", "Warning", "FailedMount", "kubelet",
			`MountVolume.SetUp failed for volume "creds" : secrets "db-credentials" is forbidden: User "system:node:node-1" cannot get resource "secrets" in API group "" in the namespace "shop": no relationship found between node 'node-1' and this object`, "2026-11-20T10:05:00Z", 2),
	}, "---\n")
	sameLines(t, brief(analyze(t, docs, nil)), []string{"node-secret-forbidden warning shop/Deployment/web db-credentials"})
}

// podOf renders a pod of namespace shop with the given UID, controller owner
// ("" for none), pod spec and status (indented as under spec: and status:).
func podOf(name, uid, ownerKind, ownerName, spec, status string) string {
	owner := ""
	if ownerKind != "" {
		owner = "\n  ownerReferences: [{apiVersion: apps/v1, kind: " + ownerKind + ", name: " + ownerName + ", uid: owner-" + ownerName + ", controller: true}]"
	}
	return `apiVersion: v1
kind: Pod
metadata:
  name: ` + name + `
  namespace: shop
  uid: ` + uid + owner + `
spec:
` + indent(spec, "  ") + `status:
` + indent(status, "  ")
}

const runningSince1010 = `phase: Running
containerStatuses:
- {name: web, ready: true, restartCount: 0, image: nginx, imageID: "", state: {running: {startedAt: "2026-11-20T10:10:00Z"}}}
`

// Events of a ReplicaSet, Job or pod that the dump does not hold belong to the
// Deployment or CronJob their names point to, when that is in the dump: one
// problem is one finding, not one per controller.
func TestEventsOfControllersAbsentFromTheDump(t *testing.T) {
	noSecrets := coverageStub{"Secret": "kubectl cluster-info dump holds no Secrets"}
	saRefused := `Error creating: pods "web-7d9f8c6b5-" is forbidden: error looking up service account shop/web: serviceaccount "web" not found`
	web := deployment("web", "serviceAccountName: web\ncontainers: [{name: web, image: nginx}]\n")
	cron := func(podSpec string) string {
		return `apiVersion: batch/v1
kind: CronJob
metadata: {name: backup, namespace: shop, uid: cj-backup}
spec:
  schedule: "0 * * * *"
  jobTemplate:
    spec:
      template:
        spec:
` + indent("restartPolicy: Never\ncontainers: [{name: backup, image: busybox}]\n"+podSpec, "          ")
	}
	cart := deployment("cart", "containers: [{name: cart, image: nginx}]\n")
	cases := []struct {
		name string
		docs []string
		cov  Coverage
		want []string
		// quotedBy is the workload whose finding must quote the event.
		quotedBy string
	}{
		{
			name:     "ReplicaSet FailedCreate joins its Deployment",
			docs:     []string{web, eventDoc("e1", "ReplicaSet", "web-7d9f8c6b5", "rs-gone", "Warning", "FailedCreate", "replicaset-controller", saRefused, "2026-11-20T10:03:00Z", 15)},
			want:     []string{"service-account-not-found error shop/Deployment/web "},
			quotedBy: "Deployment/web",
		},
		{
			name: "pre-1.8 decimal pod-template-hash",
			docs: []string{web, eventDoc("e1", "ReplicaSet", "web-2035384211", "rs-gone", "Warning", "FailedCreate", "replicaset-controller",
				strings.ReplaceAll(saRefused, "web-7d9f8c6b5-", "web-2035384211-"), "2026-11-20T10:03:00Z", 15)},
			want:     []string{"service-account-not-found error shop/Deployment/web "},
			quotedBy: "Deployment/web",
		},
		{
			name: "no Deployment of that name: the ReplicaSet stands alone",
			docs: []string{cart, eventDoc("e1", "ReplicaSet", "api-7d9f8c6b5", "rs-gone", "Warning", "FailedCreate", "replicaset-controller",
				strings.ReplaceAll(saRefused, "web-7d9f8c6b5-", "api-7d9f8c6b5-"), "2026-11-20T10:03:00Z", 15)},
			want:     []string{"service-account-not-found error shop/ReplicaSet/api-7d9f8c6b5 "},
			quotedBy: "ReplicaSet/api-7d9f8c6b5",
		},
		{
			name: "a suffix that is no pod-template-hash",
			docs: []string{web, eventDoc("e1", "ReplicaSet", "web-canary", "rs-gone", "Warning", "FailedCreate", "replicaset-controller",
				strings.ReplaceAll(saRefused, "web-7d9f8c6b5-", "web-canary-"), "2026-11-20T10:03:00Z", 15)},
			want:     []string{"service-account-not-found error shop/Deployment/web ", "service-account-not-found error shop/ReplicaSet/web-canary "},
			quotedBy: "ReplicaSet/web-canary",
		},
		{
			name: "pod gone with its ReplicaSet: FailedMount joins the Deployment",
			docs: []string{deployment("api", "containers: [{name: api, image: nginx}]\nvolumes: [{name: creds, secret: {secretName: api-creds}}]\n"),
				eventDoc("e1", "Pod", "api-7d9f8c6b5-x2x4z", "pod-gone", "Warning", "FailedMount", "kubelet",
					`MountVolume.SetUp failed for volume "creds" : secret "api-creds" not found`, "2026-11-20T10:04:00Z", 9)},
			cov:      noSecrets,
			want:     []string{"secret-not-found error shop/Deployment/api api-creds", "coverage-gap info /Secret/ "},
			quotedBy: "Deployment/api",
		},
		{
			name: "Job FailedCreate joins its CronJob",
			docs: []string{cron("serviceAccountName: backup\n"), eventDoc("e1", "Job", "backup-29400000", "job-gone", "Warning", "FailedCreate", "job-controller",
				`Error creating: pods "backup-29400000-" is forbidden: error looking up service account shop/backup: serviceaccount "backup" not found`, "2026-11-20T10:00:00Z", 4)},
			want:     []string{"service-account-not-found error shop/CronJob/backup "},
			quotedBy: "CronJob/backup",
		},
		{
			name: "pod gone with its Job: FailedMount joins the CronJob",
			docs: []string{cron("volumes: [{name: creds, secret: {secretName: backup-creds}}]\n"), eventDoc("e1", "Pod", "backup-29400000-7kq2n", "pod-gone", "Warning", "FailedMount", "kubelet",
				`MountVolume.SetUp failed for volume "creds" : secret "backup-creds" not found`, "2026-11-20T10:00:30Z", 3)},
			cov:      noSecrets,
			want:     []string{"secret-not-found error shop/CronJob/backup backup-creds", "coverage-gap info /Secret/ "},
			quotedBy: "CronJob/backup",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			findings := analyze(t, strings.Join(append([]string{nsShop}, tc.docs...), "---\n"), tc.cov)
			sameLines(t, brief(findings), tc.want)
			for _, f := range findings {
				if f.Object.Kind+"/"+f.Object.Name == tc.quotedBy && !strings.Contains(strings.Join(f.Evidence, "\n"), "Warning ") {
					t.Errorf("%s %s does not quote the event: %v", f.ID, tc.quotedBy, f.Evidence)
				}
			}
		})
	}
}

// An event is about the object with its involvedObject UID; one naming a pod
// that has since been recreated under the same name is the workload's history,
// not the new pod's.
func TestEventCorrelationByUID(t *testing.T) {
	sts := `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: shop, uid: sts-db}
spec:
  selector: {matchLabels: {app: db}}
  serviceName: db
  template:
    metadata: {labels: {app: db}}
    spec:
      containers: [{name: web, image: postgres}]
`
	newPod := podOf("db-0", "pod-db-0-new", "StatefulSet", "db", "containers: [{name: web, image: postgres}]\n", runningSince1010)
	failed := func(pod, uid string) string {
		return eventDoc("e1", "Pod", pod, uid, "Warning", "FailedMount", "kubelet",
			`MountVolume.SetUp failed for volume "tls" : secret "db-tls" not found`, "2026-11-20T10:00:00Z", 6)
	}
	cases := []struct {
		name     string
		event    string
		wantPods string
	}{
		{"same UID: the pod itself", failed("db-0", "pod-db-0-new"), "db-0"},
		{"another UID: an earlier db-0, not the one running now", failed("db-0", "pod-db-0-old"), ""},
		{"UID of no object: the StatefulSet by its pod's name", failed("db-1", "pod-db-1-old"), "db-1"},
		{"no UID: by name", failed("db-0", `""`), "db-0"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			findings := analyze(t, strings.Join([]string{nsShop, sts, newPod, tc.event}, "---\n"), coverageStub{"Secret": "kubectl cluster-info dump holds no Secrets"})
			sameLines(t, brief(findings), []string{"coverage-gap info /Secret/ ", "secret-created-after-failure info shop/StatefulSet/db db-tls"})
			if got := strings.Join(findings[len(findings)-1].Pods, ","); got != tc.wantPods {
				t.Errorf("pods = %q, want %q", got, tc.wantPods)
			}
		})
	}
}

// The rollout evidence names the revision where the failing reference first
// appeared, however many rollouts followed it.
func TestRolloutRevisionThatIntroducedTheReference(t *testing.T) {
	rs := func(name, rev, created, podSpec string) string {
		return `apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: ` + name + `
  namespace: shop
  uid: rs-` + name + `
  creationTimestamp: "` + created + `"
  annotations: {deployment.kubernetes.io/revision: "` + rev + `"}
  ownerReferences: [{apiVersion: apps/v1, kind: Deployment, name: web, uid: dep-web, controller: true}]
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
` + indent(podSpec, "      ")
	}
	vol := func(image, secretName string) string {
		return "containers: [{name: web, image: " + image + "}]\nvolumes: [{name: creds, secret: {secretName: " + secretName + "}}]\n"
	}
	env := func(image, key string) string {
		return "containers: [{name: web, image: " + image + ", env: [{name: P, valueFrom: {secretKeyRef: {name: db, key: " + key + "}}}]}]\n"
	}
	cases := []struct {
		name      string
		secrets   []string
		revisions []string // the Deployment's template is the last one's
		want      []string
		wantNone  bool
	}{
		{
			name:    "renamed in revision 3, image bumped in revision 4",
			secrets: []string{secret("db-credentials", "", "password")},
			revisions: []string{
				rs("web-5f6d7c8b9", "2", "2026-11-19T08:00:00Z", vol("nginx:1.26", "db-credentials")),
				rs("web-7d9f8c6b5", "3", "2026-11-20T09:54:00Z", vol("nginx:1.26", "db-creds")),
				rs("web-6c67798dd", "4", "2026-11-20T10:02:00Z", vol("nginx:1.27", "db-creds")),
			},
			want: []string{"secret-not-found error shop/Deployment/web db-creds",
				"revision 3 (ReplicaSet web-7d9f8c6b5, created 2026-11-20T09:54:00Z) references db-creds in volume creds; revision 2 (ReplicaSet web-5f6d7c8b9) referenced db-credentials; later revisions up to 4 (ReplicaSet web-6c67798dd) kept it"},
		},
		{
			name:    "key changed in revision 2, two image bumps since",
			secrets: []string{secret("db", "", "pass")},
			revisions: []string{
				rs("web-5f6d7c8b9", "1", "2026-11-18T08:00:00Z", env("nginx:1.25", "pass")),
				rs("web-7d9f8c6b5", "2", "2026-11-19T08:00:00Z", env("nginx:1.25", "password")),
				rs("web-6c67798dd", "3", "2026-11-20T09:00:00Z", env("nginx:1.26", "password")),
				rs("web-84b9d5f7c", "4", "2026-11-20T10:00:00Z", env("nginx:1.27", "password")),
			},
			want: []string{"secret-key-not-found error shop/Deployment/web db",
				"revision 2 (ReplicaSet web-7d9f8c6b5, created 2026-11-19T08:00:00Z) reads key password of db in env P (container web); revision 1 (ReplicaSet web-5f6d7c8b9) read key pass; later revisions up to 4 (ReplicaSet web-84b9d5f7c) kept it"},
		},
		{
			name: "reference added in revision 2",
			revisions: []string{
				rs("web-5f6d7c8b9", "1", "2026-11-18T08:00:00Z", "containers: [{name: web, image: nginx:1.25}]\n"),
				rs("web-7d9f8c6b5", "2", "2026-11-19T08:00:00Z", vol("nginx:1.25", "db-creds")),
				rs("web-6c67798dd", "3", "2026-11-20T09:00:00Z", vol("nginx:1.26", "db-creds")),
			},
			want: []string{"secret-not-found error shop/Deployment/web db-creds",
				"revision 2 (ReplicaSet web-7d9f8c6b5, created 2026-11-19T08:00:00Z) added the reference to db-creds in volume creds; revision 1 (ReplicaSet web-5f6d7c8b9) did not reference it; later revisions up to 3 (ReplicaSet web-6c67798dd) kept it"},
		},
		{
			name: "held since the oldest revision in the dump: no rollout to blame",
			revisions: []string{
				rs("web-5f6d7c8b9", "1", "2026-11-18T08:00:00Z", vol("nginx:1.25", "db-creds")),
				rs("web-7d9f8c6b5", "2", "2026-11-19T08:00:00Z", vol("nginx:1.26", "db-creds")),
			},
			want:     []string{"secret-not-found error shop/Deployment/web db-creds"},
			wantNone: true,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			last := tc.revisions[len(tc.revisions)-1]
			template := last[strings.Index(last, "    spec:\n")+len("    spec:\n"):]
			docs := append([]string{nsShop, deployment("web", strings.ReplaceAll(template, "\n      ", "\n")[6:])}, tc.secrets...)
			findings := analyze(t, strings.Join(append(docs, tc.revisions...), "---\n"), nil)
			sameLines(t, brief(findings), tc.want[:1])
			if len(findings) == 0 {
				return
			}
			var rollout []string
			for _, e := range findings[0].Evidence {
				if strings.HasPrefix(e, "revision ") {
					rollout = append(rollout, e)
				}
			}
			switch {
			case tc.wantNone && len(rollout) > 0:
				t.Errorf("want no rollout evidence, got %v", rollout)
			case !tc.wantNone && !containsString(rollout, tc.want[1]):
				t.Errorf("rollout evidence:\n  got:  %v\n  want: %s", rollout, tc.want[1])
			}
		})
	}
}

// A later "Unable to attach or mount volumes ... timed out" for the volume is
// evidence of the same missing Secret, quoted newest first.
func TestMountTimeoutQuotedWithSecretNotFound(t *testing.T) {
	docs := strings.Join([]string{nsShop, webReplicaSet, webPod("web-7d9f8c6b5-abcde", containerCreating),
		eventDoc("e1", "Pod", "web-7d9f8c6b5-abcde", "pod-web-7d9f8c6b5-abcde", "Warning", "FailedMount", "kubelet",
			`MountVolume.SetUp failed for volume "creds" : secret "db-credentials" not found`, "2026-11-20T09:58:00Z", 12),
		eventDoc("e2", "Pod", "web-7d9f8c6b5-abcde", "pod-web-7d9f8c6b5-abcde", "Warning", "FailedMount", "kubelet",
			`Unable to attach or mount volumes: unmounted volumes=[creds], unattached volumes=[creds kube-api-access-9xk2p]: timed out waiting for the condition`, "2026-11-20T10:04:00Z", 3),
	}, "---\n")
	findings := analyze(t, docs, coverageStub{"Secret": "kubectl cluster-info dump holds no Secrets"})
	var notFound *Finding
	for i := range findings {
		if findings[i].ID == SecretNotFound && findings[i].Secret == "db-credentials" {
			notFound = &findings[i]
		}
		if findings[i].ID == SecretMountFailed {
			t.Errorf("the timeout is reported on its own: %+v", findings[i])
		}
	}
	if notFound == nil {
		t.Fatalf("no secret-not-found for db-credentials: %v", brief(findings))
	}
	timeout, missing := -1, -1
	for i, e := range notFound.Evidence {
		if strings.Contains(e, "Unable to attach or mount volumes: unmounted volumes=[creds]") {
			timeout = i
		}
		if strings.Contains(e, `secret "db-credentials" not found`) {
			missing = i
		}
	}
	if timeout < 0 || missing < 0 || timeout > missing {
		t.Errorf("want the timeout quoted before the older not-found event:\n%s", strings.Join(notFound.Evidence, "\n"))
	}
}

// TestDeploymentOfPodName: with nothing of a workload in the dump, a pod
// name tells a Deployment's pod only when both generated suffixes are there.
func TestDeploymentOfPodName(t *testing.T) {
	tests := []struct {
		pod, deployment, replicaSet string
		ok                          bool
	}{
		{"web-7d9f8c6b5-m7bzt", "web", "web-7d9f8c6b5", true},
		{"cart-6bf84457-hmlbl", "cart", "cart-6bf84457", true},
		{"payments-api-5b7c9d6f48-x2k9q", "payments-api", "payments-api-5b7c9d6f48", true},
		{"alertmanager-0", "", "", false},          // a StatefulSet's pod
		{"node-exporter-x2k9q", "", "", false},     // a DaemonSet's: one suffix
		{"web-7d9f8c6b5-abcde", "", "", false},     // vowels are never generated
		{"my-release-config-m7bzt", "", "", false}, // "config" is no hash
		{"web-7d9f-m7bzt", "", "", false},          // too short for a hash
		{"backup-28912345-x7kqz", "", "", false},   // a CronJob's Job: minutes, not a hash
	}
	for _, tt := range tests {
		d, rs, ok := deploymentOfPodName(tt.pod)
		if d != tt.deployment || rs != tt.replicaSet || ok != tt.ok {
			t.Errorf("deploymentOfPodName(%q) = %q, %q, %v; want %q, %q, %v", tt.pod, d, rs, ok, tt.deployment, tt.replicaSet, tt.ok)
		}
	}
}

// TestEventsOnlyAndNamespaceSelection: namespaces that hold events and no
// workload object are judged from the events; -n judges the namespaces asked
// for only, and names one the dump has nothing of.
func TestEventsOnlyAndNamespaceSelection(t *testing.T) {
	const docs = `apiVersion: v1
kind: Event
metadata: {name: web-7d9f8c6b5-m7bzt.1, namespace: shop}
involvedObject: {kind: Pod, name: web-7d9f8c6b5-m7bzt, namespace: shop}
reason: FailedMount
type: Warning
message: 'MountVolume.SetUp failed for volume "db" : secret "db-credentials" not found'
---
apiVersion: v1
kind: Event
metadata: {name: alertmanager-0.1, namespace: monitoring}
involvedObject: {kind: Pod, name: alertmanager-0, namespace: monitoring}
reason: FailedMount
type: Warning
message: 'MountVolume.SetUp failed for volume "hook" : secret "slack-webhook" not found'
`
	cov := coverageStub{"Secret": "this kubectl get output holds no Secrets", "Pod": "this kubectl get output holds no Pods"}
	tests := []struct {
		name       string
		namespaces []string
		want       []string
		warning    string
	}{
		{"every namespace", nil, []string{
			"secret-not-found error monitoring/Pod/alertmanager-0 slack-webhook",
			"secret-not-found error shop/Deployment/web db-credentials",
			"coverage-gap info /Pod/ ",
			"coverage-gap info /Secret/ ",
		}, ""},
		{"one namespace", []string{"shop"}, []string{
			"secret-not-found error shop/Deployment/web db-credentials",
			"coverage-gap info /Pod/ ",
			"coverage-gap info /Secret/ ",
		}, ""},
		{"a namespace the dump has nothing of", []string{"shpo"}, nil, "namespace shpo: no pod, workload or event of it was found, so nothing in it was judged"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			client := fake.NewSimpleClientset(objects(t, docs)...)
			res, err := Analyze(context.Background(), Cluster{Client: client, Coverage: cov, Namespaces: tt.namespaces})
			if err != nil {
				t.Fatal(err)
			}
			sameLines(t, brief(res.Findings), tt.want)
			if tt.warning != "" && !strings.Contains(strings.Join(res.Warnings, "\n"), tt.warning) {
				t.Errorf("warnings %q lack %q", res.Warnings, tt.warning)
			}
		})
	}
}

// TestForbiddenExcerpt: of an application's log line, only the apiserver's
// refusal is quoted; the application's own fields stay out.
func TestForbiddenExcerpt(t *testing.T) {
	tests := []struct{ line, want string }{
		{`E1120 10:01:02.123456 1 reflector.go:147] secrets "db" is forbidden: User "system:serviceaccount:shop:orders" cannot get resource "secrets" in API group "" in the namespace "shop"`,
			`...secrets "db" is forbidden: User "system:serviceaccount:shop:orders" cannot get resource "secrets" in API group "" in the namespace "shop"`},
		{`{"level":"error","auth":"Bearer eyJhbGciOi","error":"secrets \"db\" is forbidden: User \"system:serviceaccount:shop:orders\" cannot get resource \"secrets\" in API group \"\" in the namespace \"shop\"","ts":1}`,
			`...secrets \"db\" is forbidden: User \"system:serviceaccount:shop:orders\" cannot get resource \"secrets\" in API group \"\" in the namespace \"shop\"...`},
		{`password=hunter2 failed: secrets is forbidden: User "system:serviceaccount:shop:orders" cannot list resource "secrets" in API group "" at the cluster scope`,
			`...secrets is forbidden: User "system:serviceaccount:shop:orders" cannot list resource "secrets" in API group "" at the cluster scope`},
	}
	for _, tt := range tests {
		if got := forbiddenExcerpt(tt.line); got != tt.want {
			t.Errorf("forbiddenExcerpt(%q)\n = %q\nwant %q", tt.line, got, tt.want)
		}
		if strings.Contains(forbiddenExcerpt(tt.line), "hunter2") || strings.Contains(forbiddenExcerpt(tt.line), "eyJ") {
			t.Errorf("the excerpt of %q keeps the application's fields", tt.line)
		}
	}
}

// A webhook the apiserver could not call is fixed at the webhook, not in the
// workload; a refusal that ended (pods created and running since) is a
// warning, as FINDINGS has "a denial that was probably transient".
func TestAdmissionRefusals(t *testing.T) {
	callFailed := `Error creating: Internal error occurred: failed calling webhook "validate.kyverno.svc-fail": failed to call webhook: Post "https://kyverno-svc.kyverno.svc:443/validate/fail?timeout=10s": dial tcp 10.96.12.7:443: connect: connection refused`
	deniedByPolicy := `Error creating: admission webhook "validate.kyverno.svc-fail" denied the request: resource Pod/shop/web-7d9f8c6b5-x was blocked due to the following policies require-labels: check-team: 'validation error: label team is required'`
	refusal := func(message string) string {
		return eventDoc("e1", "ReplicaSet", "web-7d9f8c6b5", "rs-web", "Warning", "FailedCreate", "replicaset-controller", message, "2026-11-20T10:00:00Z", 9)
	}
	runningPod := podOf("web-7d9f8c6b5-abcde", "pod-web-1", "ReplicaSet", "web-7d9f8c6b5", "containers: [{name: web, image: nginx}]\n", runningSince1010)
	cases := []struct {
		name, event   string
		pods          []string
		want          string
		remedy, never string
		confirm       string
		messageHas    string
	}{
		{
			name: "webhook down, pods created since: transient", event: refusal(callFailed), pods: []string{runningPod},
			want: "admission-denied warning shop/Deployment/web ", remedy: "Deployment shop/web itself needs no change", never: "satisfy webhook",
			confirm: "kubectl get endpoints kyverno-svc -n kyverno", messageHas: `could not call admission webhook validate.kyverno.svc-fail, so it refused the pods of Deployment shop/web (the webhook's failurePolicy is Fail): Post "https://kyverno-svc.kyverno.svc:443/validate/fail?timeout=10s": dial tcp 10.96.12.7:443: connect: connection refused (transient`,
		},
		{
			name: "webhook down, no pod yet", event: refusal(callFailed),
			want: "admission-denied error shop/Deployment/web ", remedy: "Bring webhook validate.kyverno.svc-fail back (Service kyverno/kyverno-svc", never: "satisfy webhook",
			messageHas: "could not call admission webhook",
		},
		{
			name: "policy denial, pods created since: transient", event: refusal(deniedByPolicy), pods: []string{runningPod},
			want: "admission-denied warning shop/Deployment/web ", remedy: "Change Deployment shop/web to satisfy webhook validate.kyverno.svc-fail", never: "needs no change",
			messageHas: "label team is required' (transient: the refusals end at 2026-11-20T10:00:00Z",
		},
		{
			name: "policy denial, no pod", event: refusal(deniedByPolicy),
			want: "admission-denied error shop/Deployment/web ", remedy: "Change Deployment shop/web to satisfy webhook", never: "needs no change",
			messageHas: "admission webhook validate.kyverno.svc-fail refuses the pods of Deployment shop/web: resource Pod/shop/web-7d9f8c6b5-x was blocked",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			docs := append([]string{nsShop, deployment("web", "containers: [{name: web, image: nginx}]\n"), webReplicaSet, tc.event}, tc.pods...)
			findings := analyze(t, strings.Join(docs, "---\n"), nil)
			sameLines(t, brief(findings), []string{tc.want})
			if len(findings) != 1 {
				return
			}
			f := findings[0]
			if !strings.Contains(f.Remediation, tc.remedy) || strings.Contains(f.Remediation, tc.never) {
				t.Errorf("remediation %q: want %q, never %q", f.Remediation, tc.remedy, tc.never)
			}
			if !strings.Contains(f.Message, tc.messageHas) {
				t.Errorf("message %q lacks %q", f.Message, tc.messageHas)
			}
			if tc.confirm != "" && !containsString(f.Commands.Confirm, tc.confirm) {
				t.Errorf("confirm = %v, want %q", f.Commands.Confirm, tc.confirm)
			}
		})
	}
}

// The ServiceAccount admission's mountable-secrets check reads the
// ServiceAccount's secrets for volumes and env, its imagePullSecrets for pull
// Secrets; the finding names the list that lacks the Secret (reference §1g).
func TestMountableSecretsDenial(t *testing.T) {
	cases := []struct{ name, denial, list string }{
		{"volume", `Error creating: pods "web-7d9f8c6b5-" is forbidden: volume with secret.secretName="db-creds" is not allowed because service account default does not reference that secret`, "secrets"},
		{"image pull Secret", `Error creating: pods "web-7d9f8c6b5-" is forbidden: imagePullSecrets[0].name="regcred" is not allowed because service account default does not reference that imagePullSecret`, "imagePullSecrets"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			docs := []string{nsShop, deployment("web", "containers: [{name: web, image: nginx}]\n"), webReplicaSet,
				eventDoc("e1", "ReplicaSet", "web-7d9f8c6b5", "rs-web", "Warning", "FailedCreate", "replicaset-controller", tc.denial, "2026-11-20T10:00:00Z", 9)}
			findings := analyze(t, strings.Join(docs, "---\n"), nil)
			if len(findings) != 1 || findings[0].ID != AdmissionDenied {
				t.Fatalf("want one admission-denied, got %v", brief(findings))
			}
			f := findings[0]
			if want := "among its " + tc.list + ", and it enforces that"; !strings.Contains(f.Message, want) {
				t.Errorf("message %q lacks %q", f.Message, want)
			}
			if want := "List the Secret under the ServiceAccount's " + tc.list + ","; !strings.Contains(f.Remediation, want) {
				t.Errorf("remediation %q lacks %q", f.Remediation, want)
			}
		})
	}
}

// "unknown node for user" is no race: the kubelet's credentials are not a
// node identity, and the remediation says so.
func TestNodeAuthorizerUnknownNode(t *testing.T) {
	docs := strings.Join([]string{nsShop, webReplicaSet, secret("db-credentials", "", "x"), secret("db", "", "password"),
		webPod("web-7d9f8c6b5-abcde", containerCreating),
		eventDoc("e1", "Pod", "web-7d9f8c6b5-abcde", "pod-web-7d9f8c6b5-abcde", "Warning", "FailedMount", "kubelet",
			`MountVolume.SetUp failed for volume "creds" : secrets "db-credentials" is forbidden: User "system:node:node-1" cannot get resource "secrets" in API group "" in the namespace "shop": unknown node for user "system:node:node-1"`, "2026-11-20T10:05:00Z", 2),
	}, "---\n")
	findings := analyze(t, docs, nil)
	sameLines(t, brief(findings), []string{"node-secret-forbidden warning shop/Deployment/web db-credentials"})
	f := findings[0]
	for _, want := range []string{`unknown node for user "system:node:node-1", so the kubelet's credentials are not a node identity`} {
		if !strings.Contains(f.Message, want) {
			t.Errorf("message %q lacks %q", f.Message, want)
		}
	}
	if strings.Contains(f.Message, "race") || !strings.Contains(f.Remediation, "client certificate for user system:node:<node name> in group system:nodes") {
		t.Errorf("message %q / remediation %q", f.Message, f.Remediation)
	}
}

// TestEventsOnlyMountFailureOfUnknownSecret: a FailedMount that names only
// its volume, for a pod known from events alone, is still reported.
func TestEventsOnlyMountFailureOfUnknownSecret(t *testing.T) {
	const docs = `apiVersion: v1
kind: Event
metadata: {name: p4.1, namespace: e}
involvedObject: {kind: Pod, name: p4, namespace: e}
reason: FailedMount
type: Warning
message: 'MountVolume.SetUp failed for volume "v" : failed to sync secret cache: timed out waiting for the condition'
`
	got := analyze(t, docs, coverageStub{"Secret": "this kubectl get output holds no Secrets", "Pod": "this kubectl get output holds no Pods"})
	sameLines(t, brief(got), []string{
		"secret-mount-failed error e/Pod/p4 ",
		"coverage-gap info /Pod/ ",
	})
	if len(got) > 0 && got[0].Reference != "volume v" {
		t.Errorf("reference %q, want volume v", got[0].Reference)
	}
}

// TestEventsOnlyRecovery: with events alone, a kubelet Started event after
// the last failure is the sign the pod recovered.
func TestEventsOnlyRecovery(t *testing.T) {
	failed := `apiVersion: v1
kind: Event
metadata: {name: web-7d9f8c6b5-m7bzt.1, namespace: shop}
involvedObject: {kind: Pod, name: web-7d9f8c6b5-m7bzt, namespace: shop}
reason: FailedMount
type: Warning
lastTimestamp: "2026-11-20T09:00:00Z"
message: 'MountVolume.SetUp failed for volume "db" : secret "db-credentials" not found'
`
	started := func(at string) string {
		return `---
apiVersion: v1
kind: Event
metadata: {name: web-7d9f8c6b5-m7bzt.2, namespace: shop}
involvedObject: {kind: Pod, name: web-7d9f8c6b5-m7bzt, namespace: shop}
reason: Started
type: Normal
lastTimestamp: "` + at + `"
message: Started container web
`
	}
	cov := coverageStub{"Secret": "this kubectl get output holds no Secrets", "Pod": "this kubectl get output holds no Pods"}
	tests := []struct {
		name, docs, want string
	}{
		{"started after the failures", failed + started("2026-11-20T09:05:00Z"), "secret-created-after-failure info shop/Deployment/web db-credentials"},
		{"started before the failures", failed + started("2026-11-20T08:55:00Z"), "secret-not-found error shop/Deployment/web db-credentials"},
		{"never started", failed, "secret-not-found error shop/Deployment/web db-credentials"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := brief(analyze(t, tt.docs, cov))
			if !containsString(got, tt.want) {
				t.Errorf("findings %q lack %q", got, tt.want)
			}
		})
	}
}
