/*
 * test_kw_ics.c — the DNP3 keywords (kw-dnp3.c: dnp3_func, dnp3_ind,
 * dnp3_obj, dnp3_data) and the `modbus` keyword (kw-modbus.c), and the
 * app-layer-event rules of both protocols: real messages from the ICS
 * captures go through the flow, stream, app and detect stages as in the
 * worker (ports 20000 and 502), and the alerts of the flow are compared
 * with the exact set expected.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>

#include "test_app_run.h"

struct msg {
	int from_client;
	const char *hex;
};

static uint32_t unhex(const char *h, uint8_t *out, uint32_t cap)
{
	uint32_t n = (uint32_t)strlen(h) / 2;
	assert_true(n <= cap);
	for (uint32_t i = 0; i < n; i++) {
		unsigned v;
		assert_int_equal(sscanf(h + 2 * i, "%2x", &v), 1);
		out[i] = (uint8_t)v;
	}
	return n;
}

static struct packet pkt(uint16_t port, int from_client, uint8_t flags, uint32_t seq, uint32_t ack,
			 const uint8_t *d, uint32_t n)
{
	struct packet p = tcp_pkt_conn(0, from_client, flags, seq, ack, d, n);
	if (from_client)
		p.dp = port;
	else
		p.sp = port;
	return p;
}

/* Handshake, the messages in order (each acknowledged), FIN both ways. */
static void run_flow(struct run *r, uint16_t port, const struct msg *m, size_t nm)
{
	static uint8_t bufs[16][512];
	uint32_t cseq = CISN + 1, sseq = SISN + 1;
	struct packet p = pkt(port, 1, TCP_SYN, CISN, 0, NULL, 0);
	run_packet(r, &p);
	p = pkt(port, 0, TCP_SYN | TCP_ACK, SISN, CISN + 1, NULL, 0);
	run_packet(r, &p);
	p = pkt(port, 1, TCP_ACK, cseq, sseq, NULL, 0);
	run_packet(r, &p);
	assert_true(nm <= 16);
	for (size_t i = 0; i < nm; i++) {
		uint32_t n = unhex(m[i].hex, bufs[i], sizeof(bufs[i]));
		if (m[i].from_client) {
			p = pkt(port, 1, TCP_ACK | TCP_PSH, cseq, sseq, bufs[i], n);
			run_packet(r, &p);
			cseq += n;
			p = pkt(port, 0, TCP_ACK, sseq, cseq, NULL, 0);
		} else {
			p = pkt(port, 0, TCP_ACK | TCP_PSH, sseq, cseq, bufs[i], n);
			run_packet(r, &p);
			sseq += n;
			p = pkt(port, 1, TCP_ACK, cseq, sseq, NULL, 0);
		}
		run_packet(r, &p);
	}
	p = pkt(port, 1, TCP_ACK | TCP_FIN, cseq, sseq, NULL, 0);
	run_packet(r, &p);
	p = pkt(port, 0, TCP_ACK | TCP_FIN, sseq, cseq + 1, NULL, 0);
	run_packet(r, &p);
	p = pkt(port, 1, TCP_ACK, cseq + 1, sseq + 1, NULL, 0);
	run_packet(r, &p);
	run_flow_end(r);
}

/* ------------------------------------------------------------ DNP3 */

/* read_and_response.pcap: class 0123 read (g60v2..v4, g60v1) and the
 * response in two frames (g1v2, g10v2, g30v1 ... with IIN 0). */
static const struct msg dnp3_read[] = {
    {1, "056414c40a0001008fedc0c0013c02063c03063c04063c01068a51"},
    {0, "0564ff4401000a005aeb53c081000001020000090202020202022d3a0202020203020000090202020202020270"
	"da02020214010000090200000000020000e30b000002000000000200000000020000004dba0002000000000200"
	"00000002000000007eae02000000000200000000150100000902d3420000000002000000000200000000020069"
	"ce00000002000000000200000000020000dd5e000002000000000200000000020000004dba001e010000090200"
	"0000000200000000cd6302000000000200000000020000000002f0030000000002000000000200000000020069"
	"ce00000002000000000a0200000902020217100202020202020228010000090200000058e40002000000000200"
	"00000002000000007eae020000000002000000004e72"},
    {0, "05641a4401000a00af5d9402000000000200000000020000000066420200000000f3b9"},
    /* unsolcited_response_and_confirm.pcap: IIN 0, then a confirm */
    {0, "05640a4401000a006e25c0f08200004466"},
    {1, "056408c40a000100fc42c0d0001b49"},
};

