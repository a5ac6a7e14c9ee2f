/* SPDX-License-Identifier: MIT */
/*
 * The policy engine through the public API, on a temporary root with the
 * real files and ssh2 modules from SSHHOSTKEYS_MODULE_DIR: every policy
 * against every verdict, what is stored where, the custom callback (with
 * the "local subnet" example of the paramiko docs), refusals that leave
 * every store byte for byte as it was, revoked keys refused always, the
 * configured default, the params size contract, and the prompt's reading
 * of answers over a pipe.
 */
#include "config.h"

#include <arpa/inet.h>
#include <check.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sshhostkeys.h>

#include "prompt.h"
#include "testutil.h"

#define KEY_A "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDuwhhB6NX/DoXQZKB2jvvqIAjfctgMk/DsQJ2HcmSSc"
#define KEY_B "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEZ5Js+CfdAYLtscW38wIIWHU+6vNkBOx6yzAvd49LZj"
#define KEY_E                                                                          \
	"ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBAJYuIadZlT" \
	"hS5DePgcTb8E/QtYXmsB9A1g2Xc8K2INVQIzK2y2oZCXZce3JfBKAm/wlD+6nrLnWoc7lstSnTTE="

#define HOST "h.example"

static char root[256], home[300];

static void
setup(void)
{
	char path[512];

	/* A controlling terminal of whoever runs the suite must not be
	 * asked: each test runs in its own session. */
	(void)setsid();
	tu_tmpdir(root, sizeof(root), "policy", 0755);
	snprintf(path, sizeof(path), "%s/etc", root);
	ck_assert_int_eq(mkdir(path, 0755), 0);
	/* SYSCONFDIR may be deep (make distcheck installs under its own
	 * prefix): create every level. */
	snprintf(path, sizeof(path), "%s%s", root, SYSCONFDIR);
	for (char *p = path + strlen(root) + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		(void)mkdir(path, 0755);
		*p = '/';
	}
	(void)mkdir(path, 0755);
	snprintf(home, sizeof(home), "%s/home", root);
	ck_assert_int_eq(mkdir(home, 0755), 0);
	snprintf(path, sizeof(path), "%s/.ssh", home);
	ck_assert_int_eq(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/etc/nsswitch.conf", root);
	tu_write(NULL, path, "ssh_hostkeys: files ssh2\n");
	setenv("HOME", home, 1);
	tu_log_clear();
}

static void
teardown(void)
{
	tu_rmtree(root);
}

static void
set_policy(const char *policy)
{
	char path[512], text[128];

	snprintf(path, sizeof(path), "%s%s/sshhostkeys.conf", root, SYSCONFDIR);
	snprintf(text, sizeof(text), "policy = %s\nhost_key_format = plain\n", policy);
	tu_write(NULL, path, text);
}

/* The user's ssh-owned known_hosts file holds these lines. */
static void
known_hosts(const char *text)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/.ssh/known_hosts", home);
	tu_write(NULL, path, text);
}

static struct shk_ctx *
open_ctx(void)
{
	struct shk_ctx *ctx = NULL;

	ck_assert_int_eq(shk_ctx_open(&ctx, root, 0, tu_lib_log, NULL), SHK_OK);
	return ctx;
}

static struct shk_key *
key(const char *text)
{
	struct shk_key *k = NULL;

	ck_assert_int_eq(shk_key_parse(text, strlen(text), &k), SHK_OK);
	return k;
}

/* A snapshot of every file under the root: names, modes and contents. */
static char *snap;
static size_t snaplen;

static int
snap_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	FILE *f;
	char buf[4096], *p;
	size_t n, hdr;

	(void)ftw;
	hdr = strlen(path) + 64;
	ck_assert_ptr_nonnull(p = realloc(snap, snaplen + hdr));
	snap = p;
	snaplen += (size_t)snprintf(snap + snaplen, hdr, "%s %d %o\n", path, flag,
				    (unsigned int)st->st_mode);
	if (flag != FTW_F)
		return 0;
	ck_assert_ptr_nonnull(f = fopen(path, "r"));
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
		ck_assert_ptr_nonnull(p = realloc(snap, snaplen + n));
		snap = p;
		memcpy(snap + snaplen, buf, n);
		snaplen += n;
	}
	fclose(f);
	return 0;
}

