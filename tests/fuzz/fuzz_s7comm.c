/*
 * libFuzzer target: the S7comm / COTP / S7comm-plus parser
 * (app/s7comm.c) and its EVE writer, through the protocol descriptor and
 * the shared driver.
 */
#define FUZZ_PROTOCOL app_s7comm
#define FUZZ_TCP true
#include "app_harness.h"
