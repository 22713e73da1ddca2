/* ssp_wrapper's engine: runs the tasks of job.xml under the BOINC client, measures them,
 * checkpoints, and writes the share receipt. The only code that calls the BOINC API. */
#ifndef SSP_WRAPPER_H
#define SSP_WRAPPER_H

#include <stddef.h>

/* Exit statuses of a failed result (the client records them as the result's exit status).
 * Each failure kind has its own, and a line in stderr.txt says what happened. */
#define SSP_WRAPPER_EXIT_INIT 80          /* bad options, unreadable init_data.xml, BOINC init */
#define SSP_WRAPPER_EXIT_JOBXML 81        /* job.xml missing, malformed or unsupported */
#define SSP_WRAPPER_EXIT_NOAPP 82         /* a task's application file is missing or not runnable */
#define SSP_WRAPPER_EXIT_TASK_FAILED 83   /* a task exited with a non-zero status */
#define SSP_WRAPPER_EXIT_TASK_SIGNALED 84 /* a task was killed by a signal */
#define SSP_WRAPPER_EXIT_TASK_IO 85       /* a task's stdin/stdout/stderr/exec_dir could not be set up */
#define SSP_WRAPPER_EXIT_OUTPUT 86        /* checkpoint state, output hashing or receipt failed */

typedef struct ssp_wrapper_opts {
	int nthreads;           /* $NTHREADS in job.xml (default 1) */
	int poll_ms;            /* poll period for client messages, default 100 */
	int gpu_device;         /* --device N (appended by clients before API 7.5), -1 if none */
	int use_tstp;           /* --use_tstp: suspend tasks with SIGTSTP instead of SIGSTOP */
	char **passthrough;     /* arguments appended to tasks with <append_cmdline_args/> */
	size_t npassthrough;
} ssp_wrapper_opts;

/* Runs the job to its end and never returns: boinc_finish(0) on success, boinc_finish(code)
 * with one of the codes above on failure, exit(0) when the client asks it to quit or
 * disappears (the next start resumes from the checkpoint). */
void ssp_wrapper_run(const ssp_wrapper_opts *opts) __attribute__((noreturn));

#endif
