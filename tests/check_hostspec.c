/* SPDX-License-Identifier: MIT */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "hostspec.h"
#include "shk.h"
#include "testutil.h"

/* Specs that parse: spec, port argument, canonical host, port. */
static const struct {
	const char *spec;
	unsigned int port_in;
	const char *host;
	unsigned int port;
} good[] = {
	{"alpha", 0, "alpha", 22},
	{"Alpha.Example.COM", 0, "alpha.example.com", 22},
	{"alpha.example.com#222", 0, "alpha.example.com", 222},
	{"alpha.example.com#222", 222, "alpha.example.com", 222},
	{"[alpha.example.com]:222", 0, "alpha.example.com", 222},
	{"[Alpha]:22", 0, "alpha", 22},
	{"[alpha]", 0, "alpha", 22},
	{"alpha", 2222, "alpha", 2222},
	{"10.1.54.1", 0, "10.1.54.1", 22},
	{"[10.1.54.1]:2222", 0, "10.1.54.1", 2222},
	{"10.1.54.1#65535", 0, "10.1.54.1", 65535},
	{"::1", 0, "::1", 22},
	{"0:0:0:0:0:0:0:1", 0, "::1", 22},
	{"[::1]:2222", 0, "::1", 2222},
	{"[::1]", 0, "::1", 22},
	{"[::1]", 2222, "::1", 2222},
	{"2001:DB8::0:1", 0, "2001:db8::1", 22},
	{"fe80::1%eth0", 0, "fe80::1%eth0", 22},
	{"[fe80::0:1%Eth0]:22", 0, "fe80::1%Eth0", 22},
	{"::ffff:10.1.2.3", 0, "::ffff:10.1.2.3", 22},
	/* glibc inet_pton refuses leading zeros: this stays a name. */
	{"010.1.1.1", 0, "010.1.1.1", 22},
	{"host_with-under.score", 0, "host_with-under.score", 22},
	{"-A_1.b-", 0, "-a_1.b-", 22},
	{"fe80::1%eth0.1_a-b", 0, "fe80::1%eth0.1_a-b", 22},
	{"a", 1, "a", 1},
	{"[a]:00022", 0, "a", 22},
};

START_TEST(test_good)
{
	char host[SHK_HOST_MAX + 1];
	unsigned int port = 0;
	struct shk_error err;

	memset(&err, 0, sizeof(err));
	ck_assert_msg(shk_hostspec_parse(good[_i].spec, good[_i].port_in, host, sizeof(host),
					 &port, &err) == SHK_OK,
		      "%s: %s", good[_i].spec, err.msg);
	ck_assert_str_eq(host, good[_i].host);
	ck_assert_uint_eq(port, good[_i].port);
}
END_TEST

static char long_name[SHK_HOST_MAX + 2];
static char max_name[SHK_HOST_MAX + 1];

