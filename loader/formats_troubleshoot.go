package loader

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"path"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/secretscan/secretscan/internal/dockerconfig"
	"github.com/secretscan/secretscan/internal/redact"
)

// Troubleshoot support bundles (replicatedhq/troubleshoot): the bundle root is
// the folder holding cluster-resources/. Below it, per-namespace folders hold
// <ns>.json (typed Lists; bare arrays before v0.28.1; "items": null when
// empty), cluster-wide objects sit in single files, failures in
// <resource>-errors.json, and logs of unhealthy pods in pods/logs/. Secrets are
// never collected: only the registries of kubernetes.io/dockerconfigjson pull
// Secrets (image-pull-secrets/<ns>/<name>.json) and, when the spec asks for it,
// whether single Secrets and keys exist (secrets/<ns>/<name>[/<key>].json at
// the bundle root).

// troubleshootNamespaced maps the per-namespace folders of cluster-resources/ to their kind.
var troubleshootNamespaced = map[string]string{
	"pods": "Pod", "events": "Event", "services": "Service", "deployments": "Deployment",
	"statefulsets": "StatefulSet", "daemonsets": "DaemonSet", "replicasets": "ReplicaSet",
	"jobs": "Job", "cronjobs": "CronJob", "ingress": "Ingress", "network-policy": "NetworkPolicy",
	"resource-quota": "ResourceQuota", "resource-quotas": "ResourceQuota", // renamed at v0.56.0
	"limitranges": "LimitRange", "pvcs": "PersistentVolumeClaim", "roles": "Role", "rolebindings": "RoleBinding",
	"endpoints": "Endpoints", "endpointslices": "EndpointSlice", "serviceaccounts": "ServiceAccount",
	"leases": "Lease", "configmaps": "ConfigMap", "pod-disruption-budgets": "PodDisruptionBudget",
}

// troubleshootCluster maps the cluster-wide files of cluster-resources/ (stem,
// lower-cased: clusterRoleBindings.json before v0.65.0) to their kind; the
// apiVersion is given for kinds the scheme does not know.
var troubleshootCluster = map[string]struct{ kind, apiVersion string }{
	"namespaces": {"Namespace", ""}, "nodes": {"Node", ""}, "pvs": {"PersistentVolume", ""},
	"storage-classes": {"StorageClass", ""}, "ingress-classes": {"IngressClass", ""},
	"priorityclasses": {"PriorityClass", ""}, "clusterroles": {"ClusterRole", ""},
	"clusterrolebindings": {"ClusterRoleBinding", ""}, "volumeattachments": {"VolumeAttachment", ""},
	"certificatesigningrequests":        {"CertificateSigningRequest", ""},
	"validating-webhook-configurations": {"ValidatingWebhookConfiguration", ""},
	"mutating-webhook-configurations":   {"MutatingWebhookConfiguration", ""},
	"custom-resource-definitions":       {"CustomResourceDefinition", "apiextensions.k8s.io/v1"},
	"storage":                           {"StorageClass", ""}, // only as storage-errors.json, in old bundles
}

// troubleshootNotObjects are files of cluster-resources/ that hold no objects:
// API discovery, the collecting user's permissions, the vendor license.
var troubleshootNotObjects = map[string]bool{
	"groups": true, "resources": true, "auth-cani-list": true, "license": true, "groups-resources": true,
}

