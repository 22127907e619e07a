/*
 * app — the application layer: protocol parsers fed with reassembled
 * stream data (or UDP payloads), producing transactions that detection
 * inspects and EVE logs.
 *
 * Every parser has the same small shape (see app/dns.h, app/http.h,
 * app/tls.h): a per-flow state created on first data, a parse call per
 * direction that consumes what it can and never reads past the length it
 * was given, a list of transactions with their progress, app-layer events
 * with Suricata's names, and an EVE writer for a transaction.  Parsers
 * keep no global mutable state and bound the memory a flow can make them
 * hold.  The framework that detects protocols and drives the parsers from
 * the stream stage is app/app.c (to come); until then parsers are driven
 * by their unit tests.
 */
#ifndef VIGIL_APP_H
#define VIGIL_APP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum app_dir { APP_TOSERVER = 0, APP_TOCLIENT = 1 };

/* Flags of a chunk of data handed to a parser. */
enum {
	APP_CHUNK_GAP = 1 << 0, /* data is missing before this chunk */
	APP_CHUNK_EOF = 1 << 1, /* the direction is closed after this chunk */
};

/* What a parse call reports back. */
enum app_parse_result {
	APP_PARSE_OK = 0,    /* consumed, maybe waiting for more */
	APP_PARSE_ERROR = 1, /* the data is not this protocol / cannot go on */
};

#endif
