/* SPDX-License-Identifier: MIT */
/* Fingerprints (fingerprint.c) and the public key API (api_key.c). */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "digest.h"
#include "fingerprint.h"
#include "key.h"
#include "shk.h"
#include "testutil.h"

#define KEYDIR TESTDATADIR "/keys/"

/* draft-huima-babble-01 vectors. */
static const struct {
	const char *in, *out;
} babble_spec[] = {
	{"", "xexax"},
	{"1234567890", "xesef-disof-gytuf-katof-movif-baxux"},
	{"Pineapple", "xigak-nyryk-humil-bosek-sonax"},
};

START_TEST(test_babble_spec)
{
	char out[128];
	size_t n = shk_bubblebabble((const unsigned char *)babble_spec[_i].in,
				    strlen(babble_spec[_i].in), out, sizeof(out));

	ck_assert_uint_eq(n, strlen(babble_spec[_i].out));
	ck_assert_str_eq(out, babble_spec[_i].out);
}
END_TEST

/* OpenSSH regress/unittests/sshkey/testdata *.fp.bb: SHA-1 of the blob. */
static const struct {
	const char *sha1hex, *out;
} babble_ossh[] = {
	{"c3ab99201a79403a563447579004063a36245ca3",
	 "xubop-rekyd-bakal-nubuf-pahaf-gicuh-logeb-gocif-petod-galip-fuxux"},
	{"b2c3ca2e75d2418b381b48f9ed3e749678c55cc4",
	 "xosis-fodod-votot-dibum-ryvac-rediz-naruf-votun-kevis-halis-gexux"},
	{"405e879c5290d79b3b85d15726527fbef4324c28",
	 "xibah-vocun-sogyn-byhen-rivem-hegyh-luneh-dozyr-vatyf-dufid-myxyx"},
};

START_TEST(test_babble_openssh)
{
	unsigned char d[SHK_SHA1_LEN];
	char out[SHK_FP_MAX];
	unsigned int v;
	size_t i;

	for (i = 0; i < SHK_SHA1_LEN; i++) {
		ck_assert_int_eq(sscanf(babble_ossh[_i].sha1hex + 2 * i, "%2x", &v), 1);
		d[i] = (unsigned char)v;
	}
	ck_assert_uint_eq(shk_bubblebabble(d, sizeof(d), out, sizeof(out)), 65);
	ck_assert_str_eq(out, babble_ossh[_i].out);
}
END_TEST

START_TEST(test_babble_small)
{
	char out[6];

	/* 1234567890 needs 6 * 6 bytes. */
	ck_assert_uint_eq(shk_bubblebabble((const unsigned char *)"1234567890", 10, out,
					   sizeof(out)),
			  0);
	ck_assert_uint_eq(shk_bubblebabble((const unsigned char *)"", 0, out, sizeof(out)), 5);
}
END_TEST

/* Fixtures with ssh-keygen's -l -E sha256, -l -E md5 and -B outputs. */
static const char *fp_files[] = {"rsa",	     "rsa1024",	    "dsa",	     "ecdsa256",
				 "ecdsa384", "ecdsa521",    "ed25519",	     "ed25519-cert",
				 "sk-ecdsa", "sk-ed25519", "rsa-zeros"};
static const struct {
	const char *suffix;
	enum shk_fp_kind kind;
} fp_kinds[] = {
	{"l-sha256", SHK_FP_SHA256},
	{"l-md5", SHK_FP_MD5},
	{"B", SHK_FP_BUBBLEBABBLE},
};

/* The second word of ssh-keygen's line. */
static char *
ref_fp(const char *base, const char *suffix)
{
	char name[128], *buf, *fp;

	snprintf(name, sizeof(name), "%s.%s", base, suffix);
	buf = tu_slurp(KEYDIR, name, NULL);
	fp = strchr(buf, ' ');
	ck_assert_ptr_nonnull(fp);
	fp++;
	fp[strcspn(fp, " ")] = '\0';
	fp = strdup(fp);
	free(buf);
	return fp;
}

