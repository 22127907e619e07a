/*
 * modbus.c — Modbus/TCP framing, message decoding, request/response
 * pairing and the protocol's descriptor; modbus-log.c writes EVE.
 *
 * A message is decoded only once all of it is there (MBAP length), from a
 * slice that ends where the message ends: every field read is checked
 * against that slice.  See modbus.h for the checks and events.
 */
#include "app/modbus.h"

#include <stdlib.h>
#include <string.h>

#include "util/config.h"

#define MAX_BIT_QTY 2000
#define MAX_WORD_QTY 125

struct modbus_dir {
	uint8_t *buf; /* a partial message */
	uint32_t len, cap;
};

struct modbus_state {
	uint32_t flood; /* live transactions that raise `flooded`, 0 = no limit */
	struct modbus_dir dir[2];
	struct modbus_tx **txs; /* live, ids first_id .. */
	uint32_t n_txs, cap_txs;
	uint64_t first_id, next_id;
	uint64_t dropped; /* transactions dropped by MODBUS_MAX_TX */
	bool givenup;
	bool failed; /* a gap: no more parsing */
};

/* ---------------------------------------------------------- names */

static const char *const function_names[] = {
    NULL,	    "RdCoils",	       "RdDiscreteInputs", "RdHoldRegs",	"RdInputRegs",
    "WrSingleCoil", "WrSingleReg",     "RdExcStatus",	   "Diagnostic",	"Program484",
    "Poll484",	    "GetCommEventCtr", "GetCommEventLog",  "ProgramController", "PollController",
    "WrMultCoils",  "WrMultRegs",      "ReportServerID",   "Program884",	"ResetCommLink",
    "RdFileRec",    "WrFileRec",       "MaskWrReg",	   "RdWrMultRegs",	"RdFIFOQueue",
};

const char *modbus_function_name(uint8_t code)
{
	if (code >= 1 && code <= 24)
		return function_names[code];
	if (code == 0x2b)
		return "MEI";
	return "Unknown";
}

const char *modbus_exception_name(uint8_t exc)
{
	static const char *const n[] = {
	    NULL,  "IllegalFunction",  "IllegalDataAddr", "IllegalDataValue", "ServerDeviceFail",
	    "Ack", "ServerDeviceBusy", "NegAck",	  "MemParityErr"};
	if (exc >= 1 && exc <= 8)
		return n[exc];
	if (exc == 0x0a)
		return "GatewayPathUnavailable";
	if (exc == 0x0b)
		return "GatewayTargetFailToResp";
	return "Unknown";
}

bool modbus_function_known(uint8_t code)
{
	return (code >= 1 && code <= 24) || code == 0x2b;
}

static uint8_t access_of(uint8_t code)
{
	switch (code) {
	case 1: return MODBUS_ACC_COILS | MODBUS_ACC_READ;
	case 2: return MODBUS_ACC_DISCRETES | MODBUS_ACC_READ;
	case 3: return MODBUS_ACC_HOLDING | MODBUS_ACC_READ;
	case 4: return MODBUS_ACC_INPUT | MODBUS_ACC_READ;
	case 5: return MODBUS_ACC_COILS | MODBUS_ACC_WRITE | MODBUS_ACC_SINGLE;
	case 6: return MODBUS_ACC_HOLDING | MODBUS_ACC_WRITE | MODBUS_ACC_SINGLE;
	case 15: return MODBUS_ACC_COILS | MODBUS_ACC_WRITE | MODBUS_ACC_MULTIPLE;
	case 16: return MODBUS_ACC_HOLDING | MODBUS_ACC_WRITE | MODBUS_ACC_MULTIPLE;
	case 22: return MODBUS_ACC_HOLDING | MODBUS_ACC_WRITE;
	case 23:
		return MODBUS_ACC_HOLDING | MODBUS_ACC_READ | MODBUS_ACC_WRITE |
		       MODBUS_ACC_MULTIPLE;
	default: return 0;
	}
}

/* Category of a raw function code that has no name (sawp's ranges). */
static uint8_t category_of_raw(uint8_t id)
{
	if (id == 0)
		return 0;
	if (id < 9)
		return 2;
	if (id < 15)
		return 8;
	if (id < 41)
		return 2;
	if (id < 43)
		return 8;
	if (id < 65)
		return 2;
	if (id < 73)
		return 4;
	if (id < 90)
		return 2;
	if (id < 92)
		return 8;
	if (id < 100)
		return 2;
	if (id < 111)
		return 4;
	if (id < 125)
		return 2;
	if (id < 128)
		return 8;
	return 0;
}

