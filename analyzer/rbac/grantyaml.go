package rbac

import (
	"strconv"
	"strings"
)

// maxObjectName is the longest name the apiserver accepts for a Role or
// RoleBinding (a DNS subdomain).
const maxObjectName = 253

// MinimalGrantYAML returns a Role allowing only verb on Secrets (only the named
// Secret when secretName is given) and a RoleBinding of it to the
// ServiceAccount, as a two-document manifest for `kubectl apply -f -`.
// An empty verb means get.
func MinimalGrantYAML(namespace, saName, verb, secretName string) string {
	return GrantYAML(namespace, namespace, saName, []string{verb}, secretName)
}

// GrantYAML is MinimalGrantYAML for several verbs and a ServiceAccount of
// another namespace (a RoleBinding may name one): the Role and RoleBinding
// live in namespace, the subject in saNamespace.
func GrantYAML(namespace, saNamespace, saName string, verbs []string, secretName string) string {
	var kept []string
	for _, v := range verbs {
		if v == "" {
			v = "get"
		}
		// create carries no name at authorization time, so resourceNames would
		// make the Role useless for it.
		if v == "create" || v == "deletecollection" {
			secretName = ""
		}
		if !contains(kept, v) {
			kept = append(kept, v)
		}
	}
	if len(kept) == 0 {
		kept = []string{"get"}
	}
	name := grantObjectName(saName, kept[0], secretName)
	quoted := make([]string, len(kept))
	for i, v := range kept {
		quoted[i] = yamlString(v)
	}

	var b strings.Builder
	b.WriteString("apiVersion: rbac.authorization.k8s.io/v1\n")
	b.WriteString("kind: Role\n")
	b.WriteString("metadata:\n")
	b.WriteString("  name: " + yamlString(name) + "\n")
	b.WriteString("  namespace: " + yamlString(namespace) + "\n")
	b.WriteString("rules:\n")
	b.WriteString("- apiGroups: [\"\"]\n")
	b.WriteString("  resources: [\"secrets\"]\n")
	b.WriteString("  verbs: [" + strings.Join(quoted, ", ") + "]\n")
	if secretName != "" {
		b.WriteString("  resourceNames: [" + yamlString(secretName) + "]\n")
	}
	b.WriteString("---\n")
	b.WriteString("apiVersion: rbac.authorization.k8s.io/v1\n")
	b.WriteString("kind: RoleBinding\n")
	b.WriteString("metadata:\n")
	b.WriteString("  name: " + yamlString(name) + "\n")
	b.WriteString("  namespace: " + yamlString(namespace) + "\n")
	b.WriteString("roleRef:\n")
	b.WriteString("  apiGroup: rbac.authorization.k8s.io\n")
	b.WriteString("  kind: Role\n")
	b.WriteString("  name: " + yamlString(name) + "\n")
	b.WriteString("subjects:\n")
	b.WriteString("- kind: ServiceAccount\n")
	b.WriteString("  name: " + yamlString(saName) + "\n")
	b.WriteString("  namespace: " + yamlString(saNamespace) + "\n")
	return b.String()
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// grantObjectName builds "<sa>-read-<secret>" ("-secrets" without a name),
// "read" standing for get, list and watch, within the apiserver's name limit.
func grantObjectName(saName, verb, secretName string) string {
	action := verb
	switch verb {
	case "get", "list", "watch":
		action = "read"
	case "*":
		action = "all"
	}
	target := secretName
	if target == "" {
		target = "secrets"
	}
	name := strings.ToLower(saName + "-" + action + "-" + target)
	if len(name) > maxObjectName {
		name = name[:maxObjectName]
	}
	// A name must end in an alphanumeric character.
	return strings.TrimRight(name, "-.")
}

// yamlString double-quotes a value so that names such as "true" or "0123"
// stay strings; Go's escapes are a subset of YAML's double-quoted ones.
func yamlString(s string) string {
	return strconv.Quote(s)
}
