package reports

import (
	"bytes"
	"context"
	"sync"

	"github.com/pbequity/pbequity"
	"github.com/pbequity/pbequity/analytics"
)

// Source is where the reports get their data; *queries.DB is one, wired in
// by cmd/pbequity.
type Source interface {
	Cycles(ctx context.Context) ([]pbequity.CycleSummary, error)
	Cycle(ctx context.Context, id string) (*pbequity.CycleSummary, error)
	Aggregates(ctx context.Context, cycleID string) (*pbequity.Aggregates, error)
}

// Service builds indicators and pages from a Source and caches them per
// cycle until Invalidate is called for it (after an upload).
type Service struct {
	src Source
	opt analytics.Options

	mu    sync.Mutex
	cache map[string]*entry
	// archive caches the archive page per language until any cycle is
	// invalidated.
	archive map[string][]byte
	gen     uint64 // counts invalidations
}

type entry struct {
	once    sync.Once
	summary *pbequity.CycleSummary
	ind     *analytics.Indicators
	cmp     *Comparison // nil when the cycle has no ballots or too many voters
	err     error
	pages   sync.Map // lang → []byte
	data    sync.Map // lang → map[string]*DataFile
	memos   sync.Map // key → *memo: outcomes and comparisons asked for by the API
}

// memo is one result computed once per cycle entry.
type memo struct {
	once sync.Once
	v    any
	err  error
}

// memoize returns f's result for key, computed once until the cycle's
// entry is invalidated; failures are not kept.
func (s *Service) memoize(ctx context.Context, cycleID, key string, f func(e *entry) (any, error)) (any, error) {
	e, err := s.load(ctx, cycleID)
	if err != nil {
		return nil, err
	}
	v, _ := e.memos.LoadOrStore(key, &memo{})
	m := v.(*memo)
	m.once.Do(func() { m.v, m.err = f(e) })
	if m.err != nil {
		e.memos.CompareAndDelete(key, m)
	}
	return m.v, m.err
}

// NewService returns a Service computing indicators with opt (suppression
// threshold, bootstrap).
func NewService(src Source, opt analytics.Options) *Service {
	return &Service{src: src, opt: opt, cache: map[string]*entry{}, archive: map[string][]byte{}}
}

// K is the small-cell suppression threshold in force.
func (s *Service) K() int {
	if s.opt.K <= 0 {
		return analytics.DefaultK
	}
	return s.opt.K
}

// Invalidate forgets everything cached for a cycle; "" forgets all.
func (s *Service) Invalidate(cycleID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.archive = map[string][]byte{}
	s.gen++
	if cycleID == "" {
		s.cache = map[string]*entry{}
		return
	}
	delete(s.cache, cycleID)
}

// load returns the cached entry of a cycle, computing it once.
func (s *Service) load(ctx context.Context, id string) (*entry, error) {
	s.mu.Lock()
	e := s.cache[id]
	if e == nil {
		e = &entry{}
		s.cache[id] = e
	}
	s.mu.Unlock()
	e.once.Do(func() {
		e.summary, e.err = s.src.Cycle(ctx, id)
		if e.err != nil {
			return
		}
		var agg *pbequity.Aggregates
		if agg, e.err = s.src.Aggregates(ctx, id); e.err != nil {
			return
		}
		if e.ind, e.err = analytics.Compute(*agg, s.opt); e.err != nil {
			return
		}
		if _, ok := s.src.(VoteSource); ok && e.summary.Voters > 0 && e.summary.Voters <= CompareLimit {
			e.cmp, e.err = s.compare(ctx, id)
		}
	})
	if e.err != nil {
		// Do not keep failures (a cancelled request, a missing cycle that may be uploaded later).
		s.mu.Lock()
		if s.cache[id] == e {
			delete(s.cache, id)
		}
		s.mu.Unlock()
		return nil, e.err
	}
	return e, nil
}

