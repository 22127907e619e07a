/*
 * kw-dcerpc.h — the value parsers and tests behind dcerpc.iface and
 * dcerpc.opnum, on a struct dcerpc_view (app/dcerpc.h): what the keywords
 * in kw-dcerpc.c run on each transaction, open to unit tests.
 */
#ifndef VIGIL_DETECT_KW_DCERPC_H
#define VIGIL_DETECT_KW_DCERPC_H

#include <stdbool.h>

#include "app/dcerpc.h"

/* A keyword value parsed into a context (free()), NULL when invalid. */
void *dcerpc_kw_iface_new(const char *arg);
void *dcerpc_kw_opnum_new(const char *arg);
/* Whether a transaction's view satisfies the keyword. */
bool dcerpc_kw_iface_test(const struct dcerpc_view *v, const void *ctx);
bool dcerpc_kw_opnum_test(const struct dcerpc_view *v, const void *ctx);

#endif
