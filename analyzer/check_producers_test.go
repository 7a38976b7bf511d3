package analyzer

import (
	"context"
	"errors"
	"strings"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	dynamicfake "k8s.io/client-go/dynamic/fake"
	"k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"
	"sigs.k8s.io/yaml"
)

const externalSecretFailing = `apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata: {name: db-credentials, namespace: shop, uid: es-db}
spec:
  secretStoreRef: {name: vault, kind: SecretStore}
  target: {name: db-credentials}
status:
  conditions:
  - {type: Ready, status: "False", reason: SecretSyncedError, message: could not get secret data from provider, lastTransitionTime: "2026-11-20T09:00:00Z"}
`

const sealedSecretFailing = `apiVersion: bitnami.com/v1alpha1
kind: SealedSecret
metadata: {name: db-credentials, namespace: shop, uid: ss-db}
spec:
  encryptedData: {password: AgBy3i4OJSWK+PiTySYZZA==}
status:
  conditions:
  - {type: Synced, status: "False", message: "no key could decrypt secret (password)", lastTransitionTime: "2026-11-20T09:00:00Z"}
`

const certificateNotReady = `apiVersion: cert-manager.io/v1
kind: Certificate
metadata: {name: web-tls, namespace: shop, uid: cert-web}
spec:
  secretName: db-credentials
  issuerRef: {name: letsencrypt, kind: ClusterIssuer}
status:
  conditions:
  - {type: Ready, status: "False", reason: Failed, message: "The certificate request has failed to complete and will be retried: ClusterIssuer letsencrypt not found", lastTransitionTime: "2026-11-20T09:00:00Z"}
`

const externalSecretReady = `apiVersion: external-secrets.io/v1beta1
kind: ExternalSecret
metadata: {name: api, namespace: shop}
spec:
  target: {name: api-key}
status:
  conditions:
  - {type: Ready, status: "True", reason: SecretSynced, message: Secret was synced, lastTransitionTime: "2026-11-20T09:00:00Z"}
`

func TestSecretsMadeByControllers(t *testing.T) {
	web := deployment("web", `containers: [{name: web, image: nginx}]
volumes: [{name: creds, secret: {secretName: db-credentials}}]
`)
	cases := []struct {
		name, custom string
		extra        []string
		cov          Coverage
		want         []string
		message      string
	}{
		{name: "ExternalSecret with SecretSyncedError", custom: externalSecretFailing,
			want: []string{"secret-source-not-ready error shop/Deployment/web db-credentials"}, message: "ExternalSecret shop/db-credentials is not ready (Ready=False SecretSyncedError: could not get secret data from provider)"},
		{name: "SealedSecret that cannot be unsealed", custom: sealedSecretFailing,
			want: []string{"secret-source-not-ready error shop/Deployment/web db-credentials"}, message: "no key could decrypt secret"},
		{name: "Certificate not Ready", custom: certificateNotReady,
			want: []string{"secret-source-not-ready error shop/Deployment/web db-credentials"}, message: "ClusterIssuer letsencrypt not found"},
		{name: "Secrets not collected: the producer still explains it", custom: externalSecretFailing, cov: coverageStub{"Secret": "kubectl cluster-info dump holds no Secrets"},
			want: []string{"secret-source-not-ready error shop/Deployment/web db-credentials", "coverage-gap info /Secret/ "}},
		{name: "healthy ExternalSecret whose Secret exists", custom: externalSecretReady,
			extra: []string{secret("api-key", "", "key"), deployment("api", "containers: [{name: api, image: nginx, envFrom: [{secretRef: {name: api-key}}]}]\n")}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			docs := []string{nsShop}
			if tc.extra == nil {
				docs = append(docs, web)
			}
			docs = append(docs, tc.extra...)
			findings := analyzeWithCustom(t, strings.Join(docs, "---\n"), tc.custom, tc.cov)
			sameLines(t, brief(findings), tc.want)
			if tc.message != "" && (len(findings) == 0 || !strings.Contains(findings[0].Message, tc.message)) {
				t.Errorf("message lacks %q: %+v", tc.message, findings)
			}
			for _, f := range findings {
				if strings.Contains(strings.Join(f.Evidence, " ")+f.Message, "AgBy3i4OJSWK") {
					t.Errorf("ciphertext leaked into %s", f.ID)
				}
			}
		})
	}
}

