package analyzer

import (
	"strings"
	"testing"
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
