/* SPDX-License-Identifier: MIT */
/* The small shared pieces: shk.c, log.c, digest.c, fmap.c. */
#include "config.h"

#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "digest.h"
#include "fmap.h"
#include "log.h"
#include "shk.h"
#include "storepath.h"
#include "testutil.h"

START_TEST(test_error_set)
{
	struct shk_error err;

	ck_assert_int_eq(shk_error_set(&err, SHK_ERR_PARSE, 7, "bad %s", "thing"),
			 SHK_ERR_PARSE);
	ck_assert_int_eq(err.code, SHK_ERR_PARSE);
	ck_assert_uint_eq(err.line, 7);
	ck_assert_str_eq(err.msg, "bad thing");
	/* A NULL record is allowed: the code still comes back. */
	ck_assert_int_eq(shk_error_set(NULL, SHK_ERR_RANGE, 0, "x"), SHK_ERR_RANGE);
}
END_TEST

START_TEST(test_strings)
{
	char s[] = "MiXeD.Case-1";
	char *p;

	ck_assert(shk_strncaseeq("SUCCESS", 7, "success"));
	ck_assert(!shk_strncaseeq("SUCCES", 6, "success"));
	ck_assert(!shk_strncaseeq("SUCCESSX", 8, "success"));
	shk_ascii_lower(s, strlen(s));
	ck_assert_str_eq(s, "mixed.case-1");
	ck_assert_str_eq(p = shk_path_join("/r/", "/etc/x"), "/r/etc/x");
	free(p);
	ck_assert_str_eq(p = shk_path_join("", "/etc/x"), "/etc/x");
	free(p);
	ck_assert_str_eq(shk_strerror(SHK_ERR_UNTRUSTED), "untrusted store");
	ck_assert_str_eq(shk_strerror(12345), "unknown error");
}
END_TEST

START_TEST(test_escape)
{
	char out[SHK_ESC_SIZE], small[12], *big;

	ck_assert_str_eq(shk_escape("host-1.example", 14, out, sizeof(out)), "host-1.example");
	/* The forged-line attack: ESC and newline become visible, so the
	 * result is one line with no control byte in it. */
	ck_assert_str_eq(SHK_ESC("a\033[31mred\nsshhostkeys: FAKE"),
			 "a\\x1b[31mred\\x0asshhostkeys: FAKE");
	/* Backslash doubled (so "\\x41" cannot pass for an escape), DEL,
	 * non-ASCII and an embedded NUL (counted input) escaped. */
	ck_assert_str_eq(shk_escape("\\\x7f\xc3\xa9\0z", 6, out, sizeof(out)),
			 "\\\\\\x7f\\xc3\\xa9\\x00z");
	ck_assert_str_eq(shk_escape("", 0, out, sizeof(out)), "");
	/* Cut at SHK_ESC_INPUT_MAX input bytes, marked. */
	big = malloc(65536);
	ck_assert_ptr_nonnull(big);
	memset(big, 'a', 65536);
	shk_escape(big, 65536, out, sizeof(out));
	ck_assert_uint_eq(strlen(out), SHK_ESC_INPUT_MAX + 3);
	ck_assert_str_eq(out + SHK_ESC_INPUT_MAX, "...");
	/* Exactly SHK_ESC_INPUT_MAX bytes: whole, no marker. */
	shk_escape(big, SHK_ESC_INPUT_MAX, out, sizeof(out));
	ck_assert_uint_eq(strlen(out), SHK_ESC_INPUT_MAX);
	/* All escaped at the limit still fits SHK_ESC_SIZE. */
	memset(big, '\n', 65536);
	shk_escape(big, 65536, out, sizeof(out));
	ck_assert_uint_eq(strlen(out), 4 * SHK_ESC_INPUT_MAX + 3);
	free(big);
	/* A small buffer cuts sooner, never inside an escape. */
	ck_assert_str_eq(shk_escape("abcdefghijklmnop", 16, small, sizeof(small)), "abcdefgh...");
	ck_assert_str_eq(shk_escape("ab\ncdefgh", 9, small, sizeof(small)), "ab\\x0acd...");
	ck_assert_str_eq(shk_escape("\n\n\n", 3, small, sizeof(small)), "\\x0a\\x0a...");
	ck_assert_str_eq(shk_escape("abcdefghijk", 11, small, sizeof(small)), "abcdefghijk");
	ck_assert_str_eq(shk_escape("\n", 1, small, 4), "...");
	ck_assert_str_eq(shk_escape("x", 1, small, 3), "");
}
END_TEST