func TestSecretsStoreCSI(t *testing.T) {
	csiPod := func(class, message string) string {
		return `apiVersion: v1
kind: Pod
metadata:
  name: vault-app-6d5c4b3a2-qwert
  namespace: shop
  uid: pod-vault
  labels: {app: vault-app, pod-template-hash: 6d5c4b3a2}
  ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: vault-app-6d5c4b3a2, uid: rs-vault, controller: true}]
spec:
  containers: [{name: app, image: nginx}]
  volumes:
  - name: secrets-store-inline
    csi: {driver: secrets-store.csi.k8s.io, readOnly: true, volumeAttributes: {secretProviderClass: ` + class + `}}
status: {phase: Pending}
---
` + eventDoc("e1", "Pod", "vault-app-6d5c4b3a2-qwert", "pod-vault", "Warning", "FailedMount", "kubelet", message, "2026-11-20T10:00:00Z", 9)
	}
	spc := `apiVersion: secrets-store.csi.x-k8s.io/v1
kind: SecretProviderClass
metadata: {name: azure-kv, namespace: shop}
spec: {provider: azure}
`
	cases := []struct {
		name, docs, custom, message string
	}{
		{"SecretProviderClass missing", csiPod("azure", `MountVolume.SetUp failed for volume "secrets-store-inline" : rpc error: code = Unknown desc = failed to get secretproviderclass shop/azure, error: secretproviderclasses.secrets-store.csi.x-k8s.io "azure" not found`), spc,
			"SecretProviderClass shop/azure, used by volume secrets-store-inline, does not exist"},
		{"provider not installed", csiPod("azure-kv", `MountVolume.SetUp failed for volume "secrets-store-inline" : rpc error: code = Unknown desc = failed to mount secrets store objects for pod shop/vault-app-6d5c4b3a2-qwert, err: error connecting to provider "azure": provider not found: provider "azure"`), spc,
			`provider "azure" is not installed`},
		{"driver not registered", csiPod("azure-kv", `MountVolume.SetUp failed for volume "secrets-store-inline" : kubernetes.io/csi: mounter.SetUpAt failed to get CSI client: driver name secrets-store.csi.k8s.io not found in the list of registered CSI drivers`), spc,
			"driver (secrets-store.csi.k8s.io) is not registered"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			findings := analyzeWithCustom(t, nsShop+"---\n"+tc.docs, tc.custom, nil)
			sameLines(t, brief(findings), []string{"csi-secret-mount-failed error shop/Deployment/vault-app "})
			if len(findings) > 0 && !strings.Contains(findings[0].Message, tc.message) {
				t.Errorf("message %q lacks %q", findings[0].Message, tc.message)
			}
		})
	}
	// Another CSI driver's failure (a PVC on EBS) is not a Secrets Store one,
	// whether or not the event's volume is in the spec.
	for _, volume := range []string{"pvc-123", "secrets-store-inline"} {
		t.Run("other driver not registered, volume "+volume, func(t *testing.T) {
			docs := csiPod("azure-kv", `MountVolume.MountDevice failed for volume "`+volume+`" : kubernetes.io/csi: attacher.MountDevice failed to create newCsiDriverClient: driver name ebs.csi.aws.com not found in the list of registered CSI drivers`)
			sameLines(t, brief(analyzeWithCustom(t, nsShop+"---\n"+docs, spc, nil)), nil)
		})
	}
}

