/*
 * test_scenario — the scenario generator's promises, checked on every
 * scenario it knows: same seed gives the same bytes, another seed other
 * bytes; every IPv4 header, TCP, UDP, ICMP and ICMPv6 checksum verifies
 * (computed here independently of the generator); TCP never sends data out
 * of sequence or acknowledges bytes its peer has not sent; the sample
 * holds a fragment train of three or more and exactly one bad IPv4 header;
 * and the ground truth exists next to the pcap.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* cmocka.h needs the four headers above included first. */
#include <cmocka.h>

#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scenario/proto.h"
#include "scenario/scenario.h"

static char tmpdir[] = "/tmp/vigil-test-scenario-XXXXXX";

static void path_for(char *out, size_t n, const char *name, const char *tag)
{
	snprintf(out, n, "%s/%s-%s.pcap", tmpdir, name, tag);
}

static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	uint8_t *b = malloc((size_t)n + 1);
	if (b && fread(b, 1, (size_t)n, f) != (size_t)n) {
		free(b);
		b = NULL;
	}
	fclose(f);
	*len = (size_t)n;
	return b;
}

static void write_ok(const char *name, const char *path, uint64_t seed)
{
	char err[256] = "";
	int rc = scenario_write(name, path, seed, 1, err, sizeof(err));
	if (rc != 0)
		fprintf(stderr, "%s: %s\n", name, err);
	assert_int_equal(rc, 0);
}

static void test_deterministic(void **state)
{
	(void)state;
	for (size_t i = 0; i < scenario_count(); i++) {
		const char *name = scenario_name(i);
		char a[512], b[512], c[512];
		path_for(a, sizeof(a), name, "a");
		path_for(b, sizeof(b), name, "b");
		path_for(c, sizeof(c), name, "c");
		write_ok(name, a, 42);
		write_ok(name, b, 42);
		write_ok(name, c, 43);
		size_t la, lb, lc;
		uint8_t *da = slurp(a, &la), *db = slurp(b, &lb), *dc = slurp(c, &lc);
		assert_non_null(da);
		assert_non_null(db);
		assert_non_null(dc);
		assert_true(la > 24);
		assert_int_equal(la, lb);
		assert_memory_equal(da, db, la);
		assert_true(la != lc || memcmp(da, dc, la) != 0);
		free(da);
		free(db);
		free(dc);
		char truth[600];
		scenario_truth_path(a, truth, sizeof(truth));
		assert_int_equal(access(truth, R_OK), 0);
		unlink(b);
		unlink(c);
	}
}

/* ---- independent checksum and TCP bookkeeping ---- */

static uint32_t add16(const uint8_t *p, size_t n, uint32_t s)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		s += (uint32_t)p[i] << 8 | p[i + 1];
	if (n % 2)
		s += (uint32_t)p[n - 1] << 8;
	return s;
}

static int sum_ok(uint32_t s)
{
	while (s > 0xffff)
		s = (s & 0xffff) + (s >> 16);
	return s == 0xffff;
}

struct tcp_side {
	uint8_t key[37]; /* src ip(16) dst ip(16) sport(2) dport(2) v6(1) */
	uint32_t isn, next;
	int seen;
};

#define NSIDES (1u << 17)

struct check {
	struct tcp_side *sides;
	unsigned frames, v4_frags, bad_ihl, tcp_segs, udp, icmp;
	unsigned seq_errors, ack_errors, sum_errors;
};

static struct tcp_side *side_get(struct check *k, const uint8_t *key)
{
	uint32_t h = 2166136261u;
	for (int i = 0; i < 37; i++)
		h = (h ^ key[i]) * 16777619u;
	for (uint32_t i = 0; i < NSIDES; i++) {
		struct tcp_side *s = &k->sides[(h + i) & (NSIDES - 1)];
		if (!s->seen || !memcmp(s->key, key, 37)) {
			if (!s->seen)
				memcpy(s->key, key, 37);
			return s;
		}
	}
	return NULL;
}

