package ingest

import (
	"path"
	"slices"
	"strings"

	"github.com/pbequity/pbequity"
)

// Kinds of upload Decode knows.
const (
	KindProjects      = "projects"
	KindBudgetLines   = "budget-lines"
	KindParticipants  = "participants"
	KindParticipation = "participation"
	KindVotes         = "votes"
	KindPopulation    = "population"
)

// Kinds lists every kind of upload.
var Kinds = []string{KindProjects, KindBudgetLines, KindParticipants, KindParticipation, KindVotes, KindPopulation}

// field is a column of the domain a header maps to.
type field uint8

const (
	fNone field = iota
	fCycleID
	fProjectID
	fTitle
	fDescription
	fCost
	fCategory
	fArea
	fStage
	fProposerGender
	fGenderMarker
	fWomenShare
	fBeneficiaries
	fSelected
	fApproved
	fSpent
	fStatus
	fLineNo
	fItem
	fQuantity
	fMeasure
	fUnitCost
	fAmount
	fParticipantID
	fGender
	fAge
	fAgeBand
	fChannel
	fDate
	fPoints
	fRank
	fCount
	numFields
)

// fieldNames are the canonical English and Persian names of each field.
var fieldNames = [numFields][2]string{
	fCycleID:        {"cycle_id", "کد دوره"},
	fProjectID:      {"project_id", "کد طرح"},
	fTitle:          {"title", "عنوان"},
	fDescription:    {"description", "توضیحات"},
	fCost:           {"cost", "هزینه"},
	fCategory:       {"category", "دسته"},
	fArea:           {"area", "محله"},
	fStage:          {"stage", "مرحله"},
	fProposerGender: {"proposer_gender", "جنسیت پیشنهاددهنده"},
	fGenderMarker:   {"gender_marker", "نشانگر جنسیتی"},
	fWomenShare:     {"women_share", "سهم زنان"},
	fBeneficiaries:  {"beneficiaries", "ذی‌نفعان"},
	fSelected:       {"selected", "منتخب"},
	fApproved:       {"approved", "مصوب"},
	fSpent:          {"spent", "هزینه شده"},
	fStatus:         {"status", "وضعیت"},
	fLineNo:         {"line_no", "ردیف"},
	fItem:           {"item", "شرح"},
	fQuantity:       {"quantity", "مقدار"},
	fMeasure:        {"unit", "واحد"},
	fUnitCost:       {"unit_cost", "قیمت واحد"},
	fAmount:         {"amount", "مبلغ کل"},
	fParticipantID:  {"participant_id", "کد شرکت‌کننده"},
	fGender:         {"gender", "جنسیت"},
	fAge:            {"age", "سن"},
	fAgeBand:        {"age_band", "گروه سنی"},
	fChannel:        {"channel", "کانال"},
	fDate:           {"date", "تاریخ"},
	fPoints:         {"points", "امتیاز"},
	fRank:           {"rank", "رتبه"},
	fCount:          {"count", "تعداد"},
}

func (f field) name(lang string) string {
	if lang == "fa" {
		return fieldNames[f][1]
	}
	return fieldNames[f][0]
}

// amount reports whether the field holds money (and takes a unit).
func (f field) amount() bool {
	switch f {
	case fCost, fApproved, fSpent, fUnitCost, fAmount:
		return true
	}
	return false
}

// aliases maps folded header names (see normKey) to fields for every kind;
// kindAliases override them per kind. A header that maps to a field the
// kind does not have is an unknown column.
var aliases = map[string]field{}

var kindAliases = map[string]map[string]field{}

