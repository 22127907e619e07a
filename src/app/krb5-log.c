/*
 * krb5-log.c — Suricata 8's EVE `krb5` object for a Kerberos transaction
 * (rust/src/krb/log.rs): msg_type; for a KRB-ERROR failed_request
 * ("UNKNOWN" when no request was seen) and error_code; then cname, realm
 * and sname ("<empty>" when absent; a principal's parts joined with '/'),
 * encryption ("<none>" for requests and errors), weak_encryption, and for
 * replies ticket_encryption and ticket_weak_encryption.  Unnamed values
 * are written as Rust's Debug does: "EncryptionType(42)".
 * This file only reads transactions.
 */
#include <stdio.h>
#include <string.h>

#include "app/krb5.h"
#include "util/json.h"

static void put_principal(struct json *j, const char *key, const struct krb5_principal *p)
{
	if (!p->present) {
		json_str(j, key, "<empty>");
		return;
	}
	json_str_open(j, key);
	for (uint8_t i = 0; i < p->n; i++) {
		if (i > 0)
			json_append_escaped(j, (const uint8_t *)"/", 1);
		json_append_escaped(j, p->parts[i].buf, p->parts[i].len);
	}
	json_str_close(j);
}

static void put_named(struct json *j, const char *key, const char *name, const char *type,
		      long long v)
{
	char buf[64];
	if (name == NULL) {
		snprintf(buf, sizeof(buf), "%s(%lld)", type, v);
		name = buf;
	}
	json_str(j, key, name);
}

static void put_etype(struct json *j, const char *key, int32_t etype)
{
	put_named(j, key, krb5_etype_name(etype), "EncryptionType", etype);
}

void krb5_tx_log_json(struct json *j, const struct krb5_tx *tx)
{
	json_open_object(j, "krb5");
	put_named(j, "msg_type", krb5_msg_type_name(tx->msg_type), "MessageType", tx->msg_type);
	if (tx->has_error) {
		if (tx->failed_req != 0)
			put_named(j, "failed_request", krb5_msg_type_name(tx->failed_req),
				  "MessageType", tx->failed_req);
		else
			json_str(j, "failed_request", "UNKNOWN");
		put_named(j, "error_code", krb5_error_name(tx->error_code), "ErrorCode",
			  tx->error_code);
	}
	put_principal(j, "cname", &tx->cname);
	if (tx->has_realm)
		json_strn(j, "realm", tx->realm.buf, tx->realm.len);
	else
		json_str(j, "realm", "<empty>");
	put_principal(j, "sname", &tx->sname);
	if (tx->has_etype)
		put_etype(j, "encryption", tx->etype);
	else
		json_str(j, "encryption", "<none>");
	json_bool(j, "weak_encryption", tx->has_etype && krb5_etype_weak(tx->etype));
	if (tx->has_ticket_etype) {
		put_etype(j, "ticket_encryption", tx->ticket_etype);
		json_bool(j, "ticket_weak_encryption", krb5_etype_weak(tx->ticket_etype));
	}
	json_close_object(j);
}
