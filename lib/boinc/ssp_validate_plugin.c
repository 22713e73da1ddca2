/* A project's comparison plug-in, loaded with dlopen (see ssp_validate.h and the plug-in
 * interface in ssp_validate_plugin.h). Follows BOINC's validate_util2.cpp: init_result on
 * every result to be compared, compare_results pairwise, cleanup_result at the end. */
#include "boinc/ssp_validate.h"

#include "boinc/ssp_validate_plugin.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef int (*init_fn)(const ssp_vplugin_result *, void **);
typedef int (*compare_fn)(const ssp_vplugin_result *, void *, const ssp_vplugin_result *, void *,
			  int *);
typedef int (*cleanup_fn)(const ssp_vplugin_result *, void *);
typedef int (*handler_init_fn)(int, char **);

struct ssp_vplugin {
	void *so;
	init_fn init;
	compare_fn compare;
	cleanup_fn cleanup;
	pthread_mutex_t mu; /* calls are serialised */
};

/* One result as the plug-in sees it. */
typedef struct pstate {
	ssp_vplugin_result pr;
	ssp_vplugin_file *files;
	char **bufs;
	void *data;
} pstate;

int ssp_vplugin_load(const char *path, int argc, char **argv, ssp_vplugin **out,
		     ssp_errmsg *em)
{
	ssp_vplugin *p;
	const int *abi;
	handler_init_fn hinit;
	int rc;

	*out = NULL;
	if (!path || path[0] != '/')
		return ssp_errmsg_set(em, SSP_ERR_CONFIG, "plug-in %s: an absolute path is needed",
				      path ? path : "(none)");
	p = calloc(1, sizeof(*p));
	if (!p)
		return ssp_errmsg_set(em, SSP_ERR_NOMEM, "out of memory");
	pthread_mutex_init(&p->mu, NULL);
	p->so = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!p->so) {
		rc = ssp_errmsg_set(em, SSP_ERR_CONFIG, "plug-in %s: %s", path, dlerror());
		goto fail;
	}
	abi = (const int *)dlsym(p->so, "ssp_vplugin_abi");
	if (!abi || *abi != SSP_VPLUGIN_ABI) {
		rc = ssp_errmsg_set(em, SSP_ERR_CONFIG, "plug-in %s: ssp_vplugin_abi %s (want %d)", path,
				    abi ? "differs" : "missing", SSP_VPLUGIN_ABI);
		goto fail;
	}
	*(void **)&p->init = dlsym(p->so, "ssp_init_result");
	*(void **)&p->compare = dlsym(p->so, "ssp_compare_results");
	*(void **)&p->cleanup = dlsym(p->so, "ssp_cleanup_result");
	if (!p->init || !p->compare || !p->cleanup) {
		rc = ssp_errmsg_set(em, SSP_ERR_CONFIG, "plug-in %s: ssp_init_result,"
				    " ssp_compare_results and ssp_cleanup_result are required", path);
		goto fail;
	}
	*(void **)&hinit = dlsym(p->so, "ssp_validate_handler_init");
	if (hinit) {
		rc = hinit(argc, argv);
		if (rc) {
			rc = ssp_errmsg_set(em, SSP_ERR_CONFIG, "plug-in %s: ssp_validate_handler_init"
					    " refused the options (%d)", path, rc);
			goto fail;
		}
	} else if (argc > 1) {
		rc = ssp_errmsg_set(em, SSP_ERR_CONFIG, "unknown option %s (the plug-in %s takes no"
				    " options: it has no ssp_validate_handler_init)", argv[1], path);
		goto fail;
	}
	*out = p;
	return 0;
fail:
	ssp_vplugin_free(p);
	return rc;
}

void ssp_vplugin_free(ssp_vplugin *p)
{
	if (!p)
		return;
	if (p->so)
		dlclose(p->so);
	pthread_mutex_destroy(&p->mu);
	free(p);
}

