/* SPDX-License-Identifier: MIT */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "shk.h"

int
shk_error_set(struct shk_error *err, int code, unsigned long line, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return code;
	err->code = code;
	err->line = line;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return code;
}

int
shk_strncaseeq(const char *a, size_t alen, const char *b)
{
	size_t i;

	for (i = 0; i < alen; i++) {
		unsigned char ca = (unsigned char)a[i], cb = (unsigned char)b[i];

		if (cb == '\0')
			return 0;
		if (ca >= 'A' && ca <= 'Z')
			ca += 'a' - 'A';
		if (cb >= 'A' && cb <= 'Z')
			cb += 'a' - 'A';
		if (ca != cb)
			return 0;
	}
	return b[alen] == '\0';
}

void
shk_ascii_lower(char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (s[i] >= 'A' && s[i] <= 'Z')
			s[i] += 'a' - 'A';
}

/* Bytes shk_escape() writes for c. */
static size_t
esc_width(unsigned char c)
{
	return c == '\\' ? 2 : c >= 0x20 && c < 0x7f ? 1 : 4;
}

char *
shk_escape(const char *s, size_t len, char *out, size_t cap)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, o = 0, n = len < SHK_ESC_INPUT_MAX ? len : SHK_ESC_INPUT_MAX, total = 0,
		  room;

	if (cap < 4) {
		if (cap > 0)
			out[0] = '\0';
		return out;
	}
	for (i = 0; i < n; i++)
		total += esc_width((unsigned char)s[i]);
	/* The marker needs room only when something is left out. */
	room = n == len && total < cap ? cap - 1 : cap - 4;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (o + esc_width(c) > room)
			break;
		if (esc_width(c) == 1) {
			out[o++] = (char)c;
		} else if (c == '\\') {
			out[o++] = '\\';
			out[o++] = '\\';
		} else {
			out[o++] = '\\';
			out[o++] = 'x';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 0xf];
		}
	}
	if (i < len) {
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o] = '\0';
	return out;
}

void
shk_explicit_bzero(void *p, size_t n)
{
	volatile unsigned char *v = p;

	while (n--)
		*v++ = 0;
}

int
shk_random_bytes(void *p, size_t len, struct shk_error *err)
{
	unsigned char *b = p;
	size_t got = 0;
	ssize_t n;
	int oerrno;

	while (got < len) {
		/* Blocks only until the kernel's pool is first seeded. */
		n = getrandom(b + got, len - got, 0);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			oerrno = n == -1 ? errno : EIO;
			return shk_error_set(err, SHK_ERR_SYSTEM, 0, "getrandom: %s",
					     strerror(oerrno));
		}
		got += (size_t)n;
	}
	return SHK_OK;
}

char *
shk_path_join(const char *root, const char *abs_path)
{
	size_t rl = root != NULL ? strlen(root) : 0, pl = strlen(abs_path);
	char *out;

	while (rl > 0 && root[rl - 1] == '/')
		rl--;
	if ((out = malloc(rl + pl + 1)) == NULL)
		return NULL;
	if (rl > 0)
		memcpy(out, root, rl);
	memcpy(out + rl, abs_path, pl + 1);
	return out;
}

int
shk_sized_copy(const void *in, void *out, size_t outsize, size_t min)
{
	const unsigned char *p = in;
	size_t insize, i;

	memset(out, 0, outsize);
	memcpy(out, &outsize, sizeof(outsize));
	memcpy(&insize, in, sizeof(insize));
	if (insize < min)
		return SHK_ERR_INVAL;
	memcpy(out, in, insize < outsize ? insize : outsize);
	memcpy(out, &outsize, sizeof(outsize));
	for (i = outsize; i < insize; i++)
		if (p[i] != 0)
			return SHK_ERR_UNSUPPORTED;
	return SHK_OK;
}

const char *
shk_strerror(int status)
{
	switch (status) {
	case SHK_OK:
		return "success";
	case SHK_ERR_NOMEM:
		return "out of memory";
	case SHK_ERR_INVAL:
		return "invalid argument";
	case SHK_ERR_PARSE:
		return "parse error";
	case SHK_ERR_SYSTEM:
		return "system error";
	case SHK_ERR_NOTFOUND:
		return "not found";
	case SHK_ERR_UNTRUSTED:
		return "untrusted store";
	case SHK_ERR_UNSUPPORTED:
		return "unsupported";
	case SHK_ERR_MODULE:
		return "source module error";
	case SHK_ERR_RANGE:
		return "out of range";
	}
	return "unknown error";
}