// analyzeWithRequests is analyzeWithCustom with cert-manager's
// CertificateRequests served too (the fake dynamic client panics on a list of
// a resource it was not told about).
func analyzeWithRequests(t *testing.T, docs, custom string) []Finding {
	t.Helper()
	listKinds := map[schema.GroupVersionResource]string{certificateRequests: "CertificateRequestList"}
	for _, pk := range producerKinds {
		for _, gvr := range pk.Resources {
			listKinds[gvr] = pk.Kind + "List"
		}
	}
	var crs []runtime.Object
	for _, doc := range strings.Split(custom, "\n---\n") {
		if strings.TrimSpace(doc) == "" {
			continue
		}
		var m map[string]any
		if err := yaml.Unmarshal([]byte(doc), &m); err != nil {
			t.Fatal(err)
		}
		crs = append(crs, &unstructured.Unstructured{Object: m})
	}
	client := fake.NewSimpleClientset(objects(t, docs)...)
	dyn := dynamicfake.NewSimpleDynamicClientWithCustomListKinds(runtime.NewScheme(), listKinds, crs...)
	res, err := Analyze(context.Background(), Cluster{Client: client, Dynamic: dyn})
	if err != nil {
		t.Fatal(err)
	}
	return res.Findings
}

// producerExpect is what one finding must say, beyond its ID line.
type producerExpect struct {
	message, evidence, remediation, fix []string // substrings each must hold
	notMessage                          []string // substrings the message must not hold
}

func (want producerExpect) check(t *testing.T, findings []Finding) {
	t.Helper()
	if len(findings) == 0 {
		if len(want.message)+len(want.evidence)+len(want.remediation)+len(want.fix)+len(want.notMessage) > 0 {
			t.Errorf("no finding to check")
		}
		return
	}
	f := findings[0]
	has := func(what, text string, subs []string) {
		for _, sub := range subs {
			if !strings.Contains(text, sub) {
				t.Errorf("%s lacks %q:\n%s", what, sub, text)
			}
		}
	}
	has("message", f.Message, want.message)
	has("evidence", strings.Join(f.Evidence, "\n"), want.evidence)
	has("remediation", f.Remediation, want.remediation)
	var fix string
	if f.Commands != nil {
		fix = strings.Join(f.Commands.Fix, "\n")
	}
	has("fix commands", fix, want.fix)
	for _, sub := range want.notMessage {
		if strings.Contains(f.Message, sub) {
			t.Errorf("message holds %q: %s", sub, f.Message)
		}
	}
}

