package analyzer

import (
	"encoding/base64"
	"strings"
	"testing"
)

// pullSecret renders a pull Secret of namespace shop with a raw payload under key.
func pullSecret(name, typ, key, payload string) string {
	return "apiVersion: v1\nkind: Secret\nmetadata: {name: " + name + ", namespace: shop}\ntype: " + typ +
		"\ndata:\n  " + key + ": " + base64.StdEncoding.EncodeToString([]byte(payload)) + "\n"
}

func dockerConfig(registries ...string) string {
	auth := base64.StdEncoding.EncodeToString([]byte("robot:s3cr3t"))
	entries := make([]string, len(registries))
	for i, r := range registries {
		entries[i] = `"` + r + `":{"auth":"` + auth + `"}`
	}
	return `{"auths":{` + strings.Join(entries, ",") + `}}`
}

func appDeployment(pullSecrets, images string) string {
	spec := "containers:\n"
	for i, img := range strings.Split(images, ",") {
		spec += "- {name: c" + string(rune('0'+i)) + ", image: " + img + "}\n"
	}
	if pullSecrets != "" {
		spec += "imagePullSecrets:\n"
		for _, s := range strings.Split(pullSecrets, ",") {
			spec += "- {name: '" + s + "'}\n"
		}
	}
	return deployment("app", spec)
}

