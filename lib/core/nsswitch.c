/* SPDX-License-Identifier: MIT */
/*
 * The "ssh_hostkeys:" line of nsswitch.conf.
 *
 * The grammar follows glibc 2.33+ (nss/nss_database.c process_line and
 * nss/nss_action_parse.c), with these deliberate choices:
 *  - '#' starts a comment anywhere on a line (glibc <= 2.32, Solaris);
 *  - the database name is matched case-sensitively, exactly as glibc
 *    does (it compares names with strcmp), so "SSH_HOSTKEYS:" is some
 *    other database and is ignored;
 *  - the ':' is required (glibc would also take "name sources"): a line
 *    naming our database without it is reported, not silently skipped;
 *  - an empty service list is kept as an empty list, as glibc keeps it
 *    (it does not fall back to the default): no source is asked;
 *  - the same source named twice is kept twice, as glibc does; the
 *    dispatcher simply asks it again with that item's actions;
 *  - glibc silently drops the rest of a line at an action item that
 *    follows no source; we refuse the line instead;
 *  - "merge" is refused: glibc supports it only for group.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <sshhostkeys/module.h>

#include "nsswitch.h"

static const struct {
	const char *name;
	int status;
} nss_statuses[] = {
	/* In the order shk_nss_format() prints them. */
	{"SUCCESS", SHK_NSS_SUCCESS},
	{"NOTFOUND", SHK_NSS_NOTFOUND},
	{"UNAVAIL", SHK_NSS_UNAVAIL},
	{"TRYAGAIN", SHK_NSS_TRYAGAIN},
};

/* The C locale's isspace(), independent of the process locale. */
static int
nss_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

static int
nss_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '-';
}

static unsigned char
nss_default_action(int status)
{
	return status == SHK_NSS_SUCCESS ? SHK_NSS_ACT_RETURN : SHK_NSS_ACT_CONTINUE;
}

static void
nss_source_init(struct shk_nss_source *src)
{
	size_t i;

	memset(src, 0, sizeof(*src));
	for (i = 0; i < SHK_ARRAY_SIZE(nss_statuses); i++)
		src->action[SHK_NSS_STATUS_INDEX(nss_statuses[i].status)] =
			nss_default_action(nss_statuses[i].status);
}

void
shk_nss_default(struct shk_nss_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	nss_source_init(&cfg->src[0]);
	memcpy(cfg->src[0].name, "files", sizeof("files"));
	nss_source_init(&cfg->src[1]);
	memcpy(cfg->src[1].name, "ssh2", sizeof("ssh2"));
	cfg->nsources = 2;
}

/* Where nss_parse is in one services text. */
struct nss_cursor {
	const char *text;
	size_t len, i;
	unsigned long col0, line; /* column of text[0] (1-based), line number */
};

#define NSS_COL(c, pos) ((unsigned long)(pos) + (c)->col0)

static void
nss_skip_space(struct nss_cursor *c)
{
	while (c->i < c->len && nss_space(c->text[c->i]))
		c->i++;
}

/* The text ends (or a comment starts) before the ']'. */
static int
nss_at_end(const struct nss_cursor *c)
{
	return c->i >= c->len || c->text[c->i] == '#';
}

static int
nss_missing_bracket(const struct nss_cursor *c, struct shk_error *err)
{
	return shk_error_set(err, SHK_ERR_PARSE, c->line, "column %lu: missing ']'",
			     NSS_COL(c, c->i));
}

/* A source name at the cursor, appended to cfg. */
static int
nss_source_name(struct nss_cursor *c, struct shk_nss_config *cfg, struct shk_error *err)
{
	const char *text = c->text;
	struct shk_nss_source *src;
	size_t start = c->i, k;
	char word[40];

	while (c->i < c->len && !nss_space(text[c->i]) && text[c->i] != '[' && text[c->i] != '#')
		c->i++;
	for (k = start; k < c->i; k++)
		if (!nss_name_char(text[k])) {
			shk_escape(text + start, c->i - start, word, sizeof(word));
			return shk_error_set(err, SHK_ERR_PARSE, c->line,
					     "column %lu: bad character in source name \"%s\"",
					     NSS_COL(c, k), word);
		}
	if (c->i - start >= SHK_NSS_NAME_MAX) {
		shk_escape(text + start, c->i - start, word, sizeof(word));
		return shk_error_set(err, SHK_ERR_PARSE, c->line,
				     "column %lu: source name \"%s\" longer than %d characters",
				     NSS_COL(c, start), word, SHK_NSS_NAME_MAX - 1);
	}
	if (cfg->nsources >= SHK_NSS_MAX_SOURCES)
		return shk_error_set(err, SHK_ERR_PARSE, c->line, "column %lu: more than %d sources",
				     NSS_COL(c, start), SHK_NSS_MAX_SOURCES);
	src = &cfg->src[cfg->nsources++];
	nss_source_init(src);
	memcpy(src->name, text + start, c->i - start);
	return SHK_OK;
}

