/* SPDX-License-Identifier: MIT */
/*
 * An index of a known_hosts file, so that a lookup in a large file need
 * not scan it (docs/performance.md, "Index cache"). The index only names
 * candidate lines; the caller re-parses and re-matches each candidate in
 * the file itself, so a candidate too many is harmless. A candidate too
 * few would be a wrong answer, which is why an index is used only when it
 * describes exactly the file at hand (device, inode, size, mtime, ctime),
 * and, read from disk, is owned by root or the caller and not writable by
 * group or others. What a lookup reads of it must also pass its checksums
 * and bounds checks: the header and the block sums at load, each block
 * (4 KiB) and each value in it when a lookup first reads them, so that a
 * lookup in a large index reads a few pages of it, not all of them.
 *
 * What the index holds, per line of the file:
 *  - plain host lists without wildcards: each name (lowercased) in a hash
 *    table: O(1) per lookup;
 *  - hashed names "|1|salt|hash": the HMAC-SHA1 inner and outer states
 *    after the salt's key block, and the expected MAC, so a lookup costs
 *    two SHA-1 blocks per hashed line instead of four plus base64;
 *  - everything else (patterns, negations, lines that do not parse,
 *    malformed hashes): a short list of lines that are always candidates.
 *
 * Thread safety: a struct shk_khx may be queried from several threads; the
 * only thing a query changes is which blocks are known good, kept with
 * atomic operations.
 */
#ifndef SHK_KHINDEX_H
#define SHK_KHINDEX_H

#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "digest.h"
#include "shk.h"

struct shk_khx;

/*
 * Build the index of data[0..len), the content of the file described by
 * st. *out is the caller's (shk_khx_free). SHK_OK or SHK_ERR_NOMEM;
 * SHK_ERR_RANGE for files beyond the format's limits (4 Gi lines) or
 * whose index would exceed shk_khx_bound(len): the build stops there,
 * and the caller scans the file instead.
 */
int shk_khx_build(const char *data, size_t len, const struct stat *st,
		  struct shk_khx **out);

/* The largest index of a file of len bytes: len + 1 MiB. Beyond it a
 * file is not indexed (an index is not built, written or loaded), so
 * that input cannot amplify itself into the cache or into memory: short
 * names and short lines are what make an index large. */
size_t shk_khx_bound(size_t len);

/* The cache file's name for st: "kh-<dev>-<ino>.idx" in hex. */
int shk_khx_name(const struct stat *st, char *out, size_t outcap);

/*
 * Load the index of the file described by st from directory dir, for a
 * process running as euid. SHK_OK; SHK_ERR_NOTFOUND (no index, or one for
 * another version of the file: stale); SHK_ERR_UNTRUSTED (dir or index
 * owned by someone else, or writable by group or others); SHK_ERR_PARSE
 * (corrupt: err says what failed); SHK_ERR_RANGE (larger than
 * shk_khx_bound of the file); SHK_ERR_SYSTEM. Never follows a
 * symbolic link for the index. Only the header and the block sums are
 * checked here; a query that reads a block whose sum or content is wrong
 * returns SHK_ERR_PARSE (shk_khx_verify checks everything at once).
 */
int shk_khx_load(const char *dir, const struct stat *st, uid_t euid,
		 struct shk_khx **out, struct shk_error *err);

/*
 * Write x into dir as a new file renamed over the old one (mode 0644 for
 * euid 0, else 0600), creating dir (mode 0755 for euid 0, else 0700) when
 * missing. dir must be trusted as for load. SHK_OK or a status.
 */
int shk_khx_save(const struct shk_khx *x, const char *dir, uid_t euid,
		 struct shk_error *err);

/* 1 when x describes the file st describes. */
int shk_khx_fresh(const struct shk_khx *x, const struct stat *st);

void shk_khx_free(struct shk_khx *x);

/*
 * Candidate lines for name (lowercase, known_hosts form) and, when name2
 * is not NULL, for name2 too: every line the real matcher could match
 * for either name, as record numbers in file order without duplicates,
 * in *recs (malloc'd, the caller frees). nthreads > 1 spreads the hashed
 * lines over that many threads. SHK_OK, SHK_ERR_NOMEM, or SHK_ERR_PARSE
 * when what the query read of a loaded index is corrupt (err says what):
 * the caller must not use x for this file again.
 */
int shk_khx_candidates(const struct shk_khx *x, const char *name, size_t namelen,
		       const char *name2, size_t name2len, int nthreads, uint32_t **recs,
		       size_t *nrecs, struct shk_error *err);

/* The records every lookup gets as candidates (patterns, markers, lines
 * that do not parse...), in *recs (x's own memory, valid while x is),
 * so a caller may keep them parsed. SHK_OK or SHK_ERR_PARSE, as for
 * shk_khx_candidates. */
int shk_khx_always(const struct shk_khx *x, const uint32_t **recs, size_t *n,
		   struct shk_error *err);

/* Check every block and every value of x, as the queries would one by
 * one: SHK_OK or SHK_ERR_PARSE (err says what). For tests, fuzzing and
 * diagnostics; lookups do not need it. */
int shk_khx_verify(const struct shk_khx *x, struct shk_error *err);

/*
 * Where record rec lies in data[0..len) (the file's content): the line
 * without '\n' and trailing '\r', and its 1-based number. SHK_ERR_RANGE
 * when the record does not fit the data, SHK_ERR_PARSE when its block's
 * checksum is wrong.
 */
int shk_khx_line(const struct shk_khx *x, uint32_t rec, const char *data, size_t len,
		 const char **line, size_t *linelen, unsigned long *lineno);

/* Recompute the checksums of an index image in place (len bytes read
 * from an index file; the block sums as its header's counts place them),
 * so tests can forge indexes that are well sealed but wrong inside.
 * SHK_ERR_RANGE when len is below the header size. */
int shk_khx_reseal(void *img, size_t len);

/* Counts, for tests and diagnostics. */
struct shk_khx_stats {
	size_t records, names, always, hashed, bytes;
	size_t blocks, blocks_checked; /* of a loaded index: how many blocks
					* have had their sums checked so far */
};
void shk_khx_stats(const struct shk_khx *x, struct shk_khx_stats *s);

#endif
