package analyzer

import (
	"fmt"
	"sort"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/secretscan/secretscan/analyzer/messages"
	"github.com/secretscan/secretscan/analyzer/registryauth"
	"github.com/secretscan/secretscan/internal/dockerconfig"
	"github.com/secretscan/secretscan/internal/redact"
)

var pullSecretCheck = &Check{
	Name: "image-pull-secrets",
	Doc: `Proves whether the kubelet has credentials for each image: the pod's (or
template's, or ServiceAccount's) imagePullSecrets must exist, be of a docker
config type, hold usable credentials, and cover the image's registry by the
kubelet's own keyring rules; registry refusals in events are joined to them. A
missing one that a controller resource (ExternalSecret, SealedSecret, ...)
should make is reported through that resource when it is not Ready.`,
	IDs: []ID{PullSecretNotFound, PullSecretWrongType, PullSecretMalformed, PullSecretNoRegistryMatch, ImagePullAuthFailed, SecretSourceNotReady},
	Run: runPullSecrets,
}

// pullRef is one image pull Secret a workload's pods use, and who names it.
type pullRef struct {
	Name string
	By   string // "the pod spec", "the pod template", "ServiceAccount web"
	// Note says why By is what it is where the dump alone does not show it.
	Note  string
	Index int
	Pods  []string
	// FromEvents is set for a name only the kubelet's events give: no
	// template, pod or ServiceAccount of the dump lists it.
	FromEvents bool
}

// named is "named by X" for messages, with the note that qualifies it.
func (r *pullRef) named() string {
	if r.Note != "" {
		return fmt.Sprintf("named by %s (%s)", r.By, r.Note)
	}
	return "named by " + r.By
}

// pullRefs lists the pull Secrets of a workload: the template's, else its
// ServiceAccount's (admission copies the SA's list into a pod that has none),
// and each pod's own list.
func pullRefs(p *pass, w *workload) []*pullRef {
	sa := w.serviceAccount()
	saObj := p.idx.serviceAccounts[nsName{w.Namespace, sa}]
	byName := map[string]*pullRef{}
	var order []*pullRef
	add := func(name, by, note string, index int, pod string) {
		r := byName[name]
		if r == nil {
			r = &pullRef{Name: name, By: by, Note: note, Index: index}
			byName[name] = r
			order = append(order, r)
		}
		if pod != "" {
			r.Pods = append(r.Pods, pod)
		}
	}
	templateHas := false
	if w.Template != nil {
		for i, ref := range w.Template.Spec.ImagePullSecrets {
			templateHas = true
			add(ref.Name, "the pod template", "", i, "")
		}
		if !templateHas && saObj != nil {
			for i, ref := range saObj.ImagePullSecrets {
				add(ref.Name, "ServiceAccount "+sa, "", i, "")
			}
		}
	}
	for _, pod := range w.Pods {
		for i, ref := range pod.Spec.ImagePullSecrets {
			by, note := podPullSource(p, w, pod, ref.Name)
			add(ref.Name, by, note, i, pod.Name)
		}
	}
	return order
}

// podPullSource says who put a pull Secret name into a pod's spec. A pod as
// served already holds its ServiceAccount's imagePullSecrets: admission copies
// them into a pod whose template lists none. So the template the pod was made
// from tells the two apart; without it, the ServiceAccount may; a dump that
// holds neither cannot.
func podPullSource(p *pass, w *workload, pod *corev1.Pod, name string) (by, note string) {
	sa := pod.Spec.ServiceAccountName
	if sa == "" {
		sa = "default"
	}
	saObj := p.idx.serviceAccounts[nsName{w.Namespace, sa}]
	if tmpl := podTemplate(w, pod); tmpl != nil {
		if len(tmpl.Spec.ImagePullSecrets) == 0 {
			if saObj == nil {
				return "ServiceAccount " + sa, "the pod template lists no imagePullSecrets, so admission copied it from the ServiceAccount"
			}
			return "ServiceAccount " + sa, ""
		}
		for _, ref := range tmpl.Spec.ImagePullSecrets {
			if ref.Name == name {
				return "the pod template", ""
			}
		}
		return "the pod spec", ""
	}
	if saObj != nil {
		for _, ref := range saObj.ImagePullSecrets {
			if ref.Name == name {
				return "ServiceAccount " + sa, ""
			}
		}
		return "the pod spec", ""
	}
	if covered, _ := p.covers("ServiceAccount", w.Namespace, sa); covered {
		return "the pod spec", ""
	}
	return "the pod spec or ServiceAccount " + sa, fmt.Sprintf("admission copies a ServiceAccount's imagePullSecrets into a pod that lists none, and the dump holds neither ServiceAccount %s nor the template of pod %s, so which of the two named it cannot be told", sa, pod.Name)
}

// podTemplate returns the template a pod was made from, when the dump holds
// it: its ReplicaSet's for a Deployment, else its workload's.
func podTemplate(w *workload, pod *corev1.Pod) *corev1.PodTemplateSpec {
	owner := metav1.GetControllerOf(pod)
	if owner == nil {
		return nil
	}
	for _, rev := range w.Revisions {
		if rev.Name == owner.Name {
			return rev.Template
		}
	}
	if len(w.Revisions) > 0 || !w.InDump {
		// The pod's ReplicaSet is not in the dump, or the workload is known
		// only from owner references.
		return nil
	}
	return w.Template
}

// images lists the distinct images of a workload's containers (init, regular,
// ephemeral), from its template and its pods.
func images(w *workload) []string {
	set := map[string]bool{}
	addSpec := func(spec *corev1.PodSpec) {
		for _, c := range spec.InitContainers {
			set[c.Image] = true
		}
		for _, c := range spec.Containers {
			set[c.Image] = true
		}
		for _, c := range spec.EphemeralContainers {
			set[c.Image] = true
		}
	}
	for _, spec := range w.specs() {
		addSpec(spec)
	}
	delete(set, "")
	out := make([]string, 0, len(set))
	for img := range set {
		out = append(out, img)
	}
	sort.Strings(out)
	return out
}

func isDockerConfigType(t corev1.SecretType) bool {
	return t == corev1.SecretTypeDockerConfigJson || t == corev1.SecretTypeDockercfg
}

