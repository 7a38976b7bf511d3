package analyzer

import (
	"fmt"
	"time"
)

// rolloutEvidence tells when a reference arrived with a Deployment rollout: the
// runbook's "compare event timestamps with recent deployment changes", done from
// the ReplicaSets that keep each revision's pod template.
func rolloutEvidence(w *workload, u *usage) []string {
	if len(w.Revisions) < 2 || w.Revisions[0].Template == nil || w.Revisions[1].Template == nil {
		return nil
	}
	latest, prev := w.Revisions[0], w.Revisions[1]
	prevRefs := secretRefs(&prev.Template.Spec)
	var out []string
	for _, r := range secretRefs(&latest.Template.Spec) {
		if r.Secret != u.Secret || r.Path == refPullSecret {
			continue
		}
		was, found := sameSlot(prevRefs, r)
		switch {
		case found && was.Secret != r.Secret:
			out = appendUnique(out, fmt.Sprintf("revision %d (ReplicaSet %s, created %s) references %s in %s; revision %d (ReplicaSet %s) referenced %s",
				latest.Number, latest.Name, shortTime(latest.Created), r.Secret, r.Describe(), prev.Number, prev.Name, was.Secret))
		case found && was.Key != r.Key:
			out = appendUnique(out, fmt.Sprintf("revision %d (ReplicaSet %s, created %s) reads key %s of %s in %s; revision %d (ReplicaSet %s) read key %s",
				latest.Number, latest.Name, shortTime(latest.Created), r.Key, r.Secret, r.Describe(), prev.Number, prev.Name, was.Key))
		case !found && !referencesSecret(prevRefs, u.Secret):
			out = appendUnique(out, fmt.Sprintf("revision %d (ReplicaSet %s, created %s) added the reference to %s in %s; revision %d (ReplicaSet %s) did not reference it",
				latest.Number, latest.Name, shortTime(latest.Created), r.Secret, r.Describe(), prev.Number, prev.Name))
		}
	}
	return out
}

// sameSlot finds the reference of an earlier revision at the same place: the
// same env variable of the same container, envFrom of the container, or volume.
func sameSlot(refs []SecretRef, r SecretRef) (SecretRef, bool) {
	for _, o := range refs {
		if o.Path != r.Path || o.Container != r.Container || o.EnvVar != r.EnvVar || o.Volume != r.Volume {
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