/* ---------------------------------------------------------- decoding */

struct rd {
	const uint8_t *p;
	uint32_t left;
};

static bool u8(struct rd *r, uint8_t *v)
{
	if (r->left < 1)
		return false;
	*v = r->p[0];
	r->p++;
	r->left--;
	return true;
}

static bool u16(struct rd *r, uint16_t *v)
{
	if (r->left < 2)
		return false;
	*v = (uint16_t)(r->p[0] << 8 | r->p[1]);
	r->p += 2;
	r->left -= 2;
	return true;
}

static bool take_bytes(struct rd *r, struct modbus_msg *m, uint32_t n)
{
	if (r->left < n)
		return false;
	free(m->bytes);
	m->bytes = malloc(n ? n : 1);
	if (m->bytes == NULL)
		return false;
	memcpy(m->bytes, r->p, n);
	m->n_bytes = n;
	r->p += n;
	r->left -= n;
	return true;
}

static uint16_t data_len(const struct modbus_msg *m)
{
	return (uint16_t)(m->length - 2);
}

/*
 * The PDU parsers below return false when a field runs past the message
 * (sawp's Incomplete: the message gets DATA_LENGTH, see decode()).
 */

static bool parse_exception(struct rd *r, struct modbus_msg *m)
{
	if (!u8(r, &m->exc))
		return false;
	/* sawp-modbus compares the raw function byte, exception bit included */
	bool ranges =
	    (m->function > 6 && m->function < 15) || (m->function > 16 && m->function < 20);
	bool known = (m->exc >= 1 && m->exc <= 8) || m->exc == 0x0a || m->exc == 0x0b;
	if ((m->exc == 3 && m->code != 8 && ranges) || (m->exc == 2 && ranges) ||
	    (m->exc == 8 && m->code != 20 && m->code != 21) || !known)
		m->flags |= MODBUS_ERR_EXC_CODE;
	m->kind = MODBUS_DATA_EXCEPTION;
	return true;
}

static bool parse_diagnostic(struct rd *r, struct modbus_msg *m)
{
	if (data_len(m) < 2) {
		m->flags |= MODBUS_ERR_DATA_LENGTH;
		return true;
	}
	if (!u16(r, &m->sub) || !take_bytes(r, m, data_len(m) - 2u))
		return false;
	m->kind = MODBUS_DATA_DIAGNOSTIC;
	return true;
}

static bool parse_mei(struct rd *r, struct modbus_msg *m)
{
	uint8_t t;
	if (data_len(m) < 1) {
		m->flags |= MODBUS_ERR_DATA_LENGTH;
		return true;
	}
	if (!u8(r, &t) || !take_bytes(r, m, data_len(m) - 1u))
		return false;
	m->sub = t;
	m->kind = MODBUS_DATA_MEI;
	return true;
}

static bool parse_bytevec(struct rd *r, struct modbus_msg *m)
{
	if (!take_bytes(r, m, data_len(m)))
		return false;
	m->kind = MODBUS_DATA_BYTES;
	return true;
}

static bool parse_read_request(struct rd *r, struct modbus_msg *m)
{
	if (!u16(r, &m->read_addr) || !u16(r, &m->read_qty))
		return false;
	if (m->read_qty == 0)
		m->flags |= MODBUS_ERR_DATA_VALUE;
	if (m->code != 23 && data_len(m) > 4)
		m->flags |= MODBUS_ERR_DATA_LENGTH;
	if (m->access & (MODBUS_ACC_DISCRETES | MODBUS_ACC_COILS)) {
		if (m->read_qty > MAX_BIT_QTY)
			m->flags |= MODBUS_ERR_DATA_VALUE;
	} else if (m->read_qty > MAX_WORD_QTY) {
		m->flags |= MODBUS_ERR_DATA_VALUE;
	}
	m->kind = MODBUS_DATA_READ_REQ;
	return true;
}

