/* SPDX-License-Identifier: MIT */
/*
 * The ssh2 source module, loaded as the dispatcher loads it, over stores
 * built in a temporary directory from the keys in tests/data/ssh2.
 */
#include "config.h"

#include <check.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sshhostkeys/module.h>

#include "base64.h"
#include "shk.h"
#include "ssh2sum.h"
#include "testutil.h"

#define FIXTURES TESTDATADIR "/ssh2"
#define ALPHA_HASHED "keys_aef40c80e9d5ae333c70320601cdea78aa7f49c80891cabca7e3e85c22757f6a"
#define TECTIA_FILE "keys_182166d2efe5a134d3fb948646e0b48f780bff6c"

/* Per-test state; each test runs in its own process. */
static void *dl;
static const struct shk_module *mod;
static struct shk_module_env env;
static void *mstate;
static char tmp[256], home[300], root[300], udir[400], sdir[400], ucache[400], scache[400];
static void
put_fixture(const char *dir, const char *name, const char *fixture)
{
	char *s = tu_slurp(FIXTURES, fixture, NULL);

	tu_write(dir, name, s);
	free(s);
}

/* The salt of the test vectors: bytes 00..1f. */
static void
put_salt(const char *dir)
{
	tu_write(dir, "salt",
	    "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n");
}

/* Blob of the key in a one-line .pub fixture. */
static size_t
fixture_blob(const char *fixture, unsigned char *out, size_t cap)
{
	char *s = tu_slurp(FIXTURES, fixture, NULL), *b, *e;
	size_t n = 0;

	ck_assert_ptr_nonnull(b = strchr(s, ' '));
	b++;
	ck_assert_ptr_nonnull(e = strchr(b, ' '));
	ck_assert_int_eq(shk_b64_decode(b, (size_t)(e - b), out, cap, &n), SHK_OK);
	free(s);
	return n;
}

static void
module_open(void)
{
	ck_assert_int_eq(mod->open(&env, &mstate), SHK_OK);
	ck_assert_ptr_nonnull(mstate);
}

static void
setup(void)
{
	umask(022);
	mod = tu_module_load("ssh2", &dl);
	tu_tmpdir(tmp, sizeof(tmp), "ssh2", 0700);
	snprintf(home, sizeof(home), "%s/home", tmp);
	snprintf(root, sizeof(root), "%s/root", tmp);
	snprintf(udir, sizeof(udir), "%s/.ssh2/hostkeys", home);
	snprintf(sdir, sizeof(sdir), "%s/etc/ssh2/hostkeys", root);
	snprintf(ucache, sizeof(ucache), "%s/.cache/sshhostkeys", home);
	snprintf(scache, sizeof(scache), "%s/var/cache/sshhostkeys", root);
	/* Summaries go under the test's home and root, and are on. */
	unsetenv("XDG_CACHE_HOME");
	unsetenv("SSHHOSTKEYS_SSH2_SUMMARY");
	tu_mkdirs(home, 0755);
	tu_mkdirs(root, 0755);

	tu_module_env(&env, root, home);
	mstate = NULL;
}

static void
teardown(void)
{
	if (mstate != NULL)
		mod->close(mstate);
	mstate = NULL;
	tu_rmtree(tmp);
	if (dl != NULL)
		dlclose(dl);
	dl = NULL;
}

/* The query as the dispatcher would make it; *bufp is the caller's (free()). */
static enum shk_nss_status
lookup(const char *host, unsigned int port, const char *keytype,
       struct shk_module_result *res, char **bufp)
{
	struct shk_module_query q;

	memset(&q, 0, sizeof(q));
	q.host = host;
	q.port = port;
	q.keytype = keytype;
	q.kh_name = host;
	memset(res, 0, sizeof(*res));
	return tu_module_lookup(mod, mstate, &q, res, bufp);
}

/* The single key found must be the one of the given .pub fixture. */
static void
assert_one_key(const struct shk_module_result *res, const char *fixture, const char *type,
	       const char *dir, const char *name)
{
	unsigned char blob[1024];
	char origin[600];
	size_t n = fixture_blob(fixture, blob, sizeof(blob));

	snprintf(origin, sizeof(origin), "%s/%s", dir, name);
	ck_assert_uint_eq(res->nkeys, 1);
	ck_assert_str_eq(res->keys[0].type, type);
	ck_assert_uint_eq(res->keys[0].bloblen, n);
	ck_assert(memcmp(res->keys[0].blob, blob, n) == 0);
	ck_assert_str_eq(res->keys[0].origin, origin);
	ck_assert_uint_eq(res->keys[0].line, 1);
	ck_assert_int_eq(res->keys[0].marker, SHK_MARKER_NONE);
	ck_assert_int_eq(res->keys[0].port_fallback, 0);
}

START_TEST(test_abi)
{
	ck_assert_uint_eq(mod->abi_version, SHK_MODULE_ABI_VERSION);
	ck_assert_str_eq(mod->name, "ssh2");
	ck_assert_ptr_nonnull(mod->open);
	ck_assert_ptr_nonnull(mod->close);
	ck_assert_ptr_nonnull(mod->lookup);
	ck_assert_ptr_nonnull(mod->check);
	ck_assert_ptr_null(mod->verify);
}
END_TEST

START_TEST(test_plain)
{
	struct shk_module_result res;
	char *buf;

	tu_mkdirs(udir, 0755);
	put_fixture(udir, "key_22_alpha.example.com.pub", "host_ed25519.pub");
	module_open();
	ck_assert_int_eq(lookup("alpha.example.com", 22, NULL, &res, &buf), SHK_NSS_SUCCESS);
	assert_one_key(&res, "host_ed25519.pub", "ssh-ed25519", udir,
		       "key_22_alpha.example.com.pub");
	ck_assert_str_eq(res.keys[0].comment, "host-ed25519@ssh2.test");
	free(buf);
	/* Identity is exact: another port or a shorter name is another host. */
	ck_assert_int_eq(lookup("alpha.example.com", 222, NULL, &res, &buf), SHK_NSS_NOTFOUND);
	free(buf);
	ck_assert_int_eq(lookup("alpha", 22, NULL, &res, &buf), SHK_NSS_NOTFOUND);
	ck_assert_uint_eq(res.nkeys, 0);
	free(buf);
}
END_TEST

