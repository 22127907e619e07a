/*
 * eve-config — which EVE events and fields are written, from the
 * `outputs: - eve-log:` section of a suricata.yaml-style config.  Without a
 * config the defaults are those of Suricata's shipped suricata.yaml.
 */
#include "app/app.h"
#include "util/config.h"
#include "output/eve.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>

void eve_config_defaults(struct eve_config *c)
{
	memset(c, 0, sizeof(*c));
	c->enabled = true;
	snprintf(c->filename, sizeof(c->filename), "eve.json");
	filestore_config_defaults(&c->filestore);
	for (int t = 0; t < EVE_T_MAX; t++)
		c->types[t] = true;
	c->anomaly_decode = false; /* Suricata's default: decode and stream off */
	c->anomaly_stream = false;
	c->anomaly_applayer = true;
	c->alert_flow = c->alert_app_layer = c->alert_rule_metadata = true;
	c->alert_tagged_packets = true;
	for (int p = APP_PROTO_UNKNOWN + 1; p < APP_PROTO_FAILED; p++) {
		const struct app_protocol *ap = app_protocol((enum app_proto)p);
		c->app_types[p] = ap->eve_type != NULL;
		c->app_opts[p] = ap->eve_default_opts;
	}
	c->stats_interval = 8;
	c->stats_totals = true;
	struct eve_output_config *o = &c->output;
	snprintf(o->redis.server, sizeof(o->redis.server), "127.0.0.1");
	o->redis.port = 6379;
	snprintf(o->redis.key, sizeof(o->redis.key), "suricata");
	o->redis.batch_size = 10;
	o->redis.stream_maxlen = 100000;
	o->redis.backlog = 65536;
	o->redis.timeout_ms = 2000;
	snprintf(o->kafka.brokers, sizeof(o->kafka.brokers), "127.0.0.1:9092");
	snprintf(o->kafka.topic, sizeof(o->kafka.topic), "suricata");
	snprintf(o->kafka.compression, sizeof(o->kafka.compression), "none");
	snprintf(o->kafka.acks, sizeof(o->kafka.acks), "all");
	o->kafka.idempotence = true;
	o->kafka.backlog = 100000;
	o->kafka.flush_timeout_ms = 10000;
	snprintf(o->syslog.identity, sizeof(o->syslog.identity), "suricata");
	o->syslog.facility = LOG_LOCAL5;
	o->syslog.level = LOG_INFO;
}

/* The first bad output value wins; later ones would only repeat the point. */
static void output_error(struct eve_output_config *o, const char *key, const char *value,
			 const char *expected)
{
	if (o->error[0])
		return;
	snprintf(o->error, sizeof(o->error), "config: outputs.eve-log.%s: bad value '%s' (%s)",
		 key, value, expected);
}

/* A whole number in [lo, hi] at key (under n), else def; a bad one is an error. */
static uint64_t output_uint(struct eve_output_config *o, const struct config_node *n,
			    const char *path, const char *key, uint64_t lo, uint64_t hi, uint64_t def)
{
	const char *v = config_get_str(n, path, NULL);
	if (!v)
		return def;
	char *end;
	errno = 0;
	unsigned long long x = strtoull(v, &end, 10);
	if (!*v || *end || errno || v[0] == '-' || x < lo || x > hi) {
		char want[96];
		snprintf(want, sizeof(want), "a whole number from %llu to %llu",
			 (unsigned long long)lo, (unsigned long long)hi);
		output_error(o, key, v, want);
		return def;
	}
	return x;
}

/* A string into out (at most outlen-1 bytes; longer is an error). */
static void output_str(struct eve_output_config *o, const struct config_node *n, const char *path,
		       const char *key, char *out, size_t outlen)
{
	const char *v = config_get_str(n, path, NULL);
	if (!v)
		return;
	if (!*v || strlen(v) >= outlen) {
		output_error(o, key, v, !*v ? "must not be empty" : "too long");
		return;
	}
	snprintf(out, outlen, "%s", v);
}

