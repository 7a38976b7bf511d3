package analyzer

import (
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"
)

// Names a dump may hold: Kubernetes validates few of them (an RBAC name is
// only a path segment; a reference in a pod spec is not checked at all), and
// a hand-written or unrendered manifest holds what its author typed.
const (
	hostileNS      = "a b"
	hostileOtherNS = "o|ther"
	hostileSecret  = "db$(id);reboot"
	hostileKey     = "k'ey"
	hostileSA      = "sa`id` x"
	hostileWork    = "web&&id"
	hostileRole    = "view; rm -rf ~"
	hostilePull    = "pull;reboot"
	hostileProd    = "es $(id)"
	hostileClass   = "spc;id>x"
)

// q writes a name as a YAML double-quoted scalar (Go's escapes are YAML's).
func q(s string) string { return strconv.Quote(s) }

func hostileNamespace(name string) string {
	return "apiVersion: v1\nkind: Namespace\nmetadata: {name: " + q(name) + "}\n---\n" +
		"apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: default, namespace: " + q(name) + "}\n"
}

// hostileDeployment is a Deployment of namespace ns whose pod spec is podSpec
// (indented as under spec.template.spec).
func hostileDeployment(ns, name, podSpec string) string {
	return `apiVersion: apps/v1
kind: Deployment
metadata: {name: ` + q(name) + `, namespace: ` + q(ns) + `, uid: dep-1}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
` + indent(podSpec, "      ")
}

// hostileDeniedPod is a bare running pod of namespace ns whose container last
// terminated with an apiserver denial.
func hostileDeniedPod(ns, denial string) string {
	return `apiVersion: v1
kind: Pod
metadata: {name: app, namespace: ` + q(ns) + `, uid: pod-app}
spec:
  containers: [{name: app, image: nginx}]
status:
  phase: Running
  containerStatuses:
  - name: app
    ready: false
    restartCount: 4
    image: nginx
    imageID: ""
    state: {waiting: {reason: CrashLoopBackOff}}
    lastState: {terminated: {exitCode: 1, reason: Error, finishedAt: "2026-11-20T10:00:00Z", message: ` + q(denial) + `}}
`
}

func hostileSecretDoc(ns, name, typ string, data map[string]string) string {
	s := "apiVersion: v1\nkind: Secret\nmetadata: {name: " + q(name) + ", namespace: " + q(ns) + ", creationTimestamp: \"2026-11-20T08:00:00Z\"}\n"
	if typ != "" {
		s += "type: " + typ + "\n"
	}
	if len(data) > 0 {
		s += "data:\n"
		for k, v := range data {
			s += "  " + q(k) + ": " + base64.StdEncoding.EncodeToString([]byte(v)) + "\n"
		}
	}
	return s
}

