/* SPDX-License-Identifier: MIT */
/*
 * The ssh2 directory summary file (lib/core/ssh2sum.c): a file our code reads
 * from a cache directory, so hostile input. Byte 0 of the input is a mode:
 *   bit 1 set: the rest of the input is the image, as it is;
 *   bit 1 clear: the rest is (offset, xor) pairs applied to a valid image,
 *                since random bytes would never pass the checksum;
 *   bit 0 set: the checksum is recomputed, to reach what lies under it.
 * Whatever decodes must describe the directory it was checked against,
 * and encode back to the very same bytes (every byte of the format is
 * determined by the identity and the counts).
 */
#include "config.h"

#include <sys/stat.h>

#include "fuzz.h"
#include "shk.h"
#include "ssh2sum.h"

static struct stat dst;
static unsigned char valid[SHK_S2SUM_SIZE];
static int ready;

static void
setup(void)
{
	const struct shk_s2sum sum = {.nhashed = 12, .ntectia = 100000};

	memset(&dst, 0, sizeof(dst));
	dst.st_dev = 0x801;
	dst.st_ino = 0x51c009;
	dst.st_size = 4096;
	dst.st_mode = S_IFDIR | 0755;
	dst.st_mtim.tv_sec = 1700000000;
	dst.st_mtim.tv_nsec = 123456789;
	dst.st_ctim.tv_sec = 1700000001;
	dst.st_ctim.tv_nsec = 987654321;
	shk_s2sum_encode(&dst, &sum, valid);
	ready = 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char again[SHK_S2SUM_SIZE], *img;
	struct shk_s2sum got;
	struct shk_error err;
	size_t len, i;
	int r;

	if (!ready)
		setup();
	if (size == 0)
		return 0;
	if (data[0] & 2) {
		len = size - 1;
		img = (unsigned char *)fuzz_dup(data + 1, len);
	} else {
		len = sizeof(valid);
		img = (unsigned char *)fuzz_dup(valid, len);
		for (i = 1; i + 1 < size; i += 2)
			img[data[i] % len] ^= data[i + 1];
	}
	if (data[0] & 1)
		(void)shk_s2sum_reseal(img, len);
	memset(&err, 0, sizeof(err));
	r = shk_s2sum_decode(img, len, &dst, &got, &err);
	FUZZ_ASSERT(r == SHK_OK || r == SHK_ERR_NOTFOUND || r == SHK_ERR_PARSE);
	FUZZ_ASSERT(r == SHK_OK || err.msg[0] != '\0');
	if (r == SHK_OK) {
		FUZZ_ASSERT(len == SHK_S2SUM_SIZE);
		shk_s2sum_encode(&dst, &got, again);
		FUZZ_ASSERT(memcmp(again, img, len) == 0);
	}
	free(img);
	return 0;
}
