/*
 * mqtt.h — the MQTT parser (3.1, 3.1.1 and 5.0), as Suricata 8 parses it
 * (rust/src/mqtt): messages per direction over TCP, transactions pairing
 * a request with its acknowledgment (CONNECT/CONNACK, PUBLISH with QoS
 * 1/2 and PUBACK/PUBREC/PUBREL/PUBCOMP, SUBSCRIBE/SUBACK,
 * UNSUBSCRIBE/UNSUBACK), events with Suricata's names.  Parser:
 * app/mqtt.c; EVE writer: app/mqtt-log.c; rule keywords: detect/kw-mqtt.c.
 */
#ifndef VIGIL_APP_MQTT_H
#define VIGIL_APP_MQTT_H

#include <stdbool.h>
#include <stdint.h>

#include "app/app.h"

struct json;
struct config_node;

enum mqtt_type {
	MQTT_UNASSIGNED = 0,
	MQTT_CONNECT = 1,
	MQTT_CONNACK,
	MQTT_PUBLISH,
	MQTT_PUBACK,
	MQTT_PUBREC,
	MQTT_PUBREL,
	MQTT_PUBCOMP,
	MQTT_SUBSCRIBE,
	MQTT_SUBACK,
	MQTT_UNSUBSCRIBE,
	MQTT_UNSUBACK,
	MQTT_PINGREQ,
	MQTT_PINGRESP,
	MQTT_DISCONNECT,
	MQTT_AUTH = 15,
};

enum mqtt_event {
	MQTT_EV_MISSING_CONNECT,
	MQTT_EV_MISSING_PUBLISH,
	MQTT_EV_MISSING_SUBSCRIBE,
	MQTT_EV_MISSING_UNSUBSCRIBE,
	MQTT_EV_DOUBLE_CONNECT,
	MQTT_EV_UNINTRODUCED_MESSAGE,
	MQTT_EV_INVALID_QOS_LEVEL,
	MQTT_EV_MISSING_MSG_ID,
	MQTT_EV_UNASSIGNED_MSG_TYPE,
	MQTT_EV_TOO_MANY_TRANSACTIONS,
	MQTT_EV_MALFORMED_TRAFFIC,
	MQTT_EV_TOO_MANY_MESSAGES,
	MQTT_EV_COUNT,
};

/* Frame types (app/frame.h), Suricata's MQTTFrameType. */
enum mqtt_frame { MQTT_FRAME_PDU, MQTT_FRAME_HEADER, MQTT_FRAME_DATA, MQTT_FRAME_COUNT };

/* Bytes of a message's body (off, len); present false: absent. */
struct mqtt_str {
	uint32_t off, len;
	bool present;
};

struct mqtt_topic {
	struct mqtt_str name;
	uint8_t qos;
};

/* CONNECT flag bits (the byte after the protocol version). */
enum {
	MQTT_CF_CLEAN_SESSION = 1 << 1,
	MQTT_CF_WILL = 1 << 2,
	MQTT_CF_WILL_RETAIN = 1 << 5,
	MQTT_CF_PASSWORD = 1 << 6,
	MQTT_CF_USERNAME = 1 << 7,
};

struct mqtt_msg {
	uint8_t type; /* enum mqtt_type */
	uint8_t qos;
	bool dup, retain;
	uint32_t remaining_len; /* the fixed header's remaining length */
	bool truncated;		/* longer than max-msg-length: only the header */
	uint64_t skipped;	/* truncated: the bytes skipped (header included) */
	uint8_t *data;		/* the body after the fixed header */
	uint32_t len;
	/* CONNECT */
	struct mqtt_str protocol_string, client_id, will_topic, will_message, username, password;
	uint8_t protocol_version, connect_flags;
	struct mqtt_str props, will_props; /* v5 property blocks (validated) */
	/* CONNACK */
	bool session_present;
	uint8_t return_code;
	/* PUBLISH */
	struct mqtt_str topic, message;
	bool has_message_id;
	uint16_t message_id; /* also PUBACK..PUBCOMP, (UN)SUBSCRIBE, (UN)SUBACK */
	/* PUBACK..PUBCOMP, DISCONNECT, AUTH (v5) */
	bool has_reason;
	uint8_t reason_code;
	/* SUBSCRIBE, UNSUBSCRIBE */
	struct mqtt_topic *topics;
	uint32_t n_topics;
	/* SUBACK: granted QoS; UNSUBACK: reason codes */
	struct mqtt_str codes;
};

