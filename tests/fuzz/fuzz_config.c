/*
 * fuzz_config.c — libFuzzer target for the configuration reader: the
 * input is a YAML document loaded over the built-in defaults (as -c does),
 * then every stage reads its settings from the tree (eve-log, flow,
 * defrag, stream, app layer, ransomware, the event store).  A first line
 * of the form "KEY=VALUE" is also applied as a --set assignment.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "decode/defrag.h"
#include "detect/detect.h"
#include "engine/engine.h"
#include "flow/flow.h"
#include "output/eve.h"
#include "store/store.h"
#include "stream/stream.h"
#include "util/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void read_settings(const struct config_node *root)
{
	struct eve_config eve;
	eve_config_defaults(&eve);
	eve_config_load(&eve, root);
	struct flow_config flow;
	flow_config_defaults(&flow);
	flow.memcap = config_get_size(root, "flow.memcap", flow.memcap);
	flow_config_load_timeouts(&flow, root);
	struct defrag_config defrag;
	defrag_config_defaults(&defrag);
	defrag_config_load(&defrag, root);
	struct stream_config stream;
	stream_config_defaults(&stream);
	char err[512];
	stream_config_load(&stream, root, err, sizeof(err));
	struct app_config app;
	app_config_defaults(&app);
	app_config_load(&app, root);
	app_config_free(&app);
	struct ransomware_config rw;
	ransomware_config_defaults(&rw);
	ransomware_config_load(&rw, root);
	struct store_output_config so;
	store_output_config(root, "/nonexistent", &so);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 65536)
		return 0;
	char *text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	struct config_node *root = config_new();
	char err[512];
	if (root && config_load_string(root, engine_default_config(), err, sizeof(err))) {
		char *nl = strchr(text, '\n');
		if (nl && memchr(text, '=', (size_t)(nl - text))) {
			*nl = '\0';
			config_set_assignment(root, text, err, sizeof(err));
			*nl = '\n';
		}
		config_load_string(root, text, err, sizeof(err));
		read_settings(root);
	}
	config_free(root);
	free(text);
	return 0;
}
