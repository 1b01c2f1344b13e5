package server

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/pbequity/pbequity"
)

// op is one documented operation of the API description.
type op struct {
	method, path, summary string
	// role is the least role that may call it ("" for anyone).
	role     string
	params   []param
	body     map[string]any // requestBody, or nil
	ok       int            // the success status
	okType   string         // its media type
	okSchema map[string]any
	errors   []int // further statuses besides 401/403 (implied by role) and 405
}

type param struct {
	name, in, desc string
	enum           []string
	required       bool
}

var (
	pCycle      = param{name: "cycle", in: "path", desc: "Cycle id (a slug such as kerman-1403).", required: true}
	pLang       = param{name: "lang", in: "query", desc: "Language of the page: fa (default, right to left) or en.", enum: []string{"fa", "en"}}
	ref         = func(name string) map[string]any { return map[string]any{"$ref": "#/components/schemas/" + name} }
	object      = map[string]any{"type": "object"}
	htmlPage    = map[string]any{"type": "string", "description": "An HTML page."}
	textSchema  = map[string]any{"type": "string"}
	cyclesShape = map[string]any{"type": "object", "required": []string{"cycles"},
		"properties": map[string]any{"cycles": map[string]any{"type": "array", "items": ref("Cycle")}}}
)

// operations lists every route of the service. TestOpenAPIMatchesRouter
// checks it against the router both ways.
var operations = []op{
	{method: "GET", path: "/healthz", summary: "Liveness: 200 ok when the database answers, 503 otherwise.",
		ok: 200, okType: "text/plain", okSchema: textSchema, errors: []int{503}},
	{method: "GET", path: "/", summary: "The archive: every cycle with its headline indicators.", params: []param{pLang},
		ok: 200, okType: "text/html", okSchema: htmlPage},
	{method: "GET", path: "/cycles/{cycle}/report", summary: "The gender-equity report of a cycle (public).",
		params: []param{pCycle, pLang, {name: "standalone", in: "query", desc: "1: one self-contained HTML file to save, as an attachment.", enum: []string{"1"}}},
		ok:     200, okType: "text/html", okSchema: htmlPage, errors: []int{404}},
	{method: "GET", path: "/cycles/{cycle}/data/{chart}.{format}", summary: "The numbers behind one chart of the report, suppressed cells marked, headers in the language asked for.",
		params: []param{pCycle, {name: "chart", in: "path", required: true, desc: "Chart id, as the report names it."},
			{name: "format", in: "path", required: true, desc: "csv or json.", enum: []string{"csv", "json"}}, pLang},
		ok: 200, okType: "text/csv", okSchema: textSchema, errors: []int{404}},
	{method: "GET", path: "/upload", summary: "The citizens' upload page (Persian by default). The page holds no data; its script calls the upload API with the citizen's token.",
		params: []param{pLang, {name: "cycle", in: "query", desc: "Cycle to preselect."}}, ok: 200, okType: "text/html", okSchema: htmlPage},
	{method: "GET", path: "/templates/{kind}.csv", summary: "A template file for an upload: Persian headers and one example row, UTF-8 with a byte-order mark.",
		params: []param{{name: "kind", in: "path", required: true, desc: "Kind of data.", enum: []string{"projects", "budget-lines", "participants", "participation", "votes", "population"}}},
		ok:     200, okType: "text/csv", okSchema: textSchema, errors: []int{404}},
	{method: "GET", path: "/query", summary: "The SQL console page for analysts. The page holds no data; its script calls the query API with the analyst's token.",
		params: []param{pLang}, ok: 200, okType: "text/html", okSchema: htmlPage},
	{method: "GET", path: "/api/v1/cycles", summary: "Every cycle with its public headline counts (suppressed below k).",
		ok: 200, okType: "application/json", okSchema: cyclesShape},
	{method: "GET", path: "/api/v1/cycles/{cycle}", summary: "One cycle with its public headline counts.", params: []param{pCycle},
		ok: 200, okType: "application/json", okSchema: ref("Cycle"), errors: []int{404}},
	{method: "GET", path: "/api/v1/cycles/{cycle}/indicators", summary: "Every gender-equity and distribution indicator of a cycle, suppressed where needed.",
		params: []param{pCycle}, ok: 200, okType: "application/json",
		okSchema: map[string]any{"type": "object", "properties": map[string]any{"cycle": ref("Cycle"), "indicators": object}}, errors: []int{404}},
	{method: "GET", path: "/api/v1/cycles/{cycle}/outcome", summary: "Runs an allocation rule on the cycle's votes: the funded set and fairness by group.",
		params: []param{pCycle,
			{name: "rule", in: "query", desc: "Allocation rule (default: the cycle's official rule).", enum: []string{"greedy", "greedy-no-skip", "greedy-threshold", "mes-cost", "mes-approval", "phragmen"}},
			{name: "completion", in: "query", desc: "Completion of the Method of Equal Shares.", enum: []string{"add1", "none"}}},
		ok: 200, okType: "application/json", okSchema: object, errors: []int{404, 422}},
	{method: "GET", path: "/api/v1/cycles/{cycle}/outcomes", summary: "Every allocation rule side by side, with the audit of the official outcome.",
		params: []param{pCycle}, ok: 200, okType: "application/json", okSchema: object, errors: []int{404}},
	{method: "POST", path: "/api/v1/cycles/{cycle}/uploads", role: pbequity.RoleCitizen,
		summary: "Uploads one or more files (CSV, TSV, XLSX, Pabulib). Every row is validated first; the files load all together or not at all.",
		params:  []param{pCycle},
		body: map[string]any{"required": true, "content": map[string]any{"multipart/form-data": map[string]any{"schema": map[string]any{
			"type": "object", "required": []string{"file"},
			"properties": map[string]any{
				"file":      map[string]any{"type": "array", "items": map[string]any{"type": "string", "format": "binary"}},
				"kind":      map[string]any{"type": "string", "enum": []string{"projects", "budget-lines", "participants", "participation", "votes", "population", "pabulib"}},
				"unit":      map[string]any{"type": "string", "description": "Unit of amounts: rial (default), toman, هزار تومان, میلیون ریال, …"},
				"lang":      map[string]any{"type": "string", "enum": []string{"en", "fa"}, "description": "Language of row errors."},
				"sheet":     map[string]any{"type": "string", "description": "XLSX sheet (default: the first)."},
				"anonymous": map[string]any{"type": "boolean", "description": "Do not record the uploader's role with the dataset."},
			}}}}},
		ok: 201, okType: "application/json", okSchema: ref("UploadResult"), errors: []int{404, 409, 413, 422}},
	{method: "POST", path: "/api/v1/query", role: pbequity.RoleAnalyst,
		summary: "Runs a read-only SQL statement or a saved query in a sandbox (bounded in time, memory and rows). JSON rows, or every row as CSV with Accept: text/csv.",
		body:    map[string]any{"required": true, "content": map[string]any{"application/json": map[string]any{"schema": ref("QueryRequest")}}},
		ok:      200, okType: "application/json", okSchema: ref("QueryResult"), errors: []int{404, 413, 422, 504}},
	{method: "GET", path: "/api/v1/queries", role: pbequity.RoleAnalyst, summary: "The saved queries, with their parameters.",
		ok: 200, okType: "application/json", okSchema: object, errors: []int{404}},
	{method: "GET", path: "/api/v1/schema", role: pbequity.RoleAnalyst, summary: "Every table analysts may query, with its columns.",
		ok: 200, okType: "application/json", okSchema: object, errors: []int{404}},
	{method: "GET", path: "/metrics", role: pbequity.RoleAdmin, summary: "Prometheus metrics (text exposition format), for the operator.",
		ok: 200, okType: "text/plain", okSchema: textSchema},
	{method: "GET", path: "/openapi.json", summary: "This API description (OpenAPI 3.1).",
		ok: 200, okType: "application/json", okSchema: object},
	{method: "GET", path: "/assets/{path}", summary: "Scripts, styles and fonts of the pages (served by the binary; nothing from a CDN).",
		params: []param{{name: "path", in: "path", required: true, desc: "File under the assets directory."}},
		ok:     200, okType: "application/octet-stream", okSchema: textSchema, errors: []int{404}},
}

