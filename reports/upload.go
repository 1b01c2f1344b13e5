package reports

import (
	"bytes"
	"encoding/csv"
	"io"
)

// uploadTexts are the labels of the citizens' upload page (upload.html,
// upload.js), merged into texts at start-up.
var uploadTexts = map[string][2]string{
	"upload_title":          {"بارگذاری جدول بودجه و داده‌های مشارکت", "Upload a budget table or participation data"},
	"upload_lead":           {"جدول بودجه پیشنهادی طرح خود یا داده‌های مشارکت را به‌صورت CSV یا اکسل (XLSX) بارگذاری کنید. پیش از ذخیره، همه ردیف‌ها بررسی می‌شوند؛ اگر خطایی باشد هیچ چیز ذخیره نمی‌شود و فهرست خطاها را با شماره ردیف و ستون می‌بینید.", "Upload your project's proposed budget table or participation data as CSV or Excel (XLSX). Every row is checked before anything is saved; if there is an error nothing is saved and you see every error with its row and column."},
	"upload_token":          {"توکن دسترسی (شهروند یا بالاتر)", "Access token (citizen or higher)"},
	"upload_token_note":     {"توکن فقط در همین زبانه مرورگر (sessionStorage) نگه داشته می‌شود.", "The token is kept in this browser tab only (sessionStorage)."},
	"upload_cycle":          {"دوره بودجه‌ریزی", "Budgeting cycle"},
	"upload_files":          {"فایل‌ها (CSV یا XLSX؛ یک یا چند فایل)", "Files (CSV or XLSX; one or more)"},
	"upload_files_note":     {"چند فایل با هم (مثلاً طرح‌ها و ریز هزینه‌ها) یکجا بارگذاری می‌شوند: یا همه یا هیچ.", "Several files sent together (e.g. projects and their budget lines) load as one: all or nothing."},
	"upload_kind":           {"نوع داده", "Kind of data"},
	"upload_kind_auto":      {"تشخیص از روی سرستون‌ها", "Detect from the headers"},
	"upload_unit":           {"واحد مبلغ‌ها", "Unit of amounts"},
	"upload_unit_auto":      {"همان که در سرستون آمده (پیش‌فرض ریال)", "As the header says (default rial)"},
	"upload_anonymous":      {"بارگذاری ناشناس (نقش بارگذارنده با داده ثبت نمی‌شود)", "Upload anonymously (your role is not recorded with the data)"},
	"upload_send":           {"بارگذاری", "Upload"},
	"upload_progress":       {"پیشرفت ارسال", "Upload progress"},
	"upload_sending":        {"در حال ارسال…", "Sending…"},
	"upload_checking":       {"فایل رسید؛ در حال بررسی و ذخیره…", "File received; checking and saving…"},
	"upload_ok":             {"بارگذاری انجام شد", "Upload complete"},
	"upload_ok_summary":     {"ردیف ذخیره شد.", "rows saved."},
	"upload_failed":         {"بارگذاری انجام نشد", "Upload failed"},
	"upload_problems":       {"مورد خطا پیدا شد؛ هیچ چیز ذخیره نشد. خطاها را اصلاح کنید و دوباره بارگذاری کنید.", "problems found; nothing was saved. Fix them and upload again."},
	"upload_truncated":      {"فقط بخشی از خطاها نشان داده شده است.", "Only the first errors are shown."},
	"upload_no_token":       {"نخست توکن دسترسی را وارد کنید.", "Enter your access token first."},
	"upload_no_file":        {"دست‌کم یک فایل انتخاب کنید.", "Choose at least one file."},
	"upload_no_cycle":       {"یک دوره انتخاب کنید.", "Choose a cycle."},
	"upload_bad_token":      {"توکن نامعتبر، منقضی یا لغوشده است.", "The token is invalid, expired or revoked."},
	"upload_forbidden":      {"این توکن اجازه بارگذاری ندارد.", "This token may not upload."},
	"upload_too_large":      {"فایل بیش از اندازه مجاز بزرگ است.", "The upload is larger than allowed."},
	"upload_network":        {"ارتباط با سرور قطع شد؛ چیزی ذخیره نشد.", "The connection to the server was lost; nothing was saved."},
	"upload_file":           {"فایل", "File"},
	"upload_row":            {"ردیف", "Row"},
	"upload_column":         {"ستون", "Column"},
	"upload_value":          {"مقدار", "Value"},
	"upload_message":        {"خطا", "Problem"},
	"upload_kind_col":       {"نوع", "Kind"},
	"upload_rows":           {"ردیف‌ها", "Rows"},
	"upload_dataset":        {"شناسه مجموعه داده", "Dataset id"},
	"upload_totals":         {"جمع مبلغ‌ها به‌صورتی که خوانده شد (ریال) — اگر رقمی اشتباه است، واحد را بررسی کنید", "Totals as read (rial) — if a figure looks wrong, check the unit"},
	"upload_total_key":      {"کارگروه / طرح", "Category / project"},
	"upload_total":          {"جمع (ریال)", "Total (rial)"},
	"upload_unknown":        {"ستون‌های ناشناخته (نگه داشته شد ولی به جایی نگاشته نشد):", "Unknown columns (kept, not mapped):"},
	"upload_templates":      {"فایل‌های نمونه", "Template files"},
	"upload_templates_note": {"هر فایل نمونه سرستون‌های فارسی و یک ردیف مثال دارد؛ ردیف مثال را با داده‌های خود جایگزین کنید. مبلغ‌ها به ریال است مگر آنکه واحد دیگری در سرستون بنویسید، مثلاً «هزینه (تومان)».", "Each template has Persian headers and one example row; replace the example with your data. Amounts are in rial unless the header states another unit, e.g. «هزینه (تومان)»."},
	"kind_projects":         {"طرح‌ها", "Projects"},
	"kind_budget-lines":     {"جدول بودجه (ریز هزینه) طرح", "Budget lines of a project"},
	"kind_participants":     {"شرکت‌کنندگان", "Participants"},
	"kind_participation":    {"مشارکت در مراحل", "Participation in stages"},
	"kind_votes":            {"آرا", "Votes"},
	"kind_population":       {"جمعیت (سرشماری)", "Population (census)"},
	"kind_pabulib":          {"فایل Pabulib (.pb)", "Pabulib file (.pb)"},
	"unit_rial":             {"ریال", "rial"},
	"unit_toman":            {"تومان", "toman"},
	"unit_ktoman":           {"هزار تومان", "thousand toman"},
	"unit_mrial":            {"میلیون ریال", "million rial"},
	"unit_mtoman":           {"میلیون تومان", "million toman"},
	"unit_brial":            {"میلیارد ریال", "billion rial"},
}