func TestImagePullSecrets(t *testing.T) {
	saWithPull := `apiVersion: v1
kind: ServiceAccount
metadata: {name: builder, namespace: shop}
imagePullSecrets: [{name: sa-regcred}]
`
	cases := []struct {
		name   string
		docs   []string
		custom string   // custom resources (producers), served by the dynamic client
		cov    Coverage // nil: every kind is in the dump
		want   []string
		// message and notMessage are texts the findings' messages must and must not hold.
		message, notMessage []string
	}{
		{
			name: "healthy: two private registries, each covered",
			docs: []string{pullSecret("a", "kubernetes.io/dockerconfigjson", ".dockerconfigjson", dockerConfig("https://reg-a.example.com/v1/")),
				pullSecret("b", "kubernetes.io/dockercfg", ".dockercfg", `{"reg-b.example.com:5000":{"username":"u","password":"p"}}`),
				appDeployment("a,b", "reg-a.example.com/team/app:1,reg-b.example.com:5000/tools/sidecar@sha256:"+strings.Repeat("a", 64))},
		},
		{
			name: "pull Secret missing, named by the template",
			docs: []string{appDeployment("regcred", "reg.example.com/app:1")},
			want: []string{"pull-secret-not-found error shop/Deployment/app regcred"},
		},
		{
			name: "pull Secret only in another namespace",
			docs: []string{strings.Replace(pullSecret("regcred", "kubernetes.io/dockerconfigjson", ".dockerconfigjson", dockerConfig("reg.example.com")), "namespace: shop", "namespace: payments", 1),
				appDeployment("regcred", "reg.example.com/app:1")},
			want:    []string{"pull-secret-not-found error shop/Deployment/app regcred"},
			message: []string{"a Secret of that name exists in namespace payments, but the kubelet reads pull Secrets from the pod's own namespace only"},
		},
		{
			name: "pull Secret missing, named by the ServiceAccount",
			docs: []string{saWithPull, strings.Replace(appDeployment("", "reg.example.com/app:1"), "containers:", "serviceAccountName: builder\n      containers:", 1)},
			want: []string{"pull-secret-not-found error shop/Deployment/app sa-regcred"},
		},
		{
			name: "unexpanded template variable",
			docs: []string{appDeployment("${IMAGE_PULL_SECRET}", "reg.example.com/app:1")},
			want: []string{"pull-secret-not-found error shop/Deployment/app ${IMAGE_PULL_SECRET}"},
		},
		{
			name: "Opaque Secret used as pull Secret",
			docs: []string{pullSecret("regcred", "Opaque", ".dockerconfigjson", dockerConfig("reg.example.com")), appDeployment("regcred", "reg.example.com/app:1")},
			want: []string{"pull-secret-wrong-type error shop/Deployment/app regcred"},
		},
		{
			name: "payload is not JSON",
			docs: []string{pullSecret("regcred", "kubernetes.io/dockerconfigjson", ".dockerconfigjson", `{"auths": {`), appDeployment("regcred", "reg.example.com/app:1")},
			want: []string{"pull-secret-malformed error shop/Deployment/app regcred"},
		},
		{
			name: ".dockerconfigjson without auths",
			docs: []string{pullSecret("regcred", "kubernetes.io/dockerconfigjson", ".dockerconfigjson", `{"reg.example.com":{"auth":"cm9ib3Q6cHc="}}`), appDeployment("regcred", "reg.example.com/app:1")},
			want: []string{"pull-secret-malformed error shop/Deployment/app regcred"},
		},
		{
			name: "auth that is not user:password",
			docs: []string{pullSecret("regcred", "kubernetes.io/dockerconfigjson", ".dockerconfigjson", `{"auths":{"reg.example.com":{"auth":"`+base64.StdEncoding.EncodeToString([]byte("tokenonly"))+`"}}}`), appDeployment("regcred", "reg.example.com/app:1")},
			want: []string{"pull-secret-malformed error shop/Deployment/app regcred"},
		},
		{
			name: "credentials for another registry, the pull fails",
			docs: []string{pullSecret("regcred", "kubernetes.io/dockerconfigjson", ".dockerconfigjson", dockerConfig("registry-1.docker.io")), appDeployment("regcred", "acme/private-app:2"),
				podOfApp("app-5c9d8f7b6-x1y2z", "acme/private-app:2", "regcred"),
				eventDoc("e1", "Pod", "app-5c9d8f7b6-x1y2z", "pod-app", "Warning", "Failed", "kubelet",
					`Failed to pull image "acme/private-app:2": failed to pull and unpack image "docker.io/acme/private-app:2": failed to resolve reference "docker.io/acme/private-app:2": pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed`, "2026-11-20T10:00:00Z", 5)},
			want: []string{"pull-secret-no-registry-match error shop/Deployment/app regcred"},
		},
		{
			name: "credentials sent and refused",
			docs: []string{pullSecret("regcred", "kubernetes.io/dockerconfigjson", ".dockerconfigjson", dockerConfig("reg.example.com")), appDeployment("regcred", "reg.example.com/app:1"),
				podOfApp("app-5c9d8f7b6-x1y2z", "reg.example.com/app:1", "regcred"),
				eventDoc("e1", "Pod", "app-5c9d8f7b6-x1y2z", "pod-app", "Warning", "Failed", "kubelet",
					`Failed to pull image "reg.example.com/app:1": rpc error: code = Unknown desc = failed to pull and unpack image "reg.example.com/app:1": failed to resolve reference "reg.example.com/app:1": unexpected status from HEAD request to https://reg.example.com/v2/app/manifests/1: 401 Unauthorized`, "2026-11-20T10:00:00Z", 5)},
			want: []string{"image-pull-auth-failed error shop/Deployment/app regcred"},
		},
		// An entry without credentials is what docker login leaves in
		// config.json with a credential store ({}), or an email-only entry
		// from an old "kubectl create secret docker-registry --docker-email".
		{
			name: "entry without credentials is the one the kubelet matches, the pull fails",
			docs: []string{pullSecret("regcred", "kubernetes.io/dockerconfigjson", ".dockerconfigjson", mixedConfig), appDeployment("regcred", "reg-b.example.com/team/app:1"),
				podOfApp("app-5c9d8f7b6-x1y2z", "reg-b.example.com/team/app:1", "regcred"),
				eventDoc("e1", "Pod", "app-5c9d8f7b6-x1y2z", "pod-app", "Warning", "Failed", "kubelet",
					`Failed to pull image "reg-b.example.com/team/app:1": failed to pull and unpack image "reg-b.example.com/team/app:1": failed to resolve reference "reg-b.example.com/team/app:1": unexpected status from HEAD request to https://reg-b.example.com/v2/team/app/manifests/1: 401 Unauthorized`, "2026-11-20T10:00:00Z", 5)},
			want:       []string{"pull-secret-malformed error shop/Deployment/app regcred"},
			message:    []string{`its entry "reg-b.example.com" has no usable credentials (no auth, username or password), and it is the entry the kubelet matches to reg-b.example.com/team/app:1`},
			notMessage: []string{"cover reg-a.example.com, reg-b.example.com", "cover reg-b"},
		},
		{
			name: "entry without credentials matched, CRI-O refusal",
			docs: []string{pullSecret("regcred", "kubernetes.io/dockercfg", ".dockercfg", `{"reg-b.example.com":{"email":"ci@example.com"},"reg-a.example.com":{"auth":"`+base64.StdEncoding.EncodeToString([]byte("robot:s3cr3t"))+`"}}`),
				appDeployment("regcred", "reg-b.example.com/team/app:1"),
				podOfApp("app-5c9d8f7b6-x1y2z", "reg-b.example.com/team/app:1", "regcred"),
				eventDoc("e1", "Pod", "app-5c9d8f7b6-x1y2z", "pod-app", "Warning", "Failed", "kubelet",
					`Failed to pull image "reg-b.example.com/team/app:1": initializing source docker://reg-b.example.com/team/app:1: reading manifest 1 in reg-b.example.com/team/app: unauthorized: authentication required`, "2026-11-20T10:00:00Z", 5)},
			want:    []string{"pull-secret-malformed error shop/Deployment/app regcred"},
			message: []string{`its entry "reg-b.example.com" has no usable credentials`},
		},
		{
			name:    "entry without credentials matched, no failure recorded: a warning",
			docs:    []string{pullSecret("regcred", "kubernetes.io/dockerconfigjson", ".dockerconfigjson", mixedConfig), appDeployment("regcred", "reg-b.example.com/team/app:1")},
			want:    []string{"pull-secret-malformed warning shop/Deployment/app regcred"},
			message: []string{"no pull failure is recorded"},
		},
		{
			name:    "entry without credentials that no image matches: a warning",
			docs:    []string{pullSecret("regcred", "kubernetes.io/dockerconfigjson", ".dockerconfigjson", mixedConfig), appDeployment("regcred", "reg-a.example.com/team/app:1")},
			want:    []string{"pull-secret-malformed warning shop/Deployment/app regcred"},
			message: []string{`its entry "reg-b.example.com" has no usable credentials (no auth, username or password); no image of the workload is matched to it`},
		},
		{
			name: "entry without credentials beside a usable one for the same image: a warning",
			docs: []string{pullSecret("regcred", "kubernetes.io/dockerconfigjson", ".dockerconfigjson", mixedConfig),
				pullSecret("b", "kubernetes.io/dockerconfigjson", ".dockerconfigjson", dockerConfig("reg-b.example.com")), appDeployment("regcred,b", "reg-b.example.com/team/app:1")},
			want:    []string{"pull-secret-malformed warning shop/Deployment/app regcred"},
			message: []string{"for reg-b.example.com/team/app:1 the kubelet also has credentials from b (reg-b.example.com)"},
		},
		{
			name: "no entry has credentials, the image's registry is another: entries without credentials cover nothing",
			docs: []string{pullSecret("regcred", "kubernetes.io/dockerconfigjson", ".dockerconfigjson", `{"auths":{"reg-b.example.com":{}}}`), appDeployment("regcred", "reg-c.example.com/app:1"),
				podOfApp("app-5c9d8f7b6-x1y2z", "reg-c.example.com/app:1", "regcred"),
				eventDoc("e1", "Pod", "app-5c9d8f7b6-x1y2z", "pod-app", "Warning", "Failed", "kubelet",
					`Failed to pull image "reg-c.example.com/app:1": failed to pull and unpack image "reg-c.example.com/app:1": failed to resolve reference "reg-c.example.com/app:1": pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed`, "2026-11-20T10:00:00Z", 5)},
			want:       []string{"pull-secret-no-registry-match error shop/Deployment/app regcred", "pull-secret-malformed warning shop/Deployment/app regcred"},
			message:    []string{"the pull Secrets hold usable credentials for no registry (entries without credentials, which cover nothing: reg-b.example.com in regcred)", "holds no usable credentials"},
			notMessage: []string{"cover reg-b"},
		},
		{
			name: "support bundle that redacted the registry name",
			docs: []string{bundlePullSecret("regcred", "***HIDDEN***"), appDeployment("regcred", "reg.example.com/app:1"),
				podOfApp("app-5c9d8f7b6-x1y2z", "reg.example.com/app:1", "regcred"),
				eventDoc("e1", "Pod", "app-5c9d8f7b6-x1y2z", "pod-app", "Warning", "Failed", "kubelet",
					`Failed to pull image "reg.example.com/app:1": failed to pull and unpack image "reg.example.com/app:1": failed to resolve reference "reg.example.com/app:1": unexpected status from HEAD request to https://reg.example.com/v2/app/manifests/1: 401 Unauthorized`, "2026-11-20T10:00:00Z", 5)},
			want:       []string{"image-pull-auth-failed error shop/Deployment/app "},
			message:    []string{"the support bundle redacted the registry names of pull Secret regcred to ***HIDDEN***, so whether it covers it cannot be judged"},
			notMessage: []string{"does not show the credentials"},
		},
		{
			name: "support bundle: one pull Secret redacted, one listed",
			docs: []string{bundlePullSecret("regcred", "***HIDDEN***"), bundlePullSecret("other", "reg-z.example.com"), appDeployment("regcred,other", "reg.example.com/app:1"),
				podOfApp("app-5c9d8f7b6-x1y2z", "reg.example.com/app:1", "regcred"),
				eventDoc("e1", "Pod", "app-5c9d8f7b6-x1y2z", "pod-app", "Warning", "Failed", "kubelet",
					`Failed to pull image "reg.example.com/app:1": failed to pull and unpack image "reg.example.com/app:1": failed to resolve reference "reg.example.com/app:1": unexpected status from HEAD request to https://reg.example.com/v2/app/manifests/1: 401 Unauthorized`, "2026-11-20T10:00:00Z", 5)},
			want:    []string{"image-pull-auth-failed error shop/Deployment/app "},
			message: []string{"redacted the registry names of pull Secret regcred to ***HIDDEN***", "it lists only the registries of pull Secret other, not their credentials"},
		},
		// Pull Secrets made by a controller resource that is not Ready.
		{
			name: "missing pull Secret of a failing ExternalSecret",
			docs: []string{appDeployment("regcred", "reg.example.com/app:1"), podOfApp("app-5c9d8f7b6-x1y2z", "reg.example.com/app:1", "regcred"),
				eventDoc("e1", "Pod", "app-5c9d8f7b6-x1y2z", "pod-app", "Warning", "FailedToRetrieveImagePullSecret", "kubelet",
					`Unable to retrieve some image pull secrets (regcred); attempting to pull the image may not succeed.`, "2026-11-20T10:00:00Z", 12),
				eventDoc("e2", "Pod", "app-5c9d8f7b6-x1y2z", "pod-app", "Warning", "Failed", "kubelet",
					`Failed to pull image "reg.example.com/app:1": failed to pull and unpack image "reg.example.com/app:1": failed to resolve reference "reg.example.com/app:1": pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed`, "2026-11-20T10:00:00Z", 5)},
			custom:  externalSecretFor("regcred", "False", "SecretSyncedError", "could not get secret data from provider"),
			want:    []string{"secret-source-not-ready error shop/Deployment/app regcred"},
			message: []string{"image pull Secret shop/regcred, named by the pod template, is missing because ExternalSecret shop/regcred is not ready (Ready=False SecretSyncedError: could not get secret data from provider)"},
		},
		{
			name:    "missing pull Secret of a SealedSecret still progressing: a warning",
			docs:    []string{appDeployment("regcred", "reg.example.com/app:1")},
			custom:  "apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata: {name: regcred, namespace: shop}\nspec:\n  encryptedData: {.dockerconfigjson: AgBy3i4OJSWK}\n",
			want:    []string{"secret-source-not-ready warning shop/Deployment/app regcred"},
			message: []string{"does not exist yet: SealedSecret shop/regcred is still progressing"},
		},
		{
			name:    "missing pull Secret whose ExternalSecret is Ready: deleted after the last sync",
			docs:    []string{appDeployment("regcred", "reg.example.com/app:1")},
			custom:  externalSecretFor("regcred", "True", "SecretSynced", "secret synced"),
			want:    []string{"pull-secret-not-found error shop/Deployment/app regcred"},
			message: []string{"ExternalSecret shop/regcred reports Ready"},
		},
		{
			name: "cluster-info dump: the kubelet says the pull Secret is missing, the ExternalSecret's events say why",
			docs: []string{appDeployment("regcred", "reg.example.com/app:1"), podOfApp("app-5c9d8f7b6-x1y2z", "reg.example.com/app:1", "regcred"),
				eventDoc("e1", "Pod", "app-5c9d8f7b6-x1y2z", "pod-app", "Warning", "FailedToRetrieveImagePullSecret", "kubelet",
					`Unable to retrieve some image pull secrets (regcred); attempting to pull the image may not succeed.`, "2026-11-20T10:00:00Z", 12),
				eventDoc("e2", "ExternalSecret", "regcred", "es-regcred", "Warning", "UpdateFailed", "external-secrets",
					`error retrieving secret at .data[0], key: shop/registry, err: Secret does not exist`, "2026-11-20T10:00:00Z", 30)},
			cov:     coverageStub{"Secret": "kubectl cluster-info dump holds no Secrets"},
			want:    []string{"secret-source-not-ready error shop/Deployment/app regcred", "coverage-gap info /Secret/ "},
			message: []string{"is missing because ExternalSecret shop/regcred is not ready (UpdateFailed: error retrieving secret"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			findings := analyzeWithCustom(t, nsShop+"---\n"+strings.Join(tc.docs, "---\n"), tc.custom, tc.cov)
			sameLines(t, brief(findings), tc.want)
			var messages []string
			for _, f := range findings {
				messages = append(messages, f.Message)
			}
			all := strings.Join(messages, "\n")
			for _, m := range tc.message {
				if !strings.Contains(all, m) {
					t.Errorf("no message holds %q:\n%s", m, all)
				}
			}
			for _, m := range tc.notMessage {
				if strings.Contains(all, m) {
					t.Errorf("a message holds %q:\n%s", m, all)
				}
			}
			for _, f := range findings {
				for _, leak := range []string{"s3cr3t", "cm9ib3Q6czNjcjN0", "robot"} {
					if strings.Contains(f.Message+strings.Join(f.Evidence, ""), leak) {
						t.Errorf("%s leaks a credential: %s", f.ID, f.Message)
					}
				}
			}
		})
	}
}

