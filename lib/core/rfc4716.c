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

/* One block as the steps of shk_rfc4716_parse_block() take it apart. */
struct rfc4716_block {
	size_t body, body_end;		   /* buf[body..body_end): between BEGIN and END */
	unsigned long begin_line, body_line; /* the BEGIN line; the first key-data line */
	char *b64;			   /* the key data without line breaks (malloc'd) */
	size_t b64len;
	/* Header state: the value being read (a Comment's is kept in value),
	 * whether it continues on the next line. */
	char value[RFC4716_VALUE_MAX + 1];
	size_t valuelen, cs, ce; /* the last Comment is value[cs..ce) */
	int cont, in_comment, have_comment;
};

/* Blank lines, then the BEGIN line: SHK_OK with *pos after it and
 * *lineno its number; on error *consumed and *lines say where the next
 * block may start. */
static int
rfc4716_find_begin(const char *buf, size_t len, size_t *pos, unsigned long *lineno,
		   size_t *consumed, unsigned long *lines, struct shk_error *err)
{
	size_t next, end, s, e;

	for (;;) {
		if (*pos >= len) {
			*consumed = len;
			*lines = *lineno;
			return shk_error_set(err, SHK_ERR_PARSE, *lineno, "no BEGIN line");
		}
		next = shk_rfc4716_next_line(buf, len, *pos, &end);
		(*lineno)++;
		s = *pos;
		e = end;
		trim(buf, &s, &e);
		if (s == e) {
			*pos = next;
			continue;
		}
		if (!is_marker(buf, s, e, SHK_RFC4716_BEGIN)) {
			*consumed = next;
			*lines = *lineno;
			return shk_error_set(err, SHK_ERR_PARSE, *lineno,
					     "expected \"%s\"", SHK_RFC4716_BEGIN);
		}
		*pos = next;
		return SHK_OK;
	}
}

/*
 * Find the END line first, so that a missing END is caught before
 * anything is allocated and the next block can still be read. From
 * b->body (line b->begin_line + 1 on): SHK_OK with b->body_end; *consumed
 * and *lines are set either way.
 */
