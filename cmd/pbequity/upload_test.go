package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pbequity/pbequity"
	"github.com/pbequity/pbequity/server"
)

// post sends files as a multipart upload with form fields.
func post(t *testing.T, url, token string, fields map[string]string, files map[string]string) (int, map[string]any) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	for name, content := range files {
		w, _ := mw.CreateFormFile("file", name)
		io.WriteString(w, content)
	}
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, url, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

func TestUploadHTTP(t *testing.T) {
	srv, db := testServer(t, 500)
	ctx := context.Background()
	tok := newToken()
	if err := db.CreateToken(ctx, server.HashToken(tok), pbequity.RoleCitizen, "test", time.Time{}); err != nil {
		t.Fatal(err)
	}
	url := srv.URL + "/api/v1/cycles/tehran-1403/uploads"
	count := func(table string) int64 {
		n, err := db.QueryInt(ctx, "SELECT count(*) FROM "+table+" WHERE cycle_id = 'tehran-1403'")
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	projects := "کد طرح,عنوان,هزینه (تومان),کارگروه,جنسیت پیشنهاددهنده\nnew-1,بوستان بانوان,۱۲۰٬۰۰۰٬۰۰۰,sport,زن\nnew-2,کتابخانه,۵۰٬۰۰۰٬۰۰۰,social,مرد\n"
	votes := "participant_id,project_id\n1403-0000001,new-1\n1403-0000002,new-2\n1403-0000002,new-1\n"

	// No token, a bad token.
	if code, _ := post(t, url, "", nil, map[string]string{"p.csv": projects}); code != http.StatusUnauthorized {
		t.Errorf("no token: %d, want 401", code)
	}
	if code, _ := post(t, url, "pbe_wrong", nil, map[string]string{"p.csv": projects}); code != http.StatusUnauthorized {
		t.Errorf("bad token: %d, want 401", code)
	}

	// A votes file naming a project that exists nowhere: 422 with file, row and column; nothing written.
	before := [2]int64{count("projects"), count("votes")}
	bad := "participant_id,project_id\n1403-0000001,p001\n1403-0000003,ghost\n"
	code, out := post(t, url, tok, map[string]string{"lang": "fa"}, map[string]string{"p.csv": projects, "v.csv": bad})
	if code != http.StatusUnprocessableEntity {
		t.Fatalf("unknown project: %d %v, want 422", code, out)
	}
	errs, _ := out["errors"].([]any)
	if len(errs) != 1 {
		t.Fatalf("errors = %v, want one", out["errors"])
	}
	e := errs[0].(map[string]any)
	if e["file"] != "v.csv" || e["row"] != float64(3) || e["column"] != "project_id" || e["value"] != "ghost" || !strings.Contains(e["message"].(string), "ناشناخته") {
		t.Errorf("error = %v, want v.csv row 3 column project_id in Persian", e)
	}
	if after := [2]int64{count("projects"), count("votes")}; after != before {
		t.Errorf("a refused upload changed the database: %v → %v", before, after)
	}

	// A file with a bad value and an unknown project: both rows are listed.
	both := "participant_id,project_id,points\n1403-0000001,p001,abc\n1403-0000003,ghost,\n"
	code, out = post(t, url, tok, nil, map[string]string{"v.csv": both})
	if errs, _ := out["errors"].([]any); code != http.StatusUnprocessableEntity || len(errs) != 2 {
		t.Errorf("value error + unknown project: %d %v, want 422 with both rows", code, out["errors"])
	}

	// Projects and the votes for them in one upload: 201, all loaded, amounts in rial.
	code, out = post(t, url, tok, nil, map[string]string{"p.csv": projects, "v.csv": votes})
	if code != http.StatusCreated {
		t.Fatalf("upload: %d %v, want 201", code, out)
	}
	if got := [2]int64{count("projects"), count("votes")}; got != [2]int64{before[0] + 2, before[1] + 3} {
		t.Errorf("after upload: %v, want %v + (2, 3)", got, before)
	}
	cost, _ := db.QueryInt(ctx, "SELECT cost FROM projects WHERE cycle_id = 'tehran-1403' AND project_id = 'new-1'")
	if cost != 1_200_000_000 {
		t.Errorf("cost of new-1 = %d rial, want 1,200,000,000 (120,000,000 toman)", cost)
	}
	ds, _ := db.QueryInt(ctx, "SELECT count(*) FROM datasets WHERE cycle_id = 'tehran-1403' AND uploader_role = 'citizen'")
	if ds != 2 {
		t.Errorf("datasets recorded: %d, want 2", ds)
	}
	// The same file again is a conflict.
	if code, _ := post(t, url, tok, nil, map[string]string{"v.csv": votes}); code != http.StatusConflict {
		t.Errorf("re-upload: %d, want 409", code)
	}
	// The report reflects the upload (the cache was invalidated).
	_, body, _ := get(t, srv.URL+"/api/v1/cycles/tehran-1403/indicators")
	if !strings.Contains(body, `"projects"`) {
		t.Errorf("indicators after upload: %.200s", body)
	}
}

// TestOutcomeCacheFollowsUploads checks that the memoised outcome of a rule
// is recomputed after an upload changes the cycle's votes.
func TestOutcomeCacheFollowsUploads(t *testing.T) {
	srv, db := testServer(t, 300)
	ctx := context.Background()
	tok := newToken()
	if err := db.CreateToken(ctx, server.HashToken(tok), pbequity.RoleCitizen, "test", time.Time{}); err != nil {
		t.Fatal(err)
	}
	voters := func() float64 {
		code, body, _ := get(t, srv.URL+"/api/v1/cycles/tehran-1403/outcome?rule=greedy")
		var o struct{ Voters float64 }
		if code != 200 || json.Unmarshal([]byte(body), &o) != nil {
			t.Fatalf("outcome: %d %.200s", code, body)
		}
		return o.Voters
	}
	before := voters()
	if again := voters(); again != before {
		t.Fatalf("outcome changed without an upload: %v → %v", before, again)
	}
	code, out := post(t, srv.URL+"/api/v1/cycles/tehran-1403/uploads", tok, nil,
		map[string]string{"v.csv": "participant_id,project_id\nnew-voter-1,p001\nnew-voter-2,p002\n"})
	if code != http.StatusCreated {
		t.Fatalf("upload: %d %v", code, out)
	}
	if after := voters(); after != before+2 {
		t.Errorf("voters after the upload = %v, want %v", after, before+2)
	}
}
