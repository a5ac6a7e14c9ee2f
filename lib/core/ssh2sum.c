/* SPDX-License-Identifier: MIT */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cachefile.h"
#include "ssh2sum.h"

#define S2S_MAGIC "SHKS2S\r\n"
#define S2S_VERSION 1
#define S2S_BYTEORDER 0x01020304u

/* Offsets of the format (ssh2sum.h). */
enum {
	OFF_MAGIC = 0,
	OFF_VERSION = 8,
	OFF_BYTEORDER = 12,
	OFF_DEV = 16,
	OFF_INO = 24,
	OFF_SIZE = 32,
	OFF_MTIME_SEC = 40,
	OFF_MTIME_NSEC = 48,
	OFF_CTIME_SEC = 56,
	OFF_CTIME_NSEC = 64,
	OFF_NHASHED = 72,
	OFF_NTECTIA = 80,
	OFF_CHECKSUM = 88,
};

_Static_assert(OFF_CHECKSUM + 8 == SHK_S2SUM_SIZE, "summary layout");

static void
put64(unsigned char *img, size_t off, uint64_t v)
{
	memcpy(img + off, &v, sizeof(v));
}

static uint64_t
get64(const unsigned char *img, size_t off)
{
	uint64_t v;

	memcpy(&v, img + off, sizeof(v));
	return v;
}

static uint32_t
get32(const unsigned char *img, size_t off)
{
	uint32_t v;

	memcpy(&v, img + off, sizeof(v));
	return v;
}

/* The cache files' checksum (cachefile.h) over everything before it. */
static uint64_t
s2s_checksum(const unsigned char *img)
{
	return shk_cache_checksum(img, OFF_CHECKSUM, SHK_CACHE_NO_SKIP, 0);
}

int
shk_s2sum_name(const struct stat *dst, char *out, size_t outcap)
{
	int n = snprintf(out, outcap, "ssh2-%llx-%llx.sum", (unsigned long long)dst->st_dev,
			 (unsigned long long)dst->st_ino);

	return n > 0 && (size_t)n < outcap ? SHK_OK : SHK_ERR_RANGE;
}

static void
put_identity(unsigned char *img, const struct stat *dst)
{
	put64(img, OFF_DEV, (uint64_t)dst->st_dev);
	put64(img, OFF_INO, (uint64_t)dst->st_ino);
	put64(img, OFF_SIZE, (uint64_t)dst->st_size);
	put64(img, OFF_MTIME_SEC, (uint64_t)dst->st_mtim.tv_sec);
	put64(img, OFF_MTIME_NSEC, (uint64_t)dst->st_mtim.tv_nsec);
	put64(img, OFF_CTIME_SEC, (uint64_t)dst->st_ctim.tv_sec);
	put64(img, OFF_CTIME_NSEC, (uint64_t)dst->st_ctim.tv_nsec);
}

void
shk_s2sum_encode(const struct stat *dst, const struct shk_s2sum *s,
		 unsigned char img[SHK_S2SUM_SIZE])
{
	uint32_t v = S2S_VERSION, bo = S2S_BYTEORDER;

	memset(img, 0, SHK_S2SUM_SIZE);
	memcpy(img + OFF_MAGIC, S2S_MAGIC, 8);
	memcpy(img + OFF_VERSION, &v, sizeof(v));
	memcpy(img + OFF_BYTEORDER, &bo, sizeof(bo));
	put_identity(img, dst);
	put64(img, OFF_NHASHED, s->nhashed);
	put64(img, OFF_NTECTIA, s->ntectia);
	put64(img, OFF_CHECKSUM, s2s_checksum(img));
}

int
shk_s2sum_reseal(void *img, size_t len)
{
	if (len != SHK_S2SUM_SIZE)
		return SHK_ERR_RANGE;
	put64(img, OFF_CHECKSUM, s2s_checksum(img));
	return SHK_OK;
}

