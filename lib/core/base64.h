/* SPDX-License-Identifier: MIT */
/* RFC 4648 base64, strict: no white space inside, padding only at the end. */
#ifndef SHK_BASE64_H
#define SHK_BASE64_H

#include <stddef.h>

/* Largest decoded size for inlen input characters. */
#define SHK_B64_DECODED_MAX(inlen) (((inlen) / 4 + 1) * 3)
/* Encoded size (with padding) plus the NUL. */
#define SHK_B64_ENCODED_SIZE(len) ((((len) + 2) / 3) * 4 + 1)

/*
 * Decode in[0..inlen) into out (capacity outcap). Padding is optional, but
 * when present must be correct; any other character is an error.
 * Returns SHK_OK, SHK_ERR_PARSE or SHK_ERR_RANGE.
 */
int shk_b64_decode(const char *in, size_t inlen, unsigned char *out, size_t outcap,
		   size_t *outlen);

/* Encode into out (NUL-terminated); pad selects '=' padding.
 * Returns the length written (without NUL), or 0 if outcap is too small. */
size_t shk_b64_encode(const unsigned char *in, size_t len, char *out, size_t outcap,
		      int pad);

#endif
