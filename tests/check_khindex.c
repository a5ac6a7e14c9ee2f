/* SPDX-License-Identifier: MIT */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "digest.h"
#include "khindex.h"
#include "knownhosts.h"
#include "shk.h"
#include "testutil.h"

/* Offsets of the on-disk format (docs/performance.md, "Index cache"). */
#define OFF_NREC 72
#define OFF_NBUCKETS 76
#define OFF_NNAMES 80
#define OFF_NALWAYS 84
#define OFF_NHASHED 88
#define OFF_NBLOCKS 92
#define OFF_TOTAL 96
#define HDR_SIZE 112
#define REC_SIZE 16

#define KEY "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl"

/* ---- HMAC from saved states -------------------------------------------- */

static const size_t keylens[] = {0, 1, 20, 63, 64};
static const size_t msglens[] = {0, 1, 20, 55, 56, 63, 64, 65, 119, 200};

START_TEST(test_hmac_matches_reference)
{
	unsigned char key[64], msg[200], a[SHK_SHA1_LEN], b[SHK_SHA1_LEN];
	struct shk_hmac_sha1_pre pre;
	size_t i, m;

	for (i = 0; i < sizeof(key); i++)
		key[i] = (unsigned char)(i * 7 + 3);
	for (i = 0; i < sizeof(msg); i++)
		msg[i] = (unsigned char)(i * 13 + 1);
	ck_assert_int_eq(shk_hmac_sha1_prep(key, keylens[_i], &pre), SHK_OK);
	for (m = 0; m < SHK_ARRAY_SIZE(msglens); m++) {
		ck_assert_int_eq(shk_hmac_sha1(key, keylens[_i], msg, msglens[m], a), SHK_OK);
		shk_hmac_sha1_fin(&pre, msg, msglens[m], b);
		ck_assert_msg(memcmp(a, b, sizeof(a)) == 0, "key %zu msg %zu", keylens[_i],
			      msglens[m]);
	}
}
END_TEST

START_TEST(test_hmac_long_key_refused)
{
	unsigned char key[65] = {0};
	struct shk_hmac_sha1_pre pre;

	ck_assert_int_eq(shk_hmac_sha1_prep(key, sizeof(key), &pre), SHK_ERR_RANGE);
}
END_TEST

/* ---- a store and what the scanner would act on ------------------------- */

static char store[16384];
static size_t storelen;
static struct stat store_st;
static char tmpdir[256];

static void
hashed_line(const char *name, const char *prefix)
{
	unsigned char salt[SHK_SHA1_LEN];
	char h[80];
	size_t i;

	for (i = 0; i < sizeof(salt); i++)
		salt[i] = (unsigned char)(name[i % strlen(name)] + i);
	ck_assert_int_eq(shk_kh_hash_name(salt, name, strlen(name), h, sizeof(h)), SHK_OK);
	storelen += (size_t)snprintf(store + storelen, sizeof(store) - storelen, "%s%s %s\n",
				     prefix, h, KEY);
}

static void
plain_line(const char *text)
{
	storelen += (size_t)snprintf(store + storelen, sizeof(store) - storelen, "%s\n", text);
}

static void
make_store(void)
{
	storelen = 0;
	plain_line("# comment");
	plain_line("");
	plain_line("alpha " KEY);
	plain_line("Beta.Example.COM,10.0.0.2 " KEY " mixed case");
	plain_line("[gamma]:2222 " KEY);
	plain_line("*.wild.example,!bad.wild.example " KEY);
	plain_line("host?.q.example " KEY);
	plain_line("@revoked alpha " KEY);
	plain_line("@cert-authority *.example.com " KEY);
	plain_line("alpha");			/* truncated */
	plain_line("alpha 1024 35 1234567");	/* RSA1 */
	plain_line("@bogus alpha " KEY);	/* bad marker */
	plain_line("|1|AAAA|AAAA " KEY);	/* bad salt */
	plain_line("|1|c2FsdHNhbHRzYWx0c2FsdHNhbHQ=|short " KEY); /* odd hash */
	plain_line("a,,b " KEY);		/* empty sub-pattern */
	plain_line("crlf.example " KEY "\r");
	hashed_line("delta", "");
	hashed_line("[delta]:2200", "");
	hashed_line("alpha", "@revoked ");
	hashed_line("epsilon.example", "");
	plain_line("delta " KEY);
	memset(&store_st, 0, sizeof(store_st));
	store_st.st_dev = 0x801;
	store_st.st_ino = 4242;
	store_st.st_size = (off_t)storelen;
	store_st.st_mtim.tv_sec = 1700000000;
	store_st.st_mtim.tv_nsec = 5;
	store_st.st_ctim.tv_sec = 1700000001;
	store_st.st_ctim.tv_nsec = 6;
}

