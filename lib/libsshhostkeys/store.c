/* SPDX-License-Identifier: MIT */
/*
 * Store writers: the store directories (store.h), and shk_store_remove();
 * shk_store_add() is in store_add.c.
 *
 * Store paths are resolved with the same rules as the ssh2 and files
 * modules (docs/formats.md §1, §2), so what is written is what a lookup
 * reads.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "context.h"
#include "hostspec.h"
#include "key.h"
#include "knownhosts.h"
#include "pathlist.h"
#include "ssh2name.h"
#include "store.h"
#include "storefile.h"
#include "storepath.h"
#include "privfs.h"
#include "trust.h"

const char *
store_scope_name(enum shk_store_scope scope)
{
	return scope == SHK_STORE_SYSTEM ? "system" : "user";
}

/*
 * One configured path, as the modules resolve it: "~/x" under home, "/x"
 * under the root prefix for system paths, as is for user paths. *path
 * stays NULL (with the reason logged at debug or warning level) when the
 * path does not apply.
 */
static int
store_resolve(const struct shk_ctx *ctx, const char *key, const char *v, size_t len,
	      int is_system, struct store_dir *d)
{
	int r;

	d->mode = is_system ? 0755 : 0700;
	r = shk_store_path(v, len, is_system, ctx->root, ctx->home, &d->path, &d->anchor);
	if (r == SHK_ERR_INVAL) {
		shk_log_emit(&ctx->log, SHK_LOG_WARN, SHK_ERR_INVAL, NULL, 0,
			     "%s: \"%.*s\" is neither absolute nor under \"~/\": ignored", key,
			     (int)(len > 200 ? 200 : len), v);
		return SHK_OK;
	}
	if (r == SHK_OK && d->path == NULL)
		shk_log_emit(&ctx->log, SHK_LOG_DEBUG, SHK_ERR_NOTFOUND, NULL, 0,
			     "%s: no home directory: \"%.*s\" skipped", key, (int)len, v);
	return r;
}

int
store_ssh2_dir(const struct shk_ctx *ctx, enum shk_store_scope scope, struct store_dir *d)
{
	const char *key = scope == SHK_STORE_SYSTEM ? "system_hostkeys_dir" : "user_hostkeys_dir";
	const char *v = shk_conf_get(ctx->conf, key);

	memset(d, 0, sizeof(*d));
	if (v == NULL || v[0] == '\0') {
		shk_log_emit(&ctx->log, SHK_LOG_ERR, SHK_ERR_NOTFOUND, NULL, 0,
			     "%s is empty: the %s host-key directory is turned off", key,
			     store_scope_name(scope));
		return SHK_OK;
	}
	return store_resolve(ctx, key, v, strlen(v), scope == SHK_STORE_SYSTEM, d);
}

/* Writing into a directory lookups ignore would be useless, and into
 * one others can write, unsafe. */
int
store_open_dir(const struct shk_ctx *ctx, const struct store_dir *d, int create, int *r)
{
	struct shk_error err;
	int fd, created;

	memset(&err, 0, sizeof(err));
	*r = shk_sf_open_dir(d->anchor, d->path, create ? SHK_SF_CREATE : 0, d->mode, &fd,
			     &created, &err);
	if (*r != SHK_OK) {
		if (*r != SHK_ERR_NOTFOUND || create)
			shk_log_emit(&ctx->log, SHK_LOG_ERR, *r, d->path, 0, "%s", err.msg);
		return -1;
	}
	if (created)
		shk_log_emit(&ctx->log, SHK_LOG_INFO, SHK_OK, d->path, 0,
			     "created (mode %04o)", (unsigned int)d->mode);
	if ((*r = shk_trust_fd(fd, d->path, d->anchor, ctx->uid, &err)) != SHK_OK) {
		shk_log_emit(&ctx->log, SHK_LOG_ERR, *r, d->path, 0, "%s: not written",
			     err.msg);
		close(fd);
		return -1;
	}
	return fd;
}

