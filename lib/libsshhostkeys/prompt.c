/* SPDX-License-Identifier: MIT */
/*
 * The "ask" prompt. Reads a byte at a time from the terminal so nothing
 * beyond the answer's newline is consumed (the next program reading the
 * terminal gets the rest), and echoes nothing itself: the terminal's own
 * line discipline echoes, as it does for ssh's question.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "fingerprint.h"
#include "key.h"
#include "prompt.h"

int
shk_prompt_text(const char *host, unsigned int port, const struct shk_key *key,
		char **out)
{
	char sha[SHK_FP_MAX], bb[SHK_FP_MAX];
	const char *label;
	int r;

	*out = NULL;
	if (host == NULL || key == NULL || key->type == NULL || key->blob == NULL)
		return SHK_ERR_INVAL;
	if ((r = shk_fingerprint_blob(key->blob, key->bloblen, SHK_FP_SHA256, sha,
				      sizeof(sha))) != SHK_OK)
		return r;
	if ((r = shk_fingerprint_blob(key->blob, key->bloblen, SHK_FP_BUBBLEBABBLE, bb,
				      sizeof(bb))) != SHK_OK)
		return r;
	label = shk_keytype_label(key->type, strlen(key->type));
	if (asprintf(out,
		     "The authenticity of host '%s' (port %u) can't be established.\n"
		     "%s key fingerprint is %s.\n"
		     "%s key Bubble Babble is %s.\n"
		     "Are you sure you want to continue connecting (yes/no)? ",
		     host, port == 0 ? 22 : port, label, sha, label, bb) == -1) {
		*out = NULL;
		return SHK_ERR_NOMEM;
	}
	return SHK_OK;
}

static int
write_all(int fd, const char *p, size_t n)
{
	ssize_t w;

	while (n > 0) {
		if ((w = write(fd, p, n)) == -1) {
			if (errno == EINTR)
				continue;
			return SHK_ERR_SYSTEM;
		}
		p += w;
		n -= (size_t)w;
	}
	return SHK_OK;
}

/* One line into buf (truncated, NUL-terminated, blanks trimmed).
 * Returns 1 for a line, 0 at end of file or on error. */
static int
read_answer(int fd, char *buf, size_t cap)
{
	size_t n = 0, start = 0;
	ssize_t got;
	char c;
	int any = 0;

	for (;;) {
		got = read(fd, &c, 1);
		if (got == -1 && errno == EINTR)
			continue;
		if (got != 1) {
			/* A last line without newline still counts. */
			if (!any)
				return 0;
			break;
		}
		any = 1;
		if (c == '\n' || c == '\r')
			break;
		if (n + 1 < cap)
			buf[n++] = c;
	}
	buf[n] = '\0';
	while (n > 0 && (buf[n - 1] == ' ' || buf[n - 1] == '\t'))
		buf[--n] = '\0';
	while (buf[start] == ' ' || buf[start] == '\t')
		start++;
	memmove(buf, buf + start, n - start + 1);
	return 1;
}

int
shk_prompt_run(int fd_in, int fd_out, const char *text, enum shk_prompt_answer *answer)
{
	static const char again[] = "Please type 'yes' or 'no': ";
	char buf[SHK_PROMPT_LINE_MAX];
	int r;

	*answer = SHK_PROMPT_NO;
	if ((r = write_all(fd_out, text, strlen(text))) != SHK_OK)
		return r;
	for (;;) {
		if (!read_answer(fd_in, buf, sizeof(buf))) {
			/* End of file: say so, so the terminal does not look stuck. */
			(void)write_all(fd_out, "\n", 1);
			return SHK_OK;
		}
		if (strcasecmp(buf, "yes") == 0) {
			*answer = SHK_PROMPT_YES;
			return SHK_OK;
		}
		if (strcasecmp(buf, "no") == 0)
			return SHK_OK;
		if ((r = write_all(fd_out, again, sizeof(again) - 1)) != SHK_OK)
			return r;
	}
}

int
shk_prompt_ask(const char *host, unsigned int port, const struct shk_key *key,
	       enum shk_prompt_answer *answer)
{
	char *text = NULL;
	int fd = -1, r;

	*answer = SHK_PROMPT_NO;
	if ((r = shk_prompt_text(host, port, key, &text)) != SHK_OK)
		goto out;
	/* O_NOCTTY: a process without a terminal must not acquire one by
	 * asking. No terminal at all means strict. */
	if ((fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC)) == -1) {
		r = SHK_ERR_NOTFOUND;
		goto out;
	}
	r = shk_prompt_run(fd, fd, text, answer);
out:
	if (fd != -1)
		close(fd);
	free(text);
	return r;
}
