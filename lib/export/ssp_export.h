/* The public export of a project's ledger (what a project publishes for auditors):
 *
 *   DIR/claims.ndjson.gz    one line per ShareClaim, in seq order:
 *       {"claim":{<the ten EIP-712 fields, as lib/ssp_claim_json.h>},
 *        "signature":"0x<65 bytes r‖s‖v>","batch":<batch id>|null}
 *   DIR/batches.ndjson.gz   one line per sealed batch, in firstSeq order:
 *       {"id":<batch id>,
 *        "batch":{"project":"0x…","firstSeq":1,"lastSeq":256,"claimsRoot":"0x…",
 *                 "payoutsHash":"0x…","totalCredit":123},
 *        "state":"SEALED|SUBMITTED|MINTED|FINAL|FAILED","reason":"",
 *        "sealedAt":<unix seconds>,
 *        "payouts":[{"beneficiary":"0x<EIP-55>","credit":5},…],
 *        "signatures":[{"signer":"0x<EIP-55>","signature":"0x…"},…],
 *        "tx":{"hash":"0x…","blockNumber":12,"blockHash":"0x…"}|null}
 *   DIR/manifest.json       what the files are and their SHA-256:
 *       {"format":"smartshare-export","version":1,"createdAt":…,
 *        "project":{"masterUrl":"…","id":"0x…"},
 *        "chain":{"chainId":…,"minter":"0x…","weiPerMicroCredit":"<decimal>"|null},
 *        "claims":{"count":…,"firstSeq":…,"lastSeq":…},"batches":{"count":…},
 *        "files":{"claims.ndjson.gz":{"sha256":"<64 hex>","bytes":…,"lines":…},
 *                 "batches.ndjson.gz":{…}}}
 *
 * Lines are compact JSON (no raw newline inside), LF-terminated, gzip-compressed (one or more
 * gzip members). Integers are JSON integers in 0..INT64_MAX; hashes and signatures are "0x" +
 * lowercase hex; addresses are EIP-55. The SHA-256 is of the compressed file as published.
 * Parsers are strict: a missing, unknown, duplicated or malformed member is an error naming it.
 * Claims lines are capped at SSP_EXPORT_MAX_CLAIM_LINE bytes, batch lines at
 * SSP_EXPORT_MAX_BATCH_LINE (a batch of SSP_EXPORT_MAX_BATCH_CLAIMS distinct beneficiaries
 * fits), the manifest at SSP_EXPORT_MAX_MANIFEST. Writers never write what readers refuse. */
#ifndef SSP_EXPORT_H
#define SSP_EXPORT_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/ssp_eip712.h"
#include "core/ssp_err.h"
#include "crypto/ssp_key.h"
#include "core/ssp_u256.h"

#define SSP_EXPORT_FORMAT "smartshare-export"
#define SSP_EXPORT_VERSION 1
#define SSP_EXPORT_CLAIMS_FILE "claims.ndjson.gz"
#define SSP_EXPORT_BATCHES_FILE "batches.ndjson.gz"
#define SSP_EXPORT_MANIFEST_FILE "manifest.json"
#define SSP_EXPORT_RECEIPTS_FILE "receipts.ndjson.gz"

#define SSP_EXPORT_MAX_CLAIM_LINE (64u * 1024)
#define SSP_EXPORT_MAX_BATCH_LINE (128u << 20)
#define SSP_EXPORT_MAX_MANIFEST (1024u * 1024)
#define SSP_EXPORT_MAX_RECEIPT_LINE (1024u * 1024)
/* Most claims (so payouts) in one batch, and most signatures on one batch. */
#define SSP_EXPORT_MAX_BATCH_CLAIMS 1000000u
#define SSP_EXPORT_MAX_SIGS 255u
/* Longest master URL, and the reason text of a batch (NUL excluded). */
#define SSP_EXPORT_MAX_URL 1024u
#define SSP_EXPORT_MAX_REASON 255u

/* ---- gzip'd newline-delimited streams, with the SHA-256 of the compressed bytes ---- */

typedef struct ssp_ndjson_writer ssp_ndjson_writer;

/* Creates (or truncates) path, mode 0644, for gzip output at zlib level (1..9; 0 means 6),
 * refusing lines longer than max_line bytes. *out = NULL first; on success *out is
 * caller-owned (ssp_ndjson_writer_close or _abort). SSP_ERR_IO, SSP_ERR_NOMEM, SSP_ERR_INVAL. */
