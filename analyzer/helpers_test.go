package analyzer

import (
	"context"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	dynamicfake "k8s.io/client-go/dynamic/fake"
	"k8s.io/client-go/kubernetes/fake"
	"k8s.io/client-go/kubernetes/scheme"
	"sigs.k8s.io/yaml"
)

// objects decodes YAML documents (separated by ---) into typed objects.
func objects(t *testing.T, docs string) []runtime.Object {
	t.Helper()
	var out []runtime.Object
	for _, doc := range strings.Split(docs, "\n---\n") {
		if strings.TrimSpace(doc) == "" {
			continue
		}
		obj, _, err := scheme.Codecs.UniversalDeserializer().Decode([]byte(doc), nil, nil)
		if err != nil {
			t.Fatalf("decoding test object: %v\n%s", err, doc)
		}
		out = append(out, obj)
	}
	return out
}

// coverageStub answers Covers from a fixed list of kinds the source lacks.
type coverageStub map[string]string

func (c coverageStub) Covers(kind, namespace, name string) (bool, string) {
	if why, missing := c[kind]; missing {
		return false, why
	}
	return true, ""
}

// analyze runs every check over objects, as a live cluster would serve them
// (cov nil) or as a dump that lacks some kinds.
func analyze(t *testing.T, docs string, cov Coverage) []Finding {
	t.Helper()
	client := fake.NewSimpleClientset(objects(t, docs)...)
	res, err := Analyze(context.Background(), Cluster{Client: client, Coverage: cov})
	if err != nil {
		t.Fatal(err)
	}
	return res.Findings
}

// brief renders findings as "id ns/Kind/name secret" lines for compact assertions.
func brief(findings []Finding) []string {
	out := make([]string, 0, len(findings))
	for _, f := range findings {
		out = append(out, strings.Join([]string{string(f.ID), f.Severity.String(), f.Namespace + "/" + f.Object.Kind + "/" + f.Object.Name, f.Secret}, " "))
	}
	return out
}

func sameLines(t *testing.T, got, want []string) {
	t.Helper()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("findings:\n  got:\n    %s\n  want:\n    %s", strings.Join(got, "\n    "), strings.Join(want, "\n    "))
	}
}

// analyzeWithCustom runs every check with custom resources (YAML documents)
// served by client-go's dynamic fake client, as a dump's loader would.
func analyzeWithCustom(t *testing.T, docs, custom string, cov Coverage) []Finding {
	t.Helper()
	listKinds := map[schema.GroupVersionResource]string{}
	for _, pk := range producerKinds {
		for _, gvr := range pk.Resources {
			listKinds[gvr] = pk.Kind + "List"
		}
	}
	for _, gvr := range secretProviderClassResources {
		listKinds[gvr] = "SecretProviderClassList"
	}
	var crs []runtime.Object
	for _, doc := range strings.Split(custom, "\n---\n") {
		if strings.TrimSpace(doc) == "" {
			continue
		}
		var m map[string]any
		if err := yaml.Unmarshal([]byte(doc), &m); err != nil {
			t.Fatal(err)
		}
		crs = append(crs, &unstructured.Unstructured{Object: m})
	}
	client := fake.NewSimpleClientset(objects(t, docs)...)
	dyn := dynamicfake.NewSimpleDynamicClientWithCustomListKinds(runtime.NewScheme(), listKinds, crs...)
	res, err := Analyze(context.Background(), Cluster{Client: client, Dynamic: dyn, Coverage: cov})
	if err != nil {
		t.Fatal(err)
	}
	return res.Findings
}
