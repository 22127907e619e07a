/*
 * fuzz_mime.c — the MIME decoder (app/mime.c) on its own: the input is a
 * message, cut into lines at LF (each line copied to an exact-size buffer
 * so that a read past its end is caught; CRLF and LF ends both occur,
 * a first byte with bit 0 set also cuts lines at 100 bytes as SMTP does
 * with long lines); then the message ends (complete or not, bit 1), and
 * every header, URL and file is read back.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "app/mime.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void feed_line(struct mime_parser *m, const uint8_t *d, size_t n, uint8_t eol)
{
	uint8_t *c = malloc(n ? n : 1);
	if (c == NULL)
		return;
	if (n > 0)
		memcpy(c, d, n);
	mime_parse_line(m, c, (uint32_t)n, eol);
	free(c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	uint8_t mode = data[0];
	data++;
	size--;
	struct mime_config cfg;
	mime_config_defaults(&cfg);
	cfg.body_md5 = (mode & 4) != 0;
	cfg.log_url_scheme = (mode & 8) != 0;
	struct mime_parser m;
	mime_init(&m, &cfg, APP_FILE_MD5 | APP_FILE_SHA256);
	size_t i = 0;
	while (i < size) {
		const uint8_t *lf = memchr(data + i, '\n', size - i);
		size_t end = lf != NULL ? (size_t)(lf - data) : size;
		if ((mode & 1) && end - i > 100) {
			feed_line(&m, data + i, 100, 0);
			i += 100;
			continue;
		}
		size_t n = end - i;
		uint8_t eol = lf == NULL ? 0 : 1;
		if (n > 0 && eol && data[end - 1] == '\r') {
			n--;
			eol = 2;
		}
		feed_line(&m, data + i, n, eol);
		i = lf != NULL ? end + 1 : size;
	}
	mime_finish(&m, (mode & 2) != 0);
	for (uint32_t k = 0; k < m.n_hdrs; k++)
		if (m.hdrs[k].name.n > 0 && m.hdrs[k].name.p == NULL)
			abort();
	(void)mime_header(&m, "subject", 0);
	struct app_file_info fi;
	for (uint32_t k = 0; k < m.n_files; k++)
		if (app_file_info(&m.files[k], &fi) && fi.name_len > 0 && fi.name == NULL)
			abort();
	mime_free(&m);
	return 0;
}
