/* SPDX-License-Identifier: MIT */
/*
 * The "ssh_hostkeys:" line of nsswitch.conf, with glibc's grammar:
 * sources in order, "[STATUS=ACTION]" and "[!STATUS=ACTION]" items with
 * STATUS in SUCCESS NOTFOUND UNAVAIL TRYAGAIN and ACTION in return
 * continue (case-insensitive), '#' comments, first matching line wins.
 * Defaults: SUCCESS=return, everything else continue. Pure logic.
 */
#ifndef SHK_NSSWITCH_H
#define SHK_NSSWITCH_H

#include <stddef.h>

#include "shk.h"

#define SHK_NSS_DB "ssh_hostkeys"
#define SHK_NSS_MAX_SOURCES 16
#define SHK_NSS_NAME_MAX 64
/* The order used when nsswitch.conf has no ssh_hostkeys line. */
#define SHK_NSS_DEFAULT_LINE "files ssh2"

enum shk_nss_action {
	SHK_NSS_ACT_RETURN = 0,
	SHK_NSS_ACT_CONTINUE = 1,
};

/* Index into action[] for an enum shk_nss_status value s. */
#define SHK_NSS_STATUS_INDEX(s) ((s) + 2)

struct shk_nss_source {
	char name[SHK_NSS_NAME_MAX];
	unsigned char action[4]; /* enum shk_nss_action per status index */
};

struct shk_nss_config {
	size_t nsources;
	struct shk_nss_source src[SHK_NSS_MAX_SOURCES];
};

/* Parse the part after "ssh_hostkeys:". Refuses (SHK_ERR_PARSE) unknown
 * statuses or actions, a missing ']', an action item before any source,
 * and more than SHK_NSS_MAX_SOURCES sources; err says which column. */
int shk_nss_parse_services(const char *text, size_t len, struct shk_nss_config *cfg,
			   struct shk_error *err);

/*
 * Find the first "ssh_hostkeys:" line of an nsswitch.conf image and parse
 * it. Returns SHK_OK, SHK_ERR_NOTFOUND (no line: cfg holds the default),
 * or SHK_ERR_PARSE (bad line: cfg holds the default, err has the line).
 * On SHK_OK, err->line (when err is not NULL) is the line that was used.
 * The database name is matched case-sensitively, as glibc does. An empty
 * list ("ssh_hostkeys:" alone) gives SHK_OK with cfg->nsources == 0: as
 * in glibc, no source is asked. The same source may appear twice.
 */
int shk_nss_parse_file(const char *buf, size_t len, struct shk_nss_config *cfg,
		       struct shk_error *err);

/* The default configuration (SHK_NSS_DEFAULT_LINE). */
void shk_nss_default(struct shk_nss_config *cfg);

/* Canonical text of cfg, e.g. "files [NOTFOUND=return] ssh2" (only
 * non-default actions shown). Returns SHK_OK or SHK_ERR_RANGE. */
int shk_nss_format(const struct shk_nss_config *cfg, char *out, size_t outcap);

#endif
