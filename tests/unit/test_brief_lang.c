/*
 * test_brief_lang — the briefing in the six UN languages: every key of the
 * English catalogue exists in every other catalogue with the same
 * {placeholders} (and no catalogue has a key English lacks); numbers,
 * percentages and dates come out as CLDR writes them in each language
 * (grouping, decimal and percent signs, digits, month names, the
 * trend's years and months, country names); a briefing
 * built in each language carries its lang attribute, dir="rtl" for
 * Arabic, the language's own digits, and no untranslated key.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* cmocka needs the headers above first */
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "brief/brief-internal.h"
#include "store/store.h"

static char tmp[256], db[320], datadir[4096];
static const char *const langs[] = {"ar", "zh", "en", "fr", "ru", "es"};
#define NLANGS (sizeof(langs) / sizeof(langs[0]))

/* Keys of the command line (cli.*, help.*, import.*, source.*): the
 * command line speaks English whatever the briefing's language, so only
 * the English catalogue needs them. */
static bool cli_key(const char *k)
{
	static const char *const p[] = {"cli.", "help.", "import.", "source."};
	for (size_t i = 0; i < sizeof(p) / sizeof(p[0]); i++)
		if (strncmp(k, p[i], strlen(p[i])) == 0)
			return true;
	return false;
}

struct cat {
	size_t n;
	char *key[1024], *text[1024];
};

static void cat_load(const char *lang, struct cat *c)
{
	char path[4200], err[512];
	snprintf(path, sizeof(path), "%s/messages/%s.yaml", datadir, lang);
	yaml_document_t doc;
	if (!yaml_load_path(path, &doc, err, sizeof(err)))
		fail_msg("%s", err);
	yaml_node_t *root = yaml_document_get_root_node(&doc);
	assert_non_null(root);
	assert_int_equal(root->type, YAML_MAPPING_NODE);
	c->n = 0;
	for (yaml_node_pair_t *p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top;
	     p++) {
		const char *k = yaml_str(yaml_document_get_node(&doc, p->key));
		const char *v = yaml_str(yaml_document_get_node(&doc, p->value));
		if (!k || !v)
			fail_msg("%s: a key or text that is not a string", path);
		assert_true(c->n < 1024);
		c->key[c->n] = strdup(k);
		c->text[c->n++] = strdup(v);
	}
	yaml_document_delete(&doc);
}

static void cat_free(struct cat *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->key[i]);
		free(c->text[i]);
	}
	c->n = 0;
}

static const char *cat_get(const struct cat *c, const char *k)
{
	for (size_t i = 0; i < c->n; i++)
		if (strcmp(c->key[i], k) == 0)
			return c->text[i];
	return NULL;
}

/* The {placeholders} of a text, sorted and joined: "{count}{from}{to}". */
static void placeholders(const char *t, char *out, size_t n)
{
	char *names[32];
	size_t k = 0;
	for (const char *o; k < 32 && (o = strchr(t, '{')); t = o + 1) {
		const char *e = strchr(o, '}');
		if (!e)
			break;
		names[k++] = strndup(o, (size_t)(e - o + 1));
	}
	for (size_t i = 1; i < k; i++)
		for (size_t j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
			char *x = names[j];
			names[j] = names[j - 1];
			names[j - 1] = x;
		}
	out[0] = '\0';
	for (size_t i = 0; i < k; i++)
		if (i == 0 || strcmp(names[i], names[i - 1]) != 0)
			strncat(out, names[i], n - strlen(out) - 1);
	for (size_t i = 0; i < k; i++)
		free(names[i]);
}

