/* SPDX-License-Identifier: MIT */
/*
 * A set-ID program using libsshhostkeys, for tests/setuid.sh: installed
 * setuid root and run by an unprivileged user, it calls the library the
 * way such a program would and prints one "ok - " or "FAIL - " line per
 * row. The library must do everything on the filesystem with the real
 * user's rights (include/sshhostkeys.h). The script sets the scene in a
 * private mount namespace: the real user's home (from the password
 * database) with ~/.ssh/known_hosts a symbolic link to a root-only file
 * naming secret.example, /etc/ssh/ssh_known_hosts naming sys.example, an
 * empty /var/cache; it checks that nothing was written under /etc.
 *
 * usage: setuid-lib ROOT_ONLY_KEYFILE KEYFILE ROOT_DIR
 *        setuid-lib --caps ROOT_ONLY_KEYFILE (see caps_rows)
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fsuid.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sshhostkeys.h>

static int nfail;
static char last_msg[1024];

/* One row; a failure also says what the last call returned. */
#define row(ok, name) row_((ok), (name), r)

static void
row_(int ok, const char *name, int r)
{
	printf("%s - %s\n", ok ? "ok" : "FAIL", name);
	if (!ok) {
		fprintf(stderr, "FAIL - %s: status %d (%s)\n", name, r, shk_strerror(r));
		nfail++;
	}
}

static void
log_cb(void *arg, const struct shk_diag *d)
{
	char buf[1024];

	(void)arg;
	snprintf(buf, sizeof(buf), "%s%s%s", d->file != NULL ? d->file : "",
		 d->file != NULL ? ": " : "", d->msg);
	snprintf(last_msg, sizeof(last_msg), "%s", buf);
	fprintf(stderr, "log: %s\n", buf);
}

/* Whether a foreach names host. */
struct seen {
	const char *host;
	int found;
};

static int
foreach_cb(void *arg, const char *names, const struct shk_hostkey *key)
{
	struct seen *s = arg;

	(void)key;
	if (names != NULL && strstr(names, s->host) != NULL)
		s->found = 1;
	return 0;
}

/* The file's owner is the real user. */
static int
owned_by_caller(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0 && st.st_uid == getuid() && st.st_gid == getgid();
}

/* dir is missing or holds nothing but . and .. */
static int
empty_dir(const char *dir)
{
	struct dirent *de;
	DIR *d;
	int n = 0;

	if ((d = opendir(dir)) == NULL)
		return errno == ENOENT;
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0) {
			fprintf(stderr, "found %s/%s\n", dir, de->d_name);
			n++;
		}
	closedir(d);
	return n == 0;
}

/* This thread has its own rights back: it can open what only root can. */
static int
privileges_back(const char *root_only)
{
	int fd;

	if ((uid_t)setfsuid((uid_t)-1) != geteuid() || (gid_t)setfsgid((gid_t)-1) != getegid())
		return 0;
	if ((fd = open(root_only, O_RDONLY)) == -1)
		return 0;
	close(fd);
	return 1;
}

/*
 * --caps KEYFILE: installed with cap_dac_override and run by a user whose
 * ids are all equal, so setfsuid changes nothing: the capability lets
 * this program read the root-only KEYFILE, the library must not.
 */
static int
caps_rows(const char *root_only)
{
	struct shk_key **keys = NULL;
	size_t n = 0;
	int fd, r = SHK_OK;

	fd = open(root_only, O_RDONLY);
	row(fd != -1 && getuid() == geteuid(),
	    "file capabilities: the program itself can read the root-only file");
	if (fd != -1)
		close(fd);
	r = shk_key_load_file(root_only, log_cb, NULL, &keys, &n);
	row(r == SHK_ERR_SYSTEM && n == 0,
	    "file capabilities: shk_key_load_file does not read it");
	shk_key_array_free(keys, n);
	fd = open(root_only, O_RDONLY);
	row(fd != -1, "file capabilities: the program has its capability back");
	if (fd != -1)
		close(fd);
	return nfail > 0;
}