int
store_lock(const struct shk_ctx *ctx, const char *dirpath, int dirfd, int *lockfd)
{
	struct shk_error err;
	int r;

	memset(&err, 0, sizeof(err));
	if ((r = shk_sf_lock(dirfd, lockfd, &err)) != SHK_OK)
		shk_log_emit(&ctx->log, SHK_LOG_ERR, r, dirpath, 0, "%s", err.msg);
	return r;
}

void
store_path(char *out, size_t cap, const char *dir, const char *name)
{
	snprintf(out, cap, "%s/%s", dir, name);
}

/* ---- remove --------------------------------------------------------------- */

/*
 * A removal is planned before anything changes: every directory that
 * holds a file naming the host is opened, trusted and locked, every
 * known_hosts file read and filtered, every file name computed. Any
 * problem there (an untrusted or unreadable store, a lock that cannot be
 * taken, a salt that cannot be read, so a hashed file could not be found)
 * ends the removal with nothing changed. Only then are the changes made,
 * under all the locks at once, so no other writer sees or makes a state
 * in between: the known_hosts rewrites first (each atomic, FILE.old kept),
 * then the ssh2 unlinks. What cannot be promised across several files is
 * an atomic whole: should a write fail then (disk full, I/O error), the
 * removal stops there, the files already done stay done, the rest stay as
 * they were, and the log says which is which.
 */

/* Directories and locks of one removal (a store rarely has more). */
#define RM_DIRS_MAX 20

/* One change: rewrite name (content, keeping old) or unlink it. */
struct store_rm_change {
	int dirfd;	/* owned by struct store_rm */
	char *path;	/* for messages */
	char name[NAME_MAX + 1];
	char old[NAME_MAX + 1]; /* rewrite only */
	char *content;		/* NULL: unlink */
	size_t clen, nlines;
	mode_t mode;
	int done;
};

struct store_rm {
	int dirfds[RM_DIRS_MAX];
	struct {
		dev_t dev;
		ino_t ino;
		int fd;
	} locks[RM_DIRS_MAX];
	size_t ndirs, nlocks;
	struct store_rm_change *v;
	size_t n, cap;
};

static void
store_rm_free(struct store_rm *rm)
{
	size_t i;

	for (i = 0; i < rm->n; i++) {
		free(rm->v[i].path);
		free(rm->v[i].content);
	}
	free(rm->v);
	for (i = 0; i < rm->nlocks; i++)
		shk_sf_unlock(rm->locks[i].fd);
	for (i = 0; i < rm->ndirs; i++)
		close(rm->dirfds[i]);
	memset(rm, 0, sizeof(*rm));
}

/* Keep dirfd open until the removal ends; closes it on failure. */
static int
store_rm_keep_dir(const struct shk_ctx *ctx, struct store_rm *rm, const char *path, int dirfd)
{
	if (rm->ndirs == RM_DIRS_MAX) {
		close(dirfd);
		shk_log_emit(&ctx->log, SHK_LOG_ERR, SHK_ERR_RANGE, path, 0,
			     "more than %d store directories: nothing removed", RM_DIRS_MAX);
		return SHK_ERR_RANGE;
	}
	rm->dirfds[rm->ndirs++] = dirfd;
	return SHK_OK;
}

/* Lock the directory of dirfd once, however many of its files change:
 * a second flock(2) of the same lock file would wait for ourselves. */
static int
store_rm_lock(const struct shk_ctx *ctx, struct store_rm *rm, const char *path, int dirfd)
{
	struct stat st;
	size_t i;
	int r;

	if (fstat(dirfd, &st) == -1) {
		shk_log_emit(&ctx->log, SHK_LOG_ERR, SHK_ERR_SYSTEM, path, 0, "fstat: %s",
			     strerror(errno));
		return SHK_ERR_SYSTEM;
	}
	for (i = 0; i < rm->nlocks; i++)
		if (rm->locks[i].dev == st.st_dev && rm->locks[i].ino == st.st_ino)
			return SHK_OK;
	if (rm->nlocks == RM_DIRS_MAX)
		return SHK_ERR_RANGE;
	if ((r = store_lock(ctx, path, dirfd, &rm->locks[rm->nlocks].fd)) != SHK_OK)
		return r;
	rm->locks[rm->nlocks].dev = st.st_dev;
	rm->locks[rm->nlocks].ino = st.st_ino;
	rm->nlocks++;
	return SHK_OK;
}

