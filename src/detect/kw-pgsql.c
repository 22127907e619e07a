/*
 * kw-pgsql.c — the PostgreSQL rule buffer (Suricata 8's pgsql.query): the
 * SQL text of a simple query request (to the server), a view into the
 * parser's transaction (app/pgsql.h).
 */
#include "app/pgsql.h"
#include "detect/detect-internal.h"

static bool pgsql_get(const struct app_buffer_spec *spec, struct det_thread *dt, const void *vtx,
		      enum app_dir dir, uint32_t k, const uint8_t **d, uint32_t *l)
{
	(void)spec;
	(void)dt;
	const struct pgsql_tx *tx = vtx;
	if (k > 0 || dir != APP_TOSERVER || tx->req != PGSQL_REQ_QUERY || tx->req_value.p == NULL)
		return false;
	*d = tx->req_value.p;
	*l = tx->req_value.len;
	return true;
}

static const struct app_buffer_spec specs[] = {
    {"pgsql.query", NULL, APP_PROTO_PGSQL, AD_TS, pgsql_get, 0},
};

const struct app_buffer_family app_buffers_pgsql = {specs, sizeof(specs) / sizeof(specs[0])};
