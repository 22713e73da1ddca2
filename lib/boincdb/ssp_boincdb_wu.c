/* The BOINC database: the per-work-unit transaction that writes a validator pass's decisions,
 * credit and BOINC's bookkeeping, and the app versions' credit statistics (see ssp_boincdb.h). */
#include "boincdb/ssp_boincdb_int.h"

#include "core/ssp_hex.h"
#include "boinc/ssp_validate.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the per-work-unit transaction ---- */

/* Executes statement which once for each of n rows (row_size bytes apart) whose first row
 * is bound by b (nparams bindings): one bulk round trip (STMT_ATTR_ARRAY_SIZE, row-wise)
 * when the server is MariaDB, one execution per row otherwise. *affected = the total. */
int ssp_bdb_exec_rows(ssp_boincdb *db, int which, const MYSQL_BIND *b, unsigned nparams,
		      size_t row_size, size_t n, uint64_t *affected)
{
	MYSQL_STMT *st = db->st[which];
	MYSQL_BIND shifted[64];
	unsigned int zero = 0;

	*affected = 0;
	if (n == 0)
		return 0;
	if (nparams > 64)
		return SSP_ERR_INTERNAL;
	if (db->bulk && n > 1) {
		unsigned int as = (unsigned int)n;
		size_t rs = row_size;

		if (mysql_stmt_attr_set(st, STMT_ATTR_ARRAY_SIZE, &as) ||
		    mysql_stmt_attr_set(st, STMT_ATTR_ROW_SIZE, &rs) ||
		    mysql_stmt_bind_param(st, (MYSQL_BIND *)b))
			return set_err(db, st, "bind bulk");
		if (mysql_stmt_execute(st))
			return set_err(db, st, "execute bulk");
		*affected = mysql_stmt_affected_rows(st);
		return 0;
	}
	if (mysql_stmt_attr_set(st, STMT_ATTR_ARRAY_SIZE, &zero))
		return set_err(db, st, "reset array size");
	for (size_t i = 0; i < n; i++) {
		for (unsigned k = 0; k < nparams; k++) {
			shifted[k] = b[k];
			shifted[k].buffer = (char *)b[k].buffer + i * row_size;
			if (b[k].length)
				shifted[k].length = (unsigned long *)((char *)b[k].length + i * row_size);
		}
		if (mysql_stmt_bind_param(st, shifted))
			return set_err(db, st, "bind");
		if (mysql_stmt_execute(st))
			return set_err(db, st, "execute");
		*affected += mysql_stmt_affected_rows(st);
	}
	return 0;
}

/* One row of the host, user or team credit update: the parameters of AVG_SET and the id. */
typedef struct credit_row {
	int turn;           /* host rows: apply the turnaround t */
	double t, t2;
	double now, half_life, work, start;
	uint64_t id;
} credit_row;

typedef struct cj_row {
	uint64_t userid;
	int64_t workunitid;
} cj_row;

typedef struct hav_row {
	int valid, inc, quota;
	int fpfc, fet, fturn;   /* 1: update that statistic with the sample */
	double xpfc, xet, xturn;
	uint64_t host;
	int64_t avid;
} hav_row;

/* Binds ST_UPD_HAV's parameters to rows[0], in the statement's order. */
static unsigned bind_hav(MYSQL_BIND *b, hav_row *r)
{
	unsigned i = 0;
	int *flag[2] = { &r->fet, &r->fturn };
	double *x[2] = { &r->xet, &r->xturn };

	b_int(&b[i++], &r->valid);
	b_int(&b[i++], &r->inc);
	b_int(&b[i++], &r->valid);
	b_int(&b[i++], &r->quota);
	b_int(&b[i++], &r->fpfc);          /* pfc_avg */
	for (int k = 0; k < 4; k++)
		b_dbl(&b[i++], &r->xpfc);
	b_int(&b[i++], &r->fpfc);          /* pfc_n */
	for (int v = 0; v < 2; v++) {
		b_int(&b[i++], flag[v]);   /* _q */
		for (int k = 0; k < 8; k++)
			b_dbl(&b[i++], x[v]);
		b_int(&b[i++], flag[v]);   /* _var */
		for (int k = 0; k < 4; k++)
			b_dbl(&b[i++], x[v]);
		b_int(&b[i++], flag[v]);   /* _avg */
		for (int k = 0; k < 4; k++)
			b_dbl(&b[i++], x[v]);
		b_int(&b[i++], flag[v]);   /* _n */
	}
	b_u64(&b[i++], &r->host);
	b_i64(&b[i++], &r->avid);
	return i;
}

