/* The audit report as one self-contained HTML page: inline CSS and SVG charts, no script, no
 * external resource, and a Content-Security-Policy that forbids fetching any. */
#include "export/ssp_audit.h"
#include "core/ssp_hex.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Rows listed in full in each table; the rest are counted. */
#define MAX_TABLE_ROWS 5000u
/* Volunteers in the credit-per-volunteer chart. */
#define MAX_CHART_USERS 25u

#define CHART_W 760
#define CHART_H 220
#define PAD_L 70
#define PAD_B 30
#define PAD_T 12

/* Text with &, <, >, " escaped. */
static void esc(FILE *f, const char *s)
{
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		default: fputc(*s, f);
		}
	}
}

static const char *cob(uint64_t micro, char buf[32])
{
	snprintf(buf, 32, "%llu.%06llu", (unsigned long long)(micro / 1000000),
		 (unsigned long long)(micro % 1000000));
	return buf;
}

static double wei_to_ssp(const ssp_u256 *wei)
{
	char s[SSP_U256_DEC_MAX + 4];

	return strtod(ssp_audit_ssp_string(wei, s), NULL);
}

/* The batch row covering seq (NULL when none). */
static const ssp_audit_batch_row *row_of_seq(const ssp_audit_report *r, uint64_t seq)
{
	size_t lo = 0, hi = r->nbatch_rows;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (r->batch_rows[mid].last_seq < seq)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < r->nbatch_rows && r->batch_rows[lo].first_seq <= seq)
		return &r->batch_rows[lo];
	return NULL;
}

static const char *civil_date(uint64_t day, char buf[48])
{
	/* Days since 1970-01-01 to y-m-d (Howard Hinnant's civil_from_days). */
	long long z = (long long)day + 719468, era = z / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long long y = (long long)yoe + era * 400;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	unsigned d = doy - (153 * mp + 2) / 5 + 1;
	unsigned m = mp < 10 ? mp + 3 : mp - 9;

	snprintf(buf, 48, "%04lld-%02u-%02u", y + (m <= 2), m, d);
	return buf;
}

/* Axes with the y maximum written at the top, and a caption. */
static void chart_open(FILE *f, const char *id, const char *title, const char *ylabel, double ymax)
{
	fprintf(f, "<figure id=\"%s\"><figcaption>%s</figcaption>\n"
		   "<svg class=\"chart\" role=\"img\" aria-label=\"%s\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\">\n",
		id, title, title, CHART_W, CHART_H, CHART_W, CHART_H);
	fprintf(f, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" class=\"axis\"/>"
		   "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" class=\"axis\"/>\n",
		PAD_L, PAD_T, PAD_L, CHART_H - PAD_B, PAD_L, CHART_H - PAD_B, CHART_W - 10,
		CHART_H - PAD_B);
	fprintf(f, "<text x=\"%d\" y=\"%d\" class=\"lbl\" text-anchor=\"end\">%.6g</text>"
		   "<text x=\"%d\" y=\"%d\" class=\"lbl\" text-anchor=\"end\">0</text>"
		   "<text x=\"4\" y=\"%d\" class=\"lbl\">%s</text>\n",
		PAD_L - 4, PAD_T + 10, ymax, PAD_L - 4, CHART_H - PAD_B, CHART_H / 2, ylabel);
}

static void chart_close(FILE *f, const char *xfirst, const char *xlast)
{
	fprintf(f, "<text x=\"%d\" y=\"%d\" class=\"lbl\">%s</text>"
		   "<text x=\"%d\" y=\"%d\" class=\"lbl\" text-anchor=\"end\">%s</text>\n</svg></figure>\n",
		PAD_L, CHART_H - 8, xfirst, CHART_W - 10, CHART_H - 8, xlast);
}

static double sx(size_t i, size_t n)
{
	double w = CHART_W - 10 - PAD_L;

	return PAD_L + (n > 1 ? w * (double)i / (double)(n - 1) : w / 2);
}

