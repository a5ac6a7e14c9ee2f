/* SPDX-License-Identifier: MIT */
#include "config.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "crypto.h"

#ifndef SHK_LIBCRYPTO_SONAME
#error "configure must define SHK_LIBCRYPTO_SONAME"
#endif

/*
 * The dependency, declared for packaging tools as systemd's "ELF dlopen
 * metadata" note (https://systemd.io/ELF_DLOPEN_METADATA/): since the
 * soname is no DT_NEEDED entry, this is how a packager's dependency
 * generator learns that the library needs it.
 */
#define DLOPEN_NOTE_JSON                                                               \
	"[{\"feature\":\"crypto\",\"description\":\"hashed known_hosts lines, hashed "   \
	"ssh2 names and fingerprints\",\"priority\":\"required\",\"soname\":[\""         \
	SHK_LIBCRYPTO_SONAME "\"]}]"
#define DLOPEN_NOTE_VENDOR "FDO"
#define DLOPEN_NOTE_TYPE UINT32_C(0x407c0c0a)

__attribute__((used, section(".note.dlopen"), aligned(4))) static const struct {
	uint32_t namesz, descsz, type;
	char name[sizeof(DLOPEN_NOTE_VENDOR)];
	_Alignas(4) char desc[sizeof(DLOPEN_NOTE_JSON)];
} dlopen_note = {
	sizeof(DLOPEN_NOTE_VENDOR), sizeof(DLOPEN_NOTE_JSON), DLOPEN_NOTE_TYPE,
	DLOPEN_NOTE_VENDOR, DLOPEN_NOTE_JSON,
};

/* Written once under load_once, read only after it. */
static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static struct shk_crypto table;
static int loaded;
static char load_error[SHK_ERRMSG_MAX];

static void *
sym(void *h, const char *name, int *ok)
{
	void *p = dlsym(h, name);

	if (p == NULL && *ok) {
		snprintf(load_error, sizeof(load_error), "%s: no symbol %s",
			 SHK_LIBCRYPTO_SONAME, name);
		*ok = 0;
	}
	return p;
}

static void
load(void)
{
	const char *e;
	void *h;
	int ok = 1;

	/* A bare soname: ld.so's search, which ignores LD_LIBRARY_PATH in
	 * setuid programs. The handle is kept for the process's life. */
	if ((h = dlopen(SHK_LIBCRYPTO_SONAME, RTLD_NOW | RTLD_LOCAL)) == NULL) {
		e = dlerror();
		snprintf(load_error, sizeof(load_error), "cannot load %s: %s",
			 SHK_LIBCRYPTO_SONAME, e != NULL ? e : "unknown error");
		return;
	}
	/* POSIX dlsym returns void *; the cast to a function pointer is the
	 * documented idiom (the object and function pointers agree on ELF). */
#define LOAD(field, name) *(void **)&table.field = sym(h, name, &ok)
	LOAD(evp_digest, "EVP_Digest");
	LOAD(evp_md5, "EVP_md5");
	LOAD(evp_sha1, "EVP_sha1");
	LOAD(evp_sha256, "EVP_sha256");
	LOAD(sha1_init, "SHA1_Init");
	LOAD(sha1_update, "SHA1_Update");
	LOAD(sha1_final, "SHA1_Final");
	LOAD(sha256_init, "SHA256_Init");
	LOAD(sha256_update, "SHA256_Update");
	LOAD(sha256_final, "SHA256_Final");
#undef LOAD
	loaded = ok;
}

const struct shk_crypto *
shk_crypto(struct shk_error *err)
{
	pthread_once(&load_once, load);
	if (loaded)
		return &table;
	shk_error_set(err, SHK_ERR_SYSTEM, 0, "%s", load_error);
	return NULL;
}
