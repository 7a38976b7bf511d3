package analyzer

import (
	"strconv"
	"strings"
	"testing"
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
