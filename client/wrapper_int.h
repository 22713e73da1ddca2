/* ssp_wrapper's engine, shared between its files: wrapper.c (start, checkpoint state, receipt,
 * reading job.xml and init_data.xml) and wtask.c (preparing and running one task). */
#ifndef SSP_WRAPPER_INT_H
#define SSP_WRAPPER_INT_H

#include "wrapper.h"

#include "crypto/ssp_sha256.h"
#include "boinc/ssp_appapi.h"
#include "boinc/ssp_initdata.h"
#include "boinc/ssp_jobxml.h"
#include "boinc/ssp_receipt.h"

#include <signal.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/types.h>

#define PATH_CAP 4096
/* A task ready to start: everything resolved before fork(). */
struct prepared {
	char app_path[PATH_CAP];      /* absolute */
	char **argv;                  /* NULL-terminated, owned */
	char **envp;                  /* NULL-terminated, owned */
	int fd_in, fd_out, fd_err;    /* -1 when inherited */
	char *exec_dir;               /* NULL for the slot directory */
};

/* The running task. Times of this run are cumulative since it started; the *_base values
 * are what was already moved into the checkpoint state at the task's last checkpoint. */
struct running {
	pid_t pid;                    /* leader and process group */
	int suspended;
	double wall, wall_base;       /* running (not suspended) seconds in this run */
	double cpu_seen;              /* CPU of the live tree, latest reading from /proc */
	double reaped_cpu;            /* CPU of re-parented descendants the wrapper reaped */
	double cpu_base;
	uint64_t reaped_rss_kb;
	char ckpt_path[PATH_CAP];     /* the task's checkpoint file, resolved; "" if none */
	char frac_path[PATH_CAP];     /* its fraction-done file, resolved; "" if none */
	struct stat ckpt_stat;        /* the task's checkpoint file as last seen */
	int ckpt_seen;
	int stopped_for_limit;        /* killed by us at its time limit */
};

struct wrapper {
	const ssp_wrapper_opts *opts;
	ssp_initdata *init;
	ssp_jobxml *job;
	uint8_t job_digest[SSP_SHA256_LEN];
	ssp_receipt_state st;
	char cwd[PATH_CAP];
	double total_weight;
	double est_cpu;               /* the work unit's CPU estimate, seconds; 0 if none */
	double reported;              /* last fraction reported */
	int standalone;
	pid_t client_pid;             /* our parent, the BOINC client; 0 in standalone mode */
};

/* Set by the termination signal handler: the signal number. */
extern volatile sig_atomic_t got_term;
/* The running task's process group, so that a failure while it runs does not leave it behind. */
extern pid_t running_pgid;
/* The link to the BOINC client (standalone: not attached). */
extern ssp_appapi wapi;

/* Monotonic clock, seconds. */
double now_mono(void);
/* Sleeps ms milliseconds (a signal may end it early). */
void sleep_ms(int ms);
/* A timeval in seconds. */
double tv_sec(struct timeval tv);
/* Logs the wrapper's own resource use (the benchmark reads this line). */
void log_self_usage(void);
/* Ends the result with an error: one clear line in stderr.txt, then boinc_finish(code). */
void __attribute__((noreturn)) fail(int code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Ends the run: sends the last status, writes boinc_finish_called with code, releases the
 * slot lock, exits with code (BOINC's boinc_finish). */
void __attribute__((noreturn)) finish(int code);
/* The physical path of a logical file name (the name itself when it is no link). */
void resolve(const char *logical, char *out, size_t size);
/* Frees a NULL-terminated string vector (NULL allowed). */
void argv_free(char **v);

/* The absolute path of task i's application; fails the result when it is missing. */
void app_path(struct wrapper *w, size_t i, char *out, size_t size);
/* Writes the checkpoint state; fails the result when it cannot. */
void state_save(struct wrapper *w);
/* Reports CPU time and fraction done (never decreasing) to the client. */
void report(struct wrapper *w, double cpu_total, double frac);
/* Sends the last status report if the client has not taken it yet. */
void report_flush(void);
/* True while a status report waits to be sent. */
int report_pending(void);
/* CPU seconds of everything already accounted: finished tasks and the current task's
 * earlier runs. */
double cpu_before(const struct wrapper *w);
/* The GPU device number for $GPU_DEVICE_NUM: init_data.xml's, else --device's; -1 if none. */
int gpu_device(const struct wrapper *w);
/* Runs task i to its end and records it in the state. */
void run_task(struct wrapper *w, size_t i);

#endif
