/* SPDX-License-Identifier: MIT */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "carve.h"

void
shk_carve_init(struct shk_carve *c, char *buf, size_t len)
{
	c->next = buf;
	c->left = buf != NULL ? len : 0;
	c->overflow = 0;
}

void *
shk_carve_alloc(struct shk_carve *c, size_t n, size_t align)
{
	uintptr_t p = (uintptr_t)c->next;
	size_t pad = align > 1 ? (align - p % align) % align : 0;
	void *out;

	if (c->overflow || pad > c->left || n > c->left - pad) {
		c->overflow = 1;
		return NULL;
	}
	out = c->next + pad;
	c->next += pad + n;
	c->left -= pad + n;
	return out;
}

void *
shk_carve_memdup(struct shk_carve *c, const void *p, size_t len)
{
	void *out = shk_carve_alloc(c, len, 1);

	if (out != NULL && len > 0)
		memcpy(out, p, len);
	return out;
}

char *
shk_carve_strndup(struct shk_carve *c, const char *s, size_t len)
{
	char *out;

	if (len == SIZE_MAX || (out = shk_carve_alloc(c, len + 1, 1)) == NULL) {
		c->overflow = 1;
		return NULL;
	}
	memcpy(out, s, len);
	out[len] = '\0';
	return out;
}
