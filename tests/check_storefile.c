/* SPDX-License-Identifier: MIT */
/* The writers' file primitives on temporary directories. */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "storefile.h"
#include "testutil.h"

static char tmp[256];

static void
setup(void)
{
	tu_tmpdir(tmp, sizeof(tmp), "sf", 0755);
}

static void
teardown(void)
{
	tu_rmtree(tmp);
}

/* Content of dir/name into buf (NUL-terminated); -1 when unreadable. */
static ssize_t
slurp(const char *dir, const char *name, char *buf, size_t cap)
{
	char p[512];
	ssize_t n;
	int fd;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	if ((fd = open(p, O_RDONLY)) == -1)
		return -1;
	n = read(fd, buf, cap - 1);
	close(fd);
	if (n >= 0)
		buf[n] = '\0';
	return n;
}

static int
open_tmp(void)
{
	int fd = -1;

	ck_assert_int_eq(shk_sf_open_dir(tmp, tmp, 0, 0700, &fd, NULL, NULL), SHK_OK);
	return fd;
}

static mode_t
mode_of(const char *path)
{
	struct stat st;

	ck_assert_int_eq(lstat(path, &st), 0);
	return st.st_mode & 07777;
}

START_TEST(test_open_dir_creates)
{
	char path[512], sub[512];
	struct shk_error err;
	int fd = -1, created = 0;
	mode_t old = umask(_i == 0 ? 077 : 002);

	snprintf(path, sizeof(path), "%s/home/.ssh2/hostkeys", tmp);
	ck_assert_int_eq(shk_sf_open_dir(tmp, path, 0, 0700, &fd, NULL, &err), SHK_ERR_NOTFOUND);
	ck_assert_int_eq(shk_sf_open_dir(tmp, path, SHK_SF_CREATE, 0700, &fd, &created, &err),
			 SHK_OK);
	umask(old);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(created, 1);
	close(fd);
	/* Every created component gets exactly the mode, whatever the umask. */
	ck_assert_uint_eq(mode_of(path), 0700);
	snprintf(sub, sizeof(sub), "%s/home/.ssh2", tmp);
	ck_assert_uint_eq(mode_of(sub), 0700);
	ck_assert_int_eq(shk_sf_open_dir(tmp, path, SHK_SF_CREATE, 0700, &fd, &created, &err),
			 SHK_OK);
	ck_assert_int_eq(created, 0);
	close(fd);
}
END_TEST

START_TEST(test_open_dir_refuses)
{
	char path[512], link[512], target[512];
	struct shk_error err;
	int fd = -1;

	snprintf(target, sizeof(target), "%s/elsewhere", tmp);
	ck_assert_int_eq(mkdir(target, 0700), 0);
	snprintf(link, sizeof(link), "%s/home", tmp);
	ck_assert_int_eq(symlink(target, link), 0);
	snprintf(path, sizeof(path), "%s/home/.ssh2", tmp);
	memset(&err, 0, sizeof(err));
	ck_assert_int_eq(shk_sf_open_dir(tmp, path, SHK_SF_CREATE, 0700, &fd, NULL, &err),
			 SHK_ERR_UNTRUSTED);
	ck_assert_ptr_nonnull(strstr(err.msg, "symbolic link"));
	ck_assert_int_eq(fd, -1);
	/* Nothing was created through the link. */
	snprintf(path, sizeof(path), "%s/elsewhere/.ssh2", tmp);
	ck_assert_int_eq(access(path, F_OK), -1);
	/* A component that is a file. */
	tu_write(tmp, "file", "x");
	snprintf(path, sizeof(path), "%s/file/sub", tmp);
	ck_assert_int_eq(shk_sf_open_dir(tmp, path, SHK_SF_CREATE, 0700, &fd, NULL, &err),
			 SHK_ERR_INVAL);
	snprintf(path, sizeof(path), "%s/a/../b", tmp);
	ck_assert_int_eq(shk_sf_open_dir(tmp, path, SHK_SF_CREATE, 0700, &fd, NULL, &err),
			 SHK_ERR_INVAL);
	ck_assert_int_eq(shk_sf_open_dir(tmp, "relative", SHK_SF_CREATE, 0700, &fd, NULL, &err),
			 SHK_ERR_INVAL);
}
END_TEST

