package messages

import (
	"fmt"
	"regexp"
	"regexp/syntax"
	"strings"
	"unicode"
)

// detailMode says where a row's Detail comes from when no "detail" group or
// fix function sets it.
type detailMode int

const (
	detailNone  detailMode = iota // Detail = tag
	detailTail                    // Detail = the text after the match (the reason it wraps)
	detailMatch                   // Detail = the match itself and the text after it
)

// pattern is one row of the table: a real wording and how its text maps to a
// Signal. Named groups fill the Signal field of the same name (see match.fill);
// fix handles what a group cannot say.
type pattern struct {
	cause Cause
	// keyword is a lower-case literal every match contains: the regexp runs
	// only on messages that contain it, which keeps Classify cheap.
	keyword string
	expr    string
	// pull rows run only on a message about an image pull: "401 Unauthorized"
	// or "no such host" elsewhere is not about registry credentials.
	pull bool
	// tag is Detail when nothing more specific is found: which wording matched.
	tag    string
	detail detailMode
	// wrapper rows ("failed to fetch token:", "pods "x" is forbidden:") give
	// way to a more specific signal that directly follows them.
	wrapper bool
	// passDetail is handed to the inner signal when a wrapper gives way.
	passDetail string
	// soft pull-auth rows wrap any error (also DNS or TLS ones), so alone they
	// do not prove that credentials were the problem.
	soft bool
	fix  func(*Signal, match) bool

	re        *regexp.Regexp
	names     []string
	kw        int  // index in keywords
	wordStart bool // the expression began with \b, checked in code (see compileFolded)
}

// Placeholders keep the table readable: Kubernetes quotes names with "x",
// older node-authorizer code with 'x', and unquoted names appear as ns/name.
var placeholders = strings.NewReplacer(
	"{Q}", `["']`, // a quote: "x" (%q), 'x' (newer node authorizer), \"x\" after normalize
	"{N}", `[^"'\s]+`, // an object name inside quotes
	"{K}", `[a-z0-9](?:[-._a-z0-9]*[a-z0-9])?`, // an unquoted object name (ns/name): no trailing punctuation
	"{KEY}", `[-._a-z0-9]*[-_a-z0-9]`, // a data key or env var name
)

// forbiddenExpr is the apiserver's forbidden message in all its ages:
//
//	secrets "x" is forbidden: User "u" cannot get resource "secrets" in API group "" in the namespace "ns"[: reason]   (1.11+)
//	secrets is forbidden: User "u" cannot list resource "secrets" in API group "" at the cluster scope                  (no name: list/watch)
//	secrets "x" is forbidden: User "u" cannot get secrets in the namespace "ns".: "no path found to object"             (1.7-1.10)
//	... cannot get secrets in project "ns"                                                                                (OpenShift 3)
//
// The node authorizer's reasons are part of the row so that the standalone
// reason rows below do not split one message into two signals.
const forbiddenExpr = `(?:(?P<res0>[a-z0-9][-a-z0-9.]*(?:/[a-z]+)?)(?: {Q}(?P<name>[^"'\s]*){Q})? is forbidden: )?` +
	`User {Q}(?P<user>[^"'\n]*){Q} cannot (?P<verb>[a-z]+) ` +
	`(?:resource {Q}(?P<resource>[^"'\s]*){Q}(?: in API group {Q}[^"'\s]*{Q})?|(?P<resource>[a-z][-a-z0-9.]*(?:/[a-z]+)?))` +
	`(?: in the namespace {Q}(?P<ns>[^"'\s]*){Q}| in project {Q}(?P<ns>[^"'\s]*){Q}| at the cluster scope)?` +
	`(?:\.?: {Q}?(?:node: )?(?P<reason>no relationship found between node {Q}?(?P<node>[^"'\s]+?){Q}? and this object|` +
	`no path found to object|unknown node for user {Q}[^"'\n]*{Q}|can only read resources of this type|no object name found){Q}?)?`

// kubeletPullPrefix is what the kubelet writes right before its own pull
// error (as opposed to the container runtime's).
const kubeletPullPrefix = `(?:failed to pull image {Q}[^"'\s]*{Q}|ErrImagePull): `

