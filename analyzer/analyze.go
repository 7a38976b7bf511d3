package analyzer

import (
	"context"
	"fmt"
	"runtime"
	"sort"
	"strings"
	"sync"

	"github.com/secretscan/secretscan/analyzer/rbac"
)

// Check is one analyzer: a name, what it looks for, the IDs it may report, and
// its Run function. Checks read only the pass (built from client-go interfaces).
type Check struct {
	Name string
	Doc  string
	IDs  []ID
	Run  func(p *pass)
}

// Checks lists every check in the order they run. Spec-based checks run before
// event-based ones so that a merged finding keeps the spec's precise message.
var Checks = []*Check{
	secretRefCheck,
	serviceAccountCheck,
	pullSecretCheck,
	rbacCheck,
	csiCheck,
}

// Result is what an analysis found.
type Result struct {
	Findings []Finding
	// Warnings name what the analysis could not read (e.g. a list that was forbidden).
	Warnings []string
}

// Analyze runs every check over the cluster and returns one finding per root cause.
func Analyze(ctx context.Context, c Cluster) (*Result, error) {
	if c.Client == nil {
		return nil, fmt.Errorf("analyze: no Kubernetes client")
	}
	idx, err := buildIndex(ctx, c)
	if err != nil {
		return nil, fmt.Errorf("reading the cluster: %w", err)
	}
	sh := &shared{}
	// Workloads are judged one namespace at a time: a workload, its pods, its
	// controllers and their events all live in one namespace. One goroutine
	// reads the namespaces in turn; workers judge them in parallel.
	type result struct {
		findings []Finding
		gaps     map[string]*coverageGap
	}
	units := make(chan *index, 4)
	results := make(chan result, 4)
	var wg sync.WaitGroup
	for i := 0; i < runtime.GOMAXPROCS(0); i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for nsIdx := range units {
				p := &pass{ctx: ctx, cluster: c, idx: nsIdx, shared: sh, namespace: nsIdx.namespace, gaps: map[string]*coverageGap{}}
				p.workloads = buildWorkloads(nsIdx)
				p.observations = observeAll(p)
				p.noteEventPods()
				for _, check := range Checks {
					check.Run(p)
				}
				p.noteEventGap()
				results <- result{p.dropIgnored(p.dropCompletedJobs(consolidate(p.findings))), p.gaps}
			}
		}()
	}
	seen := map[string]bool{} // namespaces with workloads or events; read once results close
	go func() {
		streams := newWorkloadStreams(ctx, c, idx)
		for {
			nsIdx, ok := streams.next()
			if !ok {
				break
			}
			seen[nsIdx.namespace] = true
			if !c.judges(nsIdx.namespace) {
				continue
			}
			units <- nsIdx
		}
		close(units)
		wg.Wait()
		close(results)
	}()
	var findings []Finding
	p := &pass{ctx: ctx, cluster: c, idx: idx, shared: sh, gaps: map[string]*coverageGap{}}
	for r := range results {
		findings = append(findings, r.findings...)
		p.mergeGaps(r.gaps)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	p.reportCoverageGaps()
	findings = append(findings, consolidate(p.findings)...)
	SortFindings(findings)
	// The namespaces' passes warn in parallel: their order is made stable.
	sort.Strings(sh.warnings)
	warnings := append(idx.failures.warnings, sh.warnings...)
	for _, ns := range c.Namespaces {
		if !seen[ns] {
			// kubectl's "No resources found in ns namespace.": most often a typo.
			warnings = append(warnings, fmt.Sprintf("namespace %s: no pod, workload or event of it was found, so nothing in it was judged", ns))
		}
	}
	return &Result{Findings: findings, Warnings: warnings}, nil
}

// shared is what the namespaces' passes build once and read together: the
// RBAC evaluator, the producers of Secrets, the SecretProviderClasses.
type shared struct {
	policyOnce sync.Once
	policy     *rbac.Policy

	producersOnce sync.Once
	producers     *producerIndex

	classesOnce sync.Once
	classes     map[nsName]string
	classesHeld bool

	mu       sync.Mutex
	warnings []string
}

func (s *shared) warn(w ...string) {
	s.mu.Lock()
	s.warnings = append(s.warnings, w...)
	s.mu.Unlock()
}

