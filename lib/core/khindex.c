/* SPDX-License-Identifier: MIT */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base64.h"
#include "cachefile.h"
#include "crypto.h"
#include "khindex.h"
#include "khindex_priv.h"
#include "knownhosts.h"

/* OpenSSH's limits for a hashed field (hostfile.c: extract_salt). */
#define SALT_B64_MAX 1024
#define HASH_B64_LEN 28
/* match.c gives up on a sub-pattern this long; such lines go to the
 * always list rather than into the name table. */
#define SUBPATTERN_MAX 1024
/* The index may not outgrow the file by more than this (shk_khx_bound):
 * room for the index of a small file indexed with SSHHOSTKEYS_KH_INDEX=force. */
#define KHX_BOUND_SLACK (1024 * 1024)

/* ---- checksum ---------------------------------------------------------- */


/* The block sums after the header, then the header's own sum, which
 * covers them. Whatever the header's counts say, nothing is read or
 * written outside img[0..len). */
static void
khx_seal(unsigned char *img, size_t len)
{
	struct khx_hdr *h = (struct khx_hdr *)(void *)img;
	size_t base = sizeof(*h) + (size_t)h->nblocks * sizeof(uint64_t), start, k;
	uint64_t sum;

	for (k = 0; k < h->nblocks && base <= len; k++) {
		if ((start = base + k * KHX_BLOCK) >= len)
			break;
		sum = shk_cache_checksum(img + start, len - start < KHX_BLOCK ? len - start : KHX_BLOCK,
				   SHK_CACHE_NO_SKIP, k);
		memcpy(img + sizeof(*h) + k * sizeof(sum), &sum, sizeof(sum));
	}
	h->checksum = shk_cache_checksum(img, base < len ? base : len,
				   offsetof(struct khx_hdr, checksum), 0);
}

int
shk_khx_reseal(void *img, size_t len)
{
	if (len < sizeof(struct khx_hdr))
		return SHK_ERR_RANGE;
	khx_seal(img, len);
	return SHK_OK;
}

/* ---- layout ------------------------------------------------------------ */

static size_t
align8(size_t n)
{
	return (n + 7) & ~(size_t)7;
}

struct khx_layout {
	size_t sums, rec, bucket, names, always, hashed, total;
	uint32_t nblocks;
};

/* Counts are 32-bit, so on 64-bit size_t nothing here can overflow. The
 * block sums come first; the sections follow, in blocks of KHX_BLOCK. */
static int
khx_layout(uint32_t nrec, uint32_t nbuckets, uint32_t nnames, uint32_t nalways,
	   uint32_t nhashed, struct khx_layout *lo)
{
	size_t bucket, names, always, hashed, end, nblocks;

	if (sizeof(size_t) < 8 || nbuckets == UINT32_MAX)
		return SHK_ERR_RANGE;
	bucket = (size_t)nrec * sizeof(struct khx_rec);
	names = bucket + align8(((size_t)nbuckets + 1) * sizeof(uint32_t));
	always = names + (size_t)nnames * sizeof(struct khx_name);
	hashed = always + align8((size_t)nalways * sizeof(uint32_t));
	end = hashed + (size_t)nhashed * sizeof(struct khx_hashed);
	if ((nblocks = (end + KHX_BLOCK - 1) / KHX_BLOCK) > UINT32_MAX)
		return SHK_ERR_RANGE;
	lo->nblocks = (uint32_t)nblocks;
	lo->sums = sizeof(struct khx_hdr);
	lo->rec = lo->sums + nblocks * sizeof(uint64_t);
	lo->bucket = lo->rec + bucket;
	lo->names = lo->rec + names;
	lo->always = lo->rec + always;
	lo->hashed = lo->rec + hashed;
	lo->total = lo->rec + end;
	return SHK_OK;
}

static void
khx_point(struct shk_khx *x, const struct khx_layout *lo)
{
	x->h = (const struct khx_hdr *)(void *)x->img;
	x->sums = (const uint64_t *)(void *)(x->img + lo->sums);
	x->base = lo->rec;
	x->rec = (const struct khx_rec *)(void *)(x->img + lo->rec);
	x->bucket = (const uint32_t *)(void *)(x->img + lo->bucket);
	x->names = (const struct khx_name *)(void *)(x->img + lo->names);
	x->always = (const uint32_t *)(void *)(x->img + lo->always);
	x->hashed = (const struct khx_hashed *)(void *)(x->img + lo->hashed);
}

