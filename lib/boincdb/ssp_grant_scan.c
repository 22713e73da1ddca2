/* The keep-your-validator mode: credit granted by another validator (see ssp_grant_scan.h). */
#include "boincdb/ssp_grant_scan.h"

#include "boinc/ssp_validate.h"
#include "core/ssp_log.h"
#include "crypto/ssp_sha256.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mysql.h>

#define POS_TABLE "ssp_grant_position"
#define TAKEN_TABLE "ssp_grant_taken"
#define XML_BUF 65536 /* BOINC's xml_doc_in is a blob: at most 65535 bytes */
#define SQL_CAP 4096

static const char pos_ddl[] =
	"CREATE TABLE IF NOT EXISTS " POS_TABLE " ("
	" name varchar(64) NOT NULL PRIMARY KEY,"
	" pos bigint NOT NULL,"
	" since bigint NOT NULL,"
	" updated_at bigint NOT NULL"
	") ENGINE=InnoDB";

/* The one result of each (work unit, user) the scan credits. */
static const char taken_ddl[] =
	"CREATE TABLE IF NOT EXISTS " TAKEN_TABLE " ("
	" workunit_id bigint unsigned NOT NULL,"
	" user_id bigint unsigned NOT NULL,"
	" result_id bigint unsigned NOT NULL,"
	" PRIMARY KEY (workunit_id, user_id)"
	") ENGINE=InnoDB";

struct ssp_grant_scan {
	ssp_grant_conf c;
	MYSQL *m;
	ssp_boincdb *db;
	ssp_ledger *ledger;
	uint8_t project[32];
	char key[65];
	ssp_vcheck_opts copts;
	MYSQL_STMT *scan;   /* the chunk query */
	MYSQL_STMT *take;   /* INSERT IGNORE into the taken table */
	MYSQL_STMT *winner; /* the taken result of (work unit, user) */
	MYSQL_STMT *xmlq;   /* a result's xml_doc_in, read only for results new to the ledger */
	char *xml;          /* XML_BUF + 1 */
	int64_t pass_pos;   /* the position when the pass began: a row skipped before it was
			       seen by an earlier pass, and is logged again at debug level only */
};

/* One row of the scan. */
typedef struct grow {
	uint64_t id, wuid, userid, hostid, host_userid;
	double granted;
	int64_t mod_time;
	char name[SSP_BDB_NAME_MAX + 1], wu_name[SSP_BDB_NAME_MAX + 1];
	unsigned long name_len, wu_name_len, xml_len;
	my_bool xml_null, host_null;
} grow;

static int db_err(ssp_grant_scan *g, const char *what)
{
	ssp_log_crit("grant scan: %s: %s", what, mysql_error(g->m));
	mysql_rollback(g->m);
	return SSP_ERR_DB;
}

static int stmt_err(ssp_grant_scan *g, MYSQL_STMT *st, const char *what)
{
	ssp_log_crit("grant scan: %s: %s", what, mysql_stmt_error(st));
	mysql_stmt_free_result(st);
	mysql_rollback(g->m);
	return SSP_ERR_DB;
}

/* A one-value integer query: *v, *isnull. */
static int q_i64(ssp_grant_scan *g, const char *sql, int64_t *v, int *isnull)
{
	MYSQL_RES *res;
	MYSQL_ROW row;
	int rc = SSP_ERR_DB;

	*v = 0;
	*isnull = 1;
	if (mysql_query(g->m, sql) || !(res = mysql_store_result(g->m)))
		return db_err(g, sql);
	row = mysql_fetch_row(res);
	if (row && row[0]) {
		*isnull = 0;
		*v = strtoll(row[0], NULL, 10);
	}
	rc = 0;
	mysql_free_result(res);
	return rc;
}

