/*
 * ntp.h — NTP v3/v4 over UDP 123, as Suricata 8 parses it (rust/src/ntp/):
 * one transaction per message, with its version, mode, stratum and
 * reference id.  A message is the 48-byte header (RFC 5905), then v4
 * extension fields and a MAC, which are not read.
 *
 * Bounds: the header only is read (never past the datagram's length); at
 * most NTP_MAX_TXS live transactions per flow (the oldest go).
 */
#ifndef VIGIL_APP_NTP_H
#define VIGIL_APP_NTP_H

#include <stdbool.h>
#include <stdint.h>

#include "app/app.h"

#define NTP_MAX_TXS 64
#define NTP_HEADER_LEN 48

enum ntp_event {
	NTP_EV_UNSOLICITED_RESPONSE,
	NTP_EV_MALFORMED_DATA,
	NTP_EV_NOT_REQUEST,
	NTP_EV_NOT_RESPONSE,
	NTP_EV_COUNT,
};
extern const char *const ntp_event_names[NTP_EV_COUNT];

struct ntp_tx {
	uint64_t id;
	enum app_dir dir;
	uint8_t version, mode, stratum;
	uint8_t reference_id[4];
	uint32_t events;
};

struct ntp_state;
struct ntp_state *ntp_state_new(void);
void ntp_state_free(struct ntp_state *s);
enum app_parse_result ntp_parse(struct ntp_state *s, enum app_dir dir, const uint8_t *d,
				uint32_t n);
uint64_t ntp_tx_count(const struct ntp_state *s);
const struct ntp_tx *ntp_tx_get(const struct ntp_state *s, uint64_t id);
/* An NTP v3/v4 header (48 bytes at least). */
enum app_probe_result ntp_probe(const uint8_t *d, uint32_t n);
/* A mode by its name ("client", "server", ...); -1 when unknown. */
int ntp_mode_by_name(const char *name);

struct json;
void ntp_tx_log_json(struct json *j, const struct ntp_tx *tx);

#endif
