/*
 * json — see json.h.  All output goes through json_put(), which grows the
 * buffer geometrically; on allocation failure the writer stops appending
 * and sets `oom`, so callers check once per event rather than per call.
 */
#include "util/json.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void json_init(struct json *j)
{
	memset(j, 0, sizeof(*j));
	j->first[0] = true;
}

void json_free(struct json *j)
{
	free(j->buf);
	json_init(j);
}

void json_reset(struct json *j)
{
	j->len = 0;
	j->depth = 0;
	j->first[0] = true;
	j->oom = false;
	if (j->buf)
		j->buf[0] = '\0';
}

static bool json_reserve(struct json *j, size_t extra)
{
	if (j->oom)
		return false;
	if (j->len + extra + 1 <= j->cap)
		return true;
	size_t cap = j->cap ? j->cap : 1024;
	while (cap < j->len + extra + 1)
		cap *= 2;
	char *nb = realloc(j->buf, cap);
	if (!nb) {
		j->oom = true;
		return false;
	}
	j->buf = nb;
	j->cap = cap;
	return true;
}

static void json_put(struct json *j, const char *s, size_t n)
{
	if (!json_reserve(j, n))
		return;
	memcpy(j->buf + j->len, s, n);
	j->len += n;
	j->buf[j->len] = '\0';
}

static void json_putc(struct json *j, char c)
{
	json_put(j, &c, 1);
}

