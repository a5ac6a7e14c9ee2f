/* SPDX-License-Identifier: MIT */
/*
 * The "ssh2" source: Tectia-style host-key directories (docs/formats.md).
 * The user's directory is read first; the system one only when the user's
 * holds no file for the host. In one directory our hashed file
 * (keys_<64 hex>) wins over the plain one (key_<port>_<host>.pub). The
 * first file found decides; its keys are returned filtered by type.
 *
 * A lookup that finds nothing needs two counts from the directory's
 * names (docs/formats.md §2.5). They come from this context's memory, or
 * from the summary file in the cache directory, while the directory's
 * identity is unchanged; only otherwise is the directory listed.
 *
 * A file's keys are read by ssh2keys.c; check and enumerate are
 * ssh2walk.c's (ssh2.h).
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sshhostkeys/module.h>

#include "cachefile.h"
#include "carve.h"
#include "conf.h"
#include "fmap.h"
#include "keycache.h"
#include "keyvec.h"
#include "log.h"
#include "shk.h"
#include "ssh2.h"
#include "ssh2name.h"
#include "ssh2sum.h"
#include "storepath.h"
#include "trust.h"

/* A directory with fewer names than this is listed at every lookup that
 * needs its counts: that costs about what reading a summary does, and
 * saves a cache file per small store. */
#define SSH2_SUM_MIN_ENTRIES 64

/* What one directory says about a host. */
enum ssh2_dir_answer {
	SSH2_DIR_UNUSABLE = 0, /* missing, unreadable or untrusted */
	SSH2_DIR_ABSENT,       /* readable, no file for the host */
	SSH2_DIR_FOUND,	       /* a file decided */
};

int
ssh2_join(char *out, size_t cap, const char *dir, const char *name)
{
	size_t dl = strlen(dir), nl = strlen(name);

	if (dl + 1 + nl + 1 > cap)
		return SHK_ERR_RANGE;
	memcpy(out, dir, dl);
	out[dl] = '/';
	memcpy(out + dl + 1, name, nl + 1);
	return SHK_OK;
}

/*
 * Open dir/name for reading without following a symlink and without
 * blocking on a FIFO, map it and check who may write it. Returns SHK_OK,
 * SHK_ERR_NOTFOUND (silently: the file is simply not there) or another
 * status after logging why the file is refused and what follows (conseq).
 */
int
ssh2_map(const struct ssh2_dir *d, int dirfd, const char *name, const char *path,
	 uid_t uid, const struct shk_log *log, const char *conseq, struct shk_fmap *m)
{
	struct shk_error err;
	int fd, r, oerrno;

	memset(m, 0, sizeof(*m));
	fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd == -1) {
		oerrno = errno;
		if (oerrno == ENOENT)
			return SHK_ERR_NOTFOUND;
		if (oerrno == ELOOP) {
			shk_log_emit(log, SHK_LOG_WARN, SHK_ERR_UNTRUSTED, path, 0,
				     "is a symbolic link: %s", conseq);
			return SHK_ERR_UNTRUSTED;
		}
		shk_log_emit(log, SHK_LOG_WARN, SHK_ERR_SYSTEM, path, 0, "cannot open: %s: %s",
			     strerror(oerrno), conseq);
		return SHK_ERR_SYSTEM;
	}
	if ((r = shk_fmap_fd(fd, m, &err)) != SHK_OK) {
		memset(m, 0, sizeof(*m));
		shk_log_emit(log, SHK_LOG_WARN, r, path, 0, "%s: %s", err.msg, conseq);
		goto out;
	}
	if ((r = shk_trust_fd(fd, path, d->stop_dir, uid, &err)) != SHK_OK) {
		shk_fmap_close(m);
		shk_log_emit(log, SHK_LOG_WARN, r, path, 0, "%s: %s", err.msg, conseq);
		goto out;
	}
	r = SHK_OK;
 out:
	close(fd);
	return r;
}


