/*
 * test_nfs.c — the NFS parser on the bytes of real sessions from
 * suricata-verify's captures: an NFSv3 READDIRPLUS over TCP
 * (nfs3-readdirplus), NFSv2 STATFS and a failed LOOKUP over UDP
 * (nfs-bug-5140), an NFSv4 WRITE then CLOSE of a 5-byte file over TCP
 * (nfs4-01); whole, byte by byte, cut short and corrupted; the
 * transactions, names, files and EVE objects as Suricata 8 makes them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "app/nfs.h"
#include "util/json.h"

extern const struct app_protocol app_nfs;

static const char RDP_CALL[] =
    "800000a8ca26027e0000000000000002000186a300000003000000110000000100000040"
    "0106705d000000047a343430000003e8000003e80000000a00000004000000180000001b"
    "0000001e0000002e0000006c0000007d0000008000000081000003e80000000000000000"
    "00000024010007010100d409000000005e85f3661a9dc36300000000000000000300660c"
    "4cff6b99000000000000000000000000000000000000020000001000";

static const char RDP_REPLY[] =
    "800001c4ca26027e00000001000000000000000000000000000000000000000000000001"
    "00000002000041c000000002000003e8000003e800000000000010000000000000001000"
    "000000000000000063c39d1a66f3855e000000000c66000359395a3a18139cb255e159d4"
    "0ea0c04155e159d40ea0c041000000000000000000000001000000000c66000100000002"
    "2e2e0000000000007c1bc6af0000000100000002000041c000000005000003e8000003e8"
    "00000000000010000000000000001000000000000000000063c39d1a66f3855e00000000"
    "0c6600015938a1a10429d9594ebff151092ca1da4ebff151092ca1da0000000100000024"
    "010007010100d409000000005e85f3661a9dc36300000000000000000100660c4aff6b99"
    "00000001000000000c660003000000012e000000000000007fffffff0000000100000002"
    "000041c000000002000003e8000003e80000000000001000000000000000100000000000"
    "0000000063c39d1a66f3855e000000000c66000359395a3a18139cb255e159d40ea0c041"
    "55e159d40ea0c0410000000100000024010007010100d409000000005e85f3661a9dc363"
    "00000000000000000300660c4cff6b990000000000000001";

static const char V2_STATFS_CALL[] =
    "5e1d0b950000000000000002000186a300000002000000110000000100000034384775d0"
    "00000009776572726d736368650000000000000000000001000000050000000100000000"
    "000000020000000300000011000000000000000000101085000003e7000a00000000b25a"
    "00000029000a00000000b25a00000029";

static const char V2_STATFS_REPLY[] =
    "5e1d0b950000000100000000000000000000000000000000000000000000200000000400"
    "000fa00000065da600065280";

static const char V2_LOOKUP_CALL[] =
    "5e1d0b960000000000000002000186a300000002000000040000000100000034384775d0"
    "00000009776572726d736368650000000000000000000001000000050000000100000000"
    "000000020000000300000011000000000000000000101085000003e7000a00000000b25a"
    "00000029000a00000000b25a000000290000000161000000";

static const char V2_LOOKUP_REPLY[] =
    "5e1d0b96000000010000000000000000000000000000000000000002";

static const char V4_WRITE_CALL[] =
    "800000e0a2d3d4270000000000000002000186a300000004000000010000000100000024"
    "00470901000000096e65746170702d3236000000000003e8000003e800000001000003e8"
    "000000000000000000000000000000010000000300000035000002d2e014820000000000"
    "000004020000001700000000000000000000000100000016000000300103000000000000"
    "000000008472000023a6c01200f2fa8000000000000000000101000000f2fa8000000000"
    "200000000000002600000000028214e05b0089d904000000000000000000000000000002"
    "00000005746573740a000000";

static const char V4_WRITE_REPLY[] =
    "80000070a2d3d42700000001000000000000000000000000000000000000000000000000"
    "000000030000003500000000000002d2e014820000000000000004020000001700000000"
    "0000003f0000003f00000000000000160000000000000026000000000000000500000002"
    "0000000000000000";

static const char V4_CLOSE_CALL[] =
    "800000bca3d3d4270000000000000002000186a300000004000000010000000100000024"
    "00470901000000096e65746170702d3236000000000003e8000003e800000001000003e8"
    "000000000000000000000000000000010000000300000035000002d2e014820000000000"
    "000004020000001800000000000000000000000100000016000000200101000000000000"
    "000000008472000023a6c01200f2fa800000000000000000000000040000000000000001"
    "008214e05b0088d904000000";

static const char V4_CLOSE_REPLY[] =
    "80000070a3d3d42700000001000000000000000000000000000000000000000000000000"
    "000000030000003500000000000002d2e014820000000000000004020000001800000000"
    "0000003f0000003f0000000000000016000000000000000400000000ffffffff00000000"
    "0000000000000000";

static uint8_t *unhex(const char *h, uint32_t *n)
{
	size_t l = strlen(h) / 2;
	uint8_t *out = malloc(l ? l : 1); /* exact size: reads past it are caught */
	for (size_t i = 0; i < l; i++)
		out[i] = (uint8_t)strtoul((char[]){h[2 * i], h[2 * i + 1], 0}, NULL, 16);
	*n = (uint32_t)l;
	return out;
}

