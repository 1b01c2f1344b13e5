package main

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/pbequity/pbequity/analytics"
	"github.com/pbequity/pbequity/reports"
)

// TestStandaloneReport checks that `pbequity report` output needs nothing
// beside it: no external script, stylesheet or font, ECharts and the fonts inlined.
func TestStandaloneReport(t *testing.T) {
	_, db := testServer(t, 1000)
	html, err := reports.NewService(db, analytics.Options{Seed: 1}).Standalone(context.Background(), "tehran-1403", "fa")
	if err != nil {
		t.Fatal(err)
	}
	s := string(html)
	// Look at the markup only, not inside scripts (ECharts builds tags in strings).
	markup := regexp.MustCompile(`(?s)<script[^>]*>.*?</script>`).ReplaceAllString(s, "<script></script>")
	if m := regexp.MustCompile(`<(?:script|link|img)[^>]*(?:src|href)="([^"#][^"]*)"`).FindAllStringSubmatch(markup, -1); len(m) > 0 {
		for _, x := range m {
			if !strings.HasPrefix(x[1], "data:") && !strings.HasPrefix(x[1], "/") {
				t.Errorf("standalone report references %s", x[1])
			}
			if strings.HasPrefix(x[1], "/assets/") {
				t.Errorf("standalone report loads %s from the server", x[1])
			}
		}
	}
	for _, want := range []string{"data:font/woff2;base64,", "echarts", `class="chart-option"`, `dir="rtl"`} {
		if !strings.Contains(s, want) {
			t.Errorf("standalone report lacks %q", want)
		}
	}
	if len(html) < 500_000 {
		t.Errorf("standalone report is %d bytes; ECharts alone is about 1 MB", len(html))
	}
}
