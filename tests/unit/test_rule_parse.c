/*
 * test_rule_parse.c — the rule parser: header grammar, variables, option
 * splitting and escaping, and every malformed-rule path (each must fail
 * cleanly, never crash, and unknown keywords must be "skipped").
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "test_detect_helpers.h"

#define OK 1
#define FAIL 0
#define SKIP (-1)

struct case_ {
	const char *rule;
	int expect;
};

static void run_cases(const struct case_ *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int got = th_parse_result(c[i].rule);
		if (got != c[i].expect)
			fail_msg("rule %zu: expected %d got %d: %s", i, c[i].expect, got,
				 c[i].rule);
	}
}

static void test_valid_rules(void **state)
{
	static const struct case_ c[] = {
	    {"alert tcp any any -> any any (msg:\"x\"; sid:1;)", OK},
	    {"alert tcp any any -> any any (sid:1;)", OK},
	    {"alert ip any any -> any any (sid:1; rev:2; gid:3;)", OK},
	    {"drop udp $HOME_NET any <> $EXTERNAL_NET 53 (sid:1;)", OK},
	    {"pass icmp any any -> any any (sid:1;)", OK},
	    {"reject tcp any any -> any any (sid:1;)", OK},
	    {"rejectsrc tcp any any -> any any (sid:1;)", OK},
	    {"rejectdst tcp any any -> any any (sid:1;)", OK},
	    {"rejectboth tcp any any -> any any (sid:1;)", OK},
	    {"alert pkthdr any any -> any any (sid:1;)", OK},
	    {"alert tcp-pkt any any -> any any (sid:1;)", OK},
	    {"alert tcp-stream any any -> any any (sid:1;)", OK},
	    {"alert icmpv6 any any -> any any (sid:1;)", OK},
	    {"alert tcp [1.2.3.4,5.6.7.0/24] [80,443,1000:2000] -> !1.2.3.4 !80 (sid:1;)", OK},
	    {"alert tcp [10.0.0.0/8,![10.1.0.0/16,10.2.0.0/16]] any -> any any (sid:1;)", OK},
	    {"alert tcp 1.2.3.4-1.2.3.9 :1024 -> 2001:db8::/32 1024: (sid:1;)", OK},
	    {"alert tcp 10.0.0.0/255.0.0.0 any -> [2001:db8::1,::1] any (sid:1;)", OK},
	    {"alert tcp $HOME_NET $HTTP_PORTS -> $EXTERNAL_NET $SHELLCODE_PORTS (sid:1;)", OK},
	    {"alert tcp any $FILE_DATA_PORTS -> any [$HTTP_PORTS,!81] (sid:1;)", OK},
	    {"alert tcp any any -> any any (msg:\"semi\\;colon \\\"quoted\\\"\"; sid:1;)", OK},
	    {"alert tcp any any -> any any (content:\"a|3b|b\"; content:\"\\;\\\\\\\"\"; sid:1;)",
	     OK},
	    {"alert tcp any any -> any any (content:!\"abc\"; sid:1;)", OK},
	    {"alert tcp any any -> any any (content:\"abc\"; nocase; depth:10; offset:2; sid:1;)",
	     OK},
	    {"alert tcp any any -> any any (content:\"a\"; content:\"b\"; distance:0; within:5; "
	     "sid:1;)",
	     OK},
	    {"alert tcp any any -> any any (content:\"a\"; fast_pattern:only; sid:1;)", OK},
	    {"alert tcp any any -> any any (content:\"abcdef\"; fast_pattern:1,3; sid:1;)", OK},
	    {"alert tcp any any -> any any (content:\"GET\"; startswith; content:\"x\"; endswith; "
	     "sid:1;)",
	     OK},
	    {"alert tcp any any -> any any (content:\"x\"; pcre:\"/a.b/Rsmi\"; sid:1;)", OK},
	    {"alert tcp any any -> any any (byte_test:2,>,10,0,relative,little; sid:1;)", OK},
	    {"alert tcp any any -> any any (byte_extract:2,0,len; content:\"x\"; distance:len; "
	     "sid:1;)",
	     OK},
	    {"alert tcp any any -> any any (byte_math:bytes 2, offset 0, oper +, rvalue 5, result "
	     "v; byte_test:2,=,v,2; sid:1;)",
	     OK},
	    {"alert tcp any any -> any any (flow:established,to_server; flowbits:set,a; sid:1;)",
	     OK},
	    {"alert tcp any any -> any any (flowbits:isset,a|b; flowbits:noalert; sid:1;)", OK},
	    {"alert tcp any any -> any any (flowint:cnt,+,1; flowint:cnt,>,3; sid:1;)", OK},
	    {"alert tcp any any -> any any (xbits:set,x,track ip_pair,expire 60; sid:1;)", OK},
	    {"alert tcp any any -> any any (threshold:type limit, track by_src, count 1, seconds "
	     "60; sid:1;)",
	     OK},
	    {"alert tcp any any -> any any (detection_filter:track by_dst, count 5, seconds 1; "
	     "sid:1;)",
	     OK},
	    {"alert tcp any any -> any any (ttl:<10; tos:8; id:1; ipopts:rr; fragbits:M+; "
	     "fragoffset:>0; ip_proto:tcp; sameip; sid:1;)",
	     OK},
	    {"alert tcp any any -> any any (flags:SA,12; seq:1; ack:2; window:!100; tcp.mss:<500; "
	     "sid:1;)",
	     OK},
	    {"alert icmp any any -> any any (itype:8; icode:0; icmp_id:1; icmp_seq:2; sid:1;)", OK},
	    {"alert ip any any -> any any (decode-event:ipv4.trunc_pkt; sid:1;)", OK},
	    {"alert tcp any any -> any any (stream-event:reassembly_overlap_different_data; "
	     "sid:1;)",
	     OK},
	    {"alert tcp any any -> any any (tcp.hdr; content:\"|50 02|\"; sid:1;)", OK},
	    {"alert tcp any any -> any any (tcp.hdr; to_md5; bsize:16; sid:1;)", OK},
	    {"alert tcp any any -> any any (dsize:>10; isdataat:5; isdataat:!2,relative; sid:1;)",
	     OK},
	    {"alert tcp any any -> any any (content:\"x\"; entropy:value >5; sid:1;)", OK},
	    {"alert tcp any any -> any any (vlan.id:200; vlan.layers:>0; sid:1;)", OK},
	    {"alert tcp any any -> any any (flow.pkts:toserver,>,5; flow.age:>2; "
	     "stream_size:server,>,10; sid:1;)",
	     OK},
	    {"alert tcp any any -> any any (metadata:a b, c d; reference:url,example.com; "
	     "target:src_ip; priority:2; noalert; sid:1;)",
	     OK},
	    {"alert tcp any any -> any any (requires: version >= 7.0; sid:1;)", OK},
	    {"alert tcp any any -> any any (requires: version >= 7.0.3 < 9, keyword sid; sid:1;)",
	     OK},
	    {"alert tcp any any -> any any (requires: version >= 9 | >= 8.0, feature ja3; sid:1;)",
	     OK},
	    {"alert tcp any any -> any any (requires: version >=8; sid:1;)", OK},
	    {"  alert tcp any any -> any any (sid:1;)   ", OK},
	    /* found by fuzz_rule_parse: a /0.0.0.0 netmask shifted by 32 */
	    {"alert ip [1.2.3.4/0.0.0.0] any -> any any (sid:1;)", OK},
	};
	run_cases(c, sizeof(c) / sizeof(c[0]));
}

