package main

import (
	"bufio"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"

	"github.com/urfave/cli/v2"
	"golang.org/x/term"

	"github.com/secretscan/secretscan/analyzer"
	"github.com/secretscan/secretscan/loader"
	"github.com/secretscan/secretscan/report"
)

func analyzeCommand() *cli.Command {
	return &cli.Command{
		Name:      "analyze",
		Usage:     "analyze a cluster dump and report why pods cannot get their Secrets",
		ArgsUsage: "DUMP | --live",
		BashComplete: completeValues(map[string][]string{
			"-o": report.Formats, "--output": report.Formats,
			"--fail-on": {"none", "info", "warning", "error"},
			"--only":    findingIDs(), "--skip": findingIDs(),
		}),
		Description: `DUMP is a file, a folder or an archive (.tar, .tar.gz, .tgz, .gz, .zip), or - for stdin.
The format is found from the content, not the file name.

Examples:
  # a bundle from secretscan collect (Secrets without their values)
  secretscan analyze bundle.tar.gz

  # kubectl output, saved or piped (see the README for a set that leaves Secret values out)
  kubectl get pods,deploy,rs,sts,ds,jobs,cronjobs,sa,events -A -o yaml > dump.yaml
  secretscan analyze dump.yaml
  kubectl get pods,events -A -o json | secretscan analyze -

  # a support bundle, a cluster-info dump, a must-gather
  secretscan analyze support-bundle-2026-11-20T10_04_00.tar.gz
  secretscan analyze -n shop -o wide cluster-info.tar.gz

  # for scripts and CI gates: exit 1 on any warning or error
  secretscan analyze -o json --fail-on warning dump.yaml

  # no dump: the cluster of the current kubeconfig context, read-only
  secretscan analyze --live -n shop
  secretscan analyze --live --context prod -A`,
		OnUsageError: usageErrorHandler,
		Flags: append([]cli.Flag{
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Value: "table", Usage: "output format: " + strings.Join(report.Formats, ", ")},
			&cli.StringSliceFlag{Name: "namespace", Aliases: []string{"n"}, Usage: "only report findings in this namespace (repeatable)"},
			&cli.BoolFlag{Name: "all-namespaces", Aliases: []string{"A"}, Usage: "report findings in every namespace, as without -n"},
			&cli.StringFlag{Name: "min-severity", Value: "info", Usage: "hide findings below this severity: info, warning, error"},
			&cli.StringSliceFlag{Name: "only", Usage: "report only these finding IDs (repeatable, or comma separated)"},
			&cli.StringSliceFlag{Name: "skip", Usage: "never report these finding IDs (repeatable, or comma separated)"},
			&cli.StringFlag{Name: "fail-on", Value: "error", Usage: "exit 1 when a reported finding reaches this severity: none, info, warning, error"},
			&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "print nothing but the report (no progress)"},
			&cli.BoolFlag{Name: "no-color", Usage: "never colour the table (also: NO_COLOR=1)"},
			&cli.StringFlag{Name: "max-total-bytes", Value: "4GiB", Usage: "stop when the input, decompressed, exceeds this size (archives count whole, skipped members too)"},
			&cli.StringFlag{Name: "max-file-bytes", Value: "2GiB", Usage: "stop when one file or archive member, decompressed, exceeds this size"},
			&cli.StringFlag{Name: "max-document-bytes", Value: "16MiB", Usage: "skip (with a warning) any single object larger than this, also once its YAML aliases are expanded"},
			&cli.IntFlag{Name: "max-depth", Value: loader.DefaultLimits().MaxDepth, Usage: fmt.Sprintf("skip (with a warning) any object nested deeper than this (at most %d)", loader.MaxDepthCeiling)},
			&cli.IntFlag{Name: "max-document-objects", Value: loader.DefaultLimits().MaxDocumentObjects, Usage: "skip (with a warning) any single object made of more JSON objects (YAML mappings) than this"},
			&cli.Int64Flag{Name: "max-yaml-alias-nodes", Value: loader.DefaultLimits().MaxYAMLAliasNodes, Usage: "skip (with a warning) any YAML document whose aliases add more nodes than this when expanded"},
		}, liveFlags()...),
		Action: runAnalyze,
	}
}

