/*
 * protocols.c — the table of application protocols, built from the one
 * list in app/protocols.h, and lookups by id and by name.
 */
#include "app/app.h"

#include <string.h>

#define APP_X_EXTERN(id, desc) extern const struct app_protocol desc;
APP_PROTOCOLS(APP_X_EXTERN)
#undef APP_X_EXTERN

#define APP_X_ENTRY(id, desc) [APP_PROTO_##id] = &desc,
static const struct app_protocol *const table[APP_PROTO_MAX] = {APP_PROTOCOLS(APP_X_ENTRY)};
#undef APP_X_ENTRY

const struct app_protocol *app_protocol(enum app_proto p)
{
	return (unsigned)p < APP_PROTO_MAX ? table[p] : NULL;
}

const char *app_proto_name(enum app_proto p)
{
	if (p == APP_PROTO_FAILED)
		return "failed";
	const struct app_protocol *ap = app_protocol(p);
	return ap != NULL ? ap->name : NULL;
}

enum app_proto app_proto_by_name(const char *name)
{
	for (int p = APP_PROTO_UNKNOWN + 1; p < APP_PROTO_FAILED; p++) {
		const struct app_protocol *ap = table[p];
		if (strcmp(ap->name, name) == 0)
			return (enum app_proto)p;
		for (const char *const *a = ap->aliases; a != NULL && *a != NULL; a++)
			if (strcmp(*a, name) == 0)
				return (enum app_proto)p;
	}
	return APP_PROTO_UNKNOWN;
}
