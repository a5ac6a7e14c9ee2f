/* SPDX-License-Identifier: MIT */
/*
 * Where a configured store path points, one rule for the modules that read
 * stores and the writers: "~" or "~/x" under the user's home; "/x" under
 * the root prefix for system paths, as it is for user paths. Pure logic.
 */
#ifndef SHK_STOREPATH_H
#define SHK_STOREPATH_H

#include <stddef.h>

/*
 * Resolve word[0..len). On SHK_OK, *path is malloc'd (caller frees) or
 * NULL when the path does not apply (a "~" path with no home); *anchor is
 * where the trust walk stops (home, or root, or "/"), borrowed from the
 * arguments. Trailing slashes are cut. SHK_ERR_INVAL for a word that is
 * neither absolute nor under "~/" (the caller logs it), SHK_ERR_NOMEM.
 */
int shk_store_path(const char *word, size_t len, int is_system, const char *root,
		   const char *home, char **path, const char **anchor);

#endif
