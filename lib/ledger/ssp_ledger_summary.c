/* ssp_ledger_summary: counts and totals of one project for `ssp status` (see ssp_ledger.h). */
#include "core/ssp_err.h"
#include "ledger/ssp_ledger_int.h"

#include <string.h>

/* One row of integers: each column i ≥ 0 into out[i] (NULL → 0). */
static int one_row(ssp_ledger *l, const char *sql, int64_t pid, uint64_t *out, int ncols)
{
	sqlite3_stmt *st = NULL;
	int r, s;

	if ((s = sqlite3_prepare_v2(l->db, sql, -1, &st, NULL)) != SQLITE_OK)
		return ssp_ledger_sqlerr(s);
	if ((r = ssp_ledger_bind_i64(st, 1, pid)) != 0)
		goto out;
	s = sqlite3_step(st);
	if (s != SQLITE_ROW) {
		r = s == SQLITE_DONE ? SSP_ERR_INTERNAL : ssp_ledger_sqlerr(s);
		goto out;
	}
	for (int i = 0; i < ncols; i++) {
		if (sqlite3_column_type(st, i) == SQLITE_NULL)
			out[i] = 0;
		else if ((r = ssp_ledger_col_u64(st, i, &out[i])) != 0)
			goto out;
	}
out:
	sqlite3_finalize(st);
	return r;
}

int ssp_ledger_summary(ssp_ledger *l, const uint8_t project[32], ssp_ledger_counts *out)
{
	static const char *const q_credits =
		"SELECT count(*), coalesce(sum(credit), 0), coalesce(sum(claimed = 0), 0),"
		" coalesce(sum(CASE WHEN claimed = 0 THEN credit END), 0)"
		" FROM credits WHERE project_id = ?1";
	static const char *const q_claims =
		"SELECT count(*), coalesce(max(seq), 0), coalesce(sum(batch_id IS NULL), 0),"
		" coalesce(min(CASE WHEN batch_id IS NULL THEN signed_at END), 0)"
		" FROM claims WHERE project_id = ?1";
	static const char *const q_batches =
		"SELECT coalesce(sum(state = 'SEALED'), 0), coalesce(sum(state = 'SUBMITTED'), 0),"
		" coalesce(sum(state = 'MINTED'), 0), coalesce(sum(state = 'FINAL'), 0),"
		" coalesce(sum(state = 'FAILED'), 0),"
		" coalesce(min(CASE WHEN state IN ('SEALED', 'SUBMITTED', 'MINTED') THEN sealed_at END), 0),"
		" coalesce(sum(CASE WHEN state = 'FINAL' THEN total_credit END), 0),"
		" coalesce(max(CASE WHEN state = 'FINAL' THEN updated_at END), 0),"
		" coalesce(max(CASE WHEN state = 'FINAL' THEN last_seq END), 0)"
		" FROM batches WHERE project_id = ?1";
	uint64_t v[9];
	int64_t pid;
	int r;

	if (l == NULL || project == NULL || out == NULL)
		return SSP_ERR_INVAL;
	memset(out, 0, sizeof *out);
	if ((r = ssp_ledger_schema_version(l, &out->schema_version)) != 0)
		return r;
	if ((r = ssp_ledger_begin_read(l)) != 0)
		return r;
	r = ssp_ledger_project_id(l, project, 0, &pid);
	if (r == SSP_ERR_NOT_FOUND) {
		r = 0; /* nothing recorded for this project yet */
		goto out;
	}
	if (r != 0)
		goto out;
	if ((r = one_row(l, q_credits, pid, v, 4)) != 0)
		goto out;
	out->credits = v[0];
	out->credit_total = v[1];
	out->credits_unclaimed = v[2];
	out->credit_unclaimed = v[3];
	if ((r = one_row(l, q_claims, pid, v, 4)) != 0)
		goto out;
	out->claims = v[0];
	out->last_seq = v[1];
	out->claims_unbatched = v[2];
	out->oldest_unbatched_at = v[3];
	if ((r = one_row(l, q_batches, pid, v, 9)) != 0)
		goto out;
	for (int s = SSP_BATCH_SEALED; s <= SSP_BATCH_FAILED; s++)
		out->batches[s] = v[s - 1];
	out->oldest_pending_sealed_at = v[5];
	out->credit_final = v[6];
	out->last_final_at = v[7];
	out->last_final_seq = v[8];
out:
	if (r == 0)
		r = ssp_ledger_commit(l);
	else
		ssp_ledger_rollback(l);
	return r;
}
