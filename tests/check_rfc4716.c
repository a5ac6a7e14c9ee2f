/* SPDX-License-Identifier: MIT */
/* RFC 4716 blocks (rfc4716.c) and key files mixing them with one-liners
 * (keyfile.c). */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "key.h"
#include "keyfile.h"
#include "log.h"
#include "rfc4716.h"
#include "shk.h"
#include "testutil.h"

#define KEYDIR TESTDATADIR "/keys/"

static struct shk_key *
load_pub(const char *base)
{
	char name[128], *buf;
	struct shk_key *k = NULL;
	struct shk_error err;

	snprintf(name, sizeof(name), "%s.pub", base);
	buf = tu_slurp(KEYDIR, name, NULL);
	ck_assert_int_eq(shk_key_from_line(buf, strlen(buf), &k, &err), SHK_OK);
	free(buf);
	return k;
}

/* The base64 of ed25519.pub, for building blocks by hand. */
static char *
ed25519_b64(void)
{
	char *buf = tu_slurp(KEYDIR, "ed25519.pub", NULL), *b, *out;

	b = strchr(buf, ' ') + 1;
	b[strcspn(b, " \n")] = '\0';
	out = strdup(b);
	ck_assert_ptr_nonnull(out);
	free(buf);
	return out;
}

/* tmpl with its "%s" (if any) replaced by key. */
static void
subst(char *out, size_t cap, const char *tmpl, const char *key)
{
	const char *at = strstr(tmpl, "%s");

	if (at == NULL) {
		ck_assert_uint_lt(strlen(tmpl), cap);
		strcpy(out, tmpl);
		return;
	}
	ck_assert_uint_lt(strlen(tmpl) + strlen(key), cap);
	memcpy(out, tmpl, (size_t)(at - tmpl));
	strcpy(out + (at - tmpl), key);
	strcat(out, at + 2);
}

static const char *rfc_files[] = {"rsa", "dsa", "ecdsa256", "ecdsa384", "ecdsa521", "ed25519"};

START_TEST(test_ssh_keygen_exports)
{
	char name[128], *buf;
	struct shk_key *k = NULL, *want = load_pub(rfc_files[_i]);
	struct shk_error err;
	size_t len, consumed = 0;
	unsigned long lines = 0;

	snprintf(name, sizeof(name), "%s.rfc", rfc_files[_i]);
	buf = tu_slurp(KEYDIR, name, &len);
	ck_assert_int_eq(shk_rfc4716_parse_block(buf, len, &k, &consumed, &lines, &err), SHK_OK);
	ck_assert_str_eq(k->type, want->type);
	ck_assert(shk_key_equal_blob(k->type, k->blob, k->bloblen, want->type, want->blob,
				     want->bloblen));
	/* ssh-keygen -e writes Comment: "<bits>-bit <TYPE>, converted by ..." */
	ck_assert_ptr_nonnull(k->comment);
	ck_assert_ptr_nonnull(strstr(k->comment, "-bit "));
	ck_assert(k->comment[0] != '"');
	ck_assert(k->comment[strlen(k->comment) - 1] != '"');
	ck_assert_uint_eq(consumed, len);
	ck_assert_uint_gt(lines, 3);
	shk_key_free(k);
	shk_key_free(want);
	free(buf);
}
END_TEST

/* The same block with each line terminator RFC 4716 allows. */
static const char *eols[] = {"\n", "\r\n", "\r"};

START_TEST(test_line_endings)
{
	char *b64 = ed25519_b64(), text[1024];
	struct shk_key *k = NULL;
	struct shk_error err;
	size_t consumed;
	unsigned long lines;
	const char *nl = eols[_i];

	snprintf(text, sizeof(text),
		 "%s---- BEGIN SSH2 PUBLIC KEY ----%sComment: \"eol\"%s%.30s%s%s%s"
		 "---- END SSH2 PUBLIC KEY ----%snext",
		 nl, nl, nl, b64, nl, b64 + 30, nl, nl);
	ck_assert_int_eq(shk_rfc4716_parse_block(text, strlen(text), &k, &consumed, &lines,
						 &err),
			 SHK_OK);
	ck_assert_str_eq(k->comment, "eol");
	ck_assert_str_eq(text + consumed, "next");
	ck_assert_uint_eq(lines, 6);
	shk_key_free(k);
	free(b64);
}
END_TEST