static void test_malformed_rules(void **state)
{
	static const struct case_ c[] = {
	    /* structure */
	    {"", FAIL},
	    {"alert tcp any any -> any any", FAIL},
	    {"alert tcp any any -> any any (sid:1;", FAIL},
	    {"alert tcp any any -> any any (sid:1)", FAIL},
	    {"alert tcp any any -> any any (msg:\"x\";)", FAIL}, /* no sid */
	    {"alert tcp any any -> any any (sid:1; sid:2;)", FAIL},
	    {"alert tcp any any -> any any (;sid:1;)", FAIL},
	    /* header */
	    {"alarm tcp any any -> any any (sid:1;)", FAIL},
	    {"alert tcpx any any -> any any (sid:1;)", FAIL},
	    {"alert tcp any any => any any (sid:1;)", FAIL},
	    {"alert tcp any any -> any (sid:1;)", FAIL},
	    {"alert tcp any any -> any any any (sid:1;)", FAIL},
	    /* addresses */
	    {"alert tcp 1.2.3 any -> any any (sid:1;)", FAIL},
	    {"alert tcp 1.2.3.256 any -> any any (sid:1;)", FAIL},
	    {"alert tcp 1.2.3.4/33 any -> any any (sid:1;)", FAIL},
	    {"alert tcp 1.2.3.4/255.0.255.0 any -> any any (sid:1;)", FAIL},
	    {"alert tcp 1.2.3.9-1.2.3.4 any -> any any (sid:1;)", FAIL},
	    {"alert tcp [1.2.3.4 any -> any any (sid:1;)", FAIL},
	    {"alert tcp [1.2.3.4]] any -> any any (sid:1;)", FAIL},
	    {"alert tcp [] any -> any any (sid:1;)", FAIL},
	    {"alert tcp !any any -> any any (sid:1;)", FAIL},
	    {"alert tcp [1.2.3.4,!1.2.3.4] any -> any any (sid:1;)", FAIL},
	    {"alert tcp $NOPE any -> any any (sid:1;)", FAIL},
	    {"alert tcp $ any -> any any (sid:1;)", FAIL},
	    {"alert tcp $HTTP_PORTS any -> any any (sid:1;)", FAIL}, /* port var as address */
	    {"alert tcp gg::1::2 any -> any any (sid:1;)", FAIL},
	    /* ports */
	    {"alert tcp any 65536 -> any any (sid:1;)", FAIL},
	    {"alert tcp any -1 -> any any (sid:1;)", FAIL},
	    {"alert tcp any 90:80 -> any any (sid:1;)", FAIL},
	    {"alert tcp any : -> any any (sid:1;)", FAIL},
	    {"alert tcp any !any -> any any (sid:1;)", FAIL},
	    {"alert tcp any [80,!80] -> any any (sid:1;)", FAIL},
	    {"alert tcp any http -> any any (sid:1;)", FAIL},
	    {"alert tcp any $NOPE_PORTS -> any any (sid:1;)", FAIL},
	    {"alert tcp any [80 -> any any (sid:1;)", FAIL},
	    /* quotes and escapes */
	    {"alert tcp any any -> any any (msg:\"unterminated; sid:1;)", FAIL},
	    {"alert tcp any any -> any any (msg:unopened\"; sid:1;)", FAIL},
	    {"alert tcp any any -> any any (content:\"abc; sid:1;)", FAIL},
	    {"alert tcp any any -> any any (content:abc; sid:1;)", FAIL},
	    {"alert tcp any any -> any any (content:\"\"; sid:1;)", FAIL},
	    {"alert tcp any any -> any any (content:\"a\\xb\"; sid:1;)", FAIL},
	    {"alert tcp any any -> any any (content:\"a\"b\"; sid:1;)", FAIL},
	    /* hex */
	    {"alert tcp any any -> any any (content:\"|4|\"; sid:1;)", FAIL},
	    {"alert tcp any any -> any any (content:\"|4g|\"; sid:1;)", FAIL},
	    {"alert tcp any any -> any any (content:\"|41 42\"; sid:1;)", FAIL},
	    {"alert tcp any any -> any any (content:\"|4 1|\"; sid:1;)", FAIL},
	    /* values out of range / invalid */
	    {"alert tcp any any -> any any (sid:0;)", FAIL},
	    {"alert tcp any any -> any any (sid:abc;)", FAIL},
	    {"alert tcp any any -> any any (sid:4294967296;)", FAIL},
	    {"alert tcp any any -> any any (sid:1; priority:0;)", FAIL},
	    {"alert tcp any any -> any any (sid:1; priority:256;)", FAIL},
	    {"alert tcp any any -> any any (sid:1; ttl:256;)", FAIL},
	    {"alert tcp any any -> any any (sid:1; ttl:>255;)", FAIL},
	    {"alert tcp any any -> any any (sid:1; dsize:70000;)", FAIL},
	    {"alert tcp any any -> any any (sid:1; dsize:10<>5;)", FAIL},
	    {"alert tcp any any -> any any (sid:1; content:\"abc\"; depth:2;)", FAIL},
	    {"alert tcp any any -> any any (sid:1; content:\"abc\"; depth:70000;)", FAIL},
	    {"alert tcp any any -> any any (sid:1; content:\"abc\"; within:2;)", FAIL},
	    {"alert tcp any any -> any any (sid:1; content:\"abc\"; depth:5; distance:1;)", FAIL},
	    {"alert tcp any any -> any any (sid:1; content:\"abc\"; within:5; offset:1;)", FAIL},
	    {"alert tcp any any -> any any (sid:1; content:\"abc\"; nocase; nocase;)", FAIL},
	    {"alert tcp any any -> any any (sid:1; nocase;)", FAIL},
	    {"alert tcp any any -> any any (sid:1; depth:5;)", FAIL},
	    {"alert tcp any any -> any any (sid:1; content:\"abc\"; fast_pattern:2,5;)", FAIL},
	    {"alert tcp any any -> any any (sid:1; content:!\"abc\"; fast_pattern:only;)", FAIL},
	    {"alert tcp any any -> any any (sid:1; content:\"a\"; distance:nosuchvar;)", FAIL},
	    {"alert tcp any any -> any any (sid:1; pcre:\"/a(/\";)", FAIL},
	    {"alert tcp any any -> any any (sid:1; pcre:\"a\";)", FAIL},
	    {"alert tcp any any -> any any (sid:1; pcre:\"/a/q\";)", FAIL},
	    {"alert tcp any any -> any any (sid:1; byte_test:9,>,1,0;)", FAIL},
	    {"alert tcp any any -> any any (sid:1; byte_test:2,~,1,0;)", FAIL},
	    {"alert tcp any any -> any any (sid:1; byte_test:2,>,1;)", FAIL},
	    {"alert tcp any any -> any any (sid:1; byte_jump:2,0,bogus;)", FAIL},
	    {"alert tcp any any -> any any (sid:1; byte_extract:2,0,v; byte_extract:2,0,v;)", FAIL},
	    {"alert tcp any any -> any any (sid:1; byte_math:bytes 2, offset 0;)", FAIL},
	    {"alert tcp any any -> any any (sid:1; flow:to_server,to_client;)", FAIL},
	    {"alert tcp any any -> any any (sid:1; flow:bogus;)", FAIL},
	    {"alert tcp any any -> any any (sid:1; flowbits:bogus,a;)", FAIL},
	    {"alert tcp any any -> any any (sid:1; flowbits:set,a|b;)", FAIL},
	    {"alert tcp any any -> any any (sid:1; flowint:a,+;)", FAIL},
	    {"alert tcp any any -> any any (sid:1; xbits:set,a,track nowhere;)", FAIL},
	    {"alert tcp any any -> any any (sid:1; threshold:type limit, count 1;)", FAIL},
	    {"alert tcp any any -> any any (sid:1; flags:SX;)", FAIL},
	    {"alert tcp any any -> any any (sid:1; fragbits:Q;)", FAIL},
	    {"alert tcp any any -> any any (sid:1; ipopts:bogus;)", FAIL},
	    {"alert tcp any any -> any any (sid:1; itype:300;)", FAIL},
	    {"alert tcp any any -> any any (sid:1; vlan.id:5000;)", FAIL},
	    {"alert tcp any any -> any any (sid:1; decode-event:no.such_event;)", SKIP},
	    {"alert tcp any any -> any any (sid:1; target:both;)", FAIL},
	    {"alert tcp any any -> any any (sid:1; sameip:1;)", FAIL},
	    {"alert tcp any any -> any any (sid:1; msg;)", OK},
	    {"alert tcp any any -> any any (sid:1; to_lowercase;)", FAIL},
	    /* a transform after content starts a transformed instance (Suricata 8) ... */
	    {"alert tcp any any -> any any (sid:1; tcp.hdr; content:\"a\"; to_lowercase;)", OK},
	    /* ... unless the chain so far has parameters */
	    {"alert tcp any any -> any any (sid:1; tcp.hdr; xor:\"0d\"; content:\"a\"; "
	     "to_lowercase;)",
	     FAIL},
	    {"alert tcp any any -> any any (sid:1; tcp.hdr; xor:\"0g\";)", FAIL},
	    {"alert tcp any any -> any any (sid:1; entropy:value 9;)", FAIL},
	    {"alert tcp any any -> any any (sid:1; requires: version >= 99;)", SKIP},
	    /* requires is checked first: an unmet one skips even a broken rule */
	    {"alert vxlan any any -> any any (requires: version >= 10; sid:1;)", SKIP},
	    {"alert http any any => any any (requires: version >= 10; sid:1;)", SKIP},
	    {"alert tcp any any -> any any (requires: version >= 7 < 8 | >= 9; sid:1;)", SKIP},
	    {"alert tcp any any -> any any (requires: version >= 8, keyword foobar; sid:1;)", SKIP},
	    {"alert tcp any any -> any any (requires: feature nosuch; sid:1;)", SKIP},
	    {"alert tcp any any -> any any (requires: colour blue; sid:1;)", SKIP},
	    {"alert tcp any any -> any any (requires: version >= ; sid:1;)", FAIL},
	    {"alert tcp any any -> any any (requires: version 8; sid:1;)", FAIL},
	    {"alert tcp any any -> any any (requires: version >= 8 |; sid:1;)", OK},
	    {"alert udp any any -> any any (sid:1; tcp.hdr;)", FAIL},
	};
	run_cases(c, sizeof(c) / sizeof(c[0]));
}

