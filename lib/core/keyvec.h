/* SPDX-License-Identifier: MIT */
/*
 * A growable array of keys with the line each came from, filled the way
 * the key-file walker delivers them (keyfile.h): the store's writers, the
 * public key loader and the ssh2 source collect a file's keys in one.
 * Start from a zeroed struct. Not locked: a vector has one owner.
 */
#ifndef SHK_KEYVEC_H
#define SHK_KEYVEC_H

#include <stddef.h>

#include "shk.h"

struct shk_keyvec {
	struct shk_key **v;  /* n keys, owned by the vector */
	unsigned long *line; /* the line of each key in its file */
	size_t n, cap;
};

/* Append key, which the vector owns from now on, even on failure: on
 * SHK_ERR_NOMEM it has been freed and the vector is unchanged. */
int shk_keyvec_push(struct shk_keyvec *kv, struct shk_key *key, unsigned long line);

/* A shk_key_cb (keyfile.h) pushing into the struct shk_keyvec at arg:
 * 0 to go on, or SHK_ERR_NOMEM to stop the walk. */
int shk_keyvec_cb(void *arg, struct shk_key *key, unsigned long line);

/* The keys, handed over: the caller frees each with shk_key_free() and
 * the array with free() (shk_key_array_free() does both). kv is empty
 * after, the lines forgotten. NULL when there is no key. */
struct shk_key **shk_keyvec_take(struct shk_keyvec *kv, size_t *n);

/* Free every key and the arrays; kv is empty after, ready for reuse. */
void shk_keyvec_free(struct shk_keyvec *kv);

#endif
