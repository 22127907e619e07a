/*
 * test_smb.c — app/smb*.c through its descriptor (app_smb): a real SMB2
 * conversation (negotiate, NTLMSSP session setup, tree connects, creates,
 * a DCERPC bind on \srvsvc and an ioctl call) whose EVE objects must be
 * the ones Suricata 7.0.4 logged for the same capture (reference corpus);
 * the same bytes byte by byte; every truncation of the session setup and
 * corrupted variants with their events; SMB1 (negotiate, session setup,
 * tree connect to IPC$); a Kerberos ticket split over two segments;
 * compounded and async records built from the real ones; files written
 * in and out of order, overlapping, streamed over many segments; the
 * transaction bound; gaps; SMB3 transform records; probes; keyword
 * accessors.  Vectors: test_smb_vectors.h.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "app/dcerpc.h"
#include "app/smb.h"
#include "util/json.h"

#include "test_smb_vectors.h"

#define ALL_HASHES (APP_FILE_MD5 | APP_FILE_SHA1 | APP_FILE_SHA256)

/* ------------------------------------------------------------ helpers */

static struct smb_state *st_new(const struct smb_config *cfg)
{
	struct app_flow_info fi = {
	    .tcp = true, .server_port = 445, .cfg = cfg, .file_hashes = ALL_HASHES};
	struct smb_state *s = app_smb.state_new(&fi);
	assert_non_null(s);
	return s;
}

static void feed(struct smb_state *s, enum app_dir d, const uint8_t *b, size_t n)
{
	assert_int_equal(app_smb.parse(s, d, b, (uint32_t)n, 0), APP_PARSE_OK);
}

static void feed_bytewise(struct smb_state *s, enum app_dir d, const uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint8_t *c = malloc(1);
		assert_non_null(c);
		*c = b[i];
		assert_int_equal(app_smb.parse(s, d, c, 1, 0), APP_PARSE_OK);
		free(c);
	}
}

static const struct smb_tx *tx_at(const struct smb_state *s, uint64_t id)
{
	const struct smb_tx *tx = smb_tx_get(s, id);
	assert_non_null(tx);
	return tx;
}

static char *eve(const struct smb_state *s, const struct smb_tx *tx)
{
	struct json j;
	json_init(&j);
	json_open_object(&j, NULL);
	smb_tx_log_json(&j, s, tx);
	json_close_object(&j);
	char *out = strdup(j.buf);
	json_free(&j);
	return out;
}

static void assert_eve(const struct smb_state *s, uint64_t id, const char *want)
{
	char *got = eve(s, tx_at(s, id));
	assert_string_equal(got, want);
	free(got);
}

#define V(x) x, sizeof(x)

/* The smb2.pcap conversation, each record whole or byte by byte. */
static void feed_smb2_session(struct smb_state *s, bool bytewise)
{
	const struct {
		const uint8_t *b;
		size_t n;
		enum app_dir d;
	} seq[] = {
	    {V(v2_neg1_req), APP_TOSERVER},  {V(v2_neg2_resp), APP_TOCLIENT},
	    {V(v2_ss1_req), APP_TOSERVER},   {V(v2_ss1_resp), APP_TOCLIENT},
	    {V(v2_ss2_req), APP_TOSERVER},   {V(v2_ss2_resp), APP_TOCLIENT},
	    {V(v2_tc_req), APP_TOSERVER},    {V(v2_tc_resp), APP_TOCLIENT},
	    {V(v2_cr_req), APP_TOSERVER},    {V(v2_cr_resp), APP_TOCLIENT},
	    {V(v2_tc2_req), APP_TOSERVER},   {V(v2_tc2_resp), APP_TOCLIENT},
	    {V(v2_cr2_req), APP_TOSERVER},   {V(v2_cr2_resp), APP_TOCLIENT},
	    {V(v2_wr_req), APP_TOSERVER},    {V(v2_wr_resp), APP_TOCLIENT},
	    {V(v2_rd_req), APP_TOSERVER},    {V(v2_rd_resp), APP_TOCLIENT},
	    {V(v2_ioctl_req), APP_TOSERVER}, {V(v2_ioctl_resp), APP_TOCLIENT},
	};
	for (size_t i = 0; i < sizeof(seq) / sizeof(seq[0]); i++) {
		if (bytewise)
			feed_bytewise(s, seq[i].d, seq[i].b, seq[i].n);
		else
			feed(s, seq[i].d, seq[i].b, seq[i].n);
	}
}

