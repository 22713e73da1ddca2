#include "boinc/ssp_initdata.h"
#include "core/ssp_json.h"
#include "core/ssp_file.h"
#include "core/ssp_hex.h"
#include "boinc/ssp_xml.h"

#include <jansson.h>
#include <errno.h>
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static int is_blank(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Elements whose text is secret: wiped in the tree, never copied. */
static int secret_name(const char *name)
{
	return strcmp(name, "authenticator") == 0 || strstr(name, "passwd") != NULL ||
	       strstr(name, "password") != NULL || strstr(name, "user_name") != NULL ||
	       strstr(name, "secret") != NULL;
}

static void wipe_text(ssp_xml_node *n)
{
	for (ssp_xml_node *c = n->children; c != NULL; c = c->next) {
		if ((c->type == SSP_XML_TEXT || c->type == SSP_XML_CDATA) && c->content != NULL)
			ssp_wipe(c->content, strlen((const char *)c->content));
		if (c->children != NULL)
			wipe_text(c);
	}
}

static void wipe_secrets(ssp_xml_node *n)
{
	for (ssp_xml_node *c = n; c != NULL; c = c->next) {
		if (c->type != SSP_XML_ELEMENT)
			continue;
		if (secret_name((const char *)c->name))
			wipe_text(c);
		else if (c->children != NULL)
			wipe_secrets(c->children);
	}
}

/* The trimmed text of a leaf element (child elements refused) as a new string. */
static int leaf_text(const ssp_xml_node *el, size_t cap, char **out, ssp_errmsg *em)
{
	size_t used = 0, start, end;
	char *buf;

	*out = NULL;
	buf = malloc(cap + 1);
	if (buf == NULL)
		return SSP_ERR_NOMEM;
	for (const ssp_xml_node *c = el->children; c != NULL; c = c->next) {
		size_t n;

		if (c->type == SSP_XML_COMMENT || c->type == SSP_XML_PI)
			continue;
		if (c->type != SSP_XML_TEXT && c->type != SSP_XML_CDATA) {
			free(buf);
			return ssp_errmsg_set(em, SSP_ERR_PARSE, "init_data.xml line %d: <%s> must hold text only",
					      el->line, (const char *)el->name);
		}
		n = c->content ? strlen((const char *)c->content) : 0;
		if (n > cap - used) {
			free(buf);
			return ssp_errmsg_set(em, SSP_ERR_TOO_BIG, "init_data.xml line %d: <%s> is too long",
					      el->line, (const char *)el->name);
		}
		memcpy(buf + used, c->content, n);
		used += n;
	}
	buf[used] = '\0';
	for (start = 0; start < used && is_blank((unsigned char)buf[start]); start++)
		;
	for (end = used; end > start && is_blank((unsigned char)buf[end - 1]); end--)
		;
	memmove(buf, buf + start, end - start);
	buf[end - start] = '\0';
	*out = buf;
	return 0;
}

static int take_string(const ssp_xml_node *el, char **dst, ssp_errmsg *em)
{
	char *s = NULL;
	int rc;

	rc = leaf_text(el, SSP_INITDATA_MAX_STRING, &s, em);
	if (rc != 0)
		return rc;
	free(*dst);
	*dst = s;
	return 0;
}

static int take_double(const ssp_xml_node *el, double *dst, ssp_errmsg *em)
{
	char *s = NULL, *end;
	double v;
	int rc;

	rc = leaf_text(el, 64, &s, em);
	if (rc != 0)
		return rc;
	v = strtod(s, &end);
	if (s[0] == '\0' || *end != '\0' || !isfinite(v) || v < 0)
		rc = ssp_errmsg_set(em, SSP_ERR_PARSE,
				    "init_data.xml line %d: <%s> must be a non-negative number",
				    el->line, (const char *)el->name);
	else
		*dst = v;
	free(s);
	return rc;
}

static int take_id(const ssp_xml_node *el, uint64_t *dst, ssp_errmsg *em)
{
	char *s = NULL, *end;
	long long v;
	int rc;

	rc = leaf_text(el, 64, &s, em);
	if (rc != 0)
		return rc;
	v = strtoll(s, &end, 10);
	if (s[0] == '\0' || *end != '\0' || v < 0 || v == LLONG_MAX)
		rc = ssp_errmsg_set(em, SSP_ERR_PARSE,
				    "init_data.xml line %d: <%s> must be a non-negative integer",
				    el->line, (const char *)el->name);
	else
		*dst = (uint64_t)v;
	free(s);
	return rc;
}

/* The serialized children of <project_preferences>. */
static int take_prefs(const ssp_xml_node *el, char **dst, ssp_errmsg *em)
{
	char *buf = NULL;
	size_t len = 0;
	int rc = 0;

	if ((buf = strdup("")) == NULL)
		return SSP_ERR_NOMEM;
	for (const ssp_xml_node *c = el->children; c != NULL && rc == 0; c = c->next)
		rc = ssp_xml_dump(c, &buf, &len, SSP_INITDATA_MAX_PREFS);
	if (rc == SSP_ERR_TOO_BIG)
		rc = ssp_errmsg_set(em, SSP_ERR_TOO_BIG, "init_data.xml: <project_preferences> is larger than %d bytes",
				    SSP_INITDATA_MAX_PREFS);
	if (rc != 0) {
		free(buf);
		return rc;
	}
	free(*dst);
	*dst = buf;
	return 0;
}

static int take_int(const ssp_xml_node *el, int *dst, long lo, long hi, ssp_errmsg *em)
{
	char *s = NULL, *end;
	long v;
	int rc;

	rc = leaf_text(el, 64, &s, em);
	if (rc != 0)
		return rc;
	errno = 0;
	v = strtol(s, &end, 10);
	if (s[0] == '\0' || *end != '\0' || errno != 0 || v < lo || v > hi)
		rc = ssp_errmsg_set(em, SSP_ERR_PARSE, "init_data.xml line %d: <%s> must be an integer %ld..%ld",
				    el->line, (const char *)el->name, lo, hi);
	else
		*dst = (int)v;
	free(s);
	return rc;
}

void ssp_initdata_free(ssp_initdata *d)
{
	if (d == NULL)
		return;
	free(d->wu_name);
	free(d->result_name);
	free(d->app_name);
	free(d->project_dir);
	free(d->project_preferences);
	free(d->gpu_type);
	free(d);
}

enum {
	F_USERID, F_HOSTID, F_TEAMID, F_WU, F_RESULT, F_APP, F_PDIR, F_PREFS, F_FPOPS_EST,
	F_CKPT, F_FD_START, F_FD_END, F_NCPUS, F_SHM_KEY, F_CLIENT_PID, F_GPU_DEV, F_GPU_TYPE, F_P_FPOPS, F_HOST_INFO, F_COUNT
};

static const char *const field_names[F_COUNT] = {
	"userid", "hostid", "teamid", "wu_name", "result_name", "app_name", "project_dir",
	"project_preferences", "rsc_fpops_est", "checkpoint_period", "fraction_done_start",
	"fraction_done_end", "ncpus", "shm_key", "client_pid", "gpu_device_num", "gpu_type", "p_fpops",
	"host_info",
};

static int field_of(const ssp_xml_node *c)
{
	for (int i = 0; i < F_COUNT; i++)
		if (i != F_P_FPOPS && strcmp((const char *)c->name, field_names[i]) == 0)
			return i;
	return -1;
}

static int parse_root(const ssp_xml_node *root, ssp_initdata *d, ssp_errmsg *em)
{
	int seen[F_COUNT] = { 0 };
	int rc = 0;

	for (const ssp_xml_node *c = root->children; c != NULL && rc == 0; c = c->next) {
		int f;

		if (c->type != SSP_XML_ELEMENT)
			continue;
		f = field_of(c);
		if (f < 0)
			continue;
		if (seen[f]++)
			return ssp_errmsg_set(em, SSP_ERR_PARSE, "init_data.xml line %d: <%s> given twice",
					      c->line, (const char *)c->name);
		switch (f) {
		case F_USERID: rc = take_id(c, &d->userid, em); break;
		case F_HOSTID: rc = take_id(c, &d->hostid, em); break;
		case F_TEAMID: rc = take_id(c, &d->teamid, em); break;
		case F_WU: rc = take_string(c, &d->wu_name, em); break;
		case F_RESULT: rc = take_string(c, &d->result_name, em); break;
		case F_APP: rc = take_string(c, &d->app_name, em); break;
		case F_PDIR: rc = take_string(c, &d->project_dir, em); break;
		case F_PREFS: rc = take_prefs(c, &d->project_preferences, em); break;
		case F_FPOPS_EST: rc = take_double(c, &d->rsc_fpops_est, em); break;
		case F_CKPT: rc = take_double(c, &d->checkpoint_period, em); break;
		case F_FD_START: rc = take_double(c, &d->fraction_done_start, em); break;
		case F_FD_END: rc = take_double(c, &d->fraction_done_end, em); break;
		case F_NCPUS: rc = take_double(c, &d->ncpus, em); break;
		case F_SHM_KEY: rc = take_int(c, &d->shm_key, INT_MIN, INT_MAX, em); break;
		case F_CLIENT_PID: rc = take_int(c, &d->client_pid, 0, INT_MAX, em); break;
		case F_GPU_DEV: rc = take_int(c, &d->gpu_device_num, -1, 1024, em); break;
		case F_GPU_TYPE: rc = take_string(c, &d->gpu_type, em); break;
		case F_HOST_INFO:
			for (const ssp_xml_node *h = c->children; h != NULL && rc == 0; h = h->next) {
				if (h->type != SSP_XML_ELEMENT || strcmp((const char *)h->name, "p_fpops") != 0)
					continue;
				if (seen[F_P_FPOPS]++)
					return ssp_errmsg_set(em, SSP_ERR_PARSE,
							      "init_data.xml line %d: <p_fpops> given twice",
							      h->line);
				rc = take_double(h, &d->p_fpops, em);
			}
			break;
		}
	}
	if (rc == 0 && (d->fraction_done_start > 1 || d->fraction_done_end > 1 ||
			d->fraction_done_start > d->fraction_done_end))
		rc = ssp_errmsg_set(em, SSP_ERR_PARSE,
				    "init_data.xml: fraction_done_start/end must satisfy 0 <= start <= end <= 1");
	return rc;
}

int ssp_initdata_parse(const char *xml, size_t len, ssp_initdata **out, ssp_errmsg *em)
{
	ssp_initdata *d = NULL;
	ssp_xml_node *root = NULL;
	ssp_xml_error xe;
	int rc = 0;

	*out = NULL;
	if (xml == NULL)
		return ssp_errmsg_set(em, SSP_ERR_INVAL, "init_data.xml: no input");
	if (len > SSP_INITDATA_MAX_BYTES)
		return ssp_errmsg_set(em, SSP_ERR_TOO_BIG, "init_data.xml is larger than %d bytes",
				      SSP_INITDATA_MAX_BYTES);
	if (memchr(xml, '\0', len) != NULL)
		return ssp_errmsg_set(em, SSP_ERR_PARSE, "init_data.xml contains a NUL byte");
	rc = ssp_xml_parse(xml, len, &root, &xe);
	if (rc == SSP_ERR_NOMEM)
		goto out;
	if (rc != 0) {
		/* Only the line: the message might be about a secret's text. */
		if (xe.doctype)
			rc = ssp_errmsg_set(em, SSP_ERR_PARSE, "init_data.xml: a DOCTYPE is not allowed");
		else
			rc = ssp_errmsg_set(em, SSP_ERR_PARSE, "init_data.xml is not well-formed XML (line %d)",
					    xe.line);
		goto out;
	}
	wipe_secrets(root);
	if (root == NULL || strcmp((const char *)root->name, "app_init_data") != 0) {
		rc = ssp_errmsg_set(em, SSP_ERR_PARSE, "init_data.xml: the root element must be <app_init_data>");
		goto out;
	}
	d = calloc(1, sizeof(*d));
	if (d == NULL) {
		rc = SSP_ERR_NOMEM;
		goto out;
	}
	d->fraction_done_end = 1.0;
	d->gpu_device_num = -1;
	rc = parse_root(root, d, em);
	if (rc != 0)
		goto out;
	{
		char **strs[] = { &d->wu_name, &d->result_name, &d->app_name, &d->project_dir,
				  &d->project_preferences, &d->gpu_type };

		for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]); i++)
			if (*strs[i] == NULL && (*strs[i] = strdup("")) == NULL) {
				rc = SSP_ERR_NOMEM;
				goto out;
			}
	}
	*out = d;
	d = NULL;