/* A word of an action item: up to white space, '=', ']' or '#'. */
static size_t
nss_item_word(struct nss_cursor *c)
{
	size_t start = c->i;

	while (c->i < c->len && !nss_space(c->text[c->i]) && c->text[c->i] != '=' &&
	       c->text[c->i] != ']' && c->text[c->i] != '#')
		c->i++;
	return start;
}

/* One "!"? STATUS "=" ACTION of an action item, and the white space after
 * it, set in src. White space goes anywhere except between '!' and STATUS
 * (as in glibc). */
static int
nss_action_item(struct nss_cursor *c, struct shk_nss_source *src, struct shk_error *err)
{
	const char *text = c->text;
	size_t start, k;
	char word[40];
	int negate, status, action;
	unsigned char save;

	negate = c->i < c->len && text[c->i] == '!';
	if (negate)
		c->i++;
	start = nss_item_word(c);
	if (nss_at_end(c))
		return nss_missing_bracket(c, err);
	if (start == c->i)
		return shk_error_set(err, SHK_ERR_PARSE, c->line,
				     "column %lu: expected STATUS=ACTION", NSS_COL(c, c->i));
	for (k = 0; k < SHK_ARRAY_SIZE(nss_statuses); k++)
		if (shk_strncaseeq(text + start, c->i - start, nss_statuses[k].name))
			break;
	if (k == SHK_ARRAY_SIZE(nss_statuses)) {
		shk_escape(text + start, c->i - start, word, sizeof(word));
		return shk_error_set(err, SHK_ERR_PARSE, c->line,
				     "column %lu: unknown status \"%s\" (SUCCESS, NOTFOUND, "
				     "UNAVAIL or TRYAGAIN)",
				     NSS_COL(c, start), word);
	}
	status = nss_statuses[k].status;
	nss_skip_space(c);
	if (nss_at_end(c))
		return nss_missing_bracket(c, err);
	if (text[c->i] != '=')
		return shk_error_set(err, SHK_ERR_PARSE, c->line,
				     "column %lu: expected '=' after %s", NSS_COL(c, c->i),
				     nss_statuses[k].name);
	c->i++;
	nss_skip_space(c);
	start = nss_item_word(c);
	if (shk_strncaseeq(text + start, c->i - start, "return"))
		action = SHK_NSS_ACT_RETURN;
	else if (shk_strncaseeq(text + start, c->i - start, "continue"))
		action = SHK_NSS_ACT_CONTINUE;
	else if (shk_strncaseeq(text + start, c->i - start, "merge"))
		return shk_error_set(err, SHK_ERR_PARSE, c->line,
				     "column %lu: action \"merge\" is not supported for %s "
				     "(only return or continue)",
				     NSS_COL(c, start), SHK_NSS_DB);
	else if (start == c->i && nss_at_end(c))
		return nss_missing_bracket(c, err);
	else {
		shk_escape(text + start, c->i - start, word, sizeof(word));
		return shk_error_set(err, SHK_ERR_PARSE, c->line,
				     "column %lu: unknown action \"%s\" (return or continue)",
				     NSS_COL(c, start), word);
	}
	if (negate) {
		/* Every status but this one, as glibc: the named status keeps
		 * what it had. */
		save = src->action[SHK_NSS_STATUS_INDEX(status)];
		for (k = 0; k < SHK_ARRAY_SIZE(src->action); k++)
			src->action[k] = (unsigned char)action;
		src->action[SHK_NSS_STATUS_INDEX(status)] = save;
	} else
		src->action[SHK_NSS_STATUS_INDEX(status)] = (unsigned char)action;
	nss_skip_space(c);
	return SHK_OK;
}

/*
 * Parse text[0..len) as a service list. col0 is the column (1-based) of
 * text[0] within its line, line its line number (0: none), for messages.
 * On error cfg is left half-filled; the callers reset it.
 */
static int
nss_parse(const char *text, size_t len, unsigned long col0, unsigned long line,
	  struct shk_nss_config *cfg, struct shk_error *err)
{
	struct nss_cursor c = {text, len, 0, col0, line};
	int r;

