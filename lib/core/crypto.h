/* SPDX-License-Identifier: MIT */
/*
 * libcrypto, loaded with dlopen() the first time something needs it.
 *
 * A plain known_hosts or ssh2 lookup needs no digest at all, and linking
 * libcrypto would make every process pay for ld.so relocating it (about
 * half a millisecond of a 1.5 ms lookup, docs/performance.md). Hashed
 * lines, hashed ssh2 names and fingerprints load it here instead.
 */
#ifndef SHK_CRYPTO_H
#define SHK_CRYPTO_H

/* The low-level SHA interfaces are deprecated in OpenSSL 3, but they are
 * what lets an HMAC resume from a saved key state (digest.c). */
#define OPENSSL_SUPPRESS_DEPRECATED 1

#include <openssl/evp.h>
#include <openssl/sha.h>

#include "shk.h"

/* The libcrypto functions we call, typed from OpenSSL's own headers so a
 * mismatch is a compile error. */
struct shk_crypto {
	__typeof__(EVP_Digest) *evp_digest;
	__typeof__(EVP_md5) *evp_md5;
	__typeof__(EVP_sha1) *evp_sha1;
	__typeof__(EVP_sha256) *evp_sha256;
	__typeof__(SHA1_Init) *sha1_init;
	__typeof__(SHA1_Update) *sha1_update;
	__typeof__(SHA1_Final) *sha1_final;
	__typeof__(SHA256_Init) *sha256_init;
	__typeof__(SHA256_Update) *sha256_update;
	__typeof__(SHA256_Final) *sha256_final;
};

/*
 * The table, loaded on the first call (once per process and per copy of
 * this file: each module carries its own). NULL when libcrypto cannot be
 * loaded, with err (which may be NULL) saying why, as SHK_ERR_SYSTEM. The
 * table is never freed. Thread-safe.
 */
const struct shk_crypto *shk_crypto(struct shk_error *err);

#endif
