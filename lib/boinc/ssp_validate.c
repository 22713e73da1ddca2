/* Quorum decision and credit computation (see ssp_validate.h). */
#include "boinc/ssp_validate.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

double ssp_credit_from_fpops(double fpops)
{
	return fpops * SSP_COBBLESTONE_SCALE;
}

void ssp_credit_update_average(double now, double work_start_time, double work,
			       double half_life, double *avg, double *avg_time)
{
	if (*avg_time != 0) {
		double dt = now - *avg_time;
		double weight;

		if (dt < 0)
			dt = 0;
		weight = exp(-dt * M_LN2 / half_life);
		*avg *= weight;
		if (1.0 - weight > 1e-6)
			*avg += (1.0 - weight) * (work / (dt / SSP_SECONDS_PER_DAY));
		else /* the limit dt -> 0 of the line above */
			*avg += M_LN2 * work * SSP_SECONDS_PER_DAY / half_life;
	} else if (work != 0) {
		double days = (now - work_start_time) / SSP_SECONDS_PER_DAY;

		*avg = work / days;
	}
	*avg_time = now;
}

/* The sample after BOINC's truncation; returns 0 for a sample to ignore. */
static int avg_sample(const ssp_avg *a, double *sample, double limit)
{
	if (!(*sample >= 0) || !isfinite(*sample))
		return 0;
	if (a->n != 0 && a->avg != 0 && *sample > a->avg * limit)
		*sample = a->avg * limit;
	return 1;
}

void ssp_avg_update(ssp_avg *a, double sample, double thresh, double weight, double limit)
{
	double delta;

	if (!avg_sample(a, &sample, limit))
		return;
	a->n++;
	delta = sample - a->avg;
	if (a->n < thresh)
		a->avg += delta / a->n;
	else
		a->avg += weight * delta;
}

void ssp_avg_update_var(ssp_avg *a, double sample, double thresh, double weight, double limit)
{
	double delta;

	if (!avg_sample(a, &sample, limit))
		return;
	a->n++;
	delta = sample - a->avg;
	if (a->n < thresh) {
		a->avg += delta / a->n;
		a->q += delta * (sample - a->avg);
		a->var = a->q / a->n;
	} else {
		a->avg += weight * delta;
		a->var += weight * (delta * delta - a->var);
	}
}

int ssp_credit_to_micro(double credit, uint64_t *micro)
{
	double m;

	if (!isfinite(credit) || credit < 0)
		return SSP_ERR_RANGE;
	m = credit * 1e6;
	if (m >= 9.2e18) /* llround must fit a long long */
		return SSP_ERR_RANGE;
	*micro = (uint64_t)llround(m);
	return 0;
}

int ssp_vres_needs_check(const ssp_vwu *wu, const ssp_vres *r)
{
	if (wu->canonical_resultid && r->id == wu->canonical_resultid)
		return 1;
	if (r->server_state != SSP_RS_OVER || r->outcome != SSP_RO_SUCCESS)
		return 0;
	if (wu->canonical_resultid)
		return r->validate_state == SSP_VS_INIT || r->validate_state == SSP_VS_INCONCLUSIVE;
	return r->validate_state != SSP_VS_INVALID;
}

static void start_decision(ssp_vwu *wu, ssp_vres *r, size_t n)
{
	wu->new_canonical_resultid = wu->canonical_resultid;
	wu->new_canonical_credit = wu->canonical_credit;
	wu->new_need_validate = 0;
	wu->new_target_nresults = wu->target_nresults;
	wu->new_error_mask = wu->error_mask;
	wu->new_assimilate_state = wu->assimilate_state;
	wu->new_transition_time = wu->transition_time;
	wu->retry = 0;
	wu->credit = 0;
	wu->note[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		r[i].new_server_state = r[i].server_state;
		r[i].new_outcome = r[i].outcome;
		r[i].new_validate_state = r[i].validate_state;
		r[i].new_granted_credit = r[i].granted_credit;
		r[i].changed = 0;
		r[i].credited = 0;
		r[i].dup_of = 0;
	}
}

