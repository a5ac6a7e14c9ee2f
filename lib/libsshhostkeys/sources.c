/* SPDX-License-Identifier: MIT */
/*
 * The sources listing (the CLI's "sources"): the effective order, each
 * source's state and non-default action items, and why the default order
 * is used when nsswitch.conf is unusable.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "context.h"
#include "privfs.h"

/* Text of the non-default action items of one source. */
static void
actions_text(const struct shk_nss_source *src, char *out, size_t cap)
{
	struct shk_nss_config one;
	char buf[256];
	const char *sp;

	memset(&one, 0, sizeof(one));
	one.nsources = 1;
	one.src[0] = *src;
	out[0] = '\0';
	if (shk_nss_format(&one, buf, sizeof(buf)) != SHK_OK)
		return;
	/* Formatting gives "name [..]": keep what follows the name. */
	sp = strchr(buf, ' ');
	snprintf(out, cap, "%s", sp != NULL ? sp + 1 : "");
}

struct sourcelist_priv {
	struct shk_sourcelist pub; /* first */
	struct shk_source_info info[SHK_NSS_MAX_SOURCES];
	struct shk_source_info *ptrs[SHK_NSS_MAX_SOURCES + 1]; /* pub.sources */
	char names[SHK_NSS_MAX_SOURCES][SHK_NSS_NAME_MAX];
	char states[SHK_NSS_MAX_SOURCES][SHK_ERRMSG_MAX];
	char actions[SHK_NSS_MAX_SOURCES][128];
	char *config_file;
	char config_error[1024];
};

static int
sources_impl(struct shk_ctx *ctx, struct shk_sourcelist **out)
{
	struct shk_nss_config order;
	struct sourcelist_priv *sl;
	struct shk_loaded_module *lm;
	unsigned long line;
	const char *why;
	size_t i;

	*out = NULL;
	if ((sl = calloc(1, sizeof(*sl))) == NULL)
		return SHK_ERR_NOMEM;
	shk_ctx_order_why(ctx, &order, &line, sl->config_error, sizeof(sl->config_error));
	for (i = 0; i < order.nsources; i++) {
		why = NULL;
		lm = shk_ctx_module(ctx, order.src[i].name, &why);
		snprintf(sl->names[i], sizeof(sl->names[i]), "%s", order.src[i].name);
		snprintf(sl->states[i], sizeof(sl->states[i]), "%s", why != NULL ? why : "");
		actions_text(&order.src[i], sl->actions[i], sizeof(sl->actions[i]));
		sl->info[i].name = sl->names[i];
		sl->info[i].state = sl->states[i];
		sl->info[i].actions = sl->actions[i];
		sl->info[i].ready = lm != NULL;
		sl->info[i].can_verify = lm != NULL && lm->m->verify != NULL;
		sl->ptrs[i] = &sl->info[i];
	}
	sl->pub.count = order.nsources;
	sl->pub.sources = sl->ptrs;
	sl->pub.config_line = line;
	if (sl->config_error[0] != '\0')
		sl->pub.config_error = sl->config_error;
	if (line > 0) {
		if ((sl->config_file = strdup(ctx->nss_path)) == NULL) {
			free(sl);
			return SHK_ERR_NOMEM;
		}
		sl->pub.config_file = sl->config_file;
	}
	*out = &sl->pub;
	return SHK_OK;
}

void
shk_sourcelist_free(struct shk_sourcelist *list)
{
	struct sourcelist_priv *sl = (struct sourcelist_priv *)list;

	if (sl == NULL)
		return;
	free(sl->config_file);
	free(sl);
}

/* Run with the real user's filesystem rights when set-ID (privfs.h). */
int
shk_sources(struct shk_ctx *ctx, struct shk_sourcelist **out)
{
	int r;

	*out = NULL;
	SHK_PRIVFS_CALL(r, ctx != NULL ? &ctx->log : NULL, sources_impl(ctx, out));
	return r;
}
