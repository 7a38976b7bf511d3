package loader

import (
	"archive/tar"
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/yaml"
)

// The secretscan bundle is what `secretscan collect` writes; docs/bundle-format.md
// is its contract. A tar.gz with one folder, secretscan-bundle/, holding:
//
//	secretscan-bundle.yaml            the header, always the first member: format, version, scope
//	objects/<resource>/<ns>.json      a typed List of one kind in one namespace
//	objects/<resource>.json           a typed List of a cluster-scoped kind
//	logs/<ns>/<pod>/<container>.log   the failure lines of a container's log tail
//	logs/<ns>/<pod>/<container>.previous.log
//	secretscan-collection.yaml        the outcome of every list, always the last member
//
// <resource> is the fully qualified resource (secrets, deployments.apps,
// externalsecrets.external-secrets.io). The collection record, not the files,
// says what was collected: a kind listed everywhere with no file has no
// object; a list that failed is unknown, never absent.

// Names of the bundle's format and files.
const (
	BundleFormat         = "secretscan-bundle"
	BundleRoot           = "secretscan-bundle"
	BundleHeaderFile     = "secretscan-bundle.yaml"
	BundleCollectionFile = "secretscan-collection.yaml"
	// BundleFormatVersion is the version this secretscan writes, and the
	// newest it reads; every older version stays readable.
	BundleFormatVersion = 1
)

// Collection states of a BundleList.
const (
	BundleCollected    = "collected"
	BundleFailed       = "failed"
	BundleNotInstalled = "not-installed" // the custom resource's CRD (or version) is not served
)

// BundleHeader is secretscan-bundle.yaml, written before anything else is listed.
type BundleHeader struct {
	Format            string    `json:"format" yaml:"format"`
	FormatVersion     int       `json:"formatVersion" yaml:"formatVersion"`
	SecretscanVersion string    `json:"secretscanVersion" yaml:"secretscanVersion"`
	CollectedAt       time.Time `json:"collectedAt" yaml:"collectedAt"`
	// ServerVersion is the API server's git version; the server's address and
	// the kubeconfig context are not recorded (they name internal hosts and accounts).
	ServerVersion string `json:"serverVersion,omitempty" yaml:"serverVersion,omitempty"`
	// AllNamespaces is true for collect -A; otherwise Namespaces were collected.
	AllNamespaces bool            `json:"allNamespaces" yaml:"allNamespaces"`
	Namespaces    []string        `json:"namespaces,omitempty" yaml:"namespaces,omitempty"`
	Logs          BundleLogPolicy `json:"logs" yaml:"logs"`
}

// BundleLogPolicy says which logs were read and what of them was kept.
type BundleLogPolicy struct {
	TailLines  int64 `json:"tailLines" yaml:"tailLines"`
	LimitBytes int64 `json:"limitBytes" yaml:"limitBytes"`
	// Kept names what of each log tail is written: "failure-lines" (the lines
	// that say why a pod cannot get a Secret; the rest may hold anything).
	Kept string `json:"kept" yaml:"kept"`
}

// BundleCollection is secretscan-collection.yaml, written last.
type BundleCollection struct {
	FormatVersion int          `json:"formatVersion" yaml:"formatVersion"`
	FinishedAt    time.Time    `json:"finishedAt" yaml:"finishedAt"`
	Lists         []BundleList `json:"lists" yaml:"lists"`
	Logs          []BundleLog  `json:"logs,omitempty" yaml:"logs,omitempty"`
}

// BundleList is the outcome of listing one kind in one namespace (Namespace ""
// for every namespace, or a cluster-scoped kind).
type BundleList struct {
	Kind       string `json:"kind" yaml:"kind"`
	APIVersion string `json:"apiVersion,omitempty" yaml:"apiVersion,omitempty"` // the version listed; empty when none is served
	Resource   string `json:"resource" yaml:"resource"`                         // fully qualified: secrets, deployments.apps
	Namespace  string `json:"namespace,omitempty" yaml:"namespace,omitempty"`
	State      string `json:"state" yaml:"state"`
	// Reason is why a list failed, in a few words that never quote the server
	// (its messages name users and hosts): forbidden, unauthorized, timed out,
	// not served, failed.
	Reason  string   `json:"reason,omitempty" yaml:"reason,omitempty"`
	Objects int      `json:"objects" yaml:"objects"`
	Files   []string `json:"files,omitempty" yaml:"files,omitempty"`
}

