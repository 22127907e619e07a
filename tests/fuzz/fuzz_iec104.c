/*
 * libFuzzer target: the IEC 60870-5-104 parser (app/iec104.c) and its EVE
 * writer, through the protocol descriptor and the shared driver.
 */
#define FUZZ_PROTOCOL app_iec104
#define FUZZ_TCP true
#include "app_harness.h"
