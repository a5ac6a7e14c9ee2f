/* SPDX-License-Identifier: MIT */
/*
 * The known_hosts index cache file (lib/core/khindex.c): a file our code reads,
 * so hostile input. Random bytes would never pass its checksum, so the
 * input is read as edits to a valid index: pairs (offset, byte) XORed
 * into the image of a fixed known_hosts file's index. The first input
 * byte says whether the checksum is then recomputed, which lets the
 * fuzzer past it into the structural checks. The edited image is written
 * into a private directory and loaded; whatever loads is used to look
 * names up (its blocks checked as they are read), and every candidate
 * line must lie inside the file. An index that then passes the full
 * check must answer every query.
 */
#include "config.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"
#include "khindex.h"
#include "shk.h"

/* The file the index describes: plain names, a pattern, a marker, hashed
 * lines (from ssh-keygen -H), a comment, an invalid line. */
static const char kh_data[] =
	"alpha.example.com,10.1.54.1 ssh-ed25519 "
	"AAAAC3NzaC1lZDI1NTE5AAAAIDuwhhB6NX/DoXQZKB2jvvqIAjfctgMk/DsQJ2HcmSSc\n"
	"[beta.example.com]:2222 ssh-ed25519 "
	"AAAAC3NzaC1lZDI1NTE5AAAAIEZ5Js+CfdAYLtscW38wIIWHU+6vNkBOx6yzAvd49LZj\n"
	"*.wild.example,!no.wild.example ssh-ed25519 "
	"AAAAC3NzaC1lZDI1NTE5AAAAIH5lUCRV30/ex7q9F+D3yNZl3LC4RL0ylLctJQiw7ies\n"
	"@revoked * ssh-ed25519 "
	"AAAAC3NzaC1lZDI1NTE5AAAAIH5lUCRV30/ex7q9F+D3yNZl3LC4RL0ylLctJQiw7ies\n"
	"|1|kPlCNZ0JQMc6DdtMbXrbnHSjSAQ=|6PiY6Rrd+UkDK1YdUhwMdC7b8mo= ssh-ed25519 "
	"AAAAC3NzaC1lZDI1NTE5AAAAIDuwhhB6NX/DoXQZKB2jvvqIAjfctgMk/DsQJ2HcmSSc\n"
	"# comment\n"
	"broken.example ssh-ed25519\n"
	"gamma gamma2 ssh-rsa AAAA\n";

static const char *const names[] = {
	"alpha.example.com", "10.1.54.1", "[beta.example.com]:2222", "x.wild.example",
	"no.wild.example",   "gamma",     "absent.example",
};

static char dir[64];
static struct stat fake_st;
static unsigned char *valid;
static size_t valid_len;
static char idxname[128];

static void
cleanup(void)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", dir, idxname);
	unlink(path);
	rmdir(dir);
}

/* Once: a private directory and the valid image of kh_data's index. */
static void
setup(void)
{
	struct shk_khx *x = NULL;
	struct shk_error err;
	struct stat st;
	char path[256];
	int fd;

	snprintf(dir, sizeof(dir), "/tmp/shk-fuzz-khx.XXXXXX");
	FUZZ_ASSERT(mkdtemp(dir) != NULL);
	atexit(cleanup);
	memset(&fake_st, 0, sizeof(fake_st));
	fake_st.st_dev = 0x801;
	fake_st.st_ino = 424242;
	fake_st.st_size = (off_t)(sizeof(kh_data) - 1);
	fake_st.st_mtim.tv_sec = 1700000000;
	fake_st.st_ctim.tv_sec = 1700000000;
	fake_st.st_mode = S_IFREG | 0644;
	FUZZ_ASSERT(shk_khx_build(kh_data, sizeof(kh_data) - 1, &fake_st, &x) == SHK_OK);
	FUZZ_ASSERT(shk_khx_save(x, dir, geteuid(), &err) == SHK_OK);
	shk_khx_free(x);
	FUZZ_ASSERT(shk_khx_name(&fake_st, idxname, sizeof(idxname)) == SHK_OK);
	snprintf(path, sizeof(path), "%s/%s", dir, idxname);
	FUZZ_ASSERT((fd = open(path, O_RDONLY)) != -1);
	FUZZ_ASSERT(fstat(fd, &st) == 0 && st.st_size > 0);
	valid_len = (size_t)st.st_size;
	FUZZ_ASSERT((valid = malloc(valid_len)) != NULL);
	FUZZ_ASSERT(read(fd, valid, valid_len) == (ssize_t)valid_len);
	close(fd);
}

static void
use_index(const struct shk_khx *x, int verified)
{
	uint32_t *recs = NULL;
	size_t nrecs = 0, i, k;
	const char *line;
	size_t linelen;
	unsigned long lineno;

	for (k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
		if (shk_khx_candidates(x, names[k], strlen(names[k]), NULL, 0, 1, &recs, &nrecs,
				       NULL) != SHK_OK) {
			FUZZ_ASSERT(!verified);
			continue;
		}
		for (i = 0; i < nrecs; i++) {
			if (shk_khx_line(x, recs[i], kh_data, sizeof(kh_data) - 1, &line, &linelen,
					 &lineno) != SHK_OK)
				continue;
			/* Whatever the index says, a line lies inside the file. */
			FUZZ_ASSERT(line >= kh_data &&
				    line + linelen <= kh_data + sizeof(kh_data) - 1);
		}
		free(recs);
		recs = NULL;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct shk_khx *x = NULL;
	struct shk_error err;
	unsigned char *img;
	size_t len, i;
	char path[256];
	int fd, r;

	if (valid == NULL)
		setup();
	/* Byte 1..2: a new length (shorter or longer than the valid one). */
	len = valid_len;
	if (size >= 3 && (data[0] & 2))
		len = ((size_t)data[1] << 8 | data[2]) % (valid_len * 2 + 1);
	FUZZ_ASSERT((img = calloc(1, len + 1)) != NULL);
	memcpy(img, valid, len < valid_len ? len : valid_len);
	/* Then (offset hi, offset lo, xor) triples. */
	for (i = 3; i + 2 < size; i += 3) {
		size_t off = ((size_t)data[i] << 8 | data[i + 1]);

		if (len > 0)
			img[off % len] ^= data[i + 2];
	}
	if (size >= 1 && (data[0] & 1))
		(void)shk_khx_reseal(img, len);
	snprintf(path, sizeof(path), "%s/%s", dir, idxname);
	FUZZ_ASSERT((fd = open(path, O_WRONLY | O_TRUNC | O_CREAT, 0600)) != -1);
	FUZZ_ASSERT(len == 0 || write(fd, img, len) == (ssize_t)len);
	close(fd);
	memset(&err, 0, sizeof(err));
	r = shk_khx_load(dir, &fake_st, geteuid(), &x, &err);
	if (r == SHK_OK) {
		FUZZ_ASSERT(shk_khx_fresh(x, &fake_st));
		use_index(x, 0);
		if (shk_khx_verify(x, &err) == SHK_OK)
			use_index(x, 1);
		shk_khx_free(x);
	} else {
		FUZZ_ASSERT(x == NULL);
	}
	free(img);
	return 0;
}
