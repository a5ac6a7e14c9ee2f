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
#include <unistd.h>

#include <sshhostkeys/module.h>

#include "base64.h"
#include "shk.h"
#include "testutil.h"

#define FIXTURES TESTDATADIR "/ssh2"
#define ALPHA_HASHED "keys_aef40c80e9d5ae333c70320601cdea78aa7f49c80891cabca7e3e85c22757f6a"
#define TECTIA_FILE "keys_182166d2efe5a134d3fb948646e0b48f780bff6c"

/* Per-test state; each test runs in its own process. */
static void *dl;
static const struct shk_module *mod;
static struct shk_module_env env;
static void *mstate;
static char tmp[256], home[300], root[300], udir[400], sdir[400];
static const char *conf_user, *conf_system;
static char logbuf[1 << 16];
static size_t loglen;
static int nlog_info_tectia;

static const char *
test_conf_get(const struct shk_module_env *e, const char *key)
{
	(void)e;
	if (strcmp(key, "user_hostkeys_dir") == 0)
		return conf_user;
	if (strcmp(key, "system_hostkeys_dir") == 0)
		return conf_system;
	return NULL;
}

static void
test_log(const struct shk_module_env *e, int level, int code, const char *file,
	 unsigned long line, const char *msg)
{
	int n;

	(void)e;
	(void)code;
	if (level == SHK_LOG_INFO && strstr(msg, "genuine Tectia") != NULL)
		nlog_info_tectia++;
	n = snprintf(logbuf + loglen, sizeof(logbuf) - loglen, "%d %s:%lu: %s\n", level,
		     file != NULL ? file : "-", line, msg);
	if (n > 0 && (size_t)n < sizeof(logbuf) - loglen)
		loglen += (size_t)n;
}

static int
log_has(const char *s)
{
	return strstr(logbuf, s) != NULL;
}

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
	tu_mkdirs(home, 0755);
	tu_mkdirs(root, 0755);

	memset(&env, 0, sizeof(env));
	env.abi_version = SHK_MODULE_ABI_VERSION;
	env.root = root;
	env.home = home;
	env.uid = getuid();
	env.conf_get = test_conf_get;
	env.log = test_log;
	conf_user = conf_system = NULL;
	mstate = NULL;
	loglen = 0;
	logbuf[0] = '\0';
	nlog_info_tectia = 0;
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
	ck_assert(!log_has("salt"));
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
	conf_user = "~/alt/";
	conf_system = "/opt/hk";
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
		ck_assert_msg(!log_has(path), "a found host listed the directory:\n%s", logbuf);
		ck_assert_int_eq(lookup("absent.example.com", 22, NULL, &res, &buf),
				 SHK_NSS_NOTFOUND);
		free(buf);
	}
	ck_assert_msg(log_has(path), "no warning about %s in:\n%s", path, logbuf);
	ck_assert_msg(log_has(bad_salts[_i].reason), "no \"%s\" in:\n%s", bad_salts[_i].reason,
		      logbuf);
	ck_assert(log_has("hashed files of this directory are unusable"));
	/* check counts the same problem. */
	loglen = 0;
	logbuf[0] = '\0';
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
	ck_assert_int_eq(nlog_info_tectia, 1);
	ck_assert(log_has(TECTIA_FILE) == 0);
	/* Found through the plain file; the Tectia files are still news. */
	ck_assert_int_eq(lookup("beta", 22, NULL, &res, &buf), SHK_NSS_SUCCESS);
	assert_one_key(&res, "host_ed25519.pub", "ssh-ed25519", sdir, "key_22_beta.pub");
	free(buf);
	/* One message per lookup call, whatever the buffer size. */
	nlog_info_tectia = 0;
	memset(&q, 0, sizeof(q));
	q.host = "beta";
	q.port = 22;
	ck_assert_int_eq(mod->lookup(mstate, &q, &res, big, sizeof(big), &err), SHK_NSS_SUCCESS);
	ck_assert_int_eq(nlog_info_tectia, 1);
	/* check names each file. */
	ck_assert_int_eq(mod->check(mstate), 2);
	ck_assert(log_has(udir));
	ck_assert(log_has(TECTIA_FILE ":0: genuine Tectia hashed file: its host cannot be "
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
	ck_assert(log_has("writable by others"));
	ck_assert(log_has("store ignored"));
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
	ck_assert(log_has("writable by its group"));
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
	ck_assert_msg(log_has("key_22_alpha.pub:0: is a symbolic link: refused"), "%s", logbuf);
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
	ck_assert(log_has("not a regular file"));
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
	conf_user = "";
	conf_system = "relative/dir";
	module_open();
	ck_assert_int_eq(lookup("alpha", 22, NULL, &res, &buf), SHK_NSS_UNAVAIL);
	free(buf);
	ck_assert(log_has("not an absolute path"));
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
	ck_assert_msg(log_has("notes.txt:0: name fits no pattern"), "%s", logbuf);
	ck_assert(log_has("key_22_Alpha.pub:0: host name is not lowercase"));
	ck_assert(log_has("genuine Tectia hashed file"));
	ck_assert(log_has("key_22_link.pub:0: is a symbolic link"));
	ck_assert_msg(log_has("key_22_broken.pub:1: "), "%s", logbuf);
	ck_assert(log_has("salt:0: salt is not hex"));
	ck_assert(!log_has(ALPHA_HASHED));
	ck_assert(!log_has("key_22_alpha.pub"));
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
	ck_assert_msg(mod->check(mstate) == 0, "%s", logbuf);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("ssh2_module");
	TCase *tc = tcase_create("ssh2_module");

	if (getenv("SSHHOSTKEYS_MODULE_DIR") == NULL) {
		fprintf(stderr, "SSHHOSTKEYS_MODULE_DIR is not set: skipped\n");
		return 77;
	}
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_abi);
	tcase_add_test(tc, test_plain);
	tcase_add_test(tc, test_plain_ipv6);
	tcase_add_test(tc, test_hashed);
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
	suite_add_tcase(s, tc);
	return tu_run(s);
}
