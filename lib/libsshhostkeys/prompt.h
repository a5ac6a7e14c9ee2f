/* SPDX-License-Identifier: MIT */
/*
 * The "ask" policy's question on the controlling terminal. The terminal
 * is the only place it reads or writes: standard input and output may be
 * a pipe carrying data for someone else (ssh, scp, a script).
 */
#ifndef SHK_PROMPT_H
#define SHK_PROMPT_H

#include <stddef.h>

#include "shk.h"

/* Longest answer read; the rest of a longer line is read and dropped. */
#define SHK_PROMPT_LINE_MAX 256

enum shk_prompt_answer {
	SHK_PROMPT_NO = 0,  /* "no", end of file or a read error */
	SHK_PROMPT_YES = 1, /* "yes" */
};

/*
 * The question shown for an unknown key, OpenSSH-like: host (already in
 * known_hosts form or plain), port, key type label, SHA256 and Bubble
 * Babble fingerprints. *out is malloc'd (caller frees).
 */
int shk_prompt_text(const char *host, unsigned int port, const struct shk_key *key,
		    char **out);

/*
 * Write text to fd_out, then read answers from fd_in until one is "yes"
 * or "no" (case-insensitive, surrounding blanks ignored); any other
 * answer writes "Please type 'yes' or 'no': " and reads again. End of
 * file or a read error is a no. *answer gets the outcome.
 * Returns SHK_OK or SHK_ERR_SYSTEM when writing fails (answer: no).
 */
int shk_prompt_run(int fd_in, int fd_out, const char *text, enum shk_prompt_answer *answer);

/*
 * Ask on the controlling terminal (/dev/tty). SHK_ERR_NOTFOUND when the
 * process has none: the caller then behaves as the strict policy.
 */
int shk_prompt_ask(const char *host, unsigned int port, const struct shk_key *key,
		   enum shk_prompt_answer *answer);

#endif
