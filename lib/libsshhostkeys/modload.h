/* SPDX-License-Identifier: MIT */
/*
 * Loading source modules: dlopen(RTLD_NOW | RTLD_LOCAL) of
 * <moduledir>/sshhostkeys_<name>.so, the one versioned entry symbol, an
 * ABI check, then open(). A module that fails any step is kept as a
 * record of why, so the failure is logged once, not on every lookup.
 */
#ifndef SHK_MODLOAD_H
#define SHK_MODLOAD_H

#include <sys/types.h>

#include <sshhostkeys/module.h>

#include "nsswitch.h"
#include "shk.h"

struct shk_loaded_module {
	char name[SHK_NSS_NAME_MAX];
	void *dl;		   /* dlopen handle, NULL when not loaded */
	const struct shk_module *m; /* NULL when not usable */
	void *state;		   /* from m->open() */
	int ready;		   /* loaded, ABI right, opened */
	char why[SHK_ERRMSG_MAX];  /* "ready" or why it is not */
	struct shk_module_env env; /* handed to the module; lives here */
};

/*
 * Load and open module name from moduledir. The file must be a regular
 * file, not a symlink, and shk_trust_fd() must accept it for uid (owned by
 * root or uid, not writable by group or others, nor any directory up to
 * "/"): a module runs its constructors with the caller's privileges.
 * *lm is filled either way; returns SHK_OK when ready, else
 * SHK_ERR_UNTRUSTED / SHK_ERR_MODULE / SHK_ERR_NOTFOUND with lm->why set
 * ("path: why"). env must be filled by the caller except abi_version.
 */
int shk_modload(const char *moduledir, const char *name, uid_t uid,
		const struct shk_module_env *env, struct shk_loaded_module *lm);

/* close() the module and dlclose() it. */
void shk_modunload(struct shk_loaded_module *lm);

#endif