int
khx_need(const struct shk_khx *x, const void *p, size_t n, struct shk_error *err)
{
	size_t off = (size_t)((const unsigned char *)p - x->img), k, last, start, len;
	uint64_t bit, *w;

	if (x->trusted || n == 0)
		return SHK_OK;
	for (k = (off - x->base) / KHX_BLOCK, last = (off + n - 1 - x->base) / KHX_BLOCK;
	     k <= last; k++) {
		w = &x->verified[k / 64];
		bit = (uint64_t)1 << (k % 64);
		if (__atomic_load_n(w, __ATOMIC_RELAXED) & bit)
			continue;
		start = x->base + k * KHX_BLOCK;
		len = x->imglen - start < KHX_BLOCK ? x->imglen - start : KHX_BLOCK;
		if (shk_cache_checksum(x->img + start, len, SHK_CACHE_NO_SKIP, k) != x->sums[k])
			return shk_error_set(err, SHK_ERR_PARSE, 0, "block %zu: checksum mismatch",
					     k);
		__atomic_fetch_or(w, bit, __ATOMIC_RELAXED);
	}
	return SHK_OK;
}

uint32_t
khx_name_hash(const char *s, size_t len)
{
	uint32_t h = 2166136261u;
	size_t i;
	unsigned char c;

	for (i = 0; i < len; i++) {
		c = (unsigned char)s[i];
		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c + ('a' - 'A'));
		h = (h ^ c) * 16777619u;
	}
	return h;
}

static void
set_identity(struct khx_hdr *h, const struct stat *st)
{
	h->dev = (uint64_t)st->st_dev;
	h->ino = (uint64_t)st->st_ino;
	h->size = (uint64_t)st->st_size;
	h->mtime_sec = (int64_t)st->st_mtim.tv_sec;
	h->mtime_nsec = (int64_t)st->st_mtim.tv_nsec;
	h->ctime_sec = (int64_t)st->st_ctim.tv_sec;
	h->ctime_nsec = (int64_t)st->st_ctim.tv_nsec;
}

int
shk_khx_fresh(const struct shk_khx *x, const struct stat *st)
{
	struct khx_hdr want;

	if (x == NULL)
		return 0;
	set_identity(&want, st);
	return x->h->dev == want.dev && x->h->ino == want.ino && x->h->size == want.size &&
	       x->h->mtime_sec == want.mtime_sec && x->h->mtime_nsec == want.mtime_nsec &&
	       x->h->ctime_sec == want.ctime_sec && x->h->ctime_nsec == want.ctime_nsec;
}

/* ---- build ------------------------------------------------------------- */

size_t
shk_khx_bound(size_t len)
{
	return len > SIZE_MAX - KHX_BOUND_SLACK ? SIZE_MAX : len + KHX_BOUND_SLACK;
}

struct builder {
	const char *data;
	struct khx_rec *rec;
	struct khx_name *names;
	uint32_t *always;
	struct khx_hashed *hashed;
	size_t nrec, nnames, nalways, nhashed, cap, hashcap, namecap;
	/* What the index would take so far (a name's bucket counted at its
	 * least), against shk_khx_bound: past it the build stops, so a
	 * line of millions of one-letter names costs neither the memory
	 * nor the index it would need (docs/performance.md). */
	size_t bytes, limit;
	int err;
};

/* Count n more bytes of index; SHK_ERR_RANGE once past the bound. */
static int
grow(struct builder *b, size_t n)
{
	b->bytes += n;
	return b->bytes > b->limit ? SHK_ERR_RANGE : SHK_OK;
}

static int
add_name(struct builder *b, const char *s, size_t len, uint32_t rec)
{
	struct khx_name *nn;
	size_t cap;

	if (b->nnames == b->namecap) {
		cap = b->namecap < 1024 ? 1024 : b->namecap * 2;
		if (cap > UINT32_MAX || (nn = realloc(b->names, cap * sizeof(*nn))) == NULL)
			return SHK_ERR_NOMEM;
		b->names = nn;
		b->namecap = cap;
	}
	b->names[b->nnames].hash = khx_name_hash(s, len);
	b->names[b->nnames].rec = rec;
	b->nnames++;
	return SHK_OK;
}

/* The parse of match_hashed() in knownhosts.c: a field it would read
 * becomes a hashed entry; anything else is left to the real matcher. */