/* Lines the lookup must see for a name: invalid ones (logged), and
 * entries whose host field matches either name or does not parse. */
struct want {
	const char *name, *name2;
	unsigned long lines[64];
	size_t n;
};

static int
want_line(const struct shk_kh_line *line, void *arg)
{
	struct want *w = arg;
	int m, m2 = 0;

	if (line->status == SHK_KH_COMMENT)
		return 0;
	if (line->status == SHK_KH_ENTRY) {
		m = shk_kh_match_host(line->hosts, line->hostslen, w->name, strlen(w->name));
		if (w->name2 != NULL)
			m2 = shk_kh_match_host(line->hosts, line->hostslen, w->name2,
					       strlen(w->name2));
		/* 0 and -1 (negated) do nothing; 1 and errors do. */
		if (m != 1 && m2 != 1 && m >= -1 && m2 >= -1)
			return 0;
	}
	w->lines[w->n++] = line->lineno;
	return 0;
}

static const struct {
	const char *name, *name2;
	int hits; /* lines that truly match (not counting invalid ones) */
} queries[] = {
	{"alpha", NULL, 3},
	{"beta.example.com", NULL, 2}, /* and the CA line */
	{"10.0.0.2", NULL, 1},
	{"[gamma]:2222", "gamma", 1},
	{"x.wild.example", NULL, 1},
	{"bad.wild.example", NULL, 0},
	{"hosta.q.example", NULL, 1},
	{"delta", NULL, 2},
	{"[delta]:2200", "delta", 3},
	{"epsilon.example", NULL, 1},
	{"crlf.example", NULL, 1},
	{"a", NULL, 1},
	{"absent.example", NULL, 0},
	{"[absent]:2222", "absent", 0},
};

static void
check_query(const struct shk_khx *x, size_t q, int nthreads)
{
	struct want w;
	uint32_t *recs = NULL;
	size_t n = 0, i, j, len, nentry = 0;
	const char *p;
	unsigned long lineno, got[64];
	struct shk_kh_line line;

	memset(&w, 0, sizeof(w));
	w.name = queries[q].name;
	w.name2 = queries[q].name2;
	shk_kh_foreach(store, storelen, want_line, &w);
	ck_assert_int_eq(shk_khx_candidates(x, w.name, strlen(w.name), w.name2,
					    w.name2 != NULL ? strlen(w.name2) : 0, nthreads,
					    &recs, &n, NULL),
			 SHK_OK);
	ck_assert_uint_le(n, SHK_ARRAY_SIZE(got));
	for (i = 0; i < n; i++) {
		ck_assert_int_eq(shk_khx_line(x, recs[i], store, storelen, &p, &len, &lineno),
				 SHK_OK);
		got[i] = lineno;
		ck_assert(i == 0 || got[i] > got[i - 1]); /* file order, no repeats */
		shk_kh_parse_line(p, len, lineno, &line);
		ck_assert(line.status != SHK_KH_COMMENT);
		if (line.status == SHK_KH_ENTRY &&
		    (shk_kh_match_host(line.hosts, line.hostslen, w.name, strlen(w.name)) == 1 ||
		     (w.name2 != NULL && shk_kh_match_host(line.hosts, line.hostslen, w.name2,
							   strlen(w.name2)) == 1)))
			nentry++;
	}
	for (j = 0; j < w.n; j++) {
		for (i = 0; i < n && got[i] != w.lines[j]; i++)
			;
		ck_assert_msg(i < n, "%s: line %lu missing", w.name, w.lines[j]);
	}
	ck_assert_int_eq((int)nentry, queries[q].hits);
	free(recs);
}