// Every command a finding gives is copied into a shell: a name from the dump
// must stay one word (or a literal heredoc line) there, whatever it holds,
// and a name that cannot be written safely on a command line takes the
// commands away instead.
func TestCommandsQuoteDumpNames(t *testing.T) {
	envRef := func(secret, key string) string {
		return "containers:\n- name: web\n  image: nginx\n  env:\n  - {name: P, valueFrom: {secretKeyRef: {name: " + q(secret) + ", key: " + q(key) + "}}}\n"
	}
	pullSpec := func(secret string) string {
		return "containers: [{name: web, image: registry.example.com/app:1}]\nimagePullSecrets: [{name: " + q(secret) + "}]\n"
	}
	rbacDenial := `secrets "` + hostileSecret + `" is forbidden: User "system:serviceaccount:` + hostileNS + `:` + hostileSA + `" cannot get resource "secrets" in API group "" in the namespace "a$b"`
	nearMiss := `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: ` + q(hostileRole) + `, namespace: "a$b"}
rules: [{apiGroups: [""], resources: [secrets], verbs: [get]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: "rb $(id)", namespace: "a$b"}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: ` + q(hostileRole) + `}
subjects: [{kind: ServiceAccount, name: default, namespace: "a$b"}]
`
	spcList := `apiVersion: secrets-store.csi.x-k8s.io/v1
kind: SecretProviderClass
metadata: {name: vault, namespace: ` + q(hostileNS) + `}
spec: {provider: vault}
`
	cases := []struct {
		name   string
		docs   []string
		custom string
		// ids must each be among the findings, with commands; names must each
		// appear, quoted, in some command.
		ids   []ID
		names []string
		// dropped is a name no finding that mentions it may give commands for.
		dropped string
	}{
		{
			name:  "missing Secret, its key in the fix",
			docs:  []string{hostileDeployment(hostileNS, hostileWork, envRef(hostileSecret, hostileKey))},
			ids:   []ID{SecretNotFound},
			names: []string{hostileNS, hostileSecret, hostileKey},
		},
		{
			name:  "unexpanded template variable: the workload is shown",
			docs:  []string{hostileDeployment(hostileNS, hostileWork, envRef("${DB_SECRET}", "password"))},
			ids:   []ID{SecretNotFound},
			names: []string{hostileNS, hostileWork},
		},
		{
			name: "missing key: a JSON patch",
			docs: []string{hostileSecretDoc(hostileNS, hostileSecret, "", map[string]string{"other": "v"}),
				hostileDeployment(hostileNS, hostileWork, envRef(hostileSecret, hostileKey))},
			ids:   []ID{SecretKeyNotFound},
			names: []string{hostileNS, hostileSecret, hostileKey},
		},
		{
			name: "Secret in another namespace: copied through jq",
			docs: []string{hostileNamespace(hostileOtherNS), hostileSecretDoc(hostileOtherNS, hostileSecret, "", map[string]string{"password": "v"}),
				hostileDeployment(hostileNS, hostileWork, envRef(hostileSecret, "password"))},
			ids:   []ID{SecretInOtherNamespace},
			names: []string{hostileNS, hostileOtherNS, hostileSecret},
		},
		{
			name:  "legacy token Secret: a heredoc manifest",
			docs:  []string{hostileDeployment(hostileNS, hostileWork, "containers: [{name: web, image: nginx}]\nvolumes: [{name: t, secret: {secretName: "+q(hostileSA+"-token-abcde")+"}}]\n")},
			ids:   []ID{SATokenSecretNotFound},
			names: []string{hostileNS, hostileSA + "-token-abcde", hostileSA},
		},
		{
			name:  "ServiceAccount missing",
			docs:  []string{hostileDeployment(hostileNS, hostileWork, "serviceAccountName: "+q(hostileSA)+"\ncontainers: [{name: web, image: nginx}]\n")},
			ids:   []ID{ServiceAccountNotFound},
			names: []string{hostileNS, hostileSA},
		},
		{
			name:  "RBAC denial with a Role and RoleBinding near miss",
			docs:  []string{hostileNamespace("a$b"), nearMiss, hostileDeniedPod(hostileNS, rbacDenial)},
			ids:   []ID{RBACSecretForbidden},
			names: []string{"a$b", "secrets/" + hostileSecret, "system:serviceaccount:" + hostileNS + ":" + hostileSA, hostileSA, hostileSecret},
		},
		{
			name:  "RBAC denial at the cluster scope",
			docs:  []string{hostileDeniedPod(hostileNS, `secrets is forbidden: User "system:serviceaccount:`+hostileNS+`:`+hostileSA+`" cannot list resource "secrets" in API group "" at the cluster scope`)},
			ids:   []ID{RBACSecretForbidden},
			names: []string{"system:serviceaccount:" + hostileNS + ":" + hostileSA, hostileSA, hostileNS},
		},
		{
			name:  "pull Secret missing",
			docs:  []string{hostileDeployment(hostileNS, hostileWork, pullSpec(hostilePull))},
			ids:   []ID{PullSecretNotFound},
			names: []string{hostileNS, hostilePull},
		},
		{
			name:  "pull Secret of the wrong type",
			docs:  []string{hostileSecretDoc(hostileNS, hostilePull, "Opaque", map[string]string{".dockerconfigjson": dockerConfig("registry.example.com")}), hostileDeployment(hostileNS, hostileWork, pullSpec(hostilePull))},
			ids:   []ID{PullSecretWrongType},
			names: []string{hostileNS, hostilePull},
		},
		{
			name: "pull Secret for another registry: a new one, patched in",
			docs: []string{hostileSecretDoc(hostileNS, hostilePull, "kubernetes.io/dockerconfigjson", map[string]string{".dockerconfigjson": dockerConfig("other.example.com")}),
				hostileDeployment(hostileNS, hostileWork, pullSpec(hostilePull))},
			ids:   []ID{PullSecretNoRegistryMatch},
			names: []string{hostileNS, hostilePull, hostileWork + "-pull"},
		},
		{
			name: "ExternalSecret not ready",
			docs: []string{hostileDeployment(hostileNS, hostileWork, envRef(hostileSecret, "password"))},
			custom: `apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata: {name: ` + q(hostileProd) + `, namespace: ` + q(hostileNS) + `, uid: es-1}
spec:
  target: {name: ` + q(hostileSecret) + `}
status:
  conditions:
  - {type: Ready, status: "False", reason: SecretSyncedError, message: could not get secret data from provider, lastTransitionTime: "2026-11-20T09:00:00Z"}
`,
			ids:   []ID{SecretSourceNotReady},
			names: []string{hostileNS, hostileProd},
		},
		{
			name: "SealedSecret not ready: its name becomes a file name",
			docs: []string{hostileDeployment(hostileNS, hostileWork, envRef(hostileProd, "password"))},
			custom: `apiVersion: bitnami.com/v1alpha1
kind: SealedSecret
metadata: {name: ` + q(hostileProd) + `, namespace: ` + q(hostileNS) + `, uid: ss-1}
status:
  conditions:
  - {type: Synced, status: "False", message: "no key could decrypt secret (password)"}
`,
			ids:   []ID{SecretSourceNotReady},
			names: []string{hostileNS, hostileProd, "sealed-" + hostileProd + ".yaml"},
		},
		{
			name:   "SecretProviderClass missing",
			docs:   []string{hostileDeployment(hostileNS, hostileWork, "containers: [{name: web, image: nginx}]\nvolumes: [{name: s, csi: {driver: secrets-store.csi.k8s.io, volumeAttributes: {secretProviderClass: "+q(hostileClass)+"}}}]\n")},
			custom: spcList,
			ids:    []ID{CSISecretMountFailed},
			names:  []string{hostileNS, hostileClass},
		},
		{
			name:    "a line break in a Secret name: no commands",
			docs:    []string{hostileDeployment(hostileNS, hostileWork, envRef("db\nrm -rf ~", "password"))},
			dropped: "db\nrm -rf ~",
		},
		{
			name:    "a Secret name kubectl would read as a flag: no commands",
			docs:    []string{hostileDeployment(hostileNS, hostileWork, envRef("--server=https://evil.example", "password"))},
			dropped: "--server=https://evil.example",
		},
		{
			name:    "a ServiceAccount name kubectl would read as a flag: no commands",
			docs:    []string{hostileDeployment(hostileNS, hostileWork, "serviceAccountName: \"--as=system:admin\"\ncontainers: [{name: web, image: nginx}]\n")},
			dropped: "--as=system:admin",
		},
		{
			name:    "an escape sequence in a denial's user: no commands",
			docs:    []string{hostileDeniedPod(hostileNS, `secrets "db" is forbidden: User "system:serviceaccount:shop:web`+"\x1b[2J"+`" cannot get resource "secrets" in API group "" in the namespace "shop"`)},
			dropped: "web\x1b[2J",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			docs := hostileNamespace(hostileNS) + "---\n" + strings.Join(tc.docs, "---\n")
			findings := analyzeWithCustom(t, docs, tc.custom, nil)
			hostile := []string{hostileNS, hostileOtherNS, hostileSecret, hostileKey, hostileSA, hostileWork, hostileRole, hostilePull, hostileProd, hostileClass, "a$b", "rb $(id)"}
			seen := map[string]bool{}
			withCommands := map[ID]bool{}
			for _, f := range findings {
				if f.Commands == nil {
					continue
				}
				withCommands[f.ID] = true
				for _, cmd := range append(append([]string(nil), f.Commands.Confirm...), f.Commands.Fix...) {
					parsed, err := parseShell(cmd)
					if err != nil {
						t.Errorf("%s: %v in\n%s", f.ID, err, cmd)
						continue
					}
					for _, op := range parsed.operators {
						if !map[string]bool{"|": true, "&&": true, "<": true, ">": true, "<<": true}[op] {
							t.Errorf("%s: unexpected operator %q in\n%s", f.ID, op, cmd)
						}
					}
					for _, x := range parsed.expansions {
						if x != "$(date +%s)" && x != "$HOME" {
							t.Errorf("%s: unexpected expansion %q in\n%s", f.ID, x, cmd)
						}
					}
					for _, h := range hostile {
						if i := parsed.unquotedIn(cmd, h); i >= 0 {
							t.Errorf("%s: name %q stands unquoted at byte %d of\n%s", f.ID, h, i, cmd)
						}
					}
					for _, body := range parsed.heredocs {
						checkManifest(t, f.ID, body)
					}
					for _, n := range tc.names {
						if parsed.holds(n) {
							seen[n] = true
						}
					}
				}
			}
			for _, id := range tc.ids {
				if !withCommands[id] {
					t.Errorf("no %s finding with commands among %v", id, brief(findings))
				}
			}
			for _, n := range tc.names {
				if !seen[n] {
					t.Errorf("no command holds %q as a word: the case does not test it", n)
				}
			}
			if tc.dropped != "" {
				mentioned := false
				for _, f := range findings {
					if strings.Contains(f.Namespace+f.Secret+f.Reference+f.Message+strings.Join(f.Evidence, "\n"), tc.dropped) {
						mentioned = true
						if f.Commands != nil {
							t.Errorf("%s about %q has commands %+v", f.ID, tc.dropped, *f.Commands)
						}
					}
				}
				if !mentioned {
					t.Errorf("no finding mentions %q: %v", tc.dropped, brief(findings))
				}
			}
		})
	}
}

