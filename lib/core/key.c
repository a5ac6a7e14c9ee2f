/* SPDX-License-Identifier: MIT */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base64.h"
#include "ecpoint.h"
#include "key.h"
#include "shk.h"

/*
 * OpenSSH refuses public keys larger than this (SSH_MAX_PUBKEY_BYTES);
 * a bigger blob is not something ssh would ever present.
 */
#define KEY_MAX_BLOB 16384
/* OpenSSH's SSHBUF_MAX_BIGNUM (16384 bits) and its RSA minimum. */
#define KEY_MAX_MPINT_BITS 16384
#define KEY_RSA_MIN_BITS 1024
#define KEY_CERT_SUFFIX "-cert-v01@openssh.com"

struct keytype_info {
	const char *name;
	enum shk_keytype kt;
	const char *label;
	const char *curve; /* curve name inside ECDSA blobs */
	enum shk_ec_curve ec; /* SHK_EC_NONE for key types without a curve */
	unsigned int bits; /* fixed size, 0 when it depends on the key */
};

static const struct keytype_info keytypes[] = {
	{"ssh-rsa", SHK_KT_RSA, "RSA", NULL, SHK_EC_NONE, 0},
	{"ssh-dss", SHK_KT_DSA, "DSA", NULL, SHK_EC_NONE, 0},
	{"ecdsa-sha2-nistp256", SHK_KT_ECDSA_P256, "ECDSA", "nistp256", SHK_EC_P256, 256},
	{"ecdsa-sha2-nistp384", SHK_KT_ECDSA_P384, "ECDSA", "nistp384", SHK_EC_P384, 384},
	{"ecdsa-sha2-nistp521", SHK_KT_ECDSA_P521, "ECDSA", "nistp521", SHK_EC_P521, 521},
	{"ssh-ed25519", SHK_KT_ED25519, "ED25519", NULL, SHK_EC_NONE, 256},
	{"sk-ecdsa-sha2-nistp256@openssh.com", SHK_KT_SK_ECDSA, "ECDSA-SK", "nistp256",
	 SHK_EC_P256, 256},
	/* A signature-only name in OpenSSH, but its blob is an sk-ecdsa key. */
	{"webauthn-sk-ecdsa-sha2-nistp256@openssh.com", SHK_KT_SK_ECDSA, "ECDSA-SK",
	 "nistp256", SHK_EC_P256, 256},
	{"sk-ssh-ed25519@openssh.com", SHK_KT_SK_ED25519, "ED25519-SK", NULL, SHK_EC_NONE,
	 256},
};

/* Certificates whose inner key we know how to walk. */
static const struct {
	const char *name;
	const char *base;
	const char *label;
} certtypes[] = {
	{"ssh-rsa-cert-v01@openssh.com", "ssh-rsa", "RSA-CERT"},
	{"ssh-dss-cert-v01@openssh.com", "ssh-dss", "DSA-CERT"},
	{"ecdsa-sha2-nistp256-cert-v01@openssh.com", "ecdsa-sha2-nistp256", "ECDSA-CERT"},
	{"ecdsa-sha2-nistp384-cert-v01@openssh.com", "ecdsa-sha2-nistp384", "ECDSA-CERT"},
	{"ecdsa-sha2-nistp521-cert-v01@openssh.com", "ecdsa-sha2-nistp521", "ECDSA-CERT"},
	{"ssh-ed25519-cert-v01@openssh.com", "ssh-ed25519", "ED25519-CERT"},
	{"sk-ecdsa-sha2-nistp256-cert-v01@openssh.com", "sk-ecdsa-sha2-nistp256@openssh.com",
	 "ECDSA-SK-CERT"},
	{"sk-ssh-ed25519-cert-v01@openssh.com", "sk-ssh-ed25519@openssh.com",
	 "ED25519-SK-CERT"},
};

/* A bounds-checked reader over a blob. */
struct rd {
	const unsigned char *p;
	size_t left;
};

