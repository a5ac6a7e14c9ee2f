/* SPDX-License-Identifier: MIT */
/* Scaffolding shared by the Check suites; see testutil.h. */
#include "config.h"

#include <check.h>
#include <dlfcn.h>
#include <errno.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"

/* dir/name, or name alone when dir is NULL; dir may end in '/'. */
static void
join(char *out, size_t cap, const char *dir, const char *name)
{
	int n;

	if (dir == NULL)
		n = snprintf(out, cap, "%s", name);
	else
		n = snprintf(out, cap, "%s%s%s", dir,
			     *dir != '\0' && dir[strlen(dir) - 1] == '/' ? "" : "/", name);
	ck_assert_msg(n >= 0 && (size_t)n < cap, "path too long: %s/%s", dir, name);
}

char *
tu_slurp(const char *dir, const char *name, size_t *lenp)
{
	char path[4096], *buf;
	FILE *f;
	long n;

	join(path, sizeof(path), dir, name);
	f = fopen(path, "rb");
	ck_assert_msg(f != NULL, "cannot open %s: %s", path, strerror(errno));
	ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	ck_assert_int_ge(n, 0);
	rewind(f);
	buf = malloc((size_t)n + 1);
	ck_assert_ptr_nonnull(buf);
	ck_assert_msg(fread(buf, 1, (size_t)n, f) == (size_t)n, "short read of %s", path);
	buf[n] = '\0';
	fclose(f);
	if (lenp != NULL)
		*lenp = (size_t)n;
	return buf;
}

void
tu_write(const char *dir, const char *name, const char *text)
{
	char path[4096];
	FILE *f;

	join(path, sizeof(path), dir, name);
	f = fopen(path, "w");
	ck_assert_msg(f != NULL, "cannot create %s: %s", path, strerror(errno));
	ck_assert_int_ge(fputs(text, f), 0);
	ck_assert_msg(fclose(f) == 0, "cannot write %s: %s", path, strerror(errno));
}

void
tu_tmpdir(char *dir, size_t cap, const char *tag, mode_t mode)
{
	const char *tmp = getenv("TMPDIR");
	int n;

	if (tmp == NULL || *tmp != '/')
		tmp = "/tmp";
	n = snprintf(dir, cap, "%s/shk-%s.XXXXXX", tmp, tag);
	ck_assert_msg(n >= 0 && (size_t)n < cap, "TMPDIR too long: %s", tmp);
	ck_assert_msg(mkdtemp(dir) != NULL, "mkdtemp %s: %s", dir, strerror(errno));
	ck_assert_int_eq(chmod(dir, mode), 0);
}

void
tu_mkdirs(const char *path, mode_t mode)
{
	char buf[4096], *p;

	ck_assert_uint_lt(strlen(path), sizeof(buf));
	snprintf(buf, sizeof(buf), "%s", path);
	for (p = buf + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		ck_assert_msg(mkdir(buf, 0755) == 0 || errno == EEXIST, "mkdir %s: %s", buf,
			      strerror(errno));
		*p = '/';
	}
	ck_assert_msg(mkdir(buf, mode) == 0 || errno == EEXIST, "mkdir %s: %s", buf,
		      strerror(errno));
}

/* Set by open_dirs: a pass met a directory it could not read. */
static int unread_dirs;

/* Give every directory u+rwx so the next pass can enter and empty it. */
static int
open_dirs(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)ftw;
	if (flag == FTW_DNR)
		unread_dirs = 1;
	if ((flag == FTW_D || flag == FTW_DNR) && (st->st_mode & 0700) != 0700)
		(void)chmod(path, (st->st_mode & 07777) | 0700);
	return 0;
}

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	if (remove(path) == -1)
		ck_abort_msg("cannot remove %s: %s", path, strerror(errno));
	return 0;
}

void
tu_rmtree(const char *path)
{
	struct stat st;
	int rounds = 0;

	if (lstat(path, &st) == -1 && errno == ENOENT)
		return;
	/* Each pass opens one more level of unreadable directories. */
	do {
		unread_dirs = 0;
		ck_assert_int_eq(nftw(path, open_dirs, 16, FTW_PHYS), 0);
		ck_assert_int_lt(++rounds, 64);
	} while (unread_dirs);
	ck_assert_int_eq(nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS), 0);
}

const struct shk_module *
tu_module_load(const char *name, void **dlp)
{
	const char *dir = getenv("SSHHOSTKEYS_MODULE_DIR");
	const struct shk_module *mod;
	shk_module_entry_fn *entry;
	char path[4096];
	void *dl;

	ck_assert_msg(dir != NULL, "SSHHOSTKEYS_MODULE_DIR is not set");
	ck_assert_int_lt(snprintf(path, sizeof(path), "%s/sshhostkeys_%s.so", dir, name),
			 (int)sizeof(path));
	dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (dl == NULL)
		ck_abort_msg("dlopen %s: %s", path, dlerror());
	*(void **)&entry = dlsym(dl, SHK_MODULE_ENTRY);
	ck_assert_msg(entry != NULL, "%s: no %s", path, SHK_MODULE_ENTRY);
	mod = entry();
	ck_assert_ptr_nonnull(mod);
	*dlp = dl;
	return mod;
}