static const char dnp3_rules[] =
    "alert dnp3 any any -> any any (msg:\"read\"; dnp3_func:read; sid:1;)\n"
    "alert dnp3 any any -> any any (msg:\"resp\"; dnp3.func:129; sid:2;)\n"
    "alert dnp3 any any -> any any (msg:\"not read\"; dnp3_func:!read; sid:3;)\n"
    "alert dnp3 any any -> any any (msg:\"func >128\"; dnp3_func:>128; sid:4;)\n"
    "alert dnp3 any any -> any any (msg:\"obj 60,1\"; dnp3_obj:60,1; sid:5;)\n"
    "alert dnp3 any any -> any any (msg:\"obj 30,1\"; dnp3.obj:30,1; sid:6;)\n"
    "alert dnp3 any any -> any any (msg:\"obj 22,1\"; dnp3_obj:22,1; sid:7;)\n"
    "alert dnp3 any any -> any any (msg:\"data\"; dnp3_data; content:\"|c0 01 3c 02 06|\"; "
    "startswith; sid:8;)\n"
    "alert dnp3 any any -> any any (msg:\"data end\"; dnp3.data; content:\"|3c 01 06|\"; endswith; "
    "sid:9;)\n"
    "alert dnp3 any any -> any any (msg:\"ind any\"; dnp3_ind:need_time,device_restart; sid:10;)\n"
    "alert dnp3 any any -> any any (msg:\"ind 0\"; dnp3_ind:0; sid:11;)\n"
    "alert dnp3 any any -> any any (msg:\"ind not\"; dnp3_ind:-need_time; sid:12;)\n"
    "alert dnp3 any any -> any any (msg:\"unsol\"; dnp3_func:unsolicited_response; sid:13;)\n";

static void test_dnp3_keywords(void **st)
{
	struct run r;
	run_init(&r, dnp3_rules, 13);
	run_flow(&r, 20000, dnp3_read, sizeof(dnp3_read) / sizeof(dnp3_read[0]));
	assert_int_equal(count_sid(&r.hits, 1), 1);
	assert_int_equal(count_sid(&r.hits, 2), 1);
	assert_int_equal(count_sid(&r.hits, 3), 2); /* the response and the unsolicited one */
	assert_int_equal(count_sid(&r.hits, 4), 2);
	assert_int_equal(count_sid(&r.hits, 5), 1);
	assert_int_equal(count_sid(&r.hits, 6), 1);
	assert_int_equal(count_sid(&r.hits, 7), 0);
	assert_int_equal(count_sid(&r.hits, 8), 1);
	assert_int_equal(count_sid(&r.hits, 9), 1);
	assert_int_equal(count_sid(&r.hits, 10), 0);
	assert_int_equal(count_sid(&r.hits, 11), 2); /* responses only */
	assert_int_equal(count_sid(&r.hits, 12), 2);
	assert_int_equal(count_sid(&r.hits, 13), 1);
	assert_true(r.hits.toserver[hit_index(&r.hits, 1)]);
	assert_false(r.hits.toserver[hit_index(&r.hits, 2)]);
	run_free(&r);
}

static void test_dnp3_keyword_syntax(void **st)
{
	/* th_parse_result: 1 parsed, 0 rejected */
	assert_int_equal(th_parse_result("alert dnp3 any any -> any any (dnp3_func:bogus; sid:1;)"),
			 0);
	assert_int_equal(th_parse_result("alert dnp3 any any -> any any (dnp3_func:256; sid:1;)"),
			 0);
	assert_int_equal(th_parse_result("alert dnp3 any any -> any any (dnp3_ind:bogus; sid:1;)"),
			 0);
	assert_int_equal(
	    th_parse_result("alert dnp3 any any -> any any (dnp3_ind:need_time,need_time; sid:1;)"),
	    0);
	assert_int_equal(th_parse_result("alert dnp3 any any -> any any (dnp3_obj:60; sid:1;)"), 0);
	assert_int_equal(th_parse_result("alert dnp3 any any -> any any (dnp3_obj:60,256; sid:1;)"),
			 0);
	assert_int_equal(
	    th_parse_result(
		"alert dnp3 any any -> any any (dnp3_ind:+need_time,!device_restart; sid:1;)"),
	    1);
	assert_int_equal(th_parse_result("alert dnp3 any any -> any any (dnp3_ind:0x8421; sid:1;)"),
			 1);
	assert_int_equal(
	    th_parse_result("alert dnp3 any any -> any any (dnp3_func:autenthicate_req; sid:1;)"),
	    1);
	assert_int_equal(th_parse_result("alert dnp3 any any -> any any (dnp3_func:!read; sid:1;)"),
			 1);
}