static int
rd_u32(struct rd *r, uint32_t *v, const char *what, struct shk_error *err)
{
	if (r->left < 4)
		return shk_error_set(err, SHK_ERR_PARSE, 0, "truncated %s", what);
	*v = (uint32_t)r->p[0] << 24 | (uint32_t)r->p[1] << 16 | (uint32_t)r->p[2] << 8 |
	     r->p[3];
	r->p += 4;
	r->left -= 4;
	return SHK_OK;
}

static int
rd_skip(struct rd *r, size_t n, const char *what, struct shk_error *err)
{
	if (r->left < n)
		return shk_error_set(err, SHK_ERR_PARSE, 0, "truncated %s", what);
	r->p += n;
	r->left -= n;
	return SHK_OK;
}

static int
rd_string(struct rd *r, const unsigned char **s, size_t *len, const char *what,
	  struct shk_error *err)
{
	uint32_t n = 0;
	int ret;

	if ((ret = rd_u32(r, &n, what, err)) != SHK_OK)
		return ret;
	if (n > r->left)
		return shk_error_set(err, SHK_ERR_PARSE, 0, "truncated %s", what);
	*s = r->p;
	*len = n;
	r->p += n;
	r->left -= n;
	return SHK_OK;
}

/* Bits in a big-endian magnitude without leading zero bytes. */
static unsigned int
mag_bits(const unsigned char *d, size_t len)
{
	unsigned int b = 0;
	unsigned char top;

	if (len == 0)
		return 0;
	for (top = d[0]; top != 0; top >>= 1)
		b++;
	return (unsigned int)(len - 1) * 8 + b;
}

/*
 * An mpint (RFC 4251 section 5) that must be positive. OpenSSH accepts
 * (and silently drops) needless leading zero bytes, so we accept them too
 * but tell the caller, which re-encodes the blob the way ssh-keygen does
 * before fingerprinting it. *mag and *maglen get the magnitude.
 */
static int
rd_mpint(struct rd *r, const char *what, const unsigned char **mag, size_t *maglen,
	 int *canonical, struct shk_error *err)
{
	const unsigned char *d;
	size_t len, nzero = 0;
	int ret;

	if ((ret = rd_string(r, &d, &len, what, err)) != SHK_OK)
		return ret;
	if (len > 0 && (d[0] & 0x80) != 0)
		return shk_error_set(err, SHK_ERR_PARSE, 0, "%s is negative", what);
	while (nzero < len && d[nzero] == 0)
		nzero++;
	if (nzero == len)
		return shk_error_set(err, SHK_ERR_PARSE, 0, "%s is zero", what);
	if (nzero != ((d[nzero] & 0x80) != 0 ? 1u : 0u))
		*canonical = 0;
	*mag = d + nzero;
	*maglen = len - nzero;
	if (mag_bits(*mag, *maglen) > KEY_MAX_MPINT_BITS)
		return shk_error_set(err, SHK_ERR_PARSE, 0, "%s is larger than %u bits", what,
				     KEY_MAX_MPINT_BITS);
	return SHK_OK;
}

static const struct keytype_info *
keytype_lookup(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < SHK_ARRAY_SIZE(keytypes); i++)
		if (strlen(keytypes[i].name) == len && memcmp(keytypes[i].name, name, len) == 0)
			return &keytypes[i];
	return NULL;
}

static int
is_cert_name(const char *name, size_t len)
{
	size_t sl = sizeof(KEY_CERT_SUFFIX) - 1;

	return len > sl && memcmp(name + len - sl, KEY_CERT_SUFFIX, sl) == 0;
}

static int
certtype_lookup(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < SHK_ARRAY_SIZE(certtypes); i++)
		if (strlen(certtypes[i].name) == len && memcmp(certtypes[i].name, name, len) == 0)
			return (int)i;
	return -1;
}

enum shk_keytype
shk_keytype_from_name(const char *name, size_t len)
{
	const struct keytype_info *ki;

	if ((ki = keytype_lookup(name, len)) != NULL)
		return ki->kt;
	if (is_cert_name(name, len))
		return SHK_KT_CERT;
	return SHK_KT_UNKNOWN;
}

