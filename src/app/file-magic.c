/*
 * file-magic — what libmagic makes of a file's first bytes, for the
 * file.magic buffer (filemagic) and fileinfo's "magic".
 *
 * A handle is not thread-safe, so each worker (detection, logging) opens
 * its own, and only when something asks for magic: loading libmagic's
 * database costs a few megabytes and milliseconds.
 */
#include "app/file-magic.h"

#include <magic.h>
#include <stdlib.h>
#include <string.h>

struct file_magic {
	magic_t cookie;
};

struct file_magic *file_magic_new(char *err, size_t errlen)
{
	struct file_magic *fm = calloc(1, sizeof(*fm));
	if (fm == NULL) {
		snprintf(err, errlen, "libmagic: out of memory");
		return NULL;
	}
	fm->cookie = magic_open(MAGIC_NONE);
	if (fm->cookie == NULL || magic_load(fm->cookie, NULL) != 0) {
		snprintf(err, errlen, "libmagic: cannot load its database: %s",
			 fm->cookie ? magic_error(fm->cookie) : "magic_open failed");
		file_magic_free(fm);
		return NULL;
	}
	return fm;
}

struct file_magic *file_magic_open_once(struct file_magic **slot, bool *failed,
					 const char *consequence)
{
	if (*slot != NULL || *failed)
		return *slot;
	char err[256];
	*slot = file_magic_new(err, sizeof(err));
	if (*slot == NULL) {
		*failed = true;
		fprintf(stderr, "vigil: %s; %s\n", err, consequence);
	}
	return *slot;
}

void file_magic_free(struct file_magic *fm)
{
	if (fm == NULL)
		return;
	if (fm->cookie != NULL)
		magic_close(fm->cookie);
	free(fm);
}

const char *file_magic_describe(struct file_magic *fm, const uint8_t *data, size_t len)
{
	if (fm == NULL || data == NULL || len == 0)
		return NULL;
	if (len > FILE_MAGIC_BYTES)
		len = FILE_MAGIC_BYTES;
	const char *s = magic_buffer(fm->cookie, data, len);
	return s != NULL && *s != '\0' ? s : NULL;
}
