/* The audit: checks a public export (lib/ssp_export.h) against the chain and, optionally,
 * BOINC's stats export, independently of the project's ledger.
 *
 * What is checked (every failure is a discrepancy of a named kind, enum ssp_audit_kind):
 *  - the files are those of the manifest (SHA-256, size, line counts) and the manifest's chain
 *    id and minter are the audited chain's and contract;
 *  - every claim line parses, is of the export's project, seqs run gap-free from the first,
 *    no result is claimed twice, and each claim's batch id is the batch covering its seq;
 *  - every claim's EIP-712 signature recovers to an accepted signer (below);
 *  - batches are contiguous seq ranges in order; each batch's claims are all present, and its
 *    claims root, payouts (the exported list and the signed payoutsHash) and total credit
 *    recompute from them; each batch signature recovers to the signer it names, an accepted
 *    signer; a minted batch carries at least the threshold in force at its mint;
 *  - every BatchMinted event of the project matches exactly one exported batch (firstSeq,
 *    lastSeq, claimsRoot, totalCredit; and the exported transaction hash and block when the
 *    export has them); amount = totalCredit × the rate in force at that event; no seq is
 *    minted twice; nothing is minted that no exported batch explains; an exported MINTED or
 *    FINAL batch has its event; the minter's totalMinted() equals the sum of all amounts;
 *  - with archived receipts (receipts.ndjson.gz): each receipt parses, is its claim's (result
 *    id, user, host) and its outputs' digests hash to the claim's resultDigest; claims
 *    without one are counted;
 *  - with BOINC stats: no user's claimed credit exceeds the total_credit BOINC publishes for
 *    them (allowing half a micro-cobblestone of rounding per claim, plus one). A user with
 *    claims whom the stats leave out is not a discrepancy: BOINC's db_dump (sched/db_dump.cpp)
 *    lists only users with total_credit > 0 whose account is not deleted and, when the
 *    project asks for consent (consent type STATSEXPORT), who consented to statistics
 *    export. They are counted apart (users, claims, credit) as what could not be checked.
 *
 * Accepted signer. The contract's signer set and threshold are replayed from its events
 * (SignerAdded, SignerRemoved, ThresholdChanged, RateChanged; from the state read at the
 * first audited block when the scan does not start at 0). A batch signature, and the
 * signature of every claim in that batch, must recover to a member of the set in force at the
 * batch's BatchMinted event (the log's position in the chain). For a batch not minted yet and
 * for unbatched claims, the set at the last audited block. Without a chain (an offline check,
 * e.g. before co-signing), a batched claim's signer must be one of its batch's signers, and
 * signer sets, thresholds and mints are not checked.
 *
 * Memory: one batch at a time (its leaves and payouts), the chain's events, the set of
 * result ids seen (8 bytes per claim, for the double-claim check) and, with stats, one entry
 * per user. Claims are parsed, hashed and their signatures recovered on worker threads. */
#ifndef SSP_AUDIT_H
#define SSP_AUDIT_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/ssp_eip712.h"
#include "core/ssp_err.h"
#include "export/ssp_export.h"
#include "eth/ssp_rpc.h"
#include "boinc/ssp_stats.h"
#include "core/ssp_u256.h"

/* ---- the chain side: the minter's events ---- */

enum ssp_chain_ev_kind {
	SSP_EV_BATCH_MINTED = 1,
	SSP_EV_SIGNER_ADDED,
	SSP_EV_SIGNER_REMOVED,
	SSP_EV_THRESHOLD_CHANGED,
	SSP_EV_RATE_CHANGED,
};

typedef struct ssp_chain_event {
	int kind;                       /* enum ssp_chain_ev_kind */
	uint64_t block_number, log_index;
	uint8_t block_hash[32], tx_hash[32];
	/* SSP_EV_BATCH_MINTED */
	uint8_t project[32];
	uint64_t first_seq, last_seq, total_credit;
	uint8_t claims_root[32];
	ssp_u256 amount;
	/* SSP_EV_SIGNER_ADDED / _REMOVED */
	uint8_t signer[SSP_ADDR_LEN];
	/* SSP_EV_THRESHOLD_CHANGED / _RATE_CHANGED: the new value */
	ssp_u256 value;
} ssp_chain_event;

typedef struct ssp_audit_chain {
	uint64_t chain_id;
	uint8_t contract[SSP_ADDR_LEN];
	uint64_t from_block, to_block;  /* the audited block range, inclusive */
	ssp_chain_event *events;        /* sorted by (block_number, log_index) by _sort */
	size_t nevents, cap;
	/* The minter's state before from_block (empty when the scan starts at block 0). */
	uint8_t (*init_signers)[SSP_ADDR_LEN];
	size_t ninit_signers;
	uint64_t init_threshold;
	int has_init_rate;
	ssp_u256 init_rate;
	int has_total_minted;           /* totalMinted() at to_block */
	ssp_u256 total_minted;
} ssp_audit_chain;

