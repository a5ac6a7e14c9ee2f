/* SPDX-License-Identifier: MIT */
/*
 * export: every key the configured sources hold, as one known_hosts file
 * for clients that read only files (paramiko, libssh, libssh2, Go).
 *
 * Revocations travel twice: the @revoked lines are kept (OpenSSH and Go's
 * knownhosts honour them; paramiko, libssh and libssh2 skip them as lines
 * they cannot use), and a revoked key is never exported as trusted: every
 * plain or @cert-authority entry whose key is revoked anywhere (for any
 * host pattern) is left out, which is stricter than OpenSSH's per-pattern
 * rule but the only safe reading for a client that ignores @revoked.
 * Host fields are lowercased (ssh lowercases a name before it looks, so
 * a hashed "LocalHost" would never match). Comments are not exported;
 * identical lines are written once.
 *
 * A hashed ssh2 file's name hides its host, so no export can name its
 * keys by itself: the names to try come from --host and --hosts-from
 * (looked up like any host; the keys found in such files are written
 * under the name), and whatever stays unnamed is counted on stderr and
 * makes the exit status 1.
 */
#include "config.h"

#include <ctype.h>
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
#include "hostspec.h"
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

/* A file whose keys came with no name, and whether a --host reached it. */
struct export_unnamed {
	char *origin;
	int resolved;
};

