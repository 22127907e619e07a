/*
 * test_ike.c — the IKE parser on real messages: the first four of an
 * IKEv1 main mode (suricata-verify's ikev1-rules: SA proposal and choice,
 * key exchange and nonce both ways) and an IKEv2 IKE_SA_INIT with its
 * COOKIE answer (nDPI's ipsec_isakmp_esp); every truncation, corrupted
 * lengths; transforms, attributes, per-side state and the EVE object.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "app/ike.h"
#include "util/json.h"

static const char V1_SA_REQ[] =
    "e47a591fd057587f00000000000000000110020000000000000000a80d00003c00000001"
    "000000010000003001010001000000280101000080010007800e00808002000280040002"
    "80030001800b0001000c0004000151800d0000144a131c81070358455c5728f20e95452f"
    "0d000014439b59f8ba676c4c7737ae22eab8f5820d0000147d9419a65310ca6f2c179d92"
    "15529d560000001490cb80913ebb696e086381b5ec427b1f";

static const char V1_SA_RESP[] =
    "e47a591fd057587fa00b8ef0902bb8ec01100200000000000000006c0d00003c00000001"
    "000000010000003001010001000000280101000080010007800e00808002000280040002"
    "80030001800b0001000c000400015180000000144a131c81070358455c5728f20e95452f";

static const char V1_KE_REQ[] =
    "e47a591fd057587fa00b8ef0902bb8ec04100200000000000000011c0a0000843504d3d2"
    "ed14e0ca03b851a51a9da2e5a4c14c1d7ec3e1fbe950025424514b3c69ed7fbb44e09225"
    "da52d2a92604a99bf61b7beed7fbfa635e82f065f4fe780751354dbe474c3de7207dcf69"
    "fdbbed32c1691cc149b318eee00370e65fc3069bbacfb013467173966e9d5f4bc4f3857e"
    "359bba3adbb6efeea516f3897d8534f30d00001889d7c8fbf94b515b521d5d9589c26020"
    "21e1a7090d000014afcad71368a1f1c96b8696fc775701000d00001411bdfe02d056587f"
    "2c18125972c324011400000c09002689dfd6b712140000181574d64c0165bad16a023f03"
    "8d45a07498d8d05100000018febf462f1cd75805a7baa28747e769d674f85600";

static const char V1_KE_RESP[] =
    "e47a591fd057587fa00b8ef0902bb8ec0410020000000000000001300a0000846d026d56"
    "16c45be05e5b898411e9f95d195cea009ad22c62bef06c571b7cfbc4792f45564ec710ac"
    "584aa18d20cbc8f5f8910666b89e4ee2f95abc0230e2cba1b88ac4bba7fcc818a986c01a"
    "4ca865a5eb82884dbec85bfd7d1a303b09894dcf2e3785fd79dba225377cf8cca009ceff"
    "bb6aa38b648c4b05404f1cfaac361aff0d00001815b688421ed5c3dd92d3b86e47a76f0d"
    "39cc09e00d00001412f5f28c457168a9702d9fe274cc01000d000014afcad71368a1f1c9"
    "6b8696fc775701000d00001455cc29ed902ab8ec53b1df867c6109291400000c09002689"
    "dfd6b71214000018febf462f1cd75805a7baa28747e769d674f85600000000181574d64c"
    "0165bad16a023f038d45a07498d8d051";

static const char V2_INIT_REQ[] =
    "b64ef32131a4895200000000000000002120220800000000000003082200020802000050"
    "010100080300000c0100000c800e00800300000c0100000c800e01000300000803000002"
    "030000080300000c03000008020000020300000802000005030000080400000200000008"
    "04000005000001b40201002e03000008010000030300000c0100000c800e00800300000c"
    "0100000c800e00c00300000c0100000c800e01000300000c0100000d800e00800300000c"
    "0100000d800e00c00300000c0100000d800e01000300000c01000012800e00800300000c"
    "01000012800e00c00300000c01000012800e01000300000c01000013800e00800300000c"
    "01000013800e00c00300000c01000013800e01000300000c01000014800e00800300000c"
    "01000014800e00c00300000c01000014800e010003000008030000010300000803000002"
    "0300000803000005030000080300000c030000080300000d030000080300000e03000008"
    "020000010300000802000002030000080200000403000008020000050300000802000006"
    "030000080200000703000008040000020300000804000005030000080400000e03000008"
    "0400000f0300000804000010030000080400001203000008040000130300000804000014"
    "030000080400001503000008040000160300000804000017030000080400001803000008"
    "04000019030000080400001a030000080400001b030000080400001c030000080400001d"
    "000000080400001e28000088000200000cde122ef206ecf825cff5953b955f6d294a0d30"
    "77bf256a1816988ed43d8c04aa0f633198c395908c1222e64057b4527d681e5a9132be5b"
    "babd185983859978480e66e9b837586137b6159938532c4ef72418aa79716af6b911bdf4"
    "7cca6010b00ab27ae759ab8f16683f343e3cddc594adae126c52543c2d9a4fad0656a5e9"
    "2900002456988560334605f0c319a63422d290766385c62f0869db458eeadbc1d52a0d60"
    "2900001c000040040bac9eb0fe54562b461e584ab413d13c42c4cf070000001c00004005"
    "4a262dd5967ee72965e98867cb8596e75a7f212f";

static const char V2_INIT_RESP[] =
    "b64ef32131a4895200000000000000002920222000000000000000340000001800004006"
    "000155739f613a70f771484cb7a6aa3f";

static void feed(struct ike_state *s, enum app_dir dir, const char *hex, uint32_t cut)
{
	size_t l = strlen(hex) / 2;
	uint32_t n = cut > 0 && cut < l ? cut : (uint32_t)l;
	uint8_t *b = malloc(n); /* exact size: reads past it are caught */
	for (uint32_t i = 0; i < n; i++)
		b[i] = (uint8_t)strtoul((char[]){hex[2 * i], hex[2 * i + 1], 0}, NULL, 16);
	assert_int_equal(ike_parse(s, dir, b, n), APP_PARSE_OK);
	free(b);
}

