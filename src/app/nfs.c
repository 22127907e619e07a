/*
 * nfs.c — the NFS parser (API and bounds in app/nfs.h): ONC-RPC framing
 * (TCP record marking, one message per UDP datagram), calls and replies
 * of the NFS program (100003) versions 2, 3 and 4, Suricata's mapping of
 * them to transactions, files through app/file.c, and the descriptor.
 * The EVE writer is nfs-log.c.
 *
 * Every field is read through struct xdr, which never reads past the
 * record it was given; a TCP record is parsed in place when the parse
 * call holds all of it, else gathered in the direction's buffer (at most
 * NFS_MAX_RECORD bytes).  No byte past the call's [d, d + n) is read.
 */
#include "app/nfs.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *const nfs_event_names[NFS_EV_COUNT] = {
    [NFS_EV_MALFORMED_DATA] = "malformed_data",
    [NFS_EV_NON_EXISTING_VERSION] = "non_existing_version",
    [NFS_EV_UNSUPPORTED_VERSION] = "unsupported_version",
    [NFS_EV_TOO_MANY_TRANSACTIONS] = "too_many_transactions",
};

/* ------------------------------------------------------------ XDR reader */

struct xdr {
	const uint8_t *p;
	uint32_t n, off;
	bool bad; /* a read went past the end: every later read gives 0 */
};

static void xdr_init(struct xdr *x, const uint8_t *p, uint32_t n)
{
	x->p = p;
	x->n = n;
	x->off = 0;
	x->bad = false;
}

static uint32_t xdr_u32(struct xdr *x)
{
	if (x->bad || x->n - x->off < 4) {
		x->bad = true;
		return 0;
	}
	const uint8_t *q = x->p + x->off;
	x->off += 4;
	return (uint32_t)q[0] << 24 | (uint32_t)q[1] << 16 | (uint32_t)q[2] << 8 | q[3];
}

static uint64_t xdr_u64(struct xdr *x)
{
	uint64_t hi = xdr_u32(x);
	return hi << 32 | xdr_u32(x);
}

static void xdr_skip(struct xdr *x, uint32_t len)
{
	if (x->bad || x->n - x->off < len) {
		x->bad = true;
		return;
	}
	x->off += len;
}

/* Fixed-size opaque of len bytes (padded to 4); NULL when short. */
static const uint8_t *xdr_fixed(struct xdr *x, uint32_t len)
{
	uint32_t padded = len + ((4 - (len & 3)) & 3);
	if (len > UINT32_MAX - 3 || x->bad || x->n - x->off < padded) {
		x->bad = true;
		return NULL;
	}
	const uint8_t *q = x->p + x->off;
	x->off += padded;
	return q;
}

/* Variable-length opaque / string; *len its length. */
static const uint8_t *xdr_opaque(struct xdr *x, uint32_t *len)
{
	*len = xdr_u32(x);
	const uint8_t *q = xdr_fixed(x, *len);
	if (q == NULL)
		*len = 0;
	return q;
}

static void xdr_skip_opaque(struct xdr *x)
{
	uint32_t l;
	(void)xdr_opaque(x, &l);
}

