/* libFuzzer target: the DNP3 parser through its descriptor (app_harness.h). */
#define FUZZ_PROTOCOL app_dnp3
#define FUZZ_TCP true
#include "app_harness.h"
