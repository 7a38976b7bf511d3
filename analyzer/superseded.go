package analyzer

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/secretscan/secretscan/analyzer/messages"
	"github.com/secretscan/secretscan/analyzer/registryauth"
)

// A Deployment keeps the ReplicaSets of its earlier revisions, scaled to 0,
// and their events outlive them by an hour. A failure recorded there, about a
// reference that neither the current template nor any pod of the dump makes,
// is history: no pod will hit it again short of a rollback. Such failures are
// reported as info, quoting the old revision's spec (never the current one's
// as if it held the reference) and what the current revision does instead.

// supersededRevision returns the revision an observation comes from when a
// later rollout has replaced it: an older ReplicaSet of the Deployment that is
// scaled to 0. A ReplicaSet still asked for pods (a rollout in progress) is
// not superseded: its failures are current.
func supersededRevision(w *workload, o observation) *revision {
	if o.ReplicaSet == "" || len(w.Revisions) < 2 {
		return nil
	}
	for i := range w.Revisions {
		r := &w.Revisions[i]
		if r.Name != o.ReplicaSet {
			continue
		}
		if i == 0 || r.Replicas != 0 {
			return nil
		}
		return r
	}
	return nil
}

// revisionsOf returns the distinct revisions of observations, newest first.
func revisionsOf(w *workload, obs []observation) []*revision {
	var out []*revision
	seen := map[string]bool{}
	for _, o := range obs {
		if r := supersededRevision(w, o); r != nil && !seen[r.Name] {
			seen[r.Name] = true
			out = append(out, r)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Number > out[j].Number })
	return out
}

// revisionsText names superseded revisions: "revision 1 (ReplicaSet web-5c6d7e8f9, scaled to 0)".
func revisionsText(revs []*revision) string {
	parts := make([]string, len(revs))
	for i, r := range revs {
		parts[i] = fmt.Sprintf("revision %d (ReplicaSet %s, scaled to 0)", r.Number, r.Name)
	}
	return strings.Join(parts, " and ")
}

// currentRevisionText names the revision that replaced them.
func currentRevisionText(w *workload) string {
	cur := w.Revisions[0]
	return fmt.Sprintf("the current revision %d (ReplicaSet %s)", cur.Number, cur.Name)
}

// revisionSpecLine quotes a superseded revision's own template.
func revisionSpecLine(w *workload, r *revision, path string) string {
	return fmt.Sprintf("ReplicaSet %s/%s (revision %d) spec: %s", w.Namespace, r.Name, r.Number, path)
}

// currentSpecLine quotes the current template, saying which revision it is.
func currentSpecLine(w *workload, path string) string {
	return fmt.Sprintf("%s %s/%s spec (revision %d): %s", w.Kind, w.Namespace, w.Name, w.Revisions[0].Number, path)
}

// supersededFinding completes a finding about a failure of superseded
// revisions only: info, with nothing to fix.
func supersededFinding(w *workload, revs []*revision, f Finding) Finding {
	f.Severity = SeverityInfo
	f.Remediation = fmt.Sprintf("Nothing to do: the failures are history of %s, which has no pods; only a rollback to it (kubectl rollout undo) would need the reference again", revisionsText(revs))
	confirm := []string{fmt.Sprintf("kubectl rollout history deployment %s -n %s", shellArg(w.Name), shellArg(w.Namespace))}
	for _, r := range revs {
		if commandSafe(r.Name) {
			confirm = append(confirm, fmt.Sprintf("kubectl get replicaset %s -n %s", shellArg(r.Name), shellArg(w.Namespace)))
		}
	}
	f.Commands = &Commands{Confirm: confirm}
	return f
}

// splitSupersededSecretObs separates the observations about a Secret that
// only concern superseded revisions (a reference, or a key, that no current
// template or pod makes) from the rest.
func splitSupersededSecretObs(w *workload, u *usage, obs []observation) (current, old []observation) {
	for _, o := range obs {
		if supersededRevision(w, o) != nil && !heldNow(u, o) {
			old = append(old, o)
		} else {
			current = append(current, o)
		}
	}
	return current, old
}

// heldNow tells whether the current template or a pod of the dump makes the
// reference an observation is about: the Secret, and the key it names.
func heldNow(u *usage, o observation) bool {
	for _, r := range u.Refs {
		if o.Signal.Key == "" || r.Key == o.Signal.Key {
			return true
		}
	}
	return false
}

