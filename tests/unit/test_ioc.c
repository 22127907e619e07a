/*
 * test_ioc.c — the indicator database of intel/ioc.c and its feed
 * readers: value normalisation (domains, URLs, addresses, digests),
 * validity windows, STIX patterns (disjunctions, unsupported operators,
 * syntax errors), TLP from markings and tags, MISP composite types and
 * to_ids, CSV quoting and bad rows, and a 100,000-indicator load.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "intel/ioc.h"

static char dir[] = "/tmp/vigil-test-ioc-XXXXXX";

static const char *file_with(const char *name, const char *text)
{
	static char path[4][512];
	static int k;
	char *p = path[k++ % 4];
	snprintf(p, 512, "%s/%s", dir, name);
	FILE *f = fopen(p, "w");
	fputs(text, f);
	fclose(f);
	return p;
}

static int setup(void **state)
{
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[600];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static bool has(const struct ioc_db *db, enum ioc_type t, const void *v, size_t n, int64_t now,
		struct ioc_hit *h)
{
	struct ioc_hit local;
	return ioc_db_lookup(db, t, v, n, now, h ? h : &local);
}

static bool has_str(const struct ioc_db *db, enum ioc_type t, const char *s, int64_t now)
{
	return has(db, t, s, strlen(s), now, NULL);
}

static void test_values(void **state)
{
	struct ioc_db *db = ioc_db_new();
	struct ioc_feed_opts o = {.path = "x", .tlp = TLP_UNKNOWN};
	struct ioc_prov p = {.feed = ioc_db_feed(db, &o, "pub"), .tlp = TLP_UNKNOWN, .confidence = -1};
	assert_true(ioc_db_add(db, IOC_DOMAIN, "Evil.Example.", &p));
	assert_true(ioc_db_add(db, IOC_URL, "HTTPS://Bad.Example:443/a/b?x=1#frag", &p));
	assert_true(ioc_db_add(db, IOC_URL, "http://user@bad.example:8080/p", &p));
	assert_true(ioc_db_add(db, IOC_IPV4, "198.51.100.7", &p));
	assert_true(ioc_db_add(db, IOC_IPV6, "2001:db8::7", &p));
	assert_true(ioc_db_add(db, IOC_SHA1, "da39a3ee5e6b4b0d3255bfef95601890afd80709", &p));
	assert_false(ioc_db_add(db, IOC_IPV4, "198.51.100.300", &p));
	assert_false(ioc_db_add(db, IOC_MD5, "abc", &p));
	assert_false(ioc_db_add(db, IOC_SHA256, "g000000000000000000000000000000000000000000000000000000000000000", &p));
	assert_false(ioc_db_add(db, IOC_DOMAIN, "bad domain", &p));
	assert_int_equal(ioc_db_count(db), 6);
	/* domains: case-insensitive, trailing dot ignored */
	assert_true(has_str(db, IOC_DOMAIN, "EVIL.example", 0));
	assert_true(has_str(db, IOC_DOMAIN, "evil.example.", 0));
	assert_false(has_str(db, IOC_DOMAIN, "www.evil.example", 0)); /* parents: kw-intel's job */
	/* URLs: no scheme, default port and fragment dropped, user info dropped */
	assert_true(has_str(db, IOC_URL, "bad.example/a/b?x=1", 0));
	assert_true(has_str(db, IOC_URL, "bad.example:8080/p", 0));
	const uint8_t v4[4] = {198, 51, 100, 7};
	struct ioc_hit h;
	assert_true(has(db, IOC_IPV4, v4, 4, 0, &h));
	assert_string_equal(h.value, "198.51.100.7");
	assert_string_equal(h.publisher, "pub");
	assert_string_equal(h.feed, "x");
	assert_false(has(db, IOC_IPV6, v4, 4, 0, NULL));
	ioc_db_free(db);
	assert_int_equal(ioc_tlp_parse("TLP:AMBER+STRICT"), TLP_AMBER_STRICT);
	assert_int_equal(ioc_tlp_parse("white"), TLP_CLEAR);
	assert_int_equal(ioc_tlp_parse("tlp:purple"), TLP_UNKNOWN);
	int64_t t;
	assert_true(ioc_parse_time("2015-06-01T00:00:00.123Z", &t));
	assert_int_equal(t, 1433116800);
	assert_true(ioc_parse_time("2015-06-01", &t));
	assert_false(ioc_parse_time("June 1st", &t));
}

