/* SPDX-License-Identifier: MIT */
/*
 * Atomic replacement of one file: see replace.h for the sequence and
 * the flags. Every step works relative to the directory descriptor, so
 * the temporary file and the target are in the directory the caller
 * checked, whatever happens to its path meanwhile.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "replace.h"

/* A unique name is retried this often before the directory is assumed
 * to be full of them (or something refuses every name with EEXIST). */
#define REPLACE_TRIES 100
/* Fewest random digits in a unique name, as mkstemp(3) asks. */
#define REPLACE_X_MIN 6

int
shk_replace_errno_status(int e)
{
	switch (e) {
	case ENOENT:
		return SHK_ERR_NOTFOUND;
	case ELOOP:
		return SHK_ERR_UNTRUSTED;
	case ENOTDIR:
		return SHK_ERR_INVAL;
	case ENAMETOOLONG:
		return SHK_ERR_RANGE;
	case ENOMEM:
		return SHK_ERR_NOMEM;
	default:
		return SHK_ERR_SYSTEM;
	}
}

/* Fill x[0..n) with random lower-case hex digits. The name only needs
 * to be unlikely to exist (a clash is retried), so without entropy yet
 * (early boot) the process id and the clock do. */
static void
replace_random_hex(char *x, size_t n, unsigned int attempt)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char rnd[32];
	struct timespec ts;
	uint64_t v;
	size_t i, k, chunk;

	for (i = 0; i < n; i += chunk) {
		chunk = n - i < sizeof(rnd) ? n - i : sizeof(rnd);
		if (getrandom(rnd, chunk, GRND_NONBLOCK) != (ssize_t)chunk) {
			clock_gettime(CLOCK_MONOTONIC, &ts);
			v = (uint64_t)getpid() << 32 ^ (uint64_t)ts.tv_nsec ^
			    (uint64_t)attempt << 20 ^ (uint64_t)i;
			for (k = 0; k < chunk; k++) {
				v = v * 6364136223846793005ULL + 1442695040888963407ULL;
				rnd[k] = (unsigned char)(v >> 56);
			}
		}
		for (k = 0; k < chunk; k++)
			x[i + k] = hex[rnd[k] & 0xf];
	}
}

/* Where the last run of 'X' of name is: [*start, *end). SHK_OK, or
 * SHK_ERR_INVAL when it is shorter than REPLACE_X_MIN. */
static int
replace_x_run(const char *name, size_t len, size_t *start, size_t *end)
{
	size_t e = len, s;

	while (e > 0 && name[e - 1] != 'X')
		e--;
	for (s = e; s > 0 && name[s - 1] == 'X'; s--)
		;
	*start = s;
	*end = e;
	return e - s >= REPLACE_X_MIN ? SHK_OK : SHK_ERR_INVAL;
}

int
shk_replace_open(struct shk_replace *rp, int dirfd, const char *tmpl, mode_t mode,
		 unsigned int flags, struct shk_error *err)
{
	const int unique = (flags & SHK_REPLACE_UNIQUE) != 0;
	size_t len = strlen(tmpl), xs = 0, xe = 0;
	unsigned int tries;
	int oerrno, r;

	rp->dirfd = dirfd;
	rp->fd = -1;
	rp->flags = flags;
	rp->tmp[0] = '\0';
	if (len >= sizeof(rp->tmp))
		return shk_error_set(err, SHK_ERR_RANGE, 0, "%s: name too long", tmpl);
	if (unique && replace_x_run(tmpl, len, &xs, &xe) != SHK_OK)
		return shk_error_set(err, SHK_ERR_INVAL, 0, "%s: no XXXXXX to make unique",
				     tmpl);
	memcpy(rp->tmp, tmpl, len + 1);
	for (tries = 0;; tries++) {
		if (unique)
			replace_random_hex(rp->tmp + xs, xe - xs, tries);
		/* With SHK_REPLACE_CHMOD the mode is set below, exactly;
		 * until then the file is the owner's alone. */
		rp->fd = openat(dirfd, rp->tmp,
				O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY,
				(flags & SHK_REPLACE_CHMOD) != 0 ? 0600 : mode);
		if (rp->fd != -1)
			break;
		oerrno = errno;
		if (oerrno == EEXIST && unique && tries + 1 < REPLACE_TRIES)
			continue;
		/* The fixed name is used under the lock: what is there is a
		 * killed writer's leftover (or was planted), never in use. */
		if (oerrno == EEXIST && !unique && tries == 0 &&
		    unlinkat(dirfd, rp->tmp, 0) == 0)
			continue;
		r = shk_error_set(err, shk_replace_errno_status(oerrno), 0,
				  "%s: cannot create: %s", rp->tmp, strerror(oerrno));
		rp->tmp[0] = '\0';
		errno = oerrno;
		return r;
	}
	if ((flags & SHK_REPLACE_CHMOD) != 0 && fchmod(rp->fd, mode) == -1 &&
	    (flags & SHK_REPLACE_LENIENT) == 0) {
		oerrno = errno;
		r = shk_error_set(err, SHK_ERR_SYSTEM, 0, "%s: chmod: %s", rp->tmp,
				  strerror(oerrno));
		shk_replace_abort(rp);
		return r;
	}
	return SHK_OK;
}

