/* SPDX-License-Identifier: MIT */
/* known_hosts files: line grammar, host fields (plain, patterns, hashed)
 * and the keys of entries, as the files module walks them. */
#include "config.h"

#include "fuzz.h"
#include "key.h"
#include "knownhosts.h"
#include "shk.h"

static const char *const names[] = {
	"host.example.com", "[host.example.com]:2222", "10.0.0.1", "[::1]:22", "a",
};

static int
line_cb(const struct shk_kh_line *l, void *arg)
{
	struct shk_error err;
	struct shk_key *key = NULL;
	size_t i;

	(void)arg;
	/* Every field points into the line. */
	FUZZ_ASSERT(l->raw != NULL || l->rawlen == 0);
	if (l->status == SHK_KH_INVALID) {
		FUZZ_ASSERT(l->why != NULL);
		return 0;
	}
	if (l->status != SHK_KH_ENTRY)
		return 0;
	FUZZ_ASSERT(l->hosts >= l->raw && l->hosts + l->hostslen <= l->raw + l->rawlen);
	FUZZ_ASSERT(l->keytype >= l->raw &&
		    l->keytype + l->keytypelen <= l->raw + l->rawlen);
	FUZZ_ASSERT(l->b64 >= l->raw && l->b64 + l->b64len <= l->raw + l->rawlen);
	FUZZ_ASSERT(l->comment >= l->raw &&
		    l->comment + l->commentlen <= l->raw + l->rawlen);
	for (i = 0; i < SHK_ARRAY_SIZE(names); i++) {
		int m = shk_kh_match_host(l->hosts, l->hostslen, names[i],
					  strlen(names[i]));

		FUZZ_ASSERT(m == 1 || m == 0 || m == -1 || m == SHK_ERR_PARSE);
	}
	memset(&err, 0, sizeof(err));
	if (shk_key_from_b64(l->keytype, l->keytypelen, l->b64, l->b64len, l->comment,
			     l->commentlen, &key, &err) == SHK_OK) {
		FUZZ_ASSERT(key != NULL && key->bloblen > 0);
		shk_key_free(key);
	}
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = fuzz_dup(data, size);

	FUZZ_ASSERT(shk_kh_foreach(buf, size, line_cb, NULL) == 0);
	free(buf);
	return 0;
}
