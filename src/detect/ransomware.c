/*
 * ransomware — behaviour detection of ransomware on file shares: what an
 * encryptor does to a share does not change from one family to the next,
 * whatever its extension, note or binary.  Fed with every application
 * transaction as it is logged (through the protocol's tx_share_op: SMB's
 * creates, writes, renames and named-pipe calls, DCERPC over TCP), it
 * keeps per worker, for each (client, server, share), the recent
 * operations in a sliding window and raises an alert when
 *
 *   - files are renamed to one new extension (mass rename, T1486),
 *   - files are overwritten with high-entropy bytes (T1486),
 *   - one new file name is created in many directories (ransom note, T1486),
 *   - a service is created remotely (PsExec-style, T1569.002 and
 *     T1021.002), or its command line destroys shadow copies or backups,
 *     a backup service is stopped, or WMI's Win32_ShadowCopy is called
 *     (inhibit system recovery, T1490).
 *
 * Alerts carry vigil's reserved signature ids (RANSOMWARE_SID_*), metadata
 * naming the behaviour, the ATT&CK technique, the share, the client, the
 * count and a sample of file names, so they reach EVE, the event store
 * and the briefing like any rule's.  A behaviour alerts once per window
 * per (client, server, share).
 *
 * Memory: at most max_keys tracked triples per worker (256 by default, the
 * least recently seen is dropped and counted), each about 5 KiB: RW_RING
 * operations of each kind, names hashed, a few samples kept.  Nothing here is
 * shared between workers.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "decode/decode.h"
#include "detect/detect.h"
#include "flow/flow.h"
#include "stream/stream.h"
#include "util/config.h"

#define RW_RING 64    /* operations of each kind kept per triple (thresholds are capped to it) */
#define RW_SAMPLES 3  /* file names kept as an alert's sample */
#define RW_NAME 96    /* bytes kept of a sample name */
#define RW_SLOTS 4    /* alerts one transaction can raise */
#define RW_META 8     /* metadata entries per alert */

enum rw_kind { RW_RENAME, RW_OVERWRITE, RW_NOTE, RW_KINDS };
enum rw_behaviour {
	B_MASS_RENAME,
	B_ENTROPY_OVERWRITE,
	B_RANSOM_NOTE,
	B_SERVICE_CREATED,
	B_RECOVERY_INHIBITED,
	B_COUNT,
};

static const struct {
	uint32_t sid;
	const char *name, *technique, *technique_name, *msg;
} behaviours[B_COUNT] = {
    [B_MASS_RENAME] = {RANSOMWARE_SID_BASE + 1, "mass_rename", "T1486",
		       "Data_Encrypted_for_Impact",
		       "VIGIL RANSOMWARE files on a share renamed to one new extension"},
    [B_ENTROPY_OVERWRITE] = {RANSOMWARE_SID_BASE + 2, "high_entropy_overwrite", "T1486",
			     "Data_Encrypted_for_Impact",
			     "VIGIL RANSOMWARE files on a share overwritten with high-entropy data"},
    [B_RANSOM_NOTE] = {RANSOMWARE_SID_BASE + 3, "ransom_note", "T1486",
		       "Data_Encrypted_for_Impact",
		       "VIGIL RANSOMWARE one new file name written in many directories of a share"},
    [B_SERVICE_CREATED] = {RANSOMWARE_SID_BASE + 4, "remote_service_creation", "T1569.002",
			   "Service_Execution",
			   "VIGIL RANSOMWARE service created remotely over the service control "
			   "manager (PsExec-style)"},
    [B_RECOVERY_INHIBITED] = {RANSOMWARE_SID_BASE + 5, "recovery_inhibited", "T1490",
			      "Inhibit_System_Recovery",
			      "VIGIL RANSOMWARE shadow copies or backups destroyed remotely"},
};

struct rw_op {
	int64_t ts;
	uint64_t hash; /* RENAME: new extension; OVERWRITE: path; NOTE: base name */
	uint64_t dir;  /* NOTE: directory */
};

struct rw_ring {
	struct rw_op op[RW_RING];
	uint32_t next, count;
	char sample[RW_SAMPLES][RW_NAME];
	uint32_t nsample;
};

