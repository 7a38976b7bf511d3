package main

import (
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The marker stands for a Secret value; it must never reach any output.
const marker = "MRKR-d41d8cd98f00b204"

// leakyDump plants the marker everywhere a value can hide: data, stringData, a
// last-applied-configuration annotation, a pull Secret's credentials, a Secret
// that fails to decode, and an unknown apiVersion of Secret.
func leakyDump(t *testing.T) string {
	t.Helper()
	b64 := base64.StdEncoding.EncodeToString([]byte(marker))
	auth := base64.StdEncoding.EncodeToString([]byte("user-" + marker + ":" + marker))
	docker := base64.StdEncoding.EncodeToString([]byte(`{"auths":{"reg.example.com":{"username":"u` + marker + `","password":"` + marker + `","auth":"` + auth + `"}}}`))
	dump := `apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Secret
  metadata:
    name: db
    namespace: shop
    annotations:
      kubectl.kubernetes.io/last-applied-configuration: '{"apiVersion":"v1","kind":"Secret","data":{"password":"` + b64 + `"},"stringData":{"token":"` + marker + `"}}'
  data: {password: ` + b64 + `}
  stringData: {token: ` + marker + `}
- apiVersion: v1
  kind: Secret
  metadata: {name: regcred, namespace: shop}
  type: kubernetes.io/dockerconfigjson
  data: {.dockerconfigjson: ` + docker + `}
- apiVersion: v1
  kind: Secret
  metadata: {name: broken, namespace: shop}
  data: {password: [` + marker + `]}
- apiVersion: v9
  kind: Secret
  metadata: {name: odd, namespace: shop}
  data: {password: ` + b64 + `}
- apiVersion: apps/v1
  kind: Deployment
  metadata: {name: web, namespace: shop}
  spec:
    selector: {matchLabels: {app: web}}
    template:
      metadata: {labels: {app: web}}
      spec:
        imagePullSecrets: [{name: regcred}]
        containers:
        - name: web
          image: other.example.com/web:1
          env:
          - {name: P, valueFrom: {secretKeyRef: {name: db, key: missing}}}
          - {name: T, valueFrom: {secretKeyRef: {name: broken, key: password}}}
`
	path := filepath.Join(t.TempDir(), "dump.yaml")
	if err := os.WriteFile(path, []byte(dump), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestNoSecretValueInAnyOutput(t *testing.T) {
	dump := leakyDump(t)
	forms := []string{marker, base64.StdEncoding.EncodeToString([]byte(marker)), "d41d8cd98f00b204"}
	for _, format := range []string{"table", "wide", "json", "yaml", "markdown", "sarif", "html"} {
		code, stdout, stderr := runCLI(t, "", "analyze", "-o", format, "--fail-on", "none", dump)
		if code != 0 {
			t.Fatalf("-o %s: exit %d: %s", format, code, stderr)
		}
		for _, form := range forms {
			if strings.Contains(stdout, form) || strings.Contains(stderr, form) {
				t.Errorf("-o %s: a Secret value (%q) reached the output", format, form)
			}
		}
		if format == "json" && !strings.Contains(stdout, "secret-key-not-found") {
			t.Errorf("the analysis should still run: %s", stdout)
		}
	}
}
