/* SPDX-License-Identifier: MIT */
/* verify: the verdict on a presented key, with its evidence. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* Whether a command-line word looks like a key type rather than a file. */
static int
looks_like_type(const char *s)
{
	return strncmp(s, "ssh-", 4) == 0 || strncmp(s, "ecdsa-", 6) == 0 ||
	       strncmp(s, "sk-", 3) == 0 || strncmp(s, "webauthn-", 9) == 0 ||
	       strchr(s, '@') != NULL;
}

int
cli_read_key(struct cli *cli, char **argv, int argc, int *used, struct shk_key **out)
{
	struct shk_key **keys = NULL;
	const char *path;
	char *line = NULL;
	size_t nkeys = 0, i;
	int r;

	*out = NULL;
	*used = 0;
	if (argc < 1)
		return SHK_ERR_INVAL;
	/* "TYPE BASE64" as one word, or TYPE and BASE64 as two. */
	if (strchr(argv[0], ' ') != NULL) {
		*used = 1;
		return shk_key_parse(argv[0], strlen(argv[0]), out);
	}
	if (argc >= 2 && looks_like_type(argv[0])) {
		if (asprintf(&line, "%s %s", argv[0], argv[1]) == -1)
			return SHK_ERR_NOMEM;
		*used = 2;
		r = shk_key_parse(line, strlen(line), out);
		free(line);
		return r;
	}
	*used = 1;
	path = strcmp(argv[0], "-") == 0 ? "/dev/stdin" : argv[0];
	if ((r = shk_key_load_file(path, cli_log, cli, &keys, &nkeys)) != SHK_OK)
		return r;
	*out = keys[0];
	for (i = 1; i < nkeys; i++)
		shk_key_free(keys[i]);
	free(keys);
	return SHK_OK;
}

/* "TYPE SHA256:... (source: origin:line)" */
static void
print_key(const char *indent, const struct shk_hostkey *k)
{
	struct shk_key key;
	char *fp = NULL;

	memset(&key, 0, sizeof(key));
	key.type = (char *)k->type;
	key.blob = (unsigned char *)k->blob;
	key.bloblen = k->bloblen;
	if (shk_key_fingerprint(&key, SHK_FP_SHA256, &fp) != SHK_OK)
		fp = NULL;
	printf("%s%s%s %s (%s: %s", indent,
	       k->marker == SHK_MARKER_REVOKED		 ? "@revoked "
	       : k->marker == SHK_MARKER_CERT_AUTHORITY ? "@cert-authority "
							: "",
	       k->type, fp != NULL ? fp : "?", k->source, k->origin);
	if (k->line > 0)
		printf(":%lu", k->line);
	printf(")\n");
	free(fp);
}

int
cmd_verify(struct cli *cli, int argc, char **argv)
{
	struct shk_verification *v = NULL;
	struct shk_key *key = NULL;
	struct shk_ctx *ctx;
	unsigned int port = 0;
	char *fp = NULL;
	size_t i;
	int c, r, used, rc = CLI_EXIT_ERROR;

	while ((c = getopt(argc, argv, "p:")) != -1) {
		switch (c) {
		case 'p':
			if ((port = cli_parse_port(optarg)) == 0) {
				cli_error("bad port \"%s\"", optarg);
				return CLI_EXIT_ERROR;
			}
			break;
		default:
			return CLI_EXIT_ERROR;
		}
	}
	if (argc - optind < 2) {
		cli_error("usage: verify [-p PORT] HOST KEYFILE|-|\"TYPE BASE64\"");
		return CLI_EXIT_ERROR;
	}
	if ((r = cli_read_key(cli, argv + optind + 1, argc - optind - 1, &used, &key)) !=
	    SHK_OK) {
		cli_error("cannot read the key: %s", shk_strerror(r));
		return CLI_EXIT_ERROR;
	}
	if (optind + 1 + used != argc) {
		cli_error("too many arguments");
		goto out;
	}
	if ((ctx = cli_ctx(cli)) == NULL)
		goto out;
	if ((r = shk_verify(ctx, argv[optind], port, key, &v)) != SHK_OK) {
		cli_error("cannot verify %s: %s", argv[optind], shk_strerror(r));
		goto out;
	}
	if (shk_key_fingerprint(key, SHK_FP_SHA256, &fp) != SHK_OK)
		fp = NULL;
	printf("%s: %s %s for %s\n", shk_verdict_name(v->verdict), key->type,
	       fp != NULL ? fp : "?", argv[optind]);
	switch (v->verdict) {
	case SHK_VERDICT_MATCH:
		if (v->evidence != NULL)
			print_key(v->port_fallback ? "  known without a port: " : "  known: ",
				  v->evidence);
		else
			printf("  vouched for by a verify-only source\n");
		break;
	case SHK_VERDICT_REVOKED:
		if (v->evidence != NULL)
			print_key("  revoked: ", v->evidence);
		break;
	case SHK_VERDICT_CHANGED:
	case SHK_VERDICT_OTHER:
		if (v->verdict == SHK_VERDICT_OTHER)
			printf("  known only with other key types "
			       "(OpenSSH treats this as a changed key):\n");
		else
			printf("  known with other keys:\n");
		for (i = 0; i < v->known.count; i++)
			if (v->known.keys[i].marker == SHK_MARKER_NONE)
				print_key("    ", &v->known.keys[i]);
		break;
	case SHK_VERDICT_UNKNOWN:
		printf("  no source knows this host\n");
		break;
	}
	rc = (int)v->verdict;
out:
	free(fp);
	shk_verification_free(v);
	shk_key_free(key);
	return rc;
}
