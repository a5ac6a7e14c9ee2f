/* SPDX-License-Identifier: MIT */
/*
 * scan: collect the host keys servers offer (ssh-keyscan, Tectia's
 * ssh-keydist2) and store them.
 *
 * The key exchange is libssh's, not ours: a server proves it holds the
 * key it shows by signing the exchange hash, and libssh checks that
 * signature before ssh_connect() returns. A server offers one host key
 * per key exchange, so every key type costs one connection with
 * SSH_OPTIONS_HOSTKEYS limited to that type's algorithms. Hosts are
 * scanned by a bounded pool of threads, each host with its own timeout;
 * a host that does not answer is reported and the others go on.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <netdb.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <libssh/libssh.h>

#include "base64.h"
#include "cli.h"
#include "hostspec.h"
#include "key.h"

#define SCAN_MAX_THREADS 16
#define SCAN_MAX_TYPES 8
#define SCAN_DEFAULT_TIMEOUT 5

/* -t words and the host key algorithms one connection offers for each;
 * the ECDSA curves share a connection, as in ssh-keyscan. */
static const struct scan_type {
	const char *word;
	const char *algs;
} scan_types[] = {
	{"rsa", "rsa-sha2-512,rsa-sha2-256,ssh-rsa"},
	{"ecdsa", "ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,ecdsa-sha2-nistp521"},
	{"ed25519", "ssh-ed25519"},
	{"dsa", "ssh-dss"},
};

struct scan_host {
	const char *spec; /* as given */
	char *host;	  /* canonical */
	unsigned int port;
	struct shk_key *keys[SCAN_MAX_TYPES];
	size_t nkeys;
	char *error; /* why the host failed; NULL when keys were found */
	char *banner;
};

struct scan {
	struct scan_host *hosts;
	size_t nhosts;
	const struct scan_type *types[SCAN_MAX_TYPES];
	size_t ntypes;
	long timeout;
	pthread_mutex_t lock;
	size_t next, done, failed;
	int progress; /* stderr is a terminal */
};

static void
progress(struct scan *sc, int final)
{
	if (!sc->progress)
		return;
	fprintf(stderr, "\rscanned %zu/%zu hosts, %zu failed%s", sc->done, sc->nhosts,
		sc->failed, final ? "\n" : "");
	fflush(stderr);
}

/* Turn a base64 public key from libssh into our key. */
static int
key_from_b64(const char *b64, struct shk_key **out)
{
	unsigned char *blob = NULL;
	size_t len = strlen(b64), bloblen, tlen;
	struct shk_error err;
	int r;

	*out = NULL;
	if ((blob = malloc(SHK_B64_DECODED_MAX(len))) == NULL)
		return SHK_ERR_NOMEM;
	if ((r = shk_b64_decode(b64, len, blob, SHK_B64_DECODED_MAX(len), &bloblen)) !=
	    SHK_OK)
		goto out;
	/* The blob's first string names its type (RFC 4253 6.6). */
	if (bloblen < 4) {
		r = SHK_ERR_PARSE;
		goto out;
	}
	tlen = ((size_t)blob[0] << 24) | ((size_t)blob[1] << 16) | ((size_t)blob[2] << 8) |
	       blob[3];
	if (tlen == 0 || tlen > bloblen - 4) {
		r = SHK_ERR_PARSE;
		goto out;
	}
	r = shk_key_from_b64((const char *)blob + 4, tlen, b64, len, NULL, 0, out, &err);
out:
	free(blob);
	return r;
}

/*
 * One connection offering only algs. Returns 1 with *key, 0 when the
 * server answered but offers no key of the type, -1 when the host could
 * not be reached (then *why is set).
 */
