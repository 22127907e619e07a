/*
 * test_dataset.c — datasets (detect/dataset.c), the dataset / datarep
 * keywords (kw-dataset.c), IP reputation and iprep (iprep.c, kw-iprep.c):
 * value forms, set/unset semantics, memcap, load of csv and JSON files
 * with malformed lines, save round-trip, file policy, context on alerts,
 * longest-prefix reputation.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "detect/dataset.h"
#include "detect/iprep.h"
#include "test_detect_helpers.h"
#include "util/config.h"

static char dir[] = "/tmp/vigil-test-dataset-XXXXXX";

static const char *file_with(const char *name, const char *text)
{
	static char path[8][512];
	static int k;
	char *p = path[k++ % 8];
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

static void test_values(void **state)
{
	uint8_t b[32], *heap;
	uint32_t len;
	assert_true(dataset_parse_value(DS_STRING, "Y3VybC83LjQzLjA=", false, b, &len, &heap));
	assert_int_equal(len, 11);
	assert_memory_equal(heap, "curl/7.43.0", 11);
	free(heap);
	assert_false(dataset_parse_value(DS_STRING, "not base64!", false, b, &len, &heap));
	free(heap);
	assert_true(
	    dataset_parse_value(DS_MD5, "b65d49730d16e5a8a7b2ab95350848b8", false, b, &len, &heap));
	assert_int_equal(len, 16);
	assert_int_equal(b[0], 0xb6);
	assert_false(dataset_parse_value(DS_MD5, "b65d49730d16e5a8", false, b, &len, &heap));
	assert_false(
	    dataset_parse_value(DS_MD5, "z65d49730d16e5a8a7b2ab95350848b8", false, b, &len, &heap));
	assert_true(dataset_parse_value(DS_IPV4, "10.1.2.3", false, b, &len, &heap));
	assert_int_equal(len, 4);
	assert_false(dataset_parse_value(DS_IPV4, "::1", false, b, &len, &heap));
	/* type ip: IPv4 is kept as ::ffff:a.b.c.d */
	assert_true(dataset_parse_value(DS_IP, "10.1.2.3", false, b, &len, &heap));
	assert_int_equal(len, 16);
	assert_int_equal(b[10], 0xff);
	assert_int_equal(b[12], 10);
}

static struct dataset_registry *registry(const char *yaml)
{
	struct config_node *c = config_new();
	char err[256];
	if (yaml)
		assert_true(config_load_string(c, yaml, err, sizeof(err)));
	struct dataset_registry *reg = dataset_registry_new(c, dir, NULL);
	config_free(c);
	return reg;
}

static void test_set_ops(void **state)
{
	struct dataset_registry *reg = registry(NULL);
	char err[256];
	struct dataset *ds = dataset_get(reg, "s", DS_STRING, 0, 16, err, sizeof(err));
	assert_non_null(ds);
	/* the name is taken by another type */
	assert_null(dataset_get(reg, "s", DS_MD5, 0, 0, err, sizeof(err)));
	assert_int_equal(dataset_add(ds, (const uint8_t *)"abc", 3), 1);
	assert_int_equal(dataset_add(ds, (const uint8_t *)"abc", 3), 0);
	assert_true(dataset_lookup(ds, (const uint8_t *)"abc", 3, NULL));
	assert_false(dataset_lookup(ds, (const uint8_t *)"abd", 3, NULL));
	assert_false(dataset_lookup(ds, (const uint8_t *)"ab", 2, NULL));
	/* many values: the table grows and keeps them all */
	for (int i = 0; i < 5000; i++) {
		char v[32];
		int n = snprintf(v, sizeof(v), "value-%d", i);
		assert_int_equal(dataset_add(ds, (const uint8_t *)v, (uint32_t)n), 1);
	}
	assert_int_equal(dataset_count(ds), 5001);
	assert_true(dataset_lookup(ds, (const uint8_t *)"value-4999", 10, NULL));
	assert_int_equal(dataset_remove(ds, (const uint8_t *)"abc", 3), 1);
	assert_int_equal(dataset_remove(ds, (const uint8_t *)"abc", 3), 0);
	assert_false(dataset_lookup(ds, (const uint8_t *)"abc", 3, NULL));
	/* ip: a 4-byte buffer finds a ::ffff: mapped value, and the reverse */
	struct dataset *ip = dataset_get(reg, "ip", DS_IP, 0, 0, err, sizeof(err));
	const uint8_t v4[4] = {82, 165, 177, 154};
	assert_int_equal(dataset_add(ip, v4, 4), 1);
	uint8_t mapped[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 82, 165, 177, 154};
	assert_true(dataset_lookup(ip, mapped, 16, NULL));
	assert_false(dataset_lookup(ip, v4, 3, NULL));
	/* memcap: values beyond it are refused and counted */
	struct dataset *small = dataset_get(reg, "small", DS_MD5, 2048, 16, err, sizeof(err));
	uint8_t h[16] = {0};
	int added = 0;
	for (int i = 0; i < 200; i++) {
		h[0] = (uint8_t)i;
		if (dataset_add(small, h, 16) == 1)
			added++;
	}
	assert_true(added > 0 && added < 200);
	assert_int_equal(dataset_memcap_refused(small), (uint64_t)(200 - added));
	assert_true(dataset_memuse(small) <= 2048);
	dataset_registry_free(reg, false, NULL);
}

