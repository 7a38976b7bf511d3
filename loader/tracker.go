package loader

import (
	"reflect"
	"sort"
	"strconv"
	"sync"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/kubernetes/fake"
	"k8s.io/client-go/kubernetes/scheme"
	clienttesting "k8s.io/client-go/testing"
)

// dumpTracker is the object store behind the fake clientset. It keeps each
// object in its protobuf encoding (the API server's own storage format) and
// decodes on read: a large dump then costs about a fifth of the memory of its
// decoded objects, and every List or Get hands out fresh objects, as an API
// server does. client-go's own tracker keeps decoded objects and deep-copies
// them on every read. A dump is read-only: writes are refused.
type dumpTracker struct {
	mu        sync.Mutex
	resources map[schema.GroupVersionResource]*trackedResource
}

// trackedResource is one resource's objects, sorted by namespace and name
// once all are added.
type trackedResource struct {
	gvk     schema.GroupVersionKind
	entries []trackedEntry
	sorted  bool
	byName  map[nsName]int
}

type trackedEntry struct {
	namespace, name string
	raw             []byte
}

type nsName struct{ Namespace, Name string }

var _ clienttesting.ObjectTracker = (*dumpTracker)(nil)

func newDumpTracker() *dumpTracker {
	return &dumpTracker{resources: map[schema.GroupVersionResource]*trackedResource{}}
}

// newFakeClientset returns client-go's fake clientset answering from t.
func newFakeClientset(t *dumpTracker) *fake.Clientset {
	cs := &fake.Clientset{}
	cs.AddReactor("*", "*", clienttesting.ObjectReaction(t))
	cs.AddWatchReactor("*", func(action clienttesting.Action) (bool, watch.Interface, error) {
		return true, watch.NewEmptyWatch(), nil
	})
	return cs
}

// add stores an encoded object; the loader has already merged duplicates.
func (t *dumpTracker) add(gvr schema.GroupVersionResource, gvk schema.GroupVersionKind, namespace, name string, raw []byte) {
	t.mu.Lock()
	defer t.mu.Unlock()
	r := t.resources[gvr]
	if r == nil {
		r = &trackedResource{gvk: gvk}
		t.resources[gvr] = r
	}
	r.entries = append(r.entries, trackedEntry{namespace, name, raw})
	r.sorted = false
}

// sort orders a resource's entries by namespace and name, as client-go's
// tracker lists them, and indexes them by name.
func (r *trackedResource) sort() {
	if r.sorted {
		return
	}
	sort.SliceStable(r.entries, func(i, j int) bool {
		a, b := &r.entries[i], &r.entries[j]
		if a.namespace != b.namespace {
			return a.namespace < b.namespace
		}
		return a.name < b.name
	})
	r.byName = make(map[nsName]int, len(r.entries))
	for i, e := range r.entries {
		r.byName[nsName{e.namespace, e.name}] = i
	}
	r.sorted = true
}

func (t *dumpTracker) resource(gvr schema.GroupVersionResource) *trackedResource {
	t.mu.Lock()
	defer t.mu.Unlock()
	r := t.resources[gvr]
	if r != nil {
		r.sort()
	}
	return r
}

// Add stores a typed object (for callers of the ObjectTracker interface).
func (t *dumpTracker) Add(obj runtime.Object) error {
	gvks, _, err := scheme.Scheme.ObjectKinds(obj)
	if err != nil || len(gvks) == 0 {
		return err
	}
	p, ok := obj.(protoObject)
	acc, err := meta.Accessor(obj)
	if !ok || err != nil {
		return apierrors.NewBadRequest("object cannot be stored")
	}
	raw, err := p.Marshal()
	if err != nil {
		return err
	}
	t.add(gvrOf(gvks[0]), gvks[0], acc.GetNamespace(), acc.GetName(), raw)
	return nil
}

func (t *dumpTracker) Get(gvr schema.GroupVersionResource, ns, name string, _ ...metav1.GetOptions) (runtime.Object, error) {
	if r := t.resource(gvr); r != nil {
		if i, ok := r.byName[nsName{ns, name}]; ok {
			return decodeProto(r.gvk, r.entries[i].raw)
		}
	}
	return nil, apierrors.NewNotFound(gvr.GroupResource(), name)
}

// List returns the objects of a resource in a namespace ("" for all), sorted
// by namespace and name. Unlike client-go's tracker it honours limit and
// continue, as an API server does, so a reader paging through 80,000 Events
// never holds them all decoded at once.
func (t *dumpTracker) List(gvr schema.GroupVersionResource, gvk schema.GroupVersionKind, ns string, opts ...metav1.ListOptions) (runtime.Object, error) {
	listGVK := gvk
	listGVK.Kind += "List"
	list, err := scheme.Scheme.New(listGVK)
	if err != nil {
		return nil, err
	}
	r := t.resource(gvr)
	if r == nil {
		return list, nil
	}
	start, end := 0, len(r.entries)
	if ns != "" {
		start = sort.Search(len(r.entries), func(i int) bool { return r.entries[i].namespace >= ns })
		end = start
		for end < len(r.entries) && r.entries[end].namespace == ns {
			end++
		}
	}
	next := ""
	if len(opts) == 1 && opts[0].Limit > 0 {
		if c := opts[0].Continue; c != "" {
			n, err := strconv.Atoi(c)
			if err != nil || n < start || n > end {
				return nil, apierrors.NewBadRequest("invalid continue token")
			}
			start = n
		}
		if stop := start + int(opts[0].Limit); stop < end {
			end, next = stop, strconv.Itoa(stop)
		}
	}
	// Decode straight into the list's own array: one allocation for the items.
	items := reflect.ValueOf(list).Elem().FieldByName("Items")
	slice := reflect.MakeSlice(items.Type(), end-start, end-start)
	for i := start; i < end; i++ {
		item := slice.Index(i - start).Addr().Interface()
		p, ok := item.(interface{ Unmarshal([]byte) error })
		if !ok {
			return nil, apierrors.NewBadRequest("list items cannot be decoded")
		}
		if err := p.Unmarshal(r.entries[i].raw); err != nil {
			return nil, apierrors.NewInternalError(err)
		}
	}
	items.Set(slice)
	if lm, err := meta.ListAccessor(list); err == nil {
		lm.SetContinue(next)
	}
	return list, nil
}

func (t *dumpTracker) readOnly(gvr schema.GroupVersionResource) error {
	return apierrors.NewMethodNotSupported(gvr.GroupResource(), "write (a dump is read-only)")
}

func (t *dumpTracker) Create(gvr schema.GroupVersionResource, _ runtime.Object, _ string, _ ...metav1.CreateOptions) error {
	return t.readOnly(gvr)
}

func (t *dumpTracker) Update(gvr schema.GroupVersionResource, _ runtime.Object, _ string, _ ...metav1.UpdateOptions) error {
	return t.readOnly(gvr)
}

func (t *dumpTracker) Patch(gvr schema.GroupVersionResource, _ runtime.Object, _ string, _ ...metav1.PatchOptions) error {
	return t.readOnly(gvr)
}

func (t *dumpTracker) Apply(gvr schema.GroupVersionResource, _ runtime.Object, _ string, _ ...metav1.PatchOptions) error {
	return t.readOnly(gvr)
}

func (t *dumpTracker) Delete(gvr schema.GroupVersionResource, _, _ string, _ ...metav1.DeleteOptions) error {
	return t.readOnly(gvr)
}

func (t *dumpTracker) Watch(schema.GroupVersionResource, string, ...metav1.ListOptions) (watch.Interface, error) {
	return watch.NewEmptyWatch(), nil
}
