/*
 * privs — `--user`/`--group`: after the capture sockets, eve.json and the
 * pid file are open, the process becomes USER:GROUP with libcap-ng and
 * keeps no capability at all (an open AF_PACKET socket needs none to be
 * read or written; vigil never reopens one) — but CAP_NET_ADMIN for
 * NFQUEUE, whose every verdict the kernel checks it on, as Suricata keeps
 * it — with the bounding set cleared and the
 * supplementary groups dropped, so it cannot get them back.  Files made
 * later (eve.json after SIGHUP, vigil.db at the end) are made as USER:
 * the log directory must be writable by USER.
 */
#include "engine/privs.h"

#include <cap-ng.h>
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

bool privs_drop(const char *user, const char *group, bool keep_net_admin, char *err,
		size_t errlen)
{
	if (!user && !group)
		return true;
	uid_t uid = getuid();
	gid_t gid = getgid();
	if (user) {
		struct passwd *pw = getpwnam(user);
		if (!pw) {
			snprintf(err, errlen, "--user %s: no such user", user);
			return false;
		}
		uid = pw->pw_uid;
		gid = pw->pw_gid;
	}
	if (group) {
		struct group *gr = getgrnam(group);
		if (!gr) {
			snprintf(err, errlen, "--group %s: no such group", group);
			return false;
		}
		gid = gr->gr_gid;
	}
	capng_clear(CAPNG_SELECT_BOTH);
	if (keep_net_admin)
		capng_update(CAPNG_ADD, CAPNG_EFFECTIVE | CAPNG_PERMITTED, CAP_NET_ADMIN);
	int rc = capng_change_id((int)uid, (int)gid, CAPNG_DROP_SUPP_GRP | CAPNG_CLEAR_BOUNDING);
	if (rc != 0) {
		snprintf(err, errlen, "cannot become %s:%s (libcap-ng error %d: %s)",
			 user ? user : "-", group ? group : "-", rc, strerror(errno));
		return false;
	}
	if (getuid() != uid || geteuid() != uid || getgid() != gid || getegid() != gid) {
		snprintf(err, errlen, "privileges not dropped to %s:%s", user ? user : "-",
			 group ? group : "-");
		return false;
	}
	return true;
}
