#define FUZZ_PROTOCOL app_ssh
#define FUZZ_TCP true
#include "app_harness.h"
