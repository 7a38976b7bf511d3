package analyzer

import (
	"fmt"
	"strings"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"

	"github.com/secretscan/secretscan/analyzer/messages"
)

// observation is one thing Kubernetes said about a workload's failure: a
// classified signal with the Secret it concerns and the text that says so.
type observation struct {
	Signal   messages.Signal
	Secret   string // the Secret named by the text, or found through the pod's volume
	Evidence string // the quoted Kubernetes text, with where it was said
	Text     string // the message itself
	Reason   string // event reason or waiting reason
	Last     time.Time
	Count    int
	Pod      string // the pod concerned, if any
	// Current is true when the signal is the pod's present state (a waiting
	// container), not history (an event, a terminated container).
	Current bool
	// Log is true for signals read from a container log.
	Log bool
	// Event is the event the signal came from, if any: identical events of
	// several pods are quoted once, with their counts added up.
	Event *event
}

// observeAll reads every event once, assigning it to its workload through the
// owner maps, then adds each pod's container states, the ReplicaFailure
// conditions of controllers, and container logs where the source has them.
func observeAll(p *pass) map[*workload][]observation {
	obs := map[*workload][]observation{}
	ws := p.workloads
	for _, e := range p.idx.events.byNamespace[p.namespace] {
		if len(e.Signals) == 0 {
			continue
		}
		w, pod := ws.ownerOfEvent(e)
		if w == nil {
			continue
		}
		for _, sig := range e.Signals {
			obs[w] = append(obs[w], observation{
				Signal: sig, Secret: secretOfSignal(w, pod, sig), Evidence: e.evidence(), Text: e.Message, Reason: e.Reason,
				Last: e.Last, Count: e.Count, Pod: pod, Event: e,
			})
		}
	}
	for _, w := range ws.list {
		for _, pod := range w.Pods {
			obs[w] = append(obs[w], observePod(p, w, pod)...)
		}
	}
	for _, rs := range p.idx.replicaSets {
		w := ws.controllerOwner[objectKey{"ReplicaSet", rs.Namespace, rs.Name}]
		if w == nil {
			w = ws.byKey[objectKey{"ReplicaSet", rs.Namespace, rs.Name}]
		}
		if w != nil {
			obs[w] = append(obs[w], observeReplicaFailure(w, "ReplicaSet", rs.Name, replicaSetConditions(rs))...)
		}
	}
	for _, d := range p.idx.deployments {
		w := ws.byKey[objectKey{"Deployment", d.Namespace, d.Name}]
		var conds []condition
		for _, c := range d.Status.Conditions {
			conds = append(conds, condition{string(c.Type), string(c.Status), c.Reason, c.Message, c.LastUpdateTime.Time})
		}
		obs[w] = append(obs[w], observeReplicaFailure(w, "Deployment", d.Name, conds)...)
	}
	return obs
}

type condition struct {
	Type, Status, Reason, Message string
	Last                          time.Time
}

func replicaSetConditions(rs *appsv1.ReplicaSet) []condition {
	var conds []condition
	for _, c := range rs.Status.Conditions {
		conds = append(conds, condition{string(c.Type), string(c.Status), c.Reason, c.Message, c.LastTransitionTime.Time})
	}
	return conds
}

// observeReplicaFailure reads ReplicaFailure conditions: the controller could not create pods.
func observeReplicaFailure(w *workload, kind, name string, conds []condition) []observation {
	var out []observation
	for _, c := range conds {
		if c.Type != "ReplicaFailure" || c.Status != "True" {
			continue
		}
		evidence := fmt.Sprintf("%s %s condition ReplicaFailure=True %s: %s", kind, name, c.Reason, oneLine(c.Message))
		for _, sig := range messages.Classify(c.Message) {
			out = append(out, observation{Signal: sig, Secret: sig.Secret, Evidence: evidence, Text: c.Message, Reason: c.Reason, Last: c.Last, Count: 1, Current: true})
		}
	}
	return out
}

