/* SPDX-License-Identifier: MIT */
/*
 * Hostile stores and input, one table row per case (docs/robustness.md
 * lists them). Each row builds a store in a fresh temporary root, then
 * looks a host up and lints every store through the public API and the
 * real files and ssh2 modules. Every row must end in its expected outcome:
 * refused with a clear message, the entry skipped with file:line, or the
 * store ignored with a warning; never a crash, a hang, or the planted
 * "evil" key (which only ever sits where no lookup may read it).
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <sshhostkeys.h>

#include "base64.h"
#include "log.h"
#include "ssh2name.h"
#include "testutil.h"

#define HOST "good.example"
#define KH "etc/ssh/ssh_known_hosts"
#define SSH2DIR "etc/ssh2/hostkeys"
#define PLAIN SSH2DIR "/key_22_good.example.pub"

static char root[256];
static char logged[65536];
static char good[256], evil[256], ecdsa[512];
static struct shk_key *evil_key;

static void
test_log(void *arg, const struct shk_diag *d)
{
	char line[2048];
	size_t n = strlen(logged);

	(void)arg;
	shk_diag_format(d, line, sizeof(line));
	snprintf(logged + n, sizeof(logged) - n, "%s\n", line);
}

static char *
path_of(const char *rel)
{
	static char path[1024];

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	return path;
}

static void
plant_symlink(const char *target_rel, const char *link_rel)
{
	char target[1024];

	if (target_rel[0] == '/')
		snprintf(target, sizeof(target), "%s", target_rel);
	else
		snprintf(target, sizeof(target), "%s/%s", root, target_rel);
	ck_assert_int_eq(symlink(target, path_of(link_rel)), 0);
}

static void
write_raw(const char *rel, const char *data, size_t len, mode_t mode)
{
	int fd;

	ck_assert_int_ge(fd = open(path_of(rel), O_WRONLY | O_CREAT | O_TRUNC, mode), 0);
	ck_assert_int_eq(write(fd, data, len), (ssize_t)len);
	ck_assert_int_eq(close(fd), 0);
	ck_assert_int_eq(chmod(path_of(rel), mode), 0);
}

static void
write_file(const char *rel, const char *text)
{
	write_raw(rel, text, strlen(text), 0644);
}

static void
read_line(const char *name, char *out, size_t cap)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/kh/%s", TESTDATADIR, name);
	ck_assert_ptr_nonnull(f = fopen(path, "r"));
	ck_assert_ptr_nonnull(fgets(out, (int)cap, f));
	out[strcspn(out, "\n")] = '\0';
	fclose(f);
}

/* "TYPE BASE64" of a blob built here. */
static void
key_text(const char *type, const unsigned char *blob, size_t len, char *out, size_t cap)
{
	size_t n = (size_t)snprintf(out, cap, "%s ", type);

	ck_assert_uint_gt(shk_b64_encode(blob, len, out + n, cap - n, 1), 0);
}

static size_t
put_string(unsigned char *p, const void *s, size_t len)
{
	p[0] = (unsigned char)(len >> 24);
	p[1] = (unsigned char)(len >> 16);
	p[2] = (unsigned char)(len >> 8);
	p[3] = (unsigned char)len;
	memcpy(p + 4, s, len);
	return 4 + len;
}

static size_t
decode_key(const char *text, unsigned char *blob, size_t cap)
{
	const char *b64 = strchr(text, ' ') + 1;
	size_t len = 0;

	ck_assert_int_eq(shk_b64_decode(b64, strlen(b64), blob, cap, &len), SHK_OK);
	return len;
}

/* ---- store builders: one per row ---------------------------------------- */

static void
b_nothing(void)
{
}

/* The evil key in the ssh2 store's parent, where a "../" name would reach. */
static void
b_planted_outside(void)
{
	char text[300];

	snprintf(text, sizeof(text), "%s\n", evil);
	write_file("etc/ssh2/key_22_x.pub", text);
	write_file("etc/key_22_x.pub", text);
}

static void
b_mega_line(void)
{
	size_t big = 3 * 1024 * 1024, n;
	char *buf = malloc(big + 512);

	ck_assert_ptr_nonnull(buf);
	n = (size_t)sprintf(buf, HOST " ssh-ed25519 ");
	memset(buf + n, 'A', big);
	n += big;
	n += (size_t)sprintf(buf + n, "\n%s %s\n", HOST, good);
	write_raw(KH, buf, n, 0644);
	free(buf);
}

