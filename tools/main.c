/* SPDX-License-Identifier: MIT */
/* sshhostkeys [--root DIR] [-v] COMMAND ...: the command table. */
#include "config.h"

#include "cli.h"
#include "shk.h"

static const struct cli_command commands[] = {
	{"lookup", cmd_lookup},	  {"known-hosts", cmd_known_hosts},
	{"verify", cmd_verify},	  {"fingerprint", cmd_fingerprint},
	{"sources", cmd_sources}, {"check", cmd_check},
	{"add", cmd_add},	  {"remove", cmd_remove},
	{"import", cmd_import},	  {"export", cmd_export},
	{"scan", cmd_scan},
};

int
main(int argc, char **argv)
{
	return cli_main(argc, argv, commands, SHK_ARRAY_SIZE(commands));
}
