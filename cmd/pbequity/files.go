package main

import (
	"errors"
	"io/fs"
	"os"

	"github.com/pbequity/pbequity"
)

// openFile opens a file given on the command line with a clear error.
func openFile(name string) (*os.File, error) {
	f, err := os.Open(name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, pbequity.Errorf(pbequity.ENOTFOUND, "%s: no such file", name)
	}
	return f, err
}
