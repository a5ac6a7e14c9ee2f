/* SPDX-License-Identifier: MIT */
#include "config.h"

#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base64.h"
#include "key.h"
#include "shk.h"
#include "testutil.h"

#define KEYDIR TESTDATADIR "/keys/"

/* Good keys: ssh-keygen -l's bits, label and comment for each. */
static const struct {
	const char *file;
	const char *type;
	enum shk_keytype kt;
} good[] = {
	{"rsa", "ssh-rsa", SHK_KT_RSA},
	{"rsa1024", "ssh-rsa", SHK_KT_RSA},
	{"dsa", "ssh-dss", SHK_KT_DSA},
	{"ecdsa256", "ecdsa-sha2-nistp256", SHK_KT_ECDSA_P256},
	{"ecdsa384", "ecdsa-sha2-nistp384", SHK_KT_ECDSA_P384},
	{"ecdsa521", "ecdsa-sha2-nistp521", SHK_KT_ECDSA_P521},
	{"ed25519", "ssh-ed25519", SHK_KT_ED25519},
	{"ed25519-cert", "ssh-ed25519-cert-v01@openssh.com", SHK_KT_CERT},
	{"sk-ecdsa", "sk-ecdsa-sha2-nistp256@openssh.com", SHK_KT_SK_ECDSA},
	{"sk-ed25519", "sk-ssh-ed25519@openssh.com", SHK_KT_SK_ED25519},
	{"rsa-zeros", "ssh-rsa", SHK_KT_RSA},
};

START_TEST(test_good_keys)
{
	char name[128], *pub, *ref, *label, *end;
	struct shk_key *k = NULL;
	struct shk_error err;
	unsigned int bits = 0;
	size_t publen;
	unsigned long want_bits;

	snprintf(name, sizeof(name), "%s.pub", good[_i].file);
	pub = tu_slurp(KEYDIR, name, &publen);
	snprintf(name, sizeof(name), "%s.l-sha256", good[_i].file);
	ref = tu_slurp(KEYDIR, name, NULL);
	memset(&err, 0, sizeof(err));
	ck_assert_msg(shk_key_from_line(pub, publen, &k, &err) == SHK_OK, "%s: %s",
		      good[_i].file, err.msg);
	ck_assert_str_eq(k->type, good[_i].type);
	ck_assert_int_eq(shk_keytype_from_name(k->type, strlen(k->type)), good[_i].kt);
	ck_assert_int_eq(shk_key_check_blob(k->type, strlen(k->type), k->blob, k->bloblen,
					    &bits, &err),
			 SHK_OK);
	/* ssh-keygen -l: "<bits> <fp> <comment> (<LABEL>)". */
	want_bits = strtoul(ref, NULL, 10);
	ck_assert_uint_eq(bits, want_bits);
	label = strrchr(ref, '(');
	ck_assert_ptr_nonnull(label);
	end = strchr(label, ')');
	ck_assert_ptr_nonnull(end);
	*end = '\0';
	ck_assert_str_eq(shk_keytype_label(k->type, strlen(k->type)), label + 1);
	if (strstr(ref, " no comment (") != NULL)
		ck_assert_ptr_null(k->comment);
	else
		ck_assert_ptr_nonnull(strstr(ref, k->comment));
	shk_key_free(k);
	free(pub);
	free(ref);
}
END_TEST

/* bad.pub: "# reason" then the key, in this order. */
static const char *bad_reasons[] = {
	"truncated ed25519 key",
	"key blob is of type \"ssh-rsa\", not \"ssh-ed25519\"",
	"EC point is not on the curve",
	"curve \"nistp384\" does not match",
	"EC point is not uncompressed",
	"1 trailing bytes",
	"ed25519 key has 31 bytes",
	"RSA modulus is negative",
	"weak RSA key: modulus has 1008 bits",
	"RSA exponent is zero",
	"truncated security key application",
	"key blob is of type \"x-other@example.com\"",
};

