// Package loader reads cluster dumps (kubectl get output, kubectl cluster-info
// dump, troubleshoot support bundles, must-gather trees, Velero backups, folders
// of manifests; as files, folders, stdin or archives) into client-go's fake
// clientset. It knows file formats and nothing about diagnosis: it counts what
// it read, records what the format could not hold (coverage) and what it could
// not read (warnings), and removes every Secret value before anything else sees it.
package loader

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	runtimepkg "k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	dynamicfake "k8s.io/client-go/dynamic/fake"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/kubernetes/fake"
)

// Options tune a load.
type Options struct {
	Limits Limits
	// Stdin is read when the path is "-".
	Stdin io.Reader
	// Progress, if set, is called with the number of bytes read so far.
	Progress func(read int64)
	// Workers decode documents in parallel; 0 means one per CPU.
	Workers int
}

// Source describes what was read.
type Source struct {
	Path      string         `json:"path"`
	Format    Format         `json:"format"`
	Container Container      `json:"-"`
	Objects   map[string]int `json:"objects"`
}

// Dump is a loaded dump: clients serving its objects, and what the format held.
type Dump struct {
	Source   Source
	Coverage *Coverage
	// Warnings name every file or document that could not be read whole.
	Warnings []string
	Client   kubernetes.Interface
	Dynamic  dynamic.Interface
	Logs     *PodLogs
}

// ErrNothingRead is returned when an input holds no readable object at all.
var ErrNothingRead = errors.New("no Kubernetes objects found")

// Load reads the dump at path ("-" for stdin).
func Load(ctx context.Context, path string, opts Options) (*Dump, error) {
	if opts.Limits == (Limits{}) {
		opts.Limits = DefaultLimits()
	}
	if opts.Stdin == nil {
		opts.Stdin = os.Stdin
	}
	l := newLoadState(ctx, opts)
	walker := &inputWalker{ctx: ctx, limits: opts.Limits, visit: l.member, warn: l.warn}
	if opts.Progress != nil {
		var read int64
		walker.progress = func(n int64) { read += n; opts.Progress(read) }
	}
	l.start()
	walkErr := walker.walk(path, opts.Stdin)
	l.finish()
	if walkErr != nil {
		return nil, describeInputError(path, walkErr)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	objects := l.store.objects()
	if len(objects) == 0 && l.logs.count() == 0 {
		if len(l.warnings) > 0 {
			return nil, fmt.Errorf("%w in %s: %s", ErrNothingRead, displayPath(path), l.sortedWarnings()[0])
		}
		return nil, fmt.Errorf("%w in %s", ErrNothingRead, displayPath(path))
	}
	format := l.detectFormat(walker.container)
	d := &Dump{
		Source:   Source{Path: displayPath(path), Format: format, Container: walker.container, Objects: l.store.counts()},
		Coverage: l.coverage(format),
		Warnings: l.sortedWarnings(),
		Logs:     l.logs,
	}
	client, dyn, err := buildClients(objects)
	if err != nil {
		return nil, err
	}
	d.Client, d.Dynamic = client, dyn
	return d, nil
}

func displayPath(p string) string {
	if p == "-" {
		return "stdin"
	}
	return p
}

// describeInputError turns a reading failure into one line naming the input.
func describeInputError(path string, err error) error {
	var limit *LimitError
	switch {
	case errors.As(err, &limit):
		return fmt.Errorf("%s: %w", displayPath(path), err)
	case errors.Is(err, os.ErrNotExist):
		return fmt.Errorf("%s: no such file or folder", path)
	case errors.Is(err, os.ErrPermission):
		return fmt.Errorf("%s: permission denied", path)
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return err
	}
	return fmt.Errorf("reading %s: %w", displayPath(path), err)
}

// loadState is one load in progress: the splitters feed documents to decoding
// workers, whose results one collector merges into the store.
type loadState struct {
	ctx     context.Context
	opts    Options
	jobs    chan job
	results chan result
	workers sync.WaitGroup
	done    chan struct{}
	seq     int64

	mu       sync.Mutex // guards warnings, logs and the format evidence
	warnings []warning
	store    *objectStore
	logs     *PodLogs
	// listKinds are the typed List kinds seen, even empty ones: a SecretList with
	// no items proves the namespace has no Secrets.
	listKinds map[string]bool
	// layout gathers the evidence of each dump format, from member paths.
	layout *layoutEvidence
}

type job struct {
	doc  document
	file string
	seq  int64
	// hintKind is the kind the file's path implies, for items with no kind.
	hintKind string
}

type result struct {
	d    decoded
	err  error
	job  job
	seqs int64
}

type warning struct {
	seq  int64
	text string
}

func newLoadState(ctx context.Context, opts Options) *loadState {
	return &loadState{
		ctx: ctx, opts: opts,
		jobs:      make(chan job, 256),
		results:   make(chan result, 256),
		done:      make(chan struct{}),
		store:     newObjectStore(),
		logs:      newPodLogs(),
		listKinds: map[string]bool{},
		layout:    newLayoutEvidence(),
	}
}

func (l *loadState) start() {
	n := l.opts.Workers
	if n <= 0 {
		n = runtime.GOMAXPROCS(0)
	}
	for i := 0; i < n; i++ {
		l.workers.Add(1)
		go func() {
			defer l.workers.Done()
			for j := range l.jobs {
				if j.doc.Kind == "" && j.hintKind != "" {
					j.doc.Kind = j.hintKind
				}
				d, err := decodeDocument(j.doc)
				j.doc.Raw = nil
				l.results <- result{d: d, err: err, job: j}
			}
		}()
	}
	go func() {
		for r := range l.results {
			l.collect(r)
		}
		close(l.done)
	}()
}

func (l *loadState) finish() {
	close(l.jobs)
	l.workers.Wait()
	close(l.results)
	<-l.done
}

// collect merges one decoded document; it runs on one goroutine.
func (l *loadState) collect(r result) {
	if r.err != nil {
		if errors.Is(r.err, errNoObject) {
			return
		}
		l.warnAt(r.job.seq, fmt.Sprintf("%s: %s: %v; skipped", displayName(r.job.file), position(r.job.doc), r.err))
		return
	}
	defaultNamespace(r.d.obj, r.d.kind, r.d.typed)
	l.store.add(r.d, r.job.seq)
}

// position names where a document starts, for warnings.
func position(d document) string {
	if d.Index >= 0 {
		kind := d.ListKind
		if kind == "" {
			kind = "list"
		}
		return fmt.Sprintf("line %d (item %d of the %s)", d.Line, d.Index, kind)
	}
	return fmt.Sprintf("line %d", d.Line)
}

func (l *loadState) nextSeq() int64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.seq++
	return l.seq
}

