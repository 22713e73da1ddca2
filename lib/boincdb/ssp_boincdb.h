/* The BOINC project database (MariaDB/MySQL) as ssp_validator uses it: work units
 * waiting for validation with their results, the per-work-unit write (results,
 * work unit, host/user/team credit and recent averages, credited_job, and the
 * credit outbox) in one transaction, the outbox of credits still to be copied
 * into the ledger, and users' project preferences. Prepared statements only.
 * Lives in lib/libsspdb.a (links MariaDB Connector/C). */
#ifndef SSP_BOINCDB_H
#define SSP_BOINCDB_H

#include <stddef.h>
#include <stdint.h>

#include "core/ssp_err.h"
#include "boinc/ssp_projcfg.h"
#include "boinc/ssp_validate.h"

typedef struct ssp_boincdb ssp_boincdb;

#define SSP_BDB_NAME_MAX 255          /* longest work unit / result name kept */
#define SSP_BDB_BLOB_MAX (1u << 20)   /* longest xml_doc_in / project_prefs read */

/* The validator's own table in the project database: credits committed with the
 * BOINC credit but not yet known to be in the ledger (a transactional outbox). */
#define SSP_BDB_OUTBOX_TABLE "ssp_credit_outbox"

typedef struct ssp_bdb_result {
	uint64_t id, workunitid, hostid, userid;
	int server_state, outcome, validate_state;
	char name[SSP_BDB_NAME_MAX + 1];
	double granted_credit, cpu_time;
	int64_t sent_time, received_time;
	double host_p_fpops;   /* host.p_fpops; 0 when the host row is missing */
	int host_ncpus;        /* host.p_ncpus; 0 when the host row is missing */
	uint64_t host_userid;  /* host.userid, the host's owner (whom BOINC credits); 0 when
				  the host row is missing */
	uint64_t user_teamid;  /* user.teamid of the credited user; 0 when none or no row */
	int64_t app_version_id; /* result.app_version_id (negative: anonymous platform) */
	uint64_t appid;        /* result.appid */
	double elapsed_time, flops_estimate; /* result's, as the scheduler stored them */
	int runtime_outlier;
	int has_hav;           /* its host_app_version row exists */
	char *xml_doc_in;      /* NUL-terminated, owned; "" when NULL in the DB */
	size_t xml_doc_in_len;
} ssp_bdb_result;

typedef struct ssp_bdb_wu {
	uint64_t id;
	char name[SSP_BDB_NAME_MAX + 1];
	double rsc_fpops_est, rsc_fpops_bound, canonical_credit, opaque;
	uint64_t canonical_resultid;
	int need_validate, min_quorum, target_nresults, max_success_results, error_mask;
	int assimilate_state;
	int64_t transition_time;
	ssp_bdb_result *results; /* sorted by id */
	size_t nresults;
} ssp_bdb_wu;

/* A result row to write; the old_* values guard against a concurrent change. */
typedef struct ssp_bdb_result_update {
	uint64_t id;
	int old_server_state, old_outcome, old_validate_state;
	int server_state, outcome, validate_state;
	double granted_credit;
} ssp_bdb_result_update;

/* The work unit row to write; guarded by need_validate > 0 and old_canonical_resultid. */
typedef struct ssp_bdb_wu_update {
	uint64_t id, old_canonical_resultid;
	int need_validate;
	uint64_t canonical_resultid;
	double canonical_credit;
	int assimilate_state;
	int64_t transition_time;
	int target_nresults, error_mask;
} ssp_bdb_wu_update;

/* One granted credit: added to host, user and team, recorded in credited_job and
 * written to the outbox (everything but sent_time is the outbox row). */
typedef struct ssp_bdb_credit {
	uint64_t result_id, workunit_id, user_id, host_id;
	uint64_t credit_micro;       /* micro-cobblestones; credit = credit_micro / 1e6 */
	uint8_t result_digest[32];
	uint64_t granted_at;         /* unix seconds */
	int64_t sent_time;           /* result.sent_time, for a first recent average */
	int team_hint;               /* the user was in a team when read: credit the team the
					user row names at commit time (not stored in the outbox) */
	int64_t cj_workunitid;       /* credited_job.workunitid: (long) workunit.opaque, as
					BOINC's --update_credited_job (not stored in the outbox) */
	double turnaround;           /* received_time - sent_time, for host.avg_turnaround
					(not stored in the outbox) */
} ssp_bdb_credit;

/* BOINC's scheduler bookkeeping for one result newly judged valid or invalid
 * (sched/validator.cpp is_valid / is_invalid). */
typedef struct ssp_bdb_judged {
	uint64_t host_id;
	int64_t hav_avid;            /* host_app_version.app_version_id (BOINC's generalized
					app version id); 0: none */
	int valid;                   /* 1: is_valid, 0: is_invalid */
	int count_consecutive;       /* valid, and the work unit is replicated */
	int credited;                /* also in the credits: its turnaround goes with them */
	double turnaround;           /* received_time - sent_time (valid only) */
	int stats;                   /* BOINC's get_pfc statistics: et and turnaround averages
					take et_x and turnaround, the pfc average pfc_x (when 0
					or more) */
	double pfc_x, et_x;
} ssp_bdb_judged;

/* What the per-work-unit write does besides the decision itself. */
typedef struct ssp_bdb_opts {
	int daily_result_quota;      /* config.xml's: the floor of an invalid result's quota drop */
	int update_credited_job;     /* BOINC's --update_credited_job: insert credited_job rows */
} ssp_bdb_opts;