static void
b_long_comment(void)
{
	size_t big = 2 * 1024 * 1024, n;
	char *buf = malloc(big + 512);

	ck_assert_ptr_nonnull(buf);
	n = (size_t)sprintf(buf, "#");
	memset(buf + n, 'c', big);
	n += big;
	n += (size_t)sprintf(buf + n, "\n%s %s\n", HOST, good);
	write_raw(KH, buf, n, 0644);
	free(buf);
}

static void
b_nul_in_line(void)
{
	char buf[1024];
	size_t n;

	/* The NUL cuts "evil" off: a C-string reader would see good.example. */
	n = (size_t)snprintf(buf, sizeof(buf), "%s", HOST);
	buf[n++] = '\0';
	n += (size_t)snprintf(buf + n, sizeof(buf) - n, "x %s\n", evil);
	write_raw(KH, buf, n, 0644);
}

static void
b_bad_base64(void)
{
	char text[600];

	snprintf(text, sizeof(text), "%s ssh-ed25519 AAAA!!!notbase64\n%s %s\n", HOST, HOST,
		 good);
	write_file(KH, text);
}

static void
b_truncated_blob(void)
{
	unsigned char blob[512];
	char text[1200], line[600];
	size_t len = decode_key(good, blob, sizeof(blob));

	key_text("ssh-ed25519", blob, len - 7, line, sizeof(line));
	snprintf(text, sizeof(text), "%s %s\n", HOST, line);
	write_file(KH, text);
}

static void
b_oversized_blob(void)
{
	unsigned char blob[512];
	char text[1200], line[600];
	size_t len = decode_key(good, blob, sizeof(blob));

	memset(blob + len, 0x41, 40);
	key_text("ssh-ed25519", blob, len + 40, line, sizeof(line));
	snprintf(text, sizeof(text), "%s %s\n", HOST, line);
	write_file(KH, text);
}

static void
b_huge_blob(void)
{
	/* Bigger than any key OpenSSH accepts (16 KiB). */
	size_t len = 40000, n;
	unsigned char *blob = calloc(1, len);
	char *text = malloc(len * 2);

	ck_assert_ptr_nonnull(blob);
	ck_assert_ptr_nonnull(text);
	put_string(blob, "ssh-rsa", 7);
	n = (size_t)sprintf(text, "%s ", HOST);
	key_text("ssh-rsa", blob, len, text + n, len * 2 - n);
	strcat(text, "\n");
	write_file(KH, text);
	free(blob);
	free(text);
}

static void
b_rsa_weak(void)
{
	unsigned char blob[256], n[97];
	static const unsigned char e[3] = {1, 0, 1};
	char text[600], line[500];
	size_t len = 0;

	/* A 768-bit odd modulus: ssh-keygen cannot even make one now. */
	memset(n, 0x5a, sizeof(n));
	n[0] = 0;
	n[1] = 0xc3;
	n[96] = 0x01 | 0x5a;
	len += put_string(blob + len, "ssh-rsa", 7);
	len += put_string(blob + len, e, sizeof(e));
	len += put_string(blob + len, n, sizeof(n));
	key_text("ssh-rsa", blob, len, line, sizeof(line));
	snprintf(text, sizeof(text), "%s %s\n", HOST, line);
	write_file(KH, text);
}

static void
b_ec_off_curve(void)
{
	unsigned char blob[512];
	char text[1200], line[600];
	size_t len = decode_key(ecdsa, blob, sizeof(blob));

	blob[len - 1] ^= 0x01; /* y no longer fits x */
	key_text("ecdsa-sha2-nistp256", blob, len, line, sizeof(line));
	snprintf(text, sizeof(text), "%s %s\n", HOST, line);
	write_file(KH, text);
}

static void
rfc_body(char *out, size_t cap, const char *key)
{
	const char *b64 = strchr(key, ' ') + 1;

	snprintf(out, cap, "%s\n", b64);
}

static void
b_rfc_no_end(void)
{
	char text[1024], body[600];

	rfc_body(body, sizeof(body), good);
	snprintf(text, sizeof(text), "---- BEGIN SSH2 PUBLIC KEY ----\nComment: x\n%s", body);
	write_file(PLAIN, text);
}