// pass is the state one analysis run shares between checks.
type pass struct {
	ctx       context.Context
	cluster   Cluster
	idx       *index
	namespace string // the namespace whose workloads are being judged
	workloads *workloadSet
	// observations holds what events, statuses and logs said, per workload.
	observations map[*workload][]observation
	findings     []Finding
	// gaps counts, per kind the dump lacked, the references whose check had to
	// rest on events and status alone.
	gaps map[string]*coverageGap
	// shared is built once for every namespace's pass.
	shared *shared
}

// report records a finding, filling its severity from the registry when unset.
func (p *pass) report(f Finding) {
	if f.Severity == 0 {
		def, ok := Lookup(f.ID)
		if !ok {
			panic("analyzer: unregistered finding ID " + string(f.ID))
		}
		f.Severity = def.Severity
	}
	if f.Pods == nil {
		f.Pods = []string{}
	}
	if f.Evidence == nil {
		f.Evidence = []string{}
	}
	p.caveatUnreadable(&f)
	if !commandsQuotable(f) {
		// shellArg quotes what a shell interprets; a line break or a leading
		// '-' it cannot make safe, so no command is better than a wrong one.
		f.Commands = nil
	}
	if f.Commands != nil && len(f.Commands.Confirm) == 0 && len(f.Commands.Fix) == 0 {
		f.Commands = nil // a check left out every command its names made unsafe
	}
	p.findings = append(p.findings, f)
}

// commandsQuotable tells whether the names a finding's commands are built
// from, all taken from the dump, can go on a copied command line. Names only
// some checks use (a ServiceAccount, a producer) are checked where they are.
func commandsQuotable(f Finding) bool {
	names := append([]string{f.Namespace, f.Object.Kind, f.Object.Name}, f.Pods...)
	// Secret may list several names; Reference names keys and volumes in prose.
	names = append(names, strings.Split(f.Secret, ", ")...)
	return commandSafe(names...) && lineSafe(f.Secret, f.Reference)
}

// absenceKind names, for the findings that rest on an object being absent,
// the kind of that object.
var absenceKind = map[ID]string{
	SecretNotFound:         "Secret",
	SecretInOtherNamespace: "Secret",
	OptionalSecretMissing:  "Secret",
	PullSecretNotFound:     "Secret",
	SATokenSecretNotFound:  "Secret",
	ServiceAccountNotFound: "ServiceAccount",
}

// caveatUnreadable qualifies a finding that rests on the dump not holding an
// object, where the dump also held objects of that kind it could not read:
// the finding stands, as the readable part says, and says what may change it.
func (p *pass) caveatUnreadable(f *Finding) {
	kind, ok := absenceKind[f.ID]
	if !ok {
		return
	}
	if covered, _ := p.covers(kind, f.Namespace, f.Secret); !covered {
		return // resting on events, not on absence
	}
	if n := p.cluster.unreadable(kind, f.Namespace); n > 0 {
		why := fmt.Sprintf("1 object of the dump could not be read and may be this %s (see the warnings)", kind)
		if n > 1 {
			why = fmt.Sprintf("%d objects of the dump could not be read and one may be this %s (see the warnings)", n, kind)
		}
		f.Message += "; " + why
		f.Evidence = append(f.Evidence, "coverage: "+why)
	}
	if cut := p.cluster.cutOff(); cut != "" {
		why := fmt.Sprintf("the dump ends early (%s), and this %s may be in the part that was lost", cut, kind)
		f.Message += "; " + why
		f.Evidence = append(f.Evidence, "coverage: "+why)
	}
}

// covers tells whether a missing object of kind is really missing: the source
// collected the kind and the client could list it.
func (p *pass) covers(kind, namespace, name string) (bool, string) {
	if reason, failed := p.idx.failures.reason(kind); failed {
		return false, reason
	}
	return p.cluster.covers(kind, namespace, name)
}

