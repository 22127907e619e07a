/*
 * dnp3-internal.h — what dnp3.c and dnp3-objects.c share, and nothing
 * outside src/app/dnp3*.c includes.
 */
#ifndef VIGIL_APP_DNP3_INTERNAL_H
#define VIGIL_APP_DNP3_INTERNAL_H

#include "app/dnp3.h"

/* Decodes the object headers and points of buf[0..len) into tx (events
 * unknown_object, too_many_objects, too_many_points go on tx); true when
 * every object was decoded. */
bool dnp3_decode_objects(struct dnp3_tx *tx, const uint8_t *buf, uint32_t len,
			 uint32_t max_objects);
void dnp3_objects_free(struct dnp3_tx *tx);

#endif