int
shk_keytype_plausible(const char *name, size_t len)
{
	size_t i;
	int alldigits = 1;

	if (len == 0)
		return 0;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)name[i];

		if (c <= ' ' || c >= 0x7f)
			return 0;
		if (c < '0' || c > '9')
			alldigits = 0;
	}
	return !alldigits;
}

const char *
shk_keytype_label(const char *name, size_t len)
{
	const struct keytype_info *ki;
	int ci;

	if ((ki = keytype_lookup(name, len)) != NULL)
		return ki->label;
	/* ssh-keygen -l names certificates "<BASE>-CERT". */
	if ((ci = certtype_lookup(name, len)) >= 0)
		return certtypes[ci].label;
	return "UNKNOWN";
}

/*
 * The fields after the type string of a plain key of kind ki; certificates
 * hold the same fields after their nonce.
 */
static int
check_fields(const struct keytype_info *ki, struct rd *r, unsigned int *bits,
	     int *canonical, struct shk_error *err)
{
	const unsigned char *s, *e, *n;
	char shown[48];
	size_t slen, elen, nlen;
	int ret;

	switch (ki->kt) {
	case SHK_KT_RSA:
		if ((ret = rd_mpint(r, "RSA exponent", &e, &elen, canonical, err)) != SHK_OK ||
		    (ret = rd_mpint(r, "RSA modulus", &n, &nlen, canonical, err)) != SHK_OK)
			return ret;
		*bits = mag_bits(n, nlen);
		/*
		 * ssh-keygen 9.2 prints keys with e = 1 or an even e or n, but
		 * such a key cannot be a real RSA key (e = 1 makes every
		 * signature forgeable), so we refuse it.
		 */
		if (*bits < KEY_RSA_MIN_BITS)
			return shk_error_set(err, SHK_ERR_PARSE, 0,
					     "weak RSA key: modulus has %u bits, fewer than %u", *bits,
					     KEY_RSA_MIN_BITS);
		if ((n[nlen - 1] & 1) == 0)
			return shk_error_set(err, SHK_ERR_PARSE, 0, "RSA modulus is even");
		if ((e[elen - 1] & 1) == 0 || (elen == 1 && e[0] == 1))
			return shk_error_set(err, SHK_ERR_PARSE, 0,
					     "RSA exponent is not odd and at least 3");
		return SHK_OK;
	case SHK_KT_DSA:
		if ((ret = rd_mpint(r, "DSA p", &n, &nlen, canonical, err)) != SHK_OK ||
		    (ret = rd_mpint(r, "DSA q", &s, &slen, canonical, err)) != SHK_OK ||
		    (ret = rd_mpint(r, "DSA g", &s, &slen, canonical, err)) != SHK_OK ||
		    (ret = rd_mpint(r, "DSA public value", &s, &slen, canonical, err)) != SHK_OK)
			return ret;
		*bits = mag_bits(n, nlen);
		return SHK_OK;
	case SHK_KT_ECDSA_P256:
	case SHK_KT_ECDSA_P384:
	case SHK_KT_ECDSA_P521:
	case SHK_KT_SK_ECDSA:
		if ((ret = rd_string(r, &s, &slen, "curve name", err)) != SHK_OK)
			return ret;
		if (slen != strlen(ki->curve) || memcmp(s, ki->curve, slen) != 0)
			return shk_error_set(err, SHK_ERR_PARSE, 0,
					     "curve \"%s\" does not match key type %s",
					     shk_escape((const char *)s, slen, shown, sizeof(shown)),
					     ki->name);
		if ((ret = rd_string(r, &s, &slen, "EC point", err)) != SHK_OK ||
		    (ret = shk_ec_point_check(ki->ec, s, slen, err)) != SHK_OK)
			return ret;
		break;
	case SHK_KT_ED25519:
	case SHK_KT_SK_ED25519:
		if ((ret = rd_string(r, &s, &slen, "ed25519 key", err)) != SHK_OK)
			return ret;
		if (slen != 32)
			return shk_error_set(err, SHK_ERR_PARSE, 0,
					     "ed25519 key has %zu bytes, not 32", slen);
		break;
	default:
		return shk_error_set(err, SHK_ERR_PARSE, 0, "not a key type");
	}
	if ((ki->kt == SHK_KT_SK_ECDSA || ki->kt == SHK_KT_SK_ED25519) &&
	    (ret = rd_string(r, &s, &slen, "security key application", err)) != SHK_OK)
		return ret;
	*bits = ki->bits;
	return SHK_OK;
}