START_TEST(test_bad_keys)
{
	char *buf = tu_slurp(KEYDIR, "bad.pub", NULL), *line, *save = NULL;
	struct shk_key *k;
	struct shk_error err;
	size_t seen = 0;

	for (line = strtok_r(buf, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save)) {
		if (line[0] == '#')
			continue;
		ck_assert_uint_lt(seen, SHK_ARRAY_SIZE(bad_reasons));
		memset(&err, 0, sizeof(err));
		k = (struct shk_key *)&err; /* must be reset to NULL */
		ck_assert_int_eq(shk_key_from_line(line, strlen(line), &k, &err), SHK_ERR_PARSE);
		ck_assert_ptr_null(k);
		ck_assert_int_eq(err.code, SHK_ERR_PARSE);
		ck_assert_msg(strstr(err.msg, bad_reasons[seen]) != NULL, "got \"%s\", want \"%s\"",
			      err.msg, bad_reasons[seen]);
		seen++;
	}
	ck_assert_uint_eq(seen, SHK_ARRAY_SIZE(bad_reasons));
	free(buf);
}
END_TEST

/* Blob helpers for crafted keys. */
struct blob {
	unsigned char b[4096];
	size_t n;
};

static void
put_string(struct blob *bl, const void *p, size_t len)
{
	ck_assert_uint_le(bl->n + 4 + len, sizeof(bl->b));
	bl->b[bl->n++] = (unsigned char)(len >> 24);
	bl->b[bl->n++] = (unsigned char)(len >> 16);
	bl->b[bl->n++] = (unsigned char)(len >> 8);
	bl->b[bl->n++] = (unsigned char)len;
	memcpy(bl->b + bl->n, p, len);
	bl->n += len;
}

static void
put_cstr(struct blob *bl, const char *s)
{
	put_string(bl, s, strlen(s));
}

/* Decode the base64 field of a fixture's first line into bl. */
static void
fixture_blob(const char *name, struct blob *bl)
{
	char *buf = tu_slurp(KEYDIR, name, NULL), *sp, *b64;

	sp = strchr(buf, ' ');
	ck_assert_ptr_nonnull(sp);
	b64 = sp + 1;
	b64[strcspn(b64, " \n")] = '\0';
	ck_assert_int_eq(shk_b64_decode(b64, strlen(b64), bl->b, sizeof(bl->b), &bl->n),
			 SHK_OK);
	free(buf);
}

/* Field i (0: the type) of a blob. */
static const unsigned char *
blob_field(const struct blob *bl, int i, size_t *len)
{
	size_t pos = 0, n = 0;

	for (;;) {
		ck_assert_uint_le(pos + 4, bl->n);
		n = (size_t)bl->b[pos] << 24 | (size_t)bl->b[pos + 1] << 16 |
		    (size_t)bl->b[pos + 2] << 8 | bl->b[pos + 3];
		if (i-- == 0)
			break;
		pos += 4 + n;
	}
	*len = n;
	return bl->b + pos + 4;
}

/* A blob whose type string holds NUL and ESC bytes is named with them
 * escaped (it used to show as ""), so check says what is there. */
START_TEST(test_type_shown_escaped)
{
	static const char t[] = "ssh-ed\0\0\033[31m25519";
	unsigned char k[32];
	struct blob bl = {{0}, 0};
	struct shk_error err;

	memset(k, 1, sizeof(k));
	put_string(&bl, t, sizeof(t) - 1);
	put_string(&bl, k, sizeof(k));
	memset(&err, 0, sizeof(err));
	ck_assert_int_eq(shk_key_check_blob("ssh-ed25519", 11, bl.b, bl.n, NULL, &err),
			 SHK_ERR_PARSE);
	ck_assert_str_eq(err.msg, "key blob is of type \"ssh-ed\\x00\\x00\\x1b[31m25519\", not "
				  "\"ssh-ed25519\"");
	/* The curve of an EC key, likewise. */
	bl.n = 0;
	put_cstr(&bl, "ecdsa-sha2-nistp256");
	put_string(&bl, "nist\0p256", 9);
	memset(&err, 0, sizeof(err));
	ck_assert_int_eq(shk_key_check_blob("ecdsa-sha2-nistp256", 19, bl.b, bl.n, NULL, &err),
			 SHK_ERR_PARSE);
	ck_assert_ptr_nonnull(strstr(err.msg, "curve \"nist\\x00p256\""));
}
END_TEST

