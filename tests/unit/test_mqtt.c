/*
 * test_mqtt.c — app/mqtt.c and mqtt-log.c through the descriptor
 * app_mqtt: real MQTT 5 and 3.1 sessions (test_mqtt_vectors.h) whole, in
 * every split and byte by byte; the transactions Suricata pairs
 * (CONNECT/CONNACK, SUBSCRIBE/SUBACK, QoS 1 PUBLISH/PUBACK); every event;
 * truncated and corrupted variants (cut messages, a bad property block, a
 * five-byte length, type 0, QoS 3, a body too short for its type, a
 * message over max-msg-length); v5 properties in EVE; probes; settings.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/mqtt.h"
#include "util/config.h"
#include "util/json.h"

#include "test_app_session.h"
#include "test_mqtt_vectors.h"

static void *new_state(const struct mqtt_settings *cfg)
{
	struct app_flow_info fi = {.tcp = true, .server_port = 1883, .cfg = cfg};
	void *s = app_mqtt.state_new(&fi);
	assert_non_null(s);
	return s;
}

static enum app_parse_result feed(void *s, enum app_dir dir, const void *d, size_t n)
{
	uint8_t *c = malloc(n ? n : 1); /* exact size: ASan catches a read past n */
	assert_non_null(c);
	if (n > 0)
		memcpy(c, d, n);
	enum app_parse_result r = app_mqtt.parse(s, dir, c, (uint32_t)n, 0);
	free(c);
	return r;
}

static void feed_ok(void *s, enum app_dir dir, const void *d, size_t n)
{
	assert_int_equal(feed(s, dir, d, n), APP_PARSE_OK);
}

static const struct mqtt_tx *tx_at(void *s, uint64_t id)
{
	const struct mqtt_tx *tx = app_mqtt.tx_get(s, id);
	assert_non_null(tx);
	return tx;
}

static bool has_event(void *s, uint64_t id, enum mqtt_event ev)
{
	return app_mqtt.tx_has_event(s, tx_at(s, id), (int)ev);
}

static char *eve(void *s, uint64_t id, uint32_t opts)
{
	struct json j;
	json_init(&j);
	json_open_object(&j, NULL);
	app_mqtt.log_json(&j, s, tx_at(s, id), opts);
	json_close_object(&j);
	char *out = strdup(j.buf);
	json_free(&j);
	return out;
}

static void assert_str(const struct mqtt_msg *m, struct mqtt_str v, const char *want)
{
	uint32_t l;
	const uint8_t *p = mqtt_str_get(m, v, &l);
	assert_non_null(p);
	assert_int_equal(l, strlen(want));
	assert_memory_equal(p, want, l);
}

/* The real MQTT 5 session: CONNECT, CONNACK, SUBSCRIBE, SUBACK, DISCONNECT. */
static void *v5_session(void)
{
	void *s = new_state(NULL);
	feed_ok(s, APP_TOSERVER, mqtt5_connect, sizeof(mqtt5_connect));
	feed_ok(s, APP_TOCLIENT, mqtt5_connack, sizeof(mqtt5_connack));
	feed_ok(s, APP_TOSERVER, mqtt5_subscribe, sizeof(mqtt5_subscribe));
	feed_ok(s, APP_TOCLIENT, mqtt5_suback, sizeof(mqtt5_suback));
	feed_ok(s, APP_TOSERVER, mqtt5_disconnect, sizeof(mqtt5_disconnect));
	return s;
}