START_TEST(test_candidates_cover_scan)
{
	struct shk_khx *x = NULL;
	struct shk_khx_stats s;

	make_store();
	ck_assert_int_eq(shk_khx_build(store, storelen, &store_st, &x), SHK_OK);
	shk_khx_stats(x, &s);
	ck_assert_uint_eq(s.hashed, 4);
	check_query(x, (size_t)_i, 1);
	check_query(x, (size_t)_i, 3);
	shk_khx_free(x);
}
END_TEST

START_TEST(test_always_list_is_short)
{
	struct shk_khx *x = NULL;
	struct shk_khx_stats s;

	make_store();
	ck_assert_int_eq(shk_khx_build(store, storelen, &store_st, &x), SHK_OK);
	shk_khx_stats(x, &s);
	/* Three pattern lines, three bad lines, two bad hashes, "a,,b". */
	ck_assert_uint_eq(s.always, 9);
	ck_assert_uint_eq(s.records, 19);
	shk_khx_free(x);
}
END_TEST

START_TEST(test_empty_file)
{
	struct shk_khx *x = NULL;
	uint32_t *recs = NULL;
	size_t n = 9;

	make_store();
	store_st.st_size = 0;
	ck_assert_int_eq(shk_khx_build(NULL, 0, &store_st, &x), SHK_OK);
	ck_assert_int_eq(shk_khx_candidates(x, "alpha", 5, NULL, 0, 2, &recs, &n, NULL), SHK_OK);
	ck_assert_uint_eq(n, 0);
	free(recs);
	shk_khx_free(x);
}
END_TEST

/* ---- on disk ----------------------------------------------------------- */

static void
setup_dir(void)
{
	tu_tmpdir(tmpdir, sizeof(tmpdir), "khx", 0700);
	make_store();
}

static void
teardown_dir(void)
{
	tu_rmtree(tmpdir);
}

static char *
index_path(void)
{
	static char path[512];
	char name[64];

	ck_assert_int_eq(shk_khx_name(&store_st, name, sizeof(name)), SHK_OK);
	snprintf(path, sizeof(path), "%s/cache/%s", tmpdir, name);
	return path;
}

static char *
cache_dir(void)
{
	static char dir[300];

	snprintf(dir, sizeof(dir), "%s/cache", tmpdir);
	return dir;
}

static void
save_store_index(void)
{
	struct shk_khx *x = NULL;
	struct shk_error err;

	ck_assert_int_eq(shk_khx_build(store, storelen, &store_st, &x), SHK_OK);
	ck_assert_int_eq(shk_khx_save(x, cache_dir(), geteuid(), &err), SHK_OK);
	shk_khx_free(x);
}

static unsigned char *
read_index(size_t *len)
{
	return (unsigned char *)tu_slurp(NULL, index_path(), len);
}

static void
write_index(const unsigned char *buf, size_t len)
{
	FILE *f;

	ck_assert_ptr_nonnull(f = fopen(index_path(), "wb"));
	ck_assert_uint_eq(fwrite(buf, 1, len, f), len);
	ck_assert_int_eq(fclose(f), 0);
}

/* Load, then check all of it, as lookups would bit by bit: a defect is
 * SHK_ERR_PARSE whether it shows at load or when its block is read. */
static int
load(struct shk_error *err)
{
	struct shk_khx *x = NULL;
	int r;

	memset(err, 0, sizeof(*err));
	r = shk_khx_load(cache_dir(), &store_st, geteuid(), &x, err);
	ck_assert(r == SHK_OK ? x != NULL : x == NULL);
	if (r == SHK_OK)
		r = shk_khx_verify(x, err);
	shk_khx_free(x);
	return r;
}

