/* SPDX-License-Identifier: MIT */
/*
 * Decoded keys by the text they were decoded from, so that a text read
 * again costs a comparison instead of base64 and the checks of the
 * numbers (docs/performance.md, "Warm context"). A text has two parts,
 * such as a key type and its base64, or a key file's name and content;
 * both are compared in full, lengths included. A hit is therefore the
 * same input, hence the same answer, whatever file or mapping it came
 * from, and nothing ever needs invalidating. The value is the bytes the
 * caller's decoding gave (a blob, a file's keys).
 *
 * Direct-mapped and bounded: a new text replaces the one in its slot.
 * The first text put is not kept: the table is made at the second put,
 * so a process that decodes a single key or key file (a one-lookup CLI)
 * pays nothing for it. Callers keep only what decoded cleanly, so what
 * failed is decoded, and reported, at every lookup as before.
 *
 * Thread safety: the cache has its own lock; get and put may be called
 * from any thread at once. new and free belong to the owner.
 */
#ifndef SHK_KEYCACHE_H
#define SHK_KEYCACHE_H

#include <stddef.h>

/* Texts whose second part is longer than this are not kept. */
#define SHK_KEYCACHE_TEXT_MAX 8192

struct shk_keycache;

/* An empty cache, or NULL without memory: the cache only saves time, so
 * a caller goes without one. Free with shk_keycache_free(). */
struct shk_keycache *shk_keycache_new(void);

/* Free kc and everything it holds; NULL is fine. */
void shk_keycache_free(struct shk_keycache *kc);

/*
 * 1 when kc holds the text t1[0..t1len) t2[0..t2len) and its value fits
 * in cap bytes: the value is copied to val and its length put in
 * *vallen. 0 otherwise, and always when kc is NULL.
 */
int shk_keycache_get(struct shk_keycache *kc, const void *t1, size_t t1len, const void *t2,
		     size_t t2len, void *val, size_t cap, size_t *vallen);

/* Keep a copy of the text and of its value val[0..vallen). Without
 * memory, with kc NULL or a text too long, nothing is kept. */
void shk_keycache_put(struct shk_keycache *kc, const void *t1, size_t t1len, const void *t2,
		      size_t t2len, const void *val, size_t vallen);

#endif