/*
 * PROTOCOL.certkeys: nonce, the key's fields, serial, type, key id,
 * principals, validity, options, extensions, reserved, CA key and
 * signature. Shallow: the layout is checked, the signature is not.
 * Certificates of key kinds we do not know only get the nonce checked.
 */
static int
check_cert(const char *type, size_t typelen, struct rd *r, unsigned int *bits,
	   const unsigned char **ca, size_t *calen, struct shk_error *err)
{
	static const char *const strings[] = {"key id", "principals", "critical options",
					      "extensions", "reserved field", "CA key",
					      "signature"};
	const struct keytype_info *base;
	const unsigned char *s;
	size_t slen, i;
	uint32_t v = 0;
	int ci, ret, canonical = 1;

	if ((ret = rd_string(r, &s, &slen, "certificate nonce", err)) != SHK_OK)
		return ret;
	if ((ci = certtype_lookup(type, typelen)) < 0) {
		*bits = 0;
		r->left = 0; /* opaque from here on */
		return SHK_OK;
	}
	base = keytype_lookup(certtypes[ci].base, strlen(certtypes[ci].base));
	if ((ret = check_fields(base, r, bits, &canonical, err)) != SHK_OK)
		return ret;
	if ((ret = rd_skip(r, 8, "certificate serial", err)) != SHK_OK ||
	    (ret = rd_u32(r, &v, "certificate type", err)) != SHK_OK)
		return ret;
	if (v != 1 && v != 2)
		return shk_error_set(err, SHK_ERR_PARSE, 0, "unknown certificate type %lu",
				     (unsigned long)v);
	for (i = 0; i < SHK_ARRAY_SIZE(strings); i++) {
		if (i == 2 && (ret = rd_skip(r, 16, "certificate validity", err)) != SHK_OK)
			return ret;
		if ((ret = rd_string(r, &s, &slen, strings[i], err)) != SHK_OK)
			return ret;
		if (i == 5 && slen == 0)
			return shk_error_set(err, SHK_ERR_PARSE, 0, "certificate has no CA key");
		if (i == 5 && ca != NULL) {
			*ca = s;
			*calen = slen;
		}
	}
	return SHK_OK;
}

/* The check, plus whether RSA/DSA mpints are in canonical form. */
static int
check_blob(const char *type, size_t typelen, const unsigned char *blob, size_t bloblen,
	   unsigned int *bitsp, int *canonical, struct shk_error *err)
{
	const struct keytype_info *ki;
	const unsigned char *s;
	char shown[80], shown2[80];
	struct rd r;
	size_t slen;
	unsigned int bits = 0;
	int ret;

	*canonical = 1;
	if (bloblen > KEY_MAX_BLOB)
		return shk_error_set(err, SHK_ERR_PARSE, 0, "key blob of %zu bytes is too long",
				     bloblen);
	r.p = blob;
	r.left = bloblen;
	if ((ret = rd_string(&r, &s, &slen, "key type", err)) != SHK_OK)
		return ret;
	/* Both types are someone else's bytes (NULs included): escaped. */
	if (slen != typelen || memcmp(s, type, typelen) != 0)
		return shk_error_set(err, SHK_ERR_PARSE, 0,
				     "key blob is of type \"%s\", not \"%s\"",
				     shk_escape((const char *)s, slen, shown, sizeof(shown)),
				     shk_escape(type, typelen, shown2, sizeof(shown2)));
	if ((ki = keytype_lookup(type, typelen)) != NULL)
		ret = check_fields(ki, &r, &bits, canonical, err);
	else if (is_cert_name(type, typelen))
		ret = check_cert(type, typelen, &r, &bits, NULL, NULL, err);
	else
		r.left = 0; /* opaque: nothing more to check */
	if (ret != SHK_OK)
		return ret;
	if (r.left != 0)
		return shk_error_set(err, SHK_ERR_PARSE, 0, "%zu trailing bytes after the key",
				     r.left);
	if (bitsp != NULL)
		*bitsp = bits;
	return SHK_OK;
}