static MYSQL_STMT *prepare(ssp_grant_scan *g, const char *sql, ssp_errmsg *em, int *rc)
{
	MYSQL_STMT *st = mysql_stmt_init(g->m);

	if (!st) {
		*rc = ssp_errmsg_set(em, SSP_ERR_NOMEM, "out of memory");
		return NULL;
	}
	if (mysql_stmt_prepare(st, sql, strlen(sql))) {
		*rc = ssp_errmsg_set(em, SSP_ERR_DB, "grant scan: preparing \"%.60s…\": %s", sql,
				     mysql_stmt_error(st));
		mysql_stmt_close(st);
		return NULL;
	}
	return st;
}

int ssp_grant_scan_new(const ssp_grant_conf *c, const ssp_projcfg *pc, ssp_boincdb *db,
		       ssp_ledger *ledger, const uint8_t project[32], const char *key,
		       ssp_grant_scan **out, ssp_errmsg *em)
{
	ssp_grant_scan *g;
	char sql[SQL_CAP], pos_sql[256];
	size_t off;
	int64_t pos = 0;
	int isnull = 1, rc = SSP_ERR_DB;

	*out = NULL;
	if (!c || !c->nappids || !c->appids || !pc || !db || !ledger || !key)
		return ssp_errmsg_set(em, SSP_ERR_INVAL, "grant scan: no apps");
	if (c->nappids > 64)
		return ssp_errmsg_set(em, SSP_ERR_INVAL, "grant scan: at most 64 apps");
	g = calloc(1, sizeof(*g));
	if (!g || !(g->xml = malloc(XML_BUF + 1))) {
		free(g);
		return ssp_errmsg_set(em, SSP_ERR_NOMEM, "out of memory");
	}
	g->c = *c;
	g->c.appids = NULL; /* used only here */
	if (!g->c.overlap)
		g->c.overlap = 600;
	if (!g->c.chunk)
		g->c.chunk = 2000;
	if (!g->c.max_output_bytes)
		g->c.max_output_bytes = 64ULL << 20;
	g->m = ssp_boincdb_conn(db);
	g->db = db;
	g->ledger = ledger;
	memcpy(g->project, project, 32);
	snprintf(g->key, sizeof(g->key), "%s", key);
	g->copts.upload_dir = pc->upload_dir;
	g->copts.fanout = pc->uldl_dir_fanout;
	g->copts.max_output_bytes = g->c.max_output_bytes;
	g->copts.receipt_name = c->receipt_name;
	/* mod_time is a TIMESTAMP: in UTC the conversions to and from unix seconds are exact
	 * (no daylight-saving hour read twice) */
	if (mysql_query(g->m, "SET SESSION time_zone = '+00:00'") || mysql_query(g->m, pos_ddl) ||
	    mysql_query(g->m, taken_ddl) || mysql_commit(g->m)) {
		rc = ssp_errmsg_set(em, SSP_ERR_DB, "grant scan: setting up: %s", mysql_error(g->m));
		goto fail;
	}
	off = (size_t)snprintf(sql, sizeof(sql),
		"SELECT r.id, r.workunitid, r.userid, r.hostid, h.userid, r.granted_credit,"
		" UNIX_TIMESTAMP(r.mod_time), r.name, w.name"
		" FROM result r JOIN workunit w ON w.id = r.workunitid"
		" LEFT JOIN host h ON h.id = r.hostid"
		" WHERE r.validate_state = 1 AND r.granted_credit > 0"
		/* ssp_validator's credit comes through its outbox (this signer drains it before
		 * the scan, into the ledger, where the scan finds it) */
		" AND NOT EXISTS (SELECT 1 FROM " SSP_BDB_OUTBOX_TABLE " o WHERE o.result_id = r.id)"
		" AND r.appid IN (");
	for (size_t i = 0; i < c->nappids && off < sizeof(sql); i++)
		off += (size_t)snprintf(sql + off, sizeof(sql) - off, "%s%" PRIu64, i ? "," : "",
					c->appids[i]);
	if (off < sizeof(sql))
		off += (size_t)snprintf(sql + off, sizeof(sql) - off,
			") AND r.mod_time >= FROM_UNIXTIME(?)"
			" AND (r.mod_time > FROM_UNIXTIME(?) OR r.id > ?)"
			" ORDER BY r.mod_time, r.id LIMIT ?");
	if (off >= sizeof(sql)) {
		rc = ssp_errmsg_set(em, SSP_ERR_INVAL, "grant scan: query too long");
		goto fail;
	}
	if (!(g->scan = prepare(g, sql, em, &rc)) ||
	    !(g->take = prepare(g, "INSERT IGNORE INTO " TAKEN_TABLE " (workunit_id, user_id, result_id)"
				" VALUES (?, ?, ?)", em, &rc)) ||
	    !(g->winner = prepare(g, "SELECT result_id FROM " TAKEN_TABLE
				  " WHERE workunit_id = ? AND user_id = ?", em, &rc)) ||
	    !(g->xmlq = prepare(g, "SELECT xml_doc_in FROM result WHERE id = ?", em, &rc)))
		goto fail;
	/* the first run starts at c->since */
	snprintf(pos_sql, sizeof(pos_sql), "SELECT pos FROM " POS_TABLE " WHERE name = '%s'", g->key);
	if (q_i64(g, pos_sql, &pos, &isnull)) {
		rc = ssp_errmsg_set(em, SSP_ERR_DB, "grant scan: reading the position: %s",
				    mysql_error(g->m));
		goto fail;
	}
	if (isnull) {
		if (c->since > 0) {
			pos = c->since;
		} else if (c->since < 0) {
			pos = 0;
		} else if (q_i64(g, "SELECT UNIX_TIMESTAMP()", &pos, &isnull) || isnull) {
			rc = ssp_errmsg_set(em, SSP_ERR_DB, "grant scan: the database time: %s",
					    mysql_error(g->m));
			goto fail;
		}
		snprintf(pos_sql, sizeof(pos_sql), "INSERT INTO " POS_TABLE " (name, pos, since,"
			 " updated_at) VALUES ('%s', %" PRId64 ", %" PRId64 ", UNIX_TIMESTAMP())",
			 g->key, pos, pos);
		if (mysql_query(g->m, pos_sql) || mysql_commit(g->m)) {
			rc = ssp_errmsg_set(em, SSP_ERR_DB, "grant scan: storing the position: %s",
					    mysql_error(g->m));
			goto fail;
		}
		ssp_log_info("grant scan: first run; credit validated from unix time %" PRId64
			     " on is claimed", pos);
	} else {
		ssp_log_info("grant scan: resuming at unix time %" PRId64 " (rescanning %u s behind it)",
			     pos, g->c.overlap);
	}
	mysql_rollback(g->m);
	*out = g;
	return 0;
fail:
	mysql_rollback(g->m);
	ssp_grant_scan_free(g);
	return rc;
}