static int
scan_one(struct scan *sc, struct scan_host *h, const char *algs, struct shk_key **key,
	 char **why)
{
	ssh_session s;
	ssh_key sk = NULL;
	char *b64 = NULL;
	const char *banner;
	int port = (int)h->port, verbosity = SSH_LOG_NOLOG, rc = -1;
	bool no = false;
	long timeout = sc->timeout;

	*key = NULL;
	if ((s = ssh_new()) == NULL) {
		*why = strdup("out of memory");
		return -1;
	}
	if (ssh_options_set(s, SSH_OPTIONS_LOG_VERBOSITY, &verbosity) != 0 ||
	    ssh_options_set(s, SSH_OPTIONS_PROCESS_CONFIG, &no) != 0 ||
	    ssh_options_set(s, SSH_OPTIONS_HOST, h->host) != 0 ||
	    ssh_options_set(s, SSH_OPTIONS_PORT, &port) != 0 ||
	    ssh_options_set(s, SSH_OPTIONS_TIMEOUT, &timeout) != 0 ||
	    ssh_options_set(s, SSH_OPTIONS_HOSTKEYS, algs) != 0) {
		/* libssh knows none of these algorithms: the server is not
		 * at fault, the type is just not scannable here. */
		rc = 0;
		goto out;
	}
	if (ssh_connect(s) != SSH_OK) {
		/* A server that sent its banner is reachable; it just has
		 * no key of this type (or refused us for this type). */
		if ((banner = ssh_get_serverbanner(s)) != NULL) {
			if (h->banner == NULL)
				h->banner = strdup(banner);
			rc = 0;
		} else {
			*why = strdup(ssh_get_error(s));
		}
		goto out;
	}
	if (h->banner == NULL && (banner = ssh_get_serverbanner(s)) != NULL)
		h->banner = strdup(banner);
	if (ssh_get_server_publickey(s, &sk) != SSH_OK ||
	    ssh_pki_export_pubkey_base64(sk, &b64) != SSH_OK) {
		*why = strdup("cannot read the server's public key");
		goto out;
	}
	rc = key_from_b64(b64, key) == SHK_OK ? 1 : 0;
	ssh_disconnect(s);
out:
	ssh_string_free_char(b64);
	ssh_key_free(sk);
	ssh_free(s);
	return rc;
}

static void
scan_host(struct scan *sc, struct scan_host *h)
{
	struct shk_key *k;
	size_t t, i;
	int r, dup;
	char *why = NULL;

	for (t = 0; t < sc->ntypes; t++) {
		r = scan_one(sc, h, sc->types[t]->algs, &k, &why);
		if (r < 0) {
			/* Unreachable: the other types would only wait again. */
			if (h->nkeys == 0) {
				h->error = why != NULL ? why : strdup("cannot connect");
				return;
			}
			free(why);
			why = NULL;
			continue;
		}
		if (r == 0)
			continue;
		for (dup = 0, i = 0; i < h->nkeys && !dup; i++)
			dup = shk_key_equal_blob(h->keys[i]->type, h->keys[i]->blob,
						 h->keys[i]->bloblen, k->type, k->blob,
						 k->bloblen);
		if (dup || h->nkeys == SCAN_MAX_TYPES)
			shk_key_free(k);
		else
			h->keys[h->nkeys++] = k;
	}
	if (h->nkeys == 0)
		h->error = strdup(h->banner != NULL ? "the server offers none of the key types"
						    : "no answer");
}

static void *
scan_worker(void *arg)
{
	struct scan *sc = arg;
	struct scan_host *h;

	for (;;) {
		pthread_mutex_lock(&sc->lock);
		if (sc->next >= sc->nhosts) {
			pthread_mutex_unlock(&sc->lock);
			return NULL;
		}
		h = &sc->hosts[sc->next++];
		pthread_mutex_unlock(&sc->lock);

		scan_host(sc, h);

		pthread_mutex_lock(&sc->lock);
		sc->done++;
		if (h->nkeys == 0)
			sc->failed++;
		progress(sc, 0);
		pthread_mutex_unlock(&sc->lock);
	}
}

static int
parse_types(struct scan *sc, const char *list)
{
	char *copy, *w, *save = NULL;
	size_t i;
	int r = 0;

	if ((copy = strdup(list)) == NULL)
		return -1;
	sc->ntypes = 0;
	for (w = strtok_r(copy, ",", &save); w != NULL; w = strtok_r(NULL, ",", &save)) {
		for (i = 0; i < SHK_ARRAY_SIZE(scan_types); i++)
			if (strcmp(w, scan_types[i].word) == 0)
				break;
		if (i == SHK_ARRAY_SIZE(scan_types) || sc->ntypes == SCAN_MAX_TYPES) {
			cli_error("unknown key type \"%s\" (rsa, ecdsa, ed25519, dsa)", SHK_ESC(w));
			r = -1;
			break;
		}
		sc->types[sc->ntypes++] = &scan_types[i];
	}
	free(copy);
	if (r == 0 && sc->ntypes == 0) {
		cli_error("no key type given");
		r = -1;
	}
	return r;
}

/* Print the keys of a host: a fingerprint comment, then a known_hosts
 * line, so standard output is itself a usable known_hosts file. */
