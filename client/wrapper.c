/* ssp_wrapper's engine. See wrapper.h and docs/wrapper.md. */
#include "config.h"

#include "wrapper.h"
#include "wrapper_int.h"
#include "wproc.h"

#include "core/ssp_err.h"
#include "core/ssp_file.h"
#include "core/ssp_hex.h"
#include "boinc/ssp_appapi.h"
#include "boinc/ssp_initdata.h"
#include "boinc/ssp_jobxml.h"
#include "core/ssp_log.h"
#include "boinc/ssp_receipt.h"
#include "crypto/ssp_sha256.h"


#include <ctype.h>
#include <stdarg.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "0.1.0"
#endif

extern char **environ;

volatile sig_atomic_t got_term;
/* The running task's process group, so that a failure while it runs does not leave it behind. */
pid_t running_pgid;
ssp_appapi wapi;

static void on_term(int sig)
{
	got_term = sig;
}

double now_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	/* SIGALRM from the BOINC runtime interrupts this; that is only an earlier poll. */
	nanosleep(&ts, NULL);
}

double tv_sec(struct timeval tv)
{
	return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

/* This process's CPU time from the scheduler (/proc/self/task/N/schedstat, nanoseconds, all
 * threads): exact, where getrusage() is sampled at clock ticks. -1 when unavailable. */
static double sched_cpu_self(void)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *e;
	double total = 0;
	int found = 0;

	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL) {
		char path[96], buf[128];
		unsigned long long ns;
		FILE *f;

		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/self/task/%.32s/schedstat", e->d_name);
		f = fopen(path, "r");
		if (f == NULL)
			continue;
		if (fgets(buf, sizeof(buf), f) != NULL && sscanf(buf, "%llu", &ns) == 1) {
			total += (double)ns / 1e9;
			found = 1;
		}
		fclose(f);
	}
	closedir(d);
	return found ? total : -1;
}

/* Logs the wrapper's own resource use (the benchmark reads this line). */
void log_self_usage(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_SELF, &ru) == 0)
		ssp_log_info("wrapper's own usage: cpu %.3f s (user %.3f, system %.3f; scheduler %.4f s), "
			     "peak rss %ld kB",
			     tv_sec(ru.ru_utime) + tv_sec(ru.ru_stime), tv_sec(ru.ru_utime),
			     tv_sec(ru.ru_stime), sched_cpu_self(), ru.ru_maxrss);
}

/* Ends the result with an error: one clear line in stderr.txt, then boinc_finish(code). */
void fail(int code, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (running_pgid > 1) {
		wproc_tree_signal(getpid(), running_pgid, SIGKILL);
		kill(-running_pgid, SIGCONT);
	}
	ssp_log_crit("error: %s; the result fails with exit status %d", msg, code);
	finish(code);
}

void finish(int code)
{
	log_self_usage();
	/* The last status report may still wait in its channel: give the client (which reads it
	 * about once a second) up to 2 s, as BOINC's boinc_finish() does. */
	for (int i = 0; i < 20 && wapi.shm != NULL && report_pending(); i++) {
		sleep_ms(100);
		report_flush();
	}
	ssp_log_info("called boinc_finish(%d)", code);
	fflush(stderr);
	if (ssp_appapi_write_finish(SSP_APPAPI_FINISH_FILE, code, NULL) != 0)
		ssp_log_crit("cannot write %s: %s", SSP_APPAPI_FINISH_FILE, strerror(errno));
	fflush(stderr);
	ssp_appapi_close(&wapi);
	_exit(code);
}

void resolve(const char *logical, char *out, size_t size)
{
	if (ssp_appapi_resolve(logical, out, size) != 0 || out[0] == '\0')
		snprintf(out, size, "%s", logical);
}

void argv_free(char **v)
{
	ssp_jobxml_argv_free(v);
}

/* ---- start and end ---- */

/* Reads the checkpoint state; returns 1 when it belongs to this job and result. */
static int load_state(struct wrapper *w)
{
	ssp_errmsg em = { { 0 } };
	int rc = ssp_receipt_state_read(SSP_RECEIPT_STATE_FILE, &w->st, &em);
	const char *why = NULL;

	if (rc == SSP_ERR_NOT_FOUND)
		return 0;
	if (rc != 0)
		why = em.msg;
	else if (memcmp(w->st.job_sha256, w->job_digest, SSP_SHA256_LEN) != 0)
		why = "job.xml has changed";
	else if (w->st.ntasks != ssp_jobxml_ntasks(w->job))
		why = "the number of tasks has changed";
	else if (strcmp(w->st.wu_name, w->init->wu_name) != 0 ||
		 strcmp(w->st.result_name, w->init->result_name) != 0)
		why = "it belongs to another result";
	if (why != NULL) {
		ssp_log_info("ignoring the checkpoint state (%s): starting over", why);
		return 0;
	}
	return 1;
}