// reportSupersededSecret reports failures about a Secret that only
// superseded revisions referenced (or read the failing key of).
func (p *pass) reportSupersededSecret(w *workload, u *usage, old []observation) {
	ns := w.Namespace
	revs := revisionsOf(w, old)
	var keys []string
	for _, o := range old {
		if o.Signal.Key != "" {
			keys = appendUnique(keys, o.Signal.Key)
		}
	}
	sort.Strings(keys)
	_, exists := p.idx.secrets[nsName{ns, u.Secret}]
	covered, why := p.covers("Secret", ns, u.Secret)
	notFound := filterObs(old, secretMissingCauses...)
	f := Finding{Namespace: ns, Object: w.ref(), Pods: podsOfObs(old), Secret: u.Secret}
	// what the old revisions did, and what the current one no longer does.
	what, notNow := "referenced it", "no longer references it"
	var problem string
	switch {
	case len(keys) > 0 && len(filterObs(old, messages.SecretNotFound)) == 0:
		f.ID = SecretKeyNotFound
		problem = fmt.Sprintf("the kubelet reported %s %s of Secret %s/%s missing", plural(len(keys), "key", "keys"), strings.Join(keys, ", "), ns, u.Secret)
		what, notNow = "read "+plural(len(keys), "that key", "those keys"), "no longer reads "+plural(len(keys), "it", "them")
	case len(notFound) > 0 && exists:
		f.ID = SecretCreatedAfterFailure
		problem = fmt.Sprintf("the kubelet reported Secret %s/%s not found (it exists now)", ns, u.Secret)
	case len(notFound) > 0 && covered:
		f.ID = SecretNotFound
		problem = fmt.Sprintf("Secret %s/%s does not exist", ns, u.Secret)
	case len(notFound) > 0:
		f.ID = SecretNotFound
		problem = fmt.Sprintf("the kubelet reported Secret %s/%s not found (from events and status: %s)", ns, u.Secret, why)
	default:
		f.ID = SecretMountFailed
		sortObs(old)
		problem = fmt.Sprintf("Secret %s/%s could not be mounted: %s", ns, u.Secret, mountCause(old))
		what, notNow = "mounted it", "no longer mounts it"
	}
	// The old revisions' own references, and what the current one makes in their place.
	var oldLines, nowLines, instead []string
	var refs []SecretRef
	for _, r := range revs {
		if r.Template == nil {
			continue
		}
		for _, ref := range secretRefs(&r.Template.Spec) {
			if ref.Secret != u.Secret || ref.Path == refPullSecret || (len(keys) > 0 && !containsString(keys, ref.Key)) {
				continue
			}
			oldLines = appendUnique(oldLines, revisionSpecLine(w, r, ref.specPath()))
			refs = append(refs, ref)
		}
	}
	if w.Template != nil {
		current := secretRefs(&w.Template.Spec)
		for _, ref := range refs {
			now, ok := sameSlot(current, ref)
			if !ok {
				continue
			}
			nowLines = appendUnique(nowLines, currentSpecLine(w, now.specPath()))
			switch {
			case now.Secret != ref.Secret:
				instead = appendUnique(instead, fmt.Sprintf("uses %s in %s", now.Secret, now.Describe()))
			case now.Key != ref.Key:
				instead = appendUnique(instead, fmt.Sprintf("reads key %s of %s in %s", now.Key, now.Secret, now.Describe()))
			}
		}
	}
	f.Reference = describeRefs(refs)
	if f.Reference == "" {
		f.Reference = describeObsRefs(old)
	}
	if len(instead) > 0 {
		notNow = strings.Join(instead, " and ") + " instead"
	}
	f.Message = fmt.Sprintf("%s, but only %s %s: %s %s, so no pod needs it", problem, revisionsText(revs), what, currentRevisionText(w), notNow)
	f.Evidence = append(append(oldLines, obsEvidence(old)...), nowLines...)
	p.report(supersededFinding(w, revs, f))
}

// splitObs separates the observations for which old holds.
func splitObs(obs []observation, old func(observation) bool) (current, past []observation) {
	for _, o := range obs {
		if old(o) {
			past = append(past, o)
		} else {
			current = append(current, o)
		}
	}
	return current, past
}

// pullMadeNow tells whether the current template or a pod of the dump pulls
// an image the way a superseded revision did: the same image, with the same
// pull Secrets. A refusal of another image, or of other credentials, says
// nothing about the pods that run now.
func pullMadeNow(w *workload, rev *revision, image string) bool {
	used := false
	for _, img := range images(w) {
		used = used || sameImage(img, image)
	}
	if !used {
		return false
	}
	if w.Template == nil || rev.Template == nil {
		return true
	}
	return slices.Equal(pullSecretNames(&rev.Template.Spec), pullSecretNames(&w.Template.Spec))
}

// sameImage compares image references the way the kubelet resolves them
// (nginx:1.27 is docker.io/library/nginx:1.27).
func sameImage(a, b string) bool {
	if a == b {
		return true
	}
	na, errA := registryauth.NormalizeImage(a)
	nb, errB := registryauth.NormalizeImage(b)
	return errA == nil && errB == nil && na == nb && imageTag(a) == imageTag(b)
}

