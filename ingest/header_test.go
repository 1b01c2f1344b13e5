package ingest

import (
	"bytes"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/pbequity/pbequity"
)

func TestDetectKind(t *testing.T) {
	tests := []struct {
		name   string
		header []string
		want   string
	}{
		{"projects", []string{"project_id", "title", "cost"}, KindProjects},
		{"projects persian", []string{"کد طرح", "نام طرح", "بودجه", "دسته"}, KindProjects},
		{"projects id", []string{"id", "name", "price"}, KindProjects},
		{"budget table", []string{"کد طرح", "عنوان", "تعداد", "قیمت واحد", "مبلغ"}, KindBudgetLines},
		{"budget lines", []string{"project_id", "item", "amount"}, KindBudgetLines},
		{"budget lines without amount", []string{"project_id", "شرح", "مقدار", "هزینه واحد"}, KindBudgetLines},
		{"participants", []string{"voter_id", "sex", "age", "neighbourhood"}, KindParticipants},
		{"participants persian", []string{"کد شرکت‌کننده", "جنسیت", "سن", "محله", "روش"}, KindParticipants},
		{"participation", []string{"participant_id", "stage", "project_id", "date"}, KindParticipation},
		{"votes", []string{"voter_id", "project_id", "points"}, KindVotes},
		{"votes persian", []string{"کد شرکت کننده", "کد طرح", "امتیاز"}, KindVotes},
		{"population", []string{"area", "gender", "age_band", "count"}, KindPopulation},
		{"population persian", []string{"منطقه", "جنسیت", "گروه سنی", "تعداد"}, KindPopulation},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := DetectKind(tc.header)
			if err != nil || got != tc.want {
				t.Errorf("DetectKind(%q) = %q, %v; want %q", tc.header, got, err, tc.want)
			}
		})
	}
	for _, h := range [][]string{{"a", "b"}, {"participant_id"}, {}} {
		if got, err := DetectKind(h); pbequity.ErrorCode(err) != pbequity.EINVALID {
			t.Errorf("DetectKind(%q) = %q, %v; want EINVALID", h, got, err)
		}
	}
}

func TestMapHeader(t *testing.T) {
	tests := []struct {
		kind, header string
		want         column
	}{
		{KindProjects, "Cost", column{field: fCost}},
		{KindProjects, "  PROJECT ID ", column{field: fProjectID}},
		{KindProjects, "هزینه (تومان)", column{field: fCost, exp: 1, hasExp: true}},
		{KindProjects, "cost (toman)", column{field: fCost, exp: 1, hasExp: true}},
		{KindProjects, "مبلغ - میلیون ریال", column{field: fCost, exp: 6, hasExp: true}},
		{KindProjects, "هزینه به هزار تومان", column{field: fCost, exp: 4, hasExp: true}},
		{KindProjects, "budget [million toman]", column{field: fCost, exp: 7, hasExp: true}},
		{KindProjects, "سهم زنان (%)", column{field: fWomenShare, pct: true}},
		{KindProjects, "درصد زنان", column{field: fWomenShare, pct: true}},
		{KindProjects, "جنسيت پيشنهاددهنده", column{field: fProposerGender}}, // Arabic yeh
		{KindProjects, "جنسیت پیشنهاد\u200cدهنده", column{field: fProposerGender}},
		{KindProjects, "شرح", column{field: fDescription}},
		{KindProjects, "gender", column{}},         // not a field of projects
		{KindProjects, "cost (dollars)", column{}}, // an unknown unit is not ignored
		{KindProjects, "cost (estimate)", column{}},
		{KindBudgetLines, "شرح", column{field: fItem}},
		{KindBudgetLines, "تعداد", column{field: fQuantity}},
		{KindBudgetLines, "هزینه", column{field: fAmount}},
		{KindBudgetLines, "قیمت واحد (تومان)", column{field: fUnitCost, exp: 1, hasExp: true}},
		{KindBudgetLines, "واحد", column{field: fMeasure}},
		{KindPopulation, "تعداد", column{field: fCount}},
		{KindPopulation, "جمعیت (نفر)", column{field: fCount}},
		{KindParticipants, "سن (سال)", column{field: fAge}},
		{KindParticipants, "کد شركت‌كننده", column{field: fParticipantID}}, // Arabic kaf
		{KindParticipants, "تعداد", column{}},
		{KindVotes, "id", column{}}, // ambiguous in a votes file
	}
	for _, tc := range tests {
		t.Run(tc.kind+"/"+tc.header, func(t *testing.T) {
			got := mapHeader(tc.kind, tc.header)
			tc.want.header = tc.header
			if got != tc.want {
				t.Errorf("mapHeader(%q, %q) = %+v, want %+v", tc.kind, tc.header, got, tc.want)
			}
		})
	}
}