static char *eve_of(const struct ike_state *s, const struct ike_tx *tx)
{
	struct json j;
	json_init(&j);
	json_open_object(&j, NULL);
	ike_tx_log_json(&j, s, tx);
	json_close_object(&j);
	char *out = strndup(j.buf, j.len);
	json_free(&j);
	return out;
}

static const struct ike_attr *attr(const struct ike_transform *t, int type)
{
	for (uint8_t i = 0; i < t->n; i++)
		if (t->attrs[i].type == type)
			return &t->attrs[i];
	return NULL;
}

static void test_v1_main_mode(void **st)
{
	(void)st;
	struct ike_state *s = ike_state_new();
	feed(s, APP_TOSERVER, V1_SA_REQ, 0);
	feed(s, APP_TOCLIENT, V1_SA_RESP, 0);
	feed(s, APP_TOSERVER, V1_KE_REQ, 0);
	feed(s, APP_TOCLIENT, V1_KE_RESP, 0);
	assert_int_equal(ike_tx_count(s), 4);
	const struct ike_tx *tx = ike_tx_get(s, 1);
	assert_string_equal(tx->init_hex, "e47a591fd057587f");
	assert_string_equal(tx->resp_hex, "a00b8ef0902bb8ec");
	assert_int_equal(tx->exch_type, 2);
	assert_int_equal(tx->n_transforms, 1);
	const struct ike_attr *a = attr(&tx->transforms[0], 2);
	assert_non_null(a);
	assert_int_equal(a->numeric, 2); /* SHA */
	a = attr(&tx->transforms[0], 12);
	assert_non_null(a);
	assert_int_equal(a->numeric, 86400);
	assert_int_equal(s->server.nb_transforms, 1);
	assert_true(s->has_doi && s->doi == 1);
	tx = ike_tx_get(s, 3);
	assert_true(tx->has_ke && tx->has_nonce);
	assert_int_equal(tx->ke.len, 128);
	assert_int_equal(tx->ke.p[0], 0x6d);
	char *e = eve_of(s, tx);
	assert_non_null(strstr(e, "{\"ike\":{\"version_major\":1,\"version_minor\":0,\"init_spi\":"
				  "\"e47a591fd057587f\",\"resp_spi\":\"a00b8ef0902bb8ec\","
				  "\"message_id\":0,\"exchange_type\":2,\"alg_enc\":\"EncAesCbc\","
				  "\"alg_enc_raw\":7,"));
	assert_non_null(strstr(e, "\"sa_life_duration\":\"Unknown\",\"sa_life_duration_raw\":86400"));
	assert_non_null(strstr(e, "\"ikev1\":{\"doi\":1,\"encrypted_payloads\":false,\"client\":"
				  "{\"key_exchange_payload\":\"3504d3d2"));
	assert_non_null(strstr(e, "\"key_exchange_payload_length\":128"));
	free(e);
	for (uint64_t i = 0; i < 4; i++)
		assert_int_equal(ike_tx_get(s, i)->events, 0);
	ike_state_free(s);
}