/* What Suricata 7.0.4 logged for these transactions of smb2.pcap. */
static const char *const smb2_ref[] = {
    "{\"id\":1,\"dialect\":\"2.02\",\"command\":\"SMB1_COMMAND_NEGOTIATE_PROTOCOL\",\"status\":"
    "\"STATUS_SUCCESS\",\"status_code\":\"0x0\",\"session_id\":0,\"tree_id\":0,\"client_dialects\":"
    "[\"PC NETWORK PROGRAM 1.0\",\"LANMAN1.0\",\"Windows for Workgroups 3.1a\",\"LM1.2X002\","
    "\"LANMAN2.1\",\"NT LM 0.12\",\"SMB 2.002\"],\"server_guid\":\"e6fa9a19-c50f-49c1-6bb7-"
    "fbe512f1c6d1\",\"max_read_size\":65536,\"max_write_size\":65536}",
    "{\"id\":2,\"dialect\":\"2.02\",\"command\":\"SMB2_COMMAND_SESSION_SETUP\",\"status\":"
    "\"STATUS_MORE_PROCESSING_REQUIRED\",\"status_code\":\"0xc0000016\",\"session_id\":"
    "4398046511109,\"tree_id\":0}",
    "{\"id\":3,\"dialect\":\"2.02\",\"command\":\"SMB2_COMMAND_SESSION_SETUP\",\"status\":"
    "\"STATUS_SUCCESS\",\"status_code\":\"0x0\",\"session_id\":4398046511109,\"tree_id\":0,"
    "\"ntlmssp\":{\"domain\":\"CONTOSO\",\"user\":\"Administrator\",\"host\":\"SERVER01\","
    "\"version\":\"6.0 build 6001 rev 15\"}}",
    "{\"id\":4,\"dialect\":\"2.02\",\"command\":\"SMB2_COMMAND_TREE_CONNECT\",\"status\":"
    "\"STATUS_SUCCESS\",\"status_code\":\"0x0\",\"session_id\":4398046511109,\"tree_id\":1,"
    "\"share\":\"\\\\\\\\10.0.0.12\\\\smb2\",\"share_type\":\"FILE\"}",
    "{\"id\":5,\"dialect\":\"2.02\",\"command\":\"SMB2_COMMAND_CREATE\",\"status\":"
    "\"STATUS_SUCCESS\",\"status_code\":\"0x0\",\"session_id\":4398046511109,\"tree_id\":1,"
    "\"filename\":\"<share_root>\",\"disposition\":\"FILE_OPEN\",\"access\":\"normal\","
    "\"created\":1322343963,\"accessed\":1323202604,\"modified\":1323202604,\"changed\":"
    "1323202604,\"size\":8192,\"fuid\":\"00000045-0000-0000-0001-0000ffffffff\"}",
    "{\"id\":6,\"dialect\":\"2.02\",\"command\":\"SMB2_COMMAND_TREE_CONNECT\",\"status\":"
    "\"STATUS_SUCCESS\",\"status_code\":\"0x0\",\"session_id\":4398046511109,\"tree_id\":5,"
    "\"named_pipe\":\"\\\\\\\\10.0.0.12\\\\IPC$\",\"share_type\":\"PIPE\"}",
    "{\"id\":7,\"dialect\":\"2.02\",\"command\":\"SMB2_COMMAND_CREATE\",\"status\":"
    "\"STATUS_SUCCESS\",\"status_code\":\"0x0\",\"session_id\":4398046511109,\"tree_id\":5,"
    "\"filename\":\"srvsvc\",\"disposition\":\"FILE_OPEN\",\"access\":\"normal\",\"created\":0,"
    "\"accessed\":0,\"modified\":0,\"changed\":0,\"size\":0,\"fuid\":\"00000049-0000-0000-0005-"
    "0000ffffffff\"}",
    "{\"id\":8,\"dialect\":\"2.02\",\"command\":\"SMB2_COMMAND_WRITE\",\"status\":"
    "\"STATUS_SUCCESS\",\"status_code\":\"0x0\",\"session_id\":4398046511109,\"tree_id\":5,"
    "\"dcerpc\":{\"request\":\"BIND\",\"response\":\"BINDACK\",\"interfaces\":[{\"uuid\":"
    "\"4b324fc8-1670-01d3-1278-5a47bf6ee188\",\"version\":\"3.0\",\"ack_result\":0,"
    "\"ack_reason\":0},{\"uuid\":\"4b324fc8-1670-01d3-1278-5a47bf6ee188\",\"version\":\"3.0\","
    "\"ack_result\":3,\"ack_reason\":0}],\"call_id\":1}}",
};

/* ------------------------------------------------------------ SMB2 */

static void check_smb2_session(struct smb_state *s)
{
	assert_int_equal(smb_tx_count(s), 9);
	for (uint64_t i = 0; i < sizeof(smb2_ref) / sizeof(smb2_ref[0]); i++)
		assert_eve(s, i, smb2_ref[i]);
	/* the ioctl on \srvsvc: a DCERPC request, opnum 16 */
	const struct smb_tx *io = tx_at(s, 8);
	assert_int_equal(io->type, SMB_TX_DCERPC);
	const struct dcerpc_tx *d = smb_tx_dcerpc(io);
	assert_non_null(d);
	assert_int_equal(d->req_type, DCERPC_TYPE_REQUEST);
	assert_int_equal(d->opnum, 16);
	assert_true(io->req_done && io->resp_done);
	for (uint64_t i = 0; i < 9; i++)
		assert_true(tx_at(s, i)->req_done && tx_at(s, i)->resp_done);
}

static void test_smb2_session(void **state)
{
	(void)state;
	struct smb_state *s = st_new(NULL);
	feed_smb2_session(s, false);
	check_smb2_session(s);
	assert_int_equal(smb_state_dialect(s), 0x0202);
	app_smb.state_free(s);
}

static void test_smb2_session_bytewise(void **state)
{
	(void)state;
	struct smb_state *s = st_new(NULL);
	feed_smb2_session(s, true);
	check_smb2_session(s);
	app_smb.state_free(s);
}

static void test_keyword_accessors(void **state)
{
	(void)state;
	struct smb_state *s = st_new(NULL);
	feed_smb2_session(s, false);
	const uint8_t *d;
	uint32_t n;
	assert_true(smb_tx_ntlmssp_user(tx_at(s, 2), &d, &n));
	assert_int_equal(n, 13);
	assert_memory_equal(d, "Administrator", 13);
	assert_true(smb_tx_ntlmssp_domain(tx_at(s, 2), &d, &n));
	assert_memory_equal(d, "CONTOSO", 7);
	assert_false(smb_tx_ntlmssp_user(tx_at(s, 1), &d, &n));
	assert_true(smb_tx_share(tx_at(s, 3), &d, &n));
	assert_false(smb_tx_named_pipe(tx_at(s, 3), &d, &n));
	assert_true(smb_tx_named_pipe(tx_at(s, 5), &d, &n));
	assert_int_equal(n, 16);
	assert_memory_equal(d, "\\\\10.0.0.12\\IPC$", 16);
	assert_false(smb_tx_share(tx_at(s, 5), &d, &n));
	assert_int_equal(smb_tx_version(tx_at(s, 0)), 1);
	assert_int_equal(smb_tx_version(tx_at(s, 4)), 2);
	struct dcerpc_view v;
	assert_true(smb_tx_dcerpc_view(tx_at(s, 8), &v));
	assert_true(v.has_request);
	assert_int_equal(v.opnum, 16);
	assert_false(smb_tx_dcerpc_view(tx_at(s, 4), &v));
	app_smb.state_free(s);
}