// BundleLog is the outcome of reading one container's log.
type BundleLog struct {
	Namespace string `json:"namespace" yaml:"namespace"`
	Pod       string `json:"pod" yaml:"pod"`
	Container string `json:"container" yaml:"container"`
	Previous  bool   `json:"previous,omitempty" yaml:"previous,omitempty"`
	State     string `json:"state" yaml:"state"` // collected or failed
	Reason    string `json:"reason,omitempty" yaml:"reason,omitempty"`
	Lines     int    `json:"lines" yaml:"lines"` // lines read
	Kept      int    `json:"kept" yaml:"kept"`   // lines written
	File      string `json:"file,omitempty" yaml:"file,omitempty"`
}

// BundleObjectsPath names the file of a kind's objects in a namespace ("" for
// a cluster-scoped kind); part > 1 numbers further files of the same namespace.
func BundleObjectsPath(gr schema.GroupResource, namespace string, part int) string {
	if namespace == "" {
		return path.Join(BundleRoot, "objects", gr.String()+".json")
	}
	name := namespace
	if part > 1 {
		name = fmt.Sprintf("%s.%d", namespace, part) // namespaces hold no dots
	}
	return path.Join(BundleRoot, "objects", gr.String(), name+".json")
}

// BundleLogPath names the file of a container's log.
func BundleLogPath(namespace, pod, container string, previous bool) string {
	name := container + ".log"
	if previous {
		name = container + ".previous.log" // container names hold no dots
	}
	return path.Join(BundleRoot, "logs", namespace, pod, name)
}

// BundleFailureReason names why a list failed, in the bundle's words.
func BundleFailureReason(err error) string {
	var netErr net.Error
	switch {
	case apierrors.IsForbidden(err):
		return string(failedForbidden)
	case apierrors.IsUnauthorized(err):
		return string(failedUnauthorized)
	case apierrors.IsNotFound(err):
		return string(failedNotServed)
	case apierrors.IsTimeout(err), apierrors.IsServerTimeout(err), errors.Is(err, context.DeadlineExceeded),
		errors.As(err, &netErr) && netErr.Timeout():
		return string(failedTimeout)
	}
	return string(failedOther)
}

// Strip removes from obj, in place, what the loader removes on reading: every
// Secret value (through redact.Secret), value-bearing annotations,
// managedFields, and the fields no check reads. secretscan collect applies it
// before writing, so that a bundle holds what analysis reads and no more.
func Strip(obj runtime.Object) {
	if u, ok := obj.(*unstructured.Unstructured); ok {
		stripUnstructured(u)
		return
	}
	stripTyped(obj)
}

// routeSecretscan recognises the files of a secretscan bundle by their place
// below objects/ and logs/; the header and the collection record confirm it.
func (e *layoutEvidence) routeSecretscan(parts []string) (route, bool) {
	const f = FormatSecretscanBundle
	n := len(parts)
	base := parts[n-1]
	switch {
	case base == BundleHeaderFile:
		return route{role: roleSpecial, format: f, special: readBundleHeader}, true
	case base == BundleCollectionFile:
		return route{role: roleSpecial, format: f, special: readBundleCollection}, true
	case path.Ext(base) == ".json" && n >= 3 && parts[n-3] == "objects" && isBundleResource(parts[n-2]):
		e.note(f)
		ns, _, _ := strings.Cut(strings.TrimSuffix(base, ".json"), ".")
		return route{role: roleObjects, format: f, namespace: ns}, true
	case path.Ext(base) == ".json" && n >= 2 && parts[n-2] == "objects":
		e.note(f)
		return route{role: roleObjects, format: f}, true
	case path.Ext(base) == ".log" && n >= 4 && parts[n-4] == "logs":
		e.note(f)
		container := strings.TrimSuffix(base, ".log")
		previous := strings.HasSuffix(container, ".previous")
		container = strings.TrimSuffix(container, ".previous")
		return route{role: roleLog, format: f, namespace: parts[n-3], pod: parts[n-2], container: container, previous: previous}, true
	}
	return route{}, false
}

// isBundleResource tells a resource folder of objects/ (secrets,
// deployments.apps) from a namespace folder of another layout: namespace
// names hold no dots, and only the core group's resources go without one.
func isBundleResource(name string) bool {
	switch name {
	case "pods", "secrets", "serviceaccounts", "events", "replicationcontrollers":
		return true
	}
	return strings.Contains(name, ".")
}

// maxBundleRecordBytes bounds the header and the collection record.
const maxBundleRecordBytes = 64 << 20