// A Secret that exists but lacks a key (or all data) is fixed at the
// controller that makes it; its ownerReferences name that controller even when
// no producer's target matches the Secret's name.
func TestExistingSecretOfAController(t *testing.T) {
	withKey := deployment("api", `containers: [{name: api, image: nginx, env: [{name: K, valueFrom: {secretKeyRef: {name: es-f, key: api-key}}}]}]
`)
	ownedSecret := func(uid string) string {
		return `apiVersion: v1
kind: Secret
metadata:
  name: es-f
  namespace: shop
  creationTimestamp: "2026-11-20T08:00:00Z"
  ownerReferences: [{apiVersion: external-secrets.io/v1, kind: ExternalSecret, name: es-f-source, uid: ` + uid + `, controller: true}]
data: {other: dmFsdWU=}
`
	}
	esSource := func(target, status, reason, message string) string {
		t := ""
		if target != "" {
			t = "  target: {name: " + target + "}\n"
		}
		return `apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata: {name: es-f-source, namespace: shop, uid: es-f-uid}
spec:
  secretStoreRef: {name: vault, kind: SecretStore}
` + t + `status:
  conditions:
  - {type: Ready, status: "` + status + `", reason: ` + reason + `, message: ` + message + `, lastTransitionTime: "2026-11-20T09:00:00Z"}
`
	}
	esEvent := eventDoc("es1", "ExternalSecret", "es-f-source", "es-f-uid", "Warning", "UpdateFailed", "external-secrets",
		`error retrieving secret at .data[1], key: shop/api, err: Secret does not exist`, "2026-11-20T10:00:00Z", 7)
	cases := []struct {
		name   string
		docs   []string
		custom string
		want   []string
		expect producerExpect
	}{
		{name: "owned by a failing ExternalSecret whose target name does not match",
			docs: []string{withKey, ownedSecret("es-f-uid"), esEvent}, custom: esSource("", "False", "SecretSyncedError", "could not get secret data from provider"),
			want: []string{"secret-key-not-found error shop/Deployment/api es-f"},
			expect: producerExpect{
				message:     []string{"Secret shop/es-f has no key api-key", "it is made by ExternalSecret shop/es-f-source, which is not ready (Ready=False SecretSyncedError: could not get secret data from provider)"},
				evidence:    []string{"ExternalSecret shop/es-f-source owns Secret es-f per the Secret's ownerReferences (Ready=False SecretSyncedError", "ExternalSecret es-f-source: Warning UpdateFailed (x7"},
				remediation: []string{"Do not patch the Secret by hand: fix the ExternalSecret's SecretStore"},
				fix:         []string{"kubectl annotate externalsecret es-f-source -n shop force-sync="},
			}},
		{name: "owned by a failing ExternalSecret that also targets it by name",
			docs: []string{withKey, ownedSecret("es-f-uid")}, custom: esSource("es-f", "False", "SecretSyncedError", "could not get secret data from provider"),
			want:   []string{"secret-key-not-found error shop/Deployment/api es-f"},
			expect: producerExpect{message: []string{"made by ExternalSecret shop/es-f-source, which is not ready"}}},
		{name: "owner reference to an earlier object of that name (other UID) is not followed",
			docs: []string{withKey, ownedSecret("gone-uid")}, custom: esSource("", "False", "SecretSyncedError", "could not get secret data from provider"),
			want:   []string{"secret-key-not-found error shop/Deployment/api es-f"},
			expect: producerExpect{notMessage: []string{"made by"}, fix: []string{"kubectl patch secret es-f"}}},
		{name: "producer Ready: the key is missing from what it syncs",
			docs: []string{withKey, ownedSecret("es-f-uid")}, custom: esSource("es-f", "True", "SecretSynced", "Secret was synced"),
			want: []string{"secret-key-not-found error shop/Deployment/api es-f"},
			expect: producerExpect{
				message:     []string{"made by ExternalSecret shop/es-f-source, which reports Ready (Ready=True SecretSynced: Secret was synced)"},
				remediation: []string{"Do not patch the Secret (ExternalSecret shop/es-f-source overwrites it): add it to the ExternalSecret's spec.data"},
			}},
		{name: "empty Secret owned by a failing SealedSecret",
			docs: []string{deployment("web", "containers: [{name: web, image: nginx, envFrom: [{secretRef: {name: sealed}}]}]\n"), `apiVersion: v1
kind: Secret
metadata:
  name: sealed
  namespace: shop
  ownerReferences: [{apiVersion: bitnami.com/v1alpha1, kind: SealedSecret, name: sealed, uid: ss-sealed, controller: true}]
`},
			custom: `apiVersion: bitnami.com/v1alpha1
kind: SealedSecret
metadata: {name: sealed, namespace: shop, uid: ss-sealed}
status:
  conditions:
  - {type: Synced, status: "False", message: "no key could decrypt secret (password)"}
`,
			want: []string{"secret-empty warning shop/Deployment/web sealed"},
			expect: producerExpect{
				message:     []string{"has no data at all; it is made by SealedSecret shop/sealed, which is not ready (Synced=False: no key could decrypt secret (password))"},
				remediation: []string{"re-seal the Secret"},
				fix:         []string{"kubeseal --fetch-cert"},
			}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			findings := analyzeWithCustom(t, strings.Join(append([]string{nsShop}, tc.docs...), "---\n"), tc.custom, nil)
			sameLines(t, brief(findings), tc.want)
			tc.expect.check(t, findings)
		})
	}
}

