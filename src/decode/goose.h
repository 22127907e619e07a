/*
 * goose — IEC 61850-8-1 GOOSE frames (Ethernet type 0x88B8, in or out of
 * VLANs): not an IP protocol, so it is decoded at the link layer into a
 * view of the packet (struct goose_view, packet.goose), and tracked per
 * worker to see state changes and anomalies.
 *
 * The frame: APPID, Length (of the frame from APPID on), two reserved
 * words (reserved 1's top bit: simulated), then the APDU: goosePdu
 * [APPLICATION 1] { gocbRef [0], timeAllowedtoLive [1], datSet [2],
 * goID [3] OPTIONAL, t [4], stNum [5], sqNum [6], simulation [7],
 * confRev [8], ndsCom [9], numDatSetEntries [10], allData [11] } (or a
 * gseMngtPdu [APPLICATION 0], only counted).  The BER reader never trusts a
 * length: a TLV must fit in the one around it, the frame in its Length,
 * the Length in the bytes captured; strings are views into the frame.
 * allData stays a view of the frame; its entries are counted and read
 * one by one with goose_data_next() (nested structures and arrays as one
 * entry each: nesting is not descended).  The view is small (it lives in
 * every packet).
 *
 * Decoder events (decode-event keyword, EVE anomaly "decoder.goose.*"):
 * pkt_too_small, invalid_length, invalid_pdu (stateless, decode.c);
 * simulation_mismatch (reserved 1's S bit without the simulation flag);
 * and, from the per-worker tracker (goose_track), stnum_jump (stNum grew
 * by more than one), stnum_back (stNum went back), sqnum_back (sqNum did
 * not grow while stNum stayed: a replay), ttl_expired (the frame came
 * later than the previous one's timeAllowedtoLive).  A publisher that
 * stays silent past its TTL is reported once by goose_tracker_expire()
 * (an EVE goose event with no frame: there is no packet to carry a
 * decoder event).
 *
 * The tracker keeps GOOSE_TRACK_SLOTS entries per worker, keyed by
 * (source MAC, gocbRef) in a fixed table: a new publisher that hashes to
 * a taken slot replaces it (counted in goose_tracker_evicted()); it
 * allocates once and never grows.
 */
#ifndef VIGIL_DECODE_GOOSE_H
#define VIGIL_DECODE_GOOSE_H

#include <stdbool.h>
#include <stdint.h>

#define ETHERTYPE_GOOSE 0x88b8
#define GOOSE_MAX_DATA 32      /* allData entries kept in the view */
#define GOOSE_TRACK_SLOTS 4096 /* publishers tracked per worker */
#define GOOSE_MAX_REF 129      /* gocbRef bytes a tracker entry keeps */

/* One allData entry: its BER tag (Data CHOICE: 0x83 boolean, 0x85
 * integer, 0x86 unsigned, 0x84 bit-string, 0x87 float, 0x91 utc-time,
 * 0xa2 structure ...) and its value bytes. */
struct goose_value {
	uint8_t tag;
	uint32_t len;
	const uint8_t *v;
};

/* Why a GOOSE frame is worth an EVE event (goose_track). */
enum {
	GOOSE_LOG_NEW = 1 << 0,	    /* first frame of this publisher */
	GOOSE_LOG_STATE = 1 << 1,   /* stNum changed */
	GOOSE_LOG_ANOMALY = 1 << 2, /* an event was raised on it */
};

struct goose_view {
	bool present; /* the frame was GOOSE (header at least) */
	bool pdu_ok;  /* the goosePdu decoded with its mandatory fields */
	bool mngt;    /* a gseMngtPdu */
	uint16_t appid, length, reserved1, reserved2;
	const uint8_t *gocbref, *datset, *goid;
	uint32_t gocbref_len, datset_len, goid_len;
	bool has_goid;
	uint32_t ttl; /* timeAllowedtoLive, ms */
	uint8_t t[8]; /* UtcTime: seconds, fraction, quality */
	uint32_t stnum, sqnum, confrev, num_entries;
	bool simulation, ndscom;
	uint32_t n_data;	 /* allData entries */
	const uint8_t *all_data; /* allData's value bytes */
	uint32_t all_data_len;
	uint8_t log_reason; /* GOOSE_LOG_*, set by goose_track() */
};

struct packet;
struct decode_stats;

/* The frame after the Ethernet type (decode stage). */
void decode_goose(struct packet *p, struct decode_stats *st, const uint8_t *d, uint32_t len);

/* Decodes a GOOSE frame (from APPID on) into g; false when not even the
 * header fits.  Sets no event (decode_goose does). */
bool goose_parse(const uint8_t *d, uint32_t len, struct goose_view *g);

/* The allData entry at *pos (start with 0); false past the last one. */
bool goose_data_next(const struct goose_view *g, uint32_t *pos, struct goose_value *v);

/* The per-worker tracker of GOOSE publishers. */
struct goose_tracker;
struct goose_tracker *goose_tracker_new(void);
void goose_tracker_free(struct goose_tracker *t);
/* Compares p's GOOSE frame with the publisher's previous one: raises the
 * tracker's decoder events on p, sets and returns p->goose.log_reason. */
uint8_t goose_track(struct goose_tracker *t, struct packet *p);
uint64_t goose_tracker_evicted(const struct goose_tracker *t);

/* A publisher that fell silent: no frame came within its last frame's
 * timeAllowedtoLive.  Views valid during the callback only. */
struct goose_silent {
	const uint8_t *mac;
	const uint8_t *gocbref;
	uint32_t gocbref_len;
	uint32_t stnum, sqnum, ttl; /* of its last frame */
	int64_t last_sec;	    /* when its last frame came */
	uint32_t last_usec;
	int64_t now_sec; /* the time it is found silent */
	uint32_t now_usec;
};
typedef void (*goose_silent_fn)(void *arg, const struct goose_silent *s);
/* Reports, once per silence, every tracked publisher whose TTL ran out
 * by `now` (the worker calls it once per second of packet time). */
void goose_tracker_expire(struct goose_tracker *t, int64_t now_sec, uint32_t now_usec,
			  goose_silent_fn fn, void *arg);

#endif