static void test_validity(void **state)
{
	struct ioc_db *db = ioc_db_new();
	struct ioc_feed_opts o = {.path = "f", .tlp = TLP_GREEN};
	uint32_t feed = ioc_db_feed(db, &o, NULL);
	struct ioc_prov old = {.feed = feed, .source_id = "old", .tlp = TLP_UNKNOWN,
			       .valid_from = 1000, .valid_until = 2000};
	struct ioc_prov now = {.feed = feed, .source_id = "new", .tlp = TLP_RED, .valid_from = 3000};
	assert_true(ioc_db_add(db, IOC_DOMAIN, "x.example", &old));
	assert_true(ioc_db_add(db, IOC_DOMAIN, "x.example", &now));
	struct ioc_hit h;
	assert_false(has(db, IOC_DOMAIN, "x.example", 9, 500, &h)); /* before both */
	assert_true(has(db, IOC_DOMAIN, "x.example", 9, 1500, &h));
	assert_string_equal(h.source_id, "old");
	assert_int_equal(h.tlp, TLP_GREEN); /* the feed's TLP when the entry has none */
	assert_false(has(db, IOC_DOMAIN, "x.example", 9, 2500, &h)); /* expired, next not yet */
	assert_true(has(db, IOC_DOMAIN, "x.example", 9, 3000, &h));
	assert_string_equal(h.source_id, "new");
	assert_int_equal(h.tlp, TLP_RED);
	ioc_db_free(db);
}

static char *load(struct ioc_db *db, const char *path, enum ioc_format f,
		  struct ioc_load_result *r)
{
	struct ioc_feed_opts o = {.path = path, .format = f, .tlp = TLP_UNKNOWN};
	char *buf;
	size_t len;
	FILE *log = open_memstream(&buf, &len);
	ioc_db_load(db, &o, r, log);
	fclose(log);
	return buf;
}