// The sealed-secrets controller names the Secret after the SealedSecret and
// puts it in the SealedSecret's namespace, whatever spec.template.metadata says.
func TestSealedSecretTargetIsItsOwnName(t *testing.T) {
	sealed := func(name, templateName string) string {
		return `apiVersion: bitnami.com/v1alpha1
kind: SealedSecret
metadata: {name: ` + name + `, namespace: shop, uid: ss-` + name + `}
spec:
  template:
    metadata: {name: ` + templateName + `, namespace: other}
status:
  conditions:
  - {type: Synced, status: "False", message: "no key could decrypt secret (password)"}
`
	}
	web := deployment("web", "containers: [{name: web, image: nginx}]\nvolumes: [{name: creds, secret: {secretName: db-credentials}}]\n")
	cases := []struct {
		name, custom string
		want         []string
	}{
		{"template names another Secret: the SealedSecret's own name wins", sealed("db-credentials", "something-else"),
			[]string{"secret-source-not-ready error shop/Deployment/web db-credentials"}},
		{"template names the missing Secret, the SealedSecret does not: not its producer", sealed("legacy", "db-credentials"),
			[]string{"secret-not-found error shop/Deployment/web db-credentials"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			sameLines(t, brief(analyzeWithCustom(t, nsShop+"---\n"+web, tc.custom, nil)), tc.want)
		})
	}
}