START_TEST(test_plain_ipv6)
{
	struct shk_module_result res;
	char *buf;

	tu_mkdirs(udir, 0755);
	put_fixture(udir, "key_2222_fe80::1.pub", "host_ecdsa.rfc");
	module_open();
	ck_assert_int_eq(lookup("fe80::1", 2222, NULL, &res, &buf), SHK_NSS_SUCCESS);
	assert_one_key(&res, "host_ecdsa.pub", "ecdsa-sha2-nistp256", udir,
		       "key_2222_fe80::1.pub");
	free(buf);
}
END_TEST

START_TEST(test_hashed)
{
	struct shk_module_result res;
	char *buf;

	tu_mkdirs(udir, 0755);
	put_salt(udir);
	put_fixture(udir, ALPHA_HASHED, "host_ecdsa.rfc");
	module_open();
	ck_assert_int_eq(lookup("alpha.example.com", 22, NULL, &res, &buf), SHK_NSS_SUCCESS);
	assert_one_key(&res, "host_ecdsa.pub", "ecdsa-sha2-nistp256", udir, ALPHA_HASHED);
	free(buf);
	ck_assert_int_eq(lookup("alpha.example.com", 222, NULL, &res, &buf), SHK_NSS_NOTFOUND);
	free(buf);
	ck_assert(!tu_log_has("salt"));
}
END_TEST

/* What enumerate gives, one "NAMES|FILE|TYPE" line per key (NAMES "-"
 * for an unnamed key), in order. */
static int
enum_cb(void *arg, const char *names, const struct shk_module_key *key)
{
	char *out = arg;
	const char *base = strrchr(key->origin, '/');
	size_t n = strlen(out);

	snprintf(out + n, 4096 - n, "%s|%s|%s\n", names != NULL ? names : "-",
		 base != NULL ? base + 1 : key->origin, key->type);
	return 0;
}

/* A hashed file hides its host: when a plain file names the host, its keys
 * come through the lookup under that name (hashed over plain); otherwise
 * they come unnamed, with their file, never dropped. */
START_TEST(test_enumerate_unnamed)
{
	static const char other[] =
		"keys_abababababababababababababababababababababababababababababababab";
	char got[4096] = "", want[1024];

	tu_mkdirs(udir, 0755);
	put_salt(udir);
	put_fixture(udir, ALPHA_HASHED, "host_ecdsa.rfc");
	put_fixture(udir, "key_22_alpha.example.com.pub", "host_ed25519.pub");
	put_fixture(udir, "key_22_beta.pub", "host_ed25519.pub");
	put_fixture(udir, other, "host_rsa.rfc");
	module_open();
	ck_assert_int_eq(mod->enumerate(mstate, enum_cb, got), SHK_OK);
	snprintf(want, sizeof(want),
		 "alpha.example.com|%s|ecdsa-sha2-nistp256\n"
		 "beta|key_22_beta.pub|ssh-ed25519\n"
		 "-|%s|ssh-rsa\n",
		 ALPHA_HASHED, other);
	ck_assert_str_eq(got, want);
}
END_TEST

START_TEST(test_hashed_wins)
{
	struct shk_module_result res;
	char *buf;

	tu_mkdirs(udir, 0755);
	put_salt(udir);
	put_fixture(udir, ALPHA_HASHED, "host_ecdsa.rfc");
	put_fixture(udir, "key_22_alpha.example.com.pub", "host_ed25519.pub");
	module_open();
	ck_assert_int_eq(lookup("alpha.example.com", 22, NULL, &res, &buf), SHK_NSS_SUCCESS);
	assert_one_key(&res, "host_ecdsa.pub", "ecdsa-sha2-nistp256", udir, ALPHA_HASHED);
	free(buf);
}
END_TEST

START_TEST(test_user_beats_system)
{
	struct shk_module_result res;
	char *buf;

	tu_mkdirs(udir, 0755);
	tu_mkdirs(sdir, 0755);
	put_fixture(udir, "key_22_alpha.pub", "host_ed25519.pub");
	put_fixture(sdir, "key_22_alpha.pub", "host_rsa.rfc");
	put_fixture(sdir, "key_22_beta.pub", "host_rsa.pub");
	module_open();
	ck_assert_int_eq(lookup("alpha", 22, NULL, &res, &buf), SHK_NSS_SUCCESS);
	assert_one_key(&res, "host_ed25519.pub", "ssh-ed25519", udir, "key_22_alpha.pub");
	free(buf);
	/* Not in the user's directory: the system one answers. */
	ck_assert_int_eq(lookup("beta", 22, NULL, &res, &buf), SHK_NSS_SUCCESS);
	assert_one_key(&res, "host_rsa.pub", "ssh-rsa", sdir, "key_22_beta.pub");
	free(buf);
}
END_TEST

START_TEST(test_system_only_no_home)
{
	struct shk_module_result res;
	char *buf;

	tu_mkdirs(udir, 0755);
	tu_mkdirs(sdir, 0755);
	put_fixture(udir, "key_22_alpha.pub", "host_ed25519.pub");
	put_fixture(sdir, "key_22_alpha.pub", "host_rsa.pub");
	env.home = NULL;
	module_open();
	ck_assert_int_eq(lookup("alpha", 22, NULL, &res, &buf), SHK_NSS_SUCCESS);
	assert_one_key(&res, "host_rsa.pub", "ssh-rsa", sdir, "key_22_alpha.pub");
	free(buf);
}
END_TEST

START_TEST(test_conf_dirs)
{
	struct shk_module_result res;
	char *buf, alt_u[600], alt_s[600];

	snprintf(alt_u, sizeof(alt_u), "%s/alt", home);
	snprintf(alt_s, sizeof(alt_s), "%s/opt/hk", root);
	tu_mkdirs(alt_u, 0755);
	tu_mkdirs(alt_s, 0755);
	tu_mkdirs(udir, 0755);
	put_fixture(udir, "key_22_alpha.pub", "host_ed25519.pub");
	put_fixture(alt_u, "key_22_alpha.pub", "host_ecdsa.pub");
	put_fixture(alt_s, "key_22_beta.pub", "host_rsa.pub");
	tu_conf_set("user_hostkeys_dir", "~/alt/");
	tu_conf_set("system_hostkeys_dir", "/opt/hk");
	module_open();
	ck_assert_int_eq(lookup("alpha", 22, NULL, &res, &buf), SHK_NSS_SUCCESS);
	assert_one_key(&res, "host_ecdsa.pub", "ecdsa-sha2-nistp256", alt_u,
		       "key_22_alpha.pub");
	free(buf);
	ck_assert_int_eq(lookup("beta", 22, NULL, &res, &buf), SHK_NSS_SUCCESS);
	assert_one_key(&res, "host_rsa.pub", "ssh-rsa", alt_s, "key_22_beta.pub");
	free(buf);
}
END_TEST

