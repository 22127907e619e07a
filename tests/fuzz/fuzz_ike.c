#define FUZZ_PROTOCOL app_ike
#define FUZZ_TCP false
#include "app_harness.h"
