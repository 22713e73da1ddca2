/* The share receipt (ssp_receipt.json, docs/formats.md) and the wrapper's checkpoint state.
 *
 * Receipt, version 1: a JSON object with exactly these members
 *   "version": 1,
 *   "wu_name": string, "result_name": string, "userid": integer, "hostid": integer,
 *   "wrapper": {"name": string, "version": string},
 *   "tasks": [ {"application": string, "exit_status": integer, "cpu_time": seconds,
 *               "wall_time": seconds, "peak_rss_kb": integer}, ... ]      (1..64 tasks)
 *   "cpu_time": seconds, "wall_time": seconds        (the sums over the tasks)
 *   "outputs": [ {"name": string, "bytes": integer, "sha256": 64 lowercase hex}, ... ] (0..64)
 *   "started_at": unix seconds, "finished_at": unix seconds
 * Times in seconds are JSON numbers rounded to microseconds; cpu_time is user + system time of
 * the task's processes, wall_time its running (not suspended) time, both summed over restarts.
 * An output's name is its physical file name (as stored in the project's upload directory):
 * 1..255 bytes of [A-Za-z0-9._+-], not starting with '.'. Other names are 1..255 bytes without
 * control characters. The receipt holds nothing secret from init_data.xml.
 *
 * The parser is strict: size cap, exactly the members above with their types and ranges,
 * no duplicate keys or output names, totals equal to the sums, finished_at >= started_at. */
#ifndef SSP_RECEIPT_H
#define SSP_RECEIPT_H

#include "core/ssp_err.h"
#include "crypto/ssp_sha256.h"

#include <stddef.h>
#include <stdint.h>

#define SSP_RECEIPT_VERSION 1
#define SSP_RECEIPT_FILE "ssp_receipt.json"     /* the receipt's logical file name */
#define SSP_RECEIPT_MAX_BYTES (256 * 1024)
#define SSP_RECEIPT_MAX_TASKS 64
#define SSP_RECEIPT_MAX_OUTPUTS 64
#define SSP_RECEIPT_MAX_NAME 255
#define SSP_RECEIPT_MAX_SECONDS 1e9              /* cap on any time value */
#define SSP_RECEIPT_MAX_RSS_KB (1ULL << 40)
#define SSP_RECEIPT_MAX_BYTES_OUT (1ULL << 53)   /* cap on an output's size */

typedef struct ssp_receipt_task {
	char application[SSP_RECEIPT_MAX_NAME + 1];
	int exit_status;          /* the exit code, or -signal; -255..255 */
	double cpu_time;
	double wall_time;
	uint64_t peak_rss_kb;
} ssp_receipt_task;

typedef struct ssp_receipt_output {
	char name[SSP_RECEIPT_MAX_NAME + 1];
	uint64_t bytes;
	uint8_t sha256[SSP_SHA256_LEN];
} ssp_receipt_output;

typedef struct ssp_receipt ssp_receipt;

/* ---- building (the wrapper) ---- */

/* A new, empty receipt (*out; free with ssp_receipt_free). Returns 0 or SSP_ERR_NOMEM. */
SSP_MUST_CHECK int ssp_receipt_new(ssp_receipt **out);
/* Frees r (NULL allowed). */
void ssp_receipt_free(ssp_receipt *r);

/* Setters; each returns 0 or SSP_ERR_INVAL when a value breaks the rules above. */
SSP_MUST_CHECK int ssp_receipt_set_result(ssp_receipt *r, const char *wu_name, const char *result_name,
			   uint64_t userid, uint64_t hostid);
SSP_MUST_CHECK int ssp_receipt_set_wrapper(ssp_receipt *r, const char *name, const char *version);
SSP_MUST_CHECK int ssp_receipt_set_times(ssp_receipt *r, int64_t started_at, int64_t finished_at);
/* Appends a copy of t (times are rounded to microseconds). SSP_ERR_TOO_BIG past 64 tasks. */
SSP_MUST_CHECK int ssp_receipt_add_task(ssp_receipt *r, const ssp_receipt_task *t);
/* Appends an output. SSP_ERR_TOO_BIG past 64 outputs, SSP_ERR_EXISTS for a repeated name. */
SSP_MUST_CHECK int ssp_receipt_add_output(ssp_receipt *r, const char *name, uint64_t bytes,
			   const uint8_t sha256[SSP_SHA256_LEN]);
/* Hashes the file at path and appends it under name. Adds ssp_sha256_file's codes. */
SSP_MUST_CHECK int ssp_receipt_add_output_file(ssp_receipt *r, const char *name, const char *path);

/* Serializes r (totals computed here) as pretty-printed JSON ending in a newline; *out is
 * caller-freed, *len its length. SSP_ERR_INVAL when r is incomplete (no task, no result). */
SSP_MUST_CHECK int ssp_receipt_to_json(const ssp_receipt *r, char **out, size_t *len);
/* Serializes r and writes it to path atomically (mode 0644). */
SSP_MUST_CHECK int ssp_receipt_write(const ssp_receipt *r, const char *path);

