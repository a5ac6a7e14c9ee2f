/* SPDX-License-Identifier: MIT */
/*
 * Policies: what happens to a key that is not simply known. The verdict
 * comes from shk_verify(); this file only decides, asks and stores.
 *
 * The decision table (policy x verdict), in one place:
 *
 *             MATCH   UNKNOWN          CHANGED / OTHER        REVOKED
 * strict      accept  refuse           refuse                 refuse
 * accept-new  accept  accept+store     refuse                 refuse
 * auto-add    accept  accept+store     refuse; with REPLACE   refuse
 *                                      accept+store, replacing
 * warn        accept  accept (logged)  refuse                 refuse
 * ask         accept  ask: yes=store   refuse                 refuse
 *                     no/EOF/no tty=refuse
 * custom      accept  callback         callback; a store      refuse
 *                                      replaces as above
 *
 * OTHER (the host is known only with keys of other types) is decided
 * like CHANGED, as OpenSSH and paramiko do: accepting it silently would
 * let an attacker pick a key type the victim has never recorded.
 */
#include "config.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "context.h"
#include "fingerprint.h"
#include "key.h"
#include "log.h"
#include "policyname.h"
#include "privfs.h"
#include "prompt.h"

/* The fields of struct shk_policy_params a caller must at least pass. */
#define POLICY_PARAMS_MIN (offsetof(struct shk_policy_params, policy) + \
			   sizeof(enum shk_policy))

static enum shk_policy
policy_from_conf(const struct shk_ctx *ctx)
{
	const char *v = shk_conf_get(ctx->conf, "policy");
	enum shk_policy p;

	if (v != NULL && shk_policyname_lookup(v, strlen(v), 0, &p) == SHK_OK)
		return p;
	/* conf.c refuses other words, so this is only reached without a
	 * value; the safe choice is the strictest. */
	return SHK_POLICY_STRICT;
}

/*
 * Copy the caller's parameters, which may come from an older (smaller)
 * or newer (larger) version of the structure. Fields the caller did not
 * pass keep their zero defaults; bytes we do not know must be zero, or
 * the caller asked for something this library cannot do.
 */
static int
policy_params_copy(const struct shk_policy_params *in, struct shk_policy_params *out)
{
	int r;

	memset(out, 0, sizeof(*out));
	out->size = sizeof(*out);
	if (in == NULL)
		return SHK_OK;
	if ((r = shk_sized_copy(in, out, sizeof(*out), POLICY_PARAMS_MIN)) != SHK_OK)
		return r;
	if ((unsigned int)out->policy > SHK_POLICY_CUSTOM ||
	    (out->scope != SHK_STORE_USER && out->scope != SHK_STORE_SYSTEM) ||
	    (unsigned int)out->format > SHK_FORMAT_PLAIN ||
	    (out->flags & ~SHK_POLICY_FLAG_REPLACE) != 0)
		return SHK_ERR_INVAL;
	if (out->policy == SHK_POLICY_CUSTOM && out->fn == NULL)
		return SHK_ERR_INVAL;
	return SHK_OK;
}

static int
is_cert(const struct shk_key *key)
{
	return shk_keytype_from_name(key->type, strlen(key->type)) == SHK_KT_CERT;
}

/* Whether a key of the verification is a plain key the host may present. */
static int
plain_entry(const struct shk_hostkey *k)
{
	return k->marker == SHK_MARKER_NONE;
}

/*
 * Store key for the host. With replace (the verdict was CHANGED or
 * OTHER), the host's entries in the scope's
 * stores are removed first (shk_store_remove: the host's ssh2 files and
 * its known_hosts lines, with FILE.old kept, as ssh-keygen -R does), then
 * the new key is added together with the previously known keys of the
 * other types, so only the keys of the presented type are forgotten.
 */
