package analyzer

import (
	"fmt"
	"sort"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"

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
kubelet's own keyring rules; registry refusals in events are joined to them.`,
	IDs: []ID{PullSecretNotFound, PullSecretWrongType, PullSecretMalformed, PullSecretNoRegistryMatch, ImagePullAuthFailed},
	Run: runPullSecrets,
}

// pullRef is one image pull Secret a workload's pods use, and who names it.
type pullRef struct {
	Name  string
	By    string // "the pod spec", "the pod template", "ServiceAccount web"
	Index int
	Pods  []string
}

// pullRefs lists the pull Secrets of a workload: the template's, else its
// ServiceAccount's (admission copies the SA's list into a pod that has none),
// and each pod's own list.
func pullRefs(p *pass, w *workload) []*pullRef {
	sa := w.serviceAccount()
	saObj := p.idx.serviceAccounts[nsName{w.Namespace, sa}]
	saNames := map[string]bool{}
	if saObj != nil {
		for _, ref := range saObj.ImagePullSecrets {
			saNames[ref.Name] = true
		}
	}
	byName := map[string]*pullRef{}
	var order []*pullRef
	add := func(name, by string, index int, pod string) {
		r := byName[name]
		if r == nil {
			r = &pullRef{Name: name, By: by, Index: index}
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
			add(ref.Name, "the pod template", i, "")
		}
		if !templateHas && saObj != nil {
			for i, ref := range saObj.ImagePullSecrets {
				add(ref.Name, "ServiceAccount "+sa, i, "")
			}
		}
	}
	for _, pod := range w.Pods {
		for i, ref := range pod.Spec.ImagePullSecrets {
			by := "the pod spec"
			if !templateHas && saNames[ref.Name] {
				by = "ServiceAccount " + sa
			}
			add(ref.Name, by, i, pod.Name)
		}
	}
	return order
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

func checkPullSecrets(p *pass, w *workload) {
	ns := w.Namespace
	obs := p.observations[w]
	refs := pullRefs(p, w)
	notRetrieved := filterObs(obs, messages.PullSecretNotRetrieved)
	authFailures := filterObs(obs, messages.ImagePullAuthFailed)
	unparseable := filterObs(obs, messages.PullSecretUnparseable)

	// Names the kubelet reported it could not retrieve, even where the spec is not in the dump.
	retrievedNames := map[string][]observation{}
	for _, o := range notRetrieved {
		for _, name := range o.Signal.PullSecrets {
			retrievedNames[name] = append(retrievedNames[name], o)
		}
	}
	known := map[string]bool{}
	for _, r := range refs {
		known[r.Name] = true
	}
	for name := range retrievedNames {
		if !known[name] {
			refs = append(refs, &pullRef{Name: name, By: "the pod spec"})
		}
	}

	var sources []registryauth.Source
	unjudged := []string{} // pull Secrets whose credentials the dump cannot show
	hidden := false
	for _, r := range refs {
		base := Finding{Namespace: ns, Object: w.ref(), Pods: unionSorted(nil, r.Pods), Secret: r.Name, Reference: "imagePullSecrets"}
		specLine := fmt.Sprintf("%s %s/%s: imagePullSecrets[%d].name: %s (named by %s)", w.Kind, ns, w.Name, r.Index, r.Name, r.By)
		s, exists := p.idx.secrets[nsName{ns, r.Name}]
		if !exists {
			covered, why := p.covers("Secret", ns, r.Name)
			evidence := obsEvidence(retrievedNames[r.Name])
			if !covered && len(evidence) == 0 {
				p.noteGap("Secret", why, w)
				// The kubelet's keyring error names no Secret: with one pull
				// Secret, it is that one.
				if len(unparseable) > 0 && len(refs) == 1 {
					f := base
					f.ID = PullSecretMalformed
					f.Pods = unionSorted(f.Pods, podsOfObs(unparseable))
					f.Message = fmt.Sprintf("image pull Secret %s/%s is unusable: the kubelet could not parse it (from events: %s)", ns, r.Name, why)
					f.Evidence = append([]string{specLine}, obsEvidence(unparseable)...)
					f.Remediation = fmt.Sprintf("Recreate %s/%s from a working docker login (kubectl create secret docker-registry, or --from-file=.dockerconfigjson=$HOME/.docker/config.json)", ns, r.Name)
					f.Commands = &Commands{Confirm: []string{pullRegistriesCommand(p, ns, r.Name)}}
					p.report(f)
					continue
				}
				unjudged = append(unjudged, r.Name)
				continue
			}
			f := base
			f.ID = PullSecretNotFound
			f.Pods = unionSorted(f.Pods, podsOfObs(retrievedNames[r.Name]))
			f.Evidence = append([]string{specLine}, evidence...)
			f.Message = fmt.Sprintf("image pull Secret %s/%s, named by %s, does not exist", ns, r.Name, r.By)
			if templateVariable(r.Name) {
				f.Message = fmt.Sprintf("image pull Secret name %q, named by %s, is an unexpanded template variable: the manifest was applied without substitution", r.Name, r.By)
			}
			if !covered {
				f.Message += fmt.Sprintf(" (from events: %s)", why)
			}
			pullStillWorks(w, authFailures, &f)
			f.Remediation = fmt.Sprintf("Create the pull Secret in namespace %s, or fix the name in %s", ns, r.By)
			f.Commands = &Commands{
				Confirm: []string{fmt.Sprintf("kubectl get secret %s -n %s", shellArg(r.Name), ns)},
				Fix:     []string{fmt.Sprintf("kubectl create secret docker-registry %s -n %s --docker-server=REGISTRY --docker-username=USER --docker-password=PASSWORD", shellArg(r.Name), ns)},
			}
			if templateVariable(r.Name) {
				f.Remediation = fmt.Sprintf("Render the manifest with its variables substituted (helm template, envsubst, kustomize) and apply it again; %s must name a real pull Secret", r.By)
				f.Commands = &Commands{Confirm: []string{fmt.Sprintf("kubectl get %s %s -n %s -o jsonpath='{%s}'", strings.ToLower(w.Kind), w.Name, ns, strings.ReplaceAll(templateSpecPath(w.Kind), "/", ".")+".imagePullSecrets")}}
			}
			p.report(f)
			continue
		}
		key, legacy, readable := pullPayload(s)
		if !readable {
			f := base
			f.ID = PullSecretWrongType
			f.Evidence = []string{specLine, fmt.Sprintf("Secret %s/%s has type %s and keys [%s]", ns, r.Name, secretType(s), strings.Join(secretKeys(s), ", "))}
			if isDockerConfigType(s.Type) {
				f.Message = fmt.Sprintf("image pull Secret %s/%s is of type %s but has no %s key, so the kubelet ignores it", ns, r.Name, s.Type, dockerKeyFor(s.Type))
			} else {
				f.Message = fmt.Sprintf("image pull Secret %s/%s is of type %s; the kubelet only reads kubernetes.io/dockerconfigjson (.dockerconfigjson) or kubernetes.io/dockercfg (.dockercfg), and silently ignores it", ns, r.Name, secretType(s))
			}
			f.Remediation = fmt.Sprintf("Recreate %s/%s with kubectl create secret docker-registry (type kubernetes.io/dockerconfigjson); the type cannot be changed in place", ns, r.Name)
			f.Commands = &Commands{
				Confirm: []string{fmt.Sprintf("kubectl get secret %s -n %s -o jsonpath='{.type}'", r.Name, ns)},
				// A Secret's type is immutable: replace --force deletes and recreates it.
				Fix: []string{fmt.Sprintf("kubectl create secret docker-registry %s -n %s --docker-server=REGISTRY --docker-username=USER --docker-password=PASSWORD --dry-run=client -o yaml | kubectl replace --force -f -", r.Name, ns)},
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
				for _, e := range cfg.Entries {
					if strings.Contains(e.Registry, "HIDDEN") {
						hidden = true
					}
				}
				sources = append(sources, registryauth.Source{Secret: r.Name, Config: cfg})
			}
			// troubleshoot keeps one registry per pull Secret, so a registry it does
			// not list may still be covered: only a match can be concluded.
			unjudged = append(unjudged, r.Name)
			continue
		default:
			unjudged = append(unjudged, r.Name)
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
		default:
			var bad []string
			for _, e := range cfg.Entries {
				if !e.Usable {
					bad = append(bad, fmt.Sprintf("%s (%s)", e.Registry, e.Problem))
				}
			}
			if len(bad) == len(cfg.Entries) {
				problem = "no entry holds usable credentials: " + strings.Join(bad, ", ")
			}
		}
		if problem != "" {
			f := base
			f.ID = PullSecretMalformed
			f.Message = fmt.Sprintf("image pull Secret %s/%s is unusable: %s", ns, r.Name, problem)
			pullStillWorks(w, authFailures, &f)
			f.Evidence = append([]string{specLine}, obsEvidence(unparseable)...)
			f.Remediation = fmt.Sprintf("Recreate %s/%s from a working docker login (kubectl create secret docker-registry, or --from-file=.dockerconfigjson=$HOME/.docker/config.json)", ns, r.Name)
			f.Commands = &Commands{
				Confirm: []string{pullRegistriesCommand(p, ns, r.Name)},
				Fix:     []string{fmt.Sprintf("kubectl create secret docker-registry %s -n %s --docker-server=REGISTRY --docker-username=USER --docker-password=PASSWORD --dry-run=client -o yaml | kubectl replace -f -", r.Name, ns)},
			}
			p.report(f)
			if err != nil || cfg.NoAuths || cfg.KubeletRejects() {
				continue
			}
		}
		sources = append(sources, registryauth.Source{Secret: r.Name, Config: cfg})
	}

	checkRegistryCoverage(p, w, refs, sources, unjudged, hidden, authFailures)
}

func dockerKeyFor(t corev1.SecretType) string {
	if t == corev1.SecretTypeDockercfg {
		return corev1.DockerConfigKey
	}
	return corev1.DockerConfigJsonKey
}

// checkRegistryCoverage matches each image against the pull Secrets with the
// kubelet's keyring rules, and joins the registry's refusals from events.
func checkRegistryCoverage(p *pass, w *workload, refs []*pullRef, sources []registryauth.Source, unjudged []string, hidden bool, authFailures []observation) {
	ns := w.Namespace
	keyring := registryauth.NewKeyring(sources)
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
	registries := keyring.Registries()
	judgeable := len(sources) > 0 && len(unjudged) == 0 && !hidden
	reported := map[string]bool{}

	for _, img := range imgs {
		n, ok := normalized[img]
		if !ok {
			continue
		}
		fails := failing[n]
		matches := keyring.Lookup(img)
		if len(matches) > 0 || !judgeable {
			continue
		}
		if len(fails) == 0 && anyCovered {
			// Other images are covered; this one is presumably public.
			continue
		}
		f := Finding{
			ID: PullSecretNoRegistryMatch, Namespace: ns, Object: w.ref(), Pods: w.podNames(), Secret: sourceNames(sources),
			Reference: "image " + n,
			Message: fmt.Sprintf("no pull Secret holds credentials the kubelet would use for %s (registry %s); the pull Secrets cover %s",
				img, registryauth.Registry(img), strings.Join(registries, ", ")),
			Evidence:    append(pullSpecEvidence(w, refs), obsEvidence(fails)...),
			Remediation: fmt.Sprintf("Add an entry for %s to a pull Secret of the pod (the key must match the image's host, port and path prefix by the kubelet's rules), or pull the image from a registry the Secrets cover", registryauth.Registry(img)),
			Commands: &Commands{
				Confirm: []string{pullRegistriesCommand(p, ns, sources[0].Secret)},
				Fix: []string{
					fmt.Sprintf("kubectl create secret docker-registry %s-pull -n %s --docker-server=%s --docker-username=USER --docker-password=PASSWORD", w.Name, ns, registryauth.Registry(img)),
					attachPullSecret(w, refs, w.Name+"-pull"),
				},
			},
		}
		if registryauth.Registry(img) == "docker.io" && containsString(registries, "registry-1.docker.io") {
			f.Message += "; registry-1.docker.io is Docker Hub's pull endpoint but not a key the kubelet matches to Docker Hub images: use docker.io or https://index.docker.io/v1/"
		}
		if len(fails) == 0 {
			f.Severity = SeverityWarning
			if imagePulled(w, img) {
				f.Message += "; the image still pulls (node credentials, or a public image), so the Secrets are probably meant for another registry"
			} else {
				f.Message += "; no pull failure is recorded (events expire after an hour), so whether the registry needs credentials is not known"
			}
		}
		p.report(f)
		reported[n] = true
	}

	// Refusals not explained by a missing or non-matching Secret.
	for _, img := range sortedKeys(failing) {
		if reported[img] {
			continue
		}
		fails := failing[img]
		sortObs(fails)
		matches := keyring.Lookup(img)
		var msg string
		switch {
		case len(matches) > 0:
			msg = fmt.Sprintf("the registry refused the pull of %s although credentials from %s were sent: they are wrong, expired, or lack access to the repository", img, describeMatches(matches))
		case len(refs) == 0:
			msg = fmt.Sprintf("the registry refused the pull of %s and the pod has no image pull Secret at all", img)
		case len(unjudged) > 0:
			msg = fmt.Sprintf("the registry refused the pull of %s; this dump does not show the credentials of pull %s %s, so whether %s its registry with valid credentials cannot be judged", img, plural(len(unjudged), "Secret", "Secrets"), strings.Join(unjudged, ", "), plural(len(unjudged), "it covers", "they cover"))
		case hidden:
			msg = fmt.Sprintf("the registry refused the pull of %s; the bundle redacted the pull Secrets' registry names (***HIDDEN***), so whether they cover it cannot be judged", img)
		default:
			msg = fmt.Sprintf("the registry refused the pull of %s", img)
		}
		msg += "; note that some registries (e.g. Quay) answer \"unauthorized\" for images that do not exist, so check the name and tag too"
		f := Finding{
			ID: ImagePullAuthFailed, Namespace: ns, Object: w.ref(), Pods: podsOfObs(fails), Secret: matchSecrets(matches),
			Reference: "image " + img, Message: msg, Evidence: obsEvidence(fails),
			Remediation: authFailedRemedy(len(refs) > 0, unjudged, registryauth.Registry(img)),
			Commands:    &Commands{Confirm: []string{fmt.Sprintf("kubectl get events -n %s --field-selector reason=Failed | grep -i 'pull'", ns)}},
		}
		for _, name := range unjudged {
			f.Commands.Confirm = append(f.Commands.Confirm, pullRegistriesCommand(p, ns, name))
		}
		if !anyCurrent(fails) && podsRunSince(w, lastOf(fails)) {
			f.Severity = SeverityWarning
			f.Message += " (the pods have run since: probably transient)"
		}
		p.report(f)
	}
}

func pullSpecEvidence(w *workload, refs []*pullRef) []string {
	var out []string
	for _, r := range refs {
		out = append(out, fmt.Sprintf("%s %s/%s: imagePullSecrets[%d].name: %s (named by %s)", w.Kind, w.Namespace, w.Name, r.Index, r.Name, r.By))
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

// pullRegistriesCommand prints the registry keys of a pull Secret, never its credentials.
func pullRegistriesCommand(p *pass, ns, name string) string {
	if s, ok := p.idx.secrets[nsName{ns, name}]; ok && s.Type == corev1.SecretTypeDockercfg {
		return fmt.Sprintf("kubectl get secret %s -n %s -o jsonpath='{.data.\\.dockercfg}' | base64 -d | jq -r %s", shellArg(name), ns, registriesFilter(false))
	}
	return fmt.Sprintf("kubectl get secret %s -n %s -o jsonpath='{.data.\\.dockerconfigjson}' | base64 -d | jq -r %s", shellArg(name), ns, registriesFilter(true))
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
// Pod's list cannot change: it has to be recreated.
func attachPullSecret(w *workload, refs []*pullRef, secret string) string {
	value := fmt.Sprintf(`{"name":"%s"}`, secret)
	for _, r := range refs {
		if sa, ok := strings.CutPrefix(r.By, "ServiceAccount "); ok {
			return fmt.Sprintf("kubectl patch serviceaccount %s -n %s --type=json -p '[{\"op\":\"add\",\"path\":\"/imagePullSecrets/-\",\"value\":%s}]'", sa, w.Namespace, value)
		}
	}
	if w.Kind == "Pod" {
		return fmt.Sprintf("# a Pod's imagePullSecrets cannot change: recreate pod %s/%s with %s added to spec.imagePullSecrets", w.Namespace, w.Name, secret)
	}
	return fmt.Sprintf("kubectl patch %s %s -n %s --type=json -p '[{\"op\":\"add\",\"path\":\"%s/imagePullSecrets/-\",\"value\":%s}]'", strings.ToLower(w.Kind), w.Name, w.Namespace, templateSpecPath(w.Kind), value)
}
