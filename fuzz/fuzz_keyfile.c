/* SPDX-License-Identifier: MIT */
/*
 * Key files: OpenSSH one-line keys and RFC 4716 blocks, as the ssh2
 * module and the CLI read them (and known_hosts lines, as fingerprint
 * reads them). Every key found is written back as an
 * RFC 4716 block, which must parse to the same type and blob.
 */
#include "config.h"

#include "fuzz.h"
#include "key.h"
#include "keyfile.h"
#include "log.h"
#include "rfc4716.h"
#include "shk.h"

static int
key_cb(void *arg, struct shk_key *key, unsigned long line)
{
	struct shk_error err;
	struct shk_key *back = NULL;
	char *text = NULL;
	size_t textlen = 0, consumed = 0;
	unsigned long lines = 0;

	(void)arg;
	FUZZ_ASSERT(line > 0);
	FUZZ_ASSERT(shk_rfc4716_format(key, &text, &textlen) == SHK_OK);
	FUZZ_ASSERT(strlen(text) == textlen);
	memset(&err, 0, sizeof(err));
	if (shk_rfc4716_parse_block(text, textlen, &back, &consumed, &lines, &err) !=
	    SHK_OK) {
		fprintf(stderr, "round trip failed: %s\n%s", err.msg, text);
		abort();
	}
	FUZZ_ASSERT(consumed == textlen);
	FUZZ_ASSERT(strcmp(back->type, key->type) == 0);
	FUZZ_ASSERT(back->bloblen == key->bloblen &&
		    memcmp(back->blob, key->blob, key->bloblen) == 0);
	shk_key_free(back);
	free(text);
	shk_key_free(key);
	return 0;
}

static void
drop(void *arg, const struct shk_diag *d)
{
	(void)arg;
	FUZZ_ASSERT(d->msg != NULL);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct shk_log log = {drop, NULL};
	struct shk_error err;
	struct shk_key *key = NULL;
	char *buf = fuzz_dup(data, size);
	size_t nfound = 0, consumed = 0;
	unsigned long lines = 0;

	FUZZ_ASSERT(shk_keyfile_parse(buf, size, "fuzz", &log, key_cb, NULL, &nfound) ==
		    SHK_OK);
	/* As the fingerprint command reads files: known_hosts lines too. */
	FUZZ_ASSERT(shk_keyfile_parse_listing(buf, size, "fuzz", &log, key_cb, NULL, &nfound) ==
		    SHK_OK);
	/* The block parser alone, also on input that does not start with
	 * BEGIN: it must say where to resume, within the input. */
	memset(&err, 0, sizeof(err));
	if (shk_rfc4716_parse_block(buf, size, &key, &consumed, &lines, &err) == SHK_OK)
		shk_key_free(key);
	FUZZ_ASSERT(consumed <= size);
	free(buf);
	return 0;
}
