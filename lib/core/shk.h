/* SPDX-License-Identifier: MIT */
/*
 * Common internal definitions: the error record every parser fills, and
 * helpers shared by the library, the modules and the CLI. Everything here
 * has hidden visibility; only symbols marked SHK_API leave a .so.
 */
#ifndef SHK_INTERNAL_H
#define SHK_INTERNAL_H

#include <stddef.h>
#include <string.h>

#include <sshhostkeys.h>

#define SHK_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define SHK_ERRMSG_MAX 256

/*
 * What a parser says about the input it refused: the line within the
 * input (0 when not line-based) and a message without the file name; the
 * caller, which knows the file, adds it when logging.
 */
struct shk_error {
	int code; /* enum shk_status */
	unsigned long line;
	char msg[SHK_ERRMSG_MAX];
};

/* Fill err (which may be NULL) and return code. */
int shk_error_set(struct shk_error *err, int code, unsigned long line, const char *fmt,
		  ...) __attribute__((format(printf, 4, 5)));

/*
 * Copy a caller's struct that starts with a size_t size field and may come
 * from an older (smaller) or newer (larger) version of it into out (ours,
 * outsize bytes): fields the caller did not pass are zero, out's size is
 * outsize. SHK_ERR_INVAL when the caller's is smaller than min;
 * SHK_ERR_UNSUPPORTED when a byte past ours is set (the caller asked for
 * something this library cannot do).
 */
int shk_sized_copy(const void *in, void *out, size_t outsize, size_t min);

/* Free and forget. */
#define SHK_FREE(p)                                                                    \
	do {                                                                           \
		free(p);                                                               \
		(p) = NULL;                                                            \
	} while (0)

/* Case-insensitive ASCII compare of a counted string with a C string. */
int shk_strncaseeq(const char *a, size_t alen, const char *b);

/* Lowercase ASCII in place. */
void shk_ascii_lower(char *s, size_t len);

/* Wipe memory the compiler may not optimise away. */
void shk_explicit_bzero(void *p, size_t n);

/* Fill p[0..len) from getrandom(2); SHK_ERR_SYSTEM (in err) if it fails. */
int shk_random_bytes(void *p, size_t len, struct shk_error *err);

/*
 * Text someone else chose (a host name typed by a user, a word from a
 * file, a module's key type), made safe to print inside one log or
 * terminal line: printable ASCII stays as is, a backslash is doubled and
 * every other byte (control bytes, DEL, anything non-ASCII) becomes \xHH,
 * so no escape sequence reaches a terminal and no newline forges a second
 * line. At most SHK_ESC_INPUT_MAX bytes of s are shown, fewer when out is
 * too small; a cut is marked with "...". Escapes are never split. out
 * (cap >= 4) is always NUL-terminated; returns out. Thread-safe.
 */
#define SHK_ESC_INPUT_MAX 256
/* Room for SHK_ESC_INPUT_MAX bytes, all escaped, the "..." and the NUL. */
#define SHK_ESC_SIZE (4 * SHK_ESC_INPUT_MAX + 4)
char *shk_escape(const char *s, size_t len, char *out, size_t cap);

/* shk_escape() of a C string into a buffer that lives until the end of
 * the enclosing block, for use as a printf argument. */
#define SHK_ESC(s) shk_escape((s), strlen(s), (char[SHK_ESC_SIZE]){""}, SHK_ESC_SIZE)

/* Join a root prefix and an absolute path: "" + "/etc/x" or "/r" + "/etc/x".
 * Returns a malloc'd string (caller frees) or NULL. */
char *shk_path_join(const char *root, const char *abs_path);

#endif /* SHK_INTERNAL_H */
