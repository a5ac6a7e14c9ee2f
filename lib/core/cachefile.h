/* SPDX-License-Identifier: MIT */
/*
 * Files in the cache directories: the known_hosts index (khindex.h) and
 * the ssh2 directory summary (ssh2sum.h). One set of rules for both
 * (docs/performance.md, "Index cache"; docs/formats.md §2.5):
 *
 *  - where: <root>/var/cache/sshhostkeys for system stores, written by
 *    root only; $XDG_CACHE_HOME/sshhostkeys or ~/.cache/sshhostkeys for
 *    the user's stores, only when they are the caller's own;
 *  - the cache directory and the file must be owned by root or the
 *    effective uid and not be writable by group or others; the file is
 *    opened with O_NOFOLLOW and must be a regular file;
 *  - a file is written as a new temporary file (O_CREAT|O_EXCL|
 *    O_NOFOLLOW) renamed over the old one, never in place;
 *  - a set-ID process (AT_SECURE) reads only the system cache and writes
 *    none (privfs.h);
 *  - nothing is written about a store changed less than
 *    SHK_CACHE_RACY_SECONDS ago: it could change again within the same
 *    timestamp tick without its identity changing.
 *
 * A cache only saves time: every failure here is the caller's cue to do
 * the work itself. Thread safety: no shared state.
 */
#ifndef SHK_CACHEFILE_H
#define SHK_CACHEFILE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "shk.h"

#define SHK_CACHE_RACY_SECONDS 2

/*
 * The cache directories of a context reading the stores of uid as euid:
 * *sys = root + "/var/cache/sshhostkeys" (root NULL, "" or "/" for the
 * real root); *user = $XDG_CACHE_HOME/sshhostkeys when that is absolute,
 * else home + "/.cache/sshhostkeys", or NULL when there is no home or
 * when uid is not euid (another user's cache is theirs) or the process is
 * set-ID. The variable is
 * read with secure_getenv. Both malloc'd (caller frees). SHK_OK or
 * SHK_ERR_NOMEM (then both are NULL).
 */
int shk_cache_dirs(const char *root, const char *home, uid_t uid, uid_t euid, char **sys,
		   char **user);

/* 1 when st is owned by root or euid and not writable by group or others. */
int shk_cache_owner_ok(const struct stat *st, uid_t euid);

/*
 * Open cache directory dir (O_NOFOLLOW) and check its owner and mode.
 * SHK_OK with *dfd; SHK_ERR_NOTFOUND, SHK_ERR_SYSTEM or SHK_ERR_UNTRUSTED
 * with err saying why.
 */
int shk_cache_open_dir(const char *dir, uid_t euid, int *dfd, struct shk_error *err);

/*
 * Open dfd/name (dir names dfd in messages) for reading without
 * following a symbolic link or blocking, and check that it is a regular
 * file owned by root or euid and writable only by its owner. SHK_OK with
 * *fd and *st; SHK_ERR_NOTFOUND (no such file), SHK_ERR_SYSTEM (a
 * symbolic link shows up here, as ELOOP) or SHK_ERR_UNTRUSTED.
 */
int shk_cache_open_file(int dfd, const char *dir, const char *name, uid_t euid, int *fd,
			struct stat *st, struct shk_error *err);

/*
 * Write data[0..len) as dir/name: create dir when missing (and one level
 * above it: ~/.cache or /var/cache, mode 0755 for euid 0, else 0700),
 * check it as shk_cache_open_dir does, write ".<name>.<random>.tmp"
 * (mode 0644 for euid 0, else 0600) and rename it over name (replace.h,
 * a unique temporary name, no lock). No fsync: readers check a checksum.
 * SHK_OK or a status with err saying why.
 */
int shk_cache_write(const char *dir, const char *name, const void *data, size_t len,
		    uid_t euid, struct shk_error *err);

/*
 * 1 when st's mtime and ctime are both at least SHK_CACHE_RACY_SECONDS
 * in the past (CLOCK_REALTIME), so a later change must move one of them;
 * 0 otherwise, or when the clock cannot be read.
 */
int shk_cache_settled(const struct stat *st);

/* 1 when a and b describe the same state of the same file or directory:
 * device, inode, size, mtime and ctime (with nanoseconds). */
int shk_cache_same_file(const struct stat *a, const struct stat *b);

/*
 * The checksum of cache files: not a MAC, it catches torn writes and bit
 * rot (whoever could forge it could write the cache, which the ownership
 * rules refuse). The 8-byte field at skip_off is read as zero (SIZE_MAX:
 * none; it counts only at an offset that is a multiple of 8); seed ties a
 * sum to its place, e.g. a block's number. Four lanes (xxHash64's round)
 * keep it at memory speed.
 */
#define SHK_CACHE_NO_SKIP SIZE_MAX
uint64_t shk_cache_checksum(const void *p, size_t len, size_t skip_off, uint64_t seed);

#endif
