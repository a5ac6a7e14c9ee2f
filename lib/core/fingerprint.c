/* SPDX-License-Identifier: MIT */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "base64.h"
#include "digest.h"
#include "fingerprint.h"
#include "key.h"
#include "shk.h"

size_t
shk_bubblebabble(const unsigned char *d, size_t len, char *out, size_t outcap)
{
	static const char vowels[] = "aeiouy";
	static const char consonants[] = "bcdfghklmnprstvzx";
	size_t rounds = len / 2 + 1, i, o = 0;
	unsigned int seed = 1, a, b;

	if (outcap < 6 * rounds)
		return 0;
	out[o++] = 'x';
	for (i = 0; i < rounds; i++) {
		if (i + 1 < rounds || len % 2 != 0) {
			/* A full pair, or the odd byte at the end. */
			a = d[2 * i];
			out[o++] = vowels[(((a >> 6) & 3) + seed) % 6];
			out[o++] = consonants[(a >> 2) & 15];
			out[o++] = vowels[((a & 3) + seed / 6) % 6];
			if (i + 1 < rounds) {
				b = d[2 * i + 1];
				out[o++] = consonants[(b >> 4) & 15];
				out[o++] = '-';
				out[o++] = consonants[b & 15];
				seed = (seed * 5 + a * 7 + b) % 36;
			}
		} else {
			/* Even length: the closing tuple carries only the checksum. */
			out[o++] = vowels[seed % 6];
			out[o++] = consonants[16];
			out[o++] = vowels[seed / 6];
		}
	}
	out[o++] = 'x';
	out[o] = '\0';
	return o;
}

static int
fp_raw(const unsigned char *blob, size_t len, enum shk_fp_kind kind, char *out,
       size_t outcap)
{
	unsigned char md[SHK_SHA256_LEN];
	char b64[SHK_B64_ENCODED_SIZE(SHK_SHA256_LEN)];
	size_t i, o, n;
	int r;

	switch (kind) {
	case SHK_FP_SHA256:
		if ((r = shk_sha256(blob, len, md)) != SHK_OK)
			return r;
		/* The encoder wants room for padding that it will not write. */
		n = shk_b64_encode(md, SHK_SHA256_LEN, b64, sizeof(b64), 0);
		if (outcap < 7 + n + 1)
			return SHK_ERR_RANGE;
		memcpy(out, "SHA256:", 7);
		memcpy(out + 7, b64, n + 1);
		return SHK_OK;
	case SHK_FP_MD5:
		if ((r = shk_md5(blob, len, md)) != SHK_OK)
			return r;
		if (outcap < 4 + 3 * SHK_MD5_LEN)
			return SHK_ERR_RANGE;
		memcpy(out, "MD5:", 4);
		for (i = 0, o = 4; i < SHK_MD5_LEN; i++) {
			if (i > 0)
				out[o++] = ':';
			shk_hex(md + i, 1, out + o);
			o += 2;
		}
		out[o] = '\0';
		return SHK_OK;
	case SHK_FP_BUBBLEBABBLE:
		/* ssh-keygen -B always babbles the SHA-1 digest, whatever -E says. */
		if ((r = shk_sha1(blob, len, md)) != SHK_OK)
			return r;
		return shk_bubblebabble(md, SHK_SHA1_LEN, out, outcap) > 0 ? SHK_OK
									   : SHK_ERR_RANGE;
	}
	return SHK_ERR_INVAL;
}

int
shk_fingerprint_blob(const unsigned char *blob, size_t len, enum shk_fp_kind kind,
		     char *out, size_t outcap)
{
	unsigned char *plain = NULL;
	size_t plainlen;
	int r;

	if (blob == NULL || out == NULL)
		return SHK_ERR_INVAL;
	/* ssh-keygen fingerprints a certificate by its plain key. */
	r = shk_key_cert_plain_blob(blob, len, &plain, &plainlen);
	if (r == SHK_OK) {
		r = fp_raw(plain, plainlen, kind, out, outcap);
		free(plain);
		return r;
	}
	if (r == SHK_ERR_NOMEM)
		return r;
	return fp_raw(blob, len, kind, out, outcap);
}