/* The event signatures (topic0 = keccak256 of them). */
#define SSP_EV_BATCH_MINTED_SIG "BatchMinted(bytes32,uint64,uint64,bytes32,uint64,uint256)"
#define SSP_EV_SIGNER_ADDED_SIG "SignerAdded(address)"
#define SSP_EV_SIGNER_REMOVED_SIG "SignerRemoved(address)"
#define SSP_EV_THRESHOLD_CHANGED_SIG "ThresholdChanged(uint256,uint256)"
#define SSP_EV_RATE_CHANGED_SIG "RateChanged(uint256,uint256)"

/* A new, empty chain record for contract on chain_id (*out freed with ssp_audit_chain_free). */
SSP_MUST_CHECK int ssp_audit_chain_new(uint64_t chain_id, const uint8_t contract[SSP_ADDR_LEN],
			ssp_audit_chain **out);
void ssp_audit_chain_free(ssp_audit_chain *c);
/* Appends ev (a copy). SSP_ERR_INVAL for an unknown kind, SSP_ERR_NOMEM. */
SSP_MUST_CHECK int ssp_audit_chain_add(ssp_audit_chain *c, const ssp_chain_event *ev);
/* Decodes one log and appends it when it is one of the five events above emitted by c's
 * contract; other logs (other contracts, RoleGranted, Paused, …) and removed logs are skipped
 * (*added = 0; added may be NULL). SSP_ERR_PARSE, em naming block and log index, when a known
 * event's topics or data are malformed. */
SSP_MUST_CHECK int ssp_audit_chain_add_log(ssp_audit_chain *c, const ssp_rpc_log *log, int *added,
			    ssp_errmsg *em);
/* Sorts the events by (block_number, log_index). */
void ssp_audit_chain_sort(ssp_audit_chain *c);

typedef struct ssp_audit_chain_opts {
	uint64_t from_block;            /* first block scanned (the minter's deployment or 0) */
	uint64_t to_block;              /* last block scanned; 0: the head minus confirmations */
	uint64_t confirmations;         /* with to_block 0: blocks kept back from the head */
	uint64_t chunk;                 /* blocks per eth_getLogs; 0: 2000 (halved on refusal) */
	void (*progress)(void *ctx, uint64_t done_blocks, uint64_t total_blocks);
	void *progress_ctx;
} ssp_audit_chain_opts;

/* Reads the chain over rpc: eth_chainId, the block range, every log of contract in it in
 * block-range chunks (a chunk the node refuses, or one over the client's caps, is halved),
 * the minter's signers(), threshold() and weiPerMicroCredit() at from_block - 1 when
 * from_block > 0, and totalMinted() at to_block. *out = NULL first; caller frees.
 * Returns 0 or the RPC errors (SSP_ERR_NET, SSP_ERR_RPC, …) with em saying which call. */
SSP_MUST_CHECK int ssp_audit_chain_fetch(ssp_rpc *rpc, const uint8_t contract[SSP_ADDR_LEN],
			  const ssp_audit_chain_opts *o, ssp_audit_chain **out, ssp_errmsg *em);

/* Looks for the BatchMinted event of project starting at first_seq emitted by contract in
 * blocks from..to (to = UINT64_MAX: the head), with eth_getLogs filtered on the event and the
 * project, in chunks of `chunk` blocks (0: 2000; halved when refused). 0 with the first such
 * event in *ev; SSP_ERR_NOT_FOUND when there is none; RPC errors with em. */
SSP_MUST_CHECK int ssp_audit_find_mint(ssp_rpc *rpc, const uint8_t contract[SSP_ADDR_LEN],
			const uint8_t project[32], uint64_t first_seq, uint64_t from, uint64_t to,
			uint64_t chunk, ssp_chain_event *ev, ssp_errmsg *em);

/* ---- the report ---- */