/* Every truncation of the NTLMSSP session setup request (NBSS length
 * kept): nothing is parsed until the record is whole, then it is. */
static void test_session_setup_truncations(void **state)
{
	(void)state;
	for (size_t cut = 0; cut < sizeof(v2_ss2_req); cut++) {
		struct smb_state *s = st_new(NULL);
		uint8_t *b = malloc(cut ? cut : 1);
		memcpy(b, v2_ss2_req, cut);
		feed(s, APP_TOSERVER, b, cut);
		assert_int_equal(smb_tx_count(s), 0);
		feed(s, APP_TOSERVER, v2_ss2_req + cut, sizeof(v2_ss2_req) - cut);
		assert_int_equal(smb_tx_count(s), 1);
		assert_true(tx_at(s, 0)->has_ntlmssp);
		free(b);
		app_smb.state_free(s);
	}
}

/* A record whose NBSS length is cut to each shorter value (the SMB2 and
 * NTLMSSP parsers see a short record): never a crash or a read past it. */
static void test_session_setup_short_records(void **state)
{
	(void)state;
	for (size_t len = 0; len + 4 < sizeof(v2_ss2_req); len++) {
		struct smb_state *s = st_new(NULL);
		uint8_t *b = malloc(len + 4);
		memcpy(b, v2_ss2_req, len + 4);
		b[1] = (uint8_t)(len >> 16);
		b[2] = (uint8_t)(len >> 8);
		b[3] = (uint8_t)len;
		enum app_parse_result r = app_smb.parse(s, APP_TOSERVER, b, (uint32_t)len + 4, 0);
		if (len < 4 + 64 - 4 && len >= 4) {
			/* too short for an SMB2 header: malformed */
			assert_int_equal(r, APP_PARSE_ERROR);
		}
		if (smb_tx_count(s) == 1)
			assert_false(tx_at(s, 0)->has_ntlmssp &&
				     len < sizeof(v2_ss2_req) - 4 - 100);
		free(b);
		app_smb.state_free(s);
	}
}

static void test_corrupted(void **state)
{
	(void)state;
	/* bad magic after a valid NBSS header: malformed, direction given up */
	struct smb_state *s = st_new(NULL);
	feed(s, APP_TOSERVER, V(v2_tc_req));
	uint8_t b[sizeof(v2_cr_req)];
	memcpy(b, v2_cr_req, sizeof(b));
	b[5] = 'X';
	assert_int_equal(app_smb.parse(s, APP_TOSERVER, b, sizeof(b), 0), APP_PARSE_ERROR);
	assert_true(tx_at(s, 0)->events & (1u << SMB_EV_MALFORMED_DATA));
	assert_int_equal(app_smb.parse(s, APP_TOSERVER, V(v2_cr_req), 0), APP_PARSE_ERROR);
	app_smb.state_free(s);

	/* NTLMSSP user offset pointing past the blob: no ntlmssp, still a tx */
	s = st_new(NULL);
	uint8_t c[sizeof(v2_ss2_req)];
	memcpy(c, v2_ss2_req, sizeof(c));
	uint8_t *sig = memmem(c, sizeof(c), "NTLMSSP", 8);
	assert_non_null(sig);
	/* user field: signature + 12 + 3 * 8 (lm, ntlm, domain) + 4 = offset */
	sig[12 + 3 * 8 + 4] = 0xff;
	sig[12 + 3 * 8 + 5] = 0x7f;
	feed(s, APP_TOSERVER, c, sizeof(c));
	assert_int_equal(smb_tx_count(s), 1);
	assert_false(tx_at(s, 0)->has_ntlmssp);
	app_smb.state_free(s);

	/* a response on the to-server side: response_to_server */
	s = st_new(NULL);
	feed(s, APP_TOSERVER, V(v2_tc_req));
	feed(s, APP_TOSERVER, V(v2_tc_resp));
	assert_true(tx_at(s, 0)->events & (1u << SMB_EV_RESPONSE_TO_SERVER));
	feed(s, APP_TOCLIENT, V(v2_cr_req));
	assert_true(tx_at(s, 0)->events & (1u << SMB_EV_REQUEST_TO_CLIENT));
	app_smb.state_free(s);
}

/* Two real requests compounded (NextCommand, 8-byte aligned). */
static void test_compound(void **state)
{
	(void)state;
	size_t a = sizeof(v2_tc_req) - 4, b = sizeof(v2_cr_req) - 4;
	size_t pad = (8 - a % 8) % 8;
	size_t n = 4 + a + pad + b;
	uint8_t *m = calloc(1, n);
	m[1] = (uint8_t)((n - 4) >> 16);
	m[2] = (uint8_t)((n - 4) >> 8);
	m[3] = (uint8_t)(n - 4);
	memcpy(m + 4, v2_tc_req + 4, a);
	uint32_t next = (uint32_t)(a + pad);
	memcpy(m + 4 + 20, &next, 4); /* little-endian host */
	memcpy(m + 4 + a + pad, v2_cr_req + 4, b);
	struct smb_state *s = st_new(NULL);
	feed(s, APP_TOSERVER, m, n);
	assert_int_equal(smb_tx_count(s), 2);
	assert_int_equal(tx_at(s, 0)->type, SMB_TX_TREECONNECT);
	assert_int_equal(tx_at(s, 1)->type, SMB_TX_CREATE);
	/* NextCommand past the record: malformed */
	next = (uint32_t)n;
	memcpy(m + 4 + 20, &next, 4);
	struct smb_state *s2 = st_new(NULL);
	assert_int_equal(app_smb.parse(s2, APP_TOSERVER, m, (uint32_t)n, 0), APP_PARSE_ERROR);
	free(m);
	app_smb.state_free(s);
	app_smb.state_free(s2);
}

/* An interim STATUS_PENDING response with the async flag (no tree id),
 * then the final one: one transaction, completed by the final answer. */