void ssp_grant_scan_free(ssp_grant_scan *g)
{
	if (!g)
		return;
	if (g->scan)
		mysql_stmt_close(g->scan);
	if (g->take)
		mysql_stmt_close(g->take);
	if (g->winner)
		mysql_stmt_close(g->winner);
	if (g->xmlq)
		mysql_stmt_close(g->xmlq);
	free(g->xml);
	free(g);
}

static void bind_u64(MYSQL_BIND *b, uint64_t *v)
{
	memset(b, 0, sizeof(*b));
	b->buffer_type = MYSQL_TYPE_LONGLONG;
	b->buffer = v;
	b->is_unsigned = 1;
}

static void bind_i64(MYSQL_BIND *b, int64_t *v)
{
	memset(b, 0, sizeof(*b));
	b->buffer_type = MYSQL_TYPE_LONGLONG;
	b->buffer = v;
}

/* The result of (wuid, user) that is credited: *winner (records rid when none yet). The
 * caller commits the chunk's records before it writes their ledger credits. */
static int take(ssp_grant_scan *g, uint64_t wuid, uint64_t user, uint64_t rid, uint64_t *winner)
{
	MYSQL_BIND p[3], r[1];
	int f;

	bind_u64(&p[0], &wuid);
	bind_u64(&p[1], &user);
	bind_u64(&p[2], &rid);
	if (mysql_stmt_bind_param(g->take, p) || mysql_stmt_execute(g->take))
		return stmt_err(g, g->take, "recording the credited result");
	if (mysql_stmt_affected_rows(g->take) == 1) {
		*winner = rid; /* the first of (work unit, user) */
		return 0;
	}
	/* recorded before: this result (a pass killed before its ledger commit) or another */
	if (mysql_stmt_bind_param(g->winner, p) || mysql_stmt_execute(g->winner))
		return stmt_err(g, g->winner, "reading the credited result");
	*winner = 0;
	bind_u64(&r[0], winner);
	if (mysql_stmt_bind_result(g->winner, r))
		return stmt_err(g, g->winner, "reading the credited result");
	f = mysql_stmt_fetch(g->winner);
	mysql_stmt_free_result(g->winner);
	if (f != 0)
		return stmt_err(g, g->winner, "no credited result recorded");
	return 0;
}

