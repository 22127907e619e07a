/*
 * locale — numbers, percentages and dates as the reader's language writes
 * them, from ICU's CLDR data (Debian's libicu), never from hand-written
 * tables or from the system's generated glibc locales: a briefing in
 * French groups thousands with a narrow no-break space and writes
 * "25 %", Spanish leaves four-digit numbers ungrouped, Arabic uses
 * Arabic-Indic digits, and so on, exactly as CLDR says, on any machine.
 *
 * The formatters are opened once per briefing (ICU objects are costly to
 * build and cheap to reuse).  A formatter that fails to open (ICU data
 * missing) falls back to a plain ASCII rendering rather than dropping the
 * figure: a number is never lost for want of its locale.
 */
#include "brief/brief-internal.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unicode/udat.h>
#include <unicode/udatpg.h>
#include <unicode/uloc.h>
#include <unicode/udata.h>
#include <unicode/ures.h>
#include <unicode/unumberformatter.h>
#include <unicode/ustring.h>

struct brief_locale {
	char tag[32];
	bool rtl;
	UNumberFormatter *count, *decimal1, *percent, *percent_signed;
	UDateFormat *date;
	UDateFormat *year, *month; /* "2023", "Jan 2023" as the language writes them */
	/* English country and region names as CLDR writes them (with its
	 * alternative forms), sorted, each with the language's own name */
	struct country_name {
		char *en, *local;
	} *country;
	size_t ncountries;
};

static UNumberFormatter *open_number(const char *tag, const UChar *skeleton)
{
	UErrorCode st = U_ZERO_ERROR;
	UNumberFormatter *f = unumf_openForSkeletonAndLocale(skeleton, -1, tag, &st);
	if (U_FAILURE(st)) {
		unumf_close(f);
		return NULL;
	}
	return f;
}

/* A date formatter for a CLDR skeleton ("y", "yMMM"): the language's own
 * pattern for those fields, from ICU's pattern generator. */
static UDateFormat *open_skeleton(const char *tag, const UChar *skeleton)
{
	UErrorCode st = U_ZERO_ERROR;
	UDateTimePatternGenerator *g = udatpg_open(tag, &st);
	UChar pattern[64];
	int32_t len = 0;
	if (U_SUCCESS(st))
		len = udatpg_getBestPattern(g, skeleton, -1, pattern, 64, &st);
	if (g)
		udatpg_close(g);
	if (U_FAILURE(st) || len >= 64)
		return NULL;
	UDateFormat *f = udat_open(UDAT_PATTERN, UDAT_PATTERN, tag, u"UTC", -1, pattern, len, &st);
	if (U_FAILURE(st)) {
		if (f)
			udat_close(f);
		return NULL;
	}
	return f;
}

/* UTF-16 to UTF-8 into out; false when it does not fit. */
static bool to_utf8(char *out, size_t n, const UChar *s, int32_t len)
{
	UErrorCode st = U_ZERO_ERROR;
	int32_t got = 0;
	u_strToUTF8(out, (int32_t)n, &got, s, len, &st);
	if (U_FAILURE(st) || st == U_STRING_NOT_TERMINATED_WARNING || (size_t)got >= n)
		return false;
	return true;
}

static int country_cmp(const void *a, const void *b)
{
	return strcmp(((const struct country_name *)a)->en, ((const struct country_name *)b)->en);
}

/* Every country and region CLDR names in English ("Germany", "Czech
 * Republic", "Eastern Europe"), read from ICU's English region table
 * with its alternative forms, each paired with its name in the
 * language.  Not built for English, whose readers get the sources'
 * own spelling. */
