/* SPDX-License-Identifier: MIT */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cachefile.h"
#include "privfs.h"
#include "replace.h"

int
shk_cache_dirs(const char *root, const char *home, uid_t uid, uid_t euid, char **sys,
	       char **user)
{
	const char *xdg;

	*sys = *user = NULL;
	if (root != NULL && strcmp(root, "/") == 0)
		root = "";
	if ((*sys = shk_path_join(root, "/var/cache/sshhostkeys")) == NULL)
		return SHK_ERR_NOMEM;
	/* Reading another user's stores: their cache is theirs. A set-ID
	 * program does not trust a cache its caller could have written. */
	if (uid != euid || shk_privfs_secure())
		return SHK_OK;
	xdg = secure_getenv("XDG_CACHE_HOME");
	if (xdg != NULL && xdg[0] == '/') {
		if (asprintf(user, "%s/sshhostkeys", xdg) == -1)
			goto nomem;
	} else if (home != NULL && home[0] == '/') {
		if (asprintf(user, "%s/.cache/sshhostkeys", home) == -1)
			goto nomem;
	}
	return SHK_OK;
nomem:
	*user = NULL;
	SHK_FREE(*sys);
	return SHK_ERR_NOMEM;
}

int
shk_cache_owner_ok(const struct stat *st, uid_t euid)
{
	return (st->st_uid == 0 || st->st_uid == euid) &&
	       (st->st_mode & (S_IWGRP | S_IWOTH)) == 0;
}

int
shk_cache_open_dir(const char *dir, uid_t euid, int *dfd, struct shk_error *err)
{
	struct stat st;
	int fd, oerrno;

	fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd == -1) {
		oerrno = errno;
		return shk_error_set(err, oerrno == ENOENT ? SHK_ERR_NOTFOUND : SHK_ERR_SYSTEM,
				     0, "%s: %s", dir, strerror(oerrno));
	}
	if (fstat(fd, &st) == -1 || !shk_cache_owner_ok(&st, euid)) {
		close(fd);
		return shk_error_set(err, SHK_ERR_UNTRUSTED, 0,
				     "%s: not owned by root or uid %lu, or writable by others",
				     dir, (unsigned long)euid);
	}
	*dfd = fd;
	return SHK_OK;
}

int
shk_cache_open_file(int dfd, const char *dir, const char *name, uid_t euid, int *fdp,
		    struct stat *st, struct shk_error *err)
{
	int fd, oerrno, r;

	*fdp = -1;
	fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd == -1) {
		oerrno = errno;
		return shk_error_set(err, oerrno == ENOENT ? SHK_ERR_NOTFOUND : SHK_ERR_SYSTEM,
				     0, "%s/%s: %s", dir, name, strerror(oerrno));
	}
	if (fstat(fd, st) == -1) {
		r = shk_error_set(err, SHK_ERR_SYSTEM, 0, "fstat: %s", strerror(errno));
		close(fd);
		return r;
	}
	if (!S_ISREG(st->st_mode) || !shk_cache_owner_ok(st, euid)) {
		close(fd);
		return shk_error_set(err, SHK_ERR_UNTRUSTED, 0,
				     "%s/%s: not a regular file owned by root or uid %lu and "
				     "writable only by its owner",
				     dir, name, (unsigned long)euid);
	}
	*fdp = fd;
	return SHK_OK;
}

static int
ensure_dir(const char *dir, uid_t euid)
{
	char *parent, *slash;
	mode_t mode = euid == 0 ? 0755 : 0700;

	if (mkdir(dir, mode) == 0 || errno == EEXIST)
		return 0;
	if (errno != ENOENT || (parent = strdup(dir)) == NULL)
		return -1;
	/* One level up only: ~/.cache or /var/cache, never a whole tree. */
	if ((slash = strrchr(parent, '/')) != NULL && slash != parent) {
		*slash = '\0';
		if (mkdir(parent, mode) == -1 && errno != EEXIST) {
			free(parent);
			return -1;
		}
	}
	free(parent);
	return mkdir(dir, mode) == 0 || errno == EEXIST ? 0 : -1;
}