// routeTroubleshoot recognises the files of a support bundle.
func (e *layoutEvidence) routeTroubleshoot(parts []string) (route, bool) {
	i := -1
	for j := len(parts) - 2; j >= 0; j-- {
		if parts[j] == "cluster-resources" {
			i = j
			break
		}
	}
	if i < 0 {
		return route{}, false
	}
	const f = FormatTroubleshootBundle
	e.note(f)
	rel := parts[i+1:]
	base := rel[len(rel)-1]
	ext := strings.ToLower(path.Ext(base))
	stem := strings.TrimSuffix(base, path.Ext(base))
	lowStem := strings.ToLower(stem)
	switch {
	case len(rel) == 1:
		e.confirm(f)
		if strings.HasSuffix(lowStem, "-errors") && ext == ".json" {
			return route{role: roleSpecial, format: f, special: readTroubleshootErrors}, true
		}
		if c, ok := troubleshootCluster[lowStem]; ok {
			e.noteKind(f, c.kind, "")
			return route{role: roleObjects, format: f, decode: decodeOptions{hintKind: c.kind, hintAPIVersion: c.apiVersion}, listFile: true}, true
		}
		if troubleshootNotObjects[lowStem] {
			return route{role: roleSkip}, true
		}
		return route{role: roleObjects, format: f}, true
	case rel[0] == "pods" && len(rel) >= 2 && rel[1] == "logs":
		if len(rel) == 5 && ext == ".log" {
			e.noteNamespace(f, rel[2])
			return route{role: roleLog, format: f, namespace: rel[2], pod: rel[3], container: stem}, true
		}
		return route{role: roleSkip}, true
	case rel[0] == "custom-resources":
		if len(rel) == 2 && strings.HasSuffix(lowStem, "-errors") {
			return route{role: roleSpecial, format: f, special: readTroubleshootCRErrors}, true
		}
		if ext == ".json" || ext == ".yaml" || ext == ".yml" {
			return route{role: roleObjects, format: f}, true
		}
		return route{role: roleSkip}, true
	case rel[0] == "image-pull-secrets":
		if len(rel) == 3 && ext == ".json" {
			return route{role: roleSpecial, format: f, namespace: rel[1], special: readPullSecretRecord}, true
		}
		return route{role: roleSkip}, true
	case rel[0] == "auth-cani-list":
		return route{role: roleSkip}, true
	case len(rel) == 2 && ext == ".json":
		kind := troubleshootNamespaced[rel[0]]
		if kind != "" {
			e.confirm(f)
		}
		e.noteKind(f, kind, stem)
		e.noteNamespace(f, stem)
		// An unknown folder still holds typed Lists: their kind comes from the content.
		return route{role: roleObjects, format: f, decode: decodeOptions{hintKind: kind}, namespace: stem, listFile: true}, true
	}
	return route{role: roleObjects, format: f}, true
}

// routeTroubleshootRecord recognises the records troubleshoot's secret and
// configMap collectors write at the bundle root. Their content decides: a
// secrets/<ns>/<name>.json in a folder of manifests is read as a manifest.
func (e *layoutEvidence) routeTroubleshootRecord(parts []string) (route, bool) {
	n := len(parts)
	base := parts[n-1]
	if strings.ToLower(path.Ext(base)) != ".json" {
		return route{}, false
	}
	stem := strings.TrimSuffix(base, path.Ext(base))
	dirAt := func(back int, names ...string) bool {
		if n-back < 0 {
			return false
		}
		for _, name := range names {
			if parts[n-back] == name {
				return true
			}
		}
		return false
	}
	switch {
	case dirAt(3, "secrets"):
		return route{role: roleSpecial, namespace: parts[n-2], special: secretRecordReader(parts[n-2], stem, "")}, true
	case dirAt(4, "secrets"):
		return route{role: roleSpecial, namespace: parts[n-3], special: secretRecordReader(parts[n-3], parts[n-2], stem)}, true
	case dirAt(3, "secrets-errors", "configmaps-errors", "configmaps"), dirAt(4, "secrets-errors", "configmaps-errors", "configmaps"):
		return route{role: roleSpecial, special: readOtherRecord}, true
	}
	return route{}, false
}

// troubleshootRecords are what a bundle says about Secrets it does not hold.
type troubleshootRecords struct {
	// pullSecrets: registries of each kubernetes.io/dockerconfigjson Secret.
	pullSecrets map[objectName][]string
	// secretRecords: the secret collector's existence records.
	secretRecords map[objectName]*secretRecord
}

type secretRecord struct {
	exists       bool
	keys, absent map[string]bool
}

func newTroubleshootRecords() troubleshootRecords {
	return troubleshootRecords{pullSecrets: map[objectName][]string{}, secretRecords: map[objectName]*secretRecord{}}
}

// maxRecordBytes bounds the small JSON records read whole.
const maxRecordBytes = 4 << 20

func readSmall(r io.Reader) ([]byte, bool, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxRecordBytes+1))
	return data, len(data) > maxRecordBytes, err
}

