/* SPDX-License-Identifier: MIT */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "base64.h"
#include "shk.h"
#include "testutil.h"

/* RFC 4648 section 10 vectors. */
static const struct {
	const char *plain, *b64;
} vectors[] = {
	{"", ""},	  {"f", "Zg=="},	 {"fo", "Zm8="},	{"foo", "Zm9v"},
	{"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"},
};

START_TEST(test_encode_vectors)
{
	char out[64];
	size_t n = shk_b64_encode((const unsigned char *)vectors[_i].plain,
				  strlen(vectors[_i].plain), out, sizeof(out), 1);

	ck_assert_uint_eq(n, strlen(vectors[_i].b64));
	ck_assert_str_eq(out, vectors[_i].b64);
}
END_TEST

START_TEST(test_decode_vectors)
{
	unsigned char out[64];
	size_t n = 99;

	ck_assert_int_eq(shk_b64_decode(vectors[_i].b64, strlen(vectors[_i].b64), out,
					sizeof(out), &n),
			 SHK_OK);
	ck_assert_uint_eq(n, strlen(vectors[_i].plain));
	ck_assert(memcmp(out, vectors[_i].plain, n) == 0);
}
END_TEST

START_TEST(test_decode_unpadded)
{
	unsigned char out[8];
	size_t n;

	ck_assert_int_eq(shk_b64_decode("Zm9vYg", 6, out, sizeof(out), &n), SHK_OK);
	ck_assert_uint_eq(n, 4);
	ck_assert(memcmp(out, "foob", 4) == 0);
}
END_TEST

START_TEST(test_encode_unpadded)
{
	char out[16];

	ck_assert_uint_eq(shk_b64_encode((const unsigned char *)"foob", 4, out, sizeof(out), 0),
			  6);
	ck_assert_str_eq(out, "Zm9vYg");
}
END_TEST

static const char *bad_inputs[] = {
	"Zm9v!",   /* bad character */
	"Zm9 v",   /* white space inside */
	"Z",	   /* impossible length */
	"Zm9vY===", /* three pads */
	"Zg=",	   /* padding but not a multiple of 4 */
	"Zh==",	   /* non-zero trailing bits */
	"Zg==Zg==", /* padding in the middle */
};

START_TEST(test_decode_rejects)
{
	unsigned char out[16];
	size_t n;
	const char *in = bad_inputs[_i];

	ck_assert_int_eq(shk_b64_decode(in, strlen(in), out, sizeof(out), &n), SHK_ERR_PARSE);
}
END_TEST

START_TEST(test_decode_small_buffer)
{
	unsigned char out[2];
	size_t n;

	ck_assert_int_eq(shk_b64_decode("Zm9v", 4, out, sizeof(out), &n), SHK_ERR_RANGE);
}
END_TEST

START_TEST(test_encode_small_buffer)
{
	char out[4];

	ck_assert_uint_eq(shk_b64_encode((const unsigned char *)"foo", 3, out, sizeof(out), 1),
			  0);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("base64");
	TCase *tc = tcase_create("base64");

	tcase_add_loop_test(tc, test_encode_vectors, 0, SHK_ARRAY_SIZE(vectors));
	tcase_add_loop_test(tc, test_decode_vectors, 0, SHK_ARRAY_SIZE(vectors));
	tcase_add_test(tc, test_decode_unpadded);
	tcase_add_test(tc, test_encode_unpadded);
	tcase_add_loop_test(tc, test_decode_rejects, 0, SHK_ARRAY_SIZE(bad_inputs));
	tcase_add_test(tc, test_decode_small_buffer);
	tcase_add_test(tc, test_encode_small_buffer);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
