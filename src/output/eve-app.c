/*
 * eve-app — the application layer's EVE events: one per transaction the
 * app layer says is ready, of the protocol's own type ("dns", "http",
 * "smb", ...) written by its descriptor's writer inside the common
 * header; "fileinfo" for each file a logged transaction carried, and
 * "anomaly" for its parser events.  Nothing here knows any one protocol.
 */
#include "app/app.h"
#include "output/eve.h"
#include "util/json.h"

#include <stdio.h>

struct app_log {
	struct eve_logger *l;
	const struct packet *p;
	struct flow *f;
};

/*
 * "anomaly" events of type applayer for the parser events a transaction
 * carries, logged with the transaction, in the direction of the packet
 * that completed it.  Names are Suricata's: upper case for HTTP and TLS
 * (their C event tables), lower case for DNS (its Rust one).
 */
static void log_one_anomaly(struct app_log *a, const char *proto, const char *name, bool upper,
			    uint64_t tx_id)
{
	struct json *j = a->p ? eve_begin(a->l, "anomaly", a->p, a->f, 0, 0)
			      : eve_begin_tx(a->l, "anomaly", NULL, a->f);
	json_uint(j, "tx_id", tx_id);
	eve_put_applayer_anomaly(j, proto, name, upper, "proto_parser");
	eve_commit(a->l);
}

static void log_tx_anomalies(struct app_log *a, const struct app_protocol *ap, const void *state,
			     const void *tx, uint64_t tx_id)
{
	const struct eve_config *cfg = eve_logger_config(a->l);
	if (!cfg->types[EVE_T_ANOMALY] || !cfg->anomaly_applayer || ap->tx_has_event == NULL)
		return;
	for (int e = 0; e < ap->n_events; e++)
		if (ap->tx_has_event(state, tx, e))
			log_one_anomaly(a, ap->name, ap->event_names[e], ap->events_upper, tx_id);
}

static void put_hex(struct json *j, const char *key, const uint8_t *d, size_t n)
{
	char buf[2 * 32 + 1];
	for (size_t i = 0; i < n; i++)
		snprintf(buf + 2 * i, 3, "%02x", d[i]);
	json_str(j, key, buf);
}

static const char *const file_states[] = {
    [APP_FILE_NONE] = "UNKNOWN", [APP_FILE_OPEN] = "OPEN",	  [APP_FILE_CLOSED] = "CLOSED",
    [APP_FILE_TRUNCATED] = "TRUNCATED", [APP_FILE_ERROR] = "ERROR",
};

/* The members of one file's object, as fileinfo and alerts write them;
 * file_id is the file-store's number of a stored file (0: not stored). */
static void put_file_fields(struct json *j, const struct app_file_info *fi, const char *magic,
			    uint64_t tx_id, uint64_t file_id)
{
	json_strn(j, "filename", fi->name, fi->name_len);
	if (magic != NULL)
		json_str(j, "magic", magic);
	json_bool(j, "gaps", fi->gaps);
	json_str(j, "state", file_states[fi->state]);
	if (fi->hashes & APP_FILE_MD5)
		put_hex(j, "md5", fi->md5, sizeof(fi->md5));
	if (fi->hashes & APP_FILE_SHA1)
		put_hex(j, "sha1", fi->sha1, sizeof(fi->sha1));
	if (fi->hashes & APP_FILE_SHA256)
		put_hex(j, "sha256", fi->sha256, sizeof(fi->sha256));
	json_bool(j, "stored", file_id != 0);
	if (file_id != 0)
		json_uint(j, "file_id", file_id);
	json_uint(j, "size", fi->size);
	json_uint(j, "tx_id", tx_id);
}

/* The time of the event a stored file's side file is named with. */
static int64_t meta_time(const struct app_log *a)
{
	return a->p != NULL ? (int64_t)a->p->ts_sec : a->f != NULL ? a->f->last_sec : 0;
}

/* write-fileinfo with fileinfo events off: the file's object alone. */
static void write_meta_only(struct app_log *a, const struct app_file_info *fi, uint64_t tx_id,
			    uint64_t file_id, const char *final)
{
	struct json j;
	json_init(&j);
	json_open_object(&j, NULL);
	json_open_object(&j, "fileinfo");
	put_file_fields(&j, fi, NULL, tx_id, file_id);
	json_close_object(&j);
	json_close_object(&j);
	if (!j.oom)
		filestore_meta(&eve_logger_config(a->l)->filestore, final, meta_time(a), file_id,
			       j.buf, j.len);
	json_free(&j);
}

/* The file-store: whether this file is to be stored (force-filestore, or
 * a filestore mark), and then stores it; its number, 0 when not stored. */
static uint64_t store_file(struct app_log *a, const struct app_file_info *fi, uint64_t tx_id,
			   char *final, size_t final_len)
{
	const struct filestore_config *fs = &eve_logger_config(a->l)->filestore;
	if (!fs->enabled ||
	    !(fs->force_filestore || app_flow_file_store_wanted(a->f, tx_id, fi->dir)))
		return 0;
	uint64_t id = 0;
	return filestore_take(fs, fi, &id, final, final_len) ? id : 0;
}