static void test_stix(void **state)
{
	const char *b = file_with(
	    "b.json",
	    "{\"type\":\"bundle\",\"id\":\"bundle--1\",\"objects\":["
	    "{\"type\":\"identity\",\"id\":\"identity--a\",\"name\":\"CERT-A\"},"
	    "{\"type\":\"marking-definition\",\"id\":\"marking-definition--m\","
	    "\"definition_type\":\"tlp\",\"definition\":{\"tlp\":\"red\"}},"
	    "{\"type\":\"indicator\",\"id\":\"indicator--1\",\"created_by_ref\":\"identity--a\","
	    "\"valid_from\":\"2020-01-01T00:00:00Z\",\"object_marking_refs\":[\"marking-definition--m\"],"
	    "\"pattern\":\"[ipv4-addr:value = '10.1.1.1' OR ipv6-addr:value = '2001:db8::1'] OR "
	    "[file:hashes.'SHA-256' = '" "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
	    "'] OR [url:value = 'http://a.example/x\\\\'y']\"},"
	    "{\"type\":\"indicator\",\"id\":\"indicator--2\",\"valid_from\":\"2020-01-01T00:00:00Z\","
	    "\"pattern\":\"[domain-name:value MATCHES '^x']\"},"
	    "{\"type\":\"indicator\",\"id\":\"indicator--3\",\"valid_from\":\"2020-01-01T00:00:00Z\","
	    "\"pattern\":\"[ipv4-addr:value = '10.2.2.2'] WITHIN 10 SECONDS\"},"
	    "{\"type\":\"indicator\",\"id\":\"indicator--4\",\"valid_from\":\"2020-01-01T00:00:00Z\","
	    "\"pattern\":\"ipv4-addr:value = '10.3.3.3'\"},"
	    "{\"type\":\"indicator\",\"id\":\"indicator--5\",\"pattern\":\"[ipv4-addr:value = '10.4.4.4']\"},"
	    "{\"type\":\"indicator\",\"id\":\"indicator--6\",\"valid_from\":\"2020-01-01T00:00:00Z\","
	    "\"revoked\":true,\"pattern\":\"[ipv4-addr:value = '10.5.5.5']\"},"
	    "{\"type\":\"indicator\",\"id\":\"indicator--7\",\"valid_from\":\"2020-01-01T00:00:00Z\","
	    "\"pattern_type\":\"sigma\",\"pattern\":\"x\"},"
	    "{\"id\":\"x--1\"}]}");
	struct ioc_db *db = ioc_db_new();
	struct ioc_load_result r;
	char *log = load(db, b, IOC_FMT_STIX, &r);
	assert_int_equal(r.loaded, 4);
	assert_int_equal(r.read, 8);
	assert_int_equal(r.skipped, 1);
	assert_int_equal(r.unsupported, 3); /* MATCHES, WITHIN, sigma */
	assert_int_equal(r.malformed, 3);   /* no brackets, no valid_from, no type */
	assert_non_null(strstr(log, "object indicator--4: pattern does not parse"));
	assert_non_null(strstr(log, "object indicator--5: valid_from missing"));
	assert_non_null(strstr(log, "object #9 (line 1): object without type"));
	free(log);
	struct ioc_hit h;
	const uint8_t a[4] = {10, 1, 1, 1};
	assert_true(has(db, IOC_IPV4, a, 4, 1700000000, &h));
	assert_string_equal(h.source_id, "indicator--1");
	assert_string_equal(h.publisher, "CERT-A");
	assert_int_equal(h.tlp, TLP_RED);
	assert_false(has(db, IOC_IPV4, a, 4, 1500000000, &h)); /* before valid_from */
	assert_true(has_str(db, IOC_URL, "a.example/x'y", 1700000000));
	ioc_db_free(db);
	/* the fast reader and jansson agree: nested members skipped, \u
	 * escapes (jansson's), a bundle cut short (the objects before it load) */
	db = ioc_db_new();
	const char *cut = file_with(
	    "cut.json",
	    "{\"objects\": [ {\"type\": \"indicator\", \"id\": \"indicator--a\", "
	    "\"external_references\": [{\"source_name\": \"x\", \"n\": [1, {\"a\": \"]}\"}]}], "
	    "\"valid_from\": \"2020-01-01T00:00:00Z\", \"revoked\": false, \"confidence\": 7, "
	    "\"pattern\": \"[domain-name:value = 'fast.example']\"},\n"
	    "{\"type\": \"indicator\", \"id\": \"indicator--b\", \"valid_from\": \"2020-01-01\", "
	    "\"pattern\": \"[domain-name:value = '\\u0073low.example']\"},\n"
	    "{\"type\": \"indicator\", \"id\": \"indicator--c\", \"pattern\": \"[");
	log = load(db, cut, IOC_FMT_STIX, &r);
	assert_int_equal(r.loaded, 2);
	assert_int_equal(r.malformed, 1);
	assert_non_null(strstr(log, "cut.json:3: not JSON"));
	free(log);
	assert_true(has(db, IOC_DOMAIN, "fast.example", 12, 1700000000, &h));
	assert_int_equal(h.confidence, 7);
	assert_true(has_str(db, IOC_DOMAIN, "slow.example", 1700000000));
	ioc_db_free(db);
	/* not JSON at all: an error, counted */
	db = ioc_db_new();
	const char *bad = file_with("bad.json", "{\"type\": \"bundle\",\n\"objects\": [");
	struct ioc_feed_opts o = {.path = bad, .format = IOC_FMT_STIX};
	assert_int_equal(ioc_db_load(db, &o, &r, NULL), -1);
	assert_int_equal(r.malformed, 1);
	ioc_db_free(db);
}