// patterns is the one table. Order matters: where matches overlap, the earlier
// (more specific) row wins, and among pull-auth links of one error chain the
// earlier row names the failure.
var patterns = []pattern{
	// --- 1g ServiceAccount admission. These sit inside `pods "x" is forbidden:`,
	// so they come before the generic forbidden wrapper further down.
	{cause: ServiceAccountNotFound, keyword: "error looking up service account",
		expr: `error looking up service account (?P<ns>{K})/(?P<sa>{K}): serviceaccounts? {Q}{N}{Q} not found`},
	// The lookup failed for another reason: the pod is still refused.
	{cause: AdmissionDenied, keyword: "error looking up service account",
		expr: `error looking up service account (?P<ns>{K})/(?P<sa>{K})`, detail: detailMatch},
	// Before 1.24 admission refused pods until the token Secret existed.
	{cause: ServiceAccountTokenMissing, keyword: "no api token found for service account",
		expr: `no API token found for service account (?:{Q}(?P<sa>[^"'\s]+){Q}|(?P<ns>{K})/(?P<sa>{K})|(?P<sa>{K}))`, fix: splitServiceAccount},
	{cause: MountableSecretDenied, keyword: "does not reference that secret",
		expr: `(?:(?P<where>(?:init |ephemeral )?container \S+ with (?:envVar \S+|envFrom)) referencing |(?P<vol>volume) with )?` +
			`secret\.secretName={Q}(?P<secret>[^"'\s]*){Q} is not allowed because service account (?P<sa>{K}) does not reference that secret`,
		fix: mountableWhere},
	{cause: MountableSecretDenied, keyword: "does not reference that imagepullsecret", tag: "imagePullSecret",
		expr: `imagePullSecrets\[\d+\]\.name={Q}(?P<pullsecrets>(?P<secret>[^"'\s]*)){Q} is not allowed because service account (?P<sa>{K}) does not reference that imagePullSecret`},

	// --- Admission webhooks and policies (any Forbidden on pod creation).
	{cause: AdmissionDenied, keyword: "admission webhook", detail: detailTail,
		expr: `admission webhook {Q}(?P<webhook>[^"'\n]+){Q} denied the request(?P<detail> without explanation)?`},
	// failurePolicy: Fail and the webhook is down: the pod is refused all the same.
	{cause: AdmissionDenied, keyword: "failed calling webhook", detail: detailMatch,
		expr: `failed calling webhook {Q}(?P<webhook>[^"'\n]+){Q}`},
	{cause: AdmissionDenied, keyword: "validatingadmissionpolicy", detail: detailMatch,
		expr: `ValidatingAdmissionPolicy {Q}[^"'\n]+{Q} with binding {Q}[^"'\n]+{Q} denied request`},

	// --- 1e/1f apiserver authorization: RBAC or the node authorizer (fix decides).
	{cause: RBACForbidden, keyword: " cannot ", expr: forbiddenExpr, detail: detailTail, fix: forbiddenCause},
	// The node authorizer's reason alone (a log line that kept only the cause).
	{cause: NodeForbidden, keyword: "no relationship found between node", detail: detailMatch,
		expr: `no relationship found between node {Q}?(?P<node>[^"'\s]+?){Q}? and this object`},
	{cause: NodeForbidden, keyword: "no path found to object", detail: detailMatch,
		expr: `no path found to object`},
	// `pods "x" is forbidden: <policy text>`: PodSecurity, ResourceQuota,
	// LimitRanger, NamespaceLifecycle... Gives way to the SA rows above. The
	// quoted name (admission always has one, at least the generateName) keeps
	// application prose such as "access to /admin is forbidden:" out.
	{cause: AdmissionDenied, keyword: "is forbidden", wrapper: true, detail: detailTail, fix: admissionResource,
		expr: `(?P<resource>[a-z0-9][-a-z0-9.]*) {Q}(?P<name>[^"'\s]*){Q} is forbidden:`},

	// --- 1a-1c kubelet: Secret volumes, projected volumes, env.
	{cause: SecretKeyNotFound, keyword: "find key",
		expr: `couldn't find key (?P<key>{KEY}) in Secret (?P<ns>{K})/(?P<secret>{K})`},
	{cause: ConfigMapKeyNotFound, keyword: "find key",
		expr: `couldn't find key (?P<key>{KEY}) in ConfigMap (?P<ns>{K})/(?P<configmap>{K})`},
	{cause: NoKubeClient, keyword: "no kubeclient defined",
		expr: `couldn't get secret (?P<ns>{K})/(?P<secret>{K}), no kubeClient defined`},
	{cause: VolumeKeyNotFound, keyword: "non-existent secret key",
		expr: `references non-existent secret key: (?P<key>{KEY})`},
	{cause: ConfigMapKeyNotFound, keyword: "non-existent config key",
		expr: `references non-existent config key: (?P<key>{KEY})`},
	{cause: SecretCacheSyncFailed, keyword: "failed to sync secret cache", detail: detailTail,
		expr: `failed to sync secret cache\b`},
	{cause: ObjectNotRegistered, keyword: "not registered",
		expr: `\bobject {Q}(?P<ns>[^"'\s]*){Q}/{Q}(?P<object>{N}){Q} not registered`},

	// --- 1h service-account tokens.
	{cause: TokenFetchFailed, keyword: "tokenrequest endpoints", detail: detailMatch,
		expr: `the API server does not have TokenRequest endpoints enabled`},
	{cause: TokenFetchFailed, keyword: "failed to fetch token", wrapper: true, passDetail: "failed to fetch token", detail: detailTail,
		expr: `failed to fetch token\b`},

	// --- 1a mount timeout (pre-1.32 kubelets; 1.10 and older said "list of unmounted volumes").
	{cause: MountTimeout, keyword: "unmounted volumes=", detail: detailTail, fix: mountTimeoutVolumes,
		expr: `(?:unable to attach or mount volumes: |unable to mount volumes for pod {Q}[^"'\n]*{Q}: timeout expired waiting for volumes to attach or mount for pod {Q}(?P<ns>[^"'\s]*){Q}/{Q}[^"'\s]*{Q}\. list of )?` +
			`unmounted volumes=\[(?P<vols>[^\]\n]*)\](?:[.,]? (?:list of )?unattached volumes=\[[^\]\n]*\])?(?:[.,]? failed to process volumes=\[(?P<failed>[^\]\n]*)\])?`},

	// --- 1d image pull Secrets. Before the NotFound rows: the klog line quotes
	// `secret "x" not found`, and that is this signal's name, not another signal.
	{cause: PullSecretNotRetrieved, keyword: "image pull secrets",
		expr: `unable to retrieve some image pull secrets \((?P<pullsecrets>[^)\n]*)\)`},
	// The kubelet's klog line (secret="" because the lookup returned nil): the
	// name is only in err, which this row consumes so it is one signal.
	{cause: PullSecretNotRetrieved, keyword: "unable to retrieve pull secret",
		expr: `unable to retrieve pull secret, the image pull may not succeed\.?{Q}?(?: pod={Q}(?P<ns>{K})/[^"'\s]*{Q})?(?: secret={Q}(?P<pullsecrets>[^"'\s]*){Q})?` +
			`(?: err={Q}?secrets? {Q}(?P<pullsecrets>{N}){Q} not found{Q}?)?`},
	// Kubelets before 1.20 logged with Warningf.
	{cause: PullSecretNotRetrieved, keyword: "unable to retrieve pull secret",
		expr: `unable to retrieve pull secret (?P<ns>{K})/(?P<pullsecrets>{K}) for \S+ due to (?P<detail>[^\n]*?)\.\s+the image pull may not succeed`},

	// --- NotFound, singular (kubelet watch manager) and plural (apiserver).
	// The word boundary keeps "externalsecrets.external-secrets.io "x"" and
	// "sealedsecrets..." out: those are not Secrets.
	{cause: ConfigMapNotFound, keyword: "not found", expr: `\bconfigmaps? {Q}(?P<configmap>{N}){Q} not found`},
	{cause: SecretNotFound, keyword: "not found", expr: `\bsecrets? {Q}(?P<secret>{N}){Q} not found`},
	{cause: ServiceAccountNotFound, keyword: "not found", expr: `\bserviceaccounts? {Q}(?P<sa>{N}){Q} not found`},

	// --- 1i Secrets Store CSI driver. Real events spell the resource
	// "SecretProviderClass.secrets-store..." too, hence (?i) everywhere.
	{cause: CSIClassNotFound, keyword: "not found",
		expr: `\bsecretproviderclass(?:es)?(?:\.secrets-store\.csi\.x-k8s\.io)? {Q}(?P<class>{N}){Q} not found`},
	{cause: CSIProviderError, keyword: "failed to get secretproviderclass", wrapper: true, detail: detailTail,
		expr: `failed to get secretproviderclass (?P<ns>{K})/(?P<class>{K}),? error:`},
	{cause: CSIClassNotSet, keyword: "secretproviderclass is not set", expr: `secretProviderClass is not set`},
	{cause: CSIProviderNotFound, keyword: "provider not found",
		expr: `error connecting to provider {Q}(?P<provider>{N}){Q}: provider not found(?:: provider {Q}{N}{Q})?`},
	{cause: CSIProviderNotFound, keyword: "provider not found",
		expr: `provider not found: provider {Q}(?P<provider>{N}){Q}`},
	{cause: CSIProviderError, keyword: "error connecting to provider", detail: detailTail,
		expr: `error connecting to provider {Q}(?P<provider>{N}){Q}`},
	{cause: CSIDriverNotRegistered, keyword: "registered csi drivers",
		expr: `driver name (?P<driver>[^\s:]+) not found in the list of registered CSI drivers`},
	{cause: CSIProviderError, keyword: "mount request failed with provider error code", detail: detailMatch,
		expr: `mount request failed with provider error code \S+`},
	{cause: CSIProviderError, keyword: "failed to mount secrets store objects", wrapper: true, detail: detailTail,
		expr: `failed to mount secrets store objects for pod (?P<ns>{K})/{K},? err(?:or)?:`},
	// The sync controller's FailedToCreateSecret event (secretObjects).
	{cause: CSISecretSyncFailed, keyword: "failed to get data in spc", detail: detailTail,
		expr: `failed to get data in spc (?P<ns>{K})/(?P<class>{K}) for secret (?P<secret>{K}),? err:`},

	// --- 1i External Secrets Operator: condition messages and UpdateFailed events.
	{cause: ExternalSecretFailed, keyword: "data[", detail: detailMatch,
		expr: `error (?:processing spec\.data|retrieving secret at \.data)\[\d+\](?: \(key: (?P<key>[^)\n]*)\))?`},
	{cause: ExternalSecretFailed, keyword: "could not", detail: detailMatch,
		expr: `could not (?:get secret data from provider|update secret, target is immutable|update secret|delete orphaned secrets|delete secret)\b`},
	{cause: ExternalSecretFailed, keyword: "secretstore", detail: detailMatch,
		expr: `could not get (?:Cluster)?SecretStore {Q}{N}{Q}`},
	{cause: ExternalSecretFailed, keyword: "is not ready", detail: detailMatch,
		expr: `\b(?:Cluster)?SecretStore {Q}{N}{Q} is not ready`},
	{cause: ExternalSecretFailed, keyword: "secretsyncederror", tag: "SecretSyncedError",
		expr: `\bSecretSyncedError\b`},

	// --- 1i Sealed Secrets controller.
	{cause: SealedSecretUnsealFailed, keyword: "no key could decrypt", detail: detailMatch,
		expr: `no key could decrypt secret(?: chunk)?(?: \([^)\n]*\))?`},
	{cause: SealedSecretUnsealFailed, keyword: "not managed by sealedsecret", tag: "already exists and is not managed by SealedSecret",
		expr: `Resource {Q}(?P<secret>{N}){Q} already exists and is not managed by SealedSecret`},
	{cause: SealedSecretUnsealFailed, keyword: "failed to unseal", wrapper: true, detail: detailTail,
		expr: `failed to unseal\b`},

	// --- 1d pull Secret contents the kubelet cannot use.
	{cause: PullSecretUnparseable, keyword: "unable to parse auth field", tag: "unable to parse auth field",
		expr: `unable to parse auth field, must be formatted as base64\(username:password\)`},
	// A pull Secret with bad JSON fails the pull with the JSON error itself,
	// right after the kubelet's prefix (a registry's bad JSON comes wrapped in
	// runtime wording instead). One row per error so each has its own keyword.
	{cause: PullSecretUnparseable, keyword: "invalid character", pull: true,
		expr: kubeletPullPrefix + `(?P<detail>invalid character '[^'\n]*' [a-z ]+)`},
	{cause: PullSecretUnparseable, keyword: "unexpected end of json input", pull: true,
		expr: kubeletPullPrefix + `(?P<detail>unexpected end of JSON input)`},
	{cause: PullSecretUnparseable, keyword: "json: cannot unmarshal", pull: true,
		expr: kubeletPullPrefix + `(?P<detail>json: cannot unmarshal \S+ into Go (?:value of type|struct field) \S+)`},
	{cause: PullSecretUnparseable, keyword: "illegal base64 data", pull: true,
		expr: kubeletPullPrefix + `(?P<detail>illegal base64 data at input byte \d+)`},

	// --- 1d pull auth failures, containerd / CRI-O (containers/image) / dockershim.
	// Ordered by what the tag tells the reader: no credentials sent, then
	// credentials rejected, then access denied, then a bare status.
	{cause: ImagePullAuthFailed, keyword: "no basic auth credentials", pull: true, tag: "no basic auth credentials",
		expr: `(?:authorization failed: )?no basic auth credentials`},
	{cause: ImagePullAuthFailed, keyword: "failed to fetch anonymous token", pull: true, soft: true, tag: "failed to fetch anonymous token",
		expr: `failed to fetch anonymous token`},
	{cause: ImagePullAuthFailed, keyword: "invalid username/password", pull: true, tag: "invalid username/password",
		expr: `(?:unable to retrieve auth token: )?invalid username/password`},
	{cause: ImagePullAuthFailed, keyword: "failed to fetch oauth token", pull: true, soft: true, tag: "failed to fetch oauth token",
		expr: `failed to fetch oauth token`},
	{cause: ImagePullAuthFailed, keyword: "pull access denied", pull: true, tag: "pull access denied",
		expr: `pull access denied(?: for [^,\s]+)?, repository does not exist or may require (?:authorization|{Q}?docker login{Q}?)`},
	{cause: ImagePullAuthFailed, keyword: "insufficient_scope", pull: true, tag: "insufficient_scope",
		expr: `(?:server message: )?insufficient_scope(?:: authorization failed)?`},
	{cause: ImagePullAuthFailed, keyword: "requested access to the resource is denied", pull: true, tag: "requested access to the resource is denied",
		expr: `(?:denied: )?requested access to the resource is denied`},
	{cause: ImagePullAuthFailed, keyword: "no pull access", pull: true, tag: "no pull access",
		expr: `(?:repository \S+ not found: )?does not exist or no pull access`},
	{cause: ImagePullAuthFailed, keyword: "401", pull: true, tag: "401 Unauthorized",
		expr: `(?:unexpected status(?: from [a-z]+ request to \S+| code \S+)?: |pulling from host \S+ failed with status code \[[^\]\n]*\]: )?401 Unauthorized|\bstatus(?: code)?:? 401\b`},
	{cause: ImagePullAuthFailed, keyword: "403", pull: true, tag: "403 Forbidden",
		expr: `(?:unexpected status(?: from [a-z]+ request to \S+| code \S+)?: |pulling from host \S+ failed with status code \[[^\]\n]*\]: )?403 Forbidden|\bstatus(?: code)?:? 403\b`},
	// The registry's own error code (distribution spec UNAUTHORIZED / DENIED).
	{cause: ImagePullAuthFailed, keyword: "unauthorized:", pull: true, tag: "unauthorized",
		expr: `\bunauthorized: `},
	{cause: ImagePullAuthFailed, keyword: "denied: ", pull: true, tag: "denied",
		expr: `\bdenied: `},
	{cause: ImagePullAuthFailed, keyword: "authorization failed", pull: true, tag: "authorization failed",
		expr: `\bauthorization failed\b`},
	{cause: ImagePullAuthFailed, keyword: "failed to authorize", pull: true, soft: true, tag: "failed to authorize",
		expr: `failed to authorize\b`},
	{cause: ImagePullAuthFailed, keyword: "unable to retrieve auth token", pull: true, soft: true, tag: "unable to retrieve auth token",
		expr: `unable to retrieve auth token`},

	// --- Image does not exist.
	{cause: ImageNotFound, keyword: "manifest unknown", pull: true, tag: "manifest unknown",
		expr: `(?:manifest for \S+ not found: )?manifest unknown(?:: manifest unknown)?`},
	{cause: ImageNotFound, keyword: "name unknown", pull: true, tag: "name unknown",
		expr: `\bname unknown\b`},
	// containerd's "<ref>: not found"; the ref itself comes from the contexts.
	{cause: ImageNotFound, keyword: ": not found", pull: true, tag: "not found",
		expr: `: not found\b`},
	{cause: ImageNotFound, keyword: "not found", pull: true, tag: "not found",
		expr: `\bimage [^\s"']+ not found\b`},

	// --- Pull failures that are not about credentials: reported so that a
	// missing pull Secret is not blamed for a TLS or network problem.
	{cause: ImagePullFailed, keyword: "x509", pull: true, tag: "x509",
		expr: `(?:tls: failed to verify certificate: )?x509: `},
	{cause: ImagePullFailed, keyword: "no such host", pull: true, tag: "no such host", expr: `no such host`},
	{cause: ImagePullFailed, keyword: "i/o timeout", pull: true, tag: "i/o timeout", expr: `i/o timeout`},
	{cause: ImagePullFailed, keyword: "tls handshake timeout", pull: true, tag: "tls handshake timeout", expr: `tls handshake timeout`},
	{cause: ImagePullFailed, keyword: "connection refused", pull: true, tag: "connection refused", expr: `connection refused`},
	{cause: ImagePullFailed, keyword: "connection reset by peer", pull: true, tag: "connection reset", expr: `connection reset by peer`},
	{cause: ImagePullFailed, keyword: "toomanyrequests", pull: true, tag: "toomanyrequests", expr: `\btoomanyrequests\b`},
	{cause: ImagePullFailed, keyword: "429", pull: true, tag: "toomanyrequests", expr: `\b429 Too Many Requests`},
	{cause: ImagePullFailed, keyword: "http response to https client", pull: true, tag: "http response to https client",
		expr: `server gave HTTP response to HTTPS client`},
	{cause: ImagePullFailed, keyword: "deadline exceeded", pull: true, tag: "deadline exceeded", expr: `context deadline exceeded`},
	// 1j InvalidImageName and ErrImageNeverPull.
	{cause: ImagePullFailed, keyword: "default image tag", tag: "invalid image name",
		expr: `failed to apply default image tag`},
	{cause: ImagePullFailed, keyword: "is not present with pull policy of never", tag: "not present, pull policy Never",
		expr: `is not present with pull policy of Never`},
}