// pullPayload returns a pull Secret's payload key and whether the kubelet
// would read it: the type and key must match.
func pullPayload(s *corev1.Secret) (key string, legacy, ok bool) {
	switch s.Type {
	case corev1.SecretTypeDockerConfigJson:
		_, has := s.Data[corev1.DockerConfigJsonKey]
		return corev1.DockerConfigJsonKey, false, has
	case corev1.SecretTypeDockercfg:
		_, has := s.Data[corev1.DockerConfigKey]
		return corev1.DockerConfigKey, true, has
	}
	return "", false, false
}

func runPullSecrets(p *pass) {
	for _, w := range p.workloads.list {
		checkPullSecrets(p, w)
	}
}

// pullJudgement is what one workload's pull Secrets give the kubelet, as far
// as the dump shows.
type pullJudgement struct {
	sources  []registryauth.Source
	unjudged []string // pull Secrets whose credentials the dump cannot show
	hidden   []string // of those, the ones whose registry names the bundle redacted
	// missing is set when a pull Secret does not exist: it may be the one meant
	// for a registry that no other Secret covers.
	missing bool
	// explained is set when a finding already quotes and explains the
	// workload's pull refusals.
	explained bool
}

func checkPullSecrets(p *pass, w *workload) {
	ns := w.Namespace
	obs := p.observations[w]
	refs := pullRefs(p, w)
	notRetrieved := filterObs(obs, messages.PullSecretNotRetrieved)
	authFailures := filterObs(obs, messages.ImagePullAuthFailed)
	unparseable := filterObs(obs, messages.PullSecretUnparseable)

	known := map[string]bool{}
	for _, r := range refs {
		known[r.Name] = true
	}
	// Failures of a replaced revision about a pull Secret no current spec
	// names, or about pulls made with other credentials, are history.
	var oldNotRetrieved, oldAuthFailures []observation
	notRetrieved, oldNotRetrieved = splitObs(notRetrieved, func(o observation) bool {
		if supersededRevision(w, o) == nil {
			return false
		}
		for _, name := range o.Signal.PullSecrets {
			if known[name] {
				return false
			}
		}
		return true
	})
	authFailures, oldAuthFailures = splitObs(authFailures, func(o observation) bool {
		rev := supersededRevision(w, o)
		return rev != nil && !pullMadeNow(w, rev, o.Signal.Image)
	})
	if len(oldNotRetrieved) > 0 || len(oldAuthFailures) > 0 {
		reportSupersededPulls(p, w, oldNotRetrieved, oldAuthFailures)
	}
	// Names the kubelet reported it could not retrieve, even where the spec is not in the dump.
	retrievedNames := map[string][]observation{}
	for _, o := range notRetrieved {
		for _, name := range o.Signal.PullSecrets {
			retrievedNames[name] = append(retrievedNames[name], o)
		}
	}
	var fromEvents []string
	for name := range retrievedNames {
		if !known[name] {
			fromEvents = append(fromEvents, name)
		}
	}
	sort.Strings(fromEvents)
	for _, name := range fromEvents {
		refs = append(refs, &pullRef{Name: name, By: "the pod spec", FromEvents: true})
	}

	cleared, authFailures := reportPullSecretsCreatedAfter(p, w, refs, retrievedNames, authFailures)

	j := &pullJudgement{}
	for _, r := range refs {
		if cleared[r.Name] {
			if _, exists := p.idx.secrets[nsName{ns, r.Name}]; !exists {
				// Without Secrets in the dump: there now, by the pods' account.
				j.unjudged = append(j.unjudged, r.Name)
				continue
			}
		}
		base := Finding{Namespace: ns, Object: w.ref(), Pods: unionSorted(nil, r.Pods), Secret: r.Name, Reference: "imagePullSecrets"}
		specLines := pullSpecLines(w, r)
		s, exists := p.idx.secrets[nsName{ns, r.Name}]
		if !exists {
			covered, why := p.covers("Secret", ns, r.Name)
			evidence := obsEvidence(retrievedNames[r.Name])
			pr := p.producerOf(ns, r.Name)
			if pr == nil {
				p.noteUnlistedProducers(w)
			}
			if pr != nil && pr.State != "ready" {
				if !covered {
					p.noteGap("Secret", why, w)
				}
				j.missing = true
				if reportPullProducer(p, w, r, pr, base, retrievedNames[r.Name], authFailures, covered, why) {
					j.explained = true
				}
				continue
			}
			if !covered && len(evidence) == 0 {
				p.noteGap("Secret", why, w)
				// The kubelet's keyring error names no Secret: with one pull
				// Secret, it is that one.
				if len(unparseable) > 0 && len(refs) == 1 {
					f := base
					f.ID = PullSecretMalformed
					f.Pods = unionSorted(f.Pods, podsOfObs(unparseable))
					f.Message = fmt.Sprintf("image pull Secret %s/%s is unusable: the kubelet could not parse it (from events: %s)", ns, r.Name, why)
					f.Evidence = append(specLines, obsEvidence(unparseable)...)
					f.Remediation = fmt.Sprintf("Recreate %s/%s from a working docker login (kubectl create secret docker-registry, or --from-file=.dockerconfigjson=$HOME/.docker/config.json)", ns, r.Name)
					f.Commands = &Commands{Confirm: []string{pullRegistriesCommand(p, ns, r.Name)}}
					p.report(f)
					continue
				}
				j.unjudged = append(j.unjudged, r.Name)
				continue
			}
			j.missing = true
			f := base
			f.ID = PullSecretNotFound
			f.Pods = unionSorted(f.Pods, podsOfObs(retrievedNames[r.Name]))
			f.Evidence = append(specLines, evidence...)
			f.Message = fmt.Sprintf("image pull Secret %s/%s, %s, does not exist", ns, r.Name, r.named())
			if templateVariable(r.Name) {
				f.Message = fmt.Sprintf("image pull Secret name %q, %s, is an unexpanded template variable: the manifest was applied without substitution", r.Name, r.named())
			}
			if !covered {
				f.Message += fmt.Sprintf(" (from events: %s)", why)
			}
			pullStillWorks(w, authFailures, &f)
			f.Remediation = fmt.Sprintf("Create the pull Secret in namespace %s, or fix the name in %s", ns, r.By)
			f.Commands = &Commands{
				Confirm: []string{fmt.Sprintf("kubectl get secret %s -n %s", shellArg(r.Name), shellArg(ns))},
				Fix:     []string{fmt.Sprintf("kubectl create secret docker-registry %s -n %s --docker-server=REGISTRY --docker-username=USER --docker-password=PASSWORD", shellArg(r.Name), shellArg(ns))},
			}
			if others := otherNamespaces(p.idx.secretNamespace[r.Name], ns); covered && pr == nil && len(others) > 0 && !templateVariable(r.Name) {
				f.Message += fmt.Sprintf("; a Secret of that name exists in namespace %s, but the kubelet reads pull Secrets from the pod's own namespace only", strings.Join(others, ", "))
				f.Remediation = fmt.Sprintf("Copy the pull Secret into namespace %s (the command below pipes it without printing its values), or fix the name in %s", ns, r.By)
				f.Commands.Fix = nil
				if commandSafe(others[0]) {
					f.Commands.Fix = []string{copySecretCommand(r.Name, others[0], ns)}
				}
			}
			if pr != nil {
				// Ready: the producer believes the Secret is in place.
				f.Message += fmt.Sprintf("; %s reports Ready (%s), so it was probably deleted after the last sync", pr, clipWords(pr.Condition, 160))
				f.Evidence = append(f.Evidence, fmt.Sprintf("%s produces Secret %s (%s)", pr, pr.Target, pr.Condition))
				f.Remediation = fmt.Sprintf("Make %s sync again rather than creating the pull Secret by hand", pr)
				f.Commands.Fix = producerFix(pr)
			}
			if templateVariable(r.Name) {
				f.Remediation = fmt.Sprintf("Render the manifest with its variables substituted (helm template, envsubst, kustomize) and apply it again; %s must name a real pull Secret", r.By)
				f.Commands = &Commands{Confirm: []string{fmt.Sprintf("kubectl get %s %s -n %s -o jsonpath='{%s}'", shellArg(strings.ToLower(w.Kind)), shellArg(w.Name), shellArg(ns), strings.ReplaceAll(templateSpecPath(w.Kind), "/", ".")+".imagePullSecrets")}}
			}
			p.report(f)
			continue
		}
		key, legacy, readable := pullPayload(s)
		if !readable {
			f := base
			f.ID = PullSecretWrongType
			f.Evidence = append(specLines, fmt.Sprintf("Secret %s/%s has type %s and keys [%s]", ns, r.Name, secretType(s), strings.Join(secretKeys(s), ", ")))
			if isDockerConfigType(s.Type) {
				f.Message = fmt.Sprintf("image pull Secret %s/%s is of type %s but has no %s key, so the kubelet ignores it", ns, r.Name, s.Type, dockerKeyFor(s.Type))
			} else {
				f.Message = fmt.Sprintf("image pull Secret %s/%s is of type %s; the kubelet only reads kubernetes.io/dockerconfigjson (.dockerconfigjson) or kubernetes.io/dockercfg (.dockercfg), and silently ignores it", ns, r.Name, secretType(s))
			}
			f.Remediation = fmt.Sprintf("Recreate %s/%s with kubectl create secret docker-registry (type kubernetes.io/dockerconfigjson); the type cannot be changed in place", ns, r.Name)
			f.Commands = &Commands{
				Confirm: []string{fmt.Sprintf("kubectl get secret %s -n %s -o jsonpath='{.type}'", shellArg(r.Name), shellArg(ns))},
				// A Secret's type is immutable: replace --force deletes and recreates it.
				Fix: []string{fmt.Sprintf("kubectl create secret docker-registry %s -n %s --docker-server=REGISTRY --docker-username=USER --docker-password=PASSWORD --dry-run=client -o yaml | kubectl replace --force -f -", shellArg(r.Name), shellArg(ns))},
			}
			pullStillWorks(w, authFailures, &f)
			p.report(f)
			continue
		}
		switch redact.How(s) {
		case "", redact.ValuesRemoved:
		case redact.ValuesRegistriesOnly:
			cfg, err := dockerconfig.Parse(s.Data[key], legacy)
			if err == nil {
				var redacted bool
				cfg, redacted = withoutHidden(cfg)
				if redacted {
					j.hidden = append(j.hidden, r.Name)
				}
				j.sources = append(j.sources, registryauth.Source{Secret: r.Name, Config: cfg})
			}
			// troubleshoot keeps one registry per pull Secret, so a registry it does
			// not list may still be covered: only a match can be concluded.
			j.unjudged = append(j.unjudged, r.Name)
			continue
		default:
			j.unjudged = append(j.unjudged, r.Name)
			continue
		}
		cfg, err := dockerconfig.Parse(s.Data[key], legacy)
		problem := ""
		switch {
		case err != nil:
			problem = fmt.Sprintf("its %s is not valid JSON (%v)", key, err)
		case cfg.NoAuths:
			problem = fmt.Sprintf("its %s has no \"auths\" object, so the kubelet reads no credentials from it", key)
		case len(cfg.Entries) == 0:
			problem = fmt.Sprintf("its %s has no registry entries", key)
		case cfg.KubeletRejects():
			problem = fmt.Sprintf("an \"auth\" field of its %s is not base64 of user:password, so the kubelet cannot read the Secret and every pull of the pod fails", key)
		}
		if problem != "" {
			f := base
			f.ID = PullSecretMalformed
			f.Message = fmt.Sprintf("image pull Secret %s/%s is unusable: %s", ns, r.Name, problem)
			pullStillWorks(w, authFailures, &f)
			f.Evidence = append(specLines, obsEvidence(unparseable)...)
			f.Remediation = fmt.Sprintf("Recreate %s/%s from a working docker login (kubectl create secret docker-registry, or --from-file=.dockerconfigjson=$HOME/.docker/config.json)", ns, r.Name)
			f.Commands = &Commands{
				Confirm: []string{pullRegistriesCommand(p, ns, r.Name)},
				Fix:     []string{fmt.Sprintf("kubectl create secret docker-registry %s -n %s --docker-server=REGISTRY --docker-username=USER --docker-password=PASSWORD --dry-run=client -o yaml | kubectl replace -f -", shellArg(r.Name), shellArg(ns))},
			}
			p.report(f)
			continue
		}
		// Entries without credentials are judged per image, with the keyring.
		j.sources = append(j.sources, registryauth.Source{Secret: r.Name, Config: cfg})
	}

	checkRegistryCoverage(p, w, refs, j, authFailures)
}

