/* SPDX-License-Identifier: MIT */
/* Not written yet. */
#ifndef SHK_PROMPT_H
#define SHK_PROMPT_H
#endif
