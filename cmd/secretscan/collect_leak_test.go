package main

import (
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"

	"github.com/secretscan/secretscan/internal/apiserver"
	"github.com/secretscan/secretscan/internal/dockerconfig"
)

// planted stands for a credential; the cluster serves it in every place a
// value can hide, and no form of it may reach the bundle.
const planted = "PLNT-6f1c2a9e7b3d4085"

// valueForms are the plain marker and its base64 at the three byte
// alignments (a value inside a larger base64 payload), with the characters
// that depend on the neighbouring bytes cut off.
func valueForms(s string) []string {
	forms := []string{s}
	for pad := 0; pad < 3; pad++ {
		enc := base64.StdEncoding.EncodeToString([]byte(strings.Repeat("\x00", pad) + s))
		start, end := (pad*8+5)/6, (pad+len(s))*8/6
		forms = append(forms, enc[start:end])
	}
	return forms
}

// leakyCluster plants the marker in Secret data and stringData, in
// last-applied-configuration annotations (of a Secret, a Deployment and a
// SealedSecret), in image pull Secret credentials (.dockerconfigjson,
// .dockercfg, and a docker config under the wrong type), in a TLS key, in env
// literals and args of a pod and its Deployment, in a SealedSecret's
// ciphertext, in nested template metadata (a pod template's, a SealedSecret's,
// an ExternalSecret's), in an ExternalSecret's template data, in a pull
// Secret's registry key (https://user:password@host), and in a crashing
// container's log.
func leakyCluster(t *testing.T) *testCluster {
	t.Helper()
	b64 := base64.StdEncoding.EncodeToString([]byte(planted))
	auth := base64.StdEncoding.EncodeToString([]byte("user-" + planted + ":" + planted))
	dockerJSON := base64.StdEncoding.EncodeToString([]byte(`{"auths":{"reg.example.com":{"username":"u` + planted + `","password":"` + planted + `","email":"` + planted + `@example.com","auth":"` + auth + `"}}}`))
	dockerCfg := base64.StdEncoding.EncodeToString([]byte(`{"old.example.com":{"auth":"` + auth + `","email":"` + planted + `"}}`))
	userinfoJSON := base64.StdEncoding.EncodeToString([]byte(`{"auths":{"https://u:` + planted + `@url.example.com":{"auth":"` + auth + `"}}}`))
	lastApplied := `'{"apiVersion":"v1","kind":"Secret","data":{"password":"` + b64 + `"},"stringData":{"token":"` + planted + `"}}'`
	dump := `apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Secret
  metadata:
    name: db
    namespace: shop
    annotations:
      kubectl.kubernetes.io/last-applied-configuration: ` + lastApplied + `
  data: {password: ` + b64 + `, username: ` + b64 + `}
  stringData: {token: ` + planted + `}
- apiVersion: v1
  kind: Secret
  metadata: {name: regcred, namespace: shop}
  type: kubernetes.io/dockerconfigjson
  data: {.dockerconfigjson: ` + dockerJSON + `}
- apiVersion: v1
  kind: Secret
  metadata: {name: oldcred, namespace: shop}
  type: kubernetes.io/dockercfg
  data: {.dockercfg: ` + dockerCfg + `}
- apiVersion: v1
  kind: Secret
  metadata: {name: opaquecred, namespace: shop}
  type: Opaque
  data: {.dockerconfigjson: ` + dockerJSON + `}
- apiVersion: v1
  kind: Secret
  metadata: {name: tls, namespace: shop}
  type: kubernetes.io/tls
  data: {tls.crt: ` + b64 + `, tls.key: ` + b64 + `}
- apiVersion: bitnami.com/v1alpha1
  kind: SealedSecret
  metadata:
    name: sealed
    namespace: shop
    annotations:
      kubectl.kubernetes.io/last-applied-configuration: '{"spec":{"encryptedData":{"password":"` + planted + `"}}}'
  spec:
    encryptedData: {password: ` + planted + `}
    template:
      metadata:
        annotations:
          kubectl.kubernetes.io/last-applied-configuration: '{"x":"` + planted + `"}'
      data: {extra: ` + planted + `}
- apiVersion: external-secrets.io/v1beta1
  kind: ExternalSecret
  metadata: {name: es, namespace: shop}
  spec:
    secretStoreRef: {name: vault, kind: SecretStore}
    target:
      name: es
      template:
        metadata:
          annotations:
            kubectl.kubernetes.io/last-applied-configuration: '{"x":"` + planted + `"}'
        data: {literal: ` + planted + `}
    data: [{secretKey: k, remoteRef: {key: k}}]
- apiVersion: v1
  kind: Secret
  metadata: {name: urlcred, namespace: shop}
  type: kubernetes.io/dockerconfigjson
  data: {.dockerconfigjson: ` + userinfoJSON + `}
- apiVersion: apps/v1
  kind: Deployment
  metadata:
    name: web
    namespace: shop
    annotations:
      kubectl.kubernetes.io/last-applied-configuration: '{"spec":{"template":{"spec":{"containers":[{"env":[{"name":"DB_PASSWORD","value":"` + planted + `"}]}]}}}}'
  spec:
    selector: {matchLabels: {app: web}}
    template:
      metadata:
        labels: {app: web}
        annotations:
          kubectl.kubernetes.io/last-applied-configuration: '{"x":"` + planted + `"}'
      spec:
        imagePullSecrets: [{name: regcred}]
        containers:
        - name: web
          image: reg.example.com/web:1
          args: ["--password=` + planted + `"]
          env:
          - {name: DB_PASSWORD, value: ` + planted + `}
          - {name: P, valueFrom: {secretKeyRef: {name: db, key: missing}}}
- apiVersion: v1
  kind: Pod
  metadata: {name: web-1, namespace: shop, labels: {app: web}}
  spec:
    imagePullSecrets: [{name: regcred}]
    containers:
    - name: web
      image: reg.example.com/web:1
      command: ["sh", "-c", "echo ` + planted + `"]
      env:
      - {name: DB_PASSWORD, value: ` + planted + `}
      - {name: P, valueFrom: {secretKeyRef: {name: db, key: missing}}}
  status:
    phase: Running
    containerStatuses:
    - name: web
      image: reg.example.com/web:1
      ready: false
      restartCount: 3
      state: {waiting: {reason: CrashLoopBackOff}}
      lastState: {terminated: {exitCode: 1, reason: Error}}
`
	path := filepath.Join(t.TempDir(), "dump.yaml")
	writeFile(t, path, dump)
	logs := apiserver.LogMap{
		{Namespace: "shop", Pod: "web-1", Container: "web"}:                 "connecting with password " + planted + "\nDB_PASSWORD=" + planted + "\n",
		{Namespace: "shop", Pod: "web-1", Container: "web", Previous: true}: "token " + b64 + "\n",
	}
	return startCluster(t, path, logs)
}