START_TEST(test_like_ssh_keygen)
{
	const char *base = fp_files[_i / SHK_ARRAY_SIZE(fp_kinds)];
	int kind = _i % (int)SHK_ARRAY_SIZE(fp_kinds);
	char name[128], *pub, *want, *got = NULL, buf[SHK_FP_MAX];
	struct shk_key *k = NULL;

	snprintf(name, sizeof(name), "%s.pub", base);
	pub = tu_slurp(KEYDIR, name, NULL);
	want = ref_fp(base, fp_kinds[kind].suffix);
	/* The public API path. */
	ck_assert_int_eq(shk_key_parse(pub, strlen(pub), &k), SHK_OK);
	ck_assert_int_eq(shk_key_fingerprint(k, fp_kinds[kind].kind, &got), SHK_OK);
	ck_assert_str_eq(got, want);
	/* The internal one, with the buffer size the header promises. */
	ck_assert_int_eq(shk_fingerprint_blob(k->blob, k->bloblen, fp_kinds[kind].kind, buf,
					      sizeof(buf)),
			 SHK_OK);
	ck_assert_str_eq(buf, want);
	free(got);
	free(want);
	free(pub);
	shk_key_free(k);
}
END_TEST

START_TEST(test_bits)
{
	char name[128], *pub, *ref;
	struct shk_key *k = NULL;

	snprintf(name, sizeof(name), "%s.pub", fp_files[_i]);
	pub = tu_slurp(KEYDIR, name, NULL);
	snprintf(name, sizeof(name), "%s.l-sha256", fp_files[_i]);
	ref = tu_slurp(KEYDIR, name, NULL);
	ck_assert_int_eq(shk_key_parse(pub, strlen(pub), &k), SHK_OK);
	ck_assert_uint_eq(shk_key_bits(k), strtoul(ref, NULL, 10));
	shk_key_free(k);
	free(pub);
	free(ref);
}
END_TEST

START_TEST(test_small_buffers)
{
	static const unsigned char blob[] = "\0\0\0\x01x";
	char buf[SHK_FP_MAX];

	ck_assert_int_eq(shk_fingerprint_blob(blob, 5, SHK_FP_SHA256, buf, 50), SHK_ERR_RANGE);
	ck_assert_int_eq(shk_fingerprint_blob(blob, 5, SHK_FP_SHA256, buf, 51), SHK_OK);
	ck_assert_uint_eq(strlen(buf), 50);
	ck_assert_int_eq(shk_fingerprint_blob(blob, 5, SHK_FP_MD5, buf, 51), SHK_ERR_RANGE);
	ck_assert_int_eq(shk_fingerprint_blob(blob, 5, SHK_FP_MD5, buf, 52), SHK_OK);
	ck_assert_uint_eq(strlen(buf), 51);
	ck_assert_int_eq(shk_fingerprint_blob(blob, 5, SHK_FP_BUBBLEBABBLE, buf, 65),
			 SHK_ERR_RANGE);
	ck_assert_int_eq(shk_fingerprint_blob(blob, 5, SHK_FP_BUBBLEBABBLE, buf, 66), SHK_OK);
	ck_assert_int_eq(shk_fingerprint_blob(blob, 5, (enum shk_fp_kind)9, buf, sizeof(buf)),
			 SHK_ERR_INVAL);
}
END_TEST

static int nlogs;

static void
count_log(void *arg, const struct shk_diag *d)
{
	(void)arg;
	ck_assert_ptr_nonnull(d->file);
	nlogs++;
}

START_TEST(test_load_file)
{
	struct shk_key **keys = NULL;
	size_t n = 0;
	char *got = NULL;

	nlogs = 0;
	ck_assert_int_eq(shk_key_load_file(KEYDIR "mixed.keys", count_log, NULL, &keys, &n),
			 SHK_OK);
	ck_assert_uint_eq(n, 4);
	ck_assert_int_eq(nlogs, 4);
	ck_assert_str_eq(keys[1]->type, "ssh-rsa");
	ck_assert_uint_eq(shk_key_bits(keys[1]), 3072);
	ck_assert_int_eq(shk_key_fingerprint(keys[0], SHK_FP_SHA256, &got), SHK_OK);
	ck_assert(strncmp(got, "SHA256:", 7) == 0);
	free(got);
	shk_key_array_free(keys, n);

	nlogs = 0;
	ck_assert_int_eq(shk_key_load_file(KEYDIR "bad.pub", count_log, NULL, &keys, &n),
			 SHK_ERR_NOTFOUND);
	ck_assert_ptr_null(keys);
	ck_assert_uint_eq(n, 0);
	ck_assert_int_eq(nlogs, 13); /* 12 bad keys + "no public key" */
	ck_assert_int_eq(shk_key_load_file(KEYDIR "no-such-file", NULL, NULL, &keys, &n),
			 SHK_ERR_NOTFOUND);
	ck_assert_int_eq(shk_key_load_file(KEYDIR, NULL, NULL, &keys, &n), SHK_ERR_INVAL);
	shk_key_array_free(NULL, 0);
}
END_TEST