SSP_MUST_CHECK int ssp_ndjson_writer_open(const char *path, int level, size_t max_line, ssp_ndjson_writer **out);
/* Writes line[0..len) and a LF. SSP_ERR_INVAL when it holds a LF or NUL, SSP_ERR_TOO_BIG
 * past max_line, SSP_ERR_IO. After a failure the writer only accepts _abort. */
SSP_MUST_CHECK int ssp_ndjson_write_line(ssp_ndjson_writer *w, const char *line, size_t len);
/* Finishes the gzip stream, fsyncs and closes the file and frees w (also on failure).
 * sha256, bytes and lines (each may be NULL) receive the digest and size of the compressed
 * file and the number of lines. Returns 0 or SSP_ERR_IO (then the file is removed). */
SSP_MUST_CHECK int ssp_ndjson_writer_close(ssp_ndjson_writer *w, uint8_t sha256[32], uint64_t *bytes,
			    uint64_t *lines);
/* Closes w and removes its file (NULL ok). */
void ssp_ndjson_writer_abort(ssp_ndjson_writer *w);

typedef struct ssp_ndjson_reader ssp_ndjson_reader;

/* Opens the gzip'd stream at path (as ssp_export_open_file: no symbolic link, FIFO or device),
 * lines capped at max_line bytes, at most max_bytes compressed bytes read (UINT64_MAX: no
 * cap; reading a file that goes on past it fails with SSP_ERR_TOO_BIG). *out = NULL first.
 * SSP_ERR_NOT_FOUND, SSP_ERR_FILE_TYPE, SSP_ERR_IO, SSP_ERR_NOMEM; em names the file. */
SSP_MUST_CHECK int ssp_ndjson_reader_open(const char *path, size_t max_line, uint64_t max_bytes,
			   ssp_ndjson_reader **out, ssp_errmsg *em);
/* The next line, without its LF, NUL-terminated, in *line (owned by r, valid until the next
 * call) and its length in *len. Returns 1 for a line, 0 at the end, or: SSP_ERR_TOO_BIG for a
 * line over the cap, SSP_ERR_PARSE for a NUL byte, corrupt or truncated gzip data or a last
 * line without LF, SSP_ERR_IO; em names the line number (1-based). After an error, further
 * calls return the same error. */
SSP_MUST_CHECK int ssp_ndjson_read_line(ssp_ndjson_reader *r, const char **line, size_t *len, ssp_errmsg *em);
/* Lines returned so far. */
uint64_t ssp_ndjson_reader_lines(const ssp_ndjson_reader *r);
/* Compressed bytes consumed so far (for progress). */
uint64_t ssp_ndjson_reader_offset(const ssp_ndjson_reader *r);
/* Reads whatever remains of the file (without decompressing) and gives the SHA-256 and the
 * size of the whole compressed file. Returns 0, SSP_ERR_TOO_BIG when it goes on past the
 * reader's max_bytes, or SSP_ERR_IO. Call once, when done reading. */
SSP_MUST_CHECK int ssp_ndjson_reader_digest(ssp_ndjson_reader *r, uint8_t sha256[32], uint64_t *bytes);
/* Closes r (NULL ok). */
void ssp_ndjson_reader_close(ssp_ndjson_reader *r);

/* ---- records ---- */

/* One line of claims.ndjson.gz. */
typedef struct ssp_export_claim {
	ssp_claim claim;
	uint8_t sig[SSP_SIG_LEN];
	int64_t batch_id;          /* 0: not in a batch (JSON null) */
} ssp_export_claim;

/* A claims line for ec (compact, no LF) in *out (caller frees), its length in *len.
 * SSP_ERR_RANGE for a field above INT64_MAX, SSP_ERR_INVAL for a negative batch id,
 * SSP_ERR_NOMEM. *out = NULL on failure. */
SSP_MUST_CHECK int ssp_export_claim_format(const ssp_export_claim *ec, char **out, size_t *len);
/* Parses a claims line text[0..len) into *ec (written only on success). SSP_ERR_TOO_BIG over
 * SSP_EXPORT_MAX_CLAIM_LINE; SSP_ERR_PARSE with em naming the member. */
