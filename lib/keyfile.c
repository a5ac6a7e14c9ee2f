/* SPDX-License-Identifier: MIT */
#include "config.h"

#include <string.h>

#include "key.h"
#include "keyfile.h"
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

int
shk_keyfile_parse(const char *buf, size_t len, const char *filename,
		  const struct shk_log *log, shk_key_cb *cb, void *arg, size_t *nfound)
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
			if (r != SHK_OK)
				err.line = lineno;
			pos = next;
		}
		if (r == SHK_ERR_NOMEM) {
			shk_key_free(key);
			return r;
		}
		if (r != SHK_OK) {
			shk_log_error(log, SHK_LOG_WARN, filename, &err);
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
