/* SPDX-License-Identifier: MIT */
#include "config.h"

#include "match.h"

/* OpenSSH copies each sub-pattern into a 1024-byte buffer and gives up on
 * the whole list when one does not fit with its NUL (match.c). */
#define SUBPATTERN_MAX 1024

static unsigned char
lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c + ('a' - 'A')) : c;
}

/*
 * Iterative glob with one backtrack point: on a mismatch after a '*', the
 * '*' is made to swallow one more character. Remembering only the latest
 * '*' is enough for '*'/'?' globs and keeps the cost at O(slen * patlen)
 * worst case, where a naive recursion is exponential in the number of
 * stars. fold compares ASCII case-insensitively, which is what OpenSSH
 * gets by lowercasing both the host and each sub-pattern.
 */
static int
glob(const char *s, size_t slen, const char *pat, size_t patlen, int fold)
{
	size_t si = 0, pi = 0, star_pi = 0, star_si = 0;
	int have_star = 0;

	while (si < slen) {
		if (pi < patlen && pat[pi] == '*') {
			have_star = 1;
			star_pi = ++pi;
			star_si = si;
			continue;
		}
		if (pi < patlen &&
		    (pat[pi] == '?' ||
		     (fold ? lower((unsigned char)pat[pi]) == lower((unsigned char)s[si])
			   : pat[pi] == s[si]))) {
			pi++;
			si++;
			continue;
		}
		if (!have_star)
			return 0;
		pi = star_pi;
		si = ++star_si;
	}
	while (pi < patlen && pat[pi] == '*')
		pi++;
	return pi == patlen;
}

int
shk_match_pattern(const char *s, size_t slen, const char *pat, size_t patlen)
{
	return glob(s, slen, pat, patlen, 0);
}

int
shk_match_hostlist(const char *name, size_t namelen, const char *list, size_t listlen)
{
	size_t i = 0, start;
	int negated, positive = 0;

	while (i < listlen) {
		negated = 0;
		if (list[i] == '!') {
			negated = 1;
			i++;
		}
		start = i;
		while (i < listlen && list[i] != ',')
			i++;
		if (i - start >= SUBPATTERN_MAX - 1)
			return 0;
		if (glob(name, namelen, list + start, i - start, 1)) {
			/* A negated match vetoes this list (this line) only. */
			if (negated)
				return -1;
			positive = 1;
		}
		if (i < listlen)
			i++; /* the comma */
	}
	return positive;
}