static void test_load_save(void **state)
{
	struct dataset_registry *reg = registry(NULL);
	char err[256];
	const char *csv = file_with("ua.csv", "Y3VybC83LjQzLjA=\n\n!!bad!!\nZm9v\n");
	struct dataset *ds = dataset_get(reg, "ua", DS_STRING, 0, 0, err, sizeof(err));
	struct dataset_load_opts o = {.format = DS_FMT_CSV};
	char *buf;
	size_t len;
	FILE *log = open_memstream(&buf, &len);
	assert_int_equal(dataset_load(ds, csv, &o, log), 0);
	fclose(log);
	/* the bad line is named by file and line, the rest loads */
	assert_non_null(strstr(buf, "ua.csv:3:"));
	free(buf);
	assert_int_equal(dataset_count(ds), 2);
	assert_true(dataset_lookup(ds, (const uint8_t *)"foo", 3, NULL));
	/* missing file: an error */
	assert_int_equal(dataset_load(ds, "/nonexistent/x.csv", &o, NULL), -1);
	/* save and load again: the same values */
	char out[600];
	snprintf(out, sizeof(out), "%s/saved.csv", dir);
	assert_int_equal(dataset_save(ds, out), 0);
	struct dataset *again = dataset_get(reg, "ua2", DS_STRING, 0, 0, err, sizeof(err));
	assert_int_equal(dataset_load(again, out, &o, NULL), 0);
	assert_int_equal(dataset_count(again), 2);
	assert_true(dataset_lookup(again, (const uint8_t *)"curl/7.43.0", 11, NULL));
	/* sha256: 32 bytes each (a 16-byte scratch overflowed here once) */
	const char *sha = file_with(
	    "sha.csv", "e0ca4ff795b3f32d45260678e4ab79884793c05a149f2b350d10274451dc210a\n");
	struct dataset *sd = dataset_get(reg, "sha", DS_SHA256, 0, 0, err, sizeof(err));
	assert_int_equal(dataset_load(sd, sha, &o, NULL), 0);
	uint8_t d[32], *hp;
	uint32_t dl;
	assert_true(dataset_parse_value(DS_SHA256,
					"e0ca4ff795b3f32d45260678e4ab79884793c05a149f2b350d10274451dc210a",
					false, d, &dl, &hp));
	assert_int_equal(dl, 32);
	assert_true(dataset_lookup(sd, d, 32, NULL));
	/* datarep: value,reputation */
	const char *rep = file_with("rep.csv", "Zm9v,200\nYmFy,x\n");
	struct dataset *r = dataset_get(reg, "rep", DS_STRING, 0, 0, err, sizeof(err));
	struct dataset_load_opts ro = {.format = DS_FMT_CSV, .rep = true};
	dataset_load(r, rep, &ro, NULL);
	struct dataset_hit hit;
	assert_true(dataset_lookup(r, (const uint8_t *)"foo", 3, &hit));
	assert_true(hit.has_rep);
	assert_int_equal(hit.rep, 200);
	assert_false(dataset_lookup(r, (const uint8_t *)"bar", 3, NULL));
	dataset_registry_free(reg, false, NULL);
}

