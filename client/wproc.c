#include "wproc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_TREE 4096

/* Reads a small /proc file into buf (NUL-terminated). Returns its length or -1. */
static ssize_t read_small(const char *path, char *buf, size_t size)
{
	ssize_t n, used = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	while ((size_t)used < size - 1) {
		n = read(fd, buf + used, size - 1 - (size_t)used);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		used += n;
	}
	close(fd);
	buf[used] = '\0';
	return used;
}

struct pstat {
	pid_t pgrp;
	long nthreads;
	unsigned long long ticks; /* utime + stime + cutime + cstime */
};

static int read_stat(pid_t pid, struct pstat *ps)
{
	char path[64], buf[1024], *p;
	unsigned long long ut, st, cut, cst;
	long pgrp, nthreads;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (read_small(path, buf, sizeof(buf)) <= 0)
		return -1;
	/* comm may hold spaces and parentheses: fields resume after the last ')'. */
	p = strrchr(buf, ')');
	if (p == NULL)
		return -1;
	/* state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime
	 * cutime cstime priority nice num_threads */
	if (sscanf(p + 2, "%*c %*d %ld %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu %llu %llu %*d %*d %ld",
		   &pgrp, &ut, &st, &cut, &cst, &nthreads) != 6)
		return -1;
	ps->pgrp = (pid_t)pgrp;
	ps->nthreads = nthreads;
	ps->ticks = ut + st + cut + cst;
	return 0;
}

static uint64_t read_hwm_kb(pid_t pid)
{
	char path[64], buf[4096], *p;
	unsigned long long kb = 0;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if (read_small(path, buf, sizeof(buf)) <= 0)
		return 0;
	p = strstr(buf, "\nVmHWM:");
	if (p != NULL)
		sscanf(p + 7, "%llu", &kb);
	return kb;
}

/* Appends the children listed in one /proc/.../children file. */
static void add_children(const char *path, pid_t *tree, size_t *n)
{
	char buf[8192], *p, *end;

	if (read_small(path, buf, sizeof(buf)) <= 0)
		return;
	for (p = buf; *n < MAX_TREE; p = end) {
		long v = strtol(p, &end, 10);

		if (end == p)
			break;
		if (v > 0)
			tree[(*n)++] = (pid_t)v;
	}
}

/* Collects parent (first) and its descendants (breadth first) into tree; returns the count. */
static size_t collect_tree(pid_t parent, pid_t *tree, struct pstat *stats)
{
	size_t n = 0, i;

	tree[n++] = parent;
	for (i = 0; i < n; i++) {
		char path[96];

		if (read_stat(tree[i], &stats[i]) != 0) {
			stats[i].pgrp = -1;
			continue;
		}
		if (stats[i].nthreads <= 1) {
			snprintf(path, sizeof(path), "/proc/%d/task/%d/children", (int)tree[i], (int)tree[i]);
			add_children(path, tree, &n);
		} else {
			DIR *d;
			struct dirent *e;

			snprintf(path, sizeof(path), "/proc/%d/task", (int)tree[i]);
			d = opendir(path);
			if (d == NULL)
				continue;
			while ((e = readdir(d)) != NULL) {
				if (e->d_name[0] < '0' || e->d_name[0] > '9')
					continue;
				snprintf(path, sizeof(path), "/proc/%d/task/%.16s/children", (int)tree[i],
					 e->d_name);
				add_children(path, tree, &n);
			}
			closedir(d);
		}
	}
	return n;
}

int wproc_tree_usage(pid_t parent, int want_rss, wproc_usage *u)
{
	static pid_t tree[MAX_TREE];
	static struct pstat stats[MAX_TREE];
	static long hz;
	unsigned long long ticks = 0;
	size_t n;

	memset(u, 0, sizeof(*u));
	if (hz <= 0)
		hz = sysconf(_SC_CLK_TCK);
	n = collect_tree(parent, tree, stats);
	if (stats[0].pgrp < 0)
		return -1;
	for (size_t i = 1; i < n; i++) {
		if (stats[i].pgrp < 0)
			continue;
		ticks += stats[i].ticks;
		u->nprocs++;
		if (want_rss) {
			uint64_t kb = read_hwm_kb(tree[i]);

			if (kb > u->peak_rss_kb)
				u->peak_rss_kb = kb;
		}
	}
	u->cpu = (double)ticks / (double)(hz > 0 ? hz : 100);
	return 0;
}

int wproc_tree_signal(pid_t parent, pid_t pgid, int sig)
{
	static pid_t tree[MAX_TREE];
	static struct pstat stats[MAX_TREE];
	size_t n;
	int count = 0;

	if (pgid > 1)
		kill(-pgid, sig);
	n = collect_tree(parent, tree, stats);
	for (size_t i = 1; i < n; i++) {
		if (stats[i].pgrp < 0 || stats[i].pgrp == pgid)
			continue;
		if (kill(tree[i], sig) == 0)
			count++;
	}
	return count;
}

int wproc_is_leftover(pid_t pid, const char *cwd)
{
	char path[64], target[PATH_MAX];
	struct pstat ps;
	ssize_t n;

	if (pid <= 1 || read_stat(pid, &ps) != 0 || ps.pgrp != pid)
		return 0;
	snprintf(path, sizeof(path), "/proc/%d/cwd", (int)pid);
	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0)
		return 0;
	target[n] = '\0';
	return strcmp(target, cwd) == 0;
}