/* Specs that are refused, with a word the message must contain. */
static const struct {
	const char *spec;
	unsigned int port_in;
	int code;
	const char *msg;
} bad[] = {
	{"", 0, SHK_ERR_INVAL, "empty"},
	{"[]", 0, SHK_ERR_INVAL, "empty"},
	{"[]:22", 0, SHK_ERR_INVAL, "empty"},
	{"a/b", 0, SHK_ERR_INVAL, "'/'"},
	{"../etc", 0, SHK_ERR_INVAL, "'/'"},
	{"..", 0, SHK_ERR_INVAL, ".."},
	{"a..b", 0, SHK_ERR_INVAL, ".."},
	/* fuzz_hostspec: "." became "key_22_..pub", which the ssh2 names refuse. */
	{".", 0, SHK_ERR_INVAL, "\".\""},
	{"[.]:2222", 0, SHK_ERR_INVAL, "\".\""},
	{".#2222", 0, SHK_ERR_INVAL, "\".\""},
	{"a b", 0, SHK_ERR_INVAL, "white space"},
	{"a\tb", 0, SHK_ERR_INVAL, "white space"},
	{"a\nb", 0, SHK_ERR_INVAL, "white space"},
	{"a\001b", 0, SHK_ERR_INVAL, "control"},
	{"a\177b", 0, SHK_ERR_INVAL, "control"},
	{"a@b", 0, SHK_ERR_INVAL, "'@'"},
	{"a?b", 0, SHK_ERR_INVAL, "'?'"},
	{"*.example.com", 0, SHK_ERR_INVAL, "'*'"},
	{"a|b", 0, SHK_ERR_INVAL, "'|'"},
	{"a'b", 0, SHK_ERR_INVAL, "'''"},
	{"a\"b", 0, SHK_ERR_INVAL, "'\"'"},
	{"a\\b", 0, SHK_ERR_INVAL, "'\\'"},
	{"a`b", 0, SHK_ERR_INVAL, "'`'"},
	{"a,b", 0, SHK_ERR_INVAL, "','"},
	{"a]b", 0, SHK_ERR_INVAL, "']'"},
	{"[a]b", 0, SHK_ERR_INVAL, ":port"},
	{"[a", 0, SHK_ERR_INVAL, "']'"},
	{"[a]:", 0, SHK_ERR_INVAL, "missing port"},
	{"a#", 0, SHK_ERR_INVAL, "missing port"},
	{"a#b#1", 0, SHK_ERR_INVAL, "bad port"},
	{"[a]:x1", 0, SHK_ERR_INVAL, "bad port"},
	{"[a]:-1", 0, SHK_ERR_INVAL, "bad port"},
	{"[a]:+1", 0, SHK_ERR_INVAL, "bad port"},
	{"[a]:0", 0, SHK_ERR_RANGE, "out of range"},
	{"[a]:65536", 0, SHK_ERR_RANGE, "out of range"},
	{"a#99999999999999999999", 0, SHK_ERR_RANGE, "out of range"},
	{"a", 65536, SHK_ERR_RANGE, "out of range"},
	{"[a]:222", 22, SHK_ERR_INVAL, "differs"},
	{"a#222", 2222, SHK_ERR_INVAL, "differs"},
	{"a:22", 0, SHK_ERR_INVAL, "IPv6"},
	{"1:2:3", 0, SHK_ERR_INVAL, "IPv6"},
	{"fe80::1%", 0, SHK_ERR_INVAL, "zone"},
	{long_name, 0, SHK_ERR_INVAL, "longer than 241 bytes"},
	/* Names known_hosts cannot express as themselves: "!a" would be a
	 * negation that never matches (issue 10). Only letters, digits,
	 * '-', '.', '_' (and IP literals) are names. */
	{"!a", 0, SHK_ERR_INVAL, "'!'"},
	{"[!a]:2222", 0, SHK_ERR_INVAL, "'!'"},
	{"a!b", 0, SHK_ERR_INVAL, "'!'"},
	{"a=b", 0, SHK_ERR_INVAL, "'='"},
	{"a;b", 0, SHK_ERR_INVAL, "';'"},
	{"a$b", 0, SHK_ERR_INVAL, "'$'"},
	{"a~b", 0, SHK_ERR_INVAL, "'~'"},
	{"a%b", 0, SHK_ERR_INVAL, "'%'"},
	{"fe80::1%a%b", 0, SHK_ERR_INVAL, "'%'"},
	{"h\xc3\xa9.example", 0, SHK_ERR_INVAL, "byte 0xc3"},
	/* A refused spec is quoted escaped and cut, never raw. */
	{"[a\033[31m\nsshhostkeys: FAKE", 0, SHK_ERR_INVAL,
	 "missing ']' in \"[a\\x1b[31m\\x0asshhostkeys: FAKE\""},
	{"[a]\nx", 0, SHK_ERR_INVAL, "after ']' in \"[a]\\x0ax\""},
	{"a#2\n", 0, SHK_ERR_INVAL, "bad port \"2\\x0a\""},
};

START_TEST(test_bad)
{
	char host[SHK_HOST_MAX + 1];
	unsigned int port = 0;
	struct shk_error err;

	memset(&err, 0, sizeof(err));
	ck_assert_int_eq(shk_hostspec_parse(bad[_i].spec, bad[_i].port_in, host, sizeof(host),
					    &port, &err),
			 bad[_i].code);
	ck_assert_int_eq(err.code, bad[_i].code);
	ck_assert_msg(strstr(err.msg, bad[_i].msg) != NULL, "\"%s\": message \"%s\" lacks \"%s\"",
		      bad[_i].spec, err.msg, bad[_i].msg);
}
END_TEST

START_TEST(test_nul_inside)
{
	char host[SHK_HOST_MAX + 1];
	struct shk_error err;

	memset(&err, 0, sizeof(err));
	ck_assert_int_eq(shk_host_canon("ab\0c", 4, host, sizeof(host), &err), SHK_ERR_INVAL);
	ck_assert(strstr(err.msg, "NUL") != NULL);
}
END_TEST

