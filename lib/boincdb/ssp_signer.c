/* The signer (see ssp_signer.h). */
#include "boincdb/ssp_signer.h"
#include "core/ssp_u64map.h"
#include "crypto/ssp_binding_delay.h"

#include "boincdb/ssp_boincdb.h"
#include "boincdb/ssp_grant_scan.h"
#include "core/ssp_hex.h"
#include "core/ssp_log.h"
#include "crypto/ssp_binding.h"
#include "crypto/ssp_key.h"
#include "crypto/ssp_sha256.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <mysql.h>

#define OUTBOX_CHUNK 2000
#define OUTBOX_CHUNKS_PER_PASS 25 /* then claims and batches get their turn */

/* The table naming who holds each signer lock (the lock itself is GET_LOCK's). */
#define LOCK_TABLE "ssp_signer_lock"
#define LOCK_WAIT_S 5 /* seconds a new signer waits for the lock */

static const char lock_ddl[] =
	"CREATE TABLE IF NOT EXISTS " LOCK_TABLE " ("
	" name varchar(64) NOT NULL PRIMARY KEY,"
	" conn_id bigint unsigned NOT NULL,"
	" host varchar(255) NOT NULL,"
	" pid bigint NOT NULL,"
	" since bigint NOT NULL"
	") ENGINE=InnoDB";

/* What we know about a user's payout binding. */
typedef struct bind_entry {
	uint8_t prefs_digest[32];  /* of the project_prefs this was decided on */
	int ok;                    /* a valid binding to addr */
	uint8_t addr[20];
	int64_t checked_at;
	int64_t wait_until;        /* > 0: a replacement binding waiting for its delay */
} bind_entry;

struct ssp_signer {
	ssp_signer_conf c;
	const ssp_projcfg *pc;
	ssp_ledger *ledger;
	ssp_domain domain;
	uint8_t seckey[32];
	uint8_t signer[20];
	uint8_t project[32];
	char lock_name[SSP_SIGNER_LOCK_NAME_LEN + 1];
	ssp_boincdb *lockdb;       /* holds the signer lock, nothing else */
	ssp_boincdb *db;           /* outbox, preferences, grant scan */
	ssp_grant_scan *grant;
	ssp_signer_stats st;
	uint64_t cb_first_seq, cb_last_seq; /* seqs signed by the current claim call */
	ssp_u64map *bind;          /* user id -> bind_entry, made at first use */
};

static int64_t now_s(void)
{
	return (int64_t)time(NULL);
}

static int stopping(const ssp_signer *s)
{
	return s->c.stop && *s->c.stop;
}

void ssp_signer_lock_name(const uint8_t project[32], char out[SSP_SIGNER_LOCK_NAME_LEN + 1])
{
	char hex[67];

	ssp_hex_encode(project, 32, hex, 0);
	snprintf(out, SSP_SIGNER_LOCK_NAME_LEN + 1, "ssp_signer_%.20s", hex);
}

/* ---- the lock ---- */

/* Runs sql, a query returning one row of one integer column: *v (0 and *isnull = 1 for
 * NULL). Ends the read's transaction. */
static int query_u64(MYSQL *m, const char *sql, uint64_t *v, int *isnull)
{
	MYSQL_RES *res;
	MYSQL_ROW row;
	int rc = SSP_ERR_DB;

	*v = 0;
	*isnull = 1;
	if (mysql_query(m, sql) || !(res = mysql_store_result(m)))
		return SSP_ERR_DB;
	row = mysql_fetch_row(res);
	if (row) {
		rc = 0;
		if (row[0]) {
			*isnull = 0;
			*v = strtoull(row[0], NULL, 10);
		}
	}
	mysql_free_result(res);
	mysql_rollback(m);
	return rc;
}

