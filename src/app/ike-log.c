/*
 * ike-log.c — the EVE "ike" object, as Suricata 8's IKE logger writes it
 * (rust/src/ike/logger.rs): version, SPIs (hex), message id, exchange
 * type; IKEv1: the server's chosen transform's attributes (name: value
 * name, name_raw: number or hex), the server's proposals when it sent
 * several, the payload types, and "ikev1" (doi, encrypted_payloads, the
 * client's and server's key exchange and nonce in hex with their
 * lengths, the client's proposals, the vendor ids); IKEv2: the role, the
 * responder's chosen algorithms (alg_enc, alg_auth, alg_prf, alg_dh,
 * alg_esn by their IANA names as Suricata's ipsec-parser prints them), the
 * payload types in order, and "ikev2" (errors, notify types).
 */
#include <stdio.h>
#include <string.h>

#include "app/ike.h"
#include "util/json.h"

static const char *value_name(uint16_t type, uint16_t v)
{
	static const char *const enc[] = {NULL, "EncDesCbc", "EncIdeaCbc", "EncBlowfishCbc",
					  "EncRc5R16B64Cbc", "EncTripleDesCbc", "EncCastCbc",
					  "EncAesCbc", "EncCamelliaCbc"};
	static const char *const hash[] = {NULL, "HashMd5", "HashSha", "HashTiger",
					   "HashSha2_256", "HashSha2_384", "HashSha2_512"};
	static const char *const auth[] = {NULL, "AuthPreSharedKey", "AuthDssSignatures",
					   "AuthRsaSignatures", "AuthEncryptionWithRsa",
					   "AuthRevisedEncryptionWithRsa", "AuthReserved",
					   "AuthReserved", "AuthReserved", "AuthEcdsaSha256",
					   "AuthEcdsaSha384", "AuthEcdsaSha512"};
	static const char *const dh[] = {
	    NULL, "GroupDefault768BitModp", "GroupAlternate1024BitModpGroup",
	    "GroupEc2nOnGp2p155", "GroupEc2nOnGp2p185", "GroupModp1536Bit",
	    "GroupEc2nOverGf2p163", "GroupEc2nOverGf2p163", "GroupEc2nOverGf2p283",
	    "GroupEc2nOverGf2p283", "GroupEc2nOverGf2p409", "GroupEc2nOverGf2p409",
	    "GroupEc2nOverGf2p571", "GroupEc2nOverGf2p571", "GroupModp2048Bit", "GroupModp3072Bit",
	    "GroupModp4096Bit", "GroupModp6144Bit", "GroupModp8192Bit", "GroupRandomEcp256",
	    "GroupRandomEcp384", "GroupRandomEcp521", "GroupModp1024With160BitPrime",
	    "GroupModp2048With224BitPrime", "GroupModp2048With256BitPrime", "GroupRandomEcp192",
	    "GroupRandomEcp224", "GroupBrainpoolEcp224", "GroupBrainpoolEcp256",
	    "GroupBrainpoolEcp384", "GroupBrainpoolEcp512"};
	const char *r = NULL;
#define PICK(t) (v < sizeof(t) / sizeof(t[0]) ? t[v] : NULL)
	switch (type) {
	case 1: r = PICK(enc); break;
	case 2: r = PICK(hash); break;
	case 3: r = PICK(auth); break;
	case 4: r = PICK(dh); break;
	case 11: r = v == 1 ? "LifeTypeSeconds" : v == 2 ? "LifeTypeKilobytes" : NULL; break;
	default: break;
	}
#undef PICK
	return r ? r : "Unknown";
}

static void put_attrs(struct json *j, const struct ike_transform *t)
{
	for (uint8_t i = 0; i < t->n; i++) {
		const struct ike_attr *a = &t->attrs[i];
		const char *name = ike_attr_name(a->type);
		char raw[48];
		json_str(j, name, value_name(a->type, a->value));
		snprintf(raw, sizeof(raw), "%s_raw", name);
		if (a->has_numeric)
			json_uint(j, raw, a->numeric);
		else {
			char hex[2 * 32 + 1];
			for (uint8_t k = 0; k < a->var_len; k++)
				snprintf(hex + 2 * k, 3, "%02x", a->var[k]);
			hex[2 * a->var_len] = 0;
			json_str(j, raw, hex);
		}
	}
}