static void test_v5_session(void **st)
{
	(void)st;
	void *s = v5_session();
	assert_int_equal(app_mqtt.tx_count(s), 3);
	const struct mqtt_tx *tx = tx_at(s, 0);
	assert_int_equal(tx->n_msgs, 2);
	assert_true(tx->complete);
	assert_int_equal(tx->protocol_version, 5);
	const struct mqtt_msg *c = tx->msgs[0];
	assert_int_equal(c->type, MQTT_CONNECT);
	assert_str(c, c->protocol_string, "MQTT");
	assert_str(c, c->client_id, "myvoiceismypassport");
	assert_str(c, c->username, "user");
	assert_str(c, c->password, "pass");
	assert_false(c->will_topic.present);
	assert_int_equal(tx->msgs[1]->type, MQTT_CONNACK);
	assert_int_equal(tx->events, 0);
	char *e = eve(s, 0, MQTT_LOG_PASSWORDS);
	assert_string_equal(
	    e,
	    "{\"mqtt\":{\"connect\":{\"qos\":0,\"retain\":false,\"dup\":false,\"protocol_string\":"
	    "\"MQTT\",\"protocol_version\":5,\"client_id\":\"myvoiceismypassport\",\"flags\":{"
	    "\"username\":true,\"password\":true,\"will_retain\":false,\"will\":false,"
	    "\"clean_session\":true},\"username\":\"user\",\"password\":\"pass\","
	    "\"properties\":{\"receive_maximum\":20}},\"connack\":{\"qos\":0,\"retain\":false,"
	    "\"dup\":false,\"session_present\":false,\"return_code\":0,\"properties\":{"
	    "\"topic_alias_maximum\":10}}}}");
	free(e);
	e = eve(s, 0, 0); /* without the option: no password */
	assert_null(strstr(e, "\"password\":\"pass\""));
	free(e);

	tx = tx_at(s, 1);
	assert_int_equal(tx->n_msgs, 2);
	assert_true(tx->complete);
	const struct mqtt_msg *sub = tx->msgs[0];
	assert_int_equal(sub->qos, 1);
	assert_int_equal(sub->message_id, 1);
	assert_int_equal(sub->n_topics, 2);
	assert_str(sub, sub->topics[1].name, "topicY");
	e = eve(s, 1, 0);
	assert_string_equal(
	    e,
	    "{\"mqtt\":{\"subscribe\":{\"qos\":1,\"retain\":false,\"dup\":false,\"message_id\":1,"
	    "\"topics\":[{\"topic\":\"topicX\",\"qos\":0},{\"topic\":\"topicY\",\"qos\":0}]},"
	    "\"suback\":{\"qos\":0,\"retain\":false,\"dup\":false,\"message_id\":1,"
	    "\"qos_granted\":[0,0]}}}");
	free(e);

	/* DISCONNECT with a body of one reason code (4): reported as 0, as
	 * Suricata does */
	tx = tx_at(s, 2);
	assert_int_equal(tx->msgs[0]->type, MQTT_DISCONNECT);
	assert_true(tx->msgs[0]->has_reason);
	assert_int_equal(tx->msgs[0]->reason_code, 0);
	/* inspected once, in its first message's direction, when complete */
	assert_int_equal(app_mqtt.tx_side(s, tx, APP_TOSERVER, false), APP_SIDE_READY);
	assert_int_equal(app_mqtt.tx_side(s, tx, APP_TOCLIENT, false), APP_SIDE_NONE);
	assert_int_equal(app_mqtt.tx_log(s, tx, false), APP_LOG_NOW);
	app_mqtt.state_free(s);
}

/* The client's bytes as one stream, split everywhere: the same three
 * transactions (nothing is connected without the CONNACK). */
static void test_every_split(void **st)
{
	(void)st;
	size_t n = sizeof(mqtt5_connect) + sizeof(mqtt5_subscribe) + sizeof(mqtt5_disconnect);
	uint8_t *b = malloc(n);
	assert_non_null(b);
	memcpy(b, mqtt5_connect, sizeof(mqtt5_connect));
	memcpy(b + sizeof(mqtt5_connect), mqtt5_subscribe, sizeof(mqtt5_subscribe));
	memcpy(b + sizeof(mqtt5_connect) + sizeof(mqtt5_subscribe), mqtt5_disconnect,
	       sizeof(mqtt5_disconnect));
	for (size_t cut = 0; cut <= n; cut++) {
		void *s = new_state(NULL);
		feed_ok(s, APP_TOSERVER, b, cut);
		feed_ok(s, APP_TOSERVER, b + cut, n - cut);
		assert_int_equal(app_mqtt.tx_count(s), 3);
		assert_false(tx_at(s, 0)->complete); /* CONNECT waits for its CONNACK */
		assert_int_equal(app_mqtt.tx_side(s, tx_at(s, 0), APP_TOSERVER, false),
				 APP_SIDE_PENDING);
		assert_int_equal(app_mqtt.tx_side(s, tx_at(s, 0), APP_TOSERVER, true),
				 APP_SIDE_READY);
		assert_true(has_event(s, 1, MQTT_EV_UNINTRODUCED_MESSAGE));
		assert_true(has_event(s, 2, MQTT_EV_UNINTRODUCED_MESSAGE));
		app_mqtt.state_free(s);
	}
	void *s = new_state(NULL);
	for (size_t i = 0; i < n; i++)
		feed_ok(s, APP_TOSERVER, b + i, 1);
	assert_int_equal(app_mqtt.tx_count(s), 3);
	app_mqtt.state_free(s);
	free(b);
}