/* Same volunteer: the same user or the same host (BOINC's one_result_per_user_per_wu and
 * one_result_per_host_per_wu, enforced here whatever the scheduler was told). */
static int same_volunteer(const ssp_vres *a, const ssp_vres *b)
{
	return a->userid == b->userid || a->hostid == b->hostid;
}

/* An agreeing replica of a volunteer already counted: valid, nothing granted. */
static void set_duplicate(ssp_vres *r, uint64_t of)
{
	r->new_validate_state = SSP_VS_VALID;
	r->new_granted_credit = 0;
	r->changed = 1;
	r->credited = 0;
	r->dup_of = of;
}

static void set_invalid_check(ssp_vres *r)
{
	r->new_outcome = SSP_RO_VALIDATE_ERROR;
	r->new_validate_state = SSP_VS_INVALID;
	r->changed = 1;
}

static void grant(ssp_vres *r, double credit)
{
	r->new_validate_state = SSP_VS_VALID;
	r->new_granted_credit = credit;
	r->changed = 1;
	r->credited = 1;
}

/* Rounds to the micro-cobblestone so the BOINC DB and the ledger hold the same value. */
static double round_micro(double credit)
{
	uint64_t m;

	if (ssp_credit_to_micro(credit, &m))
		return 0;
	return (double)m / 1e6;
}

/* Credit claimed by a result under --credit_from_runtime. The receipt's CPU time is the
 * volunteer's word: it is clamped to what the server saw, (received_time - sent_time) ×
 * the host's CPUs (0 when either time is unknown), then × the host's p_fpops (BOINC's
 * 4.3e9 stand-in when unknown or exactly 1e9), as BOINC's rsc_fpops_bound rule, and a
 * claim above max_granted_credit is clamped to it (BOINC drops such a claim, which lets a
 * cheater aim just below the cap; clamping gains him nothing more). */
static double runtime_claim(const ssp_vwu *wu, const ssp_vres *r, const ssp_vopts *o)
{
	double fpops = r->host_p_fpops, cpu = r->cpu_time, seen;
	double pfc, c;

	if (!(fpops > 0) || fpops == 1e9 || !isfinite(fpops))
		fpops = SSP_AVG_CPU_FPOPS;
	if (!(cpu > 0) || !isfinite(cpu))
		return 0;
	seen = r->sent_time > 0 && r->received_time > r->sent_time
		       ? (double)(r->received_time - r->sent_time) * (r->host_ncpus > 1 ? r->host_ncpus : 1)
		       : 0;
	if (cpu > seen)
		cpu = seen;
	pfc = cpu * fpops;
	if (wu->rsc_fpops_bound > 0 && pfc > 2 * wu->rsc_fpops_bound)
		pfc = wu->rsc_fpops_bound;
	c = ssp_credit_from_fpops(pfc);
	if (!(c > 0) || !isfinite(c))
		return 0;
	if (o->max_granted_credit > 0 && c > o->max_granted_credit)
		c = o->max_granted_credit;
	return c;
}

static double quorum_credit(const ssp_vwu *wu, const ssp_vres *r, size_t n,
			    const unsigned char *member, const ssp_vopts *o, int min_quorum)
{
	double credit = 0;

	if (o->no_credit)
		return 0;
	switch (o->credit_mode) {
	case SSP_CREDIT_FROM_WU:
		credit = wu->canonical_credit;
		break;
	case SSP_CREDIT_FROM_RUNTIME:
		if (min_quorum < 2 && !o->runtime_unreplicated) {
			/* one volunteer would set his own credit: the server's estimate instead */
			credit = ssp_credit_from_fpops(wu->rsc_fpops_est);
			break;
		}
		credit = -1;
		for (size_t i = 0; i < n; i++) {
			double c;

			if (member[i] != 1)
				continue;
			c = runtime_claim(wu, &r[i], o);
			if (c > 0 && (credit < 0 || c < credit))
				credit = c;
		}
		if (credit < 0)
			credit = 0;
		break;
	default:
		credit = ssp_credit_from_fpops(wu->rsc_fpops_est);
		break;
	}
	if (!isfinite(credit) || credit < 0)
		credit = 0;
	if (o->max_granted_credit > 0 && credit > o->max_granted_credit)
		credit = o->max_granted_credit;
	return round_micro(credit);
}