static void test_load_json(void **state)
{
	struct dataset_registry *reg = registry(NULL);
	char err[256];
	const char *js = file_with(
	    "h.json", "{\"info\": {\"threat\": [{\"year\": 2005, \"host\": {\"fqdn\": \"a.example\"}},"
		      " {\"year\": 2006}, {\"host\": {\"fqdn\": \"b.example\"}, \"n\": 1}]}}");
	struct dataset *ds = dataset_get(reg, "h", DS_STRING, 0, 0, err, sizeof(err));
	struct dataset_load_opts o = {
	    .format = DS_FMT_JSON, .value_key = "host.fqdn", .array_key = "info.threat"};
	assert_int_equal(dataset_load(ds, js, &o, NULL), 0);
	assert_int_equal(dataset_count(ds), 2);
	struct dataset_hit hit;
	assert_true(dataset_lookup(ds, (const uint8_t *)"a.example", 9, &hit));
	assert_non_null(strstr(hit.json, "\"year\":2005"));
	/* jsonline with remove_key: the value key leaves the attached JSON */
	const char *jl = file_with("l.json", "{\"ip\": \"10.0.0.1\", \"tag\": \"x\"}\nnot json\n");
	struct dataset *ip = dataset_get(reg, "ipl", DS_IP, 0, 0, err, sizeof(err));
	struct dataset_load_opts lo = {
	    .format = DS_FMT_JSONLINE, .value_key = "ip", .remove_key = true};
	char *buf;
	size_t len;
	FILE *log = open_memstream(&buf, &len);
	dataset_load(ip, jl, &lo, log);
	fclose(log);
	assert_non_null(strstr(buf, "l.json:2:"));
	free(buf);
	const uint8_t a[4] = {10, 0, 0, 1};
	assert_true(dataset_lookup(ip, a, 4, &hit));
	assert_string_equal(hit.json, "{\"tag\":\"x\"}");
	/* no element has the key: an error, as in Suricata */
	struct dataset *none = dataset_get(reg, "none", DS_STRING, 0, 0, err, sizeof(err));
	struct dataset_load_opts no = {.format = DS_FMT_JSON, .value_key = "nokey"};
	assert_int_equal(dataset_load(none, js, &no, NULL), -1);
	dataset_registry_free(reg, false, NULL);
}

/* Runs rules over a TCP packet with payload; alerts' sids in sids. */
static unsigned run_rules(const char *rules, const char *yaml, struct packet *p, uint32_t *sids,
			  struct alert *first)
{
	struct config_node *c = config_new();
	char err[256];
	if (yaml)
		assert_true(config_load_string(c, yaml, err, sizeof(err)));
	struct detect_config cfg = {.no_cache = true, .config = c, .data_dir = dir};
	struct detect_load_stats st;
	struct detect_engine *de = th_engine_with(rules, &cfg, &st);
	assert_non_null(de);
	assert_int_equal(st.failed + st.skipped, 0);
	struct detect_thread *dt = detect_thread_new(de);
	struct alert_queue q;
	unsigned total = 0;
	for (int round = 0; round < 2; round++) { /* the packet twice */
		detect_packet(dt, p, &q);
		for (unsigned i = 0; i < q.count; i++)
			sids[total++] = q.alerts[i].sid;
		if (round == 0 && first && q.count)
			*first = q.alerts[0];
	}
	/* context strings point into the engine: copy what the test reads */
	static char ctxjson[512], ctxkey[64];
	if (first && first->context_count) {
		snprintf(ctxjson, sizeof(ctxjson), "%s", first->context[0].json);
		snprintf(ctxkey, sizeof(ctxkey), "%s", first->context[0].key);
		first->context[0].json = ctxjson;
		first->context[0].key = ctxkey;
	}
	detect_thread_free(dt);
	detect_engine_free(de);
	config_free(c);
	return total;
}

static unsigned count_sid(const uint32_t *sids, unsigned n, uint32_t sid)
{
	unsigned k = 0;
	for (unsigned i = 0; i < n; i++)
		k += sids[i] == sid;
	return k;
}