static double sy(double v, double vmax)
{
	double h = CHART_H - PAD_B - PAD_T;

	return CHART_H - PAD_B - (vmax > 0 ? h * v / vmax : 0);
}

/* Credit claimed per day (bars) and in total (line). */
static void chart_credit(FILE *f, const ssp_audit_report *r)
{
	double total = 0, maxday = 0, acc = 0, bw;
	char d1[48], d2[48];

	for (size_t i = 0; i < r->nday_rows; i++) {
		double v = (double)r->day_rows[i].credit / 1e6;

		total += v;
		if (v > maxday)
			maxday = v;
	}
	chart_open(f, "chart-credit", "Credit claimed over time (cobblestones: bars per day, line in total)",
		   "credit", total);
	if (r->nday_rows == 0) {
		chart_close(f, "no claims", "");
		return;
	}
	bw = (double)(CHART_W - 10 - PAD_L) / (double)(r->nday_rows + 1);
	if (bw > 40)
		bw = 40;
	for (size_t i = 0; i < r->nday_rows; i++) {
		double v = (double)r->day_rows[i].credit / 1e6, x = sx(i, r->nday_rows) - bw / 2;

		if (x < PAD_L)
			x = PAD_L;
		fprintf(f, "<rect class=\"bar\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"><title>%s: %.6f cobblestones, %llu claims</title></rect>\n",
			x, sy(v, total), bw * 0.8, CHART_H - PAD_B - sy(v, total),
			civil_date(r->day_rows[i].day, d1), v,
			(unsigned long long)r->day_rows[i].claims);
	}
	fputs("<polyline class=\"line\" points=\"", f);
	for (size_t i = 0; i < r->nday_rows; i++) {
		acc += (double)r->day_rows[i].credit / 1e6;
		fprintf(f, "%.1f,%.1f ", sx(i, r->nday_rows), sy(acc, total));
	}
	fputs("\"/>\n", f);
	(void)maxday;
	chart_close(f, civil_date(r->day_rows[0].day, d1),
		    civil_date(r->day_rows[r->nday_rows - 1].day, d2));
}

/* SSP minted in total, batch by batch in seq order (the chain's amounts when checked). */
static void chart_minted(FILE *f, const ssp_audit_report *r)
{
	double total = 0, acc = 0;
	size_t n = 0, k = 0;
	char b1[32], b2[32];
	const ssp_audit_batch_row *first = NULL, *last = NULL;

	for (size_t i = 0; i < r->nbatch_rows; i++)
		if (r->batch_rows[i].minted) {
			total += wei_to_ssp(&r->batch_rows[i].amount);
			n++;
			if (first == NULL)
				first = &r->batch_rows[i];
			last = &r->batch_rows[i];
		}
	chart_open(f, "chart-minted", "SSP minted over time (in total, batch by batch)", "SSP", total);
	if (n == 0) {
		chart_close(f, "nothing minted", "");
		return;
	}
	fprintf(f, "<polyline class=\"line minted\" points=\"%.1f,%.1f ", sx(0, n + 1), sy(0, total));
	for (size_t i = 0; i < r->nbatch_rows; i++) {
		const ssp_audit_batch_row *b = &r->batch_rows[i];

		if (!b->minted)
			continue;
		acc += wei_to_ssp(&b->amount);
		fprintf(f, "%.1f,%.1f ", sx(++k, n + 1), sy(acc, total));
	}
	fputs("\"/>\n", f);
	k = 0;
	acc = 0;
	for (size_t i = 0; i < r->nbatch_rows && n <= 400; i++) {
		const ssp_audit_batch_row *b = &r->batch_rows[i];

		if (!b->minted)
			continue;
		acc += wei_to_ssp(&b->amount);
		fprintf(f, "<a href=\"#batch-%lld\"><circle class=\"dot\" cx=\"%.1f\" cy=\"%.1f\" r=\"3\"><title>batch %lld (block %llu): %.6g SSP, %.6g in total</title></circle></a>\n",
			(long long)b->id, sx(++k, n + 1), sy(acc, total), (long long)b->id,
			(unsigned long long)b->block, wei_to_ssp(&b->amount), acc);
	}
	snprintf(b1, sizeof b1, "batch %lld", (long long)first->id);
	snprintf(b2, sizeof b2, "batch %lld", (long long)last->id);
	chart_close(f, b1, b2);
}

