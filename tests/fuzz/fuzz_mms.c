#define FUZZ_PROTOCOL app_mms
#define FUZZ_TCP true
#include "app_harness.h"
