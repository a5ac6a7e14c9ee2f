/* SPDX-License-Identifier: MIT */
/*
 * lib/core/ssh2sum.c: the summary file of an ssh2 directory's listing, against
 * a made-up directory identity: round trip, stale, truncated, flipped and
 * forged images, and the cache directory's trust rules.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shk.h"
#include "ssh2sum.h"
#include "testutil.h"

/* Offsets of the format (lib/core/ssh2sum.h). */
#define OFF_VERSION 8
#define OFF_BYTEORDER 12
#define OFF_NHASHED 72
#define OFF_NTECTIA 80

static char tmpdir[256], cdir[300];
static struct stat dst;
static const struct shk_s2sum sum = {.nhashed = 3, .ntectia = 100000};

static void
setup(void)
{
	umask(022);
	tu_tmpdir(tmpdir, sizeof(tmpdir), "ssh2sum", 0755);
	snprintf(cdir, sizeof(cdir), "%s/cache", tmpdir);
	memset(&dst, 0, sizeof(dst));
	dst.st_dev = 0x801;
	dst.st_ino = 0x51c009;
	dst.st_size = 4096;
	dst.st_mode = S_IFDIR | 0755;
	dst.st_mtim.tv_sec = 1700000000;
	dst.st_mtim.tv_nsec = 123456789;
	dst.st_ctim.tv_sec = 1700000001;
	dst.st_ctim.tv_nsec = 987654321;
}

static void
teardown(void)
{
	tu_rmtree(tmpdir);
}

static const char *
sum_path(void)
{
	static char path[512];
	char name[64];

	ck_assert_int_eq(shk_s2sum_name(&dst, name, sizeof(name)), SHK_OK);
	snprintf(path, sizeof(path), "%s/%s", cdir, name);
	return path;
}

static void
save(void)
{
	struct shk_error err;

	ck_assert_int_eq(shk_s2sum_save(cdir, &dst, &sum, geteuid(), &err), SHK_OK);
}

static int
load(struct shk_s2sum *got, struct shk_error *err)
{
	memset(err, 0, sizeof(*err));
	memset(got, 0xa5, sizeof(*got));
	return shk_s2sum_load(cdir, &dst, geteuid(), got, err);
}

static void
write_image(const unsigned char *img, size_t len)
{
	FILE *f;

	ck_assert_ptr_nonnull(f = fopen(sum_path(), "wb"));
	ck_assert_uint_eq(fwrite(img, 1, len, f), len);
	ck_assert_int_eq(fclose(f), 0);
}

START_TEST(test_name)
{
	char name[64];

	ck_assert_int_eq(shk_s2sum_name(&dst, name, sizeof(name)), SHK_OK);
	ck_assert_str_eq(name, "ssh2-801-51c009.sum");
	ck_assert_int_eq(shk_s2sum_name(&dst, name, 8), SHK_ERR_RANGE);
}
END_TEST

START_TEST(test_encode_decode)
{
	unsigned char img[SHK_S2SUM_SIZE];
	struct shk_s2sum got;
	struct shk_error err;

	shk_s2sum_encode(&dst, &sum, img);
	ck_assert(memcmp(img, "SHKS2S\r\n", 8) == 0);
	ck_assert_int_eq(shk_s2sum_decode(img, sizeof(img), &dst, &got, &err), SHK_OK);
	ck_assert_uint_eq(got.nhashed, 3);
	ck_assert_uint_eq(got.ntectia, 100000);
	ck_assert_int_eq(shk_s2sum_decode(img, sizeof(img) - 1, &dst, &got, &err),
			 SHK_ERR_PARSE);
	ck_assert_int_eq(shk_s2sum_reseal(img, sizeof(img) - 1), SHK_ERR_RANGE);
}
END_TEST