// readTroubleshootErrors reads <resource>-errors.json: {namespace: error} for
// per-namespace resources ("" for all), [error, ...] for cluster-wide ones. A
// failure means the kind is unknown there, never that it is absent.
func readTroubleshootErrors(l *loadState, name string, r *bufio.Reader, _ route) error {
	stem := strings.ToLower(strings.TrimSuffix(path.Base(name), path.Ext(name)))
	resource := strings.TrimSuffix(stem, "-errors")
	kind := troubleshootNamespaced[resource]
	if c, ok := troubleshootCluster[resource]; ok {
		kind = c.kind
	}
	data, tooBig, err := readSmall(r)
	if err != nil {
		return err
	}
	if kind == "" {
		return nil // discovery, auth-cani-list, image-pull-secrets: nothing to record
	}
	if tooBig {
		l.layout.noteFailed(kind, "", failedOther)
		l.warn(fmt.Sprintf("%s: larger than %d bytes; read as a failure for every namespace", name, maxRecordBytes))
		return nil
	}
	var byNamespace map[string]string
	var list []string
	switch {
	case json.Unmarshal(data, &byNamespace) == nil:
		for ns, msg := range byNamespace {
			l.layout.noteFailed(kind, ns, classifyCollectionError(msg))
		}
	case json.Unmarshal(data, &list) == nil:
		if len(list) > 0 {
			l.layout.noteFailed(kind, "", classifyCollectionError(list[0]))
		}
	default:
		l.warn(fmt.Sprintf("%s: not a troubleshoot error record; skipped", name))
	}
	return nil
}

// readTroubleshootCRErrors reads custom-resources/custom-resources-errors.json:
// {crd name: error}, or keys such as "crdList" when nothing could be listed.
func readTroubleshootCRErrors(l *loadState, name string, r *bufio.Reader, _ route) error {
	data, _, err := readSmall(r)
	if err != nil {
		return err
	}
	var byCRD map[string]string
	if json.Unmarshal(data, &byCRD) != nil {
		l.warn(fmt.Sprintf("%s: not a troubleshoot error record; skipped", name))
		return nil
	}
	l.layout.mu.Lock()
	defer l.layout.mu.Unlock()
	for crd, msg := range byCRD {
		key := crd
		if !strings.Contains(crd, ".") || strings.Contains(crd, " ") {
			key = "" // crdClient, crdList, "discover apiextensions.k8s.io/v1": every CRD
		}
		key = strings.SplitN(key, "/", 2)[0]
		l.layout.crdFailed[key] = classifyCollectionError(msg)
	}
	return nil
}

// readPullSecretRecord reads image-pull-secrets/<ns>/<name>.json,
// {"registry": "username"}: the Secret exists, is of type
// kubernetes.io/dockerconfigjson, and has entries for those registries. Only
// the registries are kept (the username is dropped here).
func readPullSecretRecord(l *loadState, name string, r *bufio.Reader, rt route) error {
	data, tooBig, err := readSmall(r)
	if err != nil {
		return err
	}
	var entries map[string]string
	if tooBig || json.Unmarshal(data, &entries) != nil {
		l.warn(fmt.Sprintf("%s: not an image pull Secret record ({\"registry\": \"user\"}); skipped", name))
		return nil
	}
	registries := make([]string, 0, len(entries))
	for reg := range entries {
		registries = append(registries, reg)
	}
	entries = nil
	sort.Strings(registries)
	secret := strings.TrimSuffix(path.Base(name), path.Ext(name))
	l.pullSecrets[objectName{rt.namespace, secret}] = registries
	return nil
}

// secretRecordReader reads a secret collector record: {namespace, name, key,
// secretExists, keyExists, value?, data?}. value and data are never decoded.
func secretRecordReader(namespace, secret, key string) func(l *loadState, name string, r *bufio.Reader, rt route) error {
	return func(l *loadState, name string, r *bufio.Reader, rt route) error {
		data, tooBig, err := readSmall(r)
		if err != nil {
			return err
		}
		var rec struct {
			Namespace    string `json:"namespace"`
			Name         string `json:"name"`
			Key          string `json:"key"`
			SecretExists *bool  `json:"secretExists"`
			KeyExists    bool   `json:"keyExists"`
		}
		if tooBig || json.Unmarshal(data, &rec) != nil || rec.SecretExists == nil {
			// Not a record: a manifest kept under secrets/, read as one.
			return l.readAsObjects(name, data, r, route{tentative: true})
		}
		clear(data) // it may hold the value the collector was asked to include
		l.layout.note(FormatTroubleshootBundle)
		l.layout.confirm(FormatTroubleshootBundle)
		if rec.Namespace == "" {
			rec.Namespace = namespace
		}
		if rec.Name == "" {
			rec.Name = secret
		}
		if rec.Key == "" {
			rec.Key = key
		}
		k := objectName{rec.Namespace, rec.Name}
		sr := l.secretRecords[k]
		if sr == nil {
			sr = &secretRecord{keys: map[string]bool{}, absent: map[string]bool{}}
			l.secretRecords[k] = sr
		}
		if *rec.SecretExists {
			sr.exists = true
			if rec.Key != "" {
				if rec.KeyExists {
					sr.keys[rec.Key] = true
				} else {
					sr.absent[rec.Key] = true
				}
			}
		}
		return nil
	}
}

