/*
 * mms-ber.h — the bounded BER reader the MMS parser's layers share
 * (presentation, ACSE, MMS).  A struct ber is a window [pos, end) of a
 * buffer; ber_next() reads the next TLV and fails, leaving the window
 * unchanged, when its tag (at most 4 bytes after the first), its length
 * (definite, at most 4 bytes) or its value does not fit in the window.
 * Private to app/mms*.c.
 */
#ifndef VIGIL_APP_MMS_BER_H
#define VIGIL_APP_MMS_BER_H

#include <stdbool.h>
#include <stdint.h>

/* ------------------------------------------------------------ BER */

enum { BER_UNIVERSAL = 0, BER_APPLICATION = 1, BER_CONTEXT = 2, BER_PRIVATE = 3 };

struct ber {
	const uint8_t *d; /* the whole PDU (offsets are from here) */
	uint32_t pos, end;
};

struct tlv {
	uint8_t cls;
	bool constructed;
	uint32_t tag;
	uint32_t off, len; /* the value */
};

/* The next TLV of r; false (r unchanged) when it does not fit. */
static inline bool ber_next(struct ber *r, struct tlv *t)
{
	uint32_t p = r->pos, end = r->end;
	if (p >= end)
		return false;
	uint8_t b = r->d[p++];
	t->cls = b >> 6;
	t->constructed = (b & 0x20) != 0;
	t->tag = b & 0x1f;
	if (t->tag == 0x1f) {
		t->tag = 0;
		for (int i = 0;; i++) {
			if (p >= end || i == 4)
				return false;
			uint8_t c = r->d[p++];
			t->tag = (t->tag << 7) | (c & 0x7f);
			if (!(c & 0x80))
				break;
		}
	}
	if (p >= end)
		return false;
	uint32_t len = r->d[p++];
	if (len & 0x80) {
		uint32_t k = len & 0x7f;
		if (k == 0 || k > 4 || end - p < k)
			return false; /* indefinite or too long a length */
		len = 0;
		for (uint32_t i = 0; i < k; i++)
			len = (len << 8) | r->d[p++];
	}
	if (len > end - p)
		return false;
	t->off = p;
	t->len = len;
	r->pos = p + len;
	return true;
}

static inline struct ber ber_in(const struct ber *r, const struct tlv *t)
{
	return (struct ber){r->d, t->off, t->off + t->len};
}

static inline bool is_ctx(const struct tlv *t, uint32_t tag)
{
	return t->cls == BER_CONTEXT && t->tag == tag;
}

/* An unsigned INTEGER of at most 4 significant bytes. */
static inline bool ber_uint(const struct ber *r, const struct tlv *t, uint32_t *v)
{
	if (t->constructed || t->len == 0 || t->len > 5)
		return false;
	const uint8_t *p = r->d + t->off;
	if (t->len == 5 && p[0] != 0)
		return false;
	uint32_t x = 0;
	for (uint32_t i = 0; i < t->len; i++)
		x = (x << 8) | p[i];
	*v = x;
	return true;
}

#endif
