/* SPDX-License-Identifier: MIT */
/*
 * The "files" source: OpenSSH known_hosts files, user files first, then
 * system files, as ssh(1) loads them (UserKnownHostsFile, then
 * GlobalKnownHostsFile). Small files are mapped and parsed in place at
 * every lookup. Large files keep their mapping and index between
 * lookups, under the state's lock, while they are unchanged; so does
 * what the last lookup learnt about a file's path (absent, or present
 * and trusted), which the next lookup re-checks with a few stat calls
 * instead of open and realpath (docs/performance.md). That memory is
 * khcache.c's; check and enumerate are khwalk.c's (files.h).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sshhostkeys/module.h>

#include "base64.h"
#include "cachefile.h"
#include "carve.h"
#include "conf.h"
#include "crypto.h"
#include "files.h"
#include "fmap.h"
#include "key.h"
#include "keycache.h"
#include "knownhosts.h"
#include "log.h"
#include "pathlist.h"
#include "shk.h"
#include "storepath.h"
#include "trust.h"

/* Files smaller than this are scanned: reading them costs less than
 * validating an index (docs/performance.md). */
#define INDEX_MIN_SIZE (256 * 1024)

/* ---- open / close ------------------------------------------------------ */

/* Absolute, without "//", "." or ".." components and without a trailing
 * '/': a path whose every component lstat shows is not a symbolic link
 * is its own realpath. */
static int
plain_path(const char *p, size_t len)
{
	size_t i;

	if (len == 0 || p[0] != '/' || len >= PATH_MAX)
		return 0;
	if (len == 1)
		return 1;
	if (p[len - 1] == '/')
		return 0;
	for (i = 0; i < len; i++) {
		if (p[i] != '/')
			continue;
		if (p[i + 1] == '/')
			return 0;
		if (p[i + 1] == '.' && (p[i + 2] == '/' || p[i + 2] == '\0' ||
					(p[i + 2] == '.' && (p[i + 3] == '/' || p[i + 3] == '\0'))))
			return 0;
	}
	return 1;
}

/*
 * The directories shk_trust_fd() walks for f, as prefix lengths of the
 * path: from the file's directory up to the stop directory, or to "/"
 * when the stop directory is not plain (stricter, never looser). When
 * lstat shows none of them and not the file a symbolic link, realpath
 * would give the same names, so checking them by lstat is the same
 * check (docs/performance.md, "Warm context").
 */
static void
trust_levels(struct kh_file *f)
{
	const char *stop = f->stop_dir;
	size_t len = strlen(f->path), cur, stoplen;
	int n = 0;

	f->nlevels = -1;
	if (!plain_path(f->path, len))
		return;
	stoplen = stop != NULL ? strlen(stop) : 0;
	if (stoplen == 0 || !plain_path(stop, stoplen))
		stop = NULL;
	if (stop != NULL && stoplen == len && memcmp(stop, f->path, len) == 0) {
		f->nlevels = 0;
		return;
	}
	for (cur = len; cur > 1;) {
		while (cur > 0 && f->path[cur - 1] != '/')
			cur--;
		/* f->path[cur - 1] is the slash: the directory ends before it,
		 * except for "/" itself. */
		cur = cur > 1 ? cur - 1 : 1;
		if (n == TRUST_MAX_LEVELS)
			return;
		f->levels[n++] = (unsigned short)cur;
		if (stop != NULL && stoplen == cur && memcmp(stop, f->path, cur) == 0)
			break;
	}
	f->nlevels = n;
}

static int
add_file(struct files_state *st, char *path, const char *stop_dir, const char *cache_dir)
{
	struct kh_file *nf;
	size_t i;

	/* The same file twice would report every key twice. */
	for (i = 0; i < st->nfiles; i++) {
		if (strcmp(st->files[i].path, path) == 0) {
			free(path);
			return SHK_OK;
		}
	}
	if ((nf = realloc(st->files, (st->nfiles + 1) * sizeof(*nf))) == NULL) {
		free(path);
		return SHK_ERR_NOMEM;
	}
	st->files = nf;
	nf = &st->files[st->nfiles];
	memset(nf, 0, sizeof(*nf));
	nf->path = path;
	nf->stop_dir = stop_dir;
	nf->cache_dir = cache_dir;
	trust_levels(nf);
	st->nfiles++;
	return SHK_OK;
}