// reportPullSecretsCreatedAfter reports the pull Secrets the kubelet could
// not retrieve for a while and that are there now: the dump holds one created
// at or after the last such failure, or, without Secrets in the dump, the pods
// have run since the failures. The registry's refusals of the pulls made
// meanwhile went without those credentials: they are quoted here, and left
// out of what the registry check judges.
func reportPullSecretsCreatedAfter(p *pass, w *workload, refs []*pullRef, notRetrieved map[string][]observation, authFailures []observation) (map[string]bool, []observation) {
	ns := w.Namespace
	cleared := map[string]bool{}
	explained := map[int]bool{}
	for _, r := range refs {
		obs := notRetrieved[r.Name]
		if len(obs) == 0 {
			continue
		}
		last := lastOf(obs)
		var f Finding
		until := last
		if s, exists := p.idx.secrets[nsName{ns, r.Name}]; exists {
			created := s.CreationTimestamp.Time
			if created.IsZero() || last.IsZero() || created.Before(last) {
				continue
			}
			until = created
			f.Message = fmt.Sprintf("image pull Secret %s/%s exists (created %s); the kubelet could not retrieve it until %s, so the pulls refused until then went without its credentials and the problem has probably cleared", ns, r.Name, timeOrUnknown(created), timeOrUnknown(last))
		} else {
			covered, why := p.covers("Secret", ns, r.Name)
			ok, when := clearedAfter(w, append(append([]observation(nil), obs...), authFailures...))
			if covered || !ok {
				continue
			}
			p.noteGap("Secret", why, w)
			f.Message = fmt.Sprintf("image pull Secret %s/%s could not be retrieved until %s; the pods have run since, so it was probably created then (from events: %s)", ns, r.Name, when, why)
		}
		cleared[r.Name] = true
		var refused []observation
		for i, o := range authFailures {
			if !o.Current && !o.Last.After(until) {
				explained[i] = true
				refused = append(refused, o)
			}
		}
		f.ID, f.Namespace, f.Object, f.Secret, f.Reference = SecretCreatedAfterFailure, ns, w.ref(), r.Name, "imagePullSecrets"
		f.Pods = unionSorted(podsOfObs(obs), podsOfObs(refused))
		f.Evidence = append(append(pullSpecLines(w, r), obsEvidence(obs)...), obsEvidence(refused)...)
		f.Remediation = "Nothing to do if the pods stay healthy; a pod still backing off retries the pull on its own (delete it to retry at once)"
		f.Commands = &Commands{Confirm: []string{fmt.Sprintf("kubectl get secret %s -n %s -o jsonpath='{.metadata.creationTimestamp}'", shellArg(r.Name), shellArg(ns))}}
		p.report(f)
	}
	var rest []observation
	for i, o := range authFailures {
		if !explained[i] {
			rest = append(rest, o)
		}
	}
	return cleared, rest
}