// A Certificate waiting on an issuer that does not exist stays Ready=False
// DoesNotExist, Issuing=True; its CertificateRequest (Ready=False Pending) and
// that request's IssuerNotFound events name the root cause.
func TestCertificateWaitingOnItsIssuer(t *testing.T) {
	web := deployment("web", "containers: [{name: web, image: nginx}]\nvolumes: [{name: tls, secret: {secretName: web-tls}}]\n")
	cert := func(issuerKind, issuer string) string {
		return `apiVersion: cert-manager.io/v1
kind: Certificate
metadata: {name: web-tls, namespace: shop, uid: cert-web}
spec:
  secretName: web-tls
  issuerRef: {name: ` + issuer + `, kind: ` + issuerKind + `}
status:
  conditions:
  - {type: Ready, status: "False", reason: DoesNotExist, message: Issuing certificate as Secret does not exist, lastTransitionTime: "2026-11-20T09:41:09Z"}
  - {type: Issuing, status: "True", reason: DoesNotExist, message: Issuing certificate as Secret does not exist, lastTransitionTime: "2026-11-20T09:41:09Z"}
`
	}
	request := func(name, revision, issuerKind, issuer, reason, message string) string {
		return `apiVersion: cert-manager.io/v1
kind: CertificateRequest
metadata:
  name: ` + name + `
  namespace: shop
  uid: cr-` + name + `
  creationTimestamp: "2026-11-20T09:41:10Z"
  annotations: {cert-manager.io/certificate-name: web-tls, cert-manager.io/certificate-revision: "` + revision + `"}
  ownerReferences: [{apiVersion: cert-manager.io/v1, kind: Certificate, name: web-tls, uid: cert-web, controller: true}]
spec:
  issuerRef: {name: ` + issuer + `, kind: ` + issuerKind + `, group: cert-manager.io}
status:
  conditions:
  - {type: Approved, status: "True", reason: cert-manager.io, message: Certificate request has been approved by cert-manager.io}
  - {type: Ready, status: "False", reason: ` + reason + `, message: '` + message + `', lastTransitionTime: "2026-11-20T09:41:10Z"}
`
	}
	clusterIssuerMissing := `Referenced "ClusterIssuer" not found: clusterissuer.cert-manager.io "letsencrypt-prod" not found`
	issuerEvent := func(source string) string {
		return eventDoc("cr-"+source, "CertificateRequest", "web-tls-1", "cr-web-tls-1", "Normal", "IssuerNotFound", "cert-manager-certificaterequests-issuer-"+source, clusterIssuerMissing, "2026-11-20T09:41:10Z", 1)
	}
	cases := []struct {
		name   string
		docs   []string
		custom string
		want   []string
		expect producerExpect
	}{
		{name: "ClusterIssuer missing: the request says so",
			docs:   []string{web, issuerEvent("acme"), issuerEvent("ca"), issuerEvent("selfsigned")},
			custom: cert("ClusterIssuer", "letsencrypt-prod") + "---\n" + request("web-tls-1", "1", "ClusterIssuer", "letsencrypt-prod", "Pending", clusterIssuerMissing),
			want:   []string{"secret-source-not-ready error shop/Deployment/web web-tls"},
			expect: producerExpect{
				message:     []string{"Certificate shop/web-tls is not ready: ClusterIssuer letsencrypt-prod does not exist (CertificateRequest web-tls-1 Ready=False Pending: Referenced \"ClusterIssuer\" not found"},
				evidence:    []string{"CertificateRequest web-tls-1: Normal IssuerNotFound (at 2026-11-20T09:41:10Z) cert-manager-certificaterequests-issuer-"},
				remediation: []string{"create ClusterIssuer letsencrypt-prod, or point the Certificate's spec.issuerRef at one that exists"},
			}},
		{name: "namespaced Issuer missing, older request Ready, newest request pending",
			docs: []string{web},
			custom: cert("Issuer", "ca-issuer") + "---\n" + request("web-tls-1", "1", "Issuer", "ca-issuer", "Issued", "Certificate fetched from issuer successfully") +
				"---\n" + request("web-tls-2", "2", "Issuer", "ca-issuer", "Pending", `Referenced "Issuer" not found: issuer.cert-manager.io "ca-issuer" not found`),
			want:   []string{"secret-source-not-ready error shop/Deployment/web web-tls"},
			expect: producerExpect{message: []string{"Issuer shop/ca-issuer does not exist (CertificateRequest web-tls-2 Ready=False Pending"}}},
		{name: "Issuer not Ready",
			docs:   []string{web},
			custom: cert("ClusterIssuer", "vault") + "---\n" + request("web-tls-1", "1", "ClusterIssuer", "vault", "Pending", "Referenced issuer does not have a Ready status condition"),
			want:   []string{"secret-source-not-ready error shop/Deployment/web web-tls"},
			expect: producerExpect{message: []string{"is not ready: ClusterIssuer vault is not Ready"}}},
		{name: "request waiting for approval is still progress",
			docs:   []string{web},
			custom: cert("ClusterIssuer", "letsencrypt-prod") + "---\n" + request("web-tls-1", "1", "ClusterIssuer", "letsencrypt-prod", "Pending", "Certificate issuance pending"),
			want:   []string{"secret-source-not-ready warning shop/Deployment/web web-tls"},
			expect: producerExpect{message: []string{"is still progressing (Ready=False DoesNotExist"}}},
		{name: "no request in the dump: still progressing",
			docs:   []string{web},
			custom: cert("ClusterIssuer", "letsencrypt-prod"),
			want:   []string{"secret-source-not-ready warning shop/Deployment/web web-tls"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			findings := analyzeWithRequests(t, strings.Join(append([]string{nsShop}, tc.docs...), "---\n"), tc.custom)
			sameLines(t, brief(findings), tc.want)
			tc.expect.check(t, findings)
		})
	}
}

// Each real cert-manager wording of a request stuck on its issuer.
func TestPendingCauses(t *testing.T) {
	cases := []struct {
		message, refKind, refName, cause string
	}{
		{`Referenced "ClusterIssuer" not found: clusterissuer.cert-manager.io "letsencrypt-prod" not found`, "ClusterIssuer", "letsencrypt-prod", "ClusterIssuer letsencrypt-prod does not exist"},
		{`Referenced "Issuer" not found: issuer.cert-manager.io "ca-issuer" not found`, "", "", "Issuer shop/ca-issuer does not exist"},
		{"Referenced issuer does not have a Ready status condition", "ClusterIssuer", "vault", "ClusterIssuer vault is not Ready"},
		{"Referenced issuer does not have a Ready status condition", "", "", "the Certificate's issuer is not Ready"},
		{"Certificate issuance pending", "Issuer", "x", ""},
		{"Not signing CertificateRequest until it is Approved", "Issuer", "x", ""},
	}
	for _, tc := range cases {
		cause, _, ok := pendingCause(tc.message, tc.refKind, tc.refName, "shop")
		if cause != tc.cause || ok != (tc.cause != "") {
			t.Errorf("%q: cause %q (%v), want %q", tc.message, cause, ok, tc.cause)
		}
	}
}

