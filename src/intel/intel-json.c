/*
 * intel-json — the elements of one JSON array, each with the line it
 * starts on, so a malformed element can be reported by line.
 *
 * jansson does all the parsing.  The document is parsed once whole (to
 * validate it and to give importers its metadata), then the array is
 * walked element by element with json_loadb(JSON_DISABLE_EOF_CHECK), which
 * reports how many bytes each element took; the only scanning done here
 * is skipping whitespace and the commas between elements.  The array is
 * found as the root or as the root object's member `key`; when the key
 * text cannot be located unambiguously the parsed array is walked instead
 * and lines are reported as the line of the array itself.
 */
#include "intel/intel-internal.h"

#include <stdlib.h>
#include <string.h>

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 1 << 16, n = 0, r;
	char *buf = malloc(cap);
	while (buf && (r = fread(buf + n, 1, cap - n, f)) > 0) {
		n += r;
		if (n == cap) {
			char *nb = realloc(buf, cap *= 2);
			if (!nb) {
				free(buf);
				buf = NULL;
			}
			buf = nb;
		}
	}
	fclose(f);
	*len = n;
	return buf;
}

static size_t skip_ws(const char *buf, size_t len, size_t pos, uint64_t *line)
{
	while (pos < len &&
	       (buf[pos] == ' ' || buf[pos] == '\t' || buf[pos] == '\n' || buf[pos] == '\r')) {
		if (buf[pos] == '\n')
			(*line)++;
		pos++;
	}
	return pos;
}

static uint64_t count_lines(const char *buf, size_t from, size_t to)
{
	uint64_t n = 0;
	for (size_t i = from; i < to; i++)
		n += buf[i] == '\n';
	return n;
}

/* Offset of the '[' opening the array: the first non-space byte when key is
 * NULL, else the first `"key"` followed by ':' and '['; SIZE_MAX if none. */
static size_t find_array(const char *buf, size_t len, const char *key)
{
	uint64_t dummy = 0;
	if (!key) {
		size_t p = skip_ws(buf, len, 0, &dummy);
		return p < len && buf[p] == '[' ? p : SIZE_MAX;
	}
	char pat[128];
	snprintf(pat, sizeof(pat), "\"%s\"", key);
	for (const char *h = memmem(buf, len, pat, strlen(pat)); h;
	     h = memmem(h + 1, len - (size_t)(h + 1 - buf), pat, strlen(pat))) {
		size_t p = skip_ws(buf, len, (size_t)(h - buf) + strlen(pat), &dummy);
		if (p < len && buf[p] == ':') {
			p = skip_ws(buf, len, p + 1, &dummy);
			if (p < len && buf[p] == '[')
				return p;
		}
	}
	return SIZE_MAX;
}

/* Walks the array text from its '['; returns the elements delivered. */
static size_t walk_array(struct intel_ctx *ctx, const char *path, const char *buf, size_t len,
			 size_t pos, intel_json_elem_fn fn)
{
	uint64_t line = 1 + count_lines(buf, 0, pos);
	size_t delivered = 0;
	pos++;
	for (;;) {
		pos = skip_ws(buf, len, pos, &line);
		if (pos >= len) {
			intel_malformed(ctx, path, line, "JSON array not closed");
			break;
		}
		if (buf[pos] == ']')
			break;
		json_error_t err;
		json_t *elem = json_loadb(buf + pos, len - pos, JSON_DISABLE_EOF_CHECK, &err);
		if (!elem) {
			intel_malformed(
			    ctx, path, line + (uint64_t)(err.line > 0 ? err.line - 1 : 0),
			    "JSON syntax error: %s; the rest of the file is not read", err.text);
			break;
		}
		ctx->res->read++;
		fn(ctx, path, elem, line);
		json_decref(elem);
		delivered++;
		line += count_lines(buf, pos, pos + (size_t)err.position);
		pos = skip_ws(buf, len, pos + (size_t)err.position, &line);
		if (pos < len && buf[pos] == ',')
			pos++;
	}
	return delivered;
}

bool intel_json_read(struct intel_ctx *ctx, const char *path, const char *key,
		     intel_json_elem_fn fn, json_t **root)
{
	size_t len;
	char *buf = slurp(path, &len);
	*root = NULL;
	if (!buf) {
		fprintf(stderr, "vigil: %s: cannot read\n", path);
		return false;
	}
	json_error_t err;
	json_t *doc = json_loadb(buf, len, 0, &err);
	json_t *arr = doc ? (key ? json_object_get(doc, key) : doc) : NULL;
	size_t start = find_array(buf, len, key);
	bool ok = true;
	if (doc && !json_is_array(arr)) {
		fprintf(stderr, "vigil: %s: no JSON array %s%s\n", path,
			key ? "member " : "at root", key ? key : "");
		ok = false;
	} else if (start == SIZE_MAX && !doc) {
		intel_malformed(ctx, path, (uint64_t)(err.line > 0 ? err.line : 1),
				"JSON syntax error: %s", err.text);
	} else if (start == SIZE_MAX) {
		size_t i;
		json_t *elem;
		json_array_foreach(arr, i, elem)
		{
			ctx->res->read++;
			fn(ctx, path, elem, 1);
		}
	} else {
		uint64_t before = ctx->res->malformed;
		size_t n = walk_array(ctx, path, buf, len, start, fn);
		if (!doc && ctx->res->malformed == before)
			intel_malformed(ctx, path, (uint64_t)(err.line > 0 ? err.line : 1),
					"JSON syntax error: %s", err.text);
		if (doc && n != json_array_size(arr))
			fprintf(stderr, "vigil: %s: warning: read %zu of %zu elements of %s\n",
				path, n, json_array_size(arr), key ? key : "the root array");
	}
	free(buf);
	if (ok)
		*root = doc;
	else
		json_decref(doc);
	return ok;
}
