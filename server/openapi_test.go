package server

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/gorilla/mux"
)

// varPattern matches a path variable with a pattern, {name:pattern}.
var varPattern = regexp.MustCompile(`\{([A-Za-z_][A-Za-z0-9_]*):[^}]*\}`)

// TestOpenAPIMatchesRouter walks the router: every registered route and
// method is described in /openapi.json, and every described operation is a
// registered route.
func TestOpenAPIMatchesRouter(t *testing.T) {
	s := New(Config{Assets: fstest.MapFS{}})
	registered := map[[2]string]bool{}
	err := s.Router().Walk(func(route *mux.Route, _ *mux.Router, _ []*mux.Route) error {
		tmpl, err := route.GetPathTemplate()
		if err != nil {
			return err
		}
		tmpl = varPattern.ReplaceAllString(tmpl, "{$1}") // {chart:[a-z]+} → {chart}
		if _, err := route.GetPathRegexp(); err == nil && strings.HasSuffix(tmpl, "/") && tmpl != "/" {
			tmpl += "{path}" // a PathPrefix route
		}
		methods, err := route.GetMethods()
		if err != nil {
			t.Errorf("route %s has no method matcher: every route must say its methods", tmpl)
			return nil
		}
		for _, m := range methods {
			registered[[2]string{m, tmpl}] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(registered) < 10 {
		t.Fatalf("only %d routes registered", len(registered))
	}

	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/openapi.json", nil))
	if rec.Code != 200 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") {
		t.Fatalf("GET /openapi.json = %d %s", rec.Code, rec.Header().Get("Content-Type"))
	}
	var doc struct {
		OpenAPI string                               `json:"openapi"`
		Paths   map[string]map[string]map[string]any `json:"paths"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.") {
		t.Errorf("openapi = %q, want 3.x", doc.OpenAPI)
	}
	documented := map[[2]string]bool{}
	for path, item := range doc.Paths {
		for method, op := range item {
			documented[[2]string{strings.ToUpper(method), path}] = true
			if op["responses"] == nil || op["summary"] == "" || op["operationId"] == nil {
				t.Errorf("%s %s lacks a summary, operationId or responses", method, path)
			}
			// Path parameters are declared.
			params, _ := op["parameters"].([]any)
			for _, seg := range strings.Split(path, "/") {
				name, ok := strings.CutPrefix(seg, "{")
				if !ok {
					continue
				}
				name = name[:strings.Index(name, "}")]
				if !slices.ContainsFunc(params, func(p any) bool {
					pm := p.(map[string]any)
					return pm["name"] == name && pm["in"] == "path" && pm["required"] == true
				}) {
					t.Errorf("%s %s: path parameter %s is not declared", method, path, name)
				}
			}
			// Routes behind a token say so and document 401 and 403.
			if role, ok := op["x-pbequity-role"]; ok {
				resp := op["responses"].(map[string]any)
				if resp["401"] == nil || resp["403"] == nil {
					t.Errorf("%s %s needs role %v but does not document 401 and 403", method, path, role)
				}
			}
		}
	}
	for k := range registered {
		if !documented[k] {
			t.Errorf("route %s %s is registered but not in /openapi.json", k[0], k[1])
		}
	}
	for k := range documented {
		if !registered[k] {
			t.Errorf("/openapi.json describes %s %s, which is not registered", k[0], k[1])
		}
	}
	if ops := Operations(); len(ops) != len(documented) {
		t.Errorf("Operations() lists %d, the document %d", len(ops), len(documented))
	}
}
