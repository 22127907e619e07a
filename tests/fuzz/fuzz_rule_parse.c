/*
 * fuzz_rule_parse.c — libFuzzer target for the rule parser: the input is
 * one rule's text (NUL-terminated copy).  Also exercises the keyword setup
 * paths, header/variable parsing and, for rules that load, fast-pattern
 * selection and freeing.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "detect/detect-internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct detect_engine *fuzz_engine(void)
{
	static struct detect_engine *de;
	if (de == NULL) {
		de = calloc(1, sizeof(*de));
		de->vars = vars_new();
		vars_add_defaults(de->vars);
		vars_set(de->vars, false, "LOOP", "[$LOOP,1.2.3.4]");
	}
	return de;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 8192)
		return 0;
	char *text = malloc(size + 1);
	if (text == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	struct detect_engine *de = fuzz_engine();
	struct parse_ctx pc = {.de = de, .vars = de->vars, .file = "fuzz", .line = 1};
	struct rule *r = rule_parse(&pc, text);
	rule_free(r);
	free(pc.unsupported);
	free(text);
	return 0;
}