typedef struct turn_row {
	double t, t2;
	uint64_t host;
} turn_row;

typedef struct outbox_row {
	uint64_t result_id, workunit_id, user_id, host_id, credit_micro, granted_at;
	unsigned long digest_len;
	uint8_t digest[32];
} outbox_row;

/* Binds AVG_SET's 16 parameters and the id (17 in all) to rows[0]; without total, AVG_EXPR's
 * 15 and the id. */
static void bind_avg(MYSQL_BIND *b, credit_row *r, int total)
{
	if (total == 2) { /* the host: the turnaround first */
		b_int(&b[0], &r->turn);
		b_dbl(&b[1], &r->t);
		b_dbl(&b[2], &r->t2);
		b += 3;
	}
	b_dbl(&b[0], &r->now);       /* dt */
	b_dbl(&b[1], &r->half_life);
	b_dbl(&b[2], &r->now);       /* 1 - weight > 1e-6 */
	b_dbl(&b[3], &r->half_life);
	b_dbl(&b[4], &r->now);       /* (1 - weight) */
	b_dbl(&b[5], &r->half_life);
	b_dbl(&b[6], &r->work);      /* work / dt_days */
	b_dbl(&b[7], &r->now);
	b_dbl(&b[8], &r->work);      /* the limit */
	b_dbl(&b[9], &r->half_life);
	b_dbl(&b[10], &r->work);     /* a first average */
	b_dbl(&b[11], &r->work);
	b_dbl(&b[12], &r->now);
	b_dbl(&b[13], &r->start);
	b_dbl(&b[14], &r->now);      /* expavg_time */
	if (!total) {
		b_u64(&b[15], &r->id);
		return;
	}
	b_dbl(&b[15], &r->work);     /* total_credit */
	b_u64(&b[16], &r->id);
}

typedef struct wu_scratch {
	credit_row *host, *user, *team;
	cj_row *cj;
	outbox_row *ob;
	hav_row *hav;
	turn_row *turn;
} wu_scratch;

/* BOINC's is_valid / is_invalid bookkeeping of the judged results (the turnaround of
 * credited ones went with their host's credit). */
static int judge_all(ssp_boincdb *db, const ssp_bdb_judged *jd, size_t njd, wu_scratch *w)
{
	size_t nh = 0, nt = 0;
	MYSQL_BIND b[64];
	unsigned nparams;
	uint64_t aff;
	int rc;

	for (size_t i = 0; i < njd; i++) {
		const ssp_bdb_judged *j = &jd[i];

		if (j->hav_avid) {
			w->hav[nh].valid = j->valid ? 1 : 0;
			w->hav[nh].inc = j->count_consecutive ? 1 : 0;
			w->hav[nh].quota = db->opts.daily_result_quota;
			w->hav[nh].host = j->host_id;
			w->hav[nh].avid = j->hav_avid;
			w->hav[nh].fpfc = j->stats && j->pfc_x >= 0;
			w->hav[nh].xpfc = j->pfc_x;
			w->hav[nh].fet = w->hav[nh].fturn = j->stats;
			w->hav[nh].xet = j->et_x;
			w->hav[nh].xturn = j->turnaround;
			nh++;
		}
		if (j->valid && !j->credited) {
			w->turn[nt].t = w->turn[nt].t2 = j->turnaround;
			w->turn[nt].host = j->host_id;
			nt++;
		}
	}
	nparams = bind_hav(b, &w->hav[0]);
	if ((rc = ssp_bdb_exec_rows(db, ST_UPD_HAV, b, nparams, sizeof(hav_row), nh, &aff)))
		return rc;
	b_dbl(&b[0], &w->turn[0].t);
	b_dbl(&b[1], &w->turn[0].t2);
	b_u64(&b[2], &w->turn[0].host);
	return ssp_bdb_exec_rows(db, ST_UPD_TURN, b, 3, sizeof(turn_row), nt, &aff);
}

