/* SPDX-License-Identifier: MIT */
/*
 * Library throughput for make bench: one warm context, many lookups.
 *
 *   libbench ROOT N SECONDS
 *
 * Looks up h<i>.example.com for pseudo-random i in [0, N) (present), and
 * every fourth time a name that is absent, for about SECONDS seconds
 * after one warm-up lookup, then prints lookups per second and how many
 * were found.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <sshhostkeys.h>

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int
main(int argc, char **argv)
{
	struct shk_keylist *kl = NULL;
	struct shk_ctx *ctx = NULL;
	unsigned long n, i, found = 0, x = 12345;
	double secs, t0, t;
	char name[64];
	int r;

	if (argc != 4) {
		fprintf(stderr, "usage: libbench ROOT N SECONDS\n");
		return 2;
	}
	n = strtoul(argv[2], NULL, 10);
	secs = atof(argv[3]);
	if (n == 0 || (r = shk_ctx_open(&ctx, argv[1], 0, NULL, NULL)) != SHK_OK) {
		fprintf(stderr, "libbench: cannot open a context\n");
		return 2;
	}
	/* Warm-up: loads the modules and builds or maps any index. */
	shk_lookup(ctx, "h0000000.example.com", 22, NULL, &kl);
	shk_keylist_free(kl);
	t0 = now();
	for (i = 0;; i++) {
		if ((i & 255) == 0 && (t = now() - t0) >= secs)
			break;
		x = x * 6364136223846793005UL + 1442695040888963407UL;
		if (i % 4 == 3)
			snprintf(name, sizeof(name), "absent%lu.example.com", (x >> 33) % n);
		else
			snprintf(name, sizeof(name), "h%07lu.example.com", (x >> 33) % n);
		kl = NULL;
		if (shk_lookup(ctx, name, 22, NULL, &kl) == SHK_OK)
			found++;
		shk_keylist_free(kl);
	}
	printf("%lu lookups in %.2f s: %.0f lookups/s (%lu found)\n", i, t, (double)i / t,
	       found);
	shk_ctx_close(ctx);
	return 0;
}