struct rw_key {
	bool used;
	struct ip_addr client, server;
	uint64_t share;
	char share_name[RW_NAME];
	int64_t last_seen;
	int64_t alerted[B_COUNT]; /* when the behaviour last alerted; 0 never */
	struct rw_ring ring[RW_KINDS];
	char service[RW_NAME]; /* the service last opened over svcctl */
};

struct rw_alert_text {
	char msg[200];
	char meta[RW_META][RW_NAME * 4];
	const char *meta_p[RW_META];
};

struct ransomware {
	struct ransomware_config cfg;
	struct rw_key *keys;
	struct rw_alert_text text[RW_SLOTS];
	unsigned nslot;
	uint64_t keys_dropped;
};

/* ------------------------------------------------------------ settings */

void ransomware_config_defaults(struct ransomware_config *c)
{
	c->enabled = true;
	c->window = 60;
	c->renames = 10;
	c->overwrites = 10;
	c->entropy = 7.5;
	c->min_sample = 4096;
	c->note_dirs = 5;
	c->max_keys = 256;
}

static uint32_t load_u32(const struct config_node *root, const char *name, uint32_t def,
			 uint32_t min, uint32_t max)
{
	char key[96];
	snprintf(key, sizeof(key), "behaviour.ransomware.%s", name);
	int64_t v = config_get_int(root, key, def);
	if (v < min || v > max) {
		fprintf(stderr, "vigil: config: %s: %lld is out of range, %u used\n", key,
			(long long)v, def);
		return def;
	}
	return (uint32_t)v;
}

void ransomware_config_load(struct ransomware_config *c, const struct config_node *root)
{
	c->enabled = config_get_bool(root, "behaviour.ransomware.enabled", c->enabled);
	c->window = load_u32(root, "window", c->window, 1, 86400);
	c->renames = load_u32(root, "rename-threshold", c->renames, 2, RW_RING);
	c->overwrites = load_u32(root, "overwrite-threshold", c->overwrites, 2, RW_RING);
	c->note_dirs = load_u32(root, "note-directories", c->note_dirs, 2, RW_RING);
	c->min_sample = load_u32(root, "entropy-min-bytes", c->min_sample, 256, 16384);
	c->max_keys = load_u32(root, "max-tracked", c->max_keys, 16, 65536);
	const char *e = config_get_str(root, "behaviour.ransomware.entropy-threshold", NULL);
	if (e != NULL) {
		char *end;
		double v = strtod(e, &end);
		if (end == e || *end != '\0' || v <= 0 || v > 8)
			fprintf(stderr,
				"vigil: config: behaviour.ransomware.entropy-threshold: '%s' is not "
				"a number of bits per byte in (0, 8], %.2f used\n",
				e, c->entropy);
		else
			c->entropy = v;
	}
}

struct ransomware *ransomware_new(const struct ransomware_config *cfg)
{
	struct ransomware *r = calloc(1, sizeof(*r));
	if (r == NULL)
		return NULL;
	if (cfg != NULL)
		r->cfg = *cfg;
	else
		ransomware_config_defaults(&r->cfg);
	r->keys = calloc(r->cfg.max_keys, sizeof(*r->keys));
	if (r->keys == NULL) {
		free(r);
		return NULL;
	}
	return r;
}

void ransomware_free(struct ransomware *r)
{
	if (r == NULL)
		return;
	free(r->keys);
	free(r);
}

uint64_t ransomware_keys_dropped(const struct ransomware *r)
{
	return r != NULL ? r->keys_dropped : 0;
}

/* ------------------------------------------------------------ names */

/* FNV-1a over bytes, case-folded (Windows names are case-insensitive). */
static uint64_t hash_fold(const uint8_t *d, uint32_t n)
{
	uint64_t h = 1469598103934665603ull;
	for (uint32_t i = 0; i < n; i++) {
		uint8_t c = d[i] >= 'A' && d[i] <= 'Z' ? (uint8_t)(d[i] + 32) : d[i];
		h = (h ^ c) * 1099511628211ull;
	}
	return h;
}

/* The last path element's start (after '\\' or '/'). */
static uint32_t base_start(const uint8_t *p, uint32_t n)
{
	uint32_t s = 0;
	for (uint32_t i = 0; i < n; i++)
		if (p[i] == '\\' || p[i] == '/')
			s = i + 1;
	return s;
}

