package main

import (
	"os"
	"runtime/debug"
	"runtime/metrics"
	"sync"
	"sync/atomic"
	"time"
)

// memoryBudget keeps the Go heap within the size of the dump read so far, so
// that analysing a dump takes less memory than the dump itself (a large
// cluster's objects, once loaded, take a fraction of their JSON). It raises
// the runtime's soft memory limit as bytes are read; the garbage collector
// then works harder rather than let the heap double. The limit never drops
// below a margin over the live heap, so the collector is never asked for the
// impossible (compact inputs such as YAML, or a dump of events alone, hold
// more objects per byte), and the live heap is looked at while the analysis
// runs too, not only while bytes are read. A GOMEMLIMIT set by the user wins.
type memoryBudget struct {
	enabled bool
	read    atomic.Int64
	limit   int64
	sample  []metrics.Sample
	stop    chan struct{}
	done    sync.WaitGroup
}

const (
	// budgetFloor keeps small dumps clear of the limit: below it the normal
	// GOGC pacing applies.
	budgetFloor = 192 << 20
	// budgetShare of the bytes read is the limit.
	budgetShare = 0.80
	// budgetLiveMargin is the least headroom over the live heap.
	budgetLiveMargin = 1.4
	// budgetInterval is how often the limit is reconsidered.
	budgetInterval = 20 * time.Millisecond
)

// startMemoryBudget starts keeping the budget until stop is called.
func startMemoryBudget() *memoryBudget {
	_, userLimit := os.LookupEnv("GOMEMLIMIT")
	b := &memoryBudget{enabled: !userLimit, sample: []metrics.Sample{{Name: "/gc/heap/live:bytes"}}, stop: make(chan struct{})}
	if !b.enabled {
		return b
	}
	b.done.Add(1)
	go func() {
		defer b.done.Done()
		tick := time.NewTicker(budgetInterval)
		defer tick.Stop()
		for {
			select {
			case <-b.stop:
				return
			case <-tick.C:
				b.adjust()
			}
		}
	}()
	return b
}

// setRead records that n bytes of the dump have been read.
func (b *memoryBudget) setRead(n int64) { b.read.Store(n) }

// adjust raises the limit to the share of the bytes read, or to the margin
// over the live heap, whichever is more; it never lowers it.
func (b *memoryBudget) adjust() {
	limit := max(int64(float64(b.read.Load())*budgetShare), budgetFloor)
	metrics.Read(b.sample)
	if b.sample[0].Value.Kind() == metrics.KindUint64 {
		limit = max(limit, int64(float64(b.sample[0].Value.Uint64())*budgetLiveMargin))
	}
	// Raise in steps, not on every tick.
	if limit <= b.limit+b.limit/16 {
		return
	}
	b.limit = limit
	debug.SetMemoryLimit(limit)
}

// finish stops adjusting the limit (it stays where it is).
func (b *memoryBudget) finish() {
	if b.enabled {
		close(b.stop)
		b.done.Wait()
		b.enabled = false
	}
}
