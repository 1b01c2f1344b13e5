package server

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/pbequity/pbequity"
	"github.com/pbequity/pbequity/reports"
)

type fakeTokens struct{}

func (fakeTokens) TokenRole(ctx context.Context, hash string) (string, error) {
	if hash == HashToken("analyst") {
		return pbequity.RoleAnalyst, nil
	}
	return "", pbequity.Errorf(pbequity.EUNAUTHORIZED, "unknown token")
}

// fakeQuerier answers by the statement's text.
type fakeQuerier struct{ got QueryRequest }

func (f *fakeQuerier) Query(ctx context.Context, req QueryRequest, out reports.ResultWriter) (QueryStats, error) {
	f.got = req
	switch req.SQL {
	case "slow":
		return QueryStats{}, pbequity.Errorf(pbequity.ETIMEOUT, "cut off after 30s: the statement ran longer than the time limit")
	case "bad":
		return QueryStats{}, pbequity.Errorf(pbequity.EINVALID, "refused: only read statements may run here")
	}
	out.Header([]string{"n"}, []string{"BIGINT"})
	out.Row([]any{int64(1)})
	return QueryStats{Rows: 1}, nil
}

func (f *fakeQuerier) SavedQueries() any                       { return []string{"a"} }
func (f *fakeQuerier) Schema(ctx context.Context) (any, error) { return []string{"votes"}, nil }

func TestQueryStatus(t *testing.T) {
	q := &fakeQuerier{}
	s := New(Config{Tokens: fakeTokens{}, Querier: q})
	for _, tc := range []struct {
		sql, accept string
		status      int
		body        string
	}{
		{"ok", "", 200, `"rows":[[1]]`},
		{"ok", "text/csv", 200, "\ufeffn\n1\n"},
		{"slow", "", 504, "cut off after 30s"},
		{"bad", "text/csv", 422, "refused"},
	} {
		req := httptest.NewRequest(http.MethodPost, "/api/v1/query", strings.NewReader(`{"sql":"`+tc.sql+`","params":{"cycle":"c"}}`))
		req.Header.Set("Authorization", "Bearer analyst")
		req.Header.Set("Accept", tc.accept)
		w := httptest.NewRecorder()
		s.ServeHTTP(w, req)
		if w.Code != tc.status || !strings.Contains(w.Body.String(), tc.body) {
			t.Errorf("%s (%s) = %d %q, want %d with %q", tc.sql, tc.accept, w.Code, w.Body.String(), tc.status, tc.body)
		}
		if tc.status != 200 {
			var e map[string]string
			if json.Unmarshal(w.Body.Bytes(), &e) != nil || e["error"] == "" {
				t.Errorf("%s: error body %q is not {\"error\": …}", tc.sql, w.Body.String())
			}
		}
	}
	if q.got.Params["cycle"] != "c" || q.got.Limit != -1 {
		t.Errorf("request passed as %+v", q.got)
	}
	req := httptest.NewRequest(http.MethodPost, "/api/v1/query", strings.NewReader(`not json`))
	req.Header.Set("Authorization", "Bearer analyst")
	w := httptest.NewRecorder()
	s.ServeHTTP(w, req)
	if w.Code != 422 {
		t.Errorf("bad body: %d", w.Code)
	}
}