/* Each way a salt can be unusable; the plain file must answer. */
enum { SALT_MISSING, SALT_EMPTY, SALT_SHORT, SALT_NOTHEX, SALT_SYMLINK, SALT_DIR, SALT_FIFO };
static const struct {
	int how;
	const char *reason;
} bad_salts[] = {
	{SALT_MISSING, "missing"},	  {SALT_EMPTY, "empty"},
	{SALT_SHORT, "hex digits"},	  {SALT_NOTHEX, "not hex"},
	{SALT_SYMLINK, "symbolic link"}, {SALT_DIR, "not a regular file"},
	{SALT_FIFO, "not a regular file"},
};

START_TEST(test_bad_salt_falls_back)
{
	struct shk_module_result res;
	char *buf, path[600], target[600];

	tu_mkdirs(udir, 0755);
	put_fixture(udir, ALPHA_HASHED, "host_ecdsa.rfc");
	put_fixture(udir, "key_22_alpha.example.com.pub", "host_ed25519.pub");
	snprintf(path, sizeof(path), "%s/salt", udir);
	switch (bad_salts[_i].how) {
	case SALT_MISSING:
		break;
	case SALT_EMPTY:
		tu_write(udir, "salt", "");
		break;
	case SALT_SHORT:
		tu_write(udir, "salt", "0001020304\n");
		break;
	case SALT_NOTHEX:
		tu_write(udir, "salt",
		    "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1z\n");
		break;
	case SALT_SYMLINK:
		snprintf(target, sizeof(target), "%s/real-salt", tmp);
		tu_write(tmp, "real-salt",
		    "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n");
		ck_assert_int_eq(symlink(target, path), 0);
		break;
	case SALT_DIR:
		ck_assert_int_eq(mkdir(path, 0755), 0);
		break;
	case SALT_FIFO:
		ck_assert_int_eq(mkfifo(path, 0644), 0);
		break;
	}
	module_open();
	ck_assert_int_eq(lookup("alpha.example.com", 22, NULL, &res, &buf), SHK_NSS_SUCCESS);
	assert_one_key(&res, "host_ed25519.pub", "ssh-ed25519", udir,
		       "key_22_alpha.example.com.pub");
	free(buf);
	if (bad_salts[_i].how == SALT_MISSING) {
		/* Whether a missing salt matters takes a listing of the
		 * directory, which a lookup that found its host never pays;
		 * one that finds nothing does, and says so. */
		ck_assert_msg(!tu_log_has(path), "a found host listed the directory:\n%s", tu_log());
		ck_assert_int_eq(lookup("absent.example.com", 22, NULL, &res, &buf),
				 SHK_NSS_NOTFOUND);
		free(buf);
	}
	ck_assert_msg(tu_log_has(path), "no warning about %s in:\n%s", path, tu_log());
	ck_assert_msg(tu_log_has(bad_salts[_i].reason), "no \"%s\" in:\n%s", bad_salts[_i].reason,
		      tu_log());
	ck_assert(tu_log_has("hashed files of this directory are unusable"));
	/* check counts the same problem. */
	tu_log_clear();
	ck_assert_int_eq(mod->check(mstate), 1);
}
END_TEST

START_TEST(test_tectia_ignored)
{
	struct shk_module_query q;
	struct shk_module_result res;
	char *buf, big[4096];
	int err = 0;

	tu_mkdirs(udir, 0755);
	tu_mkdirs(sdir, 0755);
	put_salt(udir);
	put_fixture(udir, TECTIA_FILE, "host_rsa.rfc");
	put_fixture(sdir, TECTIA_FILE, "host_rsa.rfc");
	put_fixture(sdir, "key_22_beta.pub", "host_ed25519.pub");
	module_open();
	ck_assert_int_eq(lookup("alpha", 22, NULL, &res, &buf), SHK_NSS_NOTFOUND);
	free(buf);
	ck_assert_int_eq(tu_log_count("genuine Tectia", SHK_LOG_INFO), 1);
	ck_assert(tu_log_has(TECTIA_FILE) == 0);
	/* Found through the plain file; the Tectia files are still news. */
	ck_assert_int_eq(lookup("beta", 22, NULL, &res, &buf), SHK_NSS_SUCCESS);
	assert_one_key(&res, "host_ed25519.pub", "ssh-ed25519", sdir, "key_22_beta.pub");
	free(buf);
	/* One message per lookup call, whatever the buffer size. */
	tu_log_clear();
	memset(&q, 0, sizeof(q));
	q.host = "beta";
	q.port = 22;
	ck_assert_int_eq(mod->lookup(mstate, &q, &res, big, sizeof(big), &err), SHK_NSS_SUCCESS);
	ck_assert_int_eq(tu_log_count("genuine Tectia", SHK_LOG_INFO), 1);
	/* check names each file. */
	ck_assert_int_eq(mod->check(mstate), 2);
	ck_assert(tu_log_has(udir));
	ck_assert(tu_log_has(TECTIA_FILE ":0: genuine Tectia hashed file: its host cannot be "
				      "resolved (algorithm unpublished)"));
}
END_TEST

START_TEST(test_world_writable_dir)
{
	struct shk_module_result res;
	char *buf;

	tu_mkdirs(udir, 0755);
	put_fixture(udir, "key_22_alpha.pub", "host_ed25519.pub");
	ck_assert_int_eq(chmod(udir, 0777), 0);
	module_open();
	ck_assert_int_eq(lookup("alpha", 22, NULL, &res, &buf), SHK_NSS_UNAVAIL);
	free(buf);
	ck_assert(tu_log_has("writable by others"));
	ck_assert(tu_log_has("store ignored"));
	/* The system directory still answers. */
	tu_mkdirs(sdir, 0755);
	put_fixture(sdir, "key_22_alpha.pub", "host_rsa.pub");
	ck_assert_int_eq(lookup("alpha", 22, NULL, &res, &buf), SHK_NSS_SUCCESS);
	assert_one_key(&res, "host_rsa.pub", "ssh-rsa", sdir, "key_22_alpha.pub");
	free(buf);
	ck_assert_int_eq(mod->check(mstate), 1);
}
END_TEST

