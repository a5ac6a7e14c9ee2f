/* SPDX-License-Identifier: MIT */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fmap.h"
#include "knownhosts.h"
#include "shk.h"
#include "testutil.h"

#define ED "AAAAC3NzaC1lZDI1NTE5AAAAIDn41J2aktjYTttkHZuG3YazhTYUzpP3bFRkLbQXuMYe"

#define C SHK_KH_COMMENT
#define E SHK_KH_ENTRY
#define I SHK_KH_INVALID
#define NONE SHK_MARKER_NONE
#define CA SHK_MARKER_CERT_AUTHORITY
#define REV SHK_MARKER_REVOKED

/*
 * One line each: what the parser must make of it. For entries, the host
 * field, key type, key and comment; for invalid lines, a word of why and
 * the host field when one was found.
 */
static const struct {
	const char *line;
	int status, marker;
	const char *hosts, *type, *b64, *comment; /* for INVALID: comment = why */
} lines[] = {
	{"", C, NONE, NULL, NULL, NULL, NULL},
	{"   \t ", C, NONE, NULL, NULL, NULL, NULL},
	{"# comment", C, NONE, NULL, NULL, NULL, NULL},
	{"  \t# indented comment", C, NONE, NULL, NULL, NULL, NULL},
	{"alpha ssh-ed25519 " ED, E, NONE, "alpha", "ssh-ed25519", ED, ""},
	{"alpha ssh-ed25519 " ED " my comment", E, NONE, "alpha", "ssh-ed25519", ED,
	 "my comment"},
	{"alpha ssh-ed25519 " ED " my comment \t ", E, NONE, "alpha", "ssh-ed25519", ED,
	 "my comment"},
	{" \talpha\t \tssh-ed25519  \t" ED "\t\tc", E, NONE, "alpha", "ssh-ed25519", ED, "c"},
	{"alpha,beta,10.1.54.1 ssh-ed25519 " ED, E, NONE, "alpha,beta,10.1.54.1",
	 "ssh-ed25519", ED, ""},
	{"[alpha]:2222 ssh-ed25519 " ED, E, NONE, "[alpha]:2222", "ssh-ed25519", ED, ""},
	{"*.example.com,!bad.example.com ssh-rsa AAAA", E, NONE,
	 "*.example.com,!bad.example.com", "ssh-rsa", "AAAA", ""},
	{"@cert-authority *.example.com ssh-ed25519 " ED " CA", E, CA, "*.example.com",
	 "ssh-ed25519", ED, "CA"},
	{"@revoked alpha ssh-ed25519 " ED, E, REV, "alpha", "ssh-ed25519", ED, ""},
	{"  @revoked   alpha ssh-ed25519 " ED, E, REV, "alpha", "ssh-ed25519", ED, ""},
	/* A tab ends the marker only on lines without spaces (OpenSSH). */
	{"@revoked\talpha\tssh-ed25519\t" ED, E, REV, "alpha", "ssh-ed25519", ED, ""},
	{"@revoked\talpha ssh-ed25519 " ED, I, NONE, NULL, NULL, NULL, "marker"},
	/* '#' inside a host field is literal, and after the key it is comment. */
	{"alpha#22 ssh-ed25519 " ED " # not a comment start", E, NONE, "alpha#22",
	 "ssh-ed25519", ED, "# not a comment start"},
	/* Unknown but plausible key types are kept. */
	{"alpha ssh-mldsa44-ed25519@openssh.com AAAA", E, NONE, "alpha",
	 "ssh-mldsa44-ed25519@openssh.com", "AAAA", ""},
	{"|1|IfracxVcFjy3mjC8M8Rm+eO6HUg=|ughKjnfLgYrWJfbiuH7nHgkV/Zo= ssh-ed25519 " ED, E, NONE,
	 "|1|IfracxVcFjy3mjC8M8Rm+eO6HUg=|ughKjnfLgYrWJfbiuH7nHgkV/Zo=", "ssh-ed25519", ED,
	 ""},
	/* Bad lines of every kind. */
	{"@unknown alpha ssh-ed25519 " ED, I, NONE, NULL, NULL, NULL, "unknown marker"},
	{"@ alpha ssh-ed25519 " ED, I, NONE, NULL, NULL, NULL, "unknown marker"},
	{"@revoked-and-then-a-very-long-marker-word alpha ssh-ed25519 " ED, I, NONE, NULL, NULL,
	 NULL, "unknown marker"},
	{"@revoked @cert-authority alpha ssh-ed25519 " ED, I, NONE, NULL, NULL, NULL,
	 "more than one marker"},
	{"@revoked @revoked alpha ssh-ed25519 " ED, I, NONE, NULL, NULL, NULL,
	 "more than one marker"},
	{"@revoked", I, NONE, NULL, NULL, NULL, "marker without host"},
	{"@revoked ", I, REV, NULL, NULL, NULL, "missing host field"},
	{"alpha", I, NONE, "alpha", NULL, NULL, "truncated"},
	{"alpha  \t", I, NONE, "alpha", NULL, NULL, "truncated before key type"},
	{"alpha #ssh-ed25519 " ED, I, NONE, "alpha", NULL, NULL, "truncated before key type"},
	{"alpha ssh-ed25519", I, NONE, "alpha", NULL, NULL, "missing key"},
	{"alpha ssh-ed25519  ", I, NONE, "alpha", NULL, NULL, "missing key"},
	{"alpha 1024 35 12345678901234567890", I, NONE, "alpha", NULL, NULL, "RSA1"},
	{"alpha 2048 65537 1234", I, NONE, "alpha", NULL, NULL, "RSA1"},
	{"alpha ssh-\001ed25519 " ED, I, NONE, "alpha", NULL, NULL, "bad key type"},
	{"alpha ssh-ed25519\v" ED, I, NONE, "alpha", NULL, NULL, "bad key type"},
};

