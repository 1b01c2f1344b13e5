// Package shareddata finds the data the project's tests share but do not
// ship: the real Pabulib files in shared/data/pabulib beside the module root
// (never copied into the repository). Only tests import it.
package shareddata

import (
	"os"
	"path/filepath"
	"testing"
)

// PabulibDir returns the folder of the shared Pabulib files, found by
// walking up from the working directory (a package's folder in tests), or
// skips the test when there is none.
func PabulibDir(tb testing.TB) string {
	tb.Helper()
	dir, err := os.Getwd()
	if err != nil {
		tb.Fatal(err)
	}
	for d := dir; ; d = filepath.Dir(d) {
		for _, c := range []string{filepath.Join(d, "shared", "data", "pabulib"), filepath.Join(d, "..", "shared", "data", "pabulib")} {
			if st, err := os.Stat(c); err == nil && st.IsDir() {
				return c
			}
		}
		if filepath.Dir(d) == d {
			break
		}
	}
	tb.Skip("shared Pabulib data (shared/data/pabulib beside the module root) not found; skipping tests on real files")
	return ""
}