/* MQIsdp (3.1) CONNECT and a PUBLISH before any CONNACK. */
static void test_v31_unintroduced(void **st)
{
	(void)st;
	void *s = new_state(NULL);
	feed_ok(s, APP_TOSERVER, mqtt31_connect, sizeof(mqtt31_connect));
	feed_ok(s, APP_TOSERVER, mqtt31_publish, sizeof(mqtt31_publish));
	assert_int_equal(app_mqtt.tx_count(s), 2);
	const struct mqtt_msg *c = tx_at(s, 0)->msgs[0];
	assert_str(c, c->protocol_string, "MQIsdp");
	assert_int_equal(c->protocol_version, 3);
	const struct mqtt_msg *p = tx_at(s, 1)->msgs[0];
	assert_str(p, p->topic, "topicX");
	assert_str(p, p->message, "baabaablacksheep");
	assert_true(has_event(s, 1, MQTT_EV_UNINTRODUCED_MESSAGE));
	assert_false(has_event(s, 0, MQTT_EV_UNINTRODUCED_MESSAGE));
	char *e = eve(s, 1, 0);
	assert_string_equal(e, "{\"mqtt\":{\"publish\":{\"qos\":0,\"retain\":false,\"dup\":false,"
			       "\"topic\":\"topicX\",\"message\":\"baabaablacksheep\"}}}");
	free(e);
	app_mqtt.state_free(s);
}

static void test_ping(void **st)
{
	(void)st;
	void *s = new_state(NULL);
	feed_ok(s, APP_TOSERVER, mqtt_pingreq, sizeof(mqtt_pingreq));
	feed_ok(s, APP_TOCLIENT, mqtt_pingresp, sizeof(mqtt_pingresp));
	assert_int_equal(app_mqtt.tx_count(s), 2);
	assert_true(has_event(s, 0, MQTT_EV_UNINTRODUCED_MESSAGE));
	assert_true(has_event(s, 1, MQTT_EV_UNINTRODUCED_MESSAGE));
	assert_int_equal(app_mqtt.tx_msg_dir(tx_at(s, 1)), APP_TOCLIENT);
	char *e = eve(s, 1, 0);
	assert_string_equal(e,
			    "{\"mqtt\":{\"pingresp\":{\"qos\":0,\"retain\":false,\"dup\":false}}}");
	free(e);
	app_mqtt.state_free(s);
}

/* Acknowledgments with nothing to join, a second CONNECT, and a v3
 * SUBSCRIBE its SUBACK joins. */