static int
rfc4716_find_end(const char *buf, size_t len, struct rfc4716_block *b, size_t *consumed,
		 unsigned long *lines, struct shk_error *err)
{
	size_t pos = b->body, next, end;
	unsigned long lineno = b->begin_line;

	for (;;) {
		if (pos >= len) {
			*consumed = len;
			*lines = lineno;
			return shk_error_set(err, SHK_ERR_PARSE, b->begin_line,
					     "block has no \"%s\" line", SHK_RFC4716_END);
		}
		next = shk_rfc4716_next_line(buf, len, pos, &end);
		lineno++;
		if (is_marker(buf, pos, end, SHK_RFC4716_END)) {
			b->body_end = pos;
			*consumed = next;
			*lines = lineno;
			return SHK_OK;
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
}

/* A continuation line buf[s..e) of a header value: appended as it is. */
static int
rfc4716_continuation(const char *buf, size_t s, size_t e, unsigned long lineno,
		     struct rfc4716_block *b, struct shk_error *err)
{
	b->cont = e > s && buf[e - 1] == '\\';
	if (b->cont)
		e--;
	if (b->valuelen + (e - s) > RFC4716_VALUE_MAX)
		return shk_error_set(err, SHK_ERR_PARSE, lineno, "header value longer than %d bytes",
				     RFC4716_VALUE_MAX);
	if (b->in_comment)
		memcpy(b->value + b->valuelen, buf + s, e - s);
	b->valuelen += e - s;
	if (b->in_comment)
		b->ce = b->valuelen;
	return SHK_OK;
}

/* A header line buf[s..e) (trimmed, holding colon): "Tag: value". */
static int
rfc4716_header(const char *buf, size_t s, size_t e, const char *colon, unsigned long lineno,
	       struct rfc4716_block *b, struct shk_error *err)
{
	size_t ts = s, te = (size_t)(colon - buf), vs = te + 1;

	if (!tag_ok(buf + ts, te - ts))
		return shk_error_set(err, SHK_ERR_PARSE, lineno, "bad header tag");
	while (vs < e && (buf[vs] == ' ' || buf[vs] == '\t'))
		vs++;
	b->cont = e > vs && buf[e - 1] == '\\';
	if (b->cont)
		e--;
	if (e - vs > RFC4716_VALUE_MAX)
		return shk_error_set(err, SHK_ERR_PARSE, lineno, "header value longer than %d bytes",
				     RFC4716_VALUE_MAX);
	/* Tags are case-insensitive; unknown ones are ignored. */
	b->in_comment = shk_strncaseeq(buf + ts, te - ts, "Comment");
	b->valuelen = e - vs;
	if (b->in_comment) {
		/* The last Comment header wins, as anywhere else. */
		b->have_comment = 1;
		memcpy(b->value, buf + vs, b->valuelen);
		b->ce = b->valuelen;
	}
	return SHK_OK;
}

/* The lines between BEGIN and END: headers, then the key data, which
 * is gathered into b->b64. */
static int
rfc4716_read_body(const char *buf, struct rfc4716_block *b, struct shk_error *err)
{
	const char *colon;
	size_t pos, next, end, s, e;
	unsigned long lineno = b->begin_line;
	int in_header = 1, r;

	if ((b->b64 = malloc(b->body_end - b->body + 1)) == NULL)
		return shk_error_set(err, SHK_ERR_NOMEM, b->begin_line, "out of memory");
	for (pos = b->body; pos < b->body_end; pos = next) {
		next = shk_rfc4716_next_line(buf, b->body_end, pos, &end);
		lineno++;
		s = pos;
		e = end;
		if (in_header && b->cont) {
			if ((r = rfc4716_continuation(buf, s, e, lineno, b, err)) != SHK_OK)
				return r;
			continue;
		}
		trim(buf, &s, &e);
		if (s == e)
			continue; /* stray blank line: harmless */
		if ((colon = memchr(buf + s, ':', e - s)) != NULL) {
			if (!in_header)
				return shk_error_set(err, SHK_ERR_PARSE, lineno,
						     "header line after the key data");
			if ((r = rfc4716_header(buf, s, e, colon, lineno, b, err)) != SHK_OK)
				return r;
			continue;
		}
		b->in_comment = 0;
		if (e - s >= 4 && memcmp(buf + s, "----", 4) == 0)
			return shk_error_set(err, SHK_ERR_PARSE, lineno, "unexpected marker line");
		if (in_header) {
			in_header = 0;
			b->body_line = lineno;
		}
		memcpy(b->b64 + b->b64len, buf + s, e - s);
		b->b64len += e - s;
	}
	if (b->b64len == 0)
		return shk_error_set(err, SHK_ERR_PARSE, b->begin_line, "block holds no key");
	return SHK_OK;
}

/* The key from the gathered data; the blob names its own type, so it is
 * decoded once to learn it. */
static int
rfc4716_make_key(const struct rfc4716_block *b, struct shk_key **out, struct shk_error *err)
{
	unsigned char *tmp;
	size_t tmplen, typelen;
	int r;

	tmplen = SHK_B64_DECODED_MAX(b->b64len);
	if ((tmp = malloc(tmplen)) == NULL)
		return shk_error_set(err, SHK_ERR_NOMEM, b->begin_line, "out of memory");
	if (shk_b64_decode(b->b64, b->b64len, tmp, tmplen, &tmplen) != SHK_OK) {
		r = shk_error_set(err, SHK_ERR_PARSE, b->body_line, "key data is not valid base64");
		goto out;
	}
	if (tmplen < 4 || (typelen = (size_t)tmp[0] << 24 | (size_t)tmp[1] << 16 |
				     (size_t)tmp[2] << 8 | tmp[3]) > tmplen - 4 ||
	    !shk_keytype_plausible((const char *)tmp + 4, typelen)) {
		r = shk_error_set(err, SHK_ERR_PARSE, b->body_line, "key data has no key type");
		goto out;
	}
	r = shk_key_from_b64((const char *)tmp + 4, typelen, b->b64, b->b64len,
			     b->have_comment && b->ce > b->cs ? b->value + b->cs : NULL,
			     b->ce - b->cs, out, err);
	if (r != SHK_OK && err != NULL)
		err->line = b->body_line;
out:
	free(tmp);
	return r;
}

int
shk_rfc4716_parse_block(const char *buf, size_t len, struct shk_key **out,
			size_t *consumed, unsigned long *lines, struct shk_error *err)
{
	struct rfc4716_block b;
	size_t pos = 0;
	unsigned long lineno = 0;
	int r;

	*out = NULL;
	memset(&b, 0, sizeof(b));
	if ((r = rfc4716_find_begin(buf, len, &pos, &lineno, consumed, lines, err)) != SHK_OK)
		return r;
	b.begin_line = lineno;
	b.body = pos;
	if ((r = rfc4716_find_end(buf, len, &b, consumed, lines, err)) != SHK_OK)
		return r;
	if ((r = rfc4716_read_body(buf, &b, err)) != SHK_OK)
		goto out;
	if (b.have_comment) {
		comment_unquote(b.value, &b.cs, &b.ce);
		if (memchr(b.value + b.cs, '\0', b.ce - b.cs) != NULL) {
			r = shk_error_set(err, SHK_ERR_PARSE, b.begin_line, "NUL byte in Comment");
			goto out;
		}
	}
	r = rfc4716_make_key(&b, out, err);
out:
	free(b.b64);
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
