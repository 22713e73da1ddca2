/* The BOINC project database through MariaDB Connector/C (see ssp_boincdb.h). */
#include "boincdb/ssp_boincdb.h"

#include "core/ssp_hex.h"
#include "boinc/ssp_validate.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mysql.h>
#include <mysqld_error.h>
#include <errmsg.h>

enum {
	ST_APP,
	ST_FETCH,
	ST_UPD_RESULT,
	ST_UPD_HOST,
	ST_UPD_USER,
	ST_UPD_TEAM,
	ST_INS_CJ,
	ST_INS_OUTBOX,
	ST_UPD_WU,
	ST_UPD_HAV,
	ST_UPD_TURN,
	ST_UPD_AV,
	ST_OUTBOX_FETCH,
	ST_OUTBOX_DEL,
	ST_PREFS,
	ST_COUNT
};

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
		" u.teamid, h.p_ncpus, h.userid, r.app_version_id, r.appid, w.opaque"
		" FROM (SELECT * FROM workunit WHERE appid = ? AND need_validate > 0 AND id > ?"
		"  AND (? = 0 OR id MOD ? = ?) ORDER BY id LIMIT ?) w"
		" LEFT JOIN result r ON r.workunitid = w.id"
		" LEFT JOIN host h ON h.id = r.hostid"
		" LEFT JOIN user u ON u.id = IF(h.id IS NULL, r.userid, h.userid)"
		" ORDER BY w.id, r.id",
	[ST_UPD_RESULT] =
		"UPDATE result SET server_state = ?, outcome = ?, validate_state = ?, granted_credit = ?"
		" WHERE id = ? AND server_state = ? AND outcome = ? AND validate_state = ?",
	/* BOINC's update_average (ssp_credit_update_average, same operations in the same order)
	 * evaluated by the server on the locked row: the old expavg_time is read before it is
	 * assigned (and, with SIMULTANEOUS_ASSIGNMENT, every right side sees old values anyway).
	 * Parameters: AVG_PARAMS, then the row's id. */
	[ST_UPD_HOST] = "UPDATE host SET " AVG_SET " WHERE id = ?",
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
	[ST_UPD_HAV] =
		"UPDATE host_app_version SET consecutive_valid = IF(? = 1, consecutive_valid + ?, 0),"
		" max_jobs_per_day = IF(? = 1, max_jobs_per_day + 1, IF(max_jobs_per_day > ?,"
		" max_jobs_per_day - 1, max_jobs_per_day)) WHERE host_id = ? AND app_version_id = ?",
	/* BOINC's compute_avg_turnaround (sched/sched_util.cpp) for a valid result */
	[ST_UPD_TURN] = "UPDATE host SET avg_turnaround = IF(avg_turnaround = 0, ?,"
			" 0.7 * avg_turnaround + 0.3 * ?) WHERE id = ?",
	/* the app version's recent average credit (write_modified_app_versions) */
	[ST_UPD_AV] = "UPDATE app_version SET " AVG_EXPR " WHERE id = ?",
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

struct ssp_boincdb {
	ssp_bdb_opts opts;
	MYSQL *conn;
	MYSQL_STMT *st[ST_COUNT];
	int readonly;
	int bulk;              /* the server executes array-bound statements in one round trip */
	char err[512];
	char *blob;            /* fetch buffer for xml_doc_in / project_prefs */
};

#define BLOB_BUF 65536 /* BOINC's blob columns hold at most 65535 bytes */

/* ---- binding helpers ---- */

static void b_u64(MYSQL_BIND *b, const uint64_t *v)
{
	memset(b, 0, sizeof(*b));
	b->buffer_type = MYSQL_TYPE_LONGLONG;
	b->buffer = (void *)v;
	b->is_unsigned = 1;
}

static void b_i64(MYSQL_BIND *b, const int64_t *v)
{
	memset(b, 0, sizeof(*b));
	b->buffer_type = MYSQL_TYPE_LONGLONG;
	b->buffer = (void *)v;
}

static void b_int(MYSQL_BIND *b, const int *v)
{
	memset(b, 0, sizeof(*b));
	b->buffer_type = MYSQL_TYPE_LONG;
	b->buffer = (void *)v;
}

static void b_uint(MYSQL_BIND *b, const unsigned *v)
{
	memset(b, 0, sizeof(*b));
	b->buffer_type = MYSQL_TYPE_LONG;
	b->buffer = (void *)v;
	b->is_unsigned = 1;
}

static void b_dbl(MYSQL_BIND *b, const double *v)
{
	memset(b, 0, sizeof(*b));
	b->buffer_type = MYSQL_TYPE_DOUBLE;
	b->buffer = (void *)v;
}

static void b_bytes(MYSQL_BIND *b, enum enum_field_types t, const void *p, unsigned long cap,
		    unsigned long *len)
{
	memset(b, 0, sizeof(*b));
	b->buffer_type = t;
	b->buffer = (void *)p;
	b->buffer_length = cap;
	b->length = len;
}