static bool parse_read_response(struct rd *r, struct modbus_msg *m)
{
	uint8_t count;
	if (data_len(m) < 1) {
		m->flags |= MODBUS_ERR_DATA_LENGTH;
		return true;
	}
	if (!u8(r, &count))
		return false;
	if (count < 1 || count > 250 || data_len(m) - 1u != count)
		m->flags |= MODBUS_ERR_DATA_VALUE;
	if (!take_bytes(r, m, data_len(m) - 1u))
		return false;
	m->kind = MODBUS_DATA_READ_RESP;
	return true;
}

static bool parse_write_request(struct rd *r, struct modbus_msg *m)
{
	if (!u16(r, &m->addr))
		return false;
	if (m->access & MODBUS_ACC_SINGLE) {
		if (!u16(r, &m->value))
			return false;
		if ((m->access & MODBUS_ACC_COILS) && m->value != 0x0000 && m->value != 0xff00)
			m->flags |= MODBUS_ERR_DATA_VALUE;
		m->kind = MODBUS_DATA_WRITE_OTHER;
		return true;
	}
	if (m->access & MODBUS_ACC_MULTIPLE) {
		uint8_t count;
		if (!u16(r, &m->qty) || !u8(r, &count))
			return false;
		uint16_t offset = m->code == 23 ? 11 : 7;
		if (m->length < offset)
			return false;
		if (m->qty == 0 || m->length - offset != count)
			m->flags |= MODBUS_ERR_DATA_LENGTH;
		if (m->access & (MODBUS_ACC_DISCRETES | MODBUS_ACC_COILS)) {
			if (m->qty > MAX_BIT_QTY || count != m->qty / 8 + (m->qty % 8 != 0))
				m->flags |= MODBUS_ERR_DATA_VALUE;
		} else if (m->qty > MAX_WORD_QTY || (uint32_t)count != 2u * m->qty) {
			m->flags |= MODBUS_ERR_DATA_VALUE;
		}
		if (!take_bytes(r, m, (uint32_t)(m->length - offset)))
			return false;
		m->kind = m->kind == MODBUS_DATA_READ_REQ ? MODBUS_DATA_READ_WRITE
							  : MODBUS_DATA_WRITE_MULT;
		return true;
	}
	if (!u16(r, &m->and_mask) || !u16(r, &m->or_mask))
		return false;
	m->kind = MODBUS_DATA_WRITE_MASK;
	return true;
}

static bool parse_write_response(struct rd *r, struct modbus_msg *m)
{
	if (!u16(r, &m->addr))
		return false;
	if (m->access & MODBUS_ACC_SINGLE) {
		if (!u16(r, &m->value))
			return false;
		m->kind = MODBUS_DATA_WRITE_OTHER;
		return true;
	}
	if (m->access & MODBUS_ACC_MULTIPLE) {
		if (!u16(r, &m->value))
			return false;
		if (m->value == 0)
			m->flags |= MODBUS_ERR_DATA_VALUE;
		/* sawp-modbus compares bit access with the word limit and back */
		if (m->access & (MODBUS_ACC_DISCRETES | MODBUS_ACC_COILS)) {
			if (m->value > MAX_WORD_QTY)
				m->flags |= MODBUS_ERR_DATA_VALUE;
		} else if (m->value > MAX_BIT_QTY) {
			m->flags |= MODBUS_ERR_DATA_VALUE;
		}
		m->kind = MODBUS_DATA_WRITE_OTHER;
		return true;
	}
	if (!u16(r, &m->and_mask) || !u16(r, &m->or_mask))
		return false;
	m->kind = MODBUS_DATA_WRITE_MASK;
	return true;
}

/* The 2 data bytes of a diagnostic request, by subfunction. */
static void diagnostic_request_checks(struct modbus_msg *m)
{
	if (m->kind != MODBUS_DATA_DIAGNOSTIC || m->n_bytes != 2)
		return;
	const uint8_t *d = m->bytes;
	bool reserved = !(m->sub <= 0x04 || (m->sub >= 0x0a && m->sub <= 0x15));
	if (m->sub == 0x00 || m->sub == 0x04 || reserved)
		return;
	if (m->sub == 0x01) {
		if (d[1] != 0 || (d[0] != 0 && d[0] != 0xff))
			m->flags |= MODBUS_ERR_DATA_VALUE;
	} else if (m->sub == 0x03) {
		if (d[1] != 0)
			m->flags |= MODBUS_ERR_DATA_VALUE;
	} else if (d[0] != 0 || d[1] != 0) {
		m->flags |= MODBUS_ERR_DATA_VALUE;
	}
}