// hiddenRegistry is how troubleshoot's redactor writes a registry name it hid.
const hiddenRegistry = "***HIDDEN***"

// withoutHidden drops the entries whose registry name the bundle redacted:
// they match no image the way the kubelet matches the real name.
func withoutHidden(cfg dockerconfig.Config) (dockerconfig.Config, bool) {
	var kept []dockerconfig.Entry
	redacted := false
	for _, e := range cfg.Entries {
		if strings.Contains(e.Registry, hiddenRegistry) {
			redacted = true
			continue
		}
		kept = append(kept, e)
	}
	cfg.Entries = kept
	return cfg, redacted
}

// reportPullProducer reports a missing pull Secret through the controller
// resource that should make it and is not Ready. It says whether the finding
// explains (and quotes) the workload's pull refusals.
func reportPullProducer(p *pass, w *workload, r *pullRef, pr *producer, base Finding, notRetrieved, authFailures []observation, covered bool, why string) bool {
	ns := w.Namespace
	f := base
	f.ID = SecretSourceNotReady
	f.Pods = unionSorted(f.Pods, podsOfObs(notRetrieved))
	f.Evidence = append([]string{fmt.Sprintf("%s produces Secret %s (%s)", pr, pr.Target, pr.Condition)}, p.producerEvents(pr)...)
	f.Evidence = append(f.Evidence, pullSpecLines(w, r)...)
	f.Evidence = append(f.Evidence, obsEvidence(notRetrieved)...)
	var confirm []string
	if commandSafe(pr.Name) {
		kind := shellArg(strings.ToLower(pr.Kind))
		confirm = append(confirm,
			fmt.Sprintf("kubectl get %s %s -n %s -o jsonpath='{.status.conditions}'", kind, shellArg(pr.Name), shellArg(ns)),
			fmt.Sprintf("kubectl describe %s %s -n %s", kind, shellArg(pr.Name), shellArg(ns)))
	}
	confirm = append(confirm, fmt.Sprintf("kubectl get secret %s -n %s", shellArg(r.Name), shellArg(ns)))
	// Absent for sure: the dump holds the namespace's Secrets, or the kubelet said so.
	absent := covered || len(notRetrieved) > 0
	if pr.State != "failed" {
		f.Severity = SeverityWarning
		f.Message = fmt.Sprintf("image pull Secret %s/%s, %s, does not exist yet: %s is still progressing (%s)", ns, r.Name, r.named(), pr, clipWords(pr.Condition, 220))
		if !absent {
			f.Message = fmt.Sprintf("image pull Secret %s/%s, %s, is made by %s, which is still progressing (%s); the dump cannot show whether the Secret exists (%s)", ns, r.Name, r.named(), pr, clipWords(pr.Condition, 220), why)
		}
		f.Remediation = fmt.Sprintf("Wait for %s to become Ready; if it stays so, %s", pr, pr.Fix)
		f.Commands = &Commands{Confirm: confirm}
		p.report(f)
		return false
	}
	f.Message = fmt.Sprintf("image pull Secret %s/%s, %s, is missing because %s is not ready (%s)", ns, r.Name, r.named(), pr, clipWords(pr.Condition, 220))
	if !absent {
		f.Message = fmt.Sprintf("image pull Secret %s/%s, %s, is made by %s, which is not ready (%s); the dump cannot show whether an earlier sync left the Secret in place (%s)", ns, r.Name, r.named(), pr, clipWords(pr.Condition, 220), why)
	}
	f.Remediation = fmt.Sprintf("Do not create the pull Secret by hand: %s", pr.Fix)
	f.Commands = &Commands{Confirm: confirm, Fix: producerFix(pr)}
	pullStillWorks(w, authFailures, &f)
	explains := len(authFailures) > 0
	if explains {
		f.Pods = unionSorted(f.Pods, podsOfObs(authFailures))
		f.Evidence = append(f.Evidence, obsEvidence(authFailures)...)
	}
	p.report(f)
	return explains
}

func dockerKeyFor(t corev1.SecretType) string {
	if t == corev1.SecretTypeDockercfg {
		return corev1.DockerConfigKey
	}
	return corev1.DockerConfigJsonKey
}

