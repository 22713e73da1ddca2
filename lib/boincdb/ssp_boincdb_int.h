/* Internal to lib/boincdb/ssp_boincdb*.c: the handle, its prepared statements and the
 * MYSQL_BIND helpers. */
#ifndef SSP_BOINCDB_INT_H
#define SSP_BOINCDB_INT_H

#include "boincdb/ssp_boincdb.h"

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
	ST_UPD_AV_PFC,
	ST_OUTBOX_FETCH,
	ST_OUTBOX_DEL,
	ST_PREFS,
	ST_COUNT
};

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

static inline void b_u64(MYSQL_BIND *b, const uint64_t *v)
{
	memset(b, 0, sizeof(*b));
	b->buffer_type = MYSQL_TYPE_LONGLONG;
	b->buffer = (void *)v;
	b->is_unsigned = 1;
}

static inline void b_i64(MYSQL_BIND *b, const int64_t *v)
{
	memset(b, 0, sizeof(*b));
	b->buffer_type = MYSQL_TYPE_LONGLONG;
	b->buffer = (void *)v;
}

static inline void b_int(MYSQL_BIND *b, const int *v)
{
	memset(b, 0, sizeof(*b));
	b->buffer_type = MYSQL_TYPE_LONG;
	b->buffer = (void *)v;
}

static inline void b_uint(MYSQL_BIND *b, const unsigned *v)
{
	memset(b, 0, sizeof(*b));
	b->buffer_type = MYSQL_TYPE_LONG;
	b->buffer = (void *)v;
	b->is_unsigned = 1;
}

static inline void b_dbl(MYSQL_BIND *b, const double *v)
{
	memset(b, 0, sizeof(*b));
	b->buffer_type = MYSQL_TYPE_DOUBLE;
	b->buffer = (void *)v;
}

static inline void b_bytes(MYSQL_BIND *b, enum enum_field_types t, const void *p, unsigned long cap,
		    unsigned long *len)
{
	memset(b, 0, sizeof(*b));
	b->buffer_type = t;
	b->buffer = (void *)p;
	b->buffer_length = cap;
	b->length = len;
}

static inline int set_err(ssp_boincdb *db, MYSQL_STMT *st, const char *what)
{
	if (st)
		snprintf(db->err, sizeof(db->err), "%s: %s (%u)", what, mysql_stmt_error(st),
			 mysql_stmt_errno(st));
	else
		snprintf(db->err, sizeof(db->err), "%s: %s (%u)", what, mysql_error(db->conn),
			 mysql_errno(db->conn));
	return SSP_ERR_DB;
}

static inline int is_retryable(unsigned e)
{
	return e == ER_LOCK_DEADLOCK || e == ER_LOCK_WAIT_TIMEOUT;
}

/* Executes st with params (may be NULL). */
static inline int exec(ssp_boincdb *db, int which, MYSQL_BIND *params)
{
	MYSQL_STMT *st = db->st[which];

	if (params && mysql_stmt_bind_param(st, params))
		return set_err(db, st, "bind");
	if (mysql_stmt_execute(st))
		return set_err(db, st, "execute");
	return 0;
}

static inline int query(ssp_boincdb *db, const char *sql)
{
	if (mysql_query(db->conn, sql))
		return set_err(db, NULL, sql);
	return 0;
}

/* Executes statement which once for each of n rows (row_size bytes apart) whose first row is
 * bound by b (nparams bindings): one bulk round trip when the server allows it, one execution
 * per row otherwise. *affected = the total. (ssp_boincdb_wu.c) */
SSP_MUST_CHECK int ssp_bdb_exec_rows(ssp_boincdb *db, int which, const MYSQL_BIND *b, unsigned nparams,
				     size_t row_size, size_t n, uint64_t *affected);

#endif
