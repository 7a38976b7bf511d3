package loader

import (
	"fmt"
	"strconv"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
)

// objectStore merges the objects read from every file: an object present in
// several files (a bundle's List and a per-object file, a Velero preferred
// version) is kept once, the newest resourceVersion winning. Two copies are
// the same object only when their group, kind, namespace and name match, or
// their UID, kind, namespace and name (an object served in two API groups):
// a UID alone proves nothing, as customers sanitizing a dump replace every
// UID by the same text.
type objectStore struct {
	// byUID holds, per UID, the first object read with it.
	byUID  map[types.UID]*stored
	byName map[storeKey]*stored
	order  []*stored
	// sharedUIDs counts, for a UID that distinct objects carry, how many do:
	// the UIDs were redacted or copied (see sharedUIDWarning).
	sharedUIDs map[types.UID]int
}

type storeKey struct {
	Group, Kind, Namespace, Name string
}

type stored struct {
	d   decoded
	seq int64 // input order, to break resourceVersion ties the same way every run
	key storeKey
	uid types.UID
	rv  string
	// dropped is set when a newer copy replaced this one.
	dropped bool
}

func newObjectStore() *objectStore {
	return &objectStore{byUID: map[types.UID]*stored{}, byName: map[storeKey]*stored{}, sharedUIDs: map[types.UID]int{}}
}

// add keeps d unless a newer copy of the same object is already held.
func (s *objectStore) add(d decoded, seq int64) {
	st := &stored{d: d, seq: seq, uid: types.UID(d.uid), rv: d.resourceVersion,
		key: storeKey{d.gvk.Group, d.kind, d.namespace, d.name}}
	var have *stored
	if h := s.byUID[st.uid]; st.uid != "" && h != nil {
		if h.key.Kind == st.key.Kind && h.key.Namespace == st.key.Namespace && h.key.Name == st.key.Name {
			have = h // one object, possibly served in two API groups
		} else if s.byName[st.key] == nil {
			// Another object with the same UID.
			s.sharedUIDs[st.uid] = max(s.sharedUIDs[st.uid], 1) + 1
		}
	}
	if have == nil {
		have = s.byName[st.key]
	}
	if have != nil {
		if !newer(st, have) {
			return
		}
		have.dropped = true
		if have.uid != "" && s.byUID[have.uid] == have {
			delete(s.byUID, have.uid)
		}
		delete(s.byName, have.key)
	}
	if st.uid != "" && s.byUID[st.uid] == nil {
		s.byUID[st.uid] = st
	}
	s.byName[st.key] = st
	s.order = append(s.order, st)
}

// sharedUIDWarning says, once, that objects of different identities carry the
// same UID ("" when none do): read apart, as they are, they are counted right,
// but whatever matches objects by UID (Events, owner references) may match the wrong one.
func (s *objectStore) sharedUIDWarning() string {
	objects, uids := 0, 0
	var most types.UID
	for uid, n := range s.sharedUIDs {
		if n < 2 {
			continue
		}
		objects += n
		uids++
		if n > s.sharedUIDs[most] || (n == s.sharedUIDs[most] && uid < most) {
			most = uid
		}
	}
	switch {
	case uids == 0:
		return ""
	case uids == 1:
		return fmt.Sprintf("%d objects share the uid %q (the uids look redacted): they were kept apart by kind, namespace and name, and links by uid (an Event's object, an owner) may be wrong", objects, shortText(string(most)))
	}
	return fmt.Sprintf("%d objects share %d uids, %d of them %q (the uids look redacted): they were kept apart by kind, namespace and name, and links by uid (an Event's object, an owner) may be wrong", objects, uids, s.sharedUIDs[most], shortText(string(most)))
}

// newer orders two copies: the higher resourceVersion, else the later in the input.
func newer(a, b *stored) bool {
	ra, errA := strconv.ParseUint(a.rv, 10, 64)
	rb, errB := strconv.ParseUint(b.rv, 10, 64)
	switch {
	case errA == nil && errB == nil && ra != rb:
		return ra > rb
	case errA == nil && errB != nil:
		return true
	case errA != nil && errB == nil:
		return false
	}
	return a.seq > b.seq
}

// objects returns the kept objects in input order.
func (s *objectStore) objects() []*stored {
	out := make([]*stored, 0, len(s.byName))
	for _, st := range s.order {
		if !st.dropped {
			out = append(out, st)
		}
	}
	return out
}

// counts returns the number of objects of each kind. A custom resource whose
// kind is also a built-in one (Longhorn's Node) is counted as Kind.group.
func (s *objectStore) counts() map[string]int {
	counts := map[string]int{}
	for _, st := range s.order {
		if !st.dropped {
			counts[countKey(st.d)]++
		}
	}
	return counts
}

func countKey(d decoded) string {
	if !d.typed && d.gvk.Group != "" {
		if _, builtin := knownKinds()[d.kind]; builtin {
			return d.kind + "." + d.gvk.Group
		}
	}
	return d.kind
}

// clusterScoped lists the built-in kinds that live outside namespaces; a
// namespaced object read without a namespace goes to "default", as kubectl apply would do.
var clusterScoped = map[string]bool{
	"Node": true, "Namespace": true, "PersistentVolume": true, "ClusterRole": true, "ClusterRoleBinding": true,
	"StorageClass": true, "CustomResourceDefinition": true, "PriorityClass": true, "IngressClass": true,
	"CSIDriver": true, "CSINode": true, "VolumeAttachment": true, "ValidatingWebhookConfiguration": true,
	"MutatingWebhookConfiguration": true, "APIService": true, "CertificateSigningRequest": true,
	"RuntimeClass": true, "ValidatingAdmissionPolicy": true, "ValidatingAdmissionPolicyBinding": true,
	"ComponentStatus": true, "FlowSchema": true, "PriorityLevelConfiguration": true,
}

func defaultNamespace(obj runtime.Object, kind string, typed bool) {
	if !typed || clusterScoped[kind] {
		return
	}
	if acc, err := meta.Accessor(obj); err == nil && acc.GetNamespace() == "" {
		acc.SetNamespace(metav1.NamespaceDefault)
	}
}

// gvrOf names the resource of a kind for the fake clients.
func gvrOf(gvk schema.GroupVersionKind) schema.GroupVersionResource {
	gvr, _ := meta.UnsafeGuessKindToResource(gvk)
	return gvr
}
