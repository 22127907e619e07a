/*
 * json — a streaming JSON writer into a reusable, growable buffer.
 *
 * Events are built here and handed to a writer as one line.  The buffer is
 * kept between events (json_reset() keeps the allocation), so the packet
 * path does no allocation once the buffer has grown to the largest event.
 * Strings are escaped as RFC 8259 requires; bytes that are not valid UTF-8
 * are written as \u00XX of the byte (as Suricata does), so the output is
 * always valid UTF-8 JSON whatever the input bytes.
 *
 * The writer tracks nesting (up to JSON_MAX_DEPTH) only to place commas; it
 * does not validate the sequence of calls.
 */
#ifndef VIGIL_UTIL_JSON_H
#define VIGIL_UTIL_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define JSON_MAX_DEPTH 32

struct json {
	char *buf;
	size_t len, cap;
	int depth;
	bool first[JSON_MAX_DEPTH]; /* no member written yet at this level */
	bool oom;                   /* an allocation failed: output is truncated */
};

void json_init(struct json *j);
void json_free(struct json *j);
void json_reset(struct json *j); /* empty, keeps the allocation */

/* Containers.  A NULL key writes an anonymous value (array element / root). */
void json_open_object(struct json *j, const char *key);
void json_close_object(struct json *j);
void json_open_array(struct json *j, const char *key);
void json_close_array(struct json *j);

void json_str(struct json *j, const char *key, const char *s);
void json_strn(struct json *j, const char *key, const uint8_t *s, size_t n);
void json_uint(struct json *j, const char *key, uint64_t v);
void json_int(struct json *j, const char *key, int64_t v);
void json_double(struct json *j, const char *key, double v);
void json_bool(struct json *j, const char *key, bool v);
void json_null(struct json *j, const char *key);
/* A value already in JSON form (e.g. a nested object built elsewhere). */
void json_raw(struct json *j, const char *key, const char *raw, size_t n);
/* Base64 of bytes, as a string value. */
void json_base64(struct json *j, const char *key, const uint8_t *b, size_t n);

/* A string value built in pieces: open, append escaped bytes, close. */
void json_str_open(struct json *j, const char *key);
void json_append_escaped(struct json *j, const uint8_t *s, size_t n);
void json_str_close(struct json *j);

#endif