static int grant_all(ssp_boincdb *db, const ssp_bdb_credit *cr, size_t ncr, double now,
		     wu_scratch *w)
{
	size_t nob = 0, nteam = 0, ncj = 0;
	MYSQL_BIND b[20];
	uint64_t aff;
	int rc;

	if (ncr == 0)
		return 0;
	for (size_t i = 0; i < ncr; i++) {
		const ssp_bdb_credit *c = &cr[i];
		credit_row r = { 0, 0, 0, now, SSP_CREDIT_HALF_LIFE, (double)c->credit_micro / 1e6,
				 (double)c->sent_time, 0 };

		w->host[i] = r;
		w->host[i].turn = 1; /* a credited result is a valid one: BOINC's is_valid */
		w->host[i].t = w->host[i].t2 = c->turnaround;
		w->host[i].id = c->host_id;
		w->user[i] = r;
		w->user[i].id = c->user_id;
		if (c->team_hint) {
			w->team[nteam] = r;
			w->team[nteam++].id = c->user_id; /* the team is read from the user row */
		}
		w->cj[ncj].userid = c->user_id;
		w->cj[ncj++].workunitid = c->cj_workunitid;
		if (c->credit_micro == 0)
			continue; /* nothing to claim */
		w->ob[nob].result_id = c->result_id;
		w->ob[nob].workunit_id = c->workunit_id;
		w->ob[nob].user_id = c->user_id;
		w->ob[nob].host_id = c->host_id;
		w->ob[nob].credit_micro = c->credit_micro;
		w->ob[nob].granted_at = c->granted_at;
		w->ob[nob].digest_len = 32;
		memcpy(w->ob[nob].digest, c->result_digest, 32);
		nob++;
	}
	/* a host, user or team credited twice in one work unit: the rows apply in order */
	bind_avg(b, &w->host[0], 2);
	if ((rc = ssp_bdb_exec_rows(db, ST_UPD_HOST, b, 20, sizeof(credit_row), ncr, &aff)))
		return rc;
	bind_avg(b, &w->user[0], 1);
	if ((rc = ssp_bdb_exec_rows(db, ST_UPD_USER, b, 17, sizeof(credit_row), ncr, &aff)))
		return rc;
	bind_avg(b, &w->team[0], 1); /* by user id: the team of each user in a team */
	if ((rc = ssp_bdb_exec_rows(db, ST_UPD_TEAM, b, 17, sizeof(credit_row), nteam, &aff)))
		return rc;
	if (db->opts.update_credited_job) {
		b_u64(&b[0], &w->cj[0].userid);
		b_i64(&b[1], &w->cj[0].workunitid);
		if ((rc = ssp_bdb_exec_rows(db, ST_INS_CJ, b, 2, sizeof(cj_row), ncj, &aff)))
			return rc;
	}
	b_u64(&b[0], &w->ob[0].result_id);
	b_u64(&b[1], &w->ob[0].workunit_id);
	b_u64(&b[2], &w->ob[0].user_id);
	b_u64(&b[3], &w->ob[0].host_id);
	b_u64(&b[4], &w->ob[0].credit_micro);
	b_bytes(&b[5], MYSQL_TYPE_BLOB, w->ob[0].digest, 32, &w->ob[0].digest_len);
	b_u64(&b[6], &w->ob[0].granted_at);
	return ssp_bdb_exec_rows(db, ST_INS_OUTBOX, b, 7, sizeof(outbox_row), nob, &aff);
}

static int commit_once(ssp_boincdb *db, const ssp_bdb_wu_update *wu,
		       const ssp_bdb_result_update *ru, size_t nru,
		       const ssp_bdb_credit *cr, size_t ncr, const ssp_bdb_judged *jd, size_t njd,
		       double now, wu_scratch *w)
{
	MYSQL_BIND p[9];
	uint64_t aff = 0;
	int rc;

	/* autocommit is off: the first statement opens the transaction */
	if (nru) {
		b_int(&p[0], &ru[0].server_state);
		b_int(&p[1], &ru[0].outcome);
		b_int(&p[2], &ru[0].validate_state);
		b_dbl(&p[3], &ru[0].granted_credit);
		b_u64(&p[4], &ru[0].id);
		b_int(&p[5], &ru[0].old_server_state);
		b_int(&p[6], &ru[0].old_outcome);
		b_int(&p[7], &ru[0].old_validate_state);
		if ((rc = ssp_bdb_exec_rows(db, ST_UPD_RESULT, p, 8, sizeof(*ru), nru, &aff)))
			return rc;
		if (aff != nru) {
			snprintf(db->err, sizeof(db->err), "a result of work unit %llu changed meanwhile",
				 (unsigned long long)wu->id);
			return SSP_ERR_STATE;
		}
	}
	if ((rc = grant_all(db, cr, ncr, now, w)))
		return rc;
	if ((rc = judge_all(db, jd, njd, w)))
		return rc;
	b_int(&p[0], &wu->need_validate);
	b_u64(&p[1], &wu->canonical_resultid);
	b_dbl(&p[2], &wu->canonical_credit);
	b_int(&p[3], &wu->assimilate_state);
	b_i64(&p[4], &wu->transition_time);
	b_int(&p[5], &wu->target_nresults);
	b_int(&p[6], &wu->error_mask);
	b_u64(&p[7], &wu->id);
	b_u64(&p[8], &wu->old_canonical_resultid);
	if ((rc = exec(db, ST_UPD_WU, p)))
		return rc;
	if (mysql_stmt_affected_rows(db->st[ST_UPD_WU]) != 1) {
		snprintf(db->err, sizeof(db->err), "work unit %llu changed meanwhile",
			 (unsigned long long)wu->id);
		return SSP_ERR_STATE;
	}
	if (mysql_commit(db->conn))
		return set_err(db, NULL, "commit");
	return 0;
}

