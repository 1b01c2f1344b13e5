package server

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"

	"github.com/pbequity/pbequity"
)

// Tokens resolves the hash of an access token to its role.
type Tokens interface {
	TokenRole(ctx context.Context, hash string) (string, error)
}

// HashToken returns the stored form of a token: hex SHA-256.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

type roleKey struct{}

// roleOf returns the role authenticated for the request ("" for none).
func roleOf(r *http.Request) string {
	role, _ := r.Context().Value(roleKey{}).(string)
	return role
}

// require wraps h so that it runs only for a bearer token of at least role:
// no token is 401, a token of a lower role 403.
func (s *Server) require(role string, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		auth := r.Header.Get("Authorization")
		token, ok := strings.CutPrefix(auth, "Bearer ")
		token = strings.TrimSpace(token)
		if !ok || token == "" || s.cfg.Tokens == nil {
			w.Header().Set("WWW-Authenticate", `Bearer realm="pbequity"`)
			s.Error(w, r, pbequity.Errorf(pbequity.EUNAUTHORIZED, "this needs an access token (Authorization: Bearer …) of role %s or higher", role))
			return
		}
		have, err := s.cfg.Tokens.TokenRole(r.Context(), HashToken(token))
		if err != nil {
			w.Header().Set("WWW-Authenticate", `Bearer realm="pbequity", error="invalid_token"`)
			s.Error(w, r, err)
			return
		}
		if pbequity.RoleRank(have) < pbequity.RoleRank(role) {
			s.Error(w, r, pbequity.Errorf(pbequity.EFORBIDDEN, "role %s may not do this; it needs %s or higher", have, role))
			return
		}
		info(r).role = have
		h(w, r.WithContext(context.WithValue(r.Context(), roleKey{}, have)))
	}
}
