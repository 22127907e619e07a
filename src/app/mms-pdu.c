/*
 * mms-pdu.c — the MMS PDU decoder (ISO 9506-2, BER): type, invokeID,
 * service, object names, and the few fields mms.h lists.  A PDU is
 * decoded from a window the caller gives; every TLV is read through
 * struct ber, which fails when a tag, a length or a value does not fit
 * in the TLV around it.  Which TLVs are descended into is fixed by the
 * services decoded, so nesting is bounded by this code.  Names are kept
 * as ranges of the message's copy of the PDU (struct mms_msg.raw).
 */
#include "app/mms.h"
#include "app/mms-ber.h"

#include <stdlib.h>
#include <string.h>

static struct mms_str str_of(const struct tlv *t)
{
	return (struct mms_str){t->off, t->len};
}

/* ------------------------------------------------------------ names */

static void add_name(struct mms_msg *m, const struct mms_name *n)
{
	if (m->n_names >= MMS_MAX_NAMES) {
		m->names_truncated = true;
		return;
	}
	if (m->names == NULL) {
		m->names = calloc(MMS_MAX_NAMES, sizeof(*m->names));
		if (m->names == NULL) {
			m->names_truncated = true;
			return;
		}
	}
	m->names[m->n_names++] = *n;
}

/* ObjectName ::= CHOICE { vmd-specific [0] Identifier, domain-specific
 * [1] SEQUENCE { domainId, itemId }, aa-specific [2] Identifier }. */
static bool parse_object_name(const struct ber *r, const struct tlv *t, struct mms_name *n)
{
	memset(n, 0, sizeof(*n));
	if (t->cls != BER_CONTEXT || t->tag > 2)
		return false;
	n->scope = (uint8_t)t->tag;
	if (t->tag != 1) {
		if (t->constructed)
			return false;
		n->item = str_of(t);
		return true;
	}
	struct ber in = ber_in(r, t);
	struct tlv a, b;
	if (!t->constructed || !ber_next(&in, &a) || !ber_next(&in, &b))
		return false;
	if (a.constructed || b.constructed)
		return false;
	n->domain = str_of(&a);
	n->item = str_of(&b);
	return true;
}

/* An explicitly tagged ObjectName: the one TLV inside t. */
static bool parse_wrapped_name(const struct ber *r, const struct tlv *t, struct mms_name *n)
{
	struct ber in = ber_in(r, t);
	struct tlv o;
	return t->constructed && ber_next(&in, &o) && parse_object_name(r, &o, n);
}

/* listOfVariable: SEQUENCE OF SEQUENCE { variableSpecification
 * (name [0] ObjectName | ...), alternateAccess [5] OPTIONAL }. */
static bool parse_var_list(const struct ber *r, const struct tlv *t, struct mms_msg *m)
{
	struct ber in = ber_in(r, t);
	struct tlv e;
	while (in.pos < in.end) {
		if (!ber_next(&in, &e) || !e.constructed)
			return false;
		struct ber ein = ber_in(r, &e);
		struct tlv spec;
		if (!ber_next(&ein, &spec))
			return false;
		if (is_ctx(&spec, 0)) {
			struct mms_name n;
			if (!parse_wrapped_name(r, &spec, &n))
				return false;
			add_name(m, &n);
		}
	}
	return true;
}

/* VariableAccessSpecification ::= CHOICE { listOfVariable [0],
 * variableListName [1] ObjectName }. */
static bool parse_vas(const struct ber *r, const struct tlv *t, struct mms_msg *m)
{
	if (is_ctx(t, 0) && t->constructed)
		return parse_var_list(r, t, m);
	if (is_ctx(t, 1)) {
		m->has_list_name = parse_wrapped_name(r, t, &m->list_name);
		return m->has_list_name;
	}
	return false;
}

/* FileName ::= SEQUENCE OF GraphicString: the first one is kept. */
static bool parse_filename(const struct ber *r, const struct tlv *t, struct mms_msg *m)
{
	struct ber in = ber_in(r, t);
	struct tlv s;
	if (!t->constructed || !ber_next(&in, &s) || s.constructed)
		return false;
	m->filename = str_of(&s);
	return true;
}

