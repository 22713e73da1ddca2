/* The per-work-unit transaction and the app version statistics of ssp_boincdb (see
 * ssp_boincdb.h); the statements are in ssp_boincdb.c's table. */
#include "boincdb/ssp_boincdb_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mysqld_error.h>

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
	int valid, inc, valid2, quota;
	int st;         /* 1: write the statistics */
	double v[10];   /* pfc n, avg; et n, avg, var, q; turnaround n, avg, var, q */
	uint64_t host;
	int64_t avid;
} hav_row;

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

/* Reads the statistics of host_app_version (host, avid), locking the row: *found 0 when
 * there is none. */
static int read_hav(ssp_boincdb *db, uint64_t host, int64_t avid, ssp_avg *pfc, ssp_avg *et,
		    ssp_avg *turn, int *found)
{
	MYSQL_STMT *st = db->st[ST_SEL_HAV];
	MYSQL_BIND p[2], r[10];
	int rc, f;

	*found = 0;
	memset(pfc, 0, sizeof(*pfc));
	memset(et, 0, sizeof(*et));
	memset(turn, 0, sizeof(*turn));
	b_u64(&p[0], &host);
	b_i64(&p[1], &avid);
	if ((rc = ssp_bdb_exec(db, ST_SEL_HAV, p)))
		return rc;
	b_dbl(&r[0], &pfc->n);
	b_dbl(&r[1], &pfc->avg);
	b_dbl(&r[2], &et->n);
	b_dbl(&r[3], &et->avg);
	b_dbl(&r[4], &et->var);
	b_dbl(&r[5], &et->q);
	b_dbl(&r[6], &turn->n);
	b_dbl(&r[7], &turn->avg);
	b_dbl(&r[8], &turn->var);
	b_dbl(&r[9], &turn->q);
	if (mysql_stmt_bind_result(st, r)) {
		rc = ssp_bdb_set_err(db, st, "bind host_app_version");
		goto out;
	}
	f = mysql_stmt_fetch(st);
	if (f == 1 || f == MYSQL_DATA_TRUNCATED)
		rc = ssp_bdb_set_err(db, st, "read host_app_version");
	else
		*found = f == 0;
out:
	mysql_stmt_free_result(st); /* the transaction (and the lock) go on */
	return rc;
}

/* BOINC's is_valid / is_invalid bookkeeping of the judged results (the turnaround of
 * credited ones went with their host's credit), and the statistics of get_pfc: read from
 * the locked row, updated as BOINC's AVERAGE / AVERAGE_VAR (ssp_avg_update*) with its
 * HAV_AVG_* constants, written back with the quota (BOINC's update_validator). */
static int judge_all(ssp_boincdb *db, const ssp_bdb_judged *jd, size_t njd, wu_scratch *w)
{
	size_t nh = 0, nt = 0;
	MYSQL_BIND b[26];
	uint64_t aff;
	int rc;

	for (size_t i = 0; i < njd; i++) {
		const ssp_bdb_judged *j = &jd[i];
		hav_row *h = &w->hav[nh];

		if (j->hav_avid) {
			h->valid = h->valid2 = j->valid ? 1 : 0;
			h->inc = j->count_consecutive ? 1 : 0;
			h->quota = db->opts.daily_result_quota;
			h->host = j->host_id;
			h->avid = j->hav_avid;
			h->st = 0;
			if (j->stats) {
				ssp_avg pfc, et, turn;
				const hav_row *prev = NULL;
				int found = 1;

				/* a second result of this work unit on the same row: from the first */
				for (size_t k = 0; k < nh; k++)
					if (w->hav[k].st && w->hav[k].host == h->host && w->hav[k].avid == h->avid)
						prev = &w->hav[k];
				if (prev) {
					pfc = (ssp_avg){ prev->v[0], prev->v[1], 0, 0 };
					et = (ssp_avg){ prev->v[2], prev->v[3], prev->v[4], prev->v[5] };
					turn = (ssp_avg){ prev->v[6], prev->v[7], prev->v[8], prev->v[9] };
				} else if ((rc = read_hav(db, h->host, h->avid, &pfc, &et, &turn, &found))) {
					return rc;
				}
				if (found) {
					if (j->pfc_x >= 0)
						ssp_avg_update(&pfc, j->pfc_x, SSP_HAV_AVG_THRESH,
							       SSP_HAV_AVG_WEIGHT, SSP_HAV_AVG_LIMIT);
					ssp_avg_update_var(&et, j->et_x, SSP_HAV_AVG_THRESH,
							   SSP_HAV_AVG_WEIGHT, SSP_HAV_AVG_LIMIT);
					ssp_avg_update_var(&turn, j->turnaround, SSP_HAV_AVG_THRESH,
							   SSP_HAV_AVG_WEIGHT, SSP_HAV_AVG_LIMIT);
					h->st = 1;
					h->v[0] = pfc.n;
					h->v[1] = pfc.avg;
					h->v[2] = et.n;
					h->v[3] = et.avg;
					h->v[4] = et.var;
					h->v[5] = et.q;
					h->v[6] = turn.n;
					h->v[7] = turn.avg;
					h->v[8] = turn.var;
					h->v[9] = turn.q;
				}
			}
			nh++;
		}
		if (j->valid && !j->credited) {
			w->turn[nt].t = w->turn[nt].t2 = j->turnaround;
			w->turn[nt].host = j->host_id;
			nt++;
		}
	}
	b_int(&b[0], &w->hav[0].valid);
	b_int(&b[1], &w->hav[0].inc);
	b_int(&b[2], &w->hav[0].valid2);
	b_int(&b[3], &w->hav[0].quota);
	for (int k = 0; k < 10; k++) {
		b_int(&b[4 + 2 * k], &w->hav[0].st);
		b_dbl(&b[5 + 2 * k], &w->hav[0].v[k]);
	}
	b_u64(&b[24], &w->hav[0].host);
	b_i64(&b[25], &w->hav[0].avid);
	if ((rc = ssp_bdb_exec_rows(db, ST_UPD_HAV, b, 26, sizeof(hav_row), nh, &aff)))
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
	if ((rc = ssp_bdb_exec(db, ST_UPD_WU, p)))
		return rc;
	if (mysql_stmt_affected_rows(db->st[ST_UPD_WU]) != 1) {
		snprintf(db->err, sizeof(db->err), "work unit %llu changed meanwhile",
			 (unsigned long long)wu->id);
		return SSP_ERR_STATE;
	}
	if (mysql_commit(db->conn))
		return ssp_bdb_set_err(db, NULL, "commit");
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
		if (rc != SSP_ERR_DB || !ssp_bdb_is_retryable(e))
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
		rc = ssp_bdb_set_err(db, NULL, "commit");
	if (rc)
		mysql_rollback(db->conn);
	free(rows);
	free(prow);
	return rc;
}