/* The extension of a name (after its last '.', within the last element):
 * false when it has none or it is too long to be one (> 16). */
static bool extension(const uint8_t *p, uint32_t n, const uint8_t **ext, uint32_t *len)
{
	uint32_t b = base_start(p, n);
	for (uint32_t i = n; i > b; i--)
		if (p[i - 1] == '.') {
			*ext = p + i - 1;
			*len = n - (i - 1);
			return *len > 1 && *len <= 17;
		}
	return false;
}

static void keep_sample(struct rw_ring *r, const uint8_t *p, uint32_t n)
{
	uint32_t k = r->nsample < RW_SAMPLES ? r->nsample++ : (r->nsample++ % RW_SAMPLES);
	snprintf(r->sample[k], RW_NAME, "%.*s", (int)(n < RW_NAME - 1 ? n : RW_NAME - 1),
		 (const char *)p);
}

/* Shannon entropy of d in bits per byte. */
static double entropy_of(const uint8_t *d, uint32_t n)
{
	uint32_t count[256] = {0};
	for (uint32_t i = 0; i < n; i++)
		count[d[i]]++;
	double h = 0;
	for (int c = 0; c < 256; c++)
		if (count[c] != 0) {
			double p = (double)count[c] / n;
			h -= p * log2(p);
		}
	return h;
}

/* ------------------------------------------------------------ state */

static struct rw_key *key_for(struct ransomware *r, const struct ip_addr *client,
			      const struct ip_addr *server, const struct app_share_op *op,
			      int64_t now)
{
	uint64_t share = hash_fold(op->share, op->share_len);
	struct rw_key *oldest = &r->keys[0];
	for (uint32_t i = 0; i < r->cfg.max_keys; i++) {
		struct rw_key *k = &r->keys[i];
		if (k->used && k->share == share && memcmp(&k->client, client, sizeof(*client)) == 0 &&
		    memcmp(&k->server, server, sizeof(*server)) == 0) {
			k->last_seen = now;
			return k;
		}
		if (!k->used || (oldest->used && k->last_seen < oldest->last_seen))
			oldest = k;
	}
	if (oldest->used)
		r->keys_dropped++;
	memset(oldest, 0, sizeof(*oldest));
	oldest->used = true;
	oldest->client = *client;
	oldest->server = *server;
	oldest->share = share;
	snprintf(oldest->share_name, sizeof(oldest->share_name), "%.*s",
		 (int)(op->share_len < RW_NAME - 1 ? op->share_len : RW_NAME - 1),
		 (const char *)op->share);
	oldest->last_seen = now;
	return oldest;
}

static void ring_add(struct rw_ring *r, int64_t ts, uint64_t hash, uint64_t dir)
{
	r->op[r->next] = (struct rw_op){ts, hash, dir};
	r->next = (r->next + 1) % RW_RING;
	if (r->count < RW_RING)
		r->count++;
}

/* Operations in the window [now - window, now] with this hash; for notes,
 * the distinct directories they were written in. */
static uint32_t ring_count(const struct rw_ring *r, int64_t now, uint32_t window, uint64_t hash,
			   bool distinct_dirs)
{
	uint64_t dirs[RW_RING];
	uint32_t n = 0;
	for (uint32_t i = 0; i < r->count; i++) {
		const struct rw_op *o = &r->op[i];
		if (o->ts < now - (int64_t)window || (hash != 0 && o->hash != hash))
			continue;
		if (distinct_dirs) {
			bool seen = false;
			for (uint32_t k = 0; k < n && !seen; k++)
				seen = dirs[k] == o->dir;
			if (seen)
				continue;
			dirs[n] = o->dir;
		}
		n++;
	}
	return n;
}

/* ------------------------------------------------------------ alerts */