// readBundleHeader reads secretscan-bundle.yaml: a version this secretscan
// cannot read is named in a warning, and its collection record is then ignored,
// so that nothing the bundle lacks is called absent.
func readBundleHeader(l *loadState, name string, r *bufio.Reader, _ route) error {
	data, err := io.ReadAll(io.LimitReader(r, maxBundleRecordBytes))
	if err != nil {
		return err
	}
	var h BundleHeader
	if err := yaml.Unmarshal(data, &h); err != nil || h.Format != BundleFormat || h.FormatVersion < 1 {
		l.warn(fmt.Sprintf("%s: not a secretscan bundle header; skipped", name))
		return nil
	}
	l.layout.note(FormatSecretscanBundle)
	l.layout.confirm(FormatSecretscanBundle)
	if err := checkBundleHeader(name, h); err != nil {
		l.warn(err.Error())
		return nil
	}
	if !h.AllNamespaces {
		for _, ns := range h.Namespaces {
			l.layout.noteNamespace(FormatSecretscanBundle, ns)
		}
	}
	return nil
}

// readBundleCollection reads secretscan-collection.yaml into the layout
// evidence: what was collected per kind and namespace, what failed and why.
func readBundleCollection(l *loadState, name string, r *bufio.Reader, _ route) error {
	const f = FormatSecretscanBundle
	l.bundleRecordSeen = true
	data, err := io.ReadAll(io.LimitReader(r, maxBundleRecordBytes))
	if err != nil {
		return err
	}
	var c BundleCollection
	if err := yaml.Unmarshal(data, &c); err != nil || c.FormatVersion < 1 {
		l.warn(fmt.Sprintf("%s: not a secretscan collection record; skipped, so the bundle's coverage is unknown", name))
		return nil
	}
	l.layout.note(f)
	l.layout.confirm(f)
	if c.FormatVersion > BundleFormatVersion {
		return nil // the header's warning says which version is needed
	}
	for _, list := range c.Lists {
		if strings.HasPrefix(list.APIVersion, "events.k8s.io/") || list.Kind == "" {
			// The core Events list decides Event coverage; the analyzers take
			// events.k8s.io as a complement whose failure is only a warning.
			continue
		}
		switch list.State {
		case BundleCollected, BundleNotInstalled:
			// A CRD not installed: no object of its kind exists.
			l.layout.noteKind(f, list.Kind, list.Namespace)
		case BundleFailed:
			l.layout.noteFailed(list.Kind, list.Namespace, collectionFailure(list.Reason))
		}
	}
	return nil
}

// secretscanCoverage: what the collection record says, per kind and namespace.
// Kinds it does not name (a later secretscan's checks) were not collected.
func (l *loadState) secretscanCoverage(c *Coverage) {
	const f = FormatSecretscanBundle
	e := l.layout
	scope := e.namespaces[f]
	for ns := range scope {
		c.addScope(ns)
	}
	kinds := e.coverageKinds(f)
	if len(e.kindFiles[f]) == 0 && len(e.failed) == 0 {
		// No record: what the bundle holds was collected, but it may be cut
		// short, so no object it lacks is known to be absent.
		if !l.bundleRecordSeen {
			l.warn(fmt.Sprintf("%s: the secretscan bundle lacks its collection record (cut short?); what it holds is read, but nothing it lacks is known to be absent", BundleCollectionFile))
		}
		counts := l.store.counts()
		for kind := range kinds {
			state := NotCollected
			if counts[kind] > 0 {
				state = Partial
			}
			c.set(kind, state, "the bundle has no collection record, so nothing it lacks is known to be absent")
		}
		return
	}
	only := fmt.Sprintf("secretscan collect was run for namespace %s only", joinLimited(sortedKeys(scope), 8))
	if len(scope) > 1 {
		only = fmt.Sprintf("secretscan collect was run for namespaces %s only", joinLimited(sortedKeys(scope), 8))
	}
	for kind := range kinds {
		collected, failed := e.kindsOf(f, kind), e.failed[kind]
		plural := pluralKind(kind)
		why, failedEverywhere := failed[""]
		switch {
		case collected[""]:
			c.set(kind, Collected, "")
		case failedEverywhere:
			c.set(kind, CollectionFailed, bundleFailureWhy(why, plural, ""))
		case len(collected) > 0 || len(failed) > 0:
			c.setPerNamespace(kind, collected, NotCollected, only)
			for ns, why := range failed {
				c.setNamespace(kind, ns, CollectionFailed, bundleFailureWhy(why, plural, ns))
			}
		default:
			c.set(kind, NotCollected, fmt.Sprintf("this bundle holds no %s", plural))
		}
	}
}

