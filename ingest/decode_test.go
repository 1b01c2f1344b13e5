package ingest

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/pbequity/pbequity"
)

// decodeFile decodes a fixture of testdata.
func decodeFile(t *testing.T, name string, opt Options) (*Batch, error) {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	return Decode(f, name, opt)
}

// fieldErrors returns the errors of a *pbequity.ValidationError, failing
// the test for any other error.
func fieldErrors(t *testing.T, err error) []pbequity.FieldError {
	t.Helper()
	var ve *pbequity.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("error = %v (%T), want *pbequity.ValidationError", err, err)
	}
	return ve.Errors
}

func ptr[T any](v T) *T { return &v }

func TestDecodeProjectsPersian(t *testing.T) {
	b, err := decodeFile(t, "projects_fa.csv", Options{CycleID: "kerman-1403"})
	if err != nil {
		t.Fatal(err)
	}
	if b.Kind != KindProjects || b.Rows != 3 {
		t.Fatalf("Kind, Rows = %q, %d; want projects, 3", b.Kind, b.Rows)
	}
	want := []pbequity.Project{
		{CycleID: "kerman-1403", ID: "P-01", Title: "پیاده‌رو ایمن مدرسه", Cost: 1_200_000_000,
			Category: "مدیریت بحران و ایمنی", Area: "محله ۳", Stage: "vote", ProposerGender: pbequity.Female,
			GenderMarker: pbequity.Principal, WomenShare: 0.6, Selected: ptr(true),
			Extra: map[string]string{"يادداشت": "نزدیک مدرسه"}},
		{CycleID: "kerman-1403", ID: "P-02", Title: "کارگاه مهارت‌آموزی زنان", Cost: 455_000_000,
			Category: "اجتماعی، آموزشی و توانمندسازی", Area: "محله ۳", Stage: "solution", ProposerGender: pbequity.Female,
			GenderMarker: pbequity.Significant, WomenShare: 0.8, Selected: ptr(false)},
		{CycleID: "kerman-1403", ID: "P-03", Title: "زمین بازی کودکان", Cost: 2_000_000_000,
			Category: "ورزش و تفریحات سالم", Area: "محله ۷", ProposerGender: pbequity.Male,
			GenderMarker: pbequity.NotScreened, WomenShare: -1},
	}
	if !reflect.DeepEqual(b.Projects, want) {
		t.Errorf("Projects =\n%+v\nwant\n%+v", b.Projects, want)
	}
	if !reflect.DeepEqual(b.Unknown, []string{"يادداشت"}) {
		t.Errorf("Unknown = %q, want [يادداشت]", b.Unknown)
	}
}

func TestDecodeProjectsEnglish(t *testing.T) {
	b, err := decodeFile(t, "projects_en.csv", Options{Kind: "projects", Unit: "toman"})
	if err != nil {
		t.Fatal(err)
	}
	p := b.Projects[0]
	if p.Cost != 12_000_000 || p.Approved != 12_000_000 || p.Spent != 11_000_000 || p.WomenShare != 0.6 {
		t.Errorf("project p1 = %+v; want cost 12,000,000 rial, approved 12,000,000, spent 11,000,000, share 0.6", p)
	}
	if q := b.Projects[1]; q.Approved != 0 || q.WomenShare != 0.5 || q.GenderMarker != pbequity.NotTargeted || *q.Selected {
		t.Errorf("project p2 = %+v", q)
	}
}

func TestDecodeBudgetLinesTSV(t *testing.T) {
	b, err := decodeFile(t, "budget_lines.tsv", Options{Unit: "تومان", CycleID: "c"})
	if err != nil {
		t.Fatal(err)
	}
	want := []pbequity.BudgetLine{
		{CycleID: "c", ProjectID: "P-01", LineNo: 1, Item: "چراغ خیابانی", Quantity: 12, Unit: "عدد", UnitCost: 35_000_000, Amount: 420_000_000, GenderMarker: pbequity.Principal},
		{CycleID: "c", ProjectID: "P-01", LineNo: 2, Item: "نیمکت", Quantity: 4, Unit: "عدد", UnitCost: 20_000_000, Amount: 80_000_000, GenderMarker: pbequity.NotScreened},
		{CycleID: "c", ProjectID: "P-02", LineNo: 1, Item: "کلاس آموزشی", Quantity: 2.5, Unit: "ماه", UnitCost: 100_000_000, Amount: 250_000_000, GenderMarker: pbequity.Significant},
	}
	if b.Kind != KindBudgetLines || !reflect.DeepEqual(b.BudgetLines, want) {
		t.Errorf("Kind %q, BudgetLines =\n%+v\nwant\n%+v", b.Kind, b.BudgetLines, want)
	}
}