static struct alert *new_alert(struct ransomware *r, struct alert_queue *q, struct rw_key *k,
			       enum rw_behaviour b, int64_t now, uint64_t tx_id)
{
	if (now - k->alerted[b] < (int64_t)r->cfg.window && k->alerted[b] != 0)
		return NULL; /* once per window */
	if (r->nslot >= RW_SLOTS || q->count >= DETECT_PACKET_ALERT_MAX)
		return NULL;
	k->alerted[b] = now;
	struct rw_alert_text *t = &r->text[r->nslot++];
	struct alert *a = &q->alerts[q->count++];
	memset(a, 0, sizeof(*a));
	a->action = DETECT_ACTION_ALERT;
	a->gid = 1;
	a->sid = behaviours[b].sid;
	a->rev = 1;
	a->priority = 1;
	a->classtype = "trojan-activity";
	a->category = "A Network Trojan was detected";
	a->flags = ALERT_F_TX | ALERT_F_STATE_MATCH;
	a->tx_id = tx_id;
	char client[64];
	decode_addr_str(&k->client, client, sizeof(client));
	snprintf(t->msg, sizeof(t->msg), "%s", behaviours[b].msg);
	a->msg = t->msg;
	unsigned m = 0;
	snprintf(t->meta[m++], sizeof(t->meta[0]), "behaviour %s", behaviours[b].name);
	snprintf(t->meta[m++], sizeof(t->meta[0]), "mitre_technique_id %s",
		 behaviours[b].technique);
	snprintf(t->meta[m++], sizeof(t->meta[0]), "mitre_technique_name %s",
		 behaviours[b].technique_name);
	snprintf(t->meta[m++], sizeof(t->meta[0]), "share %s", k->share_name);
	snprintf(t->meta[m++], sizeof(t->meta[0]), "client %s", client);
	for (unsigned i = 0; i < m; i++)
		t->meta_p[i] = t->meta[i];
	a->metadata = t->meta_p;
	a->metadata_count = m;
	return a;
}

static void add_meta(struct ransomware *r, struct alert *a, const char *key, const char *value)
{
	struct rw_alert_text *t = &r->text[r->nslot - 1];
	if (a->metadata_count >= RW_META)
		return;
	/* cut long values (a command line) to the slot */
	int room = (int)sizeof(t->meta[0]) - (int)strlen(key) - 2;
	snprintf(t->meta[a->metadata_count], sizeof(t->meta[0]), "%s %.*s", key,
		 room > 0 ? room : 0, value);
	t->meta_p[a->metadata_count] = t->meta[a->metadata_count];
	a->metadata_count++;
}

static void add_count_and_sample(struct ransomware *r, struct alert *a, uint32_t count,
				 const struct rw_ring *ring)
{
	char buf[RW_NAME * 4];
	snprintf(buf, sizeof(buf), "%u", count);
	add_meta(r, a, "count", buf);
	size_t off = 0;
	buf[0] = '\0';
	uint32_t n = ring->nsample < RW_SAMPLES ? ring->nsample : RW_SAMPLES;
	for (uint32_t i = 0; i < n && off < sizeof(buf); i++)
		off += (size_t)snprintf(buf + off, sizeof(buf) - off, "%s%s", i ? "; " : "",
					ring->sample[i]);
	if (n > 0)
		add_meta(r, a, "sample_files", buf);
}

/* ------------------------------------------------------------ file operations */

static void on_rename(struct ransomware *r, struct rw_key *k, const struct app_share_op *op,
		      int64_t now, uint64_t tx_id, struct alert_queue *q)
{
	const uint8_t *oe = NULL, *ne;
	uint32_t ol = 0, nl;
	if (!extension(op->new_path, op->new_path_len, &ne, &nl))
		return;
	bool had = extension(op->path, op->path_len, &oe, &ol);
	if (had && ol == nl && hash_fold(oe, ol) == hash_fold(ne, nl))
		return; /* same extension: an ordinary rename */
	struct rw_ring *ring = &k->ring[RW_RENAME];
	uint64_t h = hash_fold(ne, nl);
	ring_add(ring, now, h, 0);
	keep_sample(ring, op->new_path + base_start(op->new_path, op->new_path_len),
		    op->new_path_len - base_start(op->new_path, op->new_path_len));
	uint32_t n = ring_count(ring, now, r->cfg.window, h, false);
	if (n < r->cfg.renames)
		return;
	struct alert *a = new_alert(r, q, k, B_MASS_RENAME, now, tx_id);
	if (a == NULL)
		return;
	char ext[32];
	snprintf(ext, sizeof(ext), "%.*s", (int)nl, (const char *)ne);
	add_meta(r, a, "extension", ext);
	add_count_and_sample(r, a, n, ring);
}