int
shk_s2sum_decode(const void *data, size_t len, const struct stat *dst, struct shk_s2sum *s,
		 struct shk_error *err)
{
	const unsigned char *img = data;
	unsigned char want[SHK_S2SUM_SIZE];

	if (len != SHK_S2SUM_SIZE)
		return shk_error_set(err, SHK_ERR_PARSE, 0, "size %zu, want %d", len,
				     SHK_S2SUM_SIZE);
	if (memcmp(img + OFF_MAGIC, S2S_MAGIC, 8) != 0)
		return shk_error_set(err, SHK_ERR_PARSE, 0, "bad magic");
	if (get32(img, OFF_VERSION) != S2S_VERSION || get32(img, OFF_BYTEORDER) != S2S_BYTEORDER)
		return shk_error_set(err, SHK_ERR_PARSE, 0, "version or byte order differs");
	if (get64(img, OFF_CHECKSUM) != s2s_checksum(img))
		return shk_error_set(err, SHK_ERR_PARSE, 0, "checksum mismatch");
	/* The identity is compared as it would be written, so every field
	 * of the image is checked, whatever the widths of struct stat. */
	memset(want, 0, sizeof(want));
	put_identity(want, dst);
	if (memcmp(img + OFF_DEV, want + OFF_DEV, OFF_NHASHED - OFF_DEV) != 0)
		return shk_error_set(err, SHK_ERR_NOTFOUND, 0, "stale");
	s->nhashed = get64(img, OFF_NHASHED);
	s->ntectia = get64(img, OFF_NTECTIA);
	return SHK_OK;
}

int
shk_s2sum_load(const char *dir, const struct stat *dst, uid_t euid, struct shk_s2sum *s,
	       struct shk_error *err)
{
	unsigned char img[SHK_S2SUM_SIZE + 1];
	char name[64];
	struct stat st;
	ssize_t n;
	int dfd = -1, fd = -1, r;

	if ((r = shk_s2sum_name(dst, name, sizeof(name))) != SHK_OK)
		return r;
	if ((r = shk_cache_open_dir(dir, euid, &dfd, err)) != SHK_OK)
		return r;
	if ((r = shk_cache_open_file(dfd, dir, name, euid, &fd, &st, err)) != SHK_OK)
		goto out;
	if (st.st_size != SHK_S2SUM_SIZE) {
		r = shk_error_set(err, SHK_ERR_PARSE, 0, "%s/%s: size %jd, want %d", dir, name,
				  (intmax_t)st.st_size, SHK_S2SUM_SIZE);
		goto out;
	}
	/* One byte more than the format: a file that grew since fstat is
	 * refused too. */
	do {
		n = pread(fd, img, sizeof(img), 0);
	} while (n == -1 && errno == EINTR);
	if (n == -1) {
		r = shk_error_set(err, SHK_ERR_SYSTEM, 0, "%s/%s: %s", dir, name, strerror(errno));
		goto out;
	}
	if ((r = shk_s2sum_decode(img, (size_t)n, dst, s, err)) != SHK_OK) {
		/* Prefix the file: decode's messages do not know it. */
		char msg[SHK_ERRMSG_MAX];

		snprintf(msg, sizeof(msg), "%s", err != NULL ? err->msg : "");
		shk_error_set(err, r, 0, "%s/%s: %s", dir, name, msg);
	}
out:
	if (fd != -1)
		close(fd);
	close(dfd);
	return r;
}

int
shk_s2sum_save(const char *dir, const struct stat *dst, const struct shk_s2sum *s,
	       uid_t euid, struct shk_error *err)
{
	unsigned char img[SHK_S2SUM_SIZE];
	char name[64];
	int r;

	if ((r = shk_s2sum_name(dst, name, sizeof(name))) != SHK_OK)
		return r;
	shk_s2sum_encode(dst, s, img);
	return shk_cache_write(dir, name, img, sizeof(img), euid, err);
}
