package analyzer

import (
	"fmt"
	"sort"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	eventsv1 "k8s.io/api/events/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/secretscan/secretscan/analyzer/messages"
)

// event is a core/v1 or events.k8s.io/v1 Event reduced to what evidence needs.
type event struct {
	UID       types.UID
	Type      string // Warning, Normal
	Reason    string
	Message   string
	Source    string // component or reporting controller
	Object    objectKey
	ObjectUID types.UID
	Count     int
	First     time.Time
	Last      time.Time
	Signals   []messages.Signal
}

// evidence renders an event the way the report quotes it:
// Warning FailedMount (x12, last 2026-11-20T10:04:00Z) kubelet: <message>
func (e *event) evidence() string { return e.evidenceOn(1, "") }

// evidenceOn renders the same event seen on several objects of a kind:
// Warning FailedMount (x24 on 2 pods, last ...) kubelet: <message>
func (e *event) evidenceOn(objects int, kind string) string {
	var b strings.Builder
	b.WriteString(e.Type)
	b.WriteByte(' ')
	b.WriteString(e.Reason)
	on := ""
	if objects > 1 {
		on = fmt.Sprintf(" on %d %ss", objects, kind)
	}
	switch {
	case on != "" && !e.Last.IsZero():
		fmt.Fprintf(&b, " (x%d%s, last %s)", e.Count, on, e.Last.UTC().Format(time.RFC3339))
	case e.Count > 1 && !e.Last.IsZero():
		fmt.Fprintf(&b, " (x%d, last %s)", e.Count, e.Last.UTC().Format(time.RFC3339))
	case e.Count > 1:
		fmt.Fprintf(&b, " (x%d)", e.Count)
	case !e.Last.IsZero():
		fmt.Fprintf(&b, " (at %s)", e.Last.UTC().Format(time.RFC3339))
	}
	if e.Source != "" {
		b.WriteByte(' ')
		b.WriteString(e.Source)
	}
	b.WriteString(": ")
	b.WriteString(oneLine(e.Message))
	return b.String()
}

// oneLine folds a multi-line message so that a table cell or log line stays one line.
func oneLine(s string) string {
	s = strings.TrimSpace(s)
	if !strings.ContainsAny(s, "\r\n") {
		return s
	}
	return strings.Join(strings.Fields(strings.ReplaceAll(strings.ReplaceAll(s, "\r", " "), "\n", " ")), " ")
}

// eventIndex finds the events about an object: by its UID first, then by kind,
// namespace and name (events of recreated objects, dumps that lost UIDs).
type eventIndex struct {
	byUID       map[types.UID][]*event
	byKey       map[objectKey][]*event
	byNamespace map[string][]*event
	seen        map[types.UID]bool
	// started is, per pod, when the kubelet last reported a container
	// Started: for a pod known from its events only, the sign it recovered.
	started map[nsName]time.Time
}

func newEventIndex() *eventIndex {
	return &eventIndex{byUID: map[types.UID][]*event{}, byKey: map[objectKey][]*event{}, byNamespace: map[string][]*event{}, seen: map[types.UID]bool{}, started: map[nsName]time.Time{}}
}

// add indexes one event. Routine events that say nothing about a failure
// (Normal events about pods: Scheduled, Pulled, Started...) are classified and
// dropped: they are most of a cluster's events and no check quotes them.
func (idx *eventIndex) add(e *event) {
	if e.UID != "" {
		// The same Event is served by both APIs on a live cluster.
		if idx.seen[e.UID] {
			return
		}
		idx.seen[e.UID] = true
	}
	e.Signals = messages.Classify(e.Message)
	if len(e.Signals) == 0 && e.Type == "Normal" && e.Object.Kind == "Pod" {
		if e.Reason == "Started" {
			k := nsName{e.Object.Namespace, e.Object.Name}
			if t := e.Last; t.After(idx.started[k]) {
				idx.started[k] = t
			}
		}
		return
	}
	idx.byNamespace[e.Object.Namespace] = append(idx.byNamespace[e.Object.Namespace], e)
	if e.ObjectUID != "" {
		idx.byUID[e.ObjectUID] = append(idx.byUID[e.ObjectUID], e)
	}
	idx.byKey[e.Object] = append(idx.byKey[e.Object], e)
}

