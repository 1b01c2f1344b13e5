package analytics

import (
	"github.com/pbequity/pbequity"
)

// Options tune Compute.
type Options struct {
	// K is the small-cell suppression threshold: published counts of people
	// in [1, K) are suppressed (INDICATORS.md §6). 0 means 5; use 10 for
	// sensitive data.
	K int
	// BootstrapB is the number of bootstrap resamples of the interval of
	// the Gini coefficient; 0 means 1000.
	BootstrapB int
	// Seed seeds the bootstrap (math/rand/v2 PCG) so that reports are
	// reproducible.
	Seed uint64
}

// Default option values.
const (
	DefaultK          = 5
	DefaultBootstrapB = 1000
	// IntervalLevel is the coverage of the bootstrap intervals.
	IntervalLevel = 0.95
	// ChildBand is the age band left out of the adult population that
	// participation is compared against.
	ChildBand = "0-17"
)

// Indicators is every published indicator of one cycle (INDICATORS.md §1–§3
// and §6), ready to render: every count of people has passed small-cell
// suppression, and every headline figure carries what it rests on and a
// reading in Persian and English. It is built by Compute and serialises to
// JSON as is.
//
// Populations: participation (funnel, representation) is compared against
// the adult census, that is every population cell except the age band
// "0-17" (ChildBand) — residents under 18 mostly cannot vote in a
// participatory budget. Per-capita allocations and benefits use the whole
// population of all ages, since projects serve every resident.
//
// Suppression (INDICATORS.md §6, threshold Options.K): every count of people
// (census cells, participants at a stage, voters, proposers) in [1, K) is
// suppressed, and so is every share or ratio whose numerator or denominator
// is such a count. When a published total would let a reader recover a
// single suppressed cell of a gender row, a second cell is suppressed (the
// smaller of O and U, so that F and M survive), or the total when O and U
// are not available. Zero is shown. Summary indices over many cells (Rose,
// Gallagher) are published when the people they rest on number at least K,
// since they do not reveal a cell. Money, project counts and area-level
// inequality indices are administrative data about budgets, not people,
// and are not suppressed, except per-capita figures of an area whose
// population is itself below K.
type Indicators struct {
	CycleID  string `json:"cycle_id"`
	Currency string `json:"currency"`
	// K is the suppression threshold applied.
	K int `json:"k"`
	// Population is the census the indicators compare against.
	Population PopulationBase `json:"population"`
	// Funnel has one row per stage in process order: problem, solution,
	// vote, meeting, and funded (proposers of funded projects).
	Funnel []StageRow `json:"funnel"`
	// Representation compares voters with the adult population.
	Representation Representation `json:"representation"`
	// Success is the success ratio of proposals by proposer gender.
	Success Success `json:"success"`
	// Allocation is the funded money by category and by area.
	Allocation Allocation `json:"allocation"`
	// Distribution is the inequality of per-capita allocation across
	// areas (the units of Allocation.Areas).
	Distribution Distribution `json:"distribution"`
	// Markers are the OECD DAC gender-marker shares and the EIGE weighted
	// amount of the funded projects.
	Markers Markers `json:"markers"`
	// Benefit is the per-capita benefit by sex (benefit incidence).
	Benefit Benefit `json:"benefit"`
	// Execution is spent over approved for funded projects.
	Execution Execution `json:"execution"`
	// Notes explain choices a reader should know (populations used,
	// suppression, bootstrap), in Persian and English.
	Notes []Text `json:"notes"`
}

// PopulationBase is the census by gender: Adult excludes the age band
// "0-17" when the census has it (AdultOnly then true); All is every age.
type PopulationBase struct {
	Adult GenderCounts `json:"adult"`
	All   GenderCounts `json:"all"`
	// AdultOnly is true when a "0-17" band was found and left out of Adult.
	AdultOnly bool `json:"adult_only"`
}

// GenderCounts are published counts of people by gender and their total.
type GenderCounts struct {
	F     Figure `json:"f"`
	M     Figure `json:"m"`
	O     Figure `json:"o"`
	U     Figure `json:"u"`
	Total Figure `json:"total"`
}

// StageRow is one stage of the participation funnel.
type StageRow struct {
	// Stage is problem, solution, vote, meeting or funded.
	Stage string `json:"stage"`
	// Label names the people counted, e.g. "voters" / "رأی‌دهندگان".
	Label Text `json:"label"`
	// Counts are distinct participants (for funded: funded proposals) by
	// gender; O and U are always shown beside F and M.
	Counts GenderCounts `json:"counts"`
	// WomenShare is F / (F + M); N is F + M and Population the adult
	// population of women and men.
	WomenShare Headline `json:"women_share"`
	// GPI is the gender parity index (F/PopF)/(M/PopM) against the adult
	// population; AdjustedGPI its symmetric form.
	GPI         Headline `json:"gpi"`
	AdjustedGPI Figure   `json:"adjusted_gpi"`
	// Parity is "below", "in_band" or "above" the parity band 0.97–1.03,
	// or "" when GPI has no value.
	Parity string `json:"parity"`
}

