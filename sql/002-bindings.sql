-- SmartShare ledger, schema version 2: the payout address each user's claims go to, as the
-- signer saw it (docs/web.md, the replacement delay).
--
-- bindings  per project and user: address, the address claims go to now; pending, a different
--           validly bound address first seen at pending_since, which takes effect only after
--           [validator] binding_delay seconds. The binding page keeps its own record of a
--           replacement in the preferences, but preferences can be written without the page
--           (BOINC's am_set_info.php, with the account key): this table is the signer's own,
--           so a replacement waits however it was written.

CREATE TABLE bindings (
	project_id    INTEGER NOT NULL REFERENCES projects(id),
	user_id       INTEGER NOT NULL CHECK (user_id >= 0),
	address       BLOB    NOT NULL CHECK (typeof(address) = 'blob' AND length(address) = 20),
	pending       BLOB    CHECK (pending IS NULL OR (typeof(pending) = 'blob' AND length(pending) = 20)),
	pending_since INTEGER CHECK ((pending IS NULL) = (pending_since IS NULL)),
	PRIMARY KEY (project_id, user_id)
) WITHOUT ROWID;
