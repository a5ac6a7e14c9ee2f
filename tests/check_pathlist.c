/* SPDX-License-Identifier: MIT */
/* pathlist.c: how user_known_hosts and global_known_hosts are split. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <string.h>

#include "pathlist.h"
#include "shk.h"
#include "testutil.h"

/* A list and the words it yields, joined with '|' ("" for none). */
static const struct {
	const char *list;
	const char *words;
} cases[] = {
	{"", ""},
	{"~/.ssh/known_hosts ~/.ssh/known_hosts2", "~/.ssh/known_hosts|~/.ssh/known_hosts2"},
	{"/etc/ssh/ssh_known_hosts", "/etc/ssh/ssh_known_hosts"},
	/* Runs of spaces and tabs, leading and trailing, are one separator. */
	{" \t /a\t\t/b  \t", "/a|/b"},
	{"   ", ""},
	{"\t", ""},
	/* "none" names no file, wherever it stands; only the whole word. */
	{"none", ""},
	{"none /a", "/a"},
	{"/a none /b", "/a|/b"},
	{"/a none", "/a"},
	{"none none", ""},
	{"nonex non none1 /none", "nonex|non|none1|/none"},
	{"None", "None"},
	/* Only space and tab separate: other white space stays in a word. */
	{"/a\v/b /c\r\n/d\f", "/a\v/b|/c\r\n/d\f"},
	/* Words are not judged here (shk_store_path() does that). */
	{"relative ~ ~user/x", "relative|~|~user/x"},
};

START_TEST(test_split)
{
	const char *p = cases[_i].list, *w;
	char got[256];
	size_t len, o = 0;

	got[0] = '\0';
	while (shk_pathlist_next(&p, &w, &len)) {
		ck_assert_uint_gt(len, 0);
		ck_assert(w >= cases[_i].list &&
			  w + len <= cases[_i].list + strlen(cases[_i].list));
		o += (size_t)snprintf(got + o, sizeof(got) - o, "%s%.*s", o > 0 ? "|" : "",
				      (int)len, w);
		ck_assert_uint_lt(o, sizeof(got));
	}
	ck_assert_msg(strcmp(got, cases[_i].words) == 0, "case %d: got \"%s\", want \"%s\"", _i,
		      got, cases[_i].words);
	/* At the end it stays at the end. */
	ck_assert_int_eq(shk_pathlist_next(&p, &w, &len), 0);
	ck_assert_int_eq(shk_pathlist_next(&p, &w, &len), 0);
}
END_TEST

START_TEST(test_null)
{
	const char *p = NULL, *w = "x";
	size_t len = 7;

	ck_assert_int_eq(shk_pathlist_next(&p, &w, &len), 0);
	ck_assert_ptr_null(p);
	/* Nothing is written at the end. */
	ck_assert_str_eq(w, "x");
	ck_assert_uint_eq(len, 7);
}
END_TEST

/* The cursor can be kept between calls: each word once, in order. */
START_TEST(test_resume)
{
	const char *list = "/a /bb\t/ccc", *p = list, *w;
	size_t len;

	ck_assert_int_eq(shk_pathlist_next(&p, &w, &len), 1);
	ck_assert_ptr_eq(w, list);
	ck_assert_uint_eq(len, 2);
	ck_assert_ptr_eq(p, list + 2);
	ck_assert_int_eq(shk_pathlist_next(&p, &w, &len), 1);
	ck_assert_ptr_eq(w, list + 3);
	ck_assert_uint_eq(len, 3);
	ck_assert_int_eq(shk_pathlist_next(&p, &w, &len), 1);
	ck_assert_ptr_eq(w, list + 7);
	ck_assert_uint_eq(len, 4);
	ck_assert_int_eq(shk_pathlist_next(&p, &w, &len), 0);
	ck_assert_ptr_eq(p, list + strlen(list));
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("pathlist");
	TCase *tc = tcase_create("pathlist");

	tcase_add_loop_test(tc, test_split, 0, SHK_ARRAY_SIZE(cases));
	tcase_add_test(tc, test_null);
	tcase_add_test(tc, test_resume);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