static int
add_hashed(struct builder *b, const char *hosts, size_t hostslen, uint32_t rec)
{
	unsigned char salt[SHK_SHA1_LEN];
	struct khx_hashed *e = &b->hashed[b->nhashed];
	const char *s, *bar, *hash;
	struct shk_hmac_sha1_pre pre;
	size_t n, saltlen, hashlen;

	if (hostslen < 3 || memcmp(hosts, "|1|", 3) != 0)
		return 0;
	/* Full means past the bound already (hashcap is set from it). */
	if (b->nhashed == b->hashcap) {
		b->err = SHK_ERR_RANGE;
		return 0;
	}
	s = hosts + 3;
	if ((bar = memchr(s, '|', hostslen - 3)) == NULL)
		return 0;
	saltlen = (size_t)(bar - s);
	hash = bar + 1;
	hashlen = hostslen - (size_t)(hash - hosts);
	if (saltlen == 0 || saltlen > SALT_B64_MAX || saltlen % 4 != 0 ||
	    shk_b64_decode(s, saltlen, salt, sizeof(salt), &n) != SHK_OK || n != sizeof(salt))
		return 0;
	if (hashlen != HASH_B64_LEN ||
	    shk_b64_decode(hash, hashlen, e->want, sizeof(e->want), &n) != SHK_OK ||
	    n != sizeof(e->want))
		return 0;
	/* Without libcrypto no index: a lookup then scans the file and
	 * reports why hashed lines cannot be checked. */
	if (shk_hmac_sha1_prep(salt, sizeof(salt), &pre) != SHK_OK) {
		b->err = SHK_ERR_SYSTEM;
		return 0;
	}
	if (grow(b, sizeof(*e)) != SHK_OK) {
		b->err = SHK_ERR_RANGE;
		return 0;
	}
	e->rec = rec;
	memcpy(e->inner, pre.inner, sizeof(e->inner));
	memcpy(e->outer, pre.outer, sizeof(e->outer));
	b->nhashed++;
	return 1;
}

/* 1 when every name of the list went into the table; 0 when the line
 * needs the real matcher at every lookup (wildcards, negation, empty or
 * over-long sub-patterns). The names are counted against the bound
 * before any is stored, so an over-long list costs one pass over it. */
static int
add_plain(struct builder *b, const char *hosts, size_t hostslen, uint32_t rec)
{
	size_t i, start, n = 0;
	int r;

	/* memchr, not a loop over the bytes: a host list may be megabytes. */
	if (memchr(hosts, '*', hostslen) != NULL || memchr(hosts, '?', hostslen) != NULL ||
	    memchr(hosts, '!', hostslen) != NULL)
		return 0;
	for (i = 0; i <= hostslen; i++, n++) {
		start = i;
		while (i < hostslen && hosts[i] != ',')
			i++;
		if (i == start || i - start >= SUBPATTERN_MAX - 1)
			return 0;
	}
	if ((r = grow(b, n * (sizeof(struct khx_name) + sizeof(uint32_t)))) != SHK_OK) {
		b->err = r;
		return 0;
	}
	for (i = 0; i <= hostslen; i++) {
		start = i;
		while (i < hostslen && hosts[i] != ',')
			i++;
		if ((r = add_name(b, hosts + start, i - start, rec)) != SHK_OK) {
			b->err = r;
			return 0;
		}
	}
	return 1;
}

static int
build_line(const struct shk_kh_line *line, void *arg)
{
	struct builder *b = arg;
	uint32_t rec;

	if (line->status == SHK_KH_COMMENT)
		return 0;
	if (b->nrec == b->cap || line->lineno > UINT32_MAX || line->rawlen > UINT32_MAX ||
	    grow(b, sizeof(*b->rec)) != SHK_OK) {
		b->err = SHK_ERR_RANGE;
		return 1;
	}
	rec = (uint32_t)b->nrec++;
	b->rec[rec].off = (uint64_t)(line->raw - b->data);
	b->rec[rec].len = (uint32_t)line->rawlen;
	b->rec[rec].lineno = (uint32_t)line->lineno;
	if (line->status == SHK_KH_ENTRY) {
		if (line->hosts[0] == '|') {
			if (add_hashed(b, line->hosts, line->hostslen, rec))
				return 0;
		} else if (add_plain(b, line->hosts, line->hostslen, rec))
			return 0;
		if (b->err != 0)
			return 1;
	}
	if (grow(b, sizeof(*b->always)) != SHK_OK) {
		b->err = SHK_ERR_RANGE;
		return 1;
	}
	b->always[b->nalways++] = rec;
	return 0;
}

