package analyzer

import (
	"fmt"
	"time"
)

// rolloutEvidence tells when a reference arrived with a Deployment rollout: the
// runbook's "compare event timestamps with recent deployment changes", done from
// the ReplicaSets that keep each revision's pod template. The revision named is
// the one where the reference first appeared, however many rollouts (an image
// bump, a scale) followed it.
func rolloutEvidence(w *workload, u *usage) []string {
	revs := make([]revision, 0, len(w.Revisions))
	for _, r := range w.Revisions {
		if r.Template != nil {
			revs = append(revs, r)
		}
	}
	if len(revs) < 2 {
		return nil
	}
	refs := make([][]SecretRef, len(revs))
	for i := range revs {
		refs[i] = secretRefs(&revs[i].Template.Spec)
	}
	var out []string
	for _, r := range u.Refs {
		if r.Secret != u.Secret || r.Path == refPullSecret {
			continue
		}
		// The newest revision holding the reference, then back while older
		// revisions hold it too: revs[i] introduced it, revs[i+1] preceded it.
		i := 0
		for i < len(revs) && !holdsRef(refs[i], r) {
			i++
		}
		if i == len(revs) {
			continue
		}
		held := i == 0 // the newest revision still makes it
		for i+1 < len(revs) && holdsRef(refs[i+1], r) {
			i++
		}
		if i+1 == len(revs) {
			continue // held since the oldest revision in the dump
		}
		intro, prev := revs[i], revs[i+1]
		since := fmt.Sprintf("revision %d (ReplicaSet %s, created %s)", intro.Number, intro.Name, shortTime(intro.Created))
		was, found := sameSlot(refs[i+1], r)
		var line string
		switch {
		case found && was.Secret != r.Secret:
			line = fmt.Sprintf("%s references %s in %s; revision %d (ReplicaSet %s) referenced %s", since, r.Secret, r.Describe(), prev.Number, prev.Name, was.Secret)
		case found && was.Key != r.Key:
			line = fmt.Sprintf("%s reads key %s of %s in %s; revision %d (ReplicaSet %s) read key %s", since, r.Key, r.Secret, r.Describe(), prev.Number, prev.Name, was.Key)
		case !found && !referencesSecret(refs[i+1], u.Secret):
			line = fmt.Sprintf("%s added the reference to %s in %s; revision %d (ReplicaSet %s) did not reference it", since, r.Secret, r.Describe(), prev.Number, prev.Name)
		default:
			continue
		}
		if held && i > 0 {
			newest := revs[0]
			line += fmt.Sprintf("; later revisions up to %d (ReplicaSet %s) kept it", newest.Number, newest.Name)
		}
		out = appendUnique(out, line)
	}
	return out
}

// holdsRef tells whether a revision makes the same reference: the same Secret
// and key at the same place.
func holdsRef(refs []SecretRef, r SecretRef) bool {
	o, ok := sameSlot(refs, r)
	return ok && o.Secret == r.Secret && o.Key == r.Key
}

// sameSlot finds the reference of an earlier revision at the same place: the
// same env variable of the same container, envFrom of the container, or volume.
func sameSlot(refs []SecretRef, r SecretRef) (SecretRef, bool) {
	for _, o := range refs {
		if o.Path != r.Path || o.Container != r.Container || o.ContainerKind != r.ContainerKind || o.EnvVar != r.EnvVar || o.Volume != r.Volume {
			continue
		}
		if (r.Path == refVolume || r.Path == refProjected) && r.Key != "" && o.Key != r.Key && o.Secret == r.Secret {
			continue
		}
		return o, true
	}
	return SecretRef{}, false
}

func referencesSecret(refs []SecretRef, name string) bool {
	for _, r := range refs {
		if r.Secret == name {
			return true
		}
	}
	return false
}

func shortTime(t time.Time) string {
	if t.IsZero() {
		return "at an unknown time"
	}
	return t.UTC().Format(time.RFC3339)
}
