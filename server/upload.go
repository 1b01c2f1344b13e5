package server

import (
	"context"
	"errors"
	"mime/multipart"
	"net/http"
	"strconv"

	"github.com/gorilla/mux"

	"github.com/pbequity/pbequity"
)

// Uploader validates and loads uploaded files.
type Uploader interface {
	Upload(ctx context.Context, req pbequity.UploadRequest) (*pbequity.UploadResult, error)
}

// DefaultMaxUpload bounds the body of an upload request.
const DefaultMaxUpload = 512 << 20

// upload handles POST /api/v1/cycles/{cycle}/uploads: a multipart form with
// one or more `file` parts and optional kind, unit, lang, sheet, anonymous.
func (s *Server) upload(w http.ResponseWriter, r *http.Request) {
	max := s.maxUpload()
	r.Body = http.MaxBytesReader(w, r.Body, max)
	// Parts beyond 32 MiB spill to temporary files, removed below.
	if err := r.ParseMultipartForm(32 << 20); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			s.Error(w, r, pbequity.Errorf(pbequity.ETOOLARGE, "upload larger than %d MiB", max>>20))
			return
		}
		s.Error(w, r, pbequity.Errorf(pbequity.EINVALID, "expected a multipart form with a file field"))
		return
	}
	defer r.MultipartForm.RemoveAll()
	lang := r.FormValue("lang")
	if lang != "fa" {
		lang = "en"
	}
	anon, _ := strconv.ParseBool(r.FormValue("anonymous"))
	req := pbequity.UploadRequest{
		CycleID: mux.Vars(r)["cycle"], Kind: r.FormValue("kind"), Unit: r.FormValue("unit"), Lang: lang,
		Sheet: r.FormValue("sheet"), Role: roleOf(r), Anonymous: anon,
	}
	for _, fh := range r.MultipartForm.File["file"] {
		f, err := fh.Open()
		if err != nil {
			s.Error(w, r, err)
			return
		}
		defer func(f multipart.File) { f.Close() }(f)
		req.Files = append(req.Files, pbequity.UploadFile{Name: fh.Filename, Body: f})
	}
	if len(req.Files) == 0 {
		s.Error(w, r, pbequity.Errorf(pbequity.EINVALID, "no file in the form field \"file\""))
		return
	}
	res, err := s.cfg.Uploader.Upload(r.Context(), req)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, res)
}