func podOfApp(name, image, pullSecret string) string {
	return `apiVersion: v1
kind: Pod
metadata:
  name: ` + name + `
  namespace: shop
  uid: pod-app
  labels: {app: app, pod-template-hash: 5c9d8f7b6}
  ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: app-5c9d8f7b6, uid: rs-app, controller: true}]
spec:
  containers: [{name: c0, image: "` + image + `"}]
  imagePullSecrets: [{name: ` + pullSecret + `}]
status:
  phase: Pending
  containerStatuses:
  - name: c0
    ready: false
    restartCount: 0
    image: "` + image + `"
    imageID: ""
    state: {waiting: {reason: ImagePullBackOff, message: 'Back-off pulling image "` + image + `"'}}
`
}

// Without Secrets in the dump, the kubelet's own keyring error still tells a
// malformed pull Secret apart, when the pod names only one.
func TestMalformedPullSecretFromEvents(t *testing.T) {
	docs := []string{appDeployment("regcred", "reg.example.com/app:1"),
		podOfApp("app-5c9d8f7b6-x1y2z", "reg.example.com/app:1", "regcred"),
		eventDoc("e1", "Pod", "app-5c9d8f7b6-x1y2z", "pod-app", "Warning", "Failed", "kubelet",
			`Failed to pull image "reg.example.com/app:1": unable to parse auth field, must be formatted as base64(username:password)`, "2026-11-20T10:00:00Z", 5)}
	findings := analyze(t, nsShop+"---\n"+strings.Join(docs, "---\n"), coverageStub{"Secret": "kubectl cluster-info dump holds no Secrets"})
	sameLines(t, brief(findings), []string{"pull-secret-malformed error shop/Deployment/app regcred", "coverage-gap info /Secret/ "})
}