enum ssp_audit_kind {
	SSP_AK_EXPORT_FILE = 0,     /* a file differs from the manifest, or is corrupt */
	SSP_AK_EXPORT_CHAIN,        /* the manifest's chain id / minter are not the audited ones */
	SSP_AK_CLAIM_MALFORMED,
	SSP_AK_CLAIM_PROJECT,       /* a claim of another project */
	SSP_AK_SEQ_GAP,             /* claims missing (dropped) */
	SSP_AK_SEQ_DUPLICATE,       /* a seq repeated or out of order */
	SSP_AK_RESULT_TWICE,        /* one BOINC result claimed twice */
	SSP_AK_CLAIM_BATCH,         /* a claim's batch id is not the batch covering its seq */
	SSP_AK_CLAIM_SIG_INVALID,   /* a claim signature that recovers to no address */
	SSP_AK_CLAIM_SIGNER,        /* recovers to a non-signer: edited claim or forged signature */
	SSP_AK_BATCH_MALFORMED,
	SSP_AK_BATCH_ORDER,         /* batches overlap, go backwards or leave a gap */
	SSP_AK_BATCH_INCOMPLETE,    /* claims of a batch are missing from the export */
	SSP_AK_CLAIMS_ROOT,         /* the claims do not hash to the batch's claimsRoot */
	SSP_AK_PAYOUTS,             /* the exported payouts are not the claims summed */
	SSP_AK_PAYOUTS_HASH,        /* the signed payoutsHash is not the claims' payouts */
	SSP_AK_TOTAL_CREDIT,        /* totalCredit is not the claims' credit */
	SSP_AK_BATCH_SIG_INVALID,   /* a batch signature that does not recover to its signer */
	SSP_AK_BATCH_SIGNER,        /* a batch signature by a non-signer */
	SSP_AK_BATCH_THRESHOLD,     /* a minted batch with fewer accepted signatures than needed */
	SSP_AK_BATCH_NOT_MINTED,    /* exported as MINTED/FINAL, no BatchMinted event */
	SSP_AK_BATCH_TX,            /* the exported tx hash / block differ from the event's */
	SSP_AK_MINT_WITHOUT_BATCH,  /* a BatchMinted event no exported batch explains */
	SSP_AK_MINT_MISMATCH,       /* an event's lastSeq / claimsRoot / totalCredit differ */
	SSP_AK_MINT_AMOUNT,         /* amount ≠ totalCredit × rate */
	SSP_AK_SEQ_MINTED_TWICE,    /* two BatchMinted events cover one seq */
	SSP_AK_TOTAL_MINTED,        /* totalMinted() ≠ the sum of BatchMinted amounts */
	SSP_AK_STATS_EXCEEDED,      /* claimed credit above BOINC's published total_credit */
	SSP_AK_STATS_MISSING,       /* no longer raised: such users are counted apart */
	SSP_AK_RECEIPT_MALFORMED,   /* a receipts line or its receipt does not parse, or is out of order */
	SSP_AK_RECEIPT_MISMATCH,    /* an archived receipt is not its claim's (digest, user, host, result) */
	SSP_AK_COUNT
};

/* "claims_root_mismatch", … (stable names, used in JSON); "?" for an unknown kind. */
const char *ssp_audit_kind_name(int kind);
/* A one-line explanation of the kind. */
const char *ssp_audit_kind_help(int kind);

typedef struct ssp_audit_issue {
	int kind;                   /* enum ssp_audit_kind */
	int64_t batch_id;           /* 0 when none */
	uint64_t seq;               /* 0 when none */
	char msg[256];
} ssp_audit_issue;

/* What the report keeps per batch, per user and per day (for tables and charts). */
typedef struct ssp_audit_batch_row {
	int64_t id;
	uint64_t first_seq, last_seq, total_credit, sealed_at;
	int state;                  /* enum ssp_export_state, as exported */
	int minted;                 /* a BatchMinted event matched it (offline: as exported) */
	uint64_t block;             /* the event's block (offline: the exported one), else 0 */
	ssp_u256 amount;            /* the event's amount (offline: totalCredit x the manifest's rate) */
	size_t nsigs;
} ssp_audit_batch_row;

typedef struct ssp_audit_user_row {
	uint64_t user_id, claims, credit;
	int in_stats;               /* with stats: listed there */
	uint64_t stats_credit;      /* BOINC's total_credit in micro-cobblestones, when listed */
} ssp_audit_user_row;

typedef struct ssp_audit_day_row {
	uint64_t day;               /* grantedAt / 86400 */
	uint64_t claims, credit;
} ssp_audit_day_row;

/* Why BOINC's stats leave users out (reported with the count of such users). */
#define SSP_AUDIT_UNLISTED_REASON                                                            \
	"BOINC's statistics export (db_dump) lists only users who consented to statistics "  \
	"export (when the project asks for consent), have credit and are not deleted"

