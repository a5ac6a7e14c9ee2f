/* SPDX-License-Identifier: MIT */
/*
 * shk_store_add(): keys for one host into an ssh2 store directory
 * (store.h for what it shares with removal).
 *
 * A written file holds what the lookup saw for the host in that
 * directory, byte for byte, followed by the new keys as RFC 4716 blocks:
 * nothing a writer does not understand is ever dropped.
 */
#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "context.h"
#include "formatname.h"
#include "hostspec.h"
#include "key.h"
#include "keyfile.h"
#include "keyvec.h"
#include "privfs.h"
#include "rfc4716.h"
#include "ssh2name.h"
#include "store.h"
#include "storefile.h"

static int
store_keys_has(const struct shk_key *const *v, size_t n, const struct shk_key *key)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (shk_key_equal_blob(v[i]->type, v[i]->blob, v[i]->bloblen, key->type,
				       key->blob, key->bloblen))
			return 1;
	return 0;
}

/* A user store without a salt of its own takes the system store's, so a
 * site can give every user the same file names. Best effort: any
 * problem just means a random salt. */
static int
store_system_salt(const struct shk_ctx *ctx, unsigned char salt[SHK_SSH2_SALT_LEN])
{
	struct store_dir d;
	int fd, r;

	if (store_ssh2_dir(ctx, SHK_STORE_SYSTEM, &d) != SHK_OK || d.path == NULL) {
		free(d.path);
		return SHK_ERR_NOTFOUND;
	}
	r = shk_sf_open_dir(d.anchor, d.path, 0, 0, &fd, NULL, NULL);
	if (r == SHK_OK) {
		r = shk_sf_salt(fd, 0, NULL, salt, NULL, NULL);
		close(fd);
	}
	free(d.path);
	return r;
}

static int
store_validate_keys(const struct shk_ctx *ctx, const struct shk_key *const *keys, size_t nkeys)
{
	struct shk_error err;
	size_t i;

	for (i = 0; i < nkeys; i++) {
		const struct shk_key *k = keys[i];

		memset(&err, 0, sizeof(err));
		if (k == NULL || k->type == NULL || k->blob == NULL || k->bloblen == 0) {
			shk_log_emit(&ctx->log, SHK_LOG_ERR, SHK_ERR_INVAL, NULL, 0,
				     "key %zu: empty", i + 1);
			return SHK_ERR_INVAL;
		}
		if (shk_key_check_blob(k->type, strlen(k->type), k->blob, k->bloblen, NULL,
				       &err) != SHK_OK) {
			shk_log_emit(&ctx->log, SHK_LOG_ERR, SHK_ERR_INVAL, NULL, 0,
				     "key %zu (%s): %s", i + 1, SHK_ESC(k->type), err.msg);
			return SHK_ERR_INVAL;
		}
	}
	return SHK_OK;
}

static enum shk_store_format
store_format(const struct shk_ctx *ctx, enum shk_store_format format)
{
	enum shk_store_format configured = SHK_FORMAT_HASHED;
	const char *v;

	if (format != SHK_FORMAT_DEFAULT)
		return format;
	/* The configuration was checked when read: an unknown word never
	 * gets here, and none means the default, hashed. */
	if ((v = shk_conf_get(ctx->conf, "host_key_format")) != NULL)
		(void)shk_formatname_lookup(v, strlen(v), &configured);
	return configured;
}

/* The host's file content after adding keys: base, a newline if base
 * lacks a final one, then one RFC 4716 block per new key. */
static int
store_content(const struct shk_fmap *base, const struct shk_key *const *keys,
	      const unsigned char *isnew, size_t nkeys, char **out, size_t *outlen)
{
	char *buf = NULL, *blk = NULL, *nb;
	size_t len = 0, cap, blen, i;
	int r;

	*out = NULL;
	cap = (base != NULL ? base->len : 0) + 1 + 1024 * nkeys;
	if ((buf = malloc(cap)) == NULL)
		return SHK_ERR_NOMEM;
	if (base != NULL && base->len > 0) {
		memcpy(buf, base->data, base->len);
		len = base->len;
		if (buf[len - 1] != '\n' && buf[len - 1] != '\r')
			buf[len++] = '\n';
	}
	for (i = 0; i < nkeys; i++) {
		if (!isnew[i])
			continue;
		if ((r = shk_rfc4716_format(keys[i], &blk, &blen)) != SHK_OK)
			goto fail;
		if (len + blen > cap) {
			cap = 2 * (len + blen);
			if ((nb = realloc(buf, cap)) == NULL) {
				r = SHK_ERR_NOMEM;
				goto fail;
			}
			buf = nb;
		}
		memcpy(buf + len, blk, blen);
		len += blen;
		SHK_FREE(blk);
	}
	*out = buf;
	*outlen = len;
	return SHK_OK;
fail:
	free(blk);
	free(buf);
	return r;
}

