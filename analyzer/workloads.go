package analyzer

import (
	"sort"
	"strconv"
	"strings"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
)

// workload is a top-level owner (Deployment, StatefulSet, DaemonSet, CronJob,
// Job, ReplicationController, a ReplicaSet without Deployment, or a bare Pod)
// with everything that speaks for it: its pod template, its pods, and the
// controllers in between (ReplicaSets, Jobs) whose events belong to it.
type workload struct {
	Kind, Namespace, Name string
	UID                   types.UID
	// InDump is false when the workload is known only from its pods' owner references.
	InDump      bool
	Annotations map[string]string
	Created     time.Time
	// Template is the current pod template (nil when it is not in the dump).
	Template *corev1.PodTemplateSpec
	Pods     []*corev1.Pod
	// Controllers are the intermediate objects (ReplicaSets, Jobs) owned by the workload.
	Controllers []controllerRef
	// Revisions are a Deployment's ReplicaSets, newest revision first.
	Revisions []revision
	// Completed is set for a Job of its own (no CronJob) whose status says
	// Complete: it starts no pod again, so what its spec references no longer matters.
	Completed bool
	// EventPods are, for a workload known from its events only, the pods its
	// events name and when each last started a container (zero: never seen).
	EventPods map[string]time.Time
}

type controllerRef struct {
	Kind, Name string
	UID        types.UID
}

// revision is one ReplicaSet of a Deployment, i.e. one rollout.
type revision struct {
	Number   int
	Name     string
	Created  time.Time
	Template *corev1.PodTemplateSpec
	// Replicas is the ReplicaSet's desired pod count: 0 once a rollout has
	// replaced it, so that it creates no pod again.
	Replicas int32
}

func (w *workload) key() objectKey { return objectKey{w.Kind, w.Namespace, w.Name} }

func (w *workload) ref() ObjectRef { return ObjectRef{Kind: w.Kind, Name: w.Name} }

func (w *workload) podNames() []string {
	names := make([]string, 0, len(w.Pods))
	for _, p := range w.Pods {
		names = append(names, p.Name)
	}
	sort.Strings(names)
	return names
}

// specs returns the pod specs to check: the template's and each pod's, so that a
// workload whose pods were never created is still checked, and pods of an older
// revision are too.
func (w *workload) specs() []*corev1.PodSpec {
	var specs []*corev1.PodSpec
	if w.Template != nil {
		specs = append(specs, &w.Template.Spec)
	}
	for _, p := range w.Pods {
		specs = append(specs, &p.Spec)
	}
	return specs
}

// serviceAccount returns the ServiceAccount the workload's pods run as.
func (w *workload) serviceAccount() string {
	var spec *corev1.PodSpec
	switch {
	case w.Template != nil:
		spec = &w.Template.Spec
	case len(w.Pods) > 0:
		spec = &w.Pods[0].Spec
	default:
		return "default"
	}
	return specServiceAccount(spec)
}

// specServiceAccount returns the ServiceAccount a pod spec runs as.
func specServiceAccount(spec *corev1.PodSpec) string {
	if spec.ServiceAccountName != "" {
		return spec.ServiceAccountName
	}
	//nolint:staticcheck // the deprecated field is still honoured by the apiserver
	if spec.DeprecatedServiceAccount != "" {
		return spec.DeprecatedServiceAccount
	}
	return "default"
}

// workloadSet groups pods under their top-level owners.
type workloadSet struct {
	list  []*workload
	byKey map[objectKey]*workload
	// controllerOwner maps an intermediate controller (ReplicaSet, Job) to its workload.
	controllerOwner map[objectKey]*workload
	// podOwner maps a pod (by namespace/name) to its workload.
	podOwner map[nsName]*workload
}

func (s *workloadSet) get(kind, namespace, name string) *workload {
	k := objectKey{kind, namespace, name}
	if w, ok := s.byKey[k]; ok {
		return w
	}
	w := &workload{Kind: kind, Namespace: namespace, Name: name}
	s.byKey[k] = w
	s.list = append(s.list, w)
	return w
}

func setObject(w *workload, meta metav1.ObjectMeta, template *corev1.PodTemplateSpec) {
	w.InDump = true
	w.UID = meta.UID
	w.Annotations = meta.Annotations
	w.Created = meta.CreationTimestamp.Time
	if template != nil {
		w.Template = template
	}
}