static void
b_rfc_nested_begin(void)
{
	char text[2048], body[600];

	rfc_body(body, sizeof(body), good);
	snprintf(text, sizeof(text),
		 "---- BEGIN SSH2 PUBLIC KEY ----\nComment: first\n"
		 "---- BEGIN SSH2 PUBLIC KEY ----\n%s---- END SSH2 PUBLIC KEY ----\n",
		 body);
	write_file(PLAIN, text);
}

static void
b_rfc_1000_headers(void)
{
	size_t cap = 1000 * 40 + 1024, n = 0;
	char *text = malloc(cap), body[600];
	int i;

	ck_assert_ptr_nonnull(text);
	rfc_body(body, sizeof(body), good);
	n += (size_t)snprintf(text + n, cap - n, "---- BEGIN SSH2 PUBLIC KEY ----\n");
	for (i = 0; i < 1000; i++)
		n += (size_t)snprintf(text + n, cap - n, "x-header-%d: value %d\n", i, i);
	n += (size_t)snprintf(text + n, cap - n, "%s---- END SSH2 PUBLIC KEY ----\n", body);
	write_file(PLAIN, text);
	free(text);
}

/* Hashed store whose salt is bad: the hashed file must not be used. */
static void
hashed_with_salt(const char *salt_text, size_t salt_len, int salt_symlink)
{
	static const unsigned char salt[SHK_SSH2_SALT_LEN] = {7};
	char name[SHK_SSH2_HASHED_NAME_MAX], rel[128], text[300], saltfile[66];

	ck_assert_int_eq(shk_ssh2_hashed_name(salt, HOST, 22, name, sizeof(name)), SHK_OK);
	snprintf(rel, sizeof(rel), SSH2DIR "/%s", name);
	snprintf(text, sizeof(text), "%s\n", evil);
	write_file(rel, text);
	if (salt_symlink) {
		/* A symlink to a file holding the right salt. */
		shk_ssh2_salt_format(salt, saltfile);
		write_file("etc/realsalt", saltfile);
		plant_symlink("etc/realsalt", SSH2DIR "/salt");
	} else {
		write_raw(SSH2DIR "/salt", salt_text, salt_len, 0644);
	}
}

static void
b_salt_empty(void)
{
	hashed_with_salt("", 0, 0);
}

static void
b_salt_short(void)
{
	hashed_with_salt("0123abcd\n", 9, 0);
}

static void
b_salt_nothex(void)
{
	hashed_with_salt("zz23456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n",
			 65, 0);
}

static void
b_salt_symlink(void)
{
	hashed_with_salt(NULL, 0, 1);
}

static void
put_evil(const char *rel, mode_t mode)
{
	char text[300];

	snprintf(text, sizeof(text), "%s %s\n", HOST, evil);
	write_raw(rel, text, strlen(text), mode);
}

static void
b_kh_world_writable(void)
{
	put_evil(KH, 0666);
}

static void
b_kh_group_writable(void)
{
	put_evil(KH, 0664);
}

static void
b_kh_symlink_untrusted(void)
{
	put_evil("etc/evil_kh", 0666);
	plant_symlink("etc/evil_kh", KH);
}

static void
b_kh_fifo(void)
{
	ck_assert_int_eq(mkfifo(path_of(KH), 0644), 0);
}

static void
b_kh_device(void)
{
	plant_symlink("/dev/zero", KH);
}

static void
b_kh_chardev(void)
{
	/* Mode 0644, so only the file type can refuse it (root: mknod). */
	ck_assert_int_eq(mknod(path_of(KH), S_IFCHR | 0644, makedev(1, 3)), 0);
}

static void
b_kh_dir_world_writable(void)
{
	put_evil(KH, 0644);
	ck_assert_int_eq(chmod(path_of("etc/ssh"), 0777), 0);
}

static void
b_kh_other_owner(void)
{
	put_evil(KH, 0644);
	ck_assert_int_eq(chown(path_of(KH), 65534, 65534), 0);
}

static void
b_ssh2_file_symlink(void)
{
	char text[300];

	snprintf(text, sizeof(text), "%s\n", evil);
	write_file("etc/elsewhere.pub", text);
	plant_symlink("etc/elsewhere.pub", PLAIN);
}

