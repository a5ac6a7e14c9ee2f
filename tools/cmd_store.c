/* SPDX-License-Identifier: MIT */
/* Not written yet. */
#include "config.h"

#include "cli.h"

int
cmd_add(struct cli *cli, int argc, char **argv)
{
	cli_error("%s: not written yet", argv[0]);
	return CLI_EXIT_ERROR;
}

int
cmd_remove(struct cli *cli, int argc, char **argv)
{
	cli_error("%s: not written yet", argv[0]);
	return CLI_EXIT_ERROR;
}

int
cmd_import(struct cli *cli, int argc, char **argv)
{
	cli_error("%s: not written yet", argv[0]);
	return CLI_EXIT_ERROR;
}
