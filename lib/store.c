/* SPDX-License-Identifier: MIT */
/* TEMPORARY stub on the policy branch so it links until branch "store"
 * (which owns this file) is merged; the merge takes store's version. */
#include "config.h"

#include "shk.h"

int
shk_store_add(struct shk_ctx *ctx, enum shk_store_scope scope, enum shk_store_format format,
	      const char *host, unsigned int port, const struct shk_key *const *keys,
	      size_t nkeys, size_t *added)
{
	return SHK_ERR_UNSUPPORTED;
}

int
shk_store_remove(struct shk_ctx *ctx, enum shk_store_scope scope, const char *host,
		 unsigned int port, size_t *removed)
{
	return SHK_ERR_UNSUPPORTED;
}
