/*
 * kw-mqtt.c — the MQTT rule keywords and buffers, as Suricata 8 defines
 * them (rust/src/mqtt/detect.rs, src/detect-mqtt-*.c).  A transaction
 * matches when one of its messages does:
 *
 *   mqtt.type:<name|uint>         a message of that type (a name, or the
 *                                 unsigned integer syntax: 2, >9, 1-3)
 *   mqtt.flags:[!]dup,[!]retain   fixed-header flags set / not set
 *   mqtt.qos:<0-2>                a message with that QoS
 *   mqtt.reason_code:<uint>       CONNACK return code, PUBACK..PUBCOMP,
 *                                 DISCONNECT and AUTH reason codes, SUBACK
 *                                 and UNSUBACK codes (alias
 *                                 mqtt.connack.return_code)
 *   mqtt.protocol_version:<uint>  the flow's protocol version
 *   mqtt.connect.flags:[!]username,[!]password,[!]will,[!]will_retain,
 *                      [!]clean_session
 *   mqtt.connack.session_present:yes|no|true|false
 *
 * Sticky buffers: mqtt.connect.clientid, mqtt.connect.username,
 * mqtt.connect.password, mqtt.connect.willtopic, mqtt.connect.willmessage,
 * mqtt.connect.protocol_string, mqtt.publish.topic, mqtt.publish.message,
 * mqtt.subscribe.topic and mqtt.unsubscribe.topic (one instance per
 * topic, at most the flow's (un)subscribe-topic-match-limit, 0 = all).
 * Empty values are no instance, as Suricata's.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/mqtt.h"
#include "detect/detect-internal.h"

/* ------------------------------------------------------------ helpers */

static char *copy_arg(const char *arg, char *buf, size_t len)
{
	if (arg == NULL || strlen(arg) >= len)
		return NULL;
	memcpy(buf, arg, strlen(arg) + 1);
	char *t = str_trim(buf);
	size_t n = strlen(t);
	if (n >= 2 && t[0] == '"' && t[n - 1] == '"') {
		t[n - 1] = 0;
		t = str_trim(t + 1);
	}
	return t;
}

static int add_ctx(struct parse_ctx *pc, struct rule *r, const char *kw, void *ctx)
{
	if (rule_add_sm(r, LIST_MATCH, kw_lookup(kw), ctx) == NULL) {
		free(ctx);
		return -1;
	}
	return rule_require_app(pc, r, APP_PROTO_MQTT, AD_BOTH);
}

/* Flag lists "a,!b": want[k] 0 any, 1 set, 2 not set. */
static int parse_flag_list(const char *arg, const char *const *names, int n, uint8_t *want)
{
	char buf[256];
	char *t = copy_arg(arg, buf, sizeof(buf));
	if (t == NULL || *t == 0)
		return -1;
	for (char *tok = strtok(t, ","); tok != NULL; tok = strtok(NULL, ",")) {
		tok = str_trim(tok);
		bool neg = tok[0] == '!';
		if (neg)
			tok = str_trim(tok + 1);
		int k = 0;
		while (k < n && strcmp(tok, names[k]) != 0)
			k++;
		if (k == n || want[k] != 0)
			return -1;
		want[k] = neg ? 2 : 1;
	}
	return 0;
}

static bool flag_ok(uint8_t want, bool v)
{
	return want == 0 || (want == 1) == v;
}

/* ------------------------------------------------------------ mqtt.type */

static bool type_test(const void *txv, enum app_dir dir, const void *ctx)
{
	(void)dir;
	const struct mqtt_tx *tx = txv;
	for (uint32_t i = 0; i < tx->n_msgs; i++)
		if (u64_cmp_match(ctx, tx->msgs[i]->type))
			return true;
	return false;
}

static int type_match(struct det_thread *dt, const struct packet *p, const struct rule *r,
		      const void *ctx)
{
	(void)r;
	return app_tx_match(dt, p, APP_PROTO_MQTT, type_test, ctx);
}

/* A type name, or Suricata 8's unsigned 8-bit integer syntax ("2", ">9"). */
static int type_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	char buf[64], num[16];
	const char *t = copy_arg(arg, buf, sizeof(buf));
	if (t != NULL && isalpha((unsigned char)t[0])) {
		int v = mqtt_type_by_name(t);
		if (v < 0) {
			pc_error(pc, "invalid mqtt.type '%s'", arg ? arg : "");
			return -1;
		}
		snprintf(num, sizeof(num), "%d", v);
		t = num;
	}
	if (rule_add_u64_cmp(pc, r, "mqtt.type", t ? t : "", UINT8_MAX) != 0)
		return -1;
	return rule_require_app(pc, r, APP_PROTO_MQTT, AD_BOTH);
}