struct export_state {
	struct export_line *v;
	size_t n, cap;
	/* Revoked keys: "type base64" strings. */
	char **revoked;
	size_t nrevoked, caprevoked;
	/* Files of keys no name reached (shk_foreach's names NULL). */
	struct export_unnamed *unnamed;
	size_t nunnamed, capunnamed;
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

static const char *
marker_prefix(int marker)
{
	return marker == SHK_MARKER_CERT_AUTHORITY ? "@cert-authority "
	       : marker == SHK_MARKER_REVOKED	    ? "@revoked "
						    : "";
}

/* Add a line "[MARKER ]NAMES KEY" with the host field lowercased. */
static int
add_line(struct export_state *st, int marker, const char *names, const char *kt)
{
	struct export_line *l;
	size_t i;
	char *p;
	int n;

	if (grow((void **)&st->v, &st->cap, st->n, sizeof(*st->v)) != 0)
		return -1;
	l = &st->v[st->n];
	l->marker = marker;
	l->namelen = strlen(names);
	l->order = st->n;
	n = asprintf(&l->text, "%s%s %s", marker_prefix(marker), names, kt);
	if (n == -1)
		return -1;
	/* ssh looks up the name lowercased; a |1| hash is base64, kept. */
	if (names[0] != '|')
		for (i = 0, p = l->text + strlen(marker_prefix(marker)); i < l->namelen; i++)
			p[i] = (char)tolower((unsigned char)p[i]);
	st->n++;
	return 0;
}

/* Note a file whose keys came unnamed (once per file). */
static int
add_unnamed(struct export_state *st, const char *origin)
{
	size_t i;

	for (i = st->nunnamed; i > 0; i--)
		if (strcmp(st->unnamed[i - 1].origin, origin) == 0)
			return 0;
	if (grow((void **)&st->unnamed, &st->capunnamed, st->nunnamed, sizeof(*st->unnamed)) != 0)
		return -1;
	if ((st->unnamed[st->nunnamed].origin = strdup(origin)) == NULL)
		return -1;
	st->unnamed[st->nunnamed++].resolved = 0;
	return 0;
}

static int
collect(void *arg, const char *names, const struct shk_hostkey *k)
{
	struct export_state *st = arg;
	char *kt;
	int r = 0;

	if (names == NULL) {
		if (add_unnamed(st, k->origin != NULL ? k->origin : "?") != 0)
			goto nomem;
		return 0;
	}
	if ((kt = key_text(k)) == NULL)
		goto nomem;
	if (k->marker == SHK_MARKER_REVOKED) {
		if (grow((void **)&st->revoked, &st->caprevoked, st->nrevoked,
			 sizeof(*st->revoked)) != 0) {
			free(kt);
			goto nomem;
		}
		st->revoked[st->nrevoked++] = strdup(kt);
		if (st->revoked[st->nrevoked - 1] == NULL)
			r = -1;
	}
	if (r == 0)
		r = add_line(st, k->marker, names, kt);
	free(kt);
	if (r != 0)
		goto nomem;
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
	return l->text + strlen(marker_prefix(l->marker)) + l->namelen + 1;
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

static int
add_arg(const char ***v, size_t *n, const char *arg)
{
	const char **nv;

	if ((nv = reallocarray(*v, *n + 1, sizeof(**v))) == NULL)
		return -1;
	nv[(*n)++] = arg;
	*v = nv;
	return 0;
}

/* A host spec as lookup takes it, into host and *port: 0, or -1 after
 * saying why not, prefixed by where. */
static int
parse_host(const char *spec, const char *where, char host[SHK_HOST_MAX + 1],
	   unsigned int *port)
{
	struct shk_error err;

	memset(&err, 0, sizeof(err));
	if (shk_hostspec_parse(spec, 0, host, SHK_HOST_MAX + 1, port, &err) != SHK_OK) {
		cli_error("%sbad host \"%s\": %s", where, SHK_ESC(spec), err.msg);
		return -1;
	}
	return 0;
}

/*
 * Look the host spec up and write the keys it finds in files that came
 * unnamed under its known_hosts name. where says where the spec came from
 * for messages. 0; 1 for a name refused (said, nothing done); -1 out of
 * memory.
 */
static int
resolve_host(struct shk_ctx *ctx, struct export_state *st, const char *spec, const char *where)
{
	char host[SHK_HOST_MAX + 1], *kt;
	struct shk_keylist *kl = NULL;
	const struct shk_hostkey *k;
	unsigned int port;
	size_t i, u;
	int r = 0;

	if (parse_host(spec, where, host, &port) != 0)
		return 1;
	(void)shk_lookup(ctx, host, port, NULL, &kl);
	for (i = 0; kl != NULL && i < kl->count && r == 0; i++) {
		k = kl->keys[i];
		for (u = 0; u < st->nunnamed; u++)
			if (k->origin != NULL && strcmp(k->origin, st->unnamed[u].origin) == 0)
				break;
		if (u == st->nunnamed || k->marker != SHK_MARKER_NONE)
			continue;
		st->unnamed[u].resolved = 1;
		if ((kt = key_text(k)) == NULL)
			r = -1;
		else if (add_line(st, SHK_MARKER_NONE, kl->kh_name, kt) != 0)
			r = -1;
		free(kt);
	}
	shk_keylist_free(kl);
	return r;
}

/* Every name of a --hosts-from file ("-": standard input): one per line,
 * blank lines and '#' comments skipped; a name refused is said with
 * FILE:LINE and skipped. 0, or -1 when the file cannot be read or memory
 * runs out. */
static int
resolve_file(struct shk_ctx *ctx, struct export_state *st, const char *path)
{
	const char *shown = strcmp(path, "-") == 0 ? "(stdin)" : path;
	char *buf, *p, *end, *eol, *s, *e, spec[1024], where[PATH_MAX + 32];
	unsigned long lineno = 0;
	size_t len;
	int r = 0;

	if (cli_read_all(path, &buf, &len) != 0)
		return -1;
	for (p = buf, end = buf + len; p < end && r >= 0; p = eol + 1) {
		if ((eol = memchr(p, '\n', (size_t)(end - p))) == NULL)
			eol = end;
		lineno++;
		for (s = p; s < eol && isspace((unsigned char)*s); s++)
			;
		for (e = eol; e > s && isspace((unsigned char)e[-1]); e--)
			;
		if (s == e || *s == '#')
			continue;
		snprintf(where, sizeof(where), "%s:%lu: ", SHK_ESC(shown), lineno);
		if ((size_t)(e - s) >= sizeof(spec)) {
			cli_error("%sname longer than %zu bytes: skipped", where, sizeof(spec) - 1);
			continue;
		}
		if (memchr(s, '\0', (size_t)(e - s)) != NULL) {
			cli_error("%sname holds a NUL byte: skipped", where);
			continue;
		}
		memcpy(spec, s, (size_t)(e - s));
		spec[e - s] = '\0';
		r = resolve_host(ctx, st, spec, where);
	}
	free(buf);
	return r < 0 ? -1 : 0;
}

struct export_opts {
	int hash;
	const char *out;		  /* NULL: standard output */
	const char **hosts, **hosts_from; /* pointers into argv */
	size_t nhosts, nhosts_from;
};

/* The command line into o: 0, or -1 after saying why (usage, or a bad
 * --host name: said before anything is read). */
static int
export_getopt(int argc, char **argv, struct export_opts *o)
{
	enum { OPT_HASH = 256, OPT_OUT, OPT_HOST, OPT_HOSTS_FROM };
	static const struct option opts[] = {
		{"hash", no_argument, NULL, OPT_HASH},
		{"out", required_argument, NULL, OPT_OUT},
		{"host", required_argument, NULL, OPT_HOST},
		{"hosts-from", required_argument, NULL, OPT_HOSTS_FROM},
		{NULL, 0, NULL, 0},
	};
	char host[SHK_HOST_MAX + 1];
	unsigned int port;
	size_t i;
	int c;

	while ((c = getopt_long(argc, argv, "H", opts, NULL)) != -1) {
		switch (c) {
		case 'H':
		case OPT_HASH:
			o->hash = 1;
			break;
		case OPT_OUT:
			o->out = optarg;
			break;
		case OPT_HOST:
		case OPT_HOSTS_FROM:
			if (c == OPT_HOST ? add_arg(&o->hosts, &o->nhosts, optarg) != 0
					  : add_arg(&o->hosts_from, &o->nhosts_from, optarg) != 0) {
				cli_error("out of memory");
				return -1;
			}
			break;
		default:
			return -1;
		}
	}
	if (optind != argc) {
		cli_error("usage: export [--hash] [--out FILE] [--host NAME]... "
			  "[--hosts-from FILE]...");
		return -1;
	}
	for (i = 0; i < o->nhosts; i++)
		if (parse_host(o->hosts[i], "--host: ", host, &port) != 0)
			return -1;
	return 0;
}

/* Every entry of the stores, then the keys the names given reach in
 * files that came unnamed. 0, or -1 after saying why. */
static int
export_collect(struct shk_ctx *ctx, struct export_state *st, const struct export_opts *o)
{
	size_t i;
	int r;

	r = shk_foreach(ctx, collect, st);
	if (st->nomem)
		r = SHK_ERR_NOMEM;
	if (r != SHK_OK) {
		cli_error("cannot list the stores: %s", shk_strerror(r));
		return -1;
	}
	for (i = 0; i < o->nhosts; i++)
		if (resolve_host(ctx, st, o->hosts[i], "--host: ") < 0)
			goto nomem;
	for (i = 0; i < o->nhosts_from; i++)
		if (resolve_file(ctx, st, o->hosts_from[i]) != 0)
			return -1;
	return 0;
nomem:
	cli_error("out of memory");
	return -1;
}

/* The lines to f; a revoked key is never written as trusted. 0, or -1
 * after saying why. */
static int
export_lines(FILE *f, const struct export_state *st, int hash, unsigned long long *total,
	     size_t *dropped_revoked)
{
	const char *k;
	size_t i;
	int r;

	for (i = 0; i < st->n; i++) {
		if (st->v[i].text == NULL)
			continue;
		k = line_key(&st->v[i]);
		if (st->v[i].marker != SHK_MARKER_REVOKED && st->nrevoked > 0 &&
		    bsearch(&k, st->revoked, st->nrevoked, sizeof(*st->revoked), cmp_str) != NULL) {
			(*dropped_revoked)++;
			continue;
		}
		if ((r = write_line(f, &st->v[i], hash, total)) != 0) {
			cli_error("%s", r == -2 ? "cannot hash a name" : "write error");
			return -1;
		}
	}
	return 0;
}

/* Write the sorted lines to standard output or atomically to o->out.
 * 0, or -1 after saying why (an --out file is then left as it was). */
static int
export_write(struct cli *cli, const struct export_state *st, const struct export_opts *o)
{
	unsigned long long total = 0;
	size_t dropped_revoked = 0;
	struct export_out out;
	FILE *f = stdout;
	int r = -1;

	memset(&out, 0, sizeof(out));
	out.rp.fd = out.dirfd = -1;
	if (o->out != NULL && (f = export_out_open(o->out, &out)) == NULL) {
		cli_error("cannot create a temporary file for %s: %s", SHK_ESC(o->out),
			  strerror(errno));
		return -1;
	}
	if (export_lines(f, st, o->hash, &total, &dropped_revoked) != 0)
		goto out;
	if (o->out != NULL) {
		r = fclose(f);
		f = NULL;
		if (r != 0 || shk_replace_close(&out.rp, NULL) != SHK_OK) {
			cli_error("cannot write %s: %s", SHK_ESC(out.tmp), strerror(errno));
			r = -1;
			goto out;
		}
		if (shk_replace_commit(&out.rp, out.base, NULL) != SHK_OK) {
			cli_error("cannot rename %s to %s: %s", SHK_ESC(out.tmp), SHK_ESC(o->out),
				  strerror(errno));
			r = -1;
			goto out;
		}
	}
	r = 0;
	if (dropped_revoked > 0 && cli->verbose > 0)
		cli_error("left out %zu entr%s whose key is revoked", dropped_revoked,
			  dropped_revoked == 1 ? "y" : "ies");
	if (total > EXPORT_LIBSSH_MAX)
		cli_error("warning: the export is %llu bytes, more than 16 MiB: libssh "
			  "(0.11.4 and later, Debian 0.10.6+deb12u3) will not read it",
			  total);
out:
	if (f != NULL && f != stdout)
		fclose(f);
	export_out_discard(&out);
	return r;
}

/* Say how many files came unnamed and stayed so (-v: which); their count. */
static size_t
export_report_unnamed(struct cli *cli, const struct export_state *st)
{
	size_t i, n = 0;

	for (i = 0; i < st->nunnamed; i++)
		if (!st->unnamed[i].resolved)
			n++;
	if (n == 0)
		return 0;
	cli_error("left out %zu hashed file%s whose host no name given reached (a hashed "
		  "ssh2 file name hides its host): name the hosts with --host or --hosts-from",
		  n, n == 1 ? "" : "s");
	if (cli->verbose > 0)
		for (i = 0; i < st->nunnamed; i++)
			if (!st->unnamed[i].resolved)
				cli_error("  %s", SHK_ESC(st->unnamed[i].origin));
	return n;
}

static void
export_state_free(struct export_state *st)
{
	size_t i;

	for (i = 0; i < st->n; i++)
		free(st->v[i].text);
	free(st->v);
	for (i = 0; i < st->nrevoked; i++)
		free(st->revoked[i]);
	free(st->revoked);
	for (i = 0; i < st->nunnamed; i++)
		free(st->unnamed[i].origin);
	free(st->unnamed);
}

int
cmd_export(struct cli *cli, int argc, char **argv)
{
	struct export_state st;
	struct export_opts o;
	struct shk_ctx *ctx;
	int rc = CLI_EXIT_ERROR;

	memset(&st, 0, sizeof(st));
	memset(&o, 0, sizeof(o));
	if (export_getopt(argc, argv, &o) != 0 || (ctx = cli_ctx(cli)) == NULL ||
	    export_collect(ctx, &st, &o) != 0)
		goto out;
	export_sort(&st);
	if (export_write(cli, &st, &o) != 0)
		goto out;
	/* Exported, but not everything: a script must be able to tell. */
	rc = export_report_unnamed(cli, &st) > 0 ? 1 : 0;
out:
	export_state_free(&st);
	free(o.hosts);
	free(o.hosts_from);
	return rc;
}
