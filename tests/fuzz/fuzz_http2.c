#define FUZZ_PROTOCOL app_http2
#define FUZZ_TCP true
#include "app_harness.h"
