/* SPDX-License-Identifier: MIT */
/*
 * The files module as the dispatcher sees it: loaded with dlopen() from
 * the build tree, opened on a temporary root and home, asked with a
 * buffer that starts at one byte and doubles until the answer fits.
 */
#include "config.h"

#include <check.h>
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sshhostkeys/module.h>

#include "base64.h"
#include "hostspec.h"
#include "shk.h"
#include "testutil.h"

/* ---- fixture ------------------------------------------------------------ */

static char root[256], home[300], user_kh[400], sys_kh[400], sys_kh2[400];
static const struct shk_module *mod;
static void *dl;
static struct shk_module_env env;
static void *state;
static void
copy_file(const char *from, const char *to, mode_t mode)
{
	char buf[4096];
	FILE *in = fopen(from, "r"), *out = fopen(to, "w");
	size_t n;

	ck_assert_msg(in != NULL && out != NULL, "copy %s -> %s", from, to);
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		ck_assert_uint_eq(fwrite(buf, 1, n, out), n);
	fclose(in);
	ck_assert_int_eq(fclose(out), 0);
	ck_assert_int_eq(chmod(to, mode), 0);
}

static void
mkdir_mode(const char *dir, const char *sub, mode_t mode)
{
	char p[512];

	snprintf(p, sizeof(p), "%s%s", dir, sub);
	ck_assert_msg(mkdir(p, mode) == 0 || errno == EEXIST, "mkdir %s", p);
	ck_assert_int_eq(chmod(p, mode), 0);
}

static void
module_open(void)
{
	ck_assert_int_eq(mod->open(&env, &state), SHK_OK);
	ck_assert_ptr_nonnull(state);
}

static void
setup(void)
{
	tu_tmpdir(root, sizeof(root), "files", 0755);
	mkdir_mode(root, "/etc", 0755);
	mkdir_mode(root, "/etc/ssh", 0755);
	mkdir_mode(root, "/home", 0755);
	mkdir_mode(root, "/home/u", 0755);
	mkdir_mode(root, "/home/u/.ssh", 0700);
	snprintf(home, sizeof(home), "%s/home/u", root);
	snprintf(user_kh, sizeof(user_kh), "%s/.ssh/known_hosts", home);
	snprintf(sys_kh, sizeof(sys_kh), "%s/etc/ssh/ssh_known_hosts", root);
	snprintf(sys_kh2, sizeof(sys_kh2), "%s/etc/ssh/ssh_known_hosts2", root);
	copy_file(TESTDATADIR "/kh/user_known_hosts", user_kh, 0600);
	copy_file(TESTDATADIR "/kh/ssh_known_hosts", sys_kh, 0644);

	mod = tu_module_load("files", &dl);

	tu_module_env(&env, root, home);
	state = NULL;
}

static void
teardown(void)
{
	if (state != NULL)
		mod->close(state);
	state = NULL;
	if (dl != NULL)
		dlclose(dl);
	dl = NULL;
	tu_rmtree(root);
}

/* ---- helpers -------------------------------------------------------------- */

/* Look spec up as the dispatcher would (tu_module_lookup: a buffer of one
 * byte first, grown on ERANGE). *bufp is the final buffer. */
static enum shk_nss_status
lookup(const char *spec, unsigned int port_in, const char *keytype,
       struct shk_module_result *res, char **bufp)
{
	char host[SHK_HOST_MAX + 1], khname[SHK_KH_NAME_MAX];
	struct shk_module_query q;

	memset(&q, 0, sizeof(q));
	ck_assert_int_eq(shk_hostspec_parse(spec, port_in, host, sizeof(host), &q.port, NULL),
			 SHK_OK);
	ck_assert_int_eq(shk_host_kh_name(host, q.port, khname, sizeof(khname)), SHK_OK);
	q.host = host;
	q.kh_name = khname;
	q.keytype = keytype;
	return tu_module_lookup(mod, state, &q, res, bufp);
}

/* Blob of a fixture public key. */
static size_t
fixture_blob(const char *name, unsigned char *out, size_t cap)
{
	char path[512], line[4096], *sp;
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "%s/kh/%s.pub", TESTDATADIR, name);
	ck_assert_ptr_nonnull(f = fopen(path, "r"));
	ck_assert_ptr_nonnull(fgets(line, sizeof(line), f));
	fclose(f);
	line[strcspn(line, "\n")] = '\0';
	ck_assert_ptr_nonnull(sp = strchr(line, ' '));
	ck_assert_int_eq(shk_b64_decode(sp + 1, strlen(sp + 1), out, cap, &n), SHK_OK);
	return n;
}