/* Header variants: the block text with %s for the key, and the comment. */
static const struct {
	const char *text;
	const char *comment; /* NULL: none */
} headers[] = {
	{"---- BEGIN SSH2 PUBLIC KEY ----\ncomment: \"lower case tag\"\n%s\n"
	 "---- END SSH2 PUBLIC KEY ----\n",
	 "lower case tag"},
	{"---- BEGIN SSH2 PUBLIC KEY ----\nCOMMENT:   not quoted  \n%s\n"
	 "---- END SSH2 PUBLIC KEY ----\n",
	 "not quoted"},
	{"---- BEGIN SSH2 PUBLIC KEY ----\nComment: \"one \\\ntwo \\\nthree\"\n%s\n"
	 "---- END SSH2 PUBLIC KEY ----\n",
	 "one two three"},
	/* RFC 4716 3.6's own example, and ": " inside a continuation line,
	 * which makes ssh-keygen -i drop a line. */
	{"---- BEGIN SSH2 PUBLIC KEY ----\nComment: This is my public key for use on \\\n"
	 "servers which I don't like.\n%s\n---- END SSH2 PUBLIC KEY ----\n",
	 "This is my public key for use on servers which I don't like."},
	{"---- BEGIN SSH2 PUBLIC KEY ----\nx-note: a \\\nb: c\nComment: after\n%s\n"
	 "---- END SSH2 PUBLIC KEY ----\n",
	 "after"},
	{"---- BEGIN SSH2 PUBLIC KEY ----\nSubject: root\nx-private-tag: ignored\n%s\n"
	 "---- END SSH2 PUBLIC KEY ----\n",
	 NULL},
	{"\n  \n---- BEGIN SSH2 PUBLIC KEY ----  \nComment: \"\"\n%s\n"
	 "\t---- END SSH2 PUBLIC KEY ----\t\n",
	 NULL},
	{"---- BEGIN SSH2 PUBLIC KEY ----\nComment: \"only opening\n%s\n"
	 "---- END SSH2 PUBLIC KEY ----",
	 "\"only opening"},
	/* A body line longer than 72 bytes is tolerated. */
	{"---- BEGIN SSH2 PUBLIC KEY ----\nComment: \"long line "
	 "................................................................\"\n"
	 "%s\n---- END SSH2 PUBLIC KEY ----\n",
	 "long line ................................................................"},
};

START_TEST(test_headers)
{
	char *b64 = ed25519_b64(), text[2048];
	struct shk_key *k = NULL;
	struct shk_error err;
	size_t consumed;
	unsigned long lines;

	subst(text, sizeof(text), headers[_i].text, b64);
	memset(&err, 0, sizeof(err));
	ck_assert_msg(shk_rfc4716_parse_block(text, strlen(text), &k, &consumed, &lines,
					      &err) == SHK_OK,
		      "%lu: %s", err.line, err.msg);
	ck_assert_uint_eq(consumed, strlen(text));
	if (headers[_i].comment == NULL)
		ck_assert_ptr_null(k->comment);
	else
		ck_assert_str_eq(k->comment, headers[_i].comment);
	ck_assert_str_eq(k->type, "ssh-ed25519");
	shk_key_free(k);
	free(b64);
}
END_TEST

/* Broken blocks: text (%s = key), error line, message, and where parsing
 * resumes ("" = end of text; otherwise the text there starts with it). */
