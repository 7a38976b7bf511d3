package analyzer

import (
	"context"
	"strings"
	"testing"

	"k8s.io/client-go/kubernetes/fake"
)

const nsShop = `apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: default, namespace: shop}
`

// deployment renders a Deployment of namespace shop whose pod spec is podSpec
// (indented as under spec.template.spec).
func deployment(name, podSpec string) string {
	return `apiVersion: apps/v1
kind: Deployment
metadata: {name: ` + name + `, namespace: shop, uid: dep-` + name + `}
spec:
  selector: {matchLabels: {app: ` + name + `}}
  template:
    metadata: {labels: {app: ` + name + `}}
    spec:
` + indent(podSpec, "      ")
}

func indent(s, prefix string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i, l := range lines {
		lines[i] = prefix + l
	}
	return strings.Join(lines, "\n") + "\n"
}

func secret(name, typ string, keys ...string) string {
	s := "apiVersion: v1\nkind: Secret\nmetadata: {name: " + name + ", namespace: shop, creationTimestamp: \"2026-11-20T08:00:00Z\"}\n"
	if typ != "" {
		s += "type: " + typ + "\n"
	}
	if len(keys) > 0 {
		s += "data:\n"
		for _, k := range keys {
			s += "  " + k + ": dmFsdWU=\n"
		}
	}
	return s
}

func TestSecretReferencesFromSpec(t *testing.T) {
	cases := []struct {
		name string
		docs []string
		want []string
	}{
		{
			name: "healthy: every reference path resolves",
			docs: []string{secret("db", "", "password", "user"), secret("tls", "kubernetes.io/tls", "tls.crt", "tls.key"), secret("env", "", "A"),
				deployment("web", `containers:
- name: web
  image: nginx
  env:
  - {name: P, valueFrom: {secretKeyRef: {name: db, key: password}}}
  envFrom:
  - secretRef: {name: env}
initContainers:
- name: init
  image: busybox
  env:
  - {name: U, valueFrom: {secretKeyRef: {name: db, key: user}}}
volumes:
- name: certs
  secret: {secretName: tls, items: [{key: tls.crt, path: tls.crt}]}
- name: bundle
  projected: {sources: [{secret: {name: db, items: [{key: user, path: u}]}}]}
`)},
			want: nil,
		},
		{
			name: "missing Secret with a near name",
			docs: []string{secret("db-credential", "", "password"), deployment("web", `containers:
- name: web
  image: nginx
volumes:
- name: creds
  secret: {secretName: db-credentials}
`)},
			want: []string{"secret-not-found error shop/Deployment/web db-credentials"},
		},
		{
			name: "Secret only in another namespace",
			docs: []string{strings.Replace(secret("db", "", "password"), "namespace: shop", "namespace: payments", 1), deployment("web", `containers:
- name: web
  image: nginx
  envFrom: [{secretRef: {name: db}}]
`)},
			want: []string{"secret-in-other-namespace error shop/Deployment/web db"},
		},
		{
			name: "missing key in env and in volume items",
			docs: []string{secret("db", "", "passwd"), deployment("web", `containers:
- name: web
  image: nginx
  env:
  - {name: P, valueFrom: {secretKeyRef: {name: db, key: password}}}
volumes:
- name: creds
  secret: {secretName: db, items: [{key: username, path: u}]}
`)},
			want: []string{"secret-key-not-found error shop/Deployment/web db"},
		},
		{
			name: "optional Secret and optional key absent",
			docs: []string{secret("db", "", "password"), deployment("web", `containers:
- name: web
  image: nginx
  env:
  - {name: P, valueFrom: {secretKeyRef: {name: db, key: extra, optional: true}}}
  envFrom: [{secretRef: {name: feature-flags, optional: true}}]
`)},
			want: []string{"optional-secret-missing warning shop/Deployment/web db", "optional-secret-missing warning shop/Deployment/web feature-flags"},
		},
		{
			name: "empty Secret",
			docs: []string{secret("db", ""), deployment("web", `containers:
- name: web
  image: nginx
  envFrom: [{secretRef: {name: db}}]
`)},
			want: []string{"secret-empty warning shop/Deployment/web db"},
		},
		{
			name: "TLS Secret without its key",
			docs: []string{secret("certs", "kubernetes.io/tls", "tls.crt"), deployment("web", `containers:
- name: web
  image: nginx
volumes:
- name: certs
  secret: {secretName: certs}
`)},
			want: []string{"secret-type-mismatch error shop/Deployment/web certs"},
		},
		{
			name: "legacy ServiceAccount token Secret deleted",
			docs: []string{deployment("old", `containers:
- name: old
  image: nginx
volumes:
- name: default-token-x7k2p
  secret: {secretName: default-token-x7k2p}
`)},
			want: []string{"sa-token-secret-not-found error shop/Deployment/old default-token-x7k2p"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			findings := analyze(t, nsShop+"---\n"+strings.Join(tc.docs, "---\n"), nil)
			sameLines(t, brief(findings), tc.want)
			for _, f := range findings {
				if len(f.Evidence) == 0 {
					t.Errorf("%s rests on no evidence", f.ID)
				}
			}
		})
	}
}