static void put_hex(struct json *j, const char *key, const uint8_t *d, uint32_t n)
{
	json_str_open(j, key);
	char b[3];
	for (uint32_t i = 0; i < n; i++) {
		snprintf(b, sizeof(b), "%02x", d[i]);
		json_append_escaped(j, (const uint8_t *)b, 2);
	}
	json_str_close(j);
}

static const char *v1_payload_name(uint8_t t)
{
	static const char *const names[] = {
	    "None", "SecurityAssociation", "Proposal", "Transform", "KeyExchange",
	    "Identification", "Certificate", "CertificateRequest", "Hash", "Signature", "Nonce",
	    "Notification", "Delete", "VendorID", NULL, "SaKekPayload", "SaTekPayload",
	    "KeyDownload", "SequenceNumber", "ProofOfPossession", "NatDiscovery",
	    "NatOriginalAddress", "GroupAssociatedPolicy"};
	return t < sizeof(names) / sizeof(names[0]) ? names[t] : NULL;
}

static const char *v2_payload_name(uint8_t t, char *buf, size_t len)
{
	static const char *const names[] = {
	    "SecurityAssociation", "KeyExchange", "IdentInitiator", "IdentResponder",
	    "Certificate", "CertificateRequest", "Authentication", "Nonce", "Notify", "Delete",
	    "VendorID", "TrafficSelectorInitiator", "TrafficSelectorResponder",
	    "EncryptedAndAuthenticated", "Configuration", "ExtensibleAuthentication"};
	if (t == 0)
		return "NoNextPayload";
	if (t >= 33 && t <= 48)
		return names[t - 33];
	snprintf(buf, len, "%u", t);
	return buf;
}

static const char *notify_name(uint16_t t, char *buf, size_t len)
{
	static const struct {
		uint16_t v;
		const char *n;
	} names[] = {
	    {1, "UNSUPPORTED_CRITICAL_PAYLOAD"}, {4, "INVALID_IKE_SPI"},
	    {5, "INVALID_MAJOR_VERSION"}, {7, "INVALID_SYNTAX"}, {9, "INVALID_MESSAGE_ID"},
	    {11, "INVALID_SPI"}, {14, "NO_PROPOSAL_CHOSEN"}, {17, "INVALID_KE_PAYLOAD"},
	    {24, "AUTHENTICATION_FAILED"}, {34, "SINGLE_PAIR_REQUIRED"},
	    {35, "NO_ADDITIONAL_SAS"}, {36, "INTERNAL_ADDRESS_FAILURE"},
	    {37, "FAILED_CP_REQUIRED"}, {38, "TS_UNACCEPTABLE"}, {39, "INVALID_SELECTORS"},
	    {43, "TEMPORARY_FAILURE"}, {44, "CHILD_SA_NOT_FOUND"},
	    {16384, "INITIAL_CONTACT"}, {16385, "SET_WINDOW_SIZE"},
	    {16386, "ADDITIONAL_TS_POSSIBLE"}, {16387, "IPCOMP_SUPPORTED"},
	    {16388, "NAT_DETECTION_SOURCE_IP"}, {16389, "NAT_DETECTION_DESTINATION_IP"},
	    {16390, "COOKIE"}, {16391, "USE_TRANSPORT_MODE"},
	    {16392, "HTTP_CERT_LOOKUP_SUPPORTED"}, {16393, "REKEY_SA"},
	    {16394, "ESP_TFC_PADDING_NOT_SUPPORTED"}, {16395, "NON_FIRST_FRAGMENTS_ALSO"},
	    {16396, "MOBIKE_SUPPORTED"}, {16404, "MULTIPLE_AUTH_SUPPORTED"},
	    {16405, "ANOTHER_AUTH_FOLLOWS"}, {16406, "REDIRECT_SUPPORTED"},
	    {16417, "IKEV2_FRAGMENTATION_SUPPORTED"}, {16418, "SIGNATURE_HASH_ALGORITHMS"},
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].v == t)
			return names[i].n;
	snprintf(buf, len, "%u", t);
	return buf;
}

