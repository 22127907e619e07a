/*
 * settings — what the operator's configuration asks that vigil does not
 * do, said once at start-up, and values that cannot be read, refused.
 *
 * The table below lists every configuration path vigil reads, with the
 * kind of value it expects ('*' stands for any one key or sequence index).
 * The operator's own settings (the -c file and --set, not the built-in
 * defaults) are walked: a scalar on a listed path must parse as its kind,
 * or start-up fails naming the key; a key on no listed path is reported as
 * not supported, once, at the highest such key (a whole unsupported section
 * is one line).  Two kinds of subtree are left to their owner: an
 * application protocol vigil has (`app-layer.protocols.NAME`, read by its
 * parser) and the options of an EVE type vigil writes.  An output other
 * than eve-log and sqlite is reported unless it says `enabled: no`.
 *
 * When a stage starts reading a new key, it belongs in this table.
 */
#include "engine/settings.h"
#include "app/app.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum kind { K_SIZE, K_INT, K_BOOL, K_STR, K_TREE };

static const struct {
	const char *path;
	enum kind kind;
} known[] = {
    /* top level */
    {"vars.address-groups.*", K_STR},
    {"vars.port-groups.*", K_STR},
    {"default-rule-path", K_STR},
    {"rule-files.*", K_STR},
    {"classification-file", K_STR},
    {"reference-config-file", K_STR},
    {"threshold-file", K_STR},
    {"action-order.*", K_STR},
    {"exception-policy", K_STR}, /* util/exception-policy.h */
    {"default-log-dir", K_STR},
    {"sensor-name", K_STR}, /* "host" in every EVE event */
    {"suricata-version", K_STR},
    {"assets", K_TREE}, /* the event store's asset list */
    {"datasets", K_TREE}, /* dataset / datarep sets (detect/dataset.c) */
    {"intel", K_TREE},    /* intel.feeds (intel/ioc-config.c) */
    {"default-data-dir", K_STR},
    {"reputation-categories-file", K_STR},
    {"default-reputation-path", K_STR},
    {"reputation-files.*", K_STR},
    {"stats.enabled", K_BOOL},
    {"stats.interval", K_INT},
    /* outputs (eve-log's types are checked by name below) */
    {"outputs.*.eve-log.enabled", K_BOOL},
    {"outputs.*.eve-log.filetype", K_STR},
    {"outputs.*.eve-log.filename", K_STR},
    {"outputs.*.eve-log.pcap-file", K_BOOL},
    {"outputs.*.eve-log.community-id", K_BOOL},
    {"outputs.*.eve-log.community-id-seed", K_INT},
    {"outputs.*.eve-log.ethernet", K_BOOL},
    {"outputs.*.fast.enabled", K_BOOL},
    {"outputs.*.fast.filename", K_STR},
    {"outputs.*.fast.append", K_BOOL},
    {"outputs.*.stats.enabled", K_BOOL},
    {"outputs.*.stats.filename", K_STR},
    {"outputs.*.stats.append", K_BOOL},
    {"outputs.*.stats.totals", K_BOOL},
    {"outputs.*.stats.threads", K_BOOL},
    {"outputs.*.stats.null-values", K_BOOL},
    {"outputs.*.eve-log.identity", K_STR}, /* filetype syslog */
    {"outputs.*.eve-log.facility", K_STR},
    {"outputs.*.eve-log.level", K_STR},
    /* filetype redis and kafka (values range-checked by output/eve-config.c) */
    {"outputs.*.eve-log.redis.server", K_STR},
    {"outputs.*.eve-log.redis.port", K_INT},
    {"outputs.*.eve-log.redis.mode", K_STR},
    {"outputs.*.eve-log.redis.key", K_STR},
    {"outputs.*.eve-log.redis.pipelining.enabled", K_BOOL},
    {"outputs.*.eve-log.redis.pipelining.batch-size", K_INT},
    {"outputs.*.eve-log.redis.stream-maxlen", K_INT},
    {"outputs.*.eve-log.redis.stream-trim-exact", K_BOOL},
    {"outputs.*.eve-log.redis.backlog", K_INT},
    {"outputs.*.eve-log.redis.timeout", K_INT},
    {"outputs.*.eve-log.kafka.brokers", K_STR},
    {"outputs.*.eve-log.kafka.topic", K_STR},
    {"outputs.*.eve-log.kafka.compression", K_STR},
    {"outputs.*.eve-log.kafka.acks", K_STR},
    {"outputs.*.eve-log.kafka.idempotence", K_BOOL},
    {"outputs.*.eve-log.kafka.backlog", K_INT},
    {"outputs.*.eve-log.kafka.flush-timeout", K_INT},
    {"outputs.*.file-store.version", K_INT},
    {"outputs.*.file-store.enabled", K_BOOL},
    {"outputs.*.file-store.dir", K_STR},
    {"outputs.*.file-store.write-fileinfo", K_BOOL},
    {"outputs.*.file-store.force-filestore", K_BOOL},
    {"outputs.*.file-store.force-hash", K_TREE},
    {"outputs.*.file-store.stream-depth", K_SIZE},
    {"outputs.*.file-store.max-open-files", K_INT},
    {"outputs.*.sqlite.enabled", K_BOOL},
    {"outputs.*.sqlite.filename", K_STR},
    /* capture */
    {"af-packet.*.interface", K_STR},
    {"af-packet.*.threads", K_STR},
    {"af-packet.*.cluster-id", K_INT},
    {"af-packet.*.cluster-type", K_STR},
    {"af-packet.*.defrag", K_BOOL},
    {"af-packet.*.use-mmap", K_BOOL},
    {"af-packet.*.ring-size", K_INT},
    {"af-packet.*.block-size", K_INT},
    {"af-packet.*.block-timeout", K_INT},
    {"af-packet.*.bpf-filter", K_STR},
    {"af-packet.*.disable-promisc", K_BOOL},
    {"af-packet.*.copy-mode", K_STR},
    {"af-packet.*.copy-iface", K_STR},
    {"unix-command.enabled", K_STR},
    {"unix-command.filename", K_STR},
    {"nfq.mode", K_STR},
    {"nfq.fail-open", K_BOOL},
    {"nfq.batchcount", K_INT},
    {"pcap.*.interface", K_STR},
    {"pcap.*.threads", K_STR},
    {"pcap.*.bpf-filter", K_STR},
    {"pcap.*.promisc", K_BOOL},
    {"pcap.*.snaplen", K_INT},
    {"pcap.*.buffer-size", K_SIZE},
    /* flow, defrag, stream */
    {"flow.memcap", K_SIZE},
    {"flow.hash-size", K_INT},
    {"flow.emergency-recovery", K_INT},
    {"flow-timeouts.*.new", K_INT},
    {"flow-timeouts.*.established", K_INT},
    {"flow-timeouts.*.closed", K_INT},
    {"flow-timeouts.*.emergency-new", K_INT},
    {"flow-timeouts.*.emergency-established", K_INT},
    {"flow-timeouts.*.emergency-closed", K_INT},
    {"defrag.memcap", K_SIZE},
    {"defrag.timeout", K_INT},
    {"defrag.trackers", K_INT},
    {"defrag.policy", K_STR},
    {"host-os-policy.*.*", K_STR},
    {"stream.memcap", K_SIZE},
    {"stream.midstream", K_BOOL},
    {"stream.bypass", K_BOOL},
    {"stream.async-oneside", K_BOOL},
    {"stream.midstream-policy", K_STR},
    {"stream.inline", K_STR},
    {"stream.max-syn-queued", K_INT},
    {"stream.max-synack-queued", K_INT},
    {"stream.reassembly.memcap", K_SIZE},
    {"stream.reassembly.depth", K_SIZE},
    {"stream.reassembly.toserver-chunk-size", K_SIZE},
    {"stream.reassembly.toclient-chunk-size", K_SIZE},
    {"stream.reassembly.policy", K_STR},
    /* detection */
    {"detect.cache", K_BOOL},
    {"security.lua.allow-rules", K_BOOL},
    {"security.lua.allow-restricted-functions", K_BOOL},
    {"security.lua.max-bytes", K_SIZE},
    {"security.lua.max-instructions", K_INT},
    {"detect.cache-dir", K_STR},
    {"detect.packet-alert-max", K_INT},
    {"detect.guess-applayer-tx", K_BOOL},
    {"behaviour.ransomware", K_TREE}, /* range-checked by the detector */
};