// checkManifest decodes a heredoc's YAML documents: a name must not have
// added a key or broken the document.
func checkManifest(t *testing.T, id ID, body string) {
	t.Helper()
	allowed := map[string]bool{"apiVersion": true, "kind": true, "metadata": true, "rules": true, "roleRef": true, "subjects": true, "type": true}
	for _, doc := range strings.Split(body, "\n---\n") {
		var m map[string]any
		if err := yaml.Unmarshal([]byte(doc), &m); err != nil {
			t.Errorf("%s: heredoc is not YAML (%v):\n%s", id, err, doc)
			continue
		}
		for k := range m {
			if !allowed[k] {
				t.Errorf("%s: heredoc has an unexpected key %q:\n%s", id, k, doc)
			}
		}
	}
}

// shellParse is a command line as a POSIX shell reads it, far enough to tell
// what is a word: words after quote removal, the operators and unquoted
// expansions between and in them, and heredoc bodies.
type shellParse struct {
	words      []string
	operators  []string
	expansions []string
	heredocs   []string
	// quoted marks the bytes of the line a shell takes literally: inside
	// quotes, escaped, or in a quoted heredoc's body (not the quotes themselves).
	quoted []bool
}

// holds reports whether name is (part of) one word or heredoc body.
func (p shellParse) holds(name string) bool {
	for _, w := range append(append([]string(nil), p.words...), p.heredocs...) {
		if strings.Contains(w, name) {
			return true
		}
	}
	return false
}

