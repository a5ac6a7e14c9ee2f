/* SPDX-License-Identifier: MIT */
/* Tectia-style store names: salt files and directory entries. */
#include "config.h"

#include "fuzz.h"
#include "hostspec.h"
#include "shk.h"
#include "ssh2name.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char salt[SHK_SSH2_SALT_LEN];
	struct shk_error err;
	char *raw = fuzz_dup(data, size), *name = fuzz_cstr(data, size), text[66],
	     host[SHK_HOST_MAX + 1], again[SHK_SSH2_PLAIN_NAME_MAX];
	unsigned int port = 0;
	enum shk_ssh2_kind kind;

	memset(&err, 0, sizeof(err));
	if (shk_ssh2_salt_parse(raw, size, salt, &err) == SHK_OK) {
		unsigned char back[SHK_SSH2_SALT_LEN];

		shk_ssh2_salt_format(salt, text);
		FUZZ_ASSERT(shk_ssh2_salt_parse(text, strlen(text), back, &err) == SHK_OK);
		FUZZ_ASSERT(memcmp(back, salt, sizeof(salt)) == 0);
	} else {
		FUZZ_ASSERT(err.msg[0] != '\0');
	}
	kind = shk_ssh2_classify(name, &port, host, sizeof(host));
	if (kind == SHK_SSH2_PLAIN) {
		/* A plain name we accept never leads outside the directory. */
		FUZZ_ASSERT(strchr(name, '/') == NULL);
		FUZZ_ASSERT(port >= 1 && port <= 65535);
		FUZZ_ASSERT(strchr(host, '/') == NULL);
		if (shk_ssh2_plain_name(host, port, again, sizeof(again)) == SHK_OK)
			(void)again;
	}
	free(raw);
	free(name);
	return 0;
}
