/* The BOINC project database through MariaDB Connector/C (see ssp_boincdb.h). */
#include "boincdb/ssp_boincdb_int.h"

#include "core/ssp_hex.h"
#include "boinc/ssp_validate.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mysql.h>
#include <mysqld_error.h>
#include <errmsg.h>

#define AVG_EXPR \
	"expavg_credit = IF(expavg_time <> 0, expavg_credit * EXP(-GREATEST(? - expavg_time, 0) * LN(2) / ?) + IF(1 - EXP(-GREATEST(? - expavg_time, 0) * LN(2) / ?) > 1e-6, (1 - EXP(-GREATEST(? - expavg_time, 0) * LN(2) / ?)) * (? / (GREATEST(? - expavg_time, 0) / 86400)), LN(2) * ? * 86400 / ?), IF(? <> 0, ? / ((? - ?) / 86400), expavg_credit)), expavg_time = ?"
#define AVG_SET AVG_EXPR ", total_credit = total_credit + ?"

static const char *const stmt_sql[ST_COUNT] = {
	[ST_APP] = "SELECT id, target_nresults FROM app WHERE name = ?",
	[ST_FETCH] =
		"SELECT w.id, w.name, w.rsc_fpops_est, w.rsc_fpops_bound, w.canonical_credit,"
		" w.canonical_resultid, w.need_validate, w.min_quorum, w.target_nresults,"
		" w.max_success_results, w.error_mask, w.assimilate_state, w.transition_time,"
		" r.id, r.server_state, r.outcome, r.validate_state, r.hostid, r.userid, r.name,"
		" r.granted_credit, r.cpu_time, r.sent_time, r.received_time, r.xml_doc_in, h.p_fpops,"
		" u.teamid, h.p_ncpus, h.userid, r.app_version_id, r.appid, w.opaque,"
		" v.host_id IS NOT NULL, r.elapsed_time, r.flops_estimate, r.runtime_outlier"
		" FROM (SELECT id, name, rsc_fpops_est, rsc_fpops_bound, canonical_credit,"
		"  canonical_resultid, need_validate, min_quorum, target_nresults, max_success_results,"
		"  error_mask, assimilate_state, transition_time, opaque"
		"  FROM workunit WHERE appid = ? AND need_validate > 0 AND id > ?"
		"  AND (? = 0 OR id MOD ? = ?) AND (? = 0 OR id <= ?) ORDER BY id LIMIT ?) w"
		" LEFT JOIN result r ON r.workunitid = w.id"
		" LEFT JOIN host h ON h.id = r.hostid"
		" LEFT JOIN user u ON u.id = IF(h.id IS NULL, r.userid, h.userid)"
		/* BOINC's generalized app version id (anonymous platform: negative) */
		" LEFT JOIN host_app_version v ON v.host_id = r.hostid AND v.app_version_id ="
		"  IF(r.app_version_id < 0, r.appid * 1000000 - r.app_version_id, r.app_version_id)"
		" ORDER BY w.id, r.id",
	[ST_UPD_RESULT] =
		"UPDATE result SET server_state = ?, outcome = ?, validate_state = ?, granted_credit = ?"
		" WHERE id = ? AND server_state = ? AND outcome = ? AND validate_state = ?",
	/* BOINC's update_average (ssp_credit_update_average, same operations in the same order)
	 * evaluated by the server on the locked row: the old expavg_time is read before it is
	 * assigned (and, with SIMULTANEOUS_ASSIGNMENT, every right side sees old values anyway).
	 * Parameters: AVG_PARAMS, then the row's id. */
	/* the host also gets BOINC's compute_avg_turnaround (itself when 0, else 0.7 old +
	 * 0.3 new) when the first parameter is 1 */
	[ST_UPD_HOST] = "UPDATE host SET avg_turnaround = IF(? = 1, IF(avg_turnaround = 0, ?,"
			" 0.7 * avg_turnaround + 0.3 * ?), avg_turnaround), " AVG_SET " WHERE id = ?",
	[ST_UPD_USER] = "UPDATE user SET " AVG_SET " WHERE id = ?",
	/* the team of the user, read from the user row this transaction has just updated */
	[ST_UPD_TEAM] = "UPDATE team SET " AVG_SET
			" WHERE id = (SELECT teamid FROM user WHERE id = ?)",
	[ST_INS_CJ] = "INSERT IGNORE INTO credited_job (userid, workunitid) VALUES (?, ?)",
	/* BOINC's is_valid / is_invalid (sched/validator.cpp): on a valid result the daily
	 * quota goes up by one and consecutive_valid too (replicated work units only); on an
	 * invalid one consecutive_valid goes to 0 and the quota down by one while above
	 * config.xml's daily_result_quota. Parameters: valid, increment, valid, quota, host,
	 * generalized app version id. */
	/* the statistics of a host_app_version row, locked until the work unit's commit */
	[ST_SEL_HAV] = "SELECT pfc_n, pfc_avg, et_n, et_avg, et_var, et_q, turnaround_n, turnaround_avg,"
		       " turnaround_var, turnaround_q FROM host_app_version"
		       " WHERE host_id = ? AND app_version_id = ? FOR UPDATE",
	/* BOINC's is_valid / is_invalid (sched/validator.cpp): on a valid result the daily
	 * quota goes up by one and consecutive_valid too (replicated work units only); on an
	 * invalid one consecutive_valid goes to 0 and the quota down by one while above
	 * config.xml's daily_result_quota; with the flag set, the statistics get_pfc computed
	 * (BOINC's update_validator). Parameters: valid, increment, valid, quota, flag and
	 * value for each of the 10 statistics, host, generalized app version id. */
	[ST_UPD_HAV] =
		"UPDATE host_app_version SET consecutive_valid = IF(? = 1, consecutive_valid + ?, 0),"
		" max_jobs_per_day = IF(? = 1, max_jobs_per_day + 1, IF(max_jobs_per_day > ?,"
		" max_jobs_per_day - 1, max_jobs_per_day)),"
		" pfc_n = IF(? = 1, ?, pfc_n), pfc_avg = IF(? = 1, ?, pfc_avg),"
		" et_n = IF(? = 1, ?, et_n), et_avg = IF(? = 1, ?, et_avg),"
		" et_var = IF(? = 1, ?, et_var), et_q = IF(? = 1, ?, et_q),"
		" turnaround_n = IF(? = 1, ?, turnaround_n), turnaround_avg = IF(? = 1, ?, turnaround_avg),"
		" turnaround_var = IF(? = 1, ?, turnaround_var), turnaround_q = IF(? = 1, ?, turnaround_q)"
		" WHERE host_id = ? AND app_version_id = ?",
	/* compute_avg_turnaround for a valid result not credited (a duplicate replica) */
	[ST_UPD_TURN] = "UPDATE host SET avg_turnaround = IF(avg_turnaround = 0, ?,"
			" 0.7 * avg_turnaround + 0.3 * ?) WHERE id = ?",
	/* the app version's recent average credit (write_modified_app_versions) */
	[ST_UPD_AV] = "UPDATE app_version SET " AVG_EXPR " WHERE id = ?",
	/* BOINC's av.pfc.update(x, AV_AVG_THRESH 100, AV_AVG_WEIGHT 0.001, AV_AVG_LIMIT 10)
	 * (write_modified_app_versions); pfc_avg is assigned before pfc_n, so it sees the old
	 * count. Parameters: x four times, the id. */
#define AV_PFC_SAMPLE "IF(pfc_n <> 0 AND pfc_avg <> 0 AND ? > pfc_avg * 10, pfc_avg * 10, ?)"
	[ST_UPD_AV_PFC] = "UPDATE app_version SET pfc_avg = IF(pfc_n + 1 < 100, pfc_avg + ("
			  AV_PFC_SAMPLE " - pfc_avg) / (pfc_n + 1), pfc_avg + 0.001 * ("
			  AV_PFC_SAMPLE " - pfc_avg)), pfc_n = pfc_n + 1 WHERE id = ?",
	[ST_INS_OUTBOX] =
		"INSERT INTO " SSP_BDB_OUTBOX_TABLE " (result_id, workunit_id, user_id, host_id,"
		" credit_micro, result_digest, granted_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
	[ST_UPD_WU] =
		"UPDATE workunit SET need_validate = ?, canonical_resultid = ?, canonical_credit = ?,"
		" assimilate_state = ?, transition_time = ?, target_nresults = ?, error_mask = ?"
		" WHERE id = ? AND need_validate > 0 AND canonical_resultid = ?",
	[ST_OUTBOX_FETCH] =
		"SELECT result_id, workunit_id, user_id, host_id, credit_micro, result_digest, granted_at"
		" FROM " SSP_BDB_OUTBOX_TABLE " WHERE (? = 0 OR workunit_id MOD ? = ?)"
		" ORDER BY result_id LIMIT ?",
	[ST_OUTBOX_DEL] = "DELETE FROM " SSP_BDB_OUTBOX_TABLE " WHERE result_id = ?",
	[ST_PREFS] = "SELECT project_prefs FROM user WHERE id = ?",
};