static int cmp_credit_desc(const void *x, const void *y)
{
	const ssp_audit_user_row *a = *(const ssp_audit_user_row *const *)x;
	const ssp_audit_user_row *b = *(const ssp_audit_user_row *const *)y;

	if (a->credit != b->credit)
		return a->credit > b->credit ? -1 : 1;
	return a->user_id < b->user_id ? -1 : a->user_id > b->user_id;
}

/* Credit per volunteer: the top MAX_CHART_USERS as bars. */
static int chart_users(FILE *f, const ssp_audit_report *r)
{
	const ssp_audit_user_row **v;
	size_t n = r->nuser_rows < MAX_CHART_USERS ? r->nuser_rows : MAX_CHART_USERS;
	double vmax, bw;
	char c1[32], t[64];

	v = calloc(r->nuser_rows ? r->nuser_rows : 1, sizeof *v);
	if (v == NULL)
		return SSP_ERR_NOMEM;
	for (size_t i = 0; i < r->nuser_rows; i++)
		v[i] = &r->user_rows[i];
	qsort(v, r->nuser_rows, sizeof *v, cmp_credit_desc);
	vmax = n > 0 ? (double)v[0]->credit / 1e6 : 0;
	snprintf(t, sizeof t, "Credit per volunteer (the %zu with the most, of %zu)", n, r->nuser_rows);
	chart_open(f, "chart-users", t, "credit", vmax);
	bw = n > 0 ? (double)(CHART_W - 10 - PAD_L) / (double)n : 0;
	for (size_t i = 0; i < n; i++) {
		double c = (double)v[i]->credit / 1e6;

		fprintf(f, "<a href=\"#user-%llu\"><rect class=\"bar%s\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"><title>user %llu: %s cobblestones, %llu claims</title></rect></a>\n",
			(unsigned long long)v[i]->user_id, r->stats_checked && !v[i]->in_stats ? " unlisted" : "",
			PAD_L + bw * (double)i + 1, sy(c, vmax), bw * 0.8, CHART_H - PAD_B - sy(c, vmax),
			(unsigned long long)v[i]->user_id, cob(v[i]->credit, c1),
			(unsigned long long)v[i]->claims);
	}
	chart_close(f, n > 0 ? "most credit" : "no claims", n > 0 ? "less" : "");
	free(v);
	return 0;
}

static const char css[] =
	"body{font:14px/1.4 sans-serif;margin:24px;color:#1d2330;background:#fff}"
	"h1{font-size:22px}h2{font-size:18px;margin-top:28px;border-bottom:1px solid #ccd}"
	"table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #ccd;padding:3px 8px;"
	"text-align:right}th{background:#eef}td.l,th.l{text-align:left}"
	".clean{color:#0a6b2d;font-weight:bold}.bad{color:#b00020;font-weight:bold}"
	"tr.issue td{background:#fde8ea}tr.unl td{background:#fff6dc}"
	"figure{margin:12px 0}figcaption{font-weight:bold;margin-bottom:4px}"
	".axis{stroke:#556;stroke-width:1}.lbl{font-size:11px;fill:#556}"
	".bar{fill:#6b8fd6}.bar.unlisted{fill:#e0b040}.line{fill:none;stroke:#1d4fb0;stroke-width:2}"
	".minted{stroke:#0a6b2d}.dot{fill:#0a6b2d}:target{outline:2px solid #b00020}"
	"code{font-size:12px}";

