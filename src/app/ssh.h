/*
 * ssh.h — the SSH parser (app/ssh.c) as the rest of vigil sees it: the
 * protocol descriptor app_ssh, its settings, and read-only accessors of
 * the one transaction a flow has (detection buffers, EVE writer).
 *
 * As Suricata 8 (rust/src/ssh/): each direction is a banner
 * "SSH-protoversion-softwareversion[ comments]" then binary packets up to
 * NEWKEYS; a KEXINIT gives the HASSH fingerprint of its side when hassh is
 * on.  Once both directions have sent NEWKEYS the flow is encrypted: with
 * encryption-handling track-only (Suricata 8's default) or bypass the
 * parser takes no more data and the flow should get no more inspection
 * (ssh_state_no_inspection(), ssh_state_bypass_ready()).
 */
#ifndef VIGIL_APP_SSH_H
#define VIGIL_APP_SSH_H

#include <stdbool.h>
#include <stdint.h>

#include "app/app.h"

struct json;
struct config_node;

/* Progress of one direction, Suricata's SSHConnectionState. */
enum ssh_progress {
	SSH_STATE_IN_PROGRESS = 0,
	SSH_STATE_BANNER_WAIT_EOL = 1, /* banner longer than 256 bytes, its end not seen yet */
	SSH_STATE_BANNER_DONE = 2,
	SSH_STATE_FINISHED = 3, /* NEWKEYS sent */
};

/* App-layer events, Suricata's SSHEvent order and names (ssh-events.rules). */
enum ssh_event {
	SSH_EV_INVALID_BANNER = 0,
	SSH_EV_LONG_BANNER,
	SSH_EV_INVALID_RECORD,
	SSH_EV_LONG_KEX_RECORD,
	SSH_EV_COUNT,
};

/* app-layer.protocols.ssh.encryption-handling */
enum ssh_encryption_handling {
	SSH_ENC_TRACK_ONLY = 0, /* default: stop parsing and inspecting, keep tracking */
	SSH_ENC_BYPASS = 1,	/* ... and bypass the flow */
	SSH_ENC_FULL = 2,	/* keep parsing (the records are ciphertext) */
};

struct ssh_config {
	bool hassh; /* app-layer.protocols.ssh.hassh, or a rule uses ssh.hassh* */
	enum ssh_encryption_handling encryption;
};

extern const struct app_protocol app_ssh;

/* Settings under app-layer.protocols.ssh (config_new of the descriptor). */
void *ssh_config_new(const struct config_node *root);
void ssh_config_free(void *cfg);
/* Suricata turns hassh on when a loaded rule uses an ssh.hassh* buffer,
 * whatever the setting says; the engine calls this when that is so. */
void ssh_config_enable_hassh(void *cfg);

struct ssh_state;
struct ssh_tx;

/* Lower-level entry points (the descriptor calls these). */
struct ssh_state *ssh_state_new(const struct ssh_config *cfg);
void ssh_state_free(struct ssh_state *s);
enum app_parse_result ssh_parse(struct ssh_state *s, enum app_dir dir, const uint8_t *d, uint32_t n,
				uint32_t flags);
const struct ssh_tx *ssh_state_tx(const struct ssh_state *s);

/* Both directions sent NEWKEYS. */
bool ssh_state_encrypted(const struct ssh_state *s);
/* Encrypted and encryption-handling is not `full`: no more inspection of
 * the flow (Suricata's APP_LAYER_PARSER_NO_INSPECTION). */
bool ssh_state_no_inspection(const struct ssh_state *s);
/* Encrypted with encryption-handling `bypass`: the flow may be bypassed. */
bool ssh_state_bypass_ready(const struct ssh_state *s);

/* Transaction accessors.  Byte strings are views into the state (NULL and
 * *len 0 when absent), valid until the next parse call. */
enum ssh_progress ssh_tx_progress(const struct ssh_tx *tx, enum app_dir dir);
const uint8_t *ssh_tx_proto(const struct ssh_tx *tx, enum app_dir dir, uint32_t *len);
const uint8_t *ssh_tx_software(const struct ssh_tx *tx, enum app_dir dir, uint32_t *len);
/* HASSH (client, to server) / HASSH-server (to client): the MD5 in lower-case hex ... */
const uint8_t *ssh_tx_hassh(const struct ssh_tx *tx, enum app_dir dir, uint32_t *len);
/* ... of "kex;encryption;mac;compression" of that side's KEXINIT lists. */
const uint8_t *ssh_tx_hassh_string(const struct ssh_tx *tx, enum app_dir dir, uint32_t *len);
bool ssh_tx_has_event(const struct ssh_tx *tx, enum ssh_event ev);
const char *ssh_event_name(enum ssh_event ev); /* "invalid_banner" */

/* The members of the EVE `ssh` object ("client": {...}, "server": {...});
 * nothing when neither side gave a banner (app/ssh-log.c). */
void ssh_tx_log_json(struct json *j, const struct ssh_tx *tx);

#endif