func TestDecodeParticipantsSemicolon(t *testing.T) {
	b, err := decodeFile(t, "participants_semicolon.csv", Options{CycleID: "c"})
	if err != nil {
		t.Fatal(err)
	}
	want := []pbequity.Participant{
		{CycleID: "c", ID: Pseudonym("09121234567", nil), Gender: pbequity.Female, Age: 34, AgeBand: "30-44", Area: "منطقه ۶", Channel: "online", Extra: map[string]string{"education": "university"}},
		{CycleID: "c", ID: Pseudonym("09127654321", nil), Gender: pbequity.Male, Age: 61, AgeBand: "60+", Area: "منطقه ۶", Channel: "in_person"},
		{CycleID: "c", ID: Pseudonym("0012345678", nil), Gender: pbequity.Female, Area: "منطقه ۲", Channel: "sms", Extra: map[string]string{"education": "school"}},
		{CycleID: "c", ID: "v-0004", Gender: pbequity.Unknown, Age: 19, AgeBand: "18-29", Area: "منطقه ۲", Channel: "paper"},
	}
	if b.Kind != KindParticipants || !reflect.DeepEqual(b.Participants, want) {
		t.Errorf("Kind %q, Participants =\n%+v\nwant\n%+v", b.Kind, b.Participants, want)
	}
	for _, p := range b.Participants {
		if strings.Contains(p.ID, "0912") || strings.Contains(p.ID, "0012345678") {
			t.Errorf("participant id %q keeps a phone number or national code", p.ID)
		}
	}
}

func TestDecodeParticipationDates(t *testing.T) {
	b, err := decodeFile(t, "participation_fa.csv", Options{})
	if err != nil {
		t.Fatal(err)
	}
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	want := []pbequity.Participation{
		{ParticipantID: "v1", Stage: pbequity.StageProblem, Date: day(2024, 5, 4)},
		{ParticipantID: "v1", Stage: pbequity.StageSolution, ProjectID: "P-01", Date: day(2024, 5, 21)},
		{ParticipantID: "v2", Stage: pbequity.StageVote, ProjectID: "P-01", Date: day(2024, 6, 10)},
		{ParticipantID: "v2", Stage: pbequity.StageMeeting, Date: day(2025, 3, 20)},
	}
	if b.Kind != KindParticipation || !reflect.DeepEqual(b.Participation, want) {
		t.Errorf("Kind %q, Participation =\n%+v\nwant\n%+v", b.Kind, b.Participation, want)
	}
}

func TestDecodeVotes(t *testing.T) {
	b, err := decodeFile(t, "votes.csv", Options{CycleID: "c"})
	if err != nil {
		t.Fatal(err)
	}
	want := []pbequity.Vote{
		{CycleID: "c", ParticipantID: "v1", ProjectID: "P-01", Points: 3},
		{CycleID: "c", ParticipantID: "v1", ProjectID: "P-02", Points: 2},
		{CycleID: "c", ParticipantID: "v2", ProjectID: "P-01", Points: 5},
		{CycleID: "c", ParticipantID: Pseudonym("09121234567", nil), ProjectID: "P-03", Points: 1},
	}
	if b.Kind != KindVotes || !reflect.DeepEqual(b.Votes, want) {
		t.Errorf("Kind %q, Votes =\n%+v\nwant\n%+v", b.Kind, b.Votes, want)
	}
}

func TestDecodePopulation(t *testing.T) {
	b, err := decodeFile(t, "population.csv", Options{CycleID: "c"})
	if err != nil {
		t.Fatal(err)
	}
	want := []pbequity.PopulationCount{
		{CycleID: "c", Area: "منطقه ۶", Gender: pbequity.Female, AgeBand: "18-29", Count: 12500},
		{CycleID: "c", Area: "منطقه ۶", Gender: pbequity.Male, AgeBand: "18-29", Count: 12000},
		{CycleID: "c", Area: "منطقه ۶", Gender: pbequity.Female, AgeBand: "60+", Count: 4300},
	}
	if b.Kind != KindPopulation || !reflect.DeepEqual(b.Population, want) {
		t.Errorf("Kind %q, Population =\n%+v\nwant\n%+v", b.Kind, b.Population, want)
	}
}

