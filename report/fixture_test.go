package report

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/secretscan/secretscan/analyzer"
)

var update = flag.Bool("update", false, "rewrite report/testdata/*.golden from the current output")

// TestMain pins the docs pages: the real ones are edited by others, and the
// sarif and html goldens embed them. TestSARIFWithRealDocsValidates covers the
// real pages.
func TestMain(m *testing.M) {
	findingPage = stubFindingPage
	os.Exit(m.Run())
}

// stubFindingPage has a page for every ID but coverage-gap, so that the goldens
// also show the fallback for an ID whose page is missing.
func stubFindingPage(id string) (string, bool) {
	if id == string(analyzer.CoverageGap) {
		return "", false
	}
	return fmt.Sprintf("# %s\n\nSeverity: see the registry.\n\n## What it means\nStub page of `%s` for the report tests | with a pipe.\n", id, id), true
}

// richReport is the one report every golden file renders: every severity,
// several namespaces, a cluster-wide coverage gap with no namespace, evidence
// with quotes, pipes, backticks and HTML, commands, warnings and coverage gaps.
// Findings are given out of order, as New must sort them.
func richReport() *Report {
	findings := []analyzer.Finding{
		{
			ID: analyzer.SecretCreatedAfterFailure, Severity: analyzer.SeverityInfo, Namespace: "payments",
			Object: analyzer.ObjectRef{Kind: "Pod", Name: "migrate-8k2lp"}, Pods: []string{"migrate-8k2lp"},
			Secret: "ledger-db", Reference: "envFrom ledger-db (container migrate)",
			Message:     "Secret payments/ledger-db exists now, but the 3 failures predate its creation (2026-11-20T09:58:12Z); the problem has probably cleared",
			Evidence:    []string{`Warning Failed (x3, last 2026-11-20T09:57:40Z) kubelet: Error: secret "ledger-db" not found`},
			Remediation: "Nothing to fix if the pod is Running now; delete the pod to retry if it is not",
			Commands:    &analyzer.Commands{Confirm: []string{"kubectl get pod migrate-8k2lp -n payments"}},
		},
		{
			ID: analyzer.SecretNotFound, Severity: analyzer.SeverityError, Namespace: "shop",
			Object: analyzer.ObjectRef{Kind: "Deployment", Name: "web"}, Pods: []string{"web-7d9f8c6b5-abcde", "web-7d9f8c6b5-fghij"},
			Secret: "db-credentials", Reference: "env DB_PASSWORD (container web), volume creds",
			Message: `Secret shop/db-credentials does not exist; did you mean "db-credential"?`,
			Evidence: []string{
				`Warning FailedMount (x12, last 2026-11-20T10:04:00Z) kubelet: MountVolume.SetUp failed for volume "creds" : secret "db-credentials" not found`,
				"Deployment shop/web spec: containers[web].env[DB_PASSWORD].valueFrom.secretKeyRef{name: db-credentials, key: password}",
				"annotation note: `kubectl rollout` | see <b>runbook</b> & <script>alert(1)</script>",
			},
			Remediation: "Create the Secret in namespace shop, or fix the name in Deployment shop/web",
			Commands: &analyzer.Commands{
				Confirm: []string{"kubectl get secret db-credentials -n shop", "kubectl get secrets -n shop -o name"},
				Fix:     []string{"kubectl create secret generic db-credentials -n shop --from-literal=password=..."},
			},
		},
		{
			ID: analyzer.CoverageGap, Severity: analyzer.SeverityInfo,
			Object:      analyzer.ObjectRef{Kind: "Secret"},
			Message:     "kubectl cluster-info dump holds no Secrets: Secrets were not collected, so the checks of 4 workloads in payments, shop rest on events and status alone; a reference with no failure event cannot be judged",
			Evidence:    []string{"the dump holds no Secret objects for namespace payments, shop"},
			Remediation: "For a complete check, ask for a dump that includes Secrets (e.g. secretscan collect, which keeps key names but no values)",
		},
		{
			ID: analyzer.OptionalSecretMissing, Severity: analyzer.SeverityWarning, Namespace: "shop",
			Object: analyzer.ObjectRef{Kind: "Deployment", Name: "web"}, Secret: "feature-flags",
			Reference:   "envFrom feature-flags (container web), optional",
			Message:     "Optional Secret shop/feature-flags does not exist: the pods start without its variables",
			Evidence:    []string{"Deployment shop/web spec: containers[web].envFrom[0].secretRef{name: feature-flags, optional: true}"},
			Remediation: "Create the Secret if the variables matter; otherwise drop the reference",
		},
		{
			ID: analyzer.PullSecretNotFound, Severity: analyzer.SeverityError, Namespace: "payments",
			Object: analyzer.ObjectRef{Kind: "StatefulSet", Name: "ledger"}, Pods: []string{"ledger-0"},
			Secret: "regcred", Reference: "imagePullSecrets of ServiceAccount ledger",
			Message:     "Image pull Secret payments/regcred does not exist, so images from registry.example.com|private are pulled without credentials",
			Evidence:    []string{`Warning FailedToRetrieveImagePullSecret (x40) kubelet: Unable to retrieve some image pull secrets (regcred); attempting to pull the image may not succeed.`},
			Remediation: "Create the docker-registry Secret regcred in namespace payments",
			Commands: &analyzer.Commands{
				Confirm: []string{"kubectl get secret regcred -n payments"},
				Fix:     []string{"kubectl create secret docker-registry regcred -n payments --docker-server=registry.example.com --docker-username=... --docker-password=..."},
			},
		},
		{
			ID: analyzer.NodeSecretForbidden, Severity: analyzer.SeverityWarning, Namespace: "kube-system",
			Object: analyzer.ObjectRef{Kind: "DaemonSet", Name: "node-agent"}, Pods: []string{"node-agent-x7f2q"},
			Secret: "agent-token", Reference: "volume token",
			Message:     `The node authorizer refused the kubelet: "no relationship found between node 'worker-3' and this object"`,
			Evidence:    []string{`Warning FailedMount (x2) kubelet: MountVolume.SetUp failed for volume "token" : secrets "agent-token" is forbidden: User "system:node:worker-3" cannot get resource "secrets"`},
			Remediation: "Usually transient: check that the pod now runs",
			Commands:    &analyzer.Commands{Confirm: []string{"kubectl get pods -n kube-system -l app=node-agent -o wide"}},
		},
	}
	// Gaps come in the loader's order, most important kind first.
	gaps := []CoverageGap{
		{Kind: "Secret", State: "not collected", Reason: "kubectl cluster-info dump holds no Secrets"},
		{Kind: "ServiceAccount", State: "not collected", Reason: "kubectl cluster-info dump holds no ServiceAccounts"},
		{Kind: "Role", State: "not collected", Reason: "kubectl cluster-info dump holds no Roles"},
		{Kind: "RoleBinding", State: "collection failed", Reason: `rolebindings.rbac.authorization.k8s.io is forbidden: User "support" cannot list resource "rolebindings"`},
		{Kind: "Event", State: "partly collected", Namespaces: []string{"kube-system (not collected)", "payments (collection failed)"}},
	}
	coverage := map[string]bool{
		"Pod": true, "Event": false, "Deployment": true, "StatefulSet": true, "DaemonSet": true,
		"Secret": false, "ServiceAccount": false, "Role": false, "RoleBinding": false,
	}
	warnings := []string{
		"cluster-info/shop/events.json: line 4102: unexpected end of JSON; the rest of that file was skipped",
		"cluster-info/payments/pods.json: item 3 has no `metadata.name` | skipped",
	}
	src := Source{
		Path: "dumps/cluster info.tar.gz", Format: "cluster-info-dump",
		Objects: map[string]int{"Pod": 58, "Event": 67, "Deployment": 12, "StatefulSet": 1, "DaemonSet": 3},
	}
	return New(src, coverage, gaps, warnings, findings)
}

// emptyReport is a clean run: nothing found, nothing missing.
func emptyReport() *Report {
	return New(Source{Path: "dump.yaml", Format: "kubectl-get", Objects: map[string]int{"Deployment": 1, "Secret": 2}},
		map[string]bool{"Deployment": true, "Secret": true}, nil, nil, nil)
}

// testVersion is the ToolVersion the goldens are rendered with.
const testVersion = "v1.2.3 (commit 0123456789ab)"

func render(t *testing.T, r *Report, format string, opts Options) string {
	t.Helper()
	var out strings.Builder
	if err := Write(&out, r, format, opts); err != nil {
		t.Fatalf("Write(%s): %v", format, err)
	}
	return out.String()
}