/* Feeds hex bytes in pieces of `step` (0: whole), each piece exactly sized. */
static void feed(struct nfs_state *s, enum app_dir dir, const char *hex, uint32_t step,
		 uint32_t flags)
{
	uint32_t n;
	uint8_t *b = unhex(hex, &n);
	uint32_t k = step ? step : n;
	if (n == 0) /* only the flags (end of the direction) */
		assert_int_equal(nfs_parse(s, dir, b, 0, flags), APP_PARSE_OK);
	for (uint32_t off = 0; off < n; off += k) {
		uint32_t c = n - off < k ? n - off : k;
		uint8_t *piece = malloc(c);
		memcpy(piece, b + off, c);
		assert_int_equal(nfs_parse(s, dir, piece, c, off + c == n ? flags : 0),
				 APP_PARSE_OK);
		free(piece);
	}
	free(b);
}

static char *eve_of(const struct nfs_state *s, const struct nfs_tx *tx)
{
	struct json j;
	json_init(&j);
	json_open_object(&j, NULL);
	nfs_tx_log_json(&j, s, tx);
	json_close_object(&j);
	char *out = strndup(j.buf, j.len);
	json_free(&j);
	return out;
}

static void check_readdirplus(uint32_t step)
{
	struct nfs_state *s = nfs_state_new(true, 0);
	feed(s, APP_TOSERVER, RDP_CALL, step, 0);
	assert_int_equal(nfs_tx_count(s), 1);
	const struct nfs_tx *tx = nfs_tx_get(s, 0);
	assert_true(tx->request_done);
	assert_false(tx->response_done);
	feed(s, APP_TOCLIENT, RDP_REPLY, step, 0);
	assert_true(tx->response_done);
	assert_int_equal(tx->procedure, 17);
	assert_int_equal(tx->nfs_version, 3);
	char *e = eve_of(s, tx);
	assert_string_equal(e, "{\"rpc\":{\"xid\":3391488638,\"status\":\"ACCEPTED\",\"auth_type\":"
			       "\"UNIX\",\"creds\":{\"machine_name\":\"z440\",\"uid\":1000,"
			       "\"gid\":1000}},\"nfs\":{\"version\":3,\"procedure\":\"READDIRPLUS\","
			       "\"filename\":\"\",\"hhash\":\"23ea69b6\",\"id\":1,\"file_tx\":false,"
			       "\"type\":\"response\",\"status\":\"OK\"}}");
	free(e);
	assert_int_equal(tx->events, 0);
	nfs_state_free(s);
}

static void test_readdirplus_whole(void **st)
{
	(void)st;
	check_readdirplus(0);
}

static void test_readdirplus_bytewise(void **st)
{
	(void)st;
	check_readdirplus(1);
	check_readdirplus(7);
}

/* The reply cut short (the rest never comes): no response yet, nothing
 * read past the end; a record cut in its header likewise. */
