/* SPDX-License-Identifier: MIT */
/*
 * nsswitch.conf images and the ssh_hostkeys: line. A line that parses is
 * formatted back; the text must parse to the same configuration.
 */
#include "config.h"

#include "fuzz.h"
#include "nsswitch.h"
#include "shk.h"

static void
round_trip(const struct shk_nss_config *cfg)
{
	struct shk_nss_config back;
	struct shk_error err;
	char text[4096];
	size_t i;

	FUZZ_ASSERT(shk_nss_format(cfg, text, sizeof(text)) == SHK_OK);
	memset(&err, 0, sizeof(err));
	memset(&back, 0, sizeof(back));
	if (shk_nss_parse_services(text, strlen(text), &back, &err) != SHK_OK) {
		fprintf(stderr, "formatted line does not parse: \"%s\": %s\n", text,
			err.msg);
		abort();
	}
	FUZZ_ASSERT(back.nsources == cfg->nsources);
	for (i = 0; i < cfg->nsources; i++) {
		FUZZ_ASSERT(strcmp(back.src[i].name, cfg->src[i].name) == 0);
		FUZZ_ASSERT(memcmp(back.src[i].action, cfg->src[i].action,
				   sizeof(cfg->src[i].action)) == 0);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct shk_nss_config cfg;
	struct shk_error err;
	char *buf = fuzz_dup(data, size);
	int r;

	memset(&err, 0, sizeof(err));
	r = shk_nss_parse_file(buf, size, &cfg, &err);
	FUZZ_ASSERT(r == SHK_OK || r == SHK_ERR_NOTFOUND || r == SHK_ERR_PARSE);
	FUZZ_ASSERT(cfg.nsources <= SHK_NSS_MAX_SOURCES);
	if (r == SHK_OK)
		round_trip(&cfg);
	memset(&err, 0, sizeof(err));
	r = shk_nss_parse_services(buf, size, &cfg, &err);
	FUZZ_ASSERT(r == SHK_OK || r == SHK_ERR_PARSE);
	if (r == SHK_OK)
		round_trip(&cfg);
	free(buf);
	return 0;
}
