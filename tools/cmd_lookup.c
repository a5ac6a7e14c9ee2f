/* SPDX-License-Identifier: MIT */
/* lookup and known-hosts: print what the store knows as known_hosts lines. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base64.h"
#include "cli.h"
#include "shk.h"
#include "hostspec.h"

static const char *
marker_prefix(enum shk_marker m)
{
	switch (m) {
	case SHK_MARKER_REVOKED:
		return "@revoked ";
	case SHK_MARKER_CERT_AUTHORITY:
		return "@cert-authority ";
	case SHK_MARKER_NONE:
		break;
	}
	return "";
}

/* One known_hosts line: "[@marker ]NAME TYPE BASE64". */
static int
print_line(const char *name, enum shk_marker marker, const char *type,
	   const unsigned char *blob, size_t bloblen)
{
	size_t cap = SHK_B64_ENCODED_SIZE(bloblen);
	char *b64;

	if ((b64 = malloc(cap)) == NULL)
		return -1;
	shk_b64_encode(blob, bloblen, b64, cap, 1);
	printf("%s%s %s %s\n", marker_prefix(marker), name, type, b64);
	free(b64);
	return 0;
}

static int
print_keylist(const char *name, const struct shk_keylist *kl, int verbose)
{
	size_t i;

	for (i = 0; i < kl->count; i++) {
		const struct shk_hostkey *k = kl->keys[i];

		if (verbose) {
			if (k->line > 0)
				printf("# source %s: %s:%lu\n", k->source, k->origin, k->line);
			else
				printf("# source %s: %s\n", k->source, k->origin);
		}
		if (print_line(name, k->marker, k->type, k->blob, k->bloblen) != 0)
			return -1;
	}
	return 0;
}

/* Options shared by lookup and known-hosts. */
struct lookup_opts {
	unsigned int port;
	const char *type; /* NULL: any */
	const char *key;  /* -K: base64 blob, NULL when absent */
	const char *host;
};

static int
parse_lookup_opts(int argc, char **argv, int allow_k, struct lookup_opts *o)
{
	int c;

	memset(o, 0, sizeof(*o));
	while ((c = getopt(argc, argv, allow_k ? "p:t:K:" : "p:t:")) != -1) {
		switch (c) {
		case 'p':
			if (cli_opt_port(NULL, optarg, &o->port) != 0)
				return -1;
			break;
		case 't':
			/* ssh passes NONE when it has no key yet (the ORDER call). */
			o->type = strcmp(optarg, "NONE") == 0 ? NULL : optarg;
			break;
		case 'K':
			o->key = strcmp(optarg, "NONE") == 0 ? NULL : optarg;
			break;
		default:
			return -1;
		}
	}
	if (optind + 1 != argc) {
		cli_error("usage: %s [-p PORT] [-t TYPE]%s HOST", argv[0],
			  allow_k ? " [-K BASE64KEY]" : "");
		return -1;
	}
	o->host = argv[optind];
	return 0;
}

int
cmd_lookup(struct cli *cli, int argc, char **argv)
{
	char host[SHK_HOST_MAX + 1];
	struct shk_keylist *kl = NULL;
	struct shk_error err;
	struct lookup_opts o;
	struct shk_ctx *ctx;
	unsigned int port;
	int r, rc = CLI_EXIT_ERROR;

	if (parse_lookup_opts(argc, argv, 0, &o) != 0)
		return CLI_EXIT_ERROR;
	/* A bad name is a usage error, said with its reason before the
	 * context opens; the name to print comes with the answer. */
	memset(&err, 0, sizeof(err));
	if (shk_hostspec_parse(o.host, o.port, host, sizeof(host), &port, &err) != SHK_OK) {
		cli_error("bad host \"%s\": %s", SHK_ESC(o.host), err.msg);
		return CLI_EXIT_ERROR;
	}
	if ((ctx = cli_ctx(cli)) == NULL)
		goto out;
	r = shk_lookup(ctx, host, port, o.type, &kl);
	if (r != SHK_OK && r != SHK_ERR_NOTFOUND) {
		cli_error("lookup of %s failed: %s", SHK_ESC(o.host), shk_strerror(r));
		goto out;
	}
	if (print_keylist(kl->kh_name, kl, cli->verbose) != 0)
		goto out;
	/* Revocations alone do not make a host known. */
	rc = r == SHK_OK ? 0 : 1;
out:
	shk_keylist_free(kl);
	return rc;
}

/*
 * The KnownHostsCommand contract (ssh_config(5)): ssh runs us with %H,
 * the name it will match our lines against, so every line is printed
 * under that exact name. ssh aborts the connection on any non-zero exit,
 * so "nothing known", "cannot look up" and "ssh stopped reading" all exit
 * 0; only a wrong command line (an administrator's mistake) exits 2.
 *
 * With the presented key (-t, -K), the entries of OpenSSH's port
 * fallback are printed under %H too: ssh does not run us for its retry
 * under the bare name, so it would otherwise never see them. shk_verify()
 * weighs them as ssh would (only for a host new on the port, only to
 * accept, or to refuse a key the bare name revokes).
 */
int
cmd_known_hosts(struct cli *cli, int argc, char **argv)
{
	struct shk_verification *v = NULL;
	struct shk_keylist *kl = NULL;
	struct shk_key *key = NULL;
	struct lookup_opts o;
	struct shk_ctx *ctx;
	char *line = NULL;
	int r;

	if (parse_lookup_opts(argc, argv, 1, &o) != 0)
		return CLI_EXIT_ERROR;
	if ((ctx = cli_ctx(cli)) == NULL)
		return 0;
	/* Never filter by the presented type: a host known only with other
	 * types must reach ssh as such, or ssh would take it for new. */
	r = shk_lookup(ctx, o.host, o.port, NULL, &kl);
	if (r != SHK_OK && r != SHK_ERR_NOTFOUND) {
		cli_error("lookup of %s failed: %s", SHK_ESC(o.host), shk_strerror(r));
		goto out;
	}
	if (print_keylist(o.host, kl, 0) != 0)
		goto out;
	/* Sources that can only check a presented key (verify-only) vouch
	 * for it by name: print it when one of them matched. */
	if (o.key != NULL && o.type != NULL) {
		if (asprintf(&line, "%s %s", o.type, o.key) == -1) {
			line = NULL;
			goto out;
		}
		if (shk_key_parse(line, strlen(line), &key) != SHK_OK)
			goto out;
		if (shk_verify(ctx, o.host, o.port, key, &v) != SHK_OK)
			goto out;
		if (v->verdict == SHK_VERDICT_MATCH && v->evidence == NULL)
			print_line(o.host, SHK_MARKER_NONE, key->type, key->blob, key->bloblen);
		if (v->port_fallback && v->evidence != NULL)
			print_line(o.host, v->evidence->marker, v->evidence->type,
				   v->evidence->blob, v->evidence->bloblen);
		if (v->ca != NULL && v->ca_port_fallback)
			print_line(o.host, v->ca->marker, v->ca->type, v->ca->blob,
				   v->ca->bloblen);
	}
out:
	/* ssh may stop reading early; a lost line is not an error to report. */
	cli->quiet_stdout = 1;
	shk_verification_free(v);
	shk_key_free(key);
	free(line);
	shk_keylist_free(kl);
	return 0;
}
