/* SPDX-License-Identifier: MIT */
/*
 * ECDSA public points on NIST P-256, P-384 and P-521, checked without
 * libcrypto: is this uncompressed SEC1 point a public key OpenSSH would
 * accept? A plain known_hosts lookup must not load libcrypto, and most
 * hosts present an ECDSA key.
 *
 * No allocation and no state: every call is thread-safe. The points are
 * public data, so nothing here tries to be constant-time.
 */
#ifndef SHK_ECPOINT_H
#define SHK_ECPOINT_H

#include <stddef.h>

#include "shk.h"

enum shk_ec_curve {
	SHK_EC_NONE = 0, /* not an EC key type; shk_ec_point_check refuses it */
	SHK_EC_P256,     /* nistp256, prime256v1, secp256r1 */
	SHK_EC_P384,     /* nistp384, secp384r1 */
	SHK_EC_P521,     /* nistp521, secp521r1 */
};

/*
 * Check pt[0..ptlen) as OpenSSH's public-key checks would (the same
 * verdicts as OpenSSL's EC_POINT_oct2point and EC_POINT_is_on_curve
 * followed by sshkey_ec_validate_public): uncompressed form (0x04, x, y),
 * 1 + 2 * field size bytes, both coordinates below p, y^2 = x^3 - 3x + b
 * (mod p), and both coordinates longer than half the order's bits and
 * below order - 1. Returns SHK_OK, SHK_ERR_PARSE with the reason in err
 * (may be NULL), or SHK_ERR_INVAL for a curve that is not one of ours.
 */
int shk_ec_point_check(enum shk_ec_curve c, const unsigned char *pt, size_t ptlen,
		       struct shk_error *err);

/* A curve's constants, big-endian in fieldlen bytes each (static data). */
struct shk_ec_params {
	size_t fieldlen;        /* bytes per coordinate: 32, 48, 66 */
	const unsigned char *p; /* field prime */
	const unsigned char *b; /* y^2 = x^3 - 3x + b */
	const unsigned char *n; /* order of the base point (cofactor 1) */
};

/* The constants of c (for the tests that compare them with OpenSSL's);
 * NULL for SHK_EC_NONE or an unknown value. */
const struct shk_ec_params *shk_ec_params(enum shk_ec_curve c);

#endif