START_TEST(test_save_load_roundtrip)
{
	struct shk_khx *x = NULL;
	struct shk_error err;
	struct stat st;
	size_t q;

	save_store_index();
	ck_assert_int_eq(stat(cache_dir(), &st), 0);
	ck_assert_uint_eq(st.st_mode & 0777, geteuid() == 0 ? 0755u : 0700u);
	ck_assert_int_eq(stat(index_path(), &st), 0);
	ck_assert_uint_eq(st.st_mode & 0777, geteuid() == 0 ? 0644u : 0600u);
	ck_assert_int_eq(shk_khx_load(cache_dir(), &store_st, geteuid(), &x, &err), SHK_OK);
	ck_assert(shk_khx_fresh(x, &store_st));
	for (q = 0; q < SHK_ARRAY_SIZE(queries); q++)
		check_query(x, q, 2);
	shk_khx_free(x);
	/* Saving again replaces the file atomically, leaving no temp file. */
	save_store_index();
	ck_assert_int_eq(load(&err), SHK_OK);
}
END_TEST

START_TEST(test_missing_is_notfound)
{
	struct shk_error err;

	ck_assert_int_eq(load(&err), SHK_ERR_NOTFOUND);
	ck_assert_int_eq(mkdir(cache_dir(), 0700), 0);
	ck_assert_int_eq(load(&err), SHK_ERR_NOTFOUND);
}
END_TEST

/* Any change to the file's identity makes the index stale. */
static const char *const stale_fields[] = {"size", "mtime", "mtime_ns", "ctime", "ino"};

START_TEST(test_stale)
{
	struct shk_error err;

	save_store_index();
	switch (_i) {
	case 0:
		store_st.st_size++;
		break;
	case 1:
		store_st.st_mtim.tv_sec++;
		break;
	case 2:
		store_st.st_mtim.tv_nsec++;
		break;
	case 3:
		store_st.st_ctim.tv_sec--;
		break;
	case 4:
		/* Another inode: another cache name, so simply no index. */
		store_st.st_ino++;
		break;
	}
	ck_assert_msg(load(&err) == SHK_ERR_NOTFOUND, "%s changed: %s", stale_fields[_i],
		      err.msg);
}
END_TEST

START_TEST(test_truncated)
{
	unsigned char *buf;
	struct shk_error err;
	size_t len, cut[] = {0, 1, HDR_SIZE - 1, HDR_SIZE, HDR_SIZE + 3, 0};

	save_store_index();
	buf = read_index(&len);
	cut[SHK_ARRAY_SIZE(cut) - 1] = len - 1;
	write_index(buf, cut[_i]);
	ck_assert_int_eq(load(&err), SHK_ERR_PARSE);
	free(buf);
}
END_TEST

START_TEST(test_flipped_bytes)
{
	unsigned char *buf;
	struct shk_error err;
	size_t len, at, step;
	int bad = 0, n = 0;

	save_store_index();
	buf = read_index(&len);
	/* Every byte of the header that is not identity (identity changes
	 * read as stale), then a sample of the rest. */
	step = len / 97 + 1;
	for (at = 0; at < len; at += at < HDR_SIZE ? 1 : step) {
		if (at >= 16 && at < OFF_NREC)
			continue;
		buf[at] ^= 0x10;
		write_index(buf, len);
		if (load(&err) == SHK_ERR_PARSE)
			bad++;
		else
			fprintf(stderr, "flip at %zu accepted\n", at);
		n++;
		buf[at] ^= 0x10;
	}
	ck_assert_int_eq(bad, n);
	write_index(buf, len);
	ck_assert_int_eq(load(&err), SHK_OK);
	free(buf);
}
END_TEST

/* Well sealed (checksum recomputed) but wrong inside. */
static const char *const forged[] = {
	"record offset beyond the file", "record length beyond the file",
	"records out of order",		 "name record out of range",
	"always record out of range",	 "hashed record out of range",
	"bucket count not a power of 2", "bucket bounds",
	"total size",
};