// buildWorkloads resolves owners: Pod -> ReplicaSet -> Deployment, Pod -> Job ->
// CronJob, Pod -> StatefulSet/DaemonSet/ReplicationController. Owners missing
// from the dump are inferred from owner references and naming conventions
// (a ReplicaSet is "<deployment>-<pod-template-hash>", a CronJob's Job is
// "<cronjob>-<scheduled minute>"), so cluster-info dumps without Jobs still group right.
func buildWorkloads(idx *index) *workloadSet {
	s := &workloadSet{byKey: map[objectKey]*workload{}, controllerOwner: map[objectKey]*workload{}, podOwner: map[nsName]*workload{}}

	for _, d := range idx.deployments {
		setObject(s.get("Deployment", d.Namespace, d.Name), d.ObjectMeta, &d.Spec.Template)
	}
	for _, o := range idx.statefulSets {
		setObject(s.get("StatefulSet", o.Namespace, o.Name), o.ObjectMeta, &o.Spec.Template)
	}
	for _, o := range idx.daemonSets {
		setObject(s.get("DaemonSet", o.Namespace, o.Name), o.ObjectMeta, &o.Spec.Template)
	}
	for _, o := range idx.cronJobs {
		setObject(s.get("CronJob", o.Namespace, o.Name), o.ObjectMeta, &o.Spec.JobTemplate.Spec.Template)
	}
	for _, o := range idx.rcs {
		setObject(s.get("ReplicationController", o.Namespace, o.Name), o.ObjectMeta, o.Spec.Template)
	}
	for _, rs := range idx.replicaSets {
		owner := s.ownerOfReplicaSet(idx, rs)
		if owner == nil {
			setObject(s.get("ReplicaSet", rs.Namespace, rs.Name), rs.ObjectMeta, &rs.Spec.Template)
			continue
		}
		owner.Controllers = append(owner.Controllers, controllerRef{"ReplicaSet", rs.Name, rs.UID})
		s.controllerOwner[objectKey{"ReplicaSet", rs.Namespace, rs.Name}] = owner
		if rev, err := strconv.Atoi(rs.Annotations["deployment.kubernetes.io/revision"]); err == nil {
			replicas := int32(1) // the API's default
			if rs.Spec.Replicas != nil {
				replicas = *rs.Spec.Replicas
			}
			owner.Revisions = append(owner.Revisions, revision{Number: rev, Name: rs.Name, Created: rs.CreationTimestamp.Time, Template: &rs.Spec.Template, Replicas: replicas})
		}
	}
	for _, j := range idx.jobs {
		owner := s.ownerOfJob(j.Namespace, j.Name, j.OwnerReferences)
		if owner == nil {
			w := s.get("Job", j.Namespace, j.Name)
			setObject(w, j.ObjectMeta, &j.Spec.Template)
			for _, c := range j.Status.Conditions {
				if c.Type == batchv1.JobComplete && c.Status == corev1.ConditionTrue {
					w.Completed = true
				}
			}
			continue
		}
		owner.Controllers = append(owner.Controllers, controllerRef{"Job", j.Name, j.UID})
		s.controllerOwner[objectKey{"Job", j.Namespace, j.Name}] = owner
	}

	for _, p := range idx.pods {
		w := s.ownerOfPod(idx, p.Namespace, p.Name, p.OwnerReferences, p.Labels)
		w.Pods = append(w.Pods, p)
		s.podOwner[nsName{p.Namespace, p.Name}] = w
		if w.Kind == "Pod" {
			setObject(w, p.ObjectMeta, nil)
		}
	}

	for _, w := range s.list {
		sort.Slice(w.Revisions, func(i, j int) bool { return w.Revisions[i].Number > w.Revisions[j].Number })
		// A Deployment missing from the dump (cluster-info dumps hold them, others
		// may not) still has its newest ReplicaSet's template.
		if w.Template == nil && len(w.Revisions) > 0 {
			w.Template = w.Revisions[0].Template
		}
		sort.Slice(w.Controllers, func(i, j int) bool { return w.Controllers[i].Name < w.Controllers[j].Name })
	}
	sort.Slice(s.list, func(i, j int) bool {
		a, b := s.list[i], s.list[j]
		if a.Namespace != b.Namespace {
			return a.Namespace < b.Namespace
		}
		if a.Kind != b.Kind {
			return a.Kind < b.Kind
		}
		return a.Name < b.Name
	})
	return s
}

