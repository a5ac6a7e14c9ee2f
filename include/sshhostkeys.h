/* SPDX-License-Identifier: MIT */
/*
 * libsshhostkeys: which keys may host H on port P present?
 *
 * One context is opened per process (or per user of the library). After
 * shk_ctx_open() returns, every function that takes a const or non-const
 * context may be called from several threads at once; the context takes
 * its own locks. Nothing in the library keeps global mutable state.
 *
 * Error idiom: every function that can fail returns an int, SHK_OK (0) on
 * success or a negative enum shk_status value. shk_strerror() names it.
 * Details (file:line: what is wrong) go to the log callback given at open.
 *
 * Ownership: every object a function hands out through an out-pointer
 * belongs to the caller and is released with the matching _free function.
 * Strings inside a returned object live as long as the object.
 *
 * Growth: the structs the library hands out (struct shk_key, shk_hostkey,
 * shk_keylist, shk_verification, shk_source_info, shk_sourcelist) may
 * gain fields at their end in later versions. Callers never allocate,
 * copy or index arrays of them: they read them through the pointers the
 * library gives (a list is an array of pointers), and make a struct
 * shk_key only with shk_key_parse(), shk_key_from_blob() or
 * shk_key_load_file(). Structs a caller passes in (struct
 * shk_ctx_options, shk_policy_params) start with a size field the caller
 * sets to sizeof the struct it was compiled with; fields it does not know
 * are zero.
 *
 * Set-ID programs: when the process runs with AT_SECURE (setuid, setgid,
 * file capabilities, some LSM transitions), every call that touches the
 * filesystem (shk_ctx_open, shk_key_load_file, shk_lookup,
 * shk_lookup_source, shk_verify, shk_sources, shk_check, shk_foreach,
 * shk_store_add, shk_store_remove, shk_check_host_key) does so with the
 * real user's rights only: for the duration of the call the calling
 * thread's fsuid and fsgid are the real uid and gid, and the filesystem
 * capabilities (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER,
 * CAP_CHOWN, ...) are out of its effective set; both are restored before
 * the call returns, and the call fails with SHK_ERR_SYSTEM, opening
 * nothing, if they cannot be switched. So a key file the caller names, a
 * ~/.ssh/known_hosts linking to a file only root may read, the system
 * stores and the files created in the user's home get exactly the real
 * user's access and ownership; writing the system store needs a caller
 * whose real uid may write it (use sudo, not a setuid bit). In a program
 * with file capabilities and equal ids the fsuid does not change, and
 * dropping the capabilities is what keeps it to the user's rights. Other
 * threads keep their credentials (Linux credentials are per thread), and
 * callbacks (log, custom policy, foreach) run inside the call, hence with
 * the real user's filesystem rights too. Also with AT_SECURE: environment
 * overrides are ignored, a root prefix for shk_ctx_open other than NULL or
 * "/" is refused, and no cache file is written. The sshhostkeys CLI
 * refuses to run set-ID at all.
 */
#ifndef SSHHOSTKEYS_H
#define SSHHOSTKEYS_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define SHK_API __attribute__((visibility("default")))
#else
#define SHK_API
#endif

enum shk_status {
	SHK_OK = 0,
	SHK_ERR_NOMEM = -1,	  /* out of memory */
	SHK_ERR_INVAL = -2,	  /* bad argument or bad input */
	SHK_ERR_PARSE = -3,	  /* input could not be parsed */
	SHK_ERR_SYSTEM = -4,	  /* a system call failed; errno kept */
	SHK_ERR_NOTFOUND = -5,	  /* no such file, host or entry */
	SHK_ERR_UNTRUSTED = -6,	  /* store writable by others: ignored */
	SHK_ERR_UNSUPPORTED = -7, /* known format we cannot handle */
	SHK_ERR_MODULE = -8,	  /* a source module failed or is bad */
	SHK_ERR_RANGE = -9,	  /* value or buffer out of range */
};

/* Static string naming a status; never NULL. */
SHK_API const char *shk_strerror(int status);

/*
 * The library's version, "MAJOR.MINOR.PATCH" (the package version, e.g.
 * "0.1.0"): a static string, never NULL, callable from any thread before
 * or without a context. Compare the three numbers in order (strtoul each
 * dot-separated part), never the strings: "0.10.0" is newer than "0.9.0".
 * A symbol a caller needs is better tested for with dlsym() than inferred
 * from the version.
 */
SHK_API const char *shk_version(void);

