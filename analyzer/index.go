package analyzer

import (
	"context"
	"fmt"
	"sort"
	"sync"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	eventsv1 "k8s.io/api/events/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// objectKey names a namespaced object of a kind.
type objectKey struct {
	Kind, Namespace, Name string
}

func (k objectKey) String() string {
	if k.Namespace == "" {
		return k.Kind + " " + k.Name
	}
	return k.Kind + " " + k.Namespace + "/" + k.Name
}

// nsName names an object within its kind.
type nsName struct{ Namespace, Name string }

// index holds every object the checks need, each kind listed once per run and
// looked up by name or UID afterwards (never a loop over pods x events).
//
// Secrets, ServiceAccounts, RBAC objects and events are indexed for the whole
// cluster first. Pods and their controllers, the bulk of a dump, are then read
// one namespace at a time (see workloadStreams): only one namespace's pods sit
// decoded in memory at once.
type index struct {
	// The current namespace group's workload objects.
	pods         []*corev1.Pod
	replicaSets  map[nsName]*appsv1.ReplicaSet
	deployments  map[nsName]*appsv1.Deployment
	statefulSets map[nsName]*appsv1.StatefulSet
	daemonSets   map[nsName]*appsv1.DaemonSet
	jobs         map[nsName]*batchv1.Job
	cronJobs     map[nsName]*batchv1.CronJob
	rcs          map[nsName]*corev1.ReplicationController

	// Cluster-wide.
	secrets         map[nsName]*corev1.Secret
	secretNamespace map[string][]string // Secret name -> namespaces holding one, sorted
	secretNames     map[string][]string // namespace -> Secret names, sorted
	serviceAccounts map[nsName]*corev1.ServiceAccount

	roles               []rbacv1.Role
	clusterRoles        []rbacv1.ClusterRole
	roleBindings        []rbacv1.RoleBinding
	clusterRoleBindings []rbacv1.ClusterRoleBinding

	events *eventIndex

	// failures records kinds the client could not list (e.g. forbidden on a
	// live cluster): their absence proves nothing. Shared by every
	// namespace's copy of the index, and written while they are judged.
	failures *listFailures

	// namespace is set on a namespace's copy of the index.
	namespace string
}

// listFailures is the kinds that failed to list, and the warnings saying so.
type listFailures struct {
	mu       sync.Mutex
	kinds    map[string]string
	warnings []string
}

// reason returns why a kind could not be listed, if it could not.
func (f *listFailures) reason(kind string) (string, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	r, ok := f.kinds[kind]
	return r, ok
}

func (f *listFailures) warn(w string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.warnings = appendUnique(f.warnings, w)
}

// forNamespace returns a copy of the index for one namespace's workload
// objects; the cluster-wide maps are shared, read-only.
func (idx *index) forNamespace() *index {
	c := *idx
	c.resetWorkloads()
	return &c
}

// listAll pages through a typed list call and returns every item, by pointer
// into the pages.
func listAll[T any, L interface{ GetContinue() string }](ctx context.Context, call func(context.Context, metav1.ListOptions) (L, error), items func(L) []T) ([]*T, error) {
	var all []*T
	err := eachPage(ctx, call, func(page L) {
		list := items(page)
		for i := range list {
			all = append(all, &list[i])
		}
	})
	return all, err
}

// eachPage calls fn with every page of a typed list call, 500 items at a time.
func eachPage[L interface{ GetContinue() string }](ctx context.Context, call func(context.Context, metav1.ListOptions) (L, error), fn func(L)) error {
	opts := metav1.ListOptions{Limit: 500}
	for {
		page, err := call(ctx, opts)
		if err != nil {
			return err
		}
		fn(page)
		next := page.GetContinue()
		if next == "" || ctx.Err() != nil {
			return ctx.Err()
		}
		opts.Continue = next
	}
}

// byName indexes listed objects by namespace and name.
func byName[T any, P interface {
	*T
	metav1.Object
}](items []*T) map[nsName]*T {
	m := make(map[nsName]*T, len(items))
	for _, item := range items {
		p := P(item)
		m[nsName{p.GetNamespace(), p.GetName()}] = item
	}
	return m
}

// recordFailure notes a kind the client could not list.
func (idx *index) recordFailure(ctx context.Context, kind string, err error) {
	if err == nil || ctx.Err() != nil {
		return
	}
	reason := err.Error()
	if apierrors.IsForbidden(err) {
		reason = "listing was forbidden"
	}
	idx.failures.mu.Lock()
	idx.failures.kinds[kind] = reason
	idx.failures.mu.Unlock()
	idx.failures.warn(fmt.Sprintf("listing %ss failed: %v", kind, err))
}

// buildIndex lists the cluster-wide kinds once. A failed list is recorded, not
// fatal: the checks that need the kind then treat it as not collected.
func buildIndex(ctx context.Context, c Cluster) (*index, error) {
	idx := &index{failures: &listFailures{kinds: map[string]string{}}, secretNamespace: map[string][]string{}, secretNames: map[string][]string{}}
	idx.resetWorkloads()
	core, rbac := c.Client.CoreV1(), c.Client.RbacV1()

	secrets, err := listAll(ctx, core.Secrets("").List, func(l *corev1.SecretList) []corev1.Secret { return l.Items })
	idx.recordFailure(ctx, "Secret", err)
	idx.secrets = byName(secrets)
	for _, s := range secrets {
		idx.secretNamespace[s.Name] = append(idx.secretNamespace[s.Name], s.Namespace)
		idx.secretNames[s.Namespace] = append(idx.secretNames[s.Namespace], s.Name)
	}
	for _, names := range idx.secretNamespace {
		sort.Strings(names)
	}
	for _, names := range idx.secretNames {
		sort.Strings(names)
	}
	sas, err := listAll(ctx, core.ServiceAccounts("").List, func(l *corev1.ServiceAccountList) []corev1.ServiceAccount { return l.Items })
	idx.recordFailure(ctx, "ServiceAccount", err)
	idx.serviceAccounts = byName(sas)

	rolesList, err := listAll(ctx, rbac.Roles("").List, func(l *rbacv1.RoleList) []rbacv1.Role { return l.Items })
	idx.recordFailure(ctx, "Role", err)
	idx.roles = values(rolesList)
	clusterRolesList, err := listAll(ctx, rbac.ClusterRoles().List, func(l *rbacv1.ClusterRoleList) []rbacv1.ClusterRole { return l.Items })
	idx.recordFailure(ctx, "ClusterRole", err)
	idx.clusterRoles = values(clusterRolesList)
	roleBindingsList, err := listAll(ctx, rbac.RoleBindings("").List, func(l *rbacv1.RoleBindingList) []rbacv1.RoleBinding { return l.Items })
	idx.recordFailure(ctx, "RoleBinding", err)
	idx.roleBindings = values(roleBindingsList)
	clusterRoleBindingsList, err := listAll(ctx, rbac.ClusterRoleBindings().List, func(l *rbacv1.ClusterRoleBindingList) []rbacv1.ClusterRoleBinding { return l.Items })
	idx.recordFailure(ctx, "ClusterRoleBinding", err)
	idx.clusterRoleBindings = values(clusterRoleBindingsList)

	// Events are the most numerous objects: they are indexed page by page and
	// never held as a whole list.
	idx.events = newEventIndex()
	err = eachPage(ctx, core.Events("").List, func(l *corev1.EventList) {
		for i := range l.Items {
			idx.events.add(fromCoreEvent(&l.Items[i]))
		}
	})
	idx.recordFailure(ctx, "Event", err)
	err = eachPage(ctx, c.Client.EventsV1().Events("").List, func(l *eventsv1.EventList) {
		for i := range l.Items {
			idx.events.add(fromModernEvent(&l.Items[i]))
		}
	})
	if err != nil && !apierrors.IsNotFound(err) && ctx.Err() == nil {
		idx.failures.warn(fmt.Sprintf("listing events.k8s.io Events failed: %v", err))
	}
	idx.events.finish()
	return idx, ctx.Err()
}

// resetWorkloads empties the per-namespace part of the index.
func (idx *index) resetWorkloads() {
	idx.pods = nil
	idx.replicaSets = map[nsName]*appsv1.ReplicaSet{}
	idx.deployments = map[nsName]*appsv1.Deployment{}
	idx.statefulSets = map[nsName]*appsv1.StatefulSet{}
	idx.daemonSets = map[nsName]*appsv1.DaemonSet{}
	idx.jobs = map[nsName]*batchv1.Job{}
	idx.cronJobs = map[nsName]*batchv1.CronJob{}
	idx.rcs = map[nsName]*corev1.ReplicationController{}
}

// values copies listed objects out, for APIs that take slices of values
// (RBAC objects: a few hundred).
func values[T any](items []*T) []T {
	out := make([]T, len(items))
	for i, item := range items {
		out[i] = *item
	}
	return out
}

// controllerOf returns the controlling owner reference of an object, if any.
func controllerOf(refs []metav1.OwnerReference) *metav1.OwnerReference {
	for i := range refs {
		if refs[i].Controller != nil && *refs[i].Controller {
			return &refs[i]
		}
	}
	if len(refs) == 1 {
		return &refs[0]
	}
	return nil
}