static int set_err(ssp_boincdb *db, MYSQL_STMT *st, const char *what)
{
	if (st)
		snprintf(db->err, sizeof(db->err), "%s: %s (%u)", what, mysql_stmt_error(st),
			 mysql_stmt_errno(st));
	else
		snprintf(db->err, sizeof(db->err), "%s: %s (%u)", what, mysql_error(db->conn),
			 mysql_errno(db->conn));
	return SSP_ERR_DB;
}

static int is_retryable(unsigned e)
{
	return e == ER_LOCK_DEADLOCK || e == ER_LOCK_WAIT_TIMEOUT;
}

/* Executes st with params (may be NULL). */
static int exec(ssp_boincdb *db, int which, MYSQL_BIND *params)
{
	MYSQL_STMT *st = db->st[which];

	if (params && mysql_stmt_bind_param(st, params))
		return set_err(db, st, "bind");
	if (mysql_stmt_execute(st))
		return set_err(db, st, "execute");
	return 0;
}

static int query(ssp_boincdb *db, const char *sql)
{
	if (mysql_query(db->conn, sql))
		return set_err(db, NULL, sql);
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
	if ((rc = exec(db, ST_APP, p)))
		return rc;
	b_u64(&r[0], &id);
	b_int(&r[1], &tn);
	if (mysql_stmt_bind_result(st, r)) {
		rc = set_err(db, st, "bind result");
		goto out;
	}
	f = mysql_stmt_fetch(st);
	if (f == MYSQL_NO_DATA)
		rc = SSP_ERR_NOT_FOUND;
	else if (f == 1)
		rc = set_err(db, st, "fetch app");
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
		return set_err(db, st, "fetch column");
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
		      uint64_t after_id, unsigned limit, ssp_bdb_wu **wus, size_t *nwus)
{
	MYSQL_STMT *st = db->st[ST_FETCH];
	MYSQL_BIND p[6], r[32];
	my_bool nul[32], err[32];
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
	b_uint(&p[5], &limit);
	if ((rc = exec(db, ST_FETCH, p)))
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
	for (int i = 0; i < 32; i++) {
		r[i].is_null = &nul[i];
		r[i].error = &err[i];
	}
	if (mysql_stmt_bind_result(st, r) || mysql_stmt_store_result(st)) {
		rc = set_err(db, st, "fetch work units");
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
			rc = set_err(db, st, "fetch work units");
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

/* ---- the per-work-unit transaction ---- */

/* Executes statement which once for each of n rows (row_size bytes apart) whose first row
 * is bound by b (nparams bindings): one bulk round trip (STMT_ATTR_ARRAY_SIZE, row-wise)
 * when the server is MariaDB, one execution per row otherwise. *affected = the total. */
static int exec_rows(ssp_boincdb *db, int which, const MYSQL_BIND *b, unsigned nparams,
		     size_t row_size, size_t n, uint64_t *affected)
{
	MYSQL_STMT *st = db->st[which];
	MYSQL_BIND shifted[17];
	unsigned int zero = 0;

	*affected = 0;
	if (n == 0)
		return 0;
	if (nparams > 17)
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
	double now, half_life, work, start;
	uint64_t id;
} credit_row;

typedef struct cj_row {
	uint64_t userid;
	int64_t workunitid;
} cj_row;

typedef struct hav_row {
	int valid, inc, valid2, quota;
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
	credit_row *host, *user, *team, *av;
	cj_row *cj;
	outbox_row *ob;
	hav_row *hav;
	turn_row *turn;
} wu_scratch;

/* BOINC's is_valid / is_invalid bookkeeping of the judged results. */
static int judge_all(ssp_boincdb *db, const ssp_bdb_judged *jd, size_t njd, wu_scratch *w)
{
	size_t nh = 0, nt = 0;
	MYSQL_BIND b[6];
	uint64_t aff;
	int rc;

	for (size_t i = 0; i < njd; i++) {
		const ssp_bdb_judged *j = &jd[i];

		if (j->hav_avid) {
			w->hav[nh].valid = w->hav[nh].valid2 = j->valid ? 1 : 0;
			w->hav[nh].inc = j->count_consecutive ? 1 : 0;
			w->hav[nh].quota = db->opts.daily_result_quota;
			w->hav[nh].host = j->host_id;
			w->hav[nh].avid = j->hav_avid;
			nh++;
		}
		if (j->valid) {
			w->turn[nt].t = w->turn[nt].t2 = j->turnaround;
			w->turn[nt].host = j->host_id;
			nt++;
		}
	}
	b_int(&b[0], &w->hav[0].valid);
	b_int(&b[1], &w->hav[0].inc);
	b_int(&b[2], &w->hav[0].valid2);
	b_int(&b[3], &w->hav[0].quota);
	b_u64(&b[4], &w->hav[0].host);
	b_i64(&b[5], &w->hav[0].avid);
	if ((rc = exec_rows(db, ST_UPD_HAV, b, 6, sizeof(hav_row), nh, &aff)))
		return rc;
	b_dbl(&b[0], &w->turn[0].t);
	b_dbl(&b[1], &w->turn[0].t2);
	b_u64(&b[2], &w->turn[0].host);
	return exec_rows(db, ST_UPD_TURN, b, 3, sizeof(turn_row), nt, &aff);
}

static int grant_all(ssp_boincdb *db, const ssp_bdb_credit *cr, size_t ncr, double now,
		     wu_scratch *w)
{
	size_t nob = 0, nteam = 0, nav = 0, ncj = 0;
	MYSQL_BIND b[17];
	uint64_t aff;
	int rc;

	if (ncr == 0)
		return 0;
	for (size_t i = 0; i < ncr; i++) {
		const ssp_bdb_credit *c = &cr[i];
		credit_row r = { now, SSP_CREDIT_HALF_LIFE, (double)c->credit_micro / 1e6,
				 (double)c->sent_time, 0 };

		w->host[i] = r;
		w->host[i].id = c->host_id;
		w->user[i] = r;
		w->user[i].id = c->user_id;
		if (c->team_hint) {
			w->team[nteam] = r;
			w->team[nteam++].id = c->user_id; /* the team is read from the user row */
		}
		if (c->app_version_id > 0 && c->credit_micro) {
			w->av[nav] = r;
			w->av[nav++].id = (uint64_t)c->app_version_id;
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
	bind_avg(b, &w->host[0], 1);
	if ((rc = exec_rows(db, ST_UPD_HOST, b, 17, sizeof(credit_row), ncr, &aff)))
		return rc;
	bind_avg(b, &w->user[0], 1);
	if ((rc = exec_rows(db, ST_UPD_USER, b, 17, sizeof(credit_row), ncr, &aff)))
		return rc;
	bind_avg(b, &w->team[0], 1); /* by user id: the team of each user in a team */
	if ((rc = exec_rows(db, ST_UPD_TEAM, b, 17, sizeof(credit_row), nteam, &aff)))
		return rc;
	bind_avg(b, &w->av[0], 0);
	if ((rc = exec_rows(db, ST_UPD_AV, b, 16, sizeof(credit_row), nav, &aff)))
		return rc;
	if (db->opts.update_credited_job) {
		b_u64(&b[0], &w->cj[0].userid);
		b_i64(&b[1], &w->cj[0].workunitid);
		if ((rc = exec_rows(db, ST_INS_CJ, b, 2, sizeof(cj_row), ncj, &aff)))
			return rc;
	}
	b_u64(&b[0], &w->ob[0].result_id);
	b_u64(&b[1], &w->ob[0].workunit_id);
	b_u64(&b[2], &w->ob[0].user_id);
	b_u64(&b[3], &w->ob[0].host_id);
	b_u64(&b[4], &w->ob[0].credit_micro);
	b_bytes(&b[5], MYSQL_TYPE_BLOB, w->ob[0].digest, 32, &w->ob[0].digest_len);
	b_u64(&b[6], &w->ob[0].granted_at);
	return exec_rows(db, ST_INS_OUTBOX, b, 7, sizeof(outbox_row), nob, &aff);
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
		if ((rc = exec_rows(db, ST_UPD_RESULT, p, 8, sizeof(*ru), nru, &aff)))
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
	w.av = calloc(k, sizeof(*w.av));
	w.cj = calloc(k, sizeof(*w.cj));
	w.ob = calloc(k, sizeof(*w.ob));
	w.hav = calloc(kj, sizeof(*w.hav));
	w.turn = calloc(kj, sizeof(*w.turn));
	if (!w.host || !w.user || !w.team || !w.av || !w.cj || !w.ob || !w.hav || !w.turn) {
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
	free(w.av);
	free(w.cj);
	free(w.ob);
	free(w.hav);
	free(w.turn);
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
	if ((rc = exec(db, ST_OUTBOX_FETCH, p)))
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
		rc = set_err(db, st, "fetch outbox");
		goto out;
	}
	for (;;) {
		int f = mysql_stmt_fetch(st);

		if (f == MYSQL_NO_DATA)
			break;
		if (f == 1 || f == MYSQL_DATA_TRUNCATED || dlen != 32) {
			rc = set_err(db, st, "fetch outbox row");
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
	rc = exec_rows(db, ST_OUTBOX_DEL, p, 1, sizeof(result_ids[0]), n, &aff);
	if (rc) {
		mysql_rollback(db->conn);
		return rc;
	}
	if (mysql_commit(db->conn)) {
		rc = set_err(db, NULL, "commit");
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
	if ((rc = exec(db, ST_PREFS, p)))
		return rc;
	b_bytes(&r[0], MYSQL_TYPE_BLOB, db->blob, BLOB_BUF, &plen);
	r[0].is_null = &nul;
	r[0].error = &err;
	if (mysql_stmt_bind_result(st, r)) {
		rc = set_err(db, st, "bind result");
		goto out;
	}
	f = mysql_stmt_fetch(st);
	if (f == MYSQL_NO_DATA) {
		rc = SSP_ERR_NOT_FOUND;
		goto out;
	}
	if (f == 1) {
		rc = set_err(db, st, "fetch project_prefs");
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
