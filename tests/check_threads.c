/* SPDX-License-Identifier: MIT */
/*
 * Many threads share one context: lookups and verifies through the real
 * files and ssh2 modules, while one thread adds and removes a host through
 * the same context (shk_store_add/shk_store_remove) and another changes
 * the stores the way an editor does (write a temporary file, rename it
 * over the old one) and flips the nsswitch.conf order, which makes the
 * context re-read it under its lock. Every answer must be one
 * of the states the files were in. Run under ThreadSanitizer in CI
 * (.ci/run); here it checks the answers.
 */
#include "config.h"

#include <check.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sshhostkeys.h>

#include "testutil.h"

#define NREADERS 8
#define NROUNDS 300
#define NHOSTS 16

static char root[256];
static struct shk_key *key_a, *key_b;
static char line_a[256];

static void
quiet(void *arg, const struct shk_diag *d)
{
	(void)arg;
	(void)d;
}

static void
put_file(const char *rel, const char *text)
{
	char path[512], tmp[520];

	/* Readers run meanwhile: they see the old file or the new one. */
	snprintf(path, sizeof(path), "%s/%s", root, rel);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	tu_write(NULL, tmp, text);
	ck_assert_int_eq(rename(tmp, path), 0);
}

static struct shk_key *
load_key(const char *name, char *line, size_t cap)
{
	char path[512];
	struct shk_key **keys = NULL;
	struct shk_key *k;
	size_t n = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/kh/%s", TESTDATADIR, name);
	ck_assert_int_eq(shk_key_load_file(path, NULL, NULL, &keys, &n), SHK_OK);
	ck_assert_uint_eq(n, 1);
	k = keys[0];
	keys[0] = NULL;
	shk_key_array_free(keys, n);
	if (line != NULL) {
		ck_assert_ptr_nonnull(f = fopen(path, "r"));
		ck_assert_ptr_nonnull(fgets(line, (int)cap, f));
		line[strcspn(line, "\n")] = '\0';
		fclose(f);
	}
	return k;
}

/* known_hosts with host0..hostN-1, plus "flip" when with_flip. */
static void
write_known_hosts(int with_flip)
{
	char text[8192];
	size_t n = 0;
	int i;

	n += (size_t)snprintf(text + n, sizeof(text) - n, "# threads\n");
	for (i = 0; i < NHOSTS; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "host%d.example %s\n", i,
				      line_a);
	if (with_flip)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "flip.example %s\n",
				      line_a);
	put_file("etc/ssh/ssh_known_hosts", text);
}