/* ---- tests ---------------------------------------------------------------- */

START_TEST(test_abi)
{
	ck_assert_uint_eq(mod->abi_version, SHK_MODULE_ABI_VERSION);
	ck_assert_str_eq(mod->name, "files");
	ck_assert_ptr_nonnull(mod->open);
	ck_assert_ptr_nonnull(mod->close);
	ck_assert_ptr_nonnull(mod->lookup);
	ck_assert_ptr_nonnull(mod->check);
	ck_assert_ptr_null(mod->verify);
	/* Nothing but the entry leaves the module. */
	ck_assert_ptr_null(dlsym(dl, "shk_kh_parse_line"));
	ck_assert_ptr_null(dlsym(dl, "shk_match_hostlist"));
}
END_TEST

struct want_key {
	const char *pub; /* fixture key name */
	int marker;
	int system; /* 1: ssh_known_hosts, 0: ~/.ssh/known_hosts */
	unsigned long line;
	int port_fallback;
	const char *comment;
};

#define NK 4
static const struct {
	const char *spec;
	unsigned int port;
	const char *keytype;
	enum shk_nss_status status;
	size_t nkeys;
	struct want_key keys[NK];
} cases[] = {
	{"alpha", 0, NULL, SHK_NSS_SUCCESS, 3,
	 {{"ed25519", SHK_MARKER_NONE, 0, 2, 0, "alpha-ed"},
	  {"revoked", SHK_MARKER_REVOKED, 0, 6, 0, NULL},
	  {"ecdsa", SHK_MARKER_NONE, 1, 1, 0, "system"}}},
	{"ALPHA.example.com", 0, NULL, SHK_NSS_SUCCESS, 2,
	 {{"ecdsa", SHK_MARKER_NONE, 0, 3, 0, NULL},
	  {"ca", SHK_MARKER_CERT_AUTHORITY, 0, 7, 0, "the CA"}}},
	/* Port 222: the [host]:222 entry, and the portless ones as fallback,
	 * the @cert-authority pattern for the bare name included (ssh's retry
	 * under the bare name weighs CA lines for certificates). */
	{"alpha.example.com#222", 0, NULL, SHK_NSS_SUCCESS, 3,
	 {{"ecdsa", SHK_MARKER_NONE, 0, 3, 1, NULL},
	  {"ed25519b", SHK_MARKER_NONE, 0, 4, 0, NULL},
	  {"ca", SHK_MARKER_CERT_AUTHORITY, 0, 7, 1, "the CA"}}},
	{"[alpha.example.com]:222", 0, NULL, SHK_NSS_SUCCESS, 3,
	 {{"ecdsa", SHK_MARKER_NONE, 0, 3, 1, NULL},
	  {"ed25519b", SHK_MARKER_NONE, 0, 4, 0, NULL},
	  {"ca", SHK_MARKER_CERT_AUTHORITY, 0, 7, 1, "the CA"}}},
	{"10.1.54.1", 0, NULL, SHK_NSS_SUCCESS, 1, {{"ecdsa", SHK_MARKER_NONE, 0, 3, 0, NULL}}},
	{"x.wild.example", 0, NULL, SHK_NSS_SUCCESS, 1,
	 {{"rsa", SHK_MARKER_NONE, 0, 5, 0, NULL}}},
	{"bad.wild.example", 0, NULL, SHK_NSS_NOTFOUND, 0, {{NULL, 0, 0, 0, 0, NULL}}},
	{"gamma", 0, NULL, SHK_NSS_SUCCESS, 1, {{"ed25519b", SHK_MARKER_NONE, 0, 10, 0, NULL}}},
	{"[gamma]:2200", 0, NULL, SHK_NSS_SUCCESS, 2,
	 {{"ed25519b", SHK_MARKER_NONE, 0, 10, 1, NULL},
	  {"ecdsa", SHK_MARKER_NONE, 0, 11, 0, NULL}}},
	{"::1", 0, NULL, SHK_NSS_SUCCESS, 1, {{"ed25519", SHK_MARKER_NONE, 0, 13, 0, NULL}}},
	{"0::1", 2222, NULL, SHK_NSS_SUCCESS, 2,
	 {{"ed25519b", SHK_MARKER_NONE, 0, 12, 0, NULL},
	  {"ed25519", SHK_MARKER_NONE, 0, 13, 1, NULL}}},
	/* The type filter spares revocations. */
	{"alpha", 0, "ecdsa-sha2-nistp256", SHK_NSS_SUCCESS, 2,
	 {{"revoked", SHK_MARKER_REVOKED, 0, 6, 0, NULL},
	  {"ecdsa", SHK_MARKER_NONE, 1, 1, 0, "system"}}},
	{"alpha", 0, "ssh-rsa", SHK_NSS_SUCCESS, 1,
	 {{"revoked", SHK_MARKER_REVOKED, 0, 6, 0, NULL}}},
	{"alpha.example.com", 0, "ssh-ed25519", SHK_NSS_SUCCESS, 1,
	 {{"ca", SHK_MARKER_CERT_AUTHORITY, 0, 7, 0, "the CA"}}},
	{"delta", 0, NULL, SHK_NSS_SUCCESS, 1, {{"rsa", SHK_MARKER_NONE, 1, 2, 0, NULL}}},
	/* Fallback for alpha on 2222: every portless entry, its revocation
	 * too (the dispatcher weighs them; they never make a key changed). */
	{"alpha", 2222, NULL, SHK_NSS_SUCCESS, 3,
	 {{"ed25519", SHK_MARKER_NONE, 0, 2, 1, "alpha-ed"},
	  {"revoked", SHK_MARKER_REVOKED, 0, 6, 1, NULL},
	  {"ecdsa", SHK_MARKER_NONE, 1, 1, 1, "system"}}},
	/* The type filter spares the portless revocation as well. */
	{"alpha", 2222, "ssh-rsa", SHK_NSS_SUCCESS, 1,
	 {{"revoked", SHK_MARKER_REVOKED, 0, 6, 1, NULL}}},
	{"nobody", 0, NULL, SHK_NSS_NOTFOUND, 0, {{NULL, 0, 0, 0, 0, NULL}}},
	{"beta", 0, NULL, SHK_NSS_NOTFOUND, 0, {{NULL, 0, 0, 0, 0, NULL}}},
	{"alpha.example.com", 22, NULL, SHK_NSS_SUCCESS, 2,
	 {{"ecdsa", SHK_MARKER_NONE, 0, 3, 0, NULL},
	  {"ca", SHK_MARKER_CERT_AUTHORITY, 0, 7, 0, "the CA"}}},
};

