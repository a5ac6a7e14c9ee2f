/* SPDX-License-Identifier: MIT */
/*
 * The lookup order: ask each configured source in turn, follow the action
 * items, and always collect revocations from every source (an @revoked
 * key anywhere is revoked, whatever the action items say).
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "context.h"
#include "fmap.h"
#include "hostspec.h"

/* First buffer handed to a module, and the most we ever grow to. */
#define DISPATCH_BUF_START 16384
#define DISPATCH_BUF_MAX ((size_t)1 << 30)

/* Keys gathered from the sources, with the buffers they point into. */
struct collect {
	struct shk_hostkey *keys;
	unsigned char *fallback; /* per key: offered only as port fallback */
	size_t n, cap;
	char **bufs;
	size_t nbufs, bufcap;
};

struct keylist_priv {
	struct shk_keylist pub; /* first: freed through the public pointer */
	struct collect c;
};

struct verification_priv {
	struct shk_verification pub; /* first */
	struct collect c;
};

static void
collect_free(struct collect *c)
{
	size_t i;

	for (i = 0; i < c->nbufs; i++)
		free(c->bufs[i]);
	free(c->bufs);
	free(c->keys);
	free(c->fallback);
	memset(c, 0, sizeof(*c));
}

static int
collect_keep_buf(struct collect *c, char *buf)
{
	char **nb;

	if (c->nbufs == c->bufcap) {
		size_t ncap = c->bufcap ? 2 * c->bufcap : 8;

		if ((nb = reallocarray(c->bufs, ncap, sizeof(*nb))) == NULL)
			return SHK_ERR_NOMEM;
		c->bufs = nb;
		c->bufcap = ncap;
	}
	c->bufs[c->nbufs++] = buf;
	return SHK_OK;
}

static int
collect_add(struct collect *c, const struct shk_module_key *mk, const char *source)
{
	struct shk_hostkey *nk;
	unsigned char *nf;

	if (c->n == c->cap) {
		size_t ncap = c->cap ? 2 * c->cap : 16;

		if ((nk = reallocarray(c->keys, ncap, sizeof(*nk))) == NULL)
			return SHK_ERR_NOMEM;
		c->keys = nk;
		if ((nf = realloc(c->fallback, ncap)) == NULL)
			return SHK_ERR_NOMEM;
		c->fallback = nf;
		c->cap = ncap;
	}
	nk = &c->keys[c->n];
	nk->type = mk->type;
	nk->blob = mk->blob;
	nk->bloblen = mk->bloblen;
	nk->marker = (enum shk_marker)mk->marker;
	nk->source = source;
	nk->origin = mk->origin;
	nk->line = mk->line;
	nk->comment = mk->comment;
	c->fallback[c->n] = mk->port_fallback != 0;
	c->n++;
	return SHK_OK;
}

/* Drop port-fallback keys: they are evidence for verify only. */
static void
collect_drop_fallback(struct collect *c)
{
	size_t i, o = 0;

	for (i = 0; i < c->n; i++) {
		if (c->fallback[i])
			continue;
		c->keys[o] = c->keys[i];
		c->fallback[o] = 0;
		o++;
	}
	c->n = o;
}

enum call_mode {
	CALL_ALL,	   /* keep every key */
	CALL_REVOKED_ONLY, /* after the order stopped: revocations only */
};

/*
 * Ask one module (lookup, or verify when key is given and the module has
 * verify), growing the buffer on ERANGE as the ABI asks. Keys go into c.
 * *nkept counts keys kept that the host may present on the port: not
 * revocations, not port fallbacks.
 */
static enum shk_nss_status
call_module(struct shk_ctx *ctx, struct shk_loaded_module *lm,
	    const struct shk_module_query *q, const struct shk_key *key, int *verdict,
	    enum call_mode mode, struct collect *c, size_t *nkept, int *nomem)
{
	struct shk_module_result res;
	enum shk_nss_status st;
	size_t len = DISPATCH_BUF_START, i, namelen;
	char *buf = NULL, *source;
	int errnop;

