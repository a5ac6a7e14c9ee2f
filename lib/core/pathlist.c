/* SPDX-License-Identifier: MIT */
#include "config.h"

#include <string.h>

#include "pathlist.h"

int
shk_pathlist_next(const char **cursor, const char **word, size_t *len)
{
	const char *p = *cursor, *w;

	while (p != NULL && *p != '\0') {
		while (*p == ' ' || *p == '\t')
			p++;
		for (w = p; *p != '\0' && *p != ' ' && *p != '\t'; p++)
			;
		if (p == w || ((size_t)(p - w) == 4 && memcmp(w, "none", 4) == 0))
			continue;
		*cursor = p;
		*word = w;
		*len = (size_t)(p - w);
		return 1;
	}
	*cursor = p;
	return 0;
}
