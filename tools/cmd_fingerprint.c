/* SPDX-License-Identifier: MIT */
/*
 * sshhostkeys fingerprint [-E sha256|md5|bubblebabble] KEYFILE
 *
 * Prints each key of KEYFILE ("-": standard input) the way ssh-keygen
 * prints it: "-l -E sha256|md5" lines, or "-B" lines for bubblebabble.
 * An RFC 4716 key shows its Comment header (ssh-keygen cannot read those
 * files and, through "ssh-keygen -i", would say "no comment"). A
 * known_hosts file is listed as ssh-keygen lists it: one line per key,
 * the host field standing in for a missing comment, marker lines left out
 * (shk_keyfile_parse_listing).
 *
 * A key without a comment prints "no comment", as ssh-keygen 9.2 does for
 * a one-key file. In a file of several keys ssh-keygen instead reuses the
 * previous line's comment pointer into its reused line buffer (printing
 * leftovers, often an empty string); that is a bug we do not copy. Like
 * ssh-keygen, a trailing "#..." is not taken as a comment.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "crypto.h"
#include "fingerprint.h"
#include "fmap.h"
#include "key.h"
#include "keyfile.h"
#include "log.h"
#include "shk.h"

/* Standard input is not mappable; read it whole, with a sane cap. */
#define STDIN_MAX (1024 * 1024)

struct fp_state {
	enum shk_fp_kind kind;
	unsigned long printed;
};

static int
print_key(void *arg, struct shk_key *key, unsigned long line)
{
	struct fp_state *st = arg;
	struct shk_error err;
	char fp[SHK_FP_MAX];
	int r;
	const char *comment = key->comment;

	if (comment == NULL || comment[0] == '#')
		comment = "no comment";
	r = shk_fingerprint_blob(key->blob, key->bloblen, st->kind, fp, sizeof(fp));
	if (r == SHK_OK) {
		printf("%u %s %s (%s)\n", shk_key_bits(key), fp, comment,
		       shk_keytype_label(key->type, strlen(key->type)));
		st->printed++;
	} else {
		memset(&err, 0, sizeof(err));
		/* The digest's failure is usually libcrypto's absence: say so. */
		if (r != SHK_ERR_SYSTEM || shk_crypto(&err) != NULL)
			snprintf(err.msg, sizeof(err.msg), "%s", shk_strerror(r));
		if (line > 0)
			cli_error("line %lu: cannot fingerprint the key: %s", line, err.msg);
		else
			cli_error("cannot fingerprint the key: %s", err.msg);
	}
	shk_key_free(key);
	return 0;
}

static char *
read_stdin(size_t *lenp)
{
	char *buf = NULL, *nb;
	size_t len = 0, cap = 0, n;

	for (;;) {
		if (len == cap) {
			if (cap >= STDIN_MAX) {
				cli_error("(stdin): more than %d bytes", STDIN_MAX);
				free(buf);
				return NULL;
			}
			cap = cap == 0 ? 8192 : cap * 2;
			if ((nb = realloc(buf, cap)) == NULL) {
				cli_error("(stdin): out of memory");
				free(buf);
				return NULL;
			}
			buf = nb;
		}
		n = fread(buf + len, 1, cap - len, stdin);
		len += n;
		if (n == 0)
			break;
	}
	if (ferror(stdin)) {
		cli_error("(stdin): read error");
		free(buf);
		return NULL;
	}
	*lenp = len;
	return buf;
}

/* Print the keys of buf[0..len), named name in messages. */
static int
print_keys(struct cli *cli, struct fp_state *st, const char *buf, size_t len,
	   const char *name)
{
	struct shk_log lg = {cli_log, cli};
	size_t nfound = 0;
	int r;

	r = shk_keyfile_parse_listing(buf != NULL ? buf : "", len, name, &lg, print_key, st,
				      &nfound);
	if (r != SHK_OK) {
		cli_error("%s: %s", name, shk_strerror(r));
		return CLI_EXIT_ERROR;
	}
	if (nfound == 0) {
		shk_log_emit(&lg, SHK_LOG_ERR, SHK_ERR_NOTFOUND, name, 0, "no public key found");
		return CLI_EXIT_ERROR;
	}
	return st->printed > 0 ? 0 : CLI_EXIT_ERROR;
}

int
cmd_fingerprint(struct cli *cli, int argc, char **argv)
{
	struct fp_state st = {SHK_FP_SHA256, 0};
	struct shk_log lg = {cli_log, cli};
	struct shk_fmap map;
	struct shk_error err;
	size_t len = 0;
	char *buf = NULL;
	int c, r;

	while ((c = getopt(argc, argv, "E:")) != -1) {
		switch (c) {
		case 'E':
			if (strcmp(optarg, "sha256") == 0)
				st.kind = SHK_FP_SHA256;
			else if (strcmp(optarg, "md5") == 0)
				st.kind = SHK_FP_MD5;
			else if (strcmp(optarg, "bubblebabble") == 0)
				st.kind = SHK_FP_BUBBLEBABBLE;
			else {
				cli_error("unknown fingerprint kind \"%s\"", SHK_ESC(optarg));
				return CLI_EXIT_ERROR;
			}
			break;
		default:
			goto usage;
		}
	}
	if (argc - optind != 1)
		goto usage;
	if (strcmp(argv[optind], "-") == 0) {
		if ((buf = read_stdin(&len)) == NULL)
			return CLI_EXIT_ERROR;
		r = print_keys(cli, &st, buf, len, "(stdin)");
		free(buf);
		return r;
	}
	memset(&err, 0, sizeof(err));
	if (shk_fmap_open(argv[optind], &map, &err) != SHK_OK) {
		shk_log_error(&lg, SHK_LOG_ERR, argv[optind], &err);
		return CLI_EXIT_ERROR;
	}
	r = print_keys(cli, &st, map.data, map.len, argv[optind]);
	shk_fmap_close(&map);
	return r;
usage:
	fputs("usage: sshhostkeys fingerprint [-E sha256|md5|bubblebabble] KEYFILE\n", stderr);
	return CLI_EXIT_ERROR;
}
