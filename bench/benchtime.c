/* SPDX-License-Identifier: MIT */
/*
 * Interleaved wall-clock timing of whole processes for make bench.
 *
 *   benchtime [-n RUNS] [-u USER] < SPEC
 *
 * -u USER: the commands run as USER (uid, gid, no supplementary groups;
 * benchtime itself must be root), the group's prep as the caller, so
 * that a root-owned store can be touched before an ordinary user's run.
 * "%N" in a command's argument is replaced by the run's number as two
 * digits (00 for the warm-up, then 01, 02...): "h00500%N.example.com"
 * asks a name not asked before in every run.
 *
 * SPEC lines: "group TITLE" starts a group; "cmd LABEL ARG0 ARG1 ..."
 * adds a command (split on spaces, no shell) to it; "prep ARG0 ARG1 ..."
 * gives the group a command run, untimed, before every run of every one
 * of its commands (e.g. "touch STORE": each run then meets a store that
 * changed a moment ago, as after an edit). The first command of
 * a group is the reference. Every command is run once to warm caches,
 * then RUNS rounds run each command once, the starting command rotating
 * so that none always runs first. Prints a Markdown table per group:
 * median/min/max wall time, median CPU (user+system), peak RSS, exit
 * status, and the reference's median divided by the command's.
 * Reports; never fails on slow results.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAXCMDS 8
#define MAXARGS 32
#define MAXRUNS 101

struct cmd {
	char *label;
	char *argv[MAXARGS + 1];
	double wall[MAXRUNS], cpu[MAXRUNS];
	long maxrss_kb;
	int rc;
};

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The group's untimed preparation (may be NULL); its status is ignored,
 * but a failure to start it is reported. */
static char *prep_argv[MAXARGS + 1];

