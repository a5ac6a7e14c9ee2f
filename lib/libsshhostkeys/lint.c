/* SPDX-License-Identifier: MIT */
/*
 * The configuration lint (the CLI's "check"): the two configuration files,
 * every configured source, and each module's own check of its stores.
 */
#include "config.h"

#include <string.h>

#include "context.h"
#include "fmap.h"
#include "privfs.h"

/* Problems in the two configuration files, logged again for check: an
 * unreadable or untrusted file is one problem, as is each bad line. */
static unsigned long
check_config_files(struct shk_ctx *ctx)
{
	struct shk_nss_config scratch;
	struct shk_conf *conf = NULL;
	struct shk_fmap map;
	struct shk_error err;
	unsigned long n = 0;
	int r;

	memset(&err, 0, sizeof(err));
	if ((r = shk_ctx_map_config(ctx, ctx->nss_path, SHK_LOG_WARN, SHK_CTX_NSS_INSTEAD, &map,
				    &err)) == SHK_OK) {
		r = shk_nss_parse_file(map.data, map.len, &scratch, &err);
		shk_fmap_close(&map);
		if (r == SHK_ERR_PARSE) {
			shk_log_error(&ctx->log, SHK_LOG_WARN, ctx->nss_path, &err);
			n++;
		}
	} else if (r != SHK_ERR_NOTFOUND) {
		n++;
	}
	if ((r = shk_ctx_map_config(ctx, ctx->conf_path, SHK_LOG_WARN, SHK_CTX_CONF_INSTEAD,
				    &map, &err)) == SHK_OK) {
		if (shk_conf_new(&conf) == SHK_OK) {
			r = shk_conf_parse(conf, map.data, map.len, ctx->conf_path, &ctx->log);
			if (r > 0)
				n += (unsigned long)r;
			shk_conf_free(conf);
		}
		shk_fmap_close(&map);
	} else if (r != SHK_ERR_NOTFOUND) {
		n++;
	}
	return n;
}

static int
check_impl(struct shk_ctx *ctx, unsigned long *nproblems)
{
	struct shk_nss_config order;
	struct shk_loaded_module *lm;
	const char *why;
	size_t i;
	int r;

	*nproblems = check_config_files(ctx);
	shk_ctx_order(ctx, &order, NULL);
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