START_TEST(test_rsa_rules)
{
	struct blob in, out;
	const unsigned char *e, *n;
	size_t elen, nlen;
	unsigned char tmp[1024];
	struct shk_error err;
	unsigned int bits;

	fixture_blob("rsa1024.pub", &in);
	e = blob_field(&in, 1, &elen);
	n = blob_field(&in, 2, &nlen);
	/* Sanity: the real key is fine. */
	ck_assert_int_eq(shk_key_check_blob("ssh-rsa", 7, in.b, in.n, &bits, &err), SHK_OK);
	ck_assert_uint_eq(bits, 1024);

	/* e = 1 */
	out.n = 0;
	put_cstr(&out, "ssh-rsa");
	put_string(&out, "\x01", 1);
	put_string(&out, n, nlen);
	ck_assert_int_eq(shk_key_check_blob("ssh-rsa", 7, out.b, out.n, NULL, &err),
			 SHK_ERR_PARSE);
	ck_assert_ptr_nonnull(strstr(err.msg, "exponent"));

	/* even e */
	out.n = 0;
	put_cstr(&out, "ssh-rsa");
	put_string(&out, "\x01\x00\x00", 3);
	put_string(&out, n, nlen);
	ck_assert_int_eq(shk_key_check_blob("ssh-rsa", 7, out.b, out.n, NULL, &err),
			 SHK_ERR_PARSE);

	/* even n */
	memcpy(tmp, n, nlen);
	tmp[nlen - 1] &= 0xfe;
	out.n = 0;
	put_cstr(&out, "ssh-rsa");
	put_string(&out, e, elen);
	put_string(&out, tmp, nlen);
	ck_assert_int_eq(shk_key_check_blob("ssh-rsa", 7, out.b, out.n, NULL, &err),
			 SHK_ERR_PARSE);
	ck_assert_ptr_nonnull(strstr(err.msg, "even"));

	/* needless leading zeros: accepted (as OpenSSH), same bits */
	tmp[0] = 0;
	tmp[1] = 0;
	memcpy(tmp + 2, n, nlen);
	out.n = 0;
	put_cstr(&out, "ssh-rsa");
	put_string(&out, e, elen);
	put_string(&out, tmp, nlen + 2);
	ck_assert_int_eq(shk_key_check_blob("ssh-rsa", 7, out.b, out.n, &bits, &err), SHK_OK);
	ck_assert_uint_eq(bits, 1024);

	/* missing modulus */
	out.n = 0;
	put_cstr(&out, "ssh-rsa");
	put_string(&out, e, elen);
	ck_assert_int_eq(shk_key_check_blob("ssh-rsa", 7, out.b, out.n, NULL, &err),
			 SHK_ERR_PARSE);
	ck_assert_str_eq(err.msg, "truncated RSA modulus");
}
END_TEST

/* ssh-keygen fingerprints the re-encoded key: our blob must match. */
START_TEST(test_rsa_zeros_canonical)
{
	char *a = tu_slurp(KEYDIR, "rsa-zeros.pub", NULL);
	char *b = tu_slurp(KEYDIR, "rsa1024.pub", NULL);
	struct shk_key *ka = NULL, *kb = NULL;
	struct shk_error err;

	ck_assert_int_eq(shk_key_from_line(a, strlen(a), &ka, &err), SHK_OK);
	ck_assert_int_eq(shk_key_from_line(b, strlen(b), &kb, &err), SHK_OK);
	ck_assert(shk_key_equal_blob(ka->type, ka->blob, ka->bloblen, kb->type, kb->blob,
				     kb->bloblen));
	ck_assert_str_eq(ka->comment, "zeros");
	ck_assert_ptr_null(kb->comment);
	shk_key_free(ka);
	shk_key_free(kb);
	free(a);
	free(b);
}
END_TEST

