//go:build unix

package main

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// TestAnalyzeIsOffline proves that analyze opens no network connection and
// reads no kubeconfig. Every way to a cluster points at a listener the test
// owns (KUBECONFIG, ~/.kube/config, the proxy variables, the in-cluster
// variables), and each kubeconfig is a named pipe: opening it for reading,
// which any kubeconfig loader does, is seen by the writer the test keeps
// waiting on the other end.
func TestAnalyzeIsOffline(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	var connections atomic.Int32
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			connections.Add(1)
			c.Close()
		}
	}()
	addr := ln.Addr().String()
	host, port, _ := net.SplitHostPort(addr)

	home := t.TempDir()
	if err := os.MkdirAll(filepath.Join(home, ".kube"), 0o700); err != nil {
		t.Fatal(err)
	}
	kubeconfigs := []string{filepath.Join(t.TempDir(), "kubeconfig"), filepath.Join(home, ".kube", "config")}
	var opened []*atomic.Bool
	for _, p := range kubeconfigs {
		opened = append(opened, watchReads(t, p, kubeconfigFor(addr)))
	}
	t.Setenv("KUBECONFIG", kubeconfigs[0])
	t.Setenv("HOME", home)
	for _, v := range []string{"HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"} {
		t.Setenv(v, "http://"+addr)
	}
	t.Setenv("NO_PROXY", "")
	t.Setenv("no_proxy", "")
	t.Setenv("KUBERNETES_SERVICE_HOST", host)
	t.Setenv("KUBERNETES_SERVICE_PORT", port)

	for _, dump := range []string{"formats-kubectl", "formats-troubleshoot", "formats-mustgather", "formats-clusterinfo-dir", "formats-velero", "demo"} {
		input := findDumpInput(filepath.Join("..", "..", "fixtures", dump))
		for _, format := range []string{"json", "table"} {
			code, _, stderr := runCLI(t, "", "analyze", "-q", "-o", format, "--fail-on", "none", input)
			if code != 0 {
				t.Fatalf("%s: exit %d: %s", dump, code, stderr)
			}
		}
	}
	// can-i reads RBAC from the dump the same way.
	runCLI(t, "", "can-i", "get", "secrets", "-n", "shop", "--as", "system:serviceaccount:shop:orders", filepath.Join("..", "..", "fixtures", "demo", "dump.yaml"))
	time.Sleep(100 * time.Millisecond) // let a connection or an open be seen
	if n := connections.Load(); n > 0 {
		t.Errorf("analyze opened %d network connections", n)
	}
	for i, p := range kubeconfigs {
		if opened[i].Load() {
			t.Errorf("analyze opened the kubeconfig %s", p)
		}
	}
}

func kubeconfigFor(addr string) string {
	return fmt.Sprintf(`apiVersion: v1
kind: Config
clusters:
- name: trap
  cluster: {server: "https://%s", insecure-skip-tls-verify: true}
users:
- name: trap
  user: {token: trap}
contexts:
- name: trap
  context: {cluster: trap, user: trap}
current-context: trap
`, addr)
}

// watchReads makes path a named pipe and reports whether anything opened it
// for reading (it is then served body, so that nothing hangs).
func watchReads(t *testing.T, path, body string) *atomic.Bool {
	t.Helper()
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Skipf("no named pipes here: %v", err)
	}
	var opened atomic.Bool
	var done atomic.Bool
	go func() {
		// Blocks until a reader opens the pipe.
		f, err := os.OpenFile(path, os.O_WRONLY, 0)
		if err != nil {
			return
		}
		if !done.Load() {
			opened.Store(true)
			f.WriteString(body)
		}
		f.Close()
	}()
	t.Cleanup(func() {
		done.Store(true)
		// Release the writer.
		if f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0); err == nil {
			time.Sleep(10 * time.Millisecond)
			f.Close()
		}
	})
	return &opened
}

// TestAnalyzePathImportsNoClusterAccess: the packages analyze runs (loader,
// analyzer, report) do not even link what reaches a cluster: kubeconfig
// loading, client auth plugins, or the live collector.
func TestAnalyzePathImportsNoClusterAccess(t *testing.T) {
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command")
	}
	cmd := exec.Command(gobin, "list", "-deps", "-f", "{{.ImportPath}}", "../../loader/...", "../../analyzer/...", "../../report/...")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	// client-go's rest package (under the fake clientset's typed clients)
	// links kubeconfig types and the exec credential plugin, but not the
	// kubeconfig loader or the cloud auth providers.
	forbidden := map[string]bool{
		"k8s.io/client-go/tools/clientcmd":                  true,
		"k8s.io/client-go/plugin/pkg/client/auth":           true,
		"k8s.io/client-go/plugin/pkg/client/auth/oidc":      true,
		"k8s.io/client-go/tools/auth":                       true,
		"k8s.io/client-go/transport/spdy":                   true,
		"k8s.io/client-go/tools/portforward":                true,
		"github.com/secretscan/secretscan/internal/collect": true,
	}
	for _, pkg := range strings.Fields(string(out)) {
		if forbidden[pkg] {
			t.Errorf("the analyze path imports %s", pkg)
		}
	}
}
