/* Validation logic of ssp_validator, free of any database: BOINC's states, the
 * quorum decision for one work unit, credit computation and the recent-average
 * credit update, the output comparators and the checks of a result's files and
 * share receipt. The daemon (validator/) reads the rows with ssp_boincdb, fills
 * ssp_vwu/ssp_vres, calls ssp_validate_wu and writes back what it decided. */
#ifndef SSP_VALIDATE_H
#define SSP_VALIDATE_H

#include <stddef.h>
#include <stdint.h>

#include "core/ssp_err.h"

/* BOINC's values (db/boinc_db_types.h, common_defs.h). */
enum { SSP_RS_INACTIVE = 1, SSP_RS_UNSENT = 2, SSP_RS_IN_PROGRESS = 4, SSP_RS_OVER = 5 };
enum {
	SSP_RO_INIT = 0, SSP_RO_SUCCESS = 1, SSP_RO_COULDNT_SEND = 2, SSP_RO_CLIENT_ERROR = 3,
	SSP_RO_NO_REPLY = 4, SSP_RO_DIDNT_NEED = 5, SSP_RO_VALIDATE_ERROR = 6,
	SSP_RO_CLIENT_DETACHED = 7
};
enum {
	SSP_VS_INIT = 0, SSP_VS_VALID = 1, SSP_VS_INVALID = 2, SSP_VS_NO_CHECK = 3,
	SSP_VS_INCONCLUSIVE = 4, SSP_VS_TOO_LATE = 5
};
enum { SSP_AS_INIT = 0, SSP_AS_READY = 1, SSP_AS_DONE = 2 };
#define SSP_WU_ERROR_TOO_MANY_SUCCESS_RESULTS 4
#define SSP_TRANSITION_NEVER 2147483647 /* INT_MAX, as BOINC */
#define SSP_TRANSITION_DELAY (6 * 3600) /* BOINC's DELAYED: now + 6 h */

/* ---- credit ---- */

#define SSP_SECONDS_PER_DAY 86400.0
#define SSP_CREDIT_HALF_LIFE (7 * 86400.0)    /* BOINC's CREDIT_HALF_LIFE */
#define SSP_COBBLESTONE_SCALE (200.0 / 86400e9) /* credit per floating-point operation */
#define SSP_AVG_CPU_FPOPS 4.3e9                /* BOINC's stand-in for an unknown p_fpops */
#define SSP_DEFAULT_MAX_GRANTED_CREDIT (200.0 * 1000 * 365) /* BOINC's default cap */

/* Credit in cobblestones for fpops floating-point operations. */
double ssp_credit_from_fpops(double fpops);

/* The recent-average update of BOINC (update_average in lib/util.cpp), for credit
 * `work` granted at `now` to work started at work_start_time, with the given
 * half-life in seconds. *avg (credit per day) and *avg_time (when *avg was last
 * updated, 0 = never) are read and updated: an existing average decays by
 * exp(-dt·ln2/half_life) and gains (1-weight)·work/dt_days (the limit
 * ln2·work·86400/half_life when the weight is within 1e-6 of 1); a first average
 * is work divided by the days since work_start_time. */
void ssp_credit_update_average(double now, double work_start_time, double work,
			       double half_life, double *avg, double *avg_time);

/* BOINC's sample averages (lib/average.h AVERAGE / AVERAGE_VAR) of the host_app_version and
 * app_version statistics, with its constants (sched/credit.h). */
typedef struct ssp_avg {
	double n, avg, var, q;
} ssp_avg;
#define SSP_HAV_AVG_THRESH 20
#define SSP_HAV_AVG_WEIGHT 0.01
#define SSP_HAV_AVG_LIMIT 10
#define SSP_AV_AVG_THRESH 100
#define SSP_AV_AVG_WEIGHT 0.001
#define SSP_AV_AVG_LIMIT 10

/* AVERAGE::update: a negative sample is ignored; a sample above avg·limit (when n and avg
 * are not 0) counts as avg·limit; n grows by one; avg moves by delta/n while n < thresh,
 * else by weight·delta. var and q are untouched. */
void ssp_avg_update(ssp_avg *a, double sample, double thresh, double weight, double limit);

/* AVERAGE_VAR::update_var: the same for avg, and the variance: q += delta·(sample - new
 * avg), var = q/n while n < thresh, else var += weight·(delta² - var). */
void ssp_avg_update_var(ssp_avg *a, double sample, double thresh, double weight, double limit);