// pullContextWords mark a message about an image pull (kubelet, containerd,
// CRI-O, dockershim wordings); pull rows run only when one is present.
var pullContextWords = []string{
	"pull image", "pulling image", "pull and unpack", "pull access", "pulling from host", "image pull",
	"errimagepull", "imagepullbackoff", "resolve reference", "initializing source", "reading manifest",
	"error response from daemon", "anonymous token", "oauth token", "failed to authorize", "manifest for",
}

// pullCauses are the causes an image reference belongs to.
func pullCause(c Cause) bool {
	switch c {
	case ImagePullAuthFailed, ImageNotFound, ImagePullFailed, PullSecretUnparseable:
		return true
	}
	return false
}

// volumeCause: a FailedMount's volume name belongs to whatever it reports,
// except pull failures and mount timeouts (which list their own volumes).
func volumeCause(c Cause) bool {
	return !pullCause(c) && c != MountTimeout && c != PullSecretNotRetrieved
}

func csiCause(c Cause) bool {
	switch c {
	case CSIClassNotFound, CSIClassNotSet, CSIProviderNotFound, CSIProviderError, CSISecretSyncFailed:
		return true
	}
	return false
}

// secretRefCause: "Couldn't get secret ns/name: <err>" names the Secret behind these.
func secretRefCause(c Cause) bool {
	switch c {
	case SecretNotFound, SecretCacheSyncFailed, ObjectNotRegistered, NodeForbidden, RBACForbidden:
		return true
	}
	return false
}

