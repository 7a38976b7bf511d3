package collect

import (
	"context"
	"strings"
	"sync"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/client-go/kubernetes"

	"github.com/secretscan/secretscan/analyzer/messages"
	"github.com/secretscan/secretscan/loader"
)

// logTarget is one container log to read.
type logTarget struct {
	namespace, pod, container string
	previous                  bool
}

// logTargetsOf returns the logs of a pod's unhealthy containers, the ones the
// analyzers read (analyzer/observe.go containerFailing): a container that
// restarted or is not running. The current log of a container that never ran
// does not exist; the previous one exists once it has terminated.
func logTargetsOf(p *corev1.Pod) []logTarget {
	var out []logTarget
	for _, list := range [][]corev1.ContainerStatus{p.Status.InitContainerStatuses, p.Status.ContainerStatuses, p.Status.EphemeralContainerStatuses} {
		for _, cs := range list {
			terminatedBefore := cs.RestartCount > 0 || cs.LastTerminationState.Terminated != nil
			if !terminatedBefore && cs.State.Running != nil {
				continue // healthy
			}
			neverRan := cs.State.Waiting != nil && !terminatedBefore
			if !neverRan {
				out = append(out, logTarget{p.Namespace, p.Name, cs.Name, false})
			}
			if terminatedBefore {
				out = append(out, logTarget{p.Namespace, p.Name, cs.Name, true})
			}
		}
	}
	return out
}

// logWorkers read logs in parallel: each read is a round trip to a kubelet.
const logWorkers = 4

// fetchedLog is one log read and reduced to its failure lines.
type fetchedLog struct {
	rec  loader.BundleLog
	kept string
}

// collectLogs reads the logs of the unhealthy containers found among the pods
// and writes their failure lines.
func (c *collector) collectLogs() error {
	c.step++
	targets := c.logTargets
	c.logTargets = nil
	if len(targets) == 0 {
		return nil
	}
	c.progress("logs")
	results := make([]fetchedLog, len(targets))
	sem := make(chan struct{}, logWorkers)
	var wg sync.WaitGroup
	for i, t := range targets {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			results[i] = fetchLog(c.ctx, c.client, t, c.opts.LogTailLines, c.opts.LogLimitBytes)
		}()
	}
	wg.Wait()
	if err := c.ctx.Err(); err != nil {
		return err
	}
	for _, r := range results {
		if r.kept != "" {
			r.rec.File = loader.BundleLogPath(r.rec.Namespace, r.rec.Pod, r.rec.Container, r.rec.Previous)
			if err := c.out.add(r.rec.File, []byte(r.kept)); err != nil {
				return err
			}
		}
		c.logs++
		c.result.Collection.Logs = append(c.result.Collection.Logs, r.rec)
	}
	c.progress("logs")
	return nil
}

// fetchLog reads a log tail and keeps only its failure lines: the lines the
// analyzers can read (messages.Classify recognises them). The rest of a log
// may hold anything an application prints, credentials included.
func fetchLog(ctx context.Context, client kubernetes.Interface, t logTarget, tail, limit int64) fetchedLog {
	rec := loader.BundleLog{Namespace: t.namespace, Pod: t.pod, Container: t.container, Previous: t.previous}
	text, err := readLog(ctx, client, t, tail, limit)
	if err != nil {
		rec.State, rec.Reason = loader.BundleFailed, logFailureReason(err)
		return fetchedLog{rec: rec}
	}
	rec.State = loader.BundleCollected
	var kept strings.Builder
	for _, line := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
		if line == "" {
			continue
		}
		rec.Lines++
		if len(messages.Classify(line)) > 0 {
			rec.Kept++
			kept.WriteString(line)
			kept.WriteByte('\n')
		}
	}
	return fetchedLog{rec: rec, kept: kept.String()}
}

func readLog(ctx context.Context, client kubernetes.Interface, t logTarget, tail, limit int64) (string, error) {
	opts := &corev1.PodLogOptions{Container: t.container, Previous: t.previous, TailLines: &tail}
	if limit > 0 {
		opts.LimitBytes = &limit
	}
	raw, err := client.CoreV1().Pods(t.namespace).GetLogs(t.pod, opts).DoRaw(ctx)
	return string(raw), err
}

// logFailureReason names why a log could not be read; the kubelet answers
// 400 for a log that does not exist (a container that never ran, no previous
// instance).
func logFailureReason(err error) string {
	if apierrors.IsBadRequest(err) {
		return "not available"
	}
	return loader.BundleFailureReason(err)
}

// PodLogs serves the logs of a live cluster's containers to the analyzers
// (analyzer.PodLogs), with the bounded tail collect reads.
type PodLogs struct {
	Ctx        context.Context
	Client     kubernetes.Interface
	TailLines  int64
	LimitBytes int64
}

// Log implements analyzer.PodLogs.
func (p PodLogs) Log(namespace, pod, container string, previous bool) (string, bool) {
	tail := p.TailLines
	if tail <= 0 {
		tail = DefaultLogTailLines
	}
	limit := p.LimitBytes
	if limit <= 0 {
		limit = DefaultLogLimitBytes
	}
	text, err := readLog(p.Ctx, p.Client, logTarget{namespace, pod, container, previous}, tail, limit)
	if err != nil {
		return "", false
	}
	return text, true
}
