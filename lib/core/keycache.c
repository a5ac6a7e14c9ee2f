/* SPDX-License-Identifier: MIT */
#include "config.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "keycache.h"

#define KC_SLOTS 1024 /* power of 2 */

struct kc_slot {
	unsigned char *mem; /* t1, t2, value */
	size_t t1len, t2len, vallen;
};

/* 1 024 slots are 32 KiB to clear: made at the second put (keycache.h). */
struct shk_keycache {
	pthread_mutex_t lock;
	int put_before;       /* a put came while slot was NULL */
	struct kc_slot *slot; /* KC_SLOTS of them, or NULL */
};

struct shk_keycache *
shk_keycache_new(void)
{
	struct shk_keycache *kc;

	if ((kc = calloc(1, sizeof(*kc))) == NULL)
		return NULL;
	if (pthread_mutex_init(&kc->lock, NULL) != 0) {
		free(kc);
		return NULL;
	}
	return kc;
}

void
shk_keycache_free(struct shk_keycache *kc)
{
	size_t i;

	if (kc == NULL)
		return;
	for (i = 0; kc->slot != NULL && i < KC_SLOTS; i++)
		free(kc->slot[i].mem);
	free(kc->slot);
	pthread_mutex_destroy(&kc->lock);
	free(kc);
}

/*
 * The slot number for a text: from all of the first part, which is
 * short (a key type, a file name), and the tail of the second, where
 * base64 varies most; hashing all of a long second part would cost what
 * the cache saves.
 */
static size_t
kc_hash(const unsigned char *t1, size_t t1len, const unsigned char *t2, size_t t2len)
{
	size_t i = t2len > 16 ? t2len - 16 : 0, j;
	uint32_t h = 2166136261u ^ (uint32_t)t2len;

	for (j = 0; j < t1len; j++)
		h = (h ^ t1[j]) * 16777619u;
	for (; i < t2len; i++)
		h = (h ^ t2[i]) * 16777619u;
	return h & (KC_SLOTS - 1);
}

int
shk_keycache_get(struct shk_keycache *kc, const void *t1, size_t t1len, const void *t2,
		 size_t t2len, void *val, size_t cap, size_t *vallen)
{
	const struct kc_slot *k;
	size_t h;
	int hit = 0;

	if (kc == NULL)
		return 0;
	h = kc_hash(t1, t1len, t2, t2len);
	pthread_mutex_lock(&kc->lock);
	k = kc->slot != NULL ? &kc->slot[h] : NULL;
	if (k != NULL && k->mem != NULL && k->t1len == t1len && k->t2len == t2len &&
	    k->vallen <= cap && memcmp(k->mem, t1, t1len) == 0 &&
	    memcmp(k->mem + t1len, t2, t2len) == 0) {
		memcpy(val, k->mem + t1len + t2len, k->vallen);
		*vallen = k->vallen;
		hit = 1;
	}
	pthread_mutex_unlock(&kc->lock);
	return hit;
}

void
shk_keycache_put(struct shk_keycache *kc, const void *t1, size_t t1len, const void *t2,
		 size_t t2len, const void *val, size_t vallen)
{
	struct kc_slot *k;
	unsigned char *mem;
	size_t h;

	if (kc == NULL || t1len > SHK_KEYCACHE_TEXT_MAX || t2len > SHK_KEYCACHE_TEXT_MAX ||
	    (mem = malloc(t1len + t2len + vallen)) == NULL)
		return;
	memcpy(mem, t1, t1len);
	memcpy(mem + t1len, t2, t2len);
	memcpy(mem + t1len + t2len, val, vallen);
	h = kc_hash(t1, t1len, t2, t2len);
	pthread_mutex_lock(&kc->lock);
	if (kc->slot == NULL &&
	    (!kc->put_before || (kc->slot = calloc(KC_SLOTS, sizeof(*kc->slot))) == NULL)) {
		kc->put_before = 1;
		free(mem);
		goto out;
	}
	k = &kc->slot[h];
	free(k->mem);
	k->mem = mem;
	k->t1len = t1len;
	k->t2len = t2len;
	k->vallen = vallen;
out:
	pthread_mutex_unlock(&kc->lock);
}
