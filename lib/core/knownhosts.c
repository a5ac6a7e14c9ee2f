/* SPDX-License-Identifier: MIT */
#include "config.h"

#include <string.h>

#include "base64.h"
#include "digest.h"
#include "key.h"
#include "knownhosts.h"
#include "match.h"
#include "shk.h"

#define HASH_MAGIC "|1|"
#define HASH_MAGIC_LEN 3
/* base64 of a 20-byte value with padding. */
#define HASH_B64_LEN 28
/* OpenSSH refuses encoded salts longer than this before decoding. */
#define SALT_B64_MAX 1024
/* check_markers() copies the marker into a 32-byte buffer. */
#define MARKER_MAX 32

static int
is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static const char *
skip_blanks(const char *p, const char *end)
{
	while (p < end && is_blank(*p))
		p++;
	return p;
}

static const char *
skip_word(const char *p, const char *end)
{
	while (p < end && !is_blank(*p))
		p++;
	return p;
}

static void
marker_error(struct shk_kh_line *out, const char *why)
{
	/* No marker is trusted from a line whose markers do not parse. */
	out->marker = SHK_MARKER_NONE;
	out->status = SHK_KH_INVALID;
	out->why = why;
}

static void
set_invalid(struct shk_kh_line *out, const char *why)
{
	out->status = SHK_KH_INVALID;
	out->why = why;
}

/*
 * The marker loop of OpenSSH's check_markers(). The marker word ends at
 * the first space of the rest of the line, or only when there is no
 * space at all at the first tab; a tab right after the marker therefore
 * only works on lines without spaces. Kept so that a line OpenSSH
 * ignores is ignored here too.
 */
static const char *
parse_markers(const char *cp, const char *end, struct shk_kh_line *out)
{
	const char *sp;
	size_t mlen;

	while (cp < end && *cp == '@') {
		if (out->marker != SHK_MARKER_NONE) {
			marker_error(out, "more than one marker");
			return NULL;
		}
		if ((sp = memchr(cp, ' ', (size_t)(end - cp))) == NULL &&
		    (sp = memchr(cp, '\t', (size_t)(end - cp))) == NULL) {
			marker_error(out, "marker without host field");
			return NULL;
		}
		mlen = (size_t)(sp - cp);
		if (mlen <= 1 || mlen >= MARKER_MAX) {
			marker_error(out, "unknown marker");
			return NULL;
		}
		if (mlen == strlen("@cert-authority") &&
		    memcmp(cp, "@cert-authority", mlen) == 0)
			out->marker = SHK_MARKER_CERT_AUTHORITY;
		else if (mlen == strlen("@revoked") && memcmp(cp, "@revoked", mlen) == 0)
			out->marker = SHK_MARKER_REVOKED;
		else {
			marker_error(out, "unknown marker");
			return NULL;
		}
		cp = skip_blanks(sp, end);
	}
	return cp;
}

void
shk_kh_parse_line(const char *p, size_t len, unsigned long lineno,
		  struct shk_kh_line *out)
{
	const char *end = p + len, *cp, *w;

	memset(out, 0, sizeof(*out));
	out->lineno = lineno;
	out->raw = p;
	out->rawlen = len;
	out->status = SHK_KH_ENTRY;
	/* OpenSSH reads C strings, so a NUL silently cuts the line there;
	 * such a line is damaged, not what anyone wrote. */
	if (len > 0 && memchr(p, '\0', len) != NULL) {
		set_invalid(out, "NUL byte in line");
		return;
	}
	cp = skip_blanks(p, end);
	if (cp == end || *cp == '#') {
		out->status = SHK_KH_COMMENT;
		return;
	}
	if ((cp = parse_markers(cp, end, out)) == NULL)
		return;
	w = skip_word(cp, end);
	if (w == cp) {
		set_invalid(out, "missing host field");
		return;
	}
	out->hosts = cp;
	out->hostslen = (size_t)(w - cp);
	if (w == end) {
		set_invalid(out, "truncated line: nothing after the host field");
		return;
	}
	cp = skip_blanks(w, end);
	if (cp == end || *cp == '#') {
		set_invalid(out, "truncated before key type");
		return;
	}
	w = skip_word(cp, end);
	out->keytype = cp;
	out->keytypelen = (size_t)(w - cp);
	if (!shk_keytype_plausible(cp, out->keytypelen)) {
		set_invalid(out, out->keytypelen > 0 && cp[0] >= '0' && cp[0] <= '9'
					 ? "not a key type (legacy RSA1 key?)"
					 : "bad key type");
		return;
	}
	cp = skip_blanks(w, end);
	if (cp == end) {
		set_invalid(out, "missing key after key type");
		return;
	}
	w = skip_word(cp, end);
	out->b64 = cp;
	out->b64len = (size_t)(w - cp);
	cp = skip_blanks(w, end);
	/* The comment is the rest of the line, trailing blanks dropped. */
	while (end > cp && is_blank(end[-1]))
		end--;
	out->comment = cp;
	out->commentlen = (size_t)(end - cp);
}

