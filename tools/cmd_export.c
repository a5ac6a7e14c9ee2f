/* SPDX-License-Identifier: MIT */
/*
 * export: every key the configured sources can name, as one known_hosts
 * file for clients that read only files (paramiko, libssh, libssh2, Go).
 *
 * Those clients ignore @revoked, so a revocation cannot travel as a
 * marker: revoked keys are left out, and so is every plain entry whose
 * key is revoked anywhere (for any host pattern), which is stricter than
 * OpenSSH's per-pattern rule but the only safe reading for a client that
 * would otherwise trust the key. @cert-authority lines are kept: OpenSSH
 * (and Go's knownhosts) use them, the others skip them as lines they
 * cannot parse. Comments are not exported; identical lines are written
 * once.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base64.h"
#include "cli.h"
#include "key.h"
#include "knownhosts.h"
#include "replace.h"
#include "shk.h"

/* libssh (0.11.4, 0.12, Debian 0.10.6+deb12u3) does not read a
 * known_hosts file larger than this: every host would look unknown. */
#define EXPORT_LIBSSH_MAX (16UL * 1024 * 1024)

struct export_line {
	char *text; /* without the newline */
	int marker;
	size_t namelen; /* text[0..namelen) after the marker is the host field */
	size_t order;
};

struct export_state {
	struct export_line *v;
	size_t n, cap;
	/* Revoked keys: "type base64" strings. */
	char **revoked;
	size_t nrevoked, caprevoked;
	int nomem;
};

static int
grow(void **v, size_t *cap, size_t n, size_t elem)
{
	void *nv;
	size_t ncap;

	if (n < *cap)
		return 0;
	ncap = *cap == 0 ? 64 : *cap * 2;
	if ((nv = reallocarray(*v, ncap, elem)) == NULL)
		return -1;
	*v = nv;
	*cap = ncap;
	return 0;
}

/* "type base64" of a key; malloc'd. */
static char *
key_text(const struct shk_hostkey *k)
{
	size_t tl = strlen(k->type), bl = SHK_B64_ENCODED_SIZE(k->bloblen);
	char *s;

	if ((s = malloc(tl + 1 + bl)) == NULL)
		return NULL;
	memcpy(s, k->type, tl);
	s[tl] = ' ';
	shk_b64_encode(k->blob, k->bloblen, s + tl + 1, bl, 1);
	return s;
}

static int
collect(void *arg, const char *names, const struct shk_hostkey *k)
{
	struct export_state *st = arg;
	struct export_line *l;
	char *kt;
	int n;

	if ((kt = key_text(k)) == NULL)
		goto nomem;
	if (k->marker == SHK_MARKER_REVOKED) {
		if (grow((void **)&st->revoked, &st->caprevoked, st->nrevoked,
			 sizeof(*st->revoked)) != 0) {
			free(kt);
			goto nomem;
		}
		st->revoked[st->nrevoked++] = kt;
		return 0;
	}
	if (grow((void **)&st->v, &st->cap, st->n, sizeof(*st->v)) != 0) {
		free(kt);
		goto nomem;
	}
	l = &st->v[st->n];
	l->marker = k->marker;
	l->namelen = strlen(names);
	l->order = st->n;
	n = asprintf(&l->text, "%s%s %s",
		     k->marker == SHK_MARKER_CERT_AUTHORITY ? "@cert-authority " : "", names, kt);
	free(kt);
	if (n == -1)
		goto nomem;
	st->n++;
	return 0;
nomem:
	st->nomem = 1;
	return 1;
}

static int
cmp_text(const void *a, const void *b)
{
	const struct export_line *x = a, *y = b;
	int c = strcmp(x->text, y->text);

	if (c != 0)
		return c;
	return x->order < y->order ? -1 : x->order > y->order;
}

