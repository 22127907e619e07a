#define FUZZ_PROTOCOL app_nfs
#define FUZZ_TCP false
#include "app_harness.h"
