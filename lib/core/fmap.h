/* SPDX-License-Identifier: MIT */
/*
 * Read-only view of a whole file: mmap for regular files, never a copy
 * per line. Refuses anything that is not a regular file (FIFOs, devices,
 * directories) so a planted FIFO cannot make a lookup hang.
 */
#ifndef SHK_FMAP_H
#define SHK_FMAP_H

#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "shk.h"

struct shk_fmap {
	const char *data; /* NULL for an empty file */
	size_t len;
	struct stat st;
};

/* SHK_OK, SHK_ERR_NOTFOUND (ENOENT/ENOTDIR), SHK_ERR_INVAL (not a regular
 * file) or SHK_ERR_SYSTEM; err says why. */
int shk_fmap_open(const char *path, struct shk_fmap *m, struct shk_error *err);
/* Same, relative to a directory fd (openat semantics, O_NOFOLLOW not set). */
int shk_fmap_openat(int dirfd, const char *name, struct shk_fmap *m, struct shk_error *err);
/* Same, but only a file shk_trust_fd() accepts (the open file, then its
 * directories up to stop_dir or "/"): else SHK_ERR_UNTRUSTED, err says
 * which path and why. For files that decide what is trusted. */
int shk_fmap_open_trusted(const char *path, const char *stop_dir, uid_t uid,
			  struct shk_fmap *m, struct shk_error *err);
/* Map an already open fd (not closed here). */
int shk_fmap_fd(int fd, struct shk_fmap *m, struct shk_error *err);
void shk_fmap_close(struct shk_fmap *m);

#endif