var statusText = map[int]string{
	401: "No access token, or an invalid, expired or revoked one.",
	403: "The token's role is too low.",
	404: "Not found.",
	405: "Method not allowed on this route.",
	409: "Conflicts with data already loaded (e.g. the same file twice).",
	413: "The request body is too large.",
	422: "Invalid input; for uploads, every row error.",
	503: "The database does not answer.",
	504: "The statement ran out of time.",
}

// openAPI builds the API description from operations.
func openAPI() map[string]any {
	paths := map[string]any{}
	for _, o := range operations {
		item, _ := paths[o.path].(map[string]any)
		if item == nil {
			item = map[string]any{}
			paths[o.path] = item
		}
		item[strings.ToLower(o.method)] = o.operation(false)
		if o.method == "GET" {
			item["head"] = o.operation(true)
		}
	}
	errResp := func(desc string) map[string]any {
		return map[string]any{"description": desc, "content": map[string]any{"application/json": map[string]any{"schema": ref("Error")}}}
	}
	responses := map[string]any{}
	for code, text := range statusText {
		responses[itoa(code)] = errResp(text)
	}
	responses["422"] = map[string]any{"description": statusText[422],
		"content": map[string]any{"application/json": map[string]any{"schema": ref("ValidationError")}}}
	return map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{
			"title":       "pbequity",
			"version":     "1",
			"description": "Gender-responsive participatory budgeting: reports, indicators, allocation rules, uploads and ad hoc SQL. Reports and public indicators need no token; other routes take Authorization: Bearer TOKEN of the role stated in x-pbequity-role (citizen < councillor < analyst < admin).",
		},
		"paths": paths,
		"components": map[string]any{
			"securitySchemes": map[string]any{"bearer": map[string]any{"type": "http", "scheme": "bearer",
				"description": "An access token from `pbequity token create`; only its hash is stored."}},
			"responses": responses,
			"schemas": map[string]any{
				"Error": map[string]any{"type": "object", "required": []string{"error"},
					"properties": map[string]any{"error": map[string]any{"type": "string"}}},
				"FieldError": map[string]any{"type": "object", "required": []string{"file", "row", "message"},
					"properties": map[string]any{
						"file":    map[string]any{"type": "string"},
						"row":     map[string]any{"type": "integer", "description": "Spreadsheet row (the header is row 1; 0 for the whole file)."},
						"column":  map[string]any{"type": "string"},
						"value":   map[string]any{"type": "string"},
						"message": map[string]any{"type": "string", "description": "In the language of the request."},
					}},
				"ValidationError": map[string]any{"type": "object", "required": []string{"error"},
					"properties": map[string]any{
						"error":     map[string]any{"type": "string"},
						"errors":    map[string]any{"type": "array", "items": ref("FieldError")},
						"truncated": map[string]any{"type": "boolean"},
					}},
				"Cycle": map[string]any{"type": "object", "required": []string{"id", "name"},
					"description": "A cycle with public counts; counts below the suppression threshold are null and named in suppressed.",
					"properties": map[string]any{
						"id": map[string]any{"type": "string"}, "name": map[string]any{"type": "string"},
						"name_en": map[string]any{"type": "string"}, "fiscal_year": map[string]any{"type": "integer"},
						"budget": map[string]any{"type": "integer"}, "currency": map[string]any{"type": "string"},
						"vote_type": map[string]any{"type": "string"}, "rule": map[string]any{"type": "string"},
						"participants": map[string]any{"type": []string{"integer", "null"}},
						"women":        map[string]any{"type": []string{"integer", "null"}},
						"men":          map[string]any{"type": []string{"integer", "null"}},
						"voters":       map[string]any{"type": []string{"integer", "null"}},
						"women_share":  map[string]any{"type": []string{"number", "null"}},
						"projects":     map[string]any{"type": "integer"}, "funded": map[string]any{"type": "integer"},
						"allocated":  map[string]any{"type": "integer"},
						"suppressed": map[string]any{"type": "array", "items": map[string]any{"type": "string"}},
					}},
				"UploadResult": map[string]any{"type": "object", "required": []string{"cycle_id", "datasets", "rows"},
					"properties": map[string]any{
						"cycle_id": map[string]any{"type": "string"},
						"rows":     map[string]any{"type": "integer"},
						"datasets": map[string]any{"type": "array", "items": map[string]any{"type": "object",
							"required": []string{"dataset_id", "file", "kind", "rows", "sha256"},
							"properties": map[string]any{
								"dataset_id": map[string]any{"type": "string"}, "file": map[string]any{"type": "string"},
								"kind": map[string]any{"type": "string"}, "rows": map[string]any{"type": "integer"},
								"sha256": map[string]any{"type": "string"},
								"totals": map[string]any{"type": "object", "additionalProperties": map[string]any{"type": "integer"},
									"description": "Parsed amount in rial per category (projects) or project (budget lines)."},
								"unknown_columns": map[string]any{"type": "array", "items": map[string]any{"type": "string"}},
							}}},
					}},
				"QueryRequest": map[string]any{"type": "object",
					"description": "Either sql or saved, with named parameters ($cycle …).",
					"properties": map[string]any{
						"sql":    map[string]any{"type": "string"},
						"saved":  map[string]any{"type": "string"},
						"params": map[string]any{"type": "object"},
					}},
				"QueryResult": map[string]any{"type": "object",
					"properties": map[string]any{
						"columns": map[string]any{"type": "array", "items": map[string]any{"type": "object",
							"properties": map[string]any{"name": map[string]any{"type": "string"}, "type": map[string]any{"type": "string"}}}},
						"rows":       map[string]any{"type": "array", "items": map[string]any{"type": "array"}},
						"row_count":  map[string]any{"type": "integer"},
						"truncated":  map[string]any{"type": "boolean"},
						"elapsed_ms": map[string]any{"type": "number"},
					}},
			},
		},
	}
}

