/* SPDX-License-Identifier: MIT */
/* Strict base64: what decodes must encode back to the same text (modulo
 * optional padding), and encoding then decoding is the identity. */
#include "config.h"

#include "base64.h"
#include "fuzz.h"
#include "shk.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *in = fuzz_dup(data, size), *enc;
	unsigned char *out, *back;
	size_t outlen = 0, enclen, backlen = 0;
	int r;

	out = malloc(SHK_B64_DECODED_MAX(size));
	enc = malloc(SHK_B64_ENCODED_SIZE(size));
	back = malloc(size + 1);
	FUZZ_ASSERT(out != NULL && enc != NULL && back != NULL);
	r = shk_b64_decode(in, size, out, SHK_B64_DECODED_MAX(size), &outlen);
	FUZZ_ASSERT(r == SHK_OK || r == SHK_ERR_PARSE);
	if (r == SHK_OK) {
		FUZZ_ASSERT(outlen <= SHK_B64_DECODED_MAX(size));
		free(enc);
		enc = malloc(SHK_B64_ENCODED_SIZE(outlen));
		FUZZ_ASSERT(enc != NULL);
		enclen = shk_b64_encode(out, outlen, enc, SHK_B64_ENCODED_SIZE(outlen), 0);
		/* Unpadded re-encoding is a prefix of the input. */
		FUZZ_ASSERT(enclen <= size && memcmp(enc, in, enclen) == 0);
	}
	/* Identity the other way round. */
	free(enc);
	enc = malloc(SHK_B64_ENCODED_SIZE(size));
	FUZZ_ASSERT(enc != NULL);
	enclen = shk_b64_encode(data, size, enc, SHK_B64_ENCODED_SIZE(size), 1);
	FUZZ_ASSERT(enclen == SHK_B64_ENCODED_SIZE(size) - 1);
	FUZZ_ASSERT(shk_b64_decode(enc, enclen, back, size + 1, &backlen) == SHK_OK);
	FUZZ_ASSERT(backlen == size && (size == 0 || memcmp(back, data, size) == 0));
	free(in);
	free(out);
	free(enc);
	free(back);
	return 0;
}
