package loader

import (
	"bufio"
	"context"
	"strings"
	"testing"
)

// TestKubectlText: kubectl's tables and describe output are named as such,
// and nothing else is.
func TestKubectlText(t *testing.T) {
	tests := []struct {
		name, text, want string
	}{
		{"get pods", "NAME                   READY   STATUS    RESTARTS   AGE\nweb-1   0/1   Pending   0   2m\n", "a get table"},
		{"get pods -A -o wide", "NAMESPACE   NAME    READY   STATUS    RESTARTS   AGE   IP     NODE   NOMINATED NODE   READINESS GATES\n", "a get table"},
		{"get events", "\nLAST SEEN   TYPE      REASON        OBJECT        MESSAGE\n2m  Warning  FailedMount  pod/web  x\n", "a get table"},
		{"get events -A", "NAMESPACE   LAST SEEN   TYPE      REASON        OBJECT   MESSAGE\r\n", "a get table"},
		{"describe pod", "Name:             web-1\nNamespace:        shop\nEvents:\n  Type  Reason\n", "describe"},
		{"describe secret", "Name:         db\nNamespace:    shop\nLabels:       <none>\n\nType:  Opaque\n\nData\n====\npassword:  12 bytes\n", "describe"},
		{"a YAML object", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: NAME  READY\n", ""},
		{"YAML whose first key is Name", "Name:  x\napiVersion: v1\nkind: ConfigMap\nNamespace: y\n", ""},
		{"one column", "NAME\nweb-1\n", ""},
		{"a sentence", "NAME OF THE GAME  is words\n", ""},
		{"empty", "\n\n", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := kubectlText(bufio.NewReader(strings.NewReader(tt.text))); got != tt.want {
				t.Errorf("kubectlText = %q, want %q", got, tt.want)
			}
		})
	}
	t.Run("a whole input says to rerun with -o yaml", func(t *testing.T) {
		_, err := Load(context.Background(), writeFile(t, "pods.txt", tests[0].text), Options{})
		if err == nil || !strings.Contains(err.Error(), "pods.txt: this is kubectl's text output (a get table), which holds no objects; rerun kubectl with -o yaml (or -o json); skipped") {
			t.Errorf("err = %v", err)
		}
	})
}