// analyzeOptions are the parsed flags of analyze.
type analyzeOptions struct {
	output    string
	filter    analyzer.Filter
	failOn    analyzer.Severity // 0: never fail
	limits    loader.Limits
	quiet     bool
	noColor   bool
	dumpPath  string
	live      bool // read the cluster of the kubeconfig context, not a dump
	colorable bool
}

func parseAnalyzeFlags(c *cli.Context) (analyzeOptions, error) {
	var o analyzeOptions
	if o.live = c.Bool("live"); o.live && c.NArg() > 0 {
		return o, usagef("analyze --live reads the cluster of the kubeconfig context and takes no DUMP, got %s", strings.Join(c.Args().Slice(), " "))
	}
	if !o.live && c.NArg() != 1 {
		if c.NArg() == 0 {
			return o, usagef("analyze needs a DUMP: a file, a folder, an archive, or - for stdin (see %s analyze --help)", c.App.Name)
		}
		return o, usagef("analyze takes one DUMP, got %d arguments: %s", c.NArg(), strings.Join(c.Args().Slice(), " "))
	}
	if !o.live {
		for _, name := range []string{"kubeconfig", "context"} {
			if c.IsSet(name) {
				return o, usagef("--%s applies to --live only; a DUMP is read as it is", name)
			}
		}
	}
	o.dumpPath = c.Args().First()
	o.output = strings.ToLower(c.String("output"))
	if !contains(report.Formats, o.output) {
		return o, usagef("unknown output format %q for -o (want one of %s)", c.String("output"), strings.Join(report.Formats, ", "))
	}
	for _, ns := range c.StringSlice("namespace") {
		for _, n := range strings.Split(ns, ",") {
			if n = strings.TrimSpace(n); n != "" {
				o.filter.Namespaces = append(o.filter.Namespaces, n)
			}
		}
	}
	if c.Bool("all-namespaces") && len(o.filter.Namespaces) > 0 {
		return o, usagef("-A and -n cannot be used together")
	}
	minSev, err := analyzer.ParseSeverity(c.String("min-severity"))
	if err != nil {
		return o, usagef("--min-severity: %v", err)
	}
	o.filter.MinSeverity = minSev
	if o.filter.Only, err = parseIDs(c.StringSlice("only"), "--only"); err != nil {
		return o, err
	}
	if o.filter.Skip, err = parseIDs(c.StringSlice("skip"), "--skip"); err != nil {
		return o, err
	}
	if f := strings.ToLower(c.String("fail-on")); f != "none" {
		if o.failOn, err = analyzer.ParseSeverity(f); err != nil {
			return o, usagef("--fail-on: unknown severity %q (want none, info, warning or error)", c.String("fail-on"))
		}
	}
	o.limits = loader.DefaultLimits()
	for _, l := range []struct {
		flag string
		dst  *int64
	}{{"max-total-bytes", &o.limits.MaxTotalBytes}, {"max-file-bytes", &o.limits.MaxMemberBytes}, {"max-document-bytes", &o.limits.MaxDocumentBytes}} {
		n, err := parseSize(c.String(l.flag))
		if err != nil {
			return o, usagef("--%s: %v", l.flag, err)
		}
		*l.dst = n
	}
	if o.limits.MaxDepth = c.Int("max-depth"); o.limits.MaxDepth <= 0 || o.limits.MaxDepth > loader.MaxDepthCeiling {
		return o, usagef("--max-depth: %d is not between 1 and %d (the JSON and YAML decoders read no deeper)", c.Int("max-depth"), loader.MaxDepthCeiling)
	}
	if o.limits.MaxDocumentObjects = c.Int("max-document-objects"); o.limits.MaxDocumentObjects <= 0 {
		return o, usagef("--max-document-objects: %d is not a positive number", c.Int("max-document-objects"))
	}
	if o.limits.MaxYAMLAliasNodes = c.Int64("max-yaml-alias-nodes"); o.limits.MaxYAMLAliasNodes <= 0 {
		return o, usagef("--max-yaml-alias-nodes: %d is not a positive number", c.Int64("max-yaml-alias-nodes"))
	}
	o.quiet = c.Bool("quiet")
	o.noColor = c.Bool("no-color") || os.Getenv("NO_COLOR") != ""
	return o, nil
}