START_TEST(test_ec_rules)
{
	struct blob in, out;
	const unsigned char *pt;
	unsigned char tmp[256];
	size_t ptlen;
	struct shk_error err;
	unsigned int bits;

	fixture_blob("ecdsa384.pub", &in);
	ck_assert_int_eq(shk_key_check_blob("ecdsa-sha2-nistp384", 19, in.b, in.n, &bits, &err),
			 SHK_OK);
	ck_assert_uint_eq(bits, 384);
	pt = blob_field(&in, 2, &ptlen);
	ck_assert_uint_eq(ptlen, 97);

	/* A P-384 point claimed as P-256 (curve and point both wrong). */
	out.n = 0;
	put_cstr(&out, "ecdsa-sha2-nistp256");
	put_cstr(&out, "nistp256");
	put_string(&out, pt, ptlen);
	ck_assert_int_eq(shk_key_check_blob("ecdsa-sha2-nistp256", 19, out.b, out.n, NULL,
					    &err),
			 SHK_ERR_PARSE);
	ck_assert_ptr_nonnull(strstr(err.msg, "EC point has 97 bytes"));

	/* y replaced by x: off the curve */
	memcpy(tmp, pt, ptlen);
	memcpy(tmp + 49, pt + 1, 48);
	out.n = 0;
	put_cstr(&out, "ecdsa-sha2-nistp384");
	put_cstr(&out, "nistp384");
	put_string(&out, tmp, ptlen);
	ck_assert_int_eq(shk_key_check_blob("ecdsa-sha2-nistp384", 19, out.b, out.n, NULL,
					    &err),
			 SHK_ERR_PARSE);
	ck_assert_str_eq(err.msg, "EC point is not on the curve");

	/* all-zero point: not on the curve either */
	memset(tmp + 1, 0, ptlen - 1);
	out.n = 0;
	put_cstr(&out, "ecdsa-sha2-nistp384");
	put_cstr(&out, "nistp384");
	put_string(&out, tmp, ptlen);
	ck_assert_int_eq(shk_key_check_blob("ecdsa-sha2-nistp384", 19, out.b, out.n, NULL,
					    &err),
			 SHK_ERR_PARSE);

	/* empty point */
	out.n = 0;
	put_cstr(&out, "ecdsa-sha2-nistp384");
	put_cstr(&out, "nistp384");
	put_string(&out, "", 0);
	ck_assert_int_eq(shk_key_check_blob("ecdsa-sha2-nistp384", 19, out.b, out.n, NULL,
					    &err),
			 SHK_ERR_PARSE);
}
END_TEST

/* The same EC point as an sk key of the webauthn flavour. */
START_TEST(test_webauthn_sk)
{
	static const char t[] = "webauthn-sk-ecdsa-sha2-nistp256@openssh.com";
	struct blob in, out;
	const unsigned char *pt;
	size_t ptlen;
	struct shk_error err;
	unsigned int bits;

	fixture_blob("ecdsa256.pub", &in);
	pt = blob_field(&in, 2, &ptlen);
	out.n = 0;
	put_cstr(&out, t);
	put_cstr(&out, "nistp256");
	put_string(&out, pt, ptlen);
	put_cstr(&out, "ssh:");
	ck_assert_int_eq(shk_key_check_blob(t, strlen(t), out.b, out.n, &bits, &err), SHK_OK);
	ck_assert_uint_eq(bits, 256);
	ck_assert_int_eq(shk_keytype_from_name(t, strlen(t)), SHK_KT_SK_ECDSA);
	ck_assert_str_eq(shk_keytype_label(t, strlen(t)), "ECDSA-SK");
}
END_TEST

START_TEST(test_cert_shallow)
{
	static const char t[] = "ssh-ed25519-cert-v01@openssh.com";
	struct blob in;
	struct shk_error err;
	unsigned int bits;
	size_t cut;

	fixture_blob("ed25519-cert.pub", &in);
	ck_assert_int_eq(shk_key_check_blob(t, strlen(t), in.b, in.n, &bits, &err), SHK_OK);
	ck_assert_uint_eq(bits, 256);
	/* Every truncation is refused, never read past the end. */
	for (cut = 0; cut < in.n; cut++)
		ck_assert_msg(shk_key_check_blob(t, strlen(t), in.b, cut, NULL, &err) ==
				      SHK_ERR_PARSE,
			      "accepted a cert cut at %zu", cut);
	in.b[in.n++] = 0;
	ck_assert_int_eq(shk_key_check_blob(t, strlen(t), in.b, in.n, NULL, &err),
			 SHK_ERR_PARSE);
}
END_TEST

/* Truncating any real key anywhere must fail cleanly. */
static const char *trunc_files[] = {"rsa.pub",	    "dsa.pub",	      "ecdsa521.pub",
				    "ed25519.pub",  "sk-ecdsa.pub",   "sk-ed25519.pub"};

