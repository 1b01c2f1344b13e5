package queries

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/pbequity/pbequity"
)

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
