/* The validator's engine: what ssp_validator does in one pass over the project.
 *
 * Work units of the app with need_validate > 0 (and id mod N == I) are read in chunks;
 * each result's files and receipt are checked (ssp_vres_check), the work unit is decided
 * (ssp_validate_wu) and written in one BOINC-database transaction (ssp_boincdb_commit_wu),
 * credits and their outbox rows included, on c.threads connections at once. That is all a
 * validator writes: no key, no ledger. The signer (ssp_signer.h), one per project, turns
 * the outbox into ledger credits, claims and batches.
 * A process killed at any instant restarts into a consistent state: the BOINC database and
 * the outbox change together. Logs through ssp_log; never prints or exits. Lives in
 * lib/libsspdb.a. */
#ifndef SSP_VALIDATE_ENGINE_H
#define SSP_VALIDATE_ENGINE_H

#include "core/ssp_err.h"

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "boincdb/ssp_boincdb.h"
#include "boinc/ssp_projcfg.h"
#include "boinc/ssp_validate.h"

typedef struct ssp_vengine ssp_vengine;

typedef struct ssp_vengine_conf {
	uint64_t appid;            /* the app's id (ssp_boincdb_app_id) */
	int app_target_nresults;   /* app.target_nresults: a work unit with target_nresults 1
				      below an app's larger one is unreplicated (BOINC) */
	ssp_bdb_opts bdb;          /* daily_result_quota, update_credited_job */
	ssp_vplugin *plugin;       /* a project's comparison plug-in (borrowed); NULL: the
				      built-in comparator of vopts */
	const char *app_name;      /* for log lines */
	unsigned mod_n, mod_i;     /* --mod N I (mod_n 0: every work unit) */
	uint64_t min_wu_id, max_wu_id; /* BOINC's --min_wu_id / --max_wu_id (0: no bound) */
	uint64_t max_wus;          /* BOINC's --one_pass_N_WU: a pass decides at most this
				      many work units (0: no limit) */
	int dry_run;               /* decide and log; write nothing anywhere */
	ssp_vopts vopts;           /* credit mode, cap, comparator, tolerance, output cap */
	const char *receipt_name;  /* the receipt's open_name; NULL: ssp_receipt.json */
	unsigned chunk;            /* work units read at a time; 0: 500 */
	unsigned threads;          /* work units decided and written in parallel, each thread
				      on its own database connection (1..64; 0: 1) */
	const volatile sig_atomic_t *stop; /* when non-NULL and set, a pass ends after its
					      current work unit */
} ssp_vengine_conf;

typedef struct ssp_vengine_stats {
	uint64_t wus;          /* work units decided and written */
	uint64_t valid, invalid, inconclusive, didnt_need;
	uint64_t duplicates;   /* second replicas of one user or host: valid, no credit */
	uint64_t retried;      /* work units left for a later pass */
	uint64_t conflicts;    /* work units changed by someone else meanwhile */
	uint64_t credits;      /* credits written to the BOINC database (and outbox) */
} ssp_vengine_stats;

/* A new engine (*out, freed with ssp_vengine_free) working on db (borrowed) for project
 * pc (borrowed). It opens c->threads - 1 more connections to the project database.
 * em names a problem. Returns 0, SSP_ERR_INVAL, SSP_ERR_NOMEM or SSP_ERR_DB. */
SSP_MUST_CHECK int ssp_vengine_new(const ssp_vengine_conf *c, const ssp_projcfg *pc, ssp_boincdb *db,
		    ssp_vengine **out, ssp_errmsg *em);
void ssp_vengine_free(ssp_vengine *e);

/* One pass at the current time. *found (may be NULL) = 1 when at least one work unit was
 * examined. Returns 0, or a negative code on a database failure the daemon should stop
 * for (SSP_ERR_DB, SSP_ERR_NOMEM...). */
SSP_MUST_CHECK int ssp_vengine_pass(ssp_vengine *e, int *found);

/* Counters since ssp_vengine_new. */
void ssp_vengine_get_stats(const ssp_vengine *e, ssp_vengine_stats *s);

#endif
