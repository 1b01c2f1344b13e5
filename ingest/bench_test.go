package ingest

import (
	"bufio"
	"bytes"
	"fmt"
	"strings"
	"testing"
)

// votesCSV generates a votes file of n rows: ballots of 1 to 5 projects out
// of 120, with points.
func votesCSV(n int) []byte {
	var b bytes.Buffer
	b.Grow(n * 24)
	b.WriteString("participant_id,project_id,points\n")
	voter, left := 0, 0
	for i := range n {
		if left == 0 {
			voter++
			left = 1 + voter%5
		}
		left--
		fmt.Fprintf(&b, "v%07d,P-%03d,%d\n", voter, (voter*7+i*13)%120, 1+i%3)
	}
	return b.Bytes()
}

func BenchmarkDecodeVotes(b *testing.B) {
	const rows = 1_000_000
	data := votesCSV(rows)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		batch, err := Decode(bytes.NewReader(data), "votes.csv", Options{CycleID: "bench-1403"})
		if err != nil {
			b.Fatal(err)
		}
		if len(batch.Votes) != rows {
			b.Fatalf("decoded %d votes, want %d", len(batch.Votes), rows)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/rows, "ns/row")
}

func bufioReader(s string) *bufio.Reader { return bufio.NewReaderSize(strings.NewReader(s), 16) }
