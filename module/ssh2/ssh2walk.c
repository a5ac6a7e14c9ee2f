/* SPDX-License-Identifier: MIT */
/*
 * The ssh2 source's whole-directory walks: check (lint every name and
 * file of both directories, always from a fresh listing) and enumerate
 * (export every host a plain file names, answered through the lookup,
 * then the keys of the hashed files no name reached, unnamed).
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sshhostkeys/module.h>

#include "hostspec.h"
#include "keyvec.h"
#include "log.h"
#include "shk.h"
#include "ssh2.h"
#include "ssh2name.h"
#include "storefile.h"

/* ---- check ------------------------------------------------------------- */

/* Lint one key file: it must be a trusted regular file holding keys
 * that all parse. Returns the number of problems. */
static unsigned long
ssh2_check_file(const struct ssh2_state *st, const struct ssh2_dir *d, int dirfd,
		const char *name, struct shk_log_module *ml)
{
	struct ssh2_collect c;
	char path[PATH_MAX];
	unsigned long before = ml->nwarn;
	int r;

	memset(&c, 0, sizeof(c));
	r = ssh2_try_file(st, d, dirfd, name, ml, &c, path, sizeof(path));
	shk_keyvec_free(&c.kv);
	if (r == SHK_ERR_NOMEM) {
		shk_log_emit(&ml->log, SHK_LOG_ERR, r, d->path, 0, "out of memory reading %s",
			     name);
		return 1;
	}
	/* Each warning logged on the way (refusal, bad block, no key) is
	 * one problem. */
	return ml->nwarn - before;
}

/* Lint one directory. Returns the number of problems. */
static unsigned long
ssh2_check_dir(const struct ssh2_state *st, const struct ssh2_dir *d,
	       struct shk_log_module *ml)
{
	const struct shk_log *log = &ml->log;
	unsigned char salt[SHK_SSH2_SALT_LEN];
	char path[PATH_MAX], host[256];
	struct ssh2_scan sc;
	struct dirent *de;
	unsigned long n = 0, before, nentries;
	unsigned int port;
	DIR *dp = NULL;
	int dirfd, why, fd;

