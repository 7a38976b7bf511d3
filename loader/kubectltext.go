package loader

import (
	"bufio"
	"bytes"
	"regexp"
)

// kubectl's text output (a `kubectl get` table, `kubectl describe`) holds
// no objects that can be read back; saying so is more use than a YAML error.

var (
	// tableColumn is one column title of a kubectl table: NAME, READY,
	// LAST SEEN, NOMINATED NODE, AGE(S)...
	tableColumn = regexp.MustCompile(`^[A-Z][A-Z0-9()/_.-]*( [A-Z][A-Z0-9()/_.-]*)*$`)
	// columnGap separates the columns of a kubectl table (at least 2 spaces,
	// or a tab with -o wide in some versions).
	columnGap = regexp.MustCompile(`  +|\t+`)
	// describeKeys are the fields kubectl describe prints at column 0 after Name:.
	describeKeys = regexp.MustCompile(`(?m)^(Namespace|Labels|Annotations|Events|Status|Type|Data|Controlled By|Selector|Priority|Node|Start Time):`)
	// objectKeys start a Kubernetes object in YAML, which describe output never has.
	objectKeys = regexp.MustCompile(`(?m)^(apiVersion|kind):`)
)

// kubectlText names the kubectl text output a file starts with ("a get
// table", "describe"), or "" for anything else.
func kubectlText(r *bufio.Reader) string {
	head, _ := r.Peek(16 << 10)
	head = bytes.TrimPrefix(head, []byte("\xef\xbb\xbf"))
	var first []byte
	for len(head) > 0 && first == nil {
		line := head
		if i := bytes.IndexByte(head, '\n'); i >= 0 {
			line, head = head[:i], head[i+1:]
		} else {
			head = nil
		}
		if line = bytes.TrimRight(line, " \r\t"); len(line) > 0 {
			first = line
		}
	}
	switch {
	case first == nil:
		return ""
	case isTableHeader(first):
		return "a get table"
	case bytes.HasPrefix(first, []byte("Name:")) && len(first) > 6 && (first[5] == ' ' || first[5] == '\t') && describeKeys.Match(head) && !objectKeys.Match(head):
		return "describe"
	}
	return ""
}

// isTableHeader: NAME  READY  STATUS..., NAMESPACE  NAME ..., LAST SEEN  TYPE  REASON ...
func isTableHeader(line []byte) bool {
	columns := columnGap.Split(string(bytes.TrimSpace(line)), -1)
	if len(columns) < 2 {
		return false
	}
	switch columns[0] {
	case "NAME", "NAMESPACE", "LAST SEEN":
	default:
		return false
	}
	for _, c := range columns {
		if !tableColumn.MatchString(c) {
			return false
		}
	}
	return true
}
