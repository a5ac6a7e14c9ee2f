/* SPDX-License-Identifier: MIT */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shk.h"
#include "trust.h"
#include "testutil.h"

#define OTHER_UID 12345

/*
 * A fresh tree per test, under a private mkdtemp directory ("base"):
 *   top/              0755  (the usual stop_dir)
 *   top/a/            0755
 *   top/a/b/          0700
 *   top/a/b/file      0644
 *   top/a/b/goodlink  -> file
 *   top/a/b/link      -> ../../evil/file
 *   top/evil/         0755
 *   top/evil/file     0644
 *   top/evil/tolink   -> ../a/b/file
 * base itself usually sits in a sticky world-writable /tmp, which is
 * exactly what stop_dir is for.
 */
static char base[PATH_MAX];

/* base + "/" + rel into out (PATH_MAX bytes). */
static void
abs_path(char *out, const char *rel)
{
	size_t bl = strlen(base), rl = strlen(rel);

	ck_assert_uint_lt(bl + 1 + rl, PATH_MAX);
	memcpy(out, base, bl);
	out[bl] = '/';
	memcpy(out + bl + 1, rel, rl + 1);
}

static void
mk(const char *rel, mode_t mode, int dir)
{
	char p[PATH_MAX];
	int fd;

	abs_path(p, rel);
	if (dir)
		ck_assert_int_eq(mkdir(p, mode), 0);
	else {
		fd = open(p, O_WRONLY | O_CREAT | O_EXCL, mode);
		ck_assert_int_ge(fd, 0);
		ck_assert_int_eq(write(fd, "x\n", 2), 2);
		close(fd);
	}
	/* Not subject to the umask. */
	ck_assert_int_eq(chmod(p, mode), 0);
}

static void
ln(const char *target, const char *rel)
{
	char p[PATH_MAX];

	abs_path(p, rel);
	ck_assert_int_eq(symlink(target, p), 0);
}

static void
setup(void)
{
	tu_tmpdir(base, sizeof(base), "trust", 0700);
	mk("top", 0755, 1);
	mk("top/a", 0755, 1);
	mk("top/a/b", 0700, 1);
	mk("top/a/b/file", 0644, 0);
	mk("top/evil", 0755, 1);
	mk("top/evil/file", 0644, 0);
	ln("file", "top/a/b/goodlink");
	ln("../../evil/file", "top/a/b/link");
	ln("../a/b/file", "top/evil/tolink");
}

static void
teardown(void)
{
	tu_rmtree(base);
}

static const struct {
	const char *what;
	const char *path;     /* relative to base */
	const char *stop;     /* relative to base; NULL: none; "": empty */
	const char *chmod_at; /* relative to base; "." is base; NULL: none */
	mode_t mode;
	const char *chown_at; /* chown to OTHER_UID; root only */
	int uid_other;	      /* pass OTHER_UID as the trusted uid */
	int expect;
	const char *msg; /* piece of the message, for refusals */
} cases[] = {
	{"clean tree", "top/a/b/file", "top", NULL, 0, NULL, 0, SHK_OK, NULL},
	{"0777 directory", "top/a/b/file", "top", "top/a", 0777, NULL, 0, SHK_ERR_UNTRUSTED,
	 "/top/a is writable by others"},
	{"1777 (sticky) directory", "top/a/b/file", "top", "top/a", 01777, NULL, 0,
	 SHK_ERR_UNTRUSTED, "/top/a is writable by others"},
	{"0666 file", "top/a/b/file", "top", "top/a/b/file", 0666, NULL, 0, SHK_ERR_UNTRUSTED,
	 "/top/a/b/file is writable by others"},
	{"group-writable file", "top/a/b/file", "top", "top/a/b/file", 0664, NULL, 0,
	 SHK_ERR_UNTRUSTED, "/top/a/b/file is writable by its group"},
	{"group-writable directory", "top/a/b/file", "top", "top/a/b", 0770, NULL, 0,
	 SHK_ERR_UNTRUSTED, "/top/a/b is writable by its group"},
	{"read-only file", "top/a/b/file", "top", "top/a/b/file", 0400, NULL, 0, SHK_OK, NULL},
	{"stop_dir itself is checked", "top/a/b/file", "top", "top", 0777, NULL, 0,
	 SHK_ERR_UNTRUSTED, "/top is writable by others"},
	{"above stop_dir does not matter", "top/a/b/file", "top", ".", 0777, NULL, 0, SHK_OK,
	 NULL},
	{"stop_dir at the file's directory", "top/a/b/file", "top/a/b", "top/a", 0777, NULL,
	 0, SHK_OK, NULL},
	{"no stop_dir walks past top", "top/a/b/file", NULL, ".", 0777, NULL, 0,
	 SHK_ERR_UNTRUSTED, "writable by others"},
	{"empty stop_dir is none", "top/a/b/file", "", ".", 0777, NULL, 0, SHK_ERR_UNTRUSTED,
	 "writable by others"},
	{"missing stop_dir is none", "top/a/b/file", "top/nosuch", ".", 0777, NULL, 0,
	 SHK_ERR_UNTRUSTED, "writable by others"},
	{"stop_dir not above the file", "top/a/b/file", "top/evil", ".", 0777, NULL, 0,
	 SHK_ERR_UNTRUSTED, "writable by others"},
	{"missing file", "top/a/b/nosuch", "top", NULL, 0, NULL, 0, SHK_ERR_NOTFOUND, NULL},
	{"missing directory", "top/nosuch/file", "top", NULL, 0, NULL, 0, SHK_ERR_NOTFOUND,
	 NULL},
	{"path through a file", "top/a/b/file/x", "top", NULL, 0, NULL, 0, SHK_ERR_NOTFOUND,
	 NULL},
	{"symlink to a good file", "top/a/b/goodlink", "top", NULL, 0, NULL, 0, SHK_OK, NULL},
	{"symlink to a 0666 file", "top/a/b/goodlink", "top", "top/a/b/file", 0666, NULL, 0,
	 SHK_ERR_UNTRUSTED, "/top/a/b/file is writable by others"},
	{"symlink into a clean directory", "top/a/b/link", "top", NULL, 0, NULL, 0, SHK_OK,
	 NULL},
	{"symlink into a 0777 directory", "top/a/b/link", "top", "top/evil", 0777, NULL, 0,
	 SHK_ERR_UNTRUSTED, "/top/evil is writable by others"},
	/* Like sshd's StrictModes (realpath), the directory holding the
	 * link itself is not what is read, so it is not checked. */
	{"link in a 0777 directory to a good file", "top/evil/tolink", "top", "top/evil",
	 0777, NULL, 0, SHK_OK, NULL},
	{"file owned by another user", "top/a/b/file", "top", NULL, 0, "top/a/b/file", 0,
	 SHK_ERR_UNTRUSTED, "/top/a/b/file is owned by uid 12345"},
	{"directory owned by another user", "top/a/b/file", "top", NULL, 0, "top/a", 0,
	 SHK_ERR_UNTRUSTED, "/top/a is owned by uid 12345"},
	{"file owned by the given uid", "top/a/b/file", "top", NULL, 0, "top/a/b/file", 1,
	 SHK_OK, NULL},
	{"root-owned directories for another uid", "top/a/b/file", "top", NULL, 0, NULL, 1,
	 SHK_OK, NULL},
	{"stop_dir owned by another user", "top/a/b/file", "top", NULL, 0, "top", 0,
	 SHK_ERR_UNTRUSTED, "/top is owned by uid 12345"},
	{"above stop_dir owned by another user", "top/a/b/file", "top", NULL, 0, ".", 0,
	 SHK_OK, NULL},
};

