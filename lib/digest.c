/* SPDX-License-Identifier: MIT */
#include "config.h"

/* HMAC-SHA256 for short keys goes through the SHA-256 block functions,
 * deprecated in OpenSSL 3: a hashed ssh2 lookup computes one HMAC per
 * process, and the EVP path costs a provider fetch (about a millisecond
 * and two megabytes) for it (docs/performance.md). */
#define OPENSSL_SUPPRESS_DEPRECATED 1

#include <limits.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include "digest.h"
#include "shk.h"

static int
digest_oneshot(const EVP_MD *md, const void *p, size_t len, unsigned char *out)
{
	return EVP_Digest(p, len, out, NULL, md, NULL) == 1 ? SHK_OK : SHK_ERR_SYSTEM;
}

int
shk_md5(const void *p, size_t len, unsigned char out[SHK_MD5_LEN])
{
	return digest_oneshot(EVP_md5(), p, len, out);
}

int
shk_sha1(const void *p, size_t len, unsigned char out[SHK_SHA1_LEN])
{
	return digest_oneshot(EVP_sha1(), p, len, out);
}

int
shk_sha256(const void *p, size_t len, unsigned char out[SHK_SHA256_LEN])
{
	return digest_oneshot(EVP_sha256(), p, len, out);
}

static int
hmac_oneshot(const EVP_MD *md, const void *key, size_t keylen, const void *msg,
	     size_t msglen, unsigned char *out)
{
	unsigned int outlen = 0;

	if (keylen > INT_MAX)
		return SHK_ERR_RANGE;
	return HMAC(md, key, (int)keylen, msg, msglen, out, &outlen) != NULL
		       ? SHK_OK
		       : SHK_ERR_SYSTEM;
}

int
shk_hmac_sha1(const void *key, size_t keylen, const void *msg, size_t msglen,
	      unsigned char out[SHK_SHA1_LEN])
{
	return hmac_oneshot(EVP_sha1(), key, keylen, msg, msglen, out);
}

int
shk_hmac_sha256(const void *key, size_t keylen, const void *msg, size_t msglen,
		unsigned char out[SHK_SHA256_LEN])
{
	unsigned char pad[SHA256_CBLOCK], inner[SHK_SHA256_LEN];
	SHA256_CTX c;
	size_t i;
	int ok;

	/* Longer keys would first be hashed; nothing of ours uses them. */
	if (keylen > sizeof(pad))
		return hmac_oneshot(EVP_sha256(), key, keylen, msg, msglen, out);
	memset(pad, 0, sizeof(pad));
	memcpy(pad, key, keylen);
	for (i = 0; i < sizeof(pad); i++)
		pad[i] ^= 0x36;
	ok = SHA256_Init(&c) && SHA256_Update(&c, pad, sizeof(pad)) &&
	     SHA256_Update(&c, msg, msglen) && SHA256_Final(inner, &c);
	for (i = 0; i < sizeof(pad); i++)
		pad[i] ^= 0x36 ^ 0x5c;
	ok = ok && SHA256_Init(&c) && SHA256_Update(&c, pad, sizeof(pad)) &&
	     SHA256_Update(&c, inner, sizeof(inner)) && SHA256_Final(out, &c);
	shk_explicit_bzero(pad, sizeof(pad));
	shk_explicit_bzero(&c, sizeof(c));
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
	return CRYPTO_memcmp(a, b, len) == 0;
}
