/* SPDX-License-Identifier: MIT */
#include "config.h"

#include <errno.h>
#include <pwd.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "context.h"
#include "fmap.h"
#include "privfs.h"

#ifndef HAVE_SECURE_GETENV
#error "secure_getenv is required: environment overrides must not reach setuid programs"
#endif

static const char *
ctx_conf_get(const struct shk_module_env *env, const char *key)
{
	const struct shk_ctx *ctx = env->priv;

	return shk_conf_get(ctx->conf, key);
}

static void
ctx_module_log(const struct shk_module_env *env, int level, int code, const char *file,
	       unsigned long line, const char *msg)
{
	const struct shk_ctx *ctx = env->priv;

	shk_log_emit(&ctx->log, level, code, file, line, "%s", msg);
}

/* The user's home: $HOME unless running with AT_SECURE, else the
 * password database entry of the real uid. */
static char *
ctx_home(uid_t uid, int use_env)
{
	struct passwd pw, *res = NULL;
	char buf[4096];
	const char *h;

	if (use_env && (h = secure_getenv("HOME")) != NULL && h[0] == '/')
		return strdup(h);
	if (getpwuid_r(uid, &pw, buf, sizeof(buf), &res) != 0 || res == NULL ||
	    res->pw_dir == NULL || res->pw_dir[0] != '/')
		return NULL;
	return strdup(res->pw_dir);
}

int
shk_ctx_map_config(const struct shk_ctx *ctx, const char *path, int level, const char *instead,
		   struct shk_fmap *map, struct shk_error *err)
{
	int r;

	memset(err, 0, sizeof(*err));
	r = shk_fmap_open_trusted(path, ctx->root, ctx->trust_uid, map, err);
	if (r == SHK_ERR_UNTRUSTED)
		shk_log_emit(&ctx->log, level, r, path, 0, "not trusted, not read (%s): %s",
			     instead, err->msg);
	else if (r != SHK_OK && r != SHK_ERR_NOTFOUND)
		shk_log_emit(&ctx->log, level, r, path, 0, "%s (%s)", err->msg, instead);
	return r;
}

/* Keep why the default order is used, "file[:line]: what", for
 * shk_sources(). Called with the lock held. */
static void
ctx_order_why(struct shk_ctx *ctx, const struct shk_error *err)
{
	struct shk_diag d;

	memset(&d, 0, sizeof(d));
	d.file = ctx->nss_path;
	d.line = err->line;
	d.msg = err->msg;
	shk_diag_format(&d, ctx->nss_why, sizeof(ctx->nss_why));
}

/* Read (or re-read) the ssh_hostkeys line. Called with the lock held. */
static void
ctx_read_order(struct shk_ctx *ctx)
{
	struct shk_fmap map;
	struct shk_error err;
	struct stat st;
	int r;

	memset(&err, 0, sizeof(err));
	ctx->nss_why[0] = '\0';
	r = shk_ctx_map_config(ctx, ctx->nss_path, SHK_LOG_WARN, SHK_CTX_NSS_INSTEAD, &map, &err);
	if (r != SHK_OK) {
		/* A file that is there but refused or unusable (untrusted, a
		 * FIFO, a directory) is remembered like one that was read, so
		 * it is re-checked when it changes (a chmod changes its ctime
		 * only: see ctx_order_stale), not read and logged again on
		 * every lookup. */
		ctx->nss_seen = r != SHK_ERR_NOTFOUND && stat(ctx->nss_path, &st) == 0;
		if (ctx->nss_seen)
			ctx->nss_st = st;
		if (r != SHK_ERR_NOTFOUND)
			ctx_order_why(ctx, &err);
		ctx->nss_line = 0;
		shk_nss_default(&ctx->nss);
		return;
	}
	ctx->nss_seen = 1;
	ctx->nss_st = map.st;
	r = shk_nss_parse_file(map.data, map.len, &ctx->nss, &err);
	shk_fmap_close(&map);
	if (r == SHK_OK) {
		ctx->nss_line = err.line;
	} else {
		ctx->nss_line = 0;
		if (r != SHK_ERR_NOTFOUND) {
			shk_log_error(&ctx->log, SHK_LOG_ERR, ctx->nss_path, &err);
			shk_log_emit(&ctx->log, SHK_LOG_ERR, r, ctx->nss_path, 0, "%s",
				     SHK_CTX_NSS_INSTEAD);
			ctx_order_why(ctx, &err);
		}
		shk_nss_default(&ctx->nss);
	}
}

/* Whether nsswitch.conf changed since it was read (glibc checks the same
 * way: inode, size and mtime; the ctime too, so a chmod or chown that
 * makes it trusted or untrusted is seen). Called with the lock held. */
