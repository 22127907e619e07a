#define FUZZ_PROTOCOL app_dcerpc
#define FUZZ_TCP true
#include "app_harness.h"
