/* SPDX-License-Identifier: MIT */
/* sshhostkeys.conf: every bad line is logged and skipped; every known key
 * still has a value afterwards. */
#include "config.h"

#include "conf.h"
#include "fuzz.h"
#include "log.h"
#include "shk.h"

static const char *const keys[] = {
	"user_known_hosts", "global_known_hosts", "user_hostkeys_dir",
	"system_hostkeys_dir", "policy", "host_key_format",
};

static void
count(void *arg, const struct shk_diag *d)
{
	FUZZ_ASSERT(d->msg != NULL && d->file != NULL && d->line > 0);
	(*(int *)arg)++;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct shk_conf *conf = NULL;
	struct shk_log log;
	char *buf = fuzz_dup(data, size);
	int logged = 0, r;
	size_t i;

	log.fn = count;
	log.arg = &logged;
	FUZZ_ASSERT(shk_conf_new(&conf) == SHK_OK);
	r = shk_conf_parse(conf, buf, size, "fuzz.conf", &log);
	FUZZ_ASSERT(r >= 0 && r == logged);
	for (i = 0; i < SHK_ARRAY_SIZE(keys); i++) {
		FUZZ_ASSERT(shk_conf_known_key(keys[i]));
		FUZZ_ASSERT(shk_conf_get(conf, keys[i]) != NULL);
	}
	shk_conf_free(conf);
	free(buf);
	return 0;
}