func init() {
	for k, v := range uploadTexts {
		if _, dup := texts[k]; dup {
			panic("reports: label " + k + " defined twice")
		}
		texts[k] = v
	}
}

// TemplateKinds lists the kinds of upload that have a template file, in
// the order the upload page offers them.
var TemplateKinds = []string{"projects", "budget-lines", "participants", "participation", "votes", "population"}

// templates are the template files: Persian headers (aliases ingest
// knows) and one example row each. The example rows refer to one another
// (project P-1, participant 1403-0001), so the files load together.
var templates = map[string][][]string{
	"projects": {
		{"کد طرح", "عنوان", "توضیحات", "هزینه (ریال)", "کارگروه", "محله", "جنسیت پیشنهاددهنده", "نشانگر جنسیتی", "سهم زنان", "ذی‌نفعان"},
		{"P-1", "پیاده‌راه ایمن مسیر مدرسه", "نورپردازی و کف‌سازی مسیر مدرسه دخترانه", "۲٬۵۰۰٬۰۰۰٬۰۰۰", "safety", "d01-n1", "زن", "2", "0.6", "دانش‌آموزان و والدین"},
	},
	"budget-lines": {
		{"کد طرح", "ردیف", "شرح", "مقدار", "واحد", "قیمت واحد (ریال)", "مبلغ کل (ریال)", "نشانگر جنسیتی"},
		{"P-1", "1", "چراغ خیابانی خورشیدی", "20", "عدد", "۵۰٬۰۰۰٬۰۰۰", "۱٬۰۰۰٬۰۰۰٬۰۰۰", "1"},
	},
	"participants": {
		{"کد شرکت‌کننده", "جنسیت", "سن", "محله", "کانال"},
		{"1403-0001", "زن", "34", "d01-n1", "حضوری"},
	},
	"participation": {
		{"کد شرکت‌کننده", "مرحله", "کد طرح", "تاریخ"},
		{"1403-0001", "رأی‌گیری", "P-1", "1403/02/15"},
	},
	"votes": {
		{"کد شرکت‌کننده", "کد طرح", "امتیاز"},
		{"1403-0001", "P-1", "1"},
	},
	"population": {
		{"محله", "جنسیت", "گروه سنی", "تعداد"},
		{"d01-n1", "زن", "30-44", "1250"},
	},
}

// Template returns the template CSV file of kind (UTF-8 with a byte-order
// mark, so spreadsheet programs show Persian), or false for an unknown kind.
func Template(kind string) ([]byte, bool) {
	rows, ok := templates[kind]
	if !ok {
		return nil, false
	}
	var buf bytes.Buffer
	buf.WriteString("\ufeff")
	w := csv.NewWriter(&buf)
	w.UseCRLF = true // what spreadsheet programs write
	w.WriteAll(rows)
	return buf.Bytes(), true
}

// uploadKind is a kind the upload page offers.
type uploadKind struct {
	ID, Label string
	Template  bool
}

// uploadPage is the data of upload.html.
type uploadPage struct {
	page
	Kinds []uploadKind
	Units []uploadKind
}

// Upload renders the citizens' upload page in lang. The page holds no data;
// upload.js lists the cycles from the API and posts the files with the
// citizen's token.
func Upload(w io.Writer, lang string) error {
	o := Options{Lang: lang}.norm()
	p := uploadPage{page: newPage(o, tr(o.Lang, "upload_title"), "/upload")}
	for _, k := range TemplateKinds {
		p.Kinds = append(p.Kinds, uploadKind{ID: k, Label: tr(o.Lang, "kind_"+k), Template: true})
	}
	p.Kinds = append(p.Kinds, uploadKind{ID: "pabulib", Label: tr(o.Lang, "kind_pabulib")})
	// Option values are the Persian unit names, which ingest reads.
	for _, u := range []string{"unit_rial", "unit_toman", "unit_ktoman", "unit_mrial", "unit_mtoman", "unit_brial"} {
		p.Units = append(p.Units, uploadKind{ID: texts[u][0], Label: tr(o.Lang, u)})
	}
	return execute(w, o.Lang, "upload", p)
}
