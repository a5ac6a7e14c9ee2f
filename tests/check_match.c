/* SPDX-License-Identifier: MIT */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "match.h"
#include "shk.h"
#include "testutil.h"

/* Whole-string globs, case-sensitive. */
static const struct {
	const char *s, *pat;
	int want;
} globs[] = {
	{"alpha", "alpha", 1},
	{"alpha", "alph", 0},
	{"alph", "alpha", 0},
	{"alpha", "*", 1},
	{"", "*", 1},
	{"", "", 1},
	{"a", "", 0},
	{"", "?", 0},
	{"alpha", "a?pha", 1},
	{"alpha", "a??ha", 1},
	{"alpha", "?????", 1},
	{"alpha", "??????", 0},
	{"alpha.example.com", "*.example.com", 1},
	{"example.com", "*.example.com", 0},
	/* '*' crosses dots and colons. */
	{"a.b.example.com", "*.com", 1},
	{"[alpha]:2222", "*", 1},
	{"[alpha]:2222", "[alpha]:*", 1},
	{"[alpha]:2222", "*:2222", 1},
	{"[alpha]:22", "*:2222", 0},
	{"[127.0.0.1]:22777", "[127.0.0.?]:22777", 1},
	{"[127.0.0.10]:22777", "[127.0.0.?]:22777", 0},
	{"alpha", "a*a", 1},
	{"alpha", "a*b", 0},
	{"aXbXc", "a*b*c", 1},
	{"abcbcd", "a*bcd", 1},
	{"abc", "**c", 1},
	{"abc", "a**", 1},
	{"abc", "*?*", 1},
	{"ab", "*???*", 0},
	{"Alpha", "alpha", 0},
	{"alpha", "ALPHA", 0},
	{"mississippi", "*sip*", 1},
	{"mississippi", "m*iss*ppi", 1},
	{"mississippi", "m*iss*ppx", 0},
};

START_TEST(test_glob)
{
	ck_assert_msg(shk_match_pattern(globs[_i].s, strlen(globs[_i].s), globs[_i].pat,
					strlen(globs[_i].pat)) == globs[_i].want,
		      "\"%s\" vs \"%s\"", globs[_i].s, globs[_i].pat);
}
END_TEST

/* Pattern lists as match_hostname() sees them. */
static const struct {
	const char *name, *list;
	int want;
} lists[] = {
	{"alpha", "alpha", 1},
	{"alpha", "beta,alpha", 1},
	{"alpha", "beta,gamma", 0},
	{"alpha", "ALPHA", 1},
	{"alpha", "BETA,Alp*", 1},
	{"alpha", "!alpha", -1},
	{"alpha", "alpha,!alpha", -1},
	{"alpha", "!alpha,alpha", -1},
	{"alpha", "*,!alpha", -1},
	{"alpha", "*,!beta", 1},
	{"beta", "!alpha", 0},
	{"bad.wild.example", "*.wild.example,!bad.wild.example", -1},
	{"ok.wild.example", "*.wild.example,!bad.wild.example", 1},
	{"alpha", "!*", -1},
	{"alpha", "", 0},
	{"", "", 0},
	{"", ",", 1},
	{"alpha", "beta,,alpha", 1},
	{"alpha", "alpha,", 1},
	{"alpha", "!", 0},
	{"", "!", -1},
	{"alpha.example.com", "alpha.example.com,10.1.54.1", 1},
	{"10.1.54.1", "alpha.example.com,10.1.54.1", 1},
	{"[alpha.example.com]:222", "alpha.example.com", 0},
	{"alpha.example.com", "[alpha.example.com]:222", 0},
	{"[alpha.example.com]:222", "[ALPHA.example.com]:222", 1},
	{"::1", "::1", 1},
	{"[::1]:2222", "[::1]:2222", 1},
	{"[::1]:2222", "::1", 0},
	{"[::1]:2222", "[::?]:2222", 1},
	{"alpha#222", "alpha#222", 1},
	{"alpha", "alpha#222", 0},
};

START_TEST(test_list)
{
	ck_assert_msg(shk_match_hostlist(lists[_i].name, strlen(lists[_i].name), lists[_i].list,
					 strlen(lists[_i].list)) == lists[_i].want,
		      "\"%s\" vs \"%s\"", lists[_i].name, lists[_i].list);
}
END_TEST

/* OpenSSH's 1024-byte sub-pattern buffer: 1022 fits, 1023 spoils the
 * whole list, even after a positive match. */
static const struct {
	size_t len;
	int negated, first, want;
} limits[] = {
	{1022, 0, 0, 1},
	{1023, 0, 0, 0},
	{1024, 0, 0, 0},
	{1022, 1, 0, -1},
	{1023, 1, 0, 0},
	{1023, 0, 1, 0},
};

START_TEST(test_subpattern_limit)
{
	char *list = malloc(limits[_i].len + 16), *p = list;

	ck_assert_ptr_nonnull(list);
	if (limits[_i].first) {
		memcpy(p, "a*,", 3);
		p += 3;
	}
	if (limits[_i].negated)
		*p++ = '!';
	memset(p, '*', limits[_i].len - 1);
	p[limits[_i].len - 1] = 'a';
	p += limits[_i].len;
	ck_assert_int_eq(shk_match_hostlist("alpha", 5, list, (size_t)(p - list)),
			 limits[_i].want);
	free(list);
}
END_TEST

/* Counted strings: bytes past the given length are never read. */
START_TEST(test_counted)
{
	ck_assert_int_eq(shk_match_hostlist("alphaXXX", 5, "alpha,beta", 5), 1);
	ck_assert_int_eq(shk_match_hostlist("alpha", 5, "alphaYYY", 5), 1);
	ck_assert_int_eq(shk_match_pattern("ab", 1, "a", 1), 1);
}
END_TEST

/* Many stars against a long non-matching subject must stay fast (a
 * naive recursive matcher takes exponential time here). */
START_TEST(test_many_stars)
{
	char s[200], pat[64];

	memset(s, 'a', sizeof(s));
	memset(pat, 0, sizeof(pat));
	strcpy(pat, "*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b");
	ck_assert_int_eq(shk_match_pattern(s, sizeof(s), pat, strlen(pat)), 0);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("match");
	TCase *tc = tcase_create("match");

	tcase_set_timeout(tc, 10);
	tcase_add_loop_test(tc, test_glob, 0, SHK_ARRAY_SIZE(globs));
	tcase_add_loop_test(tc, test_list, 0, SHK_ARRAY_SIZE(lists));
	tcase_add_loop_test(tc, test_subpattern_limit, 0, SHK_ARRAY_SIZE(limits));
	tcase_add_test(tc, test_counted);
	tcase_add_test(tc, test_many_stars);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
