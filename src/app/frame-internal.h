/*
 * app/frame-internal.h — the frame container as the framework (app.c)
 * drives it; parsers use app/frame.h only.
 */
#ifndef VIGIL_APP_FRAME_INTERNAL_H
#define VIGIL_APP_FRAME_INTERNAL_H

#include "app/frame.h"

struct app_frames;
/* NULL when mask is 0 (the protocol makes no frames).  Frames refused
 * (APP_FRAMES_MAX live ones) are counted in *refused (may be NULL). */
struct app_frames *app_frames_new(enum app_proto proto, uint64_t mask, bool udp,
				  uint64_t *refused);
void app_frames_free(struct app_frames *fr);
/* Around one parse call: its input (at stream offset `offset`; UDP: the
 * datagram) goes into the window and the thread's sink is this container. */
void app_frames_begin(struct app_frames *fr, enum app_dir dir, uint64_t offset, const uint8_t *d,
		      uint32_t n);
void app_frames_end(void);
/* The direction ended: its frames are ready whatever their length. */
void app_frames_eof(struct app_frames *fr, enum app_dir dir);
/* The i-th frame of dir ready for inspection. */
bool app_frames_ready(const struct app_frames *fr, enum app_dir dir, uint32_t i,
		      struct app_frame_view *out);
/* The i-th ready frame of dir not logged yet (EVE "frame"). */
bool app_frames_to_log(struct app_frames *fr, enum app_dir dir, uint32_t i,
		       struct app_frame_view *out);
bool app_frames_get(const struct app_frames *fr, enum app_dir dir, uint64_t id,
		    struct app_frame_view *out);
/* Detection and logging saw the ready frames of dir: mark, release, trim. */
void app_frames_done(struct app_frames *fr, enum app_dir dir);

#endif
