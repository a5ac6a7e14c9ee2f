/* SPDX-License-Identifier: MIT */
/*
 * Field arithmetic for the on-curve check: numbers are little-endian
 * arrays of 32-bit limbs (17 limbs hold 521 bits) with 64-bit carries,
 * every value is kept below p, and a product is computed by double and
 * add, so each step is an addition that needs at most one subtraction of
 * p. Slow next to a real ECC library, but a check needs three products
 * and nothing else.
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "ecpoint.h"
#include "shk.h"

#define FE_LIMBS    17
#define FE_MAXBYTES 66

/*
 * The constants: FIPS 186-4 appendix D.1.2 (SEC 2: secp256r1, secp384r1,
 * secp521r1). tests/check_ecpoint.c compares them with OpenSSL's.
 */
static const unsigned char p256_p[32] = {
    0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
};
static const unsigned char p256_b[32] = {
    0x5a, 0xc6, 0x35, 0xd8, 0xaa, 0x3a, 0x93, 0xe7, 0xb3, 0xeb, 0xbd,
    0x55, 0x76, 0x98, 0x86, 0xbc, 0x65, 0x1d, 0x06, 0xb0, 0xcc, 0x53,
    0xb0, 0xf6, 0x3b, 0xce, 0x3c, 0x3e, 0x27, 0xd2, 0x60, 0x4b,
};
static const unsigned char p256_n[32] = {
    0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17,
    0x9e, 0x84, 0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x51,
};
static const unsigned char p384_p[48] = {
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe, 0xff, 0xff, 0xff, 0xff,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff,
};
static const unsigned char p384_b[48] = {
    0xb3, 0x31, 0x2f, 0xa7, 0xe2, 0x3e, 0xe7, 0xe4, 0x98, 0x8e, 0x05, 0x6b,
    0xe3, 0xf8, 0x2d, 0x19, 0x18, 0x1d, 0x9c, 0x6e, 0xfe, 0x81, 0x41, 0x12,
    0x03, 0x14, 0x08, 0x8f, 0x50, 0x13, 0x87, 0x5a, 0xc6, 0x56, 0x39, 0x8d,
    0x8a, 0x2e, 0xd1, 0x9d, 0x2a, 0x85, 0xc8, 0xed, 0xd3, 0xec, 0x2a, 0xef,
};
static const unsigned char p384_n[48] = {
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xc7, 0x63, 0x4d, 0x81, 0xf4, 0x37, 0x2d, 0xdf, 0x58, 0x1a, 0x0d, 0xb2,
    0x48, 0xb0, 0xa7, 0x7a, 0xec, 0xec, 0x19, 0x6a, 0xcc, 0xc5, 0x29, 0x73,
};
static const unsigned char p521_p[66] = {
    0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
};
static const unsigned char p521_b[66] = {
    0x00, 0x51, 0x95, 0x3e, 0xb9, 0x61, 0x8e, 0x1c, 0x9a, 0x1f, 0x92, 0x9a, 0x21, 0xa0,
    0xb6, 0x85, 0x40, 0xee, 0xa2, 0xda, 0x72, 0x5b, 0x99, 0xb3, 0x15, 0xf3, 0xb8, 0xb4,
    0x89, 0x91, 0x8e, 0xf1, 0x09, 0xe1, 0x56, 0x19, 0x39, 0x51, 0xec, 0x7e, 0x93, 0x7b,
    0x16, 0x52, 0xc0, 0xbd, 0x3b, 0xb1, 0xbf, 0x07, 0x35, 0x73, 0xdf, 0x88, 0x3d, 0x2c,
    0x34, 0xf1, 0xef, 0x45, 0x1f, 0xd4, 0x6b, 0x50, 0x3f, 0x00,
};
static const unsigned char p521_n[66] = {
    0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xfa, 0x51, 0x86, 0x87, 0x83, 0xbf, 0x2f, 0x96, 0x6b,
    0x7f, 0xcc, 0x01, 0x48, 0xf7, 0x09, 0xa5, 0xd0, 0x3b, 0xb5, 0xc9, 0xb8, 0x89, 0x9c,
    0x47, 0xae, 0xbb, 0x6f, 0xb7, 0x1e, 0x91, 0x38, 0x64, 0x09,
};

