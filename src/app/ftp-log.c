/*
 * ftp-log.c — the EVE `ftp` and `ftp_data` objects, as Suricata writes
 * them (output-json-ftp.c; rust/src/ftp in 8):
 *   ftp: command, command_data and command_truncated (when the command
 *   has an argument; a PASS's only with the ftp type's log-password: yes),
 *   completion_code [the codes of the reply lines that have one], reply
 *   [each line's text], dynamic_port (when negotiated), mode (PORT/EPRT
 *   "active", PASV/EPSV "passive", as Suricata 8), reply_received
 *   "yes"/"no", reply_truncated.
 *   ftp_data: filename, command ("RETR", "STOR", "LIST", ...).
 * Only reads the transaction.
 */
#include "app/ftp.h"
#include "util/json.h"


void ftp_tx_log_json(struct json *j, const struct ftp_tx *tx, uint32_t opts)
{
	const char *cmd = ftp_tx_command(tx);
	if (cmd != NULL) {
		json_str(j, "command", cmd);
		uint32_t dl = 0;
		const uint8_t *d = ftp_tx_command_data(tx, &dl);
		if (d != NULL && (!ftp_tx_is_pass(tx) || (opts & FTP_EVE_LOG_PASSWORD))) {
			json_strn(j, "command_data", d, dl);
			json_bool(j, "command_truncated", ftp_tx_command_truncated(tx));
		}
	}
	const uint8_t *code, *text;
	uint32_t tl;
	bool open = false;
	for (uint32_t k = 0; ftp_tx_reply(tx, k, &code, &text, &tl); k++) {
		if (code == NULL)
			continue;
		if (!open)
			json_open_array(j, "completion_code");
		open = true;
		json_strn(j, NULL, code, 3);
	}
	if (open)
		json_close_array(j);
	if (ftp_tx_reply(tx, 0, &code, &text, &tl)) {
		json_open_array(j, "reply");
		for (uint32_t k = 0; ftp_tx_reply(tx, k, &code, &text, &tl); k++)
			json_strn(j, NULL, text, tl);
		json_close_array(j);
	}
	if (ftp_tx_dynamic_port(tx) != 0)
		json_uint(j, "dynamic_port", ftp_tx_dynamic_port(tx));
	if (ftp_tx_mode(tx) >= 0)
		json_str(j, "mode", ftp_tx_mode(tx) == 1 ? "active" : "passive");
	json_str(j, "reply_received", ftp_tx_reply_received(tx) ? "yes" : "no");
	json_bool(j, "reply_truncated", ftp_tx_reply_truncated(tx));
}

void ftpdata_tx_log_json(struct json *j, const struct ftpdata_tx *tx)
{
	uint32_t nl = 0;
	const uint8_t *name = ftpdata_tx_filename(tx, &nl);
	if (name != NULL)
		json_strn(j, "filename", name, nl);
	const char *cmd = ftpdata_tx_command(tx);
	if (cmd != NULL)
		json_str(j, "command", cmd);
}