/* A bitmap4 (count + words). */
static void xdr_skip_bitmap(struct xdr *x)
{
	uint32_t n = xdr_u32(x);
	if (n > 64) {
		x->bad = true;
		return;
	}
	xdr_skip(x, n * 4);
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* ------------------------------------------------------------ state */

struct pending {
	uint32_t xid;
	uint16_t progver;
	uint32_t procedure;
	uint64_t chunk_offset;
	struct nfs_bytes file_name, file_handle;
	bool used;
};

struct name_entry {
	struct nfs_bytes handle, name;
};

struct dirbuf {
	uint8_t *buf;
	uint32_t len, cap;
	uint32_t skip;	  /* bytes of an over-long record still to drop */
	bool gap;	  /* resynchronise on the next record start */
	uint8_t *msg;	  /* fragments of a multi-fragment record */
	uint32_t msg_len;
};

struct nfs_state {
	bool tcp;
	uint8_t file_hashes;
	uint16_t nfs_version;
	struct dirbuf dir[2];
	struct nfs_tx **txs;
	uint32_t n_txs, cap_txs;
	uint64_t next_id;
	struct pending pend[NFS_MAX_PENDING];
	uint32_t pend_next; /* ring slot for the next call */
	struct name_entry names[NFS_MAX_NAMES];
	uint32_t names_next;
	bool eof[2]; /* the direction was closed */
	uint32_t ev_pending; /* events of the message being parsed */
};

static void bytes_set(struct nfs_bytes *b, const uint8_t *d, uint32_t n, uint32_t max)
{
	free(b->p);
	b->p = NULL;
	b->len = 0;
	if (d == NULL)
		return;
	if (n > max)
		n = max;
	b->p = malloc(n ? n : 1);
	if (b->p == NULL)
		return;
	memcpy(b->p, d, n);
	b->len = n;
}

static void bytes_copy(struct nfs_bytes *dst, const struct nfs_bytes *src)
{
	bytes_set(dst, src->p, src->len, UINT32_MAX);
	if (src->p == NULL) {
		free(dst->p);
		dst->p = NULL;
		dst->len = 0;
	}
}

static bool bytes_eq(const struct nfs_bytes *a, const uint8_t *d, uint32_t n)
{
	return a->len == n && (n == 0 || (a->p != NULL && memcmp(a->p, d, n) == 0));
}

static void bytes_free(struct nfs_bytes *b)
{
	free(b->p);
	b->p = NULL;
	b->len = 0;
}

/* ------------------------------------------------------------ names */

static const struct nfs_bytes *name_get(const struct nfs_state *s, const uint8_t *fh, uint32_t n)
{
	if (n > NFS_MAX_FH)
		n = NFS_MAX_FH;
	for (uint32_t i = 0; i < NFS_MAX_NAMES; i++)
		if (s->names[i].handle.p != NULL && bytes_eq(&s->names[i].handle, fh, n))
			return &s->names[i].name;
	return NULL;
}

static void name_put(struct nfs_state *s, const uint8_t *fh, uint32_t fhl, const struct nfs_bytes *name)
{
	if (fh == NULL || fhl == 0)
		return;
	if (fhl > NFS_MAX_FH)
		fhl = NFS_MAX_FH;
	for (uint32_t i = 0; i < NFS_MAX_NAMES; i++)
		if (s->names[i].handle.p != NULL && bytes_eq(&s->names[i].handle, fh, fhl)) {
			bytes_copy(&s->names[i].name, name);
			return;
		}
	struct name_entry *e = &s->names[s->names_next];
	s->names_next = (s->names_next + 1) % NFS_MAX_NAMES;
	bytes_set(&e->handle, fh, fhl, NFS_MAX_FH);
	bytes_copy(&e->name, name);
	if (e->name.p == NULL)
		bytes_set(&e->name, (const uint8_t *)"", 0, 0);
}

/* ------------------------------------------------------------ transactions */

static void tx_free(struct nfs_tx *tx)
{
	bytes_free(&tx->file_name);
	bytes_free(&tx->rename_to);
	bytes_free(&tx->file_handle);
	bytes_free(&tx->machine_name);
	app_file_free(&tx->file);
	free(tx);
}

/* An event of the message being parsed: set, once it is done, on the
 * newest transaction (the one the message made, else the last one, as
 * Suricata sets it on the most recent). */
static void set_event(struct nfs_state *s, enum nfs_event ev)
{
	s->ev_pending |= 1u << ev;
}

static void events_flush(struct nfs_state *s)
{
	if (s->ev_pending != 0 && s->n_txs > 0)
		s->txs[s->n_txs - 1]->events |= s->ev_pending;
	s->ev_pending = 0;
}

static struct nfs_tx *tx_new(struct nfs_state *s)
{
	if (s->n_txs >= NFS_MAX_TXS) {
		/* the oldest goes, as its flow has long moved on */
		tx_free(s->txs[0]);
		memmove(s->txs, s->txs + 1, (s->n_txs - 1) * sizeof(*s->txs));
		s->n_txs--;
		set_event(s, NFS_EV_TOO_MANY_TRANSACTIONS);
	}
	if (s->n_txs == s->cap_txs) {
		uint32_t nc = s->cap_txs ? s->cap_txs * 2 : 8;
		struct nfs_tx **nt = realloc(s->txs, nc * sizeof(*nt));
		if (nt == NULL)
			return NULL;
		s->txs = nt;
		s->cap_txs = nc;
	}
	struct nfs_tx *tx = calloc(1, sizeof(*tx));
	if (tx == NULL)
		return NULL;
	app_file_init(&tx->file);
	tx->id = s->next_id++;
	s->txs[s->n_txs++] = tx;
	return tx;
}

static struct nfs_tx *tx_by_xid(struct nfs_state *s, uint32_t xid)
{
	for (uint32_t i = s->n_txs; i-- > 0;)
		if (!s->txs[i]->is_file_tx && s->txs[i]->xid == xid)
			return s->txs[i];
	return NULL;
}

static struct nfs_tx *file_tx_by_handle(struct nfs_state *s, const uint8_t *fh, uint32_t fhl,
					enum app_dir dir)
{
	if (fhl > NFS_MAX_FH)
		fhl = NFS_MAX_FH;
	for (uint32_t i = s->n_txs; i-- > 0;) {
		struct nfs_tx *t = s->txs[i];
		if (t->is_file_tx && t->file_dir == dir && !t->is_last &&
		    bytes_eq(&t->file_handle, fh, fhl))
			return t;
	}
	return NULL;
}

/* RPC credentials of a call, as a transaction keeps them. */
struct rpc_call {
	uint32_t xid, prog, vers, proc;
	uint32_t cred_flavor;
	const uint8_t *machine;
	uint32_t machine_len;
	uint32_t uid, gid;
	const uint8_t *args;
	uint32_t args_len;
};

struct rpc_reply {
	uint32_t xid;
	uint32_t reply_state; /* 0 accepted, 1 denied */
	uint32_t accept_state;
	const uint8_t *res;
	uint32_t res_len;
};

static void tx_set_creds(struct nfs_tx *tx, const struct rpc_call *c)
{
	tx->auth_type = c->cred_flavor;
	if (c->cred_flavor == 1) {
		bytes_set(&tx->machine_name, c->machine, c->machine_len, NFS_MAX_NAME);
		tx->uid = c->uid;
		tx->gid = c->gid;
	}
}

/* ------------------------------------------------------------ files */

static struct nfs_tx *file_tx_new(struct nfs_state *s, const uint8_t *fh, uint32_t fhl,
				  const struct nfs_bytes *name, enum app_dir dir,
				  const struct rpc_call *c, uint32_t procedure, uint16_t version)
{
	struct nfs_tx *tx = tx_new(s);
	if (tx == NULL)
		return NULL;
	tx->is_file_tx = true;
	tx->file_dir = dir;
	tx->procedure = procedure;
	tx->nfs_version = version;
	tx->is_first = true;
	bytes_set(&tx->file_handle, fh, fhl, NFS_MAX_FH);
	if (name != NULL)
		bytes_copy(&tx->file_name, name);
	if (c != NULL) {
		tx->xid = c->xid;
		tx_set_creds(tx, c);
	}
	app_file_open(&tx->file, tx->file_name.p ? tx->file_name.p : (const uint8_t *)"",
		      tx->file_name.len, dir, s->file_hashes);
	return tx;
}

/* A chunk of the file; counted when it is not the one that opened the
 * transaction (as Suricata counts). */
static void file_chunk(struct nfs_tx *tx, bool counted, uint64_t off, const uint8_t *d, uint32_t n)
{
	if (counted)
		tx->chunk_count++;
	if (n > 0)
		(void)app_file_write_at(&tx->file, off, d, n, NFS_FILE_QUEUE_BYTES,
					NFS_FILE_QUEUE_CHUNKS);
}

static void file_close(struct nfs_tx *tx, uint32_t xid)
{
	tx->file_last_xid = xid;
	tx->is_last = true;
	if (app_file_is_open(&tx->file))
		app_file_close(&tx->file);
}

/* A WRITE's data (v3 and v4): the file transaction of its handle. */
static void write_data(struct nfs_state *s, const struct rpc_call *c, const uint8_t *fh,
		       uint32_t fhl, uint64_t off, uint32_t stable, const uint8_t *data,
		       uint32_t len, uint32_t procedure, uint16_t version)
{
	struct nfs_tx *tx = file_tx_by_handle(s, fh, fhl, APP_TOSERVER);
	bool found = tx != NULL;
	if (tx == NULL) {
		tx = file_tx_new(s, fh, fhl, name_get(s, fh, fhl), APP_TOSERVER, NULL, procedure,
				 version);
		if (tx == NULL)
			return;
		tx->xid = c->xid;
	}
	file_chunk(tx, found, off, data, len);
	if (stable == 2) { /* FILE_SYNC: taken as the file's one chunk */
		/* as Suricata: a later FILE_SYNC chunk completes the transaction;
		 * otherwise it waits for the flow's end (its reply is not tracked) */
		if (found)
			tx->response_done = true;
		file_close(tx, c->xid);
		tx->request_done = true;
	}
}

static void commit_file(struct nfs_state *s, uint32_t xid, const uint8_t *fh, uint32_t fhl,
			uint32_t proc)
{
	struct nfs_tx *tx = file_tx_by_handle(s, fh, fhl, APP_TOSERVER);
	if (tx == NULL)
		return;
	tx->chunk_count++;
	if (tx->n_extra < sizeof(tx->extra_procs) / sizeof(tx->extra_procs[0]))
		tx->extra_procs[tx->n_extra++] = proc;
	file_close(tx, xid);
	tx->request_done = true;
}

/* A READ reply's data (all versions): the file transaction of the handle
 * its call named. */
static void read_data(struct nfs_state *s, const struct pending *pm, uint32_t xid,
		      const uint8_t *data, uint32_t len, bool eof)
{
	const uint8_t *fh = pm->file_handle.p ? pm->file_handle.p : (const uint8_t *)"";
	struct nfs_tx *tx = file_tx_by_handle(s, fh, pm->file_handle.len, APP_TOCLIENT);
	bool found = tx != NULL;
	if (tx == NULL) {
		tx = file_tx_new(s, fh, pm->file_handle.len, &pm->file_name, APP_TOCLIENT, NULL,
				 pm->procedure, pm->progver);
		if (tx == NULL)
			return;
		tx->xid = xid;
		tx->request_done = true;
	}
	file_chunk(tx, found, pm->chunk_offset, data, len);
	if (eof) {
		file_close(tx, xid);
		tx->request_done = true;
		tx->response_done = true;
	}
}

/* ------------------------------------------------------------ pending calls */

static struct pending *pending_new(struct nfs_state *s, const struct rpc_call *c)
{
	struct pending *pm = &s->pend[s->pend_next];
	s->pend_next = (s->pend_next + 1) % NFS_MAX_PENDING;
	bytes_free(&pm->file_name);
	bytes_free(&pm->file_handle);
	memset(pm, 0, sizeof(*pm));
	pm->used = true;
	pm->xid = c->xid;
	pm->progver = (uint16_t)c->vers;
	pm->procedure = c->proc;
	return pm;
}

static struct pending *pending_find(struct nfs_state *s, uint32_t xid)
{
	for (uint32_t i = 0; i < NFS_MAX_PENDING; i++)
		if (s->pend[i].used && s->pend[i].xid == xid)
			return &s->pend[i];
	return NULL;
}

static void pending_done(struct pending *pm)
{
	bytes_free(&pm->file_name);
	bytes_free(&pm->file_handle);
	pm->used = false;
}

static void pending_handle(struct nfs_state *s, struct pending *pm, const uint8_t *fh, uint32_t n)
{
	bytes_set(&pm->file_handle, fh, n, NFS_MAX_FH);
	const struct nfs_bytes *nm = name_get(s, fh, n);
	if (nm != NULL)
		bytes_copy(&pm->file_name, nm);
}

/* The request transaction of a call (every procedure but the file ones). */
static struct nfs_tx *request_tx(struct nfs_state *s, const struct rpc_call *c,
				 const struct pending *pm, uint32_t procedure)
{
	struct nfs_tx *tx = tx_new(s);
	if (tx == NULL)
		return NULL;
	tx->xid = c->xid;
	tx->procedure = procedure;
	tx->request_done = true;
	tx->nfs_version = (uint16_t)c->vers;
	bytes_copy(&tx->file_name, &pm->file_name);
	bytes_copy(&tx->file_handle, &pm->file_handle);
	tx_set_creds(tx, c);
	return tx;
}

/* ------------------------------------------------------------ NFSv2 / v3 calls */

enum {
	P3_GETATTR = 1, P3_LOOKUP = 3, P3_ACCESS = 4, P3_READ = 6, P3_WRITE = 7, P3_CREATE = 8,
	P3_MKDIR = 9, P3_REMOVE = 12, P3_RMDIR = 13, P3_RENAME = 14, P3_READDIRPLUS = 17,
	P3_COMMIT = 21,
};
enum { P2_LOOKUP = 4, P2_READ = 6, P2_WRITE = 8, P2_CREATE = 9, P2_REMOVE = 10, P2_MKDIR = 14,
       P2_RMDIR = 15 };
#define NFS2_FHSIZE 32

static void call_v3(struct nfs_state *s, const struct rpc_call *c)
{
	struct pending *pm = pending_new(s, c);
	struct xdr x;
	xdr_init(&x, c->args, c->args_len);
	uint32_t fhl = 0, nl = 0;
	const uint8_t *fh = NULL, *nm = NULL;
	struct nfs_bytes to_name = {0};
	bool parsed = true;

	switch (c->proc) {
	case P3_LOOKUP:
		fh = xdr_opaque(&x, &fhl);
		nm = xdr_opaque(&x, &nl);
		if (!x.bad)
			bytes_set(&pm->file_name, nm, nl, NFS_MAX_NAME);
		break;
	case P3_GETATTR:
	case P3_ACCESS:
	case P3_READDIRPLUS:
		fh = xdr_opaque(&x, &fhl);
		if (!x.bad)
			pending_handle(s, pm, fh, fhl);
		break;
	case P3_READ:
		fh = xdr_opaque(&x, &fhl);
		pm->chunk_offset = xdr_u64(&x);
		if (!x.bad)
			pending_handle(s, pm, fh, fhl);
		break;
	case P3_WRITE: {
		fh = xdr_opaque(&x, &fhl);
		uint64_t off = xdr_u64(&x);
		(void)xdr_u32(&x); /* count */
		uint32_t stable = xdr_u32(&x);
		uint32_t dl = xdr_u32(&x);
		/* the data may be cut (a partial UDP record): take what is there */
		uint32_t have = x.bad ? 0 : x.n - x.off;
		if (!x.bad) {
			bytes_set(&pm->file_handle, fh, fhl, NFS_MAX_FH);
			write_data(s, c, fh, fhl, off, stable, x.p + x.off, dl < have ? dl : have,
				   P3_WRITE, 3);
		}
		break;
	}
	case P3_CREATE:
	case P3_REMOVE:
	case P3_MKDIR:
	case P3_RMDIR:
		fh = xdr_opaque(&x, &fhl);
		nm = xdr_opaque(&x, &nl);
		if (!x.bad) {
			bytes_set(&pm->file_handle, fh, fhl, NFS_MAX_FH);
			bytes_set(&pm->file_name, nm, nl, NFS_MAX_NAME);
		}
		break;
	case P3_RENAME: {
		fh = xdr_opaque(&x, &fhl);
		nm = xdr_opaque(&x, &nl);
		uint32_t tfl = 0, tnl = 0;
		(void)xdr_opaque(&x, &tfl);
		const uint8_t *tn = xdr_opaque(&x, &tnl);
		if (!x.bad) {
			bytes_set(&pm->file_handle, fh, fhl, NFS_MAX_FH);
			bytes_set(&pm->file_name, nm, nl, NFS_MAX_NAME);
			bytes_set(&to_name, tn, tnl, NFS_MAX_NAME);
		}
		break;
	}
	case P3_COMMIT:
		fh = xdr_opaque(&x, &fhl);
		if (!x.bad)
			commit_file(s, c->xid, fh, fhl, P3_COMMIT);
		break;
	default: parsed = false; break;
	}
	if (parsed && x.bad)
		set_event(s, NFS_EV_MALFORMED_DATA);

	if (c->proc == P3_READ) {
		if (!x.bad && file_tx_by_handle(s, pm->file_handle.p ? pm->file_handle.p
								     : (const uint8_t *)"",
						pm->file_handle.len, APP_TOCLIENT) == NULL) {
			struct nfs_tx *tx = file_tx_new(s, pm->file_handle.p, pm->file_handle.len,
							&pm->file_name, APP_TOCLIENT, c, P3_READ, 3);
			(void)tx;
		}
	} else if (c->proc != P3_WRITE && c->proc != P3_COMMIT) {
		struct nfs_tx *tx = request_tx(s, c, pm, c->proc);
		if (tx != NULL && c->proc == P3_RENAME) {
			tx->rename_to = to_name;
			to_name.p = NULL;
		}
	}
	bytes_free(&to_name);
}

static void call_v2(struct nfs_state *s, const struct rpc_call *c)
{
	struct pending *pm = pending_new(s, c);
	struct xdr x;
	xdr_init(&x, c->args, c->args_len);
	const uint8_t *fh = NULL, *nm = NULL;
	uint32_t nl = 0;
	bool parsed = true;
	switch (c->proc) {
	case P2_LOOKUP:
	case P2_CREATE:
	case P2_REMOVE:
	case P2_MKDIR:
	case P2_RMDIR:
		fh = xdr_fixed(&x, NFS2_FHSIZE);
		nm = xdr_opaque(&x, &nl);
		if (!x.bad) {
			bytes_set(&pm->file_handle, fh, NFS2_FHSIZE, NFS_MAX_FH);
			bytes_set(&pm->file_name, nm, nl, NFS_MAX_NAME);
		}
		break;
	case P2_READ:
		fh = xdr_fixed(&x, NFS2_FHSIZE);
		pm->chunk_offset = xdr_u32(&x);
		if (!x.bad)
			pending_handle(s, pm, fh, NFS2_FHSIZE);
		break;
	default: parsed = false; break;
	}
	if (parsed && x.bad)
		set_event(s, NFS_EV_MALFORMED_DATA);
	if (c->proc != P2_READ && c->proc != P2_WRITE)
		(void)request_tx(s, c, pm, c->proc);
}

/* ------------------------------------------------------------ NFSv4 COMPOUND calls */

enum {
	OP4_ACCESS = 3, OP4_CLOSE = 4, OP4_COMMIT = 5, OP4_CREATE = 6, OP4_DELEGPURGE = 7,
	OP4_DELEGRETURN = 8, OP4_GETATTR = 9, OP4_GETFH = 10, OP4_LINK = 11, OP4_LOOKUP = 15,
	OP4_LOOKUPP = 16, OP4_OPEN = 18, OP4_OPEN_CONFIRM = 20, OP4_OPEN_DOWNGRADE = 21,
	OP4_PUTFH = 22, OP4_PUTPUBFH = 23, OP4_PUTROOTFH = 24, OP4_READ = 25, OP4_READDIR = 26,
	OP4_READLINK = 27, OP4_REMOVE = 28, OP4_RENAME = 29, OP4_RENEW = 30, OP4_RESTOREFH = 31,
	OP4_SAVEFH = 32, OP4_SECINFO = 33, OP4_SETATTR = 34, OP4_SETCLIENTID = 35,
	OP4_SETCLIENTID_CONFIRM = 36, OP4_WRITE = 38, OP4_RELEASE_LOCKOWNER = 39,
	OP4_DESTROY_SESSION = 44, OP4_FREE_STATEID = 45, OP4_SECINFO_NO_NAME = 52,
	OP4_SEQUENCE = 53, OP4_TEST_STATEID = 55, OP4_DESTROY_CLIENTID = 57,
	OP4_RECLAIM_COMPLETE = 58,
};
#define STATEID4 16

static void skip_fattr4(struct xdr *x)
{
	xdr_skip_bitmap(x);
	xdr_skip_opaque(x);
}

/* OPEN4args after seqid ... up to the claim: the file name of CLAIM_NULL. */
static void open_args(struct xdr *x, const uint8_t **name, uint32_t *nl)
{
	xdr_skip(x, 12);		/* seqid, share_access, share_deny */
	xdr_skip(x, 8);			/* owner clientid */
	xdr_skip_opaque(x);		/* owner */
	if (xdr_u32(x) == 1) {		/* OPEN4_CREATE */
		uint32_t mode = xdr_u32(x);
		if (mode == 0 || mode == 1)
			skip_fattr4(x);
		else if (mode == 2)
			xdr_skip(x, 8);
		else if (mode == 3) {
			xdr_skip(x, 8);
			skip_fattr4(x);
		} else
			x->bad = true;
	}
	uint32_t claim = xdr_u32(x);
	switch (claim) {
	case 0: *name = xdr_opaque(x, nl); break;	/* CLAIM_NULL */
	case 1: xdr_skip(x, 4); break;			/* CLAIM_PREVIOUS */
	case 2: xdr_skip(x, STATEID4); xdr_skip_opaque(x); break;
	case 3: xdr_skip_opaque(x); break;
	case 4: case 6: break;
	case 5: xdr_skip(x, STATEID4); break;
	default: x->bad = true; break;
	}
}

/* One operation's arguments; false for one this parser does not know
 * (the rest of the COMPOUND is then not read). */
static bool op4_args(struct nfs_state *s, const struct rpc_call *c, struct pending *pm,
		     struct xdr *x, uint32_t op, const uint8_t **putfh, uint32_t *putfh_len,
		     uint32_t *main_op)
{
	uint32_t l = 0;
	const uint8_t *p;
	switch (op) {
	case OP4_ACCESS: case OP4_SECINFO_NO_NAME: case OP4_RECLAIM_COMPLETE:
		xdr_skip(x, 4); break;
	case OP4_CLOSE:
		xdr_skip(x, 4 + STATEID4);
		if (*putfh != NULL)
			commit_file(s, c->xid, *putfh, *putfh_len, OP4_CLOSE);
		break;
	case OP4_COMMIT:
		xdr_skip(x, 12);
		if (*putfh != NULL)
			commit_file(s, c->xid, *putfh, *putfh_len, OP4_COMMIT);
		break;
	case OP4_CREATE: {
		uint32_t type = xdr_u32(x);
		if (type == 5)
			xdr_skip_opaque(x);
		else if (type == 3 || type == 4)
			xdr_skip(x, 8);
		p = xdr_opaque(x, &l);
		skip_fattr4(x);
		if (!x->bad) {
			if (*putfh != NULL)
				bytes_set(&pm->file_handle, *putfh, *putfh_len, NFS_MAX_FH);
			bytes_set(&pm->file_name, p, l, NFS_MAX_NAME);
			*main_op = OP4_CREATE;
		}
		break;
	}
	case OP4_DELEGPURGE: case OP4_RENEW: xdr_skip(x, 8); break;
	case OP4_DELEGRETURN: case OP4_FREE_STATEID: xdr_skip(x, STATEID4); break;
	case OP4_GETATTR: xdr_skip_bitmap(x); break;
	case OP4_GETFH: case OP4_LOOKUPP: case OP4_PUTPUBFH: case OP4_PUTROOTFH:
	case OP4_READLINK: case OP4_RESTOREFH: case OP4_SAVEFH:
		break;
	case OP4_LINK: case OP4_SECINFO: xdr_skip_opaque(x); break;
	case OP4_LOOKUP:
		p = xdr_opaque(x, &l);
		if (!x->bad)
			bytes_set(&pm->file_name, p, l, NFS_MAX_NAME);
		break;
	case OP4_OPEN:
		p = NULL;
		open_args(x, &p, &l);
		if (!x->bad && p != NULL)
			bytes_set(&pm->file_name, p, l, NFS_MAX_NAME);
		break;
	case OP4_OPEN_CONFIRM: xdr_skip(x, STATEID4 + 4); break;
	case OP4_OPEN_DOWNGRADE: xdr_skip(x, STATEID4 + 12); break;
	case OP4_PUTFH:
		p = xdr_opaque(x, &l);
		if (!x->bad) {
			*putfh = p;
			*putfh_len = l;
		}
		break;
	case OP4_READ:
		xdr_skip(x, STATEID4);
		pm->chunk_offset = xdr_u64(x);
		xdr_skip(x, 4);
		if (!x->bad && *putfh != NULL)
			pending_handle(s, pm, *putfh, *putfh_len);
		break;
	case OP4_READDIR: xdr_skip(x, 24); xdr_skip_bitmap(x); break;
	case OP4_REMOVE:
		p = xdr_opaque(x, &l);
		if (!x->bad) {
			bytes_set(&pm->file_name, p, l, NFS_MAX_NAME);
			*main_op = OP4_REMOVE;
		}
		break;
	case OP4_RENAME: xdr_skip_opaque(x); xdr_skip_opaque(x); break;
	case OP4_SETATTR: xdr_skip(x, STATEID4); skip_fattr4(x); break;
	case OP4_SETCLIENTID:
		xdr_skip(x, 8);
		xdr_skip_opaque(x);
		xdr_skip(x, 4);
		xdr_skip_opaque(x);
		xdr_skip_opaque(x);
		xdr_skip(x, 4);
		break;
	case OP4_SETCLIENTID_CONFIRM: xdr_skip(x, 16); break;
	case OP4_WRITE: {
		xdr_skip(x, STATEID4);
		uint64_t off = xdr_u64(x);
		uint32_t stable = xdr_u32(x);
		uint32_t dl = xdr_u32(x);
		uint32_t have = x->bad ? 0 : x->n - x->off;
		const uint8_t *data = x->bad ? NULL : x->p + x->off;
		xdr_skip(x, dl + ((4 - (dl & 3)) & 3));
		if (data != NULL && *putfh != NULL && dl > 0 && dl <= 16777216)
			write_data(s, c, *putfh, *putfh_len, off, stable, data, dl < have ? dl : have,
				   OP4_WRITE, 4);
		break;
	}
	case OP4_RELEASE_LOCKOWNER: xdr_skip(x, 8); xdr_skip_opaque(x); break;
	case OP4_DESTROY_SESSION: xdr_skip(x, 16); break;
	case OP4_SEQUENCE: xdr_skip(x, 16 + 16); break;
	case OP4_TEST_STATEID: {
		uint32_t n = xdr_u32(x);
		if (n > 1024)
			x->bad = true;
		else
			xdr_skip(x, n * STATEID4);
		break;
	}
	case OP4_DESTROY_CLIENTID: xdr_skip(x, 8); break;
	default: return false;
	}
	return !x->bad;
}

static void call_v4(struct nfs_state *s, const struct rpc_call *c)
{
	struct pending *pm = pending_new(s, c);
	if (c->proc != 1) /* NULL: nothing to read */
		return;
	struct xdr x;
	xdr_init(&x, c->args, c->args_len);
	xdr_skip_opaque(&x); /* tag */
	(void)xdr_u32(&x);   /* minorversion */
	uint32_t nops = xdr_u32(&x);
	if (x.bad) {
		set_event(s, NFS_EV_MALFORMED_DATA);
		return;
	}
	const uint8_t *putfh = NULL;
	uint32_t putfh_len = 0, main_op = 0;
	for (uint32_t i = 0; i < nops && i < 128; i++) {
		uint32_t op = xdr_u32(&x);
		if (x.bad) {
			set_event(s, NFS_EV_MALFORMED_DATA);
			break;
		}
		if (!op4_args(s, c, pm, &x, op, &putfh, &putfh_len, &main_op)) {
			if (x.bad)
				set_event(s, NFS_EV_MALFORMED_DATA);
			break;
		}
	}
	if (main_op != 0)
		(void)request_tx(s, c, pm, main_op);
}

/* ------------------------------------------------------------ replies */

static void reply_done(struct nfs_state *s, const struct rpc_reply *r, uint32_t nfs_status,
		       const uint8_t *resp_fh, uint32_t resp_fhl)
{
	struct nfs_tx *tx = tx_by_xid(s, r->xid);
	if (tx == NULL)
		return;
	tx->response_done = true;
	tx->rpc_status = r->reply_state;
	tx->nfs_status = nfs_status;
	if (tx->file_handle.len == 0 && resp_fh != NULL && resp_fhl > 0)
		bytes_set(&tx->file_handle, resp_fh, resp_fhl, NFS_MAX_FH);
}

/* post_op_attr: a bool, then fattr3 (84 bytes). */
static void skip_post_op_attr(struct xdr *x)
{
	if (xdr_u32(x))
		xdr_skip(x, 84);
}

static void readdirplus_names(struct nfs_state *s, struct xdr *x)
{
	skip_post_op_attr(x);
	xdr_skip(x, 8); /* cookieverf */
	for (int i = 0; i < 4096 && !x->bad && xdr_u32(x) == 1; i++) {
		xdr_skip(x, 8); /* fileid */
		uint32_t nl = 0, fhl = 0;
		const uint8_t *nm = xdr_opaque(x, &nl);
		xdr_skip(x, 8); /* cookie */
		skip_post_op_attr(x);
		const uint8_t *fh = NULL;
		if (xdr_u32(x))
			fh = xdr_opaque(x, &fhl);
		if (!x->bad && fh != NULL) {
			struct nfs_bytes name = {(uint8_t *)nm, nl};
			struct nfs_bytes cut = {0};
			bytes_set(&cut, name.p, name.len, NFS_MAX_NAME);
			name_put(s, fh, fhl, &cut);
			bytes_free(&cut);
		}
	}
}

static void reply_v3(struct nfs_state *s, const struct rpc_reply *r, struct pending *pm)
{
	struct xdr x;
	xdr_init(&x, r->res, r->res_len);
	uint32_t status = xdr_u32(&x);
	const uint8_t *fh = NULL;
	uint32_t fhl = 0;
	switch (pm->procedure) {
	case P3_LOOKUP:
		if (status == 0) {
			fh = xdr_opaque(&x, &fhl);
			if (!x.bad)
				name_put(s, fh, fhl, &pm->file_name);
		}
		break;
	case P3_CREATE:
		if (status == 0 && xdr_u32(&x) == 1) {
			fh = xdr_opaque(&x, &fhl);
			if (!x.bad)
				name_put(s, fh, fhl, &pm->file_name);
		}
		break;
	case P3_READ: {
		skip_post_op_attr(&x);
		if (status != 0)
			break;
		(void)xdr_u32(&x); /* count */
		uint32_t eof = xdr_u32(&x);
		uint32_t dl = xdr_u32(&x);
		if (x.bad)
			break;
		uint32_t have = x.n - x.off;
		read_data(s, pm, r->xid, x.p + x.off, dl < have ? dl : have, eof != 0);
		break;
	}
	case P3_READDIRPLUS:
		if (status == 0)
			readdirplus_names(s, &x);
		break;
	default: break;
	}
	if (x.bad)
		set_event(s, NFS_EV_MALFORMED_DATA);
	if (pm->procedure != P3_READ)
		reply_done(s, r, status, fh, x.bad ? 0 : fhl);
}

static void reply_v2(struct nfs_state *s, const struct rpc_reply *r, struct pending *pm)
{
	struct xdr x;
	xdr_init(&x, r->res, r->res_len);
	uint32_t status = xdr_u32(&x);
	if (pm->procedure == P2_LOOKUP && status == 0) {
		const uint8_t *fh = xdr_fixed(&x, NFS2_FHSIZE);
		if (fh != NULL)
			name_put(s, fh, NFS2_FHSIZE, &pm->file_name);
	} else if (pm->procedure == P2_READ && status == 0) {
		xdr_skip(&x, 68); /* fattr */
		uint32_t dl = xdr_u32(&x);
		if (!x.bad) {
			uint32_t have = x.n - x.off;
			/* NFSv2 has no eof: a short read ends the file */
			read_data(s, pm, r->xid, x.p + x.off, dl < have ? dl : have, dl < 8192);
		}
	}
	if (x.bad)
		set_event(s, NFS_EV_MALFORMED_DATA);
	if (pm->procedure != P2_READ)
		reply_done(s, r, status, NULL, 0);
}

/* nfs_resop4 results after the status of a successful operation; false
 * for one not known (the rest is not read). */
static bool op4_result(struct nfs_state *s, const struct rpc_reply *r, struct pending *pm,
		       struct xdr *x, uint32_t op, bool *name_with_getfh)
{
	uint32_t l = 0;
	switch (op) {
	case OP4_ACCESS: xdr_skip(x, 8); break;
	case OP4_CLOSE: case OP4_OPEN_CONFIRM: case OP4_OPEN_DOWNGRADE: xdr_skip(x, STATEID4); break;
	case OP4_COMMIT: xdr_skip(x, 8); break;
	case OP4_CREATE: xdr_skip(x, 20); xdr_skip_bitmap(x); break;
	case OP4_LINK: case OP4_REMOVE: xdr_skip(x, 20); break;
	case OP4_RENAME: xdr_skip(x, 40); break;
	case OP4_GETATTR: skip_fattr4(x); break;
	case OP4_GETFH: {
		const uint8_t *fh = xdr_opaque(x, &l);
		if (!x->bad && *name_with_getfh)
			name_put(s, fh, l, &pm->file_name);
		break;
	}
	case OP4_OPEN: {
		xdr_skip(x, STATEID4 + 20 + 4);
		xdr_skip_bitmap(x);
		uint32_t dt = xdr_u32(x);
		if (dt == 1 || dt == 2) {
			xdr_skip(x, STATEID4 + 4);
			if (dt == 2)
				xdr_skip(x, 12);
			xdr_skip(x, 12);
			xdr_skip_opaque(x);
		} else if (dt == 3) {
			uint32_t why = xdr_u32(x);
			if (why == 1 || why == 2)
				xdr_skip(x, 4);
		} else if (dt != 0)
			x->bad = true;
		*name_with_getfh = true;
		break;
	}
	case OP4_READ: {
		uint32_t eof = xdr_u32(x);
		uint32_t dl = xdr_u32(x);
		if (x->bad)
			break;
		uint32_t have = x->n - x->off;
		if (pm->file_handle.len > 0)
			read_data(s, pm, r->xid, x->p + x->off, dl < have ? dl : have, eof != 0);
		xdr_skip(x, dl + ((4 - (dl & 3)) & 3));
		break;
	}
	case OP4_PUTFH: case OP4_PUTPUBFH: case OP4_PUTROOTFH: case OP4_RESTOREFH:
	case OP4_SAVEFH: case OP4_RENEW: case OP4_DELEGRETURN: case OP4_DELEGPURGE:
	case OP4_SETCLIENTID_CONFIRM: case OP4_RELEASE_LOCKOWNER: case OP4_LOOKUP:
	case OP4_LOOKUPP: case OP4_RECLAIM_COMPLETE: case OP4_DESTROY_SESSION:
	case OP4_FREE_STATEID: case OP4_DESTROY_CLIENTID:
		break;
	case OP4_READLINK: xdr_skip_opaque(x); break;
	case OP4_SETCLIENTID: xdr_skip(x, 16); break;
	case OP4_WRITE: xdr_skip(x, 16); break;
	case OP4_SEQUENCE: xdr_skip(x, 16 + 20); break;
	default: return false;
	}
	return !x->bad;
}

static void reply_v4(struct nfs_state *s, const struct rpc_reply *r, struct pending *pm)
{
	if (pm->procedure != 1)
		return;
	struct xdr x;
	xdr_init(&x, r->res, r->res_len);
	(void)xdr_u32(&x);   /* status */
	xdr_skip_opaque(&x); /* tag */
	uint32_t nres = xdr_u32(&x);
	bool name_with_getfh = false, main_set = false;
	uint32_t main_status = 0;
	for (uint32_t i = 0; i < nres && i < 128 && !x.bad; i++) {
		uint32_t op = xdr_u32(&x);
		uint32_t st = xdr_u32(&x);
		if (x.bad)
			break;
		if (op == OP4_REMOVE || op == OP4_CREATE) {
			main_status = st;
			main_set = true;
		}
		if (op == OP4_PUTROOTFH && st == 0 && pm->file_name.len == 0)
			bytes_set(&pm->file_name, (const uint8_t *)"<mount_root>", 12, NFS_MAX_NAME);
		if (st != 0) {
			/* SETATTR answers its attrsset even on failure; the
			 * COMPOUND ends at the first failed operation */
			break;
		}
		if (!op4_result(s, r, pm, &x, op, &name_with_getfh))
			break;
	}
	if (x.bad)
		set_event(s, NFS_EV_MALFORMED_DATA);
	if (main_set)
		reply_done(s, r, main_status, NULL, 0);
}

/* ------------------------------------------------------------ RPC messages */

/* The header of a call; false when it is not one. */
static bool rpc_call_parse(const uint8_t *d, uint32_t n, struct rpc_call *c)
{
	struct xdr x;
	xdr_init(&x, d, n);
	memset(c, 0, sizeof(*c));
	c->xid = xdr_u32(&x);
	if (xdr_u32(&x) != 0 || xdr_u32(&x) != 2)
		return false;
	c->prog = xdr_u32(&x);
	c->vers = xdr_u32(&x);
	c->proc = xdr_u32(&x);
	c->cred_flavor = xdr_u32(&x);
	uint32_t cl = 0;
	const uint8_t *cred = xdr_opaque(&x, &cl);
	if (x.bad)
		return false;
	if (c->cred_flavor == 1) {
		struct xdr cx;
		xdr_init(&cx, cred, cl);
		(void)xdr_u32(&cx); /* stamp */
		/* As Suricata reads AUTH_UNIX: the machine name (< 256 bytes)
		 * is not padded before uid and gid. */
		c->machine_len = xdr_u32(&cx);
		c->machine = NULL;
		if (c->machine_len < 256 && cx.n - cx.off >= c->machine_len && !cx.bad) {
			c->machine = cx.p + cx.off;
			cx.off += c->machine_len;
		} else
			cx.bad = true;
		c->uid = xdr_u32(&cx);
		c->gid = xdr_u32(&cx);
		if (cx.bad) {
			c->machine = NULL;
			c->machine_len = 0;
		}
	}
	(void)xdr_u32(&x); /* verifier */
	xdr_skip_opaque(&x);
	if (x.bad)
		return false;
	c->args = x.p + x.off;
	c->args_len = x.n - x.off;
	return true;
}

static bool rpc_reply_parse(const uint8_t *d, uint32_t n, struct rpc_reply *r)
{
	struct xdr x;
	xdr_init(&x, d, n);
	memset(r, 0, sizeof(*r));
	r->xid = xdr_u32(&x);
	if (xdr_u32(&x) != 1)
		return false;
	r->reply_state = xdr_u32(&x);
	if (r->reply_state == 0) {
		(void)xdr_u32(&x); /* verifier */
		xdr_skip_opaque(&x);
		r->accept_state = xdr_u32(&x);
	} else if (r->reply_state != 1)
		return false;
	if (x.bad)
		return false;
	r->res = x.p + x.off;
	r->res_len = x.n - x.off;
	return true;
}

static void process_call(struct nfs_state *s, const struct rpc_call *c)
{
	/* As Suricata: once the flow is NFS, a call is read by its version
	 * alone (NFSACL's calls on the same connection make transactions) */
	if (c->vers < 2 || c->vers > 4) {
		set_event(s, NFS_EV_NON_EXISTING_VERSION);
		return;
	}
	if (s->nfs_version == 0)
		s->nfs_version = (uint16_t)c->vers;
	switch (c->vers) {
	case 2: call_v2(s, c); break;
	case 3: call_v3(s, c); break;
	default: call_v4(s, c); break;
	}
}

static void process_reply(struct nfs_state *s, const struct rpc_reply *r)
{
	struct pending *pm = pending_find(s, r->xid);
	if (pm == NULL)
		return;
	if (s->nfs_version == 0)
		s->nfs_version = pm->progver;
	if (r->reply_state == 0 && r->accept_state == 0) {
		switch (pm->progver) {
		case 2: reply_v2(s, r, pm); break;
		case 3: reply_v3(s, r, pm); break;
		case 4: reply_v4(s, r, pm); break;
		default: set_event(s, NFS_EV_NON_EXISTING_VERSION); break;
		}
	} else {
		reply_done(s, r, 0, NULL, 0);
	}
	pending_done(pm);
}

/* One RPC message of a direction; false when it is neither a call nor a reply. */
static bool process_message_one(struct nfs_state *s, enum app_dir dir, const uint8_t *d,
				uint32_t n);

static bool process_message(struct nfs_state *s, enum app_dir dir, const uint8_t *d, uint32_t n)
{
	bool ok = process_message_one(s, dir, d, n);
	if (!ok)
		set_event(s, NFS_EV_MALFORMED_DATA);
	events_flush(s);
	return ok;
}

static bool process_message_one(struct nfs_state *s, enum app_dir dir, const uint8_t *d,
				uint32_t n)
{
	if (dir == APP_TOSERVER) {
		struct rpc_call c;
		if (!rpc_call_parse(d, n, &c))
			return false;
		process_call(s, &c);
	} else {
		struct rpc_reply r;
		if (!rpc_reply_parse(d, n, &r))
			return false;
		process_reply(s, &r);
	}
	return true;
}

/* ------------------------------------------------------------ probes */

enum app_probe_result nfs_probe(bool tcp, enum app_dir dir, const uint8_t *d, uint32_t n)
{
	/* Suricata's probes: a TCP call of NFSv3/v4 with a known procedure and
	 * auth flavour in a record of at least 40 bytes; a UDP call of NFSv2/v3
	 * of at least 48 bytes; a reply ACCEPTED and SUCCESS (UDP: 32 bytes). */
	uint32_t frag_len = n;
	if (tcp) {
		if (n < 8)
			return APP_PROBE_NEED_MORE;
		frag_len = be32(d) & 0x7fffffffu;
		d += 4;
		n -= 4;
	}
	struct xdr x;
	xdr_init(&x, d, n);
	(void)xdr_u32(&x); /* xid */
	uint32_t type = xdr_u32(&x);
	if (dir == APP_TOSERVER) {
		if (type != 0)
			return APP_PROBE_NO;
		if (tcp && frag_len < 40)
			return APP_PROBE_NO;
		if (!tcp && n < 48)
			return APP_PROBE_NO;
		struct rpc_call c;
		if (!rpc_call_parse(d, n < frag_len ? n : frag_len, &c))
			return tcp && n < frag_len ? APP_PROBE_NEED_MORE : APP_PROBE_NO;
		if (c.prog != NFS_RPC_PROGRAM)
			return APP_PROBE_NO;
		if (tcp)
			return (c.vers == 3 || c.vers == 4) && c.proc <= 21 && c.cred_flavor <= 6
				   ? APP_PROBE_MATCH
				   : APP_PROBE_NO;
		return c.vers == 2 || c.vers == 3 ? APP_PROBE_MATCH : APP_PROBE_NO;
	}
	if (type != 1)
		return APP_PROBE_NO;
	if (!tcp && n < 32)
		return APP_PROBE_NO;
	struct rpc_reply r;
	if (!rpc_reply_parse(d, n < frag_len ? n : frag_len, &r))
		return tcp && n < frag_len ? APP_PROBE_NEED_MORE : APP_PROBE_NO;
	return r.reply_state == 0 && r.accept_state == 0 ? APP_PROBE_MATCH : APP_PROBE_NO;
}

/* ------------------------------------------------------------ TCP framing */

static bool buf_append(struct dirbuf *b, const uint8_t *d, uint32_t n)
{
	if (b->len + n > b->cap) {
		uint32_t nc = b->cap ? b->cap : 4096;
		while (nc < b->len + n)
			nc *= 2;
		uint8_t *nb = realloc(b->buf, nc);
		if (nb == NULL)
			return false;
		b->buf = nb;
		b->cap = nc;
	}
	memcpy(b->buf + b->len, d, n);
	b->len += n;
	return true;
}

/* A record fragment of one direction; multi-fragment records are joined
 * (up to NFS_MAX_RECORD). */
static void tcp_fragment(struct nfs_state *s, enum app_dir dir, const uint8_t *d, uint32_t n,
			 bool last)
{
	struct dirbuf *b = &s->dir[dir];
	if (last && b->msg_len == 0) {
		(void)process_message(s, dir, d, n);
		return;
	}
	if (b->msg_len + n > NFS_MAX_RECORD) {
		free(b->msg);
		b->msg = NULL;
		b->msg_len = 0;
		set_event(s, NFS_EV_MALFORMED_DATA);
		events_flush(s);
		return;
	}
	uint8_t *nm = realloc(b->msg, b->msg_len + n ? b->msg_len + n : 1);
	if (nm == NULL)
		return;
	b->msg = nm;
	memcpy(b->msg + b->msg_len, d, n);
	b->msg_len += n;
	if (last) {
		(void)process_message(s, dir, b->msg, b->msg_len);
		free(b->msg);
		b->msg = NULL;
		b->msg_len = 0;
	}
}

/* Whole records of [d, d + n); returns the bytes consumed. */
static uint32_t tcp_records(struct nfs_state *s, enum app_dir dir, const uint8_t *d, uint32_t n)
{
	uint32_t off = 0;
	while (n - off >= 4) {
		uint32_t rm = be32(d + off);
		uint32_t len = rm & 0x7fffffffu;
		if (len > NFS_MAX_RECORD) {
			set_event(s, NFS_EV_MALFORMED_DATA);
			events_flush(s);
			s->dir[dir].skip = len;
			return off + 4;
		}
		if (n - off - 4 < len)
			break;
		tcp_fragment(s, dir, d + off + 4, len, (rm & 0x80000000u) != 0);
		off += 4 + len;
	}
	return off;
}

static enum app_parse_result tcp_parse(struct nfs_state *s, enum app_dir dir, const uint8_t *d,
				       uint32_t n, uint32_t flags)
{
	struct dirbuf *b = &s->dir[dir];
	if (flags & APP_CHUNK_GAP) {
		b->len = 0;
		b->skip = 0;
		free(b->msg);
		b->msg = NULL;
		b->msg_len = 0;
		b->gap = true;
	}
	if (b->skip > 0) {
		uint32_t k = n < b->skip ? n : b->skip;
		b->skip -= k;
		d += k;
		n -= k;
	}
	if (b->gap && n > 0) {
		/* after lost data, only a record whose header looks right */
		if (nfs_probe(true, dir, d, n) != APP_PROBE_MATCH)
			return APP_PARSE_OK;
		b->gap = false;
	}
	if (b->len == 0) {
		uint32_t used = tcp_records(s, dir, d, n);
		if (b->skip > 0 && used < n) {
			uint32_t k = n - used < b->skip ? n - used : b->skip;
			b->skip -= k;
			used += k;
		}
		if (used < n && !buf_append(b, d + used, n - used))
			return APP_PARSE_ERROR;
		return APP_PARSE_OK;
	}
	if (!buf_append(b, d, n))
		return APP_PARSE_ERROR;
	uint32_t used = tcp_records(s, dir, b->buf, b->len);
	if (b->skip > 0 && used < b->len) {
		uint32_t k = b->len - used < b->skip ? b->len - used : b->skip;
		b->skip -= k;
		used += k;
	}
	memmove(b->buf, b->buf + used, b->len - used);
	b->len -= used;
	return APP_PARSE_OK;
}

/* ------------------------------------------------------------ API */

struct nfs_state *nfs_state_new(bool tcp, uint8_t file_hashes)
{
	struct nfs_state *s = calloc(1, sizeof(*s));
	if (s == NULL)
		return NULL;
	s->tcp = tcp;
	s->file_hashes = file_hashes;
	return s;
}

void nfs_state_free(struct nfs_state *s)
{
	if (s == NULL)
		return;
	for (int i = 0; i < 2; i++) {
		free(s->dir[i].buf);
		free(s->dir[i].msg);
	}
	for (uint32_t i = 0; i < s->n_txs; i++)
		tx_free(s->txs[i]);
	free(s->txs);
	for (uint32_t i = 0; i < NFS_MAX_PENDING; i++)
		pending_done(&s->pend[i]);
	for (uint32_t i = 0; i < NFS_MAX_NAMES; i++) {
		bytes_free(&s->names[i].handle);
		bytes_free(&s->names[i].name);
	}
	free(s);
}

enum app_parse_result nfs_parse(struct nfs_state *s, enum app_dir dir, const uint8_t *d,
				uint32_t n, uint32_t flags)
{
	if (s->tcp) {
		enum app_parse_result r = tcp_parse(s, dir, d, n, flags);
		if (flags & APP_CHUNK_EOF) {
			/* both directions closed: every transaction is complete,
			 * as Suricata's progress is at end of stream */
			s->eof[dir] = true;
			for (uint32_t i = 0; i < s->n_txs && s->eof[0] && s->eof[1]; i++)
				s->txs[i]->request_done = s->txs[i]->response_done = true;
		}
		return r;
	}
	if (n > 0)
		(void)process_message(s, dir, d, n);
	return APP_PARSE_OK;
}

uint64_t nfs_tx_count(const struct nfs_state *s)
{
	return s->next_id;
}

const struct nfs_tx *nfs_tx_get(const struct nfs_state *s, uint64_t id)
{
	return app_tx_find((void *const *)s->txs, s->n_txs, id, offsetof(struct nfs_tx, id));
}

void nfs_tx_release_upto(struct nfs_state *s, uint64_t id)
{
	uint32_t k = 0;
	while (k < s->n_txs && s->txs[k]->id < id)
		tx_free(s->txs[k++]);
	if (k > 0) {
		memmove(s->txs, s->txs + k, (s->n_txs - k) * sizeof(*s->txs));
		s->n_txs -= k;
	}
}

uint16_t nfs_state_version(const struct nfs_state *s)
{
	return s->nfs_version;
}

/* ------------------------------------------------------------ names */

static const char *const proc3_names[] = {
    "NULL", "GETATTR", "SETATTR", "LOOKUP", "ACCESS", "READLINK", "READ", "WRITE",
    "CREATE", "MKDIR", "SYMLINK", "MKNOD", "REMOVE", "RMDIR", "RENAME", "LINK",
    "READDIR", "READDIRPLUS", "FSSTAT", "FSINFO", "PATHCONF", "COMMIT",
};
static const char *const proc2_names[] = {
    "NULL", "GETATTR", "SETATTR", "ROOT", "LOOKUP", "READLINK", "READ", "WRITECACHE", "WRITE",
    "CREATE", "REMOVE", "RENAME", "LINK", "SYMLINK", "MKDIR", "RMDIR", "READDIR", "STATFS",
};
static const char *const proc4_names[] = {
    [0] = "NULL", [1] = "COMPOUND", [3] = "ACCESS", [4] = "CLOSE", [5] = "COMMIT",
    [6] = "CREATE", [7] = "DELEGPURGE", [8] = "DELEGRETURN", [9] = "GETATTR", [10] = "GETFH",
    [11] = "LINK", [12] = "LOCK", [13] = "LOCKT", [14] = "LOCKU", [15] = "LOOKUP",
    [16] = "LOOKUPP", [17] = "NVERIFY", [18] = "OPEN", [19] = "OPENATTR",
    [20] = "OPEN_CONFIRM", [21] = "OPEN_DOWNGRADE", [22] = "PUTFH", [23] = "PUTPUBFH",
    [24] = "PUTROOTFH", [25] = "READ", [26] = "READDIR", [27] = "READLINK", [28] = "REMOVE",
    [29] = "RENAME", [30] = "RENEW", [31] = "RESTOREFH", [32] = "SAVEFH", [33] = "SECINFO",
    [34] = "SETATTR", [35] = "SETCLIENTID", [36] = "SETCLIENTID_CONFIRM", [37] = "VERIFY",
    [38] = "WRITE", [39] = "RELEASE_LOCKOWNER",
};

static const char *const *proc_table(uint16_t version, uint32_t *n)
{
	if (version == 2) {
		*n = sizeof(proc2_names) / sizeof(proc2_names[0]);
		return proc2_names;
	}
	if (version >= 4) {
		*n = sizeof(proc4_names) / sizeof(proc4_names[0]);
		return proc4_names;
	}
	*n = sizeof(proc3_names) / sizeof(proc3_names[0]);
	return proc3_names;
}

const char *nfs_procedure_name(uint16_t version, uint32_t proc, char *buf, uint32_t len)
{
	uint32_t n;
	const char *const *t = proc_table(version, &n);
	if (proc < n && t[proc] != NULL)
		return t[proc];
	if (version >= 4 && proc == 10044)
		return "ILLEGAL";
	snprintf(buf, len, "%u", proc);
	return buf;
}

int64_t nfs_procedure_by_name(uint16_t version, const char *name)
{
	uint32_t n;
	const char *const *t = proc_table(version, &n);
	for (uint32_t i = 0; i < n; i++)
		if (t[i] != NULL && strcasecmp(t[i], name) == 0)
			return i;
	return -1;
}

const char *nfs_status_name(uint32_t status, char *buf, uint32_t len)
{
	static const struct {
		uint32_t v;
		const char *s;
	} names[] = {
	    {0, "OK"}, {1, "ERR_PERM"}, {2, "ERR_NOENT"}, {5, "ERR_IO"}, {6, "ERR_NXIO"},
	    {13, "ERR_ACCES"}, {17, "ERR_EXIST"}, {18, "ERR_XDEV"}, {19, "ERR_NODEV"},
	    {20, "ERR_NOTDIR"}, {21, "ERR_ISDIR"}, {22, "ERR_INVAL"}, {27, "ERR_FBIG"},
	    {28, "ERR_NOSPC"}, {30, "ERR_ROFS"}, {31, "ERR_MLINK"}, {63, "ERR_NAMETOOLONG"},
	    {66, "ERR_NOTEMPTY"}, {69, "ERR_DQUOT"}, {70, "ERR_STALE"}, {71, "ERR_REMOTE"},
	    {10001, "ERR_BADHANDLE"}, {10002, "ERR_NOT_SYNC"}, {10003, "ERR_BAD_COOKIE"},
	    {10004, "ERR_NOTSUPP"}, {10005, "ERR_TOOSMALL"}, {10006, "ERR_SERVERFAULT"},
	    {10007, "ERR_BADTYPE"}, {10008, "ERR_JUKEBOX"},
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].v == status)
			return names[i].s;
	snprintf(buf, len, "%u", status);
	return buf;
}