enum shk_nss_status
tu_module_lookup(const struct shk_module *mod, void *state, const struct shk_module_query *q,
		 struct shk_module_result *res, char **bufp)
{
	enum shk_nss_status st;
	size_t len;
	char *buf;
	int err, rounds = 0;

	for (len = 1;; len *= 2) {
		/* Exactly len bytes, so a write past the end is caught by ASan. */
		buf = malloc(len);
		ck_assert_ptr_nonnull(buf);
		err = 0;
		st = mod->lookup(state, q, res, buf, len, &err);
		if (st != SHK_NSS_TRYAGAIN)
			break;
		ck_assert_int_eq(err, ERANGE);
		free(buf);
		ck_assert_int_lt(++rounds, 20);
	}
	if (st == SHK_NSS_SUCCESS)
		ck_assert_msg(rounds > 0, "a SUCCESS fitted in one byte");
	*bufp = buf;
	return st;
}

int
tu_run(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int failed;

	/* Configuration files, modules and stores must not be writable by
	 * group or others to be trusted: what the suites create must not
	 * depend on the umask make was run with (002 on many desktops). */
	umask(022);
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

/* ---- a module's environment and the log ------------------------------- */

#define TU_CONF_MAX 8

static struct {
	const char *key, *value;
} tu_conf[TU_CONF_MAX];
static char tu_logbuf[1 << 16];
static size_t tu_loglen;

static const char *const tu_level_names[] = {"ERR", "WARN", "INFO", "DEBUG"};

static const char *
tu_conf_get(const struct shk_module_env *env, const char *key)
{
	size_t i;

	(void)env;
	for (i = 0; i < TU_CONF_MAX; i++)
		if (tu_conf[i].key != NULL && strcmp(tu_conf[i].key, key) == 0)
			return tu_conf[i].value;
	return NULL;
}

void
tu_conf_set(const char *key, const char *value)
{
	size_t i, free_slot = TU_CONF_MAX;

	for (i = 0; i < TU_CONF_MAX; i++) {
		if (tu_conf[i].key != NULL && strcmp(tu_conf[i].key, key) == 0) {
			tu_conf[i].value = value;
			return;
		}
		if (tu_conf[i].key == NULL && free_slot == TU_CONF_MAX)
			free_slot = i;
	}
	ck_assert_msg(free_slot < TU_CONF_MAX, "more than %d configuration keys", TU_CONF_MAX);
	tu_conf[free_slot].key = key;
	tu_conf[free_slot].value = value;
}

/* Append to the log; what does not fit fails the test rather than
 * silently hiding a line an assertion looks for. */
static void
tu_log_append(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void
tu_log_append(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tu_logbuf + tu_loglen, sizeof(tu_logbuf) - tu_loglen, fmt, ap);
	va_end(ap);
	ck_assert_msg(n >= 0 && (size_t)n < sizeof(tu_logbuf) - tu_loglen, "test log full");
	tu_loglen += (size_t)n;
}

static void
tu_module_log(const struct shk_module_env *env, int level, int code, const char *file,
	      unsigned long line, const char *msg)
{
	(void)env;
	(void)code;
	ck_assert_msg(level >= SHK_LOG_ERR && level <= SHK_LOG_DEBUG, "log level %d", level);
	tu_log_append("%s %s:%lu: %s\n", tu_level_names[level], file != NULL ? file : "-", line,
		      msg);
}

void
tu_module_env(struct shk_module_env *env, const char *root, const char *home)
{
	memset(env, 0, sizeof(*env));
	env->abi_version = SHK_MODULE_ABI_VERSION;
	env->root = root;
	env->home = home;
	env->uid = getuid();
	env->conf_get = tu_conf_get;
	env->log = tu_module_log;
	memset(tu_conf, 0, sizeof(tu_conf));
	tu_log_clear();
}

void
tu_lib_log(void *arg, const struct shk_diag *d)
{
	(void)arg;
	tu_log_append("%s\n", d->msg);
}

const char *
tu_log(void)
{
	return tu_logbuf;
}

void
tu_log_clear(void)
{
	tu_loglen = 0;
	tu_logbuf[0] = '\0';
}

int
tu_log_has(const char *s)
{
	return strstr(tu_logbuf, s) != NULL;
}

/* The level a "LEVEL ..." line starts with, or -1. */
static int
tu_line_level(const char *line)
{
	int i;

	for (i = SHK_LOG_ERR; i <= SHK_LOG_DEBUG; i++) {
		size_t n = strlen(tu_level_names[i]);

		if (strncmp(line, tu_level_names[i], n) == 0 && line[n] == ' ')
			return i;
	}
	return -1;
}

int
tu_log_count(const char *s, int level)
{
	const char *line, *nl, *p;
	int n = 0;

	for (line = tu_logbuf; *line != '\0'; line = nl + 1) {
		nl = strchr(line, '\n');
		ck_assert_ptr_nonnull(nl);
		if (level >= 0 && tu_line_level(line) != level)
			continue;
		for (p = line; (p = strstr(p, s)) != NULL && p < nl; p++)
			n++;
	}
	return n;
}

int
tu_log_has_level(int level)
{
	const char *line;

	for (line = tu_logbuf; *line != '\0'; line = strchr(line, '\n') + 1)
		if (tu_line_level(line) == level)
			return 1;
	return 0;
}
