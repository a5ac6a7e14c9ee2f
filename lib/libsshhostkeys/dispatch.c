/* SPDX-License-Identifier: MIT */
/*
 * The lookup order: ask each configured source in turn, follow the action
 * items, and always collect revocations from every source (an @revoked
 * key anywhere is revoked, whatever the action items say).
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "context.h"
#include "hostspec.h"
#include "key.h"
#include "privfs.h"

/* First buffer handed to a module, and the most we ever grow to. */
#define DISPATCH_BUF_START 16384
#define DISPATCH_BUF_MAX ((size_t)1 << 30)

/* Keys gathered from the sources, with the buffers they point into.
 * The public lists hand out ptrs, pointers into keys (include/sshhostkeys.h:
 * callers never index an array of the structs, so they can grow). */
struct collect {
	struct shk_hostkey *keys;
	struct shk_hostkey **ptrs;
	unsigned char *fallback; /* per key: offered only as port fallback */
	size_t n, cap;
	char **bufs;
	size_t nbufs, bufcap;
};

struct keylist_priv {
	struct shk_keylist pub; /* first: freed through the public pointer */
	struct collect c;
	char kh_name[SHK_KH_NAME_MAX];
};

struct verification_priv {
	struct shk_verification pub; /* first */
	struct collect c;
	struct shk_keylist known; /* pub.known */
	char kh_name[SHK_KH_NAME_MAX];
};

