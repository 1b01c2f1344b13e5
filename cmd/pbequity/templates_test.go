package main

import (
	"context"
	"strings"
	"testing"
	"unicode"

	"github.com/pbequity/pbequity"
	"github.com/pbequity/pbequity/reports"
)

// TestUploadTemplatesRoundTrip downloads every template file of the upload
// page and uploads it, unchanged, as a citizen would: each loads its one
// example row, with its kind detected and its values as the example says.
func TestUploadTemplatesRoundTrip(t *testing.T) {
	srv, db := testServer(t, 200)
	ctx := context.Background()
	tok := tokenFor(t, db, pbequity.RoleCitizen)
	// Projects first: the other examples refer to project P-1.
	kinds := reports.TemplateKinds
	if kinds[0] != "projects" {
		t.Fatalf("TemplateKinds starts with %s, want projects", kinds[0])
	}
	for _, kind := range kinds {
		code, body, hdr := get(t, srv.URL+"/templates/"+kind+".csv")
		if code != 200 || !strings.HasPrefix(hdr.Get("Content-Type"), "text/csv") {
			t.Fatalf("GET /templates/%s.csv = %d %s", kind, code, hdr.Get("Content-Type"))
		}
		if !strings.HasPrefix(body, "\ufeff") {
			t.Errorf("%s template has no UTF-8 byte-order mark", kind)
		}
		header := strings.SplitN(strings.TrimPrefix(body, "\ufeff"), "\r\n", 2)[0]
		for _, h := range strings.Split(header, ",") {
			if !strings.ContainsFunc(h, func(r rune) bool { return unicode.In(r, unicode.Arabic) }) {
				t.Errorf("%s template header %q is not Persian", kind, h)
			}
		}
		if n := strings.Count(strings.TrimSpace(body), "\r\n"); n != 1 {
			t.Errorf("%s template has %d data rows, want one example", kind, n)
		}
		code, out := post(t, srv.URL+"/api/v1/cycles/tehran-1403/uploads", tok, map[string]string{"lang": "fa"},
			map[string]string{kind + ".csv": body})
		if code != 201 {
			t.Fatalf("upload of the %s template = %d %v, want 201", kind, code, out)
		}
		ds := out["datasets"].([]any)[0].(map[string]any)
		if ds["kind"] != kind || ds["rows"] != float64(1) {
			t.Errorf("%s template loaded as %v with %v rows, want %s with 1", kind, ds["kind"], ds["rows"], kind)
		}
	}
	for _, c := range []struct {
		query string
		want  int64
	}{
		{"SELECT cost FROM projects WHERE cycle_id = 'tehran-1403' AND project_id = 'P-1' AND category = 'safety' AND gender_marker = 2 AND proposer_gender = 'F'", 2_500_000_000},
		{"SELECT amount FROM budget_lines WHERE cycle_id = 'tehran-1403' AND project_id = 'P-1' AND quantity = 20 AND unit_cost = 50000000", 1_000_000_000},
		{"SELECT age FROM participants WHERE cycle_id = 'tehran-1403' AND participant_id = '1403-0001' AND gender = 'F' AND channel = 'in_person'", 34},
		{"SELECT count(*) FROM participation WHERE cycle_id = 'tehran-1403' AND participant_id = '1403-0001' AND stage = 'vote' AND project_id = 'P-1' AND date = DATE '2024-05-04'", 1},
		{"SELECT points FROM votes WHERE cycle_id = 'tehran-1403' AND participant_id = '1403-0001' AND project_id = 'P-1'", 1},
		{"SELECT count(*) FROM population p JOIN datasets d USING (dataset_id) WHERE p.cycle_id = 'tehran-1403' AND p.area = 'd01-n1' AND p.gender = 'F' AND p.age_band = '30-44' AND p.count = 1250 AND d.kind = 'population' AND d.uploader_role = 'citizen'", 1},
	} {
		if got, err := db.QueryInt(ctx, c.query); err != nil || got != c.want {
			t.Errorf("%s = %d (%v), want %d", c.query, got, err, c.want)
		}
	}
	if code, _, _ := get(t, srv.URL+"/templates/pabulib.csv"); code != 404 {
		t.Errorf("unknown template: %d, want 404", code)
	}
}
