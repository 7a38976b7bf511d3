// Package collect reads, from a live cluster, exactly what secretscan's
// analyzers read, and writes it as a secretscan bundle (docs/bundle-format.md):
// pods, workloads and ReplicaSets, core and events.k8s.io Events,
// ServiceAccounts, RBAC, the custom resources that make Secrets where their
// CRDs exist, the failure lines of unhealthy containers' logs, and Secrets
// without their values. It only reads (list, get, pod logs).
//
// No Secret value outlives the page it arrived in: each Secret goes through
// redact.Secret as soon as it is listed, keeping its type, key names, value
// sizes, and for pull Secrets only the registries and whether their entries are
// usable. A list that fails is recorded as failed for its kind and namespace
// (unknown, never absent) and collection goes on.
package collect

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"

	"github.com/secretscan/secretscan/internal/redact"
	"github.com/secretscan/secretscan/loader"
)

// Options tune a collection.
type Options struct {
	// Namespaces to collect; empty means every namespace (collect -A).
	Namespaces []string
	// LogTailLines is how many lines of each unhealthy container's log are
	// read (of which only the failure lines are kept); 0 reads no logs.
	LogTailLines int64
	// LogLimitBytes bounds each log read; 0 means DefaultLogLimitBytes.
	LogLimitBytes int64
	// SecretscanVersion is recorded in the header.
	SecretscanVersion string
	// Now is the clock (tests fix it); nil means time.Now.
	Now func() time.Time
	// Progress, if set, is told what is being collected.
	Progress func(Progress)
}

// Defaults of Options.
const (
	DefaultLogTailLines  = 500
	DefaultLogLimitBytes = 1 << 20
	pageSize             = 500
)

// Progress is where a collection stands.
type Progress struct {
	Step, Steps int    // the kind being listed, of how many (logs are the last step)
	What        string // e.g. "Secrets", "logs"
	Objects     int    // objects written so far, all kinds
	Logs        int    // logs read so far
}

// Result is what a collection wrote.
type Result struct {
	Header     loader.BundleHeader
	Collection loader.BundleCollection
	Objects    int
	Bytes      int64 // compressed size
}

// Failed lists the lists that failed, e.g. "Secret (forbidden)", "Role in shop (forbidden)".
func (r *Result) Failed() []string {
	var out []string
	for _, l := range r.Collection.Lists {
		if l.State != loader.BundleFailed {
			continue
		}
		s := l.Kind
		if l.APIVersion != "" && l.Kind == "Event" && l.APIVersion != "v1" {
			s = "Event (" + l.APIVersion + ")"
		}
		if l.Namespace != "" {
			s += " in " + l.Namespace
		}
		out = append(out, fmt.Sprintf("%s (%s)", s, l.Reason))
	}
	return out
}

// AnyCollected tells whether any built-in kind could be listed: a bundle in
// which every list failed holds nothing to analyze.
func (r *Result) AnyCollected() bool {
	builtin := make(map[string]bool, len(reportedKinds))
	for _, k := range reportedKinds {
		builtin[k] = true
	}
	for _, l := range r.Collection.Lists {
		if l.State == loader.BundleCollected && builtin[l.Kind] {
			return true
		}
	}
	return false
}

// collector is one collection in progress.
type collector struct {
	ctx    context.Context
	client kubernetes.Interface
	dyn    dynamic.Interface
	opts   Options
	out    *bundleWriter
	result *Result
	step   int
	steps  int
	logs   int
	// coreEvents holds the UIDs of the core Events written: an API server
	// serves each Event under both APIs, and the bundle holds it once.
	coreEvents map[types.UID]bool
	// logTargets are the containers whose logs are read once pods are listed.
	logTargets []logTarget
}

