/*
 * scenario — the scenario table, scenario_write() and the `vigil
 * scenario` command line (list, write, score).  Adding a scenario means one builder file and
 * one line in `scenarios[]`; nothing else changes.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario/scenario.h"

#include "capture/capture.h"
#include "scenario/scenarios.h"

const uint8_t sc_gateway_mac[6] = {0x00, 0x1a, 0x8c, 0x4e, 0x21, 0x01}; /* site firewall */

static const struct sc_scenario scenarios[] = {
    {"sample",
     "a few TCP/UDP/ICMP conversations, an IPv4 fragment train, IPv6, one malformed "
     "packet (the sensor demo)",
     scenario_build_sample},
    {"hospital-ransomware",
     "phishing, C2 beacons (HTTPS/HTTP), RDP spraying, SMB2 lateral "
     "movement, exfiltration, share encryption; HL7 and DICOM background",
     scenario_build_hospital_ransomware},
    {"hospital-ransomware-novel",
     "the same intrusion by a family no signature names (its own extension and "
     "note), which first deletes shadow copies through a remote service",
     scenario_build_hospital_ransomware_novel},
    {"grid-manipulation",
     "OT network scan, Modbus coil/register writes, DNP3 direct operate and "
     "cold restart, IEC 104 commands; SCADA polling background",
     scenario_build_grid_manipulation},
    {"crypto-theft",
     "wallet-drainer and fake-exchange sites, Stratum cryptominer, clipboard "
     "hijacker beacon, mixer API calls; exchange browsing background",
     scenario_build_crypto_theft},
    {"emergency-ddos",
     "SYN flood and DNS amplification against a 911 answering point; SIP "
     "emergency calls background",
     scenario_build_emergency_ddos},
};

#define NSCENARIOS (sizeof(scenarios) / sizeof(scenarios[0]))

size_t scenario_count(void)
{
	return NSCENARIOS;
}

const char *scenario_name(size_t i)
{
	return i < NSCENARIOS ? scenarios[i].name : NULL;
}

const char *scenario_description(size_t i)
{
	return i < NSCENARIOS ? scenarios[i].description : NULL;
}

void scenario_truth_path(const char *pcap_path, char *out, size_t outlen)
{
	size_t n = strlen(pcap_path);
	if (n > 5 && !strcmp(pcap_path + n - 5, ".pcap"))
		n -= 5;
	snprintf(out, outlen, "%.*s.truth.json", (int)n, pcap_path);
}

/* The marker that makes the capture's events "exercise" events all the
 * way to the briefing (see capture_exercise()). */
static int write_exercise_marker(const char *pcap_path, const char *name, char *err, size_t errlen)
{
	char path[4200];
	capture_exercise_path(pcap_path, path, sizeof(path));
	FILE *f = fopen(path, "w");
	bool ok = f && fprintf(f, "vigil-exercise %s\n", name) > 0;
	if (f && fclose(f) != 0)
		ok = false;
	if (!ok) {
		snprintf(err, errlen, "%s: cannot write the exercise marker", path);
		return -1;
	}
	return 0;
}

int scenario_write(const char *name, const char *pcap_path, uint64_t seed, unsigned scale,
		   char *err, size_t errlen)
{
	const struct sc_scenario *sc = NULL;
	for (size_t i = 0; i < NSCENARIOS; i++)
		if (!strcmp(scenarios[i].name, name))
			sc = &scenarios[i];
	if (!sc) {
		snprintf(err, errlen, "unknown scenario '%s' (see 'vigil scenario list')", name);
		return -1;
	}
	struct sc_ctx c;
	sc_ctx_init(&c, sc->name, seed, scale);
	int rc = sc->build(&c);
	if (rc != 0 || c.oom) {
		snprintf(err, errlen, "%s: generation failed%s", name,
			 c.oom ? " (out of memory)" : "");
		sc_ctx_free(&c);
		return -1;
	}
	char truth[4096];
	scenario_truth_path(pcap_path, truth, sizeof(truth));
	rc = sc_ctx_write_pcap(&c, pcap_path, err, errlen);
	if (rc == 0)
		rc = sc_ctx_write_truth(&c, truth, err, errlen);
	if (rc == 0)
		rc = write_exercise_marker(pcap_path, sc->name, err, errlen);
	sc_ctx_free(&c);
	return rc;
}

static void usage_main(FILE *f)
{
	fprintf(f, "usage: vigil scenario list\n"
		   "       vigil scenario write NAME -o FILE.pcap [--seed N] [--scale N]\n"
		   "       vigil scenario score FILE.truth.json EVE.json\n"
		   "Writes realistic captures of named scenarios with a ground-truth JSON\n"
		   "(FILE.truth.json) and an exercise marker (FILE.exercise: the sensor marks\n"
		   "every event from the capture as exercise data) beside each.\n"
		   "'vigil scenario COMMAND --help' for details.\n");
}

