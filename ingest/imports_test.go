package ingest

import (
	"go/build"
	"strings"
	"testing"
)

// TestImports keeps ingest free of SQL, HTTP and the database driver.
func TestImports(t *testing.T) {
	pkg, err := build.ImportDir(".", 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, imp := range pkg.Imports {
		if imp == "database/sql" || imp == "net/http" || strings.Contains(imp, "duckdb") {
			t.Errorf("ingest imports %s", imp)
		}
	}
}