typedef struct ssp_audit_report {
	ssp_export_manifest manifest;
	int chain_checked, stats_checked;
	int64_t only_batch;         /* the batch a partial check was limited to, else 0 */
	uint64_t from_block, to_block;
	uint64_t claims, claims_batched, claims_unbatched;
	uint64_t claims_no_digest;  /* claims whose resultDigest is zero: outputs already deleted */
	uint64_t batches, batches_minted, batches_pending, batches_failed;
	uint64_t credit_claimed, credit_batched, credit_minted;
	ssp_u256 amount_minted;     /* sum of the project's BatchMinted amounts */
	/* The minter's state at the last audited block (chain checked): signers, threshold, rate. */
	uint64_t head_signers, head_threshold;
	int has_head_rate;
	ssp_u256 head_rate;
	uint64_t mint_events, mint_events_other;  /* the project's, and other projects' */
	uint64_t stats_users;       /* users with claims, checked against the stats */
	int receipts_published;     /* the export has receipts.ndjson.gz */
	uint64_t receipts_checked;  /* claims whose resultDigest was re-derived from a receipt */
	uint64_t receipts_missing;  /* claims (in scope) without an archived receipt */
	/* Users with claims that the stats leave out: their credit could not be checked. */
	uint64_t stats_unlisted_users, stats_unlisted_claims, stats_unlisted_credit;
	/* Per batch in seq order, per user in id order, per day in order (full audits). */
	ssp_audit_batch_row *batch_rows;
	size_t nbatch_rows;
	ssp_audit_user_row *user_rows;
	size_t nuser_rows;
	ssp_audit_day_row *day_rows;
	size_t nday_rows;
	uint64_t nissues;           /* discrepancies found */
	uint64_t by_kind[SSP_AK_COUNT];
	ssp_audit_issue *issues;    /* the first nkept of them */
	size_t nkept;
	double seconds;
} ssp_audit_report;

void ssp_audit_report_free(ssp_audit_report *r);
/* wei as SSP (18 decimals, trailing zeros trimmed: "1.5") into buf; returns buf. */
const char *ssp_audit_ssp_string(const ssp_u256 *wei, char buf[SSP_U256_DEC_MAX + 4]);
/* The report as text (a summary, then every kept discrepancy, one per line) or as JSON
 * (json nonzero; {"clean":…,"summary":{…},"counts":{kind:n},"discrepancies":[…],
 * "omitted":n}) in *out, caller frees. */
SSP_MUST_CHECK int ssp_audit_report_format(const ssp_audit_report *r, int json, char **out);
/* The report as one self-contained HTML page (inline CSS and SVG, no script, no external
 * resource, a Content-Security-Policy that forbids fetching any) in *out, caller frees:
 * summary, charts of credit claimed and SSP minted over time and of credit per volunteer,
 * per-batch and per-user tables, every discrepancy linked to its batch or claim row. */
SSP_MUST_CHECK int ssp_audit_report_html(const ssp_audit_report *r, char **out);

/* Reads BOINC's stats export at path (user.gz or user.xml) as a file from outside: opened
 * O_NOFOLLOW|O_NONBLOCK, a regular file only (ssp_export_open_file), then parsed through that
 * descriptor by ssp_stats_read. Its errors, and SSP_ERR_FILE_TYPE for a symbolic link or FIFO. */
SSP_MUST_CHECK int ssp_audit_stats_read(const char *path, ssp_stats **out, ssp_errmsg *em);

/* ---- running it ---- */

typedef struct ssp_audit_opts {
	const char *export_dir;
	const ssp_audit_chain *chain;   /* NULL: offline (no chain checks) */
	const ssp_stats *stats;         /* NULL: no BOINC stats check */
	const char *stats_master_url;   /* the project the stats are of (NULL: the export's) */
	unsigned threads;               /* worker threads; 0: the online CPUs */
	size_t max_issues;              /* discrepancies kept in detail; 0: 1000 */
	int64_t only_batch;             /* > 0: check this batch and its claims only; with stats,
					 * every claim up to the batch's last seq counts towards its
					 * user's claimed credit (those before it are parsed, not
					 * checked otherwise) */
	void (*progress)(void *ctx, uint64_t claims_done, uint64_t claims_total);
	void *progress_ctx;
} ssp_audit_opts;

/* Audits the export. *out = NULL first; on success *out is the report (caller frees with
 * ssp_audit_report_free) whatever the discrepancies. Returns 0 when the audit ran (clean or
 * not: see (*out)->nissues); SSP_ERR_NOT_FOUND / SSP_ERR_PARSE / SSP_ERR_UNSUPPORTED when the
 * manifest cannot be read, SSP_ERR_NOT_FOUND when only_batch is not in the export,
 * SSP_ERR_INVAL when the stats are of another project, SSP_ERR_IO / SSP_ERR_NOMEM; em says
 * what. A corrupt or altered data file is a discrepancy, not an error. */
SSP_MUST_CHECK int ssp_audit_run(const ssp_audit_opts *o, ssp_audit_report **out, ssp_errmsg *em);

#endif