static const struct shk_ec_params curves[] = {
    [SHK_EC_P256] = {32, p256_p, p256_b, p256_n},
    [SHK_EC_P384] = {48, p384_p, p384_b, p384_n},
    [SHK_EC_P521] = {66, p521_p, p521_b, p521_n},
};

const struct shk_ec_params *
shk_ec_params(enum shk_ec_curve c)
{
	if (c <= SHK_EC_NONE || (size_t)c >= SHK_ARRAY_SIZE(curves))
		return NULL;
	return &curves[c];
}

/* r = the big-endian number be[0..len), len <= FE_MAXBYTES. */
static void
fe_from_be(uint32_t *r, const unsigned char *be, size_t len)
{
	size_t i;

	memset(r, 0, FE_LIMBS * sizeof(*r));
	for (i = 0; i < len; i++)
		r[i / 4] |= (uint32_t)be[len - 1 - i] << (8 * (i % 4));
}

static int
fe_cmp(const uint32_t *a, const uint32_t *b, size_t nl)
{
	size_t i;

	for (i = nl; i-- > 0;)
		if (a[i] != b[i])
			return a[i] < b[i] ? -1 : 1;
	return 0;
}

static unsigned int
fe_bits(const uint32_t *a, size_t nl)
{
	size_t i;
	unsigned int b;
	uint32_t top;

	for (i = nl; i-- > 0;) {
		if (a[i] == 0)
			continue;
		for (b = 0, top = a[i]; top != 0; top >>= 1)
			b++;
		return (unsigned int)i * 32 + b;
	}
	return 0;
}

/* r = a - b modulo 2^(32 nl); returns the borrow out. r may be a or b. */
static uint32_t
fe_sub_raw(uint32_t *r, const uint32_t *a, const uint32_t *b, size_t nl)
{
	uint64_t t;
	uint32_t borrow = 0;
	size_t i;

	for (i = 0; i < nl; i++) {
		/* A negative difference wraps to 2^64 - k: the top bit is set. */
		t = (uint64_t)a[i] - b[i] - borrow;
		r[i] = (uint32_t)t;
		borrow = (uint32_t)(t >> 63);
	}
	return borrow;
}

/* r = a + b modulo 2^(32 nl); returns the carry out. r may be a or b. */
static uint32_t
fe_add_raw(uint32_t *r, const uint32_t *a, const uint32_t *b, size_t nl)
{
	uint64_t t = 0;
	size_t i;

	for (i = 0; i < nl; i++) {
		t += (uint64_t)a[i] + b[i];
		r[i] = (uint32_t)t;
		t >>= 32;
	}
	return (uint32_t)t;
}

/*
 * r = a + b mod p, for a, b < p. The sum is below 2p, so one subtraction
 * is enough; when the sum carried out of the top limb it is above p, and
 * the subtraction's borrow cancels that carry. r may be a or b.
 */
static void
fe_add(uint32_t *r, const uint32_t *a, const uint32_t *b, const uint32_t *p, size_t nl)
{
	if (fe_add_raw(r, a, b, nl) != 0 || fe_cmp(r, p, nl) >= 0)
		fe_sub_raw(r, r, p, nl);
}

/* r = a - b mod p, for a, b < p: a negative difference gets p added. */
static void
fe_sub(uint32_t *r, const uint32_t *a, const uint32_t *b, const uint32_t *p, size_t nl)
{
	if (fe_sub_raw(r, a, b, nl) != 0)
		fe_add_raw(r, r, p, nl);
}

/*
 * r = a * b mod p, for a, b < p: double and add, four bits of b at a
 * time (m[k] = k a mod p; from b's top digit down, acc = 16 acc + m[digit]).
 */