enum { T_NO_CHANGE, T_IMMEDIATE, T_DELAYED, T_NEVER };

static void apply_transition(ssp_vwu *wu, int t, int64_t now)
{
	switch (t) {
	case T_IMMEDIATE:
		wu->new_transition_time = now;
		break;
	case T_DELAYED:
		if (now + SSP_TRANSITION_DELAY < wu->transition_time)
			wu->new_transition_time = now + SSP_TRANSITION_DELAY;
		break;
	case T_NEVER:
		wu->new_transition_time = SSP_TRANSITION_NEVER;
		break;
	default:
		break;
	}
}

/* A work unit that already has a canonical result: check the new results against it. */
static int validate_late(ssp_vwu *wu, ssp_vres *r, size_t n, ssp_vcmp_fn cmp, void *ctx,
			 int64_t now)
{
	ssp_vres *canon = NULL;
	int t = T_NO_CHANGE, nvalid = 0, ninvalid = 0, ndup = 0;

	for (size_t i = 0; i < n; i++)
		if (r[i].id == wu->canonical_resultid)
			canon = &r[i];
	if (!canon) {
		snprintf(wu->note, sizeof(wu->note), "canonical result %llu not found",
			 (unsigned long long)wu->canonical_resultid);
		return 0;
	}
	for (size_t i = 0; i < n; i++) {
		ssp_vres *x = &r[i];
		int rc;

		if (x == canon || !ssp_vres_needs_check(wu, x))
			continue;
		if (x->check == SSP_CHECK_RETRY || x->check == SSP_CHECK_NONE) {
			wu->retry = 1;
			snprintf(wu->note, sizeof(wu->note), "result %llu: %s", (unsigned long long)x->id,
				 x->reason[0] ? x->reason : "not checked");
			return 0;
		}
		if (x->check == SSP_CHECK_INVALID) {
			set_invalid_check(x);
			ninvalid++;
			t = T_IMMEDIATE;
			continue;
		}
		if (canon->check != SSP_CHECK_OK) {
			/* the canonical files are needed to judge; they should still be there */
			wu->retry = 1;
			snprintf(wu->note, sizeof(wu->note), "canonical result %llu unusable: %s",
				 (unsigned long long)canon->id,
				 canon->reason[0] ? canon->reason : "not checked");
			return 0;
		}
		rc = cmp(ctx, x, canon);
		if (rc == 0) {
			const ssp_vres *prior = NULL;

			for (size_t k = 0; k < n && !prior; k++)
				if (&r[k] != x && same_volunteer(&r[k], x) &&
				    (r[k].new_validate_state == SSP_VS_VALID || &r[k] == canon))
					prior = &r[k];
			if (prior) {
				set_duplicate(x, prior->id);
				ndup++;
				t = T_IMMEDIATE;
				continue;
			}
			grant(x, canon->granted_credit);
			nvalid++;
		} else if (rc == SSP_ERR_MISMATCH) {
			x->new_validate_state = SSP_VS_INVALID;
			x->changed = 1;
			ninvalid++;
		} else {
			return rc;
		}
		t = T_IMMEDIATE;
	}
	wu->credit = canon->granted_credit;
	apply_transition(wu, t, now);
	snprintf(wu->note, sizeof(wu->note),
		 "late results against canonical %llu: %d valid, %d invalid, %d duplicate",
		 (unsigned long long)canon->id, nvalid, ninvalid, ndup);
	return 0;
}