static void countries_add(struct brief_locale *l, UResourceBundle *en, const char *table)
{
	UErrorCode st = U_ZERO_ERROR;
	UResourceBundle *tab = ures_getByKey(en, table, NULL, &st);
	while (U_SUCCESS(st) && ures_hasNext(tab)) {
		const char *code = NULL;
		int32_t len = 0;
		const UChar *name = ures_getNextString(tab, &len, &code, &st);
		if (U_FAILURE(st) || !code)
			break;
		char locale_id[16], english[256], local[256];
		snprintf(locale_id, sizeof(locale_id), "und_%.8s", code);
		UChar buf[128];
		UErrorCode st2 = U_ZERO_ERROR;
		int32_t n = uloc_getDisplayCountry(locale_id, l->tag, buf, 128, &st2);
		if (U_FAILURE(st2) || !to_utf8(english, sizeof(english), name, len) ||
		    !to_utf8(local, sizeof(local), buf, n) || !*local)
			continue;
		l->country = realloc(l->country, (l->ncountries + 1) * sizeof(*l->country));
		if (!l->country)
			abort();
		l->country[l->ncountries].en = strdup(english);
		l->country[l->ncountries++].local = strdup(local);
	}
	ures_close(tab);
}

/* Every country and region CLDR names in English ("Germany", "Eastern
 * Europe", and the alternative forms "Czech Republic", "Hong Kong"),
 * read from ICU's English region tables, each paired with its name in
 * the language.  Not built for English, whose readers get the sources'
 * own spelling. */
static void countries_build(struct brief_locale *l)
{
	if (strncmp(l->tag, "en", 2) == 0)
		return;
	UErrorCode st = U_ZERO_ERROR;
	/* ICU's region names: the "region" tree of its data package */
	UResourceBundle *en =
	    ures_open(U_ICUDATA_NAME U_TREE_SEPARATOR_STRING "region", "en", &st);
	if (U_SUCCESS(st)) {
		countries_add(l, en, "Countries");
		countries_add(l, en, "Countries%variant");
		countries_add(l, en, "Countries%short");
	}
	ures_close(en);
	if (l->ncountries)
		qsort(l->country, l->ncountries, sizeof(*l->country), country_cmp);
}

const char *locale_country(const struct brief_locale *l, const char *english)
{
	if (!l || !l->ncountries || !english)
		return NULL;
	struct country_name k = {(char *)english, NULL};
	const struct country_name *hit =
	    bsearch(&k, l->country, l->ncountries, sizeof(*l->country), country_cmp);
	return hit ? hit->local : NULL;
}

struct brief_locale *locale_open(const char *lang)
{
	struct brief_locale *l = calloc(1, sizeof(*l));
	if (!l)
		abort();
	/* English as the United Nations writes it: day month year
	 * ("11 December 2022"), not the United States' month day, year. */
	snprintf(l->tag, sizeof(l->tag), "%s",
		 !lang || !*lang || strcmp(lang, "en") == 0 ? "en_GB" : lang);
	l->rtl = uloc_isRightToLeft(l->tag) != 0;
	l->count = open_number(l->tag, u"precision-integer");
	l->decimal1 = open_number(l->tag, u".0");
	l->percent = open_number(l->tag, u"percent precision-integer");
	l->percent_signed = open_number(l->tag, u"percent precision-integer sign-except-zero");
	UErrorCode st = U_ZERO_ERROR;
	l->date = udat_open(UDAT_NONE, UDAT_LONG, l->tag, u"UTC", -1, NULL, 0, &st);
	if (U_FAILURE(st)) {
		if (l->date)
			udat_close(l->date);
		l->date = NULL;
	}
	l->year = open_skeleton(l->tag, u"y");
	l->month = open_skeleton(l->tag, u"yMMM");
	countries_build(l);
	return l;
}

void locale_close(struct brief_locale *l)
{
	if (!l)
		return;
	unumf_close(l->count);
	unumf_close(l->decimal1);
	unumf_close(l->percent);
	unumf_close(l->percent_signed);
	if (l->date)
		udat_close(l->date);
	if (l->year)
		udat_close(l->year);
	if (l->month)
		udat_close(l->month);
	for (size_t i = 0; i < l->ncountries; i++) {
		free(l->country[i].en);
		free(l->country[i].local);
	}
	free(l->country);
	free(l);
}

