/*
 * eve-redis — EVE lines to a Redis server (eve-log filetype redis), as
 * Suricata's redis output: LPUSH/RPUSH to a list, PUBLISH to a channel,
 * or XADD to a stream (field "eve", trimmed to stream-maxlen), with
 * pipelining (batch-size commands per round trip).
 *
 * The server may be away: lines wait in a bounded backlog (redis.backlog
 * events, oldest first) and are sent when a connection is made again.
 * Reconnection is tried with a growing pause (0.1 s doubling to 5 s) so a
 * missing server costs the packet path one refused connect now and then,
 * never a wait; every socket call has redis.timeout.  A line is counted
 * written when the server acknowledged its command, lost when the backlog
 * was full, when the server refused the command, or when the run ended
 * with it still held.  A connection that breaks after sending a batch but
 * before its replies leaves that batch in the backlog: it is sent again,
 * so an event may arrive twice, never zero times unnoticed.
 */
#include "output/eve-sink.h"

#include <hiredis/hiredis.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define REDIS_PAUSE_MIN_MS 100
#define REDIS_PAUSE_MAX_MS 5000

struct redis_line {
	char *text;
	size_t len;
};

struct redis_sink {
	struct eve_sink base;
	struct eve_redis_config cfg;
	redisContext *c;
	struct redis_line *ring; /* the backlog: cfg.backlog slots */
	size_t head, count;
	int64_t next_try_ms; /* no connect before this (monotonic) */
	unsigned pause_ms;
	bool away_said; /* "server away" said for this outage */
	bool refused_said;
	uint64_t reconnects;
};

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void drop_connection(struct redis_sink *r, const char *why)
{
	if (!r->away_said) {
		fprintf(stderr,
			"vigil: %s: %s; events are held (up to %u) and sent when it is back\n",
			r->base.describe, why, r->cfg.backlog);
		r->away_said = true;
	}
	if (r->c)
		redisFree(r->c);
	r->c = NULL;
	r->next_try_ms = now_ms() + r->pause_ms;
	r->pause_ms = r->pause_ms * 2 > REDIS_PAUSE_MAX_MS ? REDIS_PAUSE_MAX_MS : r->pause_ms * 2;
}

/* A connection, when there is one or the pause since the last try is over. */
static bool connect_now(struct redis_sink *r, bool force)
{
	if (r->c)
		return true;
	if (!force && now_ms() < r->next_try_ms)
		return false;
	struct timeval tv = {(time_t)(r->cfg.timeout_ms / 1000),
			     (suseconds_t)(r->cfg.timeout_ms % 1000) * 1000};
	redisContext *c = redisConnectWithTimeout(r->cfg.server, (int)r->cfg.port, tv);
	if (!c || c->err) {
		char why[200];
		snprintf(why, sizeof(why), "cannot connect: %s", c ? c->errstr : "out of memory");
		if (c)
			redisFree(c);
		drop_connection(r, why);
		return false;
	}
	redisSetTimeout(c, tv);
	r->c = c;
	if (r->away_said) {
		fprintf(stderr, "vigil: %s: connected again; %zu held events follow\n",
			r->base.describe, r->count);
		r->reconnects++;
	}
	r->away_said = false;
	r->pause_ms = REDIS_PAUSE_MIN_MS;
	return true;
}

static int append_command(struct redis_sink *r, const struct redis_line *l)
{
	const struct eve_redis_config *c = &r->cfg;
	switch (c->mode) {
	case EVE_REDIS_RPUSH:
		return redisAppendCommand(r->c, "RPUSH %s %b", c->key, l->text, l->len);
	case EVE_REDIS_PUBLISH:
		return redisAppendCommand(r->c, "PUBLISH %s %b", c->key, l->text, l->len);
	case EVE_REDIS_XADD:
		if (!c->stream_maxlen)
			return redisAppendCommand(r->c, "XADD %s * eve %b", c->key, l->text,
						  l->len);
		return redisAppendCommand(r->c,
					  c->stream_trim_exact ? "XADD %s MAXLEN %llu * eve %b"
							       : "XADD %s MAXLEN ~ %llu * eve %b",
					  c->key, (unsigned long long)c->stream_maxlen, l->text,
					  l->len);
	case EVE_REDIS_LPUSH:
	default: return redisAppendCommand(r->c, "LPUSH %s %b", c->key, l->text, l->len);
	}
}

static void pop_front(struct redis_sink *r, bool delivered)
{
	struct redis_line *l = &r->ring[r->head];
	eve_file_account(r->base.file, l->text, l->len, delivered);
	free(l->text);
	l->text = NULL;
	r->head = (r->head + 1) % r->cfg.backlog;
	r->count--;
}

