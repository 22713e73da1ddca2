/* vfixture: makes BOINC work units, results, output files and share receipts for the
 * validator's tests, the benchmark and the demo. Not installed.
 *
 * Usage: vfixture --upload DIR [--fanout N] [--app NAME] [--appid ID] [--now T] [--quota N] < spec > sql
 * Writes the result files (an output and ssp_receipt.json per result) into the upload tree
 * and SQL for BOINC's full schema (sql/boinc_fixture.sql) on stdout: every row names every
 * NOT NULL column, with the values BOINC's programs leave in it (create_work for work
 * units; the scheduler for hosts, host_app_version rows and sent results; the upload
 * handler and the scheduler's report handling for returned results; the transitioner's
 * need_validate). Spec lines:
 *   app                                  (the platform, app and app_version 1 rows)
 *   team ID
 *   user ID [TEAMID]
 *   host ID USERID [P_FPOPS [NCPUS]]     (and its host_app_version for app version 1 with
 *                                         max_jobs_per_day QUOTA, as the scheduler makes it)
 *   wu NAME QUORUM TARGET FPOPS_EST [CANONICAL_CREDIT]
 *   result WU INDEX USERID HOSTID TEXT [FLAG...]
 *        the result is named WU_INDEX, its output WU_INDEX_0 (open_name out.txt) holds TEXT
 *        with '_' read as ' ' and '~' as a newline, and a newline, its receipt is WU_INDEX_1 (ssp_receipt.json).
 *        FLAGS: inprogress, unsent (no files), error (client error, no files), noreceipt,
 *        cpu=SECONDS (receipt CPU time, default 100), user=ID / host=ID (what the receipt
 *        claims), valid (already VALID: a canonical one, with granted credit CANONICAL_CREDIT),
 *        sent=S / recv=S (sent and reported S seconds before now; default 7200 and 3600)
 *   canonical WU INDEX                   (set the work unit's canonical result, assimilated)
 *   bulk NWU NUSERS NHOSTS [FIRST]       (NWU work units bw_FIRST.. with quorum 2 and two
 *                                         agreeing results each, users and hosts round robin;
 *                                         explicit ids from FIRST, default 1)
 * Comments start with '#'. */
#include "config.h"

#include "boinc/ssp_projcfg.h"
#include "boinc/ssp_receipt.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char *upload = NULL;
static int fanout = 1024;
static const char *app = "ssp";
static unsigned long appid = 1;
static long long now = 1700000000;
static int quota = 5; /* config.xml daily_result_quota: a new host_app_version's max_jobs_per_day */

/* The NOT NULL columns without a default of BOINC's rows, in the order of the VALUES
 * written below. */
#define USER_COLS "id, create_time, email_addr, name, authenticator, total_credit, expavg_credit," \
	" expavg_time, teamid, venue, send_email, show_hosts, posts, seti_id, seti_nresults," \
	" seti_last_result_time, seti_total_cpu, has_profile, cross_project_id, passwd_hash," \
	" email_validated, donated"
#define HOST_COLS "id, create_time, userid, rpc_seqno, rpc_time, total_credit, expavg_credit," \
	" expavg_time, timezone, domain_name, last_ip_addr, nsame_ip_addr, on_frac, connected_frac," \
	" active_frac, cpu_efficiency, duration_correction_factor, p_ncpus, p_vendor, p_model," \
	" p_fpops, p_iops, p_membw, os_name, os_version, m_nbytes, m_cache, m_swap, d_total," \
	" d_free, d_boinc_used_total, d_boinc_used_project, d_boinc_max, n_bwup, n_bwdown," \
	" credit_per_cpu_sec, venue, nresults_today, avg_turnaround, host_cpid, max_results_day," \
	" product_name, gpu_active_frac, p_ngpus, p_gpu_fpops"