	memset(cfg, 0, sizeof(*cfg));
	for (;;) {
		nss_skip_space(&c);
		if (nss_at_end(&c))
			return SHK_OK;
		if (text[c.i] == '[')
			return shk_error_set(err, SHK_ERR_PARSE, line,
					     "column %lu: action item without a source",
					     NSS_COL(&c, c.i));
		if ((r = nss_source_name(&c, cfg, err)) != SHK_OK)
			return r;
		nss_skip_space(&c);
		if (c.i >= len || text[c.i] != '[')
			continue;
		/* "[" (item)+ "]" */
		c.i++;
		nss_skip_space(&c);
		do {
			r = nss_action_item(&c, &cfg->src[cfg->nsources - 1], err);
			if (r != SHK_OK)
				return r;
			if (nss_at_end(&c))
				return nss_missing_bracket(&c, err);
		} while (text[c.i] != ']');
		c.i++;
	}
}

int
shk_nss_parse_services(const char *text, size_t len, struct shk_nss_config *cfg,
		       struct shk_error *err)
{
	int r;

	if ((r = nss_parse(text, len, 1, 0, cfg, err)) != SHK_OK)
		shk_nss_default(cfg);
	return r;
}

int
shk_nss_parse_file(const char *buf, size_t len, struct shk_nss_config *cfg,
		   struct shk_error *err)
{
	static const char db[] = SHK_NSS_DB;
	size_t pos = 0, end, i, name;
	unsigned long lineno = 0;
	const char *nl;
	int r;

	while (pos < len) {
		lineno++;
		/* buf need not be NUL-terminated and may hold NUL bytes. */
		if ((nl = memchr(buf + pos, '\n', len - pos)) != NULL)
			end = (size_t)(nl - buf);
		else
			end = len;

		i = pos;
		while (i < end && nss_space(buf[i]))
			i++;
		name = i;
		while (i < end && !nss_space(buf[i]) && buf[i] != ':' && buf[i] != '#')
			i++;
		if (i - name != sizeof(db) - 1 || memcmp(buf + name, db, i - name) != 0) {
			/* Another database, a comment or a blank line. */
			pos = end + 1;
			continue;
		}
		while (i < end && nss_space(buf[i]))
			i++;
		if (i >= end || buf[i] != ':') {
			r = shk_error_set(err, SHK_ERR_PARSE, lineno,
					  "column %lu: expected ':' after %s",
					  (unsigned long)(i - pos + 1), SHK_NSS_DB);
			goto fail;
		}
		/* glibc skips any run of colons and white space. */
		while (i < end && (buf[i] == ':' || nss_space(buf[i])))
			i++;
		if ((r = nss_parse(buf + i, end - i, (unsigned long)(i - pos + 1), lineno, cfg,
				   err)) != SHK_OK)
			goto fail;
		/* The caller shows where the order came from. */
		if (err != NULL)
			err->line = lineno;
		return SHK_OK;
	}
	shk_nss_default(cfg);
	return shk_error_set(err, SHK_ERR_NOTFOUND, 0, "no %s line", SHK_NSS_DB);

fail:
	shk_nss_default(cfg);
	return r;
}

int
shk_nss_format(const struct shk_nss_config *cfg, char *out, size_t outcap)
{
	const struct shk_nss_source *src;
	size_t i, k, o = 0, n;
	int status, nitems;
	unsigned char act;
	const char *p;

	if (outcap == 0)
		return SHK_ERR_RANGE;
	out[0] = '\0';
	if (cfg->nsources > SHK_NSS_MAX_SOURCES)
		return SHK_ERR_INVAL;
#define PUT(s)                                                                         \
	do {                                                                           \
		p = (s);                                                               \
		n = strlen(p);                                                         \
		if (o + n >= outcap)                                                   \
			goto range;                                                    \
		memcpy(out + o, p, n + 1);                                             \
		o += n;                                                                \
	} while (0)
	for (i = 0; i < cfg->nsources; i++) {
		src = &cfg->src[i];
		if (i > 0)
			PUT(" ");
		if (memchr(src->name, '\0', sizeof(src->name)) == NULL)
			return SHK_ERR_INVAL;
		PUT(src->name);
		nitems = 0;
		for (k = 0; k < SHK_ARRAY_SIZE(nss_statuses); k++) {
			status = nss_statuses[k].status;
			act = src->action[SHK_NSS_STATUS_INDEX(status)];
			if (act == nss_default_action(status))
				continue;
			PUT(nitems++ == 0 ? " [" : " ");
			PUT(nss_statuses[k].name);
			PUT(act == SHK_NSS_ACT_RETURN ? "=return" : "=continue");
		}
		if (nitems > 0)
			PUT("]");
	}
#undef PUT
	return SHK_OK;

range:
	out[0] = '\0';
	return SHK_ERR_RANGE;
}