START_TEST(test_lookup)
{
	struct shk_module_result res;
	unsigned char blob[4096];
	char *buf;
	size_t i, n;
	enum shk_nss_status st;

	module_open();
	st = lookup(cases[_i].spec, cases[_i].port, cases[_i].keytype, &res, &buf);
	ck_assert_msg(st == cases[_i].status, "%s: status %d", cases[_i].spec, st);
	ck_assert_uint_eq(res.nkeys, cases[_i].nkeys);
	for (i = 0; i < res.nkeys; i++) {
		const struct want_key *w = &cases[_i].keys[i];
		const struct shk_module_key *k = &res.keys[i];

		n = fixture_blob(w->pub, blob, sizeof(blob));
		ck_assert_msg(k->bloblen == n && memcmp(k->blob, blob, n) == 0,
			      "%s: key %zu is not %s", cases[_i].spec, i, w->pub);
		ck_assert_int_eq(memcmp(k->blob + 4, k->type, strlen(k->type)), 0);
		ck_assert_int_eq(k->marker, w->marker);
		ck_assert_str_eq(k->origin, w->system ? sys_kh : user_kh);
		ck_assert_uint_eq(k->line, w->line);
		ck_assert_int_eq(k->port_fallback, w->port_fallback);
		if (w->comment == NULL)
			ck_assert_ptr_null(k->comment);
		else
			ck_assert_str_eq(k->comment, w->comment);
		/* Everything lives in the caller's buffer. */
		ck_assert((char *)k >= buf && (char *)k->origin >= buf && (char *)k->type >= buf);
	}
	free(buf);
}
END_TEST