static const char *name_of(const char *const *t, size_t n, uint16_t v, const char *kind,
			   char *buf, size_t len)
{
	if (v < n && t[v] != NULL)
		return t[v];
	snprintf(buf, len, "%s(%u)", kind, v);
	return buf;
}

static void put_v2_algs(struct json *j, const struct ike_state *s)
{
	static const char *const enc[] = {
	    [1] = "ENCR_DES_IV64", [2] = "ENCR_DES", [3] = "ENCR_3DES", [4] = "ENCR_RC5",
	    [5] = "ENCR_IDEA", [6] = "ENCR_CAST", [7] = "ENCR_BLOWFISH", [8] = "ENCR_3IDEA",
	    [9] = "ENCR_DES_IV32", [11] = "ENCR_NULL", [12] = "ENCR_AES_CBC",
	    [13] = "ENCR_AES_CTR", [14] = "ENCR_AES_CCM_8", [15] = "ENCR_AES_CCM_12",
	    [16] = "ENCR_AES_CCM_16", [18] = "ENCR_AES_GCM_8", [19] = "ENCR_AES_GCM_12",
	    [20] = "ENCR_AES_GCM_16", [21] = "ENCR_NULL_AUTH_AES_GMAC",
	    [23] = "ENCR_CAMELLIA_CBC", [24] = "ENCR_CAMELLIA_CTR", [25] = "ENCR_CAMELLIA_CCM_8",
	    [26] = "ENCR_CAMELLIA_CCM_12", [27] = "ENCR_CAMELLIA_CCM_16",
	    [28] = "ENCR_CHACHA20_POLY1305"};
	static const char *const auth[] = {
	    "NONE", "AUTH_HMAC_MD5_96", "AUTH_HMAC_SHA1_96", "AUTH_DES_MAC", "AUTH_KPDK_MD5",
	    "AUTH_AES_XCBC_96", "AUTH_HMAC_MD5_128", "AUTH_HMAC_SHA1_160", "AUTH_AES_CMAC_96",
	    "AUTH_AES_128_GMAC", "AUTH_AES_192_GMAC", "AUTH_AES_256_GMAC",
	    "AUTH_HMAC_SHA2_256_128", "AUTH_HMAC_SHA2_384_192", "AUTH_HMAC_SHA2_512_256"};
	static const char *const prf[] = {"PRF_NULL", "PRF_HMAC_MD5", "PRF_HMAC_SHA1",
					  "PRF_HMAC_TIGER", "PRF_AES128_XCBC", "PRF_HMAC_SHA2_256",
					  "PRF_HMAC_SHA2_384", "PRF_HMAC_SHA2_512", "PRF_AES128_CMAC"};
	static const char *const dh[] = {
	    [0] = "None", [1] = "Modp768", [2] = "Modp1024", [5] = "Modp1536", [14] = "Modp2048",
	    [15] = "Modp3072", [16] = "Modp4096", [17] = "Modp6144", [18] = "Modp8192",
	    [19] = "Ecp256", [20] = "Ecp384", [21] = "Ecp521", [22] = "Modp1024s160",
	    [23] = "Modp2048s224", [24] = "Modp2048s256", [25] = "Ecp192", [26] = "Ecp224",
	    [27] = "BrainpoolP224r1", [28] = "BrainpoolP256r1", [29] = "BrainpoolP384r1",
	    [30] = "BrainpoolP512r1", [31] = "Curve25519", [32] = "Curve448"};
	static const char *const esn[] = {"NoESN", "ESN"};
	char buf[48];
#define N(t) (sizeof(t) / sizeof(t[0]))
	json_str(j, "alg_enc", name_of(enc, N(enc), s->v2_enc, "IkeTransformEncType", buf, sizeof(buf)));
	json_str(j, "alg_auth",
		 name_of(auth, N(auth), s->v2_auth, "IkeTransformAuthType", buf, sizeof(buf)));
	json_str(j, "alg_prf", name_of(prf, N(prf), s->v2_prf, "IkeTransformPRFType", buf, sizeof(buf)));
	json_str(j, "alg_dh", name_of(dh, N(dh), s->v2_dh, "IkeTransformDHType", buf, sizeof(buf)));
	json_str(j, "alg_esn", name_of(esn, N(esn), s->v2_esn, "IkeTransformESNType", buf, sizeof(buf)));
#undef N
}

