/* SPDX-License-Identifier: MIT */
/*
 * What the files source keeps of a file between lookups, under the
 * state's lock (docs/performance.md, "Warm context"): the index of a
 * large file and its mapping while the file is unchanged, the index's
 * always-candidates parsed once, and what the last lookups learnt about
 * the file's path (present and trusted, or absent), re-checked with a
 * few stat calls instead of open and realpath. Small files are opened,
 * checked and scanned at every lookup.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cachefile.h"
#include "files.h"
#include "fmap.h"
#include "khindex.h"
#include "knownhosts.h"
#include "log.h"
#include "shk.h"

/* More always-candidates than this are parsed per lookup as before. */
#define ALWAYS_PARSED_MAX 4096

static void
drop_parsed(struct kh_file *f)
{
	free(f->arecs);
	free(f->alines);
	f->arecs = NULL;
	f->alines = NULL;
	f->nalines = 0;
}

static int
cmp_rec(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* Parse x's always-candidates in m once. Lock held. Without memory, or
 * for a record that does not fit m, nothing is kept. */
static void
parse_always(struct kh_file *f, const struct shk_khx *x, const struct shk_fmap *m)
{
	const uint32_t *recs;
	const char *p;
	size_t n, i, len;
	unsigned long lineno;

	if (shk_khx_always(x, &recs, &n, NULL) != SHK_OK || n == 0 || n > ALWAYS_PARSED_MAX ||
	    (f->arecs = malloc(n * sizeof(*f->arecs))) == NULL ||
	    (f->alines = malloc(n * sizeof(*f->alines))) == NULL)
		goto fail;
	memcpy(f->arecs, recs, n * sizeof(*recs));
	qsort(f->arecs, n, sizeof(*f->arecs), cmp_rec);
	for (i = 0; i < n; i++) {
		if (shk_khx_line(x, f->arecs[i], m->data, m->len, &p, &len, &lineno) != SHK_OK)
			goto fail;
		shk_kh_parse_line(p, len, lineno, &f->alines[i]);
	}
	f->nalines = n;
	return;
fail:
	drop_parsed(f);
}

/* The parsed line of record rec, if kept. */
static const struct shk_kh_line *
parsed_line(const struct kh_file *f, uint32_t rec)
{
	size_t lo = 0, hi = f->nalines, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (f->arecs[mid] == rec)
			return &f->alines[mid];
		if (f->arecs[mid] < rec)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/*
 * Where f's index is written: its cache directory, except that only root
 * writes the system cache: an ordinary user's index of a system file goes
 * to that user's own cache (docs/performance.md, "An ordinary user's
 * index"). It can only mislead that user, who could ignore the system
 * file anyway, and it is never read for anyone else: a set-ID program or
 * a context reading another user's stores has no user cache
 * (shk_cache_dirs). NULL: memory only.
 */
static const char *
index_write_dir(const struct files_state *st, const struct kh_file *f)
{
	if (f->cache_dir != st->sys_cache || st->euid == 0)
		return f->cache_dir;
	return st->user_cache;
}

/* Build f's index from m now, and write it when the file is not racy.
 * An index that cannot be kept is worth building only for a context that
 * looks the same version up again: the first lookup of such a version
 * scans, which costs less than building (NULL, and f->seen says so);
 * SSHHOSTKEYS_KH_INDEX=force builds it at once.
 * Lock held. NULL without memory. */
static struct shk_khx *
index_build(struct files_state *st, const struct shk_log *log, struct kh_file *f,
	    const struct shk_fmap *m)
{
	const char *dir = index_write_dir(st, f);
	int keep = dir != NULL && shk_cache_settled(&m->st);
	struct shk_khx *x = NULL;
	struct shk_error err;
	int r;

	/* "force" (index_min 0, for tests) indexes at first sight too. */
	if (!keep && st->index_min > 0 && !(f->seen && shk_cache_same_file(&f->seen_st, &m->st))) {
		f->seen_st = m->st;
		f->seen = 1;
		shk_log_emit(log, SHK_LOG_DEBUG, SHK_OK, f->path, 0,
			     "scanned, not indexed: an index of this version could not be "
			     "kept (%s); a context that looks again builds one",
			     dir == NULL ? "no cache directory this process may write"
					 : "changed less than 2 s ago");
		return NULL;
	}
	if ((r = shk_khx_build(m->data, m->len, &m->st, &x)) != SHK_OK) {
		/* Said once per version of the file and context, and not as
		 * a warning: the scan gives the same answers. */
		if (r == SHK_ERR_RANGE) {
			shk_log_emit(log, SHK_LOG_INFO, r, f->path, 0,
				     "not indexed: its index would exceed %zu bytes (the "
				     "file's size + 1 MiB); scanning",
				     shk_khx_bound(m->len));
			f->over_st = m->st;
			f->over = 1;
		}
		return NULL;
	}
	f->idx = x;
	if (keep) {
		memset(&err, 0, sizeof(err));
		if (shk_khx_save(x, dir, st->euid, &err) != SHK_OK)
			shk_log_emit(log, SHK_LOG_DEBUG, SHK_ERR_SYSTEM, f->path, 0,
				     "index not written: %s", err.msg);
	}
	return x;
}

/* Load f's index for m from dir: SHK_OK with *x, or a status (missing or
 * stale is routine; anything else is said at debug level: scanning still
 * gives the answer). */
static int
index_load(const struct files_state *st, const struct shk_log *log, const struct kh_file *f,
	   const char *dir, const struct shk_fmap *m, struct shk_khx **x)
{
	struct shk_error err;
	int r;

	memset(&err, 0, sizeof(err));
	r = shk_khx_load(dir, &m->st, st->euid, x, &err);
	if (r != SHK_OK && r != SHK_ERR_NOTFOUND)
		shk_log_emit(log, SHK_LOG_DEBUG, r, f->path, 0, "index in %s not used: %s; scanning",
			     dir, err.msg);
	return r;
}

static void
index_drop(struct kh_file *f)
{
	drop_parsed(f);
	shk_khx_free(f->idx);
	f->idx = NULL;
}

/*
 * The index for the mapped file m: the one kept from the last lookup if
 * the file is unchanged, else the one on disk if its header passes the
 * checks, else one built now. Called with the lock held. NULL when none
 * can be had: the caller scans.
 */
static struct shk_khx *
index_get(struct files_state *st, const struct shk_log *log, struct kh_file *f,
	  const struct shk_fmap *m)
{
	const char *own = index_write_dir(st, f);
	struct shk_khx *x = NULL;

	if (f->idx != NULL && shk_khx_fresh(f->idx, &m->st))
		return f->idx;
	index_drop(f);
	if (f->over && shk_cache_same_file(&f->over_st, &m->st))
		return NULL;
	f->over = 0;
	/* The system index root wrote, else this user's own (the same
	 * directory for every file but a system file read by a user). */
	if (f->cache_dir != NULL && index_load(st, log, f, f->cache_dir, m, &x) == SHK_OK)
		return f->idx = x;
	if (own != NULL && own != f->cache_dir && index_load(st, log, f, own, m, &x) == SHK_OK)
		return f->idx = x;
	return index_build(st, log, f, m);
}

/* The candidates for lk in x, checking every line they name. SHK_OK,
 * SHK_ERR_PARSE when x turned out corrupt, or another status. */
static int
index_candidates(struct files_state *st, struct kh_file *f, const struct shk_khx *x,
		 const struct shk_fmap *m, struct lookup *lk, uint32_t **recs, size_t *n)
{
	struct shk_error err;
	const char *p;
	size_t i, len;
	unsigned long lineno;
	int r;

	memset(&err, 0, sizeof(err));
	r = shk_khx_candidates(x, lk->q->kh_name, lk->khlen,
			       lk->want_fallback ? lk->q->host : NULL, lk->hostlen, st->nthreads,
			       recs, n, &err);
	if (r != SHK_OK)
		goto fail;
	if (f->arecs == NULL)
		parse_always(f, x, m);
	/* All or nothing: no key is added unless every candidate fits (the
	 * parsed ones were checked when they were parsed). */
	for (i = 0; i < *n; i++) {
		if (parsed_line(f, (*recs)[i]) == NULL &&
		    (r = shk_khx_line(x, (*recs)[i], m->data, m->len, &p, &len, &lineno)) !=
			    SHK_OK) {
			shk_error_set(&err, SHK_ERR_PARSE, 0, "record %u unusable", (*recs)[i]);
			r = SHK_ERR_PARSE;
			goto fail;
		}
	}
	return SHK_OK;
fail:
	free(*recs);
	*recs = NULL;
	*n = 0;
	if (r == SHK_ERR_PARSE)
		shk_log_emit(&lk->ml.log, SHK_LOG_DEBUG, r, f->path, 0,
			     "index corrupt: %s; rebuilding", err.msg);
	return r;
}

/* The candidate lines the index names, through the same callback as a
 * scan, in file order. Lock held. 0 when done, -1 when the caller must
 * scan. An index found corrupt is replaced by one built now. */
static int
index_lookup(struct files_state *st, struct kh_file *f, const struct shk_fmap *m,
	     struct lookup *lk)
{
	const struct shk_kh_line *pl;
	struct shk_kh_line line;
	struct shk_khx *x;
	uint32_t *recs = NULL;
	const char *p;
	size_t n = 0, i, len;
	unsigned long lineno;
	int r;

	if ((x = index_get(st, &lk->ml.log, f, m)) == NULL)
		return -1;
	if ((r = index_candidates(st, f, x, m, lk, &recs, &n)) == SHK_ERR_PARSE) {
		index_drop(f);
		if ((x = index_build(st, &lk->ml.log, f, m)) == NULL)
			return -1;
		r = index_candidates(st, f, x, m, lk, &recs, &n);
	}
	if (r != SHK_OK)
		return -1;
	for (i = 0; i < n && !lk->overflow; i++) {
		if ((pl = parsed_line(f, recs[i])) == NULL) {
			shk_khx_line(x, recs[i], m->data, m->len, &p, &len, &lineno);
			shk_kh_parse_line(p, len, lineno, &line);
			pl = &line;
		}
		if (files_lookup_line(pl, lk) != 0)
			break;
	}
	free(recs);
	return 0;
}

static int
same_times(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino &&
	       a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
	       a->st_mtim.tv_nsec == b->st_mtim.tv_nsec &&
	       a->st_ctim.tv_sec == b->st_ctim.tv_sec && a->st_ctim.tv_nsec == b->st_ctim.tv_nsec;
}

/* lib/core/trust.c's rule for one path: owned by root or uid, not writable
 * by group or others. */
static int
trusted_stat(const struct stat *sb, uid_t uid)
{
	return (sb->st_uid == 0 || sb->st_uid == uid) && (sb->st_mode & (S_IWGRP | S_IWOTH)) == 0;
}

/*
 * Lock held. 1 when f's path still names the file mapped in f->map and
 * shk_trust_fd() would still accept it: the file and every directory of
 * the walk are no symbolic links (so realpath would name the same
 * directories) and pass the same owner and mode rule. Anything else
 * (0) sends the caller to the full open and trust check, which also
 * logs why. A lookup after a directory was made group-writable thus
 * still refuses the file.
 */
static int
fast_present(const struct files_state *st, const struct kh_file *f, struct lookup *lk)
{
	char buf[PATH_MAX];
	struct stat sb;
	size_t len;
	int i;

	if (!f->map_trusted || f->nlevels < 0)
		return 0;
	if (lstat(f->path, &sb) == -1 || !S_ISREG(sb.st_mode) || !shk_cache_same_file(&f->map.st, &sb) ||
	    !trusted_stat(&sb, st->uid))
		return 0;
	len = strlen(f->path);
	memcpy(buf, f->path, len + 1);
	/* Levels shrink, so each cut leaves the next prefix. */
	for (i = 0; i < f->nlevels; i++) {
		buf[f->levels[i]] = '\0';
		if (lstat(buf, &sb) == -1 || !S_ISDIR(sb.st_mode) || !trusted_stat(&sb, st->uid))
			return 0;
		/* Not a link, so what stat would say: ssh_known_hosts2
		 * beside this file, if absent, is checked against it. */
		if (i == 0) {
			lk->absent_path = f->path;
			lk->absent_len = f->levels[0];
			lk->absent_rc = 0;
			lk->absent_st = sb;
		}
	}
	return 1;
}

/*
 * Lock held. 1 when f is still absent: the directory where its path
 * stopped existing has the same identity, mtime and ctime (nothing was
 * created, removed or renamed in it), re-resolved from its path.
 */
static int
fast_absent(const struct kh_file *f, struct lookup *lk)
{
	char buf[PATH_MAX];

	if (!f->absent)
		return 0;
	if (lk->absent_path == NULL || lk->absent_len != f->absent_len ||
	    memcmp(lk->absent_path, f->path, f->absent_len) != 0) {
		memcpy(buf, f->path, f->absent_len);
		buf[f->absent_len] = '\0';
		lk->absent_path = f->path;
		lk->absent_len = f->absent_len;
		lk->absent_rc = stat(buf, &lk->absent_st);
	}
	return lk->absent_rc == 0 && S_ISDIR(lk->absent_st.st_mode) &&
	       same_times(&lk->absent_st, &f->absent_st);
}

/*
 * Lock held, after open() said ENOENT: remember the deepest existing
 * directory of the walk, if its last change is old enough that a
 * change after this moment must move its mtime or ctime (as for the
 * index, SHK_CACHE_RACY_SECONDS), and the next component is still absent
 * after that directory was stat'ed.
 */
static void
learn_absent(struct kh_file *f)
{
	char buf[PATH_MAX];
	struct stat ds, cs;
	size_t len, child;
	int i;

	f->absent = 0;
	if (f->nlevels < 0 || ++f->nabsent < 2)
		return;
	len = strlen(f->path);
	for (i = 0; i < f->nlevels; i++) {
		memcpy(buf, f->path, f->levels[i]);
		buf[f->levels[i]] = '\0';
		if (stat(buf, &ds) == 0)
			break;
		if (errno != ENOENT)
			return;
	}
	if (i == f->nlevels || !S_ISDIR(ds.st_mode))
		return;
	if (!shk_cache_settled(&ds))
		return;
	child = i == 0 ? len : f->levels[i - 1];
	memcpy(buf, f->path, child);
	buf[child] = '\0';
	if (lstat(buf, &cs) == 0 || errno != ENOENT)
		return;
	f->absent_len = f->levels[i];
	f->absent_st = ds;
	f->absent = 1;
}

/* The mapped file f->map, through its index. Lock held. */
static void
read_mapped(struct files_state *st, struct kh_file *f, struct lookup *lk)
{
	if (index_lookup(st, f, &f->map, lk) != 0)
		shk_kh_foreach(f->map.data, f->map.len, files_lookup_line, lk);
}

int
khc_lookup_file(struct files_state *st, struct kh_file *f, struct lookup *lk)
{
	struct shk_fmap m;
	struct stat sb;
	int fd, r = -1;

	lk->path = f->path;
	lk->origin = NULL;
	pthread_mutex_lock(&st->lock);
	if (fast_absent(f, lk)) {
		pthread_mutex_unlock(&st->lock);
		return -1;
	}
	if (fast_present(st, f, lk)) {
		read_mapped(st, f, lk);
		pthread_mutex_unlock(&st->lock);
		return 0;
	}
	f->absent = 0;
	f->map_trusted = 0;
	pthread_mutex_unlock(&st->lock);
	if ((r = files_open_file(&lk->ml.log, f, &fd)) != SHK_OK) {
		if (r == SHK_ERR_NOTFOUND && errno == ENOENT) {
			pthread_mutex_lock(&st->lock);
			learn_absent(f);
			pthread_mutex_unlock(&st->lock);
		}
		return -1;
	}
	pthread_mutex_lock(&st->lock);
	f->nabsent = 0;
	pthread_mutex_unlock(&st->lock);
	r = -1;
	if (st->index_min == SIZE_MAX || fstat(fd, &sb) == -1 || !S_ISREG(sb.st_mode) ||
	    (uintmax_t)sb.st_size < st->index_min) {
		if (files_trust_file(st, &lk->ml.log, f, fd) == SHK_OK &&
		    files_map_fd(&lk->ml.log, f, fd, &m) == SHK_OK) {
			shk_kh_foreach(m.data, m.len, files_lookup_line, lk);
			shk_fmap_close(&m);
			r = 0;
		}
		close(fd);
		return r;
	}
	/* Trust is checked at every lookup, directories included: a
	 * directory made writable since the last lookup spoils the file
	 * even though the file itself is unchanged. */
	if (files_trust_file(st, &lk->ml.log, f, fd) != SHK_OK) {
		close(fd);
		return -1;
	}
	pthread_mutex_lock(&st->lock);
	if (f->map.data == NULL || !shk_cache_same_file(&f->map.st, &sb)) {
		drop_parsed(f);
		shk_fmap_close(&f->map);
		if (files_map_fd(&lk->ml.log, f, fd, &f->map) != SHK_OK)
			goto out;
	}
	f->map_trusted = 1;
	read_mapped(st, f, lk);
	r = 0;
out:
	pthread_mutex_unlock(&st->lock);
	close(fd);
	return r;
}

void
khc_forget(struct kh_file *f)
{
	index_drop(f);
	shk_fmap_close(&f->map);
}
