/* SPDX-License-Identifier: MIT */
/* policyname.c and formatname.c: the names of policies and store formats,
 * for the file and for callers. */
#include "config.h"

#include <check.h>
#include <string.h>

#include "formatname.h"
#include "policyname.h"
#include "shk.h"
#include "testutil.h"

/* The specification (sshhostkeys.conf(5), sshhostkeys(1)), written out
 * independently of policyname.c's table, in the documented order. */
static const struct {
	const char *name;
	enum shk_policy policy;
} names[] = {
	{"strict", SHK_POLICY_STRICT}, {"accept-new", SHK_POLICY_ACCEPT_NEW},
	{"auto-add", SHK_POLICY_AUTO_ADD}, {"warn", SHK_POLICY_WARN},
	{"ask", SHK_POLICY_ASK},
};

START_TEST(test_both_ways)
{
	enum shk_policy p = SHK_POLICY_CUSTOM;
	const char *n = names[_i].name;

	ck_assert_int_eq(shk_policyname_lookup(n, strlen(n), 0, &p), SHK_OK);
	ck_assert_int_eq(p, names[_i].policy);
	p = SHK_POLICY_CUSTOM;
	ck_assert_int_eq(shk_policyname_lookup(n, strlen(n), 1, &p), SHK_OK);
	ck_assert_int_eq(p, names[_i].policy);
	ck_assert_str_eq(shk_policyname_of(names[_i].policy), n);
	ck_assert_str_eq(shk_policyname_at((size_t)_i, 0), n);
	ck_assert_str_eq(shk_policyname_at((size_t)_i, 1), n);
}
END_TEST

/* The file's words are exactly the five; callers also have "default". */
START_TEST(test_lists)
{
	size_t n = SHK_ARRAY_SIZE(names);

	ck_assert_ptr_null(shk_policyname_at(n, 0));
	ck_assert_ptr_null(shk_policyname_at(n + 1, 0));
	ck_assert_str_eq(shk_policyname_at(n, 1), "default");
	ck_assert_ptr_null(shk_policyname_at(n + 1, 1));
	ck_assert_ptr_null(shk_policyname_at((size_t)-1, 1));
}
END_TEST

START_TEST(test_default)
{
	enum shk_policy p = SHK_POLICY_CUSTOM;

	ck_assert_int_eq(shk_policyname_lookup("default", 7, 0, &p), SHK_ERR_NOTFOUND);
	ck_assert_int_eq(p, SHK_POLICY_CUSTOM);
	ck_assert_int_eq(shk_policyname_lookup("default", 7, 1, &p), SHK_OK);
	ck_assert_int_eq(p, SHK_POLICY_DEFAULT);
	ck_assert_str_eq(shk_policyname_of(SHK_POLICY_DEFAULT), "default");
}
END_TEST

START_TEST(test_unknown)
{
	static const char *const bad[] = {"", "Strict", "STRICT", "stric", "strictx", "strict ",
					  " strict", "accept_new", "custom", "Default"};
	enum shk_policy p = SHK_POLICY_CUSTOM;
	size_t i;

	for (i = 0; i < SHK_ARRAY_SIZE(bad); i++) {
		ck_assert_int_eq(shk_policyname_lookup(bad[i], strlen(bad[i]), 1, &p),
				 SHK_ERR_NOTFOUND);
		ck_assert_int_eq(p, SHK_POLICY_CUSTOM);
	}
	ck_assert_int_eq(shk_policyname_lookup(NULL, 0, 1, &p), SHK_ERR_NOTFOUND);
	/* Counted: a name is found inside a longer buffer, and "str\0ict"
	 * is not "strict". */
	ck_assert_int_eq(shk_policyname_lookup("warning", 4, 0, &p), SHK_OK);
	ck_assert_int_eq(p, SHK_POLICY_WARN);
	ck_assert_int_eq(shk_policyname_lookup("str\0ict", 7, 0, &p), SHK_ERR_NOTFOUND);
	ck_assert_ptr_null(shk_policyname_of(SHK_POLICY_CUSTOM));
	ck_assert_ptr_null(shk_policyname_of((enum shk_policy)99));
}
END_TEST

/* Store formats: hashed (the default) first, then plain; exact case. */
START_TEST(test_formats)
{
	enum shk_store_format f = SHK_FORMAT_DEFAULT;

	ck_assert_str_eq(shk_formatname_at(0), "hashed");
	ck_assert_str_eq(shk_formatname_at(1), "plain");
	ck_assert_ptr_null(shk_formatname_at(2));
	ck_assert_int_eq(shk_formatname_lookup("plain", 5, &f), SHK_OK);
	ck_assert_int_eq(f, SHK_FORMAT_PLAIN);
	ck_assert_int_eq(shk_formatname_lookup("hashed", 6, &f), SHK_OK);
	ck_assert_int_eq(f, SHK_FORMAT_HASHED);
	f = SHK_FORMAT_DEFAULT;
	ck_assert_int_eq(shk_formatname_lookup("Plain", 5, &f), SHK_ERR_NOTFOUND);
	ck_assert_int_eq(shk_formatname_lookup("plai", 4, &f), SHK_ERR_NOTFOUND);
	ck_assert_int_eq(shk_formatname_lookup("plainx", 6, &f), SHK_ERR_NOTFOUND);
	ck_assert_int_eq(shk_formatname_lookup("", 0, &f), SHK_ERR_NOTFOUND);
	ck_assert_int_eq(f, SHK_FORMAT_DEFAULT);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("policyname");
	TCase *tc = tcase_create("policyname");

	tcase_add_loop_test(tc, test_both_ways, 0, SHK_ARRAY_SIZE(names));
	tcase_add_test(tc, test_lists);
	tcase_add_test(tc, test_default);
	tcase_add_test(tc, test_unknown);
	tcase_add_test(tc, test_formats);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