/* The anchor itself may be a symlink (a home reached through a link). */
START_TEST(test_open_dir_anchor_link)
{
	char link[300], path[512];
	int fd = -1;

	snprintf(link, sizeof(link), "%s/link", tmp);
	ck_assert_int_eq(symlink(tmp, link), 0);
	snprintf(path, sizeof(path), "%s/store", link);
	ck_assert_int_eq(shk_sf_open_dir(link, path, SHK_SF_CREATE, 0700, &fd, NULL, NULL),
			 SHK_OK);
	close(fd);
	snprintf(path, sizeof(path), "%s/store", tmp);
	ck_assert_uint_eq(mode_of(path), 0700);
}
END_TEST

START_TEST(test_replace_new_and_old)
{
	char buf[256], path[512];
	struct shk_error err;
	int fd = open_tmp(), lk = -1;
	mode_t old = umask(077);

	ck_assert_int_eq(shk_sf_lock(fd, &lk, NULL), SHK_OK);
	ck_assert_int_eq(shk_sf_replace(fd, "f", "one\n", 4, 0644, "f.old", &err), SHK_OK);
	umask(old);
	ck_assert_int_eq(slurp(tmp, "f", buf, sizeof(buf)), 4);
	ck_assert_str_eq(buf, "one\n");
	snprintf(path, sizeof(path), "%s/f", tmp);
	ck_assert_uint_eq(mode_of(path), 0644);
	/* Nothing to keep the first time. */
	ck_assert_int_eq(slurp(tmp, "f.old", buf, sizeof(buf)), -1);
	ck_assert_int_eq(shk_sf_replace(fd, "f", "two\n", 4, 0600, "f.old", &err), SHK_OK);
	ck_assert_int_eq(slurp(tmp, "f", buf, sizeof(buf)), 4);
	ck_assert_str_eq(buf, "two\n");
	ck_assert_uint_eq(mode_of(path), 0600);
	ck_assert_int_eq(slurp(tmp, "f.old", buf, sizeof(buf)), 4);
	ck_assert_str_eq(buf, "one\n");
	ck_assert_int_eq(shk_sf_replace(fd, "f", "three\n", 6, 0644, "f.old", &err), SHK_OK);
	ck_assert_int_eq(slurp(tmp, "f.old", buf, sizeof(buf)), 4);
	ck_assert_str_eq(buf, "two\n");
	ck_assert_int_eq(slurp(tmp, SHK_SF_TEMP_NAME, buf, sizeof(buf)), -1);
	ck_assert_int_eq(shk_sf_replace(fd, "empty", "", 0, 0644, NULL, &err), SHK_OK);
	ck_assert_int_eq(slurp(tmp, "empty", buf, sizeof(buf)), 0);
	shk_sf_unlock(lk);
	close(fd);
}
END_TEST

/* What may be planted in the way of a write: at the target, at the
 * temporary name, at the lock. */
enum plant { PLANT_TARGET_LINK, PLANT_TARGET_FIFO, PLANT_TARGET_DIR, PLANT_TEMP_LINK,
	     PLANT_TEMP_FILE };

START_TEST(test_replace_planted)
{
	char buf[256], victim[512], p[512];
	struct shk_error err;
	int fd, r, want;

	tu_write(tmp, "victim", "precious\n");
	snprintf(victim, sizeof(victim), "%s/victim", tmp);
	switch (_i) {
	case PLANT_TARGET_LINK:
		snprintf(p, sizeof(p), "%s/f", tmp);
		ck_assert_int_eq(symlink(victim, p), 0);
		want = SHK_ERR_UNTRUSTED;
		break;
	case PLANT_TARGET_FIFO:
		snprintf(p, sizeof(p), "%s/f", tmp);
		ck_assert_int_eq(mkfifo(p, 0644), 0);
		want = SHK_ERR_INVAL;
		break;
	case PLANT_TARGET_DIR:
		snprintf(p, sizeof(p), "%s/f", tmp);
		ck_assert_int_eq(mkdir(p, 0755), 0);
		want = SHK_ERR_INVAL;
		break;
	case PLANT_TEMP_LINK:
		snprintf(p, sizeof(p), "%s/" SHK_SF_TEMP_NAME, tmp);
		ck_assert_int_eq(symlink(victim, p), 0);
		want = SHK_OK;
		break;
	default:
		tu_write(tmp, SHK_SF_TEMP_NAME, "stale leftover");
		want = SHK_OK;
		break;
	}
	fd = open_tmp();
	memset(&err, 0, sizeof(err));
	r = shk_sf_replace(fd, "f", "new\n", 4, 0644, NULL, &err);
	ck_assert_int_eq(r, want);
	if (r != SHK_OK)
		ck_assert_ptr_nonnull(strstr(err.msg, "f:"));
	else
		ck_assert_int_eq(slurp(tmp, "f", buf, sizeof(buf)), 4);
	/* The file a link pointed to is never written. */
	ck_assert_int_eq(slurp(tmp, "victim", buf, sizeof(buf)), 9);
	ck_assert_str_eq(buf, "precious\n");
	close(fd);
}
END_TEST

