package loader

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"

	corev1 "k8s.io/api/core/v1"
)

// PodLogs holds the container logs a dump carried.
type PodLogs struct {
	mu   sync.Mutex
	logs map[logKey]string
}

type logKey struct {
	Namespace, Pod, Container string
	Previous                  bool
}

func newPodLogs() *PodLogs { return &PodLogs{logs: map[logKey]string{}} }

func (p *PodLogs) add(namespace, pod, container string, previous bool, text string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	k := logKey{namespace, pod, container, previous}
	if have, ok := p.logs[k]; ok && len(have) >= len(text) {
		return
	}
	p.logs[k] = text
}

func (p *PodLogs) count() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.logs)
}

// namespaces returns the namespaces of the pods whose logs are held.
func (p *PodLogs) namespaces() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	set := map[string]bool{}
	for k := range p.logs {
		set[k.Namespace] = true
	}
	return sortedKeys(set)
}

// Log implements analyzer.PodLogs.
func (p *PodLogs) Log(namespace, pod, container string, previous bool) (string, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	text, ok := p.logs[logKey{namespace, pod, container, previous}]
	return text, ok
}

// Count returns how many container logs the dump held.
func (p *PodLogs) Count() int { return p.count() }

// Containers lists the logs held, as "namespace/pod/container" with
// " (previous)" for a terminated instance's log, sorted.
func (p *PodLogs) Containers() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make([]string, 0, len(p.logs))
	for k := range p.logs {
		s := k.Namespace + "/" + k.Pod + "/" + k.Container
		if k.Previous {
			s += " (previous)"
		}
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

// maxLogBytes is how much of a container log is kept: its end, the lines
// nearest the failure.
const maxLogBytes = 1 << 20

// readLog reads a container log, keeping its end when it is very long.
func readLog(r io.Reader) (string, error) {
	var buf []byte
	chunk := make([]byte, 64<<10)
	for {
		n, err := r.Read(chunk)
		buf = append(buf, chunk[:n]...)
		if len(buf) > 2*maxLogBytes {
			buf = append(buf[:0], buf[len(buf)-maxLogBytes:]...)
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return "", err
		}
	}
	if len(buf) > maxLogBytes {
		buf = buf[len(buf)-maxLogBytes:]
	}
	return string(buf), nil
}

// readLogBlocks reads cluster-info dump's <ns>/<pod>/logs.txt: one
// "==== START logs for container C of pod NS/P ====" ... "==== END ..." block
// per container, init containers first.
func readLogBlocks(l *loadState, name string, r *bufio.Reader, rt route) error {
	lr := &lineReader{r: r}
	blocks := 0
	var body bytes.Buffer
	var ns, pod, container string
	inBlock, stray := false, 0
	for {
		line, _, err := lr.readLine(1 << 20)
		if len(line) > 0 {
			switch {
			case !inBlock:
				if n, p, c, ok := parseLogHeader(string(line)); ok {
					ns, pod, container, inBlock = n, p, c, true
					body.Reset()
				} else if len(bytes.TrimSpace(line)) > 0 {
					stray++
				}
			case strings.HasPrefix(string(line), logEndPrefix):
				l.logs.add(ns, pod, container, false, keepEnd(body.String()))
				blocks++
				inBlock = false
			default:
				body.Write(line)
				if body.Len() > 2*maxLogBytes {
					tail := append([]byte(nil), body.Bytes()[body.Len()-maxLogBytes:]...)
					body.Reset()
					body.Write(tail)
				}
			}
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
	}
	if inBlock {
		l.logs.add(ns, pod, container, false, keepEnd(body.String()))
		blocks++
		l.warn(fmt.Sprintf("%s: the last log block has no END marker (the file is cut off)", name))
	}
	if blocks == 0 {
		l.nonObjects = append(l.nonObjects, nonObjectFile{name: name, seq: l.nextSeq()})
	} else if stray > 0 {
		l.warn(fmt.Sprintf("%s: %d %s outside the log blocks skipped", name, stray, plural(stray, "line", "lines")))
	}
	return nil
}

func keepEnd(s string) string {
	if len(s) > maxLogBytes {
		return s[len(s)-maxLogBytes:]
	}
	return s
}

// podLogFile is a troubleshoot log file whose container is not yet known:
// pods/logs/<ns>/<pod>/<stem>.log.
type podLogFile struct {
	namespace, pod, stem, text string
}

// placePodLogs decides, for each troubleshoot log file, which container it is
// of. troubleshoot writes <container>.log, <container>-previous.log, and
// <container>-logs-errors.log when it could not fetch the log; a container
// really named "x-previous" (or "x-logs-errors") would write the same names,
// so the pod's spec decides: a stem that names one of its containers is that
// container's current log.
func (l *loadState) placePodLogs() {
	if len(l.podLogFiles) == 0 {
		return
	}
	containers := map[objectName]map[string]bool{}
	for _, st := range l.store.objects() {
		if st.d.kind != "Pod" || !st.d.typed {
			continue
		}
		obj, err := st.d.object()
		if err != nil {
			continue
		}
		pod, ok := obj.(*corev1.Pod)
		if !ok {
			continue
		}
		names := map[string]bool{}
		for _, list := range [][]corev1.Container{pod.Spec.InitContainers, pod.Spec.Containers} {
			for _, c := range list {
				names[c.Name] = true
			}
		}
		for _, c := range pod.Spec.EphemeralContainers {
			names[c.Name] = true
		}
		containers[objectName{pod.Namespace, pod.Name}] = names
	}
	for _, f := range l.podLogFiles {
		known, podKnown := containers[objectName{f.namespace, f.pod}]
		has := func(c string) bool { return !podKnown || known[c] }
		switch {
		case podKnown && known[f.stem]:
			l.logs.add(f.namespace, f.pod, f.stem, false, f.text)
		case strings.HasSuffix(f.stem, "-logs-errors") && has(strings.TrimSuffix(f.stem, "-logs-errors")):
			// The collector's error text (e.g. "container is waiting to start"), not a log.
		case strings.HasSuffix(f.stem, "-previous") && has(strings.TrimSuffix(f.stem, "-previous")):
			l.logs.add(f.namespace, f.pod, strings.TrimSuffix(f.stem, "-previous"), true, f.text)
		default:
			l.logs.add(f.namespace, f.pod, f.stem, false, f.text)
		}
	}
	l.podLogFiles = nil
}

// objectName names a namespaced object within its kind.
type objectName struct{ Namespace, Name string }