int
shk_cache_write(const char *dir, const char *name, const void *data, size_t len, uid_t euid,
		struct shk_error *err)
{
	char tmpl[NAME_MAX + 1];
	int dfd = -1, n, r;

	/* A set-ID process reads stores as the real user (privfs.h): what it
	 * learnt is not worth a file that user could not write, nor one in a
	 * directory chosen by its effective uid. */
	if (shk_privfs_secure())
		return shk_error_set(err, SHK_ERR_UNSUPPORTED, 0,
				     "%s/%s: caches are not written by set-ID programs", dir, name);
	if (ensure_dir(dir, euid) == -1)
		return shk_error_set(err, SHK_ERR_SYSTEM, 0, "mkdir %s: %s", dir,
				     strerror(errno));
	if ((r = shk_cache_open_dir(dir, euid, &dfd, err)) != SHK_OK)
		return r;
	n = snprintf(tmpl, sizeof(tmpl), ".%s.XXXXXXXX.tmp", name);
	if (n < 0 || (size_t)n >= sizeof(tmpl)) {
		r = shk_error_set(err, SHK_ERR_RANGE, 0, "%s: name too long", name);
		goto out;
	}
	/* Unique names, no lock: writers of one cache do not wait for each
	 * other, and the last rename wins. No fsync (see the header). */
	r = shk_replace_file(dfd, name, tmpl, data, len, euid == 0 ? 0644 : 0600,
			     SHK_REPLACE_UNIQUE, err);
	if (r != SHK_OK && err != NULL) {
		/* The reason names a file in dir: say which dir. */
		char msg[SHK_ERRMSG_MAX];

		memcpy(msg, err->msg, sizeof(msg));
		shk_error_set(err, r, 0, "%s/%s", dir, msg);
	}
out:
	close(dfd);
	return r;
}

int
shk_cache_settled(const struct stat *st)
{
	struct timespec now;
	time_t newest = st->st_mtim.tv_sec > st->st_ctim.tv_sec ? st->st_mtim.tv_sec
							       : st->st_ctim.tv_sec;

	return clock_gettime(CLOCK_REALTIME, &now) == 0 &&
	       now.tv_sec - newest >= SHK_CACHE_RACY_SECONDS;
}

int
shk_cache_same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino && a->st_size == b->st_size &&
	       a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
	       a->st_mtim.tv_nsec == b->st_mtim.tv_nsec &&
	       a->st_ctim.tv_sec == b->st_ctim.tv_sec && a->st_ctim.tv_nsec == b->st_ctim.tv_nsec;
}

#define P1 0x9E3779B185EBCA87ULL
#define P2 0xC2B2AE3D27D4EB4FULL

static uint64_t
rotl64(uint64_t x, int r)
{
	return (x << r) | (x >> (64 - r));
}

static uint64_t
round64(uint64_t acc, uint64_t w)
{
	return rotl64(acc + w * P2, 31) * P1;
}

uint64_t
shk_cache_checksum(const void *data, size_t len, size_t skip_off, uint64_t seed)
{
	const unsigned char *p = data;
	uint64_t l[4] = {P1 ^ seed, P2, ~P1, ~P2}, w, h;
	size_t i = 0, k;

	for (; i + 32 <= len; i += 32) {
		for (k = 0; k < 4; k++) {
			memcpy(&w, p + i + 8 * k, 8);
			if (i + 8 * k == skip_off)
				w = 0;
			l[k] = round64(l[k], w);
		}
	}
	for (; i + 8 <= len; i += 8) {
		memcpy(&w, p + i, 8);
		if (i == skip_off)
			w = 0;
		l[0] = round64(l[0], w);
	}
	for (; i < len; i++)
		l[1] = round64(l[1], p[i]);
	h = rotl64(l[0], 1) + rotl64(l[1], 7) + rotl64(l[2], 12) + rotl64(l[3], 18);
	h ^= (uint64_t)len;
	h ^= h >> 33;
	h *= P2;
	h ^= h >> 29;
	return h;
}
