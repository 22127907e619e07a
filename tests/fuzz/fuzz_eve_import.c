/*
 * fuzz_eve_import.c — libFuzzer target for the EVE importer (the loop of
 * `vigil import eve` and of the run's store): the input is an EVE file's
 * bytes, held in a memfd (a regular file, as the importer requires) and
 * imported into an in-memory store twice — the second import must store
 * nothing new.  Lines longer than the importer's bound are exercised by
 * inputs without newlines only up to the fuzzer's input size.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "store/store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 1 << 20)
		return 0;
	int fd = memfd_create("eve", MFD_CLOEXEC);
	if (fd < 0)
		return 0;
	if (write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return 0;
	}
	char path[64];
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	/* One store for all runs (opening migrates the schema: slow), emptied
	 * before each run. */
	static struct store *st;
	char err[512];
	if (!st)
		st = store_open(":memory:", err, sizeof(err));
	if (st) {
		sqlite3_exec(store_db(st), "DELETE FROM event; DELETE FROM eve_file;", NULL, NULL,
			     NULL);
		struct store_eve_stats a, b;
		if (store_import_eve(st, path, &a) == 0 && store_import_eve(st, path, &b) == 0) {
			uint64_t stored = b.alerts + b.anomalies + b.flows;
			if (stored != 0 || b.duplicate != a.alerts + a.anomalies + a.flows)
				abort(); /* a re-import stored a line twice */
		}
	}
	close(fd);
	return 0;
}
