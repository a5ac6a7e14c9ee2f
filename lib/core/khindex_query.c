/* SPDX-License-Identifier: MIT */
/*
 * The query side of the known_hosts index: the candidate lines for a
 * name (the name table, the hashed entries on up to MAX_THREADS threads,
 * the always list) and a record's place in the file. Every value read
 * from an index loaded from disk is bounds-checked, and its block's sum
 * checked first (khx_need).
 */
#include "config.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "khindex.h"
#include "khindex_priv.h"

/* Below this many hashed lines a second thread costs more than it saves. */
#define THREAD_MIN_HASHED 16384
#define MAX_THREADS 8

/* ---- queries ----------------------------------------------------------- */

struct recvec {
	uint32_t *v;
	size_t n, cap;
};

static int
recvec_add(struct recvec *rv, uint32_t rec)
{
	uint32_t *nv;
	size_t cap;

	if (rv->n == rv->cap) {
		cap = rv->cap < 16 ? 16 : rv->cap * 2;
		if ((nv = realloc(rv->v, cap * sizeof(*nv))) == NULL)
			return SHK_ERR_NOMEM;
		rv->v = nv;
		rv->cap = cap;
	}
	rv->v[rv->n++] = rec;
	return SHK_OK;
}

struct hwork {
	const struct shk_khx *x;
	const struct shk_crypto *crypto; /* loaded when there are hashed entries */
	const char *name, *name2;
	size_t namelen, name2len, from, to;
	struct recvec out;
	struct shk_error err;
	int r;
};

static int
hashed_match(struct hwork *w, const struct khx_hashed *e)
{
	if (e->rec >= w->x->h->nrec)
		return shk_error_set(&w->err, SHK_ERR_PARSE, 0, "hashed entry out of range");
	return recvec_add(&w->out, e->rec);
}

static void *
hashed_range(void *arg)
{
	struct hwork *w = arg;
	const struct khx_hashed *e;
	struct shk_hmac_sha1_pre pre;
	unsigned char mac[SHK_SHA1_LEN];
	size_t i;

	if (w->from < w->to)
		w->r = khx_need(w->x, &w->x->hashed[w->from],
				(w->to - w->from) * sizeof(*w->x->hashed), &w->err);
	for (i = w->from; i < w->to && w->r == SHK_OK; i++) {
		e = &w->x->hashed[i];
		memcpy(pre.inner, e->inner, sizeof(pre.inner));
		memcpy(pre.outer, e->outer, sizeof(pre.outer));
		shk_hmac_sha1_fin_with(w->crypto, &pre, w->name, w->namelen, mac);
		if (memcmp(mac, e->want, sizeof(mac)) == 0) {
			w->r = hashed_match(w, e);
			continue;
		}
		if (w->name2 != NULL) {
			shk_hmac_sha1_fin_with(w->crypto, &pre, w->name2, w->name2len, mac);
			if (memcmp(mac, e->want, sizeof(mac)) == 0)
				w->r = hashed_match(w, e);
		}
	}
	return NULL;
}

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static int
add_named(const struct shk_khx *x, const char *name, size_t len, struct recvec *rv,
	  struct shk_error *err)
{
	uint32_t h = khx_name_hash(name, len), b = h & (x->h->nbuckets - 1), i, lo, hi;
	int r;

	if ((r = khx_need(x, &x->bucket[b], 2 * sizeof(*x->bucket), err)) != SHK_OK)
		return r;
	lo = x->bucket[b];
	hi = x->bucket[b + 1];
	if (lo > hi || hi > x->h->nnames)
		return shk_error_set(err, SHK_ERR_PARSE, 0, "bucket %u out of range", b);
	if ((r = khx_need(x, &x->names[lo], (hi - lo) * sizeof(*x->names), err)) != SHK_OK)
		return r;
	for (i = lo; i < hi; i++) {
		if (x->names[i].hash != h)
			continue;
		if (x->names[i].rec >= x->h->nrec)
			return shk_error_set(err, SHK_ERR_PARSE, 0, "name %u out of range", i);
		if ((r = recvec_add(rv, x->names[i].rec)) != SHK_OK)
			return r;
	}
	return SHK_OK;
}

int
shk_khx_always(const struct shk_khx *x, const uint32_t **recs, size_t *n,
	       struct shk_error *err)
{
	uint32_t i;
	int r;