/* Looks for a quorum among the checked results: the first result (by id) that agrees with
 * results of min_quorum - 1 other volunteers. Fills member[] (1: counted in the quorum, 2:
 * agrees but its volunteer is already counted, dup[] then names the one counted; 0: not
 * in) and *canonical. */
static int find_quorum(ssp_vres *r, size_t n, int min_quorum, ssp_vcmp_fn cmp, void *ctx,
		       unsigned char *member, uint64_t *dup, size_t *canonical, int *found)
{
	signed char *agree = NULL; /* n×n: -1 unknown, 0 no, 1 yes */
	int rc = 0;

	*found = 0;
	agree = malloc(n > 0 ? n * n : 1);
	if (!agree)
		return SSP_ERR_NOMEM;
	memset(agree, -1, n * n);
	for (size_t i = 0; i < n && !*found; i++) {
		int count = 1;

		if (r[i].check != SSP_CHECK_OK)
			continue;
		memset(member, 0, n);
		member[i] = 1;
		for (size_t j = 0; j < n; j++) {
			if (j == i || r[j].check != SSP_CHECK_OK)
				continue;
			if (agree[i * n + j] < 0) {
				rc = cmp(ctx, &r[i], &r[j]);
				if (rc != 0 && rc != SSP_ERR_MISMATCH)
					goto out;
				agree[i * n + j] = agree[j * n + i] = rc == 0;
				rc = 0;
			}
			if (agree[i * n + j] != 1)
				continue;
			member[j] = 1;
			for (size_t k = 0; k < n; k++) {
				if (k != j && member[k] == 1 && same_volunteer(&r[k], &r[j]) &&
				    (k == i || k < j)) {
					member[j] = 2;
					dup[j] = r[k].id;
					break;
				}
			}
			count += member[j] == 1;
		}
		if (count >= min_quorum) {
			*found = 1;
			*canonical = i;
		}
	}
	if (!*found)
		memset(member, 0, n);
out:
	free(agree);
	return rc;
}

