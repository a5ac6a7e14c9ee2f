/* SPDX-License-Identifier: MIT */
/*
 * add, remove and import: the store writers on the command line.
 * Exit status: 0 something was written, 1 nothing to do (every key
 * already there, nothing named the host), 2 error.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "shk.h"
#include "hostspec.h"
#include "key.h"
#include "keyfile.h"
#include "knownhosts.h"
#include "log.h"

#define CLI_EXIT_NOTHING 1

/* Options shared by the three commands. */
struct store_opts {
	unsigned int port;
	enum shk_store_scope scope;
	enum shk_store_format format;
	int verbose;
};

enum { OPT_STORE = 256, OPT_FORMAT };

static const struct option store_longopts[] = {
	{"store", required_argument, NULL, OPT_STORE},
	{"format", required_argument, NULL, OPT_FORMAT},
	{"port", required_argument, NULL, 'p'},
	{"verbose", no_argument, NULL, 'v'},
	{NULL, 0, NULL, 0},
};

/* Parse the options; returns the index of the first operand or -1. */
static int
store_getopt(struct cli *cli, int argc, char **argv, const char *shortopts,
	     struct store_opts *o)
{
	int c;

	memset(o, 0, sizeof(*o));
	o->scope = SHK_STORE_USER;
	o->format = SHK_FORMAT_DEFAULT;
	while ((c = getopt_long(argc, argv, shortopts, store_longopts, NULL)) != -1) {
		switch (c) {
		case 'p':
			if ((o->port = cli_parse_port(optarg)) == 0) {
				cli_error("%s: bad port \"%s\"", argv[0], SHK_ESC(optarg));
				return -1;
			}
			break;
		case OPT_STORE:
			if (strcmp(optarg, "user") == 0)
				o->scope = SHK_STORE_USER;
			else if (strcmp(optarg, "system") == 0)
				o->scope = SHK_STORE_SYSTEM;
			else {
				cli_error("%s: --store must be user or system", argv[0]);
				return -1;
			}
			break;
		case OPT_FORMAT:
			if (strcmp(optarg, "plain") == 0)
				o->format = SHK_FORMAT_PLAIN;
			else if (strcmp(optarg, "hashed") == 0)
				o->format = SHK_FORMAT_HASHED;
			else {
				cli_error("%s: --format must be plain or hashed", argv[0]);
				return -1;
			}
			break;
		case 'v':
			cli->verbose++;
			break;
		default:
			return -1;
		}
	}
	o->verbose = cli->verbose;
	return optind;
}