/* ------------------------------------------------------------ requests */

static bool req_get_name_list(const struct ber *r, struct ber *in, struct mms_msg *m)
{
	struct tlv e;
	while (in->pos < in->end) {
		if (!ber_next(in, &e))
			return false;
		struct ber ein = ber_in(r, &e);
		struct tlv c;
		if (is_ctx(&e, 0) && ber_next(&ein, &c)) {
			uint32_t v;
			if (is_ctx(&c, 0) && ber_uint(r, &c, &v))
				m->object_class = (int32_t)(v & 0x7fffffff);
		} else if (is_ctx(&e, 1) && ber_next(&ein, &c) && c.cls == BER_CONTEXT &&
			   c.tag <= 2) {
			m->name_scope = (int8_t)c.tag;
			if (c.tag == 1 && !c.constructed)
				m->domain = str_of(&c);
		}
	}
	return true;
}

static bool req_read(const struct ber *r, struct ber *in, struct mms_msg *m)
{
	struct tlv e;
	while (in->pos < in->end) {
		if (!ber_next(in, &e))
			return false;
		if (is_ctx(&e, 1)) {
			struct ber ein = ber_in(r, &e);
			struct tlv v;
			return ber_next(&ein, &v) && parse_vas(r, &v, m);
		}
	}
	return false;
}

static bool req_write(const struct ber *r, struct ber *in, struct mms_msg *m)
{
	struct tlv v;
	return ber_next(in, &v) && parse_vas(r, &v, m);
}

static bool req_define_nvl(const struct ber *r, struct ber *in, struct mms_msg *m)
{
	struct tlv n, l;
	if (!ber_next(in, &n) || !parse_object_name(r, &n, &m->list_name))
		return false;
	m->has_list_name = true;
	return ber_next(in, &l) && is_ctx(&l, 0) && parse_var_list(r, &l, m);
}

static bool req_delete_nvl(const struct ber *r, struct ber *in, struct mms_msg *m)
{
	struct tlv e;
	while (in->pos < in->end) {
		if (!ber_next(in, &e))
			return false;
		if (is_ctx(&e, 1) && e.constructed) {
			struct ber ein = ber_in(r, &e);
			struct tlv o;
			while (ein.pos < ein.end) {
				struct mms_name n;
				if (!ber_next(&ein, &o) || !parse_object_name(r, &o, &n))
					return false;
				add_name(m, &n);
			}
		} else if (is_ctx(&e, 2) && !e.constructed) {
			m->domain = str_of(&e);
		}
	}
	return true;
}

/* Services whose request is an Identifier (IMPLICIT) or a SEQUENCE
 * starting with one ([0] domainName / programInvocationName). */
static bool svc_is_domain(unsigned svc)
{
	return (svc >= 26 && svc <= 37) && svc != 27 && svc != 28 && svc != 30 && svc != 31;
}

static bool svc_is_program(unsigned svc)
{
	return svc >= 38 && svc <= 45;
}

static bool req_first_identifier(const struct ber *r, const struct tlv *s, struct mms_str *out)
{
	if (!s->constructed) {
		*out = str_of(s);
		return true;
	}
	struct ber in = ber_in(r, s);
	struct tlv e;
	if (!ber_next(&in, &e) || e.constructed)
		return false;
	*out = str_of(&e);
	return true;
}