static bool parse_request(struct rd *r, struct modbus_msg *m)
{
	uint16_t dl = data_len(m);
	switch (m->code) {
	case 8: {
		if (dl != 4)
			m->flags |= MODBUS_ERR_DATA_LENGTH;
		bool ok = parse_diagnostic(r, m);
		diagnostic_request_checks(m);
		return ok;
	}
	case 0x2b: return parse_mei(r, m);
	}
	if (((m->code == 20 || m->code == 21) && dl == 0) ||
	    ((m->code == 7 || m->code == 11 || m->code == 12 || m->code == 17) && dl > 0) ||
	    (m->code == 24 && dl != 2)) {
		m->flags |= MODBUS_ERR_DATA_LENGTH;
		return parse_bytevec(r, m);
	}
	if (m->function == 0 || m->function >= 0x80)
		m->flags |= MODBUS_ERR_FUNC_CODE;
	if (m->access & MODBUS_ACC_READ) {
		if (!parse_read_request(r, m))
			return false;
		return (m->access & MODBUS_ACC_WRITE) ? parse_write_request(r, m) : true;
	}
	if (m->access & MODBUS_ACC_WRITE)
		return parse_write_request(r, m);
	return parse_bytevec(r, m);
}

static bool parse_response(struct rd *r, struct modbus_msg *m)
{
	uint16_t dl = data_len(m);
	if (m->function >= 0x80)
		return parse_exception(r, m);
	if (m->code == 8)
		return parse_diagnostic(r, m);
	if (m->code == 0x2b)
		return parse_mei(r, m);
	if ((m->code == 7 && dl != 1) || (m->code == 11 && dl != 4)) {
		m->flags |= MODBUS_ERR_DATA_LENGTH;
		return parse_bytevec(r, m);
	}
	if (m->access & MODBUS_ACC_READ)
		return parse_read_response(r, m);
	if (m->access & MODBUS_ACC_WRITE)
		return parse_write_response(r, m);
	return parse_bytevec(r, m);
}

/* Without a direction (the probe). */
static bool parse_unknown(struct rd *r, struct modbus_msg *m)
{
	if (m->function >= 0x80)
		return parse_exception(r, m);
	if (m->code == 8)
		return parse_diagnostic(r, m);
	if (m->code == 0x2b)
		return parse_mei(r, m);
	return parse_bytevec(r, m);
}

static void set_category(struct modbus_msg *m)
{
	if (m->code == 0) {
		m->category = category_of_raw(m->function);
	} else if (m->code == 8) {
		m->category = m->kind != MODBUS_DATA_DIAGNOSTIC			       ? 0
			      : (m->sub <= 0x04 || (m->sub >= 0x0a && m->sub <= 0x15)) ? 1
										       : 8;
	} else if (m->code == 0x2b) {
		m->category = m->kind != MODBUS_DATA_MEI	   ? 0
			      : (m->sub == 0x0d || m->sub == 0x0e) ? 1
								   : 8;
	} else {
		m->category = 1;
	}
}

static void msg_free(struct modbus_msg *m)
{
	if (m != NULL)
		free(m->bytes);
	free(m);
}

enum { DIR_REQUEST, DIR_RESPONSE, DIR_UNKNOWN };

/*
 * One message at d (n bytes there, at least the MBAP header).  *used gets
 * the bytes it takes: 0 when the message is not all there yet.  A length
 * outside 2..254 makes a message of its header alone (DATA_LENGTH) that
 * takes the announced bytes, or what there is of them.  NULL: no memory,
 * or not complete yet.
 */
