/*
 * settings — start-up check of the operator's configuration (the -c file
 * and --set): every key vigil does not implement is reported once on
 * `log`, and a value that does not parse as its key's kind is an error
 * naming the key.  See settings.c for the table of keys vigil reads.
 */
#ifndef VIGIL_ENGINE_SETTINGS_H
#define VIGIL_ENGINE_SETTINGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "util/config.h"

/* False with "KEY: bad value 'V' (...)" (or a load error) in err. */
bool settings_check(const char *config_file, const char *const *sets, int nsets, FILE *log,
		    char *err, size_t errlen);

#endif
