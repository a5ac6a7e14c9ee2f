/* SPDX-License-Identifier: MIT */
/*
 * shk_store_add and shk_store_remove through a context on a temporary
 * root and home, checked with shk_lookup and by reading the files.
 */
#include "config.h"

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sshhostkeys.h>

#include "ssh2name.h"
#include "storefile.h"
#include "testutil.h"

static char tmp[256], root[300], home[300], udir[400], sdir[400], sshdir[400];
static struct shk_ctx *ctx;
static struct shk_key *ked, *krsa, *kec;
static int nerrors;
static char lastmsg[1024];

static void
test_log(void *arg, const struct shk_diag *d)
{
	(void)arg;
	if (d->level == SHK_LOG_ERR)
		nerrors++;
	if (d->level <= SHK_LOG_WARN)
		snprintf(lastmsg, sizeof(lastmsg), "%s: %s", d->file != NULL ? d->file : "",
			 d->msg);
}

static int
exists(const char *dir, const char *name)
{
	char p[1024];

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	return access(p, F_OK) == 0;
}

/* Number of entries of kind in dir (every entry for SHK_SSH2_OTHER + 99). */
static int
count_kind(const char *dir, enum shk_ssh2_kind kind)
{
	struct dirent *de;
	DIR *dp;
	int n = 0;

	if ((dp = opendir(dir)) == NULL)
		return 0;
	while ((de = readdir(dp)) != NULL)
		if (shk_ssh2_classify(de->d_name, NULL, NULL, 0) == kind)
			n++;
	closedir(dp);
	return n;
}

static struct shk_key *
load_key(const char *name)
{
	struct shk_key **keys = NULL, *k;
	char p[1024];
	size_t n = 0, i;

	snprintf(p, sizeof(p), "%s/keys/%s", TESTDATADIR, name);
	ck_assert_int_eq(shk_key_load_file(p, NULL, NULL, &keys, &n), SHK_OK);
	k = keys[0];
	for (i = 1; i < n; i++)
		shk_key_free(keys[i]);
	free(keys);
	return k;
}

static void
open_ctx(const char *conf)
{
	char confdir[600];

	if (ctx != NULL)
		shk_ctx_close(ctx);
	ctx = NULL;
	snprintf(confdir, sizeof(confdir), "%s%s", root, SYSCONFDIR);
	tu_mkdirs(confdir, 0755);
	tu_write(confdir, "sshhostkeys.conf", conf != NULL ? conf : "");
	ck_assert_int_eq(shk_ctx_open(&ctx, root, 0, test_log, NULL), SHK_OK);
}

static void
setup(void)
{
	umask(022);
	tu_tmpdir(tmp, sizeof(tmp), "store", 0755);
	snprintf(root, sizeof(root), "%s/root", tmp);
	snprintf(home, sizeof(home), "%s/home", tmp);
	snprintf(udir, sizeof(udir), "%s/.ssh2/hostkeys", home);
	snprintf(sdir, sizeof(sdir), "%s/etc/ssh2/hostkeys", root);
	snprintf(sshdir, sizeof(sshdir), "%s/.ssh", home);
	tu_mkdirs(home, 0755);
	tu_mkdirs(root, 0755);
	{
		char etc[400];

		snprintf(etc, sizeof(etc), "%s/etc", root);
		tu_mkdirs(etc, 0755);
		tu_write(etc, "nsswitch.conf", "ssh_hostkeys: files ssh2\n");
	}
	setenv("HOME", home, 1);
	ked = load_key("ed25519.pub");
	krsa = load_key("rsa.pub");
	kec = load_key("ecdsa256.pub");
	nerrors = 0;
	lastmsg[0] = '\0';
	ctx = NULL;
	open_ctx(NULL);
}

static void
teardown(void)
{
	shk_ctx_close(ctx);
	ctx = NULL;
	shk_key_free(ked);
	shk_key_free(krsa);
	shk_key_free(kec);
	tu_rmtree(tmp);
}

/* Whether a lookup of host:port returns exactly the keys given (in any
 * order), from the ssh2 source. */
