#define FUZZ_PROTOCOL app_sip
#define FUZZ_TCP true
#include "app_harness.h"