static void test_missing_and_double(void **st)
{
	(void)st;
	void *s = new_state(NULL);
	feed_ok(s, APP_TOCLIENT, mqtt_connack_alone, sizeof(mqtt_connack_alone));
	assert_true(has_event(s, 0, MQTT_EV_MISSING_CONNECT));
	feed_ok(s, APP_TOSERVER, mqtt31_connect, sizeof(mqtt31_connect));
	feed_ok(s, APP_TOCLIENT, mqtt_connack_alone, sizeof(mqtt_connack_alone));
	assert_true(tx_at(s, 1)->complete);
	feed_ok(s, APP_TOSERVER, mqtt_subscribe_v3, sizeof(mqtt_subscribe_v3));
	feed_ok(s, APP_TOCLIENT, mqtt_suback_v3, sizeof(mqtt_suback_v3));
	assert_int_equal(app_mqtt.tx_count(s), 3);
	const struct mqtt_tx *tx = tx_at(s, 2);
	assert_int_equal(tx->n_msgs, 2);
	assert_str(tx->msgs[0], tx->msgs[0]->topics[0].name, "house/bulbs/bulb1");
	assert_int_equal(tx->msgs[0]->topics[0].qos, 1);
	/* the same SUBACK again: nothing open with its id */
	feed_ok(s, APP_TOCLIENT, mqtt_suback_v3, sizeof(mqtt_suback_v3));
	assert_true(has_event(s, 3, MQTT_EV_MISSING_SUBSCRIBE));
	static const uint8_t puback[] = {0x40, 0x02, 0x00, 0x07};
	static const uint8_t unsuback[] = {0xb0, 0x02, 0x00, 0x07};
	feed_ok(s, APP_TOCLIENT, puback, sizeof(puback));
	feed_ok(s, APP_TOCLIENT, unsuback, sizeof(unsuback));
	assert_true(has_event(s, 4, MQTT_EV_MISSING_PUBLISH));
	assert_true(has_event(s, 5, MQTT_EV_MISSING_UNSUBSCRIBE));
	feed_ok(s, APP_TOSERVER, mqtt31_connect, sizeof(mqtt31_connect));
	assert_true(has_event(s, 6, MQTT_EV_DOUBLE_CONNECT));
	app_mqtt.state_free(s);
}

/* QoS 1 PUBLISH and its PUBACK; QoS 2 through PUBREC, PUBREL, PUBCOMP. */
static void test_publish_flows(void **st)
{
	(void)st;
	void *s = new_state(NULL);
	feed_ok(s, APP_TOSERVER, mqtt31_connect, sizeof(mqtt31_connect));
	feed_ok(s, APP_TOCLIENT, mqtt_connack_alone, sizeof(mqtt_connack_alone));
	static const uint8_t pub1[] = {0x32, 0x07, 0x00, 0x01, 't', 0x00, 0x09, 'h', 'i'};
	static const uint8_t puback[] = {0x40, 0x02, 0x00, 0x09};
	feed_ok(s, APP_TOSERVER, pub1, sizeof(pub1));
	assert_false(tx_at(s, 1)->complete);
	assert_int_equal(app_mqtt.tx_log(s, tx_at(s, 1), false), APP_LOG_WAIT);
	feed_ok(s, APP_TOCLIENT, puback, sizeof(puback));
	assert_true(tx_at(s, 1)->complete);
	assert_int_equal(tx_at(s, 1)->msgs[0]->message_id, 9);
	static const uint8_t pub2[] = {0x34, 0x07, 0x00, 0x01, 't', 0x00, 0x0a, 'h', 'o'};
	static const uint8_t pubrec[] = {0x50, 0x02, 0x00, 0x0a};
	static const uint8_t pubrel[] = {0x62, 0x02, 0x00, 0x0a};
	static const uint8_t pubcomp[] = {0x70, 0x02, 0x00, 0x0a};
	feed_ok(s, APP_TOSERVER, pub2, sizeof(pub2));
	feed_ok(s, APP_TOCLIENT, pubrec, sizeof(pubrec));
	feed_ok(s, APP_TOSERVER, pubrel, sizeof(pubrel));
	assert_false(tx_at(s, 2)->complete);
	feed_ok(s, APP_TOCLIENT, pubcomp, sizeof(pubcomp));
	assert_true(tx_at(s, 2)->complete);
	assert_int_equal(tx_at(s, 2)->n_msgs, 4);
	assert_int_equal(app_mqtt.tx_count(s), 3);
	/* QoS 3 */
	static const uint8_t pub3[] = {0x36, 0x05, 0x00, 0x01, 't', 0x00, 0x0b};
	feed_ok(s, APP_TOSERVER, pub3, sizeof(pub3));
	assert_true(has_event(s, 3, MQTT_EV_INVALID_QOS_LEVEL));
	/* type 0 */
	static const uint8_t type0[] = {0x00, 0x00};
	feed_ok(s, APP_TOSERVER, type0, sizeof(type0));
	assert_true(has_event(s, 4, MQTT_EV_UNASSIGNED_MSG_TYPE));
	app_mqtt.state_free(s);
}