START_TEST(test_trust_table)
{
	char path[PATH_MAX], stop[PATH_MAX], p[PATH_MAX];
	const char *stopp = NULL;
	struct shk_error err;
	uid_t uid = geteuid();
	int r, fd;

	if ((cases[_i].chown_at != NULL || cases[_i].uid_other) && geteuid() != 0) {
		/* Needs root to make a file owned by someone else. */
		return;
	}
	abs_path(path, cases[_i].path);
	if (cases[_i].stop != NULL && *cases[_i].stop != '\0') {
		abs_path(stop, cases[_i].stop);
		stopp = stop;
	} else if (cases[_i].stop != NULL)
		stopp = "";
	if (cases[_i].chmod_at != NULL) {
		abs_path(p, cases[_i].chmod_at);
		ck_assert_int_eq(chmod(p, cases[_i].mode), 0);
	}
	if (cases[_i].chown_at != NULL) {
		abs_path(p, cases[_i].chown_at);
		ck_assert_int_eq(lchown(p, OTHER_UID, (gid_t)-1), 0);
	}
	if (cases[_i].uid_other)
		uid = OTHER_UID;

	memset(&err, 0, sizeof(err));
	r = shk_trust_path(path, stopp, uid, &err);
	ck_assert_msg(r == cases[_i].expect, "%s: path: %d, want %d (%s)", cases[_i].what, r,
		      cases[_i].expect, err.msg);
	if (r != SHK_OK)
		ck_assert_int_eq(err.code, r);
	if (cases[_i].msg != NULL)
		ck_assert_msg(strstr(err.msg, cases[_i].msg) != NULL,
			      "%s: message \"%s\" lacks \"%s\"", cases[_i].what, err.msg,
			      cases[_i].msg);

	/* The fd variant agrees whenever the file can be opened. */
	if ((fd = open(path, O_RDONLY)) == -1) {
		ck_assert_int_eq(cases[_i].expect, SHK_ERR_NOTFOUND);
		return;
	}
	memset(&err, 0, sizeof(err));
	r = shk_trust_fd(fd, path, stopp, uid, &err);
	close(fd);
	ck_assert_msg(r == cases[_i].expect, "%s: fd: %d, want %d (%s)", cases[_i].what, r,
		      cases[_i].expect, err.msg);
}
END_TEST

/* The file checked by fd is the open one, even after a swap. */
START_TEST(test_fd_checks_open_file)
{
	char path[PATH_MAX], other[PATH_MAX];
	struct shk_error err;
	int fd;

	abs_path(path, "top/a/b/file");
	abs_path(other, "top/a/b/file2");
	mk("top/a/b/file2", 0644, 0);
	fd = open(path, O_RDONLY);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(fchmod(fd, 0666), 0);
	/* Replace the name with a clean file after opening. */
	ck_assert_int_eq(rename(other, path), 0);
	ck_assert_int_eq(shk_trust_path(path, base, geteuid(), NULL), SHK_OK);
	ck_assert_int_eq(shk_trust_fd(fd, path, base, geteuid(), &err), SHK_ERR_UNTRUSTED);
	close(fd);
}
END_TEST

/* err may be NULL. */
START_TEST(test_null_err)
{
	char path[PATH_MAX];

	abs_path(path, "top/a/b/nosuch");
	ck_assert_int_eq(shk_trust_path(path, NULL, geteuid(), NULL), SHK_ERR_NOTFOUND);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("trust");
	TCase *tc = tcase_create("trust");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_trust_table, 0, SHK_ARRAY_SIZE(cases));
	tcase_add_test(tc, test_fd_checks_open_file);
	tcase_add_test(tc, test_null_err);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
