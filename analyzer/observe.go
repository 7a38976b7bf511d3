package analyzer

import (
	"fmt"
	"strings"
	"time"
	"unicode"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/secretscan/secretscan/analyzer/messages"
	"github.com/secretscan/secretscan/internal/redact"
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
	// Candidates are the Secrets a projected volume could mean when the text
	// names only the volume and neither the spec nor the dump says which one
	// lacks the key (Secret is then empty).
	Candidates []string
	// ReplicaSet is the Deployment revision the signal comes from (the
	// ReplicaSet's own event or condition, or one of its pods'), when known.
	ReplicaSet string
}

// observeAll reads every event once, assigning it to its workload through the
// owner maps, then adds each pod's container states, the ReplicaFailure
// conditions of controllers, and container logs where the source has them.
func observeAll(p *pass) map[*workload][]observation {
	obs := map[*workload][]observation{}
	ws := p.workloads
	owners := newEventOwners(ws)
	for _, e := range p.idx.events.byNamespace[p.namespace] {
		if len(e.Signals) == 0 {
			continue
		}
		w, pod := owners.of(e)
		if w == nil {
			continue
		}
		for _, sig := range e.Signals {
			o := observation{Signal: sig, Evidence: e.evidence(), Text: e.Message, Reason: e.Reason, Last: e.Last, Count: e.Count, Pod: pod, Event: e}
			obs[w] = append(obs[w], p.withSecrets(w, o)...)
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
			failures := observeReplicaFailure(w, "ReplicaSet", rs.Name, replicaSetConditions(rs))
			for i := range failures {
				failures[i].ReplicaSet = rs.Name
			}
			obs[w] = append(obs[w], failures...)
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
	for w, list := range obs {
		if len(w.Revisions) == 0 {
			continue
		}
		for i := range list {
			if list[i].ReplicaSet == "" {
				list[i].ReplicaSet = replicaSetOf(w, list[i])
			}
		}
	}
	return obs
}

// replicaSetOf names the ReplicaSet of a Deployment an observation comes
// from: the ReplicaSet an event is about, or the owner of the pod it is about
// (by the pod's owner reference, or by its "<replicaset>-<5 chars>" name when
// the pod is gone).
func replicaSetOf(w *workload, o observation) string {
	if o.Event != nil && o.Event.Object.Kind == "ReplicaSet" {
		return o.Event.Object.Name
	}
	pod := o.Pod
	if pod == "" && o.Event != nil && o.Event.Object.Kind == "Pod" {
		pod = o.Event.Object.Name // an earlier pod of the same name
	}
	if pod == "" {
		return ""
	}
	for _, p := range w.Pods {
		if p.Name == pod && (o.Event == nil || o.Event.ObjectUID == "" || o.Event.ObjectUID == p.UID) {
			if owner := controllerOf(p.OwnerReferences); owner != nil && owner.Kind == "ReplicaSet" {
				return owner.Name
			}
			return ""
		}
	}
	if i := strings.LastIndexByte(pod, '-'); i > 0 {
		for _, r := range w.Revisions {
			if r.Name == pod[:i] {
				return r.Name
			}
		}
	}
	return ""
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
	for i, cs := range statuses {
		// Which list a container is in matters to the reader: an init
		// container blocks the pod, an ephemeral one (kubectl debug) does not.
		label := "container"
		switch {
		case i < len(pod.Status.InitContainerStatuses):
			label = "init container"
		case i >= len(pod.Status.InitContainerStatuses)+len(pod.Status.ContainerStatuses):
			label = "ephemeral container"
		}
		if wait := cs.State.Waiting; wait != nil && wait.Message != "" {
			evidence := fmt.Sprintf("Pod %s %s %s waiting %s: %s", pod.Name, label, cs.Name, wait.Reason, oneLine(wait.Message))
			for _, sig := range messages.Classify(wait.Message) {
				out = append(out, p.withSecrets(w, observation{Signal: sig, Evidence: evidence, Text: wait.Message, Reason: wait.Reason, Count: 1, Pod: pod.Name, Current: true})...)
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
				evidence := fmt.Sprintf("Pod %s %s %s last terminated %s (exit %d, %s): %s", pod.Name, label, cs.Name, term.Reason, term.ExitCode, term.FinishedAt.UTC().Format(time.RFC3339), clip(oneLine(line), 400))
				for _, sig := range sigs {
					out = append(out, p.withSecrets(w, observation{Signal: sig, Evidence: evidence, Text: line, Reason: term.Reason, Last: term.FinishedAt.Time, Count: 1, Pod: pod.Name})...)
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
				out = append(out, observation{Signal: sig, Secret: sig.Secret, Evidence: fmt.Sprintf("Pod %s container %s %s: %s", pod.Name, container, label, forbiddenExcerpt(line)), Count: 1, Pod: pod.Name, Log: true})
			}
		}
	}
	return out
}

// forbiddenExcerpt quotes, of an application's log line, the apiserver's
// refusal only: 'secrets "x" is forbidden: User "u" cannot get resource
// "secrets" ... in the namespace "ns"'. The rest of the line is the
// application's own (its fields, a request dump, perhaps a token it printed)
// and stays out of the report.
func forbiddenExcerpt(line string) string {
	start := strings.Index(line, "User ")
	if i := strings.Index(line, " is forbidden: "); i >= 0 && (start < 0 || i < start) {
		if r := strings.LastIndex(line[:i], "secrets"); r >= 0 && i-r < 300 {
			start = r
		}
	}
	if start < 0 {
		return clip(oneLine(line), 400)
	}
	rest := line[start:]
	end := len(rest)
	if i := strings.Index(rest, " in the namespace "); i >= 0 {
		j := i + len(" in the namespace ")
		j += quoteLen(rest[j:])
		j += len(rest[j:]) - len(strings.TrimLeft(rest[j:], "abcdefghijklmnopqrstuvwxyz0123456789-."))
		end = j + quoteLen(rest[j:])
	} else if i := strings.Index(rest, " at the cluster scope"); i >= 0 {
		end = i + len(" at the cluster scope")
	}
	excerpt := clip(oneLine(rest[:end]), 400)
	if start > 0 {
		excerpt = "..." + excerpt
	}
	if end < len(rest) {
		excerpt += "..."
	}
	return excerpt
}

// quoteLen is the length of the quote s starts with: ", ' or \" (a message
// inside a JSON log line), else 0.
func quoteLen(s string) int {
	switch {
	case strings.HasPrefix(s, `\"`):
		return 2
	case strings.HasPrefix(s, `"`), strings.HasPrefix(s, "'"):
		return 1
	}
	return 0
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}

// eventOwners finds the workload and pod an event is about: by the involved
// object's UID first, then by kind, namespace and name.
type eventOwners struct {
	set   *workloadSet
	byUID map[types.UID]eventOwner
	// podUID is the UID of each pod of the dump, to tell an event about an
	// earlier pod of the same name (a recreated StatefulSet or bare pod).
	podUID map[nsName]types.UID
}

type eventOwner struct {
	w   *workload
	pod string
}

func newEventOwners(s *workloadSet) *eventOwners {
	o := &eventOwners{set: s, byUID: map[types.UID]eventOwner{}, podUID: map[nsName]types.UID{}}
	for _, w := range s.list {
		if w.UID != "" {
			o.byUID[w.UID] = eventOwner{w: w}
		}
		for _, c := range w.Controllers {
			if c.UID != "" {
				o.byUID[c.UID] = eventOwner{w: w}
			}
		}
		for _, pod := range w.Pods {
			if pod.UID != "" {
				o.byUID[pod.UID] = eventOwner{w, pod.Name}
				o.podUID[nsName{pod.Namespace, pod.Name}] = pod.UID
			}
		}
	}
	return o
}

// of returns the workload an event is about and, for pod events, the pod. An
// event whose UID names no object of the dump falls back on names; one about
// an earlier pod of a name stays the workload's history but is not the
// present pod's.
func (o *eventOwners) of(e *event) (*workload, string) {
	if e.ObjectUID != "" {
		if own, ok := o.byUID[e.ObjectUID]; ok && own.w.Namespace == e.Object.Namespace {
			return own.w, own.pod
		}
	}
	w, pod := o.set.ownerOfEvent(e)
	if pod != "" && e.ObjectUID != "" {
		if uid := o.podUID[nsName{e.Object.Namespace, pod}]; uid != "" && uid != e.ObjectUID {
			pod = ""
		}
	}
	return w, pod
}

// ownerOfEvent returns the workload an event is about and, for pod events, the
// pod, by kind, namespace and name.
func (s *workloadSet) ownerOfEvent(e *event) (*workload, string) {
	k := e.Object
	switch k.Kind {
	case "Pod":
		if w := s.ownerOfPodName(k.Namespace, k.Name); w != nil {
			return w, k.Name
		}
		// Neither the pod nor its controller is in the dump:
		// "<replicaset>-<5 chars>" of a Deployment, "<job>-<5 chars>" of a CronJob.
		if i := strings.LastIndexByte(k.Name, '-'); i > 0 {
			if w := s.deploymentOfReplicaSetName(k.Namespace, k.Name[:i], ""); w != nil {
				return w, k.Name
			}
			if w := s.cronJobOfJobNameInDump(k.Namespace, k.Name[:i], ""); w != nil {
				return w, k.Name
			}
		}
		// Nothing of the workload is in the dump (kubectl get events alone):
		// a Deployment's or a CronJob's pod is still told by its two
		// generated suffixes; any other pod stands for itself.
		if deployment, rs, ok := deploymentOfPodName(k.Name); ok {
			w := s.get("Deployment", k.Namespace, deployment)
			s.addController(w, "ReplicaSet", k.Namespace, rs, "")
			return w, k.Name
		}
		if i := strings.LastIndexByte(k.Name, '-'); i > 0 && len(k.Name)-i-1 == 5 && generatedSuffix(k.Name[i+1:]) {
			if cron, ok := cronJobOfJobName(k.Name[:i]); ok {
				w := s.get("CronJob", k.Namespace, cron)
				s.addController(w, "Job", k.Namespace, k.Name[:i], "")
				return w, k.Name
			}
		}
		return s.get("Pod", k.Namespace, k.Name), k.Name
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
	case "ReplicaSet":
		if w := s.deploymentOfReplicaSetName(k.Namespace, k.Name, e.ObjectUID); w != nil {
			return w, ""
		}
		return s.get(k.Kind, k.Namespace, k.Name), ""
	case "StatefulSet", "Deployment", "DaemonSet", "CronJob", "ReplicationController":
		return s.get(k.Kind, k.Namespace, k.Name), ""
	}
	return nil, ""
}

// deploymentOfReplicaSetName undoes the Deployment controller's
// "<deployment>-<pod-template-hash>" naming for a ReplicaSet the dump does not
// hold, when the Deployment is known: in the dump, or from its pods.
func (s *workloadSet) deploymentOfReplicaSetName(namespace, rs string, uid types.UID) *workload {
	i := strings.LastIndexByte(rs, '-')
	if i <= 0 || !podTemplateHash(rs[i+1:]) {
		return nil
	}
	w, ok := s.byKey[objectKey{"Deployment", namespace, rs[:i]}]
	if !ok || (!w.InDump && len(w.Pods) == 0) {
		return nil
	}
	s.addController(w, "ReplicaSet", namespace, rs, uid)
	return w
}

// cronJobOfJobNameInDump is cronJobOfJobName for a Job known only from its
// pods' names: the CronJob must be in the dump.
func (s *workloadSet) cronJobOfJobNameInDump(namespace, job string, uid types.UID) *workload {
	cron, ok := cronJobOfJobName(job)
	if !ok {
		return nil
	}
	w, ok := s.byKey[objectKey{"CronJob", namespace, cron}]
	if !ok || !w.InDump {
		return nil
	}
	s.addController(w, "Job", namespace, job, uid)
	return w
}

// podTemplateHash tells whether s can be a pod-template-hash: up to ten
// characters of the alphabet rand.SafeEncodeString uses (no vowels, so no
// words), or the decimal hashes of releases before 1.8.
// deploymentOfPodName undoes "<deployment>-<pod-template-hash>-<5 random
// characters>", the names a Deployment's pods get; the random suffix comes from
// the apiserver's generateName alphabet, which has no vowels.
func deploymentOfPodName(pod string) (deployment, replicaSet string, ok bool) {
	i := strings.LastIndexByte(pod, '-')
	if i <= 0 || len(pod)-i-1 != 5 || !generatedSuffix(pod[i+1:]) {
		return "", "", false
	}
	rs := pod[:i]
	j := strings.LastIndexByte(rs, '-')
	// Since 1.8 the hash is written in generateName's alphabet too; an
	// all-digit one is more likely a CronJob's scheduled minute.
	if hash := rs[j+1:]; j <= 0 || len(hash) < 8 || !generatedSuffix(hash) || strings.IndexFunc(hash, unicode.IsLetter) < 0 {
		return "", "", false
	}
	return rs[:j], rs, true
}

// generatedSuffix reports text made of generateName's alphabet.
func generatedSuffix(s string) bool {
	for _, c := range s {
		if !strings.ContainsRune("bcdfghjklmnpqrstvwxz2456789", c) {
			return false
		}
	}
	return true
}

func podTemplateHash(s string) bool {
	if s == "" || len(s) > 10 {
		return false
	}
	for _, c := range s {
		if !strings.ContainsRune("bcdfghjklmnpqrstvwxz0123456789", c) {
			return false
		}
	}
	return true
}

// withSecrets fills in the Secret an observation is about. A key missing from
// a projected volume of several Secrets is narrowed by the spec's items and by
// the dump's Secrets; when several remain, the observation carries them all as
// candidates, or, when the dump shows each of them lacking the key, is
// repeated for each.
func (p *pass) withSecrets(w *workload, o observation) []observation {
	if o.Secret = secretOfSignal(w, o.Pod, o.Signal); o.Secret != "" || o.Signal.Volume == "" || o.Signal.Key == "" {
		return []observation{o}
	}
	candidates := volumeCandidates(w, o.Pod, o.Signal)
	if len(candidates) < 2 {
		return []observation{o}
	}
	var lacking []string
	judged := true
	for _, name := range candidates {
		s, exists := p.idx.secrets[nsName{w.Namespace, name}]
		switch {
		case exists && redact.KeysKnown(s) && hasKey(s, o.Signal.Key):
			// Not this one: it holds the key.
		case exists && (redact.KeysKnown(s) || redact.KnownMissingKey(s, o.Signal.Key)):
			lacking = append(lacking, name)
		case exists:
			judged = false
			lacking = append(lacking, name)
		default:
			// An absent Secret fails as not found, not by a key; unless the
			// dump did not collect it.
			if covered, _ := p.covers("Secret", w.Namespace, name); !covered {
				judged = false
				lacking = append(lacking, name)
			}
		}
	}
	if len(lacking) == 1 || (len(lacking) > 1 && judged) {
		out := make([]observation, 0, len(lacking))
		for _, name := range lacking {
			o2 := o
			o2.Secret = name
			out = append(out, o2)
		}
		return out
	}
	if len(lacking) == 0 {
		// The dump contradicts the event (it is older than the dump): name every candidate.
		lacking = candidates
	}
	o.Candidates = lacking
	return []observation{o}
}

// secretOfSignal names the Secret a signal is about: the one its text names, or
// the one mounted by the volume it names (references non-existent secret key).
// It is empty when the volume mounts several that could be meant.
func secretOfSignal(w *workload, pod string, sig messages.Signal) string {
	if sig.Secret != "" {
		return sig.Secret
	}
	if candidates := volumeCandidates(w, pod, sig); len(candidates) == 1 {
		return candidates[0]
	}
	return ""
}

// volumeCandidates returns the Secrets the volume a signal names could mean,
// from the pod's spec (any pod's when the pod is unknown), else the template's.
func volumeCandidates(w *workload, pod string, sig messages.Signal) []string {
	if sig.Volume == "" {
		return nil
	}
	for _, p := range w.Pods {
		if p.Name == pod || pod == "" {
			if names := volumeSecrets(&p.Spec, sig.Volume, sig.Key); len(names) > 0 {
				return names
			}
		}
	}
	// A pod that is gone was made from its ReplicaSet's template, which may
	// be an earlier revision's.
	if i := strings.LastIndexByte(pod, '-'); i > 0 {
		for _, r := range w.Revisions {
			if r.Name == pod[:i] && r.Template != nil {
				if names := volumeSecrets(&r.Template.Spec, sig.Volume, sig.Key); len(names) > 0 {
					return names
				}
			}
		}
	}
	if w.Template != nil {
		return volumeSecrets(&w.Template.Spec, sig.Volume, sig.Key)
	}
	return nil
}

// noteEventPods records, for each workload known from its events only, the
// pods its observations name and when each last started a container.
func (p *pass) noteEventPods() {
	for w, obs := range p.observations {
		if w.Template != nil || len(w.Pods) > 0 {
			continue
		}
		for _, o := range obs {
			if o.Pod == "" {
				continue
			}
			if w.EventPods == nil {
				w.EventPods = map[string]time.Time{}
			}
			w.EventPods[o.Pod] = p.idx.events.started[nsName{w.Namespace, o.Pod}]
		}
	}
}
