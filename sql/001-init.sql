-- SmartShare ledger, schema version 1 (docs/architecture.md).
--
-- credits  every credited result, bound to a payout address or not (append-only)
-- claims   signed ShareClaims, seq gap-free per project from 1, in signing order
-- batches  sealed ShareBatches with their payouts and signatures
-- txs      Ethereum transactions submitting batches; accounts holds the next nonce
--
-- projects maps each 32-byte project id to a small integer key, so the per-row keys and
-- the claimer's index stay small (the 32-byte key made bulk inserts 2-3x slower).
-- Integers are SQLite's signed 64-bit INTEGER: the C API refuses uint64 values
-- above INT64_MAX.  Hashes, addresses and signatures are BLOBs of fixed length.
-- Wei amounts (fees) are 32-byte big-endian BLOBs, which sort as numbers.
-- Triggers make signed data immutable, so a bug cannot silently rewrite history.
--
-- The migration runner wraps this file in one transaction and sets user_version.

PRAGMA application_id = 1397968945; -- 0x53535031, "SSP1"

CREATE TABLE projects (
	id      INTEGER PRIMARY KEY,
	project BLOB    NOT NULL UNIQUE CHECK (typeof(project) = 'blob' AND length(project) = 32)
);

CREATE TRIGGER projects_immutable BEFORE UPDATE ON projects
BEGIN
	SELECT RAISE(ABORT, 'projects are append-only');
END;

CREATE TRIGGER projects_no_delete BEFORE DELETE ON projects
BEGIN
	SELECT RAISE(ABORT, 'projects are append-only');
END;

CREATE TABLE credits (
	project_id    INTEGER NOT NULL REFERENCES projects (id),
	result_id     INTEGER NOT NULL CHECK (typeof(result_id) = 'integer' AND result_id >= 0),
	workunit_id   INTEGER NOT NULL CHECK (typeof(workunit_id) = 'integer' AND workunit_id >= 0),
	user_id       INTEGER NOT NULL CHECK (typeof(user_id) = 'integer' AND user_id >= 0),
	host_id       INTEGER NOT NULL CHECK (typeof(host_id) = 'integer' AND host_id >= 0),
	credit        INTEGER NOT NULL CHECK (typeof(credit) = 'integer' AND credit >= 0),
	result_digest BLOB    NOT NULL CHECK (typeof(result_digest) = 'blob' AND length(result_digest) = 32),
	granted_at    INTEGER NOT NULL CHECK (typeof(granted_at) = 'integer' AND granted_at >= 0),
	added_at      INTEGER NOT NULL,
	-- 1 once a claim exists (kept by the claims_mark_credit trigger).
	claimed       INTEGER NOT NULL DEFAULT 0 CHECK (claimed IN (0, 1)),
	PRIMARY KEY (project_id, result_id)
) WITHOUT ROWID;

-- The claimer's work list: unclaimed credits per user in result_id order.
CREATE INDEX credits_unclaimed ON credits (project_id, user_id, result_id) WHERE claimed = 0;

CREATE TRIGGER credits_immutable BEFORE UPDATE ON credits
WHEN NEW.project_id IS NOT OLD.project_id OR NEW.result_id IS NOT OLD.result_id
  OR NEW.workunit_id IS NOT OLD.workunit_id OR NEW.user_id IS NOT OLD.user_id
  OR NEW.host_id IS NOT OLD.host_id OR NEW.credit IS NOT OLD.credit
  OR NEW.result_digest IS NOT OLD.result_digest OR NEW.granted_at IS NOT OLD.granted_at
  OR NEW.added_at IS NOT OLD.added_at OR NEW.claimed < OLD.claimed
BEGIN
	SELECT RAISE(ABORT, 'credits are append-only');
END;

CREATE TRIGGER credits_no_delete BEFORE DELETE ON credits
BEGIN
	SELECT RAISE(ABORT, 'credits are append-only');
END;