/* Sets the options of ssp_boincdb_commit_wu (default: all 0). */
void ssp_boincdb_set_opts(ssp_boincdb *db, const ssp_bdb_opts *o);

/* Connects with cfg's credentials (CLIENT_FOUND_ROWS, utf8mb4, autocommit off, READ
 * COMMITTED). Unless readonly, creates the outbox table when missing. Multi-row writes go
 * in one round trip (array binding) when the server is MariaDB, row by row otherwise (or
 * when the environment variable SSP_BOINCDB_NO_BULK is set, for tests). *out is freed
 * with ssp_boincdb_close. SSP_ERR_DB (em has the server's message) or SSP_ERR_NOMEM. */
SSP_MUST_CHECK int ssp_boincdb_open(const ssp_projcfg *cfg, int readonly, ssp_boincdb **out, ssp_errmsg *em);
void ssp_boincdb_close(ssp_boincdb *db);

/* The connection (a MYSQL *) for the other modules of lib/boincdb that run statements of
 * their own (the signer's lock and grant scan); autocommit is off, READ COMMITTED. */
void *ssp_boincdb_conn(ssp_boincdb *db);

/* The last database error text (never NULL). */
const char *ssp_boincdb_errmsg(const ssp_boincdb *db);

/* The id of the app named name, and its target_nresults (when target_nresults is not
 * NULL): SSP_ERR_NOT_FOUND when there is none. */
SSP_MUST_CHECK int ssp_boincdb_app_id(ssp_boincdb *db, const char *name, uint64_t *appid, int *target_nresults);

/* Up to limit work units of appid with need_validate > 0 and id > after_id (and
 * id mod mod_n == mod_i when mod_n > 0, id <= max_id when max_id > 0), ascending by id,
 * each with all its results. *wus is freed with ssp_bdb_wus_free (NULL and 0 when none). */
SSP_MUST_CHECK int ssp_boincdb_fetch(ssp_boincdb *db, uint64_t appid, unsigned mod_n, unsigned mod_i,
		      uint64_t after_id, uint64_t max_id, unsigned limit, ssp_bdb_wu **wus,
		      size_t *nwus);
void ssp_bdb_wus_free(ssp_bdb_wu *wus, size_t n);

/* Writes one work unit's decision in one transaction at time now (unix seconds):
 * the result rows, host/user/team total_credit and expavg (7-day half-life, as
 * BOINC's grant_credit, evaluated by the server on the locked rows; the team is the one
 * the user row names when team_hint is set), credited_job (user, cj_workunitid) when update_credited_job is set, the bookkeeping
 * of the judged results (host_app_version consecutive_valid and max_jobs_per_day and,
 * when stats is set, its pfc, et and turnaround statistics; host.avg_turnaround), the outbox rows (of credits above zero), and the work unit.
 * Retries a deadlock up to 5 times.
 * Returns 0; SSP_ERR_STATE when a guarded row changed meanwhile (nothing written);
 * SSP_ERR_DB on a database error (rolled back). */
SSP_MUST_CHECK int ssp_boincdb_commit_wu(ssp_boincdb *db, const ssp_bdb_wu_update *wu,
			  const ssp_bdb_result_update *ru, size_t nru,
			  const ssp_bdb_credit *cr, size_t ncr, const ssp_bdb_judged *jd,
			  size_t njd, double now);

/* One credit granted to a result of an app version, for its recent average. */
typedef struct ssp_bdb_av_sample {
	uint64_t app_version_id;
	double credit;               /* cobblestones; 0: no credit sample */
	double sent_time;            /* result.sent_time */
	double pfc_x;                /* a PFC sample (raw PFC / rsc_fpops_est); below 0: none */
} ssp_bdb_av_sample;

/* Adds the samples to their app versions at time now (BOINC's write_modified_app_versions):
 * credits to expavg_credit / expavg_time (update_average, 7-day half-life), PFC samples to
 * pfc_n / pfc_avg (AVERAGE::update with BOINC's AV_AVG_* constants), in one transaction.
 * SSP_ERR_DB, SSP_ERR_NOMEM, SSP_ERR_STATE when read-only. */
SSP_MUST_CHECK int ssp_boincdb_app_version_credit(ssp_boincdb *db, const ssp_bdb_av_sample *s, size_t n,
				   double now);

/* Up to limit outbox rows (of work units with id mod mod_n == mod_i when mod_n > 0),
 * ascending by result id. *out is caller-freed. sent_time is not stored (0). */
SSP_MUST_CHECK int ssp_boincdb_outbox_fetch(ssp_boincdb *db, unsigned mod_n, unsigned mod_i, unsigned limit,
			     ssp_bdb_credit **out, size_t *n);
/* Deletes the outbox rows of these results, in one transaction. */
SSP_MUST_CHECK int ssp_boincdb_outbox_delete(ssp_boincdb *db, const uint64_t *result_ids, size_t n);

/* user.project_prefs of user id: *prefs is a caller-freed NUL-terminated copy
 * ("" when NULL). SSP_ERR_NOT_FOUND for no such user, SSP_ERR_TOO_BIG over
 * SSP_BDB_BLOB_MAX. */
SSP_MUST_CHECK int ssp_boincdb_user_prefs(ssp_boincdb *db, uint64_t userid, char **prefs, size_t *len);

#endif
