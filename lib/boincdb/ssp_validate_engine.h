/* The validator's engine: what ssp_validator does in one pass over the project.
 *
 *  1. The credit outbox (credits committed in the BOINC database whose ledger copy is not
 *     known to be done) is copied into the ledger (idempotent) and emptied.
 *  2. Work units of the app with need_validate > 0 (and id mod N == I) are read in chunks;
 *     each result's files and receipt are checked (ssp_vres_check), the work unit is
 *     decided (ssp_validate_wu) and written in one BOINC-database transaction
 *     (ssp_boincdb_commit_wu), credits included. After each chunk, step 1 again.
 *  3. Every user with unclaimed credit and a valid payout binding in user.project_prefs
 *     gets ShareClaims signed with the validator key; users without one keep their credit
 *     (logged once per version of their preferences).
 *  4. Batches are sealed and signed while batch_size claims wait, or when the oldest waiting
 *     claim is batch_window seconds old.
 * While work units are written (step 2, on c.threads connections), a ledger thread on its
 * own connection repeats step 1, and steps 3 and 4 every claim_interval seconds; at the end
 * of the pass steps 1, 3 and 4 run once more.
 * A process killed at any instant restarts into a consistent state: the BOINC database and
 * the outbox change together, the ledger changes in its own transactions and is idempotent
 * on (project, result id). Logs through ssp_log; never prints or exits. Lives in
 * lib/libsspdb.a. */
#ifndef SSP_VALIDATE_ENGINE_H
#define SSP_VALIDATE_ENGINE_H

#include "core/ssp_err.h"

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "boincdb/ssp_boincdb.h"
#include "crypto/ssp_eip712.h"
#include "ledger/ssp_ledger.h"
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
	uint64_t batch_size;       /* claims per batch, 1..SSP_LEDGER_MAX_BATCH_CLAIMS */
	uint64_t batch_window;     /* seconds, above 0 */
	unsigned claim_interval;   /* seconds between claim rounds during a pass (0: as often
				      as the ledger thread gets round, every 0.25 s at most) */
	unsigned binding_recheck;  /* seconds before unchanged-looking prefs of an unbound user
				      are read again; 0: 60 */
	uint64_t binding_delay;    /* seconds before a binding that replaces another address
				      is used (ssp_binding_delay_check); 0: at once */
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
	uint64_t ledger_credits; /* credit rows new in the ledger */
	uint64_t claims, batches;
	uint64_t unbound_users; /* users logged as lacking a valid binding */
} ssp_vengine_stats;

/* A new engine (*out, freed with ssp_vengine_free) working on db and ledger (borrowed;
 * ledger may be NULL only in a dry run), for project pc (borrowed), signing claims and
 * batches for domain with seckey (copied, wiped on free). It opens c->threads - 1 more
 * connections to the project database, and one for the ledger side unless dry_run.
 * em names a problem.
 * Returns 0, SSP_ERR_INVAL, SSP_ERR_NOMEM or SSP_ERR_DB. */
SSP_MUST_CHECK int ssp_vengine_new(const ssp_vengine_conf *c, const ssp_projcfg *pc, ssp_boincdb *db,
		    ssp_ledger *ledger, const ssp_domain *domain, const uint8_t seckey[32],
		    ssp_vengine **out, ssp_errmsg *em);
void ssp_vengine_free(ssp_vengine *e);

/* One pass (steps 1-4 above) at the current time. *found (may be NULL) = 1 when at least
 * one work unit was examined. Returns 0, or a negative code on a database or ledger
 * failure the daemon should stop for (SSP_ERR_DB, SSP_ERR_NOMEM...); a busy ledger
 * (SSP_ERR_BUSY) is logged and retried in the next pass. */
SSP_MUST_CHECK int ssp_vengine_pass(ssp_vengine *e, int *found);

/* Counters since ssp_vengine_new. */
void ssp_vengine_get_stats(const ssp_vengine *e, ssp_vengine_stats *s);

#endif
