#define FUZZ_PROTOCOL app_mqtt
#define FUZZ_TCP true
#include "app_harness.h"