// context is a mention that fills a field of the signals on its line: the
// volume of a FailedMount, the image of a pull, the Secret a kubelet log line
// was getting. Among several on one line the lowest rank wins, then the
// nearest before the signal.
type context struct {
	field   string
	rank    int
	keyword string
	expr    string
	applies func(Cause) bool
	apply   func(*Signal, match)

	re    *regexp.Regexp
	names []string
	kw    int // index in keywords
}

// contextFields are the fields contexts fill, each at most once per signal.
var contextFields = []string{"volume", "image", "secretref", "podns"}

func setVolume(s *Signal, m match) { fillEmpty(&s.Volume, m.get("v")) }
func setImage(s *Signal, m match)  { fillEmpty(&s.Image, m.get("v")) }

var contexts = []context{
	// Kubelets before 1.9 named the volume by its unique name and gave the pod's name as spec.Name.
	{field: "volume", rank: 0, keyword: "spec.name", applies: volumeCause, apply: setVolume,
		expr: `\(spec\.Name: {Q}(?P<v>{N}){Q}\)`},
	{field: "volume", rank: 1, keyword: "for volume", applies: volumeCause, apply: setVolume,
		expr: `for volume {Q}(?P<v>{N}){Q}`},
	// The kubelet's own spelling of the image is the pod spec's: prefer it to
	// the runtime's normalized "docker.io/library/..." form.
	{field: "image", rank: 0, keyword: "pull image", applies: pullCause, apply: setImage,
		expr: `pull image {Q}(?P<v>{N}){Q}`}, // Failed to pull image "x"
	{field: "image", rank: 0, keyword: "pulling image", applies: pullCause, apply: setImage,
		expr: `pulling image {Q}(?P<v>{N}){Q}`}, // Back-off pulling image "x"
	{field: "image", rank: 0, keyword: "default image tag", applies: pullCause, apply: setImage,
		expr: `failed to apply default image tag {Q}(?P<v>{N}){Q}`},
	{field: "image", rank: 0, keyword: "container image", applies: pullCause, apply: setImage,
		expr: `container image {Q}(?P<v>{N}){Q}`},
	{field: "image", rank: 1, keyword: " image=", applies: pullCause, apply: setImage,
		expr: ` image={Q}(?P<v>{N}){Q}`}, // klog structured key
	{field: "image", rank: 2, keyword: "pull and unpack image", applies: pullCause, apply: setImage,
		expr: `failed to pull and unpack image {Q}(?P<v>{N}){Q}`},
	{field: "image", rank: 2, keyword: "resolve reference", applies: pullCause, apply: setImage,
		expr: `failed to resolve reference {Q}(?P<v>{N}){Q}`},
	{field: "image", rank: 2, keyword: "initializing source", applies: pullCause, apply: setImage,
		expr: `initializing source docker://(?P<v>\S+?):\s`},
	{field: "image", rank: 3, keyword: "pull access denied for", applies: pullCause, apply: setImage,
		expr: `pull access denied for (?P<v>[^,\s]+),`},
	{field: "image", rank: 3, keyword: "manifest for", applies: pullCause, apply: setImage,
		expr: `manifest for (?P<v>\S+) not found`},
	{field: "image", rank: 3, keyword: "reading manifest", applies: pullCause, apply: manifestImage,
		expr: `reading manifest (?P<ref>\S+) in (?P<v>\S+?):\s`},
	{field: "secretref", rank: 0, keyword: "couldn't get secret", applies: secretRefCause, apply: secretRef,
		expr: `couldn't get secret (?P<ns>{K})/(?P<name>{K})`},
	{field: "podns", rank: 0, keyword: "for pod", applies: csiCause,
		apply: func(s *Signal, m match) { fillEmpty(&s.Namespace, m.get("ns")) },
		expr:  `for pod (?P<ns>{K})/{K}`},
}

