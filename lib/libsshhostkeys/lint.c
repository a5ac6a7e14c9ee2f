/* SPDX-License-Identifier: MIT */
/*
 * The configuration lint (the CLI's "check"): the two configuration files,
 * every configured source, and each module's own check of its stores.
 */
#include "config.h"

#include "context.h"
#include "privfs.h"

/*
 * Problems in the two configuration files: an unusable or untrusted file
 * is one problem, as is each bad line. The context logged them when it
 * read the files (sshhostkeys.conf at open, nsswitch.conf at open and
 * whenever it changes, which getting the order here notices): they are
 * counted, not logged a second time. The order comes back in *order.
 */
static unsigned long
check_config_files(struct shk_ctx *ctx, struct shk_nss_config *order)
{
	char why[sizeof(ctx->nss_why)];

	shk_ctx_order_why(ctx, order, NULL, why, sizeof(why));
	return ctx->conf_problems + (why[0] != '\0');
}

static int
check_impl(struct shk_ctx *ctx, unsigned long *nproblems)
{
	struct shk_nss_config order;
	struct shk_loaded_module *lm;
	const char *why;
	size_t i;
	int r;

	*nproblems = check_config_files(ctx, &order);
	for (i = 0; i < order.nsources; i++) {
		why = NULL;
		if ((lm = shk_ctx_module(ctx, order.src[i].name, &why)) == NULL) {
			shk_log_emit(&ctx->log, SHK_LOG_WARN, SHK_ERR_MODULE, NULL, 0,
				     "source \"%s\": %s", order.src[i].name,
				     why != NULL ? why : "not usable");
			(*nproblems)++;
			continue;
		}
		if (lm->m->check == NULL)
			continue;
		if ((r = lm->m->check(lm->state)) < 0)
			return r;
		*nproblems += (unsigned long)r;
	}
	return SHK_OK;
}

/* Run with the real user's filesystem rights when set-ID (privfs.h). */
int
shk_check(struct shk_ctx *ctx, unsigned long *nproblems)
{
	int r;

	*nproblems = 0;
	SHK_PRIVFS_CALL(r, ctx != NULL ? &ctx->log : NULL, check_impl(ctx, nproblems));
	return r;
}
