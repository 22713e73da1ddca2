/* Suite for lib/ssp_sha256 and lib/ssp_receipt: SHA-256 against sha256sum vectors, the share
 * receipt (build, strict parse, digest checks) and the wrapper's checkpoint state. */
#include "ssp_cu.h"
#include "core/ssp_err.h"
#include "core/ssp_file.h"
#include "core/ssp_hex.h"
#include "boinc/ssp_receipt.h"
#include "crypto/ssp_sha256.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char *tmp_file(const char *name)
{
	static char path[4096];

	snprintf(path, sizeof(path), "%s/%s", ssp_cu_tmpdir(), name);
	return path;
}

/* ---- SHA-256 ---- */

static void test_sha256_vectors(void)
{
	size_t len = 0, count = 0;
	char *text = ssp_cu_slurp("wrapper/sha256_vectors.txt", &len);
	char *save = NULL;

	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		unsigned long n;
		char hex[65];
		uint8_t want[32], got[32], got2[32];
		unsigned char *msg;
		ssp_sha256_ctx *c = NULL;

		if (line[0] == '#')
			continue;
		CU_ASSERT_EQUAL_FATAL(sscanf(line, "%lu %64s", &n, hex), 2);
		CU_ASSERT_EQUAL_FATAL(ssp_hex_decode_exact(hex, want, 32), 0);
		msg = malloc(n + 1);
		memset(msg, 'a', n);
		CU_ASSERT_EQUAL(ssp_sha256(msg, n, got), 0);
		CU_ASSERT_EQUAL(memcmp(got, want, 32), 0);
		/* The same through the streaming interface, in uneven pieces. */
		CU_ASSERT_EQUAL_FATAL(ssp_sha256_new(&c), 0);
		for (size_t off = 0, step = 1; off < n; off += step, step = step * 3 + 1) {
			size_t k = step < n - off ? step : n - off;

			CU_ASSERT_EQUAL(ssp_sha256_update(c, msg + off, k), 0);
		}
		CU_ASSERT_EQUAL(ssp_sha256_final(c, got2), 0);
		CU_ASSERT_EQUAL(memcmp(got2, want, 32), 0);
		ssp_sha256_free(c);
		free(msg);
		count++;
	}
	CU_ASSERT_EQUAL(count, 16);
	free(text);
}

static void test_sha256_abc_and_files(void)
{
	/* FIPS 180-2, appendix B.1. */
	static const char abc[] = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
	uint8_t want[32], got[32];
	uint64_t n = 1;
	ssp_sha256_ctx *c = NULL;

	CU_ASSERT_EQUAL(ssp_hex_decode_exact(abc, want, 32), 0);
	CU_ASSERT_EQUAL(ssp_sha256("abc", 3, got), 0);
	CU_ASSERT_EQUAL(memcmp(got, want, 32), 0);
	/* Context reuse after final. */
	CU_ASSERT_EQUAL_FATAL(ssp_sha256_new(&c), 0);
	CU_ASSERT_EQUAL(ssp_sha256_update(c, "xyz", 3), 0);
	CU_ASSERT_EQUAL(ssp_sha256_final(c, got), 0);
	CU_ASSERT_EQUAL(ssp_sha256_update(c, "abc", 3), 0);
	CU_ASSERT_EQUAL(ssp_sha256_final(c, got), 0);
	CU_ASSERT_EQUAL(memcmp(got, want, 32), 0);
	ssp_sha256_free(c);
	ssp_sha256_free(NULL);

	/* Files hashed by sha256sum (tests/data/wrapper/README.md). */
	CU_ASSERT_EQUAL(ssp_hex_decode_exact("e1630f843370f402870799e14abbf2b06af2d23b0153658e1211dffabc61ad8f",
					     want, 32), 0);
	CU_ASSERT_EQUAL(ssp_sha256_file(ssp_cu_data("wrapper/out_x3000.bin"), got, &n), 0);
	CU_ASSERT_EQUAL(n, 3000);
	CU_ASSERT_EQUAL(memcmp(got, want, 32), 0);
	CU_ASSERT_EQUAL(ssp_sha256_file("/nonexistent/file", got, &n), SSP_ERR_NOT_FOUND);
	CU_ASSERT_EQUAL(n, 0);
	CU_ASSERT_EQUAL(ssp_sha256_file(ssp_cu_data("wrapper"), got, NULL), SSP_ERR_IO);
}

/* ---- receipt: parsing the sample ---- */