int
shk_key_check_blob(const char *type, size_t typelen, const unsigned char *blob,
		   size_t bloblen, unsigned int *bits, struct shk_error *err)
{
	int canonical;

	return check_blob(type, typelen, blob, bloblen, bits, &canonical, err);
}

/*
 * Re-encode an already checked RSA/DSA blob in place with minimal mpints,
 * as ssh-keygen does before it hashes a key: a key written with needless
 * zero bytes gets the same fingerprint and compares equal to the clean
 * one. Returns the new length (never longer).
 */
static size_t
canonicalize(unsigned char *blob, size_t len)
{
	size_t in = 0, out = 0, n, nzero, keep, field = 0;

	while (in + 4 <= len) {
		n = (size_t)blob[in] << 24 | (size_t)blob[in + 1] << 16 |
		    (size_t)blob[in + 2] << 8 | blob[in + 3];
		in += 4;
		nzero = 0;
		/* Field 0 is the type string; every later field is an mpint. */
		if (field++ > 0) {
			while (nzero < n && blob[in + nzero] == 0)
				nzero++;
			if (nzero > 0 && nzero < n && (blob[in + nzero] & 0x80) != 0)
				nzero--;
		}
		keep = n - nzero;
		blob[out] = (unsigned char)(keep >> 24);
		blob[out + 1] = (unsigned char)(keep >> 16);
		blob[out + 2] = (unsigned char)(keep >> 8);
		blob[out + 3] = (unsigned char)keep;
		memmove(blob + out + 4, blob + in + nzero, keep);
		out += 4 + keep;
		in += n;
	}
	return out;
}

void
shk_key_free(struct shk_key *key)
{
	if (key == NULL)
		return;
	free(key->type);
	free(key->blob);
	free(key->comment);
	free(key);
}

