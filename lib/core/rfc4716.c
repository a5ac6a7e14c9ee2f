/* SPDX-License-Identifier: MIT */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "base64.h"
#include "key.h"
#include "rfc4716.h"
#include "shk.h"

/* RFC 4716 section 3.3 limits. */
#define RFC4716_TAG_MAX 64
#define RFC4716_VALUE_MAX 1024
/* Base64 body width: what ssh-keygen -e and ssh.com write. */
#define RFC4716_WRAP 70
/*
 * Longest comment we write: "Comment: \"" + value + "\"" must fit the
 * 72-byte line limit, since the writer never emits continuation lines
 * (ssh-keygen -i mishandles them).
 */
#define RFC4716_COMMENT_OUT_MAX (72 - 11)

size_t
shk_rfc4716_next_line(const char *buf, size_t len, size_t pos, size_t *end)
{
	size_t i = pos;

	while (i < len && buf[i] != '\n' && buf[i] != '\r')
		i++;
	*end = i;
	if (i < len && buf[i] == '\r')
		i++;
	else if (i < len)
		return i + 1;
	if (i < len && buf[i] == '\n')
		i++;
	return i;
}

static void
trim(const char *buf, size_t *s, size_t *e)
{
	while (*s < *e && (buf[*s] == ' ' || buf[*s] == '\t'))
		(*s)++;
	while (*e > *s && (buf[*e - 1] == ' ' || buf[*e - 1] == '\t'))
		(*e)--;
}

/* Whether buf[s..e) is the marker, white space around it tolerated. */
static int
is_marker(const char *buf, size_t s, size_t e, const char *marker)
{
	trim(buf, &s, &e);
	return e - s == strlen(marker) && memcmp(buf + s, marker, e - s) == 0;
}

static int
tag_ok(const char *t, size_t len)
{
	size_t i;

	if (len == 0 || len > RFC4716_TAG_MAX)
		return 0;
	for (i = 0; i < len; i++)
		if ((unsigned char)t[i] <= ' ' || (unsigned char)t[i] >= 0x7f)
			return 0;
	return 1;
}

/* The Comment value as RFC 4716 3.3.2 suggests reading it. */
static void
comment_unquote(const char *v, size_t *s, size_t *e)
{
	trim(v, s, e);
	if (*e - *s >= 2 && v[*s] == '"' && v[*e - 1] == '"') {
		(*s)++;
		(*e)--;
	}
}

