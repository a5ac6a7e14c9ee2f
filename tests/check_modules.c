/* SPDX-License-Identifier: MIT */
/*
 * Every module built in $SSHHOSTKEYS_MODULE_DIR loads with RTLD_NOW (so an
 * unresolved symbol fails here, not in a lookup), has the versioned entry,
 * the right ABI and name, and leaks none of its internals.
 */
#include "config.h"

#include <check.h>
#include <dirent.h>
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sshhostkeys/module.h>

#include "testutil.h"

static const char *
moduledir(void)
{
	const char *d = getenv("SSHHOSTKEYS_MODULE_DIR");

	ck_assert_msg(d != NULL, "SSHHOSTKEYS_MODULE_DIR is not set");
	return d;
}

/* Calls fn for each sshhostkeys_<name>.so; returns how many. */
static int
each_module(void (*fn)(const char *path, const char *name))
{
	char path[4096], name[256];
	struct dirent *de;
	DIR *d;
	int n = 0;
	size_t len;

	ck_assert_ptr_nonnull(d = opendir(moduledir()));
	while ((de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		if (strncmp(de->d_name, "sshhostkeys_", 12) != 0 || len < 16 ||
		    strcmp(de->d_name + len - 3, ".so") != 0)
			continue;
		snprintf(name, sizeof(name), "%.*s", (int)(len - 15), de->d_name + 12);
		snprintf(path, sizeof(path), "%s/%s", moduledir(), de->d_name);
		fn(path, name);
		n++;
	}
	closedir(d);
	return n;
}

static void
check_one(const char *path, const char *name)
{
	static const char *internals[] = {"shk_b64_decode", "shk_kh_parse_line",
					  "shk_carve_alloc", "shk_key_check_blob"};
	const struct shk_module *m;
	void *dl;
	size_t i;

	m = tu_module_load(name, &dl);
	ck_assert_uint_eq(m->abi_version, SHK_MODULE_ABI_VERSION);
	ck_assert_str_eq(m->name, name);
	ck_assert_ptr_nonnull(m->open);
	ck_assert_ptr_nonnull(m->close);
	ck_assert_ptr_nonnull(m->lookup);
	for (i = 0; i < sizeof(internals) / sizeof(internals[0]); i++)
		ck_assert_msg(dlsym(dl, internals[i]) == NULL, "%s exports %s", path,
			      internals[i]);
	dlclose(dl);
}

START_TEST(test_every_module_loads)
{
	/* files and ssh2 at least. */
	ck_assert_int_ge(each_module(check_one), 2);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("modules");
	TCase *tc = tcase_create("dlopen");

	tcase_add_test(tc, test_every_module_loads);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
