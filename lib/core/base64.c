/* SPDX-License-Identifier: MIT */
#include "config.h"

#include "base64.h"
#include "shk.h"

static const char b64_alphabet[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Value of a base64 digit, or -1. */
static int
b64_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

int
shk_b64_decode(const char *in, size_t inlen, unsigned char *out, size_t outcap,
	       size_t *outlen)
{
	size_t i, o = 0, npad = 0, ndig;
	unsigned int acc = 0;
	int bits = 0, v;

	/* Padding: at most two '=' and only at the very end. */
	while (npad < inlen && npad < 3 && in[inlen - 1 - npad] == '=')
		npad++;
	if (npad > 2)
		return SHK_ERR_PARSE;
	ndig = inlen - npad;
	if (npad > 0 && inlen % 4 != 0)
		return SHK_ERR_PARSE;
	if (ndig % 4 == 1)
		return SHK_ERR_PARSE;
	for (i = 0; i < ndig; i++) {
		if ((v = b64_value((unsigned char)in[i])) < 0)
			return SHK_ERR_PARSE;
		acc = (acc << 6) | (unsigned int)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (o >= outcap)
				return SHK_ERR_RANGE;
			out[o++] = (unsigned char)(acc >> bits);
			acc &= (1u << bits) - 1;
		}
	}
	/* Leftover bits must be zero, as in canonical encodings. */
	if (acc != 0)
		return SHK_ERR_PARSE;
	*outlen = o;
	return SHK_OK;
}

size_t
shk_b64_encode(const unsigned char *in, size_t len, char *out, size_t outcap, int pad)
{
	size_t i, o = 0, need = ((len + 2) / 3) * 4 + 1;

	if (outcap < need)
		return 0;
	for (i = 0; i + 2 < len; i += 3) {
		unsigned int v = (unsigned)in[i] << 16 | (unsigned)in[i + 1] << 8 | in[i + 2];

		out[o++] = b64_alphabet[v >> 18];
		out[o++] = b64_alphabet[(v >> 12) & 63];
		out[o++] = b64_alphabet[(v >> 6) & 63];
		out[o++] = b64_alphabet[v & 63];
	}
	if (i < len) {
		unsigned int v = (unsigned)in[i] << 16;

		if (i + 1 < len)
			v |= (unsigned)in[i + 1] << 8;
		out[o++] = b64_alphabet[v >> 18];
		out[o++] = b64_alphabet[(v >> 12) & 63];
		if (i + 1 < len)
			out[o++] = b64_alphabet[(v >> 6) & 63];
		else if (pad)
			out[o++] = '=';
		if (pad)
			out[o++] = '=';
	}
	out[o] = '\0';
	return o;
}
