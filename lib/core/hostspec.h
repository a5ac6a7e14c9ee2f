/* SPDX-License-Identifier: MIT */
/* Host specs and canonical host names. Pure logic, no I/O. */
#ifndef SHK_HOSTSPEC_H
#define SHK_HOSTSPEC_H

#include <stddef.h>

#include "shk.h"

/*
 * Longest host name accepted, decided here once for every command and
 * store: what fits the ssh2 plain file name "key_65535_<host>.pub" within
 * NAME_MAX (255), so any name can be stored plain or hashed and looked
 * up without "File name too long". DNS allows 253 bytes; no real name is
 * that long, and every IP literal (an IPv6 one with a zone) is shorter.
 */
#define SHK_HOST_MAX 241 /* 255 - strlen("key_65535_.pub") */
/* Buffer for a known_hosts name "[host]:65535". */
#define SHK_KH_NAME_MAX (SHK_HOST_MAX + 9)

/*
 * Canonical form of a host name: IPv4/IPv6 literals through
 * inet_pton/inet_ntop (an IPv6 zone "%if" is kept as given), other names
 * lowercased. A name is ASCII letters, digits, '-', '.' and '_' (an IPv6
 * literal also ':' and one '%' before its zone), so it is written to
 * known_hosts and to file names as itself: everything else ('!', '*',
 * '?', ',', '|', '@', '/', white space, control and non-ASCII bytes) is
 * refused, as are empty names, "." and ".." labels and names longer than
 * SHK_HOST_MAX. out needs SHK_HOST_MAX + 1 bytes.
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
