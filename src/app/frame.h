/*
 * app/frame.h — application-layer frames, as Suricata 7 defines them
 * (devguide "Application Layer Frame Support", app-layer-frames.c): a frame
 * is a typed span of one direction's stream (an SMB header, a TLS record,
 * an SMTP command line) that a parser announces while it parses.  Rules
 * inspect a frame's bytes with the `frame:` sticky buffer; EVE logs frames
 * (event type "frame") and puts the frame an alert matched in the alert.
 *
 * Parsers call the functions below from inside their parse call; the
 * framework (app.c) tells them which call that is, so they need no extra
 * argument, and outside a parse call (unit tests) the calls do nothing.
 * Offsets are stream offsets (0 = the direction's first byte; for UDP, a
 * direction's datagrams count one after another) and app_frame_offset()
 * gives the one of the current input's first byte, so a parser that
 * parses from its own buffer of k earlier bytes announces a frame at
 * app_frame_offset() - k + position.
 *
 * Frames are made only for the (protocol, type) pairs something uses: a
 * `frame:` rule, or the EVE "frame" type (every type of every protocol).
 * Otherwise app_frame_new() returns -1 at once, so parsers call it
 * unconditionally.
 *
 * Bounds: a flow keeps at most APP_FRAMES_MAX live frames per direction
 * (older ones, once inspected, are released; beyond that new ones are
 * refused and counted) and the stream bytes of its live frames, at most
 * APP_FRAME_WINDOW_MAX per direction (a frame whose start falls out of
 * the window is inspected and logged on what is left, not "complete").
 */
#ifndef VIGIL_APP_FRAME_H
#define VIGIL_APP_FRAME_H

#include <stdbool.h>
#include <stdint.h>

#include "app/app.h"

/* The generic frame over a whole direction ("http1.stream", "smtp.stream"). */
#define APP_FRAME_STREAM 63
/* Bit of a frame type in a protocol's enabled mask. */
#define APP_FRAME_BIT(type) (1ull << ((type) & 63))
#define APP_FRAMES_MAX 256
#define APP_FRAME_WINDOW_MAX (1u << 20)
/* Bytes of stream a direction keeps behind its newest one in any case: a
 * parser may announce a frame over bytes it buffered in earlier calls. */
#define APP_FRAME_KEEP (64u * 1024)

/* ------------------------------------------------------------ parsers */

/* True when the current parse call's protocol makes frames of this type. */
bool app_frame_wanted(uint8_t type);
/* Stream offset of the current parse call's first byte (0 outside one). */
uint64_t app_frame_offset(void);
/* A frame of `type` at stream offset `offset`, `len` bytes (-1: not known
 * yet).  Returns its id, or -1 (not wanted, outside a parse call, too many). */
int64_t app_frame_new(enum app_dir dir, uint64_t offset, int64_t len, uint8_t type);
void app_frame_set_len(enum app_dir dir, int64_t id, int64_t len);
void app_frame_set_tx(enum app_dir dir, int64_t id, uint64_t tx_id);

/* ------------------------------------------------------------ detection, EVE */

struct app_frame_view {
	enum app_proto proto;
	uint8_t type;
	const char *type_name; /* the protocol's short name: "pdu", "smb1.hdr" */
	enum app_dir dir;
	uint64_t id;
	uint64_t offset;   /* stream offset of its first byte */
	uint64_t length;   /* its length; when unknown, the bytes seen so far */
	bool len_known;
	bool has_tx;
	uint64_t tx_id;
	const uint8_t *data; /* the bytes held (from its start unless !start) */
	uint32_t data_len;
	bool start;	     /* data begins at the frame's first byte */
	bool complete;	     /* data covers the whole frame */
	bool udp;
	void *priv; /* the framework's */
};

/* A rule alerts once per frame (a stream frame is offered again as bytes
 * come): true the first time `rule` matches this frame. */
bool app_frame_matched_once(const struct app_frame_view *fv, uint32_t rule);

/* The i-th frame ready for inspection on packet p (its direction): a frame
 * whose bytes are all there (or the direction ended), or a stream frame
 * with new bytes.  Each is offered once; app_inspect_done() marks them. */
bool app_inspect_frame(const struct packet *p, uint32_t i, struct app_frame_view *out);
/* The i-th frame of p's direction ready and not logged yet (EVE "frame",
 * before app_inspect_done()). */
bool app_log_frame(const struct packet *p, uint32_t i, struct app_frame_view *out);
/* A live frame of the flow by direction and id (an alert's frame). */
bool app_flow_frame(const struct flow *f, enum app_dir dir, uint64_t id,
		    struct app_frame_view *out);
/* Frame type by name for a protocol ("pdu", "smb1.hdr", "stream"); -1. */
int app_frame_type_by_name(enum app_proto p, const char *name);
/* Name of a protocol's frame type; NULL when none. */
const char *app_frame_type_name(enum app_proto p, uint8_t type);

#endif
