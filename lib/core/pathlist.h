/* SPDX-License-Identifier: MIT */
/*
 * The store path lists of sshhostkeys.conf (user_known_hosts,
 * global_known_hosts), split one way for every reader: the files module
 * that reads the stores and the writer that removes from them. Pure logic.
 */
#ifndef SHK_PATHLIST_H
#define SHK_PATHLIST_H

#include <stddef.h>

/*
 * The next word of a list. Words are separated by spaces and tabs; empty
 * words and "none" (as in ssh_config: no file) are skipped. Start with
 * *cursor at the list (NULL counts as empty); each call advances it. On 1,
 * word[0..*len) points into the list (not NUL-terminated); 0 at the end.
 * Whether a word is a usable path is shk_store_path()'s business.
 */
int shk_pathlist_next(const char **cursor, const char **word, size_t *len);

#endif
