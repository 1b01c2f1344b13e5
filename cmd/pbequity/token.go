package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"io"
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

func cmdToken(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "create" {
		return pbequity.Errorf(pbequity.EINVALID, "usage: pbequity token create --db F --role citizen|councillor|analyst|admin [--label L] [--expires 720h]")
	}
	fs := newFlags("token create", stderr)
	dbPath := fs.String("db", env("PBEQUITY_DB", "pbequity.duckdb"), "DuckDB file")
	role := fs.String("role", "", "citizen, councillor, analyst or admin")
	label := fs.String("label", "", "who or what the token is for")
	expires := fs.Duration("expires", 0, "lifetime, e.g. 720h (default: no expiry)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if pbequity.RoleRank(*role) < 0 {
		return pbequity.Errorf(pbequity.EINVALID, "--role must be one of citizen, councillor, analyst, admin (got %q)", *role)
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
	if err := db.CreateToken(ctx, server.HashToken(tok), *role, *label, exp); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "token for role %s created; only its hash is stored, so copy it now:\n", *role)
	fmt.Fprintln(stdout, tok)
	return nil
}