out:
	ssp_initdata_free(d);
	ssp_xml_free(root, 1);
	return rc;
}

int ssp_initdata_read(const char *path, ssp_initdata **out, ssp_errmsg *em)
{
	char *buf = NULL;
	size_t len = 0;
	int rc;

	*out = NULL;
	rc = ssp_file_read(path, SSP_INITDATA_MAX_BYTES, &buf, &len);
	if (rc == SSP_ERR_NOT_FOUND)
		return ssp_errmsg_set(em, rc, "%s not found", path);
	if (rc == SSP_ERR_TOO_BIG)
		return ssp_errmsg_set(em, rc, "%s is larger than %d bytes", path, SSP_INITDATA_MAX_BYTES);
	if (rc != 0)
		return ssp_errmsg_set(em, rc, "cannot read %s", path);
	rc = ssp_initdata_parse(buf, len, out, em);
	ssp_wipe(buf, len);
	free(buf);
	return rc;
}

double ssp_initdata_est_cpu_seconds(const ssp_initdata *d)
{
	double flops = d->p_fpops > 0 ? d->p_fpops : 1e9;

	if (!(d->rsc_fpops_est > 0))
		return 0;
	return d->rsc_fpops_est / flops;
}

/* ---- JSON form ---- */

int ssp_initdata_to_json(const ssp_initdata *d, char **out, size_t *len)
{
	json_t *o = json_object();
	int ok;

	*out = NULL;
	*len = 0;
	ok = o != NULL && json_object_set_new(o, "userid", json_integer((json_int_t)d->userid)) == 0 &&
	     json_object_set_new(o, "hostid", json_integer((json_int_t)d->hostid)) == 0 &&
	     json_object_set_new(o, "teamid", json_integer((json_int_t)d->teamid)) == 0 &&
	     json_object_set_new(o, "wu_name", json_string(d->wu_name)) == 0 &&
	     json_object_set_new(o, "result_name", json_string(d->result_name)) == 0 &&
	     json_object_set_new(o, "app_name", json_string(d->app_name)) == 0 &&
	     json_object_set_new(o, "project_dir", json_string(d->project_dir)) == 0 &&
	     json_object_set_new(o, "project_preferences", json_string(d->project_preferences)) == 0 &&
	     json_object_set_new(o, "rsc_fpops_est", json_real(d->rsc_fpops_est)) == 0 &&
	     json_object_set_new(o, "p_fpops", json_real(d->p_fpops)) == 0 &&
	     json_object_set_new(o, "checkpoint_period", json_real(d->checkpoint_period)) == 0 &&
	     json_object_set_new(o, "fraction_done_start", json_real(d->fraction_done_start)) == 0 &&
	     json_object_set_new(o, "fraction_done_end", json_real(d->fraction_done_end)) == 0 &&
	     json_object_set_new(o, "ncpus", json_real(d->ncpus)) == 0 &&
	     json_object_set_new(o, "shm_key", json_integer(d->shm_key)) == 0 &&
	     json_object_set_new(o, "client_pid", json_integer(d->client_pid)) == 0 &&
	     json_object_set_new(o, "gpu_device_num", json_integer(d->gpu_device_num)) == 0 &&
	     json_object_set_new(o, "gpu_type", json_string(d->gpu_type)) == 0 &&
	     (*out = json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(17))) != NULL;
	json_decref(o);
	if (!ok)
		return SSP_ERR_NOMEM;
	*len = strlen(*out);
	return 0;
}