static void
put32(unsigned char *b, size_t off, uint32_t v)
{
	memcpy(b + off, &v, sizeof(v));
}

static uint32_t
get32(const unsigned char *b, size_t off)
{
	uint32_t v;

	memcpy(&v, b + off, sizeof(v));
	return v;
}

START_TEST(test_forged)
{
	unsigned char *buf;
	struct shk_error err;
	size_t len, recs, bucket, names, always, hashed;
	uint32_t nrec, nb, nnames, nalways;
	uint64_t v;

	save_store_index();
	buf = read_index(&len);
	nrec = get32(buf, OFF_NREC);
	nb = get32(buf, OFF_NBUCKETS);
	nnames = get32(buf, OFF_NNAMES);
	nalways = get32(buf, OFF_NALWAYS);
	recs = HDR_SIZE + (size_t)get32(buf, OFF_NBLOCKS) * 8;
	bucket = recs + (size_t)nrec * REC_SIZE;
	names = bucket + (((size_t)nb + 1) * 4 + 7) / 8 * 8;
	always = names + (size_t)nnames * 8;
	hashed = always + ((size_t)nalways * 4 + 7) / 8 * 8;
	ck_assert_uint_gt(get32(buf, OFF_NHASHED), 0);
	switch (_i) {
	case 0:
		v = storelen + 1;
		memcpy(buf + recs + REC_SIZE * (nrec - 1), &v, 8);
		break;
	case 1:
		put32(buf, recs + REC_SIZE * (nrec - 1) + 8, 0xffffff);
		break;
	case 2:
		v = 0;
		memcpy(buf + recs + REC_SIZE * 1, &v, 8);
		break;
	case 3:
		put32(buf, names + 4, nrec);
		break;
	case 4:
		put32(buf, always, nrec + 7);
		break;
	case 5:
		put32(buf, hashed, 0xffffffffu);
		break;
	case 6:
		put32(buf, OFF_NBUCKETS, nb + 1 == 2 ? 3 : nb + 1);
		break;
	case 7:
		put32(buf, bucket + 4, nnames + 1);
		break;
	case 8:
		v = len + 8;
		memcpy(buf + OFF_TOTAL, &v, 8);
		break;
	}
	ck_assert_int_eq(shk_khx_reseal(buf, len), SHK_OK);
	write_index(buf, len);
	ck_assert_msg(load(&err) == SHK_ERR_PARSE, "%s accepted", forged[_i]);
	ck_assert(err.msg[0] != '\0');
	free(buf);
}
END_TEST

START_TEST(test_bad_mode_or_owner)
{
	struct shk_error err;
	char link[600];

	save_store_index();
	ck_assert_int_eq(load(&err), SHK_OK);
	switch (_i) {
	case 0: /* index writable by others */
		ck_assert_int_eq(chmod(index_path(), 0666), 0);
		break;
	case 1: /* index writable by its group */
		ck_assert_int_eq(chmod(index_path(), 0620), 0);
		break;
	case 2: /* directory writable by others */
		ck_assert_int_eq(chmod(cache_dir(), 0777), 0);
		break;
	case 3: /* index owned by someone else */
		if (geteuid() != 0)
			return; /* cannot give files away */
		ck_assert_int_eq(chown(index_path(), 4321, 4321), 0);
		break;
	case 4: /* directory owned by someone else */
		if (geteuid() != 0)
			return;
		ck_assert_int_eq(chown(cache_dir(), 4321, 4321), 0);
		break;
	case 5: /* a symbolic link is never followed */
		snprintf(link, sizeof(link), "%s.real", index_path());
		ck_assert_int_eq(rename(index_path(), link), 0);
		ck_assert_int_eq(symlink(link, index_path()), 0);
		ck_assert_int_ne(load(&err), SHK_OK);
		return;
	}
	ck_assert_int_eq(load(&err), SHK_ERR_UNTRUSTED);
	/* Nor is it written into an untrusted directory. */
	if (_i == 2 || _i == 4) {
		struct shk_khx *x = NULL;

		ck_assert_int_eq(shk_khx_build(store, storelen, &store_st, &x), SHK_OK);
		ck_assert_int_eq(shk_khx_save(x, cache_dir(), geteuid(), &err),
				 SHK_ERR_UNTRUSTED);
		shk_khx_free(x);
	}
}
END_TEST

