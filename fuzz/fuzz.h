/* SPDX-License-Identifier: MIT */
/*
 * Shared by the libFuzzer targets. Each target is a pure function of its
 * input: no files, no network, no state kept between runs. A broken
 * invariant aborts, so libFuzzer records it like a crash.
 */
#ifndef SHK_FUZZ_H
#define SHK_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_ASSERT(c)                                                                 \
	do {                                                                           \
		if (!(c)) {                                                            \
			fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__,     \
				__LINE__, #c);                                         \
			abort();                                                       \
		}                                                                      \
	} while (0)

/* A NUL-terminated copy (the input may hold NULs; C-string APIs then
 * see only the part before the first one). */
static inline char *
fuzz_cstr(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (s == NULL)
		abort();
	if (size > 0)
		memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/*
 * An exact-size heap copy, so ASan sees a read one byte past the end
 * (libFuzzer's own buffer is exact too, but the targets also cut inputs
 * in parts).
 */
static inline char *
fuzz_dup(const uint8_t *data, size_t size)
{
	char *s = malloc(size > 0 ? size : 1);

	if (s == NULL)
		abort();
	if (size > 0)
		memcpy(s, data, size);
	return s;
}

#endif