/* Sends one pipelined batch from the front of the backlog and reads its
 * replies; false when the connection broke (the unconfirmed rest stays). */
static bool send_batch(struct redis_sink *r)
{
	size_t n = r->count < r->cfg.batch_size ? r->count : r->cfg.batch_size;
	for (size_t i = 0; i < n; i++)
		if (append_command(r, &r->ring[(r->head + i) % r->cfg.backlog]) != REDIS_OK) {
			drop_connection(r, "cannot queue a command");
			return false;
		}
	for (size_t i = 0; i < n; i++) {
		redisReply *reply = NULL;
		if (redisGetReply(r->c, (void **)&reply) != REDIS_OK || !reply) {
			char why[200];
			snprintf(why, sizeof(why), "connection lost: %s",
				 r->c->errstr[0] ? r->c->errstr : "no reply");
			drop_connection(r, why);
			return false;
		}
		bool refused = reply->type == REDIS_REPLY_ERROR;
		if (refused && !r->refused_said) {
			fprintf(stderr, "vigil: %s: the server refused an event: %.*s\n",
				r->base.describe, (int)reply->len, reply->str);
			r->refused_said = true;
			eve_file_failure(r->base.file, EPROTO,
					 "%s: refused events are counted lost", r->base.describe);
		}
		freeReplyObject(reply);
		pop_front(r, !refused);
	}
	return true;
}

/* Everything held, in batches, while the server answers. */
static void drain(struct redis_sink *r, bool force)
{
	while (r->count && connect_now(r, force))
		if (!send_batch(r))
			force = false; /* one forced try per drain */
}

static void redis_write(struct eve_sink *s, const char *line, size_t len)
{
	struct redis_sink *r = (struct redis_sink *)s;
	if (r->count == r->cfg.backlog) {
		/* Full: make room by sending, else this newest line is lost. */
		drain(r, false);
		if (r->count == r->cfg.backlog) {
			eve_file_account(s->file, line, len, false);
			return;
		}
	}
	char *copy = malloc(len ? len : 1);
	if (!copy) {
		eve_file_account(s->file, line, len, false);
		return;
	}
	memcpy(copy, line, len);
	struct redis_line *l = &r->ring[(r->head + r->count) % r->cfg.backlog];
	l->text = copy;
	l->len = len;
	r->count++;
	if (r->count >= r->cfg.batch_size)
		drain(r, false);
}

static void redis_flush(struct eve_sink *s)
{
	drain((struct redis_sink *)s, false);
}

static void redis_close(struct eve_sink *s)
{
	struct redis_sink *r = (struct redis_sink *)s;
	drain(r, true);
	if (r->count) {
		fprintf(stderr,
			"vigil: %s: %zu events could not be delivered and are counted lost\n",
			s->describe, r->count);
		eve_file_failure(s->file, ECONNREFUSED, NULL); /* said just above */
	}
	while (r->count)
		pop_front(r, false);
	if (r->c)
		redisFree(r->c);
	free(r->ring);
	free(r);
}

static const struct eve_sink_ops redis_ops = {
    .write = redis_write,
    .flush = redis_flush,
    .close = redis_close,
};

static const char *mode_name(enum eve_redis_mode m)
{
	switch (m) {
	case EVE_REDIS_RPUSH: return "rpush";
	case EVE_REDIS_PUBLISH: return "publish";
	case EVE_REDIS_XADD: return "xadd";
	default: return "lpush";
	}
}

struct eve_sink *eve_redis_open(const struct eve_redis_config *c, struct eve_file *f, char *err,
				size_t errlen)
{
	struct redis_sink *r = calloc(1, sizeof(*r));
	if (r)
		r->ring = calloc(c->backlog, sizeof(*r->ring));
	if (!r || !r->ring) {
		free(r);
		snprintf(err, errlen, "out of memory for a Redis backlog of %u events", c->backlog);
		return NULL;
	}
	r->base.ops = &redis_ops;
	r->base.file = f;
	r->cfg = *c;
	r->pause_ms = REDIS_PAUSE_MIN_MS;
	snprintf(r->base.describe, sizeof(r->base.describe), "redis %s:%u (%s %s)", c->server,
		 c->port, mode_name(c->mode), c->key);
	/* A server away at start is not fatal: the backlog holds events until
	 * it comes (a sensor must not stop for its collector). */
	connect_now(r, true);
	return &r->base;
}