static const char *const eve_core_types[] = {"alert", "anomaly", "flow", "stats", "drop", "files"};

struct walk {
	FILE *log;
	char *err;
	size_t errlen;
	unsigned reported;
	bool bad;
};

/* Does `path` match `pat` component by component ('*' matches one)?
 * prefix: a match of path's components with the start of pat is enough. */
static bool path_matches(const char *pat, const char *path, bool prefix)
{
	for (;;) {
		const char *pe = strchr(pat, '.'), *qe = strchr(path, '.');
		size_t pl = pe ? (size_t)(pe - pat) : strlen(pat);
		size_t ql = qe ? (size_t)(qe - path) : strlen(path);
		if (!(pl == 1 && pat[0] == '*') && (pl != ql || strncmp(pat, path, pl) != 0))
			return false;
		if (!qe)
			return prefix || !pe;
		if (!pe)
			return false;
		pat = pe + 1;
		path = qe + 1;
	}
}

static bool app_proto_known(const char *name, size_t len)
{
	for (int p = APP_PROTO_UNKNOWN + 1; p < APP_PROTO_FAILED; p++) {
		const char *n = app_protocol((enum app_proto)p)->name;
		if (strlen(n) == len && strncmp(n, name, len) == 0)
			return true;
	}
	return false;
}