// observePod reads the container states of a pod (init, regular and ephemeral),
// and the logs of its failing containers.
func observePod(p *pass, w *workload, pod *corev1.Pod) []observation {
	var out []observation
	statuses := make([]corev1.ContainerStatus, 0, len(pod.Status.InitContainerStatuses)+len(pod.Status.ContainerStatuses)+len(pod.Status.EphemeralContainerStatuses))
	statuses = append(statuses, pod.Status.InitContainerStatuses...)
	statuses = append(statuses, pod.Status.ContainerStatuses...)
	statuses = append(statuses, pod.Status.EphemeralContainerStatuses...)
	for _, cs := range statuses {
		if wait := cs.State.Waiting; wait != nil && wait.Message != "" {
			evidence := fmt.Sprintf("Pod %s container %s waiting %s: %s", pod.Name, cs.Name, wait.Reason, oneLine(wait.Message))
			for _, sig := range messages.Classify(wait.Message) {
				out = append(out, observation{Signal: sig, Secret: secretOfSignal(w, pod.Name, sig), Evidence: evidence, Text: wait.Message, Reason: wait.Reason, Count: 1, Pod: pod.Name, Current: true})
			}
		}
		if term := cs.LastTerminationState.Terminated; term != nil && term.Message != "" {
			// A termination message is often the log's tail: quote the lines
			// that say why, not a traceback around them.
			for _, line := range strings.Split(term.Message, "\n") {
				sigs := messages.Classify(line)
				if len(sigs) == 0 {
					continue
				}
				evidence := fmt.Sprintf("Pod %s container %s last terminated %s (exit %d, %s): %s", pod.Name, cs.Name, term.Reason, term.ExitCode, term.FinishedAt.UTC().Format(time.RFC3339), clip(oneLine(line), 400))
				for _, sig := range sigs {
					out = append(out, observation{Signal: sig, Secret: secretOfSignal(w, pod.Name, sig), Evidence: evidence, Text: line, Reason: term.Reason, Last: term.FinishedAt.Time, Count: 1, Pod: pod.Name})
				}
			}
		}
		if p.cluster.Logs != nil && containerFailing(cs) {
			out = append(out, observeLogs(p, w, pod, cs.Name)...)
		}
	}
	return out
}

// containerFailing is true for a container that restarted or is not running:
// only their logs are read, as troubleshoot only keeps those.
func containerFailing(cs corev1.ContainerStatus) bool {
	return cs.RestartCount > 0 || cs.State.Running == nil || cs.LastTerminationState.Terminated != nil
}

// maxLogSignals bounds what one container log contributes: the first lines
// that say why are enough, repeats only crowd the report.
const maxLogSignals = 3

func observeLogs(p *pass, w *workload, pod *corev1.Pod, container string) []observation {
	var out []observation
	for _, previous := range []bool{false, true} {
		text, ok := p.cluster.Logs.Log(pod.Namespace, pod.Name, container, previous)
		if !ok {
			continue
		}
		label := "log"
		if previous {
			label = "previous log"
		}
		seen := map[string]bool{}
		for _, line := range strings.Split(text, "\n") {
			if len(out) >= maxLogSignals {
				return out
			}
			for _, sig := range messages.Classify(line) {
				// Logs matter for what the application itself was refused; the
				// kubelet's own wordings already come from events and status.
				if sig.Cause != messages.RBACForbidden {
					continue
				}
				key := string(sig.Cause) + sig.Secret + sig.Verb
				if seen[key] {
					continue
				}
				seen[key] = true
				out = append(out, observation{Signal: sig, Secret: sig.Secret, Evidence: fmt.Sprintf("Pod %s container %s %s: %s", pod.Name, container, label, clip(oneLine(line), 400)), Count: 1, Pod: pod.Name, Log: true})
			}
		}
	}
	return out
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}

// ownerOfEvent returns the workload an event is about and, for pod events, the pod.
func (s *workloadSet) ownerOfEvent(e *event) (*workload, string) {
	k := e.Object
	switch k.Kind {
	case "Pod":
		return s.ownerOfPodName(k.Namespace, k.Name), k.Name
	case "ReplicaSet", "Job":
		if w, ok := s.controllerOwner[k]; ok {
			return w, ""
		}
	}
	if w, ok := s.byKey[k]; ok {
		return w, ""
	}
	// A controller the dump does not hold (cluster-info dumps have no
	// StatefulSets, Jobs or CronJobs) still speaks through its events.
	switch k.Kind {
	case "Job":
		if cron, ok := cronJobOfJobName(k.Name); ok {
			w := s.get("CronJob", k.Namespace, cron)
			s.addController(w, "Job", k.Namespace, k.Name, e.ObjectUID)
			return w, ""
		}
		return s.get("Job", k.Namespace, k.Name), ""
	case "StatefulSet", "Deployment", "DaemonSet", "ReplicaSet", "CronJob", "ReplicationController":
		return s.get(k.Kind, k.Namespace, k.Name), ""
	}
	return nil, ""
}

// secretOfSignal names the Secret a signal is about: the one its text names, or
// the one mounted by the volume it names (references non-existent secret key).
func secretOfSignal(w *workload, pod string, sig messages.Signal) string {
	if sig.Secret != "" {
		return sig.Secret
	}
	if sig.Volume == "" {
		return ""
	}
	for _, p := range w.Pods {
		if p.Name == pod || pod == "" {
			if name, ok := volumeSecret(&p.Spec, sig.Volume); ok {
				return name
			}
		}
	}
	if w.Template != nil {
		if name, ok := volumeSecret(&w.Template.Spec, sig.Volume); ok {
			return name
		}
	}
	return ""
}
