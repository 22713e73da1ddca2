/* The keep-your-validator mode of the signer: credit granted by another BOINC validator
 * (BOINC's own, a project's custom one; CreditNew or fixed credit) becomes ledger credit.
 *
 * BOINC's validator writes a result's validate_state and granted_credit in one UPDATE
 * (DB_VALIDATOR_ITEM_SET::update_result, autocommit), which also sets result.mod_time
 * (TIMESTAMP ... ON UPDATE CURRENT_TIMESTAMP, the database server's clock). Result ids say
 * nothing about when a result is validated (a result created early may be validated days
 * after a later one), so the scan follows mod_time: each pass reads the results of the
 * apps with validate_state VALID and granted_credit > 0 whose mod_time is at or after the
 * durable position minus overlap seconds (never before the first run's start, c->since), in
 * (mod_time, id) order, and at its end stores
 * the database time read when the pass began as the new position (table
 * ssp_grant_position, written only after the ledger committed everything the pass found).
 * A row committed later than overlap seconds after its UPDATE ran would be missed; BOINC's
 * validator commits each UPDATE at once. Rows seen twice (the overlap, a later mod_time
 * bump by the file deleter, a restart) are skipped by the ledger's (project, result id).
 *
 * The credit's user is the host's owner (BOINC's grant_credit), else result.userid. A
 * user is claimed at most once per work unit: the first of their results the scan meets
 * is recorded in ssp_grant_taken (work unit, user) before its ledger credit is written;
 * later ones are skipped (logged). resultDigest is SHA-256 over the SHA-256 digests of the
 * result's outputs (xml_doc_in's file_refs in document order, the receipt excluded); when
 * an output is gone (BOINC's file deleter) or cannot be read it is 32 zero bytes: "outputs
 * not available to the signer". With check_receipt, only results whose share receipt
 * checks out (ssp_vres_check) are credited, with the receipt's digest. Lives in
 * lib/libsspdb.a; logs through ssp_log. */
#ifndef SSP_GRANT_SCAN_H
#define SSP_GRANT_SCAN_H

#include "core/ssp_err.h"

#include <signal.h>
#include <stdint.h>

#include "boincdb/ssp_boincdb.h"
#include "boincdb/ssp_signer.h"
#include "ledger/ssp_ledger.h"

typedef struct ssp_grant_scan ssp_grant_scan;

/* A scan (*out, ssp_grant_scan_free) of the apps in c on db (borrowed; the scan sets its
 * session time zone to UTC) into ledger (borrowed) for project pc / project id. Creates
 * its tables when missing and, on the first run, the position (c->since). key names the
 * project's row in ssp_grant_position. 0, SSP_ERR_INVAL, SSP_ERR_NOMEM or SSP_ERR_DB. */
SSP_MUST_CHECK int ssp_grant_scan_new(const ssp_grant_conf *c, const ssp_projcfg *pc, ssp_boincdb *db,
		       ssp_ledger *ledger, const uint8_t project[32], const char *key,
		       ssp_grant_scan **out, ssp_errmsg *em);
void ssp_grant_scan_free(ssp_grant_scan *g);

/* One pass as above, adding to st's grant counters and ledger_credits. *found = 1 when
 * new credit was found. Stops early (position kept) when *stop is set. 0, SSP_ERR_BUSY
 * (ledger busy: the position is kept, retry), SSP_ERR_DB, SSP_ERR_NOMEM. */
SSP_MUST_CHECK int ssp_grant_scan_pass(ssp_grant_scan *g, const volatile sig_atomic_t *stop,
			ssp_signer_stats *st, int *found);

#endif