static void test_async_response(void **state)
{
	(void)state;
	struct smb_state *s = st_new(NULL);
	feed_smb2_session(s, false);
	/* a CLOSE-like generic request: reuse the tree connect request with
	 * another message id and command FLUSH (7) */
	uint8_t req[sizeof(v2_tc_req)];
	memcpy(req, v2_tc_req, sizeof(req));
	req[4 + 12] = 7;
	req[4 + 24] = 0x40;
	feed(s, APP_TOSERVER, req, sizeof(req));
	uint64_t id = smb_tx_count(s) - 1;
	assert_int_equal(tx_at(s, id)->cmd2, 7);
	uint8_t resp[sizeof(v2_tc_resp)];
	memcpy(resp, v2_tc_resp, sizeof(resp));
	resp[4 + 12] = 7;
	resp[4 + 24] = 0x40;
	resp[4 + 16] |= 0x02;			/* async */
	memset(resp + 4 + 32, 0xaa, 8);		/* async id in place of the tree id */
	resp[4 + 8] = 0x03, resp[4 + 9] = 0x01; /* STATUS_PENDING 0x103 */
	resp[4 + 10] = 0, resp[4 + 11] = 0;
	feed(s, APP_TOCLIENT, resp, sizeof(resp));
	assert_false(tx_at(s, id)->resp_done);
	assert_int_equal(tx_at(s, id)->status, 0x103);
	resp[4 + 8] = 0, resp[4 + 9] = 0; /* STATUS_SUCCESS */
	feed(s, APP_TOCLIENT, resp, sizeof(resp));
	assert_true(tx_at(s, id)->resp_done);
	assert_int_equal(tx_at(s, id)->status, 0);
	assert_int_equal(smb_tx_count(s), id + 1);
	app_smb.state_free(s);
}

/* ------------------------------------------------------------ files */

/* An SMB2 record: header (64) + body, NBSS framed, into out. */
static size_t smb2_rec(uint8_t *out, uint16_t cmd, bool response, uint32_t status, uint64_t msg,
		       const uint8_t *body, size_t blen)
{
	uint8_t *h = out + 4;
	memset(h, 0, 64);
	h[0] = 0xfe, h[1] = 'S', h[2] = 'M', h[3] = 'B';
	h[4] = 64;
	memcpy(h + 8, &status, 4);
	memcpy(h + 12, &cmd, 2);
	h[16] = response ? 1 : 0;
	memcpy(h + 24, &msg, 8);
	h[36] = 1;    /* tree id 1 */
	h[40] = 0x55; /* session */
	memcpy(h + 64, body, blen);
	size_t n = 64 + blen;
	out[0] = 0;
	out[1] = (uint8_t)(n >> 16);
	out[2] = (uint8_t)(n >> 8);
	out[3] = (uint8_t)n;
	return n + 4;
}

static const uint8_t FILE_GUID[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};

static size_t write_req(uint8_t *out, uint64_t msg, uint64_t off, const uint8_t *d, uint32_t n)
{
	uint8_t body[48 + 4096];
	memset(body, 0, 48);
	body[0] = 49;
	body[2] = 0x70;
	memcpy(body + 4, &n, 4);
	memcpy(body + 8, &off, 8);
	memcpy(body + 16, FILE_GUID, 16);
	memcpy(body + 48, d, n);
	return smb2_rec(out, 9, false, 0, msg, body, 48 + n);
}

static size_t close_req(uint8_t *out, uint64_t msg)
{
	uint8_t body[24] = {24};
	memcpy(body + 8, FILE_GUID, 16);
	return smb2_rec(out, 6, false, 0, msg, body, sizeof(body));
}

static void md5_of(const uint8_t *d, size_t n, uint8_t out[16])
{
	unsigned int l = 16;
	EVP_Digest(d, n, out, &l, EVP_md5(), NULL);
}

static void test_file_out_of_order_and_overlap(void **state)
{
	(void)state;
	struct smb_state *s = st_new(NULL);
	uint8_t rec[8192];
	const uint8_t *content = (const uint8_t *)"0123456789abcdefghij";
	feed(s, APP_TOSERVER, rec, write_req(rec, 10, 10, content + 10, 10));
	assert_int_equal(smb_tx_count(s), 1);
	const struct smb_tx *tx = tx_at(s, 0);
	assert_int_equal(tx->type, SMB_TX_FILE);
	assert_int_equal(tx->file.size, 0); /* queued */
	feed(s, APP_TOSERVER, rec, write_req(rec, 11, 0, content, 10));
	assert_int_equal(tx->file.size, 20);
	assert_int_equal(smb_tx_count(s), 1);
	/* overlap: behind what the file has */
	feed(s, APP_TOSERVER, rec, write_req(rec, 12, 5, content + 5, 5));
	assert_true(tx->events & (1u << SMB_EV_FILE_OVERLAP));
	feed(s, APP_TOSERVER, rec, close_req(rec, 13));
	struct app_file_info fi;
	assert_true(app_smb.tx_file(tx, 0, &fi));
	assert_int_equal(fi.state, APP_FILE_CLOSED);
	assert_int_equal(fi.size, 20);
	assert_false(fi.gaps);
	uint8_t md5[16];
	md5_of(content, 20, md5);
	assert_memory_equal(fi.md5, md5, 16);
	assert_true(tx->req_done && tx->resp_done);
	assert_false(app_smb.tx_file(tx, 1, &fi));
	app_smb.state_free(s);
}

/* A write record of 3000 bytes streamed in 100-byte segments: the file
 * gets every byte without the record being buffered whole. */
static void test_file_streamed(void **state)
{
	(void)state;
	struct smb_state *s = st_new(NULL);
	uint8_t data[3000];
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 7);
	uint8_t rec[8192];
	size_t n = write_req(rec, 20, 0, data, sizeof(data));
	for (size_t off = 0; off < n; off += 100)
		feed(s, APP_TOSERVER, rec + off, n - off < 100 ? n - off : 100);
	/* a following record still parses */
	feed(s, APP_TOSERVER, rec, close_req(rec, 21));
	const struct smb_tx *tx = tx_at(s, 0);
	struct app_file_info fi;
	assert_true(app_smb.tx_file(tx, 0, &fi));
	assert_int_equal(fi.state, APP_FILE_CLOSED);
	assert_int_equal(fi.size, sizeof(data));
	uint8_t md5[16];
	md5_of(data, sizeof(data), md5);
	assert_memory_equal(fi.md5, md5, 16);
	app_smb.state_free(s);
}

