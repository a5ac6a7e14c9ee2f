/* SPDX-License-Identifier: MIT */
/*
 * Host patterns and hashed host fields. Input: "NAME\nFIELD". The field
 * is matched as a pattern list and as a known_hosts host field; NAME is
 * hashed with a fixed salt and its own hash must match it.
 */
#include "config.h"

#include "fuzz.h"
#include "knownhosts.h"
#include "match.h"
#include "shk.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned char salt[SHK_SHA1_LEN] = {
		1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20,
	};
	const uint8_t *nl = memchr(data, '\n', size);
	size_t namelen = nl != NULL ? (size_t)(nl - data) : size;
	size_t fieldlen = nl != NULL ? size - namelen - 1 : 0;
	char *name = fuzz_dup(data, namelen);
	char *field = fuzz_dup(nl != NULL ? nl + 1 : data, fieldlen);
	char hashed[64];
	int m;

	m = shk_match_hostlist(name, namelen, field, fieldlen);
	FUZZ_ASSERT(m == 1 || m == 0 || m == -1);
	m = shk_match_pattern(name, namelen, field, fieldlen);
	FUZZ_ASSERT(m == 1 || m == 0);
	/* A pattern matches itself when it holds no wildcard. */
	if (fieldlen > 0 && memchr(field, '*', fieldlen) == NULL &&
	    memchr(field, '?', fieldlen) == NULL)
		FUZZ_ASSERT(shk_match_pattern(field, fieldlen, field, fieldlen) == 1);
	m = shk_kh_match_host(field, fieldlen, name, namelen);
	FUZZ_ASSERT(m == 1 || m == 0 || m == -1 || m == SHK_ERR_PARSE);
	FUZZ_ASSERT(shk_kh_hash_name(salt, name, namelen, hashed, sizeof(hashed)) == SHK_OK);
	FUZZ_ASSERT(strlen(hashed) == 60);
	FUZZ_ASSERT(shk_kh_match_host(hashed, strlen(hashed), name, namelen) == 1);
	free(name);
	free(field);
	return 0;
}
