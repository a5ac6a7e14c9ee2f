/* SPDX-License-Identifier: MIT */
/*
 * lib/core/cachefile.c: where the cache directories are, who may have
 * written a cache file, the atomic write and the 2-second rule.
 */
#include "config.h"

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cachefile.h"
#include "shk.h"
#include "testutil.h"

static char tmpdir[256];

static void
setup_dir(void)
{
	umask(022);
	tu_tmpdir(tmpdir, sizeof(tmpdir), "cachefile", 0755);
}

static void
teardown_dir(void)
{
	tu_rmtree(tmpdir);
}

/* ---- where ------------------------------------------------------------- */

static const struct {
	const char *root, *home, *xdg;
	int other_uid;
	const char *sys, *user;
} dirs[] = {
	{NULL, "/home/u", NULL, 0, "/var/cache/sshhostkeys", "/home/u/.cache/sshhostkeys"},
	{"", "/home/u", NULL, 0, "/var/cache/sshhostkeys", "/home/u/.cache/sshhostkeys"},
	{"/", "/home/u", NULL, 0, "/var/cache/sshhostkeys", "/home/u/.cache/sshhostkeys"},
	{"/r", "/home/u", NULL, 0, "/r/var/cache/sshhostkeys", "/home/u/.cache/sshhostkeys"},
	{"/r/", NULL, NULL, 0, "/r/var/cache/sshhostkeys", NULL},
	{NULL, "/home/u", "/xdg", 0, "/var/cache/sshhostkeys", "/xdg/sshhostkeys"},
	/* A relative XDG_CACHE_HOME is ignored, as the spec says. */
	{NULL, "/home/u", "xdg", 0, "/var/cache/sshhostkeys", "/home/u/.cache/sshhostkeys"},
	{NULL, "relative", NULL, 0, "/var/cache/sshhostkeys", NULL},
	/* Another user's stores: no user cache at all. */
	{NULL, "/home/u", "/xdg", 1, "/var/cache/sshhostkeys", NULL},
};

START_TEST(test_dirs)
{
	char *sys = NULL, *user = NULL;
	uid_t euid = geteuid();

	if (dirs[_i].xdg != NULL)
		setenv("XDG_CACHE_HOME", dirs[_i].xdg, 1);
	else
		unsetenv("XDG_CACHE_HOME");
	ck_assert_int_eq(shk_cache_dirs(dirs[_i].root, dirs[_i].home,
					dirs[_i].other_uid ? euid + 1 : euid, euid, &sys, &user),
			 SHK_OK);
	ck_assert_str_eq(sys, dirs[_i].sys);
	if (dirs[_i].user == NULL)
		ck_assert_ptr_null(user);
	else
		ck_assert_str_eq(user, dirs[_i].user);
	free(sys);
	free(user);
}
END_TEST

/* ---- the 2-second rule -------------------------------------------------- */

START_TEST(test_settled)
{
	struct stat st;
	time_t now = time(NULL);

	memset(&st, 0, sizeof(st));
	st.st_mtim.tv_sec = st.st_ctim.tv_sec = now - SHK_CACHE_RACY_SECONDS - 1;
	ck_assert(shk_cache_settled(&st));
	st.st_ctim.tv_sec = now;
	ck_assert(!shk_cache_settled(&st));
	st.st_ctim.tv_sec = now - 10;
	st.st_mtim.tv_sec = now - 1;
	ck_assert(!shk_cache_settled(&st));
	/* In the future (a clock set back): never settled. */
	st.st_mtim.tv_sec = now + 100;
	ck_assert(!shk_cache_settled(&st));
}
END_TEST

/* ---- writing ----------------------------------------------------------- */

static int
count_entries(const char *dir)
{
	struct dirent *de;
	DIR *dp;
	int n = 0;

	ck_assert_ptr_nonnull(dp = opendir(dir));
	while ((de = readdir(dp)) != NULL)
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			n++;
	closedir(dp);
	return n;
}

START_TEST(test_write_creates_and_replaces)
{
	char dir[400], path[500], *s;
	struct shk_error err;
	struct stat st;

	/* Two levels missing: the parent (~/.cache) is made too. */
	snprintf(dir, sizeof(dir), "%s/cache/sshhostkeys", tmpdir);
	ck_assert_int_eq(shk_cache_write(dir, "f", "one", 3, geteuid(), &err), SHK_OK);
	ck_assert_int_eq(stat(dir, &st), 0);
	ck_assert_uint_eq(st.st_mode & 0777, geteuid() == 0 ? 0755u : 0700u);
	snprintf(path, sizeof(path), "%s/f", dir);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_uint_eq(st.st_mode & 0777, geteuid() == 0 ? 0644u : 0600u);
	ck_assert_int_eq(shk_cache_write(dir, "f", "second", 6, geteuid(), &err), SHK_OK);
	s = tu_slurp(dir, "f", NULL);
	ck_assert_str_eq(s, "second");
	free(s);
	/* Nothing else is left in the directory: no temporary file. */
	ck_assert_int_eq(count_entries(dir), 1);
	/* Three levels missing: never a whole tree. */
	snprintf(dir, sizeof(dir), "%s/a/b/c", tmpdir);
	ck_assert_int_eq(shk_cache_write(dir, "f", "x", 1, geteuid(), &err), SHK_ERR_SYSTEM);
}
END_TEST

