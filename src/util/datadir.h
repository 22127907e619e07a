/*
 * datadir — finds vigil's shipped data files (classification and
 * reference tables, taxonomy, message catalogues) without an install
 * step: $VIGIL_DATADIR, then data/ beside the executable's directory
 * (build/vigil → data/), then share/vigil beside it (an installed
 * PREFIX/bin/vigil → PREFIX/share/vigil), then /usr/share/vigil.
 */
#ifndef VIGIL_UTIL_DATADIR_H
#define VIGIL_UTIL_DATADIR_H

#include <stdbool.h>
#include <stddef.h>

/* Fills `out` with the first existing "<root>/<relpath>"; false when none
 * exists (err lists the places tried). */
bool datadir_find(const char *relpath, char *out, size_t outlen, char *err, size_t errlen);

#endif