static const struct {
	const char *text;
	unsigned long line;
	const char *why;
	const char *resume;
} broken[] = {
	{"garbage\n---- BEGIN SSH2 PUBLIC KEY ----\n", 1, "expected", "---- BEGIN"},
	{"", 0, "no BEGIN", ""},
	{"\n\n", 2, "no BEGIN", ""},
	{"---- BEGIN SSH2 PUBLIC KEY ----\n%s\n", 1, "no \"---- END", ""},
	{"---- BEGIN SSH2 PUBLIC KEY ----\nComment: x\n---- BEGIN SSH2 PUBLIC KEY ----\n%s\n"
	 "---- END SSH2 PUBLIC KEY ----\n",
	 3, "BEGIN inside a block", "---- BEGIN"},
	{"---- BEGIN SSH2 PUBLIC KEY ----\n%s\nComment: late\n---- END SSH2 PUBLIC KEY ----\n"
	 "tail",
	 3, "header line after", "tail"},
	{"---- BEGIN SSH2 PUBLIC KEY ----\nComment: x\nAAAA!AAA\n"
	 "---- END SSH2 PUBLIC KEY ----\n",
	 3, "not valid base64", ""},
	{"---- BEGIN SSH2 PUBLIC KEY ----\nComment: x\n---- END SSH2 PUBLIC KEY ----\n", 1,
	 "no key", ""},
	{"---- BEGIN SSH2 PUBLIC KEY ----\nBad Tag: x\n%s\n---- END SSH2 PUBLIC KEY ----\n", 2,
	 "bad header tag", ""},
	{"---- BEGIN SSH2 PUBLIC KEY ----\n%s\n---- FOO ----\n---- END SSH2 PUBLIC KEY ----\n",
	 3, "unexpected marker", ""},
	/* A 26-byte blob whose type string claims 11 bytes but the key is cut. */
	{"---- BEGIN SSH2 PUBLIC KEY ----\nx: y\nAAAAC3NzaC1lZDI1NTE5AAAAIAAA\n"
	 "---- END SSH2 PUBLIC KEY ----\n",
	 3, "truncated ed25519 key", ""},
	{"---- BEGIN SSH2 PUBLIC KEY ----\nAAAAAA==\n---- END SSH2 PUBLIC KEY ----\n", 2,
	 "no key type", ""},
};

START_TEST(test_broken)
{
	char *b64 = ed25519_b64(), text[2048];
	struct shk_key *k = (struct shk_key *)text;
	struct shk_error err;
	size_t consumed = 12345;
	unsigned long lines = 12345;
	size_t len;

	subst(text, sizeof(text), broken[_i].text, b64);
	len = strlen(text);
	memset(&err, 0, sizeof(err));
	ck_assert_int_eq(shk_rfc4716_parse_block(text, len, &k, &consumed, &lines, &err),
			 SHK_ERR_PARSE);
	ck_assert_ptr_null(k);
	ck_assert_msg(strstr(err.msg, broken[_i].why) != NULL, "got \"%s\"", err.msg);
	ck_assert_uint_eq(err.line, broken[_i].line);
	ck_assert_uint_le(consumed, len);
	if (broken[_i].resume[0] == '\0')
		ck_assert_uint_eq(consumed, len);
	else
		ck_assert(strncmp(text + consumed, broken[_i].resume,
				  strlen(broken[_i].resume)) == 0);
	free(b64);
}
END_TEST

START_TEST(test_value_too_long)
{
	char *b64 = ed25519_b64(), text[4096], longv[1100];
	struct shk_key *k = NULL;
	struct shk_error err;
	size_t consumed;
	unsigned long lines;

	memset(longv, 'v', 1025);
	longv[1025] = '\0';
	snprintf(text, sizeof(text),
		 "---- BEGIN SSH2 PUBLIC KEY ----\nComment: %.600s\\\n%s\n%s\n"
		 "---- END SSH2 PUBLIC KEY ----\n",
		 longv, longv + 600, b64);
	ck_assert_int_eq(shk_rfc4716_parse_block(text, strlen(text), &k, &consumed, &lines,
						 &err),
			 SHK_ERR_PARSE);
	ck_assert_ptr_nonnull(strstr(err.msg, "longer than 1024"));
	ck_assert_uint_eq(err.line, 3);
	free(b64);
}
END_TEST

static const char *fmt_files[] = {"rsa", "dsa", "ecdsa521", "ed25519", "sk-ecdsa",
				  "ed25519-cert"};