SSP_MUST_CHECK int ssp_export_claim_parse(const char *text, size_t len, ssp_export_claim *ec, ssp_errmsg *em);
/* Quick look at a claims line written by ssp_export_claim_format (or any line where the
 * member name is spelt plainly): the decimal value of member "name" (e.g. "seq",
 * "resultId") into *v. 0, or SSP_ERR_NOT_FOUND when it is not there plainly (then parse
 * the line fully). Never a substitute for ssp_export_claim_parse: only a filter. */
SSP_MUST_CHECK int ssp_export_line_peek_u64(const char *line, size_t len, const char *name, uint64_t *v);

typedef struct ssp_export_sig {
	uint8_t signer[SSP_ADDR_LEN];
	uint8_t sig[SSP_SIG_LEN];
} ssp_export_sig;

/* Batch states, as in the ledger (lib/ssp_ledger.h enum ssp_batch_state). */
enum ssp_export_state {
	SSP_EXPORT_SEALED = 1,
	SSP_EXPORT_SUBMITTED = 2,
	SSP_EXPORT_MINTED = 3,
	SSP_EXPORT_FINAL = 4,
	SSP_EXPORT_FAILED = 5,
};
/* "SEALED", … ; "?" for an unknown state. */
const char *ssp_export_state_name(int state);

/* One line of batches.ndjson.gz. Release with ssp_export_batch_clear. */
typedef struct ssp_export_batch {
	int64_t id;
	ssp_batch header;
	int state;                  /* enum ssp_export_state */
	char reason[SSP_EXPORT_MAX_REASON + 1];
	uint64_t sealed_at;
	ssp_payout *payouts;        /* owned */
	size_t npayouts;
	ssp_export_sig *sigs;       /* owned */
	size_t nsigs;
	int has_tx;                 /* the mint transaction, when the ledger saw it mined */
	uint8_t tx_hash[32];
	uint64_t block_number;
	uint8_t block_hash[32];
} ssp_export_batch;

/* Frees b's arrays and zeroes it (NULL ok). */
void ssp_export_batch_clear(ssp_export_batch *b);
/* A batches line (compact, no LF) in *out (caller frees), its length in *len.
 * SSP_ERR_RANGE / SSP_ERR_INVAL / SSP_ERR_TOO_BIG (over the line cap) / SSP_ERR_NOMEM. */
SSP_MUST_CHECK int ssp_export_batch_format(const ssp_export_batch *b, char **out, size_t *len);
/* Parses a batches line into *b (zeroed first; on failure left cleared). SSP_ERR_TOO_BIG
 * over the cap or past SSP_EXPORT_MAX_BATCH_CLAIMS payouts / SSP_EXPORT_MAX_SIGS signatures;
 * SSP_ERR_PARSE with em naming the member; SSP_ERR_NOMEM. */
SSP_MUST_CHECK int ssp_export_batch_parse(const char *text, size_t len, ssp_export_batch *b, ssp_errmsg *em);

/* ---- manifest ---- */

typedef struct ssp_export_file {
	uint8_t sha256[32];
	uint64_t bytes;
	uint64_t lines;
} ssp_export_file;

typedef struct ssp_export_manifest {
	uint64_t created_at;
	char master_url[SSP_EXPORT_MAX_URL + 1];
	uint8_t project[32];         /* keccak256(master_url), checked when read */
	uint64_t chain_id;
	uint8_t minter[SSP_ADDR_LEN];
	int has_rate;                /* weiPerMicroCredit when the export knew it */
	ssp_u256 rate;
	int has_deploy_block;        /* chain.deployBlock: the minter's deployment block, where */
	uint64_t deploy_block;       /* an audit starts its scan (null when unknown) */
	uint64_t nclaims;            /* claims exported: seqs first_seq..last_seq */
	uint64_t first_seq, last_seq; /* 1 and 0 when there are none */
	uint64_t nbatches;
	ssp_export_file claims, batches;
	int has_receipts;            /* receipts.ndjson.gz is published (optional) */
	ssp_export_file receipts;
} ssp_export_manifest;

/* Manifest JSON (pretty-printed, ends with LF) in *out, caller frees. SSP_ERR_RANGE /
 * SSP_ERR_INVAL / SSP_ERR_NOMEM. */
