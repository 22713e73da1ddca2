/* Ledger: the address each user's claims go to, and a replacement's delay (ssp_ledger.h). */
#include "ledger/ssp_ledger_int.h"
#include "core/ssp_err.h"

#include <string.h>

static const char SQL_BINDING_GET[] =
	"SELECT address, pending, pending_since FROM bindings WHERE project_id = ?1 AND user_id = ?2";
static const char SQL_BINDING_PUT[] =
	"INSERT OR REPLACE INTO bindings (project_id, user_id, address, pending, pending_since) "
	"VALUES (?1, ?2, ?3, ?4, ?5)";

/* Writes the row: address, and pending (NULL when none) first seen at since. */
static int put(ssp_ledger *l, int64_t pid, uint64_t user_id, const uint8_t address[20],
	       const uint8_t *pending, int64_t since)
{
	sqlite3_stmt *st = NULL;
	int r, rc;

	if ((r = ssp_ledger_stmt(l, SSP_ST_BINDING_PUT, SQL_BINDING_PUT, &st)) != 0)
		goto out;
	if ((r = ssp_ledger_bind_i64(st, 1, pid)) != 0 || (r = ssp_ledger_bind_u64(st, 2, user_id)) != 0 ||
	    (r = ssp_ledger_bind_blob(st, 3, address, 20)) != 0)
		goto out;
	if (pending != NULL) {
		if ((r = ssp_ledger_bind_blob(st, 4, pending, 20)) != 0 || (r = ssp_ledger_bind_i64(st, 5, since)) != 0)
			goto out;
	} else if (sqlite3_bind_null(st, 4) != SQLITE_OK || sqlite3_bind_null(st, 5) != SQLITE_OK) {
		r = SSP_ERR_DB;
		goto out;
	}
	rc = sqlite3_step(st);
	r = rc == SQLITE_DONE ? 0 : ssp_ledger_sqlerr(rc);
out:
	ssp_ledger_stmt_done(st);
	return r;
}

int ssp_ledger_binding_seen(ssp_ledger *l, const uint8_t project[32], uint64_t user_id,
			    const uint8_t addr[20], int64_t now, uint64_t delay, int *ok,
			    int64_t *wait_until)
{
	sqlite3_stmt *st = NULL;
	uint8_t address[20], pending[20];
	int64_t pid = 0, since = 0;
	int r, rc, have = 0, have_pending = 0;

	if (l == NULL || project == NULL || addr == NULL || ok == NULL || wait_until == NULL ||
	    user_id > INT64_MAX || delay > INT64_MAX || now < 0)
		return SSP_ERR_INVAL;
	*ok = 0;
	*wait_until = 0;
	if ((r = ssp_ledger_begin_write(l)) != 0)
		return r;
	if ((r = ssp_ledger_project_id(l, project, 1, &pid)) != 0)
		goto out;
	if ((r = ssp_ledger_stmt(l, SSP_ST_BINDING_GET, SQL_BINDING_GET, &st)) != 0 ||
	    (r = ssp_ledger_bind_i64(st, 1, pid)) != 0 || (r = ssp_ledger_bind_u64(st, 2, user_id)) != 0)
		goto out;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		have = 1;
		if (sqlite3_column_bytes(st, 0) != 20) {
			r = SSP_ERR_SCHEMA;
			goto out;
		}
		memcpy(address, sqlite3_column_blob(st, 0), 20);
		if (sqlite3_column_type(st, 1) == SQLITE_BLOB && sqlite3_column_bytes(st, 1) == 20) {
			have_pending = 1;
			memcpy(pending, sqlite3_column_blob(st, 1), 20);
			since = sqlite3_column_int64(st, 2);
		}
	} else if (rc != SQLITE_DONE) {
		r = ssp_ledger_sqlerr(rc);
		goto out;
	}
	ssp_ledger_stmt_done(st);
	st = NULL;

	if (!have || delay == 0) {
		/* the first address of this user (or no delay): in effect at once */
		r = put(l, pid, user_id, addr, NULL, 0);
		*ok = r == 0;
	} else if (memcmp(address, addr, 20) == 0) {
		/* the address in effect: a waiting replacement, if any, is dropped */
		r = have_pending ? put(l, pid, user_id, addr, NULL, 0) : 0;
		*ok = r == 0;
	} else if (have_pending && memcmp(pending, addr, 20) == 0) {
		if (now - since >= (int64_t)delay) {
			r = put(l, pid, user_id, addr, NULL, 0);
			*ok = r == 0;
		} else {
			*wait_until = since + (int64_t)delay;
		}
	} else {
		/* a new replacement: it waits from now */
		r = put(l, pid, user_id, address, addr, now);
		*wait_until = now + (int64_t)delay;
	}
out:
	ssp_ledger_stmt_done(st);
	if (r == 0)
		r = ssp_ledger_commit(l);
	else
		ssp_ledger_rollback(l);
	if (r != 0) {
		*ok = 0;
		*wait_until = 0;
	}
	return r;
}
