/* SPDX-License-Identifier: MIT */
#include "config.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "modload.h"
#include "trust.h"

/* Why the module is not usable; truncation of a long path is fine. */
static void __attribute__((format(printf, 2, 3)))
set_why(struct shk_loaded_module *lm, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(lm->why, sizeof(lm->why), fmt, ap);
	va_end(ap);
}

/*
 * Whether the module file at path may be loaded (see shk_modload()); on
 * SHK_OK, resolved (PATH_MAX bytes) is the path to dlopen(). The file must
 * not be a symlink (O_NOFOLLOW) and is checked through the descriptor; its
 * directories are those of the resolved path, up to "/", and dlopen() gets
 * that same resolved path, so no symlink in between is followed again.
 * Neither the file nor any of those directories may be written by anyone
 * but root or uid, so only they could swap it between the check and
 * dlopen(), and they could as well install another module.
 * (dlopen("/proc/self/fd/N") would close even that gap, but needs /proc,
 * and glibc hands back an already loaded object of the same name, which a
 * reused descriptor number would give.)
 */
static int
modload_trust(const char *path, uid_t uid, char *resolved, struct shk_loaded_module *lm)
{
	struct shk_error err;
	struct stat st;
	int fd, r, oerrno;

	memset(&err, 0, sizeof(err));
	if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode)) {
		set_why(lm, "%s: a symbolic link, not loaded", path);
		return SHK_ERR_UNTRUSTED;
	}
	if (realpath(path, resolved) == NULL) {
		oerrno = errno;
		set_why(lm, "cannot load %s: %s", path, strerror(oerrno));
		return oerrno == ENOENT || oerrno == ENOTDIR ? SHK_ERR_NOTFOUND : SHK_ERR_MODULE;
	}
	fd = open(resolved, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY);
	if (fd == -1) {
		oerrno = errno;
		if (oerrno == ELOOP) {
			set_why(lm, "%s: a symbolic link, not loaded", resolved);
			return SHK_ERR_UNTRUSTED;
		}
		set_why(lm, "cannot load %s: %s", resolved, strerror(oerrno));
		return oerrno == ENOENT || oerrno == ENOTDIR ? SHK_ERR_NOTFOUND : SHK_ERR_MODULE;
	}
	if (fstat(fd, &st) == -1) {
		oerrno = errno;
		set_why(lm, "cannot load %s: fstat: %s", path, strerror(oerrno));
		r = SHK_ERR_MODULE;
	} else if (!S_ISREG(st.st_mode)) {
		set_why(lm, "%s: not a regular file, not loaded", path);
		r = SHK_ERR_UNTRUSTED;
	} else if ((r = shk_trust_fd(fd, resolved, NULL, uid, &err)) != SHK_OK) {
		set_why(lm, "%s: not trusted, not loaded: %s", path, err.msg);
		if (r != SHK_ERR_NOTFOUND)
			r = SHK_ERR_UNTRUSTED;
	}
	close(fd);
	return r;
}

int
shk_modload(const char *moduledir, const char *name, uid_t uid,
	    const struct shk_module_env *env, struct shk_loaded_module *lm)
{
	char path[4096], resolved[PATH_MAX];
	shk_module_entry_fn *entry;
	const struct shk_module *m;
	const char *dlerr;
	int r;

	memset(lm, 0, sizeof(*lm));
	snprintf(lm->name, sizeof(lm->name), "%s", name);
	lm->env = *env;
	lm->env.abi_version = SHK_MODULE_ABI_VERSION;
	if ((size_t)snprintf(path, sizeof(path), "%s/sshhostkeys_%s.so", moduledir, name) >=
	    sizeof(path)) {
		set_why(lm, "module path too long");
		return SHK_ERR_RANGE;
	}
	if ((r = modload_trust(path, uid, resolved, lm)) != SHK_OK)
		return r;
	/* RTLD_NOW: an unresolved symbol shows here, not in the middle of a
	 * lookup. RTLD_LOCAL: modules cannot interpose on each other. */
	if ((lm->dl = dlopen(resolved, RTLD_NOW | RTLD_LOCAL)) == NULL) {
		dlerr = dlerror();
		set_why(lm, "cannot load %s: %s", path,
			 dlerr != NULL ? dlerr : "unknown error");
		return SHK_ERR_NOTFOUND;
	}
	*(void **)&entry = dlsym(lm->dl, SHK_MODULE_ENTRY);
	if (entry == NULL) {
		set_why(lm, "%s has no %s symbol", path,
			 SHK_MODULE_ENTRY);
		r = SHK_ERR_MODULE;
		goto fail;
	}
	if ((m = entry()) == NULL) {
		set_why(lm, "%s returned no module table", path);
		r = SHK_ERR_MODULE;
		goto fail;
	}
	if (m->abi_version != SHK_MODULE_ABI_VERSION) {
		set_why(lm, "%s has module ABI version %u, this library needs %u", path,
			 m->abi_version, (unsigned)SHK_MODULE_ABI_VERSION);
		r = SHK_ERR_MODULE;
		goto fail;
	}
	if (m->lookup == NULL || m->open == NULL || m->close == NULL || m->name == NULL) {
		set_why(lm, "%s lacks a required function", path);
		r = SHK_ERR_MODULE;
		goto fail;
	}
	if (strcmp(m->name, name) != 0) {
		set_why(lm, "%s calls itself \"%s\", not \"%s\"", path,
			 m->name, name);
		r = SHK_ERR_MODULE;
		goto fail;
	}
	if ((r = m->open(&lm->env, &lm->state)) != SHK_OK) {
		set_why(lm, "%s: open failed: %s", path,
			 shk_strerror(r));
		r = SHK_ERR_MODULE;
		goto fail;
	}
	lm->m = m;
	lm->ready = 1;
	set_why(lm, "ready");
	return SHK_OK;
fail:
	dlclose(lm->dl);
	lm->dl = NULL;
	return r;
}

void
shk_modunload(struct shk_loaded_module *lm)
{
	if (lm->ready && lm->m != NULL)
		lm->m->close(lm->state);
	if (lm->dl != NULL)
		dlclose(lm->dl);
	lm->dl = NULL;
	lm->m = NULL;
	lm->state = NULL;
	lm->ready = 0;
}
