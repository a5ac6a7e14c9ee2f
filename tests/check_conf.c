/* SPDX-License-Identifier: MIT */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sshhostkeys/module.h>

#include "conf.h"
#include "log.h"
#include "shk.h"
#include "testutil.h"

/* The specification, written out independently of conf.c's table. */
static const struct {
	const char *key, *def;
} defaults[] = {
	{"user_known_hosts", "~/.ssh/known_hosts ~/.ssh/known_hosts2"},
	{"global_known_hosts", "/etc/ssh/ssh_known_hosts /etc/ssh/ssh_known_hosts2"},
	{"user_hostkeys_dir", "~/.ssh2/hostkeys"},
	{"system_hostkeys_dir", "/etc/ssh2/hostkeys"},
	{"policy", "ask"},
	{"host_key_format", "hashed"},
};

/* What the log callback saw. */
struct seen {
	int n;
	int level;
	int code;
	char file[64];
	unsigned long line;
	char msg[512];
};

static void
collect(void *arg, const struct shk_diag *d)
{
	struct seen *s = arg;

	/* Keep the first diagnostic: the tables name the first problem. */
	if (s->n++ > 0)
		return;
	s->level = d->level;
	s->code = d->code;
	snprintf(s->file, sizeof(s->file), "%s", d->file != NULL ? d->file : "(null)");
	s->line = d->line;
	snprintf(s->msg, sizeof(s->msg), "%s", d->msg);
}

static int
parse(struct shk_conf *conf, const char *text, size_t len, struct seen *seen)
{
	struct shk_log log = {collect, seen};

	memset(seen, 0, sizeof(*seen));
	return shk_conf_parse(conf, text, len, "test.conf", &log);
}

START_TEST(test_defaults)
{
	struct shk_conf *conf = NULL;

	ck_assert_int_eq(shk_conf_new(&conf), SHK_OK);
	ck_assert_str_eq(shk_conf_get(conf, defaults[_i].key), defaults[_i].def);
	ck_assert_str_eq(shk_conf_get(NULL, defaults[_i].key), defaults[_i].def);
	ck_assert(shk_conf_known_key(defaults[_i].key));
	shk_conf_free(conf);
}
END_TEST

/* Writing a default out explicitly is clean and changes nothing. */
START_TEST(test_defaults_pass_checks)
{
	struct shk_conf *conf = NULL;
	struct seen seen;
	char line[256];
	int n;

	n = snprintf(line, sizeof(line), "%s = %s\n", defaults[_i].key, defaults[_i].def);
	ck_assert_int_eq(shk_conf_new(&conf), SHK_OK);
	ck_assert_int_eq(parse(conf, line, (size_t)n, &seen), 0);
	ck_assert_int_eq(seen.n, 0);
	ck_assert_str_eq(shk_conf_get(conf, defaults[_i].key), defaults[_i].def);
	shk_conf_free(conf);
}
END_TEST

START_TEST(test_unknown_keys)
{
	ck_assert_ptr_null(shk_conf_get(NULL, "nosuchkey"));
	ck_assert_ptr_null(shk_conf_get(NULL, "Policy"));
	ck_assert_ptr_null(shk_conf_get(NULL, ""));
	ck_assert_ptr_null(shk_conf_get(NULL, NULL));
	ck_assert(!shk_conf_known_key("policy "));
	ck_assert(!shk_conf_known_key("POLICY"));
	ck_assert(!shk_conf_known_key(""));
	ck_assert(!shk_conf_known_key(NULL));
}
END_TEST

static const char good_file[] =
	"# sshhostkeys.conf\n"
	"\n"
	"   # indented comment = not a setting\n"
	"user_known_hosts = ~/.ssh/known_hosts /home/shared/kh#1\n"
	"global_known_hosts=/etc/ssh/ssh_known_hosts\n"
	"\tuser_hostkeys_dir\t=\t~/.ssh2/hostkeys2\t \n"
	"system_hostkeys_dir =/srv/ssh2/hostkeys\n"
	"policy= accept-new\n"
	"host_key_format = plain\n"
	"  \t \n";

static const struct {
	const char *key, *value;
} good_values[] = {
	{"user_known_hosts", "~/.ssh/known_hosts /home/shared/kh#1"},
	{"global_known_hosts", "/etc/ssh/ssh_known_hosts"},
	{"user_hostkeys_dir", "~/.ssh2/hostkeys2"},
	{"system_hostkeys_dir", "/srv/ssh2/hostkeys"},
	{"policy", "accept-new"},
	{"host_key_format", "plain"},
};

