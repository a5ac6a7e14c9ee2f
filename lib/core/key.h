/* SPDX-License-Identifier: MIT */
/*
 * Public keys: type names, blob validation, OpenSSH one-line parsing.
 * Validation parses the RFC 4253 blob by hand, without OpenSSL (EC
 * points are checked by ecpoint.c), so parsing a key never allocates
 * more than the key itself and never needs libcrypto.
 */
#ifndef SHK_KEY_H
#define SHK_KEY_H

#include <stddef.h>

#include "shk.h"

enum shk_keytype {
	SHK_KT_UNKNOWN = 0, /* kept as an opaque blob */
	SHK_KT_RSA,
	SHK_KT_DSA,
	SHK_KT_ECDSA_P256,
	SHK_KT_ECDSA_P384,
	SHK_KT_ECDSA_P521,
	SHK_KT_ED25519,
	SHK_KT_SK_ECDSA,   /* sk-ecdsa-sha2-nistp256@openssh.com (and webauthn-) */
	SHK_KT_SK_ED25519, /* sk-ssh-ed25519@openssh.com */
	SHK_KT_CERT,	   /* any *-cert-v01@openssh.com; validated shallowly */
};

/* Type of a key type name (exact, case-sensitive, as OpenSSH). */
enum shk_keytype shk_keytype_from_name(const char *name, size_t len);

/* Whether a known_hosts parser should accept the name as a key type:
 * any name made of printable ASCII without white space that is not all
 * digits (legacy RSA1 "bits e n"). */
int shk_keytype_plausible(const char *name, size_t len);

/* The label ssh-keygen -l prints in parentheses: "ED25519", "RSA",
 * "ECDSA", "DSA", "ECDSA-SK", "ED25519-SK", or "UNKNOWN". */
const char *shk_keytype_label(const char *name, size_t len);

/*
 * Check that blob is a well-formed public key of the claimed type: its
 * leading string equals type, every field is present, nothing trails,
 * EC points decode and lie on the named curve, the curve matches the
 * type. Opaque (unknown) types only need the leading string to match.
 * *bits (may be NULL) gets the size ssh-keygen -l prints.
 * Returns SHK_OK or SHK_ERR_PARSE with the reason in err.
 */
int shk_key_check_blob(const char *type, size_t typelen, const unsigned char *blob,
		       size_t bloblen, unsigned int *bits, struct shk_error *err);

/* New key from parts (copies them). comment may be NULL. */
int shk_key_new(const char *type, size_t typelen, const unsigned char *blob,
		size_t bloblen, const char *comment, size_t commentlen,
		struct shk_key **out);

/*
 * Decode base64 b64[0..b64len), check it as a key of the given type and
 * return a new key. err says why on failure.
 */
int shk_key_from_b64(const char *type, size_t typelen, const char *b64, size_t b64len,
		     const char *comment, size_t commentlen, struct shk_key **out,
		     struct shk_error *err);

/*
 * A key from its RFC 4253 wire blob (copied): the type is the blob's
 * leading string, and the blob is checked as shk_key_from_b64 checks it.
 */
int shk_key_from_wire(const unsigned char *blob, size_t bloblen, struct shk_key **out,
		      struct shk_error *err);

/* Parse "TYPE BASE64 [COMMENT]" (leading/trailing white space allowed). */
int shk_key_from_line(const char *p, size_t len, struct shk_key **out,
		      struct shk_error *err);

/*
 * The plain key inside a certificate blob, as ssh-keygen -l hashes it
 * (certificates get their plain key's fingerprint). *out is malloc'd
 * (caller frees). SHK_ERR_INVAL when blob is not a certificate of a kind
 * we know; SHK_ERR_PARSE when it is malformed.
 */
int shk_key_cert_plain_blob(const unsigned char *blob, size_t bloblen, unsigned char **out,
			    size_t *outlen);

/*
 * The key that signed a certificate blob (its "signature key", the key of
 * the CA), pointing into blob: nothing to free. SHK_ERR_INVAL when blob is
 * not a certificate of a kind we know; SHK_ERR_PARSE when it is malformed.
 */
int shk_key_cert_ca_blob(const unsigned char *blob, size_t bloblen, const unsigned char **ca,
			 size_t *calen);

/* 1 when both have the same type and blob. */
int shk_key_equal_blob(const char *type1, const unsigned char *b1, size_t l1,
		       const char *type2, const unsigned char *b2, size_t l2);

#endif