int
shk_khx_build(const char *data, size_t len, const struct stat *st, struct shk_khx **out)
{
	struct builder b;
	struct shk_khx *x = NULL;
	struct khx_layout lo;
	struct khx_hdr *h;
	uint32_t *bucket, nbuckets = 1, *fill = NULL;
	struct khx_name *names;
	size_t lines = 1, i;
	const char *p, *end = data + len;
	int r = SHK_ERR_NOMEM;

	*out = NULL;
	memset(&b, 0, sizeof(b));
	b.data = data;
	for (p = data; p != NULL && p < end; lines++) {
		if ((p = memchr(p, '\n', (size_t)(end - p))) != NULL)
			p++;
	}
	if (lines > UINT32_MAX) {
		r = SHK_ERR_RANGE;
		goto out;
	}
	/* No more records or hashed entries than the bound leaves room for
	 * (a file of empty lines does not reserve a record per line). */
	b.limit = shk_khx_bound(len);
	b.cap = lines < b.limit / sizeof(*b.rec) + 1 ? lines : b.limit / sizeof(*b.rec) + 1;
	b.hashcap = lines < b.limit / sizeof(*b.hashed) + 1 ? lines
							   : b.limit / sizeof(*b.hashed) + 1;
	if ((b.rec = calloc(b.cap, sizeof(*b.rec))) == NULL ||
	    (b.always = calloc(b.cap, sizeof(*b.always))) == NULL ||
	    (b.hashed = calloc(b.hashcap, sizeof(*b.hashed))) == NULL)
		goto out;
	if (data != NULL)
		shk_kh_foreach(data, len, build_line, &b);
	if (b.err != 0) {
		r = b.err;
		goto out;
	}
	while (nbuckets < b.nnames && nbuckets < (1u << 30))
		nbuckets <<= 1;
	if ((r = khx_layout((uint32_t)b.nrec, nbuckets, (uint32_t)b.nnames, (uint32_t)b.nalways,
			    (uint32_t)b.nhashed, &lo)) != SHK_OK)
		goto out;
	if (lo.total > b.limit) {
		r = SHK_ERR_RANGE;
		goto out;
	}
	r = SHK_ERR_NOMEM;
	if ((x = calloc(1, sizeof(*x))) == NULL || (x->img = calloc(1, lo.total)) == NULL ||
	    (fill = calloc((size_t)nbuckets + 1, sizeof(*fill))) == NULL)
		goto out;
	x->imglen = lo.total;
	h = (struct khx_hdr *)(void *)x->img;
	memcpy(h->magic, KHX_MAGIC, sizeof(h->magic));
	h->version = KHX_VERSION;
	h->byteorder = KHX_BYTEORDER;
	set_identity(h, st);
	h->nrec = (uint32_t)b.nrec;
	h->nbuckets = nbuckets;
	h->nnames = (uint32_t)b.nnames;
	h->nalways = (uint32_t)b.nalways;
	h->nhashed = (uint32_t)b.nhashed;
	h->nblocks = lo.nblocks;
	h->total = lo.total;
	memcpy(x->img + lo.rec, b.rec, b.nrec * sizeof(*b.rec));
	/* Counting sort of the names into their buckets, keeping file
	 * order within a bucket. */
	bucket = (uint32_t *)(void *)(x->img + lo.bucket);
	names = (struct khx_name *)(void *)(x->img + lo.names);
	for (i = 0; i < b.nnames; i++)
		bucket[(b.names[i].hash & (nbuckets - 1)) + 1]++;
	for (i = 0; i < nbuckets; i++)
		bucket[i + 1] += bucket[i];
	memcpy(fill, bucket, ((size_t)nbuckets + 1) * sizeof(*fill));
	for (i = 0; i < b.nnames; i++)
		names[fill[b.names[i].hash & (nbuckets - 1)]++] = b.names[i];
	if (b.nalways > 0)
		memcpy(x->img + lo.always, b.always, b.nalways * sizeof(*b.always));
	if (b.nhashed > 0)
		memcpy(x->img + lo.hashed, b.hashed, b.nhashed * sizeof(*b.hashed));
	khx_seal(x->img, x->imglen);
	khx_point(x, &lo);
	x->trusted = 1;
	*out = x;
	x = NULL;
	r = SHK_OK;
out:
	shk_khx_free(x);
	free(fill);
	free(b.rec);
	free(b.names);
	free(b.always);
	free(b.hashed);
	return r;
}