static void test_unsupported_is_skipped(void **state)
{
	static const struct case_ c[] = {
	    {"alert tcp any any -> any any (sid:1; nosuchkeyword;)", SKIP},
	    {"alert tcp any any -> any any (sid:1; mqtt.topic; content:\"a\";)", SKIP},
	    {"alert irc any any -> any any (sid:1;)", SKIP},
	    {"alert tcp any any -> any any (sid:1; pcre:\"/(a)/,flow:x\";)", SKIP},
	};
	run_cases(c, sizeof(c) / sizeof(c[0]));
	/* byte_test / byte_jump "dce": the DCERPC stub's byte order, 1/2/4-byte binary only */
	static const struct case_ dce[] = {
	    {"alert tcp any any -> any any (sid:1; byte_test:2,>,1,0,dce;)", OK},
	    {"alert tcp any any -> any any (sid:1; byte_jump:4,0,relative,dce;)", OK},
	    {"alert tcp any any -> any any (sid:1; byte_test:3,>,1,0,dce;)", FAIL},
	    {"alert tcp any any -> any any (sid:1; byte_test:2,>,1,0,string,dec,dce;)", FAIL},
	};
	run_cases(dce, sizeof(dce) / sizeof(dce[0]));
	struct detect_engine *de = th_parse_engine();
	struct parse_ctx pc;
	assert_null(th_parse(de, &pc, "alert tcp any any -> any any (sid:1; nosuchkeyword;)"));
	assert_true(pc.is_unsupported);
	assert_string_equal(pc.unsupported, "nosuchkeyword");
	free(pc.unsupported);
	detect_engine_free(de);
}