static void
collect_free(struct collect *c)
{
	size_t i;

	for (i = 0; i < c->nbufs; i++)
		free(c->bufs[i]);
	free(c->bufs);
	free(c->keys);
	free(c->ptrs);
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

/* Publish the kept keys as list: the array of pointers callers read. */
static int
collect_publish(struct collect *c, struct shk_keylist *list)
{
	size_t i;

	if ((c->ptrs = reallocarray(NULL, c->n + 1, sizeof(*c->ptrs))) == NULL)
		return SHK_ERR_NOMEM;
	for (i = 0; i < c->n; i++)
		c->ptrs[i] = &c->keys[i];
	c->ptrs[c->n] = NULL;
	list->count = c->n;
	list->keys = c->ptrs;
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
		shk_log_emit(&ctx->log, SHK_LOG_ERR, r, NULL, 0, "host \"%s\": %s", SHK_ESC(spec),
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
		if (kl->keys[i]->marker != SHK_MARKER_REVOKED)
			n++;
	return n;
}

static int
lookup_impl(struct shk_ctx *ctx, const char *host, unsigned int port, const char *keytype,
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
	memcpy(kl->kh_name, khbuf, strlen(khbuf) + 1);
	kl->pub.kh_name = kl->kh_name;
	if (collect_publish(&kl->c, &kl->pub) != SHK_OK) {
		shk_keylist_free(&kl->pub);
		return SHK_ERR_NOMEM;
	}
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

/*
 * The presented key as OpenSSH weighs it (sshconnect.c check_host_key):
 * a certificate is trusted through its CA's @cert-authority entry and,
 * failing that, checked as the plain key inside it.
 */
struct presented {
	const struct shk_key *key; /* as given */
	const char *type;	   /* the plain key: key itself, or the certificate's */
	const unsigned char *blob;
	size_t bloblen;
	const unsigned char *ca; /* a certificate's CA key (in key->blob), or NULL */
	size_t calen;
	unsigned char *plain; /* malloc'd plain blob of a certificate */
	char *plaintype;
};

static int
same_blob(const struct shk_hostkey *k, const unsigned char *blob, size_t len)
{
	return k->bloblen == len && memcmp(k->blob, blob, len) == 0;
}

/* k holds p's plain key (OpenSSH compares public parts: a certificate
 * is "equal" to its plain key). */
static int
same_plain(const struct shk_hostkey *k, const struct presented *p)
{
	return strcmp(k->type, p->type) == 0 && same_blob(k, p->blob, p->bloblen);
}

static int
presented_init(struct presented *p, const struct shk_key *key)
{
	const unsigned char *t;
	size_t tlen;
	int r = SHK_OK;

	memset(p, 0, sizeof(*p));
	p->key = key;
	p->type = key->type;
	p->blob = key->blob;
	p->bloblen = key->bloblen;
	if (shk_keytype_from_name(key->type, strlen(key->type)) != SHK_KT_CERT)
		return SHK_OK;
	/* A certificate of a kind we cannot walk is weighed as it is. */
	if (shk_key_cert_ca_blob(key->blob, key->bloblen, &p->ca, &p->calen) != SHK_OK ||
	    (r = shk_key_cert_plain_blob(key->blob, key->bloblen, &p->plain, &p->bloblen)) !=
		    SHK_OK) {
		p->ca = NULL;
		p->bloblen = key->bloblen;
		return r == SHK_ERR_NOMEM ? r : SHK_OK;
	}
	/* The plain blob starts with its type name as an SSH string. */
	tlen = (size_t)p->plain[0] << 24 | (size_t)p->plain[1] << 16 |
	       (size_t)p->plain[2] << 8 | p->plain[3];
	t = p->plain + 4;
	if ((p->plaintype = strndup((const char *)t, tlen)) == NULL) {
		free(p->plain);
		p->plain = NULL;
		return SHK_ERR_NOMEM;
	}
	p->type = p->plaintype;
	p->blob = p->plain;
	return SHK_OK;
}

static void
presented_free(struct presented *p)
{
	free(p->plain);
	free(p->plaintype);
}

/* Whether the @revoked entry k refuses p: its plain key, the certificate
 * itself, or (with_ca) the CA that signed it. */
static int
revokes(const struct shk_hostkey *k, const struct presented *p, int with_ca)
{
	if (k->marker != SHK_MARKER_REVOKED)
		return 0;
	if (same_plain(k, p) || same_blob(k, p->key->blob, p->key->bloblen))
		return 1;
	return with_ca && p->ca != NULL && same_blob(k, p->ca, p->calen);
}

/*
 * A certificate's @cert-authority entry: one for the port, else a
 * portless one (the CA OpenSSH's port fallback would find), unless a
 * portless revocation refuses the certificate or its CA there.
 */
static void
decide_ca(struct verification_priv *v, const struct presented *p)
{
	const struct collect *c = &v->c;
	size_t i;
	int pass;

	if (p->ca == NULL)
		return;
	/* Pass 0: entries for the port; pass 1: portless ones, which a
	 * portless revocation of the certificate or its CA voids. */
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; pass == 1 && i < c->n; i++)
			if (c->fallback[i] && revokes(&c->keys[i], p, 1))
				return;
		for (i = 0; i < c->n; i++) {
			const struct shk_hostkey *k = &c->keys[i];

			if (c->fallback[i] == pass && k->marker == SHK_MARKER_CERT_AUTHORITY &&
			    same_blob(k, p->ca, p->calen)) {
				v->pub.ca = k;
				v->pub.ca_port_fallback = pass;
				return;
			}
		}
	}
}

/* Decide from the collected keys; see docs/lookup-order.md. */
static void
decide(struct verification_priv *v, const struct presented *p, unsigned int verdicts)
{
	const struct collect *c = &v->c;
	const struct shk_hostkey *changed = NULL, *other = NULL;
	size_t i;

	v->pub.verdict = SHK_VERDICT_UNKNOWN;
	decide_ca(v, p);
	for (i = 0; i < c->n; i++) {
		if (!c->fallback[i] && revokes(&c->keys[i], p, 1)) {
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
		if (k->marker != SHK_MARKER_NONE || c->fallback[i])
			continue;
		if (same_plain(k, p)) {
			v->pub.verdict = SHK_VERDICT_MATCH;
			v->pub.evidence = k;
			return;
		}
		if (strcmp(k->type, p->type) == 0)
			changed = k;
		else
			other = k;
	}
	if (verdicts & (1u << SHK_VERDICT_MATCH)) {
		v->pub.verdict = SHK_VERDICT_MATCH;
		return;
	}
	/*
	 * ssh retries under the bare name only when nothing for the port
	 * decided (the host is new there), and only to accept: a portless
	 * entry with another key never makes a key changed. A portless
	 * revocation of the key refuses it here, where OpenSSH would call the
	 * host new: the key is revoked for that host, whatever the port.
	 */
	if (changed == NULL && other == NULL &&
	    !(verdicts & (1u << SHK_VERDICT_CHANGED | 1u << SHK_VERDICT_OTHER))) {
		for (i = 0; i < c->n; i++) {
			if (c->fallback[i] && revokes(&c->keys[i], p, 0)) {
				v->pub.verdict = SHK_VERDICT_REVOKED;
				v->pub.evidence = &c->keys[i];
				v->pub.port_fallback = 1;
				return;
			}
		}
		for (i = 0; i < c->n; i++) {
			const struct shk_hostkey *k = &c->keys[i];

			if (c->fallback[i] && k->marker == SHK_MARKER_NONE &&
			    same_plain(k, p)) {
				v->pub.verdict = SHK_VERDICT_MATCH;
				v->pub.evidence = k;
				v->pub.port_fallback = 1;
				return;
			}
		}
	}
	if (changed != NULL || (verdicts & (1u << SHK_VERDICT_CHANGED)))
		v->pub.verdict = SHK_VERDICT_CHANGED;
	else if (other != NULL || (verdicts & (1u << SHK_VERDICT_OTHER)))
		v->pub.verdict = SHK_VERDICT_OTHER;
}

/*
 * Portless entries are kept in known only when they decided (evidence,
 * ca): a listing of the keys a host is known with must not show keys ssh
 * would not hold against it.
 */
static void
keep_weighed(struct verification_priv *v)
{
	struct collect *c = &v->c;
	size_t i, o = 0;

	for (i = 0; i < c->n; i++) {
		const struct shk_hostkey *k = &c->keys[i];
		int ev = k == v->pub.evidence, ca = k == v->pub.ca;

		if (c->fallback[i] && !ev && !ca)
			continue;
		c->keys[o] = c->keys[i];
		c->fallback[o] = c->fallback[i];
		if (ev)
			v->pub.evidence = &c->keys[o];
		if (ca)
			v->pub.ca = &c->keys[o];
		o++;
	}
	c->n = o;
}

static int
verify_impl(struct shk_ctx *ctx, const char *host, unsigned int port,
	   const struct shk_key *key, struct shk_verification **out)
{
	char hbuf[SHK_HOST_MAX + 1], khbuf[SHK_KH_NAME_MAX];
	struct shk_module_query q;
	struct verification_priv *v;
	struct presented p;
	unsigned int verdicts = 0;
	int r;

	*out = NULL;
	if (ctx == NULL || key == NULL || key->type == NULL || key->blob == NULL)
		return SHK_ERR_INVAL;
	if ((r = make_query(ctx, host, port, NULL, hbuf, sizeof(hbuf), khbuf, sizeof(khbuf),
			    &q)) != SHK_OK)
		return r;
	if ((r = presented_init(&p, key)) != SHK_OK)
		return r;
	if ((v = calloc(1, sizeof(*v))) == NULL) {
		presented_free(&p);
		return SHK_ERR_NOMEM;
	}
	if ((r = run_order(ctx, &q, key, &verdicts, &v->c)) != SHK_OK) {
		presented_free(&p);
		shk_verification_free(&v->pub);
		return r;
	}
	decide(v, &p, verdicts);
	presented_free(&p);
	keep_weighed(v);
	memcpy(v->kh_name, khbuf, strlen(khbuf) + 1);
	v->known.kh_name = v->kh_name;
	if (collect_publish(&v->c, &v->known) != SHK_OK) {
		shk_verification_free(&v->pub);
		return SHK_ERR_NOMEM;
	}
	v->pub.known = &v->known;
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

static int
lookup_source_impl(struct shk_ctx *ctx, const char *source, const char *host,
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
	memcpy(kl->kh_name, khbuf, strlen(khbuf) + 1);
	kl->pub.kh_name = kl->kh_name;
	if (collect_publish(&kl->c, &kl->pub) != SHK_OK) {
		shk_keylist_free(&kl->pub);
		return SHK_ERR_NOMEM;
	}
	*out = &kl->pub;
	return lm == NULL ? SHK_ERR_MODULE : SHK_OK;
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

static int
foreach_impl(struct shk_ctx *ctx, shk_foreach_fn *cb, void *arg)
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

/*
 * The public calls. Each does its work with the real user's filesystem
 * rights when the process is set-ID (privfs.h): modules run inside them.
 */

int
shk_lookup(struct shk_ctx *ctx, const char *host, unsigned int port, const char *keytype,
	   struct shk_keylist **out)
{
	int r;

	*out = NULL;
	SHK_PRIVFS_CALL(r, ctx != NULL ? &ctx->log : NULL, lookup_impl(ctx, host, port, keytype, out));
	return r;
}

int
shk_verify(struct shk_ctx *ctx, const char *host, unsigned int port,
	   const struct shk_key *key, struct shk_verification **out)
{
	int r;

	*out = NULL;
	SHK_PRIVFS_CALL(r, ctx != NULL ? &ctx->log : NULL, verify_impl(ctx, host, port, key, out));
	return r;
}

int
shk_lookup_source(struct shk_ctx *ctx, const char *source, const char *host,
		  unsigned int port, const char *keytype, struct shk_keylist **out,
		  int *nss_status)
{
	int r;

	*out = NULL;
	*nss_status = SHK_NSS_UNAVAIL;
	SHK_PRIVFS_CALL(r, ctx != NULL ? &ctx->log : NULL,
			lookup_source_impl(ctx, source, host, port, keytype, out, nss_status));
	return r;
}

int
shk_foreach(struct shk_ctx *ctx, shk_foreach_fn *cb, void *arg)
{
	int r;

	SHK_PRIVFS_CALL(r, ctx != NULL ? &ctx->log : NULL, foreach_impl(ctx, cb, arg));
	return r;
}
