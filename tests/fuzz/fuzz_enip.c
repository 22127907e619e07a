/*
 * libFuzzer target: the EtherNet/IP parser (app/enip.c) and its EVE
 * writer, through the protocol descriptor and the shared driver.
 */
#define FUZZ_PROTOCOL app_enip
#define FUZZ_TCP true
#include "app_harness.h"