/* One of names[] (case-insensitive) at path; its index, or -1 (absent or bad). */
static int output_choice(struct eve_output_config *o, const struct config_node *n, const char *path,
			 const char *key, const char *const *names, size_t count, const char *expected)
{
	const char *v = config_get_str(n, path, NULL);
	if (!v)
		return -1;
	for (size_t i = 0; i < count; i++)
		if (strcasecmp(v, names[i]) == 0)
			return (int)i;
	output_error(o, key, v, expected);
	return -1;
}

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static void load_redis(struct eve_output_config *o, const struct config_node *eve)
{
	static const char *const modes[] = {"list", "lpush", "rpush", "channel", "publish",
					    "stream", "xadd"};
	static const enum eve_redis_mode mode_of[] = {EVE_REDIS_LPUSH,	 EVE_REDIS_LPUSH,
						      EVE_REDIS_RPUSH,	 EVE_REDIS_PUBLISH,
						      EVE_REDIS_PUBLISH, EVE_REDIS_XADD,
						      EVE_REDIS_XADD};
	struct eve_redis_config *r = &o->redis;
	output_str(o, eve, "redis.server", "redis.server", r->server, sizeof(r->server));
	r->port = (unsigned)output_uint(o, eve, "redis.port", "redis.port", 1, 65535, r->port);
	int m = output_choice(o, eve, "redis.mode", "redis.mode", modes, NELEM(modes),
			      "list, lpush, rpush, channel, publish, stream or xadd");
	if (m >= 0)
		r->mode = mode_of[m];
	output_str(o, eve, "redis.key", "redis.key", r->key, sizeof(r->key));
	const char *pe = config_get_str(eve, "redis.pipelining.enabled", NULL);
	if (pe)
		r->pipelining = config_get_bool(eve, "redis.pipelining.enabled", false);
	r->batch_size = (unsigned)output_uint(o, eve, "redis.pipelining.batch-size",
					      "redis.pipelining.batch-size", 1, 100000,
					      r->batch_size);
	r->stream_maxlen = output_uint(o, eve, "redis.stream-maxlen", "redis.stream-maxlen", 0,
				       UINT64_C(1) << 40, r->stream_maxlen);
	r->stream_trim_exact = config_get_bool(eve, "redis.stream-trim-exact", false);
	r->backlog = (unsigned)output_uint(o, eve, "redis.backlog", "redis.backlog", 1, 10000000,
					   r->backlog);
	r->timeout_ms = (unsigned)output_uint(o, eve, "redis.timeout", "redis.timeout", 1,
					      600000, r->timeout_ms);
	if (!r->pipelining)
		r->batch_size = 1;
}

static void load_kafka(struct eve_output_config *o, const struct config_node *eve)
{
	static const char *const codecs[] = {"none", "gzip", "snappy", "lz4", "zstd"};
	static const char *const acks[] = {"all", "-1", "1", "0"};
	struct eve_kafka_config *k = &o->kafka;
	output_str(o, eve, "kafka.brokers", "kafka.brokers", k->brokers, sizeof(k->brokers));
	output_str(o, eve, "kafka.topic", "kafka.topic", k->topic, sizeof(k->topic));
	int c = output_choice(o, eve, "kafka.compression", "kafka.compression", codecs,
			      NELEM(codecs), "none, gzip, snappy, lz4 or zstd");
	if (c >= 0)
		snprintf(k->compression, sizeof(k->compression), "%s", codecs[c]);
	int a = output_choice(o, eve, "kafka.acks", "kafka.acks", acks, NELEM(acks),
			      "all, 1 or 0");
	if (a >= 0)
		snprintf(k->acks, sizeof(k->acks), "%s", a <= 1 ? "all" : acks[a]);
	/* An idempotent producer needs every replica's ack. */
	k->idempotence = config_get_bool(eve, "kafka.idempotence", strcmp(k->acks, "all") == 0);
	if (k->idempotence && strcmp(k->acks, "all") != 0)
		output_error(o, "kafka.idempotence", "yes", "needs acks: all");
	k->backlog = (unsigned)output_uint(o, eve, "kafka.backlog", "kafka.backlog", 1, 10000000,
					   k->backlog);
	k->flush_timeout_ms = (unsigned)output_uint(o, eve, "kafka.flush-timeout",
						    "kafka.flush-timeout", 0, 3600, 10) *
			      1000;
}

