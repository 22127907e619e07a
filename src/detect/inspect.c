/*
 * inspect.c — runs a rule's content-like keywords over one buffer.
 *
 * Suricata's semantics: keywords are tried in rule order, each starting
 * from the end of the previous match (the cursor) when it is relative.
 * When a later keyword fails and it depends on the previous one, the
 * previous keyword is retried at its next occurrence; when it does not
 * depend on it, no other occurrence can help and inspection gives up.
 * The number of steps is bounded so a pathological rule cannot spin.
 */
#include "detect/detect-internal.h"

#define INSPECT_RECURSION_LIMIT 3000

static int inspect_from(struct det_thread *dt, const struct sm_list *l, uint32_t i,
			const struct inspect_buf *b, uint32_t cursor)
{
	if (i == l->n)
		return 1;
	const struct sm *s = &l->v[i];
	uint32_t resume = 0;
	for (;;) {
		if (++dt->recursion > INSPECT_RECURSION_LIMIT)
			return -1;
		uint32_t end = cursor, retry = UINT32_MAX;
		int r = s->kw->inspect(dt, s->ctx, b, cursor, resume, &end, &retry);
		if (r == 1) {
			int nr = inspect_from(dt, l, i + 1, b, end);
			if (nr == 1)
				return 1;
			if (nr == -1)
				return -1;
			/* The rest failed: another occurrence helps only a relative successor. */
			if (i + 1 >= l->n || !l->v[i + 1].relative)
				return -1;
		} else if (r == -1) {
			return -1;
		}
		if (retry == UINT32_MAX || retry > b->len)
			return 0;
		resume = retry;
	}
}

int inspect_buffer(struct det_thread *dt, const struct sm_list *l, const struct inspect_buf *b)
{
	dt->recursion = 0;
	return inspect_from(dt, l, 0, b, 0) == 1;
}
