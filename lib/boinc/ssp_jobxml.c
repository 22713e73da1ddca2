#include "boinc/ssp_jobxml.h"
#include "core/ssp_json.h"
#include "core/ssp_file.h"
#include "boinc/ssp_xml.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

struct ssp_jobxml {
	ssp_jobxml_task *tasks;
	size_t ntasks;
	char **outputs;
	size_t noutputs;
	double total_weight;
	size_t nignored;
	char *first_ignored;
};

static int is_blank(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int is_name(const ssp_xml_node *n, const char *name)
{
	return n->type == SSP_XML_ELEMENT && strcmp((const char *)n->name, name) == 0;
}

/* True when the text is only blanks. */
static int blank_text(const char *s)
{
	for (; s && *s; s++)
		if (!is_blank(*s))
			return 0;
	return 1;
}

/* The trimmed text content of a leaf element, as a new string (*out). Child elements are
 * refused; comments are skipped. */
static int leaf_text(const ssp_xml_node *el, char **out, ssp_errmsg *em)
{
	size_t used = 0, start, end;
	char *buf = NULL;
	const ssp_xml_node *c;

	*out = NULL;
	buf = malloc(SSP_JOBXML_MAX_STRING + 1);
	if (buf == NULL)
		return SSP_ERR_NOMEM;
	for (c = el->children; c != NULL; c = c->next) {
		size_t n;

		if (c->type == SSP_XML_COMMENT || c->type == SSP_XML_PI)
			continue;
		if (c->type != SSP_XML_TEXT && c->type != SSP_XML_CDATA) {
			free(buf);
			return ssp_errmsg_set(em, SSP_ERR_PARSE, "job.xml line %d: <%s> must hold text only",
					      el->line, (const char *)el->name);
		}
		n = c->content ? strlen((const char *)c->content) : 0;
		if (n > SSP_JOBXML_MAX_STRING - used) {
			free(buf);
			return ssp_errmsg_set(em, SSP_ERR_TOO_BIG, "job.xml line %d: <%s> is longer than %d bytes",
					      el->line, (const char *)el->name, SSP_JOBXML_MAX_STRING);
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

/* Sets *dst from a leaf element; a second occurrence is an error. */
static int take_string(const ssp_xml_node *el, char **dst, int allow_empty, ssp_errmsg *em)
{
	char *s = NULL;
	int rc;

	if (*dst != NULL)
		return ssp_errmsg_set(em, SSP_ERR_PARSE, "job.xml line %d: <%s> given twice",
				      el->line, (const char *)el->name);
	rc = leaf_text(el, &s, em);
	if (rc != 0)
		return rc;
	if (!allow_empty && s[0] == '\0') {
		free(s);
		return ssp_errmsg_set(em, SSP_ERR_PARSE, "job.xml line %d: <%s> is empty",
				      el->line, (const char *)el->name);
	}
	*dst = s;
	return 0;
}

static int take_double(const ssp_xml_node *el, double *dst, int *seen, ssp_errmsg *em)
{
	char *s = NULL, *end;
	double v;
	int rc;

	if (*seen)
		return ssp_errmsg_set(em, SSP_ERR_PARSE, "job.xml line %d: <%s> given twice",
				      el->line, (const char *)el->name);
	rc = leaf_text(el, &s, em);
	if (rc != 0)
		return rc;
	v = strtod(s, &end);
	if (s[0] == '\0' || *end != '\0' || !isfinite(v) || v < 0 || v > 1e12) {
		rc = ssp_errmsg_set(em, SSP_ERR_PARSE,
				    "job.xml line %d: <%s> must be a number between 0 and 1e12",
				    el->line, (const char *)el->name);
		free(s);
		return rc;
	}
	free(s);
	*dst = v;
	*seen = 1;
	return 0;
}

static int take_int(const ssp_xml_node *el, int *dst, int lo, int hi, ssp_errmsg *em)
{
	char *s = NULL, *end;
	long v;
	int rc;

	rc = leaf_text(el, &s, em);
	if (rc != 0)
		return rc;
	v = strtol(s, &end, 10);
	if (s[0] == '\0' || *end != '\0' || v < lo || v > hi) {
		rc = ssp_errmsg_set(em, SSP_ERR_PARSE, "job.xml line %d: <%s> must be an integer %d..%d",
				    el->line, (const char *)el->name, lo, hi);
		free(s);
		return rc;
	}
	free(s);
	*dst = (int)v;
	return 0;
}

/* <flag/> or <flag>0|1</flag>. */
static int take_bool(const ssp_xml_node *el, int *dst, ssp_errmsg *em)
{
	char *s = NULL;
	int rc;

	rc = leaf_text(el, &s, em);
	if (rc != 0)
		return rc;
	if (s[0] == '\0' || strcmp(s, "1") == 0) {
		*dst = 1;
	} else if (strcmp(s, "0") == 0) {
		*dst = 0;
	} else {
		rc = ssp_errmsg_set(em, SSP_ERR_PARSE, "job.xml line %d: <%s> must be empty, 0 or 1",
				    el->line, (const char *)el->name);
	}
	free(s);
	return rc;
}

static int valid_env_name(const char *s, size_t n)
{
	if (n == 0 || !((s[0] >= 'A' && s[0] <= 'Z') || (s[0] >= 'a' && s[0] <= 'z') || s[0] == '_'))
		return 0;
	for (size_t i = 1; i < n; i++) {
		char c = s[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
			return 0;
	}
	return 1;
}

static void note_ignored(ssp_jobxml *job, const ssp_xml_node *el)
{
	job->nignored++;
	if (job->first_ignored == NULL)
		job->first_ignored = strdup((const char *)el->name);
}

/* Stray non-blank text between elements is malformed (BOINC's parser says so too). */
static int check_stray(const ssp_xml_node *c, const char *where, ssp_errmsg *em)
{
	if ((c->type == SSP_XML_TEXT || c->type == SSP_XML_CDATA) && !blank_text(c->content))
		return ssp_errmsg_set(em, SSP_ERR_PARSE, "job.xml line %d: unexpected text in <%s>",
				      c->line, where);
	return 0;
}

static void task_clear(ssp_jobxml_task *t)
{
	free(t->application);
	free(t->command_line);
	free(t->stdin_filename);
	free(t->stdout_filename);
	free(t->stderr_filename);
	free(t->checkpoint_filename);
	free(t->fraction_done_filename);
	free(t->exec_dir);
	for (size_t i = 0; i < t->nsetenv; i++)
		free(t->setenv[i]);
	free(t->setenv);
	memset(t, 0, sizeof(*t));
}

static int parse_task(ssp_jobxml *job, const ssp_xml_node *el, ssp_jobxml_task *t, ssp_errmsg *em)
{
	int seen_weight = 0, seen_limit = 0, rc = 0;
	const ssp_xml_node *c;

	memset(t, 0, sizeof(*t));
	t->weight = 1.0;
	for (c = el->children; c != NULL && rc == 0; c = c->next) {
		if (c->type != SSP_XML_ELEMENT) {
			rc = check_stray(c, "task", em);
			continue;
		}
		if (is_name(c, "application"))
			rc = take_string(c, &t->application, 0, em);
		else if (is_name(c, "command_line"))
			rc = take_string(c, &t->command_line, 1, em);
		else if (is_name(c, "stdin_filename"))
			rc = take_string(c, &t->stdin_filename, 0, em);
		else if (is_name(c, "stdout_filename"))
			rc = take_string(c, &t->stdout_filename, 0, em);
		else if (is_name(c, "stderr_filename"))
			rc = take_string(c, &t->stderr_filename, 0, em);
		else if (is_name(c, "checkpoint_filename"))
			rc = take_string(c, &t->checkpoint_filename, 0, em);
		else if (is_name(c, "fraction_done_filename"))
			rc = take_string(c, &t->fraction_done_filename, 0, em);
		else if (is_name(c, "exec_dir"))
			rc = take_string(c, &t->exec_dir, 0, em);
		else if (is_name(c, "weight"))
			rc = take_double(c, &t->weight, &seen_weight, em);
		else if (is_name(c, "time_limit"))
			rc = take_double(c, &t->time_limit, &seen_limit, em);
		else if (is_name(c, "priority"))
			rc = take_int(c, &t->priority, 0, 4, em);
		else if (is_name(c, "append_cmdline_args"))
			rc = take_bool(c, &t->append_cmdline_args, em);
		else if (is_name(c, "multi_process"))
			rc = take_bool(c, &t->multi_process, em);
		else if (is_name(c, "setenv")) {
			char *s = NULL, *eq, **grown;

			if (t->nsetenv >= SSP_JOBXML_MAX_SETENV) {
				rc = ssp_errmsg_set(em, SSP_ERR_TOO_BIG, "job.xml line %d: more than %d <setenv>",
						    c->line, SSP_JOBXML_MAX_SETENV);
				break;
			}
			rc = leaf_text(c, &s, em);
			if (rc != 0)
				break;
			eq = strchr(s, '=');
			if (eq == NULL || !valid_env_name(s, (size_t)(eq - s))) {
				free(s);
				rc = ssp_errmsg_set(em, SSP_ERR_PARSE,
						    "job.xml line %d: <setenv> must be NAME=value", c->line);
				break;
			}
			grown = realloc(t->setenv, (t->nsetenv + 1) * sizeof(*grown));
			if (grown == NULL) {
				free(s);
				rc = SSP_ERR_NOMEM;
				break;
			}
			t->setenv = grown;
			t->setenv[t->nsetenv++] = s;
		} else if (is_name(c, "daemon") || is_name(c, "is_daemon"))
			rc = ssp_errmsg_set(em, SSP_ERR_UNSUPPORTED,
					    "job.xml line %d: daemon tasks are not supported", c->line);
		else if (is_name(c, "forward_slashes") || is_name(c, "wait_for_checkpoint"))
			continue; /* meaningful only on Windows / accepted and ignored by BOINC too */
		else
			note_ignored(job, c);
	}
	if (rc == 0 && t->application == NULL)
		rc = ssp_errmsg_set(em, SSP_ERR_PARSE, "job.xml line %d: <task> has no <application>",
				    el->line);
	if (rc != 0)
		task_clear(t);
	return rc;
}

void ssp_jobxml_free(ssp_jobxml *job)
{
	if (job == NULL)
		return;
	for (size_t i = 0; i < job->ntasks; i++)
		task_clear(&job->tasks[i]);
	free(job->tasks);
	for (size_t i = 0; i < job->noutputs; i++)
		free(job->outputs[i]);
	free(job->outputs);
	free(job->first_ignored);
	free(job);
}

int ssp_jobxml_parse(const char *xml, size_t len, ssp_jobxml **out, ssp_errmsg *em)
{
	ssp_jobxml *job = NULL;
	ssp_xml_node *doc = NULL;
	ssp_xml_error xe;
	const ssp_xml_node *root, *c;
	int rc = 0;

	*out = NULL;
	if (xml == NULL)
		return ssp_errmsg_set(em, SSP_ERR_INVAL, "job.xml: no input");
	if (len > SSP_JOBXML_MAX_BYTES)
		return ssp_errmsg_set(em, SSP_ERR_TOO_BIG, "job.xml is larger than %d bytes",
				      SSP_JOBXML_MAX_BYTES);
	if (memchr(xml, '\0', len) != NULL)
		return ssp_errmsg_set(em, SSP_ERR_PARSE, "job.xml contains a NUL byte");
	rc = ssp_xml_parse(xml, len, &doc, &xe);
	if (rc == SSP_ERR_NOMEM)
		goto out;
	if (rc != 0) {
		if (xe.doctype)
			rc = ssp_errmsg_set(em, SSP_ERR_PARSE, "job.xml: a DOCTYPE is not allowed");
		else
			rc = ssp_errmsg_set(em, SSP_ERR_PARSE, "job.xml line %d: %s", xe.line, xe.msg);
		goto out;
	}
	root = doc;
	if (root == NULL || !is_name(root, "job_desc")) {
		rc = ssp_errmsg_set(em, SSP_ERR_PARSE, "job.xml: the root element must be <job_desc>");
		goto out;
	}
	job = calloc(1, sizeof(*job));
	if (job == NULL) {
		rc = SSP_ERR_NOMEM;
		goto out;
	}
	for (c = root->children; c != NULL && rc == 0; c = c->next) {
		if (c->type != SSP_XML_ELEMENT) {
			rc = check_stray(c, "job_desc", em);
			continue;
		}
		if (is_name(c, "task")) {
			ssp_jobxml_task *grown;

			if (job->ntasks >= SSP_JOBXML_MAX_TASKS) {
				rc = ssp_errmsg_set(em, SSP_ERR_TOO_BIG, "job.xml: more than %d tasks",
						    SSP_JOBXML_MAX_TASKS);
				break;
			}
			grown = realloc(job->tasks, (job->ntasks + 1) * sizeof(*grown));
			if (grown == NULL) {
				rc = SSP_ERR_NOMEM;
				break;
			}
			job->tasks = grown;
			rc = parse_task(job, c, &job->tasks[job->ntasks], em);
			if (rc == 0) {
				job->total_weight += job->tasks[job->ntasks].weight;
				job->ntasks++;
			}
		} else if (is_name(c, "ssp_output")) {
			char *s = NULL, **grown;

			if (job->noutputs >= SSP_JOBXML_MAX_OUTPUTS) {
				rc = ssp_errmsg_set(em, SSP_ERR_TOO_BIG, "job.xml: more than %d <ssp_output>",
						    SSP_JOBXML_MAX_OUTPUTS);
				break;
			}
			rc = take_string(c, &s, 0, em);
			if (rc != 0)
				break;
			for (size_t i = 0; i < job->noutputs && rc == 0; i++)
				if (strcmp(job->outputs[i], s) == 0)
					rc = ssp_errmsg_set(em, SSP_ERR_PARSE,
							    "job.xml line %d: <ssp_output> %s given twice",
							    c->line, s);
			if (rc == 0 && (strchr(s, '/') != NULL || strlen(s) > 255))
				rc = ssp_errmsg_set(em, SSP_ERR_PARSE,
						    "job.xml line %d: <ssp_output> must be a plain file name",
						    c->line);
			grown = rc == 0 ? realloc(job->outputs, (job->noutputs + 1) * sizeof(*grown)) : NULL;
			if (rc == 0 && grown == NULL)
				rc = SSP_ERR_NOMEM;
			if (rc != 0) {
				free(s);
				break;
			}
			job->outputs = grown;
			job->outputs[job->noutputs++] = s;
		} else if (is_name(c, "daemon") || is_name(c, "unzip_input") || is_name(c, "zip_output")) {
			rc = ssp_errmsg_set(em, SSP_ERR_UNSUPPORTED, "job.xml line %d: <%s> is not supported",
					    c->line, (const char *)c->name);
		} else if (is_name(c, "enable_graphics_support")) {
			continue;
		} else {
			note_ignored(job, c);
		}
	}
	if (rc != 0)
		goto out;
	if (job->ntasks == 0) {
		rc = ssp_errmsg_set(em, SSP_ERR_PARSE, "job.xml: no <task>");
		goto out;
	}
	if (!(job->total_weight > 0)) {
		rc = ssp_errmsg_set(em, SSP_ERR_PARSE, "job.xml: the task weights add up to 0");
		goto out;
	}
	*out = job;
	job = NULL;
out:
	ssp_jobxml_free(job);
	ssp_xml_free(doc, 0);
	return rc;
}

int ssp_jobxml_read(const char *path, ssp_jobxml **out, ssp_errmsg *em)
{
	char *buf = NULL;
	size_t len = 0;
	int rc;

	*out = NULL;
	rc = ssp_file_read(path, SSP_JOBXML_MAX_BYTES, &buf, &len);
	if (rc == SSP_ERR_NOT_FOUND)
		return ssp_errmsg_set(em, rc, "job file %s not found", path);
	if (rc == SSP_ERR_TOO_BIG)
		return ssp_errmsg_set(em, rc, "job file %s is larger than %d bytes", path,
				      SSP_JOBXML_MAX_BYTES);
	if (rc != 0)
		return ssp_errmsg_set(em, rc, "cannot read job file %s", path);
	rc = ssp_jobxml_parse(buf, len, out, em);
	free(buf);
	return rc;
}

size_t ssp_jobxml_ntasks(const ssp_jobxml *job)
{
	return job->ntasks;
}

const ssp_jobxml_task *ssp_jobxml_task_at(const ssp_jobxml *job, size_t i)
{
	return i < job->ntasks ? &job->tasks[i] : NULL;
}

double ssp_jobxml_total_weight(const ssp_jobxml *job)
{
	return job->total_weight;
}

size_t ssp_jobxml_noutputs(const ssp_jobxml *job)
{
	return job->noutputs;
}

const char *ssp_jobxml_output_at(const ssp_jobxml *job, size_t i)
{
	return i < job->noutputs ? job->outputs[i] : NULL;
}

size_t ssp_jobxml_nignored(const ssp_jobxml *job)
{
	return job->nignored;
}

const char *ssp_jobxml_first_ignored(const ssp_jobxml *job)
{
	return job->first_ignored;
}

int ssp_jobxml_replace(const char *s, const char *macro, const char *value, char **out)
{
	const size_t mlen = strlen(macro), vlen = strlen(value);
	size_t need = 0;
	const char *p, *q;
	char *buf, *w;

	*out = NULL;
	if (mlen == 0)
		return SSP_ERR_INVAL;
	for (p = s; (q = strstr(p, macro)) != NULL; p = q + mlen) {
		need += (size_t)(q - p) + vlen;
		if (need > SSP_JOBXML_MAX_STRING)
			return SSP_ERR_TOO_BIG;
	}
	need += strlen(p);
	if (need > SSP_JOBXML_MAX_STRING)
		return SSP_ERR_TOO_BIG;
	buf = malloc(need + 1);
	if (buf == NULL)
		return SSP_ERR_NOMEM;
	w = buf;
	for (p = s; (q = strstr(p, macro)) != NULL; p = q + mlen) {
		memcpy(w, p, (size_t)(q - p));
		w += q - p;
		memcpy(w, value, vlen);
		w += vlen;
	}
	memcpy(w, p, strlen(p) + 1);
	*out = buf;
	return 0;
}

int ssp_jobxml_subst(const char *s, const char *project_dir, char **out)
{
	return ssp_jobxml_replace(s, "$PROJECT_DIR", project_dir, out);
}

void ssp_jobxml_argv_free(char **argv)
{
	if (argv == NULL)
		return;
	for (char **a = argv; *a != NULL; a++)
		free(*a);
	free(argv);
}

int ssp_jobxml_split_cmdline(const char *line, char ***argv, size_t *argc, ssp_errmsg *em)
{
	size_t n = 0, len = strlen(line);
	char **v = NULL, *word = NULL;
	const char *p = line;
	int rc = 0;

	*argv = NULL;
	*argc = 0;
	v = calloc(SSP_JOBXML_MAX_ARGS + 1, sizeof(*v));
	word = malloc(len + 1);
	if (v == NULL || word == NULL) {
		rc = SSP_ERR_NOMEM;
		goto out;
	}
	for (;;) {
		size_t w = 0;
		int have = 0;

		while (is_blank((unsigned char)*p))
			p++;
		if (*p == '\0')
			break;
		while (*p != '\0' && !is_blank((unsigned char)*p)) {
			if (*p == '"' || *p == '\'') {
				char q = *p++;

				while (*p != '\0' && *p != q)
					word[w++] = *p++;
				if (*p != q) {
					rc = ssp_errmsg_set(em, SSP_ERR_PARSE,
							    "command line: unterminated %c quote", q);
					goto out;
				}
				p++;
			} else {
				word[w++] = *p++;
			}
			have = 1;
		}
		if (!have)
			continue;
		if (n >= SSP_JOBXML_MAX_ARGS) {
			rc = ssp_errmsg_set(em, SSP_ERR_TOO_BIG, "command line: more than %d words",
					    SSP_JOBXML_MAX_ARGS);
			goto out;
		}
		word[w] = '\0';
		v[n] = strdup(word);
		if (v[n] == NULL) {
			rc = SSP_ERR_NOMEM;
			goto out;
		}
		n++;
	}
	*argv = v;
	*argc = n;
	v = NULL;
out:
	ssp_jobxml_argv_free(v);
	free(word);
	return rc;
}

/* ---- JSON form ---- */

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static int put(json_t *obj, const char *key, json_t *v)
{
	return v != NULL && json_object_set_new(obj, key, v) == 0 ? 0 : SSP_ERR_NOMEM;
}

int ssp_jobxml_to_json(const ssp_jobxml *job, char **out, size_t *len)
{
	json_t *root = json_object(), *tasks = json_array(), *outs = json_array();
	int rc = SSP_ERR_NOMEM;

	*out = NULL;
	*len = 0;
	if (root == NULL || tasks == NULL || outs == NULL)
		goto out;
	for (size_t i = 0; i < job->ntasks; i++) {
		const ssp_jobxml_task *t = &job->tasks[i];
		json_t *o = json_object(), *env = json_array();

		if (json_array_append_new(tasks, o) != 0 || env == NULL || put(o, "setenv", env) != 0)
			goto out;
		for (size_t k = 0; k < t->nsetenv; k++)
			if (json_array_append_new(env, json_string(t->setenv[k])) != 0)
				goto out;
		if (put(o, "application", json_string(t->application)) != 0 ||
		    put(o, "command_line", str_or_null(t->command_line)) != 0 ||
		    put(o, "stdin_filename", str_or_null(t->stdin_filename)) != 0 ||
		    put(o, "stdout_filename", str_or_null(t->stdout_filename)) != 0 ||
		    put(o, "stderr_filename", str_or_null(t->stderr_filename)) != 0 ||
		    put(o, "checkpoint_filename", str_or_null(t->checkpoint_filename)) != 0 ||
		    put(o, "fraction_done_filename", str_or_null(t->fraction_done_filename)) != 0 ||
		    put(o, "exec_dir", str_or_null(t->exec_dir)) != 0 ||
		    put(o, "weight", json_real(t->weight)) != 0 ||
		    put(o, "time_limit", json_real(t->time_limit)) != 0 ||
		    put(o, "priority", json_integer(t->priority)) != 0 ||
		    put(o, "append_cmdline_args", json_boolean(t->append_cmdline_args)) != 0 ||
		    put(o, "multi_process", json_boolean(t->multi_process)) != 0)
			goto out;
	}
	for (size_t i = 0; i < job->noutputs; i++)
		if (json_array_append_new(outs, json_string(job->outputs[i])) != 0)
			goto out;
	if (json_object_set(root, "tasks", tasks) != 0 || json_object_set(root, "outputs", outs) != 0 ||
	    put(root, "nignored", json_integer((json_int_t)job->nignored)) != 0 ||
	    put(root, "first_ignored", str_or_null(job->first_ignored)) != 0)
		goto out;
	*out = json_dumps(root, JSON_COMPACT | JSON_REAL_PRECISION(17));
	if (*out == NULL)
		goto out;
	*len = strlen(*out);
	rc = 0;
out:
	json_decref(root);
	json_decref(tasks);
	json_decref(outs);
	return rc;
}

/* A string member (lib/core/ssp_json.h): NULL-able when optional; checked for NUL bytes and the
 * length cap. */
static int json_str(json_t *o, const char *key, int optional, char **dst, size_t i, ssp_errmsg *em)
{
	json_t *v = json_object_get(o, key);
	char where[48];
	const char *s;
	int rc;

	*dst = NULL;
	if (optional && (v == NULL || json_is_null(v)))
		return 0;
	snprintf(where, sizeof where, "job JSON: task %zu", i);
	if ((rc = ssp_json_str(o, where, key, SSP_JOBXML_MAX_STRING, 0, &s, em)) != 0)
		return rc;
	*dst = strdup(s);
	return *dst ? 0 : SSP_ERR_NOMEM;
}

static int json_task(json_t *o, ssp_jobxml_task *t, size_t i, ssp_errmsg *em)
{
	json_t *env, *v;
	int rc;

	memset(t, 0, sizeof(*t));
	if (!json_is_object(o))
		return ssp_errmsg_set(em, SSP_ERR_PARSE, "job JSON: task %zu is not an object", i);
	if ((rc = json_str(o, "application", 0, &t->application, i, em)) != 0 ||
	    (rc = json_str(o, "command_line", 1, &t->command_line, i, em)) != 0 ||
	    (rc = json_str(o, "stdin_filename", 1, &t->stdin_filename, i, em)) != 0 ||
	    (rc = json_str(o, "stdout_filename", 1, &t->stdout_filename, i, em)) != 0 ||
	    (rc = json_str(o, "stderr_filename", 1, &t->stderr_filename, i, em)) != 0 ||
	    (rc = json_str(o, "checkpoint_filename", 1, &t->checkpoint_filename, i, em)) != 0 ||
	    (rc = json_str(o, "fraction_done_filename", 1, &t->fraction_done_filename, i, em)) != 0 ||
	    (rc = json_str(o, "exec_dir", 1, &t->exec_dir, i, em)) != 0)
		return rc;
	if (t->application[0] == '\0')
		return ssp_errmsg_set(em, SSP_ERR_PARSE, "job JSON: task %zu: empty application", i);
	env = json_object_get(o, "setenv");
	if (!json_is_array(env))
		return ssp_errmsg_set(em, SSP_ERR_PARSE, "job JSON: task %zu: setenv is not an array", i);
	if (json_array_size(env) > SSP_JOBXML_MAX_SETENV)
		return ssp_errmsg_set(em, SSP_ERR_TOO_BIG, "job JSON: task %zu: too many setenv", i);
	if (json_array_size(env) > 0 && (t->setenv = calloc(json_array_size(env), sizeof(char *))) == NULL)
		return SSP_ERR_NOMEM;
	for (size_t k = 0; k < json_array_size(env); k++) {
		json_t *e = json_array_get(env, k);
		const char *s = json_string_value(e), *eq;

		if (s == NULL || json_string_length(e) != strlen(s) || strlen(s) > SSP_JOBXML_MAX_STRING ||
		    (eq = strchr(s, '=')) == NULL || !valid_env_name(s, (size_t)(eq - s)))
			return ssp_errmsg_set(em, SSP_ERR_PARSE, "job JSON: task %zu: bad setenv", i);
		if ((t->setenv[t->nsetenv] = strdup(s)) == NULL)
			return SSP_ERR_NOMEM;
		t->nsetenv++;
	}
	v = json_object_get(o, "weight");
	t->weight = json_is_number(v) ? json_number_value(v) : -1;
	v = json_object_get(o, "time_limit");
	t->time_limit = json_is_number(v) ? json_number_value(v) : -1;
	if (!isfinite(t->weight) || t->weight < 0 || t->weight > 1e12 || !isfinite(t->time_limit) ||
	    t->time_limit < 0 || t->time_limit > 1e12)
		return ssp_errmsg_set(em, SSP_ERR_PARSE, "job JSON: task %zu: bad weight or time_limit", i);
	v = json_object_get(o, "priority");
	if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > 4)
		return ssp_errmsg_set(em, SSP_ERR_PARSE, "job JSON: task %zu: bad priority", i);
	t->priority = (int)json_integer_value(v);
	v = json_object_get(o, "append_cmdline_args");
	if (!json_is_boolean(v))
		return ssp_errmsg_set(em, SSP_ERR_PARSE, "job JSON: task %zu: bad append_cmdline_args", i);
	t->append_cmdline_args = json_is_true(v);
	v = json_object_get(o, "multi_process");
	if (!json_is_boolean(v))
		return ssp_errmsg_set(em, SSP_ERR_PARSE, "job JSON: task %zu: bad multi_process", i);
	t->multi_process = json_is_true(v);
	return 0;
}

int ssp_jobxml_from_json(const char *json, size_t len, ssp_jobxml **out, ssp_errmsg *em)
{
	ssp_jobxml *job = NULL;
	json_t *root = NULL, *tasks, *outs, *v;
	int rc = 0;

	*out = NULL;
	if (json == NULL)
		return ssp_errmsg_set(em, SSP_ERR_INVAL, "job JSON: no input");
	if (len > 4 * SSP_JOBXML_MAX_BYTES)
		return ssp_errmsg_set(em, SSP_ERR_TOO_BIG, "job JSON is too large");
	root = json_loadb(json, len, JSON_REJECT_DUPLICATES, NULL);
	if (!json_is_object(root)) {
		rc = ssp_errmsg_set(em, SSP_ERR_PARSE, "job JSON: not a JSON object");
		goto out;
	}
	tasks = json_object_get(root, "tasks");
	outs = json_object_get(root, "outputs");
	if (!json_is_array(tasks) || json_array_size(tasks) == 0 || !json_is_array(outs)) {
		rc = ssp_errmsg_set(em, SSP_ERR_PARSE, "job JSON: no tasks or outputs array");
		goto out;
	}
	if (json_array_size(tasks) > SSP_JOBXML_MAX_TASKS || json_array_size(outs) > SSP_JOBXML_MAX_OUTPUTS) {
		rc = ssp_errmsg_set(em, SSP_ERR_TOO_BIG, "job JSON: too many tasks or outputs");
		goto out;
	}
	job = calloc(1, sizeof(*job));
	if (job == NULL || (job->tasks = calloc(json_array_size(tasks), sizeof(*job->tasks))) == NULL ||
	    (json_array_size(outs) > 0 &&
	     (job->outputs = calloc(json_array_size(outs), sizeof(char *))) == NULL)) {
		rc = SSP_ERR_NOMEM;
		goto out;
	}
	for (size_t i = 0; i < json_array_size(tasks); i++) {
		rc = json_task(json_array_get(tasks, i), &job->tasks[i], i, em);
		job->ntasks++; /* freed with the job even when incomplete */
		if (rc != 0)
			goto out;
		job->total_weight += job->tasks[i].weight;
	}
	for (size_t i = 0; i < json_array_size(outs); i++) {
		json_t *o = json_array_get(outs, i);
		const char *s = json_string_value(o);

		if (s == NULL || json_string_length(o) != strlen(s) || s[0] == '\0' || strchr(s, '/') != NULL ||
		    strlen(s) > 255) {
			rc = ssp_errmsg_set(em, SSP_ERR_PARSE, "job JSON: output %zu is not a plain file name", i);
			goto out;
		}
		for (size_t k = 0; k < job->noutputs; k++)
			if (strcmp(job->outputs[k], s) == 0) {
				rc = ssp_errmsg_set(em, SSP_ERR_PARSE, "job JSON: output %s given twice", s);
				goto out;
			}
		if ((job->outputs[job->noutputs] = strdup(s)) == NULL) {
			rc = SSP_ERR_NOMEM;
			goto out;
		}
		job->noutputs++;
	}
	if (!(job->total_weight > 0)) {
		rc = ssp_errmsg_set(em, SSP_ERR_PARSE, "job JSON: the task weights add up to 0");
		goto out;
	}
	v = json_object_get(root, "nignored");
	if (json_is_integer(v) && json_integer_value(v) >= 0)
		job->nignored = (size_t)json_integer_value(v);
	v = json_object_get(root, "first_ignored");
	if (json_is_string(v) && (job->first_ignored = strdup(json_string_value(v))) == NULL) {
		rc = SSP_ERR_NOMEM;
		goto out;
	}
	*out = job;
	job = NULL;
out:
	ssp_jobxml_free(job);
	json_decref(root);
	return rc;
}