static void test_misp(void **state)
{
	const char *e = file_with(
	    "e.json",
	    "{\"response\":[{\"Event\":{\"uuid\":\"ev-1\",\"Orgc\":{\"name\":\"ORG\"},"
	    "\"Tag\":[{\"name\":\"tlp:amber\"},{\"name\":\"other\"}],\"Attribute\":["
	    "{\"uuid\":\"a1\",\"type\":\"domain|ip\",\"value\":\"d.example|10.9.9.9\",\"to_ids\":true},"
	    "{\"uuid\":\"a2\",\"type\":\"filename|md5\",\"value\":\"x.exe|d41d8cd98f00b204e9800998ecf8427e\","
	    "\"to_ids\":\"1\",\"Tag\":[{\"name\":\"tlp:clear\"}]},"
	    "{\"uuid\":\"a3\",\"type\":\"ip-dst|port\",\"value\":\"10.8.8.8|443\",\"to_ids\":true},"
	    "{\"uuid\":\"a4\",\"type\":\"hostname\",\"value\":\"h.example\",\"to_ids\":false},"
	    "{\"uuid\":\"a5\",\"type\":\"xmr\",\"value\":\"4abc\",\"to_ids\":true},"
	    "{\"uuid\":\"a6\",\"type\":\"ip-src\",\"value\":\"not-an-ip\",\"to_ids\":true},"
	    "{\"type\":\"url\",\"to_ids\":true}]}}]}");
	struct ioc_db *db = ioc_db_new();
	struct ioc_load_result r;
	char *log = load(db, e, IOC_FMT_MISP, &r);
	assert_int_equal(r.read, 7);
	assert_int_equal(r.loaded, 4);
	assert_int_equal(r.skipped, 1);
	assert_int_equal(r.unsupported, 1);
	assert_int_equal(r.malformed, 2);
	assert_non_null(strstr(log, "attribute a6: 'not-an-ip' is not a ipv4-addr"));
	assert_non_null(strstr(log, "attribute ev-1#6: attribute without type or value"));
	free(log);
	struct ioc_hit h;
	assert_true(has(db, IOC_DOMAIN, "d.example", 9, 0, &h));
	assert_string_equal(h.source_id, "a1");
	assert_string_equal(h.publisher, "ORG");
	assert_int_equal(h.tlp, TLP_AMBER);
	const uint8_t md5[16] = {0xd4, 0x1d, 0x8c, 0xd9, 0x8f, 0x00, 0xb2, 0x04,
				 0xe9, 0x80, 0x09, 0x98, 0xec, 0xf8, 0x42, 0x7e};
	assert_true(has(db, IOC_MD5, md5, 16, 0, &h));
	assert_int_equal(h.tlp, TLP_CLEAR); /* the attribute's tag wins */
	const uint8_t ip[4] = {10, 8, 8, 8};
	assert_true(has(db, IOC_IPV4, ip, 4, 0, NULL));
	assert_false(has_str(db, IOC_DOMAIN, "h.example", 0));
	ioc_db_free(db);
}

static void test_csv(void **state)
{
	const char *c = file_with("f.csv", "# comment\n"
					   "indicator_type,indicator,tlp,valid_from,valid_until\n"
					   "url,\"http://q.example/a,b\",green,,\n"
					   "ipv6,2001:db8::9,,2020-01-01,2019-01-01\n"
					   "ip,\"10.0.0.1,x\n"
					   "hostname,H.Example,red,,\n");
	struct ioc_db *db = ioc_db_new();
	struct ioc_load_result r;
	char *log = load(db, c, IOC_FMT_CSV, &r);
	assert_int_equal(r.loaded, 2);
	assert_int_equal(r.malformed, 2);
	assert_non_null(strstr(log, "line 4: valid_until is not after valid_from"));
	assert_non_null(strstr(log, "line 5: 0 fields where the header has 5 (bad quoting)"));
	free(log);
	assert_true(has_str(db, IOC_URL, "q.example/a,b", 0));
	assert_true(has_str(db, IOC_DOMAIN, "h.example", 0));
	ioc_db_free(db);
	/* no type/value header: the feed is refused */
	db = ioc_db_new();
	const char *h = file_with("h.csv", "a,b\n1,2\n");
	struct ioc_feed_opts o = {.path = h, .format = IOC_FMT_CSV};
	assert_int_equal(ioc_db_load(db, &o, &r, NULL), -1);
	ioc_db_free(db);
	assert_int_equal(ioc_format_guess(c), IOC_FMT_CSV);
}

/* 100,000 indicators: all found, a value not loaded is not. */
static void test_many(void **state)
{
	char path[600];
	snprintf(path, sizeof(path), "%s/many.csv", dir);
	FILE *f = fopen(path, "w");
	fputs("type,value\n", f);
	for (int i = 0; i < 50000; i++)
		fprintf(f, "ip,10.%d.%d.%d\ndomain,host%d.example\n", i >> 16, (i >> 8) & 255,
			i & 255, i);
	fclose(f);
	struct ioc_db *db = ioc_db_new();
	struct ioc_load_result r;
	struct ioc_feed_opts o = {.path = path, .format = IOC_FMT_CSV};
	assert_int_equal(ioc_db_load(db, &o, &r, NULL), 0);
	assert_int_equal(r.loaded, 100000);
	assert_int_equal(ioc_db_count(db), 100000);
	for (int i = 0; i < 50000; i += 7) {
		uint8_t a[4] = {10, (uint8_t)(i >> 16), (uint8_t)(i >> 8), (uint8_t)i};
		char d[32];
		snprintf(d, sizeof(d), "host%d.example", i);
		assert_true(has(db, IOC_IPV4, a, 4, 0, NULL));
		assert_true(has_str(db, IOC_DOMAIN, d, 0));
	}
	assert_false(has_str(db, IOC_DOMAIN, "host50000.example", 0));
	assert_true(ioc_db_memuse(db) < 100000u * 200);
	ioc_db_free(db);
}

