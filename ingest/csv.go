package ingest

import (
	"bufio"
	"bytes"
	"errors"
	"io"
)

// csvReader reads delimited records (RFC 4180, with lenient quotes) from a
// buffered reader without allocating per record: the fields it returns are
// valid until the next call. It numbers rows as a spreadsheet shows them:
// a blank line is a row, a quoted cell spanning lines is in one row.
type csvReader struct {
	br     *bufio.Reader
	comma  byte
	row    int    // spreadsheet row of the last record
	long   []byte // a line longer than the bufio buffer
	rec    []byte // unquoted cell contents of a record with quotes
	ends   []int
	fields [][]byte
	max    int // longest record accepted, in bytes
}

// rowError is a problem of one row of a file that stops its reading.
type rowError struct {
	row  int
	msg  msgID
	args []any
}

func (e *rowError) Error() string { return render("en", e.msg, e.args...) }

var errTooLong = errors.New("record too long")

const maxRecord = 1 << 20

func newCSVReader(br *bufio.Reader, comma byte) *csvReader {
	return &csvReader{br: br, comma: comma, max: maxRecord, fields: make([][]byte, 0, 16)}
}

func (r *csvReader) padded() bool { return false }

func (r *csvReader) close() {}

// readLine returns the next line without its end of line; io.EOF only when
// nothing is left.
func (r *csvReader) readLine() ([]byte, error) {
	line, err := r.br.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		r.long = append(r.long[:0], line...)
		for err == bufio.ErrBufferFull {
			if len(r.long) > r.max {
				return nil, errTooLong
			}
			line, err = r.br.ReadSlice('\n')
			r.long = append(r.long, line...)
		}
		line = r.long
	}
	if len(line) == 0 && err != nil {
		return nil, err
	}
	if err != nil && err != io.EOF {
		return nil, err
	}
	if n := len(line); n > 0 && line[n-1] == '\n' {
		line = line[:n-1]
	}
	if n := len(line); n > 0 && line[n-1] == '\r' {
		line = line[:n-1]
	}
	return line, nil
}

// next returns the cells of the next row that is not blank, and its row
// number; io.EOF at the end.
func (r *csvReader) next() ([][]byte, int, error) {
	for {
		line, err := r.readLine()
		if err != nil {
			if err == errTooLong {
				return nil, r.row + 1, &rowError{row: r.row + 1, msg: mRecordTooLong, args: []any{r.max}}
			}
			return nil, r.row, err
		}
		r.row++
		if len(line) == 0 {
			continue
		}
		if bytes.IndexByte(line, '"') < 0 {
			f := r.fields[:0]
			for {
				i := bytes.IndexByte(line, r.comma)
				if i < 0 {
					break
				}
				f = append(f, line[:i])
				line = line[i+1:]
			}
			r.fields = append(f, line)
			return r.fields, r.row, nil
		}
		return r.quoted(line)
	}
}

// quoted splits a line that has quotes; a quoted cell may go on over the
// following lines.
func (r *csvReader) quoted(line []byte) ([][]byte, int, error) {
	row := r.row
	r.rec, r.ends = r.rec[:0], r.ends[:0]
	pos := 0
	for {
		if pos < len(line) && line[pos] == '"' {
			pos++
		quote:
			for {
				i := bytes.IndexByte(line[pos:], '"')
				if i < 0 {
					// The cell goes on over the next line.
					r.rec = append(r.rec, line[pos:]...)
					r.rec = append(r.rec, '\n')
					if len(r.rec) > r.max {
						return nil, row, &rowError{row: row, msg: mRecordTooLong, args: []any{r.max}}
					}
					next, err := r.readLine()
					if err == io.EOF {
						return nil, row, &rowError{row: row, msg: mUnterminated}
					} else if err == errTooLong {
						return nil, row, &rowError{row: row, msg: mRecordTooLong, args: []any{r.max}}
					} else if err != nil {
						return nil, row, err
					}
					line, pos = next, 0
					continue
				}
				r.rec = append(r.rec, line[pos:pos+i]...)
				pos += i + 1
				switch {
				case pos < len(line) && line[pos] == '"': // "" is a quote
					r.rec = append(r.rec, '"')
					pos++
				case pos == len(line) || line[pos] == r.comma:
					break quote
				default: // a stray quote is kept
					r.rec = append(r.rec, '"')
				}
			}
		} else {
			i := bytes.IndexByte(line[pos:], r.comma)
			if i < 0 {
				i = len(line) - pos
			}
			r.rec = append(r.rec, line[pos:pos+i]...)
			pos += i
		}
		r.ends = append(r.ends, len(r.rec))
		if pos >= len(line) {
			break
		}
		pos++ // the delimiter
	}
	f, start := r.fields[:0], 0
	for _, end := range r.ends {
		f = append(f, r.rec[start:end:end])
		start = end
	}
	r.fields = f
	return f, row, nil
}

// sniffComma picks the delimiter of a header line: the most frequent of
// comma, semicolon and tab outside quotes; comma when none occurs.
func sniffComma(head []byte) byte {
	if i := bytes.IndexByte(head, '\n'); i >= 0 {
		head = head[:i]
	}
	var n [3]int
	in := false
	for _, c := range head {
		switch c {
		case '"':
			in = !in
		case ',':
			if !in {
				n[0]++
			}
		case ';':
			if !in {
				n[1]++
			}
		case '\t':
			if !in {
				n[2]++
			}
		}
	}
	best, comma := n[0], byte(',')
	if n[1] > best {
		best, comma = n[1], ';'
	}
	if n[2] > best {
		comma = '\t'
	}
	return comma
}