static void pstate_free(pstate *s)
{
	if (!s)
		return;
	for (size_t i = 0; s->bufs && i < s->pr.nfiles; i++)
		free(s->bufs[i]);
	free(s->bufs);
	free(s->files);
	free(s);
}

static void set_check(ssp_vres *r, int check, const char *what, int code)
{
	r->check = check;
	snprintf(r->reason, sizeof(r->reason), "%s (%d)", what, code);
}

int ssp_vplugin_init_results(ssp_vplugin *p, ssp_vres *r, size_t n, uint64_t wu_id,
			     const char *wu_name, uint64_t cap)
{
	for (size_t i = 0; i < n; i++) {
		ssp_vres *x = &r[i];
		pstate *s;
		size_t nf = 0;
		int rc;

		if (x->check != SSP_CHECK_OK || x->plugin_state)
			continue;
		s = calloc(1, sizeof(*s));
		if (!s || !(s->files = calloc(x->nfiles ? x->nfiles : 1, sizeof(*s->files))) ||
		    !(s->bufs = calloc(x->nfiles ? x->nfiles : 1, sizeof(*s->bufs)))) {
			pstate_free(s);
			return SSP_ERR_NOMEM;
		}
		s->pr.id = x->id;
		s->pr.workunitid = wu_id;
		s->pr.hostid = x->hostid;
		s->pr.userid = x->userid;
		s->pr.name = x->name ? x->name : "";
		s->pr.wu_name = wu_name ? wu_name : "";
		s->pr.cpu_time = x->cpu_time;
		s->pr.files = s->files;
		for (size_t k = 0; k < x->nfiles; k++) {
			const char *slash;

			if (x->files[k].no_validate)
				continue;
			rc = ssp_vfile_read(&x->files[k], cap, &s->bufs[nf], &s->files[nf].len);
			if (rc == SSP_ERR_NOMEM) {
				s->pr.nfiles = nf;
				pstate_free(s);
				return rc;
			}
			if (rc) {
				s->pr.nfiles = nf;
				pstate_free(s);
				set_check(x, SSP_CHECK_RETRY, "output unreadable for the plug-in", rc);
				s = NULL;
				break;
			}
			slash = strrchr(x->files[k].path, '/');
			s->files[nf].logical = x->files[k].logical;
			s->files[nf].physical = slash ? slash + 1 : x->files[k].path;
			s->files[nf].data = s->bufs[nf];
			nf++;
		}
		if (!s)
			continue;
		s->pr.nfiles = nf;
		pthread_mutex_lock(&p->mu);
		rc = p->init(&s->pr, &s->data);
		pthread_mutex_unlock(&p->mu);
		if (rc) {
			pstate_free(s);
			if (rc == SSP_VPLUGIN_RETRY)
				set_check(x, SSP_CHECK_RETRY, "the plug-in's init_result asks to retry", rc);
			else
				set_check(x, SSP_CHECK_INVALID, "the plug-in's init_result refused it", rc);
			continue;
		}
		x->plugin_state = s;
	}
	return 0;
}

int ssp_vplugin_compare(void *ctx, const ssp_vres *a, const ssp_vres *b)
{
	ssp_vplugin *p = ctx;
	pstate *sa = a->plugin_state, *sb = b->plugin_state;
	int match = 0, rc;

	if (!sa || !sb)
		return SSP_ERR_IO;
	pthread_mutex_lock(&p->mu);
	rc = p->compare(&sa->pr, sa->data, &sb->pr, sb->data, &match);
	pthread_mutex_unlock(&p->mu);
	if (rc)
		return SSP_ERR_IO;
	return match ? 0 : SSP_ERR_MISMATCH;
}

void ssp_vplugin_cleanup_results(ssp_vplugin *p, ssp_vres *r, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		pstate *s = r[i].plugin_state;

		if (!s)
			continue;
		pthread_mutex_lock(&p->mu);
		p->cleanup(&s->pr, s->data);
		pthread_mutex_unlock(&p->mu);
		pstate_free(s);
		r[i].plugin_state = NULL;
	}
}
