/* SPDX-License-Identifier: MIT */
/*
 * File primitives for the store writers: see storefile.h for the rules.
 * Everything works relative to directory descriptors so that a path
 * checked once cannot be swapped for a symlink between two calls.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "replace.h"
#include "storefile.h"

int
shk_sf_open_dir(const char *anchor, const char *path, unsigned int flags, mode_t mode,
		int *dirfd, int *created, struct shk_error *err)
{
	char name[NAME_MAX + 1], abuf[PATH_MAX];
	const char *rest, *s, *e;
	struct stat st;
	size_t al;
	int fd = -1, nfd, made = 0, r, oerrno;

	*dirfd = -1;
	if (created != NULL)
		*created = 0;
	if (path == NULL || path[0] != '/')
		return shk_error_set(err, SHK_ERR_INVAL, 0, "store path \"%s\" is not absolute",
				     path != NULL ? path : "(null)");
	if (anchor == NULL || anchor[0] == '\0')
		anchor = "/";
	al = strlen(anchor);
	while (al > 1 && anchor[al - 1] == '/')
		al--;
	if (al == 1 && anchor[0] == '/') {
		rest = path;
	} else if (strncmp(path, anchor, al) == 0 && (path[al] == '/' || path[al] == '\0')) {
		rest = path + al;
	} else {
		/* Not below the anchor: walk from the file-system root. */
		anchor = "/";
		al = 1;
		rest = path;
	}
	if (al >= sizeof(abuf))
		return shk_error_set(err, SHK_ERR_RANGE, 0, "path too long: %s", path);
	memcpy(abuf, anchor, al);
	abuf[al] = '\0';
	/* The anchor (home or root prefix) is the caller's choice and may
	 * itself be reached through a symlink, like /home -> /usr/home. */
	if ((fd = open(abuf, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1) {
		oerrno = errno;
		return shk_error_set(err, shk_replace_errno_status(oerrno), 0, "%s: %s", abuf,
				     strerror(oerrno));
	}
	for (s = rest;;) {
		while (*s == '/')
			s++;
		if (*s == '\0')
			break;
		for (e = s; *e != '\0' && *e != '/'; e++)
			;
		made = 0;
		if ((size_t)(e - s) > NAME_MAX) {
			r = shk_error_set(err, SHK_ERR_RANGE, 0, "%.*s: name too long",
					  (int)(e - path), path);
			goto fail;
		}
		memcpy(name, s, (size_t)(e - s));
		name[e - s] = '\0';
		if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0) {
			r = shk_error_set(err, SHK_ERR_INVAL, 0,
					  "%s: \".\" or \"..\" in a store path", path);
			goto fail;
		}
		nfd = openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (nfd == -1 && errno == ENOENT && (flags & SHK_SF_CREATE) != 0) {
			if (mkdirat(fd, name, mode) == 0)
				made = 1;
			else if (errno != EEXIST) {
				oerrno = errno;
				r = shk_error_set(err, shk_replace_errno_status(oerrno), 0,
						  "%.*s: cannot create: %s", (int)(e - path), path,
						  strerror(oerrno));
				goto fail;
			}
			nfd = openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		}
		if (nfd == -1) {
			oerrno = errno;
			/* O_DIRECTORY|O_NOFOLLOW on a symlink says ENOTDIR. */
			if (oerrno == ENOTDIR && fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
			    S_ISLNK(st.st_mode))
				oerrno = ELOOP;
			r = shk_replace_errno_status(oerrno);
			if (oerrno == ELOOP)
				shk_error_set(err, r, 0, "%.*s: is a symbolic link: not followed",
					      (int)(e - path), path);
			else if (oerrno == ENOTDIR)
				shk_error_set(err, r, 0, "%.*s: not a directory", (int)(e - path),
					      path);
			else
				shk_error_set(err, r, 0, "%.*s: %s", (int)(e - path), path,
					      strerror(oerrno));
			goto fail;
		}
		/* mkdir's mode went through the umask; the store's mode is
		 * part of its contract. */
		if (made && fchmod(nfd, mode) == -1) {
			oerrno = errno;
			close(nfd);
			r = shk_error_set(err, SHK_ERR_SYSTEM, 0, "%.*s: chmod: %s",
					  (int)(e - path), path, strerror(oerrno));
			goto fail;
		}
		close(fd);
		fd = nfd;
		s = e;
	}
	if (created != NULL)
		*created = made;
	*dirfd = fd;
	return SHK_OK;
fail:
	if (fd != -1)
		close(fd);
	return r;
}

