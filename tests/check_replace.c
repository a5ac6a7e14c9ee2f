/* SPDX-License-Identifier: MIT */
/* The atomic-replace primitive (replace.h) on temporary directories. */
#include "config.h"

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "replace.h"
#include "testutil.h"

static char tmp[256];
static int dfd = -1;

static void
setup(void)
{
	tu_tmpdir(tmp, sizeof(tmp), "replace", 0755);
	ck_assert_int_ne(dfd = open(tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC), -1);
}

static void
teardown(void)
{
	if (dfd != -1)
		close(dfd);
	dfd = -1;
	tu_rmtree(tmp);
}

/* Entries of the test directory other than "." and "..". */
static int
count_entries(void)
{
	struct dirent *de;
	DIR *dp;
	int n = 0;

	ck_assert_ptr_nonnull(dp = opendir(tmp));
	while ((de = readdir(dp)) != NULL)
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			n++;
	closedir(dp);
	return n;
}

static mode_t
mode_of(const char *name)
{
	struct stat st;

	ck_assert_int_eq(fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW), 0);
	return st.st_mode & 07777;
}

static void
assert_content(const char *name, const char *want)
{
	char *s = tu_slurp(tmp, name, NULL);

	ck_assert_str_eq(s, want);
	free(s);
}

START_TEST(test_replace_file)
{
	struct shk_error err;

	memset(&err, 0, sizeof(err));
	ck_assert_int_eq(
	    shk_replace_file(dfd, "f", ".f.XXXXXX.tmp", "one\n", 4, 0644,
			     SHK_REPLACE_UNIQUE | SHK_REPLACE_FSYNC | SHK_REPLACE_FSYNC_DIR,
			     &err),
	    SHK_OK);
	assert_content("f", "one\n");
	ck_assert_int_eq(shk_replace_file(dfd, "f", ".f.XXXXXX.tmp", "second\n", 7, 0644,
					  SHK_REPLACE_UNIQUE, &err),
			 SHK_OK);
	assert_content("f", "second\n");
	ck_assert_int_eq(shk_replace_file(dfd, "empty", ".tmp", "", 0, 0644, 0, &err), SHK_OK);
	assert_content("empty", "");
	/* Nothing but the targets is left behind. */
	ck_assert_int_eq(count_entries(), 2);
}
END_TEST

START_TEST(test_modes)
{
	struct shk_error err;
	mode_t old = umask(077);

	memset(&err, 0, sizeof(err));
	/* CHMOD: exactly the mode, whatever the umask. */
	ck_assert_int_eq(
	    shk_replace_file(dfd, "exact", ".tmp", "x", 1, 0644, SHK_REPLACE_CHMOD, &err),
	    SHK_OK);
	ck_assert_uint_eq(mode_of("exact"), 0644);
	/* Without it, the umask applies (the caches' rule). */
	ck_assert_int_eq(shk_replace_file(dfd, "masked", ".tmp", "x", 1, 0644, 0, &err),
			 SHK_OK);
	ck_assert_uint_eq(mode_of("masked"), 0600);
	umask(old);
}
END_TEST

