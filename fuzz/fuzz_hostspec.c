/* SPDX-License-Identifier: MIT */
/*
 * Host specs "host", "[host]:port", "host#port" and canonical names. A
 * name that is accepted must be canonical (canonicalising it again gives
 * it back) and must survive the ssh2 file name round trip, which is what
 * keeps a lookup from reading a key from the wrong place.
 */
#include "config.h"

#include "fuzz.h"
#include "hostspec.h"
#include "shk.h"
#include "ssh2name.h"

static void
check_name(const char *host, unsigned int port)
{
	struct shk_error err;
	char again[SHK_HOST_MAX + 1], fname[SHK_SSH2_PLAIN_NAME_MAX],
		back[SHK_HOST_MAX + 1], kh[SHK_KH_NAME_MAX + 1];
	unsigned int bport = 0;

	FUZZ_ASSERT(port >= 1 && port <= 65535);
	FUZZ_ASSERT(strchr(host, '/') == NULL);
	FUZZ_ASSERT(strcmp(host, "..") != 0 && strncmp(host, "../", 3) != 0);
	/* Only what known_hosts and a file name take as itself. */
	FUZZ_ASSERT(strspn(host, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
				 "0123456789-._:%") == strlen(host));
	FUZZ_ASSERT(strlen(host) <= SHK_HOST_MAX);
	memset(&err, 0, sizeof(err));
	if (shk_host_canon(host, strlen(host), again, sizeof(again), &err) != SHK_OK) {
		fprintf(stderr, "canonical \"%s\" refused: %s\n", host, err.msg);
		abort();
	}
	FUZZ_ASSERT(strcmp(again, host) == 0);
	FUZZ_ASSERT(shk_host_kh_name(host, port, kh, sizeof(kh)) == SHK_OK);
	FUZZ_ASSERT(shk_ssh2_plain_name(host, port, fname, sizeof(fname)) == SHK_OK);
	FUZZ_ASSERT(shk_ssh2_classify(fname, &bport, back, sizeof(back)) == SHK_SSH2_PLAIN);
	FUZZ_ASSERT(bport == port && strcmp(back, host) == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned int ports[] = {0, 22, 2222};
	struct shk_error err;
	char host[SHK_HOST_MAX + 1], canon[SHK_HOST_MAX + 1], *spec = fuzz_cstr(data, size),
						      *raw = fuzz_dup(data, size), *pub;
	unsigned int port, pubport;
	size_t i;

	for (i = 0; i < SHK_ARRAY_SIZE(ports); i++) {
		memset(&err, 0, sizeof(err));
		port = 0;
		if (shk_hostspec_parse(spec, ports[i], host, sizeof(host), &port, &err) ==
		    SHK_OK)
			check_name(host, port);
		else
			FUZZ_ASSERT(err.msg[0] != '\0');
	}
	pub = NULL;
	if (shk_host_parse(spec, 0, &pub, &pubport) == SHK_OK) {
		check_name(pub, pubport);
		free(pub);
	}
	/* The counted form sees NUL bytes, which must be refused. */
	memset(&err, 0, sizeof(err));
	if (shk_host_canon(raw, size, canon, sizeof(canon), &err) == SHK_OK) {
		FUZZ_ASSERT(memchr(raw, '\0', size) == NULL);
		check_name(canon, 22);
	}
	free(spec);
	free(raw);
	return 0;
}