/* Log levels, most severe first. */
enum shk_log_level {
	SHK_LOG_ERR = 0,
	SHK_LOG_WARN = 1,
	SHK_LOG_INFO = 2,
	SHK_LOG_DEBUG = 3,
};

/*
 * One diagnostic. file is NULL when the message is about no file; line is
 * 0 when it is about a whole file. All pointers are valid only during the
 * callback.
 */
struct shk_diag {
	int level;	   /* enum shk_log_level */
	int code;	   /* enum shk_status */
	const char *file;
	unsigned long line;
	const char *msg;
};

/* May be called from several threads at once. */
typedef void shk_log_fn(void *arg, const struct shk_diag *diag);

/* Key markers, as in OpenSSH known_hosts. */
enum shk_marker {
	SHK_MARKER_NONE = 0,
	SHK_MARKER_CERT_AUTHORITY = 1,
	SHK_MARKER_REVOKED = 2,
};

/* A public key. Made only by the library's constructors below; read,
 * never allocated or copied by callers (it may grow at its end). */
struct shk_key {
	char *type;	     /* e.g. "ssh-ed25519" */
	unsigned char *blob; /* RFC 4253 public key blob */
	size_t bloblen;
	char *comment;	     /* NULL when none */
};

/*
 * Parse one OpenSSH public key line "TYPE BASE64 [COMMENT]", or "TYPE
 * BASE64" given as two words. The blob is checked (inner type, length,
 * EC point on its curve); unknown key types are kept as opaque blobs.
 * *out is the caller's; free with shk_key_free().
 */
SHK_API int shk_key_parse(const char *text, size_t len, struct shk_key **out);

/*
 * A key from its RFC 4253 wire blob, as an SSH server presents it (no
 * round trip through base64 text): the type is the blob's leading string
 * and the blob is checked as shk_key_parse() checks it (SHK_ERR_PARSE
 * otherwise). blob is copied; *out is the caller's, free with
 * shk_key_free(); it has no comment. Any thread.
 */
SHK_API int shk_key_from_blob(const unsigned char *blob, size_t len, struct shk_key **out);

/*
 * Read every key of a file: OpenSSH one-line keys or RFC 4716 blocks
 * (several per file allowed). Bad parts are logged as file:line and
 * skipped. *keys is an array of *nkeys pointers; free with
 * shk_key_array_free(). SHK_ERR_NOTFOUND when the file holds no key.
 */
SHK_API int shk_key_load_file(const char *path, shk_log_fn *log, void *log_arg,
			      struct shk_key ***keys, size_t *nkeys);

SHK_API void shk_key_free(struct shk_key *key);
SHK_API void shk_key_array_free(struct shk_key **keys, size_t nkeys);

/* Size in bits as ssh-keygen -l prints it; 0 for opaque types. */
SHK_API unsigned int shk_key_bits(const struct shk_key *key);

enum shk_fp_kind {
	SHK_FP_SHA256 = 0,	 /* "SHA256:" + base64, no padding */
	SHK_FP_MD5 = 1,		 /* "MD5:" + colon-separated hex */
	SHK_FP_BUBBLEBABBLE = 2, /* Bubble Babble of the SHA-1 digest */
};

/* Fingerprint of a key as ssh-keygen prints it. *out is the caller's. */
SHK_API int shk_key_fingerprint(const struct shk_key *key, enum shk_fp_kind kind,
				char **out);

/*
 * Host specs: "host", "[host]:port" (OpenSSH) or "host#port" (Tectia).
 * DNS names are lowercased; IP literals are put in canonical form. A name
 * holding '/', a ".." part, white space, control characters or NUL is
 * refused with SHK_ERR_INVAL. port is the port to use when the spec names
 * none (0 means 22); a spec that names another port than a non-zero port
 * argument is refused. *host_out is the caller's (free()).
 */
SHK_API int shk_host_parse(const char *spec, unsigned int port, char **host_out,
			   unsigned int *port_out);

/* ---- Contexts ---------------------------------------------------------- */

struct shk_ctx;

/* Flags for shk_ctx_open(). */
#define SHK_CTX_NO_ENV 0x1u /* ignore SSHHOSTKEYS_* environment overrides */

/*
 * Open a context. root prefixes every system path (etc/nsswitch.conf,
 * etc/sshhostkeys.conf, etc/ssh/..., etc/ssh2/...); NULL means the
 * SSHHOSTKEYS_ROOT environment variable (read with secure_getenv, so it is
 * ignored in setuid programs) or "/". A set-ID process may pass only NULL
 * or "/" (else SHK_ERR_INVAL). log may be NULL. *ctx is the caller's;
 * close with shk_ctx_close().
 */