static void load_syslog(struct eve_output_config *o, const struct config_node *eve)
{
	static const char *const fac_names[] = {"auth",	  "authpriv", "cron",	"daemon", "ftp",
						"kern",	  "lpr",      "mail",	"news",	  "syslog",
						"user",	  "uucp",     "local0", "local1", "local2",
						"local3", "local4",   "local5", "local6", "local7"};
	static const int fac_values[] = {LOG_AUTH,   LOG_AUTHPRIV, LOG_CRON,   LOG_DAEMON,
					 LOG_FTP,    LOG_KERN,	   LOG_LPR,    LOG_MAIL,
					 LOG_NEWS,   LOG_SYSLOG,   LOG_USER,   LOG_UUCP,
					 LOG_LOCAL0, LOG_LOCAL1,   LOG_LOCAL2, LOG_LOCAL3,
					 LOG_LOCAL4, LOG_LOCAL5,   LOG_LOCAL6, LOG_LOCAL7};
	/* Suricata's names first, then syslog's short ones. */
	static const char *const lvl_names[] = {"emergency", "alert", "critical", "error",
						"warning",   "notice", "info",	   "debug",
						"emerg",     "crit",   "err"};
	static const int lvl_values[] = {LOG_EMERG,   LOG_ALERT,  LOG_CRIT, LOG_ERR,
					 LOG_WARNING, LOG_NOTICE, LOG_INFO, LOG_DEBUG,
					 LOG_EMERG,   LOG_CRIT,	  LOG_ERR};
	struct eve_syslog_config *s = &o->syslog;
	output_str(o, eve, "identity", "identity", s->identity, sizeof(s->identity));
	int f = output_choice(o, eve, "facility", "facility", fac_names, NELEM(fac_names),
			      "auth, authpriv, cron, daemon, ftp, kern, lpr, mail, news, syslog, "
			      "user, uucp or local0 to local7");
	if (f >= 0)
		s->facility = fac_values[f];
	int l = output_choice(o, eve, "level", "level", lvl_names, NELEM(lvl_names),
			      "Emergency, Alert, Critical, Error, Warning, Notice, Info or Debug");
	if (l >= 0)
		s->level = lvl_values[l];
}

/* filetype and its section; an output vigil does not have is an error, not
 * a quiet eve.json. */
static void load_output(struct eve_output_config *o, const struct config_node *eve)
{
	static const char *const types[] = {"regular", "file", "syslog", "redis", "kafka"};
	static const enum eve_filetype type_of[] = {EVE_FILETYPE_REGULAR, EVE_FILETYPE_REGULAR,
						    EVE_FILETYPE_SYSLOG, EVE_FILETYPE_REDIS,
						    EVE_FILETYPE_KAFKA};
	int t = output_choice(o, eve, "filetype", "filetype", types, NELEM(types),
			      "regular, syslog, redis or kafka; unix_stream and unix_dgram "
			      "are not supported by vigil");
	if (t >= 0)
		o->filetype = type_of[t];
	load_redis(o, eve);
	load_kafka(o, eve);
	load_syslog(o, eve);
}

static const struct {
	const char *name;
	enum eve_type type;
} type_names[] = {
    {"alert", EVE_T_ALERT}, {"anomaly", EVE_T_ANOMALY}, {"flow", EVE_T_FLOW},
    {"stats", EVE_T_STATS}, {"drop", EVE_T_DROP},	{"files", EVE_T_FILES},
    {"goose", EVE_T_GOOSE}, {"frame", EVE_T_FRAME},
};

