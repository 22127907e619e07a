#define FUZZ_PROTOCOL app_ftp
#define FUZZ_TCP true
#include "app_harness.h"
