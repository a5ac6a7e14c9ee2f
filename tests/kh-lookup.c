/* SPDX-License-Identifier: MIT */
/*
 * Test driver: ask the files module directly and print "TYPE BASE64" per
 * key, one per line. Stands in for "sshhostkeys lookup" in
 * parity-keygen.sh.
 *
 *   kh-lookup [-f] [-t TYPE] ROOT HOME HOST [PORT]
 *
 * HOME "-" means no home. -f also prints port-fallback keys. Exit 0 when
 * a key was printed, 1 when none, 2 on errors.
 */
#include "config.h"

#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sshhostkeys/module.h>

#include "base64.h"
#include "hostspec.h"
#include "shk.h"

static void
log_stderr(const struct shk_module_env *env, int level, int code, const char *file,
	   unsigned long line, const char *msg)
{
	if (level <= SHK_LOG_WARN)
		fprintf(stderr, "kh-lookup: %s:%lu: %s\n", file != NULL ? file : "-", line, msg);
}

static int
usage(void)
{
	fprintf(stderr, "usage: kh-lookup [-f] [-t TYPE] ROOT HOME HOST [PORT]\n");
	return 2;
}

int
main(int argc, char **argv)
{
	char host[SHK_HOST_MAX + 1], khname[SHK_KH_NAME_MAX], *buf = NULL, *b64 = NULL;
	const char *dir = getenv("SSHHOSTKEYS_MODULE_DIR");
	struct shk_module_env env;
	struct shk_module_query q;
	struct shk_module_result res;
	struct shk_error err;
	shk_module_entry_fn *entry;
	const struct shk_module *mod = NULL;
	enum shk_nss_status st;
	void *dl = NULL, *state = NULL;
	char path[4096];
	size_t len, i, cap;
	int c, fallback = 0, e, rc = 2, printed = 0;
	unsigned int port_in = 0;

	memset(&q, 0, sizeof(q));
	memset(&err, 0, sizeof(err));
	while ((c = getopt(argc, argv, "ft:")) != -1) {
		if (c == 'f')
			fallback = 1;
		else if (c == 't')
			q.keytype = optarg;
		else
			return usage();
	}
	argc -= optind;
	argv += optind;
	if (argc < 3 || argc > 4)
		return usage();
	if (argc == 4)
		port_in = (unsigned int)strtoul(argv[3], NULL, 10);
	if (shk_hostspec_parse(argv[2], port_in, host, sizeof(host), &q.port, &err) != SHK_OK ||
	    shk_host_kh_name(host, q.port, khname, sizeof(khname)) != SHK_OK) {
		fprintf(stderr, "kh-lookup: bad host \"%s\": %s\n", argv[2], err.msg);
		return 2;
	}
	q.host = host;
	q.kh_name = khname;
	snprintf(path, sizeof(path), "%s/sshhostkeys_files.so", dir != NULL ? dir : ".");
	if ((dl = dlopen(path, RTLD_NOW | RTLD_LOCAL)) == NULL) {
		fprintf(stderr, "kh-lookup: %s\n", dlerror());
		return 2;
	}
	*(void **)&entry = dlsym(dl, SHK_MODULE_ENTRY);
	if (entry == NULL || (mod = entry()) == NULL)
		goto out;
	memset(&env, 0, sizeof(env));
	env.abi_version = SHK_MODULE_ABI_VERSION;
	env.root = argv[0];
	env.home = strcmp(argv[1], "-") == 0 ? NULL : argv[1];
	env.uid = getuid();
	env.log = log_stderr;
	if (mod->open(&env, &state) != SHK_OK)
		goto out;
	for (len = 4096;; len *= 2) {
		free(buf);
		if ((buf = malloc(len)) == NULL)
			goto out;
		e = 0;
		if ((st = mod->lookup(state, &q, &res, buf, len, &e)) != SHK_NSS_TRYAGAIN)
			break;
		if (e != ERANGE)
			goto out;
	}
	for (i = 0; st == SHK_NSS_SUCCESS && i < res.nkeys; i++) {
		if (res.keys[i].port_fallback && !fallback)
			continue;
		cap = SHK_B64_ENCODED_SIZE(res.keys[i].bloblen);
		free(b64);
		if ((b64 = malloc(cap)) == NULL)
			goto out;
		shk_b64_encode(res.keys[i].blob, res.keys[i].bloblen, b64, cap, 1);
		printf("%s %s\n", res.keys[i].type, b64);
		printed++;
	}
	rc = printed > 0 ? 0 : 1;
out:
	if (state != NULL)
		mod->close(state);
	free(b64);
	free(buf);
	dlclose(dl);
	return rc;
}
