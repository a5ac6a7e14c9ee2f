/* SPDX-License-Identifier: MIT */
#include "config.h"

#include <check.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shk.h"
#include "ssh2name.h"
#include "testutil.h"

/* Salt = bytes 00..1f; names checked with
 * printf %s "22:alpha" | openssl dgst -sha256 -mac HMAC -macopt hexkey:0001..1f */
static const struct {
	unsigned int port;
	const char *host, *name;
} hashed_vectors[] = {
	{22, "alpha.example.com",
	 "keys_aef40c80e9d5ae333c70320601cdea78aa7f49c80891cabca7e3e85c22757f6a"},
	{22, "alpha", "keys_3e5bc20e2114caaba4319769abaf478b24bcec4e37f31b6278bb95e0859917fe"},
	{22, "10.1.54.1",
	 "keys_529e99827322584e37af263e5e24937754e3db80357144cbe5875ad8de83edb5"},
	{222, "alpha.example.com",
	 "keys_e23c496a0488fca25a91d55a66f362eccce6ac1829d5d87955a55cfdebb8a7b6"},
	{22, "fe80::1", "keys_50aebf9cde03f680c3637493c11c957497375830bcad350927bd859c18688b14"},
};

static void
test_salt(unsigned char salt[SHK_SSH2_SALT_LEN])
{
	int i;

	for (i = 0; i < SHK_SSH2_SALT_LEN; i++)
		salt[i] = (unsigned char)i;
}

START_TEST(test_hashed_vectors)
{
	unsigned char salt[SHK_SSH2_SALT_LEN];
	char name[SHK_SSH2_HASHED_NAME_MAX];

	test_salt(salt);
	ck_assert_int_eq(shk_ssh2_hashed_name(salt, hashed_vectors[_i].host,
					      hashed_vectors[_i].port, name, sizeof(name)),
			 SHK_OK);
	ck_assert_str_eq(name, hashed_vectors[_i].name);
	ck_assert_int_eq(shk_ssh2_classify(name, NULL, NULL, 0), SHK_SSH2_HASHED);
}
END_TEST

START_TEST(test_hashed_small_buffer)
{
	unsigned char salt[SHK_SSH2_SALT_LEN];
	char name[SHK_SSH2_HASHED_NAME_MAX - 1];

	test_salt(salt);
	ck_assert_int_eq(shk_ssh2_hashed_name(salt, "alpha", 22, name, sizeof(name)),
			 SHK_ERR_RANGE);
}
END_TEST

static const struct {
	const char *text;
	int ok;
} salts[] = {
	{"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n", 1},
	{"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f", 1},
	{"000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F\r\n", 1},
	{"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f \t\n\n", 1},
	{"", 0},
	{"\n", 0},
	{"000102030405060708090a0b0c0d0e0f\n", 0},					  /* short */
	{"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f00\n", 0}, /* long */
	{"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1g\n", 0}, /* not hex */
	{" 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n", 0},
	{"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\nxx\n", 0},
	{"00010203040506070809 0a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n", 0},
};

START_TEST(test_salt_parse)
{
	unsigned char salt[SHK_SSH2_SALT_LEN], want[SHK_SSH2_SALT_LEN];
	struct shk_error err;
	const char *t = salts[_i].text;
	int r;

	memset(&err, 0, sizeof(err));
	test_salt(want);
	r = shk_ssh2_salt_parse(t, strlen(t), salt, &err);
	if (salts[_i].ok) {
		ck_assert_int_eq(r, SHK_OK);
		ck_assert(memcmp(salt, want, sizeof(want)) == 0);
	} else {
		ck_assert_int_eq(r, SHK_ERR_PARSE);
		ck_assert_int_eq(err.code, SHK_ERR_PARSE);
		ck_assert(err.msg[0] != '\0');
	}
}
END_TEST

START_TEST(test_salt_reasons)
{
	unsigned char salt[SHK_SSH2_SALT_LEN];
	struct shk_error err;

	ck_assert_int_eq(shk_ssh2_salt_parse("", 0, salt, &err), SHK_ERR_PARSE);
	ck_assert_ptr_nonnull(strstr(err.msg, "empty"));
	ck_assert_int_eq(shk_ssh2_salt_parse("0a0b\n", 5, salt, &err), SHK_ERR_PARSE);
	ck_assert_ptr_nonnull(strstr(err.msg, "4 hex digits"));
	ck_assert_int_eq(shk_ssh2_salt_parse("zz", 2, salt, &err), SHK_ERR_PARSE);
	ck_assert_ptr_nonnull(strstr(err.msg, "not hex"));
}
END_TEST