/* One word of a file list: "~/x" under home, "/x" (under root for the
 * system list), anything else is refused with a warning. */
static int
add_word(struct files_state *st, const char *w, size_t len, int system, const char *key)
{
	struct shk_log_module ml;
	const char *anchor;
	char *path;
	int r;

	r = shk_store_path(w, len, system, st->root, st->home, &path, &anchor);
	if (r == SHK_ERR_INVAL) {
		shk_log_module_init(&ml, st->env);
		shk_log_emit(&ml.log, SHK_LOG_WARN, SHK_ERR_INVAL, NULL, 0,
			     "files: %s: \"%.*s\" is neither absolute nor under \"~/\"; ignored",
			     key, (int)(len > 200 ? 200 : len), w);
		return SHK_OK;
	}
	if (r != SHK_OK || path == NULL)
		return r; /* no home: no user files */
	return add_file(st, path, anchor, anchor == st->home ? st->user_cache : st->sys_cache);
}

static int
add_list(struct files_state *st, const char *key, int system)
{
	const char *p = shk_conf_module_get(st->env, key), *w;
	size_t len;
	int r;

	while (shk_pathlist_next(&p, &w, &len))
		if ((r = add_word(st, w, len, system, key)) != SHK_OK)
			return r;
	return SHK_OK;
}

static void files_close(void *state);

/*
 * SSHHOSTKEYS_KH_INDEX: unset or "auto" indexes files of INDEX_MIN_SIZE
 * and more; "0"/"no"/"off" never indexes; "force" indexes every file
 * (for tests). Cache directories: the system files' under the root
 * prefix at /var/cache/sshhostkeys, the user files' in
 * $XDG_CACHE_HOME/sshhostkeys or ~/.cache/sshhostkeys. secure_getenv:
 * setuid callers get the defaults.
 */
static int
index_setup(struct files_state *st)
{
	const char *v = secure_getenv("SSHHOSTKEYS_KH_INDEX");
	long n;

	st->euid = geteuid();
	st->index_min = INDEX_MIN_SIZE;
	if (v != NULL && (strcmp(v, "0") == 0 || strcmp(v, "no") == 0 || strcmp(v, "off") == 0))
		st->index_min = SIZE_MAX;
	else if (v != NULL && strcmp(v, "force") == 0)
		st->index_min = 0;
	n = sysconf(_SC_NPROCESSORS_ONLN);
	st->nthreads = n > 1 ? (int)(n > 8 ? 8 : n) : 1;
	if (pthread_mutex_init(&st->lock, NULL) != 0)
		return SHK_ERR_SYSTEM;
	st->lock_init = 1;
	/* The key cache only saves time: without memory, none. */
	st->kc = shk_keycache_new();
	return shk_cache_dirs(st->root, st->home, st->uid, st->euid, &st->sys_cache,
			      &st->user_cache);
}

static int
files_open(const struct shk_module_env *env, void **state)
{
	struct files_state *st;
	int r = SHK_ERR_NOMEM;

	*state = NULL;
	if (env == NULL || env->abi_version != SHK_MODULE_ABI_VERSION)
		return SHK_ERR_MODULE;
	if ((st = calloc(1, sizeof(*st))) == NULL)
		return SHK_ERR_NOMEM;
	st->env = env;
	st->uid = env->uid;
	if (env->home != NULL && env->home[0] == '/' &&
	    (st->home = strdup(env->home)) == NULL)
		goto out;
	if ((st->root = strdup(env->root != NULL && env->root[0] != '\0' ? env->root
									  : "/")) == NULL)
		goto out;
	if ((r = index_setup(st)) != SHK_OK)
		goto out;
	/* User files first, as ssh(1) loads them. */
	if ((r = add_list(st, "user_known_hosts", 0)) != SHK_OK ||
	    (r = add_list(st, "global_known_hosts", 1)) != SHK_OK)
		goto out;
	*state = st;
	st = NULL;
	r = SHK_OK;
out:
	files_close(st);
	return r;
}