func TestDecodeEncodings(t *testing.T) {
	t.Run("windows-1256", func(t *testing.T) {
		b, err := decodeFile(t, "votes_cp1256.csv", Options{})
		if err != nil {
			t.Fatal(err)
		}
		if len(b.Votes) != 1 || b.Votes[0].ProjectID != "طرح-1" {
			t.Errorf("Votes = %+v, want one vote for طرح-1", b.Votes)
		}
	})
	t.Run("utf-16", func(t *testing.T) {
		b, err := decodeFile(t, "participants_utf16.txt", Options{})
		if err != nil {
			t.Fatal(err)
		}
		if len(b.Participants) != 2 || b.Participants[0].Gender != pbequity.Female || b.Participants[1].Gender != pbequity.Male {
			t.Errorf("Participants = %+v, want v1 F and v2 M", b.Participants)
		}
	})
}

// TestDecodeBroken checks the exact row, column and message of every error
// of the broken fixtures.
func TestDecodeBroken(t *testing.T) {
	tests := []struct {
		file string
		opt  Options
		want []pbequity.FieldError
	}{
		{"bad_numbers.csv", Options{}, []pbequity.FieldError{
			{Row: 2, Column: "cost", Value: "abc", Message: `value "abc" is not a number`},
			{Row: 3, Column: "cost", Value: "-500", Message: `value "-500" must not be negative`},
			{Row: 3, Column: "gender_marker", Value: "3", Message: `gender marker "3" must be 0, 1 or 2 (blank = not screened)`},
			{Row: 3, Column: "women_share", Value: "1.5", Message: `women's share "1.5" must be between 0 and 1, or 0% to 100%`},
			{Row: 4, Column: "cost", Value: "1.5", Message: `amount "1.5" is not a whole number of rials`},
			{Row: 4, Column: "women_share", Value: "35", Message: `women's share "35" must be between 0 and 1, or 0% to 100%`},
		}},
		{"missing_column.csv", Options{Kind: "projects"}, []pbequity.FieldError{
			{Row: 1, Message: "missing column cost (هزینه)"},
		}},
		{"duplicate_ids.csv", Options{}, []pbequity.FieldError{
			{Row: 4, Column: "project_id", Value: "p1", Message: `duplicate id "p1" (first on row 2)`},
		}},
		{"bad_dates.csv", Options{}, []pbequity.FieldError{
			{Row: 2, Column: "date", Value: "1403/13/40", Message: `impossible date "1403/13/40" (write year/month/day: 1403/02/15 or 2024-05-04)`},
			{Row: 3, Column: "date", Value: "1402/12/30", Message: `impossible date "1402/12/30" (write year/month/day: 1403/02/15 or 2024-05-04)`},
			{Row: 4, Column: "date", Value: "2024-02-30", Message: `impossible date "2024-02-30" (write year/month/day: 1403/02/15 or 2024-05-04)`},
		}},
		{"unknown_gender.csv", Options{}, []pbequity.FieldError{
			{Row: 3, Column: "gender", Value: "banana", Message: `unknown gender "banana" (use F, M, O or blank: female, male, other, unknown)`},
		}},
		{"ragged.csv", Options{}, []pbequity.FieldError{
			{Row: 3, Message: "row has 3 cells, the header has 2"},
			{Row: 4, Message: "row has 1 cells, the header has 2"},
		}},
		{"unterminated.csv", Options{}, []pbequity.FieldError{
			{Row: 3, Message: "a quoted cell is not closed"},
		}},
		{"bad_numbers.csv", Options{Lang: "fa", MaxErrors: 2}, []pbequity.FieldError{
			{Row: 2, Column: "cost", Value: "abc", Message: "مقدار «abc» عدد نیست"},
			{Row: 3, Column: "cost", Value: "-500", Message: "مقدار «-500» نباید منفی باشد"},
		}},
		{"duplicate_ids.csv", Options{Lang: "fa"}, []pbequity.FieldError{
			{Row: 4, Column: "project_id", Value: "p1", Message: "شناسهٔ «p1» تکراری است (نخستین بار در ردیف ۲)"},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.file+"/"+tc.opt.Lang, func(t *testing.T) {
			_, err := decodeFile(t, tc.file, tc.opt)
			got := fieldErrors(t, err)
			for i := range tc.want {
				tc.want[i].File = tc.file
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("errors of %s:\n%s\nwant\n%s", tc.file, dump(got), dump(tc.want))
			}
			var ve *pbequity.ValidationError
			errors.As(err, &ve)
			if wantTrunc := tc.opt.MaxErrors > 0; ve.Truncated != wantTrunc {
				t.Errorf("Truncated = %v, want %v", ve.Truncated, wantTrunc)
			}
		})
	}
}

func dump(errs []pbequity.FieldError) string {
	var b strings.Builder
	for _, e := range errs {
		b.WriteString("  " + e.String() + " [" + e.Value + "]\n")
	}
	return b.String()
}