static int
ctx_order_stale(const struct shk_ctx *ctx)
{
	struct stat st;

	if (stat(ctx->nss_path, &st) == -1)
		return ctx->nss_seen;
	if (!ctx->nss_seen)
		return 1;
	return st.st_ino != ctx->nss_st.st_ino || st.st_dev != ctx->nss_st.st_dev ||
	       st.st_size != ctx->nss_st.st_size ||
	       st.st_mtim.tv_sec != ctx->nss_st.st_mtim.tv_sec ||
	       st.st_mtim.tv_nsec != ctx->nss_st.st_mtim.tv_nsec ||
	       st.st_ctim.tv_sec != ctx->nss_st.st_ctim.tv_sec ||
	       st.st_ctim.tv_nsec != ctx->nss_st.st_ctim.tv_nsec;
}

void
shk_ctx_order_why(struct shk_ctx *ctx, struct shk_nss_config *out, unsigned long *line,
		  char *why, size_t whycap)
{
	pthread_mutex_lock(&ctx->lock);
	if (ctx_order_stale(ctx))
		ctx_read_order(ctx);
	*out = ctx->nss;
	if (line != NULL)
		*line = ctx->nss_line;
	if (why != NULL && whycap > 0)
		snprintf(why, whycap, "%s", ctx->nss_why);
	pthread_mutex_unlock(&ctx->lock);
}

void
shk_ctx_order(struct shk_ctx *ctx, struct shk_nss_config *out, unsigned long *line)
{
	shk_ctx_order_why(ctx, out, line, NULL, 0);
}

struct shk_loaded_module *
shk_ctx_module(struct shk_ctx *ctx, const char *name, const char **why)
{
	struct shk_loaded_module *lm = NULL;
	struct shk_module_env env;
	size_t i;

	pthread_mutex_lock(&ctx->lock);
	for (i = 0; i < ctx->nmodules; i++) {
		if (strcmp(ctx->modules[i]->name, name) == 0) {
			lm = ctx->modules[i];
			goto out;
		}
	}
	if (ctx->nmodules >= SHK_CTX_MAX_MODULES) {
		if (why != NULL)
			*why = "too many modules";
		pthread_mutex_unlock(&ctx->lock);
		return NULL;
	}
	if ((lm = calloc(1, sizeof(*lm))) == NULL) {
		if (why != NULL)
			*why = "out of memory";
		pthread_mutex_unlock(&ctx->lock);
		return NULL;
	}
	memset(&env, 0, sizeof(env));
	env.root = ctx->root;
	env.home = ctx->home;
	env.uid = ctx->uid;
	env.conf_get = ctx_conf_get;
	env.log = ctx_module_log;
	env.priv = ctx;
	/* Loading happens under the lock so two threads never load the
	 * same module twice; it is done once per context. */
	if (shk_modload(ctx->moduledir, name, ctx->trust_uid, &env, lm) != SHK_OK)
		shk_log_emit(&ctx->log, SHK_LOG_WARN, SHK_ERR_MODULE, NULL, 0,
			     "source \"%s\" skipped: %s", name, lm->why);
	ctx->modules[ctx->nmodules++] = lm;
out:
	pthread_mutex_unlock(&ctx->lock);
	if (why != NULL)
		*why = lm->why;
	return lm->ready ? lm : NULL;
}

/* The home and owner of the user stores a caller named (struct
 * shk_ctx_options), checked as the root prefix is: a set-ID program may
 * not point the library at files of its caller's choosing. */
static int
ctx_user(struct shk_ctx *ctx, const struct shk_ctx_options *o)
{
	if ((o->home != NULL || (o->flags & SHK_CTX_USER_UID)) && shk_privfs_secure()) {
		shk_log_emit(&ctx->log, SHK_LOG_ERR, SHK_ERR_INVAL, NULL, 0,
			     "home or user refused: a set-ID program reads the real user's");
		return SHK_ERR_INVAL;
	}
	if (o->home != NULL && o->home[0] != '/') {
		shk_log_emit(&ctx->log, SHK_LOG_ERR, SHK_ERR_INVAL, NULL, 0,
			     "home \"%s\" is not an absolute path", SHK_ESC(o->home));
		return SHK_ERR_INVAL;
	}
	if (o->flags & SHK_CTX_USER_UID)
		ctx->uid = (uid_t)o->user_uid;
	/* Another user's home is never the caller's $HOME. */
	if (o->home != NULL)
		ctx->home = strdup(o->home);
	else
		ctx->home =
		    ctx_home(ctx->uid, (o->flags & (SHK_CTX_NO_ENV | SHK_CTX_USER_UID)) == 0);
	if (o->home != NULL && ctx->home == NULL)
		return SHK_ERR_NOMEM;
	return SHK_OK;
}