/* The service TLV s of a confirmed request. */
static bool parse_request_service(const struct ber *r, const struct tlv *s, struct mms_msg *m)
{
	struct ber in = ber_in(r, s);
	unsigned svc = s->tag;
	struct mms_name n;
	switch (svc) {
	case MMS_SVC_GET_NAME_LIST: return s->constructed && req_get_name_list(r, &in, m);
	case MMS_SVC_READ: return s->constructed && req_read(r, &in, m);
	case MMS_SVC_WRITE: return s->constructed && req_write(r, &in, m);
	case MMS_SVC_GET_VAR_ACCESS_ATTR: {
		struct tlv c;
		if (!s->constructed || !ber_next(&in, &c))
			return false;
		if (is_ctx(&c, 0)) {
			if (!parse_wrapped_name(r, &c, &n))
				return false;
			add_name(m, &n);
		}
		return true;
	}
	case MMS_SVC_DEFINE_NVL: return s->constructed && req_define_nvl(r, &in, m);
	case MMS_SVC_GET_NVL_ATTR:
		m->has_list_name = parse_wrapped_name(r, s, &m->list_name);
		return m->has_list_name;
	case MMS_SVC_DELETE_NVL: return s->constructed && req_delete_nvl(r, &in, m);
	case MMS_SVC_TAKE_CONTROL:
	case MMS_SVC_RELINQUISH_CONTROL: {
		struct tlv c;
		if (!s->constructed || !ber_next(&in, &c) || !is_ctx(&c, 0))
			return false;
		if (!parse_wrapped_name(r, &c, &n))
			return false;
		add_name(m, &n);
		return true;
	}
	case MMS_SVC_FILE_OPEN: {
		struct tlv c;
		if (!s->constructed || !ber_next(&in, &c) || !is_ctx(&c, 0))
			return false;
		return parse_filename(r, &c, m);
	}
	case MMS_SVC_FILE_DELETE: return parse_filename(r, s, m);
	case MMS_SVC_FILE_READ:
	case MMS_SVC_FILE_CLOSE: /* IMPLICIT Integer32: the FRSM id */
		m->has_frsm = !s->constructed && ber_uint(r, s, &m->frsm_id);
		return m->has_frsm;
	case MMS_SVC_FILE_RENAME:
	case MMS_SVC_FILE_DIRECTORY: {
		struct tlv c;
		if (!s->constructed)
			return false;
		if (ber_next(&in, &c) && is_ctx(&c, 0))
			return parse_filename(r, &c, m);
		return true;
	}
	default: break;
	}
	if (svc_is_domain(svc))
		return req_first_identifier(r, s, &m->domain);
	if (svc_is_program(svc))
		return req_first_identifier(r, s, &m->program);
	return true;
}

/* getNamedVariableListAttributes response: SEQUENCE { mmsDeletable [0],
 * listOfVariable [1] }. */
static bool resp_get_nvl_attr(const struct ber *r, const struct tlv *s, struct mms_msg *m)
{
	struct ber in = ber_in(r, s);
	struct tlv e;
	while (s->constructed && in.pos < in.end) {
		if (!ber_next(&in, &e))
			return false;
		if (is_ctx(&e, 1) && e.constructed)
			return parse_var_list(r, &e, m);
	}
	return true;
}

/* getNameList response: SEQUENCE { listOfIdentifier [0], moreFollows [1] }. */
/* Identify-Response: vendorName [0], modelName [1], revision [2] ...;
 * FileOpen-Response: frsmID [0], fileAttributes [1]. */
static bool resp_fields(const struct ber *r, const struct tlv *s, struct mms_msg *m)
{
	struct ber in = ber_in(r, s);
	struct tlv e;
	while (s->constructed && in.pos < in.end) {
		if (!ber_next(&in, &e))
			return false;
		if (e.cls != BER_CONTEXT || e.constructed)
			continue;
		if (s->tag == MMS_SVC_FILE_OPEN && e.tag == 0) {
			m->has_frsm = ber_uint(r, &e, &m->frsm_id);
		} else if (s->tag == MMS_SVC_IDENTIFY && e.tag <= 2) {
			struct mms_str *f[3] = {&m->vendor, &m->model, &m->revision};
			*f[e.tag] = str_of(&e);
		}
	}
	return true;
}

static bool parse_response_service(const struct ber *r, const struct tlv *s, struct mms_msg *m)
{
	if (s->tag == MMS_SVC_GET_NVL_ATTR)
		return resp_get_nvl_attr(r, s, m);
	if (s->tag == MMS_SVC_IDENTIFY || s->tag == MMS_SVC_FILE_OPEN)
		return resp_fields(r, s, m);
	if (s->tag != MMS_SVC_GET_NAME_LIST)
		return true;
	struct ber in = ber_in(r, s);
	struct tlv e;
	while (s->constructed && in.pos < in.end) {
		if (!ber_next(&in, &e))
			return false;
		if (is_ctx(&e, 0) && e.constructed) {
			struct ber ein = ber_in(r, &e);
			struct tlv id;
			while (ein.pos < ein.end) {
				if (!ber_next(&ein, &id) || id.constructed)
					return false;
				struct mms_name n = {MMS_SCOPE_VMD, {0, 0}, str_of(&id)};
				add_name(m, &n);
			}
		} else if (is_ctx(&e, 1) && !e.constructed && e.len == 1) {
			m->has_more_follows = true;
			m->more_follows = r->d[e.off] != 0;
		}
	}
	return true;
}

