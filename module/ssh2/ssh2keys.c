/* SPDX-License-Identifier: MIT */
/*
 * The keys of one file of a ssh2 directory. The file is opened and
 * checked at every lookup like any store file; its keys are then parsed,
 * or taken from the decoded-key cache (keycache.h) when a file of the
 * same name and the same content, compared in full, was parsed before
 * without a word said. Such a parse depends on nothing but the content,
 * so the cache gives exactly what parsing again would, and a file whose
 * parse said something (a bad block, a long line) is parsed, and says
 * it, at every lookup as before.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "key.h"
#include "keycache.h"
#include "keyfile.h"
#include "keyvec.h"
#include "log.h"
#include "shk.h"
#include "ssh2.h"

/* How a key is kept in the cache: this header, then its type, blob and
 * comment bytes. Only files of at most SHK_KEYCACHE_TEXT_MAX bytes are
 * kept, so every length and line fits. */
struct kc_rec {
	uint32_t line, typelen, bloblen;
	uint32_t commentlen; /* UINT32_MAX: no comment */
};

/* Room for a file's keys in the cache: more than any real file needs
 * (RFC 4716 armour and base64 are larger than the blobs). A file whose
 * keys would need more is not kept. */
#define KC_VALUE_MAX(filelen) (2 * (filelen) + sizeof(struct kc_rec))

static int
ssh2_type_ok(const struct ssh2_collect *c, const char *type, size_t typelen)
{
	return c->keytype == NULL ||
	       (strlen(c->keytype) == typelen && memcmp(c->keytype, type, typelen) == 0);
}

/* Keep a file's keys (all of them, whatever type was asked for) in the
 * cache under its name and content; a file too large is not kept. */
static void
ssh2_kc_put(struct shk_keycache *kc, const char *name, const struct shk_fmap *m,
	    const struct shk_keyvec *all)
{
	struct kc_rec rec;
	unsigned char *val, *p;
	const struct shk_key *k;
	size_t cap, i;

	if (kc == NULL || m->len > SHK_KEYCACHE_TEXT_MAX ||
	    (val = malloc(cap = KC_VALUE_MAX(m->len))) == NULL)
		return;
	for (i = 0, p = val; i < all->n; i++) {
		k = all->v[i];
		rec.line = (uint32_t)all->line[i];
		rec.typelen = (uint32_t)strlen(k->type);
		rec.bloblen = (uint32_t)k->bloblen;
		rec.commentlen = k->comment != NULL ? (uint32_t)strlen(k->comment) : UINT32_MAX;
		if ((size_t)(val + cap - p) < sizeof(rec) + rec.typelen + rec.bloblen +
						  (k->comment != NULL ? rec.commentlen : 0))
			goto out;
		memcpy(p, &rec, sizeof(rec));
		p += sizeof(rec);
		memcpy(p, k->type, rec.typelen);
		p += rec.typelen;
		memcpy(p, k->blob, rec.bloblen);
		p += rec.bloblen;
		if (k->comment != NULL) {
			memcpy(p, k->comment, rec.commentlen);
			p += rec.commentlen;
		}
	}
	shk_keycache_put(kc, name, strlen(name), m->data != NULL ? m->data : "", m->len, val,
			 (size_t)(p - val));
out:
	free(val);
}

/*
 * The keys the cache holds for the file (name, m), those of c's type
 * into c. 1 on a hit, with *nfound the number of keys in the file; 0 on
 * a miss; SHK_ERR_NOMEM.
 */
static int
ssh2_kc_get(struct shk_keycache *kc, const char *name, const struct shk_fmap *m,
	    struct ssh2_collect *c, size_t *nfound)
{
	struct kc_rec rec;
	struct shk_key *key;
	unsigned char *val;
	const unsigned char *p, *end, *type, *blob, *comment;
	size_t len;
	int r = 1;

	if (kc == NULL || m->len > SHK_KEYCACHE_TEXT_MAX ||
	    (val = malloc(KC_VALUE_MAX(m->len))) == NULL)
		return 0;
	if (!shk_keycache_get(kc, name, strlen(name), m->data != NULL ? m->data : "", m->len,
			      val, KC_VALUE_MAX(m->len), &len)) {
		free(val);
		return 0;
	}
	*nfound = 0;
	for (p = val, end = val + len; p < end && r == 1; (*nfound)++) {
		memcpy(&rec, p, sizeof(rec));
		type = p + sizeof(rec);
		blob = type + rec.typelen;
		comment = rec.commentlen != UINT32_MAX ? blob + rec.bloblen : NULL;
		p = blob + rec.bloblen + (comment != NULL ? rec.commentlen : 0);
		if (!ssh2_type_ok(c, (const char *)type, rec.typelen))
			continue;
		if (shk_key_new((const char *)type, rec.typelen, blob, rec.bloblen,
				(const char *)comment, comment != NULL ? rec.commentlen : 0,
				&key) != SHK_OK ||
		    shk_keyvec_push(&c->kv, key, rec.line) != SHK_OK) {
			c->nomem = 1;
			r = SHK_ERR_NOMEM;
		}
	}
	free(val);
	return r;
}

/* Move the keys of c's type from all into c; free the others. */
static int
ssh2_keep(struct ssh2_collect *c, struct shk_keyvec *all)
{
	size_t i;
	int r = SHK_OK;

	for (i = 0; i < all->n; i++) {
		if (r == SHK_OK && ssh2_type_ok(c, all->v[i]->type, strlen(all->v[i]->type)))
			r = shk_keyvec_push(&c->kv, all->v[i], all->line[i]);
		else
			shk_key_free(all->v[i]);
		all->v[i] = NULL;
	}
	all->n = 0;
	shk_keyvec_free(all);
	if (r != SHK_OK)
		c->nomem = 1;
	return r;
}

/* The keys of the mapped file: from the cache, else parsed (and kept
 * when the parse said nothing). */
static int
ssh2_file_keys(const struct ssh2_state *st, const char *name, const char *path,
	       const struct shk_fmap *m, struct shk_log_module *ml, struct ssh2_collect *c,
	       size_t *nfound)
{
	struct shk_keyvec all;
	unsigned long said = ml->nmsg;
	int r;

	if ((r = ssh2_kc_get(st->kc, name, m, c, nfound)) != 0)
		return r == 1 ? SHK_OK : r;
	memset(&all, 0, sizeof(all));
	r = shk_keyfile_parse(m->data != NULL ? m->data : "", m->len, path, &ml->log,
			      shk_keyvec_cb, &all, nfound);
	if (r != SHK_OK) {
		shk_keyvec_free(&all);
		return r;
	}
	if (ml->nmsg == said)
		ssh2_kc_put(st->kc, name, m, &all);
	return ssh2_keep(c, &all);
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
	r = ssh2_file_keys(st, name, path, &m, ml, c, &nfound);
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