#define HAV_COLS "host_id, app_version_id, pfc_n, pfc_avg, et_n, et_avg, et_var, et_q," \
	" max_jobs_per_day, n_jobs_today, turnaround_n, turnaround_avg, turnaround_var," \
	" turnaround_q, consecutive_valid"
#define WU_COLS "id, create_time, appid, name, xml_doc, batch, rsc_fpops_est, rsc_fpops_bound," \
	" rsc_memory_bound, rsc_disk_bound, need_validate, canonical_resultid, canonical_credit," \
	" transition_time, delay_bound, error_mask, file_delete_state, assimilate_state, hr_class," \
	" opaque, min_quorum, target_nresults, max_error_results, max_total_results," \
	" max_success_results, result_template_file, priority, rsc_bandwidth_bound, fileset_id," \
	" app_version_id, transitioner_flags, keywords, app_version_num"
#define RESULT_COLS "id, create_time, workunitid, server_state, outcome, client_state, hostid," \
	" userid, report_deadline, sent_time, received_time, name, cpu_time, xml_doc_in," \
	" xml_doc_out, stderr_out, batch, file_delete_state, validate_state, claimed_credit," \
	" granted_credit, opaque, random, app_version_num, appid, exit_status, teamid, priority," \
	" elapsed_time, flops_estimate, app_version_id, runtime_outlier, peak_working_set_size," \
	" peak_swap_size, peak_disk_usage"
#define DELAY_BOUND 604800 /* a week to report, the work unit's delay_bound */

static void user_values(unsigned long id, unsigned long team)
{
	/* as BOINC's web code creates an account (make_user): the rest zero or empty */
	printf("(%lu, %lld, 'user%lu@example.test', 'user%lu', 'auth%lu', 0, 0, 0, %lu, '', 1, 0, 0,"
	       " 0, 0, 0, 0, 0, 'cpid%lu', 'hash%lu', 0, 0)",
	       id, now - 30 * 86400, id, id, id, team, id, id);
}

static void host_values(unsigned long id, unsigned long user, const char *p_fpops, int ncpus)
{
	/* as the scheduler creates a host on its first request, then its benchmarks */
	printf("(%lu, %lld, %lu, 3, %lld, 0, 0, 0, 0, 'host%lu', '127.0.0.1', 0, 0.99, 0.99, 0.99, 1,"
	       " 1, %d, 'GenuineIntel', 'x86-64 test CPU', %s, %s, 1e9, 'Linux', '6.1', 8e9, 1e6,"
	       " 2e9, 1e11, 5e10, 1e8, 1e8, 1e10, 1e6, 1e6, 0, '', 0, 0, 'hcpid%lu', 0, '', 0, 0, 0)",
	       id, now - 20 * 86400, user, now - 7200, id, ncpus, p_fpops, p_fpops, id);
}

static void hav_values(unsigned long host, unsigned long av)
{
	/* the scheduler makes one when it first sends the host a job of that app version */
	printf("(%lu, %lu, 0, 0, 0, 0, 0, 0, %d, 1, 0, 0, 0, 0, 0)", host, av, quota);
}

static void wu_values(unsigned long id_or_0, const char *name, const char *fpops_est,
		      const char *fpops_bound, int quorum, int target, const char *canonical_credit)
{
	/* as create_work leaves it (opaque: the id, as projects that keep credited_job set it),
	 * and the transitioner's need_validate for a returned result */
	if (id_or_0)
		printf("(%lu", id_or_0);
	else
		printf("(NULL");
	printf(", %lld, %lu, '%s', '<workunit><name>%s</name></workunit>', 0, %s, %s, 5e8, 1e9, 1, 0,"
	       " %s, %lld, %d, 0, 0, 0, 0, %lu, %d, %d, 3, 10, 6, 'templates/ssp_out', 0, 0, 0, 0, 0,"
	       " '', 0)",
	       now - 86400, appid, name, name, fpops_est, fpops_bound, canonical_credit,
	       now + 86400, DELAY_BOUND, id_or_0, quorum, target);
}

