package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/secretscan/secretscan/analyzer"
	"github.com/secretscan/secretscan/internal/collect"
	"github.com/secretscan/secretscan/report"
)

// clusterFlags choose the cluster, as kubectl's do; collect and analyze --live share them.
func clusterFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "kubeconfig", Usage: "kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)"},
		&cli.StringFlag{Name: "context", Usage: "kubeconfig context to use (default: the current context)"},
		&cli.DurationFlag{Name: "request-timeout", Value: 60 * time.Second, Usage: "give up on any single request after this long"},
	}
}

func connect(c *cli.Context) (*collect.Connection, error) {
	conn, err := collect.Connect(collect.ConnectOptions{
		Kubeconfig: c.String("kubeconfig"), Context: c.String("context"),
		UserAgent: "secretscan/" + strings.Fields(versionString())[0], Timeout: c.Duration("request-timeout"),
	})
	if err != nil {
		return nil, usagef("%v", err)
	}
	return conn, nil
}

func collectCommand() *cli.Command {
	return &cli.Command{
		Name:  "collect",
		Usage: "read what analyze needs from the current kubeconfig context into a bundle, Secrets without their values",
		Description: `Reads, with the current kubeconfig context (or --kubeconfig, --context), exactly
what the checks use, and writes it as a secretscan bundle (a .tar.gz) that
secretscan analyze reads back with full coverage:
  pods, Deployments, ReplicaSets, StatefulSets, DaemonSets, Jobs, CronJobs,
  ReplicationControllers; Events (core/v1 and events.k8s.io/v1);
  ServiceAccounts, Roles, ClusterRoles and their bindings;
  ExternalSecrets, SealedSecrets, cert-manager Certificates and
  SecretProviderClasses, where their CRDs exist;
  Secrets without any value: type, key names, value sizes, and for image pull
  Secrets the registries only;
  of each unhealthy container's log tail (--log-lines), only the lines that
  say why a Secret could not be read.
collect only reads (list, get, pod logs). A list the API server refuses (403)
or that fails is recorded as such in the bundle, and analyze does not call
its objects missing; collection goes on. The format: docs/bundle-format.md.

Without -n or -A, the context's namespace is collected.

Examples:
  # what to send to support: every namespace
  secretscan collect -A -o bundle.tar.gz
  secretscan analyze bundle.tar.gz

  # two namespaces, another context
  secretscan collect -n shop -n payments --context prod -o shop.tar.gz

  # or skip the bundle: analyze the cluster directly
  secretscan analyze --live -A`,
		OnUsageError: usageErrorHandler,
		Flags: append([]cli.Flag{
			&cli.StringSliceFlag{Name: "namespace", Aliases: []string{"n"}, Usage: "collect this namespace (repeatable, or comma separated)"},
			&cli.BoolFlag{Name: "all-namespaces", Aliases: []string{"A"}, Usage: "collect every namespace"},
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "bundle file to write, - for stdout (default: secretscan-bundle-<time>.tar.gz)"},
			&cli.Int64Flag{Name: "log-lines", Value: collect.DefaultLogTailLines, Usage: "lines of each unhealthy container's log to read (only failure lines are kept); 0 reads no logs"},
			&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "print nothing on stderr but errors"},
		}, clusterFlags()...),
		Action: runCollect,
	}
}

func runCollect(c *cli.Context) error {
	if c.NArg() > 0 {
		return usagef("collect takes no arguments, got %s (the bundle file goes after -o)", strings.Join(c.Args().Slice(), " "))
	}
	var namespaces []string
	for _, ns := range c.StringSlice("namespace") {
		for _, n := range strings.Split(ns, ",") {
			if n = strings.TrimSpace(n); n != "" {
				namespaces = append(namespaces, n)
			}
		}
	}
	all := c.Bool("all-namespaces")
	if all && len(namespaces) > 0 {
		return usagef("-A and -n cannot be used together")
	}
	if c.Int64("log-lines") < 0 {
		return usagef("--log-lines: %d is negative (0 reads no logs)", c.Int64("log-lines"))
	}
	stderr := c.App.ErrWriter
	quiet := c.Bool("quiet")
	conn, err := connect(c)
	if err != nil {
		return err
	}
	if !all && len(namespaces) == 0 {
		namespaces = []string{conn.Namespace}
		if !quiet {
			fmt.Fprintf(stderr, "collecting namespace %s, the context's (-A collects every namespace)\n", conn.Namespace)
		}
	}
	now := time.Now()
	out, commit, abort, err := openBundleOutput(c, c.String("output"), now)
	if err != nil {
		return err
	}
	defer abort()
	progress := newCollectProgress(stderr, quiet)
	result, err := collect.Collect(c.Context, conn.Client, conn.Dynamic, out, collect.Options{
		Namespaces: namespaces, LogTailLines: c.Int64("log-lines"), SecretscanVersion: versionString(),
		Progress: progress.update,
	})
	progress.done()
	if err != nil {
		return fmt.Errorf("collecting from %s: %w", conn.Host, err)
	}
	failed := result.Failed()
	if !result.AnyCollected() {
		return fmt.Errorf("nothing could be collected from %s (%s); no bundle was written", conn.Host, joinFirst(failed, 3))
	}
	name, err := commit()
	if err != nil {
		return err
	}
	if quiet {
		return nil
	}
	scope := "every namespace"
	if !all {
		scope = "namespace " + strings.Join(result.Header.Namespaces, ", ")
		if len(result.Header.Namespaces) > 1 {
			scope = "namespaces " + strings.Join(result.Header.Namespaces, ", ")
		}
	}
	logs := 0
	for _, l := range result.Collection.Logs {
		if l.File != "" {
			logs++
		}
	}
	fmt.Fprintf(stderr, "wrote %s (%s): %d objects from %s, Secrets without values; failure lines of %d container %s\n",
		name, humanSize(result.Bytes), result.Objects, scope, logs, pluralWord(logs, "log", "logs"))
	if len(failed) > 0 {
		fmt.Fprintf(stderr, "not collected (recorded in the bundle; analyze will not call these objects missing): %s\n", strings.Join(failed, ", "))
	}
	if name != "stdout" {
		fmt.Fprintf(stderr, "next: secretscan analyze %s\n", name)
	}
	return nil
}