// unquotedIn returns where an occurrence of name in cmd has a byte the shell
// would interpret (a blank, a metacharacter, a quote) outside quotes, or -1.
func (p shellParse) unquotedIn(cmd, name string) int {
	for from := 0; ; {
		i := strings.Index(cmd[from:], name)
		if i < 0 {
			return -1
		}
		i += from
		for j := i; j < i+len(name); j++ {
			if strings.IndexByte(" \t\n;|&$`()<>'\"\\*?[]#~{}!", cmd[j]) >= 0 && !p.quoted[j] {
				return j
			}
		}
		from = i + 1
	}
}

func parseShell(cmd string) (shellParse, error) {
	p := shellParse{quoted: make([]bool, len(cmd))}
	var word strings.Builder
	inWord := false
	var pendingHeredoc []string // delimiters of heredocs that start on the next line
	expectDelimiter := false
	endWord := func() {
		if !inWord {
			return
		}
		w := word.String()
		if expectDelimiter {
			pendingHeredoc = append(pendingHeredoc, w)
			expectDelimiter = false
		}
		p.words = append(p.words, w)
		word.Reset()
		inWord = false
	}
	i := 0
	for i < len(cmd) {
		c := cmd[i]
		switch {
		case c == ' ' || c == '\t':
			endWord()
			i++
		case c == '\n':
			endWord()
			i++
			if len(pendingHeredoc) == 0 {
				p.operators = append(p.operators, "newline")
				continue
			}
			for _, delim := range pendingHeredoc {
				var body []string
				for {
					if i >= len(cmd) {
						return p, fmt.Errorf("heredoc %q not closed", delim)
					}
					end := strings.IndexByte(cmd[i:], '\n')
					if end < 0 {
						end = len(cmd) - i
					}
					line := cmd[i : i+end]
					if line == delim {
						i += end + 1
						break
					}
					for j := i; j < i+end; j++ {
						p.quoted[j] = true
					}
					body = append(body, line)
					i += end + 1
				}
				p.heredocs = append(p.heredocs, strings.Join(body, "\n"))
			}
			pendingHeredoc = nil
		case c == '\'':
			end := strings.IndexByte(cmd[i+1:], '\'')
			if end < 0 {
				return p, fmt.Errorf("unterminated ' at byte %d", i)
			}
			for j := i + 1; j <= i+end; j++ {
				p.quoted[j] = true
			}
			word.WriteString(cmd[i+1 : i+1+end])
			inWord = true
			i += end + 2
		case c == '"':
			inWord = true
			i++
			for {
				if i >= len(cmd) {
					return p, fmt.Errorf("unterminated \"")
				}
				d := cmd[i]
				if d == '"' {
					i++
					break
				}
				if d == '$' || d == '`' {
					return p, fmt.Errorf("expansion inside double quotes at byte %d", i)
				}
				if d == '\\' && i+1 < len(cmd) && strings.IndexByte("$`\"\\\n", cmd[i+1]) >= 0 {
					i++
					d = cmd[i]
				}
				p.quoted[i] = true
				word.WriteByte(d)
				i++
			}
		case c == '\\':
			if i+1 >= len(cmd) {
				return p, fmt.Errorf("trailing backslash")
			}
			p.quoted[i+1] = true
			word.WriteByte(cmd[i+1])
			inWord = true
			i += 2
		case c == '`':
			return p, fmt.Errorf("unquoted backquote at byte %d", i)
		case c == '$':
			end := i + 1
			switch {
			case strings.HasPrefix(cmd[i:], "$("):
				depth := 0
				for end = i + 1; end < len(cmd); end++ {
					if cmd[end] == '(' {
						depth++
					} else if cmd[end] == ')' {
						depth--
						if depth == 0 {
							break
						}
					}
				}
				if end == len(cmd) {
					return p, fmt.Errorf("unterminated $( at byte %d", i)
				}
				end++
			case strings.HasPrefix(cmd[i:], "${"):
				end = i + strings.IndexByte(cmd[i:], '}') + 1
				if end == i {
					return p, fmt.Errorf("unterminated ${ at byte %d", i)
				}
			default:
				for end < len(cmd) && (cmd[end] == '_' || cmd[end] >= 'A' && cmd[end] <= 'Z' || cmd[end] >= 'a' && cmd[end] <= 'z' || cmd[end] >= '0' && cmd[end] <= '9') {
					end++
				}
			}
			p.expansions = append(p.expansions, cmd[i:end])
			word.WriteString(cmd[i:end])
			inWord = true
			i = end
		case c == '#' && !inWord:
			// A comment runs to the end of the line.
			end := strings.IndexByte(cmd[i:], '\n')
			if end < 0 {
				end = len(cmd) - i
			}
			i += end
		case strings.IndexByte(";|&<>()", c) >= 0:
			endWord()
			op := string(c)
			if i+1 < len(cmd) && cmd[i+1] == c && strings.IndexByte(";|&<>", c) >= 0 {
				op += string(c)
			}
			p.operators = append(p.operators, op)
			if op == "<<" {
				expectDelimiter = true
			}
			i += len(op)
		default:
			word.WriteByte(c)
			inWord = true
			i++
		}
	}
	endWord()
	if len(pendingHeredoc) > 0 {
		return p, fmt.Errorf("heredoc %q has no body", pendingHeredoc[0])
	}
	return p, nil
}