static void test_header_semantics(void **state)
{
	struct detect_engine *de = th_parse_engine();
	struct parse_ctx pc;
	struct rule *r = th_parse(de, &pc,
				  "alert tcp $EXTERNAL_NET any -> [10.0.0.0/8,!10.1.0.0/16] "
				  "[1:1024,!80] (sid:7;)");
	assert_non_null(r);
	struct ip_addr a;
	th_ip4(&a, 8, 8, 8, 8);
	assert_true(addr_set_match(&r->h.src, &a));
	th_ip4(&a, 192, 168, 1, 1);
	assert_false(addr_set_match(&r->h.src, &a));
	struct ip_addr v6;
	assert_true(ip_addr_parse("2001:db8::1", &v6));
	assert_true(addr_set_match(&r->h.src, &v6)); /* !$HOME_NET covers IPv6 */
	th_ip4(&a, 10, 2, 0, 1);
	assert_true(addr_set_match(&r->h.dst, &a));
	th_ip4(&a, 10, 1, 2, 3);
	assert_false(addr_set_match(&r->h.dst, &a));
	assert_true(port_set_match(&r->h.dp, 1));
	assert_true(port_set_match(&r->h.dp, 1024));
	assert_false(port_set_match(&r->h.dp, 80));
	assert_false(port_set_match(&r->h.dp, 0));
	assert_false(port_set_match(&r->h.dp, 1025));
	assert_true(r->h.sp.any);
	assert_int_equal(r->sid, 7);
	assert_int_equal(r->gid, 1);
	assert_int_equal(r->priority, 3);
	rule_free(r);

	r = th_parse(de, &pc, "alert tcp any $SHELLCODE_PORTS -> any $FILE_DATA_PORTS (sid:8;)");
	assert_non_null(r);
	assert_false(port_set_match(&r->h.sp, 80));
	assert_true(port_set_match(&r->h.sp, 81));
	assert_true(port_set_match(&r->h.dp, 80));
	assert_true(port_set_match(&r->h.dp, 110));
	assert_true(port_set_match(&r->h.dp, 143));
	assert_false(port_set_match(&r->h.dp, 8080));
	rule_free(r);
	detect_engine_free(de);
}