static void test_v2_sa_init(void **st)
{
	(void)st;
	struct ike_state *s = ike_state_new();
	feed(s, APP_TOSERVER, V2_INIT_REQ, 0);
	feed(s, APP_TOCLIENT, V2_INIT_RESP, 0);
	/* the initiator proposes SHA1 PRFs and 1024-bit groups among others */
	assert_true(ike_tx_get(s, 0)->events & (1u << IKE_EV_WEAK_CRYPTO_PRF));
	assert_false(ike_tx_get(s, 0)->events & (1u << IKE_EV_MALFORMED_DATA));
	char *e = eve_of(s, ike_tx_get(s, 0));
	assert_string_equal(e, "{\"ike\":{\"version_major\":2,\"version_minor\":0,\"init_spi\":"
			       "\"b64ef32131a48952\",\"resp_spi\":\"0000000000000000\","
			       "\"message_id\":0,\"exchange_type\":34,\"role\":\"initiator\","
			       "\"payload\":[\"SecurityAssociation\",\"KeyExchange\",\"Nonce\","
			       "\"Notify\",\"Notify\",\"NoNextPayload\"],\"ikev2\":{\"errors\":0,"
			       "\"notify\":[\"NAT_DETECTION_SOURCE_IP\","
			       "\"NAT_DETECTION_DESTINATION_IP\"]}}}");
	free(e);
	e = eve_of(s, ike_tx_get(s, 1));
	/* no SA answered (COOKIE): Suricata's defaults */
	assert_non_null(strstr(e, "\"role\":\"responder\",\"alg_enc\":\"ENCR_NULL\",\"alg_auth\":"
				  "\"NONE\",\"alg_prf\":\"PRF_NULL\",\"alg_dh\":\"None\","
				  "\"alg_esn\":\"NoESN\",\"payload\""));
	assert_non_null(strstr(e, "\"payload\":[\"Notify\",\"NoNextPayload\"],\"ikev2\":{"
				  "\"errors\":0,\"notify\":[\"COOKIE\"]}"));
	free(e);
	ike_state_free(s);
}

/* Every cut of the server's SA message: no read past the end, no new
 * transaction (its length field always says more than is there), and
 * malformed_data on the client's. */
static void test_truncated(void **st)
{
	(void)st;
	uint32_t n = (uint32_t)strlen(V1_SA_RESP) / 2;
	for (uint32_t cut = 1; cut < n; cut++) {
		struct ike_state *s = ike_state_new();
		feed(s, APP_TOSERVER, V1_SA_REQ, 0);
		feed(s, APP_TOCLIENT, V1_SA_RESP, cut);
		assert_int_equal(ike_tx_count(s), 1);
		assert_true(ike_tx_get(s, 0)->events & (1u << IKE_EV_MALFORMED_DATA));
		ike_state_free(s);
	}
}

static void test_corrupted(void **st)
{
	(void)st;
	struct ike_state *s = ike_state_new();
	char *bad = strdup(V1_SA_REQ);
	/* the SA payload's length (at byte 30) beyond the message */
	memcpy(bad + 60, "ffff", 4);
	feed(s, APP_TOSERVER, bad, 0);
	assert_int_equal(ike_tx_count(s), 1);
	assert_true(ike_tx_get(s, 0)->events & (1u << IKE_EV_MALFORMED_DATA));
	/* major version 3: not IKE */
	memcpy(bad + 34, "30", 2);
	size_t l = strlen(bad) / 2;
	uint8_t *b = malloc(l);
	for (size_t i = 0; i < l; i++)
		b[i] = (uint8_t)strtoul((char[]){bad[2 * i], bad[2 * i + 1], 0}, NULL, 16);
	assert_int_equal(ike_probe(b, (uint32_t)l), APP_PROBE_NO);
	free(b);
	free(bad);
	ike_state_free(s);
	assert_int_equal(ike_attr_by_name("alg_hash"), 2);
	assert_int_equal(ike_attr_by_name("nope"), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_v1_main_mode), cmocka_unit_test(test_v2_sa_init),
	    cmocka_unit_test(test_truncated),	 cmocka_unit_test(test_corrupted),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