START_TEST(test_group_writable_file)
{
	struct shk_module_result res;
	char *buf, path[600];

	tu_mkdirs(udir, 0755);
	put_fixture(udir, "key_22_alpha.pub", "host_ed25519.pub");
	snprintf(path, sizeof(path), "%s/key_22_alpha.pub", udir);
	ck_assert_int_eq(chmod(path, 0664), 0);
	module_open();
	ck_assert_int_eq(lookup("alpha", 22, NULL, &res, &buf), SHK_NSS_NOTFOUND);
	free(buf);
	ck_assert(tu_log_has("writable by its group"));
}
END_TEST

START_TEST(test_symlinked_key_refused)
{
	struct shk_module_result res;
	char *buf, path[600];

	tu_mkdirs(udir, 0755);
	tu_mkdirs(sdir, 0755);
	snprintf(path, sizeof(path), "%s/key_22_alpha.pub", udir);
	ck_assert_int_eq(symlink(FIXTURES "/host_ed25519.pub", path), 0);
	put_fixture(sdir, "key_22_alpha.pub", "host_rsa.pub");
	module_open();
	/* Refused, so the user's directory has no usable file for the host. */
	ck_assert_int_eq(lookup("alpha", 22, NULL, &res, &buf), SHK_NSS_SUCCESS);
	assert_one_key(&res, "host_rsa.pub", "ssh-rsa", sdir, "key_22_alpha.pub");
	free(buf);
	ck_assert_msg(tu_log_has("key_22_alpha.pub:0: is a symbolic link: refused"), "%s", tu_log());
}
END_TEST

START_TEST(test_fifo_refused)
{
	struct shk_module_result res;
	char *buf, path[600];

	tu_mkdirs(udir, 0755);
	snprintf(path, sizeof(path), "%s/key_22_alpha.pub", udir);
	ck_assert_int_eq(mkfifo(path, 0644), 0);
	module_open();
	ck_assert_int_eq(lookup("alpha", 22, NULL, &res, &buf), SHK_NSS_NOTFOUND);
	free(buf);
	ck_assert(tu_log_has("not a regular file"));
}
END_TEST

START_TEST(test_multi_key_file)
{
	static const struct {
		const char *fixture, *type;
		unsigned long line;
	} want[] = {
		{"host_ed25519.pub", "ssh-ed25519", 1},
		{"host_ecdsa.pub", "ecdsa-sha2-nistp256", 5},
		{"host_rsa.pub", "ssh-rsa", 10},
	};
	struct shk_module_result res;
	unsigned char blob[1024];
	char *buf;
	size_t i, n;

	tu_mkdirs(udir, 0755);
	put_fixture(udir, "key_22_alpha.pub", "multi.rfc");
	module_open();
	ck_assert_int_eq(lookup("alpha", 22, NULL, &res, &buf), SHK_NSS_SUCCESS);
	ck_assert_uint_eq(res.nkeys, SHK_ARRAY_SIZE(want));
	for (i = 0; i < SHK_ARRAY_SIZE(want); i++) {
		n = fixture_blob(want[i].fixture, blob, sizeof(blob));
		ck_assert_str_eq(res.keys[i].type, want[i].type);
		ck_assert_uint_eq(res.keys[i].bloblen, n);
		ck_assert(memcmp(res.keys[i].blob, blob, n) == 0);
		ck_assert_uint_eq(res.keys[i].line, want[i].line);
		/* Every pointer lies in the caller's buffer. */
		ck_assert(res.keys[i].type > buf);
		ck_assert(res.keys[i].origin > buf);
	}
	free(buf);
}
END_TEST

static const struct {
	const char *keytype;
	enum shk_nss_status want;
	size_t nkeys;
} type_filters[] = {
	{NULL, SHK_NSS_SUCCESS, 3},
	{"ssh-rsa", SHK_NSS_SUCCESS, 1},
	{"ecdsa-sha2-nistp256", SHK_NSS_SUCCESS, 1},
	/* The user's file decides even when it holds no key of the type:
	 * the system directory's DSA key is not consulted. */
	{"ssh-dss", SHK_NSS_NOTFOUND, 0},
};

START_TEST(test_type_filter)
{
	struct shk_module_result res;
	char *buf;
	size_t i;

	tu_mkdirs(udir, 0755);
	tu_mkdirs(sdir, 0755);
	put_fixture(udir, "key_22_alpha.pub", "multi.rfc");
	tu_write(sdir, "key_22_alpha.pub", "ssh-dss AAAAB3NzaC1kc3MAAAA= nothing\n");
	module_open();
	ck_assert_int_eq(lookup("alpha", 22, type_filters[_i].keytype, &res, &buf),
			 type_filters[_i].want);
	ck_assert_uint_eq(res.nkeys, type_filters[_i].nkeys);
	for (i = 0; i < res.nkeys; i++)
		if (type_filters[_i].keytype != NULL)
			ck_assert_str_eq(res.keys[i].type, type_filters[_i].keytype);
	free(buf);
}
END_TEST

START_TEST(test_conf_empty_turns_off)
{
	struct shk_module_result res;
	char *buf;

	tu_mkdirs(udir, 0755);
	tu_mkdirs(sdir, 0755);
	put_fixture(udir, "key_22_alpha.pub", "host_ed25519.pub");
	put_fixture(sdir, "key_22_alpha.pub", "host_rsa.pub");
	tu_conf_set("user_hostkeys_dir", "");
	tu_conf_set("system_hostkeys_dir", "relative/dir");
	module_open();
	ck_assert_int_eq(lookup("alpha", 22, NULL, &res, &buf), SHK_NSS_UNAVAIL);
	free(buf);
	ck_assert(tu_log_has("not an absolute path"));
}
END_TEST

START_TEST(test_no_store)
{
	struct shk_module_result res;
	char *buf;

	module_open();
	ck_assert_int_eq(lookup("alpha", 22, NULL, &res, &buf), SHK_NSS_UNAVAIL);
	free(buf);
	ck_assert_int_eq(mod->check(mstate), 0);
	/* An empty but readable directory knows nothing: NOTFOUND. */
	tu_mkdirs(sdir, 0755);
	ck_assert_int_eq(lookup("alpha", 22, NULL, &res, &buf), SHK_NSS_NOTFOUND);
	free(buf);
}
END_TEST