func TestDidYouMean(t *testing.T) {
	findings := analyze(t, nsShop+"---\n"+secret("db-credential", "", "password")+"---\n"+deployment("web", `containers:
- name: web
  image: nginx
  envFrom: [{secretRef: {name: db-credentials}}]
`), nil)
	if len(findings) != 1 || !strings.Contains(findings[0].Message, "did you mean db-credential?") {
		t.Fatalf("want a did-you-mean hint, got %+v", findings)
	}
}

func TestIgnoreAnnotation(t *testing.T) {
	web := deployment("web", `containers: [{name: web, image: nginx, envFrom: [{secretRef: {name: missing}}, {secretRef: {name: empty}}]}]
`)
	accepted := strings.Replace(web, "uid: dep-web}", "uid: dep-web, annotations: {secretscan.io/ignore: secret-not-found}}", 1)
	emptyAccepted := strings.Replace(secret("empty", ""), "namespace: shop,", "namespace: shop, annotations: {secretscan.io/ignore: '*'},", 1)
	client := fake.NewSimpleClientset(objects(t, strings.Join([]string{nsShop, accepted, emptyAccepted}, "---\n"))...)
	res, err := Analyze(context.Background(), Cluster{Client: client})
	if err != nil {
		t.Fatal(err)
	}
	sameLines(t, brief(res.Findings), nil)
	// What was left out is named, never hidden without a trace.
	sameLines(t, res.Warnings, []string{
		"secret-empty shop/web left out: the secretscan.io/ignore annotation of Secret shop/empty accepts it",
		"secret-not-found shop/web left out: the secretscan.io/ignore annotation of Deployment shop/web accepts it",
	})
	typo := strings.Replace(web, "uid: dep-web}", "uid: dep-web, annotations: {secretscan.io/ignore: secret-not-fond}}", 1)
	client = fake.NewSimpleClientset(objects(t, strings.Join([]string{nsShop, typo}, "---\n"))...)
	if res, err = Analyze(context.Background(), Cluster{Client: client}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(strings.Join(res.Warnings, "\n"), `names "secret-not-fond", which is no finding ID`) {
		t.Errorf("a mistyped ID in the annotation is not named: %q", res.Warnings)
	}
	findings := analyze(t, strings.Join([]string{nsShop, web, secret("empty", "")}, "---\n"), nil)
	sameLines(t, brief(findings), []string{"secret-not-found error shop/Deployment/web missing", "secret-empty warning shop/Deployment/web empty"})
}

// A FailedMount on a projected volume of several Secrets names only the volume
// (or the Secret, when it is missing): the Secret is found from the sources'
// items, then from the dump, and when neither tells, the finding names the
// volume and every candidate.
func TestProjectedVolumeOfSeveralSecrets(t *testing.T) {
	noSecrets := coverageStub{"Secret": "kubectl cluster-info dump holds no Secrets"}
	bundle := func(sources string) string {
		return deployment("web", `containers: [{name: web, image: nginx}]
volumes:
- name: bundle
  projected:
    sources:
`+indent(sources, "    "))
	}
	distinct := bundle(`- secret: {name: db, items: [{key: k1, path: a}]}
- secret: {name: api, items: [{key: k2, path: b}]}
- secret: {name: extra, optional: true, items: [{key: k2, path: c}]}
- secret: {name: tls}
`)
	shared := bundle(`- secret: {name: db, items: [{key: k2, path: a}]}
- secret: {name: api, items: [{key: k2, path: b}]}
`)
	single := bundle(`- secret: {name: db}
- configMap: {name: settings}
`)
	failed := func(message string) string {
		return eventDoc("e1", "Pod", "web-7d9f8c6b5-abcde", "pod-gone", "Warning", "FailedMount", "kubelet",
			`MountVolume.SetUp failed for volume "bundle" : `+message, "2026-11-20T10:04:00Z", 7)
	}
	// web's pods are gone with their ReplicaSet; the events remain.
	cases := []struct {
		name string
		docs []string
		cov  Coverage
		want []string
		// wantMessage is in the message of the first finding; wantNot is in none.
		wantMessage, wantNot string
	}{
		{
			name: "missing key: the source whose items name it",
			docs: []string{distinct, failed("references non-existent secret key: k2")},
			cov:  noSecrets,
			want: []string{"secret-key-not-found error shop/Deployment/web api", "coverage-gap info /Secret/ "},
		},
		{
			name: "missing Secret: the one the text names",
			docs: []string{distinct, failed(`secret "tls" not found`)},
			cov:  noSecrets,
			want: []string{"secret-not-found error shop/Deployment/web tls", "coverage-gap info /Secret/ "},
		},
		{
			name: "aggregated errors of two sources",
			docs: []string{distinct, failed(`[secret "db" not found, references non-existent secret key: k2]`)},
			cov:  noSecrets,
			want: []string{"secret-key-not-found error shop/Deployment/web api", "secret-not-found error shop/Deployment/web db", "coverage-gap info /Secret/ "},
		},
		{
			name:        "two sources ask for the key: both named, against the volume",
			docs:        []string{shared, failed("references non-existent secret key: k2")},
			cov:         noSecrets,
			want:        []string{"secret-key-not-found error shop/Deployment/web ", "coverage-gap info /Secret/ "},
			wantMessage: "one of Secrets shop/db, shop/api lacks key k2: projected volume bundle",
			wantNot:     "does not exist",
		},
		{
			name: "two sources ask for the key: the dump shows which lacks it",
			docs: []string{shared, secret("db", "", "k2"), secret("api", "", "k1"), failed("references non-existent secret key: k2")},
			want: []string{"secret-key-not-found error shop/Deployment/web api"},
		},
		{
			name: "no items name the key: the single Secret source",
			docs: []string{single, failed("references non-existent secret key: k9")},
			cov:  noSecrets,
			want: []string{"secret-key-not-found error shop/Deployment/web db", "coverage-gap info /Secret/ "},
		},
		{
			name:        "the dump's Secret holds the key the kubelet missed: not a missing Secret",
			docs:        []string{single, secret("db", "", "k9"), failed("references non-existent secret key: k9")},
			want:        []string{"secret-mount-failed error shop/Deployment/web db"},
			wantMessage: "the kubelet reported key k9 of Secret shop/db missing",
			wantNot:     "reported Secret",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			findings := analyze(t, nsShop+"---\n"+strings.Join(tc.docs, "---\n"), tc.cov)
			sameLines(t, brief(findings), tc.want)
			for _, f := range findings {
				if f.ID == CoverageGap {
					continue
				}
				if !strings.Contains(strings.Join(f.Evidence, "\n"), `for volume "bundle"`) {
					t.Errorf("%s %s does not quote the event: %v", f.ID, f.Secret, f.Evidence)
				}
				if tc.wantMessage != "" && !strings.Contains(f.Message, tc.wantMessage) {
					t.Errorf("message %q lacks %q", f.Message, tc.wantMessage)
				}
				if tc.wantNot != "" && strings.Contains(f.Message, tc.wantNot) {
					t.Errorf("message %q says %q", f.Message, tc.wantNot)
				}
			}
		})
	}
}