/* em = who holds the lock (another signer). */
static int lock_refused(ssp_signer *s, MYSQL *m, ssp_errmsg *em)
{
	char sql[256], since[32] = "?";
	uint64_t holder = 0;
	int isnull = 1;
	MYSQL_RES *res = NULL;
	MYSQL_ROW row;

	snprintf(sql, sizeof(sql), "SELECT IS_USED_LOCK('%s')", s->lock_name);
	if (query_u64(m, sql, &holder, &isnull) == 0 && !isnull) {
		snprintf(sql, sizeof(sql), "SELECT host, pid, since FROM " LOCK_TABLE
			 " WHERE name = '%s' AND conn_id = %" PRIu64, s->lock_name, holder);
		if (mysql_query(m, sql) == 0 && (res = mysql_store_result(m)) &&
		    (row = mysql_fetch_row(res)) && row[0] && row[1] && row[2]) {
			time_t t = (time_t)strtoll(row[2], NULL, 10);
			struct tm tm;

			if (gmtime_r(&t, &tm))
				strftime(since, sizeof(since), "%Y-%m-%d %H:%M:%S UTC", &tm);
			ssp_errmsg_set(em, SSP_ERR_BUSY,
				       "another ssp_signer already signs for this project: %s pid %s,"
				       " running since %s, holds the database lock %s (connection %"
				       PRIu64 "); one signer per project", row[0], row[1], since,
				       s->lock_name, holder);
			mysql_free_result(res);
			mysql_rollback(m);
			return SSP_ERR_BUSY;
		}
		if (res)
			mysql_free_result(res);
		mysql_rollback(m);
		return ssp_errmsg_set(em, SSP_ERR_BUSY, "another ssp_signer already signs for this"
				      " project: database connection %" PRIu64 " holds the lock %s;"
				      " one signer per project", holder, s->lock_name);
	}
	return ssp_errmsg_set(em, SSP_ERR_BUSY, "another ssp_signer already signs for this project"
			      " (the database lock %s is taken); one signer per project",
			      s->lock_name);
}

static int take_lock(ssp_signer *s, ssp_errmsg *em)
{
	MYSQL *m = ssp_boincdb_conn(s->lockdb);
	char sql[1024], name[256], host[2 * 256 + 1];
	uint64_t got = 0;
	int isnull = 1;

	/* a signer killed a moment ago holds the lock until the server notices its connection
	 * closed: wait a few seconds before refusing */
	snprintf(sql, sizeof(sql), "SELECT GET_LOCK('%s', %d)", s->lock_name, LOCK_WAIT_S);
	if (query_u64(m, sql, &got, &isnull))
		return ssp_errmsg_set(em, SSP_ERR_DB, "taking the signer lock: %s", mysql_error(m));
	if (isnull || got != 1)
		return lock_refused(s, m, em);
	if (gethostname(name, sizeof(name)) != 0)
		snprintf(name, sizeof(name), "?");
	name[sizeof(name) - 1] = '\0';
	mysql_real_escape_string(m, host, name, (unsigned long)strlen(name));
	snprintf(sql, sizeof(sql), "REPLACE INTO " LOCK_TABLE " (name, conn_id, host, pid, since)"
		 " VALUES ('%s', CONNECTION_ID(), '%s', %ld, %" PRId64 ")", s->lock_name, host,
		 (long)getpid(), now_s());
	if (mysql_query(m, lock_ddl) || mysql_query(m, sql) || mysql_commit(m))
		return ssp_errmsg_set(em, SSP_ERR_DB, "recording the signer lock: %s", mysql_error(m));
	return 0;
}

/* 0 while this process still holds the lock; SSP_ERR_STATE when not. */
static int check_lock(ssp_signer *s)
{
	MYSQL *m = ssp_boincdb_conn(s->lockdb);
	char sql[128];
	uint64_t mine = 0;
	int isnull = 1;

	snprintf(sql, sizeof(sql), "SELECT IS_USED_LOCK('%s') = CONNECTION_ID()", s->lock_name);
	if (query_u64(m, sql, &mine, &isnull) || isnull || mine != 1) {
		ssp_log_crit("the signer lock %s is lost (%s): stopping, as another signer may"
			     " run now", s->lock_name, mysql_errno(m) ? mysql_error(m) : "not held");
		return SSP_ERR_STATE;
	}
	return 0;
}

int ssp_signer_running(ssp_boincdb *db, const uint8_t project[32], int *running)
{
	char name[SSP_SIGNER_LOCK_NAME_LEN + 1], sql[128];
	uint64_t holder = 0;
	int isnull = 1;

	*running = 0;
	ssp_signer_lock_name(project, name);
	snprintf(sql, sizeof(sql), "SELECT IS_USED_LOCK('%s')", name);
	if (query_u64(ssp_boincdb_conn(db), sql, &holder, &isnull))
		return SSP_ERR_DB;
	*running = !isnull;
	return 0;
}

/* ---- new / free ---- */

