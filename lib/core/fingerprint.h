/* SPDX-License-Identifier: MIT */
/* Fingerprints exactly as ssh-keygen -l [-E md5|sha256] and -B print them. */
#ifndef SHK_FINGERPRINT_H
#define SHK_FINGERPRINT_H

#include <stddef.h>

#include "shk.h"

/* Enough for any kind (MD5: 4+47, SHA256: 7+43, babble of SHA-1: 65). */
#define SHK_FP_MAX 128

int shk_fingerprint_blob(const unsigned char *blob, size_t len, enum shk_fp_kind kind,
			 char *out, size_t outcap);

/* Bubble Babble of d[0..len) (the encoding itself, any input). out needs
 * 6 * (len / 2 + 1) bytes. Returns the length written. */
size_t shk_bubblebabble(const unsigned char *d, size_t len, char *out, size_t outcap);

#endif
