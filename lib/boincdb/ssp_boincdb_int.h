/* Internal to the ssp_boincdb module (lib/boincdb/ssp_boincdb*.c): the connection, its
 * prepared statements and the binding helpers shared by the reads (ssp_boincdb.c) and the
 * per-work-unit transaction (ssp_boincdb_commit.c). Not for other modules. */
#ifndef SSP_BOINCDB_INT_H
#define SSP_BOINCDB_INT_H

#include "core/ssp_err.h"

#include "boincdb/ssp_boincdb.h"

#include <string.h>

#include <mysql.h>

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
	ST_SEL_HAV,
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

/* Records the last error of st (or of the connection when st is NULL) in db->err, prefixed
 * by what; returns SSP_ERR_DB. */
SSP_MUST_CHECK int ssp_bdb_set_err(ssp_boincdb *db, MYSQL_STMT *st, const char *what);

/* True for a deadlock or a lock wait timeout (worth retrying the transaction). */
SSP_MUST_CHECK int ssp_bdb_is_retryable(unsigned e);

/* Executes statement which with params (may be NULL). 0 or SSP_ERR_DB. */
SSP_MUST_CHECK int ssp_bdb_exec(ssp_boincdb *db, int which, MYSQL_BIND *params);

/* Executes statement which once for each of n rows (row_size bytes apart) whose first row
 * is bound by b (nparams bindings, at most 64): one bulk round trip when the server is
 * MariaDB, one execution per row otherwise. *affected = the total. 0 or SSP_ERR_DB. */
SSP_MUST_CHECK int ssp_bdb_exec_rows(ssp_boincdb *db, int which, const MYSQL_BIND *b, unsigned nparams,
		      size_t row_size, size_t n, uint64_t *affected);

#endif