int ssp_boincdb_commit_wu(ssp_boincdb *db, const ssp_bdb_wu_update *wu,
			  const ssp_bdb_result_update *ru, size_t nru,
			  const ssp_bdb_credit *cr, size_t ncr, const ssp_bdb_judged *jd,
			  size_t njd, double now)
{
	wu_scratch w;
	size_t k = ncr ? ncr : 1, kj = njd ? njd : 1;
	int rc = SSP_ERR_DB;

	if (!db || !wu || (nru && !ru) || (ncr && !cr) || (njd && !jd))
		return SSP_ERR_INVAL;
	if (db->readonly)
		return SSP_ERR_STATE;
	w.host = calloc(k, sizeof(*w.host));
	w.user = calloc(k, sizeof(*w.user));
	w.team = calloc(k, sizeof(*w.team));
	w.cj = calloc(k, sizeof(*w.cj));
	w.ob = calloc(k, sizeof(*w.ob));
	w.hav = calloc(kj, sizeof(*w.hav));
	w.turn = calloc(kj, sizeof(*w.turn));
	if (!w.host || !w.user || !w.team || !w.cj || !w.ob || !w.hav || !w.turn) {
		rc = SSP_ERR_NOMEM;
		goto out;
	}
	for (int attempt = 0; attempt < 5; attempt++) {
		unsigned e;

		rc = commit_once(db, wu, ru, nru, cr, ncr, jd, njd, now, &w);
		if (rc == 0)
			break;
		e = mysql_errno(db->conn);
		mysql_rollback(db->conn);
		if (rc != SSP_ERR_DB || !is_retryable(e))
			break;
	}
out:
	free(w.host);
	free(w.user);
	free(w.team);
	free(w.cj);
	free(w.ob);
	free(w.hav);
	free(w.turn);
	return rc;
}

/* ---- app versions ---- */

typedef struct av_pfc_row {
	double x1, x2, x3, x4;
	uint64_t id;
} av_pfc_row;

int ssp_boincdb_app_version_credit(ssp_boincdb *db, const ssp_bdb_av_sample *s, size_t n,
				   double now)
{
	credit_row *rows;
	av_pfc_row *prow;
	MYSQL_BIND b[16];
	uint64_t aff;
	size_t nc = 0, np = 0;
	int rc;

	if (!n)
		return 0;
	if (db->readonly)
		return SSP_ERR_STATE;
	rows = calloc(n, sizeof(*rows));
	prow = calloc(n, sizeof(*prow));
	if (!rows || !prow) {
		free(rows);
		free(prow);
		return SSP_ERR_NOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		if (s[i].credit > 0) {
			rows[nc].now = now;
			rows[nc].half_life = SSP_CREDIT_HALF_LIFE;
			rows[nc].work = s[i].credit;
			rows[nc].start = s[i].sent_time;
			rows[nc++].id = s[i].app_version_id;
		}
		if (s[i].pfc_x >= 0) {
			prow[np].x1 = prow[np].x2 = prow[np].x3 = prow[np].x4 = s[i].pfc_x;
			prow[np++].id = s[i].app_version_id;
		}
	}
	/* autocommit is off: one transaction up to the commit */
	bind_avg(b, &rows[0], 0);
	rc = ssp_bdb_exec_rows(db, ST_UPD_AV, b, 16, sizeof(credit_row), nc, &aff);
	if (!rc) {
		b_dbl(&b[0], &prow[0].x1);
		b_dbl(&b[1], &prow[0].x2);
		b_dbl(&b[2], &prow[0].x3);
		b_dbl(&b[3], &prow[0].x4);
		b_u64(&b[4], &prow[0].id);
		rc = ssp_bdb_exec_rows(db, ST_UPD_AV_PFC, b, 5, sizeof(av_pfc_row), np, &aff);
	}
	if (!rc && mysql_commit(db->conn))
		rc = set_err(db, NULL, "commit");
	if (rc)
		mysql_rollback(db->conn);
	free(rows);
	free(prow);
	return rc;
}
