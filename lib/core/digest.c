/* SPDX-License-Identifier: MIT */
#include "config.h"

#include <limits.h>
#include <stdint.h>
#include <string.h>

#include "crypto.h"
#include "digest.h"
#include "shk.h"

enum digest_kind { DIGEST_MD5, DIGEST_SHA1, DIGEST_SHA256 };

static int
digest_oneshot(enum digest_kind kind, const void *p, size_t len, unsigned char *out)
{
	const struct shk_crypto *c;
	const EVP_MD *md;

	if ((c = shk_crypto(NULL)) == NULL)
		return SHK_ERR_SYSTEM;
	if (kind == DIGEST_MD5)
		md = c->evp_md5();
	else if (kind == DIGEST_SHA1)
		md = c->evp_sha1();
	else
		md = c->evp_sha256();
	return c->evp_digest(p, len, out, NULL, md, NULL) == 1 ? SHK_OK : SHK_ERR_SYSTEM;
}

int
shk_md5(const void *p, size_t len, unsigned char out[SHK_MD5_LEN])
{
	return digest_oneshot(DIGEST_MD5, p, len, out);
}

int
shk_sha1(const void *p, size_t len, unsigned char out[SHK_SHA1_LEN])
{
	return digest_oneshot(DIGEST_SHA1, p, len, out);
}

int
shk_sha256(const void *p, size_t len, unsigned char out[SHK_SHA256_LEN])
{
	return digest_oneshot(DIGEST_SHA256, p, len, out);
}

/* ---- HMAC-SHA1 from saved states --------------------------------------- */

/*
 * The SHA-1 block interface rather than HMAC(): for a 20-byte salt the
 * generic interface's set-up costs more than the hashing, and a saved
 * state lets the index (khindex.c) keep both key blocks absorbed.
 */
static void
sha1_block_state(const struct shk_crypto *c, const unsigned char block[64], uint32_t st[5])
{
	SHA_CTX s;

	c->sha1_init(&s);
	c->sha1_update(&s, block, 64);
	st[0] = s.h0;
	st[1] = s.h1;
	st[2] = s.h2;
	st[3] = s.h3;
	st[4] = s.h4;
	shk_explicit_bzero(&s, sizeof(s));
}

static void
sha1_resume(SHA_CTX *s, const uint32_t st[5])
{
	memset(s, 0, sizeof(*s));
	s->h0 = st[0];
	s->h1 = st[1];
	s->h2 = st[2];
	s->h3 = st[3];
	s->h4 = st[4];
	s->Nl = 512; /* one block, counted in bits */
}

int
shk_hmac_sha1_prep(const unsigned char *key, size_t keylen, struct shk_hmac_sha1_pre *pre)
{
	const struct shk_crypto *c;
	unsigned char pad[64];
	size_t i;

	if (keylen > sizeof(pad))
		return SHK_ERR_RANGE;
	if ((c = shk_crypto(NULL)) == NULL)
		return SHK_ERR_SYSTEM;
	for (i = 0; i < sizeof(pad); i++)
		pad[i] = (unsigned char)((i < keylen ? key[i] : 0) ^ 0x36);
	sha1_block_state(c, pad, pre->inner);
	for (i = 0; i < sizeof(pad); i++)
		pad[i] = (unsigned char)((i < keylen ? key[i] : 0) ^ 0x5c);
	sha1_block_state(c, pad, pre->outer);
	shk_explicit_bzero(pad, sizeof(pad));
	return SHK_OK;
}

void
shk_hmac_sha1_fin_with(const struct shk_crypto *c, const struct shk_hmac_sha1_pre *pre,
		       const void *msg, size_t len, unsigned char out[SHK_SHA1_LEN])
{
	unsigned char d[SHK_SHA1_LEN];
	SHA_CTX s;

	sha1_resume(&s, pre->inner);
	c->sha1_update(&s, msg, len);
	c->sha1_final(d, &s);
	sha1_resume(&s, pre->outer);
	c->sha1_update(&s, d, sizeof(d));
	c->sha1_final(out, &s);
}