// keywords are the distinct keywords of rows, contexts and pullContextWords;
// matcher finds them all in one pass over a message.
var (
	keywords []string
	matcher  *keywordMatcher
	pullMask keywordSet
)

func init() {
	index := map[string]int{}
	keyword := func(w string) int {
		if w == "" || w != strings.ToLower(w) {
			panic(fmt.Sprintf("messages: keyword %q must be non-empty lower case", w))
		}
		k, ok := index[w]
		if !ok {
			k = len(keywords)
			index[w] = k
			keywords = append(keywords, w)
		}
		return k
	}
	for i := range patterns {
		p := &patterns[i]
		p.re, p.wordStart = compileFolded(p.expr)
		p.names = p.re.SubexpNames()
		p.kw = keyword(p.keyword)
	}
	for i := range contexts {
		cx := &contexts[i]
		var wordStart bool
		cx.re, wordStart = compileFolded(cx.expr)
		if wordStart {
			panic("messages: a context cannot start with \\b")
		}
		cx.names = cx.re.SubexpNames()
		cx.kw = keyword(cx.keyword)
	}
	for _, w := range pullContextWords {
		pullMask.add(keyword(w))
	}
	if len(keywords) > maxKeywords {
		panic("messages: too many keywords for keywordSet")
	}
	matcher = newKeywordMatcher(keywords)
}