	*nkept = 0;
	for (;;) {
		if ((buf = malloc(len)) == NULL) {
			*nomem = 1;
			return SHK_NSS_UNAVAIL;
		}
		memset(&res, 0, sizeof(res));
		errnop = 0;
		if (key != NULL && lm->m->verify != NULL)
			st = lm->m->verify(lm->state, q, key->type, key->blob, key->bloblen,
					   verdict, &res, buf, len, &errnop);
		else
			st = lm->m->lookup(lm->state, q, &res, buf, len, &errnop);
		if (st != SHK_NSS_TRYAGAIN || errnop != ERANGE)
			break;
		free(buf);
		buf = NULL;
		if (len >= DISPATCH_BUF_MAX) {
			shk_log_emit(&ctx->log, SHK_LOG_ERR, SHK_ERR_RANGE, NULL, 0,
				     "source \"%s\": result larger than %zu bytes", lm->name,
				     DISPATCH_BUF_MAX);
			return SHK_NSS_UNAVAIL;
		}
		len *= 2;
	}
	if (st != SHK_NSS_SUCCESS || res.nkeys == 0) {
		free(buf);
		/* A verify-only source answers with a verdict and no keys. */
		return st == SHK_NSS_SUCCESS && *verdict < 0 ? SHK_NSS_NOTFOUND : st;
	}
	/* The source name is copied so results outlive the context. */
	namelen = strlen(lm->name);
	if (collect_keep_buf(c, buf) != SHK_OK || (source = malloc(namelen + 1)) == NULL) {
		if (c->nbufs == 0 || c->bufs[c->nbufs - 1] != buf)
			free(buf);
		*nomem = 1;
		return SHK_NSS_UNAVAIL;
	}
	memcpy(source, lm->name, namelen + 1);
	if (collect_keep_buf(c, source) != SHK_OK) {
		free(source);
		*nomem = 1;
		return SHK_NSS_UNAVAIL;
	}
	for (i = 0; i < res.nkeys; i++) {
		const struct shk_module_key *mk = &res.keys[i];

		if (mode == CALL_REVOKED_ONLY && mk->marker != SHK_MARKER_REVOKED)
			continue;
		if (collect_add(c, mk, source) != SHK_OK) {
			*nomem = 1;
			return SHK_NSS_UNAVAIL;
		}
		/* Only keys the host may present on this port make it known
		 * to the source: a revocation (often for "*") does not. */
		if (!mk->port_fallback && mk->marker != SHK_MARKER_REVOKED)
			(*nkept)++;
	}
	return st;
}

/*
 * A refused host spec as it may be shown in a log line: control bytes
 * become '?' (a newline must not forge a second line) and a long spec is
 * cut, so the reason after it is never truncated away.
 */
static void
spec_for_log(const char *spec, char *out, size_t cap)
{
	size_t i, n = 0;

	for (i = 0; spec[i] != '\0' && n + 4 < cap; i++) {
		unsigned char c = (unsigned char)spec[i];

		out[n++] = c < 0x20 || c == 0x7f ? '?' : (char)c;
	}
	if (spec[i] != '\0')
		out[n++] = '.', out[n++] = '.', out[n++] = '.';
	out[n] = '\0';
}

/* Parse the host spec into a query. */
static int
make_query(struct shk_ctx *ctx, const char *spec, unsigned int port, const char *keytype,
	   char *host, size_t hostcap, char *khname, size_t khcap, struct shk_module_query *q)
{
	struct shk_error err;
	int r;

	memset(&err, 0, sizeof(err));
	if (spec == NULL)
		return SHK_ERR_INVAL;
	if ((r = shk_hostspec_parse(spec, port, host, hostcap, &q->port, &err)) != SHK_OK) {
		char shown[80];

		spec_for_log(spec, shown, sizeof(shown));
		shk_log_emit(&ctx->log, SHK_LOG_ERR, r, NULL, 0, "host \"%s\": %s", shown,
			     err.msg);
		return r;
	}
	if ((r = shk_host_kh_name(host, q->port, khname, khcap)) != SHK_OK)
		return r;
	q->host = host;
	q->kh_name = khname;
	q->keytype = keytype;
	return SHK_OK;
}