/* A binary PUBLISH (the JPEG magic of the real v5 capture) and a topic
 * that is not UTF-8: Suricata's escapes. */
static void test_binary_strings(void **st)
{
	(void)st;
	void *s = new_state(NULL);
	feed_ok(s, APP_TOSERVER, mqtt31_connect, sizeof(mqtt31_connect));
	feed_ok(s, APP_TOCLIENT, mqtt_connack_alone, sizeof(mqtt_connack_alone));
	static const uint8_t pub[] = {0x30, 0x0a, 0x00, 0x02, 't', 0xff,
				      0xff, 0xd8, 0xff, 0xe0, 'A', 0x22};
	feed_ok(s, APP_TOSERVER, pub, sizeof(pub));
	char *e = eve(s, 1, 0);
	assert_string_equal(
	    e, "{\"mqtt\":{\"publish\":{\"qos\":0,\"retain\":false,\"dup\":false,"
	       "\"topic\":\"t\xef\xbf\xbd\",\"message\":\"\\\\xff\\\\xd8\\\\xff\\\\xe0A\\\"\"}}}");
	free(e);
	app_mqtt.state_free(s);
}

/* The v5 CONNECT with a property length of 0xff... (a bad block): a
 * transaction with malformed_traffic, and the direction stops. */
static void test_malformed(void **st)
{
	(void)st;
	void *s = new_state(NULL);
	assert_int_equal(
	    feed(s, APP_TOSERVER, mqtt5_connect_badprops, sizeof(mqtt5_connect_badprops)),
	    APP_PARSE_ERROR);
	assert_int_equal(app_mqtt.tx_count(s), 1);
	assert_true(has_event(s, 0, MQTT_EV_MALFORMED_TRAFFIC));
	assert_int_equal(tx_at(s, 0)->n_msgs, 0);
	char *e = eve(s, 0, 0);
	assert_string_equal(e, "{\"mqtt\":{}}");
	free(e);
	assert_int_equal(feed(s, APP_TOSERVER, mqtt_pingreq, sizeof(mqtt_pingreq)),
			 APP_PARSE_ERROR);
	assert_int_equal(app_mqtt.tx_count(s), 1);
	/* nor the other direction */
	assert_int_equal(feed(s, APP_TOCLIENT, mqtt5_connack, sizeof(mqtt5_connack)),
			 APP_PARSE_ERROR);
	assert_int_equal(app_mqtt.tx_count(s), 1);
	app_mqtt.state_free(s);

	static const uint8_t five_byte_len[] = {0xc0, 0xff, 0xff, 0xff, 0xff, 0x01};
	static const uint8_t short_publish[] = {0x32, 0x03, 0x00, 0x00, 0x01};
	static const uint8_t empty_subscribe[] = {0x82, 0x02, 0x00, 0x01};
	static const uint8_t short_connect[] = {0x10, 0x04, 0x00, 0x04, 'M', 'Q'};
	const struct {
		const uint8_t *d;
		size_t n;
	} bad[] = {{five_byte_len, sizeof(five_byte_len)},
		   {short_publish, sizeof(short_publish)},
		   {empty_subscribe, sizeof(empty_subscribe)},
		   {short_connect, sizeof(short_connect)}};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		s = new_state(NULL);
		assert_int_equal(feed(s, APP_TOSERVER, bad[i].d, bad[i].n), APP_PARSE_ERROR);
		assert_true(has_event(s, app_mqtt.tx_count(s) - 1, MQTT_EV_MALFORMED_TRAFFIC));
		app_mqtt.state_free(s);
	}
}

/* Every cut of a message is waited on, never an error or a transaction. */
static void test_truncated_prefixes(void **st)
{
	(void)st;
	for (size_t cut = 0; cut < sizeof(mqtt5_connack_props); cut++) {
		void *s = new_state(NULL);
		feed_ok(s, APP_TOCLIENT, mqtt5_connack_props, cut);
		assert_int_equal(app_mqtt.tx_count(s), 0);
		feed_ok(s, APP_TOCLIENT, mqtt5_connack_props + cut,
			sizeof(mqtt5_connack_props) - cut);
		assert_int_equal(app_mqtt.tx_count(s), 1);
		app_mqtt.state_free(s);
	}
}

