package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"
)

// progress shows how much of a large dump has been read, on stderr: only on a
// terminal, never with --quiet, only after half a second, at most five times a
// second. For a plain file it draws a bar against the file's size; once more
// bytes come out than the file holds (an archive), it counts bytes instead.
type progress struct {
	w       io.Writer
	enabled bool
	total   int64 // size of the dump file; 0 when unknown (stdin, folders)
	last    time.Time
	start   time.Time
	shown   bool
}

func newProgress(w io.Writer, quiet bool, path string) *progress {
	p := &progress{w: w, enabled: !quiet && isTerminal(w), start: time.Now()}
	if info, err := os.Stat(path); err == nil && info.Mode().IsRegular() {
		p.total = info.Size()
	}
	return p
}

func (p *progress) update(read int64) {
	if !p.enabled {
		return
	}
	now := time.Now()
	if now.Sub(p.start) < 500*time.Millisecond || now.Sub(p.last) < 200*time.Millisecond {
		return
	}
	p.last = now
	p.shown = true
	rate := float64(read) / 1e6 / now.Sub(p.start).Seconds()
	if p.total > 0 && read <= p.total {
		const width = 30
		done := int(float64(width) * float64(read) / float64(p.total))
		fmt.Fprintf(p.w, "\rreading dump [%s%s] %3.0f%% %s of %s (%.0f MB/s)   ",
			strings.Repeat("=", done), strings.Repeat(" ", width-done), 100*float64(read)/float64(p.total), mib(read), mib(p.total), rate)
		return
	}
	fmt.Fprintf(p.w, "\rreading dump: %s (%.0f MB/s)   ", mib(read), rate)
}

func (p *progress) done() {
	if p.shown {
		fmt.Fprint(p.w, "\r\x1b[K")
	}
}

func mib(n int64) string {
	return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
}