/* ------------------------------------------------------------ mqtt.flags */

static const char *const hdr_flag_names[] = {"dup", "retain"};

static bool flags_test(const void *txv, enum app_dir dir, const void *ctx)
{
	(void)dir;
	const struct mqtt_tx *tx = txv;
	const uint8_t *w = ctx;
	for (uint32_t i = 0; i < tx->n_msgs; i++)
		if (flag_ok(w[0], tx->msgs[i]->dup) && flag_ok(w[1], tx->msgs[i]->retain))
			return true;
	return false;
}

static int flags_match(struct det_thread *dt, const struct packet *p, const struct rule *r,
		       const void *ctx)
{
	(void)r;
	return app_tx_match(dt, p, APP_PROTO_MQTT, flags_test, ctx);
}

static int flags_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	uint8_t *w = calloc(2, 1);
	if (w == NULL)
		return -1;
	if (parse_flag_list(arg, hdr_flag_names, 2, w) != 0) {
		free(w);
		pc_error(pc, "invalid mqtt.flags '%s'", arg ? arg : "");
		return -1;
	}
	return add_ctx(pc, r, "mqtt.flags", w);
}

/* ------------------------------------------------------------ mqtt.qos */

static bool qos_test(const void *txv, enum app_dir dir, const void *ctx)
{
	(void)dir;
	const struct mqtt_tx *tx = txv;
	for (uint32_t i = 0; i < tx->n_msgs; i++)
		if (u64_cmp_match(ctx, tx->msgs[i]->qos))
			return true;
	return false;
}

static int qos_match(struct det_thread *dt, const struct packet *p, const struct rule *r,
		     const void *ctx)
{
	(void)r;
	return app_tx_match(dt, p, APP_PROTO_MQTT, qos_test, ctx);
}

/* 0, 1 or 2 (Suricata refuses other levels). */
static int qos_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	char buf[32];
	const char *t = copy_arg(arg, buf, sizeof(buf));
	if (t == NULL || strlen(t) != 1 || t[0] < '0' || t[0] > '2') {
		pc_error(pc, "invalid mqtt.qos '%s'", arg ? arg : "");
		return -1;
	}
	if (rule_add_u64_cmp(pc, r, "mqtt.qos", t, 2) != 0)
		return -1;
	return rule_require_app(pc, r, APP_PROTO_MQTT, AD_BOTH);
}

/* ------------------------------------------------------------ mqtt.reason_code */

static bool codes_match(const struct mqtt_msg *m, const struct u64_cmp *c)
{
	uint32_t l;
	const uint8_t *codes = mqtt_str_get(m, m->codes, &l);
	for (uint32_t i = 0; codes != NULL && i < l; i++)
		if (u64_cmp_match(c, codes[i]))
			return true;
	return false;
}

static bool reason_test(const void *txv, enum app_dir dir, const void *ctx)
{
	(void)dir;
	const struct mqtt_tx *tx = txv;
	for (uint32_t i = 0; i < tx->n_msgs; i++) {
		const struct mqtt_msg *m = tx->msgs[i];
		if (m->truncated)
			continue;
		switch (m->type) {
		case MQTT_CONNACK:
			if (u64_cmp_match(ctx, m->return_code))
				return true;
			break;
		case MQTT_PUBACK:
		case MQTT_PUBREC:
		case MQTT_PUBREL:
		case MQTT_PUBCOMP:
		case MQTT_DISCONNECT:
		case MQTT_AUTH:
			if (m->has_reason && u64_cmp_match(ctx, m->reason_code))
				return true;
			break;
		case MQTT_SUBACK:
		case MQTT_UNSUBACK:
			if (codes_match(m, ctx))
				return true;
			break;
		default: break;
		}
	}
	return false;
}

static int reason_match(struct det_thread *dt, const struct packet *p, const struct rule *r,
			const void *ctx)
{
	(void)r;
	return app_tx_match(dt, p, APP_PROTO_MQTT, reason_test, ctx);
}

static int reason_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	char buf[64];
	const char *t = copy_arg(arg, buf, sizeof(buf));
	if (rule_add_u64_cmp(pc, r, "mqtt.reason_code", t ? t : "", UINT8_MAX) != 0)
		return -1;
	return rule_require_app(pc, r, APP_PROTO_MQTT, AD_BOTH);
}

/* ------------------------------------------------------------ mqtt.protocol_version */

static bool version_test(const void *txv, enum app_dir dir, const void *ctx)
{
	(void)dir;
	return u64_cmp_match(ctx, ((const struct mqtt_tx *)txv)->protocol_version);
}

