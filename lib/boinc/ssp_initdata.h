/* init_data.xml, the file the BOINC client writes into an application's slot directory,
 * read with lib/boinc/ssp_xml (BOINC's APP_INIT_DATA is C++ only).
 *
 * Only the fields below are kept. The account authenticator, proxy user names and passwords
 * and everything else in the file are never copied; their text is wiped in the parse tree
 * before it is freed, and ssp_initdata_read wipes its file buffer. */
#ifndef SSP_INITDATA_H
#define SSP_INITDATA_H

#include "core/ssp_err.h"

#include <stddef.h>
#include <stdint.h>

#define SSP_INITDATA_MAX_BYTES (1024 * 1024) /* whole file */
#define SSP_INITDATA_MAX_STRING 4096         /* names and paths */
#define SSP_INITDATA_MAX_PREFS (256 * 1024)  /* serialized <project_preferences> */

/* Read-only after parsing; strings are never NULL (empty when the element is absent),
 * numbers are 0 when absent unless noted. */
typedef struct ssp_initdata {
	uint64_t userid;
	uint64_t hostid;
	uint64_t teamid;
	char *wu_name;
	char *result_name;
	char *app_name;
	char *project_dir;
	/* The inner XML of <project_preferences>, as the client wrote it (may be empty). */
	char *project_preferences;
	double rsc_fpops_est;          /* the work unit's estimated FLOPs */
	double p_fpops;                /* <host_info><p_fpops>: benchmarked FLOPS per CPU */
	double checkpoint_period;      /* seconds, the volunteer's preference */
	double fraction_done_start;    /* default 0 */
	double fraction_done_end;      /* default 1 */
	double ncpus;
	/* The client-app link (BOINC's APP_INIT_DATA names in brackets). */
	int shm_key;                   /* <shm_key>: -1 = memory-mapped file; 0 when absent */
	int client_pid;                /* <client_pid>, 0 when absent */
	int gpu_device_num;            /* <gpu_device_num>, -1 when absent (no GPU) */
	char *gpu_type;                /* <gpu_type> ("NVIDIA", "ATI", "intel_gpu", ...) */
} ssp_initdata;

/* Parses init_data.xml text into a new *out (free with ssp_initdata_free).
 * The root must be <app_init_data>; kept numbers must be finite and non-negative, ids
 * integers below 2^63; a kept element given twice is refused; a DOCTYPE is refused.
 * Returns 0, SSP_ERR_TOO_BIG, SSP_ERR_PARSE (em names the element) or SSP_ERR_NOMEM. */
SSP_MUST_CHECK int ssp_initdata_parse(const char *xml, size_t len, ssp_initdata **out, ssp_errmsg *em);

/* Reads and parses the file at path. Adds SSP_ERR_NOT_FOUND and SSP_ERR_IO. */
SSP_MUST_CHECK int ssp_initdata_read(const char *path, ssp_initdata **out, ssp_errmsg *em);

/* Frees d (NULL allowed). */
void ssp_initdata_free(ssp_initdata *d);

/* The kept fields as a JSON object (*out caller-freed): the member names are the field
 * names. Lets one process hand init data parsed elsewhere to another.
 * Returns 0 or SSP_ERR_NOMEM. */
SSP_MUST_CHECK int ssp_initdata_to_json(const ssp_initdata *d, char **out, size_t *len);

/* Reads that JSON back into a new *out under the same rules and caps as ssp_initdata_parse;
 * every member is required. SSP_ERR_PARSE / SSP_ERR_TOO_BIG with em naming the member. */
SSP_MUST_CHECK int ssp_initdata_from_json(const char *json, size_t len, ssp_initdata **out, ssp_errmsg *em);

/* The work unit's CPU-time estimate in seconds: rsc_fpops_est / p_fpops (p_fpops taken as
 * 1e9 when unknown); 0 when there is no FLOPs estimate. */
double ssp_initdata_est_cpu_seconds(const ssp_initdata *d);

#endif
