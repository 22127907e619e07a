/* libFuzzer target: the Modbus/TCP parser through its descriptor (app_harness.h). */
#define FUZZ_PROTOCOL app_modbus
#define FUZZ_TCP true
#include "app_harness.h"
