/* SPDX-License-Identifier: MIT */
/* Not written yet. */
#ifndef SHK_KHINDEX_H
#define SHK_KHINDEX_H
#endif