// Without custom resources (a cluster-info dump) the producer is known from
// events: its own, those of the request its "Created new CertificateRequest"
// event names, and ExternalSecret failures that name the target Secret.
func TestProducersFromEventsOnly(t *testing.T) {
	noSecrets := coverageStub{"Secret": "kubectl cluster-info dump holds no Secrets"}
	// A bare pod mounting the Secret, and the kubelet's FailedMount about it.
	mounts := func(secret string) []string {
		return []string{
			`apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop, uid: pod-web}
spec:
  containers: [{name: web, image: nginx}]
  volumes: [{name: creds, secret: {secretName: ` + secret + `}}]
status: {phase: Pending}
`,
			eventDoc("mount", "Pod", "web", "pod-web", "Warning", "FailedMount", "kubelet", `MountVolume.SetUp failed for volume "creds" : secret "`+secret+`" not found`, "2026-11-20T10:04:00Z", 12),
		}
	}
	long := `The certificate request has failed to complete and will be retried: Failed to wait for order resource "web-tls-1-3561198032" to become ready: order is in "invalid" state: ` + strings.Repeat("challenge failed for a reason cert-manager spells out at length ", 4)
	cases := []struct {
		name   string
		docs   []string
		want   []string
		expect producerExpect
	}{
		{name: "a long event is clipped, secretscan's note is not",
			docs: append(mounts("web-tls"), eventDoc("c1", "Certificate", "web-tls", "cert-web", "Warning", "Failed", "cert-manager-certificates-issuing", long, "2026-11-20T09:43:52Z", 1)),
			want: []string{"secret-source-not-ready error shop/Pod/web web-tls", "coverage-gap info /Secret/ "},
			expect: producerExpect{
				message:  []string{"... (from its events; the dump holds no Certificate objects)"},
				evidence: []string{"produces Secret web-tls (Failed: " + long[:60]},
			}},
		{name: "the request named by the Certificate's event waits on a missing ClusterIssuer",
			docs: append(mounts("web-tls"),
				eventDoc("c1", "Certificate", "web-tls", "cert-web", "Normal", "Requested", "cert-manager-certificates-request-manager", `Created new CertificateRequest resource "web-tls-1"`, "2026-11-20T09:41:10Z", 1),
				eventDoc("c2", "Certificate", "web-tls", "cert-web", "Normal", "Issuing", "cert-manager-certificates-trigger", "Issuing certificate as Secret does not exist", "2026-11-20T09:41:09Z", 1),
				eventDoc("r1", "CertificateRequest", "web-tls-1", "cr-1", "Normal", "IssuerNotFound", "cert-manager-certificaterequests-issuer-acme", `Referenced "ClusterIssuer" not found: clusterissuer.cert-manager.io "letsencrypt-prod" not found`, "2026-11-20T09:41:10Z", 1)),
			want: []string{"secret-source-not-ready error shop/Pod/web web-tls", "coverage-gap info /Secret/ "},
			expect: producerExpect{
				message:     []string{"Certificate shop/web-tls is not ready: ClusterIssuer letsencrypt-prod does not exist (CertificateRequest web-tls-1 IssuerNotFound:", "(from its events; the dump holds no Certificate objects)"},
				evidence:    []string{"CertificateRequest web-tls-1: Normal IssuerNotFound"},
				remediation: []string{"create ClusterIssuer letsencrypt-prod"},
			}},
		{name: "an ExternalSecret of another name whose failure names the Secret (creationPolicy Merge)",
			docs: append(mounts("stripe-keys"), eventDoc("e1", "ExternalSecret", "stripe-sync", "es-stripe", "Warning", "UpdateFailed", "external-secrets",
				"the desired secret stripe-keys was not found. With creationPolicy=Merge the secret won't be created", "2026-11-20T10:00:00Z", 9)),
			want: []string{"secret-source-not-ready error shop/Pod/web stripe-keys", "coverage-gap info /Secret/ "},
			expect: producerExpect{
				message:     []string{"because ExternalSecret shop/stripe-sync is not ready (UpdateFailed: the desired secret stripe-keys was not found"},
				remediation: []string{"Create Secret shop/stripe-keys: the ExternalSecret has spec.target.creationPolicy Merge"},
			}},
		{name: "an ExternalSecret failure naming another Secret is not this one's producer",
			docs: append(mounts("stripe-keys"), eventDoc("e1", "ExternalSecret", "stripe-sync", "es-stripe", "Warning", "UpdateFailed", "external-secrets",
				"unable to patch secret stripe-keys-v2: secrets \"stripe-keys-v2\" is forbidden", "2026-11-20T10:00:00Z", 9)),
			want: []string{"secret-not-found error shop/Pod/web stripe-keys", "coverage-gap info /Secret/ "}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			findings := analyze(t, strings.Join(append([]string{nsShop}, tc.docs...), "---\n"), noSecrets)
			sameLines(t, brief(findings), tc.want)
			tc.expect.check(t, findings)
		})
	}
}

