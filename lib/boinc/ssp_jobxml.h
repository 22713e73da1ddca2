/* job.xml: the task list of a wrapped BOINC application, in the format of BOINC's own
 * wrapper (samples/wrapper), parsed with lib/boinc/ssp_xml under size caps.
 *
 *   <job_desc>
 *     <task>
 *       <application>worker</application>          logical name, or $PROJECT_DIR/path
 *       <command_line>--n 5 boinc_resolve(in)</command_line>
 *       <stdin_filename>in</stdin_filename>  <stdout_filename>out</stdout_filename>
 *       <stderr_filename>err</stderr_filename>
 *       <checkpoint_filename>ckpt</checkpoint_filename>
 *       <fraction_done_filename>frac</fraction_done_filename>
 *       <weight>2</weight>  <time_limit>3600</time_limit>  <setenv>NAME=value</setenv>
 *       <exec_dir>sub</exec_dir>  <append_cmdline_args/>  <multi_process/>  <priority>1</priority>
 *     </task>
 *     <ssp_output>result_file</ssp_output>           (SmartShare extension, repeatable)
 *   </job_desc>
 *
 * Known-but-unsupported features of BOINC's wrapper (<daemon>, <unzip_input>, <zip_output>,
 * a task's <daemon/>) are refused with SSP_ERR_UNSUPPORTED; other unknown elements are
 * ignored and counted (BOINC's wrapper ignores them too). */
#ifndef SSP_JOBXML_H
#define SSP_JOBXML_H

#include "core/ssp_err.h"

#include <stddef.h>

#define SSP_JOBXML_MAX_BYTES (64 * 1024) /* whole file */
#define SSP_JOBXML_MAX_TASKS 64
#define SSP_JOBXML_MAX_SETENV 64         /* per task */
#define SSP_JOBXML_MAX_OUTPUTS 64
#define SSP_JOBXML_MAX_STRING 4096       /* any one value, in bytes */
#define SSP_JOBXML_MAX_ARGS 256          /* words in one command line */

/* One task, read-only; strings are NULL when the element is absent. */
typedef struct ssp_jobxml_task {
	char *application;            /* required, non-empty */
	char *command_line;
	char *stdin_filename;
	char *stdout_filename;
	char *stderr_filename;
	char *checkpoint_filename;
	char *fraction_done_filename;
	char *exec_dir;
	char **setenv;                /* nsetenv "NAME=value" strings, NAME a valid identifier */
	size_t nsetenv;
	double weight;                /* >= 0, default 1 */
	double time_limit;            /* seconds of running time, 0 = none */
	int priority;                 /* 0 when absent */
	int append_cmdline_args;      /* boolean */
	int multi_process;            /* boolean (the whole process group is always handled) */
} ssp_jobxml_task;

typedef struct ssp_jobxml ssp_jobxml;

/* Parses job.xml text. On success *out is a new job (free with ssp_jobxml_free) with at least
 * one task and a positive total weight. SSP_ERR_TOO_BIG over a cap, SSP_ERR_PARSE for malformed
 * XML or values (a DOCTYPE is refused), SSP_ERR_UNSUPPORTED for BOINC wrapper features this
 * wrapper does not implement; em names the element. */
SSP_MUST_CHECK int ssp_jobxml_parse(const char *xml, size_t len, ssp_jobxml **out, ssp_errmsg *em);

/* Reads and parses the file at path (capped at SSP_JOBXML_MAX_BYTES). Adds SSP_ERR_NOT_FOUND
 * and SSP_ERR_IO to ssp_jobxml_parse's codes. */
SSP_MUST_CHECK int ssp_jobxml_read(const char *path, ssp_jobxml **out, ssp_errmsg *em);

/* Frees job (NULL allowed). */
void ssp_jobxml_free(ssp_jobxml *job);

/* The parsed job as JSON (*out caller-freed, *len its length): {"tasks": [{"application",
 * "command_line", "stdin_filename", "stdout_filename", "stderr_filename", "checkpoint_filename",
 * "fraction_done_filename", "exec_dir" (strings or null), "setenv" [strings], "weight",
 * "time_limit", "priority", "append_cmdline_args", "multi_process"}], "outputs": [strings],
 * "nignored": n, "first_ignored": string or null}. Lets one process hand a job parsed elsewhere
 * to another. Returns 0 or SSP_ERR_NOMEM. */
SSP_MUST_CHECK int ssp_jobxml_to_json(const ssp_jobxml *job, char **out, size_t *len);

/* Reads that JSON back under the same rules and caps as ssp_jobxml_parse (SSP_ERR_PARSE,
 * SSP_ERR_TOO_BIG with em naming the member). */
SSP_MUST_CHECK int ssp_jobxml_from_json(const char *json, size_t len, ssp_jobxml **out, ssp_errmsg *em);

/* Number of tasks (>= 1) and the i-th task (NULL when i is out of range). */
size_t ssp_jobxml_ntasks(const ssp_jobxml *job);
const ssp_jobxml_task *ssp_jobxml_task_at(const ssp_jobxml *job, size_t i);

/* Sum of the task weights (> 0). */
double ssp_jobxml_total_weight(const ssp_jobxml *job);

/* Output files named by <ssp_output> (logical names, in order); 0 when none. */
size_t ssp_jobxml_noutputs(const ssp_jobxml *job);
const char *ssp_jobxml_output_at(const ssp_jobxml *job, size_t i);

/* Number of unknown elements that were ignored, and the name of the first one (NULL if none). */
size_t ssp_jobxml_nignored(const ssp_jobxml *job);
const char *ssp_jobxml_first_ignored(const ssp_jobxml *job);

/* Replaces every occurrence of macro (non-empty) in s by value, left to right, without
 * rescanning the replacement. Returns a new string (*out, caller frees); SSP_ERR_TOO_BIG when
 * the result would exceed SSP_JOBXML_MAX_STRING, SSP_ERR_INVAL, SSP_ERR_NOMEM. */
SSP_MUST_CHECK int ssp_jobxml_replace(const char *s, const char *macro, const char *value, char **out);

/* Replaces every "$PROJECT_DIR" in s by project_dir. Returns a new string (*out, caller frees);
 * SSP_ERR_TOO_BIG when the result would exceed SSP_JOBXML_MAX_STRING, SSP_ERR_NOMEM. */
SSP_MUST_CHECK int ssp_jobxml_subst(const char *s, const char *project_dir, char **out);

/* Splits a command line into words like BOINC's wrapper: runs of blanks separate words,
 * and "double" or 'single' quotes group blanks into a word (the quotes are removed).
 * On success *argv is a new NULL-terminated array of *argc new strings; free it with
 * ssp_jobxml_argv_free. SSP_ERR_PARSE for an unterminated quote, SSP_ERR_TOO_BIG for more
 * than SSP_JOBXML_MAX_ARGS words. */
SSP_MUST_CHECK int ssp_jobxml_split_cmdline(const char *line, char ***argv, size_t *argc, ssp_errmsg *em);
void ssp_jobxml_argv_free(char **argv);

#endif