int
shk_rfc4716_parse_block(const char *buf, size_t len, struct shk_key **out,
			size_t *consumed, unsigned long *lines, struct shk_error *err)
{
	char value[RFC4716_VALUE_MAX + 1];
	char *b64 = NULL;
	unsigned char *tmp = NULL;
	size_t pos = 0, next, end, s, e, body, body_end = 0, after = 0, b64len = 0;
	size_t valuelen = 0, tmplen, typelen, cs = 0, ce = 0;
	unsigned long lineno = 0, begin_line, body_line = 0;
	int in_header = 1, cont = 0, in_comment = 0, have_comment = 0, r;

	*out = NULL;
	/* Blank lines, then the BEGIN line. */
	for (;;) {
		if (pos >= len) {
			*consumed = len;
			*lines = lineno;
			return shk_error_set(err, SHK_ERR_PARSE, lineno, "no BEGIN line");
		}
		next = shk_rfc4716_next_line(buf, len, pos, &end);
		lineno++;
		s = pos;
		e = end;
		trim(buf, &s, &e);
		if (s == e) {
			pos = next;
			continue;
		}
		if (!is_marker(buf, s, e, SHK_RFC4716_BEGIN)) {
			*consumed = next;
			*lines = lineno;
			return shk_error_set(err, SHK_ERR_PARSE, lineno,
					     "expected \"%s\"", SHK_RFC4716_BEGIN);
		}
		pos = next;
		break;
	}
	begin_line = lineno;
	body = pos;

	/* Find the END line first, so that a missing END is caught before
	 * anything is allocated and the next block can still be read. */
	for (;;) {
		if (pos >= len) {
			*consumed = len;
			*lines = lineno;
			return shk_error_set(err, SHK_ERR_PARSE, begin_line,
					     "block has no \"%s\" line", SHK_RFC4716_END);
		}
		next = shk_rfc4716_next_line(buf, len, pos, &end);
		lineno++;
		if (is_marker(buf, pos, end, SHK_RFC4716_END)) {
			body_end = pos;
			after = next;
			break;
		}
		if (is_marker(buf, pos, end, SHK_RFC4716_BEGIN)) {
			/* Resume at this BEGIN: it probably starts a good block. */
			*consumed = pos;
			*lines = lineno - 1;
			return shk_error_set(err, SHK_ERR_PARSE, lineno,
					     "BEGIN inside a block: the block above has "
					     "no END line");
		}
		pos = next;
	}
	*consumed = after;
	*lines = lineno;

	if ((b64 = malloc(body_end - body + 1)) == NULL) {
		r = shk_error_set(err, SHK_ERR_NOMEM, begin_line, "out of memory");
		goto out;
	}
	lineno = begin_line;
	for (pos = body; pos < body_end; pos = next) {
		next = shk_rfc4716_next_line(buf, body_end, pos, &end);
		lineno++;
		s = pos;
		e = end;
		if (in_header && cont) {
			/* Continuation: the line is appended as it is. */
			cont = e > s && buf[e - 1] == '\\';
			if (cont)
				e--;
			if (valuelen + (e - s) > RFC4716_VALUE_MAX) {
				r = shk_error_set(err, SHK_ERR_PARSE, lineno,
						  "header value longer than %d bytes",
						  RFC4716_VALUE_MAX);
				goto out;
			}
			if (in_comment)
				memcpy(value + valuelen, buf + s, e - s);
			valuelen += e - s;
			if (in_comment)
				ce = valuelen;
			continue;
		}
		trim(buf, &s, &e);
		if (s == e)
			continue; /* stray blank line: harmless */
		if (memchr(buf + s, ':', e - s) != NULL) {
			const char *colon = memchr(buf + s, ':', e - s);
			size_t ts = s, te = (size_t)(colon - buf), vs = te + 1;

			if (!in_header) {
				r = shk_error_set(err, SHK_ERR_PARSE, lineno,
						  "header line after the key data");
				goto out;
			}
			if (!tag_ok(buf + ts, te - ts)) {
				r = shk_error_set(err, SHK_ERR_PARSE, lineno, "bad header tag");
				goto out;
			}
			while (vs < e && (buf[vs] == ' ' || buf[vs] == '\t'))
				vs++;
			cont = e > vs && buf[e - 1] == '\\';
			if (cont)
				e--;
			if (e - vs > RFC4716_VALUE_MAX) {
				r = shk_error_set(err, SHK_ERR_PARSE, lineno,
						  "header value longer than %d bytes",
						  RFC4716_VALUE_MAX);
				goto out;
			}
			/* Tags are case-insensitive; unknown ones are ignored. */
			in_comment = shk_strncaseeq(buf + ts, te - ts, "Comment");
			valuelen = e - vs;
			if (in_comment) {
				/* The last Comment header wins, as anywhere else. */
				have_comment = 1;
				memcpy(value, buf + vs, valuelen);
				ce = valuelen;
			}
			continue;
		}
		in_comment = 0;
		if (e - s >= 4 && memcmp(buf + s, "----", 4) == 0) {
			r = shk_error_set(err, SHK_ERR_PARSE, lineno, "unexpected marker line");
			goto out;
		}
		if (in_header) {
			in_header = 0;
			body_line = lineno;
		}
		memcpy(b64 + b64len, buf + s, e - s);
		b64len += e - s;
	}
	if (b64len == 0) {
		r = shk_error_set(err, SHK_ERR_PARSE, begin_line, "block holds no key");
		goto out;
	}
	if (have_comment) {
		comment_unquote(value, &cs, &ce);
		if (memchr(value + cs, '\0', ce - cs) != NULL) {
			r = shk_error_set(err, SHK_ERR_PARSE, begin_line, "NUL byte in Comment");
			goto out;
		}
	}
	/* The blob names its own type; decode once to learn it. */
	tmplen = SHK_B64_DECODED_MAX(b64len);
	if ((tmp = malloc(tmplen)) == NULL) {
		r = shk_error_set(err, SHK_ERR_NOMEM, begin_line, "out of memory");
		goto out;
	}
	if (shk_b64_decode(b64, b64len, tmp, tmplen, &tmplen) != SHK_OK) {
		r = shk_error_set(err, SHK_ERR_PARSE, body_line, "key data is not valid base64");
		goto out;
	}
	if (tmplen < 4 || (typelen = (size_t)tmp[0] << 24 | (size_t)tmp[1] << 16 |
				     (size_t)tmp[2] << 8 | tmp[3]) > tmplen - 4 ||
	    !shk_keytype_plausible((const char *)tmp + 4, typelen)) {
		r = shk_error_set(err, SHK_ERR_PARSE, body_line, "key data has no key type");
		goto out;
	}
	r = shk_key_from_b64((const char *)tmp + 4, typelen, b64, b64len,
			     have_comment && ce > cs ? value + cs : NULL, ce - cs, out, err);
	if (r != SHK_OK && err != NULL)
		err->line = body_line;
out:
	free(b64);
	free(tmp);
	return r;
}

