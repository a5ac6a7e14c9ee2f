/* SPDX-License-Identifier: MIT */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <sshhostkeys/module.h>

#include "nsswitch.h"
#include "shk.h"
#include "testutil.h"

#define LONG63 "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijk"
#define SRC16 "a b c d e f g h i j k l m n o p"

/*
 * Whole nsswitch.conf images. canon is shk_nss_format() of the result
 * (the default "files ssh2" for errors and missing lines); for errors,
 * line is the reported line and msg a piece of the message.
 */
static const struct {
	const char *text;
	size_t len; /* 0: strlen(text) */
	int rc;
	const char *canon;
	unsigned long line;
	const char *msg;
} files[] = {
	/* Plain, spacing, colons. */
	{"ssh_hostkeys: files ssh2\n", 0, SHK_OK, "files ssh2", 0, NULL},
	{"ssh_hostkeys:ssh2", 0, SHK_OK, "ssh2", 0, NULL},
	{"  \tssh_hostkeys \t: files\n", 0, SHK_OK, "files", 0, NULL},
	{"ssh_hostkeys::: \t:files", 0, SHK_OK, "files", 0, NULL},
	{"ssh_hostkeys files\n", 0, SHK_ERR_PARSE, "files ssh2", 1, "column 14: expected ':'"},
	{"ssh_hostkeys\n", 0, SHK_ERR_PARSE, "files ssh2", 1, "expected ':'"},
	{"ssh_hostkeys#: files\n", 0, SHK_ERR_PARSE, "files ssh2", 1, "expected ':'"},
	{"ssh_hostkeys:files[NOTFOUND=return]ssh2", 0, SHK_OK, "files [NOTFOUND=return] ssh2",
	 0, NULL},
	{"ssh_hostkeys:\v\ffiles\v", 0, SHK_OK, "files", 0, NULL},
	/* Action items: case, white space, several pairs, '!'. */
	{"ssh_hostkeys: files [NOTFOUND=return] ssh2\n", 0, SHK_OK,
	 "files [NOTFOUND=return] ssh2", 0, NULL},
	{"ssh_hostkeys: files [notfound=RETURN] ssh2 [Unavail=Return TryAgain=return]\n", 0,
	 SHK_OK, "files [NOTFOUND=return] ssh2 [UNAVAIL=return TRYAGAIN=return]", 0, NULL},
	{"ssh_hostkeys:\tfiles\t[ NOTFOUND = return\tUNAVAIL=return ]\tssh2\n", 0, SHK_OK,
	 "files [NOTFOUND=return UNAVAIL=return] ssh2", 0, NULL},
	{"ssh_hostkeys: files [SUCCESS=continue] ssh2\n", 0, SHK_OK,
	 "files [SUCCESS=continue] ssh2", 0, NULL},
	{"ssh_hostkeys: files [SUCCESS=return NOTFOUND=continue]\n", 0, SHK_OK, "files", 0,
	 NULL},
	{"ssh_hostkeys: files [!SUCCESS=continue]\n", 0, SHK_OK, "files", 0, NULL},
	{"ssh_hostkeys: files [!SUCCESS=return]\n", 0, SHK_OK,
	 "files [NOTFOUND=return UNAVAIL=return TRYAGAIN=return]", 0, NULL},
	{"ssh_hostkeys: files [!UNAVAIL=return] ssh2\n", 0, SHK_OK,
	 "files [NOTFOUND=return TRYAGAIN=return] ssh2", 0, NULL},
	/* '!' keeps what the named status had so far: order matters. */
	{"ssh_hostkeys: files [SUCCESS=continue !NOTFOUND=return]\n", 0, SHK_OK,
	 "files [UNAVAIL=return TRYAGAIN=return]", 0, NULL},
	{"ssh_hostkeys: files [!NOTFOUND=return SUCCESS=continue]\n", 0, SHK_OK,
	 "files [SUCCESS=continue UNAVAIL=return TRYAGAIN=return]", 0, NULL},
	{"ssh_hostkeys: files [ !tryagain=RETURN ]\n", 0, SHK_OK,
	 "files [NOTFOUND=return UNAVAIL=return]", 0, NULL},
	{"ssh_hostkeys: files [NOTFOUND=return NOTFOUND=continue]\n", 0, SHK_OK, "files", 0,
	 NULL},
	/* Comments. */
	{"# ssh_hostkeys: ssh2\nssh_hostkeys: files # ssh2\n", 0, SHK_OK, "files", 0, NULL},
	{"ssh_hostkeys: files#ssh2\n", 0, SHK_OK, "files", 0, NULL},
	{"   # ssh_hostkeys: files\n", 0, SHK_ERR_NOTFOUND, "files ssh2", 0, NULL},
	{"hosts: files dns # ssh_hostkeys: ssh2\n", 0, SHK_ERR_NOTFOUND, "files ssh2", 0, NULL},
	{"ssh_hostkeys: files [NOTFOUND=return # ]\nssh_hostkeys: ssh2\n", 0, SHK_ERR_PARSE,
	 "files ssh2", 1, "column 38: missing ']'"},
	/* CRLF line endings. */
	{"passwd: files\r\nssh_hostkeys: files [NOTFOUND=return]\r\nhosts: dns\r\n", 0,
	 SHK_OK, "files [NOTFOUND=return]", 0, NULL},
	{"ssh_hostkeys:\tssh2\r\n", 0, SHK_OK, "ssh2", 0, NULL},
	{"ssh_hostkeys: files [NOTFOUND=return\r\n", 0, SHK_ERR_PARSE, "files ssh2", 1,
	 "missing ']'"},
	/* The first line wins, even a bad one. */
	{"ssh_hostkeys: ssh2\nssh_hostkeys: files\n", 0, SHK_OK, "ssh2", 0, NULL},
	{"ssh_hostkeys: files [BOGUS=return]\nssh_hostkeys: ssh2\n", 0, SHK_ERR_PARSE,
	 "files ssh2", 1, "column 22: unknown status \"BOGUS\""},
	{"ssh_hostkeys: ssh2\nssh_hostkeys: files [BOGUS=return]\n", 0, SHK_OK, "ssh2", 0,
	 NULL},
	/* Other databases, including near misses. */
	{"ssh_hostkeysX: ssh2\nSSH_HOSTKEYS: ssh2\nSsh_Hostkeys: ssh2\nssh_hostkey: ssh2\n"
	 "xssh_hostkeys: ssh2\nssh-hostkeys: ssh2\n",
	 0, SHK_ERR_NOTFOUND, "files ssh2", 0, NULL},
	{"ssh_hostkeysX: ssh2\nssh_hostkeys_x: ssh2\nssh_hostkeys: files\n", 0, SHK_OK,
	 "files", 0, NULL},
	{"passwd: files systemd\ngroup: files\nhosts: files [!UNAVAIL=return] dns\n", 0,
	 SHK_ERR_NOTFOUND, "files ssh2", 0, NULL},
	{"", 0, SHK_ERR_NOTFOUND, "files ssh2", 0, NULL},
	{"\n\n\n", 0, SHK_ERR_NOTFOUND, "files ssh2", 0, NULL},
	/* Empty service lists: kept empty, as glibc does. */
	{"ssh_hostkeys:\n", 0, SHK_OK, "", 0, NULL},
	{"ssh_hostkeys:   # nothing\nssh_hostkeys: files\n", 0, SHK_OK, "", 0, NULL},
	{"ssh_hostkeys: \r\n", 0, SHK_OK, "", 0, NULL},
	/* Bad action items. */
	{"ssh_hostkeys: files [NOTFOUND=return\n", 0, SHK_ERR_PARSE, "files ssh2", 1,
	 "column 37: missing ']'"},
	{"ssh_hostkeys: files [NOTFOUND=return ssh2\n", 0, SHK_ERR_PARSE, "files ssh2", 1,
	 "column 42: missing ']'"},
	{"ssh_hostkeys: files [NOTFOUND\n", 0, SHK_ERR_PARSE, "files ssh2", 1, "missing ']'"},
	{"ssh_hostkeys: files [NOTFOUND=\n", 0, SHK_ERR_PARSE, "files ssh2", 1, "missing ']'"},
	{"ssh_hostkeys: files [\n", 0, SHK_ERR_PARSE, "files ssh2", 1, "missing ']'"},
	{"ssh_hostkeys: files [NOTFOUND=stop] ssh2\n", 0, SHK_ERR_PARSE, "files ssh2", 1,
	 "column 31: unknown action \"stop\""},
	{"ssh_hostkeys: files [NOTFOUND=]\n", 0, SHK_ERR_PARSE, "files ssh2", 1,
	 "unknown action \"\""},
	{"ssh_hostkeys: files [SUCCESS=merge] ssh2\n", 0, SHK_ERR_PARSE, "files ssh2", 1,
	 "column 30: action \"merge\" is not supported"},
	{"ssh_hostkeys: files [SUCCESS=MeRgE]\n", 0, SHK_ERR_PARSE, "files ssh2", 1, "merge"},
	{"ssh_hostkeys: files [NOTFOUND return]\n", 0, SHK_ERR_PARSE, "files ssh2", 1,
	 "column 31: expected '=' after NOTFOUND"},
	{"ssh_hostkeys: files [RETURN=NOTFOUND]\n", 0, SHK_ERR_PARSE, "files ssh2", 1,
	 "unknown status \"RETURN\""},
	{"ssh_hostkeys: files []\n", 0, SHK_ERR_PARSE, "files ssh2", 1,
	 "column 22: expected STATUS=ACTION"},
	{"ssh_hostkeys: files [! NOTFOUND=return]\n", 0, SHK_ERR_PARSE, "files ssh2", 1,
	 "expected STATUS=ACTION"},
	{"ssh_hostkeys: files [NOTFOUND=return=continue]\n", 0, SHK_ERR_PARSE, "files ssh2",
	 1, "expected STATUS=ACTION"},
	{"ssh_hostkeys: files [RETURN]\n", 0, SHK_ERR_PARSE, "files ssh2", 1,
	 "unknown status"},
	{"ssh_hostkeys: files [SUCCESSX=return]\n", 0, SHK_ERR_PARSE, "files ssh2", 1,
	 "unknown status"},
	{"ssh_hostkeys: [NOTFOUND=return] files\n", 0, SHK_ERR_PARSE, "files ssh2", 1,
	 "column 15: action item without a source"},
	{"ssh_hostkeys: files [NOTFOUND=return] [UNAVAIL=return]\n", 0, SHK_ERR_PARSE,
	 "files ssh2", 1, "column 39: action item without a source"},
	/* Bad source names. */
	{"ssh_hostkeys: files ss/h2\n", 0, SHK_ERR_PARSE, "files ssh2", 1,
	 "column 23: bad character in source name \"ss/h2\""},
	{"ssh_hostkeys: files, ssh2\n", 0, SHK_ERR_PARSE, "files ssh2", 1, "column 20:"},
	{"ssh_hostkeys: files] ssh2\n", 0, SHK_ERR_PARSE, "files ssh2", 1, "bad character"},
	{"ssh_hostkeys: ../x\n", 0, SHK_ERR_PARSE, "files ssh2", 1, "bad character"},
	{"ssh_hostkeys: fi\xc3\xa9les\n", 0, SHK_ERR_PARSE, "files ssh2", 1, "bad character"},
	{"ssh_hostkeys: fi\0les\n", 21, SHK_ERR_PARSE, "files ssh2", 1, "column 17:"},
	{"passwd: fi\0les\nssh_hostkeys: ssh2\n", 34, SHK_OK, "ssh2", 0, NULL},
	{"ssh_hostkeys: My_Source-2 files\n", 0, SHK_OK, "My_Source-2 files", 0, NULL},
	{"ssh_hostkeys: " LONG63 "\n", 0, SHK_OK, LONG63, 0, NULL},
	{"ssh_hostkeys: files " LONG63 "x\n", 0, SHK_ERR_PARSE, "files ssh2", 1,
	 "column 21: source name"},
	/* Source counts. */
	{"ssh_hostkeys: " SRC16 "\n", 0, SHK_OK, SRC16, 0, NULL},
	{"ssh_hostkeys: " SRC16 " q\n", 0, SHK_ERR_PARSE, "files ssh2", 1,
	 "column 47: more than 16 sources"},
	{"ssh_hostkeys: files files [NOTFOUND=return]\n", 0, SHK_OK,
	 "files files [NOTFOUND=return]", 0, NULL},
	/* The reported line number. */
	{"passwd: files\n\n# x\nssh_hostkeys: files [X=return]\n", 0, SHK_ERR_PARSE,
	 "files ssh2", 4, "column 22:"},
	{"hosts: files\nssh_hostkeys: files", 0, SHK_OK, "files", 0, NULL},
};

