#define FUZZ_PROTOCOL app_rdp
#define FUZZ_TCP true
#include "app_harness.h"