/* Every query on an index read from disk, whose blocks are checked as
 * the queries read them, gives what the built one gives. */
START_TEST(test_loaded_queries)
{
	struct shk_khx *x = NULL;
	struct shk_error err;

	save_store_index();
	ck_assert_int_eq(shk_khx_load(cache_dir(), &store_st, geteuid(), &x, &err), SHK_OK);
	check_query(x, (size_t)_i, 1);
	check_query(x, (size_t)_i, 3);
	shk_khx_free(x);
}
END_TEST

/* A byte changed after the index was sealed: the header still loads, and
 * the first query that reads the block refuses the index. */
START_TEST(test_corrupt_block_refused_by_query)
{
	struct shk_khx *x = NULL;
	struct shk_error err;
	unsigned char *buf;
	uint32_t *recs = NULL;
	size_t len, n = 0, at;

	save_store_index();
	buf = read_index(&len);
	at = HDR_SIZE + (size_t)get32(buf, OFF_NBLOCKS) * 8 + (size_t)_i * 97;
	ck_assert_uint_lt(at, len);
	buf[at] ^= 0x40;
	write_index(buf, len);
	ck_assert_int_eq(shk_khx_load(cache_dir(), &store_st, geteuid(), &x, &err), SHK_OK);
	memset(&err, 0, sizeof(err));
	ck_assert_int_eq(shk_khx_candidates(x, "alpha", 5, NULL, 0, 1, &recs, &n, &err),
			 SHK_ERR_PARSE);
	ck_assert_ptr_null(recs);
	ck_assert_ptr_nonnull(strstr(err.msg, "checksum"));
	shk_khx_free(x);
	free(buf);
}
END_TEST

/* In a large index a lookup checks the few blocks it reads, not all. */
START_TEST(test_lazy_blocks)
{
	struct shk_khx *x = NULL;
	struct shk_khx_stats s;
	struct shk_error err;
	struct stat st = store_st;
	uint32_t *recs = NULL;
	size_t cap = 4000 * 120, len = 0, n = 0, i;
	char *big = malloc(cap);

	ck_assert_ptr_nonnull(big);
	for (i = 0; i < 4000; i++)
		len += (size_t)snprintf(big + len, cap - len, "h%zu.example %s\n", i, KEY);
	st.st_size = (off_t)len;
	ck_assert_int_eq(shk_khx_build(big, len, &st, &x), SHK_OK);
	ck_assert_int_eq(shk_khx_save(x, cache_dir(), geteuid(), &err), SHK_OK);
	shk_khx_free(x);
	x = NULL;
	ck_assert_int_eq(shk_khx_load(cache_dir(), &st, geteuid(), &x, &err), SHK_OK);
	shk_khx_stats(x, &s);
	ck_assert_uint_ge(s.blocks, 16);
	ck_assert_uint_eq(s.blocks_checked, 0);
	ck_assert_int_eq(shk_khx_candidates(x, "h1234.example", 13, NULL, 0, 1, &recs, &n, &err),
			 SHK_OK);
	ck_assert_uint_eq(n, 1);
	shk_khx_stats(x, &s);
	ck_assert_uint_gt(s.blocks_checked, 0);
	ck_assert_uint_le(s.blocks_checked, 4);
	ck_assert_int_eq(shk_khx_verify(x, &err), SHK_OK);
	shk_khx_stats(x, &s);
	ck_assert_uint_eq(s.blocks_checked, s.blocks);
	free(recs);
	shk_khx_free(x);
	free(big);
}
END_TEST

/* Enough hashed lines for a lookup to use two threads, which check the
 * blocks of their ranges at the same time (ThreadSanitizer runs this). */
