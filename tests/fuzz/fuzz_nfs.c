#define FUZZ_PROTOCOL app_nfs
#define FUZZ_TCP true
#include "app_harness.h"