// openBundleOutput opens where the bundle goes. A file is written under a
// temporary name beside it and renamed by commit, so that an interrupted
// collection leaves no partial bundle; abort removes it unless committed.
func openBundleOutput(c *cli.Context, name string, now time.Time) (w io.Writer, commit func() (string, error), abort func(), err error) {
	if name == "-" {
		if isTerminal(c.App.Writer) {
			return nil, nil, nil, usagef("refusing to write a gzip bundle to a terminal; use -o FILE, or redirect stdout")
		}
		return c.App.Writer, func() (string, error) { return "stdout", nil }, func() {}, nil
	}
	if name == "" {
		name = "secretscan-bundle-" + now.UTC().Format("2006-01-02T15_04_05") + ".tar.gz"
	}
	if info, err := os.Stat(name); err == nil && info.IsDir() {
		return nil, nil, nil, usagef("-o %s is a folder; give a file name, e.g. %s", name, filepath.Join(name, "bundle.tar.gz"))
	}
	f, err := os.CreateTemp(filepath.Dir(name), ".secretscan-bundle-*.partial")
	if err != nil {
		return nil, nil, nil, usagef("cannot write %s: %v", name, err)
	}
	committed := false
	commit = func() (string, error) {
		if err := f.Close(); err != nil {
			return "", fmt.Errorf("writing %s: %w", name, err)
		}
		if err := os.Rename(f.Name(), name); err != nil {
			return "", fmt.Errorf("writing %s: %w", name, err)
		}
		committed = true
		return name, nil
	}
	abort = func() {
		if !committed {
			f.Close()
			os.Remove(f.Name())
		}
	}
	return f, commit, abort, nil
}

// collectProgress shows on stderr, for a terminal only, which kind is being
// read, at most a few times a second.
type collectProgress struct {
	w       io.Writer
	enabled bool
	last    time.Time
	shown   bool
}

func newCollectProgress(w io.Writer, quiet bool) *collectProgress {
	return &collectProgress{w: w, enabled: !quiet && isTerminal(w)}
}

func (p *collectProgress) update(pr collect.Progress) {
	if !p.enabled || time.Since(p.last) < 100*time.Millisecond {
		return
	}
	p.last, p.shown = time.Now(), true
	fmt.Fprintf(p.w, "\r\x1b[Kcollecting %s (%d/%d): %d objects, %d logs", pr.What, pr.Step, pr.Steps, pr.Objects, pr.Logs)
}

func (p *collectProgress) done() {
	if p.shown {
		fmt.Fprint(p.w, "\r\x1b[K")
	}
}

// runLiveAnalysis is analyze --live: the same analyzers on the clients of the
// current kubeconfig context. A live cluster holds every kind; a list the API
// server refuses is a coverage gap (the analyzers record it as not collected).
func runLiveAnalysis(c *cli.Context, opts analyzeOptions) error {
	conn, err := connect(c)
	if err != nil {
		return err
	}
	logs := collect.PodLogs{Ctx: c.Context, Client: conn.Client, TailLines: collect.DefaultLogTailLines}
	result, err := analyzer.Analyze(c.Context, analyzer.Cluster{Client: conn.Client, Dynamic: conn.Dynamic, Logs: logs, Namespaces: opts.filter.Namespaces})
	if err != nil {
		return fmt.Errorf("analyzing %s: %w", conn.Host, err)
	}
	summary, failures := conn.Coverage()
	var gaps []report.CoverageGap
	for _, g := range failures {
		gaps = append(gaps, report.CoverageGap{Kind: g.Kind, State: "collection failed", Reason: g.Reason})
	}
	path := "context " + conn.Context
	if conn.Context == "" {
		path = conn.Host
	}
	findings := opts.filter.Apply(result.Findings)
	rep := report.New(report.Source{Path: path, Format: "live", Objects: conn.Objects()}, summary, gaps, result.Warnings, findings)
	return writeReport(c, opts, rep, len(result.Findings)-len(findings))
}

func humanSize(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

func pluralWord(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func joinFirst(items []string, n int) string {
	if len(items) <= n {
		return strings.Join(items, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(items[:n], ", "), len(items)-n)
}

// liveFlags are analyze's flags for reading a cluster instead of a dump.
func liveFlags() []cli.Flag {
	return append([]cli.Flag{
		&cli.BoolFlag{Name: "live", Usage: "analyze the cluster of the current kubeconfig context instead of a dump (read-only)"},
	}, clusterFlags()...)
}
