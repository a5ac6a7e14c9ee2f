/* SPDX-License-Identifier: MIT */
/*
 * The keys of one file of a ssh2 directory, opened and checked at every
 * lookup like any store file, then parsed.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "key.h"
#include "keyfile.h"
#include "keyvec.h"
#include "log.h"
#include "shk.h"
#include "ssh2.h"

static int
ssh2_collect_cb(void *arg, struct shk_key *key, unsigned long line)
{
	struct ssh2_collect *c = arg;

	if (c->keytype != NULL && strcmp(key->type, c->keytype) != 0) {
		shk_key_free(key);
		return 0;
	}
	if (shk_keyvec_push(&c->kv, key, line) != SHK_OK) {
		c->nomem = 1;
		return SHK_ERR_NOMEM;
	}
	return 0;
}

int
ssh2_try_file(const struct ssh2_state *st, const struct ssh2_dir *d, int dirfd,
	      const char *name, struct shk_log_module *ml, struct ssh2_collect *c, char *path,
	      size_t pathcap)
{
	const struct shk_log *log = &ml->log;
	struct shk_fmap m;
	size_t nfound = 0;
	int r;

	if (ssh2_join(path, pathcap, d->path, name) != SHK_OK) {
		shk_log_emit(log, SHK_LOG_WARN, SHK_ERR_RANGE, d->path, 0,
			     "path too long for %s", name);
		return SHK_ERR_NOTFOUND;
	}
	if (ssh2_map(d, dirfd, name, path, st->env->uid, log, "refused", &m) != SHK_OK)
		return SHK_ERR_NOTFOUND;
	r = shk_keyfile_parse(m.data != NULL ? m.data : "", m.len, path, log, ssh2_collect_cb,
			      c, &nfound);
	shk_fmap_close(&m);
	if (r == SHK_ERR_NOMEM || c->nomem)
		return SHK_ERR_NOMEM;
	/* The file decides even when it holds no usable key: Tectia
	 * identity is the file's existence, and falling through to another
	 * file would make a broken entry silently widen what is accepted. */
	if (nfound == 0)
		shk_log_emit(log, SHK_LOG_WARN, SHK_ERR_NOTFOUND, path, 0, "holds no key");
	return SHK_OK;
}
