/* SPDX-License-Identifier: MIT */
/*
 * Filesystem access as the real user in a set-ID process (AT_SECURE).
 *
 * The library can be loaded into setuid, setgid or file-capability
 * programs, and opens paths its caller names: key files, the user's home,
 * the stores. None of them may be opened with rights the real user lacks.
 * Every public entry point that touches files brackets its work with
 * shk_privfs_enter() and shk_privfs_leave(): in a set-ID process the
 * calling thread's fsuid and fsgid become the real uid and gid (Linux
 * credentials are per thread; glibc's setfsuid and setfsgid are plain
 * system calls, not broadcast to other threads as setuid is), and the
 * filesystem capabilities leave its effective set, so opens, creations,
 * ownership and permission checks are the real user's. Threads started
 * meanwhile inherit the switched credentials. Outside AT_SECURE both calls
 * do nothing. Enter/leave pairs nest (each restores what it found).
 */
#ifndef SHK_PRIVFS_H
#define SHK_PRIVFS_H

#include <stdint.h>
#include <sys/types.h>

#include "log.h"

struct shk_privfs {
	int active;	 /* credentials were switched and must be restored */
	uid_t fsuid;	 /* what to restore */
	gid_t fsgid;
	int caps_saved;	 /* capeff holds the effective set to restore */
	uint32_t capeff[2];
};

/* 1 when the process runs set-ID (getauxval(AT_SECURE)), else 0. */
int shk_privfs_secure(void);

/*
 * Switch the calling thread to the real user's filesystem rights when the
 * process is set-ID. SHK_OK; SHK_ERR_SYSTEM (logged, nothing switched)
 * when the switch did not take effect: the caller must then not touch
 * the filesystem.
 */
int shk_privfs_enter(struct shk_privfs *p, const struct shk_log *log);

/* Undo what shk_privfs_enter(p) did. */
void shk_privfs_leave(struct shk_privfs *p);

/* r = call, made with the real user's filesystem rights; r is the status
 * of shk_privfs_enter() when the switch failed and call was not made. The
 * one way public entry points wrap their work. */
#define SHK_PRIVFS_CALL(r, log, call)                                                   \
	do {                                                                            \
		struct shk_privfs shk_pf_;                                              \
		if (((r) = shk_privfs_enter(&shk_pf_, (log))) == SHK_OK) {              \
			(r) = (call);                                                   \
			shk_privfs_leave(&shk_pf_);                                     \
		}                                                                       \
	} while (0)

#endif
