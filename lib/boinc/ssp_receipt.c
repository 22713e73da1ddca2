#include "boinc/ssp_receipt.h"
#include "core/ssp_json.h"
#include "core/ssp_file.h"
#include "core/ssp_hex.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct ssp_receipt {
	int version;
	char wu_name[SSP_RECEIPT_MAX_NAME + 1];
	char result_name[SSP_RECEIPT_MAX_NAME + 1];
	uint64_t userid, hostid;
	char wrapper_name[SSP_RECEIPT_MAX_NAME + 1];
	char wrapper_version[SSP_RECEIPT_MAX_NAME + 1];
	int64_t started_at, finished_at;
	double cpu_time, wall_time;
	size_t ntasks, noutputs;
	ssp_receipt_task tasks[SSP_RECEIPT_MAX_TASKS];
	ssp_receipt_output outputs[SSP_RECEIPT_MAX_OUTPUTS];
};

#define MAX_ID ((uint64_t)INT64_MAX)
#define MAX_TIME_T ((int64_t)1 << 40)

/* ---- value rules shared by the builder and the parser ---- */

static int text_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > SSP_RECEIPT_MAX_NAME)
		return 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return 0;
	return 1;
}

static int filename_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > SSP_RECEIPT_MAX_NAME || s[0] == '.')
		return 0;
	for (const char *p = s; *p; p++) {
		char c = *p;

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == '_' || c == '-' || c == '+'))
			return 0;
	}
	return 1;
}

static int seconds_ok(double v)
{
	return isfinite(v) && v >= 0 && v <= SSP_RECEIPT_MAX_SECONDS;
}

static double round_us(double v)
{
	return round(v * 1e6) / 1e6;
}

static int task_ok(const ssp_receipt_task *t)
{
	return memchr(t->application, '\0', sizeof(t->application)) != NULL && text_ok(t->application) &&
	       t->exit_status >= -255 && t->exit_status <= 255 && seconds_ok(t->cpu_time) &&
	       seconds_ok(t->wall_time) && t->peak_rss_kb <= SSP_RECEIPT_MAX_RSS_KB;
}

/* |a - b| small enough for sums of microsecond-rounded values. */
static int sum_matches(double total, double sum, size_t n)
{
	return fabs(total - sum) <= 1e-6 * (double)(n + 1) + 1e-12 * fabs(sum);
}

static void copy_name(char dst[SSP_RECEIPT_MAX_NAME + 1], const char *src)
{
	snprintf(dst, SSP_RECEIPT_MAX_NAME + 1, "%s", src);
}

/* ---- building ---- */

int ssp_receipt_new(ssp_receipt **out)
{
	*out = calloc(1, sizeof(**out));
	if (*out == NULL)
		return SSP_ERR_NOMEM;
	(*out)->version = SSP_RECEIPT_VERSION;
	return 0;
}

void ssp_receipt_free(ssp_receipt *r)
{
	free(r);
}

int ssp_receipt_set_result(ssp_receipt *r, const char *wu_name, const char *result_name,
			   uint64_t userid, uint64_t hostid)
{
	if (!text_ok(wu_name) || !text_ok(result_name) || userid > MAX_ID || hostid > MAX_ID)
		return SSP_ERR_INVAL;
	copy_name(r->wu_name, wu_name);
	copy_name(r->result_name, result_name);
	r->userid = userid;
	r->hostid = hostid;
	return 0;
}

int ssp_receipt_set_wrapper(ssp_receipt *r, const char *name, const char *version)
{
	if (!text_ok(name) || !text_ok(version))
		return SSP_ERR_INVAL;
	copy_name(r->wrapper_name, name);
	copy_name(r->wrapper_version, version);
	return 0;
}

int ssp_receipt_set_times(ssp_receipt *r, int64_t started_at, int64_t finished_at)
{
	if (started_at < 0 || started_at > MAX_TIME_T || finished_at < started_at ||
	    finished_at > MAX_TIME_T)
		return SSP_ERR_INVAL;
	r->started_at = started_at;
	r->finished_at = finished_at;
	return 0;
}

int ssp_receipt_add_task(ssp_receipt *r, const ssp_receipt_task *t)
{
	ssp_receipt_task *d;

	if (r->ntasks >= SSP_RECEIPT_MAX_TASKS)
		return SSP_ERR_TOO_BIG;
	if (!task_ok(t))
		return SSP_ERR_INVAL;
	d = &r->tasks[r->ntasks];
	*d = *t;
	d->cpu_time = round_us(t->cpu_time);
	d->wall_time = round_us(t->wall_time);
	r->ntasks++;
	return 0;
}