// mixedConfig has credentials for reg-a.example.com and an entry for
// reg-b.example.com without any, as docker login writes with a credential store.
var mixedConfig = `{"auths":{"reg-a.example.com":{"auth":"` + base64.StdEncoding.EncodeToString([]byte("robot:s3cr3t")) + `"},"reg-b.example.com":{}},"credsStore":"desktop"}`

// bundlePullSecret is a pull Secret as the loader rebuilds it from a
// troubleshoot bundle's image-pull-secrets record: the registry only.
func bundlePullSecret(name, registry string) string {
	return "apiVersion: v1\nkind: Secret\nmetadata: {name: " + name + ", namespace: shop, annotations: {secretscan.io/values: registries-only}}\ntype: kubernetes.io/dockerconfigjson\n" +
		"data:\n  .dockerconfigjson: " + base64.StdEncoding.EncodeToString([]byte(`{"auths":{"`+registry+`":{"auth":"cGxhY2Vob2xkZXI6cGxhY2Vob2xkZXI="}}}`)) + "\n"
}

func externalSecretFor(target, status, reason, message string) string {
	return `apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata: {name: ` + target + `, namespace: shop, uid: es-` + target + `}
spec:
  secretStoreRef: {name: vault, kind: SecretStore}
  target: {name: ` + target + `, template: {type: kubernetes.io/dockerconfigjson}}
status:
  conditions:
  - {type: Ready, status: "` + status + `", reason: ` + reason + `, message: ` + message + `, lastTransitionTime: "2026-11-20T09:00:00Z"}
`
}

