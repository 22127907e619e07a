/*
 * smb/auth.c — the security blob of a session setup request: GSS-API
 * (RFC 2743) wrapping SPNEGO (RFC 4178) NegTokenInit, whose mechTypes
 * say NTLMSSP or Kerberos 5 and whose mechToken is an NTLMSSP message or
 * a Kerberos AP-REQ (RFC 4120); anything else (a NegTokenResp, a bare
 * NTLMSSP message) is searched for an NTLMSSP signature, as Suricata's
 * rust/src/smb/auth.rs does.
 *
 * From NTLMSSP AUTHENTICATE: domain, user, host (NULs removed) and the
 * version when its flag is set; from the AP-REQ's ticket: realm and the
 * service name parts.  The BER reader takes definite lengths (up to four
 * length bytes) and one-byte tags, and checks every length against what
 * is left of the blob: nothing is read past it.  Nesting is fixed by the
 * structures walked, so there is no recursion on input.
 */
#include "app/smb/internal.h"

#include <string.h>

struct ber {
	uint8_t tag; /* the identifier byte */
	const uint8_t *c;
	uint32_t clen;
	uint32_t total; /* identifier, length and content */
};

static bool ber_read(const uint8_t *p, uint32_t n, struct ber *o)
{
	if (n < 2 || (p[0] & 0x1f) == 0x1f)
		return false;
	uint32_t len, hl;
	if (p[1] < 0x80) {
		len = p[1];
		hl = 2;
	} else {
		uint32_t k = p[1] & 0x7f;
		if (k == 0 || k > 4 || n < 2 + k)
			return false;
		len = 0;
		for (uint32_t i = 0; i < k; i++)
			len = (len << 8) | p[2 + i];
		hl = 2 + k;
	}
	if (len > n - hl)
		return false;
	o->tag = p[0];
	o->c = p + hl;
	o->clen = len;
	o->total = hl + len;
	return true;
}

static bool oid_is(const struct ber *o, const uint8_t *enc, uint32_t n)
{
	return o->tag == 0x06 && o->clen == n && memcmp(o->c, enc, n) == 0;
}

/* 1.3.6.1.5.5.2 SPNEGO, 1.2.840.113554.1.2.2 Kerberos 5, 1.3.6.1.4.1.311.2.2.10 NTLMSSP */
static const uint8_t OID_SPNEGO[] = {0x2b, 0x06, 0x01, 0x05, 0x05, 0x02};
static const uint8_t OID_KRB5[] = {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x12, 0x01, 0x02, 0x02};
static const uint8_t OID_NTLMSSP[] = {0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x02, 0x02, 0x0a};

/* ------------------------------------------------------------ NTLMSSP */

static bool ntlm_field(const uint8_t *d, uint32_t n, uint32_t rec_len, uint32_t at, uint16_t *len,
		       uint32_t *off)
{
	*len = smb_le16(d + at);
	*off = smb_le32(d + at + 4);
	return *len < rec_len && *off < rec_len;
}

/* d: an AUTHENTICATE message after its signature and type (Suricata's
 * parse_ntlm_auth_record: offsets count from the signature). */
static bool ntlm_auth(struct smb_tx *tx, const uint8_t *d, uint32_t n)
{
	uint32_t rec_len = n + 12;
	if (n < 52)
		return false;
	uint16_t len[6];
	uint32_t off[6];
	for (int i = 0; i < 6; i++)
		if (!ntlm_field(d, n, rec_len, (uint32_t)i * 8, &len[i], &off[i]))
			return false;
	bool has_version = (d[51] & 0x02) != 0;
	if (has_version && n < 60)
		return false;
	/* domain 2, user 3, host 4 */
	const uint8_t *part[3];
	for (int i = 0; i < 3; i++) {
		uint32_t o = off[2 + i], l = len[2 + i];
		if (o < 12 || o - 12 + l > n)
			return false;
		part[i] = d + o - 12;
	}
	struct smb_ntlmssp *nt = &tx->ntlmssp;
	smb_bytes_set_nonul(&nt->domain, part[0], len[2]);
	smb_bytes_set_nonul(&nt->user, part[1], len[3]);
	smb_bytes_set_nonul(&nt->host, part[2], len[4]);
	nt->has_version = has_version;
	if (has_version) {
		nt->ver_major = d[52];
		nt->ver_minor = d[53];
		nt->ver_build = smb_le16(d + 54);
		nt->ver_rev = d[59];
	}
	tx->has_ntlmssp = true;
	return true;
}

/* Searches for the NTLMSSP signature; an AUTHENTICATE message fills tx. */
static bool ntlmssp_blob(struct smb_tx *tx, const uint8_t *d, uint32_t n)
{
	static const uint8_t sig[8] = {'N', 'T', 'L', 'M', 'S', 'S', 'P', 0};
	for (uint32_t i = 0; i + 12 <= n; i++) {
		if (memcmp(d + i, sig, 8) != 0)
			continue;
		uint32_t type = smb_le32(d + i + 8);
		if (type == 3)
			return ntlm_auth(tx, d + i + 12, n - i - 12);
		return false;
	}
	return false;
}

