// Package messages classifies the free text Kubernetes writes (event messages,
// container waiting/terminated messages, ReplicaFailure conditions, log lines)
// into structured signals about why a pod cannot get its Secrets.
//
// The wordings live in one table (patterns.go), one row per real variant; this
// file holds the types and the engine that runs the table.
package messages

import (
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/secretscan/secretscan/internal/text"
)

// Cause is what a message says went wrong.
type Cause string

const (
	SecretNotFound           Cause = "secret-not-found"            // secret "x" not found | secrets "x" not found (kubelet volume/env, apiserver)
	SecretKeyNotFound        Cause = "secret-key-not-found"        // couldn't find key K in Secret NS/NAME (env secretKeyRef)
	VolumeKeyNotFound        Cause = "volume-key-not-found"        // references non-existent secret key: K (secret/projected volume items[])
	SecretCacheSyncFailed    Cause = "secret-cache-sync-failed"    // failed to sync secret cache: timed out waiting for the condition
	ObjectNotRegistered      Cause = "object-not-registered"       // object "ns"/"name" not registered
	NodeForbidden            Cause = "node-forbidden"              // User "system:node:n" cannot get resource "secrets" ...: no relationship found between node 'n' and this object
	RBACForbidden            Cause = "rbac-forbidden"              // secrets "x" is forbidden: User "..." cannot get resource "secrets" ...
	ServiceAccountNotFound   Cause = "service-account-not-found"   // error looking up service account ns/sa: serviceaccount "sa" not found
	MountableSecretDenied    Cause = "mountable-secret-denied"     // ... is not allowed because service account sa does not reference that secret / imagePullSecret
	AdmissionDenied          Cause = "admission-denied"            // admission webhook "x" denied the request; pods "p" is forbidden: <policy text>
	PullSecretNotRetrieved   Cause = "pull-secret-not-retrieved"   // Unable to retrieve some image pull secrets (a, b); ...
	PullSecretUnparseable    Cause = "pull-secret-unparseable"     // unable to parse auth field ...; JSON errors from the kubelet keyring
	ImagePullAuthFailed      Cause = "image-pull-auth-failed"      // 401/403, pull access denied, no basic auth credentials, ...
	ImageNotFound            Cause = "image-not-found"             // "<ref>: not found", manifest unknown
	MountTimeout             Cause = "mount-timeout"               // Unable to attach or mount volumes: unmounted volumes=[...]: timed out ...
	TokenFetchFailed         Cause = "token-fetch-failed"          // failed to fetch token: ...; TokenRequest endpoints not enabled
	ConfigMapNotFound        Cause = "configmap-not-found"         // configmap "kube-root-ca.crt" not found (not a Secret problem)
	CSIClassNotFound         Cause = "csi-class-not-found"         // secretproviderclasses.secrets-store.csi.x-k8s.io "name" not found
	CSIClassNotSet           Cause = "csi-class-not-set"           // secretProviderClass is not set
	CSIProviderNotFound      Cause = "csi-provider-not-found"      // error connecting to provider "azure": provider not found
	CSIDriverNotRegistered   Cause = "csi-driver-not-registered"   // driver name X not found in the list of registered CSI drivers
	CSIProviderError         Cause = "csi-provider-error"          // failed to mount secrets store objects for pod ns/p, err: ...
	ExternalSecretFailed     Cause = "external-secret-failed"      // External Secrets Operator: could not get secret data from provider, ...
	SealedSecretUnsealFailed Cause = "sealed-secret-unseal-failed" // Failed to unseal: no key could decrypt secret (...); Resource "x" already exists ...

	// Causes beyond the brief: real wordings that must not be mistaken for
	// one of the above, or that name a Secret problem of their own.
	ConfigMapKeyNotFound       Cause = "configmap-key-not-found"       // couldn't find key K in ConfigMap ns/name; references non-existent config key
	NoKubeClient               Cause = "no-kube-client"                // couldn't get secret ns/name, no kubeClient defined (standalone kubelet)
	ServiceAccountTokenMissing Cause = "service-account-token-missing" // (< 1.24) no API token found for service account ns/sa, retry after ...
	CSISecretSyncFailed        Cause = "csi-secret-sync-failed"        // failed to get data in spc ns/spc for secret s, err: ... (FailedToCreateSecret)
	ImagePullFailed            Cause = "image-pull-failed"             // a pull that failed for a reason other than auth: x509, DNS, timeout, rate limit, bad name
)

