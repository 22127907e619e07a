/*
 * ssh — SSH is recognised (the "SSH-" banner, from either side) but not
 * parsed yet.
 */
#include "app/app.h"

static enum app_probe_result probe(const struct app_probe_in *in, const uint8_t *d, uint32_t n)
{
	static const char *const words[] = {"SSH-", NULL};
	return app_probe_words(d, n, words);
}

const struct app_protocol app_ssh = {
    .name = "ssh",
    .ipprotos = APP_IPPROTO_TCP,
    .probe = probe,
};