START_TEST(test_lazy_blocks_threads)
{
	unsigned char salt[SHK_SHA1_LEN];
	struct shk_khx *x = NULL;
	struct shk_khx_stats s;
	struct shk_error err;
	struct stat st = store_st;
	uint32_t *recs = NULL;
	size_t n = 20000, cap = n * 200, len = 0, nrecs = 0, i, k;
	char *big = malloc(cap), name[32], h[80];

	ck_assert_ptr_nonnull(big);
	for (i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "t%zu.example", i);
		for (k = 0; k < sizeof(salt); k++)
			salt[k] = (unsigned char)(i >> (k % 3 * 8)) ^ (unsigned char)k;
		ck_assert_int_eq(shk_kh_hash_name(salt, name, strlen(name), h, sizeof(h)), SHK_OK);
		len += (size_t)snprintf(big + len, cap - len, "%s %s\n", h, KEY);
	}
	st.st_size = (off_t)len;
	ck_assert_int_eq(shk_khx_build(big, len, &st, &x), SHK_OK);
	ck_assert_int_eq(shk_khx_save(x, cache_dir(), geteuid(), &err), SHK_OK);
	shk_khx_free(x);
	x = NULL;
	ck_assert_int_eq(shk_khx_load(cache_dir(), &st, geteuid(), &x, &err), SHK_OK);
	ck_assert_int_eq(shk_khx_candidates(x, "t12345.example", 14, NULL, 0, 2, &recs, &nrecs,
					    &err),
			 SHK_OK);
	ck_assert_uint_eq(nrecs, 1);
	ck_assert_uint_eq(recs[0], 12345);
	shk_khx_stats(x, &s);
	ck_assert_uint_gt(s.blocks_checked, s.blocks / 2);
	free(recs);
	shk_khx_free(x);
	free(big);
}
END_TEST

START_TEST(test_line_bounds)
{
	struct shk_khx *x = NULL;
	const char *p;
	size_t len;
	unsigned long lineno;

	make_store();
	ck_assert_int_eq(shk_khx_build(store, storelen, &store_st, &x), SHK_OK);
	ck_assert_int_eq(shk_khx_line(x, 0, store, storelen, &p, &len, &lineno), SHK_OK);
	ck_assert_uint_eq(lineno, 3);
	/* A mapping shorter than the index says (file shrunk in between). */
	ck_assert_int_eq(shk_khx_line(x, 20, store, 10, &p, &len, &lineno), SHK_ERR_RANGE);
	ck_assert_int_eq(shk_khx_line(x, 1000, store, storelen, &p, &len, &lineno),
			 SHK_ERR_RANGE);
	shk_khx_free(x);
}
END_TEST

/* A file whose index would outgrow it by more than 1 MiB is not indexed:
 * a line of a million one-letter names (2 MiB) would need 12 MiB, and a
 * file of 3 MiB of one-letter lines 30 MiB. The build stops at the bound
 * and the caller scans. Within the bound nothing changes, and a list
 * that is a pattern costs one always-entry, however long it is. */
static char *
names_line(size_t nnames, const char *last, size_t *len)
{
	size_t cap = 2 * nnames + strlen(last) + sizeof(KEY) + 4, i;
	char *buf = malloc(cap);

	ck_assert_ptr_nonnull(buf);
	for (i = 0; i < nnames; i++)
		memcpy(buf + 2 * i, "a,", 2);
	*len = 2 * nnames + (size_t)snprintf(buf + 2 * nnames, cap - 2 * nnames, "%s %s\n", last,
					     KEY);
	return buf;
}

