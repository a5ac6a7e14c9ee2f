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
#include <stdint.h>
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
#include "keyvec.h"
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
			if (cli_opt_port(argv[0], optarg, &o->port) != 0)
				return -1;
			break;
		case OPT_STORE:
			if (cli_parse_scope(optarg, &o->scope) != 0) {
				cli_error("%s: --store must be user or system", argv[0]);
				return -1;
			}
			break;
		case OPT_FORMAT:
			if (cli_parse_format(optarg, &o->format) != 0) {
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

/* One KEY operand: "TYPE BASE64 [COMMENT]", "-" or a key file. */
static int
read_key_arg(struct cli *cli, const char *arg, struct shk_keyvec *kv)
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
		if (shk_keyvec_push(kv, key, 0) != SHK_OK)
			return -1;
		return 0;
	}
	if (cli_read_all(arg, &buf, &len) != 0)
		return -1;
	r = shk_keyfile_parse(buf, len, strcmp(arg, "-") == 0 ? "(stdin)" : arg, &log,
			      shk_keyvec_cb, kv, NULL);
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
	struct shk_keyvec kv;
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
	shk_keyvec_free(&kv);
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

/*
 * What import holds, which grows with the distinct hosts of the file, not
 * with its names: each (host, port) once, in a hash table, its name in
 * one arena; and each (host, key) pair once per line, since a name
 * repeated in a line (one line of 32 M "a," is one host) adds nothing.
 * The file itself is read a line at a time.
 */
struct imp_host {
	size_t name; /* offset of the canonical name in imp.names */
	unsigned int port;
	size_t last_key; /* key of its last pair, SIZE_MAX before the first */
	size_t npairs;
};

struct imp_pair {
	size_t host, key; /* indexes into imp.hosts and imp.keys */
};

struct imp {
	struct cli *cli;
	const char *file;
	struct shk_keyvec keys;
	char *names;
	size_t nameslen, namescap;
	struct imp_host *hosts;
	size_t nhosts, hostcap;
	size_t *slot; /* host index + 1, 0 when free; nslot a power of 2 */
	size_t nslot;
	struct imp_pair *pairs;
	size_t npairs, paircap;
	unsigned long hashed, patterns, markers, invalid;
	int nomem;
};

/* Room for one more element in *v (cap *cap, elements of size): 0 or -1. */
static int
imp_reserve(void **v, size_t *cap, size_t n, size_t need, size_t size)
{
	size_t ncap = *cap == 0 ? 64 : *cap;
	void *nv;

	while (ncap < n + need) {
		if (ncap > SIZE_MAX / 2)
			return -1;
		ncap *= 2;
	}
	if (ncap == *cap)
		return 0;
	if ((nv = reallocarray(*v, ncap, size)) == NULL)
		return -1;
	*v = nv;
	*cap = ncap;
	return 0;
}

static size_t
imp_hash(const char *name, unsigned int port)
{
	size_t h = 14695981039346656037u;

	for (; *name != '\0'; name++)
		h = (h ^ (unsigned char)*name) * 1099511628211u;
	return (h ^ port) * 1099511628211u;
}

/* Double the table (or make it), placing every host again. 0 or -1. */
static int
imp_rehash(struct imp *im)
{
	size_t n = im->nslot == 0 ? 256 : 2 * im->nslot, *slot, i, j;

	if (n > SIZE_MAX / sizeof(*slot) || (slot = calloc(n, sizeof(*slot))) == NULL)
		return -1;
	for (i = 0; i < im->nhosts; i++) {
		j = imp_hash(im->names + im->hosts[i].name, im->hosts[i].port) & (n - 1);
		while (slot[j] != 0)
			j = (j + 1) & (n - 1);
		slot[j] = i + 1;
	}
	free(im->slot);
	im->slot = slot;
	im->nslot = n;
	return 0;
}

/* The index of (canon, port) in im->hosts, added when new; SIZE_MAX
 * without memory. */
