/* The validator's engine (see ssp_validate_engine.h). */
#include "boincdb/ssp_validate_engine.h"

#include "core/ssp_hex.h"
#include "core/ssp_log.h"
#include "crypto/ssp_sha256.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libxml/parser.h>

struct ssp_vengine {
	ssp_vengine_conf c;
	const ssp_projcfg *pc;
	ssp_boincdb *db;
	ssp_vcheck_opts copts;
	ssp_vengine_stats st;
	struct worker *workers;    /* c.threads of them; workers[0] uses db */
	pthread_mutex_t av_mu;     /* av: app version credit samples not yet written */
	ssp_bdb_av_sample *av;
	size_t nav, capav;
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
		    ssp_vengine **out, ssp_errmsg *em)
{
	ssp_vengine *e;

	*out = NULL;
	if (!c || !pc || !db)
		return ssp_errmsg_set(em, SSP_ERR_INVAL, "engine: missing database");
	if (c->mod_n && c->mod_i >= c->mod_n)
		return ssp_errmsg_set(em, SSP_ERR_INVAL, "--mod N I needs I < N");
	e = calloc(1, sizeof(*e));
	if (!e)
		return ssp_errmsg_set(em, SSP_ERR_NOMEM, "out of memory");
	e->c = *c;
	if (!e->c.chunk)
		e->c.chunk = 500;
	e->pc = pc;
	e->db = db;
	e->copts.upload_dir = pc->upload_dir;
	e->copts.fanout = pc->uldl_dir_fanout;
	e->copts.max_output_bytes = c->vopts.max_output_bytes;
	e->copts.receipt_name = c->receipt_name;
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
	pthread_mutex_init(&e->av_mu, NULL);
	ssp_boincdb_set_opts(db, &c->bdb);
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
	for (unsigned i = 1; e->workers && i < e->c.threads; i++)
		ssp_boincdb_close(e->workers[i].db);
	if (e->workers)
		pthread_mutex_destroy(&e->av_mu);
	free(e->av);
	free(e->workers);
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

/* ---- one work unit ---- */

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

/* ---- work units on threads ---- */

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

int ssp_vengine_pass(ssp_vengine *e, int *found)
{
	uint64_t after = e->c.min_wu_id ? e->c.min_wu_id - 1 : 0, left = e->c.max_wus;
	int rc = 0, any = 0;

	if (found)
		*found = 0;
	while (!stopping(e)) {
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
	}
	if (found)
		*found = any;
	if (!rc)
		rc = av_flush(e);
	return rc;
}