SSP_MUST_CHECK int ssp_export_manifest_format(const ssp_export_manifest *m, char **out);
/* Parses manifest text[0..len) into *m. SSP_ERR_TOO_BIG over SSP_EXPORT_MAX_MANIFEST;
 * SSP_ERR_UNSUPPORTED for another format or version; SSP_ERR_PARSE naming the member (also
 * when project.id is not keccak256(masterUrl) or the claims counts disagree). */
SSP_MUST_CHECK int ssp_export_manifest_parse(const char *text, size_t len, ssp_export_manifest *m,
			      ssp_errmsg *em);
/* Reads DIR/manifest.json (ssp_export_read_file, capped) and parses it; em names the file. */
SSP_MUST_CHECK int ssp_export_manifest_read(const char *dir, ssp_export_manifest *m, ssp_errmsg *em);

/* ---- files from outside (an export is a downloaded archive: it may hold symbolic links,
 * FIFOs or devices in place of its files) ---- */

/* Opens path read-only without following a symbolic link and without blocking
 * (O_NOFOLLOW|O_NONBLOCK), a regular file only; nothing is read. *fd (caller closes; -1 on
 * failure) and *size (may be NULL). SSP_ERR_NOT_FOUND; SSP_ERR_FILE_TYPE for a symbolic link, a
 * FIFO, a device, a directory or a socket; SSP_ERR_IO. em names the file and says why, never
 * quoting its content. */
SSP_MUST_CHECK int ssp_export_open_file(const char *path, int *fd, uint64_t *size, ssp_errmsg *em);
/* Reads such a file whole into *out (NUL-terminated, caller frees; *len excludes the NUL).
 * SSP_ERR_TOO_BIG over cap bytes (refused before reading), errors as ssp_export_open_file. */
SSP_MUST_CHECK int ssp_export_read_file(const char *path, size_t cap, char **out, size_t *len, ssp_errmsg *em);

/* "DIR/name" into buf (cap bytes). SSP_ERR_TOO_BIG when it does not fit. */
SSP_MUST_CHECK int ssp_export_path(const char *dir, const char *name, char *buf, size_t cap);

/* ---- writing an export from the ledger ---- */

struct ssp_ledger;

typedef struct ssp_export_opts {
	const char *master_url;      /* the project (its id is keccak256 of it) */
	uint64_t chain_id;
	uint8_t minter[SSP_ADDR_LEN];
	int has_rate;                /* weiPerMicroCredit to record, when known */
	ssp_u256 rate;
	int has_deploy_block;        /* the minter's deployment block, when known */
	uint64_t deploy_block;
	int level;                   /* zlib level 1..9, 0: 6 */
	const char *receipts_dir;    /* the receipt archive to publish from (NULL: none) */
	uint64_t now;                /* createdAt; 0: time(NULL) */
	/* Called now and then with the claims written so far and the claims to write. */
	void (*progress)(void *ctx, uint64_t done, uint64_t total);
	void *progress_ctx;
} ssp_export_opts;

/* Writes the export of project keccak256(o->master_url) from ledger l into directory dir
 * (created, mode 0755, when missing): the claims with seq 1..next_seq-1 as they are when the
 * export starts, the batches sealed over them (other batches, and the batch ids of claims
 * sealed into them while exporting, are left for the next export), each MINTED/FINAL batch
 * with its mined transaction. Files are written under temporary names, fsync'd, renamed into
 * place, the manifest last (atomically). Memory holds one batch at a time and an index of
 * the batches' seq ranges, never the claims. *m (may be NULL) receives the manifest.
 * Returns 0, the ledger's errors, SSP_ERR_IO, SSP_ERR_TOO_BIG (a batch over the line cap),
 * SSP_ERR_INVAL; em says what failed. On failure no export file is left changed. */
SSP_MUST_CHECK int ssp_export_from_ledger(struct ssp_ledger *l, const char *dir, const ssp_export_opts *o,
			   ssp_export_manifest *m, ssp_errmsg *em);

/* Finds batch id in DIR/batches.ndjson.gz into *b (release with ssp_export_batch_clear).
 * SSP_ERR_NOT_FOUND when it is not there; parse and I/O errors with em naming the line. */
SSP_MUST_CHECK int ssp_export_find_batch(const char *dir, int64_t id, ssp_export_batch *b, ssp_errmsg *em);

/* ---- a volunteer's proof that a claim is in a batch ---- */