func init() {
	add := func(m map[string]field, f field, names ...string) {
		for _, n := range names {
			m[normKey(n)] = f
		}
	}
	for f := fCycleID; f < numFields; f++ {
		add(aliases, f, fieldNames[f][0], fieldNames[f][1])
	}
	add(aliases, fCycleID, "cycle", "دوره", "شناسه دوره")
	add(aliases, fProjectID, "project", "project id", "project code", "کد طرح", "شناسه طرح", "کد پروژه", "شناسه پروژه", "طرح", "پروژه")
	add(aliases, fTitle, "name", "project name", "project title", "عنوان", "نام طرح", "عنوان طرح", "نام پروژه", "عنوان پروژه")
	add(aliases, fDescription, "details", "توضیح", "توضیحات", "شرح طرح")
	add(aliases, fCost, "cost", "budget", "price", "هزینه", "مبلغ", "بودجه", "هزینه طرح", "برآورد هزینه", "هزینه برآوردی")
	add(aliases, fCategory, "categories", "working group", "دسته", "دسته بندی", "کارگروه", "گروه", "موضوع")
	add(aliases, fArea, "area", "district", "neighbourhood", "neighborhood", "محله", "منطقه", "ناحیه", "محدوده")
	add(aliases, fStage, "stage", "مرحله")
	add(aliases, fProposerGender, "proposer gender", "proposer sex", "proposer_sex", "جنسیت پیشنهاددهنده", "جنسیت پیشنهاد دهنده", "جنسیت طراح")
	add(aliases, fGenderMarker, "gender marker", "marker", "dac marker", "gender equality marker", "نشانگر جنسیتی", "نشانگر", "شاخص جنسیتی")
	add(aliases, fWomenShare, "women %", "% women", "women percent", "percent women", "women share", "share of women", "female share", "women's share", "سهم زنان", "سهم زنان از ذینفعان", "درصد زنان")
	add(aliases, fBeneficiaries, "beneficiaries", "target groups", "ذینفعان", "ذی نفعان", "گروه های ذینفع", "گروه هدف")
	add(aliases, fSelected, "selected", "funded", "winner", "منتخب", "برگزیده", "انتخاب شده")
	add(aliases, fApproved, "approved", "approved amount", "مصوب", "مبلغ مصوب", "اعتبار مصوب")
	add(aliases, fSpent, "spent", "spent amount", "هزینه شده", "مبلغ هزینه شده", "هزینه‌کرد", "هزینه کرد")
	add(aliases, fStatus, "status", "وضعیت")
	add(aliases, fLineNo, "line", "line no", "line number", "ردیف", "شماره ردیف")
	add(aliases, fItem, "item", "line item", "شرح", "ردیف هزینه", "شرح هزینه", "اقلام", "قلم")
	add(aliases, fQuantity, "quantity", "qty", "مقدار")
	add(aliases, fMeasure, "unit", "measure", "واحد", "واحد شمارش", "واحد اندازه گیری")
	add(aliases, fUnitCost, "unit cost", "unit price", "price per unit", "قیمت واحد", "هزینه واحد", "بهای واحد", "فی")
	add(aliases, fAmount, "amount", "total", "total amount", "line total", "مبلغ کل", "جمع", "مبلغ ردیف", "هزینه کل")
	add(aliases, fParticipantID, "participant", "participant id", "voter", "voter id", "voter_id", "person id", "کد شرکت کننده", "شناسه شرکت کننده", "کد رای دهنده", "شناسه رای دهنده", "شرکت کننده", "رای دهنده")
	add(aliases, fGender, "gender", "sex", "جنسیت", "جنس")
	add(aliases, fAge, "age", "سن")
	add(aliases, fAgeBand, "age band", "age group", "گروه سنی", "رده سنی")
	add(aliases, fChannel, "channel", "voting method", "method", "کانال", "روش", "روش مشارکت", "روش رای")
	add(aliases, fDate, "date", "تاریخ", "day")
	add(aliases, fPoints, "points", "score", "امتیاز")
	add(aliases, fRank, "rank", "rank order", "رتبه", "اولویت")
	add(aliases, fCount, "count", "population", "people", "n", "جمعیت", "شمار")

	for _, k := range Kinds {
		kindAliases[k] = map[string]field{}
	}
	add(kindAliases[KindProjects], fProjectID, "id", "code", "کد", "شناسه")
	add(kindAliases[KindProjects], fDescription, "شرح")
	add(kindAliases[KindBudgetLines], fQuantity, "تعداد", "count", "number")
	add(kindAliases[KindBudgetLines], fAmount, "cost", "هزینه", "مبلغ", "بها")
	add(kindAliases[KindBudgetLines], fItem, "title", "name", "description", "عنوان", "نام", "توضیحات")
	add(kindAliases[KindParticipants], fParticipantID, "id", "code", "کد", "شناسه")
	add(kindAliases[KindPopulation], fCount, "تعداد", "number")
}