static void
run_prep(void)
{
	pid_t pid;
	int status, fd;

	if (prep_argv[0] == NULL)
		return;
	if ((pid = fork()) == -1) {
		fprintf(stderr, "benchtime: prep: %s\n", strerror(errno));
		return;
	}
	if (pid == 0) {
		if ((fd = open("/dev/null", O_RDWR)) != -1) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execvp(prep_argv[0], prep_argv);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
		;
}

/* -u: who runs the commands; run_as is 0 when nobody was named. */
static int run_as;
static uid_t run_uid;
static gid_t run_gid;

/* In the child: drop to -u's user, or exit before exec. */
static void
drop_to_user(void)
{
	if (!run_as)
		return;
	if (setgroups(0, NULL) != 0 || setresgid(run_gid, run_gid, run_gid) != 0 ||
	    setresuid(run_uid, run_uid, run_uid) != 0)
		_exit(126);
}

/* argv with each "%N" replaced by the run number (two digits), into out
 * (strings in buf). */
static void
expand_argv(char *const *argv, int runno, char **out, char *buf, size_t cap)
{
	size_t used = 0;
	int a;

	for (a = 0; argv[a] != NULL; a++) {
		const char *s = argv[a], *p;
		char *dst = buf + used;

		while ((p = strstr(s, "%N")) != NULL && used + (size_t)(p - s) + 3 < cap) {
			memcpy(buf + used, s, (size_t)(p - s));
			used += (size_t)(p - s);
			used += (size_t)snprintf(buf + used, cap - used, "%02d", runno % 100);
			s = p + 2;
		}
		used += (size_t)snprintf(buf + used, cap - used, "%s", s) + 1;
		out[a] = used <= cap ? dst : argv[a];
	}
	out[a] = NULL;
}

static int
run(struct cmd *c, int runno, double *wall, double *cpu)
{
	char *argv[MAXARGS + 1], argbuf[16384];

	struct rusage ru;
	double t0;
	pid_t pid;
	int status, fd;

	expand_argv(c->argv, runno, argv, argbuf, sizeof(argbuf));
	run_prep();
	t0 = now();
	if ((pid = fork()) == -1)
		return -1;
	if (pid == 0) {
		if ((fd = open("/dev/null", O_RDWR)) != -1) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		drop_to_user();
		execvp(argv[0], argv);
		_exit(127);
	}
	if (wait4(pid, &status, 0, &ru) == -1)
		return -1;
	*wall = now() - t0;
	*cpu = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	       (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
	if (ru.ru_maxrss > c->maxrss_kb)
		c->maxrss_kb = ru.ru_maxrss;
	c->rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	return 0;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double
median(double *v, int n)
{
	double s[MAXRUNS];

	memcpy(s, v, sizeof(double) * (size_t)n);
	qsort(s, (size_t)n, sizeof(double), cmp_double);
	return n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

static void
run_group(const char *title, struct cmd *cmds, int ncmds, int runs)
{
	double mins, maxs, ref = 0, m;
	int i, r, k;

	if (ncmds == 0)
		return;
	for (i = 0; i < ncmds; i++) {
		double w, c;

		run(&cmds[i], 0, &w, &c); /* warm-up: page cache, index cache */
		cmds[i].maxrss_kb = 0;
	}
	for (r = 0; r < runs; r++) {
		for (k = 0; k < ncmds; k++) {
			i = (k + r) % ncmds;
			if (run(&cmds[i], r + 1, &cmds[i].wall[r], &cmds[i].cpu[r]) != 0) {
				fprintf(stderr, "benchtime: %s: %s\n", cmds[i].label,
					strerror(errno));
				cmds[i].wall[r] = cmds[i].cpu[r] = 0;
			}
		}
	}
	printf("\n### %s\n\n", title);
	printf("| command | median ms | min ms | max ms | CPU ms | peak RSS KiB | exit | "
	       "ref/this |\n");
	printf("|---|---:|---:|---:|---:|---:|---:|---:|\n");
	for (i = 0; i < ncmds; i++) {
		m = median(cmds[i].wall, runs);
		mins = maxs = cmds[i].wall[0];
		for (r = 1; r < runs; r++) {
			if (cmds[i].wall[r] < mins)
				mins = cmds[i].wall[r];
			if (cmds[i].wall[r] > maxs)
				maxs = cmds[i].wall[r];
		}
		if (i == 0)
			ref = m;
		printf("| %s | %.2f | %.2f | %.2f | %.2f | %ld | %d | ", cmds[i].label, m * 1e3,
		       mins * 1e3, maxs * 1e3, median(cmds[i].cpu, runs) * 1e3,
		       cmds[i].maxrss_kb, cmds[i].rc);
		if (i == 0)
			printf("(ref) |\n");
		else
			printf("%.1f× |\n", m > 0 ? ref / m : 0);
	}
	fflush(stdout);
}

static void
free_prep(void)
{
	int a;

	for (a = 0; prep_argv[a] != NULL; a++) {
		free(prep_argv[a]);
		prep_argv[a] = NULL;
	}
}

/* Split p on spaces into argv (at most MAXARGS words); returns the count. */
static int
split_args(char *p, char **argv)
{
	char *tok, *save = NULL;
	int a;

	for (a = 0; a < MAXARGS && (tok = strtok_r(p, " ", &save)) != NULL; a++, p = NULL)
		argv[a] = strdup(tok);
	argv[a] = NULL;
	return a;
}

static void
free_cmds(struct cmd *cmds, int n)
{
	int i, a;

	for (i = 0; i < n; i++) {
		free(cmds[i].label);
		for (a = 0; cmds[i].argv[a] != NULL; a++)
			free(cmds[i].argv[a]);
		memset(&cmds[i], 0, sizeof(cmds[i]));
	}
}

int
main(int argc, char **argv)
{
	static struct cmd cmds[MAXCMDS];
	char line[8192], title[8192] = "", *p;
	int runs = 5, ncmds = 0, c;

	while ((c = getopt(argc, argv, "n:u:")) != -1) {
		struct passwd *pw;

		switch (c) {
		case 'n':
			runs = atoi(optarg);
			break;
		case 'u':
			if ((pw = getpwnam(optarg)) == NULL) {
				fprintf(stderr, "benchtime: no user %s\n", optarg);
				return 2;
			}
			run_as = 1;
			run_uid = pw->pw_uid;
			run_gid = pw->pw_gid;
			break;
		default:
			return 2;
		}
	}
	if (runs < 1 || runs >= MAXRUNS || runs > 99)
		runs = 5;
	while (fgets(line, sizeof(line), stdin) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if (strncmp(line, "group ", 6) == 0) {
			run_group(title, cmds, ncmds, runs);
			free_cmds(cmds, ncmds);
			free_prep();
			ncmds = 0;
			snprintf(title, sizeof(title), "%s", line + 6);
		} else if (strncmp(line, "prep ", 5) == 0) {
			free_prep();
			split_args(line + 5, prep_argv);
		} else if (strncmp(line, "cmd ", 4) == 0 && ncmds < MAXCMDS) {
			struct cmd *cm = &cmds[ncmds];

			p = line + 4 + strspn(line + 4, " ");
			if (*p == '\0')
				continue;
			cm->label = strndup(p, strcspn(p, " "));
			if (split_args(p + strlen(cm->label), cm->argv) > 0)
				ncmds++;
			else
				free(cm->label);
		}
	}
	run_group(title, cmds, ncmds, runs);
	free_cmds(cmds, ncmds);
	free_prep();
	return 0;
}