/* Length of the valid UTF-8 sequence at s (1..4), or 0 if invalid. */
static size_t utf8_seq_len(const uint8_t *s, size_t n)
{
	uint8_t c = s[0];
	size_t need;
	uint32_t cp;
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		need = 2;
		cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		need = 3;
		cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		need = 4;
		cp = c & 0x07;
	} else {
		return 0;
	}
	if (n < need)
		return 0;
	for (size_t i = 1; i < need; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((need == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (need == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return need;
}

void json_append_escaped(struct json *j, const uint8_t *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t i = 0;
	while (i < n) {
		/* Copy the longest run that needs no escaping in one go. */
		size_t run = i;
		while (run < n && s[run] >= 0x20 && s[run] < 0x80 && s[run] != '"' && s[run] != '\\')
			run++;
		if (run > i) {
			json_put(j, (const char *)s + i, run - i);
			i = run;
			continue;
		}
		uint8_t c = s[i];
		char esc[7];
		switch (c) {
		case '"': json_put(j, "\\\"", 2); i++; continue;
		case '\\': json_put(j, "\\\\", 2); i++; continue;
		case '\n': json_put(j, "\\n", 2); i++; continue;
		case '\r': json_put(j, "\\r", 2); i++; continue;
		case '\t': json_put(j, "\\t", 2); i++; continue;
		case '\b': json_put(j, "\\b", 2); i++; continue;
		case '\f': json_put(j, "\\f", 2); i++; continue;
		default: break;
		}
		if (c >= 0x80) {
			size_t sl = utf8_seq_len(s + i, n - i);
			if (sl) {
				json_put(j, (const char *)s + i, sl);
				i += sl;
				continue;
			}
		}
		memcpy(esc, "\\u00", 4);
		esc[4] = hex[c >> 4];
		esc[5] = hex[c & 0xf];
		json_put(j, esc, 6);
		i++;
	}
}

/* Separator and key for the next member at the current level. */
static void json_key(struct json *j, const char *key)
{
	if (!j->first[j->depth])
		json_putc(j, ',');
	j->first[j->depth] = false;
	if (!key)
		return;
	size_t n = 0;
	while (key[n] != '\0' && (uint8_t)key[n] >= 0x20 && (uint8_t)key[n] < 0x80 &&
	       key[n] != '"' && key[n] != '\\')
		n++;
	if (key[n] == '\0') { /* the usual key: nothing to escape, one copy */
		if (!json_reserve(j, n + 4))
			return;
		char *o = j->buf + j->len;
		o[0] = '"';
		memcpy(o + 1, key, n);
		memcpy(o + 1 + n, "\":", 3);
		j->len += n + 3;
		return;
	}
	json_putc(j, '"');
	json_append_escaped(j, (const uint8_t *)key, strlen(key));
	json_put(j, "\":", 2);
}

static void json_push(struct json *j, char open)
{
	json_putc(j, open);
	if (j->depth + 1 < JSON_MAX_DEPTH)
		j->depth++;
	j->first[j->depth] = true;
}

static void json_pop(struct json *j, char close)
{
	json_putc(j, close);
	if (j->depth > 0)
		j->depth--;
}

void json_open_object(struct json *j, const char *key)
{
	json_key(j, key);
	json_push(j, '{');
}

void json_close_object(struct json *j)
{
	json_pop(j, '}');
}

void json_open_array(struct json *j, const char *key)
{
	json_key(j, key);
	json_push(j, '[');
}

void json_close_array(struct json *j)
{
	json_pop(j, ']');
}

void json_strn(struct json *j, const char *key, const uint8_t *s, size_t n)
{
	json_key(j, key);
	json_putc(j, '"');
	json_append_escaped(j, s, n);
	json_putc(j, '"');
}

void json_str_open(struct json *j, const char *key)
{
	json_key(j, key);
	json_putc(j, '"');
}

void json_str_close(struct json *j)
{
	json_putc(j, '"');
}

void json_str(struct json *j, const char *key, const char *s)
{
	json_strn(j, key, (const uint8_t *)s, strlen(s));
}

/* Decimal digits of v, written backwards from end; returns the first.
 * (Numbers are most of an event's fields: snprintf costs several times
 * more per number than the whole of this.) */
static char *u64_digits(uint64_t v, char *end)
{
	char *p = end;
	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	return p;
}

void json_uint(struct json *j, const char *key, uint64_t v)
{
	char tmp[24];
	char *p = u64_digits(v, tmp + sizeof(tmp));
	json_key(j, key);
	json_put(j, p, (size_t)(tmp + sizeof(tmp) - p));
}

void json_int(struct json *j, const char *key, int64_t v)
{
	char tmp[24];
	uint64_t m = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	char *p = u64_digits(m, tmp + sizeof(tmp));
	if (v < 0)
		*--p = '-';
	json_key(j, key);
	json_put(j, p, (size_t)(tmp + sizeof(tmp) - p));
}

void json_double(struct json *j, const char *key, double v)
{
	char tmp[32];
	int n;
	if (v != v || v > 1e308 || v < -1e308)
		n = snprintf(tmp, sizeof(tmp), "null"); /* JSON has no NaN/Inf */
	else
		n = snprintf(tmp, sizeof(tmp), "%.6g", v);
	json_key(j, key);
	json_put(j, tmp, (size_t)n);
}

void json_bool(struct json *j, const char *key, bool v)
{
	json_key(j, key);
	if (v)
		json_put(j, "true", 4);
	else
		json_put(j, "false", 5);
}

void json_null(struct json *j, const char *key)
{
	json_key(j, key);
	json_put(j, "null", 4);
}

void json_raw(struct json *j, const char *key, const char *raw, size_t n)
{
	json_key(j, key);
	json_put(j, raw, n);
}

void json_base64(struct json *j, const char *key, const uint8_t *b, size_t n)
{
	static const char tbl[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	json_key(j, key);
	json_putc(j, '"');
	if (!json_reserve(j, (n + 2) / 3 * 4 + 1))
		return;
	char *o = j->buf + j->len;
	size_t i = 0;
	for (; i + 2 < n; i += 3) {
		uint32_t v = (uint32_t)b[i] << 16 | (uint32_t)b[i + 1] << 8 | b[i + 2];
		*o++ = tbl[v >> 18];
		*o++ = tbl[(v >> 12) & 63];
		*o++ = tbl[(v >> 6) & 63];
		*o++ = tbl[v & 63];
	}
	if (i < n) {
		uint32_t v = (uint32_t)b[i] << 16 | (i + 1 < n ? (uint32_t)b[i + 1] << 8 : 0);
		*o++ = tbl[v >> 18];
		*o++ = tbl[(v >> 12) & 63];
		*o++ = i + 1 < n ? tbl[(v >> 6) & 63] : '=';
		*o++ = '=';
	}
	j->len = (size_t)(o - j->buf);
	j->buf[j->len] = '\0';
	json_putc(j, '"');
}
