/* SPDX-License-Identifier: MIT */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "trust.h"

/* Owned by root or uid, and not writable by group or others. */
static int
trust_one(const char *path, const struct stat *st, uid_t uid, struct shk_error *err)
{
	if (st->st_uid != 0 && st->st_uid != uid)
		return shk_error_set(err, SHK_ERR_UNTRUSTED, 0,
				     "%s is owned by uid %lu, not by root or uid %lu", path,
				     (unsigned long)st->st_uid, (unsigned long)uid);
	if ((st->st_mode & (S_IWGRP | S_IWOTH)) != 0)
		return shk_error_set(err, SHK_ERR_UNTRUSTED, 0,
				     "%s is writable by %s", path,
				     (st->st_mode & S_IWOTH) ? "others" : "its group");
	return SHK_OK;
}

/* Check every directory above resolved (an absolute, resolved path) up
 * to stop (resolved, or NULL for "/"). */
static int
trust_parents(char *resolved, const char *stop, uid_t uid, struct shk_error *err)
{
	struct stat st;
	char *slash;
	int r;

	for (;;) {
		if ((slash = strrchr(resolved, '/')) == NULL)
			return SHK_OK;
		if (slash == resolved)
			slash[1] = '\0'; /* keep "/" */
		else
			*slash = '\0';
		if (stat(resolved, &st) == -1)
			return shk_error_set(err, SHK_ERR_SYSTEM, 0, "stat %s: %s", resolved,
					     strerror(errno));
		if ((r = trust_one(resolved, &st, uid, err)) != SHK_OK)
			return r;
		if (strcmp(resolved, "/") == 0 || (stop != NULL && strcmp(resolved, stop) == 0))
			return SHK_OK;
	}
}

static int
trust_resolve(const char *path, const char *stop_dir, char *resolved, char *stop,
	      const char **stopp, struct shk_error *err)
{
	int oerrno;

	if (realpath(path, resolved) == NULL) {
		oerrno = errno;
		/* A file where a directory should be ("~/.ssh" a plain
		 * file) means the store is not there, like ENOENT. */
		return shk_error_set(err,
				     (oerrno == ENOENT || oerrno == ENOTDIR) ? SHK_ERR_NOTFOUND
									 : SHK_ERR_SYSTEM,
				     0, "%s: %s", path, strerror(oerrno));
	}
	*stopp = NULL;
	/* A stop directory that does not resolve is ignored: the walk then
	 * goes all the way to "/", which is stricter, never looser. */
	if (stop_dir != NULL && *stop_dir != '\0' && realpath(stop_dir, stop) != NULL)
		*stopp = stop;
	return SHK_OK;
}

int
shk_trust_path(const char *path, const char *stop_dir, uid_t uid, struct shk_error *err)
{
	char resolved[PATH_MAX], stop[PATH_MAX];
	const char *stopp;
	struct stat st;
	int r;

	if ((r = trust_resolve(path, stop_dir, resolved, stop, &stopp, err)) != SHK_OK)
		return r;
	if (stat(resolved, &st) == -1)
		return shk_error_set(err, SHK_ERR_SYSTEM, 0, "stat %s: %s", resolved,
				     strerror(errno));
	if ((r = trust_one(resolved, &st, uid, err)) != SHK_OK)
		return r;
	if (stopp != NULL && strcmp(resolved, stopp) == 0)
		return SHK_OK;
	return trust_parents(resolved, stopp, uid, err);
}

int
shk_trust_fd(int fd, const char *path, const char *stop_dir, uid_t uid,
	     struct shk_error *err)
{
	char resolved[PATH_MAX], stop[PATH_MAX];
	const char *stopp;
	struct stat st;
	int r;

	/* The open file itself is what will be read: check it by fd, so a
	 * rename between the check and the read cannot swap it. */
	if (fstat(fd, &st) == -1)
		return shk_error_set(err, SHK_ERR_SYSTEM, 0, "fstat %s: %s", path,
				     strerror(errno));
	if ((r = trust_one(path, &st, uid, err)) != SHK_OK)
		return r;
	if ((r = trust_resolve(path, stop_dir, resolved, stop, &stopp, err)) != SHK_OK)
		return r;
	if (stopp != NULL && strcmp(resolved, stopp) == 0)
		return SHK_OK;
	return trust_parents(resolved, stopp, uid, err);
}