START_TEST(test_lock_planted)
{
	char p[512], victim[512];
	int fd, lk = -1;

	snprintf(victim, sizeof(victim), "%s/victim", tmp);
	tu_write(tmp, "victim", "x");
	snprintf(p, sizeof(p), "%s/" SHK_SF_LOCK_NAME, tmp);
	if (_i == 0)
		ck_assert_int_eq(symlink(victim, p), 0);
	else
		ck_assert_int_eq(mkfifo(p, 0644), 0);
	fd = open_tmp();
	ck_assert_int_eq(shk_sf_lock(fd, &lk, NULL), _i == 0 ? SHK_ERR_UNTRUSTED : SHK_ERR_INVAL);
	ck_assert_int_eq(lk, -1);
	close(fd);
}
END_TEST

START_TEST(test_map_and_stat_refuse)
{
	struct shk_fmap m;
	char p[512];
	int fd;

	tu_write(tmp, "real", "data");
	snprintf(p, sizeof(p), "%s/link", tmp);
	ck_assert_int_eq(symlink("real", p), 0);
	snprintf(p, sizeof(p), "%s/fifo", tmp);
	ck_assert_int_eq(mkfifo(p, 0644), 0);
	fd = open_tmp();
	ck_assert_int_eq(shk_sf_map(fd, "real", &m, NULL), SHK_OK);
	ck_assert_uint_eq(m.len, 4);
	shk_fmap_close(&m);
	ck_assert_int_eq(shk_sf_map(fd, "link", &m, NULL), SHK_ERR_UNTRUSTED);
	ck_assert_int_eq(shk_sf_map(fd, "fifo", &m, NULL), SHK_ERR_INVAL);
	ck_assert_int_eq(shk_sf_map(fd, "absent", &m, NULL), SHK_ERR_NOTFOUND);
	ck_assert_int_eq(shk_sf_stat(fd, "link", NULL, NULL), SHK_ERR_UNTRUSTED);
	ck_assert_int_eq(shk_sf_stat(fd, "fifo", NULL, NULL), SHK_ERR_INVAL);
	ck_assert_int_eq(shk_sf_unlink(fd, "link", NULL), SHK_ERR_UNTRUSTED);
	ck_assert_int_eq(shk_sf_unlink(fd, "absent", NULL), SHK_ERR_NOTFOUND);
	ck_assert_int_eq(shk_sf_unlink(fd, "real", NULL), SHK_OK);
	ck_assert_int_eq(access(p, F_OK), 0); /* the fifo stays */
	snprintf(p, sizeof(p), "%s/real", tmp);
	ck_assert_int_eq(access(p, F_OK), -1);
	close(fd);
}
END_TEST

/* Threads of one process serialize: each lock call has its own open
 * file description. */
START_TEST(test_lock_excludes_threads_trylock)
{
	int fd = open_tmp(), a = -1, b = -1;

	ck_assert_int_eq(shk_sf_lock(fd, &a, NULL), SHK_OK);
	ck_assert_int_eq(shk_sf_trylock(fd, &b, NULL), SHK_ERR_RANGE);
	shk_sf_unlock(a);
	ck_assert_int_eq(shk_sf_trylock(fd, &b, NULL), SHK_OK);
	shk_sf_unlock(b);
	close(fd);
}
END_TEST

#define NTHREADS 4
#define NROUNDS 100

/* Read-modify-write of a counter file under the lock: without mutual
 * exclusion increments get lost. */