static void usage_write(FILE *f)
{
	fprintf(f,
		"usage: vigil scenario write NAME -o FILE.pcap [--seed N] [--scale N]\n"
		"  -o, --output FILE   pcap to write; ground truth goes to FILE.truth.json,\n"
		"                      the exercise marker to FILE.exercise\n"
		"  -s, --seed N        random seed (default %u); same seed, same bytes\n"
		"  -x, --scale N       multiply benign and flood volume by N (1-1000, default 1)\n",
		SCENARIO_DEFAULT_SEED);
}

static int cmd_list(int argc, char **argv)
{
	if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		printf("usage: vigil scenario list\nLists the scenarios 'write' knows.\n");
		return 0;
	}
	if (argc > 1) {
		fprintf(stderr, "vigil scenario list: unexpected argument '%s'\n", argv[1]);
		return 2;
	}
	for (size_t i = 0; i < NSCENARIOS; i++)
		printf("%-22s %s\n", scenarios[i].name, scenarios[i].description);
	return 0;
}

static int parse_u64(const char *s, uint64_t max, uint64_t *out)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 0);
	if (errno || end == s || *end || s[0] == '-' || v > max)
		return -1;
	*out = v;
	return 0;
}

static int cmd_write(int argc, char **argv)
{
	static const struct option opts[] = {{"output", required_argument, NULL, 'o'},
					     {"seed", required_argument, NULL, 's'},
					     {"scale", required_argument, NULL, 'x'},
					     {"help", no_argument, NULL, 'h'},
					     {NULL, 0, NULL, 0}};
	const char *out = NULL;
	uint64_t seed = SCENARIO_DEFAULT_SEED, scale = 1;
	int ch;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "o:s:x:h", opts, NULL)) != -1) {
		switch (ch) {
		case 'o': out = optarg; break;
		case 's':
			if (parse_u64(optarg, UINT64_MAX, &seed) != 0) {
				fprintf(stderr, "vigil scenario write: bad --seed '%s'\n", optarg);
				return 2;
			}
			break;
		case 'x':
			if (parse_u64(optarg, 1000, &scale) != 0 || scale == 0) {
				fprintf(stderr, "vigil scenario write: --scale must be 1-1000\n");
				return 2;
			}
			break;
		case 'h': usage_write(stdout); return 0;
		default: usage_write(stderr); return 2;
		}
	}
	if (optind + 1 != argc || !out) {
		usage_write(stderr);
		return 2;
	}
	char err[512];
	if (scenario_write(argv[optind], out, seed, (unsigned)scale, err, sizeof(err)) != 0) {
		fprintf(stderr, "vigil scenario write: %s\n", err);
		return 1;
	}
	char truth[4096], marker[4200];
	scenario_truth_path(out, truth, sizeof(truth));
	capture_exercise_path(out, marker, sizeof(marker));
	printf("wrote %s, %s and %s\n", out, truth, marker);
	return 0;
}

static int cmd_score(int argc, char **argv)
{
	if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		printf(
		    "usage: vigil scenario score FILE.truth.json EVE.json\n"
		    "Attributes each alert in EVE.json to a step of the ground truth and prints,\n"
		    "per step, the alerts and sids; exit 0, or 1 when any alert is false\n"
		    "(on a benign step or outside every step).\n");
		return 0;
	}
	if (argc != 3) {
		fprintf(stderr, "usage: vigil scenario score FILE.truth.json EVE.json\n");
		return 2;
	}
	struct scenario_score s;
	char err[512];
	if (scenario_score(argv[1], argv[2], &s, err, sizeof(err)) != 0) {
		fprintf(stderr, "vigil scenario score: %s\n", err);
		return 2;
	}
	scenario_score_print(stdout, argv[1], &s);
	int rc = s.benign_alerts + s.unattributed_alerts ? 1 : 0;
	scenario_score_free(&s);
	return rc;
}

int scenario_command_main(int argc, char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage_main(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (!strcmp(argv[1], "list"))
		return cmd_list(argc - 1, argv + 1);
	if (!strcmp(argv[1], "write"))
		return cmd_write(argc - 1, argv + 1);
	if (!strcmp(argv[1], "score"))
		return cmd_score(argc - 1, argv + 1);
	fprintf(stderr, "vigil scenario: unknown command '%s'\n", argv[1]);
	usage_main(stderr);
	return 2;
}