static void
b_ssh2_file_fifo(void)
{
	ck_assert_int_eq(mkfifo(path_of(PLAIN), 0644), 0);
}

static void
b_ssh2_file_device(void)
{
	plant_symlink("/dev/zero", PLAIN);
}

static void
b_ssh2_file_world_writable(void)
{
	char text[300];

	snprintf(text, sizeof(text), "%s\n", evil);
	write_raw(PLAIN, text, strlen(text), 0666);
}

static void
b_ssh2_file_other_owner(void)
{
	char text[300];

	snprintf(text, sizeof(text), "%s\n", evil);
	write_file(PLAIN, text);
	ck_assert_int_eq(chown(path_of(PLAIN), 65534, 65534), 0);
}

static void
b_ssh2_dir_symlink(void)
{
	char text[300];

	snprintf(text, sizeof(text), "%s\n", evil);
	ck_assert_int_eq(mkdir(path_of("etc/otherdir"), 0755), 0);
	write_file("etc/otherdir/key_22_good.example.pub", text);
	ck_assert_int_eq(rmdir(path_of(SSH2DIR)), 0);
	plant_symlink("etc/otherdir", SSH2DIR);
}

static void
b_ssh2_dir_world_writable(void)
{
	char text[300];

	snprintf(text, sizeof(text), "%s\n", evil);
	write_file(PLAIN, text);
	ck_assert_int_eq(chmod(path_of(SSH2DIR), 0777), 0);
}

static void
b_100k_keys(void)
{
	size_t cap = 100000 * (strlen(good) + 1) + 1, n = 0, l = strlen(good);
	char *text = malloc(cap);
	int i;

	ck_assert_ptr_nonnull(text);
	for (i = 0; i < 100000; i++) {
		memcpy(text + n, good, l);
		n += l;
		text[n++] = '\n';
	}
	write_raw(PLAIN, text, n, 0644);
	free(text);
}

/* ---- the table ------------------------------------------------------------ */

enum outcome {
	REFUSED, /* the call fails with a clear message */
	SKIPPED, /* the bad entry is skipped and reported as file:line */
	IGNORED, /* the whole file or store is ignored with a warning */
	SERVED,	 /* read normally: the case is harmless */
};

