package server

import (
	"bytes"
	"net/http"

	"github.com/gorilla/mux"

	"github.com/pbequity/pbequity"
	"github.com/pbequity/pbequity/reports"
)

// uploadPage handles GET /upload: the citizens' upload page, Persian unless
// ?lang=en. Like the SQL console it holds no data: its script lists the
// public cycles and posts the files with the citizen's bearer token, which
// the upload API checks.
func (s *Server) uploadPage(w http.ResponseWriter, r *http.Request) {
	var buf bytes.Buffer
	if err := reports.Upload(&buf, lang(r)); err != nil {
		s.Error(w, r, err)
		return
	}
	writeHTML(w, buf.Bytes())
}

// uploadTemplate handles GET /templates/{kind}.csv: a template file with
// Persian headers and one example row.
func (s *Server) uploadTemplate(w http.ResponseWriter, r *http.Request) {
	kind := mux.Vars(r)["kind"]
	b, ok := reports.Template(kind)
	if !ok {
		s.Error(w, r, pbequity.Errorf(pbequity.ENOTFOUND, "no template for %q; there are templates for %v", kind, reports.TemplateKinds))
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", `attachment; filename="`+kind+`.csv"`)
	h.Set("Cache-Control", "public, max-age=3600")
	w.Write(b)
}