/* A CHMOD file has its exact mode from the open on, before any data. */
START_TEST(test_chmod_after_create)
{
	struct shk_replace rp;
	struct shk_error err;
	struct stat st;

	memset(&err, 0, sizeof(err));
	ck_assert_int_eq(shk_replace_open(&rp, dfd, ".tmp", 0644, SHK_REPLACE_CHMOD, &err),
			 SHK_OK);
	ck_assert_int_eq(fstat(rp.fd, &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0644);
	ck_assert_str_eq(rp.tmp, ".tmp");
	shk_replace_abort(&rp);
	shk_replace_abort(&rp);
	ck_assert_int_eq(count_entries(), 0);
}
END_TEST

START_TEST(test_unique_names)
{
	struct shk_replace a, b;
	struct shk_error err;
	size_t i;

	memset(&err, 0, sizeof(err));
	ck_assert_int_eq(
	    shk_replace_open(&a, dfd, ".fX.XXXXXXXX.tmp", 0600, SHK_REPLACE_UNIQUE, &err),
	    SHK_OK);
	ck_assert_int_eq(
	    shk_replace_open(&b, dfd, ".fX.XXXXXXXX.tmp", 0600, SHK_REPLACE_UNIQUE, &err),
	    SHK_OK);
	ck_assert_str_ne(a.tmp, b.tmp);
	/* Only the last run of X changes, into hex digits. */
	ck_assert_uint_eq(strlen(a.tmp), strlen(".fX.XXXXXXXX.tmp"));
	ck_assert(strncmp(a.tmp, ".fX.", 4) == 0);
	ck_assert_str_eq(a.tmp + 12, ".tmp");
	for (i = 4; i < 12; i++)
		ck_assert(strchr("0123456789abcdef", a.tmp[i]) != NULL);
	ck_assert_int_eq(count_entries(), 2);
	shk_replace_abort(&a);
	shk_replace_abort(&b);
	ck_assert_int_eq(count_entries(), 0);
	/* A unique name needs room to be unique. */
	ck_assert_int_eq(
	    shk_replace_open(&a, dfd, ".f.XXXXX.tmp", 0600, SHK_REPLACE_UNIQUE, &err),
	    SHK_ERR_INVAL);
	ck_assert_int_eq(count_entries(), 0);
}
END_TEST

/* A symlink planted under the fixed temporary name is never written
 * through: it is removed as a leftover and a fresh file made. */
START_TEST(test_planted_symlink)
{
	char victim[512], link[512];
	struct shk_error err;

	tu_write(tmp, "victim", "precious\n");
	snprintf(victim, sizeof(victim), "%s/victim", tmp);
	snprintf(link, sizeof(link), "%s/.tmp", tmp);
	ck_assert_int_eq(symlink(victim, link), 0);
	memset(&err, 0, sizeof(err));
	ck_assert_int_eq(
	    shk_replace_file(dfd, "f", ".tmp", "new\n", 4, 0644, SHK_REPLACE_CHMOD, &err),
	    SHK_OK);
	assert_content("victim", "precious\n");
	assert_content("f", "new\n");
	ck_assert_int_eq(count_entries(), 2);
	/* A leftover regular file goes the same way. */
	tu_write(tmp, ".tmp", "stale leftover");
	ck_assert_int_eq(shk_replace_file(dfd, "f", ".tmp", "newer\n", 6, 0644, 0, &err),
			 SHK_OK);
	assert_content("f", "newer\n");
	ck_assert_int_eq(count_entries(), 2);
}
END_TEST

/* A failed rename leaves the target and removes the temporary file, with
 * errno from rename(2) for callers that word their own messages. */
START_TEST(test_rename_fails)
{
	char d[512];
	struct shk_replace rp;
	struct shk_error err;

	snprintf(d, sizeof(d), "%s/d", tmp);
	ck_assert_int_eq(mkdir(d, 0755), 0);
	tu_write(d, "keep", "x");
	memset(&err, 0, sizeof(err));
	ck_assert_int_eq(shk_replace_open(&rp, dfd, "d.XXXXXX", 0644, SHK_REPLACE_UNIQUE, &err),
			 SHK_OK);
	ck_assert_int_eq(shk_replace_write(&rp, "data", 4, &err), SHK_OK);
	errno = 0;
	ck_assert_int_eq(shk_replace_commit(&rp, "d", &err), SHK_ERR_SYSTEM);
	ck_assert_int_eq(errno, EISDIR);
	ck_assert_ptr_nonnull(strstr(err.msg, "d: rename: "));
	assert_content("d/keep", "x");
	ck_assert_int_eq(count_entries(), 1);
	/* Nothing left to commit. */
	ck_assert_int_eq(shk_replace_commit(&rp, "d", &err), SHK_ERR_INVAL);
	shk_replace_abort(&rp);
}
END_TEST

/* A failed write (here the file-size limit) leaves the target as it was
 * and no temporary file. */
START_TEST(test_write_fails)
{
	static char big[8192];
	struct rlimit old, lim;
	struct shk_error err;

	tu_write(tmp, "f", "old\n");
	signal(SIGXFSZ, SIG_IGN);
	ck_assert_int_eq(getrlimit(RLIMIT_FSIZE, &old), 0);
	lim = old;
	lim.rlim_cur = 4096;
	ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &lim), 0);
	memset(&err, 0, sizeof(err));
	errno = 0;
	ck_assert_int_eq(
	    shk_replace_file(dfd, "f", ".tmp", big, sizeof(big), 0644, SHK_REPLACE_FSYNC, &err),
	    SHK_ERR_SYSTEM);
	ck_assert_int_eq(errno, EFBIG);
	ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &old), 0);
	ck_assert_ptr_nonnull(strstr(err.msg, ".tmp: write: "));
	assert_content("f", "old\n");
	ck_assert_int_eq(count_entries(), 1);
}
END_TEST