SHK_API int shk_ctx_open(struct shk_ctx **ctx, const char *root, unsigned int flags,
			 shk_log_fn *log, void *log_arg);

/* Flag for struct shk_ctx_options: user_uid is set. */
#define SHK_CTX_USER_UID 0x2u

/*
 * What shk_ctx_open_with() opens. Set size to sizeof(struct
 * shk_ctx_options) and every field you do not use to zero (a designated
 * initializer does both); the library reads only the fields a caller of
 * that size knows, and refuses non-zero bytes it does not know
 * (SHK_ERR_UNSUPPORTED).
 */
struct shk_ctx_options {
	size_t size;		/* sizeof(struct shk_ctx_options) */
	const char *root;	/* as for shk_ctx_open() */
	unsigned int flags;	/* SHK_CTX_NO_ENV, SHK_CTX_USER_UID */
	shk_log_fn *log;	/* may be NULL */
	void *log_arg;
	/*
	 * The home whose user stores (~/.ssh/known_hosts, ~/.ssh2/hostkeys)
	 * are read and written, as an absolute path: a service acting for
	 * several users opens a context per user. NULL: $HOME (unless
	 * SHK_CTX_NO_ENV or SHK_CTX_USER_UID, or set-ID), else the passwd
	 * entry of the user (user_uid, or the real uid).
	 */
	const char *home;
	/*
	 * With SHK_CTX_USER_UID: the user who owns those stores. Their
	 * files are trusted when owned by root or by this uid (else by the
	 * real uid). Keys the context writes there are written with the
	 * caller's own ids, so a root service writes root-owned files.
	 */
	unsigned long user_uid;
};

/*
 * shk_ctx_open() with options: opts NULL is shk_ctx_open(ctx, NULL, 0,
 * NULL, NULL). A set-ID process may name no home and no user_uid
 * (SHK_ERR_INVAL), as it may name no root. *ctx as for shk_ctx_open().
 */
SHK_API int shk_ctx_open_with(struct shk_ctx **ctx, const struct shk_ctx_options *opts);
SHK_API void shk_ctx_close(struct shk_ctx *ctx);

/* ---- Lookups ----------------------------------------------------------- */

/* One key a source knows for a host. */
struct shk_hostkey {
	const char *type;		/* key type name */
	const unsigned char *blob;	/* RFC 4253 blob */
	size_t bloblen;
	enum shk_marker marker;
	const char *source;		/* source module name, e.g. "files" */
	const char *origin;		/* file (or directory entry) it came from */
	unsigned long line;		/* line in origin where the key starts; 0 if none */
	const char *comment;		/* NULL when none */
};

struct shk_keylist {
	size_t count;
	struct shk_hostkey **keys; /* count pointers, then NULL */
	/* The name known_hosts lists the host under on the port asked about,
	 * as the lookup matched it: the canonical host (see shk_host_parse)
	 * for port 22, "[host]:port" otherwise. Set in every list the library
	 * hands out, empty or not; lives as long as the list. */
	const char *kh_name;
};

/*
 * The keys host (a host spec, see shk_host_parse) may present on port
 * (0: the spec's port or 22), of type keytype (NULL: any), through the
 * sources configured in nsswitch.conf, in order. Revoked keys of every
 * configured source are included whatever the action items say.
 * *out is the caller's, even when it is empty; free with
 * shk_keylist_free(). Returns SHK_OK when found, SHK_ERR_NOTFOUND when
 * no source knows a key the host may present (*out then holds only
 * revocations, or nothing).
 */
SHK_API int shk_lookup(struct shk_ctx *ctx, const char *host, unsigned int port,
		       const char *keytype, struct shk_keylist **out);
SHK_API void shk_keylist_free(struct shk_keylist *list);

/* Verdicts; the values are the CLI's exit codes. */
enum shk_verdict {
	SHK_VERDICT_MATCH = 0,	 /* the key is known for the host */
	SHK_VERDICT_UNKNOWN = 1, /* the host is not known at all */
	SHK_VERDICT_CHANGED = 3, /* known with another key of the same type */
	SHK_VERDICT_REVOKED = 4, /* the key is revoked */
	SHK_VERDICT_OTHER = 5,	 /* known only with keys of other types;
				  * OpenSSH treats this as CHANGED */
};

