/* SPDX-License-Identifier: MIT */
/*
 * sshhostkeys.conf. Lines are "key = value"; the value runs to the end
 * of the line and is trimmed, so '#' only starts a comment at the start
 * of a line (a path may hold '#'). Keys and enumerated values are
 * case-sensitive. Lines are read in place: there is no length limit and
 * nothing is allocated per line, only per accepted setting.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sshhostkeys/module.h>

#include "conf.h"
#include "formatname.h"
#include "policyname.h"

/* Checks a value (trimmed, not empty, no NUL); on refusal says why. */
typedef int conf_check_fn(const char *v, size_t n, char *why, size_t whycap);

struct conf_key {
	const char *name;
	const char *def;
	conf_check_fn *check;
	/* Without check: the i-th allowed word, NULL past the last. */
	const char *(*word)(size_t i);
};

static conf_check_fn conf_check_user_paths, conf_check_abs_paths, conf_check_user_path,
	conf_check_abs_path;

/* The policy words live with their values in policyname.c. */
static const char *
conf_policy_word(size_t i)
{
	return shk_policyname_at(i, 0);
}

static const char *
conf_format_word(size_t i)
{
	return shk_formatname_at(i);
}

/* Every known key. Defaults must pass their own check (tested). */
static const struct conf_key conf_keys[] = {
	{"user_known_hosts", "~/.ssh/known_hosts ~/.ssh/known_hosts2", conf_check_user_paths,
	 NULL},
	{"global_known_hosts", "/etc/ssh/ssh_known_hosts /etc/ssh/ssh_known_hosts2",
	 conf_check_abs_paths, NULL},
	{"user_hostkeys_dir", "~/.ssh2/hostkeys", conf_check_user_path, NULL},
	{"system_hostkeys_dir", "/etc/ssh2/hostkeys", conf_check_abs_path, NULL},
	{"policy", "ask", NULL, conf_policy_word},
	{"host_key_format", "hashed", NULL, conf_format_word},
};

#define CONF_NKEYS (sizeof(conf_keys) / sizeof(conf_keys[0]))

struct shk_conf {
	char *value[CONF_NKEYS]; /* NULL: unset, the default applies */
};

static int
conf_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* One path: absolute, or "~/" and something ("~/" alone would be the
 * home directory itself, which is never a store). user: "~/" allowed. */
static int
conf_check_one_path(const char *v, size_t n, int user, char *why, size_t whycap)
{
	char ex[48];
	size_t i;

	shk_escape(v, n, ex, sizeof(ex));
	for (i = 0; i < n; i++)
		if ((unsigned char)v[i] < 0x20 || v[i] == 0x7f) {
			snprintf(why, whycap, "control character in path \"%s\"", ex);
			return 0;
		}
	if (v[0] == '/')
		return 1;
	if (user && n > 2 && v[0] == '~' && v[1] == '/')
		return 1;
	snprintf(why, whycap, "\"%s\" is not %s", ex,
		 user ? "an absolute path or ~/path" : "an absolute path");
	return 0;
}

static int
conf_check_path(const char *v, size_t n, int user, char *why, size_t whycap)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (conf_space(v[i])) {
			snprintf(why, whycap, "white space in a path");
			return 0;
		}
	return conf_check_one_path(v, n, user, why, whycap);
}

/* Paths separated by white space; none may itself hold white space. */
static int
conf_check_paths(const char *v, size_t n, int user, char *why, size_t whycap)
{
	size_t i = 0, start;

	while (i < n) {
		while (i < n && conf_space(v[i]))
			i++;
		start = i;
		while (i < n && !conf_space(v[i]))
			i++;
		if (i > start && !conf_check_one_path(v + start, i - start, user, why, whycap))
			return 0;
	}
	return 1;
}

static int
conf_check_user_paths(const char *v, size_t n, char *why, size_t whycap)
{
	return conf_check_paths(v, n, 1, why, whycap);
}

static int
conf_check_abs_paths(const char *v, size_t n, char *why, size_t whycap)
{
	return conf_check_paths(v, n, 0, why, whycap);
}

static int
conf_check_user_path(const char *v, size_t n, char *why, size_t whycap)
{
	return conf_check_path(v, n, 1, why, whycap);
}

static int
conf_check_abs_path(const char *v, size_t n, char *why, size_t whycap)
{
	return conf_check_path(v, n, 0, why, whycap);
}

static int
conf_check_value(const struct conf_key *k, const char *v, size_t n, char *why, size_t whycap)
{
	const char *w;
	char ex[48];
	size_t i, o;

	if (k->check != NULL)
		return k->check(v, n, why, whycap);
	for (i = 0; (w = k->word(i)) != NULL; i++)
		if (strlen(w) == n && memcmp(w, v, n) == 0)
			return 1;
	shk_escape(v, n, ex, sizeof(ex));
	o = (size_t)snprintf(why, whycap, "bad value \"%s\" (one of", ex);
	for (i = 0; (w = k->word(i)) != NULL && o < whycap; i++)
		o += (size_t)snprintf(why + o, whycap - o, " %s", w);
	if (o < whycap)
		snprintf(why + o, whycap - o, ")");
	return 0;
}

