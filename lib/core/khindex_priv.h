/* SPDX-License-Identifier: MIT */
/*
 * The index's on-disk layout and the two helpers its build, load and
 * query sides share (khindex.c, khindex_query.c). Private to those files:
 * everyone else goes through khindex.h.
 */
#ifndef SHK_KHINDEX_PRIV_H
#define SHK_KHINDEX_PRIV_H

#include <stddef.h>
#include <stdint.h>

#include "digest.h"
#include "shk.h"

#define KHX_MAGIC "SHKKHX\r\n"
#define KHX_VERSION 2
#define KHX_BYTEORDER 0x01020304u
/* The unit of lazy verification: each block of everything after the
 * block sums has its own checksum, checked when a lookup first reads it. */
#define KHX_BLOCK 4096

struct khx_hdr {
	char magic[8];
	uint32_t version;
	uint32_t byteorder;
	uint64_t dev, ino, size;
	int64_t mtime_sec, mtime_nsec, ctime_sec, ctime_nsec;
	uint32_t nrec, nbuckets, nnames, nalways, nhashed, nblocks;
	uint64_t total;	   /* bytes in the whole index file */
	uint64_t checksum; /* over the header (this field zero) and the block sums */
};

struct khx_rec {
	uint64_t off;
	uint32_t len;
	uint32_t lineno;
};

struct khx_name {
	uint32_t hash;
	uint32_t rec;
};

struct khx_hashed {
	uint32_t rec;
	uint32_t inner[5];
	uint32_t outer[5];
	unsigned char want[SHK_SHA1_LEN];
};

struct shk_khx {
	unsigned char *img; /* the whole index file */
	size_t imglen;
	int mapped;
	/* Built here rather than read from disk: nothing to verify. */
	int trusted;
	const struct khx_hdr *h;
	const uint64_t *sums; /* nblocks, of the data after them */
	size_t base;	      /* where the first block starts */
	/* Blocks whose checksum matched, one bit each; set with atomics, as
	 * threads may share x (a race only checks a block twice). */
	uint64_t *verified;
	const struct khx_rec *rec;
	const uint32_t *bucket; /* nbuckets + 1 */
	const struct khx_name *names;
	const uint32_t *always;
	const struct khx_hashed *hashed;
};

/*
 * Before a lookup reads n bytes at p (inside x's sections), check the
 * sums of the blocks they lie in, once per block and index (err may be
 * NULL). An index built here needs none.
 */
int khx_need(const struct shk_khx *x, const void *p, size_t n, struct shk_error *err);

/* The name table's hash: FNV-1a over the name, ASCII lowercased. */
uint32_t khx_name_hash(const char *s, size_t len);

#endif
