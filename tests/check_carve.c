/* SPDX-License-Identifier: MIT */
#include "config.h"

#include <check.h>
#include <stdint.h>
#include <stdlib.h>

#include "carve.h"
#include "testutil.h"

START_TEST(test_carve_fits_and_aligns)
{
	char buf[64];
	struct shk_carve c;
	char *s;
	uint64_t *p;

	shk_carve_init(&c, buf, sizeof(buf));
	s = shk_carve_strndup(&c, "abc", 3);
	ck_assert_ptr_nonnull(s);
	ck_assert_str_eq(s, "abc");
	p = shk_carve_alloc(&c, sizeof(*p), _Alignof(uint64_t));
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq((uintptr_t)p % _Alignof(uint64_t), 0);
	ck_assert_int_eq(c.overflow, 0);
}
END_TEST

START_TEST(test_carve_overflow_sticks)
{
	char buf[8];
	struct shk_carve c;

	shk_carve_init(&c, buf, sizeof(buf));
	ck_assert_ptr_null(shk_carve_strndup(&c, "0123456789", 10));
	ck_assert_int_eq(c.overflow, 1);
	/* Once over, even a small request fails, so a module cannot return a
	 * result with holes in it. */
	ck_assert_ptr_null(shk_carve_alloc(&c, 1, 1));
}
END_TEST

START_TEST(test_carve_null_buffer)
{
	struct shk_carve c;

	shk_carve_init(&c, NULL, 100);
	ck_assert_ptr_null(shk_carve_alloc(&c, 1, 1));
	ck_assert_int_eq(c.overflow, 1);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("carve");
	TCase *tc = tcase_create("carve");

	tcase_add_test(tc, test_carve_fits_and_aligns);
	tcase_add_test(tc, test_carve_overflow_sticks);
	tcase_add_test(tc, test_carve_null_buffer);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