static int
cmp_order(const void *a, const void *b)
{
	const struct export_line *x = a, *y = b;

	return x->order < y->order ? -1 : x->order > y->order;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The "type base64" part of a line: after the marker and host field. */
static const char *
line_key(const struct export_line *l)
{
	const char *p = l->text;

	if (l->marker == SHK_MARKER_CERT_AUTHORITY)
		p += strlen("@cert-authority ");
	return p + l->namelen + 1;
}

/* Identical lines once (the first one seen; the others' text is freed),
 * then back in source order so the file reads like the stores; the
 * revoked keys sorted for bsearch. */
static void
export_sort(struct export_state *st)
{
	size_t i, last;

	/* qsort and bsearch want a non-NULL array even when it is empty. */
	if (st->n > 0)
		qsort(st->v, st->n, sizeof(*st->v), cmp_text);
	for (i = 1, last = 0; i < st->n; i++) {
		if (strcmp(st->v[i].text, st->v[last].text) == 0)
			SHK_FREE(st->v[i].text);
		else
			last = i;
	}
	if (st->n > 0)
		qsort(st->v, st->n, sizeof(*st->v), cmp_order);
	if (st->nrevoked > 0)
		qsort(st->revoked, st->nrevoked, sizeof(*st->revoked), cmp_str);
}

/* Whether a host field is a list of plain names ssh-keygen -H would hash. */
static int
hashable(const char *names, size_t len)
{
	size_t i;

	if (len == 0 || names[0] == '|')
		return 0;
	for (i = 0; i < len; i++)
		if (names[i] == '*' || names[i] == '?' || names[i] == '!')
			return 0;
	return 1;
}

static int
put(FILE *f, const char *s, size_t n, unsigned long long *total)
{
	*total += n;
	return fwrite(s, 1, n, f) == n ? 0 : -1;
}

/* Write one line, hashed per name when asked (one line per name, as
 * ssh-keygen -H does). */
static int
write_line(FILE *f, const struct export_line *l, int hash, unsigned long long *total)
{
	unsigned char salt[SHK_SHA1_LEN];
	char hashed[64];
	const char *names, *key = line_key(l), *p, *end, *comma;

	if (!hash || l->marker != SHK_MARKER_NONE || !hashable(l->text, l->namelen)) {
		if (put(f, l->text, strlen(l->text), total) != 0 || put(f, "\n", 1, total) != 0)
			return -1;
		return 0;
	}
	names = l->text;
	end = names + l->namelen;
	for (p = names; p < end; p = comma + 1) {
		if ((comma = memchr(p, ',', (size_t)(end - p))) == NULL)
			comma = end;
		if (comma == p)
			continue;
		/* A fresh salt per line, as OpenSSH writes them. */
		if (shk_random_bytes(salt, sizeof(salt), NULL) != SHK_OK ||
		    shk_kh_hash_name(salt, p, (size_t)(comma - p), hashed, sizeof(hashed)) !=
			    SHK_OK)
			return -2;
		if (put(f, hashed, strlen(hashed), total) != 0 || put(f, " ", 1, total) != 0 ||
		    put(f, key, strlen(key), total) != 0 || put(f, "\n", 1, total) != 0)
			return -1;
	}
	return 0;
}

/*
 * --out FILE is replaced atomically (replace.h) by a temporary file beside
 * it, "FILE.XXXXXX". FILE may be anywhere the user points (a removable
 * disk, a network share), so a refused chmod or directory fsync is no
 * error there. Readers are other programs of the same user, or everyone
 * for a system-wide file: the same mode ssh uses for known_hosts.
 */
#define EXPORT_REPLACE_FLAGS                                                            \
	(SHK_REPLACE_UNIQUE | SHK_REPLACE_CHMOD | SHK_REPLACE_FSYNC | SHK_REPLACE_FSYNC_DIR | \
	 SHK_REPLACE_LENIENT)
#define EXPORT_MODE 0644

struct export_out {
	struct shk_replace rp;
	int dirfd;
	const char *base; /* FILE's last component: the name in dirfd */
	char *tmp;	  /* the temporary file's path, for messages */
};

static void
export_out_discard(struct export_out *o)
{
	shk_replace_abort(&o->rp);
	if (o->dirfd != -1)
		close(o->dirfd);
	o->dirfd = -1;
	SHK_FREE(o->tmp);
}

/* Start replacing path: a stream on the temporary file (stdio gets a
 * descriptor of its own; o keeps one to fsync), or NULL with errno. */
static FILE *
export_out_open(const char *path, struct export_out *o)
{
	const char *slash = strrchr(path, '/');
	char tmpl[NAME_MAX + 1], *dir;
	FILE *f;
	int fd, n, oerrno;

	memset(o, 0, sizeof(*o));
	o->rp.fd = o->dirfd = -1;
	o->base = slash != NULL ? slash + 1 : path;
	if (slash == NULL)
		dir = strdup(".");
	else
		dir = strndup(path, slash == path ? 1 : (size_t)(slash - path));
	if (dir == NULL)
		return NULL;
	o->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(dir);
	if (o->dirfd == -1)
		return NULL;
	n = snprintf(tmpl, sizeof(tmpl), "%s.XXXXXX", o->base);
	if (n < 0 || (size_t)n >= sizeof(tmpl)) {
		errno = ENAMETOOLONG;
		goto fail;
	}
	if (shk_replace_open(&o->rp, o->dirfd, tmpl, EXPORT_MODE, EXPORT_REPLACE_FLAGS, NULL) !=
		    SHK_OK ||
	    asprintf(&o->tmp, "%s%s", path, o->rp.tmp + strlen(o->base)) == -1) {
		o->tmp = NULL;
		goto fail;
	}
	if ((fd = fcntl(o->rp.fd, F_DUPFD_CLOEXEC, 0)) == -1)
		goto fail;
	if ((f = fdopen(fd, "w")) == NULL) {
		oerrno = errno;
		close(fd);
		errno = oerrno;
		goto fail;
	}
	return f;
fail:
	oerrno = errno;
	export_out_discard(o);
	errno = oerrno;
	return NULL;
}

int
cmd_export(struct cli *cli, int argc, char **argv)
{
	enum { OPT_HASH = 256, OPT_OUT };
	static const struct option opts[] = {
		{"hash", no_argument, NULL, OPT_HASH},
		{"out", required_argument, NULL, OPT_OUT},
		{NULL, 0, NULL, 0},
	};
	struct export_state st;
	struct export_out o;
	unsigned long long total = 0;
	const char *out = NULL;
	struct shk_ctx *ctx;
	FILE *f = NULL;
	size_t i, dropped_revoked = 0;
	int c, r, hash = 0, rc = CLI_EXIT_ERROR;

	memset(&st, 0, sizeof(st));
	memset(&o, 0, sizeof(o));
	o.rp.fd = o.dirfd = -1;
	while ((c = getopt_long(argc, argv, "H", opts, NULL)) != -1) {
		switch (c) {
		case 'H':
		case OPT_HASH:
			hash = 1;
			break;
		case OPT_OUT:
			out = optarg;
			break;
		default:
			return CLI_EXIT_ERROR;
		}
	}
	if (optind != argc) {
		cli_error("usage: export [--hash] [--out FILE]");
		return CLI_EXIT_ERROR;
	}
	if ((ctx = cli_ctx(cli)) == NULL)
		return CLI_EXIT_ERROR;
	r = shk_foreach(ctx, collect, &st);
	if (st.nomem)
		r = SHK_ERR_NOMEM;
	if (r != SHK_OK) {
		cli_error("cannot list the stores: %s", shk_strerror(r));
		goto out;
	}

	export_sort(&st);
	if (out != NULL) {
		if ((f = export_out_open(out, &o)) == NULL) {
			cli_error("cannot create a temporary file for %s: %s", SHK_ESC(out),
				  strerror(errno));
			goto out;
		}
	} else {
		f = stdout;
	}
	for (i = 0; i < st.n; i++) {
		const char *k;

		if (st.v[i].text == NULL)
			continue;
		k = line_key(&st.v[i]);
		if (st.nrevoked > 0 &&
		    bsearch(&k, st.revoked, st.nrevoked, sizeof(*st.revoked), cmp_str) != NULL) {
			dropped_revoked++;
			continue;
		}
		if ((r = write_line(f, &st.v[i], hash, &total)) != 0) {
			cli_error("%s", r == -2 ? "cannot hash a name"
						: "write error");
			goto out;
		}
	}
	if (out != NULL) {
		r = fclose(f);
		f = NULL;
		if (r != 0 || shk_replace_close(&o.rp, NULL) != SHK_OK) {
			cli_error("cannot write %s: %s", SHK_ESC(o.tmp), strerror(errno));
			goto out;
		}
		if (shk_replace_commit(&o.rp, o.base, NULL) != SHK_OK) {
			cli_error("cannot rename %s to %s: %s", SHK_ESC(o.tmp), SHK_ESC(out),
				  strerror(errno));
			goto out;
		}
	}
	if (dropped_revoked > 0 && cli->verbose > 0)
		cli_error("left out %zu entr%s whose key is revoked", dropped_revoked,
			  dropped_revoked == 1 ? "y" : "ies");
	if (total > EXPORT_LIBSSH_MAX)
		cli_error("warning: the export is %llu bytes, more than 16 MiB: libssh "
			  "(0.11.4 and later, Debian 0.10.6+deb12u3) will not read it",
			  total);
	rc = 0;
out:
	if (f != NULL && f != stdout)
		fclose(f);
	export_out_discard(&o);
	for (i = 0; i < st.n; i++)
		free(st.v[i].text);
	free(st.v);
	for (i = 0; i < st.nrevoked; i++)
		free(st.revoked[i]);
	free(st.revoked);
	return rc;
}
