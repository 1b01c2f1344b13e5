// Package pbequity holds the domain of gender-responsive participatory
// budgeting: cycles, areas, projects, participants, votes and the aggregates
// that the analytics and reports consume, plus the one error type of the
// project. It imports only the standard library; every other package of the
// module may import it.
package pbequity

import (
	"io"
	"strings"
	"time"
)

// Gender is a participant's or proposer's gender as recorded at the time of
// participation.
type Gender string

// The genders pbequity records. Unknown covers "prefer not to say" and blanks.
const (
	Female  Gender = "F"
	Male    Gender = "M"
	Other   Gender = "O"
	Unknown Gender = "U"
)

// Genders lists every gender in display order.
var Genders = []Gender{Female, Male, Other, Unknown}

// Valid reports whether g is one of F, M, O, U.
func (g Gender) Valid() bool {
	switch g {
	case Female, Male, Other, Unknown:
		return true
	}
	return false
}

// Stage is a step of the participatory-budgeting process a participant took
// part in.
type Stage string

// The stages of the Hamamoun model, plus meetings.
const (
	StageProblem  Stage = "problem"
	StageSolution Stage = "solution"
	StageVote     Stage = "vote"
	StageMeeting  Stage = "meeting"
)

// Stages lists the funnel stages in process order.
var Stages = []Stage{StageProblem, StageSolution, StageVote, StageMeeting}

// Valid reports whether s is a known stage.
func (s Stage) Valid() bool {
	switch s {
	case StageProblem, StageSolution, StageVote, StageMeeting:
		return true
	}
	return false
}

// Marker is the OECD DAC gender equality policy marker of a project or budget
// line: 0 not targeted, 1 significant, 2 principal. NotScreened marks a
// project that was never screened.
type Marker int8

// Marker values.
const (
	NotScreened Marker = -1
	NotTargeted Marker = 0
	Significant Marker = 1
	Principal   Marker = 2
)

// Vote types of a cycle, as Pabulib names them.
const (
	VoteApproval   = "approval"
	VoteCumulative = "cumulative"
	VoteOrdinal    = "ordinal"
	VoteChoose1    = "choose-1"
	VoteScoring    = "scoring"
)

// Area levels of the hierarchy city › district › neighbourhood.
const (
	LevelCity          = "city"
	LevelDistrict      = "district"
	LevelNeighbourhood = "neighbourhood"
)

// Cycle is one participatory-budgeting round.
type Cycle struct {
	ID          string    `json:"id"`
	Name        string    `json:"name"`
	NameEn      string    `json:"name_en,omitempty"`
	Unit        string    `json:"unit"`
	FiscalYear  int       `json:"fiscal_year"`
	Budget      int64     `json:"budget"`
	Currency    string    `json:"currency"`
	VoteType    string    `json:"vote_type"`
	Rule        string    `json:"rule,omitempty"`
	StartDate   time.Time `json:"start_date,omitzero"`
	EndDate     time.Time `json:"end_date,omitzero"`
	Description string    `json:"description,omitempty"`
	// MinProjectScore is Pabulib's min_project_score_threshold (0 when none).
	MinProjectScore int64 `json:"min_project_score_threshold,omitempty"`
	// MinLength and MaxLength bound the number of projects on a ballot (0 when none).
	MinLength int `json:"min_length,omitempty"`
	MaxLength int `json:"max_length,omitempty"`
	// MaxSumPoints bounds the points of a cumulative ballot (0 when none).
	MaxSumPoints int64 `json:"max_sum_points,omitempty"`
	// Meta keeps any further Pabulib META key verbatim.
	Meta map[string]string `json:"meta,omitempty"`
}

// Area is a city, district or neighbourhood of a cycle.
type Area struct {
	CycleID  string `json:"cycle_id"`
	ID       string `json:"id"`
	ParentID string `json:"parent_id,omitempty"`
	Level    string `json:"level"`
	NameFa   string `json:"name_fa"`
	NameEn   string `json:"name_en,omitempty"`
	// NeedScore is a deprivation score (higher is needier); 0 when unknown.
	NeedScore float64 `json:"need_score,omitempty"`
}