static const struct conf_key *
conf_lookup(const char *name, size_t n, size_t *idx)
{
	size_t i;

	for (i = 0; i < CONF_NKEYS; i++)
		if (strlen(conf_keys[i].name) == n && memcmp(conf_keys[i].name, name, n) == 0) {
			if (idx != NULL)
				*idx = i;
			return &conf_keys[i];
		}
	return NULL;
}

int
shk_conf_new(struct shk_conf **out)
{
	if ((*out = calloc(1, sizeof(**out))) == NULL)
		return SHK_ERR_NOMEM;
	return SHK_OK;
}

void
shk_conf_free(struct shk_conf *conf)
{
	size_t i;

	if (conf == NULL)
		return;
	for (i = 0; i < CONF_NKEYS; i++)
		SHK_FREE(conf->value[i]);
	free(conf);
}

int
shk_conf_known_key(const char *key)
{
	return key != NULL && conf_lookup(key, strlen(key), NULL) != NULL;
}

const char *
shk_conf_get(const struct shk_conf *conf, const char *key)
{
	const struct conf_key *k;
	size_t idx;

	if (key == NULL || (k = conf_lookup(key, strlen(key), &idx)) == NULL)
		return NULL;
	if (conf != NULL && conf->value[idx] != NULL)
		return conf->value[idx];
	return k->def;
}

const char *
shk_conf_module_get(const struct shk_module_env *env, const char *key)
{
	const char *v = NULL;

	if (env != NULL && env->conf_get != NULL)
		v = env->conf_get(env, key);
	return v != NULL ? v : shk_conf_get(NULL, key);
}

int
shk_conf_parse(struct shk_conf *conf, const char *buf, size_t len, const char *filename,
	       const struct shk_log *log)
{
	const struct conf_key *k;
	const char *line, *eq, *nl;
	size_t pos = 0, end, kb, ke, vb, ve, idx;
	unsigned long lineno = 0;
	char why[160], ex[48], *v;
	int problems = 0;

	while (pos < len) {
		lineno++;
		line = buf + pos;
		nl = memchr(line, '\n', len - pos);
		end = nl != NULL ? (size_t)(nl - line) : len - pos;
		pos += end + 1;

		kb = 0;
		while (kb < end && conf_space(line[kb]))
			kb++;
		if (kb == end || line[kb] == '#')
			continue;
		if (memchr(line, '\0', end) != NULL) {
			shk_log_emit(log, SHK_LOG_WARN, SHK_ERR_PARSE, filename, lineno,
				     "NUL byte in line; line ignored");
			problems++;
			continue;
		}
		if ((eq = memchr(line + kb, '=', end - kb)) == NULL) {
			shk_escape(line + kb, end - kb, ex, sizeof(ex));
			shk_log_emit(log, SHK_LOG_WARN, SHK_ERR_PARSE, filename, lineno,
				     "expected \"key = value\", got \"%s\"", ex);
			problems++;
			continue;
		}
		ke = (size_t)(eq - line);
		vb = ke + 1;
		while (ke > kb && conf_space(line[ke - 1]))
			ke--;
		while (vb < end && conf_space(line[vb]))
			vb++;
		ve = end;
		while (ve > vb && conf_space(line[ve - 1]))
			ve--;
		if (ke == kb) {
			shk_log_emit(log, SHK_LOG_WARN, SHK_ERR_PARSE, filename, lineno,
				     "missing key before '='");
			problems++;
			continue;
		}
		if ((k = conf_lookup(line + kb, ke - kb, &idx)) == NULL) {
			shk_escape(line + kb, ke - kb, ex, sizeof(ex));
			shk_log_emit(log, SHK_LOG_WARN, SHK_ERR_PARSE, filename, lineno,
				     "unknown key \"%s\"; ignored", ex);
			problems++;
			continue;
		}
		if (ve == vb) {
			shk_log_emit(log, SHK_LOG_WARN, SHK_ERR_PARSE, filename, lineno,
				     "%s: empty value; ignored", k->name);
			problems++;
			continue;
		}
		if (!conf_check_value(k, line + vb, ve - vb, why, sizeof(why))) {
			shk_log_emit(log, SHK_LOG_WARN, SHK_ERR_PARSE, filename, lineno,
				     "%s: %s; ignored", k->name, why);
			problems++;
			continue;
		}
		if ((v = malloc(ve - vb + 1)) == NULL)
			return SHK_ERR_NOMEM;
		memcpy(v, line + vb, ve - vb);
		v[ve - vb] = '\0';
		free(conf->value[idx]);
		conf->value[idx] = v;
	}
	return problems;
}
