/*
 * dnp3-objects.c — DNP3 object headers and the points of the groups and
 * variations Suricata decodes (its scripts/dnp3-gen/dnp3-objects.yaml,
 * from which app-layer-dnp3-objects.c is generated).
 *
 * Each known group/variation is a row of field descriptions: a byte of
 * flag bits (DNP3_F_BSTR8, then its DNP3_F_BITS from bit 0 up), integers
 * (little-endian), floats and 48-bit times, in wire order; a packed object
 * (1.1, 3.1, 10.1, 12.3, 80.1) has `packed` bits per point.  Objects with
 * variable-length parts (70.x, 83.1, 120.x) take their length from an
 * earlier field or from what the point's size prefix leaves; their bytes
 * go in the object's byte pool.  Values are
 * kept as uint64 in the object (signed ones sign-extended, floats as their
 * bit patterns) for the EVE writer.
 *
 * Object headers: group, variation, qualifier (prefix code in bits 4-6,
 * range code in bits 0-3); the range is start/stop (1, 2, 4 bytes), none
 * (all points), or a count (1, 2, 4 bytes).  A prefix before every point
 * is an index (codes 1-3) or a size (codes 4-6).  Every read is checked
 * against the bytes left of the message.
 */
#include <stdlib.h>
#include <string.h>

#include "app/dnp3.h"
#include "app/dnp3-internal.h"

#define B8                                                                                         \
	{                                                                                          \
		NULL, DNP3_F_BSTR8, 0, 0, 0                                                        \
	}
#define BIT(n, s)                                                                                  \
	{                                                                                          \
		n, DNP3_F_BITS, s, 1, 0                                                            \
	}
#define BITW(n, s, w)                                                                              \
	{                                                                                          \
		n, DNP3_F_BITS, s, w, 0                                                            \
	}
#define FLD(n, t)                                                                                  \
	{                                                                                          \
		n, DNP3_F_##t, 0, 0, 0                                                             \
	}
#define TIME(n)                                                                                    \
	{                                                                                          \
		n, DNP3_F_TIME, 0, 0, 0                                                            \
	}
#define CHARS(n, len)                                                                              \
	{                                                                                          \
		n, DNP3_F_CHARS, 0, 0, len                                                         \
	}
#define BYTES(n, len)                                                                              \
	{                                                                                          \
		n, DNP3_F_BYTES, 0, 0, len                                                         \
	}
#define PFX DNP3_LEN_FROM_PREFIX

/* The common quality flags. */
#define Q5                                                                                         \
	BIT("online", 0), BIT("restart", 1), BIT("comm_lost", 2), BIT("remote_forced", 3),         \
	    BIT("local_forced", 4)
#define F_BIN B8, Q5, BIT("chatter_filter", 5), BIT("reserved", 6), BIT("state", 7)
#define F_DBL B8, Q5, BIT("chatter_filter", 5), BITW("state", 6, 2)
#define F_BOUT B8, Q5, BIT("reserved0", 5), BIT("reserved1", 6), BIT("state", 7)
#define F_CTR_D B8, Q5, BIT("rollover", 5), BIT("discontinuity", 6), BIT("reserved0", 7)
#define F_CTR_R B8, Q5, BIT("rollover", 5), BIT("reserved0", 6), BIT("reserved1", 7)
#define F_CTR_D1 B8, Q5, BIT("rollover", 5), BIT("discontinuity", 6), BIT("reserved1", 7)
#define F_ANA B8, Q5, BIT("over_range", 5), BIT("reference_err", 6), BIT("reserved0", 7)
#define F_CROB                                                                                     \
	B8, BITW("op_type", 0, 4), BIT("qu", 4), BIT("cr", 5), BITW("tcc", 6, 2),                  \
	    FLD("count", U8), FLD("ontime", U32), FLD("offtime", U32), B8,                         \
	    BITW("status_code", 0, 7), BIT("reserved", 7)
#define F_SEC B8, Q5, BIT("reserved0", 5), BIT("discontinuity", 6), BIT("reserved1", 7)
#define F_STATUS(last) B8, BITW("status_code", 0, 7), BIT(last, 7)

#define ROW(g, v, p, ...) static const struct dnp3_field f_##g##_##v[] = {__VA_ARGS__};
#include "app/dnp3-objects.def"
#undef ROW

