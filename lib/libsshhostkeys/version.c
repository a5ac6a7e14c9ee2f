/* SPDX-License-Identifier: MIT */
/* The library's version, for callers that load it at run time (the
 * Python binding) and cannot see the headers it was built with. */
#include "config.h"

#include "shk.h"

const char *
shk_version(void)
{
	return PACKAGE_VERSION;
}
