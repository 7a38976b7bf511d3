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
	"strings"

	"github.com/urfave/cli/v2"
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
	err := app.RunContext(ctx, args)
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
func usageErrorHandler(_ *cli.Context, err error, _ bool) error {
	msg := err.Error()
	msg = strings.TrimPrefix(msg, "Incorrect Usage: ")
	if strings.HasPrefix(msg, "flag provided but not defined: ") {
		msg = fmt.Sprintf("unknown flag %s (see --help)", strings.TrimPrefix(msg, "flag provided but not defined: "))
	}
	return usagef("%s", msg)
}