static const char *bad_query_hosts[] = {"a/b", "../etc", ".", "..", ""};

START_TEST(test_bad_query_host)
{
	struct shk_module_query q;
	struct shk_module_result res;
	char buf[4096];
	int err = 0;

	tu_mkdirs(udir, 0755);
	put_fixture(udir, "key_22_alpha.pub", "host_ed25519.pub");
	module_open();
	memset(&q, 0, sizeof(q));
	q.host = bad_query_hosts[_i];
	q.port = 22;
	ck_assert_int_eq(mod->lookup(mstate, &q, &res, buf, sizeof(buf), &err),
			 SHK_NSS_UNAVAIL);
	ck_assert_int_eq(err, EINVAL);
	ck_assert_uint_eq(res.nkeys, 0);
}
END_TEST

START_TEST(test_check_lint)
{
	char path[600];

	tu_mkdirs(udir, 0755);
	tu_mkdirs(sdir, 0755);
	put_salt(udir);
	put_fixture(udir, ALPHA_HASHED, "host_ecdsa.rfc");		/* fine */
	put_fixture(udir, "key_22_alpha.pub", "multi.rfc");		/* fine */
	put_fixture(udir, TECTIA_FILE, "host_rsa.rfc");			/* 1 */
	tu_write(udir, "notes.txt", "hello\n");				/* 1 */
	put_fixture(udir, "key_22_Alpha.pub", "host_rsa.pub");		/* 1 */
	tu_write(sdir, "salt", "xyz\n");					/* 1 */
	tu_write(sdir, "key_22_broken.pub", "ssh-ed25519 !!!notbase64\n");	/* 2 */
	snprintf(path, sizeof(path), "%s/key_22_link.pub", sdir);
	ck_assert_int_eq(symlink(FIXTURES "/host_rsa.pub", path), 0); /* 1 */
	module_open();
	/* 7: the broken file counts twice (its bad line, then no key at all). */
	ck_assert_int_eq(mod->check(mstate), 7);
	ck_assert_msg(tu_log_has("notes.txt:0: name fits no pattern"), "%s", tu_log());
	ck_assert(tu_log_has("key_22_Alpha.pub:0: host name is not lowercase"));
	ck_assert(tu_log_has("genuine Tectia hashed file"));
	ck_assert(tu_log_has("key_22_link.pub:0: is a symbolic link"));
	ck_assert_msg(tu_log_has("key_22_broken.pub:1: "), "%s", tu_log());
	ck_assert(tu_log_has("salt:0: salt is not hex"));
	ck_assert(!tu_log_has(ALPHA_HASHED));
	ck_assert(!tu_log_has("key_22_alpha.pub"));
}
END_TEST

START_TEST(test_check_clean)
{
	tu_mkdirs(udir, 0755);
	put_salt(udir);
	put_fixture(udir, ALPHA_HASHED, "host_ecdsa.rfc");
	put_fixture(udir, "key_22_alpha.pub", "multi.rfc");
	put_fixture(udir, "key_22_fe80::1.pub", "host_ed25519.pub");
	module_open();
	ck_assert_msg(mod->check(mstate) == 0, "%s", tu_log());
}
END_TEST

/* ---- the directory summary (docs/formats.md §2.5) ----------------------- */

#define ABSENT "absent.example.com"
/* Our hashed names that no host of these tests resolves to. */
#define HASHED_X "keys_" "00000000000000000000000000000000" "00000000000000000000000000000001"
#define HASHED_Y "keys_" "00000000000000000000000000000000" "00000000000000000000000000000002"
#define TECTIA_2 "keys_0000000000000000000000000000000000000002"
#define TECTIA_3 "keys_0000000000000000000000000000000000000003"

/* Two results hold the same keys, field by field. */
static void
assert_same_keys(const struct shk_module_result *a, const struct shk_module_result *b)
{
	size_t i;

	ck_assert_uint_eq(a->nkeys, b->nkeys);
	for (i = 0; i < a->nkeys; i++) {
		ck_assert_str_eq(a->keys[i].type, b->keys[i].type);
		ck_assert_uint_eq(a->keys[i].bloblen, b->keys[i].bloblen);
		ck_assert(memcmp(a->keys[i].blob, b->keys[i].blob, a->keys[i].bloblen) == 0);
		ck_assert_str_eq(a->keys[i].origin, b->keys[i].origin);
		ck_assert_uint_eq(a->keys[i].line, b->keys[i].line);
		ck_assert_int_eq(a->keys[i].marker, b->keys[i].marker);
		ck_assert_int_eq(a->keys[i].comment == NULL, b->keys[i].comment == NULL);
		if (a->keys[i].comment != NULL)
			ck_assert_str_eq(a->keys[i].comment, b->keys[i].comment);
	}
}

/* A warm context answers from its key cache what a fresh one parses:
 * every type asked for, in any order, and a file that changed. */
START_TEST(test_key_cache)
{
	static const char *types[] = {"ssh-rsa", NULL, "ecdsa-sha2-nistp256", NULL};
	struct shk_module_result fresh, warm;
	char *fbuf, *wbuf;
	void *warm_state;
	size_t i;

	tu_mkdirs(udir, 0755);
	put_fixture(udir, "key_22_alpha.pub", "multi.rfc");
	module_open();
	warm_state = mstate;
	for (i = 0; i < SHK_ARRAY_SIZE(types); i++) {
		module_open();
		ck_assert_int_eq(lookup("alpha", 22, types[i], &fresh, &fbuf), SHK_NSS_SUCCESS);
		mod->close(mstate);
		mstate = warm_state;
		ck_assert_int_eq(lookup("alpha", 22, types[i], &warm, &wbuf), SHK_NSS_SUCCESS);
		ck_assert_uint_eq(warm.nkeys, types[i] == NULL ? 3 : 1);
		assert_same_keys(&fresh, &warm);
		free(fbuf);
		free(wbuf);
	}
	/* Same name, new content: the new key. */
	put_fixture(udir, "key_22_alpha.pub", "host_rsa.pub");
	ck_assert_int_eq(lookup("alpha", 22, NULL, &warm, &wbuf), SHK_NSS_SUCCESS);
	assert_one_key(&warm, "host_rsa.pub", "ssh-rsa", udir, "key_22_alpha.pub");
	free(wbuf);
	ck_assert_msg(tu_log()[0] == '\0', "%s", tu_log());
}
END_TEST

