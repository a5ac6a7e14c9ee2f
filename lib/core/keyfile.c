/* SPDX-License-Identifier: MIT */
#include "config.h"

#include <string.h>

#include "key.h"
#include "keyfile.h"
#include "knownhosts.h"
#include "log.h"
#include "rfc4716.h"
#include "shk.h"

/* RFC 4716 section 3 caps every line at 72 bytes. */
#define RFC4716_LINE_MAX 72

/*
 * RFC 4716 lines longer than 72 bytes are accepted: PuTTY, ssh-keygen and
 * hand edits all produce readable keys, and refusing them would lose a
 * key for a cosmetic fault. They are reported at info level only, once
 * per block, so that a lint run (-v) can still point at them.
 */
static void
note_long_lines(const char *buf, size_t len, const char *filename, unsigned long line,
		const struct shk_log *log)
{
	size_t pos = 0, next, end;

	for (; pos < len; pos = next, line++) {
		next = shk_rfc4716_next_line(buf, len, pos, &end);
		if (end - pos > RFC4716_LINE_MAX) {
			shk_log_emit(log, SHK_LOG_INFO, SHK_OK, filename, line,
				     "line longer than %d bytes (RFC 4716 limit); accepted",
				     RFC4716_LINE_MAX);
			return;
		}
	}
}

/*
 * ssh-keygen -l's second try at a line that is not a key: a known_hosts
 * line, "[@marker] HOSTS TYPE BASE64 [COMMENT]", whose key is listed with
 * its comment, or its host field when it has none. ssh-keygen skips one
 * word and tries again, which never reads a marker line: such a line is
 * skipped too (SHK_ERR_NOTFOUND, said at info level), so both print the
 * same. A line whose first word is a key type stays a bad key line, and
 * keeps the key parser's reason (*err as it came).
 */
static int
keyfile_kh_line(const char *p, size_t len, unsigned long lineno, struct shk_key **out,
		struct shk_error *err)
{
	struct shk_kh_line kl;
	const char *comment;
	size_t s, w, commentlen;

	for (s = 0; s < len && (p[s] == ' ' || p[s] == '\t'); s++)
		;
	for (w = s; w < len && p[w] != ' ' && p[w] != '\t'; w++)
		;
	if (shk_keytype_from_name(p + s, w - s) != SHK_KT_UNKNOWN)
		return SHK_ERR_PARSE;
	shk_kh_parse_line(p, len, lineno, &kl);
	if (kl.status != SHK_KH_ENTRY)
		return shk_error_set(err, SHK_ERR_PARSE, lineno, "not a key, nor a known_hosts "
				     "line: %s", kl.why != NULL ? kl.why : "no key");
	if (kl.marker != SHK_MARKER_NONE)
		return shk_error_set(err, SHK_ERR_NOTFOUND, lineno,
				     "%s line not listed (ssh-keygen -l lists none)",
				     kl.marker == SHK_MARKER_REVOKED ? "@revoked"
								     : "@cert-authority");
	comment = kl.hosts;
	commentlen = kl.hostslen;
	if (kl.commentlen > 0 && kl.comment[0] != '#') {
		comment = kl.comment;
		commentlen = kl.commentlen;
	}
	return shk_key_from_b64(kl.keytype, kl.keytypelen, kl.b64, kl.b64len, comment,
				commentlen, out, err);
}

static int
keyfile_walk(const char *buf, size_t len, const char *filename, const struct shk_log *log,
	     int known_hosts, shk_key_cb *cb, void *arg, size_t *nfound)
{
	struct shk_error err;
	struct shk_key *key;
	size_t pos = 0, next, end, s, consumed;
	unsigned long lineno = 0, keyline, nlines;
	int r;

	if (nfound != NULL)
		*nfound = 0;
	while (pos < len) {
		next = shk_rfc4716_next_line(buf, len, pos, &end);
		lineno++;
		for (s = pos; s < end && (buf[s] == ' ' || buf[s] == '\t'); s++)
			;
		if (s == end || buf[s] == '#') {
			pos = next;
			continue;
		}
		memset(&err, 0, sizeof(err));
		key = NULL;
		keyline = lineno;
		if (end - s >= 4 && memcmp(buf + s, "----", 4) == 0) {
			if (end - s >= sizeof(SHK_RFC4716_BEGIN) - 1 &&
			    memcmp(buf + s, SHK_RFC4716_BEGIN, sizeof(SHK_RFC4716_BEGIN) - 1) ==
				    0) {
				r = shk_rfc4716_parse_block(buf + pos, len - pos, &key, &consumed,
							    &nlines, &err);
				if (r == SHK_OK)
					note_long_lines(buf + pos, consumed, filename, lineno,
							log);
				else if (err.line > 0)
					err.line += lineno - 1;
				/* nlines counts the BEGIN line we already counted. */
				lineno += nlines - 1;
				/* A block cut short by a nested BEGIN resumes on it. */
				pos += consumed;
			} else {
				r = shk_error_set(&err, SHK_ERR_PARSE, lineno,
						  "marker line outside an RFC 4716 block");
				pos = next;
			}
		} else {
			r = shk_key_from_line(buf + pos, end - pos, &key, &err);
			if (r == SHK_ERR_PARSE && known_hosts)
				r = keyfile_kh_line(buf + pos, end - pos, lineno, &key, &err);
			if (r != SHK_OK)
				err.line = lineno;
			pos = next;
		}
		if (r == SHK_ERR_NOMEM) {
			shk_key_free(key);
			return r;
		}
		if (r != SHK_OK) {
			shk_log_error(log, r == SHK_ERR_NOTFOUND ? SHK_LOG_INFO : SHK_LOG_WARN,
				      filename, &err);
			continue;
		}
		if (nfound != NULL)
			(*nfound)++;
		/* Blocks are reported at their BEGIN line. */
		if ((r = cb(arg, key, keyline)) != 0)
			return r;
	}
	return SHK_OK;
}

int
shk_keyfile_parse(const char *buf, size_t len, const char *filename,
		  const struct shk_log *log, shk_key_cb *cb, void *arg, size_t *nfound)
{
	return keyfile_walk(buf, len, filename, log, 0, cb, arg, nfound);
}

int
shk_keyfile_parse_listing(const char *buf, size_t len, const char *filename,
			  const struct shk_log *log, shk_key_cb *cb, void *arg, size_t *nfound)
{
	return keyfile_walk(buf, len, filename, log, 1, cb, arg, nfound);
}
