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
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

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
	opts.Limits = opts.Limits.withDefaults()
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
	l.cutOff = walker.cutOff
	objects := l.store.objects()
	if len(objects) == 0 && l.logs.count() == 0 {
		if l.warnings.len() > 0 {
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
	// bundleRecordSeen: a secretscan bundle's collection record was met (read or not).
	bundleRecordSeen bool
	done             chan struct{}
	seq              int64
	// inflight bounds the document bytes waiting for or under decoding, and
	// large lets one large document at a time be decoded: decoding takes many
	// times a document's size, and hostile input can be all large documents.
	inflight *byteBudget
	large    sync.Mutex

	mu sync.Mutex // guards warnings, listKinds, logBlocks and seq
	// warnings are final; tentativeWarnings concern files that matched no
	// layout, and count only if the input is not a layout format.
	warnings, tentativeWarnings warningList
	store, tentative            *objectStore
	// lost and tentativeLost are what could not be read (see lostObject).
	lost, tentativeLost lostSet
	// extra is what the files outside any layout held (see extraCoverage).
	extra extraObjects
	// cutOff says where the input's archive ended early ("" when it did not).
	cutOff string
	logs   *PodLogs
	// listKinds are the typed List kinds seen, even empty ones: a SecretList with
	// no items proves the namespace has no Secrets.
	listKinds map[string]bool
	// lists are the typed Lists in input order, and listNamespaces the
	// namespaces of each one's items: a cluster-info dump on stdout prints
	// its Lists in a fixed order, which tells where a stream stopped.
	lists          []listSeen
	listNamespaces map[listing]map[string]bool
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
	namespace string // the namespace the file's place in a layout names
	// objectName is the name of the object the file holds, when its path
	// says it (see objectFileName); listFile: the file holds a whole List.
	objectName string
	listFile   bool
	seq        int64
	opts       decodeOptions
	tentative  bool
}

type result struct {
	d   decoded
	err error
	job job
	// lost names the object of a document that failed to decode.
	lost lostObject
}

type warning struct {
	seq  int64
	text string
	doc  bool // about one document (see docWarnFor)
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
		listNamespaces:      map[listing]map[string]bool{},
		layout:              newLayoutEvidence(),
		members:             map[string]bool{},
		troubleshootRecords: newTroubleshootRecords(),
		inflight:            newByteBudget(max(64<<20, 2*opts.Limits.MaxDocumentBytes)),
	}
}

// largeDocument is the size from which documents are decoded one at a time.
const largeDocument = 1 << 20

// byteBudget is a counting semaphore of bytes. One request larger than the
// whole budget is let through when nothing else holds any.
type byteBudget struct {
	mu   sync.Mutex
	cond *sync.Cond
	cap  int64
	used int64
}

func newByteBudget(n int64) *byteBudget {
	b := &byteBudget{cap: n}
	b.cond = sync.NewCond(&b.mu)
	return b
}

func (b *byteBudget) acquire(n int64) {
	b.mu.Lock()
	for b.used > 0 && b.used+n > b.cap {
		b.cond.Wait()
	}
	b.used += n
	b.mu.Unlock()
}

func (b *byteBudget) release(n int64) {
	b.mu.Lock()
	b.used -= n
	b.mu.Unlock()
	b.cond.Broadcast()
}