/* Most Merkle siblings in a proof (a batch of SSP_EXPORT_MAX_BATCH_CLAIMS needs 20). */
#define SSP_PROOF_MAX_DEPTH 64u
#define SSP_PROOF_MAX_JSON (64u * 1024)

typedef struct ssp_claim_proof {
	uint64_t chain_id;
	uint8_t minter[SSP_ADDR_LEN];
	ssp_export_claim claim;      /* the claim, its signature and its batch id */
	ssp_batch header;            /* the batch it is in */
	int state;                   /* the batch's state in the export */
	int has_tx;                  /* its mint transaction, when the export had one */
	uint8_t tx_hash[32];
	uint64_t block_number;
	uint8_t block_hash[32];
	uint64_t index;              /* seq - firstSeq: the leaf's position */
	uint8_t leaf[32];            /* EIP-712 struct hash of the claim */
	uint8_t proof[SSP_PROOF_MAX_DEPTH][32];
	size_t nproof;
} ssp_claim_proof;

/* Builds the proof for result_id of the export in dir: finds its claim, its batch, and the
 * batch's other claims (two streaming passes over claims.ndjson.gz; memory: the batch's
 * leaves). Checks that the recomputed root is the batch's claimsRoot. Returns 0;
 * SSP_ERR_NOT_FOUND when no claim has that result; SSP_ERR_STATE when the claim is in no
 * batch yet; SSP_ERR_MISMATCH when the export's batch does not hash to its root (the export
 * is inconsistent: audit it); parse and I/O errors with em naming file and line. */
SSP_MUST_CHECK int ssp_claim_proof_build(const char *dir, uint64_t result_id, ssp_claim_proof *p,
			  ssp_errmsg *em);
/* The proof as JSON (pretty, LF-terminated) in *out, caller frees:
 * {"chainId":…,"minter":…,"claim":{…},"signature":…,"batchId":…,"batch":{header},
 *  "state":…,"tx":{…}|null,"index":…,"leaf":…,"proof":["0x…",…]}. */
SSP_MUST_CHECK int ssp_claim_proof_format(const ssp_claim_proof *p, char **out);
/* Parses a proof JSON (capped at SSP_PROOF_MAX_JSON). SSP_ERR_PARSE naming the member. */
SSP_MUST_CHECK int ssp_claim_proof_parse(const char *text, size_t len, ssp_claim_proof *p, ssp_errmsg *em);
/* Checks p on its own: the leaf is the claim's struct hash, the claim's project and seq are
 * the batch's (index = seq - firstSeq), and leaf + proof hash to the batch's claimsRoot.
 * *signer (may be NULL) receives the address the claim's signature recovers to (zeroes when
 * it does not recover). 0 when it holds, SSP_ERR_MISMATCH with em naming the failed check. */
SSP_MUST_CHECK int ssp_claim_proof_verify(const ssp_claim_proof *p, uint8_t signer[SSP_ADDR_LEN],
			   ssp_errmsg *em);

/* ---- an auditor's co-signature of a sealed batch ---- */

#define SSP_COSIG_MAX_JSON (16u * 1024)

typedef struct ssp_cosig {
	uint64_t chain_id;
	uint8_t minter[SSP_ADDR_LEN];
	int64_t batch_id;
	ssp_batch header;            /* what was signed (EIP-712 ShareBatch) */
	uint8_t signer[SSP_ADDR_LEN];
	uint8_t sig[SSP_SIG_LEN];
} ssp_cosig;

/* {"chainId":…,"minter":…,"batchId":…,"batch":{header},"digest":…,"signer":…,
 *  "signature":…} (pretty, LF-terminated) in *out, caller frees. */
SSP_MUST_CHECK int ssp_cosig_format(const ssp_cosig *c, char **out);
/* Parses a co-signature (capped at SSP_COSIG_MAX_JSON); the digest member must be the batch's
 * EIP-712 digest for (chainId, minter). SSP_ERR_PARSE naming the member. */
SSP_MUST_CHECK int ssp_cosig_parse(const char *text, size_t len, ssp_cosig *c, ssp_errmsg *em);
/* 0 when c->sig over the batch digest recovers to c->signer, SSP_ERR_BAD_SIG otherwise. */
SSP_MUST_CHECK int ssp_cosig_verify(const ssp_cosig *c);

