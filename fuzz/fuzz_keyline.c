/* SPDX-License-Identifier: MIT */
/* OpenSSH one-line public keys "TYPE BASE64 [COMMENT]", through the
 * internal and the public parser, then everything the CLI prints. */
#include "config.h"

#include "fingerprint.h"
#include "fuzz.h"
#include "key.h"
#include "shk.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct shk_error err;
	struct shk_key *key = NULL, *key2 = NULL;
	char *buf = fuzz_dup(data, size), *fp;
	unsigned char *plain;
	size_t plainlen, k;
	int r, r2;

	memset(&err, 0, sizeof(err));
	r = shk_key_from_line(buf, size, &key, &err);
	r2 = shk_key_parse(buf, size, &key2);
	FUZZ_ASSERT((r == SHK_OK) == (r2 == SHK_OK));
	if (r == SHK_OK) {
		FUZZ_ASSERT(shk_key_equal_blob(key->type, key->blob, key->bloblen,
					       key2->type, key2->blob, key2->bloblen));
		(void)shk_key_bits(key);
		for (k = 0; k < 3; k++) {
			fp = NULL;
			FUZZ_ASSERT(shk_key_fingerprint(key, (enum shk_fp_kind)k, &fp) ==
				    SHK_OK);
			FUZZ_ASSERT(fp != NULL && strlen(fp) < SHK_FP_MAX);
			free(fp);
		}
		plain = NULL;
		if (shk_key_cert_plain_blob(key->blob, key->bloblen, &plain, &plainlen) ==
		    SHK_OK)
			free(plain);
	} else {
		FUZZ_ASSERT(key == NULL && err.msg[0] != '\0');
	}
	shk_key_free(key);
	shk_key_free(key2);
	free(buf);
	return 0;
}