/* v5 properties of the real CONNACK (after a v5 CONNECT). */
static void test_properties(void **st)
{
	(void)st;
	void *s = new_state(NULL);
	feed_ok(s, APP_TOSERVER, mqtt5_connect, sizeof(mqtt5_connect));
	feed_ok(s, APP_TOCLIENT, mqtt5_connack_props, sizeof(mqtt5_connack_props));
	char *e = eve(s, 0, 0);
	assert_non_null(strstr(e,
			       "\"connack\":{\"qos\":0,\"retain\":false,\"dup\":false,"
			       "\"session_present\":false,\"return_code\":0,\"properties\":{"
			       "\"topic_alias_maximum\":10,\"assigned_client_identifier\":\"auto-"
			       "1B43E800-08E3-3BA1-2E97-E9A0B4064BF5\"}}"));
	free(e);
	app_mqtt.state_free(s);
}

/* A PUBLISH of 35767 bytes over a max-msg-length of 1000: one truncated
 * transaction, its bytes skipped as they come, the next message parsed. */
static void test_max_msg_length(void **st)
{
	(void)st;
	struct mqtt_settings cfg = {.max_msg_len = 1000, .max_tx = 16};
	void *s = new_state(&cfg);
	feed_ok(s, APP_TOSERVER, mqtt31_connect, sizeof(mqtt31_connect));
	feed_ok(s, APP_TOCLIENT, mqtt_connack_alone, sizeof(mqtt_connack_alone));
	feed_ok(s, APP_TOSERVER, mqtt5_publish_head, sizeof(mqtt5_publish_head));
	assert_int_equal(app_mqtt.tx_count(s), 2);
	const struct mqtt_tx *tx = tx_at(s, 1);
	assert_true(tx->msgs[0]->truncated);
	assert_int_equal(tx->msgs[0]->skipped, 35767 + 4);
	char *e = eve(s, 1, 0);
	assert_string_equal(e, "{\"mqtt\":{\"publish\":{\"qos\":0,\"retain\":false,\"dup\":false,"
			       "\"truncated\":true,\"skipped_length\":35771}}}");
	free(e);
	size_t rest = 35771 - sizeof(mqtt5_publish_head);
	uint8_t *zeros = calloc(1, rest + sizeof(mqtt_pingreq));
	assert_non_null(zeros);
	memcpy(zeros + rest, mqtt_pingreq, sizeof(mqtt_pingreq));
	feed_ok(s, APP_TOSERVER, zeros, 1000);
	feed_ok(s, APP_TOSERVER, zeros + 1000, rest + sizeof(mqtt_pingreq) - 1000);
	free(zeros);
	assert_int_equal(app_mqtt.tx_count(s), 3);
	assert_int_equal(tx_at(s, 2)->msgs[0]->type, MQTT_PINGREQ);
	app_mqtt.state_free(s);

	/* the default keeps it whole: nothing until all of it is there */
	s = new_state(NULL);
	feed_ok(s, APP_TOSERVER, mqtt5_publish_head, sizeof(mqtt5_publish_head));
	assert_int_equal(app_mqtt.tx_count(s), 0);
	app_mqtt.state_free(s);
}

/* Over max-tx open transactions the oldest is closed. */
static void test_too_many_transactions(void **st)
{
	(void)st;
	struct mqtt_settings cfg = {.max_msg_len = 1000, .max_tx = 4};
	void *s = new_state(&cfg);
	feed_ok(s, APP_TOSERVER, mqtt31_connect, sizeof(mqtt31_connect));
	feed_ok(s, APP_TOCLIENT, mqtt_connack_alone, sizeof(mqtt_connack_alone));
	uint8_t pub[] = {0x32, 0x05, 0x00, 0x01, 't', 0x00, 0x00};
	for (int i = 1; i <= 8; i++) {
		pub[6] = (uint8_t)i;
		feed_ok(s, APP_TOSERVER, pub, sizeof(pub));
	}
	assert_true(has_event(s, 1, MQTT_EV_TOO_MANY_TRANSACTIONS));
	assert_true(tx_at(s, 1)->complete);
	assert_false(tx_at(s, 8)->complete);
	app_mqtt.state_free(s);
}