static void test_every_key_in_every_language(void **state)
{
	(void)state;
	static struct cat en, other;
	cat_load("en", &en);
	assert_true(en.n > 300);
	for (size_t l = 0; l < NLANGS; l++) {
		if (strcmp(langs[l], "en") == 0)
			continue;
		cat_load(langs[l], &other);
		size_t translated = 0, compared = 0;
		for (size_t i = 0; i < en.n; i++) {
			if (cli_key(en.key[i]))
				continue;
			const char *t = cat_get(&other, en.key[i]);
			if (!t)
				fail_msg("%s.yaml lacks %s", langs[l], en.key[i]);
			if (!*t)
				fail_msg("%s.yaml: %s is empty", langs[l], en.key[i]);
			char pe[512], pt[512];
			placeholders(en.text[i], pe, sizeof(pe));
			placeholders(t, pt, sizeof(pt));
			if (strcmp(pe, pt) != 0)
				fail_msg("%s.yaml: %s has placeholders %s, English %s", langs[l],
					 en.key[i], pt, pe);
			compared++;
			translated += strcmp(t, en.text[i]) != 0;
		}
		for (size_t i = 0; i < other.n; i++)
			if (!cat_get(&en, other.key[i]))
				fail_msg("%s.yaml has %s, which English lacks", langs[l],
					 other.key[i]);
		/* nearly every text differs from English (acronyms such as
		 * "G7", "BRICS" and French "Source" may not) */
		if (translated * 100 < compared * 90)
			fail_msg("%s.yaml: only %zu of %zu texts translated", langs[l], translated,
				 compared);
		cat_free(&other);
	}
	cat_free(&en);
}

struct expect {
	const char *lang;
	const char *n1234, *n12345, *n1234567, *d34, *pct, *pct_signed, *pct_neg, *date;
	bool rtl;
	const char *month, *year; /* trend buckets 2023-01 and 2023 */
	const char *germany, *czech; /* CLDR's names; NULL: the source's spelling */
};

/* As CLDR writes them (ICU's data): fr groups with U+202F NARROW NO-BREAK
 * SPACE and puts U+00A0 before "%"; ru groups with U+00A0; es leaves four
 * digits ungrouped (minimumGroupingDigits 2); ar uses Arabic-Indic digits,
 * U+066C / U+066B as group / decimal signs, U+066A with U+061C ARABIC
 * LETTER MARK as percent sign and U+061C before signs. */
static const struct expect expected[] = {
    {"en", "1,234", "12,345", "1,234,567", "3.4", "25%", "+25%", "-10%", "10 December 2023",
     false, "Jan 2023", "2023", NULL, NULL},
    {"fr", "1\u202f234", "12\u202f345", "1\u202f234\u202f567", "3,4", "25\u00a0%",
     "+25\u00a0%", "-10\u00a0%", "10 d\u00e9cembre 2023", false, "janv. 2023", "2023", "Allemagne",
     "Tch\u00e9quie"},
    {"ru", "1\u00a0234", "12\u00a0345", "1\u00a0234\u00a0567", "3,4", "25\u00a0%",
     "+25\u00a0%", "-10\u00a0%", "10 \u0434\u0435\u043a\u0430\u0431\u0440\u044f 2023\u202f\u0433.",
     false, "\u044f\u043d\u0432. 2023\u202f\u0433.", "2023",
     "\u0413\u0435\u0440\u043c\u0430\u043d\u0438\u044f", "\u0427\u0435\u0445\u0438\u044f"},
    {"es", "1234", "12.345", "1.234.567", "3,4", "25\u00a0%", "+25\u00a0%", "-10\u00a0%",
     "10 de diciembre de 2023", false, "ene 2023", "2023", "Alemania", "Chequia"},
    {"zh", "1,234", "12,345", "1,234,567", "3.4", "25%", "+25%", "-10%",
     "2023\u5e7412\u670810\u65e5", false, "2023\u5e741\u6708", "2023\u5e74",
     "\u5fb7\u56fd", "\u6377\u514b"},
    {"ar", "\u0661\u066c\u0662\u0663\u0664", "\u0661\u0662\u066c\u0663\u0664\u0665",
     "\u0661\u066c\u0662\u0663\u0664\u066c\u0665\u0666\u0667", "\u0663\u066b\u0664",
     "\u0662\u0665\u066a\u061c", "\u061c+\u0662\u0665\u066a\u061c",
     "\u061c-\u0661\u0660\u066a\u061c",
     "\u0661\u0660 \u062f\u064a\u0633\u0645\u0628\u0631 \u0662\u0660\u0662\u0663", true,
     "\u064a\u0646\u0627\u064a\u0631 \u0662\u0660\u0662\u0663", "\u0662\u0660\u0662\u0663",
     "\u0623\u0644\u0645\u0627\u0646\u064a\u0627", "\u0627\u0644\u062a\u0634\u064a\u0643"},
};