/* What is at dir/name: 1 a regular file, 0 nothing, or a status after
 * logging (a symlink or other file in the way). */
static int
store_exists(const struct shk_ctx *ctx, const char *dirpath, int dirfd, const char *name)
{
	struct shk_error err;
	char path[PATH_MAX];
	int r;

	memset(&err, 0, sizeof(err));
	r = shk_sf_stat(dirfd, name, NULL, &err);
	if (r == SHK_OK)
		return 1;
	if (r == SHK_ERR_NOTFOUND)
		return 0;
	store_path(path, sizeof(path), dirpath, name);
	shk_log_emit(&ctx->log, SHK_LOG_ERR, r, path, 0, "%s", err.msg);
	return r;
}

/* One add, as its steps see it. */
struct store_add {
	struct shk_ctx *ctx;
	enum shk_store_scope scope;
	enum shk_store_format format; /* resolved: never SHK_FORMAT_DEFAULT */
	char canon[SHK_HOST_MAX + 1];
	unsigned int port;
	const struct shk_key *const *keys;
	size_t nkeys;
	struct store_dir d;
	int dirfd, lockfd;
	struct store_names nm;
	int hashed_exists, plain_exists;
	const char *target;   /* the name written: nm.plain or nm.hashed */
	const char *from;     /* the name its content starts from, or NULL */
	struct shk_fmap base; /* from, mapped when mapped */
	int mapped;
	struct shk_keyvec have; /* the keys in from, for the duplicate check */
	unsigned char *isnew;   /* per key: neither in from nor given before */
	size_t nnew;
};

static void
store_add_free(struct store_add *a)
{
	if (a->mapped)
		shk_fmap_close(&a->base);
	shk_keyvec_free(&a->have);
	free(a->isnew);
	shk_sf_unlock(a->lockfd);
	if (a->dirfd != -1)
		close(a->dirfd);
	free(a->d.path);
}

/* The host as files name it, and keys worth writing. */
static int
store_add_host(struct store_add *a, const char *host, unsigned int port)
{
	struct shk_error err;
	int r;

	memset(&err, 0, sizeof(err));
	if ((r = shk_hostspec_parse(host, port, a->canon, sizeof(a->canon), &a->port, &err)) !=
	    SHK_OK) {
		shk_log_emit(&a->ctx->log, SHK_LOG_ERR, r, NULL, 0, "host \"%s\": %s",
			     SHK_ESC(host), err.msg);
		return r;
	}
	if ((r = store_validate_keys(a->ctx, a->keys, a->nkeys)) != SHK_OK)
		return r;
	if ((r = shk_ssh2_plain_name(a->canon, a->port, a->nm.plain, sizeof(a->nm.plain))) !=
	    SHK_OK) {
		shk_log_emit(&a->ctx->log, SHK_LOG_ERR, r, NULL, 0,
			     "host \"%s\": too long for a file name", a->canon);
		return r;
	}
	return SHK_OK;
}

/* The scope's directory, made when missing, trusted and locked. */
static int
store_add_open(struct store_add *a)
{
	int r;

	if ((r = store_ssh2_dir(a->ctx, a->scope, &a->d)) != SHK_OK)
		return r;
	if (a->d.path == NULL) {
		shk_log_emit(&a->ctx->log, SHK_LOG_ERR, SHK_ERR_NOTFOUND, NULL, 0,
			     "no %s host-key directory to write to (see -v for why)",
			     store_scope_name(a->scope));
		return SHK_ERR_NOTFOUND;
	}
	if ((a->dirfd = store_open_dir(a->ctx, &a->d, 1, &r)) == -1)
		return r;
	return store_lock(a->ctx, a->d.path, a->dirfd, &a->lockfd);
}