START_TEST(test_format_roundtrip)
{
	struct shk_key *k = load_pub(fmt_files[_i]), *back = NULL;
	struct shk_error err;
	char *text = NULL, *line, *save = NULL, *copy;
	size_t len = 0, consumed;
	unsigned long lines;
	int nbody = 0, last = 0;

	ck_assert_int_eq(shk_rfc4716_format(k, &text, &len), SHK_OK);
	ck_assert_uint_eq(len, strlen(text));
	ck_assert_int_eq(shk_rfc4716_parse_block(text, len, &back, &consumed, &lines, &err),
			 SHK_OK);
	ck_assert_uint_eq(consumed, len);
	ck_assert(shk_key_equal_blob(k->type, k->blob, k->bloblen, back->type, back->blob,
				     back->bloblen));
	ck_assert_str_eq(back->comment, k->comment);
	/* Body lines are 70 wide but the last; no line over 72; no "\". */
	copy = strdup(text);
	for (line = strtok_r(copy, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save)) {
		ck_assert_uint_le(strlen(line), 72);
		ck_assert(line[strlen(line) - 1] != '\\');
		if (strncmp(line, "----", 4) == 0 || strchr(line, ':') != NULL)
			continue;
		ck_assert_int_eq(last, 0);
		if (strlen(line) != 70)
			last = 1;
		nbody++;
	}
	ck_assert_int_gt(nbody, 0);
	ck_assert(strncmp(text, SHK_RFC4716_BEGIN "\nComment: \"", 42) == 0);
	free(copy);
	free(text);
	shk_key_free(k);
	shk_key_free(back);
}
END_TEST

/* Our body is byte for byte what ssh-keygen -e writes. */
START_TEST(test_format_matches_ssh_keygen)
{
	struct shk_key *k = load_pub("rsa");
	char *text = NULL, *want = tu_slurp(KEYDIR, "rsa.rfc", NULL), *wb, *tb;

	ck_assert_int_eq(shk_rfc4716_format(k, &text, NULL), SHK_OK);
	wb = strchr(strstr(want, "Comment:"), '\n') + 1;
	tb = strchr(strstr(text, "Comment:"), '\n') + 1;
	ck_assert_str_eq(tb, wb);
	free(text);
	free(want);
	shk_key_free(k);
}
END_TEST

START_TEST(test_format_comments)
{
	struct shk_key *k = load_pub("ed25519"), *back = NULL;
	struct shk_error err;
	char *text = NULL, longc[200];
	size_t consumed;
	unsigned long lines;

	/* No comment: no header. */
	SHK_FREE(k->comment);
	ck_assert_int_eq(shk_rfc4716_format(k, &text, NULL), SHK_OK);
	ck_assert_ptr_null(strstr(text, "Comment"));
	SHK_FREE(text);

	/* Too long: cut to fit 72 bytes, never mid-character, never on "\". */
	memset(longc, 'a', sizeof(longc));
	memcpy(longc + 59, "\xc3\xa9", 2); /* bytes 59-60: é, cut at 61 stays whole */
	longc[61] = 'b';
	longc[150] = '\0';
	k->comment = strdup(longc);
	ck_assert_int_eq(shk_rfc4716_format(k, &text, NULL), SHK_OK);
	ck_assert_int_eq(shk_rfc4716_parse_block(text, strlen(text), &back, &consumed, &lines,
						 &err),
			 SHK_OK);
	ck_assert_uint_eq(strlen(back->comment), 61);
	ck_assert(memcmp(back->comment, longc, 61) == 0);
	shk_key_free(back);
	SHK_FREE(text);

	/* é at bytes 60-61 straddles the cut: it goes whole. */
	memset(longc, 'a', sizeof(longc));
	memcpy(longc + 60, "\xc3\xa9", 2);
	longc[150] = '\0';
	free(k->comment);
	k->comment = strdup(longc);
	ck_assert_int_eq(shk_rfc4716_format(k, &text, NULL), SHK_OK);
	ck_assert_int_eq(shk_rfc4716_parse_block(text, strlen(text), &back, &consumed, &lines,
						 &err),
			 SHK_OK);
	ck_assert_uint_eq(strlen(back->comment), 60);
	shk_key_free(back);
	SHK_FREE(text);

	free(k->comment);
	k->comment = strdup("ends in backslash\\\\");
	ck_assert_int_eq(shk_rfc4716_format(k, &text, NULL), SHK_OK);
	ck_assert_ptr_nonnull(strstr(text, "Comment: \"ends in backslash\"\n"));
	SHK_FREE(text);
	shk_key_free(k);
}
END_TEST