struct shk_verification {
	enum shk_verdict verdict;
	/* The entry that decided: the matching or revoked key; NULL otherwise. */
	const struct shk_hostkey *evidence;
	/* Every key considered for the host (the evidence for CHANGED/OTHER);
	 * never NULL, lives as long as the verification. */
	const struct shk_keylist *known;
	/* 1 when the evidence is a portless entry for a non-22 port, used
	 * because nothing for the port decided (OpenSSH's fallback): a MATCH,
	 * or a REVOKED by a portless revocation. Never CHANGED. */
	int port_fallback;
	/* A certificate's CA: the @cert-authority entry holding the key that
	 * signed it, or NULL. Not a verdict: the signature, principals and
	 * validity are not checked here (ssh checks them). ca_port_fallback
	 * is 1 when that entry is portless (found as port_fallback is). */
	const struct shk_hostkey *ca;
	int ca_port_fallback;
};

/*
 * Check the key a host presents. *out is the caller's; free with
 * shk_verification_free().
 */
SHK_API int shk_verify(struct shk_ctx *ctx, const char *host, unsigned int port,
		       const struct shk_key *key, struct shk_verification **out);
SHK_API void shk_verification_free(struct shk_verification *v);

SHK_API const char *shk_verdict_name(enum shk_verdict v);

/* ---- Introspection (the CLI's "sources" and "check") --------------------- */

struct shk_source_info {
	const char *name;    /* source name from nsswitch.conf */
	const char *state;   /* "ready", or why the source is skipped */
	const char *actions; /* non-default action items, e.g. "[NOTFOUND=return]" */
	int ready;	     /* 1 when the module is loaded and open */
	int can_verify;	     /* 1 when the module has a verify function */
};

struct shk_sourcelist {
	size_t count;
	struct shk_source_info **sources; /* count pointers, then NULL */
	const char *config_file; /* nsswitch.conf read, or NULL */
	unsigned long config_line; /* its ssh_hostkeys line; 0: default order */
	/* When the default order is used because nsswitch.conf is unusable
	 * or its ssh_hostkeys line malformed: "file[:line]: what is wrong";
	 * NULL otherwise (no file, no ssh_hostkeys line, or a good line). */
	const char *config_error;
};

/* The effective order. *out is the caller's; free with shk_sourcelist_free(). */
SHK_API int shk_sources(struct shk_ctx *ctx, struct shk_sourcelist **out);
SHK_API void shk_sourcelist_free(struct shk_sourcelist *list);

/*
 * Ask one source only, ignoring action items. *nss_status gets the
 * module's answer (enum shk_nss_status of <sshhostkeys/module.h>: 1
 * SUCCESS, 0 NOTFOUND, -1 UNAVAIL, -2 TRYAGAIN). *out as for shk_lookup().
 */
SHK_API int shk_lookup_source(struct shk_ctx *ctx, const char *source, const char *host,
			      unsigned int port, const char *keytype,
			      struct shk_keylist **out, int *nss_status);

/*
 * Lint every configured store: bad lines, unreadable or untrusted files,
 * unresolvable Tectia hashed files, each logged with file:line.
 * *nproblems gets the count. Problems with nsswitch.conf and
 * sshhostkeys.conf are counted too; they were logged when the context
 * read those files, and are not logged again.
 */
SHK_API int shk_check(struct shk_ctx *ctx, unsigned long *nproblems);

/* ---- Writing --------------------------------------------------------------
 * Every write is locked (a lock file in the store directory, so processes
 * and threads serialize) and atomic (temporary file in the same directory,
 * fsync, rename, fsync of the directory); no write follows a symlink it did
 * not expect. User store directories are created 0700, files 0644.
 */

enum shk_store_scope {
	SHK_STORE_USER = 0,   /* ~/.ssh2/hostkeys and the user known_hosts files */
	SHK_STORE_SYSTEM = 1, /* /etc/ssh2/hostkeys and the global known_hosts files */
};

enum shk_store_format {
	SHK_FORMAT_DEFAULT = 0, /* host_key_format of sshhostkeys.conf */
	SHK_FORMAT_HASHED = 1,	/* keys_<hash>, with the directory's salt */
	SHK_FORMAT_PLAIN = 2,	/* key_<port>_<host>.pub */
};

/*
 * Add keys for host (a host spec; port as for shk_lookup) to the ssh2 store
 * of scope. They are merged with the keys the host's file already holds
 * (one file per host and port; several key types kept together; a key
 * already there is not added twice). Writing the hashed file removes the
 * host's plain file. *added (may be NULL) gets how many keys were new.
 */