static void summary(FILE *f, const ssp_audit_report *r)
{
	const ssp_export_manifest *m = &r->manifest;
	char h[67], a1[SSP_ADDR_STRLEN], c1[32], c2[32], c3[32], s1[SSP_U256_DEC_MAX + 4];

	fputs("<h2 id=\"summary\">Summary</h2>\n<table>\n<tr><th class=\"l\">project</th><td class=\"l\">", f);
	esc(f, m->master_url);
	fprintf(f, "<br><code>%s</code></td></tr>\n", ssp_hex_encode(m->project, 32, h, 1));
	fprintf(f, "<tr><th class=\"l\">export</th><td class=\"l\">created %llu, chain %llu, minter <code>%s</code></td></tr>\n",
		(unsigned long long)m->created_at, (unsigned long long)m->chain_id,
		ssp_address_format(m->minter, a1));
	if (r->chain_checked)
		fprintf(f, "<tr><th class=\"l\">chain</th><td class=\"l\">blocks %llu..%llu: %llu BatchMinted events of the project</td></tr>\n",
			(unsigned long long)r->from_block, (unsigned long long)r->to_block,
			(unsigned long long)r->mint_events);
	else
		fputs("<tr><th class=\"l\">chain</th><td class=\"l\">not checked (offline)</td></tr>\n", f);
	fprintf(f, "<tr><th class=\"l\">claims</th><td class=\"l\">%llu (%llu in batches); %s cobblestones claimed</td></tr>\n",
		(unsigned long long)r->claims, (unsigned long long)r->claims_batched,
		cob(r->credit_claimed, c1));
	fprintf(f, "<tr><th class=\"l\">batches</th><td class=\"l\">%llu: %llu minted, %llu pending, %llu failed; %s cobblestones minted of %s batched</td></tr>\n",
		(unsigned long long)r->batches, (unsigned long long)r->batches_minted,
		(unsigned long long)r->batches_pending, (unsigned long long)r->batches_failed,
		cob(r->credit_minted, c2), cob(r->credit_batched, c3));
	if (r->chain_checked)
		fprintf(f, "<tr><th class=\"l\">minted</th><td class=\"l\">%s SSP</td></tr>\n",
			ssp_audit_ssp_string(&r->amount_minted, s1));
	if (r->stats_checked) {
		fprintf(f, "<tr><th class=\"l\">BOINC stats</th><td class=\"l\">%llu users checked against BOINC's total_credit",
			(unsigned long long)(r->stats_users - r->stats_unlisted_users));
		if (r->stats_unlisted_users > 0)
			fprintf(f, "; %llu users (%llu claims, %s cobblestones) not listed there, so not checked: %s",
				(unsigned long long)r->stats_unlisted_users,
				(unsigned long long)r->stats_unlisted_claims,
				cob(r->stats_unlisted_credit, c1), SSP_AUDIT_UNLISTED_REASON);
		fputs("</td></tr>\n", f);
	}
	if (r->receipts_published)
		fprintf(f, "<tr><th class=\"l\">receipts</th><td class=\"l\">%llu claims' resultDigest re-derived from archived receipts, %llu claims without one</td></tr>\n",
			(unsigned long long)r->receipts_checked, (unsigned long long)r->receipts_missing);
	fputs("<tr><th class=\"l\">result</th><td class=\"l\">", f);
	if (r->nissues == 0)
		fputs("<span class=\"clean\" id=\"result\">CLEAN</span>: no discrepancies", f);
	else
		fprintf(f, "<span class=\"bad\" id=\"result\">%llu DISCREPANCIES</span> (<a href=\"#discrepancies\">listed below</a>)",
			(unsigned long long)r->nissues);
	fputs("</td></tr>\n</table>\n", f);
}