static void test_keywords(void **state)
{
	const char *lst = file_with("ua.lst", "Zm9v\n"); /* foo */
	const char *rep = file_with("ua.rep", "Zm9v,150\n");
	const char *js = file_with("src.json", "[{\"ip\": \"192.168.1.1\", \"why\": \"test\"}]");
	char rules[4096];
	snprintf(rules, sizeof(rules),
		 "alert tcp any any -> any any (content:\"foo\"; dataset:isset,ua,type string,load "
		 "%s; sid:1;)\n"
		 "alert tcp any any -> any any (dataset:isnotset,ua,type string,load %s; sid:2;)\n"
		 "alert tcp any any -> any any (dataset:set,seen,type string; sid:3;)\n"
		 "alert tcp any any -> any any (datarep:ua-rep,>,100,load %s,type string; sid:4;)\n"
		 "alert tcp any any -> any any (datarep:ua-rep,>,200,load %s,type string; sid:5;)\n"
		 "alert tcp any any -> any any (ip.src; dataset:isset,src,type ip,load %s,format "
		 "json,context_key bad_src,value_key ip; sid:6;)\n"
		 "alert tcp any any -> any any (ip.dst; dataset:isset,dsts,type ipv4,load %s,format "
		 "json,value_key ip; sid:7;)\n"
		 "alert tcp any any -> any any (ip.src; to_md5; dataset:isset,md,type md5; sid:8;)\n",
		 lst, lst, rep, rep, js, js);
	struct packet p;
	th_packet(&p, 6, 1234, 80, "foo", 3);
	uint32_t sids[64];
	struct alert first;
	memset(&first, 0, sizeof(first));
	unsigned n = run_rules(rules, "datasets:\n  md:\n    type: md5\n", &p, sids, &first);
	assert_int_equal(count_sid(sids, n, 1), 2);
	assert_int_equal(count_sid(sids, n, 2), 0);
	/* set: only when the value was new */
	assert_int_equal(count_sid(sids, n, 3), 1);
	assert_int_equal(count_sid(sids, n, 4), 2);
	assert_int_equal(count_sid(sids, n, 5), 0);
	assert_int_equal(count_sid(sids, n, 6), 2);
	assert_int_equal(count_sid(sids, n, 7), 0);
	assert_int_equal(count_sid(sids, n, 8), 0); /* the yaml set is empty */
	/* the JSON of the hit rides on the alert */
	struct packet p2;
	th_packet(&p2, 6, 1234, 80, "zzz", 3);
	snprintf(rules, sizeof(rules),
		 "alert tcp any any -> any any (ip.src; dataset:isset,src,type ip,load %s,format "
		 "json,context_key bad_src,value_key ip; sid:6;)\n",
		 js);
	n = run_rules(rules, NULL, &p2, sids, &first);
	assert_int_equal(n, 2);
	assert_int_equal(first.context_count, 1);
	assert_string_equal(first.context[0].key, "bad_src");
	assert_non_null(strstr(first.context[0].json, "\"why\":\"test\""));
}

static void test_subdomain_and_policy(void **state)
{
	const char *lst = file_with("dom.lst", "LmV2aWwuY29t\n"); /* .evil.com */
	char rules[2048];
	snprintf(rules, sizeof(rules),
		 "alert tcp any any -> any any (dataset:isset,d,type string,match "
		 "subdomain,load %s; sid:1;)\n"
		 "alert tcp any any -> any any (dataset:isset,d2,type string,load %s; "
		 "sid:2;)\n",
		 lst, lst);
	uint32_t sids[16];
	struct packet p;
	th_packet(&p, 6, 1234, 80, ".sub.mail.evil.com", 18);
	unsigned n = run_rules(rules, NULL, &p, sids, NULL);
	assert_int_equal(count_sid(sids, n, 1), 2);
	assert_int_equal(count_sid(sids, n, 2), 0);
	th_packet(&p, 6, 1234, 80, ".notevil.com", 12);
	n = run_rules(rules, NULL, &p, sids, NULL);
	assert_int_equal(n, 0);
	/* save/state names: no absolute path or ".." unless the yaml allows */
	assert_int_equal(
	    th_parse_result("alert tcp any any -> any any (dataset:set,x,type string,state "
			    "/tmp/x.lst; sid:1;)"),
	    0);
	struct config_node *c = config_new();
	char err[256];
	assert_true(config_load_string(c, "datasets:\n  rules:\n    allow-absolute-filenames: true\n",
				       err, sizeof(err)));
	struct detect_config cfg = {.no_cache = true, .config = c, .data_dir = dir};
	struct detect_load_stats st;
	char rule[700];
	snprintf(rule, sizeof(rule),
		 "alert tcp any any -> any any (dataset:set,x,type string,save %s/abs.lst; sid:1;)\n",
		 dir);
	struct detect_engine *de = th_engine_with(rule, &cfg, &st);
	assert_int_equal(st.loaded, 1);
	detect_engine_free(de); /* writes the (empty) set */
	char path[600];
	snprintf(path, sizeof(path), "%s/abs.lst", dir);
	assert_int_equal(access(path, R_OK), 0);
	cfg.config = NULL;
	de = th_engine_with("alert tcp any any -> any any (dataset:set,y,type string,save "
			    "../up.lst; sid:1;)\n",
			    &cfg, &st);
	assert_int_equal(st.loaded, 0);
	assert_int_equal(st.failed, 1);
	detect_engine_free(de);
	config_free(c);
	/* bad options fail the rule */
	assert_int_equal(th_parse_result("alert tcp any any -> any any (dataset:isset,q; sid:1;)"), 0);
}