/* The too-long reassembly event through the whole pipeline. */
static void test_dnp3_event_rules(void **st)
{
	struct run r;
	run_init(&r,
		 "alert dnp3 any any -> any any (app-layer-event:dnp3.bad_transport_crc; sid:1;)\n"
		 "alert dnp3 any any -> any any (app-layer-event:dnp3.unknown_object; sid:2;)\n",
		 2);
	/* a read in two segments, a frame with a bad block CRC between them
	 * (the event goes on the open transaction) */
	struct msg m[] = {
	    {1, "05640bc40a000100acd140c0013c0206d7f1"},
	    {1, "056409c40a0001001bf7013c03062a5a056409c40a0001001bf7813c010613b2"},
	    /* a request with group 200, one point: unknown_object */
	    {1, "05640dc40a00010075bac0c301c801000000d0d7"},
	};
	run_flow(&r, 20000, m, 3);
	assert_int_equal(count_sid(&r.hits, 1), 1);
	assert_int_equal(count_sid(&r.hits, 2), 1);
	run_free(&r);
}

/* ------------------------------------------------------------ Modbus */

/* modbus-and-non-modbus-p502.pcap */
static const struct msg modbus_flow[] = {
    {1, "0001000000060a0100000001"}, {0, "0001000000040a010100"},
    {1, "0002000000060a0300050002"}, {0, "0002000000070a030400090018"},
    {1, "0003000000060a0500020000"}, {0, "0003000000060a0500020000"},
    {1, "0004000000060a060005000b"}, {0, "0004000000060a060005000b"},
    {1, "0005000000060a0800040000"}, {0, "0005000000030a880b"},
};

static const char modbus_rules[] =
    "alert modbus any any -> any any (msg:\"f1\"; modbus: function 1; sid:1;)\n"
    "alert modbus any any -> any any (msg:\"diag\"; modbus: function 8, subfunction 4; sid:2;)\n"
    "alert modbus any any -> any any (msg:\"write coil 3\"; modbus: access write coils, address 3, "
    "value 0; sid:3;)\n"
    "alert modbus any any -> any any (msg:\"write reg 6 = 11\"; modbus: access write holding, "
    "address 6, value 11; sid:4;)\n"
    "alert modbus any any -> any any (msg:\"read\"; modbus: access read; sid:5;)\n"
    "alert modbus any any -> any any (msg:\"unit\"; modbus: unit 10; sid:6;)\n"
    "alert modbus any any -> any any (msg:\"unit 11\"; modbus: unit 11; sid:7;)\n"
    "alert modbus any any -> any any (msg:\"assigned\"; modbus: function assigned; sid:8;)\n"
    "alert modbus any any -> any any (msg:\"!assigned\"; modbus: function !assigned; sid:9;)\n"
    "alert modbus any any -> any any (msg:\"mismatch\"; "
    "app-layer-event:modbus.value_mismatch; sid:10;)\n"
    "alert modbus any any -> any any (msg:\"unsolicited\"; "
    "app-layer-event:modbus.unsolicited_response; sid:11;)\n";

static void test_modbus_keyword(void **st)
{
	struct run r;
	run_init(&r, modbus_rules, 11);
	run_flow(&r, 502, modbus_flow, sizeof(modbus_flow) / sizeof(modbus_flow[0]));
	assert_int_equal(count_sid(&r.hits, 1), 1);
	assert_int_equal(count_sid(&r.hits, 2), 1);
	assert_int_equal(count_sid(&r.hits, 3), 1);
	assert_int_equal(count_sid(&r.hits, 4), 1);
	assert_int_equal(count_sid(&r.hits, 5), 2);
	assert_int_equal(count_sid(&r.hits, 6), 5);
	assert_int_equal(count_sid(&r.hits, 7), 0);
	assert_int_equal(count_sid(&r.hits, 8), 5);
	assert_int_equal(count_sid(&r.hits, 9), 0);
	assert_int_equal(count_sid(&r.hits, 10), 1); /* the holding register read */
	assert_int_equal(count_sid(&r.hits, 11), 0);
	assert_true(r.hits.toserver[hit_index(&r.hits, 1)]);
	run_free(&r);
}

static void test_modbus_keyword_syntax(void **st)
{
	assert_int_equal(
	    th_parse_result("alert modbus any any -> any any (modbus: function 0; sid:1;)"), 0);
	assert_int_equal(
	    th_parse_result("alert modbus any any -> any any (modbus: access write input; sid:1;)"),
	    0);
	assert_int_equal(th_parse_result("alert modbus any any -> any any (modbus: access read, "
					 "address 1, value 2; sid:1;)"),
			 0);
	assert_int_equal(
	    th_parse_result(
		"alert modbus any any -> any any (modbus: unit 1<>5, function 3; sid:1;)"),
	    1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_dnp3_keywords),
	    cmocka_unit_test(test_dnp3_keyword_syntax),
	    cmocka_unit_test(test_dnp3_event_rules),
	    cmocka_unit_test(test_modbus_keyword),
	    cmocka_unit_test(test_modbus_keyword_syntax),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
