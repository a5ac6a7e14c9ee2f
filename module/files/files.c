/* SPDX-License-Identifier: MIT */
/*
 * The "files" source: OpenSSH known_hosts files, user files first, then
 * system files, as ssh(1) loads them (UserKnownHostsFile, then
 * GlobalKnownHostsFile). Small files are mapped and parsed in place at
 * every lookup. Large files keep their mapping and index between
 * lookups, under the state's lock, while they are unchanged; so does
 * what the last lookup learnt about a file's path (absent, or present
 * and trusted), which the next lookup re-checks with a few stat calls
 * instead of open and realpath (docs/performance.md).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sshhostkeys/module.h>

#include "base64.h"
#include "cachefile.h"
#include "carve.h"
#include "conf.h"
#include "crypto.h"
#include "fmap.h"
#include "key.h"
#include "khindex.h"
#include "knownhosts.h"
#include "pathlist.h"
#include "shk.h"
#include "storepath.h"
#include "trust.h"

/* Files smaller than this are scanned: reading them costs less than
 * validating an index (docs/performance.md). */
#define INDEX_MIN_SIZE (256 * 1024)

/* Levels of the trust walk: prefix lengths of the path, from the
 * file's directory up to the stop directory or "/". */
#define TRUST_MAX_LEVELS 64

struct kh_file {
	char *path;
	const char *stop_dir;  /* where the trust walk stops: home or root */
	const char *cache_dir; /* where its index lives; NULL: none on disk */
	/* The directories shk_trust_fd() checks, when the path is plain
	 * enough (absolute, no ".", "..", "//") for lstat of each level to
	 * prove it still resolves to them; nlevels -1: not plain. */
	int nlevels;
	unsigned short levels[TRUST_MAX_LEVELS];
	/* Under the state's lock: the last index used, and the mapping of
	 * the file it was used with, kept while the file is unchanged so a
	 * warm context does not map a large file per lookup. */
	struct shk_khx *idx;
	struct shk_fmap map;
	/* Under the lock: idx's always-candidates parsed in map, by record
	 * number (sorted), so a lookup does not parse them again; dropped
	 * whenever idx or map changes. */
	uint32_t *arecs;
	struct shk_kh_line *alines;
	size_t nalines;
	/* Under the lock: the mapping passed the full trust check, so
	 * lstat of the path and of each level may stand for it while the
	 * file's identity is unchanged. */
	int map_trusted;
	/* Under the lock: the file was absent, and the deepest existing
	 * directory on its path (absent_len bytes of path, or "/") had
	 * this identity and these times, old enough not to be racy. */
	size_t absent_len;
	struct stat absent_st;
	int absent;
	/* Lookups that found it absent in a row: learnt at the second, so
	 * a one-lookup process (the CLI) pays no extra stat. */
	unsigned int nabsent;
	/* Under the lock: this version of the file would need an index
	 * beyond shk_khx_bound, so it is scanned without trying again. */
	struct stat over_st;
	int over;
};

/*
 * Keys that decoded and passed shk_key_check_blob(), by their text (key
 * type and base64), so a line read again costs a comparison instead of
 * base64 and OpenSSL's checks of the numbers (docs/performance.md). The
 * text is compared in full: a hit is the same input, hence the same
 * answer, whatever file or mapping it came from. Direct-mapped and
 * bounded: a new key replaces the slot's old one. Bad keys are not
 * kept, so they are logged at every lookup as before.
 */
#define KC_SLOTS 1024 /* power of 2 */
#define KC_MAX_B64 8192

struct kc_slot {
	unsigned char *mem; /* type, base64, blob */
	size_t typelen, b64len, bloblen;
};

struct kcache {
	pthread_mutex_t lock;
	struct kc_slot slot[KC_SLOTS];
};

struct files_state {
	const struct shk_module_env *env;
	uid_t uid;
	char *home; /* NULL: no user files */
	char *root; /* "/" for the real root */
	struct kh_file *files;
	size_t nfiles;
	/* Index cache (docs/performance.md): off when index_min is SIZE_MAX. */
	size_t index_min;
	uid_t euid;
	int nthreads;
	char *sys_cache, *user_cache;
	pthread_mutex_t lock;
	int lock_init;
	struct kcache *kc; /* NULL: no cache */
};