// kindFields lists the fields of each kind.
var kindFields = map[string][]field{
	KindProjects: {fCycleID, fProjectID, fTitle, fDescription, fCost, fCategory, fArea, fStage,
		fProposerGender, fGenderMarker, fWomenShare, fBeneficiaries, fSelected, fApproved, fSpent, fStatus},
	KindBudgetLines:   {fCycleID, fProjectID, fLineNo, fItem, fQuantity, fMeasure, fUnitCost, fAmount, fGenderMarker},
	KindParticipants:  {fCycleID, fParticipantID, fGender, fAge, fAgeBand, fArea, fChannel},
	KindParticipation: {fCycleID, fParticipantID, fStage, fProjectID, fDate},
	KindVotes:         {fCycleID, fParticipantID, fProjectID, fPoints, fRank},
	KindPopulation:    {fCycleID, fArea, fGender, fAgeBand, fCount},
}

// required lists the columns each kind must have. Budget lines need
// amount, or quantity and unit cost, besides these.
var required = map[string][]field{
	KindProjects:      {fProjectID, fTitle, fCost},
	KindBudgetLines:   {fProjectID, fItem},
	KindParticipants:  {fParticipantID, fGender},
	KindParticipation: {fParticipantID, fStage},
	KindVotes:         {fParticipantID, fProjectID},
	KindPopulation:    {fArea, fGender, fCount},
}

// personalHeaders name columns of direct identifiers. Such a column is
// never kept in Extra: it is listed in Batch.Unknown and its values dropped.
var personalHeaders = map[string]bool{}

func init() {
	for _, h := range []string{"name", "full name", "first name", "last name", "surname", "نام",
		"نام خانوادگی", "نام و نام خانوادگی", "phone", "mobile", "tel", "telephone", "phone number",
		"mobile number", "تلفن", "موبایل", "تلفن همراه", "شماره تماس", "شماره تلفن", "شماره موبایل",
		"national code", "national id", "کد ملی", "شماره ملی", "email", "e-mail", "ایمیل",
		"پست الکترونیک", "address", "نشانی", "آدرس", "ip"} {
		personalHeaders[normKey(h)] = true
	}
}

// column is one column of an upload's header.
type column struct {
	header   string // as written in the file
	personal bool   // an unknown column of direct identifiers
	field    field  // fNone for unknown columns
	exp      int    // amount unit of the column, as a power of ten of rials
	hasExp   bool   // the header stated the unit
	pct      bool   // the header says the values are percentages
}

// lookup maps a folded header name to a field of kind.
func lookup(kind, key string) field {
	f, _ := lookupNative(kind, key)
	return f
}

// lookupNative is lookup, also telling whether the name is an alias of the
// field for every kind (native) rather than a reading particular to kind.
func lookupNative(kind, key string) (field, bool) {
	if f, ok := kindAliases[kind][key]; ok {
		return f, false
	}
	f := aliases[key]
	if f != fNone && !slices.Contains(kindFields[kind], f) {
		return fNone, false
	}
	return f, true
}

var percentAliases = map[string]bool{normKey("درصد زنان"): true, "women%": true, "%women": true, "womenpercent": true, "percentwomen": true}

var percentWords = map[string]bool{"%": true, "٪": true, "percent": true, "درصد": true, "pct": true}

// harmless are suffixes that only describe a column's measure.
var harmless = map[string]bool{"سال": true, "years": true, "year": true, "نفر": true, "people": true, "persons": true}

// mapHeader maps one header cell for kind.
func mapHeader(kind, h string) column {
	c := column{header: h}
	k := normKey(h)
	if c.field = lookup(kind, k); c.field != fNone {
		c.pct = c.field == fWomenShare && percentAliases[k]
		return c
	}
	c.personal = personalHeaders[k]
	base, suffix, ok := splitSuffix(h)
	if !ok {
		return c
	}
	f := lookup(kind, normKey(base))
	if f == fNone {
		return c
	}
	switch s := normKey(suffix); {
	case f.amount():
		if u, ok := parseUnit(suffix); ok && u.currency {
			c.field, c.exp, c.hasExp = f, u.exp, true
		}
	case f == fWomenShare && percentWords[s]:
		c.field, c.pct = f, true
	case harmless[s]:
		c.field = f
	}
	return c
}