static int validate_quorum(ssp_vwu *wu, ssp_vres *r, size_t n, const ssp_vopts *o,
			   ssp_vcmp_fn cmp, void *ctx, int64_t now)
{
	unsigned char *member = NULL;
	uint64_t *dup = NULL;
	size_t nviable = 0, nchecked_ok = 0, canonical = 0;
	int t = T_NO_CHANGE, found = 0, rc = 0, min_quorum = wu->min_quorum > 0 ? wu->min_quorum : 1;
	int still_viable = 0, ninvalid = 0;

	for (size_t i = 0; i < n; i++) {
		if (!ssp_vres_needs_check(wu, &r[i]))
			continue;
		nviable++;
		if (r[i].check == SSP_CHECK_RETRY || r[i].check == SSP_CHECK_NONE) {
			wu->retry = 1;
			snprintf(wu->note, sizeof(wu->note), "result %llu: %s",
				 (unsigned long long)r[i].id,
				 r[i].reason[0] ? r[i].reason : "not checked");
			return 0;
		}
	}
	if (nviable < (size_t)min_quorum) {
		snprintf(wu->note, sizeof(wu->note), "%zu of %d results for a quorum", nviable,
			 min_quorum);
		return 0;
	}
	member = calloc(n ? n : 1, 1);
	dup = calloc(n ? n : 1, sizeof(*dup));
	if (!member || !dup) {
		rc = SSP_ERR_NOMEM;
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		if (!ssp_vres_needs_check(wu, &r[i]))
			continue;
		if (r[i].check == SSP_CHECK_INVALID) {
			set_invalid_check(&r[i]);
			ninvalid++;
			t = T_IMMEDIATE;
		} else {
			nchecked_ok++;
		}
	}
	if (nchecked_ok >= (size_t)min_quorum) {
		rc = find_quorum(r, n, min_quorum, cmp, ctx, member, dup, &canonical, &found);
		if (rc)
			goto out;
	}
	if (found) {
		double credit = quorum_credit(wu, r, n, member, o, min_quorum);
		int nvalid = 0, ndup = 0;

		for (size_t i = 0; i < n; i++) {
			if (!ssp_vres_needs_check(wu, &r[i]) || r[i].check != SSP_CHECK_OK)
				continue;
			if (member[i] == 1) {
				grant(&r[i], credit);
				nvalid++;
			} else if (member[i] == 2) {
				set_duplicate(&r[i], dup[i]);
				ndup++;
			} else {
				r[i].new_validate_state = SSP_VS_INVALID;
				r[i].changed = 1;
				ninvalid++;
			}
		}
		wu->credit = credit;
		wu->new_canonical_resultid = r[canonical].id;
		wu->new_canonical_credit = credit;
		wu->new_assimilate_state = SSP_AS_READY;
		t = T_NEVER;
		/* no more replicas are needed */
		for (size_t i = 0; i < n; i++) {
			if (r[i].server_state != SSP_RS_UNSENT)
				continue;
			r[i].new_server_state = SSP_RS_OVER;
			r[i].new_outcome = SSP_RO_DIDNT_NEED;
			r[i].changed = 1;
		}
		snprintf(wu->note, sizeof(wu->note),
			 "canonical result %llu; %d valid, %d invalid, %d duplicate; credit %.6f",
			 (unsigned long long)r[canonical].id, nvalid, ninvalid, ndup, credit);
	} else {
		for (size_t i = 0; i < n; i++) {
			if (!ssp_vres_needs_check(wu, &r[i]) || r[i].check != SSP_CHECK_OK)
				continue;
			still_viable++;
			if (r[i].validate_state == SSP_VS_INIT) {
				r[i].new_validate_state = SSP_VS_INCONCLUSIVE;
				r[i].changed = 1;
			}
		}
		if (still_viable > wu->max_success_results) {
			wu->new_error_mask |= SSP_WU_ERROR_TOO_MANY_SUCCESS_RESULTS;
			t = T_IMMEDIATE;
		}
		if (still_viable >= wu->target_nresults) {
			wu->new_target_nresults = still_viable + 1;
			t = T_IMMEDIATE;
		}
		snprintf(wu->note, sizeof(wu->note),
			 "no quorum: %d viable, %d invalid; target_nresults %d",
			 still_viable, ninvalid, wu->new_target_nresults);
	}
	apply_transition(wu, t, now);
out:
	free(member);
	free(dup);
	return rc;
}

int ssp_validate_wu(ssp_vwu *wu, ssp_vres *r, size_t n, const ssp_vopts *o,
		    ssp_vcmp_fn cmp, void *cmp_ctx, int64_t now)
{
	int rc;

	if (!wu || (!r && n) || !o || !cmp)
		return SSP_ERR_INVAL;
	start_decision(wu, r, n);
	if (wu->canonical_resultid)
		rc = validate_late(wu, r, n, cmp, cmp_ctx, now);
	else
		rc = validate_quorum(wu, r, n, o, cmp, cmp_ctx, now);
	if (rc || wu->retry) {
		char note[sizeof(wu->note)];

		memcpy(note, wu->note, sizeof(note));
		start_decision(wu, r, n);
		memcpy(wu->note, note, sizeof(note));
		wu->retry = 1;
		wu->new_need_validate = wu->need_validate;
		if (rc)
			snprintf(wu->note, sizeof(wu->note), "comparison failed: %s", ssp_strerror(rc));
	}
	return rc;
}

void ssp_vres_clear(ssp_vres *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->nfiles; i++) {
		free(r->files[i].logical);
		free(r->files[i].path);
	}
	free(r->files);
	r->files = NULL;
	r->nfiles = 0;
	r->check = SSP_CHECK_NONE;
	r->reason[0] = '\0';
	r->cpu_time = 0;
	memset(r->result_digest, 0, sizeof(r->result_digest));
}
