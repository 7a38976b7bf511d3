package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"encoding/hex"
	"os"
	"strings"
	"testing"

	"github.com/secretscan/secretscan/report"
)

// The markers stand for Secret values; they must never reach any output.
const (
	marker = "MRKR-d41d8cd98f00b204"
	// markerTail is part of marker: found in any text that holds marker decoded.
	markerTail = "d41d8cd98f00b204"
	// numericMarker is a value that YAML reads as a number, which decoders
	// quote in their errors ("cannot unmarshal number 4815162342").
	numericMarker = "4815162342"
)

// leakForms are the forms a planted value could take in an output.
func leakForms() []string {
	auth := "user-" + marker + ":" + marker
	return []string{
		marker, markerTail, numericMarker,
		base64.StdEncoding.EncodeToString([]byte(marker)),
		base64.URLEncoding.EncodeToString([]byte(marker)),
		base64.RawStdEncoding.EncodeToString([]byte(marker)),
		hex.EncodeToString([]byte(marker)),
		base64.StdEncoding.EncodeToString([]byte(auth)),
		base64.StdEncoding.EncodeToString([]byte(numericMarker)),
	}
}

// dockerConfig is a .dockerconfigjson payload whose username, password and
// auth hold the marker, base64-encoded as in a Secret's data.
func dockerConfig() string {
	auth := base64.StdEncoding.EncodeToString([]byte("user-" + marker + ":" + marker))
	return base64.StdEncoding.EncodeToString([]byte(`{"auths":{"reg.example.com":{"username":"u` + marker + `","password":"` + marker + `","auth":"` + auth + `","email":"` + marker + `@example.com"}}}`))
}

