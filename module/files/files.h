/* SPDX-License-Identifier: MIT */
/*
 * The files source's own interface between its parts: files.c is the
 * known_hosts source (the file list, opening and trusting a file, the
 * lookup); khcache.c what a lookup keeps between lookups (each file's
 * index and mapping, what was learnt about its path); khwalk.c the two
 * whole-file walks, check and enumerate. Nothing here leaves the module.
 *
 * Locking: the fields of struct kh_file marked "under the lock" are
 * read and written with files_state.lock held; the rest is set at open
 * and read-only after, so lookups may run in parallel
 * (sshhostkeys/module.h).
 */
#ifndef SHK_FILES_H
#define SHK_FILES_H

#include <pthread.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <sshhostkeys/module.h>

#include "carve.h"
#include "fmap.h"
#include "keycache.h"
#include "khindex.h"
#include "knownhosts.h"
#include "log.h"

/* Levels of the trust walk: prefix lengths of the path, from the
 * file's directory up to the stop directory or "/". */
#define TRUST_MAX_LEVELS 64

struct kh_file {
	char *path;
	const char *stop_dir;  /* where the trust walk stops: home or root */
	const char *cache_dir; /* where its index lives; NULL: none on disk */
	/* The directories shk_trust_fd() checks, when the path is plain
	 * enough (absolute, no ".", "..", "//") for lstat of each level to
	 * prove it still resolves to them; nlevels -1: not plain. */
	int nlevels;
	unsigned short levels[TRUST_MAX_LEVELS];
	/* Under the state's lock: the last index used, and the mapping of
	 * the file it was used with, kept while the file is unchanged so a
	 * warm context does not map a large file per lookup. */
	struct shk_khx *idx;
	struct shk_fmap map;
	/* Under the lock: idx's always-candidates parsed in map, by record
	 * number (sorted), so a lookup does not parse them again; dropped
	 * whenever idx or map changes. */
	uint32_t *arecs;
	struct shk_kh_line *alines;
	size_t nalines;
	/* Under the lock: the mapping passed the full trust check, so
	 * lstat of the path and of each level may stand for it while the
	 * file's identity is unchanged. */
	int map_trusted;
	/* Under the lock: the file was absent, and the deepest existing
	 * directory on its path (absent_len bytes of path, or "/") had
	 * this identity and these times, old enough not to be racy. */
	size_t absent_len;
	struct stat absent_st;
	int absent;
	/* Lookups that found it absent in a row: learnt at the second, so
	 * a one-lookup process (the CLI) pays no extra stat. */
	unsigned int nabsent;
	/* Under the lock: this version of the file would need an index
	 * beyond shk_khx_bound, so it is scanned without trying again. */
	struct stat over_st;
	int over;
	/* Under the lock: a version of the file whose index could not be
	 * kept on disk was seen once (scanned); the second lookup of the
	 * same version builds the index in memory. */
	struct stat seen_st;
	int seen;
};

struct files_state {
	const struct shk_module_env *env;
	uid_t uid;
	char *home; /* NULL: no user files */
	char *root; /* "/" for the real root */
	struct kh_file *files;
	size_t nfiles;
	/* Index cache (docs/performance.md): off when index_min is SIZE_MAX. */
	size_t index_min;
	uid_t euid;
	int nthreads;
	char *sys_cache, *user_cache;
	pthread_mutex_t lock;
	int lock_init;
	struct shk_keycache *kc; /* decoded keys; NULL: no cache */
};

/* One call of lookup: the query, and the result as it is carved. */
struct lookup {
	const struct files_state *st;
	const struct shk_module_query *q;
	struct shk_log_module ml; /* this call's log */
	const char *path;
	const char *origin; /* path carved into the result, once per file */
	size_t khlen, hostlen, typelen;
	int want_fallback;
	struct shk_carve c;
	/* Key records grow down from the end of the buffer while strings
	 * grow up from its start, so the count need not be known first. */
	struct shk_module_key *top;
	size_t nkeys;
	int overflow;
	/* A hashed entry could not be checked (no libcrypto): the answer
	 * would be incomplete, revocations included, so there is none. */
	int nocrypto;
	/* The last directory stat'ed for an absent file in this lookup
	 * (absent_len bytes of absent_path), so files in the same missing
	 * directory (~/.ssh/known_hosts and known_hosts2) share it. */
	const char *absent_path;
	size_t absent_len;
	int absent_rc;
	struct stat absent_st;
};

/* ---- files.c ----------------------------------------------------------- */

/* Open f; SHK_ERR_NOTFOUND for a missing file (silent, as in ssh), other
 * failures logged. *fdp is the caller's to close. */
int files_open_file(const struct shk_log *log, const struct kh_file *f, int *fdp);

/* Trust of the open descriptor (logged when refused). */
int files_trust_file(const struct files_state *st, const struct shk_log *log,
		     const struct kh_file *f, int fd);

/* Map the open descriptor into *m (logged when it cannot be read); the
 * caller closes m with shk_fmap_close(). */
int files_map_fd(const struct shk_log *log, const struct kh_file *f, int fd,
		 struct shk_fmap *m);

/* Open, check trust, map. */
int files_map_store(const struct files_state *st, const struct shk_log *log,
		    const struct kh_file *f, struct shk_fmap *m);

/* The shk_kh_foreach() callback of a lookup: arg is its struct lookup. */
int files_lookup_line(const struct shk_kh_line *line, void *arg);

/* ---- khcache.c --------------------------------------------------------- */

/* One file of a lookup: through its index when it is large enough, else
 * scanned. 0 when the file was read, -1 when it could not be. Takes the
 * lock as needed; call without it. */
int khc_lookup_file(struct files_state *st, struct kh_file *f, struct lookup *lk);

/* Drop what f keeps between lookups (at close). */
void khc_forget(struct kh_file *f);

/* ---- khwalk.c ---------------------------------------------------------- */

/* The module's check and enumerate (sshhostkeys/module.h). */
int files_check(void *state);
int files_enumerate(void *state,
		    int (*cb)(void *arg, const char *names, const struct shk_module_key *key),
		    void *arg);

#endif