// TestExistenceRecordAndKeyEvents: a support bundle records that a Secret
// exists, and sometimes which keys it holds; the kubelet says a key is
// missing. A key the record names is a disagreement between the dump's parts,
// not a missing key; a key it does not name is taken at the kubelet's word,
// without quoting a key list the dump does not have.
func TestExistenceRecordAndKeyEvents(t *testing.T) {
	secret := func(data string) string {
		return `apiVersion: v1
kind: Secret
metadata:
  name: api-creds
  namespace: shop
  annotations: {secretscan.io/values: existence-only}
data: ` + data + `
`
	}
	pod := `apiVersion: v1
kind: Pod
metadata: {name: api, namespace: shop, uid: pod-api}
spec:
  containers:
  - name: api
    image: nginx
    env: [{name: P, valueFrom: {secretKeyRef: {name: api-creds, key: password}}}]
status:
  phase: Pending
  containerStatuses:
  - {name: api, image: nginx, ready: false, restartCount: 0, state: {waiting: {reason: CreateContainerConfigError, message: "couldn't find key password in Secret shop/api-creds"}}}
---
` + eventDoc("e1", "Pod", "api", "pod-api", "Warning", "Failed", "kubelet", "Error: couldn't find key password in Secret shop/api-creds", "2026-11-20T10:00:00Z", 4)
	tests := []struct {
		name, data, want, notWant string
	}{
		{"record names the key", "{password: ''}", "secret-mount-failed: the kubelet reported key password of Secret shop/api-creds missing although the dump's copy holds it", "it has"},
		{"record names no key", "{}", "secret-key-not-found: Secret shop/api-creds has no key password", "it has"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			findings := analyze(t, nsShop+"---\n"+secret(tt.data)+"---\n"+pod, nil)
			var got []string
			for _, f := range findings {
				got = append(got, string(f.ID)+": "+f.Message)
			}
			joined := strings.Join(got, "\n")
			if !strings.Contains(joined, tt.want) || strings.Contains(joined, tt.notWant) {
				t.Errorf("findings:\n%s\nwant %q, never %q", joined, tt.want, tt.notWant)
			}
		})
	}
}