/*
 * Walk the order for q. With key set, sources that have verify are asked
 * to verify; *verdicts collects their verdicts (a bit per enum value).
 */
static int
run_order(struct shk_ctx *ctx, const struct shk_module_query *q, const struct shk_key *key,
	  unsigned int *verdicts, struct collect *c)
{
	struct shk_nss_config order;
	struct shk_loaded_module *lm;
	enum shk_nss_status st;
	size_t i, nkept;
	int stopped = 0, nomem = 0, verdict;

	shk_ctx_order(ctx, &order, NULL);
	for (i = 0; i < order.nsources; i++) {
		const struct shk_nss_source *src = &order.src[i];

		if ((lm = shk_ctx_module(ctx, src->name, NULL)) == NULL) {
			st = SHK_NSS_UNAVAIL;
		} else {
			verdict = -1;
			st = call_module(ctx, lm, q, key, &verdict,
					 stopped ? CALL_REVOKED_ONLY : CALL_ALL, c, &nkept,
					 &nomem);
			if (nomem)
				return SHK_ERR_NOMEM;
			if (st == SHK_NSS_SUCCESS && verdict >= 0 && verdict < 32 && !stopped)
				*verdicts |= 1u << verdict;
			/* Keys offered only as port fallback, or revocations
			 * alone, do not make the host known on this port. */
			if (st == SHK_NSS_SUCCESS && nkept == 0 && verdict < 0)
				st = SHK_NSS_NOTFOUND;
		}
		if (!stopped && src->action[SHK_NSS_STATUS_INDEX(st)] == SHK_NSS_ACT_RETURN)
			stopped = 1;
	}
	return SHK_OK;
}

/* Keys the host may present: everything but revocations. */
static size_t
keylist_presentable(const struct shk_keylist *kl)
{
	size_t i, n = 0;

	for (i = 0; i < kl->count; i++)
		if (kl->keys[i].marker != SHK_MARKER_REVOKED)
			n++;
	return n;
}

int
shk_lookup(struct shk_ctx *ctx, const char *host, unsigned int port, const char *keytype,
	   struct shk_keylist **out)
{
	char hbuf[SHK_HOST_MAX + 1], khbuf[SHK_KH_NAME_MAX];
	struct shk_module_query q;
	struct keylist_priv *kl;
	unsigned int verdicts = 0;
	int r;

	*out = NULL;
	if (ctx == NULL)
		return SHK_ERR_INVAL;
	if ((r = make_query(ctx, host, port, keytype, hbuf, sizeof(hbuf), khbuf, sizeof(khbuf),
			    &q)) != SHK_OK)
		return r;
	if ((kl = calloc(1, sizeof(*kl))) == NULL)
		return SHK_ERR_NOMEM;
	if ((r = run_order(ctx, &q, NULL, &verdicts, &kl->c)) != SHK_OK) {
		shk_keylist_free(&kl->pub);
		return r;
	}
	collect_drop_fallback(&kl->c);
	kl->pub.count = kl->c.n;
	kl->pub.keys = kl->c.keys;
	*out = &kl->pub;
	return keylist_presentable(&kl->pub) > 0 ? SHK_OK : SHK_ERR_NOTFOUND;
}

void
shk_keylist_free(struct shk_keylist *list)
{
	struct keylist_priv *kl = (struct keylist_priv *)list;

	if (kl == NULL)
		return;
	collect_free(&kl->c);
	free(kl);
}

static int
same_key(const struct shk_hostkey *k, const struct shk_key *key)
{
	return strcmp(k->type, key->type) == 0 && k->bloblen == key->bloblen &&
	       memcmp(k->blob, key->blob, k->bloblen) == 0;
}