static void files_log(const struct files_state *st, int level, int code, const char *file,
		      unsigned long line, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

static void
files_log(const struct files_state *st, int level, int code, const char *file,
	  unsigned long line, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	if (st->env == NULL || st->env->log == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	st->env->log(st->env, level, code, file, line, msg);
}

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
	const char *anchor;
	char *path;
	int r;

	r = shk_store_path(w, len, system, st->root, st->home, &path, &anchor);
	if (r == SHK_ERR_INVAL) {
		files_log(st, SHK_LOG_WARN, SHK_ERR_INVAL, NULL, 0,
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
static void drop_parsed(struct kh_file *f);

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
	if ((st->kc = calloc(1, sizeof(*st->kc))) != NULL &&
	    pthread_mutex_init(&st->kc->lock, NULL) != 0) {
		free(st->kc);
		st->kc = NULL;
	}
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
		drop_parsed(&st->files[i]);
		shk_khx_free(st->files[i].idx);
		shk_fmap_close(&st->files[i].map);
	}
	if (st->lock_init)
		pthread_mutex_destroy(&st->lock);
	if (st->kc != NULL) {
		for (i = 0; i < KC_SLOTS; i++)
			free(st->kc->slot[i].mem);
		pthread_mutex_destroy(&st->kc->lock);
		free(st->kc);
	}
	free(st->files);
	free(st->home);
	free(st->root);
	free(st->sys_cache);
	free(st->user_cache);
	free(st);
}

/* ---- reading a file ---------------------------------------------------- */

/* Open; SHK_ERR_NOTFOUND for a missing file (silent, as in ssh), other
 * failures logged. */
static int
open_file(const struct files_state *st, const struct kh_file *f, int *fdp)
{
	int fd, oerrno;

	*fdp = -1;
	fd = open(f->path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd == -1) {
		oerrno = errno;
		if (oerrno == ENOENT || oerrno == ENOTDIR)
			return SHK_ERR_NOTFOUND;
		files_log(st, SHK_LOG_WARN, SHK_ERR_SYSTEM, f->path, 0, "cannot open: %s",
			  strerror(oerrno));
		return SHK_ERR_SYSTEM;
	}
	*fdp = fd;
	return SHK_OK;
}

/* Trust of the open descriptor (logged when refused). */
static int
trust_file(const struct files_state *st, const struct kh_file *f, int fd)
{
	struct shk_error err;
	int r;

	memset(&err, 0, sizeof(err));
	if ((r = shk_trust_fd(fd, f->path, f->stop_dir, st->uid, &err)) != SHK_OK) {
		/* SHK_ERR_NOTFOUND: removed under us, as if missing. */
		if (r != SHK_ERR_NOTFOUND)
			files_log(st, SHK_LOG_WARN, r, f->path, 0, "ignored: %s", err.msg);
	}
	return r;
}

/* Open and check trust on the open descriptor. */
static int
open_store(const struct files_state *st, const struct kh_file *f, int *fdp)
{
	int r;

	if ((r = open_file(st, f, fdp)) != SHK_OK)
		return r;
	if ((r = trust_file(st, f, *fdp)) != SHK_OK) {
		close(*fdp);
		*fdp = -1;
	}
	return r;
}

static int
map_fd(const struct files_state *st, const struct kh_file *f, int fd, struct shk_fmap *m)
{
	struct shk_error err;
	int r;

	memset(&err, 0, sizeof(err));
	memset(m, 0, sizeof(*m));
	if ((r = shk_fmap_fd(fd, m, &err)) != SHK_OK) {
		files_log(st, SHK_LOG_WARN, r, f->path, 0, "cannot read: %s", err.msg);
		memset(m, 0, sizeof(*m));
	}
	return r;
}

/* Open, check trust, map. */
static int
map_store(const struct files_state *st, const struct kh_file *f, struct shk_fmap *m)
{
	int fd, r;

	memset(m, 0, sizeof(*m));
	if ((r = open_store(st, f, &fd)) != SHK_OK)
		return r;
	r = map_fd(st, f, fd, m);
	close(fd);
	return r;
}

/* ---- lookup ------------------------------------------------------------ */

struct lookup {
	const struct files_state *st;
	const struct shk_module_query *q;
	const char *path;
	const char *origin; /* path carved into the result, once per file */
	size_t khlen, hostlen, typelen;
	int want_fallback;
	struct shk_carve c;
	/* Key records grow down from the end of the buffer while strings
	 * grow up from its start, so the count need not be known first. */
	struct shk_module_key *top;
	size_t nkeys;
	int overflow;
	/* A hashed entry could not be checked (no libcrypto): the answer
	 * would be incomplete, revocations included, so there is none. */
	int nocrypto;
	/* The last directory stat'ed for an absent file in this lookup
	 * (absent_len bytes of absent_path), so files in the same missing
	 * directory (~/.ssh/known_hosts and known_hosts2) share it. */
	const char *absent_path;
	size_t absent_len;
	int absent_rc;
	struct stat absent_st;
};

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
	files_log(lk->st, SHK_LOG_ERR, SHK_ERR_SYSTEM, lk->path, lineno,
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

/* The slot for a key's text: the tail of the base64 varies most. */
static struct kc_slot *
kc_slot(struct kcache *kc, const struct shk_kh_line *line)
{
	size_t i = line->b64len > 16 ? line->b64len - 16 : 0;
	uint32_t h = 2166136261u ^ (uint32_t)line->b64len;

	for (; i < line->b64len; i++)
		h = (h ^ (unsigned char)line->b64[i]) * 16777619u;
	return &kc->slot[h & (KC_SLOTS - 1)];
}

/* Copy the cached blob of line's key into blob (cap bytes): 1 on a hit. */
static int
kc_get(struct kcache *kc, const struct shk_kh_line *line, unsigned char *blob, size_t cap,
       size_t *bloblen)
{
	struct kc_slot *k;
	int hit = 0;

	if (kc == NULL)
		return 0;
	pthread_mutex_lock(&kc->lock);
	k = kc_slot(kc, line);
	if (k->mem != NULL && k->typelen == line->keytypelen && k->b64len == line->b64len &&
	    k->bloblen <= cap && memcmp(k->mem, line->keytype, k->typelen) == 0 &&
	    memcmp(k->mem + k->typelen, line->b64, k->b64len) == 0) {
		memcpy(blob, k->mem + k->typelen + k->b64len, k->bloblen);
		*bloblen = k->bloblen;
		hit = 1;
	}
	pthread_mutex_unlock(&kc->lock);
	return hit;
}

/* Keep line's key, which decoded to blob and passed the checks. */
static void
kc_put(struct kcache *kc, const struct shk_kh_line *line, const unsigned char *blob,
       size_t bloblen)
{
	struct kc_slot *k;
	unsigned char *mem;

	if (kc == NULL || line->b64len > KC_MAX_B64 ||
	    (mem = malloc(line->keytypelen + line->b64len + bloblen)) == NULL)
		return;
	memcpy(mem, line->keytype, line->keytypelen);
	memcpy(mem + line->keytypelen, line->b64, line->b64len);
	memcpy(mem + line->keytypelen + line->b64len, blob, bloblen);
	pthread_mutex_lock(&kc->lock);
	k = kc_slot(kc, line);
	free(k->mem);
	k->mem = mem;
	k->typelen = line->keytypelen;
	k->b64len = line->b64len;
	k->bloblen = bloblen;
	pthread_mutex_unlock(&kc->lock);
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
	if (kc_get(lk->st->kc, line, blob, cap, &bloblen))
		r = SHK_OK;
	else if ((r = shk_b64_decode(line->b64, line->b64len, blob, cap, &bloblen)) != SHK_OK)
		shk_error_set(&err, r, line->lineno, "base64 does not decode");
	else if ((r = shk_key_check_blob(line->keytype, line->keytypelen, blob, bloblen, NULL,
					 &err)) == SHK_OK)
		kc_put(lk->st->kc, line, blob, bloblen);
	if (r != SHK_OK) {
		lk->c = saved;
		lk->origin = saved_origin;
		files_log(lk->st, SHK_LOG_WARN, SHK_ERR_PARSE, lk->path, line->lineno,
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

static int
lookup_line(const struct shk_kh_line *line, void *arg)
{
	struct lookup *lk = arg;
	const char *kt = lk->q->keytype;
	int m;

	if (line->status == SHK_KH_COMMENT)
		return 0;
	if (line->status == SHK_KH_INVALID) {
		/* ssh skips bad lines; only those about this host are news. */
		m = line->hosts != NULL ? lookup_match(lk, line) : 0;
		files_log(lk->st, m > 0 ? SHK_LOG_WARN : SHK_LOG_DEBUG, SHK_ERR_PARSE, lk->path,
			  line->lineno, "%s", line->why);
		return 0;
	}
	if ((m = lookup_match(lk, line)) <= 0) {
		if (m == SHK_ERR_PARSE)
			files_log(lk->st, SHK_LOG_DEBUG, SHK_ERR_PARSE, lk->path, line->lineno,
				  "bad host hash");
		return 0;
	}
	/* Revocations apply whatever type is asked for. */
	if (kt != NULL && line->marker != SHK_MARKER_REVOKED &&
	    (line->keytypelen != lk->typelen || memcmp(line->keytype, kt, lk->typelen) != 0))
		return 0;
	return add_key(lk, line, m == 2);
}

/* ---- index ------------------------------------------------------------- */

/* More always-candidates than this are parsed per lookup as before. */
#define ALWAYS_PARSED_MAX 4096

static void
drop_parsed(struct kh_file *f)
{
	free(f->arecs);
	free(f->alines);
	f->arecs = NULL;
	f->alines = NULL;
	f->nalines = 0;
}

static int
cmp_rec(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* Parse x's always-candidates in m once. Lock held. Without memory, or
 * for a record that does not fit m, nothing is kept. */
static void
parse_always(struct kh_file *f, const struct shk_khx *x, const struct shk_fmap *m)
{
	const uint32_t *recs;
	const char *p;
	size_t n, i, len;
	unsigned long lineno;

	if (shk_khx_always(x, &recs, &n, NULL) != SHK_OK || n == 0 || n > ALWAYS_PARSED_MAX ||
	    (f->arecs = malloc(n * sizeof(*f->arecs))) == NULL ||
	    (f->alines = malloc(n * sizeof(*f->alines))) == NULL)
		goto fail;
	memcpy(f->arecs, recs, n * sizeof(*recs));
	qsort(f->arecs, n, sizeof(*f->arecs), cmp_rec);
	for (i = 0; i < n; i++) {
		if (shk_khx_line(x, f->arecs[i], m->data, m->len, &p, &len, &lineno) != SHK_OK)
			goto fail;
		shk_kh_parse_line(p, len, lineno, &f->alines[i]);
	}
	f->nalines = n;
	return;
fail:
	drop_parsed(f);
}

/* The parsed line of record rec, if kept. */
static const struct shk_kh_line *
parsed_line(const struct kh_file *f, uint32_t rec)
{
	size_t lo = 0, hi = f->nalines, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (f->arecs[mid] == rec)
			return &f->alines[mid];
		if (f->arecs[mid] < rec)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* Build f's index from m now, and write it when the file is not racy.
 * Lock held. NULL without memory. */
static struct shk_khx *
index_build(struct files_state *st, struct kh_file *f, const struct shk_fmap *m)
{
	struct shk_khx *x = NULL;
	struct shk_error err;
	int r;

	if ((r = shk_khx_build(m->data, m->len, &m->st, &x)) != SHK_OK) {
		/* Said once per version of the file and context, and not as
		 * a warning: the scan gives the same answers. */
		if (r == SHK_ERR_RANGE) {
			files_log(st, SHK_LOG_INFO, r, f->path, 0,
				  "not indexed: its index would exceed %zu bytes (the "
				  "file's size + 1 MiB); scanning",
				  shk_khx_bound(m->len));
			f->over_st = m->st;
			f->over = 1;
		}
		return NULL;
	}
	f->idx = x;
	/* Only root writes the system cache; a user's index of a system file
	 * stays in memory. */
	if (f->cache_dir != NULL && (f->cache_dir != st->sys_cache || st->euid == 0) &&
	    shk_cache_settled(&m->st)) {
		memset(&err, 0, sizeof(err));
		if (shk_khx_save(x, f->cache_dir, st->euid, &err) != SHK_OK)
			files_log(st, SHK_LOG_DEBUG, SHK_ERR_SYSTEM, f->path, 0,
				  "index not written: %s", err.msg);
	}
	return x;
}

static void
index_drop(struct kh_file *f)
{
	drop_parsed(f);
	shk_khx_free(f->idx);
	f->idx = NULL;
}

/*
 * The index for the mapped file m: the one kept from the last lookup if
 * the file is unchanged, else the one on disk if its header passes the
 * checks, else one built now. Called with the lock held. NULL when none
 * can be had: the caller scans.
 */
static struct shk_khx *
index_get(struct files_state *st, struct kh_file *f, const struct shk_fmap *m)
{
	struct shk_khx *x = NULL;
	struct shk_error err;
	int r;

	if (f->idx != NULL && shk_khx_fresh(f->idx, &m->st))
		return f->idx;
	index_drop(f);
	if (f->over && shk_cache_same_file(&f->over_st, &m->st))
		return NULL;
	f->over = 0;
	memset(&err, 0, sizeof(err));
	if (f->cache_dir != NULL) {
		r = shk_khx_load(f->cache_dir, &m->st, st->euid, &x, &err);
		if (r == SHK_OK)
			return f->idx = x;
		/* Missing or stale is routine; anything else is worth a word,
		 * but only at debug level: scanning still gives the answer. */
		if (r != SHK_ERR_NOTFOUND)
			files_log(st, SHK_LOG_DEBUG, r, f->path, 0,
				  "index not used: %s; scanning", err.msg);
	}
	return index_build(st, f, m);
}

/* The candidates for lk in x, checking every line they name. SHK_OK,
 * SHK_ERR_PARSE when x turned out corrupt, or another status. */
static int
index_candidates(struct files_state *st, struct kh_file *f, const struct shk_khx *x,
		 const struct shk_fmap *m, struct lookup *lk, uint32_t **recs, size_t *n)
{
	struct shk_error err;
	const char *p;
	size_t i, len;
	unsigned long lineno;
	int r;

	memset(&err, 0, sizeof(err));
	r = shk_khx_candidates(x, lk->q->kh_name, lk->khlen,
			       lk->want_fallback ? lk->q->host : NULL, lk->hostlen, st->nthreads,
			       recs, n, &err);
	if (r != SHK_OK)
		goto fail;
	if (f->arecs == NULL)
		parse_always(f, x, m);
	/* All or nothing: no key is added unless every candidate fits (the
	 * parsed ones were checked when they were parsed). */
	for (i = 0; i < *n; i++) {
		if (parsed_line(f, (*recs)[i]) == NULL &&
		    (r = shk_khx_line(x, (*recs)[i], m->data, m->len, &p, &len, &lineno)) !=
			    SHK_OK) {
			shk_error_set(&err, SHK_ERR_PARSE, 0, "record %u unusable", (*recs)[i]);
			r = SHK_ERR_PARSE;
			goto fail;
		}
	}
	return SHK_OK;
fail:
	free(*recs);
	*recs = NULL;
	*n = 0;
	if (r == SHK_ERR_PARSE)
		files_log(st, SHK_LOG_DEBUG, r, f->path, 0, "index corrupt: %s; rebuilding",
			  err.msg);
	return r;
}

/* The candidate lines the index names, through the same callback as a
 * scan, in file order. Lock held. 0 when done, -1 when the caller must
 * scan. An index found corrupt is replaced by one built now. */
static int
index_lookup(struct files_state *st, struct kh_file *f, const struct shk_fmap *m,
	     struct lookup *lk)
{
	const struct shk_kh_line *pl;
	struct shk_kh_line line;
	struct shk_khx *x;
	uint32_t *recs = NULL;
	const char *p;
	size_t n = 0, i, len;
	unsigned long lineno;
	int r;

	if ((x = index_get(st, f, m)) == NULL)
		return -1;
	if ((r = index_candidates(st, f, x, m, lk, &recs, &n)) == SHK_ERR_PARSE) {
		index_drop(f);
		if ((x = index_build(st, f, m)) == NULL)
			return -1;
		r = index_candidates(st, f, x, m, lk, &recs, &n);
	}
	if (r != SHK_OK)
		return -1;
	for (i = 0; i < n && !lk->overflow; i++) {
		if ((pl = parsed_line(f, recs[i])) == NULL) {
			shk_khx_line(x, recs[i], m->data, m->len, &p, &len, &lineno);
			shk_kh_parse_line(p, len, lineno, &line);
			pl = &line;
		}
		if (lookup_line(pl, lk) != 0)
			break;
	}
	free(recs);
	return 0;
}

static int
same_times(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino &&
	       a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
	       a->st_mtim.tv_nsec == b->st_mtim.tv_nsec &&
	       a->st_ctim.tv_sec == b->st_ctim.tv_sec && a->st_ctim.tv_nsec == b->st_ctim.tv_nsec;
}

/* lib/trust.c's rule for one path: owned by root or uid, not writable
 * by group or others. */
static int
trusted_stat(const struct stat *sb, uid_t uid)
{
	return (sb->st_uid == 0 || sb->st_uid == uid) && (sb->st_mode & (S_IWGRP | S_IWOTH)) == 0;
}

/*
 * Lock held. 1 when f's path still names the file mapped in f->map and
 * shk_trust_fd() would still accept it: the file and every directory of
 * the walk are no symbolic links (so realpath would name the same
 * directories) and pass the same owner and mode rule. Anything else
 * (0) sends the caller to the full open and trust check, which also
 * logs why. A lookup after a directory was made group-writable thus
 * still refuses the file.
 */
static int
fast_present(const struct files_state *st, const struct kh_file *f, struct lookup *lk)
{
	char buf[PATH_MAX];
	struct stat sb;
	size_t len;
	int i;

	if (!f->map_trusted || f->nlevels < 0)
		return 0;
	if (lstat(f->path, &sb) == -1 || !S_ISREG(sb.st_mode) || !shk_cache_same_file(&f->map.st, &sb) ||
	    !trusted_stat(&sb, st->uid))
		return 0;
	len = strlen(f->path);
	memcpy(buf, f->path, len + 1);
	/* Levels shrink, so each cut leaves the next prefix. */
	for (i = 0; i < f->nlevels; i++) {
		buf[f->levels[i]] = '\0';
		if (lstat(buf, &sb) == -1 || !S_ISDIR(sb.st_mode) || !trusted_stat(&sb, st->uid))
			return 0;
		/* Not a link, so what stat would say: ssh_known_hosts2
		 * beside this file, if absent, is checked against it. */
		if (i == 0) {
			lk->absent_path = f->path;
			lk->absent_len = f->levels[0];
			lk->absent_rc = 0;
			lk->absent_st = sb;
		}
	}
	return 1;
}

/*
 * Lock held. 1 when f is still absent: the directory where its path
 * stopped existing has the same identity, mtime and ctime (nothing was
 * created, removed or renamed in it), re-resolved from its path.
 */
static int
fast_absent(const struct kh_file *f, struct lookup *lk)
{
	char buf[PATH_MAX];

	if (!f->absent)
		return 0;
	if (lk->absent_path == NULL || lk->absent_len != f->absent_len ||
	    memcmp(lk->absent_path, f->path, f->absent_len) != 0) {
		memcpy(buf, f->path, f->absent_len);
		buf[f->absent_len] = '\0';
		lk->absent_path = f->path;
		lk->absent_len = f->absent_len;
		lk->absent_rc = stat(buf, &lk->absent_st);
	}
	return lk->absent_rc == 0 && S_ISDIR(lk->absent_st.st_mode) &&
	       same_times(&lk->absent_st, &f->absent_st);
}

/*
 * Lock held, after open() said ENOENT: remember the deepest existing
 * directory of the walk, if its last change is old enough that a
 * change after this moment must move its mtime or ctime (as for the
 * index, SHK_CACHE_RACY_SECONDS), and the next component is still absent
 * after that directory was stat'ed.
 */
static void
learn_absent(struct kh_file *f)
{
	char buf[PATH_MAX];
	struct stat ds, cs;
	size_t len, child;
	int i;

	f->absent = 0;
	if (f->nlevels < 0 || ++f->nabsent < 2)
		return;
	len = strlen(f->path);
	for (i = 0; i < f->nlevels; i++) {
		memcpy(buf, f->path, f->levels[i]);
		buf[f->levels[i]] = '\0';
		if (stat(buf, &ds) == 0)
			break;
		if (errno != ENOENT)
			return;
	}
	if (i == f->nlevels || !S_ISDIR(ds.st_mode))
		return;
	if (!shk_cache_settled(&ds))
		return;
	child = i == 0 ? len : f->levels[i - 1];
	memcpy(buf, f->path, child);
	buf[child] = '\0';
	if (lstat(buf, &cs) == 0 || errno != ENOENT)
		return;
	f->absent_len = f->levels[i];
	f->absent_st = ds;
	f->absent = 1;
}

/* The mapped file f->map, through its index. Lock held. */
static void
read_mapped(struct files_state *st, struct kh_file *f, struct lookup *lk)
{
	if (index_lookup(st, f, &f->map, lk) != 0)
		shk_kh_foreach(f->map.data, f->map.len, lookup_line, lk);
}

/* One file: through its index when it is large enough, else scanned.
 * Returns 0 when the file was read, -1 when it could not be. */
static int
lookup_file(struct files_state *st, struct kh_file *f, struct lookup *lk)
{
	struct shk_fmap m;
	struct stat sb;
	int fd, r = -1;

	lk->path = f->path;
	lk->origin = NULL;
	pthread_mutex_lock(&st->lock);
	if (fast_absent(f, lk)) {
		pthread_mutex_unlock(&st->lock);
		return -1;
	}
	if (fast_present(st, f, lk)) {
		read_mapped(st, f, lk);
		pthread_mutex_unlock(&st->lock);
		return 0;
	}
	f->absent = 0;
	f->map_trusted = 0;
	pthread_mutex_unlock(&st->lock);
	if ((r = open_file(st, f, &fd)) != SHK_OK) {
		if (r == SHK_ERR_NOTFOUND && errno == ENOENT) {
			pthread_mutex_lock(&st->lock);
			learn_absent(f);
			pthread_mutex_unlock(&st->lock);
		}
		return -1;
	}
	pthread_mutex_lock(&st->lock);
	f->nabsent = 0;
	pthread_mutex_unlock(&st->lock);
	r = -1;
	if (st->index_min == SIZE_MAX || fstat(fd, &sb) == -1 || !S_ISREG(sb.st_mode) ||
	    (uintmax_t)sb.st_size < st->index_min) {
		if (trust_file(st, f, fd) == SHK_OK && map_fd(st, f, fd, &m) == SHK_OK) {
			shk_kh_foreach(m.data, m.len, lookup_line, lk);
			shk_fmap_close(&m);
			r = 0;
		}
		close(fd);
		return r;
	}
	/* Trust is checked at every lookup, directories included: a
	 * directory made writable since the last lookup spoils the file
	 * even though the file itself is unchanged. */
	if (trust_file(st, f, fd) != SHK_OK) {
		close(fd);
		return -1;
	}
	pthread_mutex_lock(&st->lock);
	if (f->map.data == NULL || !shk_cache_same_file(&f->map.st, &sb)) {
		drop_parsed(f);
		shk_fmap_close(&f->map);
		if (map_fd(st, f, fd, &f->map) != SHK_OK)
			goto out;
	}
	f->map_trusted = 1;
	read_mapped(st, f, lk);
	r = 0;
out:
	pthread_mutex_unlock(&st->lock);
	close(fd);
	return r;
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
		if (lookup_file(st, &st->files[i], &lk) == 0)
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

/* ---- check ------------------------------------------------------------- */

struct lint {
	const struct files_state *st;
	const char *path;
	unsigned char *scratch; /* decoded key, grown as needed */
	size_t scratchcap;
	unsigned long problems;
	int nomem;
};

static int
check_line(const struct shk_kh_line *line, void *arg)
{
	struct lint *li = arg;
	struct shk_error err;
	unsigned char *p;
	size_t need, n;
	int r;

	if (line->status == SHK_KH_COMMENT)
		return 0;
	if (line->status == SHK_KH_INVALID) {
		li->problems++;
		files_log(li->st, SHK_LOG_WARN, SHK_ERR_PARSE, li->path, line->lineno, "%s",
			  line->why);
		return 0;
	}
	if (shk_kh_match_host(line->hosts, line->hostslen, "", 0) == SHK_ERR_PARSE) {
		li->problems++;
		files_log(li->st, SHK_LOG_WARN, SHK_ERR_PARSE, li->path, line->lineno,
			  "bad host hash");
		return 0;
	}
	memset(&err, 0, sizeof(err));
	need = SHK_B64_DECODED_MAX(line->b64len);
	if (need > li->scratchcap) {
		if ((p = realloc(li->scratch, need)) == NULL) {
			li->nomem = 1;
			return 1;
		}
		li->scratch = p;
		li->scratchcap = need;
	}
	if (shk_b64_decode(line->b64, line->b64len, li->scratch, li->scratchcap, &n) !=
	    SHK_OK) {
		r = shk_error_set(&err, SHK_ERR_PARSE, line->lineno,
				  "base64 does not decode");
	} else
		r = shk_key_check_blob(line->keytype, line->keytypelen, li->scratch, n, NULL,
				       &err);
	if (r != SHK_OK) {
		li->problems++;
		files_log(li->st, SHK_LOG_WARN, SHK_ERR_PARSE, li->path, line->lineno, "bad key: %s",
			  err.msg);
	}
	return 0;
}

static int
files_check(void *state)
{
	const struct files_state *st = state;
	struct shk_fmap m;
	struct lint li;
	size_t i;
	int r;

	if (st == NULL)
		return SHK_ERR_INVAL;
	memset(&li, 0, sizeof(li));
	li.st = st;
	for (i = 0; i < st->nfiles; i++) {
		if ((r = map_store(st, &st->files[i], &m)) != SHK_OK) {
			if (r != SHK_ERR_NOTFOUND)
				li.problems++;
			continue;
		}
		li.path = st->files[i].path;
		shk_kh_foreach(m.data, m.len, check_line, &li);
		shk_fmap_close(&m);
		if (li.nomem)
			break;
	}
	free(li.scratch);
	if (li.nomem)
		return SHK_ERR_NOMEM;
	return li.problems > INT_MAX ? INT_MAX : (int)li.problems;
}

/* ---- enumerate (export) ------------------------------------------------- */

struct walk {
	const struct files_state *st;
	const char *path;
	int (*cb)(void *arg, const char *names, const struct shk_module_key *key);
	void *arg;
	int rc; /* the callback's non-zero answer, or a negative status */
};

static int
walk_line(const struct shk_kh_line *line, void *arg)
{
	struct walk *w = arg;
	struct shk_module_key mk;
	struct shk_key *key = NULL;
	struct shk_error err;
	char *names;

	if (line->status != SHK_KH_ENTRY)
		return 0;
	memset(&err, 0, sizeof(err));
	/* Bad keys are check()'s business; enumeration skips them. */
	if (shk_key_from_b64(line->keytype, line->keytypelen, line->b64, line->b64len,
			     line->comment, line->commentlen, &key, &err) != SHK_OK)
		return 0;
	if ((names = strndup(line->hosts, line->hostslen)) == NULL) {
		shk_key_free(key);
		w->rc = SHK_ERR_NOMEM;
		return 1;
	}
	memset(&mk, 0, sizeof(mk));
	mk.type = key->type;
	mk.blob = key->blob;
	mk.bloblen = key->bloblen;
	mk.marker = line->marker;
	mk.origin = w->path;
	mk.line = line->lineno;
	mk.comment = key->comment;
	w->rc = w->cb(w->arg, names, &mk);
	free(names);
	shk_key_free(key);
	return w->rc != 0;
}

static int
files_enumerate(void *state,
		int (*cb)(void *arg, const char *names, const struct shk_module_key *key),
		void *arg)
{
	const struct files_state *st = state;
	struct shk_fmap m;
	struct walk w;
	size_t i;

	if (st == NULL || cb == NULL)
		return SHK_ERR_INVAL;
	memset(&w, 0, sizeof(w));
	w.st = st;
	w.cb = cb;
	w.arg = arg;
	for (i = 0; i < st->nfiles && w.rc == 0; i++) {
		if (map_store(st, &st->files[i], &m) != SHK_OK)
			continue;
		w.path = st->files[i].path;
		shk_kh_foreach(m.data, m.len, walk_line, &w);
		shk_fmap_close(&m);
	}
	return w.rc;
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