// Who named a pull Secret found in a pod's spec: admission copies the
// ServiceAccount's list into a pod whose template lists none, so in a dump
// without ServiceAccounts only the template can tell.
func TestPullSecretSourceWithoutServiceAccounts(t *testing.T) {
	const nsOnly = "apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n"
	noSAs := coverageStub{"Secret": "kubectl cluster-info dump holds no Secrets", "ServiceAccount": "kubectl cluster-info dump holds no ServiceAccounts"}
	missing := eventDoc("e1", "Pod", "app-5c9d8f7b6-x1y2z", "pod-app", "Warning", "FailedToRetrieveImagePullSecret", "kubelet",
		`Unable to retrieve some image pull secrets (worker-pull); attempting to pull the image may not succeed.`, "2026-11-20T10:00:00Z", 12)
	barePod := strings.Replace(strings.Replace(podOfApp("app-5c9d8f7b6-x1y2z", "reg.example.com/app:1", "worker-pull"),
		"  ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: app-5c9d8f7b6, uid: rs-app, controller: true}]\n", "", 1),
		"labels: {app: app, pod-template-hash: 5c9d8f7b6}", "labels: {run: app}", 1)
	cases := []struct {
		name string
		docs []string
		want string // the finding's message holds this
	}{
		{name: "template in the dump lists none: the ServiceAccount's",
			docs: []string{appDeployment("", "reg.example.com/app:1"), podOfApp("app-5c9d8f7b6-x1y2z", "reg.example.com/app:1", "worker-pull"), missing},
			want: "named by ServiceAccount default (the pod template lists no imagePullSecrets, so admission copied it from the ServiceAccount)"},
		{name: "template in the dump lists it: the template's",
			docs: []string{appDeployment("worker-pull", "reg.example.com/app:1"), podOfApp("app-5c9d8f7b6-x1y2z", "reg.example.com/app:1", "worker-pull"), missing},
			want: "named by the pod template, does not exist"},
		{name: "bare pod: cannot be told",
			docs: []string{barePod, missing},
			want: "named by the pod spec or ServiceAccount default (admission copies a ServiceAccount's imagePullSecrets into a pod that lists none"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			findings := analyze(t, nsOnly+"---\n"+strings.Join(tc.docs, "---\n"), noSAs)
			var got []string
			for _, f := range findings {
				if f.ID == PullSecretNotFound {
					got = append(got, f.Message)
				}
			}
			if len(got) != 1 || !strings.Contains(got[0], tc.want) {
				t.Errorf("pull-secret-not-found messages %q, want one holding %q", got, tc.want)
			}
		})
	}
}

