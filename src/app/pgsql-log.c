/*
 * pgsql-log.c — the EVE "pgsql" object, as Suricata 8's pgsql logger writes
 * it: {"tx_id": <1-based>, "request": {...}, "response": {...}}, the
 * request by its kind, the responses in order (consecutive parameter
 * statuses as one "parameter_status" array; error and notice fields as
 * keys of the response object).  Passwords only with PGSQL_LOG_PASSWORDS.
 */
#include <stdio.h>
#include <string.h>

#include "app/pgsql.h"
#include "util/json.h"

static void put_bytes(struct json *j, const char *key, const struct pgsql_bytes *b)
{
	json_strn(j, key, b->p ? b->p : (const uint8_t *)"", b->len);
}

static void put_pair(struct json *j, const struct pgsql_pair *p)
{
	json_open_object(j, NULL);
	if (p->name != NULL)
		put_bytes(j, p->name, &p->value);
	else {
		char name[256];
		uint32_t n = p->raw_name.len < sizeof(name) - 1 ? p->raw_name.len : sizeof(name) - 1;
		for (uint32_t i = 0; i < n; i++)
			name[i] = (p->raw_name.p[i] >= 0x20 && p->raw_name.p[i] < 0x7f)
				      ? (char)p->raw_name.p[i]
				      : '.';
		name[n] = '\0';
		put_bytes(j, name, &p->value);
	}
	json_close_object(j);
}

static void put_request(struct json *j, const struct pgsql_tx *tx, uint32_t opts)
{
	json_open_object(j, "request");
	switch (tx->req) {
	case PGSQL_REQ_STARTUP: {
		char v[16];
		snprintf(v, sizeof(v), "%u.%u", tx->proto_major, tx->proto_minor);
		json_str(j, "protocol_version", v);
		json_open_object(j, "startup_parameters");
		const struct pgsql_pair *user = NULL;
		for (uint32_t i = 0; i < tx->n_params && user == NULL; i++)
			if (tx->params[i].name != NULL && strcmp(tx->params[i].name, "user") == 0)
				user = &tx->params[i];
		if (user != NULL)
			put_bytes(j, "user", &user->value);
		if (tx->n_params > (user != NULL ? 1u : 0u)) {
			json_open_array(j, "optional_parameters");
			for (uint32_t i = 0; i < tx->n_params; i++)
				if (&tx->params[i] != user)
					put_pair(j, &tx->params[i]);
			json_close_array(j);
		}
		json_close_object(j);
		break;
	}
	case PGSQL_REQ_SSL: json_str(j, "message", "SSL Request"); break;
	case PGSQL_REQ_SASL_INITIAL:
		json_str(j, "sasl_authentication_mechanism",
			 tx->sasl_mech == 2 ? "scram_SHA256_plus" : "scram_SHA256");
		put_bytes(j, "sasl_param", &tx->req_value);
		break;
	case PGSQL_REQ_PASSWORD:
		if (opts & PGSQL_LOG_PASSWORDS)
			put_bytes(j, "password", &tx->req_value);
		break;
	case PGSQL_REQ_SASL_RESPONSE: put_bytes(j, "sasl_response", &tx->req_value); break;
	case PGSQL_REQ_QUERY: put_bytes(j, "simple_query", &tx->req_value); break;
	case PGSQL_REQ_CANCEL:
		json_str(j, "message", "cancel_request");
		json_uint(j, "process_id", tx->cancel_pid);
		json_uint(j, "secret_key", tx->cancel_key);
		break;
	case PGSQL_REQ_TERMINATE: json_str(j, "message", "termination_message"); break;
	default: break; /* not logged, as Suricata */
	}
	json_close_object(j);
}

static const char *auth_message(enum pgsql_resp_kind k)
{
	switch (k) {
	case PGSQL_RESP_AUTH_OK: return "authentication_ok";
	case PGSQL_RESP_AUTH_CLEARTEXT: return "authentication_cleartext_password";
	case PGSQL_RESP_AUTH_SASL: return "authentication_sasl";
	case PGSQL_RESP_AUTH_SASL_CONTINUE: return "authentication_sasl_continue";
	default: return NULL;
	}
}

static void put_response(struct json *j, const struct pgsql_resp *r)
{
	switch (r->kind) {
	case PGSQL_RESP_SSL_ACCEPTED: json_bool(j, "ssl_accepted", true); break;
	case PGSQL_RESP_SSL_REJECTED: json_bool(j, "ssl_accepted", false); break;
	case PGSQL_RESP_ERROR:
	case PGSQL_RESP_NOTICE:
		for (uint32_t i = 0; i < r->n_fields; i++)
			put_bytes(j, r->fields[i].name, &r->fields[i].value);
		break;
	case PGSQL_RESP_AUTH_MD5: put_bytes(j, "authentication_md5_password", &r->payload); break;
	case PGSQL_RESP_AUTH_SSPI: put_bytes(j, "authentication_sspi", &r->payload); break;
	case PGSQL_RESP_AUTH_SASL_FINAL:
		put_bytes(j, "authentication_sasl_final", &r->payload);
		break;
	case PGSQL_RESP_COMMAND_COMPLETE: put_bytes(j, "command_completed", &r->payload); break;
	case PGSQL_RESP_AUTH_OK:
	case PGSQL_RESP_AUTH_CLEARTEXT:
	case PGSQL_RESP_AUTH_SASL:
	case PGSQL_RESP_AUTH_SASL_CONTINUE: json_str(j, "message", auth_message(r->kind)); break;
	case PGSQL_RESP_BACKEND_KEY:
		json_uint(j, "process_id", r->n1);
		json_uint(j, "secret_key", r->n2);
		break;
	case PGSQL_RESP_ROW_DESCRIPTION: json_uint(j, "field_count", r->n1); break;
	case PGSQL_RESP_DATA_ROWS:
		json_uint(j, "data_rows", r->n1);
		json_uint(j, "data_size", r->n2);
		break;
	case PGSQL_RESP_NOTIFICATION:
		json_uint(j, "pid", r->n1);
		put_bytes(j, "channel_name", &r->payload);
		put_bytes(j, "payload", &r->payload2);
		break;
	default: break; /* ready for query, unknown, Kerberos/GSS: not logged */
	}
}

void pgsql_tx_log_json(struct json *j, const struct pgsql_tx *tx, uint32_t opts)
{
	json_open_object(j, "pgsql");
	json_uint(j, "tx_id", tx->id + 1);
	if (tx->req == PGSQL_REQ_NONE && tx->n_resps == 0) {
		json_close_object(j);
		return;
	}
	if (tx->req != PGSQL_REQ_NONE)
		put_request(j, tx, opts);
	if (tx->n_resps > 0) {
		json_open_object(j, "response");
		bool in_params = false;
		for (uint32_t i = 0; i < tx->n_resps; i++) {
			const struct pgsql_resp *r = &tx->resps[i];
			if (r->kind == PGSQL_RESP_PARAMETER_STATUS) {
				if (!in_params)
					json_open_array(j, "parameter_status");
				in_params = true;
				for (uint32_t k = 0; k < r->n_fields; k++)
					put_pair(j, &r->fields[k]);
				continue;
			}
			if (in_params)
				json_close_array(j);
			in_params = false;
			put_response(j, r);
		}
		if (in_params)
			json_close_array(j);
		json_close_object(j);
	}
	json_close_object(j);
}
