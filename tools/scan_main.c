/* SPDX-License-Identifier: MIT */
/*
 * sshhostkeys-scan [--root DIR] [-v]... scan ARGS...: the scan command as
 * a program of its own, the only one that links libssh (and, through it,
 * Kerberos, libz and more). "sshhostkeys scan" execs it with the global
 * options the CLI parsed; the same cli_main() parses them again here, so
 * output, messages and exit codes are those of the CLI.
 */
#include "config.h"

#include "cli.h"
#include "shk.h"

static const struct cli_command commands[] = {
	{"scan", cmd_scan},
};

int
main(int argc, char **argv)
{
	return cli_main(argc, argv, commands, SHK_ARRAY_SIZE(commands));
}