// splitSuffix splits "cost (toman)", "cost [toman]", "مبلغ - میلیون ریال"
// and "هزینه به تومان" into the name and the suffix.
func splitSuffix(h string) (base, suffix string, ok bool) {
	h = trim(h)
	for _, p := range [][2]string{{"(", ")"}, {"[", "]"}, {"（", "）"}} {
		if strings.HasSuffix(h, p[1]) {
			if i := strings.LastIndex(h, p[0]); i > 0 {
				return h[:i], h[i+len(p[0]) : len(h)-len(p[1])], true
			}
		}
	}
	for _, sep := range []string{" - ", " – ", " — ", " به ", " in ", "-", "–", "/", ":", "،", ","} {
		if i := strings.LastIndex(h, sep); i > 0 {
			return h[:i], h[i+len(sep):], true
		}
	}
	return "", "", false
}

// DetectKind tells from a header which kind of upload a file is: of the
// kinds whose required columns are all present, the one that maps the
// most columns, counting names particular to a kind (تعداد as a budget
// line's quantity, عنوان as its item) half.
func DetectKind(header []string) (string, error) {
	k, err := detectKind(header, "", "en")
	if err != nil {
		return "", err
	}
	return k, nil
}

func detectKind(header []string, name, lang string) (string, error) {
	type cand struct {
		kind   string
		mapped int
	}
	var cands []cand
	for _, k := range Kinds {
		cols := make([]column, len(header))
		for i, h := range header {
			cols[i] = mapHeader(k, h)
		}
		if len(missing(k, cols)) > 0 {
			continue
		}
		n := 0
		for i, c := range cols {
			if c.field == fNone {
				continue
			}
			n++
			if _, native := lookupNative(k, normKey(header[i])); native {
				n++
			}
		}
		cands = append(cands, cand{k, n})
	}
	slices.SortStableFunc(cands, func(a, b cand) int { return b.mapped - a.mapped })
	switch {
	case len(cands) == 0:
		if k := kindFromName(name); k != "" {
			return k, nil
		}
		return "", pbequity.Errorf(pbequity.EINVALID, "%s", render(lang, mDetectKind, name))
	case len(cands) > 1 && cands[0].mapped == cands[1].mapped:
		hint := kindFromName(name)
		for _, c := range cands {
			if c.kind == hint && c.mapped == cands[0].mapped {
				return hint, nil
			}
		}
		return "", pbequity.Errorf(pbequity.EINVALID, "%s", render(lang, mAmbiguousKind, name, cands[0].kind, cands[1].kind))
	}
	return cands[0].kind, nil
}

// kindFromName guesses a kind from words in a file name, or "".
func kindFromName(name string) string {
	n := normKey(strings.TrimSuffix(path.Base(name), path.Ext(name)))
	for _, w := range []struct{ word, kind string }{
		{"budgetline", KindBudgetLines}, {"lines", KindBudgetLines}, {"ریزهزینه", KindBudgetLines},
		{"participation", KindParticipation}, {"participant", KindParticipants}, {"voter", KindParticipants},
		{"vote", KindVotes}, {"ballot", KindVotes}, {"آرا", KindVotes}, {"رای", KindVotes},
		{"population", KindPopulation}, {"census", KindPopulation}, {"جمعیت", KindPopulation},
		{"project", KindProjects}, {"طرح", KindProjects},
	} {
		if strings.Contains(n, w.word) {
			return w.kind
		}
	}
	return ""
}

// missing returns the required fields of kind that cols lack.
func missing(kind string, cols []column) []field {
	have := func(f field) bool {
		return slices.ContainsFunc(cols, func(c column) bool { return c.field == f })
	}
	var out []field
	for _, f := range required[kind] {
		if !have(f) {
			out = append(out, f)
		}
	}
	if kind == KindBudgetLines && !have(fAmount) && !(have(fQuantity) && have(fUnitCost)) {
		out = append(out, fAmount)
	}
	return out
}

// normKind accepts the kind names and a few spellings of them.
func normKind(k string) (string, bool) {
	switch strings.ReplaceAll(strings.ToLower(trim(k)), "_", "-") {
	case "":
		return "", true
	case "projects", "project", "طرح‌ها", "طرحها":
		return KindProjects, true
	case "budget-lines", "budget-line", "budgetlines", "lines", "budget":
		return KindBudgetLines, true
	case "participants", "participant", "voters":
		return KindParticipants, true
	case "participation", "participations", "events":
		return KindParticipation, true
	case "votes", "vote", "ballots":
		return KindVotes, true
	case "population", "census":
		return KindPopulation, true
	}
	return "", false
}
