/*
 * stratum-log.c — the EVE `"stratum":{...}` object (event and alert): method, id, worker, agent,
 * result, error, job_id, difficulty, each only when the transaction has
 * it.  id, result and error are the JSON values as sent (compact); one
 * cut at its bound (stratum.h) is written as a string instead, so the
 * event stays valid JSON.  Only reads the transaction.
 */
#include <math.h>

#include "app/stratum.h"
#include "util/json.h"

static void put_str(struct json *j, const char *key, const struct stratum_str *s)
{
	if (s->s != NULL)
		json_strn(j, key, (const uint8_t *)s->s, s->len);
}

static void put_value(struct json *j, const char *key, const struct stratum_str *s)
{
	if (s->s == NULL)
		return;
	if (s->cut)
		json_strn(j, key, (const uint8_t *)s->s, s->len);
	else
		json_raw(j, key, s->s, s->len);
}

void stratum_tx_log_json(struct json *j, const struct stratum_tx *tx)
{
	json_open_object(j, "stratum");
	put_str(j, "method", &tx->method);
	put_value(j, "id", &tx->id);
	put_str(j, "worker", &tx->worker);
	put_str(j, "agent", &tx->agent);
	put_value(j, "result", &tx->result);
	put_value(j, "error", &tx->error);
	put_str(j, "job_id", &tx->job_id);
	if (tx->has_difficulty) {
		double d = tx->difficulty;
		if (d >= 0 && d < 9007199254740992.0 && floor(d) == d)
			json_uint(j, "difficulty", (uint64_t)d);
		else
			json_double(j, "difficulty", d);
	}
	json_close_object(j);
}
