/* SPDX-License-Identifier: MIT */
/*
 * Whether a store may be trusted, in the spirit of sshd's StrictModes:
 * the file and every directory above it (up to and including stop_dir, or
 * to "/") must be owned by root or by uid and not be writable by group or
 * others. Sticky world-writable directories (like /tmp) above stop_dir
 * are never reached because the walk stops there.
 */
#ifndef SHK_TRUST_H
#define SHK_TRUST_H

#include <sys/types.h>

#include "shk.h"

/* SHK_OK, SHK_ERR_UNTRUSTED (err says which path and why),
 * SHK_ERR_NOTFOUND or SHK_ERR_SYSTEM. stop_dir may be NULL or "". */
int shk_trust_path(const char *path, const char *stop_dir, uid_t uid,
		   struct shk_error *err);

/* Same check for an already open file (fstat), then its directories. */
int shk_trust_fd(int fd, const char *path, const char *stop_dir, uid_t uid,
		 struct shk_error *err);

#endif
