/*
 * privs — dropping root for a live sensor (libcap-ng); see privs.c.
 */
#ifndef VIGIL_ENGINE_PRIVS_H
#define VIGIL_ENGINE_PRIVS_H

#include <stdbool.h>
#include <stddef.h>

/* Becomes user (and group: the user's own when NULL) with no capability
 * left but CAP_NET_ADMIN when `keep_net_admin` (NFQUEUE verdicts are
 * netlink messages the kernel checks it on).  Both NULL: nothing to do.
 * False with the reason in err. */
bool privs_drop(const char *user, const char *group, bool keep_net_admin, char *err,
		size_t errlen);

#endif