/* Append a change; takes content. */
static int
store_rm_plan(struct store_rm *rm, int dirfd, const char *dirpath, const char *name,
	      const char *old, char *content, size_t clen, size_t nlines, mode_t mode)
{
	struct store_rm_change *c, *nv;
	size_t ncap;

	if (rm->n == rm->cap) {
		ncap = rm->cap == 0 ? 8 : 2 * rm->cap;
		if ((nv = reallocarray(rm->v, ncap, sizeof(*nv))) == NULL) {
			free(content);
			return SHK_ERR_NOMEM;
		}
		rm->v = nv;
		rm->cap = ncap;
	}
	c = &rm->v[rm->n];
	memset(c, 0, sizeof(*c));
	if (asprintf(&c->path, "%s/%s", dirpath, name) == -1) {
		free(content);
		return SHK_ERR_NOMEM;
	}
	c->dirfd = dirfd;
	snprintf(c->name, sizeof(c->name), "%s", name);
	if (old != NULL)
		snprintf(c->old, sizeof(c->old), "%s", old);
	c->content = content;
	c->clen = clen;
	c->nlines = nlines;
	c->mode = mode;
	rm->n++;
	return SHK_OK;
}

/* Plan the unlinks of the host's plain and hashed files in the ssh2
 * directory of scope. */
static int
store_rm_ssh2(const struct shk_ctx *ctx, enum shk_store_scope scope, const char *host,
	      unsigned int port, struct store_rm *rm)
{
	unsigned char salt[SHK_SSH2_SALT_LEN];
	char path[PATH_MAX];
	struct store_names nm;
	struct store_dir d;
	struct shk_error err;
	const char *names[2];
	size_t i;
	int dirfd = -1, any, r;

	memset(&nm, 0, sizeof(nm));
	memset(&err, 0, sizeof(err));
	if ((r = store_ssh2_dir(ctx, scope, &d)) != SHK_OK)
		return r;
	if (d.path == NULL)
		return SHK_OK;
	/* hostspec.h's limit makes every canonical host fit; checked
	 * before any file is opened all the same. */
	if ((r = shk_ssh2_plain_name(host, port, nm.plain, sizeof(nm.plain))) != SHK_OK) {
		shk_log_emit(&ctx->log, SHK_LOG_ERR, r, NULL, 0,
			     "host \"%s\": too long for a file name: nothing removed",
			     SHK_ESC(host));
		goto out;
	}
	if ((dirfd = store_open_dir(ctx, &d, 0, &r)) == -1) {
		if (r == SHK_ERR_NOTFOUND)
			r = SHK_OK;
		goto out;
	}
	if ((r = store_rm_keep_dir(ctx, rm, d.path, dirfd)) != SHK_OK)
		goto out;
	names[0] = nm.plain;
	names[1] = NULL;
	r = shk_sf_salt(dirfd, 0, NULL, salt, NULL, &err);
	if (r == SHK_OK) {
		if ((r = shk_ssh2_hashed_name(salt, host, port, nm.hashed, sizeof(nm.hashed))) !=
		    SHK_OK)
			goto out;
		names[1] = nm.hashed;
	} else if (r != SHK_ERR_NOTFOUND) {
		/* Removing the plain file alone could leave a hashed one
		 * that comes back once the salt is mended. */
		store_path(path, sizeof(path), d.path, SHK_SSH2_SALT_FILE);
		shk_log_emit(&ctx->log, SHK_LOG_ERR, r, path, 0,
			     "%s: a hashed file for the host cannot be found: nothing removed",
			     err.msg);
		goto out;
	}
	/* Only a directory that holds a file for the host needs the lock
	 * (and write access): the salt never changes once made. */
	for (i = 0, any = 0; i < SHK_ARRAY_SIZE(names); i++)
		if (names[i] != NULL && shk_sf_stat(dirfd, names[i], NULL, NULL) != SHK_ERR_NOTFOUND)
			any = 1;
	r = SHK_OK;
	if (!any)
		goto out;
	if ((r = store_rm_lock(ctx, rm, d.path, dirfd)) != SHK_OK)
		goto out;
	for (i = 0; i < SHK_ARRAY_SIZE(names); i++) {
		if (names[i] == NULL)
			continue;
		r = shk_sf_stat(dirfd, names[i], NULL, &err);
		if (r == SHK_ERR_NOTFOUND)
			continue;
		if (r != SHK_OK) {
			store_path(path, sizeof(path), d.path, names[i]);
			shk_log_emit(&ctx->log, SHK_LOG_ERR, r, path, 0, "%s: nothing removed",
				     err.msg);
			goto out;
		}
		if ((r = store_rm_plan(rm, dirfd, d.path, names[i], NULL, NULL, 0, 1, 0)) !=
		    SHK_OK)
			goto out;
	}
	r = SHK_OK;
out:
	free(d.path);
	return r;
}