int
shk_replace_write(struct shk_replace *rp, const void *data, size_t len, struct shk_error *err)
{
	const char *p = data;
	ssize_t n;
	int oerrno, r;

	while (len > 0) {
		n = write(rp->fd, p, len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			oerrno = n == -1 ? errno : EIO;
			r = shk_error_set(err, SHK_ERR_SYSTEM, 0, "%s: write: %s", rp->tmp,
					  strerror(oerrno));
			shk_replace_abort(rp);
			errno = oerrno;
			return r;
		}
		p += n;
		len -= (size_t)n;
	}
	return SHK_OK;
}

int
shk_replace_close(struct shk_replace *rp, struct shk_error *err)
{
	int oerrno, r;

	if (rp->fd == -1)
		return SHK_OK;
	if ((rp->flags & SHK_REPLACE_FSYNC) != 0 && fsync(rp->fd) == -1) {
		oerrno = errno;
		r = shk_error_set(err, SHK_ERR_SYSTEM, 0, "%s: fsync: %s", rp->tmp,
				  strerror(oerrno));
		goto fail;
	}
	if (close(rp->fd) == -1) {
		oerrno = errno;
		rp->fd = -1;
		r = shk_error_set(err, SHK_ERR_SYSTEM, 0, "%s: close: %s", rp->tmp,
				  strerror(oerrno));
		goto fail;
	}
	rp->fd = -1;
	return SHK_OK;
fail:
	shk_replace_abort(rp);
	errno = oerrno;
	return r;
}

int
shk_replace_commit(struct shk_replace *rp, const char *name, struct shk_error *err)
{
	const int lenient = (rp->flags & SHK_REPLACE_LENIENT) != 0;
	int oerrno, r;

	if ((r = shk_replace_close(rp, err)) != SHK_OK)
		return r;
	if (rp->tmp[0] == '\0')
		return shk_error_set(err, SHK_ERR_INVAL, 0, "%s: no temporary file to rename",
				     name);
	if (renameat(rp->dirfd, rp->tmp, rp->dirfd, name) == -1) {
		oerrno = errno;
		r = shk_error_set(err, shk_replace_errno_status(oerrno), 0, "%s: rename: %s",
				  name, strerror(oerrno));
		shk_replace_abort(rp);
		errno = oerrno;
		return r;
	}
	rp->tmp[0] = '\0';
	if ((rp->flags & SHK_REPLACE_FSYNC_DIR) == 0)
		return SHK_OK;
	r = shk_replace_sync_dir(rp->dirfd, lenient ? NULL : err);
	return lenient ? SHK_OK : r;
}

void
shk_replace_abort(struct shk_replace *rp)
{
	int oerrno = errno;

	if (rp->fd != -1) {
		close(rp->fd);
		rp->fd = -1;
	}
	if (rp->tmp[0] != '\0') {
		unlinkat(rp->dirfd, rp->tmp, 0);
		rp->tmp[0] = '\0';
	}
	errno = oerrno;
}

int
shk_replace_sync_dir(int dirfd, struct shk_error *err)
{
	int oerrno;

	if (fsync(dirfd) == -1) {
		oerrno = errno;
		shk_error_set(err, SHK_ERR_SYSTEM, 0, "fsync of the directory: %s",
			      strerror(oerrno));
		errno = oerrno;
		return SHK_ERR_SYSTEM;
	}
	return SHK_OK;
}

int
shk_replace_file(int dirfd, const char *name, const char *tmpl, const void *data, size_t len,
		 mode_t mode, unsigned int flags, struct shk_error *err)
{
	struct shk_replace rp;
	int r;

	/* Each step removes the temporary file when it fails. */
	if ((r = shk_replace_open(&rp, dirfd, tmpl, mode, flags, err)) != SHK_OK ||
	    (r = shk_replace_write(&rp, data, len, err)) != SHK_OK)
		return r;
	return shk_replace_commit(&rp, name, err);
}
