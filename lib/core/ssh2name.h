/* SPDX-License-Identifier: MIT */
/*
 * Names of files in a Tectia-style host-key directory (docs/formats.md):
 *   plain:  key_<port>_<host>.pub
 *   hashed: keys_<hex HMAC-SHA256(key = salt, msg = "<port>:<host>")>
 *   salt:   "salt", 32 random bytes as 64 lowercase hex digits + "\n"
 * Genuine Tectia hashed files are keys_ + 40 hex digits; their algorithm
 * is unpublished, so they can be recognised but never resolved by host.
 */
#ifndef SHK_SSH2NAME_H
#define SHK_SSH2NAME_H

#include <stddef.h>

#include "hostspec.h"
#include "shk.h"

#define SHK_SSH2_SALT_LEN 32
#define SHK_SSH2_SALT_FILE "salt"
/* "keys_" + 64 hex + NUL */
#define SHK_SSH2_HASHED_NAME_MAX 70
/* "key_65535_" + host (at most SHK_HOST_MAX, hostspec.h) + ".pub" + NUL */
#define SHK_SSH2_PLAIN_NAME_MAX (10 + SHK_HOST_MAX + 5)

enum shk_ssh2_kind {
	SHK_SSH2_OTHER = 0,
	SHK_SSH2_PLAIN,	 /* key_<port>_<host>.pub */
	SHK_SSH2_HASHED, /* keys_<64 hex>: ours */
	SHK_SSH2_TECTIA, /* keys_<40 hex>: genuine Tectia, unresolvable */
	SHK_SSH2_SALT,
};

/*
 * Parse a salt file: 64 hex digits (either case), then optional trailing
 * white space. Anything else is refused with the reason in err.
 */
int shk_ssh2_salt_parse(const char *buf, size_t len,
			unsigned char salt[SHK_SSH2_SALT_LEN], struct shk_error *err);

/* The salt file's content for salt: 64 lowercase hex + "\n" + NUL (66 bytes). */
void shk_ssh2_salt_format(const unsigned char salt[SHK_SSH2_SALT_LEN], char out[66]);

/* key_<port>_<host>.pub for a canonical host. SHK_ERR_RANGE if too long. */
int shk_ssh2_plain_name(const char *host, unsigned int port, char *out, size_t outcap);

/* keys_<64 hex> for a canonical host. */
int shk_ssh2_hashed_name(const unsigned char salt[SHK_SSH2_SALT_LEN], const char *host,
			 unsigned int port, char *out, size_t outcap);

/* What a directory entry is. For SHK_SSH2_PLAIN, *port and host (cap
 * hostcap, may be NULL) receive the parts; a plain name whose host does
 * not fit hostcap is reported as SHK_SSH2_OTHER. Hashed names must be
 * lowercase hex to count as SHK_SSH2_HASHED or SHK_SSH2_TECTIA. */
enum shk_ssh2_kind shk_ssh2_classify(const char *name, unsigned int *port, char *host,
				     size_t hostcap);

#endif