// Signal is one failure a message reports, with the names it quotes.
type Signal struct {
	Cause          Cause
	Secret         string   // Secret name when the text names one
	Namespace      string   // namespace when the text names one
	Key            string   // missing key
	Volume         string   // pod volume name from `MountVolume.SetUp failed for volume "v"`
	Volumes        []string // MountTimeout: the unmounted volumes (one per signal, see Classify)
	Node           string   // NodeForbidden
	User           string   // RBACForbidden / NodeForbidden: the user string
	Verb           string   // RBACForbidden / NodeForbidden: get/list/watch...
	Resource       string   // RBACForbidden / NodeForbidden / AdmissionDenied: resource, e.g. secrets
	ServiceAccount string   // ServiceAccountNotFound / MountableSecretDenied / RBAC by a service account
	PullSecrets    []string // PullSecretNotRetrieved: the names listed
	Image          string   // image reference quoted in pull failures, when present
	Webhook        string   // AdmissionDenied by a webhook: its name
	Class          string   // CSI: SecretProviderClass name
	Provider       string   // CSI: provider name
	Detail         string   // short free text for evidence where no field fits; at most maxDetail bytes

	// Fields beyond the brief.
	ConfigMap string // ConfigMapNotFound / ConfigMapKeyNotFound / forbidden on configmaps: the ConfigMap name
	Object    string // ObjectNotRegistered: the object name; the text does not say whether it is a Secret or a ConfigMap
	Driver    string // CSIDriverNotRegistered: the CSI driver name
}

const (
	// maxDetail bounds Detail: it is evidence for a report line, not a log.
	maxDetail = 200
	// maxMessage bounds the text examined, so a pathological log line costs
	// bounded time; real event messages are a few hundred bytes, and a long log
	// line states its error near the start.
	maxMessage = 64 << 10
	// maxMatchesPerRow bounds the signals one row contributes per message:
	// a real aggregate lists a handful of errors, not thousands.
	maxMatchesPerRow = 64
)

// Classify returns every signal a message carries, in order of appearance; nil
// if the message says nothing about Secrets, service accounts, admission or
// image pulls.
//
// A message aggregating several errors ("[e1, e2]") yields several signals. So
// does a mount timeout naming several unmounted volumes: one MountTimeout per
// volume, each with Volume set and Volumes holding just that volume, so that
// callers ranging over either see every volume once.
func Classify(message string) []Signal {
	if len(message) > maxMessage {
		message = message[:maxMessage]
	}
	text := normalize(message)
	// lower has text's length, so a match in lower is sliced out of text.
	lower := asciiLower(text)

	hit := matcher.scan(lower)
	if hit.empty() {
		return nil
	}
	pullCtx := hit.intersects(pullMask)

	var cands []candidate
	for i := range patterns {
		p := &patterns[i]
		if !hit.has(p.kw) || (p.pull && !pullCtx) {
			continue
		}
		for _, loc := range p.re.FindAllStringSubmatchIndex(lower, maxMatchesPerRow) {
			if p.wordStart && loc[0] > 0 && isWordByte(lower[loc[0]-1]) {
				continue
			}
			m := match{text: text, loc: loc, names: p.names}
			s := Signal{Cause: p.cause}
			m.fill(&s)
			if p.fix != nil && !p.fix(&s, m) {
				continue
			}
			cands = append(cands, candidate{start: loc[0], end: loc[1], row: i, sig: s})
		}
	}
	if len(cands) == 0 {
		return nil
	}
	kept := resolveOverlaps(cands)
	kept = dropWrappers(text, kept)
	addDetails(text, kept)
	kept = mergeAdjacent(text, kept)
	kept = dropSoftAuth(text, kept)
	applyContexts(text, lower, hit, kept)

	out := make([]Signal, 0, len(kept))
	for i := range kept {
		out = append(out, expand(kept[i].sig)...)
	}
	for i := range out {
		sanitize(&out[i])
	}
	return out
}

// candidate is one row's match before the rows are reconciled.
type candidate struct {
	start, end int
	row        int // index in patterns: lower is more specific
	sig        Signal
	hard       bool // merged with a row that is not soft (see pattern.soft)
}

