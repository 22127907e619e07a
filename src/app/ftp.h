/*
 * ftp — the FTP control channel and FTP data connections (ftp.c): the
 * transaction views that the EVE writer (ftp-log.c) and the keywords
 * (detect/kw-ftp.c) read.  Views point into the parser's state and are
 * valid while the transaction lives.
 */
#ifndef VIGIL_APP_FTP_H
#define VIGIL_APP_FTP_H

#include <stdbool.h>
#include <stdint.h>

#include "app/app.h"

extern const struct app_protocol app_ftp, app_ftpdata, app_tftp;

struct ftp_tx;
struct ftpdata_tx;
struct json;

/* The command's name as Suricata's command table spells it ("USER",
 * "RETR", "UNKNOWN"); NULL for the server's greeting (no command). */
const char *ftp_tx_command(const struct ftp_tx *tx);
/* What follows the command and its space (NULL: nothing). */
const uint8_t *ftp_tx_command_data(const struct ftp_tx *tx, uint32_t *len);
bool ftp_tx_command_truncated(const struct ftp_tx *tx);
bool ftp_tx_is_pass(const struct ftp_tx *tx);
/* The k-th reply line: its 3-digit completion code (NULL: none) and its
 * text (after the code and its separator); false past the end. */
bool ftp_tx_reply(const struct ftp_tx *tx, uint32_t k, const uint8_t **code, const uint8_t **text,
		  uint32_t *text_len);
bool ftp_tx_reply_truncated(const struct ftp_tx *tx);
bool ftp_tx_reply_received(const struct ftp_tx *tx);
/* Dynamic port negotiated by this command's reply (0: none) and whether
 * the command asks for an active (PORT/EPRT) or passive (PASV/EPSV)
 * transfer: 1 active, 0 passive, -1 neither. */
uint16_t ftp_tx_dynamic_port(const struct ftp_tx *tx);
int ftp_tx_mode(const struct ftp_tx *tx);
/* A PORT command's IPv4 address (false: not a PORT with one). */
bool ftp_tx_port_addr(const struct ftp_tx *tx, uint8_t addr[4]);

/* FTP data: "RETR"/"STOR" (NULL unknown), the file's name. */
const char *ftpdata_tx_command(const struct ftpdata_tx *tx);
const uint8_t *ftpdata_tx_filename(const struct ftpdata_tx *tx, uint32_t *len);
/* The file's first bytes when it travels in dir (file.data); NULL otherwise. */
const uint8_t *ftpdata_tx_file_head(const struct ftpdata_tx *tx, enum app_dir dir, uint32_t *len);

#define FTP_EVE_LOG_PASSWORD (1u << 0)
void ftp_tx_log_json(struct json *j, const struct ftp_tx *tx, uint32_t opts);
void ftpdata_tx_log_json(struct json *j, const struct ftpdata_tx *tx);

#endif