static void test_truncated(void **st)
{
	(void)st;
	struct nfs_state *s = nfs_state_new(true, 0);
	feed(s, APP_TOSERVER, RDP_CALL, 0, 0);
	char cut[256];
	memcpy(cut, RDP_REPLY, 198);
	cut[198] = 0;
	feed(s, APP_TOCLIENT, cut, 0, 0);
	assert_false(nfs_tx_get(s, 0)->response_done);
	feed(s, APP_TOCLIENT, "8000", 0, 0);
	assert_false(nfs_tx_get(s, 0)->response_done);
	nfs_state_free(s);

	/* a UDP call cut inside its arguments (the directory handle): the
	 * transaction is made, with malformed_data */
	s = nfs_state_new(false, 0);
	memcpy(cut, V2_LOOKUP_CALL, 200);
	cut[200] = 0;
	feed(s, APP_TOSERVER, cut, 0, 0);
	assert_int_equal(nfs_tx_count(s), 1);
	assert_true(nfs_tx_get(s, 0)->events & (1u << NFS_EV_MALFORMED_DATA));
	nfs_state_free(s);
}

/* A reply whose xid matches no call, a record mark of a huge record, a
 * call of another RPC program: no transaction, no crash. */
static void test_corrupted(void **st)
{
	(void)st;
	struct nfs_state *s = nfs_state_new(true, 0);
	feed(s, APP_TOSERVER, RDP_CALL, 0, 0);
	char *bad = strdup(RDP_REPLY);
	memcpy(bad + 8, "deadbeef", 8); /* the xid */
	feed(s, APP_TOCLIENT, bad, 0, 0);
	assert_false(nfs_tx_get(s, 0)->response_done);
	free(bad);
	/* a record of 2 GiB - 1: skipped, event set */
	feed(s, APP_TOSERVER, "fffffffff00d", 0, 0);
	assert_true(nfs_tx_get(s, 0)->events & (1u << NFS_EV_MALFORMED_DATA));
	nfs_state_free(s);

	s = nfs_state_new(false, 0);
	bad = strdup(V2_STATFS_CALL);
	/* another program on the NFS flow (mount, 100005): read by its
	 * version, as Suricata does (NFSACL calls make transactions) */
	memcpy(bad + 24, "000186a5", 8);
	feed(s, APP_TOSERVER, bad, 0, 0);
	assert_int_equal(nfs_tx_count(s), 1);
	assert_int_equal(nfs_tx_get(s, 0)->events, 0);
	/* version 9: no transaction, non_existing_version on the last one */
	memcpy(bad + 24, "000186a3000000090", 17);
	feed(s, APP_TOSERVER, bad, 0, 0);
	assert_int_equal(nfs_tx_count(s), 1);
	assert_true(nfs_tx_get(s, 0)->events & (1u << NFS_EV_NON_EXISTING_VERSION));
	free(bad);
	nfs_state_free(s);
}

static void test_v2_udp(void **st)
{
	(void)st;
	struct nfs_state *s = nfs_state_new(false, 0);
	feed(s, APP_TOSERVER, V2_STATFS_CALL, 0, 0);
	feed(s, APP_TOCLIENT, V2_STATFS_REPLY, 0, 0);
	feed(s, APP_TOSERVER, V2_LOOKUP_CALL, 0, 0);
	feed(s, APP_TOCLIENT, V2_LOOKUP_REPLY, 0, 0);
	assert_int_equal(nfs_tx_count(s), 2);
	const struct nfs_tx *tx = nfs_tx_get(s, 0);
	char *e = eve_of(s, tx);
	assert_non_null(strstr(e, "\"nfs\":{\"version\":2,\"procedure\":\"STATFS\",\"filename\":\"\","
				  "\"id\":1,"));
	/* Suricata reads AUTH_UNIX without the machine name's padding */
	assert_non_null(strstr(e, "\"creds\":{\"machine_name\":\"werrmsche\",\"uid\":0,\"gid\":0}"));
	free(e);
	tx = nfs_tx_get(s, 1);
	assert_int_equal(tx->procedure, 4);
	assert_int_equal(tx->file_name.len, 1);
	assert_memory_equal(tx->file_name.p, "a", 1);
	e = eve_of(s, tx);
	assert_non_null(strstr(e, "\"procedure\":\"LOOKUP\",\"filename\":\"a\""));
	assert_non_null(strstr(e, "\"status\":\"ERR_NOENT\""));
	free(e);
	assert_int_equal(nfs_state_version(s), 2);
	int64_t p = nfs_procedure_by_name(2, "statfs");
	assert_int_equal(p, 17);
	nfs_state_free(s);
}