struct mqtt_tx {
	uint64_t id;
	enum app_dir dir; /* of its first message */
	bool complete;
	uint8_t protocol_version; /* the flow's, when the transaction began */
	uint32_t pkt_id;	  /* awaited acknowledgment; MQTT_NO_PKT_ID none */
	struct mqtt_msg **msgs;
	uint32_t n_msgs;
	uint32_t events; /* 1 << enum mqtt_event */
	/* topics mqtt.subscribe.topic / mqtt.unsubscribe.topic look at (the
	 * flow's settings) */
	uint32_t sub_topic_limit, unsub_topic_limit;
};

#define MQTT_NO_PKT_ID UINT32_MAX
#define MQTT_CONNECT_PKT_ID (UINT32_MAX - 1)

/* Defaults of the settings (app-layer.protocols.mqtt.*). */
#define MQTT_DEFAULT_MAX_MSG_LEN (1024u * 1024) /* max-msg-length */
#define MQTT_DEFAULT_MAX_TX 4096		/* max-tx */
#define MQTT_DEFAULT_TOPIC_MATCH_LIMIT 100	/* (un)subscribe-topic-match-limit */
/* Caps: messages per transaction, and message bytes the live
 * transactions of a flow hold (beyond it the oldest open one is closed
 * with too_many_transactions). */
#define MQTT_MAX_MSGS_PER_TX 256
#define MQTT_STATE_MEMCAP (64u * 1024 * 1024)
/* Newer transactions after which an open one is inspected and logged
 * as it is (its acknowledgment is taken as lost). */
#define MQTT_OPEN_TX_WINDOW 32

struct mqtt_settings {
	uint32_t max_msg_len;
	uint32_t max_tx;
	uint32_t sub_topic_limit;   /* subscribe-topic-match-limit */
	uint32_t unsub_topic_limit; /* unsubscribe-topic-match-limit */
};
void *mqtt_settings_new(const struct config_node *root);
void mqtt_settings_free(void *cfg);

struct mqtt_state;
struct mqtt_state *mqtt_state_new(const struct mqtt_settings *cfg);
void mqtt_state_free(struct mqtt_state *s);
enum app_parse_result mqtt_parse(struct mqtt_state *s, enum app_dir dir, const uint8_t *d,
				 uint32_t n, uint32_t flags);
uint64_t mqtt_tx_count(const struct mqtt_state *s);
const struct mqtt_tx *mqtt_tx_get(const struct mqtt_state *s, uint64_t id);
void mqtt_tx_release_upto(struct mqtt_state *s, uint64_t id);

/* One message from d (fixed header first) for a flow at protocol
 * `version`: 1 parsed (*used bytes, *out), 0 more bytes needed, -1
 * malformed.  A message longer than max_len comes back truncated, with
 * *used the bytes present of it. */
int mqtt_msg_parse(const uint8_t *d, uint32_t n, uint8_t version, uint32_t max_len,
		   struct mqtt_msg **out, uint32_t *used);
void mqtt_msg_free(struct mqtt_msg *m);

/* "CONNECT", ..., "UNASSIGNED" (upper case); NULL past 15. */
const char *mqtt_type_name(uint8_t type);
/* A type by its name (any case) or number; -1 when none. */
int mqtt_type_by_name(const char *s);

/* A string's bytes (NULL when absent; an empty one is not NULL). */
const uint8_t *mqtt_str_get(const struct mqtt_msg *m, struct mqtt_str s, uint32_t *len);

/* The EVE "mqtt" members; passwords: log CONNECT passwords. */
#define MQTT_LOG_PASSWORDS 1u
void mqtt_tx_log_json(struct json *j, const struct mqtt_tx *tx, uint32_t opts);

extern const struct app_protocol app_mqtt;

#endif
