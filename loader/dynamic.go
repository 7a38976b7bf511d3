package loader

import (
	"context"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/dynamic"
	dynamicfake "k8s.io/client-go/dynamic/fake"
)

// dumpDynamic serves the dump's custom resources through client-go's dynamic
// fake client. A resource the dump does not hold answers NotFound, as an API
// server without that CRD does (the fake client would panic on a List instead).
type dumpDynamic struct {
	fake  *dynamicfake.FakeDynamicClient
	known map[schema.GroupVersionResource]string
}

func newDumpDynamic(fake *dynamicfake.FakeDynamicClient, known map[schema.GroupVersionResource]string) *dumpDynamic {
	return &dumpDynamic{fake: fake, known: known}
}

func (d *dumpDynamic) Resource(gvr schema.GroupVersionResource) dynamic.NamespaceableResourceInterface {
	if _, ok := d.known[gvr]; ok {
		return d.fake.Resource(gvr)
	}
	return absentResource{gvr: gvr}
}

// absentResource answers every call with NotFound.
type absentResource struct {
	gvr schema.GroupVersionResource
}

func (a absentResource) err(name string) error {
	return apierrors.NewNotFound(a.gvr.GroupResource(), name)
}

func (a absentResource) Namespace(string) dynamic.ResourceInterface { return a }
func (a absentResource) Create(context.Context, *unstructured.Unstructured, metav1.CreateOptions, ...string) (*unstructured.Unstructured, error) {
	return nil, a.err("")
}
func (a absentResource) Update(context.Context, *unstructured.Unstructured, metav1.UpdateOptions, ...string) (*unstructured.Unstructured, error) {
	return nil, a.err("")
}
func (a absentResource) UpdateStatus(context.Context, *unstructured.Unstructured, metav1.UpdateOptions) (*unstructured.Unstructured, error) {
	return nil, a.err("")
}
func (a absentResource) Delete(_ context.Context, name string, _ metav1.DeleteOptions, _ ...string) error {
	return a.err(name)
}
func (a absentResource) DeleteCollection(context.Context, metav1.DeleteOptions, metav1.ListOptions) error {
	return a.err("")
}
func (a absentResource) Get(_ context.Context, name string, _ metav1.GetOptions, _ ...string) (*unstructured.Unstructured, error) {
	return nil, a.err(name)
}
func (a absentResource) List(context.Context, metav1.ListOptions) (*unstructured.UnstructuredList, error) {
	return nil, a.err("")
}
func (a absentResource) Watch(context.Context, metav1.ListOptions) (watch.Interface, error) {
	return nil, a.err("")
}
func (a absentResource) Patch(_ context.Context, name string, _ types.PatchType, _ []byte, _ metav1.PatchOptions, _ ...string) (*unstructured.Unstructured, error) {
	return nil, a.err(name)
}
func (a absentResource) Apply(_ context.Context, name string, _ *unstructured.Unstructured, _ metav1.ApplyOptions, _ ...string) (*unstructured.Unstructured, error) {
	return nil, a.err(name)
}
func (a absentResource) ApplyStatus(_ context.Context, name string, _ *unstructured.Unstructured, _ metav1.ApplyOptions) (*unstructured.Unstructured, error) {
	return nil, a.err(name)
}