// A Job that has completed starts no pod again: a Secret it read and that is
// gone since hinders nothing. One that failed keeps its finding (it says why),
// and a CronJob's next Job is judged from the CronJob's template.
func TestCompletedJobs(t *testing.T) {
	job := func(status string) string {
		return `apiVersion: batch/v1
kind: Job
metadata: {name: migrate-v1, namespace: shop, uid: job-migrate}
spec:
  template:
    spec:
      restartPolicy: Never
      containers:
      - name: app
        image: busybox:1.36
        env: [{name: T, valueFrom: {secretKeyRef: {name: onetime-migration, key: k}}}]
status:
` + indent(status, "  ")
	}
	pod := podOf("migrate-v1-abcde", "pod-migrate", "Job", "migrate-v1", `restartPolicy: Never
containers:
- name: app
  image: busybox:1.36
  env: [{name: T, valueFrom: {secretKeyRef: {name: onetime-migration, key: k}}}]
`, `phase: Succeeded
containerStatuses:
- {name: app, ready: false, restartCount: 0, image: "busybox:1.36", imageID: x, state: {terminated: {exitCode: 0, reason: Completed, startedAt: "2026-11-10T00:00:10Z", finishedAt: "2026-11-10T00:01:00Z"}}}
`)
	cron := `apiVersion: batch/v1
kind: CronJob
metadata: {name: backup, namespace: shop, uid: cj-backup}
spec:
  schedule: "0 * * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: Never
          containers: [{name: backup, image: busybox, envFrom: [{secretRef: {name: backup-creds}}]}]
---
apiVersion: batch/v1
kind: Job
metadata:
  name: backup-29400000
  namespace: shop
  uid: job-backup
  ownerReferences: [{apiVersion: batch/v1, kind: CronJob, name: backup, uid: cj-backup, controller: true}]
spec:
  template:
    spec:
      restartPolicy: Never
      containers: [{name: backup, image: busybox, envFrom: [{secretRef: {name: backup-creds}}]}]
status:
  succeeded: 1
  conditions: [{type: Complete, status: "True"}]
`
	cases := []struct {
		name string
		docs []string
		want []string
	}{
		{"completed, its Secret deleted since", []string{job("succeeded: 1\nconditions: [{type: Complete, status: \"True\"}]\n"), pod}, nil},
		{"failed: the finding says why", []string{job("failed: 6\nconditions: [{type: Failed, status: \"True\", reason: BackoffLimitExceeded}]\n")},
			[]string{"secret-not-found error shop/Job/migrate-v1 onetime-migration"}},
		{"still running", []string{job("active: 1\n")}, []string{"secret-not-found error shop/Job/migrate-v1 onetime-migration"}},
		{"a CronJob's completed Job: the next run needs the Secret", []string{cron}, []string{"secret-not-found error shop/CronJob/backup backup-creds"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			sameLines(t, brief(analyze(t, nsShop+"---\n"+strings.Join(tc.docs, "---\n"), nil)), tc.want)
		})
	}
}