/* A gap inside a streamed write: the file has gaps, the direction
 * resynchronises on the next record. */
static void test_gap_resync(void **state)
{
	(void)state;
	struct smb_state *s = st_new(NULL);
	uint8_t data[2000];
	memset(data, 'z', sizeof(data));
	uint8_t rec[8192];
	size_t n = write_req(rec, 30, 0, data, sizeof(data));
	feed(s, APP_TOSERVER, rec, 600);
	/* the rest of the record is lost; then garbage and a close */
	uint8_t tail[16 + 200];
	memset(tail, 0x41, 16);
	size_t cl = close_req(tail + 16, 31);
	assert_int_equal(app_smb.parse(s, APP_TOSERVER, tail, (uint32_t)(16 + cl), APP_CHUNK_GAP),
			 APP_PARSE_OK);
	const struct smb_tx *tx = tx_at(s, 0);
	struct app_file_info fi;
	assert_true(app_smb.tx_file(tx, 0, &fi));
	assert_true(fi.gaps);
	assert_int_equal(fi.state, APP_FILE_CLOSED);
	assert_int_equal(fi.hashes, 0);
	(void)n;
	app_smb.state_free(s);
}

/* Out-of-order chunks beyond the built-in queue bound (no setting): the
 * excess is dropped and counted, the file ends with a gap. */
static void test_file_queue_bound(void **state)
{
	(void)state;
	struct smb_state *s = st_new(NULL);
	uint8_t rec[8192], d[16] = {0};
	for (uint64_t i = 1; i <= SMB_FILE_QUEUE_CNT + 10; i++)
		feed(s, APP_TOSERVER, rec, write_req(rec, 100 + i, i * 16, d, 16));
	const struct smb_tx *tx = tx_at(s, 0);
	assert_int_equal(app_file_queued_cnt(&tx->file), SMB_FILE_QUEUE_CNT);
	assert_int_equal(smb_state_limits(s)->chunks_dropped, 10);
	feed(s, APP_TOSERVER, rec, write_req(rec, 99, 0, d, 16));
	assert_int_equal(tx->file.size, 16 * (SMB_FILE_QUEUE_CNT + 1));
	feed(s, APP_TOSERVER, rec, close_req(rec, 300));
	struct app_file_info fi;
	assert_true(app_smb.tx_file(tx, 0, &fi));
	assert_false(fi.gaps); /* nothing was queued past the hole */
	app_smb.state_free(s);
}

/* After a gap to the client, pending transactions count as done; a late
 * answer still completes one (as Suricata's still listed transaction),
 * while an answered one is not met again by a reused message id. */
static void test_gap_late_answer(void **state)
{
	(void)state;
	struct smb_state *s = st_new(NULL);
	feed(s, APP_TOSERVER, V(v2_tc_req));
	assert_int_equal(app_smb.parse(s, APP_TOCLIENT, V(v2_tc_resp), APP_CHUNK_GAP),
			 APP_PARSE_OK);
	const struct smb_tx *tx = tx_at(s, 0);
	assert_true(tx->resp_done);
	assert_true(tx->status_set);
	assert_true(tx->is_pipe == false && tx->share_type == 1);
	/* the same message id again: a new transaction, the old one untouched */
	feed(s, APP_TOSERVER, V(v2_tc_req));
	uint8_t err[sizeof(v2_tc_resp)];
	memcpy(err, v2_tc_resp, sizeof(err));
	err[4 + 8] = 0x22, err[4 + 11] = 0xc0; /* STATUS_ACCESS_DENIED */
	feed(s, APP_TOCLIENT, err, sizeof(err));
	assert_int_equal(tx->status, 0);
	assert_int_equal(tx_at(s, 1)->status, 0xc0000022);
	app_smb.state_free(s);
}

/* A write larger than the configured max-write-size: event, skipped. */
static void test_write_too_large(void **state)
{
	(void)state;
	struct smb_config cfg = {.max_tx = 1024, .max_write_size = 100};
	struct smb_state *s = st_new(&cfg);
	feed(s, APP_TOSERVER, V(v2_tc_req)); /* a transaction to carry the event */
	uint8_t data[600] = {0};
	uint8_t rec[8192];
	feed(s, APP_TOSERVER, rec, write_req(rec, 40, 0, data, sizeof(data)));
	assert_true(tx_at(s, 0)->events & (1u << SMB_EV_WRITE_REQUEST_TOO_LARGE));
	assert_int_equal(smb_tx_count(s), 1);
	app_smb.state_free(s);
}

/* ------------------------------------------------------------ bounds */

static void test_max_tx(void **state)
{
	(void)state;
	struct smb_config cfg = {.max_tx = 8};
	struct smb_state *s = st_new(&cfg);
	uint8_t rec[256];
	uint8_t body[4] = {4};
	for (uint64_t i = 0; i < 12; i++)
		feed(s, APP_TOSERVER, rec, smb2_rec(rec, 13 /* KEEPALIVE */, false, 0, i, body, 4));
	assert_int_equal(smb_tx_count(s), 12);
	/* the oldest ones still waiting for answers were closed with the event */
	assert_true(tx_at(s, 0)->events & (1u << SMB_EV_TOO_MANY_TRANSACTIONS));
	assert_true(tx_at(s, 0)->resp_done);
	assert_false(tx_at(s, 11)->events & (1u << SMB_EV_TOO_MANY_TRANSACTIONS));
	/* nobody releases: at most 4 x max-tx are kept */
	for (uint64_t i = 12; i < 100; i++)
		feed(s, APP_TOSERVER, rec, smb2_rec(rec, 13, false, 0, i, body, 4));
	assert_null(smb_tx_get(s, 0));
	assert_non_null(smb_tx_get(s, 99));
	assert_true(smb_state_limits(s)->tx_evicted > 0);
	smb_tx_release_upto(s, 99);
	assert_null(smb_tx_get(s, 98));
	app_smb.state_free(s);
}