static const struct hostile {
	const char *name;
	void (*build)(void);
	const char *host;	/* NULL: HOST */
	enum outcome outcome;
	int rc;			/* of shk_lookup */
	size_t nkeys;		/* keys it returns (all must be the good key) */
	const char *log;	/* must appear in the log (lookup or check) */
	int needs_root;		/* chown to another user */
} cases[] = {
	{"host with '/'", b_planted_outside, "../key_22_x", REFUSED, SHK_ERR_INVAL, 0, "'/'", 0},
	{"host ..", b_planted_outside, "..", REFUSED, SHK_ERR_INVAL, 0, "\"..\"", 0},
	{"host a/../x", b_planted_outside, "a/../x", REFUSED, SHK_ERR_INVAL, 0, "'/'", 0},
	{"host with newline", b_nothing, "good\nexample", REFUSED, SHK_ERR_INVAL, 0,
	 "host \"good\\x0aexample\": white space", 0},
	{"host with space", b_nothing, "good example", REFUSED, SHK_ERR_INVAL, 0,
	 "white space", 0},
	{"host with control character", b_nothing, "good\001example", REFUSED,
	 SHK_ERR_INVAL, 0, "control", 0},
	{"host of 256 bytes", b_nothing, "@256", REFUSED, SHK_ERR_INVAL, 0, "longer than", 0},
	{"host longer than PATH_MAX", b_nothing, "@5000", REFUSED, SHK_ERR_INVAL, 0,
	 "longer than", 0},
	{"line of 3 MiB", b_mega_line, NULL, SKIPPED, SHK_OK, 1, KH ":1:", 0},
	{"comment of 2 MiB", b_long_comment, NULL, SERVED, SHK_OK, 1, NULL, 0},
	{"NUL byte inside a line", b_nul_in_line, NULL, SKIPPED, SHK_ERR_NOTFOUND, 0,
	 KH ":1: NUL byte", 0},
	{"invalid base64", b_bad_base64, NULL, SKIPPED, SHK_OK, 1, KH ":1:", 0},
	{"truncated key blob", b_truncated_blob, NULL, SKIPPED, SHK_ERR_NOTFOUND, 0, KH ":1:",
	 0},
	{"key blob with trailing data", b_oversized_blob, NULL, SKIPPED, SHK_ERR_NOTFOUND, 0,
	 KH ":1:", 0},
	{"key blob over 16 KiB", b_huge_blob, NULL, SKIPPED, SHK_ERR_NOTFOUND, 0, KH ":1:",
	 0},
	{"RSA key of 768 bits", b_rsa_weak, NULL, SKIPPED, SHK_ERR_NOTFOUND, 0,
	 "weak RSA key: modulus has 768 bits, fewer than 1024", 0},
	{"EC point off the curve", b_ec_off_curve, NULL, SKIPPED, SHK_ERR_NOTFOUND, 0,
	 KH ":1:", 0},
	{"RFC 4716 without END", b_rfc_no_end, NULL, SKIPPED, SHK_ERR_NOTFOUND, 0,
	 "key_22_good.example.pub:1:", 0},
	{"RFC 4716 nested BEGIN", b_rfc_nested_begin, NULL, SKIPPED, SHK_OK, 1,
	 "key_22_good.example.pub:3: BEGIN inside a block", 0},
	{"RFC 4716 with 1000 headers", b_rfc_1000_headers, NULL, SERVED, SHK_OK, 1, NULL, 0},
	{"salt file empty", b_salt_empty, NULL, IGNORED, SHK_ERR_NOTFOUND, 0, "salt", 0},
	{"salt file short", b_salt_short, NULL, IGNORED, SHK_ERR_NOTFOUND, 0, "salt", 0},
	{"salt file not hex", b_salt_nothex, NULL, IGNORED, SHK_ERR_NOTFOUND, 0, "salt", 0},
	{"salt file a symlink", b_salt_symlink, NULL, IGNORED, SHK_ERR_NOTFOUND, 0, "salt",
	 0},
	{"known_hosts world-writable", b_kh_world_writable, NULL, IGNORED, SHK_ERR_NOTFOUND, 0,
	 "writable", 0},
	{"known_hosts group-writable", b_kh_group_writable, NULL, IGNORED, SHK_ERR_NOTFOUND, 0,
	 "writable", 0},
	{"known_hosts symlink to a writable file", b_kh_symlink_untrusted, NULL, IGNORED,
	 SHK_ERR_NOTFOUND, 0, "writable", 0},
	{"known_hosts a FIFO", b_kh_fifo, NULL, IGNORED, SHK_ERR_NOTFOUND, 0, KH, 0},
	{"known_hosts a device", b_kh_device, NULL, IGNORED, SHK_ERR_NOTFOUND, 0, KH, 0},
	{"known_hosts a character device (0644)", b_kh_chardev, NULL, IGNORED,
	 SHK_ERR_NOTFOUND, 0, "not a regular file", 1},
	{"known_hosts in a world-writable directory", b_kh_dir_world_writable, NULL, IGNORED,
	 SHK_ERR_NOTFOUND, 0, "writable", 0},
	{"known_hosts owned by another user", b_kh_other_owner, NULL, IGNORED,
	 SHK_ERR_NOTFOUND, 0, "owned", 1},
	{"ssh2 key file a symlink", b_ssh2_file_symlink, NULL, IGNORED, SHK_ERR_NOTFOUND, 0,
	 "key_22_good.example.pub", 0},
	{"ssh2 key file a FIFO", b_ssh2_file_fifo, NULL, IGNORED, SHK_ERR_NOTFOUND, 0,
	 "key_22_good.example.pub", 0},
	{"ssh2 key file a device", b_ssh2_file_device, NULL, IGNORED, SHK_ERR_NOTFOUND, 0,
	 "key_22_good.example.pub", 0},
	{"ssh2 key file world-writable", b_ssh2_file_world_writable, NULL, IGNORED,
	 SHK_ERR_NOTFOUND, 0, "writable", 0},
	{"ssh2 key file owned by another user", b_ssh2_file_other_owner, NULL, IGNORED,
	 SHK_ERR_NOTFOUND, 0, "owned", 1},
	{"ssh2 directory a symlink", b_ssh2_dir_symlink, NULL, IGNORED, SHK_ERR_NOTFOUND, 0,
	 SSH2DIR, 0},
	{"ssh2 directory world-writable", b_ssh2_dir_world_writable, NULL, IGNORED,
	 SHK_ERR_NOTFOUND, 0, "writable", 0},
	{"key_ file with 100,000 keys", b_100k_keys, NULL, SERVED, SHK_OK, 100000, NULL, 0},
};