// decodeString decodes an in-memory CSV.
func decodeString(s string, opt Options) (*Batch, error) {
	return Decode(strings.NewReader(s), "upload.csv", opt)
}

func TestDecodeRowErrors(t *testing.T) {
	tests := []struct {
		name, data string
		opt        Options
		want       []pbequity.FieldError
	}{
		{"column mapped twice", "project_id,title,cost,هزینه\np1,a,1,2\n", Options{}, []pbequity.FieldError{
			{Row: 1, Column: "هزینه", Message: `columns "cost" and "هزینه" both mean cost`},
		}},
		{"missing budget amount column", "project_id,item,quantity\np1,a,2\n", Options{Kind: "budget-lines"}, []pbequity.FieldError{
			{Row: 1, Message: "give the amount, or both quantity and unit cost"},
		}},
		{"budget line mismatch", "project_id,item,quantity,unit_cost,amount\np1,chairs,3,1000,3000\np1,desks,2,1500,3500\np1,lamps,2,,\n", Options{}, []pbequity.FieldError{
			{Row: 3, Column: "amount", Value: "3500", Message: "amount 3,500 rials is not quantity × unit cost = 3,000 rials"},
			{Row: 4, Column: "amount", Message: "give the amount, or both quantity and unit cost"},
		}},
		{"budget line tolerance", "project_id,item,quantity,unit_cost,amount\np1,paint,2.5,1001,2503\np1,cable,1.5,333,500\n", Options{}, nil},
		{"budget line in toman rounds to the toman", "project_id,item,quantity,unit_cost,amount (toman)\np1,paint,2.5,1001,250\n", Options{}, nil},
		{"duplicate line number", "project_id,line_no,item,amount\np1,1,a,5\np1,1,b,6\np2,1,c,7\n", Options{}, []pbequity.FieldError{
			{Row: 3, Column: "line_no", Value: "1", Message: `duplicate line "1" of project "p1" (first on row 2)`},
		}},
		{"duplicate vote", "participant_id,project_id\nv1,p1\nv1,p2\nv1,p1\nv2,p1\n", Options{}, []pbequity.FieldError{
			{Row: 4, Column: "project_id", Value: "p1", Message: `duplicate vote of "v1" for project "p1" (first on row 2)`},
		}},
		{"blank required values", "participant_id,project_id,rank\n,p1,1\nv1,,0\n", Options{}, []pbequity.FieldError{
			{Row: 2, Column: "participant_id", Message: "a value is required"},
			{Row: 3, Column: "project_id", Message: "a value is required"},
			{Row: 3, Column: "rank", Value: "0", Message: `rank "0" must be a whole number from 1`},
		}},
		{"participants", "participant_id,gender,age,age_band\nv1,F,200,\nv2,M,25,60+\nv3,F,,teen\nv1,M,,\n", Options{}, []pbequity.FieldError{
			{Row: 2, Column: "age", Value: "200", Message: `age "200" must be a whole number from 0 to 120`},
			{Row: 3, Column: "age", Value: "25", Message: `age "25" is not in age band "60+"`},
			{Row: 4, Column: "age_band", Value: "teen", Message: `unknown age band "teen" (use 0-17, 18-29, 30-44, 45-59 or 60+)`},
			{Row: 5, Column: "participant_id", Value: "v1", Message: `duplicate id "v1" (first on row 2)`},
		}},
		{"population duplicate cell", "area,gender,age_band,count\nd1,F,18-29,5\nd1,زن,۱۸-۲۹,6\nd1,M,18-29,-1\n", Options{}, []pbequity.FieldError{
			{Row: 3, Message: `duplicate count for area "d1", gender "F", age band "18-29" (first on row 2)`},
			{Row: 4, Column: "count", Value: "-1", Message: `value "-1" must not be negative`},
		}},
		{"cycle mismatch", "cycle_id,participant_id,project_id\nc1,v1,p1\nc2,v1,p2\n", Options{CycleID: "c1"}, []pbequity.FieldError{
			{Row: 3, Column: "cycle_id", Value: "c2", Message: `cycle "c2" is not the cycle of the upload "c1"`},
		}},
		{"invalid utf-8", "participant_id,project_id\nv1,p\xff\n", Options{}, []pbequity.FieldError{
			{Row: 2, Column: "project_id", Value: "p\uFFFD", Message: "text is not valid UTF-8"},
		}},
		{"blank lines keep row numbers", "participant_id,project_id\n\nv1,\n", Options{}, []pbequity.FieldError{
			{Row: 3, Column: "project_id", Message: "a value is required"},
		}},
		{"empty rows of a spreadsheet export are skipped", "participant_id,project_id\nv1,p1\n,\n , \nv2,\n", Options{}, []pbequity.FieldError{
			{Row: 5, Column: "project_id", Message: "a value is required"},
		}},
		{"multi-line cell keeps row numbers", "project_id,title,cost\np1,\"two\nlines\",1\np2,x,y\n", Options{}, []pbequity.FieldError{
			{Row: 3, Column: "cost", Value: "y", Message: `value "y" is not a number`},
		}},
		{"persian", "کد طرح,عنوان,هزینه\np1,الف,۱۲x\n", Options{Lang: "fa"}, []pbequity.FieldError{
			{Row: 2, Column: "هزینه", Value: "۱۲x", Message: "مقدار «۱۲x» عدد نیست"},
		}},
		{"persian missing column", "کد طرح,عنوان\np1,الف\n", Options{Lang: "fa", Kind: "projects"}, []pbequity.FieldError{
			{Row: 1, Message: "ستون «هزینه» وجود ندارد"},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := decodeString(tc.data, tc.opt)
			if tc.want == nil {
				if err != nil {
					t.Fatalf("Decode: %v", err)
				}
				return
			}
			got := fieldErrors(t, err)
			for i := range tc.want {
				tc.want[i].File = "upload.csv"
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("errors:\n%s\nwant\n%s", dump(got), dump(tc.want))
			}
		})
	}
}