START_TEST(test_lines)
{
	struct shk_kh_line l;
	const char *text = lines[_i].line;
	size_t len = strlen(text);

	shk_kh_parse_line(text, len, 7, &l);
	ck_assert_uint_eq(l.lineno, 7);
	ck_assert_ptr_eq(l.raw, text);
	ck_assert_uint_eq(l.rawlen, len);
	ck_assert_msg(l.status == lines[_i].status, "\"%s\": status %d, why %s", text, l.status,
		      l.why != NULL ? l.why : "-");
	ck_assert_int_eq(l.marker, lines[_i].marker);
	if (lines[_i].hosts != NULL) {
		ck_assert_ptr_nonnull(l.hosts);
		ck_assert_uint_eq(l.hostslen, strlen(lines[_i].hosts));
		ck_assert(memcmp(l.hosts, lines[_i].hosts, l.hostslen) == 0);
	} else {
		ck_assert_ptr_null(l.hosts);
	}
	if (l.status == SHK_KH_INVALID) {
		ck_assert_ptr_nonnull(l.why);
		ck_assert_msg(strstr(l.why, lines[_i].comment) != NULL, "\"%s\": why \"%s\"", text,
			      l.why);
		return;
	}
	ck_assert_ptr_null(l.why);
	if (l.status == SHK_KH_COMMENT)
		return;
	ck_assert_uint_eq(l.keytypelen, strlen(lines[_i].type));
	ck_assert(memcmp(l.keytype, lines[_i].type, l.keytypelen) == 0);
	ck_assert_uint_eq(l.b64len, strlen(lines[_i].b64));
	ck_assert(memcmp(l.b64, lines[_i].b64, l.b64len) == 0);
	ck_assert_uint_eq(l.commentlen, strlen(lines[_i].comment));
	ck_assert(memcmp(l.comment, lines[_i].comment, l.commentlen) == 0);
}
END_TEST

START_TEST(test_nul_in_line)
{
	static const char text[] = "alpha ssh-ed25519 AAAA\0garbage";
	struct shk_kh_line l;

	shk_kh_parse_line(text, sizeof(text) - 1, 1, &l);
	ck_assert_int_eq(l.status, SHK_KH_INVALID);
	ck_assert(strstr(l.why, "NUL") != NULL);
	ck_assert_ptr_null(l.hosts);
}
END_TEST

/* ---- foreach ------------------------------------------------------------ */

struct seen {
	int n;
	unsigned long lineno[16];
	int status[16];
	char raw[16][64];
	int stop_at;
};

static int
collect(const struct shk_kh_line *l, void *arg)
{
	struct seen *s = arg;

	ck_assert_int_lt(s->n, 16);
	s->lineno[s->n] = l->lineno;
	s->status[s->n] = l->status;
	snprintf(s->raw[s->n], sizeof(s->raw[s->n]), "%.*s", (int)l->rawlen, l->raw);
	s->n++;
	return s->n == s->stop_at ? 42 : 0;
}

