/* SPDX-License-Identifier: MIT */
/*
 * Carving results out of a caller-supplied buffer (the NSS convention):
 * nothing is malloc'd for the caller. Once a request does not fit, the
 * carver stays in overflow and the module answers TRYAGAIN + ERANGE.
 */
#ifndef SHK_CARVE_H
#define SHK_CARVE_H

#include <stddef.h>

struct shk_carve {
	char *next;
	size_t left;
	int overflow;
};

void shk_carve_init(struct shk_carve *c, char *buf, size_t len);
/* Aligned block of n bytes, or NULL (and overflow set). */
void *shk_carve_alloc(struct shk_carve *c, size_t n, size_t align);
/* NUL-terminated copy of s[0..len), or NULL. */
char *shk_carve_strndup(struct shk_carve *c, const char *s, size_t len);
void *shk_carve_memdup(struct shk_carve *c, const void *p, size_t len);

#endif