// finish sorts each object's events newest first.
func (idx *eventIndex) finish() {
	for _, list := range idx.byUID {
		sortEventsNewestFirst(list)
	}
	for _, list := range idx.byKey {
		sortEventsNewestFirst(list)
	}
	idx.seen = nil
}

func fromCoreEvent(ev *corev1.Event) *event {
	e := &event{
		UID:       ev.UID,
		Type:      ev.Type,
		Reason:    ev.Reason,
		Message:   ev.Message,
		Source:    firstOf(ev.Source.Component, ev.ReportingController),
		Object:    objectKey{ev.InvolvedObject.Kind, firstOf(ev.InvolvedObject.Namespace, ev.Namespace), ev.InvolvedObject.Name},
		ObjectUID: ev.InvolvedObject.UID,
		Count:     int(ev.Count),
		First:     ev.FirstTimestamp.Time,
		Last:      ev.LastTimestamp.Time,
	}
	var series *seriesTimes
	if ev.Series != nil {
		series = &seriesTimes{int(ev.Series.Count), ev.Series.LastObservedTime.Time}
	}
	e.settleTimes(ev.EventTime.Time, series)
	return e
}

func fromModernEvent(ev *eventsv1.Event) *event {
	e := &event{
		UID:       ev.UID,
		Type:      ev.Type,
		Reason:    ev.Reason,
		Message:   ev.Note,
		Source:    firstOf(ev.ReportingController, ev.DeprecatedSource.Component),
		Object:    objectKey{ev.Regarding.Kind, firstOf(ev.Regarding.Namespace, ev.Namespace), ev.Regarding.Name},
		ObjectUID: ev.Regarding.UID,
		Count:     int(ev.DeprecatedCount),
		First:     ev.DeprecatedFirstTimestamp.Time,
		Last:      ev.DeprecatedLastTimestamp.Time,
	}
	var series *seriesTimes
	if ev.Series != nil {
		series = &seriesTimes{int(ev.Series.Count), ev.Series.LastObservedTime.Time}
	}
	e.settleTimes(ev.EventTime.Time, series)
	return e
}

// seriesTimes is an event series' count and last sighting, in either API.
type seriesTimes struct {
	count int
	last  time.Time
}

// settleTimes fills the times and count from whichever fields the event's
// writer used: counted events, eventTime-only events, and series.
func (e *event) settleTimes(eventTime time.Time, series *seriesTimes) {
	if e.First.IsZero() {
		e.First = eventTime
	}
	if e.Last.IsZero() {
		e.Last = eventTime
	}
	if series != nil {
		e.Count = max(e.Count, series.count)
		if series.last.After(e.Last) {
			e.Last = series.last
		}
	}
	if e.Count == 0 {
		e.Count = 1
	}
}

func firstOf(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}

func sortEventsNewestFirst(list []*event) {
	sort.SliceStable(list, func(i, j int) bool {
		if !list[i].Last.Equal(list[j].Last) {
			return list[i].Last.After(list[j].Last)
		}
		if list[i].Reason != list[j].Reason {
			return list[i].Reason < list[j].Reason
		}
		return list[i].Message < list[j].Message
	})
}

// about returns the events of an object, by UID and by name, without duplicates, newest first.
func (idx *eventIndex) about(kind, namespace, name string, uid types.UID) []*event {
	var out []*event
	seen := map[*event]bool{}
	if uid != "" {
		for _, e := range idx.byUID[uid] {
			seen[e] = true
			out = append(out, e)
		}
	}
	for _, e := range idx.byKey[objectKey{kind, namespace, name}] {
		if seen[e] {
			continue
		}
		// An event naming the object but carrying another UID is about an earlier
		// object of the same name; it still tells the story of this workload.
		out = append(out, e)
	}
	sortEventsNewestFirst(out)
	return out
}