/* Reads w's xml_doc_in into g->xml (w->xml_len, w->xml_null; xml_len above XML_BUF when it
 * is too long to use). */
static int load_xml(ssp_grant_scan *g, grow *w)
{
	MYSQL_BIND p[1], r[1];
	uint64_t id = w->id;
	int f;

	w->xml_len = 0;
	w->xml_null = 1;
	bind_u64(&p[0], &id);
	if (mysql_stmt_bind_param(g->xmlq, p) || mysql_stmt_execute(g->xmlq))
		return stmt_err(g, g->xmlq, "reading xml_doc_in");
	memset(r, 0, sizeof(r));
	r[0].buffer_type = MYSQL_TYPE_BLOB;
	r[0].buffer = g->xml;
	r[0].buffer_length = XML_BUF;
	r[0].length = &w->xml_len;
	r[0].is_null = &w->xml_null;
	if (mysql_stmt_bind_result(g->xmlq, r))
		return stmt_err(g, g->xmlq, "reading xml_doc_in");
	f = mysql_stmt_fetch(g->xmlq);
	if (f == 1)
		return stmt_err(g, g->xmlq, "reading xml_doc_in");
	if (f == MYSQL_NO_DATA)
		w->xml_null = 1; /* purged meanwhile */
	else if (f == MYSQL_DATA_TRUNCATED)
		w->xml_len = XML_BUF + 1;
	if (!w->xml_null && w->xml_len <= XML_BUF)
		g->xml[w->xml_len] = '\0';
	mysql_stmt_free_result(g->xmlq);
	return 0;
}

/* resultDigest from the outputs in the upload tree (xml_doc_in order, receipt excluded);
 * zero (and *gone = 1) when one is missing or unreadable. */