/* ------------------------------------------------------------ descriptor */

static enum app_probe_result d_probe_port(const struct app_probe_in *in, const uint8_t *d,
					  uint32_t n)
{
	return nfs_probe(in->tcp, in->dir, d, n);
}

static void *d_state_new(const struct app_flow_info *fi)
{
	return nfs_state_new(fi->tcp, fi->file_hashes);
}

static void d_state_free(void *st)
{
	nfs_state_free(st);
}

static enum app_parse_result d_parse(void *st, enum app_dir dir, const uint8_t *d, uint32_t n,
				     uint32_t flags)
{
	return nfs_parse(st, dir, d, n, flags);
}

static uint64_t d_tx_count(const void *st)
{
	return nfs_tx_count(st);
}

static const void *d_tx_get(const void *st, uint64_t id)
{
	return nfs_tx_get(st, id);
}

static enum app_side d_tx_side(const void *st, const void *vtx, enum app_dir dir, bool eof)
{
	(void)st;
	const struct nfs_tx *tx = vtx;
	/* Suricata's NFS keywords inspect at progress 0: a transaction's
	 * request side is ready as soon as its call made it */
	if (dir == APP_TOSERVER)
		return APP_SIDE_READY;
	return tx->response_done || eof ? APP_SIDE_READY : APP_SIDE_PENDING;
}

