package server

import (
	"bytes"
	"net/http"

	"github.com/gorilla/mux"
)

// chartData answers GET /cycles/{cycle}/data/{chart}.csv|.json: the numbers
// of one chart of the cycle's report, suppressed cells as "suppressed",
// headers in the language of ?lang= (Persian by default).
func (s *Server) chartData(w http.ResponseWriter, r *http.Request) {
	v := mux.Vars(r)
	d, err := s.cfg.Reports.Data(r.Context(), v["cycle"], v["chart"], lang(r))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	var buf bytes.Buffer
	ctype := "application/json; charset=utf-8"
	if v["format"] == "csv" {
		ctype = "text/csv; charset=utf-8"
		err = d.WriteCSV(&buf)
	} else {
		err = d.WriteJSON(&buf)
	}
	if err != nil {
		s.Error(w, r, err)
		return
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Disposition", `inline; filename="`+safeName(v["cycle"])+"-"+safeName(v["chart"])+"."+v["format"]+`"`)
	w.Write(buf.Bytes())
}
