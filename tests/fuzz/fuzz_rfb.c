#define FUZZ_PROTOCOL app_rfb
#define FUZZ_TCP true
#include "app_harness.h"
