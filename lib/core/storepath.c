/* SPDX-License-Identifier: MIT */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "shk.h"
#include "storepath.h"

int
shk_store_path(const char *word, size_t len, int is_system, const char *root,
	       const char *home, char **path, const char **anchor)
{
	char *s;
	size_t l;

	*path = NULL;
	*anchor = NULL;
	if (len >= 1 && word[0] == '~' && (len == 1 || word[1] == '/')) {
		if (home == NULL || home[0] != '/')
			return SHK_OK;
		if ((s = strndup(len == 1 ? "/" : word + 1, len == 1 ? 1 : len - 1)) == NULL)
			return SHK_ERR_NOMEM;
		*path = shk_path_join(home, s);
		free(s);
		*anchor = home;
	} else if (len >= 1 && word[0] == '/') {
		if ((s = strndup(word, len)) == NULL)
			return SHK_ERR_NOMEM;
		if (is_system) {
			*path = shk_path_join(root, s);
			free(s);
			*anchor = root != NULL && root[0] != '\0' ? root : "/";
		} else {
			*path = s;
			*anchor = home;
		}
	} else {
		return SHK_ERR_INVAL;
	}
	if (*path == NULL)
		return SHK_ERR_NOMEM;
	/* Trailing slashes would double up when names are joined. */
	for (l = strlen(*path); l > 1 && (*path)[l - 1] == '/'; l--)
		(*path)[l - 1] = '\0';
	return SHK_OK;
}