func TestParseShell(t *testing.T) {
	p, err := parseShell(`kubectl get secret 'a b'"c" -n x\;y | jq 'keys' > f`)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(p.words, ","); got != "kubectl,get,secret,a bc,-n,x;y,jq,keys,f" {
		t.Errorf("words %s", got)
	}
	if got := strings.Join(p.operators, ","); got != "|,>" {
		t.Errorf("operators %s", got)
	}
	p, err = parseShell("kubectl apply -f - <<'EOF'\nname: \"$(id)\"\nEOF")
	if err != nil || len(p.heredocs) != 1 || p.heredocs[0] != `name: "$(id)"` || len(p.expansions) != 0 {
		t.Errorf("heredoc: %+v %v", p, err)
	}
	// What the test must catch.
	for _, bad := range []string{"kubectl get secret a`id`", "kubectl get secret 'a", "kubectl apply -f - <<'EOF'\nx"} {
		if _, err := parseShell(bad); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
	cmd := "kubectl get secret db$(id);reboot -n 'a b'"
	if p, _ := parseShell(cmd); p.unquotedIn(cmd, hostileSecret) < 0 || p.unquotedIn(cmd, hostileNS) >= 0 {
		t.Errorf("unquotedIn misjudges %q", cmd)
	}
}

// yamlScalar leaves a plain name as it was (the manifests in the golden files
// do not change) and quotes any other, which must then read back unchanged.
func TestYAMLScalar(t *testing.T) {
	plain := []string{"default-token-abcde", "web.tls", "a_b"}
	quoted := []string{"", "true", "No", "null", "0123", "1e3", "-x", ".x", "a: b", "#x", "*alias", "&a", "!tag", `"x"`, "x y", "x\nEOF", "x\x1by", "é"}
	for _, s := range plain {
		if got := yamlScalar(s); got != s {
			t.Errorf("yamlScalar(%q) = %s, want it plain", s, got)
		}
	}
	for _, s := range quoted {
		got := yamlScalar(s)
		if !strings.HasPrefix(got, `"`) || strings.Contains(got, "\n") {
			t.Errorf("yamlScalar(%q) = %s, want it double-quoted on one line", s, got)
		}
	}
	for _, s := range append(plain, quoted...) {
		var m map[string]string
		if err := yaml.Unmarshal([]byte("name: "+yamlScalar(s)+"\n"), &m); err != nil || m["name"] != s {
			t.Errorf("yamlScalar(%q) reads back as %q (%v)", s, m["name"], err)
		}
	}
}