/* The batch h as EIP-712 typed data for (chain_id, minter), the JSON eth_signTypedData_v4 and
 * `cast wallet sign --data` take: {"types":{"EIP712Domain":[…],"ShareBatch":[…]},
 * "primaryType":"ShareBatch","domain":{name,version,chainId,verifyingContract},
 * "message":{…}} with uint64 values as decimal strings (pretty, LF-terminated) in *out,
 * caller frees. Its signing digest is ssp_eip712_batch_digest's. */
SSP_MUST_CHECK int ssp_batch_typed_data_format(uint64_t chain_id, const uint8_t minter[SSP_ADDR_LEN],
				const ssp_batch *h, char **out);
/* Parses such typed data (capped at SSP_COSIG_MAX_JSON; uint64 values as numbers or decimal
 * strings; types, primary type and domain name/version must be exactly SmartShare's).
 * SSP_ERR_PARSE naming the member. */
SSP_MUST_CHECK int ssp_batch_typed_data_parse(const char *text, size_t len, uint64_t *chain_id,
			       uint8_t minter[SSP_ADDR_LEN], ssp_batch *h, ssp_errmsg *em);

/* ---- receipts as public evidence ---- */

/* DIR/receipts.ndjson.gz, one line per exported claim whose receipt was archived, in seq
 * order: {"seq":N,"resultId":R,"receipt":"<the archived receipt, its exact text>"}. */

struct ssp_receipt;
/* resultDigest as the validator computes it from receipt r: SHA-256 of its outputs' SHA-256
 * digests concatenated in the receipt's order. 0 or SSP_ERR_NOMEM. */
SSP_MUST_CHECK int ssp_receipt_digest(const struct ssp_receipt *r, uint8_t out[32]);
/* A receipts line (compact, no LF) in *out (caller frees), its length in *outlen. */
SSP_MUST_CHECK int ssp_export_receipt_format(uint64_t seq, uint64_t result_id, const char *text, size_t len,
			      char **out, size_t *outlen);
/* Parses a receipts line: seq, resultId and the receipt's text (*text caller-freed,
 * NUL-terminated, *tlen its length). SSP_ERR_TOO_BIG, SSP_ERR_PARSE naming the member. */
SSP_MUST_CHECK int ssp_export_receipt_parse(const char *line, size_t len, uint64_t *seq, uint64_t *result_id,
			     char **text, size_t *tlen, ssp_errmsg *em);

/* The archive: ARCHIVE/<hostid>-<resultDigest hex>.json holds the exact bytes of a receipt
 * found in the upload tree (the claim of that host with that resultDigest is its result's). */
SSP_MUST_CHECK int ssp_receipt_archive_path(const char *archive, uint64_t host_id, const uint8_t digest[32],
			     char *buf, size_t cap);

typedef struct ssp_receipt_archive_stats {
	uint64_t seen;       /* files that look like receipts */
	uint64_t archived;   /* new in the archive */
	uint64_t already;    /* archived before */
	uint64_t malformed;  /* not a valid receipt (skipped) */
	uint64_t unchanged;  /* not read again: looked at, unchanged, in the previous pass */
} ssp_receipt_archive_stats;

/* The archiver of an upload tree into an archive directory; it remembers the files it looked
 * at (8 bytes each) so that a pass skips those unchanged since the previous one. */
typedef struct ssp_receipt_archiver ssp_receipt_archiver;

/* A new archiver (*out; free with ssp_receipt_archiver_free). SSP_ERR_INVAL, SSP_ERR_NOMEM. */
SSP_MUST_CHECK int ssp_receipt_archiver_new(const char *upload_dir, const char *archive,
			     ssp_receipt_archiver **out);
/* One pass: copies every share receipt of the upload tree (upload_dir and its fan-out
 * directories; files read as from outside: no symbolic link, no FIFO, capped) into the
 * archive (created, mode 0755), each under ssp_receipt_archive_path, never replacing an
 * archived one. Run passes more often than BOINC's file deleter deletes (e.g. each minute).
 * Returns 0 or SSP_ERR_IO / SSP_ERR_NOT_FOUND (no upload tree) / SSP_ERR_NOMEM with em. */
SSP_MUST_CHECK int ssp_receipt_archiver_run(ssp_receipt_archiver *ar, ssp_receipt_archive_stats *st,
			     ssp_errmsg *em);
/* Frees ar (NULL ok). */
void ssp_receipt_archiver_free(ssp_receipt_archiver *ar);

#endif
