/* SPDX-License-Identifier: MIT */
/* Not written yet. */
#include "config.h"