/* A result row after the scheduler sent it (server_state IN_PROGRESS) or not (UNSENT), and
 * after the upload handler and the report (OVER, SUCCESS, client_state 5 FILES_UPLOADED,
 * xml_doc_out and stderr_out as the client sends them). */
static void result_values(unsigned long id_or_0, const char *wu_sql, const char *name,
			  int server_state, int outcome, unsigned long host, unsigned long user,
			  long long sent, long long recv, double cpu, const char *xml_in,
			  int validate_state, const char *granted, unsigned long av)
{
	int reported = server_state == 5;
	int sent_ = server_state == 4 || server_state == 5;

	if (id_or_0)
		printf("(%lu", id_or_0);
	else
		printf("(NULL");
	printf(", %lld, %s, %d, %d, %d, %lu, %lu, %lld, %lld, %lld, '%s', %.17g, '%s',"
	       " '%s', '%s', 0, 0, %d, 0, %s, 0, %u, %d, %lu, %d, 0, 0, %.17g, %s, %lu, 0, %s, 0, %s)",
	       now - 86400, wu_sql, server_state, outcome,
	       reported ? (outcome == 1 ? 5 : 3) : 0, sent_ ? host : 0, sent_ ? user : 0,
	       sent_ ? sent + DELAY_BOUND : 0, sent_ ? sent : 0, reported ? recv : 0, name,
	       reported ? cpu : 0, xml_in,
	       reported ? "<result><name>r</name><exit_status>0</exit_status></result>" : "",
	       reported ? "<core_client_version>7.20.5</core_client_version><stderr_txt></stderr_txt>"
			: "",
	       validate_state, granted, (unsigned)(id_or_0 * 2654435761u % 1000000), sent_ ? 100 : 0,
	       appid, outcome == 3 ? -1 : 0, reported ? cpu * 1.01 : 0, sent_ ? "3e9" : "0",
	       sent_ ? av : 0, reported ? "2e8" : "0", reported ? "5e7" : "0");
}

static void die(const char *what)
{
	fprintf(stderr, "vfixture: %s\n", what);
	exit(2);
}

static void path_of(const char *name, char *out, size_t cap)
{
	char *slash;

	if (ssp_upload_path(upload, fanout, name, out, cap))
		die("bad file name");
	slash = strrchr(out, '/');
	*slash = '\0';
	if (mkdir(out, 0755) && errno != EEXIST)
		die("mkdir failed");
	*slash = '/';
}

static void write_file(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	if (!f || (len && fwrite(data, 1, len, f) != len) || fclose(f))
		die("cannot write a file");
}

/* Writes the output and the receipt of one result. */
static void make_files(const char *wu, const char *result, const char *text, int noreceipt,
		       double cpu, unsigned long ruser, unsigned long rhost)
{
	char out_name[300], rec_name[300], path[4096], content[4096];
	ssp_receipt *r = NULL;
	ssp_receipt_task t;
	char *json = NULL;
	size_t len = 0, i;

	snprintf(out_name, sizeof(out_name), "%s_0", result);
	snprintf(rec_name, sizeof(rec_name), "%s_1", result);
	snprintf(content, sizeof(content), "%s\n", text);
	for (i = 0; content[i]; i++)
		if (content[i] == '_')
			content[i] = ' ';
		else if (content[i] == '~')
			content[i] = '\n';
	path_of(out_name, path, sizeof(path));
	write_file(path, content, strlen(content));
	if (noreceipt)
		return;
	memset(&t, 0, sizeof(t));
	snprintf(t.application, sizeof(t.application), "ssp_sci");
	t.cpu_time = cpu;
	t.wall_time = cpu + 1;
	t.peak_rss_kb = 2048;
	if (ssp_receipt_new(&r) || ssp_receipt_set_result(r, wu, result, ruser, rhost) ||
	    ssp_receipt_set_wrapper(r, "ssp_wrapper", PACKAGE_VERSION) ||
	    ssp_receipt_set_times(r, now - 7200, now - 3600) || ssp_receipt_add_task(r, &t) ||
	    ssp_receipt_add_output_file(r, out_name, path) || ssp_receipt_to_json(r, &json, &len))
		die("cannot build a receipt");
	path_of(rec_name, path, sizeof(path));
	write_file(path, json, len);
	free(json);
	ssp_receipt_free(r);
}