START_TEST(test_salt_format_roundtrip)
{
	unsigned char salt[SHK_SSH2_SALT_LEN], back[SHK_SSH2_SALT_LEN];
	char text[66];

	test_salt(salt);
	shk_ssh2_salt_format(salt, text);
	ck_assert_str_eq(text,
			 "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n");
	ck_assert_int_eq(shk_ssh2_salt_parse(text, strlen(text), back, NULL), SHK_OK);
	ck_assert(memcmp(salt, back, sizeof(salt)) == 0);
}
END_TEST

static const struct {
	const char *host;
	unsigned int port;
	const char *name;
} plain_vectors[] = {
	{"alpha.example.com", 22, "key_22_alpha.example.com.pub"},
	{"alpha", 222, "key_222_alpha.pub"},
	{"10.1.54.1", 65535, "key_65535_10.1.54.1.pub"},
	{"fe80::1", 22, "key_22_fe80::1.pub"},
	{"under_score.example", 1, "key_1_under_score.example.pub"},
};

START_TEST(test_plain_name)
{
	char name[SHK_SSH2_PLAIN_NAME_MAX], host[256];
	unsigned int port = 0;

	ck_assert_int_eq(shk_ssh2_plain_name(plain_vectors[_i].host, plain_vectors[_i].port,
					     name, sizeof(name)),
			 SHK_OK);
	ck_assert_str_eq(name, plain_vectors[_i].name);
	ck_assert_int_eq(shk_ssh2_classify(name, &port, host, sizeof(host)), SHK_SSH2_PLAIN);
	ck_assert_uint_eq(port, plain_vectors[_i].port);
	ck_assert_str_eq(host, plain_vectors[_i].host);
}
END_TEST

static const struct {
	const char *host;
	unsigned int port;
	int want;
} bad_hosts[] = {
	{"", 22, SHK_ERR_INVAL},      {".", 22, SHK_ERR_INVAL},   {"..", 22, SHK_ERR_INVAL},
	{"a/b", 22, SHK_ERR_INVAL},   {"../etc", 22, SHK_ERR_INVAL}, {"alpha", 0, SHK_ERR_INVAL},
	{"alpha", 65536, SHK_ERR_INVAL},
};

START_TEST(test_bad_hosts)
{
	unsigned char salt[SHK_SSH2_SALT_LEN];
	char name[SHK_SSH2_PLAIN_NAME_MAX];

	test_salt(salt);
	ck_assert_int_eq(shk_ssh2_plain_name(bad_hosts[_i].host, bad_hosts[_i].port, name,
					     sizeof(name)),
			 bad_hosts[_i].want);
	ck_assert_int_eq(shk_ssh2_hashed_name(salt, bad_hosts[_i].host, bad_hosts[_i].port,
					      name, sizeof(name)),
			 bad_hosts[_i].want);
}
END_TEST

START_TEST(test_names_too_long)
{
	unsigned char salt[SHK_SSH2_SALT_LEN];
	char host[300], name[SHK_SSH2_PLAIN_NAME_MAX + 64], back[256];
	unsigned int port;

	test_salt(salt);
	/* SHK_HOST_MAX bytes: the longest host fits the largest name, and
	 * that name fits a directory entry (NAME_MAX). */
	memset(host, 'a', SHK_HOST_MAX);
	host[SHK_HOST_MAX] = '\0';
	ck_assert_int_eq(shk_ssh2_plain_name(host, 65535, name, SHK_SSH2_PLAIN_NAME_MAX),
			 SHK_OK);
	ck_assert_uint_eq(strlen(name), SHK_SSH2_PLAIN_NAME_MAX - 1);
	ck_assert_uint_le(strlen(name), NAME_MAX);
	ck_assert_int_eq(shk_ssh2_classify(name, &port, back, sizeof(back)), SHK_SSH2_PLAIN);
	/* ...but not in a buffer one byte short. */
	ck_assert_int_eq(shk_ssh2_plain_name(host, 65535, name, SHK_SSH2_PLAIN_NAME_MAX - 1),
			 SHK_ERR_RANGE);
	/* A host buffer too small to return the host refuses the name. */
	ck_assert_int_eq(shk_ssh2_classify(name, &port, back, SHK_HOST_MAX), SHK_SSH2_OTHER);
	/* One byte more is no host at all (these names used to pass here
	 * and then fail with "File name too long"). */
	memset(host, 'a', SHK_HOST_MAX + 1);
	host[SHK_HOST_MAX + 1] = '\0';
	ck_assert_int_eq(shk_ssh2_plain_name(host, 22, name, sizeof(name)), SHK_ERR_RANGE);
	ck_assert_int_eq(shk_ssh2_hashed_name(salt, host, 22, name, sizeof(name)),
			 SHK_ERR_RANGE);
	snprintf(name, sizeof(name), "key_22_%s.pub", host);
	ck_assert_int_eq(shk_ssh2_classify(name, &port, NULL, 0), SHK_SSH2_OTHER);
}
END_TEST

