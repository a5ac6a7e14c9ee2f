/* SPDX-License-Identifier: MIT */
/*
 * lib/core/ecpoint.c against OpenSSL: its constants against EC_GROUP's, and
 * its verdicts and messages against the OpenSSL check key.c used before
 * (tests/ecref.h) on real public points and on points made to sit at
 * every boundary the checks have.
 */
#include "config.h"

#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>

#include "base64.h"
#include "ecpoint.h"
#include "ecref.h"
#include "shk.h"
#include "testutil.h"

#define KEYDIR	   TESTDATADIR "/keys/"
#define REAL_KEYS  300 /* generated points per curve */
#define EDIT_KEYS  8   /* of which this many also get every special value */
#define MAX_POINT  (1 + 2 * 66)
#define MAX_BUF	   (MAX_POINT + 8)

static const struct {
	enum shk_ec_curve c;
	const char *name; /* for EVP_PKEY_Q_keygen */
} curves[] = {
	{SHK_EC_P256, "P-256"},
	{SHK_EC_P384, "P-384"},
	{SHK_EC_P521, "P-521"},
};

/* Verdicts seen, by outcome: both checks gave the same every time. */
enum outcome { O_OK, O_FORM, O_LEN, O_CURVE, O_WEAK, O_COUNT };

static const char *const outcome_msgs[O_COUNT] = {
	NULL,
	"EC point is not uncompressed",
	"EC point has ",
	"EC point is not on the curve",
	"EC point is a weak public key",
};

struct tally {
	unsigned long n[O_COUNT];
	unsigned long on_curve_weak; /* weak points that are on the curve */
};

static void
hex(const unsigned char *p, size_t len, char *out, size_t cap)
{
	size_t i;

	for (i = 0; i < len && 2 * i + 2 < cap; i++)
		snprintf(out + 2 * i, 3, "%02x", p[i]);
	out[2 * i] = '\0';
}

/* Both checks on pt; they must agree on the status and the message. */
static enum outcome
compare(enum shk_ec_curve c, const unsigned char *pt, size_t len, struct tally *t)
{
	struct shk_error ours, ref;
	char h[2 * MAX_BUF + 1];
	int r1, r2, o;

	memset(&ours, 0, sizeof(ours));
	memset(&ref, 0, sizeof(ref));
	r1 = shk_ec_point_check(c, pt, len, &ours);
	r2 = ecref_check(c, pt, len, &ref);
	hex(pt, len, h, sizeof(h));
	ck_assert_msg(r1 == r2, "curve %d, point %s: ours %d (%s), OpenSSL %d (%s)", (int)c, h,
		      r1, ours.msg, r2, ref.msg);
	if (r1 == SHK_OK)
		o = O_OK;
	else {
		ck_assert_msg(strcmp(ours.msg, ref.msg) == 0,
			      "curve %d, point %s: ours \"%s\", OpenSSL \"%s\"", (int)c, h,
			      ours.msg, ref.msg);
		for (o = O_FORM; o < O_COUNT; o++)
			if (strncmp(ours.msg, outcome_msgs[o], strlen(outcome_msgs[o])) == 0)
				break;
		ck_assert_msg(o < O_COUNT, "unexpected message \"%s\"", ours.msg);
	}
	t->n[o]++;
	return (enum outcome)o;
}

