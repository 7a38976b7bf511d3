// Package redact removes Secret values from objects read from a dump, and
// records on each Secret what was removed, so that the analyzers know which
// questions the remaining data can answer. It is the one place that decides what
// of a Secret survives loading: type, key names, value sizes, and for image pull
// Secrets the registries and whether each entry holds usable credentials.
package redact

import (
	"encoding/json"
	"sort"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/secretscan/secretscan/internal/dockerconfig"
)

// Annotations written on Secrets by the loader. A Secret without ValuesAnnotation
// holds its real values (a live cluster).
const (
	// ValuesAnnotation says how the values were removed; see the Values* constants.
	ValuesAnnotation = "secretscan.io/values"
	// SizesAnnotation holds {"key": bytes} for the removed values, where known.
	SizesAnnotation = "secretscan.io/value-sizes"
	// MissingKeysAnnotation lists keys the source recorded as absent (comma separated).
	MissingKeysAnnotation = "secretscan.io/missing-keys"

	// ValuesRemoved: secretscan removed the values at load; key names and sizes
	// are real, and a pull Secret's payload keeps its structure with placeholder credentials.
	ValuesRemoved = "removed"
	// ValuesElided: the dump itself replaced the values (must-gather's "N bytes long",
	// troubleshoot's ***HIDDEN***); key names are real, payloads cannot be judged.
	ValuesElided = "elided"
	// ValuesRegistriesOnly: the source recorded a pull Secret's registries, not its
	// credentials (troubleshoot's image-pull-secrets/); usability cannot be judged.
	ValuesRegistriesOnly = "registries-only"
	// ValuesExistenceOnly: the source recorded that the Secret exists (and which
	// keys do or do not), nothing else; other keys are unknown.
	ValuesExistenceOnly = "existence-only"
)

// LastAppliedAnnotation holds a full copy of the object as last applied: for a
// Secret, its values. It is dropped from every object.
const LastAppliedAnnotation = "kubectl.kubernetes.io/last-applied-configuration"

// droppedAnnotations may hold values and are removed from every object.
var droppedAnnotations = []string{
	LastAppliedAnnotation,
	"openshift.io/token-secret.value",
}

// DroppedAnnotations are the annotations removed from every object's metadata.
func DroppedAnnotations() []string { return droppedAnnotations }

// ObjectMeta drops what no analysis needs and may carry values or bulk:
// managedFields and value-bearing annotations.
func ObjectMeta(m *metav1.ObjectMeta) {
	m.ManagedFields = nil
	for _, a := range droppedAnnotations {
		delete(m.Annotations, a)
	}
}

// Secret removes every value of s in place. Key names (of data and stringData)
// and sizes are kept; a docker config payload is replaced by a sanitized copy
// that keeps registries and credential usability. The Secret is marked
// ValuesRemoved unless the source already marked how its values were lost.
func Secret(s *corev1.Secret) {
	ObjectMeta(&s.ObjectMeta)
	if s.Annotations[ValuesAnnotation] != "" && len(s.Data) == 0 && len(s.StringData) == 0 {
		return
	}
	sizes := make(map[string]int, len(s.Data)+len(s.StringData))
	data := make(map[string][]byte, len(s.Data)+len(s.StringData))
	for k, v := range s.Data {
		sizes[k] = len(v)
		data[k] = sanitizeValue(s.Type, k, v)
	}
	// stringData is write-only and merged into data by the apiserver; manifests
	// carry it, and its keys count as the Secret's keys.
	for k, v := range s.StringData {
		sizes[k] = len(v)
		data[k] = sanitizeValue(s.Type, k, []byte(v))
	}
	s.Data = data
	s.StringData = nil
	if s.Annotations == nil {
		s.Annotations = map[string]string{}
	}
	// Sizes are real only when the values were: a source that elided them
	// records its own sizes (must-gather's "N bytes long") or none.
	if s.Annotations[ValuesAnnotation] == "" {
		s.Annotations[ValuesAnnotation] = ValuesRemoved
		s.Annotations[SizesAnnotation] = encodeSizes(sizes)
	}
}

// EncodeSizes renders value sizes for SizesAnnotation.
func EncodeSizes(sizes map[string]int) string { return encodeSizes(sizes) }

// sanitizeValue keeps a pull Secret's payload structure (registries, which
// entries are usable) and drops every other value.
func sanitizeValue(t corev1.SecretType, key string, v []byte) []byte {
	switch {
	case key == corev1.DockerConfigJsonKey && t == corev1.SecretTypeDockerConfigJson:
		return dockerconfig.Sanitize(v, false)
	case key == corev1.DockerConfigKey && t == corev1.SecretTypeDockercfg:
		return dockerconfig.Sanitize(v, true)
	case key == corev1.DockerConfigJsonKey || key == corev1.DockerConfigKey:
		// A docker config under the wrong type: the kubelet ignores it, but the
		// report says what it holds.
		return dockerconfig.Sanitize(v, key == corev1.DockerConfigKey)
	}
	return []byte{}
}

func encodeSizes(sizes map[string]int) string {
	keys := make([]string, 0, len(sizes))
	for k := range sizes {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteByte('{')
	for i, k := range keys {
		if i > 0 {
			b.WriteByte(',')
		}
		name, _ := json.Marshal(k)
		b.Write(name)
		b.WriteByte(':')
		b.WriteString(strconv.Itoa(sizes[k]))
	}
	b.WriteByte('}')
	return b.String()
}

// Sizes returns the recorded value sizes of a Secret, or, for a Secret with real
// values, their lengths.
func Sizes(s *corev1.Secret) map[string]int {
	if raw := s.Annotations[SizesAnnotation]; raw != "" {
		sizes := map[string]int{}
		if json.Unmarshal([]byte(raw), &sizes) == nil {
			return sizes
		}
	}
	if s.Annotations[ValuesAnnotation] != "" {
		return nil
	}
	sizes := make(map[string]int, len(s.Data))
	for k, v := range s.Data {
		sizes[k] = len(v)
	}
	return sizes
}

// How says how a Secret's values were removed ("" for real values).
func How(s *corev1.Secret) string { return s.Annotations[ValuesAnnotation] }

// KeysKnown reports whether the Secret's key names are all known, so that a key
// absent from it is really absent.
func KeysKnown(s *corev1.Secret) bool {
	h := How(s)
	return h != ValuesExistenceOnly && h != ValuesRegistriesOnly
}

// KnownMissingKey reports whether the source recorded key as absent from the Secret.
func KnownMissingKey(s *corev1.Secret, key string) bool {
	for _, k := range strings.Split(s.Annotations[MissingKeysAnnotation], ",") {
		if k == key && k != "" {
			return true
		}
	}
	return false
}

// PayloadJudgeable reports whether a pull Secret's payload says what the real
// one holds (real values, or removed by secretscan with structure kept).
func PayloadJudgeable(s *corev1.Secret) bool {
	h := How(s)
	return h == "" || h == ValuesRemoved
}