START_TEST(test_foreach)
{
	static const char buf[] = "# c\r\n"
				  "a ssh-ed25519 AAAA\r\n"
				  "\n"
				  "b ssh-ed25519 AA\0A\n"
				  "c ssh-ed25519 AAAA\r\r\n"
				  "d ssh-ed25519 AAAA";
	struct seen s;

	memset(&s, 0, sizeof(s));
	ck_assert_int_eq(shk_kh_foreach(buf, sizeof(buf) - 1, collect, &s), 0);
	ck_assert_int_eq(s.n, 6);
	ck_assert_uint_eq(s.lineno[5], 6);
	ck_assert_str_eq(s.raw[0], "# c");
	ck_assert_int_eq(s.status[0], SHK_KH_COMMENT);
	ck_assert_str_eq(s.raw[1], "a ssh-ed25519 AAAA");
	ck_assert_int_eq(s.status[1], SHK_KH_ENTRY);
	ck_assert_int_eq(s.status[2], SHK_KH_COMMENT);
	ck_assert_int_eq(s.status[3], SHK_KH_INVALID);
	/* Only one CR is cut: the other stays in the key. */
	ck_assert_str_eq(s.raw[4], "c ssh-ed25519 AAAA\r");
	ck_assert_int_eq(s.status[5], SHK_KH_ENTRY);
	ck_assert_str_eq(s.raw[5], "d ssh-ed25519 AAAA");

	memset(&s, 0, sizeof(s));
	s.stop_at = 2;
	ck_assert_int_eq(shk_kh_foreach(buf, sizeof(buf) - 1, collect, &s), 42);
	ck_assert_int_eq(s.n, 2);

	memset(&s, 0, sizeof(s));
	ck_assert_int_eq(shk_kh_foreach(NULL, 0, collect, &s), 0);
	ck_assert_int_eq(shk_kh_foreach("\n", 1, collect, &s), 0);
	ck_assert_int_eq(s.n, 1);
}
END_TEST

/* No line length limit: a 1 MiB comment is still one entry. */
START_TEST(test_long_line)
{
	size_t n = 1 << 20, hl = strlen("alpha ssh-ed25519 " ED " ");
	char *buf = malloc(hl + n + 1);
	struct seen s;

	ck_assert_ptr_nonnull(buf);
	memcpy(buf, "alpha ssh-ed25519 " ED " ", hl);
	memset(buf + hl, 'x', n);
	buf[hl + n] = '\n';
	memset(&s, 0, sizeof(s));
	ck_assert_int_eq(shk_kh_foreach(buf, hl + n + 1, collect, &s), 0);
	ck_assert_int_eq(s.n, 1);
	ck_assert_int_eq(s.status[0], SHK_KH_ENTRY);
	free(buf);
}
END_TEST

/* ---- host matching -------------------------------------------------------- */

static const struct {
	const char *hosts, *name;
	int want;
} matches[] = {
	{"alpha", "alpha", 1},
	{"alpha", "beta", 0},
	{"ALPHA", "alpha", 1},
	{"alpha,!alpha", "alpha", -1},
	{"*.example.com", "alpha.example.com", 1},
	{"*", "[alpha]:2222", 1},
	/* Computed with Python hmac: HMAC-SHA1(key = 20 zero bytes, "alpha"). */
	{"|1|AAAAAAAAAAAAAAAAAAAAAAAAAAA=|xuZuZa+GrikyjOeXygyEFcg+ck8=", "alpha", 1},
	{"|1|AAAAAAAAAAAAAAAAAAAAAAAAAAA=|xuZuZa+GrikyjOeXygyEFcg+ck8=", "Alpha", 0},
	{"|1|AAAAAAAAAAAAAAAAAAAAAAAAAAA=|xuZuZa+GrikyjOeXygyEFcg+ck8=", "alpha.", 0},
	/* The hash must be OpenSSH's exact encoding to match. */
	{"|1|AAAAAAAAAAAAAAAAAAAAAAAAAAA=|xuZuZa+GrikyjOeXygyEFcg+ck8", "alpha", 0},
	{"|1|AAAAAAAAAAAAAAAAAAAAAAAAAAA=|xuZuZa+GrikyjOeXygyEFcg+ck8=,alpha", "alpha", 0},
	{"|1|AAAAAAAAAAAAAAAAAAAAAAAAAAA=|", "alpha", 0},
	{"|1|AAAAAAAAAAAAAAAAAAAAAAAAAAA=|!!!!", "alpha", 0},
	/* Salts OpenSSH cannot read make the line invalid. */
	{"|", "alpha", SHK_ERR_PARSE},
	{"|1", "alpha", SHK_ERR_PARSE},
	{"|2|AAAAAAAAAAAAAAAAAAAAAAAAAAA=|xuZuZa+GrikyjOeXygyEFcg+ck8=", "alpha", SHK_ERR_PARSE},
	{"|1|AAAAAAAAAAAAAAAAAAAAAAAAAAA=", "alpha", SHK_ERR_PARSE},
	{"|1||xuZuZa+GrikyjOeXygyEFcg+ck8=", "alpha", SHK_ERR_PARSE},
	{"|1|AAAAAAAAAAAAAAAAAAAAAAAAAA==|xuZuZa+GrikyjOeXygyEFcg+ck8=", "alpha", SHK_ERR_PARSE},
	{"|1|AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA|xuZuZa+GrikyjOeXygyEFcg+ck8=", "alpha",
	 SHK_ERR_PARSE},
	{"|1|AAAAAAAAAAAAAAAAAAAAAAAAAAA|xuZuZa+GrikyjOeXygyEFcg+ck8=", "alpha", SHK_ERR_PARSE},
	{"|1|AAAAAAAAAAAAAAAAAAAAAAAAAA!=|xuZuZa+GrikyjOeXygyEFcg+ck8=", "alpha",
	 SHK_ERR_PARSE},
};

