/*
 * buf — the growable byte buffer payload builders write into.  On an
 * allocation failure the buffer stops growing and sets `oom`; builders do
 * not check each call, the context checks once before writing the file.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario/craft.h"

void sc_buf_init(struct sc_buf *b)
{
	memset(b, 0, sizeof(*b));
}

void sc_buf_free(struct sc_buf *b)
{
	free(b->b);
	sc_buf_init(b);
}

void sc_buf_reset(struct sc_buf *b)
{
	b->len = 0;
}

static bool sc_buf_reserve(struct sc_buf *b, size_t n)
{
	if (b->oom)
		return false;
	if (b->len + n <= b->cap)
		return true;
	size_t cap = b->cap ? b->cap : 256;
	while (cap < b->len + n)
		cap *= 2;
	uint8_t *p = realloc(b->b, cap);
	if (!p) {
		b->oom = true;
		return false;
	}
	b->b = p;
	b->cap = cap;
	return true;
}

void sc_buf_put(struct sc_buf *b, const void *p, size_t n)
{
	if (n == 0 || !sc_buf_reserve(b, n))
		return;
	memcpy(b->b + b->len, p, n);
	b->len += n;
}

void sc_buf_puts(struct sc_buf *b, const char *s)
{
	sc_buf_put(b, s, strlen(s));
}

void sc_buf_printf(struct sc_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n <= 0 || !sc_buf_reserve(b, (size_t)n + 1))
		return;
	va_start(ap, fmt);
	vsnprintf((char *)b->b + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void sc_buf_u8(struct sc_buf *b, uint8_t v)
{
	sc_buf_put(b, &v, 1);
}

void sc_buf_be16(struct sc_buf *b, uint16_t v)
{
	uint8_t p[2] = {(uint8_t)(v >> 8), (uint8_t)v};
	sc_buf_put(b, p, 2);
}

void sc_buf_be24(struct sc_buf *b, uint32_t v)
{
	uint8_t p[3] = {(uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v};
	sc_buf_put(b, p, 3);
}

void sc_buf_be32(struct sc_buf *b, uint32_t v)
{
	uint8_t p[4] = {(uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v};
	sc_buf_put(b, p, 4);
}

void sc_buf_le16(struct sc_buf *b, uint16_t v)
{
	uint8_t p[2] = {(uint8_t)v, (uint8_t)(v >> 8)};
	sc_buf_put(b, p, 2);
}

void sc_buf_le32(struct sc_buf *b, uint32_t v)
{
	uint8_t p[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
	sc_buf_put(b, p, 4);
}

void sc_buf_le64(struct sc_buf *b, uint64_t v)
{
	sc_buf_le32(b, (uint32_t)v);
	sc_buf_le32(b, (uint32_t)(v >> 32));
}

void sc_buf_zero(struct sc_buf *b, size_t n)
{
	if (n == 0 || !sc_buf_reserve(b, n))
		return;
	memset(b->b + b->len, 0, n);
	b->len += n;
}

void sc_buf_rand(struct sc_buf *b, struct sc_rng *r, size_t n)
{
	if (n == 0 || !sc_buf_reserve(b, n))
		return;
	sc_rng_bytes(r, b->b + b->len, n);
	b->len += n;
}

void sc_buf_set_be16(struct sc_buf *b, size_t off, uint16_t v)
{
	if (b->oom || off + 2 > b->len)
		return;
	b->b[off] = (uint8_t)(v >> 8);
	b->b[off + 1] = (uint8_t)v;
}

void sc_buf_set_be24(struct sc_buf *b, size_t off, uint32_t v)
{
	if (b->oom || off + 3 > b->len)
		return;
	b->b[off] = (uint8_t)(v >> 16);
	b->b[off + 1] = (uint8_t)(v >> 8);
	b->b[off + 2] = (uint8_t)v;
}

void sc_buf_set_be32(struct sc_buf *b, size_t off, uint32_t v)
{
	if (b->oom || off + 4 > b->len)
		return;
	for (int i = 0; i < 4; i++)
		b->b[off + (size_t)i] = (uint8_t)(v >> (24 - 8 * i));
}

void sc_buf_set_le16(struct sc_buf *b, size_t off, uint16_t v)
{
	if (b->oom || off + 2 > b->len)
		return;
	b->b[off] = (uint8_t)v;
	b->b[off + 1] = (uint8_t)(v >> 8);
}

void sc_buf_set_le32(struct sc_buf *b, size_t off, uint32_t v)
{
	if (b->oom || off + 4 > b->len)
		return;
	for (int i = 0; i < 4; i++)
		b->b[off + (size_t)i] = (uint8_t)(v >> (8 * i));
}