static void
expect_lookup(const char *host, unsigned int port, const struct shk_key *const *keys,
	      size_t n)
{
	struct shk_keylist *kl = NULL;
	size_t i, j;
	int r, ns = 0;

	r = shk_lookup_source(ctx, "ssh2", host, port, NULL, &kl, &ns);
	if (n == 0) {
		ck_assert_int_ne(r, SHK_OK);
		shk_keylist_free(kl);
		return;
	}
	ck_assert_int_eq(r, SHK_OK);
	ck_assert_uint_eq(kl->count, n);
	for (i = 0; i < n; i++) {
		for (j = 0; j < kl->count; j++)
			if (strcmp(kl->keys[j]->type, keys[i]->type) == 0 &&
			    kl->keys[j]->bloblen == keys[i]->bloblen &&
			    memcmp(kl->keys[j]->blob, keys[i]->blob, keys[i]->bloblen) == 0)
				break;
		ck_assert_msg(j < kl->count, "key %zu (%s) not found", i, keys[i]->type);
	}
	shk_keylist_free(kl);
}

static int
add1(enum shk_store_scope scope, enum shk_store_format f, const char *host,
     unsigned int port, const struct shk_key *k, size_t *added)
{
	const struct shk_key *v[1] = {k};

	return shk_store_add(ctx, scope, f, host, port, v, 1, added);
}