static void
config_fill(struct shk_nss_config *cfg)
{
	/* Garbage, so that a parser that leaves a field alone is caught. */
	memset(cfg, 0xa5, sizeof(*cfg));
}

START_TEST(test_parse_file_table)
{
	struct shk_nss_config cfg;
	struct shk_error err;
	char out[2048];
	const char *text = files[_i].text;
	size_t len = files[_i].len != 0 ? files[_i].len : strlen(text);
	int r;

	config_fill(&cfg);
	memset(&err, 0, sizeof(err));
	r = shk_nss_parse_file(text, len, &cfg, &err);
	ck_assert_msg(r == files[_i].rc, "case %d: rc %d, want %d (%s)", _i, r, files[_i].rc,
		      err.msg);
	ck_assert_int_eq(shk_nss_format(&cfg, out, sizeof(out)), SHK_OK);
	ck_assert_msg(strcmp(out, files[_i].canon) == 0, "case %d: got \"%s\", want \"%s\"",
		      _i, out, files[_i].canon);
	if (files[_i].rc == SHK_ERR_PARSE) {
		ck_assert_int_eq(err.code, SHK_ERR_PARSE);
		ck_assert_uint_eq(err.line, files[_i].line);
		ck_assert_msg(strstr(err.msg, files[_i].msg) != NULL,
			      "case %d: message \"%s\" lacks \"%s\"", _i, err.msg,
			      files[_i].msg);
	}
}
END_TEST

