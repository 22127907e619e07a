#define FUZZ_PROTOCOL app_snmp
#define FUZZ_TCP false
#include "app_harness.h"
