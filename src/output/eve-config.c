/*
 * eve-config — which EVE events and fields are written, from the
 * `outputs: - eve-log:` section of a suricata.yaml-style config.  Without a
 * config the defaults are those of Suricata's shipped suricata.yaml.
 */
#include "app/app.h"
#include "util/config.h"
#include "output/eve.h"

#include <stdio.h>
#include <string.h>

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
	if (!outputs || outputs->kind != CONFIG_SEQ)
		return;
	for (size_t i = 0; i < outputs->nchild; i++) {
		const struct config_node *eve = config_child(outputs->child[i], "eve-log");
		if (!eve)
			continue;
		c->enabled = config_get_bool(eve, "enabled", true);
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