static int outputs_digest(ssp_grant_scan *g, const grow *w, uint8_t digest[32], int *gone)
{
	const char *receipt = g->c.receipt_name ? g->c.receipt_name : "ssp_receipt.json";
	ssp_outref *refs = NULL;
	ssp_sha256_ctx *ctx = NULL;
	ssp_errmsg em = { { 0 } };
	size_t n = 0, used = 0;
	int rc;

	memset(digest, 0, 32);
	*gone = 1;
	if (w->xml_null || w->xml_len > XML_BUF) {
		ssp_log_info("[RESULT#%" PRIu64 " %s] no readable xml_doc_in: resultDigest zero",
			     w->id, w->name);
		return 0;
	}
	rc = ssp_xmldoc_outrefs(g->xml, w->xml_len, &refs, &n, &em);
	if (rc == SSP_ERR_NOMEM)
		return rc;
	if (rc) {
		ssp_log_info("[RESULT#%" PRIu64 " %s] xml_doc_in: %s: resultDigest zero", w->id,
			     w->name, em.msg);
		return 0;
	}
	if ((rc = ssp_sha256_new(&ctx)))
		goto out;
	for (size_t i = 0; i < n; i++) {
		uint8_t d[32];
		uint64_t bytes = 0;

		if (!strcmp(refs[i].logical, receipt))
			continue;
		rc = ssp_upload_sha256(&g->copts, refs[i].physical, g->c.max_output_bytes, d, &bytes);
		if (rc == SSP_ERR_NOT_FOUND && refs[i].optional) {
			rc = 0;
			continue;
		}
		if (rc == SSP_ERR_NOMEM)
			goto out;
		if (rc) {
			ssp_log_info("[RESULT#%" PRIu64 " %s] output %s: %s (deleted by the file deleter?):"
				     " resultDigest zero", w->id, w->name, refs[i].physical,
				     ssp_strerror(rc));
			rc = 0;
			goto out;
		}
		if ((rc = ssp_sha256_update(ctx, d, 32)))
			goto out;
		used++;
	}
	if (used == 0) {
		ssp_log_info("[RESULT#%" PRIu64 " %s] no output files: resultDigest zero", w->id, w->name);
		goto out;
	}
	if ((rc = ssp_sha256_final(ctx, digest)))
		goto out;
	*gone = 0;
out:
	ssp_sha256_free(ctx);
	ssp_outrefs_free(refs, n);
	return rc;
}

/* What to do with one row: 0 and *cr filled (*want = 1) or skipped (*want = 0); *retry = 1
 * when the upload tree is unreachable (the pass must not move the position). */
static int examine(ssp_grant_scan *g, grow *w, ssp_credit *cr, int *want, int *retry,
		   ssp_signer_stats *st)
{
	uint64_t user = w->host_null || !w->host_userid ? w->userid : w->host_userid;
	uint64_t micro = 0, winner = 0;
	int claimed = 0, gone = 0, ok, rc;
	ssp_credit have;
	int lvl = w->mod_time < g->pass_pos ? SSP_LOG_DEBUG : SSP_LOG_NORMAL; /* seen before */

	*want = 0;
	rc = ssp_ledger_get_credit(g->ledger, g->project, w->id, &have, &claimed);
	if (rc == 0)
		return 0; /* in the ledger already */
	if (rc != SSP_ERR_NOT_FOUND)
		return rc;
	if (ssp_credit_to_micro(w->granted, &micro) || micro == 0) {
		ssp_log(lvl, "[RESULT#%" PRIu64 " %s] credit %.9g rounds to no micro-cobblestone:"
			     " nothing to claim", w->id, w->name, w->granted);
		return 0;
	}
	memset(cr, 0, sizeof(*cr));
	if ((rc = load_xml(g, w)))
		return rc;
	if (g->c.check_receipt) {
		ssp_vres r;

		memset(&r, 0, sizeof(r));
		r.id = w->id;
		r.hostid = w->hostid;
		r.userid = w->userid;
		r.name = w->name;
		rc = ssp_vres_check(&r, w->wu_name, w->xml_null ? "" : g->xml,
				    w->xml_null ? 0 : w->xml_len, &g->copts);
		if (rc == 0 && r.check == SSP_CHECK_RETRY) {
			ssp_log_info("[RESULT#%" PRIu64 " %s] left for a later pass: %s", w->id, w->name,
				     r.reason);
			*retry = 1;
		} else if (rc == 0 && r.check != SSP_CHECK_OK) {
			ssp_log(lvl, "[RESULT#%" PRIu64 " %s] credited by the project's validator, not"
				     " claimed: share receipt: %s", w->id, w->name, r.reason);
			st->grant_refused += lvl == SSP_LOG_NORMAL;
		} else if (rc == 0) {
			memcpy(cr->result_digest, r.result_digest, 32);
		}
		ok = rc == 0 && r.check == SSP_CHECK_OK;
		ssp_vres_clear(&r);
		if (!ok)
			return rc;
	}
	if ((rc = take(g, w->wuid, user, w->id, &winner)))
		return rc;
	if (winner != w->id) {
		ssp_log(lvl, "[RESULT#%" PRIu64 " %s] valid, but user %" PRIu64 " already has result %"
			     PRIu64 " credited in this work unit: no claim", w->id, w->name, user, winner);
		st->grant_dups += lvl == SSP_LOG_NORMAL;
		return 0;
	}
	if (!g->c.check_receipt) {
		if ((rc = outputs_digest(g, w, cr->result_digest, &gone)))
			return rc;
		if (gone)
			st->grant_no_outputs++;
	}
	memcpy(cr->project, g->project, 32);
	cr->result_id = w->id;
	cr->workunit_id = w->wuid;
	cr->user_id = user;
	cr->host_id = w->hostid;
	cr->credit = micro;
	cr->granted_at = w->mod_time > 0 ? (uint64_t)w->mod_time : 0;
	*want = 1;
	return 0;
}

