package demo

// district is a district of the synthetic city with its neighbourhoods
// (Persian name, English transliteration) and its relative size.
type district struct {
	neighbourhoods [][2]string
	size           float64 // relative population
	need           float64 // deprivation score, higher is needier
}

// tehran is a Tehran-like city of 22 districts (مناطق ۲۲گانه). Names are
// those of real neighbourhoods; sizes and needs are invented for the demo.
var tehran = []district{
	{[][2]string{{"تجریش", "Tajrish"}, {"نیاوران", "Niavaran"}, {"زعفرانیه", "Zafaranieh"}, {"ولنجک", "Velenjak"}}, 0.50, 0.10},
	{[][2]string{{"سعادت‌آباد", "Saadat Abad"}, {"شهرک غرب", "Shahrak-e Gharb"}, {"گیشا", "Gisha"}, {"طرشت", "Tarasht"}}, 0.75, 0.15},
	{[][2]string{{"ونک", "Vanak"}, {"زرگنده", "Zargandeh"}, {"داوودیه", "Davoodieh"}, {"قلهک", "Gholhak"}}, 0.35, 0.12},
	{[][2]string{{"تهرانپارس", "Tehranpars"}, {"حکیمیه", "Hakimieh"}, {"مجیدیه", "Majidieh"}, {"شمیران‌نو", "Shemiran-e No"}}, 1.00, 0.45},
	{[][2]string{{"شهران", "Shahran"}, {"جنت‌آباد", "Jannat Abad"}, {"پونک", "Punak"}, {"اکباتان", "Ekbatan"}}, 0.95, 0.30},
	{[][2]string{{"یوسف‌آباد", "Yousef Abad"}, {"امیرآباد", "Amir Abad"}, {"فاطمی", "Fatemi"}}, 0.28, 0.20},
	{[][2]string{{"نظام‌آباد", "Nezam Abad"}, {"سهروردی", "Sohrevardi"}, {"امجدیه", "Amjadieh"}}, 0.36, 0.35},
	{[][2]string{{"نارمک", "Narmak"}, {"تسلیحات", "Taslihat"}, {"وحیدیه", "Vahidieh"}}, 0.48, 0.40},
	{[][2]string{{"مهرآباد جنوبی", "South Mehrabad"}, {"استاد معین", "Ostad Moein"}, {"دکتر هوشیار", "Dr Houshyar"}}, 0.20, 0.60},
	{[][2]string{{"سلسبیل", "Salsabil"}, {"هفت‌چنار", "Haft Chenar"}, {"زنجان جنوبی", "South Zanjan"}}, 0.40, 0.65},
	{[][2]string{{"جمهوری", "Jomhouri"}, {"امیریه", "Amirieh"}, {"منیریه", "Monirieh"}}, 0.34, 0.55},
	{[][2]string{{"بازار", "Bazaar"}, {"امامزاده یحیی", "Emamzadeh Yahya"}, {"سنگلج", "Sanglaj"}}, 0.28, 0.75},
	{[][2]string{{"پیروزی", "Piroozi"}, {"نیروی هوایی", "Niroo Havaei"}, {"زینبیه", "Zeinabieh"}}, 0.30, 0.50},
	{[][2]string{{"خاوران", "Khavaran"}, {"مینابی", "Minabi"}, {"شکوفه", "Shokoofeh"}}, 0.56, 0.65},
	{[][2]string{{"مسعودیه", "Masoudieh"}, {"افسریه", "Afsarieh"}, {"کیان‌شهر", "Kianshahr"}, {"مشیریه", "Moshirieh"}}, 0.75, 0.85},
	{[][2]string{{"نازی‌آباد", "Nazi Abad"}, {"یاخچی‌آباد", "Yakhchi Abad"}, {"جوادیه", "Javadieh"}}, 0.32, 0.80},
	{[][2]string{{"زمزم", "Zamzam"}, {"ابوذر", "Abouzar"}, {"گلچین", "Golchin"}}, 0.32, 0.85},
	{[][2]string{{"یافت‌آباد", "Yaft Abad"}, {"شادآباد", "Shad Abad"}, {"صاحب‌الزمان", "Saheb-ol-Zaman"}}, 0.48, 0.90},
	{[][2]string{{"نعمت‌آباد", "Nemat Abad"}, {"خانی‌آباد نو", "Khani Abad-e No"}, {"شریعتی", "Shariati"}}, 0.30, 0.88},
	{[][2]string{{"شهرری", "Shahr-e Rey"}, {"دولت‌آباد", "Dowlat Abad"}, {"ابن‌بابویه", "Ebn-e Babooyeh"}}, 0.42, 0.80},
	{[][2]string{{"تهرانسر", "Tehransar"}, {"شهرک استقلال", "Shahrak-e Esteghlal"}, {"وردآورد", "Vardavard"}}, 0.23, 0.55},
	{[][2]string{{"چیتگر", "Chitgar"}, {"شهرک راه‌آهن", "Shahrak-e Rah Ahan"}, {"دریاچه", "Daryacheh"}}, 0.25, 0.35},
}