/*
 * Open and trust-check a store directory. Returns the fd, or -1 with
 * *why set: SHK_ERR_NOTFOUND when it does not exist (not worth a
 * warning: most machines have no such store), another status after
 * logging.
 */
int
ssh2_open_dir(const struct ssh2_dir *d, uid_t uid, const struct shk_log *log, int *why)
{
	struct shk_error err;
	int fd, r, oerrno;

	fd = open(d->path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd == -1) {
		oerrno = errno;
		if (oerrno == ENOENT) {
			*why = SHK_ERR_NOTFOUND;
			return -1;
		}
		*why = SHK_ERR_SYSTEM;
		if (oerrno == ELOOP)
			shk_log_emit(log, SHK_LOG_WARN, SHK_ERR_UNTRUSTED, d->path, 0,
				     "is a symbolic link: store ignored");
		else
			shk_log_emit(log, SHK_LOG_WARN, SHK_ERR_SYSTEM, d->path, 0,
				     "cannot open: %s: store ignored", strerror(oerrno));
		return -1;
	}
	if ((r = shk_trust_fd(fd, d->path, d->stop_dir, uid, &err)) != SHK_OK) {
		*why = r;
		shk_log_emit(log, SHK_LOG_WARN, r, d->path, 0, "%s: store ignored", err.msg);
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * List the directory: count our hashed files and genuine Tectia ones,
 * and, in *nentries, every name but "." and "..". A fresh descriptor
 * for "." gives the listing its own offset. 0 when the listing was
 * complete; -1 when it failed part way (the counts are what was seen).
 */
int
ssh2_list(int dirfd, struct ssh2_scan *sc, unsigned long *nentries)
{
	struct dirent *de;
	DIR *dp;
	int fd, r;

	sc->done = 1;
	sc->nhashed = sc->ntectia = 0;
	*nentries = 0;
	if ((fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return -1;
	if ((dp = fdopendir(fd)) == NULL) {
		close(fd);
		return -1;
	}
	for (;;) {
		errno = 0;
		if ((de = readdir(dp)) == NULL)
			break;
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		(*nentries)++;
		switch (shk_ssh2_classify(de->d_name, NULL, NULL, 0)) {
		case SHK_SSH2_HASHED:
			sc->nhashed++;
			break;
		case SHK_SSH2_TECTIA:
			sc->ntectia++;
			break;
		default:
			break;
		}
	}
	r = errno != 0 ? -1 : 0;
	closedir(dp);
	return r;
}

/* Keep sc as the counts of the directory in state ds. */
static void
ssh2_remember(struct ssh2_state *st, struct ssh2_dir *d, const struct stat *ds,
	      const struct ssh2_scan *sc)
{
	if (!st->lock_init)
		return;
	pthread_mutex_lock(&st->lock);
	d->mem_st = *ds;
	d->mem = *sc;
	d->mem_valid = 1;
	pthread_mutex_unlock(&st->lock);
}

/*
 * The counts of the open directory dirfd, at most once per call: from
 * this context's memory or the summary file when either describes the
 * directory's present state, else from a listing, which is then kept
 * (and written, for a directory of SSH2_SUM_MIN_ENTRIES names or more)
 * when the directory's last change is old enough that any later change
 * must move its mtime or ctime. A summary that cannot be read or
 * written only costs the listing; the counts, and so the messages, are
 * the same either way.
 */
static void
ssh2_scan(struct ssh2_state *st, struct ssh2_dir *d, int dirfd, const struct shk_log *log,
	  struct ssh2_scan *sc)
{
	struct shk_s2sum sum;
	struct shk_error err;
	struct stat ds;
	unsigned long nentries;
	int r, settled, hit = 0;

	if (sc->done)
		return;
	if (st->summary_off || fstat(dirfd, &ds) == -1) {
		ssh2_list(dirfd, sc, &nentries);
		return;
	}
	/* Judged before the listing: a change after this fstat must then
	 * give the directory another identity. */
	settled = shk_cache_settled(&ds);
	if (st->lock_init) {
		pthread_mutex_lock(&st->lock);
		if (d->mem_valid && shk_cache_same_file(&d->mem_st, &ds)) {
			*sc = d->mem;
			hit = 1;
		}
		pthread_mutex_unlock(&st->lock);
		if (hit)
			return;
	}
	if (d->cache_dir != NULL) {
		memset(&err, 0, sizeof(err));
		r = shk_s2sum_load(d->cache_dir, &ds, st->euid, &sum, &err);
		if (r == SHK_OK && sum.nhashed <= ULONG_MAX && sum.ntectia <= ULONG_MAX) {
			sc->done = 1;
			sc->nhashed = (unsigned long)sum.nhashed;
			sc->ntectia = (unsigned long)sum.ntectia;
			if (settled)
				ssh2_remember(st, d, &ds, sc);
			return;
		}
		/* Missing or stale is routine; anything else is worth a word,
		 * at debug level only: the listing still gives the answer. */
		if (r != SHK_ERR_NOTFOUND)
			shk_log_emit(log, SHK_LOG_DEBUG, r, d->path, 0,
				     "summary not used: %s; listing the directory",
				     r == SHK_OK ? "counts out of range" : err.msg);
	}
	if (ssh2_list(dirfd, sc, &nentries) != 0 || !settled)
		return;
	ssh2_remember(st, d, &ds, sc);
	if (d->cache_dir == NULL || !d->cache_write || nentries < SSH2_SUM_MIN_ENTRIES)
		return;
	sum.nhashed = sc->nhashed;
	sum.ntectia = sc->ntectia;
	memset(&err, 0, sizeof(err));
	if ((r = shk_s2sum_save(d->cache_dir, &ds, &sum, st->euid, &err)) != SHK_OK)
		shk_log_emit(log, SHK_LOG_DEBUG, r, d->path, 0, "summary not written: %s",
			     err.msg);
}

/* Warn that hashed files exist but no salt does: they cannot be used.
 * sc holds the directory's counts. */
void
ssh2_warn_no_salt(const struct ssh2_dir *d, const struct shk_log *log,
		  const struct ssh2_scan *sc)
{
	char path[PATH_MAX];

	if (sc->nhashed > 0 && ssh2_join(path, sizeof(path), d->path, SHK_SSH2_SALT_FILE) == SHK_OK)
		shk_log_emit(log, SHK_LOG_WARN, SHK_ERR_NOTFOUND, path, 0,
			     "missing while %lu hashed file(s) exist: hashed files of this "
			     "directory are unusable",
			     sc->nhashed);
}

/*
 * Read the directory's salt. SHK_OK when hashed files can be used;
 * otherwise the reason has been logged, except for a missing salt
 * (SHK_ERR_NOTFOUND): whether that is a problem depends on whether hashed
 * files exist, which only a listing of the directory tells (and a lookup
 * lists only when it found nothing: see ssh2_warn_no_salt).
 */
int
ssh2_salt(const struct ssh2_dir *d, int dirfd, uid_t uid, const struct shk_log *log,
	  unsigned char salt[SHK_SSH2_SALT_LEN])
{
	static const char conseq[] = "hashed files of this directory are unusable";
	char path[PATH_MAX];
	struct shk_error err;
	struct shk_fmap m;
	int r;

	if ((r = ssh2_join(path, sizeof(path), d->path, SHK_SSH2_SALT_FILE)) != SHK_OK)
		return r;
	r = ssh2_map(d, dirfd, SHK_SSH2_SALT_FILE, path, uid, log, conseq, &m);
	if (r != SHK_OK)
		return r;
	r = shk_ssh2_salt_parse(m.data != NULL ? m.data : "", m.len, salt, &err);
	if (r != SHK_OK)
		shk_log_emit(log, SHK_LOG_WARN, r, path, 0, "%s: %s", err.msg, conseq);
	shk_fmap_close(&m);
	return r;
}


/* The lookup in one directory. On FOUND, path names the file. */
static enum ssh2_dir_answer
ssh2_dir_lookup(struct ssh2_state *st, struct ssh2_dir *d,
		const struct shk_module_query *q, struct shk_log_module *ml,
		struct ssh2_collect *c, char *path, size_t pathcap, int *tectia_logged,
		int *nomem)
{
	const struct shk_log *log = &ml->log;
	unsigned char salt[SHK_SSH2_SALT_LEN];
	char name[SHK_SSH2_PLAIN_NAME_MAX];
	struct ssh2_scan sc;
	enum ssh2_dir_answer ans = SSH2_DIR_UNUSABLE;
	int dirfd, why, r, salt_r, k;

	memset(&sc, 0, sizeof(sc));
	if (d->path == NULL)
		return SSH2_DIR_UNUSABLE;
	if ((dirfd = ssh2_open_dir(d, st->env->uid, log, &why)) == -1)
		return SSH2_DIR_UNUSABLE;
	ans = SSH2_DIR_ABSENT;
	salt_r = ssh2_salt(d, dirfd, st->env->uid, log, salt);
	/* The hashed name first (what add writes by default), then the plain. */
	for (k = 0; k < 2; k++) {
		if (k == 0 ? salt_r != SHK_OK || shk_ssh2_hashed_name(salt, q->host, q->port, name,
								      sizeof(name)) != SHK_OK
			   : shk_ssh2_plain_name(q->host, q->port, name, sizeof(name)) != SHK_OK)
			continue;
		r = ssh2_try_file(st, d, dirfd, name, ml, c, path, pathcap);
		if (r == SHK_OK) {
			ans = SSH2_DIR_FOUND;
			goto out;
		}
		if (r == SHK_ERR_NOMEM)
			goto nomem;
	}
	/*
	 * Nothing names the host. Only now is the directory listed, so a
	 * host that is there costs one open by name however large the
	 * store: hashed files without a salt are unusable, and a genuine
	 * Tectia file might hold the host's key without anyone being able
	 * to tell. Say so (the Tectia notice once per lookup). The counts
	 * usually come from a summary, not a listing (ssh2_scan).
	 */
	if (salt_r == SHK_ERR_NOTFOUND) {
		ssh2_scan(st, d, dirfd, log, &sc);
		ssh2_warn_no_salt(d, log, &sc);
	}
	if (!*tectia_logged) {
		ssh2_scan(st, d, dirfd, log, &sc);
		if (sc.ntectia > 0) {
			shk_log_emit(log, SHK_LOG_INFO, SHK_ERR_UNSUPPORTED, d->path, 0,
				     "holds %lu genuine Tectia hashed file(s) whose hosts "
				     "cannot be resolved (algorithm unpublished); a key for "
				     "%s port %u may be among them",
				     sc.ntectia, q->host, q->port);
			*tectia_logged = 1;
		}
	}
	goto out;
 nomem:
	*nomem = 1;
 out:
	close(dirfd);
	return ans;
}

/* Whether a host may become part of a file name. The dispatcher already
 * validated it; a bug there must not turn into path traversal here. */
static int
ssh2_host_ok(const char *host)
{
	return host != NULL && *host != '\0' && strchr(host, '/') == NULL &&
	       strcmp(host, ".") != 0 && strcmp(host, "..") != 0;
}

/* Copy the collected keys into the caller's buffer. */
static int
ssh2_carve(const struct ssh2_collect *c, const char *origin, struct shk_module_result *res,
	   char *buf, size_t buflen)
{
	struct shk_module_key *keys;
	struct shk_carve cv;
	const char *org;
	size_t i;

	shk_carve_init(&cv, buf, buflen);
	keys = shk_carve_alloc(&cv, c->kv.n * sizeof(*keys), _Alignof(struct shk_module_key));
	org = shk_carve_strndup(&cv, origin, strlen(origin));
	if (keys == NULL || org == NULL)
		return SHK_ERR_RANGE;
	for (i = 0; i < c->kv.n; i++) {
		const struct shk_key *k = c->kv.v[i];

		memset(&keys[i], 0, sizeof(keys[i]));
		keys[i].type = shk_carve_strndup(&cv, k->type, strlen(k->type));
		keys[i].blob = shk_carve_memdup(&cv, k->blob, k->bloblen);
		keys[i].bloblen = k->bloblen;
		keys[i].marker = SHK_MARKER_NONE;
		keys[i].origin = org;
		keys[i].line = c->kv.line[i];
		keys[i].port_fallback = 0;
		if (k->comment != NULL)
			keys[i].comment = shk_carve_strndup(&cv, k->comment, strlen(k->comment));
		if (cv.overflow)
			return SHK_ERR_RANGE;
	}
	res->keys = keys;
	res->nkeys = c->kv.n;
	return SHK_OK;
}

enum shk_nss_status
ssh2_lookup(void *state, const struct shk_module_query *q, struct shk_module_result *res,
	    char *buf, size_t buflen, int *errnop)
{
	struct ssh2_state *st = state;
	struct ssh2_collect c;
	struct shk_log_module ml;
	enum ssh2_dir_answer ans;
	enum shk_nss_status ret = SHK_NSS_UNAVAIL;
	char path[PATH_MAX];
	int tectia_logged = 0, nomem = 0, usable = 0;
	size_t i;

	memset(&c, 0, sizeof(c));
	res->keys = NULL;
	res->nkeys = 0;
	shk_log_module_init(&ml, st->env);
	if (!ssh2_host_ok(q->host) || q->port == 0 || q->port > 65535) {
		shk_log_emit(&ml.log, SHK_LOG_WARN, SHK_ERR_INVAL, NULL, 0,
			     "ssh2: refusing host \"%s\" port %u",
			     q->host != NULL ? q->host : "(null)", q->port);
		*errnop = EINVAL;
		return SHK_NSS_UNAVAIL;
	}
	c.keytype = q->keytype;
	for (i = 0; i < SHK_ARRAY_SIZE(st->dirs); i++) {
		ans = ssh2_dir_lookup(st, &st->dirs[i], q, &ml, &c, path, sizeof(path),
				      &tectia_logged, &nomem);
		if (nomem) {
			*errnop = ENOMEM;
			ret = SHK_NSS_TRYAGAIN;
			goto out;
		}
		if (ans == SSH2_DIR_FOUND)
			break;
		if (ans == SSH2_DIR_ABSENT)
			usable = 1;
	}
	if (i == SHK_ARRAY_SIZE(st->dirs)) {
		if (usable) {
			ret = SHK_NSS_NOTFOUND;
		} else {
			*errnop = ENOENT;
			ret = SHK_NSS_UNAVAIL;
		}
		goto out;
	}
	if (c.kv.n == 0) {
		ret = SHK_NSS_NOTFOUND;
		goto out;
	}
	if (ssh2_carve(&c, path, res, buf, buflen) != SHK_OK) {
		res->keys = NULL;
		res->nkeys = 0;
		*errnop = ERANGE;
		ret = SHK_NSS_TRYAGAIN;
		goto out;
	}
	ret = SHK_NSS_SUCCESS;
 out:
	shk_keyvec_free(&c.kv);
	return ret;
}

/* A configured directory: "~/..." under home, else an absolute path
 * (prefixed with root for the system directory). */
static int
ssh2_dir_setup(const struct shk_module_env *env, const struct shk_log *log, const char *key,
	       int is_system, struct ssh2_dir *d)
{
	const char *v = shk_conf_module_get(env, key);
	int r;

	d->path = NULL;
	d->stop_dir = NULL;
	if (v[0] == '\0') {
		/* An empty value is how a site turns one directory off. */
		shk_log_emit(log, SHK_LOG_DEBUG, SHK_OK, NULL, 0, "ssh2: %s is empty: off", key);
		return SHK_OK;
	}
	r = shk_store_path(v, strlen(v), is_system, env->root, env->home, &d->path,
			   &d->stop_dir);
	if (r == SHK_ERR_INVAL) {
		shk_log_emit(log, SHK_LOG_WARN, SHK_ERR_INVAL, NULL, 0,
			     "ssh2: %s = \"%s\": not an absolute path or ~/...: ignored", key, v);
		return SHK_OK;
	}
	if (r == SHK_OK && d->path == NULL)
		shk_log_emit(log, SHK_LOG_DEBUG, SHK_ERR_NOTFOUND, NULL, 0,
			     "ssh2: no home directory: %s skipped", v);
	return r;
}

static void
ssh2_close(void *state)
{
	struct ssh2_state *st = state;
	size_t i;

	if (st == NULL)
		return;
	for (i = 0; i < SHK_ARRAY_SIZE(st->dirs); i++)
		SHK_FREE(st->dirs[i].path);
	if (st->lock_init)
		pthread_mutex_destroy(&st->lock);
	shk_keycache_free(st->kc);
	free(st->sys_cache);
	free(st->user_cache);
	free(st);
}

/*
 * Where the directories' summaries live (cachefile.h): the user
 * directory's in the user's cache, written when the stores are the
 * caller's own; the system directory's in the system cache, written by
 * root only. SSHHOSTKEYS_SSH2_SUMMARY=0 (or "no", "off") turns summaries
 * off, memory included, for tests and benchmarks.
 */
static int
ssh2_summary_setup(struct ssh2_state *st)
{
	const char *v = secure_getenv("SSHHOSTKEYS_SSH2_SUMMARY");
	int r;

	st->euid = geteuid();
	if (v != NULL && (strcmp(v, "0") == 0 || strcmp(v, "no") == 0 || strcmp(v, "off") == 0)) {
		st->summary_off = 1;
		return SHK_OK;
	}
	/* Without a lock, no memory: the summary files still serve. */
	st->lock_init = pthread_mutex_init(&st->lock, NULL) == 0;
	if ((r = shk_cache_dirs(st->env->root, st->env->home, st->env->uid, st->euid,
				&st->sys_cache, &st->user_cache)) != SHK_OK)
		return r;
	st->dirs[0].cache_dir = st->user_cache;
	st->dirs[0].cache_write = st->user_cache != NULL;
	st->dirs[1].cache_dir = st->sys_cache;
	st->dirs[1].cache_write = st->euid == 0;
	return SHK_OK;
}

static int
ssh2_open(const struct shk_module_env *env, void **state)
{
	struct ssh2_state *st;
	struct shk_log_module ml;
	int r;

	*state = NULL;
	if (env == NULL || env->abi_version != SHK_MODULE_ABI_VERSION)
		return SHK_ERR_MODULE;
	if ((st = calloc(1, sizeof(*st))) == NULL)
		return SHK_ERR_NOMEM;
	st->env = env;
	shk_log_module_init(&ml, env);
	if ((r = ssh2_dir_setup(env, &ml.log, "user_hostkeys_dir", 0, &st->dirs[0])) != SHK_OK)
		goto out;
	if ((r = ssh2_dir_setup(env, &ml.log, "system_hostkeys_dir", 1, &st->dirs[1])) != SHK_OK)
		goto out;
	if ((r = ssh2_summary_setup(st)) != SHK_OK)
		goto out;
	/* The key cache only saves time: without memory, none. */
	st->kc = shk_keycache_new();
	*state = st;
	st = NULL;
	r = SHK_OK;
 out:
	ssh2_close(st);
	return r;
}


static const struct shk_module ssh2_module = {
	.abi_version = SHK_MODULE_ABI_VERSION,
	.name = "ssh2",
	.open = ssh2_open,
	.close = ssh2_close,
	.lookup = ssh2_lookup,
	.verify = NULL,
	.check = ssh2_check,
	.enumerate = ssh2_enumerate,
};

const struct shk_module *sshhostkeys_module_v1(void) __attribute__((visibility("default")));

const struct shk_module *
sshhostkeys_module_v1(void)
{
	return &ssh2_module;
}
