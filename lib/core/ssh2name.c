/* SPDX-License-Identifier: MIT */
#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "digest.h"
#include "hostspec.h"
#include "ssh2name.h"

#define SSH2_SALT_HEX (2 * SHK_SSH2_SALT_LEN)
/* Longest host a file name may carry: the one limit of hostspec.h, which
 * is chosen so that every plain name fits a directory entry. */
#define SSH2_HOST_MAX SHK_HOST_MAX
_Static_assert(sizeof("key_65535_.pub") - 1 + SSH2_HOST_MAX <= NAME_MAX,
	       "a plain ssh2 file name must fit NAME_MAX");
#define SSH2_TECTIA_HEX 40

static int
hex_value(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int
is_lower_hex(const char *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (!((p[i] >= '0' && p[i] <= '9') || (p[i] >= 'a' && p[i] <= 'f')))
			return 0;
	return 1;
}

static int
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

int
shk_ssh2_salt_parse(const char *buf, size_t len, unsigned char salt[SHK_SSH2_SALT_LEN],
		    struct shk_error *err)
{
	size_t ndig = 0, i;
	int hi, lo;

	if (len == 0)
		return shk_error_set(err, SHK_ERR_PARSE, 0, "salt file is empty");
	while (ndig < len && hex_value((unsigned char)buf[ndig]) >= 0)
		ndig++;
	if (ndig < len && !is_space(buf[ndig]))
		return shk_error_set(err, SHK_ERR_PARSE, 0,
				     "salt is not hex (bad character at offset %zu)", ndig);
	for (i = ndig; i < len; i++)
		if (!is_space(buf[i]))
			return shk_error_set(err, SHK_ERR_PARSE, 0,
					     "salt is not hex (bad character at offset %zu)", i);
	if (ndig == 0)
		return shk_error_set(err, SHK_ERR_PARSE, 0, "salt file is empty");
	if (ndig != SSH2_SALT_HEX)
		return shk_error_set(err, SHK_ERR_PARSE, 0,
				     "salt has %zu hex digits, want %d", ndig, SSH2_SALT_HEX);
	for (i = 0; i < SHK_SSH2_SALT_LEN; i++) {
		hi = hex_value((unsigned char)buf[2 * i]);
		lo = hex_value((unsigned char)buf[2 * i + 1]);
		salt[i] = (unsigned char)(hi << 4 | lo);
	}
	return SHK_OK;
}

void
shk_ssh2_salt_format(const unsigned char salt[SHK_SSH2_SALT_LEN], char out[66])
{
	shk_hex(salt, SHK_SSH2_SALT_LEN, out);
	out[SSH2_SALT_HEX] = '\n';
	out[SSH2_SALT_HEX + 1] = '\0';
}

/* The module already gets canonical, validated hosts; this is the last
 * line of defence before a host becomes part of a path. */
static int
host_check(const char *host, unsigned int port)
{
	size_t len;

	if (host == NULL || port == 0 || port > 65535)
		return SHK_ERR_INVAL;
	len = strlen(host);
	if (len == 0 || strchr(host, '/') != NULL || strcmp(host, ".") == 0 ||
	    strcmp(host, "..") == 0)
		return SHK_ERR_INVAL;
	if (len > SSH2_HOST_MAX)
		return SHK_ERR_RANGE;
	return SHK_OK;
}

int
shk_ssh2_plain_name(const char *host, unsigned int port, char *out, size_t outcap)
{
	int r, n;

	if ((r = host_check(host, port)) != SHK_OK)
		return r;
	n = snprintf(out, outcap, "key_%u_%s.pub", port, host);
	if (n < 0 || (size_t)n >= outcap)
		return SHK_ERR_RANGE;
	return SHK_OK;
}

int
shk_ssh2_hashed_name(const unsigned char salt[SHK_SSH2_SALT_LEN], const char *host,
		     unsigned int port, char *out, size_t outcap)
{
	/* "65535:" + host */
	char msg[6 + SSH2_HOST_MAX + 1];
	unsigned char mac[SHK_SHA256_LEN];
	int r, n;

	if ((r = host_check(host, port)) != SHK_OK)
		return r;
	if (outcap < SHK_SSH2_HASHED_NAME_MAX)
		return SHK_ERR_RANGE;
	n = snprintf(msg, sizeof(msg), "%u:%s", port, host);
	if (n < 0 || (size_t)n >= sizeof(msg))
		return SHK_ERR_RANGE;
	if ((r = shk_hmac_sha256(salt, SHK_SSH2_SALT_LEN, msg, (size_t)n, mac)) != SHK_OK)
		goto out;
	memcpy(out, "keys_", 5);
	shk_hex(mac, sizeof(mac), out + 5);
	r = SHK_OK;
 out:
	shk_explicit_bzero(mac, sizeof(mac));
	return r;
}

/* key_<port>_<host>.pub: port in decimal without leading zeros, 1..65535;
 * host non-empty, at most SHK_HOST_MAX bytes, never "." or "..". */
static enum shk_ssh2_kind
classify_plain(const char *name, size_t len, unsigned int *port, char *host,
	       size_t hostcap)
{
	const char *p = name + 4, *end = name + len - 4, *h;
	unsigned long v = 0;
	size_t hlen;

	if (len < 4 + 1 + 1 + 1 + 4 || memcmp(end, ".pub", 4) != 0)
		return SHK_SSH2_OTHER;
	if (*p < '1' || *p > '9')
		return SHK_SSH2_OTHER;
	for (; p < end && *p >= '0' && *p <= '9'; p++) {
		v = v * 10 + (unsigned long)(*p - '0');
		if (v > 65535)
			return SHK_SSH2_OTHER;
	}
	if (p >= end || *p != '_')
		return SHK_SSH2_OTHER;
	h = p + 1;
	hlen = (size_t)(end - h);
	if (hlen == 0 || hlen > SSH2_HOST_MAX || memchr(h, '/', hlen) != NULL ||
	    (hlen == 1 && h[0] == '.') || (hlen == 2 && h[0] == '.' && h[1] == '.'))
		return SHK_SSH2_OTHER;
	if (host != NULL) {
		/* A host that cannot be handed back is not half-reported. */
		if (hostcap <= hlen)
			return SHK_SSH2_OTHER;
		memcpy(host, h, hlen);
		host[hlen] = '\0';
	}
	if (port != NULL)
		*port = (unsigned int)v;
	return SHK_SSH2_PLAIN;
}

enum shk_ssh2_kind
shk_ssh2_classify(const char *name, unsigned int *port, char *host, size_t hostcap)
{
	size_t len;

	if (name == NULL)
		return SHK_SSH2_OTHER;
	len = strlen(name);
	if (strcmp(name, SHK_SSH2_SALT_FILE) == 0)
		return SHK_SSH2_SALT;
	if (strncmp(name, "keys_", 5) == 0) {
		/* Only lowercase hex: lookups compute lowercase names, so
		 * anything else could never be found and is not ours. */
		if (len == 5 + SSH2_SALT_HEX && is_lower_hex(name + 5, len - 5))
			return SHK_SSH2_HASHED;
		if (len == 5 + SSH2_TECTIA_HEX && is_lower_hex(name + 5, len - 5))
			return SHK_SSH2_TECTIA;
		return SHK_SSH2_OTHER;
	}
	if (strncmp(name, "key_", 4) == 0)
		return classify_plain(name, len, port, host, hostcap);
	return SHK_SSH2_OTHER;
}