/* The JSON form's members, read with lib/core/ssp_json.h. */
static int json_text(json_t *o, const char *key, size_t cap, char **dst, ssp_errmsg *em)
{
	const char *s;
	int rc = ssp_json_str(o, "init data JSON", key, cap, 0, &s, em);

	if (rc != 0)
		return rc;
	*dst = strdup(s);
	return *dst ? 0 : SSP_ERR_NOMEM;
}

static int json_id(json_t *o, const char *key, uint64_t *dst, ssp_errmsg *em)
{
	return ssp_json_u64(o, "init data JSON", key, 0, INT64_MAX, dst, em);
}

static int json_int(json_t *o, const char *key, int *dst, long lo, long hi, ssp_errmsg *em)
{
	int64_t x;
	int rc = ssp_json_i64(o, "init data JSON", key, lo, hi, &x, em);

	if (rc == 0)
		*dst = (int)x;
	return rc;
}

static int json_num(json_t *o, const char *key, double *dst, ssp_errmsg *em)
{
	return ssp_json_double(o, "init data JSON", key, 0, DBL_MAX, dst, em);
}

int ssp_initdata_from_json(const char *json, size_t len, ssp_initdata **out, ssp_errmsg *em)
{
	ssp_initdata *d = NULL;
	json_t *o = NULL;
	int rc;

	*out = NULL;
	if (json == NULL)
		return ssp_errmsg_set(em, SSP_ERR_INVAL, "init data JSON: no input");
	if (len > 2 * SSP_INITDATA_MAX_BYTES)
		return ssp_errmsg_set(em, SSP_ERR_TOO_BIG, "init data JSON is too large");
	o = json_loadb(json, len, JSON_REJECT_DUPLICATES, NULL);
	d = calloc(1, sizeof(*d));
	if (d == NULL) {
		rc = SSP_ERR_NOMEM;
		goto out;
	}
	if (!json_is_object(o)) {
		rc = ssp_errmsg_set(em, SSP_ERR_PARSE, "init data JSON: not a JSON object");
		goto out;
	}
	if ((rc = json_id(o, "userid", &d->userid, em)) != 0 || (rc = json_id(o, "hostid", &d->hostid, em)) != 0 ||
	    (rc = json_id(o, "teamid", &d->teamid, em)) != 0 ||
	    (rc = json_text(o, "wu_name", SSP_INITDATA_MAX_STRING, &d->wu_name, em)) != 0 ||
	    (rc = json_text(o, "result_name", SSP_INITDATA_MAX_STRING, &d->result_name, em)) != 0 ||
	    (rc = json_text(o, "app_name", SSP_INITDATA_MAX_STRING, &d->app_name, em)) != 0 ||
	    (rc = json_text(o, "project_dir", SSP_INITDATA_MAX_STRING, &d->project_dir, em)) != 0 ||
	    (rc = json_text(o, "project_preferences", SSP_INITDATA_MAX_PREFS, &d->project_preferences, em)) != 0 ||
	    (rc = json_num(o, "rsc_fpops_est", &d->rsc_fpops_est, em)) != 0 ||
	    (rc = json_num(o, "p_fpops", &d->p_fpops, em)) != 0 ||
	    (rc = json_num(o, "checkpoint_period", &d->checkpoint_period, em)) != 0 ||
	    (rc = json_num(o, "fraction_done_start", &d->fraction_done_start, em)) != 0 ||
	    (rc = json_num(o, "fraction_done_end", &d->fraction_done_end, em)) != 0 ||
	    (rc = json_num(o, "ncpus", &d->ncpus, em)) != 0 ||
	    (rc = json_int(o, "shm_key", &d->shm_key, INT_MIN, INT_MAX, em)) != 0 ||
	    (rc = json_int(o, "client_pid", &d->client_pid, 0, INT_MAX, em)) != 0 ||
	    (rc = json_int(o, "gpu_device_num", &d->gpu_device_num, -1, 1024, em)) != 0 ||
	    (rc = json_text(o, "gpu_type", SSP_INITDATA_MAX_STRING, &d->gpu_type, em)) != 0)
		goto out;
	if (d->fraction_done_start > 1 || d->fraction_done_end > 1 ||
	    d->fraction_done_start > d->fraction_done_end) {
		rc = ssp_errmsg_set(em, SSP_ERR_PARSE, "init data JSON: bad fraction_done_start/end");
		goto out;
	}
	*out = d;
	d = NULL;
out:
	ssp_initdata_free(d);
	json_decref(o);
	return rc;
}
