package collect

import (
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

func TestItemCounter(t *testing.T) {
	for _, tt := range []struct {
		body string
		want int
	}{
		{`{"kind":"PodList","items":[]}`, 0},
		{`{"kind":"PodList","metadata":{"continue":"x"},"items":[{"a":1},{"b":{"items":[{"c":2}]}}]}`, 2},
		{`{"items":[{"m":"a \"}{\" [{ brace"},{"n":"\\\\"},{}],"x":[{"y":1}]}`, 3},
		{`{"metadata":{"items":[{}]},"items":null}`, 0},
	} {
		got := -1
		c := &itemCounter{ReadCloser: io.NopCloser(iotest.OneByteReader(strings.NewReader(tt.body))), done: func(n int) { got = n }}
		if _, err := io.ReadAll(c); err != nil {
			t.Fatal(err)
		}
		c.Close()
		if got != tt.want {
			t.Errorf("%s: %d items, want %d", tt.body, got, tt.want)
		}
	}
}
