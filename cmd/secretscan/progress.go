package main

import (
	"fmt"
	"io"
	"time"
)

// progress shows bytes read on stderr while a large dump loads: only on a
// terminal, never with --quiet, and at most a few times a second.
type progress struct {
	w       io.Writer
	enabled bool
	last    time.Time
	start   time.Time
	shown   bool
}

func newProgress(w io.Writer, quiet bool) *progress {
	return &progress{w: w, enabled: !quiet && isTerminal(w), start: time.Now()}
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
	secs := now.Sub(p.start).Seconds()
	fmt.Fprintf(p.w, "\rreading dump: %s (%.0f MB/s)   ", mib(read), float64(read)/1e6/secs)
}

func (p *progress) done() {
	if p.shown {
		fmt.Fprint(p.w, "\r\x1b[K")
	}
}

func mib(n int64) string {
	return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
}