/*
 * "fileinfo" for each file a logged transaction carried, once it is
 * closed, truncated or in error (so when its transaction is logged).  The
 * header names the sender of the file first; the protocol's object is
 * the transaction's, as Suricata adds it.
 */
static void log_files(struct app_log *a, enum app_proto proto, const struct app_protocol *ap,
		      const void *state, const void *tx, uint64_t tx_id)
{
	const struct eve_config *cfg = eve_logger_config(a->l);
	struct app_file_info fi;
	for (uint32_t k = 0; ap->tx_file != NULL && ap->tx_file(tx, k, &fi); k++) {
		if (fi.state == APP_FILE_OPEN || fi.state == APP_FILE_NONE)
			continue;
		char final[1200];
		uint64_t file_id = store_file(a, &fi, tx_id, final, sizeof(final));
		if (!cfg->types[EVE_T_FILES]) {
			if (file_id != 0) /* the side file without an EVE event: the object alone */
				write_meta_only(a, &fi, tx_id, file_id, final);
			continue;
		}
		struct json *j = fi.dir == APP_TOCLIENT
				     ? eve_begin_tx_toclient(a->l, "fileinfo", a->p, a->f)
				     : eve_begin_tx(a->l, "fileinfo", a->p, a->f);
		eve_put_app_object(j, proto, state, tx);
		json_str(j, "app_proto", ap->name);
		json_open_object(j, "fileinfo");
		/* known when a file.magic rule asked for it, or with force-magic */
		const char *magic = ap->tx_file_magic != NULL
					? ap->tx_file_magic(tx, k, eve_logger_magic(a->l))
					: NULL;
		put_file_fields(j, &fi, magic, tx_id, file_id);
		json_close_object(j);
		eve_commit(a->l);
		/* the committed event is still in j: it is the side file */
		if (file_id != 0)
			filestore_meta(&cfg->filestore, final, meta_time(a), file_id, j->buf,
				       j->len);
	}
}

void eve_put_app_files(struct json *j, enum app_proto proto, const void *tx, uint64_t tx_id)
{
	const struct app_protocol *ap = app_protocol(proto);
	struct app_file_info fi;
	if (ap == NULL || ap->tx_file == NULL || !ap->tx_file(tx, 0, &fi))
		return;
	json_open_array(j, "files");
	for (uint32_t k = 0; ap->tx_file(tx, k, &fi); k++) {
		json_open_object(j, NULL);
		put_file_fields(j, &fi, NULL, tx_id, 0);
		json_close_object(j);
	}
	json_close_array(j);
}

void eve_put_app_object(struct json *j, enum app_proto proto, const void *state, const void *tx)
{
	const struct app_protocol *ap = app_protocol(proto);
	if (ap != NULL && ap->log_json != NULL)
		ap->log_json(j, state, tx, ap->eve_alert_opts);
}

void eve_log_app_tx(struct eve_logger *l, const struct packet *p, struct flow *f,
		    enum app_proto proto, const void *state, const void *tx, uint64_t tx_id)
{
	struct app_log al = {.l = l, .p = p, .f = f};
	struct app_log *a = &al;
	const struct eve_config *cfg = eve_logger_config(a->l);
	const struct app_protocol *ap = app_protocol(proto);
	log_tx_anomalies(a, ap, state, tx, tx_id);
	if (cfg->types[EVE_T_FILES] || cfg->filestore.enabled)
		log_files(a, proto, ap, state, tx, tx_id);
	if (!cfg->app_types[proto] || ap->log_json == NULL)
		return;
	uint32_t opts = cfg->app_opts[proto];
	uint32_t parts = ap->eve_parts != NULL ? ap->eve_parts(tx, opts) : 1;
	for (uint32_t k = 0; k < parts && k < 256; k++) {
		struct json *j;
		/* A message protocol's event carries the message's own direction (a
		 * DNS response comes from the server), as Suricata logs them. */
		if ((ap->eve_dir_packet && a->p) ||
		    (ap->tx_msg_dir != NULL && a->p &&
		     a->p->flow_toserver == (ap->tx_msg_dir(tx) == APP_TOSERVER))) {
			j = eve_begin(a->l, ap->eve_type, a->p, a->f, 0, 0);
		} else {
			j = eve_begin_tx(a->l, ap->eve_type, a->p, a->f);
			if (!ap->eve_no_tx_id)
				json_uint(j, "tx_id", tx_id);
		}
		ap->log_json(j, state, tx, opts | (k << APP_EVE_PART_SHIFT));
		eve_commit(a->l);
	}
}

static void log_tx(void *arg, enum app_proto proto, const void *state, const void *tx,
		   uint64_t tx_id)
{
	struct app_log *a = arg;
	eve_log_app_tx(a->l, a->p, a->f, proto, state, tx, tx_id);
}

void eve_log_app(struct eve_logger *l, struct app_ctx *app, const struct packet *p, struct flow *f,
		 bool flow_end)
{
	struct app_log a = {.l = l, .p = p, .f = f};
	app_log_ready(app, f, flow_end, log_tx, &a);
}