/*
 * known_hosts content without the lines that name name, as ssh-keygen -R
 * decides: well-formed entries without a marker whose host field matches
 * (plain, pattern or hashed; a negated match keeps the line). Every kept
 * line is copied with its own line ending, invalid ones included. With
 * verbose, each removed line is logged.
 */
static int
store_kh_filter(const struct shk_ctx *ctx, const char *path, const char *buf, size_t len,
		const char *name, int verbose, char **out, size_t *outlen, size_t *nremoved)
{
	struct shk_kh_line l;
	const char *nl;
	size_t pos = 0, end, next, rawend, olen = 0, namelen = strlen(name);
	unsigned long lineno = 0;
	char *o;

	*out = NULL;
	*nremoved = 0;
	if ((o = malloc(len + 1)) == NULL)
		return SHK_ERR_NOMEM;
	while (pos < len) {
		nl = memchr(buf + pos, '\n', len - pos);
		end = nl != NULL ? (size_t)(nl - buf) : len;
		next = nl != NULL ? end + 1 : len;
		rawend = end;
		if (rawend > pos && buf[rawend - 1] == '\r')
			rawend--;
		lineno++;
		if (memchr(buf + pos, '\0', rawend - pos) == NULL) {
			shk_kh_parse_line(buf + pos, rawend - pos, lineno, &l);
			if (l.status == SHK_KH_ENTRY && l.marker == SHK_MARKER_NONE &&
			    shk_kh_match_host(l.hosts, l.hostslen, name, namelen) == 1) {
				if (verbose)
					shk_log_emit(&ctx->log, SHK_LOG_INFO, SHK_OK, path,
						     lineno, "removed %s", name);
				(*nremoved)++;
				pos = next;
				continue;
			}
		}
		memcpy(o + olen, buf + pos, next - pos);
		olen += next - pos;
		pos = next;
	}
	*out = o;
	*outlen = olen;
	return SHK_OK;
}

/* Plan the rewrite of one known_hosts file without the lines naming
 * name, keeping FILE.old. */
static int
store_rm_kh_file(const struct shk_ctx *ctx, const struct store_dir *f, const char *name,
		 struct store_rm *rm)
{
	char dirpath[PATH_MAX], base[NAME_MAX + 1], old[NAME_MAX + 1], *content = NULL;
	struct store_dir d;
	struct shk_error err;
	struct shk_fmap m;
	const char *slash;
	size_t clen = 0, n = 0, len;
	int dirfd = -1, mapped = 0, pass, r;