/* malloc'd snapshot of the tree; *len its length. */
static char *
snapshot(size_t *len)
{
	snap = NULL;
	snaplen = 0;
	ck_assert_int_eq(nftw(root, snap_one, 16, FTW_PHYS), 0);
	*len = snaplen;
	return snap;
}

/* ---- Every policy against every verdict ---------------------------------- */

enum outcome {
	REF = 0, /* refused, nothing changed */
	ACC = 1, /* accepted, nothing changed */
	STO = 2, /* accepted and stored */
};

enum setup_kind { S_MATCH, S_UNKNOWN, S_CHANGED, S_OTHER, S_REVOKED, S_REVOKED_ONLY };

static const struct {
	const char *known; /* known_hosts text */
	enum shk_verdict verdict;
} setups[] = {
	[S_MATCH] = {HOST " " KEY_A "\n", SHK_VERDICT_MATCH},
	[S_UNKNOWN] = {"other.example " KEY_A "\n", SHK_VERDICT_UNKNOWN},
	[S_CHANGED] = {HOST " " KEY_B "\n", SHK_VERDICT_CHANGED},
	[S_OTHER] = {HOST " " KEY_E "\n", SHK_VERDICT_OTHER},
	[S_REVOKED] = {HOST " " KEY_A "\n@revoked * " KEY_A "\n", SHK_VERDICT_REVOKED},
	[S_REVOKED_ONLY] = {"@revoked " HOST " " KEY_A "\n", SHK_VERDICT_REVOKED},
};

#define NSETUPS SHK_ARRAY_SIZE(setups)

static int custom_calls;

static enum shk_decision
always_store(void *arg, const char *host, unsigned int port, const struct shk_key *k,
	     const struct shk_verification *v)
{
	(void)arg;
	(void)host;
	(void)port;
	(void)k;
	/* Never asked about a match or a revoked key. */
	ck_assert(v->verdict != SHK_VERDICT_MATCH && v->verdict != SHK_VERDICT_REVOKED);
	custom_calls++;
	return SHK_DECISION_ACCEPT_AND_STORE;
}

static enum shk_decision
always_refuse(void *arg, const char *host, unsigned int port, const struct shk_key *k,
	      const struct shk_verification *v)
{
	(void)arg;
	(void)host;
	(void)port;
	(void)k;
	(void)v;
	custom_calls++;
	return SHK_DECISION_REFUSE;
}

static enum shk_decision
bogus_answer(void *arg, const char *host, unsigned int port, const struct shk_key *k,
	     const struct shk_verification *v)
{
	(void)arg;
	(void)host;
	(void)port;
	(void)k;
	(void)v;
	custom_calls++;
	return (enum shk_decision)42;
}

static const struct {
	const char *name;
	enum shk_policy policy;
	unsigned int flags;
	shk_policy_fn *fn;
	/* MATCH, UNKNOWN, CHANGED, OTHER, REVOKED, REVOKED_ONLY */
	enum outcome want[6];
} matrix[] = {
	{"strict", SHK_POLICY_STRICT, 0, NULL, {ACC, REF, REF, REF, REF, REF}},
	{"accept-new", SHK_POLICY_ACCEPT_NEW, 0, NULL, {ACC, STO, REF, REF, REF, REF}},
	{"auto-add", SHK_POLICY_AUTO_ADD, 0, NULL, {ACC, STO, REF, REF, REF, REF}},
	{"auto-add --replace", SHK_POLICY_AUTO_ADD, SHK_POLICY_FLAG_REPLACE, NULL,
	 {ACC, STO, STO, STO, REF, REF}},
	{"accept-new ignores --replace", SHK_POLICY_ACCEPT_NEW, SHK_POLICY_FLAG_REPLACE, NULL,
	 {ACC, STO, REF, REF, REF, REF}},
	{"warn", SHK_POLICY_WARN, 0, NULL, {ACC, ACC, REF, REF, REF, REF}},
	{"ask without a terminal", SHK_POLICY_ASK, 0, NULL, {ACC, REF, REF, REF, REF, REF}},
	{"custom: store", SHK_POLICY_CUSTOM, 0, always_store, {ACC, STO, STO, STO, REF, REF}},
	{"custom: refuse", SHK_POLICY_CUSTOM, 0, always_refuse, {ACC, REF, REF, REF, REF, REF}},
	{"custom: bogus answer", SHK_POLICY_CUSTOM, 0, bogus_answer,
	 {ACC, REF, REF, REF, REF, REF}},
};

