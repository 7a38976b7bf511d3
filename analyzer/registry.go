package analyzer

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// Severity orders findings: an error stops a pod, a warning degrades it, info explains the report.
type Severity int

const (
	SeverityInfo Severity = iota + 1
	SeverityWarning
	SeverityError
)

func (s Severity) String() string {
	switch s {
	case SeverityInfo:
		return "info"
	case SeverityWarning:
		return "warning"
	case SeverityError:
		return "error"
	}
	return "unknown"
}

// ParseSeverity reads a severity name as users type it on the command line.
func ParseSeverity(name string) (Severity, error) {
	switch strings.ToLower(strings.TrimSpace(name)) {
	case "info":
		return SeverityInfo, nil
	case "warning", "warn":
		return SeverityWarning, nil
	case "error":
		return SeverityError, nil
	}
	return 0, fmt.Errorf("unknown severity %q (want info, warning or error)", name)
}

func (s Severity) MarshalJSON() ([]byte, error) { return json.Marshal(s.String()) }

func (s *Severity) UnmarshalJSON(b []byte) error {
	var name string
	if err := json.Unmarshal(b, &name); err != nil {
		return err
	}
	parsed, err := ParseSeverity(name)
	if err != nil {
		return err
	}
	*s = parsed
	return nil
}

// ID is a finding's stable public name (../shared/FINDINGS.md): never renamed, never reused.
type ID string

const (
	SecretNotFound            ID = "secret-not-found"
	SecretInOtherNamespace    ID = "secret-in-other-namespace"
	SecretKeyNotFound         ID = "secret-key-not-found"
	OptionalSecretMissing     ID = "optional-secret-missing"
	SecretEmpty               ID = "secret-empty"
	SecretTypeMismatch        ID = "secret-type-mismatch"
	PullSecretNotFound        ID = "pull-secret-not-found"
	PullSecretWrongType       ID = "pull-secret-wrong-type"
	PullSecretMalformed       ID = "pull-secret-malformed"
	PullSecretNoRegistryMatch ID = "pull-secret-no-registry-match"
	ImagePullAuthFailed       ID = "image-pull-auth-failed"
	ServiceAccountNotFound    ID = "service-account-not-found"
	SATokenSecretNotFound     ID = "sa-token-secret-not-found"
	RBACSecretForbidden       ID = "rbac-secret-forbidden"
	NodeSecretForbidden       ID = "node-secret-forbidden"
	AdmissionDenied           ID = "admission-denied"
	SecretMountFailed         ID = "secret-mount-failed"
	CSISecretMountFailed      ID = "csi-secret-mount-failed"
	SecretSourceNotReady      ID = "secret-source-not-ready"
	SecretCreatedAfterFailure ID = "secret-created-after-failure"
	CoverageGap               ID = "coverage-gap"
)

// Definition is what the registry knows of an ID: its default severity and a one-line title.
// docs/findings/<id>.md holds the long form; a test keeps the two in step.
type Definition struct {
	ID       ID
	Severity Severity
	Title    string
}

// Definitions lists every finding ID in the order of ../shared/FINDINGS.md.
var Definitions = []Definition{
	{SecretNotFound, SeverityError, "A referenced Secret does not exist in the pod's namespace"},
	{SecretInOtherNamespace, SeverityError, "A referenced Secret exists only in another namespace"},
	{SecretKeyNotFound, SeverityError, "The Secret exists but lacks a referenced key"},
	{OptionalSecretMissing, SeverityWarning, "An optional Secret or key is absent; the pod starts without it"},
	{SecretEmpty, SeverityWarning, "A referenced Secret has no data at all"},
	{SecretTypeMismatch, SeverityError, "The Secret's type does not fit its use or lacks the keys its type requires"},
	{PullSecretNotFound, SeverityError, "An image pull Secret of the pod or its ServiceAccount does not exist"},
	{PullSecretWrongType, SeverityError, "An image pull Secret is not of a docker config type, so the kubelet ignores it"},
	{PullSecretMalformed, SeverityError, "An image pull Secret's docker config is unreadable or holds no usable credentials"},
	{PullSecretNoRegistryMatch, SeverityError, "No pull Secret holds credentials the kubelet would use for the image's registry"},
	{ImagePullAuthFailed, SeverityError, "The registry rejected the image pull"},
	{ServiceAccountNotFound, SeverityError, "The pod's ServiceAccount does not exist, so pods are refused at admission"},
	{SATokenSecretNotFound, SeverityError, "A legacy ServiceAccount token Secret mounted by the pod no longer exists"},
	{RBACSecretForbidden, SeverityError, "The pod's ServiceAccount is denied access to a Secret it reads through the API"},
	{NodeSecretForbidden, SeverityWarning, "The node authorizer refused the kubelet access to the Secret"},
	{AdmissionDenied, SeverityError, "An admission webhook or policy refused the workload's pods"},
	{SecretMountFailed, SeverityError, "A Secret volume failed to mount"},
	{CSISecretMountFailed, SeverityError, "A Secrets Store CSI volume failed to mount"},
	{SecretSourceNotReady, SeverityError, "The missing Secret's producer (ExternalSecret, SealedSecret, Certificate, ...) is not Ready"},
	{SecretCreatedAfterFailure, SeverityInfo, "The Secret exists now; the failures predate it and have probably cleared"},
	{CoverageGap, SeverityInfo, "The dump lacks a kind a check needs; conclusions rest on events and status"},
}

var definitionsByID = func() map[ID]Definition {
	byID := make(map[ID]Definition, len(Definitions))
	for _, d := range Definitions {
		byID[d.ID] = d
	}
	return byID
}()

// Lookup returns the definition of an ID.
func Lookup(id ID) (Definition, bool) {
	d, ok := definitionsByID[id]
	return d, ok
}

// IDs returns every registered ID, sorted.
func IDs() []ID {
	ids := make([]ID, 0, len(Definitions))
	for _, d := range Definitions {
		ids = append(ids, d.ID)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	return ids
}
