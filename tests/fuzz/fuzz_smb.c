#define FUZZ_PROTOCOL app_smb
#define FUZZ_TCP true
#include "app_harness.h"
