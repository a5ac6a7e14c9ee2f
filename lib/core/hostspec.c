/* SPDX-License-Identifier: MIT */
#include "config.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hostspec.h"
#include "shk.h"

#define DEFAULT_PORT 22
#define PORT_MAX 65535u

/* Room for a spec quoted inside a message: err->msg holds 256 bytes. */
#define SHOWN_MAX 64

static int
is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* What a DNS name or an address is made of. Everything else is refused,
 * so that a name means itself wherever it is written: in known_hosts
 * "!a" is a negation, "*" and "?" are patterns, ',' separates names, '|'
 * starts a hashed one, '@' a marker; '/' would leave the ssh2 directory;
 * anything outside printable ASCII could only be shown escaped. */
static int
is_name_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '.' || c == '_';
}

/* Refuse what can never be a host name; see shk_host_canon(). */
static int
canon_screen(const char *host, size_t len, struct shk_error *err)
{
	const char *colon = memchr(host, ':', len), *pct = memchr(host, '%', len);
	size_t i;

	if (len == 0)
		return shk_error_set(err, SHK_ERR_INVAL, 0, "empty host name");
	if (len > SHK_HOST_MAX)
		return shk_error_set(err, SHK_ERR_INVAL, 0,
				     "host name longer than %d bytes (the longest that "
				     "fits the ssh2 file name key_65535_<host>.pub)",
				     SHK_HOST_MAX);
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)host[i];

		if (is_name_char(c))
			continue;
		/* An IPv6 literal, "addr%zone": inet_pton checks the rest. */
		if (colon != NULL && (c == ':' || (c == '%' && host + i == pct)))
			continue;
		if (c == '\0')
			return shk_error_set(err, SHK_ERR_INVAL, 0,
					     "NUL byte in host name");
		if (is_space(c))
			return shk_error_set(err, SHK_ERR_INVAL, 0,
					     "white space in host name");
		if (c < 0x20 || c == 0x7f)
			return shk_error_set(err, SHK_ERR_INVAL, 0,
					     "control character 0x%02x in host name", c);
		if (c == '/')
			return shk_error_set(err, SHK_ERR_INVAL, 0,
					     "'/' in host name");
		if (c >= 0x80)
			return shk_error_set(err, SHK_ERR_INVAL, 0,
					     "byte 0x%02x in host name (a host name is "
					     "ASCII letters, digits, '-', '.' and '_'; "
					     "write an international name as xn--)", c);
		return shk_error_set(err, SHK_ERR_INVAL, 0,
				     "character '%c' in host name (a host name is letters, "
				     "digits, '-', '.' and '_', or an IP address)", c);
	}
	/* "." alone names the directory itself once the host is part of
	 * a file name (found by fuzz_hostspec). */
	if (len == 1 && host[0] == '.')
		return shk_error_set(err, SHK_ERR_INVAL, 0,
				     "empty or \".\" label in host name");
	/* Catches "a..b", "..", and a path-like ".." label alike. */
	for (i = 0; i + 1 < len; i++)
		if (host[i] == '.' && host[i + 1] == '.')
			return shk_error_set(err, SHK_ERR_INVAL, 0,
					     "empty or \"..\" label in host name");
	return SHK_OK;
}

/* IPv6 literal with an optional zone, which is kept as given. */
static int
canon_ipv6(const char *tmp, size_t len, char *out, size_t outcap, struct shk_error *err)
{
	char addr[SHK_HOST_MAX + 1], text[INET6_ADDRSTRLEN], shown[SHOWN_MAX];
	unsigned char bin[16];
	const char *zone;
	size_t alen, zlen, tlen;

	zone = memchr(tmp, '%', len);
	alen = zone != NULL ? (size_t)(zone - tmp) : len;
	zlen = zone != NULL ? len - alen : 0;
	if (zone != NULL && zlen < 2)
		return shk_error_set(err, SHK_ERR_INVAL, 0, "empty IPv6 zone");
	memcpy(addr, tmp, alen);
	addr[alen] = '\0';
	if (inet_pton(AF_INET6, addr, bin) != 1)
		return shk_error_set(err, SHK_ERR_INVAL, 0,
				     "\"%s\" is not an IPv6 address (':' is only "
				     "allowed in IPv6 addresses; write [host]:port)",
				     shk_escape(tmp, len, shown, sizeof(shown)));
	if (inet_ntop(AF_INET6, bin, text, sizeof(text)) == NULL)
		return shk_error_set(err, SHK_ERR_SYSTEM, 0, "inet_ntop failed");
	tlen = strlen(text);
	if (tlen + zlen + 1 > outcap)
		return shk_error_set(err, SHK_ERR_RANGE, 0, "host name buffer too small");
	memcpy(out, text, tlen);
	if (zlen > 0)
		memcpy(out + tlen, zone, zlen);
	out[tlen + zlen] = '\0';
	return SHK_OK;
}

int
shk_host_canon(const char *host, size_t len, char *out, size_t outcap,
	       struct shk_error *err)
{
	char tmp[SHK_HOST_MAX + 1], text[INET_ADDRSTRLEN];
	unsigned char bin4[4];
	int r;

