/*
 * bacnet — BACnet/IP (ASHRAE 135 Annex J) over UDP port 47808: the BACnet
 * Virtual Link Control header, the network layer (NPDU, clause 6) and the
 * application layer (APDU, clause 20) it carries.  Suricata has no BACnet
 * parser; the fields and their meaning follow the standard, with
 * Wireshark's and Zeek's dissectors read only to check semantics.
 *
 * What a message keeps: BVLC type, function and length (plus the
 * BVLC-Result code, Register-Foreign-Device TTL and the Forwarded-NPDU
 * origin); the NPDU version, control, DNET/DADR, SNET/SADR, hop count and
 * network-layer message type (with its vendor id); the APDU's PDU type,
 * segmentation flags, invoke id, service choice, and for the services
 * that name an object its first object identifier (type, instance) and
 * property identifier (readProperty, writeProperty, readPropertyMultiple,
 * writePropertyMultiple, readRange, subscribeCOV(Property), atomic file
 * services, deleteObject, COV notifications, i-Am, i-Have), the error
 * class and code of an Error PDU and the reason of a Reject or Abort.
 *
 * Transactions: a confirmed request opens one; the Simple-ACK,
 * Complex-ACK, Segment-ACK, Error, Reject or Abort travelling the other
 * way with the same invoke id completes it (the flow is the peer pair).
 * Every other message (unconfirmed requests, network-layer messages,
 * BVLC-only messages, replies that answer nothing) is a transaction of
 * its own.  A new confirmed request with an invoke id still open in the
 * same direction closes the older one unanswered.
 *
 * Events: malformed_bvlc_length (the BVLC length is below 4 or not the
 * datagram's length; what fits is still read), bad_npdu_version (not 1:
 * the NPDU is not read further), malformed_npdu and malformed_apdu (a
 * field runs past the end).
 *
 * The tag reader is bounded: a tag's header and content must fit in the
 * message, extended lengths are at most 32 bits, at most BACNET_MAX_TAGS
 * tags are read per APDU and opening/closing tags are not recursed into.
 * One datagram per bacnet_parse() call; nothing is read past its length.
 * Per flow at most BACNET_MAX_TX live transactions (past it the oldest is
 * dropped: bacnet_tx_dropped()); addresses keep BACNET_MAX_ADDR bytes.
 */
#ifndef VIGIL_APP_BACNET_H
#define VIGIL_APP_BACNET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app/app.h"

struct json;

#define BACNET_PORT 47808
#define BACNET_MAX_TX 256  /* live transactions per flow */
#define BACNET_MAX_ADDR 18 /* bytes kept of a DADR / SADR (BACnet/IPv6's size) */
#define BACNET_MAX_TAGS 64 /* tags read from one APDU */

enum bacnet_event {
	BACNET_EV_MALFORMED_BVLC_LENGTH,
	BACNET_EV_BAD_NPDU_VERSION,
	BACNET_EV_MALFORMED_NPDU,
	BACNET_EV_MALFORMED_APDU,
	BACNET_EV_COUNT
};

/* APDU types (clause 20.1). */
enum {
	BACNET_PDU_CONFIRMED = 0,
	BACNET_PDU_UNCONFIRMED = 1,
	BACNET_PDU_SIMPLE_ACK = 2,
	BACNET_PDU_COMPLEX_ACK = 3,
	BACNET_PDU_SEGMENT_ACK = 4,
	BACNET_PDU_ERROR = 5,
	BACNET_PDU_REJECT = 6,
	BACNET_PDU_ABORT = 7,
};

struct bacnet_addr {
	uint16_t net;
	uint8_t len;		       /* as sent (DLEN / SLEN) */
	uint8_t addr[BACNET_MAX_ADDR]; /* first BACNET_MAX_ADDR bytes */
};