static struct modbus_msg *decode(const uint8_t *d, uint32_t n, int dir, uint32_t *used)
{
	uint16_t length = (uint16_t)(d[4] << 8 | d[5]);
	bool bad_length = length < MODBUS_MIN_LENGTH || length > MODBUS_MAX_LENGTH;
	*used = 0;
	if (!bad_length && n - MODBUS_MBAP_LEN < length)
		return NULL;
	struct modbus_msg *m = calloc(1, sizeof(*m));
	if (m == NULL)
		return NULL;
	m->transaction_id = (uint16_t)(d[0] << 8 | d[1]);
	m->protocol_id = (uint16_t)(d[2] << 8 | d[3]);
	m->length = length;
	if (m->protocol_id != 0)
		m->flags |= MODBUS_ERR_PROTO_ID;
	if (bad_length) {
		m->flags |= MODBUS_ERR_DATA_LENGTH;
		*used =
		    MODBUS_MBAP_LEN + (n - MODBUS_MBAP_LEN < length ? n - MODBUS_MBAP_LEN : length);
		return m;
	}
	*used = MODBUS_MBAP_LEN + length;
	m->unit_id = d[6];
	m->function = d[7];
	m->code = modbus_function_known(m->function & 0x7f) ? m->function & 0x7f : 0;
	m->access = access_of(m->code);
	struct rd r = {d + 8, length - 2u};
	bool ok = dir == DIR_REQUEST	? parse_request(&r, m)
		  : dir == DIR_RESPONSE ? parse_response(&r, m)
					: parse_unknown(&r, m);
	if (!ok) {
		/* a field past the message: what was read stays, the rest is bytes */
		m->flags |= MODBUS_ERR_DATA_LENGTH;
		if (m->kind == MODBUS_DATA_EMPTY) {
			struct rd all = {d + 8, length - 2u};
			m->length = length;
			if (!take_bytes(&all, m, length - 2u)) {
				msg_free(m);
				return NULL;
			}
			m->kind = MODBUS_DATA_BYTES;
		}
	} else if (r.left > 0) {
		m->flags |= MODBUS_ERR_DATA_LENGTH;
	}
	set_category(m);
	return m;
}

/* ---------------------------------------------------------- pairing */

/* sawp-modbus's Message::matches: self may get DATA_VALUE when values disagree. */
static bool msg_matches(struct modbus_msg *self, const struct modbus_msg *other)
{
	if (self->transaction_id != other->transaction_id || self->unit_id != other->unit_id ||
	    self->code != other->code || self->access != other->access)
		return false;
	if (self->category != 1)
		return true;
	enum modbus_data_kind a = self->kind, b = other->kind;
	if (b == MODBUS_DATA_EXCEPTION || a == MODBUS_DATA_EXCEPTION)
		return true;
	if (a == MODBUS_DATA_BYTES && b == MODBUS_DATA_BYTES)
		return true;
	if (a == MODBUS_DATA_BYTES)
		return (self->flags & MODBUS_ERR_DATA_LENGTH) != 0;
	if (b == MODBUS_DATA_BYTES)
		return (other->flags & MODBUS_ERR_DATA_LENGTH) != 0;
	uint32_t bytes, qty;
	bool words;
	if (a == MODBUS_DATA_READ_RESP &&
	    (b == MODBUS_DATA_READ_REQ || b == MODBUS_DATA_READ_WRITE)) {
		bytes = self->n_bytes, qty = other->read_qty, words = b == MODBUS_DATA_READ_WRITE;
	} else if (b == MODBUS_DATA_READ_RESP &&
		   (a == MODBUS_DATA_READ_REQ || a == MODBUS_DATA_READ_WRITE)) {
		bytes = other->n_bytes, qty = self->read_qty, words = a == MODBUS_DATA_READ_WRITE;
	} else if (a == MODBUS_DATA_WRITE_OTHER &&
		   (b == MODBUS_DATA_WRITE_OTHER || b == MODBUS_DATA_WRITE_MULT)) {
		uint16_t ov = b == MODBUS_DATA_WRITE_OTHER ? other->value : other->qty;
		if (self->addr != other->addr || self->value != ov)
			self->flags |= MODBUS_ERR_DATA_VALUE;
		return true;
	} else if (a == MODBUS_DATA_WRITE_MULT && b == MODBUS_DATA_WRITE_OTHER) {
		if (self->addr != other->addr || self->qty != other->value)
			self->flags |= MODBUS_ERR_DATA_VALUE;
		return true;
	} else if (a == MODBUS_DATA_WRITE_MASK && b == MODBUS_DATA_WRITE_MASK) {
		if (self->addr != other->addr || self->and_mask != other->and_mask ||
		    self->or_mask != other->or_mask)
			self->flags |= MODBUS_ERR_DATA_VALUE;
		return true;
	} else if ((a == MODBUS_DATA_DIAGNOSTIC && b == MODBUS_DATA_DIAGNOSTIC) ||
		   (a == MODBUS_DATA_MEI && b == MODBUS_DATA_MEI)) {
		return self->sub == other->sub;
	} else {
		return false;
	}
	/* a read's byte count against its quantity: registers for read/write
	 * multiple, bits for every other read (sawp-modbus's check) */
	if (words ? bytes != 2 * qty : bytes != qty / 8 + (qty % 8 != 0))
		self->flags |= MODBUS_ERR_DATA_VALUE;
	return true;
}