/* ---- keyfile ---------------------------------------------------------- */

struct seen {
	char types[8][64];
	unsigned long lines[8];
	size_t n;
	int stop_at; /* stop (return 7) at this key, 1-based; 0: never */
	char logs[8][256];
	unsigned long loglines[8];
	int loglevels[8];
	size_t nlogs;
};

static int
collect(void *arg, struct shk_key *key, unsigned long line)
{
	struct seen *s = arg;

	ck_assert_uint_lt(s->n, 8);
	snprintf(s->types[s->n], sizeof(s->types[0]), "%s", key->type);
	s->lines[s->n++] = line;
	shk_key_free(key);
	return s->stop_at != 0 && (size_t)s->stop_at == s->n ? 7 : 0;
}

static void
logsink(void *arg, const struct shk_diag *d)
{
	struct seen *s = arg;

	ck_assert_uint_lt(s->nlogs, 8);
	ck_assert_str_eq(d->file, "mixed.keys");
	snprintf(s->logs[s->nlogs], sizeof(s->logs[0]), "%s", d->msg);
	s->loglevels[s->nlogs] = d->level;
	s->loglines[s->nlogs++] = d->line;
}

static void
check_mixed(const char *buf, size_t len)
{
	static const struct {
		const char *type;
		unsigned long line;
	} keys[] = {
		{"ssh-ed25519", 3},
		{"ssh-rsa", 4},
		{"ecdsa-sha2-nistp256", 19},
		{"sk-ssh-ed25519@openssh.com", 26},
	};
	static const struct {
		unsigned long line;
		const char *why;
	} logs[] = {
		{15, "truncated key type"},
		{19, "no END line"},
		{24, "truncated ed25519 key"},
		{25, "marker line outside"},
	};
	struct seen s;
	struct shk_log lg = {logsink, &s};
	size_t nfound = 99, i;

	memset(&s, 0, sizeof(s));
	ck_assert_int_eq(shk_keyfile_parse(buf, len, "mixed.keys", &lg, collect, &s, &nfound),
			 SHK_OK);
	ck_assert_uint_eq(nfound, SHK_ARRAY_SIZE(keys));
	ck_assert_uint_eq(s.n, SHK_ARRAY_SIZE(keys));
	for (i = 0; i < s.n; i++) {
		ck_assert_str_eq(s.types[i], keys[i].type);
		ck_assert_uint_eq(s.lines[i], keys[i].line);
	}
	ck_assert_uint_eq(s.nlogs, SHK_ARRAY_SIZE(logs));
	for (i = 0; i < s.nlogs; i++) {
		ck_assert_uint_eq(s.loglines[i], logs[i].line);
		ck_assert_int_eq(s.loglevels[i], SHK_LOG_WARN);
		ck_assert_msg(strstr(s.logs[i], logs[i].why) != NULL, "line %lu: \"%s\"",
			      s.loglines[i], s.logs[i]);
	}
}

START_TEST(test_keyfile_mixed)
{
	size_t len;
	char *buf = tu_slurp(KEYDIR, "mixed.keys", &len);

	check_mixed(buf, len);
	free(buf);
}
END_TEST

/* The same file with CR and with CRLF line ends: same keys, same lines. */
START_TEST(test_keyfile_mixed_eols)
{
	size_t len, i, o = 0;
	char *buf = tu_slurp(KEYDIR, "mixed.keys", &len), *conv = malloc(2 * len + 1);

	for (i = 0; i < len; i++) {
		if (buf[i] == '\n') {
			conv[o++] = '\r';
			if (_i == 1)
				conv[o++] = '\n';
		} else {
			conv[o++] = buf[i];
		}
	}
	check_mixed(conv, o);
	free(conv);
	free(buf);
}
END_TEST