/* Decide from the collected keys; see docs/lookup-order.md. */
static void
decide(struct verification_priv *v, const struct shk_key *key, unsigned int verdicts)
{
	const struct collect *c = &v->c;
	const struct shk_hostkey *changed = NULL, *other = NULL, *fallback = NULL;
	size_t i;

	v->pub.verdict = SHK_VERDICT_UNKNOWN;
	for (i = 0; i < c->n; i++) {
		if (c->keys[i].marker == SHK_MARKER_REVOKED && same_key(&c->keys[i], key)) {
			v->pub.verdict = SHK_VERDICT_REVOKED;
			v->pub.evidence = &c->keys[i];
			return;
		}
	}
	if (verdicts & (1u << SHK_VERDICT_REVOKED)) {
		v->pub.verdict = SHK_VERDICT_REVOKED;
		return;
	}
	for (i = 0; i < c->n; i++) {
		const struct shk_hostkey *k = &c->keys[i];

		/* @cert-authority keys only ever vouch for certificates. */
		if (k->marker != SHK_MARKER_NONE)
			continue;
		if (same_key(k, key)) {
			if (!c->fallback[i]) {
				v->pub.verdict = SHK_VERDICT_MATCH;
				v->pub.evidence = k;
				return;
			}
			if (fallback == NULL)
				fallback = k;
			continue;
		}
		if (c->fallback[i])
			continue;
		if (strcmp(k->type, key->type) == 0)
			changed = k;
		else
			other = k;
	}
	if (verdicts & (1u << SHK_VERDICT_MATCH)) {
		v->pub.verdict = SHK_VERDICT_MATCH;
	} else if (fallback != NULL) {
		v->pub.verdict = SHK_VERDICT_MATCH;
		v->pub.evidence = fallback;
		v->pub.port_fallback = 1;
	} else if (changed != NULL || (verdicts & (1u << SHK_VERDICT_CHANGED))) {
		v->pub.verdict = SHK_VERDICT_CHANGED;
	} else if (other != NULL || (verdicts & (1u << SHK_VERDICT_OTHER))) {
		v->pub.verdict = SHK_VERDICT_OTHER;
	}
}

int
shk_verify(struct shk_ctx *ctx, const char *host, unsigned int port,
	   const struct shk_key *key, struct shk_verification **out)
{
	char hbuf[SHK_HOST_MAX + 1], khbuf[SHK_KH_NAME_MAX];
	struct shk_module_query q;
	struct verification_priv *v;
	unsigned int verdicts = 0;
	int r;

	*out = NULL;
	if (ctx == NULL || key == NULL || key->type == NULL || key->blob == NULL)
		return SHK_ERR_INVAL;
	if ((r = make_query(ctx, host, port, NULL, hbuf, sizeof(hbuf), khbuf, sizeof(khbuf),
			    &q)) != SHK_OK)
		return r;
	if ((v = calloc(1, sizeof(*v))) == NULL)
		return SHK_ERR_NOMEM;
	if ((r = run_order(ctx, &q, key, &verdicts, &v->c)) != SHK_OK) {
		shk_verification_free(&v->pub);
		return r;
	}
	decide(v, key, verdicts);
	v->pub.known.count = v->c.n;
	v->pub.known.keys = v->c.keys;
	*out = &v->pub;
	return SHK_OK;
}

void
shk_verification_free(struct shk_verification *pub)
{
	struct verification_priv *v = (struct verification_priv *)pub;

	if (v == NULL)
		return;
	collect_free(&v->c);
	free(v);
}

const char *
shk_verdict_name(enum shk_verdict v)
{
	switch (v) {
	case SHK_VERDICT_MATCH:
		return "match";
	case SHK_VERDICT_UNKNOWN:
		return "unknown";
	case SHK_VERDICT_CHANGED:
		return "changed";
	case SHK_VERDICT_REVOKED:
		return "revoked";
	case SHK_VERDICT_OTHER:
		return "other";
	}
	return "invalid";
}