// Category is a project category (a working group) of a cycle.
type Category struct {
	CycleID string `json:"cycle_id"`
	ID      string `json:"id"`
	NameFa  string `json:"name_fa"`
	NameEn  string `json:"name_en"`
	Sort    int    `json:"sort"`
}

// PopulationCount is a census count of one area, gender and age band.
type PopulationCount struct {
	CycleID string `json:"cycle_id"`
	Area    string `json:"area"`
	Gender  Gender `json:"gender"`
	AgeBand string `json:"age_band"`
	Count   int64  `json:"count"`
}

// Project is a proposal of a cycle. Amounts are integers in the cycle's
// currency (rial for IRR).
type Project struct {
	CycleID        string `json:"cycle_id"`
	ID             string `json:"id"`
	Title          string `json:"title"`
	Description    string `json:"description,omitempty"`
	Cost           int64  `json:"cost"`
	Category       string `json:"category,omitempty"`
	Area           string `json:"area,omitempty"`
	Stage          string `json:"stage,omitempty"`
	ProposerGender Gender `json:"proposer_gender,omitempty"`
	GenderMarker   Marker `json:"gender_marker"`
	// WomenShare is the women's share of beneficiaries in [0,1], or -1 when unknown.
	WomenShare    float64 `json:"women_share"`
	Beneficiaries string  `json:"beneficiaries,omitempty"`
	// Selected is the official outcome; nil when it was not recorded.
	Selected *bool  `json:"selected,omitempty"`
	Approved int64  `json:"approved,omitempty"`
	Spent    int64  `json:"spent,omitempty"`
	Status   string `json:"status,omitempty"`
	// Extra keeps unmapped input columns verbatim.
	Extra map[string]string `json:"extra,omitempty"`
}

// BudgetLine is one line of a project's proposed budget table.
type BudgetLine struct {
	CycleID      string  `json:"cycle_id"`
	ProjectID    string  `json:"project_id"`
	LineNo       int     `json:"line_no"`
	Item         string  `json:"item"`
	Quantity     float64 `json:"quantity"`
	Unit         string  `json:"unit,omitempty"`
	UnitCost     int64   `json:"unit_cost"`
	Amount       int64   `json:"amount"`
	GenderMarker Marker  `json:"gender_marker"`
}

// Participant is a pseudonymous person of a cycle; ID is never a name, phone
// number or national code.
type Participant struct {
	CycleID string `json:"cycle_id"`
	ID      string `json:"id"`
	Gender  Gender `json:"gender"`
	// Age in years, or 0 when unknown.
	Age     int               `json:"age,omitempty"`
	AgeBand string            `json:"age_band,omitempty"`
	Area    string            `json:"area,omitempty"`
	Channel string            `json:"channel,omitempty"`
	Extra   map[string]string `json:"extra,omitempty"`
}

// Participation is one event of a participant at a stage.
type Participation struct {
	CycleID       string    `json:"cycle_id"`
	ParticipantID string    `json:"participant_id"`
	Stage         Stage     `json:"stage"`
	ProjectID     string    `json:"project_id,omitempty"`
	Date          time.Time `json:"date,omitzero"`
}

// Vote is one supported project on a ballot. Points is set for cumulative
// and scoring ballots, Rank (1 = first) for ordinal ones; both are 0 otherwise.
type Vote struct {
	CycleID       string `json:"cycle_id"`
	ParticipantID string `json:"participant_id"`
	ProjectID     string `json:"project_id"`
	Points        int64  `json:"points,omitempty"`
	Rank          int    `json:"rank,omitempty"`
}

// AgeBands are the census age bands used across pbequity.
var AgeBands = []string{"0-17", "18-29", "30-44", "45-59", "60+"}

// AgeBand returns the census age band of an age in years, or "" when age is 0
// or negative (unknown).
func AgeBand(age int) string {
	switch {
	case age <= 0:
		return ""
	case age < 18:
		return "0-17"
	case age < 30:
		return "18-29"
	case age < 45:
		return "30-44"
	case age < 60:
		return "45-59"
	}
	return "60+"
}

// Slug reports whether s is a valid cycle identifier: 1 to 64 of a-z, 0-9, '-', '_'.
func Slug(s string) bool {
	if len(s) == 0 || len(s) > 64 {
		return false
	}
	return strings.Trim(s, "abcdefghijklmnopqrstuvwxyz0123456789-_") == ""
}