START_TEST(test_keyfile_stop)
{
	size_t len, nfound = 0;
	char *buf = tu_slurp(KEYDIR, "mixed.keys", &len);
	struct seen s;

	memset(&s, 0, sizeof(s));
	s.stop_at = 2;
	ck_assert_int_eq(shk_keyfile_parse(buf, len, "mixed.keys", NULL, collect, &s, &nfound),
			 7);
	ck_assert_uint_eq(s.n, 2);
	ck_assert_uint_eq(nfound, 2);
	free(buf);
}
END_TEST

START_TEST(test_keyfile_empty)
{
	struct seen s;
	size_t nfound = 9;

	memset(&s, 0, sizeof(s));
	ck_assert_int_eq(shk_keyfile_parse(NULL, 0, "mixed.keys", NULL, collect, &s, &nfound),
			 SHK_OK);
	ck_assert_uint_eq(nfound, 0);
	ck_assert_int_eq(shk_keyfile_parse("# only\n\n  \t\n", 12, "mixed.keys", NULL, collect,
					   &s, &nfound),
			 SHK_OK);
	ck_assert_uint_eq(nfound, 0);
	ck_assert_uint_eq(s.n, 0);
}
END_TEST

/* A block with an over-long line is kept; the fact is logged at info. */
START_TEST(test_keyfile_long_line)
{
	char *b64 = ed25519_b64(), text[1024];
	struct seen s;
	struct shk_log lg = {logsink, &s};
	size_t nfound;

	snprintf(text, sizeof(text),
		 "# x\n---- BEGIN SSH2 PUBLIC KEY ----\n%s      \n---- END SSH2 PUBLIC KEY ----\n",
		 b64);
	memset(&s, 0, sizeof(s));
	ck_assert_int_eq(shk_keyfile_parse(text, strlen(text), "mixed.keys", &lg, collect, &s,
					   &nfound),
			 SHK_OK);
	ck_assert_uint_eq(nfound, 1);
	ck_assert_uint_eq(s.lines[0], 2);
	ck_assert_uint_eq(s.nlogs, 1);
	ck_assert_int_eq(s.loglevels[0], SHK_LOG_INFO);
	ck_assert_uint_eq(s.loglines[0], 3);
	free(b64);
}
END_TEST

/* Every prefix of the mixed file: no crash, no leak (run under ASan). */
START_TEST(test_keyfile_prefixes)
{
	size_t len, cut, nfound;
	char *buf = tu_slurp(KEYDIR, "mixed.keys", &len), *copy;
	struct seen s;

	for (cut = 0; cut <= len; cut++) {
		/* An exact-size copy, so reading past the end is caught. */
		copy = malloc(cut + 1);
		memcpy(copy, buf, cut);
		memset(&s, 0, sizeof(s));
		ck_assert_int_eq(shk_keyfile_parse(copy, cut, "mixed.keys", NULL, collect, &s,
						   &nfound),
				 SHK_OK);
		ck_assert_uint_le(nfound, 4);
		free(copy);
	}
	free(buf);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("rfc4716");
	TCase *tc = tcase_create("rfc4716");
	TCase *tk = tcase_create("keyfile");

	tcase_add_loop_test(tc, test_ssh_keygen_exports, 0, SHK_ARRAY_SIZE(rfc_files));
	tcase_add_loop_test(tc, test_line_endings, 0, SHK_ARRAY_SIZE(eols));
	tcase_add_loop_test(tc, test_headers, 0, SHK_ARRAY_SIZE(headers));
	tcase_add_loop_test(tc, test_broken, 0, SHK_ARRAY_SIZE(broken));
	tcase_add_test(tc, test_value_too_long);
	tcase_add_loop_test(tc, test_format_roundtrip, 0, SHK_ARRAY_SIZE(fmt_files));
	tcase_add_test(tc, test_format_matches_ssh_keygen);
	tcase_add_test(tc, test_format_comments);
	suite_add_tcase(s, tc);
	tcase_add_test(tk, test_keyfile_mixed);
	tcase_add_loop_test(tk, test_keyfile_mixed_eols, 0, 2);
	tcase_add_test(tk, test_keyfile_stop);
	tcase_add_test(tk, test_keyfile_empty);
	tcase_add_test(tk, test_keyfile_long_line);
	tcase_add_test(tk, test_keyfile_prefixes);
	suite_add_tcase(s, tk);
	return tu_run(s);
}