START_TEST(test_save_load_roundtrip)
{
	struct shk_s2sum got;
	struct shk_error err;
	struct stat st;

	ck_assert_int_eq(load(&got, &err), SHK_ERR_NOTFOUND); /* no cache dir */
	save();
	ck_assert_int_eq(stat(sum_path(), &st), 0);
	ck_assert_uint_eq(st.st_mode & 0777, geteuid() == 0 ? 0644u : 0600u);
	ck_assert_int_eq(st.st_size, SHK_S2SUM_SIZE);
	ck_assert_int_eq(load(&got, &err), SHK_OK);
	ck_assert_uint_eq(got.nhashed, sum.nhashed);
	ck_assert_uint_eq(got.ntectia, sum.ntectia);
	/* Another directory (inode): another name, so no summary. */
	dst.st_ino++;
	ck_assert_int_eq(load(&got, &err), SHK_ERR_NOTFOUND);
}
END_TEST

/* Any change of the directory's state makes the summary stale. */
static const char *const stale_fields[] = {"dev",   "size",	"mtime", "mtime_ns",
					   "ctime", "ctime_ns", "ino"};

START_TEST(test_stale)
{
	struct shk_s2sum got;
	struct shk_error err;
	unsigned char img[SHK_S2SUM_SIZE];
	char *s;
	size_t len;

	save();
	/* The same image under the name of the changed identity, so the
	 * identity inside is what tells. */
	s = tu_slurp(NULL, sum_path(), &len);
	ck_assert_uint_eq(len, sizeof(img));
	memcpy(img, s, len);
	free(s);
	switch (_i) {
	case 0:
		dst.st_dev++;
		break;
	case 1:
		dst.st_size += 4096;
		break;
	case 2:
		dst.st_mtim.tv_sec++;
		break;
	case 3:
		dst.st_mtim.tv_nsec++;
		break;
	case 4:
		dst.st_ctim.tv_sec--;
		break;
	case 5:
		dst.st_ctim.tv_nsec--;
		break;
	case 6:
		dst.st_ino++;
		break;
	}
	write_image(img, sizeof(img));
	ck_assert_msg(load(&got, &err) == SHK_ERR_NOTFOUND, "%s changed: %s", stale_fields[_i],
		      err.msg);
	ck_assert(strstr(err.msg, "stale") != NULL);
}
END_TEST

static const size_t cuts[] = {0, 1, 8, SHK_S2SUM_SIZE - 1, SHK_S2SUM_SIZE + 1, 4096};

START_TEST(test_truncated_or_longer)
{
	unsigned char img[4096];
	struct shk_s2sum got;
	struct shk_error err;

	memset(img, 0, sizeof(img));
	shk_s2sum_encode(&dst, &sum, img);
	save();
	write_image(img, cuts[_i]);
	ck_assert_int_eq(load(&got, &err), SHK_ERR_PARSE);
	ck_assert(strstr(err.msg, "size") != NULL);
}
END_TEST

/* Every single flipped bit is caught, wherever it is. */
START_TEST(test_flipped_bytes)
{
	unsigned char img[SHK_S2SUM_SIZE];
	struct shk_s2sum got;
	struct shk_error err;
	size_t i;
	int bit;

	save();
	for (i = 0; i < SHK_S2SUM_SIZE; i++) {
		for (bit = 0; bit < 8; bit++) {
			shk_s2sum_encode(&dst, &sum, img);
			img[i] ^= (unsigned char)(1u << bit);
			write_image(img, sizeof(img));
			ck_assert_msg(load(&got, &err) == SHK_ERR_PARSE, "byte %zu bit %d", i,
				      bit);
		}
	}
}
END_TEST

/* Well sealed but wrong: refused by what lies under the checksum. */
static const char *const forged[] = {"magic", "version", "byte order"};

START_TEST(test_forged)
{
	unsigned char img[SHK_S2SUM_SIZE];
	struct shk_s2sum got;
	struct shk_error err;
	uint32_t v;

	shk_s2sum_encode(&dst, &sum, img);
	switch (_i) {
	case 0:
		img[3] = 'X';
		break;
	case 1:
		v = 2;
		memcpy(img + OFF_VERSION, &v, sizeof(v));
		break;
	case 2:
		v = 0x04030201u;
		memcpy(img + OFF_BYTEORDER, &v, sizeof(v));
		break;
	}
	ck_assert_int_eq(shk_s2sum_reseal(img, sizeof(img)), SHK_OK);
	save(); /* makes the directory; then the forgery replaces the file */
	write_image(img, sizeof(img));
	ck_assert_msg(load(&got, &err) == SHK_ERR_PARSE, "%s accepted", forged[_i]);
}
END_TEST