func (o op) operation(head bool) map[string]any {
	m := map[string]any{"summary": o.summary, "operationId": operationID(o.method, o.path, head)}
	if head {
		m["summary"] = "Headers of GET " + o.path + "."
	}
	var params []any
	for _, p := range o.params {
		schema := map[string]any{"type": "string"}
		if len(p.enum) > 0 {
			schema["enum"] = p.enum
		}
		params = append(params, map[string]any{"name": p.name, "in": p.in, "description": p.desc,
			"required": p.required || p.in == "path", "schema": schema})
	}
	if params != nil {
		m["parameters"] = params
	}
	if o.body != nil {
		m["requestBody"] = o.body
	}
	okResp := map[string]any{"description": "Success."}
	if !head {
		okResp["content"] = map[string]any{o.okType: map[string]any{"schema": o.okSchema}}
	}
	resp := map[string]any{itoa(o.ok): okResp, "405": map[string]any{"$ref": "#/components/responses/405"}}
	codes := o.errors
	if o.role != "" {
		codes = append([]int{401, 403}, codes...)
		m["security"] = []any{map[string]any{"bearer": []string{}}}
		m["x-pbequity-role"] = o.role
	} else {
		m["security"] = []any{}
	}
	for _, c := range codes {
		resp[itoa(c)] = map[string]any{"$ref": "#/components/responses/" + itoa(c)}
	}
	m["responses"] = resp
	return m
}

func operationID(method, path string, head bool) string {
	var b strings.Builder
	b.WriteString(strings.ToLower(method))
	if head {
		b.Reset()
		b.WriteString("head")
	}
	up := true
	for _, r := range path {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			if up && r >= 'a' && r <= 'z' {
				r -= 'a' - 'A'
			}
			b.WriteRune(r)
			up = false
		default:
			up = true
		}
	}
	if path == "/" {
		b.WriteString("Root")
	}
	return b.String()
}

// openAPI handles GET /openapi.json.
func (s *Server) openAPI(w http.ResponseWriter, r *http.Request) {
	b, err := json.MarshalIndent(openAPI(), "", "  ")
	if err != nil {
		s.Error(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Access-Control-Allow-Origin", "*")
	w.Write(b)
}

// Operations lists the documented method and path of every operation
// (HEAD beside every GET), for tests.
func Operations() [][2]string {
	var out [][2]string
	for _, o := range operations {
		out = append(out, [2]string{o.method, o.path})
		if o.method == "GET" {
			out = append(out, [2]string{"HEAD", o.path})
		}
	}
	return out
}