static void test_numbers_and_dates_per_cldr(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(expected) / sizeof(expected[0]); i++) {
		const struct expect *e = &expected[i];
		struct brief_locale *l = locale_open(e->lang);
		char b[128];
#define CHECK(expr, want)                                                                          \
	do {                                                                                       \
		expr;                                                                              \
		if (strcmp(b, want) != 0)                                                          \
			fail_msg("%s: %s gives '%s', CLDR '%s'", e->lang, #expr, b, want);         \
	} while (0)
		CHECK(locale_count(l, b, sizeof(b), 1234), e->n1234);
		CHECK(locale_count(l, b, sizeof(b), 12345), e->n12345);
		CHECK(locale_count(l, b, sizeof(b), 1234567), e->n1234567);
		CHECK(locale_decimal1(l, b, sizeof(b), 3.4), e->d34);
		CHECK(locale_percent(l, b, sizeof(b), 25, false), e->pct);
		CHECK(locale_percent(l, b, sizeof(b), 25, true), e->pct_signed);
		CHECK(locale_percent(l, b, sizeof(b), -10, true), e->pct_neg);
		CHECK(locale_date(l, b, sizeof(b), "2023-12-10"), e->date);
		/* not a date: shown as it is, never as a wrong date */
		CHECK(locale_date(l, b, sizeof(b), "2023-13-40"), "2023-13-40");
		CHECK(locale_date(l, b, sizeof(b), "undated"), "undated");
		CHECK(locale_period_label(l, b, sizeof(b), "2023-01"), e->month);
		CHECK(locale_period_label(l, b, sizeof(b), "2023"), e->year);
		CHECK(locale_period_label(l, b, sizeof(b), "2023-1x"), "2023-1x");
#undef CHECK
		assert_int_equal(locale_rtl(l), e->rtl);
		/* countries the sources name as CLDR does, in the reader's
		 * language (English keeps the source's spelling); an ISO-style
		 * name CLDR does not use stays as the source wrote it */
		const char *g = locale_country(l, "Germany"), *cz = locale_country(l, "Czech Republic");
		if (e->germany ? !g || strcmp(g, e->germany) : g != NULL)
			fail_msg("%s: Germany gives '%s', CLDR '%s'", e->lang, g ? g : "(none)",
				 e->germany ? e->germany : "(none)");
		if (e->czech ? !cz || strcmp(cz, e->czech) : cz != NULL)
			fail_msg("%s: Czech Republic gives '%s', CLDR '%s'", e->lang, cz ? cz : "(none)",
				 e->czech ? e->czech : "(none)");
		assert_null(locale_country(l, "Korea, Republic of"));
		/* a buffer too small for the text: the ASCII form, truncated,
		 * never a cut UTF-8 sequence */
		locale_count(l, b, 4, 1234567);
		assert_string_equal(b, "123");
		locale_close(l);
	}
}

static void build_store(void)
{
	char err[256];
	snprintf(db, sizeof(db), "%s/t.db", tmp);
	struct store *st = store_open(db, err, sizeof(err));
	assert_non_null(st);
	struct store_source src = {"eurepoc", "/f", "EuRepoC", "academia", "clear", "none", NULL};
	assert_true(store_begin(st));
	int64_t s = store_source_begin(st, &src);
	for (unsigned i = 0; i < 1234; i++) {
		char id[16], date[16];
		snprintf(id, sizeof(id), "%u", i);
		/* 1,234 incidents in 2022, one every few days; none in 2021 */
		snprintf(date, sizeof(date), "2022-%02u-%02u", 1 + i % 12, 1 + i % 28);
		int64_t r = store_record_put(st, s, "incident", id, date, NULL, NAN);
		assert_true(r > 0);
		store_record_attr(st, r, "incident_type", i % 2 ? "Ransomware" : "Data theft");
		store_record_attr(st, r, "receiver", "Critical infrastructure / Health");
	}
	assert_true(store_source_finish(
	    st, s, &(struct store_source_outcome){1234, 0, 0, "EuRepoC f"}));
	assert_true(store_commit(st));
	store_close(st);
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	rewind(f);
	char *s = malloc((size_t)n + 1);
	assert_int_equal(fread(s, 1, (size_t)n, f), (size_t)n);
	s[n] = '\0';
	fclose(f);
	return s;
}

