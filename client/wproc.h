/* Process-tree helpers for ssp_wrapper (Linux /proc). A task is the process the wrapper
 * started (the leader of its own process group) and every live descendant. The wrapper is a
 * child subreaper running one task at a time, so the task is exactly the wrapper's
 * descendants: those that lose their parent are re-parented to the wrapper. */
#ifndef SSP_WPROC_H
#define SSP_WPROC_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

typedef struct wproc_usage {
	double cpu;            /* user + system seconds of the live tree, incl. its reaped children */
	uint64_t peak_rss_kb;  /* largest VmHWM in the tree (only when asked for) */
	size_t nprocs;         /* live processes found */
} wproc_usage;

/* Sums the CPU time of the live descendants of parent, not parent itself (each process's
 * utime+stime+cutime+cstime). With want_rss, also their largest VmHWM. Returns 0, or -1 when
 * parent cannot be read. */
int wproc_tree_usage(pid_t parent, int want_rss, wproc_usage *u);

/* Sends sig to the process group pgid (when > 1) and to every live descendant of parent outside
 * it. Returns the number of processes signalled individually (0 is normal). */
int wproc_tree_signal(pid_t parent, pid_t pgid, int sig);

/* True when process pid exists, leads its own process group and has cwd as its working
 * directory: a task left behind by an earlier run of the wrapper in this slot. */
int wproc_is_leftover(pid_t pid, const char *cwd);

#endif