// unusableEntry is a pull Secret entry that gives the kubelet no credentials,
// and the images of the workload the kubelet matches it to.
type unusableEntry struct {
	Secret, Registry, Problem string
	// Decisive are images it is the only match for: the kubelet pulls them
	// without credentials. Beside are images another entry gives credentials for.
	Decisive, Beside []string
}

// unusableEntries lists the entries without credentials of the pull Secrets,
// in Secret order, each with the images the keyring matches it to.
func unusableEntries(keyring *registryauth.Keyring, sources []registryauth.Source, imgs []string) []*unusableEntry {
	var out []*unusableEntry
	byKey := map[[2]string]*unusableEntry{}
	for _, src := range sources {
		for _, e := range src.Config.Entries {
			if e.Usable {
				continue
			}
			u := &unusableEntry{Secret: src.Secret, Registry: e.Registry, Problem: e.Problem}
			byKey[[2]string{src.Secret, e.Registry}] = u
			out = append(out, u)
		}
	}
	if len(out) == 0 {
		return nil
	}
	for _, img := range imgs {
		covering := keyring.Covering(img)
		usable := false
		for _, c := range covering {
			usable = usable || c.Usable
		}
		for _, c := range covering {
			u := byKey[[2]string{c.Secret, c.Registry}]
			if c.Usable || u == nil {
				continue
			}
			if usable {
				u.Beside = appendUnique(u.Beside, img)
			} else {
				u.Decisive = appendUnique(u.Decisive, img)
			}
		}
	}
	return out
}

// reportUnusableEntries reports, per pull Secret, its entries without
// credentials: an error where such an entry is what the kubelet matches to an
// image of the workload (it then pulls that image anonymously), a warning
// where it matches no image or another entry gives credentials beside it. It
// returns the images it explains.
func reportUnusableEntries(p *pass, w *workload, refs []*pullRef, j *pullJudgement, keyring *registryauth.Keyring, entries []*unusableEntry, failing map[string][]observation) map[string]bool {
	ns := w.Namespace
	explained := map[string]bool{}
	bySecret := map[string][]*unusableEntry{}
	var secrets []string
	for _, u := range entries {
		if bySecret[u.Secret] == nil {
			secrets = append(secrets, u.Secret)
		}
		bySecret[u.Secret] = append(bySecret[u.Secret], u)
	}
	for _, name := range secrets {
		var ref *pullRef
		for _, r := range refs {
			if r.Name == name {
				ref = r
			}
		}
		var cfg dockerconfig.Config
		for _, src := range j.sources {
			if src.Secret == name {
				cfg = src.Config
			}
		}
		var phrases, decisive []string
		for _, u := range bySecret[name] {
			why := fmt.Sprintf("its entry %q has no usable credentials (%s)", u.Registry, u.Problem)
			switch {
			case len(u.Decisive) > 0:
				decisive = append(decisive, u.Decisive...)
				phrases = append(phrases, fmt.Sprintf("%s, and it is the entry the kubelet matches to %s, so it pulls %s without credentials", why, strings.Join(u.Decisive, ", "), plural(len(u.Decisive), "that image", "those images")))
			case len(u.Beside) > 0:
				var with []registryauth.Match
				for _, img := range u.Beside {
					with = append(with, keyring.Lookup(img)...)
				}
				phrases = append(phrases, fmt.Sprintf("%s; for %s the kubelet also has credentials from %s", why, strings.Join(u.Beside, ", "), describeMatches(with)))
			default:
				phrases = append(phrases, fmt.Sprintf("%s; no image of the workload is matched to it", why))
			}
		}
		usable := 0
		for _, e := range cfg.Entries {
			if e.Usable {
				usable++
			}
		}
		head := fmt.Sprintf("image pull Secret %s/%s: ", ns, name)
		if usable == 0 {
			head = fmt.Sprintf("image pull Secret %s/%s holds no usable credentials: ", ns, name)
		}
		f := Finding{ID: PullSecretMalformed, Namespace: ns, Object: w.ref(), Secret: name, Reference: "imagePullSecrets",
			Message: head + strings.Join(phrases, "; ")}
		if ref != nil {
			f.Pods = unionSorted(nil, ref.Pods)
			f.Evidence = append(f.Evidence, pullSpecLines(w, ref)...)
		}
		f.Evidence = append(f.Evidence, fmt.Sprintf("Secret %s/%s entries: %s", ns, name, describeEntries(cfg)))
		var fails []observation
		for _, img := range decisive {
			if n, err := registryauth.NormalizeImage(img); err == nil {
				fails = append(fails, failing[n]...)
				explained[n] = true
			}
		}
		switch {
		case len(decisive) == 0:
			f.Severity = SeverityWarning
		case len(fails) > 0:
			f.Pods = unionSorted(f.Pods, podsOfObs(fails))
			f.Evidence = append(f.Evidence, obsEvidence(fails)...)
		default:
			f.Severity = SeverityWarning
			if allPulled(w, decisive) {
				f.Message += "; the images pull all the same (public, cached, or node credentials), so it matters only where that does not hold"
			} else {
				f.Message += "; " + p.noPullFailureNote(ns)
			}
		}
		f.Remediation = fmt.Sprintf("Give every entry of %s/%s credentials (docker login to each registry it serves, then recreate it from that config.json), or drop the entries it should not hold", ns, name)
		f.Commands = &Commands{
			Confirm: []string{pullRegistriesCommand(p, ns, name)},
			Fix:     []string{fmt.Sprintf("kubectl create secret generic %s -n %s --type=%s --from-file=%s=$HOME/.docker/config.json --dry-run=client -o yaml | kubectl replace -f -", shellArg(name), shellArg(ns), corev1.SecretTypeDockerConfigJson, corev1.DockerConfigJsonKey)},
		}
		p.report(f)
	}
	return explained
}

// describeEntries lists a pull Secret's registry keys and whether each gives
// credentials: never a value.
func describeEntries(cfg dockerconfig.Config) string {
	parts := make([]string, 0, len(cfg.Entries))
	for _, e := range cfg.Entries {
		state := "credentials"
		if !e.Usable {
			state = e.Problem
		}
		parts = append(parts, fmt.Sprintf("%s (%s)", e.Registry, state))
	}
	return strings.Join(parts, ", ")
}

func allPulled(w *workload, imgs []string) bool {
	for _, img := range imgs {
		if !imagePulled(w, img) {
			return false
		}
	}
	return len(imgs) > 0
}