// Cell is a count of people of one area, gender and age band: a census
// count, or distinct participants of a cycle.
type Cell struct {
	Area    string `json:"area"`
	Gender  Gender `json:"gender"`
	AgeBand string `json:"age_band"`
	N       int64  `json:"n"`
}

// StageCount is the number of distinct participants of a cycle who took part
// in a stage, by gender.
type StageCount struct {
	Stage  Stage  `json:"stage"`
	Gender Gender `json:"gender"`
	N      int64  `json:"n"`
}

// Aggregates is everything the indicators of a cycle rest on, reduced by the
// database: counts, not rows of people. Projects are few enough to carry whole.
type Aggregates struct {
	Cycle      Cycle      `json:"cycle"`
	Areas      []Area     `json:"areas"`
	Categories []Category `json:"categories"`
	Projects   []Project  `json:"projects"`
	// Stages counts distinct participants per stage and gender.
	Stages []StageCount `json:"stages"`
	// Participants counts every registered participant by area, gender and age band.
	Participants []Cell `json:"participants"`
	// Voters counts participants who cast a ballot, by area, gender and age band.
	Voters []Cell `json:"voters"`
	// Population is the census by area, gender and age band.
	Population []Cell `json:"population"`
}

// CycleSummary is a cycle with the headline counts the archive lists.
type CycleSummary struct {
	Cycle
	Participants int64 `json:"participants"`
	Women        int64 `json:"women"`
	Men          int64 `json:"men"`
	Voters       int64 `json:"voters"`
	Projects     int64 `json:"projects"`
	Funded       int64 `json:"funded"`
	// Allocated is the total amount of funded projects.
	Allocated int64 `json:"allocated"`
}

// UploadFile is one file of an upload.
type UploadFile struct {
	Name string
	Body io.Reader
}

// UploadRequest is a request to load files into a cycle.
type UploadRequest struct {
	CycleID string
	// Kind is "" (detect), projects, budget-lines, participants,
	// participation, votes, population or pabulib.
	Kind string
	// Unit is the amount unit of the request ("" = rial or as the header says).
	Unit string
	// Lang is the language of error messages: "en" or "fa".
	Lang string
	// Sheet is the XLSX sheet to read ("" = first).
	Sheet string
	// Role is the uploader's role, recorded with the dataset unless Anonymous.
	Role      string
	Anonymous bool
	Files     []UploadFile
}

// UploadResult describes what an upload loaded.
type UploadResult struct {
	CycleID  string          `json:"cycle_id"`
	Datasets []DatasetResult `json:"datasets"`
	Rows     int64           `json:"rows"`
}

// DatasetResult is one loaded file.
type DatasetResult struct {
	ID     string `json:"dataset_id"`
	File   string `json:"file"`
	Kind   string `json:"kind"`
	Rows   int64  `json:"rows"`
	SHA256 string `json:"sha256"`
	// Totals is the parsed amount per category (projects and budget lines),
	// so a mistake in units is visible at once.
	Totals map[string]int64 `json:"totals,omitempty"`
	// Unknown lists columns that were kept but not mapped.
	Unknown []string `json:"unknown_columns,omitempty"`
}

// Roles in increasing order of access: each role may do what the ones
// before it may.
const (
	RoleCitizen    = "citizen"
	RoleCouncillor = "councillor"
	RoleAnalyst    = "analyst"
	RoleAdmin      = "admin"
)

// Roles lists the roles from least to most access.
var Roles = []string{RoleCitizen, RoleCouncillor, RoleAnalyst, RoleAdmin}

// RoleRank returns the position of role in Roles, or -1 when unknown.
func RoleRank(role string) int {
	for i, r := range Roles {
		if r == role {
			return i
		}
	}
	return -1
}

// Ballots are a cycle's votes reduced for the allocation rules: one ballot
// per voter, in the order voters first appear, each listing indices into
// Projects (in rank order for ordinal ballots).
type Ballots struct {
	Cycle    Cycle
	Projects []Project
	// Voters are the participant ids of the ballots.
	Voters []string
	Ballot [][]int32
	// Points are the points given to each listed project (0 when none).
	Points [][]int64
}
