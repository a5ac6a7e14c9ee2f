/* SPDX-License-Identifier: MIT */
/*
 * Digests and HMACs over libcrypto, which they load on first use
 * (crypto.h). All return SHK_OK, or SHK_ERR_SYSTEM when libcrypto fails or
 * cannot be loaded (shk_crypto() says why).
 */
#ifndef SHK_DIGEST_H
#define SHK_DIGEST_H

#include <stddef.h>
#include <stdint.h>

#define SHK_MD5_LEN 16
#define SHK_SHA1_LEN 20
#define SHK_SHA256_LEN 32

int shk_md5(const void *p, size_t len, unsigned char out[SHK_MD5_LEN]);
int shk_sha1(const void *p, size_t len, unsigned char out[SHK_SHA1_LEN]);
int shk_sha256(const void *p, size_t len, unsigned char out[SHK_SHA256_LEN]);
int shk_hmac_sha1(const void *key, size_t keylen, const void *msg, size_t msglen,
		  unsigned char out[SHK_SHA1_LEN]);
int shk_hmac_sha256(const void *key, size_t keylen, const void *msg, size_t msglen,
		    unsigned char out[SHK_SHA256_LEN]);

/* HMAC-SHA1 with the key blocks already absorbed. */
struct shk_hmac_sha1_pre {
	uint32_t inner[5];
	uint32_t outer[5];
};

/* Absorb key (at most 64 bytes; longer keys are SHK_ERR_RANGE). */
int shk_hmac_sha1_prep(const unsigned char *key, size_t keylen,
		       struct shk_hmac_sha1_pre *pre);
/* HMAC-SHA1(key, msg) from the prepared state. */
int shk_hmac_sha1_fin(const struct shk_hmac_sha1_pre *pre, const void *msg, size_t len,
		      unsigned char out[SHK_SHA1_LEN]);
/* The same with the table of shk_crypto() in hand, for a loop over many
 * lines: no per-call check that libcrypto is loaded. */
struct shk_crypto;
void shk_hmac_sha1_fin_with(const struct shk_crypto *c, const struct shk_hmac_sha1_pre *pre,
			    const void *msg, size_t len, unsigned char out[SHK_SHA1_LEN]);

/* Lowercase hex of p[0..len) into out (2*len+1 bytes). */
void shk_hex(const unsigned char *p, size_t len, char *out);

/* Constant-time compare. 1 when equal. */
int shk_ct_equal(const void *a, const void *b, size_t len);

#endif