static void test_transform_header(void **state)
{
	(void)state;
	struct smb_state *s = st_new(NULL);
	uint8_t rec[4 + 52 + 10] = {0, 0, 0, 62, 0xfd, 'S', 'M', 'B'};
	rec[4 + 36] = 10; /* original message size */
	feed(s, APP_TOSERVER, rec, sizeof(rec));
	assert_int_equal(smb_tx_count(s), 0);
	assert_int_equal(smb_state_limits(s)->encrypted_records, 1);
	app_smb.state_free(s);
}

/* ------------------------------------------------------------ SMB1, Kerberos */

static void test_smb1_session(void **state)
{
	(void)state;
	struct smb_state *s = st_new(NULL);
	feed(s, APP_TOSERVER, V(v1_neg_req));
	feed(s, APP_TOCLIENT, V(v1_neg_resp));
	feed(s, APP_TOSERVER, V(v1_ss_req));
	feed(s, APP_TOCLIENT, V(v1_ss_resp));
	feed(s, APP_TOSERVER, V(v1_tc_req));
	feed(s, APP_TOCLIENT, V(v1_tc_resp));
	assert_int_equal(smb_tx_count(s), 3);
	/* Suricata 7.0.4's objects for smb1_transaction_request.pcap */
	assert_eve(
	    s, 0,
	    "{\"id\":1,\"dialect\":\"NT LM 0.12\",\"command\":\"SMB1_COMMAND_NEGOTIATE_PROTOCOL\","
	    "\"status\":\"STATUS_SUCCESS\",\"status_code\":\"0x0\",\"session_id\":0,\"tree_id\":0,"
	    "\"client_dialects\":[\"NT LM 0.12\"],\"server_guid\":\"15276d43-aa84-251a-0054-"
	    "004500540053\"}");
	assert_eve(
	    s, 1,
	    "{\"id\":2,\"dialect\":\"NT LM 0.12\",\"command\":\"SMB1_COMMAND_SESSION_SETUP_ANDX\","
	    "\"status\":\"UNKNOWN_00_0000\",\"status_code\":\"0x0000\",\"session_id\":11132,"
	    "\"tree_id\":0,\"request\":{\"native_os\":\"ssGUEST\",\"native_lm\":\"\"},\"response\":"
	    "{\"native_os\":\"Windows 6.1\",\"native_lm\":\"Samba 4.7.4\"}}");
	assert_eve(
	    s, 2,
	    "{\"id\":3,\"dialect\":\"NT LM 0.12\",\"command\":\"SMB1_COMMAND_TREE_CONNECT_ANDX\","
	    "\"status\":\"UNKNOWN_00_0000\",\"status_code\":\"0x0000\",\"session_id\":11132,"
	    "\"tree_id\":31335,\"named_pipe\":\"\\\\WIN2K\\\\IPC$\",\"service\":{\"request\":"
	    "\"IPC\",\"response\":\"IPC\"}}");
	const uint8_t *d;
	uint32_t n;
	assert_true(smb_tx_named_pipe(tx_at(s, 2), &d, &n));
	assert_int_equal(smb_tx_version(tx_at(s, 2)), 1);
	/* the TRANS request on the pipe (no response): no crash, parsed */
	feed(s, APP_TOSERVER, V(v1_trans_req));
	/* a second negotiate: flagged on the first, no new transaction */
	uint64_t n_before = smb_tx_count(s);
	feed(s, APP_TOSERVER, V(v1_neg_req));
	assert_int_equal(smb_tx_count(s), n_before);
	assert_true(tx_at(s, 0)->events & (1u << SMB_EV_DUPLICATE_NEGOTIATE));
	app_smb.state_free(s);
}

static void test_kerberos_split(void **state)
{
	(void)state;
	struct smb_state *s = st_new(NULL);
	feed(s, APP_TOSERVER, V(krb_ss_req_10));
	assert_int_equal(smb_tx_count(s), 0);
	feed(s, APP_TOSERVER, V(krb_ss_req_12));
	assert_int_equal(smb_tx_count(s), 1);
	const struct smb_tx *tx = tx_at(s, 0);
	assert_true(tx->has_krb);
	assert_false(tx->has_ntlmssp);
	assert_int_equal(tx->krb.realm.n, 11);
	assert_memory_equal(tx->krb.realm.p, "DS.SUSQ.COM", 11);
	assert_int_equal(tx->krb.n_snames, 2);
	assert_memory_equal(tx->krb.snames[0].p, "cifs", 4);
	char *got = eve(s, tx);
	assert_non_null(strstr(got, "\"kerberos\":{\"realm\":\"DS.SUSQ.COM\",\"snames\":[\"cifs\","
				    "\"phxlabbal821.techlab.susq.com\"]}"));
	free(got);
	app_smb.state_free(s);
}

/* An SMB1 record: header (32) + body, NBSS framed, into out. */
static size_t smb1_rec(uint8_t *out, uint8_t cmd, bool response, uint16_t mid, const uint8_t *body,
		       size_t blen)
{
	uint8_t *h = out + 4;
	memset(h, 0, 32);
	h[0] = 0xff, h[1] = 'S', h[2] = 'M', h[3] = 'B';
	h[4] = cmd;
	h[9] = response ? 0x80 : 0;
	h[10] = 0x01, h[11] = 0xc8; /* flags2: NT status, unicode */
	h[24] = 7;		    /* tid */
	h[28] = 9;		    /* uid */
	memcpy(h + 30, &mid, 2);
	memcpy(h + 32, body, blen);
	size_t n = 32 + blen;
	out[0] = 0;
	out[1] = (uint8_t)(n >> 16);
	out[2] = (uint8_t)(n >> 8);
	out[3] = (uint8_t)n;
	return n + 4;
}