int ssp_signer_new(const ssp_signer_conf *c, const ssp_projcfg *pc, ssp_ledger *ledger,
		   const ssp_domain *domain, const uint8_t seckey[32], ssp_signer **out,
		   ssp_errmsg *em)
{
	ssp_signer *s;
	int rc;

	*out = NULL;
	if (!c || !pc || !ledger || !domain || !seckey)
		return ssp_errmsg_set(em, SSP_ERR_INVAL, "signer: missing ledger or key");
	s = calloc(1, sizeof(*s));
	if (!s)
		return ssp_errmsg_set(em, SSP_ERR_NOMEM, "out of memory");
	s->c = *c;
	if (!s->c.batch_size || s->c.batch_size > SSP_LEDGER_MAX_BATCH_CLAIMS || !s->c.batch_window) {
		ssp_signer_free(s);
		return ssp_errmsg_set(em, SSP_ERR_INVAL, "batch_size must be 1..%d and batch_window above 0",
				      SSP_LEDGER_MAX_BATCH_CLAIMS);
	}
	if (!s->c.binding_recheck)
		s->c.binding_recheck = 60;
	s->pc = pc;
	s->ledger = ledger;
	s->domain = *domain;
	memcpy(s->seckey, seckey, 32);
	if (ssp_key_address(s->seckey, s->signer)) {
		rc = ssp_errmsg_set(em, SSP_ERR_INVAL, "the validator key is not valid");
		goto fail;
	}
	ssp_project_id(pc->master_url, s->project);
	ssp_signer_lock_name(s->project, s->lock_name);
	if ((rc = ssp_boincdb_open(pc, 0, &s->lockdb, em)))
		goto fail;
	if ((rc = take_lock(s, em)))
		goto fail;
	if ((rc = ssp_boincdb_open(pc, 0, &s->db, em)))
		goto fail;
	if (c->grant.appids && c->grant.nappids) {
		rc = ssp_grant_scan_new(&c->grant, pc, s->db, ledger, s->project, s->lock_name,
					&s->grant, em);
		if (rc)
			goto fail;
	}
	*out = s;
	return 0;
fail:
	ssp_signer_free(s);
	return rc;
}

void ssp_signer_free(ssp_signer *s)
{
	if (!s)
		return;
	ssp_wipe(s->seckey, sizeof(s->seckey));
	ssp_grant_scan_free(s->grant);
	ssp_boincdb_close(s->db);
	ssp_boincdb_close(s->lockdb); /* closing the connection releases the lock */
	ssp_u64map_free(s->bind);
	free(s);
}

void ssp_signer_get_stats(const ssp_signer *s, ssp_signer_stats *st)
{
	*st = s->st;
}

/* ---- step 1: the outbox into the ledger ---- */