START_TEST(test_api_args)
{
	struct shk_key *k = NULL;
	char *out = NULL;

	ck_assert_int_eq(shk_key_parse(NULL, 0, &k), SHK_ERR_INVAL);
	ck_assert_int_eq(shk_key_parse("ssh-ed25519 AAAA", 16, &k), SHK_ERR_PARSE);
	ck_assert_ptr_null(k);
	ck_assert_int_eq(shk_key_fingerprint(NULL, SHK_FP_SHA256, &out), SHK_ERR_INVAL);
	ck_assert_ptr_null(out);
	ck_assert_uint_eq(shk_key_bits(NULL), 0);
}
END_TEST

/* A key made from its wire blob equals the one parsed from its text,
 * for every type (a certificate too); a bad blob is refused. */
START_TEST(test_from_blob)
{
	char name[128], *pub;
	struct shk_key *k = NULL, *b = NULL;
	unsigned char *bad;

	snprintf(name, sizeof(name), "%s.pub", fp_files[_i]);
	pub = tu_slurp(KEYDIR, name, NULL);
	ck_assert_int_eq(shk_key_parse(pub, strlen(pub), &k), SHK_OK);
	ck_assert_int_eq(shk_key_from_blob(k->blob, k->bloblen, &b), SHK_OK);
	ck_assert_str_eq(b->type, k->type);
	ck_assert_uint_eq(b->bloblen, k->bloblen);
	ck_assert(memcmp(b->blob, k->blob, k->bloblen) == 0);
	ck_assert_ptr_null(b->comment);
	ck_assert_uint_eq(shk_key_bits(b), shk_key_bits(k));
	shk_key_free(b);
	b = NULL;
	/* One byte short, one byte too many: both refused. */
	ck_assert_int_eq(shk_key_from_blob(k->blob, k->bloblen - 1, &b), SHK_ERR_PARSE);
	ck_assert_ptr_null(b);
	bad = malloc(k->bloblen + 1);
	memcpy(bad, k->blob, k->bloblen);
	bad[k->bloblen] = 0;
	ck_assert_int_eq(shk_key_from_blob(bad, k->bloblen + 1, &b), SHK_ERR_PARSE);
	ck_assert_ptr_null(b);
	free(bad);
	shk_key_free(k);
	free(pub);
}
END_TEST

START_TEST(test_from_blob_args)
{
	static const unsigned char opaque[] = "\0\0\0\x0bx-opaque@ex\0\0\0\x01z";
	static const unsigned char notype[] = "\0\0\0\x02 x";
	struct shk_key *k = NULL;

	ck_assert_int_eq(shk_key_from_blob(NULL, 4, &k), SHK_ERR_INVAL);
	ck_assert_int_eq(shk_key_from_blob(opaque, 3, NULL), SHK_ERR_INVAL);
	ck_assert_int_eq(shk_key_from_blob(opaque, 3, &k), SHK_ERR_PARSE);
	ck_assert_int_eq(shk_key_from_blob(notype, sizeof(notype) - 1, &k), SHK_ERR_PARSE);
	ck_assert_ptr_null(k);
	/* Unknown types are kept as opaque blobs, as shk_key_parse keeps them. */
	ck_assert_int_eq(shk_key_from_blob(opaque, sizeof(opaque) - 1, &k), SHK_OK);
	ck_assert_str_eq(k->type, "x-opaque@ex");
	ck_assert_uint_eq(shk_key_bits(k), 0);
	shk_key_free(k);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("fingerprint");
	TCase *tc = tcase_create("fingerprint");

	tcase_add_loop_test(tc, test_babble_spec, 0, SHK_ARRAY_SIZE(babble_spec));
	tcase_add_loop_test(tc, test_babble_openssh, 0, SHK_ARRAY_SIZE(babble_ossh));
	tcase_add_test(tc, test_babble_small);
	tcase_add_loop_test(tc, test_like_ssh_keygen, 0,
			    SHK_ARRAY_SIZE(fp_files) * SHK_ARRAY_SIZE(fp_kinds));
	tcase_add_loop_test(tc, test_bits, 0, SHK_ARRAY_SIZE(fp_files));
	tcase_add_test(tc, test_small_buffers);
	tcase_add_test(tc, test_load_file);
	tcase_add_test(tc, test_api_args);
	tcase_add_loop_test(tc, test_from_blob, 0, SHK_ARRAY_SIZE(fp_files));
	tcase_add_test(tc, test_from_blob_args);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