func parseIDs(values []string, flag string) ([]analyzer.ID, error) {
	var ids []analyzer.ID
	for _, v := range values {
		for _, s := range strings.Split(v, ",") {
			s = strings.TrimSpace(s)
			if s == "" {
				continue
			}
			if _, ok := analyzer.Lookup(analyzer.ID(s)); !ok {
				hint := ""
				if guess, ok := closestID(s); ok {
					hint = fmt.Sprintf("; did you mean %s?", guess)
				}
				return nil, usagef("%s: unknown finding ID %q%s (secretscan explain lists them)", flag, s, hint)
			}
			ids = append(ids, analyzer.ID(s))
		}
	}
	return ids, nil
}

// parseSize reads 512, 64MiB, 4GiB, 10MB.
func parseSize(s string) (int64, error) {
	t := strings.TrimSpace(s)
	units := []struct {
		suffix string
		mult   int64
	}{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"TiB", 1 << 40}, {"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9}, {"K", 1 << 10}, {"M", 1 << 20}, {"G", 1 << 30}, {"B", 1}}
	mult := int64(1)
	for _, u := range units {
		if strings.HasSuffix(t, u.suffix) {
			t, mult = strings.TrimSpace(strings.TrimSuffix(t, u.suffix)), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(t, 10, 64)
	if err != nil || n <= 0 || n > math.MaxInt64/mult {
		return 0, fmt.Errorf("%q is not a size (e.g. 512MiB, 4GiB)", s)
	}
	return n * mult, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func runAnalyze(c *cli.Context) error {
	opts, err := parseAnalyzeFlags(c)
	if err != nil {
		return err
	}
	if opts.live {
		return runLiveAnalysis(c, opts)
	}
	stdin := bufio.NewReaderSize(c.App.Reader, 1<<20)
	if err := loader.CheckBundle(opts.dumpPath, stdin); err != nil {
		return usagef("%v", err)
	}
	stderr := c.App.ErrWriter
	progress := newProgress(stderr, opts.quiet, opts.dumpPath)
	budget := startMemoryBudget()
	defer budget.finish()
	dump, err := loader.Load(c.Context, opts.dumpPath, loader.Options{Limits: opts.limits, Stdin: stdin, Progress: func(read int64) {
		budget.setRead(read)
		progress.update(read)
	}})
	progress.done()
	if err != nil {
		return usagef("%v", err)
	}
	result, err := analyzer.Analyze(c.Context, analyzer.Cluster{Client: dump.Client, Dynamic: dump.Dynamic, Coverage: dump.Coverage, Logs: dump.Logs, Namespaces: opts.filter.Namespaces})
	if err != nil {
		return usagef("%v", err)
	}
	findings := opts.filter.Apply(result.Findings)
	warnings := append(append([]string{}, dump.Warnings...), result.Warnings...)
	var gaps []report.CoverageGap
	for _, g := range dump.Coverage.GapDetails() {
		gaps = append(gaps, report.CoverageGap{Kind: g.Kind, State: g.State.String(), Reason: g.Reason, Namespaces: g.Namespaces})
	}
	rep := report.New(report.Source{Path: dump.Source.Path, Format: string(dump.Source.Format), Objects: dump.Source.Objects},
		dump.Coverage.Summary(), gaps, warnings, findings)
	return writeReport(c, opts, rep, len(result.Findings)-len(findings))
}

// writeReport renders the report and turns --fail-on into the exit status.
// hidden counts the findings the filters left out.
func writeReport(c *cli.Context, opts analyzeOptions, rep *report.Report, hidden int) error {
	ropts := report.Options{Color: !opts.noColor && isTerminal(c.App.Writer) && os.Getenv("TERM") != "dumb", ToolVersion: versionString(), Hidden: hidden}
	if width := terminalWidth(c.App.Writer); width > 0 {
		ropts.Width = width
	}
	if err := report.Write(c.App.Writer, rep, opts.output, ropts); err != nil {
		return fmt.Errorf("writing the report: %w", err)
	}
	if opts.failOn != 0 {
		for _, f := range rep.Findings {
			if f.Severity >= opts.failOn {
				return exitCode(exitFindings)
			}
		}
	}
	return nil
}

func isTerminal(w any) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

func terminalWidth(w any) int {
	f, ok := w.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return 0
	}
	width, _, err := term.GetSize(int(f.Fd()))
	if err != nil {
		return 0
	}
	return width
}