/* The salt: created for a hashed write; otherwise only read, to find a
 * hashed file that would hide a plain one (a plain write goes on without
 * it). */
static int
store_add_salt(struct store_add *a, unsigned char salt[SHK_SSH2_SALT_LEN])
{
	unsigned char seed[SHK_SSH2_SALT_LEN];
	char path[PATH_MAX];
	struct shk_error err;
	const int hashed = a->format == SHK_FORMAT_HASHED;
	int created, r;

	memset(&err, 0, sizeof(err));
	r = shk_sf_salt(a->dirfd, hashed,
			a->scope == SHK_STORE_USER && hashed &&
				store_system_salt(a->ctx, seed) == SHK_OK
			    ? seed
			    : NULL,
			salt, &created, &err);
	if (r == SHK_OK) {
		a->nm.have_salt = 1;
		if (created) {
			store_path(path, sizeof(path), a->d.path, SHK_SSH2_SALT_FILE);
			shk_log_emit(&a->ctx->log, SHK_LOG_INFO, SHK_OK, path, 0, "created");
		}
		return SHK_OK;
	}
	if (!hashed && r == SHK_ERR_NOTFOUND)
		return SHK_OK;
	/* Hashed files without a salt: the directory's problem, not the salt
	 * file's (nothing was written). */
	if (r == SHK_ERR_INVAL)
		snprintf(path, sizeof(path), "%s", a->d.path);
	else
		store_path(path, sizeof(path), a->d.path, SHK_SSH2_SALT_FILE);
	shk_log_emit(&a->ctx->log, hashed ? SHK_LOG_ERR : SHK_LOG_WARN, r, path, 0, "%s",
		     err.msg);
	return hashed ? r : SHK_OK;
}

/* Which file is written, and from which one its content starts. */
static int
store_add_choose(struct store_add *a, const unsigned char salt[SHK_SSH2_SALT_LEN])
{
	int r;

	if (a->nm.have_salt) {
		if ((r = shk_ssh2_hashed_name(salt, a->canon, a->port, a->nm.hashed,
					      sizeof(a->nm.hashed))) != SHK_OK)
			return r;
		if ((a->hashed_exists =
			 store_exists(a->ctx, a->d.path, a->dirfd, a->nm.hashed)) < 0)
			return a->hashed_exists;
	}
	if ((a->plain_exists = store_exists(a->ctx, a->d.path, a->dirfd, a->nm.plain)) < 0)
		return a->plain_exists;
	/* A plain write while a hashed file exists would be invisible (the
	 * hashed file takes precedence): the keys go to the hashed file. */
	if (a->format == SHK_FORMAT_HASHED || a->hashed_exists) {
		a->target = a->nm.hashed;
		if (a->format == SHK_FORMAT_PLAIN)
			shk_log_emit(&a->ctx->log, SHK_LOG_INFO, SHK_OK, a->d.path, 0,
				     "%s port %u is stored hashed; adding to the hashed file",
				     a->canon, a->port);
		/* Start from what lookups see: the hashed file, else the
		 * plain one being converted. */
		a->from = a->hashed_exists  ? a->nm.hashed
			  : a->plain_exists ? a->nm.plain
					    : NULL;
	} else {
		a->target = a->nm.plain;
		a->from = a->plain_exists ? a->nm.plain : NULL;
	}
	return SHK_OK;
}

/* The keys already in from, and which of the given ones are new. */
static int
store_add_new_keys(struct store_add *a)
{
	char path[PATH_MAX];
	struct shk_error err;
	size_t i;
	int r;

	memset(&err, 0, sizeof(err));
	if (a->from != NULL) {
		store_path(path, sizeof(path), a->d.path, a->from);
		if ((r = shk_sf_map(a->dirfd, a->from, &a->base, &err)) != SHK_OK) {
			shk_log_emit(&a->ctx->log, SHK_LOG_ERR, r, path, 0, "%s", err.msg);
			return r;
		}
		a->mapped = 1;
		r = shk_keyfile_parse(a->base.data != NULL ? a->base.data : "", a->base.len,
				      path, &a->ctx->log, shk_keyvec_cb, &a->have, NULL);
		if (r != SHK_OK)
			return r;
	}
	if ((a->isnew = calloc(a->nkeys, 1)) == NULL)
		return SHK_ERR_NOMEM;
	for (i = 0; i < a->nkeys; i++) {
		if (store_keys_has((const struct shk_key *const *)a->have.v, a->have.n,
				   a->keys[i]) ||
		    store_keys_has(a->keys, i, a->keys[i]))
			continue;
		a->isnew[i] = 1;
		a->nnew++;
	}
	return SHK_OK;
}