int
shk_lookup_source(struct shk_ctx *ctx, const char *source, const char *host,
		  unsigned int port, const char *keytype, struct shk_keylist **out,
		  int *nss_status)
{
	char hbuf[SHK_HOST_MAX + 1], khbuf[SHK_KH_NAME_MAX];
	struct shk_module_query q;
	struct shk_loaded_module *lm;
	struct keylist_priv *kl;
	size_t nkept;
	int r, nomem = 0, verdict = -1;

	*out = NULL;
	*nss_status = SHK_NSS_UNAVAIL;
	if ((r = make_query(ctx, host, port, keytype, hbuf, sizeof(hbuf), khbuf, sizeof(khbuf),
			    &q)) != SHK_OK)
		return r;
	if ((kl = calloc(1, sizeof(*kl))) == NULL)
		return SHK_ERR_NOMEM;
	if ((lm = shk_ctx_module(ctx, source, NULL)) != NULL) {
		*nss_status = call_module(ctx, lm, &q, NULL, &verdict, CALL_ALL, &kl->c, &nkept,
					  &nomem);
		if (nomem) {
			shk_keylist_free(&kl->pub);
			return SHK_ERR_NOMEM;
		}
		collect_drop_fallback(&kl->c);
		if (*nss_status == SHK_NSS_SUCCESS && kl->c.n == 0)
			*nss_status = SHK_NSS_NOTFOUND;
	}
	kl->pub.count = kl->c.n;
	kl->pub.keys = kl->c.keys;
	*out = &kl->pub;
	return lm == NULL ? SHK_ERR_MODULE : SHK_OK;
}

/* Text of the non-default action items of one source. */
static void
actions_text(const struct shk_nss_source *src, char *out, size_t cap)
{
	struct shk_nss_config one;
	char buf[256];
	const char *sp;

	memset(&one, 0, sizeof(one));
	one.nsources = 1;
	one.src[0] = *src;
	out[0] = '\0';
	if (shk_nss_format(&one, buf, sizeof(buf)) != SHK_OK)
		return;
	/* Formatting gives "name [..]": keep what follows the name. */
	sp = strchr(buf, ' ');
	snprintf(out, cap, "%s", sp != NULL ? sp + 1 : "");
}

struct sourcelist_priv {
	struct shk_sourcelist pub; /* first */
	struct shk_source_info info[SHK_NSS_MAX_SOURCES];
	char names[SHK_NSS_MAX_SOURCES][SHK_NSS_NAME_MAX];
	char states[SHK_NSS_MAX_SOURCES][SHK_ERRMSG_MAX];
	char actions[SHK_NSS_MAX_SOURCES][128];
	char *config_file;
	char config_error[1024];
};

int
shk_sources(struct shk_ctx *ctx, struct shk_sourcelist **out)
{
	struct shk_nss_config order;
	struct sourcelist_priv *sl;
	struct shk_loaded_module *lm;
	unsigned long line;
	const char *why;
	size_t i;

	*out = NULL;
	if ((sl = calloc(1, sizeof(*sl))) == NULL)
		return SHK_ERR_NOMEM;
	shk_ctx_order_why(ctx, &order, &line, sl->config_error, sizeof(sl->config_error));
	for (i = 0; i < order.nsources; i++) {
		why = NULL;
		lm = shk_ctx_module(ctx, order.src[i].name, &why);
		snprintf(sl->names[i], sizeof(sl->names[i]), "%s", order.src[i].name);
		snprintf(sl->states[i], sizeof(sl->states[i]), "%s", why != NULL ? why : "");
		actions_text(&order.src[i], sl->actions[i], sizeof(sl->actions[i]));
		sl->info[i].name = sl->names[i];
		sl->info[i].state = sl->states[i];
		sl->info[i].actions = sl->actions[i];
		sl->info[i].ready = lm != NULL;
		sl->info[i].can_verify = lm != NULL && lm->m->verify != NULL;
	}
	sl->pub.count = order.nsources;
	sl->pub.sources = sl->info;
	sl->pub.config_line = line;
	if (sl->config_error[0] != '\0')
		sl->pub.config_error = sl->config_error;
	if (line > 0) {
		if ((sl->config_file = strdup(ctx->nss_path)) == NULL) {
			free(sl);
			return SHK_ERR_NOMEM;
		}
		sl->pub.config_file = sl->config_file;
	}
	*out = &sl->pub;
	return SHK_OK;
}

void
shk_sourcelist_free(struct shk_sourcelist *list)
{
	struct sourcelist_priv *sl = (struct sourcelist_priv *)list;

	if (sl == NULL)
		return;
	free(sl->config_file);
	free(sl);
}