START_TEST(test_good_file)
{
	struct shk_conf *conf = NULL;
	struct seen seen;
	size_t i;

	ck_assert_int_eq(shk_conf_new(&conf), SHK_OK);
	ck_assert_int_eq(parse(conf, good_file, strlen(good_file), &seen), 0);
	ck_assert_int_eq(seen.n, 0);
	for (i = 0; i < SHK_ARRAY_SIZE(good_values); i++)
		ck_assert_str_eq(shk_conf_get(conf, good_values[i].key), good_values[i].value);
	shk_conf_free(conf);
}
END_TEST

/* The same file with CRLF line endings reads the same. */
START_TEST(test_good_file_crlf)
{
	struct shk_conf *conf = NULL;
	struct seen seen;
	char crlf[sizeof(good_file) * 2];
	size_t i, o = 0;

	for (i = 0; good_file[i] != '\0'; i++) {
		if (good_file[i] == '\n')
			crlf[o++] = '\r';
		crlf[o++] = good_file[i];
	}
	ck_assert_int_eq(shk_conf_new(&conf), SHK_OK);
	ck_assert_int_eq(parse(conf, crlf, o, &seen), 0);
	for (i = 0; i < SHK_ARRAY_SIZE(good_values); i++)
		ck_assert_str_eq(shk_conf_get(conf, good_values[i].key), good_values[i].value);
	shk_conf_free(conf);
}
END_TEST

START_TEST(test_later_wins)
{
	struct shk_conf *conf = NULL;
	struct seen seen;
	const char *a = "policy = strict\npolicy = warn\nhost_key_format = plain\n";
	const char *b = "policy = auto-add\npolicy = bogus\n";

	ck_assert_int_eq(shk_conf_new(&conf), SHK_OK);
	ck_assert_int_eq(parse(conf, a, strlen(a), &seen), 0);
	ck_assert_str_eq(shk_conf_get(conf, "policy"), "warn");
	/* A second parse layers on the first; a bad later value does not
	 * erase a good earlier one. */
	ck_assert_int_eq(parse(conf, b, strlen(b), &seen), 1);
	ck_assert_uint_eq(seen.line, 2);
	ck_assert_str_eq(shk_conf_get(conf, "policy"), "auto-add");
	ck_assert_str_eq(shk_conf_get(conf, "host_key_format"), "plain");
	shk_conf_free(conf);
}
END_TEST

/*
 * Bad files: number of problems, the line of the first one, a piece of
 * its message; key then still has value (its default or what a good
 * line set).
 */
