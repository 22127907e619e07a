/*
 * score — scores a sensor's alerts (EVE JSON) against a scenario's ground
 * truth: which malicious steps were detected, and how many alerts fell on
 * benign steps or on no step at all (false alerts).
 *
 * Attribution of one alert: among the steps whose [start_us, end_us]
 * (widened by one second: EVE may stamp an alert with the time of the
 * packet that completed a stream chunk) contains the alert's time, a step
 * that lists the alert's 5-tuple (either direction) wins; otherwise a step
 * whose initiator and responder address sets hold the alert's addresses
 * (a set truncated in the truth file matches any address).  Alerts outside
 * every step are "unattributed" and count as false.
 *
 * Input is parsed with jansson; malformed EVE lines are skipped and
 * counted, never fatal.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "scenario/scenario.h"

#define SLACK_US 1000000LL

static long long json_ll(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	return json_is_integer(v) ? (long long)json_integer_value(v) : 0;
}

static const char *json_s(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : "";
}

/* EVE timestamp "YYYY-MM-DDTHH:MM:SS.ffffff+hhmm" to µs since the epoch. */
static int eve_time_us(const char *ts, long long *out)
{
	struct tm tm;
	memset(&tm, 0, sizeof(tm));
	int frac_len = 0;
	unsigned long frac = 0;
	char sign = '+';
	int oh = 0, om = 0;
	if (sscanf(ts, "%4d-%2d-%2dT%2d:%2d:%2d.%lu%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
		   &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &frac, &frac_len) < 7)
		return -1;
	const char *tz = ts + frac_len;
	if (sscanf(tz, "%c%2d%2d", &sign, &oh, &om) != 3)
		sign = '+', oh = om = 0;
	const char *dot = strchr(ts, '.');
	int digits = dot ? (int)(ts + frac_len - dot - 1) : 0;
	while (digits < 6)
		frac *= 10, digits++;
	while (digits > 6)
		frac /= 10, digits--;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	long long secs = (long long)timegm(&tm);
	long long off = (long long)(oh * 3600 + om * 60);
	secs += sign == '-' ? off : -off;
	*out = secs * 1000000LL + (long long)frac;
	return 0;
}

static bool in_array(json_t *arr, const char *s)
{
	size_t i;
	json_t *v;
	json_array_foreach(arr, i, v)
	{
		const char *x = json_string_value(v);
		if (x && !strcmp(x, s))
			return true;
	}
	return false;
}

static bool flow_matches(json_t *f, const char *sip, long long sp, const char *dip, long long dp)
{
	const char *fs = json_s(f, "src_ip"), *fd = json_s(f, "dest_ip");
	long long fsp = json_ll(f, "src_port"), fdp = json_ll(f, "dest_port");
	return (!strcmp(fs, sip) && !strcmp(fd, dip) && fsp == sp && fdp == dp) ||
	       (!strcmp(fs, dip) && !strcmp(fd, sip) && fsp == dp && fdp == sp);
}

static bool addrs_match(json_t *step, const char *sip, const char *dip)
{
	json_t *srcs = json_object_get(step, "src_ips"), *dsts = json_object_get(step, "dest_ips");
	bool src_open = json_ll(step, "src_ip_count") > (long long)json_array_size(srcs);
	bool dst_open = json_ll(step, "dest_ip_count") > (long long)json_array_size(dsts);
	bool s_in = in_array(srcs, sip) || in_array(srcs, dip);
	bool d_in = in_array(dsts, sip) || in_array(dsts, dip);
	return (s_in || src_open) && (d_in || dst_open) && (s_in || d_in);
}

/* Index of the step an alert belongs to, or -1. */
static long attribute(json_t *steps, json_t *alert)
{
	long long t;
	if (eve_time_us(json_s(alert, "timestamp"), &t) != 0)
		return -1;
	const char *sip = json_s(alert, "src_ip"), *dip = json_s(alert, "dest_ip");
	long long sp = json_ll(alert, "src_port"), dp = json_ll(alert, "dest_port");
	long fallback = -1;
	size_t i;
	json_t *st;
	json_array_foreach(steps, i, st)
	{
		if (t < json_ll(st, "start_us") - SLACK_US || t > json_ll(st, "end_us") + SLACK_US)
			continue;
		size_t k;
		json_t *f;
		json_array_foreach(json_object_get(st, "flows"), k, f)
		{
			if (flow_matches(f, sip, sp, dip, dp))
				return (long)i;
		}
		if (fallback < 0 && addrs_match(st, sip, dip))
			fallback = (long)i;
	}
	return fallback;
}

static void note_sid(struct scenario_step_score *s, unsigned sid)
{
	for (unsigned i = 0; i < s->nsids; i++)
		if (s->sids[i] == sid)
			return;
	if (s->nsids < sizeof(s->sids) / sizeof(s->sids[0]))
		s->sids[s->nsids++] = sid;
}

