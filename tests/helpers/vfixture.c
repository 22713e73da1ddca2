/* vfixture: makes BOINC work units, results, output files and share receipts for the
 * validator's tests, the benchmark and the demo. Not installed.
 *
 * Usage: vfixture --upload DIR [--fanout N] [--app NAME] [--appid ID] [--now T] < spec > sql
 * Writes the result files (an output and ssp_receipt.json per result) into the upload tree
 * and SQL for the BOINC-schema fixture (sql/boinc_fixture.sql) on stdout. Spec lines:
 *   app                                  (insert the app row)
 *   team ID
 *   user ID [TEAMID]
 *   host ID USERID [P_FPOPS]
 *   wu NAME QUORUM TARGET FPOPS_EST [CANONICAL_CREDIT]
 *   result WU INDEX USERID HOSTID TEXT [FLAG...]
 *        the result is named WU_INDEX, its output WU_INDEX_0 (open_name out.txt) holds TEXT
 *        with '_' read as ' ' and a newline, its receipt is WU_INDEX_1 (ssp_receipt.json).
 *        FLAGS: inprogress, unsent (no files), error (client error, no files), noreceipt,
 *        cpu=SECONDS (receipt CPU time, default 100), user=ID / host=ID (what the receipt
 *        claims), valid (already VALID: a canonical one, with granted credit CANONICAL_CREDIT)
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
	char xml[2048], result[96], wu[64];
	unsigned long rid = 2 * first - 1;

	if (!nusers || !nhosts)
		die("bulk needs users and hosts");
	printf("INSERT IGNORE INTO user (id, name, teamid) VALUES ");
	for (unsigned long u = 1; u <= nusers; u++)
		printf("%s(%lu, 'u%lu', 0)", u > 1 ? "," : "", u, u);
	printf(";\nINSERT IGNORE INTO host (id, userid, p_fpops) VALUES ");
	for (unsigned long h = 1; h <= nhosts; h++)
		printf("%s(%lu, %lu, 3e9)", h > 1 ? "," : "", h, (h - 1) % nusers + 1);
	printf(";\n");
	for (unsigned long i = 0; i < nwu; i++) {
		unsigned long id = first + i;

		snprintf(wu, sizeof(wu), "bw_%lu", id);
		if (i % 1000 == 0)
			printf("%sINSERT INTO workunit (id, appid, name, rsc_fpops_est, rsc_fpops_bound,"
			       " need_validate, min_quorum, target_nresults, transition_time) VALUES ",
			       i ? ";\n" : "");
		printf("%s(%lu, %lu, '%s', 4.32e12, 4.32e13, 1, 2, 2, %lld)", i % 1000 ? "," : "", id,
		       appid, wu, now + 86400);
	}
	printf(";\n");
	for (unsigned long i = 0; i < nwu; i++) {
		unsigned long id = first + i;

		snprintf(wu, sizeof(wu), "bw_%lu", id);
		for (int k = 0; k < 2; k++, rid++) {
			unsigned long host = (2 * i + (unsigned long)k) % nhosts + 1;
			unsigned long user = (host - 1) % nusers + 1;
			char text[64];

			snprintf(result, sizeof(result), "%s_%d", wu, k);
			snprintf(text, sizeof(text), "result_of_%lu_%lu", id, id * 7919 % 1000003);
			make_files(wu, result, text, 0, 100, user, host);
			xml_doc_in(result, xml, sizeof(xml));
			if ((2 * i + (unsigned long)k) % 1000 == 0)
				printf("%sINSERT INTO result (id, workunitid, server_state, outcome, hostid,"
				       " userid, sent_time, received_time, name, appid, xml_doc_in) VALUES ",
				       i || k ? ";\n" : "");
			printf("%s(%lu, %lu, 5, 1, %lu, %lu, %lld, %lld, '%s', %lu, '%s')",
			       (2 * i + (unsigned long)k) % 1000 ? "," : "", rid, id, host, user,
			       now - 7200, now - 3600, result, appid, xml);
		}
	}
	printf(";\n");
}

static void result_line(char **tok, int n)
{
	const char *wu, *idx, *text;
	unsigned long user, host, ruser, rhost;
	int server_state = 5, outcome = 1, noreceipt = 0, files = 1, valid = 0;
	double cpu = 100;
	char result[300], xml[2048];

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
		else
			die("unknown result flag");
	}
	snprintf(result, sizeof(result), "%s_%s", wu, idx);
	if (files)
		make_files(wu, result, text, noreceipt, cpu, ruser, rhost);
	xml_doc_in(result, xml, sizeof(xml));
	printf("INSERT INTO result (workunitid, server_state, outcome, validate_state, granted_credit,"
	       " hostid, userid, sent_time, received_time, name, appid, xml_doc_in)"
	       " SELECT id, %d, %d, %d, %s, %lu, %lu, %lld, %lld, '%s', %lu, '%s'"
	       " FROM workunit WHERE name = '%s';\n",
	       server_state, outcome, valid ? 1 : 0, valid ? "canonical_credit" : "0", host, user,
	       now - 7200, server_state == 5 ? now - 3600 : 0, result, appid, xml, wu);
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
		else
			die("usage: vfixture --upload DIR [--fanout N] [--app NAME] [--appid ID] [--now T] < spec");
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
			printf("INSERT IGNORE INTO app (id, name) VALUES (%lu, '%s');\n", appid, app);
		} else if (!strcmp(tok[0], "team") && n == 2) {
			printf("INSERT INTO team (id, name) VALUES (%s, 'team%s');\n", tok[1], tok[1]);
		} else if (!strcmp(tok[0], "user") && (n == 2 || n == 3)) {
			printf("INSERT INTO user (id, name, teamid) VALUES (%s, 'user%s', %s);\n", tok[1],
			       tok[1], n == 3 ? tok[2] : "0");
		} else if (!strcmp(tok[0], "host") && (n == 3 || n == 4)) {
			printf("INSERT INTO host (id, userid, p_fpops) VALUES (%s, %s, %s);\n", tok[1],
			       tok[2], n == 4 ? tok[3] : "3e9");
		} else if (!strcmp(tok[0], "wu") && (n == 5 || n == 6)) {
			printf("INSERT INTO workunit (appid, name, min_quorum, target_nresults,"
			       " rsc_fpops_est, rsc_fpops_bound, canonical_credit, need_validate,"
			       " transition_time) VALUES (%lu, '%s', %s, %s, %s, 10 * %s, %s, 1, %lld);\n",
			       appid, tok[1], tok[2], tok[3], tok[4], tok[4], n == 6 ? tok[5] : "0",
			       now + 86400);
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