// imageTag is the tag or digest of an image reference, "" for none.
func imageTag(image string) string {
	if i := strings.IndexByte(image, '@'); i >= 0 {
		return image[i:]
	}
	if i := strings.LastIndexByte(image, ':'); i > strings.LastIndexByte(image, '/') {
		return image[i:]
	}
	return ""
}

func pullSecretNames(spec *corev1.PodSpec) []string {
	names := make([]string, 0, len(spec.ImagePullSecrets))
	for _, r := range spec.ImagePullSecrets {
		names = append(names, r.Name)
	}
	return names
}

// reportSupersededPulls reports the pull failures of superseded revisions:
// pull Secrets only they named (notRetrieved), and refusals of pulls only
// they made (refused), quoted with the pull Secret they explain when they can.
func reportSupersededPulls(p *pass, w *workload, notRetrieved, refused []observation) {
	ns := w.Namespace
	var nowLines []string
	nowNames := ""
	if w.Template != nil {
		for i, ref := range w.Template.Spec.ImagePullSecrets {
			nowLines = append(nowLines, currentSpecLine(w, fmt.Sprintf("imagePullSecrets[%d].name: %s", i, ref.Name)))
		}
		nowNames = strings.Join(pullSecretNames(&w.Template.Spec), ", ")
	}
	byName := map[string][]observation{}
	for _, o := range notRetrieved {
		for _, name := range o.Signal.PullSecrets {
			byName[name] = append(byName[name], o)
		}
	}
	quoted := map[int]bool{} // refusals already quoted, by index in refused
	for _, name := range sortedKeys(byName) {
		obs := byName[name]
		revs := revisionsOf(w, obs)
		f := Finding{ID: PullSecretNotFound, Namespace: ns, Object: w.ref(), Pods: podsOfObs(obs), Secret: name, Reference: "imagePullSecrets"}
		problem := fmt.Sprintf("image pull Secret %s/%s does not exist", ns, name)
		if _, exists := p.idx.secrets[nsName{ns, name}]; exists {
			f.ID = SecretCreatedAfterFailure
			problem = fmt.Sprintf("the kubelet could not retrieve image pull Secret %s/%s (it exists now)", ns, name)
		} else if covered, why := p.covers("Secret", ns, name); !covered {
			problem = fmt.Sprintf("the kubelet could not retrieve image pull Secret %s/%s (from events: %s)", ns, name, why)
		}
		instead := "no longer lists it"
		if nowNames != "" {
			instead = "lists " + nowNames + " instead"
		}
		f.Message = fmt.Sprintf("%s, but only %s named it: %s %s, so no pod needs it", problem, revisionsText(revs), currentRevisionText(w), instead)
		for _, r := range revs {
			f.Evidence = append(f.Evidence, revisionPullLines(w, r, name)...)
		}
		f.Evidence = append(f.Evidence, obsEvidence(obs)...)
		// The refusals of the same revisions' pulls are what the missing Secret caused.
		var fails []observation
		for i, o := range refused {
			if r := supersededRevision(w, o); r != nil && slices.Contains(revs, r) && !quoted[i] {
				quoted[i] = true
				fails = append(fails, o)
			}
		}
		f.Evidence = append(append(f.Evidence, obsEvidence(fails)...), nowLines...)
		f.Pods = unionSorted(f.Pods, podsOfObs(fails))
		p.report(supersededFinding(w, revs, f))
	}
	byImage := map[string][]observation{}
	for i, o := range refused {
		if !quoted[i] {
			byImage[o.Signal.Image] = append(byImage[o.Signal.Image], o)
		}
	}
	for _, img := range sortedKeys(byImage) {
		obs := byImage[img]
		revs := revisionsOf(w, obs)
		ref := img
		if n, err := registryauth.NormalizeImage(img); err == nil {
			ref = n
		}
		now := "pulls " + strings.Join(images(w), ", ")
		for _, cur := range images(w) {
			if sameImage(cur, img) {
				now = "pulls it with other pull Secrets"
				if nowNames != "" {
					now = fmt.Sprintf("pulls it with pull %s %s", plural(strings.Count(nowNames, ",")+1, "Secret", "Secrets"), nowNames)
				}
			}
		}
		f := Finding{
			ID: ImagePullAuthFailed, Namespace: ns, Object: w.ref(), Pods: podsOfObs(obs), Reference: "image " + ref,
			Message:  fmt.Sprintf("the registry refused the pull of %s, but only %s made that pull: %s %s, so no pod makes it now", img, revisionsText(revs), currentRevisionText(w), now),
			Evidence: append(obsEvidence(obs), nowLines...),
		}
		p.report(supersededFinding(w, revs, f))
	}
}
