/*
 * ssh-log.c — the members of the EVE `ssh` object, as Suricata 8 writes
 * them (rust/src/ssh/logger.rs): "client" then "server", each with
 * proto_version, software_version when the banner had one, and a "hassh"
 * object {hash, string} when the fingerprint was made.  A side without a
 * banner is left out.  Only reads the transaction.
 */
#include "app/ssh.h"
#include "util/json.h"

static void log_side(struct json *j, const struct ssh_tx *tx, enum app_dir dir, const char *key)
{
	uint32_t pl = 0, sl = 0, hl = 0, hsl = 0;
	const uint8_t *proto = ssh_tx_proto(tx, dir, &pl);
	if (proto == NULL)
		return;
	const uint8_t *sw = ssh_tx_software(tx, dir, &sl);
	const uint8_t *hash = ssh_tx_hassh(tx, dir, &hl);
	const uint8_t *hstr = ssh_tx_hassh_string(tx, dir, &hsl);
	json_open_object(j, key);
	json_strn(j, "proto_version", proto, pl);
	if (sw != NULL)
		json_strn(j, "software_version", sw, sl);
	if (hash != NULL || hstr != NULL) {
		json_open_object(j, "hassh");
		if (hash != NULL)
			json_strn(j, "hash", hash, hl);
		if (hstr != NULL)
			json_strn(j, "string", hstr, hsl);
		json_close_object(j);
	}
	json_close_object(j);
}

void ssh_tx_log_json(struct json *j, const struct ssh_tx *tx)
{
	log_side(j, tx, APP_TOSERVER, "client");
	log_side(j, tx, APP_TOCLIENT, "server");
}