static const struct {
	const char *text;
	size_t len; /* 0: strlen(text) */
	int problems;
	unsigned long line;
	const char *msg;
	const char *key, *value;
} bad[] = {
	{"nosuchkey = 1\n", 0, 1, 1, "unknown key \"nosuchkey\"", "policy", "ask"},
	{"Policy = strict\n", 0, 1, 1, "unknown key \"Policy\"", "policy", "ask"},
	{"policy strict\n", 0, 1, 1, "expected \"key = value\"", "policy", "ask"},
	{"= strict\n", 0, 1, 1, "missing key", "policy", "ask"},
	{"policy =\n", 0, 1, 1, "policy: empty value", "policy", "ask"},
	{"policy =   \t\r\n", 0, 1, 1, "empty value", "policy", "ask"},
	{"policy = Strict\n", 0, 1, 1,
	 "policy: bad value \"Strict\" (one of strict accept-new auto-add warn ask); ignored",
	 "policy", "ask"},
	/* The command line's "default" is no word of the file. */
	{"policy = default\n", 0, 1, 1, "bad value \"default\"", "policy", "ask"},
	{"policy = ask # comment\n", 0, 1, 1, "bad value \"ask # comment\"", "policy", "ask"},
	{"policy = strict strict\n", 0, 1, 1, "bad value", "policy", "ask"},
	{"host_key_format = md5\n", 0, 1, 1,
	 "host_key_format: bad value \"md5\" (one of hashed plain); ignored", "host_key_format",
	 "hashed"},
	{"user_known_hosts = .ssh/known_hosts\n", 0, 1, 1,
	 "\".ssh/known_hosts\" is not an absolute path or ~/path", "user_known_hosts",
	 "~/.ssh/known_hosts ~/.ssh/known_hosts2"},
	{"user_known_hosts = ~/a ~user/b\n", 0, 1, 1, "\"~user/b\" is not",
	 "user_known_hosts", "~/.ssh/known_hosts ~/.ssh/known_hosts2"},
	{"user_known_hosts = ~/\n", 0, 1, 1, "is not", "user_known_hosts",
	 "~/.ssh/known_hosts ~/.ssh/known_hosts2"},
	{"global_known_hosts = /etc/a ~/b\n", 0, 1, 1, "\"~/b\" is not an absolute path",
	 "global_known_hosts", "/etc/ssh/ssh_known_hosts /etc/ssh/ssh_known_hosts2"},
	{"user_hostkeys_dir = ~/a b\n", 0, 1, 1, "white space in a path",
	 "user_hostkeys_dir", "~/.ssh2/hostkeys"},
	{"user_hostkeys_dir = hostkeys\n", 0, 1, 1, "is not", "user_hostkeys_dir",
	 "~/.ssh2/hostkeys"},
	{"system_hostkeys_dir = ~/.ssh2/hostkeys\n", 0, 1, 1,
	 "is not an absolute path", "system_hostkeys_dir", "/etc/ssh2/hostkeys"},
	{"system_hostkeys_dir = /etc/ssh2/\x01hostkeys\n", 0, 1, 1, "control character",
	 "system_hostkeys_dir", "/etc/ssh2/hostkeys"},
	/* NUL bytes: the line is refused, its neighbours are read. */
	{"policy = warn\npolicy = str\0ict\nhost_key_format = plain\n", 55, 1, 2, "NUL byte",
	 "policy", "warn"},
	{"policy = warn\npolicy = str\0ict\nhost_key_format = plain\n", 55, 1, 2, "NUL byte",
	 "host_key_format", "plain"},
	{"\0policy = strict\n", 17, 1, 1, "NUL byte", "policy", "ask"},
	/* Counting and line numbers. */
	{"# x\n\nfoo = 1\npolicy = warn\nbar\npolicy = nope\n", 0, 3, 3, "unknown key",
	 "policy", "warn"},
	{"policy = warn\r\nfoo = 1\r\n", 0, 1, 2, "unknown key \"foo\"", "policy", "warn"},
	/* A last line without a newline still counts. */
	{"policy = warn\npolicy = auto-add", 0, 0, 0, NULL, "policy", "auto-add"},
	{"policy = warn\nbogus", 0, 1, 2, "expected", "policy", "warn"},
	/* Unprintable text is not copied into messages. */
	{"\x1b[31m = 1\n", 0, 1, 1, "unknown key \"\\x1b[31m\"", "policy", "ask"},
};

START_TEST(test_bad_table)
{
	struct shk_conf *conf = NULL;
	struct seen seen;
	size_t len = bad[_i].len != 0 ? bad[_i].len : strlen(bad[_i].text);
	int r;

	ck_assert_int_eq(shk_conf_new(&conf), SHK_OK);
	r = parse(conf, bad[_i].text, len, &seen);
	ck_assert_msg(r == bad[_i].problems, "case %d: %d problems, want %d (%s)", _i, r,
		      bad[_i].problems, seen.msg);
	ck_assert_int_eq(seen.n, bad[_i].problems);
	if (bad[_i].msg != NULL) {
		ck_assert_int_eq(seen.level, SHK_LOG_WARN);
		ck_assert_str_eq(seen.file, "test.conf");
		ck_assert_uint_eq(seen.line, bad[_i].line);
		ck_assert_msg(strstr(seen.msg, bad[_i].msg) != NULL,
			      "case %d: message \"%s\" lacks \"%s\"", _i, seen.msg, bad[_i].msg);
	}
	ck_assert_str_eq(shk_conf_get(conf, bad[_i].key), bad[_i].value);
	shk_conf_free(conf);
}
END_TEST

/* The formatted diagnostic is "file:line: reason". */
START_TEST(test_diag_format)
{
	struct shk_conf *conf = NULL;
	struct seen seen;
	struct shk_diag d;
	char out[256];

	ck_assert_int_eq(shk_conf_new(&conf), SHK_OK);
	ck_assert_int_eq(parse(conf, "\nfoo = 1\n", 9, &seen), 1);
	d.level = seen.level;
	d.code = seen.code;
	d.file = seen.file;
	d.line = seen.line;
	d.msg = seen.msg;
	shk_diag_format(&d, out, sizeof(out));
	ck_assert_str_eq(out, "test.conf:2: unknown key \"foo\"; ignored");
	shk_conf_free(conf);
}
END_TEST

