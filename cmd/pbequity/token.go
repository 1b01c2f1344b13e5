package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/pbequity/pbequity"
	"github.com/pbequity/pbequity/queries"
	"github.com/pbequity/pbequity/server"
)

// newToken returns a fresh random access token.
func newToken() string {
	b := make([]byte, 32)
	rand.Read(b)
	return "pbe_" + base64.RawURLEncoding.EncodeToString(b)
}

const tokenUsage = `usage:
  pbequity token create --db F --role citizen|councillor|analyst|admin [--label L] [--expires 720h]
  pbequity token list   --db F
  pbequity token revoke --db F HASH-PREFIX|LABEL`

func cmdToken(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return pbequity.Errorf(pbequity.EINVALID, "%s", tokenUsage)
	}
	switch args[0] {
	case "create":
		return cmdTokenCreate(ctx, args[1:], stdout, stderr)
	case "list":
		return cmdTokenList(ctx, args[1:], stdout, stderr)
	case "revoke":
		return cmdTokenRevoke(ctx, args[1:], stdout, stderr)
	}
	return pbequity.Errorf(pbequity.EINVALID, "unknown token command %q\n%s", args[0], tokenUsage)
}

func cmdTokenCreate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("token create", stderr)
	dbPath := fs.String("db", env("PBEQUITY_DB", "pbequity.duckdb"), "DuckDB file")
	role := fs.String("role", "", "citizen, councillor, analyst or admin")
	label := fs.String("label", "", "who or what the token is for")
	expires := fs.Duration("expires", 0, "lifetime, e.g. 720h (default: no expiry)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if pbequity.RoleRank(*role) < 0 {
		return pbequity.Errorf(pbequity.EINVALID, "--role must be one of citizen, councillor, analyst, admin (got %q)", *role)
	}
	if *expires < 0 {
		return pbequity.Errorf(pbequity.EINVALID, "--expires must be positive (got %s)", *expires)
	}
	db, err := queries.Open(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	var exp time.Time
	if *expires > 0 {
		exp = time.Now().Add(*expires)
	}
	tok := newToken()
	hash := server.HashToken(tok)
	if err := db.CreateToken(ctx, hash, *role, *label, exp); err != nil {
		return err
	}
	when := "never expires"
	if !exp.IsZero() {
		when = "expires " + exp.UTC().Format(time.RFC3339)
	}
	fmt.Fprintf(stderr, "token %s for role %s created (%s); only its hash is stored, so copy it now:\n", hash[:12], *role, when)
	fmt.Fprintln(stdout, tok)
	return nil
}

func cmdTokenList(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("token list", stderr)
	dbPath := fs.String("db", env("PBEQUITY_DB", "pbequity.duckdb"), "DuckDB file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	db, err := queries.Open(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	toks, err := db.Tokens(ctx)
	if err != nil {
		return err
	}
	now := time.Now()
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "HASH\tROLE\tLABEL\tCREATED\tEXPIRES\tREVOKED\tSTATE")
	for _, t := range toks {
		state := "valid"
		switch {
		case !t.Revoked.IsZero():
			state = "revoked"
		case !t.Valid(now):
			state = "expired"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", t.Hash[:12], t.Role, orDash(t.Label),
			stamp(t.Created), stamp(t.Expires), stamp(t.Revoked), state)
	}
	return tw.Flush()
}

func cmdTokenRevoke(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("token revoke", stderr)
	dbPath := fs.String("db", env("PBEQUITY_DB", "pbequity.duckdb"), "DuckDB file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return pbequity.Errorf(pbequity.EINVALID, "usage: pbequity token revoke --db F HASH-PREFIX|LABEL")
	}
	db, err := queries.Open(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	t, err := db.RevokeToken(ctx, fs.Arg(0))
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "revoked token %s (role %s, label %s) at %s\n", t.Hash[:12], t.Role, orDash(t.Label), stamp(t.Revoked))
	return nil
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format("2006-01-02 15:04:05Z")
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
