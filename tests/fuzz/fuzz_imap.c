#define FUZZ_PROTOCOL app_imap
#define FUZZ_TCP true
#include "app_harness.h"
