/* SPDX-License-Identifier: MIT */
/* The public key API: thin wrappers over key.c, keyfile.c, fingerprint.c. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fingerprint.h"
#include "fmap.h"
#include "key.h"
#include "keyfile.h"
#include "keyvec.h"
#include "log.h"
#include "privfs.h"
#include "shk.h"

int
shk_key_parse(const char *text, size_t len, struct shk_key **out)
{
	if (out == NULL)
		return SHK_ERR_INVAL;
	*out = NULL;
	if (text == NULL)
		return SHK_ERR_INVAL;
	return shk_key_from_line(text, len, out, NULL);
}

int
shk_key_from_blob(const unsigned char *blob, size_t len, struct shk_key **out)
{
	if (out == NULL)
		return SHK_ERR_INVAL;
	*out = NULL;
	if (blob == NULL)
		return SHK_ERR_INVAL;
	return shk_key_from_wire(blob, len, out, NULL);
}

static int
key_load_file(const char *path, shk_log_fn *log, void *log_arg, struct shk_key ***keys,
	      size_t *nkeys)
{
	struct shk_log lg = {log, log_arg};
	struct shk_fmap m;
	struct shk_error err;
	struct shk_keyvec a = {NULL, NULL, 0, 0};
	int r, mapped = 0;

	if (keys == NULL || nkeys == NULL)
		return SHK_ERR_INVAL;
	*keys = NULL;
	*nkeys = 0;
	if (path == NULL)
		return SHK_ERR_INVAL;
	memset(&err, 0, sizeof(err));
	if ((r = shk_fmap_open(path, &m, &err)) != SHK_OK) {
		shk_log_error(&lg, SHK_LOG_ERR, path, &err);
		goto out;
	}
	mapped = 1;
	r = shk_keyfile_parse(m.data, m.len, path, &lg, shk_keyvec_cb, &a, NULL);
	if (r != SHK_OK)
		goto out;
	if (a.n == 0) {
		shk_log_emit(&lg, SHK_LOG_ERR, SHK_ERR_NOTFOUND, path, 0, "no public key found");
		r = SHK_ERR_NOTFOUND;
		goto out;
	}
	*keys = shk_keyvec_take(&a, nkeys);
out:
	if (mapped)
		shk_fmap_close(&m);
	shk_keyvec_free(&a);
	return r;
}

/* The caller names the file: in a set-ID process it is opened with the
 * real user's rights only (privfs.h). */
int
shk_key_load_file(const char *path, shk_log_fn *log, void *log_arg, struct shk_key ***keys,
		  size_t *nkeys)
{
	struct shk_log lg = {log, log_arg};
	int r;

	SHK_PRIVFS_CALL(r, &lg, key_load_file(path, log, log_arg, keys, nkeys));
	return r;
}

void
shk_key_array_free(struct shk_key **keys, size_t nkeys)
{
	size_t i;

	if (keys == NULL)
		return;
	for (i = 0; i < nkeys; i++)
		shk_key_free(keys[i]);
	free(keys);
}

unsigned int
shk_key_bits(const struct shk_key *key)
{
	unsigned int bits = 0;

	if (key == NULL || key->type == NULL ||
	    shk_key_check_blob(key->type, strlen(key->type), key->blob, key->bloblen, &bits,
			       NULL) != SHK_OK)
		return 0;
	return bits;
}

int
shk_key_fingerprint(const struct shk_key *key, enum shk_fp_kind kind, char **out)
{
	char buf[SHK_FP_MAX];
	int r;

	if (out == NULL)
		return SHK_ERR_INVAL;
	*out = NULL;
	if (key == NULL || key->blob == NULL)
		return SHK_ERR_INVAL;
	if ((r = shk_fingerprint_blob(key->blob, key->bloblen, kind, buf, sizeof(buf))) !=
	    SHK_OK)
		return r;
	if ((*out = strdup(buf)) == NULL)
		return SHK_ERR_NOMEM;
	return SHK_OK;
}
