/* The comparison plug-in interface of ssp_validator: a project's own output comparison,
 * shaped like BOINC's validator API (sched/validate_util2.h: init_result,
 * compare_results, cleanup_result, validate_handler_init), in a shared object named by
 * ssp.conf [validator] plugin and loaded with dlopen. Plain C, no link to SmartShare's
 * libraries: a plug-in includes this header only.
 *
 * What differs from BOINC's API, and why:
 *  - a result is described by ssp_vplugin_result, not BOINC's RESULT; its output files
 *    are already read by the validator (opened without following symbolic links or
 *    blocking, regular files only, size-capped, and checked against the share receipt),
 *    so a plug-in never opens upload paths itself (BOINC's get_output_file_paths + fopen);
 *  - the share receipt is not among the files, nor outputs marked <no_validate/>;
 *  - calls are serialised (one at a time) even when the validator runs several threads.
 *
 * A plug-in exports these symbols (C linkage):
 *   const int ssp_vplugin_abi = SSP_VPLUGIN_ABI;                       required
 *   int ssp_init_result(const ssp_vplugin_result *r, void **data);        required
 *   int ssp_compare_results(const ssp_vplugin_result *a, void *da,
 *                           const ssp_vplugin_result *b, void *db, int *match); required
 *   int ssp_cleanup_result(const ssp_vplugin_result *r, void *data);      required
 *   int ssp_validate_handler_init(int argc, char **argv);                optional
 *
 * ssp_validate_handler_init gets argv[0] and the command-line options ssp_validator does
 * not know (BOINC passes those to validate_handler_init); non-zero refuses to start.
 * ssp_init_result parses a result's files into *data (as BOINC's init_result): 0 when
 * done, SSP_VPLUGIN_RETRY for a transient problem (the work unit is tried again later,
 * as BOINC's ERR_OPENDIR), any other value makes the result invalid (outcome
 * VALIDATE_ERROR, as BOINC). ssp_compare_results sets *match to 1 when the two results
 * agree and returns 0 (non-zero: the work unit is tried again later).
 * ssp_cleanup_result frees data; it is called once for every successful init. */
#ifndef SSP_VALIDATE_PLUGIN_H
#define SSP_VALIDATE_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#define SSP_VPLUGIN_ABI 1
#define SSP_VPLUGIN_RETRY 1

typedef struct ssp_vplugin_file {
	const char *logical;   /* the open_name the application wrote it under */
	const char *physical;  /* its name in the upload tree */
	const char *data;      /* its whole content, followed by a NUL byte */
	size_t len;            /* bytes in data, without the NUL */
} ssp_vplugin_file;

typedef struct ssp_vplugin_result {
	uint64_t id, workunitid, hostid, userid;
	const char *name;       /* result.name */
	const char *wu_name;    /* workunit.name */
	double cpu_time;        /* the share receipt's total CPU time */
	const ssp_vplugin_file *files; /* the compared outputs, in xml_doc_in order */
	size_t nfiles;
} ssp_vplugin_result;

#endif