static const char outbox_ddl[] =
	"CREATE TABLE IF NOT EXISTS " SSP_BDB_OUTBOX_TABLE " ("
	" result_id bigint unsigned NOT NULL PRIMARY KEY,"
	" workunit_id bigint unsigned NOT NULL,"
	" user_id bigint unsigned NOT NULL,"
	" host_id bigint unsigned NOT NULL,"
	" credit_micro bigint unsigned NOT NULL,"
	" result_digest binary(32) NOT NULL,"
	" granted_at bigint unsigned NOT NULL"
	") ENGINE=InnoDB";

int ssp_bdb_set_err(ssp_boincdb *db, MYSQL_STMT *st, const char *what)
{
	if (st)
		snprintf(db->err, sizeof(db->err), "%s: %s (%u)", what, mysql_stmt_error(st),
			 mysql_stmt_errno(st));
	else
		snprintf(db->err, sizeof(db->err), "%s: %s (%u)", what, mysql_error(db->conn),
			 mysql_errno(db->conn));
	return SSP_ERR_DB;
}

int ssp_bdb_is_retryable(unsigned e)
{
	return e == ER_LOCK_DEADLOCK || e == ER_LOCK_WAIT_TIMEOUT;
}

/* Executes st with params (may be NULL). */
int ssp_bdb_exec(ssp_boincdb *db, int which, MYSQL_BIND *params)
{
	MYSQL_STMT *st = db->st[which];

	if (params && mysql_stmt_bind_param(st, params))
		return ssp_bdb_set_err(db, st, "bind");
	if (mysql_stmt_execute(st))
		return ssp_bdb_set_err(db, st, "execute");
	return 0;
}