/* Write the target (unless every key is there already), then remove the
 * plain file a hashed one replaces. */
static int
store_add_write(struct store_add *a, size_t *added)
{
	char path[PATH_MAX], *content = NULL;
	struct shk_error err;
	size_t clen = 0;
	int r;

	memset(&err, 0, sizeof(err));
	store_path(path, sizeof(path), a->d.path, a->target);
	if (a->nnew == 0 && a->from == a->target &&
	    !(a->target == a->nm.hashed && a->plain_exists)) {
		shk_log_emit(&a->ctx->log, SHK_LOG_INFO, SHK_OK, path, 0,
			     "every key is already there");
		return SHK_OK;
	}
	if ((r = store_content(a->mapped ? &a->base : NULL, a->keys, a->isnew, a->nkeys,
			       &content, &clen)) != SHK_OK)
		return r;
	r = shk_sf_replace(a->dirfd, a->target, content, clen, SHK_SF_FILE_MODE, NULL, &err);
	free(content);
	if (r != SHK_OK) {
		shk_log_emit(&a->ctx->log, SHK_LOG_ERR, r, path, 0, "%s", err.msg);
		return r;
	}
	shk_log_emit(&a->ctx->log, SHK_LOG_INFO, SHK_OK, path, 0,
		     "%zu key(s) added for %s port %u", a->nnew, a->canon, a->port);
	if (added != NULL)
		*added = a->nnew;
	if (a->target == a->nm.hashed && a->plain_exists) {
		store_path(path, sizeof(path), a->d.path, a->nm.plain);
		if ((r = shk_sf_unlink(a->dirfd, a->nm.plain, &err)) != SHK_OK) {
			shk_log_emit(&a->ctx->log, SHK_LOG_ERR, r, path, 0,
				     "%s: the hashed file was written and takes precedence",
				     err.msg);
			return r;
		}
		shk_log_emit(&a->ctx->log, SHK_LOG_INFO, SHK_OK, path, 0,
			     "removed: replaced by the hashed file");
	}
	return SHK_OK;
}

static int
store_add_impl(struct shk_ctx *ctx, enum shk_store_scope scope, enum shk_store_format format,
	       const char *host, unsigned int port, const struct shk_key *const *keys,
	       size_t nkeys, size_t *added)
{
	unsigned char salt[SHK_SSH2_SALT_LEN];
	struct store_add a;
	int r;

	if (added != NULL)
		*added = 0;
	if (ctx == NULL || host == NULL || keys == NULL || nkeys == 0 ||
	    (scope != SHK_STORE_USER && scope != SHK_STORE_SYSTEM) ||
	    (format != SHK_FORMAT_DEFAULT && format != SHK_FORMAT_HASHED &&
	     format != SHK_FORMAT_PLAIN))
		return SHK_ERR_INVAL;
	memset(&a, 0, sizeof(a));
	a.ctx = ctx;
	a.scope = scope;
	a.format = store_format(ctx, format);
	a.keys = keys;
	a.nkeys = nkeys;
	a.dirfd = a.lockfd = -1;
	if ((r = store_add_host(&a, host, port)) == SHK_OK &&
	    (r = store_add_open(&a)) == SHK_OK && (r = store_add_salt(&a, salt)) == SHK_OK &&
	    (r = store_add_choose(&a, salt)) == SHK_OK &&
	    (r = store_add_new_keys(&a)) == SHK_OK)
		r = store_add_write(&a, added);
	store_add_free(&a);
	return r;
}

/* The public call, with the real user's filesystem rights in a set-ID
 * process (privfs.h). */
int
shk_store_add(struct shk_ctx *ctx, enum shk_store_scope scope, enum shk_store_format format,
	      const char *host, unsigned int port, const struct shk_key *const *keys,
	      size_t nkeys, size_t *added)
{
	int r;

	if (added != NULL)
		*added = 0;
	SHK_PRIVFS_CALL(r, ctx != NULL ? &ctx->log : NULL,
			store_add_impl(ctx, scope, format, host, port, keys, nkeys, added));
	return r;
}
