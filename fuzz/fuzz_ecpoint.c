/* SPDX-License-Identifier: MIT */
/*
 * EC public points (lib/core/ecpoint.c): the input is the point, checked for
 * each curve against the OpenSSL check key.c made before (tests/ecref.h).
 * Any difference in the status or the message aborts.
 */
#include "config.h"

#include "../tests/ecref.h"
#include "ecpoint.h"
#include "fuzz.h"
#include "shk.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum shk_ec_curve curves[] = {SHK_EC_P256, SHK_EC_P384, SHK_EC_P521};
	struct shk_error ours, ref;
	unsigned char *pt = (unsigned char *)fuzz_dup(data, size);
	size_t i;
	int r1, r2;

	for (i = 0; i < SHK_ARRAY_SIZE(curves); i++) {
		memset(&ours, 0, sizeof(ours));
		memset(&ref, 0, sizeof(ref));
		r1 = shk_ec_point_check(curves[i], pt, size, &ours);
		r2 = ecref_check(curves[i], pt, size, &ref);
		if (r2 == SHK_ERR_NOMEM)
			continue; /* OpenSSL ran out; no verdict to compare */
		FUZZ_ASSERT(r1 == r2);
		FUZZ_ASSERT(r1 == SHK_OK || r1 == SHK_ERR_PARSE);
		FUZZ_ASSERT(r1 == SHK_OK || strcmp(ours.msg, ref.msg) == 0);
	}
	free(pt);
	return 0;
}
