package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pbequity/pbequity"
	"github.com/pbequity/pbequity/queries"
	"github.com/pbequity/pbequity/server"
)

// identity is who calls a route: no token, a valid token of a role, or an
// admin token that was revoked or has expired.
type identity struct {
	name  string
	token string
	rank  int // -1: no valid token
}

// TestRoutesByRole calls every route as every identity and checks the
// status of SPEC §7: reports, public indicators and pages need no token; a
// route that needs one answers 401 without a valid token and 403 to a role
// below its own.
func TestRoutesByRole(t *testing.T) {
	srv, db := testServer(t, 300)
	ctx := context.Background()
	ids := []identity{{name: "none", rank: -1}}
	for _, role := range pbequity.Roles {
		ids = append(ids, identity{name: role, token: tokenFor(t, db, role), rank: pbequity.RoleRank(role)})
	}
	revoked := "test-revoked-admin-token-0123456789"
	if err := db.CreateToken(ctx, server.HashToken(revoked), pbequity.RoleAdmin, "revoked", time.Time{}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.RevokeToken(ctx, server.HashToken(revoked)[:10]); err != nil {
		t.Fatal(err)
	}
	expired := "test-expired-admin-token-0123456789"
	if err := db.CreateToken(ctx, server.HashToken(expired), pbequity.RoleAdmin, "expired", time.Now().Add(-time.Minute)); err != nil {
		t.Fatal(err)
	}
	ids = append(ids, identity{name: "revoked", token: revoked, rank: -1}, identity{name: "expired", token: expired, rank: -1})

	// Each identity uploads a file of its own, so a second upload is no
	// conflict.
	n := 0
	goodVotes := func() (string, string) {
		n++
		return "votes.csv", fmt.Sprintf("participant_id,project_id\nroles-%d,p001\n", n)
	}
	badVotes := func() (string, string) { return "votes.csv", "participant_id,project_id\nroles-x,no-such-project\n" }
	sqlBody := func(sql string) func() (string, string) {
		return func() (string, string) { b, _ := json.Marshal(map[string]string{"sql": sql}); return "", string(b) }
	}

	const tehran = "/api/v1/cycles/tehran-1403"
	routes := []struct {
		method, path string
		role         string // "" for public
		want         int
		body         func() (name, content string) // a file upload when name != "", else a JSON body
	}{
		{"GET", "/healthz", "", 200, nil},
		{"HEAD", "/healthz", "", 200, nil},
		{"GET", "/", "", 200, nil},
		{"GET", "/?lang=en", "", 200, nil},
		{"GET", "/cycles/tehran-1403/report", "", 200, nil},
		{"GET", "/cycles/tehran-1403/report?lang=en", "", 200, nil},
		{"GET", "/cycles/no-such-cycle/report", "", 404, nil},
		{"GET", "/upload", "", 200, nil},
		{"GET", "/upload?lang=en", "", 200, nil},
		{"GET", "/query", "", 200, nil},
		{"GET", "/templates/votes.csv", "", 200, nil},
		{"GET", "/templates/nothing.csv", "", 404, nil},
		{"GET", "/openapi.json", "", 200, nil},
		{"GET", "/assets/report.css", "", 200, nil},
		{"GET", "/assets/upload.js", "", 200, nil},
		{"GET", "/api/v1/cycles", "", 200, nil},
		{"GET", tehran, "", 200, nil},
		{"GET", "/api/v1/cycles/no-such-cycle", "", 404, nil},
		{"GET", tehran + "/indicators", "", 200, nil},
		{"GET", tehran + "/outcome?rule=greedy", "", 200, nil},
		{"GET", tehran + "/outcome?rule=no-such-rule", "", 422, nil},
		{"GET", tehran + "/outcomes", "", 200, nil},
		{"POST", tehran + "/uploads", pbequity.RoleCitizen, 201, goodVotes},
		{"POST", tehran + "/uploads", pbequity.RoleCitizen, 422, badVotes},
		{"POST", "/api/v1/cycles/no-such-cycle/uploads", pbequity.RoleCitizen, 404, badVotes},
		{"POST", "/api/v1/query", pbequity.RoleAnalyst, 200, sqlBody("SELECT 1 AS one")},
		{"POST", "/api/v1/query", pbequity.RoleAnalyst, 422, sqlBody("DELETE FROM votes")},
		{"GET", "/api/v1/queries", pbequity.RoleAnalyst, 200, nil},
		{"GET", "/api/v1/schema", pbequity.RoleAnalyst, 200, nil},
		{"GET", "/metrics", pbequity.RoleAdmin, 200, nil},
		{"POST", "/api/v1/cycles", "", 405, nil},
		{"DELETE", tehran, "", 405, nil},
		{"GET", tehran + "/uploads", "", 405, nil},
		{"PUT", "/upload", "", 405, nil},
		{"GET", "/api/v1/query", "", 405, nil},
		{"GET", "/no/such/page", "", 404, nil},
	}
	votesBefore, _ := db.QueryInt(ctx, "SELECT count(*) FROM votes")
	created := 0
	for _, rt := range routes {
		for _, id := range ids {
			want := rt.want
			if rt.role != "" {
				switch {
				case id.rank < 0:
					want = http.StatusUnauthorized
				case id.rank < pbequity.RoleRank(rt.role):
					want = http.StatusForbidden
				}
			}
			t.Run(fmt.Sprintf("%s %s as %s", rt.method, rt.path, id.name), func(t *testing.T) {
				var body io.Reader
				ctype := ""
				if rt.body != nil {
					name, content := rt.body()
					if name != "" {
						var buf bytes.Buffer
						mw := multipart.NewWriter(&buf)
						w, _ := mw.CreateFormFile("file", name)
						io.WriteString(w, content)
						mw.Close()
						body, ctype = &buf, mw.FormDataContentType()
					} else {
						body, ctype = strings.NewReader(content), "application/json"
					}
				}
				req, _ := http.NewRequest(rt.method, srv.URL+rt.path, body)
				if ctype != "" {
					req.Header.Set("Content-Type", ctype)
				}
				if id.token != "" {
					req.Header.Set("Authorization", "Bearer "+id.token)
				}
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != want {
					t.Fatalf("%s %s as %s = %d, want %d: %.300s", rt.method, rt.path, id.name, resp.StatusCode, want, b)
				}
				if resp.StatusCode == 201 {
					created++
				}
				if resp.Header.Get("X-Request-Id") == "" {
					t.Errorf("no X-Request-Id")
				}
				if resp.StatusCode >= 400 && rt.method != "HEAD" {
					var e struct{ Error string }
					if err := json.Unmarshal(b, &e); err != nil || e.Error == "" {
						t.Errorf("error answer is not JSON {\"error\": …}: %.200s", b)
					}
				}
				if resp.StatusCode == 401 && !strings.HasPrefix(resp.Header.Get("WWW-Authenticate"), "Bearer") {
					t.Errorf("401 without WWW-Authenticate: Bearer")
				}
			})
		}
	}
	votesAfter, _ := db.QueryInt(ctx, "SELECT count(*) FROM votes")
	if created != len(pbequity.Roles) || votesAfter != votesBefore+int64(created) {
		t.Errorf("%d uploads created, votes %d → %d; want one per role (%d)", created, votesBefore, votesAfter, len(pbequity.Roles))
	}
}

// TestTokenCommands runs pbequity token create, list and revoke: the token
// is printed once and never stored, list shows label, role and dates, and a
// revoked or expired token no longer opens anything.
func TestTokenCommands(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "tokens.duckdb")
	runOut := func(args ...string) (string, string, error) {
		var out, errb bytes.Buffer
		err := run(ctx, args, &out, &errb)
		return out.String(), errb.String(), err
	}
	out, _, err := runOut("token", "create", "--db", path, "--role", "citizen", "--label", "kiosk-1", "--expires", "720h")
	if err != nil {
		t.Fatal(err)
	}
	kiosk := strings.TrimSpace(out)
	out, _, err = runOut("token", "create", "--db", path, "--role", "analyst", "--label", "analyst-ali")
	if err != nil {
		t.Fatal(err)
	}
	analyst := strings.TrimSpace(out)
	if !strings.HasPrefix(kiosk, "pbe_") || !strings.HasPrefix(analyst, "pbe_") || kiosk == analyst {
		t.Fatalf("tokens %q %q", kiosk, analyst)
	}
	if _, _, err := runOut("token", "create", "--db", path, "--role", "mayor"); pbequity.ErrorCode(err) != pbequity.EINVALID {
		t.Errorf("unknown role: %v, want EINVALID", err)
	}

	list, _, err := runOut("token", "list", "--db", path)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"kiosk-1", "analyst-ali", "citizen", "analyst", "EXPIRES", server.HashToken(kiosk)[:12]} {
		if !strings.Contains(list, want) {
			t.Errorf("token list lacks %q:\n%s", want, list)
		}
	}
	if strings.Contains(list, kiosk) || strings.Contains(list, analyst) {
		t.Errorf("token list shows a token itself:\n%s", list)
	}
	if strings.Count(list, "valid") != 2 {
		t.Errorf("token list should show two valid tokens:\n%s", list)
	}

	// Revoke by label, then by hash prefix; an ambiguous or unknown key revokes nothing.
	if _, _, err := runOut("token", "revoke", "--db", path, "nobody"); pbequity.ErrorCode(err) != pbequity.ENOTFOUND {
		t.Errorf("revoke nobody: %v, want ENOTFOUND", err)
	}
	if out, _, err := runOut("token", "revoke", "--db", path, "kiosk-1"); err != nil || !strings.Contains(out, "revoked") {
		t.Fatalf("revoke by label: %v %s", err, out)
	}
	if out, _, err := runOut("token", "revoke", "--db", path, server.HashToken(analyst)[:8]); err != nil || !strings.Contains(out, "analyst-ali") {
		t.Fatalf("revoke by hash prefix: %v %s", err, out)
	}
	list, _, _ = runOut("token", "list", "--db", path)
	if strings.Count(list, "revoked") != 2 {
		t.Errorf("token list after revoking both:\n%s", list)
	}

	db, err := queries.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	for _, tok := range []string{kiosk, analyst} {
		if _, err := db.TokenRole(ctx, server.HashToken(tok)); pbequity.ErrorCode(err) != pbequity.EUNAUTHORIZED {
			t.Errorf("revoked token: %v, want EUNAUTHORIZED", err)
		}
	}
	// Only hashes are stored.
	n, _ := db.QueryInt(ctx, "SELECT count(*) FROM tokens WHERE token_hash = ? OR token_hash = ?", kiosk, analyst)
	if n != 0 {
		t.Errorf("a token is stored in clear")
	}
	// An expired token is listed as such and refused.
	exp := "test-expired-0123456789"
	db.CreateToken(ctx, server.HashToken(exp), pbequity.RoleAdmin, "old", time.Now().Add(-time.Hour))
	if _, err := db.TokenRole(ctx, server.HashToken(exp)); pbequity.ErrorCode(err) != pbequity.EUNAUTHORIZED {
		t.Errorf("expired token: %v, want EUNAUTHORIZED", err)
	}
	db.Close()
	list, _, _ = runOut("token", "list", "--db", path)
	if !strings.Contains(list, "expired") {
		t.Errorf("token list does not show the expired token:\n%s", list)
	}
}
