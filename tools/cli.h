/* SPDX-License-Identifier: MIT */
/* The sshhostkeys CLI: shared state and one function per command. */
#ifndef SHK_CLI_H
#define SHK_CLI_H

#include <sshhostkeys.h>

/* Exit status for errors, for every command. */
#define CLI_EXIT_ERROR 2

struct cli {
	const char *root; /* --root, or NULL (then SSHHOSTKEYS_ROOT or "/") */
	char *root_buf;	  /* --root made absolute, when it was relative */
	int verbose;	  /* -v count */
	struct shk_ctx *ctx;
	int quiet_stdout; /* set by a command: a failed flush of stdout keeps exit 0 */
};

/* A command: argv[0] is its name; returns the exit status. */
struct cli_command {
	const char *name;
	int (*fn)(struct cli *cli, int argc, char **argv);
};

/*
 * The whole program: refuse to run set-ID (exit 2), parse [--root DIR]
 * [-v]... [--help], run the command argv names among
 * commands, flush standard output and close the context. Returns the
 * exit status. (tools/cli.c, shared by the CLI and the scan helper.)
 */
int cli_main(int argc, char **argv, const struct cli_command *commands, size_t ncommands);

/* The library context, opened on first use. Returns NULL after printing
 * why it could not be opened. */
struct shk_ctx *cli_ctx(struct cli *cli);

/* Log sink: "sshhostkeys: file:line: msg" on stderr; info and debug only
 * with -v; a text already printed in this run is not printed again. arg
 * is the struct cli. */
void cli_log(void *arg, const struct shk_diag *d);

/* Print "sshhostkeys: " + message on stderr. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * The -p PORT option of every command: a number 1..65535 into *port, or
 * "bad port "ARG"" printed (after "CMD: " when cmd is not NULL) and -1.
 */
int cli_opt_port(const char *cmd, const char *arg, unsigned int *port);

/*
 * Read a key given on the command line: a file name, "-" for standard
 * input, or "TYPE BASE64" as one argument (or TYPE and BASE64 as two:
 * *used says how many arguments were taken). *out is the caller's.
 */
int cli_read_key(struct cli *cli, char **argv, int argc, int *used, struct shk_key **out);

/* --store user|system and --format plain|hashed; -1 when the word is bad. */
/* The whole of path, or of standard input for "-", into *out (malloc'd,
 * not NUL-terminated, *outlen bytes): 0, or -1 after saying why. */
int cli_read_all(const char *path, char **out, size_t *outlen);
int cli_parse_scope(const char *s, enum shk_store_scope *out);
int cli_parse_format(const char *s, enum shk_store_format *out);

/* Commands: argv[0] is the command name; each returns the exit status. */
int cmd_lookup(struct cli *cli, int argc, char **argv);
int cmd_known_hosts(struct cli *cli, int argc, char **argv);
int cmd_verify(struct cli *cli, int argc, char **argv);
int cmd_fingerprint(struct cli *cli, int argc, char **argv);
int cmd_sources(struct cli *cli, int argc, char **argv);
int cmd_check(struct cli *cli, int argc, char **argv);
int cmd_add(struct cli *cli, int argc, char **argv);	 /* cmd_store.c */
int cmd_remove(struct cli *cli, int argc, char **argv);	 /* cmd_store.c */
int cmd_import(struct cli *cli, int argc, char **argv);	 /* cmd_store.c */
int cmd_export(struct cli *cli, int argc, char **argv);	 /* cmd_export.c */
int cmd_scan(struct cli *cli, int argc, char **argv);	 /* cmd_scan.c, sshhostkeys-scan only */

#endif