START_TEST(test_matrix)
{
	size_t p = (size_t)_i / NSETUPS, s = (size_t)_i % NSETUPS;
	struct shk_policy_params pp;
	struct shk_verification *v = NULL, *after = NULL;
	enum shk_decision d = (enum shk_decision)99;
	struct shk_ctx *ctx;
	struct shk_key *k;
	char *before, *now;
	size_t blen, nlen;
	enum outcome want = matrix[p].want[s];

	known_hosts(setups[s].known);
	set_policy("strict");
	ctx = open_ctx();
	k = key(KEY_A);
	memset(&pp, 0, sizeof(pp));
	pp.size = sizeof(pp);
	pp.policy = matrix[p].policy;
	pp.flags = matrix[p].flags;
	pp.fn = matrix[p].fn;
	before = snapshot(&blen);
	custom_calls = 0;

	ck_assert_int_eq(shk_check_host_key(ctx, HOST, 0, k, &pp, &d, &v), SHK_OK);
	ck_assert_ptr_nonnull(v);
	ck_assert_msg(v->verdict == setups[s].verdict, "%s/%zu: verdict %s", matrix[p].name, s,
		      shk_verdict_name(v->verdict));
	ck_assert_msg((int)d == (want == REF ? SHK_DECISION_REFUSE
				  : want == ACC ? SHK_DECISION_ACCEPT
						: SHK_DECISION_ACCEPT_AND_STORE),
		      "%s/%zu: decision %d", matrix[p].name, s, (int)d);
	/* The callback is asked exactly when the verdict is neither a
	 * match nor a revocation. */
	ck_assert_int_eq(custom_calls, matrix[p].fn != NULL && s != S_MATCH &&
						       s != S_REVOKED && s != S_REVOKED_ONLY);
	now = snapshot(&nlen);
	if (want != STO) {
		/* Nothing was written anywhere, byte for byte. */
		ck_assert_msg(blen == nlen && memcmp(before, now, blen) == 0,
			      "%s/%zu: a store changed", matrix[p].name, s);
	} else {
		/* The presented key is now known, in the user's ssh2 store. */
		char path[512];

		ck_assert_int_eq(shk_verify(ctx, HOST, 0, k, &after), SHK_OK);
		ck_assert_int_eq(after->verdict, SHK_VERDICT_MATCH);
		ck_assert_ptr_nonnull(after->evidence);
		ck_assert_str_eq(after->evidence->source, "ssh2");
		snprintf(path, sizeof(path), "%s/.ssh2/hostkeys/key_22_" HOST ".pub", home);
		ck_assert_int_eq(access(path, F_OK), 0);
		shk_verification_free(after);
		after = NULL;
	}
	if (s == S_CHANGED && want == STO && (matrix[p].flags & SHK_POLICY_FLAG_REPLACE)) {
		/* Replaced: the old key of that type is gone. */
		struct shk_key *old = key(KEY_B);

		ck_assert_int_eq(shk_verify(ctx, HOST, 0, old, &after), SHK_OK);
		ck_assert_int_ne(after->verdict, SHK_VERDICT_MATCH);
		shk_verification_free(after);
		after = NULL;
		shk_key_free(old);
	}
	if (s == S_OTHER && want == STO) {
		/* Keys of other types stay known, with or without replace. */
		struct shk_key *e = key(KEY_E);

		ck_assert_int_eq(shk_verify(ctx, HOST, 0, e, &after), SHK_OK);
		ck_assert_int_eq(after->verdict, SHK_VERDICT_MATCH);
		shk_verification_free(after);
		after = NULL;
		shk_key_free(e);
	}
	free(before);
	free(now);
	shk_verification_free(v);
	shk_key_free(k);
	shk_ctx_close(ctx);
}
END_TEST

/* ---- The paramiko example: accept hosts on the local subnet ---------------- */

/* arg: the subnet as "a.b.c.d/len". Hosts inside it are remembered;
 * others are refused. */