// normalize undoes the JSON escaping of quotes, so that names quoted as \"x\"
// (a message pasted from a JSON log line, even a doubly escaped one) match the
// same rows as "x".
func normalize(s string) string {
	if !strings.Contains(s, `\"`) {
		return s
	}
	s = strings.ReplaceAll(s, `\\\"`, `"`)
	return strings.ReplaceAll(s, `\"`, `"`)
}

// asciiLower lower-cases ASCII letters only: Kubernetes wordings are ASCII,
// and unlike strings.ToLower it keeps every byte offset (also of invalid UTF-8).
func asciiLower(s string) string {
	i := 0
	for i < len(s) && (s[i] < 'A' || s[i] > 'Z') {
		i++
	}
	if i == len(s) {
		return s
	}
	b := []byte(s)
	for ; i < len(b); i++ {
		if c := b[i]; 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

func isWordByte(c byte) bool {
	return c == '_' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

// resolveOverlaps keeps, wherever matches overlap, the one from the most
// specific row (earliest in the table), and returns the survivors in text order.
func resolveOverlaps(cands []candidate) []candidate {
	sort.SliceStable(cands, func(i, j int) bool {
		if cands[i].row != cands[j].row {
			return cands[i].row < cands[j].row
		}
		return cands[i].start < cands[j].start
	})
	// order holds indices into cands, sorted by start and free of overlaps, so
	// a newcomer can only collide with its two neighbours.
	var order []int32
	for ci, c := range cands {
		i := sort.Search(len(order), func(k int) bool { return cands[order[k]].start >= c.start })
		if i > 0 && cands[order[i-1]].end > c.start {
			continue
		}
		if i < len(order) && cands[order[i]].start < c.end {
			continue
		}
		order = append(order, 0)
		copy(order[i+1:], order[i:])
		order[i] = int32(ci)
	}
	kept := make([]candidate, len(order))
	for i, ci := range order {
		kept[i] = cands[ci]
		kept[i].hard = !patterns[kept[i].row].soft
	}
	return kept
}

// dropWrappers removes a wrapper ("pods "x" is forbidden:", "failed to fetch
// token:") when a more specific signal follows it directly: the inner error is
// the cause, the wrapper only says where it happened. What the wrapper knew
// (namespace, volume, image) passes to the inner signal.
func dropWrappers(text string, kept []candidate) []candidate {
	out := kept[:0]
	for i := 0; i < len(kept); i++ {
		c := kept[i]
		p := &patterns[c.row]
		if p.wrapper && i+1 < len(kept) && sameLine(text, c.end, kept[i+1].start) && isGlue(text[c.end:kept[i+1].start]) {
			next := &kept[i+1]
			fillEmpty(&next.sig.Namespace, c.sig.Namespace)
			fillEmpty(&next.sig.Volume, c.sig.Volume)
			fillEmpty(&next.sig.Image, c.sig.Image)
			if next.sig.Detail == "" && patterns[next.row].detail == detailNone {
				next.sig.Detail = p.passDetail
			}
			continue
		}
		out = append(out, c)
	}
	return out
}

// addDetails fills Detail for rows whose evidence is the text that follows
// them (the policy's reason, the provider's error), up to the end of the line
// or the next error of an aggregate.
func addDetails(text string, kept []candidate) {
	for i := range kept {
		c := &kept[i]
		p := &patterns[c.row]
		if p.detail == detailNone || c.sig.Detail != "" {
			fillEmpty(&c.sig.Detail, p.tag)
			continue
		}
		from, end := c.end, lineEnd(text, c.end)
		if rest := strings.TrimSpace(text[from:end]); p.detail == detailTail && end < len(text) &&
			(rest == ":" || rest == "" && strings.HasSuffix(text[c.start:c.end], ":")) {
			// "...: " and a line break: messages such as Kyverno's start their
			// explanation on the next line. Otherwise a line is a record of its own.
			from = end + len(text[end:]) - len(strings.TrimLeft(text[end:], " \t\r\n"))
			end = lineEnd(text, from)
		}
		// Stop at the next signal only where an aggregate starts a new error;
		// "err: secrets "x" not found" is part of this error's story.
		for j := i + 1; j < len(kept); j++ {
			if kept[j].start < from {
				continue
			}
			if kept[j].start >= end {
				break
			}
			gap := strings.TrimRight(text[from:kept[j].start], " ")
			if strings.HasSuffix(gap, ",") || strings.HasSuffix(gap, "[") {
				end = kept[j].start
				break
			}
		}
		if p.detail == detailMatch {
			c.sig.Detail = cleanDetail(text[c.start:c.end]+text[from:end], text)
		} else {
			c.sig.Detail = cleanDetail(text[from:end], text)
		}
		fillEmpty(&c.sig.Detail, p.tag)
	}
}

// mergeAdjacent joins signals of one cause that are links of one error chain
// ("pull access denied, ...: server message: insufficient_scope: authorization
// failed"): one failure, told by the most specific row.
func mergeAdjacent(text string, kept []candidate) []candidate {
	if len(kept) < 2 {
		return kept
	}
	out := kept[:1]
	for _, c := range kept[1:] {
		last := &out[len(out)-1]
		if last.sig.Cause == c.sig.Cause && sameLine(text, last.end, c.start) && isGlue(text[last.end:c.start]) && compatible(&last.sig, &c.sig) {
			base, other := *last, c
			if c.row < last.row {
				base, other = c, *last
			}
			mergeInto(&base.sig, &other.sig)
			base.start, base.end = last.start, c.end
			base.hard = last.hard || c.hard
			*last = base
			continue
		}
		out = append(out, c)
	}
	return out
}

// dropSoftAuth removes a pull "auth" signal built only from wordings that wrap
// any error ("failed to fetch anonymous token: ...") when the same line shows
// the real, non-auth cause (no such host, x509, rate limit).
func dropSoftAuth(text string, kept []candidate) []candidate {
	out := kept[:0]
	for i, c := range kept {
		if c.sig.Cause == ImagePullAuthFailed && !c.hard {
			drop := false
			for _, d := range kept[i+1:] {
				if !sameLine(text, c.end, d.start) {
					break
				}
				if d.sig.Cause == ImagePullFailed {
					drop = true
					break
				}
			}
			if drop {
				continue
			}
		}
		out = append(out, c)
	}
	return out
}

// applyContexts fills fields that the text states once for several signals:
// the volume of a FailedMount, the image of a pull failure, the namespace of
// "Couldn't get secret ns/name".
func applyContexts(text, lower string, hit keywordSet, kept []candidate) {
	found := make([][][]int, len(contexts))
	for ci := range contexts {
		cx := &contexts[ci]
		if !hit.has(cx.kw) {
			continue
		}
		for i := range kept {
			if cx.applies(kept[i].sig.Cause) {
				found[ci] = cx.re.FindAllStringSubmatchIndex(lower, maxMatchesPerRow)
				break
			}
		}
	}
	for i := range kept {
		c := &kept[i]
		ls, le := lineStart(text, c.start), lineEnd(text, c.start)
		for _, field := range contextFields {
			best, bestRank, bestDist := -1, 0, 0
			var bestLoc []int
			for ci := range contexts {
				cx := &contexts[ci]
				if cx.field != field || found[ci] == nil || !cx.applies(c.sig.Cause) {
					continue
				}
				for _, loc := range found[ci] {
					if loc[0] < ls || loc[0] >= le {
						continue
					}
					// Prefer the lowest rank, then the nearest mention before the
					// signal, then the first one after it.
					dist := c.start - loc[0]
					if dist < 0 {
						dist = 1<<30 - dist
					}
					if best < 0 || cx.rank < bestRank || (cx.rank == bestRank && dist < bestDist) {
						best, bestRank, bestDist, bestLoc = ci, cx.rank, dist, loc
					}
				}
			}
			if best >= 0 {
				cx := &contexts[best]
				cx.apply(&c.sig, match{text: text, loc: bestLoc, names: cx.names})
			}
		}
	}
}

// expand splits a mount timeout into one signal per unmounted volume.
func expand(s Signal) []Signal {
	if s.Cause != MountTimeout || len(s.Volumes) < 2 {
		return []Signal{s}
	}
	out := make([]Signal, 0, len(s.Volumes))
	for _, v := range s.Volumes {
		t := s
		t.Volume, t.Volumes = v, []string{v}
		out = append(out, t)
	}
	return out
}

// sanitize keeps every field valid UTF-8 and Detail short, whatever the input.
func sanitize(s *Signal) {
	for _, f := range []*string{&s.Secret, &s.Namespace, &s.Key, &s.Volume, &s.Node, &s.User, &s.Verb, &s.Resource,
		&s.ServiceAccount, &s.Image, &s.Webhook, &s.Class, &s.Provider, &s.Detail, &s.ConfigMap, &s.Object, &s.Driver} {
		if !utf8.ValidString(*f) {
			*f = strings.ToValidUTF8(*f, "\uFFFD")
		}
	}
	for _, l := range [][]string{s.Volumes, s.PullSecrets} {
		for i := range l {
			if !utf8.ValidString(l[i]) {
				l[i] = strings.ToValidUTF8(l[i], "\uFFFD")
			}
		}
	}
	s.Detail = truncate(s.Detail, maxDetail)
}

// truncate shortens s to at most n bytes, at a word boundary when one is near,
// and marks the cut with "...".
func truncate(s string, n int) string { return text.ClipWords(s, n) }

// isGlue reports whether the text between two matches only chains them:
// punctuation, whitespace, "rpc error: code = X desc = ", "err:", containerd's
// " - Server message: ". A bare comma is not glue: it separates the errors of
// an aggregate.
func isGlue(gap string) bool {
	if len(gap) > 80 {
		return false
	}
	g := strings.ToLower(gap)
	for {
		t := strings.TrimLeft(g, " \t:.\"'()-")
		switch {
		case t == "":
			return true
		case strings.HasPrefix(t, "rpc error: code = "):
			t = t[len("rpc error: code = "):]
			sp := strings.IndexByte(t, ' ')
			if sp < 0 {
				return false
			}
			t = strings.TrimPrefix(t[sp:], " desc = ")
		case strings.HasPrefix(t, "error:"):
			t = t[len("error:"):]
		case strings.HasPrefix(t, "err:"):
			t = t[len("err:"):]
		case strings.HasPrefix(t, "server message:"):
			t = t[len("server message:"):]
		case strings.HasPrefix(t, ", err:"), strings.HasPrefix(t, ", error:"):
			// "..., err: <cause>" chains a cause; a bare comma would separate errors.
			t = t[strings.IndexByte(t, ':')+1:]
		default:
			return false
		}
		g = t
	}
}

func sameLine(text string, from, to int) bool {
	if from > to {
		return false
	}
	return !strings.ContainsAny(text[from:to], "\n")
}

func lineStart(text string, pos int) int {
	return strings.LastIndexByte(text[:pos], '\n') + 1
}

func lineEnd(text string, pos int) int {
	if e := strings.IndexByte(text[pos:], '\n'); e >= 0 {
		return pos + e
	}
	return len(text)
}

// klogKey finds the next key="value" of a klog structured line.
var klogKey = regexp.MustCompile(`"\s+[A-Za-z_][\w.]*="`)

// cleanDetail trims a tail of text to the part worth quoting: no leading
// punctuation or gRPC prefix, no JSON or klog key=value residue after it.
func cleanDetail(s, whole string) string {
	s = strings.TrimLeft(s, " \t:;,.")
	for {
		t := strings.TrimLeft(s, " \t:")
		if strings.HasPrefix(strings.ToLower(t), "rpc error: code = ") {
			if i := strings.Index(t, " desc = "); i >= 0 {
				s = t[i+len(" desc = "):]
				continue
			}
		}
		s = t
		break
	}
	if e := strings.IndexAny(s, "\r\n"); e >= 0 {
		s = s[:e]
	}
	// Inside a JSON log line the message ends where the JSON string does.
	if strings.HasPrefix(strings.TrimSpace(whole), "{") {
		for _, end := range []string{`","`, `"}`, `", "`} {
			if e := strings.Index(s, end); e >= 0 {
				s = s[:e]
			}
		}
	}
	// In a klog structured line it ends before the next key="value".
	if loc := klogKey.FindStringIndex(s); loc != nil {
		s = s[:loc[0]]
	}
	s = strings.TrimRight(s, " \t,;:")
	if strings.Count(s, `"`)%2 == 1 && strings.HasSuffix(s, `"`) {
		s = strings.TrimRight(s[:len(s)-1], " \t,;:")
	}
	if strings.HasSuffix(s, "]") && strings.Count(s, "]") > strings.Count(s, "[") {
		s = strings.TrimRight(s[:len(s)-1], " \t,;:")
	}
	return truncate(s, maxDetail)
}

// match gives a row's fix function its named groups.
type match struct {
	text  string
	loc   []int
	names []string
}

// get returns the first non-empty group of that name (a row may spell one
// field in several alternatives).
func (m match) get(name string) string {
	for i, n := range m.names {
		if n != name || 2*i+1 >= len(m.loc) || m.loc[2*i] < 0 {
			continue
		}
		if v := m.text[m.loc[2*i]:m.loc[2*i+1]]; v != "" {
			return v
		}
	}
	return ""
}

// after returns the text that follows the match.
func (m match) after() string { return m.text[m.loc[1]:] }

// fill copies the groups named after Signal fields.
func (m match) fill(s *Signal) {
	for i, n := range m.names {
		if n == "" || m.loc[2*i] < 0 {
			continue
		}
		v := m.text[m.loc[2*i]:m.loc[2*i+1]]
		if v == "" {
			continue
		}
		switch n {
		case "secret":
			fillEmpty(&s.Secret, v)
		case "ns":
			fillEmpty(&s.Namespace, v)
		case "key":
			fillEmpty(&s.Key, v)
		case "volume":
			fillEmpty(&s.Volume, v)
		case "node":
			fillEmpty(&s.Node, v)
		case "user":
			fillEmpty(&s.User, v)
		case "verb":
			fillEmpty(&s.Verb, strings.ToLower(v))
		case "resource":
			fillEmpty(&s.Resource, v)
		case "sa":
			fillEmpty(&s.ServiceAccount, v)
		case "image":
			fillEmpty(&s.Image, v)
		case "webhook":
			fillEmpty(&s.Webhook, v)
		case "class":
			fillEmpty(&s.Class, v)
		case "provider":
			fillEmpty(&s.Provider, v)
		case "detail":
			fillEmpty(&s.Detail, strings.TrimSpace(v))
		case "configmap":
			fillEmpty(&s.ConfigMap, v)
		case "object":
			fillEmpty(&s.Object, v)
		case "driver":
			fillEmpty(&s.Driver, v)
		case "pullsecrets":
			if s.PullSecrets == nil {
				s.PullSecrets = splitNames(v)
			}
		}
	}
}

// splitNames splits "a, b" or "a b" and drops a namespace prefix ("ns/a").
func splitNames(v string) []string {
	var out []string
	for _, f := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' }) {
		if i := strings.LastIndexByte(f, '/'); i >= 0 {
			f = f[i+1:]
		}
		if f != "" {
			out = append(out, f)
		}
	}
	return out
}

func fillEmpty(dst *string, v string) {
	if *dst == "" {
		*dst = v
	}
}

// compatible reports whether two signals can be one failure: no field that
// both name differs.
func compatible(a, b *Signal) bool {
	pairs := [][2]string{{a.Secret, b.Secret}, {a.Namespace, b.Namespace}, {a.Key, b.Key}, {a.Volume, b.Volume},
		{a.Node, b.Node}, {a.User, b.User}, {a.Verb, b.Verb}, {a.Resource, b.Resource}, {a.ServiceAccount, b.ServiceAccount},
		{a.Image, b.Image}, {a.Webhook, b.Webhook}, {a.Class, b.Class}, {a.Provider, b.Provider},
		{a.ConfigMap, b.ConfigMap}, {a.Object, b.Object}, {a.Driver, b.Driver}}
	for _, p := range pairs {
		if p[0] != "" && p[1] != "" && p[0] != p[1] {
			return false
		}
	}
	return true
}

func mergeInto(dst, src *Signal) {
	fillEmpty(&dst.Secret, src.Secret)
	fillEmpty(&dst.Namespace, src.Namespace)
	fillEmpty(&dst.Key, src.Key)
	fillEmpty(&dst.Volume, src.Volume)
	fillEmpty(&dst.Node, src.Node)
	fillEmpty(&dst.User, src.User)
	fillEmpty(&dst.Verb, src.Verb)
	fillEmpty(&dst.Resource, src.Resource)
	fillEmpty(&dst.ServiceAccount, src.ServiceAccount)
	fillEmpty(&dst.Image, src.Image)
	fillEmpty(&dst.Webhook, src.Webhook)
	fillEmpty(&dst.Class, src.Class)
	fillEmpty(&dst.Provider, src.Provider)
	fillEmpty(&dst.Detail, src.Detail)
	fillEmpty(&dst.ConfigMap, src.ConfigMap)
	fillEmpty(&dst.Object, src.Object)
	fillEmpty(&dst.Driver, src.Driver)
	if dst.Volumes == nil {
		dst.Volumes = src.Volumes
	}
	if dst.PullSecrets == nil {
		dst.PullSecrets = src.PullSecrets
	}
}
