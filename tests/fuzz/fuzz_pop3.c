#define FUZZ_PROTOCOL app_pop3
#define FUZZ_TCP true
#include "app_harness.h"