static void test_variable_loop(void **state)
{
	struct detect_engine *de = th_parse_engine();
	vars_set(de->vars, false, "LOOP", "$LOOP");
	struct parse_ctx pc;
	assert_null(th_parse(de, &pc, "alert tcp $LOOP any -> any any (sid:1;)"));
	assert_false(pc.is_unsupported);
	free(pc.unsupported);
	detect_engine_free(de);
}

static void test_meta_values(void **state)
{
	struct detect_engine *de = th_parse_engine();
	struct parse_ctx pc;
	struct rule *r = th_parse(de, &pc,
				  "alert tcp any any -> any any (msg:\"a \\\"b\\\" \\; c\"; "
				  "metadata: created_at 2020_01_01,  former_category  MALWARE; "
				  "reference:cve,2020-1234; priority:1; sid:99; rev:4;)");
	assert_non_null(r);
	assert_string_equal(r->msg, "a \"b\" ; c");
	assert_int_equal(r->nmetadata, 2);
	assert_string_equal(r->metadata[0], "created_at 2020_01_01");
	assert_string_equal(r->metadata[1], "former_category MALWARE");
	assert_int_equal(r->nrefs, 1);
	assert_string_equal(r->refs[0].key, "cve");
	assert_string_equal(r->refs[0].value, "2020-1234");
	assert_int_equal(r->priority, 1);
	assert_int_equal(r->rev, 4);
	rule_free(r);
	detect_engine_free(de);
}