static void put_side(struct json *j, const char *key, const struct ike_side *side,
		     const struct ike_tx *tx, bool client)
{
	json_open_object(j, key);
	if (side->ke.len > 0) {
		put_hex(j, "key_exchange_payload", side->ke.p, side->ke.len);
		json_uint(j, "key_exchange_payload_length", side->ke.len);
	}
	if (side->nonce.len > 0) {
		put_hex(j, "nonce_payload", side->nonce.p, side->nonce.len);
		json_uint(j, "nonce_payload_length", side->nonce.len);
	}
	if (client && tx->dir == APP_TOSERVER && tx->n_transforms > 0) {
		json_open_array(j, "proposals");
		for (uint8_t i = 0; i < tx->n_transforms; i++) {
			json_open_object(j, NULL);
			put_attrs(j, &tx->transforms[i]);
			json_close_object(j);
		}
		json_close_array(j);
	}
	json_close_object(j);
}

void ike_tx_log_json(struct json *j, const struct ike_state *s, const struct ike_tx *tx)
{
	char buf[24];
	json_open_object(j, "ike");
	json_uint(j, "version_major", tx->maj_ver);
	json_uint(j, "version_minor", tx->min_ver);
	put_hex(j, "init_spi", tx->init_spi, 8);
	put_hex(j, "resp_spi", tx->resp_spi, 8);
	json_uint(j, "message_id", tx->msg_id);
	json_uint(j, "exchange_type", tx->exch_type);
	if (tx->version == 1) {
		if (s->server.nb_transforms > 0)
			put_attrs(j, &s->server.transform);
		if (tx->dir == APP_TOCLIENT && tx->n_transforms > 1) {
			json_open_array(j, "server_proposals");
			for (uint8_t i = 0; i < tx->n_transforms; i++) {
				json_open_object(j, NULL);
				put_attrs(j, &tx->transforms[i]);
				json_close_object(j);
			}
			json_close_array(j);
		}
	} else {
		if (tx->flags & 0x08)
			json_str(j, "role", "initiator");
		else {
			json_str(j, "role", "responder");
			put_v2_algs(j, s);
		}
	}
	json_open_array(j, "payload");
	for (uint8_t i = 0; i < tx->n_payload_types; i++) {
		const char *n = tx->version == 1 ? v1_payload_name(tx->payload_types[i])
						 : v2_payload_name(tx->payload_types[i], buf,
								   sizeof(buf));
		if (n != NULL)
			json_str(j, NULL, n);
	}
	json_close_array(j);
	if (tx->version == 1) {
		json_open_object(j, "ikev1");
		if (s->has_doi)
			json_uint(j, "doi", s->doi);
		json_bool(j, "encrypted_payloads", tx->encrypted);
		if (!tx->encrypted) {
			put_side(j, "client", &s->client, tx, true);
			put_side(j, "server", &s->server, tx, false);
			if (tx->n_vendors > 0) {
				json_open_array(j, "vendor_ids");
				for (uint8_t i = 0; i < tx->n_vendors; i++)
					json_str(j, NULL, tx->vendors[i]);
				json_close_array(j);
			}
		}
		json_close_object(j);
	} else {
		json_open_object(j, "ikev2");
		json_uint(j, "errors", 0);
		if (tx->n_notify > 0) {
			json_open_array(j, "notify");
			for (uint8_t i = 0; i < tx->n_notify; i++)
				json_str(j, NULL, notify_name(tx->notify[i], buf, sizeof(buf)));
			json_close_array(j);
		}
		json_close_object(j);
	}
	json_close_object(j);
}
