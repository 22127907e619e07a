/*
 * smb — SMB is recognised (a NetBIOS session message carrying SMB1,
 * SMB2/3 or an SMB3 transform header) but not parsed yet.
 */
#include "app/app.h"

#include <string.h>

static enum app_probe_result probe(const struct app_probe_in *in, const uint8_t *d, uint32_t n)
{
	if (n == 0 || d[0] != 0x00)
		return APP_PROBE_NO;
	if (n < 8)
		return APP_PROBE_NEED_MORE;
	return (d[4] == 0xff || d[4] == 0xfe || d[4] == 0xfd) && memcmp(d + 5, "SMB", 3) == 0
		   ? APP_PROBE_MATCH
		   : APP_PROBE_NO;
}

const struct app_protocol app_smb = {
    .name = "smb",
    .ipprotos = APP_IPPROTO_TCP,
    .probe = probe,
};
