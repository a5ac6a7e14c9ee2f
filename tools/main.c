/* SPDX-License-Identifier: MIT */
/* sshhostkeys [--root DIR] [-v] COMMAND ...: the command table. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "shk.h"

#ifndef SCAN_HELPER_PATH
#error "SCAN_HELPER_PATH must name the installed sshhostkeys-scan"
#endif
/* Its name in the build tree, without the install-time transform. */
#define SCAN_HELPER "sshhostkeys-scan"

/*
 * scan runs in SCAN_HELPER_PATH ($(pkglibexecdir)/sshhostkeys-scan), the
 * only program linking libssh: loading libssh and what it pulls in
 * (Kerberos, libz...) costs every run about 0.7 ms, and lookup and
 * known-hosts run twice per ssh connection. The helper gets
 * "[--root DIR] [-v]... scan ARGS...": the global options as parsed here,
 * then the command's words untouched, and parses them with the same
 * cli_main(). SSHHOSTKEYS_LIBEXEC_DIR (absolute; read with secure_getenv,
 * though cli_main() refuses set-ID runs anyway) names another directory
 * holding sshhostkeys-scan, for the build tree.
 */
static int
cmd_scan_exec(struct cli *cli, int argc, char **argv)
{
	const char *dir = secure_getenv("SSHHOSTKEYS_LIBEXEC_DIR");
	char *path = NULL, **args;
	size_t n = 0;
	int i, e;

	if (dir != NULL && dir[0] == '/') {
		if (asprintf(&path, "%s/%s", dir, SCAN_HELPER) == -1)
			path = NULL;
	} else {
		path = strdup(SCAN_HELPER_PATH);
	}
	/* path, --root DIR, one -v each, the command's words, NULL */
	if (path == NULL ||
	    (args = calloc((size_t)argc + (size_t)cli->verbose + 4, sizeof(*args))) == NULL) {
		cli_error("out of memory");
		free(path);
		return CLI_EXIT_ERROR;
	}
	args[n++] = path;
	if (cli->root != NULL) {
		args[n++] = "--root";
		args[n++] = (char *)cli->root;
	}
	for (i = 0; i < cli->verbose; i++)
		args[n++] = "-v";
	for (i = 0; i < argc; i++)
		args[n++] = argv[i];
	args[n] = NULL;
	/* Nothing is written yet, but what is buffered must not be lost. */
	fflush(stdout);
	execv(path, args);
	e = errno;
	cli_error("cannot run %s: %s; the scan command is installed separately", path,
		  strerror(e));
	free(args);
	free(path);
	return CLI_EXIT_ERROR;
}

static const struct cli_command commands[] = {
	{"lookup", cmd_lookup},	  {"known-hosts", cmd_known_hosts},
	{"verify", cmd_verify},	  {"fingerprint", cmd_fingerprint},
	{"sources", cmd_sources}, {"check", cmd_check},
	{"add", cmd_add},	  {"remove", cmd_remove},
	{"import", cmd_import},	  {"export", cmd_export},
	{"scan", cmd_scan_exec},
};

int
main(int argc, char **argv)
{
	return cli_main(argc, argv, commands, SHK_ARRAY_SIZE(commands));
}
