/* SPDX-License-Identifier: MIT */
/* verify: the verdict on a presented key, with its evidence. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "policyname.h"
#include "shk.h"

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

/* Policy names as sshhostkeys.conf(5) spells them, and "default". */
static int
parse_policy(const char *s, enum shk_policy *out)
{
	return shk_policyname_lookup(s, strlen(s), 1, out) == SHK_OK ? 0 : -1;
}

/* "unknown policy" with the names a user may give, from the one table. */
static void
policy_error(const char *s)
{
	char names[128];
	const char *name;
	size_t i, o = 0;

	names[0] = '\0';
	for (i = 0; (name = shk_policyname_at(i, 1)) != NULL && o < sizeof(names); i++)
		o += (size_t)snprintf(names + o, sizeof(names) - o, "%s%s", i > 0 ? ", " : "",
				      name);
	cli_error("unknown policy \"%s\" (%s)", SHK_ESC(s), names);
}

static void
print_verdict(const char *host, const struct shk_key *key, const struct shk_verification *v)
{
	char *fp = NULL;
	size_t i;

	if (shk_key_fingerprint(key, SHK_FP_SHA256, &fp) != SHK_OK)
		fp = NULL;
	printf("%s: %s %s for %s\n", shk_verdict_name(v->verdict), SHK_ESC(key->type),
	       fp != NULL ? fp : "?", SHK_ESC(host));
	free(fp);
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
			print_key(v->port_fallback ? "  revoked without a port: " : "  revoked: ",
				  v->evidence);
		break;
	case SHK_VERDICT_CHANGED:
	case SHK_VERDICT_OTHER:
		if (v->verdict == SHK_VERDICT_OTHER)
			printf("  known only with other key types "
			       "(OpenSSH treats this as a changed key):\n");
		else
			printf("  known with other keys:\n");
		for (i = 0; i < v->known->count; i++)
			if (v->known->keys[i]->marker == SHK_MARKER_NONE)
				print_key("    ", v->known->keys[i]);
		break;
	case SHK_VERDICT_UNKNOWN:
		printf("  no source knows this host\n");
		break;
	}
}

int
cmd_verify(struct cli *cli, int argc, char **argv)
{
	enum { OPT_POLICY = 256, OPT_REPLACE, OPT_STORE, OPT_FORMAT };
	static const struct option opts[] = {
		{"policy", required_argument, NULL, OPT_POLICY},
		{"replace", no_argument, NULL, OPT_REPLACE},
		{"store", required_argument, NULL, OPT_STORE},
		{"format", required_argument, NULL, OPT_FORMAT},
		{NULL, 0, NULL, 0},
	};
	struct shk_policy_params pp;
	struct shk_verification *v = NULL;
	enum shk_decision decision;
	struct shk_key *key = NULL;
	struct shk_ctx *ctx;
	unsigned int port = 0;
	int c, r, used, with_policy = 0, rc = CLI_EXIT_ERROR;

	memset(&pp, 0, sizeof(pp));
	pp.size = sizeof(pp);
	while ((c = getopt_long(argc, argv, "p:", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			if (cli_opt_port(NULL, optarg, &port) != 0)
				return CLI_EXIT_ERROR;
			break;
		case OPT_POLICY:
			if (parse_policy(optarg, &pp.policy) != 0) {
				policy_error(optarg);
				return CLI_EXIT_ERROR;
			}
			with_policy = 1;
			break;
		case OPT_REPLACE:
			pp.flags |= SHK_POLICY_FLAG_REPLACE;
			break;
		case OPT_STORE:
			if (cli_parse_scope(optarg, &pp.scope) != 0) {
				cli_error("bad --store \"%s\" (user or system)", SHK_ESC(optarg));
				return CLI_EXIT_ERROR;
			}
			break;
		case OPT_FORMAT:
			if (cli_parse_format(optarg, &pp.format) != 0) {
				cli_error("bad --format \"%s\" (plain or hashed)", SHK_ESC(optarg));
				return CLI_EXIT_ERROR;
			}
			break;
		default:
			return CLI_EXIT_ERROR;
		}
	}
	if (argc - optind < 2) {
		cli_error("usage: verify [-p PORT] [--policy POLICY [--replace] "
			  "[--store user|system] [--format plain|hashed]] "
			  "HOST KEYFILE|-|\"TYPE BASE64\"");
		return CLI_EXIT_ERROR;
	}
	if (!with_policy && (pp.flags != 0 || pp.scope != SHK_STORE_USER ||
			     pp.format != SHK_FORMAT_DEFAULT)) {
		cli_error("--replace, --store and --format need --policy");
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
	if (!with_policy) {
		if ((r = shk_verify(ctx, argv[optind], port, key, &v)) != SHK_OK) {
			cli_error("cannot verify %s: %s", SHK_ESC(argv[optind]), shk_strerror(r));
			goto out;
		}
		print_verdict(argv[optind], key, v);
		rc = (int)v->verdict;
		goto out;
	}
	/* The prompt of "ask" goes to the terminal; flush what we have
	 * printed so far so the order on screen is right. */
	fflush(stdout);
	if ((r = shk_check_host_key(ctx, argv[optind], port, key, &pp, &decision, &v)) !=
	    SHK_OK) {
		cli_error("cannot check %s: %s", SHK_ESC(argv[optind]), shk_strerror(r));
		goto out;
	}
	print_verdict(argv[optind], key, v);
	switch (decision) {
	case SHK_DECISION_ACCEPT_AND_STORE:
		printf("accepted: stored in the %s store\n",
		       pp.scope == SHK_STORE_SYSTEM ? "system" : "user");
		rc = 0;
		break;
	case SHK_DECISION_ACCEPT:
		printf("accepted: %s\n", v->verdict == SHK_VERDICT_MATCH
						? "already known"
						: "for this connection only, not stored");
		rc = 0;
		break;
	case SHK_DECISION_REFUSE:
		printf("refused: no store was changed\n");
		/* A refused match cannot happen; keep an error exit if it did. */
		rc = v->verdict == SHK_VERDICT_MATCH ? CLI_EXIT_ERROR : (int)v->verdict;
		break;
	}
out:
	shk_verification_free(v);
	shk_key_free(key);
	return rc;
}