int
main(int argc, char **argv)
{
	struct shk_ctx *ctx = NULL, *other = NULL;
	struct shk_key **keys = NULL, **mine = NULL;
	struct shk_keylist *kl = NULL;
	struct shk_sourcelist *sl = NULL;
	struct shk_policy_params pp;
	struct shk_verification *v = NULL;
	enum shk_decision dec;
	struct passwd *pw;
	struct seen seen = {"secret.example", 0};
	char path[4096];
	size_t n = 0, nmine = 0;
	int r = SHK_OK, e;

	if (argc == 3 && strcmp(argv[1], "--caps") == 0)
		return caps_rows(argv[2]);
	if (argc != 4) {
		fprintf(stderr, "usage: setuid-lib ROOT_ONLY_KEYFILE KEYFILE ROOT_DIR\n");
		return 2;
	}
	if (geteuid() != 0 || getuid() == 0) {
		printf("FAIL - not run setuid root by another user (uid %lu, euid %lu)\n",
		       (unsigned long)getuid(), (unsigned long)geteuid());
		return 1;
	}
	if ((pw = getpwuid(getuid())) == NULL || pw->pw_dir == NULL) {
		printf("FAIL - no home for uid %lu\n", (unsigned long)getuid());
		return 1;
	}

	/* Key files the caller names. */
	errno = 0;
	last_msg[0] = '\0';
	r = shk_key_load_file(argv[1], log_cb, NULL, &keys, &n);
	e = errno;
	row(r == SHK_ERR_SYSTEM && n == 0 && keys == NULL &&
		    (e == EACCES || strstr(last_msg, strerror(EACCES)) != NULL),
	    "shk_key_load_file: a root-only 0600 key file is refused (EACCES), not read");
	shk_key_array_free(keys, n);
	row(privileges_back(argv[1]), "after the call the program has its own rights back");
	r = shk_key_load_file(argv[2], log_cb, NULL, &mine, &nmine);
	row(r == SHK_OK && nmine == 1, "control: a key file the user may read is read");
	if (r != SHK_OK || nmine != 1)
		return 1;

	/* The stores, with a root prefix and SSHHOSTKEYS_ROOT. */
	r = shk_ctx_open(&other, argv[3], 0, log_cb, NULL);
	row(r == SHK_ERR_INVAL && other == NULL, "shk_ctx_open: a root prefix is refused");
	shk_ctx_close(other);
	other = NULL;
	{
		/* Nor may it name the user's home or owner: both would let the
		 * caller pick the files the library trusts as the user's. */
		struct shk_ctx_options o = {.size = sizeof(o), .log = log_cb, .home = argv[3]};

		r = shk_ctx_open_with(&other, &o);
		row(r == SHK_ERR_INVAL && other == NULL, "shk_ctx_open_with: a home is refused");
		o.home = NULL;
		o.flags = SHK_CTX_USER_UID;
		o.user_uid = 0;
		r = shk_ctx_open_with(&other, &o);
		row(r == SHK_ERR_INVAL && other == NULL,
		    "shk_ctx_open_with: a user uid is refused");
	}
	r = shk_ctx_open(&ctx, NULL, 0, log_cb, NULL);
	row(r == SHK_OK, "control: shk_ctx_open with the real root");
	if (r != SHK_OK)
		return 1;
	r = shk_sources(ctx, &sl);
	row(r == SHK_OK && sl->config_file != NULL &&
		    strcmp(sl->config_file, "/etc/nsswitch.conf") == 0,
	    "SSHHOSTKEYS_ROOT is ignored: /etc/nsswitch.conf is read");
	shk_sourcelist_free(sl);
	r = shk_lookup(ctx, "sys.example", 0, NULL, &kl);
	row(r == SHK_OK && kl->count > 0,
	    "control: the system known_hosts is read (the modules load)");
	shk_keylist_free(kl);

	/* ~/.ssh/known_hosts, a symbolic link to a root-only file. */
	r = shk_lookup(ctx, "secret.example", 0, NULL, &kl);
	row(r == SHK_ERR_NOTFOUND,
	    "lookup: ~/.ssh/known_hosts linked to a root-only file is not read");
	shk_keylist_free(kl);
	r = shk_foreach(ctx, foreach_cb, &seen);
	row(!seen.found, "foreach: the root-only file's keys are not listed");
	row(privileges_back(argv[1]), "after lookups the program has its own rights back");

	/* The system store: the real user may not write it. */
	r = shk_store_add(ctx, SHK_STORE_SYSTEM, SHK_FORMAT_PLAIN, "new.example", 0,
			  (const struct shk_key *const *)mine, 1, NULL);
	row(r != SHK_OK, "shk_store_add to the system store refused");
	memset(&pp, 0, sizeof(pp));
	pp.size = sizeof(pp);
	pp.policy = SHK_POLICY_ACCEPT_NEW;
	pp.scope = SHK_STORE_SYSTEM;
	pp.format = SHK_FORMAT_PLAIN;
	dec = SHK_DECISION_REFUSE;
	r = shk_check_host_key(ctx, "new2.example", 0, mine[0], &pp, &dec, &v);
	shk_verification_free(v);
	row(dec != SHK_DECISION_ACCEPT_AND_STORE, "accept-new into the system store: not stored");
	r = shk_store_remove(ctx, SHK_STORE_SYSTEM, "sys.example", 0, NULL);
	row(r != SHK_OK, "shk_store_remove from the system store refused");
	r = shk_lookup(ctx, "sys.example", 0, NULL, &kl);
	row(r == SHK_OK, "the system known_hosts still names sys.example");
	shk_keylist_free(kl);

	/* The user's store: created as the user, not as root. */
	r = shk_store_add(ctx, SHK_STORE_USER, SHK_FORMAT_PLAIN, "new.example", 0,
			  (const struct shk_key *const *)mine, 1, NULL);
	snprintf(path, sizeof(path), "%s/.ssh2/hostkeys/key_22_new.example.pub", pw->pw_dir);
	row(r == SHK_OK && owned_by_caller(path), "shk_store_add to the user store: the file "
						  "is the real user's");
	snprintf(path, sizeof(path), "%s/.ssh2/hostkeys", pw->pw_dir);
	row(owned_by_caller(path), "... and so is the directory it created");
	row(privileges_back(argv[1]), "after writes the program has its own rights back");

	/* Caches: a set-ID program writes none (the system known_hosts is
	 * big enough to be indexed, and settled). */
	row(empty_dir("/var/cache/sshhostkeys"), "no index or summary cache written");

	shk_key_array_free(mine, nmine);
	shk_ctx_close(ctx);
	return nfail > 0;
}