static void test_content_decode(void **state)
{
	struct detect_engine *de = th_parse_engine();
	struct parse_ctx pc;
	struct rule *r = th_parse(
	    de, &pc, "alert tcp any any -> any any (content:\"A|42 43|D\\;\\\"\"; sid:1;)");
	assert_non_null(r);
	assert_true(r->has_fp);
	assert_int_equal(r->fp.len, 6);
	assert_memory_equal(r->fp.pat, "ABCD;\"", 6);
	rule_free(r);
	/* the longest content becomes the fast pattern */
	r = th_parse(de, &pc,
		     "alert tcp any any -> any any (content:\"ab\"; content:\"longer\"; sid:1;)");
	assert_non_null(r);
	assert_int_equal(r->fp.len, 6);
	rule_free(r);
	/* fast_pattern wins over length; chop selects a slice */
	r = th_parse(de, &pc,
		     "alert tcp any any -> any any (content:\"abcd\"; fast_pattern:1,2; "
		     "content:\"longer\"; sid:1;)");
	assert_non_null(r);
	assert_int_equal(r->fp.len, 2);
	assert_memory_equal(r->fp.pat, "bc", 2);
	rule_free(r);
	/* negated content never becomes the fast pattern */
	r = th_parse(de, &pc, "alert tcp any any -> any any (content:!\"abc\"; sid:1;)");
	assert_non_null(r);
	assert_false(r->has_fp);
	rule_free(r);
	detect_engine_free(de);
}

static void test_multiline_file(void **state)
{
	struct detect_load_stats st;
	struct detect_engine *de = th_engine("# comment\n"
					     "\n"
					     "alert tcp any any -> any any (msg:\"one\"; \\\n"
					     "   content:\"abc\"; \\\n"
					     "   sid:1;)\n"
					     "   # indented comment\n"
					     "alert tcp any any -> any any (sid:2; nosuch;)\n"
					     "alert tcp any any -> any any (sid:3; ttl:999;)\n"
					     "alert tcp any any -> any any (sid:1;)\n",
					     &st);
	assert_non_null(de);
	assert_int_equal(st.loaded, 1);
	assert_int_equal(st.skipped, 1);
	assert_int_equal(st.failed, 2); /* bad ttl, duplicate sid */
	detect_engine_free(de);
}

/* A repeated gid:sid with a higher rev replaces the loaded rule; with the
 * same or a lower rev the newcomer is refused (Suricata's rule). */
static void test_duplicate_sid_revisions(void **state)
{
	struct detect_load_stats st;
	struct detect_engine *de =
	    th_engine("alert tcp any any -> any any (msg:\"a\"; sid:7; rev:1;)\n"
		      "alert tcp any any -> any any (msg:\"b\"; sid:7; rev:3;)\n"
		      "alert tcp any any -> any any (msg:\"c\"; sid:7; rev:2;)\n"
		      "alert tcp any any -> any any (msg:\"d\"; sid:7; rev:3;)\n",
		      &st);
	assert_non_null(de);
	assert_int_equal(st.loaded, 1);
	assert_int_equal(st.failed, 2);
	assert_int_equal(de->rules[0]->rev, 3);
	assert_string_equal(de->rules[0]->msg, "b");
	detect_engine_free(de);
}