func (s *workloadSet) ownerOfReplicaSet(idx *index, rs *appsv1.ReplicaSet) *workload {
	ref := controllerOf(rs.OwnerReferences)
	if ref == nil || ref.Kind != "Deployment" {
		return nil
	}
	return s.get("Deployment", rs.Namespace, ref.Name)
}

// ownerOfJob returns the CronJob that owns a Job, by owner reference, or by the
// CronJob naming convention when the Job names one that the dump holds.
func (s *workloadSet) ownerOfJob(namespace, name string, refs []metav1.OwnerReference) *workload {
	if ref := controllerOf(refs); ref != nil {
		if ref.Kind == "CronJob" {
			return s.get("CronJob", namespace, ref.Name)
		}
		return nil
	}
	if cron, ok := cronJobOfJobName(name); ok {
		if w, exists := s.byKey[objectKey{"CronJob", namespace, cron}]; exists {
			return w
		}
	}
	return nil
}

// cronJobOfJobName undoes the CronJob controller's "<cronjob>-<minutes since epoch>" naming.
func cronJobOfJobName(job string) (string, bool) {
	i := strings.LastIndexByte(job, '-')
	if i <= 0 || len(job)-i-1 < 8 {
		return "", false
	}
	if _, err := strconv.ParseUint(job[i+1:], 10, 64); err != nil {
		return "", false
	}
	return job[:i], true
}

// ownerOfPod walks a pod's owner chain to its top-level workload. It is also used
// for pods known only from events, which carry no owner references.
func (s *workloadSet) ownerOfPod(idx *index, namespace, name string, refs []metav1.OwnerReference, labels map[string]string) *workload {
	ref := controllerOf(refs)
	if ref == nil || ref.Kind == "Node" {
		// Bare pods, and static pods whose mirror is owned by the Node.
		return s.get("Pod", namespace, name)
	}
	switch ref.Kind {
	case "ReplicaSet":
		if w, ok := s.controllerOwner[objectKey{"ReplicaSet", namespace, ref.Name}]; ok {
			return w
		}
		if _, ok := idx.replicaSets[nsName{namespace, ref.Name}]; ok {
			return s.get("ReplicaSet", namespace, ref.Name)
		}
		// The ReplicaSet is not in the dump: "<deployment>-<pod-template-hash>".
		if hash := labels["pod-template-hash"]; hash != "" && strings.HasSuffix(ref.Name, "-"+hash) {
			w := s.get("Deployment", namespace, strings.TrimSuffix(ref.Name, "-"+hash))
			s.addController(w, "ReplicaSet", namespace, ref.Name, ref.UID)
			return w
		}
		return s.get("ReplicaSet", namespace, ref.Name)
	case "Job":
		if w, ok := s.controllerOwner[objectKey{"Job", namespace, ref.Name}]; ok {
			return w
		}
		if _, ok := idx.jobs[nsName{namespace, ref.Name}]; !ok {
			if cron, ok := cronJobOfJobName(ref.Name); ok {
				w := s.get("CronJob", namespace, cron)
				s.addController(w, "Job", namespace, ref.Name, ref.UID)
				return w
			}
		}
		return s.get("Job", namespace, ref.Name)
	default:
		return s.get(ref.Kind, namespace, ref.Name)
	}
}

func (s *workloadSet) addController(w *workload, kind, namespace, name string, uid types.UID) {
	k := objectKey{kind, namespace, name}
	if _, ok := s.controllerOwner[k]; ok {
		return
	}
	s.controllerOwner[k] = w
	w.Controllers = append(w.Controllers, controllerRef{kind, name, uid})
}

// ownerOfPodName finds the workload of a pod known only by name (its events
// outlived it): "<replicaset>-<5 chars>", "<statefulset>-<ordinal>",
// "<job>-<5 chars>", "<daemonset>-<5 chars>".
func (s *workloadSet) ownerOfPodName(namespace, pod string) *workload {
	if w, ok := s.podOwner[nsName{namespace, pod}]; ok {
		return w
	}
	i := strings.LastIndexByte(pod, '-')
	if i <= 0 {
		return nil
	}
	prefix := pod[:i]
	for _, kind := range []string{"ReplicaSet", "Job"} {
		if w, ok := s.controllerOwner[objectKey{kind, namespace, prefix}]; ok {
			return w
		}
	}
	for _, kind := range []string{"ReplicaSet", "StatefulSet", "DaemonSet", "Job", "ReplicationController"} {
		if w, ok := s.byKey[objectKey{kind, namespace, prefix}]; ok && w.InDump {
			return w
		}
	}
	return nil
}