static void set_events_from_flags(struct modbus_tx *tx, uint8_t flags)
{
	if (flags & MODBUS_ERR_FUNC_CODE)
		tx->events |= 1u << MODBUS_EV_INVALID_FUNCTION_CODE;
	if (flags & MODBUS_ERR_DATA_VALUE)
		tx->events |= 1u << MODBUS_EV_INVALID_VALUE;
	if (flags & MODBUS_ERR_DATA_LENGTH)
		tx->events |= 1u << MODBUS_EV_INVALID_LENGTH;
	if (flags & MODBUS_ERR_EXC_CODE)
		tx->events |= 1u << MODBUS_EV_INVALID_EXCEPTION_CODE;
	if (flags & MODBUS_ERR_PROTO_ID)
		tx->events |= 1u << MODBUS_EV_INVALID_PROTOCOL_ID;
}

static void response_events(struct modbus_tx *tx, const struct modbus_msg *m)
{
	if ((m->access & (MODBUS_ACC_READ | MODBUS_ACC_WRITE)) &&
	    (m->flags & (MODBUS_ERR_DATA_LENGTH | MODBUS_ERR_DATA_VALUE)))
		tx->events |= 1u << MODBUS_EV_VALUE_MISMATCH;
	else
		set_events_from_flags(tx, m->flags);
}

static void tx_free(struct modbus_tx *tx);

static struct modbus_tx *tx_new(struct modbus_state *s)
{
	if (s->givenup)
		return NULL;
	if (s->n_txs >= MODBUS_MAX_TX) { /* request-flood 0 (or above the cap) */
		tx_free(s->txs[0]);
		memmove(s->txs, s->txs + 1, (s->n_txs - 1) * sizeof(s->txs[0]));
		s->n_txs--;
		s->first_id++;
		s->dropped++;
	}
	if (s->n_txs == s->cap_txs) {
		uint32_t nc = s->cap_txs ? s->cap_txs * 2 : 8;
		void *t = realloc(s->txs, nc * sizeof(s->txs[0]));
		if (t == NULL)
			return NULL;
		s->txs = t;
		s->cap_txs = nc;
	}
	struct modbus_tx *tx = calloc(1, sizeof(*tx));
	if (tx == NULL)
		return NULL;
	if (s->flood != 0 && s->n_txs >= s->flood) {
		tx->events |= 1u << MODBUS_EV_FLOODED;
		s->givenup = true;
	}
	tx->tx_id = s->next_id++;
	if (s->n_txs == 0)
		s->first_id = tx->tx_id;
	s->txs[s->n_txs++] = tx;
	return tx;
}

static void handle_message(struct modbus_state *s, bool request, struct modbus_msg *m)
{
	for (uint32_t i = 0; i < s->n_txs; i++) {
		struct modbus_tx *tx = s->txs[i];
		if (request && tx->response != NULL && tx->request == NULL &&
		    msg_matches(m, tx->response)) {
			set_events_from_flags(tx, m->flags);
			tx->request = m;
			return;
		}
		if (!request && tx->request != NULL && tx->response == NULL &&
		    msg_matches(m, tx->request)) {
			response_events(tx, m);
			tx->response = m;
			return;
		}
	}
	struct modbus_tx *tx = tx_new(s);
	if (tx == NULL) {
		msg_free(m);
		return;
	}
	if (request) {
		set_events_from_flags(tx, m->flags);
		tx->request = m;
	} else {
		response_events(tx, m);
		tx->response = m;
		tx->events |= 1u << MODBUS_EV_UNSOLICITED_RESPONSE;
	}
}

/* ---------------------------------------------------------- framing */

/*
 * sawp-modbus's strict probe: a whole message without a direction that
 * parses with no error flag and a function it names.
 */