static void test_briefing_in_each_language(void **state)
{
	(void)state;
	static struct cat en;
	cat_load("en", &en);
	for (size_t l = 0; l < NLANGS; l++) {
		char out[320], err[512] = "", want[64];
		snprintf(out, sizeof(out), "%s/b-%s.html", tmp, langs[l]);
		struct brief_options o = {.db = db,
					  .from = "2022-01-01",
					  .to = "2022-12-31",
					  .format = BRIEF_HTML,
					  .lang = langs[l],
					  .output = out};
		if (brief_generate(&o, err, sizeof(err)) != 0)
			fail_msg("%s: %s", langs[l], err);
		char *html = slurp(out);
		snprintf(want, sizeof(want), "<html lang=\"%s\" dir=\"%s\">", langs[l],
			 strcmp(langs[l], "ar") == 0 ? "rtl" : "ltr");
		if (!strstr(html, want))
			fail_msg("%s: no %s", langs[l], want);
		/* the JSON says the same */
		char json[320];
		snprintf(json, sizeof(json), "%s/b-%s.json", tmp, langs[l]);
		o.format = BRIEF_JSON;
		o.output = json;
		assert_int_equal(brief_generate(&o, err, sizeof(err)), 0);
		char *js = slurp(json);
		snprintf(want, sizeof(want), "\"lang\":\"%s\",\"dir\":\"%s\"", langs[l],
			 strcmp(langs[l], "ar") == 0 ? "rtl" : "ltr");
		if (!strstr(js, want))
			fail_msg("%s: JSON lacks %s", langs[l], want);
		free(js);
		/* the incident count in the language's own digits */
		const struct expect *e = NULL;
		for (size_t i = 0; i < sizeof(expected) / sizeof(expected[0]); i++)
			if (strcmp(expected[i].lang, langs[l]) == 0)
				e = &expected[i];
		assert_non_null(e);
		if (!strstr(html, e->n1234))
			fail_msg("%s: the 1,234 incidents are not written '%s'", langs[l],
				 e->n1234);
		/* no catalogue key shown in place of its text (msg() falls
		 * back to the key); keys without a dot ("yes") are words */
		for (size_t i = 0; i < en.n; i++)
			if (strchr(en.key[i], '.') && strstr(html, en.key[i]) &&
			    !cli_key(en.key[i]))
				fail_msg("%s: catalogue key %s appears in the briefing", langs[l],
					 en.key[i]);
		free(html);
	}
	cat_free(&en);
}

int main(void)
{
	char err[4096];
	unsetenv("VIGIL_DATADIR");
	if (!brief_find_datadir(datadir, sizeof(datadir), err, sizeof(err)))
		return 1;
	snprintf(tmp, sizeof(tmp), "/tmp/vigil-test-lang-XXXXXX");
	if (!mkdtemp(tmp))
		return 1;
	setenv("SOURCE_DATE_EPOCH", "1767225600", 1);
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_numbers_and_dates_per_cldr),
	    cmocka_unit_test(test_every_key_in_every_language),
	    cmocka_unit_test(test_briefing_in_each_language),
	};
	build_store();
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	char cmd[300];
	snprintf(cmd, sizeof(cmd), getenv("KEEP") ? "true %s" : "rm -rf '%s'", tmp);
	return system(cmd) == 0 ? rc : 1;
}