// A pod pulls with the imagePullSecrets it was created with: admission copies
// the ServiceAccount's list into a pod only at creation, and a template edit
// reaches only new pods. A refusal of such a pod is not blamed on credentials
// it never sent; the fix is to recreate the pods.
func TestPullSecretsThePodNeverGot(t *testing.T) {
	builderSA := `apiVersion: v1
kind: ServiceAccount
metadata: {name: builder, namespace: shop}
imagePullSecrets: [{name: sa-pull}]
`
	saPull := pullSecret("sa-pull", "kubernetes.io/dockerconfigjson", ".dockerconfigjson", dockerConfig("reg.example.com"))
	regcred := pullSecret("regcred", "kubernetes.io/dockerconfigjson", ".dockerconfigjson", dockerConfig("reg.example.com"))
	asBuilder := func(doc string) string {
		return strings.Replace(doc, "containers:", "serviceAccountName: builder\n      containers:", 1)
	}
	// pod renders app's pod running as builder with the given own list ("" for none).
	pod := func(list string) string {
		doc := podOfApp("app-5c9d8f7b6-x1y2z", "reg.example.com/app:1", "x")
		doc = strings.Replace(doc, "spec:\n", "spec:\n  serviceAccountName: builder\n", 1)
		if list == "" {
			return strings.Replace(doc, "  imagePullSecrets: [{name: x}]\n", "", 1)
		}
		return strings.Replace(doc, "{name: x}", "{name: "+list+"}", 1)
	}
	refused := eventDoc("e1", "Pod", "app-5c9d8f7b6-x1y2z", "pod-app", "Warning", "Failed", "kubelet",
		`Failed to pull image "reg.example.com/app:1": failed to pull and unpack image "reg.example.com/app:1": failed to resolve reference "reg.example.com/app:1": pull access denied, repository does not exist or may require authorization: authorization failed: no basic auth credentials`, "2026-11-20T10:00:00Z", 5)
	cases := []struct {
		name                string
		docs                []string
		want                string
		message, notMessage string
		fix                 string
	}{
		{
			name:       "the ServiceAccount's pull Secret was added after the pod was created",
			docs:       []string{builderSA, saPull, asBuilder(appDeployment("", "reg.example.com/app:1")), pod(""), refused},
			want:       "image-pull-auth-failed error shop/Deployment/app sa-pull",
			message:    "the ServiceAccount admission plugin copies ServiceAccount builder's imagePullSecrets into a pod only when the pod is created, and the pod predates the entry",
			notMessage: "were sent",
			fix:        "kubectl rollout restart deployment app -n shop",
		},
		{
			name:       "the template's pull Secret was added after the pod was created",
			docs:       []string{regcred, appDeployment("regcred", "reg.example.com/app:1"), strings.Replace(pod(""), "  serviceAccountName: builder\n", "", 1), refused},
			want:       "image-pull-auth-failed error shop/Deployment/app regcred",
			message:    "the pod was made from an earlier pod template",
			notMessage: "were sent",
			fix:        "kubectl rollout restart deployment app -n shop",
		},
		{
			name:       "the pod holds the ServiceAccount's pull Secret: its credentials were sent",
			docs:       []string{builderSA, saPull, asBuilder(appDeployment("", "reg.example.com/app:1")), pod("sa-pull"), refused},
			want:       "image-pull-auth-failed error shop/Deployment/app sa-pull",
			message:    "although credentials from sa-pull (reg.example.com) were sent",
			notMessage: "only when the pod is created",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			findings := analyze(t, nsShop+"---\n"+strings.Join(tc.docs, "---\n"), nil)
			sameLines(t, brief(findings), []string{tc.want})
			if len(findings) != 1 {
				return
			}
			f := findings[0]
			if !strings.Contains(f.Message, tc.message) || strings.Contains(f.Message, tc.notMessage) {
				t.Errorf("message %q: want %q, never %q", f.Message, tc.message, tc.notMessage)
			}
			var fix []string
			if f.Commands != nil {
				fix = f.Commands.Fix
			}
			if tc.fix != "" && !containsString(fix, tc.fix) {
				t.Errorf("fix = %v, want %q", fix, tc.fix)
			}
			if strings.Contains(f.Remediation, "Refresh the registry credentials") && tc.fix != "" {
				t.Errorf("remediation blames the credentials: %s", f.Remediation)
			}
		})
	}
}