/* No line length limit: a 200 kB path is taken whole. */
START_TEST(test_long_line)
{
	struct shk_conf *conf = NULL;
	struct seen seen;
	size_t n = 200000, plen;
	char *text;
	const char *v;

	text = malloc(n + 64);
	ck_assert_ptr_nonnull(text);
	memcpy(text, "system_hostkeys_dir = /", 23);
	memset(text + 23, 'a', n);
	memcpy(text + 23 + n, "\npolicy = warn\n", 15);
	ck_assert_int_eq(shk_conf_new(&conf), SHK_OK);
	ck_assert_int_eq(parse(conf, text, 23 + n + 15, &seen), 0);
	v = shk_conf_get(conf, "system_hostkeys_dir");
	plen = strlen(v);
	ck_assert_uint_eq(plen, n + 1);
	ck_assert_str_eq(shk_conf_get(conf, "policy"), "warn");
	shk_conf_free(conf);
	free(text);
}
END_TEST

/* The buffer is counted: nothing past len is read (ASan checks). */
START_TEST(test_counted)
{
	struct shk_conf *conf = NULL;
	struct seen seen;
	const char *src = "policy = strict";
	size_t n = strlen(src);
	char *text = malloc(n);

	ck_assert_ptr_nonnull(text);
	memcpy(text, src, n);
	ck_assert_int_eq(shk_conf_new(&conf), SHK_OK);
	ck_assert_int_eq(parse(conf, text, n, &seen), 0);
	ck_assert_str_eq(shk_conf_get(conf, "policy"), "strict");
	/* "policy = stri" is a bad value, not "strict". */
	ck_assert_int_eq(parse(conf, text, n - 2, &seen), 1);
	ck_assert_int_eq(parse(conf, text, 0, &seen), 0);
	ck_assert_str_eq(shk_conf_get(conf, "policy"), "strict");
	shk_conf_free(conf);
	free(text);
}
END_TEST

/* A NULL log drops messages but problems are still counted. */
START_TEST(test_null_log)
{
	struct shk_conf *conf = NULL;
	const char *text = "foo = 1\npolicy = warn\n";

	ck_assert_int_eq(shk_conf_new(&conf), SHK_OK);
	ck_assert_int_eq(shk_conf_parse(conf, text, strlen(text), "x", NULL), 1);
	ck_assert_str_eq(shk_conf_get(conf, "policy"), "warn");
	shk_conf_free(conf);
	shk_conf_free(NULL);
}
END_TEST

/* A library that sets user_known_hosts and knows no other key. */
static const char *
partial_conf_get(const struct shk_module_env *env, const char *key)
{
	(void)env;
	return strcmp(key, "user_known_hosts") == 0 ? "~/kh" : NULL;
}

/* What a module reads: the library's value, else the table's default. */
START_TEST(test_module_get)
{
	struct shk_module_env env;
	const char *key = defaults[_i].key;

	memset(&env, 0, sizeof(env));
	env.abi_version = SHK_MODULE_ABI_VERSION;
	ck_assert_str_eq(shk_conf_module_get(NULL, key), defaults[_i].def);
	ck_assert_str_eq(shk_conf_module_get(&env, key), defaults[_i].def);
	env.conf_get = partial_conf_get;
	ck_assert_str_eq(shk_conf_module_get(&env, key),
			 strcmp(key, "user_known_hosts") == 0 ? "~/kh" : defaults[_i].def);
	ck_assert_ptr_null(shk_conf_module_get(&env, "nosuchkey"));
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("conf");
	TCase *tc = tcase_create("conf");

	tcase_add_loop_test(tc, test_defaults, 0, SHK_ARRAY_SIZE(defaults));
	tcase_add_loop_test(tc, test_defaults_pass_checks, 0, SHK_ARRAY_SIZE(defaults));
	tcase_add_test(tc, test_unknown_keys);
	tcase_add_test(tc, test_good_file);
	tcase_add_test(tc, test_good_file_crlf);
	tcase_add_test(tc, test_later_wins);
	tcase_add_loop_test(tc, test_bad_table, 0, SHK_ARRAY_SIZE(bad));
	tcase_add_test(tc, test_diag_format);
	tcase_add_test(tc, test_long_line);
	tcase_add_test(tc, test_counted);
	tcase_add_test(tc, test_null_log);
	tcase_add_loop_test(tc, test_module_get, 0, SHK_ARRAY_SIZE(defaults));
	suite_add_tcase(s, tc);
	return tu_run(s);
}