static void xml_doc_in(const char *result, char *out, size_t cap)
{
	snprintf(out, cap,
		 "<file_info><name>%s_0</name><generated_locally/><upload_when_present/>"
		 "<max_nbytes>1000000</max_nbytes></file_info>"
		 "<file_info><name>%s_1</name><generated_locally/><upload_when_present/>"
		 "<max_nbytes>300000</max_nbytes></file_info>"
		 "<result><name>%s</name>"
		 "<file_ref><file_name>%s_0</file_name><open_name>out.txt</open_name></file_ref>"
		 "<file_ref><file_name>%s_1</file_name><open_name>ssp_receipt.json</open_name></file_ref>"
		 "</result>",
		 result, result, result, result, result);
}

static void bulk(unsigned long nwu, unsigned long nusers, unsigned long nhosts, unsigned long first)
{
	char xml[2048], result[96], wu[64], wu_sql[32];
	unsigned long rid = 2 * first - 1;

	if (!nusers || !nhosts)
		die("bulk needs users and hosts");
	printf("INSERT IGNORE INTO user (" USER_COLS ") VALUES ");
	for (unsigned long u = 1; u <= nusers; u++) {
		printf("%s", u > 1 ? "," : "");
		user_values(u, 0);
	}
	printf(";\nINSERT IGNORE INTO host (" HOST_COLS ") VALUES ");
	for (unsigned long h = 1; h <= nhosts; h++) {
		printf("%s", h > 1 ? "," : "");
		host_values(h, (h - 1) % nusers + 1, "3e9", 4);
	}
	printf(";\n");
	for (unsigned long h = 1; h <= nhosts; h++) {
		if (h % 1000 == 1)
			printf("%sINSERT IGNORE INTO host_app_version (" HAV_COLS ") VALUES ",
			       h > 1 ? ";\n" : "");
		printf("%s", h % 1000 == 1 ? "" : ",");
		hav_values(h, 1);
	}
	printf(";\n");
	for (unsigned long i = 0; i < nwu; i++) {
		unsigned long id = first + i;

		snprintf(wu, sizeof(wu), "bw_%lu", id);
		if (i % 1000 == 0)
			printf("%sINSERT INTO workunit (" WU_COLS ") VALUES ", i ? ";\n" : "");
		printf("%s", i % 1000 ? "," : "");
		wu_values(id, wu, "4.32e12", "4.32e13", 2, 2, "0");
	}
	printf(";\n");
	for (unsigned long i = 0; i < nwu; i++) {
		unsigned long id = first + i;

		snprintf(wu, sizeof(wu), "bw_%lu", id);
		snprintf(wu_sql, sizeof(wu_sql), "%lu", id);
		for (int k = 0; k < 2; k++, rid++) {
			unsigned long host = (2 * i + (unsigned long)k) % nhosts + 1;
			unsigned long user = (host - 1) % nusers + 1;
			char text[64];

			snprintf(result, sizeof(result), "%s_%d", wu, k);
			snprintf(text, sizeof(text), "result_of_%lu_%lu", id, id * 7919 % 1000003);
			make_files(wu, result, text, 0, 100, user, host);
			xml_doc_in(result, xml, sizeof(xml));
			if ((2 * i + (unsigned long)k) % 1000 == 0)
				printf("%sINSERT INTO result (" RESULT_COLS ") VALUES ", i || k ? ";\n" : "");
			printf("%s", (2 * i + (unsigned long)k) % 1000 ? "," : "");
			result_values(rid, wu_sql, result, 5, 1, host, user, now - 7200, now - 3600, 100,
				      xml, 0, "0", 1);
		}
	}
	printf(";\n");
}

