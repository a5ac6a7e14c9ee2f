/* SPDX-License-Identifier: MIT */
#include "config.h"

#include <string.h>

#include "policyname.h"
#include "shk.h"

/* The order is what sshhostkeys.conf(5) and the messages show; the
 * caller-only "default" stays last so the file's words are a prefix. */
static const struct {
	const char *name;
	enum shk_policy policy;
} policyname_table[] = {
	{"strict", SHK_POLICY_STRICT}, {"accept-new", SHK_POLICY_ACCEPT_NEW},
	{"auto-add", SHK_POLICY_AUTO_ADD}, {"warn", SHK_POLICY_WARN},
	{"ask", SHK_POLICY_ASK}, {"default", SHK_POLICY_DEFAULT},
};

/* How many entries a caller sees: all, or all but "default". */
static size_t
policyname_count(int cli)
{
	return SHK_ARRAY_SIZE(policyname_table) - (cli ? 0 : 1);
}

const char *
shk_policyname_at(size_t i, int cli)
{
	return i < policyname_count(cli) ? policyname_table[i].name : NULL;
}

int
shk_policyname_lookup(const char *s, size_t n, int cli, enum shk_policy *out)
{
	size_t i;

	for (i = 0; s != NULL && i < policyname_count(cli); i++)
		if (strlen(policyname_table[i].name) == n &&
		    memcmp(policyname_table[i].name, s, n) == 0) {
			*out = policyname_table[i].policy;
			return SHK_OK;
		}
	return SHK_ERR_NOTFOUND;
}

const char *
shk_policyname_of(enum shk_policy p)
{
	size_t i;

	for (i = 0; i < SHK_ARRAY_SIZE(policyname_table); i++)
		if (policyname_table[i].policy == p)
			return policyname_table[i].name;
	return NULL;
}