	if (host == NULL)
		return shk_error_set(err, SHK_ERR_INVAL, 0, "no host name");
	if ((r = canon_screen(host, len, err)) != SHK_OK)
		return r;
	memcpy(tmp, host, len);
	tmp[len] = '\0';
	if (memchr(tmp, ':', len) != NULL)
		return canon_ipv6(tmp, len, out, outcap, err);
	/* glibc's inet_pton takes only strict dotted quads, so "010.1.1.1"
	 * stays a name rather than becoming 8.1.1.1 as inet_aton would. */
	if (inet_pton(AF_INET, tmp, bin4) == 1) {
		if (inet_ntop(AF_INET, bin4, text, sizeof(text)) == NULL)
			return shk_error_set(err, SHK_ERR_SYSTEM, 0, "inet_ntop failed");
		if (strlen(text) + 1 > outcap)
			return shk_error_set(err, SHK_ERR_RANGE, 0,
					     "host name buffer too small");
		memcpy(out, text, strlen(text) + 1);
		return SHK_OK;
	}
	if (len + 1 > outcap)
		return shk_error_set(err, SHK_ERR_RANGE, 0, "host name buffer too small");
	memcpy(out, tmp, len + 1);
	shk_ascii_lower(out, len);
	return SHK_OK;
}

/* Decimal port 1..65535, digits only. */
static int
parse_port(const char *p, size_t len, unsigned int *port, struct shk_error *err)
{
	unsigned long v = 0;
	char shown[24];
	size_t i;

	if (len == 0)
		return shk_error_set(err, SHK_ERR_INVAL, 0, "missing port number");
	for (i = 0; i < len; i++) {
		if (p[i] < '0' || p[i] > '9')
			return shk_error_set(err, SHK_ERR_INVAL, 0,
					     "bad port \"%s\"", shk_escape(p, len, shown, sizeof(shown)));
		v = v * 10 + (unsigned long)(p[i] - '0');
		if (v > PORT_MAX)
			break;
	}
	if (v == 0 || v > PORT_MAX)
		return shk_error_set(err, SHK_ERR_RANGE, 0,
				     "port \"%s\" out of range 1..65535",
				     shk_escape(p, len, shown, sizeof(shown)));
	*port = (unsigned int)v;
	return SHK_OK;
}

int
shk_hostspec_parse(const char *spec, unsigned int port_in, char *host, size_t hostcap,
		   unsigned int *port, struct shk_error *err)
{
	const char *name, *pstr = NULL, *hash, *close;
	char shown[SHOWN_MAX];
	size_t len, nlen, plen = 0;
	unsigned int p = 0;
	int r;

	if (spec == NULL)
		return shk_error_set(err, SHK_ERR_INVAL, 0, "no host");
	if (port_in > PORT_MAX)
		return shk_error_set(err, SHK_ERR_RANGE, 0, "port %u out of range 1..65535",
				     port_in);
	len = strlen(spec);
	name = spec;
	nlen = len;
	if (len > 0 && spec[0] == '[') {
		/* OpenSSH form: "[host]" or "[host]:port". */
		if ((close = memchr(spec, ']', len)) == NULL)
			return shk_error_set(err, SHK_ERR_INVAL, 0, "missing ']' in \"%s\"",
					     shk_escape(spec, len, shown, sizeof(shown)));
		name = spec + 1;
		nlen = (size_t)(close - name);
		if (close[1] == ':') {
			pstr = close + 2;
			plen = strlen(pstr);
			if (plen == 0)
				return shk_error_set(err, SHK_ERR_INVAL, 0,
						     "missing port after \"]:\"");
		} else if (close[1] != '\0')
			return shk_error_set(err, SHK_ERR_INVAL, 0,
					     "expected \":port\" after ']' in \"%s\"",
					     shk_escape(spec, len, shown, sizeof(shown)));
	} else if ((hash = memchr(spec, '#', len)) != NULL) {
		/* Tectia form: "host#port". */
		nlen = (size_t)(hash - spec);
		pstr = hash + 1;
		plen = len - nlen - 1;
	}
	if (pstr != NULL && (r = parse_port(pstr, plen, &p, err)) != SHK_OK)
		return r;
	if (p != 0 && port_in != 0 && p != port_in)
		return shk_error_set(err, SHK_ERR_INVAL, 0,
				     "port %u in \"%s\" differs from port %u", p,
				     shk_escape(spec, len, shown, sizeof(shown)), port_in);
	if (p == 0)
		p = port_in != 0 ? port_in : DEFAULT_PORT;
	if ((r = shk_host_canon(name, nlen, host, hostcap, err)) != SHK_OK)
		return r;
	*port = p;
	return SHK_OK;
}

int
shk_host_kh_name(const char *host, unsigned int port, char *out, size_t outcap)
{
	int n;

	if (port > PORT_MAX)
		return SHK_ERR_RANGE;
	if (port == 0 || port == DEFAULT_PORT)
		n = snprintf(out, outcap, "%s", host);
	else
		n = snprintf(out, outcap, "[%s]:%u", host, port);
	if (n < 0 || (size_t)n >= outcap)
		return SHK_ERR_RANGE;
	return SHK_OK;
}

int
shk_host_parse(const char *spec, unsigned int port, char **host_out,
	       unsigned int *port_out)
{
	char host[SHK_HOST_MAX + 1];
	unsigned int p;
	int r;

	if (host_out == NULL || port_out == NULL)
		return SHK_ERR_INVAL;
	*host_out = NULL;
	if ((r = shk_hostspec_parse(spec, port, host, sizeof(host), &p, NULL)) != SHK_OK)
		return r;
	if ((*host_out = strdup(host)) == NULL)
		return SHK_ERR_NOMEM;
	*port_out = p;
	return SHK_OK;
}
