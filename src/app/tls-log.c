/*
 * tls-log.c — the EVE `tls` object, with Suricata 8's member names and
 * shapes: subject, issuerdn, session_resumed; extended (or a `custom:`
 * list) adds serial, fingerprint, sni, version, notbefore, notafter, ja3
 * {hash,string}, ja3s {hash,string}, ja4, subjectaltname, client_alpns,
 * server_alpns and, when the client sent a certificate, a `client` object
 * with its fields; certificate and chain only when named.
 * Only reads the state; writes nothing when there is nothing to say.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "app/tls-internal.h"
#include "util/json.h"

static void log_time(struct json *j, const char *key, int64_t t)
{
	if (t == 0)
		return;
	time_t tt = (time_t)t;
	struct tm tm;
	char buf[32];
	if (gmtime_r(&tt, &tm) == NULL)
		return;
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
	json_str(j, key, buf);
}

static void log_alpns(struct json *j, const struct tls_state *s, enum app_dir dir, const char *key)
{
	uint32_t n = tls_alpn_count(s, dir);
	if (n == 0)
		return;
	json_open_array(j, key);
	for (uint32_t i = 0; i < n; i++) {
		uint32_t len = 0;
		const uint8_t *a = tls_alpn(s, dir, i, &len);
		if (a != NULL)
			json_strn(j, NULL, a, len);
	}
	json_close_array(j);
}

/* The fields of an end-entity certificate: subject, issuerdn, and when
 * extended serial, fingerprint (and for the server's, validity). */
static void log_cert_basic(struct json *j, const struct tls_cert *c)
{
	if (c->subject != NULL)
		json_strn(j, "subject", (const uint8_t *)c->subject, c->subject_len);
	if (c->issuer != NULL)
		json_strn(j, "issuerdn", (const uint8_t *)c->issuer, c->issuer_len);
}

static void log_cert_ext(struct json *j, const struct tls_cert *c)
{
	if (c->serial != NULL)
		json_str(j, "serial", c->serial);
	if (c->fingerprint[0] != '\0')
		json_str(j, "fingerprint", c->fingerprint);
}

static void log_fingerprints(struct json *j, const struct tls_state *s, uint32_t f)
{
	if (s->ja3 != NULL && (f & TLS_F_JA3)) {
		json_open_object(j, "ja3");
		json_str(j, "hash", s->ja3_hash);
		json_str(j, "string", s->ja3);
		json_close_object(j);
	}
	if (s->ja3s != NULL && (f & TLS_F_JA3S)) {
		json_open_object(j, "ja3s");
		json_str(j, "hash", s->ja3s_hash);
		json_str(j, "string", s->ja3s);
		json_close_object(j);
	}
	if (s->has_ja4 && (f & TLS_F_JA4))
		json_str(j, "ja4", s->ja4);
}

static void log_sans(struct json *j, const struct tls_cert *c)
{
	if (c == NULL || c->n_sans == 0)
		return;
	json_open_array(j, "subjectaltname");
	for (uint32_t i = 0; i < c->n_sans; i++)
		json_strn(j, NULL, (const uint8_t *)c->sans[i], c->san_lens[i]);
	json_close_array(j);
}

static void log_client_cert(struct json *j, const struct tls_state *s)
{
	const struct tls_cert *c = tls_cert(s, APP_TOSERVER, 0);
	if (c == NULL)
		return;
	json_open_object(j, "client");
	log_cert_basic(j, c);
	log_cert_ext(j, c);
	log_time(j, "notbefore", c->notbefore);
	log_time(j, "notafter", c->notafter);
	json_close_object(j);
}

uint32_t tls_log_field_parse(const char *name)
{
	static const struct {
		const char *name;
		uint32_t field;
	} names[] = {
	    {"subject", TLS_F_SUBJECT},
	    {"issuer", TLS_F_ISSUER},
	    {"session_resumed", TLS_F_SESSION_RESUMED},
	    {"serial", TLS_F_SERIAL},
	    {"fingerprint", TLS_F_FINGERPRINT},
	    {"sni", TLS_F_SNI},
	    {"version", TLS_F_VERSION},
	    {"not_before", TLS_F_NOT_BEFORE},
	    {"not_after", TLS_F_NOT_AFTER},
	    {"ja3", TLS_F_JA3},
	    {"ja3s", TLS_F_JA3S},
	    {"ja4", TLS_F_JA4},
	    {"subjectaltname", TLS_F_SUBJECTALTNAME},
	    {"client_alpns", TLS_F_CLIENT_ALPNS},
	    {"server_alpns", TLS_F_SERVER_ALPNS},
	    {"client", TLS_F_CLIENT},
	    {"certificate", TLS_F_CERTIFICATE},
	    {"chain", TLS_F_CHAIN},
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(names[i].name, name) == 0)
			return names[i].field;
	return 0;
}

void tls_log_json(struct json *j, const struct tls_state *s, uint32_t f)
{
	const struct tls_cert *c = tls_cert(s, APP_TOCLIENT, 0);
	if (c != NULL && c->subject != NULL && (f & TLS_F_SUBJECT))
		json_strn(j, "subject", (const uint8_t *)c->subject, c->subject_len);
	if (c != NULL && c->issuer != NULL && (f & TLS_F_ISSUER))
		json_strn(j, "issuerdn", (const uint8_t *)c->issuer, c->issuer_len);
	/* resumed: only when no certificate came (as Suricata) */
	if ((s->flags & TLS_STATE_SESSION_RESUMED) && c == NULL && (f & TLS_F_SESSION_RESUMED))
		json_bool(j, "session_resumed", true);
	if (c != NULL && c->serial != NULL && (f & TLS_F_SERIAL))
		json_str(j, "serial", c->serial);
	if (c != NULL && c->fingerprint[0] != '\0' && (f & TLS_F_FINGERPRINT))
		json_str(j, "fingerprint", c->fingerprint);
	if (s->sni != NULL && (f & TLS_F_SNI))
		json_strn(j, "sni", (const uint8_t *)s->sni, s->sni_len);
	if (f & TLS_F_VERSION) {
		char vbuf[32];
		json_str(j, "version", tls_version_name(s->negotiated, vbuf, sizeof(vbuf)));
	}
	if (c != NULL && (f & TLS_F_NOT_BEFORE))
		log_time(j, "notbefore", c->notbefore);
	if (c != NULL && (f & TLS_F_NOT_AFTER))
		log_time(j, "notafter", c->notafter);
	log_fingerprints(j, s, f);
	if (f & TLS_F_SUBJECTALTNAME)
		log_sans(j, c);
	if (f & TLS_F_CLIENT_ALPNS)
		log_alpns(j, s, APP_TOSERVER, "client_alpns");
	if (f & TLS_F_SERVER_ALPNS)
		log_alpns(j, s, APP_TOCLIENT, "server_alpns");
	if (f & TLS_F_CLIENT)
		log_client_cert(j, s);
	if ((f & TLS_F_CERTIFICATE) && c != NULL)
		json_base64(j, "certificate", c->der, c->der_len);
	if ((f & TLS_F_CHAIN) && tls_cert_chain_len(s, APP_TOCLIENT) > 0) {
		json_open_array(j, "chain");
		for (uint32_t i = 0; i < tls_cert_chain_len(s, APP_TOCLIENT); i++) {
			const struct tls_cert *k = tls_cert(s, APP_TOCLIENT, i);
			json_base64(j, NULL, k->der, k->der_len);
		}
		json_close_array(j);
	}
}
