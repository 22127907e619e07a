#define FUZZ_PROTOCOL app_ntp
#define FUZZ_TCP false
#include "app_harness.h"