static int load_steps(json_t *truth, struct scenario_score *out, char *err, size_t errlen)
{
	json_t *steps = json_object_get(truth, "steps");
	if (!json_is_array(steps)) {
		snprintf(err, errlen, "ground truth has no steps array");
		return -1;
	}
	out->nsteps = json_array_size(steps);
	out->steps = calloc(out->nsteps ? out->nsteps : 1, sizeof(*out->steps));
	if (!out->steps) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	size_t i;
	json_t *st;
	json_array_foreach(steps, i, st)
	{
		snprintf(out->steps[i].id, sizeof(out->steps[i].id), "%s", json_s(st, "id"));
		out->steps[i].malicious = json_is_true(json_object_get(st, "malicious"));
		out->malicious_total += out->steps[i].malicious;
	}
	return 0;
}

static void score_line(json_t *steps, const char *line, struct scenario_score *out)
{
	json_error_t jerr;
	/* valid EVE escapes a NUL byte as \u0000 */
	json_t *ev = json_loads(line, JSON_ALLOW_NUL, &jerr);
	if (!json_is_object(ev)) {
		if (out->bad_lines++ == 0)
			snprintf(out->first_bad, sizeof(out->first_bad), "%s",
				 ev ? "not a JSON object" : jerr.text);
		json_decref(ev);
		return;
	}
	json_t *alert = json_object_get(ev, "alert");
	if (strcmp(json_s(ev, "event_type"), "alert") != 0 || !json_is_object(alert)) {
		json_decref(ev);
		return;
	}
	long i = attribute(steps, ev);
	unsigned sid = (unsigned)json_ll(alert, "signature_id");
	if (i < 0) {
		out->unattributed_alerts++;
	} else {
		struct scenario_step_score *s = &out->steps[i];
		s->alerts++;
		note_sid(s, sid);
		if (!s->malicious)
			out->benign_alerts++;
	}
	json_decref(ev);
}

int scenario_score(const char *truth_path, const char *eve_path, struct scenario_score *out,
		   char *err, size_t errlen)
{
	memset(out, 0, sizeof(*out));
	json_error_t jerr;
	json_t *truth = json_load_file(truth_path, 0, &jerr);
	if (!truth) {
		snprintf(err, errlen, "%s: %s (line %d)", truth_path, jerr.text, jerr.line);
		return -1;
	}
	FILE *f = fopen(eve_path, "r");
	if (!f) {
		snprintf(err, errlen, "%s: cannot open", eve_path);
		json_decref(truth);
		return -1;
	}
	int rc = load_steps(truth, out, err, errlen);
	char *line = NULL;
	size_t cap = 0;
	unsigned long lineno = 0, first_bad_line = 0;
	while (rc == 0 && getline(&line, &cap, f) > 0) {
		unsigned before = out->bad_lines;
		lineno++;
		score_line(json_object_get(truth, "steps"), line, out);
		if (out->bad_lines > before && !first_bad_line)
			first_bad_line = lineno;
	}
	/* A score over a damaged EVE file would be a wrong score: refuse it. */
	if (rc == 0 && out->bad_lines) {
		snprintf(err, errlen,
			 "%s:%lu: malformed EVE line (%s); %u of %lu lines malformed, no score"
			 " given",
			 eve_path, first_bad_line, out->first_bad, out->bad_lines, lineno);
		rc = -1;
	}
	for (size_t i = 0; rc == 0 && i < out->nsteps; i++)
		out->malicious_detected += out->steps[i].malicious && out->steps[i].alerts > 0;
	free(line);
	fclose(f);
	json_decref(truth);
	if (rc != 0)
		scenario_score_free(out);
	return rc;
}

void scenario_score_free(struct scenario_score *s)
{
	free(s->steps);
	memset(s, 0, sizeof(*s));
}

void scenario_score_print(FILE *f, const char *name, const struct scenario_score *s)
{
	fprintf(f, "%s: %u/%u malicious steps detected, %u false alerts\n", name,
		s->malicious_detected, s->malicious_total,
		s->benign_alerts + s->unattributed_alerts);
	for (size_t i = 0; i < s->nsteps; i++) {
		const struct scenario_step_score *st = &s->steps[i];
		fprintf(f, "  %-9s %-26s %5u alerts", st->malicious ? "malicious" : "benign",
			st->id, st->alerts);
		for (unsigned k = 0; k < st->nsids; k++)
			fprintf(f, "%s%u", k ? "," : "  sids ", st->sids[k]);
		fputc('\n', f);
	}
	if (s->unattributed_alerts)
		fprintf(f, "  %u alerts outside every step\n", s->unattributed_alerts);
}
