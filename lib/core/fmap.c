/* SPDX-License-Identifier: MIT */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fmap.h"
#include "trust.h"

int
shk_fmap_fd(int fd, struct shk_fmap *m, struct shk_error *err)
{
	void *p;

	if (fstat(fd, &m->st) == -1)
		return shk_error_set(err, SHK_ERR_SYSTEM, 0, "fstat: %s", strerror(errno));
	if (!S_ISREG(m->st.st_mode))
		return shk_error_set(err, SHK_ERR_INVAL, 0, "not a regular file");
	if ((uintmax_t)m->st.st_size > SIZE_MAX)
		return shk_error_set(err, SHK_ERR_RANGE, 0, "file too large to map");
	m->len = (size_t)m->st.st_size;
	m->data = NULL;
	if (m->len == 0)
		return SHK_OK;
	p = mmap(NULL, m->len, PROT_READ, MAP_PRIVATE, fd, 0);
	if (p == MAP_FAILED)
		return shk_error_set(err, SHK_ERR_SYSTEM, 0, "mmap: %s", strerror(errno));
	m->data = p;
	return SHK_OK;
}

/* Open name (relative to dirfd), check it with shk_trust_fd() when trust
 * is set, then map it. */
static int
fmap_open(int dirfd, const char *name, int trust, const char *stop_dir, uid_t uid,
	  struct shk_fmap *m, struct shk_error *err)
{
	int fd, r, oerrno;

	memset(m, 0, sizeof(*m));
	/* O_NONBLOCK: opening a planted FIFO must not block; it is then
	 * refused as not a regular file. */
	fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd == -1) {
		oerrno = errno;
		return shk_error_set(err,
				     oerrno == ENOENT || oerrno == ENOTDIR ? SHK_ERR_NOTFOUND
									   : SHK_ERR_SYSTEM,
				     0, "%s", strerror(oerrno));
	}
	/* The descriptor is checked, so what is trusted is what is read. */
	r = trust ? shk_trust_fd(fd, name, stop_dir, uid, err) : SHK_OK;
	if (r == SHK_OK)
		r = shk_fmap_fd(fd, m, err);
	close(fd);
	if (r != SHK_OK)
		memset(m, 0, sizeof(*m));
	return r;
}

int
shk_fmap_openat(int dirfd, const char *name, struct shk_fmap *m, struct shk_error *err)
{
	return fmap_open(dirfd, name, 0, NULL, 0, m, err);
}

int
shk_fmap_open(const char *path, struct shk_fmap *m, struct shk_error *err)
{
	return fmap_open(AT_FDCWD, path, 0, NULL, 0, m, err);
}

int
shk_fmap_open_trusted(const char *path, const char *stop_dir, uid_t uid, struct shk_fmap *m,
		      struct shk_error *err)
{
	return fmap_open(AT_FDCWD, path, 1, stop_dir, uid, m, err);
}

void
shk_fmap_close(struct shk_fmap *m)
{
	if (m->data != NULL)
		munmap((void *)m->data, m->len);
	memset(m, 0, sizeof(*m));
}
