/* SPDX-License-Identifier: MIT */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <sshhostkeys/module.h>

#include "log.h"

void
shk_diag_format(const struct shk_diag *d, char *buf, size_t cap)
{
	/* A file name can be anything a user typed (a key file, a store
	 * path in a configuration): shown escaped, on one line. */
	if (d->file != NULL && d->line > 0)
		snprintf(buf, cap, "%s:%lu: %s", SHK_ESC(d->file), d->line, d->msg);
	else if (d->file != NULL)
		snprintf(buf, cap, "%s: %s", SHK_ESC(d->file), d->msg);
	else
		snprintf(buf, cap, "%s", d->msg);
}

void
shk_log_emit(const struct shk_log *log, int level, int code, const char *file,
	     unsigned long line, const char *fmt, ...)
{
	char msg[2048];
	struct shk_diag d;
	va_list ap;

	if (log == NULL || log->fn == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	d.level = level;
	d.code = code;
	d.file = file;
	d.line = line;
	d.msg = msg;
	log->fn(log->arg, &d);
}

void
shk_log_error(const struct shk_log *log, int level, const char *file,
	      const struct shk_error *err)
{
	shk_log_emit(log, level, err->code, file, err->line, "%s", err->msg);
}

static void
log_module_fn(void *arg, const struct shk_diag *d)
{
	struct shk_log_module *ml = arg;

	ml->nmsg++;
	if (d->level <= SHK_LOG_WARN)
		ml->nwarn++;
	if (ml->env != NULL && ml->env->log != NULL)
		ml->env->log(ml->env, d->level, d->code, d->file, d->line, d->msg);
}

void
shk_log_module_init(struct shk_log_module *ml, const struct shk_module_env *env)
{
	ml->env = env;
	ml->nwarn = 0;
	ml->nmsg = 0;
	ml->log.fn = log_module_fn;
	ml->log.arg = ml;
}