/* The directory fsync: an O_PATH descriptor serves openat and renameat
 * but refuses fsync, so each flag's handling of that failure shows. */
START_TEST(test_fsync_dir_flags)
{
	struct shk_error err;
	int pfd;

	ck_assert_int_ne(pfd = open(tmp, O_PATH | O_DIRECTORY | O_CLOEXEC), -1);
	memset(&err, 0, sizeof(err));
	/* Asked for: the failure is reported, though the file is in place. */
	ck_assert_int_eq(shk_replace_file(pfd, "f", ".tmp", "1", 1, 0644,
					  SHK_REPLACE_FSYNC | SHK_REPLACE_FSYNC_DIR, &err),
			 SHK_ERR_SYSTEM);
	ck_assert_ptr_nonnull(strstr(err.msg, "fsync of the directory"));
	assert_content("f", "1");
	/* Lenient: not an error. */
	memset(&err, 0, sizeof(err));
	ck_assert_int_eq(shk_replace_file(pfd, "f", ".tmp", "2", 1, 0644,
					  SHK_REPLACE_FSYNC_DIR | SHK_REPLACE_LENIENT, &err),
			 SHK_OK);
	ck_assert_str_eq(err.msg, "");
	assert_content("f", "2");
	/* Not asked for: never tried. */
	ck_assert_int_eq(
	    shk_replace_file(pfd, "f", ".tmp", "3", 1, 0644, SHK_REPLACE_FSYNC, &err), SHK_OK);
	assert_content("f", "3");
	ck_assert_int_eq(count_entries(), 1);
	ck_assert_int_eq(shk_replace_sync_dir(dfd, &err), SHK_OK);
	close(pfd);
}
END_TEST

/* close() before commit: the data can be handled under the temporary
 * name (linked elsewhere, as the salt is) and a later commit still works. */
START_TEST(test_close_then_commit)
{
	struct shk_replace rp;
	struct shk_error err;

	memset(&err, 0, sizeof(err));
	ck_assert_int_eq(shk_replace_open(&rp, dfd, ".tmp", 0644,
					  SHK_REPLACE_CHMOD | SHK_REPLACE_FSYNC, &err),
			 SHK_OK);
	ck_assert_int_eq(shk_replace_write(&rp, "abc", 3, &err), SHK_OK);
	ck_assert_int_eq(shk_replace_close(&rp, &err), SHK_OK);
	ck_assert_int_eq(rp.fd, -1);
	ck_assert_int_eq(shk_replace_close(&rp, &err), SHK_OK);
	ck_assert_int_eq(linkat(dfd, rp.tmp, dfd, "copy", 0), 0);
	ck_assert_int_eq(shk_replace_commit(&rp, "f", &err), SHK_OK);
	assert_content("f", "abc");
	assert_content("copy", "abc");
	ck_assert_int_eq(count_entries(), 2);
}
END_TEST

START_TEST(test_errno_status)
{
	ck_assert_int_eq(shk_replace_errno_status(ENOENT), SHK_ERR_NOTFOUND);
	ck_assert_int_eq(shk_replace_errno_status(ELOOP), SHK_ERR_UNTRUSTED);
	ck_assert_int_eq(shk_replace_errno_status(ENOTDIR), SHK_ERR_INVAL);
	ck_assert_int_eq(shk_replace_errno_status(ENAMETOOLONG), SHK_ERR_RANGE);
	ck_assert_int_eq(shk_replace_errno_status(ENOMEM), SHK_ERR_NOMEM);
	ck_assert_int_eq(shk_replace_errno_status(EIO), SHK_ERR_SYSTEM);
}
END_TEST

static Suite *
replace_suite(void)
{
	Suite *s = suite_create("replace");
	TCase *tc = tcase_create("replace");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_replace_file);
	tcase_add_test(tc, test_modes);
	tcase_add_test(tc, test_chmod_after_create);
	tcase_add_test(tc, test_unique_names);
	tcase_add_test(tc, test_planted_symlink);
	tcase_add_test(tc, test_rename_fails);
	tcase_add_test(tc, test_write_fails);
	tcase_add_test(tc, test_fsync_dir_flags);
	tcase_add_test(tc, test_close_then_commit);
	tcase_add_test(tc, test_errno_status);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return tu_run(replace_suite());
}