CREATE TABLE batches (
	id           INTEGER PRIMARY KEY,
	project_id   INTEGER NOT NULL REFERENCES projects (id),
	first_seq    INTEGER NOT NULL CHECK (typeof(first_seq) = 'integer' AND first_seq >= 1),
	last_seq     INTEGER NOT NULL CHECK (typeof(last_seq) = 'integer' AND last_seq >= first_seq),
	nclaims      INTEGER NOT NULL CHECK (nclaims = last_seq - first_seq + 1),
	claims_root  BLOB    NOT NULL CHECK (typeof(claims_root) = 'blob' AND length(claims_root) = 32),
	payouts_hash BLOB    NOT NULL CHECK (typeof(payouts_hash) = 'blob' AND length(payouts_hash) = 32),
	total_credit INTEGER NOT NULL CHECK (typeof(total_credit) = 'integer' AND total_credit >= 0),
	state        TEXT    NOT NULL
		CHECK (state IN ('SEALED', 'SUBMITTED', 'MINTED', 'FINAL', 'FAILED')),
	reason       TEXT,
	sealed_at    INTEGER NOT NULL,
	updated_at   INTEGER NOT NULL,
	UNIQUE (project_id, first_seq),
	UNIQUE (project_id, last_seq)
);

CREATE INDEX batches_state ON batches (project_id, state, first_seq);

-- Only state, reason and updated_at of a sealed batch ever change.
CREATE TRIGGER batches_immutable BEFORE UPDATE ON batches
WHEN NEW.id IS NOT OLD.id OR NEW.project_id IS NOT OLD.project_id
  OR NEW.first_seq IS NOT OLD.first_seq OR NEW.last_seq IS NOT OLD.last_seq
  OR NEW.nclaims IS NOT OLD.nclaims OR NEW.claims_root IS NOT OLD.claims_root
  OR NEW.payouts_hash IS NOT OLD.payouts_hash OR NEW.total_credit IS NOT OLD.total_credit
  OR NEW.sealed_at IS NOT OLD.sealed_at
BEGIN
	SELECT RAISE(ABORT, 'a sealed batch is immutable');
END;

CREATE TRIGGER batches_no_delete BEFORE DELETE ON batches
BEGIN
	SELECT RAISE(ABORT, 'batches are append-only');
END;

CREATE TABLE claims (
	project_id  INTEGER NOT NULL,
	seq         INTEGER NOT NULL CHECK (typeof(seq) = 'integer' AND seq >= 1),
	result_id   INTEGER NOT NULL,
	beneficiary BLOB    NOT NULL CHECK (typeof(beneficiary) = 'blob' AND length(beneficiary) = 20),
	signature   BLOB    NOT NULL CHECK (typeof(signature) = 'blob' AND length(signature) = 65),
	signed_at   INTEGER NOT NULL,
	batch_id    INTEGER REFERENCES batches (id),
	PRIMARY KEY (project_id, seq),
	UNIQUE (project_id, result_id),
	FOREIGN KEY (project_id, result_id) REFERENCES credits (project_id, result_id)
) WITHOUT ROWID;

-- The sealer's work list.
CREATE INDEX claims_unbatched ON claims (project_id, seq) WHERE batch_id IS NULL;

-- seq is the next one of its project: no gap, no reuse, whatever the caller does.
CREATE TRIGGER claims_seq_gapfree BEFORE INSERT ON claims
WHEN NEW.seq IS NOT (SELECT coalesce(max(seq), 0) + 1 FROM claims WHERE project_id = NEW.project_id)
BEGIN
	SELECT RAISE(ABORT, 'claims.seq must be the next of its project');
END;

CREATE TRIGGER claims_mark_credit AFTER INSERT ON claims
BEGIN
	UPDATE credits SET claimed = 1 WHERE project_id = NEW.project_id AND result_id = NEW.result_id;
END;

-- A signed claim never changes; its batch_id is set once, when it is sealed.
CREATE TRIGGER claims_immutable BEFORE UPDATE ON claims
WHEN OLD.batch_id IS NOT NULL OR NEW.batch_id IS NULL
  OR NEW.project_id IS NOT OLD.project_id OR NEW.seq IS NOT OLD.seq
  OR NEW.result_id IS NOT OLD.result_id OR NEW.beneficiary IS NOT OLD.beneficiary
  OR NEW.signature IS NOT OLD.signature OR NEW.signed_at IS NOT OLD.signed_at
BEGIN
	SELECT RAISE(ABORT, 'a signed claim is immutable');
END;

CREATE TRIGGER claims_no_delete BEFORE DELETE ON claims
BEGIN
	SELECT RAISE(ABORT, 'claims are append-only');
END;

-- The batch's claims summed per beneficiary; ORDER BY beneficiary is the ABI order.
CREATE TABLE batch_payouts (
	batch_id    INTEGER NOT NULL REFERENCES batches (id),
	beneficiary BLOB    NOT NULL CHECK (typeof(beneficiary) = 'blob' AND length(beneficiary) = 20),
	credit      INTEGER NOT NULL CHECK (typeof(credit) = 'integer' AND credit >= 0),
	PRIMARY KEY (batch_id, beneficiary)
) WITHOUT ROWID;

