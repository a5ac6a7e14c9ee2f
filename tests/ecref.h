/* SPDX-License-Identifier: MIT */
/*
 * The reference for lib/core/ecpoint.c: the OpenSSL check lib/core/key.c made
 * before it (check_ec_point), kept as it was apart from taking our curve
 * enum. Shared by tests/check_ecpoint.c and fuzz/fuzz_ecpoint.c, which
 * compare verdicts and messages. Header-only (static functions) so the
 * fuzz build, which compiles each target alone, can include it too.
 */
#ifndef SHK_TESTS_ECREF_H
#define SHK_TESTS_ECREF_H

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/obj_mac.h>

#include "ecpoint.h"
#include "shk.h"

static inline int
ecref_nid(enum shk_ec_curve c)
{
	switch (c) {
	case SHK_EC_P256:
		return NID_X9_62_prime256v1;
	case SHK_EC_P384:
		return NID_secp384r1;
	case SHK_EC_P521:
		return NID_secp521r1;
	default:
		return NID_undef;
	}
}

/*
 * An uncompressed EC point that lies on the curve and passes the checks
 * OpenSSH's sshkey_ec_validate_public() makes (not at infinity, both
 * coordinates larger than half the order's size and below order - 1).
 */
static inline int
ecref_check(enum shk_ec_curve c, const unsigned char *pt, size_t ptlen,
	    struct shk_error *err)
{
	EC_GROUP *group = NULL;
	EC_POINT *point = NULL;
	BN_CTX *bnctx = NULL;
	BIGNUM *x, *y, *ordm1;
	const BIGNUM *order;
	size_t fieldlen;
	int order_bits, r = SHK_ERR_NOMEM;

	if (ptlen == 0 || pt[0] != 0x04) {
		/* OpenSSH takes only uncompressed points. */
		r = shk_error_set(err, SHK_ERR_PARSE, 0, "EC point is not uncompressed");
		goto out;
	}
	if ((group = EC_GROUP_new_by_curve_name(ecref_nid(c))) == NULL ||
	    (point = EC_POINT_new(group)) == NULL || (bnctx = BN_CTX_new()) == NULL)
		goto out;
	BN_CTX_start(bnctx);
	x = BN_CTX_get(bnctx);
	y = BN_CTX_get(bnctx);
	if ((ordm1 = BN_CTX_get(bnctx)) == NULL)
		goto out;
	fieldlen = ((size_t)EC_GROUP_get_degree(group) + 7) / 8;
	if (ptlen != 1 + 2 * fieldlen) {
		r = shk_error_set(err, SHK_ERR_PARSE, 0, "EC point has %zu bytes, not %zu",
				  ptlen, 1 + 2 * fieldlen);
		goto out;
	}
	/* oct2point refuses points off the curve; ask again to be sure. */
	if (EC_POINT_oct2point(group, point, pt, ptlen, bnctx) != 1 ||
	    EC_POINT_is_on_curve(group, point, bnctx) != 1) {
		r = shk_error_set(err, SHK_ERR_PARSE, 0, "EC point is not on the curve");
		goto out;
	}
	if (EC_POINT_is_at_infinity(group, point) == 1 ||
	    EC_POINT_get_affine_coordinates(group, point, x, y, bnctx) != 1) {
		r = shk_error_set(err, SHK_ERR_PARSE, 0, "EC point is at infinity");
		goto out;
	}
	order = EC_GROUP_get0_order(group);
	order_bits = BN_num_bits(order);
	if (BN_copy(ordm1, order) == NULL || BN_sub_word(ordm1, 1) != 1)
		goto out;
	if (BN_num_bits(x) <= order_bits / 2 || BN_num_bits(y) <= order_bits / 2 ||
	    BN_cmp(x, ordm1) >= 0 || BN_cmp(y, ordm1) >= 0) {
		r = shk_error_set(err, SHK_ERR_PARSE, 0, "EC point is a weak public key");
		goto out;
	}
	r = SHK_OK;
out:
	if (bnctx != NULL)
		BN_CTX_end(bnctx);
	BN_CTX_free(bnctx);
	EC_POINT_free(point);
	EC_GROUP_free(group);
	/* A refused oct2point leaves its reason queued; callers loop. */
	ERR_clear_error();
	if (r == SHK_ERR_NOMEM)
		shk_error_set(err, r, 0, "out of memory checking an EC point");
	return r;
}

#endif
