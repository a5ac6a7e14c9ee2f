/* SPDX-License-Identifier: MIT */
/*
 * sshhostkeys.conf: "key = value" lines, '#' comments. Unknown keys and
 * bad values are logged as file:line and ignored, never fatal (like PAM
 * module options). Every known key, its default and its check live in
 * one table in conf.c; the source modules take their defaults from it
 * too (shk_conf_module_get).
 */
#ifndef SHK_CONF_H
#define SHK_CONF_H

#include <stddef.h>

#include "log.h"
#include "shk.h"

struct shk_conf;

/* An empty configuration (every key unset). */
int shk_conf_new(struct shk_conf **out);
/* Parse buf into conf; later settings replace earlier ones. Each bad
 * line (unknown key, bad value, NUL byte) is logged as "filename:line:
 * reason" at SHK_LOG_WARN and skipped. Returns the number of problems
 * logged (0 when clean) or SHK_ERR_NOMEM. */
int shk_conf_parse(struct shk_conf *conf, const char *buf, size_t len,
		   const char *filename, const struct shk_log *log);
/* Value in effect for key: the last valid setting, or the key's default
 * when it is unset; NULL only for a key that is not known. conf may be
 * NULL (every default). Valid until shk_conf_free(). */
const char *shk_conf_get(const struct shk_conf *conf, const char *key);
void shk_conf_free(struct shk_conf *conf);

/* Whether key is a known setting. */
int shk_conf_known_key(const char *key);

struct shk_module_env;
/* For a source module: the value env->conf_get gives for key, or the
 * default in conf.c's table when it gives none (no conf_get, or a library
 * that does not know the key), so a module spells no default of its own.
 * NULL only for a key neither knows. Valid while env is. */
const char *shk_conf_module_get(const struct shk_module_env *env, const char *key);

#endif