/* WRITE_ANDX (word count 14) of d at off to FID 0x4001. */
static size_t smb1_write(uint8_t *out, uint16_t mid, uint32_t off, const uint8_t *d, uint16_t n)
{
	uint8_t b[31 + 1 + 512] = {14, 0xff};
	b[5] = 0x01, b[6] = 0x40; /* fid */
	memcpy(b + 7, &off, 4);
	memcpy(b + 21, &n, 2); /* data length low */
	uint16_t doff = 32 + 31 + 1;
	memcpy(b + 23, &doff, 2);
	uint16_t bcc = (uint16_t)(n + 1);
	memcpy(b + 29, &bcc, 2);
	memcpy(b + 32, d, n);
	return smb1_rec(out, 0x2f, false, mid, b, 32u + n);
}

static void test_smb1_file_write(void **state)
{
	(void)state;
	struct smb_state *s = st_new(NULL);
	uint8_t rec[1024];
	const uint8_t *content = (const uint8_t *)"SMB1 file content, two writes";
	feed(s, APP_TOSERVER, rec, smb1_write(rec, 1, 0, content, 10));
	feed(s, APP_TOSERVER, rec, smb1_write(rec, 2, 10, content + 10, 19));
	assert_int_equal(smb_tx_count(s), 1);
	const struct smb_tx *tx = tx_at(s, 0);
	assert_int_equal(tx->type, SMB_TX_FILE);
	assert_int_equal(smb_tx_version(tx), 1);
	assert_int_equal(tx->file.size, 29);
	/* CLOSE of FID 0x4001 (same user id) */
	uint8_t cl[7] = {3, 0x01, 0x40};
	feed(s, APP_TOSERVER, rec, smb1_rec(rec, 0x04, false, 3, cl, sizeof(cl)));
	struct app_file_info fi;
	assert_true(app_smb.tx_file(tx, 0, &fi));
	assert_int_equal(fi.state, APP_FILE_CLOSED);
	uint8_t md5[16];
	md5_of(content, 29, md5);
	assert_memory_equal(fi.md5, md5, 16);
	char *got = eve(s, tx);
	assert_non_null(strstr(got, "\"command\":\"SMB1_COMMAND_WRITE_ANDX\""));
	assert_non_null(strstr(got, "\"fuid\":\"4001\""));
	free(got);
	app_smb.state_free(s);
}

/* TRANS2 SET_FILE_INFO, level 1013 (delete on close), then its answer. */
static void test_smb1_trans2_disposition(void **state)
{
	(void)state;
	struct smb_state *s = st_new(NULL);
	uint8_t b[40 + 8] = {15};
	b[19] = 4;		    /* parameter count */
	b[23] = 4;		    /* data count */
	b[27] = 1;		    /* setup count */
	b[29] = 8;		    /* SET_FILE_INFORMATION */
	b[36] = 0x01, b[37] = 0x40; /* fid */
	b[38] = 0xf5, b[39] = 0x03; /* level 1013 */
	b[40] = 1;		    /* delete pending */
	uint8_t rec[256];
	feed(s, APP_TOSERVER, rec, smb1_rec(rec, 0x32, false, 5, b, 44));
	assert_int_equal(smb_tx_count(s), 1);
	const struct smb_tx *tx = tx_at(s, 0);
	assert_int_equal(tx->type, SMB_TX_SETFILEPATHINFO);
	assert_true(tx->delete_on_close);
	uint8_t rb[3] = {0};
	feed(s, APP_TOCLIENT, rec, smb1_rec(rec, 0x32, true, 5, rb, sizeof(rb)));
	assert_true(tx->resp_done);
	assert_eve(s, 0,
		   "{\"id\":1,\"dialect\":\"unknown\",\"command\":\"SMB1_COMMAND_TRANS2\","
		   "\"status\":\"STATUS_SUCCESS\",\"status_code\":\"0x0\",\"session_id\":9,"
		   "\"tree_id\":7,\"filename\":\"<unknown>\",\"access\":\"delete on close\","
		   "\"subcmd\":\"SET_FILE_INFO\",\"level_of_interest\":\"Set Disposition "
		   "Information\",\"fuid\":\"4001\"}");
	/* cut short: malformed, no transaction (Suricata makes none for TRANS2) */
	struct smb_state *s2 = st_new(NULL);
	feed(s2, APP_TOSERVER, rec, smb1_rec(rec, 0x32, false, 6, b, 38));
	assert_int_equal(smb_tx_count(s2), 0);
	app_smb.state_free(s2);
	app_smb.state_free(s);
}

/* ------------------------------------------------------------ share operations */

static void test_share_ops(void **state)
{
	(void)state;
	struct smb_state *s = st_new(NULL);
	feed_smb2_session(s, false);
	struct app_share_op op;
	/* the create of the share's root: an open of an existing directory */
	assert_true(app_smb.tx_share_op(s, tx_at(s, 4), &op));
	assert_int_equal(op.kind, APP_SHARE_OPEN);
	assert_int_equal(op.path_len, 0);
	assert_false(op.created);
	assert_int_equal(op.share_len, 16);
	assert_memory_equal(op.share, "\\\\10.0.0.12\\smb2", 16);
	/* the srvsvc call: NetShareGetInfo-style opnum 16 on its interface */
	assert_true(app_smb.tx_share_op(s, tx_at(s, 8), &op));
	assert_int_equal(op.kind, APP_SHARE_RPC);
	assert_int_equal(op.opnum, 16);
	assert_non_null(op.stub);
	assert_memory_equal(op.share, "\\\\10.0.0.12\\IPC$", 16);
	/* a negotiate did nothing on a share */
	assert_false(app_smb.tx_share_op(s, tx_at(s, 0), &op));
	app_smb.state_free(s);

	/* a file written: its size and first bytes */
	s = st_new(NULL);
	uint8_t rec[8192], data[300];
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 13);
	feed(s, APP_TOSERVER, rec, write_req(rec, 1, 0, data, sizeof(data)));
	feed(s, APP_TOSERVER, rec, close_req(rec, 2));
	assert_true(app_smb.tx_share_op(s, tx_at(s, 0), &op));
	assert_int_equal(op.kind, APP_SHARE_WRITE);
	assert_int_equal(op.bytes, sizeof(data));
	assert_int_equal(op.sample_len, sizeof(data));
	assert_memory_equal(op.sample, data, sizeof(data));
	/* a rename (SET_INFO FileRenameInformation) to a new name */
	uint8_t body[32 + 20 + 8] = {33, 0, 1, 10};
	uint32_t isz = 20 + 8;
	memcpy(body + 4, &isz, 4);
	memcpy(body + 16, FILE_GUID, 16);
	uint32_t nl = 8;
	memcpy(body + 32 + 16, &nl, 4);
	memcpy(body + 32 + 20, "x\0.\0l\0k\0", 8);
	feed(s, APP_TOSERVER, rec, smb2_rec(rec, 17, false, 0, 3, body, sizeof(body)));
	const struct smb_tx *rn = tx_at(s, smb_tx_count(s) - 1);
	assert_int_equal(rn->type, SMB_TX_RENAME);
	assert_true(app_smb.tx_share_op(s, rn, &op));
	assert_int_equal(op.kind, APP_SHARE_RENAME);
	assert_int_equal(op.new_path_len, 4);
	assert_memory_equal(op.new_path, "x.lk", 4);
	assert_memory_equal(op.path, "<unknown>", 9);
	app_smb.state_free(s);
}

