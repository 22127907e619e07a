/*
 * threshold-config.c — threshold.config: suppress, threshold, event_filter
 * and rate_filter lines, applied to alerts after their rule matched.
 *
 *   suppress gen_id G, sig_id S[, track by_src|by_dst|by_either, ip ADDR]
 *   threshold|event_filter gen_id G, sig_id S, type T, track K, count N, seconds M
 *   rate_filter gen_id G, sig_id S, track K, count N, seconds M,
 *               new_action A, timeout T
 * sig_id 0 applies to every rule of the generator (gen_id 0: all rules).
 * A threshold/event_filter line replaces the rule's own threshold keyword.
 */
#include <stdlib.h>
#include <string.h>

#include "detect/detect-internal.h"

enum { TC_SUPPRESS, TC_THRESHOLD, TC_RATE };

struct tc_entry {
	int kind;
	uint32_t gid, sid;
	struct thr_spec spec;
	int sup_track; /* TRK_SRC, TRK_DST, TRK_EITHER, or -1 = all */
	struct addr_set sup_addr;
};

struct threshold_cfg {
	struct tc_entry *v;
	size_t n;
};

static int parse_kv(char *s, char **keys, char **vals, int max)
{
	char *f[16];
	int n = str_split(s, ',', f, 16);
	if (n < 0 || n > max)
		return -1;
	for (int i = 0; i < n; i++) {
		char *sp = strpbrk(f[i], " \t");
		if (sp == NULL)
			return -1;
		*sp = '\0';
		keys[i] = f[i];
		vals[i] = str_trim(sp + 1);
	}
	return n;
}

static int parse_line(struct detect_engine *de, char *line, struct tc_entry *e, char *err,
		      size_t errlen)
{
	memset(e, 0, sizeof(*e));
	e->sup_track = -1;
	char *sp = strpbrk(line, " \t");
	if (sp == NULL)
		return -1;
	*sp = '\0';
	const char *kind = line;
	char *rest = str_trim(sp + 1);
	if (strcmp(kind, "suppress") == 0)
		e->kind = TC_SUPPRESS;
	else if (strcmp(kind, "threshold") == 0 || strcmp(kind, "event_filter") == 0)
		e->kind = TC_THRESHOLD;
	else if (strcmp(kind, "rate_filter") == 0)
		e->kind = TC_RATE;
	else
		return -1;
	char *k[16], *v[16];
	int n = parse_kv(rest, k, v, 16);
	if (n < 2)
		return -1;
	char spec[512] = "";
	bool have_gid = false, have_sid = false;
	const char *ip = NULL;
	for (int i = 0; i < n; i++) {
		uint64_t u;
		if (strcmp(k[i], "gen_id") == 0 && parse_u64(v[i], &u)) {
			e->gid = (uint32_t)u;
			have_gid = true;
		} else if (strcmp(k[i], "sig_id") == 0 && parse_u64(v[i], &u)) {
			e->sid = (uint32_t)u;
			have_sid = true;
		} else if (e->kind == TC_SUPPRESS && strcmp(k[i], "track") == 0) {
			e->sup_track = strcmp(v[i], "by_src") == 0	? TRK_SRC
				       : strcmp(v[i], "by_dst") == 0	? TRK_DST
				       : strcmp(v[i], "by_either") == 0 ? TRK_EITHER
									: -2;
			if (e->sup_track == -2)
				return -1;
		} else if (e->kind == TC_SUPPRESS && strcmp(k[i], "ip") == 0) {
			ip = v[i];
		} else if (e->kind == TC_RATE && strcmp(k[i], "new_action") == 0) {
			static const char *acts[] = {"alert", "pass", "drop", "reject"};
			int a = -1;
			for (int j = 0; j < 4; j++)
				if (strcmp(v[i], acts[j]) == 0)
					a = j;
			if (a < 0)
				return -1;
			e->spec.new_action = (enum detect_action)a;
		} else if (e->kind == TC_RATE && strcmp(k[i], "timeout") == 0 &&
			   parse_u64(v[i], &u)) {
			e->spec.timeout = (uint32_t)u;
		} else {
			size_t l = strlen(spec);
			snprintf(spec + l, sizeof(spec) - l, "%s%s %s", l ? "," : "", k[i], v[i]);
		}
	}
	if (!have_gid || !have_sid)
		return -1;
	if (e->kind == TC_SUPPRESS) {
		if ((e->sup_track >= 0) != (ip != NULL) || spec[0] != '\0')
			return -1;
		if (ip != NULL && addr_set_parse(de->vars, ip, &e->sup_addr, err, errlen) != 0)
			return -1;
		return 0;
	}
	struct parse_ctx pc = {.de = de, .vars = de->vars};
	if (e->kind == TC_RATE) {
		char full[600];
		snprintf(full, sizeof(full), "%s", spec);
		struct thr_spec keep = e->spec;
		if (thr_spec_parse(&pc, full, true, &e->spec) != 0)
			return -1;
		e->spec.type = THR_RATE;
		e->spec.new_action = keep.new_action;
		e->spec.timeout = keep.timeout;
		return 0;
	}
	return thr_spec_parse(&pc, spec, false, &e->spec);
}