static int
ctx_open(struct shk_ctx **out, const struct shk_ctx_options *o)
{
	struct shk_ctx *ctx;
	struct shk_fmap map;
	struct shk_error err;
	const char *dir, *root = o->root;
	int use_env = (o->flags & SHK_CTX_NO_ENV) == 0, r;
	size_t rl;

	*out = NULL;
	if ((ctx = calloc(1, sizeof(*ctx))) == NULL)
		return SHK_ERR_NOMEM;
	ctx->log.fn = o->log;
	ctx->log.arg = o->log_arg;
	ctx->uid = getuid();
	ctx->trust_uid = geteuid();
	if (pthread_mutex_init(&ctx->lock, NULL) != 0) {
		free(ctx);
		return SHK_ERR_SYSTEM;
	}
	if (root == NULL && use_env)
		root = secure_getenv("SSHHOSTKEYS_ROOT");
	if (root == NULL)
		root = "";
	if (root[0] != '\0' && root[0] != '/') {
		shk_log_emit(&ctx->log, SHK_LOG_ERR, SHK_ERR_INVAL, NULL, 0,
			     "root \"%s\" is not an absolute path", root);
		r = SHK_ERR_INVAL;
		goto fail;
	}
	rl = strlen(root);
	while (rl > 0 && root[rl - 1] == '/')
		rl--;
	/* A root prefix names the system stores and nsswitch.conf: in a set-ID
	 * program the caller could name files of its own as the system's. */
	if (rl > 0 && shk_privfs_secure()) {
		shk_log_emit(&ctx->log, SHK_LOG_ERR, SHK_ERR_INVAL, NULL, 0,
			     "root \"%s\" refused: a set-ID program reads the real /", root);
		r = SHK_ERR_INVAL;
		goto fail;
	}
	dir = use_env ? secure_getenv("SSHHOSTKEYS_MODULE_DIR") : NULL;
	if ((ctx->root = strndup(root, rl)) == NULL ||
	    (ctx->moduledir = strdup(dir != NULL && dir[0] == '/' ? dir : MODULEDIR)) ==
		    NULL ||
	    (ctx->nss_path = shk_path_join(ctx->root, "/etc/nsswitch.conf")) == NULL ||
	    (ctx->conf_path = shk_path_join(ctx->root, SYSCONFDIR "/sshhostkeys.conf")) ==
		    NULL) {
		r = SHK_ERR_NOMEM;
		goto fail;
	}
	if ((r = ctx_user(ctx, o)) != SHK_OK)
		goto fail;
	if ((r = shk_conf_new(&ctx->conf)) != SHK_OK)
		goto fail;
	/* An unreadable or untrusted configuration is logged, and the
	 * defaults apply as if it were absent. */
	if ((r = shk_ctx_map_config(ctx, ctx->conf_path, SHK_LOG_WARN, SHK_CTX_CONF_INSTEAD,
				    &map, &err)) == SHK_OK) {
		r = shk_conf_parse(ctx->conf, map.data, map.len, ctx->conf_path, &ctx->log);
		shk_fmap_close(&map);
		if (r == SHK_ERR_NOMEM)
			goto fail;
		if (r > 0)
			ctx->conf_problems = (unsigned long)r;
	} else if (r != SHK_ERR_NOTFOUND) {
		ctx->conf_problems = 1;
	}
	ctx_read_order(ctx);
	*out = ctx;
	return SHK_OK;
fail:
	shk_ctx_close(ctx);
	return r;
}

/* The fields of struct shk_ctx_options a caller must at least pass. */
#define CTX_OPTIONS_MIN (offsetof(struct shk_ctx_options, log_arg) + sizeof(void *))

int
shk_ctx_open_with(struct shk_ctx **out, const struct shk_ctx_options *opts)
{
	struct shk_ctx_options o;
	struct shk_log lg;
	struct shk_privfs pf;
	int r;

	*out = NULL;
	memset(&o, 0, sizeof(o));
	o.size = sizeof(o);
	if (opts != NULL &&
	    (r = shk_sized_copy(opts, &o, sizeof(o), CTX_OPTIONS_MIN)) != SHK_OK)
		return r;
	lg.fn = o.log;
	lg.arg = o.log_arg;
	if ((r = shk_privfs_enter(&pf, &lg)) != SHK_OK)
		return r;
	r = ctx_open(out, &o);
	shk_privfs_leave(&pf);
	return r;
}

int
shk_ctx_open(struct shk_ctx **out, const char *root, unsigned int flags, shk_log_fn *log,
	     void *log_arg)
{
	struct shk_ctx_options o;

	memset(&o, 0, sizeof(o));
	o.size = sizeof(o);
	o.root = root;
	o.flags = flags;
	o.log = log;
	o.log_arg = log_arg;
	return shk_ctx_open_with(out, &o);
}

void
shk_ctx_close(struct shk_ctx *ctx)
{
	size_t i;

	if (ctx == NULL)
		return;
	for (i = 0; i < ctx->nmodules; i++) {
		shk_modunload(ctx->modules[i]);
		free(ctx->modules[i]);
	}
	shk_conf_free(ctx->conf);
	pthread_mutex_destroy(&ctx->lock);
	free(ctx->root);
	free(ctx->home);
	free(ctx->moduledir);
	free(ctx->nss_path);
	free(ctx->conf_path);
	free(ctx);
}