static ssp_receipt *sample(void)
{
	size_t len = 0;
	char *js = ssp_cu_slurp("wrapper/receipt_ok.json", &len);
	ssp_receipt *r = NULL;
	ssp_errmsg em = { { 0 } };

	if (ssp_receipt_parse(js, len, &r, &em) != 0)
		fprintf(stderr, "sample: %s\n", em.msg);
	free(js);
	return r;
}

static void test_parse_sample(void)
{
	ssp_receipt *r = sample();
	const ssp_receipt_task *t;
	const ssp_receipt_output *o;
	char hex[67];

	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	CU_ASSERT_EQUAL(ssp_receipt_version(r), 1);
	CU_ASSERT_STRING_EQUAL(ssp_receipt_wu_name(r), "ssp_wu_17");
	CU_ASSERT_STRING_EQUAL(ssp_receipt_result_name(r), "ssp_wu_17_0");
	CU_ASSERT_EQUAL(ssp_receipt_userid(r), 42);
	CU_ASSERT_EQUAL(ssp_receipt_hostid(r), 7);
	CU_ASSERT_STRING_EQUAL(ssp_receipt_wrapper_name(r), "ssp_wrapper");
	CU_ASSERT_STRING_EQUAL(ssp_receipt_wrapper_version(r), "0.1.0");
	CU_ASSERT_EQUAL(ssp_receipt_started_at(r), 1795463119);
	CU_ASSERT_EQUAL(ssp_receipt_finished_at(r), 1795463190);
	CU_ASSERT_DOUBLE_EQUAL(ssp_receipt_cpu_time(r), 61.375, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(ssp_receipt_wall_time(r), 63.5, 1e-9);
	CU_ASSERT_EQUAL(ssp_receipt_ntasks(r), 2);
	t = ssp_receipt_task_at(r, 1);
	CU_ASSERT_STRING_EQUAL(t->application, "ssp_sci");
	CU_ASSERT_EQUAL(t->exit_status, 0);
	CU_ASSERT_DOUBLE_EQUAL(t->cpu_time, 61.125, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(t->wall_time, 63, 1e-9);
	CU_ASSERT_EQUAL(t->peak_rss_kb, 3400);
	CU_ASSERT_PTR_NULL(ssp_receipt_task_at(r, 2));
	CU_ASSERT_EQUAL(ssp_receipt_noutputs(r), 2);
	o = ssp_receipt_output_at(r, 0);
	CU_ASSERT_STRING_EQUAL(o->name, "out_text.txt");
	CU_ASSERT_EQUAL(o->bytes, 18);
	CU_ASSERT_STRING_EQUAL(ssp_hex_encode(o->sha256, 32, hex, 0),
			       "e9024f1a07d29d52ad3aa5e1a18e94db1f3a9fd32b89e39d47c472cd99071e13");
	CU_ASSERT_PTR_EQUAL(ssp_receipt_find_output(r, "out_x3000.bin"), ssp_receipt_output_at(r, 1));
	CU_ASSERT_PTR_NULL(ssp_receipt_find_output(r, "nope"));
	CU_ASSERT_PTR_NULL(ssp_receipt_output_at(r, 2));
	ssp_receipt_free(r);
	ssp_receipt_free(NULL);
}

/* ---- digest checks ---- */

static void copy_file(const char *from, const char *to)
{
	size_t n = 0;
	char *data = ssp_cu_slurp(from, &n);

	CU_ASSERT_EQUAL_FATAL(ssp_file_write_atomic(to, data, n, 0644), 0);
	free(data);
}

static void test_check_digests(void)
{
	ssp_receipt *r = sample();
	ssp_errmsg em = { { 0 } };
	char dir[4096];
	FILE *f;

	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	/* The files sha256sum hashed match. */
	CU_ASSERT_EQUAL(ssp_receipt_check_dir(r, ssp_cu_data("wrapper"), &em), 0);
	CU_ASSERT_EQUAL(ssp_receipt_check_file(ssp_receipt_output_at(r, 0),
					       ssp_cu_data("wrapper/out_text.txt"), &em), 0);
	/* Swapped files do not. */
	CU_ASSERT_EQUAL(ssp_receipt_check_file(ssp_receipt_output_at(r, 0),
					       ssp_cu_data("wrapper/out_x3000.bin"), &em), SSP_ERR_MISMATCH);
	CU_ASSERT_PTR_NOT_NULL(strstr(em.msg, "bytes"));

	/* Same size, one byte changed: the digest differs. */
	snprintf(dir, sizeof(dir), "%s/chk", ssp_cu_tmpdir());
	mkdir(dir, 0700);
	copy_file("wrapper/out_text.txt", tmp_file("chk/out_text.txt"));
	copy_file("wrapper/out_x3000.bin", tmp_file("chk/out_x3000.bin"));
	CU_ASSERT_EQUAL(ssp_receipt_check_dir(r, dir, &em), 0);
	f = fopen(tmp_file("chk/out_x3000.bin"), "r+");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fseek(f, 2999, SEEK_SET);
	fputc('y', f);
	fclose(f);
	CU_ASSERT_EQUAL(ssp_receipt_check_dir(r, dir, &em), SSP_ERR_MISMATCH);
	CU_ASSERT_PTR_NOT_NULL(strstr(em.msg, "out_x3000.bin"));
	CU_ASSERT_PTR_NOT_NULL(strstr(em.msg, "SHA-256"));
	/* Missing file. */
	remove(tmp_file("chk/out_text.txt"));
	CU_ASSERT_EQUAL(ssp_receipt_check_dir(r, dir, &em), SSP_ERR_NOT_FOUND);
	ssp_receipt_free(r);
}

/* ---- building and round trip ---- */

static ssp_receipt *built(void)
{
	ssp_receipt *r = NULL;
	ssp_receipt_task t = { "prepare", 0, 0.2500004, 0.5, 1200 };
	uint8_t d[32];

	CU_ASSERT_EQUAL_FATAL(ssp_receipt_new(&r), 0);
	CU_ASSERT_EQUAL(ssp_receipt_set_result(r, "wu", "wu_0", 42, 7), 0);
	CU_ASSERT_EQUAL(ssp_receipt_set_wrapper(r, "ssp_wrapper", "0.1.0"), 0);
	CU_ASSERT_EQUAL(ssp_receipt_set_times(r, 1000, 1060), 0);
	CU_ASSERT_EQUAL(ssp_receipt_add_task(r, &t), 0);
	snprintf(t.application, sizeof(t.application), "sci");
	t.cpu_time = 61.125;
	t.wall_time = 63;
	t.peak_rss_kb = 3400;
	CU_ASSERT_EQUAL(ssp_receipt_add_task(r, &t), 0);
	CU_ASSERT_EQUAL(ssp_receipt_add_output_file(r, "out_text.txt", ssp_cu_data("wrapper/out_text.txt")), 0);
	memset(d, 0xab, sizeof(d));
	CU_ASSERT_EQUAL(ssp_receipt_add_output(r, "wu_0_1", 5, d), 0);
	return r;
}

static void test_build_roundtrip(void)
{
	ssp_receipt *r = built(), *back = NULL;
	char *js = NULL;
	size_t len = 0;
	ssp_errmsg em = { { 0 } };
	json_t *root;

	CU_ASSERT_EQUAL_FATAL(ssp_receipt_to_json(r, &js, &len), 0);
	CU_ASSERT_EQUAL(strlen(js), len);
	CU_ASSERT_EQUAL(js[len - 1], '\n');
	/* An independent reading of the JSON (jansson, without our parser). */
	root = json_loads(js, 0, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(root);
	CU_ASSERT_EQUAL(json_object_size(root), 12);
	CU_ASSERT_EQUAL(json_integer_value(json_object_get(root, "version")), 1);
	CU_ASSERT_DOUBLE_EQUAL(json_real_value(json_object_get(root, "cpu_time")), 61.375, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(json_real_value(json_object_get(root, "wall_time")), 63.5, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(json_real_value(json_object_get(json_array_get(json_object_get(root, "tasks"), 0),
							       "cpu_time")), 0.25, 1e-12);
	CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(json_array_get(json_object_get(root, "outputs"), 0),
								 "sha256")),
			       "e9024f1a07d29d52ad3aa5e1a18e94db1f3a9fd32b89e39d47c472cd99071e13");
	CU_ASSERT_EQUAL(json_integer_value(json_object_get(root, "started_at")), 1000);
	json_decref(root);
	/* Our parser reads back what we wrote. */
	CU_ASSERT_EQUAL_FATAL(ssp_receipt_parse(js, len, &back, &em), 0);
	CU_ASSERT_EQUAL(ssp_receipt_ntasks(back), 2);
	CU_ASSERT_EQUAL(ssp_receipt_noutputs(back), 2);
	CU_ASSERT_EQUAL(ssp_receipt_output_at(back, 1)->sha256[31], 0xab);
	CU_ASSERT_EQUAL(ssp_receipt_output_at(back, 1)->bytes, 5);
	CU_ASSERT_EQUAL(ssp_receipt_finished_at(back), 1060);
	ssp_receipt_free(back);
	back = NULL;
	/* Written to a file atomically and read back. */
	CU_ASSERT_EQUAL(ssp_receipt_write(r, tmp_file("receipt.json")), 0);
	CU_ASSERT_EQUAL(ssp_receipt_read(tmp_file("receipt.json"), &back, &em), 0);
	CU_ASSERT_STRING_EQUAL(ssp_receipt_result_name(back), "wu_0");
	ssp_receipt_free(back);
	free(js);
	ssp_receipt_free(r);
}

static void test_builder_rules(void)
{
	ssp_receipt *r = NULL;
	ssp_receipt_task t = { "a", 0, 1, 1, 1 };
	uint8_t d[32] = { 0 };
	char name[300];
	char *js = NULL;
	size_t len;

	CU_ASSERT_EQUAL_FATAL(ssp_receipt_new(&r), 0);
	/* Incomplete receipts are not serialized. */
	CU_ASSERT_EQUAL(ssp_receipt_to_json(r, &js, &len), SSP_ERR_INVAL);
	CU_ASSERT_PTR_NULL(js);
	CU_ASSERT_EQUAL(ssp_receipt_set_result(r, "", "r", 1, 1), SSP_ERR_INVAL);
	CU_ASSERT_EQUAL(ssp_receipt_set_result(r, "w\n", "r", 1, 1), SSP_ERR_INVAL);
	CU_ASSERT_EQUAL(ssp_receipt_set_result(r, "w", "r", (uint64_t)INT64_MAX + 1, 1), SSP_ERR_INVAL);
	CU_ASSERT_EQUAL(ssp_receipt_set_times(r, 10, 9), SSP_ERR_INVAL);
	CU_ASSERT_EQUAL(ssp_receipt_set_times(r, -1, 9), SSP_ERR_INVAL);
	memset(name, 'n', sizeof(name));
	name[256] = '\0';
	CU_ASSERT_EQUAL(ssp_receipt_set_wrapper(r, name, "1"), SSP_ERR_INVAL);
	name[255] = '\0';
	CU_ASSERT_EQUAL(ssp_receipt_set_wrapper(r, name, "1"), 0);
	CU_ASSERT_EQUAL(ssp_receipt_add_output(r, "../etc/passwd", 1, d), SSP_ERR_INVAL);
	CU_ASSERT_EQUAL(ssp_receipt_add_output(r, ".hidden", 1, d), SSP_ERR_INVAL);
	CU_ASSERT_EQUAL(ssp_receipt_add_output(r, "a b", 1, d), SSP_ERR_INVAL);
	CU_ASSERT_EQUAL(ssp_receipt_add_output(r, "", 1, d), SSP_ERR_INVAL);
	CU_ASSERT_EQUAL(ssp_receipt_add_output(r, "ok", 1, d), 0);
	CU_ASSERT_EQUAL(ssp_receipt_add_output(r, "ok", 1, d), SSP_ERR_EXISTS);
	for (int i = 1; i < SSP_RECEIPT_MAX_OUTPUTS; i++) {
		snprintf(name, sizeof(name), "o%d", i);
		CU_ASSERT_EQUAL(ssp_receipt_add_output(r, name, 1, d), 0);
	}
	CU_ASSERT_EQUAL(ssp_receipt_add_output(r, "one_more", 1, d), SSP_ERR_TOO_BIG);
	t.cpu_time = -1;
	CU_ASSERT_EQUAL(ssp_receipt_add_task(r, &t), SSP_ERR_INVAL);
	t.cpu_time = 1;
	t.exit_status = 300;
	CU_ASSERT_EQUAL(ssp_receipt_add_task(r, &t), SSP_ERR_INVAL);
	t.exit_status = 0;
	t.application[0] = '\0';
	CU_ASSERT_EQUAL(ssp_receipt_add_task(r, &t), SSP_ERR_INVAL);
	snprintf(t.application, sizeof(t.application), "a");
	for (int i = 0; i < SSP_RECEIPT_MAX_TASKS; i++)
		CU_ASSERT_EQUAL(ssp_receipt_add_task(r, &t), 0);
	CU_ASSERT_EQUAL(ssp_receipt_add_task(r, &t), SSP_ERR_TOO_BIG);
	/* Still no result name: refused. */
	CU_ASSERT_EQUAL(ssp_receipt_to_json(r, &js, &len), SSP_ERR_INVAL);
	CU_ASSERT_EQUAL(ssp_receipt_set_result(r, "w", "r", 0, 0), 0);
	CU_ASSERT_EQUAL(ssp_receipt_to_json(r, &js, &len), 0);
	/* The largest receipt (64 tasks, 64 outputs, long names) is far below the cap. */
	CU_ASSERT(len < SSP_RECEIPT_MAX_BYTES);
	free(js);
	ssp_receipt_free(r);
}

/* ---- strict parser: each mutation of a valid receipt is refused ---- */

static char *mutate(const char *path_key, json_t *value, int remove)
{
	size_t len = 0;
	char *js = ssp_cu_slurp("wrapper/receipt_ok.json", &len), *outs;
	json_t *root = json_loadb(js, len, 0, NULL), *obj = root;
	char key[64], *dot, *p = key;

	free(js);
	snprintf(key, sizeof(key), "%s", path_key);
	/* path like "tasks.1.cpu_time" or "wrapper.name" */
	while ((dot = strchr(p, '.')) != NULL) {
		*dot = '\0';
		if (json_is_array(obj))
			obj = json_array_get(obj, (size_t)atoi(p));
		else
			obj = json_object_get(obj, p);
		p = dot + 1;
	}
	if (remove)
		json_object_del(obj, p);
	else if (json_is_array(obj))
		json_array_set_new(obj, (size_t)atoi(p), value);
	else
		json_object_set_new(obj, p, value);
	outs = json_dumps(root, JSON_COMPACT);
	json_decref(root);
	return outs;
}

static void expect_refused(char *js, int want_rc, const char *msg)
{
	ssp_receipt *r = (ssp_receipt *)&want_rc;
	ssp_errmsg em = { { 0 } };
	int rc = ssp_receipt_parse(js, strlen(js), &r, &em);

	if (rc != want_rc || (msg && strstr(em.msg, msg) == NULL))
		fprintf(stderr, "\n want %d \"%s\", got %d \"%s\"\n", want_rc, msg ? msg : "", rc, em.msg);
	CU_ASSERT_EQUAL(rc, want_rc);
	CU_ASSERT_PTR_NULL(r);
	if (msg)
		CU_ASSERT_PTR_NOT_NULL(strstr(em.msg, msg));
	free(js);
}

static void test_parse_strict(void)
{
	static const char *const required[] = { "version", "wu_name", "result_name", "userid", "hostid",
						"wrapper", "tasks", "cpu_time", "wall_time", "outputs",
						"started_at", "finished_at", "wrapper.name", "wrapper.version",
						"tasks.0.application", "tasks.0.exit_status", "tasks.0.cpu_time",
						"tasks.0.wall_time", "tasks.0.peak_rss_kb", "outputs.1.name",
						"outputs.1.bytes", "outputs.1.sha256" };

	for (size_t i = 0; i < sizeof(required) / sizeof(required[0]); i++)
		expect_refused(mutate(required[i], NULL, 1), SSP_ERR_PARSE, NULL);

	expect_refused(mutate("extra", json_true(), 0), SSP_ERR_PARSE, "receipt.extra: unknown member");
	expect_refused(mutate("authenticator", json_string("x"), 0), SSP_ERR_PARSE, "unknown member");
	expect_refused(mutate("wrapper.extra", json_true(), 0), SSP_ERR_PARSE, "receipt.wrapper");
	expect_refused(mutate("tasks.0.extra", json_true(), 0), SSP_ERR_PARSE, "receipt.tasks[0]");
	expect_refused(mutate("outputs.0.extra", json_true(), 0), SSP_ERR_PARSE, "receipt.outputs[0]");
	expect_refused(mutate("version", json_integer(2), 0), SSP_ERR_UNSUPPORTED, "newer");
	expect_refused(mutate("version", json_integer(0), 0), SSP_ERR_PARSE, "version");
	expect_refused(mutate("version", json_string("1"), 0), SSP_ERR_PARSE, "version");
	expect_refused(mutate("wu_name", json_string(""), 0), SSP_ERR_PARSE, "receipt.wu_name");
	expect_refused(mutate("wu_name", json_integer(5), 0), SSP_ERR_PARSE, "receipt.wu_name: expected a string");
	expect_refused(mutate("result_name", json_string("a\tb"), 0), SSP_ERR_PARSE, "control");
	expect_refused(mutate("userid", json_integer(-1), 0), SSP_ERR_PARSE, "receipt.userid");
	expect_refused(mutate("userid", json_real(42.0), 0), SSP_ERR_PARSE, "receipt.userid: expected an integer");
	expect_refused(mutate("hostid", json_string("7"), 0), SSP_ERR_PARSE, "receipt.hostid");
	expect_refused(mutate("wrapper", json_string("ssp"), 0), SSP_ERR_PARSE, "receipt.wrapper");
	expect_refused(mutate("tasks", json_array(), 0), SSP_ERR_PARSE, "receipt.tasks");
	expect_refused(mutate("tasks", json_object(), 0), SSP_ERR_PARSE, "receipt.tasks");
	expect_refused(mutate("tasks.0", json_integer(1), 0), SSP_ERR_PARSE, "receipt.tasks[0]");
	expect_refused(mutate("tasks.0.exit_status", json_integer(256), 0), SSP_ERR_PARSE, "exit_status");
	expect_refused(mutate("tasks.0.cpu_time", json_real(-0.5), 0), SSP_ERR_PARSE, "cpu_time");
	expect_refused(mutate("tasks.0.cpu_time", json_real(2e9), 0), SSP_ERR_PARSE, "cpu_time");
	expect_refused(mutate("tasks.0.cpu_time", json_string("0.25"), 0), SSP_ERR_PARSE, "expected a number");
	expect_refused(mutate("tasks.1.peak_rss_kb", json_integer(-3), 0), SSP_ERR_PARSE, "peak_rss_kb");
	expect_refused(mutate("tasks.1.peak_rss_kb", json_real(3.5), 0), SSP_ERR_PARSE, "peak_rss_kb");
	/* Totals must be the sums. */
	expect_refused(mutate("cpu_time", json_real(61.4), 0), SSP_ERR_PARSE, "sum");
	expect_refused(mutate("wall_time", json_real(60), 0), SSP_ERR_PARSE, "sum");
	expect_refused(mutate("tasks.0.wall_time", json_real(0.6), 0), SSP_ERR_PARSE, "sum");
	/* Outputs. */
	expect_refused(mutate("outputs", json_string(""), 0), SSP_ERR_PARSE, "receipt.outputs");
	expect_refused(mutate("outputs.0.name", json_string("../../etc/passwd"), 0), SSP_ERR_PARSE,
		       "plain file name");
	expect_refused(mutate("outputs.0.name", json_string(".x"), 0), SSP_ERR_PARSE, "plain file name");
	expect_refused(mutate("outputs.0.name", json_string("out_x3000.bin"), 0), SSP_ERR_PARSE, "repeated");
	expect_refused(mutate("outputs.0.bytes", json_integer(-1), 0), SSP_ERR_PARSE, "bytes");
	expect_refused(mutate("outputs.0.sha256",
			      json_string("E9024F1A07D29D52AD3AA5E1A18E94DB1F3A9FD32B89E39D47C472CD99071E13"), 0),
		       SSP_ERR_PARSE, "lowercase");
	expect_refused(mutate("outputs.0.sha256",
			      json_string("0xe9024f1a07d29d52ad3aa5e1a18e94db1f3a9fd32b89e39d47c472cd99071e"), 0),
		       SSP_ERR_PARSE, "sha256");
	expect_refused(mutate("outputs.0.sha256", json_string("e9024f"), 0), SSP_ERR_PARSE, "64 hex");
	expect_refused(mutate("outputs.0.sha256", json_integer(1), 0), SSP_ERR_PARSE, "sha256: expected a string");
	/* Times. */
	expect_refused(mutate("finished_at", json_integer(1795463118), 0), SSP_ERR_PARSE, "before");
	expect_refused(mutate("started_at", json_real(1.5), 0), SSP_ERR_PARSE, "started_at");
}

static void test_parse_garbage(void)
{
	static const char *const bad[] = {
		"", "null", "[]", "\"receipt\"", "{", "{}", "{\"version\":1}",
		"{\"version\":1,\"version\":1}", "\xff\xfe{}",
	};
	size_t len = 0, refused = 0;
	char *js = ssp_cu_slurp("wrapper/receipt_ok.json", &len), *dup, *big;
	ssp_receipt *r = NULL;
	ssp_errmsg em = { { 0 } };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		expect_refused(strdup(bad[i]), SSP_ERR_PARSE, NULL);
	/* Every truncation is refused. */
	for (size_t n = 0; n + 2 < len; n++) {
		if (ssp_receipt_parse(js, n, &r, NULL) != 0)
			refused++;
		ssp_receipt_free(r);
		r = NULL;
	}
	CU_ASSERT_EQUAL(refused, len - 2);
	/* Trailing garbage. */
	dup = malloc(len + 3);
	memcpy(dup, js, len);
	memcpy(dup + len, "{}", 3);
	expect_refused(dup, SSP_ERR_PARSE, NULL);
	/* A duplicate key. */
	dup = strdup(js);
	memcpy(strstr(dup, "\"hostid\""), "\"userid\"", 8);
	expect_refused(dup, SSP_ERR_PARSE, "duplicate");
	/* Over the size cap, even if valid JSON (padding blanks). */
	big = malloc(SSP_RECEIPT_MAX_BYTES + len + 1);
	memset(big, ' ', SSP_RECEIPT_MAX_BYTES);
	memcpy(big + SSP_RECEIPT_MAX_BYTES, js, len);
	CU_ASSERT_EQUAL(ssp_receipt_parse(big, SSP_RECEIPT_MAX_BYTES + len, &r, &em), SSP_ERR_TOO_BIG);
	CU_ASSERT_PTR_NULL(r);
	/* ... and just below the cap it is accepted. */
	CU_ASSERT_EQUAL(ssp_receipt_parse(big + len, SSP_RECEIPT_MAX_BYTES, &r, &em), 0);
	ssp_receipt_free(r);
	r = NULL;
	free(big);
	/* 65 tasks. */
	{
		json_t *root = json_loadb(js, len, 0, NULL), *tasks = json_object_get(root, "tasks");
		char *s;

		while (json_array_size(tasks) < 65)
			json_array_append(tasks, json_array_get(tasks, 0));
		json_object_set_new(root, "cpu_time", json_real(61.125 + 64 * 0.25));
		json_object_set_new(root, "wall_time", json_real(63 + 64 * 0.5));
		s = json_dumps(root, 0);
		expect_refused(s, SSP_ERR_PARSE, "1..64");
		json_array_remove(tasks, 0);
		json_object_set_new(root, "cpu_time", json_real(61.125 + 63 * 0.25));
		json_object_set_new(root, "wall_time", json_real(63 + 63 * 0.5));
		s = json_dumps(root, 0);
		CU_ASSERT_EQUAL(ssp_receipt_parse(s, strlen(s), &r, &em), 0);
		CU_ASSERT_EQUAL(r ? ssp_receipt_ntasks(r) : 0, 64);
		ssp_receipt_free(r);
		free(s);
		json_decref(root);
	}
	/* A 256-byte name. */
	{
		char name[300];

		memset(name, 'x', 256);
		name[256] = '\0';
		expect_refused(mutate("wu_name", json_string(name), 0), SSP_ERR_PARSE, "255");
		name[255] = '\0';
		dup = mutate("wu_name", json_string(name), 0);
		CU_ASSERT_EQUAL(ssp_receipt_parse(dup, strlen(dup), &r, &em), 0);
		ssp_receipt_free(r);
		free(dup);
	}
	CU_ASSERT_EQUAL(ssp_receipt_read("/nonexistent/r.json", &r, &em), SSP_ERR_NOT_FOUND);
	CU_ASSERT_EQUAL(ssp_receipt_parse(NULL, 0, &r, &em), SSP_ERR_INVAL);
	free(js);
}

/* ---- checkpoint state ---- */

static void fill_state(ssp_receipt_state *s)
{
	memset(s, 0, sizeof(*s));
	memset(s->job_sha256, 0x5a, sizeof(s->job_sha256));
	snprintf(s->wu_name, sizeof(s->wu_name), "wu");
	snprintf(s->result_name, sizeof(s->result_name), "wu_0");
	s->started_at = 1700000000;
	s->ntasks = 3;
	s->tasks_done = 2;
	snprintf(s->done[0].application, sizeof(s->done[0].application), "prep");
	s->done[0].cpu_time = 1.5;
	s->done[0].wall_time = 2;
	s->done[0].peak_rss_kb = 100;
	snprintf(s->done[1].application, sizeof(s->done[1].application), "sci");
	s->done[1].exit_status = 0;
	s->done[1].cpu_time = 30.000001;
	s->cur_cpu_time = 12.25;
	s->cur_wall_time = 13;
	s->cur_peak_rss_kb = 2048;
	s->fraction_done = 0.75;
	s->task_pgid = 4242;
}

static void test_state_roundtrip(void)
{
	ssp_receipt_state s, back;
	ssp_errmsg em = { { 0 } };
	char *js = NULL;
	size_t len = 0;

	fill_state(&s);
	CU_ASSERT_EQUAL_FATAL(ssp_receipt_state_write(&s, tmp_file("state.json")), 0);
	CU_ASSERT_EQUAL_FATAL(ssp_receipt_state_read(tmp_file("state.json"), &back, &em), 0);
	CU_ASSERT_EQUAL(memcmp(back.job_sha256, s.job_sha256, 32), 0);
	CU_ASSERT_STRING_EQUAL(back.wu_name, "wu");
	CU_ASSERT_STRING_EQUAL(back.result_name, "wu_0");
	CU_ASSERT_EQUAL(back.started_at, 1700000000);
	CU_ASSERT_EQUAL(back.ntasks, 3);
	CU_ASSERT_EQUAL(back.tasks_done, 2);
	CU_ASSERT_STRING_EQUAL(back.done[1].application, "sci");
	CU_ASSERT_DOUBLE_EQUAL(back.done[1].cpu_time, 30.000001, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(back.cur_cpu_time, 12.25, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(back.cur_wall_time, 13, 1e-9);
	CU_ASSERT_EQUAL(back.cur_peak_rss_kb, 2048);
	CU_ASSERT_DOUBLE_EQUAL(back.fraction_done, 0.75, 1e-9);
	CU_ASSERT_EQUAL(back.task_pgid, 4242);
	/* Empty names are allowed in a state (standalone runs). */
	s.wu_name[0] = s.result_name[0] = '\0';
	CU_ASSERT_EQUAL_FATAL(ssp_receipt_state_to_json(&s, &js, &len), 0);
	CU_ASSERT_EQUAL(ssp_receipt_state_parse(js, len, &back, &em), 0);
	CU_ASSERT_STRING_EQUAL(back.wu_name, "");
	free(js);
	/* Invariants are enforced when writing. */
	fill_state(&s);
	s.tasks_done = 4;
	CU_ASSERT_EQUAL(ssp_receipt_state_to_json(&s, &js, &len), SSP_ERR_INVAL);
	fill_state(&s);
	s.fraction_done = 1.5;
	CU_ASSERT_EQUAL(ssp_receipt_state_to_json(&s, &js, &len), SSP_ERR_INVAL);
	fill_state(&s);
	s.ntasks = 0;
	s.tasks_done = 0;
	CU_ASSERT_EQUAL(ssp_receipt_state_to_json(&s, &js, &len), SSP_ERR_INVAL);
}

static void test_state_strict(void)
{
	ssp_receipt_state s, back;
	ssp_errmsg em = { { 0 } };
	char *js = NULL, *p;
	size_t len = 0, refused = 0;

	fill_state(&s);
	CU_ASSERT_EQUAL_FATAL(ssp_receipt_state_to_json(&s, &js, &len), 0);
	for (size_t n = 0; n + 2 < len; n++)
		if (ssp_receipt_state_parse(js, n, &back, NULL) != 0)
			refused++;
	CU_ASSERT_EQUAL(refused, len - 2);
	/* tasks_done above ntasks. */
	p = strstr(js, "\"tasks_done\": 2");
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	p[14] = '5';
	CU_ASSERT_EQUAL(ssp_receipt_state_parse(js, len, &back, &em), SSP_ERR_PARSE);
	CU_ASSERT_PTR_NOT_NULL(strstr(em.msg, "tasks_done"));
	/* done[] shorter than tasks_done. */
	p[14] = '3';
	CU_ASSERT_EQUAL(ssp_receipt_state_parse(js, len, &back, &em), SSP_ERR_PARSE);
	CU_ASSERT_PTR_NOT_NULL(strstr(em.msg, "state.done"));
	p[14] = '2';
	CU_ASSERT_EQUAL(ssp_receipt_state_parse(js, len, &back, &em), 0);
	/* A bad job digest. */
	p = strstr(js, "5a5a");
	p[0] = 'z';
	CU_ASSERT_EQUAL(ssp_receipt_state_parse(js, len, &back, &em), SSP_ERR_PARSE);
	CU_ASSERT_PTR_NOT_NULL(strstr(em.msg, "job_sha256"));
	free(js);
	CU_ASSERT_EQUAL(ssp_receipt_state_parse("{\"version\":9}", 13, &back, &em), SSP_ERR_UNSUPPORTED);
	CU_ASSERT_EQUAL(ssp_receipt_state_parse("garbage", 7, &back, &em), SSP_ERR_PARSE);
	CU_ASSERT_EQUAL(ssp_receipt_state_read("/nonexistent/s.json", &back, &em), SSP_ERR_NOT_FOUND);
}

int main(void)
{
	CU_TestInfo tests[] = {
		{ "sha256 vs sha256sum vectors", test_sha256_vectors },
		{ "sha256 abc, reuse, files", test_sha256_abc_and_files },
		{ "parse the sample receipt", test_parse_sample },
		{ "digest checks", test_check_digests },
		{ "build, serialize, round trip", test_build_roundtrip },
		{ "builder rules and caps", test_builder_rules },
		{ "strict parser: each member", test_parse_strict },
		{ "parser: garbage, truncation, caps", test_parse_garbage },
		{ "state round trip", test_state_roundtrip },
		{ "state strict", test_state_strict },
		CU_TEST_INFO_NULL,
	};

	return ssp_cu_run("receipt", tests);
}