/* A task of an earlier run that is still alive (the wrapper was killed hard): stop it. */
static void kill_leftover(struct wrapper *w)
{
	pid_t pg = (pid_t)w->st.task_pgid;

	if (pg > 1 && wproc_is_leftover(pg, w->cwd)) {
		ssp_log_info("stopping process group %d left by an earlier run", (int)pg);
		kill(-pg, SIGKILL);
		kill(-pg, SIGCONT);
	}
	w->st.task_pgid = 0;
}

/* True when the file at path is a BOINC soft link; its target goes to target. */
static int soft_link_target(const char *path, char *target, size_t size)
{
	static const char open_tag[] = "<soft_link>", close_tag[] = "</soft_link>";
	char buf[PATH_CAP + 32], *a, *b;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	a = strstr(buf, open_tag);
	if (a == NULL || a != buf)
		return 0;
	a += sizeof(open_tag) - 1;
	b = strstr(a, close_tag);
	if (b == NULL || (size_t)(b - a) >= size)
		return 0;
	memcpy(target, a, (size_t)(b - a));
	target[b - a] = '\0';
	return 1;
}

/* Copies src when it fits. Returns 0, or -1 (dst untouched) when it does not. */
static int copy_str(char *dst, size_t size, const char *src)
{
	size_t n = strlen(src);

	if (n >= size)
		return -1;
	memcpy(dst, src, n + 1);
	return 0;
}

struct out_file {
	char name[SSP_RECEIPT_MAX_NAME + 1];
	char path[PATH_CAP];
	long order;
};