// Categories are the six thematic working groups of Kerman's neighbourhood
// social councils, the default project categories.
var Categories = [][3]string{
	{"social", "اجتماعی، آموزشی و توانمندسازی", "Social, education & empowerment"},
	{"health", "سلامت و محیط زیست", "Health & environment"},
	{"culture", "فرهنگی و مذهبی", "Culture & religion"},
	{"safety", "مدیریت بحران و ایمنی", "Crisis management & safety"},
	{"sport", "ورزش و تفریحات سالم", "Sport & recreation"},
	{"services", "امور خدماتی و رفاهی", "Services & welfare"},
}

// template is a kind of project: its category, title patterns (%s is the
// place), gender marker, women's share of beneficiaries and relative cost.
type template struct {
	category string
	fa, en   string
	marker   int8
	women    float64
	cost     float64 // in billion rial, median
	appealF  float64 // relative appeal to women and men voters
	appealM  float64
}

var templates = []template{
	{"social", "کارگاه مهارت‌آموزی زنان سرپرست خانوار %s", "Skills workshop for women heads of household, %s", 2, 0.95, 4, 1.6, 0.5},
	{"social", "کتابخانه و فضای مطالعه نوجوانان %s", "Teen library and study space, %s", 1, 0.55, 6, 1.2, 0.9},
	{"social", "مهدکودک محله‌ای %s", "Neighbourhood day-care centre, %s", 2, 0.80, 9, 1.7, 0.6},
	{"health", "خانه سلامت محله %s", "Neighbourhood health house, %s", 1, 0.60, 12, 1.4, 0.9},
	{"health", "ایستگاه پایش سلامت بانوان %s", "Women's health screening post, %s", 2, 1.00, 5, 1.5, 0.4},
	{"health", "کاشت درخت و بازسازی فضای سبز %s", "Tree planting and green-space renewal, %s", 0, 0.50, 8, 1.0, 1.0},
	{"culture", "بازسازی فرهنگسرای %s", "Renovation of the cultural centre, %s", 0, 0.50, 15, 0.9, 1.0},
	{"culture", "برگزاری جشنواره فرهنگی محله %s", "Neighbourhood cultural festival, %s", 0, 0.50, 3, 1.0, 0.9},
	{"safety", "روشنایی معابر و پیاده‌روهای %s", "Street and pavement lighting, %s", 1, 0.60, 10, 1.5, 1.0},
	{"safety", "ایستگاه مدیریت بحران %s", "Crisis management post, %s", 0, 0.50, 18, 0.8, 1.2},
	{"sport", "بوستان بانوان %s", "Women's park, %s", 2, 1.00, 20, 1.5, 0.3},
	{"sport", "زمین ورزشی چندمنظوره %s", "Multi-purpose sports field, %s", 0, 0.30, 14, 0.6, 1.6},
	{"sport", "زمین بازی کودکان %s", "Children's playground, %s", 1, 0.55, 6, 1.3, 1.0},
	{"services", "مناسب‌سازی معابر برای معلولان و سالمندان %s", "Accessible streets for disabled and elderly people, %s", 1, 0.55, 11, 1.1, 1.0},
	{"services", "ساماندهی ایستگاه‌های اتوبوس %s", "Upgrading bus stops, %s", 1, 0.58, 7, 1.2, 1.1},
	{"services", "جمع‌آوری و تفکیک پسماند %s", "Waste collection and sorting, %s", 0, 0.50, 9, 0.9, 1.0},
}

// budgetItems are the line items of a project's budget table.
var budgetItems = [][2]string{
	{"مصالح و تجهیزات", "Materials and equipment"},
	{"دستمزد و اجرا", "Labour and works"},
	{"طراحی و نظارت", "Design and supervision"},
	{"آموزش و اطلاع‌رسانی", "Training and outreach"},
	{"نگهداری سال اول", "First-year maintenance"},
}
