/* SPDX-License-Identifier: MIT */
/*
 * Key files: one or more keys, each either an OpenSSH one-line key or an
 * RFC 4716 block. Used for Tectia-style store files and for the CLI.
 */
#ifndef SHK_KEYFILE_H
#define SHK_KEYFILE_H

#include <stddef.h>

#include "log.h"
#include "shk.h"

/* Called for each key found; the key belongs to the callee. Return 0 to
 * go on, non-zero to stop (that value is returned by the walker). */
typedef int shk_key_cb(void *arg, struct shk_key *key, unsigned long line);

/*
 * Walk buf[0..len). Each unreadable part is logged as filename:line (at
 * SHK_LOG_WARN) and skipped. Returns SHK_OK (even when nothing was found;
 * *nfound says how many keys were delivered), the callback's non-zero
 * value, or SHK_ERR_NOMEM.
 */
int shk_keyfile_parse(const char *buf, size_t len, const char *filename,
		      const struct shk_log *log, shk_key_cb *cb, void *arg,
		      size_t *nfound);

/*
 * The same, reading files as ssh-keygen -l does: a line that is not a key
 * may also be a known_hosts line, whose key gets its comment or, without
 * one, its host field (plain or hashed) as comment. @cert-authority and
 * @revoked lines are skipped (logged at SHK_LOG_INFO), as ssh-keygen -l
 * lists none of them. For listing fingerprints, never for a store.
 */
int shk_keyfile_parse_listing(const char *buf, size_t len, const char *filename,
			      const struct shk_log *log, shk_key_cb *cb, void *arg,
			      size_t *nfound);

#endif