static void make_key(uint8_t *key, const uint8_t *src, const uint8_t *dst, size_t alen,
		     const uint8_t *ports, int swap)
{
	memset(key, 0, 37);
	memcpy(key, swap ? dst : src, alen);
	memcpy(key + 16, swap ? src : dst, alen);
	key[32] = ports[swap ? 2 : 0];
	key[33] = ports[swap ? 3 : 1];
	key[34] = ports[swap ? 0 : 2];
	key[35] = ports[swap ? 1 : 3];
	key[36] = (uint8_t)alen;
}

static void check_tcp(struct check *k, const uint8_t *src, const uint8_t *dst, size_t alen,
		      const uint8_t *t, size_t len)
{
	k->tcp_segs++;
	size_t thl = (size_t)(t[12] >> 4) * 4;
	uint32_t seq = (uint32_t)t[4] << 24 | (uint32_t)t[5] << 16 | (uint32_t)t[6] << 8 | t[7];
	uint32_t ack = (uint32_t)t[8] << 24 | (uint32_t)t[9] << 16 | (uint32_t)t[10] << 8 | t[11];
	uint8_t fl = t[13];
	uint32_t dlen = (uint32_t)(len - thl) + ((fl & 0x02) ? 1 : 0) + ((fl & 0x01) ? 1 : 0);
	uint8_t key[37];
	make_key(key, src, dst, alen, t, 0);
	struct tcp_side *me = side_get(k, key);
	make_key(key, src, dst, alen, t, 1);
	struct tcp_side *peer = side_get(k, key);
	assert_non_null(me);
	assert_non_null(peer);
	if (fl & 0x04) /* RST: scans and floods answer with these */
		return;
	if (fl & 0x02) {
		me->seen = 1;
		me->isn = seq;
		me->next = seq + 1;
	} else if (me->seen && dlen > 0) {
		/* In order, or an exact repeat of bytes already sent (retransmission). */
		if (seq != me->next && (int32_t)(seq + dlen - me->next) > 0)
			k->seq_errors++;
		if (seq == me->next)
			me->next = seq + dlen;
	}
	/* Never acknowledge what the peer has not sent (floods never complete: skip). */
	if ((fl & 0x10) && peer->seen && (int32_t)(ack - peer->next) > 0)
		k->ack_errors++;
}

static void check_l4(struct check *k, uint8_t proto, const uint8_t *src, const uint8_t *dst,
		     size_t alen, const uint8_t *l4, size_t len)
{
	uint32_t s = 0;
	if (proto == 6 || proto == 17 || proto == 58) {
		s = add16(src, alen, s);
		s = add16(dst, alen, s);
		s += proto + (uint32_t)(len & 0xffff) + (uint32_t)(len >> 16);
	}
	s = add16(l4, len, s);
	if (!sum_ok(s))
		k->sum_errors++;
	if (proto == 6)
		check_tcp(k, src, dst, alen, l4, len);
	else if (proto == 17)
		k->udp++;
	else
		k->icmp++;
}

static void check_frame(struct check *k, const uint8_t *p, size_t n)
{
	k->frames++;
	assert_true(n >= 14);
	uint16_t et = (uint16_t)(p[12] << 8 | p[13]);
	const uint8_t *ip = p + 14;
	size_t rem = n - 14;
	if (et == 0x86dd) {
		assert_true(rem >= 40);
		size_t plen = (size_t)(ip[4] << 8 | ip[5]);
		assert_true(40 + plen <= rem);
		check_l4(k, ip[6], ip + 8, ip + 24, 16, ip + 40, plen);
		return;
	}
	assert_int_equal(et, 0x0800);
	size_t ihl = (size_t)(ip[0] & 0x0f) * 4;
	if (ihl < 20) {
		k->bad_ihl++;
		return;
	}
	assert_true(sum_ok(add16(ip, ihl, 0)));
	size_t tot = (size_t)(ip[2] << 8 | ip[3]);
	assert_true(tot <= rem && tot >= ihl);
	uint16_t frag = (uint16_t)(ip[6] << 8 | ip[7]);
	if (frag & 0x3fff) { /* MF or offset: checked whole by tshark, counted here */
		k->v4_frags++;
		return;
	}
	check_l4(k, ip[9], ip + 12, ip + 16, 4, ip + ihl, tot - ihl);
}

