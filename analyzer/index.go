package analyzer

import (
	"context"
	"fmt"
	"sort"

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
type index struct {
	pods            []*corev1.Pod
	replicaSets     map[nsName]*appsv1.ReplicaSet
	deployments     map[nsName]*appsv1.Deployment
	statefulSets    map[nsName]*appsv1.StatefulSet
	daemonSets      map[nsName]*appsv1.DaemonSet
	jobs            map[nsName]*batchv1.Job
	cronJobs        map[nsName]*batchv1.CronJob
	rcs             map[nsName]*corev1.ReplicationController
	secrets         map[nsName]*corev1.Secret
	secretNamespace map[string][]string // Secret name -> namespaces holding one, sorted
	secretNames     map[string][]string // namespace -> Secret names, sorted
	serviceAccounts map[nsName]*corev1.ServiceAccount

	roles               []rbacv1.Role
	clusterRoles        []rbacv1.ClusterRole
	roleBindings        []rbacv1.RoleBinding
	clusterRoleBindings []rbacv1.ClusterRoleBinding

	events *eventIndex

	// listFailed records kinds the client could not list (e.g. forbidden on a
	// live cluster): their absence proves nothing.
	listFailed map[string]string
	warnings   []string
}

// listAll pages through a typed list call; a fake clientset answers in one page.
func listAll[T any, L interface{ GetContinue() string }](ctx context.Context, call func(context.Context, metav1.ListOptions) (L, error), items func(L) []T) ([]T, error) {
	var all []T
	opts := metav1.ListOptions{Limit: 500}
	for {
		page, err := call(ctx, opts)
		if err != nil {
			return all, err
		}
		all = append(all, items(page)...)
		next := page.GetContinue()
		if next == "" || ctx.Err() != nil {
			return all, ctx.Err()
		}
		opts.Continue = next
	}
}

// byName indexes listed objects by namespace and name.
func byName[T any, P interface {
	*T
	metav1.Object
}](items []T) map[nsName]*T {
	m := make(map[nsName]*T, len(items))
	for i := range items {
		p := P(&items[i])
		m[nsName{p.GetNamespace(), p.GetName()}] = &items[i]
	}
	return m
}

// buildIndex lists each kind once. A failed list is recorded, not fatal: the
// checks that need the kind then treat it as not collected.
func buildIndex(ctx context.Context, c Cluster) (*index, error) {
	idx := &index{listFailed: map[string]string{}, secretNamespace: map[string][]string{}, secretNames: map[string][]string{}}
	core, apps, batch, rbac := c.Client.CoreV1(), c.Client.AppsV1(), c.Client.BatchV1(), c.Client.RbacV1()
	failed := func(kind string, err error) {
		if err == nil || ctx.Err() != nil {
			return
		}
		reason := err.Error()
		if apierrors.IsForbidden(err) {
			reason = "listing was forbidden"
		}
		idx.listFailed[kind] = reason
		idx.warnings = append(idx.warnings, fmt.Sprintf("listing %ss failed: %v", kind, err))
	}

	pods, err := listAll(ctx, core.Pods("").List, func(l *corev1.PodList) []corev1.Pod { return l.Items })
	failed("Pod", err)
	idx.pods = pointers(pods)
	sort.Slice(idx.pods, func(i, j int) bool {
		a, b := idx.pods[i], idx.pods[j]
		if a.Namespace != b.Namespace {
			return a.Namespace < b.Namespace
		}
		return a.Name < b.Name
	})

	rss, err := listAll(ctx, apps.ReplicaSets("").List, func(l *appsv1.ReplicaSetList) []appsv1.ReplicaSet { return l.Items })
	failed("ReplicaSet", err)
	idx.replicaSets = byName(rss)
	deps, err := listAll(ctx, apps.Deployments("").List, func(l *appsv1.DeploymentList) []appsv1.Deployment { return l.Items })
	failed("Deployment", err)
	idx.deployments = byName(deps)
	stss, err := listAll(ctx, apps.StatefulSets("").List, func(l *appsv1.StatefulSetList) []appsv1.StatefulSet { return l.Items })
	failed("StatefulSet", err)
	idx.statefulSets = byName(stss)
	dss, err := listAll(ctx, apps.DaemonSets("").List, func(l *appsv1.DaemonSetList) []appsv1.DaemonSet { return l.Items })
	failed("DaemonSet", err)
	idx.daemonSets = byName(dss)
	jobs, err := listAll(ctx, batch.Jobs("").List, func(l *batchv1.JobList) []batchv1.Job { return l.Items })
	failed("Job", err)
	idx.jobs = byName(jobs)
	cjs, err := listAll(ctx, batch.CronJobs("").List, func(l *batchv1.CronJobList) []batchv1.CronJob { return l.Items })
	failed("CronJob", err)
	idx.cronJobs = byName(cjs)
	rcs, err := listAll(ctx, core.ReplicationControllers("").List, func(l *corev1.ReplicationControllerList) []corev1.ReplicationController { return l.Items })
	failed("ReplicationController", err)
	idx.rcs = byName(rcs)

	secrets, err := listAll(ctx, core.Secrets("").List, func(l *corev1.SecretList) []corev1.Secret { return l.Items })
	failed("Secret", err)
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
	failed("ServiceAccount", err)
	idx.serviceAccounts = byName(sas)

	idx.roles, err = listAll(ctx, rbac.Roles("").List, func(l *rbacv1.RoleList) []rbacv1.Role { return l.Items })
	failed("Role", err)
	idx.clusterRoles, err = listAll(ctx, rbac.ClusterRoles().List, func(l *rbacv1.ClusterRoleList) []rbacv1.ClusterRole { return l.Items })
	failed("ClusterRole", err)
	idx.roleBindings, err = listAll(ctx, rbac.RoleBindings("").List, func(l *rbacv1.RoleBindingList) []rbacv1.RoleBinding { return l.Items })
	failed("RoleBinding", err)
	idx.clusterRoleBindings, err = listAll(ctx, rbac.ClusterRoleBindings().List, func(l *rbacv1.ClusterRoleBindingList) []rbacv1.ClusterRoleBinding { return l.Items })
	failed("ClusterRoleBinding", err)

	coreEvents, err := listAll(ctx, core.Events("").List, func(l *corev1.EventList) []corev1.Event { return l.Items })
	failed("Event", err)
	newEvents, err := listAll(ctx, c.Client.EventsV1().Events("").List, func(l *eventsv1.EventList) []eventsv1.Event { return l.Items })
	if err != nil && !apierrors.IsNotFound(err) && ctx.Err() == nil {
		idx.warnings = append(idx.warnings, fmt.Sprintf("listing events.k8s.io Events failed: %v", err))
	}
	idx.events = newEventIndex(coreEvents, newEvents)
	return idx, ctx.Err()
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

func pointers[T any](items []T) []*T {
	out := make([]*T, len(items))
	for i := range items {
		out[i] = &items[i]
	}
	return out
}
