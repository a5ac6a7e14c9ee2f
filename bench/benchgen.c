/* SPDX-License-Identifier: MIT */
/*
 * Fixture generator for make bench. Output depends only on the arguments
 * and the key files, so two runs with the same keys give the same stores
 * (hashing with ssh-keygen -H then adds its random salts).
 *
 *   benchgen kh N KEYFILE.pub...          known_hosts lines on stdout
 *   benchgen ssh2 DIR N plain|hashed KEYFILE.pub...
 *
 * known_hosts: line i (0-based) names h<i, 7 digits>.example.com; every
 * 20th line also names an address 10.x.y.z; keys rotate over all key
 * files but the last (mixed types). Ten wildcard lines, and one @revoked
 * and one @cert-authority line with the last key, are spread through the
 * file, as in real stores.
 * Targets for the benchmark: h0000000 (first line), h<N/2>, h<N-1>, and
 * absent.example.com.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "digest.h"
#include "ssh2name.h"

#define MAXKEYS 16

static char *keys[MAXKEYS];
static size_t nkeys;

static int
load_keys(int argc, char **argv)
{
	char line[16384];
	FILE *f;
	size_t l;
	int i;

	for (i = 0; i < argc && nkeys < MAXKEYS; i++) {
		if ((f = fopen(argv[i], "r")) == NULL) {
			fprintf(stderr, "benchgen: %s: %s\n", argv[i], strerror(errno));
			return -1;
		}
		if (fgets(line, sizeof(line), f) == NULL) {
			fclose(f);
			fprintf(stderr, "benchgen: %s: empty\n", argv[i]);
			return -1;
		}
		fclose(f);
		/* Keep "TYPE BASE64", drop the comment. */
		l = strcspn(line, " ");
		l += 1 + strcspn(line + l + 1, " \n");
		line[l] = '\0';
		if ((keys[nkeys++] = strdup(line)) == NULL)
			return -1;
	}
	if (nkeys == 0) {
		fprintf(stderr, "benchgen: no key files\n");
		return -1;
	}
	return 0;
}

static int
gen_kh(unsigned long n)
{
	unsigned long i, every = n >= 10 ? n / 10 : 1;
	/* The last key file is kept for the marker lines only. */
	size_t nrot = nkeys > 1 ? nkeys - 1 : 1;
	const char *mark = keys[nkeys - 1];

	for (i = 0; i < n; i++) {
		if (i % 20 == 19)
			printf("h%07lu.example.com,10.%lu.%lu.%lu %s\n", i, (i >> 16) & 255,
			       (i >> 8) & 255, i & 255, keys[i % nrot]);
		else
			printf("h%07lu.example.com %s\n", i, keys[i % nrot]);
		if (i % every == every / 2)
			printf("*.p%lu.example.net,!x.p%lu.example.net %s\n", i, i,
			       keys[(i + 1) % nrot]);
		if (i == n / 3)
			printf("@revoked *.example.com %s\n", mark);
		if (i == 2 * n / 3)
			printf("@cert-authority *.example.org %s\n", mark);
	}
	return fflush(stdout) == 0 ? 0 : -1;
}

static int
write_file(const char *dir, const char *name, const char *content)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((f = fopen(path, "w")) == NULL) {
		fprintf(stderr, "benchgen: %s: %s\n", path, strerror(errno));
		return -1;
	}
	fputs(content, f);
	return fclose(f) == 0 ? 0 : -1;
}

static int
gen_ssh2(const char *dir, unsigned long n, int hashed)
{
	unsigned char salt[SHK_SSH2_SALT_LEN];
	char name[SHK_SSH2_PLAIN_NAME_MAX + SHK_SSH2_HASHED_NAME_MAX], host[64];
	char content[16384], saltfile[66];
	unsigned long i;

	if (mkdir(dir, 0755) == -1 && errno != EEXIST) {
		fprintf(stderr, "benchgen: %s: %s\n", dir, strerror(errno));
		return -1;
	}
	/* A fixed salt keeps the directory reproducible. */
	shk_sha256("sshhostkeys-bench", 17, salt);
	if (hashed) {
		shk_ssh2_salt_format(salt, saltfile);
		if (write_file(dir, SHK_SSH2_SALT_FILE, saltfile) != 0)
			return -1;
	}
	for (i = 0; i < n; i++) {
		snprintf(host, sizeof(host), "h%07lu.example.com", i);
		if ((hashed ? shk_ssh2_hashed_name(salt, host, 22, name, sizeof(name))
			    : shk_ssh2_plain_name(host, 22, name, sizeof(name))) != SHK_OK)
			return -1;
		snprintf(content, sizeof(content), "%s\n", keys[i % nkeys]);
		if (write_file(dir, name, content) != 0)
			return -1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	if (argc >= 4 && strcmp(argv[1], "kh") == 0) {
		if (load_keys(argc - 3, argv + 3) != 0)
			return 2;
		return gen_kh(strtoul(argv[2], NULL, 10)) == 0 ? 0 : 1;
	}
	if (argc >= 6 && strcmp(argv[1], "ssh2") == 0) {
		if (load_keys(argc - 5, argv + 5) != 0)
			return 2;
		return gen_ssh2(argv[2], strtoul(argv[3], NULL, 10),
				strcmp(argv[4], "hashed") == 0) == 0
			       ? 0
			       : 1;
	}
	fprintf(stderr, "usage: benchgen kh N KEY.pub... | benchgen ssh2 DIR N plain|hashed "
			"KEY.pub...\n");
	return 2;
}