	memset(&sc, 0, sizeof(sc));
	if (d->path == NULL)
		return 0;
	if ((dirfd = ssh2_open_dir(d, st->env->uid, log, &why)) == -1) {
		if (why == SHK_ERR_NOTFOUND) {
			shk_log_emit(log, SHK_LOG_DEBUG, why, d->path, 0, "no such directory");
			return 0;
		}
		return 1;
	}
	before = ml->nwarn;
	/* check always lists: it reports what the directory holds now. */
	if (ssh2_salt(d, dirfd, st->env->uid, log, salt) == SHK_ERR_NOTFOUND) {
		ssh2_list(dirfd, &sc, &nentries);
		ssh2_warn_no_salt(d, log, &sc);
	}
	n += ml->nwarn - before;
	if ((fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1 ||
	    (dp = fdopendir(fd)) == NULL) {
		shk_log_emit(log, SHK_LOG_WARN, SHK_ERR_SYSTEM, d->path, 0,
			     "cannot list: %s", strerror(errno));
		if (fd != -1)
			close(fd);
		n++;
		goto out;
	}
	while ((de = readdir(dp)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (ssh2_join(path, sizeof(path), d->path, de->d_name) != SHK_OK)
			snprintf(path, sizeof(path), "%s", d->path);
		switch (shk_ssh2_classify(de->d_name, &port, host, sizeof(host))) {
		case SHK_SSH2_SALT:
			break;
		case SHK_SSH2_TECTIA:
			shk_log_emit(log, SHK_LOG_WARN, SHK_ERR_UNSUPPORTED, path, 0,
				     "genuine Tectia hashed file: its host cannot be resolved "
				     "(algorithm unpublished)");
			n++;
			break;
		case SHK_SSH2_PLAIN:
			if (strpbrk(host, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != NULL) {
				shk_log_emit(log, SHK_LOG_WARN, SHK_ERR_INVAL, path, 0,
					     "host name is not lowercase: lookups never "
					     "find this file");
				n++;
			}
			n += ssh2_check_file(st, d, dirfd, de->d_name, ml);
			break;
		case SHK_SSH2_HASHED:
			n += ssh2_check_file(st, d, dirfd, de->d_name, ml);
			break;
		default:
			/* The writers' lock file belongs to the store; a
			 * temporary file is a leftover of an interrupted
			 * write (storefile.h), harmless and removed by the
			 * next write. Neither is a problem. */
			if (strcmp(de->d_name, SHK_SF_LOCK_NAME) == 0)
				break;
			if (strcmp(de->d_name, SHK_SF_TEMP_NAME) == 0) {
				shk_log_emit(log, SHK_LOG_INFO, SHK_OK, path, 0,
					     "leftover of an interrupted write: removed "
					     "by the next write");
				break;
			}
			shk_log_emit(log, SHK_LOG_WARN, SHK_ERR_PARSE, path, 0,
				     "name fits no pattern (key_<port>_<host>.pub, "
				     "keys_<64 hex>, salt): ignored");
			n++;
			break;
		}
	}
 out:
	if (dp != NULL)
		closedir(dp);
	close(dirfd);
	return n;
}

int
ssh2_check(void *state)
{
	const struct ssh2_state *st = state;
	struct shk_log_module ml;
	unsigned long n = 0;
	size_t i;

	shk_log_module_init(&ml, st->env);
	for (i = 0; i < SHK_ARRAY_SIZE(st->dirs); i++)
		n += ssh2_check_dir(st, &st->dirs[i], &ml);
	return n > INT_MAX ? INT_MAX : (int)n;
}

/* ---- enumerate (export) ------------------------------------------------ */

/*
 * Hosts named by plain files, each answered once through the lookup, so
 * what is enumerated is exactly what lookups see (hashed over plain, user
 * over system). Then the keys of every hashed file no such answer used:
 * their names hide the host (that is what they are for), so they are
 * given with no name (module.h), for the caller to count or resolve.
 */

/* A growable list of strings, sorted and made unique before use. */
struct ssh2_strs {
	char **v;
	size_t n, cap;
};

static int
ssh2_strs_add(struct ssh2_strs *l, char *s)
{
	char **nv;

	if (s == NULL)
		return SHK_ERR_NOMEM;
	if (l->n == l->cap) {
		size_t ncap = l->cap ? 2 * l->cap : 16;

		if ((nv = reallocarray(l->v, ncap, sizeof(*nv))) == NULL) {
			free(s);
			return SHK_ERR_NOMEM;
		}
		l->v = nv;
		l->cap = ncap;
	}
	l->v[l->n++] = s;
	return SHK_OK;
}

static int
ssh2_strs_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sort and drop duplicates: a set for bsearch, in a stable order. */
static void
ssh2_strs_sort(struct ssh2_strs *l)
{
	size_t i, w;

	if (l->n == 0)
		return;
	qsort(l->v, l->n, sizeof(*l->v), ssh2_strs_cmp);
	for (i = 1, w = 1; i < l->n; i++) {
		if (strcmp(l->v[i], l->v[w - 1]) == 0)
			free(l->v[i]);
		else
			l->v[w++] = l->v[i];
	}
	l->n = w;
}

static int
ssh2_strs_has(const struct ssh2_strs *l, const char *s)
{
	return l->n > 0 && bsearch(&s, l->v, l->n, sizeof(*l->v), ssh2_strs_cmp) != NULL;
}

static void
ssh2_strs_free(struct ssh2_strs *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	SHK_FREE(l->v);
	l->n = l->cap = 0;
}

/* Call f for every entry of d's listing (a trusted directory), with its
 * kind; stop at the first non-SHK_OK. */
typedef int ssh2_entry_fn(const struct ssh2_state *st, const struct ssh2_dir *d, int dirfd,
			  const char *name, enum shk_ssh2_kind kind, unsigned int port,
			  const char *host, void *arg);

static int
ssh2_walk_dir(const struct ssh2_state *st, const struct ssh2_dir *d, const struct shk_log *log,
	      ssh2_entry_fn *f, void *arg)
{
	char host[SHK_SSH2_PLAIN_NAME_MAX];
	enum shk_ssh2_kind kind;
	struct dirent *de;
	unsigned int port;
	DIR *dp;
	int dirfd, fd, why, r = SHK_OK;

	if (d->path == NULL ||
	    (dirfd = ssh2_open_dir(d, st->env->uid, log, &why)) == -1)
		return SHK_OK;
	if ((fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1 ||
	    (dp = fdopendir(fd)) == NULL) {
		if (fd != -1)
			close(fd);
		close(dirfd);
		return SHK_OK;
	}
	while (r == SHK_OK && (de = readdir(dp)) != NULL) {
		kind = shk_ssh2_classify(de->d_name, &port, host, sizeof(host));
		r = f(st, d, dirfd, de->d_name, kind, port, host, arg);
	}
	closedir(dp);
	close(dirfd);
	return r;
}

struct ssh2_names_walk {
	const struct shk_log *log;
	struct ssh2_strs names; /* "PORT HOST" */
};

/* A plain file's host, when it is a host name (ssh2_walk_dir's f). */
static int
ssh2_name_of(const struct ssh2_state *st, const struct ssh2_dir *d, int dirfd,
	     const char *name, enum shk_ssh2_kind kind, unsigned int port, const char *host,
	     void *arg)
{
	struct ssh2_names_walk *w = arg;
	char canon[SHK_HOST_MAX + 1], *s;
	struct shk_error err;

	(void)st;
	(void)dirfd;
	if (kind != SHK_SSH2_PLAIN)
		return SHK_OK;
	/* A file made by hand can name what no host is ("!a", "*"):
	 * exported as is, it would become a known_hosts pattern or a
	 * negation. Only names shk_host_canon() takes are names. */
	memset(&err, 0, sizeof(err));
	if (shk_host_canon(host, strlen(host), canon, sizeof(canon), &err) != SHK_OK) {
		shk_log_emit(w->log, SHK_LOG_WARN, SHK_ERR_INVAL, d->path, 0, "%s: %s: skipped",
			     SHK_ESC(name), err.msg);
		return SHK_OK;
	}
	if (asprintf(&s, "%u %s", port, host) == -1)
		s = NULL;
	return ssh2_strs_add(&w->names, s);
}

struct ssh2_unnamed_walk {
	struct shk_log_module *ml;
	const struct ssh2_strs *used; /* paths the named hosts' answers came from */
	int (*cb)(void *arg, const char *names, const struct shk_module_key *key);
	void *arg;
};

/* A hashed file no answer used: its keys, unnamed (ssh2_walk_dir's f). */
static int
ssh2_unnamed_keys(const struct ssh2_state *st, const struct ssh2_dir *d, int dirfd,
		  const char *name, enum shk_ssh2_kind kind, unsigned int port, const char *host,
		  void *arg)
{
	struct ssh2_unnamed_walk *w = arg;
	struct shk_module_key mk;
	struct ssh2_collect c;
	char path[PATH_MAX];
	size_t i;
	int r;

	(void)port;
	(void)host;
	if (kind != SHK_SSH2_HASHED && kind != SHK_SSH2_TECTIA)
		return SHK_OK;
	if (ssh2_join(path, sizeof(path), d->path, name) != SHK_OK || ssh2_strs_has(w->used, path))
		return SHK_OK;
	memset(&c, 0, sizeof(c));
	r = ssh2_try_file(st, d, dirfd, name, w->ml, &c, path, sizeof(path));
	if (r == SHK_ERR_NOTFOUND)
		return SHK_OK; /* refused, and said why */
	for (i = 0; r == SHK_OK && i < c.kv.n; i++) {
		memset(&mk, 0, sizeof(mk));
		mk.type = c.kv.v[i]->type;
		mk.blob = c.kv.v[i]->blob;
		mk.bloblen = c.kv.v[i]->bloblen;
		mk.origin = path;
		mk.line = c.kv.line[i];
		mk.comment = c.kv.v[i]->comment;
		r = w->cb(w->arg, NULL, &mk);
	}
	shk_keyvec_free(&c.kv);
	return r;
}

/* Answer "PORT HOST" through the lookup; call cb for each key and note
 * the file it came from in used. */
static int
ssh2_enumerate_host(void *state, const char *entry, char **buf, size_t *len,
		    struct ssh2_strs *used,
		    int (*cb)(void *arg, const char *names, const struct shk_module_key *key),
		    void *arg)
{
	char khname[SHK_SSH2_PLAIN_NAME_MAX + 16], *host, *nb;
	struct shk_module_query q;
	struct shk_module_result res;
	enum shk_nss_status ns;
	size_t k;
	int r = SHK_OK, errnop;

	memset(&q, 0, sizeof(q));
	q.port = (unsigned int)strtoul(entry, &host, 10);
	q.host = host + 1;
	if (q.port == 22)
		snprintf(khname, sizeof(khname), "%s", q.host);
	else
		snprintf(khname, sizeof(khname), "[%s]:%u", q.host, q.port);
	q.kh_name = khname;
	for (;;) {
		errnop = 0;
		ns = ssh2_lookup(state, &q, &res, *buf, *len, &errnop);
		if (ns != SHK_NSS_TRYAGAIN || errnop != ERANGE)
			break;
		if ((nb = realloc(*buf, 2 * *len)) == NULL)
			return SHK_ERR_NOMEM;
		*buf = nb;
		*len *= 2;
	}
	if (ns != SHK_NSS_SUCCESS)
		return SHK_OK;
	for (k = 0; k < res.nkeys && r == SHK_OK; k++) {
		if (res.keys[k].origin != NULL &&
		    (k == 0 || res.keys[k - 1].origin == NULL ||
		     strcmp(res.keys[k].origin, res.keys[k - 1].origin) != 0))
			r = ssh2_strs_add(used, strdup(res.keys[k].origin));
		if (r == SHK_OK)
			r = cb(arg, khname, &res.keys[k]);
	}
	return r;
}

int
ssh2_enumerate(void *state,
	       int (*cb)(void *arg, const char *names, const struct shk_module_key *key),
	       void *arg)
{
	const struct ssh2_state *st = state;
	struct ssh2_names_walk nw;
	struct ssh2_unnamed_walk uw;
	struct ssh2_strs used;
	struct shk_log_module ml;
	size_t i, len = 16384;
	char *buf;
	int r = SHK_OK;

	if (st == NULL || cb == NULL)
		return SHK_ERR_INVAL;
	if ((buf = malloc(len)) == NULL)
		return SHK_ERR_NOMEM;
	memset(&nw, 0, sizeof(nw));
	memset(&used, 0, sizeof(used));
	shk_log_module_init(&ml, st->env);
	nw.log = &ml.log;
	/* Sorted: an export does not depend on the order of a listing. */
	for (i = 0; i < SHK_ARRAY_SIZE(st->dirs) && r == SHK_OK; i++)
		r = ssh2_walk_dir(st, &st->dirs[i], &ml.log, ssh2_name_of, &nw);
	ssh2_strs_sort(&nw.names);
	for (i = 0; i < nw.names.n && r == SHK_OK; i++)
		r = ssh2_enumerate_host(state, nw.names.v[i], &buf, &len, &used, cb, arg);
	ssh2_strs_sort(&used);
	uw.ml = &ml;
	uw.used = &used;
	uw.cb = cb;
	uw.arg = arg;
	for (i = 0; i < SHK_ARRAY_SIZE(st->dirs) && r == SHK_OK; i++)
		r = ssh2_walk_dir(st, &st->dirs[i], &ml.log, ssh2_unnamed_keys, &uw);
	free(buf);
	ssh2_strs_free(&nw.names);
	ssh2_strs_free(&used);
	return r;
}
