/* SPDX-License-Identifier: MIT */
/*
 * The files source's whole-file walks: check (lint every line of every
 * configured file) and enumerate (export every entry). Each opens and
 * checks the files afresh, as the full trust check demands; neither uses
 * nor changes what lookups keep (khcache.c).
 */
#include "config.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "base64.h"
#include "files.h"
#include "fmap.h"
#include "key.h"
#include "knownhosts.h"
#include "log.h"
#include "shk.h"

/* ---- check ------------------------------------------------------------- */

struct lint {
	struct shk_log_module ml;
	const char *path;
	unsigned char *scratch; /* decoded key, grown as needed */
	size_t scratchcap;
	unsigned long problems;
	int nomem;
};

static int
check_line(const struct shk_kh_line *line, void *arg)
{
	struct lint *li = arg;
	struct shk_error err;
	unsigned char *p;
	size_t need, n;
	int r;

	if (line->status == SHK_KH_COMMENT)
		return 0;
	if (line->status == SHK_KH_INVALID) {
		li->problems++;
		shk_log_emit(&li->ml.log, SHK_LOG_WARN, SHK_ERR_PARSE, li->path, line->lineno, "%s",
			     line->why);
		return 0;
	}
	if (shk_kh_match_host(line->hosts, line->hostslen, "", 0) == SHK_ERR_PARSE) {
		li->problems++;
		shk_log_emit(&li->ml.log, SHK_LOG_WARN, SHK_ERR_PARSE, li->path, line->lineno,
			     "bad host hash");
		return 0;
	}
	memset(&err, 0, sizeof(err));
	need = SHK_B64_DECODED_MAX(line->b64len);
	if (need > li->scratchcap) {
		if ((p = realloc(li->scratch, need)) == NULL) {
			li->nomem = 1;
			return 1;
		}
		li->scratch = p;
		li->scratchcap = need;
	}
	if (shk_b64_decode(line->b64, line->b64len, li->scratch, li->scratchcap, &n) !=
	    SHK_OK) {
		r = shk_error_set(&err, SHK_ERR_PARSE, line->lineno,
				  "base64 does not decode");
	} else
		r = shk_key_check_blob(line->keytype, line->keytypelen, li->scratch, n, NULL,
				       &err);
	if (r != SHK_OK) {
		li->problems++;
		shk_log_emit(&li->ml.log, SHK_LOG_WARN, SHK_ERR_PARSE, li->path, line->lineno,
			     "bad key: %s", err.msg);
	}
	return 0;
}

int
files_check(void *state)
{
	const struct files_state *st = state;
	struct shk_fmap m;
	struct lint li;
	size_t i;
	int r;

	if (st == NULL)
		return SHK_ERR_INVAL;
	memset(&li, 0, sizeof(li));
	shk_log_module_init(&li.ml, st->env);
	for (i = 0; i < st->nfiles; i++) {
		if ((r = files_map_store(st, &li.ml.log, &st->files[i], &m)) != SHK_OK) {
			if (r != SHK_ERR_NOTFOUND)
				li.problems++;
			continue;
		}
		li.path = st->files[i].path;
		shk_kh_foreach(m.data, m.len, check_line, &li);
		shk_fmap_close(&m);
		if (li.nomem)
			break;
	}
	free(li.scratch);
	if (li.nomem)
		return SHK_ERR_NOMEM;
	return li.problems > INT_MAX ? INT_MAX : (int)li.problems;
}

/* ---- enumerate (export) ------------------------------------------------- */

struct walk {
	const struct files_state *st;
	const char *path;
	int (*cb)(void *arg, const char *names, const struct shk_module_key *key);
	void *arg;
	int rc; /* the callback's non-zero answer, or a negative status */
};

static int
walk_line(const struct shk_kh_line *line, void *arg)
{
	struct walk *w = arg;
	struct shk_module_key mk;
	struct shk_key *key = NULL;
	struct shk_error err;
	char *names;

	if (line->status != SHK_KH_ENTRY)
		return 0;
	memset(&err, 0, sizeof(err));
	/* Bad keys are check()'s business; enumeration skips them. */
	if (shk_key_from_b64(line->keytype, line->keytypelen, line->b64, line->b64len,
			     line->comment, line->commentlen, &key, &err) != SHK_OK)
		return 0;
	if ((names = strndup(line->hosts, line->hostslen)) == NULL) {
		shk_key_free(key);
		w->rc = SHK_ERR_NOMEM;
		return 1;
	}
	memset(&mk, 0, sizeof(mk));
	mk.type = key->type;
	mk.blob = key->blob;
	mk.bloblen = key->bloblen;
	mk.marker = line->marker;
	mk.origin = w->path;
	mk.line = line->lineno;
	mk.comment = key->comment;
	w->rc = w->cb(w->arg, names, &mk);
	free(names);
	shk_key_free(key);
	return w->rc != 0;
}

int
files_enumerate(void *state,
		int (*cb)(void *arg, const char *names, const struct shk_module_key *key),
		void *arg)
{
	const struct files_state *st = state;
	struct shk_log_module ml;
	struct shk_fmap m;
	struct walk w;
	size_t i;

	if (st == NULL || cb == NULL)
		return SHK_ERR_INVAL;
	memset(&w, 0, sizeof(w));
	w.st = st;
	w.cb = cb;
	w.arg = arg;
	shk_log_module_init(&ml, st->env);
	for (i = 0; i < st->nfiles && w.rc == 0; i++) {
		if (files_map_store(st, &ml.log, &st->files[i], &m) != SHK_OK)
			continue;
		w.path = st->files[i].path;
		shk_kh_foreach(m.data, m.len, walk_line, &w);
		shk_fmap_close(&m);
	}
	return w.rc;
}