static int
sf_lock(int dirfd, int op, int *lockfd, struct shk_error *err)
{
	struct stat st;
	int fd, oerrno, r;

	*lockfd = -1;
	fd = openat(dirfd, SHK_SF_LOCK_NAME,
		    O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY,
		    SHK_SF_FILE_MODE);
	if (fd == -1) {
		oerrno = errno;
		r = shk_replace_errno_status(oerrno);
		if (oerrno == ELOOP)
			return shk_error_set(err, r, 0,
					     SHK_SF_LOCK_NAME ": is a symbolic link: refused");
		return shk_error_set(err, r, 0, SHK_SF_LOCK_NAME ": %s", strerror(oerrno));
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		close(fd);
		return shk_error_set(err, SHK_ERR_INVAL, 0,
				     SHK_SF_LOCK_NAME ": not a regular file: refused");
	}
	while (flock(fd, op) == -1) {
		oerrno = errno;
		if (oerrno == EINTR)
			continue;
		close(fd);
		if (oerrno == EWOULDBLOCK)
			return shk_error_set(err, SHK_ERR_RANGE, 0,
					     SHK_SF_LOCK_NAME ": held by another writer");
		return shk_error_set(err, SHK_ERR_SYSTEM, 0, SHK_SF_LOCK_NAME ": flock: %s",
				     strerror(oerrno));
	}
	*lockfd = fd;
	return SHK_OK;
}

int
shk_sf_lock(int dirfd, int *lockfd, struct shk_error *err)
{
	return sf_lock(dirfd, LOCK_EX, lockfd, err);
}

int
shk_sf_trylock(int dirfd, int *lockfd, struct shk_error *err)
{
	return sf_lock(dirfd, LOCK_EX | LOCK_NB, lockfd, err);
}

void
shk_sf_unlock(int lockfd)
{
	/* Closing the only descriptor of the open file releases the lock. */
	if (lockfd != -1)
		close(lockfd);
}

int
shk_sf_map(int dirfd, const char *name, struct shk_fmap *m, struct shk_error *err)
{
	int fd, oerrno, r;

	memset(m, 0, sizeof(*m));
	fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd == -1) {
		oerrno = errno;
		r = shk_replace_errno_status(oerrno);
		if (oerrno == ELOOP)
			return shk_error_set(err, r, 0, "%s: is a symbolic link: refused", name);
		return shk_error_set(err, r, 0, "%s: %s", name, strerror(oerrno));
	}
	r = shk_fmap_fd(fd, m, err);
	if (r != SHK_OK)
		memset(m, 0, sizeof(*m));
	close(fd);
	return r;
}

int
shk_sf_stat(int dirfd, const char *name, struct stat *st, struct shk_error *err)
{
	struct stat sb;
	int oerrno;

	if (st == NULL)
		st = &sb;
	if (fstatat(dirfd, name, st, AT_SYMLINK_NOFOLLOW) == -1) {
		oerrno = errno;
		return shk_error_set(err, shk_replace_errno_status(oerrno), 0, "%s: %s", name,
				     strerror(oerrno));
	}
	if (S_ISLNK(st->st_mode))
		return shk_error_set(err, SHK_ERR_UNTRUSTED, 0,
				     "%s: is a symbolic link: refused", name);
	if (!S_ISREG(st->st_mode))
		return shk_error_set(err, SHK_ERR_INVAL, 0, "%s: not a regular file: refused",
				     name);
	return SHK_OK;
}

/* How every store file is written (replace.h): the directory's one
 * temporary name under its lock, the mode exactly, data and name durable. */
#define SF_REPLACE_FLAGS (SHK_REPLACE_CHMOD | SHK_REPLACE_FSYNC | SHK_REPLACE_FSYNC_DIR)

/* Write data to a fresh temporary file, mode mode, synced and closed
 * but still under its temporary name. */
static int
sf_write_temp(int dirfd, struct shk_replace *rp, const void *data, size_t len, mode_t mode,
	      struct shk_error *err)
{
	int r;

	if ((r = shk_replace_open(rp, dirfd, SHK_SF_TEMP_NAME, mode, SF_REPLACE_FLAGS, err)) !=
		    SHK_OK ||
	    (r = shk_replace_write(rp, data, len, err)) != SHK_OK)
		return r;
	return shk_replace_close(rp, err);
}

int
shk_sf_replace(int dirfd, const char *name, const void *data, size_t len, mode_t mode,
	       const char *old_name, struct shk_error *err)
{
	struct shk_replace rp;
	struct shk_error serr;
	int exists, r, oerrno;

	memset(&serr, 0, sizeof(serr));
	r = shk_sf_stat(dirfd, name, NULL, &serr);
	if (r != SHK_OK && r != SHK_ERR_NOTFOUND) {
		if (err != NULL)
			*err = serr;
		return r;
	}
	exists = r == SHK_OK;
	if ((r = sf_write_temp(dirfd, &rp, data, len, mode, err)) != SHK_OK)
		return r;
	if (old_name != NULL && exists) {
		if (unlinkat(dirfd, old_name, 0) == -1 && errno != ENOENT) {
			oerrno = errno;
			r = shk_error_set(err, shk_replace_errno_status(oerrno), 0,
					  "%s: cannot replace: %s", old_name, strerror(oerrno));
			goto fail;
		}
		/* linkat without AT_SYMLINK_FOLLOW links name itself, which
		 * was just checked to be a regular file. */
		if (linkat(dirfd, name, dirfd, old_name, 0) == -1) {
			oerrno = errno;
			r = shk_error_set(err, shk_replace_errno_status(oerrno), 0,
					  "%s: cannot link to %s: %s", name, old_name,
					  strerror(oerrno));
			goto fail;
		}
	}
	return shk_replace_commit(&rp, name, err);
fail:
	shk_replace_abort(&rp);
	return r;
}