struct bacnet_msg {
	/* BVLC */
	uint8_t bvlc_type, bvlc_function;
	uint16_t bvlc_length;
	bool has_result, has_ttl, has_origin;
	uint16_t result_code, ttl;
	uint8_t origin[6]; /* Forwarded-NPDU: B/IP address and port */
	/* NPDU */
	bool has_npdu, has_dnet, has_snet, has_nmsg, has_vendor;
	uint8_t npdu_version, npdu_control, hop_count, nmsg_type;
	uint16_t vendor_id;
	struct bacnet_addr dnet, snet;
	/* APDU */
	bool has_apdu, has_invoke, has_service, segmented, more_follows;
	uint8_t pdu_type, invoke_id, service, seq_num, window;
	bool has_object, has_property, has_error, has_reason;
	uint16_t object_type;
	uint32_t instance, property;
	uint32_t error_class, error_code;
	uint8_t reason; /* Reject / Abort */
	uint8_t events; /* bit (1 << bacnet_event) */
};

struct bacnet_tx {
	uint64_t tx_id;
	enum app_dir dir; /* the first message's direction */
	bool has_req, has_resp;
	bool done;		     /* a confirmed request closed unanswered */
	struct bacnet_msg req, resp; /* resp only: a reply that answered nothing */
};

struct bacnet_state;

/* Detection on the port: a BVLC header of type 0x81 with a known
 * function whose length is the datagram's. */
enum app_probe_result bacnet_probe(const uint8_t *d, uint32_t n);

/* Decodes one BVLC message into *m (cleared first); false when it is not
 * BACnet/IP (too short for a BVLC header, type other than 0x81).  Field
 * problems are m->events. */
bool bacnet_decode(const uint8_t *d, uint32_t n, struct bacnet_msg *m);

struct bacnet_state *bacnet_state_new(void);
void bacnet_state_free(struct bacnet_state *s);
enum app_parse_result bacnet_parse(struct bacnet_state *s, enum app_dir dir, const uint8_t *d,
				   uint32_t n, uint32_t flags);
uint64_t bacnet_tx_count(const struct bacnet_state *s);
const struct bacnet_tx *bacnet_tx_get(const struct bacnet_state *s, uint64_t id);
void bacnet_tx_release_upto(struct bacnet_state *s, uint64_t id);
uint64_t bacnet_tx_dropped(const struct bacnet_state *s);
/* The message of the transaction sent in direction dir, NULL when none. */
const struct bacnet_msg *bacnet_tx_msg(const struct bacnet_tx *tx, enum app_dir dir);
bool bacnet_tx_has_event(const struct bacnet_tx *tx, enum bacnet_event ev);

/* ---- Names (standard's spelling, as Wireshark shows them); NULL = none ---- */
const char *bacnet_event_name(enum bacnet_event ev);
const char *bacnet_bvlc_function_name(uint8_t f);
const char *bacnet_pdu_type_name(uint8_t t);			    /* "confirmed_request" ... */
const char *bacnet_service_name(uint8_t pdu_type, uint8_t service); /* by the PDU's table */
const char *bacnet_confirmed_service_name(uint8_t s);		    /* "readProperty" */
const char *bacnet_unconfirmed_service_name(uint8_t s);		    /* "who-Is" */
const char *bacnet_object_type_name(uint16_t t);		    /* "device" */
const char *bacnet_property_name(uint32_t p);			    /* "present-value" */
const char *bacnet_network_message_name(uint8_t t);		    /* "who-is-router-to-network" */
/* Look-ups by name: case, '-' and '_' are ignored ("whois" = "who-Is"); -1 when unknown. */
int bacnet_confirmed_service_by_name(const char *name);
int bacnet_unconfirmed_service_by_name(const char *name);
int bacnet_pdu_type_by_name(const char *name);
int bacnet_object_type_by_name(const char *name);
int64_t bacnet_property_by_name(const char *name);

/* The EVE `bacnet` object's members (bacnet-log.c). */
void bacnet_tx_log_json(struct json *j, const struct bacnet_tx *tx);

extern const struct app_protocol app_bacnet;

#endif
