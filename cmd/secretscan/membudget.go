package main

import (
	"os"
	"runtime/debug"
	"runtime/metrics"
)

// memoryBudget keeps the Go heap within the size of the dump read so far, so
// that analysing a dump takes less memory than the dump itself (a large
// cluster's objects, once loaded, take a fraction of their JSON). It raises
// the runtime's soft memory limit as bytes are read; the garbage collector
// then works harder rather than let the heap double. The limit never drops
// below a margin over the live heap, so the collector is never asked for the
// impossible (compact inputs such as YAML hold more objects per byte). A
// GOMEMLIMIT set by the user wins.
type memoryBudget struct {
	enabled bool
	limit   int64
	sample  []metrics.Sample
}

const (
	// budgetFloor keeps small dumps clear of the limit: below it the normal
	// GOGC pacing applies.
	budgetFloor = 192 << 20
	// budgetShare of the bytes read is the limit.
	budgetShare = 0.80
	// budgetLiveMargin is the least headroom over the live heap.
	budgetLiveMargin = 1.4
)

func newMemoryBudget() *memoryBudget {
	_, userLimit := os.LookupEnv("GOMEMLIMIT")
	return &memoryBudget{enabled: !userLimit, sample: []metrics.Sample{{Name: "/gc/heap/live:bytes"}}}
}

// read records that n bytes of the dump have been read.
func (b *memoryBudget) read(n int64) {
	if !b.enabled {
		return
	}
	limit := max(int64(float64(n)*budgetShare), budgetFloor)
	// Raise in steps, not on every read.
	if limit <= b.limit+b.limit/16 {
		return
	}
	metrics.Read(b.sample)
	if b.sample[0].Value.Kind() == metrics.KindUint64 {
		limit = max(limit, int64(float64(b.sample[0].Value.Uint64())*budgetLiveMargin))
	}
	b.limit = limit
	debug.SetMemoryLimit(limit)
}