static enum shk_decision
local_subnet(void *arg, const char *host, unsigned int port, const struct shk_key *k,
	     const struct shk_verification *v)
{
	const char *spec = arg;
	char net[32], *slash;
	struct in_addr a, n;
	unsigned long len;
	uint32_t mask;

	(void)port;
	(void)k;
	if (v->verdict != SHK_VERDICT_UNKNOWN)
		return SHK_DECISION_REFUSE;
	snprintf(net, sizeof(net), "%s", spec);
	if ((slash = strchr(net, '/')) == NULL)
		return SHK_DECISION_REFUSE;
	*slash = '\0';
	len = strtoul(slash + 1, NULL, 10);
	if (len > 32 || inet_pton(AF_INET, net, &n) != 1 || inet_pton(AF_INET, host, &a) != 1)
		return SHK_DECISION_REFUSE;
	mask = len == 0 ? 0 : htonl(~(uint32_t)0 << (32 - len));
	return (a.s_addr & mask) == (n.s_addr & mask) ? SHK_DECISION_ACCEPT_AND_STORE
						      : SHK_DECISION_REFUSE;
}

START_TEST(test_custom_local_subnet)
{
	struct shk_policy_params pp;
	enum shk_decision d;
	struct shk_ctx *ctx;
	struct shk_key *k = key(KEY_A);
	char *before, *now;
	size_t blen, nlen;

	known_hosts("");
	ctx = open_ctx();
	memset(&pp, 0, sizeof(pp));
	pp.size = sizeof(pp);
	pp.policy = SHK_POLICY_CUSTOM;
	pp.fn = local_subnet;
	pp.fn_arg = (void *)"192.168.1.0/24";
	pp.format = SHK_FORMAT_PLAIN;

	before = snapshot(&blen);
	ck_assert_int_eq(shk_check_host_key(ctx, "10.0.0.1", 0, k, &pp, &d, NULL), SHK_OK);
	ck_assert_int_eq(d, SHK_DECISION_REFUSE);
	ck_assert_int_eq(shk_check_host_key(ctx, "gw.example", 0, k, &pp, &d, NULL), SHK_OK);
	ck_assert_int_eq(d, SHK_DECISION_REFUSE);
	now = snapshot(&nlen);
	ck_assert(blen == nlen && memcmp(before, now, blen) == 0);

	ck_assert_int_eq(shk_check_host_key(ctx, "192.168.1.7", 2222, k, &pp, &d, NULL), SHK_OK);
	ck_assert_int_eq(d, SHK_DECISION_ACCEPT_AND_STORE);
	/* Next time it is simply known: accepted without asking again. */
	pp.fn_arg = (void *)"0.0.0.0/32";
	ck_assert_int_eq(shk_check_host_key(ctx, "[192.168.1.7]:2222", 0, k, &pp, &d, NULL),
			 SHK_OK);
	ck_assert_int_eq(d, SHK_DECISION_ACCEPT);
	free(before);
	free(now);
	shk_key_free(k);
	shk_ctx_close(ctx);
}
END_TEST

/* ---- Defaults and the params contract ------------------------------------- */

START_TEST(test_configured_default)
{
	struct shk_verification *v = NULL;
	enum shk_decision d;
	struct shk_ctx *ctx;
	struct shk_key *k = key(KEY_A);
	char path[512];

	known_hosts("");
	set_policy("accept-new");
	ctx = open_ctx();
	/* params NULL: the configured policy, the user store, the
	 * configured (plain) format. */
	ck_assert_int_eq(shk_check_host_key(ctx, HOST, 0, k, NULL, &d, &v), SHK_OK);
	ck_assert_int_eq(d, SHK_DECISION_ACCEPT_AND_STORE);
	ck_assert_int_eq(v->verdict, SHK_VERDICT_UNKNOWN);
	snprintf(path, sizeof(path), "%s/.ssh2/hostkeys/key_22_" HOST ".pub", home);
	ck_assert_int_eq(access(path, F_OK), 0);
	shk_verification_free(v);
	shk_key_free(k);
	shk_ctx_close(ctx);
}
END_TEST

START_TEST(test_default_is_ask_then_strict)
{
	enum shk_decision d;
	struct shk_ctx *ctx;
	struct shk_key *k = key(KEY_A);

	/* No sshhostkeys.conf: the default policy is ask; with no terminal
	 * (setup left the session) that refuses. */
	known_hosts("");
	ctx = open_ctx();
	ck_assert_int_eq(shk_check_host_key(ctx, HOST, 0, k, NULL, &d, NULL), SHK_OK);
	ck_assert_int_eq(d, SHK_DECISION_REFUSE);
	ck_assert_ptr_nonnull(strstr(tu_log(), "no terminal"));
	shk_key_free(k);
	shk_ctx_close(ctx);
}
END_TEST