static void
setup(void)
{
	char path[600], text[512];
	int i;

	tu_tmpdir(root, sizeof(root), "threads", 0755);
	snprintf(path, sizeof(path), "%s/etc", root);
	ck_assert_int_eq(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/etc/ssh", root);
	ck_assert_int_eq(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/etc/ssh2", root);
	ck_assert_int_eq(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/etc/ssh2/hostkeys", root);
	ck_assert_int_eq(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/home", root);
	ck_assert_int_eq(mkdir(path, 0700), 0);
	setenv("HOME", path, 1);
	key_a = load_key("ed25519.pub", line_a, sizeof(line_a));
	key_b = load_key("ed25519b.pub", text, sizeof(text));
	put_file("etc/nsswitch.conf", "ssh_hostkeys: files ssh2\n");
	write_known_hosts(1);
	/* The ssh2 store knows ssh0..sshN-1 with key b. */
	for (i = 0; i < NHOSTS; i++) {
		char rel[128], body[600];

		snprintf(rel, sizeof(rel), "etc/ssh2/hostkeys/key_22_ssh%d.example.pub", i);
		snprintf(body, sizeof(body), "%s\n", text);
		put_file(rel, body);
	}
}

static void
teardown(void)
{
	shk_key_free(key_a);
	shk_key_free(key_b);
	key_a = key_b = NULL;
	tu_rmtree(root);
}

struct reader {
	pthread_t tid;
	struct shk_ctx *ctx;
	int id;
	int errors; /* answers no state of the files allows */
	char what[256];
};

static void __attribute__((format(printf, 2, 3)))
bad(struct reader *r, const char *fmt, ...)
{
	va_list ap;

	if (r->errors++ == 0) {
		va_start(ap, fmt);
		vsnprintf(r->what, sizeof(r->what), fmt, ap);
		va_end(ap);
	}
}

static void *
reader_main(void *arg)
{
	struct reader *r = arg;
	struct shk_keylist *kl;
	struct shk_verification *v;
	char host[64];
	int i, rc;

	for (i = 0; i < NROUNDS; i++) {
		int h = (i + r->id) % NHOSTS;

		snprintf(host, sizeof(host), "host%d.example", h);
		kl = NULL;
		rc = shk_lookup(r->ctx, host, 0, NULL, &kl);
		if (rc != SHK_OK || kl == NULL || kl->count != 1)
			bad(r, "lookup %s: %d", host, rc);
		shk_keylist_free(kl);

		snprintf(host, sizeof(host), "ssh%d.example", h);
		v = NULL;
		rc = shk_verify(r->ctx, host, 22, key_b, &v);
		if (rc != SHK_OK || v->verdict != SHK_VERDICT_MATCH)
			bad(r, "verify %s: %d", host, rc == SHK_OK ? (int)v->verdict : rc);
		shk_verification_free(v);

		v = NULL;
		rc = shk_verify(r->ctx, host, 22, key_a, &v);
		if (rc != SHK_OK || v->verdict != SHK_VERDICT_CHANGED)
			bad(r, "verify %s with the wrong key: %d", host,
			    rc == SHK_OK ? (int)v->verdict : rc);
		shk_verification_free(v);

		/* added.example is added and removed by the store writer. */
		kl = NULL;
		rc = shk_lookup(r->ctx, "added.example", 0, NULL, &kl);
		if (rc != SHK_OK && rc != SHK_ERR_NOTFOUND)
			bad(r, "lookup %s: %d", "added.example", rc);
		if (rc == SHK_OK && kl->count != 1)
			bad(r, "lookup %s: %d keys", "added.example", (int)kl->count);
		shk_keylist_free(kl);

		/* flip.example comes and goes: either answer, never an error. */
		kl = NULL;
		rc = shk_lookup(r->ctx, "flip.example", 0, NULL, &kl);
		if (rc != SHK_OK && rc != SHK_ERR_NOTFOUND)
			bad(r, "lookup %s: %d", "flip.example", rc);
		if (rc == SHK_OK && kl->count != 1)
			bad(r, "lookup %s: %d keys", "flip.example", (int)kl->count);
		shk_keylist_free(kl);
	}
	return NULL;
}

struct writer {
	pthread_t tid;
	struct shk_ctx *ctx;
	int failures; /* store calls that did not succeed */
	int stop; /* under lock */
	pthread_mutex_t lock;
	int rounds;
};

static int
writer_stopped(struct writer *w)
{
	int s;

	pthread_mutex_lock(&w->lock);
	s = w->stop;
	pthread_mutex_unlock(&w->lock);
	return s;
}

static void *
writer_main(void *arg)
{
	struct writer *w = arg;
	int n = 0;

	while (!writer_stopped(w) || n < 4) {
		write_known_hosts(n % 2);
		put_file("etc/nsswitch.conf", n % 2 ? "ssh_hostkeys: files ssh2\n"
						     : "# flipped\nssh_hostkeys: ssh2 files\n");
		n++;
		usleep(500);
	}
	w->rounds = n;
	return NULL;
}

/* Adds and removes through the shared context, in the system ssh2 store
 * (the one the readers' lookups read), alternating hashed and plain. */
static void *
store_writer_main(void *arg)
{
	struct writer *w = arg;
	const struct shk_key *keys[1] = {key_a};
	size_t n;
	int i = 0, r;

	while (!writer_stopped(w) || i < 4) {
		n = 0;
		r = shk_store_add(w->ctx, SHK_STORE_SYSTEM,
				  i % 4 < 2 ? SHK_FORMAT_HASHED : SHK_FORMAT_PLAIN, "added.example",
				  22, keys, 1, &n);
		if (r != SHK_OK || n != 1)
			w->failures++;
		r = shk_store_remove(w->ctx, SHK_STORE_SYSTEM, "added.example", 22, &n);
		if (r != SHK_OK)
			w->failures++;
		i++;
	}
	w->rounds = i;
	return NULL;
}

START_TEST(test_shared_context)
{
	struct reader rd[NREADERS];
	struct writer w, sw;
	struct shk_ctx *ctx = NULL;
	int i, errors = 0;

	ck_assert_int_eq(shk_ctx_open(&ctx, root, 0, quiet, NULL), SHK_OK);
	memset(&w, 0, sizeof(w));
	pthread_mutex_init(&w.lock, NULL);
	ck_assert_int_eq(pthread_create(&w.tid, NULL, writer_main, &w), 0);
	memset(&sw, 0, sizeof(sw));
	sw.ctx = ctx;
	pthread_mutex_init(&sw.lock, NULL);
	ck_assert_int_eq(pthread_create(&sw.tid, NULL, store_writer_main, &sw), 0);
	for (i = 0; i < NREADERS; i++) {
		memset(&rd[i], 0, sizeof(rd[i]));
		rd[i].ctx = ctx;
		rd[i].id = i;
		ck_assert_int_eq(pthread_create(&rd[i].tid, NULL, reader_main, &rd[i]), 0);
	}
	for (i = 0; i < NREADERS; i++) {
		ck_assert_int_eq(pthread_join(rd[i].tid, NULL), 0);
		if (rd[i].errors > 0)
			fprintf(stderr, "reader %d: %d bad answers, first: %s\n", i,
				rd[i].errors, rd[i].what);
		errors += rd[i].errors;
	}
	pthread_mutex_lock(&w.lock);
	w.stop = 1;
	pthread_mutex_unlock(&w.lock);
	ck_assert_int_eq(pthread_join(w.tid, NULL), 0);
	pthread_mutex_destroy(&w.lock);
	pthread_mutex_lock(&sw.lock);
	sw.stop = 1;
	pthread_mutex_unlock(&sw.lock);
	ck_assert_int_eq(pthread_join(sw.tid, NULL), 0);
	pthread_mutex_destroy(&sw.lock);
	shk_ctx_close(ctx);
	ck_assert_int_eq(errors, 0);
	ck_assert_int_ge(w.rounds, 4);
	ck_assert_int_ge(sw.rounds, 4);
	ck_assert_int_eq(sw.failures, 0);
}
END_TEST

/* Contexts opened and closed concurrently share nothing. */
static void *
open_close_main(void *arg)
{
	struct shk_ctx *ctx;
	struct shk_keylist *kl;
	int i, *bad_count = arg;

	for (i = 0; i < 20; i++) {
		ctx = NULL;
		if (shk_ctx_open(&ctx, root, 0, quiet, NULL) != SHK_OK) {
			(*bad_count)++;
			continue;
		}
		kl = NULL;
		if (shk_lookup(ctx, "host1.example", 0, NULL, &kl) != SHK_OK)
			(*bad_count)++;
		shk_keylist_free(kl);
		shk_ctx_close(ctx);
	}
	return NULL;
}

START_TEST(test_many_contexts)
{
	pthread_t tid[4];
	int bad_count[4] = {0, 0, 0, 0};
	int i;

	for (i = 0; i < 4; i++)
		ck_assert_int_eq(pthread_create(&tid[i], NULL, open_close_main, &bad_count[i]),
				 0);
	for (i = 0; i < 4; i++) {
		ck_assert_int_eq(pthread_join(tid[i], NULL), 0);
		ck_assert_int_eq(bad_count[i], 0);
	}
}
END_TEST

static Suite *
threads_suite(void)
{
	Suite *s = suite_create("threads");
	TCase *tc = tcase_create("shared");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, test_shared_context);
	tcase_add_test(tc, test_many_contexts);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return tu_run(threads_suite());
}