static void result_line(char **tok, int n)
{
	const char *wu, *idx, *text;
	unsigned long user, host, ruser, rhost, av = 1;
	int server_state = 5, outcome = 1, noreceipt = 0, files = 1, valid = 0;
	double cpu = 100;
	long long sent = 7200, recv = 3600;
	char result[300], xml[2048], wu_sql[400];

	if (n < 6)
		die("result WU INDEX USERID HOSTID TEXT [FLAGS]");
	wu = tok[1];
	idx = tok[2];
	user = strtoul(tok[3], NULL, 10);
	host = strtoul(tok[4], NULL, 10);
	text = tok[5];
	ruser = user;
	rhost = host;
	for (int i = 6; i < n; i++) {
		if (!strcmp(tok[i], "inprogress"))
			server_state = 4, outcome = 0, files = 0;
		else if (!strcmp(tok[i], "unsent"))
			server_state = 2, outcome = 0, files = 0;
		else if (!strcmp(tok[i], "error"))
			outcome = 3, files = 0;
		else if (!strcmp(tok[i], "noreceipt"))
			noreceipt = 1;
		else if (!strcmp(tok[i], "valid"))
			valid = 1;
		else if (!strncmp(tok[i], "cpu=", 4))
			cpu = strtod(tok[i] + 4, NULL);
		else if (!strncmp(tok[i], "user=", 5))
			ruser = strtoul(tok[i] + 5, NULL, 10);
		else if (!strncmp(tok[i], "host=", 5))
			rhost = strtoul(tok[i] + 5, NULL, 10);
		else if (!strncmp(tok[i], "sent=", 5))
			sent = strtoll(tok[i] + 5, NULL, 10);
		else if (!strncmp(tok[i], "recv=", 5))
			recv = strtoll(tok[i] + 5, NULL, 10);
		else if (!strncmp(tok[i], "av=", 3))
			av = strtoul(tok[i] + 3, NULL, 10);
		else
			die("unknown result flag");
	}
	snprintf(result, sizeof(result), "%s_%s", wu, idx);
	if (files)
		make_files(wu, result, text, noreceipt, cpu, ruser, rhost);
	xml_doc_in(result, xml, sizeof(xml));
	snprintf(wu_sql, sizeof(wu_sql), "(SELECT id FROM workunit WHERE name = '%s')", wu);
	printf("INSERT INTO result (" RESULT_COLS ") VALUES ");
	result_values(0, wu_sql, result, server_state, outcome, host, user, now - sent, now - recv,
		      cpu, xml, valid ? 1 : 0, "0", av);
	printf(";\n");
	if (valid)
		printf("UPDATE result r JOIN workunit w ON w.id = r.workunitid SET r.granted_credit ="
		       " w.canonical_credit WHERE r.name = '%s';\n", result);
	printf("UPDATE workunit SET need_validate = 1 WHERE name = '%s';\n", wu);
}