/* How many bytes of c (at most max) to write without splitting a UTF-8
 * character or leaving a backslash that would read as a continuation. */
static size_t
comment_fit(const char *c, size_t len, size_t max)
{
	size_t n = len;

	if (n > max) {
		n = max;
		while (n > 0 && ((unsigned char)c[n] & 0xc0) == 0x80)
			n--;
	}
	while (n > 0 && c[n - 1] == '\\')
		n--;
	return n;
}

int
shk_rfc4716_format(const struct shk_key *key, char **out, size_t *outlen)
{
	char *b64 = NULL, *buf = NULL, *p;
	size_t b64cap, b64len, clen = 0, cap, i, n;
	int r = SHK_ERR_NOMEM;

	*out = NULL;
	if (outlen != NULL)
		*outlen = 0;
	if (key == NULL || key->blob == NULL)
		return SHK_ERR_INVAL;
	b64cap = SHK_B64_ENCODED_SIZE(key->bloblen);
	if ((b64 = malloc(b64cap)) == NULL)
		goto out;
	b64len = shk_b64_encode(key->blob, key->bloblen, b64, b64cap, 1);
	if (key->comment != NULL)
		clen = comment_fit(key->comment, strlen(key->comment), RFC4716_COMMENT_OUT_MAX);
	cap = sizeof(SHK_RFC4716_BEGIN) + sizeof(SHK_RFC4716_END) + 16 + clen + b64len +
	      b64len / RFC4716_WRAP + 1;
	if ((buf = malloc(cap)) == NULL)
		goto out;
	p = buf;
	memcpy(p, SHK_RFC4716_BEGIN "\n", sizeof(SHK_RFC4716_BEGIN));
	p += sizeof(SHK_RFC4716_BEGIN);
	if (clen > 0) {
		memcpy(p, "Comment: \"", 10);
		p += 10;
		memcpy(p, key->comment, clen);
		p += clen;
		memcpy(p, "\"\n", 2);
		p += 2;
	}
	for (i = 0; i < b64len; i += n) {
		n = b64len - i > RFC4716_WRAP ? RFC4716_WRAP : b64len - i;
		memcpy(p, b64 + i, n);
		p += n;
		*p++ = '\n';
	}
	memcpy(p, SHK_RFC4716_END "\n", sizeof(SHK_RFC4716_END));
	p += sizeof(SHK_RFC4716_END);
	*p = '\0';
	if (outlen != NULL)
		*outlen = (size_t)(p - buf);
	*out = buf;
	buf = NULL;
	r = SHK_OK;
out:
	free(b64);
	free(buf);
	return r;
}
