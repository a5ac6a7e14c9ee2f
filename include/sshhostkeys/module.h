/* SPDX-License-Identifier: MIT */
/*
 * The sshhostkeys source-module ABI.
 *
 * A source module is a shared object installed as
 * $(moduledir)/sshhostkeys_<name>.so. It exports exactly one symbol,
 * SHK_MODULE_ENTRY, a function returning a pointer to a static, constant
 * struct shk_module. The dispatcher loads it with dlopen(RTLD_NOW |
 * RTLD_LOCAL), refuses a table whose abi_version differs from the one it
 * was built with, and calls open() once per library context.
 *
 * Conventions at the boundary follow glibc NSS:
 *  - lookup and verify write their result into the caller's buffer and
 *    allocate nothing the caller must free;
 *  - a buffer too small for the result gives SHK_NSS_TRYAGAIN with
 *    *errnop = ERANGE, and the caller retries with a larger buffer;
 *  - SHK_NSS_NOTFOUND: the source works but does not know the host;
 *    SHK_NSS_UNAVAIL: the source cannot answer (no store, unreadable);
 *    SHK_NSS_TRYAGAIN with another errno: a passing failure.
 *
 * Thread safety: after open() returns, lookup, verify and check may be
 * called concurrently on the same state; a module guards its own caches.
 */
#ifndef SSHHOSTKEYS_MODULE_H
#define SSHHOSTKEYS_MODULE_H

#include <stddef.h>
#include <sys/types.h>

#include <sshhostkeys.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SHK_MODULE_ABI_VERSION 1
/* Name of the one exported function; versioned with the ABI. */
#define SHK_MODULE_ENTRY "sshhostkeys_module_v1"

enum shk_nss_status {
	SHK_NSS_TRYAGAIN = -2,
	SHK_NSS_UNAVAIL = -1,
	SHK_NSS_NOTFOUND = 0,
	SHK_NSS_SUCCESS = 1,
};

/* What a module is given at open(); valid until close() returns. */
struct shk_module_env {
	unsigned int abi_version; /* SHK_MODULE_ABI_VERSION */
	/* Prefix for system paths: "" for the real root, else "/some/dir"
	 * with no trailing slash. Prepend it to /etc/... paths. */
	const char *root;
	/* The user's home directory, or NULL when there is none (or when
	 * running setuid, where $HOME is not trusted). */
	const char *home;
	uid_t uid; /* the user whose stores are read */
	/* Value in effect of a sshhostkeys.conf setting (its default when
	 * unset), or NULL for a key the library does not know. */
	const char *(*conf_get)(const struct shk_module_env *env, const char *key);
	/* Report a diagnostic; file may be NULL, line 0. */
	void (*log)(const struct shk_module_env *env, int level, int code,
		    const char *file, unsigned long line, const char *msg);
	void *priv; /* the dispatcher's; modules leave it alone */
};

/* A query, already validated and canonical. */
struct shk_module_query {
	const char *host;    /* canonical host: lowercase name or IP literal */
	unsigned int port;   /* 1..65535 */
	const char *keytype; /* NULL: any type */
	/* The OpenSSH known_hosts name: host, or "[host]:port" when port
	 * is not 22. */
	const char *kh_name;
};

/* One key in a result; every pointer points into the caller's buffer. */
struct shk_module_key {
	const char *type;
	const unsigned char *blob;
	size_t bloblen;
	int marker; /* enum shk_marker */
	const char *origin;
	unsigned long line;
	const char *comment; /* may be NULL */
	/* 1 for a portless entry offered only as OpenSSH's port fallback
	 * (query port not 22, entry without a port; plain, @revoked or
	 * @cert-authority). Only verify weighs such keys, and only when
	 * nothing for the port decided: to reach MATCH, or REVOKED. */
	int port_fallback;
};

struct shk_module_result {
	struct shk_module_key *keys; /* in the caller's buffer */
	size_t nkeys;
};

struct shk_module {
	unsigned int abi_version; /* SHK_MODULE_ABI_VERSION */
	const char *name;	  /* the source name in nsswitch.conf */

	/* Set up per-context state. Returns SHK_OK or a negative
	 * enum shk_status; a failing module is skipped and logged. */
	int (*open)(const struct shk_module_env *env, void **state);
	void (*close)(void *state);

	/* Required. The keys the source holds for the query, revoked and
	 * cert-authority entries included. */
	enum shk_nss_status (*lookup)(void *state, const struct shk_module_query *q,
				      struct shk_module_result *res, char *buf,
				      size_t buflen, int *errnop);

	/* Optional (NULL): for sources that can only check a presented
	 * key, e.g. ones holding digests. On SUCCESS, *verdict is an
	 * enum shk_verdict and res holds the evidence. */
	enum shk_nss_status (*verify)(void *state, const struct shk_module_query *q,
				      const char *type, const unsigned char *blob,
				      size_t bloblen, int *verdict,
				      struct shk_module_result *res, char *buf,
				      size_t buflen, int *errnop);

	/* Optional (NULL): lint every store the source reads, logging each
	 * problem with file:line. Returns the number of problems found, or
	 * a negative enum shk_status. */
	int (*check)(void *state);

	/* Optional (NULL): call cb for every entry the source holds, with
	 * names as a known_hosts host field (a name, "[name]:port", a pattern
	 * list or a |1| hash) and key pointing to memory valid during the
	 * call. An entry whose host cannot be named (a hashed ssh2 file: its
	 * name hides the host by design) is given with names NULL and
	 * key->origin set, so a caller can count it or resolve it by asking
	 * for the hosts it knows. Stop when cb returns non-zero and return
	 * that value; else return SHK_OK or a negative enum shk_status. */
	int (*enumerate)(void *state,
			 int (*cb)(void *arg, const char *names,
				   const struct shk_module_key *key),
			 void *arg);
};

typedef const struct shk_module *shk_module_entry_fn(void);

#ifdef __cplusplus
}
#endif
#endif /* SSHHOSTKEYS_MODULE_H */