/* A file whose reading said something is read, and says it, every time. */
START_TEST(test_key_cache_not_for_warnings)
{
	struct shk_module_result res;
	char *buf, *good, *content;
	int k, once = 0;

	tu_mkdirs(udir, 0755);
	good = tu_slurp(FIXTURES, "host_ed25519.pub", NULL);
	ck_assert_int_ne(asprintf(&content, "ssh-ed25519 !!!notbase64\n%s", good), -1);
	tu_write(udir, "key_22_alpha.pub", content);
	module_open();
	for (k = 1; k <= 3; k++) {
		ck_assert_int_eq(lookup("alpha", 22, NULL, &res, &buf), SHK_NSS_SUCCESS);
		ck_assert_uint_eq(res.nkeys, 1);
		free(buf);
		/* Once per try: the helper grows its buffer until it fits. */
		if (k == 1)
			once = tu_log_count("key_22_alpha.pub:1: ", -1);
		ck_assert_int_gt(once, 0);
		ck_assert_int_eq(tu_log_count("key_22_alpha.pub:1: ", -1), k * once);
	}
	free(content);
	free(good);
}
END_TEST

/* n names that count for nothing: enough to make a summary worth writing. */
static void
pad(const char *dir, int n)
{
	char name[64];
	int i;

	for (i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "key_22_pad%03d.pub", i);
		tu_write(dir, name, "");
	}
}

/* Wait until dir's last change is old enough to be summarised. */
static void
wait_settled(const char *dir)
{
	struct stat st;
	time_t newest;

	ck_assert_int_eq(stat(dir, &st), 0);
	newest = st.st_mtim.tv_sec > st.st_ctim.tv_sec ? st.st_mtim.tv_sec : st.st_ctim.tv_sec;
	while (time(NULL) - newest < 2)
		usleep(50000);
}

/* Where the summary of dir's present state lives in cache directory cdir. */
static const char *
sum_path(const char *cdir, const char *dir)
{
	static char path[700];
	char name[64];
	struct stat st;

	ck_assert_int_eq(stat(dir, &st), 0);
	ck_assert_int_eq(shk_s2sum_name(&st, name, sizeof(name)), SHK_OK);
	snprintf(path, sizeof(path), "%s/%s", cdir, name);
	return path;
}

static int
exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

/* A well-formed summary of dir's present state, with made-up counts. */
static void
forge(const char *cdir, const char *dir, uint64_t nhashed, uint64_t ntectia)
{
	struct shk_s2sum sum = {.nhashed = nhashed, .ntectia = ntectia};
	struct shk_error err;
	struct stat st;

	ck_assert_int_eq(stat(dir, &st), 0);
	ck_assert_int_eq(shk_s2sum_save(cdir, &st, &sum, geteuid(), &err), SHK_OK);
}

/* The summary on disk for dir's present state: SHK_OK and *sum, or why not. */
static int
load_sum(const char *cdir, const char *dir, struct shk_s2sum *sum)
{
	struct shk_error err;
	struct stat st;

	ck_assert_int_eq(stat(dir, &st), 0);
	return shk_s2sum_load(cdir, &st, geteuid(), sum, &err);
}

static void
lookup_absent(void)
{
	struct shk_module_result res;
	char *buf;

	ck_assert_int_eq(lookup(ABSENT, 22, NULL, &res, &buf), SHK_NSS_NOTFOUND);
	free(buf);
}

static void
reopen(void)
{
	if (mstate != NULL)
		mod->close(mstate);
	mstate = NULL;
	module_open();
}

START_TEST(test_summary_written_and_used)
{
	struct shk_s2sum sum;

	tu_mkdirs(udir, 0755);
	tu_mkdirs(sdir, 0755);
	put_salt(udir);
	put_fixture(udir, TECTIA_FILE, "host_rsa.rfc");
	put_fixture(udir, TECTIA_2, "host_rsa.rfc");
	pad(udir, 64);
	/* A small system directory: listed at every lookup, never written. */
	tu_write(sdir, HASHED_X, "");
	put_salt(sdir);
	wait_settled(udir);
	wait_settled(sdir);
	module_open();
	lookup_absent();
	ck_assert_msg(tu_log_has("holds 2 genuine Tectia hashed file(s)"), "%s", tu_log());
	ck_assert_int_eq(load_sum(ucache, udir, &sum), SHK_OK);
	ck_assert_uint_eq(sum.ntectia, 2);
	ck_assert_uint_eq(sum.nhashed, 0);
	ck_assert(!exists(scache));
	/* A fresh context reads the summary instead of listing: made-up
	 * counts in a well-formed summary show in the notice. */
	forge(ucache, udir, 0, 7);
	reopen();
	tu_log_clear();
	lookup_absent();
	ck_assert_msg(tu_log_has("holds 7 genuine Tectia hashed file(s)"), "%s", tu_log());
	/* The warm context keeps what it read while the directory is
	 * unchanged: no file read at all. */
	forge(ucache, udir, 0, 9);
	tu_log_clear();
	lookup_absent();
	ck_assert_msg(tu_log_has("holds 7 genuine Tectia hashed file(s)"), "%s", tu_log());
	ck_assert_int_eq(tu_log_count("genuine Tectia", SHK_LOG_INFO), 1);
	/* A host that is there never needs the counts. */
	put_fixture(udir, "key_22_alpha.pub", "host_ed25519.pub");
	tu_log_clear();
	{
		struct shk_module_result res;
		char *buf;

		ck_assert_int_eq(lookup("alpha", 22, NULL, &res, &buf), SHK_NSS_SUCCESS);
		free(buf);
	}
	ck_assert_int_eq(tu_log_count("genuine Tectia", SHK_LOG_INFO), 0);
	ck_assert(!tu_log_has("summary"));
	/* check always lists: it names the files as they are, whatever a
	 * summary says. */
	tu_log_clear();
	mod->check(mstate);
	ck_assert_int_eq(tu_log_count("genuine Tectia hashed file: its host cannot be resolved", -1), 2);
}
END_TEST

