package analyzer

import (
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
)

// Cluster is everything the analyzers read. Client and Dynamic are client-go
// interfaces, so the same checks run on a dump's fake clientset or a live cluster.
type Cluster struct {
	Client kubernetes.Interface
	// Dynamic serves custom resources (ExternalSecret, SealedSecret, Certificate,
	// SecretProviderClass); nil when there are none to read.
	Dynamic dynamic.Interface
	// Coverage says which kinds the source holds; nil means everything (a live cluster).
	Coverage Coverage
	// Logs serves container logs where the source has them; nil when it has none.
	Logs PodLogs
	// Namespaces are those whose workloads are judged (kubectl's -n); empty,
	// every namespace. Cluster-wide objects (RBAC, producers) are read whole.
	Namespaces []string
}

// judges reports whether the workloads of namespace are to be judged.
func (c Cluster) judges(namespace string) bool {
	if len(c.Namespaces) == 0 {
		return true
	}
	for _, ns := range c.Namespaces {
		if ns == namespace {
			return true
		}
	}
	return false
}

// Coverage tells whether the source collected a kind, so that a Secret absent
// from a dump that never held Secrets is not reported missing.
type Coverage interface {
	// Covers reports whether objects of kind (e.g. "Secret") in namespace ("" for
	// cluster-scoped kinds) were collected, so that absence means non-existence;
	// name narrows the question where a source recorded single objects. When not
	// covered, why says what the source lacked, e.g. "kubectl cluster-info dump holds no Secrets".
	Covers(kind, namespace, name string) (covered bool, why string)
}

// PodLogs serves container logs kept by the source.
type PodLogs interface {
	// Log returns the log of a container (previous: of its last terminated instance).
	Log(namespace, pod, container string, previous bool) (text string, ok bool)
}

// covers asks the coverage, treating a nil coverage as a live cluster that holds everything.
func (c Cluster) covers(kind, namespace, name string) (bool, string) {
	if c.Coverage == nil {
		return true, ""
	}
	return c.Coverage.Covers(kind, namespace, name)
}

// UnreadableCoverage is implemented by a Coverage whose source held objects
// it could not read (damaged or cut-off documents) and could not name.
type UnreadableCoverage interface {
	// Unreadable counts the objects that could not be read and may be of
	// kind in namespace.
	Unreadable(kind, namespace string) int
}

// unreadable counts the objects the source could not read that may be the
// absent object of kind in namespace.
func (c Cluster) unreadable(kind, namespace string) int {
	if u, ok := c.Coverage.(UnreadableCoverage); ok {
		return u.Unreadable(kind, namespace)
	}
	return 0
}

// CutOffCoverage is implemented by a Coverage whose source can have ended
// early (an archive cut off): whatever was after the cut is unknown.
type CutOffCoverage interface {
	// CutOff says where the source ended early, "" when it did not.
	CutOff() string
}

func (c Cluster) cutOff() string {
	if u, ok := c.Coverage.(CutOffCoverage); ok {
		return u.CutOff()
	}
	return ""
}

// CollectionFailures is implemented by a Coverage that knows which kinds the
// source tried and failed to collect (a bundle whose list was forbidden), as
// against kinds it never meant to collect.
type CollectionFailures interface {
	// CollectionFailed says why collecting kind failed, in any namespace.
	CollectionFailed(kind string) (why string, failed bool)
}

func (c Cluster) collectionFailed(kind string) (string, bool) {
	if f, ok := c.Coverage.(CollectionFailures); ok {
		return f.CollectionFailed(kind)
	}
	return "", false
}