START_TEST(test_truncations)
{
	struct blob in;
	struct shk_error err;
	const unsigned char *t;
	size_t tlen, cut;
	char type[64];

	fixture_blob(trunc_files[_i], &in);
	t = blob_field(&in, 0, &tlen);
	ck_assert_uint_lt(tlen, sizeof(type));
	memcpy(type, t, tlen);
	ck_assert_int_eq(shk_key_check_blob(type, tlen, in.b, in.n, NULL, &err), SHK_OK);
	for (cut = 0; cut < in.n; cut++)
		ck_assert_int_eq(shk_key_check_blob(type, tlen, in.b, cut, NULL, &err),
				 SHK_ERR_PARSE);
}
END_TEST

START_TEST(test_unknown_opaque)
{
	char *buf = tu_slurp(KEYDIR, "unknown.pub", NULL);
	struct shk_key *k = NULL;
	struct shk_error err;
	unsigned int bits = 99;

	ck_assert_int_eq(shk_key_from_line(buf, strlen(buf), &k, &err), SHK_OK);
	ck_assert_str_eq(k->type, "x-unknown@example.com");
	ck_assert_str_eq(k->comment, "opaque");
	ck_assert_int_eq(shk_keytype_from_name(k->type, strlen(k->type)), SHK_KT_UNKNOWN);
	ck_assert_str_eq(shk_keytype_label(k->type, strlen(k->type)), "UNKNOWN");
	ck_assert_int_eq(shk_key_check_blob(k->type, strlen(k->type), k->blob, k->bloblen,
					    &bits, &err),
			 SHK_OK);
	ck_assert_uint_eq(bits, 0);
	shk_key_free(k);
	free(buf);
}
END_TEST

static const struct {
	const char *name;
	enum shk_keytype kt;
	int plausible;
	const char *label;
} names[] = {
	{"ssh-rsa", SHK_KT_RSA, 1, "RSA"},
	{"ssh-dss", SHK_KT_DSA, 1, "DSA"},
	{"ecdsa-sha2-nistp521", SHK_KT_ECDSA_P521, 1, "ECDSA"},
	{"ssh-ed25519", SHK_KT_ED25519, 1, "ED25519"},
	{"sk-ssh-ed25519@openssh.com", SHK_KT_SK_ED25519, 1, "ED25519-SK"},
	{"sk-ecdsa-sha2-nistp256@openssh.com", SHK_KT_SK_ECDSA, 1, "ECDSA-SK"},
	{"ssh-rsa-cert-v01@openssh.com", SHK_KT_CERT, 1, "RSA-CERT"},
	{"sk-ssh-ed25519-cert-v01@openssh.com", SHK_KT_CERT, 1, "ED25519-SK-CERT"},
	{"ssh-xmss-cert-v01@openssh.com", SHK_KT_CERT, 1, "UNKNOWN"},
	{"SSH-RSA", SHK_KT_UNKNOWN, 1, "UNKNOWN"}, /* case-sensitive */
	{"ssh-rsa ", SHK_KT_UNKNOWN, 0, "UNKNOWN"},
	{"1024", SHK_KT_UNKNOWN, 0, "UNKNOWN"}, /* RSA1 bits */
	{"", SHK_KT_UNKNOWN, 0, "UNKNOWN"},
	{"x\x7f", SHK_KT_UNKNOWN, 0, "UNKNOWN"},
	{"-cert-v01@openssh.com", SHK_KT_UNKNOWN, 1, "UNKNOWN"},
};

START_TEST(test_names)
{
	const char *n = names[_i].name;

	ck_assert_int_eq(shk_keytype_from_name(n, strlen(n)), names[_i].kt);
	ck_assert_int_eq(shk_keytype_plausible(n, strlen(n)), names[_i].plausible);
	ck_assert_str_eq(shk_keytype_label(n, strlen(n)), names[_i].label);
}
END_TEST

/* Lines that shk_key_from_line refuses before looking at the blob. */
static const struct {
	const char *line;
	const char *why;
} bad_lines[] = {
	{"", "no key type"},
	{"   \t\r\n", "no key type"},
	{"ssh-ed25519", "no key after"},
	{"ssh-ed25519   ", "no key after"},
	{"1024 35 12345", "not a key type"},
	{"ssh-ed25519 AAAA!AAA", "not valid base64"},
	{"ssh-ed25519 ====", "not valid base64"},
	{"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5", "truncated"},
};