static void check_v4_write(uint32_t step)
{
	struct nfs_state *s = nfs_state_new(true, APP_FILE_MD5);
	feed(s, APP_TOSERVER, V4_WRITE_CALL, step, 0);
	feed(s, APP_TOCLIENT, V4_WRITE_REPLY, step, 0);
	assert_int_equal(nfs_tx_count(s), 1);
	const struct nfs_tx *tx = nfs_tx_get(s, 0);
	assert_true(tx->is_file_tx);
	/* a FILE_SYNC write is taken as the whole file */
	assert_int_equal(tx->file.state, APP_FILE_CLOSED);
	assert_true(tx->is_first && tx->is_last);
	assert_int_equal(tx->chunk_count, 0);
	feed(s, APP_TOSERVER, V4_CLOSE_CALL, step, 0);
	feed(s, APP_TOCLIENT, V4_CLOSE_REPLY, step, 0);
	assert_int_equal(nfs_tx_count(s), 1);
	assert_int_equal(tx->file.state, APP_FILE_CLOSED);
	struct app_file_info fi;
	assert_true(app_nfs.tx_file(tx, 0, &fi));
	assert_int_equal(fi.size, 5);
	assert_false(app_nfs.tx_file(tx, 1, &fi));
	assert_true(tx->request_done);
	/* the file transaction waits for the end of the flow, as Suricata's */
	assert_int_equal(app_nfs.tx_log(s, tx, false), APP_LOG_WAIT);
	feed(s, APP_TOSERVER, "", 0, APP_CHUNK_EOF);
	feed(s, APP_TOCLIENT, "", 0, APP_CHUNK_EOF);
	assert_int_equal(app_nfs.tx_log(s, tx, false), APP_LOG_NOW);
	char *e = eve_of(s, tx);
	assert_string_equal(e, "{\"rpc\":{\"xid\":2731791399,\"status\":\"ACCEPTED\",\"auth_type\":"
			       "\"NULL\"},\"nfs\":{\"version\":4,\"procedure\":\"WRITE\","
			       "\"filename\":\"\",\"hhash\":\"a4c60877\",\"id\":1,\"file_tx\":true,"
			       "\"type\":\"response\",\"status\":\"OK\"}}");
	free(e);
	nfs_state_free(s);
}

static void test_v4_write(void **st)
{
	(void)st;
	check_v4_write(0);
	check_v4_write(3);
}

static void test_probes(void **st)
{
	(void)st;
	uint32_t n;
	uint8_t *b = unhex(RDP_CALL, &n);
	assert_int_equal(nfs_probe(true, APP_TOSERVER, b, n), APP_PROBE_MATCH);
	assert_int_equal(nfs_probe(true, APP_TOSERVER, b, 6), APP_PROBE_NEED_MORE);
	assert_int_equal(nfs_probe(false, APP_TOSERVER, b + 4, n - 4), APP_PROBE_MATCH);
	free(b);
	b = unhex(RDP_REPLY, &n);
	assert_int_equal(nfs_probe(true, APP_TOCLIENT, b, n), APP_PROBE_MATCH);
	assert_int_equal(nfs_probe(true, APP_TOSERVER, b, n), APP_PROBE_NO);
	free(b);
	/* UDP NFSv4 calls are not NFS to Suricata's probe; 40-byte NULL calls
	 * neither (48 bytes at least) */
	b = unhex(V2_STATFS_CALL, &n);
	assert_int_equal(nfs_probe(false, APP_TOSERVER, b, n), APP_PROBE_MATCH);
	assert_int_equal(nfs_probe(false, APP_TOSERVER, b, 40), APP_PROBE_NO);
	b[19] = 4;
	assert_int_equal(nfs_probe(false, APP_TOSERVER, b, n), APP_PROBE_NO);
	free(b);
	assert_int_equal(nfs_probe(true, APP_TOSERVER, (const uint8_t *)"GET / HTTP/1.1\r\n", 16),
			 APP_PROBE_NO);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_readdirplus_whole), cmocka_unit_test(test_readdirplus_bytewise),
	    cmocka_unit_test(test_truncated),	      cmocka_unit_test(test_corrupted),
	    cmocka_unit_test(test_v2_udp),	      cmocka_unit_test(test_v4_write),
	    cmocka_unit_test(test_probes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