/* An open PUBLISH whose PUBACK never comes does not hold the later
 * transactions back: after MQTT_OPEN_TX_WINDOW newer ones it is done. */
static void test_lost_ack(void **st)
{
	(void)st;
	void *s = new_state(NULL);
	feed_ok(s, APP_TOSERVER, mqtt31_connect, sizeof(mqtt31_connect));
	feed_ok(s, APP_TOCLIENT, mqtt_connack_alone, sizeof(mqtt_connack_alone));
	uint8_t pub[] = {0x32, 0x05, 0x00, 0x01, 't', 0x00, 0x00};
	feed_ok(s, APP_TOSERVER, pub, sizeof(pub));
	const struct mqtt_tx *open = tx_at(s, 1);
	assert_int_equal(app_mqtt.tx_side(s, open, APP_TOSERVER, false), APP_SIDE_PENDING);
	assert_int_equal(app_mqtt.tx_log(s, open, false), APP_LOG_WAIT);
	for (int i = 0; i < MQTT_OPEN_TX_WINDOW; i++)
		feed_ok(s, APP_TOSERVER, mqtt_pingreq, sizeof(mqtt_pingreq));
	assert_int_equal(app_mqtt.tx_side(s, open, APP_TOSERVER, false), APP_SIDE_READY);
	assert_int_equal(app_mqtt.tx_log(s, open, false), APP_LOG_NOW);
	assert_false(open->complete);
	app_mqtt.state_free(s);
}

static void test_probe(void **st)
{
	(void)st;
	struct app_probe_in in = {.dir = APP_TOSERVER, .tcp = true, .sp = 40000, .dp = 1883};
	assert_null(app_mqtt.probe);
	assert_int_equal(app_mqtt.probe_port(&in, mqtt5_connect, sizeof(mqtt5_connect)),
			 APP_PROBE_MATCH);
	assert_int_equal(app_mqtt.probe_port(&in, mqtt5_connect, 1), APP_PROBE_NEED_MORE);
	assert_int_equal(app_mqtt.probe_port(&in, (const uint8_t *)"\x00\x00", 2), APP_PROBE_NO);
	assert_int_equal(app_mqtt.probe_port(&in, (const uint8_t *)"\x36\x00", 2), APP_PROBE_NO);
	assert_int_equal(app_mqtt.probe_port(&in, (const uint8_t *)"\x30\xff\xff", 3),
			 APP_PROBE_NEED_MORE);
	assert_int_equal(app_mqtt.probe_port(&in, (const uint8_t *)"\x30\xff\xff\xff\xff", 5),
			 APP_PROBE_NO);
}

static void test_settings_and_names(void **st)
{
	(void)st;
	struct config_node *root = config_new();
	struct mqtt_settings *c = mqtt_settings_new(root);
	assert_int_equal(c->max_msg_len, MQTT_DEFAULT_MAX_MSG_LEN);
	assert_int_equal(c->max_tx, MQTT_DEFAULT_MAX_TX);
	mqtt_settings_free(c);
	char err[256];
	assert_true(config_load_string(root,
				       "app-layer:\n  protocols:\n    mqtt:\n"
				       "      max-msg-length: 64kb\n      max-tx: 10\n"
				       "      subscribe-topic-match-limit: 1\n",
				       err, sizeof(err)));
	c = mqtt_settings_new(root);
	assert_int_equal(c->max_msg_len, 65536);
	assert_int_equal(c->max_tx, 10);
	assert_int_equal(c->sub_topic_limit, 1);
	assert_int_equal(c->unsub_topic_limit, MQTT_DEFAULT_TOPIC_MATCH_LIMIT);
	mqtt_settings_free(c);
	config_free(root);
	assert_int_equal(mqtt_type_by_name("publish"), MQTT_PUBLISH);
	assert_int_equal(mqtt_type_by_name("CONNACK"), MQTT_CONNACK);
	assert_int_equal(mqtt_type_by_name("15"), MQTT_AUTH);
	assert_int_equal(mqtt_type_by_name("16"), -1);
	assert_int_equal(mqtt_type_by_name("bogus"), -1);
	assert_string_equal(app_mqtt.event_names[MQTT_EV_MALFORMED_TRAFFIC], "malformed_traffic");
	assert_string_equal(app_mqtt.event_names[MQTT_EV_TOO_MANY_MESSAGES], "too_many_messages");
}

