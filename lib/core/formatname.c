/* SPDX-License-Identifier: MIT */
#include "config.h"

#include <string.h>

#include "formatname.h"
#include "shk.h"

static const struct {
	const char *name;
	enum shk_store_format format;
} formatnames[] = {
	{"hashed", SHK_FORMAT_HASHED},
	{"plain", SHK_FORMAT_PLAIN},
};

const char *
shk_formatname_at(size_t i)
{
	return i < SHK_ARRAY_SIZE(formatnames) ? formatnames[i].name : NULL;
}

int
shk_formatname_lookup(const char *s, size_t n, enum shk_store_format *out)
{
	size_t i;

	for (i = 0; i < SHK_ARRAY_SIZE(formatnames); i++)
		if (strlen(formatnames[i].name) == n && memcmp(formatnames[i].name, s, n) == 0) {
			*out = formatnames[i].format;
			return SHK_OK;
		}
	return SHK_ERR_NOTFOUND;
}