static size_t
imp_host(struct imp *im, const char *canon, unsigned int port)
{
	struct imp_host *ho;
	size_t j, len = strlen(canon) + 1;

	if ((im->nhosts + 1) * 2 > im->nslot && imp_rehash(im) != 0)
		return SIZE_MAX;
	for (j = imp_hash(canon, port) & (im->nslot - 1); im->slot[j] != 0;
	     j = (j + 1) & (im->nslot - 1)) {
		ho = &im->hosts[im->slot[j] - 1];
		if (ho->port == port && strcmp(im->names + ho->name, canon) == 0)
			return im->slot[j] - 1;
	}
	if (imp_reserve((void **)&im->hosts, &im->hostcap, im->nhosts, 1, sizeof(*im->hosts)) !=
		    0 ||
	    imp_reserve((void **)&im->names, &im->namescap, im->nameslen, len, 1) != 0)
		return SIZE_MAX;
	memcpy(im->names + im->nameslen, canon, len);
	ho = &im->hosts[im->nhosts];
	ho->name = im->nameslen;
	ho->port = port;
	ho->last_key = SIZE_MAX;
	ho->npairs = 0;
	im->nameslen += len;
	im->slot[j] = ++im->nhosts;
	return im->nhosts - 1;
}

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
	return memchr(p, '*', n) != NULL || memchr(p, '?', n) != NULL || memchr(p, '!', n) != NULL;
}

static int
imp_line(const struct shk_kh_line *l, void *arg)
{
	struct imp *im = arg;
	struct shk_error err;
	struct shk_key *key = NULL;
	char canon[SHK_HOST_MAX + 1], name[SHK_KH_NAME_MAX + 1];
	const char *p, *e, *end, *prev = NULL;
	unsigned int port;
	size_t h, k, good = 0, prevlen = 0;
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
	if (shk_keyvec_push(&im->keys, key, l->lineno) != SHK_OK) {
		im->nomem = 1;
		return 1;
	}
	k = im->keys.n - 1;
	end = l->hosts + l->hostslen;
	for (p = l->hosts; p < end; p = e + 1) {
		e = memchr(p, ',', (size_t)(end - p));
		if (e == NULL)
			e = end;
		if (e == p || (size_t)(e - p) >= sizeof(name)) {
			bad = 1;
			continue;
		}
		/* The name just before, again: nothing new (and no parse). */
		if (prev != NULL && prevlen == (size_t)(e - p) && memcmp(prev, p, prevlen) == 0)
			continue;
		prev = p;
		prevlen = (size_t)(e - p);
		memcpy(name, p, (size_t)(e - p));
		name[e - p] = '\0';
		if (shk_hostspec_parse(name, 0, canon, sizeof(canon), &port, &err) != SHK_OK) {
			bad = 1;
			continue;
		}
		good++;
		if ((h = imp_host(im, canon, port)) == SIZE_MAX) {
			im->nomem = 1;
			return 1;
		}
		if (im->hosts[h].last_key == k)
			continue;
		if (imp_reserve((void **)&im->pairs, &im->paircap, im->npairs, 1,
				sizeof(*im->pairs)) != 0) {
			im->nomem = 1;
			return 1;
		}
		im->pairs[im->npairs].host = h;
		im->pairs[im->npairs].key = k;
		im->npairs++;
		im->hosts[h].last_key = k;
		im->hosts[h].npairs++;
	}
	/* A line with a bad name still imports its good names; it is
	 * counted once as invalid so that the user looks at it. */
	if (bad)
		imp_skip(im, &im->invalid, l->lineno,
			 good == 0 ? "no usable host name" : "a host name is unusable");
	return 0;
}

/* Feed path ("-": standard input) to imp_line a line at a time, cut as
 * shk_kh_foreach cuts them. 0, or -1 after saying why. */
