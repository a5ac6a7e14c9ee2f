/* SPDX-License-Identifier: MIT */
/*
 * What every sshhostkeys program shares: the global options, the command
 * dispatch, messages, the library context and the common option words.
 * Compiled into the CLI and into the scan helper, so both parse the same
 * command line the same way and say the same things.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <unistd.h>

#include "cli.h"
#include "formatname.h"
#include "shk.h"
#include "log.h"

static void
usage(FILE *f)
{
	fputs("usage: sshhostkeys [--root DIR] [-v] COMMAND [ARGS]\n"
	      "commands:\n"
	      "  lookup [-p PORT] [-t TYPE] HOST\n"
	      "  known-hosts [-p PORT] [-t TYPE] [-K BASE64KEY] HOST\n"
	      "  verify [-p PORT] [--policy POLICY [--replace] [--store user|system]\n"
	      "         [--format plain|hashed]] HOST KEY\n"
	      "  fingerprint [-E sha256|md5|bubblebabble] KEYFILE\n"
	      "  sources [HOST]\n"
	      "  check\n"
	      "  add [-p PORT] [--store user|system] [--format plain|hashed] HOST KEY...\n"
	      "  remove [-p PORT] [--store user|system] HOST\n"
	      "  import [--store user|system] [--format plain|hashed] FILE\n"
	      "  export [--hash] [--out FILE]\n"
	      "  scan [-p PORT] [-t TYPES] [-T TIMEOUT] [-i] [-n] [--store user|system]\n"
	      "       [--format plain|hashed] HOST[#PORT]...\n",
	      f);
}

void
cli_error(const char *fmt, ...)
{
	va_list ap;

	fputs("sshhostkeys: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/*
 * Whether this text was printed already (and remember it if not). One
 * command is one run, and sshhostkeys(1) promises each message at most
 * once per run; the library logs per call, and a command may walk the
 * same store more than once: known-hosts looks up and then verifies, and
 * a module whose answer outgrows the buffer is asked again with a larger
 * one, each time warning about the same bad line. FNV-1a hashes of the
 * first texts.
 */
static int
cli_log_seen(const char *text)
{
	static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	static unsigned long long seen[128];
	static size_t nseen;
	unsigned long long h = 0xcbf29ce484222325ULL;
	size_t i;
	int found = 0;

	for (; *text != '\0'; text++)
		h = (h ^ (unsigned char)*text) * 0x100000001b3ULL;
	pthread_mutex_lock(&lock);
	for (i = 0; i < nseen && !found; i++)
		found = seen[i] == h;
	if (!found && nseen < sizeof(seen) / sizeof(seen[0]))
		seen[nseen++] = h;
	pthread_mutex_unlock(&lock);
	return found;
}

void
cli_log(void *arg, const struct shk_diag *d)
{
	const struct cli *cli = arg;
	char buf[4096];

	if (d->level > SHK_LOG_WARN + (cli != NULL ? cli->verbose : 0))
		return;
	shk_diag_format(d, buf, sizeof(buf));
	if (cli_log_seen(buf))
		return;
	fprintf(stderr, "sshhostkeys: %s%s\n",
		d->level == SHK_LOG_ERR ? "error: " : d->level == SHK_LOG_WARN ? "warning: " : "",
		buf);
}

/*
 * Run from its build tree, the CLI uses the modules built beside it, so
 * that the commands in README.md work before "make install". Only the
 * executable that is in this build tree's tools/ (tools/.libs/ behind
 * libtool's wrapper) qualifies: an installed copy never is, and a
 * distribution's build path holds no binary on the machines it ships to.
 * Whoever can write the modules there can write that executable too, so
 * trusting them adds nothing; a set-ID process never takes this path.
 * An explicit SSHHOSTKEYS_MODULE_DIR still wins. The library learns
 * nothing of build trees: it reads the variable as if the user had set it.
 */
static void
cli_build_tree_modules(void)
{
#if defined(BUILD_TOOLSDIR) && defined(BUILD_MODULEDIR)
	char exe[PATH_MAX], dir[PATH_MAX], *slash;
	ssize_t n;

	if (getauxval(AT_SECURE) != 0 || getenv("SSHHOSTKEYS_MODULE_DIR") != NULL)
		return;
	if ((n = readlink("/proc/self/exe", exe, sizeof(exe) - 1)) <= 0)
		return;
	exe[n] = '\0';
	if ((slash = strrchr(exe, '/')) == NULL)
		return;
	*slash = '\0';
	/* readlink gives the resolved path; the build path may hold links. */
	if (realpath(BUILD_TOOLSDIR, dir) != NULL && strcmp(exe, dir) == 0)
		goto found;
	if (realpath(BUILD_TOOLSDIR "/.libs", dir) != NULL && strcmp(exe, dir) == 0)
		goto found;
	return;
found:
	setenv("SSHHOSTKEYS_MODULE_DIR", BUILD_MODULEDIR, 0);
#endif
}

/* --root relative to the working directory, as any other path argument:
 * the library takes absolute roots only. */
static int
cli_absolute_root(struct cli *cli)
{
	char *cwd;
	int r;

	if (cli->root == NULL || cli->root[0] == '/' || cli->root[0] == '\0')
		return 0;
	if ((cwd = getcwd(NULL, 0)) == NULL) {
		cli_error("--root %s: cannot get the working directory: %s", cli->root,
			  strerror(errno));
		return -1;
	}
	r = asprintf(&cli->root_buf, "%s%s%s", cwd, strcmp(cwd, "/") == 0 ? "" : "/",
		     cli->root);
	free(cwd);
	if (r < 0) {
		cli->root_buf = NULL;
		cli_error("--root %s: out of memory", cli->root);
		return -1;
	}
	cli->root = cli->root_buf;
	return 0;
}

