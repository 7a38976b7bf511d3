package collect

import (
	"context"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	eventsv1 "k8s.io/api/events/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/kubernetes"
)

// lister reads one page of a kind in a namespace ("" for all, or a
// cluster-scoped kind).
type lister func(ctx context.Context, namespace string, opts metav1.ListOptions) (objs []runtime.Object, cont string, err error)

// typedLister adapts a typed client-go list call.
func typedLister[L interface{ GetContinue() string }, T any, P interface {
	*T
	runtime.Object
}](list func(namespace string) func(context.Context, metav1.ListOptions) (L, error), items func(L) []T) lister {
	return func(ctx context.Context, namespace string, opts metav1.ListOptions) ([]runtime.Object, string, error) {
		page, err := list(namespace)(ctx, opts)
		if err != nil {
			return nil, "", err
		}
		list := items(page)
		out := make([]runtime.Object, len(list))
		for i := range list {
			out[i] = P(&list[i])
		}
		return out, page.GetContinue(), nil
	}
}

// builtinKind is a built-in kind the analyzers read, listed through the typed
// client as they list it.
type builtinKind struct {
	gvk        schema.GroupVersionKind
	resource   string
	namespaced bool
	list       lister
}

func (k builtinKind) groupResource() schema.GroupResource {
	return schema.GroupResource{Group: k.gvk.Group, Resource: k.resource}
}

// builtinKinds are every built-in kind the analyzers list (analyzer/index.go
// and analyzer/stream.go), in the order they are collected: the cluster-wide
// kinds first, then workloads, pods last (their logs follow them).
func builtinKinds(c kubernetes.Interface) []builtinKind {
	core, apps, batch, rbac := c.CoreV1(), c.AppsV1(), c.BatchV1(), c.RbacV1()
	v1 := func(kind string) schema.GroupVersionKind { return schema.GroupVersionKind{Version: "v1", Kind: kind} }
	appsGVK := func(kind string) schema.GroupVersionKind { return appsv1.SchemeGroupVersion.WithKind(kind) }
	batchGVK := func(kind string) schema.GroupVersionKind { return batchv1.SchemeGroupVersion.WithKind(kind) }
	rbacGVK := func(kind string) schema.GroupVersionKind { return rbacv1.SchemeGroupVersion.WithKind(kind) }
	return []builtinKind{
		{v1("Secret"), "secrets", true, typedLister(func(ns string) func(context.Context, metav1.ListOptions) (*corev1.SecretList, error) {
			return core.Secrets(ns).List
		}, func(l *corev1.SecretList) []corev1.Secret { return l.Items })},
		{v1("ServiceAccount"), "serviceaccounts", true, typedLister(func(ns string) func(context.Context, metav1.ListOptions) (*corev1.ServiceAccountList, error) {
			return core.ServiceAccounts(ns).List
		}, func(l *corev1.ServiceAccountList) []corev1.ServiceAccount { return l.Items })},
		{rbacGVK("Role"), "roles", true, typedLister(func(ns string) func(context.Context, metav1.ListOptions) (*rbacv1.RoleList, error) {
			return rbac.Roles(ns).List
		}, func(l *rbacv1.RoleList) []rbacv1.Role { return l.Items })},
		{rbacGVK("RoleBinding"), "rolebindings", true, typedLister(func(ns string) func(context.Context, metav1.ListOptions) (*rbacv1.RoleBindingList, error) {
			return rbac.RoleBindings(ns).List
		}, func(l *rbacv1.RoleBindingList) []rbacv1.RoleBinding { return l.Items })},
		{rbacGVK("ClusterRole"), "clusterroles", false, typedLister(func(string) func(context.Context, metav1.ListOptions) (*rbacv1.ClusterRoleList, error) {
			return rbac.ClusterRoles().List
		}, func(l *rbacv1.ClusterRoleList) []rbacv1.ClusterRole { return l.Items })},
		{rbacGVK("ClusterRoleBinding"), "clusterrolebindings", false, typedLister(func(string) func(context.Context, metav1.ListOptions) (*rbacv1.ClusterRoleBindingList, error) {
			return rbac.ClusterRoleBindings().List
		}, func(l *rbacv1.ClusterRoleBindingList) []rbacv1.ClusterRoleBinding { return l.Items })},
		{v1("Event"), "events", true, typedLister(func(ns string) func(context.Context, metav1.ListOptions) (*corev1.EventList, error) {
			return core.Events(ns).List
		}, func(l *corev1.EventList) []corev1.Event { return l.Items })},
		{eventsv1.SchemeGroupVersion.WithKind("Event"), "events", true, typedLister(func(ns string) func(context.Context, metav1.ListOptions) (*eventsv1.EventList, error) {
			return c.EventsV1().Events(ns).List
		}, func(l *eventsv1.EventList) []eventsv1.Event { return l.Items })},
		{appsGVK("Deployment"), "deployments", true, typedLister(func(ns string) func(context.Context, metav1.ListOptions) (*appsv1.DeploymentList, error) {
			return apps.Deployments(ns).List
		}, func(l *appsv1.DeploymentList) []appsv1.Deployment { return l.Items })},
		{appsGVK("ReplicaSet"), "replicasets", true, typedLister(func(ns string) func(context.Context, metav1.ListOptions) (*appsv1.ReplicaSetList, error) {
			return apps.ReplicaSets(ns).List
		}, func(l *appsv1.ReplicaSetList) []appsv1.ReplicaSet { return l.Items })},
		{appsGVK("StatefulSet"), "statefulsets", true, typedLister(func(ns string) func(context.Context, metav1.ListOptions) (*appsv1.StatefulSetList, error) {
			return apps.StatefulSets(ns).List
		}, func(l *appsv1.StatefulSetList) []appsv1.StatefulSet { return l.Items })},
		{appsGVK("DaemonSet"), "daemonsets", true, typedLister(func(ns string) func(context.Context, metav1.ListOptions) (*appsv1.DaemonSetList, error) {
			return apps.DaemonSets(ns).List
		}, func(l *appsv1.DaemonSetList) []appsv1.DaemonSet { return l.Items })},
		{batchGVK("Job"), "jobs", true, typedLister(func(ns string) func(context.Context, metav1.ListOptions) (*batchv1.JobList, error) {
			return batch.Jobs(ns).List
		}, func(l *batchv1.JobList) []batchv1.Job { return l.Items })},
		{batchGVK("CronJob"), "cronjobs", true, typedLister(func(ns string) func(context.Context, metav1.ListOptions) (*batchv1.CronJobList, error) {
			return batch.CronJobs(ns).List
		}, func(l *batchv1.CronJobList) []batchv1.CronJob { return l.Items })},
		{v1("ReplicationController"), "replicationcontrollers", true, typedLister(func(ns string) func(context.Context, metav1.ListOptions) (*corev1.ReplicationControllerList, error) {
			return core.ReplicationControllers(ns).List
		}, func(l *corev1.ReplicationControllerList) []corev1.ReplicationController { return l.Items })},
		{v1("Pod"), "pods", true, typedLister(func(ns string) func(context.Context, metav1.ListOptions) (*corev1.PodList, error) {
			return core.Pods(ns).List
		}, func(l *corev1.PodList) []corev1.Pod { return l.Items })},
	}
}

