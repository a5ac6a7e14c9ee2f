/* SPDX-License-Identifier: MIT */
/*
 * The library context: paths, the parsed sshhostkeys.conf, the current
 * nsswitch order and the modules loaded so far.
 *
 * Locking: ctx->lock guards the order (re-read when nsswitch.conf
 * changes) and the module table. A lookup copies the order out under the
 * lock and calls modules without it. Loaded modules stay until the context
 * is closed, so a module pointer taken under the lock stays valid.
 */
#ifndef SHK_CONTEXT_H
#define SHK_CONTEXT_H

#include <pthread.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "conf.h"
#include "fmap.h"
#include "log.h"
#include "modload.h"
#include "nsswitch.h"

/* At most this many distinct modules per context. */
#define SHK_CTX_MAX_MODULES (2 * SHK_NSS_MAX_SOURCES)

struct shk_ctx {
	char *root;	 /* "" or "/prefix", no trailing slash */
	char *home;	 /* NULL when unknown */
	char *moduledir;
	char *nss_path;	 /* <root>/etc/nsswitch.conf */
	char *conf_path; /* <root><sysconfdir>/sshhostkeys.conf */
	uid_t uid;
	/* Who besides root may own what decides trust (the configuration
	 * files, the modules): the effective uid, so a setuid-root program
	 * trusts root's files only. */
	uid_t trust_uid;
	struct shk_log log;
	struct shk_conf *conf;
	/* Problems logged reading sshhostkeys.conf at open (an unusable or
	 * untrusted file is one, as is each bad line): shk_check() counts
	 * them without logging them again. */
	unsigned long conf_problems;

	pthread_mutex_t lock;
	/* What the order was read from, to notice changes. */
	int nss_seen;	     /* nsswitch.conf existed at the last read */
	struct stat nss_st;
	unsigned long nss_line; /* 0 when the default order is used */
	char nss_why[1024];	/* why the default order is used, or "" */
	struct shk_nss_config nss;
	size_t nmodules;
	struct shk_loaded_module *modules[SHK_CTX_MAX_MODULES];
};

/*
 * Map a file that decides what is trusted (sshhostkeys.conf,
 * nsswitch.conf), only if shk_trust_fd() accepts it for ctx->trust_uid,
 * walking up to the root prefix (or "/"). SHK_OK, SHK_ERR_NOTFOUND, or
 * another status after logging "path: why" at level (the why also in
 * *err); instead says what applies then ("the defaults").
 */
#define SHK_CTX_NSS_INSTEAD "using the default order \"" SHK_NSS_DEFAULT_LINE "\""
#define SHK_CTX_CONF_INSTEAD "using the defaults"
int shk_ctx_map_config(const struct shk_ctx *ctx, const char *path, int level,
		       const char *instead, struct shk_fmap *map, struct shk_error *err);

/* Copy the current order (re-reading nsswitch.conf if it changed). */
void shk_ctx_order(struct shk_ctx *ctx, struct shk_nss_config *out, unsigned long *line);

/* The same, and into why (may be NULL) what is wrong with nsswitch.conf
 * when the default order is used because of it, "file[:line]: what";
 * "" when nothing is wrong (no file, or no ssh_hostkeys line). */
void shk_ctx_order_why(struct shk_ctx *ctx, struct shk_nss_config *out, unsigned long *line,
		       char *why, size_t whycap);

/* The loaded module for a source name, loading it on first use; NULL when
 * it cannot be used (the reason is logged once, and kept in *why). */
struct shk_loaded_module *shk_ctx_module(struct shk_ctx *ctx, const char *name,
					 const char **why);

#endif