/* Micro-cobblestones of a credit (docs/formats.md: llround(credit·1e6)). SSP_ERR_RANGE for
 * a negative, non-finite or too large value. */
SSP_MUST_CHECK int ssp_credit_to_micro(double credit, uint64_t *micro);

/* ---- comparators ---- */

enum ssp_cmp_kind {
	SSP_CMP_BITWISE = 0, /* outputs agree when their SHA-256 digests are equal */
	SSP_CMP_NUMERIC = 1, /* whitespace-separated tokens; numbers within a tolerance */
};

/* Numeric-tolerance comparison of two texts. Both are split on whitespace and must
 * have the same number of tokens. Two tokens agree when they are byte-equal, or
 * when both parse completely as finite numbers (strtod) a and b with
 * |a-b| <= tol·max(1, |a|, |b|). Returns 0 when every token agrees,
 * SSP_ERR_MISMATCH otherwise, SSP_ERR_INVAL for a negative or NaN tol. */
SSP_MUST_CHECK int ssp_compare_numeric(const char *a, size_t alen, const char *b, size_t blen, double tol);

/* ---- one result's files ---- */

/* An output file of a result, from a <file_ref> of result.xml_doc_in. */
typedef struct ssp_outref {
	char *physical;  /* <file_name>: the name in the upload tree */
	char *logical;   /* <open_name>: the name the application opened */
	int optional;    /* <optional/>: may be absent */
	int no_validate; /* <no_validate/>: not compared */
} ssp_outref;

#define SSP_XMLDOC_MAX_BYTES (1u << 20) /* xml_doc_in longer than this is refused */
#define SSP_XMLDOC_MAX_FILES 256        /* more file_refs than this are refused */

/* Lists the <file_ref> elements (with both <file_name> and <open_name>) of
 * result.xml_doc_in, in document order. *refs is caller-freed with
 * ssp_outrefs_free. SSP_ERR_PARSE for malformed XML or a file_ref lacking a name
 * or with a name containing '/', SSP_ERR_TOO_BIG over the caps; em says which. */
SSP_MUST_CHECK int ssp_xmldoc_outrefs(const char *xml, size_t len, ssp_outref **refs, size_t *n, ssp_errmsg *em);
void ssp_outrefs_free(ssp_outref *refs, size_t n);

/* ---- one work unit ---- */

/* A checked science output of a result. */
typedef struct ssp_vfile {
	char *logical;        /* open_name */
	char *path;           /* the file in the upload tree */
	uint64_t bytes;
	uint8_t sha256[32];
	int no_validate;      /* excluded from the comparison */
} ssp_vfile;

/* The outcome of checking one result's files and receipt. */
enum ssp_check {
	SSP_CHECK_NONE = 0,    /* not checked (not viable, or not needed) */
	SSP_CHECK_OK = 1,      /* receipt and files verified */
	SSP_CHECK_INVALID = 2, /* bad receipt or files: the result is invalid (VALIDATE_ERROR) */
	SSP_CHECK_RETRY = 3,   /* transient trouble (upload tree unreachable): try later */
};

/* One result of the work unit: DB fields in, check and decision out. */
typedef struct ssp_vres {
	/* from the database */
	uint64_t id, hostid, userid;
	const char *name;
	int server_state, outcome, validate_state;
	double granted_credit;
	int64_t sent_time;
	int64_t received_time; /* when the scheduler got the report (0: unknown) */
	double host_p_fpops;
	int host_ncpus;       /* host.p_ncpus (below 1: counted as 1) */
	/* from the check (ssp_vres_check) */
	int check;            /* enum ssp_check */
	char reason[160];     /* why INVALID or RETRY */
	ssp_vfile *files;     /* science outputs, in the order of xml_doc_in */
	size_t nfiles;
	double cpu_time;      /* the receipt's total CPU time */
	uint8_t result_digest[32]; /* SHA-256 over the outputs' SHA-256 digests */
	/* the decision (ssp_validate_wu) */
	int new_server_state, new_outcome, new_validate_state;
	double new_granted_credit;
	int changed;          /* the row must be written */
	int credited;         /* newly VALID with new_granted_credit granted to host/user/team */
	uint64_t dup_of;      /* agrees, but its user or host already has result dup_of counted in
				 this work unit: VALID with no credit (see ssp_validate_wu) */
	void *plugin_state;   /* ssp_vplugin_init_results' per-result state; NULL when none */
} ssp_vres;