START_TEST(test_add_hashed_default)
{
	const struct shk_key *v[1] = {ked};
	char udirmode[600];
	struct stat st;
	size_t added = 9;

	ck_assert_int_eq(add1(SHK_STORE_USER, SHK_FORMAT_DEFAULT, "Alpha.Example.COM", 0, ked,
			      &added),
			 SHK_OK);
	ck_assert_uint_eq(added, 1);
	ck_assert_int_eq(count_kind(udir, SHK_SSH2_HASHED), 1);
	ck_assert_int_eq(count_kind(udir, SHK_SSH2_PLAIN), 0);
	ck_assert_int_eq(count_kind(udir, SHK_SSH2_SALT), 1);
	ck_assert(!exists(udir, SHK_SF_TEMP_NAME));
	expect_lookup("alpha.example.com", 22, v, 1);
	/* User stores are created 0700, files 0644. */
	ck_assert_int_eq(stat(udir, &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0700);
	snprintf(udirmode, sizeof(udirmode), "%s/.ssh2", home);
	ck_assert_int_eq(stat(udirmode, &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0700);
	snprintf(udirmode, sizeof(udirmode), "%s/salt", udir);
	ck_assert_int_eq(stat(udirmode, &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0644);
	ck_assert_int_eq(nerrors, 0);
}
END_TEST

START_TEST(test_merge_and_dedupe)
{
	const struct shk_key *both[2] = {ked, krsa}, *three[3] = {ked, krsa, kec};
	const struct shk_key *dup[3] = {kec, kec, ked};
	char *before, *after;
	char name[SHK_SSH2_PLAIN_NAME_MAX];
	size_t added = 9;
	enum shk_store_format f = _i == 0 ? SHK_FORMAT_PLAIN : SHK_FORMAT_HASHED;

	ck_assert_int_eq(add1(SHK_STORE_USER, f, "alpha", 0, ked, &added), SHK_OK);
	ck_assert_int_eq(add1(SHK_STORE_USER, f, "alpha", 0, krsa, &added), SHK_OK);
	ck_assert_uint_eq(added, 1);
	expect_lookup("alpha", 22, both, 2);
	/* One file per host, several types in it. */
	ck_assert_int_eq(count_kind(udir, f == SHK_FORMAT_PLAIN ? SHK_SSH2_PLAIN
								 : SHK_SSH2_HASHED),
			 1);
	/* A key already there is not added twice; nothing is written. */
	if (f == SHK_FORMAT_PLAIN) {
		ck_assert_int_eq(shk_ssh2_plain_name("alpha", 22, name, sizeof(name)), SHK_OK);
		before = tu_slurp(udir, name, NULL);
	}
	ck_assert_int_eq(add1(SHK_STORE_USER, f, "alpha", 0, ked, &added), SHK_OK);
	ck_assert_uint_eq(added, 0);
	if (f == SHK_FORMAT_PLAIN) {
		after = tu_slurp(udir, name, NULL);
		ck_assert_str_eq(before, after);
		free(before);
		free(after);
	}
	/* Duplicates inside one call count once. */
	ck_assert_int_eq(shk_store_add(ctx, SHK_STORE_USER, f, "alpha", 0, dup, 3, &added),
			 SHK_OK);
	ck_assert_uint_eq(added, 1);
	expect_lookup("alpha", 22, three, 3);
	ck_assert_int_eq(nerrors, 0);
}
END_TEST

START_TEST(test_hashed_removes_plain)
{
	const struct shk_key *both[2] = {ked, krsa};
	char plain[SHK_SSH2_PLAIN_NAME_MAX];

	ck_assert_int_eq(shk_ssh2_plain_name("alpha", 2222, plain, sizeof(plain)), SHK_OK);
	ck_assert_int_eq(add1(SHK_STORE_USER, SHK_FORMAT_PLAIN, "[alpha]:2222", 0, ked, NULL),
			 SHK_OK);
	ck_assert(exists(udir, plain));
	ck_assert_int_eq(count_kind(udir, SHK_SSH2_SALT), 0);
	/* The hashed write carries the plain file's keys over, then removes it. */
	ck_assert_int_eq(add1(SHK_STORE_USER, SHK_FORMAT_HASHED, "alpha", 2222, krsa, NULL),
			 SHK_OK);
	ck_assert(!exists(udir, plain));
	ck_assert_int_eq(count_kind(udir, SHK_SSH2_HASHED), 1);
	expect_lookup("alpha", 2222, both, 2);
	/* Converting with nothing new still converts. */
	ck_assert_int_eq(add1(SHK_STORE_USER, SHK_FORMAT_PLAIN, "beta", 0, ked, NULL), SHK_OK);
	ck_assert_int_eq(add1(SHK_STORE_USER, SHK_FORMAT_HASHED, "beta", 0, ked, NULL), SHK_OK);
	ck_assert_int_eq(count_kind(udir, SHK_SSH2_PLAIN), 0);
	ck_assert_int_eq(count_kind(udir, SHK_SSH2_HASHED), 2);
}
END_TEST

START_TEST(test_plain_into_existing_hashed)
{
	const struct shk_key *both[2] = {ked, krsa};

	ck_assert_int_eq(add1(SHK_STORE_USER, SHK_FORMAT_HASHED, "alpha", 0, ked, NULL), SHK_OK);
	/* A plain file would be hidden by the hashed one: the keys go there. */
	ck_assert_int_eq(add1(SHK_STORE_USER, SHK_FORMAT_PLAIN, "alpha", 0, krsa, NULL), SHK_OK);
	ck_assert_int_eq(count_kind(udir, SHK_SSH2_PLAIN), 0);
	ck_assert_int_eq(count_kind(udir, SHK_SSH2_HASHED), 1);
	expect_lookup("alpha", 22, both, 2);
}
END_TEST

START_TEST(test_format_from_conf)
{
	char plain[SHK_SSH2_PLAIN_NAME_MAX];

	open_ctx(_i == 0 ? "host_key_format = plain\n" : "host_key_format = hashed\n");
	ck_assert_int_eq(shk_ssh2_plain_name("alpha", 22, plain, sizeof(plain)), SHK_OK);
	ck_assert_int_eq(add1(SHK_STORE_USER, SHK_FORMAT_DEFAULT, "alpha", 0, ked, NULL), SHK_OK);
	ck_assert_int_eq(exists(udir, plain), _i == 0);
	ck_assert_int_eq(count_kind(udir, SHK_SSH2_HASHED), _i == 0 ? 0 : 1);
}
END_TEST

START_TEST(test_keeps_unreadable_parts)
{
	static const char old[] = "# kept comment\r\ngarbage line here\nssh-ed25519 AAAA";
	const struct shk_key *v[1] = {krsa};
	char plain[SHK_SSH2_PLAIN_NAME_MAX], *after;

	tu_mkdirs(udir, 0700);
	ck_assert_int_eq(shk_ssh2_plain_name("alpha", 22, plain, sizeof(plain)), SHK_OK);
	tu_write(udir, plain, old);
	ck_assert_int_eq(add1(SHK_STORE_USER, SHK_FORMAT_PLAIN, "alpha", 0, krsa, NULL), SHK_OK);
	after = tu_slurp(udir, plain, NULL);
	/* Old bytes first, untouched, then a newline and the new block. */
	ck_assert(strncmp(after, old, sizeof(old) - 1) == 0);
	ck_assert_int_eq(after[sizeof(old) - 1], '\n');
	ck_assert(strncmp(after + sizeof(old), "---- BEGIN SSH2 PUBLIC KEY ----\n", 32) == 0);
	free(after);
	expect_lookup("alpha", 22, v, 1);
}
END_TEST

START_TEST(test_system_scope_and_shared_salt)
{
	const struct shk_key *v[1] = {kec};
	char *ss, *us;

	ck_assert_int_eq(add1(SHK_STORE_SYSTEM, SHK_FORMAT_HASHED, "gamma", 0, kec, NULL), SHK_OK);
	ck_assert_int_eq(count_kind(sdir, SHK_SSH2_HASHED), 1);
	ck_assert_int_eq(count_kind(udir, SHK_SSH2_HASHED), 0);
	expect_lookup("gamma", 22, v, 1);
	/* A new user store takes the system store's salt. */
	ck_assert_int_eq(add1(SHK_STORE_USER, SHK_FORMAT_HASHED, "delta", 0, kec, NULL), SHK_OK);
	ss = tu_slurp(sdir, "salt", NULL);
	us = tu_slurp(udir, "salt", NULL);
	ck_assert_ptr_nonnull(ss);
	ck_assert_ptr_nonnull(us);
	ck_assert_str_eq(ss, us);
	free(ss);
	free(us);
}
END_TEST

START_TEST(test_refusals)
{
	char p[1024];

	ck_assert_int_eq(add1(SHK_STORE_USER, SHK_FORMAT_HASHED, "../etc", 0, ked, NULL),
			 SHK_ERR_INVAL);
	ck_assert_int_eq(add1(SHK_STORE_USER, SHK_FORMAT_HASHED, "[a]:2222", 22, ked, NULL),
			 SHK_ERR_INVAL);
	ck_assert_int_eq(shk_store_add(ctx, SHK_STORE_USER, SHK_FORMAT_HASHED, "a", 0, NULL, 0,
				       NULL),
			 SHK_ERR_INVAL);
	ck_assert(!exists(home, ".ssh2"));
	/* A world-writable store is ignored by lookups: never written. */
	tu_mkdirs(udir, 0700);
	chmod(udir, 0777);
	nerrors = 0;
	ck_assert_int_eq(add1(SHK_STORE_USER, SHK_FORMAT_PLAIN, "alpha", 0, ked, NULL),
			 SHK_ERR_UNTRUSTED);
	ck_assert_int_gt(nerrors, 0);
	ck_assert_ptr_nonnull(strstr(lastmsg, udir));
	ck_assert_int_eq(count_kind(udir, SHK_SSH2_PLAIN), 0);
	chmod(udir, 0700);
	/* A symlink where the host's file goes. */
	snprintf(p, sizeof(p), "%s/key_22_alpha.pub", udir);
	ck_assert_int_eq(symlink("/etc/passwd", p), 0);
	ck_assert_int_eq(add1(SHK_STORE_USER, SHK_FORMAT_PLAIN, "alpha", 0, ked, NULL),
			 SHK_ERR_UNTRUSTED);
	ck_assert_ptr_nonnull(strstr(lastmsg, "symbolic link"));
}
END_TEST

/* known_hosts as ssh-keygen -R sees it: the matching non-marker lines
 * go, everything else stays byte for byte. */
static const char kh_before[] =
	"# comment about alpha\n"
	"alpha ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl\n"
	"@revoked alpha ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQC\n"
	"beta,alpha.example.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl\n"
	"this line is invalid\n"
	"[alpha]:2222 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl\r\n"
	"al* ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl\n"
	"!alpha,* ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl\n"
	"alpha ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl";

static const char kh_after[] =
	"# comment about alpha\n"
	"@revoked alpha ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQC\n"
	"beta,alpha.example.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl\n"
	"this line is invalid\n"
	"[alpha]:2222 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl\r\n"
	"!alpha,* ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl\n";

START_TEST(test_remove_known_hosts_and_ssh2)
{
	char plain[SHK_SSH2_PLAIN_NAME_MAX], *s, p[600];
	struct stat st;
	size_t removed = 0;

	tu_mkdirs(sshdir, 0700);
	tu_write(sshdir, "known_hosts", kh_before);
	snprintf(p, sizeof(p), "%s/known_hosts", sshdir);
	chmod(p, 0600);
	ck_assert_int_eq(add1(SHK_STORE_USER, SHK_FORMAT_HASHED, "alpha", 0, ked, NULL), SHK_OK);
	/* A plain file hidden behind the hashed one goes too. */
	ck_assert_int_eq(shk_ssh2_plain_name("alpha", 22, plain, sizeof(plain)), SHK_OK);
	tu_write(udir, plain,
	    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl\n");
	ck_assert_int_eq(shk_store_remove(ctx, SHK_STORE_USER, "ALPHA", 0, &removed), SHK_OK);
	/* Two files, three lines (a pattern line matches like in ssh-keygen -R). */
	ck_assert_uint_eq(removed, 5);
	ck_assert_int_eq(count_kind(udir, SHK_SSH2_HASHED), 0);
	ck_assert(!exists(udir, plain));
	ck_assert_ptr_nonnull(s = tu_slurp(sshdir, "known_hosts", NULL));
	ck_assert_str_eq(s, kh_after);
	free(s);
	ck_assert_ptr_nonnull(s = tu_slurp(sshdir, "known_hosts.old", NULL));
	ck_assert_str_eq(s, kh_before);
	free(s);
	ck_assert_int_eq(stat(p, &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0600);
	ck_assert(!exists(sshdir, SHK_SF_TEMP_NAME));
	/* Nothing left: NOTFOUND, and .old is not touched again. */
	ck_assert_int_eq(shk_store_remove(ctx, SHK_STORE_USER, "alpha", 0, &removed),
			 SHK_ERR_NOTFOUND);
	ck_assert_uint_eq(removed, 0);
	ck_assert_ptr_nonnull(s = tu_slurp(sshdir, "known_hosts.old", NULL));
	ck_assert_str_eq(s, kh_before);
	free(s);
	/* The port form; "!alpha,*" does not negate "[alpha]:2222". */
	ck_assert_int_eq(shk_store_remove(ctx, SHK_STORE_USER, "alpha", 2222, &removed), SHK_OK);
	ck_assert_uint_eq(removed, 2);
	ck_assert_int_eq(nerrors, 0);
}
END_TEST

START_TEST(test_remove_system_scope_only)
{
	char etcssh[600], *s;
	size_t removed = 0;

	snprintf(etcssh, sizeof(etcssh), "%s/etc/ssh", root);
	tu_mkdirs(etcssh, 0755);
	tu_write(etcssh, "ssh_known_hosts",
	    "alpha ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl\n");
	tu_mkdirs(sshdir, 0700);
	tu_write(sshdir, "known_hosts", kh_before);
	ck_assert_int_eq(add1(SHK_STORE_USER, SHK_FORMAT_HASHED, "alpha", 0, ked, NULL), SHK_OK);
	ck_assert_int_eq(add1(SHK_STORE_SYSTEM, SHK_FORMAT_PLAIN, "alpha", 0, ked, NULL), SHK_OK);
	ck_assert_int_eq(shk_store_remove(ctx, SHK_STORE_SYSTEM, "alpha", 0, &removed), SHK_OK);
	ck_assert_uint_eq(removed, 2);
	ck_assert_ptr_nonnull(s = tu_slurp(etcssh, "ssh_known_hosts", NULL));
	ck_assert_str_eq(s, "");
	free(s);
	/* The user's stores are untouched. */
	ck_assert_int_eq(count_kind(udir, SHK_SSH2_HASHED), 1);
	ck_assert_ptr_nonnull(s = tu_slurp(sshdir, "known_hosts", NULL));
	ck_assert_str_eq(s, kh_before);
	free(s);
	ck_assert_int_eq(count_kind(sdir, SHK_SSH2_PLAIN), 0);
}
END_TEST

START_TEST(test_remove_refuses_symlinked_known_hosts)
{
	char p[1024], target[600], *s;
	size_t removed = 0;

	tu_mkdirs(sshdir, 0700);
	tu_write(home, "real_kh", kh_before);
	snprintf(target, sizeof(target), "%s/real_kh", home);
	snprintf(p, sizeof(p), "%s/known_hosts", sshdir);
	ck_assert_int_eq(symlink(target, p), 0);
	ck_assert_int_eq(shk_store_remove(ctx, SHK_STORE_USER, "alpha", 0, &removed),
			 SHK_ERR_UNTRUSTED);
	ck_assert_ptr_nonnull(strstr(lastmsg, "symbolic link"));
	ck_assert_ptr_nonnull(s = tu_slurp(home, "real_kh", NULL));
	ck_assert_str_eq(s, kh_before);
	free(s);
}
END_TEST

/* A context naming another home reads and writes that home's stores,
 * not $HOME's: a service acting for several users. */
START_TEST(test_named_home)
{
	struct shk_ctx_options o = {.size = sizeof(o), .root = root, .log = test_log};
	const struct shk_key *v[1] = {ked};
	struct shk_ctx *other = NULL;
	struct shk_keylist *kl = NULL;
	char ohome[400], odir[500];
	int ns;

	snprintf(ohome, sizeof(ohome), "%s/other", tmp);
	snprintf(odir, sizeof(odir), "%s/.ssh2/hostkeys", ohome);
	tu_mkdirs(ohome, 0755);
	o.home = ohome;
	ck_assert_int_eq(shk_ctx_open_with(&other, &o), SHK_OK);
	ck_assert_int_eq(shk_store_add(other, SHK_STORE_USER, SHK_FORMAT_PLAIN, "h.example", 0, v,
				       1, NULL),
			 SHK_OK);
	ck_assert(exists(odir, "key_22_h.example.pub"));
	ck_assert(!exists(udir, "key_22_h.example.pub"));
	ck_assert_int_eq(shk_lookup_source(other, "ssh2", "h.example", 0, NULL, &kl, &ns), SHK_OK);
	ck_assert_uint_eq(kl->count, 1);
	shk_keylist_free(kl);
	/* The context of $HOME does not see it. */
	ck_assert_int_eq(shk_lookup_source(ctx, "ssh2", "h.example", 0, NULL, &kl, &ns), SHK_OK);
	ck_assert_uint_eq(kl->count, 0);
	shk_keylist_free(kl);
	shk_ctx_close(other);
	/* The same with the owner named (root here, so trusted either way). */
	o.flags = SHK_CTX_USER_UID;
	o.user_uid = getuid();
	ck_assert_int_eq(shk_ctx_open_with(&other, &o), SHK_OK);
	ck_assert_int_eq(shk_lookup_source(other, "ssh2", "h.example", 0, NULL, &kl, &ns), SHK_OK);
	shk_keylist_free(kl);
	shk_ctx_close(other);
	ck_assert_int_eq(nerrors, 0);
}
END_TEST

static Suite *
store_suite(void)
{
	Suite *s = suite_create("store");
	TCase *tc = tcase_create("add");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_add_hashed_default);
	tcase_add_loop_test(tc, test_merge_and_dedupe, 0, 2);
	tcase_add_test(tc, test_hashed_removes_plain);
	tcase_add_test(tc, test_plain_into_existing_hashed);
	tcase_add_loop_test(tc, test_format_from_conf, 0, 2);
	tcase_add_test(tc, test_keeps_unreadable_parts);
	tcase_add_test(tc, test_system_scope_and_shared_salt);
	tcase_add_test(tc, test_refusals);
	tcase_add_test(tc, test_named_home);
	suite_add_tcase(s, tc);

	tc = tcase_create("remove");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_remove_known_hosts_and_ssh2);
	tcase_add_test(tc, test_remove_system_scope_only);
	tcase_add_test(tc, test_remove_refuses_symlinked_known_hosts);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return tu_run(store_suite());
}
