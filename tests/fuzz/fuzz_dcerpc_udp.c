#define FUZZ_PROTOCOL app_dcerpc
#define FUZZ_TCP false
#include "app_harness.h"