static void
files_close(void *state)
{
	struct files_state *st = state;
	size_t i;

	if (st == NULL)
		return;
	for (i = 0; i < st->nfiles; i++) {
		free(st->files[i].path);
		khc_forget(&st->files[i]);
	}
	if (st->lock_init)
		pthread_mutex_destroy(&st->lock);
	shk_keycache_free(st->kc);
	free(st->files);
	free(st->home);
	free(st->root);
	free(st->sys_cache);
	free(st->user_cache);
	free(st);
}

/* ---- reading a file ---------------------------------------------------- */

int
files_open_file(const struct shk_log *log, const struct kh_file *f, int *fdp)
{
	int fd, oerrno;

	*fdp = -1;
	fd = open(f->path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd == -1) {
		oerrno = errno;
		if (oerrno == ENOENT || oerrno == ENOTDIR)
			return SHK_ERR_NOTFOUND;
		shk_log_emit(log, SHK_LOG_WARN, SHK_ERR_SYSTEM, f->path, 0, "cannot open: %s",
			     strerror(oerrno));
		return SHK_ERR_SYSTEM;
	}
	*fdp = fd;
	return SHK_OK;
}

int
files_trust_file(const struct files_state *st, const struct shk_log *log,
		 const struct kh_file *f, int fd)
{
	struct shk_error err;
	int r;

	memset(&err, 0, sizeof(err));
	if ((r = shk_trust_fd(fd, f->path, f->stop_dir, st->uid, &err)) != SHK_OK) {
		/* SHK_ERR_NOTFOUND: removed under us, as if missing. */
		if (r != SHK_ERR_NOTFOUND)
			shk_log_emit(log, SHK_LOG_WARN, r, f->path, 0, "ignored: %s", err.msg);
	}
	return r;
}

/* Open and check trust on the open descriptor. */
static int
open_store(const struct files_state *st, const struct shk_log *log, const struct kh_file *f,
	   int *fdp)
{
	int r;

	if ((r = files_open_file(log, f, fdp)) != SHK_OK)
		return r;
	if ((r = files_trust_file(st, log, f, *fdp)) != SHK_OK) {
		close(*fdp);
		*fdp = -1;
	}
	return r;
}

int
files_map_fd(const struct shk_log *log, const struct kh_file *f, int fd, struct shk_fmap *m)
{
	struct shk_error err;
	int r;

	memset(&err, 0, sizeof(err));
	memset(m, 0, sizeof(*m));
	if ((r = shk_fmap_fd(fd, m, &err)) != SHK_OK) {
		shk_log_emit(log, SHK_LOG_WARN, r, f->path, 0, "cannot read: %s", err.msg);
		memset(m, 0, sizeof(*m));
	}
	return r;
}

int
files_map_store(const struct files_state *st, const struct shk_log *log,
		const struct kh_file *f, struct shk_fmap *m)
{
	int fd, r;

	memset(m, 0, sizeof(*m));
	if ((r = open_store(st, log, f, &fd)) != SHK_OK)
		return r;
	r = files_map_fd(log, f, fd, m);
	close(fd);
	return r;
}

/* ---- lookup ------------------------------------------------------------ */


/* Once per lookup: why hashed entries cannot be checked. */
static void
no_crypto(struct lookup *lk, unsigned long lineno)
{
	struct shk_error err;

	if (lk->nocrypto)
		return;
	lk->nocrypto = 1;
	memset(&err, 0, sizeof(err));
	shk_crypto(&err);
	shk_log_emit(&lk->ml.log, SHK_LOG_ERR, SHK_ERR_SYSTEM, lk->path, lineno,
		     "hashed entries cannot be checked: %s", err.msg);
}