static int
policy_store(struct shk_ctx *ctx, const struct shk_policy_params *pp, const char *host,
	     unsigned int port, const struct shk_key *key, const struct shk_verification *v,
	     int replace)
{
	struct shk_key **keys = NULL, **owned = NULL;
	size_t nkeys = 0, nowned = 0, i, j;
	int r, dup;

	if ((keys = calloc(v->known->count + 1, sizeof(*keys))) == NULL ||
	    (owned = calloc(v->known->count + 1, sizeof(*owned))) == NULL) {
		r = SHK_ERR_NOMEM;
		goto out;
	}
	keys[nkeys++] = (struct shk_key *)key;
	for (i = 0; replace && i < v->known->count; i++) {
		const struct shk_hostkey *k = v->known->keys[i];

		if (!plain_entry(k) || strcmp(k->type, key->type) == 0)
			continue;
		for (dup = 0, j = 0; j < nkeys && !dup; j++)
			dup = shk_key_equal_blob(keys[j]->type, keys[j]->blob, keys[j]->bloblen,
						 k->type, k->blob, k->bloblen);
		if (dup)
			continue;
		if ((r = shk_key_new(k->type, strlen(k->type), k->blob, k->bloblen, NULL, 0,
				     &owned[nowned])) != SHK_OK)
			goto out;
		keys[nkeys++] = owned[nowned++];
	}
	if (replace) {
		r = shk_store_remove(ctx, pp->scope, host, port, NULL);
		if (r != SHK_OK && r != SHK_ERR_NOTFOUND)
			goto out;
	}
	r = shk_store_add(ctx, pp->scope, pp->format, host, port,
			  (const struct shk_key *const *)keys, nkeys, NULL);
out:
	for (i = 0; i < nowned; i++)
		shk_key_free(owned[i]);
	free(owned);
	free(keys);
	return r;
}

static void
log_fingerprints(struct shk_ctx *ctx, int level, const char *what, const char *host,
		 unsigned int port, const struct shk_key *key)
{
	char sha[SHK_FP_MAX], bb[SHK_FP_MAX];

	if (shk_fingerprint_blob(key->blob, key->bloblen, SHK_FP_SHA256, sha, sizeof(sha)) !=
	    SHK_OK)
		strcpy(sha, "?");
	if (shk_fingerprint_blob(key->blob, key->bloblen, SHK_FP_BUBBLEBABBLE, bb,
				 sizeof(bb)) != SHK_OK)
		strcpy(bb, "?");
	shk_log_emit(&ctx->log, level, SHK_OK, NULL, 0, "%s %s key for %s port %u: %s %s",
		     what, shk_keytype_label(key->type, strlen(key->type)), host, port, sha,
		     bb);
}

static int
check_host_key_impl(struct shk_ctx *ctx, const char *host, unsigned int port,
		   const struct shk_key *key, const struct shk_policy_params *params,
		   enum shk_decision *decision, struct shk_verification **vout)
{
	struct shk_policy_params pp;
	struct shk_verification *v = NULL;
	enum shk_decision d = SHK_DECISION_REFUSE;
	enum shk_prompt_answer answer;
	char *canon = NULL;
	unsigned int cport = 0;
	int r, replace = 0;

	if (decision != NULL)
		*decision = SHK_DECISION_REFUSE;
	if (vout != NULL)
		*vout = NULL;
	if (ctx == NULL || host == NULL || key == NULL || key->type == NULL ||
	    key->blob == NULL || decision == NULL)
		return SHK_ERR_INVAL;
	if ((r = policy_params_copy(params, &pp)) != SHK_OK)
		return r;
	if (pp.policy == SHK_POLICY_DEFAULT)
		pp.policy = policy_from_conf(ctx);
	/* shk_verify first: it logs why a host is refused. The canonical
	 * name is what the prompt and the log show. */
	if ((r = shk_verify(ctx, host, port, key, &v)) != SHK_OK ||
	    (r = shk_host_parse(host, port, &canon, &cport)) != SHK_OK)
		goto out;