START_TEST(test_summary_stale)
{
	struct shk_s2sum sum;
	char *before, *after;
	char path[700];
	size_t blen, alen;

	tu_mkdirs(udir, 0755);
	put_salt(udir);
	tu_write(udir, HASHED_X, "");
	put_fixture(udir, TECTIA_FILE, "host_rsa.rfc");
	pad(udir, 64);
	wait_settled(udir);
	module_open();
	lookup_absent();
	ck_assert_msg(tu_log_has("holds 1 genuine Tectia"), "%s", tu_log());
	snprintf(path, sizeof(path), "%s", sum_path(ucache, udir));
	before = tu_slurp(NULL, path, &blen);
	/* A new Tectia file: the directory's identity moves, so neither the
	 * memory nor the file is used, and the racy state is not written. */
	put_fixture(udir, TECTIA_2, "host_rsa.rfc");
	tu_log_clear();
	lookup_absent();
	ck_assert_msg(tu_log_has("holds 2 genuine Tectia"), "%s", tu_log());
	ck_assert(!tu_log_has("missing while"));
	after = tu_slurp(NULL, path, &alen);
	ck_assert(blen == alen && memcmp(before, after, blen) == 0);
	ck_assert_int_eq(load_sum(ucache, udir, &sum), SHK_ERR_NOTFOUND);
	free(before);
	free(after);
	/* The salt removed: the hashed file is now unusable, and said so. */
	ck_assert_int_eq(unlink(strcat(strcpy(path, udir), "/salt")), 0);
	tu_log_clear();
	lookup_absent();
	ck_assert_msg(tu_log_has("salt:0: missing while 1 hashed file(s) exist: hashed files of "
			      "this directory are unusable"),
		      "%s", tu_log());
	ck_assert(tu_log_has("holds 2 genuine Tectia"));
	/* Settled again: the next lookup writes the new state's summary. */
	wait_settled(udir);
	tu_log_clear();
	lookup_absent();
	ck_assert(tu_log_has("missing while 1 hashed file(s)"));
	ck_assert_int_eq(load_sum(ucache, udir, &sum), SHK_OK);
	ck_assert_uint_eq(sum.nhashed, 1);
	ck_assert_uint_eq(sum.ntectia, 2);
	/* And a fresh context reads it, with the same messages. */
	reopen();
	tu_log_clear();
	lookup_absent();
	ck_assert(tu_log_has("missing while 1 hashed file(s)"));
	ck_assert(tu_log_has("holds 2 genuine Tectia"));
}
END_TEST

START_TEST(test_summary_racy_not_kept)
{
	tu_mkdirs(udir, 0755);
	put_salt(udir);
	put_fixture(udir, TECTIA_FILE, "host_rsa.rfc");
	pad(udir, 64);
	/* Changed just now: a change within the same timestamp tick would
	 * not move the identity, so the listing is neither written... */
	module_open();
	lookup_absent();
	ck_assert(tu_log_has("holds 1 genuine Tectia"));
	ck_assert(!exists(ucache));
	/* ... nor kept in memory: a summary for this state (as another
	 * process could write once it has settled) is read next time. */
	forge(ucache, udir, 0, 5);
	tu_log_clear();
	lookup_absent();
	ck_assert_msg(tu_log_has("holds 5 genuine Tectia"), "%s", tu_log());
}
END_TEST

/* A summary that must not be used: the listing answers, as if none. */
enum { BS_VALID, BS_FILE_WORLD, BS_FILE_GROUP, BS_DIR_WORLD, BS_FILE_OWNER, BS_DIR_OWNER,
       BS_SYMLINK, BS_TRUNCATED, BS_CORRUPT, BS_OFF, BS_NUM };

START_TEST(test_summary_bad_ignored)
{
	char path[700], real[700], *img;
	size_t len;
	FILE *f;

	tu_mkdirs(udir, 0755);
	put_salt(udir);
	put_fixture(udir, TECTIA_FILE, "host_rsa.rfc");
	pad(udir, 64);
	/* Racy on purpose: the lookup's listing is never written over
	 * the summary under test. */
	forge(ucache, udir, 0, 5);
	snprintf(path, sizeof(path), "%s", sum_path(ucache, udir));
	switch (_i) {
	case BS_VALID: /* the control: this summary would be used */
		break;
	case BS_FILE_WORLD:
		ck_assert_int_eq(chmod(path, 0646), 0);
		break;
	case BS_FILE_GROUP:
		ck_assert_int_eq(chmod(path, 0664), 0);
		break;
	case BS_DIR_WORLD:
		ck_assert_int_eq(chmod(ucache, 0777), 0);
		break;
	case BS_FILE_OWNER:
		if (geteuid() != 0)
			return; /* cannot give files away */
		ck_assert_int_eq(chown(path, 4321, 4321), 0);
		break;
	case BS_DIR_OWNER:
		if (geteuid() != 0)
			return;
		ck_assert_int_eq(chown(ucache, 4321, 4321), 0);
		break;
	case BS_SYMLINK:
		snprintf(real, sizeof(real), "%s/real.sum", tmp);
		ck_assert_int_eq(rename(path, real), 0);
		ck_assert_int_eq(symlink(real, path), 0);
		break;
	case BS_TRUNCATED:
	case BS_CORRUPT:
		img = tu_slurp(NULL, path, &len);
		if (_i == BS_CORRUPT)
			img[SHK_S2SUM_SIZE - 20] ^= 1; /* a count, unsealed */
		else
			len -= 1;
		ck_assert_ptr_nonnull(f = fopen(path, "wb"));
		ck_assert_uint_eq(fwrite(img, 1, len, f), len);
		ck_assert_int_eq(fclose(f), 0);
		free(img);
		break;
	case BS_OFF:
		setenv("SSHHOSTKEYS_SSH2_SUMMARY", "0", 1);
		break;
	}
	module_open();
	lookup_absent();
	if (_i == BS_VALID) {
		ck_assert_msg(tu_log_has("holds 5 genuine Tectia"), "%s", tu_log());
		return;
	}
	ck_assert_msg(tu_log_has("holds 1 genuine Tectia"), "case %d: %s", _i, tu_log());
	ck_assert_int_eq(tu_log_count("genuine Tectia", SHK_LOG_INFO), 1);
	/* Why, at debug level only (the answer does not depend on it). */
	if (_i != BS_OFF)
		ck_assert_msg(tu_log_has("summary not used: "), "case %d: %s", _i, tu_log());
	ck_assert_msg(!tu_log_has_level(SHK_LOG_ERR) && !tu_log_has_level(SHK_LOG_WARN),
		      "more than debug and info logged:\n%s", tu_log());
}
END_TEST