func (l *loadState) warn(text string) { l.warnAt(l.nextSeq(), text) }

func (l *loadState) warnAt(seq int64, text string) {
	l.mu.Lock()
	l.warnings = append(l.warnings, warning{seq, text})
	l.mu.Unlock()
}

func (l *loadState) sortedWarnings() []string {
	sort.SliceStable(l.warnings, func(i, j int) bool { return l.warnings[i].seq < l.warnings[j].seq })
	out := make([]string, 0, len(l.warnings))
	for _, w := range l.warnings {
		out = append(out, w.text)
	}
	return out
}

// fileEvents forwards what a splitter finds in one file.
type fileEvents struct {
	l        *loadState
	file     string
	hintKind string
}

func (e *fileEvents) document(d document) {
	if d.ListKind != "" && d.ListKind != "List" {
		e.l.mu.Lock()
		e.l.listKinds[d.ListKind] = true
		e.l.mu.Unlock()
	}
	select {
	case e.l.jobs <- job{doc: d, file: e.file, seq: e.l.nextSeq(), hintKind: e.hintKind}:
	case <-e.l.ctx.Done():
	}
}

func (e *fileEvents) logBlock(namespace, pod, container, text string, line int) {
	e.l.logs.add(namespace, pod, container, false, text)
	e.l.layout.note(formatClusterInfoStdout)
}

func (e *fileEvents) skipped(line int, why string) {
	e.l.warn(fmt.Sprintf("%s: %s", displayName(e.file), why))
}