// GroupRatio is the representation ratio of one gender.
type GroupRatio struct {
	Gender     pbequity.Gender `json:"gender"`
	Voters     Figure          `json:"voters"`
	Population Figure          `json:"population"`
	// Ratio is RR_g = (n_g/n)/(P_g/P); 1 is proportional.
	Ratio Headline `json:"ratio"`
}

// Representation compares the voters of a cycle with its adult population.
type Representation struct {
	// Voters is the total number of voters (Aggregates.Voters summed).
	Voters Figure `json:"voters"`
	// Ratios has one row per gender F, M, O, U.
	Ratios []GroupRatio `json:"ratios"`
	// Rose (1 − ½Σ|R_k − P_k|, 1 proportional) and Gallagher
	// (√(½Σ(R_k − P_k)²), 0 proportional) over age band × area cells of
	// voters against the adult population.
	Rose      Headline `json:"rose"`
	Gallagher Headline `json:"gallagher"`
	// Cells is the number of age band × area cells compared.
	Cells int `json:"cells"`
	// Unplaced counts voters without an age band or area, left out of Rose
	// and Gallagher.
	Unplaced Figure `json:"unplaced"`
	// Areas compares women and men voters with the adult population in
	// every district, then every neighbourhood, the cycle lists.
	Areas []AreaRepresentation `json:"areas"`
}

// SuccessRow is the success of the proposals of one proposer gender.
type SuccessRow struct {
	Gender pbequity.Gender `json:"gender"`
	// Proposals counts proposals with a recorded outcome, Funded those
	// selected, Rate = Funded / Proposals.
	Proposals Figure `json:"proposals"`
	Funded    Figure `json:"funded"`
	Rate      Figure `json:"rate"`
}

// Success is the success ratio of women's proposals (INDICATORS.md §2).
type Success struct {
	// Rows has one row per gender F, M, O, U.
	Rows []SuccessRow `json:"rows"`
	// ImpactRatio is win_F / max(win_F, win_M).
	ImpactRatio Headline `json:"impact_ratio"`
	// Flagged is true when the impact ratio is below 0.8 (four-fifths rule).
	Flagged bool `json:"flagged"`
	// NotRecorded counts proposals whose outcome was not recorded; they are
	// left out.
	NotRecorded int `json:"not_recorded"`
}

// AllocationRow is the funded money of one category or area.
type AllocationRow struct {
	ID     string `json:"id"`
	NameFa string `json:"name_fa"`
	NameEn string `json:"name_en"`
	// Amount is the funded amount in the cycle's currency: Approved when
	// positive, Cost otherwise.
	Amount int64 `json:"amount"`
	// Share is Amount over the total funded amount.
	Share    Figure `json:"share"`
	Projects int    `json:"projects"`
	// Population is the residents (all ages) the row is divided by: the
	// area's own for areas, the whole cycle's for categories.
	Population Figure `json:"population"`
	// PerCapita is Amount / Population; Per1000 the amount per 1,000
	// residents.
	PerCapita Figure `json:"per_capita"`
	Per1000   Figure `json:"per_1000"`
}

// Allocation is the money of the funded projects (Selected true).
type Allocation struct {
	Total    int64 `json:"total"`
	Projects int   `json:"projects"`
	// Population is the whole population (all ages) and PerCapita
	// Total / Population.
	Population Figure `json:"population"`
	PerCapita  Figure `json:"per_capita"`
	// Categories has one row per category of the cycle, in its sort
	// order, zero rows included, then rows for unknown categories and
	// for projects without one (ID "").
	Categories []AllocationRow `json:"categories"`
	// Level is the level of the rows of Areas: "district" when the cycle
	// has districts (neighbourhood projects roll up to their district),
	// else "neighbourhood", else "area" (every area named by the data).
	Level string `json:"level"`
	// Areas has one row per area of Level, zero rows included. An area's
	// population is its own census cells when it has any, otherwise the sum
	// over its neighbourhoods.
	Areas []AllocationRow `json:"areas"`
	// CityWide is the money of projects without an area or at city level;
	// it is not in Areas nor in Distribution.
	CityWide AllocationRow `json:"city_wide"`
	// Flows is the funded money by category and area unit (Area "" for
	// city-wide projects), for a category → area diagram.
	Flows []Flow `json:"flows"`
}

// AtkinsonFigure is the Atkinson index for one inequality aversion.
type AtkinsonFigure struct {
	Epsilon float64 `json:"epsilon"`
	Value   Figure  `json:"value"`
}