/* ---- reading and checking (the validator, auditors) ---- */

/* Parses receipt JSON strictly (see above) into a new *out. Returns 0, SSP_ERR_TOO_BIG,
 * SSP_ERR_PARSE (em names the member), SSP_ERR_UNSUPPORTED for a newer version, SSP_ERR_NOMEM. */
SSP_MUST_CHECK int ssp_receipt_parse(const char *json, size_t len, ssp_receipt **out, ssp_errmsg *em);
/* Reads the file at path (capped) and parses it. Adds SSP_ERR_NOT_FOUND and SSP_ERR_IO. */
SSP_MUST_CHECK int ssp_receipt_read(const char *path, ssp_receipt **out, ssp_errmsg *em);

SSP_MUST_CHECK int ssp_receipt_version(const ssp_receipt *r);
const char *ssp_receipt_wu_name(const ssp_receipt *r);
const char *ssp_receipt_result_name(const ssp_receipt *r);
uint64_t ssp_receipt_userid(const ssp_receipt *r);
uint64_t ssp_receipt_hostid(const ssp_receipt *r);
const char *ssp_receipt_wrapper_name(const ssp_receipt *r);
const char *ssp_receipt_wrapper_version(const ssp_receipt *r);
int64_t ssp_receipt_started_at(const ssp_receipt *r);
int64_t ssp_receipt_finished_at(const ssp_receipt *r);
/* Totals: the sums over the tasks. */
double ssp_receipt_cpu_time(const ssp_receipt *r);
double ssp_receipt_wall_time(const ssp_receipt *r);
size_t ssp_receipt_ntasks(const ssp_receipt *r);
/* The i-th task or output, NULL when i is out of range. Owned by r. */
const ssp_receipt_task *ssp_receipt_task_at(const ssp_receipt *r, size_t i);
size_t ssp_receipt_noutputs(const ssp_receipt *r);
const ssp_receipt_output *ssp_receipt_output_at(const ssp_receipt *r, size_t i);
/* The output named name, NULL when there is none. */
const ssp_receipt_output *ssp_receipt_find_output(const ssp_receipt *r, const char *name);

/* Checks the file at path against output o: 0 when its size and SHA-256 match,
 * SSP_ERR_MISMATCH when they do not (em says which), SSP_ERR_NOT_FOUND / SSP_ERR_IO otherwise. */
SSP_MUST_CHECK int ssp_receipt_check_file(const ssp_receipt_output *o, const char *path, ssp_errmsg *em);
/* Checks every output against dir/<name>. Returns 0 or the first failure, as above. */
SSP_MUST_CHECK int ssp_receipt_check_dir(const ssp_receipt *r, const char *dir, ssp_errmsg *em);

/* ---- the wrapper's checkpoint state (a small JSON file in the slot directory) ---- */

#define SSP_RECEIPT_STATE_FILE "ssp_wrapper_state.json"
#define SSP_RECEIPT_STATE_VERSION 1
#define SSP_RECEIPT_STATE_MAX_BYTES (128 * 1024)

typedef struct ssp_receipt_state {
	uint8_t job_sha256[SSP_SHA256_LEN];   /* digest of the job.xml this state belongs to */
	char wu_name[SSP_RECEIPT_MAX_NAME + 1];
	char result_name[SSP_RECEIPT_MAX_NAME + 1];
	int64_t started_at;                   /* first start of the wrapper, unix seconds */
	size_t ntasks;                        /* tasks in the job */
	size_t tasks_done;                    /* finished tasks, 0..ntasks */
	ssp_receipt_task done[SSP_RECEIPT_MAX_TASKS]; /* their measurements (tasks_done of them) */
	/* The unfinished task tasks_done: what earlier runs used up to its last checkpoint. */
	double cur_cpu_time;
	double cur_wall_time;
	uint64_t cur_peak_rss_kb;
	double fraction_done;                 /* last progress reported, 0..1 */
	int64_t task_pgid;                    /* process group of the running task, 0 if none */
} ssp_receipt_state;

/* Serializes s as JSON (*out caller-freed). SSP_ERR_INVAL when s breaks its invariants. */
SSP_MUST_CHECK int ssp_receipt_state_to_json(const ssp_receipt_state *s, char **out, size_t *len);
/* Parses a state strictly into *s. Returns 0, SSP_ERR_TOO_BIG, SSP_ERR_PARSE, SSP_ERR_UNSUPPORTED. */
SSP_MUST_CHECK int ssp_receipt_state_parse(const char *json, size_t len, ssp_receipt_state *s, ssp_errmsg *em);
/* Atomic, durable write (mode 0644) and capped read of a state file. */
SSP_MUST_CHECK int ssp_receipt_state_write(const ssp_receipt_state *s, const char *path);
SSP_MUST_CHECK int ssp_receipt_state_read(const char *path, ssp_receipt_state *s, ssp_errmsg *em);

#endif