static void
fe_mul(uint32_t *r, const uint32_t *a, const uint32_t *b, const uint32_t *p, size_t nl)
{
	uint32_t m[16][FE_LIMBS], acc[FE_LIMBS] = {0};
	unsigned int i, k, digit;

	memset(m[0], 0, sizeof(m[0]));
	for (k = 1; k < 16; k++)
		fe_add(m[k], m[k - 1], a, p, nl);
	for (i = (fe_bits(b, nl) + 3) / 4; i-- > 0;) {
		for (k = 0; k < 4; k++)
			fe_add(acc, acc, acc, p, nl);
		digit = (b[i / 8] >> (4 * (i % 8))) & 15;
		if (digit != 0)
			fe_add(acc, acc, m[digit], p, nl);
	}
	memcpy(r, acc, sizeof(acc));
}

/*
 * One test for both coordinates: the tests reach on-curve points with a
 * weak x, but finding one with a weak y means solving a cubic mod p, so
 * y is covered by sharing x's code.
 */
static int
coord_weak(const uint32_t *v, const uint32_t *nm1, unsigned int half, size_t nl)
{
	return fe_bits(v, nl) <= half || fe_cmp(v, nm1, nl) >= 0;
}

int
shk_ec_point_check(enum shk_ec_curve c, const unsigned char *pt, size_t ptlen,
		   struct shk_error *err)
{
	static const unsigned char three = 3, one = 1;
	const struct shk_ec_params *cv;
	uint32_t p[FE_LIMBS], x[FE_LIMBS], y[FE_LIMBS], lhs[FE_LIMBS], rhs[FE_LIMBS];
	uint32_t t[FE_LIMBS];
	size_t fl, nl;
	unsigned int half;
	int r;

	if ((cv = shk_ec_params(c)) == NULL) {
		r = shk_error_set(err, SHK_ERR_INVAL, 0, "unknown EC curve %d", (int)c);
		goto out;
	}
	if (ptlen == 0 || pt[0] != 0x04) {
		/* OpenSSH takes only uncompressed points. */
		r = shk_error_set(err, SHK_ERR_PARSE, 0,
				  "EC point is not uncompressed");
		goto out;
	}
	fl = cv->fieldlen;
	if (ptlen != 1 + 2 * fl) {
		r = shk_error_set(err, SHK_ERR_PARSE, 0,
				  "EC point has %zu bytes, not %zu", ptlen, 1 + 2 * fl);
		goto out;
	}
	nl = (fl + 3) / 4;
	fe_from_be(p, cv->p, fl);
	fe_from_be(x, pt + 1, fl);
	fe_from_be(y, pt + 1 + fl, fl);
	/*
	 * OpenSSL's oct2point refuses coordinates >= p (they are not field
	 * elements), hence the same message; the arithmetic below also needs
	 * them reduced.
	 */
	if (fe_cmp(x, p, nl) >= 0 || fe_cmp(y, p, nl) >= 0) {
		r = shk_error_set(err, SHK_ERR_PARSE, 0,
				  "EC point is not on the curve");
		goto out;
	}
	/* y^2 = x^3 - 3x + b = (x^2 - 3) x + b */
	fe_mul(lhs, y, y, p, nl);
	fe_mul(rhs, x, x, p, nl);
	fe_from_be(t, &three, 1);
	fe_sub(rhs, rhs, t, p, nl);
	fe_mul(rhs, rhs, x, p, nl);
	fe_from_be(t, cv->b, fl);
	fe_add(rhs, rhs, t, p, nl);
	if (fe_cmp(lhs, rhs, nl) != 0) {
		r = shk_error_set(err, SHK_ERR_PARSE, 0,
				  "EC point is not on the curve");
		goto out;
	}
	/*
	 * No test for the point at infinity: it has no uncompressed encoding.
	 * No n * Q == infinity test either (OpenSSH makes one): the three
	 * curves have cofactor 1, so every point on the curve is in the group
	 * of prime order n. What is left of sshkey_ec_validate_public: both
	 * coordinates longer than half the order's bits and below n - 1.
	 */
	fe_from_be(t, cv->n, fl);
	half = fe_bits(t, nl) / 2;
	fe_from_be(lhs, &one, 1);
	fe_sub_raw(t, t, lhs, nl);
	if (coord_weak(x, t, half, nl) || coord_weak(y, t, half, nl)) {
		r = shk_error_set(err, SHK_ERR_PARSE, 0,
				  "EC point is a weak public key");
		goto out;
	}
	r = SHK_OK;
out:
	return r;
}
