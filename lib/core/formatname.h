/* SPDX-License-Identifier: MIT */
/*
 * Names of the store formats, one table for sshhostkeys.conf's
 * "host_key_format" key, the store writers that apply it and the command
 * line's --format. Pure logic.
 */
#ifndef SHK_FORMATNAME_H
#define SHK_FORMATNAME_H

#include <stddef.h>

#include <sshhostkeys.h>

/* The i-th name ("hashed", the default, first), NULL past the last. A
 * static string. */
const char *shk_formatname_at(size_t i);

/* The format named s[0..n) (case-sensitive) into *out: SHK_OK, or
 * SHK_ERR_NOTFOUND with *out untouched. */
int shk_formatname_lookup(const char *s, size_t n, enum shk_store_format *out);

#endif