/* Every accepted line reads back the same from its canonical text. */
START_TEST(test_canonical_roundtrip)
{
	struct shk_nss_config cfg, again;
	char out[2048], out2[2048];
	const char *text = files[_i].text;
	size_t len = files[_i].len != 0 ? files[_i].len : strlen(text);

	if (shk_nss_parse_file(text, len, &cfg, NULL) != SHK_OK)
		return;
	ck_assert_int_eq(shk_nss_format(&cfg, out, sizeof(out)), SHK_OK);
	config_fill(&again);
	ck_assert_int_eq(shk_nss_parse_services(out, strlen(out), &again, NULL), SHK_OK);
	ck_assert_uint_eq(again.nsources, cfg.nsources);
	ck_assert(memcmp(again.src, cfg.src, cfg.nsources * sizeof(cfg.src[0])) == 0);
	ck_assert_int_eq(shk_nss_format(&again, out2, sizeof(out2)), SHK_OK);
	ck_assert_str_eq(out, out2);
}
END_TEST

#define ACT(cfg, n, st) ((cfg).src[n].action[SHK_NSS_STATUS_INDEX(st)])

/* The action table itself, not only its printed form. */
START_TEST(test_action_values)
{
	struct shk_nss_config cfg;
	const char *line = "files [!UNAVAIL=return] ssh2 [SUCCESS=continue]";

	config_fill(&cfg);
	ck_assert_int_eq(shk_nss_parse_services(line, strlen(line), &cfg, NULL), SHK_OK);
	ck_assert_uint_eq(cfg.nsources, 2);
	ck_assert_str_eq(cfg.src[0].name, "files");
	ck_assert_str_eq(cfg.src[1].name, "ssh2");
	ck_assert_int_eq(ACT(cfg, 0, SHK_NSS_SUCCESS), SHK_NSS_ACT_RETURN);
	ck_assert_int_eq(ACT(cfg, 0, SHK_NSS_NOTFOUND), SHK_NSS_ACT_RETURN);
	ck_assert_int_eq(ACT(cfg, 0, SHK_NSS_UNAVAIL), SHK_NSS_ACT_CONTINUE);
	ck_assert_int_eq(ACT(cfg, 0, SHK_NSS_TRYAGAIN), SHK_NSS_ACT_RETURN);
	ck_assert_int_eq(ACT(cfg, 1, SHK_NSS_SUCCESS), SHK_NSS_ACT_CONTINUE);
	ck_assert_int_eq(ACT(cfg, 1, SHK_NSS_NOTFOUND), SHK_NSS_ACT_CONTINUE);
	ck_assert_int_eq(ACT(cfg, 1, SHK_NSS_UNAVAIL), SHK_NSS_ACT_CONTINUE);
	ck_assert_int_eq(ACT(cfg, 1, SHK_NSS_TRYAGAIN), SHK_NSS_ACT_CONTINUE);
	/* No stray bytes after the name. */
	ck_assert(cfg.src[0].name[sizeof(cfg.src[0].name) - 1] == '\0');
}
END_TEST