static void discrepancies(FILE *f, const ssp_audit_report *r)
{
	fprintf(f, "<h2 id=\"discrepancies\">Discrepancies (%llu)</h2>\n", (unsigned long long)r->nissues);
	if (r->nissues == 0) {
		fputs("<p>None.</p>\n", f);
		return;
	}
	fputs("<table id=\"issues\">\n<tr><th class=\"l\">kind</th><th>where</th><th class=\"l\">what</th></tr>\n", f);
	for (size_t i = 0; i < r->nkept; i++) {
		const ssp_audit_issue *is = &r->issues[i];
		const ssp_audit_batch_row *b = is->batch_id > 0 ? NULL : row_of_seq(r, is->seq);
		int64_t bid = is->batch_id > 0 ? is->batch_id : b != NULL ? b->id : 0;

		fprintf(f, "<tr id=\"d-%zu\"><td class=\"l\">%s</td><td>", i, ssp_audit_kind_name(is->kind));
		if (is->seq > 0 && bid > 0)
			fprintf(f, "<a href=\"#batch-%lld\">claim seq %llu, batch %lld</a>", (long long)bid,
				(unsigned long long)is->seq, (long long)bid);
		else if (bid > 0)
			fprintf(f, "<a href=\"#batch-%lld\">batch %lld</a>", (long long)bid, (long long)bid);
		else if (is->seq > 0)
			fprintf(f, "claim seq %llu (in no batch)", (unsigned long long)is->seq);
		else
			fputs("&#8212;", f);
		fputs("</td><td class=\"l\">", f);
		esc(f, is->msg);
		fputs("</td></tr>\n", f);
	}
	fputs("</table>\n", f);
	if (r->nissues > r->nkept)
		fprintf(f, "<p>&#8230; and %llu more (raise --max-issues to list them).</p>\n",
			(unsigned long long)(r->nissues - r->nkept));
}

/* The first discrepancy about batch id, or -1. */
static long first_issue_of(const ssp_audit_report *r, const ssp_audit_batch_row *b, size_t *count)
{
	long first = -1;

	*count = 0;
	for (size_t i = 0; i < r->nkept; i++) {
		const ssp_audit_issue *is = &r->issues[i];

		if (is->batch_id == b->id ||
		    (is->batch_id <= 0 && is->seq >= b->first_seq && is->seq <= b->last_seq && is->seq > 0)) {
			if (first < 0)
				first = (long)i;
			(*count)++;
		}
	}
	return first;
}

static void batch_table(FILE *f, const ssp_audit_report *r)
{
	size_t n = r->nbatch_rows < MAX_TABLE_ROWS ? r->nbatch_rows : MAX_TABLE_ROWS;
	char c1[32], s1[SSP_U256_DEC_MAX + 4];

	fprintf(f, "<h2 id=\"batches\">Batches (%zu)</h2>\n<table id=\"batch-table\">\n"
		   "<tr><th>batch</th><th>seqs</th><th>claims</th><th>credit</th><th class=\"l\">state</th>"
		   "<th>mint block</th><th>SSP</th><th>signatures</th><th>discrepancies</th></tr>\n",
		r->nbatch_rows);
	for (size_t i = 0; i < n; i++) {
		const ssp_audit_batch_row *b = &r->batch_rows[i];
		size_t cnt = 0;
		long d = first_issue_of(r, b, &cnt);

		fprintf(f, "<tr id=\"batch-%lld\"%s><td>%lld</td><td>%llu..%llu</td><td>%llu</td><td>%s</td><td class=\"l\">%s</td><td>",
			(long long)b->id, cnt ? " class=\"issue\"" : "", (long long)b->id,
			(unsigned long long)b->first_seq, (unsigned long long)b->last_seq,
			(unsigned long long)(b->last_seq - b->first_seq + 1), cob(b->total_credit, c1),
			ssp_export_state_name(b->state));
		if (b->minted && b->block > 0)
			fprintf(f, "%llu", (unsigned long long)b->block);
		fprintf(f, "</td><td>%s</td><td>%zu</td><td>",
			b->minted ? ssp_audit_ssp_string(&b->amount, s1) : "", b->nsigs);
		if (d >= 0)
			fprintf(f, "<a href=\"#d-%ld\">%zu</a>", d, cnt);
		else
			fputs("0", f);
		fputs("</td></tr>\n", f);
	}
	fputs("</table>\n", f);
	if (r->nbatch_rows > n)
		fprintf(f, "<p>&#8230; and %zu more batches.</p>\n", r->nbatch_rows - n);
}

