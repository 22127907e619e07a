#define FUZZ_PROTOCOL app_websocket
#define FUZZ_TCP true
#include "app_harness.h"
