// Package loader reads cluster dumps (kubectl get output, kubectl cluster-info
// dump, troubleshoot support bundles, must-gather trees, Velero backups, folders
// of manifests; as files, folders, stdin or archives) into client-go's fake
// clientset. It knows file formats and nothing about diagnosis: it counts what
// it read, records what the format could not hold (coverage) and what it could
// not read (warnings), and removes every Secret value before anything else sees it.
package loader

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"sort"
	"sync"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	runtimepkg "k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	dynamicfake "k8s.io/client-go/dynamic/fake"
	"k8s.io/client-go/kubernetes"
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
	walker := &inputWalker{ctx: ctx, limits: opts.Limits, visit: l.member, link: l.link, warn: l.warn}
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
	format := l.detectFormat(walker.container)
	l.settle(format)
	objects := l.store.objects()
	if len(objects) == 0 && l.logs.count() == 0 {
		if len(l.warnings) > 0 {
			return nil, fmt.Errorf("%w in %s: %s", ErrNothingRead, displayPath(path), l.sortedWarnings()[0])
		}
		return nil, fmt.Errorf("%w in %s", ErrNothingRead, displayPath(path))
	}
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
// workers, whose results one collector merges into the store. What the walker
// alone touches (members, links, records) needs no lock; it is read in settle,
// after every goroutine has finished.
type loadState struct {
	ctx     context.Context
	opts    Options
	jobs    chan job
	results chan result
	workers sync.WaitGroup
	done    chan struct{}
	seq     int64

	mu sync.Mutex // guards warnings, listKinds, logBlocks and seq
	// warnings are final; tentativeWarnings concern files that matched no
	// layout, and count only if the input is not a layout format.
	warnings, tentativeWarnings []warning
	store, tentative            *objectStore
	logs                        *PodLogs
	// listKinds are the typed List kinds seen, even empty ones: a SecretList with
	// no items proves the namespace has no Secrets.
	listKinds map[string]bool
	// logBlocks counts cluster-info dump log blocks read from a stream.
	logBlocks int
	// layout gathers the evidence of each dump format, from member paths.
	layout *layoutEvidence

	// Walker goroutine only.
	members map[string]bool
	// objectFiles counts the files read as objects: more than one, outside
	// any layout, makes a folder of manifests.
	objectFiles int
	links       []linkMember
	nonObjects  []nonObjectFile
	podLogFiles []podLogFile
	troubleshootRecords
}

// linkMember is a link of the input, never followed.
type linkMember struct {
	name, target string
	hard         bool
	seq          int64
}

// nonObjectFile is a file whose content holds no JSON or YAML objects.
type nonObjectFile struct {
	name      string
	tentative bool
	seq       int64
}

type job struct {
	doc       document
	file      string
	seq       int64
	opts      decodeOptions
	tentative bool
}

type result struct {
	d   decoded
	err error
	job job
}

type warning struct {
	seq  int64
	text string
}