// A pull Secret the kubelet could not retrieve, created after the failures (or,
// without Secrets in the dump, one the pods have run since): the refusals of
// that time went without its credentials, and the problem has cleared.
func TestPullSecretCreatedAfterFailures(t *testing.T) {
	regcred := func(created string) string {
		return strings.Replace(pullSecret("regcred", "kubernetes.io/dockerconfigjson", ".dockerconfigjson", dockerConfig("reg.example.com")),
			"namespace: shop}", "namespace: shop, creationTimestamp: \""+created+"\"}", 1)
	}
	pod := func(status string) string {
		doc := podOfApp("app-5c9d8f7b6-x1y2z", "reg.example.com/app:1", "regcred")
		return doc[:strings.Index(doc, "status:\n")] + "status:\n" + indent(status, "  ")
	}
	running := "phase: Running\ncontainerStatuses:\n- {name: c0, ready: true, restartCount: 0, image: \"reg.example.com/app:1\", imageID: x, state: {running: {startedAt: \"2026-11-20T09:25:00Z\"}}}\n"
	waiting := "phase: Pending\ncontainerStatuses:\n- {name: c0, ready: false, restartCount: 0, image: \"reg.example.com/app:1\", imageID: \"\", state: {waiting: {reason: ImagePullBackOff, message: 'Back-off pulling image \"reg.example.com/app:1\"'}}}\n"
	events := []string{
		eventDoc("e1", "Pod", "app-5c9d8f7b6-x1y2z", "pod-app", "Warning", "FailedToRetrieveImagePullSecret", "kubelet",
			`Unable to retrieve some image pull secrets (regcred); attempting to pull the image may not succeed.`, "2026-11-20T09:20:00Z", 5),
		eventDoc("e2", "Pod", "app-5c9d8f7b6-x1y2z", "pod-app", "Warning", "Failed", "kubelet",
			`Failed to pull image "reg.example.com/app:1": failed to pull and unpack image "reg.example.com/app:1": failed to resolve reference "reg.example.com/app:1": pulling from host reg.example.com failed with status code [manifests 1]: 401 Unauthorized`, "2026-11-20T09:20:00Z", 5),
	}
	noSecrets := coverageStub{"Secret": "kubectl cluster-info dump holds no Secrets"}
	cases := []struct {
		name        string
		docs        []string
		cov         Coverage
		want        []string
		wantMessage string
	}{
		{
			name:        "created after the last failure, the pod runs since",
			docs:        []string{regcred("2026-11-20T09:21:00Z"), pod(running)},
			want:        []string{"secret-created-after-failure info shop/Deployment/app regcred"},
			wantMessage: "exists (created 2026-11-20T09:21:00Z); the kubelet could not retrieve it until 2026-11-20T09:20:00Z, so the pulls refused until then went without its credentials",
		},
		{
			name:        "without Secrets in the dump: the pod runs since the failures",
			docs:        []string{pod(running)},
			cov:         noSecrets,
			want:        []string{"coverage-gap info /Secret/ ", "secret-created-after-failure info shop/Deployment/app regcred"},
			wantMessage: "could not be retrieved until 2026-11-20T09:20:00Z; the pods have run since, so it was probably created then (from events: kubectl cluster-info dump holds no Secrets)",
		},
		{
			name: "without Secrets in the dump, the pod still waits: missing",
			docs: []string{pod(waiting)},
			cov:  noSecrets,
			want: []string{"pull-secret-not-found error shop/Deployment/app regcred"},
		},
		{
			name:        "created before the failures: the credentials were sent and refused",
			docs:        []string{regcred("2026-11-20T08:00:00Z"), pod(waiting)},
			want:        []string{"image-pull-auth-failed error shop/Deployment/app regcred"},
			wantMessage: "although credentials from regcred (reg.example.com) were sent",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			docs := append([]string{nsShop, appDeployment("regcred", "reg.example.com/app:1")}, tc.docs...)
			findings := analyze(t, strings.Join(append(docs, events...), "---\n"), tc.cov)
			sameLines(t, brief(findings), tc.want)
			for _, f := range findings {
				if f.ID != CoverageGap && !strings.Contains(f.Message, tc.wantMessage) {
					t.Errorf("message %q lacks %q", f.Message, tc.wantMessage)
				}
			}
		})
	}
}
