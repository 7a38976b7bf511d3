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
		name string
		docs []string
		want []string
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
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			findings := analyze(t, nsShop+"---\n"+strings.Join(tc.docs, "---\n"), nil)
			sameLines(t, brief(findings), tc.want)
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
