package pbequity

import (
	"errors"
	"fmt"
)

// Error codes shared by every package. The server maps them to HTTP status
// codes in one place.
const (
	ECONFLICT     = "conflict"
	EINTERNAL     = "internal"
	EINVALID      = "invalid"
	ENOTFOUND     = "not_found"
	EUNAUTHORIZED = "unauthorized"
	EFORBIDDEN    = "forbidden"
	ETOOLARGE     = "too_large"
	ETIMEOUT      = "timeout"
)

// Error is an application error whose Message is safe to show to a user.
type Error struct {
	Code    string
	Message string
}

// Error implements the error interface.
func (e *Error) Error() string {
	return fmt.Sprintf("pbequity error: code=%s message=%s", e.Code, e.Message)
}

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL for
// any other non-nil error, and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the user-facing message of err: the Message of its
// *Error, or a generic text for internal errors.
func ErrorMessage(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Message
	}
	return "internal error"
}

// FieldError is one problem of an uploaded file, at a spreadsheet row (the
// header is row 1; 0 when the problem concerns the whole file) and column.
type FieldError struct {
	File    string `json:"file"`
	Row     int    `json:"row"`
	Column  string `json:"column,omitempty"`
	Value   string `json:"value,omitempty"`
	Message string `json:"message"`
}

// String renders the error as "file: row R, column C: message".
func (e FieldError) String() string {
	s := e.File
	if e.Row > 0 {
		s += fmt.Sprintf(": row %d", e.Row)
	}
	if e.Column != "" {
		s += ", column " + e.Column
	}
	return s + ": " + e.Message
}

// ValidationError lists every problem found in an upload (up to a limit).
// Nothing of the upload is written when it is returned.
type ValidationError struct {
	Errors []FieldError `json:"errors"`
	// Truncated is true when more errors were found than are listed.
	Truncated bool `json:"truncated,omitempty"`
}

// Error implements the error interface.
func (e *ValidationError) Error() string {
	if len(e.Errors) == 0 {
		return "invalid upload"
	}
	s := e.Errors[0].String()
	if n := len(e.Errors) - 1; n > 0 {
		s += fmt.Sprintf(" (and %d more)", n)
	}
	return s
}