int ssp_receipt_add_output(ssp_receipt *r, const char *name, uint64_t bytes,
			   const uint8_t sha256[SSP_SHA256_LEN])
{
	ssp_receipt_output *o;

	if (r->noutputs >= SSP_RECEIPT_MAX_OUTPUTS)
		return SSP_ERR_TOO_BIG;
	if (!filename_ok(name) || bytes > SSP_RECEIPT_MAX_BYTES_OUT)
		return SSP_ERR_INVAL;
	if (ssp_receipt_find_output(r, name) != NULL)
		return SSP_ERR_EXISTS;
	o = &r->outputs[r->noutputs++];
	copy_name(o->name, name);
	o->bytes = bytes;
	memcpy(o->sha256, sha256, SSP_SHA256_LEN);
	return 0;
}

int ssp_receipt_add_output_file(ssp_receipt *r, const char *name, const char *path)
{
	uint8_t d[SSP_SHA256_LEN];
	uint64_t n = 0;
	int rc;

	rc = ssp_sha256_file(path, d, &n);
	if (rc != 0)
		return rc;
	return ssp_receipt_add_output(r, name, n, d);
}

static int set_new(json_t *obj, const char *key, json_t *v)
{
	return v != NULL && json_object_set_new(obj, key, v) == 0 ? 0 : SSP_ERR_NOMEM;
}