/* p: packed bits (1, 2), or 0x50: the size prefix code 5 is required. */
#define ROW(g, v, p, ...)                                                                          \
	{                                                                                          \
	    g,                                                                                     \
	    v,                                                                                     \
	    (p)&0x0f,                                                                              \
	    (p) >> 4,                                                                              \
	    (uint8_t)(sizeof(f_##g##_##v) / sizeof(f_##g##_##v[0])),                               \
	    f_##g##_##v},
static const struct dnp3_object_def object_defs[] = {
#include "app/dnp3-objects.def"
};
#undef ROW

const struct dnp3_object_def *dnp3_object_def(uint8_t group, uint8_t variation)
{
	for (size_t i = 0; i < sizeof(object_defs) / sizeof(object_defs[0]); i++)
		if (object_defs[i].group == group && object_defs[i].variation == variation)
			return &object_defs[i];
	return NULL;
}

/* ---------------------------------------------------------- reading */

struct rd {
	const uint8_t *p;
	uint32_t left;
};

static bool rd_uint(struct rd *r, uint32_t n, uint64_t *v)
{
	if (r->left < n)
		return false;
	uint64_t x = 0;
	for (uint32_t i = 0; i < n; i++)
		x |= (uint64_t)r->p[i] << (8 * i);
	r->p += n;
	r->left -= n;
	*v = x;
	return true;
}

static bool grow(void **v, uint32_t *cap, uint32_t need, size_t elem)
{
	if (need <= *cap)
		return true;
	uint32_t nc = *cap ? *cap * 2 : 8;
	while (nc < need)
		nc *= 2;
	void *t = realloc(*v, (size_t)nc * elem);
	if (t == NULL)
		return false;
	*v = t;
	*cap = nc;
	return true;
}

static bool push_value(struct dnp3_object *o, uint64_t v)
{
	if (!grow((void **)&o->values, &o->cap_values, o->n_values + 1, sizeof(uint64_t)))
		return false;
	o->values[o->n_values++] = v;
	return true;
}

static bool push_point(struct dnp3_tx *tx, struct dnp3_object *o, uint32_t index,
		       uint8_t prefix_code, uint32_t prefix)
{
	if (!grow((void **)&o->points, &o->cap_points, o->n_points + 1, sizeof(struct dnp3_point)))
		return false;
	struct dnp3_point *pt = &o->points[o->n_points++];
	memset(pt, 0, sizeof(*pt));
	pt->prefix = prefix;
	pt->index = index;
	if (prefix_code >= 1 && prefix_code <= 3)
		pt->index = prefix;
	else if (prefix_code >= 4 && prefix_code <= 6)
		pt->size = prefix;
	pt->first = o->n_values;
	tx->n_points++;
	return true;
}

static bool read_prefix(struct rd *r, uint8_t code, uint32_t *prefix)
{
	static const uint8_t sizes[8] = {0, 1, 2, 4, 1, 2, 4, 0};
	uint64_t v = 0;
	if (sizes[code & 7] > 0 && !rd_uint(r, sizes[code & 7], &v))
		return false;
	*prefix = (uint32_t)v;
	return true;
}

/* Copies n bytes of the point into the object's pool: offset << 32 | n. */
static bool push_bytes(struct rd *r, struct dnp3_object *o, uint32_t n, uint64_t *v)
{
	if (r->left < n)
		return false;
	if (!grow((void **)&o->bytes, &o->cap_bytes, o->n_bytes + n + 1, 1))
		return false;
	memcpy(o->bytes + o->n_bytes, r->p, n);
	*v = (uint64_t)o->n_bytes << 32 | n;
	o->n_bytes += n;
	r->p += n;
	r->left -= n;
	return true;
}

/* The value slot of field `idx` among the point's values (bit-field bytes have none). */
static uint32_t value_slot(const struct dnp3_object_def *def, uint8_t idx)
{
	uint32_t k = 0;
	for (uint8_t i = 0; i < idx && i < def->n_fields; i++)
		if (def->fields[i].type != DNP3_F_BSTR8)
			k++;
	return k;
}

/* Length of a variable field: an earlier field's value, or the rest of the size prefix. */
static bool var_length(const struct dnp3_object_def *def, const struct dnp3_field *f,
		       const struct dnp3_object *o, uint32_t first, uint32_t prefix,
		       uint32_t consumed, uint32_t *n)
{
	if (f->len_field == DNP3_LEN_FROM_PREFIX) {
		if (consumed > prefix)
			return false;
		*n = prefix - consumed;
		return true;
	}
	uint32_t k = first + value_slot(def, f->len_field);
	if (k >= o->n_values)
		return false;
	*n = (uint32_t)o->values[k];
	return true;
}

static bool read_fields(struct rd *r, const struct dnp3_object_def *def, struct dnp3_object *o,
			uint32_t prefix)
{
	uint8_t octet = 0;
	uint32_t first = o->n_values, start_left = r->left, n;
	for (uint8_t i = 0; i < def->n_fields; i++) {
		const struct dnp3_field *f = &def->fields[i];
		uint64_t v = 0;
		switch (f->type) {
		case DNP3_F_BSTR8:
			if (!rd_uint(r, 1, &v))
				return false;
			octet = (uint8_t)v;
			continue;
		case DNP3_F_BITS: v = (octet >> f->shift) & ((1u << f->width) - 1); break;
		case DNP3_F_U8:
			if (!rd_uint(r, 1, &v))
				return false;
			break;
		case DNP3_F_U16:
			if (!rd_uint(r, 2, &v))
				return false;
			break;
		case DNP3_F_I16:
			if (!rd_uint(r, 2, &v))
				return false;
			v = (uint64_t)(int64_t)(int16_t)v;
			break;
		case DNP3_F_U32:
		case DNP3_F_F32:
			if (!rd_uint(r, 4, &v))
				return false;
			break;
		case DNP3_F_I32:
			if (!rd_uint(r, 4, &v))
				return false;
			v = (uint64_t)(int64_t)(int32_t)v;
			break;
		case DNP3_F_F64:
			if (!rd_uint(r, 8, &v))
				return false;
			break;
		case DNP3_F_TIME:
			if (!rd_uint(r, 6, &v))
				return false;
			break;
		case DNP3_F_U24:
			if (!rd_uint(r, 3, &v))
				return false;
			break;
		case DNP3_F_VSTR4:
			if (!push_bytes(r, o, 4, &v))
				return false;
			break;
		case DNP3_F_CHARS:
		case DNP3_F_BYTES:
			if (!var_length(def, f, o, first, prefix, start_left - r->left, &n) ||
			    !push_bytes(r, o, n, &v))
				return false;
			break;
		}
		if (!push_value(o, v))
			return false;
	}
	return true;
}

/* The points of one object; false when the bytes run out (or no memory). */
static bool decode_points(struct rd *r, const struct dnp3_object_def *def, struct dnp3_tx *tx,
			  struct dnp3_object *o)
{
	uint32_t index = o->start;
	uint32_t count = o->count;
	if (def->packed) {
		uint32_t per = 8u / def->packed;
		while (count > 0) {
			uint64_t octet;
			if (!rd_uint(r, 1, &octet))
				return false;
			for (uint32_t i = 0; i < per && count > 0; i++, count--) {
				uint64_t v =
				    (octet >> (i * def->packed)) & ((1u << def->packed) - 1);
				if (!push_point(tx, o, index++, 0, 0) || !push_value(o, v))
					return false;
			}
		}
		return true;
	}
	while (count-- > 0) {
		uint32_t prefix;
		if (!read_prefix(r, o->prefix_code, &prefix))
			return false;
		if (!push_point(tx, o, index, o->prefix_code, prefix))
			return false;
		if (!read_fields(r, def, o, prefix))
			return false;
		index++;
	}
	return true;
}

/* Start/stop or count of an object header by its range code; false when short or reserved. */
static bool read_range(struct rd *r, struct dnp3_object *o)
{
	uint64_t a, b;
	switch (o->range_code) {
	case 0x0:
	case 0x3:
	case 0x1:
	case 0x4:
	case 0x2:
	case 0x5: {
		static const uint8_t w[6] = {1, 2, 4, 1, 2, 4};
		uint32_t n = w[o->range_code];
		if (!rd_uint(r, n, &a) || !rd_uint(r, n, &b))
			return false;
		o->start = (uint32_t)a;
		o->stop = (uint32_t)b;
		o->count = o->stop - o->start + 1;
		return true;
	}
	case 0x6: o->count = 0; return true;
	case 0x7:
	case 0xb:
		if (!rd_uint(r, 1, &a))
			return false;
		o->count = (uint32_t)a;
		return true;
	case 0x8:
		if (!rd_uint(r, 2, &a))
			return false;
		o->count = (uint32_t)a;
		return true;
	case 0x9:
		if (!rd_uint(r, 4, &a))
			return false;
		o->count = (uint32_t)a;
		return true;
	default: return false;
	}
}

bool dnp3_decode_objects(struct dnp3_tx *tx, const uint8_t *buf, uint32_t len, uint32_t max_objects)
{
	struct rd r = {buf, len};
	while (r.left > 0) {
		if (r.left < 3)
			return false;
		if (tx->n_objects >= max_objects) {
			tx->events |= 1u << DNP3_EV_TOO_MANY_OBJECTS;
			return false;
		}
		if (!grow((void **)&tx->objects, &tx->cap_objects, tx->n_objects + 1,
			  sizeof(struct dnp3_object)))
			return false;
		struct dnp3_object *o = &tx->objects[tx->n_objects++];
		memset(o, 0, sizeof(*o));
		o->group = r.p[0];
		o->variation = r.p[1];
		o->qualifier = r.p[2];
		o->prefix_code = (o->qualifier >> 4) & 0x7;
		o->range_code = o->qualifier & 0xf;
		r.p += 3;
		r.left -= 3;
		if (!read_range(&r, o))
			return false;
		if (o->variation == 0 || o->count == 0)
			continue;
		if (o->count > DNP3_MAX_POINTS - tx->n_points) {
			tx->events |= 1u << DNP3_EV_TOO_MANY_POINTS;
			return false;
		}
		const struct dnp3_object_def *def = dnp3_object_def(o->group, o->variation);
		if (def == NULL || (def->need_prefix && def->need_prefix != o->prefix_code) ||
		    !decode_points(&r, def, tx, o)) {
			tx->events |= 1u << DNP3_EV_UNKNOWN_OBJECT;
			return false;
		}
	}
	return true;
}

void dnp3_objects_free(struct dnp3_tx *tx)
{
	for (uint32_t i = 0; i < tx->n_objects; i++) {
		free(tx->objects[i].points);
		free(tx->objects[i].values);
		free(tx->objects[i].bytes);
	}
	free(tx->objects);
	tx->objects = NULL;
	tx->n_objects = tx->cap_objects = 0;
}