/* Copies up to OUTBOX_CHUNKS_PER_PASS chunks; *more = 1 when rows may remain. */
static int drain_outbox(ssp_signer *s, int *found, int *more)
{
	*more = 0;
	for (int round = 0; round < OUTBOX_CHUNKS_PER_PASS && !stopping(s); round++) {
		ssp_bdb_credit *rows = NULL;
		ssp_credit *cr = NULL;
		uint64_t *ids = NULL;
		size_t n = 0, ins = 0, done = 0;
		int rc;

		rc = ssp_boincdb_outbox_fetch(s->db, 0, 0, OUTBOX_CHUNK, &rows, &n);
		if (rc) {
			ssp_log_crit("reading the credit outbox: %s", ssp_boincdb_errmsg(s->db));
			return rc;
		}
		if (n == 0)
			return 0;
		*found = 1;
		cr = calloc(n, sizeof(*cr));
		ids = calloc(n, sizeof(*ids));
		if (!cr || !ids) {
			free(rows);
			free(cr);
			free(ids);
			return SSP_ERR_NOMEM;
		}
		for (size_t i = 0; i < n; i++) {
			memcpy(cr[i].project, s->project, 32);
			cr[i].result_id = rows[i].result_id;
			cr[i].workunit_id = rows[i].workunit_id;
			cr[i].user_id = rows[i].user_id;
			cr[i].host_id = rows[i].host_id;
			cr[i].credit = rows[i].credit_micro;
			memcpy(cr[i].result_digest, rows[i].result_digest, 32);
			cr[i].granted_at = rows[i].granted_at;
		}
		/* the ledger commits first; the outbox rows go only after (a kill between the
		 * two brings the rows back, and the ledger's insert is idempotent) */
		rc = ssp_ledger_add_credits(s->ledger, cr, n, &ins);
		if (rc == 0) {
			for (size_t i = 0; i < n; i++)
				ids[done++] = cr[i].result_id;
			s->st.ledger_credits += ins;
		} else if (rc == SSP_ERR_EXISTS) {
			/* some result is in the ledger with other values: keep those rows, log them */
			for (size_t i = 0; i < n; i++) {
				int inserted = 0, r1 = ssp_ledger_add_credit(s->ledger, &cr[i], &inserted);

				if (r1 == 0) {
					ids[done++] = cr[i].result_id;
					s->st.ledger_credits += (uint64_t)inserted;
				} else if (r1 == SSP_ERR_EXISTS) {
					ssp_log_crit("[RESULT#%" PRIu64 "] the ledger holds a different credit"
						     " for this result; outbox row kept for inspection",
						     cr[i].result_id);
				} else {
					rc = r1;
					break;
				}
			}
			if (rc == SSP_ERR_EXISTS)
				rc = 0;
		}
		if (rc == 0 && done) {
			rc = ssp_boincdb_outbox_delete(s->db, ids, done);
			if (rc)
				ssp_log_crit("emptying the credit outbox: %s", ssp_boincdb_errmsg(s->db));
			else
				s->st.outbox += done;
		} else if (rc == SSP_ERR_BUSY) {
			ssp_log_info("ledger busy; %zu credits stay in the outbox for now", n);
		} else if (rc) {
			ssp_log_crit("writing credits to the ledger: %s (%s)", ssp_strerror(rc),
				     ssp_ledger_errmsg(s->ledger));
		}
		ssp_log_debug("outbox: %zu credits copied to the ledger (%zu new)", done, ins);
		free(rows);
		free(cr);
		free(ids);
		if (rc)
			return rc;
		if (done < n || n < OUTBOX_CHUNK)
			return 0; /* kept rows would come back again */
	}
	*more = 1;
	return 0;
}

/* ---- step 3: claims ---- */

static bind_entry *bind_slot(ssp_signer *s, uint64_t user_id)
{
	bind_entry *b;
	int created;

	if (s->bind == NULL && ssp_u64map_new(sizeof(bind_entry), &s->bind) != 0)
		return NULL;
	b = ssp_u64map_upsert(s->bind, user_id, &created);
	if (b && created)
		b->checked_at = -1;
	return b;
}

