/* SPDX-License-Identifier: MIT */
/* Host specs and canonical host names. Pure logic, no I/O. */
#ifndef SHK_HOSTSPEC_H
#define SHK_HOSTSPEC_H

#include <stddef.h>

#include "shk.h"

/* Longest host name accepted (DNS allows 253; IPv6 with zone fits). */
#define SHK_HOST_MAX 255
/* Buffer for a known_hosts name "[host]:65535". */
#define SHK_KH_NAME_MAX (SHK_HOST_MAX + 9)

/*
 * Canonical form of a host name: IPv4/IPv6 literals through
 * inet_pton/inet_ntop (an IPv6 zone "%if" is kept as given), other names
 * lowercased. Refuses empty names, names longer than SHK_HOST_MAX, '/',
 * a ".." label, white space, control characters, NUL, and the characters
 * OpenSSH never writes to known_hosts ("@?*#[]|'\"\\` and ','). out needs
 * SHK_HOST_MAX + 1 bytes.
 */
int shk_host_canon(const char *host, size_t len, char *out, size_t outcap,
		   struct shk_error *err);

/*
 * Parse "host", "[host]:port" or "host#port" (also "[v6addr]" and a bare
 * IPv6 address). port_in is the port to use when the spec names none (0:
 * 22); when both name a port they must agree. Writes the canonical host
 * and the port.
 */
int shk_hostspec_parse(const char *spec, unsigned int port_in, char *host,
		       size_t hostcap, unsigned int *port, struct shk_error *err);

/* OpenSSH's lookup name: host for port 22, "[host]:port" otherwise.
 * Returns SHK_OK or SHK_ERR_RANGE. */
int shk_host_kh_name(const char *host, unsigned int port, char *out, size_t outcap);

#endif
