#define FUZZ_PROTOCOL app_stratum
#define FUZZ_TCP true
#include "app_harness.h"