/* ------------------------------------------------------------ PDUs */

static bool parse_confirmed(const struct ber *r, struct ber *in, struct mms_msg *m, bool request)
{
	struct tlv t;
	if (!ber_next(in, &t) || t.cls != BER_UNIVERSAL || t.tag != 2 ||
	    !ber_uint(r, &t, &m->invoke_id))
		return false;
	m->has_invoke = true;
	if (!ber_next(in, &t))
		return false;
	if (request && t.cls == BER_UNIVERSAL && t.tag == 16 && !ber_next(in, &t))
		return false; /* listOfModifier */
	if (t.cls != BER_CONTEXT || t.tag > MMS_SVC_MAX)
		return false;
	m->service = (int16_t)t.tag;
	return request ? parse_request_service(r, &t, m) : parse_response_service(r, &t, m);
}

/* Confirmed-ErrorPDU / Cancel-ErrorPDU: invokeID [0], serviceError [2]
 * (cancel: [1]) { errorClass [0] CHOICE { [n] INTEGER } }. */
static bool parse_error(const struct ber *r, struct ber *in, struct mms_msg *m, uint32_t err_tag)
{
	struct tlv t;
	while (in->pos < in->end) {
		if (!ber_next(in, &t))
			return false;
		if (is_ctx(&t, 0) && !t.constructed) {
			if (!ber_uint(r, &t, &m->invoke_id))
				return false;
			m->has_invoke = true;
		} else if (is_ctx(&t, err_tag) && t.constructed) {
			struct ber ein = ber_in(r, &t);
			struct tlv ec, c;
			if (!ber_next(&ein, &ec) || !is_ctx(&ec, 0))
				return false;
			struct ber cin = ber_in(r, &ec);
			if (!ber_next(&cin, &c) || c.cls != BER_CONTEXT)
				return false;
			m->has_error = true;
			m->error_class = c.tag;
			ber_uint(r, &c, &m->error_code);
		}
	}
	return true;
}

/* RejectPDU: originalInvokeID [0] OPTIONAL, rejectReason CHOICE { [n] INTEGER }. */
static bool parse_reject(const struct ber *r, struct ber *in, struct mms_msg *m)
{
	struct tlv t;
	while (in->pos < in->end) {
		if (!ber_next(in, &t) || t.cls != BER_CONTEXT || t.constructed)
			return false;
		if (t.tag == 0) {
			if (!ber_uint(r, &t, &m->invoke_id))
				return false;
			m->has_invoke = true;
		} else {
			m->has_error = true;
			m->error_class = t.tag;
			ber_uint(r, &t, &m->error_code);
		}
	}
	return m->has_error;
}

/* Initiate-Request/ResponsePDU: [0] local detail, [1] [2] max outstanding,
 * [3] nesting level, [4] init detail { [0] version ... }. */
static bool parse_initiate(const struct ber *r, struct ber *in, struct mms_msg *m)
{
	struct tlv t;
	while (in->pos < in->end) {
		if (!ber_next(in, &t) || t.cls != BER_CONTEXT)
			return false;
		if (t.tag <= 3 && !t.constructed) {
			m->has_init[t.tag] = ber_uint(r, &t, &m->init[t.tag]);
		} else if (t.tag == 4 && t.constructed) {
			struct ber din = ber_in(r, &t);
			struct tlv v;
			if (ber_next(&din, &v) && is_ctx(&v, 0))
				m->has_init[4] = ber_uint(r, &v, &m->init[4]);
		}
	}
	return true;
}

