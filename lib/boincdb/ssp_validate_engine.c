/* The validator's engine (see ssp_validate_engine.h). */
#include "boincdb/ssp_validate_engine.h"

#include "crypto/ssp_binding.h"
#include "crypto/ssp_binding_delay.h"
#include "core/ssp_hex.h"
#include "crypto/ssp_key.h"
#include "core/ssp_log.h"
#include "crypto/ssp_sha256.h"
#include "core/ssp_u64map.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libxml/parser.h>

#define OUTBOX_CHUNK 2000

/* What we know about a user's payout binding. */
typedef struct bind_entry {
	uint8_t prefs_digest[32];  /* of the project_prefs this was decided on */
	int ok;                    /* a valid binding to addr */
	uint8_t addr[20];
	int64_t checked_at;
	int64_t wait_until;        /* > 0: a replacement binding waiting for its delay */
} bind_entry;

struct ssp_vengine {
	ssp_vengine_conf c;
	const ssp_projcfg *pc;
	ssp_boincdb *db;
	ssp_ledger *ledger;
	ssp_domain domain;
	uint8_t seckey[32];
	uint8_t signer[20];
	uint8_t project[32];
	ssp_vcheck_opts copts;
	ssp_vengine_stats st;
	int64_t last_claim_round;
	uint64_t cb_first_seq, cb_last_seq; /* seqs signed by the current claim call */
	ssp_u64map *bind;          /* user id -> bind_entry, made at first use */
	struct worker *workers;    /* c.threads of them; workers[0] uses db */
	pthread_mutex_t av_mu;     /* av: app version credit samples not yet written */
	ssp_bdb_av_sample *av;
	size_t nav, capav;
	ssp_boincdb *ldb;          /* the ledger side's connection: outbox and preferences */
	/* the ledger thread, running steps 1, 3 and 4 while the workers write work units */
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int pass_done;
	int ledger_rc;
	atomic_int ledger_failed;
};

/* A thread deciding and writing work units of the current chunk on its own connection. */
typedef struct worker {
	ssp_vengine *e;
	ssp_boincdb *db;
	ssp_vengine_stats st;
	pthread_t tid;
	int rc;
} worker;

/* The chunk being worked on by the threads. */
typedef struct chunk_work {
	ssp_bdb_wu *wus;
	size_t n;
	atomic_size_t next;
	atomic_int failed;
} chunk_work;

static int64_t now_s(void)
{
	return (int64_t)time(NULL);
}