CREATE TRIGGER batch_payouts_immutable BEFORE UPDATE ON batch_payouts
BEGIN
	SELECT RAISE(ABORT, 'payouts are immutable');
END;

CREATE TRIGGER batch_payouts_no_delete BEFORE DELETE ON batch_payouts
BEGIN
	SELECT RAISE(ABORT, 'payouts are immutable');
END;

-- The sealer's signature and the co-signatures (auditors), one per signer address.
CREATE TABLE batch_signatures (
	batch_id INTEGER NOT NULL REFERENCES batches (id),
	signer   BLOB    NOT NULL CHECK (typeof(signer) = 'blob' AND length(signer) = 20),
	sig      BLOB    NOT NULL CHECK (typeof(sig) = 'blob' AND length(sig) = 65),
	added_at INTEGER NOT NULL,
	PRIMARY KEY (batch_id, signer)
) WITHOUT ROWID;

CREATE TRIGGER batch_signatures_immutable BEFORE UPDATE ON batch_signatures
BEGIN
	SELECT RAISE(ABORT, 'signatures are immutable');
END;

CREATE TABLE txs (
	id               INTEGER PRIMARY KEY,
	batch_id         INTEGER NOT NULL REFERENCES batches (id),
	from_addr        BLOB    NOT NULL CHECK (typeof(from_addr) = 'blob' AND length(from_addr) = 20),
	nonce            INTEGER NOT NULL CHECK (typeof(nonce) = 'integer' AND nonce >= 0),
	max_fee          BLOB    NOT NULL CHECK (typeof(max_fee) = 'blob' AND length(max_fee) = 32),
	max_priority_fee BLOB    NOT NULL
		CHECK (typeof(max_priority_fee) = 'blob' AND length(max_priority_fee) = 32),
	gas              INTEGER NOT NULL CHECK (typeof(gas) = 'integer' AND gas >= 0),
	raw              BLOB    NOT NULL CHECK (typeof(raw) = 'blob' AND length(raw) >= 1),
	hash             BLOB    NOT NULL UNIQUE CHECK (typeof(hash) = 'blob' AND length(hash) = 32),
	state            TEXT    NOT NULL
		CHECK (state IN ('SIGNED', 'SENT', 'MINED', 'FINAL', 'REPLACED', 'DROPPED', 'FAILED')),
	block_number     INTEGER CHECK (block_number IS NULL OR block_number >= 0),
	block_hash       BLOB    CHECK (block_hash IS NULL OR length(block_hash) = 32),
	reason           TEXT,
	created_at       INTEGER NOT NULL,
	updated_at       INTEGER NOT NULL,
	CHECK ((block_number IS NULL) = (block_hash IS NULL)),
	CHECK (state NOT IN ('MINED', 'FINAL') OR block_hash IS NOT NULL)
);

CREATE INDEX txs_batch ON txs (batch_id, id);
CREATE INDEX txs_from_nonce ON txs (from_addr, nonce);
CREATE INDEX txs_state ON txs (state, id);

-- What was signed and possibly broadcast is kept as is.
CREATE TRIGGER txs_immutable BEFORE UPDATE ON txs
WHEN NEW.id IS NOT OLD.id OR NEW.batch_id IS NOT OLD.batch_id
  OR NEW.from_addr IS NOT OLD.from_addr OR NEW.nonce IS NOT OLD.nonce
  OR NEW.max_fee IS NOT OLD.max_fee OR NEW.max_priority_fee IS NOT OLD.max_priority_fee
  OR NEW.gas IS NOT OLD.gas OR NEW.raw IS NOT OLD.raw OR NEW.hash IS NOT OLD.hash
  OR NEW.created_at IS NOT OLD.created_at
BEGIN
	SELECT RAISE(ABORT, 'a signed transaction is immutable');
END;

CREATE TRIGGER txs_no_delete BEFORE DELETE ON txs
BEGIN
	SELECT RAISE(ABORT, 'transactions are append-only');
END;

-- The next nonce to use per sending account.
CREATE TABLE accounts (
	address BLOB    NOT NULL PRIMARY KEY CHECK (typeof(address) = 'blob' AND length(address) = 20),
	nonce   INTEGER NOT NULL CHECK (typeof(nonce) = 'integer' AND nonce >= 0)
) WITHOUT ROWID;