static enum app_log_decision d_tx_log(const void *st, const void *vtx, bool flow_end)
{
	const struct nfs_state *s = st;
	const struct nfs_tx *tx = vtx;
	if (!(tx->request_done && tx->response_done) && !flow_end)
		return APP_LOG_WAIT;
	/* Suricata filters NFSv2/v3 GETATTR out of its log */
	if (s->nfs_version <= 3 && tx->procedure == P3_GETATTR && !tx->is_file_tx)
		return APP_LOG_SKIP;
	return APP_LOG_NOW;
}

static void d_tx_release_upto(void *st, uint64_t id)
{
	nfs_tx_release_upto(st, id);
}

static bool d_tx_has_event(const void *st, const void *vtx, int ev)
{
	(void)st;
	const struct nfs_tx *tx = vtx;
	return ev >= 0 && ev < NFS_EV_COUNT && (tx->events & (1u << ev));
}

static void d_log_json(struct json *j, const void *st, const void *tx, uint32_t opts)
{
	(void)opts;
	nfs_tx_log_json(j, st, tx);
}

static bool d_tx_file(const void *t, uint32_t k, struct app_file_info *out)
{
	const struct nfs_tx *tx = t;
	if (k != 0 || !tx->is_file_tx)
		return false;
	return app_file_info(&tx->file, out);
}

static const char *d_tx_file_magic(const void *t, uint32_t k, struct file_magic *fm)
{
	const struct nfs_tx *tx = t;
	if (k != 0 || !tx->is_file_tx)
		return NULL;
	return app_file_magic(&tx->file, fm);
}

const struct app_protocol app_nfs = {
    .name = "nfs",
    .ipprotos = APP_IPPROTO_TCP | APP_IPPROTO_UDP,
    .tcp_ports = "2049",
    .udp_ports = "2049",
    .probe_port = d_probe_port,
    .stream_depth = APP_STREAM_DEPTH_UNLIMITED,
    .state_new = d_state_new,
    .state_free = d_state_free,
    .parse = d_parse,
    .tx_count = d_tx_count,
    .tx_get = d_tx_get,
    .tx_side = d_tx_side,
    .tx_log = d_tx_log,
    .tx_release_upto = d_tx_release_upto,
    .event_names = nfs_event_names,
    .n_events = NFS_EV_COUNT,
    .tx_has_event = d_tx_has_event,
    .eve_type = "nfs",
    .log_json = d_log_json,
    .eve_no_tx_id = true,
    .eve_dir_packet = true,
    .tx_file = d_tx_file,
    .tx_file_magic = d_tx_file_magic,
};
