/*
 * mqtt-log.c — the EVE `mqtt` object, as Suricata 8 writes it
 * (rust/src/mqtt/logger.rs, mqtt_property.rs): one member per message of
 * the transaction, named by its type ("connect", "connack", "publish",
 * ...), each with the fixed header's "qos", "retain", "dup" and the
 * type's fields; v5 property blocks as "properties" objects (user
 * properties as their own keys).  A truncated message has "truncated"
 * and "skipped_length".  Passwords only with MQTT_LOG_PASSWORDS.
 * Strings are Suricata's: text fields with invalid UTF-8 replaced
 * (U+FFFD), byte fields (password, messages, correlation and
 * authentication data) as text when valid UTF-8, else with "\xNN" for
 * every byte above 0x7f.  Only reads the transaction.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "app/mqtt.h"
#include "util/json.h"

/* Length of the valid UTF-8 sequence at s (1..4), or 0. */
static uint32_t utf8_len(const uint8_t *s, uint32_t n)
{
	uint8_t c = s[0];
	uint32_t need, cp;
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		need = 2;
		cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		need = 3;
		cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		need = 4;
		cp = c & 0x07;
	} else {
		return 0;
	}
	if (n < need)
		return 0;
	for (uint32_t i = 1; i < need; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((need == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (need == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return need;
}

static bool utf8_valid(const uint8_t *s, uint32_t n)
{
	for (uint32_t i = 0; i < n;) {
		uint32_t k = utf8_len(s + i, n - i);
		if (k == 0)
			return false;
		i += k;
	}
	return true;
}

/* A string field as Suricata has it (a Rust String made with
 * from_utf8_lossy): an invalid byte becomes U+FFFD. */
static void put_text(struct json *j, const char *key, const uint8_t *v, uint32_t l)
{
	static const uint8_t replacement[] = {0xef, 0xbf, 0xbd};
	if (utf8_valid(v, l)) {
		json_strn(j, key, v, l);
		return;
	}
	json_str_open(j, key);
	for (uint32_t i = 0; i < l;) {
		uint32_t k = utf8_len(v + i, l - i);
		if (k == 0) {
			json_append_escaped(j, replacement, sizeof(replacement));
			i++;
		} else {
			json_append_escaped(j, v + i, k);
			i += k;
		}
	}
	json_str_close(j);
}

/* A bytes field as Suricata's set_string_from_bytes writes it: as text
 * when it is valid UTF-8, else every byte above 0x7f as the four
 * characters \xNN. */
static void put_bytes(struct json *j, const char *key, const uint8_t *v, uint32_t l)
{
	static const char hex[] = "0123456789abcdef";
	if (utf8_valid(v, l)) {
		json_strn(j, key, v, l);
		return;
	}
	json_str_open(j, key);
	for (uint32_t i = 0; i < l; i++) {
		if (v[i] < 0x80) {
			json_append_escaped(j, v + i, 1);
			continue;
		}
		const uint8_t esc[4] = {'\\', 'x', (uint8_t)hex[v[i] >> 4],
					(uint8_t)hex[v[i] & 15]};
		json_append_escaped(j, esc, sizeof(esc));
	}
	json_str_close(j);
}

static void put_str(struct json *j, const char *key, const struct mqtt_msg *m, struct mqtt_str s)
{
	uint32_t l;
	const uint8_t *v = mqtt_str_get(m, s, &l);
	put_text(j, key, v != NULL ? v : (const uint8_t *)"", v != NULL ? l : 0);
}

static void put_bin(struct json *j, const char *key, const struct mqtt_msg *m, struct mqtt_str s)
{
	uint32_t l;
	const uint8_t *v = mqtt_str_get(m, s, &l);
	put_bytes(j, key, v != NULL ? v : (const uint8_t *)"", v != NULL ? l : 0);
}

static const char *const prop_names[43] = {
    [1] = "payload_format_indicator",
    [2] = "message_expiry_interval",
    [3] = "content_type",
    [8] = "response_topic",
    [9] = "correlation_data",
    [11] = "subscription_identifier",
    [17] = "session_expiry_interval",
    [18] = "assigned_client_identifier",
    [19] = "server_keep_alive",
    [21] = "authentication_method",
    [22] = "authentication_data",
    [23] = "request_problem_information",
    [24] = "will_delay_interval",
    [25] = "request_response_information",
    [26] = "response_information",
    [28] = "server_reference",
    [31] = "reason_string",
    [33] = "receive_maximum",
    [34] = "topic_alias_maximum",
    [35] = "topic_alias",
    [36] = "maximum_qos",
    [37] = "retain_available",
    [39] = "maximum_packet_size",
    [40] = "wildcard_subscription_available",
    [41] = "subscription_identifier_available",
    [42] = "shared_subscription_available",
};

/* Bounded big-endian reads over a validated property block. */
static uint32_t get_be(const uint8_t *p, uint32_t *i, uint32_t end, int n)
{
	uint32_t v = 0;
	for (int k = 0; k < n && *i < end; k++)
		v = v << 8 | p[(*i)++];
	return v;
}

static uint32_t get_varint(const uint8_t *p, uint32_t *i, uint32_t end)
{
	uint32_t v = 0;
	for (int k = 0; k < 4 && *i < end; k++) {
		uint8_t b = p[(*i)++];
		v |= (uint32_t)(b & 0x7f) << (7 * k);
		if (!(b & 0x80))
			break;
	}
	return v;
}

/* A length-prefixed string at *i: its bytes and length. */
static const uint8_t *get_str(const uint8_t *p, uint32_t *i, uint32_t end, uint32_t *len)
{
	uint32_t n = get_be(p, i, end, 2);
	if (n > end - *i)
		n = end - *i;
	const uint8_t *s = p + *i;
	*i += n;
	*len = n;
	return s;
}

static void put_props(struct json *j, const struct mqtt_msg *m, struct mqtt_str block)
{
	if (!block.present || block.off + block.len > m->len)
		return;
	const uint8_t *p = m->data;
	uint32_t i = block.off, end = block.off + block.len;
	json_open_object(j, "properties");
	while (i < end) {
		uint32_t id = get_varint(p, &i, end);
		const char *name = id < 43 ? prop_names[id] : NULL;
		uint32_t l;
		const uint8_t *s;
		if (id == 38) { /* a user property: its name is the key */
			const uint8_t *k = get_str(p, &i, end, &l);
			char key[256];
			uint32_t kl = l < sizeof(key) - 1 ? l : (uint32_t)sizeof(key) - 1;
			memcpy(key, k, kl);
			key[kl] = 0;
			s = get_str(p, &i, end, &l);
			put_text(j, key, s, l);
			continue;
		}
		switch (id) {
		case 1:
		case 23:
		case 25:
		case 36:
		case 37:
		case 40:
		case 41:
		case 42: json_uint(j, name, get_be(p, &i, end, 1)); break;
		case 19:
		case 33:
		case 34:
		case 35: json_uint(j, name, get_be(p, &i, end, 2)); break;
		case 2:
		case 17:
		case 24:
		case 39: json_uint(j, name, get_be(p, &i, end, 4)); break;
		case 11: json_uint(j, name, get_varint(p, &i, end)); break;
		case 3:
		case 8:
		case 18:
		case 21:
		case 26:
		case 28:
		case 31:
			s = get_str(p, &i, end, &l);
			put_text(j, name, s, l);
			break;
		case 9:
		case 22: /* binary data */
			s = get_str(p, &i, end, &l);
			put_bytes(j, name, s, l);
			break;
		default: i = end; break; /* the parser let no other through */
		}
	}
	json_close_object(j);
}

static void put_header(struct json *j, const struct mqtt_msg *m)
{
	json_uint(j, "qos", m->qos);
	json_bool(j, "retain", m->retain);
	json_bool(j, "dup", m->dup);
}

static void put_connect(struct json *j, const struct mqtt_msg *m, uint32_t opts)
{
	uint8_t f = m->connect_flags;
	put_str(j, "protocol_string", m, m->protocol_string);
	json_uint(j, "protocol_version", m->protocol_version);
	put_str(j, "client_id", m, m->client_id);
	json_open_object(j, "flags");
	json_bool(j, "username", f & MQTT_CF_USERNAME);
	json_bool(j, "password", f & MQTT_CF_PASSWORD);
	json_bool(j, "will_retain", f & MQTT_CF_WILL_RETAIN);
	json_bool(j, "will", f & MQTT_CF_WILL);
	json_bool(j, "clean_session", f & MQTT_CF_CLEAN_SESSION);
	json_close_object(j);
	if (m->username.present)
		put_str(j, "username", m, m->username);
	if ((opts & MQTT_LOG_PASSWORDS) && m->password.present)
		put_bin(j, "password", m, m->password);
	if (f & MQTT_CF_WILL) {
		json_open_object(j, "will");
		if (m->will_topic.present)
			put_str(j, "topic", m, m->will_topic);
		if (m->will_message.present)
			put_bin(j, "message", m, m->will_message);
		put_props(j, m, m->will_props);
		json_close_object(j);
	}
	put_props(j, m, m->props);
}

/* SUBACK's granted QoS, UNSUBACK's reason codes. */
static void put_codes(struct json *j, const char *key, const struct mqtt_msg *m)
{
	uint32_t l;
	const uint8_t *c = mqtt_str_get(m, m->codes, &l);
	json_open_array(j, key);
	for (uint32_t i = 0; c != NULL && i < l; i++)
		json_uint(j, NULL, c[i]);
	json_close_array(j);
}

static void put_body(struct json *j, const struct mqtt_msg *m, uint32_t opts)
{
	switch (m->type) {
	case MQTT_CONNECT: put_connect(j, m, opts); break;
	case MQTT_CONNACK:
		json_bool(j, "session_present", m->session_present);
		json_uint(j, "return_code", m->return_code);
		put_props(j, m, m->props);
		break;
	case MQTT_PUBLISH:
		put_str(j, "topic", m, m->topic);
		if (m->has_message_id)
			json_uint(j, "message_id", m->message_id);
		put_bin(j, "message", m, m->message);
		put_props(j, m, m->props);
		break;
	case MQTT_PUBACK:
	case MQTT_PUBREC:
	case MQTT_PUBREL:
	case MQTT_PUBCOMP:
		json_uint(j, "message_id", m->message_id);
		if (m->has_reason)
			json_uint(j, "reason_code", m->reason_code);
		put_props(j, m, m->props);
		break;
	case MQTT_SUBSCRIBE:
		json_uint(j, "message_id", m->message_id);
		json_open_array(j, "topics");
		for (uint32_t i = 0; i < m->n_topics; i++) {
			json_open_object(j, NULL);
			put_str(j, "topic", m, m->topics[i].name);
			json_uint(j, "qos", m->topics[i].qos);
			json_close_object(j);
		}
		json_close_array(j);
		put_props(j, m, m->props);
		break;
	case MQTT_SUBACK:
		json_uint(j, "message_id", m->message_id);
		put_codes(j, "qos_granted", m);
		break;
	case MQTT_UNSUBSCRIBE:
		json_uint(j, "message_id", m->message_id);
		json_open_array(j, "topics");
		for (uint32_t i = 0; i < m->n_topics; i++)
			put_str(j, NULL, m, m->topics[i].name);
		json_close_array(j);
		break;
	case MQTT_UNSUBACK:
		json_uint(j, "message_id", m->message_id);
		if (m->codes.len > 0)
			put_codes(j, "reason_codes", m);
		break;
	case MQTT_AUTH:
		json_uint(j, "reason_code", m->reason_code);
		put_props(j, m, m->props);
		break;
	case MQTT_DISCONNECT:
		if (m->has_reason)
			json_uint(j, "reason_code", m->reason_code);
		put_props(j, m, m->props);
		break;
	default: break; /* PINGREQ, PINGRESP */
	}
}

void mqtt_tx_log_json(struct json *j, const struct mqtt_tx *tx, uint32_t opts)
{
	json_open_object(j, "mqtt");
	for (uint32_t i = 0; i < tx->n_msgs; i++) {
		const struct mqtt_msg *m = tx->msgs[i];
		if (m->type == MQTT_UNASSIGNED && !m->truncated)
			continue;
		char name[16];
		const char *up = mqtt_type_name(m->type);
		size_t k = 0;
		for (; up[k] != 0 && k < sizeof(name) - 1; k++)
			name[k] = (char)(up[k] - 'A' + 'a');
		name[k] = 0;
		json_open_object(j, name);
		put_header(j, m);
		if (m->truncated) {
			json_bool(j, "truncated", true);
			json_uint(j, "skipped_length", m->skipped);
		} else {
			put_body(j, m, opts);
		}
		json_close_object(j);
	}
	json_close_object(j);
}