static void load_alert(struct eve_config *c, const struct config_node *n)
{
	c->alert_payload = config_get_bool(n, "payload", false);
	c->alert_payload_printable = config_get_bool(n, "payload-printable", false);
	c->alert_packet = config_get_bool(n, "packet", false);
	/* metadata: no | {flow, app-layer, rule: {metadata}} (output-json-alert.c) */
	const struct config_node *md = config_child(n, "metadata");
	if (md != NULL && md->kind == CONFIG_MAP) {
		c->alert_flow = config_get_bool(md, "flow", true);
		c->alert_app_layer = config_get_bool(md, "app-layer", true);
		c->alert_rule_metadata = config_get_bool(md, "rule.metadata", true);
	} else if (md != NULL) {
		bool on = config_get_bool(n, "metadata", true);
		c->alert_flow = c->alert_app_layer = c->alert_rule_metadata = on;
	}
	c->alert_verdict = config_get_bool(n, "verdict", false);
	c->alert_tagged_packets = config_get_bool(n, "tagged-packets", true);
	/* xff: Suricata's HttpXFFGetCfg; mode extra-data unless overwrite,
	 * deployment reverse unless forward */
	struct eve_xff *x = &c->alert_xff;
	x->enabled = config_get_bool(n, "xff.enabled", false);
	const char *mode = config_get_str(n, "xff.mode", "extra-data");
	x->overwrite = strcmp(mode, "overwrite") == 0;
	const char *dep = config_get_str(n, "xff.deployment", "reverse");
	x->reverse = strcmp(dep, "forward") != 0;
	snprintf(x->header, sizeof(x->header), "%s",
		 config_get_str(n, "xff.header", "X-Forwarded-For"));
}

static void load_anomaly(struct eve_config *c, const struct config_node *n)
{
	c->types[EVE_T_ANOMALY] = config_get_bool(n, "enabled", true);
	c->anomaly_decode = config_get_bool(n, "types.decode", false);
	c->anomaly_stream = config_get_bool(n, "types.stream", false);
	c->anomaly_applayer = config_get_bool(n, "types.applayer", true);
}

/* files: force-hash: [md5, sha1, sha256] (a list, or one name), force-magic. */
static void load_files(struct eve_config *c, const struct config_node *n)
{
	static const char *const names[] = {"md5", "sha1", "sha256"};
	c->files_force_magic = config_get_bool(n, "force-magic", false);
	const struct config_node *fh = config_child(n, "force-hash");
	if (fh == NULL)
		return;
	size_t count = fh->kind == CONFIG_SEQ ? fh->nchild : 1;
	for (size_t i = 0; i < count; i++) {
		const struct config_node *it = fh->kind == CONFIG_SEQ ? fh->child[i] : fh;
		for (int k = 0; k < 3; k++)
			if (it->kind == CONFIG_SCALAR && it->value &&
			    strcmp(it->value, names[k]) == 0)
				c->files_force_hash |= (uint8_t)(1u << k);
	}
}

/* An application protocol's event type (its eve_type), with its options. */
static bool load_app_type(struct eve_config *c, const char *name,
			  const struct config_node *opts)
{
	bool found = false;
	for (int p = APP_PROTO_UNKNOWN + 1; p < APP_PROTO_FAILED; p++) {
		const struct app_protocol *ap = app_protocol((enum app_proto)p);
		const char *tn = ap->eve_config_type ? ap->eve_config_type : ap->eve_type;
		if (tn == NULL || strcmp(tn, name) != 0)
			continue;
		bool map = opts && opts->kind == CONFIG_MAP;
		c->app_types[p] = !map || config_get_bool(opts, "enabled", true);
		if (map && ap->eve_options != NULL)
			c->app_opts[p] = ap->eve_options(opts);
		found = true;
	}
	return found;
}

