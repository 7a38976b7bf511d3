package main

import (
	"fmt"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/secretscan/secretscan/analyzer"
	"github.com/secretscan/secretscan/analyzer/rbac"
	"github.com/secretscan/secretscan/loader"
)

func canICommand() *cli.Command {
	return &cli.Command{
		Name:      "can-i",
		Usage:     "answer kubectl auth can-i from a dump's RBAC objects, offline, and say which binding decides",
		ArgsUsage: "VERB TYPE[/NAME] DUMP",
		Description: `Evaluates the dump's Roles, ClusterRoles, RoleBindings and ClusterRoleBindings
with the Kubernetes RBAC authorizer's rules (ServiceAccount groups, ClusterRoles
bound by RoleBindings, wildcards, resourceNames, aggregated ClusterRoles).
Prints yes or no, then the binding and rule that grant it, or the closest ones
that do not. Exits 0 for yes, 1 for no, 2 when the dump holds no RBAC objects.

Examples (they run on the demo dump):
  secretscan can-i get secrets/db-credential -n shop --as system:serviceaccount:shop:orders fixtures/demo/dump.yaml
  secretscan can-i list secrets -n shop --as system:serviceaccount:shop:reporting fixtures/demo/dump.yaml
  secretscan can-i get secrets/payment-keys -n payments --as system:serviceaccount:payments:gateway fixtures/demo/dump.yaml`,
		OnUsageError: usageErrorHandler,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "namespace", Aliases: []string{"n"}, Value: "default", Usage: "namespace of the request"},
			&cli.StringFlag{Name: "as", Usage: "user to ask for, e.g. system:serviceaccount:shop:web (required: a dump has no current user)"},
			&cli.StringSliceFlag{Name: "as-group", Usage: "group to ask for (repeatable); replaces the groups the user name implies, as kubectl --as-group does"},
			&cli.StringFlag{Name: "subresource", Usage: "subresource of the request, e.g. log"},
			&cli.BoolFlag{Name: "all-namespaces", Aliases: []string{"A"}, Usage: "ask about all namespaces (cluster-wide grants only)"},
			&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "print nothing; only the exit status answers"},
		},
		Action: runCanI,
	}
}

// coreResources maps the singular and short names people type to resources.
var coreResources = map[string]string{
	"secret": "secrets", "pod": "pods", "po": "pods", "configmap": "configmaps", "cm": "configmaps",
	"serviceaccount": "serviceaccounts", "sa": "serviceaccounts", "service": "services", "svc": "services",
	"deployment": "deployments.apps", "deploy": "deployments.apps", "deployments": "deployments.apps",
	"statefulset": "statefulsets.apps", "sts": "statefulsets.apps", "statefulsets": "statefulsets.apps",
	"daemonset": "daemonsets.apps", "ds": "daemonsets.apps", "daemonsets": "daemonsets.apps",
	"replicaset": "replicasets.apps", "rs": "replicasets.apps", "replicasets": "replicasets.apps",
	"job": "jobs.batch", "jobs": "jobs.batch", "cronjob": "cronjobs.batch", "cronjobs": "cronjobs.batch",
	"event": "events", "ev": "events", "namespace": "namespaces", "ns": "namespaces", "node": "nodes", "no": "nodes",
}

// parseResource reads TYPE[/NAME] as kubectl does: "secrets/db", "deployments.apps".
func parseResource(arg string) (group, resource, name string) {
	resource, name, _ = strings.Cut(arg, "/")
	resource = strings.ToLower(resource)
	if full, ok := coreResources[resource]; ok {
		resource = full
	}
	if i := strings.IndexByte(resource, '.'); i >= 0 {
		resource, group = resource[:i], resource[i+1:]
	}
	return group, resource, name
}

func runCanI(c *cli.Context) error {
	if c.NArg() != 3 {
		return usagef("can-i needs VERB TYPE[/NAME] DUMP, e.g. can-i get secrets/db -n shop --as system:serviceaccount:shop:web dump.yaml")
	}
	verb, target, dumpPath := c.Args().Get(0), c.Args().Get(1), c.Args().Get(2)
	user := c.String("as")
	if user == "" {
		return usagef("can-i needs --as USER (a dump has no current user), e.g. --as system:serviceaccount:shop:web")
	}
	group, resource, name := parseResource(target)
	namespace := c.String("namespace")
	if c.Bool("all-namespaces") {
		namespace = ""
	}
	dump, err := loader.Load(c.Context, dumpPath, loader.Options{Stdin: c.App.Reader})
	if err != nil {
		return usagef("%v", err)
	}
	req := rbac.Request{Verb: verb, APIGroup: group, Resource: resource, Subresource: c.String("subresource"), Namespace: namespace, Name: name}
	subject := rbac.Impersonate(user, c.StringSlice("as-group"))
	answer, err := analyzer.CanI(c.Context, analyzer.Cluster{Client: dump.Client, Coverage: dump.Coverage}, subject, req)
	if err != nil {
		return usagef("%v", err)
	}
	out := c.App.Writer
	quiet := c.Bool("quiet")
	if !answer.Known {
		if !quiet {
			fmt.Fprintf(out, "unknown\n  the dump cannot answer: %s\n", answer.Why)
		}
		return exitCode(exitUsage)
	}
	d := answer.Decision
	if quiet {
		if d.Allowed {
			return nil
		}
		return exitCode(exitFindings)
	}
	if d.Allowed {
		fmt.Fprintln(out, "yes")
		for _, g := range d.Grants {
			fmt.Fprintf(out, "  granted by %s\n", describeGrant(g))
		}
		return nil
	}
	fmt.Fprintln(out, "no")
	if len(d.NearMisses) == 0 {
		fmt.Fprintf(out, "  no Role or ClusterRole bound to %s allows %s on %s\n", subject, verb, target)
	}
	for i, nm := range d.NearMisses {
		if i == 5 {
			fmt.Fprintf(out, "  ... and %d more near misses\n", len(d.NearMisses)-5)
			break
		}
		fmt.Fprintf(out, "  closest: %s\n", nm.Detail)
	}
	return exitCode(exitFindings)
}

// describeGrant renders "RoleBinding shop/read -> Role secret-reader: get secrets [db] (via ServiceAccount shop/web)".
func describeGrant(g rbac.Grant) string {
	binding := g.BindingKind + " " + g.BindingName
	if g.BindingNamespace != "" {
		binding = g.BindingKind + " " + g.BindingNamespace + "/" + g.BindingName
	}
	rule := strings.Join(g.Rule.Verbs, ",") + " " + strings.Join(g.Rule.Resources, ",")
	if len(g.Rule.ResourceNames) > 0 {
		rule += " [" + strings.Join(g.Rule.ResourceNames, ", ") + "]"
	}
	s := fmt.Sprintf("%s -> %s %s: %s", binding, g.RoleKind, g.RoleName, rule)
	if g.Via != "" {
		s += " (via " + g.Via + ")"
	}
	if g.AggregatedFrom != "" {
		s += " (aggregated from ClusterRole " + g.AggregatedFrom + ")"
	}
	return s
}