/* The whole of a file, or of standard input for "-" (a pipe works too). */
static int
read_all(const char *path, char **out, size_t *outlen)
{
	char *buf = NULL, *nb;
	size_t len = 0, cap = 0;
	ssize_t n;
	int fd, r = 0;

	*out = NULL;
	*outlen = 0;
	if (strcmp(path, "-") == 0)
		fd = STDIN_FILENO;
	else if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) == -1) {
		cli_error("%s: %s", SHK_ESC(path), strerror(errno));
		return -1;
	}
	for (;;) {
		if (len == cap) {
			cap = cap == 0 ? 65536 : 2 * cap;
			if ((nb = realloc(buf, cap)) == NULL) {
				cli_error("%s: out of memory", SHK_ESC(path));
				r = -1;
				break;
			}
			buf = nb;
		}
		n = read(fd, buf + len, cap - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			cli_error("%s: %s", SHK_ESC(path), strerror(errno));
			r = -1;
			break;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	if (fd != STDIN_FILENO)
		close(fd);
	if (r != 0) {
		free(buf);
		return r;
	}
	*out = buf;
	*outlen = len;
	return 0;
}

struct keyvec {
	struct shk_key **v;
	size_t n, cap;
};

static int
keyvec_push(struct keyvec *kv, struct shk_key *key)
{
	struct shk_key **nv;
	size_t ncap;

	if (kv->n == kv->cap) {
		ncap = kv->cap == 0 ? 8 : 2 * kv->cap;
		if ((nv = reallocarray(kv->v, ncap, sizeof(*nv))) == NULL)
			return SHK_ERR_NOMEM;
		kv->v = nv;
		kv->cap = ncap;
	}
	kv->v[kv->n++] = key;
	return SHK_OK;
}

static int
keyvec_cb(void *arg, struct shk_key *key, unsigned long line)
{
	(void)line;
	if (keyvec_push(arg, key) != SHK_OK) {
		shk_key_free(key);
		return SHK_ERR_NOMEM;
	}
	return 0;
}

static void
keyvec_free(struct keyvec *kv)
{
	shk_key_array_free(kv->v, kv->n);
	kv->v = NULL;
	kv->n = kv->cap = 0;
}

/* One KEY operand: "TYPE BASE64 [COMMENT]", "-" or a key file. */
static int
read_key_arg(struct cli *cli, const char *arg, struct keyvec *kv)
{
	struct shk_log log = {cli_log, cli};
	struct shk_key *key = NULL;
	char *buf = NULL, shown[48];
	size_t len, before = kv->n;
	int r;

	if (strchr(arg, ' ') != NULL) {
		if ((r = shk_key_parse(arg, strlen(arg), &key)) != SHK_OK) {
			cli_error("\"%s\": not a public key: %s",
				  shk_escape(arg, strlen(arg), shown, sizeof(shown)), shk_strerror(r));
			return -1;
		}
		if (keyvec_push(kv, key) != SHK_OK) {
			shk_key_free(key);
			return -1;
		}
		return 0;
	}
	if (read_all(arg, &buf, &len) != 0)
		return -1;
	r = shk_keyfile_parse(buf, len, strcmp(arg, "-") == 0 ? "(stdin)" : arg, &log,
			      keyvec_cb, kv, NULL);
	free(buf);
	if (r != SHK_OK) {
		cli_error("%s: %s", SHK_ESC(arg), shk_strerror(r));
		return -1;
	}
	if (kv->n == before) {
		cli_error("%s: no public key found", SHK_ESC(arg));
		return -1;
	}
	return 0;
}

int
cmd_add(struct cli *cli, int argc, char **argv)
{
	struct store_opts o;
	struct keyvec kv;
	struct shk_ctx *ctx;
	size_t added = 0;
	int i, k, r, rc = CLI_EXIT_ERROR;

	memset(&kv, 0, sizeof(kv));
	if ((i = store_getopt(cli, argc, argv, "+p:v", &o)) < 0 || argc - i < 2) {
		fputs("usage: sshhostkeys add [-p PORT] [--store user|system] "
		      "[--format plain|hashed] HOST KEY...\n",
		      stderr);
		return CLI_EXIT_ERROR;
	}
	for (k = i + 1; k < argc; k++)
		if (read_key_arg(cli, argv[k], &kv) != 0)
			goto out;
	if ((ctx = cli_ctx(cli)) == NULL)
		goto out;
	r = shk_store_add(ctx, o.scope, o.format, argv[i], o.port,
			  (const struct shk_key *const *)kv.v, kv.n, &added);
	if (r != SHK_OK) {
		cli_error("add %s: %s", SHK_ESC(argv[i]), shk_strerror(r));
		goto out;
	}
	printf("%s: %zu key(s) added, %zu already present\n", SHK_ESC(argv[i]), added,
	       kv.n - added);
	rc = added > 0 ? 0 : CLI_EXIT_NOTHING;
out:
	keyvec_free(&kv);
	return rc;
}

int
cmd_remove(struct cli *cli, int argc, char **argv)
{
	struct store_opts o;
	struct shk_ctx *ctx;
	size_t removed = 0;
	int i, r;

	if ((i = store_getopt(cli, argc, argv, "+p:v", &o)) < 0 || argc - i != 1) {
		fputs("usage: sshhostkeys remove [-p PORT] [--store user|system] HOST\n", stderr);
		return CLI_EXIT_ERROR;
	}
	if ((ctx = cli_ctx(cli)) == NULL)
		return CLI_EXIT_ERROR;
	r = shk_store_remove(ctx, o.scope, argv[i], o.port, &removed);
	if (r == SHK_ERR_NOTFOUND) {
		printf("%s: not found in the %s store\n", SHK_ESC(argv[i]),
		       o.scope == SHK_STORE_SYSTEM ? "system" : "user");
		return CLI_EXIT_NOTHING;
	}
	if (removed > 0)
		printf("%s: %zu entr%s removed\n", SHK_ESC(argv[i]), removed,
		       removed == 1 ? "y" : "ies");
	if (r != SHK_OK) {
		cli_error("remove %s: %s", SHK_ESC(argv[i]), shk_strerror(r));
		return CLI_EXIT_ERROR;
	}
	return 0;
}

/* ---- import --------------------------------------------------------------- */

/* One (host, port, key) to import; the key is shared by every name of
 * its line. */
struct imp_entry {
	char *host;
	unsigned int port;
	size_t key; /* index into keys */
};

struct imp {
	struct cli *cli;
	const char *file;
	struct keyvec keys;
	struct imp_entry *v;
	size_t n, cap;
	unsigned long hashed, patterns, markers, invalid;
	int nomem;
};

static void
imp_skip(struct imp *im, unsigned long *counter, unsigned long line, const char *why)
{
	(*counter)++;
	if (im->cli->verbose > 0)
		fprintf(stderr, "sshhostkeys: %s:%lu: skipped: %s\n", SHK_ESC(im->file), line,
			SHK_ESC(why));
}

static int
imp_has_pattern(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] == '*' || p[i] == '?' || p[i] == '!')
			return 1;
	return 0;
}

