/* SPDX-License-Identifier: MIT */
/*
 * The dispatcher through the public API, with scripted source modules
 * (tests/modules/scripted.c) loaded by dlopen from the build tree: action
 * items, revocations from every source, verdicts, buffer growth, ABI
 * refusal, missing modules, malformed and changed nsswitch.conf.
 */
#include "config.h"

#include <check.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sshhostkeys.h>

#include "base64.h"
#include "key.h"
#include "testutil.h"

#define KEY_A "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDuwhhB6NX/DoXQZKB2jvvqIAjfctgMk/DsQJ2HcmSSc"
#define KEY_B "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEZ5Js+CfdAYLtscW38wIIWHU+6vNkBOx6yzAvd49LZj"
#define KEY_C "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIH5lUCRV30/ex7q9F+D3yNZl3LC4RL0ylLctJQiw7ies"
#define KEY_E                                                                          \
	"ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBAJYuIadZlT" \
	"hS5DePgcTb8E/QtYXmsB9A1g2Xc8K2INVQIzK2y2oZCXZce3JfBKAm/wlD+6nrLnWoc7lstSnTTE="

static char root[256];

static void
setup(void)
{
	char path[512];

	tu_tmpdir(root, sizeof(root), "dispatch", 0700);
	snprintf(path, sizeof(path), "%s/etc", root);
	ck_assert_int_eq(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/scripted", root);
	ck_assert_int_eq(mkdir(path, 0755), 0);
	setenv("SSHHOSTKEYS_MODULE_DIR", TESTMODULEDIR, 1);
	tu_log_clear();
}

static void
teardown(void)
{
	tu_rmtree(root);
}

static struct shk_ctx *
open_ctx(const char *nss_line)
{
	struct shk_ctx *ctx = NULL;
	char text[512];

	snprintf(text, sizeof(text), "# test\nhosts: files\nssh_hostkeys: %s\n", nss_line);
	tu_write(root, "etc/nsswitch.conf", text);
	ck_assert_int_eq(shk_ctx_open(&ctx, root, 0, tu_lib_log, NULL), SHK_OK);
	return ctx;
}

static int
has_key(const struct shk_keylist *kl, const char *typeb64, enum shk_marker m)
{
	struct shk_key *k;
	size_t i;
	int found = 0;

	ck_assert_int_eq(shk_key_parse(typeb64, strlen(typeb64), &k), SHK_OK);
	for (i = 0; i < kl->count; i++)
		if (strcmp(kl->keys[i]->type, k->type) == 0 && kl->keys[i]->bloblen == k->bloblen &&
		    memcmp(kl->keys[i]->blob, k->blob, k->bloblen) == 0 && kl->keys[i]->marker == m)
			found = 1;
	shk_key_free(k);
	return found;
}

START_TEST(test_success_returns_by_default)
{
	struct shk_ctx *ctx = open_ctx("testa testb");
	struct shk_keylist *kl;

	tu_write(root, "scripted/testa", "status SUCCESS\nkey " KEY_A "\n");
	tu_write(root, "scripted/testb", "status SUCCESS\nkey " KEY_B "\n");
	ck_assert_int_eq(shk_lookup(ctx, "host.example", 0, NULL, &kl), SHK_OK);
	ck_assert_uint_eq(kl->count, 1);
	ck_assert(has_key(kl, KEY_A, SHK_MARKER_NONE));
	ck_assert_str_eq(kl->keys[0]->source, "testa");
	ck_assert_ptr_null(kl->keys[1]); /* the pointer array ends with NULL */
	shk_keylist_free(kl);
	shk_ctx_close(ctx);
}
END_TEST

/* Every list says the known_hosts name it was looked up under, found or
 * not, so a caller prints lines under the name without building it. */
START_TEST(test_keylist_kh_name)
{
	struct shk_ctx *ctx = open_ctx("testa");
	struct shk_verification *v;
	struct shk_keylist *kl;
	struct shk_key *key;
	int st;

	tu_write(root, "scripted/testa", "status SUCCESS\nkey " KEY_A "\n");
	ck_assert_int_eq(shk_lookup(ctx, "Host.Example", 0, NULL, &kl), SHK_OK);
	ck_assert_str_eq(kl->kh_name, "host.example");
	shk_keylist_free(kl);
	ck_assert_int_eq(shk_lookup(ctx, "[HOST.example]:2222", 0, NULL, &kl), SHK_OK);
	ck_assert_str_eq(kl->kh_name, "[host.example]:2222");
	shk_keylist_free(kl);
	ck_assert_int_eq(shk_lookup(ctx, "host.example#22", 0, NULL, &kl), SHK_OK);
	ck_assert_str_eq(kl->kh_name, "host.example");
	shk_keylist_free(kl);
	ck_assert_int_eq(shk_lookup_source(ctx, "testa", "h", 2200, NULL, &kl, &st), SHK_OK);
	ck_assert_str_eq(kl->kh_name, "[h]:2200");
	shk_keylist_free(kl);
	tu_write(root, "scripted/testa", "status NOTFOUND\n");
	ck_assert_int_eq(shk_lookup(ctx, "h", 2222, NULL, &kl), SHK_ERR_NOTFOUND);
	ck_assert_uint_eq(kl->count, 0);
	ck_assert_str_eq(kl->kh_name, "[h]:2222");
	shk_keylist_free(kl);
	ck_assert_int_eq(shk_key_parse(KEY_A, strlen(KEY_A), &key), SHK_OK);
	ck_assert_int_eq(shk_verify(ctx, "::1", 22, key, &v), SHK_OK);
	ck_assert_str_eq(v->known->kh_name, "::1");
	shk_verification_free(v);
	ck_assert_int_eq(shk_verify(ctx, "::1", 2222, key, &v), SHK_OK);
	ck_assert_str_eq(v->known->kh_name, "[::1]:2222");
	shk_verification_free(v);
	shk_key_free(key);
	shk_ctx_close(ctx);
}
END_TEST

START_TEST(test_success_continue_merges)
{
	struct shk_ctx *ctx = open_ctx("testa [SUCCESS=continue] testb");
	struct shk_keylist *kl;

	tu_write(root, "scripted/testa", "status SUCCESS\nkey " KEY_A "\n");
	tu_write(root, "scripted/testb", "status SUCCESS\nkey " KEY_B "\n");
	ck_assert_int_eq(shk_lookup(ctx, "host.example", 0, NULL, &kl), SHK_OK);
	ck_assert_uint_eq(kl->count, 2);
	ck_assert(has_key(kl, KEY_A, SHK_MARKER_NONE));
	ck_assert(has_key(kl, KEY_B, SHK_MARKER_NONE));
	shk_keylist_free(kl);
	shk_ctx_close(ctx);
}
END_TEST

START_TEST(test_notfound_continues_and_can_return)
{
	struct shk_ctx *ctx;
	struct shk_keylist *kl;

	tu_write(root, "scripted/testa", "status NOTFOUND\n");
	tu_write(root, "scripted/testb", "status SUCCESS\nkey " KEY_B "\n");
	ctx = open_ctx("testa testb");
	ck_assert_int_eq(shk_lookup(ctx, "h", 0, NULL, &kl), SHK_OK);
	ck_assert(has_key(kl, KEY_B, SHK_MARKER_NONE));
	shk_keylist_free(kl);
	shk_ctx_close(ctx);

	ctx = open_ctx("testa [NOTFOUND=return] testb");
	ck_assert_int_eq(shk_lookup(ctx, "h", 0, NULL, &kl), SHK_ERR_NOTFOUND);
	ck_assert_uint_eq(kl->count, 0);
	shk_keylist_free(kl);
	shk_ctx_close(ctx);
}
END_TEST

START_TEST(test_negated_action)
{
	struct shk_ctx *ctx = open_ctx("testa [!SUCCESS=return] testb");
	struct shk_keylist *kl;

	/* UNAVAIL is "not SUCCESS": the order stops at testa. */
	tu_write(root, "scripted/testa", "status UNAVAIL\n");
	tu_write(root, "scripted/testb", "status SUCCESS\nkey " KEY_B "\n");
	ck_assert_int_eq(shk_lookup(ctx, "h", 0, NULL, &kl), SHK_ERR_NOTFOUND);
	shk_keylist_free(kl);
	shk_ctx_close(ctx);
}
END_TEST

START_TEST(test_revocations_always_apply)
{
	struct shk_ctx *ctx = open_ctx("testa testb");
	struct shk_verification *v;
	struct shk_keylist *kl;
	struct shk_key *key;

	/* testa answers SUCCESS (return), yet testb's revocation counts and
	 * its plain key does not. */
	tu_write(root, "scripted/testa", "status SUCCESS\nkey " KEY_A "\n");
	tu_write(root, "scripted/testb",
	    "status SUCCESS\nkey @revoked " KEY_A "\nkey " KEY_C "\n");
	ck_assert_int_eq(shk_lookup(ctx, "h", 0, NULL, &kl), SHK_OK);
	ck_assert_uint_eq(kl->count, 2);
	ck_assert(has_key(kl, KEY_A, SHK_MARKER_REVOKED));
	ck_assert(!has_key(kl, KEY_C, SHK_MARKER_NONE));
	shk_keylist_free(kl);

	ck_assert_int_eq(shk_key_parse(KEY_A, strlen(KEY_A), &key), SHK_OK);
	ck_assert_int_eq(shk_verify(ctx, "h", 22, key, &v), SHK_OK);
	ck_assert_int_eq(v->verdict, SHK_VERDICT_REVOKED);
	ck_assert_ptr_nonnull(v->evidence);
	ck_assert_str_eq(v->evidence->source, "testb");
	shk_verification_free(v);
	shk_key_free(key);
	shk_ctx_close(ctx);
}
END_TEST

/* Verdict for presenting `presented` when testa holds `script`. */
static enum shk_verdict
verdict_for(const char *script, const char *presented, unsigned int port, int *fallback)
{
	struct shk_ctx *ctx = open_ctx("testa");
	struct shk_verification *v;
	struct shk_key *key;
	enum shk_verdict out;

	tu_write(root, "scripted/testa", script);
	ck_assert_int_eq(shk_key_parse(presented, strlen(presented), &key), SHK_OK);
	ck_assert_int_eq(shk_verify(ctx, "h.example", port, key, &v), SHK_OK);
	out = v->verdict;
	if (fallback != NULL)
		*fallback = v->port_fallback;
	shk_verification_free(v);
	shk_key_free(key);
	shk_ctx_close(ctx);
	return out;
}

START_TEST(test_revocations_alone_do_not_stop)
{
	struct shk_ctx *ctx = open_ctx("testa testb");
	struct shk_keylist *kl;

	/* "@revoked *" in the first source must not hide the second one. */
	tu_write(root, "scripted/testa", "status SUCCESS\nkey @revoked " KEY_C "\n");
	tu_write(root, "scripted/testb", "status SUCCESS\nkey " KEY_B "\n");
	ck_assert_int_eq(shk_lookup(ctx, "h", 0, NULL, &kl), SHK_OK);
	ck_assert_uint_eq(kl->count, 2);
	ck_assert(has_key(kl, KEY_B, SHK_MARKER_NONE));
	ck_assert(has_key(kl, KEY_C, SHK_MARKER_REVOKED));
	shk_keylist_free(kl);
	shk_ctx_close(ctx);
}
END_TEST

START_TEST(test_verdicts)
{
	int fb = -1;

	ck_assert_int_eq(verdict_for("status SUCCESS\nkey " KEY_A "\n", KEY_A, 22, NULL),
			 SHK_VERDICT_MATCH);
	ck_assert_int_eq(verdict_for("status SUCCESS\nkey " KEY_A "\n", KEY_B, 22, NULL),
			 SHK_VERDICT_CHANGED);
	ck_assert_int_eq(verdict_for("status SUCCESS\nkey " KEY_E "\n", KEY_B, 22, NULL),
			 SHK_VERDICT_OTHER);
	ck_assert_int_eq(verdict_for("status NOTFOUND\n", KEY_B, 22, NULL),
			 SHK_VERDICT_UNKNOWN);
	/* A matching key of another type wins over a differing one. */
	ck_assert_int_eq(verdict_for("status SUCCESS\nkey " KEY_E "\nkey " KEY_A "\n", KEY_A,
				     22, NULL),
			 SHK_VERDICT_MATCH);
	/* @cert-authority keys never vouch for plain keys. */
	ck_assert_int_eq(verdict_for("status SUCCESS\nkey @cert-authority " KEY_A "\n", KEY_A,
				     22, NULL),
			 SHK_VERDICT_UNKNOWN);
	/* Port fallback: a portless entry only ever yields MATCH. */
	ck_assert_int_eq(verdict_for("status SUCCESS\nkey @fallback " KEY_A "\n", KEY_A, 2222,
				     &fb),
			 SHK_VERDICT_MATCH);
	ck_assert_int_eq(fb, 1);
	ck_assert_int_eq(verdict_for("status SUCCESS\nkey @fallback " KEY_A "\n", KEY_B, 2222,
				     NULL),
			 SHK_VERDICT_UNKNOWN);
}
END_TEST

/*
 * Port fallback as OpenSSH does it: portless entries count only when
 * nothing for the port decided, and never make a key changed.
 */
START_TEST(test_fallback_only_when_port_undecided)
{
	int fb = -1;

	/* An entry for the port with another key decides: CHANGED. */
	ck_assert_int_eq(verdict_for("status SUCCESS\nkey " KEY_B "\nkey @fallback " KEY_A "\n",
				     KEY_A, 2222, &fb),
			 SHK_VERDICT_CHANGED);
	ck_assert_int_eq(fb, 0);
	/* Known on the port with another type only: OTHER, not MATCH. */
	ck_assert_int_eq(verdict_for("status SUCCESS\nkey " KEY_E "\nkey @fallback " KEY_A "\n",
				     KEY_A, 2222, &fb),
			 SHK_VERDICT_OTHER);
	ck_assert_int_eq(fb, 0);
	/* A portless revocation of the key refuses it when the fallback is
	 * weighed... */
	ck_assert_int_eq(verdict_for("status SUCCESS\nkey @fallback " KEY_A
				     "\nkey @fallback @revoked " KEY_A "\n",
				     KEY_A, 2222, &fb),
			 SHK_VERDICT_REVOKED);
	ck_assert_int_eq(fb, 1);
	/* ...and not when an entry for the port matched (as ssh). */
	ck_assert_int_eq(verdict_for("status SUCCESS\nkey " KEY_A
				     "\nkey @fallback @revoked " KEY_A "\n",
				     KEY_A, 2222, &fb),
			 SHK_VERDICT_MATCH);
	ck_assert_int_eq(fb, 0);
	/* A portless revocation of another key changes nothing. */
	ck_assert_int_eq(verdict_for("status SUCCESS\nkey @fallback " KEY_A
				     "\nkey @fallback @revoked " KEY_B "\n",
				     KEY_A, 2222, &fb),
			 SHK_VERDICT_MATCH);
	ck_assert_int_eq(fb, 1);
}
END_TEST

/* "TYPE BASE64" of the CA key that signed tests/data/keys/ed25519-cert.pub. */
static char *
cert_ca_line(const struct shk_key *cert)
{
	const unsigned char *ca;
	size_t calen, cap;
	char *line;

	ck_assert_int_eq(shk_key_cert_ca_blob(cert->blob, cert->bloblen, &ca, &calen), SHK_OK);
	cap = SHK_B64_ENCODED_SIZE(calen);
	line = malloc(strlen("ssh-ed25519 ") + cap);
	ck_assert_ptr_nonnull(line);
	strcpy(line, "ssh-ed25519 ");
	shk_b64_encode(ca, calen, line + strlen(line), cap, 1);
	return line;
}

START_TEST(test_certificate_ca_and_plain_key)
{
	struct shk_ctx *ctx = open_ctx("testa");
	struct shk_key **keys = NULL, **plain = NULL;
	struct shk_verification *v;
	size_t n = 0, np = 0;
	char script[1024], *ca;

	ck_assert_int_eq(shk_key_load_file(TESTDATADIR "/keys/ed25519-cert.pub", NULL, NULL,
					   &keys, &n),
			 SHK_OK);
	ck_assert_int_eq(shk_key_load_file(TESTDATADIR "/keys/ed25519.pub", NULL, NULL, &plain,
					   &np),
			 SHK_OK);
	ca = cert_ca_line(keys[0]);

	/* A portless CA line is offered for the certificate; not a verdict. */
	snprintf(script, sizeof(script), "status SUCCESS\nkey @fallback @cert-authority %s\n", ca);
	tu_write(root, "scripted/testa", script);
	ck_assert_int_eq(shk_verify(ctx, "h", 2222, keys[0], &v), SHK_OK);
	ck_assert_ptr_nonnull(v->ca);
	ck_assert_int_eq(v->ca_port_fallback, 1);
	ck_assert_int_eq(v->verdict, SHK_VERDICT_UNKNOWN);
	shk_verification_free(v);

	/* A CA line for the port comes first. */
	snprintf(script, sizeof(script),
		 "status SUCCESS\nkey @cert-authority %s\nkey @fallback @cert-authority %s\n", ca,
		 ca);
	tu_write(root, "scripted/testa", script);
	ck_assert_int_eq(shk_verify(ctx, "h", 2222, keys[0], &v), SHK_OK);
	ck_assert_ptr_nonnull(v->ca);
	ck_assert_int_eq(v->ca_port_fallback, 0);
	shk_verification_free(v);

	/* A portless revocation of the CA voids the portless CA line. */
	snprintf(script, sizeof(script),
		 "status SUCCESS\nkey @fallback @cert-authority %s\nkey @fallback @revoked %s\n",
		 ca, ca);
	tu_write(root, "scripted/testa", script);
	ck_assert_int_eq(shk_verify(ctx, "h", 2222, keys[0], &v), SHK_OK);
	ck_assert_ptr_null(v->ca);
	ck_assert_int_eq(v->verdict, SHK_VERDICT_UNKNOWN);
	shk_verification_free(v);

	/* Revoking the CA for the port revokes the certificate. */
	snprintf(script, sizeof(script), "status SUCCESS\nkey @revoked %s\n", ca);
	tu_write(root, "scripted/testa", script);
	ck_assert_int_eq(shk_verify(ctx, "h", 2222, keys[0], &v), SHK_OK);
	ck_assert_int_eq(v->verdict, SHK_VERDICT_REVOKED);
	shk_verification_free(v);

	/* The certificate is judged as its plain key, as ssh falls back to. */
	{
		size_t cap = SHK_B64_ENCODED_SIZE(plain[0]->bloblen);
		char *b64 = malloc(cap);

		ck_assert_ptr_nonnull(b64);
		shk_b64_encode(plain[0]->blob, plain[0]->bloblen, b64, cap, 1);
		snprintf(script, sizeof(script), "status SUCCESS\nkey @fallback %s %s\n",
			 plain[0]->type, b64);
		free(b64);
	}
	tu_write(root, "scripted/testa", script);
	ck_assert_int_eq(shk_verify(ctx, "h", 2222, keys[0], &v), SHK_OK);
	ck_assert_int_eq(v->verdict, SHK_VERDICT_MATCH);
	ck_assert_int_eq(v->port_fallback, 1);
	shk_verification_free(v);

	free(ca);
	shk_key_array_free(keys, n);
	shk_key_array_free(plain, np);
	shk_ctx_close(ctx);
}
END_TEST

START_TEST(test_fallback_keys_not_listed)
{
	struct shk_ctx *ctx = open_ctx("testa testb");
	struct shk_keylist *kl;

	/* Fallback-only answers do not stop the order either. */
	tu_write(root, "scripted/testa", "status SUCCESS\nkey @fallback " KEY_A "\n");
	tu_write(root, "scripted/testb", "status SUCCESS\nkey " KEY_B "\n");
	ck_assert_int_eq(shk_lookup(ctx, "h", 2222, NULL, &kl), SHK_OK);
	ck_assert_uint_eq(kl->count, 1);
	ck_assert(has_key(kl, KEY_B, SHK_MARKER_NONE));
	shk_keylist_free(kl);
	shk_ctx_close(ctx);
}
END_TEST

START_TEST(test_verify_only_source)
{
	struct shk_ctx *ctx = open_ctx("testv");
	struct shk_verification *v;
	struct shk_key *key;

	tu_write(root, "scripted/testv", "status SUCCESS\nverdict 0\n");
	ck_assert_int_eq(shk_key_parse(KEY_A, strlen(KEY_A), &key), SHK_OK);
	ck_assert_int_eq(shk_verify(ctx, "h", 22, key, &v), SHK_OK);
	ck_assert_int_eq(v->verdict, SHK_VERDICT_MATCH);
	ck_assert_ptr_null(v->evidence);
	shk_verification_free(v);
	shk_key_free(key);
	shk_ctx_close(ctx);
}
END_TEST

START_TEST(test_large_result_grows_buffer)
{
	struct shk_ctx *ctx = open_ctx("testa");
	struct shk_keylist *kl;

	/* 2000 copies of an ECDSA key need far more than the first buffer. */
	tu_write(root, "scripted/testa", "status SUCCESS\nrepeat 2000\nkey " KEY_E "\n");
	ck_assert_int_eq(shk_lookup(ctx, "h", 0, NULL, &kl), SHK_OK);
	ck_assert_uint_eq(kl->count, 2000);
	ck_assert(has_key(kl, KEY_E, SHK_MARKER_NONE));
	shk_keylist_free(kl);
	shk_ctx_close(ctx);
}
END_TEST

START_TEST(test_bad_modules_skipped)
{
	struct shk_ctx *ctx = open_ctx("nosuchsource testabi testb");
	struct shk_sourcelist *sl;
	struct shk_keylist *kl;

	tu_write(root, "scripted/testabi", "status SUCCESS\nkey " KEY_A "\n");
	tu_write(root, "scripted/testb", "status SUCCESS\nkey " KEY_B "\n");
	ck_assert_int_eq(shk_lookup(ctx, "h", 0, NULL, &kl), SHK_OK);
	ck_assert_uint_eq(kl->count, 1);
	ck_assert(has_key(kl, KEY_B, SHK_MARKER_NONE));
	shk_keylist_free(kl);
	ck_assert_ptr_nonnull(strstr(tu_log(), "nosuchsource"));
	ck_assert_ptr_nonnull(strstr(tu_log(), "ABI version 99"));
	ck_assert_int_eq(shk_sources(ctx, &sl), SHK_OK);
	ck_assert_uint_eq(sl->count, 3);
	ck_assert_int_eq(sl->sources[0]->ready, 0);
	ck_assert_int_eq(sl->sources[1]->ready, 0);
	ck_assert_int_eq(sl->sources[2]->ready, 1);
	ck_assert_str_eq(sl->sources[2]->state, "ready");
	shk_sourcelist_free(sl);
	shk_ctx_close(ctx);
}
END_TEST

START_TEST(test_nsswitch_reread_on_change)
{
	struct shk_ctx *ctx = open_ctx("testa");
	struct shk_keylist *kl;

	tu_write(root, "scripted/testa", "status SUCCESS\nkey " KEY_A "\n");
	tu_write(root, "scripted/testb", "status SUCCESS\nkey " KEY_B "\n");
	ck_assert_int_eq(shk_lookup(ctx, "h", 0, NULL, &kl), SHK_OK);
	ck_assert(has_key(kl, KEY_A, SHK_MARKER_NONE));
	shk_keylist_free(kl);
	/* A different size is enough for the change to be seen even within
	 * one mtime tick. */
	tu_write(root, "etc/nsswitch.conf", "ssh_hostkeys:   testb\n");
	ck_assert_int_eq(shk_lookup(ctx, "h", 0, NULL, &kl), SHK_OK);
	ck_assert_uint_eq(kl->count, 1);
	ck_assert(has_key(kl, KEY_B, SHK_MARKER_NONE));
	shk_keylist_free(kl);
	shk_ctx_close(ctx);
}
END_TEST

START_TEST(test_malformed_line_uses_default)
{
	struct shk_ctx *ctx = open_ctx("testa [NOTFOUND=retrun] testb");
	struct shk_sourcelist *sl;

	ck_assert_ptr_nonnull(strstr(tu_log(), "default order"));
	ck_assert_int_eq(shk_sources(ctx, &sl), SHK_OK);
	ck_assert_uint_eq(sl->count, 2);
	ck_assert_str_eq(sl->sources[0]->name, "files");
	ck_assert_str_eq(sl->sources[1]->name, "ssh2");
	shk_sourcelist_free(sl);
	shk_ctx_close(ctx);
}
END_TEST

/*
 * nsswitch.conf decides which stores are asked, so it gets the stores'
 * trust rule: a writable one is refused (once per change, not per lookup)
 * and the default order applies, until it is trusted again.
 */
START_TEST(test_untrusted_nsswitch_ignored)
{
	struct shk_ctx *ctx = open_ctx("testa");
	struct shk_sourcelist *sl;
	struct shk_keylist *kl;
	unsigned long n = 0;
	char path[512];

	tu_write(root, "scripted/testa", "status SUCCESS\nkey " KEY_A "\n");
	ck_assert_int_eq(shk_lookup(ctx, "h", 0, NULL, &kl), SHK_OK);
	shk_keylist_free(kl);
	snprintf(path, sizeof(path), "%s/etc/nsswitch.conf", root);
	tu_write(root, "etc/nsswitch.conf", "ssh_hostkeys: testb testa\n");
	ck_assert_int_eq(chmod(path, 0666), 0);
	/* The default order "files ssh2": neither is in TESTMODULEDIR. */
	ck_assert_int_eq(shk_lookup(ctx, "h", 0, NULL, &kl), SHK_ERR_NOTFOUND);
	shk_keylist_free(kl);
	ck_assert_int_eq(shk_lookup(ctx, "h", 0, NULL, &kl), SHK_ERR_NOTFOUND);
	shk_keylist_free(kl);
	ck_assert_int_eq(tu_log_count("nsswitch.conf is writable by others", -1), 1);
	ck_assert_ptr_nonnull(strstr(tu_log(), "not trusted, not read (using the default order"));
	ck_assert_int_eq(shk_sources(ctx, &sl), SHK_OK);
	ck_assert_uint_eq(sl->config_line, 0);
	ck_assert_uint_eq(sl->count, 2);
	ck_assert_str_eq(sl->sources[0]->name, "files");
	shk_sourcelist_free(sl);
	/* check counts it (one problem, plus the two missing modules) without
	 * logging again what the context logged when it read the file. */
	ck_assert_int_eq(shk_check(ctx, &n), SHK_OK);
	ck_assert_uint_eq(n, 3);
	ck_assert_int_eq(tu_log_count("nsswitch.conf is writable by others", -1), 1);
	/* A chmod alone (only the ctime changes) makes it trusted again;
	 * wait out a coarse timestamp tick so the ctime does change. */
	usleep(50000);
	ck_assert_int_eq(chmod(path, 0644), 0);
	ck_assert_int_eq(shk_lookup(ctx, "h", 0, NULL, &kl), SHK_OK);
	ck_assert(has_key(kl, KEY_A, SHK_MARKER_NONE));
	shk_keylist_free(kl);
	shk_ctx_close(ctx);
}
END_TEST

/* Bad lines of sshhostkeys.conf are logged once, when the context reads
 * the file; check counts them without logging them again. */
START_TEST(test_check_counts_conf_problems_once)
{
	struct shk_ctx *ctx;
	unsigned long n = 0;
	char path[512];

	/* SYSCONFDIR may be deep (make distcheck): create every level. */
	snprintf(path, sizeof(path), "%s%s", root, SYSCONFDIR);
	tu_mkdirs(path, 0755);
	snprintf(path, sizeof(path), "%s%s/sshhostkeys.conf", root, SYSCONFDIR);
	tu_write(NULL, path, "no_such_key = 1\nother_bad_key = 2\n");
	ctx = open_ctx("testa");
	tu_write(root, "scripted/testa", "status SUCCESS\nkey " KEY_A "\n");
	ck_assert_int_eq(tu_log_count("unknown key \"no_such_key\"", -1), 1);
	ck_assert_int_eq(shk_check(ctx, &n), SHK_OK);
	ck_assert_uint_eq(n, 2);
	ck_assert_int_eq(tu_log_count("unknown key \"no_such_key\"", -1), 1);
	ck_assert_int_eq(tu_log_count("unknown key \"other_bad_key\"", -1), 1);
	shk_ctx_close(ctx);
}
END_TEST

/* shk_sources says what is wrong, not "no ssh_hostkeys line". */
START_TEST(test_malformed_line_said_in_sources)
{
	struct shk_ctx *ctx = open_ctx("testa [FOO=bar]");
	struct shk_sourcelist *sl;
	char want[512];

	ck_assert_int_eq(shk_sources(ctx, &sl), SHK_OK);
	ck_assert_ptr_null(sl->config_file);
	ck_assert_ptr_nonnull(sl->config_error);
	snprintf(want, sizeof(want), "%s/etc/nsswitch.conf:3: column 22: unknown status \"FOO\"",
		 root);
	ck_assert_msg(strncmp(sl->config_error, want, strlen(want)) == 0, "%s", sl->config_error);
	shk_sourcelist_free(sl);
	shk_ctx_close(ctx);

	/* No line at all is not an error. */
	tu_write(root, "etc/nsswitch.conf", "hosts: files\n");
	ck_assert_int_eq(shk_ctx_open(&ctx, root, 0, tu_lib_log, NULL), SHK_OK);
	ck_assert_int_eq(shk_sources(ctx, &sl), SHK_OK);
	ck_assert_ptr_null(sl->config_error);
	shk_sourcelist_free(sl);
	shk_ctx_close(ctx);
}
END_TEST

/* A FIFO or a directory in place of nsswitch.conf: opening it does not
 * block, and its error is logged once, not again at every lookup. */
START_TEST(test_unusable_nsswitch_logged_once)
{
	struct shk_ctx *ctx;
	struct shk_keylist *kl;
	struct shk_sourcelist *sl;
	char path[512];
	int i, n, kind;

	snprintf(path, sizeof(path), "%s/etc/nsswitch.conf", root);
	for (kind = 0; kind < 2; kind++) {
		tu_log_clear();
		ck_assert_int_eq(kind == 0 ? mkfifo(path, 0644) : mkdir(path, 0755), 0);
		ck_assert_int_eq(shk_ctx_open(&ctx, root, 0, tu_lib_log, NULL), SHK_OK);
		for (i = 0; i < 3; i++) {
			(void)shk_lookup(ctx, "h", 0, NULL, &kl);
			shk_keylist_free(kl);
		}
		n = tu_log_count("not a regular file", -1);
		ck_assert_msg(n == 1, "logged %d times:\n%s", n, tu_log());
		ck_assert_int_eq(shk_sources(ctx, &sl), SHK_OK);
		ck_assert_ptr_nonnull(sl->config_error);
		ck_assert_ptr_nonnull(strstr(sl->config_error, "not a regular file"));
		ck_assert_uint_eq(sl->count, 2); /* the default order */
		shk_sourcelist_free(sl);
		shk_ctx_close(ctx);
		ck_assert_int_eq(kind == 0 ? unlink(path) : rmdir(path), 0);
	}
}
END_TEST

START_TEST(test_bad_host_refused)
{
	struct shk_ctx *ctx = open_ctx("testa");
	struct shk_keylist *kl;

	ck_assert_int_eq(shk_lookup(ctx, "../etc/passwd", 0, NULL, &kl), SHK_ERR_INVAL);
	ck_assert_ptr_null(kl);
	ck_assert_int_eq(shk_lookup(ctx, "[h]:22", 2222, NULL, &kl), SHK_ERR_INVAL);
	ck_assert_ptr_null(kl);
	shk_ctx_close(ctx);
}
END_TEST

START_TEST(test_relative_root_refused)
{
	struct shk_ctx *ctx = NULL;

	ck_assert_int_eq(shk_ctx_open(&ctx, "relative/root", 0, tu_lib_log, NULL), SHK_ERR_INVAL);
	ck_assert_ptr_null(ctx);
}
END_TEST

/* The version is the package's, three numbers (include/sshhostkeys.h). */
START_TEST(test_version)
{
	const char *v = shk_version();
	unsigned int a, b, c;
	char end;

	ck_assert_str_eq(v, PACKAGE_VERSION);
	ck_assert_int_eq(sscanf(v, "%u.%u.%u%c", &a, &b, &c, &end), 3);
}
END_TEST

/* The options struct: a NULL one is the defaults, a too small one or one
 * with bytes we do not know is refused, a relative home too. */
START_TEST(test_open_with_options)
{
	struct shk_ctx_options o = {.size = sizeof(o), .root = root, .log = tu_lib_log};
	unsigned char big[sizeof(o) + 8];
	struct shk_ctx *ctx = NULL;

	tu_write(root, "etc/nsswitch.conf", "ssh_hostkeys: testa\n");
	ck_assert_int_eq(shk_ctx_open_with(&ctx, &o), SHK_OK);
	shk_ctx_close(ctx);
	ck_assert_int_eq(shk_ctx_open_with(&ctx, NULL), SHK_OK);
	shk_ctx_close(ctx);
	o.size = offsetof(struct shk_ctx_options, log);
	ck_assert_int_eq(shk_ctx_open_with(&ctx, &o), SHK_ERR_INVAL);
	ck_assert_ptr_null(ctx);
	/* A newer caller's struct: zero tail accepted, set tail refused. */
	memset(big, 0, sizeof(big));
	o.size = sizeof(big);
	memcpy(big, &o, sizeof(o));
	ck_assert_int_eq(shk_ctx_open_with(&ctx, (struct shk_ctx_options *)big), SHK_OK);
	shk_ctx_close(ctx);
	big[sizeof(o) + 3] = 1;
	ck_assert_int_eq(shk_ctx_open_with(&ctx, (struct shk_ctx_options *)big),
			 SHK_ERR_UNSUPPORTED);
	ck_assert_ptr_null(ctx);
	o.size = sizeof(o);
	o.home = "relative/home";
	ck_assert_int_eq(shk_ctx_open_with(&ctx, &o), SHK_ERR_INVAL);
	ck_assert_ptr_null(ctx);
	ck_assert(tu_log_has("home \"relative/home\" is not an absolute path"));
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("dispatch");
	TCase *tc = tcase_create("dispatch");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_success_returns_by_default);
	tcase_add_test(tc, test_keylist_kh_name);
	tcase_add_test(tc, test_success_continue_merges);
	tcase_add_test(tc, test_notfound_continues_and_can_return);
	tcase_add_test(tc, test_negated_action);
	tcase_add_test(tc, test_revocations_always_apply);
	tcase_add_test(tc, test_revocations_alone_do_not_stop);
	tcase_add_test(tc, test_verdicts);
	tcase_add_test(tc, test_fallback_keys_not_listed);
	tcase_add_test(tc, test_fallback_only_when_port_undecided);
	tcase_add_test(tc, test_certificate_ca_and_plain_key);
	tcase_add_test(tc, test_verify_only_source);
	tcase_add_test(tc, test_large_result_grows_buffer);
	tcase_add_test(tc, test_bad_modules_skipped);
	tcase_add_test(tc, test_nsswitch_reread_on_change);
	tcase_add_test(tc, test_malformed_line_uses_default);
	tcase_add_test(tc, test_untrusted_nsswitch_ignored);
	tcase_add_test(tc, test_check_counts_conf_problems_once);
	tcase_add_test(tc, test_malformed_line_said_in_sources);
	tcase_add_test(tc, test_unusable_nsswitch_logged_once);
	tcase_add_test(tc, test_bad_host_refused);
	tcase_add_test(tc, test_relative_root_refused);
	tcase_add_test(tc, test_version);
	tcase_add_test(tc, test_open_with_options);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