// supersedes says which IDs a more specific one replaces for the same workload
// and Secret: no secret-mount-failed beside secret-not-found.
var supersedes = map[ID][]ID{
	SecretNotFound:            {SecretMountFailed},
	SecretInOtherNamespace:    {SecretNotFound, SecretMountFailed},
	SecretKeyNotFound:         {SecretMountFailed},
	SATokenSecretNotFound:     {SecretNotFound, SecretMountFailed},
	SecretSourceNotReady:      {SecretNotFound, SecretMountFailed, SecretInOtherNamespace},
	NodeSecretForbidden:       {SecretMountFailed},
	SecretCreatedAfterFailure: {SecretMountFailed},
	PullSecretNotFound:        {ImagePullAuthFailed},
	PullSecretWrongType:       {ImagePullAuthFailed},
	PullSecretMalformed:       {ImagePullAuthFailed},
	PullSecretNoRegistryMatch: {ImagePullAuthFailed},
	ServiceAccountNotFound:    {AdmissionDenied},
}

// workloadWide are IDs whose superseding applies across every Secret of the
// workload: a pull-secret cause explains an image pull failure that names no Secret.
var workloadWide = map[ID]bool{ImagePullAuthFailed: true, AdmissionDenied: true}

type findingKey struct {
	Namespace, Kind, Name, Secret string
	ID                            ID
}

// consolidate merges findings with the same workload, Secret and ID (uniting
// their pods, references and evidence), then folds a general finding into the
// specific one that explains it (no secret-mount-failed beside secret-not-found):
// its evidence and pods move over, the general row goes.
func consolidate(in []Finding) []Finding {
	merged := map[findingKey]*Finding{}
	var order []findingKey
	for _, f := range in {
		k := findingKey{f.Namespace, f.Object.Kind, f.Object.Name, f.Secret, f.ID}
		if have, ok := merged[k]; ok {
			mergeInto(have, f)
			continue
		}
		f := f
		merged[k] = &f
		order = append(order, k)
	}
	// The first finding of each (workload, Secret) and of each workload per ID.
	type scope struct{ Namespace, Kind, Name, Secret string }
	sameSecret := map[scope]map[ID]*Finding{}
	sameWorkload := map[scope]map[ID]*Finding{}
	for _, k := range order {
		for _, s := range []struct {
			m map[scope]map[ID]*Finding
			k scope
		}{{sameSecret, scope{k.Namespace, k.Kind, k.Name, k.Secret}}, {sameWorkload, scope{k.Namespace, k.Kind, k.Name, ""}}} {
			if s.m[s.k] == nil {
				s.m[s.k] = map[ID]*Finding{}
			}
			if s.m[s.k][k.ID] == nil {
				s.m[s.k][k.ID] = merged[k]
			}
		}
	}
	// Kept by pointer: evidence folded in later must reach findings kept earlier.
	keep := make([]*Finding, 0, len(order))
	for _, k := range order {
		f := merged[k]
		secretScope := sameSecret[scope{k.Namespace, k.Kind, k.Name, k.Secret}]
		into := specificFor(k.ID, secretScope)
		if into == nil && workloadWide[k.ID] {
			into = specificFor(k.ID, sameWorkload[scope{k.Namespace, k.Kind, k.Name, ""}])
		}
		// Follow the chain to the most specific finding (secret-mount-failed ->
		// secret-not-found -> secret-in-other-namespace), which is the one kept.
		for hops := 0; into != nil && hops < len(Definitions); hops++ {
			next := specificFor(into.ID, sameSecret[scope{into.Namespace, into.Object.Kind, into.Object.Name, into.Secret}])
			if next == nil {
				break
			}
			into = next
		}
		// A general finding graver than the specific one says something it does
		// not (a pod still stuck beside a node denial that "usually clears"),
		// and a registry mismatch explains only its own image's refusals.
		if into != nil && f.Severity <= into.Severity && (into.ID != PullSecretNoRegistryMatch || into.Reference == f.Reference) {
			into.Pods = unionSorted(into.Pods, f.Pods)
			into.Evidence = appendUnique(into.Evidence, f.Evidence...)
			continue
		}
		keep = append(keep, f)
	}
	out := make([]Finding, len(keep))
	for i, f := range keep {
		out[i] = *f
	}
	return out
}

// specificFor returns the finding, among those present, whose ID supersedes id.
// The supersedes table is walked in registry order so that the choice is stable.
func specificFor(id ID, present map[ID]*Finding) *Finding {
	for _, def := range Definitions {
		f, ok := present[def.ID]
		if !ok || def.ID == id {
			continue
		}
		for _, general := range supersedes[def.ID] {
			if general == id {
				return f
			}
		}
	}
	return nil
}