enum app_probe_result modbus_probe(const uint8_t *d, uint32_t n)
{
	if (n < MODBUS_MBAP_LEN)
		return APP_PROBE_NEED_MORE;
	uint32_t used;
	struct modbus_msg *m = decode(d, n, DIR_UNKNOWN, &used);
	if (m == NULL)
		return used == 0 ? APP_PROBE_NEED_MORE : APP_PROBE_NO;
	bool ok = m->flags == 0 && m->code != 0;
	msg_free(m);
	return ok ? APP_PROBE_MATCH : APP_PROBE_NO;
}

/* Messages in d[0..n): the bytes taken (a partial message is left). */
static uint32_t parse_messages(struct modbus_state *s, bool request, const uint8_t *d, uint32_t n)
{
	uint32_t off = 0;
	while (n - off >= MODBUS_MBAP_LEN) {
		uint32_t used;
		struct modbus_msg *m =
		    decode(d + off, n - off, request ? DIR_REQUEST : DIR_RESPONSE, &used);
		if (m == NULL) {
			if (used == 0)
				break; /* not all there yet */
			off += used;
			continue;
		}
		handle_message(s, request, m);
		off += used;
	}
	return off;
}

static bool buf_append(struct modbus_dir *b, const uint8_t *d, uint32_t n)
{
	if (b->len + n > MODBUS_MAX_MSG)
		return false;
	if (b->len + n > b->cap) {
		uint32_t nc = b->cap ? b->cap : 256;
		while (nc < b->len + n)
			nc *= 2;
		uint8_t *t = realloc(b->buf, nc);
		if (t == NULL)
			return false;
		b->buf = t;
		b->cap = nc;
	}
	memcpy(b->buf + b->len, d, n);
	b->len += n;
	return true;
}

/* Bytes the buffered message needs: its header, then its length (a bad
 * length: the header alone). */
static uint32_t buffered_need(const struct modbus_dir *b, bool *bad_length)
{
	*bad_length = false;
	if (b->len < MODBUS_MBAP_LEN)
		return MODBUS_MBAP_LEN;
	uint32_t l = (uint32_t)(b->buf[4] << 8 | b->buf[5]);
	*bad_length = l < MODBUS_MIN_LENGTH || l > MODBUS_MAX_LENGTH;
	return MODBUS_MBAP_LEN + (*bad_length ? 0 : l);
}

enum app_parse_result modbus_parse(struct modbus_state *s, enum app_dir dir, const uint8_t *d,
				   uint32_t n, uint32_t flags)
{
	struct modbus_dir *b = &s->dir[dir];
	bool request = dir == APP_TOSERVER;
	if (s->failed || (flags & APP_CHUNK_GAP)) {
		/* Suricata's Modbus parser does not accept gaps: parsing ends */
		s->failed = true;
		return APP_PARSE_ERROR;
	}
	uint32_t off = 0;
	/* Complete the buffered message from d, then parse the rest of d in place. */
	while (b->len > 0) {
		bool bad_length;
		uint32_t need = buffered_need(b, &bad_length);
		if (b->len < need) {
			if (off == n)
				return APP_PARSE_OK;
			uint32_t take = need - b->len < n - off ? need - b->len : n - off;
			if (!buf_append(b, d + off, take))
				return APP_PARSE_ERROR;
			off += take;
			continue;
		}
		parse_messages(s, request, b->buf, need);
		b->len = 0;
		if (bad_length) {
			/* that message takes the announced bytes, as far as there are any */
			uint32_t l = (uint32_t)(b->buf[4] << 8 | b->buf[5]);
			off += l < n - off ? l : n - off;
		}
	}
	off += parse_messages(s, request, d + off, n - off);
	if (off < n && !buf_append(b, d + off, n - off))
		return APP_PARSE_ERROR;
	return APP_PARSE_OK;
}

/* ---------------------------------------------------------- state */

struct modbus_state *modbus_state_new(const struct modbus_config *cfg)
{
	struct modbus_state *s = calloc(1, sizeof(struct modbus_state));
	if (s != NULL)
		s->flood = cfg != NULL ? cfg->request_flood : MODBUS_FLOOD;
	return s;
}

static void tx_free(struct modbus_tx *tx)
{
	msg_free(tx->request);
	msg_free(tx->response);
	free(tx);
}

void modbus_state_free(struct modbus_state *s)
{
	if (s == NULL)
		return;
	for (uint32_t i = 0; i < s->n_txs; i++)
		tx_free(s->txs[i]);
	free(s->txs);
	free(s->dir[0].buf);
	free(s->dir[1].buf);
	free(s);
}