enum ssp_credit_mode {
	SSP_CREDIT_FPOPS_EST = 0,    /* rsc_fpops_est in cobblestones (default) */
	SSP_CREDIT_FROM_WU = 1,      /* workunit.canonical_credit */
	SSP_CREDIT_FROM_RUNTIME = 2, /* lowest claim in the quorum: receipt cpu_time, clamped to
					(received_time - sent_time) × host p_ncpus, × host p_fpops */
};

typedef struct ssp_vopts {
	int credit_mode;           /* enum ssp_credit_mode */
	double max_granted_credit; /* cap; 0 = none */
	int comparator;            /* enum ssp_cmp_kind */
	double tolerance;          /* for SSP_CMP_NUMERIC */
	uint64_t max_output_bytes; /* numeric comparison reads files up to this size */
	int runtime_unreplicated;  /* SSP_CREDIT_FROM_RUNTIME also for a quorum of one volunteer
				      (one host then sets its own credit); 0: such work units get
				      the rsc_fpops_est credit instead */
	int no_credit;             /* BOINC's --no_credit: valid results get no credit */
} ssp_vopts;

/* The work unit: DB fields in, decision out. */
typedef struct ssp_vwu {
	uint64_t id;
	const char *name;
	double rsc_fpops_est, rsc_fpops_bound, canonical_credit;
	uint64_t canonical_resultid;
	int need_validate, min_quorum, target_nresults, max_success_results, error_mask;
	int assimilate_state;
	int64_t transition_time;
	/* decision */
	uint64_t new_canonical_resultid;
	double new_canonical_credit;
	int new_need_validate, new_target_nresults, new_error_mask, new_assimilate_state;
	int64_t new_transition_time;
	int retry;         /* nothing decided: leave the work unit for a later pass */
	double credit;     /* credit granted per valid result this time (cobblestones) */
	char note[256];    /* one line saying what happened, for the log */
} ssp_vwu;

/* Compares two checked results: 0 when they agree, SSP_ERR_MISMATCH when they do
 * not, another negative code when the comparison could not be made (I/O). */
typedef int (*ssp_vcmp_fn)(void *ctx, const ssp_vres *a, const ssp_vres *b);

/* The built-in comparator (ctx is a const ssp_vopts *): both results must have the
 * same list of compared outputs (logical names, in order); bitwise compares their
 * digests, numeric compares the file contents with ssp_compare_numeric (equal
 * digests agree without reading). */
SSP_MUST_CHECK int ssp_vres_compare(void *ctx, const ssp_vres *a, const ssp_vres *b);

/* Decides one work unit as BOINC's validator does (docs/validator.md), given results whose
 * check field is set for every viable result (server_state OVER, outcome SUCCESS,
 * validate_state not INVALID; and, with a canonical result, for the canonical
 * one). Results must be sorted by id: the first result with min_quorum agreeing
 * results of distinct volunteers (itself included) becomes canonical. Two results are of
 * the same volunteer when they share the user or the host: they count once toward the
 * quorum, and the later one, when it agrees, is VALID with no credit (dup_of names the one
 * counted); a late result of a volunteer already VALID in the work unit likewise. Fills the new_* fields of wu and of
 * every result, sets changed/credited, wu->credit and wu->note. Returns 0, or a
 * negative code when cmp failed (then nothing is decided and wu->retry is set). */
SSP_MUST_CHECK int ssp_validate_wu(ssp_vwu *wu, ssp_vres *r, size_t n, const ssp_vopts *o,
		    ssp_vcmp_fn cmp, void *cmp_ctx, int64_t now);

/* Where and how ssp_vres_check finds and judges a result's files. */
typedef struct ssp_vcheck_opts {
	const char *upload_dir;    /* the project's upload tree (config.xml <upload_dir>) */
	int fanout;                /* config.xml <uldl_dir_fanout> */
	uint64_t max_output_bytes; /* an output file larger than this makes the result invalid */
	const char *receipt_name;  /* the receipt's open_name; NULL means "ssp_receipt.json" */
} ssp_vcheck_opts;