/* ------------------------------------------------------------ sides, logging */

static void test_tx_sides(void **state)
{
	(void)state;
	struct smb_state *s = st_new(NULL);
	feed(s, APP_TOSERVER, V(v2_tc_req));
	const struct smb_tx *tc = tx_at(s, 0);
	/* the request alone: its side waits (the share type is not known) */
	assert_int_equal(app_smb.tx_side(s, tc, APP_TOSERVER, false), APP_SIDE_PENDING);
	assert_int_equal(app_smb.tx_side(s, tc, APP_TOCLIENT, false), APP_SIDE_PENDING);
	assert_int_equal(app_smb.tx_log(s, tc, false), APP_LOG_WAIT);
	assert_int_equal(app_smb.tx_side(s, tc, APP_TOSERVER, true), APP_SIDE_READY);
	assert_int_equal(app_smb.tx_log(s, tc, true), APP_LOG_NOW);
	/* a later request before the answer: the first is inspected now */
	feed(s, APP_TOSERVER, V(v2_cr_req));
	assert_int_equal(app_smb.tx_side(s, tc, APP_TOSERVER, false), APP_SIDE_READY);
	assert_int_equal(app_smb.tx_side(s, tc, APP_TOCLIENT, false), APP_SIDE_PENDING);
	/* the later one answered, this one never: its response side is empty */
	feed(s, APP_TOCLIENT, V(v2_cr_resp));
	assert_int_equal(app_smb.tx_side(s, tc, APP_TOCLIENT, false), APP_SIDE_NONE);
	feed(s, APP_TOCLIENT, V(v2_tc_resp));
	assert_int_equal(app_smb.tx_side(s, tc, APP_TOCLIENT, false), APP_SIDE_READY);
	assert_int_equal(app_smb.tx_log(s, tc, false), APP_LOG_NOW);
	/* events by the descriptor's index */
	assert_false(app_smb.tx_has_event(s, tc, SMB_EV_MALFORMED_DATA));
	assert_false(app_smb.tx_has_event(s, tc, -1));
	assert_false(app_smb.tx_has_event(s, tc, SMB_EV_COUNT));
	assert_string_equal(app_smb.event_names[SMB_EV_TOO_MANY_TRANSACTIONS],
			    "too_many_transactions");
	app_smb.state_free(s);
}

/* ------------------------------------------------------------ probes */

static void test_probes(void **state)
{
	(void)state;
	struct app_probe_in in = {.dir = APP_TOSERVER, .tcp = true, .sp = 49208, .dp = 445};
	assert_int_equal(app_smb.probe(&in, V(v2_neg1_req)), APP_PROBE_MATCH);
	assert_int_equal(app_smb.probe(&in, v2_neg1_req, 5), APP_PROBE_NEED_MORE);
	assert_int_equal(app_smb.probe(&in, (const uint8_t *)"GET / HTTP/1.1\r\n", 16),
			 APP_PROBE_NO);
	/* a NetBIOS session request (139) followed by SMB */
	uint8_t nb[4 + 68 + 8] = {0x81, 0, 0, 68};
	memcpy(nb + 72, v2_neg1_req, 8);
	assert_int_equal(app_smb.probe_port(&in, nb, sizeof(nb)), APP_PROBE_MATCH);
	in.tcp = false;
	assert_int_equal(app_smb.probe(&in, V(v2_neg1_req)), APP_PROBE_NO);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_smb2_session),
	    cmocka_unit_test(test_smb2_session_bytewise),
	    cmocka_unit_test(test_keyword_accessors),
	    cmocka_unit_test(test_session_setup_truncations),
	    cmocka_unit_test(test_session_setup_short_records),
	    cmocka_unit_test(test_corrupted),
	    cmocka_unit_test(test_compound),
	    cmocka_unit_test(test_async_response),
	    cmocka_unit_test(test_file_out_of_order_and_overlap),
	    cmocka_unit_test(test_file_streamed),
	    cmocka_unit_test(test_gap_resync),
	    cmocka_unit_test(test_write_too_large),
	    cmocka_unit_test(test_gap_late_answer),
	    cmocka_unit_test(test_file_queue_bound),
	    cmocka_unit_test(test_max_tx),
	    cmocka_unit_test(test_transform_header),
	    cmocka_unit_test(test_smb1_session),
	    cmocka_unit_test(test_kerberos_split),
	    cmocka_unit_test(test_tx_sides),
	    cmocka_unit_test(test_share_ops),
	    cmocka_unit_test(test_smb1_file_write),
	    cmocka_unit_test(test_smb1_trans2_disposition),
	    cmocka_unit_test(test_probes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
