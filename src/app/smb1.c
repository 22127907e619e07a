/*
 * smb1.c — SMB1 records (MS-CIFS / MS-SMB): placeholder until the
 * commands are parsed; every record is a generic transaction.
 */
#include "app/smb-internal.h"

#include <stdio.h>

const char *smb1_command_name(uint8_t cmd, char buf[8])
{
	snprintf(buf, 8, "%u", cmd);
	return buf;
}

bool smb1_record(struct smb_state *s, enum app_dir dir, const uint8_t *d, uint32_t n)
{
	(void)s;
	(void)dir;
	(void)d;
	return n >= 32;
}

bool smb1_partial(struct smb_state *s, enum app_dir dir, const uint8_t *d, uint32_t n,
		  uint32_t rec_len)
{
	return false;
}