START_TEST(test_system_scope)
{
	struct shk_policy_params pp;
	enum shk_decision d;
	struct shk_ctx *ctx;
	struct shk_key *k = key(KEY_A);
	char path[512];

	known_hosts("");
	ctx = open_ctx();
	memset(&pp, 0, sizeof(pp));
	pp.size = sizeof(pp);
	pp.policy = SHK_POLICY_ACCEPT_NEW;
	pp.scope = SHK_STORE_SYSTEM;
	pp.format = SHK_FORMAT_PLAIN;
	ck_assert_int_eq(shk_check_host_key(ctx, HOST, 2200, k, &pp, &d, NULL), SHK_OK);
	ck_assert_int_eq(d, SHK_DECISION_ACCEPT_AND_STORE);
	snprintf(path, sizeof(path), "%s/etc/ssh2/hostkeys/key_2200_" HOST ".pub", root);
	ck_assert_int_eq(access(path, F_OK), 0);
	snprintf(path, sizeof(path), "%s/.ssh2", home);
	ck_assert_int_ne(access(path, F_OK), 0);
	shk_key_free(k);
	shk_ctx_close(ctx);
}
END_TEST

START_TEST(test_warn_logs_fingerprints)
{
	struct shk_policy_params pp;
	enum shk_decision d;
	struct shk_ctx *ctx;
	struct shk_key *k = key(KEY_A);
	char *sha = NULL, *bb = NULL;

	known_hosts("");
	ctx = open_ctx();
	memset(&pp, 0, sizeof(pp));
	pp.size = sizeof(pp);
	pp.policy = SHK_POLICY_WARN;
	ck_assert_int_eq(shk_check_host_key(ctx, HOST, 0, k, &pp, &d, NULL), SHK_OK);
	ck_assert_int_eq(d, SHK_DECISION_ACCEPT);
	ck_assert_int_eq(shk_key_fingerprint(k, SHK_FP_SHA256, &sha), SHK_OK);
	ck_assert_int_eq(shk_key_fingerprint(k, SHK_FP_BUBBLEBABBLE, &bb), SHK_OK);
	ck_assert_ptr_nonnull(strstr(tu_log(), sha));
	ck_assert_ptr_nonnull(strstr(tu_log(), bb));
	ck_assert_ptr_nonnull(strstr(tu_log(), HOST));
	free(sha);
	free(bb);
	shk_key_free(k);
	shk_ctx_close(ctx);
}
END_TEST

START_TEST(test_params_size)
{
	struct {
		struct shk_policy_params p;
		unsigned char future[16];
	} big;
	enum shk_decision d;
	struct shk_ctx *ctx;
	struct shk_key *k = key(KEY_A);

	known_hosts(HOST " " KEY_A "\n");
	ctx = open_ctx();
	memset(&big, 0, sizeof(big));
	big.p.policy = SHK_POLICY_STRICT;

	big.p.size = 0;
	ck_assert_int_eq(shk_check_host_key(ctx, HOST, 0, k, &big.p, &d, NULL), SHK_ERR_INVAL);
	ck_assert_int_eq(d, SHK_DECISION_REFUSE);
	/* An older caller passing only size and policy. */
	big.p.size = offsetof(struct shk_policy_params, policy) + sizeof(big.p.policy);
	ck_assert_int_eq(shk_check_host_key(ctx, HOST, 0, k, &big.p, &d, NULL), SHK_OK);
	ck_assert_int_eq(d, SHK_DECISION_ACCEPT);
	/* A newer caller: unknown trailing fields left zero are fine... */
	big.p.size = sizeof(big);
	ck_assert_int_eq(shk_check_host_key(ctx, HOST, 0, k, &big.p, &d, NULL), SHK_OK);
	/* ...but one we would have to ignore is refused. */
	big.future[3] = 1;
	ck_assert_int_eq(shk_check_host_key(ctx, HOST, 0, k, &big.p, &d, NULL),
			 SHK_ERR_UNSUPPORTED);
	ck_assert_int_eq(d, SHK_DECISION_REFUSE);
	/* Bad values. */
	big.future[3] = 0;
	big.p.size = sizeof(big.p);
	big.p.policy = SHK_POLICY_CUSTOM; /* without a callback */
	ck_assert_int_eq(shk_check_host_key(ctx, HOST, 0, k, &big.p, &d, NULL), SHK_ERR_INVAL);
	big.p.policy = (enum shk_policy)77;
	ck_assert_int_eq(shk_check_host_key(ctx, HOST, 0, k, &big.p, &d, NULL), SHK_ERR_INVAL);
	big.p.policy = SHK_POLICY_STRICT;
	big.p.flags = 0x80;
	ck_assert_int_eq(shk_check_host_key(ctx, HOST, 0, k, &big.p, &d, NULL), SHK_ERR_INVAL);
	ck_assert_int_eq(shk_check_host_key(ctx, HOST, 0, NULL, NULL, &d, NULL), SHK_ERR_INVAL);
	ck_assert_int_eq(shk_check_host_key(ctx, "a/b", 0, k, NULL, &d, NULL), SHK_ERR_INVAL);
	shk_key_free(k);
	shk_ctx_close(ctx);
}
END_TEST