/*
 * "|1|salt|hash". A field OpenSSH cannot read (other magic, no second
 * '|', a salt that does not decode to 20 bytes) is SHK_ERR_PARSE, which
 * makes the line invalid. A hash that is not the canonical 28-character
 * encoding of 20 bytes can never equal OpenSSH's re-encoding, so it
 * simply does not match.
 */
static int
match_hashed(const char *hosts, size_t hostslen, const char *name, size_t namelen)
{
	unsigned char salt[SHK_SHA1_LEN], want[SHK_SHA1_LEN], got[SHK_SHA1_LEN];
	struct shk_hmac_sha1_pre pre;
	const char *s, *bar, *hash;
	size_t n, saltb64len, hashlen;
	int r = 0;

	if (hostslen < HASH_MAGIC_LEN || memcmp(hosts, HASH_MAGIC, HASH_MAGIC_LEN) != 0)
		return SHK_ERR_PARSE;
	s = hosts + HASH_MAGIC_LEN;
	if ((bar = memchr(s, '|', hostslen - HASH_MAGIC_LEN)) == NULL)
		return SHK_ERR_PARSE;
	saltb64len = (size_t)(bar - s);
	/* OpenSSH's b64_pton needs the padding, hence the multiple of 4. */
	if (saltb64len == 0 || saltb64len > SALT_B64_MAX || saltb64len % 4 != 0 ||
	    shk_b64_decode(s, saltb64len, salt, sizeof(salt), &n) != SHK_OK ||
	    n != sizeof(salt))
		return SHK_ERR_PARSE;
	hash = bar + 1;
	hashlen = hostslen - (size_t)(hash - hosts);
	if (hashlen != HASH_B64_LEN ||
	    shk_b64_decode(hash, hashlen, want, sizeof(want), &n) != SHK_OK ||
	    n != sizeof(want))
		goto out;
	if (shk_hmac_sha1_prep(salt, sizeof(salt), &pre) != SHK_OK ||
	    shk_hmac_sha1_fin(&pre, name, namelen, got) != SHK_OK) {
		r = SHK_ERR_SYSTEM;
		goto out;
	}
	r = shk_ct_equal(got, want, sizeof(got));
out:
	shk_explicit_bzero(got, sizeof(got));
	return r;
}

int
shk_kh_match_host(const char *hosts, size_t hostslen, const char *name, size_t namelen)
{
	if (hostslen > 0 && hosts[0] == '|')
		return match_hashed(hosts, hostslen, name, namelen);
	return shk_match_hostlist(name, namelen, hosts, hostslen);
}

int
shk_kh_foreach(const char *buf, size_t len, shk_kh_cb *cb, void *arg)
{
	const char *p = buf, *end = buf + len, *nl;
	struct shk_kh_line line;
	unsigned long lineno = 0;
	size_t l;
	int r;

	if (buf == NULL)
		return 0;
	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		l = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);
		lineno++;
		if (l > 0 && p[l - 1] == '\r')
			l--;
		shk_kh_parse_line(p, l, lineno, &line);
		if ((r = cb(&line, arg)) != 0)
			return r;
		p = nl != NULL ? nl + 1 : end;
	}
	return 0;
}

int
shk_kh_hash_name(const unsigned char salt[SHK_SHA1_LEN], const char *name,
		 size_t namelen, char *out, size_t outcap)
{
	unsigned char mac[SHK_SHA1_LEN];
	size_t o;
	int r;

	if (outcap < HASH_MAGIC_LEN + 2 * HASH_B64_LEN + 2)
		return SHK_ERR_RANGE;
	if ((r = shk_hmac_sha1(salt, SHK_SHA1_LEN, name, namelen, mac)) != SHK_OK)
		return r;
	memcpy(out, HASH_MAGIC, HASH_MAGIC_LEN);
	o = HASH_MAGIC_LEN;
	o += shk_b64_encode(salt, SHK_SHA1_LEN, out + o, outcap - o, 1);
	out[o++] = '|';
	o += shk_b64_encode(mac, sizeof(mac), out + o, outcap - o, 1);
	out[o] = '\0';
	return SHK_OK;
}