// Spec evidence names the container list a reference is in, and a reference
// of an ephemeral container (kubectl debug) is the pod's, not the template's:
// quoted from the pod, a warning (the pod's own containers run), and nothing
// to change in the workload.
func TestInitAndEphemeralContainerReferences(t *testing.T) {
	web := deployment("web", "containers: [{name: web, image: nginx}]\n")
	debugged := func(env string) string {
		return podOf("web-7d9f8c6b5-abcde", "pod-web", "ReplicaSet", "web-7d9f8c6b5", `containers: [{name: web, image: nginx}]
ephemeralContainers:
- name: debugger
  image: busybox
  env: [`+env+`]
`, runningSince1010+"ephemeralContainerStatuses:\n- {name: debugger, ready: false, restartCount: 0, image: busybox, imageID: \"\", state: {waiting: {reason: CreateContainerConfigError, message: 'secret \"dbg-creds\" not found'}}}\n")
	}
	cases := []struct {
		name                string
		docs                []string
		want                []string
		evidence, reference string
		falseLine           string
		remedy, remedyNever string
	}{
		{
			name: "init container",
			docs: []string{deployment("web", `initContainers:
- name: migrate
  image: busybox
  env: [{name: PW, valueFrom: {secretKeyRef: {name: db-creds, key: password}}}]
containers: [{name: web, image: nginx}]
`)},
			want:      []string{"secret-not-found error shop/Deployment/web db-creds"},
			evidence:  "Deployment shop/web spec: initContainers[migrate].env[PW].valueFrom.secretKeyRef{name: db-creds, key: password}",
			reference: "env PW (init container migrate)",
			falseLine: "spec: containers[migrate]",
		},
		{
			name:        "ephemeral container: the Secret is missing",
			docs:        []string{web, webReplicaSet, debugged("{name: T, valueFrom: {secretKeyRef: {name: dbg-creds, key: token}}}")},
			want:        []string{"secret-not-found warning shop/Deployment/web dbg-creds"},
			evidence:    "Pod shop/web-7d9f8c6b5-abcde spec: ephemeralContainers[debugger].env[T].valueFrom.secretKeyRef{name: dbg-creds, key: token}",
			reference:   "env T (ephemeral container debugger)",
			falseLine:   "Deployment shop/web spec",
			remedy:      "Deployment shop/web itself needs no change",
			remedyNever: "fix the name in Deployment",
		},
		{
			name:        "ephemeral container: a key is missing",
			docs:        []string{web, webReplicaSet, secret("dbg-creds", "", "user"), debugged("{name: T, valueFrom: {secretKeyRef: {name: dbg-creds, key: token}}}")},
			want:        []string{"secret-key-not-found warning shop/Deployment/web dbg-creds"},
			evidence:    "Pod shop/web-7d9f8c6b5-abcde spec: ephemeralContainers[debugger].env[T].valueFrom.secretKeyRef{name: dbg-creds, key: token}",
			falseLine:   "Deployment shop/web spec",
			remedy:      "an ephemeral container cannot be changed or removed",
			remedyNever: "fix the key name in Deployment",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			findings := analyze(t, nsShop+"---\n"+strings.Join(tc.docs, "---\n"), nil)
			sameLines(t, brief(findings), tc.want)
			if len(findings) == 0 {
				return
			}
			f := findings[0]
			if !containsString(f.Evidence, tc.evidence) {
				t.Errorf("evidence lacks %q:\n%s", tc.evidence, strings.Join(f.Evidence, "\n"))
			}
			for _, e := range f.Evidence {
				if strings.Contains(e, tc.falseLine) {
					t.Errorf("evidence quotes a spec that does not hold it: %s", e)
				}
			}
			if tc.reference != "" && f.Reference != tc.reference {
				t.Errorf("reference = %q, want %q", f.Reference, tc.reference)
			}
			if !strings.Contains(f.Remediation, tc.remedy) || (tc.remedyNever != "" && strings.Contains(f.Remediation, tc.remedyNever)) {
				t.Errorf("remediation %q: want %q, never %q", f.Remediation, tc.remedy, tc.remedyNever)
			}
		})
	}
}