START_TEST(test_certificate_not_stored)
{
	struct shk_key **keys = NULL;
	struct shk_policy_params pp;
	enum shk_decision d;
	struct shk_ctx *ctx;
	size_t n = 0, i;
	char *before, *now;
	size_t blen, nlen;

	ck_assert_int_eq(shk_key_load_file(TESTDATADIR "/keys/ed25519-cert.pub", NULL, NULL,
					   &keys, &n),
			 SHK_OK);
	known_hosts("");
	ctx = open_ctx();
	memset(&pp, 0, sizeof(pp));
	pp.size = sizeof(pp);
	pp.policy = SHK_POLICY_ACCEPT_NEW;
	before = snapshot(&blen);
	ck_assert_int_eq(shk_check_host_key(ctx, HOST, 0, keys[0], &pp, &d, NULL), SHK_OK);
	ck_assert_int_eq(d, SHK_DECISION_ACCEPT);
	now = snapshot(&nlen);
	ck_assert(blen == nlen && memcmp(before, now, blen) == 0);
	free(before);
	free(now);
	for (i = 0; i < n; i++)
		shk_key_free(keys[i]);
	free(keys);
	shk_ctx_close(ctx);
}
END_TEST

/* ---- The prompt's answers, over a pipe ------------------------------------ */

static const struct {
	const char *input;
	enum shk_prompt_answer want;
	int reasks; /* how many "Please type" lines */
} answers[] = {
	{"yes\n", SHK_PROMPT_YES, 0},
	{"no\n", SHK_PROMPT_NO, 0},
	{"YES\n", SHK_PROMPT_YES, 0},
	{"  yes \t\n", SHK_PROMPT_YES, 0},
	{"\n\nno\n", SHK_PROMPT_NO, 2},
	{"maybe\nyess\nyes\n", SHK_PROMPT_YES, 2},
	{"y\nn\nno\n", SHK_PROMPT_NO, 2},
	{"", SHK_PROMPT_NO, 0},			  /* end of file */
	{"maybe\n", SHK_PROMPT_NO, 1},		  /* then end of file */
	{"yes", SHK_PROMPT_YES, 0},		  /* no newline before EOF */
	{"yes\r\n", SHK_PROMPT_YES, 0},
	{"SHA256:whatever\nno\n", SHK_PROMPT_NO, 1},
};

START_TEST(test_prompt_answers)
{
	int in[2], out[2];
	enum shk_prompt_answer a = (enum shk_prompt_answer)7;
	char buf[4096], *p;
	ssize_t n;
	size_t len = 0;
	int reasks = 0;

	ck_assert_int_eq(pipe(in), 0);
	ck_assert_int_eq(pipe(out), 0);
	ck_assert_int_eq(write(in[1], answers[_i].input, strlen(answers[_i].input)),
			 (ssize_t)strlen(answers[_i].input));
	close(in[1]);
	ck_assert_int_eq(shk_prompt_run(in[0], out[1], "Question? ", &a), SHK_OK);
	close(out[1]);
	ck_assert_int_eq(a, answers[_i].want);
	while ((n = read(out[0], buf + len, sizeof(buf) - 1 - len)) > 0)
		len += (size_t)n;
	buf[len] = '\0';
	ck_assert(strncmp(buf, "Question? ", 10) == 0);
	for (p = buf; (p = strstr(p, "Please type 'yes' or 'no': ")) != NULL; p++)
		reasks++;
	ck_assert_int_eq(reasks, answers[_i].reasks);
	close(in[0]);
	close(out[0]);
}
END_TEST

