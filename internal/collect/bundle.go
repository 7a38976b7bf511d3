package collect

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"time"

	yaml "go.yaml.in/yaml/v3"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// bundleWriter writes the bundle's tar.gz one member at a time. Each member is
// built whole in memory first (tar needs its size): one kind's objects of one
// namespace at most.
type bundleWriter struct {
	counter *countingWriter
	gz      *gzip.Writer
	tw      *tar.Writer
	modTime time.Time
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

func newBundleWriter(w io.Writer, modTime time.Time) *bundleWriter {
	cw := &countingWriter{w: w}
	gz := gzip.NewWriter(cw)
	return &bundleWriter{counter: cw, gz: gz, tw: tar.NewWriter(gz), modTime: modTime}
}

// add writes one file; members are private to whoever extracts them (0600),
// as the cluster's data is.
func (b *bundleWriter) add(name string, data []byte) error {
	hdr := &tar.Header{Name: name, Mode: 0o600, Size: int64(len(data)), ModTime: b.modTime, Typeflag: tar.TypeReg, Format: tar.FormatPAX}
	if err := b.tw.WriteHeader(hdr); err != nil {
		return fmt.Errorf("writing %s: %w", name, err)
	}
	if _, err := b.tw.Write(data); err != nil {
		return fmt.Errorf("writing %s: %w", name, err)
	}
	return nil
}

func (b *bundleWriter) addYAML(name string, v any) error {
	// yaml.v3 keeps the fields in their declared order (format and version
	// first), which sigs.k8s.io/yaml would sort.
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("encoding %s: %w", name, err)
	}
	if err := enc.Close(); err != nil {
		return fmt.Errorf("encoding %s: %w", name, err)
	}
	return b.add(name, buf.Bytes())
}

func (b *bundleWriter) close() error {
	if err := b.tw.Close(); err != nil {
		return err
	}
	return b.gz.Close()
}

// written is the number of compressed bytes written so far.
func (b *bundleWriter) written() int64 { return b.counter.n }

// encodeList renders objects as a typed List of their kind, one item per line
// (readable with grep and less, compact once gzipped). Every item carries its
// apiVersion and kind.
func encodeList(gvk schema.GroupVersionKind, objs []runtime.Object) ([]byte, error) {
	var buf bytes.Buffer
	head, _ := json.Marshal(map[string]any{"apiVersion": gvk.GroupVersion().String(), "kind": gvk.Kind + "List", "metadata": map[string]any{}})
	// Open the object to append items: {"apiVersion":..,"kind":..,"metadata":{},"items":[
	buf.Write(head[:len(head)-1])
	buf.WriteString(`,"items":[`)
	for i, obj := range objs {
		obj.GetObjectKind().SetGroupVersionKind(gvk)
		item, err := json.Marshal(obj)
		if err != nil {
			return nil, fmt.Errorf("encoding %s: %w", gvk.Kind, err)
		}
		if i > 0 {
			buf.WriteByte(',')
		}
		buf.WriteByte('\n')
		buf.Write(item)
	}
	buf.WriteString("\n]}\n")
	return buf.Bytes(), nil
}
