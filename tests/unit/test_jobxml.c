/* Suite for lib/ssp_jobxml: BOINC wrapper job.xml parsing, macros and command lines. */
#include "ssp_cu.h"
#include "core/ssp_err.h"
#include "boinc/ssp_jobxml.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int parse_str(const char *xml, ssp_jobxml **job, ssp_errmsg *em)
{
	return ssp_jobxml_parse(xml, strlen(xml), job, em);
}

static void test_full_file(void)
{
	ssp_jobxml *job = NULL;
	ssp_errmsg em = { { 0 } };
	const ssp_jobxml_task *t;

	CU_ASSERT_EQUAL_FATAL(ssp_jobxml_read(ssp_cu_data("wrapper/job_full.xml"), &job, &em), 0);
	CU_ASSERT_EQUAL(ssp_jobxml_ntasks(job), 2);
	CU_ASSERT_DOUBLE_EQUAL(ssp_jobxml_total_weight(job), 3.5, 1e-12);
	t = ssp_jobxml_task_at(job, 0);
	CU_ASSERT_STRING_EQUAL(t->application, "prepare");
	CU_ASSERT_STRING_EQUAL(t->command_line, "--mode \"two words\" 'single q' boinc_resolve(in)");
	CU_ASSERT_STRING_EQUAL(t->stdin_filename, "in");
	CU_ASSERT_STRING_EQUAL(t->stdout_filename, "prep_out");
	CU_ASSERT_STRING_EQUAL(t->stderr_filename, "prep_err");
	CU_ASSERT_PTR_NULL(t->checkpoint_filename);
	CU_ASSERT_PTR_NULL(t->fraction_done_filename);
	CU_ASSERT_DOUBLE_EQUAL(t->weight, 0.5, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(t->time_limit, 0, 0);
	CU_ASSERT_EQUAL(t->nsetenv, 2);
	CU_ASSERT_STRING_EQUAL(t->setenv[0], "OMP_NUM_THREADS=1");
	CU_ASSERT_STRING_EQUAL(t->setenv[1], "DATA=$PROJECT_DIR/data");
	CU_ASSERT_EQUAL(t->append_cmdline_args, 0);
	t = ssp_jobxml_task_at(job, 1);
	CU_ASSERT_STRING_EQUAL(t->application, "$PROJECT_DIR/sci");
	CU_ASSERT_STRING_EQUAL(t->command_line, "--checkpoint ckpt & --x=<1>");
	CU_ASSERT_STRING_EQUAL(t->checkpoint_filename, "ckpt");
	CU_ASSERT_STRING_EQUAL(t->fraction_done_filename, "frac");
	CU_ASSERT_STRING_EQUAL(t->exec_dir, "work");
	CU_ASSERT_DOUBLE_EQUAL(t->weight, 3.0, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(t->time_limit, 600.0, 1e-12);
	CU_ASSERT_EQUAL(t->append_cmdline_args, 1);
	CU_ASSERT_EQUAL(t->multi_process, 0);
	CU_ASSERT_EQUAL(t->priority, 1);
	CU_ASSERT_PTR_NULL(ssp_jobxml_task_at(job, 2));
	CU_ASSERT_EQUAL(ssp_jobxml_noutputs(job), 2);
	CU_ASSERT_STRING_EQUAL(ssp_jobxml_output_at(job, 0), "result");
	CU_ASSERT_STRING_EQUAL(ssp_jobxml_output_at(job, 1), "log");
	CU_ASSERT_PTR_NULL(ssp_jobxml_output_at(job, 2));
	CU_ASSERT_EQUAL(ssp_jobxml_nignored(job), 1);
	CU_ASSERT_STRING_EQUAL(ssp_jobxml_first_ignored(job), "unknown_future_tag");
	ssp_jobxml_free(job);
}

/* The smallest job BOINC's wrapper accepts; defaults. */
static void test_minimal(void)
{
	ssp_jobxml *job = NULL;
	const ssp_jobxml_task *t;

	CU_ASSERT_EQUAL_FATAL(parse_str("<job_desc><task><application>a</application></task></job_desc>",
					&job, NULL), 0);
	t = ssp_jobxml_task_at(job, 0);
	CU_ASSERT_STRING_EQUAL(t->application, "a");
	CU_ASSERT_PTR_NULL(t->command_line);
	CU_ASSERT_DOUBLE_EQUAL(t->weight, 1.0, 0);
	CU_ASSERT_EQUAL(t->nsetenv, 0);
	CU_ASSERT_EQUAL(ssp_jobxml_noutputs(job), 0);
	CU_ASSERT_EQUAL(ssp_jobxml_nignored(job), 0);
	CU_ASSERT_PTR_NULL(ssp_jobxml_first_ignored(job));
	ssp_jobxml_free(job);
	ssp_jobxml_free(NULL);
}

struct bad_case {
	const char *xml;
	int rc;
	const char *msg; /* a substring of the error message */
};

static void test_malformed(void)
{
	static const struct bad_case cases[] = {
		{ "", SSP_ERR_PARSE, "job.xml" },
		{ "garbage", SSP_ERR_PARSE, "line 1" },
		{ "<job_desc><task><application>a</application></task>", SSP_ERR_PARSE, "line" },
		{ "<job_desc><task><application>a</application></tsk></job_desc>", SSP_ERR_PARSE, "line" },
		{ "<jobdesc><task><application>a</application></task></jobdesc>", SSP_ERR_PARSE, "<job_desc>" },
		{ "<job_desc></job_desc>", SSP_ERR_PARSE, "no <task>" },
		{ "<job_desc><task><command_line>x</command_line></task></job_desc>", SSP_ERR_PARSE,
		  "no <application>" },
		{ "<job_desc><task><application></application></task></job_desc>", SSP_ERR_PARSE, "empty" },
		{ "<job_desc><task><application>a</application><application>b</application></task></job_desc>",
		  SSP_ERR_PARSE, "twice" },
		{ "<job_desc><task><application>a<b/></application></task></job_desc>", SSP_ERR_PARSE,
		  "text only" },
		{ "<job_desc><task><application>a</application><weight>x</weight></task></job_desc>",
		  SSP_ERR_PARSE, "<weight>" },
		{ "<job_desc><task><application>a</application><weight>-1</weight></task></job_desc>",
		  SSP_ERR_PARSE, "<weight>" },
		{ "<job_desc><task><application>a</application><weight>nan</weight></task></job_desc>",
		  SSP_ERR_PARSE, "<weight>" },
		{ "<job_desc><task><application>a</application><weight>1e400</weight></task></job_desc>",
		  SSP_ERR_PARSE, "<weight>" },
		{ "<job_desc><task><application>a</application><weight>0</weight></task></job_desc>",
		  SSP_ERR_PARSE, "add up to 0" },
		{ "<job_desc><task><application>a</application><time_limit>10s</time_limit></task></job_desc>",
		  SSP_ERR_PARSE, "<time_limit>" },
		{ "<job_desc><task><application>a</application><setenv>NOEQUALS</setenv></task></job_desc>",
		  SSP_ERR_PARSE, "NAME=value" },
		{ "<job_desc><task><application>a</application><setenv>=v</setenv></task></job_desc>",
		  SSP_ERR_PARSE, "NAME=value" },
		{ "<job_desc><task><application>a</application><setenv>1X=v</setenv></task></job_desc>",
		  SSP_ERR_PARSE, "NAME=value" },
		{ "<job_desc><task><application>a</application><append_cmdline_args>yes</append_cmdline_args></task></job_desc>",
		  SSP_ERR_PARSE, "empty, 0 or 1" },
		{ "<job_desc><task><application>a</application><priority>9</priority></task></job_desc>",
		  SSP_ERR_PARSE, "<priority>" },
		{ "<job_desc>stray<task><application>a</application></task></job_desc>", SSP_ERR_PARSE,
		  "unexpected text" },
		{ "<job_desc><task>stray<application>a</application></task></job_desc>", SSP_ERR_PARSE,
		  "unexpected text" },
		{ "<!DOCTYPE job_desc [<!ENTITY x \"y\">]><job_desc><task><application>&x;</application></task></job_desc>",
		  SSP_ERR_PARSE, "DOCTYPE" },
		{ "<job_desc><task><application>&undefined;</application></task></job_desc>", SSP_ERR_PARSE,
		  "line" },
		{ "<job_desc><task><application>a</application></task><ssp_output>a/b</ssp_output></job_desc>",
		  SSP_ERR_PARSE, "plain file name" },
		{ "<job_desc><task><application>a</application></task><ssp_output>o</ssp_output><ssp_output>o</ssp_output></job_desc>",
		  SSP_ERR_PARSE, "twice" },
		{ "<job_desc><task><application>a</application></task><daemon><application>d</application></daemon></job_desc>",
		  SSP_ERR_UNSUPPORTED, "<daemon>" },
		{ "<job_desc><task><application>a</application></task><unzip_input><zipfilename>z</zipfilename></unzip_input></job_desc>",
		  SSP_ERR_UNSUPPORTED, "<unzip_input>" },
		{ "<job_desc><task><application>a</application><daemon/></task></job_desc>",
		  SSP_ERR_UNSUPPORTED, "daemon" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ssp_jobxml *job = (ssp_jobxml *)&cases[i]; /* must be reset to NULL */
		ssp_errmsg em = { { 0 } };
		int rc = parse_str(cases[i].xml, &job, &em);

		if (rc != cases[i].rc || strstr(em.msg, cases[i].msg) == NULL)
			fprintf(stderr, "\ncase %zu: rc %d msg \"%s\"\n", i, rc, em.msg);
		CU_ASSERT_EQUAL(rc, cases[i].rc);
		CU_ASSERT_PTR_NULL(job);
		CU_ASSERT_PTR_NOT_NULL(strstr(em.msg, cases[i].msg));
	}
}

/* Every truncation of a valid file is refused, never crashes, never half-succeeds. */
static void test_truncated(void)
{
	size_t len = 0;
	char *xml = ssp_cu_slurp("wrapper/job_full.xml", &len);
	size_t bad = 0;

	for (size_t n = 0; n < len; n++) {
		ssp_jobxml *job = NULL;
		int rc = ssp_jobxml_parse(xml, n, &job, NULL);

		/* The closing tag ends at len-1 (before the final newline): shorter is malformed. */
		if (n < len - 1) {
			if (rc == 0)
				bad++;
			CU_ASSERT_PTR_NULL(job);
		}
		ssp_jobxml_free(job);
	}
	CU_ASSERT_EQUAL(bad, 0);
	free(xml);
}

static void test_caps(void)
{
	ssp_jobxml *job = NULL;
	ssp_errmsg em = { { 0 } };
	size_t cap = SSP_JOBXML_MAX_BYTES + 100, n = 0;
	char *big = malloc(cap + SSP_JOBXML_MAX_STRING + 200);

	/* Whole file over the cap, even though well-formed. */
	n += (size_t)sprintf(big, "<job_desc><task><application>a</application></task><!--");
	memset(big + n, 'x', SSP_JOBXML_MAX_BYTES);
	n += SSP_JOBXML_MAX_BYTES;
	n += (size_t)sprintf(big + n, "--></job_desc>");
	CU_ASSERT_EQUAL(ssp_jobxml_parse(big, n, &job, &em), SSP_ERR_TOO_BIG);
	CU_ASSERT_PTR_NULL(job);

	/* One value over the string cap. */
	n = (size_t)sprintf(big, "<job_desc><task><application>");
	memset(big + n, 'y', SSP_JOBXML_MAX_STRING + 1);
	n += SSP_JOBXML_MAX_STRING + 1;
	n += (size_t)sprintf(big + n, "</application></task></job_desc>");
	CU_ASSERT_EQUAL(ssp_jobxml_parse(big, n, &job, &em), SSP_ERR_TOO_BIG);
	CU_ASSERT_PTR_NOT_NULL(strstr(em.msg, "<application>"));

	/* Exactly at the string cap is fine. */
	n = (size_t)sprintf(big, "<job_desc><task><application>");
	memset(big + n, 'y', SSP_JOBXML_MAX_STRING);
	n += SSP_JOBXML_MAX_STRING;
	n += (size_t)sprintf(big + n, "</application></task></job_desc>");
	CU_ASSERT_EQUAL(ssp_jobxml_parse(big, n, &job, &em), 0);
	CU_ASSERT_EQUAL(strlen(ssp_jobxml_task_at(job, 0)->application), SSP_JOBXML_MAX_STRING);
	ssp_jobxml_free(job);
	job = NULL;

	/* 64 tasks pass, 65 do not. */
	for (int ntasks = 64; ntasks <= 65; ntasks++) {
		n = (size_t)sprintf(big, "<job_desc>");
		for (int i = 0; i < ntasks; i++)
			n += (size_t)sprintf(big + n, "<task><application>a%d</application></task>", i);
		n += (size_t)sprintf(big + n, "</job_desc>");
		CU_ASSERT_EQUAL(ssp_jobxml_parse(big, n, &job, &em), ntasks == 64 ? 0 : SSP_ERR_TOO_BIG);
		if (job)
			CU_ASSERT_EQUAL(ssp_jobxml_ntasks(job), 64);
		ssp_jobxml_free(job);
		job = NULL;
	}
	/* 65 setenv in one task. */
	n = (size_t)sprintf(big, "<job_desc><task><application>a</application>");
	for (int i = 0; i < 65; i++)
		n += (size_t)sprintf(big + n, "<setenv>V%d=x</setenv>", i);
	n += (size_t)sprintf(big + n, "</task></job_desc>");
	CU_ASSERT_EQUAL(ssp_jobxml_parse(big, n, &job, &em), SSP_ERR_TOO_BIG);
	/* A NUL byte inside. */
	memcpy(big, "<job_desc>\0", 11);
	CU_ASSERT_EQUAL(ssp_jobxml_parse(big, 11, &job, &em), SSP_ERR_PARSE);
	CU_ASSERT_EQUAL(ssp_jobxml_parse(NULL, 0, &job, &em), SSP_ERR_INVAL);
	free(big);
}

static void test_read_errors(void)
{
	ssp_jobxml *job = NULL;
	ssp_errmsg em = { { 0 } };

	CU_ASSERT_EQUAL(ssp_jobxml_read("/nonexistent/job.xml", &job, &em), SSP_ERR_NOT_FOUND);
	CU_ASSERT_PTR_NOT_NULL(strstr(em.msg, "not found"));
	CU_ASSERT_EQUAL(ssp_jobxml_read(ssp_cu_data("wrapper"), &job, &em), SSP_ERR_IO);
	CU_ASSERT_PTR_NULL(job);
}

static void test_subst(void)
{
	char *s = NULL;
	char big[SSP_JOBXML_MAX_STRING];

	CU_ASSERT_EQUAL(ssp_jobxml_subst("$PROJECT_DIR/bin/x", "/p/d", &s), 0);
	CU_ASSERT_STRING_EQUAL(s, "/p/d/bin/x");
	free(s);
	CU_ASSERT_EQUAL(ssp_jobxml_subst("a $PROJECT_DIR b $PROJECT_DIR$PROJECT_DIR", "X", &s), 0);
	CU_ASSERT_STRING_EQUAL(s, "a X b XX");
	free(s);
	CU_ASSERT_EQUAL(ssp_jobxml_subst("no macro $PROJECT", "X", &s), 0);
	CU_ASSERT_STRING_EQUAL(s, "no macro $PROJECT");
	free(s);
	/* The replacement contains the macro: no recursion. */
	CU_ASSERT_EQUAL(ssp_jobxml_subst("$PROJECT_DIR", "$PROJECT_DIR", &s), 0);
	CU_ASSERT_STRING_EQUAL(s, "$PROJECT_DIR");
	free(s);
	memset(big, 'd', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	CU_ASSERT_EQUAL(ssp_jobxml_subst("$PROJECT_DIR/x", big, &s), SSP_ERR_TOO_BIG);
	CU_ASSERT_PTR_NULL(s);
	/* Other macros; a prefix of a longer name is replaced too, like BOINC's wrapper does. */
	CU_ASSERT_EQUAL(ssp_jobxml_replace("-t $NTHREADS $NTHREADSX", "$NTHREADS", "4", &s), 0);
	CU_ASSERT_STRING_EQUAL(s, "-t 4 4X");
	free(s);
	CU_ASSERT_EQUAL(ssp_jobxml_replace("abc", "", "x", &s), SSP_ERR_INVAL);
	CU_ASSERT_EQUAL(ssp_jobxml_replace("", "$PWD", "x", &s), 0);
	CU_ASSERT_STRING_EQUAL(s, "");
	free(s);
}

static void test_split(void)
{
	char **argv = NULL;
	size_t argc = 99;
	ssp_errmsg em = { { 0 } };
	char *many;

	CU_ASSERT_EQUAL(ssp_jobxml_split_cmdline("  a  bb\t\"c d\" 'e \"f' x\"y z\"w \"\" ", &argv, &argc, &em), 0);
	CU_ASSERT_EQUAL_FATAL(argc, 6);
	CU_ASSERT_STRING_EQUAL(argv[0], "a");
	CU_ASSERT_STRING_EQUAL(argv[1], "bb");
	CU_ASSERT_STRING_EQUAL(argv[2], "c d");
	CU_ASSERT_STRING_EQUAL(argv[3], "e \"f");
	CU_ASSERT_STRING_EQUAL(argv[4], "xy zw");
	CU_ASSERT_STRING_EQUAL(argv[5], "");
	CU_ASSERT_PTR_NULL(argv[6]);
	ssp_jobxml_argv_free(argv);

	CU_ASSERT_EQUAL(ssp_jobxml_split_cmdline("", &argv, &argc, &em), 0);
	CU_ASSERT_EQUAL(argc, 0);
	CU_ASSERT_PTR_NULL(argv[0]);
	ssp_jobxml_argv_free(argv);

	CU_ASSERT_EQUAL(ssp_jobxml_split_cmdline("a \"b c", &argv, &argc, &em), SSP_ERR_PARSE);
	CU_ASSERT_PTR_NULL(argv);
	CU_ASSERT_EQUAL(argc, 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(em.msg, "unterminated"));

	many = malloc(2 * 300 + 1);
	for (int i = 0; i < 300; i++)
		memcpy(many + 2 * i, "x ", 2);
	many[2 * 257] = '\0';
	CU_ASSERT_EQUAL(ssp_jobxml_split_cmdline(many, &argv, &argc, &em), SSP_ERR_TOO_BIG);
	many[2 * 256] = '\0';
	CU_ASSERT_EQUAL(ssp_jobxml_split_cmdline(many, &argv, &argc, &em), 0);
	CU_ASSERT_EQUAL(argc, 256);
	ssp_jobxml_argv_free(argv);
	ssp_jobxml_argv_free(NULL);
	free(many);
}

static void same_task(const ssp_jobxml_task *a, const ssp_jobxml_task *b)
{
	const char *const *sa[] = { (const char *const *)&a->application, (const char *const *)&a->command_line,
				    (const char *const *)&a->stdin_filename, (const char *const *)&a->stdout_filename,
				    (const char *const *)&a->stderr_filename,
				    (const char *const *)&a->checkpoint_filename,
				    (const char *const *)&a->fraction_done_filename, (const char *const *)&a->exec_dir };
	const char *const *sb[] = { (const char *const *)&b->application, (const char *const *)&b->command_line,
				    (const char *const *)&b->stdin_filename, (const char *const *)&b->stdout_filename,
				    (const char *const *)&b->stderr_filename,
				    (const char *const *)&b->checkpoint_filename,
				    (const char *const *)&b->fraction_done_filename, (const char *const *)&b->exec_dir };

	for (size_t k = 0; k < sizeof(sa) / sizeof(sa[0]); k++) {
		if (*sa[k] == NULL) {
			CU_ASSERT_PTR_NULL(*sb[k]);
		} else {
			CU_ASSERT(*sb[k] != NULL && strcmp(*sa[k], *sb[k]) == 0);
		}
	}
	CU_ASSERT_EQUAL_FATAL(a->nsetenv, b->nsetenv);
	for (size_t k = 0; k < a->nsetenv; k++)
		CU_ASSERT_STRING_EQUAL(a->setenv[k], b->setenv[k]);
	CU_ASSERT_DOUBLE_EQUAL(a->weight, b->weight, 0);
	CU_ASSERT_DOUBLE_EQUAL(a->time_limit, b->time_limit, 0);
	CU_ASSERT_EQUAL(a->priority, b->priority);
	CU_ASSERT_EQUAL(a->append_cmdline_args, b->append_cmdline_args);
	CU_ASSERT_EQUAL(a->multi_process, b->multi_process);
}

/* The JSON form carries a parsed job unchanged, and is checked like the XML. */
static void test_json_form(void)
{
	static const char *const bad[] = {
		"", "[]", "{\"tasks\":[],\"outputs\":[]}",
		"{\"tasks\":[{}],\"outputs\":[]}",
		"{\"tasks\":[{\"application\":\"\",\"setenv\":[],\"weight\":1,\"time_limit\":0,\"priority\":0,"
		"\"append_cmdline_args\":false,\"multi_process\":false}],\"outputs\":[]}",
		"{\"tasks\":[{\"application\":\"a\",\"setenv\":[\"1=x\"],\"weight\":1,\"time_limit\":0,\"priority\":0,"
		"\"append_cmdline_args\":false,\"multi_process\":false}],\"outputs\":[]}",
		"{\"tasks\":[{\"application\":\"a\",\"setenv\":[],\"weight\":-1,\"time_limit\":0,\"priority\":0,"
		"\"append_cmdline_args\":false,\"multi_process\":false}],\"outputs\":[]}",
		"{\"tasks\":[{\"application\":\"a\",\"setenv\":[],\"weight\":0,\"time_limit\":0,\"priority\":0,"
		"\"append_cmdline_args\":false,\"multi_process\":false}],\"outputs\":[]}",
		"{\"tasks\":[{\"application\":\"a\",\"setenv\":[],\"weight\":1,\"time_limit\":0,\"priority\":7,"
		"\"append_cmdline_args\":false,\"multi_process\":false}],\"outputs\":[]}",
		"{\"tasks\":[{\"application\":\"a\",\"setenv\":[],\"weight\":1,\"time_limit\":0,\"priority\":0,"
		"\"append_cmdline_args\":1,\"multi_process\":false}],\"outputs\":[]}",
		"{\"tasks\":[{\"application\":\"a\",\"setenv\":[],\"weight\":1,\"time_limit\":0,\"priority\":0,"
		"\"append_cmdline_args\":false,\"multi_process\":false}],\"outputs\":[\"a/b\"]}",
		"{\"tasks\":[{\"application\":\"a\",\"setenv\":[],\"weight\":1,\"time_limit\":0,\"priority\":0,"
		"\"append_cmdline_args\":false,\"multi_process\":false}],\"outputs\":[\"o\",\"o\"]}",
	};
	ssp_jobxml *job = NULL, *back = NULL;
	char *js = NULL, *js2 = NULL;
	size_t len = 0, len2 = 0;
	ssp_errmsg em = { { 0 } };

	CU_ASSERT_EQUAL_FATAL(ssp_jobxml_read(ssp_cu_data("wrapper/job_full.xml"), &job, &em), 0);
	CU_ASSERT_EQUAL_FATAL(ssp_jobxml_to_json(job, &js, &len), 0);
	CU_ASSERT_EQUAL_FATAL(ssp_jobxml_from_json(js, len, &back, &em), 0);
	CU_ASSERT_EQUAL_FATAL(ssp_jobxml_ntasks(back), ssp_jobxml_ntasks(job));
	for (size_t i = 0; i < ssp_jobxml_ntasks(job); i++)
		same_task(ssp_jobxml_task_at(job, i), ssp_jobxml_task_at(back, i));
	CU_ASSERT_EQUAL(ssp_jobxml_noutputs(back), 2);
	CU_ASSERT_STRING_EQUAL(ssp_jobxml_output_at(back, 1), "log");
	CU_ASSERT_DOUBLE_EQUAL(ssp_jobxml_total_weight(back), 3.5, 0);
	CU_ASSERT_EQUAL(ssp_jobxml_nignored(back), 1);
	CU_ASSERT_STRING_EQUAL(ssp_jobxml_first_ignored(back), "unknown_future_tag");
	/* Serializing the copy gives the same text. */
	CU_ASSERT_EQUAL(ssp_jobxml_to_json(back, &js2, &len2), 0);
	CU_ASSERT_EQUAL(len2, len);
	CU_ASSERT_STRING_EQUAL(js2, js);
	free(js);
	free(js2);
	ssp_jobxml_free(job);
	ssp_jobxml_free(back);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		back = (ssp_jobxml *)&em;
		CU_ASSERT_NOT_EQUAL(ssp_jobxml_from_json(bad[i], strlen(bad[i]), &back, &em), 0);
		CU_ASSERT_PTR_NULL(back);
	}
	CU_ASSERT_EQUAL(ssp_jobxml_from_json(NULL, 0, &back, &em), SSP_ERR_INVAL);
}

int main(void)
{
	CU_TestInfo tests[] = {
		{ "full job.xml", test_full_file },
		{ "minimal and defaults", test_minimal },
		{ "malformed inputs", test_malformed },
		{ "every truncation", test_truncated },
		{ "size caps", test_caps },
		{ "read errors", test_read_errors },
		{ "$PROJECT_DIR substitution", test_subst },
		{ "command line split", test_split },
		{ "JSON form", test_json_form },
		CU_TEST_INFO_NULL,
	};

	return ssp_cu_run("jobxml", tests);
}