static char *
dup_counted(const char *s, size_t len)
{
	char *p;

	if ((p = malloc(len + 1)) == NULL)
		return NULL;
	if (len > 0)
		memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

/* A key owning blob (which is freed on failure). */
static int
key_assemble(const char *type, size_t typelen, unsigned char *blob, size_t bloblen,
	     const char *comment, size_t commentlen, struct shk_key **out)
{
	struct shk_key *k;

	*out = NULL;
	if ((k = calloc(1, sizeof(*k))) == NULL) {
		free(blob);
		return SHK_ERR_NOMEM;
	}
	k->blob = blob;
	k->bloblen = bloblen;
	if ((k->type = dup_counted(type, typelen)) == NULL ||
	    (comment != NULL && (k->comment = dup_counted(comment, commentlen)) == NULL)) {
		shk_key_free(k);
		return SHK_ERR_NOMEM;
	}
	*out = k;
	return SHK_OK;
}

int
shk_key_new(const char *type, size_t typelen, const unsigned char *blob, size_t bloblen,
	    const char *comment, size_t commentlen, struct shk_key **out)
{
	unsigned char *copy;

	*out = NULL;
	if (type == NULL || (blob == NULL && bloblen > 0))
		return SHK_ERR_INVAL;
	/* malloc(0) may return NULL; keep a real pointer for empty blobs. */
	if ((copy = malloc(bloblen > 0 ? bloblen : 1)) == NULL)
		return SHK_ERR_NOMEM;
	if (bloblen > 0)
		memcpy(copy, blob, bloblen);
	return key_assemble(type, typelen, copy, bloblen, comment, commentlen, out);
}

/* Check blob (malloc'd; always taken: kept by the key or freed) as a key
 * of the given type and make the key. type may point into blob's leading
 * string, which canonicalize() leaves where it is. */
static int
key_take_blob(const char *type, size_t typelen, unsigned char *blob, size_t bloblen,
	      const char *comment, size_t commentlen, struct shk_key **out,
	      struct shk_error *err)
{
	int r, canonical;

	*out = NULL;
	if ((r = check_blob(type, typelen, blob, bloblen, NULL, &canonical, err)) != SHK_OK) {
		free(blob);
		return r;
	}
	if (!canonical)
		bloblen = canonicalize(blob, bloblen);
	if ((r = key_assemble(type, typelen, blob, bloblen, comment, commentlen, out)) !=
	    SHK_OK)
		shk_error_set(err, r, 0, "out of memory");
	return r;
}

int
shk_key_from_b64(const char *type, size_t typelen, const char *b64, size_t b64len,
		 const char *comment, size_t commentlen, struct shk_key **out,
		 struct shk_error *err)
{
	unsigned char *blob = NULL;
	size_t bloblen = 0, cap;
	int r;

	*out = NULL;
	if (b64len > SHK_B64_ENCODED_SIZE(KEY_MAX_BLOB)) {
		r = shk_error_set(err, SHK_ERR_PARSE, 0, "key of %zu base64 characters is too long",
				  b64len);
		goto out;
	}
	cap = SHK_B64_DECODED_MAX(b64len);
	if ((blob = malloc(cap)) == NULL) {
		r = shk_error_set(err, SHK_ERR_NOMEM, 0, "out of memory");
		goto out;
	}
	if (shk_b64_decode(b64, b64len, blob, cap, &bloblen) != SHK_OK) {
		r = shk_error_set(err, SHK_ERR_PARSE, 0, "key is not valid base64");
		goto out;
	}
	if (bloblen == 0) {
		r = shk_error_set(err, SHK_ERR_PARSE, 0, "empty key");
		goto out;
	}
	r = key_take_blob(type, typelen, blob, bloblen, comment, commentlen, out, err);
	blob = NULL; /* owned by the key, or freed */
out:
	free(blob);
	return r;
}

int
shk_key_from_wire(const unsigned char *blob, size_t bloblen, struct shk_key **out,
		  struct shk_error *err)
{
	const unsigned char *type;
	unsigned char *copy;
	size_t typelen;
	struct rd r;
	int ret;

	*out = NULL;
	r.p = blob;
	r.left = blob != NULL ? bloblen : 0;
	if ((ret = rd_string(&r, &type, &typelen, "key type", err)) != SHK_OK)
		return ret;
	if (!shk_keytype_plausible((const char *)type, typelen))
		return shk_error_set(err, SHK_ERR_PARSE, 0,
				     "key blob does not start with a key type");
	if ((copy = malloc(bloblen)) == NULL)
		return shk_error_set(err, SHK_ERR_NOMEM, 0, "out of memory");
	memcpy(copy, blob, bloblen);
	return key_take_blob((const char *)copy + 4, typelen, copy, bloblen, NULL, 0, out, err);
}

static int
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

int
shk_key_from_line(const char *p, size_t len, struct shk_key **out, struct shk_error *err)
{
	char shown[80];
	size_t i = 0, t0, t1, b0, b1, c0, c1;

	*out = NULL;
	while (i < len && is_space(p[i]))
		i++;
	t0 = i;
	while (i < len && !is_space(p[i]) && p[i] != '\0')
		i++;
	t1 = i;
	while (i < len && (p[i] == ' ' || p[i] == '\t'))
		i++;
	b0 = i;
	while (i < len && !is_space(p[i]) && p[i] != '\0')
		i++;
	b1 = i;
	if (t1 == t0)
		return shk_error_set(err, SHK_ERR_PARSE, 0, "no key type");
	if (!shk_keytype_plausible(p + t0, t1 - t0))
		return shk_error_set(err, SHK_ERR_PARSE, 0, "\"%s\" is not a key type",
				     shk_escape(p + t0, t1 - t0, shown, sizeof(shown)));
	if (b1 == b0)
		return shk_error_set(err, SHK_ERR_PARSE, 0, "no key after the key type");
	/* The comment is the rest of the line, inner white space kept. */
	while (i < len && (p[i] == ' ' || p[i] == '\t'))
		i++;
	c0 = i;
	c1 = len;
	while (c1 > c0 && (is_space(p[c1 - 1]) || p[c1 - 1] == '\0'))
		c1--;
	if (memchr(p + c0, '\0', c1 - c0) != NULL || memchr(p + c0, '\n', c1 - c0) != NULL ||
	    memchr(p + c0, '\r', c1 - c0) != NULL)
		return shk_error_set(err, SHK_ERR_PARSE, 0,
				     "comment holds a NUL or line break");
	return shk_key_from_b64(p + t0, t1 - t0, p + b0, b1 - b0, c1 > c0 ? p + c0 : NULL,
				c1 - c0, out, err);
}

int
shk_key_equal_blob(const char *type1, const unsigned char *b1, size_t l1,
		   const char *type2, const unsigned char *b2, size_t l2)
{
	if (type1 == NULL || type2 == NULL || strcmp(type1, type2) != 0 || l1 != l2)
		return 0;
	return l1 == 0 || memcmp(b1, b2, l1) == 0;
}

int
shk_key_cert_plain_blob(const unsigned char *blob, size_t bloblen, unsigned char **out,
			size_t *outlen)
{
	const struct keytype_info *base;
	const unsigned char *type, *nonce, *start;
	unsigned char *p;
	struct rd r;
	size_t typelen, noncelen, baselen, fieldlen;
	unsigned int bits;
	int ci, canonical = 1;

	*out = NULL;
	*outlen = 0;
	r.p = blob;
	r.left = bloblen;
	if (rd_string(&r, &type, &typelen, "key type", NULL) != SHK_OK)
		return SHK_ERR_PARSE;
	if ((ci = certtype_lookup((const char *)type, typelen)) < 0)
		return SHK_ERR_INVAL;
	if (rd_string(&r, &nonce, &noncelen, "nonce", NULL) != SHK_OK)
		return SHK_ERR_PARSE;
	base = keytype_lookup(certtypes[ci].base, strlen(certtypes[ci].base));
	start = r.p;
	if (check_fields(base, &r, &bits, &canonical, NULL) != SHK_OK)
		return SHK_ERR_PARSE;
	/* The plain blob is the base type name followed by the same fields. */
	fieldlen = (size_t)(r.p - start);
	baselen = strlen(base->name);
	if ((p = malloc(4 + baselen + fieldlen)) == NULL)
		return SHK_ERR_NOMEM;
	p[0] = (unsigned char)(baselen >> 24);
	p[1] = (unsigned char)(baselen >> 16);
	p[2] = (unsigned char)(baselen >> 8);
	p[3] = (unsigned char)baselen;
	memcpy(p + 4, base->name, baselen);
	memcpy(p + 4 + baselen, start, fieldlen);
	*outlen = 4 + baselen + fieldlen;
	if (!canonical)
		*outlen = canonicalize(p, *outlen);
	*out = p;
	return SHK_OK;
}

int
shk_key_cert_ca_blob(const unsigned char *blob, size_t bloblen, const unsigned char **ca,
		     size_t *calen)
{
	const unsigned char *type;
	struct rd r;
	size_t typelen;
	unsigned int bits;

	*ca = NULL;
	*calen = 0;
	r.p = blob;
	r.left = bloblen;
	if (rd_string(&r, &type, &typelen, "key type", NULL) != SHK_OK)
		return SHK_ERR_PARSE;
	if (certtype_lookup((const char *)type, typelen) < 0)
		return SHK_ERR_INVAL;
	if (check_cert((const char *)type, typelen, &r, &bits, ca, calen, NULL) != SHK_OK)
		return SHK_ERR_PARSE;
	return SHK_OK;
}
