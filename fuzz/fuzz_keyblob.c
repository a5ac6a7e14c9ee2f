/* SPDX-License-Identifier: MIT */
/*
 * RFC 4253 key blobs, as they come out of base64. The first input byte
 * picks the claimed type (or the blob's own leading string), the rest is
 * the blob; shk_key_from_blob() reads the blob's own type.
 */
#include "config.h"

#include "fingerprint.h"
#include "fuzz.h"
#include "key.h"
#include "shk.h"

static const char *const types[] = {
	"ssh-rsa",
	"ssh-dss",
	"ecdsa-sha2-nistp256",
	"ecdsa-sha2-nistp384",
	"ecdsa-sha2-nistp521",
	"ssh-ed25519",
	"sk-ecdsa-sha2-nistp256@openssh.com",
	"sk-ssh-ed25519@openssh.com",
	"ssh-ed25519-cert-v01@openssh.com",
	"ssh-rsa-cert-v01@openssh.com",
	"ecdsa-sha2-nistp256-cert-v01@openssh.com",
	"x-unknown@example.com",
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct shk_error err;
	struct shk_key *key = NULL;
	const unsigned char *blob;
	unsigned char *copy, *plain = NULL;
	char fp[SHK_FP_MAX], *type;
	size_t bloblen, typelen, plainlen, k;
	unsigned int bits = 0;
	uint8_t pick;

	if (size < 1)
		return 0;
	pick = data[0];
	bloblen = size - 1;
	copy = (unsigned char *)fuzz_dup(data + 1, bloblen);
	blob = copy;
	if (pick < SHK_ARRAY_SIZE(types)) {
		type = fuzz_cstr((const uint8_t *)types[pick], strlen(types[pick]));
		typelen = strlen(type);
	} else if (bloblen >= 4) {
		/* The blob's own claim. */
		typelen = (size_t)blob[0] << 24 | (size_t)blob[1] << 16 |
			  (size_t)blob[2] << 8 | blob[3];
		if (typelen > bloblen - 4)
			typelen = bloblen - 4;
		type = fuzz_cstr(blob + 4, typelen);
	} else {
		type = fuzz_cstr(NULL, 0);
		typelen = 0;
	}
	memset(&err, 0, sizeof(err));
	if (shk_key_check_blob(type, typelen, blob, bloblen, &bits, &err) == SHK_OK) {
		FUZZ_ASSERT(shk_key_new(type, typelen, blob, bloblen, NULL, 0, &key) ==
			    SHK_OK);
		FUZZ_ASSERT(shk_key_bits(key) == bits);
		shk_key_free(key);
	} else {
		FUZZ_ASSERT(err.msg[0] != '\0');
	}
	/* The public constructor from a wire blob takes the blob's own type:
	 * what it accepts passes the check, canonical form included. */
	if (shk_key_from_blob(blob, bloblen, &key) == SHK_OK) {
		FUZZ_ASSERT(key->bloblen <= bloblen);
		FUZZ_ASSERT(shk_key_check_blob(key->type, strlen(key->type), key->blob,
					       key->bloblen, NULL, NULL) == SHK_OK);
		shk_key_free(key);
		key = NULL;
	}
	for (k = 0; k < 3; k++)
		FUZZ_ASSERT(shk_fingerprint_blob(blob, bloblen, (enum shk_fp_kind)k, fp,
						 sizeof(fp)) == SHK_OK);
	if (shk_key_cert_plain_blob(blob, bloblen, &plain, &plainlen) == SHK_OK) {
		FUZZ_ASSERT(plainlen <= bloblen);
		free(plain);
	}
	free(type);
	free(copy);
	return 0;
}