START_TEST(test_match_host)
{
	ck_assert_msg(shk_kh_match_host(matches[_i].hosts, strlen(matches[_i].hosts),
					matches[_i].name,
					strlen(matches[_i].name)) == matches[_i].want,
		      "\"%s\" vs \"%s\"", matches[_i].hosts, matches[_i].name);
}
END_TEST

/* Hashed lines written by ssh-keygen -H (tests/data/kh/make-data.sh):
 * line N of "hashed" is the hash of line N of "hashed.names". */
START_TEST(test_keygen_hashed)
{
	char names[16][64];
	struct shk_fmap hm;
	struct seen s;
	FILE *f;
	int n = 0, i, j;

	f = fopen(TESTDATADIR "/kh/hashed.names", "r");
	ck_assert_ptr_nonnull(f);
	while (n < 16 && fgets(names[n], sizeof(names[n]), f) != NULL) {
		names[n][strcspn(names[n], "\n")] = '\0';
		n++;
	}
	fclose(f);
	ck_assert_int_ge(n, 9);
	ck_assert_int_eq(shk_fmap_open(TESTDATADIR "/kh/hashed", &hm, NULL), SHK_OK);
	memset(&s, 0, sizeof(s));
	ck_assert_int_eq(shk_kh_foreach(hm.data, hm.len, collect, &s), 0);
	ck_assert_int_eq(s.n, n);
	for (i = 0; i < n; i++) {
		struct shk_kh_line l;
		const char *p = hm.data, *e = hm.data + hm.len;
		int k;

		/* Find line i again and parse it for its host field. */
		for (k = 0; k < i; k++)
			p = memchr(p, '\n', (size_t)(e - p)) + 1;
		shk_kh_parse_line(p, strcspn(p, "\n"), (unsigned long)i + 1, &l);
		ck_assert_int_eq(l.status, SHK_KH_ENTRY);
		ck_assert(l.hosts[0] == '|');
		for (j = 0; j < n; j++)
			ck_assert_msg(shk_kh_match_host(l.hosts, l.hostslen, names[j],
							strlen(names[j])) == (i == j),
				      "hashed line %d vs %s", i + 1, names[j]);
		/* Neither the bare name of a [host]:port nor "host:port". */
		ck_assert_int_eq(shk_kh_match_host(l.hosts, l.hostslen, "ALPHA", 5), 0);
	}
	shk_fmap_close(&hm);
}
END_TEST

START_TEST(test_hash_name_roundtrip)
{
	unsigned char salt[SHK_SHA1_LEN];
	char out[61];
	size_t i;

	for (i = 0; i < sizeof(salt); i++)
		salt[i] = (unsigned char)(i * 13 + 7);
	ck_assert_int_eq(shk_kh_hash_name(salt, "[gamma]:2200", 12, out, sizeof(out)), SHK_OK);
	ck_assert_uint_eq(strlen(out), 60);
	ck_assert(strncmp(out, "|1|", 3) == 0);
	ck_assert_int_eq(shk_kh_match_host(out, strlen(out), "[gamma]:2200", 12), 1);
	ck_assert_int_eq(shk_kh_match_host(out, strlen(out), "gamma", 5), 0);
	ck_assert_int_eq(shk_kh_hash_name(salt, "x", 1, out, 60), SHK_ERR_RANGE);

	memset(salt, 0, sizeof(salt));
	ck_assert_int_eq(shk_kh_hash_name(salt, "alpha", 5, out, sizeof(out)), SHK_OK);
	ck_assert_str_eq(out, "|1|AAAAAAAAAAAAAAAAAAAAAAAAAAA=|xuZuZa+GrikyjOeXygyEFcg+ck8=");
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("knownhosts");
	TCase *tc = tcase_create("knownhosts");

	tcase_add_loop_test(tc, test_lines, 0, SHK_ARRAY_SIZE(lines));
	tcase_add_test(tc, test_nul_in_line);
	tcase_add_test(tc, test_foreach);
	tcase_add_test(tc, test_long_line);
	tcase_add_loop_test(tc, test_match_host, 0, SHK_ARRAY_SIZE(matches));
	tcase_add_test(tc, test_keygen_hashed);
	tcase_add_test(tc, test_hash_name_roundtrip);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