static void
print_host(const struct scan_host *h)
{
	char name[SHK_KH_NAME_MAX], *sha = NULL, *bb = NULL, *b64;
	size_t i, cap;

	if (shk_host_kh_name(h->host, h->port, name, sizeof(name)) != SHK_OK)
		return;
	for (i = 0; i < h->nkeys; i++) {
		const struct shk_key *k = h->keys[i];

		(void)shk_key_fingerprint(k, SHK_FP_SHA256, &sha);
		(void)shk_key_fingerprint(k, SHK_FP_BUBBLEBABBLE, &bb);
		printf("# %s:%u %s %s %s\n", h->host, h->port,
		       shk_keytype_label(k->type, strlen(k->type)), sha != NULL ? sha : "?",
		       bb != NULL ? bb : "?");
		SHK_FREE(sha);
		SHK_FREE(bb);
		cap = SHK_B64_ENCODED_SIZE(k->bloblen);
		if ((b64 = malloc(cap)) == NULL)
			continue;
		shk_b64_encode(k->blob, k->bloblen, b64, cap, 1);
		printf("%s %s %s\n", name, k->type, b64);
		free(b64);
	}
}

/* Store the keys under the host name and, with -i, each of its addresses. */
static int
store_host(struct cli *cli, struct shk_ctx *ctx, const struct scan_host *h,
	   enum shk_store_scope scope, enum shk_store_format format, int with_ips)
{
	struct addrinfo hints, *res = NULL, *ai;
	char addr[NI_MAXHOST];
	size_t added = 0;
	int r;

	if ((r = shk_store_add(ctx, scope, format, h->host, h->port,
			       (const struct shk_key *const *)h->keys, h->nkeys, &added)) !=
	    SHK_OK) {
		cli_error("%s: cannot store the keys: %s", h->spec, shk_strerror(r));
		return -1;
	}
	if (cli->verbose > 0)
		fprintf(stderr, "sshhostkeys: %s: %zu new key(s) stored\n", h->spec, added);
	if (!with_ips)
		return 0;
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	if ((r = getaddrinfo(h->host, NULL, &hints, &res)) != 0) {
		cli_error("%s: cannot resolve: %s", h->spec, gai_strerror(r));
		return -1;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		if (getnameinfo(ai->ai_addr, ai->ai_addrlen, addr, sizeof(addr), NULL, 0,
				NI_NUMERICHOST) != 0)
			continue;
		/* The host may itself be an address; the store ignores a key
		 * already there, so a repeat is harmless but not needed. */
		if (strcmp(addr, h->host) == 0)
			continue;
		if ((r = shk_store_add(ctx, scope, format, addr, h->port,
				       (const struct shk_key *const *)h->keys, h->nkeys,
				       NULL)) != SHK_OK) {
			cli_error("%s: cannot store the keys under %s: %s", h->spec, addr,
				  shk_strerror(r));
			freeaddrinfo(res);
			return -1;
		}
	}
	freeaddrinfo(res);
	return 0;
}

/* What the command line asks besides the hosts and key types. */
struct scan_opts {
	enum shk_store_scope scope;
	enum shk_store_format format;
	unsigned int port; /* -p, 0 when absent */
	int dry, with_ips;
};

/* Parse the options into o and sc (key types, timeout); -1 after saying
 * why. On success argv[optind] is the first host. */