static void user_table(FILE *f, const ssp_audit_report *r)
{
	size_t n = r->nuser_rows < MAX_TABLE_ROWS ? r->nuser_rows : MAX_TABLE_ROWS;
	char c1[32], c2[32];

	fprintf(f, "<h2 id=\"users\">Volunteers (%zu)</h2>\n<table id=\"user-table\">\n"
		   "<tr><th>BOINC user</th><th>claims</th><th>credit claimed</th>%s</tr>\n",
		r->nuser_rows, r->stats_checked ? "<th>BOINC total_credit</th><th class=\"l\">stats</th>" : "");
	for (size_t i = 0; i < n; i++) {
		const ssp_audit_user_row *u = &r->user_rows[i];
		int unl = r->stats_checked && !u->in_stats;

		fprintf(f, "<tr id=\"user-%llu\"%s><td>%llu</td><td>%llu</td><td>%s</td>",
			(unsigned long long)u->user_id, unl ? " class=\"unl\"" : "",
			(unsigned long long)u->user_id, (unsigned long long)u->claims,
			cob(u->credit, c1));
		if (r->stats_checked) {
			if (u->in_stats)
				fprintf(f, "<td>%s</td><td class=\"l\">%s</td>", cob(u->stats_credit, c2),
					u->credit > u->stats_credit + u->claims / 2 + 1 ? "above BOINC's" : "within");
			else
				fputs("<td></td><td class=\"l\">not listed (not checked)</td>", f);
		}
		fputs("</tr>\n", f);
	}
	fputs("</table>\n", f);
	if (r->nuser_rows > n)
		fprintf(f, "<p>&#8230; and %zu more volunteers.</p>\n", r->nuser_rows - n);
}

int ssp_audit_report_html(const ssp_audit_report *r, char **out)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f;
	int rc;

	if (out == NULL)
		return SSP_ERR_INVAL;
	*out = NULL;
	if (r == NULL)
		return SSP_ERR_INVAL;
	f = open_memstream(&buf, &len);
	if (f == NULL)
		return SSP_ERR_NOMEM;
	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
	      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
	      "<meta name=\"referrer\" content=\"no-referrer\">\n<title>SmartShare audit: ", f);
	esc(f, r->manifest.master_url);
	fprintf(f, "</title>\n<style>%s</style></head>\n<body>\n<h1>SmartShare audit of ", css);
	esc(f, r->manifest.master_url);
	fputs("</h1>\n", f);
	if (r->only_batch > 0)
		fprintf(f, "<p>Scope: batch %lld and its claims only.</p>\n", (long long)r->only_batch);
	summary(f, r);
	fputs("<h2 id=\"charts\">Charts</h2>\n", f);
	chart_credit(f, r);
	chart_minted(f, r);
	rc = chart_users(f, r);
	discrepancies(f, r);
	batch_table(f, r);
	user_table(f, r);
	fprintf(f, "<p><small>Written by ssp audit in %.2f s. This page loads nothing: no script, no "
		   "external resource.</small></p>\n</body></html>\n", r->seconds);
	if (fclose(f) != 0 || rc != 0) {
		free(buf);
		return SSP_ERR_NOMEM;
	}
	*out = buf;
	return 0;
}
