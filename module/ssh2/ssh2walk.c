/* SPDX-License-Identifier: MIT */
/*
 * The ssh2 source's whole-directory walks: check (lint every name and
 * file of both directories, always from a fresh listing) and enumerate
 * (export every host a plain file names, answered through the lookup).
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

/* Hosts named by plain files, each answered once through the lookup, so
 * what is enumerated is exactly what lookups see (hashed over plain, user
 * over system). Hosts known only through hashed files cannot be named. */
struct ssh2_names {
	char **v;
	size_t n, cap;
};

static int
ssh2_names_add(struct ssh2_names *nm, const char *host, unsigned int port)
{
	char **nv, *s;
	size_t i;

	if (asprintf(&s, "%u %s", port, host) == -1)
		return SHK_ERR_NOMEM;
	for (i = 0; i < nm->n; i++) {
		if (strcmp(nm->v[i], s) == 0) {
			free(s);
			return SHK_OK;
		}
	}
	if (nm->n == nm->cap) {
		size_t ncap = nm->cap ? 2 * nm->cap : 16;

		if ((nv = reallocarray(nm->v, ncap, sizeof(*nv))) == NULL) {
			free(s);
			return SHK_ERR_NOMEM;
		}
		nm->v = nv;
		nm->cap = ncap;
	}
	nm->v[nm->n++] = s;
	return SHK_OK;
}

static int
ssh2_names_collect(const struct ssh2_state *st, const struct ssh2_dir *d,
		   const struct shk_log *log, struct ssh2_names *nm)
{
	char host[SHK_SSH2_PLAIN_NAME_MAX], canon[SHK_HOST_MAX + 1];
	struct shk_error err;
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
		if (shk_ssh2_classify(de->d_name, &port, host, sizeof(host)) != SHK_SSH2_PLAIN)
			continue;
		/* A file made by hand can name what no host is ("!a", "*"):
		 * exported as is, it would become a known_hosts pattern or a
		 * negation. Only names shk_host_canon() takes are names. */
		memset(&err, 0, sizeof(err));
		if (shk_host_canon(host, strlen(host), canon, sizeof(canon), &err) != SHK_OK) {
			shk_log_emit(log, SHK_LOG_WARN, SHK_ERR_INVAL, d->path, 0,
				     "%s: %s: skipped", SHK_ESC(de->d_name), err.msg);
			continue;
		}
		r = ssh2_names_add(nm, host, port);
	}
	closedir(dp);
	close(dirfd);
	return r;
}

int
ssh2_enumerate(void *state,
	       int (*cb)(void *arg, const char *names, const struct shk_module_key *key),
	       void *arg)
{
	const struct ssh2_state *st = state;
	struct shk_module_query q;
	struct shk_module_result res;
	struct ssh2_names nm;
	struct shk_log_module ml;
	enum shk_nss_status ns;
	char khname[SHK_SSH2_PLAIN_NAME_MAX + 16], *buf = NULL, *host;
	size_t i, k, len = 16384;
	int r = SHK_OK, errnop;

	if (st == NULL || cb == NULL)
		return SHK_ERR_INVAL;
	memset(&nm, 0, sizeof(nm));
	shk_log_module_init(&ml, st->env);
	for (i = 0; i < SHK_ARRAY_SIZE(st->dirs) && r == SHK_OK; i++)
		r = ssh2_names_collect(st, &st->dirs[i], &ml.log, &nm);
	for (i = 0; i < nm.n && r == SHK_OK; i++) {
		memset(&q, 0, sizeof(q));
		q.port = (unsigned int)strtoul(nm.v[i], &host, 10);
		q.host = host + 1;
		if (q.port == 22)
			snprintf(khname, sizeof(khname), "%s", q.host);
		else
			snprintf(khname, sizeof(khname), "[%s]:%u", q.host, q.port);
		q.kh_name = khname;
		for (;;) {
			free(buf);
			if ((buf = malloc(len)) == NULL) {
				r = SHK_ERR_NOMEM;
				break;
			}
			errnop = 0;
			ns = ssh2_lookup(state, &q, &res, buf, len, &errnop);
			if (ns != SHK_NSS_TRYAGAIN || errnop != ERANGE)
				break;
			len *= 2;
		}
		if (r != SHK_OK || ns != SHK_NSS_SUCCESS)
			continue;
		for (k = 0; k < res.nkeys && r == SHK_OK; k++)
			r = cb(arg, khname, &res.keys[k]);
	}
	free(buf);
	for (i = 0; i < nm.n; i++)
		free(nm.v[i]);
	free(nm.v);
	return r;
}