// bundleFailureWhy says why a list failed. A refusal reads as the analyzers
// word it on a live cluster, so that a bundle and --live report alike.
func bundleFailureWhy(f collectionFailure, plural, namespace string) string {
	switch {
	case f == failedForbidden && namespace == "":
		return "listing was forbidden"
	case f == failedForbidden:
		return fmt.Sprintf("listing in namespace %s was forbidden", namespace)
	case namespace != "":
		return f.describe("secretscan collect", plural+" in namespace "+namespace)
	}
	return f.describe("secretscan collect", plural)
}

// checkBundleHeader refuses a bundle of a newer format version, naming the
// version it needs.
func checkBundleHeader(name string, h BundleHeader) error {
	if h.FormatVersion <= BundleFormatVersion {
		return nil
	}
	upgrade := "upgrade secretscan to one that reads it"
	writer := ""
	if v := strings.Fields(h.SecretscanVersion); len(v) > 0 && v[0] != "dev" {
		writer = ", written by secretscan " + v[0]
		upgrade = fmt.Sprintf("upgrade secretscan to %s or later", v[0])
	}
	return fmt.Errorf("%s is a secretscan bundle of format version %d%s; this secretscan reads format versions up to %d: %s",
		name, h.FormatVersion, writer, BundleFormatVersion, upgrade)
}

// CheckBundle reads, from the start of the input, the header of a secretscan
// bundle and returns an error naming the version needed when this secretscan
// cannot read it; any other input passes. path "-" peeks at stdin without
// consuming it (hand the same reader to Load).
func CheckBundle(p string, stdin *bufio.Reader) error {
	h, name, ok := readBundleHeaderAt(p, stdin)
	if !ok {
		return nil
	}
	return checkBundleHeader(name, h)
}

// peekBytes is how much of an archive's start is searched for the header.
const peekBytes = 1 << 20

func readBundleHeaderAt(p string, stdin *bufio.Reader) (BundleHeader, string, bool) {
	if p == "-" {
		if stdin == nil {
			return BundleHeader{}, "", false
		}
		head, _ := stdin.Peek(peekBytes)
		h, ok := headerFromArchiveStart(head)
		return h, "stdin", ok
	}
	info, err := os.Stat(p)
	if err != nil {
		return BundleHeader{}, "", false
	}
	if info.IsDir() {
		for _, candidate := range []string{filepath.Join(p, BundleHeaderFile), filepath.Join(p, BundleRoot, BundleHeaderFile)} {
			if data, err := os.ReadFile(candidate); err == nil {
				h, ok := parseBundleHeader(data)
				return h, p, ok
			}
		}
		return BundleHeader{}, "", false
	}
	f, err := os.Open(p)
	if err != nil {
		return BundleHeader{}, "", false
	}
	defer f.Close()
	head, _ := io.ReadAll(io.LimitReader(f, peekBytes))
	h, ok := headerFromArchiveStart(head)
	return h, p, ok
}

// headerFromArchiveStart finds the header in the start of a tar or tar.gz
// (collect writes it first; a repacked bundle may have it later); a header
// beyond head is not found.
func headerFromArchiveStart(head []byte) (BundleHeader, bool) {
	var r io.Reader = bytes.NewReader(head)
	if len(head) >= 2 && head[0] == 0x1f && head[1] == 0x8b {
		zr, err := gzip.NewReader(r)
		if err != nil {
			return BundleHeader{}, false
		}
		// A megabyte of gzip can hold a gigabyte: look no further than a
		// header written first would be.
		r = io.LimitReader(zr, 4*peekBytes)
	}
	tr := tar.NewReader(r)
	for {
		hdr, err := tr.Next()
		if err != nil {
			return BundleHeader{}, false
		}
		if path.Base(hdr.Name) != BundleHeaderFile {
			continue
		}
		data, err := io.ReadAll(io.LimitReader(tr, 1<<20))
		if err != nil {
			return BundleHeader{}, false
		}
		return parseBundleHeader(data)
	}
}

func parseBundleHeader(data []byte) (BundleHeader, bool) {
	var h BundleHeader
	if checkYAMLAliases(data, docLimits{maxBytes: 1 << 20, maxAliasNodes: 1000}) != nil {
		return BundleHeader{}, false
	}
	if yaml.Unmarshal(data, &h) != nil || h.Format != BundleFormat {
		return BundleHeader{}, false
	}
	return h, true
}