/* One big buffer: SUCCESS at the first call. */
START_TEST(test_big_buffer)
{
	struct shk_module_query q = {"alpha", 22, NULL, "alpha"};
	struct shk_module_result res;
	static char buf[1 << 16];
	int err = 0;

	module_open();
	ck_assert_int_eq(mod->lookup(state, &q, &res, buf, sizeof(buf), &err), SHK_NSS_SUCCESS);
	ck_assert_uint_eq(res.nkeys, 3);
	/* A NULL buffer is simply too small. */
	ck_assert_int_eq(mod->lookup(state, &q, &res, NULL, 0, &err), SHK_NSS_TRYAGAIN);
	ck_assert_int_eq(err, ERANGE);
}
END_TEST

START_TEST(test_bad_lines_logged)
{
	struct shk_module_result res;
	char *buf, want[512];

	module_open();
	ck_assert_int_eq(lookup("alpha", 0, NULL, &res, &buf), SHK_NSS_SUCCESS);
	free(buf);
	/* The broken alpha key is news for alpha: WARN with file:line. */
	snprintf(want, sizeof(want), "WARN %s:8: bad key", user_kh);
	ck_assert_msg(tu_log_has(want), "log:\n%s", tu_log());
	/* beta's bad line is only debug for alpha. */
	snprintf(want, sizeof(want), "DEBUG %s:9: missing key", user_kh);
	ck_assert_msg(tu_log_has(want), "log:\n%s", tu_log());
	/* Missing known_hosts2 files are silent. */
	ck_assert_ptr_null(strstr(tu_log(), "known_hosts2"));

	tu_log_clear();
	ck_assert_int_eq(lookup("beta", 0, NULL, &res, &buf), SHK_NSS_NOTFOUND);
	free(buf);
	snprintf(want, sizeof(want), "WARN %s:9: missing key", user_kh);
	ck_assert_msg(tu_log_has(want), "log:\n%s", tu_log());
}
END_TEST

START_TEST(test_untrusted)
{
	struct shk_module_result res;
	char *buf, want[512];

	copy_file(TESTDATADIR "/kh/untrusted_known_hosts", sys_kh2, 0666);
	module_open();
	ck_assert_int_eq(lookup("alpha", 0, NULL, &res, &buf), SHK_NSS_SUCCESS);
	ck_assert_uint_eq(res.nkeys, 3);
	ck_assert_str_ne(res.keys[2].type, "ssh-rsa");
	free(buf);
	snprintf(want, sizeof(want), "WARN %s:0: ignored", sys_kh2);
	ck_assert_msg(tu_log_has(want), "log:\n%s", tu_log());

	/* The same file made private is read. */
	ck_assert_int_eq(chmod(sys_kh2, 0644), 0);
	ck_assert_int_eq(lookup("alpha", 0, "ssh-rsa", &res, &buf), SHK_NSS_SUCCESS);
	ck_assert_uint_eq(res.nkeys, 2);
	ck_assert_str_eq(res.keys[1].origin, sys_kh2);
	ck_assert_str_eq(res.keys[1].comment, "untrusted");
	free(buf);

	/* A group-writable directory above the user file spoils it. */
	ck_assert_int_eq(chmod(home, 0775), 0);
	ck_assert_int_eq(lookup("gamma", 0, NULL, &res, &buf), SHK_NSS_NOTFOUND);
	free(buf);
	ck_assert_int_eq(chmod(home, 0755), 0);
	ck_assert_int_eq(chmod(user_kh, 0666), 0);
	ck_assert_int_eq(lookup("gamma", 0, NULL, &res, &buf), SHK_NSS_NOTFOUND);
	free(buf);
}
END_TEST

START_TEST(test_unavail)
{
	struct shk_module_result res;
	char *buf;

	env.home = NULL;
	tu_conf_set("global_known_hosts", "/etc/ssh/none_here");
	module_open();
	ck_assert_int_eq(lookup("alpha", 0, NULL, &res, &buf), SHK_NSS_UNAVAIL);
	ck_assert_uint_eq(res.nkeys, 0);
	free(buf);
	/* An unreadable (untrusted) store does not count as read. */
	mod->close(state);
	state = NULL;
	ck_assert_int_eq(chmod(sys_kh, 0666), 0);
	tu_conf_set("global_known_hosts", NULL);
	module_open();
	ck_assert_int_eq(lookup("alpha", 0, NULL, &res, &buf), SHK_NSS_UNAVAIL);
	free(buf);
}
END_TEST