static char seen[512];

static void
capture(void *arg, const struct shk_diag *d)
{
	(void)arg;
	shk_diag_format(d, seen, sizeof(seen));
}

START_TEST(test_log_format)
{
	struct shk_log log = {capture, NULL};
	struct shk_error err = {SHK_ERR_PARSE, 12, "bad key"};

	shk_log_emit(&log, SHK_LOG_WARN, SHK_ERR_PARSE, "/etc/f", 3, "n=%d", 5);
	ck_assert_str_eq(seen, "/etc/f:3: n=5");
	shk_log_emit(&log, SHK_LOG_WARN, SHK_ERR_PARSE, "/etc/f", 0, "whole");
	ck_assert_str_eq(seen, "/etc/f: whole");
	shk_log_emit(&log, SHK_LOG_WARN, SHK_ERR_PARSE, NULL, 0, "plain");
	ck_assert_str_eq(seen, "plain");
	shk_log_error(&log, SHK_LOG_ERR, "k", &err);
	ck_assert_str_eq(seen, "k:12: bad key");
	/* A file name someone typed cannot forge a second line. */
	shk_log_emit(&log, SHK_LOG_WARN, SHK_ERR_PARSE, "k\nsshhostkeys: x", 2, "bad");
	ck_assert_str_eq(seen, "k\\x0asshhostkeys: x:2: bad");
	/* No sink: nothing happens, nothing crashes. */
	shk_log_emit(NULL, SHK_LOG_ERR, 0, NULL, 0, "dropped");
}
END_TEST