// decodeLimits are the limits that apply to one document.
func (l *loadState) decodeLimits() docLimits {
	lim := l.opts.Limits
	return docLimits{maxBytes: lim.MaxDocumentBytes, maxDepth: lim.MaxDepth, maxObjects: lim.MaxDocumentObjects, maxAliasNodes: lim.MaxYAMLAliasNodes}
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
				n := int64(len(j.doc.Raw))
				if n >= largeDocument {
					l.large.Lock()
				}
				d, err := decodeDocument(j.doc, j.opts)
				if err == nil {
					defaultNamespace(d.obj, d.kind, d.typed)
					err = d.encode()
				}
				if n >= largeDocument {
					l.large.Unlock()
				}
				var lost lostObject
				if err != nil && !errors.Is(err, errNoObject) {
					lost = lostIdentity(j)
				}
				j.doc.Raw = nil
				l.inflight.release(n)
				l.results <- result{d: d, err: err, job: j, lost: lost}
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
		if l.keepsDocWarning(r.job.tentative, r.job.seq) {
			where := position(r.job.doc)
			if id := r.lost.label(); id != "" {
				where += ": " + id
			}
			l.docWarnFor(r.job.tentative, r.job.seq, fmt.Sprintf("%s: %s: %v; skipped", name, where, r.err))
		}
		if r.job.listFile && r.job.doc.Index < 0 {
			// The file's List itself did not decode: its items are lost, however many.
			l.addLostRest(r.job.tentative, lostKey{r.lost.Kind, r.job.namespace})
			return
		}
		l.addLost(r.job.tentative, r.lost)
		return
	}
	if len(r.d.badValues) > 0 {
		keys := make([]string, 0, len(r.d.badValues))
		for _, k := range r.d.badValues {
			keys = append(keys, strconv.Quote(shortText(k)))
		}
		what := fmt.Sprintf("the value of key %s does not decode (not a base64 string); the key is kept, its size unknown", keys[0])
		if len(keys) > 1 {
			what = fmt.Sprintf("the values of keys %s do not decode (not base64 strings); the keys are kept, their sizes unknown", joinLimited(keys, 5))
		}
		l.docWarnFor(r.job.tentative, r.job.seq, fmt.Sprintf("%s: %s: Secret %s/%s: %s", name, position(r.job.doc), shortText(r.d.namespace), shortText(r.d.name), what))
	}
	if n := r.d.joinedBreaks; n > 0 {
		l.docWarnFor(r.job.tentative, r.job.seq, fmt.Sprintf("%s: %s: %d %s inside JSON strings removed (the text was hard-wrapped, as when a dump is pasted from a terminal); the object was read", name, position(r.job.doc), n, plural(n, "line break", "line breaks")))
	}
	if r.job.doc.ListLine > 0 {
		at := listing{r.job.file, r.job.doc.ListLine}
		if r.d.kind == "Secret" {
			r.d.listing = at
		}
		if nss := l.listNamespaces[at]; nss == nil {
			l.listNamespaces[at] = map[string]bool{r.d.namespace: true}
		} else {
			nss[r.d.namespace] = true
		}
	}
	if r.job.tentative {
		l.extra.note(r.job.file, r.job.seq, r.d)
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
		return fmt.Sprintf("line %d (item %d of the %s)", d.Line, d.Index+1, kind)
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
	l.addWarning(tentative, warning{seq: seq, text: warningText(text)})
}

// docWarnFor records a warning about one document: there can be millions of
// them, and a bound on them must not crowd out the warnings about whole files
// and archives.
func (l *loadState) docWarnFor(tentative bool, seq int64, text string) {
	l.addWarning(tentative, warning{seq: seq, text: warningText(text), doc: true})
}

// keepsDocWarning tells whether a warning about one document, of input
// position seq, would be kept; if not, it is counted as dropped at once, so
// that millions of damaged documents cost no text each.
func (l *loadState) keepsDocWarning(tentative bool, seq int64) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	h := &l.warnings.docs
	if tentative {
		h = &l.tentativeWarnings.docs
	}
	if len(h.heap) < maxWarnings || seq <= h.heap[0].seq {
		return true
	}
	// The kept warnings only ever get earlier: this one will never be kept.
	h.dropped++
	return false
}

func (l *loadState) addWarning(tentative bool, w warning) {
	l.mu.Lock()
	if tentative {
		l.tentativeWarnings.add(w)
	} else {
		l.warnings.add(w)
	}
	l.mu.Unlock()
}

func (l *loadState) sortedWarnings() []string { return l.warnings.sorted() }

// maxWarnings bounds the warnings kept, of each level (about documents, about
// files and archives): a hostile input can hold millions of broken documents.
// The first ones in input order are kept, and a last line counts the others.
const maxWarnings = 1000

// warningList keeps, of each level, the maxWarnings warnings first in input
// order, whatever order they arrive in, so that the report is the same every run.
type warningList struct {
	docs, files warningHeap
}

func (wl *warningList) len() int { return wl.docs.len() + wl.files.len() }

func (wl *warningList) add(w warning) {
	if w.doc {
		wl.docs.add(w)
	} else {
		wl.files.add(w)
	}
}

// merge adds every warning of other.
func (wl *warningList) merge(other warningList) {
	wl.docs.merge(other.docs)
	wl.files.merge(other.files)
}

func (wl *warningList) sorted() []string {
	ws := append(append([]warning(nil), wl.docs.heap...), wl.files.heap...)
	sort.Slice(ws, func(i, j int) bool { return ws[i].before(ws[j]) })
	out := make([]string, 0, len(ws)+1)
	for _, w := range ws {
		out = append(out, w.text)
	}
	if n := wl.docs.dropped + wl.files.dropped; n > 0 {
		out = append(out, fmt.Sprintf("%d more %s not shown", n, plural(n, "warning", "warnings")))
	}
	return out
}

// about returns the warnings about the given files (those that begin with
// the file's name).
func (wl warningList) about(files map[string]bool) warningList {
	var out warningList
	for _, h := range []warningHeap{wl.docs, wl.files} {
		for _, w := range h.heap {
			name, _, _ := strings.Cut(w.text, ": ")
			for f := range files {
				if displayName(f) == name {
					out.add(w)
					break
				}
			}
		}
	}
	return out
}

// warningHeap keeps the maxWarnings first warnings (a max-heap on seq).
type warningHeap struct {
	heap    []warning
	dropped int
}

func (h *warningHeap) len() int { return len(h.heap) + h.dropped }

func (h *warningHeap) merge(other warningHeap) {
	for _, w := range other.heap {
		h.add(w)
	}
	h.dropped += other.dropped
}

