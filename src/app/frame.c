/*
 * app/frame.c — application-layer frames (see frame.h): the per-flow
 * container, the parsers' calls, and the views detection and EVE read.
 *
 * A flow whose protocol makes frames has one container: per direction,
 * its live frames in id order and a window of the direction's latest
 * stream bytes (from the oldest byte a live frame still needs, and at
 * least the last APP_FRAME_KEEP bytes, at most APP_FRAME_WINDOW_MAX).  The
 * framework appends each parse call's input to the window before the
 * parser runs, so a frame is read out of the window without copies.
 *
 * The parse call a parser's app_frame_new() belongs to is the worker
 * thread's current "sink", set by app.c around the call (a thread-local
 * pointer: workers are threads and parse calls do not nest).
 */
#include "app/frame.h"
#include "decode/decode.h"
#include "flow/flow.h"
#include "app/frame-internal.h"

#include <stdlib.h>
#include <string.h>

#define FRAME_MATCHED_MAX 4

enum {
	FR_INSPECTED = 1 << 0, /* offered to detection (fixed or unknown length) */
	FR_LOGGED = 1 << 1,
	FR_HAS_TX = 1 << 2,
};

struct frame {
	uint64_t id;
	uint64_t offset;
	int64_t len; /* -1: not known yet */
	uint64_t tx_id;
	uint64_t insp_upto; /* stream frame: inspected up to here */
	uint8_t type;
	uint8_t flags;
	uint8_t n_matched;
	uint32_t matched[FRAME_MATCHED_MAX]; /* rules that alerted on it (stream frames) */
};

struct frame_dir {
	struct frame *v;
	uint32_t n, cap;
	uint8_t *win; /* stream bytes [win_off, win_off + win_len) */
	uint64_t win_off;
	uint32_t win_len, win_cap;
	uint64_t end; /* offset after the newest byte seen */
	bool eof;
	bool stream_made;
};

struct app_frames {
	enum app_proto proto;
	uint64_t mask;
	bool udp;
	uint64_t last_id;
	uint64_t *refused; /* the worker's count of frames not made (or NULL) */
	struct frame_dir d[2];
};

struct sink {
	struct app_frames *fr;
	enum app_dir dir;
	uint64_t offset;
};
static _Thread_local struct sink cur;

/* ------------------------------------------------------------ container */

struct app_frames *app_frames_new(enum app_proto proto, uint64_t mask, bool udp,
				  uint64_t *refused)
{
	if (mask == 0)
		return NULL;
	struct app_frames *fr = calloc(1, sizeof(*fr));
	if (fr == NULL)
		return NULL;
	fr->proto = proto;
	fr->mask = mask;
	fr->udp = udp;
	fr->refused = refused;
	return fr;
}

void app_frames_free(struct app_frames *fr)
{
	if (fr == NULL)
		return;
	for (int d = 0; d < 2; d++) {
		free(fr->d[d].v);
		free(fr->d[d].win);
	}
	if (cur.fr == fr)
		cur.fr = NULL;
	free(fr);
}

/* Appends bytes at stream offset `off` to the window (a gap before them
 * empties it: the bytes are not contiguous). */
static void window_add(struct frame_dir *fd, uint64_t off, const uint8_t *d, uint32_t n)
{
	if (n == 0)
		return;
	if (fd->win_len == 0 || fd->win_off + fd->win_len != off) {
		fd->win_off = off;
		fd->win_len = 0;
	}
	if (n > APP_FRAME_WINDOW_MAX) {
		/* only the last bytes can fit */
		uint32_t skip = n - APP_FRAME_WINDOW_MAX;
		d += skip;
		n -= skip;
		fd->win_off = off + skip;
		fd->win_len = 0;
	}
	if (fd->win_len + n > APP_FRAME_WINDOW_MAX) {
		uint32_t drop = fd->win_len + n - APP_FRAME_WINDOW_MAX;
		memmove(fd->win, fd->win + drop, fd->win_len - drop);
		fd->win_len -= drop;
		fd->win_off += drop;
	}
	if (fd->win_len + n > fd->win_cap) {
		uint32_t cap = fd->win_cap ? fd->win_cap : 4096;
		while (cap < fd->win_len + n)
			cap *= 2;
		uint8_t *nw = realloc(fd->win, cap);
		if (nw == NULL) {
			fd->win_len = 0;
			fd->win_off = off + n;
			return;
		}
		fd->win = nw;
		fd->win_cap = cap;
	}
	memcpy(fd->win + fd->win_len, d, n);
	fd->win_len += n;
}

void app_frames_begin(struct app_frames *fr, enum app_dir dir, uint64_t offset, const uint8_t *d,
		      uint32_t n)
{
	if (fr == NULL)
		return;
	struct frame_dir *fd = &fr->d[dir];
	if (fr->udp || n == 0)
		offset = fd->end; /* UDP: datagrams one after another; no data: the end */
	window_add(fd, offset, d, n);
	if (offset + n > fd->end)
		fd->end = offset + n;
	cur = (struct sink){fr, dir, offset};
	if (!fr->udp && !fd->stream_made && (fr->mask & APP_FRAME_BIT(APP_FRAME_STREAM))) {
		fd->stream_made = true;
		(void)app_frame_new(dir, 0, -1, APP_FRAME_STREAM);
	}
}