	memset(&err, 0, sizeof(err));
	memset(&m, 0, sizeof(m));
	slash = strrchr(f->path, '/');
	if (slash == NULL || slash[1] == '\0' || (size_t)(slash - f->path) >= sizeof(dirpath) ||
	    strlen(slash + 1) + 4 >= sizeof(base)) {
		shk_log_emit(&ctx->log, SHK_LOG_ERR, SHK_ERR_RANGE, f->path, 0,
			     "cannot be rewritten: bad path");
		return SHK_ERR_RANGE;
	}
	memcpy(dirpath, f->path, (size_t)(slash - f->path));
	dirpath[slash - f->path] = '\0';
	if (dirpath[0] == '\0')
		strcpy(dirpath, "/");
	len = strlen(slash + 1);
	memcpy(base, slash + 1, len + 1);
	memcpy(old, base, len);
	memcpy(old + len, ".old", 5);
	d.path = dirpath;
	d.anchor = f->anchor;
	d.mode = f->mode;
	if ((dirfd = store_open_dir(ctx, &d, 0, &r)) == -1)
		return r == SHK_ERR_NOTFOUND ? SHK_OK : r;
	if ((r = store_rm_keep_dir(ctx, rm, dirpath, dirfd)) != SHK_OK)
		return r;
	/* A first look without the lock: a file that does not name the
	 * host needs no lock, so a store one cannot write (the system's,
	 * for a user) is no error when it has nothing to remove. The
	 * second pass, under the lock, decides. */
	for (pass = 0; pass < 2; pass++) {
		if (pass == 1 && (r = store_rm_lock(ctx, rm, dirpath, dirfd)) != SHK_OK)
			goto out;
		if (mapped) {
			shk_fmap_close(&m);
			mapped = 0;
		}
		SHK_FREE(content);
		r = shk_sf_map(dirfd, base, &m, &err);
		if (r == SHK_ERR_NOTFOUND) {
			r = SHK_OK;
			goto out;
		}
		if (r != SHK_OK) {
			shk_log_emit(&ctx->log, SHK_LOG_ERR, r, f->path, 0, "%s", err.msg);
			goto out;
		}
		mapped = 1;
		if ((r = store_kh_filter(ctx, f->path, m.data != NULL ? m.data : "", m.len,
					 name, pass == 1, &content, &clen, &n)) != SHK_OK)
			goto out;
		if (n == 0)
			goto out;
	}
	/* The rewritten file keeps the old one's permissions. */
	r = store_rm_plan(rm, dirfd, dirpath, base, old, content, clen, n, m.st.st_mode & 07777);
	content = NULL;
out:
	if (mapped)
		shk_fmap_close(&m);
	free(content);
	return r;
}

/* Every known_hosts file of the scope, resolved as the files module does. */
static int
store_rm_kh(const struct shk_ctx *ctx, enum shk_store_scope scope, const char *name,
	    struct store_rm *rm)
{
	const char *key = scope == SHK_STORE_SYSTEM ? "global_known_hosts" : "user_known_hosts";
	const char *v = shk_conf_get(ctx->conf, key), *p, *w;
	char *done[16];
	struct store_dir f;
	size_t ndone = 0, i, len;
	int r = SHK_OK, dup;

	if (v == NULL)
		return SHK_OK;
	for (p = v; *p != '\0' && r == SHK_OK;) {
		while (*p == ' ' || *p == '\t')
			p++;
		for (w = p; *p != '\0' && *p != ' ' && *p != '\t'; p++)
			;
		len = (size_t)(p - w);
		if (len == 0 || (len == 4 && memcmp(w, "none", 4) == 0))
			continue;
		if ((r = store_resolve(ctx, key, w, len, scope == SHK_STORE_SYSTEM, &f)) !=
		    SHK_OK)
			break;
		if (f.path == NULL)
			continue;
		for (dup = 0, i = 0; i < ndone; i++)
			dup |= strcmp(done[i], f.path) == 0;
		if (!dup)
			r = store_rm_kh_file(ctx, &f, name, rm);
		if (dup || ndone == SHK_ARRAY_SIZE(done))
			free(f.path);
		else
			done[ndone++] = f.path;
	}
	for (i = 0; i < ndone; i++)
		free(done[i]);
	return r;
}