static void *
counter_thread(void *arg)
{
	const int *dirfd = arg;
	struct shk_fmap m;
	char text[32];
	int i, lk, n;
	long v;

	for (i = 0; i < NROUNDS; i++) {
		if (shk_sf_lock(*dirfd, &lk, NULL) != SHK_OK)
			return (void *)1;
		v = 0;
		if (shk_sf_map(*dirfd, "counter", &m, NULL) == SHK_OK) {
			if (m.data != NULL)
				v = strtol(m.data, NULL, 10);
			shk_fmap_close(&m);
		}
		sched_yield();
		n = snprintf(text, sizeof(text), "%ld\n", v + 1);
		if (shk_sf_replace(*dirfd, "counter", text, (size_t)n, 0644, NULL, NULL) !=
		    SHK_OK) {
			shk_sf_unlock(lk);
			return (void *)1;
		}
		shk_sf_unlock(lk);
	}
	return NULL;
}

START_TEST(test_lock_excludes_threads_counter)
{
	pthread_t th[NTHREADS];
	char buf[64];
	void *ret;
	int fd = open_tmp(), i;

	for (i = 0; i < NTHREADS; i++)
		ck_assert_int_eq(pthread_create(&th[i], NULL, counter_thread, &fd), 0);
	for (i = 0; i < NTHREADS; i++) {
		ck_assert_int_eq(pthread_join(th[i], &ret), 0);
		ck_assert_ptr_null(ret);
	}
	ck_assert_int_gt(slurp(tmp, "counter", buf, sizeof(buf)), 0);
	ck_assert_int_eq(atoi(buf), NTHREADS * NROUNDS);
	close(fd);
}
END_TEST

START_TEST(test_salt_created_once)
{
	unsigned char s1[SHK_SSH2_SALT_LEN], s2[SHK_SSH2_SALT_LEN];
	char buf[128], path[512];
	int fd = open_tmp(), created = -1;

	ck_assert_int_eq(shk_sf_salt(fd, 0, NULL, s1, &created, NULL), SHK_ERR_NOTFOUND);
	ck_assert_int_eq(shk_sf_salt(fd, 1, NULL, s1, &created, NULL), SHK_OK);
	ck_assert_int_eq(created, 1);
	ck_assert_int_eq(slurp(tmp, SHK_SSH2_SALT_FILE, buf, sizeof(buf)), 65);
	snprintf(path, sizeof(path), "%s/" SHK_SSH2_SALT_FILE, tmp);
	ck_assert_uint_eq(mode_of(path), 0644);
	ck_assert_int_eq(shk_sf_salt(fd, 1, NULL, s2, &created, NULL), SHK_OK);
	ck_assert_int_eq(created, 0);
	ck_assert(memcmp(s1, s2, sizeof(s1)) == 0);
	ck_assert_int_eq(slurp(tmp, SHK_SF_TEMP_NAME, buf, sizeof(buf)), -1);
	close(fd);
}
END_TEST

START_TEST(test_salt_seed_and_never_replaced)
{
	unsigned char seed[SHK_SSH2_SALT_LEN], s[SHK_SSH2_SALT_LEN];
	char buf[128], p[512];
	struct shk_error err;
	int fd = open_tmp(), i;

	for (i = 0; i < SHK_SSH2_SALT_LEN; i++)
		seed[i] = (unsigned char)i;
	ck_assert_int_eq(shk_sf_salt(fd, 1, seed, s, NULL, NULL), SHK_OK);
	ck_assert_int_eq(slurp(tmp, SHK_SSH2_SALT_FILE, buf, sizeof(buf)), 65);
	ck_assert_str_eq(buf,
			 "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n");
	/* A broken salt is reported, never replaced. */
	tu_write(tmp, SHK_SSH2_SALT_FILE, "zz\n");
	memset(&err, 0, sizeof(err));
	ck_assert_int_eq(shk_sf_salt(fd, 1, NULL, s, NULL, &err), SHK_ERR_PARSE);
	ck_assert_ptr_nonnull(strstr(err.msg, "salt"));
	ck_assert_int_eq(slurp(tmp, SHK_SSH2_SALT_FILE, buf, sizeof(buf)), 3);
	/* A symlinked salt is refused and stays. */
	snprintf(p, sizeof(p), "%s/" SHK_SSH2_SALT_FILE, tmp);
	unlink(p);
	ck_assert_int_eq(symlink("/dev/null", p), 0);
	ck_assert_int_eq(shk_sf_salt(fd, 1, NULL, s, NULL, NULL), SHK_ERR_UNTRUSTED);
	ck_assert_int_eq(access("/dev/null", F_OK), 0);
	close(fd);
}
END_TEST