static int
imp_line(const struct shk_kh_line *l, void *arg)
{
	struct imp *im = arg;
	struct shk_error err;
	struct shk_key *key = NULL;
	struct imp_entry *nv;
	char canon[SHK_HOST_MAX + 1], name[SHK_KH_NAME_MAX + 1];
	const char *p, *e, *end;
	unsigned int port;
	size_t before = im->n, ncap;
	int bad = 0;

	memset(&err, 0, sizeof(err));
	if (l->status == SHK_KH_COMMENT)
		return 0;
	if (l->status == SHK_KH_INVALID) {
		imp_skip(im, &im->invalid, l->lineno, l->why);
		return 0;
	}
	if (l->marker != SHK_MARKER_NONE) {
		imp_skip(im, &im->markers, l->lineno,
			 "marker line (@cert-authority or @revoked) has no per-host file");
		return 0;
	}
	if (l->hostslen > 0 && l->hosts[0] == '|') {
		imp_skip(im, &im->hashed, l->lineno, "hashed name cannot be recovered");
		return 0;
	}
	if (imp_has_pattern(l->hosts, l->hostslen)) {
		imp_skip(im, &im->patterns, l->lineno, "pattern or negation names no single host");
		return 0;
	}
	if (shk_key_from_b64(l->keytype, l->keytypelen, l->b64, l->b64len, l->comment,
			     l->commentlen, &key, &err) != SHK_OK) {
		imp_skip(im, &im->invalid, l->lineno, err.msg);
		return 0;
	}
	if (keyvec_push(&im->keys, key) != SHK_OK) {
		shk_key_free(key);
		im->nomem = 1;
		return 1;
	}
	end = l->hosts + l->hostslen;
	for (p = l->hosts; p < end; p = e + 1) {
		e = memchr(p, ',', (size_t)(end - p));
		if (e == NULL)
			e = end;
		if (e == p || (size_t)(e - p) >= sizeof(name)) {
			bad = 1;
			continue;
		}
		memcpy(name, p, (size_t)(e - p));
		name[e - p] = '\0';
		if (shk_hostspec_parse(name, 0, canon, sizeof(canon), &port, &err) != SHK_OK) {
			bad = 1;
			continue;
		}
		if (im->n == im->cap) {
			ncap = im->cap == 0 ? 64 : 2 * im->cap;
			if ((nv = reallocarray(im->v, ncap, sizeof(*nv))) == NULL) {
				im->nomem = 1;
				return 1;
			}
			im->v = nv;
			im->cap = ncap;
		}
		if ((im->v[im->n].host = strdup(canon)) == NULL) {
			im->nomem = 1;
			return 1;
		}
		im->v[im->n].port = port;
		im->v[im->n].key = im->keys.n - 1;
		im->n++;
	}
	/* A line with a bad name still imports its good names; it is
	 * counted once as invalid so that the user looks at it. */
	if (bad)
		imp_skip(im, &im->invalid, l->lineno,
			 im->n == before ? "no usable host name" : "a host name is unusable");
	return 0;
}