// Collect lists what the analyzers read from the cluster behind client and
// dyn, and writes the bundle to w. An error means no usable bundle was
// written: the API server could not be reached, or writing failed. Failed
// lists are not errors: they are recorded in the bundle and in the Result.
func Collect(ctx context.Context, client kubernetes.Interface, dyn dynamic.Interface, w io.Writer, opts Options) (*Result, error) {
	now := time.Now
	if opts.Now != nil {
		now = opts.Now
	}
	if opts.LogLimitBytes <= 0 {
		opts.LogLimitBytes = DefaultLogLimitBytes
	}
	started := now().UTC().Truncate(time.Second)
	header := loader.BundleHeader{
		Format: loader.BundleFormat, FormatVersion: loader.BundleFormatVersion, SecretscanVersion: opts.SecretscanVersion,
		CollectedAt: started, AllNamespaces: len(opts.Namespaces) == 0, Namespaces: sortedUnique(opts.Namespaces),
		Logs: loader.BundleLogPolicy{TailLines: opts.LogTailLines, LimitBytes: opts.LogLimitBytes, Kept: "failure-lines"},
	}
	if opts.LogTailLines <= 0 {
		header.Logs = loader.BundleLogPolicy{Kept: "none"}
	}
	v, err := client.Discovery().ServerVersion()
	if err != nil {
		var status apierrors.APIStatus
		if !errors.As(err, &status) {
			return nil, fmt.Errorf("reaching the API server: %w", err)
		}
	} else {
		header.ServerVersion = v.GitVersion
	}
	c := &collector{
		ctx: ctx, client: client, dyn: dyn, opts: opts,
		out:        newBundleWriter(w, started),
		result:     &Result{Header: header, Collection: loader.BundleCollection{FormatVersion: loader.BundleFormatVersion}},
		coreEvents: map[types.UID]bool{},
	}
	kinds := builtinKinds(client)
	c.steps = len(kinds) + len(customKinds) + 1
	if err := c.out.addYAML(loader.BundleRoot+"/"+loader.BundleHeaderFile, header); err != nil {
		return nil, err
	}
	for _, k := range kinds {
		if err := c.builtin(k); err != nil {
			return nil, err
		}
	}
	for _, k := range customKinds {
		if err := c.custom(k); err != nil {
			return nil, err
		}
	}
	if err := c.collectLogs(); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	c.result.Collection.FinishedAt = now().UTC().Truncate(time.Second)
	if err := c.out.addYAML(loader.BundleRoot+"/"+loader.BundleCollectionFile, c.result.Collection); err != nil {
		return nil, err
	}
	if err := c.out.close(); err != nil {
		return nil, fmt.Errorf("writing the bundle: %w", err)
	}
	c.result.Bytes = c.out.written()
	return c.result, nil
}

// targets are the namespaces a namespaced kind is listed in: "" (all at once)
// for collect -A.
func (c *collector) targets(namespaced bool) []string {
	if !namespaced || len(c.opts.Namespaces) == 0 {
		return []string{""}
	}
	return c.result.Header.Namespaces
}

func (c *collector) progress(what string) {
	if c.opts.Progress != nil {
		c.opts.Progress(Progress{Step: c.step, Steps: c.steps, What: what, Objects: c.result.Objects, Logs: c.logs})
	}
}

// builtin collects one built-in kind.
func (c *collector) builtin(k builtinKind) error {
	c.step++
	what := plural(k.gvk.Kind)
	if k.gvk.Group == "events.k8s.io" {
		what = "Events (events.k8s.io)"
	}
	for _, ns := range c.targets(k.namespaced) {
		if err := c.ctx.Err(); err != nil {
			return err
		}
		c.progress(what)
		rec := loader.BundleList{Kind: k.gvk.Kind, APIVersion: k.gvk.GroupVersion().String(), Resource: k.groupResource().String(), Namespace: ns}
		err := c.listInto(&rec, k.gvk, k.groupResource(), k.namespaced, func(opts metav1.ListOptions) ([]runtime.Object, string, error) {
			return k.list(c.ctx, ns, opts)
		}, c.keeper(k.gvk))
		if err != nil {
			return err
		}
		c.result.Collection.Lists = append(c.result.Collection.Lists, rec)
	}
	return nil
}

// keeper returns what is done with each listed object before it is sanitized:
// false drops it.
func (c *collector) keeper(gvk schema.GroupVersionKind) func(runtime.Object) bool {
	switch {
	case gvk.Kind == "Event" && gvk.Group == "":
		return func(obj runtime.Object) bool {
			if e, ok := obj.(*corev1.Event); ok && e.UID != "" {
				c.coreEvents[e.UID] = true
			}
			return true
		}
	case gvk.Kind == "Event":
		return func(obj runtime.Object) bool {
			m, err := meta.Accessor(obj)
			return err != nil || m.GetUID() == "" || !c.coreEvents[m.GetUID()]
		}
	case gvk.Kind == "Pod":
		return func(obj runtime.Object) bool {
			if p, ok := obj.(*corev1.Pod); ok && c.opts.LogTailLines > 0 {
				c.logTargets = append(c.logTargets, logTargetsOf(p)...)
			}
			return true
		}
	}
	return nil
}