/* Reads and handles one chunk after (*t, *id); *n = rows read. */
static int chunk(ssp_grant_scan *g, int64_t *t, uint64_t *after_id, size_t *nrows, int *retry,
		 ssp_signer_stats *st, int *found, const volatile sig_atomic_t *stop)
{
	MYSQL_BIND p[4], r[9];
	unsigned long limit = g->c.chunk;
	uint64_t lim = limit;
	ssp_credit *cr = NULL;
	size_t ncr = 0, ins = 0;
	grow w;
	int rc = 0;

	*nrows = 0;
	bind_i64(&p[0], t);
	bind_i64(&p[1], t);
	bind_u64(&p[2], after_id);
	bind_u64(&p[3], &lim);
	if (mysql_stmt_bind_param(g->scan, p) || mysql_stmt_execute(g->scan))
		return stmt_err(g, g->scan, "reading validated results");
	memset(&w, 0, sizeof(w));
	bind_u64(&r[0], &w.id);
	bind_u64(&r[1], &w.wuid);
	bind_u64(&r[2], &w.userid);
	bind_u64(&r[3], &w.hostid);
	bind_u64(&r[4], &w.host_userid);
	r[4].is_null = &w.host_null;
	memset(&r[5], 0, sizeof(r[5]));
	r[5].buffer_type = MYSQL_TYPE_DOUBLE;
	r[5].buffer = &w.granted;
	bind_i64(&r[6], &w.mod_time);
	memset(&r[7], 0, 2 * sizeof(r[7]));
	r[7].buffer_type = MYSQL_TYPE_STRING;
	r[7].buffer = w.name;
	r[7].buffer_length = SSP_BDB_NAME_MAX;
	r[7].length = &w.name_len;
	r[8].buffer_type = MYSQL_TYPE_STRING;
	r[8].buffer = w.wu_name;
	r[8].buffer_length = SSP_BDB_NAME_MAX;
	r[8].length = &w.wu_name_len;
	if (mysql_stmt_bind_result(g->scan, r) || mysql_stmt_store_result(g->scan))
		return stmt_err(g, g->scan, "reading validated results");
	cr = calloc(limit, sizeof(*cr));
	if (!cr) {
		mysql_stmt_free_result(g->scan);
		return SSP_ERR_NOMEM;
	}
	for (;;) {
		int f, want = 0;

		w.host_null = 0;
		f = mysql_stmt_fetch(g->scan);
		if (f == MYSQL_NO_DATA)
			break;
		if (f == 1) {
			rc = stmt_err(g, g->scan, "reading a validated result");
			goto out;
		}
		w.name[w.name_len < SSP_BDB_NAME_MAX ? w.name_len : SSP_BDB_NAME_MAX] = '\0';
		w.wu_name[w.wu_name_len < SSP_BDB_NAME_MAX ? w.wu_name_len : SSP_BDB_NAME_MAX] = '\0';
		(*nrows)++;
		*t = w.mod_time;
		*after_id = w.id;
		if (*retry || (stop && *stop))
			continue; /* the position will not move: the rest comes back */
		rc = examine(g, &w, &cr[ncr], &want, retry, st);
		if (rc)
			goto out;
		if (want)
			ncr++;
	}
	/* the chunk's ssp_grant_taken rows first: a kill before the ledger commit leaves them,
	 * and the rescan finds each result its own winner again */
	if (mysql_commit(g->m)) {
		rc = db_err(g, "commit");
		goto out;
	}
	if (ncr) {
		rc = ssp_ledger_add_credits(g->ledger, cr, ncr, &ins);
		if (rc) {
			if (rc != SSP_ERR_BUSY)
				ssp_log_crit("grant scan: writing credits to the ledger: %s (%s)",
					     ssp_strerror(rc), ssp_ledger_errmsg(g->ledger));
			goto out;
		}
		st->granted += ins;
		st->ledger_credits += ins;
		if (ins)
			*found = 1;
		for (size_t i = 0; i < ncr; i++)
			ssp_log_info("[RESULT#%" PRIu64 "] credit %" PRIu64 " micro-cobblestones granted by"
				     " the project's validator, in the ledger [USER#%" PRIu64 "]",
				     cr[i].result_id, cr[i].credit, cr[i].user_id);
	}
out:
	mysql_stmt_free_result(g->scan);
	mysql_rollback(g->m);
	free(cr);
	return rc;
}

