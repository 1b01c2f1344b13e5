package ingest

import (
	"fmt"
	"strconv"
	"strings"
)

// msgID names a user-facing message; messages exist in English and Persian.
type msgID uint8

const (
	_ msgID = iota
	mNotNumber
	mNotInteger
	mNotWhole
	mTooLarge
	mNegative
	mBadUnit
	mRequired
	mDuplicateID
	mDuplicateVote
	mUnknownProject
	mDuplicateCell
	mDuplicateLine
	mBadGender
	mBadDate
	mBadMarker
	mBadShare
	mBadStage
	mBadBool
	mBadAge
	mBadAgeBand
	mAgeMismatch
	mBadRank
	mLineMismatch
	mNoAmount
	mMissingColumn
	mDuplicateColumn
	mRagged
	mOutsideHeader
	mUnterminated
	mRecordTooLong
	mBadText
	mCycleMismatch
	mEmpty
	mUnknownFormat
	mLegacyXLS
	mBadXLSX
	mUnzipTooLarge
	mNoSheet
	mTooManyRows
	mUnknownKind
	mDetectKind
	mAmbiguousKind
	mReadFailed
)

// messages holds the English and Persian text of each message. Both take
// the same arguments in the same order.
var messages = [...][2]string{
	mNotNumber:       {"value %q is not a number", "مقدار «%s» عدد نیست"},
	mNotInteger:      {"value %q is not a whole number", "مقدار «%s» عدد صحیح نیست"},
	mNotWhole:        {"amount %q is not a whole number of rials", "مبلغ «%s» عدد صحیحی از ریال نیست"},
	mTooLarge:        {"value %q is too large", "مقدار «%s» بیش از اندازه بزرگ است"},
	mNegative:        {"value %q must not be negative", "مقدار «%s» نباید منفی باشد"},
	mBadUnit:         {"unknown amount unit %q (use rial, toman, thousand toman, million rial, million toman…)", "واحد مبلغ «%s» شناخته نیست (ریال، تومان، هزار تومان، میلیون ریال، میلیون تومان…)"},
	mRequired:        {"a value is required", "این خانه نباید خالی باشد"},
	mDuplicateID:     {"duplicate id %q (first on row %d)", "شناسهٔ «%s» تکراری است (نخستین بار در ردیف %d)"},
	mDuplicateVote:   {"duplicate vote of %q for project %q (first on row %d)", "رای تکراری «%s» برای طرح «%s» (نخستین بار در ردیف %d)"},
	mUnknownProject:  {"unknown project id %q (not in this cycle nor in this upload)", "شناسهٔ طرح «%s» ناشناخته است (نه در این دوره و نه در این بارگذاری)"},
	mDuplicateCell:   {"duplicate count for area %q, gender %q, age band %q (first on row %d)", "شمار تکراری برای محدودهٔ «%s»، جنسیت «%s»، گروه سنی «%s» (نخستین بار در ردیف %d)"},
	mDuplicateLine:   {"duplicate line %q of project %q (first on row %d)", "ردیف «%s» طرح «%s» تکراری است (نخستین بار در ردیف %d)"},
	mBadGender:       {"unknown gender %q (use F, M, O or blank: female, male, other, unknown)", "جنسیت «%s» شناخته نیست (زن، مرد، دیگر، یا خالی برای نامشخص)"},
	mBadDate:         {"impossible date %q (write year/month/day: 1403/02/15 or 2024-05-04)", "تاریخ «%s» نادرست است (به صورت سال/ماه/روز: ۱۴۰۳/۰۲/۱۵ یا 2024-05-04)"},
	mBadMarker:       {"gender marker %q must be 0, 1 or 2 (blank = not screened)", "نشانگر جنسیتی «%s» باید ۰، ۱ یا ۲ باشد (خالی = بررسی‌نشده)"},
	mBadShare:        {"women's share %q must be between 0 and 1, or 0%% to 100%%", "سهم زنان «%s» باید بین ۰ و ۱ یا بین ۰٪ و ۱۰۰٪ باشد"},
	mBadStage:        {"unknown stage %q (use problem, solution, vote or meeting)", "مرحلهٔ «%s» شناخته نیست (مسئله، راهکار، رای یا جلسه)"},
	mBadBool:         {"value %q is not yes or no", "مقدار «%s» بله یا خیر نیست"},
	mBadAge:          {"age %q must be a whole number from 0 to 120", "سن «%s» باید عددی صحیح از ۰ تا ۱۲۰ باشد"},
	mBadAgeBand:      {"unknown age band %q (use 0-17, 18-29, 30-44, 45-59 or 60+)", "گروه سنی «%s» شناخته نیست (۰-۱۷، ۱۸-۲۹، ۳۰-۴۴، ۴۵-۵۹ یا ۶۰+)"},
	mAgeMismatch:     {"age %q is not in age band %q", "سن «%s» در گروه سنی «%s» نیست"},
	mBadRank:         {"rank %q must be a whole number from 1", "رتبهٔ «%s» باید عددی صحیح از ۱ به بالا باشد"},
	mLineMismatch:    {"amount %s rials is not quantity × unit cost = %s rials", "مبلغ %s ریال با تعداد × قیمت واحد = %s ریال برابر نیست"},
	mNoAmount:        {"give the amount, or both quantity and unit cost", "مبلغ، یا هم تعداد و هم قیمت واحد را بنویسید"},
	mMissingColumn:   {"missing column %s", "ستون «%s» وجود ندارد"},
	mDuplicateColumn: {"columns %q and %q both mean %s", "ستون‌های «%s» و «%s» هر دو به معنای «%s» هستند"},
	mRagged:          {"row has %d cells, the header has %d", "این ردیف %d خانه دارد و سطر عنوان %d خانه"},
	mOutsideHeader:   {"value %q is outside the columns of the header", "مقدار «%s» بیرون از ستون‌های سطر عنوان است"},
	mUnterminated:    {"a quoted cell is not closed", "گیومهٔ یک خانه بسته نشده است"},
	mRecordTooLong:   {"row is longer than %d bytes", "این ردیف از %d بایت بلندتر است"},
	mBadText:         {"text is not valid UTF-8", "متن با کدگذاری UTF-8 نیست"},
	mCycleMismatch:   {"cycle %q is not the cycle of the upload %q", "دورهٔ «%s» با دورهٔ بارگذاری «%s» یکی نیست"},
	mEmpty:           {"file %q is empty", "پرونده «%s» خالی است"},
	mUnknownFormat:   {"file %q is not CSV, TSV or XLSX", "پرونده «%s» از نوع CSV، TSV یا XLSX نیست"},
	mLegacyXLS:       {"file %q is an old .xls workbook; save it as .xlsx or CSV", "پرونده «%s» کاربرگ قدیمی .xls است؛ آن را به صورت .xlsx یا CSV ذخیره کنید"},
	mBadXLSX:         {"file %q is not a readable XLSX workbook", "پرونده «%s» کاربرگ XLSX خوانا نیست"},
	mUnzipTooLarge:   {"file %q unpacks to more than %d bytes", "پرونده «%s» پس از گشودن از %d بایت بزرگ‌تر است"},
	mNoSheet:         {"file %q has no sheet %q", "پرونده «%s» برگه‌ای به نام «%s» ندارد"},
	mTooManyRows:     {"file %q has more than %d rows", "پرونده «%s» بیش از %d ردیف دارد"},
	mUnknownKind:     {"unknown kind %q (use projects, budget-lines, participants, participation, votes or population)", "نوع «%s» شناخته نیست (projects، budget-lines، participants، participation، votes یا population)"},
	mDetectKind:      {"cannot tell what file %q holds from its header; give the kind", "از سطر عنوان پرونده «%s» نوع داده معلوم نیست؛ نوع را مشخص کنید"},
	mAmbiguousKind:   {"file %q could hold %s or %s; give the kind", "پرونده «%s» می‌تواند %s یا %s باشد؛ نوع را مشخص کنید"},
	mReadFailed:      {"file %q could not be read", "پرونده «%s» خوانده نشد"},
}

// render formats message m in lang ("fa" or English). Persian messages show
// whole numbers in Persian digits.
func render(lang string, m msgID, args ...any) string {
	if int(m) >= len(messages) || messages[m][0] == "" {
		return "invalid value"
	}
	format := messages[m][0]
	if lang == "fa" {
		format = messages[m][1]
	}
	if !strings.Contains(format, "%") {
		return format
	}
	if lang == "fa" {
		format = strings.ReplaceAll(format, "%d", "%s")
		for i, a := range args {
			switch v := a.(type) {
			case int:
				args[i] = faDigits(strconv.Itoa(v))
			case int64:
				args[i] = faDigits(strconv.FormatInt(v, 10))
			}
		}
	}
	return fmt.Sprintf(format, args...)
}

// faDigits writes the ASCII digits of s in Persian.
func faDigits(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r - '0' + persianZero
		}
		return r
	}, s)
}