/*
 * The checksum is no MAC: whoever may write the cache can forge counts.
 * The ownership rules limit that to root and the caller, who could edit
 * the store itself; the counts only change an info or warning message.
 */
START_TEST(test_forged_counts_are_read)
{
	unsigned char img[SHK_S2SUM_SIZE];
	struct shk_s2sum got;
	struct shk_error err;
	uint64_t v = 42;

	save();
	shk_s2sum_encode(&dst, &sum, img);
	memcpy(img + OFF_NTECTIA, &v, sizeof(v));
	memcpy(img + OFF_NHASHED, &v, sizeof(v));
	ck_assert_int_eq(shk_s2sum_reseal(img, sizeof(img)), SHK_OK);
	write_image(img, sizeof(img));
	ck_assert_int_eq(load(&got, &err), SHK_OK);
	ck_assert_uint_eq(got.ntectia, 42);
	ck_assert_uint_eq(got.nhashed, 42);
}
END_TEST

enum { B_FILE_WORLD, B_FILE_GROUP, B_DIR_WORLD, B_FILE_OWNER, B_DIR_OWNER, B_SYMLINK,
       B_FIFO, B_SUBDIR, B_NUM };

START_TEST(test_bad_mode_or_owner)
{
	struct shk_s2sum got;
	struct shk_error err;
	char real[600];
	int want = SHK_ERR_UNTRUSTED;

	save();
	ck_assert_int_eq(load(&got, &err), SHK_OK);
	switch (_i) {
	case B_FILE_WORLD:
		ck_assert_int_eq(chmod(sum_path(), 0646), 0);
		break;
	case B_FILE_GROUP:
		ck_assert_int_eq(chmod(sum_path(), 0664), 0);
		break;
	case B_DIR_WORLD:
		ck_assert_int_eq(chmod(cdir, 0777), 0);
		break;
	case B_FILE_OWNER:
		if (geteuid() != 0)
			return;
		ck_assert_int_eq(chown(sum_path(), 4321, 4321), 0);
		break;
	case B_DIR_OWNER:
		if (geteuid() != 0)
			return;
		ck_assert_int_eq(chown(cdir, 4321, 4321), 0);
		break;
	case B_SYMLINK: /* to a valid summary: still never followed */
		snprintf(real, sizeof(real), "%s/real.sum", tmpdir);
		ck_assert_int_eq(rename(sum_path(), real), 0);
		ck_assert_int_eq(symlink(real, sum_path()), 0);
		want = SHK_ERR_SYSTEM;
		break;
	case B_FIFO: /* opened without blocking, refused */
		ck_assert_int_eq(unlink(sum_path()), 0);
		ck_assert_int_eq(mkfifo(sum_path(), 0644), 0);
		break;
	case B_SUBDIR:
		ck_assert_int_eq(unlink(sum_path()), 0);
		ck_assert_int_eq(mkdir(sum_path(), 0755), 0);
		break;
	}
	ck_assert_msg(load(&got, &err) == want, "case %d: %s", _i, err.msg);
	/* Nor is anything written into an untrusted directory. */
	if (_i == B_DIR_WORLD || _i == B_DIR_OWNER)
		ck_assert_int_eq(shk_s2sum_save(cdir, &dst, &sum, geteuid(), &err),
				 SHK_ERR_UNTRUSTED);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("ssh2sum");
	TCase *tc = tcase_create("ssh2sum");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_name);
	tcase_add_test(tc, test_encode_decode);
	tcase_add_test(tc, test_save_load_roundtrip);
	tcase_add_loop_test(tc, test_stale, 0, SHK_ARRAY_SIZE(stale_fields));
	tcase_add_loop_test(tc, test_truncated_or_longer, 0, SHK_ARRAY_SIZE(cuts));
	tcase_add_test(tc, test_flipped_bytes);
	tcase_add_loop_test(tc, test_forged, 0, SHK_ARRAY_SIZE(forged));
	tcase_add_test(tc, test_forged_counts_are_read);
	tcase_add_loop_test(tc, test_bad_mode_or_owner, 0, B_NUM);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
