/* SPDX-License-Identifier: MIT */
/*
 * A real source module whose answers come from a file, for testing the
 * dispatcher: <root>/scripted/<NAME>, lines
 *	status SUCCESS|NOTFOUND|UNAVAIL|TRYAGAIN
 *	verdict N          (verify-capable build only: the verdict to give)
 *	key [@fallback ][@revoked |@cert-authority ]TYPE BASE64
 *	repeat N           (repeat the keys N times: large results)
 * Built several times under different names (SCRIPTED_NAME), with or
 * without verify (SCRIPTED_VERIFY) and with a wrong ABI (SCRIPTED_ABI).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sshhostkeys/module.h>

#include "base64.h"
#include "carve.h"

#ifndef SCRIPTED_ABI
#define SCRIPTED_ABI SHK_MODULE_ABI_VERSION
#endif

struct scripted {
	char path[4096];
};

static int
scripted_open(const struct shk_module_env *env, void **state)
{
	struct scripted *s;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return SHK_ERR_NOMEM;
	snprintf(s->path, sizeof(s->path), "%s/scripted/%s", env->root, SCRIPTED_NAME);
	*state = s;
	return SHK_OK;
}

static void
scripted_close(void *state)
{
	free(state);
}

static enum shk_nss_status
status_from(const char *w)
{
	if (strcmp(w, "SUCCESS") == 0)
		return SHK_NSS_SUCCESS;
	if (strcmp(w, "UNAVAIL") == 0)
		return SHK_NSS_UNAVAIL;
	if (strcmp(w, "TRYAGAIN") == 0)
		return SHK_NSS_TRYAGAIN;
	return SHK_NSS_NOTFOUND;
}

static enum shk_nss_status
scripted_answer(struct scripted *s, const struct shk_module_query *q, int *verdict,
		struct shk_module_result *res, char *buf, size_t buflen, int *errnop)
{
	char line[8192], keys[64][8192];
	enum shk_nss_status st = SHK_NSS_NOTFOUND;
	struct shk_carve c;
	size_t nk = 0, i, rep, repeat = 1;
	FILE *f;

	if ((f = fopen(s->path, "re")) == NULL)
		return SHK_NSS_UNAVAIL;
	while (fgets(line, sizeof(line), f) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if (strncmp(line, "status ", 7) == 0)
			st = status_from(line + 7);
		else if (strncmp(line, "verdict ", 8) == 0 && verdict != NULL)
			*verdict = atoi(line + 8);
		else if (strncmp(line, "repeat ", 7) == 0)
			repeat = (size_t)atoi(line + 7);
		else if (strncmp(line, "key ", 4) == 0 && nk < 64)
			snprintf(keys[nk++], sizeof(keys[0]), "%s", line + 4);
	}
	fclose(f);
	if (st != SHK_NSS_SUCCESS) {
		if (st == SHK_NSS_TRYAGAIN)
			*errnop = EAGAIN;
		return st;
	}
	shk_carve_init(&c, buf, buflen);
	res->nkeys = nk * repeat;
	res->keys = shk_carve_alloc(&c, res->nkeys * sizeof(*res->keys),
				    _Alignof(struct shk_module_key));
	for (rep = 0; rep < repeat && res->keys != NULL; rep++) {
		for (i = 0; i < nk; i++) {
			struct shk_module_key *k = &res->keys[rep * nk + i];
			char *p = keys[i], *type, *b64;
			unsigned char *blob;
			size_t bl;

			memset(k, 0, sizeof(*k));
			if (strncmp(p, "@fallback ", 10) == 0) {
				k->port_fallback = 1;
				p += 10;
			}
			if (strncmp(p, "@revoked ", 9) == 0) {
				k->marker = SHK_MARKER_REVOKED;
				p += 9;
			} else if (strncmp(p, "@cert-authority ", 16) == 0) {
				k->marker = SHK_MARKER_CERT_AUTHORITY;
				p += 16;
			}
			type = p;
			if ((b64 = strchr(p, ' ')) == NULL)
				continue;
			k->type = shk_carve_strndup(&c, type, (size_t)(b64 - type));
			b64++;
			blob = shk_carve_alloc(&c, strlen(b64), 1);
			if (blob == NULL || shk_b64_decode(b64, strlen(b64), blob, strlen(b64), &bl) != SHK_OK)
				continue;
			k->blob = blob;
			k->bloblen = bl;
			k->origin = shk_carve_strndup(&c, s->path, strlen(s->path));
			k->line = i + 1;
			(void)q;
		}
	}
	if (c.overflow) {
		*errnop = ERANGE;
		return SHK_NSS_TRYAGAIN;
	}
	return SHK_NSS_SUCCESS;
}

static enum shk_nss_status
scripted_lookup(void *state, const struct shk_module_query *q, struct shk_module_result *res,
		char *buf, size_t buflen, int *errnop)
{
	return scripted_answer(state, q, NULL, res, buf, buflen, errnop);
}

#ifdef SCRIPTED_VERIFY
static enum shk_nss_status
scripted_verify(void *state, const struct shk_module_query *q, const char *type,
		const unsigned char *blob, size_t bloblen, int *verdict,
		struct shk_module_result *res, char *buf, size_t buflen, int *errnop)
{
	enum shk_nss_status st = scripted_answer(state, q, verdict, res, buf, buflen, errnop);

	/* A verify-only source gives a verdict, not keys. */
	res->nkeys = 0;
	return st;
}
#endif

static const struct shk_module scripted_module = {
	.abi_version = SCRIPTED_ABI,
	.name = SCRIPTED_NAME,
	.open = scripted_open,
	.close = scripted_close,
	.lookup = scripted_lookup,
#ifdef SCRIPTED_VERIFY
	.verify = scripted_verify,
#endif
};

__attribute__((visibility("default"))) const struct shk_module *sshhostkeys_module_v1(void);

const struct shk_module *
sshhostkeys_module_v1(void)
{
	return &scripted_module;
}