void
shk_khx_free(struct shk_khx *x)
{
	if (x == NULL)
		return;
	if (x->mapped)
		munmap(x->img, x->imglen);
	else
		free(x->img);
	free(x->verified);
	free(x);
}

void
shk_khx_stats(const struct shk_khx *x, struct shk_khx_stats *s)
{
	size_t i;

	s->records = x->h->nrec;
	s->names = x->h->nnames;
	s->always = x->h->nalways;
	s->hashed = x->h->nhashed;
	s->bytes = x->imglen;
	s->blocks = x->h->nblocks;
	s->blocks_checked = 0;
	for (i = 0; i < s->blocks; i++) {
		if (x->trusted ||
		    (__atomic_load_n(&x->verified[i / 64], __ATOMIC_RELAXED) >> (i % 64)) & 1)
			s->blocks_checked++;
	}
}

/* ---- validation -------------------------------------------------------- */

/*
 * At load, only what every lookup relies on: the header, the counts
 * against the size, and the sum over the header and the block sums.
 * Each block's sum and each value read from it are checked when a
 * lookup first reads them (khx_need and the bounds checks of the
 * queries), so a lookup reads a few blocks of a large index instead of
 * all of it (docs/performance.md).
 */
static int
khx_validate(struct shk_khx *x, struct shk_error *err)
{
	const struct khx_hdr *h = (const struct khx_hdr *)(void *)x->img;
	struct khx_layout lo;

	if (x->imglen < sizeof(*h))
		return shk_error_set(err, SHK_ERR_PARSE, 0, "truncated header");
	if (memcmp(h->magic, KHX_MAGIC, sizeof(h->magic)) != 0)
		return shk_error_set(err, SHK_ERR_PARSE, 0, "bad magic");
	if (h->version != KHX_VERSION || h->byteorder != KHX_BYTEORDER)
		return shk_error_set(err, SHK_ERR_PARSE, 0, "version or byte order differs");
	if (h->total != x->imglen)
		return shk_error_set(err, SHK_ERR_PARSE, 0, "size %zu, header says %llu",
				     x->imglen, (unsigned long long)h->total);
	if (h->nbuckets == 0 || (h->nbuckets & (h->nbuckets - 1)) != 0)
		return shk_error_set(err, SHK_ERR_PARSE, 0, "bad bucket count");
	if (khx_layout(h->nrec, h->nbuckets, h->nnames, h->nalways, h->nhashed, &lo) !=
		    SHK_OK ||
	    lo.total != x->imglen || lo.nblocks != h->nblocks)
		return shk_error_set(err, SHK_ERR_PARSE, 0, "counts do not fit the size");
	if (shk_cache_checksum(x->img, lo.rec, offsetof(struct khx_hdr, checksum), 0) != h->checksum)
		return shk_error_set(err, SHK_ERR_PARSE, 0, "checksum mismatch");
	if ((x->verified = calloc((size_t)lo.nblocks / 64 + 1, sizeof(*x->verified))) == NULL)
		return shk_error_set(err, SHK_ERR_NOMEM, 0, "out of memory");
	khx_point(x, &lo);
	return SHK_OK;
}

int
shk_khx_verify(const struct shk_khx *x, struct shk_error *err)
{
	const struct khx_hdr *h = x->h;
	uint64_t prev_end = 0, bad = 0;
	uint32_t i, b;
	int r;

	if ((r = khx_need(x, x->img + x->base, x->imglen - x->base, err)) != SHK_OK)
		return r;
	/* Without a branch per entry: this reads every entry. */
	for (i = 0; i < h->nrec; i++) {
		bad |= (uint64_t)(x->rec[i].off < prev_end) | (x->rec[i].off > h->size) |
		       (x->rec[i].len > h->size - x->rec[i].off);
		prev_end = x->rec[i].off + x->rec[i].len;
	}
	if (bad)
		return shk_error_set(err, SHK_ERR_PARSE, 0, "record out of range or order");
	if (x->bucket[0] != 0 || x->bucket[h->nbuckets] != h->nnames)
		return shk_error_set(err, SHK_ERR_PARSE, 0, "bad bucket bounds");
	for (b = 0; b < h->nbuckets; b++)
		bad |= x->bucket[b] > x->bucket[b + 1];
	if (bad)
		return shk_error_set(err, SHK_ERR_PARSE, 0, "buckets out of order");
	for (i = 0; i < h->nnames; i++)
		bad |= x->names[i].rec >= h->nrec;
	if (bad)
		return shk_error_set(err, SHK_ERR_PARSE, 0, "name out of range");
	for (i = 0; i < h->nalways; i++)
		bad |= x->always[i] >= h->nrec;
	for (i = 0; i < h->nhashed; i++)
		bad |= x->hashed[i].rec >= h->nrec;
	if (bad)
		return shk_error_set(err, SHK_ERR_PARSE, 0, "entry out of range");
	return SHK_OK;
}

