#define FUZZ_PROTOCOL app_pgsql
#define FUZZ_TCP true
#include "app_harness.h"