static bool parse_pdu(const struct ber *r, const struct tlv *t, struct mms_msg *m)
{
	struct ber in = ber_in(r, t);
	struct tlv s;
	switch (t->tag) {
	case MMS_PDU_CONFIRMED_REQUEST: return t->constructed && parse_confirmed(r, &in, m, true);
	case MMS_PDU_CONFIRMED_RESPONSE: return t->constructed && parse_confirmed(r, &in, m, false);
	case MMS_PDU_CONFIRMED_ERROR: return t->constructed && parse_error(r, &in, m, 2);
	case MMS_PDU_CANCEL_ERROR: return t->constructed && parse_error(r, &in, m, 1);
	case MMS_PDU_UNCONFIRMED:
		if (!t->constructed || !ber_next(&in, &s) || s.cls != BER_CONTEXT || s.tag > 2)
			return false;
		m->service = (int16_t)s.tag;
		if (s.tag == 0) { /* informationReport: VariableAccessSpecification first */
			struct ber sin = ber_in(r, &s);
			struct tlv v;
			return s.constructed && ber_next(&sin, &v) && parse_vas(r, &v, m);
		}
		return true;
	case MMS_PDU_REJECT: return t->constructed && parse_reject(r, &in, m);
	case MMS_PDU_CANCEL_REQUEST:
	case MMS_PDU_CANCEL_RESPONSE:
		m->has_invoke = ber_uint(r, t, &m->invoke_id);
		return m->has_invoke;
	case MMS_PDU_INITIATE_REQUEST:
	case MMS_PDU_INITIATE_RESPONSE: return t->constructed && parse_initiate(r, &in, m);
	case MMS_PDU_INITIATE_ERROR:
	case MMS_PDU_CONCLUDE_ERROR: {
		/* ServiceError directly: errorClass [0] { [n] INTEGER } */
		struct tlv c;
		if (!t->constructed || !ber_next(&in, &s) || !is_ctx(&s, 0))
			return false;
		struct ber cin = ber_in(r, &s);
		if (!ber_next(&cin, &c) || c.cls != BER_CONTEXT)
			return false;
		m->has_error = true;
		m->error_class = c.tag;
		ber_uint(r, &c, &m->error_code);
		return true;
	}
	default: return true; /* conclude request/response: NULL */
	}
}

bool mms_decode_pdu(const uint8_t *d, uint32_t n, struct mms_msg *m)
{
	memset(m, 0, sizeof(*m));
	m->service = -1;
	m->object_class = -1;
	m->name_scope = -1;
	m->invalid = true;
	struct ber r = {d, 0, n};
	struct tlv t;
	if (!ber_next(&r, &t) || t.cls != BER_CONTEXT || t.tag >= MMS_PDU_COUNT)
		return false;
	m->pdu = (uint8_t)t.tag;
	m->raw_len = n < MMS_MAX_RAW ? n : MMS_MAX_RAW;
	m->raw = malloc(m->raw_len ? m->raw_len : 1);
	if (m->raw == NULL) {
		m->raw_len = 0;
		return false;
	}
	memcpy(m->raw, d, m->raw_len);
	m->invalid = !parse_pdu(&r, &t, m);
	/* names must lie in what was kept */
	uint16_t k = 0;
	for (uint16_t i = 0; i < m->n_names; i++) {
		const struct mms_name *nm = &m->names[i];
		if (nm->item.off + nm->item.len <= m->raw_len &&
		    nm->domain.off + nm->domain.len <= m->raw_len)
			m->names[k++] = *nm;
	}
	m->n_names = k;
	struct mms_str *strs[] = {
	    &m->domain,		&m->program, &m->filename, &m->list_name.domain,
	    &m->list_name.item, &m->vendor,  &m->model,	   &m->revision};
	for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]); i++)
		if (strs[i]->off + strs[i]->len > m->raw_len)
			*strs[i] = (struct mms_str){0, 0};
	return !m->invalid;
}

void mms_msg_free(struct mms_msg *m)
{
	if (m == NULL)
		return;
	free(m->names);
	free(m->raw);
	m->names = NULL;
	m->raw = NULL;
}

/* ------------------------------------------------------------ names */