static int version_match(struct det_thread *dt, const struct packet *p, const struct rule *r,
			 const void *ctx)
{
	(void)r;
	return app_tx_match(dt, p, APP_PROTO_MQTT, version_test, ctx);
}

static int version_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	char buf[64];
	const char *t = copy_arg(arg, buf, sizeof(buf));
	if (rule_add_u64_cmp(pc, r, "mqtt.protocol_version", t ? t : "", UINT8_MAX) != 0)
		return -1;
	return rule_require_app(pc, r, APP_PROTO_MQTT, AD_BOTH);
}

/* ------------------------------------------------------------ mqtt.connect.flags */

static const char *const connect_flag_names[] = {"username", "password", "will", "will_retain",
						 "clean_session"};
static const uint8_t connect_flag_bits[] = {MQTT_CF_USERNAME, MQTT_CF_PASSWORD, MQTT_CF_WILL,
					    MQTT_CF_WILL_RETAIN, MQTT_CF_CLEAN_SESSION};

static bool connect_flags_test(const void *txv, enum app_dir dir, const void *ctx)
{
	(void)dir;
	const struct mqtt_tx *tx = txv;
	const uint8_t *w = ctx;
	for (uint32_t i = 0; i < tx->n_msgs; i++) {
		const struct mqtt_msg *m = tx->msgs[i];
		if (m->type != MQTT_CONNECT || m->truncated)
			continue;
		bool ok = true;
		for (int k = 0; k < 5; k++)
			ok = ok && flag_ok(w[k], (m->connect_flags & connect_flag_bits[k]) != 0);
		if (ok)
			return true;
	}
	return false;
}

static int connect_flags_match(struct det_thread *dt, const struct packet *p, const struct rule *r,
			       const void *ctx)
{
	(void)r;
	return app_tx_match(dt, p, APP_PROTO_MQTT, connect_flags_test, ctx);
}

static int connect_flags_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	uint8_t *w = calloc(5, 1);
	if (w == NULL)
		return -1;
	if (parse_flag_list(arg, connect_flag_names, 5, w) != 0) {
		free(w);
		pc_error(pc, "invalid mqtt.connect.flags '%s'", arg ? arg : "");
		return -1;
	}
	return add_ctx(pc, r, "mqtt.connect.flags", w);
}

/* ------------------------------------------------------------ mqtt.connack.session_present */

static bool session_test(const void *txv, enum app_dir dir, const void *ctx)
{
	(void)dir;
	const struct mqtt_tx *tx = txv;
	for (uint32_t i = 0; i < tx->n_msgs; i++)
		if (tx->msgs[i]->type == MQTT_CONNACK && !tx->msgs[i]->truncated)
			return tx->msgs[i]->session_present == *(const bool *)ctx;
	return false;
}

static int session_match(struct det_thread *dt, const struct packet *p, const struct rule *r,
			 const void *ctx)
{
	(void)r;
	return app_tx_match(dt, p, APP_PROTO_MQTT, session_test, ctx);
}

static int session_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	char buf[32];
	const char *t = copy_arg(arg, buf, sizeof(buf));
	bool v;
	if (t != NULL && (strcmp(t, "yes") == 0 || strcmp(t, "true") == 0))
		v = true;
	else if (t != NULL && (strcmp(t, "no") == 0 || strcmp(t, "false") == 0))
		v = false;
	else {
		pc_error(pc, "invalid mqtt.connack.session_present '%s'", arg ? arg : "");
		return -1;
	}
	bool *c = malloc(sizeof(*c));
	if (c == NULL)
		return -1;
	*c = v;
	return add_ctx(pc, r, "mqtt.connack.session_present", c);
}

static const struct kw_def defs[] = {
    {"mqtt.type", NULL, "MQTT message type", type_setup, type_match, NULL, NULL, 0},
    {"mqtt.flags", NULL, "MQTT fixed header flags", flags_setup, flags_match, NULL, free, 0},
    {"mqtt.qos", NULL, "MQTT QoS level", qos_setup, qos_match, NULL, NULL, 0},
    {"mqtt.reason_code", "mqtt.connack.return_code", "MQTT reason or return code", reason_setup,
     reason_match, NULL, NULL, 0},
    {"mqtt.protocol_version", NULL, "MQTT protocol version", version_setup, version_match, NULL,
     NULL, 0},
    {"mqtt.connect.flags", NULL, "MQTT CONNECT flags", connect_flags_setup, connect_flags_match,
     NULL, free, 0},
    {"mqtt.connack.session_present", NULL, "MQTT CONNACK session present flag", session_setup,
     session_match, NULL, free, 0},
};