static void check_file(const char *path, struct check *k)
{
	char err[PCAP_ERRBUF_SIZE];
	pcap_t *pc = pcap_open_offline(path, err);
	assert_non_null(pc);
	assert_int_equal(pcap_datalink(pc), DLT_EN10MB);
	struct pcap_pkthdr *h;
	const u_char *d;
	double last = 0;
	while (pcap_next_ex(pc, &h, &d) == 1) {
		double ts = (double)h->ts.tv_sec + (double)h->ts.tv_usec / 1e6;
		assert_true(ts >= last); /* sorted by time */
		last = ts;
		assert_int_equal(h->caplen, h->len);
		check_frame(k, d, h->caplen);
	}
	pcap_close(pc);
}

static void test_frames_valid(void **state)
{
	(void)state;
	/* "a" files were written at scale 1 by test_deterministic; "x2" adds scale 2. */
	for (size_t i = 0; i < 2 * scenario_count(); i++) {
		const char *name = scenario_name(i % scenario_count());
		char a[512];
		path_for(a, sizeof(a), name, i < scenario_count() ? "a" : "x2");
		if (i >= scenario_count()) {
			char err[256];
			assert_int_equal(scenario_write(name, a, 42, 2, err, sizeof(err)), 0);
		}
		struct check k;
		memset(&k, 0, sizeof(k));
		k.sides = calloc(NSIDES, sizeof(*k.sides));
		assert_non_null(k.sides);
		check_file(a, &k);
		printf("  %-20s %6u frames: %u tcp, %u udp, %u icmp, %u fragments\n", name,
		       k.frames, k.tcp_segs, k.udp, k.icmp, k.v4_frags);
		assert_true(k.frames > 0);
		assert_int_equal(k.sum_errors, 0);
		assert_int_equal(k.seq_errors, 0);
		assert_int_equal(k.ack_errors, 0);
		if (!strcmp(name, "sample")) {
			assert_int_equal(k.bad_ihl, 1);
			assert_true(k.v4_frags >= 3);
			assert_true(k.icmp > 0 && k.udp > 0 && k.tcp_segs > 0);
		} else {
			assert_int_equal(k.bad_ihl, 0);
		}
		free(k.sides);
	}
}

static void test_unknown_and_cli(void **state)
{
	(void)state;
	char err[256] = "", path[512];
	path_for(path, sizeof(path), "nope", "a");
	assert_int_equal(scenario_write("no-such-scenario", path, 1, 1, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "no-such-scenario"));
	char *list[] = {"scenario", "list", NULL};
	assert_int_equal(scenario_command_main(2, list), 0);
	char *bad[] = {"scenario", "write", "sample", NULL};
	assert_int_equal(scenario_command_main(3, bad), 2); /* -o missing */
	char *scale[] = {"scenario", "write", "sample", "-o", path, "--scale", "0", NULL};
	assert_int_equal(scenario_command_main(7, scale), 2);
	char truth[600];
	scenario_truth_path("/x/y.pcap", truth, sizeof(truth));
	assert_string_equal(truth, "/x/y.truth.json");
	scenario_truth_path("/x/y.cap", truth, sizeof(truth));
	assert_string_equal(truth, "/x/y.cap.truth.json");
}

static void test_scale_grows(void **state)
{
	(void)state;
	char a[512], b[512], err[256];
	path_for(a, sizeof(a), "scale", "1");
	path_for(b, sizeof(b), "scale", "3");
	assert_int_equal(scenario_write("sample", a, 5, 1, err, sizeof(err)), 0);
	assert_int_equal(scenario_write("sample", b, 5, 3, err, sizeof(err)), 0);
	size_t la, lb;
	uint8_t *da = slurp(a, &la), *db = slurp(b, &lb);
	assert_true(lb > la);
	free(da);
	free(db);
}