// readOtherRecord skips troubleshoot's configMap records and the error lists
// of the secret and configMap collectors (a Secret that could not be read is
// unknown, not absent); anything else under those names is read as manifests.
func readOtherRecord(l *loadState, name string, r *bufio.Reader, _ route) error {
	data, tooBig, err := readSmall(r)
	if err != nil {
		return err
	}
	var errorList []string
	var record struct {
		ConfigMapExists *bool `json:"configMapExists"`
	}
	if !tooBig && (json.Unmarshal(data, &errorList) == nil || (json.Unmarshal(data, &record) == nil && record.ConfigMapExists != nil)) {
		clear(data)
		l.layout.note(FormatTroubleshootBundle)
		l.layout.confirm(FormatTroubleshootBundle)
		return nil
	}
	return l.readAsObjects(name, data, r, route{tentative: true})
}

// placeholderAuth is base64("redacted:redacted"): an entry the kubelet would
// use, since troubleshoot only records entries whose auth decoded.
const placeholderAuth = "cmVkYWN0ZWQ6cmVkYWN0ZWQ="

// addTroubleshootSecrets turns the bundle's records into Secrets the analyzers
// can read: a pull Secret listing its registries (values: registries-only),
// and for each secret collector record of an existing Secret, a Secret holding
// the keys known to exist and naming those known to be absent (existence-only).
func (l *loadState) addTroubleshootSecrets() {
	names := make([]objectName, 0, len(l.pullSecrets)+len(l.secretRecords))
	seen := map[objectName]bool{}
	for k := range l.pullSecrets {
		names, seen[k] = append(names, k), true
	}
	for k := range l.secretRecords {
		if !seen[k] {
			names = append(names, k)
		}
	}
	sort.Slice(names, func(i, j int) bool {
		if names[i].Namespace != names[j].Namespace {
			return names[i].Namespace < names[j].Namespace
		}
		return names[i].Name < names[j].Name
	})
	for _, k := range names {
		rec := l.secretRecords[k]
		s := &corev1.Secret{
			TypeMeta:   metav1.TypeMeta{Kind: "Secret", APIVersion: "v1"},
			ObjectMeta: metav1.ObjectMeta{Name: k.Name, Namespace: k.Namespace, Annotations: map[string]string{}},
			Data:       map[string][]byte{},
		}
		if registries, ok := l.pullSecrets[k]; ok {
			s.Type = corev1.SecretTypeDockerConfigJson
			s.Annotations[redact.ValuesAnnotation] = redact.ValuesRegistriesOnly
			s.Data[corev1.DockerConfigJsonKey] = pullPayload(registries)
		} else if rec == nil || !rec.exists {
			continue // recorded as absent: the coverage record says so
		} else {
			s.Annotations[redact.ValuesAnnotation] = redact.ValuesExistenceOnly
		}
		if rec != nil {
			for key := range rec.keys {
				if _, ok := s.Data[key]; !ok {
					s.Data[key] = []byte{}
				}
			}
			if len(rec.absent) > 0 {
				s.Annotations[redact.MissingKeysAnnotation] = strings.Join(sortedKeys(rec.absent), ",")
			}
		}
		d := decoded{obj: s, gvk: schema.GroupVersionKind{Version: "v1", Kind: "Secret"}, kind: "Secret", typed: true}
		if err := d.encode(); err != nil {
			continue
		}
		l.store.add(d, l.nextSeq())
	}
}

// pullPayload builds a .dockerconfigjson with a usable placeholder entry per
// registry, through dockerconfig.Sanitize so that it reads as any sanitized
// payload does. A registry redacted to ***HIDDEN*** stays so named.
func pullPayload(registries []string) []byte {
	auths := make(map[string]map[string]string, len(registries))
	for _, reg := range registries {
		auths[reg] = map[string]string{"auth": placeholderAuth}
	}
	raw, _ := json.Marshal(map[string]any{"auths": auths})
	return dockerconfig.Sanitize(raw, false)
}

