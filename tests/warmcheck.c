/* SPDX-License-Identifier: MIT */
/*
 * One warm context driven from stdin, for tests/warmcheck.sh: "L NAME"
 * looks NAME up on port 22 and prints the status and each key's origin
 * and line; "S COMMAND" runs COMMAND with system(3) between lookups.
 *
 *   warmcheck ROOT < script
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sshhostkeys.h>

int
main(int argc, char **argv)
{
	struct shk_ctx *ctx = NULL;
	struct shk_keylist *kl;
	char line[4096];
	size_t i;
	int r;

	if (argc != 2 || shk_ctx_open(&ctx, argv[1], 0, NULL, NULL) != SHK_OK) {
		fprintf(stderr, "usage: warmcheck ROOT < script\n");
		return 2;
	}
	while (fgets(line, sizeof(line), stdin) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if (line[0] == 'L' && line[1] == ' ') {
			kl = NULL;
			r = shk_lookup(ctx, line + 2, 22, NULL, &kl);
			printf("%s: %d", line + 2, r);
			for (i = 0; kl != NULL && i < kl->count; i++)
				printf(" %s:%lu", kl->keys[i]->origin, kl->keys[i]->line);
			printf("\n");
			shk_keylist_free(kl);
		} else if (line[0] == 'S' && line[1] == ' ') {
			fflush(stdout);
			if (system(line + 2) != 0)
				printf("command failed: %s\n", line + 2);
		}
		fflush(stdout);
	}
	shk_ctx_close(ctx);
	return 0;
}