/* Problems in the two configuration files, logged again for check. */
static unsigned long
check_config_files(struct shk_ctx *ctx)
{
	struct shk_nss_config scratch;
	struct shk_conf *conf = NULL;
	struct shk_fmap map;
	struct shk_error err;
	unsigned long n = 0;
	int r;

	memset(&err, 0, sizeof(err));
	if ((r = shk_fmap_open(ctx->nss_path, &map, &err)) == SHK_OK) {
		r = shk_nss_parse_file(map.data, map.len, &scratch, &err);
		shk_fmap_close(&map);
		if (r == SHK_ERR_PARSE) {
			shk_log_error(&ctx->log, SHK_LOG_WARN, ctx->nss_path, &err);
			n++;
		}
	} else if (r != SHK_ERR_NOTFOUND) {
		shk_log_error(&ctx->log, SHK_LOG_WARN, ctx->nss_path, &err);
		n++;
	}
	if ((r = shk_fmap_open(ctx->conf_path, &map, &err)) == SHK_OK) {
		if (shk_conf_new(&conf) == SHK_OK) {
			r = shk_conf_parse(conf, map.data, map.len, ctx->conf_path, &ctx->log);
			if (r > 0)
				n += (unsigned long)r;
			shk_conf_free(conf);
		}
		shk_fmap_close(&map);
	} else if (r != SHK_ERR_NOTFOUND) {
		shk_log_error(&ctx->log, SHK_LOG_WARN, ctx->conf_path, &err);
		n++;
	}
	return n;
}

int
shk_check(struct shk_ctx *ctx, unsigned long *nproblems)
{
	struct shk_nss_config order;
	struct shk_loaded_module *lm;
	const char *why;
	size_t i;
	int r;

	*nproblems = check_config_files(ctx);
	shk_ctx_order(ctx, &order, NULL);
	for (i = 0; i < order.nsources; i++) {
		why = NULL;
		if ((lm = shk_ctx_module(ctx, order.src[i].name, &why)) == NULL) {
			shk_log_emit(&ctx->log, SHK_LOG_WARN, SHK_ERR_MODULE, NULL, 0,
				     "source \"%s\": %s", order.src[i].name,
				     why != NULL ? why : "not usable");
			(*nproblems)++;
			continue;
		}
		if (lm->m->check == NULL)
			continue;
		if ((r = lm->m->check(lm->state)) < 0)
			return r;
		*nproblems += (unsigned long)r;
	}
	return SHK_OK;
}

struct foreach_adapter {
	shk_foreach_fn *cb;
	void *arg;
	const char *source;
};

static int
foreach_one(void *arg, const char *names, const struct shk_module_key *mk)
{
	const struct foreach_adapter *fa = arg;
	struct shk_hostkey k;

	k.type = mk->type;
	k.blob = mk->blob;
	k.bloblen = mk->bloblen;
	k.marker = (enum shk_marker)mk->marker;
	k.source = fa->source;
	k.origin = mk->origin;
	k.line = mk->line;
	k.comment = mk->comment;
	return fa->cb(fa->arg, names, &k);
}

int
shk_foreach(struct shk_ctx *ctx, shk_foreach_fn *cb, void *arg)
{
	struct shk_nss_config order;
	struct shk_loaded_module *lm;
	struct foreach_adapter fa;
	size_t i;
	int r;

	if (ctx == NULL || cb == NULL)
		return SHK_ERR_INVAL;
	shk_ctx_order(ctx, &order, NULL);
	/* Every configured source: an export must carry whatever any of
	 * them would answer, whatever the action items. */
	for (i = 0; i < order.nsources; i++) {
		if ((lm = shk_ctx_module(ctx, order.src[i].name, NULL)) == NULL ||
		    lm->m->enumerate == NULL)
			continue;
		fa.cb = cb;
		fa.arg = arg;
		fa.source = lm->name;
		if ((r = lm->m->enumerate(lm->state, foreach_one, &fa)) != SHK_OK)
			return r;
	}
	return SHK_OK;
}
