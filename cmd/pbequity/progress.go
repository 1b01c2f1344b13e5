package main

import (
	"fmt"
	"io"
	"os"
	"time"
)

// progress prints a one-line progress bar on a terminal, at most a few times
// a second; on anything that is not a terminal it prints nothing.
type progress struct {
	w     io.Writer
	label string
	tty   bool
	start time.Time
	last  time.Time
}

func newProgress(w io.Writer, label string) *progress {
	tty := false
	if f, ok := w.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			tty = true
		}
	}
	return &progress{w: w, label: label, tty: tty, start: time.Now()}
}

// update shows done of total.
func (p *progress) update(done, total int) {
	if !p.tty || total <= 0 {
		return
	}
	now := time.Now()
	if done < total && now.Sub(p.last) < 200*time.Millisecond {
		return
	}
	p.last = now
	const width = 30
	n := done * width / total
	bar := make([]rune, width)
	for i := range bar {
		if i < n {
			bar[i] = '█'
		} else {
			bar[i] = '░'
		}
	}
	fmt.Fprintf(p.w, "\r%s %s %3d%% %d/%d %s", p.label, string(bar), done*100/total, done, total,
		now.Sub(p.start).Round(100*time.Millisecond))
	if done >= total {
		fmt.Fprintln(p.w)
	}
}