func TestDecodeUnknownColumns(t *testing.T) {
	b, err := decodeString("voter_id,project_id,comment,\nv1,p1,hi,\n", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"comment", "(D)"}; !reflect.DeepEqual(b.Unknown, want) {
		t.Errorf("Unknown = %q, want %q", b.Unknown, want)
	}
	b, err = decodeString("participant_id,gender,note,\nv1,F,hi,x\n", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"note", "(D)"}; !reflect.DeepEqual(b.Unknown, want) {
		t.Errorf("Unknown = %q, want %q", b.Unknown, want)
	}
	if want := map[string]string{"note": "hi", "(D)": "x"}; !reflect.DeepEqual(b.Participants[0].Extra, want) {
		t.Errorf("Extra = %v, want %v", b.Participants[0].Extra, want)
	}
}

func TestDecodePersonalColumns(t *testing.T) {
	b, err := decodeString("participant_id,gender,نام و نام خانوادگی,موبایل,contact,note\nv1,F,مریم احمدی,09121234567,0912 765 4321,hi\n", Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"contact": Pseudonym("09127654321", nil), "note": "hi"}
	if got := b.Participants[0].Extra; !reflect.DeepEqual(got, want) {
		t.Errorf("Extra = %v, want %v (no names, no phones in clear)", got, want)
	}
	if want := []string{"نام و نام خانوادگی", "موبایل", "contact", "note"}; !reflect.DeepEqual(b.Unknown, want) {
		t.Errorf("Unknown = %q, want %q", b.Unknown, want)
	}
}