void app_frames_end(void)
{
	cur.fr = NULL;
}

void app_frames_eof(struct app_frames *fr, enum app_dir dir)
{
	if (fr != NULL)
		fr->d[dir].eof = true;
}

/* ------------------------------------------------------------ parsers */

bool app_frame_wanted(uint8_t type)
{
	return cur.fr != NULL && (cur.fr->mask & APP_FRAME_BIT(type));
}

uint64_t app_frame_offset(void)
{
	return cur.fr != NULL ? cur.offset : 0;
}

static struct frame *frame_by_id(struct frame_dir *fd, int64_t id)
{
	if (id < 0)
		return NULL;
	/* ids grow with the index: the newest frames are asked for */
	for (uint32_t i = fd->n; i-- > 0;)
		if (fd->v[i].id == (uint64_t)id)
			return &fd->v[i];
	return NULL;
}

int64_t app_frame_new(enum app_dir dir, uint64_t offset, int64_t len, uint8_t type)
{
	struct app_frames *fr = cur.fr;
	if (fr == NULL || !(fr->mask & APP_FRAME_BIT(type)) || (unsigned)dir > 1)
		return -1;
	struct frame_dir *fd = &fr->d[dir];
	if (fd->n == APP_FRAMES_MAX) {
		if (fr->refused != NULL)
			(*fr->refused)++;
		return -1;
	}
	if (fd->n == fd->cap) {
		uint32_t cap = fd->cap ? fd->cap * 2 : 8;
		struct frame *nv = realloc(fd->v, cap * sizeof(*nv));
		if (nv == NULL) {
			if (fr->refused != NULL)
				(*fr->refused)++;
			return -1;
		}
		fd->v = nv;
		fd->cap = cap;
	}
	struct frame *f = &fd->v[fd->n++];
	*f = (struct frame){.id = ++fr->last_id,
			    .offset = offset,
			    .len = len < 0 ? -1 : len,
			    .insp_upto = offset,
			    .type = type};
	return (int64_t)f->id;
}

void app_frame_set_len(enum app_dir dir, int64_t id, int64_t len)
{
	if (cur.fr == NULL || (unsigned)dir > 1)
		return;
	struct frame *f = frame_by_id(&cur.fr->d[dir], id);
	if (f != NULL && len >= 0)
		f->len = len;
}

void app_frame_set_tx(enum app_dir dir, int64_t id, uint64_t tx_id)
{
	if (cur.fr == NULL || (unsigned)dir > 1)
		return;
	struct frame *f = frame_by_id(&cur.fr->d[dir], id);
	if (f != NULL) {
		f->tx_id = tx_id;
		f->flags |= FR_HAS_TX;
	}
}

/* ------------------------------------------------------------ views */

const char *app_frame_type_name(enum app_proto p, uint8_t type)
{
	if (type == APP_FRAME_STREAM)
		return "stream";
	const struct app_protocol *ap = app_protocol(p);
	if (ap == NULL || ap->frame_names == NULL || type >= ap->n_frames)
		return NULL;
	return ap->frame_names[type];
}

int app_frame_type_by_name(enum app_proto p, const char *name)
{
	const struct app_protocol *ap = app_protocol(p);
	if (ap == NULL || ap->frame_names == NULL)
		return -1;
	if (strcmp(name, "stream") == 0)
		return ap->ipprotos & APP_IPPROTO_TCP ? APP_FRAME_STREAM : -1;
	for (uint8_t t = 0; t < ap->n_frames; t++)
		if (ap->frame_names[t] != NULL && strcmp(ap->frame_names[t], name) == 0)
			return t;
	return -1;
}

static bool is_stream(const struct frame *f)
{
	return f->type == APP_FRAME_STREAM;
}

/* Every byte of a frame is there (or will never come). */
static bool frame_ready(const struct frame_dir *fd, const struct frame *f)
{
	if (is_stream(f))
		return fd->end > f->insp_upto;
	if (f->flags & FR_INSPECTED)
		return false;
	if (fd->eof)
		return true;
	if (f->len < 0)
		return false;
	return fd->end >= f->offset + (uint64_t)f->len ||
	       /* more than the window can hold: what it has */
	       fd->end - f->offset >= APP_FRAME_WINDOW_MAX;
}

