package collect

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
)

// ConnectOptions say which cluster to read, as kubectl's flags do.
type ConnectOptions struct {
	// Kubeconfig is the kubeconfig file; empty follows $KUBECONFIG, then
	// ~/.kube/config, then the in-cluster service account.
	Kubeconfig string
	// Context overrides the kubeconfig's current context.
	Context   string
	UserAgent string
	// Timeout bounds each request; 0 means none.
	Timeout time.Duration
}

// Connection is the clients of a kubeconfig context.
type Connection struct {
	Client  kubernetes.Interface
	Dynamic dynamic.Interface
	// Context is the context's name, Namespace its namespace ("default" when
	// it names none), Host the API server.
	Context, Namespace, Host string
	lists                    *listOutcomes
}

// Connect builds the clients of the current (or the given) kubeconfig
// context. It sends no request.
func Connect(opts ConnectOptions) (*Connection, error) {
	rules := clientcmd.NewDefaultClientConfigLoadingRules()
	if opts.Kubeconfig != "" {
		rules.ExplicitPath = opts.Kubeconfig
	}
	overrides := &clientcmd.ConfigOverrides{CurrentContext: opts.Context}
	cc := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(rules, overrides)
	cfg, err := cc.ClientConfig()
	if err != nil {
		if clientcmd.IsEmptyConfig(err) {
			return nil, fmt.Errorf("no kubeconfig found: set --kubeconfig or KUBECONFIG, or run in a pod with a service account")
		}
		return nil, fmt.Errorf("reading the kubeconfig: %w", err)
	}
	ns, _, err := cc.Namespace()
	if err != nil || ns == "" {
		ns = "default"
	}
	name := opts.Context
	if raw, err := cc.RawConfig(); err == nil && name == "" {
		name = raw.CurrentContext
	}
	cfg.UserAgent = opts.UserAgent
	cfg.Timeout = opts.Timeout
	// client-go's default (5 per second) makes a large cluster slow to read;
	// this stays well below what API priority and fairness grants a user.
	cfg.QPS, cfg.Burst = 25, 50
	lists := newListOutcomes()
	cfg.Wrap(func(rt http.RoundTripper) http.RoundTripper { return &listObserver{next: rt, lists: lists} })
	client, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("building the client: %w", err)
	}
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("building the client: %w", err)
	}
	return &Connection{Client: client, Dynamic: dyn, Context: name, Namespace: ns, Host: cfg.Host, lists: lists}, nil
}

// ForConfig builds a Connection from a rest.Config (tests, and callers that
// have one).
func ForConfig(cfg *rest.Config) (*Connection, error) {
	lists := newListOutcomes()
	cfg = rest.CopyConfig(cfg)
	cfg.Wrap(func(rt http.RoundTripper) http.RoundTripper { return &listObserver{next: rt, lists: lists} })
	client, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return nil, err
	}
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		return nil, err
	}
	return &Connection{Client: client, Dynamic: dyn, Namespace: "default", Host: cfg.Host, lists: lists}, nil
}

// Gap is a kind the live cluster would not list in full.
type Gap struct {
	Kind   string
	Reason string
}

// Coverage says, after an analysis, which kinds the cluster listed in full
// (the JSON report's coverage map) and why the others were not: a live
// cluster holds every kind, unless listing it failed.
func (c *Connection) Coverage() (map[string]bool, []Gap) {
	c.lists.mu.Lock()
	defer c.lists.mu.Unlock()
	summary := make(map[string]bool, len(reportedKinds))
	var gaps []Gap
	for _, kind := range reportedKinds {
		why, failed := c.lists.failed[kind]
		summary[kind] = !failed
		if failed {
			gaps = append(gaps, Gap{Kind: kind, Reason: why})
		}
	}
	return summary, gaps
}

// Objects counts, by kind, the objects the cluster listed so far (as a dump's
// source counts what it read).
func (c *Connection) Objects() map[string]int {
	c.lists.mu.Lock()
	defer c.lists.mu.Unlock()
	out := make(map[string]int, len(c.lists.objects))
	for k, n := range c.lists.objects {
		// A custom resource served in two versions is the same objects twice.
		if kind, _, _ := strings.Cut(k, "@"); n > 0 {
			out[kind] = max(out[kind], n)
		}
	}
	return out
}

// listOutcomes records, per kind, why a list of it failed and how many
// objects its lists returned.
type listOutcomes struct {
	mu      sync.Mutex
	failed  map[string]string
	objects map[string]int
}

func newListOutcomes() *listOutcomes {
	return &listOutcomes{failed: map[string]string{}, objects: map[string]int{}}
}

// listObserver watches the responses to the list requests of the kinds the
// analyzers read: the analyzers treat a failed list as "not collected", and
// the report must say so too, and say what was read.
type listObserver struct {
	next  http.RoundTripper
	lists *listOutcomes
}

