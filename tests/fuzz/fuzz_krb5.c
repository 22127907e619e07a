#define FUZZ_PROTOCOL app_krb5
#define FUZZ_TCP false
#include "app_harness.h"
