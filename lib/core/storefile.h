/* SPDX-License-Identifier: MIT */
/*
 * File primitives for the store writers (docs/formats.md, "Writing"):
 * safe directory walks, the store lock, atomic replacement, the salt.
 * Pure file-system logic: no context, no logging; errors come back as a
 * status with the reason in a struct shk_error.
 *
 * Rules every writer follows:
 * - All changes to a directory happen under its lock, SHK_SF_LOCK_NAME in
 *   that directory, taken with flock(2) on a descriptor of its own, so
 *   processes and threads of one process serialize alike.
 * - A file is replaced by writing SHK_SF_TEMP_NAME (O_CREAT|O_EXCL|
 *   O_NOFOLLOW), fsync, renameat over the target, fsync of the directory
 *   (replace.h).
 *   Writers hold the lock, so one temporary name per directory suffices;
 *   a leftover (a writer killed mid-write) is stale and is removed by
 *   the next writer.
 * - No symlink is followed below the anchor directory, and a symlink or
 *   non-regular file where a store file should be is refused.
 */
#ifndef SHK_STOREFILE_H
#define SHK_STOREFILE_H

#include <stddef.h>
#include <sys/types.h>

#include "fmap.h"
#include "shk.h"
#include "ssh2name.h"

#define SHK_SF_LOCK_NAME ".sshhostkeys.lock"
#define SHK_SF_TEMP_NAME ".sshhostkeys.tmp"
#define SHK_SF_FILE_MODE 0644

/* Flags for shk_sf_open_dir(). */
#define SHK_SF_CREATE 0x1u /* create missing components with the given mode */

/*
 * Open directory path for writing. anchor (a prefix of path, or NULL for
 * "/") is opened as it is; every component of path below it is opened
 * with O_DIRECTORY|O_NOFOLLOW, and, with SHK_SF_CREATE, created with
 * mode when missing (and chmod'ed to exactly mode, whatever the umask).
 * "." and ".." components are refused. *created (may be NULL) is set
 * when the last component was created. Returns SHK_OK with *dirfd,
 * SHK_ERR_NOTFOUND (a component is missing and not created), or another
 * status with err saying which component and why.
 */
int shk_sf_open_dir(const char *anchor, const char *path, unsigned int flags, mode_t mode,
		    int *dirfd, int *created, struct shk_error *err);

/*
 * Take the directory's lock (blocking). *lockfd is released with
 * shk_sf_unlock(). Refuses a lock file that is a symlink or not a
 * regular file.
 */
int shk_sf_lock(int dirfd, int *lockfd, struct shk_error *err);
/* Same, but SHK_ERR_RANGE at once when another holder has the lock. */
int shk_sf_trylock(int dirfd, int *lockfd, struct shk_error *err);
void shk_sf_unlock(int lockfd);

/*
 * Map dir/name read-only without following a symlink or blocking on a
 * FIFO. SHK_ERR_NOTFOUND when absent; SHK_ERR_UNTRUSTED for a symlink;
 * SHK_ERR_INVAL for anything that is not a regular file.
 */
int shk_sf_map(int dirfd, const char *name, struct shk_fmap *m, struct shk_error *err);

/*
 * What is at dir/name: SHK_OK for a regular file (*st filled, may be
 * NULL), SHK_ERR_NOTFOUND, SHK_ERR_UNTRUSTED for a symlink, SHK_ERR_INVAL
 * for anything else.
 */
int shk_sf_stat(int dirfd, const char *name, struct stat *st, struct shk_error *err);

/*
 * Atomically replace (or create) dir/name with data[0..len), mode mode.
 * With old_name (may be NULL), the current file, when there is one, is
 * first hard-linked to old_name (replacing an old old_name), as
 * ssh-keygen -R keeps FILE.old. Caller holds the lock. Refuses a target
 * that is a symlink or not a regular file. At any moment name is either
 * the old or the new file.
 */
int shk_sf_replace(int dirfd, const char *name, const void *data, size_t len, mode_t mode,
		   const char *old_name, struct shk_error *err);

/* Unlink dir/name (a regular file) and fsync the directory. Caller holds
 * the lock. SHK_ERR_NOTFOUND when absent; a symlink or non-regular file
 * is refused. */
int shk_sf_unlink(int dirfd, const char *name, struct shk_error *err);

/*
 * The directory's salt (SHK_SSH2_SALT_FILE). When present it is read (and
 * must parse); when absent and create is set, it is created once: the
 * bytes of seed when not NULL (a salt shared with another store), else
 * getrandom(2), written to the temporary name and linked to the salt
 * name so that an existing salt is never replaced; when two creators
 * race, the loser reads the winner's salt. *created (may be NULL) says
 * whether this call created it. SHK_ERR_NOTFOUND when absent and not
 * created. SHK_ERR_INVAL, creating nothing, when absent while the
 * directory holds keys_* files: they were named with the lost salt, and
 * a new one would orphan them silently. Caller holds the lock.
 */
int shk_sf_salt(int dirfd, int create, const unsigned char *seed,
		unsigned char salt[SHK_SSH2_SALT_LEN], int *created, struct shk_error *err);

#endif