/* A deterministic generator for the edits (xorshift64). */
static uint64_t
next_rand(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static EC_GROUP *
group_of(enum shk_ec_curve c)
{
	EC_GROUP *g = EC_GROUP_new_by_curve_name(ecref_nid(c));

	ck_assert_ptr_nonnull(g);
	return g;
}

/* A fresh public key of the curve, as ssh-keygen makes them. */
static size_t
real_point(const char *name, unsigned char *pt, size_t cap)
{
	EVP_PKEY *k = EVP_PKEY_Q_keygen(NULL, NULL, "EC", name);
	size_t len = 0;

	ck_assert_ptr_nonnull(k);
	ck_assert_int_eq(EVP_PKEY_get_octet_string_param(k, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY,
							 pt, cap, &len),
			 1);
	EVP_PKEY_free(k);
	return len;
}

/* Write v big-endian into fl bytes at dst; 0 when it does not fit. */
static int
put_bn(const BIGNUM *v, unsigned char *dst, size_t fl)
{
	if (BN_is_negative(v) || (size_t)BN_num_bytes(v) > fl)
		return 0;
	ck_assert_int_eq(BN_bn2binpad(v, dst, (int)fl), (int)fl);
	return 1;
}

/* Our constants are OpenSSL's: p, a = p - 3, b, the order, cofactor 1. */
START_TEST(test_constants)
{
	const struct shk_ec_params *cv = shk_ec_params(curves[_i].c);
	EC_GROUP *g = group_of(curves[_i].c);
	BN_CTX *ctx = BN_CTX_new();
	BIGNUM *p = BN_new(), *a = BN_new(), *b = BN_new();
	unsigned char buf[66];

	ck_assert_ptr_nonnull(cv);
	ck_assert_ptr_nonnull(ctx);
	ck_assert_int_eq(EC_GROUP_get_curve(g, p, a, b, ctx), 1);
	ck_assert_uint_eq(cv->fieldlen, ((size_t)EC_GROUP_get_degree(g) + 7) / 8);
	ck_assert_uint_le(cv->fieldlen, sizeof(buf));
	ck_assert(put_bn(p, buf, cv->fieldlen));
	ck_assert(memcmp(buf, cv->p, cv->fieldlen) == 0);
	ck_assert(put_bn(b, buf, cv->fieldlen));
	ck_assert(memcmp(buf, cv->b, cv->fieldlen) == 0);
	ck_assert(put_bn(EC_GROUP_get0_order(g), buf, cv->fieldlen));
	ck_assert(memcmp(buf, cv->n, cv->fieldlen) == 0);
	/* a = -3: ecpoint.c computes x^3 - 3x + b. */
	ck_assert_int_eq(BN_add_word(a, 3), 1);
	ck_assert_int_eq(BN_cmp(a, p), 0);
	/* Cofactor 1 is why ecpoint.c needs no n * Q test. */
	ck_assert(BN_is_one(EC_GROUP_get0_cofactor(g)));
	BN_free(p);
	BN_free(a);
	BN_free(b);
	BN_CTX_free(ctx);
	EC_GROUP_free(g);
}
END_TEST

START_TEST(test_not_a_curve)
{
	static const unsigned char pt[65] = {0x04};
	struct shk_error err;

	ck_assert_ptr_null(shk_ec_params(SHK_EC_NONE));
	ck_assert_ptr_null(shk_ec_params((enum shk_ec_curve)99));
	ck_assert_int_eq(shk_ec_point_check(SHK_EC_NONE, pt, sizeof(pt), &err), SHK_ERR_INVAL);
	ck_assert_int_eq(shk_ec_point_check((enum shk_ec_curve)-1, pt, sizeof(pt), NULL),
			 SHK_ERR_INVAL);
	ck_assert_int_eq(shk_ec_point_check(SHK_EC_P256, pt, sizeof(pt), NULL), SHK_ERR_PARSE);
}
END_TEST

/*
 * Points on the curve at the edges of the weak-key test: for x near 0,
 * near 2^(bits(n)/2), near n and near p, both roots y and p - y of
 * y^2 = x^3 - 3x + b when there are any.
 */
static void
on_curve_edges(enum shk_ec_curve c, struct tally *t)
{
	const struct shk_ec_params *cv = shk_ec_params(c);
	EC_GROUP *g = group_of(c);
	BN_CTX *ctx = BN_CTX_new();
	BIGNUM *p = BN_new(), *a = BN_new(), *b = BN_new(), *x = BN_new(), *y = BN_new();
	BIGNUM *rhs = BN_new(), *tmp = BN_new(), *base = BN_new();
	unsigned char pt[MAX_POINT];
	size_t fl = cv->fieldlen;
	int half, which, k;
	unsigned long found = 0;

	ck_assert_ptr_nonnull(ctx);
	ck_assert_ptr_nonnull(base);
	ck_assert_int_eq(EC_GROUP_get_curve(g, p, a, b, ctx), 1);
	half = BN_num_bits(EC_GROUP_get0_order(g)) / 2;
	for (which = 0; which < 6; which++) {
		switch (which) {
		case 0: /* small x */
			BN_zero(base);
			break;
		case 1: /* x of half the order's bits, and one bit more */
		case 2:
			BN_zero(base);
			ck_assert_int_eq(BN_set_bit(base, half - (which == 1)), 1);
			ck_assert_int_eq(BN_sub_word(base, 20), 1);
			break;
		case 3: /* around n - 1 */
			ck_assert_ptr_nonnull(BN_copy(base, EC_GROUP_get0_order(g)));
			ck_assert_int_eq(BN_sub_word(base, 20), 1);
			break;
		case 4: /* just below p */
			ck_assert_ptr_nonnull(BN_copy(base, p));
			ck_assert_int_eq(BN_sub_word(base, 40), 1);
			break;
		default: /* x whose top byte is zero */
			BN_zero(base);
			ck_assert_int_eq(BN_set_bit(base, (int)(8 * fl - 9)), 1);
			break;
		}
		for (k = 0; k < 40; k++) {
			ck_assert_ptr_nonnull(BN_copy(x, base));
			ck_assert_int_eq(BN_add_word(x, (BN_ULONG)k), 1);
			if (BN_cmp(x, p) >= 0)
				continue;
			/* rhs = x^3 + a x + b mod p */
			ck_assert_int_eq(BN_mod_sqr(tmp, x, p, ctx), 1);
			ck_assert_int_eq(BN_mod_add(tmp, tmp, a, p, ctx), 1);
			ck_assert_int_eq(BN_mod_mul(rhs, tmp, x, p, ctx), 1);
			ck_assert_int_eq(BN_mod_add(rhs, rhs, b, p, ctx), 1);
			if (BN_mod_sqrt(y, rhs, p, ctx) == NULL) {
				ERR_clear_error();
				continue;
			}
			pt[0] = 0x04;
			ck_assert(put_bn(x, pt + 1, fl));
			ck_assert(put_bn(y, pt + 1 + fl, fl));
			if (compare(c, pt, 1 + 2 * fl, t) == O_WEAK)
				t->on_curve_weak++;
			if (!BN_is_zero(y)) {
				ck_assert_int_eq(BN_sub(tmp, p, y), 1);
				ck_assert(put_bn(tmp, pt + 1 + fl, fl));
				if (compare(c, pt, 1 + 2 * fl, t) == O_WEAK)
					t->on_curve_weak++;
			}
			found++;
		}
	}
	ck_assert_uint_gt(found, 50);
	BN_free(p);
	BN_free(a);
	BN_free(b);
	BN_free(x);
	BN_free(y);
	BN_free(rhs);
	BN_free(tmp);
	BN_free(base);
	BN_CTX_free(ctx);
	EC_GROUP_free(g);
}

/* The values every coordinate is set to, in turn, for the edited points. */
static int
special_value(int i, EC_GROUP *g, const BIGNUM *p, size_t fl, BIGNUM *v)
{
	const BIGNUM *n = EC_GROUP_get0_order(g);
	int half = BN_num_bits(n) / 2;
	static const long offsets[] = {-2, -1, 0, 1};

	if (i < 8) { /* 0 .. 7 */
		BN_set_word(v, (BN_ULONG)i);
		return 1;
	}
	i -= 8;
	if (i < 4) { /* p - 2 .. p + 1 */
		BN_copy(v, p);
		goto offset;
	}
	i -= 4;
	if (i < 4) { /* n - 2 .. n + 1 */
		BN_copy(v, n);
		goto offset;
	}
	i -= 4;
	if (i < 4) { /* 2^half - 2 .. 2^half + 1: half bits, then half + 1 */
		BN_zero(v);
		BN_set_bit(v, half);
		goto offset;
	}
	i -= 4;
	if (i == 0) { /* all bits of the field's bytes set */
		BN_zero(v);
		BN_set_bit(v, (int)(8 * fl));
		BN_sub_word(v, 1);
		return 1;
	}
	return 0;
offset:
	if (offsets[i] < 0)
		BN_sub_word(v, (BN_ULONG)-offsets[i]);
	else
		BN_add_word(v, (BN_ULONG)offsets[i]);
	return 1;
}

START_TEST(test_against_openssl)
{
	enum shk_ec_curve c = curves[_i].c;
	const struct shk_ec_params *cv = shk_ec_params(c);
	static const unsigned char firsts[] = {0x00, 0x02, 0x03, 0x05, 0x06, 0x07, 0xff};
	unsigned char pt[MAX_BUF], ed[MAX_BUF];
	EC_GROUP *g = group_of(c);
	BN_CTX *ctx = BN_CTX_new();
	BIGNUM *p = BN_new(), *y = BN_new(), *v = BN_new();
	struct tally t;
	uint64_t rs = 0x9e3779b97f4a7c15ULL + (uint64_t)_i;
	size_t fl = cv->fieldlen, len, bit, j;
	int k, i, coord;

	memset(&t, 0, sizeof(t));
	ck_assert_ptr_nonnull(ctx);
	ck_assert_ptr_nonnull(v);
	ck_assert_int_eq(EC_GROUP_get_curve(g, p, NULL, NULL, ctx), 1);
	for (k = 0; k < REAL_KEYS; k++) {
		len = real_point(curves[_i].name, pt, sizeof(pt));
		ck_assert_uint_eq(len, 1 + 2 * fl);
		ck_assert_int_eq(compare(c, pt, len, &t), O_OK);

		/* One bit flipped in x or y (first byte kept). */
		memcpy(ed, pt, len);
		bit = (size_t)(next_rand(&rs) % (2 * fl * 8));
		ed[1 + bit / 8] ^= (unsigned char)(1u << (bit % 8));
		compare(c, ed, len, &t);

		/* (x, p - y) is on the curve too. */
		memcpy(ed, pt, len);
		ck_assert_ptr_nonnull(BN_bin2bn(pt + 1 + fl, (int)fl, y));
		ck_assert_int_eq(BN_sub(y, p, y), 1);
		ck_assert(put_bn(y, ed + 1 + fl, fl));
		compare(c, ed, len, &t);

		if (k >= EDIT_KEYS)
			continue;
		/* Every special value in x, then in y. */
		for (coord = 0; coord < 2; coord++)
			for (i = 0; special_value(i, g, p, fl, v); i++) {
				memcpy(ed, pt, len);
				if (put_bn(v, ed + 1 + coord * fl, fl))
					compare(c, ed, len, &t);
			}
		/* Wrong first bytes: compressed, hybrid, infinity, junk. */
		for (j = 0; j < SHK_ARRAY_SIZE(firsts); j++) {
			memcpy(ed, pt, len);
			ed[0] = firsts[j];
			compare(c, ed, len, &t);
			compare(c, ed, 1 + fl, &t);
			compare(c, ed, 1, &t);
		}
		/* Wrong lengths with the right first byte. */
		memcpy(ed, pt, len);
		ed[len] = 0;
		for (j = 0; j <= len + 1; j++)
			if (j != len)
				compare(c, ed, j, &t);
		/* The other curves' point sizes. */
		compare(c, ed, 65 <= len + 1 ? 65 : 1, &t);
		compare(c, ed, 97 <= len + 1 ? 97 : 1, &t);
		compare(c, ed, 133 <= len + 1 ? 133 : 1, &t);
	}
	/* The generator is a point like any other. */
	len = EC_POINT_point2oct(g, EC_GROUP_get0_generator(g), POINT_CONVERSION_UNCOMPRESSED,
				 pt, sizeof(pt), ctx);
	ck_assert_uint_eq(len, 1 + 2 * fl);
	compare(c, pt, len, &t);
	on_curve_edges(c, &t);

	/* Every outcome was reached, and the weak test on real curve points. */
	for (i = 0; i < O_COUNT; i++)
		ck_assert_msg(t.n[i] > 0, "curve %d: no \"%s\"", (int)c,
			      outcome_msgs[i] != NULL ? outcome_msgs[i] : "ok");
	ck_assert_uint_gt(t.on_curve_weak, 10);
	ck_assert_uint_ge(t.n[O_OK], 2 * REAL_KEYS);
	BN_free(p);
	BN_free(y);
	BN_free(v);
	BN_CTX_free(ctx);
	EC_GROUP_free(g);
}
END_TEST

/* The EC points of the ssh-keygen fixtures (the last or, for sk keys,
 * third string of the blob). */
static const struct {
	const char *file;
	enum shk_ec_curve c;
} fixtures[] = {
	{"ecdsa256.pub", SHK_EC_P256},
	{"ecdsa384.pub", SHK_EC_P384},
	{"ecdsa521.pub", SHK_EC_P521},
	{"sk-ecdsa.pub", SHK_EC_P256},
};

START_TEST(test_fixtures)
{
	char *buf = tu_slurp(KEYDIR, fixtures[_i].file, NULL), *b64;
	unsigned char blob[1024];
	size_t bloblen = 0, off = 0, n = 0;
	struct tally t;
	int field;

	memset(&t, 0, sizeof(t));
	b64 = strchr(buf, ' ');
	ck_assert_ptr_nonnull(b64);
	b64++;
	b64[strcspn(b64, " \n")] = '\0';
	ck_assert_int_eq(shk_b64_decode(b64, strlen(b64), blob, sizeof(blob), &bloblen),
			 SHK_OK);
	for (field = 0; field < 3; field++) {
		ck_assert_uint_le(off + 4, bloblen);
		n = (size_t)blob[off] << 24 | (size_t)blob[off + 1] << 16 |
		    (size_t)blob[off + 2] << 8 | blob[off + 3];
		off += 4;
		ck_assert_uint_le(n, bloblen - off);
		if (field < 2)
			off += n;
	}
	ck_assert_int_eq(compare(fixtures[_i].c, blob + off, n, &t), O_OK);
	free(buf);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("ecpoint");
	TCase *tc = tcase_create("ecpoint");

	/* Key generation under valgrind is slow. */
	tcase_set_timeout(tc, 600);
	tcase_add_loop_test(tc, test_constants, 0, SHK_ARRAY_SIZE(curves));
	tcase_add_test(tc, test_not_a_curve);
	tcase_add_loop_test(tc, test_against_openssl, 0, SHK_ARRAY_SIZE(curves));
	tcase_add_loop_test(tc, test_fixtures, 0, SHK_ARRAY_SIZE(fixtures));
	suite_add_tcase(s, tc);
	return tu_run(s);
}