/* 1 when the entry is for the query, 2 when only as port fallback. */
static int
lookup_match(struct lookup *lk, const struct shk_kh_line *line)
{
	int m;

	m = shk_kh_match_host(line->hosts, line->hostslen, lk->q->kh_name, lk->khlen);
	if (m == 1)
		return 1;
	if (m == SHK_ERR_SYSTEM)
		no_crypto(lk, line->lineno);
	if (m < -1)
		return m;
	/* ssh re-checks a host new on a non-22 port under the bare name, with
	 * that name's revocations and CAs too, and only to accept
	 * (sshconnect.c: clobber_port); the caller weighs these entries. */
	if (lk->want_fallback &&
	    shk_kh_match_host(line->hosts, line->hostslen, lk->q->host, lk->hostlen) == 1)
		return 2;
	return 0;
}

static int
add_key(struct lookup *lk, const struct shk_kh_line *line, int port_fallback)
{
	struct shk_carve saved = lk->c;
	const char *saved_origin = lk->origin;
	struct shk_module_key *k;
	struct shk_error err;
	unsigned char *blob;
	size_t cap, bloblen;
	char *type, *comment = NULL;
	int r;

	memset(&err, 0, sizeof(err));
	if (lk->origin == NULL)
		lk->origin = shk_carve_strndup(&lk->c, lk->path, strlen(lk->path));
	type = shk_carve_strndup(&lk->c, line->keytype, line->keytypelen);
	if (line->commentlen > 0)
		comment = shk_carve_strndup(&lk->c, line->comment, line->commentlen);
	cap = SHK_B64_DECODED_MAX(line->b64len);
	blob = shk_carve_alloc(&lk->c, cap, 1);
	if (lk->c.overflow) {
		lk->overflow = 1;
		return 1; /* stop: the caller must grow the buffer anyway */
	}
	if (shk_keycache_get(lk->st->kc, line->keytype, line->keytypelen, line->b64,
			     line->b64len, blob, cap, &bloblen))
		r = SHK_OK;
	else if ((r = shk_b64_decode(line->b64, line->b64len, blob, cap, &bloblen)) != SHK_OK)
		shk_error_set(&err, r, line->lineno, "base64 does not decode");
	else if ((r = shk_key_check_blob(line->keytype, line->keytypelen, blob, bloblen, NULL,
					 &err)) == SHK_OK)
		shk_keycache_put(lk->st->kc, line->keytype, line->keytypelen, line->b64,
				 line->b64len, blob, bloblen);
	if (r != SHK_OK) {
		lk->c = saved;
		lk->origin = saved_origin;
		shk_log_emit(&lk->ml.log, SHK_LOG_WARN, SHK_ERR_PARSE, lk->path, line->lineno,
			     "bad key: %s", err.msg);
		return 0;
	}
	/* Give back what the decoder did not use; blob was carved last. */
	lk->c.next -= cap - bloblen;
	lk->c.left += cap - bloblen;
	if (lk->c.left < sizeof(*k)) {
		lk->c.overflow = lk->overflow = 1;
		return 1;
	}
	lk->c.left -= sizeof(*k);
	k = --lk->top;
	memset(k, 0, sizeof(*k));
	k->type = type;
	k->blob = blob;
	k->bloblen = bloblen;
	k->marker = line->marker;
	k->origin = lk->origin;
	k->line = line->lineno;
	k->comment = comment;
	k->port_fallback = port_fallback;
	lk->nkeys++;
	return 0;
}