bool locale_rtl(const struct brief_locale *l)
{
	return l && l->rtl;
}

const char *locale_tag(const struct brief_locale *l)
{
	return l ? l->tag : "en";
}


static bool format_number(UNumberFormatter *f, char *out, size_t n, double v)
{
	if (!f || n == 0)
		return false;
	UErrorCode st = U_ZERO_ERROR;
	UFormattedNumber *r = unumf_openResult(&st);
	UChar buf[128];
	int32_t len = 0;
	if (U_SUCCESS(st))
		unumf_formatDouble(f, v, r, &st);
	if (U_SUCCESS(st))
		len = unumf_resultToString(r, buf, (int32_t)(sizeof(buf) / sizeof(buf[0])), &st);
	bool ok = U_SUCCESS(st) && st != U_STRING_NOT_TERMINATED_WARNING &&
		  to_utf8(out, n, buf, len);
	unumf_closeResult(r);
	return ok;
}

void locale_count(const struct brief_locale *l, char *out, size_t n, int64_t v)
{
	if (!format_number(l ? l->count : NULL, out, n, (double)v))
		snprintf(out, n, "%lld", (long long)v);
}

void locale_decimal1(const struct brief_locale *l, char *out, size_t n, double v)
{
	if (!format_number(l ? l->decimal1 : NULL, out, n, v))
		snprintf(out, n, "%.1f", v);
}

void locale_percent(const struct brief_locale *l, char *out, size_t n, double pct, bool sign)
{
	UNumberFormatter *f = l ? (sign ? l->percent_signed : l->percent) : NULL;
	if (!format_number(f, out, n, pct))
		snprintf(out, n, sign ? "%+.0f%%" : "%.0f%%", pct);
}

/* "YYYY-MM-DD" as days since the epoch; false when it is not such a date. */
static bool iso_days(const char *iso, int64_t *days)
{
	int y, m, d;
	char tail;
	if (!iso || strlen(iso) != 10 || sscanf(iso, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 ||
	    m < 1 || m > 12 || d < 1 || d > 31)
		return false;
	struct tm tm = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d};
	*days = (int64_t)timegm(&tm) / 86400;
	return true;
}

void locale_date(const struct brief_locale *l, char *out, size_t n, const char *iso)
{
	int64_t days;
	if (!l || !l->date || !iso_days(iso, &days)) {
		snprintf(out, n, "%s", iso ? iso : "");
		return;
	}
	UErrorCode st = U_ZERO_ERROR;
	UChar buf[128];
	int32_t len = udat_format(l->date, (UDate)days * 86400000.0, buf,
				  (int32_t)(sizeof(buf) / sizeof(buf[0])), NULL, &st);
	if (U_FAILURE(st) || st == U_STRING_NOT_TERMINATED_WARNING || !to_utf8(out, n, buf, len))
		snprintf(out, n, "%s", iso);
}

void locale_period_label(const struct brief_locale *l, char *out, size_t n, const char *label)
{
	char iso[16];
	UDateFormat *f = NULL;
	size_t len = label ? strlen(label) : 0;
	if (l && len == 4) {
		snprintf(iso, sizeof(iso), "%s-07-01", label); /* mid-year: no edge */
		f = l->year;
	} else if (l && len == 7) {
		snprintf(iso, sizeof(iso), "%s-15", label);
		f = l->month;
	}
	int64_t days;
	UErrorCode st = U_ZERO_ERROR;
	UChar buf[64];
	int32_t ulen = 0;
	bool ok = f && iso_days(iso, &days);
	if (ok)
		ulen = udat_format(f, (UDate)days * 86400000.0, buf, 64, NULL, &st);
	if (!ok || U_FAILURE(st) || st == U_STRING_NOT_TERMINATED_WARNING ||
	    !to_utf8(out, n, buf, ulen))
		snprintf(out, n, "%s", label ? label : "");
}