/* RFC 1071 section 3 worked example: sum 0xddf2, checksum its complement. */
static void test_inet_checksum(void **state)
{
	(void)state;
	static const uint8_t v[] = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
	assert_int_equal(craft_inet_checksum(v, sizeof(v)), 0x220d);
	static const uint8_t odd[] = {0x01};
	assert_int_equal(craft_inet_checksum(odd, 1), 0xfeff);
}

/* DNP3 link header of a "request link status" frame as published in IEEE 1815 examples. */
static void test_dnp3_crc(void **state)
{
	(void)state;
	static const uint8_t h[] = {0x05, 0x64, 0x05, 0xc0, 0x01, 0x00, 0x00, 0x04};
	assert_int_equal(proto_dnp3_crc(h, sizeof(h)), 0x21e9);
}

static void test_rng(void **state)
{
	(void)state;
	struct sc_rng a, b;
	sc_rng_seed(&a, 1);
	sc_rng_seed(&b, 1);
	for (int i = 0; i < 100; i++)
		assert_true(sc_rng_next(&a) == sc_rng_next(&b));
	sc_rng_seed(&b, 2);
	assert_true(sc_rng_next(&a) != sc_rng_next(&b));
	for (int i = 0; i < 10000; i++) {
		uint64_t v = sc_rng_range(&a, 10, 12);
		assert_true(v >= 10 && v <= 12);
		assert_true(sc_rng_below(&a, 7) < 7);
	}
	assert_int_equal(sc_rng_below(&a, 0), 0);
	assert_int_equal(sc_rng_range(&a, 5, 5), 5);
}

