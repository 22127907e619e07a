#define FUZZ_PROTOCOL app_hl7
#define FUZZ_TCP true
#include "app_harness.h"