static void on_write(struct ransomware *r, struct rw_key *k, const struct app_share_op *op,
		     int64_t now, uint64_t tx_id, struct alert_queue *q)
{
	if (op->sample_len < r->cfg.min_sample && op->sample_len < op->bytes)
		return; /* too little to judge */
	if (op->sample_len < 256 || entropy_of(op->sample, op->sample_len) < r->cfg.entropy)
		return;
	struct rw_ring *ring = &k->ring[RW_OVERWRITE];
	uint64_t h = hash_fold(op->path, op->path_len);
	/* one file counts once however many writes it takes */
	for (uint32_t i = 0; i < ring->count; i++)
		if (ring->op[i].hash == h && ring->op[i].ts >= now - (int64_t)r->cfg.window)
			return;
	ring_add(ring, now, h, 0);
	keep_sample(ring, op->path + base_start(op->path, op->path_len),
		    op->path_len - base_start(op->path, op->path_len));
	uint32_t n = ring_count(ring, now, r->cfg.window, 0, false);
	if (n < r->cfg.overwrites)
		return;
	struct alert *a = new_alert(r, q, k, B_ENTROPY_OVERWRITE, now, tx_id);
	if (a != NULL)
		add_count_and_sample(r, a, n, ring);
}

static void on_create(struct ransomware *r, struct rw_key *k, const struct app_share_op *op,
		      int64_t now, uint64_t tx_id, struct alert_queue *q)
{
	if (!op->created || op->is_dir)
		return;
	uint32_t b = base_start(op->path, op->path_len);
	if (op->path_len - b < 5)
		return; /* names like "a.b" are not notes */
	struct rw_ring *ring = &k->ring[RW_NOTE];
	uint64_t h = hash_fold(op->path + b, op->path_len - b);
	uint64_t dir = hash_fold(op->path, b);
	ring_add(ring, now, h, dir);
	uint32_t n = ring_count(ring, now, r->cfg.window, h, true);
	if (n < r->cfg.note_dirs)
		return;
	struct alert *a = new_alert(r, q, k, B_RANSOM_NOTE, now, tx_id);
	if (a == NULL)
		return;
	char name[RW_NAME];
	snprintf(name, sizeof(name), "%.*s", (int)(op->path_len - b), (const char *)op->path + b);
	add_meta(r, a, "note_name", name);
	char cnt[16];
	snprintf(cnt, sizeof(cnt), "%u", n);
	add_meta(r, a, "count", cnt);
}

/* ------------------------------------------------------------ remote calls */

/* svcctl (MS-SCMR, 367abb81-9844-35f1-ad32-98f038001003) and its operations. */
static const uint8_t svcctl_uuid[16] = {0x36, 0x7a, 0xbb, 0x81, 0x98, 0x44, 0x35, 0xf1,
					0xad, 0x32, 0x98, 0xf0, 0x38, 0x00, 0x10, 0x03};
enum { SCMR_CONTROL_SERVICE = 1, SCMR_CREATE_SERVICE_W = 12, SCMR_OPEN_SERVICE_W = 16 };

/* The printable text of a stub: UTF-16LE strings as ASCII, lower-cased,
 * separated by '|'; other bytes dropped. */
static size_t stub_text(const uint8_t *d, uint32_t n, char *out, size_t cap)
{
	size_t o = 0;
	bool in = false;
	for (uint32_t i = 0; i + 1 < n && o + 2 < cap; i += 2) {
		uint8_t c = d[i];
		if (d[i + 1] == 0 && c >= 0x20 && c < 0x7f) {
			out[o++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
			in = true;
		} else if (in) {
			out[o++] = '|';
			in = false;
		}
	}
	out[o] = '\0';
	return o;
}

/* Command lines that destroy shadow copies, backups or recovery. */
static bool destroys_recovery(const char *t)
{
	static const char *const pairs[][2] = {
	    {"vssadmin", "delete"},	 {"vssadmin", "resize"}, {"wmic", "shadowcopy"},
	    {"win32_shadowcopy", ""}, {"wbadmin", "delete"},  {"bcdedit", "recoveryenabled"},
	    {"diskshadow", "delete"},
	};
	for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++)
		if (strstr(t, pairs[i][0]) != NULL && strstr(t, pairs[i][1]) != NULL)
			return true;
	return false;
}