int
shk_sf_unlink(int dirfd, const char *name, struct shk_error *err)
{
	int r, oerrno;

	if ((r = shk_sf_stat(dirfd, name, NULL, err)) != SHK_OK)
		return r;
	if (unlinkat(dirfd, name, 0) == -1) {
		oerrno = errno;
		return shk_error_set(err, shk_replace_errno_status(oerrno), 0, "%s: unlink: %s", name,
				     strerror(oerrno));
	}
	return shk_replace_sync_dir(dirfd, err);
}

static int
sf_salt_read(int dirfd, unsigned char salt[SHK_SSH2_SALT_LEN], struct shk_error *err)
{
	struct shk_fmap m;
	int r;

	if ((r = shk_sf_map(dirfd, SHK_SSH2_SALT_FILE, &m, err)) != SHK_OK)
		return r;
	r = shk_ssh2_salt_parse(m.data != NULL ? m.data : "", m.len, salt, err);
	shk_fmap_close(&m);
	if (r != SHK_OK && err != NULL) {
		char msg[SHK_ERRMSG_MAX];

		memcpy(msg, err->msg, sizeof(msg));
		shk_error_set(err, r, 0, SHK_SSH2_SALT_FILE ": %s", msg);
	}
	return r;
}

/* How many keys_<64 hex> files the directory holds, in *n (names alone,
 * as the lookups classify them). SHK_OK or the status of the listing. */
static int
sf_count_hashed(int dirfd, long *n, struct shk_error *err)
{
	struct dirent *de;
	DIR *dp;
	int fd, oerrno;

	*n = 0;
	if ((fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1 ||
	    (dp = fdopendir(fd)) == NULL) {
		oerrno = errno;
		if (fd != -1)
			close(fd);
		return shk_error_set(err, shk_replace_errno_status(oerrno), 0, "cannot list: %s",
				     strerror(oerrno));
	}
	for (;;) {
		errno = 0;
		if ((de = readdir(dp)) == NULL)
			break;
		if (shk_ssh2_classify(de->d_name, NULL, NULL, 0) == SHK_SSH2_HASHED)
			(*n)++;
	}
	oerrno = errno;
	closedir(dp);
	if (oerrno != 0)
		return shk_error_set(err, shk_replace_errno_status(oerrno), 0, "cannot list: %s",
				     strerror(oerrno));
	return SHK_OK;
}

int
shk_sf_salt(int dirfd, int create, const unsigned char *seed,
	    unsigned char salt[SHK_SSH2_SALT_LEN], int *created, struct shk_error *err)
{
	struct shk_replace rp;
	char text[66];
	long nhashed;
	int r, oerrno;

	if (created != NULL)
		*created = 0;
	r = sf_salt_read(dirfd, salt, err);
	if (r != SHK_ERR_NOTFOUND || !create)
		return r;
	/* keys_* files were named with a salt that is gone: a new salt
	 * would give their hosts other names, so that they are never found
	 * again while the store looks healthy. The caller holds the lock,
	 * so no writer creates a salt or a keys_* file meanwhile. */
	if ((r = sf_count_hashed(dirfd, &nhashed, err)) != SHK_OK)
		return r;
	if (nhashed > 0)
		return shk_error_set(err, SHK_ERR_INVAL, 0,
				     "hashed files but no salt: %ld keys_* file(s) cannot be "
				     "found without the salt they were named with; restore "
				     SHK_SSH2_SALT_FILE " from a backup, or remove them, "
				     "before writing hashed",
				     nhashed);
	if (seed != NULL) {
		memcpy(salt, seed, SHK_SSH2_SALT_LEN);
	} else if ((r = shk_random_bytes(salt, SHK_SSH2_SALT_LEN, err)) != SHK_OK) {
		return r;
	}
	shk_ssh2_salt_format(salt, text);
	if ((r = sf_write_temp(dirfd, &rp, text, strlen(text), SHK_SF_FILE_MODE, err)) != SHK_OK)
		return r;
	/* link(2) never replaces: of two creators exactly one wins, and
	 * the other takes the winner's salt. */
	if (linkat(dirfd, rp.tmp, dirfd, SHK_SSH2_SALT_FILE, 0) == 0) {
		if (created != NULL)
			*created = 1;
		r = SHK_OK;
	} else if (errno == EEXIST) {
		r = sf_salt_read(dirfd, salt, err);
	} else {
		oerrno = errno;
		r = shk_error_set(err, shk_replace_errno_status(oerrno), 0,
				  SHK_SSH2_SALT_FILE ": link: %s", strerror(oerrno));
	}
	/* Linked or not, the temporary name goes. */
	shk_replace_abort(&rp);
	if (r == SHK_OK)
		r = shk_replace_sync_dir(dirfd, err);
	return r;
}