uint64_t modbus_tx_count(const struct modbus_state *s)
{
	return s->next_id;
}

const struct modbus_tx *modbus_tx_get(const struct modbus_state *s, uint64_t id)
{
	if (id < s->first_id || id - s->first_id >= s->n_txs)
		return NULL;
	return s->txs[id - s->first_id];
}

void modbus_tx_release_upto(struct modbus_state *s, uint64_t id)
{
	uint32_t k = 0;
	while (k < s->n_txs && s->txs[k]->tx_id < id)
		tx_free(s->txs[k++]);
	memmove(s->txs, s->txs + k, (s->n_txs - k) * sizeof(s->txs[0]));
	s->n_txs -= k;
	s->first_id = s->n_txs ? s->txs[0]->tx_id : s->next_id;
	if (s->givenup && s->n_txs < s->flood)
		s->givenup = false;
}

static const char *const event_names[MODBUS_EV_COUNT] = {
    "unsolicited_response",   "invalid_function_code", "invalid_length", "invalid_value",
    "invalid_exception_code", "value_mismatch",	       "flooded",	 "invalid_protocol_id",
};

bool modbus_tx_has_event(const struct modbus_tx *tx, enum modbus_event ev)
{
	return ev < MODBUS_EV_COUNT && (tx->events & (1u << ev)) != 0;
}

/* ---------------------------------------------------------- descriptor */

static enum app_probe_result probe(const struct app_probe_in *in, const uint8_t *d, uint32_t n)
{
	return modbus_probe(d, n);
}

/* app-layer.protocols.modbus.request-flood (0 disables the limit). */
static void *modbus_config_new(const struct config_node *root)
{
	struct modbus_config *c = calloc(1, sizeof(*c));
	if (c == NULL)
		return NULL;
	int64_t v = config_get_int(root, "app-layer.protocols.modbus.request-flood", MODBUS_FLOOD);
	c->request_flood = v >= 0 && v <= UINT32_MAX ? (uint32_t)v : MODBUS_FLOOD;
	return c;
}

static void *state_new(const struct app_flow_info *fi)
{
	return modbus_state_new(fi != NULL ? fi->cfg : NULL);
}

static void state_free(void *s)
{
	modbus_state_free(s);
}

static enum app_parse_result parse(void *s, enum app_dir dir, const uint8_t *d, uint32_t n,
				   uint32_t flags)
{
	return modbus_parse(s, dir, d, n, flags);
}

static uint64_t tx_count(const void *s)
{
	return modbus_tx_count(s);
}

static const void *tx_get(const void *s, uint64_t id)
{
	return modbus_tx_get(s, id);
}

static enum app_side tx_side(const void *s, const void *vtx, enum app_dir dir, bool eof)
{
	const struct modbus_tx *tx = vtx;
	const struct modbus_msg *m = dir == APP_TOSERVER ? tx->request : tx->response;
	return m != NULL ? APP_SIDE_READY : APP_SIDE_NONE;
}

static enum app_log_decision tx_log(const void *s, const void *vtx, bool flow_end)
{
	const struct modbus_tx *tx = vtx;
	return tx->response != NULL || flow_end ? APP_LOG_NOW : APP_LOG_WAIT;
}

static void tx_release_upto(void *s, uint64_t id)
{
	modbus_tx_release_upto(s, id);
}

static bool tx_has_event(const void *s, const void *tx, int ev)
{
	return modbus_tx_has_event(tx, (enum modbus_event)ev);
}

static void log_json(struct json *j, const void *s, const void *tx, uint32_t opts)
{
	modbus_tx_log_json(j, tx);
}

const struct app_protocol app_modbus = {
    .name = "modbus",
    .ipprotos = APP_IPPROTO_TCP,
    .tcp_ports = "502",
    .probe_port = probe,
    .config_new = modbus_config_new,
    .config_free = free,
    .state_new = state_new,
    .state_free = state_free,
    .parse = parse,
    .tx_count = tx_count,
    .tx_get = tx_get,
    .tx_side = tx_side,
    .tx_log = tx_log,
    .tx_release_upto = tx_release_upto,
    .event_names = event_names,
    .n_events = MODBUS_EV_COUNT,
    .tx_has_event = tx_has_event,
    .eve_type = "modbus",
    .log_json = log_json,
    .eve_no_tx_id = true,
};
