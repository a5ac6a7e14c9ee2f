/* SPDX-License-Identifier: MIT */
/*
 * What the store writers share: store.c (the directories, their locks,
 * shk_store_remove()) and store_add.c (shk_store_add()). Private to the
 * library; the names carry no shk_ prefix so that the version script
 * keeps them hidden. Every call logs its failures to ctx's log itself.
 * Thread safety: as the shk_ctx they are given.
 */
#ifndef SHK_STORE_H
#define SHK_STORE_H

#include <stddef.h>
#include <sys/types.h>

#include "context.h"
#include "ssh2name.h"

/* A store directory resolved from the configuration. */
struct store_dir {
	char *path;	    /* NULL: not configured (logged); malloc'd, the caller frees */
	const char *anchor; /* where the walk and the trust check start */
	mode_t mode;	    /* for directories we create */
};

/* How a host's file in one directory stands. */
struct store_names {
	char plain[SHK_SSH2_PLAIN_NAME_MAX];
	char hashed[SHK_SSH2_HASHED_NAME_MAX];
	int have_salt;
};

/* "system" or "user", for messages. */
const char *store_scope_name(enum shk_store_scope scope);

/* The ssh2 directory of a scope into *d (d->path NULL when it is turned
 * off, with the reason logged). SHK_OK or the status of the resolution. */
int store_ssh2_dir(const struct shk_ctx *ctx, enum shk_store_scope scope, struct store_dir *d);

/*
 * Open (and with create, make) a store directory and check that it may
 * be trusted. Returns the fd (the caller closes it) or -1 with *r.
 */
int store_open_dir(const struct shk_ctx *ctx, const struct store_dir *d, int create, int *r);

/* Take the lock of dirfd (path dirpath, for messages); *lockfd is
 * released with shk_sf_unlock(). */
int store_lock(const struct shk_ctx *ctx, const char *dirpath, int dirfd, int *lockfd);

/* dir/name for messages, into out (cap bytes, cut to fit). */
void store_path(char *out, size_t cap, const char *dir, const char *name);

#endif