int
shk_hmac_sha1_fin(const struct shk_hmac_sha1_pre *pre, const void *msg, size_t len,
		  unsigned char out[SHK_SHA1_LEN])
{
	const struct shk_crypto *c;

	if ((c = shk_crypto(NULL)) == NULL)
		return SHK_ERR_SYSTEM;
	shk_hmac_sha1_fin_with(c, pre, msg, len, out);
	return SHK_OK;
}

int
shk_hmac_sha1(const void *key, size_t keylen, const void *msg, size_t msglen,
	      unsigned char out[SHK_SHA1_LEN])
{
	struct shk_hmac_sha1_pre pre;
	unsigned char hkey[SHK_SHA1_LEN];
	int r;

	/* A key longer than the block is hashed first (RFC 2104). */
	if (keylen > 64) {
		if ((r = shk_sha1(key, keylen, hkey)) != SHK_OK)
			return r;
		key = hkey;
		keylen = sizeof(hkey);
	}
	if ((r = shk_hmac_sha1_prep(key, keylen, &pre)) == SHK_OK)
		r = shk_hmac_sha1_fin(&pre, msg, msglen, out);
	shk_explicit_bzero(&pre, sizeof(pre));
	shk_explicit_bzero(hkey, sizeof(hkey));
	return r;
}

/* ---- HMAC-SHA256 -------------------------------------------------------- */

/* Through the SHA-256 block functions too: a hashed ssh2 lookup computes
 * one HMAC per process, and the EVP path costs a provider fetch (about a
 * millisecond and two megabytes) for it (docs/performance.md). */
int
shk_hmac_sha256(const void *key, size_t keylen, const void *msg, size_t msglen,
		unsigned char out[SHK_SHA256_LEN])
{
	unsigned char pad[SHA256_CBLOCK], inner[SHK_SHA256_LEN], hkey[SHK_SHA256_LEN];
	const struct shk_crypto *c;
	SHA256_CTX s;
	size_t i;
	int ok;

	if ((c = shk_crypto(NULL)) == NULL)
		return SHK_ERR_SYSTEM;
	if (keylen > sizeof(pad)) {
		/* RFC 2104: a key longer than the block is hashed first. */
		ok = c->sha256_init(&s) && c->sha256_update(&s, key, keylen) &&
		     c->sha256_final(hkey, &s);
		if (!ok)
			return SHK_ERR_SYSTEM;
		key = hkey;
		keylen = sizeof(hkey);
	}
	memset(pad, 0, sizeof(pad));
	memcpy(pad, key, keylen);
	for (i = 0; i < sizeof(pad); i++)
		pad[i] ^= 0x36;
	ok = c->sha256_init(&s) && c->sha256_update(&s, pad, sizeof(pad)) &&
	     c->sha256_update(&s, msg, msglen) && c->sha256_final(inner, &s);
	for (i = 0; i < sizeof(pad); i++)
		pad[i] ^= 0x36 ^ 0x5c;
	ok = ok && c->sha256_init(&s) && c->sha256_update(&s, pad, sizeof(pad)) &&
	     c->sha256_update(&s, inner, sizeof(inner)) && c->sha256_final(out, &s);
	shk_explicit_bzero(pad, sizeof(pad));
	shk_explicit_bzero(hkey, sizeof(hkey));
	shk_explicit_bzero(&s, sizeof(s));
	return ok ? SHK_OK : SHK_ERR_SYSTEM;
}

void
shk_hex(const unsigned char *p, size_t len, char *out)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < len; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 15];
	}
	out[2 * len] = '\0';
}

int
shk_ct_equal(const void *a, const void *b, size_t len)
{
	const volatile unsigned char *x = a, *y = b;
	unsigned char d = 0;
	size_t i;

	/* Every byte is read whatever the earlier ones held. */
	for (i = 0; i < len; i++)
		d |= x[i] ^ y[i];
	return d == 0;
}