static void test_diagnostic_line(void **state)
{
	char path[] = "/tmp/vigil-diag-XXXXXX";
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");
	fputs("alert tcp any any -> any any (msg:\"x\"; bogus_kw; sid:42;)\n", f);
	fclose(f);
	const char *files[] = {path};
	struct detect_config cfg = {.rule_files = files, .rule_file_count = 1, .no_cache = true};
	char *buf = NULL;
	size_t len = 0;
	FILE *log = open_memstream(&buf, &len);
	struct detect_load_stats st;
	struct detect_engine *de = detect_engine_new(&cfg, &st, log);
	fclose(log);
	char expect[512];
	snprintf(expect, sizeof(expect), "%s:1: sid 42: unsupported keyword 'bogus_kw'\n", path);
	assert_non_null(strstr(buf, expect));
	assert_non_null(strstr(buf, "0 rules loaded, 0 failed, 1 skipped"));
	detect_engine_free(de);
	/* strict mode turns the skip into a failure */
	cfg.strict = true;
	assert_null(detect_engine_new(&cfg, &st, NULL));
	assert_int_equal(detect_test_ruleset(&cfg, NULL), 1);
	cfg.strict = false;
	assert_int_equal(detect_test_ruleset(&cfg, NULL), 0); /* skipped only: fine */
	f = fopen(path, "a");
	fputs("alert tcp any any -> any any (sid:43; ttl:300;)\n", f);
	fclose(f);
	assert_int_equal(detect_test_ruleset(&cfg, NULL), 1); /* a failed rule: bad */
	unlink(path);
	free(buf);
}

static void test_keyword_registry(void **state)
{
	assert_true(detect_keyword_supported("content"));
	assert_true(detect_keyword_supported("flowbits"));
	assert_true(detect_keyword_supported("tcp.hdr"));
	assert_true(detect_keyword_supported("http.uri"));
	assert_false(detect_keyword_supported("mqtt.topic"));
	assert_false(detect_keyword_supported("nonsense"));
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	detect_list_keywords(m);
	fclose(m);
	assert_non_null(strstr(buf, "byte_math"));
	assert_non_null(strstr(buf, "pcre"));
	free(buf);
}

/* A relative keyword without a sticky buffer goes with the last content,
 * wherever a legacy modifier put it; a non-relative one stays on the payload. */
static void test_relative_follows_last_content(void **state)
{
	(void)state;
	struct detect_engine *de = th_parse_engine();
	struct parse_ctx pc;
	struct rule *r = th_parse(de, &pc,
				  "alert tcp any any -> any any (uricontent:\"x\"; isdataat:!1,relative; "
				  "byte_extract:1,0,v,relative; pcre:\"/y/R\"; isdataat:5; sid:1;)");
	assert_non_null(r);
	int uri = app_buffer_lookup("http.uri");
	const struct rule_buffer *ub = NULL, *pb = NULL;
	for (uint32_t i = 0; i < r->nbufs; i++) {
		if (r->bufs[i].buf_id == uri)
			ub = &r->bufs[i];
		if (r->bufs[i].buf_id == BUF_PKT)
			pb = &r->bufs[i];
	}
	assert_non_null(ub);
	assert_int_equal(ub->sms.n, 4); /* content, isdataat, byte_extract, pcre */
	assert_non_null(pb);
	assert_int_equal(pb->sms.n, 1); /* the absolute isdataat */
	rule_free(r);
	detect_engine_free(de);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_valid_rules),
	    cmocka_unit_test(test_malformed_rules),
	    cmocka_unit_test(test_unsupported_is_skipped),
	    cmocka_unit_test(test_header_semantics),
	    cmocka_unit_test(test_variable_loop),
	    cmocka_unit_test(test_meta_values),
	    cmocka_unit_test(test_content_decode),
	    cmocka_unit_test(test_multiline_file),
	    cmocka_unit_test(test_duplicate_sid_revisions),
	    cmocka_unit_test(test_diagnostic_line),
	    cmocka_unit_test(test_keyword_registry),
	    cmocka_unit_test(test_relative_follows_last_content),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