static double now_d(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int ssp_vengine_new(const ssp_vengine_conf *c, const ssp_projcfg *pc, ssp_boincdb *db,
		    ssp_ledger *ledger, const ssp_domain *domain, const uint8_t seckey[32],
		    ssp_vengine **out, ssp_errmsg *em)
{
	ssp_vengine *e;

	*out = NULL;
	if (!c || !pc || !db || (!ledger && !c->dry_run) || (!c->dry_run && (!domain || !seckey)))
		return ssp_errmsg_set(em, SSP_ERR_INVAL, "engine: missing database, ledger or key");
	if (c->mod_n && c->mod_i >= c->mod_n)
		return ssp_errmsg_set(em, SSP_ERR_INVAL, "--mod N I needs I < N");
	/* the defaults are ssp.conf's ([validator] batch_size, batch_window: lib/core/ssp_cfg.c) */
	if (!c->batch_size || c->batch_size > SSP_LEDGER_MAX_BATCH_CLAIMS || !c->batch_window)
		return ssp_errmsg_set(em, SSP_ERR_INVAL, "batch_size must be 1..%d and batch_window above 0",
				      SSP_LEDGER_MAX_BATCH_CLAIMS);
	e = calloc(1, sizeof(*e));
	if (!e)
		return ssp_errmsg_set(em, SSP_ERR_NOMEM, "out of memory");
	e->c = *c;
	if (!e->c.chunk)
		e->c.chunk = 500;
	if (!e->c.binding_recheck)
		e->c.binding_recheck = 60;
	e->pc = pc;
	e->db = db;
	e->ledger = ledger;
	if (domain)
		e->domain = *domain;
	if (seckey) {
		memcpy(e->seckey, seckey, 32);
		if (ssp_key_address(e->seckey, e->signer)) {
			ssp_vengine_free(e);
			return ssp_errmsg_set(em, SSP_ERR_INVAL, "the validator key is not valid");
		}
	}
	ssp_project_id(pc->master_url, e->project);
	e->copts.upload_dir = pc->upload_dir;
	e->copts.fanout = pc->uldl_dir_fanout;
	e->copts.max_output_bytes = c->vopts.max_output_bytes;
	e->copts.receipt_name = c->receipt_name;
	e->last_claim_round = 0;
	if (!e->c.threads)
		e->c.threads = 1;
	xmlInitParser(); /* before any thread parses */
	if (e->c.threads > 64)
		e->c.threads = 64;
	e->workers = calloc(e->c.threads, sizeof(*e->workers));
	if (!e->workers) {
		ssp_vengine_free(e);
		return ssp_errmsg_set(em, SSP_ERR_NOMEM, "out of memory");
	}
	pthread_mutex_init(&e->mu, NULL);
	pthread_cond_init(&e->cv, NULL);
	pthread_mutex_init(&e->av_mu, NULL);
	ssp_boincdb_set_opts(db, &c->bdb);
	if (!c->dry_run) {
		int rc = ssp_boincdb_open(pc, 0, &e->ldb, em);

		if (rc) {
			ssp_vengine_free(e);
			return rc;
		}
	}
	for (unsigned i = 0; i < e->c.threads; i++) {
		int rc;

		e->workers[i].e = e;
		if (i == 0) {
			e->workers[i].db = db;
			continue;
		}
		rc = ssp_boincdb_open(pc, c->dry_run, &e->workers[i].db, em);
		if (rc) {
			ssp_vengine_free(e);
			return rc;
		}
		ssp_boincdb_set_opts(e->workers[i].db, &c->bdb);
	}
	*out = e;
	return 0;
}

void ssp_vengine_free(ssp_vengine *e)
{
	if (!e)
		return;
	ssp_wipe(e->seckey, sizeof(e->seckey));
	for (unsigned i = 1; e->workers && i < e->c.threads; i++)
		ssp_boincdb_close(e->workers[i].db);
	ssp_boincdb_close(e->ldb);
	if (e->workers) {
		pthread_mutex_destroy(&e->mu);
		pthread_cond_destroy(&e->cv);
		pthread_mutex_destroy(&e->av_mu);
	}
	free(e->av);
	free(e->workers);
	ssp_u64map_free(e->bind);
	free(e);
}

static void add_stats(ssp_vengine_stats *to, const ssp_vengine_stats *from)
{
	to->wus += from->wus;
	to->valid += from->valid;
	to->invalid += from->invalid;
	to->inconclusive += from->inconclusive;
	to->didnt_need += from->didnt_need;
	to->duplicates += from->duplicates;
	to->retried += from->retried;
	to->conflicts += from->conflicts;
	to->credits += from->credits;
}

void ssp_vengine_get_stats(const ssp_vengine *e, ssp_vengine_stats *s)
{
	*s = e->st;
	for (unsigned i = 0; i < e->c.threads; i++)
		add_stats(s, &e->workers[i].st);
}

static int stopping(const ssp_vengine *e)
{
	return e->c.stop && *e->c.stop;
}

/* ---- step 1: the outbox into the ledger ---- */

static int drain_outbox(ssp_vengine *e)
{
	for (;;) {
		ssp_bdb_credit *rows = NULL;
		ssp_credit *cr = NULL;
		uint64_t *ids = NULL;
		size_t n = 0, ins = 0, done = 0;
		int rc;

		if (e->c.dry_run)
			return 0;
		rc = ssp_boincdb_outbox_fetch(e->ldb, e->c.mod_n, e->c.mod_i, OUTBOX_CHUNK, &rows, &n);
		if (rc) {
			ssp_log_crit("reading the credit outbox: %s", ssp_boincdb_errmsg(e->ldb));
			return rc;
		}
		if (n == 0)
			return 0;
		cr = calloc(n, sizeof(*cr));
		ids = calloc(n, sizeof(*ids));
		if (!cr || !ids) {
			free(rows);
			free(cr);
			free(ids);
			return SSP_ERR_NOMEM;
		}
		for (size_t i = 0; i < n; i++) {
			memcpy(cr[i].project, e->project, 32);
			cr[i].result_id = rows[i].result_id;
			cr[i].workunit_id = rows[i].workunit_id;
			cr[i].user_id = rows[i].user_id;
			cr[i].host_id = rows[i].host_id;
			cr[i].credit = rows[i].credit_micro;
			memcpy(cr[i].result_digest, rows[i].result_digest, 32);
			cr[i].granted_at = rows[i].granted_at;
		}
		rc = ssp_ledger_add_credits(e->ledger, cr, n, &ins);
		if (rc == 0) {
			for (size_t i = 0; i < n; i++)
				ids[done++] = cr[i].result_id;
			e->st.ledger_credits += ins;
		} else if (rc == SSP_ERR_EXISTS) {
			/* some result is in the ledger with other values: keep those rows, log them */
			for (size_t i = 0; i < n; i++) {
				int inserted = 0, r1 = ssp_ledger_add_credit(e->ledger, &cr[i], &inserted);

				if (r1 == 0) {
					ids[done++] = cr[i].result_id;
					e->st.ledger_credits += (uint64_t)inserted;
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
			rc = ssp_boincdb_outbox_delete(e->ldb, ids, done);
			if (rc)
				ssp_log_crit("emptying the credit outbox: %s", ssp_boincdb_errmsg(e->ldb));
		} else if (rc == SSP_ERR_BUSY) {
			ssp_log_info("ledger busy; %zu credits stay in the outbox for now", n);
		} else if (rc) {
			ssp_log_crit("writing credits to the ledger: %s (%s)", ssp_strerror(rc),
				     ssp_ledger_errmsg(e->ledger));
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
}

/* ---- app version statistics, kept in memory and written after each pass as BOINC's
 * validator does (write_modified_app_versions): one row per app version would otherwise
 * be locked by every work unit's transaction ---- */

static void av_sample(ssp_vengine *e, uint64_t av, double credit, double sent_time,
		      double pfc_x)
{
	pthread_mutex_lock(&e->av_mu);
	if (e->nav == e->capav) {
		size_t ncap = e->capav ? 2 * e->capav : 256;
		ssp_bdb_av_sample *g = realloc(e->av, ncap * sizeof(*g));

		if (!g) {
			pthread_mutex_unlock(&e->av_mu);
			return; /* statistics only: a sample lost to memory shortage */
		}
		e->av = g;
		e->capav = ncap;
	}
	e->av[e->nav].app_version_id = av;
	e->av[e->nav].credit = credit;
	e->av[e->nav].sent_time = sent_time;
	e->av[e->nav].pfc_x = pfc_x;
	e->nav++;
	pthread_mutex_unlock(&e->av_mu);
}

static int av_flush(ssp_vengine *e)
{
	int rc;

	if (!e->nav || e->c.dry_run)
		return 0;
	rc = ssp_boincdb_app_version_credit(e->db, e->av, e->nav, now_d());
	if (rc) {
		ssp_log_crit("updating app version statistics: %s", ssp_boincdb_errmsg(e->db));
		return rc;
	}
	ssp_log_debug("app version statistics: %zu credits added", e->nav);
	e->nav = 0;
	return 0;
}

/* BOINC's get_pfc (sched/credit.cpp), the statistics it keeps for a valid result: the
 * host_app_version's pfc (raw PFC / rsc_fpops_est, when sane: 1e-4..1e4), et (elapsed
 * time / rsc_fpops_est) and turnaround averages (updated by the server from the row's
 * current values), and the app version's PFC sample; none for a runtime outlier (the
 * result's flag, or a flops_estimate not above 0 or of 1e9). */
static void pfc_stats(ssp_vengine *e, const ssp_bdb_wu *w, const ssp_bdb_result *b,
		      ssp_bdb_judged *d)
{
	double et = b->elapsed_time < 1e-6 ? b->cpu_time : b->elapsed_time, x;

	d->pfc_x = -1;
	if (b->runtime_outlier || !(b->flops_estimate > 0) || b->flops_estimate == 1e9 ||
	    !(w->rsc_fpops_est > 0) || !(et >= 0) || !(d->turnaround >= 0))
		return;
	x = et * b->flops_estimate / w->rsc_fpops_est;
	if (x >= 1e-4 && x <= 1e4) {
		d->pfc_x = x;
		if (b->app_version_id > 0)
			av_sample(e, (uint64_t)b->app_version_id, 0, 0, x);
	}
	d->et_x = et / w->rsc_fpops_est;
	d->stats = 1;
}

/* ---- step 2: one work unit ---- */

static const char *vs_name(int vs)
{
	switch (vs) {
	case SSP_VS_VALID: return "valid";
	case SSP_VS_INVALID: return "invalid";
	case SSP_VS_INCONCLUSIVE: return "inconclusive";
	case SSP_VS_NO_CHECK: return "no check";
	case SSP_VS_TOO_LATE: return "too late";
	default: return "init";
	}
}

static int handle_wu(worker *wk, ssp_bdb_wu *w)
{
	ssp_vengine *e = wk->e;
	ssp_vwu vw;
	ssp_vres *vr = NULL;
	ssp_bdb_result_update *ru = NULL;
	ssp_bdb_credit *cr = NULL;
	ssp_bdb_judged *jd = NULL;
	ssp_bdb_wu_update wu;
	size_t n = w->nresults, nru = 0, ncr = 0, njd = 0;
	int64_t now = now_s();
	int rc = 0;

	memset(&vw, 0, sizeof(vw));
	vw.id = w->id;
	vw.name = w->name;
	vw.rsc_fpops_est = w->rsc_fpops_est;
	vw.rsc_fpops_bound = w->rsc_fpops_bound;
	vw.canonical_credit = w->canonical_credit;
	vw.canonical_resultid = w->canonical_resultid;
	vw.need_validate = w->need_validate;
	vw.min_quorum = w->min_quorum;
	vw.target_nresults = w->target_nresults;
	vw.max_success_results = w->max_success_results;
	vw.error_mask = w->error_mask;
	vw.assimilate_state = w->assimilate_state;
	vw.transition_time = w->transition_time;
	vr = calloc(n ? n : 1, sizeof(*vr));
	ru = calloc(n ? n : 1, sizeof(*ru));
	cr = calloc(n ? n : 1, sizeof(*cr));
	jd = calloc(n ? n : 1, sizeof(*jd));
	if (!vr || !ru || !cr || !jd) {
		rc = SSP_ERR_NOMEM;
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		const ssp_bdb_result *b = &w->results[i];

		vr[i].id = b->id;
		vr[i].hostid = b->hostid;
		vr[i].userid = b->userid;
		vr[i].name = b->name;
		vr[i].server_state = b->server_state;
		vr[i].outcome = b->outcome;
		vr[i].validate_state = b->validate_state;
		vr[i].granted_credit = b->granted_credit;
		vr[i].sent_time = b->sent_time;
		vr[i].received_time = b->received_time;
		vr[i].host_p_fpops = b->host_p_fpops;
		vr[i].host_ncpus = b->host_ncpus;
	}
	for (size_t i = 0; i < n; i++) {
		if (!ssp_vres_needs_check(&vw, &vr[i]))
			continue;
		rc = ssp_vres_check(&vr[i], w->name, w->results[i].xml_doc_in,
				    w->results[i].xml_doc_in_len, &e->copts);
		if (rc)
			goto out;
		if (vr[i].check == SSP_CHECK_INVALID)
			ssp_log_info("[RESULT#%" PRIu64 " %s] bad output or receipt: %s", vr[i].id,
				     vr[i].name, vr[i].reason);
		else
			ssp_log_detail("[RESULT#%" PRIu64 " %s] files and receipt checked", vr[i].id,
				       vr[i].name);
	}
	if (e->c.plugin) {
		/* BOINC's check_set: init_result on every result first */
		rc = ssp_vplugin_init_results(e->c.plugin, vr, n, w->id, w->name,
					      e->c.vopts.max_output_bytes);
		if (rc)
			goto out;
		for (size_t i = 0; i < n; i++)
			if (vr[i].check == SSP_CHECK_INVALID && !strncmp(vr[i].reason, "the plug-in", 11))
				ssp_log_info("[RESULT#%" PRIu64 " %s] invalid output: %s", vr[i].id,
					     vr[i].name, vr[i].reason);
		rc = ssp_validate_wu(&vw, vr, n, &e->c.vopts, ssp_vplugin_compare, e->c.plugin, now);
	} else {
		rc = ssp_validate_wu(&vw, vr, n, &e->c.vopts, ssp_vres_compare, &e->c.vopts, now);
	}
	if (rc || vw.retry) {
		ssp_log_info("[WU#%" PRIu64 " %s] left for a later pass: %s", w->id, w->name, vw.note);
		wk->st.retried++;
		rc = 0;
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		ssp_vres *x = &vr[i];

		if (!x->changed)
			continue;
		if (x->new_outcome == SSP_RO_DIDNT_NEED && x->outcome != SSP_RO_DIDNT_NEED) {
			ssp_log_debug("[RESULT#%" PRIu64 " %s] not needed any more", x->id, x->name);
			wk->st.didnt_need++;
		} else if (x->dup_of) {
			ssp_log_info("[RESULT#%" PRIu64 " %s] agrees, but its user or host already has"
				     " result %" PRIu64 " in this work unit: valid, no credit [HOST#%" PRIu64
				     " USER#%" PRIu64 "]", x->id, x->name, x->dup_of, x->hostid, x->userid);
			wk->st.duplicates++;
		} else if (x->new_validate_state == SSP_VS_VALID) {
			ssp_log_info("[RESULT#%" PRIu64 " %s] valid; granted %.6f credit [HOST#%" PRIu64
				     " USER#%" PRIu64 "]", x->id, x->name, x->new_granted_credit,
				     x->hostid, x->userid);
			wk->st.valid++;
		} else if (x->new_validate_state == SSP_VS_INVALID) {
			ssp_log_info("[RESULT#%" PRIu64 " %s] invalid%s [HOST#%" PRIu64 "]", x->id, x->name,
				     x->new_outcome == SSP_RO_VALIDATE_ERROR ? " (validate error)" : "",
				     x->hostid);
			wk->st.invalid++;
		} else if (x->new_validate_state == SSP_VS_INCONCLUSIVE) {
			ssp_log_info("[RESULT#%" PRIu64 " %s] inconclusive [HOST#%" PRIu64 "]", x->id,
				     x->name, x->hostid);
			wk->st.inconclusive++;
		} else {
			ssp_log_debug("[RESULT#%" PRIu64 " %s] now %s", x->id, x->name,
				      vs_name(x->new_validate_state));
		}
		ru[nru].id = x->id;
		ru[nru].old_server_state = x->server_state;
		ru[nru].old_outcome = x->outcome;
		ru[nru].old_validate_state = x->validate_state;
		ru[nru].server_state = x->new_server_state;
		ru[nru].outcome = x->new_outcome;
		ru[nru].validate_state = x->new_validate_state;
		ru[nru].granted_credit = x->new_granted_credit;
		nru++;
		if ((x->new_validate_state == SSP_VS_VALID && x->validate_state != SSP_VS_VALID) ||
		    (x->new_validate_state == SSP_VS_INVALID && x->validate_state != SSP_VS_INVALID)) {
			const ssp_bdb_result *b = NULL;

			for (size_t k = 0; k < n && !b; k++)
				if (w->results[k].id == x->id)
					b = &w->results[k];
			jd[njd].host_id = x->hostid;
			/* BOINC's generalized_app_version_id: anonymous platform versions are
			 * negative and become appid × 1000000 - avid */
			jd[njd].hav_avid = b->app_version_id < 0
						   ? (int64_t)b->appid * 1000000 - b->app_version_id
						   : b->app_version_id;
			jd[njd].valid = x->new_validate_state == SSP_VS_VALID;
			jd[njd].count_consecutive =
				!(w->target_nresults == 1 && e->c.app_target_nresults > 1);
			jd[njd].turnaround = (double)(b->received_time - b->sent_time);
			jd[njd].credited = x->credited;
			jd[njd].pfc_x = -1;
			if (jd[njd].valid && b->has_hav && jd[njd].hav_avid)
				pfc_stats(e, w, b, &jd[njd]);
			njd++;
		}
		if (x->credited) {
			uint64_t micro = 0;

			if (ssp_credit_to_micro(x->new_granted_credit, &micro))
				micro = 0;
			cr[ncr].result_id = x->id;
			cr[ncr].workunit_id = w->id;
			cr[ncr].user_id = x->userid;
			cr[ncr].cj_workunitid = (int64_t)w->opaque;
			cr[ncr].turnaround = (double)(x->received_time - x->sent_time);
			cr[ncr].host_id = x->hostid;
			cr[ncr].credit_micro = micro;
			memcpy(cr[ncr].result_digest, x->result_digest, 32);
			cr[ncr].granted_at = (uint64_t)now;
			cr[ncr].sent_time = x->sent_time;
			for (size_t k = 0; k < n; k++) {
				const ssp_bdb_result *b = &w->results[k];

				if (b->id != x->id)
					continue;
				/* BOINC credits the host's owner (grant_credit) */
				if (b->host_userid)
					cr[ncr].user_id = b->host_userid;
				cr[ncr].team_hint = b->user_teamid != 0;
				if (b->app_version_id > 0 && micro)
					av_sample(e, (uint64_t)b->app_version_id, (double)micro / 1e6,
						  (double)b->sent_time, -1);
			}
			ncr++;
			if (micro == 0)
				ssp_log_info("[RESULT#%" PRIu64 " %s] valid with zero credit: nothing to claim",
					     x->id, x->name);
		}
	}
	ssp_log_info("[WU#%" PRIu64 " %s] %s", w->id, w->name, vw.note);
	if (e->c.dry_run) {
		ssp_log_info("[WU#%" PRIu64 " %s] DB not updated (dry run)", w->id, w->name);
		goto out;
	}
	memset(&wu, 0, sizeof(wu));
	wu.id = w->id;
	wu.old_canonical_resultid = w->canonical_resultid;
	wu.need_validate = vw.new_need_validate;
	wu.canonical_resultid = vw.new_canonical_resultid;
	wu.canonical_credit = vw.new_canonical_credit;
	wu.assimilate_state = vw.new_assimilate_state;
	wu.transition_time = vw.new_transition_time;
	wu.target_nresults = vw.new_target_nresults;
	wu.error_mask = vw.new_error_mask;
	rc = ssp_boincdb_commit_wu(wk->db, &wu, ru, nru, cr, ncr, jd, njd, now_d());
	if (rc == SSP_ERR_STATE) {
		ssp_log_info("[WU#%" PRIu64 " %s] not written: %s; it will be read again", w->id,
			     w->name, ssp_boincdb_errmsg(wk->db));
		wk->st.conflicts++;
		rc = 0;
		goto out;
	}
	if (rc) {
		ssp_log_crit("[WU#%" PRIu64 " %s] database write failed: %s", w->id, w->name,
			     ssp_boincdb_errmsg(wk->db));
		goto out;
	}
	wk->st.wus++;
	for (size_t i = 0; i < ncr; i++)
		if (cr[i].credit_micro)
			wk->st.credits++;
out:
	if (e->c.plugin && vr)
		ssp_vplugin_cleanup_results(e->c.plugin, vr, n);
	for (size_t i = 0; vr && i < n; i++)
		ssp_vres_clear(&vr[i]);
	free(vr);
	free(ru);
	free(cr);
	free(jd);
	return rc;
}

/* ---- step 3: claims ---- */

static bind_entry *bind_slot(ssp_vengine *e, uint64_t user_id)
{
	bind_entry *b;
	int created;

	if (e->bind == NULL && ssp_u64map_new(sizeof(bind_entry), &e->bind) != 0)
		return NULL;
	b = ssp_u64map_upsert(e->bind, user_id, &created);
	if (b && created)
		b->checked_at = -1;
	return b;
}

/* Decides whether user_id has a valid binding: *ok and addr. Logs once per prefs version. */
static int user_binding(ssp_vengine *e, uint64_t user_id, int *ok, uint8_t addr[20])
{
	bind_entry *b = bind_slot(e, user_id);
	char *prefs = NULL;
	size_t len = 0;
	uint8_t digest[32], sig[65];
	ssp_errmsg em = { { 0 } };
	int64_t now = now_s();
	int rc;

	*ok = 0;
	if (!b)
		return SSP_ERR_NOMEM;
	if (b->checked_at >= 0 && !b->ok && now - b->checked_at < (int64_t)e->c.binding_recheck)
		return 0; /* looked at recently, nothing to claim */
	rc = ssp_boincdb_user_prefs(e->ldb, user_id, &prefs, &len);
	if (rc == SSP_ERR_NOT_FOUND || rc == SSP_ERR_TOO_BIG) {
		if (b->checked_at < 0)
			ssp_log_info("[USER#%" PRIu64 "] credit kept, no claim: %s", user_id,
				     rc == SSP_ERR_NOT_FOUND ? "no such user" : "project_prefs too large");
		b->checked_at = now;
		b->ok = 0;
		e->st.unbound_users++;
		return 0;
	}
	if (rc) {
		ssp_log_crit("[USER#%" PRIu64 "] reading project_prefs: %s", user_id,
			     ssp_boincdb_errmsg(e->ldb));
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
		rc = ssp_binding_verify(e->pc->master_url, user_id, b->addr, sig);
		if (rc == 0) {
			char a[SSP_ADDR_STRLEN];
			int wait = 0;

			/* a binding replacing another address waits its delay (DESIGN §9) */
			rc = ssp_binding_delay_check(prefs, len, e->pc->master_url, user_id, b->addr, now,
						     e->c.binding_delay, &wait, &b->wait_until, &em);
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
				e->st.unbound_users++;
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
	e->st.unbound_users++;
	return 0;
}

static int sign_claim(void *ctx, const ssp_claim *c, uint8_t sig[65])
{
	ssp_vengine *e = ctx;
	uint8_t digest[32];

	if (!e->cb_first_seq)
		e->cb_first_seq = c->seq;
	e->cb_last_seq = c->seq;
	ssp_eip712_claim_digest(&e->domain, c, digest);
	return ssp_sign(e->seckey, digest, sig);
}

static int sign_batch(void *ctx, const ssp_batch *b, uint8_t sig[65])
{
	ssp_vengine *e = ctx;
	uint8_t digest[32];

	ssp_eip712_batch_digest(&e->domain, b, digest);
	return ssp_sign(e->seckey, digest, sig);
}

static int claim_round(ssp_vengine *e)
{
	uint64_t *users = NULL;
	size_t n = 0;
	int rc;

	rc = ssp_ledger_unclaimed_users(e->ledger, e->project, &users, &n);
	if (rc)
		goto ledger_err;
	for (size_t i = 0; i < n && !stopping(e); i++) {
		uint8_t addr[20];
		size_t nclaimed = 0;
		int ok = 0;

		rc = user_binding(e, users[i], &ok, addr);
		if (rc)
			goto out;
		if (!ok)
			continue;
		e->cb_first_seq = e->cb_last_seq = 0;
		rc = ssp_ledger_claim_credits(e->ledger, e->project, users[i], addr, sign_claim, e,
					      &nclaimed);
		if (rc)
			goto ledger_err;
		if (nclaimed) {
			char a[SSP_ADDR_STRLEN];

			e->st.claims += nclaimed;
			ssp_log_info("[USER#%" PRIu64 "] %zu claim%s signed to %s, seq %" PRIu64 "..%" PRIu64,
				     users[i], nclaimed, nclaimed == 1 ? "" : "s",
				     ssp_address_format(addr, a), e->cb_first_seq, e->cb_last_seq);
		}
	}
	rc = 0;
	goto out;
ledger_err:
	if (rc == SSP_ERR_BUSY) {
		ssp_log_info("ledger busy; claims wait for the next round");
		rc = 0;
	} else {
		ssp_log_crit("claiming credits: %s (%s)", ssp_strerror(rc), ssp_ledger_errmsg(e->ledger));
	}
out:
	free(users);
	return rc;
}

/* ---- step 4: batches ---- */

static int seal_round(ssp_vengine *e)
{
	for (;;) {
		uint64_t count = 0, oldest = 0;
		int64_t id = 0, now = now_s();
		size_t max;
		int rc;

		rc = ssp_ledger_unbatched_stats(e->ledger, e->project, &count, &oldest);
		if (rc == 0 && count == 0)
			return 0;
		if (rc == 0) {
			if (count >= e->c.batch_size)
				max = (size_t)e->c.batch_size;
			else if (now - (int64_t)oldest >= (int64_t)e->c.batch_window)
				max = (size_t)count;
			else
				return 0;
			rc = ssp_ledger_seal_batch(e->ledger, e->project, max, e->signer, sign_batch, e,
						   &id);
		}
		if (rc == SSP_ERR_BUSY) {
			ssp_log_info("ledger busy; batches wait for the next round");
			return 0;
		}
		if (rc) {
			ssp_log_crit("sealing a batch: %s (%s)", ssp_strerror(rc),
				     ssp_ledger_errmsg(e->ledger));
			return rc;
		}
		if (id == 0)
			return 0;
		{
			ssp_ledger_batch b;

			memset(&b, 0, sizeof(b));
			if (ssp_ledger_batch_get(e->ledger, id, &b) == 0) {
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
		e->st.batches++;
	}
}

static int claims_and_batches(ssp_vengine *e)
{
	int rc;

	if (e->c.dry_run)
		return 0;
	e->last_claim_round = now_s();
	if ((rc = claim_round(e)))
		return rc;
	return seal_round(e);
}

/* ---- step 2 on threads ---- */

static void *worker_main(void *arg);

typedef struct worker_arg {
	worker *wk;
	chunk_work *cw;
} worker_arg;

static void work(worker *wk, chunk_work *cw)
{
	ssp_vengine *e = wk->e;

	wk->rc = 0;
	for (;;) {
		size_t i;

		if (atomic_load(&cw->failed) || stopping(e))
			return;
		i = atomic_fetch_add(&cw->next, 1);
		if (i >= cw->n)
			return;
		wk->rc = handle_wu(wk, &cw->wus[i]);
		if (wk->rc) {
			atomic_store(&cw->failed, 1);
			return;
		}
	}
}

static void *worker_main(void *arg)
{
	worker_arg *wa = arg;

	work(wa->wk, wa->cw);
	return NULL;
}

/* Decides and writes the n work units of a chunk, on c.threads connections. */
static int run_chunk(ssp_vengine *e, ssp_bdb_wu *wus, size_t n)
{
	chunk_work cw;
	worker_arg args[64];
	unsigned started = 0;
	int rc = 0;

	cw.wus = wus;
	cw.n = n;
	atomic_init(&cw.next, 0);
	atomic_init(&cw.failed, 0);
	for (unsigned i = 1; i < e->c.threads && i < n; i++) {
		args[i].wk = &e->workers[i];
		args[i].cw = &cw;
		if (pthread_create(&e->workers[i].tid, NULL, worker_main, &args[i]) != 0)
			break;
		started = i;
	}
	work(&e->workers[0], &cw); /* this thread is worker 0 */
	for (unsigned i = 1; i <= started; i++)
		pthread_join(e->workers[i].tid, NULL);
	for (unsigned i = 0; i <= started; i++)
		if (e->workers[i].rc && !rc)
			rc = e->workers[i].rc;
	return rc;
}

/* ---- a pass ---- */

/* The ledger thread: copies the outbox into the ledger and claims and seals (every
 * claim_interval seconds) while the work units are being written, until the pass ends. */
static void *ledger_main(void *arg)
{
	ssp_vengine *e = arg;
	int rc = 0;

	pthread_mutex_lock(&e->mu);
	while (!e->pass_done && !stopping(e)) {
		struct timespec until;

		pthread_mutex_unlock(&e->mu);
		rc = drain_outbox(e);
		if (rc == SSP_ERR_BUSY)
			rc = 0;
		if (!rc && now_s() - e->last_claim_round >= (int64_t)e->c.claim_interval)
			rc = claims_and_batches(e);
		pthread_mutex_lock(&e->mu);
		if (rc)
			break;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += 250 * 1000 * 1000;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		if (!e->pass_done)
			pthread_cond_timedwait(&e->cv, &e->mu, &until);
	}
	e->ledger_rc = rc;
	pthread_mutex_unlock(&e->mu);
	if (rc)
		atomic_store(&e->ledger_failed, 1);
	return NULL;
}

int ssp_vengine_pass(ssp_vengine *e, int *found)
{
	uint64_t after = e->c.min_wu_id ? e->c.min_wu_id - 1 : 0, left = e->c.max_wus;
	pthread_t ledger_tid;
	int rc, any = 0, ledger_running = 0;

	if (found)
		*found = 0;
	rc = drain_outbox(e); /* what a previous run left behind */
	if (rc && rc != SSP_ERR_BUSY)
		return rc;
	e->pass_done = 0;
	e->ledger_rc = 0;
	atomic_store(&e->ledger_failed, 0);
	if (!e->c.dry_run && pthread_create(&ledger_tid, NULL, ledger_main, e) == 0)
		ledger_running = 1;
	rc = 0;
	while (!stopping(e) && !atomic_load(&e->ledger_failed)) {
		ssp_bdb_wu *wus = NULL;
		size_t n = 0;

		unsigned limit = e->c.chunk;

		if (e->c.max_wus && left < limit)
			limit = (unsigned)left;
		if (e->c.max_wus && !left)
			break;
		rc = ssp_boincdb_fetch(e->db, e->c.appid, e->c.mod_n, e->c.mod_i, after,
				       e->c.max_wu_id, limit, &wus, &n);
		if (rc) {
			ssp_log_crit("reading work units: %s", ssp_boincdb_errmsg(e->db));
			break;
		}
		if (n == 0)
			break;
		any = 1;
		rc = run_chunk(e, wus, n);
		after = wus[n - 1].id;
		ssp_bdb_wus_free(wus, n);
		if (e->c.max_wus)
			left -= n < left ? n : left;
		if (rc || n < limit)
			break;
		if (!ledger_running) {
			int r2 = drain_outbox(e);

			if (r2 && r2 != SSP_ERR_BUSY) {
				rc = r2;
				break;
			}
		}
	}
	if (ledger_running) {
		pthread_mutex_lock(&e->mu);
		e->pass_done = 1;
		pthread_cond_signal(&e->cv);
		pthread_mutex_unlock(&e->mu);
		pthread_join(ledger_tid, NULL);
		if (!rc)
			rc = e->ledger_rc;
	}
	if (found)
		*found = any;
	if (!rc)
		rc = av_flush(e);
	if (rc || stopping(e) || e->c.dry_run)
		return rc;
	rc = drain_outbox(e);
	if (rc && rc != SSP_ERR_BUSY)
		return rc;
	return claims_and_batches(e);
}