START_TEST(test_default)
{
	struct shk_nss_config cfg, parsed;
	char out[64];

	config_fill(&cfg);
	shk_nss_default(&cfg);
	ck_assert_uint_eq(cfg.nsources, 2);
	ck_assert_int_eq(ACT(cfg, 0, SHK_NSS_SUCCESS), SHK_NSS_ACT_RETURN);
	ck_assert_int_eq(ACT(cfg, 0, SHK_NSS_NOTFOUND), SHK_NSS_ACT_CONTINUE);
	ck_assert_int_eq(ACT(cfg, 1, SHK_NSS_UNAVAIL), SHK_NSS_ACT_CONTINUE);
	ck_assert_int_eq(ACT(cfg, 1, SHK_NSS_TRYAGAIN), SHK_NSS_ACT_CONTINUE);
	ck_assert_int_eq(shk_nss_format(&cfg, out, sizeof(out)), SHK_OK);
	ck_assert_str_eq(out, SHK_NSS_DEFAULT_LINE);
	ck_assert_int_eq(shk_nss_parse_services(SHK_NSS_DEFAULT_LINE,
						strlen(SHK_NSS_DEFAULT_LINE), &parsed, NULL),
			 SHK_OK);
	ck_assert(memcmp(&parsed, &cfg, sizeof(cfg)) == 0);
}
END_TEST

