package analyzer

import (
	"context"
	"fmt"
	"sort"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// nsStream reads one kind page by page, handing out its objects one namespace
// at a time. API servers (etcd keys are <namespace>/<name>) and a dump's fake
// clientset both list in namespace order, so a namespace is complete once the
// stream has moved past it.
type nsStream struct {
	kind  string
	fetch func(ctx context.Context, opts metav1.ListOptions) ([]metav1.Object, string, error)
	add   func(idx *index, obj metav1.Object)
	buf   []metav1.Object
	pos   int
	cont  string
	done  bool
}

// streamOf builds the stream of a typed list call.
func streamOf[T any, P interface {
	*T
	metav1.Object
}, L interface{ GetContinue() string }](kind string, call func(context.Context, metav1.ListOptions) (L, error), items func(L) []T, add func(idx *index, obj P)) *nsStream {
	return &nsStream{
		kind: kind,
		fetch: func(ctx context.Context, opts metav1.ListOptions) ([]metav1.Object, string, error) {
			page, err := call(ctx, opts)
			if err != nil {
				return nil, "", err
			}
			list := items(page)
			objs := make([]metav1.Object, len(list))
			for i := range list {
				objs[i] = P(&list[i])
			}
			return objs, page.GetContinue(), nil
		},
		add: func(idx *index, obj metav1.Object) { add(idx, obj.(P)) },
	}
}

// peek returns the namespace of the next object, fetching a page if needed.
func (s *nsStream) peek(ctx context.Context, idx *index) (string, bool) {
	for s.pos >= len(s.buf) {
		if s.done {
			return "", false
		}
		objs, cont, err := s.fetch(ctx, metav1.ListOptions{Limit: 500, Continue: s.cont})
		if err != nil {
			idx.recordFailure(ctx, s.kind, err)
			s.done = true
			return "", false
		}
		s.buf, s.pos, s.cont = objs, 0, cont
		s.done = cont == ""
	}
	return s.buf[s.pos].GetNamespace(), true
}

// workloadStreams reads pods and their controllers namespace by namespace.
type workloadStreams struct {
	ctx     context.Context
	idx     *index
	streams []*nsStream
	last    string
	started bool
	// visited are the namespaces handed out; eventsOnly, those left that
	// have events but no workload object (a dump of kubectl get events).
	visited    map[string]bool
	eventsOnly []string
}

func newWorkloadStreams(ctx context.Context, c Cluster, idx *index) *workloadStreams {
	core, apps, batch := c.Client.CoreV1(), c.Client.AppsV1(), c.Client.BatchV1()
	return &workloadStreams{ctx: ctx, idx: idx, streams: []*nsStream{
		streamOf("Pod", core.Pods("").List, func(l *corev1.PodList) []corev1.Pod { return l.Items },
			func(idx *index, p *corev1.Pod) { idx.pods = append(idx.pods, p) }),
		streamOf("ReplicaSet", apps.ReplicaSets("").List, func(l *appsv1.ReplicaSetList) []appsv1.ReplicaSet { return l.Items },
			func(idx *index, o *appsv1.ReplicaSet) { idx.replicaSets[nsName{o.Namespace, o.Name}] = o }),
		streamOf("Deployment", apps.Deployments("").List, func(l *appsv1.DeploymentList) []appsv1.Deployment { return l.Items },
			func(idx *index, o *appsv1.Deployment) { idx.deployments[nsName{o.Namespace, o.Name}] = o }),
		streamOf("StatefulSet", apps.StatefulSets("").List, func(l *appsv1.StatefulSetList) []appsv1.StatefulSet { return l.Items },
			func(idx *index, o *appsv1.StatefulSet) { idx.statefulSets[nsName{o.Namespace, o.Name}] = o }),
		streamOf("DaemonSet", apps.DaemonSets("").List, func(l *appsv1.DaemonSetList) []appsv1.DaemonSet { return l.Items },
			func(idx *index, o *appsv1.DaemonSet) { idx.daemonSets[nsName{o.Namespace, o.Name}] = o }),
		streamOf("Job", batch.Jobs("").List, func(l *batchv1.JobList) []batchv1.Job { return l.Items },
			func(idx *index, o *batchv1.Job) { idx.jobs[nsName{o.Namespace, o.Name}] = o }),
		streamOf("CronJob", batch.CronJobs("").List, func(l *batchv1.CronJobList) []batchv1.CronJob { return l.Items },
			func(idx *index, o *batchv1.CronJob) { idx.cronJobs[nsName{o.Namespace, o.Name}] = o }),
		streamOf("ReplicationController", core.ReplicationControllers("").List, func(l *corev1.ReplicationControllerList) []corev1.ReplicationController { return l.Items },
			func(idx *index, o *corev1.ReplicationController) { idx.rcs[nsName{o.Namespace, o.Name}] = o }),
	}}
}

// next returns the next namespace's index: the cluster-wide index shared
// (read-only) with that namespace's workload objects; false when every stream
// is exhausted.
func (w *workloadStreams) next() (*index, bool) {
	nsIdx := w.idx.forNamespace()
	ns, found := "", false
	for _, s := range w.streams {
		if n, ok := s.peek(w.ctx, w.idx); ok && (!found || n < ns) {
			ns, found = n, true
		}
	}
	if w.ctx.Err() != nil {
		return nil, false
	}
	if !found {
		return w.nextEventsOnly()
	}
	if w.visited == nil {
		w.visited = map[string]bool{}
	}
	w.visited[ns] = true
	if w.started && ns <= w.last {
		// The server listed out of namespace order: this namespace's objects
		// arrive in two parts, and its workloads are judged from each part.
		w.idx.failures.warn(fmt.Sprintf("the API server listed namespace %s out of order; its workloads may be judged from partial data", ns))
	}
	w.started, w.last = true, ns
	for _, s := range w.streams {
		for {
			n, ok := s.peek(w.ctx, w.idx)
			if !ok || n != ns {
				break
			}
			s.add(nsIdx, s.buf[s.pos])
			s.buf[s.pos] = nil
			s.pos++
		}
	}
	nsIdx.namespace = ns
	return nsIdx, true
}

// nextEventsOnly hands out, once the workload streams are done, each namespace
// that has events but no pod or controller in the dump: its events alone
// speak for its workloads.
func (w *workloadStreams) nextEventsOnly() (*index, bool) {
	if w.eventsOnly == nil {
		w.eventsOnly = []string{}
		for ns := range w.idx.events.byNamespace {
			if !w.visited[ns] {
				w.eventsOnly = append(w.eventsOnly, ns)
			}
		}
		sort.Strings(w.eventsOnly)
	}
	if len(w.eventsOnly) == 0 {
		return nil, false
	}
	nsIdx := w.idx.forNamespace()
	nsIdx.namespace, w.eventsOnly = w.eventsOnly[0], w.eventsOnly[1:]
	return nsIdx, true
}