START_TEST(test_bad_lines)
{
	struct shk_key *k = NULL;
	struct shk_error err;

	memset(&err, 0, sizeof(err));
	ck_assert_int_eq(shk_key_from_line(bad_lines[_i].line, strlen(bad_lines[_i].line), &k,
					   &err),
			 SHK_ERR_PARSE);
	ck_assert_ptr_null(k);
	ck_assert_msg(strstr(err.msg, bad_lines[_i].why) != NULL, "\"%s\": got \"%s\"",
		      bad_lines[_i].line, err.msg);
}
END_TEST

START_TEST(test_line_forms)
{
	char *pub = tu_slurp(KEYDIR, "ed25519.pub", NULL), line[512], *sp;
	struct shk_key *k = NULL;
	struct shk_error err;

	pub[strcspn(pub, "\n")] = '\0';
	sp = strrchr(pub, ' ');
	ck_assert_ptr_nonnull(sp);
	*sp = '\0'; /* "TYPE BASE64" */

	snprintf(line, sizeof(line), "  %s\t  two  words \t\r\n", pub);
	ck_assert_int_eq(shk_key_from_line(line, strlen(line), &k, &err), SHK_OK);
	ck_assert_str_eq(k->comment, "two  words");
	shk_key_free(k);

	ck_assert_int_eq(shk_key_from_line(pub, strlen(pub), &k, &err), SHK_OK);
	ck_assert_ptr_null(k->comment);
	shk_key_free(k);

	/* A counted line: whatever follows len is not read. */
	snprintf(line, sizeof(line), "%s comment", pub);
	ck_assert_int_eq(shk_key_from_line(line, strlen(pub), &k, &err), SHK_OK);
	ck_assert_ptr_null(k->comment);
	shk_key_free(k);

	/* The type must be the blob's. */
	snprintf(line, sizeof(line), "ssh-rsa%s", strchr(pub, ' '));
	ck_assert_int_eq(shk_key_from_line(line, strlen(line), &k, &err), SHK_ERR_PARSE);
	ck_assert_ptr_null(k);
	free(pub);
}
END_TEST

START_TEST(test_new_equal)
{
	static const unsigned char b1[] = "\0\0\0\x01x", b2[] = "\0\0\0\x01y";
	struct shk_key *k = NULL;

	ck_assert_int_eq(shk_key_new("x", 1, b1, 5, "c", 1, &k), SHK_OK);
	ck_assert_str_eq(k->type, "x");
	ck_assert_str_eq(k->comment, "c");
	ck_assert_uint_eq(k->bloblen, 5);
	ck_assert(memcmp(k->blob, b1, 5) == 0);
	ck_assert(k->blob != b1);
	ck_assert(shk_key_equal_blob("x", k->blob, k->bloblen, "x", b1, 5));
	ck_assert(!shk_key_equal_blob("x", k->blob, k->bloblen, "x", b2, 5));
	ck_assert(!shk_key_equal_blob("x", k->blob, k->bloblen, "y", b1, 5));
	ck_assert(!shk_key_equal_blob("x", k->blob, k->bloblen, "x", b1, 4));
	shk_key_free(k);
	ck_assert_int_eq(shk_key_new("x", 1, NULL, 0, NULL, 0, &k), SHK_OK);
	ck_assert_ptr_null(k->comment);
	ck_assert_uint_eq(k->bloblen, 0);
	shk_key_free(k);
	shk_key_free(NULL);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("key");
	TCase *tc = tcase_create("key");

	tcase_add_loop_test(tc, test_good_keys, 0, SHK_ARRAY_SIZE(good));
	tcase_add_test(tc, test_bad_keys);
	tcase_add_test(tc, test_type_shown_escaped);
	tcase_add_test(tc, test_rsa_rules);
	tcase_add_test(tc, test_rsa_zeros_canonical);
	tcase_add_test(tc, test_ec_rules);
	tcase_add_test(tc, test_webauthn_sk);
	tcase_add_test(tc, test_cert_shallow);
	tcase_add_loop_test(tc, test_truncations, 0, SHK_ARRAY_SIZE(trunc_files));
	tcase_add_test(tc, test_unknown_opaque);
	tcase_add_loop_test(tc, test_names, 0, SHK_ARRAY_SIZE(names));
	tcase_add_loop_test(tc, test_bad_lines, 0, SHK_ARRAY_SIZE(bad_lines));
	tcase_add_test(tc, test_line_forms);
	tcase_add_test(tc, test_new_equal);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
