package analyzer

// Filter selects which findings a report shows.
type Filter struct {
	Namespaces  []string // empty: all
	MinSeverity Severity
	Only        []ID // empty: all
	Skip        []ID
}

// Apply returns the findings the filter keeps. Cluster-wide findings (no
// namespace, e.g. coverage-gap) are kept under a namespace filter: they qualify
// every namespace.
func (f Filter) Apply(findings []Finding) []Finding {
	out := make([]Finding, 0, len(findings))
	for _, x := range findings {
		if x.Severity < f.MinSeverity {
			continue
		}
		if len(f.Namespaces) > 0 && x.Namespace != "" && !containsString(f.Namespaces, x.Namespace) {
			continue
		}
		if len(f.Only) > 0 && !containsID(f.Only, x.ID) {
			continue
		}
		if containsID(f.Skip, x.ID) {
			continue
		}
		out = append(out, x)
	}
	return out
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func containsID(list []ID, id ID) bool {
	for _, x := range list {
		if x == id {
			return true
		}
	}
	return false
}