/* Checks result r of work unit wu_name from its xml_doc_in (len bytes), storing the
 * outcome in r->check, r->reason, r->files, r->cpu_time and r->result_digest (call
 * ssp_vres_clear first when r was checked before):
 *  - RETRY when the upload directory itself cannot be reached;
 *  - INVALID when xml_doc_in does not parse, the receipt (the output whose open_name is
 *    receipt_name) is missing, unreadable, over its cap or malformed, or it or an output
 *    is not a regular file (a symbolic link, in its fan-out directory or as the file, is
 *    not followed; a FIFO, device or directory is refused without blocking; the reason
 *    names which), its wu_name,
 *    result_name, userid or hostid differ from the result's, it lists a file that is
 *    not one of the result's other outputs (by physical name), an output is missing
 *    from it (unless optional and absent), or an output file is missing, larger than
 *    max_output_bytes, or differs in size or SHA-256 from the receipt;
 *  - OK otherwise: files lists the outputs other than the receipt in xml_doc_in order,
 *    cpu_time is the receipt's total and result_digest is SHA-256 of the outputs'
 *    SHA-256 digests concatenated in the receipt's order.
 * Returns 0 (the outcome is in r) or SSP_ERR_NOMEM / SSP_ERR_INVAL. */
SSP_MUST_CHECK int ssp_vres_check(ssp_vres *r, const char *wu_name, const char *xml_doc_in, size_t len,
		   const ssp_vcheck_opts *o);

/* True when result r must be checked before ssp_validate_wu is called. */
SSP_MUST_CHECK int ssp_vres_needs_check(const ssp_vwu *wu, const ssp_vres *r);

/* Reads a checked output's content (*out, NUL-terminated, caller-freed) as the check
 * opened it: without following a symbolic link or blocking, a regular file only, at most
 * cap bytes. SSP_ERR_TOO_BIG over cap, SSP_ERR_NOT_FOUND, SSP_ERR_IO, SSP_ERR_NOMEM. */
SSP_MUST_CHECK int ssp_vfile_read(const ssp_vfile *f, uint64_t cap, char **out, size_t *len);

/* ---- a project's comparison plug-in (ssp_validate_plugin.h) ---- */

typedef struct ssp_vplugin ssp_vplugin;

/* Loads the shared object at path with dlopen, checks its ssp_vplugin_abi and symbols,
 * and calls its ssp_validate_handler_init(argc, argv) when it exports one. *out is freed
 * with ssp_vplugin_free. SSP_ERR_CONFIG (em names the problem) or SSP_ERR_NOMEM. */
SSP_MUST_CHECK int ssp_vplugin_load(const char *path, int argc, char **argv, ssp_vplugin **out,
		     ssp_errmsg *em);
void ssp_vplugin_free(ssp_vplugin *p);

/* Calls the plug-in's init_result on every result of r[0..n) whose check is OK, with its
 * compared outputs read by ssp_vfile_read (at most cap bytes each): a result it refuses
 * becomes SSP_CHECK_INVALID (reason: the plug-in's code), a transient refusal or an
 * unreadable file SSP_CHECK_RETRY. Returns 0 or SSP_ERR_NOMEM. */
SSP_MUST_CHECK int ssp_vplugin_init_results(ssp_vplugin *p, ssp_vres *r, size_t n, uint64_t wu_id,
			     const char *wu_name, uint64_t cap);

/* The comparator for ssp_validate_wu (ctx: the ssp_vplugin) over results initialised by
 * ssp_vplugin_init_results: 0 when the plug-in says they match, SSP_ERR_MISMATCH when not,
 * SSP_ERR_IO when it failed. */
SSP_MUST_CHECK int ssp_vplugin_compare(void *ctx, const ssp_vres *a, const ssp_vres *b);

/* The plug-in's cleanup_result for every result ssp_vplugin_init_results initialised; frees
 * what it kept in plugin_state. */
void ssp_vplugin_cleanup_results(ssp_vplugin *p, ssp_vres *r, size_t n);

/* Frees what ssp_vres_check stored in r (files); keeps the DB fields. */
void ssp_vres_clear(ssp_vres *r);

/* SHA-256 (digest) and size (*bytes) of the upload-tree file of physical name name, opened
 * as ssp_vres_check opens outputs (no symbolic link followed, no blocking, a regular file
 * only), reading at most cap bytes. SSP_ERR_NOT_FOUND when it is missing, SSP_ERR_INVAL when
 * it is not a regular file or its path is too long, SSP_ERR_TOO_BIG over cap, SSP_ERR_IO,
 * SSP_ERR_NOMEM. */
SSP_MUST_CHECK int ssp_upload_sha256(const ssp_vcheck_opts *o, const char *name, uint64_t cap,
		      uint8_t digest[32], uint64_t *bytes);

#endif
