/*
 * fuzz_detect_match.c — libFuzzer target for rule evaluation: the input is
 * "rule text\n payload bytes".  The rule is parsed and, when it loads,
 * evaluated (header, packet keywords, content inspection with transforms)
 * against a TCP and a UDP packet carrying the payload, with a flow so
 * flowbits/flowint/tag state is exercised too.  Catches out-of-bounds
 * reads in content, pcre, byte_* and transforms.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "detect/detect-internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct detect_engine *engine(void)
{
	static struct detect_engine *de;
	if (de == NULL) {
		de = calloc(1, sizeof(*de));
		de->vars = vars_new();
		vars_add_defaults(de->vars);
		de->alert_max = DETECT_PACKET_ALERT_MAX;
	}
	return de;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size);
	if (nl == NULL || size > 16384)
		return 0;
	size_t rl = (size_t)(nl - data);
	char *text = malloc(rl + 1);
	if (text == NULL)
		return 0;
	memcpy(text, data, rl);
	text[rl] = '\0';
	/* the payload gets its own allocation so ASan sees its exact end */
	size_t pl = size - rl - 1;
	uint8_t *payload = malloc(pl ? pl : 1);
	memcpy(payload, nl + 1, pl);
	struct detect_engine *de = engine();
	struct parse_ctx pc = {.de = de, .vars = de->vars, .file = "fuzz", .line = 1};
	struct rule *r = rule_parse(&pc, text);
	if (r != NULL) {
		struct detect_thread *t = detect_thread_new(de);
		struct det_thread *dt = (struct det_thread *)t;
		static uint8_t hdr[60];
		struct flow f;
		memset(&f, 0, sizeof(f));
		for (int proto = 0; proto < 2; proto++) {
			struct packet p;
			memset(&p, 0, sizeof(p));
			p.ip_version = 4;
			p.ip_hdr = hdr;
			p.ip_hdr_len = 20;
			p.proto = proto ? 17 : 6;
			p.src.family = p.dst.family = 4;
			p.src.bytes[0] = 192;
			p.dst.bytes[0] = 10;
			p.sp = 1234;
			p.dp = 80;
			p.l4_hdr = hdr + 20;
			p.l4_len = 20;
			p.tcp.hlen = 20;
			p.payload = payload;
			p.payload_len = (uint32_t)pl;
			p.flow = &f;
			p.flow_toserver = true;
			if (rule_match_packet(dt, r, &p)) {
				const struct sm_list *l = &r->lists[LIST_POSTMATCH];
				for (uint32_t i = 0; i < l->n; i++)
					l->v[i].kw->match(dt, &p, r, l->v[i].ctx);
			}
		}
		detect_flow_free(f.detect);
		detect_thread_free(t);
		rule_free(r);
	}
	free(pc.unsupported);
	free(payload);
	free(text);
	return 0;
}
