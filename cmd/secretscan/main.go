// Command secretscan diagnoses why pods cannot get their Secrets, offline, from
// a cluster dump: it loads the dump into client-go's fake clientset, runs the
// analyzers, and prints one row per root cause.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/secretscan/secretscan/internal/text"
)

// Exit codes of the contract (../shared/FINDINGS.md).
const (
	exitOK       = 0
	exitFindings = 1
	exitUsage    = 2
)

// exitCode carries an exit status out of a command without printing anything.
type exitCode int

func (e exitCode) Error() string { return fmt.Sprintf("exit %d", int(e)) }

// usageError is bad usage or unusable input: one line on stderr, exit 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args, os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run is main without the process: it returns the exit status.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) (code int) {
	defer func() {
		// Nothing in the input may crash the program; a bug still must not print
		// what it was holding, so the panic value is not shown.
		if r := recover(); r != nil {
			fmt.Fprintln(stderr, "secretscan: internal error (please report it with the command you ran; the input is not included here)")
			code = exitUsage
		}
	}()
	app := newApp(stdin, stdout, stderr)
	// Installed as kubectl-secretscan, the binary is a kubectl plugin:
	// `kubectl secretscan analyze ...`, and its help says so.
	if len(args) > 0 && strings.TrimSuffix(filepath.Base(args[0]), ".exe") == "kubectl-secretscan" {
		app.Name, app.HelpName = "kubectl secretscan", "kubectl secretscan"
	}
	err := app.RunContext(ctx, flagsFirst(app, args))
	var ec exitCode
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &ec):
		return int(ec)
	case errors.Is(err, context.Canceled):
		fmt.Fprintln(stderr, "secretscan: interrupted")
		return exitUsage
	}
	fmt.Fprintf(stderr, "secretscan: %s\n", oneLine(err.Error()))
	return exitUsage
}

func oneLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return s
}

// usageErrorHandler turns urfave/cli's usage errors into one line and exit 2,
// instead of the help text.
func usageErrorHandler(c *cli.Context, err error, _ bool) error {
	msg := err.Error()
	msg = strings.TrimPrefix(msg, "Incorrect Usage: ")
	if name, ok := strings.CutPrefix(msg, "flag provided but not defined: -"); ok {
		msg = fmt.Sprintf("unknown flag %s", flagSpelling(name))
		if near := nearestFlag(c, name); near != "" {
			msg += fmt.Sprintf("; did you mean %s?", flagSpelling(near))
		}
		msg += " (see --help)"
	}
	return usagef("%s", msg)
}

// flagSpelling writes a flag name as kubectl users type it: -n, --namespace.
func flagSpelling(name string) string {
	if len(name) == 1 {
		return "-" + name
	}
	return "--" + name
}

// nearestFlag is the command's flag name closest to a misspelled one, or "".
func nearestFlag(c *cli.Context, name string) string {
	var flags []cli.Flag
	if c != nil && c.Command != nil {
		flags = c.Command.Flags
	}
	if len(flags) == 0 && c != nil && c.App != nil {
		flags = c.App.Flags
	}
	best, bestDistance := "", 3
	for _, f := range flags {
		for _, candidate := range f.Names() {
			if len(candidate) < 2 {
				continue
			}
			if d := text.Levenshtein(name, candidate); d < bestDistance {
				best, bestDistance = candidate, d
			}
		}
	}
	return best
}

// flagsFirst moves a command's flags before its arguments, so that
// `secretscan analyze dump.yaml -o json` works as kubectl users type it:
// urfave/cli stops reading flags at the first argument. "--" ends the flags.
func flagsFirst(app *cli.App, args []string) []string {
	if len(args) < 2 || args[len(args)-1] == "--generate-bash-completion" {
		// A completion request completes the line as typed.
		return args
	}
	var cmd *cli.Command
	at := 0
	for i := 1; i < len(args); i++ {
		if !strings.HasPrefix(args[i], "-") {
			cmd, at = app.Command(args[i]), i
			break
		}
	}
	if cmd == nil {
		return args
	}
	takesValue := map[string]bool{}
	for _, f := range cmd.Flags {
		_, isBool := f.(*cli.BoolFlag)
		for _, name := range f.Names() {
			takesValue[name] = !isBool
		}
	}
	var flags, positional []string
	rest := args[at+1:]
	for i := 0; i < len(rest); i++ {
		a := rest[i]
		switch {
		case a == "--":
			positional = append(positional, rest[i+1:]...)
			i = len(rest)
		case a == "-" || !strings.HasPrefix(a, "-"):
			positional = append(positional, a)
		case len(a) > 2 && a[1] != '-' && a[2] != '=' && takesValue[a[1:2]] && !takesValue[a[1:]]:
			// "-oyaml", "-nshop": a one-letter flag with its value attached,
			// as kubectl (pflag) reads them.
			flags = append(flags, a[:2], a[2:])
		default:
			flags = append(flags, a)
			name := strings.TrimLeft(a, "-")
			if !strings.Contains(name, "=") && takesValue[name] && i+1 < len(rest) {
				flags = append(flags, rest[i+1])
				i++
			}
		}
	}
	out := append([]string{}, args[:at+1]...)
	out = append(out, flags...)
	if len(positional) > 0 {
		out = append(out, "--")
		out = append(out, positional...)
	}
	return out
}