static int
imp_read(struct imp *im, const char *path)
{
	struct shk_kh_line line;
	unsigned long lineno = 0;
	char *buf = NULL;
	size_t cap = 0, l;
	ssize_t n;
	FILE *f;
	int fd, r = 0;

	if (strcmp(path, "-") == 0) {
		f = stdin;
	} else if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) == -1 ||
		   (f = fdopen(fd, "r")) == NULL) {
		cli_error("%s: %s", path, strerror(errno));
		if (fd != -1)
			close(fd);
		return -1;
	}
	errno = 0;
	while ((n = getdelim(&buf, &cap, '\n', f)) > 0) {
		l = (size_t)n;
		if (buf[l - 1] == '\n')
			l--;
		if (l > 0 && buf[l - 1] == '\r')
			l--;
		shk_kh_parse_line(buf, l, ++lineno, &line);
		if (imp_line(&line, im) != 0)
			break;
		errno = 0;
	}
	if (n == -1 && errno != 0) {
		cli_error("%s: %s", im->file, strerror(errno));
		r = -1;
	}
	free(buf);
	if (f != stdin)
		fclose(f);
	return r;
}

/* Hosts in the order they are written: by name, then port. */
struct imp_ord {
	const char *name;
	unsigned int port;
	size_t host;
};

static int
imp_cmp(const void *a, const void *b)
{
	const struct imp_ord *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	if (c != 0)
		return c;
	return x->port < y->port ? -1 : x->port > y->port;
}

static void
imp_free(struct imp *im)
{
	shk_keyvec_free(&im->keys);
	free(im->names);
	free(im->hosts);
	free(im->slot);
	free(im->pairs);
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
	struct imp_ord *ord = NULL;
	size_t *first = NULL, *keyof = NULL;
	char hostbuf[SHK_KH_NAME_MAX + 16];
	size_t i, j, ng, nmax = 1, host_i = 0, added, nadded = 0, npresent = 0;
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
	if (imp_read(&im, argv[k]) != 0)
		goto out;
	if (im.nomem) {
		cli_error("%s: out of memory", SHK_ESC(im.file));
		goto out;
	}
	if ((ctx = cli_ctx(cli)) == NULL)
		goto out;
	/* Each host's keys together, in line order: first[h] is where host
	 * h's keys start in keyof. */
	if ((ord = calloc(im.nhosts + 1, sizeof(*ord))) == NULL ||
	    (first = calloc(im.nhosts + 1, sizeof(*first))) == NULL ||
	    (keyof = calloc(im.npairs + 1, sizeof(*keyof))) == NULL) {
		cli_error("out of memory");
		goto out;
	}
	for (i = 0; i < im.nhosts; i++) {
		ord[i].name = im.names + im.hosts[i].name;
		ord[i].port = im.hosts[i].port;
		ord[i].host = i;
		first[i + 1] = first[i] + im.hosts[i].npairs;
		if (im.hosts[i].npairs > nmax)
			nmax = im.hosts[i].npairs;
		im.hosts[i].npairs = 0;
	}
	for (i = 0; i < im.npairs; i++) {
		j = im.pairs[i].host;
		keyof[first[j] + im.hosts[j].npairs++] = im.pairs[i].key;
	}
	qsort(ord, im.nhosts, sizeof(*ord), imp_cmp);
	if ((group = calloc(nmax, sizeof(*group))) == NULL) {
		cli_error("out of memory");
		goto out;
	}
	progress = isatty(STDERR_FILENO) && im.nhosts >= IMPORT_PROGRESS_MIN;
	/* One write per host, whatever the number of its lines. */
	for (i = 0; i < im.nhosts; i++) {
		j = ord[i].host;
		for (ng = 0; ng < im.hosts[j].npairs; ng++)
			group[ng] = im.keys.v[keyof[first[j] + ng]];
		host_i++;
		if (ord[i].port == 22)
			snprintf(hostbuf, sizeof(hostbuf), "%s", ord[i].name);
		else
			snprintf(hostbuf, sizeof(hostbuf), "[%s]:%u", ord[i].name, ord[i].port);
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
		if (progress && (now_sec() - last >= 0.1 || host_i == im.nhosts)) {
			last = now_sec();
			fprintf(stderr, "\rimporting: %zu/%zu hosts", host_i, im.nhosts);
			if (host_i == im.nhosts)
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
	free(ord);
	free(first);
	free(keyof);
	imp_free(&im);
	return rc;
}