int threshold_config_load(struct detect_engine *de, const char *path, FILE *log)
{
	FILE *f = fopen(path, "r");
	if (f == NULL) {
		if (log)
			fprintf(log, "%s: cannot open threshold file\n", path);
		return -1;
	}
	struct threshold_cfg *tc = calloc(1, sizeof(*tc));
	if (tc == NULL) {
		fclose(f);
		return -1;
	}
	char line[2048], err[256];
	unsigned ln = 0;
	while (fgets(line, sizeof(line), f) != NULL) {
		ln++;
		char *s = str_trim(line);
		if (*s == '#' || *s == '\0')
			continue;
		struct tc_entry e;
		err[0] = '\0';
		if (parse_line(de, s, &e, err, sizeof(err)) != 0) {
			if (log)
				fprintf(log, "%s:%u: invalid threshold.config line %s\n", path, ln,
					err);
			addr_set_free(&e.sup_addr);
			continue;
		}
		struct tc_entry *nv = realloc(tc->v, (tc->n + 1) * sizeof(*nv));
		if (nv == NULL) {
			addr_set_free(&e.sup_addr);
			break;
		}
		tc->v = nv;
		tc->v[tc->n++] = e;
	}
	fclose(f);
	de->thresholds = tc;
	return 0;
}

void threshold_config_free(struct detect_engine *de)
{
	struct threshold_cfg *tc = de->thresholds;
	if (tc == NULL)
		return;
	for (size_t i = 0; i < tc->n; i++)
		addr_set_free(&tc->v[i].sup_addr);
	free(tc->v);
	free(tc);
	de->thresholds = NULL;
}

static bool applies(const struct tc_entry *e, const struct rule *r)
{
	if (e->gid == 0 && e->sid == 0)
		return true;
	return e->gid == r->gid && (e->sid == 0 || e->sid == r->sid);
}

static bool suppressed(const struct tc_entry *e, const struct packet *p)
{
	switch (e->sup_track) {
	case TRK_SRC: return addr_set_match(&e->sup_addr, &p->src);
	case TRK_DST: return addr_set_match(&e->sup_addr, &p->dst);
	case TRK_EITHER:
		return addr_set_match(&e->sup_addr, &p->src) ||
		       addr_set_match(&e->sup_addr, &p->dst);
	default: return true;
	}
}

enum tc_verdict threshold_config_check(struct det_thread *dt, const struct rule *r,
				       const struct packet *p, enum detect_action *action)
{
	const struct threshold_cfg *tc = dt->de->thresholds;
	bool overridden = false, suppress = false;
	for (size_t i = 0; tc != NULL && i < tc->n; i++) {
		const struct tc_entry *e = &tc->v[i];
		if (!applies(e, r))
			continue;
		if (e->kind == TC_SUPPRESS) {
			suppress = suppress || suppressed(e, p);
		} else if (e->kind == TC_THRESHOLD) {
			overridden = true;
			if (!thr_check(dt, r->gid, r->sid, &e->spec, p, (int)i + 1))
				return TC_DISCARD;
		} else if (thr_check(dt, r->gid, r->sid, &e->spec, p, (int)i + 1)) {
			*action = e->spec.new_action;
		}
	}
	/* As Suricata: a suppressed alert is not logged, but its rule's action
	 * (drop, pass) still applies; thresholds are not consulted for it. */
	if (suppress)
		return TC_SUPPRESS_LOG;
	if (!overridden && !threshold_rule_check(dt, r, p))
		return TC_DISCARD;
	return TC_ALERT;
}