struct shk_ctx *
cli_ctx(struct cli *cli)
{
	int r;

	if (cli->ctx != NULL)
		return cli->ctx;
	if (cli_absolute_root(cli) != 0)
		return NULL;
	cli_build_tree_modules();
	if ((r = shk_ctx_open(&cli->ctx, cli->root, 0, cli_log, cli)) != SHK_OK) {
		cli_error("cannot open the host-key store: %s", shk_strerror(r));
		cli->ctx = NULL;
	}
	return cli->ctx;
}

/* A port number (1..65535); 0 on error. */
static unsigned int
cli_parse_port(const char *s)
{
	char *end;
	unsigned long v;

	if (s == NULL || *s < '0' || *s > '9')
		return 0;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || *end != '\0' || v == 0 || v > 65535)
		return 0;
	return (unsigned int)v;
}

int
cli_opt_port(const char *cmd, const char *arg, unsigned int *port)
{
	if ((*port = cli_parse_port(arg)) != 0)
		return 0;
	if (cmd != NULL)
		cli_error("%s: bad port \"%s\"", cmd, SHK_ESC(arg));
	else
		cli_error("bad port \"%s\"", SHK_ESC(arg));
	return -1;
}

/* The whole of a file, or of standard input for "-" (a pipe works too). */
int
cli_read_all(const char *path, char **out, size_t *outlen)
{
	char *buf = NULL, *nb;
	size_t len = 0, cap = 0;
	ssize_t n;
	int fd, r = 0;

	*out = NULL;
	*outlen = 0;
	if (strcmp(path, "-") == 0)
		fd = STDIN_FILENO;
	else if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) == -1) {
		cli_error("%s: %s", SHK_ESC(path), strerror(errno));
		return -1;
	}
	for (;;) {
		if (len == cap) {
			cap = cap == 0 ? 65536 : 2 * cap;
			if ((nb = realloc(buf, cap)) == NULL) {
				cli_error("%s: out of memory", SHK_ESC(path));
				r = -1;
				break;
			}
			buf = nb;
		}
		n = read(fd, buf + len, cap - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			cli_error("%s: %s", SHK_ESC(path), strerror(errno));
			r = -1;
			break;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	if (fd != STDIN_FILENO)
		close(fd);
	if (r != 0) {
		free(buf);
		return r;
	}
	*out = buf;
	*outlen = len;
	return 0;
}

int
cli_parse_scope(const char *s, enum shk_store_scope *out)
{
	if (strcmp(s, "user") == 0)
		*out = SHK_STORE_USER;
	else if (strcmp(s, "system") == 0)
		*out = SHK_STORE_SYSTEM;
	else
		return -1;
	return 0;
}

int
cli_parse_format(const char *s, enum shk_store_format *out)
{
	return shk_formatname_lookup(s, strlen(s), out) == SHK_OK ? 0 : -1;
}

int
cli_main(int argc, char **argv, const struct cli_command *commands, size_t ncommands)
{
	static const struct option opts[] = {
		{"root", required_argument, NULL, 'r'},
		{"verbose", no_argument, NULL, 'v'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct cli cli;
	size_t i;
	int c, rc;

	memset(&cli, 0, sizeof(cli));
	/* Installed setuid, setgid or with file capabilities, every path the
	 * caller names (key files, --out, the stores, a home it links to other
	 * files) would be read or written with rights the caller lacks. No
	 * command needs them: refuse before anything is parsed or opened. */
	if (getauxval(AT_SECURE) != 0 || getuid() != geteuid() || getgid() != getegid()) {
		cli_error("refusing to run set-ID (setuid, setgid or file capabilities): "
			  "files the caller names would be opened with privileges the caller "
			  "lacks; install %s without the setuid and setgid bits and file "
			  "capabilities, and use sudo to change the system store",
			  argc > 0 && argv[0] != NULL ? argv[0] : "sshhostkeys");
		return CLI_EXIT_ERROR;
	}
	/* ssh reads our output through a pipe it may close early; a write
	 * error must not kill us with SIGPIPE. */
	signal(SIGPIPE, SIG_IGN);
	while ((c = getopt_long(argc, argv, "+vh", opts, NULL)) != -1) {
		switch (c) {
		case 'r':
			cli.root = optarg;
			break;
		case 'v':
			cli.verbose++;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return CLI_EXIT_ERROR;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return CLI_EXIT_ERROR;
	}
	argc -= optind;
	argv += optind;
	for (i = 0; i < ncommands; i++) {
		if (strcmp(argv[0], commands[i].name) == 0) {
			optind = 0; /* let the command's getopt start afresh */
			rc = commands[i].fn(&cli, argc, argv);
			if (fflush(stdout) != 0 && rc == 0 && !cli.quiet_stdout)
				rc = CLI_EXIT_ERROR;
			if (cli.ctx != NULL)
				shk_ctx_close(cli.ctx);
			free(cli.root_buf);
			return rc;
		}
	}
	cli_error("unknown command \"%s\"", SHK_ESC(argv[0]));
	usage(stderr);
	return CLI_EXIT_ERROR;
}