static void test_iprep(void **state)
{
	const char *cats = file_with("cat.txt", "1,BadHosts,Known bad, hosts\n2,CnC,C2\n99,x,y\n");
	const char *rep = file_with("rep.list", "10.0.0.0/8,1,40\n10.0.0.1,1,20\n192.168.1.1,2,100\n"
						"2001:db8::/32,2,7\n1.2.3,1,5\n10.0.0.2,7,5\n");
	struct iprep *ir = iprep_new();
	char *buf;
	size_t len;
	FILE *log = open_memstream(&buf, &len);
	iprep_load_categories(ir, cats, log);
	iprep_load_file(ir, rep, log);
	fclose(log);
	assert_non_null(strstr(buf, "cat.txt:3:"));
	assert_non_null(strstr(buf, "rep.list:5:"));
	assert_non_null(strstr(buf, "rep.list:6:")); /* category not declared */
	free(buf);
	assert_int_equal(iprep_category(ir, "CnC"), 2);
	assert_int_equal(iprep_category(ir, "Nope"), 0);
	struct ip_addr a;
	th_ip4(&a, 10, 0, 0, 1);
	assert_int_equal(iprep_score(ir, &a, 1), 20); /* the host beats the /8 */
	th_ip4(&a, 10, 9, 9, 9);
	assert_int_equal(iprep_score(ir, &a, 1), 40);
	assert_int_equal(iprep_score(ir, &a, 2), 0);
	ip_addr_parse("2001:db8::5", &a);
	assert_int_equal(iprep_score(ir, &a, 2), 7);
	iprep_free(ir);

	char yaml[1024];
	snprintf(yaml, sizeof(yaml),
		 "reputation-categories-file: %s\ndefault-reputation-path: %s\nreputation-files:\n"
		 "  - rep.list\n",
		 cats, dir);
	/* th_packet: 192.168.1.1 -> 10.0.0.1 */
	const char *rules = "alert ip any any -> any any (iprep:dst,BadHosts,>,30; sid:1;)\n"
			    "alert ip any any -> any any (iprep:dst,BadHosts,>,10; sid:2;)\n"
			    "alert ip any any -> any any (iprep:src,CnC,=,100; sid:3;)\n"
			    "alert ip any any -> any any (iprep:both,CnC,isset; sid:4;)\n"
			    "alert ip any any -> any any (iprep:any,CnC,isset; sid:5;)\n"
			    "alert ip any any -> any any (iprep:dst,CnC,isnotset; sid:6;)\n"
			    "alert ip any any -> any any (iprep:src,BadHosts,<,50; sid:7;)\n";
	struct packet p;
	th_packet(&p, 6, 1, 2, "x", 1);
	uint32_t sids[32];
	unsigned n = run_rules(rules, yaml, &p, sids, NULL);
	assert_int_equal(count_sid(sids, n, 1), 0);
	assert_int_equal(count_sid(sids, n, 2), 2);
	assert_int_equal(count_sid(sids, n, 3), 2);
	assert_int_equal(count_sid(sids, n, 4), 0);
	assert_int_equal(count_sid(sids, n, 5), 2);
	assert_int_equal(count_sid(sids, n, 6), 2);
	assert_int_equal(count_sid(sids, n, 7), 0); /* no data never compares */
	/* unknown category, or no categories file: the rule fails */
	assert_int_equal(
	    th_parse_result("alert ip any any -> any any (iprep:src,BadHosts,>,1; sid:1;)"), 0);
}

/* the intel keyword: its kinds, and a sticky buffer for domain / ja3 */
static void test_intel_keyword(void **state)
{
	assert_int_equal(th_parse_result("alert ip any any -> any any (intel:ip; sid:1;)"), 1);
	assert_int_equal(th_parse_result("alert ip any any -> any any (intel:file; sid:1;)"), 1);
	assert_int_equal(
	    th_parse_result("alert dns any any -> any any (dns.query; intel:domain; sid:1;)"), 1);
	assert_int_equal(th_parse_result("alert http any any -> any any (intel:url; sid:1;)"), 1);
	assert_int_equal(th_parse_result("alert dns any any -> any any (intel:domain; sid:1;)"), 0);
	assert_int_equal(th_parse_result("alert ip any any -> any any (intel:wallet; sid:1;)"), 0);
	assert_int_equal(th_parse_result("alert ip any any -> any any (intel; sid:1;)"), 0);
	/* the internal keywords are not for rules */
	assert_int_equal(th_parse_result("alert ip any any -> any any (intel.ip; sid:1;)"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_values),
	    cmocka_unit_test(test_set_ops),
	    cmocka_unit_test(test_load_save),
	    cmocka_unit_test(test_load_json),
	    cmocka_unit_test(test_keywords),
	    cmocka_unit_test(test_subdomain_and_policy),
	    cmocka_unit_test(test_iprep),
	    cmocka_unit_test(test_intel_keyword),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
