package main

import (
	"fmt"
	"io"
	"runtime/debug"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/secretscan/secretscan/internal/text"
)

// version and commit are set by the Makefile's -ldflags.
var (
	version = ""
	commit  = ""
)

func versionString() string {
	v, c := version, commit
	if info, ok := debug.ReadBuildInfo(); ok {
		if v == "" && info.Main.Version != "" && info.Main.Version != "(devel)" {
			v = info.Main.Version
		}
		for _, s := range info.Settings {
			if s.Key == "vcs.revision" && c == "" {
				c = s.Value
			}
		}
	}
	if v == "" {
		v = "dev"
	}
	if c == "" {
		return v
	}
	if len(c) > 12 {
		c = c[:12]
	}
	return fmt.Sprintf("%s (commit %s)", v, c)
}

func newApp(stdin io.Reader, stdout, stderr io.Writer) *cli.App {
	app := &cli.App{
		Name:  "secretscan",
		Usage: "find why pods cannot get their Secrets, offline, from a cluster dump",
		Description: `secretscan reads a dump (kubectl get -A -o yaml|json, kubectl cluster-info dump,
a troubleshoot support bundle, a must-gather tree, a Velero backup, or a folder
of manifests; as a file, a folder, an archive or stdin), loads it into
client-go's fake clientset, and reports one row per root cause with the
evidence Kubernetes printed and the fix.`,
		Version:              versionString(),
		Reader:               stdin,
		Writer:               stdout,
		ErrWriter:            stderr,
		HideHelpCommand:      true,
		EnableBashCompletion: true,
		OnUsageError:         usageErrorHandler,
		Commands: []*cli.Command{
			analyzeCommand(),
			collectCommand(),
			canICommand(),
			explainCommand(),
			completionCommand(),
			{
				Name:         "version",
				Usage:        "print the version (as --version does)",
				OnUsageError: usageErrorHandler,
				Action: func(c *cli.Context) error {
					if c.NArg() > 0 {
						return usagef("version takes no arguments, got %s", strings.Join(c.Args().Slice(), " "))
					}
					cli.VersionPrinter(c)
					return nil
				},
			},
		},
		// With no command, show the help; an unknown one is a usage error.
		Action: func(c *cli.Context) error {
			if c.NArg() == 0 {
				return cli.ShowAppHelp(c)
			}
			name := c.Args().First()
			if name == "help" {
				// "secretscan help analyze", as kubectl help does.
				if topic := c.Args().Get(1); topic != "" && c.App.Command(topic) != nil {
					return cli.ShowCommandHelp(c, topic)
				}
				return cli.ShowAppHelp(c)
			}
			for _, cmd := range c.App.Commands {
				if text.Levenshtein(name, cmd.Name) <= 2 {
					return usagef("unknown command %q; did you mean %s? (see --help)", name, cmd.Name)
				}
			}
			return usagef("unknown command %q (see --help)", name)
		},
		ExitErrHandler: func(*cli.Context, error) {},
	}
	return app
}

// urfave/cli keeps its version printer in a global: set it once, not per app.
func init() {
	cli.VersionPrinter = func(c *cli.Context) { fmt.Fprintf(c.App.Writer, "secretscan %s\n", c.App.Version) }
}