func newLoadState(ctx context.Context, opts Options) *loadState {
	return &loadState{
		ctx: ctx, opts: opts,
		jobs:                make(chan job, 256),
		results:             make(chan result, 256),
		done:                make(chan struct{}),
		store:               newObjectStore(),
		tentative:           newObjectStore(),
		logs:                newPodLogs(),
		listKinds:           map[string]bool{},
		layout:              newLayoutEvidence(),
		members:             map[string]bool{},
		troubleshootRecords: newTroubleshootRecords(),
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
				d, err := decodeDocument(j.doc, j.opts)
				if err == nil {
					defaultNamespace(d.obj, d.kind, d.typed)
					err = d.encode()
				}
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
	name := displayName(r.job.file)
	if r.err != nil {
		if errors.Is(r.err, errNoObject) {
			return
		}
		l.warnFor(r.job.tentative, r.job.seq, fmt.Sprintf("%s: %s: %v; skipped", name, position(r.job.doc), r.err))
		return
	}
	if n := r.d.joinedBreaks; n > 0 {
		l.warnFor(r.job.tentative, r.job.seq, fmt.Sprintf("%s: %s: %d %s inside JSON strings removed (the text was hard-wrapped, as when a dump is pasted from a terminal); the object was read", name, position(r.job.doc), n, plural(n, "line break", "line breaks")))
	}
	if r.job.tentative {
		l.tentative.add(r.d, r.job.seq)
		return
	}
	l.store.add(r.d, r.job.seq)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
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

func (l *loadState) warn(text string) { l.warnFor(false, l.nextSeq(), text) }

// warnFor records a warning; a tentative one counts only if the files that
// matched no layout turn out to be part of the dump.
func (l *loadState) warnFor(tentative bool, seq int64, text string) {
	l.mu.Lock()
	if tentative {
		l.tentativeWarnings = append(l.tentativeWarnings, warning{seq, text})
	} else {
		l.warnings = append(l.warnings, warning{seq, text})
	}
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
	l    *loadState
	file string
	rt   route
}

func (e *fileEvents) document(d document) {
	select {
	case e.l.jobs <- job{doc: d, file: e.file, seq: e.l.nextSeq(), opts: e.rt.decode, tentative: e.rt.tentative}:
	case <-e.l.ctx.Done():
	}
}

func (e *fileEvents) list(kind string, _ int) {
	if kind == "" || kind == "List" {
		return
	}
	e.l.mu.Lock()
	e.l.listKinds[kind] = true
	e.l.mu.Unlock()
	if e.rt.listFile && e.rt.format != "" {
		e.l.layout.noteKind(e.rt.format, itemKind(kind), e.rt.namespace)
		e.l.layout.confirm(e.rt.format)
	}
}

func (e *fileEvents) logBlock(namespace, pod, container, text string, _ int) {
	e.l.logs.add(namespace, pod, container, false, text)
	e.l.mu.Lock()
	e.l.logBlocks++
	e.l.mu.Unlock()
}

func (e *fileEvents) skipped(_ int, why string) {
	e.l.warnFor(e.rt.tentative, e.l.nextSeq(), fmt.Sprintf("%s: %s", displayName(e.file), why))
}

// member reads one file of the input, routed by its path.
func (l *loadState) member(name string, r *bufio.Reader, top bool) error {
	l.members[name] = true
	rt := l.layout.route(name, top)
	switch rt.role {
	case roleSkip:
		return nil
	case roleLog:
		text, err := readLog(r)
		if err != nil {
			return err
		}
		if text == "" && rt.previous {
			// oc adm inspect writes previous.log even for a container that never restarted.
			return nil
		}
		if rt.format == FormatTroubleshootBundle {
			// "<container>-previous.log" may also be a container named so: decided
			// once the pod specs are read.
			l.podLogFiles = append(l.podLogFiles, podLogFile{namespace: rt.namespace, pod: rt.pod, stem: rt.container, text: text})
			return nil
		}
		l.logs.add(rt.namespace, rt.pod, rt.container, rt.previous, text)
		return nil
	case roleSpecial:
		return rt.special(l, name, r, rt)
	}
	return l.objects(name, r, rt)
}

// link records a link of the input; links are never followed (see settleLinks).
func (l *loadState) link(name, target string, hard bool) {
	l.links = append(l.links, linkMember{name: name, target: target, hard: hard, seq: l.nextSeq()})
}

// objects splits a file into documents, JSON or YAML by its first byte. A file
// whose name says nothing (rt.sniff) is read only if it looks like objects.
func (l *loadState) objects(name string, r *bufio.Reader, rt route) error {
	l.objectFiles++
	ev := &fileEvents{l: l, file: name, rt: rt}
	limits := splitLimits{maxDocument: l.opts.Limits.MaxDocumentBytes}
	first, err := firstByte(r)
	if err == io.EOF {
		return nil
	}
	if err != nil {
		return err
	}
	switch {
	case first == '{' || first == '[':
		return splitJSON(r, ev, limits)
	case isBinary(r):
		if rt.sniff {
			l.nonObjects = append(l.nonObjects, nonObjectFile{name, rt.tentative, l.nextSeq()})
			return nil
		}
		return fmt.Errorf("binary data, not JSON or YAML; skipped")
	case rt.sniff && !looksLikeYAMLObjects(r):
		l.nonObjects = append(l.nonObjects, nonObjectFile{name, rt.tentative, l.nextSeq()})
		return nil
	}
	return splitYAML(r, ev, limits)
}

// readAsObjects reads bytes already taken from a file, and the rest of it, as objects.
func (l *loadState) readAsObjects(name string, head []byte, rest io.Reader, rt route) error {
	rt.role, rt.special = roleObjects, nil
	return l.objects(name, bufio.NewReaderSize(io.MultiReader(bytes.NewReader(head), rest), 1<<20), rt)
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

// looksLikeYAMLObjects tells, from the start of a text file, whether it holds
// Kubernetes objects in YAML (a line starting with apiVersion:, kind: or
// items:) or cluster-info dump log blocks.
func looksLikeYAMLObjects(r *bufio.Reader) bool {
	head, _ := r.Peek(16 << 10)
	for len(head) > 0 {
		line := head
		if i := bytes.IndexByte(head, '\n'); i >= 0 {
			line, head = head[:i], head[i+1:]
		} else {
			head = nil
		}
		line = bytes.TrimPrefix(line, []byte("- "))
		for _, p := range []string{"apiVersion:", "kind:", "items:", logStartPrefix} {
			if bytes.HasPrefix(line, []byte(p)) {
				return true
			}
		}
	}
	return false
}

// settle finishes what only the whole input decides: files that matched no
// layout count unless the format is a layout one; the troubleshoot records
// become objects; logs whose name was ambiguous are placed; links and files
// holding no objects are named in warnings.
func (l *loadState) settle(format Format) {
	layout := isLayoutFormat(format)
	if !layout {
		for _, st := range l.tentative.objects() {
			l.store.add(st.d, st.seq)
		}
		l.warnings = append(l.warnings, l.tentativeWarnings...)
	}
	l.tentative, l.tentativeWarnings = nil, nil
	if format == FormatTroubleshootBundle {
		l.addTroubleshootSecrets()
	}
	l.placePodLogs()
	l.settleLinks()
	var skipped []string
	var seq int64
	for _, f := range l.nonObjects {
		if layout && f.tentative {
			continue
		}
		if seq == 0 {
			seq = f.seq
		}
		skipped = append(skipped, f.name)
	}
	if len(skipped) > 0 {
		l.warnFor(false, seq, fmt.Sprintf("%d %s no JSON or YAML objects and %s skipped: %s", len(skipped), plural(len(skipped), "file holds", "files hold"), plural(len(skipped), "was", "were"), joinLimited(skipped, 5)))
	}
}

// settleLinks names the links of the input in warnings. A link to a file that
// was read under its own path (troubleshoot's all-logs/ and .yaml twins) loses
// nothing: those go in one summary line; any other link is named on its own.
func (l *loadState) settleLinks() {
	var twins []string
	var seq int64
	for _, lk := range l.links {
		target := lk.target
		if !lk.hard {
			target = splitPathJoin(lk.name, lk.target)
		}
		if clean, ok := memberName(target); ok && l.members[clean] {
			if seq == 0 {
				seq = lk.seq
			}
			twins = append(twins, lk.name)
			continue
		}
		l.warnFor(false, lk.seq, fmt.Sprintf("%s: link not followed (links never are), and its target is not in the input; skipped", lk.name))
	}
	if len(twins) > 0 {
		l.warnFor(false, seq, fmt.Sprintf("%d %s not followed (links never are); each points to a file read under its own path: %s", len(twins), plural(len(twins), "link was", "links were"), joinLimited(twins, 3)))
	}
}

// splitPathJoin resolves a symbolic link's target against the link's folder.
func splitPathJoin(link, target string) string {
	if len(target) > 0 && target[0] == '/' {
		return target
	}
	dir := ""
	if i := lastSlash(link); i >= 0 {
		dir = link[:i+1]
	}
	return dir + target
}

func lastSlash(s string) int {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] == '/' {
			return i
		}
	}
	return -1
}

// buildClients loads the objects into client-go's fake clientset (typed kinds)
// and dynamic fake client (custom resources).
func buildClients(objects []*stored) (kubernetes.Interface, dynamic.Interface, error) {
	tracker := newDumpTracker()
	client := newFakeClientset(tracker)
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
		if st.d.raw == nil {
			return nil, nil, fmt.Errorf("loading %s %s: no encoding", st.d.kind, st.key.Name)
		}
		tracker.add(gvrOf(st.d.gvk), st.d.gvk, st.d.namespace, st.d.name, st.d.raw)
		st.d.raw = nil // the tracker holds it now
	}
	dyn := newDumpDynamic(dynamicfake.NewSimpleDynamicClientWithCustomListKinds(runtimepkg.NewScheme(), listKinds, custom...), listKinds)
	return client, dyn, nil
}
