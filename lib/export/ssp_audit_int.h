/* Internal to the audit (ssp_audit*.c): the audit's state, the worker pool that parses,
 * hashes and recovers claims, and the functions the batch and claim passes share. */
#ifndef SSP_AUDIT_INT_H
#define SSP_AUDIT_INT_H

#include "core/ssp_err.h"

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "export/ssp_audit.h"
#include "core/ssp_u64map.h"

#define CHUNK_LINES 4096u
#define GRAB 32u
#define MAX_THREADS 64u

/* ------------------------------------------------------------------ small containers */

/* Per-user (or per-day) claimed credit, the values of an ssp_u64map keyed by the id. */
struct user {
	uint64_t credit;
	uint64_t claims;
	int overflow;
};

/* ------------------------------------------------------------------ the chain, replayed */

/* A signer set as it stood at some point: sorted addresses. */
struct version {
	uint8_t (*a)[SSP_ADDR_LEN];
	size_t n;
	uint64_t threshold;
};

struct mint {
	const ssp_chain_event *ev;
	size_t version;
	int has_rate;
	ssp_u256 rate;
	int matched;
};

/* ------------------------------------------------------------------ the worker pool */

struct item {
	uint64_t lineno;
	size_t off, len;            /* the line in the chunk's text */
	int parse_rc;
	ssp_errmsg em;
	ssp_export_claim ec;
	uint8_t leaf[32];
	int sig_rc;
	uint8_t signer[SSP_ADDR_LEN];
};

struct chunk {
	char *text;
	size_t used, cap;
	struct item *items;
	size_t n;
	size_t next;                /* next item to grab (atomic) */
	unsigned finished;          /* workers done with this chunk (under the pool lock) */
};

struct pool {
	pthread_mutex_t mu;
	pthread_cond_t work, done;
	struct chunk *job;
	uint64_t gen;
	int quit;
	unsigned nthreads, started;
	pthread_t threads[MAX_THREADS];
	uint8_t domsep[32];
};

/* ------------------------------------------------------------------ audit state */

struct pay {
	uint8_t ben[SSP_ADDR_LEN];
	uint64_t credit;
};

struct cur {
	int active;
	ssp_export_batch b;
	uint64_t n, nseen;
	uint8_t (*leaves)[32];
	uint8_t *seen;
	struct pay *pays;
	struct mint *mint;
	const struct version *accept;      /* online: the set its signatures must come from */
	uint8_t (*offline_signers)[SSP_ADDR_LEN]; /* offline: its batch signers */
	size_t noffline;
};

struct audit {
	const ssp_audit_opts *o;
	ssp_audit_report *r;
	size_t max_issues;
	ssp_domain domain;
	uint8_t domsep[32];
	const uint8_t *project;
	/* chain */
	const ssp_audit_chain *chain;
	struct version *versions;
	size_t nversions;
	size_t head;
	struct mint *mints;
	size_t nmints;
	/* batches */
	ssp_ndjson_reader *br;
	char bpath[4200];
	int br_eof;
	uint64_t prev_last;                /* last seq of the previous batch (first_seq - 1 at start) */
	int have_prev;
	struct cur cur;
	ssp_export_batch *only;            /* only_batch mode: the batch, read beforehand */
	/* claims */
	char cpath[4200];
	uint64_t expect;
	ssp_u64map *results;               /* result ids claimed (a set) */
	ssp_u64map *users;                 /* user id -> struct user */
	ssp_u64map *days;                  /* grantedAt day -> struct user: claims and credit */
	/* receipts.ndjson.gz, read alongside the claims (both in seq order) */
	ssp_ndjson_reader *rr;
	int rr_eof, have_rec;
	uint64_t rec_seq, rec_result, rec_prev;
	char *rec_text;
	size_t rec_len;
	size_t cap_batch_rows;
	uint64_t filter_first, filter_last;
	int filtered;
	int fatal;                         /* an error (not a discrepancy) stops the audit */
	ssp_errmsg *em;
};

/* ---- ssp_audit_pool.c ---- */

/* Starts n worker threads on p (zeroed, domsep set). SSP_ERR_NOMEM. */
SSP_MUST_CHECK int ssp_aud_pool_start(struct pool *p, unsigned n);
/* Stops and joins the workers started. */
void ssp_aud_pool_stop(struct pool *p);
/* Hands c to the workers. */
void ssp_aud_pool_submit(struct pool *p, struct chunk *c);
/* Waits until every worker is done with c. */
void ssp_aud_pool_wait(struct pool *p, struct chunk *c);

/* ---- ssp_audit_batch.c ---- */

/* Records a discrepancy of kind (kept in detail up to max_issues). */
__attribute__((format(printf, 5, 6)))
void ssp_aud_issue(struct audit *a, int kind, int64_t batch, uint64_t seq, const char *fmt, ...);
/* EIP-55 text of a / "0x" + hex of h, into buf. */
const char *ssp_aud_addr(const uint8_t a[SSP_ADDR_LEN], char buf[SSP_ADDR_STRLEN]);
const char *ssp_aud_hex32(const uint8_t h[32], char buf[67]);
/* 1 when a is in the signer set v. */
SSP_MUST_CHECK int ssp_aud_set_has(const struct version *v, const uint8_t a[SSP_ADDR_LEN]);
/* Replays the chain's events: signer-set versions, the rate, the project's mints. */
SSP_MUST_CHECK int ssp_aud_replay_chain(struct audit *a);
/* Frees the current batch's arrays and zeroes it. */
void ssp_aud_cur_free(struct cur *c);
/* Recomputes root, payouts and total of the current batch from its claims. */
SSP_MUST_CHECK int ssp_aud_end_batch(struct audit *a);
/* Makes the batch covering seq current (finishing the ones before it). */
SSP_MUST_CHECK int ssp_aud_advance_batches(struct audit *a, uint64_t seq);

#endif