static int query(ssp_boincdb *db, const char *sql)
{
	if (mysql_query(db->conn, sql))
		return ssp_bdb_set_err(db, NULL, sql);
	return 0;
}

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
			return ssp_bdb_set_err(db, st, "bind bulk");
		if (mysql_stmt_execute(st))
			return ssp_bdb_set_err(db, st, "execute bulk");
		*affected = mysql_stmt_affected_rows(st);
		return 0;
	}
	if (mysql_stmt_attr_set(st, STMT_ATTR_ARRAY_SIZE, &zero))
		return ssp_bdb_set_err(db, st, "reset array size");
	for (size_t i = 0; i < n; i++) {
		for (unsigned k = 0; k < nparams; k++) {
			shifted[k] = b[k];
			shifted[k].buffer = (char *)b[k].buffer + i * row_size;
			if (b[k].length)
				shifted[k].length = (unsigned long *)((char *)b[k].length + i * row_size);
		}
		if (mysql_stmt_bind_param(st, shifted))
			return ssp_bdb_set_err(db, st, "bind");
		if (mysql_stmt_execute(st))
			return ssp_bdb_set_err(db, st, "execute");
		*affected += mysql_stmt_affected_rows(st);
	}
	return 0;
}

/* ---- open / close ---- */

int ssp_boincdb_open(const ssp_projcfg *cfg, int readonly, ssp_boincdb **out, ssp_errmsg *em)
{
	ssp_boincdb *db = NULL;
	unsigned int timeout = 30;
	my_bool report = 1;
	int rc;

	*out = NULL;
	if (!cfg)
		return ssp_errmsg_set(em, SSP_ERR_INVAL, "no project configuration");
	db = calloc(1, sizeof(*db));
	if (!db || !(db->blob = malloc(BLOB_BUF + 1)) || !(db->conn = mysql_init(NULL))) {
		rc = ssp_errmsg_set(em, SSP_ERR_NOMEM, "out of memory");
		goto out;
	}
	db->readonly = readonly;
	mysql_options(db->conn, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
	mysql_options(db->conn, MYSQL_SET_CHARSET_NAME, "utf8mb4");
	mysql_options(db->conn, MYSQL_REPORT_DATA_TRUNCATION, &report);
	if (!mysql_real_connect(db->conn, cfg->db_host, cfg->db_user, cfg->db_passwd, cfg->db_name,
				cfg->db_port, cfg->db_socket, CLIENT_FOUND_ROWS)) {
		rc = ssp_errmsg_set(em, SSP_ERR_DB, "cannot connect to database %s: %s", cfg->db_name,
				    mysql_error(db->conn));
		goto out;
	}
	if (!readonly && query(db, outbox_ddl)) {
		rc = ssp_errmsg_set(em, SSP_ERR_DB, "%s", db->err);
		goto out;
	}
	/* Every statement sees the latest committed rows; writes open a transaction that
	 * ssp_boincdb_commit_wu commits; reads end theirs at once. */
	if (query(db, "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED") ||
	    mysql_autocommit(db->conn, 0)) {
		rc = ssp_errmsg_set(em, SSP_ERR_DB, "setting up the session: %s", mysql_error(db->conn));
		goto out;
	}
	{
		unsigned long caps = 0, ext = 0;

		if (!mariadb_get_infov(db->conn, MARIADB_CONNECTION_SERVER_CAPABILITIES, &caps) &&
		    !mariadb_get_infov(db->conn, MARIADB_CONNECTION_EXTENDED_SERVER_CAPABILITIES, &ext))
			db->bulk = !(caps & CLIENT_MYSQL) &&
				   (ext & (MARIADB_CLIENT_STMT_BULK_OPERATIONS >> 32));
		if (getenv("SSP_BOINCDB_NO_BULK")) /* tests: the path MySQL servers take */
			db->bulk = 0;
	}
	for (int i = 0; i < ST_COUNT; i++) {
		const char *sql = stmt_sql[i];

		if (readonly && (i == ST_INS_OUTBOX || i == ST_OUTBOX_FETCH || i == ST_OUTBOX_DEL))
			continue; /* the outbox table may not exist */
		db->st[i] = mysql_stmt_init(db->conn);
		if (!db->st[i]) {
			rc = ssp_errmsg_set(em, SSP_ERR_NOMEM, "out of memory");
			goto out;
		}
		if (mysql_stmt_prepare(db->st[i], sql, strlen(sql))) {
			rc = ssp_errmsg_set(em, SSP_ERR_DB, "preparing \"%.60s…\": %s", sql,
					    mysql_stmt_error(db->st[i]));
			goto out;
		}
	}
	*out = db;
	db = NULL;
	rc = 0;
out:
	ssp_boincdb_close(db);
	return rc;
}

void ssp_boincdb_close(ssp_boincdb *db)
{
	if (!db)
		return;
	for (int i = 0; i < ST_COUNT; i++)
		if (db->st[i])
			mysql_stmt_close(db->st[i]);
	if (db->conn)
		mysql_close(db->conn);
	free(db->blob);
	free(db);
}

void ssp_boincdb_set_opts(ssp_boincdb *db, const ssp_bdb_opts *o)
{
	if (db && o)
		db->opts = *o;
}

void *ssp_boincdb_conn(ssp_boincdb *db)
{
	return db ? db->conn : NULL;
}

const char *ssp_boincdb_errmsg(const ssp_boincdb *db)
{
	return db ? db->err : "no database";
}

/* ---- reads ---- */

int ssp_boincdb_app_id(ssp_boincdb *db, const char *name, uint64_t *appid, int *target_nresults)
{
	MYSQL_STMT *st = db->st[ST_APP];
	MYSQL_BIND p[1], r[2];
	unsigned long nlen = strlen(name);
	uint64_t id = 0;
	int rc, f, tn = 0;

	b_bytes(&p[0], MYSQL_TYPE_STRING, name, nlen, &nlen);
	if ((rc = ssp_bdb_exec(db, ST_APP, p)))
		return rc;
	b_u64(&r[0], &id);
	b_int(&r[1], &tn);
	if (mysql_stmt_bind_result(st, r)) {
		rc = ssp_bdb_set_err(db, st, "bind result");
		goto out;
	}
	f = mysql_stmt_fetch(st);
	if (f == MYSQL_NO_DATA)
		rc = SSP_ERR_NOT_FOUND;
	else if (f == 1)
		rc = ssp_bdb_set_err(db, st, "fetch app");
	else
		*appid = id, rc = 0;
	if (!rc && target_nresults)
		*target_nresults = tn;
out:
	mysql_stmt_free_result(st);
	mysql_rollback(db->conn); /* end the read's transaction */
	return rc;
}

/* Reads column col of the current row in full when the bound buffer was too small. */
static int fetch_long_blob(ssp_boincdb *db, MYSQL_STMT *st, unsigned col, unsigned long len,
			   char **out)
{
	MYSQL_BIND b;
	unsigned long got = 0;
	char *buf;

	if (len > SSP_BDB_BLOB_MAX)
		return SSP_ERR_TOO_BIG;
	buf = malloc(len + 1);
	if (!buf)
		return SSP_ERR_NOMEM;
	b_bytes(&b, MYSQL_TYPE_BLOB, buf, len, &got);
	if (mysql_stmt_fetch_column(st, &b, col, 0)) {
		free(buf);
		return ssp_bdb_set_err(db, st, "fetch column");
	}
	buf[len] = '\0';
	*out = buf;
	return 0;
}

static char *dup_bytes(const char *p, size_t n)
{
	char *s = malloc(n + 1);

	if (s) {
		memcpy(s, p, n);
		s[n] = '\0';
	}
	return s;
}

void ssp_bdb_wus_free(ssp_bdb_wu *wus, size_t n)
{
	for (size_t i = 0; wus && i < n; i++) {
		for (size_t j = 0; j < wus[i].nresults; j++)
			free(wus[i].results[j].xml_doc_in);
		free(wus[i].results);
	}
	free(wus);
}

int ssp_boincdb_fetch(ssp_boincdb *db, uint64_t appid, unsigned mod_n, unsigned mod_i,
		      uint64_t after_id, uint64_t max_id, unsigned limit, ssp_bdb_wu **wus,
		      size_t *nwus)
{
	MYSQL_STMT *st = db->st[ST_FETCH];
	MYSQL_BIND p[8], r[36];
	my_bool nul[36], err[36];
	unsigned long wname_len = 0, rname_len = 0, xml_len = 0;
	ssp_bdb_wu w, *list = NULL;
	ssp_bdb_result x;
	uint64_t rid = 0;
	size_t n = 0, cap = 0;
	int rc = 0;

	*wus = NULL;
	*nwus = 0;
	memset(&w, 0, sizeof(w));
	memset(&x, 0, sizeof(x));
	b_u64(&p[0], &appid);
	b_u64(&p[1], &after_id);
	b_uint(&p[2], &mod_n);
	b_uint(&p[3], &mod_n);
	b_uint(&p[4], &mod_i);
	b_u64(&p[5], &max_id);
	b_u64(&p[6], &max_id);
	b_uint(&p[7], &limit);
	if ((rc = ssp_bdb_exec(db, ST_FETCH, p)))
		return rc;
	b_u64(&r[0], &w.id);
	b_bytes(&r[1], MYSQL_TYPE_STRING, w.name, SSP_BDB_NAME_MAX, &wname_len);
	b_dbl(&r[2], &w.rsc_fpops_est);
	b_dbl(&r[3], &w.rsc_fpops_bound);
	b_dbl(&r[4], &w.canonical_credit);
	b_u64(&r[5], &w.canonical_resultid);
	b_int(&r[6], &w.need_validate);
	b_int(&r[7], &w.min_quorum);
	b_int(&r[8], &w.target_nresults);
	b_int(&r[9], &w.max_success_results);
	b_int(&r[10], &w.error_mask);
	b_int(&r[11], &w.assimilate_state);
	b_i64(&r[12], &w.transition_time);
	b_u64(&r[13], &rid);
	b_int(&r[14], &x.server_state);
	b_int(&r[15], &x.outcome);
	b_int(&r[16], &x.validate_state);
	b_u64(&r[17], &x.hostid);
	b_u64(&r[18], &x.userid);
	b_bytes(&r[19], MYSQL_TYPE_STRING, x.name, SSP_BDB_NAME_MAX, &rname_len);
	b_dbl(&r[20], &x.granted_credit);
	b_dbl(&r[21], &x.cpu_time);
	b_i64(&r[22], &x.sent_time);
	b_i64(&r[23], &x.received_time);
	b_bytes(&r[24], MYSQL_TYPE_BLOB, db->blob, BLOB_BUF, &xml_len);
	b_dbl(&r[25], &x.host_p_fpops);
	b_u64(&r[26], &x.user_teamid);
	b_int(&r[27], &x.host_ncpus);
	b_u64(&r[28], &x.host_userid);
	b_i64(&r[29], &x.app_version_id);
	b_u64(&r[30], &x.appid);
	b_dbl(&r[31], &w.opaque);
	b_int(&r[32], &x.has_hav);
	b_dbl(&r[33], &x.elapsed_time);
	b_dbl(&r[34], &x.flops_estimate);
	b_int(&r[35], &x.runtime_outlier);
	for (int i = 0; i < 36; i++) {
		r[i].is_null = &nul[i];
		r[i].error = &err[i];
	}
	if (mysql_stmt_bind_result(st, r) || mysql_stmt_store_result(st)) {
		rc = ssp_bdb_set_err(db, st, "fetch work units");
		goto out;
	}
	for (;;) {
		ssp_bdb_wu *cur;
		char *xml = NULL;
		int f;

		w.name[0] = x.name[0] = '\0';
		x.host_p_fpops = 0;
		f = mysql_stmt_fetch(st);
		if (f == MYSQL_NO_DATA)
			break;
		if (f == 1) {
			rc = ssp_bdb_set_err(db, st, "fetch work units");
			goto out;
		}
		if (f == MYSQL_DATA_TRUNCATED && (err[1] || err[19])) {
			snprintf(db->err, sizeof(db->err), "work unit %llu: name longer than %d bytes",
				 (unsigned long long)w.id, SSP_BDB_NAME_MAX);
			rc = SSP_ERR_TOO_BIG;
			goto out;
		}
		w.name[wname_len < SSP_BDB_NAME_MAX ? wname_len : SSP_BDB_NAME_MAX] = '\0';
		if (n == 0 || list[n - 1].id != w.id) {
			if (n == cap) {
				size_t ncap = cap ? 2 * cap : 64;
				ssp_bdb_wu *g = realloc(list, ncap * sizeof(*list));

				if (!g) {
					rc = SSP_ERR_NOMEM;
					goto out;
				}
				list = g;
				cap = ncap;
			}
			list[n] = w;
			list[n].results = NULL;
			list[n].nresults = 0;
			n++;
		}
		cur = &list[n - 1];
		if (nul[13])
			continue; /* a work unit without results */
		if (nul[24]) {
			xml = dup_bytes("", 0);
			xml_len = 0;
		} else if (err[24]) {
			rc = fetch_long_blob(db, st, 24, xml_len, &xml);
			if (rc == SSP_ERR_TOO_BIG) {
				xml = dup_bytes("", 0); /* judged unparsable by the checker */
				xml_len = 0;
				rc = 0;
			}
			if (rc)
				goto out;
		} else {
			xml = dup_bytes(db->blob, xml_len);
		}
		if (!xml) {
			rc = SSP_ERR_NOMEM;
			goto out;
		}
		{
			ssp_bdb_result *g = realloc(cur->results, (cur->nresults + 1) * sizeof(*g));

			if (!g) {
				free(xml);
				rc = SSP_ERR_NOMEM;
				goto out;
			}
			cur->results = g;
			x.id = rid;
			x.workunitid = w.id;
			x.name[rname_len < SSP_BDB_NAME_MAX ? rname_len : SSP_BDB_NAME_MAX] = '\0';
			if (nul[25])
				x.host_p_fpops = 0;
			if (nul[26])
				x.user_teamid = 0;
			if (nul[27])
				x.host_ncpus = 0;
			if (nul[28])
				x.host_userid = 0; /* no host row: the result's user is credited */
			if (nul[32])
				x.has_hav = 0; /* no host_app_version row */
			x.xml_doc_in = xml;
			x.xml_doc_in_len = xml_len;
			g[cur->nresults++] = x;
		}
	}
	*wus = list;
	*nwus = n;
	list = NULL;
	n = 0;
out:
	mysql_stmt_free_result(st);
	mysql_rollback(db->conn); /* end the read's transaction */
	ssp_bdb_wus_free(list, n);
	return rc;
}

/* ---- the outbox ---- */

int ssp_boincdb_outbox_fetch(ssp_boincdb *db, unsigned mod_n, unsigned mod_i, unsigned limit,
			     ssp_bdb_credit **out, size_t *n)
{
	MYSQL_STMT *st = db->st[ST_OUTBOX_FETCH];
	MYSQL_BIND p[4], r[7];
	unsigned long dlen = 0;
	ssp_bdb_credit c, *list = NULL;
	size_t count = 0, cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (!st)
		return 0; /* read-only: no outbox */
	b_uint(&p[0], &mod_n);
	b_uint(&p[1], &mod_n);
	b_uint(&p[2], &mod_i);
	b_uint(&p[3], &limit);
	if ((rc = ssp_bdb_exec(db, ST_OUTBOX_FETCH, p)))
		return rc;
	memset(&c, 0, sizeof(c));
	b_u64(&r[0], &c.result_id);
	b_u64(&r[1], &c.workunit_id);
	b_u64(&r[2], &c.user_id);
	b_u64(&r[3], &c.host_id);
	b_u64(&r[4], &c.credit_micro);
	b_bytes(&r[5], MYSQL_TYPE_BLOB, c.result_digest, 32, &dlen);
	b_u64(&r[6], &c.granted_at);
	if (mysql_stmt_bind_result(st, r) || mysql_stmt_store_result(st)) {
		rc = ssp_bdb_set_err(db, st, "fetch outbox");
		goto out;
	}
	for (;;) {
		int f = mysql_stmt_fetch(st);

		if (f == MYSQL_NO_DATA)
			break;
		if (f == 1 || f == MYSQL_DATA_TRUNCATED || dlen != 32) {
			rc = ssp_bdb_set_err(db, st, "fetch outbox row");
			goto out;
		}
		if (count == cap) {
			size_t ncap = cap ? 2 * cap : 64;
			ssp_bdb_credit *g = realloc(list, ncap * sizeof(*g));

			if (!g) {
				rc = SSP_ERR_NOMEM;
				goto out;
			}
			list = g;
			cap = ncap;
		}
		list[count++] = c;
	}
	*out = list;
	*n = count;
	list = NULL;
	rc = 0;
out:
	mysql_stmt_free_result(st);
	mysql_rollback(db->conn); /* end the read's transaction */
	free(list);
	return rc;
}

int ssp_boincdb_outbox_delete(ssp_boincdb *db, const uint64_t *result_ids, size_t n)
{
	MYSQL_BIND p[1];
	uint64_t aff = 0;
	int rc;

	if (!n)
		return 0;
	if (!db->st[ST_OUTBOX_DEL])
		return SSP_ERR_STATE;
	/* autocommit is off: one transaction up to the commit */
	b_u64(&p[0], &result_ids[0]);
	rc = ssp_bdb_exec_rows(db, ST_OUTBOX_DEL, p, 1, sizeof(result_ids[0]), n, &aff);
	if (rc) {
		mysql_rollback(db->conn);
		return rc;
	}
	if (mysql_commit(db->conn)) {
		rc = ssp_bdb_set_err(db, NULL, "commit");
		mysql_rollback(db->conn);
		return rc;
	}
	return 0;
}

/* ---- users ---- */

int ssp_boincdb_user_prefs(ssp_boincdb *db, uint64_t userid, char **prefs, size_t *len)
{
	MYSQL_STMT *st = db->st[ST_PREFS];
	MYSQL_BIND p[1], r[1];
	my_bool nul = 0, err = 0;
	unsigned long plen = 0;
	char *copy = NULL;
	int rc, f;

	*prefs = NULL;
	*len = 0;
	b_u64(&p[0], &userid);
	if ((rc = ssp_bdb_exec(db, ST_PREFS, p)))
		return rc;
	b_bytes(&r[0], MYSQL_TYPE_BLOB, db->blob, BLOB_BUF, &plen);
	r[0].is_null = &nul;
	r[0].error = &err;
	if (mysql_stmt_bind_result(st, r)) {
		rc = ssp_bdb_set_err(db, st, "bind result");
		goto out;
	}
	f = mysql_stmt_fetch(st);
	if (f == MYSQL_NO_DATA) {
		rc = SSP_ERR_NOT_FOUND;
		goto out;
	}
	if (f == 1) {
		rc = ssp_bdb_set_err(db, st, "fetch project_prefs");
		goto out;
	}
	if (nul) {
		copy = dup_bytes("", 0);
		plen = 0;
	} else if (f == MYSQL_DATA_TRUNCATED || err) {
		rc = fetch_long_blob(db, st, 0, plen, &copy);
		if (rc)
			goto out;
	} else {
		copy = dup_bytes(db->blob, plen);
	}
	if (!copy) {
		rc = SSP_ERR_NOMEM;
		goto out;
	}
	*prefs = copy;
	*len = plen;
	rc = 0;
out:
	mysql_stmt_free_result(st);
	mysql_rollback(db->conn); /* end the read's transaction */
	return rc;
}