static void
setup(void)
{
	const char *dirs[] = {"etc", "etc/ssh", "etc/ssh2", SSH2DIR, "home", "home/.ssh"};
	size_t i;

	tu_tmpdir(root, sizeof(root), "hostile", 0755);
	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		ck_assert_int_eq(mkdir(path_of(dirs[i]), 0755), 0);
	setenv("HOME", path_of("home"), 1);
	write_file("etc/nsswitch.conf", "ssh_hostkeys: files ssh2\n");
	read_line("ed25519.pub", good, sizeof(good));
	read_line("ed25519b.pub", evil, sizeof(evil));
	read_line("ecdsa.pub", ecdsa, sizeof(ecdsa));
	ck_assert_int_eq(shk_key_parse(evil, strlen(evil), &evil_key), SHK_OK);
	logged[0] = '\0';
}

static void
teardown(void)
{
	shk_key_free(evil_key);
	evil_key = NULL;
	tu_rmtree(root);
}

START_TEST(test_hostile)
{
	const struct hostile *c = &cases[_i];
	struct shk_ctx *ctx = NULL;
	struct shk_keylist *kl = NULL;
	unsigned long problems = 0;
	char *host = NULL;
	size_t i;
	int rc;

	if (c->needs_root && geteuid() != 0) {
		fprintf(stderr, "hostile: \"%s\" needs root; not run\n", c->name);
		return;
	}
	c->build();
	if (c->host == NULL) {
		host = strdup(HOST);
	} else if (c->host[0] == '@') {
		/* "@N": a name of N bytes. */
		size_t n = strtoul(c->host + 1, NULL, 10);

		host = malloc(n + 1);
		ck_assert_ptr_nonnull(host);
		memset(host, 'a', n);
		host[n] = '\0';
	} else {
		host = strdup(c->host);
	}
	ck_assert_ptr_nonnull(host);
	alarm(60); /* a FIFO must never make us wait */
	ck_assert_int_eq(shk_ctx_open(&ctx, root, 0, test_log, NULL), SHK_OK);
	rc = shk_lookup(ctx, host, 0, NULL, &kl);
	/* Lint sees every store whatever the host: bad entries are reported
	 * with file:line even when no lookup reads them. */
	ck_assert_int_ge(shk_check(ctx, &problems), 0);
	alarm(0);
	if (getenv("SHK_HOSTILE_VERBOSE") != NULL || rc != c->rc || (kl != NULL ? kl->count : 0) != c->nkeys ||
	    (c->log != NULL && strstr(logged, c->log) == NULL))
		fprintf(stderr, "hostile \"%s\": rc %d (%s), %zu keys; log:\n%s", c->name, rc,
			shk_strerror(rc), kl != NULL ? kl->count : 0, logged);
	ck_assert_int_eq(rc, c->rc);
	if (kl != NULL) {
		ck_assert_uint_eq(kl->count, c->nkeys);
		for (i = 0; i < kl->count; i++)
			ck_assert_msg(kl->keys[i]->bloblen != evil_key->bloblen ||
					      memcmp(kl->keys[i]->blob, evil_key->blob,
						     evil_key->bloblen) != 0,
				      "the planted key was read (%s)", kl->keys[i]->origin);
	} else {
		ck_assert_uint_eq(c->nkeys, 0);
	}
	if (c->log != NULL)
		ck_assert_msg(strstr(logged, c->log) != NULL, "\"%s\" not in the log", c->log);
	if (c->outcome == SKIPPED || c->outcome == IGNORED)
		ck_assert_uint_gt(problems, 0);
	shk_keylist_free(kl);
	shk_ctx_close(ctx);
	free(host);
}
END_TEST

static Suite *
hostile_suite(void)
{
	Suite *s = suite_create("hostile");
	TCase *tc = tcase_create("table");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_hostile, 0, (int)(sizeof(cases) / sizeof(cases[0])));
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return tu_run(hostile_suite());
}
