/* SPDX-License-Identifier: MIT */
/*
 * OpenSSH known_hosts lines (sshd(8), SSH_KNOWN_HOSTS FILE FORMAT),
 * parsed in place: no allocation per line, keys are decoded only for
 * lines whose host field matches.
 */
#ifndef SHK_KNOWNHOSTS_H
#define SHK_KNOWNHOSTS_H

#include <stddef.h>

#include "digest.h"
#include "shk.h"

enum shk_kh_status {
	SHK_KH_COMMENT = 0, /* blank or '#' line */
	SHK_KH_ENTRY = 1,   /* well-formed entry */
	SHK_KH_INVALID = 2, /* malformed: why says what */
};

/* One line; every pointer points into the caller's buffer. */
struct shk_kh_line {
	unsigned long lineno; /* 1-based */
	const char *raw;      /* the line without its '\n' (and '\r') */
	size_t rawlen;
	int status;	      /* enum shk_kh_status */
	int marker;	      /* enum shk_marker */
	const char *hosts;    /* host field: pattern list or |1|salt|hash */
	size_t hostslen;
	const char *keytype;
	size_t keytypelen;
	const char *b64; /* key body */
	size_t b64len;
	const char *comment; /* rest of the line, may be empty */
	size_t commentlen;
	const char *why; /* static reason for SHK_KH_INVALID */
};

/*
 * Parse one line (without newline) with OpenSSH's grammar: leading
 * blanks skipped; '#' or empty is a comment; optional @cert-authority or
 * @revoked marker; host field; key type; base64 key; optional comment.
 * Separators are runs of spaces and tabs. Fills *out (status INVALID with
 * why for a bad line). The key body is not decoded here.
 */
void shk_kh_parse_line(const char *p, size_t len, unsigned long lineno,
		       struct shk_kh_line *out);

/*
 * Whether the host field matches name (already lowercase, in known_hosts
 * form: host or [host]:port). Hashed fields "|1|salt|hash" are matched by
 * HMAC-SHA1; others with shk_match_hostlist().
 * Returns 1 match, 0 no match, -1 negated (no match), or SHK_ERR_PARSE
 * for a malformed hashed field.
 */
int shk_kh_match_host(const char *hosts, size_t hostslen, const char *name,
		      size_t namelen);

/* Called per line; return 0 to go on, non-zero to stop the walk. */
typedef int shk_kh_cb(const struct shk_kh_line *line, void *arg);

/* Walk buf[0..len) line by line (LF; a trailing CR is cut; a NUL byte in
 * a line makes it INVALID). Returns 0 or the callback's non-zero value. */
int shk_kh_foreach(const char *buf, size_t len, shk_kh_cb *cb, void *arg);

/* Write "|1|base64(salt)|base64(HMAC-SHA1(salt, name))" into out
 * (at least 61 bytes: 60 characters and the NUL). SHK_ERR_RANGE if
 * smaller. */
int shk_kh_hash_name(const unsigned char salt[SHK_SHA1_LEN], const char *name,
		     size_t namelen, char *out, size_t outcap);

#endif