// failedCoverage is a dump that collected everything but one producer kind,
// whose collection failed.
type failedCoverage struct{ kind, why string }

func (failedCoverage) Covers(kind, namespace, name string) (bool, string) { return true, "" }
func (f failedCoverage) CollectionFailed(kind string) (string, bool) {
	return f.why, kind == f.kind
}

// TestUnlistedProducerKind: a missing Secret with no producer found, where a
// producer kind could not be listed, notes that kind as a coverage gap (the
// Secret may be one such a resource should make); the finding stands.
func TestUnlistedProducerKind(t *testing.T) {
	docs := nsShop + `---
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop, uid: pod-web}
spec:
  containers:
  - name: web
    image: nginx
    envFrom: [{secretRef: {name: api-keys}}]
status: {phase: Pending}
`
	forbiddenLive := func(t *testing.T) []Finding {
		listKinds := map[schema.GroupVersionResource]string{}
		for _, pk := range producerKinds {
			for _, gvr := range pk.Resources {
				listKinds[gvr] = pk.Kind + "List"
			}
		}
		dyn := dynamicfake.NewSimpleDynamicClientWithCustomListKinds(runtime.NewScheme(), listKinds)
		dyn.PrependReactor("list", "externalsecrets", func(action k8stesting.Action) (bool, runtime.Object, error) {
			return true, nil, apierrors.NewForbidden(schema.GroupResource{Group: "external-secrets.io", Resource: "externalsecrets"}, "", errors.New("RBAC: access denied"))
		})
		res, err := Analyze(context.Background(), Cluster{Client: fake.NewSimpleClientset(objects(t, docs)...), Dynamic: dyn})
		if err != nil {
			t.Fatal(err)
		}
		return res.Findings
	}
	tests := []struct {
		name     string
		findings func(t *testing.T) []Finding
		why      string
	}{
		{"live cluster, list forbidden", forbiddenLive, "listing externalsecrets.external-secrets.io was forbidden"},
		{"bundle whose collection failed", func(t *testing.T) []Finding {
			return analyzeWithCustom(t, docs, "", failedCoverage{"ExternalSecret", "listing was forbidden"})
		}, "listing was forbidden"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			findings := tt.findings(t)
			sameLines(t, brief(findings), []string{"secret-not-found error shop/Pod/web api-keys", "coverage-gap info /ExternalSecret/ "})
			for _, f := range findings {
				if f.ID == CoverageGap && !strings.Contains(f.Message, tt.why) {
					t.Errorf("coverage-gap %q lacks %q", f.Message, tt.why)
				}
			}
		})
	}
}