/* Decides whether user_id has a valid binding: *ok and addr. Logs once per prefs version. */
static int user_binding(ssp_signer *s, uint64_t user_id, int *ok, uint8_t addr[20])
{
	bind_entry *b = bind_slot(s, user_id);
	char *prefs = NULL;
	size_t len = 0;
	uint8_t digest[32], sig[65];
	ssp_errmsg em = { { 0 } };
	int64_t now = now_s();
	int rc;

	*ok = 0;
	if (!b)
		return SSP_ERR_NOMEM;
	if (b->checked_at >= 0 && !b->ok && now - b->checked_at < (int64_t)s->c.binding_recheck)
		return 0; /* looked at recently, nothing to claim */
	rc = ssp_boincdb_user_prefs(s->db, user_id, &prefs, &len);
	if (rc == SSP_ERR_NOT_FOUND || rc == SSP_ERR_TOO_BIG) {
		if (b->checked_at < 0)
			ssp_log_info("[USER#%" PRIu64 "] credit kept, no claim: %s", user_id,
				     rc == SSP_ERR_NOT_FOUND ? "no such user" : "project_prefs too large");
		b->checked_at = now;
		b->ok = 0;
		s->st.unbound_users++;
		return 0;
	}
	if (rc) {
		ssp_log_crit("[USER#%" PRIu64 "] reading project_prefs: %s", user_id,
			     ssp_boincdb_errmsg(s->db));
		return rc;
	}
	if (ssp_sha256(prefs, len, digest)) {
		free(prefs);
		return SSP_ERR_NOMEM;
	}
	if (b->checked_at >= 0 && !memcmp(digest, b->prefs_digest, 32) &&
	    !(b->wait_until > 0 && now >= b->wait_until)) {
		free(prefs);
		b->checked_at = now;
		*ok = b->ok;
		memcpy(addr, b->addr, 20);
		return 0;
	}
	memcpy(b->prefs_digest, digest, 32);
	b->checked_at = now;
	b->ok = 0;
	b->wait_until = 0;
	rc = ssp_binding_from_prefs(prefs, len, b->addr, sig, &em);
	if (rc == 0) {
		rc = ssp_binding_verify(s->pc->master_url, user_id, b->addr, sig);
		if (rc == 0) {
			char a[SSP_ADDR_STRLEN];
			int wait = 0, seen = 0;
			int64_t seen_until = 0;

			/* The ledger's own record (sql/002-bindings.sql), taken for every valid binding
			 * seen, so that a replacement's wait starts when the signer first sees it:
			 * preferences can be written without the binding page and its record (BOINC's
			 * am_set_info.php, with the account key). */
			rc = ssp_ledger_binding_seen(s->ledger, s->project, user_id, b->addr, now,
						     s->c.binding_delay, &seen, &seen_until);
			if (rc != 0) {
				free(prefs);
				if (rc != SSP_ERR_BUSY)
					ssp_log_crit("[USER#%" PRIu64 "] recording the payout binding: %s",
						     user_id, ssp_strerror(rc));
				b->checked_at = -1; /* decided again next time */
				return rc;
			}
			/* and the binding page's record of a replacement (docs/web.md) */
			rc = ssp_binding_delay_check(prefs, len, s->pc->master_url, user_id, b->addr, now,
						     s->c.binding_delay, &wait, &b->wait_until, &em);
			free(prefs);
			if (rc == SSP_ERR_NOMEM)
				return rc;
			if (rc != 0 || wait) {
				if (rc != 0)
					ssp_log_info("[USER#%" PRIu64 "] credit kept, no claim: replacement"
						     " record: %s", user_id, em.msg);
				else if (b->wait_until == INT64_MAX)
					ssp_log_info("[USER#%" PRIu64 "] credit kept, no claim: the binding to %s"
						     " replaces another address without ssp_bound_at; it waits"
						     " until bound again", user_id, ssp_address_format(b->addr, a));
				else
					ssp_log_info("[USER#%" PRIu64 "] credit kept, no claim: the binding to %s"
						     " replaces another address and takes effect at %" PRId64,
						     user_id, ssp_address_format(b->addr, a), b->wait_until);
				if (rc != 0 || b->wait_until == INT64_MAX)
					b->wait_until = 0;
				s->st.unbound_users++;
				return 0;
			}
			if (!seen) {
				b->wait_until = seen_until;
				ssp_log_info("[USER#%" PRIu64 "] credit kept, no claim: the binding to %s"
					     " replaces the address claims go to and takes effect at %" PRId64
					     " (the signer's record)", user_id, ssp_address_format(b->addr, a),
					     b->wait_until);
				s->st.unbound_users++;
				return 0;
			}
			b->ok = 1;
			*ok = 1;
			memcpy(addr, b->addr, 20);
			ssp_log_info("[USER#%" PRIu64 "] payout binding to %s verified", user_id,
				     ssp_address_format(b->addr, a));
			return 0;
		}
		if (rc == SSP_ERR_NOMEM) {
			free(prefs);
			return rc;
		}
		ssp_log_info("[USER#%" PRIu64 "] credit kept, no claim: the payout binding's signature"
			     " is not this user's binding of its address (%s)", user_id, ssp_strerror(rc));
	} else if (rc == SSP_ERR_NOT_FOUND) {
		ssp_log_info("[USER#%" PRIu64 "] credit kept, no claim: no payout binding in"
			     " project_prefs", user_id);
	} else if (rc == SSP_ERR_NOMEM) {
		free(prefs);
		return rc;
	} else {
		ssp_log_info("[USER#%" PRIu64 "] credit kept, no claim: project_prefs: %s%s%s", user_id,
			     ssp_strerror(rc), em.msg[0] ? ": " : "", em.msg);
	}
	free(prefs);
	s->st.unbound_users++;
	return 0;
}

static int sign_claim(void *ctx, const ssp_claim *c, uint8_t sig[65])
{
	ssp_signer *s = ctx;
	uint8_t digest[32];

	if (!s->cb_first_seq)
		s->cb_first_seq = c->seq;
	s->cb_last_seq = c->seq;
	ssp_eip712_claim_digest(&s->domain, c, digest);
	return ssp_sign(s->seckey, digest, sig);
}

static int sign_batch(void *ctx, const ssp_batch *b, uint8_t sig[65])
{
	ssp_signer *s = ctx;
	uint8_t digest[32];

	ssp_eip712_batch_digest(&s->domain, b, digest);
	return ssp_sign(s->seckey, digest, sig);
}

