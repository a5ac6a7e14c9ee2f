/* SPDX-License-Identifier: MIT */
#include "config.h"

#include <stdlib.h>

#include "keyvec.h"

/* Both arrays grow together, so a failure leaves them the same length:
 * cap is raised only once both have been reallocated. */
static int
keyvec_grow(struct shk_keyvec *kv)
{
	struct shk_key **nv;
	unsigned long *nl;
	size_t ncap;

	ncap = kv->cap == 0 ? 8 : 2 * kv->cap;
	if ((nv = reallocarray(kv->v, ncap, sizeof(*nv))) == NULL)
		return SHK_ERR_NOMEM;
	kv->v = nv;
	if ((nl = reallocarray(kv->line, ncap, sizeof(*nl))) == NULL)
		return SHK_ERR_NOMEM;
	kv->line = nl;
	kv->cap = ncap;
	return SHK_OK;
}

int
shk_keyvec_push(struct shk_keyvec *kv, struct shk_key *key, unsigned long line)
{
	if (kv->n == kv->cap && keyvec_grow(kv) != SHK_OK) {
		shk_key_free(key);
		return SHK_ERR_NOMEM;
	}
	kv->v[kv->n] = key;
	kv->line[kv->n] = line;
	kv->n++;
	return SHK_OK;
}

int
shk_keyvec_cb(void *arg, struct shk_key *key, unsigned long line)
{
	return shk_keyvec_push(arg, key, line);
}

struct shk_key **
shk_keyvec_take(struct shk_keyvec *kv, size_t *n)
{
	struct shk_key **v = kv->v;

	*n = kv->n;
	if (kv->n == 0)
		SHK_FREE(v);
	SHK_FREE(kv->line);
	kv->v = NULL;
	kv->n = kv->cap = 0;
	return v;
}

void
shk_keyvec_free(struct shk_keyvec *kv)
{
	size_t i;

	for (i = 0; i < kv->n; i++)
		shk_key_free(kv->v[i]);
	SHK_FREE(kv->v);
	SHK_FREE(kv->line);
	kv->n = kv->cap = 0;
}