// compileFolded compiles a case-insensitive expression to run on ASCII
// lower-cased text (see asciiLower): its literals are lower-cased instead of
// marked (?i), so that Go's regexp can skip ahead to a literal prefix rather
// than try every position. A leading \b, which would hide that prefix too, is
// returned as wordStart for the caller to check.
func compileFolded(expr string) (*regexp.Regexp, bool) {
	expr = placeholders.Replace(expr)
	wordStart := strings.HasPrefix(expr, `\b`)
	if wordStart {
		expr = expr[2:]
	}
	tree, err := syntax.Parse(expr, syntax.Perl|syntax.FoldCase)
	if err != nil {
		panic(fmt.Sprintf("messages: %q: %v", expr, err))
	}
	lowerLiterals(tree)
	return regexp.MustCompile(tree.String()), wordStart
}

func lowerLiterals(re *syntax.Regexp) {
	if re.Op == syntax.OpLiteral && re.Flags&syntax.FoldCase != 0 {
		for i, r := range re.Rune {
			re.Rune[i] = unicode.ToLower(r)
		}
		re.Flags &^= syntax.FoldCase
	}
	for _, sub := range re.Sub {
		lowerLiterals(sub)
	}
}

// --- fix functions: what a named group cannot say.

// forbiddenCause decides between RBAC and the node authorizer and names the
// object by its resource.
func forbiddenCause(s *Signal, m match) bool {
	if s.Resource == "" {
		s.Resource = m.get("res0")
	}
	nameByResource(s, m.get("name"))
	node, isNode := strings.CutPrefix(s.User, "system:node:")
	if reason := m.get("reason"); isNode || reason != "" {
		s.Cause = NodeForbidden
		fillEmpty(&s.Node, node)
		s.Detail = reason
		return true
	}
	// The service account refused is the one asking, whatever it asked for.
	if rest, ok := strings.CutPrefix(s.User, "system:serviceaccount:"); ok {
		if i := strings.IndexByte(rest, ':'); i >= 0 && i+1 < len(rest) {
			s.ServiceAccount = rest[i+1:]
		}
	}
	return true
}

