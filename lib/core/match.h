/* SPDX-License-Identifier: MIT */
/* OpenSSH host pattern matching ('*', '?', '!' and comma lists). */
#ifndef SHK_MATCH_H
#define SHK_MATCH_H

#include <stddef.h>

/* Whole-string glob: '*' any run (also across dots), '?' one character.
 * Case-sensitive; callers lowercase. 1 on match. */
int shk_match_pattern(const char *s, size_t slen, const char *pat, size_t patlen);

/*
 * Match a lowercase name against a comma-separated pattern list as
 * OpenSSH's match_hostname(): each sub-pattern lowercased, "!pat" negates.
 * Returns 1 (a positive pattern matched and no negated one did), 0 (no
 * match) or -1 (a negated pattern matched: the line does not match).
 * A sub-pattern of 1023 characters or more makes the list not match.
 */
int shk_match_hostlist(const char *name, size_t namelen, const char *list,
		       size_t listlen);

#endif
