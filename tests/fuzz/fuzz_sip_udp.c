#define FUZZ_PROTOCOL app_sip
#define FUZZ_TCP false
#include "app_harness.h"
