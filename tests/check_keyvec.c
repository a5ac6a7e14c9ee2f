/* SPDX-License-Identifier: MIT */
/* lib/core/keyvec.c: keys and their lines in order, owned by the vector
 * until handed over. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "key.h"
#include "keyfile.h"
#include "keyvec.h"
#include "testutil.h"

static struct shk_key *
mkkey(const char *comment)
{
	static const unsigned char blob[] = {0, 0, 0, 5, 'x', '-', 'f', 'o', 'o'};
	struct shk_key *k = NULL;

	ck_assert_int_eq(shk_key_new("x-foo", 5, blob, sizeof(blob), comment, strlen(comment),
				     &k),
			 SHK_OK);
	return k;
}

START_TEST(test_keyvec_grows_in_order)
{
	struct shk_keyvec kv;
	char c[16];
	size_t i;

	memset(&kv, 0, sizeof(kv));
	for (i = 0; i < 100; i++) {
		snprintf(c, sizeof(c), "k%zu", i);
		ck_assert_int_eq(shk_keyvec_push(&kv, mkkey(c), i + 1), SHK_OK);
	}
	ck_assert_uint_eq(kv.n, 100);
	ck_assert_uint_ge(kv.cap, 100);
	for (i = 0; i < 100; i++) {
		snprintf(c, sizeof(c), "k%zu", i);
		ck_assert_str_eq(kv.v[i]->comment, c);
		ck_assert_uint_eq(kv.line[i], i + 1);
	}
	shk_keyvec_free(&kv);
	ck_assert_ptr_null(kv.v);
	ck_assert_ptr_null(kv.line);
	ck_assert_uint_eq(kv.n, 0);
	/* Reusable after free. */
	ck_assert_int_eq(shk_keyvec_push(&kv, mkkey("again"), 7), SHK_OK);
	ck_assert_uint_eq(kv.n, 1);
	shk_keyvec_free(&kv);
}
END_TEST

START_TEST(test_keyvec_take)
{
	struct shk_keyvec kv;
	struct shk_key **keys;
	size_t n = 99, i;

	memset(&kv, 0, sizeof(kv));
	ck_assert_ptr_null(shk_keyvec_take(&kv, &n));
	ck_assert_uint_eq(n, 0);
	ck_assert_int_eq(shk_keyvec_push(&kv, mkkey("a"), 1), SHK_OK);
	ck_assert_int_eq(shk_keyvec_push(&kv, mkkey("b"), 2), SHK_OK);
	keys = shk_keyvec_take(&kv, &n);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(keys[1]->comment, "b");
	ck_assert_ptr_null(kv.v);
	ck_assert_ptr_null(kv.line);
	ck_assert_uint_eq(kv.n, 0);
	shk_keyvec_free(&kv);
	for (i = 0; i < n; i++)
		shk_key_free(keys[i]);
	free(keys);
}
END_TEST

/* As the key-file walker's callback: one key per line, with its line. */
START_TEST(test_keyvec_cb)
{
	static const char text[] = "# keys\n"
				   "x-foo AAAABXgtZm9v one\n"
				   "\n"
				   "x-foo AAAABXgtZm9v two\n";
	struct shk_keyvec kv;
	size_t nfound = 0;

	memset(&kv, 0, sizeof(kv));
	ck_assert_int_eq(shk_keyfile_parse(text, strlen(text), "t", NULL, shk_keyvec_cb, &kv,
					   &nfound),
			 SHK_OK);
	ck_assert_uint_eq(nfound, 2);
	ck_assert_uint_eq(kv.n, 2);
	ck_assert_str_eq(kv.v[0]->comment, "one");
	ck_assert_uint_eq(kv.line[0], 2);
	ck_assert_uint_eq(kv.line[1], 4);
	shk_keyvec_free(&kv);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("keyvec");
	TCase *tc = tcase_create("keyvec");

	tcase_add_test(tc, test_keyvec_grows_in_order);
	tcase_add_test(tc, test_keyvec_take);
	tcase_add_test(tc, test_keyvec_cb);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