// checkRegistryCoverage matches each image against the pull Secrets with the
// kubelet's keyring rules, and joins the registry's refusals from events.
func checkRegistryCoverage(p *pass, w *workload, refs []*pullRef, j *pullJudgement, authFailures []observation) {
	ns := w.Namespace
	keyring := registryauth.NewKeyring(j.sources)
	failing := map[string][]observation{}
	for _, o := range authFailures {
		img := o.Signal.Image
		if n, err := registryauth.NormalizeImage(img); err == nil {
			img = n
		}
		failing[img] = append(failing[img], o)
	}
	imgs := images(w)
	normalized := map[string]string{}
	anyCovered := false
	for _, img := range imgs {
		n, err := registryauth.NormalizeImage(img)
		if err != nil {
			continue
		}
		normalized[img] = n
		if len(keyring.Lookup(img)) > 0 {
			anyCovered = true
		}
	}
	unusable := unusableEntries(keyring, j.sources, imgs)
	reported := reportUnusableEntries(p, w, refs, j, keyring, unusable, failing)
	judgeable := len(j.sources) > 0 && len(j.unjudged) == 0 && !j.missing

	for _, img := range imgs {
		n, ok := normalized[img]
		if !ok || reported[n] {
			continue
		}
		fails := failing[n]
		matches := keyring.Lookup(img)
		if len(matches) > 0 || !judgeable || len(keyring.Covering(img)) > 0 {
			continue
		}
		if len(fails) == 0 && anyCovered {
			// Other images are covered; this one is presumably public.
			continue
		}
		f := Finding{
			ID: PullSecretNoRegistryMatch, Namespace: ns, Object: w.ref(), Pods: w.podNames(), Secret: sourceNames(j.sources),
			Reference:   "image " + n,
			Message:     fmt.Sprintf("no pull Secret holds credentials the kubelet would use for %s (registry %s); %s", img, registryauth.Registry(img), coverageText(keyring, unusable)),
			Evidence:    append(pullSpecEvidence(w, refs), obsEvidence(fails)...),
			Remediation: fmt.Sprintf("Add an entry for %s to a pull Secret of the pod (the key must match the image's host, port and path prefix by the kubelet's rules), or pull the image from a registry the Secrets cover", registryauth.Registry(img)),
			Commands:    &Commands{},
		}
		if src := j.sources[0].Secret; commandSafe(src) {
			f.Commands.Confirm = []string{pullRegistriesCommand(p, ns, src)}
		}
		if registry := registryauth.Registry(img); lineSafe(registry) {
			if attach, ok := attachPullSecret(w, refs, w.Name+"-pull"); ok {
				f.Commands.Fix = []string{
					fmt.Sprintf("kubectl create secret docker-registry %s -n %s --docker-server=%s --docker-username=USER --docker-password=PASSWORD", shellArg(w.Name+"-pull"), shellArg(ns), shellArg(registry)),
					attach,
				}
			}
		}
		if registryauth.Registry(img) == "docker.io" && containsString(keyring.UsableRegistries(), "registry-1.docker.io") {
			f.Message += "; registry-1.docker.io is Docker Hub's pull endpoint but not a key the kubelet matches to Docker Hub images: use docker.io or https://index.docker.io/v1/"
		}
		if len(fails) == 0 {
			f.Severity = SeverityWarning
			if imagePulled(w, img) {
				f.Message += "; the image still pulls (node credentials, or a public image), so the Secrets are probably meant for another registry"
			} else {
				f.Message += "; " + p.noPullFailureNote(ns)
			}
		}
		p.report(f)
		reported[n] = true
	}
	if j.explained {
		return
	}

	// Refusals not explained by a missing or non-matching Secret.
	for _, img := range sortedKeys(failing) {
		if reported[img] {
			continue
		}
		fails := failing[img]
		sortObs(fails)
		matches := keyring.Lookup(img)
		// A pod pulls with its own imagePullSecrets: a Secret the template or
		// the ServiceAccount lists now was not sent for a pod made without it.
		var unsent []registryauth.Match
		if sent, known := podPullSecrets(w, fails); known {
			matches, unsent = splitMatches(matches, sent)
		}
		remedy := authFailedRemedy(len(refs) > 0, j.unjudged, registryauth.Registry(img))
		var fix []string
		var msg string
		switch {
		case len(matches) > 0:
			msg = fmt.Sprintf("the registry refused the pull of %s although credentials from %s were sent: they are wrong, expired, or lack access to the repository", img, describeMatches(matches))
		case len(unsent) > 0:
			pods := podsOfObs(fails)
			msg = fmt.Sprintf("the registry refused the pull of %s: %s would cover it, but %s %s not list %s in %s own imagePullSecrets, so the kubelet pulled without %s%s",
				img, describeMatches(unsent), plural(len(pods), "pod "+strings.Join(pods, ", "), "pods "+strings.Join(pods, ", ")), plural(len(pods), "does", "do"),
				plural(len(unsent), "it", "them"), plural(len(pods), "its", "their"), plural(len(unsent), "it", "them"), unsentWhy(refs, unsent, len(pods)))
			remedy, fix = recreatePodsRemedy(w, matchSecrets(unsent))
		case w.Template == nil && len(w.Pods) == 0:
			// Known from events only: which pull Secrets the pod lists is unknown.
			msg = fmt.Sprintf("the registry refused the pull of %s; the dump holds neither the pod nor its workload, so which pull Secrets it lists, if any, is unknown", img)
			remedy = fmt.Sprintf("Check that the pod's imagePullSecrets (or its ServiceAccount's) name a Secret with valid credentials for %s, or check the image name", registryauth.Registry(img))
		case len(refs) == 0:
			msg = fmt.Sprintf("the registry refused the pull of %s and the pod has no image pull Secret at all", img)
		case len(j.hidden) > 0:
			msg = fmt.Sprintf("the registry refused the pull of %s; the support bundle redacted the registry names of pull %s %s to %s, so whether %s it cannot be judged", img, plural(len(j.hidden), "Secret", "Secrets"), strings.Join(j.hidden, ", "), hiddenRegistry, plural(len(j.hidden), "it covers", "they cover"))
			if others := without(j.unjudged, j.hidden); len(others) > 0 {
				msg += fmt.Sprintf(", and it lists only the registries of pull %s %s, not their credentials", plural(len(others), "Secret", "Secrets"), strings.Join(others, ", "))
			}
		case len(j.unjudged) > 0:
			msg = fmt.Sprintf("the registry refused the pull of %s; this dump does not show the credentials of pull %s %s, so whether %s its registry with valid credentials cannot be judged", img, plural(len(j.unjudged), "Secret", "Secrets"), strings.Join(j.unjudged, ", "), plural(len(j.unjudged), "it covers", "they cover"))
		default:
			msg = fmt.Sprintf("the registry refused the pull of %s", img)
		}
		msg += "; note that some registries (e.g. Quay) answer \"unauthorized\" for images that do not exist, so check the name and tag too"
		f := Finding{
			ID: ImagePullAuthFailed, Namespace: ns, Object: w.ref(), Pods: podsOfObs(fails), Secret: matchSecrets(append(matches, unsent...)),
			Reference: "image " + img, Message: msg, Evidence: obsEvidence(fails),
			Remediation: remedy,
			Commands:    &Commands{Confirm: []string{fmt.Sprintf("kubectl get events -n %s --field-selector reason=Failed | grep -i 'pull'", shellArg(ns))}, Fix: fix},
		}
		if len(unsent) > 0 {
			// What the pods hold, and who names the Secret they lack.
			var lines []string
			for _, pod := range w.Pods {
				if containsString(f.Pods, pod.Name) {
					lines = append(lines, fmt.Sprintf("Pod %s/%s spec (%s): imagePullSecrets: [%s]", ns, pod.Name, createdText(pod.CreationTimestamp.Time), strings.Join(pullSecretNames(&pod.Spec), ", ")))
					f.Commands.Confirm = append(f.Commands.Confirm, fmt.Sprintf("kubectl get pod %s -n %s -o jsonpath='{.spec.imagePullSecrets}'", shellArg(pod.Name), shellArg(ns)))
				}
			}
			for _, r := range refs {
				for _, m := range unsent {
					if r.Name == m.Secret {
						lines = appendUnique(lines, pullSpecLines(w, r)...)
					}
				}
			}
			f.Evidence = append(lines, f.Evidence...)
		}
		for _, name := range j.unjudged {
			if commandSafe(name) {
				f.Commands.Confirm = append(f.Commands.Confirm, pullRegistriesCommand(p, ns, name))
			}
		}
		if !anyCurrent(fails) && podsRunSince(w, lastOf(fails)) {
			f.Severity = SeverityWarning
			f.Message += " (the pods have run since: probably transient)"
		}
		p.report(f)
	}
}