static bool eve_type_known(const char *name)
{
	for (size_t i = 0; i < sizeof(eve_core_types) / sizeof(eve_core_types[0]); i++)
		if (strcmp(name, eve_core_types[i]) == 0)
			return true;
	for (int p = APP_PROTO_UNKNOWN + 1; p < APP_PROTO_FAILED; p++) {
		const char *t = app_protocol((enum app_proto)p)->eve_type;
		if (t && strcmp(t, name) == 0)
			return true;
	}
	return false;
}

static void unsupported(struct walk *w, const char *path, const char *why)
{
	fprintf(w->log, "vigil: config: %s: %s\n", path, why ? why : "not supported by vigil, ignored");
	w->reported++;
}

static bool value_ok(enum kind k, const char *v)
{
	uint64_t n;
	switch (k) {
	case K_SIZE: return config_parse_size(v, &n);
	case K_INT: {
		char *end;
		(void)strtoll(v, &end, 10);
		return *v && !*end;
	}
	case K_BOOL: return config_parse_bool(v, true) == config_parse_bool(v, false);
	default: return true;
	}
}

static const char *kind_name(enum kind k)
{
	switch (k) {
	case K_SIZE: return "a size such as 64mb";
	case K_INT: return "a whole number";
	case K_BOOL: return "yes or no";
	default: return "a string";
	}
}

static void walk_node(struct walk *w, const struct config_node *n, char *path, size_t len,
		      size_t cap);

/* outputs.N.eve-log.types.M: a type name, or a one-key map of its options. */
static void walk_eve_type(struct walk *w, const struct config_node *n, const char *path)
{
	const char *name = n->kind == CONFIG_SCALAR ? n->value
			   : n->kind == CONFIG_MAP && n->nchild ? n->child[0]->key
								 : NULL;
	if (name && !eve_type_known(name)) {
		char buf[512];
		snprintf(buf, sizeof(buf), "%s (%s)", path, name);
		unsupported(w, buf, "EVE event type not written by vigil, ignored");
	}
}

/* outputs.N.NAME: eve-log, sqlite, fast and stats are vigil's; others are
 * reported unless switched off. */
