#define FUZZ_PROTOCOL app_bacnet
#define FUZZ_TCP false
#include "app_harness.h"
