/* SPDX-License-Identifier: MIT */
/*
 * Policy names, one table for sshhostkeys.conf's "policy" key, the
 * library that applies it and the command line's --policy. Pure logic.
 *
 * "default" (SHK_POLICY_DEFAULT: whatever sshhostkeys.conf says) is a
 * word of callers only: the configuration file cannot name itself, so
 * it is known only with cli set.
 */
#ifndef SHK_POLICYNAME_H
#define SHK_POLICYNAME_H

#include <stddef.h>

#include <sshhostkeys.h>

/* The i-th name in the order the manuals and messages list them, NULL
 * past the last; with cli, "default" comes last. A static string. */
const char *shk_policyname_at(size_t i, int cli);

/* The policy named s[0..n) (case-sensitive) into *out: SHK_OK, or
 * SHK_ERR_NOTFOUND with *out untouched. */
int shk_policyname_lookup(const char *s, size_t n, int cli, enum shk_policy *out);

/* The name of p, a static string; NULL for a policy without one
 * (SHK_POLICY_CUSTOM, values out of range). */
const char *shk_policyname_of(enum shk_policy p);

#endif
