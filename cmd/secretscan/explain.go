package main

import (
	"fmt"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/secretscan/secretscan/analyzer"
	"github.com/secretscan/secretscan/docs"
)

func explainCommand() *cli.Command {
	return &cli.Command{
		Name:      "explain",
		Usage:     "list the finding IDs, or print what one means and how to fix it",
		ArgsUsage: "[ID]",
		Description: `Examples:
  secretscan explain                      # every finding ID with its severity and title
  secretscan explain secret-not-found     # the full page: meaning, detection, evidence, fix, verification`,
		OnUsageError: usageErrorHandler,
		Action: func(c *cli.Context) error {
			out := c.App.Writer
			switch c.NArg() {
			case 0:
				for _, d := range analyzer.Definitions {
					fmt.Fprintf(out, "%-31s %-8s %s\n", d.ID, d.Severity, d.Title)
				}
				return nil
			case 1:
			default:
				return usagef("explain takes at most one finding ID")
			}
			id := strings.TrimSpace(c.Args().First())
			page, ok := docs.Finding(id)
			if _, known := analyzer.Lookup(analyzer.ID(id)); !known || !ok {
				if guess, ok := closestID(id); ok {
					return usagef("unknown finding ID %q; did you mean %s? (secretscan explain lists them all)", id, guess)
				}
				return usagef("unknown finding ID %q (secretscan explain lists them all)", id)
			}
			fmt.Fprint(out, page)
			return nil
		},
	}
}

// closestID suggests the registered ID nearest to a misspelled one.
func closestID(s string) (analyzer.ID, bool) {
	best, bestDist := analyzer.ID(""), -1
	for _, d := range analyzer.Definitions {
		dist := levenshtein(strings.ToLower(s), string(d.ID))
		if strings.Contains(string(d.ID), strings.ToLower(s)) && len(s) >= 4 {
			dist = min(dist, 2)
		}
		if bestDist < 0 || dist < bestDist {
			best, bestDist = d.ID, dist
		}
	}
	return best, bestDist >= 0 && bestDist <= max(3, len(s)/3)
}

func levenshtein(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