/* keys_* files without a salt were named with a salt that is gone: a
 * new one would orphan them, so none is made; an empty directory (or
 * one with plain files only) still gets one. */
START_TEST(test_salt_refused_beside_orphans)
{
	unsigned char s[SHK_SSH2_SALT_LEN];
	char buf[128];
	struct shk_error err;
	int fd = open_tmp(), created = -1;

	tu_write(tmp, "key_22_plain.example.pub", "");
	tu_write(tmp, "keys_00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff",
		 "");
	memset(&err, 0, sizeof(err));
	ck_assert_int_eq(shk_sf_salt(fd, 1, NULL, s, &created, &err), SHK_ERR_INVAL);
	ck_assert_int_eq(created, 0);
	ck_assert_ptr_nonnull(strstr(err.msg, "hashed files but no salt"));
	ck_assert_int_eq(slurp(tmp, SHK_SSH2_SALT_FILE, buf, sizeof(buf)), -1);
	ck_assert_int_eq(slurp(tmp, SHK_SF_TEMP_NAME, buf, sizeof(buf)), -1);
	ck_assert_int_eq(
		unlinkat(fd, "keys_00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff",
			 0),
		0);
	ck_assert_int_eq(shk_sf_salt(fd, 1, NULL, s, &created, NULL), SHK_OK);
	ck_assert_int_eq(created, 1);
	close(fd);
}
END_TEST

struct salt_race {
	int dirfd;
	int created;
	unsigned char salt[SHK_SSH2_SALT_LEN];
};

static void *
salt_thread(void *arg)
{
	struct salt_race *sr = arg;
	int lk;

	if (shk_sf_lock(sr->dirfd, &lk, NULL) != SHK_OK)
		return (void *)1;
	if (shk_sf_salt(sr->dirfd, 1, NULL, sr->salt, &sr->created, NULL) != SHK_OK) {
		shk_sf_unlock(lk);
		return (void *)1;
	}
	shk_sf_unlock(lk);
	return NULL;
}

START_TEST(test_salt_race)
{
	struct salt_race sr[NTHREADS];
	pthread_t th[NTHREADS];
	void *ret;
	int fd = open_tmp(), i, ncreated = 0;

	for (i = 0; i < NTHREADS; i++) {
		memset(&sr[i], 0, sizeof(sr[i]));
		sr[i].dirfd = fd;
		ck_assert_int_eq(pthread_create(&th[i], NULL, salt_thread, &sr[i]), 0);
	}
	for (i = 0; i < NTHREADS; i++) {
		ck_assert_int_eq(pthread_join(th[i], &ret), 0);
		ck_assert_ptr_null(ret);
		ncreated += sr[i].created;
		ck_assert(memcmp(sr[i].salt, sr[0].salt, SHK_SSH2_SALT_LEN) == 0);
	}
	ck_assert_int_eq(ncreated, 1);
	close(fd);
}
END_TEST

static Suite *
storefile_suite(void)
{
	Suite *s = suite_create("storefile");
	TCase *tc = tcase_create("dirs");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_open_dir_creates, 0, 2);
	tcase_add_test(tc, test_open_dir_refuses);
	tcase_add_test(tc, test_open_dir_anchor_link);
	suite_add_tcase(s, tc);

	tc = tcase_create("write");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_replace_new_and_old);
	tcase_add_loop_test(tc, test_replace_planted, PLANT_TARGET_LINK, PLANT_TEMP_FILE + 1);
	tcase_add_loop_test(tc, test_lock_planted, 0, 2);
	tcase_add_test(tc, test_map_and_stat_refuse);
	suite_add_tcase(s, tc);

	tc = tcase_create("lock");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_lock_excludes_threads_trylock);
	tcase_add_test(tc, test_lock_excludes_threads_counter);
	suite_add_tcase(s, tc);

	tc = tcase_create("salt");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_salt_created_once);
	tcase_add_test(tc, test_salt_seed_and_never_replaced);
	tcase_add_test(tc, test_salt_refused_beside_orphans);
	tcase_add_test(tc, test_salt_race);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return tu_run(storefile_suite());
}