/* Make the planned changes: rewrites first, then unlinks; stop at the
 * first failure. *removed counts the files and lines removed. */
static int
store_rm_apply(const struct shk_ctx *ctx, struct store_rm *rm, size_t *removed)
{
	struct shk_error err;
	size_t i, k, ndone = 0;
	int pass, r;

	*removed = 0;
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < rm->n; i++) {
			struct store_rm_change *c = &rm->v[i];

			if ((c->content == NULL) != (pass == 1))
				continue;
			memset(&err, 0, sizeof(err));
			if (c->content != NULL)
				r = shk_sf_replace(c->dirfd, c->name, c->content, c->clen, c->mode,
						   c->old, &err);
			else
				r = shk_sf_unlink(c->dirfd, c->name, &err);
			if (r != SHK_OK) {
				shk_log_emit(&ctx->log, SHK_LOG_ERR, r, c->path, 0,
					     "%s: removal stopped with %zu of %zu file(s) "
					     "changed (-v names them); the others are as they "
					     "were",
					     err.msg, ndone, rm->n);
				for (k = 0; k < rm->n; k++)
					shk_log_emit(&ctx->log, SHK_LOG_INFO, SHK_OK, rm->v[k].path,
						     0, "%s", rm->v[k].done ? "changed" : "not changed");
				return r;
			}
			c->done = 1;
			ndone++;
			*removed += c->nlines;
			if (c->content != NULL)
				shk_log_emit(&ctx->log, SHK_LOG_INFO, SHK_OK, c->path, 0,
					     "%zu line(s) removed; original contents kept in %s.old",
					     c->nlines, SHK_ESC(c->path));
			else
				shk_log_emit(&ctx->log, SHK_LOG_INFO, SHK_OK, c->path, 0, "removed");
		}
	}
	return SHK_OK;
}

static int
store_remove_impl(struct shk_ctx *ctx, enum shk_store_scope scope, const char *host,
		 unsigned int port, size_t *removed)
{
	char canon[SHK_HOST_MAX + 1], name[SHK_KH_NAME_MAX];
	struct shk_error err;
	struct store_rm rm;
	size_t n = 0;
	int r;

	memset(&err, 0, sizeof(err));
	memset(&rm, 0, sizeof(rm));
	if (removed != NULL)
		*removed = 0;
	if (ctx == NULL || host == NULL || (scope != SHK_STORE_USER && scope != SHK_STORE_SYSTEM))
		return SHK_ERR_INVAL;
	if ((r = shk_hostspec_parse(host, port, canon, sizeof(canon), &port, &err)) != SHK_OK) {
		shk_log_emit(&ctx->log, SHK_LOG_ERR, r, NULL, 0, "host \"%s\": %s", SHK_ESC(host),
			     err.msg);
		return r;
	}
	if ((r = shk_host_kh_name(canon, port, name, sizeof(name))) != SHK_OK)
		return r;
	if ((r = store_rm_ssh2(ctx, scope, canon, port, &rm)) == SHK_OK &&
	    (r = store_rm_kh(ctx, scope, name, &rm)) == SHK_OK)
		r = store_rm_apply(ctx, &rm, &n);
	store_rm_free(&rm);
	if (removed != NULL)
		*removed = n;
	if (r != SHK_OK)
		return r;
	return n > 0 ? SHK_OK : SHK_ERR_NOTFOUND;
}

/* The public call, with the real user's filesystem rights in a set-ID
 * process (privfs.h). */
int
shk_store_remove(struct shk_ctx *ctx, enum shk_store_scope scope, const char *host,
		 unsigned int port, size_t *removed)
{
	int r;

	if (removed != NULL)
		*removed = 0;
	SHK_PRIVFS_CALL(r, ctx != NULL ? &ctx->log : NULL, store_remove_impl(ctx, scope, host, port, removed));
	return r;
}
