/* SPDX-License-Identifier: MIT */
/* Diagnostics: one sink, "file:line: message" formatting in one place. */
#ifndef SHK_LOG_H
#define SHK_LOG_H

#include "shk.h"

struct shk_log {
	shk_log_fn *fn; /* NULL: drop everything */
	void *arg;
};

void shk_log_emit(const struct shk_log *log, int level, int code, const char *file,
		  unsigned long line, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

/* Log what a parser put in err, as file:line. */
void shk_log_error(const struct shk_log *log, int level, const char *file,
		   const struct shk_error *err);

/* Format "file:line: msg", "file: msg" or "msg" into buf (always NUL-terminated);
 * the file name goes through shk_escape(), the message is the caller's, who
 * escapes the words in it that someone else chose. */
void shk_diag_format(const struct shk_diag *d, char *buf, size_t cap);

struct shk_module_env;

/*
 * The bridge from a source module to the library's log: after
 * shk_log_module_init(), ml->log is a sink that hands every diagnostic to
 * env->log (dropped when there is none) and counts it, so that check()
 * can count its problems and a step can tell whether it said anything.
 * Set up per call, on the caller's stack: the counts are not locked, and
 * lookups of one state may run in parallel (sshhostkeys/module.h).
 */
struct shk_log_module {
	struct shk_log log; /* pass &ml->log to shk_log_emit() */
	const struct shk_module_env *env;
	unsigned long nwarn; /* diagnostics at SHK_LOG_WARN or worse */
	unsigned long nmsg;  /* all diagnostics */
};

void shk_log_module_init(struct shk_log_module *ml, const struct shk_module_env *env);

#endif
