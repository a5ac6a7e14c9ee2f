/* SPDX-License-Identifier: MIT */
/*
 * Scaffolding shared by the Check suites (tests/libtestutil.la): fixture
 * files, private temporary trees, loading a source module the way the
 * dispatcher does, and the runner's main(). Every helper asserts with
 * ck_assert*, so it may only be called from a test or a checked fixture;
 * a failure fails the calling test, never returns an error.
 */
#ifndef SHK_TESTUTIL_H
#define SHK_TESTUTIL_H

#include <check.h>
#include <stddef.h>
#include <sys/types.h>

#include <sshhostkeys.h>
#include <sshhostkeys/module.h>

/*
 * The whole of dir/name (name alone when dir is NULL), NUL-terminated, in
 * a malloc'd buffer the caller frees; *lenp (may be NULL) gets its length
 * without the NUL. Fails the test when the file cannot be read whole.
 */
char *tu_slurp(const char *dir, const char *name, size_t *lenp);

/* Write text to dir/name (name alone when dir is NULL), replacing it. */
void tu_write(const char *dir, const char *name, const char *text);

/*
 * Make a private directory "$TMPDIR/shk-<tag>.XXXXXX" (/tmp when TMPDIR is
 * unset or not absolute) into dir (cap bytes), then give it mode: stores
 * check the modes of their ancestors, so each suite says what it needs.
 */
void tu_tmpdir(char *dir, size_t cap, const char *tag, mode_t mode);

/* mkdir -p path: missing parents get 0755, path itself mode (both under
 * the umask); each must be made or be there already. */
void tu_mkdirs(const char *path, mode_t mode);

/* rm -rf path, even through directories a test left unreadable; a path
 * that does not exist is fine, one that stays behind fails the test. */
void tu_rmtree(const char *path);

/*
 * dlopen(RTLD_NOW | RTLD_LOCAL) $SSHHOSTKEYS_MODULE_DIR/sshhostkeys_<name>.so
 * and return its module table; *dlp gets the handle for dlsym and dlclose.
 */
const struct shk_module *tu_module_load(const char *name, void **dlp);

/*
 * mod->lookup as the dispatcher calls it: a buffer of exactly one byte
 * first (so a write past the end is caught by ASan), doubled after each
 * TRYAGAIN, which must come with ERANGE. No SUCCESS fits in one byte, so
 * a SUCCESS must have needed to grow. *bufp gets the final buffer (free() it), which res
 * points into; res itself is the module's to fill.
 */
enum shk_nss_status tu_module_lookup(const struct shk_module *mod, void *state,
				     const struct shk_module_query *q,
				     struct shk_module_result *res, char **bufp);

/*
 * The environment the library gives a module, for a test that opens one
 * itself: ABI version, root, home, the test's uid, a conf_get answering
 * from the table tu_conf_set fills, and a log that appends
 * "LEVEL file:line: msg\n" (LEVEL: ERR, WARN, INFO, DEBUG; file "-" when
 * there is none) to the buffer tu_log returns. Empties the table and the
 * log. Not thread-safe: for tests that log from one thread.
 */
void tu_module_env(struct shk_module_env *env, const char *root, const char *home);

/* conf_get(key) answers value from now on; value NULL: no answer. The
 * strings are not copied and must outlive the test. */
void tu_conf_set(const char *key, const char *value);

/* A shk_log_fn for a library context: appends "msg\n" to the same log. */
void tu_lib_log(void *arg, const struct shk_diag *d);

/* The log so far (never NULL), emptying it, and searching it. */
const char *tu_log(void);
void tu_log_clear(void);
int tu_log_has(const char *s);
/* How many times s occurs; with level >= 0, only on lines of that level. */
int tu_log_count(const char *s, int level);
/* Whether any line of that level was logged. */
int tu_log_has_level(int level);

/* Run every test of s in CK_ENV mode under umask 022, free the runner;
 * the exit status for main(). */
int tu_run(Suite *s);

#endif /* SHK_TESTUTIL_H */
