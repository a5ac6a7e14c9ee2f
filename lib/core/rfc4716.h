/* SPDX-License-Identifier: MIT */
/* RFC 4716 "SSH2 PUBLIC KEY" blocks. */
#ifndef SHK_RFC4716_H
#define SHK_RFC4716_H

#include <stddef.h>

#include "shk.h"

#define SHK_RFC4716_BEGIN "---- BEGIN SSH2 PUBLIC KEY ----"
#define SHK_RFC4716_END "---- END SSH2 PUBLIC KEY ----"

/*
 * The line at buf[pos..len): *end is where its text stops (before CR, LF
 * or CRLF), the return value where the next line starts. RFC 4716 wants
 * all three terminators, so every key-file reader splits lines this way.
 */
size_t shk_rfc4716_next_line(const char *buf, size_t len, size_t pos, size_t *end);

/*
 * Parse one block starting at buf (which must begin with the BEGIN line,
 * possibly after blank lines). Accepts LF, CR and CRLF; headers with
 * "\" continuation; case-insensitive tags; a quoted Comment has its quotes
 * stripped. On success *out is the key (caller frees), *consumed is how
 * many bytes the block took, and *lines how many lines.
 * On failure err->line is relative to buf (1-based) and *consumed (with
 * *lines) says where to resume: after the END line, at a BEGIN line met
 * inside the block (a missing END), or the end of buf.
 */
int shk_rfc4716_parse_block(const char *buf, size_t len, struct shk_key **out,
			    size_t *consumed, unsigned long *lines,
			    struct shk_error *err);

/*
 * Write a key as an RFC 4716 block (base64 wrapped at 70 columns, a
 * quoted Comment header when the key has a comment, no continuation
 * lines). *out is malloc'd, NUL-terminated; caller frees.
 */
int shk_rfc4716_format(const struct shk_key *key, char **out, size_t *outlen);

#endif