int main(int argc, char **argv)
{
	char line[4096];

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--upload") && i + 1 < argc)
			upload = argv[++i];
		else if (!strcmp(argv[i], "--fanout") && i + 1 < argc)
			fanout = (int)strtol(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "--app") && i + 1 < argc)
			app = argv[++i];
		else if (!strcmp(argv[i], "--appid") && i + 1 < argc)
			appid = strtoul(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "--now") && i + 1 < argc)
			now = strtoll(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "--quota") && i + 1 < argc)
			quota = (int)strtol(argv[++i], NULL, 10);
		else
			die("usage: vfixture --upload DIR [--fanout N] [--app NAME] [--appid ID] [--now T] [--quota N] < spec");
	}
	if (!upload)
		die("--upload DIR is required");
	mkdir(upload, 0755);
	while (fgets(line, sizeof(line), stdin)) {
		char *tok[32], *save = NULL, *t;
		int n = 0;

		for (t = strtok_r(line, " \t\r\n", &save); t && n < 32; t = strtok_r(NULL, " \t\r\n", &save))
			tok[n++] = t;
		if (n == 0 || tok[0][0] == '#')
			continue;
		if (!strcmp(tok[0], "app")) {
			printf("INSERT IGNORE INTO platform (id, create_time, name, user_friendly_name)"
			       " VALUES (1, %lld, 'x86_64-pc-linux-gnu', 'Linux running on x86_64');\n",
			       now - 90 * 86400);
			printf("INSERT IGNORE INTO app (id, create_time, name, user_friendly_name) VALUES"
			       " (%lu, %lld, '%s', 'SmartShare test app');\n", appid, now - 90 * 86400, app);
			printf("INSERT IGNORE INTO app_version (id, create_time, appid, version_num,"
			       " platformid, xml_doc, plan_class) VALUES (1, %lld, %lu, 100, 1,"
			       " '<app_version><app_name>%s</app_name><version_num>100</version_num>"
			       "</app_version>', '');\n", now - 90 * 86400, appid, app);
		} else if (!strcmp(tok[0], "team") && n == 2) {
			printf("INSERT INTO team (id, create_time, userid, name, type, nusers, expavg_time)"
			       " VALUES (%s, %lld, 0, 'team%s', 1, 0, 0);\n", tok[1], now - 60 * 86400,
			       tok[1]);
		} else if (!strcmp(tok[0], "user") && (n == 2 || n == 3)) {
			printf("INSERT INTO user (" USER_COLS ") VALUES ");
			user_values(strtoul(tok[1], NULL, 10), n == 3 ? strtoul(tok[2], NULL, 10) : 0);
			printf(";\n");
		} else if (!strcmp(tok[0], "host") && n >= 3 && n <= 5) {
			unsigned long h = strtoul(tok[1], NULL, 10);

			printf("INSERT INTO host (" HOST_COLS ") VALUES ");
			host_values(h, strtoul(tok[2], NULL, 10), n >= 4 ? tok[3] : "3e9",
				    n == 5 ? (int)strtol(tok[4], NULL, 10) : 1);
			printf(";\nINSERT INTO host_app_version (" HAV_COLS ") VALUES ");
			hav_values(h, 1);
			printf(";\n");
		} else if (!strcmp(tok[0], "wu") && (n == 5 || n == 6)) {
			char bound[80];

			snprintf(bound, sizeof(bound), "10 * %s", tok[4]);
			printf("INSERT INTO workunit (" WU_COLS ") VALUES ");
			wu_values(0, tok[1], tok[4], bound, (int)strtol(tok[2], NULL, 10),
				  (int)strtol(tok[3], NULL, 10), n == 6 ? tok[5] : "0");
			printf(";\n");
		} else if (!strcmp(tok[0], "result")) {
			result_line(tok, n);
		} else if (!strcmp(tok[0], "canonical") && n == 3) {
			printf("UPDATE workunit w JOIN result r ON r.name = '%s_%s' SET"
			       " w.canonical_resultid = r.id, w.assimilate_state = 2 WHERE w.name = '%s';\n",
			       tok[1], tok[2], tok[1]);
		} else if (!strcmp(tok[0], "bulk") && (n == 4 || n == 5)) {
			bulk(strtoul(tok[1], NULL, 10), strtoul(tok[2], NULL, 10), strtoul(tok[3], NULL, 10),
			     n == 5 ? strtoul(tok[4], NULL, 10) : 1);
		} else {
			die("bad spec line");
		}
	}
	return fflush(stdout) ? 2 : 0;
}