static int
imp_cmp(const void *a, const void *b)
{
	const struct imp_entry *x = a, *y = b;
	int c = strcmp(x->host, y->host);

	if (c != 0)
		return c;
	return x->port < y->port ? -1 : x->port > y->port;
}

static double
now_sec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Hosts at which a progress line starts to be worth showing. */
#define IMPORT_PROGRESS_MIN 200

int
cmd_import(struct cli *cli, int argc, char **argv)
{
	const struct shk_key **group = NULL;
	struct store_opts o;
	struct shk_ctx *ctx;
	struct imp im;
	char *buf = NULL, hostbuf[SHK_KH_NAME_MAX + 16];
	size_t len = 0, i, j, ng = 0, nhosts = 0, host_i = 0, added, nadded = 0, npresent = 0;
	unsigned long skipped;
	double last = 0;
	int k, r, progress, failed = 0, rc = CLI_EXIT_ERROR;

	memset(&im, 0, sizeof(im));
	if ((k = store_getopt(cli, argc, argv, "+v", &o)) < 0 || argc - k != 1) {
		fputs("usage: sshhostkeys import [--store user|system] [--format plain|hashed] "
		      "FILE\n",
		      stderr);
		return CLI_EXIT_ERROR;
	}
	im.cli = cli;
	im.file = strcmp(argv[k], "-") == 0 ? "(stdin)" : argv[k];
	if (read_all(argv[k], &buf, &len) != 0)
		goto out;
	shk_kh_foreach(buf != NULL ? buf : "", len, imp_line, &im);
	if (im.nomem) {
		cli_error("%s: out of memory", SHK_ESC(im.file));
		goto out;
	}
	if ((ctx = cli_ctx(cli)) == NULL)
		goto out;
	qsort(im.v, im.n, sizeof(*im.v), imp_cmp);
	for (i = 0; i < im.n; i = j) {
		for (j = i + 1; j < im.n && imp_cmp(&im.v[i], &im.v[j]) == 0; j++)
			;
		nhosts++;
	}
	if ((group = calloc(im.n > 0 ? im.n : 1, sizeof(*group))) == NULL) {
		cli_error("out of memory");
		goto out;
	}
	progress = isatty(STDERR_FILENO) && nhosts >= IMPORT_PROGRESS_MIN;
	/* One write per host, whatever the number of its lines. */
	for (i = 0; i < im.n; i = j) {
		for (j = i, ng = 0; j < im.n && imp_cmp(&im.v[i], &im.v[j]) == 0; j++)
			group[ng++] = im.keys.v[im.v[j].key];
		host_i++;
		if (im.v[i].port == 22)
			snprintf(hostbuf, sizeof(hostbuf), "%s", im.v[i].host);
		else
			snprintf(hostbuf, sizeof(hostbuf), "[%s]:%u", im.v[i].host, im.v[i].port);
		added = 0;
		r = shk_store_add(ctx, o.scope, o.format, hostbuf, 0, group, ng, &added);
		if (r != SHK_OK) {
			cli_error("%s: %s: not imported", hostbuf, shk_strerror(r));
			failed++;
		} else {
			nadded += added;
			npresent += ng - added;
			if (cli->verbose > 1)
				fprintf(stderr, "sshhostkeys: %s: %zu added\n", hostbuf, added);
		}
		if (progress && (now_sec() - last >= 0.1 || host_i == nhosts)) {
			last = now_sec();
			fprintf(stderr, "\rimporting: %zu/%zu hosts", host_i, nhosts);
			if (host_i == nhosts)
				fputc('\n', stderr);
			fflush(stderr);
		}
	}
	skipped = im.hashed + im.patterns + im.markers + im.invalid;
	printf("added %zu, already present %zu, skipped %lu (hashed %lu, patterns %lu, "
	       "markers %lu, invalid %lu)\n",
	       nadded, npresent, skipped, im.hashed, im.patterns, im.markers, im.invalid);
	if (failed > 0) {
		cli_error("%d host(s) could not be imported", failed);
		rc = CLI_EXIT_ERROR;
	} else {
		rc = nadded > 0 ? 0 : CLI_EXIT_NOTHING;
	}
out:
	free(group);
	for (i = 0; i < im.n; i++)
		free(im.v[i].host);
	free(im.v);
	keyvec_free(&im.keys);
	free(buf);
	return rc;
}