START_TEST(test_prompt_long_line)
{
	char input[2 * SHK_PROMPT_LINE_MAX + 16];
	enum shk_prompt_answer a;
	int in[2], out[2];

	/* A line longer than the buffer is one (wrong) answer, not several:
	 * its tail must not be read as "yes". */
	memset(input, 'x', sizeof(input));
	memcpy(input + SHK_PROMPT_LINE_MAX - 1, "yes", 3);
	memcpy(input + sizeof(input) - 4, "\nno\n", 4);
	ck_assert_int_eq(pipe(in), 0);
	ck_assert_int_eq(pipe(out), 0);
	ck_assert_int_eq(write(in[1], input, sizeof(input)), (ssize_t)sizeof(input));
	close(in[1]);
	ck_assert_int_eq(shk_prompt_run(in[0], out[1], "Q? ", &a), SHK_OK);
	ck_assert_int_eq(a, SHK_PROMPT_NO);
	close(in[0]);
	close(out[0]);
	close(out[1]);
}
END_TEST

START_TEST(test_prompt_text)
{
	struct shk_key *k = key(KEY_A);
	char *text = NULL, *sha = NULL, *bb = NULL;

	ck_assert_int_eq(shk_prompt_text("h.example", 2222, k, &text), SHK_OK);
	ck_assert_int_eq(shk_key_fingerprint(k, SHK_FP_SHA256, &sha), SHK_OK);
	ck_assert_int_eq(shk_key_fingerprint(k, SHK_FP_BUBBLEBABBLE, &bb), SHK_OK);
	ck_assert_ptr_nonnull(strstr(text, "'h.example' (port 2222)"));
	ck_assert_ptr_nonnull(strstr(text, "ED25519 key fingerprint is "));
	ck_assert_ptr_nonnull(strstr(text, sha));
	ck_assert_ptr_nonnull(strstr(text, bb));
	ck_assert_ptr_nonnull(strstr(text, "(yes/no)? "));
	free(text);
	ck_assert_int_eq(shk_prompt_text("h.example", 0, k, &text), SHK_OK);
	ck_assert_ptr_nonnull(strstr(text, "(port 22)"));
	free(text);
	free(sha);
	free(bb);
	shk_key_free(k);
}
END_TEST

START_TEST(test_prompt_no_tty)
{
	struct shk_key *k = key(KEY_A);
	enum shk_prompt_answer a = SHK_PROMPT_YES;

	/* setup() left the session: there is no controlling terminal. */
	ck_assert_int_eq(shk_prompt_ask("h.example", 22, k, &a), SHK_ERR_NOTFOUND);
	ck_assert_int_eq(a, SHK_PROMPT_NO);
	shk_key_free(k);
}
END_TEST

static Suite *
policy_suite(void)
{
	Suite *s = suite_create("policy");
	TCase *tc;

	tc = tcase_create("matrix");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_matrix, 0,
			    (int)(SHK_ARRAY_SIZE(matrix) * NSETUPS));
	suite_add_tcase(s, tc);

	tc = tcase_create("api");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_custom_local_subnet);
	tcase_add_test(tc, test_configured_default);
	tcase_add_test(tc, test_default_is_ask_then_strict);
	tcase_add_test(tc, test_system_scope);
	tcase_add_test(tc, test_warn_logs_fingerprints);
	tcase_add_test(tc, test_params_size);
	tcase_add_test(tc, test_certificate_not_stored);
	suite_add_tcase(s, tc);

	tc = tcase_create("prompt");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_prompt_answers, 0, (int)SHK_ARRAY_SIZE(answers));
	tcase_add_test(tc, test_prompt_long_line);
	tcase_add_test(tc, test_prompt_text);
	tcase_add_test(tc, test_prompt_no_tty);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return tu_run(policy_suite());
}