int ssp_grant_scan_pass(ssp_grant_scan *g, const volatile sig_atomic_t *stop,
			ssp_signer_stats *st, int *found)
{
	char sql[256];
	int64_t t0 = 0, pos = 0, since = 0, t;
	uint64_t after = 0;
	int isnull = 1, retry = 0, rc;

	/* the database's clock, before anything is read: every row committed from now on has
	 * a mod_time at or after its UPDATE's start */
	if (q_i64(g, "SELECT UNIX_TIMESTAMP()", &t0, &isnull) || isnull)
		return SSP_ERR_DB;
	snprintf(sql, sizeof(sql), "SELECT pos FROM " POS_TABLE " WHERE name = '%s'", g->key);
	if (q_i64(g, sql, &pos, &isnull) || isnull) {
		mysql_rollback(g->m);
		ssp_log_crit("grant scan: the position of %s is missing", g->key);
		return SSP_ERR_DB;
	}
	snprintf(sql, sizeof(sql), "SELECT since FROM " POS_TABLE " WHERE name = '%s'", g->key);
	if (q_i64(g, sql, &since, &isnull) || isnull) {
		mysql_rollback(g->m);
		return SSP_ERR_DB;
	}
	mysql_rollback(g->m);
	g->pass_pos = pos;
	/* the overlap never reaches back before the first run's start */
	t = pos > (int64_t)g->c.overlap ? pos - (int64_t)g->c.overlap : 0;
	if (t < since)
		t = since;
	for (;;) {
		size_t n = 0;

		rc = chunk(g, &t, &after, &n, &retry, st, found, stop);
		if (rc)
			return rc;
		if (n < g->c.chunk || retry || (stop && *stop))
			break;
	}
	if (retry || (stop && *stop))
		return 0; /* the position stays: everything after it is read again */
	if (t0 <= pos)
		return 0;
	/* everything up to t0 is in the ledger: the position moves */
	snprintf(sql, sizeof(sql), "UPDATE " POS_TABLE " SET pos = %" PRId64 ", updated_at ="
		 " UNIX_TIMESTAMP() WHERE name = '%s' AND pos < %" PRId64, t0, g->key, t0);
	if (mysql_query(g->m, sql) || mysql_commit(g->m))
		return db_err(g, "storing the position");
	ssp_log_debug("grant scan: position now %" PRId64, t0);
	return 0;
}