// Indicators returns the published indicators of a cycle.
func (s *Service) Indicators(ctx context.Context, id string) (*pbequity.CycleSummary, *analytics.Indicators, error) {
	e, err := s.load(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	return e.summary, e.ind, nil
}

// Report returns the HTML report of a cycle in lang ("fa" or "en"),
// rendered once and then served from the cache.
func (s *Service) Report(ctx context.Context, id, lang string) ([]byte, error) {
	e, err := s.load(ctx, id)
	if err != nil {
		return nil, err
	}
	lang = NormLang(lang)
	if b, ok := e.pages.Load(lang); ok {
		return b.([]byte), nil
	}
	var buf bytes.Buffer
	if err := Report(&buf, *e.summary, e.ind, e.cmp, Options{Lang: lang}); err != nil {
		return nil, err
	}
	b, _ := e.pages.LoadOrStore(lang, buf.Bytes())
	return b.([]byte), nil
}

// Standalone writes the self-contained HTML report of a cycle.
func (s *Service) Standalone(ctx context.Context, id, lang string) ([]byte, error) {
	e, err := s.load(ctx, id)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := Report(&buf, *e.summary, e.ind, e.cmp, Options{Lang: lang, Standalone: true}); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Data returns the numbers of one chart of a cycle's report (its key, as
// in Chart.Key), computed once per language and cached with the cycle.
func (s *Service) Data(ctx context.Context, id, chart, lang string) (*DataFile, error) {
	e, err := s.load(ctx, id)
	if err != nil {
		return nil, err
	}
	lang = NormLang(lang)
	files, ok := e.data.Load(lang)
	if !ok {
		files, _ = e.data.LoadOrStore(lang, dataFiles(*e.summary, e.ind, e.cmp, lang))
	}
	d := files.(map[string]*DataFile)[chart]
	if d == nil {
		return nil, pbequity.Errorf(pbequity.ENOTFOUND, "the report of %s has no chart %q", id, chart)
	}
	return d, nil
}

// Archive returns the HTML archive of every cycle, with the trends of the
// cities that have more than one; it is cached until a cycle is
// invalidated.
func (s *Service) Archive(ctx context.Context, lang string) ([]byte, error) {
	lang = NormLang(lang)
	s.mu.Lock()
	b, ok := s.archive[lang]
	gen := s.gen
	s.mu.Unlock()
	if ok {
		return b, nil
	}
	cycles, err := s.src.Cycles(ctx)
	if err != nil {
		return nil, err
	}
	inds := map[string]*analytics.Indicators{}
	for _, c := range cycles {
		e, err := s.load(ctx, c.ID)
		if err != nil {
			return nil, err
		}
		inds[c.ID] = e.ind
	}
	var buf bytes.Buffer
	if err := Archive(&buf, cycles, s.K(), Options{Lang: lang}, inds); err != nil {
		return nil, err
	}
	s.mu.Lock()
	// Keep it only if no cycle was invalidated meanwhile.
	if gen == s.gen {
		s.archive[lang] = buf.Bytes()
	}
	s.mu.Unlock()
	return buf.Bytes(), nil
}

// Cycles lists every cycle with its headline counts.
func (s *Service) Cycles(ctx context.Context) ([]pbequity.CycleSummary, error) {
	return s.src.Cycles(ctx)
}

// Cycle returns one cycle with its headline counts.
func (s *Service) Cycle(ctx context.Context, id string) (*pbequity.CycleSummary, error) {
	return s.src.Cycle(ctx, id)
}

// PublicCycle is a cycle as the public API shows it: counts of people below
// the suppression threshold are null with Suppressed listing them.
type PublicCycle struct {
	pbequity.Cycle
	Participants *int64   `json:"participants"`
	Women        *int64   `json:"women"`
	Men          *int64   `json:"men"`
	Voters       *int64   `json:"voters"`
	WomenShare   *float64 `json:"women_share"`
	Projects     int64    `json:"projects"`
	Funded       int64    `json:"funded"`
	Allocated    int64    `json:"allocated"`
	Suppressed   []string `json:"suppressed,omitempty"`
}

// Public returns the public view of a cycle summary with threshold k.
func Public(c pbequity.CycleSummary, k int) PublicCycle {
	p := PublicCycle{Cycle: c.Cycle, Projects: c.Projects, Funded: c.Funded, Allocated: c.Allocated}
	count := func(name string, n int64) *int64 {
		if small(n, k) {
			p.Suppressed = append(p.Suppressed, name)
			return nil
		}
		return &n
	}
	p.Participants = count("participants", c.Participants)
	p.Women = count("women", c.Women)
	p.Men = count("men", c.Men)
	p.Voters = count("voters", c.Voters)
	if p.Women != nil && p.Men != nil && c.Women+c.Men > 0 {
		s := float64(c.Women) / float64(c.Women+c.Men)
		p.WomenShare = &s
	}
	return p
}
