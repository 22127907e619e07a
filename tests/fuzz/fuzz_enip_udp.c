/*
 * libFuzzer target: the EtherNet/IP parser over UDP (one PDU per
 * datagram: each record is a datagram), through the shared driver.
 */
#define FUZZ_PROTOCOL app_enip
#define FUZZ_TCP false
#include "app_harness.h"