/* The real v5 session through the whole pipeline on port 1883: the
 * keywords, buffers, events and frames each alert once. */
static void test_rules_and_frames(void **st)
{
	(void)st;
	struct run r;
	run_init(&r,
		 "alert mqtt any any -> any any (mqtt.type:CONNACK; sid:1;)\n"
		 "alert mqtt any any -> any any (mqtt.connect.clientid; "
		 "content:\"myvoiceismypassport\"; mqtt.protocol_version:5; sid:2;)\n"
		 "alert mqtt any any -> any any (mqtt.type:SUBACK; mqtt.subscribe.topic; "
		 "content:\"topicY\"; mqtt.reason_code:0; sid:3;)\n"
		 "alert mqtt any any -> any any (mqtt.flags:!retain,!dup; sid:4;)\n"
		 "alert mqtt any any -> any any (frame:pdu; content:\"|10 2f 00|\"; startswith; "
		 "sid:5;)\n"
		 "alert mqtt any any -> any any (frame:header; content:\"|82|\"; bsize:2; sid:6;)\n"
		 "alert mqtt any any -> any any (frame:data; content:\"topicX\"; sid:7;)\n"
		 "alert mqtt any any -> any any (app-layer-event:mqtt.unintroduced_message; "
		 "sid:8;)\n"
		 "alert mqtt any any -> any any (mqtt.connect.flags:username,!will; "
		 "mqtt.connack.session_present:no; sid:9;)\n"
		 "alert mqtt any any -> any any (mqtt.type:>9; sid:10;)\n",
		 10);
	const struct seg segs[] = {
	    {1, mqtt5_connect, sizeof(mqtt5_connect)},
	    {0, mqtt5_connack, sizeof(mqtt5_connack)},
	    {1, mqtt5_subscribe, sizeof(mqtt5_subscribe)},
	    {0, mqtt5_suback, sizeof(mqtt5_suback)},
	    {1, mqtt5_disconnect, sizeof(mqtt5_disconnect)},
	};
	run_session(&r, 1883, segs, sizeof(segs) / sizeof(segs[0]));
	assert_int_equal(r.f->app != NULL, true);
	assert_int_equal(app_flow_proto(r.f), APP_PROTO_MQTT);
	assert_int_equal(count_sid(&r.hits, 1), 1);
	assert_int_equal(count_sid(&r.hits, 2), 1);
	assert_int_equal(count_sid(&r.hits, 3), 1);
	assert_int_equal(count_sid(&r.hits, 4), 3); /* one per transaction */
	assert_int_equal(count_sid(&r.hits, 5), 1);
	assert_int_equal(count_sid(&r.hits, 6), 1);
	assert_int_equal(count_sid(&r.hits, 7), 1);
	assert_int_equal(count_sid(&r.hits, 8), 0);
	assert_int_equal(count_sid(&r.hits, 9), 1);
	assert_int_equal(count_sid(&r.hits, 10), 1); /* DISCONNECT (14) only */
	run_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_v5_session),	       cmocka_unit_test(test_every_split),
	    cmocka_unit_test(test_v31_unintroduced),   cmocka_unit_test(test_ping),
	    cmocka_unit_test(test_missing_and_double), cmocka_unit_test(test_publish_flows),
	    cmocka_unit_test(test_binary_strings),     cmocka_unit_test(test_malformed),
	    cmocka_unit_test(test_truncated_prefixes), cmocka_unit_test(test_properties),
	    cmocka_unit_test(test_max_msg_length),     cmocka_unit_test(test_too_many_transactions),
	    cmocka_unit_test(test_lost_ack),	       cmocka_unit_test(test_probe),
	    cmocka_unit_test(test_settings_and_names), cmocka_unit_test(test_rules_and_frames),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