static int claim_round(ssp_signer *s)
{
	uint64_t *users = NULL;
	size_t n = 0;
	int rc;

	rc = ssp_ledger_unclaimed_users(s->ledger, s->project, &users, &n);
	if (rc)
		goto ledger_err;
	for (size_t i = 0; i < n && !stopping(s); i++) {
		uint8_t addr[20];
		size_t nclaimed = 0;
		int ok = 0;

		rc = user_binding(s, users[i], &ok, addr);
		if (rc == SSP_ERR_BUSY)
			goto ledger_err;
		if (rc)
			goto out;
		if (!ok)
			continue;
		s->cb_first_seq = s->cb_last_seq = 0;
		rc = ssp_ledger_claim_credits(s->ledger, s->project, users[i], addr, sign_claim, s,
					      &nclaimed);
		if (rc)
			goto ledger_err;
		if (nclaimed) {
			char a[SSP_ADDR_STRLEN];

			s->st.claims += nclaimed;
			ssp_log_info("[USER#%" PRIu64 "] %zu claim%s signed to %s, seq %" PRIu64 "..%" PRIu64,
				     users[i], nclaimed, nclaimed == 1 ? "" : "s",
				     ssp_address_format(addr, a), s->cb_first_seq, s->cb_last_seq);
		}
	}
	rc = 0;
	goto out;
ledger_err:
	if (rc == SSP_ERR_BUSY) {
		ssp_log_info("ledger busy; claims wait for the next round");
		rc = 0;
	} else {
		ssp_log_crit("claiming credits: %s (%s)", ssp_strerror(rc), ssp_ledger_errmsg(s->ledger));
	}
out:
	free(users);
	return rc;
}

/* ---- step 4: batches ---- */

static int seal_round(ssp_signer *s)
{
	for (;;) {
		uint64_t count = 0, oldest = 0;
		int64_t id = 0, now = now_s();
		size_t max;
		int rc;

		rc = ssp_ledger_unbatched_stats(s->ledger, s->project, &count, &oldest);
		if (rc == 0 && count == 0)
			return 0;
		if (rc == 0) {
			if (count >= s->c.batch_size)
				max = (size_t)s->c.batch_size;
			else if (now - (int64_t)oldest >= (int64_t)s->c.batch_window)
				max = (size_t)count;
			else
				return 0;
			rc = ssp_ledger_seal_batch(s->ledger, s->project, max, s->signer, sign_batch, s,
						   &id);
		}
		if (rc == SSP_ERR_BUSY) {
			ssp_log_info("ledger busy; batches wait for the next round");
			return 0;
		}
		if (rc) {
			ssp_log_crit("sealing a batch: %s (%s)", ssp_strerror(rc),
				     ssp_ledger_errmsg(s->ledger));
			return rc;
		}
		if (id == 0)
			return 0;
		{
			ssp_ledger_batch b;

			memset(&b, 0, sizeof(b));
			if (ssp_ledger_batch_get(s->ledger, id, &b) == 0) {
				char root[67];

				ssp_log_info("[BATCH#%" PRId64 "] sealed and signed: seq %" PRIu64 "..%" PRIu64
					     ", %" PRIu64 " claims, total credit %" PRIu64
					     " micro-cobblestones, %zu payouts, claims root %s",
					     id, b.header.first_seq, b.header.last_seq, b.nclaims,
					     b.header.total_credit, b.npayouts,
					     ssp_hex_encode(b.header.claims_root, 32, root, 1));
			}
			ssp_ledger_batch_clear(&b);
		}
		s->st.batches++;
	}
}

/* ---- a pass ---- */

int ssp_signer_pass(ssp_signer *s, int *found)
{
	int rc, any = 0, more = 0;

	if (found)
		*found = 0;
	if ((rc = check_lock(s)))
		return rc;
	rc = drain_outbox(s, &any, &more);
	if (rc && rc != SSP_ERR_BUSY)
		return rc;
	if (s->grant && !stopping(s)) {
		rc = ssp_grant_scan_pass(s->grant, s->c.stop, &s->st, &any);
		if (rc == SSP_ERR_BUSY)
			ssp_log_info("ledger busy; the grant scan resumes from its position next pass");
		else if (rc)
			return rc;
	}
	if (!stopping(s)) {
		if ((rc = claim_round(s)))
			return rc;
		if ((rc = seal_round(s)))
			return rc;
	}
	if (found)
		*found = any || more;
	return 0;
}
