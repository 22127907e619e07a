/*
 * hl7.h — the HL7 v2 over MLLP parser (app/hl7.c) as the rest of vigil
 * sees it: the descriptor app_hl7, its settings, and read-only accessors
 * of messages and transactions (detection buffers, EVE writer).
 *
 * Suricata has no HL7 parser; vigil follows the standards: MLLP framing
 * (HL7 v2 Implementation Guide, Appendix C: <VT 0x0b> message <FS 0x1c>
 * <CR 0x0d>) and the v2.x message structure (segments ended by CR, the MSH
 * segment giving the field separator in MSH-1 and the encoding characters
 * in MSH-2).  A transaction is one message and, when it comes, the
 * acknowledgment (a message with an MSA segment whose MSA-2 is the first
 * message's control id, MSH-10) sent the other way.
 *
 * Privacy: patient data (PID, NK1, ... segments) is parsed for rules but
 * only written to EVE when app-layer.protocols.hl7.redact is "no"; by
 * default EVE gets segment names and MSH/MSA fields only.
 */
#ifndef VIGIL_APP_HL7_H
#define VIGIL_APP_HL7_H

#include <stdbool.h>
#include <stdint.h>

#include "app/app.h"

struct json;
struct config_node;

/* App-layer events (app-layer-event:hl7.<name>). */
enum hl7_event {
	HL7_EV_MALFORMED_MSH = 0,  /* MSH present but its separators or MSH-9..12 are bad */
	HL7_EV_MISSING_MSH,	   /* a framed message with no MSH segment */
	HL7_EV_MESSAGE_TOO_LARGE,  /* more than max-message-size bytes in a frame */
	HL7_EV_UNTERMINATED_FRAME, /* a frame cut by a new <VT>, a gap or the end */
	HL7_EV_TOO_MANY_TRANSACTIONS, /* older live transactions dropped beyond the caps */
	HL7_EV_COUNT,
};

#define HL7_DEFAULT_MAX_MESSAGE (1024 * 1024)

struct hl7_config {
	bool redact;	      /* app-layer.protocols.hl7.redact (default yes) */
	uint32_t max_message; /* app-layer.protocols.hl7.max-message-size */
};

extern const struct app_protocol app_hl7;

void *hl7_config_new(const struct config_node *root);
void hl7_config_free(void *cfg);

/* A span of a message's bytes. */
struct hl7_span {
	uint32_t off, len;
};

/* The MSH fields vigil reads, by their number (MSH-1 .. MSH-12). */
enum {
	HL7_MSH_FIELD_SEP = 1,
	HL7_MSH_ENCODING = 2,
	HL7_MSH_SENDING_APP = 3,
	HL7_MSH_SENDING_FACILITY = 4,
	HL7_MSH_RECEIVING_APP = 5,
	HL7_MSH_RECEIVING_FACILITY = 6,
	HL7_MSH_DATETIME = 7,
	HL7_MSH_SECURITY = 8,
	HL7_MSH_MESSAGE_TYPE = 9,
	HL7_MSH_CONTROL_ID = 10,
	HL7_MSH_PROCESSING_ID = 11,
	HL7_MSH_VERSION = 12,
	HL7_MSH_FIELDS = 13,
};

/* At most this many segments of a message are indexed (buffers, EVE);
 * the rest are counted only. */
#define HL7_MAX_SEGMENTS 65536

/* One framed message (the bytes between <VT> and <FS><CR>). */
struct hl7_msg {
	uint8_t *data; /* the message, at most max_message bytes */
	uint32_t len;
	uint64_t size; /* bytes the frame had (more than len when too large) */
	enum app_dir dir;
	bool has_msh;			       /* an MSH segment was found */
	uint8_t sep;			       /* MSH-1 */
	uint8_t comp;			       /* component separator, MSH-2's first character */
	struct hl7_span msh;		       /* the MSH segment */
	struct hl7_span field[HL7_MSH_FIELDS]; /* MSH-n, len 0 when absent */
	bool has_msa;
	struct hl7_span msa_code, msa_control_id; /* MSA-1, MSA-2 */
	struct hl7_span *segs;			  /* every segment, up to HL7_MAX_SEGMENTS */
	uint32_t n_segs;
	uint64_t n_segs_total;
	uint8_t events; /* 1 << enum hl7_event */
};

/* A message and its acknowledgment. */
struct hl7_tx {
	uint64_t id;
	struct hl7_msg *msg[2]; /* by direction; NULL when none */
	enum app_dir first_dir; /* the direction of the message that made it */
	bool newest;		/* no later transaction exists */
};

struct hl7_state;

/* Lower-level entry points (the descriptor calls these). */
struct hl7_state *hl7_state_new(const struct hl7_config *cfg);
void hl7_state_free(struct hl7_state *s);
enum app_parse_result hl7_parse(struct hl7_state *s, enum app_dir dir, const uint8_t *d, uint32_t n,
				uint32_t flags);
uint64_t hl7_tx_count(const struct hl7_state *s);
const struct hl7_tx *hl7_tx_get(const struct hl7_state *s, uint64_t id);
void hl7_tx_release_upto(struct hl7_state *s, uint64_t id);
bool hl7_state_redact(const struct hl7_state *s);

/* Parses a message body (no framing); for tests and the parser. */
struct hl7_msg *hl7_msg_parse(const uint8_t *d, uint32_t n, uint64_t size, enum app_dir dir);
void hl7_msg_free(struct hl7_msg *m);

/* Accessors: views into the message (NULL, *len 0 when absent). */
const uint8_t *hl7_msg_field(const struct hl7_msg *m, int field, uint32_t *len);
/* MSH-9's message code and trigger event ("ADT^A01"), without the
 * message structure component. */
const uint8_t *hl7_msg_type(const struct hl7_msg *m, uint32_t *len);
/* The k-th component of MSH-9 (0 code, 1 trigger event, 2 structure). */
const uint8_t *hl7_msg_type_component(const struct hl7_msg *m, int k, uint32_t *len);
const uint8_t *hl7_msg_segment(const struct hl7_msg *m, uint32_t k, uint32_t *len);
/* The segment's name (its first field, at most 3 bytes). */
const uint8_t *hl7_segment_name(const struct hl7_msg *m, uint32_t k, uint32_t *len);
const uint8_t *hl7_msg_msh(const struct hl7_msg *m, uint32_t *len);
bool hl7_msg_has_event(const struct hl7_msg *m, enum hl7_event ev);
bool hl7_tx_has_event(const struct hl7_tx *tx, enum hl7_event ev);
const char *hl7_event_name(enum hl7_event ev);

/* The members of the EVE `hl7` object (app/hl7-log.c). */
void hl7_tx_log_json(struct json *j, const struct hl7_tx *tx, bool redact);

#endif