/* ---- files ------------------------------------------------------------- */

int
shk_khx_name(const struct stat *st, char *out, size_t outcap)
{
	int n = snprintf(out, outcap, "kh-%llx-%llx.idx", (unsigned long long)st->st_dev,
			 (unsigned long long)st->st_ino);

	return n > 0 && (size_t)n < outcap ? SHK_OK : SHK_ERR_RANGE;
}

int
shk_khx_load(const char *dir, const struct stat *st, uid_t euid, struct shk_khx **out,
	     struct shk_error *err)
{
	char name[64];
	struct shk_khx *x = NULL;
	struct khx_hdr h;
	struct stat ist;
	void *p;
	int dfd = -1, fd = -1, r;

	*out = NULL;
	if ((r = shk_khx_name(st, name, sizeof(name))) != SHK_OK)
		return r;
	if ((r = shk_cache_open_dir(dir, euid, &dfd, err)) != SHK_OK)
		return r;
	if ((r = shk_cache_open_file(dfd, dir, name, euid, &fd, &ist, err)) != SHK_OK)
		goto out;
	if ((uintmax_t)ist.st_size < sizeof(h) || (uintmax_t)ist.st_size > SIZE_MAX) {
		r = shk_error_set(err, SHK_ERR_PARSE, 0, "%s/%s: truncated", dir, name);
		goto out;
	}
	/* The bound holds for an index on disk too (one written before
	 * there was a bound): a lookup would page through it. */
	if ((uintmax_t)ist.st_size > (uintmax_t)shk_khx_bound((size_t)st->st_size)) {
		r = shk_error_set(err, SHK_ERR_RANGE, 0, "%s/%s: larger than the bound", dir,
				  name);
		goto out;
	}
	/* Stale is the common case: tell it from the header alone. */
	if (pread(fd, &h, sizeof(h), 0) != (ssize_t)sizeof(h)) {
		r = shk_error_set(err, SHK_ERR_PARSE, 0, "%s/%s: short read", dir, name);
		goto out;
	}
	/* Not populated: a lookup reads a few of its pages. */
	if ((p = mmap(NULL, (size_t)ist.st_size, PROT_READ, MAP_PRIVATE, fd, 0)) ==
	    MAP_FAILED) {
		r = shk_error_set(err, SHK_ERR_SYSTEM, 0, "mmap: %s", strerror(errno));
		goto out;
	}
	if ((x = calloc(1, sizeof(*x))) == NULL) {
		munmap(p, (size_t)ist.st_size);
		r = SHK_ERR_NOMEM;
		goto out;
	}
	x->img = p;
	x->imglen = (size_t)ist.st_size;
	x->mapped = 1;
	x->h = (const struct khx_hdr *)p;
	if (memcmp(h.magic, KHX_MAGIC, sizeof(h.magic)) == 0 && !shk_khx_fresh(x, st)) {
		r = shk_error_set(err, SHK_ERR_NOTFOUND, 0, "%s/%s: stale", dir, name);
		goto out;
	}
	if ((r = khx_validate(x, err)) != SHK_OK)
		goto out;
	if (!shk_khx_fresh(x, st)) {
		r = shk_error_set(err, SHK_ERR_NOTFOUND, 0, "%s/%s: stale", dir, name);
		goto out;
	}
	*out = x;
	x = NULL;
out:
	shk_khx_free(x);
	if (fd != -1)
		close(fd);
	close(dfd);
	return r;
}

int
shk_khx_save(const struct shk_khx *x, const char *dir, uid_t euid, struct shk_error *err)
{
	char name[64];
	int r;

	if ((r = shk_khx_name(&(struct stat){.st_dev = (dev_t)x->h->dev,
					     .st_ino = (ino_t)x->h->ino},
			      name, sizeof(name))) != SHK_OK)
		return r;
	/* No fsync: a torn index fails a checksum and is rebuilt. */
	return shk_cache_write(dir, name, x->img, x->imglen, euid, err);
}