/* The non-debug lines of the log: what a user sees. */
static void
visible_log(char *out, size_t cap)
{
	const char *p = tu_log(), *nl;
	size_t n = 0;

	out[0] = '\0';
	for (; *p != '\0'; p = nl + 1) {
		ck_assert_ptr_nonnull(nl = strchr(p, '\n'));
		if (strncmp(p, "DEBUG ", 6) != 0) {
			ck_assert_uint_lt(n + (size_t)(nl + 1 - p), cap);
			memcpy(out + n, p, (size_t)(nl + 1 - p));
			n += (size_t)(nl + 1 - p);
			out[n] = '\0';
		}
	}
}

START_TEST(test_summary_same_messages)
{
	static char want[8192], got[8192];
	struct shk_s2sum sum;
	int k;

	/* The user directory: hashed files without a salt, Tectia files;
	 * the system one: the same, so both warnings and one notice. */
	tu_mkdirs(udir, 0755);
	tu_mkdirs(sdir, 0755);
	tu_write(udir, HASHED_X, "");
	tu_write(udir, HASHED_Y, "");
	put_fixture(udir, TECTIA_FILE, "host_rsa.rfc");
	put_fixture(udir, TECTIA_2, "host_rsa.rfc");
	put_fixture(udir, TECTIA_3, "host_rsa.rfc");
	pad(udir, 64);
	tu_write(sdir, HASHED_X, "");
	put_fixture(sdir, TECTIA_FILE, "host_rsa.rfc");
	pad(sdir, 70);
	/* /var/cache is there on a real system; only the last level is
	 * ever made. */
	tu_mkdirs(scache, 0755);
	ck_assert_int_eq(rmdir(scache), 0);
	wait_settled(udir);
	wait_settled(sdir);
	/* Without summaries: a listing per directory, as before. */
	setenv("SSHHOSTKEYS_SSH2_SUMMARY", "0", 1);
	module_open();
	lookup_absent();
	visible_log(want, sizeof(want));
	ck_assert_msg(strstr(want, "missing while 2 hashed file(s)") != NULL, "%s", want);
	ck_assert_msg(strstr(want, "missing while 1 hashed file(s)") != NULL, "%s", want);
	ck_assert(strstr(want, "holds 3 genuine Tectia") != NULL);
	ck_assert(!exists(ucache) && !exists(scache));
	unsetenv("SSHHOSTKEYS_SSH2_SUMMARY");
	/* 0: listed and written; 1: the warm context's memory; 2: a fresh
	 * context reading the summaries. */
	for (k = 0; k < 3; k++) {
		if (k != 1)
			reopen();
		tu_log_clear();
		lookup_absent();
		visible_log(got, sizeof(got));
		ck_assert_msg(strcmp(want, got) == 0, "round %d:\n%s\nwant:\n%s", k, got, want);
		ck_assert_int_eq(tu_log_count("genuine Tectia", SHK_LOG_INFO), 1);
	}
	ck_assert_int_eq(load_sum(ucache, udir, &sum), SHK_OK);
	ck_assert_uint_eq(sum.nhashed, 2);
	ck_assert_uint_eq(sum.ntectia, 3);
	/* Root writes the system directory's summary in the system cache. */
	if (geteuid() == 0) {
		ck_assert_int_eq(load_sum(scache, sdir, &sum), SHK_OK);
		ck_assert_uint_eq(sum.nhashed, 1);
		ck_assert_uint_eq(sum.ntectia, 1);
	}
}
END_TEST

/* Another user's stores: their cache is theirs, so nothing is written
 * for the user directory, and the system cache is written by root only. */
START_TEST(test_summary_other_user)
{
	tu_mkdirs(udir, 0755);
	put_salt(udir);
	put_fixture(udir, TECTIA_FILE, "host_rsa.rfc");
	pad(udir, 64);
	wait_settled(udir);
	env.uid = geteuid() + 1;
	module_open();
	lookup_absent();
	ck_assert(tu_log_has("holds 1 genuine Tectia"));
	ck_assert(!exists(ucache));
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("ssh2_module");
	TCase *tc = tcase_create("ssh2_module"), *ts = tcase_create("summary");

	if (getenv("SSHHOSTKEYS_MODULE_DIR") == NULL) {
		fprintf(stderr, "SSHHOSTKEYS_MODULE_DIR is not set: skipped\n");
		return 77;
	}
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_abi);
	tcase_add_test(tc, test_plain);
	tcase_add_test(tc, test_plain_ipv6);
	tcase_add_test(tc, test_hashed);
	tcase_add_test(tc, test_enumerate_unnamed);
	tcase_add_test(tc, test_hashed_wins);
	tcase_add_test(tc, test_user_beats_system);
	tcase_add_test(tc, test_system_only_no_home);
	tcase_add_test(tc, test_conf_dirs);
	tcase_add_loop_test(tc, test_bad_salt_falls_back, 0, SHK_ARRAY_SIZE(bad_salts));
	tcase_add_test(tc, test_tectia_ignored);
	tcase_add_test(tc, test_world_writable_dir);
	tcase_add_test(tc, test_group_writable_file);
	tcase_add_test(tc, test_symlinked_key_refused);
	tcase_add_test(tc, test_fifo_refused);
	tcase_add_test(tc, test_multi_key_file);
	tcase_add_loop_test(tc, test_type_filter, 0, SHK_ARRAY_SIZE(type_filters));
	tcase_add_test(tc, test_conf_empty_turns_off);
	tcase_add_test(tc, test_no_store);
	tcase_add_loop_test(tc, test_bad_query_host, 0, SHK_ARRAY_SIZE(bad_query_hosts));
	tcase_add_test(tc, test_check_lint);
	tcase_add_test(tc, test_check_clean);
	tcase_add_test(tc, test_key_cache);
	tcase_add_test(tc, test_key_cache_not_for_warnings);
	suite_add_tcase(s, tc);
	/* These wait for a directory to settle (2 s), some twice. */
	tcase_add_checked_fixture(ts, setup, teardown);
	tcase_set_timeout(ts, 30);
	tcase_add_test(ts, test_summary_written_and_used);
	tcase_add_test(ts, test_summary_stale);
	tcase_add_test(ts, test_summary_racy_not_kept);
	tcase_add_loop_test(ts, test_summary_bad_ignored, 0, BS_NUM);
	tcase_add_test(ts, test_summary_same_messages);
	tcase_add_test(ts, test_summary_other_user);
	suite_add_tcase(s, ts);
	return tu_run(s);
}