int
files_lookup_line(const struct shk_kh_line *line, void *arg)
{
	struct lookup *lk = arg;
	const char *kt = lk->q->keytype;
	int m;

	if (line->status == SHK_KH_COMMENT)
		return 0;
	if (line->status == SHK_KH_INVALID) {
		/* ssh skips bad lines; only those about this host are news. */
		m = line->hosts != NULL ? lookup_match(lk, line) : 0;
		shk_log_emit(&lk->ml.log, m > 0 ? SHK_LOG_WARN : SHK_LOG_DEBUG, SHK_ERR_PARSE,
			     lk->path, line->lineno, "%s", line->why);
		return 0;
	}
	if ((m = lookup_match(lk, line)) <= 0) {
		if (m == SHK_ERR_PARSE)
			shk_log_emit(&lk->ml.log, SHK_LOG_DEBUG, SHK_ERR_PARSE, lk->path,
				     line->lineno, "bad host hash");
		return 0;
	}
	/* Revocations apply whatever type is asked for. */
	if (kt != NULL && line->marker != SHK_MARKER_REVOKED &&
	    (line->keytypelen != lk->typelen || memcmp(line->keytype, kt, lk->typelen) != 0))
		return 0;
	return add_key(lk, line, m == 2);
}


static void
reverse_keys(struct shk_module_key *k, size_t n)
{
	struct shk_module_key t;
	size_t i;

	for (i = 0; i < n / 2; i++) {
		t = k[i];
		k[i] = k[n - 1 - i];
		k[n - 1 - i] = t;
	}
}

static enum shk_nss_status
files_lookup(void *state, const struct shk_module_query *q, struct shk_module_result *res,
	     char *buf, size_t buflen, int *errnop)
{
	struct files_state *st = state;
	struct lookup lk;
	uintptr_t end;
	size_t i, usable = 0;
	int nread = 0;

	res->keys = NULL;
	res->nkeys = 0;
	if (st == NULL || q == NULL || q->kh_name == NULL || q->host == NULL) {
		*errnop = EINVAL;
		return SHK_NSS_UNAVAIL;
	}
	memset(&lk, 0, sizeof(lk));
	lk.st = st;
	lk.q = q;
	shk_log_module_init(&lk.ml, st->env);
	lk.khlen = strlen(q->kh_name);
	lk.hostlen = strlen(q->host);
	lk.typelen = q->keytype != NULL ? strlen(q->keytype) : 0;
	lk.want_fallback = q->port != 22 && q->port != 0;
	if (buf != NULL && buflen > 0) {
		end = ((uintptr_t)buf + buflen) & ~(uintptr_t)(_Alignof(struct shk_module_key) - 1);
		if (end > (uintptr_t)buf)
			usable = (size_t)(end - (uintptr_t)buf);
	}
	shk_carve_init(&lk.c, buf, usable);
	lk.top = (struct shk_module_key *)(void *)(buf + usable);
	for (i = 0; i < st->nfiles && !lk.overflow; i++) {
		if (khc_lookup_file(st, &st->files[i], &lk) == 0)
			nread++;
	}
	if (lk.overflow) {
		*errnop = ERANGE;
		return SHK_NSS_TRYAGAIN;
	}
	if (lk.nocrypto) {
		*errnop = ELIBACC;
		return SHK_NSS_UNAVAIL;
	}
	if (lk.nkeys > 0) {
		reverse_keys(lk.top, lk.nkeys);
		res->keys = lk.top;
		res->nkeys = lk.nkeys;
		return SHK_NSS_SUCCESS;
	}
	if (nread == 0) {
		*errnop = ENOENT;
		return SHK_NSS_UNAVAIL;
	}
	return SHK_NSS_NOTFOUND;
}

/* ---- entry ------------------------------------------------------------- */

static const struct shk_module files_module = {
	.abi_version = SHK_MODULE_ABI_VERSION,
	.name = "files",
	.open = files_open,
	.close = files_close,
	.lookup = files_lookup,
	.verify = NULL,
	.check = files_check,
	.enumerate = files_enumerate,
};

__attribute__((visibility("default"))) const struct shk_module *sshhostkeys_module_v1(void);

__attribute__((visibility("default"))) const struct shk_module *
sshhostkeys_module_v1(void)
{
	return &files_module;
}
