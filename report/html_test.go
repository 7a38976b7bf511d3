package report

import (
	"regexp"
	"strings"
	"testing"
)

// TestHTMLSelfContained: the page must open offline from an attachment, so it
// may reference nothing outside itself: no src or href but in-page fragments, no
// @import, no url(), no <link>, no external fonts.
func TestHTMLSelfContained(t *testing.T) {
	attr := regexp.MustCompile(`(?i)\b(src|href|action|srcset|poster|data)\s*=\s*["']?([^"'\s>]*)`)
	forbidden := []*regexp.Regexp{
		regexp.MustCompile(`(?i)@import`),
		regexp.MustCompile(`(?i)url\s*\(`),
		regexp.MustCompile(`(?i)<link\b`),
		regexp.MustCompile(`(?i)@font-face`),
		regexp.MustCompile(`(?i)<script\b`), // no script at all: <details> collapses
		regexp.MustCompile(`(?i)<(iframe|img|object|embed|video|audio|base)\b`),
		regexp.MustCompile(`(?i)https?://`),
	}
	for _, tc := range []struct {
		name string
		r    *Report
	}{{"rich", richReport()}, {"empty", emptyReport()}} {
		t.Run(tc.name, func(t *testing.T) {
			page := render(t, tc.r, "html", Options{ToolVersion: testVersion})
			for _, m := range attr.FindAllStringSubmatch(page, -1) {
				if !strings.HasPrefix(m[2], "#") {
					t.Errorf("external reference %s=%q", m[1], m[2])
				}
			}
			for _, re := range forbidden {
				if loc := re.FindStringIndex(page); loc != nil {
					t.Errorf("page contains %q: %q", re, page[max(0, loc[0]-40):min(len(page), loc[1]+40)])
				}
			}
			if strings.Count(page, "<html") != 1 || !strings.HasPrefix(page, "<!DOCTYPE html>") || !strings.HasSuffix(page, "</html>\n") {
				t.Error("not one complete HTML document")
			}
			if !strings.Contains(page, "prefers-color-scheme: dark") {
				t.Error("no dark colour scheme")
			}
		})
	}
}

// TestHTMLEscapes: text from the dump is data, never markup, wherever it lands.
func TestHTMLEscapes(t *testing.T) {
	r := richReport()
	r.Warnings = append(r.Warnings, `<img src=x onerror="alert(2)">`)
	r.Source.Path = `</title><script>alert(3)</script>`
	r.Findings[0].Commands.Fix = append(r.Findings[0].Commands.Fix, "echo '</code></pre><b>x</b>'")
	page := render(t, r, "html", Options{})
	for _, raw := range []string{"<script>alert", "<b>runbook", "<img src", "</title><script>", "<b>x</b>"} {
		if strings.Contains(page, raw) {
			t.Errorf("unescaped %q in the page", raw)
		}
	}
	for _, escaped := range []string{"&lt;script&gt;alert(1)&lt;/script&gt;", "&lt;img src=x onerror=&#34;alert(2)&#34;&gt;"} {
		if !strings.Contains(page, escaped) {
			t.Errorf("page lacks %q", escaped)
		}
	}
}

// TestHTMLGroupsBySeverity: errors, then warnings, then info, each finding once
// with its evidence and commands inside <details>.
func TestHTMLGroupsBySeverity(t *testing.T) {
	page := render(t, richReport(), "html", Options{})
	errors, warnings, info := strings.Index(page, ">Errors (2)<"), strings.Index(page, ">Warnings (2)<"), strings.Index(page, ">Info (2)<")
	if errors < 0 || warnings < errors || info < warnings {
		t.Errorf("severity headings missing or out of order: %d %d %d", errors, warnings, info)
	}
	if n := strings.Count(page, `<article class="finding `); n != 6 {
		t.Errorf("%d findings, want 6", n)
	}
	if !strings.Contains(page, "<summary>Evidence (3)</summary>") || !strings.Contains(page, "kubectl get secrets -n shop -o name") {
		t.Error("evidence or commands missing")
	}
	empty := render(t, emptyReport(), "html", Options{})
	if !strings.Contains(empty, "<p>No findings.</p>") {
		t.Error("empty report does not say No findings")
	}
}