/* shk_nss_parse_services: columns count from the start of the text. */
static const struct {
	const char *text;
	int rc;
	const char *canon;
	const char *msg;
} services[] = {
	{"files [FOO=return]", SHK_ERR_PARSE, "files ssh2", "column 8: unknown status"},
	{"[NOTFOUND=return]", SHK_ERR_PARSE, "files ssh2", "column 1: action item"},
	{"", SHK_OK, "", NULL},
	{"  # only a comment", SHK_OK, "", NULL},
	{"files\n", SHK_OK, "files", NULL},
	{"ssh2 [tryagain=return] files", SHK_OK, "ssh2 [TRYAGAIN=return] files", NULL},
	{"files\tssh2\r", SHK_OK, "files ssh2", NULL},
};

START_TEST(test_parse_services_table)
{
	struct shk_nss_config cfg;
	struct shk_error err;
	char out[256];
	int r;

	config_fill(&cfg);
	memset(&err, 0, sizeof(err));
	r = shk_nss_parse_services(services[_i].text, strlen(services[_i].text), &cfg, &err);
	ck_assert_msg(r == services[_i].rc, "case %d: rc %d (%s)", _i, r, err.msg);
	ck_assert_int_eq(shk_nss_format(&cfg, out, sizeof(out)), SHK_OK);
	ck_assert_str_eq(out, services[_i].canon);
	if (services[_i].msg != NULL) {
		ck_assert_uint_eq(err.line, 0);
		ck_assert_msg(strstr(err.msg, services[_i].msg) != NULL, "message \"%s\"",
			      err.msg);
	}
}
END_TEST