SHK_API int shk_store_add(struct shk_ctx *ctx, enum shk_store_scope scope,
			  enum shk_store_format format, const char *host, unsigned int port,
			  const struct shk_key *const *keys, size_t nkeys, size_t *added);

/*
 * Remove host from the ssh2 store of scope (plain and hashed files) and
 * from the known_hosts files of that scope, as ssh-keygen -R does: FILE.old
 * keeps the previous contents, every other line (comments, markers,
 * invalid lines) stays byte for byte. *removed (may be NULL) gets the
 * number of files and lines removed. SHK_ERR_NOTFOUND when nothing named
 * the host.
 */
SHK_API int shk_store_remove(struct shk_ctx *ctx, enum shk_store_scope scope,
			     const char *host, unsigned int port, size_t *removed);

/* ---- Policies for unknown and changed keys ------------------------------- */

enum shk_policy {
	SHK_POLICY_DEFAULT = 0,	   /* policy of sshhostkeys.conf */
	SHK_POLICY_STRICT = 1,	   /* unknown refused, nothing stored */
	SHK_POLICY_ACCEPT_NEW = 2, /* unknown stored and accepted; changed refused */
	SHK_POLICY_AUTO_ADD = 3,   /* as accept-new; changed replaced only with
				    * SHK_POLICY_FLAG_REPLACE */
	SHK_POLICY_WARN = 4,	   /* unknown accepted with a warning, not stored */
	SHK_POLICY_ASK = 5,	   /* prompt on the controlling terminal; strict
				    * when there is none */
	SHK_POLICY_CUSTOM = 6,	   /* the callback decides */
};

enum shk_decision {
	SHK_DECISION_REFUSE = 0,
	SHK_DECISION_ACCEPT = 1,	   /* for this connection only */
	SHK_DECISION_ACCEPT_AND_STORE = 2, /* and remember the key */
};

/*
 * A custom policy: called for an unknown (and, if it wishes, a changed or
 * other-type) key; never for a revoked key, which is always refused, nor
 * for a match, which is always accepted. v holds the verdict and evidence.
 * ACCEPT_AND_STORE for a changed or other-type key replaces, as
 * SHK_POLICY_FLAG_REPLACE does for auto-add. Any other return refuses.
 */
typedef enum shk_decision shk_policy_fn(void *arg, const char *host, unsigned int port,
					const struct shk_key *key,
					const struct shk_verification *v);

/*
 * auto-add: a changed (or other-type) key replaces the old: the host's
 * entries in the scope's stores are removed as shk_store_remove() does,
 * then the key is added with the host's known keys of the other types,
 * so only keys of the presented type are forgotten.
 */
#define SHK_POLICY_FLAG_REPLACE 0x1u

struct shk_policy_params {
	size_t size;		      /* sizeof(struct shk_policy_params) */
	enum shk_policy policy;
	unsigned int flags;	      /* SHK_POLICY_FLAG_* */
	enum shk_store_scope scope;   /* where learned keys go */
	enum shk_store_format format; /* how they are stored */
	shk_policy_fn *fn;	      /* SHK_POLICY_CUSTOM */
	void *fn_arg;
};

/*
 * Verify key for host, then decide under the policy; store the key when the
 * decision says so. A refused key never changes any store; a revoked key is
 * refused under every policy. params may be NULL (the configured policy,
 * user store, configured format). *decision gets the outcome; *v (may be
 * NULL) the verification, the caller's to free.
 */
SHK_API int shk_check_host_key(struct shk_ctx *ctx, const char *host, unsigned int port,
			       const struct shk_key *key,
			       const struct shk_policy_params *params,
			       enum shk_decision *decision, struct shk_verification **v);

/* ---- Enumeration (export) ------------------------------------------------ */

/*
 * Call cb for every key of every configured source, in order. names is a
 * known_hosts host field: "host", "[host]:port", a pattern list or a |1|
 * hashed name; or NULL for a key whose host no one can name: a hashed
 * ssh2 file's name hides its host by design, so its keys come with names
 * NULL and key->origin naming the file. A caller that writes names (an
 * export) counts those and says so, or resolves them by looking up the
 * hosts it knows (shk_lookup gives the same keys with their origin).
 * Stops when cb returns non-zero (that value is returned).
 */
typedef int shk_foreach_fn(void *arg, const char *names, const struct shk_hostkey *key);
SHK_API int shk_foreach(struct shk_ctx *ctx, shk_foreach_fn *cb, void *arg);

#ifdef __cplusplus
}
#endif
#endif /* SSHHOSTKEYS_H */