func (o *listObserver) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := o.next.RoundTrip(req)
	kind, version, ok := listedKind(req)
	if !ok {
		return resp, err
	}
	if err == nil && resp.StatusCode < 400 {
		if !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
			return resp, err // protobuf or CBOR (client-go's opt-ins): not counted
		}
		resp.Body = &itemCounter{ReadCloser: resp.Body, done: func(n int) {
			o.lists.mu.Lock()
			o.lists.objects[kind+"@"+version] += n
			o.lists.mu.Unlock()
		}}
		return resp, err
	}
	if _, reported := resourceKinds[reportedPath(req)]; !reported {
		return resp, err // a custom resource: a refusal is the analyzers' to judge
	}
	why := "listing failed"
	switch {
	case err != nil:
		why = "listing failed: the API server did not answer"
	case resp.StatusCode == http.StatusForbidden:
		why = "listing was forbidden"
	case resp.StatusCode == http.StatusUnauthorized:
		why = "listing was unauthorized"
	case resp.StatusCode == http.StatusGatewayTimeout || resp.StatusCode == http.StatusRequestTimeout:
		why = "listing timed out"
	}
	o.lists.mu.Lock()
	if _, seen := o.lists.failed[kind]; !seen {
		o.lists.failed[kind] = why
	}
	o.lists.mu.Unlock()
	return resp, err
}

// itemCounter counts the items of a JSON list response as the client reads
// it: the objects directly inside the top-level "items" array.
type itemCounter struct {
	io.ReadCloser
	done     func(int)
	depth    int
	inString bool
	escape   bool
	key      []byte // the string just read at depth 1 (a key of the list)
	lastKey  string
	inItems  bool
	items    int
	finished bool
}

func (c *itemCounter) Read(p []byte) (int, error) {
	n, err := c.ReadCloser.Read(p)
	for _, b := range p[:n] {
		c.scan(b)
	}
	if err == io.EOF {
		c.finish()
	}
	return n, err
}

func (c *itemCounter) Close() error {
	c.finish()
	return c.ReadCloser.Close()
}

func (c *itemCounter) finish() {
	if !c.finished {
		c.finished = true
		c.done(c.items)
	}
}

func (c *itemCounter) scan(b byte) {
	if c.inString {
		switch {
		case c.escape:
			c.escape = false
		case b == '\\':
			c.escape = true
		case b == '"':
			c.inString = false
			if c.depth == 1 {
				c.lastKey = string(c.key)
			}
		case c.depth == 1 && len(c.key) < 16:
			c.key = append(c.key, b)
		}
		return
	}
	switch b {
	case '"':
		c.inString, c.key = true, c.key[:0]
	case '{', '[':
		if b == '{' && c.inItems && c.depth == 2 {
			c.items++
		}
		if b == '[' && c.depth == 1 && c.lastKey == "items" {
			c.inItems = true
		}
		c.depth++
	case '}', ']':
		c.depth--
		if c.depth == 1 {
			c.inItems = false
		}
	}
}

// resourceKinds maps the list paths of the reported kinds to their kind. Only
// core Events count for Event: events.k8s.io is a complement (the same Events
// again, under the same UIDs).
var resourceKinds = map[string]string{
	"/pods": "Pod", "/events": "Event", "/secrets": "Secret", "/serviceaccounts": "ServiceAccount",
	"/replicationcontrollers": "ReplicationController",
	"apps/deployments":        "Deployment", "apps/replicasets": "ReplicaSet", "apps/statefulsets": "StatefulSet", "apps/daemonsets": "DaemonSet",
	"batch/jobs": "Job", "batch/cronjobs": "CronJob",
	"rbac.authorization.k8s.io/roles": "Role", "rbac.authorization.k8s.io/rolebindings": "RoleBinding",
	"rbac.authorization.k8s.io/clusterroles": "ClusterRole", "rbac.authorization.k8s.io/clusterrolebindings": "ClusterRoleBinding",
}

// listedKind reads, from a GET list request's path, the kind listed (a
// reported kind, or a custom resource the analyzers read) and its version.
func listedKind(req *http.Request) (kind, version string, ok bool) {
	p := reportedPath(req)
	if kind, ok := resourceKinds[p]; ok {
		return kind, "", true
	}
	for _, k := range customKinds {
		for _, gvr := range k.versions {
			if p == gvr.Group+"/"+gvr.Resource && strings.Contains(req.URL.Path, "/"+gvr.Version+"/") {
				return k.kind, gvr.Version, true
			}
		}
	}
	return "", "", false
}

// reportedPath reduces a GET list request's path to "<group>/<resource>":
// /api/v1[/namespaces/<ns>]/<resource> or /apis/<group>/<version>[/namespaces/<ns>]/<resource>.
func reportedPath(req *http.Request) string {
	if req.Method != http.MethodGet {
		return ""
	}
	parts := strings.Split(strings.Trim(req.URL.Path, "/"), "/")
	var group string
	var rest []string
	switch {
	case len(parts) >= 3 && parts[0] == "api":
		rest = parts[2:]
	case len(parts) >= 4 && parts[0] == "apis":
		group, rest = parts[1], parts[3:]
	default:
		return ""
	}
	if len(rest) == 3 && rest[0] == "namespaces" {
		rest = rest[2:]
	}
	if len(rest) != 1 {
		return ""
	}
	return group + "/" + rest[0]
}
