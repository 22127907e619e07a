#define FUZZ_PROTOCOL app_dhcp
#define FUZZ_TCP false
#include "app_harness.h"