static bool output_supported(struct walk *w, const struct config_node *n, const char *path)
{
	const char *name = n->key ? n->key : "";
	if (strcmp(name, "eve-log") == 0 || strcmp(name, "sqlite") == 0 ||
	    strcmp(name, "fast") == 0 || strcmp(name, "stats") == 0 ||
	    strcmp(name, "file-store") == 0)
		return true;
	if (n->kind == CONFIG_MAP && !config_get_bool(n, "enabled", true))
		return false; /* asks for nothing */
	unsupported(w, path, "output not written by vigil, ignored");
	return false;
}

static void walk_scalar(struct walk *w, const struct config_node *n, const char *path)
{
	bool empty = !n->value || !n->value[0] || strcmp(n->value, "~") == 0;
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]) && empty; i++)
		if (path_matches(known[i].path, path, true))
			return; /* an empty section vigil reads (`nfq:` all commented out) */
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		if (!path_matches(known[i].path, path, false))
			continue;
		if (n->value && !value_ok(known[i].kind, n->value) && !w->bad) {
			snprintf(w->err, w->errlen, "%s: bad value '%s' (%s)", path, n->value,
				 kind_name(known[i].kind));
			w->bad = true;
		}
		return;
	}
	unsupported(w, path, NULL);
}

static void walk_child(struct walk *w, const struct config_node *c, char *path, size_t len,
		       size_t cap, size_t i)
{
	int wr = c->key ? snprintf(path + len, cap - len, "%s%s", len ? "." : "", c->key)
			: snprintf(path + len, cap - len, "%s%zu", len ? "." : "", i);
	if (wr < 0 || (size_t)wr >= cap - len)
		return;
	size_t nlen = len + (size_t)wr;
	if (path_matches("outputs.*.eve-log.types.*", path, false))
		walk_eve_type(w, c, path);
	else if (path_matches("outputs.*.*", path, false) && !output_supported(w, c, path))
		;
	else if (path_matches("app-layer.protocols.*", path, false) && c->key &&
		 !app_proto_known(c->key, strlen(c->key)))
		unsupported(w, path, "application protocol not parsed by vigil, ignored");
	else if (path_matches("app-layer.protocols.*", path, false))
		; /* a protocol vigil has: its parser reads its own settings */
	else if (c->kind == CONFIG_SCALAR)
		walk_scalar(w, c, path);
	else
		walk_node(w, c, path, nlen, cap);
	path[len] = '\0';
}

static void walk_node(struct walk *w, const struct config_node *n, char *path, size_t len,
		      size_t cap)
{
	if (len) {
		bool inside = false;
		for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
			if (path_matches(known[i].path, path, false) && known[i].kind == K_TREE)
				return; /* its owner reads the whole subtree */
			if (path_matches(known[i].path, path, true))
				inside = true;
		}
		if (!inside && strcmp(path, "outputs") != 0 &&
		    !path_matches("outputs.*.eve-log.types", path, false) &&
		    !path_matches("outputs.*", path, false) &&
		    !path_matches("app-layer.protocols", path, false) &&
		    !path_matches("app-layer", path, false)) {
			unsupported(w, path, NULL);
			return;
		}
	}
	for (size_t i = 0; i < n->nchild; i++)
		walk_child(w, n->child[i], path, len, cap, i);
}

bool settings_check(const char *config_file, const char *const *sets, int nsets, FILE *log,
		    char *err, size_t errlen)
{
	struct config_node *mine = config_new();
	if (!mine) {
		snprintf(err, errlen, "out of memory");
		return false;
	}
	bool ok = !config_file || config_load_file(mine, config_file, err, errlen);
	for (int i = 0; ok && i < nsets; i++)
		ok = config_set_assignment(mine, sets[i], err, errlen);
	if (ok) {
		struct walk w = {.log = log, .err = err, .errlen = errlen};
		char path[1024] = "";
		walk_node(&w, mine, path, 0, sizeof(path));
		ok = !w.bad;
		if (w.reported)
			fprintf(log, "vigil: config: %u setting%s above %s not supported (see README)\n",
				w.reported, w.reported == 1 ? "" : "s",
				w.reported == 1 ? "is" : "are");
	}
	config_free(mine);
	return ok;
}
