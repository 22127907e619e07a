#define FUZZ_PROTOCOL app_smtp
#define FUZZ_TCP true
#include "app_harness.h"