static void test_buf(void **state)
{
	(void)state;
	struct sc_buf b;
	sc_buf_init(&b);
	sc_buf_be16(&b, 0x1234);
	sc_buf_le32(&b, 0xa1b2c3d4);
	sc_buf_printf(&b, "%s-%d", "x", 7);
	for (int i = 0; i < 1000; i++)
		sc_buf_u8(&b, (uint8_t)i);
	assert_false(b.oom);
	assert_int_equal(b.len, 2 + 4 + 3 + 1000);
	static const uint8_t head[] = {0x12, 0x34, 0xd4, 0xc3, 0xb2, 0xa1, 'x', '-', '7'};
	assert_memory_equal(b.b, head, sizeof(head));
	sc_buf_set_be16(&b, 0, 0xbeef);
	assert_int_equal(b.b[0], 0xbe);
	sc_buf_set_be32(&b, b.len - 2, 1); /* out of range: ignored, no overflow */
	sc_buf_free(&b);
}

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* Attribution: listed 5-tuple (either direction), address sets, benign hits, strays. */
static void test_score(void **state)
{
	(void)state;
	char truth[512], eve[512];
	snprintf(truth, sizeof(truth), "%s/score.truth.json", tmpdir);
	snprintf(eve, sizeof(eve), "%s/score.eve.json", tmpdir);
	write_text(truth,
		   "{\"steps\":["
		   "{\"id\":\"bg\",\"malicious\":false,\"start_us\":1773129600000000,"
		   "\"end_us\":1773129700000000,\"flows\":[{\"src_ip\":\"10.0.0.1\",\"src_port\":"
		   "1000,\"dest_ip\":\"10.0.0.2\",\"dest_port\":80}],\"src_ips\":[\"10.0.0.1\"],"
		   "\"src_ip_count\":1,\"dest_ips\":[\"10.0.0.2\"],\"dest_ip_count\":1},"
		   "{\"id\":\"flood\",\"malicious\":true,\"start_us\":1773129650000000,"
		   "\"end_us\":1773129660000000,\"flows\":[],\"src_ips\":[\"192.0.2.1\"],"
		   "\"src_ip_count\":500,\"dest_ips\":[\"203.0.113.10\"],\"dest_ip_count\":1},"
		   "{\"id\":\"c2\",\"malicious\":true,\"start_us\":1773129610000000,"
		   "\"end_us\":1773129620000000,\"flows\":[{\"src_ip\":\"10.0.0.1\",\"src_port\":"
		   "2000,\"dest_ip\":\"198.51.100.23\",\"dest_port\":443}],\"src_ips\":[],"
		   "\"src_ip_count\":0,\"dest_ips\":[],\"dest_ip_count\":0}]}");
	write_text(eve,
		   /* c2, reversed direction, stamped in UTC+01:00 */
		   "{\"timestamp\":\"2026-03-10T09:00:15.000000+0100\",\"event_type\":\"alert\","
		   "\"src_ip\":\"198.51.100.23\",\"src_port\":443,\"dest_ip\":\"10.0.0.1\","
		   "\"dest_port\":2000,\"alert\":{\"signature_id\":7}}\n"
		   /* flood: spoofed source beyond the listed ones */
		   "{\"timestamp\":\"2026-03-10T08:00:55.5+0000\",\"event_type\":\"alert\","
		   "\"src_ip\":\"198.51.100.99\",\"src_port\":5,\"dest_ip\":\"203.0.113.10\","
		   "\"dest_port\":443,\"alert\":{\"signature_id\":8}}\n"
		   /* benign flow hit: a false alert */
		   "{\"timestamp\":\"2026-03-10T08:00:30.000000+0000\",\"event_type\":\"alert\","
		   "\"src_ip\":\"10.0.0.1\",\"src_port\":1000,\"dest_ip\":\"10.0.0.2\","
		   "\"dest_port\":80,\"alert\":{\"signature_id\":9}}\n"
		   /* outside every step */
		   "{\"timestamp\":\"2026-03-10T09:30:00.000000+0000\",\"event_type\":\"alert\","
		   "\"src_ip\":\"10.9.9.9\",\"src_port\":1,\"dest_ip\":\"10.9.9.8\","
		   "\"dest_port\":2,\"alert\":{\"signature_id\":10}}\n"
		   "{\"timestamp\":\"2026-03-10T08:00:15.000000+0000\",\"event_type\":\"flow\"}\n");
	struct scenario_score sc;
	char err[256];
	assert_int_equal(scenario_score(truth, eve, &sc, err, sizeof(err)), 0);
	assert_int_equal(sc.nsteps, 3);
	assert_int_equal(sc.malicious_total, 2);
	assert_int_equal(sc.malicious_detected, 2);
	assert_int_equal(sc.steps[2].alerts, 1);
	assert_int_equal(sc.steps[2].sids[0], 7);
	assert_int_equal(sc.steps[1].alerts, 1);
	assert_int_equal(sc.benign_alerts, 1);
	assert_int_equal(sc.unattributed_alerts, 1);
	assert_int_equal(sc.bad_lines, 0);
	scenario_score_free(&sc);
	assert_int_equal(scenario_score(truth, "/nonexistent/eve.json", &sc, err, sizeof(err)), -1);
	/* a malformed EVE line is an error naming the file and line, not a skip
	 * that would read as "0 detected" */
	write_text(eve, "{\"event_type\":\"flow\"}\nnot json\n");
	err[0] = '\0';
	assert_int_equal(scenario_score(truth, eve, &sc, err, sizeof(err)), -1);
	assert_non_null(strstr(err, ":2"));
}

static int teardown(void **state)
{
	(void)state;
	char cmd[600];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_inet_checksum),
	    cmocka_unit_test(test_dnp3_crc),
	    cmocka_unit_test(test_rng),
	    cmocka_unit_test(test_buf),
	    cmocka_unit_test(test_deterministic),
	    cmocka_unit_test(test_frames_valid),
	    cmocka_unit_test(test_unknown_and_cli),
	    cmocka_unit_test(test_scale_grows),
	    cmocka_unit_test(test_score),
	};
	return cmocka_run_group_tests(tests, NULL, teardown);
}
