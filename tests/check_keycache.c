/* SPDX-License-Identifier: MIT */
/* lib/core/keycache.c: a hit is the same text, both parts and their
 * lengths, and gives back the value kept for it. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keycache.h"
#include "testutil.h"

/* A cache past its first put, which is not kept (keycache.h). */
static struct shk_keycache *
warm_cache(void)
{
	struct shk_keycache *kc = shk_keycache_new();
	unsigned char val[4];
	size_t len;

	ck_assert_ptr_nonnull(kc);
	shk_keycache_put(kc, "w", 1, "w", 1, "w", 1);
	ck_assert_int_eq(shk_keycache_get(kc, "w", 1, "w", 1, val, sizeof(val), &len), 0);
	return kc;
}

START_TEST(test_keycache_hit_and_miss)
{
	struct shk_keycache *kc = warm_cache();
	unsigned char val[16];
	size_t len = 0;

	ck_assert_int_eq(shk_keycache_get(kc, "ssh-ed25519", 11, "AAAA", 4, val, sizeof(val),
					  &len),
			 0);
	shk_keycache_put(kc, "ssh-ed25519", 11, "AAAA", 4, "blob", 4);
	ck_assert_int_eq(shk_keycache_get(kc, "ssh-ed25519", 11, "AAAA", 4, val, sizeof(val),
					  &len),
			 1);
	ck_assert_uint_eq(len, 4);
	ck_assert(memcmp(val, "blob", 4) == 0);
	/* Another type, other base64: misses. */
	ck_assert_int_eq(shk_keycache_get(kc, "ssh-rsa", 7, "AAAA", 4, val, sizeof(val), &len),
			 0);
	ck_assert_int_eq(shk_keycache_get(kc, "ssh-ed25519", 11, "AAAB", 4, val, sizeof(val),
					  &len),
			 0);
	/* A value larger than the caller's room is a miss, not a cut. */
	ck_assert_int_eq(shk_keycache_get(kc, "ssh-ed25519", 11, "AAAA", 4, val, 3, &len), 0);
	shk_keycache_free(kc);
}
END_TEST

/* The same bytes split differently are another text. */
START_TEST(test_keycache_parts_are_distinct)
{
	struct shk_keycache *kc = warm_cache();
	unsigned char val[16];
	size_t len = 0;

	shk_keycache_put(kc, "ab", 2, "c", 1, "v1", 2);
	ck_assert_int_eq(shk_keycache_get(kc, "a", 1, "bc", 2, val, sizeof(val), &len), 0);
	ck_assert_int_eq(shk_keycache_get(kc, "ab", 2, "c", 1, val, sizeof(val), &len), 1);
	shk_keycache_free(kc);
}
END_TEST

/* A newer text in a slot replaces the older one; every text still gets
 * its own value or a miss, never another's. */
START_TEST(test_keycache_many)
{
	struct shk_keycache *kc = warm_cache();
	char text[32], want[32], val[32];
	size_t len = 0;
	int i, hits = 0;

	for (i = 0; i < 5000; i++) {
		snprintf(text, sizeof(text), "AAAA%dBBBB", i);
		snprintf(want, sizeof(want), "v%d", i);
		shk_keycache_put(kc, "t", 1, text, strlen(text), want, strlen(want));
	}
	for (i = 0; i < 5000; i++) {
		snprintf(text, sizeof(text), "AAAA%dBBBB", i);
		snprintf(want, sizeof(want), "v%d", i);
		if (!shk_keycache_get(kc, "t", 1, text, strlen(text), val, sizeof(val), &len))
			continue;
		hits++;
		ck_assert_uint_eq(len, strlen(want));
		ck_assert(memcmp(val, want, len) == 0);
	}
	ck_assert_int_gt(hits, 0);
	ck_assert_int_le(hits, 1024);
	shk_keycache_free(kc);
}
END_TEST

START_TEST(test_keycache_bounds)
{
	struct shk_keycache *kc = warm_cache();
	unsigned char val[4];
	size_t len = 0;
	char *big = calloc(1, SHK_KEYCACHE_TEXT_MAX + 1);

	ck_assert_ptr_nonnull(big);
	memset(big, 'A', SHK_KEYCACHE_TEXT_MAX + 1);
	/* Over the bound: not kept. */
	shk_keycache_put(kc, "t", 1, big, SHK_KEYCACHE_TEXT_MAX + 1, "v", 1);
	ck_assert_int_eq(shk_keycache_get(kc, "t", 1, big, SHK_KEYCACHE_TEXT_MAX + 1, val,
					  sizeof(val), &len),
			 0);
	shk_keycache_put(kc, "t", 1, big, SHK_KEYCACHE_TEXT_MAX, "v", 1);
	ck_assert_int_eq(shk_keycache_get(kc, "t", 1, big, SHK_KEYCACHE_TEXT_MAX, val,
					  sizeof(val), &len),
			 1);
	/* An empty value is a value. */
	shk_keycache_put(kc, "e", 1, "", 0, "", 0);
	ck_assert_int_eq(shk_keycache_get(kc, "e", 1, "", 0, val, sizeof(val), &len), 1);
	ck_assert_uint_eq(len, 0);
	/* No cache: every get misses, every put is dropped. */
	shk_keycache_put(NULL, "t", 1, "x", 1, "v", 1);
	ck_assert_int_eq(shk_keycache_get(NULL, "t", 1, "x", 1, val, sizeof(val), &len), 0);
	shk_keycache_free(NULL);
	free(big);
	shk_keycache_free(kc);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("keycache");
	TCase *tc = tcase_create("keycache");

	tcase_add_test(tc, test_keycache_hit_and_miss);
	tcase_add_test(tc, test_keycache_parts_are_distinct);
	tcase_add_test(tc, test_keycache_many);
	tcase_add_test(tc, test_keycache_bounds);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