// podPullSecrets returns the pull Secrets the failing pods' own specs list,
// and whether the dump holds every one of those pods: only then does it show
// what the kubelet sent.
func podPullSecrets(w *workload, fails []observation) (map[string]bool, bool) {
	specs := map[string]*corev1.PodSpec{}
	for _, pod := range w.Pods {
		specs[pod.Name] = &pod.Spec
	}
	sent := map[string]bool{}
	for _, o := range fails {
		spec, ok := specs[o.Pod]
		if !ok {
			return nil, false
		}
		for _, ref := range spec.ImagePullSecrets {
			sent[ref.Name] = true
		}
	}
	return sent, len(fails) > 0
}

// splitMatches separates the keyring's matches the pods sent from those they did not.
func splitMatches(matches []registryauth.Match, sent map[string]bool) (inPods, notInPods []registryauth.Match) {
	for _, m := range matches {
		if sent[m.Secret] {
			inPods = append(inPods, m)
		} else {
			notInPods = append(notInPods, m)
		}
	}
	return inPods, notInPods
}

// unsentWhy says why pods lack a pull Secret their workload names now.
func unsentWhy(refs []*pullRef, unsent []registryauth.Match, pods int) string {
	these := plural(pods, "the pod predates", "the pods predate")
	for _, r := range refs {
		if r.Name != unsent[0].Secret {
			continue
		}
		if sa, ok := strings.CutPrefix(r.By, "ServiceAccount "); ok {
			return fmt.Sprintf(": the ServiceAccount admission plugin copies ServiceAccount %s's imagePullSecrets into a pod only when the pod is created, and %s the entry", sa, these)
		}
		if r.By == "the pod template" {
			return ": " + plural(pods, "the pod was", "the pods were") + " made from an earlier pod template"
		}
	}
	return ""
}

// recreatePodsRemedy is the fix for pods made before their pull Secret was
// listed: new pods get it, existing ones never do.
func recreatePodsRemedy(w *workload, secrets string) (string, []string) {
	switch w.Kind {
	case "Deployment", "StatefulSet", "DaemonSet":
		cmd := fmt.Sprintf("kubectl rollout restart %s %s -n %s", strings.ToLower(w.Kind), shellArg(w.Name), shellArg(w.Namespace))
		return fmt.Sprintf("Restart the rollout of %s %s/%s so that new pods are created with %s (a pod's imagePullSecrets never change after creation)", w.Kind, w.Namespace, w.Name, secrets), []string{cmd}
	}
	return fmt.Sprintf("Delete the failing pods so that %s %s/%s recreates them with %s (a pod's imagePullSecrets never change after creation); a bare Pod must be recreated from its manifest", w.Kind, w.Namespace, w.Name, secrets), nil
}

// coverageText says which registries the pull Secrets hold credentials for;
// an entry without credentials covers nothing.
func coverageText(keyring *registryauth.Keyring, unusable []*unusableEntry) string {
	text := "the pull Secrets hold usable credentials for no registry"
	if usable := keyring.UsableRegistries(); len(usable) > 0 {
		text = "the pull Secrets cover " + strings.Join(usable, ", ")
	}
	if len(unusable) > 0 {
		var parts []string
		for _, u := range unusable {
			parts = append(parts, fmt.Sprintf("%s in %s", u.Registry, u.Secret))
		}
		text += " (entries without credentials, which cover nothing: " + strings.Join(parts, ", ") + ")"
	}
	return text
}

// without returns list minus the names in drop, in list's order.
func without(list, drop []string) []string {
	var out []string
	for _, s := range list {
		if !containsString(drop, s) {
			out = append(out, s)
		}
	}
	return out
}

// pullSpecLines quotes where a pull Secret is named. A name only events give
// is quoted from the older revisions that list it, or not at all: the
// workload's spec does not hold it.
func pullSpecLines(w *workload, r *pullRef) []string {
	if !r.FromEvents {
		return []string{fmt.Sprintf("%s %s/%s: imagePullSecrets[%d].name: %s (named by %s)", w.Kind, w.Namespace, w.Name, r.Index, r.Name, r.By)}
	}
	var out []string
	for i := range w.Revisions {
		out = append(out, revisionPullLines(w, &w.Revisions[i], r.Name)...)
	}
	return out
}

