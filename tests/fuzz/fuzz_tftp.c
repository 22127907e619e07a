#define FUZZ_PROTOCOL app_tftp
#define FUZZ_TCP false
#include "app_harness.h"
