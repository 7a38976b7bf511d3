package main

import (
	"fmt"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/secretscan/secretscan/analyzer"
	"github.com/secretscan/secretscan/docs"
	"github.com/secretscan/secretscan/internal/text"
)

func explainCommand() *cli.Command {
	return &cli.Command{
		Name:      "explain",
		Usage:     "list the finding IDs, or print what one means and how to fix it",
		ArgsUsage: "[ID]",
		BashComplete: func(c *cli.Context) {
			if c.NArg() == 0 {
				for _, id := range findingIDs() {
					fmt.Fprintln(c.App.Writer, id)
				}
			}
		},
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
		dist := text.Levenshtein(strings.ToLower(s), string(d.ID))
		if strings.Contains(string(d.ID), strings.ToLower(s)) && len(s) >= 4 {
			dist = min(dist, 2)
		}
		if bestDist < 0 || dist < bestDist {
			best, bestDist = d.ID, dist
		}
	}
	return best, bestDist >= 0 && bestDist <= max(3, len(s)/3)
}