START_TEST(test_max_length)
{
	char host[SHK_HOST_MAX + 1];
	unsigned int port;

	ck_assert_int_eq(shk_hostspec_parse(max_name, 0, host, sizeof(host), &port, NULL),
			 SHK_OK);
	ck_assert_uint_eq(strlen(host), SHK_HOST_MAX);
	/* Too small an output buffer is a range error, not an overflow. */
	ck_assert_int_eq(shk_host_canon(max_name, SHK_HOST_MAX, host, 10, NULL), SHK_ERR_RANGE);
}
END_TEST

/* alpha, alpha.example.com, 10.1.54.1 and alpha.example.com#222 are
 * four hosts: their known_hosts names differ. */
START_TEST(test_four_hosts)
{
	static const char *specs[] = {"alpha", "alpha.example.com", "10.1.54.1",
				      "alpha.example.com#222"};
	char host[SHK_HOST_MAX + 1], names[4][SHK_KH_NAME_MAX];
	unsigned int port;
	size_t i, j;

	for (i = 0; i < 4; i++) {
		ck_assert_int_eq(shk_hostspec_parse(specs[i], 0, host, sizeof(host), &port, NULL),
				 SHK_OK);
		ck_assert_int_eq(shk_host_kh_name(host, port, names[i], sizeof(names[i])),
				 SHK_OK);
	}
	ck_assert_str_eq(names[3], "[alpha.example.com]:222");
	for (i = 0; i < 4; i++)
		for (j = i + 1; j < 4; j++)
			ck_assert_str_ne(names[i], names[j]);
}
END_TEST

static const struct {
	const char *host;
	unsigned int port;
	const char *name;
} kh_names[] = {
	{"alpha", 22, "alpha"},
	{"alpha", 0, "alpha"},
	{"alpha", 2222, "[alpha]:2222"},
	{"::1", 22, "::1"},
	{"::1", 2222, "[::1]:2222"},
	{"10.1.54.1", 65535, "[10.1.54.1]:65535"},
};

START_TEST(test_kh_name)
{
	char out[SHK_KH_NAME_MAX];

	ck_assert_int_eq(shk_host_kh_name(kh_names[_i].host, kh_names[_i].port, out,
					  sizeof(out)),
			 SHK_OK);
	ck_assert_str_eq(out, kh_names[_i].name);
}
END_TEST

START_TEST(test_kh_name_range)
{
	char out[8];

	ck_assert_int_eq(shk_host_kh_name("alpha", 2222, out, sizeof(out)), SHK_ERR_RANGE);
	ck_assert_int_eq(shk_host_kh_name("a", 65536, out, sizeof(out)), SHK_ERR_RANGE);
	ck_assert_int_eq(shk_host_kh_name("alpha", 22, out, 5), SHK_ERR_RANGE);
	ck_assert_int_eq(shk_host_kh_name("alpha", 22, out, 6), SHK_OK);
}
END_TEST

START_TEST(test_public_parse)
{
	char *host = NULL;
	unsigned int port = 0;

	ck_assert_int_eq(shk_host_parse("[::1]:2222", 0, &host, &port), SHK_OK);
	ck_assert_str_eq(host, "::1");
	ck_assert_uint_eq(port, 2222);
	free(host);
	host = NULL;
	ck_assert_int_eq(shk_host_parse("BETA#2", 2, &host, &port), SHK_OK);
	ck_assert_str_eq(host, "beta");
	ck_assert_uint_eq(port, 2);
	free(host);
	host = (char *)"unchanged";
	ck_assert_int_eq(shk_host_parse("a/b", 0, &host, &port), SHK_ERR_INVAL);
	ck_assert_ptr_null(host);
	ck_assert_int_eq(shk_host_parse(NULL, 0, &host, &port), SHK_ERR_INVAL);
	ck_assert_int_eq(shk_host_parse("a", 0, NULL, &port), SHK_ERR_INVAL);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("hostspec");
	TCase *tc = tcase_create("hostspec");

	memset(long_name, 'a', SHK_HOST_MAX + 1);
	memset(max_name, 'b', SHK_HOST_MAX);
	tcase_add_loop_test(tc, test_good, 0, SHK_ARRAY_SIZE(good));
	tcase_add_loop_test(tc, test_bad, 0, SHK_ARRAY_SIZE(bad));
	tcase_add_test(tc, test_nul_inside);
	tcase_add_test(tc, test_max_length);
	tcase_add_test(tc, test_four_hosts);
	tcase_add_loop_test(tc, test_kh_name, 0, SHK_ARRAY_SIZE(kh_names));
	tcase_add_test(tc, test_kh_name_range);
	tcase_add_test(tc, test_public_parse);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