static void view_of(const struct app_frames *fr, enum app_dir dir, const struct frame *f,
		    struct app_frame_view *out)
{
	const struct frame_dir *fd = &fr->d[dir];
	uint64_t from = is_stream(f) ? f->insp_upto : f->offset;
	uint64_t to = f->len >= 0 ? f->offset + (uint64_t)f->len : fd->end;
	if (to > fd->end)
		to = fd->end;
	uint64_t wend = fd->win_off + fd->win_len;
	uint64_t a = from < fd->win_off ? fd->win_off : from;
	uint64_t b = to > wend ? wend : to;
	*out = (struct app_frame_view){
	    .proto = fr->proto,
	    .type = f->type,
	    .type_name = app_frame_type_name(fr->proto, f->type),
	    .dir = dir,
	    .id = f->id,
	    .offset = f->offset,
	    .length = f->len >= 0 ? (uint64_t)f->len : fd->end - f->offset,
	    .len_known = f->len >= 0,
	    .has_tx = (f->flags & FR_HAS_TX) != 0,
	    .tx_id = f->tx_id,
	    .udp = fr->udp,
	};
	if (b > a) {
		out->data = fd->win + (a - fd->win_off);
		out->data_len = (uint32_t)(b - a);
	}
	out->priv = (void *)f;
	out->start = a == f->offset && b >= a;
	out->complete = f->len >= 0 && a == f->offset && b == f->offset + (uint64_t)f->len;
}

bool app_frame_matched_once(const struct app_frame_view *fv, uint32_t rule)
{
	struct frame *f = fv->priv;
	if (f == NULL)
		return true;
	for (uint8_t i = 0; i < f->n_matched; i++)
		if (f->matched[i] == rule)
			return false;
	if (f->n_matched < FRAME_MATCHED_MAX)
		f->matched[f->n_matched++] = rule;
	return true;
}

bool app_frames_ready(const struct app_frames *fr, enum app_dir dir, uint32_t i,
		      struct app_frame_view *out)
{
	if (fr == NULL)
		return false;
	const struct frame_dir *fd = &fr->d[dir];
	uint32_t seen = 0;
	for (uint32_t k = 0; k < fd->n; k++) {
		if (!frame_ready(fd, &fd->v[k]))
			continue;
		if (seen++ == i) {
			view_of(fr, dir, &fd->v[k], out);
			return true;
		}
	}
	return false;
}

bool app_frames_get(const struct app_frames *fr, enum app_dir dir, uint64_t id,
		    struct app_frame_view *out)
{
	if (fr == NULL || (unsigned)dir > 1)
		return false;
	struct frame *f = frame_by_id((struct frame_dir *)&fr->d[dir], (int64_t)id);
	if (f == NULL)
		return false;
	view_of(fr, dir, f, out);
	/* an alert on a stream frame shows what it matched on */
	return true;
}

bool app_frames_to_log(struct app_frames *fr, enum app_dir dir, uint32_t i,
		       struct app_frame_view *out)
{
	if (fr == NULL)
		return false;
	struct frame_dir *fd = &fr->d[dir];
	uint32_t seen = 0;
	for (uint32_t k = 0; k < fd->n; k++) {
		struct frame *f = &fd->v[k];
		if ((f->flags & FR_LOGGED) || !frame_ready(fd, f))
			continue;
		if (seen++ == i) {
			view_of(fr, dir, f, out);
			if (is_stream(f)) {
				/* logged once, from its start, as Suricata */
				out->data = NULL;
				out->data_len = 0;
				if (fd->win_off <= f->offset && fd->win_len > 0) {
					out->data = fd->win + (f->offset - fd->win_off);
					out->data_len = (uint32_t)(fd->win_off + fd->win_len -
								   f->offset);
					out->start = true;
				}
			}
			return true;
		}
	}
	return false;
}

/* The frames offered for this direction have been inspected (and logged):
 * mark them, release those that are done, and trim the window. */
void app_frames_done(struct app_frames *fr, enum app_dir dir)
{
	if (fr == NULL)
		return;
	struct frame_dir *fd = &fr->d[dir];
	uint32_t w = 0;
	uint64_t need = fd->end;
	for (uint32_t k = 0; k < fd->n; k++) {
		struct frame f = fd->v[k];
		if (frame_ready(fd, &f)) {
			f.flags |= FR_INSPECTED | FR_LOGGED;
			if (is_stream(&f))
				f.insp_upto = fd->end;
		}
		bool done = (f.flags & FR_INSPECTED) && !is_stream(&f);
		if (done)
			continue;
		uint64_t from = is_stream(&f) ? f.insp_upto : f.offset;
		if (from < need)
			need = from;
		fd->v[w++] = f;
	}
	fd->n = w;
	uint64_t keep = fr->udp ? 0 : APP_FRAME_KEEP;
	uint64_t floor = fd->end > keep ? fd->end - keep : 0;
	if (need > floor)
		need = floor;
	if (need > fd->win_off && fd->win_len > 0) {
		uint64_t drop = need - fd->win_off;
		if (drop >= fd->win_len) {
			fd->win_len = 0;
			fd->win_off = need;
		} else {
			memmove(fd->win, fd->win + drop, fd->win_len - (uint32_t)drop);
			fd->win_len -= (uint32_t)drop;
			fd->win_off = need;
		}
	}
	if (fd->win_len == 0 && fd->win_cap > 64 * 1024) {
		free(fd->win);
		fd->win = NULL;
		fd->win_cap = 0;
	}
}
