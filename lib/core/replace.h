/* SPDX-License-Identifier: MIT */
/*
 * Atomic replacement of one file: the one way files are written here
 * (store files, caches, the CLI's export). A reader sees the old file or
 * the new one, never a mix:
 *
 *   1. a temporary file is created beside the target, in the same
 *      directory so that the rename stays in one file system, with
 *      O_CREAT|O_EXCL|O_NOFOLLOW|O_CLOEXEC: nothing planted under that
 *      name (a symlink, a file of someone else's) is ever written through;
 *   2. the caller writes it (shk_replace_write(), or its own writes to
 *      rp->fd);
 *   3. it is closed, after an fsync with SHK_REPLACE_FSYNC;
 *   4. it is renamed over the target, and with SHK_REPLACE_FSYNC_DIR the
 *      directory is synced so that the rename itself survives a crash.
 *
 * On any failure the temporary file is removed and the target is as it
 * was: a call that fails has removed it already; shk_replace_abort() is
 * for the caller's own failures between the calls. Locking is the caller's: a fixed temporary
 * name is only safe under the directory's lock (storefile.h), a unique
 * one (SHK_REPLACE_UNIQUE) needs none.
 *
 * Errors: a status with the reason in err ("<temporary name>: write:
 * ..."), and errno left as the failing call set it, for callers that word
 * their own messages. Thread safety: no shared state; one struct
 * shk_replace per writer.
 */
#ifndef SHK_REPLACE_H
#define SHK_REPLACE_H

#include <limits.h>
#include <stddef.h>
#include <sys/types.h>

#include "shk.h"

/*
 * The temporary name is tmpl with its last run of 'X' (at least six)
 * replaced by random hex digits, retried while the name exists. Without
 * this flag tmpl is the directory's one temporary name, used under the
 * directory's lock: a file already there is a leftover of a killed
 * writer and is removed once.
 */
#define SHK_REPLACE_UNIQUE 0x01u
/* Create the file 0600 and fchmod it to exactly mode, whatever the
 * umask; without it the file is created with mode under the umask. */
#define SHK_REPLACE_CHMOD 0x02u
/* fsync the file before the rename: its data are on disk when the new
 * name appears (a store); without it a crash may leave a torn file under
 * the target name (caches, which check a checksum). */
#define SHK_REPLACE_FSYNC 0x04u
/* fsync the directory after the rename. */
#define SHK_REPLACE_FSYNC_DIR 0x08u
/* The target is wherever a user pointed (a removable disk, a network
 * share): a refused fchmod or directory fsync is not an error. */
#define SHK_REPLACE_LENIENT 0x10u

struct shk_replace {
	int dirfd;		 /* borrowed: the caller keeps it open and closes it */
	int fd;			 /* the temporary file while open, else -1 */
	unsigned int flags;	 /* SHK_REPLACE_* */
	char tmp[NAME_MAX + 1]; /* its name in dirfd; "" once renamed or removed */
};

/*
 * Create the temporary file in dirfd (see the flags for tmpl and mode).
 * SHK_OK with rp->fd open for writing; on failure nothing is left and
 * shk_replace_abort(rp) is harmless. Statuses of a failed open follow
 * shk_replace_errno_status().
 */
int shk_replace_open(struct shk_replace *rp, int dirfd, const char *tmpl, mode_t mode,
		     unsigned int flags, struct shk_error *err);

/* Write all of data[0..len) to the temporary file (EINTR and short
 * writes are retried). SHK_OK or SHK_ERR_SYSTEM. */
int shk_replace_write(struct shk_replace *rp, const void *data, size_t len,
		      struct shk_error *err);

/* fsync (SHK_REPLACE_FSYNC) and close the temporary file; it keeps its
 * name until shk_replace_commit() or shk_replace_abort(). Done by
 * shk_replace_commit() when not called before; a second call does
 * nothing. SHK_OK or SHK_ERR_SYSTEM. */
int shk_replace_close(struct shk_replace *rp, struct shk_error *err);

/*
 * Close (as above) and rename the temporary file over dirfd/name, then
 * fsync the directory (SHK_REPLACE_FSYNC_DIR). After the rename a failure
 * of the directory's fsync is still returned (the file is in place but
 * its durability is not known) unless SHK_REPLACE_LENIENT.
 */
int shk_replace_commit(struct shk_replace *rp, const char *name, struct shk_error *err);

/* Close and remove the temporary file, if any; the target is untouched.
 * Safe to call after any outcome, and twice. Keeps errno. */
void shk_replace_abort(struct shk_replace *rp);

/* fsync directory dirfd, so that the names changed in it are durable.
 * SHK_OK or SHK_ERR_SYSTEM ("fsync of the directory: ..."). */
int shk_replace_sync_dir(int dirfd, struct shk_error *err);

/*
 * The whole sequence for data already in memory: open, write, commit,
 * abort on failure. tmpl, mode and flags as for shk_replace_open().
 */
int shk_replace_file(int dirfd, const char *name, const char *tmpl, const void *data,
		     size_t len, mode_t mode, unsigned int flags, struct shk_error *err);

/* The status the file writers give a failed system call's errno:
 * ENOENT SHK_ERR_NOTFOUND, ELOOP SHK_ERR_UNTRUSTED, ENOTDIR SHK_ERR_INVAL,
 * ENAMETOOLONG SHK_ERR_RANGE, ENOMEM SHK_ERR_NOMEM, else SHK_ERR_SYSTEM. */
int shk_replace_errno_status(int e);

#endif
