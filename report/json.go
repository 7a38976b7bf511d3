package report

import (
	"bytes"
	"encoding/json"
	"io"

	"sigs.k8s.io/yaml"
)

func marshalJSON(r *Report) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(r); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// writeJSON renders the contract's JSON: stable field names, sorted findings,
// map keys sorted, so the same dump gives byte-identical output.
func writeJSON(w io.Writer, r *Report) error {
	b, err := marshalJSON(r)
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}

// writeYAML renders the same document as YAML.
func writeYAML(w io.Writer, r *Report) error {
	b, err := marshalJSON(r)
	if err != nil {
		return err
	}
	y, err := yaml.JSONToYAML(b)
	if err != nil {
		return err
	}
	_, err = w.Write(y)
	return err
}
