/*
 * kw-ssh.c — the SSH rule buffers and keywords, as Suricata 8 defines them
 * (rust/src/ssh/detect.rs, src/detect-ssh-*.c):
 *   ssh.proto (alias ssh_proto), ssh.software (alias ssh_software): the
 *     banner's protocol version and software of the packet's side;
 *   ssh.hassh / ssh.hassh.string (aliases ssh-hassh, ssh-hassh-string):
 *     the client's fingerprint, to_server;
 *   ssh.hassh.server / ssh.hassh.server.string (ssh-hassh-server,
 *     ssh-hassh-server-string): the server's, to_client;
 *   ssh.protoversion and ssh.softwareversion: obsolete in Suricata 8, a
 *     rule using them fails to load, with Suricata's message.
 * Suricata has no ssh.state keyword (its SSH hooks, "ssh:request_banner_done"
 * in the rule header, are not in vigil).  A rule using a hassh buffer
 * turns hassh on for the engine (detect_engine_wants_hassh()), as in
 * Suricata, whatever app-layer.protocols.ssh.hassh says.
 * Values are views into the parser's transaction (app/ssh.h); nothing is
 * copied.
 */
#include <string.h>

#include "app/ssh.h"
#include "detect/detect-internal.h"

enum ssh_field { SF_PROTO, SF_SOFTWARE, SF_HASSH, SF_HASSH_STRING };

static bool ssh_get(const struct app_buffer_spec *spec, struct det_thread *dt, const void *tx,
		    enum app_dir dir, uint32_t k, const uint8_t **d, uint32_t *l)
{
	(void)dt;
	if (k > 0)
		return false;
	switch ((enum ssh_field)spec->arg) {
	case SF_PROTO: *d = ssh_tx_proto(tx, dir, l); break;
	case SF_SOFTWARE: *d = ssh_tx_software(tx, dir, l); break;
	case SF_HASSH: *d = ssh_tx_hassh(tx, dir, l); break;
	case SF_HASSH_STRING: *d = ssh_tx_hassh_string(tx, dir, l); break;
	default: return false;
	}
	return *d != NULL && *l > 0;
}

static const struct app_buffer_spec specs[] = {
    {"ssh.proto", "ssh_proto", APP_PROTO_SSH, AD_BOTH, ssh_get, SF_PROTO},
    {"ssh.software", "ssh_software", APP_PROTO_SSH, AD_BOTH, ssh_get, SF_SOFTWARE},
    {"ssh.hassh", "ssh-hassh", APP_PROTO_SSH, AD_TS, ssh_get, SF_HASSH},
    {"ssh.hassh.string", "ssh-hassh-string", APP_PROTO_SSH, AD_TS, ssh_get, SF_HASSH_STRING},
    {"ssh.hassh.server", "ssh-hassh-server", APP_PROTO_SSH, AD_TC, ssh_get, SF_HASSH},
    {"ssh.hassh.server.string", "ssh-hassh-server-string", APP_PROTO_SSH, AD_TC, ssh_get,
     SF_HASSH_STRING},
};

const struct app_buffer_family app_buffers_ssh = {specs, sizeof(specs) / sizeof(specs[0])};

bool detect_engine_wants_hassh(const struct detect_engine *de)
{
	if (de == NULL)
		return false;
	for (uint32_t i = 0; i < de->nrules; i++) {
		const struct rule *r = de->rules[i];
		for (uint32_t b = 0; b < r->nbufs; b++) {
			const struct buffer_def *bd = buffer_def(r->bufs[b].buf_id);
			if (bd != NULL && bd->name != NULL &&
			    strncmp(bd->name, "ssh.hassh", 9) == 0)
				return true;
		}
	}
	return false;
}

/* ------------------------------------------------------------ obsolete keywords */

static int protoversion_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	(void)r;
	(void)arg;
	pc_error(pc, "ssh.protoversion is obsolete, use now ssh.proto");
	return -1;
}

static int softwareversion_setup(struct parse_ctx *pc, struct rule *r, const char *arg)
{
	(void)r;
	(void)arg;
	pc_error(pc, "ssh.softwareversion is obsolete, use now ssh.software");
	return -1;
}

static const struct kw_def defs[] = {
    {"ssh.protoversion", NULL, "obsolete keyword, use now ssh.proto", protoversion_setup, NULL,
     NULL, NULL, KW_OPTIONAL | KW_QUOTES_OK},
    {"ssh.softwareversion", NULL, "obsolete keyword, use now ssh.software", softwareversion_setup,
     NULL, NULL, NULL, KW_OPTIONAL | KW_QUOTES_OK},
};

const struct kw_family kw_family_ssh = {defs, sizeof(defs) / sizeof(defs[0])};