// TestCollectWritesNoSecretValue checks every file of the bundle, and every
// Secret value in it once decoded, for any form of the planted value.
func TestCollectWritesNoSecretValue(t *testing.T) {
	tc := leakyCluster(t)
	bundle := filepath.Join(t.TempDir(), "bundle.tar.gz")
	code, stdout, stderr := runCLI(t, "", "collect", "-A", "--kubeconfig", tc.kubeconfig, "-o", bundle)
	if code != 0 {
		t.Fatalf("collect: exit %d: %s", code, stderr)
	}
	forms := valueForms(planted)
	check := func(where, text string) {
		t.Helper()
		for _, form := range forms {
			if strings.Contains(text, form) {
				t.Errorf("%s holds a planted value (%q)", where, form)
			}
		}
	}
	check("collect's stdout", stdout)
	check("collect's stderr", stderr)
	members := readBundle(t, bundle)
	secrets := 0
	for name, text := range members {
		check(name, text)
		if !strings.Contains(name, "/objects/secrets/") {
			continue
		}
		var list corev1.SecretList
		if err := json.Unmarshal([]byte(text), &list); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, s := range list.Items {
			secrets++
			for key, value := range s.Data {
				check(name+" "+s.Name+"["+key+"] decoded", string(value))
				if key != corev1.DockerConfigJsonKey && key != corev1.DockerConfigKey && len(value) != 0 {
					t.Errorf("%s: Secret %s key %s keeps %d bytes of value", name, s.Name, key, len(value))
				}
			}
			if s.Annotations["kubectl.kubernetes.io/last-applied-configuration"] != "" {
				t.Errorf("Secret %s keeps last-applied-configuration", s.Name)
			}
		}
		// What is kept: key names, sizes, and a pull Secret's registries.
		for _, s := range list.Items {
			switch s.Name {
			case "db":
				if _, ok := s.Data["token"]; !ok || s.Annotations["secretscan.io/value-sizes"] != `{"password":21,"token":21,"username":21}` {
					t.Errorf("db: key names and sizes not kept: %v %v", s.Data, s.Annotations)
				}
			case "regcred":
				cfg, err := dockerconfig.Parse(s.Data[corev1.DockerConfigJsonKey], false)
				if err != nil || len(cfg.Entries) != 1 || cfg.Entries[0].Registry != "reg.example.com" || !cfg.Entries[0].Usable {
					t.Errorf("regcred: registries not kept: %+v %v", cfg, err)
				}
			case "urlcred":
				cfg, err := dockerconfig.Parse(s.Data[corev1.DockerConfigJsonKey], false)
				if err != nil || len(cfg.Entries) != 1 || cfg.Entries[0].Registry != "https://url.example.com" || !cfg.Entries[0].Usable {
					t.Errorf("urlcred: registry not kept without its userinfo: %+v %v", cfg, err)
				}
			}
		}
	}
	if secrets != 6 {
		t.Errorf("%d Secrets in the bundle, want 6", secrets)
	}
	// The bundle still says what is wrong.
	r := analyzeJSON(t, bundle)
	if len(findingsWith(r.Findings, "secret-key-not-found")) == 0 {
		t.Errorf("the analysis of the bundle should still find the missing key: %+v", r.Findings)
	}
	code, out, errOut := runCLI(t, "", "analyze", "-o", "wide", "--fail-on", "none", bundle)
	if code != 0 {
		t.Fatalf("analyze: exit %d: %s", code, errOut)
	}
	check("analyze's report of the bundle", out+errOut)
}

func writeFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
}
