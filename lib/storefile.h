/* SPDX-License-Identifier: MIT */
/* Not written yet. */
#ifndef SHK_STOREFILE_H
#define SHK_STOREFILE_H
#endif