START_TEST(test_write_refuses_untrusted_dir)
{
	char dir[400];
	struct shk_error err;

	snprintf(dir, sizeof(dir), "%s/c", tmpdir);
	ck_assert_int_eq(mkdir(dir, 0755), 0);
	ck_assert_int_eq(chmod(dir, 0777), 0);
	ck_assert_int_eq(shk_cache_write(dir, "f", "x", 1, geteuid(), &err), SHK_ERR_UNTRUSTED);
	ck_assert(strstr(err.msg, "writable by others") != NULL);
	ck_assert_int_eq(count_entries(dir), 0);
}
END_TEST

/* ---- reading ----------------------------------------------------------- */

enum { F_OK_FILE, F_MISSING, F_SYMLINK, F_FIFO, F_DIR, F_WORLD, F_GROUP, F_OWNER };

START_TEST(test_open_file)
{
	char path[400], target[400];
	struct shk_error err;
	struct stat st;
	int dfd, fd, want = SHK_ERR_UNTRUSTED;

	tu_write(tmpdir, "f", "data");
	snprintf(path, sizeof(path), "%s/f", tmpdir);
	switch (_i) {
	case F_OK_FILE:
		want = SHK_OK;
		break;
	case F_MISSING:
		ck_assert_int_eq(unlink(path), 0);
		want = SHK_ERR_NOTFOUND;
		break;
	case F_SYMLINK:
		snprintf(target, sizeof(target), "%s/real", tmpdir);
		ck_assert_int_eq(rename(path, target), 0);
		ck_assert_int_eq(symlink(target, path), 0);
		want = SHK_ERR_SYSTEM; /* ELOOP */
		break;
	case F_FIFO:
		ck_assert_int_eq(unlink(path), 0);
		ck_assert_int_eq(mkfifo(path, 0644), 0);
		break;
	case F_DIR:
		ck_assert_int_eq(unlink(path), 0);
		ck_assert_int_eq(mkdir(path, 0755), 0);
		break;
	case F_WORLD:
		ck_assert_int_eq(chmod(path, 0646), 0);
		break;
	case F_GROUP:
		ck_assert_int_eq(chmod(path, 0664), 0);
		break;
	case F_OWNER:
		if (geteuid() != 0)
			return; /* cannot give files away */
		ck_assert_int_eq(chown(path, 4321, 4321), 0);
		break;
	}
	ck_assert_int_eq(shk_cache_open_dir(tmpdir, geteuid(), &dfd, &err), SHK_OK);
	ck_assert_int_eq(shk_cache_open_file(dfd, tmpdir, "f", geteuid(), &fd, &st, &err), want);
	ck_assert(want == SHK_OK ? fd >= 0 : fd == -1);
	if (fd >= 0)
		close(fd);
	close(dfd);
}
END_TEST

START_TEST(test_open_dir)
{
	char dir[400], link[400];
	struct shk_error err;
	int dfd = -1;

	snprintf(dir, sizeof(dir), "%s/c", tmpdir);
	ck_assert_int_eq(shk_cache_open_dir(dir, geteuid(), &dfd, &err), SHK_ERR_NOTFOUND);
	ck_assert_int_eq(mkdir(dir, 0755), 0);
	ck_assert_int_eq(shk_cache_open_dir(dir, geteuid(), &dfd, &err), SHK_OK);
	close(dfd);
	ck_assert_int_eq(chmod(dir, 0775), 0);
	ck_assert_int_eq(shk_cache_open_dir(dir, geteuid(), &dfd, &err), SHK_ERR_UNTRUSTED);
	ck_assert_int_eq(chmod(dir, 0755), 0);
	snprintf(link, sizeof(link), "%s/l", tmpdir);
	ck_assert_int_eq(symlink(dir, link), 0);
	ck_assert_int_ne(shk_cache_open_dir(link, geteuid(), &dfd, &err), SHK_OK);
	if (geteuid() == 0) {
		ck_assert_int_eq(chown(dir, 4321, 4321), 0);
		ck_assert_int_eq(shk_cache_open_dir(dir, geteuid(), &dfd, &err),
				 SHK_ERR_UNTRUSTED);
		/* uid 4321 itself trusts its own directory. */
		ck_assert_int_eq(shk_cache_open_dir(dir, 4321, &dfd, &err), SHK_OK);
		close(dfd);
	}
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("cachefile");
	TCase *tc = tcase_create("cachefile");

	tcase_add_checked_fixture(tc, setup_dir, teardown_dir);
	tcase_add_loop_test(tc, test_dirs, 0, SHK_ARRAY_SIZE(dirs));
	tcase_add_test(tc, test_settled);
	tcase_add_test(tc, test_write_creates_and_replaces);
	tcase_add_test(tc, test_write_refuses_untrusted_dir);
	tcase_add_loop_test(tc, test_open_file, 0, F_OWNER + 1);
	tcase_add_test(tc, test_open_dir);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