static void test_enrich(void **state)
{
	char out[32];
	assert_true(ioc_cve_normalise("CVE_2021_44228", out, sizeof(out)));
	assert_string_equal(out, "CVE-2021-44228");
	assert_true(ioc_cve_normalise("2019-0708", out, sizeof(out)));
	assert_string_equal(out, "CVE-2019-0708");
	assert_false(ioc_cve_normalise("2019-07", out, sizeof(out)));
	assert_false(ioc_cve_normalise("MS17-010", out, sizeof(out)));
	struct ioc_db *db = ioc_db_new();
	const char *cves[] = {"CVE-2021-44228", "CVE-2000-0001"}, *techs[] = {"T0803", "T9999"};
	/* no catalogue: nothing to say */
	assert_false(ioc_db_has_enrichment(db));
	assert_null(ioc_enrich_json(db, cves, 2, techs, 2));
	const char *kev = file_with(
	    "kev.json", "{\"catalogVersion\": \"x\", \"vulnerabilities\": [{\"cveID\": "
			"\"CVE-2021-44228\", \"dateAdded\": \"2021-12-10\", "
			"\"knownRansomwareCampaignUse\": \"Known\", \"vendorProject\": \"Apache\"}, "
			"{\"nocve\": 1}]}");
	assert_int_equal(ioc_db_load_kev(db, kev, NULL), 0);
	char *j = ioc_enrich_json(db, cves, 2, techs, 0);
	assert_string_equal(j, "{\"cve\":[{\"id\":\"CVE-2021-44228\",\"known_exploited\":true,"
			       "\"kev_date_added\":\"2021-12-10\",\"kev_ransomware_use\":\"Known\","
			       "\"vendor\":\"Apache\"},{\"id\":\"CVE-2000-0001\",\"known_exploited\":false}]}");
	free(j);
	const char *att = file_with(
	    "att.json", "{\"type\": \"bundle\", \"objects\": [{\"type\": \"attack-pattern\", "
			"\"name\": \"Block Command Message\", \"external_references\": [{\"source_name\": "
			"\"mitre-attack\", \"external_id\": \"T0803\"}], \"kill_chain_phases\": "
			"[{\"phase_name\": \"inhibit-response-function\"}]}]}");
	assert_int_equal(ioc_db_load_attack(db, att, NULL), 0);
	j = ioc_enrich_json(db, cves, 0, techs, 2);
	assert_string_equal(j, "{\"attack\":[{\"technique_id\":\"T0803\",\"name\":\"Block Command "
			       "Message\",\"tactics\":[\"inhibit-response-function\"]},"
			       "{\"technique_id\":\"T9999\"}]}");
	free(j);
	assert_int_equal(ioc_db_load_kev(db, att, NULL), -1); /* not a catalogue */
	ioc_db_free(db);
}

/* intel.memcap: values beyond it are refused and counted, the rest loads */
static void test_memcap(void **state)
{
	char path[600];
	snprintf(path, sizeof(path), "%s/cap.csv", dir);
	FILE *f = fopen(path, "w");
	fputs("type,value\n", f);
	for (int i = 0; i < 100000; i++)
		fprintf(f, "domain,a-rather-long-host-name-%d.example\n", i);
	fclose(f);
	struct ioc_db *db = ioc_db_new();
	uint64_t before = ioc_db_memuse(db);
	ioc_db_set_memcap(db, before + (2u << 20));
	struct ioc_load_result r;
	struct ioc_feed_opts o = {.path = path, .format = IOC_FMT_CSV};
	assert_int_equal(ioc_db_load(db, &o, &r, NULL), 0);
	assert_true(r.loaded > 0 && r.over_memcap > 0);
	assert_int_equal(r.loaded + r.over_memcap, 100000);
	assert_int_equal(r.malformed, 0);
	assert_true(ioc_db_memuse(db) <= before + (3u << 20)); /* one arena chunk of slack */
	assert_true(has_str(db, IOC_DOMAIN, "a-rather-long-host-name-0.example", 0));
	ioc_db_free(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_values), cmocka_unit_test(test_validity),
	    cmocka_unit_test(test_stix),   cmocka_unit_test(test_misp),
	    cmocka_unit_test(test_csv),	   cmocka_unit_test(test_many),
	    cmocka_unit_test(test_enrich),  cmocka_unit_test(test_memcap),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