// troubleshootCoverage: a kind is collected in each namespace that has its
// <folder>/<ns>.json, failed where an errors file says so, and not collected
// where the bundle has neither (a namespace the collecting user could not
// read is dropped whole). Kinds the collector's version did not know have no
// folder at all. Secrets are partly known: pull Secrets and single records.
func (l *loadState) troubleshootCoverage(c *Coverage) {
	const f = FormatTroubleshootBundle
	e := l.layout
	for _, st := range l.store.objects() {
		if st.d.kind == "Namespace" {
			c.addScope(st.key.Name)
		}
	}
	for ns := range e.namespaces[f] {
		c.addScope(ns)
	}
	kinds := e.coverageKinds(f)
	for kind := range kinds {
		if kind == "Secret" {
			continue
		}
		files, failed := e.kindsOf(f, kind), e.failed[kind]
		plural := pluralKind(kind)
		switch {
		case isClusterScoped(kind) && files[""]:
			c.set(kind, Collected, "")
		case isClusterScoped(kind) && failed != nil:
			c.set(kind, CollectionFailed, failed[""].describe("troubleshoot", plural))
		case !isClusterScoped(kind) && (len(files) > 0 || len(failed) > 0):
			c.setPerNamespace(kind, files, NotCollected, fmt.Sprintf("the support bundle holds no %s for that namespace", plural))
			if why, ok := failed[""]; ok {
				c.set(kind, CollectionFailed, why.describe("troubleshoot", plural))
				c.kind(kind).perNamespace = true
			}
			for ns, why := range failed {
				if ns != "" {
					c.setNamespace(kind, ns, CollectionFailed, why.describe("troubleshoot", plural+" in namespace "+ns))
				}
			}
		default:
			c.set(kind, NotCollected, troubleshootMissing(kind))
		}
	}
	c.set("Secret", Partial, "a support bundle holds no Secrets, only the registries of kubernetes.io/dockerconfigjson pull Secrets")
	for k := range l.pullSecrets {
		c.record("Secret", k.Namespace, k.Name, true)
	}
	for k, rec := range l.secretRecords {
		c.record("Secret", k.Namespace, k.Name, rec.exists)
	}
	l.customResourceCoverage(c)
}

// troubleshootMissing says why a bundle lacks a kind.
func troubleshootMissing(kind string) string {
	switch kind {
	case "ServiceAccount":
		return "this support bundle holds no ServiceAccounts, which troubleshoot collects since v0.70.3"
	case "Role", "RoleBinding", "ClusterRole", "ClusterRoleBinding":
		return fmt.Sprintf("this support bundle holds no %s, which troubleshoot collects since v0.46.0", pluralKind(kind))
	}
	return fmt.Sprintf("this support bundle holds no %s", pluralKind(kind))
}

// customResourceCoverage: troubleshoot lists the objects of every CRD in
// custom-resource-definitions.json (so a kind whose objects it wrote was
// collected), unless custom-resources-errors.json says it failed.
func (l *loadState) customResourceCoverage(c *Coverage) {
	e := l.layout
	for _, st := range l.store.objects() {
		if !st.d.typed {
			if _, set := c.kinds[st.d.kind]; !set {
				c.set(st.d.kind, Collected, "")
			}
		}
	}
	for _, st := range l.store.objects() {
		u, ok := st.d.obj.(*unstructured.Unstructured)
		if !ok || st.d.kind != "CustomResourceDefinition" {
			continue
		}
		kind, _, _ := unstructured.NestedString(u.Object, "spec", "names", "kind")
		if kind == "" {
			continue
		}
		if why, failed := e.crdFailed[""]; failed {
			c.set(kind, CollectionFailed, why.describe("troubleshoot", "custom resources"))
		} else if why, failed := e.crdFailed[st.key.Name]; failed {
			c.set(kind, CollectionFailed, why.describe("troubleshoot", pluralKind(kind)))
		} else {
			c.set(kind, Collected, "")
		}
	}
}

// isClusterScoped tells whether a kind lives outside namespaces.
func isClusterScoped(kind string) bool { return clusterScoped[kind] }