static int cmp_out(const void *a, const void *b)
{
	const struct out_file *x = a, *y = b;

	if (x->order != y->order)
		return x->order < y->order ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* The result's output files when job.xml names none: the slot's soft links to files named
 * <result_name>_<n> (BOINC's output naming), in the order of n. */
static size_t find_outputs(struct wrapper *w, const char *receipt_name, struct out_file *outs, size_t cap)
{
	size_t n = 0, plen = strlen(w->init->result_name);
	DIR *d;
	struct dirent *e;

	if (plen == 0 || (d = opendir(".")) == NULL)
		return 0;
	while ((e = readdir(d)) != NULL && n < cap) {
		char target[PATH_CAP], *base, *end;
		long order;

		if (e->d_name[0] == '.' || !soft_link_target(e->d_name, target, sizeof(target)))
			continue;
		base = strrchr(target, '/');
		base = base ? base + 1 : target;
		if (strncmp(base, w->init->result_name, plen) != 0 || base[plen] != '_' ||
		    strcmp(base, receipt_name) == 0)
			continue;
		order = strtol(base + plen + 1, &end, 10);
		if (end == base + plen + 1 || *end != '\0')
			order = LONG_MAX;
		if (copy_str(outs[n].name, sizeof(outs[n].name), base) != 0 ||
		    copy_str(outs[n].path, sizeof(outs[n].path), target) != 0)
			continue;
		outs[n].order = order;
		n++;
	}
	closedir(d);
	qsort(outs, n, sizeof(*outs), cmp_out);
	return n;
}

static void write_receipt(struct wrapper *w, time_t finished)
{
	static struct out_file outs[SSP_RECEIPT_MAX_OUTPUTS];
	char receipt_path[PATH_CAP];
	const char *receipt_name;
	ssp_receipt *rc_ = NULL;
	size_t nout = 0;
	int rc;

	resolve(SSP_RECEIPT_FILE, receipt_path, sizeof(receipt_path));
	receipt_name = strrchr(receipt_path, '/');
	receipt_name = receipt_name ? receipt_name + 1 : receipt_path;
	if (ssp_jobxml_noutputs(w->job) > 0) {
		for (size_t k = 0; k < ssp_jobxml_noutputs(w->job); k++) {
			const char *base;

			resolve(ssp_jobxml_output_at(w->job, k), outs[k].path, sizeof(outs[k].path));
			base = strrchr(outs[k].path, '/');
			if (copy_str(outs[k].name, sizeof(outs[k].name), base ? base + 1 : outs[k].path) != 0)
				fail(SSP_WRAPPER_EXIT_OUTPUT, "output file name %s is too long", outs[k].path);
		}
		nout = ssp_jobxml_noutputs(w->job);
	} else {
		nout = find_outputs(w, receipt_name, outs, SSP_RECEIPT_MAX_OUTPUTS);
	}

	if (ssp_receipt_new(&rc_) != 0)
		fail(SSP_WRAPPER_EXIT_OUTPUT, "out of memory");
	rc = ssp_receipt_set_result(rc_, w->init->wu_name[0] ? w->init->wu_name : "standalone",
				    w->init->result_name[0] ? w->init->result_name : "standalone",
				    w->init->userid, w->init->hostid);
	if (rc == 0)
		rc = ssp_receipt_set_wrapper(rc_, "ssp_wrapper", PACKAGE_VERSION);
	if (rc == 0)
		rc = ssp_receipt_set_times(rc_, w->st.started_at,
					   finished < w->st.started_at ? w->st.started_at : finished);
	if (rc != 0)
		fail(SSP_WRAPPER_EXIT_OUTPUT, "cannot build the receipt: bad work unit or result name");
	for (size_t k = 0; k < w->st.tasks_done; k++)
		if ((rc = ssp_receipt_add_task(rc_, &w->st.done[k])) != 0)
			fail(SSP_WRAPPER_EXIT_OUTPUT, "cannot add task %zu to the receipt: %s", k + 1,
			     ssp_strerror(rc));
	for (size_t k = 0; k < nout; k++) {
		rc = ssp_receipt_add_output_file(rc_, outs[k].name, outs[k].path);
		if (rc != 0)
			fail(SSP_WRAPPER_EXIT_OUTPUT, "output file %s (%s): %s", outs[k].name, outs[k].path,
			     ssp_strerror(rc));
	}
	rc = ssp_receipt_write(rc_, receipt_path);
	if (rc != 0)
		fail(SSP_WRAPPER_EXIT_OUTPUT, "cannot write the receipt %s: %s", receipt_path, ssp_strerror(rc));
	ssp_log_info("receipt %s written: %zu task(s), %zu output file(s), cpu %.3f s", receipt_name,
		     w->st.tasks_done, nout, cpu_before(w));
	ssp_receipt_free(rc_);
}

/* ---- reading job.xml and init_data.xml ---- */

/* What the parsers found. */
struct parsed {
	int init_rc, job_rc;
	char init_msg[256], job_msg[256];
	ssp_initdata *init;
	ssp_jobxml *job;
};

/* Parses both files (lib/boinc/ssp_xml: no XML library is mapped). Failures are kept in *p
 * for later. */
static void parse_files(struct parsed *p)
{
	ssp_errmsg e1 = { { 0 } }, e2 = { { 0 } };
	char path[PATH_CAP];

	memset(p, 0, sizeof(*p));
	p->init_rc = ssp_initdata_read("init_data.xml", &p->init, &e1);
	snprintf(p->init_msg, sizeof(p->init_msg), "%s", e1.msg);
	resolve("job.xml", path, sizeof(path));
	p->job_rc = ssp_jobxml_read(path, &p->job, &e2);
	snprintf(p->job_msg, sizeof(p->job_msg), "%s", e2.msg);
}

/* Makes sure this is the only wrapper in the slot, as BOINC's boinc_init(): a previous one
 * gets 35 s to go away, then the client is asked to restart us in 10 minutes. */
static void slot_lock(void)
{
	int rc = ssp_appapi_lock(&wapi, SSP_APPAPI_LOCK_FILE);

	if (rc == SSP_ERR_BUSY) {
		ssp_log_info("the slot lock %s is held: waiting up to 35 s", SSP_APPAPI_LOCK_FILE);
		for (int i = 0; i < 35 && rc == SSP_ERR_BUSY && !got_term; i++) {
			sleep_ms(1000);
			rc = ssp_appapi_lock(&wapi, SSP_APPAPI_LOCK_FILE);
		}
	}
	if (rc == SSP_ERR_BUSY) {
		ssp_log_crit("another program holds the slot lock: exiting; the client restarts us in 10 minutes");
		if (ssp_appapi_write_temporary_exit(SSP_APPAPI_TEMP_EXIT_FILE, 600,
						    "Waiting to acquire slot directory lock.  Another instance may be running."))
			ssp_log_crit("cannot write %s: the client may count this as an error", SSP_APPAPI_TEMP_EXIT_FILE);
		fflush(stderr);
		_exit(0);
	}
	if (rc != 0)
		ssp_log_info("cannot lock %s (%s): going on without the lock", SSP_APPAPI_LOCK_FILE,
			     ssp_strerror(rc));
}

/* Attaches the client's shared memory named in init_data.xml; without it, standalone mode
 * (as BOINC's runtime, which then runs the app without a client). */
static void attach_client(struct wrapper *w)
{
	int rc;

	if (w->init->shm_key == 0) {
		ssp_log_info("init_data.xml names no shared memory: standalone mode");
		w->standalone = 1;
		return;
	}
	rc = ssp_appapi_attach(&wapi, SSP_APPAPI_MMAP_FILE, w->init->shm_key, (pid_t)w->init->client_pid,
			       now_mono());
	if (rc != 0) {
		ssp_log_info("cannot attach the client's shared memory (%s %d: %s): standalone mode",
			     w->init->shm_key == -1 ? SSP_APPAPI_MMAP_FILE : "key", w->init->shm_key,
			     ssp_strerror(rc));
		w->standalone = 1;
		return;
	}
	w->client_pid = getppid();
}

void ssp_wrapper_run(const ssp_wrapper_opts *opts)
{
	static struct wrapper wr;
	struct wrapper *w = &wr;
	char path[PATH_CAP];
	ssp_errmsg em = { { 0 } };
	struct sigaction sa;
	struct parsed parsed;
	int rc;

	w->opts = opts;
	/* As BOINC's diagnostics (BOINC_DIAG_REDIRECTSTDERR): stderr goes to the slot's
	 * stderr.txt, appended, which the client sends to the project with the result. */
	if (freopen("stderr.txt", "a", stderr) != NULL)
		setvbuf(stderr, NULL, _IONBF, 0);
	ssp_log_set_ident("ssp_wrapper");
	ssp_log_set_level(SSP_LOG_NORMAL);
	ssp_log_info("ssp_wrapper %s starting (%s)", PACKAGE_VERSION, ssp_appapi_version);
	ssp_appapi_init(&wapi);
	slot_lock();
	parse_files(&parsed);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_term;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	/* Descendants of a task that lose their parent come back to us, not to init. */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	if (getcwd(w->cwd, sizeof(w->cwd)) == NULL)
		fail(SSP_WRAPPER_EXIT_INIT, "getcwd: %s", strerror(errno));

	w->standalone = parsed.init_rc == SSP_ERR_NOT_FOUND;
	if (parsed.init_rc == SSP_ERR_NOT_FOUND) {
		static const char none[] = "<app_init_data><ncpus>1</ncpus></app_init_data>";

		parsed.init_rc = ssp_initdata_parse(none, sizeof(none) - 1, &w->init, &em);
		if (parsed.init_rc != 0)
			snprintf(parsed.init_msg, sizeof(parsed.init_msg), "%s", em.msg);
	} else {
		w->init = parsed.init;
		parsed.init = NULL;
	}
	if (parsed.init_rc != 0)
		fail(SSP_WRAPPER_EXIT_INIT, "init_data.xml: %s", parsed.init_msg);
	if (!w->standalone)
		attach_client(w);
	w->est_cpu = ssp_initdata_est_cpu_seconds(w->init);
	if (gpu_device(w) >= 0)
		ssp_log_info("GPU device %d (from %s)", gpu_device(w),
			     w->init->gpu_device_num >= 0 ? "init_data.xml" : "--device");

	if (parsed.job_rc != 0)
		fail(SSP_WRAPPER_EXIT_JOBXML, "%s", parsed.job_msg);
	w->job = parsed.job;
	parsed.job = NULL;
	if (ssp_jobxml_nignored(w->job) > 0)
		ssp_log_info("job.xml: ignored %zu unknown element(s), the first <%s>",
			     ssp_jobxml_nignored(w->job), ssp_jobxml_first_ignored(w->job));
	resolve("job.xml", path, sizeof(path));
	if ((rc = ssp_sha256_file(path, w->job_digest, NULL)) != 0)
		fail(SSP_WRAPPER_EXIT_JOBXML, "job.xml: %s", ssp_strerror(rc));
	w->total_weight = ssp_jobxml_total_weight(w->job);

	if (load_state(w)) {
		kill_leftover(w);
		ssp_log_info("resuming: %zu of %zu task(s) done, %.2f s of CPU time so far",
			     w->st.tasks_done, w->st.ntasks, cpu_before(w));
		w->reported = w->st.fraction_done;
	} else {
		memset(&w->st, 0, sizeof(w->st));
		memcpy(w->st.job_sha256, w->job_digest, SSP_SHA256_LEN);
		snprintf(w->st.wu_name, sizeof(w->st.wu_name), "%s", w->init->wu_name);
		snprintf(w->st.result_name, sizeof(w->st.result_name), "%s", w->init->result_name);
		w->st.ntasks = ssp_jobxml_ntasks(w->job);
		w->st.started_at = (int64_t)time(NULL);
		state_save(w);
	}
	/* Check every remaining task's application now rather than after hours of work. */
	for (size_t i = w->st.tasks_done; i < ssp_jobxml_ntasks(w->job); i++)
		app_path(w, i, path, sizeof(path));

	for (size_t i = w->st.tasks_done; i < ssp_jobxml_ntasks(w->job); i++)
		run_task(w, i);

	write_receipt(w, time(NULL));
	report(w, cpu_before(w), 1.0);
	log_self_usage();
	fflush(stderr);
	ssp_jobxml_free(w->job);
	ssp_initdata_free(w->init);
	finish(0);
}