static json_t *task_json(const ssp_receipt_task *t)
{
	json_t *o = json_object();

	if (o == NULL || set_new(o, "application", json_string(t->application)) != 0 ||
	    set_new(o, "exit_status", json_integer(t->exit_status)) != 0 ||
	    set_new(o, "cpu_time", json_real(round_us(t->cpu_time))) != 0 ||
	    set_new(o, "wall_time", json_real(round_us(t->wall_time))) != 0 ||
	    set_new(o, "peak_rss_kb", json_integer((json_int_t)t->peak_rss_kb)) != 0) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static int dump(json_t *root, char **out, size_t *len)
{
	char *s = json_dumps(root, JSON_INDENT(2) | JSON_REAL_PRECISION(15) | JSON_ENSURE_ASCII);
	size_t n;
	char *t;

	if (s == NULL)
		return SSP_ERR_NOMEM;
	n = strlen(s);
	t = realloc(s, n + 2);
	if (t == NULL) {
		free(s);
		return SSP_ERR_NOMEM;
	}
	t[n] = '\n';
	t[n + 1] = '\0';
	*out = t;
	*len = n + 1;
	return 0;
}

int ssp_receipt_to_json(const ssp_receipt *r, char **out, size_t *len)
{
	json_t *root = NULL, *w = NULL, *tasks = NULL, *outs = NULL;
	double cpu = 0, wall = 0;
	int rc = SSP_ERR_NOMEM;

	*out = NULL;
	*len = 0;
	if (r->ntasks == 0 || !text_ok(r->wu_name) || !text_ok(r->result_name) ||
	    !text_ok(r->wrapper_name) || !text_ok(r->wrapper_version))
		return SSP_ERR_INVAL;
	root = json_object();
	w = json_object();
	tasks = json_array();
	outs = json_array();
	if (root == NULL || w == NULL || tasks == NULL || outs == NULL)
		goto out;
	for (size_t i = 0; i < r->ntasks; i++) {
		cpu += r->tasks[i].cpu_time;
		wall += r->tasks[i].wall_time;
		if (json_array_append_new(tasks, task_json(&r->tasks[i])) != 0)
			goto out;
	}
	for (size_t i = 0; i < r->noutputs; i++) {
		const ssp_receipt_output *o = &r->outputs[i];
		char hex[2 * SSP_SHA256_LEN + 3];
		json_t *jo = json_object();

		ssp_hex_encode(o->sha256, SSP_SHA256_LEN, hex, 0);
		if (json_array_append_new(outs, jo) != 0 || set_new(jo, "name", json_string(o->name)) != 0 ||
		    set_new(jo, "bytes", json_integer((json_int_t)o->bytes)) != 0 ||
		    set_new(jo, "sha256", json_string(hex)) != 0)
			goto out;
	}
	if (set_new(w, "name", json_string(r->wrapper_name)) != 0 ||
	    set_new(w, "version", json_string(r->wrapper_version)) != 0)
		goto out;
	if (set_new(root, "version", json_integer(r->version)) != 0 ||
	    set_new(root, "wu_name", json_string(r->wu_name)) != 0 ||
	    set_new(root, "result_name", json_string(r->result_name)) != 0 ||
	    set_new(root, "userid", json_integer((json_int_t)r->userid)) != 0 ||
	    set_new(root, "hostid", json_integer((json_int_t)r->hostid)) != 0)
		goto out;
	rc = json_object_set(root, "wrapper", w) == 0 && json_object_set(root, "tasks", tasks) == 0 ? 0
												   : SSP_ERR_NOMEM;
	if (rc != 0)
		goto out;
	rc = SSP_ERR_NOMEM;
	if (set_new(root, "cpu_time", json_real(round_us(cpu))) != 0 ||
	    set_new(root, "wall_time", json_real(round_us(wall))) != 0 ||
	    json_object_set(root, "outputs", outs) != 0 ||
	    set_new(root, "started_at", json_integer(r->started_at)) != 0 ||
	    set_new(root, "finished_at", json_integer(r->finished_at)) != 0)
		goto out;
	rc = dump(root, out, len);
out:
	json_decref(root);
	json_decref(w);
	json_decref(tasks);
	json_decref(outs);
	return rc;
}

int ssp_receipt_write(const ssp_receipt *r, const char *path)
{
	char *s = NULL;
	size_t n = 0;
	int rc;

	rc = ssp_receipt_to_json(r, &s, &n);
	if (rc == 0)
		rc = ssp_file_write_atomic(path, s, n, 0644);
	free(s);
	return rc;
}

/* ---- strict parsing helpers ---- */

/* Refuses members other than the NULL-terminated list (lib/core/ssp_json.h). */
static int only_keys(json_t *obj, const char *const *keys, const char *where, ssp_errmsg *em)
{
	size_t n = 0;

	while (keys[n] != NULL)
		n++;
	return ssp_json_known(obj, where, keys, n, em);
}

static int get_text(json_t *obj, const char *key, int filename, char dst[SSP_RECEIPT_MAX_NAME + 1],
		    const char *where, ssp_errmsg *em)
{
	const char *s;
	int rc = ssp_json_str(obj, where, key, SSP_RECEIPT_MAX_NAME, 0, &s, em);

	if (rc != 0)
		return rc;
	if (!(filename ? filename_ok(s) : text_ok(s)))
		return ssp_errmsg_set(em, SSP_ERR_PARSE, "%s.%s: %s", where, key,
				      filename ? "not a plain file name of 1..255 bytes"
					       : "empty, longer than 255 bytes or has control characters");
	copy_name(dst, s);
	return 0;
}

static int get_int(json_t *obj, const char *key, json_int_t lo, json_int_t hi, json_int_t *dst,
		   const char *where, ssp_errmsg *em)
{
	int64_t x;
	int rc = ssp_json_i64(obj, where, key, lo, hi, &x, em);

	if (rc == 0)
		*dst = (json_int_t)x;
	return rc;
}

static int get_seconds(json_t *obj, const char *key, double *dst, const char *where, ssp_errmsg *em)
{
	double x;
	int rc = ssp_json_double(obj, where, key, 0, SSP_RECEIPT_MAX_SECONDS, &x, em);

	if (rc != 0)
		return rc;
	if (!seconds_ok(x))
		return ssp_errmsg_set(em, SSP_ERR_PARSE, "%s.%s: not between 0 and 1e9 seconds", where, key);
	*dst = x;
	return 0;
}

static int parse_task(json_t *v, ssp_receipt_task *t, const char *where, ssp_errmsg *em)
{
	static const char *const keys[] = { "application", "exit_status", "cpu_time", "wall_time",
					    "peak_rss_kb", NULL };
	json_int_t x;
	int rc;

	memset(t, 0, sizeof(*t));
	if (!json_is_object(v))
		return ssp_errmsg_set(em, SSP_ERR_PARSE, "%s: not an object", where);
	if ((rc = only_keys(v, keys, where, em)) != 0 ||
	    (rc = get_text(v, "application", 0, t->application, where, em)) != 0 ||
	    (rc = get_int(v, "exit_status", -255, 255, &x, where, em)) != 0)
		return rc;
	t->exit_status = (int)x;
	if ((rc = get_seconds(v, "cpu_time", &t->cpu_time, where, em)) != 0 ||
	    (rc = get_seconds(v, "wall_time", &t->wall_time, where, em)) != 0 ||
	    (rc = get_int(v, "peak_rss_kb", 0, (json_int_t)SSP_RECEIPT_MAX_RSS_KB, &x, where, em)) != 0)
		return rc;
	t->peak_rss_kb = (uint64_t)x;
	return 0;
}

static int parse_output(json_t *v, ssp_receipt_output *o, const char *where, ssp_errmsg *em)
{
	static const char *const keys[] = { "name", "bytes", "sha256", NULL };
	json_int_t x;
	const char *hex;
	int rc = 0;

	memset(o, 0, sizeof(*o));
	if (!json_is_object(v))
		return ssp_errmsg_set(em, SSP_ERR_PARSE, "%s: not an object", where);
	if ((rc = only_keys(v, keys, where, em)) != 0 ||
	    (rc = get_text(v, "name", 1, o->name, where, em)) != 0 ||
	    (rc = get_int(v, "bytes", 0, (json_int_t)SSP_RECEIPT_MAX_BYTES_OUT, &x, where, em)) != 0)
		return rc;
	o->bytes = (uint64_t)x;
	if ((rc = ssp_json_str(v, where, "sha256", 2 * SSP_SHA256_LEN, 0, &hex, em)) != 0)
		return rc;
	if (strlen(hex) != 2 * SSP_SHA256_LEN)
		return ssp_errmsg_set(em, SSP_ERR_PARSE, "%s.sha256: not 64 hex digits", where);
	for (const char *p = hex; *p; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
			return ssp_errmsg_set(em, SSP_ERR_PARSE, "%s.sha256: not lowercase hex", where);
	if (ssp_hex_decode_exact(hex, o->sha256, SSP_SHA256_LEN) != 0)
		return ssp_errmsg_set(em, SSP_ERR_PARSE, "%s.sha256: not 64 hex digits", where);
	return 0;
}

static json_t *load(const char *json, size_t len, size_t cap, const char *what, ssp_errmsg *em, int *rc)
{
	json_error_t err;
	json_t *root;

	if (json == NULL) {
		*rc = ssp_errmsg_set(em, SSP_ERR_INVAL, "%s: no input", what);
		return NULL;
	}
	if (len > cap) {
		*rc = ssp_errmsg_set(em, SSP_ERR_TOO_BIG, "%s is larger than %zu bytes", what, cap);
		return NULL;
	}
	root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &err);
	if (root == NULL) {
		*rc = ssp_errmsg_set(em, SSP_ERR_PARSE, "%s: line %d: %.120s", what, err.line, err.text);
		return NULL;
	}
	if (!json_is_object(root)) {
		json_decref(root);
		*rc = ssp_errmsg_set(em, SSP_ERR_PARSE, "%s: not a JSON object", what);
		return NULL;
	}
	return root;
}

static int check_version(json_t *root, int want, const char *what, ssp_errmsg *em)
{
	json_t *v = json_object_get(root, "version");

	if (v == NULL || !json_is_integer(v))
		return ssp_errmsg_set(em, SSP_ERR_PARSE, "%s: missing or non-integer \"version\"", what);
	if (json_integer_value(v) > want)
		return ssp_errmsg_set(em, SSP_ERR_UNSUPPORTED, "%s: version %lld is newer than %d", what,
				      (long long)json_integer_value(v), want);
	if (json_integer_value(v) != want)
		return ssp_errmsg_set(em, SSP_ERR_PARSE, "%s: bad version", what);
	return 0;
}

int ssp_receipt_parse(const char *json, size_t len, ssp_receipt **out, ssp_errmsg *em)
{
	static const char *const keys[] = { "version", "wu_name", "result_name", "userid", "hostid",
					    "wrapper", "tasks", "cpu_time", "wall_time", "outputs",
					    "started_at", "finished_at", NULL };
	static const char *const wkeys[] = { "name", "version", NULL };
	ssp_receipt *r = NULL;
	json_t *root, *v;
	json_int_t x, y;
	double sum_cpu = 0, sum_wall = 0;
	int rc = 0;

	*out = NULL;
	root = load(json, len, SSP_RECEIPT_MAX_BYTES, "receipt", em, &rc);
	if (root == NULL)
		return rc;
	if ((rc = check_version(root, SSP_RECEIPT_VERSION, "receipt", em)) != 0 ||
	    (rc = only_keys(root, keys, "receipt", em)) != 0)
		goto out;
	r = calloc(1, sizeof(*r));
	if (r == NULL) {
		rc = SSP_ERR_NOMEM;
		goto out;
	}
	r->version = SSP_RECEIPT_VERSION;
	if ((rc = get_text(root, "wu_name", 0, r->wu_name, "receipt", em)) != 0 ||
	    (rc = get_text(root, "result_name", 0, r->result_name, "receipt", em)) != 0 ||
	    (rc = get_int(root, "userid", 0, INT64_MAX, &x, "receipt", em)) != 0)
		goto out;
	r->userid = (uint64_t)x;
	if ((rc = get_int(root, "hostid", 0, INT64_MAX, &x, "receipt", em)) != 0)
		goto out;
	r->hostid = (uint64_t)x;

	if ((rc = ssp_json_object(root, "receipt", "wrapper", &v, em)) != 0 ||
	    (rc = only_keys(v, wkeys, "receipt.wrapper", em)) != 0 ||
	    (rc = get_text(v, "name", 0, r->wrapper_name, "receipt.wrapper", em)) != 0 ||
	    (rc = get_text(v, "version", 0, r->wrapper_version, "receipt.wrapper", em)) != 0)
		goto out;

	if ((rc = ssp_json_array(root, "receipt", "tasks", SIZE_MAX, &v, em)) != 0)
		goto out;
	if (json_array_size(v) == 0 || json_array_size(v) > SSP_RECEIPT_MAX_TASKS) {
		rc = ssp_errmsg_set(em, SSP_ERR_PARSE, "receipt.tasks: not an array of 1..%d tasks",
				    SSP_RECEIPT_MAX_TASKS);
		goto out;
	}
	for (size_t i = 0; i < json_array_size(v); i++) {
		char where[48];

		snprintf(where, sizeof(where), "receipt.tasks[%zu]", i);
		rc = parse_task(json_array_get(v, i), &r->tasks[i], where, em);
		if (rc != 0)
			goto out;
		sum_cpu += r->tasks[i].cpu_time;
		sum_wall += r->tasks[i].wall_time;
		r->ntasks++;
	}
	if ((rc = get_seconds(root, "cpu_time", &r->cpu_time, "receipt", em)) != 0 ||
	    (rc = get_seconds(root, "wall_time", &r->wall_time, "receipt", em)) != 0)
		goto out;
	if (!sum_matches(r->cpu_time, sum_cpu, r->ntasks) || !sum_matches(r->wall_time, sum_wall, r->ntasks)) {
		rc = ssp_errmsg_set(em, SSP_ERR_PARSE, "receipt: cpu_time or wall_time is not the sum over the tasks");
		goto out;
	}

	if ((rc = ssp_json_array(root, "receipt", "outputs", SIZE_MAX, &v, em)) != 0)
		goto out;
	if (json_array_size(v) > SSP_RECEIPT_MAX_OUTPUTS) {
		rc = ssp_errmsg_set(em, SSP_ERR_PARSE, "receipt.outputs: not an array of at most %d outputs",
				    SSP_RECEIPT_MAX_OUTPUTS);
		goto out;
	}
	for (size_t i = 0; i < json_array_size(v); i++) {
		char where[48];

		snprintf(where, sizeof(where), "receipt.outputs[%zu]", i);
		rc = parse_output(json_array_get(v, i), &r->outputs[i], where, em);
		if (rc != 0)
			goto out;
		if (ssp_receipt_find_output(r, r->outputs[i].name) != NULL) {
			rc = ssp_errmsg_set(em, SSP_ERR_PARSE, "%s.name: repeated", where);
			goto out;
		}
		r->noutputs++;
	}
	if ((rc = get_int(root, "started_at", 0, MAX_TIME_T, &x, "receipt", em)) != 0 ||
	    (rc = get_int(root, "finished_at", 0, MAX_TIME_T, &y, "receipt", em)) != 0)
		goto out;
	if (y < x) {
		rc = ssp_errmsg_set(em, SSP_ERR_PARSE, "receipt: finished_at is before started_at");
		goto out;
	}
	r->started_at = x;
	r->finished_at = y;
	*out = r;
	r = NULL;
out:
	free(r);
	json_decref(root);
	return rc;
}

int ssp_receipt_read(const char *path, ssp_receipt **out, ssp_errmsg *em)
{
	char *buf = NULL;
	size_t len = 0;
	int rc;

	*out = NULL;
	rc = ssp_file_read(path, SSP_RECEIPT_MAX_BYTES, &buf, &len);
	if (rc == SSP_ERR_NOT_FOUND)
		return ssp_errmsg_set(em, rc, "receipt %s not found", path);
	if (rc == SSP_ERR_TOO_BIG)
		return ssp_errmsg_set(em, rc, "receipt %s is larger than %d bytes", path, SSP_RECEIPT_MAX_BYTES);
	if (rc != 0)
		return ssp_errmsg_set(em, rc, "cannot read receipt %s", path);
	rc = ssp_receipt_parse(buf, len, out, em);
	free(buf);
	return rc;
}

/* ---- accessors ---- */

int ssp_receipt_version(const ssp_receipt *r) { return r->version; }
const char *ssp_receipt_wu_name(const ssp_receipt *r) { return r->wu_name; }
const char *ssp_receipt_result_name(const ssp_receipt *r) { return r->result_name; }
uint64_t ssp_receipt_userid(const ssp_receipt *r) { return r->userid; }
uint64_t ssp_receipt_hostid(const ssp_receipt *r) { return r->hostid; }
const char *ssp_receipt_wrapper_name(const ssp_receipt *r) { return r->wrapper_name; }
const char *ssp_receipt_wrapper_version(const ssp_receipt *r) { return r->wrapper_version; }
int64_t ssp_receipt_started_at(const ssp_receipt *r) { return r->started_at; }
int64_t ssp_receipt_finished_at(const ssp_receipt *r) { return r->finished_at; }
double ssp_receipt_cpu_time(const ssp_receipt *r) { return r->cpu_time; }
double ssp_receipt_wall_time(const ssp_receipt *r) { return r->wall_time; }
size_t ssp_receipt_ntasks(const ssp_receipt *r) { return r->ntasks; }
size_t ssp_receipt_noutputs(const ssp_receipt *r) { return r->noutputs; }

const ssp_receipt_task *ssp_receipt_task_at(const ssp_receipt *r, size_t i)
{
	return i < r->ntasks ? &r->tasks[i] : NULL;
}

const ssp_receipt_output *ssp_receipt_output_at(const ssp_receipt *r, size_t i)
{
	return i < r->noutputs ? &r->outputs[i] : NULL;
}

const ssp_receipt_output *ssp_receipt_find_output(const ssp_receipt *r, const char *name)
{
	for (size_t i = 0; i < r->noutputs; i++)
		if (strcmp(r->outputs[i].name, name) == 0)
			return &r->outputs[i];
	return NULL;
}

/* ---- digest checks ---- */

int ssp_receipt_check_file(const ssp_receipt_output *o, const char *path, ssp_errmsg *em)
{
	uint8_t d[SSP_SHA256_LEN];
	uint64_t n = 0;
	int rc;

	rc = ssp_sha256_file(path, d, &n);
	if (rc != 0)
		return ssp_errmsg_set(em, rc, "output %s: cannot hash %s: %s", o->name, path, ssp_strerror(rc));
	if (n != o->bytes)
		return ssp_errmsg_set(em, SSP_ERR_MISMATCH, "output %s: %llu bytes, receipt says %llu",
				      o->name, (unsigned long long)n, (unsigned long long)o->bytes);
	if (ssp_memeq_ct(d, o->sha256, SSP_SHA256_LEN) != 0)
		return ssp_errmsg_set(em, SSP_ERR_MISMATCH, "output %s: SHA-256 differs from the receipt",
				      o->name);
	return 0;
}

int ssp_receipt_check_dir(const ssp_receipt *r, const char *dir, ssp_errmsg *em)
{
	for (size_t i = 0; i < r->noutputs; i++) {
		size_t n = strlen(dir) + strlen(r->outputs[i].name) + 2;
		char *path = malloc(n);
		int rc;

		if (path == NULL)
			return SSP_ERR_NOMEM;
		snprintf(path, n, "%s/%s", dir, r->outputs[i].name);
		rc = ssp_receipt_check_file(&r->outputs[i], path, em);
		free(path);
		if (rc != 0)
			return rc;
	}
	return 0;
}

/* ---- checkpoint state ---- */

static int state_ok(const ssp_receipt_state *s)
{
	if (s->ntasks == 0 || s->ntasks > SSP_RECEIPT_MAX_TASKS || s->tasks_done > s->ntasks ||
	    s->started_at < 0 || s->started_at > MAX_TIME_T || !seconds_ok(s->cur_cpu_time) ||
	    !seconds_ok(s->cur_wall_time) || s->cur_peak_rss_kb > SSP_RECEIPT_MAX_RSS_KB ||
	    !isfinite(s->fraction_done) || s->fraction_done < 0 || s->fraction_done > 1 ||
	    s->task_pgid < 0 || s->task_pgid > INT32_MAX)
		return 0;
	if (memchr(s->wu_name, '\0', sizeof(s->wu_name)) == NULL ||
	    memchr(s->result_name, '\0', sizeof(s->result_name)) == NULL)
		return 0;
	if ((s->wu_name[0] && !text_ok(s->wu_name)) || (s->result_name[0] && !text_ok(s->result_name)))
		return 0;
	for (size_t i = 0; i < s->tasks_done; i++)
		if (!task_ok(&s->done[i]))
			return 0;
	return 1;
}

int ssp_receipt_state_to_json(const ssp_receipt_state *s, char **out, size_t *len)
{
	json_t *root = NULL, *done = NULL;
	char hex[2 * SSP_SHA256_LEN + 3];
	int rc = SSP_ERR_NOMEM;

	*out = NULL;
	*len = 0;
	if (!state_ok(s))
		return SSP_ERR_INVAL;
	root = json_object();
	done = json_array();
	if (root == NULL || done == NULL)
		goto out;
	for (size_t i = 0; i < s->tasks_done; i++)
		if (json_array_append_new(done, task_json(&s->done[i])) != 0)
			goto out;
	ssp_hex_encode(s->job_sha256, SSP_SHA256_LEN, hex, 0);
	if (set_new(root, "version", json_integer(SSP_RECEIPT_STATE_VERSION)) != 0 ||
	    set_new(root, "job_sha256", json_string(hex)) != 0 ||
	    set_new(root, "wu_name", json_string(s->wu_name)) != 0 ||
	    set_new(root, "result_name", json_string(s->result_name)) != 0 ||
	    set_new(root, "started_at", json_integer(s->started_at)) != 0 ||
	    set_new(root, "ntasks", json_integer((json_int_t)s->ntasks)) != 0 ||
	    set_new(root, "tasks_done", json_integer((json_int_t)s->tasks_done)) != 0 ||
	    json_object_set(root, "done", done) != 0 ||
	    set_new(root, "cur_cpu_time", json_real(round_us(s->cur_cpu_time))) != 0 ||
	    set_new(root, "cur_wall_time", json_real(round_us(s->cur_wall_time))) != 0 ||
	    set_new(root, "cur_peak_rss_kb", json_integer((json_int_t)s->cur_peak_rss_kb)) != 0 ||
	    set_new(root, "fraction_done", json_real(round_us(s->fraction_done))) != 0 ||
	    set_new(root, "task_pgid", json_integer(s->task_pgid)) != 0)
		goto out;
	rc = dump(root, out, len);
out:
	json_decref(root);
	json_decref(done);
	return rc;
}

/* A name that may be empty (standalone runs have no work unit name). */
static int get_opt_text(json_t *obj, const char *key, char dst[SSP_RECEIPT_MAX_NAME + 1], ssp_errmsg *em)
{
	json_t *v = json_object_get(obj, key);

	if (json_is_string(v) && json_string_value(v)[0] == '\0') {
		dst[0] = '\0';
		return 0;
	}
	return get_text(obj, key, 0, dst, "state", em);
}

int ssp_receipt_state_parse(const char *json, size_t len, ssp_receipt_state *s, ssp_errmsg *em)
{
	static const char *const keys[] = { "version", "job_sha256", "wu_name", "result_name",
					    "started_at", "ntasks", "tasks_done", "done", "cur_cpu_time",
					    "cur_wall_time", "cur_peak_rss_kb", "fraction_done",
					    "task_pgid", NULL };
	json_t *root, *v;
	json_int_t x;
	const char *hex;
	int rc = 0;

	memset(s, 0, sizeof(*s));
	root = load(json, len, SSP_RECEIPT_STATE_MAX_BYTES, "state", em, &rc);
	if (root == NULL)
		return rc;
	if ((rc = check_version(root, SSP_RECEIPT_STATE_VERSION, "state", em)) != 0 ||
	    (rc = only_keys(root, keys, "state", em)) != 0)
		goto out;
	if ((rc = ssp_json_str(root, "state", "job_sha256", 2 * SSP_SHA256_LEN, 0, &hex, em)) != 0)
		goto out;
	if (strlen(hex) != 2 * SSP_SHA256_LEN ||
	    ssp_hex_decode_exact(hex, s->job_sha256, SSP_SHA256_LEN) != 0) {
		rc = ssp_errmsg_set(em, SSP_ERR_PARSE, "state.job_sha256: not 64 hex digits");
		goto out;
	}
	if ((rc = get_opt_text(root, "wu_name", s->wu_name, em)) != 0 ||
	    (rc = get_opt_text(root, "result_name", s->result_name, em)) != 0 ||
	    (rc = get_int(root, "started_at", 0, MAX_TIME_T, &x, "state", em)) != 0)
		goto out;
	s->started_at = x;
	if ((rc = get_int(root, "ntasks", 1, SSP_RECEIPT_MAX_TASKS, &x, "state", em)) != 0)
		goto out;
	s->ntasks = (size_t)x;
	if ((rc = get_int(root, "tasks_done", 0, (json_int_t)s->ntasks, &x, "state", em)) != 0)
		goto out;
	s->tasks_done = (size_t)x;
	if ((rc = ssp_json_array(root, "state", "done", SIZE_MAX, &v, em)) != 0)
		goto out;
	if (json_array_size(v) != s->tasks_done) {
		rc = ssp_errmsg_set(em, SSP_ERR_PARSE, "state.done: not an array of tasks_done tasks");
		goto out;
	}
	for (size_t i = 0; i < s->tasks_done; i++) {
		char where[48];

		snprintf(where, sizeof(where), "state.done[%zu]", i);
		rc = parse_task(json_array_get(v, i), &s->done[i], where, em);
		if (rc != 0)
			goto out;
	}
	if ((rc = get_seconds(root, "cur_cpu_time", &s->cur_cpu_time, "state", em)) != 0 ||
	    (rc = get_seconds(root, "cur_wall_time", &s->cur_wall_time, "state", em)) != 0 ||
	    (rc = get_int(root, "cur_peak_rss_kb", 0, (json_int_t)SSP_RECEIPT_MAX_RSS_KB, &x, "state", em)) != 0)
		goto out;
	s->cur_peak_rss_kb = (uint64_t)x;
	if ((rc = get_seconds(root, "fraction_done", &s->fraction_done, "state", em)) != 0)
		goto out;
	if (s->fraction_done > 1) {
		rc = ssp_errmsg_set(em, SSP_ERR_PARSE, "state.fraction_done: above 1");
		goto out;
	}
	if ((rc = get_int(root, "task_pgid", 0, INT32_MAX, &x, "state", em)) != 0)
		goto out;
	s->task_pgid = x;
out:
	json_decref(root);
	if (rc != 0)
		memset(s, 0, sizeof(*s));
	return rc;
}

int ssp_receipt_state_write(const ssp_receipt_state *s, const char *path)
{
	char *js = NULL;
	size_t n = 0;
	int rc;

	rc = ssp_receipt_state_to_json(s, &js, &n);
	if (rc == 0)
		rc = ssp_file_write_atomic(path, js, n, 0644);
	free(js);
	return rc;
}

int ssp_receipt_state_read(const char *path, ssp_receipt_state *s, ssp_errmsg *em)
{
	char *buf = NULL;
	size_t len = 0;
	int rc;

	memset(s, 0, sizeof(*s));
	rc = ssp_file_read(path, SSP_RECEIPT_STATE_MAX_BYTES, &buf, &len);
	if (rc == SSP_ERR_NOT_FOUND)
		return ssp_errmsg_set(em, rc, "state %s not found", path);
	if (rc != 0)
		return ssp_errmsg_set(em, rc, "cannot read state %s: %s", path, ssp_strerror(rc));
	rc = ssp_receipt_state_parse(buf, len, s, em);
	free(buf);
	return rc;
}
