/* The signer: the one process of a project that holds the validator key and the ledger.
 *
 * Validators (any number, any host, --mod) write credit and its outbox row to the BOINC
 * database in one transaction and nothing else. The signer, in each pass:
 *  1. copies the credit outbox into the ledger (idempotent on project + result id) and
 *     deletes the copied rows only after the ledger committed them;
 *  2. in the mode that keeps the project's own validator (ssp_grant_scan.h), turns the
 *     credit that validator granted into ledger credits;
 *  3. gives every user with unclaimed credit and a valid payout binding in
 *     user.project_prefs ShareClaims signed with the validator key (users without one keep
 *     their credit; logged once per version of their preferences);
 *  4. seals and signs batches while batch_size claims wait, or when the oldest waiting
 *     claim is batch_window seconds old.
 * One signer per project: ssp_signer_new takes a MariaDB named lock (GET_LOCK) derived
 * from the project id, held on a connection of its own for the signer's lifetime (waiting
 * up to 5 s for it: a signer killed a moment ago holds it until the server sees its
 * connection close), and refuses with the holder's host, process id and start time when
 * another signer has it.
 * A process killed at any instant restarts into a consistent state. Logs through ssp_log;
 * never prints or exits. Lives in lib/libsspdb.a. */
#ifndef SSP_SIGNER_H
#define SSP_SIGNER_H

#include "core/ssp_err.h"

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "boinc/ssp_projcfg.h"
#include "boincdb/ssp_boincdb.h"
#include "crypto/ssp_eip712.h"
#include "ledger/ssp_ledger.h"

typedef struct ssp_signer ssp_signer;

/* The keep-your-validator mode (see ssp_grant_scan.h). */
typedef struct ssp_grant_conf {
	const uint64_t *appids;    /* apps whose credit another validator grants; NULL: mode off */
	size_t nappids;
	unsigned overlap;          /* seconds rescanned behind the durable position; 0: 600 */
	int64_t since;             /* first run: credit validated from this unix time on;
				      0: from the first run's start, -1: all of history */
	int check_receipt;         /* claim only results whose share receipt checks out */
	const char *receipt_name;  /* the receipt's open_name; NULL: ssp_receipt.json */
	uint64_t max_output_bytes; /* outputs hashed up to this size; 0: 64 MiB */
	unsigned chunk;            /* rows read at a time; 0: 2000 */
} ssp_grant_conf;

typedef struct ssp_signer_conf {
	uint64_t batch_size;       /* claims per batch, 1..SSP_LEDGER_MAX_BATCH_CLAIMS */
	uint64_t batch_window;     /* seconds, above 0 (both from ssp.conf: lib/core/ssp_cfg.c) */
	unsigned binding_recheck;  /* seconds before unchanged-looking prefs of an unbound user
				      are read again; 0: 60 */
	uint64_t binding_delay;    /* seconds before a binding that replaces another address
				      is used (ssp_binding_delay_check); 0: at once */
	ssp_grant_conf grant;
	const volatile sig_atomic_t *stop; /* when non-NULL and set, a pass ends early */
} ssp_signer_conf;

typedef struct ssp_signer_stats {
	uint64_t outbox;         /* outbox rows copied into the ledger (and deleted) */
	uint64_t ledger_credits; /* credit rows new in the ledger (outbox and grant scan) */
	uint64_t granted;        /* credits found by the grant scan, new in the ledger */
	uint64_t grant_dups;     /* grant-scan results skipped: their user already has one */
	uint64_t grant_refused;  /* grant-scan results whose receipt did not check out */
	uint64_t grant_no_outputs; /* grant-scan credits with a zero resultDigest */
	uint64_t claims, batches;
	uint64_t unbound_users;  /* users logged as lacking a valid binding */
} ssp_signer_stats;

/* The name of the signer lock of project (SSP_SIGNER_LOCK_NAME_LEN chars + NUL). */
#define SSP_SIGNER_LOCK_NAME_LEN 31
void ssp_signer_lock_name(const uint8_t project[32], char out[SSP_SIGNER_LOCK_NAME_LEN + 1]);

/* *running = 1 when a signer holds project's lock now (asked on db's connection, e.g. by a
 * validator that wants to warn when its credit would wait). 0 or SSP_ERR_DB. */
SSP_MUST_CHECK int ssp_signer_running(ssp_boincdb *db, const uint8_t project[32], int *running);

/* A new signer (*out, freed with ssp_signer_free) for project pc (borrowed), writing to
 * ledger (borrowed), signing for domain with seckey (copied, wiped on free). Opens two
 * connections to the project database: one holds the signer lock (SSP_ERR_BUSY with em
 * naming the holder when another signer has it), one does the work. em names a problem.
 * Returns 0, SSP_ERR_BUSY, SSP_ERR_INVAL, SSP_ERR_NOMEM or SSP_ERR_DB. */
SSP_MUST_CHECK int ssp_signer_new(const ssp_signer_conf *c, const ssp_projcfg *pc, ssp_ledger *ledger,
		   const ssp_domain *domain, const uint8_t seckey[32], ssp_signer **out,
		   ssp_errmsg *em);
void ssp_signer_free(ssp_signer *s);

/* One pass (steps 1-4 above). *found (may be NULL) = 1 when it found work (outbox rows or
 * granted credit). Returns 0, SSP_ERR_STATE when the signer lock was lost (the database
 * connection dropped: stop, another signer may run), or a negative code on a database or
 * ledger failure the daemon should stop for; a busy ledger (SSP_ERR_BUSY) is logged and
 * retried in the next pass. */
SSP_MUST_CHECK int ssp_signer_pass(ssp_signer *s, int *found);

/* Counters since ssp_signer_new. */
void ssp_signer_get_stats(const ssp_signer *s, ssp_signer_stats *st);

#endif