// member reads one file of the input, routed by its path.
func (l *loadState) member(name string, r *bufio.Reader) error {
	rt := l.layout.route(name)
	switch rt.role {
	case roleSkip:
		return nil
	case roleLog:
		text, err := readLog(r)
		if err != nil {
			return err
		}
		l.logs.add(rt.namespace, rt.pod, rt.container, rt.previous, text)
		return nil
	case roleSpecial:
		return rt.special(l, name, r)
	}
	return l.objects(name, r, rt.hintKind)
}

// objects splits a file into documents, JSON or YAML by its first byte.
func (l *loadState) objects(name string, r *bufio.Reader, hintKind string) error {
	ev := &fileEvents{l: l, file: name, hintKind: hintKind}
	limits := splitLimits{maxDocument: l.opts.Limits.MaxDocumentBytes}
	first, err := firstByte(r)
	if err == io.EOF {
		return nil
	}
	if err != nil {
		return err
	}
	var splitErr error
	if first == '{' || first == '[' {
		splitErr = splitJSON(r, ev, limits)
	} else if isBinary(r) {
		return fmt.Errorf("binary data, not JSON or YAML; skipped")
	} else {
		splitErr = splitYAML(r, ev, limits)
	}
	return splitErr
}

// firstByte peeks past whitespace and a byte order mark.
func firstByte(r *bufio.Reader) (byte, error) {
	for i := 1; ; i++ {
		b, err := r.Peek(i)
		if len(b) < i {
			if err == nil {
				err = io.EOF
			}
			return 0, err
		}
		c := b[i-1]
		switch c {
		case ' ', '\t', '\r', '\n', 0xEF, 0xBB, 0xBF:
			if i >= 4096 {
				return c, nil
			}
			continue
		}
		return c, nil
	}
}

// isBinary is true when the start of a file holds NUL bytes or mostly
// non-text bytes: random data, or an archive format not supported.
func isBinary(r *bufio.Reader) bool {
	head, _ := r.Peek(512)
	bad := 0
	for _, c := range head {
		if c == 0 {
			return true
		}
		if c < 0x09 || (c > 0x0d && c < 0x20) {
			bad++
		}
	}
	return len(head) > 0 && bad*10 > len(head)
}

// readLog reads a container log, keeping its end when it is very long (the
// lines nearest the failure).
func readLog(r io.Reader) (string, error) {
	const keep = 1 << 20
	var buf []byte
	chunk := make([]byte, 64<<10)
	for {
		n, err := r.Read(chunk)
		buf = append(buf, chunk[:n]...)
		if len(buf) > 2*keep {
			buf = append(buf[:0], buf[len(buf)-keep:]...)
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return "", err
		}
	}
	if len(buf) > keep {
		buf = buf[len(buf)-keep:]
	}
	return string(buf), nil
}

// buildClients loads the objects into client-go's fake clientset (typed kinds)
// and dynamic fake client (custom resources).
func buildClients(objects []*stored) (kubernetes.Interface, dynamic.Interface, error) {
	client := fake.NewSimpleClientset()
	tracker := client.Tracker()
	var custom []runtimepkg.Object
	listKinds := map[schema.GroupVersionResource]string{}
	for _, st := range objects {
		if !st.d.typed {
			u := st.d.obj.(*unstructured.Unstructured)
			gvr := gvrOf(st.d.gvk)
			listKinds[gvr] = st.d.kind + "List"
			custom = append(custom, u)
			continue
		}
		if err := tracker.Add(st.d.obj); err != nil {
			return nil, nil, fmt.Errorf("loading %s %s: %w", st.d.kind, st.key.Name, err)
		}
		st.d.obj = nil // the tracker holds its own copy
	}
	dyn := newDumpDynamic(dynamicfake.NewSimpleDynamicClientWithCustomListKinds(runtimepkg.NewScheme(), listKinds, custom...), listKinds)
	return client, dyn, nil
}

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

// Log implements analyzer.PodLogs.
func (p *PodLogs) Log(namespace, pod, container string, previous bool) (string, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	text, ok := p.logs[logKey{namespace, pod, container, previous}]
	return text, ok
}

// Count returns how many container logs the dump held.
func (p *PodLogs) Count() int { return p.count() }

var _ = strings.TrimSpace
var _ = time.Now
