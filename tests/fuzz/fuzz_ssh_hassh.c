/* app_ssh with hassh on and encryption-handling full: KEXINIT gathering
 * and parsing past NEWKEYS. */
#include "app/ssh.h"
static const struct ssh_config fuzz_ssh_cfg = {.hassh = true, .encryption = SSH_ENC_FULL};
#define FUZZ_PROTOCOL app_ssh
#define FUZZ_TCP true
#define FUZZ_CONFIG (&fuzz_ssh_cfg)
#include "app_harness.h"
