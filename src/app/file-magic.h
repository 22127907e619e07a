/* file-magic — libmagic's description of a file's first bytes. */
#ifndef VIGIL_APP_FILE_MAGIC_H
#define VIGIL_APP_FILE_MAGIC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Bytes of a file libmagic looks at. */
#define FILE_MAGIC_BYTES 16384
/* Below this many bytes an open file is not described yet (too little to
 * tell); a closed one is described whatever its size. */
#define FILE_MAGIC_MIN_BYTES 512

struct file_magic;

/* NULL with err set when libmagic or its database cannot be loaded. */
struct file_magic *file_magic_new(char *err, size_t errlen);
/* The handle in *slot, opened on first use; when it cannot be, *failed is
 * set, the reason and `consequence` are reported once, and NULL returned
 * from then on. */
struct file_magic *file_magic_open_once(struct file_magic **slot, bool *failed,
					 const char *consequence);
void file_magic_free(struct file_magic *fm);
/* The description of data's first FILE_MAGIC_BYTES, or NULL; valid until
 * the next call on fm. */
const char *file_magic_describe(struct file_magic *fm, const uint8_t *data, size_t len);

#endif