	switch (v->verdict) {
	case SHK_VERDICT_MATCH:
		d = SHK_DECISION_ACCEPT;
		break;
	case SHK_VERDICT_REVOKED:
		d = SHK_DECISION_REFUSE;
		break;
	case SHK_VERDICT_UNKNOWN:
		switch (pp.policy) {
		case SHK_POLICY_ACCEPT_NEW:
		case SHK_POLICY_AUTO_ADD:
			d = SHK_DECISION_ACCEPT_AND_STORE;
			break;
		case SHK_POLICY_WARN:
			log_fingerprints(ctx, SHK_LOG_WARN, "accepting the unknown", canon, cport,
					 key);
			d = SHK_DECISION_ACCEPT;
			break;
		case SHK_POLICY_ASK:
			r = shk_prompt_ask(canon, cport, key, &answer);
			if (r == SHK_ERR_NOTFOUND) {
				shk_log_emit(&ctx->log, SHK_LOG_INFO, r, NULL, 0,
					     "no terminal to ask on: refusing as strict");
				r = SHK_OK;
			} else if (r != SHK_OK) {
				goto out;
			}
			d = answer == SHK_PROMPT_YES ? SHK_DECISION_ACCEPT_AND_STORE
						     : SHK_DECISION_REFUSE;
			break;
		case SHK_POLICY_CUSTOM:
			d = pp.fn(pp.fn_arg, canon, cport, key, v);
			break;
		default:
			d = SHK_DECISION_REFUSE;
			break;
		}
		break;
	case SHK_VERDICT_CHANGED:
	case SHK_VERDICT_OTHER:
		if (pp.policy == SHK_POLICY_AUTO_ADD && (pp.flags & SHK_POLICY_FLAG_REPLACE))
			d = SHK_DECISION_ACCEPT_AND_STORE;
		else if (pp.policy == SHK_POLICY_CUSTOM)
			d = pp.fn(pp.fn_arg, canon, cport, key, v);
		else
			d = SHK_DECISION_REFUSE;
		/* Storing a changed key always replaces: kept next to the old
		 * one it would not be found (the source that knows the old key
		 * answers first), and two keys of one type would both pass. */
		replace = 1;
		break;
	}
	/* A callback returning something we do not know refuses. */
	if (d != SHK_DECISION_ACCEPT && d != SHK_DECISION_ACCEPT_AND_STORE)
		d = SHK_DECISION_REFUSE;

	if (d == SHK_DECISION_ACCEPT_AND_STORE && is_cert(key)) {
		/* OpenSSH never records a certificate as a host key: trust in
		 * it comes from its CA. */
		shk_log_emit(&ctx->log, SHK_LOG_INFO, SHK_OK, NULL, 0,
			     "%s: a certificate is accepted but not stored", canon);
		d = SHK_DECISION_ACCEPT;
	}
	if (d == SHK_DECISION_ACCEPT_AND_STORE) {
		r = policy_store(ctx, &pp, canon, cport, key, v, replace);
		if (r != SHK_OK) {
			/* As OpenSSH does when it cannot write known_hosts: the
			 * decision stands, the caller learns the key was not kept. */
			shk_log_emit(&ctx->log, SHK_LOG_WARN, r, NULL, 0,
				     "%s: could not store the key: %s", canon, shk_strerror(r));
			d = SHK_DECISION_ACCEPT;
			r = SHK_OK;
		} else {
			log_fingerprints(ctx, SHK_LOG_INFO,
					 replace ? "replaced with the" : "stored the", canon,
					 cport, key);
		}
	}
	*decision = d;
out:
	if (r == SHK_OK && vout != NULL) {
		*vout = v;
		v = NULL;
	}
	shk_verification_free(v);
	free(canon);
	return r;
}

/* With the real user's filesystem rights in a set-ID process (privfs.h):
 * the prompt opens the terminal as that user too. */
int
shk_check_host_key(struct shk_ctx *ctx, const char *host, unsigned int port,
		   const struct shk_key *key, const struct shk_policy_params *params,
		   enum shk_decision *decision, struct shk_verification **vout)
{
	int r;

	if (decision != NULL)
		*decision = SHK_DECISION_REFUSE;
	if (vout != NULL)
		*vout = NULL;
	SHK_PRIVFS_CALL(r, ctx != NULL ? &ctx->log : NULL,
			check_host_key_impl(ctx, host, port, key, params, decision, vout));
	return r;
}