// customKind is a custom resource kind the analyzers read through the dynamic
// client, with the versions they try, newest first. Keep in step with
// producerKinds (analyzer/producers.go) and secretProviderClassResources
// (analyzer/check_csi.go); the round-trip test of each scenario catches drift.
type customKind struct {
	kind     string
	versions []schema.GroupVersionResource
}

var customKinds = []customKind{
	{"ExternalSecret", []schema.GroupVersionResource{
		{Group: "external-secrets.io", Version: "v1", Resource: "externalsecrets"},
		{Group: "external-secrets.io", Version: "v1beta1", Resource: "externalsecrets"},
	}},
	{"SealedSecret", []schema.GroupVersionResource{{Group: "bitnami.com", Version: "v1alpha1", Resource: "sealedsecrets"}}},
	{"Certificate", []schema.GroupVersionResource{{Group: "cert-manager.io", Version: "v1", Resource: "certificates"}}},
	// A Certificate waiting on its issuer says why only on its CertificateRequest.
	{"CertificateRequest", []schema.GroupVersionResource{{Group: "cert-manager.io", Version: "v1", Resource: "certificaterequests"}}},
	{"SecretProviderClass", []schema.GroupVersionResource{
		{Group: "secrets-store.csi.x-k8s.io", Version: "v1", Resource: "secretproviderclasses"},
		{Group: "secrets-store.csi.x-k8s.io", Version: "v1alpha1", Resource: "secretproviderclasses"},
	}},
}

// reportedKinds are the built-in kinds whose coverage a report shows, in the
// loader's order: each kind of builtinKinds once.
var reportedKinds = []string{
	"Pod", "Event", "Secret", "ServiceAccount", "Deployment", "ReplicaSet", "StatefulSet", "DaemonSet",
	"Job", "CronJob", "ReplicationController", "Role", "RoleBinding", "ClusterRole", "ClusterRoleBinding",
}
