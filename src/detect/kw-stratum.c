/*
 * kw-stratum.c — the Stratum rule buffers (sticky, like Suricata's
 * protocol buffers; Suricata itself has no Stratum keywords):
 *   stratum.method   the method of a request or notification, on the
 *                    side that sent it
 *   stratum.worker   the worker / wallet name (mining.authorize,
 *                    mining.submit, login), on the sender's side: rules
 *                    match wallets with it
 *   stratum.agent    the miner's user agent (mining.subscribe, login)
 * Values are views into the parser's transaction (app/stratum.h).
 */
#include "app/stratum.h"
#include "detect/detect-internal.h"

enum stratum_field { SF_METHOD, SF_WORKER, SF_AGENT };

static bool stratum_get(const struct app_buffer_spec *spec, struct det_thread *dt, const void *vtx,
			enum app_dir dir, uint32_t k, const uint8_t **d, uint32_t *l)
{
	(void)dt;
	const struct stratum_tx *tx = vtx;
	if (k > 0 || tx->dir != dir)
		return false;
	const struct stratum_str *s;
	switch ((enum stratum_field)spec->arg) {
	case SF_METHOD: s = &tx->method; break;
	case SF_WORKER: s = &tx->worker; break;
	case SF_AGENT: s = &tx->agent; break;
	default: return false;
	}
	if (s->s == NULL || s->len == 0)
		return false;
	*d = (const uint8_t *)s->s;
	*l = s->len;
	return true;
}

static const struct app_buffer_spec specs[] = {
    {"stratum.method", NULL, APP_PROTO_STRATUM, AD_BOTH, stratum_get, SF_METHOD},
    {"stratum.worker", NULL, APP_PROTO_STRATUM, AD_BOTH, stratum_get, SF_WORKER},
    {"stratum.agent", NULL, APP_PROTO_STRATUM, AD_BOTH, stratum_get, SF_AGENT},
};

const struct app_buffer_family app_buffers_stratum = {specs, sizeof(specs) / sizeof(specs[0])};