static const char *const pdu_names[MMS_PDU_COUNT] = {
    "confirmed_request",
    "confirmed_response",
    "confirmed_error",
    "unconfirmed",
    "reject",
    "cancel_request",
    "cancel_response",
    "cancel_error",
    "initiate_request",
    "initiate_response",
    "initiate_error",
    "conclude_request",
    "conclude_response",
    "conclude_error",
};

/* ConfirmedServiceRequest CHOICE numbers, ISO 9506-2 (Wireshark's names). */
static const char *const service_names[MMS_SVC_MAX + 1] = {
    "status",
    "getNameList",
    "identify",
    "rename",
    "read",
    "write",
    "getVariableAccessAttributes",
    "defineNamedVariable",
    "defineScatteredAccess",
    "getScatteredAccessAttributes",
    "deleteVariableAccess",
    "defineNamedVariableList",
    "getNamedVariableListAttributes",
    "deleteNamedVariableList",
    "defineNamedType",
    "getNamedTypeAttributes",
    "deleteNamedType",
    "input",
    "output",
    "takeControl",
    "relinquishControl",
    "defineSemaphore",
    "deleteSemaphore",
    "reportSemaphoreStatus",
    "reportPoolSemaphoreStatus",
    "reportSemaphoreEntryStatus",
    "initiateDownloadSequence",
    "downloadSegment",
    "terminateDownloadSequence",
    "initiateUploadSequence",
    "uploadSegment",
    "terminateUploadSequence",
    "requestDomainDownload",
    "requestDomainUpload",
    "loadDomainContent",
    "storeDomainContent",
    "deleteDomain",
    "getDomainAttributes",
    "createProgramInvocation",
    "deleteProgramInvocation",
    "start",
    "stop",
    "resume",
    "reset",
    "kill",
    "getProgramInvocationAttributes",
    "obtainFile",
    "defineEventCondition",
    "deleteEventCondition",
    "getEventConditionAttributes",
    "reportEventConditionStatus",
    "alterEventConditionMonitoring",
    "triggerEvent",
    "defineEventAction",
    "deleteEventAction",
    "getEventActionAttributes",
    "reportEventActionStatus",
    "defineEventEnrollment",
    "deleteEventEnrollment",
    "alterEventEnrollment",
    "reportEventEnrollmentStatus",
    "getEventEnrollmentAttributes",
    "acknowledgeEventNotification",
    "getAlarmSummary",
    "getAlarmEnrollmentSummary",
    "readJournal",
    "writeJournal",
    "initializeJournal",
    "reportJournalStatus",
    "createJournal",
    "deleteJournal",
    "getCapabilityList",
    "fileOpen",
    "fileRead",
    "fileClose",
    "fileRename",
    "fileDelete",
    "fileDirectory",
};

static const char *const unconfirmed_names[3] = {"informationReport", "unsolicitedStatus",
						 "eventNotification"};

const char *mms_pdu_name(unsigned pdu)
{
	return pdu < MMS_PDU_COUNT ? pdu_names[pdu] : NULL;
}

const char *mms_service_name(unsigned svc)
{
	return svc <= MMS_SVC_MAX ? service_names[svc] : NULL;
}

const char *mms_unconfirmed_name(unsigned svc)
{
	return svc < 3 ? unconfirmed_names[svc] : NULL;
}

/* Names compare without case and without '_' ("get_name_list" and
 * "getNameList" are the same service). */
static bool name_eq(const char *a, const char *b)
{
	for (;;) {
		while (*a == '_' || *a == '-')
			a++;
		while (*b == '_' || *b == '-')
			b++;
		if (*a == 0 || *b == 0)
			return *a == *b;
		char x = *a >= 'A' && *a <= 'Z' ? (char)(*a + 32) : *a;
		char y = *b >= 'A' && *b <= 'Z' ? (char)(*b + 32) : *b;
		if (x != y)
			return false;
		a++;
		b++;
	}
}

int mms_pdu_by_name(const char *name)
{
	for (unsigned i = 0; i < MMS_PDU_COUNT; i++)
		if (name_eq(name, pdu_names[i]))
			return (int)i;
	return -1;
}

int mms_service_by_name(const char *name)
{
	for (unsigned i = 0; i <= MMS_SVC_MAX; i++)
		if (name_eq(name, service_names[i]))
			return (int)i;
	return -1;
}