func (h *warningHeap) add(w warning) {
	if len(h.heap) < maxWarnings {
		h.heap = append(h.heap, w)
		for i := len(h.heap) - 1; i > 0; {
			parent := (i - 1) / 2
			if !h.heap[parent].before(h.heap[i]) {
				break
			}
			h.heap[parent], h.heap[i] = h.heap[i], h.heap[parent]
			i = parent
		}
		return
	}
	h.dropped++
	if !w.before(h.heap[0]) {
		return
	}
	h.heap[0] = w
	for i := 0; ; {
		largest, l, r := i, 2*i+1, 2*i+2
		if l < len(h.heap) && h.heap[largest].before(h.heap[l]) {
			largest = l
		}
		if r < len(h.heap) && h.heap[largest].before(h.heap[r]) {
			largest = r
		}
		if largest == i {
			break
		}
		h.heap[i], h.heap[largest] = h.heap[largest], h.heap[i]
		i = largest
	}
}

func (w warning) before(o warning) bool {
	if w.seq != o.seq {
		return w.seq < o.seq
	}
	return w.text < o.text
}

// maxWarningBytes bounds one warning: names quoted from the input are not
// otherwise bounded.
const maxWarningBytes = 2000

// warningText keeps a warning on one printable line of bounded length.
func warningText(s string) string {
	s = safeName(s)
	if len(s) > maxWarningBytes {
		cut := maxWarningBytes - 3
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "..."
	}
	return s
}

// fileEvents forwards what a splitter finds in one file.
type fileEvents struct {
	l    *loadState
	file string
	rt   route
	// objectName names the object the file holds, if its path does (see objectFileName).
	objectName string
}

func (e *fileEvents) document(d document) {
	opts := e.rt.decode
	opts.limits = e.l.decodeLimits()
	n := int64(len(d.Raw))
	e.l.inflight.acquire(n)
	select {
	case e.l.jobs <- job{doc: d, file: e.file, namespace: e.rt.namespace, objectName: e.objectName, listFile: e.rt.listFile, seq: e.l.nextSeq(), opts: opts, tentative: e.rt.tentative}:
	case <-e.l.ctx.Done():
		e.l.inflight.release(n)
	}
}

func (e *fileEvents) list(kind string, line int) {
	if kind == "" || kind == "List" {
		return
	}
	e.l.mu.Lock()
	e.l.listKinds[kind] = true
	e.l.lists = append(e.l.lists, listSeen{listing{e.file, line}, kind})
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
	e.l.docWarnFor(e.rt.tentative, e.l.nextSeq(), fmt.Sprintf("%s: %s", displayName(e.file), why))
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
	ev := &fileEvents{l: l, file: name, rt: rt, objectName: objectFileName(name, rt)}
	limits := splitLimits{maxDocument: l.opts.Limits.MaxDocumentBytes, maxDepth: l.opts.Limits.MaxDepth, maxObjects: l.opts.Limits.MaxDocumentObjects}
	if bigEndian, bom, ok := utf16Order(r); ok {
		// Windows PowerShell 5 redirects output as UTF-16: read as UTF-8.
		decoded := getStreamReader(newUTF16Reader(r, bigEndian, bom))
		defer putStreamReader(decoded)
		r = decoded
	}
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
	case !rt.sniff && kubectlText(r) != "":
		return fmt.Errorf("this is kubectl's text output (%s), which holds no objects; rerun kubectl with -o yaml (or -o json); skipped", kubectlText(r))
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
	br := getStreamReader(io.MultiReader(bytes.NewReader(head), rest))
	defer putStreamReader(br)
	return l.objects(name, br, rt)
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
	// Files that matched no layout are read all the same (kubectl get output
	// added beside a bundle is the commonest); in a layout format they are
	// named, as they are not the collector's.
	for _, st := range l.tentative.objects() {
		if !layout || l.extra.relevant[l.extra.fileOf[st.seq]] {
			l.store.add(st.d, st.seq)
		}
	}
	if !layout {
		l.warnings.merge(l.tentativeWarnings)
		l.lost.merge(l.tentativeLost)
	} else {
		// The collector's own files that hold no objects (version.yaml,
		// cluster_version.json) are not damage; the warnings about files
		// that held objects are kept.
		l.warnings.merge(l.tentativeWarnings.about(l.extra.relevant))
	}
	if files := sortedKeys(l.extra.relevant); layout && len(files) > 0 {
		l.warn(fmt.Sprintf("%d %s outside the %s layout %s read as kubectl get output: %s", len(files), plural(len(files), "file", "files"), format, plural(len(files), "was", "were"), joinLimited(displayNames(files), 5)))
	}
	l.tentative, l.tentativeWarnings, l.tentativeLost = nil, warningList{}, lostSet{}
	if w := l.store.sharedUIDWarning(); w != "" {
		l.warn(w)
	}
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
		if clean, ok := cleanPath(target); ok && l.members[clean] {
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
