/* SPDX-License-Identifier: MIT */
/*
 * Interleaved wall-clock timing of whole processes for make bench.
 *
 *   benchtime [-n RUNS] < SPEC
 *
 * SPEC lines: "group TITLE" starts a group; "cmd LABEL ARG0 ARG1 ..."
 * adds a command (split on spaces, no shell) to it. The first command of
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

static int
run(struct cmd *c, double *wall, double *cpu)
{
	struct rusage ru;
	double t0;
	pid_t pid;
	int status, fd;

	t0 = now();
	if ((pid = fork()) == -1)
		return -1;
	if (pid == 0) {
		if ((fd = open("/dev/null", O_RDWR)) != -1) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execvp(c->argv[0], c->argv);
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

		run(&cmds[i], &w, &c); /* warm-up: page cache, index cache */
		cmds[i].maxrss_kb = 0;
	}
	for (r = 0; r < runs; r++) {
		for (k = 0; k < ncmds; k++) {
			i = (k + r) % ncmds;
			if (run(&cmds[i], &cmds[i].wall[r], &cmds[i].cpu[r]) != 0) {
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
	char line[8192], title[8192] = "", *p, *tok, *save = NULL;
	int runs = 5, ncmds = 0, c, a;

	while ((c = getopt(argc, argv, "n:")) != -1) {
		if (c != 'n')
			return 2;
		runs = atoi(optarg);
	}
	if (runs < 1 || runs >= MAXRUNS)
		runs = 5;
	while (fgets(line, sizeof(line), stdin) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if (strncmp(line, "group ", 6) == 0) {
			run_group(title, cmds, ncmds, runs);
			free_cmds(cmds, ncmds);
			ncmds = 0;
			snprintf(title, sizeof(title), "%s", line + 6);
		} else if (strncmp(line, "cmd ", 4) == 0 && ncmds < MAXCMDS) {
			struct cmd *cm = &cmds[ncmds];

			p = line + 4;
			if ((tok = strtok_r(p, " ", &save)) == NULL)
				continue;
			cm->label = strdup(tok);
			for (a = 0; a < MAXARGS && (tok = strtok_r(NULL, " ", &save)) != NULL;
			     a++)
				cm->argv[a] = strdup(tok);
			cm->argv[a] = NULL;
			if (a > 0)
				ncmds++;
			else
				free(cm->label);
		}
	}
	run_group(title, cmds, ncmds, runs);
	free_cmds(cmds, ncmds);
	return 0;
}