START_TEST(test_bound)
{
	struct shk_khx *x = NULL;
	struct shk_khx_stats s;
	struct stat st = store_st;
	size_t len, i;
	char *buf;

	ck_assert_uint_eq(shk_khx_bound(0), 1024 * 1024);
	ck_assert_uint_eq(shk_khx_bound(10), 10 + 1024 * 1024);
	buf = names_line(1024 * 1024, "goodhost", &len);
	st.st_size = (off_t)len;
	ck_assert_int_eq(shk_khx_build(buf, len, &st, &x), SHK_ERR_RANGE);
	ck_assert_ptr_null(x);
	free(buf);
	/* The same list ending in a pattern: one line the matcher reads. */
	buf = names_line(1024 * 1024, "*.example", &len);
	st.st_size = (off_t)len;
	ck_assert_int_eq(shk_khx_build(buf, len, &st, &x), SHK_OK);
	shk_khx_stats(x, &s);
	ck_assert_uint_eq(s.names, 0);
	ck_assert_uint_eq(s.always, 1);
	shk_khx_free(x);
	x = NULL;
	free(buf);
	/* Short lines: a record each. */
	len = 3 * 1024 * 1024;
	ck_assert_ptr_nonnull(buf = malloc(len));
	for (i = 0; i < len; i += 2)
		memcpy(buf + i, "a\n", 2);
	st.st_size = (off_t)len;
	ck_assert_int_eq(shk_khx_build(buf, len, &st, &x), SHK_ERR_RANGE);
	ck_assert_ptr_null(x);
	free(buf);
	/* The test store's index is well inside it. */
	make_store();
	ck_assert_int_eq(shk_khx_build(store, storelen, &store_st, &x), SHK_OK);
	shk_khx_stats(x, &s);
	ck_assert_uint_le(s.bytes, shk_khx_bound(storelen));
	shk_khx_free(x);
}
END_TEST

/* An index on disk beyond the bound (one written before there was one)
 * is not used, whatever it holds. */
START_TEST(test_load_over_bound)
{
	struct shk_khx *x = NULL;
	struct shk_error err;
	unsigned char *buf, *big;
	size_t len, want = shk_khx_bound(storelen) + 1;

	save_store_index();
	ck_assert_ptr_nonnull(buf = read_index(&len));
	ck_assert_ptr_nonnull(big = calloc(1, want));
	memcpy(big, buf, len);
	write_index(big, want);
	memset(&err, 0, sizeof(err));
	ck_assert_int_eq(shk_khx_load(cache_dir(), &store_st, geteuid(), &x, &err), SHK_ERR_RANGE);
	ck_assert_ptr_null(x);
	free(big);
	free(buf);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("khindex");
	TCase *tc = tcase_create("memory"), *td = tcase_create("disk");

	tcase_add_loop_test(tc, test_hmac_matches_reference, 0, SHK_ARRAY_SIZE(keylens));
	tcase_add_test(tc, test_hmac_long_key_refused);
	tcase_add_loop_test(tc, test_candidates_cover_scan, 0, SHK_ARRAY_SIZE(queries));
	tcase_add_test(tc, test_always_list_is_short);
	tcase_add_test(tc, test_empty_file);
	tcase_add_test(tc, test_line_bounds);
	tcase_add_test(tc, test_bound);
	suite_add_tcase(s, tc);
	tcase_add_checked_fixture(td, setup_dir, teardown_dir);
	tcase_add_test(td, test_save_load_roundtrip);
	tcase_add_test(td, test_missing_is_notfound);
	tcase_add_loop_test(td, test_stale, 0, SHK_ARRAY_SIZE(stale_fields));
	tcase_add_loop_test(td, test_truncated, 0, 6);
	tcase_add_test(td, test_flipped_bytes);
	tcase_add_loop_test(td, test_forged, 0, SHK_ARRAY_SIZE(forged));
	tcase_add_loop_test(td, test_bad_mode_or_owner, 0, 6);
	tcase_add_loop_test(td, test_loaded_queries, 0, SHK_ARRAY_SIZE(queries));
	tcase_add_loop_test(td, test_corrupt_block_refused_by_query, 0, 8);
	tcase_add_test(td, test_lazy_blocks);
	tcase_add_test(td, test_lazy_blocks_threads);
	tcase_add_test(td, test_load_over_bound);
	suite_add_tcase(s, td);
	return tu_run(s);
}