const struct kw_family kw_family_mqtt = {defs, sizeof(defs) / sizeof(defs[0])};

/* ------------------------------------------------------------ buffers */

enum mqtt_buf {
	MB_CLIENTID,
	MB_USERNAME,
	MB_PASSWORD,
	MB_WILLTOPIC,
	MB_WILLMESSAGE,
	MB_PROTOCOL_STRING,
	MB_PUB_TOPIC,
	MB_PUB_MESSAGE,
	MB_SUB_TOPIC,
	MB_UNSUB_TOPIC,
};

static struct mqtt_str msg_field(const struct mqtt_msg *m, int which)
{
	struct mqtt_str none = {0, 0, false};
	if (m->truncated)
		return none;
	if (m->type == MQTT_CONNECT) {
		switch (which) {
		case MB_CLIENTID: return m->client_id;
		case MB_USERNAME: return m->username;
		case MB_PASSWORD: return m->password;
		case MB_WILLTOPIC: return m->will_topic;
		case MB_WILLMESSAGE: return m->will_message;
		case MB_PROTOCOL_STRING: return m->protocol_string;
		default: return none;
		}
	}
	if (m->type == MQTT_PUBLISH && which == MB_PUB_TOPIC)
		return m->topic;
	if (m->type == MQTT_PUBLISH && which == MB_PUB_MESSAGE)
		return m->message;
	return none;
}

static bool field_get(const struct app_buffer_spec *spec, struct det_thread *dt, const void *txv,
		      enum app_dir dir, uint32_t k, const uint8_t **d, uint32_t *l)
{
	(void)dt;
	(void)dir;
	const struct mqtt_tx *tx = txv;
	if (k > 0)
		return false;
	for (uint32_t i = 0; i < tx->n_msgs; i++) {
		*d = mqtt_str_get(tx->msgs[i], msg_field(tx->msgs[i], spec->arg), l);
		if (*d != NULL && *l > 0)
			return true;
	}
	return false;
}

/* The k-th topic over the transaction's SUBSCRIBE (or UNSUBSCRIBE)
 * messages. */
static bool topic_get(const struct app_buffer_spec *spec, struct det_thread *dt, const void *txv,
		      enum app_dir dir, uint32_t k, const uint8_t **d, uint32_t *l)
{
	(void)dt;
	(void)dir;
	const struct mqtt_tx *tx = txv;
	uint8_t type = spec->arg == MB_SUB_TOPIC ? MQTT_SUBSCRIBE : MQTT_UNSUBSCRIBE;
	uint32_t limit = spec->arg == MB_SUB_TOPIC ? tx->sub_topic_limit : tx->unsub_topic_limit;
	if (limit > 0 && k >= limit) /* the (un)subscribe-topic-match-limit setting */
		return false;
	for (uint32_t i = 0; i < tx->n_msgs; i++) {
		const struct mqtt_msg *m = tx->msgs[i];
		if (m->type != type || m->truncated)
			continue;
		if (k < m->n_topics) {
			*d = mqtt_str_get(m, m->topics[k].name, l);
			return *d != NULL;
		}
		k -= m->n_topics;
	}
	return false;
}

#define MQ APP_PROTO_MQTT
static const struct app_buffer_spec specs[] = {
    {"mqtt.connect.clientid", NULL, MQ, AD_BOTH, field_get, MB_CLIENTID},
    {"mqtt.connect.username", NULL, MQ, AD_BOTH, field_get, MB_USERNAME},
    {"mqtt.connect.password", NULL, MQ, AD_BOTH, field_get, MB_PASSWORD},
    {"mqtt.connect.willtopic", NULL, MQ, AD_BOTH, field_get, MB_WILLTOPIC},
    {"mqtt.connect.willmessage", NULL, MQ, AD_BOTH, field_get, MB_WILLMESSAGE},
    {"mqtt.connect.protocol_string", NULL, MQ, AD_BOTH, field_get, MB_PROTOCOL_STRING},
    {"mqtt.publish.topic", NULL, MQ, AD_BOTH, field_get, MB_PUB_TOPIC},
    {"mqtt.publish.message", NULL, MQ, AD_BOTH, field_get, MB_PUB_MESSAGE},
    {"mqtt.subscribe.topic", NULL, MQ, AD_BOTH, topic_get, MB_SUB_TOPIC},
    {"mqtt.unsubscribe.topic", NULL, MQ, AD_BOTH, topic_get, MB_UNSUB_TOPIC},
};

const struct app_buffer_family app_buffers_mqtt = {specs, sizeof(specs) / sizeof(specs[0])};