static int
scan_getopt(struct scan *sc, struct scan_opts *o, int argc, char **argv)
{
	enum { OPT_STORE = 256, OPT_FORMAT };
	static const struct option opts[] = {
		{"store", required_argument, NULL, OPT_STORE},
		{"format", required_argument, NULL, OPT_FORMAT},
		{NULL, 0, NULL, 0},
	};
	char *end;
	int c;

	while ((c = getopt_long(argc, argv, "p:t:T:in", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			if (cli_opt_port(NULL, optarg, &o->port) != 0)
				return -1;
			break;
		case 't':
			if (parse_types(sc, optarg) != 0)
				return -1;
			break;
		case 'T':
			errno = 0;
			sc->timeout = strtol(optarg, &end, 10);
			if (errno != 0 || *end != '\0' || end == optarg || sc->timeout < 1 ||
			    sc->timeout > 3600) {
				cli_error("bad timeout \"%s\" (1 to 3600 seconds)", SHK_ESC(optarg));
				return -1;
			}
			break;
		case 'i':
			o->with_ips = 1;
			break;
		case 'n':
			o->dry = 1;
			break;
		case OPT_STORE:
			if (cli_parse_scope(optarg, &o->scope) != 0) {
				cli_error("bad --store \"%s\" (user or system)", SHK_ESC(optarg));
				return -1;
			}
			break;
		case OPT_FORMAT:
			if (cli_parse_format(optarg, &o->format) != 0) {
				cli_error("bad --format \"%s\" (plain or hashed)", SHK_ESC(optarg));
				return -1;
			}
			break;
		default:
			return -1;
		}
	}
	if (optind >= argc) {
		cli_error("usage: scan [-p PORT] [-t TYPES] [-T TIMEOUT] [-i] [-n] "
			  "[--store user|system] [--format plain|hashed] HOST[#PORT]...");
		return -1;
	}
	return 0;
}

/* Scan every host of sc on a bounded pool of threads (or here, when no
 * thread can be started). */
static void
scan_run(struct scan *sc)
{
	pthread_t threads[SCAN_MAX_THREADS];
	size_t i, j, nthreads;

	pthread_mutex_init(&sc->lock, NULL);
	sc->progress = isatty(STDERR_FILENO) && sc->nhosts > 1;
	nthreads = sc->nhosts < SCAN_MAX_THREADS ? sc->nhosts : SCAN_MAX_THREADS;
	for (i = 0; i < nthreads; i++)
		if (pthread_create(&threads[i], NULL, scan_worker, sc) != 0)
			break;
	if (i == 0) {
		/* No thread at all: scan here, one host after the other. */
		scan_worker(sc);
	}
	for (j = 0; j < i; j++)
		pthread_join(threads[j], NULL);
	progress(sc, 1);
	pthread_mutex_destroy(&sc->lock);
}

int
cmd_scan(struct cli *cli, int argc, char **argv)
{
	struct scan_opts o;
	struct shk_ctx *ctx = NULL;
	struct scan sc;
	size_t i, j;
	char canon[SHK_HOST_MAX + 1];
	struct shk_error err;
	int failed = 0, rc = CLI_EXIT_ERROR, inited = 0;

	memset(&sc, 0, sizeof(sc));
	memset(&o, 0, sizeof(o));
	o.scope = SHK_STORE_USER;
	o.format = SHK_FORMAT_DEFAULT;
	sc.timeout = SCAN_DEFAULT_TIMEOUT;
	if (parse_types(&sc, "rsa,ecdsa,ed25519") != 0)
		return CLI_EXIT_ERROR;
	if (scan_getopt(&sc, &o, argc, argv) != 0)
		return CLI_EXIT_ERROR;
	sc.nhosts = (size_t)(argc - optind);
	if ((sc.hosts = calloc(sc.nhosts, sizeof(*sc.hosts))) == NULL) {
		cli_error("out of memory");
		return CLI_EXIT_ERROR;
	}
	/* Every name is checked before the first connection: a typo is a
	 * usage error, not a failed host. */
	for (i = 0; i < sc.nhosts; i++) {
		sc.hosts[i].spec = argv[optind + (int)i];
		memset(&err, 0, sizeof(err));
		if (shk_hostspec_parse(sc.hosts[i].spec, o.port, canon, sizeof(canon),
				       &sc.hosts[i].port, &err) != SHK_OK) {
			cli_error("bad host \"%s\": %s", SHK_ESC(sc.hosts[i].spec), err.msg);
			goto out;
		}
		if ((sc.hosts[i].host = strdup(canon)) == NULL) {
			cli_error("out of memory");
			goto out;
		}
		if (sc.hosts[i].port == 0)
			sc.hosts[i].port = 22;
	}
	if (!o.dry && (ctx = cli_ctx(cli)) == NULL)
		goto out;

	if (ssh_init() != SSH_OK) {
		cli_error("cannot initialise libssh");
		goto out;
	}
	inited = 1;
	scan_run(&sc);

	/* Results in the order the hosts were given. */
	for (i = 0; i < sc.nhosts; i++) {
		struct scan_host *h = &sc.hosts[i];

		if (h->nkeys == 0) {
			/* libssh's error can quote what the server sent. */
			cli_error("%s: %s", h->spec, h->error != NULL ? SHK_ESC(h->error) : "no keys");
			failed = 1;
			continue;
		}
		if (h->banner != NULL && cli->verbose > 0)
			fprintf(stderr, "# %s:%u %s\n", h->host, h->port, SHK_ESC(h->banner));
		print_host(h);
		if (!o.dry && store_host(cli, ctx, h, o.scope, o.format, o.with_ips) != 0)
			failed = 1;
	}
	rc = failed ? 1 : 0;
out:
	for (i = 0; i < sc.nhosts; i++) {
		for (j = 0; j < sc.hosts[i].nkeys; j++)
			shk_key_free(sc.hosts[i].keys[j]);
		free(sc.hosts[i].host);
		free(sc.hosts[i].error);
		free(sc.hosts[i].banner);
	}
	free(sc.hosts);
	if (inited)
		ssh_finalize();
	return rc;
}
