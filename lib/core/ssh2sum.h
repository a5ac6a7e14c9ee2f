/* SPDX-License-Identifier: MIT */
/*
 * The summary of an ssh2 host-key directory's listing (docs/formats.md
 * §2.5): what a lookup for an absent host needs from the names in the
 * directory (how many of our hashed files, for the missing-salt warning;
 * how many genuine Tectia files, for the notice), kept in a small file in
 * the cache directory (cachefile.h) so that such a lookup reads one file
 * instead of listing a directory of any size.
 *
 * A summary describes exactly one state of one directory: its device,
 * inode, size, mtime and ctime (seconds and nanoseconds), as fstat of the
 * open directory gives them. Creating, removing or renaming an entry
 * moves the directory's mtime and ctime, so an equal identity means the
 * same names, provided the directory's last change was at least
 * SHK_CACHE_RACY_SECONDS old when it was listed (the caller's rule).
 *
 * File format (version 1, native byte order, 96 bytes):
 *
 *   offset size
 *   0      8    magic "SHKS2S\r\n"
 *   8      4    version (1)
 *   12     4    byte-order mark 0x01020304
 *   16     8×3  dev, ino, size of the directory
 *   40     8×4  mtime sec, mtime nsec, ctime sec, ctime nsec
 *   72     8    number of our hashed files (keys_<64 hex>)
 *   80     8    number of genuine Tectia hashed files (keys_<40 hex>)
 *   88     8    checksum of bytes 0..87 (shk_cache_checksum)
 *
 * Names are classified by shk_ssh2_classify(); a change to it that moves
 * a name from one count to another must bump the version.
 *
 * Thread safety: no shared state.
 */
#ifndef SHK_SSH2SUM_H
#define SHK_SSH2SUM_H

#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "shk.h"

#define SHK_S2SUM_SIZE 96

struct shk_s2sum {
	uint64_t nhashed; /* keys_<64 hex>: ours */
	uint64_t ntectia; /* keys_<40 hex>: genuine Tectia */
};


/* The cache file's name for directory dst: "ssh2-<dev>-<ino>.sum" in hex. */
int shk_s2sum_name(const struct stat *dst, char *out, size_t outcap);

/* The file image of summary s of directory dst. */
void shk_s2sum_encode(const struct stat *dst, const struct shk_s2sum *s,
		      unsigned char img[SHK_S2SUM_SIZE]);

/*
 * Read an image of len bytes: SHK_OK with *s when it is well formed and
 * describes dst; SHK_ERR_NOTFOUND when it is well formed but describes
 * another state of the directory (stale); SHK_ERR_PARSE (err says why)
 * for anything else. Pure: no I/O.
 */
int shk_s2sum_decode(const void *img, size_t len, const struct stat *dst,
		     struct shk_s2sum *s, struct shk_error *err);

/* Recompute the checksum of an image in place, so tests can forge
 * summaries that are well sealed but wrong. SHK_ERR_RANGE when len is
 * not SHK_S2SUM_SIZE. */
int shk_s2sum_reseal(void *img, size_t len);

/*
 * The summary of directory dst from cache directory dir, for a process
 * running as euid (the trust rules of cachefile.h). SHK_OK with *s;
 * SHK_ERR_NOTFOUND (none, or stale); SHK_ERR_UNTRUSTED; SHK_ERR_PARSE
 * (wrong size, corrupt); SHK_ERR_SYSTEM. err says why.
 */
int shk_s2sum_load(const char *dir, const struct stat *dst, uid_t euid, struct shk_s2sum *s,
		   struct shk_error *err);

/* Write summary s of directory dst into dir (shk_cache_write). The
 * caller decides whether dst is settled enough to be written. */
int shk_s2sum_save(const char *dir, const struct stat *dst, const struct shk_s2sum *s,
		   uid_t euid, struct shk_error *err);

#endif