/* The text is counted, not NUL-terminated: nothing past len is read. */
START_TEST(test_counted_text)
{
	struct shk_nss_config cfg;
	const char *img = "ssh_hostkeys: files [NOTFOUND=return]";
	char *copy;
	char out[64];

	/* An exact-size heap copy without a terminator, so that ASan
	 * catches any read past the end. */
	copy = malloc(strlen(img));
	ck_assert_ptr_nonnull(copy);
	memcpy(copy, img, strlen(img));
	ck_assert_int_eq(shk_nss_parse_file(copy, strlen(img), &cfg, NULL), SHK_OK);
	ck_assert_int_eq(shk_nss_format(&cfg, out, sizeof(out)), SHK_OK);
	ck_assert_str_eq(out, "files [NOTFOUND=return]");
	/* Cut inside the bracket. */
	ck_assert_int_eq(shk_nss_parse_file(copy, strlen(img) - 1, &cfg, NULL),
			 SHK_ERR_PARSE);
	/* Cut inside the source name: "fil". */
	ck_assert_int_eq(shk_nss_parse_services(copy + 14, 3, &cfg, NULL), SHK_OK);
	ck_assert_int_eq(shk_nss_format(&cfg, out, sizeof(out)), SHK_OK);
	ck_assert_str_eq(out, "fil");
	free(copy);
}
END_TEST

START_TEST(test_format_range)
{
	struct shk_nss_config cfg;
	const char *line = "files [NOTFOUND=return] ssh2";
	char out[64];
	size_t cap;

	ck_assert_int_eq(shk_nss_parse_services(line, strlen(line), &cfg, NULL), SHK_OK);
	for (cap = 0; cap <= strlen(line); cap++) {
		memset(out, 'x', sizeof(out));
		ck_assert_int_eq(shk_nss_format(&cfg, out, cap), SHK_ERR_RANGE);
		/* Never written past cap; NUL-terminated when there is room. */
		ck_assert(out[cap] == 'x');
		if (cap > 0)
			ck_assert(out[0] == '\0');
	}
	ck_assert_int_eq(shk_nss_format(&cfg, out, cap), SHK_OK);
	ck_assert_str_eq(out, line);
}
END_TEST

START_TEST(test_format_empty)
{
	struct shk_nss_config cfg;
	char out[4] = "xyz";

	memset(&cfg, 0, sizeof(cfg));
	ck_assert_int_eq(shk_nss_format(&cfg, out, sizeof(out)), SHK_OK);
	ck_assert_str_eq(out, "");
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("nsswitch");
	TCase *tc = tcase_create("nsswitch");

	tcase_add_loop_test(tc, test_parse_file_table, 0, SHK_ARRAY_SIZE(files));
	tcase_add_loop_test(tc, test_canonical_roundtrip, 0, SHK_ARRAY_SIZE(files));
	tcase_add_test(tc, test_action_values);
	tcase_add_test(tc, test_default);
	tcase_add_loop_test(tc, test_parse_services_table, 0, SHK_ARRAY_SIZE(services));
	tcase_add_test(tc, test_counted_text);
	tcase_add_test(tc, test_format_range);
	tcase_add_test(tc, test_format_empty);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
