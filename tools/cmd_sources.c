/* SPDX-License-Identifier: MIT */
/* sources and check: what the order is, and whether the stores are sound. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sshhostkeys/module.h>

#include "cli.h"
#include "shk.h"

static const char *
nss_status_name(int st)
{
	switch (st) {
	case SHK_NSS_SUCCESS:
		return "SUCCESS";
	case SHK_NSS_NOTFOUND:
		return "NOTFOUND";
	case SHK_NSS_UNAVAIL:
		return "UNAVAIL";
	case SHK_NSS_TRYAGAIN:
		return "TRYAGAIN";
	}
	return "?";
}

static void
print_answer(struct shk_ctx *ctx, const char *source, const char *host)
{
	struct shk_keylist *kl = NULL;
	size_t i;
	int st, r;

	r = shk_lookup_source(ctx, source, host, 0, NULL, &kl, &st);
	if (r != SHK_OK && r != SHK_ERR_MODULE) {
		printf("  %s: error: %s\n", SHK_ESC(host), shk_strerror(r));
		shk_keylist_free(kl);
		return;
	}
	printf("  %s: %s, %zu key%s\n", SHK_ESC(host), nss_status_name(st), kl->count,
	       kl->count == 1 ? "" : "s");
	for (i = 0; i < kl->count; i++) {
		const struct shk_hostkey *k = kl->keys[i];

		printf("    %s%s %s:%lu\n",
		       k->marker == SHK_MARKER_REVOKED		 ? "@revoked "
		       : k->marker == SHK_MARKER_CERT_AUTHORITY ? "@cert-authority "
								: "",
		       k->type, k->origin, k->line);
	}
	shk_keylist_free(kl);
}

int
cmd_sources(struct cli *cli, int argc, char **argv)
{
	struct shk_sourcelist *sl = NULL;
	struct shk_ctx *ctx;
	size_t i;
	int r;

	if (argc > 2) {
		cli_error("usage: sources [HOST]");
		return CLI_EXIT_ERROR;
	}
	if ((ctx = cli_ctx(cli)) == NULL)
		return CLI_EXIT_ERROR;
	if ((r = shk_sources(ctx, &sl)) != SHK_OK) {
		cli_error("cannot list sources: %s", shk_strerror(r));
		return CLI_EXIT_ERROR;
	}
	if (sl->config_file != NULL)
		printf("order from %s:%lu\n", sl->config_file, sl->config_line);
	else if (sl->config_error != NULL)
		printf("default order, because %s\n", sl->config_error);
	else
		/* Why is in the warnings already printed (missing line,
		 * malformed line, untrusted or unreadable file). */
		printf("default order (no usable ssh_hostkeys line in nsswitch.conf)\n");
	for (i = 0; i < sl->count; i++) {
		const struct shk_source_info *s = sl->sources[i];

		printf("%s%s%s: %s%s\n", s->name, s->actions[0] != '\0' ? " " : "", s->actions,
		       s->state, s->can_verify ? " (can verify)" : "");
		if (argc == 2 && s->ready)
			print_answer(ctx, s->name, argv[1]);
	}
	shk_sourcelist_free(sl);
	return 0;
}

int
cmd_check(struct cli *cli, int argc, char **argv)
{
	struct shk_ctx *ctx;
	unsigned long n = 0;
	int r;

	if (argc != 1) {
		cli_error("usage: check");
		return CLI_EXIT_ERROR;
	}
	if ((ctx = cli_ctx(cli)) == NULL)
		return CLI_EXIT_ERROR;
	if ((r = shk_check(ctx, &n)) != SHK_OK) {
		cli_error("check failed: %s", shk_strerror(r));
		return CLI_EXIT_ERROR;
	}
	if (n > 0) {
		cli_error("check: %lu problem%s found", n, n == 1 ? "" : "s");
		return 1;
	}
	printf("check: no problems found\n");
	return 0;
}
