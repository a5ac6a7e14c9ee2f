/* SPDX-License-Identifier: MIT */
/*
 * The ssh2 source's own interface between its parts: ssh2.c is the
 * source (its directories, the salt, the lookup, the directory counts),
 * ssh2keys.c reads the keys of one file, ssh2walk.c holds the two
 * whole-directory walks, check and enumerate. Nothing here leaves the
 * module.
 *
 * Locking: a struct ssh2_dir's fields marked "under the state's lock"
 * are read and written with ssh2_state.lock held; the rest is set at
 * open and read-only after, so lookups may run in parallel
 * (sshhostkeys/module.h). The key cache has its own lock.
 */
#ifndef SHK_SSH2_H
#define SHK_SSH2_H

#include <pthread.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <sshhostkeys/module.h>

#include "fmap.h"
#include "keycache.h"
#include "keyvec.h"
#include "log.h"
#include "ssh2name.h"

/* What a directory listing holds, gathered at most once per call. */
struct ssh2_scan {
	int done;
	unsigned long nhashed, ntectia;
};

struct ssh2_dir {
	char *path;	      /* NULL: not configured (e.g. no home) */
	const char *stop_dir; /* where the trust walk stops */
	const char *cache_dir; /* where its summary lives; NULL: memory only */
	int cache_write;       /* whether this process writes there */
	/* Under the state's lock: the counts of the last listing or
	 * summary used, for the directory in the state mem_st describes;
	 * kept only for a settled state (cachefile.h). */
	int mem_valid;
	struct stat mem_st;
	struct ssh2_scan mem;
};

struct ssh2_state {
	const struct shk_module_env *env;
	struct ssh2_dir dirs[2]; /* user, then system */
	uid_t euid;
	char *sys_cache, *user_cache;
	int summary_off; /* SSHHOSTKEYS_SSH2_SUMMARY=0: always list */
	pthread_mutex_t lock;
	int lock_init;
	struct shk_keycache *kc; /* decoded key files; NULL: no cache */
};

/* Keys collected from one file before they are carved out. */
struct ssh2_collect {
	const char *keytype; /* only keys of this type; NULL: all */
	struct shk_keyvec kv;
	int nomem;
};

/* ---- ssh2.c ------------------------------------------------------------ */

/* dir + "/" + name into out; SHK_ERR_RANGE when it does not fit. */
int ssh2_join(char *out, size_t cap, const char *dir, const char *name);

/* Map dir/name after checking who may write it (see ssh2.c). */
int ssh2_map(const struct ssh2_dir *d, int dirfd, const char *name, const char *path, uid_t uid,
	     const struct shk_log *log, const char *conseq, struct shk_fmap *m);

/* Open and trust-check a store directory: the fd, or -1 with *why. */
int ssh2_open_dir(const struct ssh2_dir *d, uid_t uid, const struct shk_log *log, int *why);

/* List the directory's names and count them (see ssh2.c). */
int ssh2_list(int dirfd, struct ssh2_scan *sc, unsigned long *nentries);

/* Warn that hashed files exist but no salt does. */
void ssh2_warn_no_salt(const struct ssh2_dir *d, const struct shk_log *log,
		       const struct ssh2_scan *sc);

/* Read the directory's salt (see ssh2.c). */
int ssh2_salt(const struct ssh2_dir *d, int dirfd, uid_t uid, const struct shk_log *log,
	      unsigned char salt[SHK_SSH2_SALT_LEN]);

/* The module's lookup (sshhostkeys/module.h). */
enum shk_nss_status ssh2_lookup(void *state, const struct shk_module_query *q,
				struct shk_module_result *res, char *buf, size_t buflen,
				int *errnop);

/* ---- ssh2keys.c -------------------------------------------------------- */

/*
 * Try one candidate file of a directory. SHK_OK when it exists and was
 * read (its keys, filtered, are in c; path names it); SHK_ERR_NOTFOUND
 * when it is not there or was refused (logged), so the next candidate is
 * tried; SHK_ERR_NOMEM.
 */
int ssh2_try_file(const struct ssh2_state *st, const struct ssh2_dir *d, int dirfd,
		  const char *name, struct shk_log_module *ml, struct ssh2_collect *c, char *path,
		  size_t pathcap);

/* ---- ssh2walk.c -------------------------------------------------------- */

/* The module's check and enumerate (sshhostkeys/module.h). */
int ssh2_check(void *state);
int ssh2_enumerate(void *state,
		   int (*cb)(void *arg, const char *names, const struct shk_module_key *key),
		   void *arg);

#endif
