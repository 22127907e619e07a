/*
 * scenario — vigil's capture generator: public interface.
 *
 * Writes realistic, valid pcaps of named scenarios (a sample capture for
 * the demo and attack scenarios against critical infrastructure) with a
 * ground-truth JSON next to each.  Output is a pure function of (name,
 * seed, scale): the same arguments always give byte-identical files.
 * The generator stands alone: it uses no other pipeline stage.
 */
#ifndef VIGIL_SCENARIO_H
#define VIGIL_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define SCENARIO_DEFAULT_SEED 20260310u

/*
 * `vigil scenario ...`: argv[0] is "scenario".  Subcommands: list, write, score.
 * Returns the process exit status.
 */
int scenario_command_main(int argc, char **argv);

/*
 * Ground truth (FILE.truth.json), one JSON object:
 *   scenario, seed, scale, packets
 *   hosts: [ {ip, name} ] the hostnames of the addresses that appear in flows
 *   steps: [ { id, name, malicious (bool), technique (MITRE ATT&CK Enterprise
 *              or ICS id, null when benign), start, end (EVE-style UTC
 *              timestamps), start_us, end_us (µs since the epoch), packets,
 *              flow_count, flows: [ {proto, src_ip, src_port, dest_ip,
 *              dest_port} ] (initiator first; at most 24 listed),
 *              src_ip_count, src_ips, dest_ip_count, dest_ips (distinct
 *              initiator/responder addresses, at most 32 listed) } ]
 * A step's packets all lie in [start_us, end_us].  Steps may run
 * concurrently; a flow belongs to exactly one step.  Scans and floods have
 * more flows than are listed: match them by address sets and time span.
 */

/*
 * Writes scenario `name` to pcap_path, and its ground truth to the same
 * path with ".pcap" replaced by ".truth.json" (or ".truth.json" appended).
 * scale multiplies benign and flood volume (0 is taken as 1).
 * Returns 0, or -1 with a one-line reason in err.
 */
int scenario_write(const char *name, const char *pcap_path, uint64_t seed, unsigned scale,
		   char *err, size_t errlen);

/* Number of scenarios and their names/descriptions, for listings. */
size_t scenario_count(void);
const char *scenario_name(size_t i);
const char *scenario_description(size_t i);

/* The truth path for a pcap path, as scenario_write() derives it. */
void scenario_truth_path(const char *pcap_path, char *out, size_t outlen);

/* ---- scoring a sensor's alerts against the ground truth (score.c) ---- */

struct scenario_step_score {
	char id[48];
	bool malicious;
	unsigned alerts;   /* alerts attributed to this step */
	unsigned sids[16]; /* distinct signature ids among them (first 16) */
	unsigned nsids;
};

struct scenario_score {
	struct scenario_step_score *steps; /* in truth-file order */
	size_t nsteps;
	unsigned malicious_total, malicious_detected; /* detected: at least one alert */
	unsigned benign_alerts;			      /* alerts on benign steps: false alerts */
	unsigned unattributed_alerts; /* alerts outside every step: false alerts too */
	unsigned bad_lines;	      /* EVE lines that were not JSON objects: an error */
	char first_bad[160];	      /* why the first of them was rejected */
};

/*
 * Reads truth_path (FILE.truth.json) and eve_path (EVE JSON lines) and
 * attributes each alert to a step (see score.c for the rule).  Returns 0,
 * or -1 with err filled; free the result with scenario_score_free().
 */
int scenario_score(const char *truth_path, const char *eve_path, struct scenario_score *out,
		   char *err, size_t errlen);
void scenario_score_free(struct scenario_score *s);
/* The per-step table: "NAME: D/M malicious steps detected, F false alerts" then one line a step. */
void scenario_score_print(FILE *f, const char *name, const struct scenario_score *s);

#endif