// admissionResource names the refused object; a forbidden message whose
// explanation is "User ... cannot" that the full row could not parse is RBAC.
func admissionResource(s *Signal, m match) bool {
	nameByResource(s, m.get("name"))
	if strings.HasPrefix(strings.ToLower(strings.TrimLeft(m.after(), " ")), "user ") {
		s.Cause = RBACForbidden
	}
	return true
}

func nameByResource(s *Signal, name string) {
	if name == "" {
		return
	}
	base := strings.ToLower(s.Resource)
	if i := strings.IndexAny(base, "/."); i >= 0 {
		base = base[:i]
	}
	switch base {
	case "secrets", "secret":
		fillEmpty(&s.Secret, name)
	case "serviceaccounts", "serviceaccount":
		fillEmpty(&s.ServiceAccount, name)
	case "configmaps", "configmap":
		fillEmpty(&s.ConfigMap, name)
	case "secretproviderclasses", "secretproviderclass":
		fillEmpty(&s.Class, name)
	}
}

func mountableWhere(s *Signal, m match) bool {
	if w := m.get("where"); w != "" {
		s.Detail = w
	} else if m.get("vol") != "" {
		s.Detail = "volume"
	}
	return true
}

func splitServiceAccount(s *Signal, _ match) bool {
	if ns, sa, ok := strings.Cut(s.ServiceAccount, "/"); ok {
		fillEmpty(&s.Namespace, ns)
		s.ServiceAccount = sa
	}
	return true
}

// mountTimeoutVolumes lists the unmounted volumes (or, when none are listed,
// the ones that failed to process).
func mountTimeoutVolumes(s *Signal, m match) bool {
	vols := strings.Fields(m.get("vols"))
	if len(vols) == 0 {
		vols = strings.Fields(m.get("failed"))
	}
	if len(vols) > 0 {
		s.Volumes = vols
	}
	if len(vols) == 1 {
		s.Volume = vols[0]
	}
	return true
}

func manifestImage(s *Signal, m match) {
	ref, repo := m.get("ref"), m.get("v")
	if ref == "" || repo == "" {
		return
	}
	sep := ":"
	if strings.Contains(ref, ":") {
		sep = "@" // a digest
	}
	fillEmpty(&s.Image, repo+sep+ref)
}

func secretRef(s *Signal, m match) {
	fillEmpty(&s.Namespace, m.get("ns"))
	switch s.Cause {
	case SecretNotFound, SecretCacheSyncFailed, ObjectNotRegistered:
		fillEmpty(&s.Secret, m.get("name"))
	}
}