/* `types:` is a list whose items are a name or a one-key map of options. */
static void load_types(struct eve_config *c, const struct config_node *types)
{
	for (int t = 0; t < EVE_T_MAX; t++)
		c->types[t] = false;
	for (int p = 0; p < APP_PROTO_MAX; p++)
		c->app_types[p] = false;
	for (size_t i = 0; i < types->nchild; i++) {
		const struct config_node *it = types->child[i];
		const char *name = it->kind == CONFIG_SCALAR		  ? it->value
				   : it->kind == CONFIG_MAP && it->nchild ? it->child[0]->key
									  : NULL;
		const struct config_node *opts =
		    it->kind == CONFIG_MAP && it->nchild ? it->child[0] : NULL;
		if (!name)
			continue;
		load_app_type(c, name, opts);
		for (size_t k = 0; k < sizeof(type_names) / sizeof(type_names[0]); k++) {
			if (strcmp(name, type_names[k].name) != 0)
				continue;
			c->types[type_names[k].type] = !(opts && opts->kind == CONFIG_MAP) ||
						       config_get_bool(opts, "enabled", true);
			if (opts && type_names[k].type == EVE_T_ALERT)
				load_alert(c, opts);
			if (type_names[k].type == EVE_T_ANOMALY)
				load_anomaly(c, opts && opts->kind == CONFIG_MAP ? opts : NULL);
			if (opts && opts->kind == CONFIG_MAP && type_names[k].type == EVE_T_FILES)
				load_files(c, opts);
			if (opts && opts->kind == CONFIG_MAP && type_names[k].type == EVE_T_DROP) {
				c->drop_alerts = config_get_bool(opts, "alerts", false);
				const char *fl = config_get_str(opts, "flows", "all");
				c->drop_flow_start = strcmp(fl, "start") == 0;
			}
			if (opts && opts->kind == CONFIG_MAP && type_names[k].type == EVE_T_GOOSE)
				c->goose_all = config_get_bool(opts, "log-all", false);
			if (opts && opts->kind == CONFIG_MAP && type_names[k].type == EVE_T_STATS) {
				c->stats_totals = config_get_bool(opts, "totals", true);
				c->stats_threads = config_get_bool(opts, "threads", false);
				c->stats_null_values = config_get_bool(opts, "null-values", false);
			}
		}
	}
}

void eve_config_load(struct eve_config *c, const struct config_node *root)
{
	const struct config_node *outputs = config_get(root, "outputs");
	int64_t interval = config_get_int(root, "stats.interval", c->stats_interval);
	c->stats_interval = interval > 0 ? (unsigned)interval : 0;
	c->alert_guess_tx = config_get_bool(root, "detect.guess-applayer-tx", false);
	if (!config_get_bool(root, "stats.enabled", true))
		c->types[EVE_T_STATS] = false;
	filestore_config_load(&c->filestore, root);
	const char *sensor = config_get_str(root, "sensor-name", NULL);
	if (sensor && (!*sensor || strlen(sensor) >= sizeof(c->sensor_name)))
		snprintf(c->output.error, sizeof(c->output.error),
			 "config: sensor-name: bad value '%.200s' (1 to 127 characters)", sensor);
	else if (sensor)
		snprintf(c->sensor_name, sizeof(c->sensor_name), "%s", sensor);
	if (!outputs || outputs->kind != CONFIG_SEQ)
		return;
	for (size_t i = 0; i < outputs->nchild; i++) {
		const struct config_node *eve = config_child(outputs->child[i], "eve-log");
		if (!eve)
			continue;
		c->enabled = config_get_bool(eve, "enabled", true);
		load_output(&c->output, eve);
		const char *fn = config_get_str(eve, "filename", "eve.json");
		snprintf(c->filename, sizeof(c->filename), "%s", fn);
		c->ethernet = config_get_bool(eve, "ethernet", false);
		c->pcap_filename = config_get_bool(eve, "pcap-file", false);
		c->community_id = config_get_bool(eve, "community-id", false);
		int64_t seed = config_get_int(eve, "community-id-seed", 0);
		if (seed < 0 || seed > 65535) {
			fprintf(stderr, "vigil: config: community-id-seed %lld is out of range "
					"(0-65535), 0 used\n",
				(long long)seed);
			seed = 0;
		}
		c->community_id_seed = (uint16_t)seed;
		const struct config_node *types = config_child(eve, "types");
		if (types && types->kind == CONFIG_SEQ)
			load_types(c, types);
		break; /* the first eve-log is the one we write */
	}
}
