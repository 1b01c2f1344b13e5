package reports

// texts holds every label of the pages in Persian and English.
var texts = map[string][2]string{
	"title":           {"پی‌بی‌اکوئیتی — عدالت جنسیتی در بودجه‌ریزی مشارکتی", "pbequity — gender equity in participatory budgeting"},
	"brand":           {"پی‌بی‌اکوئیتی", "pbequity"},
	"archive":         {"بایگانی دوره‌های بودجه‌ریزی مشارکتی", "Archive of participatory-budgeting cycles"},
	"archive_lead":    {"هر دوره با ارقام اصلی آن؛ برای گزارش کامل عدالت جنسیتی روی نام دوره بزنید.", "Each cycle with its headline figures; open a cycle for its full gender-equity report."},
	"cycle":           {"دوره", "Cycle"},
	"fiscal_year":     {"سال مالی", "Fiscal year"},
	"budget":          {"بودجه", "Budget"},
	"participants":    {"شرکت‌کنندگان", "Participants"},
	"voters":          {"رأی‌دهندگان", "Voters"},
	"women_share":     {"سهم زنان", "Women's share"},
	"projects":        {"طرح‌ها", "Projects"},
	"funded":          {"طرح‌های تأمین‌شده", "Funded projects"},
	"allocated":       {"مبلغ تخصیص‌یافته", "Allocated"},
	"no_cycles":       {"هنوز دوره‌ای بارگذاری نشده است.", "No cycle has been loaded yet."},
	"report":          {"گزارش عدالت جنسیتی", "Gender-equity report"},
	"other_lang":      {"English", "فارسی"},
	"back":            {"بازگشت به بایگانی", "Back to the archive"},
	"headline":        {"ارقام اصلی", "Headline"},
	"findings":        {"یافته‌ها", "Findings"},
	"funnel":          {"مشارکت زنان و مردان در مراحل فرایند", "Participation of women and men across the stages"},
	"funnel_note":     {"تعداد افراد متمایز در هر مرحله؛ شاخص برابری جنسیتی (GPI) نسبت نرخ مشارکت زنان به مردان در برابر جمعیت بزرگسال است (محدوده برابری ۰٫۹۷ تا ۱٫۰۳).", "Distinct people at each stage; the gender parity index (GPI) is women's participation rate over men's against the adult population (parity band 0.97–1.03)."},
	"stage":           {"مرحله", "Stage"},
	"women":           {"زنان", "Women"},
	"men":             {"مردان", "Men"},
	"other":           {"دیگر", "Other"},
	"unknown":         {"نامشخص", "Unknown"},
	"gpi":             {"شاخص برابری جنسیتی", "GPI"},
	"by_category":     {"تخصیص بودجه به تفکیک کارگروه", "Allocation by category"},
	"by_area":         {"تخصیص بودجه به تفکیک منطقه", "Allocation by district"},
	"category":        {"کارگروه", "Category"},
	"area":            {"منطقه", "District"},
	"amount":          {"مبلغ", "Amount"},
	"share":           {"سهم", "Share"},
	"population":      {"جمعیت", "Population"},
	"per_capita":      {"سرانه (ریال)", "Per capita"},
	"city_wide":       {"طرح‌های سطح شهر (در توزیع منطقه‌ای نیامده‌اند)", "City-wide projects (not in the distribution across districts)"},
	"lorenz":          {"منحنی لورنز تخصیص سرانه میان مناطق", "Lorenz curve of per-capita allocation across districts"},
	"lorenz_note":     {"مناطق به ترتیب سرانه از کم به زیاد؛ هرچه منحنی از خط برابری دورتر باشد، توزیع نابرابرتر است.", "Districts ordered by per-capita allocation; the further the curve from the line of equality, the more unequal the distribution."},
	"gini":            {"ضریب جینی", "Gini coefficient"},
	"cum_pop":         {"سهم تجمعی جمعیت", "Cumulative share of population"},
	"cum_alloc":       {"سهم تجمعی بودجه", "Cumulative share of allocation"},
	"equality":        {"خط برابری", "Line of equality"},
	"lorenz_series":   {"منحنی لورنز", "Lorenz curve"},
	"suppressed":      {"پنهان", "suppressed"},
	"suppressed_note": {"ارقامی که بر کمتر از %s نفر استوارند پنهان شده‌اند تا هویت افراد آشکار نشود.", "Figures resting on fewer than %s people are suppressed to protect privacy."},
	"data_table":      {"داده‌های نمودار", "Chart data"},
	"stage_problem":   {"طرح مسئله", "Problem"},
	"stage_solution":  {"راهکار", "Solution"},
	"stage_vote":      {"رأی‌گیری", "Vote"},
	"stage_meeting":   {"جلسات", "Meetings"},
	"stage_funded":    {"طرح‌های تأمین‌شده (پیشنهاددهنده)", "Funded (proposer)"},
	"generated":       {"تاریخ تهیه", "Generated"},
	"currency_unit":   {"ارقام پولی به %s", "Amounts in %s"},
	"notes":           {"یادداشت‌ها", "Notes"},
	"period":          {"دوره زمانی", "Period"},
	"rule":            {"قاعده تخصیص", "Allocation rule"},
	"footer":          {"پی‌بی‌اکوئیتی — همه اسکریپت‌ها و قلم‌ها از همین سرور بارگذاری می‌شوند و صفحه بدون اینترنت کار می‌کند.", "pbequity — every script and font is served by this server; the page works offline."},
	"not_found":       {"یافت نشد", "Not found"},
}

// tr returns the label key in lang ("fa" or "en").
func tr(lang, key string) string {
	t, ok := texts[key]
	if !ok {
		return key
	}
	if lang == "en" {
		return t[1]
	}
	return t[0]
}