/* Without a home only the system files are read. */
START_TEST(test_no_home)
{
	struct shk_module_result res;
	char *buf;

	env.home = NULL;
	module_open();
	ck_assert_int_eq(lookup("alpha", 0, NULL, &res, &buf), SHK_NSS_SUCCESS);
	ck_assert_uint_eq(res.nkeys, 1);
	ck_assert_str_eq(res.keys[0].origin, sys_kh);
	free(buf);
}
END_TEST

/* Configured lists: "~/" under home, system paths under root, "none". */
START_TEST(test_conf_paths)
{
	struct shk_module_result res;
	char *buf, other[512], abs_user[512];

	snprintf(other, sizeof(other), "%s/etc/ssh/other_hosts", root);
	copy_file(TESTDATADIR "/kh/ssh_known_hosts", other, 0644);
	snprintf(abs_user, sizeof(abs_user), "%s/mine", home);
	copy_file(TESTDATADIR "/kh/user_known_hosts", abs_user, 0644);
	tu_conf_set("user_known_hosts", "none relative/path");
	tu_conf_set("global_known_hosts", "  /etc/ssh/other_hosts\t/etc/ssh/missing ");
	module_open();
	ck_assert_int_eq(lookup("alpha", 0, NULL, &res, &buf), SHK_NSS_SUCCESS);
	ck_assert_uint_eq(res.nkeys, 1);
	ck_assert_str_eq(res.keys[0].origin, other);
	free(buf);
	ck_assert_msg(strstr(tu_log(), "relative/path") != NULL, "log:\n%s", tu_log());
	mod->close(state);
	state = NULL;

	/* Absolute user paths are taken as they are; duplicates once. */
	tu_conf_set("user_known_hosts", abs_user);
	tu_conf_set("global_known_hosts", "none");
	module_open();
	ck_assert_int_eq(lookup("gamma", 0, NULL, &res, &buf), SHK_NSS_SUCCESS);
	ck_assert_uint_eq(res.nkeys, 1);
	ck_assert_str_eq(res.keys[0].origin, abs_user);
	free(buf);
	mod->close(state);
	state = NULL;
	tu_conf_set("user_known_hosts", "~/mine ~/mine ~/.ssh/known_hosts");
	module_open();
	ck_assert_int_eq(lookup("gamma", 0, NULL, &res, &buf), SHK_NSS_SUCCESS);
	ck_assert_uint_eq(res.nkeys, 2);
	ck_assert_str_eq(res.keys[0].origin, abs_user);
	ck_assert_str_eq(res.keys[1].origin, user_kh);
	free(buf);
}
END_TEST

START_TEST(test_check)
{
	char want[512];

	module_open();
	ck_assert_int_eq(mod->check(state), 2);
	snprintf(want, sizeof(want), "WARN %s:8: bad key", user_kh);
	ck_assert_msg(tu_log_has(want), "log:\n%s", tu_log());
	snprintf(want, sizeof(want), "WARN %s:9: missing key", user_kh);
	ck_assert_msg(tu_log_has(want), "log:\n%s", tu_log());
	copy_file(TESTDATADIR "/kh/untrusted_known_hosts", sys_kh2, 0666);
	ck_assert_int_eq(mod->check(state), 3);
	ck_assert_int_eq(chmod(sys_kh2, 0644), 0);
	ck_assert_int_eq(mod->check(state), 2);
}
END_TEST

START_TEST(test_open_refuses)
{
	void *st = (void *)&st;

	env.abi_version = SHK_MODULE_ABI_VERSION + 1;
	ck_assert_int_ne(mod->open(&env, &st), SHK_OK);
	ck_assert_ptr_null(st);
	env.abi_version = SHK_MODULE_ABI_VERSION;
	env.conf_get = NULL;
	env.log = NULL;
	env.root = "";
	module_open(); /* the real /etc/ssh: just must not fail */
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("files_module");
	TCase *tc = tcase_create("files_module");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_abi);
	tcase_add_loop_test(tc, test_lookup, 0, SHK_ARRAY_SIZE(cases));
	tcase_add_test(tc, test_big_buffer);
	tcase_add_test(tc, test_bad_lines_logged);
	tcase_add_test(tc, test_untrusted);
	tcase_add_test(tc, test_unavail);
	tcase_add_test(tc, test_no_home);
	tcase_add_test(tc, test_conf_paths);
	tcase_add_test(tc, test_check);
	tcase_add_test(tc, test_open_refuses);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