/* ------------------------------------------------------------ Kerberos */

/* The member with context tag [k] of a SEQUENCE's content. */
static bool ctx_member(const uint8_t *c, uint32_t n, uint8_t k, struct ber *out)
{
	uint32_t off = 0;
	struct ber e;
	while (off < n && ber_read(c + off, n - off, &e)) {
		if (e.tag == (uint8_t)(0xa0 | k))
			return ber_read(e.c, e.clen, out);
		off += e.total;
	}
	return false;
}

static bool is_string(uint8_t tag)
{
	return tag == 0x1b || tag == 0x0c || tag == 0x16 || tag == 0x13 || tag == 0x04;
}

/* mechToken: [APPLICATION 0] { OID, TOK_ID(2), AP-REQ [APPLICATION 14] } */
static bool krb5_ticket(struct smb_tx *tx, const uint8_t *d, uint32_t n)
{
	struct ber app, oid, apreq, seq, tkt, tseq, realm, sname, names, str;
	if (!ber_read(d, n, &app) || app.tag != 0x60)
		return false;
	if (!ber_read(app.c, app.clen, &oid) || oid.tag != 0x06)
		return false;
	const uint8_t *p = app.c + oid.total;
	uint32_t left = app.clen - oid.total;
	if (left < 2)
		return false;
	if (!ber_read(p + 2, left - 2, &apreq) || apreq.tag != 0x6e)
		return false;
	if (!ber_read(apreq.c, apreq.clen, &seq) || seq.tag != 0x30)
		return false;
	if (!ctx_member(seq.c, seq.clen, 3, &tkt) || tkt.tag != 0x61)
		return false;
	if (!ber_read(tkt.c, tkt.clen, &tseq) || tseq.tag != 0x30)
		return false;
	if (!ctx_member(tseq.c, tseq.clen, 1, &realm) || !is_string(realm.tag))
		return false;
	if (!ctx_member(tseq.c, tseq.clen, 2, &sname) || sname.tag != 0x30)
		return false;
	if (!ctx_member(sname.c, sname.clen, 1, &names) || names.tag != 0x30)
		return false;
	struct smb_krb_ticket *k = &tx->krb;
	smb_bytes_set(&k->realm, realm.c, realm.clen);
	uint32_t off = 0;
	while (off < names.clen && ber_read(names.c + off, names.clen - off, &str)) {
		if (is_string(str.tag) && k->n_snames < SMB_MAX_SNAMES)
			smb_bytes_set(&k->snames[k->n_snames++], str.c, str.clen);
		off += str.total;
	}
	tx->has_krb = true;
	return true;
}

/* ------------------------------------------------------------ SPNEGO */

/* NegTokenInit's SEQUENCE: mechTypes then the mechToken. */
static void spnego_init(struct smb_tx *tx, const uint8_t *d, uint32_t n)
{
	struct ber seq;
	if (!ber_read(d, n, &seq) || seq.tag != 0x30)
		return;
	bool have_krb = false, have_ntlm = false;
	uint32_t off = 0;
	struct ber member, o;
	while (off < seq.clen && ber_read(seq.c + off, seq.clen - off, &member)) {
		off += member.total;
		if ((member.tag & 0x20) == 0 || !ber_read(member.c, member.clen, &o))
			continue;
		if (o.tag == 0x30) {
			uint32_t k = 0;
			struct ber m;
			while (k < o.clen && ber_read(o.c + k, o.clen - k, &m)) {
				if (oid_is(&m, OID_KRB5, sizeof(OID_KRB5)))
					have_krb = true;
				else if (oid_is(&m, OID_NTLMSSP, sizeof(OID_NTLMSSP)))
					have_ntlm = true;
				k += m.total;
			}
		} else if (o.tag == 0x04) {
			bool krb = have_krb && krb5_ticket(tx, o.c, o.clen);
			if (have_ntlm && !krb)
				ntlmssp_blob(tx, o.c, o.clen);
		}
	}
}

void smb_auth_parse_secblob(struct smb_tx *tx, const uint8_t *d, uint32_t n)
{
	struct ber gss, oid, tok;
	if (ber_read(d, n, &gss) && (gss.tag & 0x20) && ber_read(gss.c, gss.clen, &oid) &&
	    oid_is(&oid, OID_SPNEGO, sizeof(OID_SPNEGO))) {
		const uint8_t *rest = gss.c + oid.total;
		uint32_t rl = gss.clen - oid.total;
		if (ber_read(rest, rl, &tok) && (tok.tag & 0x20)) {
			spnego_init(tx, tok.c, tok.clen);
			return;
		}
	}
	ntlmssp_blob(tx, d, n);
}