// custom collects one custom resource kind in the first version served.
func (c *collector) custom(k customKind) error {
	c.step++
	for _, ns := range c.targets(true) {
		if err := c.ctx.Err(); err != nil {
			return err
		}
		c.progress(plural(k.kind))
		rec := loader.BundleList{Kind: k.kind, Resource: k.versions[0].GroupResource().String(), Namespace: ns, State: loader.BundleNotInstalled}
		if c.dyn == nil {
			rec.State, rec.Reason = loader.BundleFailed, "failed"
			c.result.Collection.Lists = append(c.result.Collection.Lists, rec)
			continue
		}
		for _, gvr := range k.versions {
			gvr := gvr
			try := rec
			try.APIVersion = gvr.GroupVersion().String()
			var listErr error
			err := c.listInto(&try, gvr.GroupVersion().WithKind(k.kind), gvr.GroupResource(), true, func(opts metav1.ListOptions) ([]runtime.Object, string, error) {
				list, err := c.dyn.Resource(gvr).Namespace(ns).List(c.ctx, opts)
				if err != nil {
					listErr = err
					return nil, "", err
				}
				objs := make([]runtime.Object, len(list.Items))
				for i := range list.Items {
					objs[i] = &list.Items[i]
				}
				return objs, list.GetContinue(), nil
			}, nil)
			if err != nil {
				return err
			}
			if apierrors.IsNotFound(listErr) && try.Objects == 0 {
				continue // this version is not served: try the next
			}
			rec = try
			break
		}
		if rec.State == loader.BundleNotInstalled {
			rec.APIVersion = ""
		}
		c.result.Collection.Lists = append(c.result.Collection.Lists, rec)
	}
	return nil
}

// listInto pages through a list, writes its objects namespace by namespace,
// and records the outcome in rec. Only a failure to write is returned: a list
// that fails is recorded (what was written before stays, marked failed).
func (c *collector) listInto(rec *loader.BundleList, gvk schema.GroupVersionKind, gr schema.GroupResource, namespaced bool,
	page func(metav1.ListOptions) ([]runtime.Object, string, error), keep func(runtime.Object) bool) error {
	var current string
	var buf []runtime.Object
	parts := map[string]int{}
	flush := func() error {
		if len(buf) == 0 {
			return nil
		}
		ns := ""
		if namespaced {
			ns = current
		}
		parts[ns]++
		name := loader.BundleObjectsPath(gr, ns, parts[ns])
		data, err := encodeList(gvk, buf)
		if err != nil {
			return err
		}
		if err := c.out.add(name, data); err != nil {
			return err
		}
		rec.Files = append(rec.Files, name)
		rec.Objects += len(buf)
		c.result.Objects += len(buf)
		buf = buf[:0]
		return nil
	}
	opts := metav1.ListOptions{Limit: pageSize}
	for {
		objs, cont, err := page(opts)
		if err != nil {
			if ferr := flush(); ferr != nil {
				return ferr
			}
			if c.ctx.Err() != nil {
				return c.ctx.Err()
			}
			rec.State, rec.Reason = loader.BundleFailed, loader.BundleFailureReason(err)
			return nil
		}
		for _, obj := range objs {
			// Secret values go first, before anything else looks at the object.
			if s, ok := obj.(*corev1.Secret); ok {
				redact.Secret(s)
			}
			if keep != nil && !keep(obj) {
				continue
			}
			loader.Strip(obj)
			m, err := meta.Accessor(obj)
			if err != nil {
				continue
			}
			// API servers list in namespace order; a namespace seen again
			// later goes to a further file of its own.
			if namespaced && m.GetNamespace() != current {
				if err := flush(); err != nil {
					return err
				}
				current = m.GetNamespace()
			}
			buf = append(buf, obj)
		}
		if cont == "" {
			break
		}
		opts.Continue = cont
	}
	rec.State = loader.BundleCollected
	return flush()
}

func sortedUnique(list []string) []string {
	if len(list) == 0 {
		return nil
	}
	set := map[string]bool{}
	for _, s := range list {
		set[s] = true
	}
	out := make([]string, 0, len(set))
	for s := range set {
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

// plural names a kind in the plural for progress lines.
func plural(kind string) string {
	if strings.HasSuffix(kind, "s") {
		return kind + "es"
	}
	return kind + "s"
}