START_TEST(test_digests)
{
	unsigned char d[SHK_SHA256_LEN];
	char hex[2 * SHK_SHA256_LEN + 1];

	ck_assert_int_eq(shk_sha256("abc", 3, d), SHK_OK);
	shk_hex(d, SHK_SHA256_LEN, hex);
	ck_assert_str_eq(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	ck_assert_int_eq(shk_sha1("abc", 3, d), SHK_OK);
	shk_hex(d, SHK_SHA1_LEN, hex);
	ck_assert_str_eq(hex, "a9993e364706816aba3e25717850c26c9cd0d89d");
	ck_assert_int_eq(shk_md5("abc", 3, d), SHK_OK);
	shk_hex(d, SHK_MD5_LEN, hex);
	ck_assert_str_eq(hex, "900150983cd24fb0d6963f7d28e17f72");
	/* RFC 4231 test case 2 and RFC 2202 test case 2. */
	ck_assert_int_eq(shk_hmac_sha256("Jefe", 4, "what do ya want for nothing?", 28, d),
			 SHK_OK);
	shk_hex(d, SHK_SHA256_LEN, hex);
	ck_assert_str_eq(hex, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
	ck_assert_int_eq(shk_hmac_sha1("Jefe", 4, "what do ya want for nothing?", 28, d),
			 SHK_OK);
	shk_hex(d, SHK_SHA1_LEN, hex);
	ck_assert_str_eq(hex, "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
	ck_assert(shk_ct_equal("abcd", "abcd", 4));
	ck_assert(!shk_ct_equal("abcd", "abce", 4));
}
END_TEST

START_TEST(test_fmap)
{
	char dir[] = "/tmp/shk-fmap.XXXXXX", path[300];
	struct shk_fmap m;
	struct shk_error err;
	FILE *f;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/file", dir);
	ck_assert_ptr_nonnull(f = fopen(path, "w"));
	fputs("hello\n", f);
	fclose(f);
	ck_assert_int_eq(shk_fmap_open(path, &m, &err), SHK_OK);
	ck_assert_uint_eq(m.len, 6);
	ck_assert(memcmp(m.data, "hello\n", 6) == 0);
	shk_fmap_close(&m);

	/* Empty file: no mapping, length 0. */
	ck_assert_ptr_nonnull(f = fopen(path, "w"));
	fclose(f);
	ck_assert_int_eq(shk_fmap_open(path, &m, &err), SHK_OK);
	ck_assert_uint_eq(m.len, 0);
	ck_assert_ptr_null(m.data);
	shk_fmap_close(&m);

	/* Missing, directory, FIFO (must not block). */
	snprintf(path, sizeof(path), "%s/missing", dir);
	ck_assert_int_eq(shk_fmap_open(path, &m, &err), SHK_ERR_NOTFOUND);
	ck_assert_int_eq(shk_fmap_open(dir, &m, &err), SHK_ERR_INVAL);
	snprintf(path, sizeof(path), "%s/fifo", dir);
	ck_assert_int_eq(mkfifo(path, 0644), 0);
	ck_assert_int_eq(shk_fmap_open(path, &m, &err), SHK_ERR_INVAL);
	ck_assert_str_eq(err.msg, "not a regular file");
	unlink(path);
	snprintf(path, sizeof(path), "%s/file", dir);
	unlink(path);
	ck_assert_int_eq(rmdir(dir), 0);
}
END_TEST

static const struct {
	const char *word;
	int is_system;
	const char *root, *home;
	int r;
	const char *path, *anchor;
} store_paths[] = {
	{"~/.ssh/known_hosts", 0, "/r", "/home/u", SHK_OK, "/home/u/.ssh/known_hosts", "/home/u"},
	{"~", 0, "", "/home/u/", SHK_OK, "/home/u", "/home/u/"},
	{"~/.ssh2/hostkeys/", 1, "/r", "/home/u", SHK_OK, "/home/u/.ssh2/hostkeys", "/home/u"},
	{"~/x", 0, "", NULL, SHK_OK, NULL, NULL}, /* no home: does not apply */
	{"/etc/ssh/ssh_known_hosts", 1, "/r", "/home/u", SHK_OK, "/r/etc/ssh/ssh_known_hosts", "/r"},
	{"/etc/ssh2/hostkeys", 1, "", NULL, SHK_OK, "/etc/ssh2/hostkeys", "/"},
	{"/srv/kh", 0, "/r", "/home/u", SHK_OK, "/srv/kh", "/home/u"}, /* user: as it is */
	{"relative/kh", 0, "", "/home/u", SHK_ERR_INVAL, NULL, NULL},
	{"~user/kh", 0, "", "/home/u", SHK_ERR_INVAL, NULL, NULL},
	{"", 1, "", "/home/u", SHK_ERR_INVAL, NULL, NULL},
};

START_TEST(test_store_path)
{
	const char *w = store_paths[_i].word, *anchor = "unset";
	char *path = (char *)"unset";

	ck_assert_int_eq(shk_store_path(w, strlen(w), store_paths[_i].is_system,
					store_paths[_i].root, store_paths[_i].home, &path,
					&anchor),
			 store_paths[_i].r);
	if (store_paths[_i].path == NULL)
		ck_assert_ptr_null(path);
	else
		ck_assert_str_eq(path, store_paths[_i].path);
	if (store_paths[_i].anchor == NULL)
		ck_assert_ptr_null(anchor);
	else
		ck_assert_str_eq(anchor, store_paths[_i].anchor);
	free(path);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("util");
	TCase *tc = tcase_create("util");

	tcase_add_test(tc, test_error_set);
	tcase_add_test(tc, test_strings);
	tcase_add_test(tc, test_escape);
	tcase_add_test(tc, test_log_format);
	tcase_add_test(tc, test_digests);
	tcase_add_test(tc, test_fmap);
	tcase_add_loop_test(tc, test_store_path, 0, SHK_ARRAY_SIZE(store_paths));
	suite_add_tcase(s, tc);
	return tu_run(s);
}