func mergeInto(have *Finding, f Finding) {
	have.Pods = unionSorted(have.Pods, f.Pods)
	have.Evidence = appendUnique(have.Evidence, f.Evidence...)
	if f.Reference != "" && !containsPart(have.Reference, f.Reference) {
		if have.Reference == "" {
			have.Reference = f.Reference
		} else {
			have.Reference += ", " + f.Reference
		}
	}
	if f.Severity > have.Severity {
		have.Severity = f.Severity
	}
	if have.Commands == nil {
		have.Commands = f.Commands
	}
}

func containsPart(list, part string) bool {
	for _, p := range strings.Split(list, ", ") {
		if p == part {
			return true
		}
	}
	return false
}

func unionSorted(a, b []string) []string {
	set := map[string]bool{}
	for _, s := range a {
		set[s] = true
	}
	for _, s := range b {
		set[s] = true
	}
	out := make([]string, 0, len(set))
	for s := range set {
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

func appendUnique(list []string, more ...string) []string {
	seen := make(map[string]bool, len(list))
	for _, s := range list {
		seen[s] = true
	}
	for _, s := range more {
		if !seen[s] {
			seen[s] = true
			list = append(list, s)
		}
	}
	return list
}

// dropCompletedJobs removes the findings of Jobs that have completed: a
// finished Job starts no pod again, so a Secret it read and that is gone
// since (a one-time migration credential) hinders nothing. A Job that
// failed keeps its findings: they say why it failed.
func (p *pass) dropCompletedJobs(findings []Finding) []Finding {
	out := findings[:0]
	for _, f := range findings {
		if w, ok := p.workloads.byKey[objectKey{f.Object.Kind, f.Namespace, f.Object.Name}]; ok && w.Completed {
			continue
		}
		out = append(out, f)
	}
	return out
}

// IgnoreAnnotation on a workload, a bare Pod or a Secret lists finding IDs
// (comma separated, or "*") that a team has accepted for it.
const IgnoreAnnotation = "secretscan.io/ignore"

// dropIgnored removes findings accepted by an IgnoreAnnotation on their
// workload or their Secret.
// Each one left out is named in a warning, so that a report never hides
// a root cause without a trace; an annotation naming an unknown ID is too.
func (p *pass) dropIgnored(findings []Finding) []Finding {
	out := findings[:0]
	for _, f := range findings {
		where := ""
		if w, ok := p.workloads.byKey[objectKey{f.Object.Kind, f.Namespace, f.Object.Name}]; ok && ignores(w.Annotations, f.ID) {
			where = fmt.Sprintf("%s %s/%s", w.Kind, w.Namespace, w.Name)
		} else if s, ok := p.idx.secrets[nsName{f.Namespace, f.Secret}]; ok && f.Secret != "" && ignores(s.Annotations, f.ID) {
			where = fmt.Sprintf("Secret %s/%s", s.Namespace, s.Name)
		}
		if where != "" {
			p.shared.warn(fmt.Sprintf("%s %s/%s left out: the %s annotation of %s accepts it", f.ID, f.Namespace, f.Object.Name, IgnoreAnnotation, where))
			continue
		}
		out = append(out, f)
	}
	for _, w := range p.workloads.list {
		p.checkIgnoreIDs(fmt.Sprintf("%s %s/%s", w.Kind, w.Namespace, w.Name), w.Annotations)
	}
	return out
}

// checkIgnoreIDs warns of IDs in an IgnoreAnnotation that name no finding.
func (p *pass) checkIgnoreIDs(owner string, annotations map[string]string) {
	list, ok := annotations[IgnoreAnnotation]
	if !ok {
		return
	}
	for _, part := range strings.Split(list, ",") {
		if part = strings.TrimSpace(part); part != "" && part != "*" {
			if _, known := Lookup(ID(part)); !known {
				p.shared.warn(fmt.Sprintf("the %s annotation of %s names %q, which is no finding ID (secretscan explain lists them)", IgnoreAnnotation, owner, clip(part, 60)))
			}
		}
	}
}

func ignores(annotations map[string]string, id ID) bool {
	list, ok := annotations[IgnoreAnnotation]
	if !ok {
		return false
	}
	for _, part := range strings.Split(list, ",") {
		part = strings.TrimSpace(part)
		if part == "*" || part == string(id) {
			return true
		}
	}
	return false
}
