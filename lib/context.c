/* SPDX-License-Identifier: MIT */
/* Not written yet: a stub so the tree links. */
#include "config.h"

#include "shk.h"

int
shk_ctx_open(struct shk_ctx **ctx, const char *root, unsigned int flags, shk_log_fn *log,
	     void *log_arg)
{
	*ctx = NULL;
	return SHK_ERR_UNSUPPORTED;
}

void
shk_ctx_close(struct shk_ctx *ctx)
{
}