func TestDecodeProjectExtraAmounts(t *testing.T) {
	b, err := decodeString("project_id,title,cost,estimate,proposer phone\np1,a,1,1200000000,09121234567\n", Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"estimate": "1200000000", "proposer phone": Pseudonym("09121234567", nil)}
	if got := b.Projects[0].Extra; !reflect.DeepEqual(got, want) {
		t.Errorf("Extra = %v, want %v", got, want)
	}
}

func TestDecodeMaxErrors(t *testing.T) {
	var b bytes.Buffer
	b.WriteString("participant_id,project_id,points\n")
	for i := range 1000 {
		fmt.Fprintf(&b, "v%d,p1,x\n", i)
	}
	_, err := decodeString(b.String(), Options{MaxErrors: 5})
	errs := fieldErrors(t, err)
	if len(errs) != 5 || errs[4].Row != 6 {
		t.Errorf("errors = %d, last on row %d; want 5, last on row 6", len(errs), errs[len(errs)-1].Row)
	}
}

func TestCSVReader(t *testing.T) {
	tests := []struct {
		name, in string
		comma    byte
		want     [][]string
		rows     []int
	}{
		{"plain", "a,b\nc,d\n", ',', [][]string{{"a", "b"}, {"c", "d"}}, []int{1, 2}},
		{"crlf no final newline", "a;b\r\nc;d", ';', [][]string{{"a", "b"}, {"c", "d"}}, []int{1, 2}},
		{"quotes", "\"a,b\",\"say \"\"hi\"\"\"\n", ',', [][]string{{"a,b", `say "hi"`}}, []int{1}},
		{"multi-line", "\"a\r\nb\",c\nd,e\n", ',', [][]string{{"a\nb", "c"}, {"d", "e"}}, []int{1, 2}}, // one row on a sheet
		{"empty cells", ",,\n", ',', [][]string{{"", "", ""}}, []int{1}},
		{"trailing quoted empty", "a,\"\"\n", ',', [][]string{{"a", ""}}, []int{1}},
		{"stray quotes kept", "a\"b,\"c\"d\"\n", ',', [][]string{{`a"b`, `c"d`}}, []int{1}},
		{"blank lines", "\na\n\n\nb\n", ',', [][]string{{"a"}, {"b"}}, []int{2, 5}},
		{"tab", "a\tb c\n", '\t', [][]string{{"a", "b c"}}, []int{1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := newCSVReader(bufioReader(tc.in), tc.comma)
			var got [][]string
			var rows []int
			for {
				cells, row, err := r.next()
				if err != nil {
					break
				}
				var rec []string
				for _, c := range cells {
					rec = append(rec, string(c))
				}
				got = append(got, rec)
				rows = append(rows, row)
			}
			if !reflect.DeepEqual(got, tc.want) || !reflect.DeepEqual(rows, tc.rows) {
				t.Errorf("read %q = %q rows %v, want %q rows %v", tc.in, got, rows, tc.want, tc.rows)
			}
		})
	}
}

func TestSniffComma(t *testing.T) {
	for in, want := range map[string]byte{
		"a,b,c\n": ',', "a;b;c\n1,5;2": ';', "a\tb\n": '\t', "single\n": ',', "\"a;b\",c\n": ',',
	} {
		if got := sniffComma([]byte(in)); got != want {
			t.Errorf("sniffComma(%q) = %q, want %q", in, got, want)
		}
	}
}
