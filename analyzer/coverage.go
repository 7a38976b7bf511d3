package analyzer

import (
	"fmt"
	"sort"
	"strings"
)

// coverageGap accumulates, for one kind the source lacked, what the checks could
// therefore only judge from events and status.
type coverageGap struct {
	Kind string
	Why  string
	// WhyNamespace is where Why was said: of the namespaces judged in
	// parallel, the first in order gives the reason, so output is stable.
	WhyNamespace string
	Workloads    map[objectKey]bool
	Namespaces   map[string]bool
}

// noteGap records that a check of workload w needed objects of kind that the
// source did not hold.
func (p *pass) noteGap(kind, why string, w *workload) {
	g := p.gaps[kind]
	if g == nil {
		g = &coverageGap{Kind: kind, Why: why, WhyNamespace: w.Namespace, Workloads: map[objectKey]bool{}, Namespaces: map[string]bool{}}
		p.gaps[kind] = g
	}
	g.Workloads[w.key()] = true
	g.Namespaces[w.Namespace] = true
}

// reportCoverageGaps emits one coverage-gap per kind: what the dump lacked and
// how many workloads' conclusions rest on events and status alone.
func (p *pass) reportCoverageGaps() {
	kinds := make([]string, 0, len(p.gaps))
	for k := range p.gaps {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	for _, kind := range kinds {
		g := p.gaps[kind]
		namespaces := make([]string, 0, len(g.Namespaces))
		for ns := range g.Namespaces {
			namespaces = append(namespaces, ns)
		}
		sort.Strings(namespaces)
		shown := namespaces
		if len(shown) > 8 {
			shown = append(append([]string(nil), shown[:8]...), fmt.Sprintf("and %d more", len(namespaces)-8))
		}
		why := g.Why
		if why == "" {
			why = "the source does not hold them"
		}
		if kind == "Event" {
			p.report(Finding{
				ID:          CoverageGap,
				Object:      ObjectRef{Kind: kind},
				Message:     fmt.Sprintf("%s: failures only events record (mount errors, pull refusals, node denials) cannot be seen, so the checks of %d %s in %s rest on specs and pod status alone", why, len(g.Workloads), plural(len(g.Workloads), "workload", "workloads"), strings.Join(shown, ", ")),
				Evidence:    []string{fmt.Sprintf("coverage of Event: %s", why)},
				Remediation: "For a complete check, add kubectl get events -A -o yaml to the dump, soon after the failure (events expire after an hour by default)",
			})
			continue
		}
		p.report(Finding{
			ID:          CoverageGap,
			Object:      ObjectRef{Kind: kind},
			Message:     fmt.Sprintf("%s: the dump does not hold every %s, so the checks of %d %s in %s rest on events and status alone; a reference with no failure event cannot be judged", why, kind, len(g.Workloads), plural(len(g.Workloads), "workload", "workloads"), strings.Join(shown, ", ")),
			Evidence:    []string{fmt.Sprintf("coverage of %s: %s", kind, why)},
			Remediation: gapRemedy(kind),
		})
	}
}

// noteEventGap records, when the source holds no events, every workload whose
// failures could only have been told by them.
func (p *pass) noteEventGap() {
	for _, w := range p.workloads.list {
		if w.Template == nil && len(w.Pods) == 0 {
			// Known from its events only: the spec the checks read is what
			// the dump lacked.
			if covered, why := p.covers("Pod", w.Namespace, ""); !covered {
				p.noteGap("Pod", why, w)
			}
			continue
		}
		if covered, why := p.covers("Event", w.Namespace, ""); !covered {
			p.noteGap("Event", why, w)
		}
	}
}

func gapRemedy(kind string) string {
	if kind == "Secret" {
		return "For a complete check, ask for a dump that includes Secrets without their values: secretscan collect keeps their types, key names and sizes, never the values"
	}
	return fmt.Sprintf("For a complete check, ask for a dump that includes %s (secretscan collect gathers every kind the checks read)", pluralKind(kind))
}

// mergeGaps adds one namespace's coverage gaps to the run's.
func (p *pass) mergeGaps(gaps map[string]*coverageGap) {
	for kind, g := range gaps {
		have := p.gaps[kind]
		if have == nil {
			p.gaps[kind] = g
			continue
		}
		if g.WhyNamespace < have.WhyNamespace {
			have.Why, have.WhyNamespace = g.Why, g.WhyNamespace
		}
		for w := range g.Workloads {
			have.Workloads[w] = true
		}
		for ns := range g.Namespaces {
			have.Namespaces[ns] = true
		}
	}
}

// pluralKind names a kind in the plural: ServiceAccounts, SecretProviderClasses.
func pluralKind(kind string) string {
	if strings.HasSuffix(kind, "s") {
		return kind + "es"
	}
	return kind + "s"
}