/* Services whose stop takes backups or shadow copies down. */
static bool backup_service(const char *name)
{
	static const char *const names[] = {"vss",   "swprv",	"wbengine",   "sdrsvc",
					    "sqlwriter", "veeam", "backupexec"};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strncmp(name, names[i], strlen(names[i])) == 0)
			return true;
	return false;
}

static void recovery_alert(struct ransomware *r, struct rw_key *k, int64_t now, uint64_t tx_id,
			   struct alert_queue *q, const char *how, const char *detail)
{
	struct alert *a = new_alert(r, q, k, B_RECOVERY_INHIBITED, now, tx_id);
	if (a == NULL)
		return;
	add_meta(r, a, "method", how);
	add_meta(r, a, "command", detail);
}

static void on_rpc(struct ransomware *r, struct rw_key *k, const struct app_share_op *op,
		   int64_t now, uint64_t tx_id, struct alert_queue *q)
{
	char text[1024];
	stub_text(op->stub, op->stub_len, text, sizeof(text));
	bool svcctl = op->iface != NULL && memcmp(op->iface, svcctl_uuid, 16) == 0;
	if (svcctl && op->opnum == SCMR_OPEN_SERVICE_W) {
		const char *s = text;
		while (*s == '|')
			s++;
		snprintf(k->service, sizeof(k->service), "%.*s", (int)strcspn(s, "|"), s);
	} else if (svcctl && op->opnum == SCMR_CONTROL_SERVICE && backup_service(k->service)) {
		recovery_alert(r, k, now, tx_id, q, "service_stopped", k->service);
	} else if (svcctl && op->opnum == SCMR_CREATE_SERVICE_W) {
		struct alert *a = new_alert(r, q, k, B_SERVICE_CREATED, now, tx_id);
		if (a != NULL) {
			add_meta(r, a, "mitre_technique_id", "T1021.002");
			add_meta(r, a, "service", text[0] == '|' ? text + 1 : text);
		}
		if (destroys_recovery(text))
			recovery_alert(r, k, now, tx_id, q, "service_command", text);
	} else if (strstr(text, "win32_shadowcopy") != NULL) {
		recovery_alert(r, k, now, tx_id, q, "wmi", text);
	}
}

/* ------------------------------------------------------------ entry */

void ransomware_observe_op(struct ransomware *r, const struct ip_addr *client,
			   const struct ip_addr *server, const struct app_share_op *op,
			   uint64_t tx_id, int64_t now, struct alert_queue *q)
{
	r->nslot = 0;
	if (!r->cfg.enabled || op->kind == APP_SHARE_NONE)
		return;
	struct rw_key *k = key_for(r, client, server, op, now);
	switch (op->kind) {
	case APP_SHARE_RENAME: on_rename(r, k, op, now, tx_id, q); break;
	case APP_SHARE_WRITE: on_write(r, k, op, now, tx_id, q); break;
	case APP_SHARE_OPEN: on_create(r, k, op, now, tx_id, q); break;
	case APP_SHARE_RPC: on_rpc(r, k, op, now, tx_id, q); break;
	default: break;
	}
}

void ransomware_observe(struct ransomware *r, const struct flow *f, int proto, const void *state,
			const void *tx, uint64_t tx_id, int64_t now, struct alert_queue *q)
{
	const struct app_protocol *ap = app_protocol((enum app_proto)proto);
	struct app_share_op op;
	if (!r->cfg.enabled || f == NULL || ap == NULL || ap->tx_share_op == NULL)
		return;
	memset(&op, 0, sizeof(op));
	if (!ap->tx_share_op(state, tx, &op))
		return;
	bool rev = f->proto == 6 && stream_flow_reversed(f);
	ransomware_observe_op(r, rev ? &f->dst : &f->src, rev ? &f->src : &f->dst, &op, tx_id, now,
			      q);
}