	*recs = NULL;
	*n = 0;
	if ((r = khx_need(x, x->always, x->h->nalways * sizeof(*x->always), err)) != SHK_OK)
		return r;
	for (i = 0; i < x->h->nalways; i++) {
		if (x->always[i] >= x->h->nrec)
			return shk_error_set(err, SHK_ERR_PARSE, 0, "always entry %u out of range",
					     i);
	}
	*recs = x->always;
	*n = x->h->nalways;
	return SHK_OK;
}

int
shk_khx_candidates(const struct shk_khx *x, const char *name, size_t namelen,
		   const char *name2, size_t name2len, int nthreads, uint32_t **recs,
		   size_t *nrecs, struct shk_error *err)
{
	struct hwork w[MAX_THREADS];
	pthread_t tid[MAX_THREADS];
	int started[MAX_THREADS];
	const struct shk_crypto *crypto = NULL;
	struct recvec rv;
	const uint32_t *always;
	size_t i, j, nh = x->h->nhashed, chunk, nalways;
	int t, r = SHK_OK;

	*recs = NULL;
	*nrecs = 0;
	memset(&rv, 0, sizeof(rv));
	memset(w, 0, sizeof(w));
	memset(started, 0, sizeof(started));
	if ((r = add_named(x, name, namelen, &rv, err)) != SHK_OK ||
	    (name2 != NULL && (r = add_named(x, name2, name2len, &rv, err)) != SHK_OK) ||
	    (r = shk_khx_always(x, &always, &nalways, err)) != SHK_OK)
		goto out;
	for (i = 0; i < nalways; i++) {
		if ((r = recvec_add(&rv, always[i])) != SHK_OK)
			goto out;
	}
	/* Load libcrypto here, once, so that its failure has its message. */
	if (nh > 0 && (crypto = shk_crypto(err)) == NULL) {
		r = SHK_ERR_SYSTEM;
		goto out;
	}
	if (nthreads > MAX_THREADS)
		nthreads = MAX_THREADS;
	if (nthreads < 1 || nh < THREAD_MIN_HASHED)
		nthreads = 1;
	chunk = (nh + (size_t)nthreads - 1) / (size_t)nthreads;
	for (t = 0; t < nthreads; t++) {
		w[t].x = x;
		w[t].crypto = crypto;
		w[t].name = name;
		w[t].namelen = namelen;
		w[t].name2 = name2;
		w[t].name2len = name2len;
		w[t].from = (size_t)t * chunk < nh ? (size_t)t * chunk : nh;
		w[t].to = w[t].from + chunk < nh ? w[t].from + chunk : nh;
	}
	/* The calling thread takes the first range; a thread that cannot be
	 * started has its range done here too. */
	for (t = 1; t < nthreads; t++)
		started[t] = pthread_create(&tid[t], NULL, hashed_range, &w[t]) == 0;
	hashed_range(&w[0]);
	for (t = 1; t < nthreads; t++) {
		if (started[t])
			pthread_join(tid[t], NULL);
		else
			hashed_range(&w[t]);
	}
	for (t = 0; t < nthreads; t++) {
		if (w[t].r != SHK_OK && r == SHK_OK) {
			r = w[t].r;
			if (err != NULL)
				*err = w[t].err;
		}
		for (i = 0; i < w[t].out.n && r == SHK_OK; i++)
			r = recvec_add(&rv, w[t].out.v[i]);
	}
	if (r != SHK_OK)
		goto out;
	if (rv.n > 1)
		qsort(rv.v, rv.n, sizeof(*rv.v), cmp_u32);
	for (i = j = 0; i < rv.n; i++) {
		if (j == 0 || rv.v[j - 1] != rv.v[i])
			rv.v[j++] = rv.v[i];
	}
	*recs = rv.v;
	*nrecs = j;
	rv.v = NULL;
out:
	for (t = 0; t < MAX_THREADS; t++)
		free(w[t].out.v);
	free(rv.v);
	return r;
}

int
shk_khx_line(const struct shk_khx *x, uint32_t rec, const char *data, size_t len,
	     const char **line, size_t *linelen, unsigned long *lineno)
{
	const struct khx_rec *r;

	if (rec >= x->h->nrec)
		return SHK_ERR_RANGE;
	r = &x->rec[rec];
	if (khx_need(x, r, sizeof(*r), NULL) != SHK_OK)
		return SHK_ERR_PARSE;
	/* Checked against the mapping in hand, which is what is about to
	 * be read (the index was built for a file of this size). */
	if (r->off > len || r->len > len - r->off)
		return SHK_ERR_RANGE;
	*line = data + r->off;
	*linelen = r->len;
	*lineno = r->lineno;
	return SHK_OK;
}