// leakyKubectl plants the marker everywhere a value can hide in kubectl
// output: data, stringData, a last-applied-configuration annotation, a pull
// Secret's credentials, values that do not decode (not base64, numbers, the
// wrong type), an unknown apiVersion of Secret, and Secrets in documents
// that are themselves damaged.
func leakyKubectl(t *testing.T, dir string) string {
	t.Helper()
	b64 := base64.StdEncoding.EncodeToString([]byte(marker))
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
      openshift.io/token-secret.value: ` + marker + `
  data: {password: ` + b64 + `}
  stringData: {token: ` + marker + `, pin: ` + numericMarker + `}
- apiVersion: v1
  kind: Secret
  metadata: {name: regcred, namespace: shop}
  type: kubernetes.io/dockerconfigjson
  data: {.dockerconfigjson: ` + dockerConfig() + `}
- apiVersion: v1
  kind: Secret
  metadata: {name: oldcred, namespace: shop}
  type: kubernetes.io/dockercfg
  data: {.dockercfg: ` + base64.StdEncoding.EncodeToString([]byte(`{"reg.example.com":{"username":"`+marker+`","password":"`+marker+`"}}`)) + `}
- apiVersion: v1
  kind: Secret
  metadata: {name: broken, namespace: shop}
  data: {password: [` + marker + `], raw: "` + marker + `!!", pin: ` + numericMarker + `}
- apiVersion: v1
  kind: Secret
  metadata: {name: wrongtype, namespace: shop}
  data: ` + marker + `
- apiVersion: v1
  kind: Secret
  metadata: {name: numbers, namespace: shop}
  data: {pin: ` + numericMarker + `}
  stringData: [` + numericMarker + `]
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
        imagePullSecrets: [{name: regcred}, {name: oldcred}]
        containers:
        - name: web
          image: other.example.com/web:1
          env:
          - {name: P, valueFrom: {secretKeyRef: {name: db, key: missing}}}
          - {name: T, valueFrom: {secretKeyRef: {name: broken, key: password}}}
---
apiVersion: v1
kind: Secret
metadata: {name: damaged, namespace: shop}
data:
  password: ` + b64 + `
  token: "` + marker + `
---
apiVersion: v1
kind: Secret
metadata: {name: damaged2, namespace: shop}
data: {password: ` + marker + `: ` + marker + `}
---
apiVersion: v1
kind: Secret
metadata: &m {name: alias, namespace: shop}
data: {password: *` + marker + `}
`
	return write(t, dir, "dump.yaml", []byte(dump))
}

// leakyJSON: the same in JSON, with damage next to the values.
func leakyJSON(t *testing.T, dir string) string {
	t.Helper()
	b64 := base64.StdEncoding.EncodeToString([]byte(marker))
	dump := `{"apiVersion":"v1","kind":"SecretList","items":[
{"metadata":{"name":"db","namespace":"shop"},"data":{"password":"` + b64 + `"},"stringData":{"t":"` + marker + `"}},
{"metadata":{"name":"bad","namespace":"shop"},"data":{"password":"` + marker + `"}},
{"metadata":{"name":"num","namespace":"shop"},"data":{"pin":` + numericMarker + `}},
{"metadata":{"name":"syntax","namespace":"shop"},"data":{"password":"` + b64 + `" "x":` + marker + `}},
{"metadata":{"name":"wrapped","namespace":"shop"},"data":{"password":"` + b64[:8] + `
` + b64[8:] + `"}}
]}
{"apiVersion":"v1","kind":"Secret","metadata":{"name":"cut","namespace":"shop"},"data":{"password":"` + b64
	return write(t, dir, "dump.json", []byte(dump))
}

// leakyMustGather: oc adm inspect writes "<N> bytes long" for each value but
// tls.crt, ca.crt and service-ca.crt, whose real values it keeps.
func leakyMustGather(t *testing.T, dir string) string {
	t.Helper()
	b64 := base64.StdEncoding.EncodeToString([]byte(marker))
	elided := base64.StdEncoding.EncodeToString([]byte("21 bytes long"))
	secrets := `apiVersion: v1
items:
- apiVersion: v1
  data:
    ca.crt: ` + b64 + `
    password: ` + elided + `
    tls.crt: ` + b64 + `
    tls.key: ` + elided + `
  kind: Secret
  metadata:
    annotations:
      kubectl.kubernetes.io/last-applied-configuration: '{"data":{"tls.key":"` + b64 + `"}}'
    name: web-tls
    namespace: shop
  type: kubernetes.io/tls
- apiVersion: v1
  data:
    .dockerconfigjson: ` + dockerConfig() + `
    leaked: ` + b64 + `
  kind: Secret
  metadata: {name: regcred, namespace: shop}
  type: kubernetes.io/dockerconfigjson
kind: SecretList
metadata: {resourceVersion: ""}
`
	pods := `apiVersion: v1
items:
- apiVersion: v1
  kind: Pod
  metadata: {name: web-1, namespace: shop}
  spec:
    containers:
    - name: web
      image: reg.example.com/web:1
      env:
      - {name: K, valueFrom: {secretKeyRef: {name: web-tls, key: missing}}}
kind: PodList
metadata: {resourceVersion: ""}
`
	root := "must-gather.local.1/quay-io-openshift-must-gather-sha256/"
	return writeLeakyTarGz(t, dir, "must-gather.tar.gz", map[string]string{
		root + "timestamp":                           "2026-11-20 10:00:00\n",
		root + "namespaces/shop/shop.yaml":           "apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n",
		root + "namespaces/shop/core/secrets.yaml":   secrets,
		root + "namespaces/shop/core/pods.yaml":      pods,
		root + "namespaces/shop/core/secrets/x.yaml": "apiVersion: v1\nkind: Secret\nmetadata: {name: x, namespace: shop}\ndata: {k: " + b64 + "}\n",
	})
}

// leakyTroubleshoot: a support bundle's secret collector with includeValue
// writes the value (value, data), and its image-pull-secrets records name a
// username.
func leakyTroubleshoot(t *testing.T, dir string) string {
	t.Helper()
	root := "support-bundle/"
	pods := `{"kind":"PodList","apiVersion":"v1","items":[{"metadata":{"name":"web-1","namespace":"shop"},"spec":{"imagePullSecrets":[{"name":"regcred"}],"containers":[{"name":"web","image":"reg.example.com/web:1","env":[{"name":"K","valueFrom":{"secretKeyRef":{"name":"db","key":"missing"}}}]}]}}]}`
	return writeLeakyTarGz(t, dir, "bundle.tar.gz", map[string]string{
		root + "version.yaml":                                           "apiVersion: troubleshoot.sh/v1beta2\nkind: SupportBundle\n",
		root + "cluster-resources/namespaces.json":                      `{"kind":"NamespaceList","apiVersion":"v1","items":[{"metadata":{"name":"shop"}}]}`,
		root + "cluster-resources/pods/shop.json":                       pods,
		root + "cluster-resources/image-pull-secrets/shop/regcred.json": `{"reg.example.com":"` + marker + `"}`,
		root + "secrets/shop/db/password.json":                          `{"namespace":"shop","name":"db","key":"password","secretExists":true,"keyExists":true,"value":"` + marker + `"}`,
		root + "secrets/shop/db.json":                                   `{"namespace":"shop","name":"db","secretExists":true,"data":{"password":"` + marker + `","token":"` + base64.StdEncoding.EncodeToString([]byte(marker)) + `"}}`,
		root + "secrets/shop/other.json":                                `{"namespace":"shop","name":"other","secretExists":"` + marker + `","value":"` + marker + `"}`,
		root + "secrets-errors/shop/x.json":                             `["secrets \"` + marker + `\" is forbidden"]`,
	})
}

func writeLeakyTarGz(t *testing.T, dir, name string, files map[string]string) string {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	tw := tar.NewWriter(zw)
	for _, n := range sortedNames(files) {
		if err := tw.WriteHeader(&tar.Header{Name: n, Mode: 0o600, Size: int64(len(files[n])), Typeflag: tar.TypeReg}); err != nil {
			t.Fatal(err)
		}
		tw.Write([]byte(files[n]))
	}
	tw.Close()
	zw.Close()
	return write(t, dir, name, b.Bytes())
}

func TestNoSecretValueInAnyOutput(t *testing.T) {
	dir := t.TempDir()
	inputs := []struct {
		name, path string
		want       string // a finding ID the analysis must still report
	}{
		{"kubectl yaml", leakyKubectl(t, dir), "secret-key-not-found"},
		{"kubectl json", leakyJSON(t, dir), ""},
		{"must-gather", leakyMustGather(t, dir), "secret-key-not-found"},
		{"support bundle", leakyTroubleshoot(t, dir), "coverage-gap"},
	}
	for _, in := range inputs {
		for _, format := range report.Formats {
			code, stdout, stderr := runCLI(t, "", "analyze", "-o", format, "--fail-on", "none", in.path)
			if code != 0 {
				t.Fatalf("%s -o %s: exit %d: %s", in.name, format, code, stderr)
			}
			checkNoLeak(t, in.name+" -o "+format, stdout, stderr)
			if format == "json" {
				if !strings.Contains(stdout, in.want) && in.want != "" {
					t.Errorf("%s: the analysis should still run and report %s: %s", in.name, in.want, stdout)
				}
				if !strings.Contains(stdout, `"warnings": [`) {
					t.Errorf("%s: the damaged documents should be named in warnings: %s", in.name, stdout)
				}
			}
		}
		// The same from stdin, whose errors and warnings take another path.
		data, err := os.ReadFile(in.path)
		if err != nil {
			t.Fatal(err)
		}
		_, stdout, stderr := runCLI(t, string(data), "analyze", "-o", "json", "--fail-on", "none", "-")
		checkNoLeak(t, in.name+" from stdin", stdout, stderr)
	}
}

// TestNoSecretValueInErrors: when nothing (or little) can be read, the one
// line on stderr names the first problem, and never the value next to it.
func TestNoSecretValueInErrors(t *testing.T) {
	dir := t.TempDir()
	b64 := base64.StdEncoding.EncodeToString([]byte(marker))
	for name, body := range map[string]string{
		"not-base64.yaml": "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndata: {k: [" + marker + "]}\n",
		"number.yaml":     "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\nstringData: " + numericMarker + "\n",
		"syntax.yaml":     "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndata: {k: \"" + marker + "\"\n  x: ] " + marker + "\n",
		"syntax.json":     `{"apiVersion":"v1","kind":"Secret","metadata":{"name":"s"},"data":{"k":"` + b64 + `",,"` + marker + `"}}`,
		"tab.yaml":        "apiVersion: v1\nkind: Secret\ndata:\n\tk: " + marker + "\n",
		"alias.yaml":      "apiVersion: v1\nkind: Secret\ndata: {k: *" + marker + "}\n",
		"nameless.yaml":   "apiVersion: v1\nkind: Secret\ndata: {k: " + b64 + "}\n",
	} {
		path := write(t, dir, name, []byte(body))
		code, stdout, stderr := runCLI(t, "", "analyze", "-o", "json", path)
		if code == exitUsage && stderr == "" {
			t.Errorf("%s: exit 2 says nothing", name)
		}
		checkNoLeak(t, name, stdout, stderr)
	}
}

func checkNoLeak(t *testing.T, what, stdout, stderr string) {
	t.Helper()
	for _, form := range leakForms() {
		if strings.Contains(stdout, form) {
			t.Errorf("%s: a Secret value (%q) reached the report", what, form)
		}
		if strings.Contains(stderr, form) {
			t.Errorf("%s: a Secret value (%q) reached stderr: %s", what, form, stderr)
		}
	}
}