// revisionPullLines quotes a revision's template where it lists a pull Secret.
func revisionPullLines(w *workload, rev *revision, name string) []string {
	if rev.Template == nil {
		return nil
	}
	var out []string
	for i, ref := range rev.Template.Spec.ImagePullSecrets {
		if ref.Name == name {
			out = append(out, revisionSpecLine(w, rev, fmt.Sprintf("imagePullSecrets[%d].name: %s", i, name)))
		}
	}
	return out
}

func pullSpecEvidence(w *workload, refs []*pullRef) []string {
	var out []string
	for _, r := range refs {
		out = append(out, pullSpecLines(w, r)...)
	}
	return out
}

func sourceNames(sources []registryauth.Source) string {
	names := make([]string, 0, len(sources))
	for _, s := range sources {
		names = append(names, s.Secret)
	}
	return joinSorted(names)
}

func matchSecrets(matches []registryauth.Match) string {
	names := make([]string, 0, len(matches))
	for _, m := range matches {
		names = append(names, m.Secret)
	}
	return joinSorted(names)
}

func describeMatches(matches []registryauth.Match) string {
	parts := make([]string, 0, len(matches))
	for _, m := range matches {
		parts = appendUnique(parts, fmt.Sprintf("%s (%s)", m.Secret, m.Registry))
	}
	return strings.Join(parts, ", ")
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// imagePulled reports whether a running container of the workload uses image,
// i.e. the kubelet did pull it.
func imagePulled(w *workload, image string) bool {
	for _, p := range w.Pods {
		for _, cs := range p.Status.ContainerStatuses {
			if cs.Image == image && cs.State.Running != nil {
				return true
			}
		}
	}
	return false
}

// pullRegistriesCommand prints the registry keys of a pull Secret, never its
// credentials. The caller checks that name is commandSafe.
func pullRegistriesCommand(p *pass, ns, name string) string {
	if s, ok := p.idx.secrets[nsName{ns, name}]; ok && s.Type == corev1.SecretTypeDockercfg {
		return fmt.Sprintf("kubectl get secret %s -n %s -o jsonpath='{.data.\\.dockercfg}' | base64 -d | jq -r %s", shellArg(name), shellArg(ns), registriesFilter(false))
	}
	return fmt.Sprintf("kubectl get secret %s -n %s -o jsonpath='{.data.\\.dockerconfigjson}' | base64 -d | jq -r %s", shellArg(name), shellArg(ns), registriesFilter(true))
}

// templateSpecPath is the JSON pointer of a workload's pod spec, for patches.
func templateSpecPath(kind string) string {
	switch kind {
	case "CronJob":
		return "/spec/jobTemplate/spec/template/spec"
	case "Pod":
		return "/spec"
	}
	return "/spec/template/spec"
}

func authFailedRemedy(hasPullSecrets bool, unjudged []string, registry string) string {
	if len(unjudged) > 0 {
		return fmt.Sprintf("Check on the cluster that pull Secret %s has an entry for %s with valid credentials (the command lists its registries without printing credentials)", strings.Join(unjudged, ", "), registry)
	}
	if !hasPullSecrets {
		return "Create a pull Secret for the registry (kubectl create secret docker-registry) and list it under imagePullSecrets of the pod template or its ServiceAccount, or check the image name"
	}
	return "Refresh the registry credentials in the pull Secret (kubectl create secret docker-registry ... --dry-run=client -o yaml | kubectl replace -f -), or check that the account can pull this repository"
}

// registriesFilter is a jq program that prints a docker config's registry keys
// and, whatever the payload holds, never a value: jq's own errors quote the
// input they choke on, so every shape is tested before it is indexed.
func registriesFilter(wrapped bool) string {
	if wrapped {
		return `'if type != "object" then "not a JSON object" elif (.auths | type) != "object" then "no auths object" else .auths | keys[] end'`
	}
	return `'if type != "object" then "not a JSON object" else keys[] end'`
}

// pullStillWorks lowers a pull Secret finding to a warning when every pod of
// the workload runs and no pull was refused: the images came without the
// Secret (public, cached, or node credentials), and the problem bites only when
// a pod lands where they do not.
func pullStillWorks(w *workload, authFailures []observation, f *Finding) {
	if len(authFailures) == 0 && podsRunSince(w, time.Time{}) {
		f.Severity = SeverityWarning
		f.Message += "; the pods run all the same (their images came without it), so it matters only where that does not hold"
	}
}

// attachPullSecret is the command that adds a pull Secret where the workload's
// pull Secrets come from: its pod template, or its ServiceAccount. A bare
// Pod's list cannot change: it has to be recreated. ok is false when a name
// cannot go on a command line.
func attachPullSecret(w *workload, refs []*pullRef, secret string) (string, bool) {
	value := fmt.Sprintf(`{"name":%s}`, jsonString(secret))
	for _, r := range refs {
		if sa, ok := strings.CutPrefix(r.By, "ServiceAccount "); ok {
			// The patch is one shell word: shellArg single-quotes it, whatever the names hold.
			patch := fmt.Sprintf(`[{"op":"add","path":"/imagePullSecrets/-","value":%s}]`, value)
			return fmt.Sprintf("kubectl patch serviceaccount %s -n %s --type=json -p %s", shellArg(sa), shellArg(w.Namespace), shellArg(patch)), commandSafe(sa)
		}
	}
	if w.Kind == "Pod" {
		return fmt.Sprintf("# a Pod's imagePullSecrets cannot change: recreate pod %s/%s with %s added to spec.imagePullSecrets", w.Namespace, w.Name, secret), true
	}
	patch := fmt.Sprintf(`[{"op":"add","path":"%s/imagePullSecrets/-","value":%s}]`, templateSpecPath(w.Kind), value)
	return fmt.Sprintf("kubectl patch %s %s -n %s --type=json -p %s", shellArg(strings.ToLower(w.Kind)), shellArg(w.Name), shellArg(w.Namespace), shellArg(patch)), true
}

// noPullFailureNote says why no pull failure speaks for or against a pull
// Secret: the events expired, or the dump holds none.
func (p *pass) noPullFailureNote(ns string) string {
	if covered, _ := p.covers("Event", ns, ""); !covered {
		return "the dump holds no events of this namespace, so whether the registry needs credentials is not known"
	}
	return "no pull failure is recorded (events expire after an hour), so whether the registry needs credentials is not known"
}