// Split is the within/between decomposition of Theil T and Theil L over
// neighbourhoods grouped by district. District-level money is spread over
// the district's neighbourhoods in proportion to population; a district
// without neighbourhood population counts as one unit.
type Split struct {
	T Decomposition `json:"t"`
	// L is nil when some neighbourhood got nothing (LReason says so).
	L       *Decomposition `json:"l,omitempty"`
	LReason string         `json:"l_reason,omitempty"`
}

// Distribution is the inequality of per-capita allocation y_i = A_i/P_i
// across areas weighted by population (INDICATORS.md §3). Areas without
// population are left out (Excluded). Every figure's N is the number of
// areas.
type Distribution struct {
	Level string `json:"level"`
	// Areas is the number of areas in the distribution; Zero how many of
	// them got nothing; Excluded how many were left out for want of a
	// population.
	Areas    int `json:"areas"`
	Zero     int `json:"zero"`
	Excluded int `json:"excluded"`
	// ExcludedAmount is the money of the excluded areas.
	ExcludedAmount int64 `json:"excluded_amount"`
	// Lorenz is the Lorenz curve, from (0,0) to (1,1); empty when the
	// distribution is undefined.
	Lorenz []Point   `json:"lorenz"`
	Gini   Headline  `json:"gini"`
	GiniCI *Interval `json:"gini_ci,omitempty"`
	// TheilT and TheilL (mean log deviation; undefined when Zero > 0).
	TheilT Headline `json:"theil_t"`
	TheilL Headline `json:"theil_l"`
	// Split is nil when the cycle has no districts with neighbourhoods.
	Split    *Split           `json:"split,omitempty"`
	Atkinson []AtkinsonFigure `json:"atkinson"`
	Palma    Headline         `json:"palma"`
	CV       Headline         `json:"cv"`
	// Concentration is the concentration index against Area.NeedScore
	// (neediest first; C < 0: money goes to needier areas), over the areas
	// with a need score.
	Concentration Headline `json:"concentration"`
}

// MarkerRow is the funded money of one gender-marker value.
type MarkerRow struct {
	// Marker is 2 principal, 1 significant, 0 not targeted, -1 not screened.
	Marker   pbequity.Marker `json:"marker"`
	Projects int             `json:"projects"`
	Amount   int64           `json:"amount"`
}

// Markers are the gender-marker shares of the funded money.
type Markers struct {
	Rows []MarkerRow `json:"rows"`
	// Focused is Σamount(1,2)/Σamount(0,1,2), Principal Σamount(2)/Σ(0,1,2),
	// Coverage Σamount(screened)/Σamount(all).
	Focused   Headline `json:"focused"`
	Principal Headline `json:"principal"`
	Coverage  Headline `json:"coverage"`
	// EIGEAmount is Σ amount·k (k = 1, 0.4, 0 for markers 2, 1, 0; unscreened
	// count 0) and EIGEShare that over the total funded amount.
	EIGEAmount float64  `json:"eige_amount"`
	EIGEShare  Headline `json:"eige_share"`
}

// Benefit is the per-capita benefit by sex (benefit incidence analysis)
// of funded projects whose beneficiaries' women's share is known.
type Benefit struct {
	// Known counts the projects with a women's share, Unknown those
	// without (left out) and UnknownAmount their money.
	Known         int   `json:"known"`
	Unknown       int   `json:"unknown"`
	UnknownAmount int64 `json:"unknown_amount"`
	// BF and BM are the money reaching women and men,
	// B_g = Σ amount · share_g.
	BF float64 `json:"b_f"`
	BM float64 `json:"b_m"`
	// PerCapitaF and PerCapitaM are b_g = B_g / P_g (population of all ages).
	PerCapitaF Figure `json:"per_capita_f"`
	PerCapitaM Figure `json:"per_capita_m"`
	// Gap is b_F / b_M.
	Gap Headline `json:"gap"`
	// IncidenceF and IncidenceM are x_g / (P_g/P), x_g = B_g / (B_F + B_M).
	IncidenceF Figure `json:"incidence_f"`
	IncidenceM Figure `json:"incidence_m"`
}

// ExecutionRow is spent over approved for one group of funded projects.
type ExecutionRow struct {
	Key      string `json:"key"`
	NameFa   string `json:"name_fa"`
	NameEn   string `json:"name_en"`
	Projects int    `json:"projects"`
	Approved int64  `json:"approved"`
	Spent    int64  `json:"spent"`
	Rate     Figure `json:"rate"`
}

// Execution is the execution rate spent / approved of the funded projects
// (approved = Approved when positive, else Cost).
type Execution struct {
	Overall Headline `json:"overall"`
	// Recorded counts funded projects with some spending recorded.
	Recorded   int            `json:"recorded"`
	ByMarker   []ExecutionRow `json:"by_marker"`
	ByCategory []ExecutionRow `json:"by_category"`
}