static const struct {
	const char *name;
	enum shk_ssh2_kind kind;
	unsigned int port;
	const char *host;
} classify_vectors[] = {
	{"salt", SHK_SSH2_SALT, 0, NULL},
	{"key_22_fe80::1.pub", SHK_SSH2_PLAIN, 22, "fe80::1"},
	{"key_2222_2001:db8::5.pub", SHK_SSH2_PLAIN, 2222, "2001:db8::5"},
	{"key_22_fe80::1%eth0.pub", SHK_SSH2_PLAIN, 22, "fe80::1%eth0"},
	{"key_22_alpha.pub.pub", SHK_SSH2_PLAIN, 22, "alpha.pub"},
	{"key_22_a_b.pub", SHK_SSH2_PLAIN, 22, "a_b"},
	{"keys_182166d2efe5a134d3fb948646e0b48f780bff6c", SHK_SSH2_TECTIA, 0, NULL},
	{"keys_aef40c80e9d5ae333c70320601cdea78aa7f49c80891cabca7e3e85c22757f6a",
	 SHK_SSH2_HASHED, 0, NULL},
	{"keys_AEF40C80E9D5AE333C70320601CDEA78AA7F49C80891CABCA7E3E85C22757F6A",
	 SHK_SSH2_OTHER, 0, NULL},
	{"keys_aef40c80e9d5ae333c70320601cdea78aa7f49c80891cabca7e3e85c22757f6", SHK_SSH2_OTHER,
	 0, NULL},
	{"keys_182166d2efe5a134d3fb948646e0b48f780bff6g", SHK_SSH2_OTHER, 0, NULL},
	{"keys_", SHK_SSH2_OTHER, 0, NULL},
	{"key_22_.pub", SHK_SSH2_OTHER, 0, NULL},
	{"key_22_..pub", SHK_SSH2_OTHER, 0, NULL},
	{"key_22_...pub", SHK_SSH2_OTHER, 0, NULL},
	{"key_022_alpha.pub", SHK_SSH2_OTHER, 0, NULL},
	{"key_0_alpha.pub", SHK_SSH2_OTHER, 0, NULL},
	{"key_65536_alpha.pub", SHK_SSH2_OTHER, 0, NULL},
	{"key_99999999999999999999_alpha.pub", SHK_SSH2_OTHER, 0, NULL},
	{"key__alpha.pub", SHK_SSH2_OTHER, 0, NULL},
	{"key_22alpha.pub", SHK_SSH2_OTHER, 0, NULL},
	{"key_22_alpha", SHK_SSH2_OTHER, 0, NULL},
	{"key_22_alpha.PUB", SHK_SSH2_OTHER, 0, NULL},
	{"key_22.pub", SHK_SSH2_OTHER, 0, NULL},
	{"salt.old", SHK_SSH2_OTHER, 0, NULL},
	{"known_hosts", SHK_SSH2_OTHER, 0, NULL},
	{"", SHK_SSH2_OTHER, 0, NULL},
};

START_TEST(test_classify)
{
	char host[256] = "";
	unsigned int port = 0;

	ck_assert_int_eq(shk_ssh2_classify(classify_vectors[_i].name, &port, host, sizeof(host)),
			 classify_vectors[_i].kind);
	if (classify_vectors[_i].kind == SHK_SSH2_PLAIN) {
		ck_assert_uint_eq(port, classify_vectors[_i].port);
		ck_assert_str_eq(host, classify_vectors[_i].host);
	}
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("ssh2name");
	TCase *tc = tcase_create("ssh2name");

	tcase_add_loop_test(tc, test_hashed_vectors, 0, SHK_ARRAY_SIZE(hashed_vectors));
	tcase_add_test(tc, test_hashed_small_buffer);
	tcase_add_loop_test(tc, test_salt_parse, 0, SHK_ARRAY_SIZE(salts));
	tcase_add_test(tc, test_salt_reasons);
	tcase_add_test(tc, test_salt_format_roundtrip);
	tcase_add_loop_test(tc, test_plain_name, 0, SHK_ARRAY_SIZE(plain_vectors));
	tcase_add_loop_test(tc, test_bad_hosts, 0, SHK_ARRAY_SIZE(bad_hosts));
	tcase_add_test(tc, test_names_too_long);
	tcase_add_loop_test(tc, test_classify, 0, SHK_ARRAY_SIZE(classify_vectors));
	suite_add_tcase(s, tc);
	return tu_run(s);
}
