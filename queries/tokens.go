package queries

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/pbequity/pbequity"
)

// Token describes a stored access token. The token itself is never stored,
// only its hash.
type Token struct {
	Hash    string
	Role    string
	Label   string
	Created time.Time
	// Expires and Revoked are zero when the token has no expiry or is not revoked.
	Expires time.Time
	Revoked time.Time
}

// Valid reports whether the token is neither revoked nor expired at now.
func (t Token) Valid(now time.Time) bool {
	return t.Revoked.IsZero() && (t.Expires.IsZero() || t.Expires.After(now))
}

// CreateToken stores the hash of a new access token with its role.
func (d *DB) CreateToken(ctx context.Context, hash, role, label string, expires time.Time) error {
	d.writeMu.Lock()
	defer d.writeMu.Unlock()
	var exp any
	if !expires.IsZero() {
		exp = expires.UTC()
	}
	if _, err := d.db.ExecContext(ctx, "INSERT INTO tokens (token_hash, role, label, expires_at) VALUES (?, ?, ?, ?)",
		hash, role, nullString(label), exp); err != nil {
		return fmt.Errorf("create token: %w", translate(err))
	}
	return nil
}

// TokenRole returns the role of a token hash that is neither expired nor
// revoked, or an EUNAUTHORIZED error.
func (d *DB) TokenRole(ctx context.Context, hash string) (string, error) {
	var role string
	err := d.db.QueryRowContext(ctx, statement("token_role"), hash).Scan(&role)
	if errors.Is(err, sql.ErrNoRows) {
		return "", pbequity.Errorf(pbequity.EUNAUTHORIZED, "invalid, expired or revoked token")
	}
	if err != nil {
		return "", fmt.Errorf("token role: %w", translate(err))
	}
	return role, nil
}

// Tokens lists every stored token, oldest first.
func (d *DB) Tokens(ctx context.Context) ([]Token, error) {
	return d.tokens(ctx, "token_list")
}

func (d *DB) tokens(ctx context.Context, name string, args ...any) ([]Token, error) {
	rows, err := d.db.QueryContext(ctx, statement(name), args...)
	if err != nil {
		return nil, fmt.Errorf("tokens: %w", translate(err))
	}
	defer rows.Close()
	var out []Token
	for rows.Next() {
		var t Token
		var exp, rev sql.NullTime
		if err := rows.Scan(&t.Hash, &t.Role, &t.Label, &t.Created, &exp, &rev); err != nil {
			return nil, fmt.Errorf("tokens: %w", translate(err))
		}
		t.Expires, t.Revoked = exp.Time, rev.Time
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("tokens: %w", translate(err))
	}
	return out, nil
}

// minHashPrefix is the shortest hash prefix RevokeToken accepts.
const minHashPrefix = 6

// RevokeToken revokes the one token whose hash starts with key (at least
// six hex digits) or whose label is key. It returns the revoked token; no
// match is ENOTFOUND, several matches ECONFLICT (nothing is revoked).
// Revoking a revoked token again keeps its first revocation time.
func (d *DB) RevokeToken(ctx context.Context, key string) (Token, error) {
	key = strings.TrimSpace(key)
	if key == "" {
		return Token{}, pbequity.Errorf(pbequity.EINVALID, "name the token to revoke by a hash prefix or its label")
	}
	d.writeMu.Lock()
	defer d.writeMu.Unlock()
	prefix := strings.ToLower(key)
	if len(prefix) < minHashPrefix || strings.Trim(prefix, "0123456789abcdef") != "" {
		prefix = "\x00" // matches no hash: only the label can match
	}
	found, err := d.tokens(ctx, "token_match", prefix, key)
	if err != nil {
		return Token{}, err
	}
	switch len(found) {
	case 0:
		return Token{}, pbequity.Errorf(pbequity.ENOTFOUND, "no token has a hash starting with %q or the label %q", key, key)
	case 1:
	default:
		return Token{}, pbequity.Errorf(pbequity.ECONFLICT, "%d tokens match %q; give a longer hash prefix", len(found), key)
	}
	t := found[0]
	if !t.Revoked.IsZero() {
		return t, nil
	}
	if _, err := d.db.ExecContext(ctx, "UPDATE tokens SET revoked_at = current_timestamp::TIMESTAMP WHERE token_hash = ?", t.Hash); err != nil {
		return Token{}, fmt.Errorf("revoke token: %w", translate(err))
	}
	err = d.db.QueryRowContext(ctx, "SELECT revoked_at FROM tokens WHERE token_hash = ?", t.Hash).Scan(&t.Revoked)
	if err != nil {
		return Token{}, fmt.Errorf("revoke token: %w", translate(err))
	}
	return t, nil
}
